/*
 * The guest's CPUID view (cpuid.h).  AMD APM vol. 3, appendix E.4.1
 * (Fn8000_0001) and E.4.9 (Fn8000_000A); Intel SDM Vol. 2A, CPUID, table
 * 3-10 (leaf 01H ECX).  Freestanding.
 */
#include "payload/vcpu/cpuid.h"
#include <x86/svm.h>

namespace relboot {

x86::CpuidResult vcpu_cpuid_filter(uint32_t leaf, uint32_t, x86::CpuidResult host, x86::ApicMode mode)
{
    if (leaf == CPUID_LEAF_FEATURES) {
        host.ecx &= ~CPUID_1_ECX_VMX;
        if (mode == x86::ApicMode::xapic)
            host.ecx &= ~CPUID_1_ECX_X2APIC;
    } else if (leaf == CPUID_LEAF_EXT_FEATURES) {
        host.ecx &= ~(CPUID_80000001_ECX_SVM | CPUID_80000001_ECX_SKINIT);
    } else if (leaf == CPUID_LEAF_SVM) {
        host = x86::CpuidResult{0, 0, 0, 0};
    }
    return host;
}

} // namespace relboot
