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

/* xAPIC registers: byte offsets in the MMIO page (SDM Table 11-1). */
#define APIC_ID                 0x020       /* bits 31:24 the APIC ID */
#define APIC_ID_SHIFT           24
#define APIC_EOI                0x0b0       /* write 0: end of interrupt */
#define APIC_SVR                0x0f0       /* spurious-interrupt vector register */
#define APIC_ICR_LOW            0x300
#define APIC_ICR_HIGH           0x310       /* bits 31:24 the destination */
#define APIC_ICR_DEST_SHIFT     24

/* x2APIC MSRs: 800H + (xAPIC offset >> 4) (SDM Table 11-6). */
#define MSR_X2APIC_APICID       UINT32(0x00000802)
#define MSR_X2APIC_EOI          UINT32(0x0000080b)
#define MSR_X2APIC_LDR          UINT32(0x0000080d)  /* logical destination: read-only, derived from the ID */
#define MSR_X2APIC_SVR          UINT32(0x0000080f)
#define MSR_X2APIC_ICR          UINT32(0x00000830)  /* one 64-bit write: destination in bits 63:32 */
#define MSR_X2APIC_ICR_DEST_SHIFT   32

/* SVR (SDM Figure 11-23): bits 7:0 the spurious vector; bit 8 enables the APIC in software (0 after INIT). */
#define APIC_SVR_ENABLE         BIT32(8)

/* ICR low word (SDM Figure 11-12). */
#define APIC_ICR_DM_FIXED       UINT32(0x00000000)  /* delivery mode Fixed; bits 7:0 the vector */
#define APIC_ICR_DM_INIT        UINT32(0x00000500)  /* delivery mode INIT */
#define APIC_ICR_DM_NMI         UINT32(0x00000400)  /* delivery mode NMI (the vector is ignored) */
#define APIC_ICR_DM_STARTUP     UINT32(0x00000600)  /* delivery mode Start Up; bits 7:0 the vector (page number) */
#define APIC_ICR_BUSY           BIT32(12)   /* delivery status: send pending (xAPIC only) */
#define APIC_ICR_LEVEL_ASSERT   BIT32(14)
#define APIC_ICR_TRIGGER_LEVEL  BIT32(15)
#define APIC_ICR_DEST_SELF      BIT32(18)   /* destination shorthand 01: self (bits 19:18) */

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
