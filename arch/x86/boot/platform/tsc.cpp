/* The TSC's rate, from CPUID, the hypervisor, PIT channel 2 or assumed, and TSC delays (tsc.h). */
#include "platform/tsc.h"
#include "boot_state.h"
#include "lib/console.h"
#include <x86/cpuid.h>
#include <x86/io.h>
#include <x86/pit.h>

namespace relboot {

namespace {

/* A rate CPUID may give (tsc.h). */
bool believable(uint64_t khz)
{
    return khz >= TSC_MIN_KHZ && khz <= TSC_ASSUMED_KHZ;
}

/* Counter 2's current count, latched (8254: counter latch command). */
uint16_t pit_count2()
{
    x86::outb(PIT_MODE, PIT_LATCH_CH2);
    const uint8_t lo = x86::inb(PIT_CH2_DATA);
    return uint16_t(lo | x86::inb(PIT_CH2_DATA) << 8);
}

TscCpuid read_cpuid()
{
    TscCpuid c{};
    c.max_leaf = x86::cpuid(0).eax;
    if (c.max_leaf >= CPUID_LEAF_TSC_CRYSTAL) {
        const x86::CpuidResult r = x86::cpuid(CPUID_LEAF_TSC_CRYSTAL);
        c.leaf15_eax = r.eax, c.leaf15_ebx = r.ebx, c.leaf15_ecx = r.ecx;
    }
    if (c.max_leaf >= CPUID_LEAF_FREQUENCY)
        c.leaf16_eax = x86::cpuid(CPUID_LEAF_FREQUENCY).eax;
    if (x86::cpuid(CPUID_LEAF_FEATURES).ecx & CPUID_1_ECX_HYPERVISOR) {
        c.hypervisor_max = x86::cpuid(CPUID_LEAF_HYPERVISOR).eax;
        if (c.hypervisor_max >= CPUID_LEAF_HV_TIMING && c.hypervisor_max < CPUID_LEAF_HYPERVISOR + 0x10000)
            c.hv_timing_eax = x86::cpuid(CPUID_LEAF_HV_TIMING).eax;
    }
    return c;
}

} // namespace

const char* tsc_source_name(TscSource source)
{
    switch (source) {
    case TscSource::cpuid: return "cpuid";
    case TscSource::hypervisor: return "hypervisor";
    case TscSource::pit: return "pit";
    default: return "assumed";
    }
}

uint64_t tsc_khz_from_cpuid(const TscCpuid& c, TscSource* source)
{
    if (c.max_leaf >= CPUID_LEAF_TSC_CRYSTAL && c.leaf15_eax && c.leaf15_ebx) {
        uint64_t crystal_hz = c.leaf15_ecx;
        if (!crystal_hz && c.max_leaf >= CPUID_LEAF_FREQUENCY && c.leaf16_eax)
            crystal_hz = uint64_t(c.leaf16_eax) * 1000000 * c.leaf15_eax / c.leaf15_ebx;
        const uint64_t khz = crystal_hz * c.leaf15_ebx / c.leaf15_eax / 1000;
        if (believable(khz)) {
            *source = TscSource::cpuid;
            return khz;
        }
    }
    if (c.hypervisor_max >= CPUID_LEAF_HV_TIMING && believable(c.hv_timing_eax)) {
        *source = TscSource::hypervisor;
        return c.hv_timing_eax;
    }
    return 0;
}

namespace {

/* One PIT window: the TSC's kHz, 0 when the PIT does not count (see tsc_calibrate_pit_khz()). */
uint64_t pit_window_khz(uint8_t port_b)
{
    constexpr uint32_t count = uint32_t(uint64_t(PIT_HZ) * TSC_CALIBRATION_US / 1000000);
    static_assert(count > 0 && count <= 0xffff, "the PIT counter has 16 bits");
    constexpr uint64_t give_up = tsc_ticks(TSC_ASSUMED_KHZ, 10 * TSC_CALIBRATION_US);
    /* Gate on, speaker off; counter 2 in mode 0: OUT2 low now, rises when the count reaches 0. */
    x86::outb(PORT_B, uint8_t((port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    x86::outb(PIT_MODE, PIT_MODE_CH2_ONESHOT);
    x86::outb(PIT_CH2_DATA, uint8_t(count & 0xff));
    x86::outb(PIT_CH2_DATA, uint8_t(count >> 8));
    const uint64_t start = x86::rdtsc();
    /* A PIT that counts shows a new count within PIT_STILL_READS reads (one count is 838 ns). */
    const uint16_t first = pit_count2();
    uint32_t reads = 1;
    while (pit_count2() == first)
        if (++reads >= PIT_STILL_READS)
            return 0;
    /* Then only OUT2 is polled, one port read a turn, so the end is seen soon after it comes. */
    while (!(x86::inb(PORT_B) & PORT_B_OUT2))
        if (x86::rdtsc() - start > give_up)
            return 0;
    return (x86::rdtsc() - start) * PIT_HZ / count / 1000;
}

} // namespace

uint64_t tsc_calibrate_pit_khz()
{
    const uint8_t port_b = x86::inb(PORT_B);
    if (port_b == 0xff)
        return 0;   /* nothing decodes port 61H */
    /*
     * A window the CPU spent partly elsewhere (an SMI, or a host that
     * descheduled an emulator) only ever counts too many ticks: the
     * smaller of two that agree within 1%, else the smallest.
     */
    uint64_t best = 0, previous = 0;
    for (uint32_t attempt = 0; attempt < TSC_PIT_ATTEMPTS; ++attempt) {
        const uint64_t khz = pit_window_khz(port_b);
        if (!khz && !attempt)
            return 0;   /* the PIT does not count at all */
        if (khz < TSC_MIN_KHZ)
            continue;
        best = best && best < khz ? best : khz;
        if (previous && (previous > khz ? previous - khz : khz - previous) * 100 <= khz)
            return best;
        previous = khz;
    }
    return best;
}

void tsc_measure(BootState& bs, Console& info, Console& con)
{
    TscSource source = TscSource::assumed;
    const TscCpuid c = read_cpuid();
    if (bs.options.loglvl == LogLevel::debug) {
        info.begin().str("debug: tsc cpuid max=").hex8(c.max_leaf).str(" 15h=").hex8(c.leaf15_eax).chr(',');
        info.hex8(c.leaf15_ebx).chr(',').hex8(c.leaf15_ecx).str(" 16h=").hex8(c.leaf16_eax);
        info.str(" hv_max=").hex8(c.hypervisor_max).str(" hv_timing=").hex8(c.hv_timing_eax).end();
    }
    uint64_t khz = tsc_khz_from_cpuid(c, &source);
    if (!khz && (khz = tsc_calibrate_pit_khz()))
        source = TscSource::pit;
    if (!khz) {
        khz = TSC_ASSUMED_KHZ;
        source = TscSource::assumed;
        con.begin().str("warning: no TSC rate from CPUID, the hypervisor or PIT channel 2; assuming ");
        con.dec(khz).str(" kHz, so time-outs last at least as long as stated").end();
    }
    bs.tsc_khz = khz;
    info.begin().str("tsc khz=").dec(khz).str(" source=").str(tsc_source_name(source)).end();
}

void tsc_delay_us(uint64_t khz, uint64_t us)
{
    const uint64_t start = x86::rdtsc(), ticks = tsc_ticks(khz, us);
    while (x86::rdtsc() - start < ticks)
        asm volatile("pause");
}

} // namespace relboot
