/*
 * MSR numbers that have no header of their own concept (most live with
 * theirs: cr.h IA32_EFER, apic.h IA32_APIC_BASE and the x2APIC range,
 * svm.h the SVM MSRs, mtrr.h memory typing).
 */
#ifndef RELBOOT_X86_MSR_INDEX_H
#define RELBOOT_X86_MSR_INDEX_H

#include <relboot/spec/macros.h>

/* AMD hardware configuration: SMM lock, TLB and cache controls, the TSC's frequency source (APM vol. 2, appendix A "System-Software MSRs"). */
#define MSR_HWCR                    UINT32(0xc0010015)
/* AMD microcode patch loader: a write loads the patch at the linear address written (AMD BKDG and PPR: MSRC001_0020 "Patch Loader"). */
#define MSR_PATCH_LOADER            UINT32(0xc0010020)

#endif
