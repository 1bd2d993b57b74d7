/* TSC calibration against PIT channel 2, and TSC delays (tsc.h). */
#include "platform/tsc.h"
#include <x86/io.h>
#include <x86/pit.h>

namespace relboot {

uint64_t tsc_calibrate_khz()
{
    constexpr uint32_t count = uint32_t(uint64_t(PIT_HZ) * TSC_CALIBRATION_US / 1000000);
    static_assert(count > 0 && count <= 0xffff, "the PIT counter has 16 bits");
    constexpr uint64_t give_up = uint64_t(100000000) * TSC_CALIBRATION_US;   /* 100 GHz worth of ticks */

    /* Gate on, speaker off; counter 2 in mode 0: OUT2 rises when the count reaches 0. */
    x86::outb(PORT_B, uint8_t((x86::inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    x86::outb(PIT_MODE, PIT_MODE_CH2_ONESHOT);
    x86::outb(PIT_CH2_DATA, uint8_t(count & 0xff));
    x86::outb(PIT_CH2_DATA, uint8_t(count >> 8));
    const uint64_t start = x86::rdtsc();
    uint64_t now = start;
    while (!(x86::inb(PORT_B) & PORT_B_OUT2)) {
        now = x86::rdtsc();
        if (now - start > give_up)
            return 0;
    }
    now = x86::rdtsc();
    return (now - start) * PIT_HZ / count / 1000;
}

void tsc_delay_us(uint64_t khz, uint64_t us)
{
    const uint64_t start = x86::rdtsc(), ticks = tsc_ticks(khz, us);
    while (x86::rdtsc() - start < ticks)
        asm volatile("pause");
}

} // namespace relboot
