/*
 * CPUID leaves and feature bits relboot needs.
 * Intel SDM Vol. 2A, CPUID, tables 3-8 and 3-11 (leaf 01H) and
 * leaf 80000001H.
 */
#ifndef RELBOOT_X86_CPUID_H
#define RELBOOT_X86_CPUID_H

#include <relboot/spec/macros.h>

#define CPUID_LEAF_FEATURES       UINT32(0x00000001)
/* Leaf 15H: TSC/core crystal clock ratio, EAX denominator, EBX numerator, ECX crystal Hz (0: not given). */
#define CPUID_LEAF_TSC_CRYSTAL    UINT32(0x00000015)
/* Leaf 16H: processor frequency, EAX base MHz (0: not given). */
#define CPUID_LEAF_FREQUENCY      UINT32(0x00000016)
/* Leaves 40000000H..: the hypervisor's (present when CPUID.01H:ECX[31] is set); EAX its highest leaf. */
#define CPUID_LEAF_HYPERVISOR     UINT32(0x40000000)
/* Leaf 40000010H (VMware's and KVM's generic timing leaf): EAX the TSC rate in kHz. */
#define CPUID_LEAF_HV_TIMING      UINT32(0x40000010)
#define CPUID_LEAF_EXT_MAX        UINT32(0x80000000)
#define CPUID_LEAF_EXT_FEATURES   UINT32(0x80000001)
/* Leaf 80000021H (AMD: extended feature identification 2; APM vol. 3, appendix E). */
#define CPUID_LEAF_EXT_FEATURES2  UINT32(0x80000021)

/* CPUID.01H:EDX */
#define CPUID_1_EDX_TSC           BIT32(4)
#define CPUID_1_EDX_MSR           BIT32(5)
#define CPUID_1_EDX_PAE           BIT32(6)

/* CPUID.01H:ECX */
#define CPUID_1_ECX_VMX           BIT32(5)   /* Virtual Machine Extensions (VT-x) */
#define CPUID_1_ECX_HYPERVISOR    BIT32(31)  /* running under a hypervisor (reserved 0 on hardware) */

/* CPUID.80000001H:EDX */
#define CPUID_80000001_EDX_SYSCALL BIT32(11) /* SYSCALL/SYSRET (EFER.SCE) */
#define CPUID_80000001_EDX_NX     BIT32(20)  /* Execute Disable Bit */
#define CPUID_80000001_EDX_FFXSR  BIT32(25)  /* AMD: fast FXSAVE/FXRSTOR (EFER.FFXSR) */
#define CPUID_80000001_EDX_LM     BIT32(29)  /* Intel 64 Architecture (long mode) */

/* CPUID.80000001H:ECX (AMD; SVM itself is in svm.h) */
#define CPUID_80000001_ECX_TCE    BIT32(17)  /* translation cache extension (EFER.TCE) */

/* CPUID.80000021H:EAX (AMD) */
#define CPUID_80000021_EAX_AUTOIBRS BIT32(8) /* automatic IBRS (EFER.AIBRSE) */

#ifndef __ASSEMBLER__
#include <cstdint>

namespace relboot::x86 {

/* Output of one CPUID instruction. */
struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};

/* Executes CPUID with EAX = leaf, ECX = subleaf.  Only call it once
 * cpuid_present() said yes. */
inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0)
{
    CpuidResult r;
    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

} // namespace relboot::x86
#endif

#endif
