/*
 * The time-stamp counter as a clock: its rate, and delays and bounds
 * counted in TSC ticks, not in loop iterations.  The rate comes, in this
 * order, from the CPU (CPUID leaf 15H with 16H), from the hypervisor
 * (leaf 40000010H), from the 8254 PIT's channel 2 (x86/pit.h), or is
 * assumed; BootState.tsc_khz and the public BootInfo.tsc_khz carry it.
 * Used by the AP bring-up (smp.cpp) for the SDM's and Linux's INIT and
 * SIPI delays and for every time-out.
 */
#ifndef RELBOOT_TSC_H
#define RELBOOT_TSC_H

#include <cstdint>

namespace relboot {

class Console;
struct BootState;

/* Where the rate came from (the report's "tsc khz=<n> source=<...>"). */
enum class TscSource : uint8_t {
    cpuid = 0,      /* CPUID 15H: crystal Hz x numerator / denominator (16H's base MHz when the crystal is not given) */
    hypervisor,     /* CPUID 40000010H EAX */
    pit,            /* counted against PIT channel 2 */
    assumed,        /* nothing answered: TSC_ASSUMED_KHZ */
};

/* The source's name in the report. */
const char* tsc_source_name(TscSource source);

/*
 * A rate no real TSC reaches (10 GHz), assumed when nothing measures it:
 * every time-out, counted in ticks at this rate, then lasts at least as
 * long as stated (and every delay longer than asked).
 */
inline constexpr uint64_t TSC_ASSUMED_KHZ = 10000000;
/*
 * No TSC runs below 1 MHz (emulators with a slow instruction clock
 * included): a lower rate is garbage, whatever gave it.  CPUID values
 * above TSC_ASSUMED_KHZ are garbage too; a PIT window that counted too
 * many ticks (the CPU was elsewhere part of the time: an SMI, or an
 * emulator's thread descheduled) is kept, since a too-high rate only
 * makes every delay and time-out longer.
 */
inline constexpr uint64_t TSC_MIN_KHZ = 1000;

/* The CPUID words the rate may come from (0 where the leaf is absent). */
struct TscCpuid {
    uint32_t max_leaf = 0;          /* CPUID.0:EAX */
    uint32_t leaf15_eax = 0;        /* denominator of the TSC/crystal ratio */
    uint32_t leaf15_ebx = 0;        /* numerator */
    uint32_t leaf15_ecx = 0;        /* crystal clock, Hz; 0: not given */
    uint32_t leaf16_eax = 0;        /* base frequency, MHz; 0: not given */
    uint32_t hypervisor_max = 0;    /* CPUID.40000000H:EAX when CPUID.01H:ECX[31] is set, else 0 */
    uint32_t hv_timing_eax = 0;     /* CPUID.40000010H:EAX: TSC kHz */
};

/*
 * The rate the CPUID words give, in kHz, and its source (cpuid or
 * hypervisor); 0 when they give none or one outside [TSC_MIN_KHZ,
 * TSC_ASSUMED_KHZ].  Leaf 15H needs a non-zero ratio; its crystal comes
 * from ECX or, when ECX is 0, from 16H's base frequency, as Linux's
 * native_calibrate_tsc() does (Intel SDM Vol. 2A, CPUID leaves 15H, 16H).
 * Pure: host-tested.
 */
uint64_t tsc_khz_from_cpuid(const TscCpuid& c, TscSource* source);

/* The PIT window the calibration counts TSC ticks over (microseconds). */
inline constexpr uint32_t TSC_CALIBRATION_US = 5000;
/* PIT count reads that may show the same value before the PIT is taken for stopped. */
inline constexpr uint32_t PIT_STILL_READS = 1000;

/* PIT windows tsc_calibrate_pit_khz() tries at most. */
inline constexpr uint32_t TSC_PIT_ATTEMPTS = 5;

/*
 * The TSC rate in kHz from the ticks during TSC_CALIBRATION_US of PIT
 * channel 2 in mode 0 (its gate opened through port 61H, the speaker left
 * off): the smaller of the first two windows that agree within 1%, else
 * the smallest one of TSC_PIT_ATTEMPTS (a window the CPU spent partly
 * elsewhere only counts too many ticks).  Returns 0 at once when
 * port 61H reads 0xff (no such port), and soon when the PIT does not
 * count: its count, read back, must change within PIT_STILL_READS reads
 * (a clock-gated PIT is common on current machines), and OUT2 must rise
 * within 10 windows of TSC ticks at TSC_ASSUMED_KHZ.  Results below
 * TSC_MIN_KHZ are not taken.
 */
uint64_t tsc_calibrate_pit_khz();

/*
 * The 64-bit stage's TSC step: the rate from CPUID, else the PIT, else
 * TSC_ASSUMED_KHZ with one "relboot: warning:" line on con; sets
 * bs.tsc_khz and prints "relboot: tsc khz=<n> source=<...>" on info.
 */
void tsc_measure(BootState& bs, Console& info, Console& con);

/* Ticks of a TSC of khz kHz in us microseconds. */
constexpr uint64_t tsc_ticks(uint64_t khz, uint64_t us)
{
    return khz * us / 1000;
}

/* Microseconds that ticks of a TSC of khz kHz take; 0 when khz is 0. */
constexpr uint64_t tsc_us(uint64_t khz, uint64_t ticks)
{
    return khz ? ticks * 1000 / khz : 0;
}

/* Spins for us microseconds of a TSC of khz kHz (PAUSE between reads). */
void tsc_delay_us(uint64_t khz, uint64_t us);

} // namespace relboot

#endif
