/*
 * The guest's local APICs, as relboot emulates them (a guest never
 * touches a local APIC directly: the xAPIC page is left out of the nested
 * page table and the x2APIC MSRs are intercepted).  What an access does,
 * and how an interprocessor interrupt the guest asks for is carried out
 * over the guest's own vCPUs only.  Intel SDM Vol. 3A, 11.4.1 (the APIC
 * register page), 11.6 "Issuing Interprocessor Interrupts" (the ICR,
 * table 11-6 and figure 11-12), 11.6.2 "Determining IPI Destination"
 * (physical, logical flat and cluster), 11.12.10 (x2APIC logical IDs).
 *
 * Pure: host-tested.  vcpu.cpp does the accesses on the physical APIC and
 * the deliveries.
 */
#ifndef RELBOOT_VCPU_APIC_H
#define RELBOOT_VCPU_APIC_H

#include <cstdint>

namespace relboot {

/* The most vCPUs a guest has (one per CPU slot: layout.h's CPU_SLOTS, BootState's CPUS_MAX). */
inline constexpr uint32_t VCPU_MAX = 64;

/*
 * What an access to a register of the xAPIC page (or its x2APIC MSR)
 * becomes.  A read is pass (the physical register's value: ID, LDR, DFR
 * and the ICR's low word included), icr_high (the kept destination) or
 * refuse; a write can be any of them.
 */
enum class ApicAccess : uint8_t {
    pass = 0,       /* done on the running CPU's physical APIC as it is (EOI, TPR, LVTs, timer, ISR/IRR reads, ...);
                       a write only once apic_write_allowed() took its value */
    icr_low,        /* write of ICR bits 31:0 (x2APIC: the whole ICR): the IPI is planned (apic_icr_plan()) and
                       carried out, not written */
    icr_high,       /* ICR bits 63:32 (xAPIC): a write is kept per vCPU as the next IPI's destination, not written;
                       a read returns the kept value */
    ldr,            /* write of the logical destination (xAPIC): written through, and kept for logical destinations */
    dfr,            /* write of the destination format (xAPIC): written through, and kept */
    read_only,      /* write of a read-only register (xAPIC: ID, version, PPR, ISR, ...): ignored, as the hardware does */
    refuse,         /* xAPIC: not a register (reserved offsets), or a size or alignment the APIC does not take: the
                       caller's error line; x2APIC: what the hardware answers with #GP (a reserved MSR, a read of a
                       write-only or a write of a read-only register): the caller injects #GP(0) */
};

/*
 * The access at byte offset (0..4095; more: refuse) of the xAPIC page
 * (SDM table 11-1, and AMD's extended APIC registers at 400H..530H as
 * x86/apic.h lists them): size bytes (only 4, at a 16-byte-aligned
 * offset, is an access the APIC takes), a read or a write.  The x2APIC's
 * SELF IPI offset (3F0H) is reserved here.
 */
ApicAccess apic_xapic_access(uint32_t offset, uint32_t size, bool write);

/*
 * The access to x2APIC MSR msr (0x800..0x8ff; SDM 11.12.1.2, table 11-6):
 * as the register at offset (msr - 0x800) << 4 of the xAPIC page, with
 * the ICR one 64-bit MSR (0x830, icr_low carrying the 32-bit
 * destination; 0x831 reserved), no DFR (0x80e), APR or RRD, the LDR
 * read-only, a SELF IPI register (0x83f, write-only), and the EOI write-
 * only; read-only registers refuse writes and write-only ones reads (the
 * hardware's #GP).  msr outside the x2APIC range, or one the table does
 * not define: refuse.
 */
ApicAccess apic_x2apic_access(uint32_t msr, bool write);

/*
 * Whether a write of value to the register at offset (xAPIC page offset;
 * x2APIC: (msr - 0x800) << 4) that apic_*_access() called pass may reach
 * the physical APIC: false for a local vector table entry, not masked,
 * whose delivery mode is not one the guest may use (SDM 11.5.1: fixed
 * or NMI; ExtINT too on LINT0/LINT1; never SMI, INIT or a reserved
 * mode), and, in x2APIC mode, for a value with a bit set that the SDM
 * makes reserved (bits 63:32, and table 11-6 and figures 11-8 and 11-23:
 * EOI and ESR take only 0, TPR and SELF IPI bits 7:0, ...), which would
 * make the host's WRMSR fault.  A false is the same refusal as
 * ApicAccess::refuse.  Registers whose write is not pass in that mode
 * (and offsets that are no register) are not its business: true.
 */
bool apic_write_allowed(uint32_t offset, uint64_t value, bool x2apic);

/*
 * One of the guest's vCPUs, as IPI routing sees it.  ldr and dfr matter
 * in xAPIC mode only: an x2APIC's logical ID follows from its x2APIC ID
 * (SDM 11.12.10.2), and the plan derives it.
 */
struct ApicVcpu {
    uint32_t apic_id;       /* its (physical) APIC ID; the x2APIC ID in x2APIC mode */
    uint32_t ldr;           /* xAPIC: what the guest last wrote to its LDR (reset 0) */
    uint32_t dfr;           /* xAPIC: what the guest last wrote to its DFR (reset APIC_DFR_RESET: flat) */
};

/* An interprocessor interrupt's delivery mode (ICR bits 10:8). */
enum class IpiKind : uint8_t {
    fixed = 0,
    lowest_priority = 1,
    smi = 2,
    nmi = 4,
    init = 5,               /* with level assert; INIT level de-assert is init_deassert */
    sipi = 6,
    init_deassert = 8,      /* INIT, level 0, trigger level: only resets arbitration IDs; nothing to do */
    reserved = 9,           /* delivery mode 3 or 7 */
};

/* What one write of the ICR asks for, resolved over the guest's vCPUs. */
struct IpiPlan {
    IpiKind kind;
    uint8_t vector;         /* fixed, lowest priority: the vector; SIPI: the vector (the start page: vector << 12); else 0 */
    uint64_t targets;       /* bit i: vCPU i receives it (lowest priority: one bit, the lowest) */
    uint32_t dropped;       /* destinations aimed at that the guest does not own, or an IPI never delivered (counted) */
};

/*
 * The plan for an ICR write by vCPU self of count vCPUs: icr_low the
 * ICR's low word (x2APIC: bits 31:0 of MSR 0x830), dest the destination
 * (xAPIC: ICR bits 63:56, only its low 8 bits are looked at; x2APIC:
 * bits 63:32), x2apic the mode.  Destination shorthands (self, all
 * including self, all excluding self) and the physical and logical
 * destination modes (xAPIC flat and cluster through each vCPU's ldr/dfr,
 * SDM 11.6.2.2; x2APIC cluster through the logical ID its x2APIC ID
 * gives) are resolved over vcpus[0, count) only; the broadcast
 * destination (0xff, x2APIC 0xffffffff) means every vCPU in both
 * destination modes.  dropped counts: a physical destination that
 * matches no vCPU (one); in logical mode, each bit of the destination's
 * mask (the sender's DFR model for xAPIC) that no vCPU has; a lowest
 * priority IPI that reaches none (one, whatever its destination bits);
 * an IPI of kind smi or reserved, or a fixed or lowest priority one with
 * an illegal vector (0..15, SDM 11.5.3), whatever its destination (one,
 * targets 0).  init_deassert has nothing to deliver (targets 0, dropped
 * 0).  count above VCPU_MAX is taken as VCPU_MAX; self < count (else no
 * vCPU is self).
 */
IpiPlan apic_icr_plan(uint32_t icr_low, uint32_t dest, bool x2apic, const ApicVcpu* vcpus, uint32_t count,
                      uint32_t self);

} // namespace relboot

#endif
