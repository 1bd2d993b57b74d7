/*
 * CPUID as the guest sees it: the host's answer with the virtualization
 * features hidden, so that a kernel never tries them in the guest (SVM:
 * Fn8000_0001 ECX[2] SVM and ECX[12] SKINIT clear, leaf 8000_000A all
 * zero; VMX: CPUID.1:ECX[5] clear), and x2APIC hidden (CPUID.1:ECX[21])
 * when the local APIC is in xAPIC mode: the guest cannot switch it
 * (msr.h, apic_base_write_allowed()), and a kernel that saw x2APIC would
 * try.  The hypervisor leaves (4000_0000h..) pass as the host has them.
 * AMD APM vol. 3, appendix E; Intel SDM Vol. 2A, CPUID.
 */
#ifndef RELBOOT_VCPU_CPUID_H
#define RELBOOT_VCPU_CPUID_H

#include <cstdint>
#include "lib/error.h"
#include <x86/apic.h>
#include <x86/cpuid.h>

namespace relboot {

/* The guest's answer for leaf/subleaf, from the host's; mode: the local APIC's (IA32_APIC_BASE.EXTD). */
x86::CpuidResult vcpu_cpuid_filter(uint32_t leaf, uint32_t subleaf, x86::CpuidResult host, x86::ApicMode mode);

/* The CPU's maker, as far as relboot's guests care: whose virtualization extension it has. */
enum class CpuVendor : uint8_t {
    other = 0,
    intel,      /* "GenuineIntel": VT-x (guest=vmx) */
    amd,        /* "AuthenticAMD" or "HygonGenuine": SVM (guest=svm) */
};

/* The vendor from CPUID leaf 0's EBX, EDX, ECX (the 12 bytes of its vendor string, in that order). */
CpuVendor cpu_vendor(uint32_t ebx, uint32_t edx, uint32_t ecx);

/*
 * guest=svm or guest=vmx on a CPU of another vendor (want: intel for
 * vmx, amd for svm): the refusal, "<subject> CPUID 0 vendor EBX:
 * 0x<ebx>, expected ..." (EBX holds the vendor string's first 4 bytes).
 */
BootError cpu_vendor_check(CpuVendor want, uint32_t ebx, uint32_t edx, uint32_t ecx, const char* subject);

} // namespace relboot

#endif
