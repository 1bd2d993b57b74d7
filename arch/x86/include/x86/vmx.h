/*
 * Intel VT-x (VMX): the MSRs, VMCS field encodings, control bits, exit
 * reasons and EPT formats relboot's guest=vmx launch uses.  Intel SDM
 * Vol. 3C, chapters 23 "Introduction to VMX Operation" to 30 "VMX
 * Instruction Reference", and Vol. 3D, appendix A "VMX Capability
 * Reporting Facility", appendix B "Field Encoding in VMCS" and appendix
 * C "VMX Basic Exit Reasons"; names as there.  Section numbers are those
 * of the 2016-2022 editions; later editions number these chapters one or
 * two higher (the titles stay).  CPUID.1:ECX.VMX is in cpuid.h.
 */
#ifndef RELBOOT_X86_VMX_H
#define RELBOOT_X86_VMX_H

#include <relboot/spec/macros.h>

/* IA32_FEATURE_CONTROL (SDM 23.7 "Enabling and Entering VMX Operation"; Vol. 4, MSR 3AH). */
#define MSR_IA32_FEATURE_CONTROL          UINT32(0x0000003a)
#define FEATURE_CONTROL_LOCK              BIT64(0)    /* lock: WRMSR #GPs until reset */
#define FEATURE_CONTROL_VMXON_IN_SMX      BIT64(1)    /* VMXON allowed inside SMX (GETSEC[SENTER]) */
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX BIT64(2)    /* VMXON allowed outside SMX */

/* The VMX capability MSRs (appendix A). */
#define MSR_IA32_VMX_BASIC                UINT32(0x00000480)
#define MSR_IA32_VMX_PINBASED_CTLS        UINT32(0x00000481)
#define MSR_IA32_VMX_PROCBASED_CTLS       UINT32(0x00000482)
#define MSR_IA32_VMX_EXIT_CTLS            UINT32(0x00000483)
#define MSR_IA32_VMX_ENTRY_CTLS           UINT32(0x00000484)
#define MSR_IA32_VMX_MISC                 UINT32(0x00000485)
#define MSR_IA32_VMX_CR0_FIXED0           UINT32(0x00000486)
#define MSR_IA32_VMX_CR0_FIXED1           UINT32(0x00000487)
#define MSR_IA32_VMX_CR4_FIXED0           UINT32(0x00000488)
#define MSR_IA32_VMX_CR4_FIXED1           UINT32(0x00000489)
#define MSR_IA32_VMX_VMCS_ENUM            UINT32(0x0000048a)
#define MSR_IA32_VMX_PROCBASED_CTLS2      UINT32(0x0000048b)
#define MSR_IA32_VMX_EPT_VPID_CAP         UINT32(0x0000048c)
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS   UINT32(0x0000048d)
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS  UINT32(0x0000048e)
#define MSR_IA32_VMX_TRUE_EXIT_CTLS       UINT32(0x0000048f)
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS      UINT32(0x00000490)
#define MSR_IA32_VMX_VMFUNC               UINT32(0x00000491)
#define MSR_IA32_VMX_PROCBASED_CTLS3      UINT32(0x00000492)
#define MSR_IA32_VMX_EXIT_CTLS2           UINT32(0x00000493)

/* IA32_VMX_BASIC (A.1). */
#define VMX_BASIC_REVISION_MASK           UINT64(0x7fffffff)  /* bits 30:0: the VMCS revision identifier */
#define VMX_BASIC_SIZE_SHIFT              32                  /* bits 44:32: bytes of the VMXON region and a VMCS */
#define VMX_BASIC_SIZE_MASK               UINT64(0x1fff)
#define VMX_BASIC_32BIT_ADDRESSES         BIT64(48)           /* the regions' addresses are limited to 32 bits */
#define VMX_BASIC_TRUE_CTLS               BIT64(55)           /* the IA32_VMX_TRUE_*_CTLS MSRs exist */

/* IA32_VMX_MISC (A.6). */
#define VMX_MISC_STORE_LMA                BIT64(5)    /* VM exits store EFER.LMA in the "IA-32e mode guest" entry control */
#define VMX_MISC_ACTIVITY_HLT             BIT64(6)
#define VMX_MISC_ACTIVITY_SHUTDOWN        BIT64(7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI       BIT64(8)

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define VMX_EPT_PAGE_WALK_4               BIT64(6)    /* 4-level EPT */
#define VMX_EPT_MEMTYPE_UC                BIT64(8)    /* the EPT paging structures may be uncached */
#define VMX_EPT_MEMTYPE_WB                BIT64(14)   /* ... or write-back */
#define VMX_EPT_2MB_PAGES                 BIT64(16)
#define VMX_EPT_INVEPT                    BIT64(20)
#define VMX_EPT_INVEPT_SINGLE             BIT64(25)   /* INVEPT single-context */
#define VMX_EPT_INVEPT_ALL                BIT64(26)   /* INVEPT all-context */
#define VMX_VPID_INVVPID                  BIT64(32)
#define VMX_VPID_INVVPID_SINGLE           BIT64(41)   /* INVVPID single-context */
#define VMX_VPID_INVVPID_ALL              BIT64(42)   /* INVVPID all-context */

/* INVEPT and INVVPID types (SDM 30.3, INVEPT and INVVPID). */
#define VMX_INVEPT_SINGLE_CONTEXT         1
#define VMX_INVEPT_ALL_CONTEXT            2
#define VMX_INVVPID_SINGLE_CONTEXT        1
#define VMX_INVVPID_ALL_CONTEXT           2

/* Pin-based VM-execution controls (SDM 24.6.1). */
#define VMX_PIN_EXTERNAL_INTERRUPT_EXITING BIT32(0)
#define VMX_PIN_NMI_EXITING               BIT32(3)
#define VMX_PIN_VIRTUAL_NMIS              BIT32(5)
#define VMX_PIN_PREEMPTION_TIMER          BIT32(6)
#define VMX_PIN_POSTED_INTERRUPTS         BIT32(7)
/* The default1 class: reserved bits that are 1 unless the TRUE MSR lets them be 0 (A.3.1). */
#define VMX_PIN_DEFAULT1                  UINT32(0x00000016)

/* Primary processor-based VM-execution controls (SDM 24.6.2). */
#define VMX_PROC_INTERRUPT_WINDOW_EXITING BIT32(2)
#define VMX_PROC_USE_TSC_OFFSETTING       BIT32(3)
#define VMX_PROC_HLT_EXITING              BIT32(7)
#define VMX_PROC_INVLPG_EXITING           BIT32(9)
#define VMX_PROC_MWAIT_EXITING            BIT32(10)
#define VMX_PROC_RDPMC_EXITING            BIT32(11)
#define VMX_PROC_RDTSC_EXITING            BIT32(12)
#define VMX_PROC_CR3_LOAD_EXITING         BIT32(15)
#define VMX_PROC_CR3_STORE_EXITING        BIT32(16)
#define VMX_PROC_CR8_LOAD_EXITING         BIT32(19)
#define VMX_PROC_CR8_STORE_EXITING        BIT32(20)
#define VMX_PROC_USE_TPR_SHADOW           BIT32(21)
#define VMX_PROC_NMI_WINDOW_EXITING       BIT32(22)
#define VMX_PROC_MOV_DR_EXITING           BIT32(23)
#define VMX_PROC_UNCONDITIONAL_IO_EXITING BIT32(24)
#define VMX_PROC_USE_IO_BITMAPS           BIT32(25)
#define VMX_PROC_MONITOR_TRAP_FLAG        BIT32(27)
#define VMX_PROC_USE_MSR_BITMAPS          BIT32(28)
#define VMX_PROC_MONITOR_EXITING          BIT32(29)
#define VMX_PROC_PAUSE_EXITING            BIT32(30)
#define VMX_PROC_ACTIVATE_SECONDARY       BIT32(31)
#define VMX_PROC_DEFAULT1                 UINT32(0x0401e172)   /* A.3.2: bits 1, 4-6, 8, 13-16, 26 */

/* Secondary processor-based VM-execution controls (SDM 24.6.2; no default1 class). */
#define VMX_PROC2_VIRTUALIZE_APIC_ACCESSES BIT32(0)
#define VMX_PROC2_ENABLE_EPT              BIT32(1)
#define VMX_PROC2_DESCRIPTOR_TABLE_EXITING BIT32(2)
#define VMX_PROC2_ENABLE_RDTSCP           BIT32(3)
#define VMX_PROC2_VIRTUALIZE_X2APIC       BIT32(4)
#define VMX_PROC2_ENABLE_VPID             BIT32(5)
#define VMX_PROC2_WBINVD_EXITING          BIT32(6)
#define VMX_PROC2_UNRESTRICTED_GUEST      BIT32(7)
#define VMX_PROC2_APIC_REGISTER_VIRTUALIZATION BIT32(8)
#define VMX_PROC2_VIRTUAL_INTERRUPT_DELIVERY BIT32(9)
#define VMX_PROC2_PAUSE_LOOP_EXITING      BIT32(10)
#define VMX_PROC2_RDRAND_EXITING          BIT32(11)
#define VMX_PROC2_ENABLE_INVPCID          BIT32(12)
#define VMX_PROC2_ENABLE_VM_FUNCTIONS     BIT32(13)
#define VMX_PROC2_VMCS_SHADOWING          BIT32(14)
#define VMX_PROC2_RDSEED_EXITING          BIT32(16)
#define VMX_PROC2_ENABLE_PML              BIT32(17)
#define VMX_PROC2_EPT_VIOLATION_VE        BIT32(18)
#define VMX_PROC2_ENABLE_XSAVES           BIT32(20)
#define VMX_PROC2_TSC_SCALING             BIT32(25)
#define VMX_PROC2_ENABLE_USER_WAIT_PAUSE  BIT32(26)

/* VM-exit controls (SDM 24.7.1). */
#define VMX_EXIT_CTL_SAVE_DEBUG_CONTROLS      BIT32(2)
#define VMX_EXIT_CTL_HOST_ADDRESS_SPACE_SIZE  BIT32(9)    /* the host is in 64-bit mode after the exit */
#define VMX_EXIT_CTL_LOAD_PERF_GLOBAL_CTRL    BIT32(12)
#define VMX_EXIT_CTL_ACK_INTERRUPT_ON_EXIT    BIT32(15)
#define VMX_EXIT_CTL_SAVE_IA32_PAT            BIT32(18)
#define VMX_EXIT_CTL_LOAD_IA32_PAT            BIT32(19)
#define VMX_EXIT_CTL_SAVE_IA32_EFER           BIT32(20)
#define VMX_EXIT_CTL_LOAD_IA32_EFER           BIT32(21)
#define VMX_EXIT_CTL_SAVE_PREEMPTION_TIMER    BIT32(22)
#define VMX_EXIT_CTL_DEFAULT1                 UINT32(0x00036dff)   /* A.4: bits 0-8, 10, 11, 13, 14, 16, 17 */

/* VM-entry controls (SDM 24.8.1). */
#define VMX_ENTRY_CTL_LOAD_DEBUG_CONTROLS     BIT32(2)
#define VMX_ENTRY_CTL_IA32E_MODE_GUEST        BIT32(9)    /* the guest is in IA-32e mode after the entry (EFER.LMA) */
#define VMX_ENTRY_CTL_ENTRY_TO_SMM            BIT32(10)
#define VMX_ENTRY_CTL_DEACTIVATE_DUAL_MONITOR BIT32(11)
#define VMX_ENTRY_CTL_LOAD_PERF_GLOBAL_CTRL   BIT32(13)
#define VMX_ENTRY_CTL_LOAD_IA32_PAT           BIT32(14)
#define VMX_ENTRY_CTL_LOAD_IA32_EFER          BIT32(15)
#define VMX_ENTRY_CTL_DEFAULT1                UINT32(0x000011ff)   /* A.5: bits 0-8, 12 */

/* VMCS field encodings (appendix B), by width and kind. */
/* 16-bit */
#define VMCS_VPID                         0x0000
#define VMCS_GUEST_ES_SELECTOR            0x0800
#define VMCS_GUEST_CS_SELECTOR            0x0802
#define VMCS_GUEST_SS_SELECTOR            0x0804
#define VMCS_GUEST_DS_SELECTOR            0x0806
#define VMCS_GUEST_FS_SELECTOR            0x0808
#define VMCS_GUEST_GS_SELECTOR            0x080a
#define VMCS_GUEST_LDTR_SELECTOR          0x080c
#define VMCS_GUEST_TR_SELECTOR            0x080e
#define VMCS_HOST_ES_SELECTOR             0x0c00
#define VMCS_HOST_CS_SELECTOR             0x0c02
#define VMCS_HOST_SS_SELECTOR             0x0c04
#define VMCS_HOST_DS_SELECTOR             0x0c06
#define VMCS_HOST_FS_SELECTOR             0x0c08
#define VMCS_HOST_GS_SELECTOR             0x0c0a
#define VMCS_HOST_TR_SELECTOR             0x0c0c
/* 64-bit */
#define VMCS_MSR_BITMAP                   0x2004
#define VMCS_EPT_POINTER                  0x201a
#define VMCS_GUEST_PHYSICAL_ADDRESS       0x2400
#define VMCS_LINK_POINTER                 0x2800
#define VMCS_GUEST_IA32_DEBUGCTL          0x2802
#define VMCS_GUEST_IA32_PAT               0x2804
#define VMCS_GUEST_IA32_EFER              0x2806
#define VMCS_GUEST_PDPTE0                 0x280a      /* PDPTE1..3 follow, 2 apart */
#define VMCS_HOST_IA32_PAT                0x2c00
#define VMCS_HOST_IA32_EFER               0x2c02
/* 32-bit */
#define VMCS_PIN_BASED_CONTROLS           0x4000
#define VMCS_PROC_BASED_CONTROLS          0x4002
#define VMCS_EXCEPTION_BITMAP             0x4004
#define VMCS_CR3_TARGET_COUNT             0x400a
#define VMCS_EXIT_CONTROLS                0x400c
#define VMCS_EXIT_MSR_STORE_COUNT         0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT          0x4010
#define VMCS_ENTRY_CONTROLS               0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT         0x4014
#define VMCS_ENTRY_INTERRUPTION_INFO      0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR_CODE   0x4018
#define VMCS_ENTRY_INSTRUCTION_LENGTH     0x401a
#define VMCS_PROC_BASED_CONTROLS2         0x401e
#define VMCS_VM_INSTRUCTION_ERROR         0x4400
#define VMCS_EXIT_REASON                  0x4402
#define VMCS_EXIT_INTERRUPTION_INFO       0x4404
#define VMCS_EXIT_INTERRUPTION_ERROR_CODE 0x4406
#define VMCS_IDT_VECTORING_INFO           0x4408
#define VMCS_IDT_VECTORING_ERROR_CODE     0x440a
#define VMCS_EXIT_INSTRUCTION_LENGTH      0x440c
#define VMCS_GUEST_ES_LIMIT               0x4800      /* CS .. TR limits follow in segment order, 2 apart */
#define VMCS_GUEST_GDTR_LIMIT             0x4810
#define VMCS_GUEST_IDTR_LIMIT             0x4812
#define VMCS_GUEST_ES_ACCESS_RIGHTS       0x4814      /* CS .. TR access rights follow, 2 apart */
#define VMCS_GUEST_INTERRUPTIBILITY       0x4824
#define VMCS_GUEST_ACTIVITY_STATE         0x4826
#define VMCS_GUEST_IA32_SYSENTER_CS       0x482a
#define VMCS_HOST_IA32_SYSENTER_CS        0x4c00
/* natural width */
#define VMCS_CR0_GUEST_HOST_MASK          0x6000
#define VMCS_CR4_GUEST_HOST_MASK          0x6002
#define VMCS_CR0_READ_SHADOW              0x6004
#define VMCS_CR4_READ_SHADOW              0x6006
#define VMCS_EXIT_QUALIFICATION           0x6400
#define VMCS_GUEST_LINEAR_ADDRESS         0x640a
#define VMCS_GUEST_CR0                    0x6800
#define VMCS_GUEST_CR3                    0x6802
#define VMCS_GUEST_CR4                    0x6804
#define VMCS_GUEST_ES_BASE                0x6806      /* CS .. TR bases follow in segment order, 2 apart */
#define VMCS_GUEST_GDTR_BASE              0x6816
#define VMCS_GUEST_IDTR_BASE              0x6818
#define VMCS_GUEST_DR7                    0x681a
#define VMCS_GUEST_RSP                    0x681c
#define VMCS_GUEST_RIP                    0x681e
#define VMCS_GUEST_RFLAGS                 0x6820
#define VMCS_GUEST_PENDING_DEBUG          0x6822
#define VMCS_GUEST_IA32_SYSENTER_ESP      0x6824
#define VMCS_GUEST_IA32_SYSENTER_EIP      0x6826
#define VMCS_HOST_CR0                     0x6c00
#define VMCS_HOST_CR3                     0x6c02
#define VMCS_HOST_CR4                     0x6c04
#define VMCS_HOST_FS_BASE                 0x6c06
#define VMCS_HOST_GS_BASE                 0x6c08
#define VMCS_HOST_TR_BASE                 0x6c0a
#define VMCS_HOST_GDTR_BASE               0x6c0c
#define VMCS_HOST_IDTR_BASE               0x6c0e
#define VMCS_HOST_IA32_SYSENTER_ESP       0x6c10
#define VMCS_HOST_IA32_SYSENTER_EIP       0x6c12
#define VMCS_HOST_RSP                     0x6c14
#define VMCS_HOST_RIP                     0x6c16

/* Basic exit reasons (appendix C; the exit reason's bits 15:0). */
#define VMX_EXIT_REASON_EXCEPTION_OR_NMI         0
#define VMX_EXIT_REASON_EXTERNAL_INTERRUPT       1
#define VMX_EXIT_REASON_TRIPLE_FAULT             2
#define VMX_EXIT_REASON_INIT                     3
#define VMX_EXIT_REASON_SIPI                     4
#define VMX_EXIT_REASON_TASK_SWITCH              9
#define VMX_EXIT_REASON_CPUID                    10
#define VMX_EXIT_REASON_GETSEC                   11
#define VMX_EXIT_REASON_HLT                      12
#define VMX_EXIT_REASON_INVD                     13
#define VMX_EXIT_REASON_VMCALL                   18
#define VMX_EXIT_REASON_VMCLEAR                  19
#define VMX_EXIT_REASON_VMLAUNCH                 20
#define VMX_EXIT_REASON_VMPTRLD                  21
#define VMX_EXIT_REASON_VMPTRST                  22
#define VMX_EXIT_REASON_VMREAD                   23
#define VMX_EXIT_REASON_VMRESUME                 24
#define VMX_EXIT_REASON_VMWRITE                  25
#define VMX_EXIT_REASON_VMXOFF                   26
#define VMX_EXIT_REASON_VMXON                    27
#define VMX_EXIT_REASON_CR_ACCESS                28
#define VMX_EXIT_REASON_IO                       30
#define VMX_EXIT_REASON_RDMSR                    31
#define VMX_EXIT_REASON_WRMSR                    32
#define VMX_EXIT_REASON_INVALID_GUEST_STATE      33      /* VM-entry failure */
#define VMX_EXIT_REASON_MSR_LOADING              34      /* VM-entry failure */
#define VMX_EXIT_REASON_MACHINE_CHECK            41      /* VM-entry failure */
#define VMX_EXIT_REASON_EPT_VIOLATION            48
#define VMX_EXIT_REASON_EPT_MISCONFIG            49
#define VMX_EXIT_REASON_INVEPT                   50
#define VMX_EXIT_REASON_INVVPID                  53
#define VMX_EXIT_REASON_XSETBV                   55
#define VMX_EXIT_REASON_VMFUNC                   59
#define VMX_EXIT_REASON_BASIC_MASK        UINT32(0xffff)
#define VMX_EXIT_REASON_ENTRY_FAILURE     BIT32(31)

/* Exit qualification of a control-register access (SDM 27.2.1). */
#define VMX_CR_QUAL_CR_MASK               UINT64(0xf)         /* bits 3:0: the control register */
#define VMX_CR_QUAL_TYPE_SHIFT            4                   /* bits 5:4: 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW */
#define VMX_CR_QUAL_TYPE_MASK             UINT64(0x3)
#define VMX_CR_QUAL_TYPE_MOV_TO_CR        0
#define VMX_CR_QUAL_GPR_SHIFT             8                   /* bits 11:8: the general register, SDM numbering */
#define VMX_CR_QUAL_GPR_MASK              UINT64(0xf)

/* Exit qualification of an EPT violation (SDM 27.2.1). */
#define VMX_EPT_QUAL_READ                 BIT64(0)
#define VMX_EPT_QUAL_WRITE                BIT64(1)
#define VMX_EPT_QUAL_FETCH                BIT64(2)
#define VMX_EPT_QUAL_LINEAR_VALID         BIT64(7)    /* the guest-linear address field is valid */
#define VMX_EPT_QUAL_FINAL                BIT64(8)    /* with bit 7: the access to the translated address, not a paging-structure walk */
#define VMX_EPT_QUAL_NMI_UNBLOCKING       BIT64(12)   /* NMI unblocking due to IRET */

/* VM-entry interruption information, VM-exit interruption and IDT-vectoring information (SDM 24.8.3, 24.9.2, 24.9.3). */
#define VMX_INTR_VECTOR_MASK              UINT32(0xff)
#define VMX_INTR_TYPE_MASK                (UINT32(7) << 8)
#define VMX_INTR_TYPE_EXTERNAL            (UINT32(0) << 8)
#define VMX_INTR_TYPE_NMI                 (UINT32(2) << 8)
#define VMX_INTR_TYPE_HARDWARE_EXCEPTION  (UINT32(3) << 8)
#define VMX_INTR_TYPE_SOFTWARE_INTERRUPT  (UINT32(4) << 8)
#define VMX_INTR_TYPE_PRIV_SOFTWARE_EXCEPTION (UINT32(5) << 8)
#define VMX_INTR_TYPE_SOFTWARE_EXCEPTION  (UINT32(6) << 8)
#define VMX_INTR_ERROR_CODE_VALID         BIT32(11)
#define VMX_INTR_NMI_UNBLOCKING           BIT32(12)   /* exit information only */
#define VMX_INTR_VALID                    BIT32(31)

/* Guest interruptibility state (SDM 24.4.2) and activity states. */
#define VMX_INTERRUPTIBILITY_STI          BIT32(0)
#define VMX_INTERRUPTIBILITY_MOV_SS       BIT32(1)
#define VMX_INTERRUPTIBILITY_SMI          BIT32(2)
#define VMX_INTERRUPTIBILITY_NMI          BIT32(3)
#define VMX_ACTIVITY_ACTIVE               0
#define VMX_ACTIVITY_HLT                  1
#define VMX_ACTIVITY_SHUTDOWN             2
#define VMX_ACTIVITY_WAIT_SIPI            3

/* VMCS segment access rights (SDM 24.4.1): descriptor bits 47:40 in 7:0, 55:52 in 15:12. */
#define VMX_AR_TSS_BUSY                   UINT32(0x008b)      /* present, busy 32-bit (64-bit in IA-32e mode) TSS */
#define VMX_AR_L                          BIT32(13)
#define VMX_AR_DB                         BIT32(14)
#define VMX_AR_UNUSABLE                   BIT32(16)

/* EPT paging-structure entries (SDM 28.2.2). */
#define EPT_READ                          BIT64(0)
#define EPT_WRITE                         BIT64(1)
#define EPT_EXECUTE                       BIT64(2)
#define EPT_RWX                           (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMTYPE_SHIFT                 3           /* bits 5:3 of a leaf: the memory type (SDM 28.2.6) */
#define EPT_MEMTYPE_UC                    UINT64(0)
#define EPT_MEMTYPE_WB                    UINT64(6)
#define EPT_IGNORE_PAT                    BIT64(6)
#define EPT_LARGE_PAGE                    BIT64(7)    /* a 2 MiB page in a PDE */

/* The EPT pointer (SDM 24.6.11). */
#define EPTP_MEMTYPE_UC                   UINT64(0)   /* bits 2:0: the paging structures' memory type */
#define EPTP_MEMTYPE_WB                   UINT64(6)
#define EPTP_WALK_LENGTH_4                (UINT64(3) << 3)   /* bits 5:3: levels minus 1 */

#endif
