/*
 * Control registers, EFLAGS and the EFER MSR.
 * Intel SDM Vol. 3A, 2.5 "Control Registers", 2.2.1 "Extended Feature
 * Enable Register"; Vol. 1, 3.4.3 "EFLAGS Register".
 */
#ifndef RELBOOT_X86_CR_H
#define RELBOOT_X86_CR_H

#include <relboot/spec/macros.h>

/* CR0 */
#define CR0_PE          BIT32(0)    /* Protection Enable */
#define CR0_MP          BIT32(1)    /* Monitor Coprocessor */
#define CR0_TS          BIT32(3)    /* Task Switched */
#define CR0_ET          BIT32(4)    /* Extension Type (reads as 1) */
#define CR0_NE          BIT32(5)    /* Numeric Error */
#define CR0_WP          BIT32(16)   /* Write Protect: read-only pages bind CPL 0 too */
#define CR0_NW          BIT32(29)   /* Not Write-through */
#define CR0_CD          BIT32(30)   /* Cache Disable */
#define CR0_PG          BIT32(31)   /* Paging */

/* CR4 */
#define CR4_PSE         BIT32(4)    /* Page Size Extensions: 4 MiB pages under 32-bit paging (SDM 4.3) */
#define CR4_PAE         BIT32(5)    /* Physical Address Extension */
#define CR4_MCE         BIT32(6)    /* Machine-Check Enable: without it a #MC shuts the CPU down */
#define CR4_LA57        BIT32(12)   /* 57-bit linear addresses: 5-level paging (SDM 4.5) */
#define CR4_VMXE        BIT32(13)   /* VMX Enable: VMXON allowed (set while in VMX operation, SDM 23.7) */
#define CR4_PCIDE       BIT32(17)   /* PCID Enable: CR0.PG cannot be cleared while it is set (SDM 4.10.1) */
#define CR4_OSXSAVE     BIT32(18)   /* XSAVE and XGETBV/XSETBV enabled */

/* EFLAGS */
#define EFLAGS_IF       BIT32(9)    /* Interrupt enable */
#define EFLAGS_ID       BIT32(21)   /* CPUID available when software can toggle it */

/*
 * IA32_EFER (MSR C000_0080H).  SDM Vol. 3A, 2.2.1; AMD APM vol. 2, 3.1.7
 * "Extended Feature Enable Register (EFER)" for the AMD-only bits (SVME
 * is in svm.h).
 */
#define MSR_IA32_EFER   UINT32(0xc0000080)
#define EFER_SCE        BIT32(0)    /* System Call Extensions: SYSCALL/SYSRET */
#define EFER_LME        BIT32(8)    /* IA-32e Mode Enable */
#define EFER_LMA        BIT32(10)   /* IA-32e Mode Active */
#define EFER_NXE        BIT32(11)   /* Execute Disable Bit Enable */
#define EFER_LMSLE      BIT32(13)   /* AMD: Long Mode Segment Limit Enable (gone since Zen 3) */
#define EFER_FFXSR      BIT32(14)   /* AMD: Fast FXSAVE/FXRSTOR */
#define EFER_TCE        BIT32(15)   /* AMD: Translation Cache Extension */
#define EFER_AIBRSE     BIT32(21)   /* AMD: Automatic IBRS Enable */

#ifdef __ASSEMBLER__
/*
 * Leave IA-32e mode from 32-bit compatibility-mode code that runs at its
 * identity-mapped address (Intel SDM Vol. 3A, 10.8.5.4 "Switching Out of
 * IA-32e Mode Operation"): CR0.PG off (the next fetch comes from the same,
 * identity-mapped, address), then EFER.LME off (EFER.LMA followed LME when
 * paging went off).  The CPU is then in 32-bit protected mode without
 * paging.  Clobbers %eax, %ecx and %edx.
 */
.macro LEAVE_LONG_MODE
    movl    %cr0, %eax
    andl    $~CR0_PG, %eax
    movl    %eax, %cr0
    movl    $MSR_IA32_EFER, %ecx
    rdmsr
    andl    $~EFER_LME, %eax
    wrmsr
.endm
#endif

#endif
