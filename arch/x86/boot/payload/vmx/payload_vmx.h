/*
 * Launching the Linux payload as an Intel VT-x guest (guest=vmx): the
 * pure parts, which the 64-bit stage runs and the host tests run on the
 * capability MSRs of Bochs's CPU models and of real CPUs.  Intel SDM Vol.
 * 3C, chapters 23-31, Vol. 3D appendix A; arch/x86/include/x86/vmx.h.
 *
 * The same thin hypervisor as guest=svm (payload/svm/), on the same
 * vendor-neutral vCPU layer (payload/vcpu/): every CPU relboot brought
 * online is one vCPU, the BSP's starting at the kernel's 64-bit entry,
 * each AP's waiting for the SIPI the guest sends through its emulated
 * local APIC and then starting in real mode ("unrestricted guest").  The
 * guest's memory is one EPT built by the same planner as the NPT
 * (payload/vcpu/guest_map.h): relboot's image (the VMXON regions, the
 * VMCSs, the MSR bitmap, the EPT and the stacks among it) and the local
 * APIC's page not present, RAM write-back, the rest uncached.  VPID 1 for
 * every vCPU.  I/O and interrupts pass through; the MSRs follow the one
 * policy table (payload/vcpu/msr.h) through the MSR bitmap.
 *
 * Refusals are BootErrors with subject "vmx" (lib/error.h).
 */
#ifndef RELBOOT_PAYLOAD_VMX_H
#define RELBOOT_PAYLOAD_VMX_H

#include <cstdint>
#include "boot_state.h"
#include "lib/error.h"
#include "payload/linux/payload_linux.h"
#include "payload/vcpu/guest_map.h"
#include "payload/vcpu/insn.h"
#include <x86/paging.h>
#include <x86/vmx.h>

namespace relboot {

/* BootError.subject of guest=vmx's refusals, and of the EPT's (guest_map_check()). */
inline constexpr const char* VMX_ERROR_SUBJECT = "vmx";
inline constexpr const char* VMX_EPT_ERROR_SUBJECT = "vmx ept";

/*
 * The EPT's entries for the planner (guest_map.h): read, write and
 * execute everywhere; RAM write-back and everything else uncached in the
 * leaves (SDM 28.2.6: the EPT's type combines with the guest's PAT, the
 * guest's MTRRs are not used); present when any of R, W, X is set.
 */
inline constexpr GuestMapFormat VMX_EPT_FORMAT{
    EPT_RWX,
    {EPT_RWX | EPT_MEMTYPE_WB << EPT_MEMTYPE_SHIFT, EPT_RWX | EPT_MEMTYPE_UC << EPT_MEMTYPE_SHIFT},
    {EPT_RWX | EPT_MEMTYPE_WB << EPT_MEMTYPE_SHIFT | EPT_LARGE_PAGE,
     EPT_RWX | EPT_MEMTYPE_UC << EPT_MEMTYPE_SHIFT | EPT_LARGE_PAGE},
    EPT_RWX};

/*
 * The host's VMX capability MSRs (appendix A), as vmx_read_caps() reads
 * them: an MSR the CPU does not have reads as 0 (the TRUE controls
 * without IA32_VMX_BASIC[55], the secondary controls without the primary
 * "activate secondary controls" allowed-1, the EPT/VPID capabilities
 * without EPT or VPID allowed-1).
 */
struct VmxCaps {
    uint64_t basic;
    uint64_t pinbased, procbased, exit, entry;      /* IA32_VMX_{PINBASED,PROCBASED,EXIT,ENTRY}_CTLS */
    uint64_t true_pinbased, true_procbased, true_exit, true_entry;  /* IA32_VMX_TRUE_*_CTLS */
    uint64_t procbased2;                            /* IA32_VMX_PROCBASED_CTLS2 */
    uint64_t misc;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t ept_vpid_cap;
};

/* The five control fields relboot sets. */
enum class VmxField : uint8_t { pinbased = 0, procbased, procbased2, exit, entry, count };

/* What relboot asks of one control. */
enum class VmxWant : uint8_t {
    one,        /* set: refused when the CPU cannot set it */
    zero,       /* clear: refused when the CPU cannot clear it */
    settable,   /* clear in the common value, set per vCPU (IA-32e mode guest): refused when the CPU cannot set it */
    optional,   /* set when the CPU can (the guest's instructions it enables, e.g. RDTSCP), else clear */
};

/* One control: its field, bit, what relboot asks, and the words of its refusal. */
struct VmxControl {
    VmxField field;
    uint8_t bit;
    VmxWant want;
    const char* expected;   /* BootError.expected: "allowed-1 bit 1: enable EPT" */
};

/* relboot's controls (vmx.cpp's table); every bit not in it gets its default (vmx_control_value()). */
const VmxControl* vmx_controls();
uint32_t vmx_control_count();

/*
 * The MSR a field's allowed settings come from (SDM A.2): the TRUE MSR
 * when IA32_VMX_BASIC[55] is set (pin-based, primary, exit, entry), else
 * the plain one; the secondary controls have only
 * IA32_VMX_PROCBASED_CTLS2.  Its value in caps, and its name.
 */
uint32_t vmx_field_msr(VmxField field, const VmxCaps& caps);
uint64_t vmx_field_cap(VmxField field, const VmxCaps& caps);
const char* vmx_field_msr_name(VmxField field, const VmxCaps& caps);

/* A field's default1 class (reserved bits that default to 1, SDM A.3-A.5): VMX_*_DEFAULT1, 0 for the secondary controls. */
uint32_t vmx_field_default1(VmxField field);

/*
 * One control field's value from its capability MSR cap (bits 31:0 the
 * allowed 0-settings: a 1 there is a control that must be 1; bits 63:32
 * the allowed 1-settings: a 0 there is a control that must be 0), by the
 * SDM's Algorithm 3 (31.5.1, "Algorithms for Determining VMX
 * Capabilities"): every bit the CPU fixes gets its fixed value; a bit of
 * want1 (optional1: where the CPU allows) is 1, of want0 is 0; every other
 * bit, reserved or one relboot does not care about, gets its default: 1 in
 * the default1 class, else 0.  *refused1: the bits of want1 the CPU
 * cannot set; *refused0: the bits of want0 it cannot clear (the value
 * then has the CPU's setting).
 */
uint32_t vmx_control_value(uint64_t cap, uint32_t default1, uint32_t want1, uint32_t want0, uint32_t optional1,
                           uint32_t* refused1, uint32_t* refused0);

/* The five fields' values for this CPU (entry: without IA-32e mode guest, which each vCPU sets for itself). */
struct VmxControlValues {
    uint32_t pinbased, procbased, procbased2, exit, entry;
};

/*
 * The control fields from caps (vmx_control_value() for each field, with
 * the table's wishes).  The first control the CPU refuses, in the
 * table's order, is the error: field = the MSR's name, found = its value,
 * expected = the control's words (vmx_controls()).
 */
BootError vmx_compute_controls(const VmxCaps& caps, VmxControlValues* out);

/*
 * The rest of the capabilities guest=vmx needs, in this order:
 * IA32_VMX_BASIC: a VMCS of at most 4096 bytes, write-back (type 6);
 * IA32_VMX_MISC: the HLT activity state (the guest halts without an
 * exit, so an exit can save that state); IA32_VMX_EPT_VPID_CAP: 4-level
 * EPT, its structures write-back or uncached, 2 MiB pages, INVEPT
 * (single- or all-context), INVVPID (single- or all-context).
 */
BootError vmx_check_caps(const VmxCaps& caps);

/* CPUID.1:ECX.VMX (SDM 23.6 "Discovering Support for VMX"). */
BootError vmx_check_cpuid(uint32_t features_ecx);

/*
 * IA32_FEATURE_CONTROL (SDM 23.7): locked with VMXON outside SMX
 * allowed: ok, nothing to write; unlocked: ok, *write = the value with the
 * lock and VMXON-outside-SMX bits set (the caller writes it: VMXON #GPs
 * while the lock is clear); locked without VMXON outside SMX (the
 * firmware disabled VT-x): the refusal, *write untouched.
 */
BootError vmx_check_feature_control(uint64_t value, uint64_t* write);

/*
 * A control register's value in VMX operation (SDM 23.8 "Restrictions
 * on VMX Operation"): every bit IA32_VMX_CRn_FIXED0 has set is 1, every
 * bit IA32_VMX_CRn_FIXED1 has clear is 0.
 */
constexpr uint64_t vmx_cr_fixed(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
    return (value | fixed0) & fixed1;
}

/*
 * The host's CR0 or CR4 (name "CR0", "CR4") for VMXON: *adjusted =
 * vmx_cr_fixed(value); refused when value has a bit the fixed bits
 * clear (relboot runs with a setting VMX forbids).
 */
BootError vmx_check_host_cr(const char* name, uint64_t value, uint64_t fixed0, uint64_t fixed1, uint64_t* adjusted);

/*
 * A guest control register under VMX: the bits the host owns (the
 * guest/host mask: those FIXED0 sets, less exempt, and those FIXED1
 * clears), and the value the CPU runs with for the value the guest
 * sees (the read shadow).  exempt: CR0's PE and PG under "unrestricted
 * guest", else 0.
 */
constexpr uint64_t vmx_cr_mask(uint64_t fixed0, uint64_t fixed1, uint64_t exempt)
{
    return (fixed0 & ~exempt) | ~fixed1;
}
constexpr uint64_t vmx_cr_real(uint64_t guest, uint64_t fixed0, uint64_t fixed1, uint64_t exempt)
{
    return (guest | (fixed0 & ~exempt)) & fixed1;
}

/* What a guest's MOV to CR0 or CR4 does (vmx_cr0_write(), vmx_cr4_write()). */
struct VmxCrWrite {
    bool gp;            /* #GP(0) for the guest, nothing changes */
    uint64_t real;      /* the register as the CPU runs it (VMCS guest field) */
    uint64_t shadow;    /* as the guest sees it (read shadow) */
    bool lma;           /* CR0: EFER.LMA (and "IA-32e mode guest") after the write */
};

/*
 * A MOV to CR0 of value by a guest whose CR0 was old (as it saw it), with
 * EFER efer and CR4 cr4 (as it saw them), unrestricted guest on (SDM
 * Vol. 3A, 2.5; Vol. 2B, MOV to CR0): #GP for bits 63:32, PG without PE,
 * NW without CD, a bit FIXED1 clears, paging turned on with EFER.LME but
 * not CR4.PAE, paging turned off with CR4.PCIDE.  Else real and shadow,
 * and lma = EFER.LME and the new PG (IA-32e mode comes and goes with
 * paging).
 */
VmxCrWrite vmx_cr0_write(uint64_t value, uint64_t old, uint64_t efer, uint64_t cr4, uint64_t fixed0, uint64_t fixed1);

/*
 * A MOV to CR4 of value by a guest (old: CR4 as it saw it; efer its EFER;
 * cr3 its CR3): #GP for CR4.VMXE (the guest sees no VMX), a bit FIXED1
 * clears, clearing PAE in IA-32e mode, changing LA57 in IA-32e mode,
 * setting PCIDE outside IA-32e mode or with CR3 bits 11:0 set.  Else
 * real (with the bits FIXED0 sets) and shadow.
 */
VmxCrWrite vmx_cr4_write(uint64_t value, uint64_t old, uint64_t efer, uint64_t cr3, uint64_t fixed0, uint64_t fixed1);

/* A segment register as the VMCS's guest-state area holds it (SDM 24.4.1). */
struct VmxSegment {
    uint16_t selector;
    uint32_t ar;        /* access rights: descriptor bits 47:40 in 7:0, 55:52 in 15:12, bit 16 unusable */
    uint32_t limit;     /* in bytes */
    uint64_t base;
};

/* The VMCS access rights of an 8-byte code or data descriptor, accessed bit set (VM entry wants it, SDM 26.3.1.2). */
constexpr uint32_t vmx_ar_from_descriptor(uint64_t desc)
{
    return uint32_t((desc >> 40) & 0xff) | uint32_t((desc >> 52) & 0xf) << 12 | 1u;
}

/* A vCPU's guest register state as relboot writes it to a VMCS (vmx_write_guest_state()). */
struct VmxGuestState {
    VmxSegment seg[8];          /* ES, CS, SS, DS, FS, GS, LDTR, TR: the VMCS encodings' order */
    VmxSegment gdtr, idtr;      /* base and limit only */
    uint64_t cr0, cr3, cr4;     /* as the guest sees them (the read shadows for CR0 and CR4) */
    uint64_t efer;
    uint64_t dr7;
    uint64_t rflags;
    uint64_t rip, rsp;
    uint64_t pat;
    uint32_t activity;          /* VMX_ACTIVITY_* */
    uint32_t interruptibility;  /* VMX_INTERRUPTIBILITY_* */
};

/* Segment indices in VmxGuestState.seg. */
enum VmxSeg : uint32_t { VMX_ES = 0, VMX_CS, VMX_SS, VMX_DS, VMX_FS, VMX_GS, VMX_LDTR, VMX_TR };

/*
 * A vCPU's state after INIT (SDM Vol. 3A, "Processor State After Reset",
 * the table of the states after power-up, reset or INIT): real mode
 * at F000h:FFF0h (CS base FFFF0000h), every other segment 0 with limit
 * FFFFh (data: present, read/write, accessed; LDTR: an LDT; TR: a busy
 * 32-bit TSS, which VM entry requires), CR0 = CD | NW | ET, CR3 = CR4 =
 * EFER = 0, RFLAGS = 2, DR7 = 400h, PAT at its power-on value, active.
 * The general-purpose registers are the caller's (RDX = CPUID 1's EAX).
 */
void vmx_init_state(VmxGuestState& s);

/* A Start-Up IPI taken in wait-for-SIPI (SDM Vol. 3A, "MP Initialization"): CS = vector << 8, base vector << 12, IP 0. */
void vmx_sipi_state(VmxGuestState& s, uint8_t vector);

/* The code size at the guest's RIP: 64-bit in IA-32e mode with CS.L, 32-bit with CR0.PE and CS.D, else 16-bit. */
CodeSize vmx_code_size(uint64_t efer, uint64_t cr0, uint32_t cs_ar);

/*
 * The EPT pointer for a 4-level EPT whose PML4 is at pml4 (SDM 24.6.11):
 * the paging structures' memory type write-back when ept_vpid_cap allows
 * it, else uncached; no accessed and dirty flags.
 */
uint64_t vmx_eptp(uint64_t pml4, uint64_t ept_vpid_cap);

/*
 * Whether XSETBV may load value into XCR ecx (SDM Vol. 1, 13.3; Vol. 2C,
 * XSETBV): ecx 0 (XCR0), x87 state set, no bit outside supported
 * (CPUID.(EAX=0DH,ECX=0):EDX:EAX), AVX only with SSE, the three AVX-512
 * bits all or none and only with AVX, the two AMX bits both or none.
 * False: #GP for the guest, as the CPU would give it.
 */
bool vmx_xsetbv_allowed(uint32_t ecx, uint64_t value, uint64_t supported);

/* A basic exit reason's name for reports ("cpuid", "ept-violation", "triple-fault", ... or "other"). */
const char* vmx_exit_name(uint32_t basic_reason);

/* A VM-instruction error's meaning (SDM 30.4, table 30-1), or "unknown error number". */
const char* vmx_instruction_error_name(uint32_t error);

/*
 * What a VM-entry failure means (SDM 26.8 "VM-Entry Failures During or
 * After Loading Guest State"): for basic reason 33 (invalid guest state)
 * the exit qualification's 0 (a guest-state check failed), 2 (loading
 * the PDPTEs), 3 (an NMI injected while blocking by STI), 4 (an invalid
 * VMCS link pointer); 34 (MSR loading: the qualification is the entry's
 * index); 41 (a machine-check event).
 */
const char* vmx_entry_failure_text(uint32_t basic_reason, uint64_t qualification);

class Console;

/* 64-bit stage only (vmx_launch.cpp). */

/* The host's capability MSRs (VmxCaps: an MSR the CPU lacks reads 0). */
VmxCaps vmx_read_caps();

/*
 * Host checks for guest=vmx, each a refusal without a change: the CPU's
 * vendor (GenuineIntel), vmx_check_cpuid(), IA32_FEATURE_CONTROL
 * (vmx_check_feature_control(); not written here), the capabilities
 * (vmx_check_caps(), vmx_compute_controls()) and the host's CR0 and CR4
 * (vmx_check_host_cr()).  guest=auto asks it too.
 */
BootError vmx_host_error();

/* vmx_host_error(), a refusal through boot_fail(): nothing has been placed then. */
void vmx_check_host(const BootState& bs);

/*
 * Decides guest=vmx's pages before anything moves, as svm_prepare() does
 * for SVM: the EPT over [0, plan.memory_limit) with relboot's image left
 * out but for windows and its own guest pages, the local APIC's page left
 * out (and the zero page's with debug-npt-hole=zero-page); the MSR
 * bitmap (the policy table's); each online CPU's guest state: the BSP's
 * the 64-bit boot protocol's (RIP = plan.entry, RSI = boot_params), each
 * AP's INIT's.  The last refusals of the launch: too many holes, an EPT
 * that does not fit its pages, through boot_fail().
 */
void vmx_prepare(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params, const PhysRange* windows,
                 uint32_t window_count);

/*
 * Runs the guest vmx_prepare() set up, as svm_run() does: VMX on for the
 * BSP (IA32_FEATURE_CONTROL locked if it was not, CR0 and CR4 fixed bits,
 * VMXON, its VMCS), every online AP into its vCPU through its mailbox,
 * then "relboot: vmx ept=on vpid=1 vmcs=0x<16> unrestricted=yes
 * vcpus=<n>" and "relboot: handoff linux-vmx entry=... boot_params=...",
 * and the BSP's vCPU on its own stack.  A VMX instruction that fails
 * (VMXON, VMCLEAR, VMPTRLD, VMWRITE, VMLAUNCH, VMRESUME) or a fatal exit
 * ends the run with one "relboot: error: vmx ..." line (vmx_exit.cpp).
 */
[[noreturn]] void vmx_run(const BootState& bs, Console& con, const LinuxPlan& plan, uint64_t boot_params);

} // namespace relboot

#endif
