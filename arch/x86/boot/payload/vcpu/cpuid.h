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
#include <x86/apic.h>
#include <x86/cpuid.h>

namespace relboot {

/* The guest's answer for leaf/subleaf, from the host's; mode: the local APIC's (IA32_APIC_BASE.EXTD). */
x86::CpuidResult vcpu_cpuid_filter(uint32_t leaf, uint32_t subleaf, x86::CpuidResult host, x86::ApicMode mode);

} // namespace relboot

#endif
