/*
 * x86 port I/O (Intel SDM Vol. 2, IN and OUT) and halting.
 * Header-only; the same code serves 32-bit and 64-bit stages.
 */
#ifndef RELBOOT_X86_IO_H
#define RELBOOT_X86_IO_H

#include <cstdint>

namespace relboot::x86 {

inline void outb(uint16_t port, uint8_t value)
{
    asm volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

/* Interrupts off and HLT for ever: the end of every run without debug-exit. */
[[noreturn]] inline void halt_forever()
{
    for (;;)
        asm volatile("cli; hlt" ::: "memory");
}

/* Time-stamp counter (Intel SDM Vol. 2B, RDTSC); under QEMU -icount shift=0 it counts instructions. */
inline uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t(hi) << 32) | lo;
}

} // namespace relboot::x86

#endif
