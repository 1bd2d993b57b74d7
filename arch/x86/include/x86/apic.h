/*
 * The local APIC, in xAPIC (MMIO) and x2APIC (MSR) mode, as far as
 * starting the other CPUs and waking the parked ones need it.  Intel SDM
 * Vol. 3A, 11.4.4 "Local APIC Status and Location" (IA32_APIC_BASE),
 * 11.6.1 "Interrupt Command Register (ICR)", 11.8.5 "Signaling Interrupt
 * Servicing Completion" (EOI), 11.9 "Spurious Interrupt" (SVR), 11.12.1
 * "Detecting and Enabling x2APIC Mode" and 11.12.9 "ICR Operation in
 * x2APIC Mode"; 9.4.4 "MP Initialization Example" for INIT-SIPI-SIPI.
 */
#ifndef RELBOOT_X86_APIC_H
#define RELBOOT_X86_APIC_H

#include <relboot/spec/macros.h>

/* IA32_APIC_BASE (MSR 1BH) */
#define MSR_IA32_APIC_BASE      UINT32(0x0000001b)
#define APIC_BASE_BSP           BIT32(8)    /* this CPU is the bootstrap processor */
#define APIC_BASE_EXTD          BIT32(10)   /* x2APIC mode enable */
#define APIC_BASE_EN            BIT32(11)   /* APIC global enable */
#define APIC_BASE_ADDR_MASK     UINT64(0x000ffffffffff000)  /* xAPIC MMIO page */

/*
 * xAPIC registers: byte offsets in the MMIO page (SDM Table 11-1), one
 * 32-bit register every 16 bytes (accessed as 32 bits at a 16-byte
 * aligned offset only, SDM 11.4.1).
 */
#define APIC_PAGE_SIZE          0x1000
#define APIC_REGISTER_STRIDE    0x10
#define APIC_ID                 0x020       /* bits 31:24 the APIC ID */
#define APIC_ID_SHIFT           24
#define APIC_VERSION            0x030       /* read-only */
#define APIC_TPR                0x080       /* task priority */
#define APIC_APR                0x090       /* arbitration priority, read-only */
#define APIC_PPR                0x0a0       /* processor priority, read-only */
#define APIC_EOI                0x0b0       /* write 0: end of interrupt */
#define APIC_RRD                0x0c0       /* remote read, read-only */
#define APIC_LDR                0x0d0       /* logical destination: bits 31:24 the logical APIC ID */
#define APIC_LDR_SHIFT          24
#define APIC_DFR                0x0e0       /* destination format: bits 31:28 the model (xAPIC only) */
#define APIC_DFR_MODEL_SHIFT    28
#define APIC_DFR_MODEL_FLAT     0xf         /* flat model: the logical ID is a bit mask */
#define APIC_DFR_MODEL_CLUSTER  0x0         /* cluster model: bits 7:4 the cluster, 3:0 a mask in it */
#define APIC_DFR_RESET          UINT32(0xffffffff)   /* after reset and INIT: flat */
#define APIC_SVR                0x0f0       /* spurious-interrupt vector register */
#define APIC_ISR                0x100       /* in-service, 8 registers to 170H, read-only */
#define APIC_TMR                0x180       /* trigger mode, 8 registers to 1F0H, read-only */
#define APIC_IRR                0x200       /* interrupt request, 8 registers to 270H, read-only */
#define APIC_ESR                0x280       /* error status */
#define APIC_LVT_CMCI           0x2f0       /* LVT corrected machine-check interrupt */
#define APIC_ICR_LOW            0x300
#define APIC_ICR_HIGH           0x310       /* bits 31:24 the destination */
#define APIC_ICR_DEST_SHIFT     24
#define APIC_LVT_TIMER          0x320
#define APIC_LVT_THERMAL        0x330
#define APIC_LVT_PERF           0x340       /* performance monitoring counters */
#define APIC_LVT_LINT0          0x350
#define APIC_LVT_LINT1          0x360
#define APIC_LVT_ERROR          0x370
#define APIC_TIMER_INITIAL      0x380       /* initial count */
#define APIC_TIMER_CURRENT      0x390       /* current count, read-only */
#define APIC_TIMER_DIVIDE       0x3e0       /* divide configuration */
#define APIC_SELF_IPI           0x3f0       /* x2APIC only (MSR 83FH): write a vector, a fixed IPI to self */

/*
 * AMD's extended APIC registers (AMD APM vol. 2, chapter 16 "Advanced
 * Programmable Interrupt Controller (APIC)", "Extended APIC Registers";
 * present with CPUID Fn8000_0001 ECX[3] ExtApicSpace).
 */
#define APIC_EXT_FEATURE        0x400       /* extended APIC feature, read-only: bits 23:16 the extended LVT count */
#define APIC_EXT_CONTROL        0x410       /* extended APIC control: IER, SEOI, extended APIC ID enables */
#define APIC_SEOI               0x420       /* specific end of interrupt */
#define APIC_IER                0x480       /* interrupt enable, 8 registers to 4F0H */
#define APIC_EXT_LVT0           0x500       /* extended interrupt LVTs, 4 registers to 530H (IBS, MCE thresholds, ...) */
#define APIC_EXT_LVT3           0x530

/* x2APIC MSRs: 800H + (xAPIC offset >> 4) (SDM 11.12.1.2, Table 11-6). */
#define MSR_X2APIC_FIRST        UINT32(0x00000800)
#define MSR_X2APIC_LAST         UINT32(0x000008ff)
#define MSR_X2APIC_APICID       UINT32(0x00000802)
#define MSR_X2APIC_EOI          UINT32(0x0000080b)
#define MSR_X2APIC_LDR          UINT32(0x0000080d)  /* logical destination: read-only, derived from the ID */
#define MSR_X2APIC_SVR          UINT32(0x0000080f)
#define MSR_X2APIC_ICR          UINT32(0x00000830)  /* one 64-bit write: destination in bits 63:32 */
#define MSR_X2APIC_ICR_DEST_SHIFT   32

/* SVR (SDM Figure 11-23): bits 7:0 the spurious vector; bit 8 enables the APIC in software (0 after INIT). */
#define APIC_SVR_ENABLE         BIT32(8)

/* ICR low word (SDM 11.6.1, Figure 11-12). */
#define APIC_ICR_VECTOR_MASK    UINT32(0x000000ff)  /* bits 7:0 the vector */
#define APIC_ICR_DM_MASK        UINT32(0x00000700)  /* bits 10:8 the delivery mode (values below; 011B and 111B reserved) */
#define APIC_ICR_DM_FIXED       UINT32(0x00000000)  /* delivery mode Fixed; bits 7:0 the vector */
#define APIC_ICR_DM_LOWEST      UINT32(0x00000100)  /* delivery mode Lowest Priority; bits 7:0 the vector */
#define APIC_ICR_DM_SMI         UINT32(0x00000200)  /* delivery mode SMI */
#define APIC_ICR_DM_INIT        UINT32(0x00000500)  /* delivery mode INIT */
#define APIC_ICR_DM_NMI         UINT32(0x00000400)  /* delivery mode NMI (the vector is ignored) */
#define APIC_ICR_DM_STARTUP     UINT32(0x00000600)  /* delivery mode Start Up; bits 7:0 the vector (page number) */
#define APIC_ICR_DEST_LOGICAL   BIT32(11)   /* destination mode: 0 physical, 1 logical */
#define APIC_ICR_BUSY           BIT32(12)   /* delivery status: send pending (xAPIC only) */
#define APIC_ICR_LEVEL_ASSERT   BIT32(14)
#define APIC_ICR_TRIGGER_LEVEL  BIT32(15)
#define APIC_ICR_SHORTHAND_MASK UINT32(0x000c0000)  /* bits 19:18 the destination shorthand: */
#define APIC_ICR_SHORTHAND_NONE UINT32(0x00000000)  /*   no shorthand: the destination field */
#define APIC_ICR_SHORTHAND_SELF UINT32(0x00040000)  /*   self */
#define APIC_ICR_SHORTHAND_ALL  UINT32(0x00080000)  /*   all including self */
#define APIC_ICR_SHORTHAND_OTHERS UINT32(0x000c0000) /*  all excluding self */

/*
 * Local vector table entries (SDM 11.5.1, Figure 11-8): bits 7:0 the
 * vector, bits 10:8 the delivery mode (the ICR's encoding: Fixed, SMI,
 * NMI, INIT, and ExtINT below; the timer and error entries have none),
 * bit 16 the mask.
 */
#define APIC_LVT_DM_EXTINT      UINT32(0x00000700)  /* ExtINT: the interrupt comes from an 8259A-compatible controller */
#define APIC_LVT_MASKED         BIT32(16)

/*
 * x2APIC logical destination (SDM 11.12.10.2 "Deriving Logical x2APIC ID
 * from the Local x2APIC ID"): the LDR, read-only, is the cluster
 * (x2APIC ID bits 19:4) in bits 31:16 and one bit (1 << x2APIC ID bits
 * 3:0) in bits 15:0; a logical destination has the same layout.
 */
#define X2APIC_LDR_CLUSTER_SHIFT 16
#define X2APIC_LDR_MEMBER_MASK  UINT32(0x0000ffff)

/*
 * The physical destination that names every CPU rather than one, in each
 * mode: xAPIC's 8-bit destination FFH (SDM 11.6.2.1 "Physical
 * Destination Mode"), x2APIC's 32-bit FFFF_FFFFH (SDM 11.12.9 "ICR
 * Operation in x2APIC Mode").  No CPU can be started or called at them.
 */
#define APIC_XAPIC_BROADCAST    UINT32(0x000000ff)
#define APIC_X2APIC_BROADCAST   UINT32(0xffffffff)

/* The CPUID words that give a CPU's own APIC ID. */
#define CPUID_1_EBX_APIC_ID_SHIFT   24      /* leaf 1 EBX 31:24: initial (8-bit) APIC ID */
#define CPUID_1_ECX_X2APIC      BIT32(21)
#define CPUID_LEAF_TOPOLOGY     UINT32(0x0000000b)  /* EDX: the x2APIC ID (SDM Vol. 2A, CPUID leaf 0BH) */

#ifndef __ASSEMBLER__
#include <cstdint>

namespace relboot::x86 {

/* The local APIC's mode (IA32_APIC_BASE.EXTD, SDM 11.12.1); relboot never switches it. */
enum class ApicMode : uint8_t {
    xapic,      /* MMIO page; the ICR's destination is 8 bits (ICR bits 63:56) */
    x2apic,     /* MSRs; the ICR's destination is 32 bits (ICR bits 63:32) */
};

/*
 * Whether an IPI in physical destination mode can name the one CPU with
 * APIC ID id: xAPIC IDs below FFH (FFH is the broadcast, and anything
 * wider does not fit the 8-bit destination: 100H would reach CPU 0),
 * x2APIC IDs below FFFF_FFFFH (the broadcast).
 */
constexpr bool apic_id_addressable(uint32_t id, ApicMode mode)
{
    return id < (mode == ApicMode::x2apic ? APIC_X2APIC_BROADCAST : APIC_XAPIC_BROADCAST);
}

} // namespace relboot::x86
#endif

#endif
