/*
 * RDMSR and WRMSR (Intel SDM Vol. 2B; AMD APM vol. 3).  The MSR numbers
 * live with their concept (cr.h: IA32_EFER; svm.h: VM_CR, VM_HSAVE_PA).
 */
#ifndef RELBOOT_X86_MSR_H
#define RELBOOT_X86_MSR_H

#include <cstdint>

namespace relboot::x86 {

/* Reads MSR msr; #GP for an MSR the CPU does not have, so check CPUID first. */
inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return uint64_t(hi) << 32 | lo;
}

/* Writes value to MSR msr; #GP for an MSR the CPU does not have or a reserved bit. */
inline void wrmsr(uint32_t msr, uint64_t value)
{
    asm volatile("wrmsr" : : "c"(msr), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)) : "memory");
}

} // namespace relboot::x86

#endif
