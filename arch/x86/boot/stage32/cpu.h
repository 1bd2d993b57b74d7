/*
 * What relboot needs from the CPU before it touches CR4 or EFER, probed
 * with CPUID (Intel SDM Vol. 2A, CPUID; Vol. 1, 3.4.3.3 for EFLAGS.ID).
 * 32-bit stage only (it must run on CPUs that cannot enter long mode,
 * to refuse them with a clear line).
 */
#ifndef RELBOOT_CPU_H
#define RELBOOT_CPU_H

#include <x86/cpuid.h>
#include <x86/cr.h>

namespace relboot {

/* What cpu_probe() found. */
struct CpuProbe {
    const char* missing;    /* nullptr, or what the CPU lacks, e.g. "PAE (CPUID.01H:EDX[6])" */
    bool nx;                /* execute-disable present (CPUID.80000001H:EDX[20]) */
};

/* CPUID exists when software can toggle EFLAGS.ID (Intel SDM Vol. 1, 3.4.3.3). */
inline bool cpuid_present()
{
    uint32_t before, after;
    asm volatile("pushfl\n\t"
                 "popl %0\n\t"
                 "movl %0, %1\n\t"
                 "xorl %2, %1\n\t"
                 "pushl %1\n\t"
                 "popfl\n\t"
                 "pushfl\n\t"
                 "popl %1\n\t"
                 "pushl %0\n\t"
                 "popfl"
                 : "=&r"(before), "=&r"(after)
                 : "i"(EFLAGS_ID)
                 : "cc");
    return ((before ^ after) & EFLAGS_ID) != 0;
}

/*
 * Probes CPUID itself (EFLAGS.ID toggles), PAE and long mode, in that
 * order; the first one missing is reported.  Changes no CPU state.
 * Inline: it runs once, in the measured boot path.
 */
inline CpuProbe cpu_probe()
{
    if (!cpuid_present())
        return {"CPUID", false};
    const x86::CpuidResult basic = x86::cpuid(CPUID_LEAF_FEATURES);
    const uint32_t ext_max = x86::cpuid(CPUID_LEAF_EXT_MAX).eax;
    const uint32_t ext_edx = ext_max >= CPUID_LEAF_EXT_FEATURES ? x86::cpuid(CPUID_LEAF_EXT_FEATURES).edx : 0;
    const bool nx = (ext_edx & CPUID_80000001_EDX_NX) != 0;
    if (!(basic.edx & CPUID_1_EDX_PAE))
        return {"PAE (CPUID.01H:EDX[6])", nx};
    if (!(ext_edx & CPUID_80000001_EDX_LM))
        return {"long mode (CPUID.80000001H:EDX[29])", nx};
    return {nullptr, nx};
}


} // namespace relboot

#endif
