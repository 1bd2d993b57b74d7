#include <relboot/cpu.h>
#include <relboot/x86/cpuid.h>
#include <relboot/x86/cr.h>

namespace relboot {

namespace {

/* CPUID exists when software can toggle EFLAGS.ID (Intel SDM Vol. 1, 3.4.3.3). */
bool cpuid_present()
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

} // namespace

CpuProbe cpu_probe()
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
