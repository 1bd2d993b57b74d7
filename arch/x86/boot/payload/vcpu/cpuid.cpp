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

namespace {

/* CPUID leaf 0's vendor strings as EBX, EDX, ECX (little-endian 4-byte pieces). */
struct VendorId {
    uint32_t ebx, edx, ecx;
    CpuVendor vendor;
};
constexpr VendorId VENDORS[] = {
    {0x756e6547, 0x49656e69, 0x6c65746e, CpuVendor::intel},    /* "Genu" "ineI" "ntel" */
    {0x68747541, 0x69746e65, 0x444d4163, CpuVendor::amd},      /* "Auth" "enti" "cAMD" */
    {0x6f677948, 0x6e65476e, 0x656e6975, CpuVendor::amd},      /* "Hygo" "nGen" "uine" */
};

} // namespace

CpuVendor cpu_vendor(uint32_t ebx, uint32_t edx, uint32_t ecx)
{
    for (const VendorId& v : VENDORS)
        if (v.ebx == ebx && v.edx == edx && v.ecx == ecx)
            return v.vendor;
    return CpuVendor::other;
}

BootError cpu_vendor_check(CpuVendor want, uint32_t ebx, uint32_t edx, uint32_t ecx, const char* subject)
{
    if (cpu_vendor(ebx, edx, ecx) == want)
        return BootError{};
    return BootError{.subject = subject, .field = "CPUID 0 vendor EBX", .found = ebx,
                     .expected = want == CpuVendor::intel
                                     ? "0x756e6547, GenuineIntel: guest=vmx needs Intel's VT-x"
                                     : "0x68747541 or 0x6f677948, AuthenticAMD or HygonGenuine: guest=svm needs AMD's SVM"};
}

} // namespace relboot
