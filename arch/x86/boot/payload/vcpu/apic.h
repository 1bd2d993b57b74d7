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

/* What an access to a register of the xAPIC page (or its x2APIC MSR) becomes. */
enum class ApicAccess : uint8_t {
    pass = 0,       /* done on the running CPU's physical APIC as it is (EOI, TPR, LVTs, timer, ISR/IRR reads, ...) */
    icr_low,        /* ICR bits 31:0: written, the IPI is planned (apic_icr_plan()) and carried out, not written */
    icr_high,       /* ICR bits 63:32 (xAPIC): kept per vCPU as the next IPI's destination, not written */
    ldr,            /* logical destination: written through, and kept for logical destinations */
    dfr,            /* destination format (xAPIC): written through, and kept */
    read_only,      /* a read passes; a write is ignored (ID, version, ...: the guest cannot change them) */
    refuse,         /* not a register (reserved offsets), or a size or alignment the APIC does not take */
};

/*
 * The access at byte offset (0..4095) of the xAPIC page: size bytes (only
 * 4, at a 16-byte-aligned offset, is an access the APIC takes), a read or
 * a write.
 */
ApicAccess apic_xapic_access(uint32_t offset, uint32_t size, bool write);

/*
 * The access to x2APIC MSR msr (0x800..0x8ff; SDM 11.12.1, table 11-6):
 * as apic_xapic_access(), with the ICR one 64-bit MSR (0x830, icr_low
 * carrying the 32-bit destination) and no DFR; msr outside the x2APIC
 * range, or one the table does not define: refuse.
 */
ApicAccess apic_x2apic_access(uint32_t msr, bool write);

/* One of the guest's vCPUs, as IPI routing sees it. */
struct ApicVcpu {
    uint32_t apic_id;       /* its (physical) APIC ID; the x2APIC ID in x2APIC mode */
    uint32_t ldr;           /* what the guest last wrote to its LDR (reset 0) */
    uint32_t dfr;           /* what the guest last wrote to its DFR (reset 0xffffffff: flat) */
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
    uint8_t vector;         /* fixed, lowest priority: the vector; SIPI: the start page (vector << 12) */
    uint64_t targets;       /* bit i: vCPU i receives it (lowest priority: one bit, the lowest) */
    uint32_t dropped;       /* destinations aimed at that the guest does not own (counted, never delivered) */
};

/*
 * The plan for an ICR write by vCPU self of count vCPUs: icr_low the
 * ICR's low word (x2APIC: bits 31:0 of MSR 0x830), dest the destination
 * (xAPIC: ICR bits 63:56; x2APIC: bits 63:32), x2apic the mode.
 * Destination shorthands (self, all including self, all excluding self)
 * and the physical and logical destination modes (xAPIC flat and cluster
 * through each vCPU's ldr/dfr; x2APIC cluster: ldr) are resolved over
 * vcpus[0, count) only; the broadcast physical ID (0xff, x2APIC
 * 0xffffffff) means every vCPU.  A physical destination that matches no
 * vCPU counts as one dropped destination; so does an IPI of kind smi or
 * reserved, whatever its destination (targets then 0).
 * count <= VCPU_MAX, self < count.
 */
IpiPlan apic_icr_plan(uint32_t icr_low, uint32_t dest, bool x2apic, const ApicVcpu* vcpus, uint32_t count,
                      uint32_t self);

} // namespace relboot

#endif
