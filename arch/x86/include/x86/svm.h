/*
 * AMD Secure Virtual Machine (SVM): the CPUID bits, MSRs, VMCB layout,
 * intercept bits and exit codes relboot's guest=svm launch uses.
 * AMD64 Architecture Programmer's Manual (APM) vol. 2, chapter 15
 * "Secure Virtual Machine", and appendix B "Layout of VMCB"; names as
 * there (VMCB fields as in appendix B tables B-1 and B-2, exit codes as
 * in appendix C "SVM Intercept Exit Codes").
 */
#ifndef RELBOOT_X86_SVM_H
#define RELBOOT_X86_SVM_H

#include <relboot/spec/macros.h>

/* CPUID Fn8000_0001 ECX and Fn8000_000A (APM vol. 3, appendix E.4.1 and E.4.9). */
#define CPUID_LEAF_SVM            UINT32(0x8000000a)
#define CPUID_80000001_ECX_SVM    BIT32(2)    /* SVM: secure virtual machine */
#define CPUID_80000001_ECX_SKINIT BIT32(12)   /* SKINIT and STGI (also present with SVM) */
#define CPUID_8000000A_EDX_NP     BIT32(0)    /* nested paging */
#define CPUID_8000000A_EDX_NRIPS  BIT32(3)    /* NRIP save: the VMCB's nRIP on #VMEXIT */
#define CPUID_8000000A_EDX_DECODE_ASSISTS BIT32(7) /* the guest's instruction bytes in the VMCB (0xD0) on #NPF */

/* EFER (APM vol. 2, 3.1.7) */
#define EFER_SVME                 BIT32(12)   /* Secure Virtual Machine Enable */

/*
 * MSRs (APM vol. 2, 15.30 "SVM-Related MSRs", 15.31 "SVM-Lock", the AVIC's
 * "Doorbell Register" and "TSC Ratio MSR"; appendix A).
 */
#define MSR_TSC_RATIO             UINT32(0xc0000104)   /* the guest TSC's multiplier (TSC scaling) */
#define MSR_VM_CR                 UINT32(0xc0010114)
#define VM_CR_SVMDIS              BIT32(4)    /* SVME cannot be set (firmware disabled SVM) */
#define MSR_IGNNE                 UINT32(0xc0010115)   /* the IGNNE signal's state */
#define MSR_SMM_CTL               UINT32(0xc0010116)   /* SMM control: enter/exit SMM, SMI special cycles */
#define MSR_VM_HSAVE_PA           UINT32(0xc0010117)   /* host state-save area, 4 KiB aligned */
#define MSR_SVM_KEY               UINT32(0xc0010118)   /* SVM-Lock key: unlocks VM_CR.SVMDIS */
#define MSR_AVIC_DOORBELL         UINT32(0xc001011b)   /* AVIC: a write signals the physical APIC ID it names */

/* VMCB control area intercept vectors (APM vol. 2, table B-1). */
/* Offset 0x00C: */
#define SVM_INTERCEPT_NMI         BIT32(1)    /* a physical NMI in guest mode exits; it stays pending until GIF = 1 */
#define SVM_INTERCEPT_CPUID       BIT32(18)
#define SVM_INTERCEPT_MSR_PROT    BIT32(28)   /* MSR accesses, through the MSR permission map */
#define SVM_INTERCEPT_SHUTDOWN    BIT32(31)
/* Offset 0x010: */
#define SVM_INTERCEPT_VMRUN       BIT32(0)    /* must be set, else VMRUN fails with VMEXIT_INVALID */
#define SVM_INTERCEPT_VMMCALL     BIT32(1)
#define SVM_INTERCEPT_VMLOAD      BIT32(2)
#define SVM_INTERCEPT_VMSAVE      BIT32(3)
#define SVM_INTERCEPT_STGI        BIT32(4)
#define SVM_INTERCEPT_CLGI        BIT32(5)
#define SVM_INTERCEPT_SKINIT      BIT32(6)

/* VMCB offset 0x090 */
#define SVM_NP_ENABLE             BIT64(0)
/* VMCB offset 0x05C TLB_CONTROL */
#define SVM_TLB_CONTROL_FLUSH_ALL UINT32(1)

/* EVENTINJ (offset 0x0A8; APM vol. 2, 15.20 "Event Injection"), and EXITINTINFO (0x088) in the same format */
#define SVM_EVENTINJ_VECTOR_MASK     UINT64(0xff)
#define SVM_EVENTINJ_TYPE_MASK       (UINT64(7) << 8)
#define SVM_EVENTINJ_TYPE_NMI        (UINT64(2) << 8)   /* vector 2 */
#define SVM_EVENTINJ_TYPE_EXCEPTION  (UINT64(3) << 8)
#define SVM_EVENTINJ_EV              BIT64(11)   /* push an error code */
#define SVM_EVENTINJ_V               BIT64(31)   /* valid */
#define SVM_EVENTINJ_ERRORCODE_SHIFT 32          /* bits 63:32: the error code pushed with EV */

/* #NPF EXITINFO1 (APM vol. 2, 15.25.6): the #PF-style error code and where the walk faulted. */
#define SVM_NPF_WRITE             BIT64(1)    /* a write access */
#define SVM_NPF_FETCH             BIT64(4)    /* an instruction fetch */
#define SVM_NPF_FINAL             BIT64(32)   /* on the final guest-physical address */
#define SVM_NPF_WALK              BIT64(33)   /* on a table of the guest's own page-table walk */

/* EXITCODE values (APM vol. 2, appendix C). */
#define VMEXIT_NMI                0x61
#define VMEXIT_CPUID              0x72
#define VMEXIT_SHUTDOWN           0x7f
#define VMEXIT_MSR                0x7c
#define VMEXIT_VMRUN              0x80
#define VMEXIT_VMMCALL            0x81
#define VMEXIT_VMLOAD             0x82
#define VMEXIT_VMSAVE             0x83
#define VMEXIT_STGI               0x84
#define VMEXIT_CLGI               0x85
#define VMEXIT_SKINIT             0x86
#define VMEXIT_NPF                0x400
/*
 * VMEXIT_INVALID is -1.  QEMU 7.2's TCG stores only its low 32 bits
 * (0x00000000ffffffff), so compare the low 32 bits.
 */
#define VMEXIT_INVALID_LOW32      UINT32(0xffffffff)

/*
 * MSR permission map: 8 KiB, three 2 KiB vectors of 2 bits an MSR, the
 * read bit (even) then the write bit (odd) (APM vol. 2, 15.11): MSRs
 * 0000_0000..0000_1FFF at byte 0, C000_0000..C000_1FFF at 800H,
 * C001_0000..C001_1FFF at 1000H; 1800H..1FFFH reserved.  An MSR outside
 * the three ranges always exits when MSR_PROT is set.
 */
#define SVM_MSRPM_SIZE            0x2000
#define SVM_MSRPM_RANGE_MSRS      0x2000      /* MSRs a vector covers */
#define SVM_MSRPM_RANGE_BYTES     0x800       /* bytes of a vector */
#define SVM_MSRPM_RANGE0_FIRST    UINT32(0x00000000)
#define SVM_MSRPM_RANGE1_FIRST    UINT32(0xc0000000)
#define SVM_MSRPM_RANGE2_FIRST    UINT32(0xc0010000)
/* I/O permission map: 12 KiB, one bit a port (APM vol. 2, 15.10.1). */
#define SVM_IOPM_SIZE             0x3000

#ifndef __ASSEMBLER__
#include <cstddef>
#include <cstdint>

namespace relboot::x86 {

/* A segment register in the VMCB state-save area (table B-2): attrib is descriptor bits 47:40 and 55:52. */
struct VmcbSegment {
    uint16_t selector;
    uint16_t attrib;
    uint32_t limit;
    uint64_t base;
};
static_assert(sizeof(VmcbSegment) == 16);

/* The VMCB control area (table B-1), the fields relboot uses by name, the rest reserved. */
struct VmcbControl {
    uint32_t intercept_cr;          /* 0x000: CR reads (15:0) and writes (31:16) */
    uint32_t intercept_dr;          /* 0x004 */
    uint32_t intercept_exceptions;  /* 0x008 */
    uint32_t intercept_misc1;       /* 0x00c: INTR .. SHUTDOWN */
    uint32_t intercept_misc2;       /* 0x010: VMRUN .. */
    uint32_t intercept_misc3;       /* 0x014 */
    uint8_t reserved_018[0x03c - 0x018];
    uint16_t pause_filter_threshold; /* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t guest_asid;            /* 0x058 */
    uint32_t tlb_control;           /* 0x05c: bits 7:0 */
    uint64_t v_intr;                /* 0x060: V_TPR .. V_INTR_MASKING (bit 24) */
    uint64_t interrupt_shadow;      /* 0x068 */
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088 */
    uint64_t np_enable;             /* 0x090: NP_ENABLE (bit 0) */
    uint8_t reserved_098[0x0a8 - 0x098];
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0: nested page table's PML4 */
    uint64_t lbr_virtualization_enable; /* 0x0b8 */
    uint32_t vmcb_clean;            /* 0x0c0 */
    uint32_t reserved_0c4;
    uint64_t nrip;                  /* 0x0c8: next sequential RIP (with NRIPS) */
    uint8_t insn_len;               /* 0x0d0: bytes fetched into insn_bytes on #NPF (decode assists), 0..15 */
    uint8_t insn_bytes[15];         /* 0x0d1: the guest's instruction bytes at RIP */
    uint8_t reserved_0e0[0x400 - 0x0e0];
};
static_assert(offsetof(VmcbControl, intercept_misc1) == 0x00c && offsetof(VmcbControl, iopm_base_pa) == 0x040);
static_assert(offsetof(VmcbControl, guest_asid) == 0x058 && offsetof(VmcbControl, exitcode) == 0x070);
static_assert(offsetof(VmcbControl, np_enable) == 0x090 && offsetof(VmcbControl, eventinj) == 0x0a8);
static_assert(offsetof(VmcbControl, n_cr3) == 0x0b0 && offsetof(VmcbControl, nrip) == 0x0c8);
static_assert(offsetof(VmcbControl, insn_len) == 0x0d0 && offsetof(VmcbControl, insn_bytes) == 0x0d1);
static_assert(sizeof(VmcbControl) == 0x400);

/* The VMCB state-save area (table B-2), at VMCB offset 0x400. */
struct VmcbSave {
    VmcbSegment es, cs, ss, ds, fs, gs;     /* 0x400 .. 0x450 */
    VmcbSegment gdtr, ldtr, idtr, tr;       /* 0x460 .. 0x490 */
    uint8_t reserved_4a0[0x4cb - 0x4a0];
    uint8_t cpl;                            /* 0x4cb */
    uint32_t reserved_4cc;
    uint64_t efer;                          /* 0x4d0 */
    uint8_t reserved_4d8[0x548 - 0x4d8];
    uint64_t cr4;                           /* 0x548 */
    uint64_t cr3;                           /* 0x550 */
    uint64_t cr0;                           /* 0x558 */
    uint64_t dr7;                           /* 0x560 */
    uint64_t dr6;                           /* 0x568 */
    uint64_t rflags;                        /* 0x570 */
    uint64_t rip;                           /* 0x578 */
    uint8_t reserved_580[0x5d8 - 0x580];
    uint64_t rsp;                           /* 0x5d8 */
    uint8_t reserved_5e0[0x5f8 - 0x5e0];
    uint64_t rax;                           /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask;    /* 0x600 .. 0x618 */
    uint64_t kernel_gs_base;                /* 0x620 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip; /* 0x628 .. 0x638 */
    uint64_t cr2;                           /* 0x640 */
    uint8_t reserved_648[0x668 - 0x648];
    uint64_t g_pat;                         /* 0x668 */
    uint8_t reserved_670[0x1000 - 0x670];
};

/* One VMCB: 4 KiB, 4 KiB aligned (VMRUN's rAX). */
struct alignas(4096) Vmcb {
    VmcbControl control;
    VmcbSave save;
};
static_assert(offsetof(Vmcb, save.cs) == 0x410 && offsetof(Vmcb, save.gdtr) == 0x460);
static_assert(offsetof(Vmcb, save.cpl) == 0x4cb && offsetof(Vmcb, save.efer) == 0x4d0);
static_assert(offsetof(Vmcb, save.cr4) == 0x548 && offsetof(Vmcb, save.rip) == 0x578);
static_assert(offsetof(Vmcb, save.rsp) == 0x5d8 && offsetof(Vmcb, save.rax) == 0x5f8);
static_assert(offsetof(Vmcb, save.cr2) == 0x640 && offsetof(Vmcb, save.g_pat) == 0x668);
static_assert(sizeof(Vmcb) == 4096);

} // namespace relboot::x86
#endif

#endif
