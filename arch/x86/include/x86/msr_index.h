/*
 * MSR numbers that have no header of their own concept (most live with
 * theirs: cr.h IA32_EFER, apic.h IA32_APIC_BASE and the x2APIC range,
 * svm.h the SVM MSRs, mtrr.h memory typing).
 */
#ifndef RELBOOT_X86_MSR_INDEX_H
#define RELBOOT_X86_MSR_INDEX_H

#include <relboot/spec/macros.h>

/* Intel microcode update trigger: a write loads the update at the linear address written (SDM Vol. 3A, 9.11.6; Vol. 4, MSR 79H). */
#define MSR_IA32_BIOS_UPDT_TRIG     UINT32(0x00000079)
/* SYSENTER's target (SDM Vol. 4, MSRs 174H-176H). */
#define MSR_IA32_SYSENTER_CS        UINT32(0x00000174)
#define MSR_IA32_SYSENTER_ESP       UINT32(0x00000175)
#define MSR_IA32_SYSENTER_EIP       UINT32(0x00000176)
/* Page attribute table (SDM Vol. 3A, 11.12.2; Vol. 4, MSR 277H). */
#define MSR_IA32_PAT                UINT32(0x00000277)
/* FS and GS bases (SDM Vol. 4, MSRs C000_0100H, C000_0101H). */
#define MSR_IA32_FS_BASE            UINT32(0xc0000100)
#define MSR_IA32_GS_BASE            UINT32(0xc0000101)
/* AMD hardware configuration: SMM lock, TLB and cache controls, the TSC's frequency source (APM vol. 2, appendix A "System-Software MSRs"). */
#define MSR_HWCR                    UINT32(0xc0010015)
/* AMD microcode patch loader: a write loads the patch at the linear address written (AMD BKDG and PPR: MSRC001_0020 "Patch Loader"). */
#define MSR_PATCH_LOADER            UINT32(0xc0010020)

#endif
