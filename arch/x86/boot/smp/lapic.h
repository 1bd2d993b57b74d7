/*
 * The local APIC of the running CPU, in xAPIC (MMIO page) or x2APIC (MSR)
 * mode, as far as starting the other CPUs and waking the parked ones need
 * it: the ICR, the spurious-interrupt vector register, the APIC ID.
 * Intel SDM Vol. 3A, 11.4 "Local APIC" (11.4.4 IA32_APIC_BASE), 11.6
 * "Issuing Interprocessor Interrupts" (the ICR), 11.12 "Extended XAPIC
 * (x2APIC)"; the registers are x86/apic.h.
 */
#ifndef RELBOOT_SMP_LAPIC_H
#define RELBOOT_SMP_LAPIC_H

#include <cstdint>
#include "boot_state.h"
#include "layout.h"
#include "platform/tsc.h"
#include <x86/apic.h>
#include <x86/cpuid.h>
#include <x86/idt.h>
#include <x86/msr.h>

namespace relboot {

/* The running CPU's APIC ID from CPUID: the x2APIC ID (leaf 0BH) where the CPU has it, else leaf 1's 8 bits. */
inline uint32_t own_apic_id()
{
    if (x86::cpuid(0).eax >= CPUID_LEAF_TOPOLOGY) {
        const x86::CpuidResult t = x86::cpuid(CPUID_LEAF_TOPOLOGY, 0);
        if (t.ebx)
            return t.edx;
    }
    return x86::cpuid(CPUID_LEAF_FEATURES).ebx >> CPUID_1_EBX_APIC_ID_SHIFT;
}

/* How long an xAPIC may keep an IPI pending (Linux's safe_apic_wait_icr_idle() gives up after 100 ms). */
inline constexpr uint32_t ICR_BUSY_US = 100000;

/*
 * Whether the CPU whose APIC ID is self may send an IPI to dest in mode:
 * dest names exactly one CPU (x86::apic_id_addressable(): no broadcast,
 * nothing an 8-bit xAPIC destination would truncate to another CPU's ID)
 * and is not self (an INIT to itself would reset the BSP).
 */
constexpr bool ipi_destination_ok(uint32_t dest, uint32_t self, x86::ApicMode mode)
{
    return x86::apic_id_addressable(dest, mode) && dest != self;
}

/* The running CPU's local APIC (the BSP's, or an AP's own): xAPIC MMIO page or x2APIC MSRs. */
struct LocalApic {
    volatile uint32_t* mmio;    /* xAPIC: the register page (identity-mapped); nullptr in x2APIC mode */
    uint64_t tsc_khz;           /* bounds the wait for the delivery status */
    uint32_t self;              /* this APIC's ID, from its APIC ID register (SDM 11.4.6; MSR 802H in x2APIC mode, Table 11-6) */

    x86::ApicMode mode() const { return mmio ? x86::ApicMode::xapic : x86::ApicMode::x2apic; }

    /*
     * Writes the ICR: destination APIC ID (physical destination mode) and
     * the low word (APIC_ICR_*).  Refuses, writing nothing and returning
     * false, a destination that ipi_destination_ok() refuses: whatever a
     * table says, no IPI goes to this CPU itself or to a broadcast or
     * truncated destination.  An xAPIC is then polled until it sent the
     * IPI, for ICR_BUSY_US at most (an AP that missed its IPI then fails
     * to check in, and the BSP warns); an x2APIC has no delivery status to
     * poll (SDM 11.12.9).
     */
    bool send(uint32_t dest, uint32_t low) const
    {
        if (!ipi_destination_ok(dest, self, mode()))
            return false;
        write_icr(dest, low);
        return true;
    }

    /*
     * A fixed IPI (low: APIC_ICR_DM_FIXED | vector) to this CPU itself,
     * through the destination shorthand "self" (SDM 11.6.1, figure
     * 11-12: the only delivery mode the shorthand takes is fixed); the
     * guest's self-IPIs under guest=svm go this way (send() refuses self).
     */
    void send_self(uint32_t low) const
    {
        write_icr(0, low | APIC_ICR_SHORTHAND_SELF);
    }

    /*
     * Writes the ICR without a check (send(), send_self()): x2APIC one
     * fenced WRMSR; xAPIC the destination, then the low word, then the
     * delivery status polled for ICR_BUSY_US at most.
     */
    void write_icr(uint32_t dest, uint32_t low) const
    {
        if (!mmio) {
            /*
             * WRMSR to an x2APIC register does not wait for earlier stores
             * (SDM 11.12.3): fence, so that the trampoline or the mailbox
             * is visible before the IPI that makes the AP read it.
             */
            asm volatile("mfence; lfence" ::: "memory");
            x86::wrmsr(MSR_X2APIC_ICR, uint64_t(dest) << MSR_X2APIC_ICR_DEST_SHIFT | low);
            return;
        }
        mmio[APIC_ICR_HIGH / 4] = dest << APIC_ICR_DEST_SHIFT;
        mmio[APIC_ICR_LOW / 4] = low;
        const uint64_t start = x86::rdtsc(), bound = tsc_ticks(tsc_khz, ICR_BUSY_US);
        while ((mmio[APIC_ICR_LOW / 4] & APIC_ICR_BUSY) && x86::rdtsc() - start < bound)
            asm volatile("pause");
    }

    /* INIT assert then de-assert, level-triggered (Linux's send_init_sequence()); false, nothing sent, as send(). */
    bool init(uint32_t dest) const
    {
        return send(dest, APIC_ICR_TRIGGER_LEVEL | APIC_ICR_LEVEL_ASSERT | APIC_ICR_DM_INIT) &&
               send(dest, APIC_ICR_TRIGGER_LEVEL | APIC_ICR_DM_INIT);
    }

    /* A Start-Up IPI with the trampoline's page (4 KiB-aligned, below 1 MiB); false, nothing sent, as send(). */
    bool sipi(uint32_t dest, PhysAddr page) const
    {
        return send(dest, APIC_ICR_DM_STARTUP | uint32_t(page.value >> 12));
    }

    /* Enables this APIC in software with VEC_APIC_SPURIOUS (INIT cleared SVR.8), so that fixed IPIs reach it. */
    void enable() const
    {
        const uint32_t svr = APIC_SVR_ENABLE | VEC_APIC_SPURIOUS;
        if (mmio)
            mmio[APIC_SVR / 4] = svr;
        else
            x86::wrmsr(MSR_X2APIC_SVR, svr);
    }
};

/* Whether the local APIC that apic_base (IA32_APIC_BASE) describes is reachable: x2APIC, or an identity-mapped xAPIC page. */
inline bool apic_reachable(uint64_t apic_base, uint64_t identity_limit)
{
    return (apic_base & APIC_BASE_EXTD) || (apic_base & APIC_BASE_ADDR_MASK) + PAGE_SIZE <= identity_limit;
}

/*
 * The running CPU's local APIC, from its IA32_APIC_BASE, with its ID read
 * from its APIC ID register: what an IPI's destination really compares
 * with, even where software changed an xAPIC's ID (callers check
 * apic_reachable() first).
 */
inline LocalApic running_apic(uint64_t apic_base, uint64_t tsc_khz)
{
    if (apic_base & APIC_BASE_EXTD)
        return LocalApic{nullptr, tsc_khz, uint32_t(x86::rdmsr(MSR_X2APIC_APICID))};
    auto* mmio = reinterpret_cast<volatile uint32_t*>(apic_base & APIC_BASE_ADDR_MASK);
    return LocalApic{mmio, tsc_khz, mmio[APIC_ID / 4] >> APIC_ID_SHIFT};
}

} // namespace relboot

#endif
