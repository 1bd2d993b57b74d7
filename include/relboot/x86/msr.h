/*
 * RDMSR and WRMSR (Intel SDM Vol. 2B).  The MSR numbers live with their
 * concept's header (x86/cr.h: IA32_EFER; x86/apic.h: IA32_APIC_BASE and
 * the x2APIC registers).
 */
#ifndef RELBOOT_X86_MSR_H
#define RELBOOT_X86_MSR_H

#include <cstdint>

namespace relboot::x86 {

inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return uint64_t(hi) << 32 | lo;
}

inline void wrmsr(uint32_t msr, uint64_t value)
{
    asm volatile("wrmsr" : : "c"(msr), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)) : "memory");
}

} // namespace relboot::x86

#endif
