/*
 * The time-stamp counter as a clock: its rate measured against the 8254
 * PIT's channel 2 (x86/pit.h), and delays counted in TSC ticks, not in
 * loop iterations.  Used by the AP bring-up (smp.cpp) for the SDM's and
 * Linux's INIT and SIPI delays and for the check-in bound.
 */
#ifndef RELBOOT_TSC_H
#define RELBOOT_TSC_H

#include <cstdint>

namespace relboot {

/* The PIT window the calibration counts TSC ticks over (microseconds). */
inline constexpr uint32_t TSC_CALIBRATION_US = 5000;

/*
 * The TSC rate in kHz, from the ticks during TSC_CALIBRATION_US of PIT
 * channel 2 in mode 0 (its gate opened through port 61H, the speaker
 * left off).  Returns 0 when the PIT's output never rises within what
 * 100 GHz would count (no PIT, e.g. a machine without legacy devices).
 */
uint64_t tsc_calibrate_khz();

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
