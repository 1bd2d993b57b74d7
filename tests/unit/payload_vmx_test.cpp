/*
 * guest=vmx's pure parts (arch/x86/boot/payload/vmx/payload_vmx.h): the
 * control-bit arithmetic (the SDM's Algorithm 3 with the default1 rule)
 * and the fixed CR0/CR4 bits against capability MSR values of
 *
 *   - Bochs 2.7's CPU models corei7_haswell_4770, corei7_skylake_x and
 *     tigerlake, as relboot read them under Bochs (a scratch build that
 *     printed RDMSR 3AH and 480H..491H on each model, Debian 12's bochs
 *     2.7+dfsg-1);
 *   - real CPUs, from the comparison table "VmxCaps" by Artem Shishkin
 *     (github.com/honorarybot/VmxCaps, vmx.html at commit 7b425c2): the
 *     Core 2 Duo E7500 (Wolfdale, 2009: no TRUE controls, no EPT, no
 *     unrestricted guest), the Core i5-4600U (Haswell) and the Core
 *     i5-6500 (Skylake);
 *
 * the host's checks and their error lines, the guest's CR0/CR4 writes
 * under the masks, the INIT and SIPI states, and the names of exits,
 * VM-instruction errors and VM-entry failures.
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "payload/vmx/payload_vmx.h"
#include <x86/cr.h>
#include <x86/vmx.h>

#include <string>

using namespace relboot;
using boot_test::error_line;

namespace {

/* Bochs 2.7, corei7_haswell_4770 (IA32_FEATURE_CONTROL read 5: locked, VMXON outside SMX). */
constexpr VmxCaps BOCHS_HASWELL{
    .basic = 0x00d810000000002b,
    .pinbased = 0x0000007f00000016, .procbased = 0xf7f9fffe0401e172, .exit = 0x007fffff00036dff,
    .entry = 0x0000ffff000011ff,
    .true_pinbased = 0x0000007f00000016, .true_procbased = 0xf7f9fffe04006172, .true_exit = 0x007fffff00036dfb,
    .true_entry = 0x0000ffff000011fb,
    .procbased2 = 0x00047fff00000000,
    .misc = 0x00000000200401e0,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x1727ff,
    .ept_vpid_cap = 0x00000f0106334141,
};

/* Bochs 2.7, corei7_skylake_x: XSAVES and TSC scaling allowed, CR4.SMAP. */
constexpr VmxCaps BOCHS_SKYLAKE_X{
    .basic = 0x00d810000000002b,
    .pinbased = 0x0000007f00000016, .procbased = 0xf7f9fffe0401e172, .exit = 0x007fffff00036dff,
    .entry = 0x0000ffff000011ff,
    .true_pinbased = 0x0000007f00000016, .true_procbased = 0xf7f9fffe04006172, .true_exit = 0x007fffff00036dfb,
    .true_entry = 0x0000ffff000011fb,
    .procbased2 = 0x02177fff00000000,
    .misc = 0x00000000600401e0,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3727ff,
    .ept_vpid_cap = 0x00000f0106334141,
};

/* Bochs 2.7, tigerlake: monitor trap flag, CET, user wait and pause, CR4.PKE/CET/UMIP. */
constexpr VmxCaps BOCHS_TIGERLAKE{
    .basic = 0x01d8100000000004,
    .pinbased = 0x0000007f00000016, .procbased = 0xfff9fffe0401e172, .exit = 0x107fffff00036dff,
    .entry = 0x0010ffff000011ff,
    .true_pinbased = 0x0000007f00000016, .true_procbased = 0xfff9fffe04006172, .true_exit = 0x107fffff00036dfb,
    .true_entry = 0x0010ffff000011fb,
    .procbased2 = 0x02977fff00000000,
    .misc = 0x00000000600401e0,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0xf72fff,
    .ept_vpid_cap = 0x00000f0106b34141,
};

/* Core 2 Duo E7500 (Wolfdale), VmxCaps: IA32_VMX_BASIC[55] clear, so the TRUE MSRs do not exist (read as 0 here). */
constexpr VmxCaps E7500{
    .basic = 0x005a08000000000d,
    .pinbased = 0x0000003f00000016, .procbased = 0xf7f9fffe0401e172, .exit = 0x0003ffff00036dff,
    .entry = 0x00003fff000011ff,
    .true_pinbased = 0, .true_procbased = 0, .true_exit = 0, .true_entry = 0,
    .procbased2 = 0x0000004100000000,
    .misc = 0x00000000000403c0,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x427ff,
    .ept_vpid_cap = 0,
};

/* Core i5-4600U (Haswell), VmxCaps. */
constexpr VmxCaps I5_4600U{
    .basic = 0x00da040000000012,
    .pinbased = 0x0000007f00000016, .procbased = 0xfff9fffe0401e172, .exit = 0x007fffff00036dff,
    .entry = 0x0000ffff000011ff,
    .true_pinbased = 0x0000007f00000016, .true_procbased = 0xfff9fffe04006172, .true_exit = 0x007fffff00036dfb,
    .true_entry = 0x0000ffff000011fb,
    .procbased2 = 0x00007cff00000000,
    .misc = 0x00000000300481e5,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x1767ff,
    .ept_vpid_cap = 0x00000f0106334141,
};

/* Core i5-6500 (Skylake), VmxCaps. */
constexpr VmxCaps I5_6500{
    .basic = 0x00da040000000004,
    .pinbased = 0x0000007f00000016, .procbased = 0xfff9fffe0401e172, .exit = 0x01ffffff00036dff,
    .entry = 0x0003ffff000011ff,
    .true_pinbased = 0x0000007f00000016, .true_procbased = 0xfff9fffe04006172, .true_exit = 0x01ffffff00036dfb,
    .true_entry = 0x0003ffff000011fb,
    .procbased2 = 0x001ffcff00000000,
    .misc = 0x000000007004c1e7,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3767ff,
    .ept_vpid_cap = 0x00000f0106334141,
};

/*
 * The arithmetic itself: a 1 in the low half is a control fixed to 1, a 0
 * in the high half one fixed to 0; wishes where the CPU lets them; every
 * other bit its default (default1 class: 1).
 */
TEST(VmxControls, AlgorithmThree)
{
    uint32_t refused1 = 0, refused0 = 0;
    /* Nothing asked: the fixed-1 bits and the default1 class (where the CPU allows 1). */
    EXPECT_EQ(vmx_control_value(0x000000ff00000003, 0x30, 0, 0, 0, &refused1, &refused0), 0x33u);
    EXPECT_EQ(refused1 | refused0, 0u);
    /* A default1 bit the TRUE MSR lets be 0, and asked 0: 0. */
    EXPECT_EQ(vmx_control_value(0x000000ff00000003, 0x30, 0, 0x10, 0, &refused1, &refused0), 0x23u);
    /* A default1 bit the CPU cannot set (a TRUE MSR may say so): 0, the CPU wins. */
    EXPECT_EQ(vmx_control_value(0x000000ef00000003, 0x30, 0, 0, 0, &refused1, &refused0), 0x23u);
    /* Asked 1 where allowed; asked 1 where not: refused, left 0. */
    EXPECT_EQ(vmx_control_value(0x000000ff00000003, 0, 0x80, 0, 0, &refused1, &refused0), 0x83u);
    EXPECT_EQ(refused1, 0u);
    EXPECT_EQ(vmx_control_value(0x0000007f00000003, 0, 0x80, 0, 0, &refused1, &refused0), 0x03u);
    EXPECT_EQ(refused1, 0x80u);
    /* Asked 0 where the CPU fixes 1: refused, the CPU's 1 kept. */
    EXPECT_EQ(vmx_control_value(0x000000ff00000003, 0, 0, 0x2, 0, &refused1, &refused0), 0x03u);
    EXPECT_EQ(refused0, 0x2u);
    /* Optional: set where allowed, silently clear where not. */
    EXPECT_EQ(vmx_control_value(0x0000001f00000000, 0, 0, 0, 0x30, &refused1, &refused0), 0x10u);
    EXPECT_EQ(refused1 | refused0, 0u);
    /* Reserved bits outside the default1 class stay 0 even when allowed-1. */
    EXPECT_EQ(vmx_control_value(0xffffffff00000000, 0x1, 0, 0, 0, &refused1, &refused0), 0x1u);
}

/* The MSR each field comes from: TRUE with IA32_VMX_BASIC[55], else the plain one; the secondary controls have one. */
TEST(VmxControls, FieldMsrs)
{
    EXPECT_EQ(vmx_field_msr(VmxField::procbased, BOCHS_HASWELL), MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
    EXPECT_EQ(vmx_field_cap(VmxField::procbased, BOCHS_HASWELL), 0xf7f9fffe04006172u);
    EXPECT_STREQ(vmx_field_msr_name(VmxField::entry, BOCHS_HASWELL), "IA32_VMX_TRUE_ENTRY_CTLS");
    EXPECT_EQ(vmx_field_msr(VmxField::procbased, E7500), MSR_IA32_VMX_PROCBASED_CTLS);
    EXPECT_EQ(vmx_field_cap(VmxField::exit, E7500), 0x0003ffff00036dffu);
    EXPECT_STREQ(vmx_field_msr_name(VmxField::pinbased, E7500), "IA32_VMX_PINBASED_CTLS");
    EXPECT_EQ(vmx_field_msr(VmxField::procbased2, BOCHS_HASWELL), MSR_IA32_VMX_PROCBASED_CTLS2);
    /* The default1 classes (SDM A.3-A.5) are what the non-TRUE MSRs report as fixed to 1 on every CPU here. */
    for (const VmxCaps* c : {&BOCHS_HASWELL, &BOCHS_TIGERLAKE, &E7500, &I5_4600U, &I5_6500}) {
        EXPECT_EQ(uint32_t(c->pinbased), vmx_field_default1(VmxField::pinbased));
        EXPECT_EQ(uint32_t(c->procbased), vmx_field_default1(VmxField::procbased));
        EXPECT_EQ(uint32_t(c->exit), vmx_field_default1(VmxField::exit));
        EXPECT_EQ(uint32_t(c->entry), vmx_field_default1(VmxField::entry));
    }
    EXPECT_EQ(vmx_field_default1(VmxField::procbased2), 0u);
}

/*
 * Bochs's Haswell: NMI exiting and virtual NMIs with the default1 bits
 * 1, 2, 4; MSR bitmaps and secondary controls with the default1 bits
 * the TRUE MSR does not let go (1, 4-6, 8, 13, 14, 26; CR3-load and
 * -store exiting, 15 and 16, cleared); EPT, RDTSCP, VPID, unrestricted
 * guest, INVPCID (no XSAVES on Haswell); the exit controls' default1
 * bits with save debug controls (2, default1: set), host address-space
 * size, PAT and EFER saved and loaded; the entry controls' default1 bits
 * with PAT and EFER loaded, IA-32e mode guest left to each vCPU.
 */
TEST(VmxControls, BochsHaswell)
{
    VmxControlValues v{};
    ASSERT_TRUE(vmx_compute_controls(BOCHS_HASWELL, &v).ok());
    EXPECT_EQ(v.pinbased, 0x0000003eu);
    EXPECT_EQ(v.procbased, 0x94006172u);
    EXPECT_EQ(v.procbased2, 0x000010aau);
    EXPECT_EQ(v.exit, 0x003f6fffu);
    EXPECT_EQ(v.entry, 0x0000d1ffu);
    EXPECT_EQ(v.entry & VMX_ENTRY_CTL_IA32E_MODE_GUEST, 0u);
    EXPECT_TRUE(vmx_check_caps(BOCHS_HASWELL).ok());
}

/* The other Bochs models and the real Haswell and Skylake: the same fields, XSAVES where the CPU has it. */
TEST(VmxControls, OtherModelsAndRealCpus)
{
    for (const VmxCaps* c : {&BOCHS_SKYLAKE_X, &BOCHS_TIGERLAKE, &I5_4600U, &I5_6500}) {
        VmxControlValues v{};
        ASSERT_TRUE(vmx_compute_controls(*c, &v).ok());
        EXPECT_EQ(v.pinbased, 0x0000003eu);
        EXPECT_EQ(v.procbased, 0x94006172u);
        EXPECT_EQ(v.exit, 0x003f6fffu);
        EXPECT_EQ(v.entry, 0x0000d1ffu);
        EXPECT_TRUE(vmx_check_caps(*c).ok());
    }
    VmxControlValues v{};
    ASSERT_TRUE(vmx_compute_controls(I5_4600U, &v).ok());
    EXPECT_EQ(v.procbased2, 0x000010aau);
    ASSERT_TRUE(vmx_compute_controls(I5_6500, &v).ok());
    EXPECT_EQ(v.procbased2, 0x001010aau) << "XSAVES/XRSTORS enabled where allowed";
    ASSERT_TRUE(vmx_compute_controls(BOCHS_SKYLAKE_X, &v).ok());
    EXPECT_EQ(v.procbased2, 0x001010aau);
    ASSERT_TRUE(vmx_compute_controls(BOCHS_TIGERLAKE, &v).ok());
    EXPECT_EQ(v.procbased2, 0x001010aau) << "Bochs' Tigerlake lacks user wait and pause (bit 26)";
    VmxCaps waitpkg = BOCHS_TIGERLAKE;
    waitpkg.procbased2 |= uint64_t(VMX_PROC2_ENABLE_USER_WAIT_PAUSE) << 32;
    ASSERT_TRUE(vmx_compute_controls(waitpkg, &v).ok());
    EXPECT_EQ(v.procbased2, 0x041010aau) << "where the CPU has it, it is enabled";
}

/*
 * The Core 2 Duo E7500: no TRUE MSRs, so CR3-load exiting is fixed to 1
 * (the plain IA32_VMX_PROCBASED_CTLS); the first control the CPU refuses
 * in the table's order is the line: that one, with the MSR and its value.
 */
TEST(VmxControls, Wolfdale)
{
    VmxControlValues v{};
    EXPECT_EQ(error_line(vmx_compute_controls(E7500, &v)),
              "relboot: error: vmx IA32_VMX_PROCBASED_CTLS: 0xf7f9fffe0401e172, expected allowed-0 bit 15: CR3-load "
              "exiting clear (the EPT keeps CR3 the guest's)\r\n");
    /* Without that, it would still lack EPT (secondary controls allowed-1 0x41: APIC accesses and WBINVD exiting). */
    VmxCaps no_cr3 = E7500;
    no_cr3.procbased &= ~(uint64_t(VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING));
    EXPECT_EQ(error_line(vmx_compute_controls(no_cr3, &v)),
              "relboot: error: vmx IA32_VMX_PROCBASED_CTLS2: 0x0000004100000000, expected allowed-1 bit 1: enable "
              "EPT\r\n");
    /* And the EPT capabilities it does not report. */
    EXPECT_EQ(error_line(vmx_check_caps(E7500)),
              "relboot: error: vmx IA32_VMX_EPT_VPID_CAP: 0x00000000, expected bit 6: a 4-level EPT\r\n");
}

/* A Haswell without unrestricted guest (bit 7 of the secondary controls cleared): refused in one line. */
TEST(VmxControls, NoUnrestrictedGuest)
{
    VmxCaps c = I5_4600U;
    c.procbased2 &= ~(uint64_t(VMX_PROC2_UNRESTRICTED_GUEST) << 32);
    VmxControlValues v{};
    EXPECT_EQ(error_line(vmx_compute_controls(c, &v)),
              "relboot: error: vmx IA32_VMX_PROCBASED_CTLS2: 0x00007c7f00000000, expected allowed-1 bit 7: "
              "unrestricted guest (the APs' real-mode start after SIPI)\r\n");
    c = I5_4600U;
    c.true_pinbased &= ~(uint64_t(VMX_PIN_VIRTUAL_NMIS) << 32);
    EXPECT_EQ(error_line(vmx_compute_controls(c, &v)),
              "relboot: error: vmx IA32_VMX_TRUE_PINBASED_CTLS: 0x0000005f00000016, expected allowed-1 bit 5: "
              "virtual NMIs\r\n");
}

/* The rest of the capabilities, one refusal each. */
TEST(VmxCaps, Refusals)
{
    VmxCaps c = BOCHS_HASWELL;
    c.basic &= ~(uint64_t(0xf) << 50);          /* an uncached VMCS */
    EXPECT_EQ(error_line(vmx_check_caps(c)), "relboot: error: vmx IA32_VMX_BASIC: 0x00c010000000002b, expected the "
                                             "VMCS memory type (bits 53:50) 6, write-back\r\n");
    c = BOCHS_HASWELL;
    c.basic |= uint64_t(0x1fff) << 32;          /* a VMCS larger than a page */
    EXPECT_EQ(error_line(vmx_check_caps(c)), "relboot: error: vmx IA32_VMX_BASIC: 0x00d81fff0000002b, expected a "
                                             "VMCS size (bits 44:32) of at most 4096 bytes\r\n");
    c = BOCHS_HASWELL;
    c.misc &= ~VMX_MISC_ACTIVITY_HLT;
    EXPECT_EQ(error_line(vmx_check_caps(c)), "relboot: error: vmx IA32_VMX_MISC: 0x200401a0, expected bit 6: the HLT "
                                             "activity state (the guest halts without an exit)\r\n");
    c = BOCHS_HASWELL;
    c.ept_vpid_cap &= ~VMX_EPT_2MB_PAGES;
    EXPECT_EQ(error_line(vmx_check_caps(c)),
              "relboot: error: vmx IA32_VMX_EPT_VPID_CAP: 0x00000f0106324141, expected bit 16: 2 MiB EPT pages\r\n");
    c = BOCHS_HASWELL;
    c.ept_vpid_cap &= ~(VMX_EPT_MEMTYPE_WB | VMX_EPT_MEMTYPE_UC);
    EXPECT_FALSE(vmx_check_caps(c).ok());
    c = BOCHS_HASWELL;
    c.ept_vpid_cap &= ~(VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL);
    EXPECT_FALSE(vmx_check_caps(c).ok());
    c = BOCHS_HASWELL;
    c.ept_vpid_cap &= ~VMX_VPID_INVVPID;
    EXPECT_EQ(error_line(vmx_check_caps(c)), "relboot: error: vmx IA32_VMX_EPT_VPID_CAP: 0x00000f0006334141, expected "
                                             "bits 32 and 41 or 42: INVVPID, single- or all-context\r\n");
    /* One kind of each flush is enough. */
    c = BOCHS_HASWELL;
    c.ept_vpid_cap &= ~(VMX_EPT_INVEPT_SINGLE | VMX_VPID_INVVPID_ALL);
    EXPECT_TRUE(vmx_check_caps(c).ok());
}

/* CPUID.1:ECX.VMX and IA32_FEATURE_CONTROL (SDM 23.6, 23.7). */
TEST(VmxHost, CpuidAndFeatureControl)
{
    EXPECT_TRUE(vmx_check_cpuid(0x77faf3bf).ok());      /* Bochs's Haswell */
    EXPECT_EQ(error_line(vmx_check_cpuid(0x0000441d)),
              "relboot: error: vmx CPUID 1 ECX: 0x0000441d, expected VMX (bit 5) for guest=vmx\r\n");
    uint64_t write = 0;
    EXPECT_TRUE(vmx_check_feature_control(0x5, &write).ok()) << "Bochs: the BIOS locked it with VMXON allowed";
    EXPECT_EQ(write, 0u);
    EXPECT_TRUE(vmx_check_feature_control(0x7, &write).ok());
    EXPECT_EQ(write, 0u);
    EXPECT_TRUE(vmx_check_feature_control(0x0, &write).ok()) << "unlocked: relboot locks it";
    EXPECT_EQ(write, 0x5u);
    write = 0;
    EXPECT_TRUE(vmx_check_feature_control(0x40000, &write).ok()) << "other bits (SGX) kept";
    EXPECT_EQ(write, 0x40005u);
    write = 0;
    EXPECT_EQ(error_line(vmx_check_feature_control(0x1, &write)),
              "relboot: error: vmx IA32_FEATURE_CONTROL: 0x00000001, expected VMXON outside SMX allowed (bit 2) once "
              "locked (bit 0): the firmware disabled VT-x\r\n");
    EXPECT_FALSE(vmx_check_feature_control(0x3, &write).ok()) << "VMXON inside SMX only";
    EXPECT_EQ(write, 0u);
}

/* The host's CR0 and CR4 in VMX operation: the fixed-1 bits set (CR0.NE), a bit fixed to 0 refused. */
TEST(VmxHost, ControlRegisters)
{
    EXPECT_EQ(vmx_cr_fixed(CR0_PG | CR0_WP | CR0_ET | CR0_PE, 0x80000021, 0xffffffff),
              uint64_t(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE));
    uint64_t adjusted = 0;
    ASSERT_TRUE(vmx_check_host_cr("CR0", CR0_PG | CR0_WP | CR0_ET | CR0_PE | CR0_MP, BOCHS_HASWELL.cr0_fixed0,
                                  BOCHS_HASWELL.cr0_fixed1, &adjusted).ok());
    EXPECT_EQ(adjusted, uint64_t(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE | CR0_MP));
    /* relboot's CR4 (PAE, PGE, OSFXSR) with VMXE: fits every CPU here. */
    const uint64_t cr4 = CR4_PAE | (1u << 7) | (1u << 9) | CR4_VMXE;
    for (const VmxCaps* c : {&BOCHS_HASWELL, &BOCHS_TIGERLAKE, &E7500, &I5_4600U, &I5_6500}) {
        ASSERT_TRUE(vmx_check_host_cr("CR4", cr4, c->cr4_fixed0, c->cr4_fixed1, &adjusted).ok());
        EXPECT_EQ(adjusted, cr4);
    }
    /* CR4.OSXSAVE on Wolfdale (its FIXED1 has bit 18); LA57 nowhere here; PCIDE not on Wolfdale. */
    EXPECT_TRUE(vmx_check_host_cr("CR4", cr4 | CR4_OSXSAVE, E7500.cr4_fixed0, E7500.cr4_fixed1, &adjusted).ok());
    EXPECT_EQ(error_line(vmx_check_host_cr("CR4", cr4 | CR4_LA57, BOCHS_HASWELL.cr4_fixed0, BOCHS_HASWELL.cr4_fixed1,
                                           &adjusted)),
              "relboot: error: vmx CR4: 0x000032a0, expected no bit that the IA32_VMX_CRn_FIXED1 MSR clears (a setting "
              "VMX forbids); fixed1 = 0x001727ff\r\n");
    EXPECT_FALSE(vmx_check_host_cr("CR4", cr4 | CR4_PCIDE, E7500.cr4_fixed0, E7500.cr4_fixed1, &adjusted).ok());
    /* The guest/host masks: CR0.NE only (PE and PG are the guest's under unrestricted guest); CR4.VMXE and the bits VMX forbids. */
    EXPECT_EQ(vmx_cr_mask(0x80000021, 0xffffffff, CR0_PE | CR0_PG) & 0xffffffff, uint64_t(CR0_NE));
    const uint64_t cr4_mask = vmx_cr_mask(BOCHS_HASWELL.cr4_fixed0, BOCHS_HASWELL.cr4_fixed1, 0);
    EXPECT_TRUE(cr4_mask & CR4_VMXE);
    EXPECT_TRUE(cr4_mask & CR4_LA57);
    EXPECT_FALSE(cr4_mask & (CR4_PAE | CR4_PCIDE | CR4_OSXSAVE));
    EXPECT_EQ(vmx_cr_real(0, 0x80000021, 0xffffffff, CR0_PE | CR0_PG), uint64_t(CR0_NE)) << "real mode, NE forced";
}

/*
 * The guest's MOV to CR0 under the mask: an AP's trampoline from real
 * mode (CR0 as after INIT) to protected mode and long mode; NE forced in
 * the register, the guest's own value in the shadow; IA-32e mode with
 * paging and EFER.LME; the architectural #GPs.
 */
TEST(VmxGuestCr, Cr0Writes)
{
    const uint64_t f0 = 0x80000021, f1 = 0xffffffff, init = CR0_CD | CR0_NW | CR0_ET;
    VmxCrWrite w = vmx_cr0_write(CR0_PE | CR0_ET, init, 0, 0, f0, f1);
    ASSERT_FALSE(w.gp);
    EXPECT_EQ(w.real, uint64_t(CR0_PE | CR0_ET | CR0_NE));
    EXPECT_EQ(w.shadow, uint64_t(CR0_PE | CR0_ET));
    EXPECT_FALSE(w.lma);
    const uint64_t on = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE;
    w = vmx_cr0_write(on, CR0_PE | CR0_ET, EFER_LME, CR4_PAE, f0, f1);
    ASSERT_FALSE(w.gp);
    EXPECT_EQ(w.real, on);
    EXPECT_TRUE(w.lma) << "paging on with LME: IA-32e mode";
    w = vmx_cr0_write(CR0_PE | CR0_ET, on, EFER_LME | EFER_LMA, CR4_PAE, f0, f1);
    ASSERT_FALSE(w.gp);
    EXPECT_FALSE(w.lma) << "paging off: IA-32e mode left";
    w = vmx_cr0_write(CR0_PG | CR0_PE, CR0_PE, 0, 0, f0, f1);
    EXPECT_FALSE(w.gp) << "32-bit paging";
    EXPECT_FALSE(w.lma);
    EXPECT_TRUE(vmx_cr0_write(CR0_PG, 0, 0, 0, f0, f1).gp) << "PG without PE";
    EXPECT_TRUE(vmx_cr0_write(CR0_NW | CR0_PE, 0, 0, 0, f0, f1).gp) << "NW without CD";
    EXPECT_TRUE(vmx_cr0_write(uint64_t(1) << 32 | CR0_PE, 0, 0, 0, f0, f1).gp) << "bits 63:32";
    EXPECT_TRUE(vmx_cr0_write(on, CR0_PE, EFER_LME, 0, f0, f1).gp) << "long mode without PAE";
    EXPECT_TRUE(vmx_cr0_write(CR0_PE, on, EFER_LME | EFER_LMA, CR4_PAE | CR4_PCIDE, f0, f1).gp) << "PG off with PCIDE";
}

TEST(VmxGuestCr, Cr4Writes)
{
    const uint64_t f0 = BOCHS_HASWELL.cr4_fixed0, f1 = BOCHS_HASWELL.cr4_fixed1;
    VmxCrWrite w = vmx_cr4_write(CR4_PAE | CR4_OSXSAVE, CR4_PAE, EFER_LME | EFER_LMA, 0x1000, f0, f1);
    ASSERT_FALSE(w.gp);
    EXPECT_EQ(w.real, uint64_t(CR4_PAE | CR4_OSXSAVE | CR4_VMXE));
    EXPECT_EQ(w.shadow, uint64_t(CR4_PAE | CR4_OSXSAVE));
    EXPECT_TRUE(vmx_cr4_write(CR4_PAE | CR4_VMXE, CR4_PAE, 0, 0, f0, f1).gp) << "the guest sees no VMX";
    EXPECT_TRUE(vmx_cr4_write(CR4_PAE | CR4_LA57, CR4_PAE, 0, 0, f0, f1).gp) << "a bit this CPU lacks";
    EXPECT_TRUE(vmx_cr4_write(0, CR4_PAE, EFER_LME | EFER_LMA, 0, f0, f1).gp) << "PAE off in IA-32e mode";
    EXPECT_TRUE(vmx_cr4_write(CR4_PAE | CR4_PCIDE, CR4_PAE, EFER_LME | EFER_LMA, 0x1001, f0, f1).gp)
        << "PCIDE with CR3[11:0] set";
    EXPECT_TRUE(vmx_cr4_write(CR4_PAE | CR4_PCIDE, CR4_PAE, 0, 0x1000, f0, f1).gp) << "PCIDE outside IA-32e mode";
    EXPECT_FALSE(vmx_cr4_write(CR4_PAE | CR4_PCIDE, CR4_PAE, EFER_LME | EFER_LMA, 0x1000, f0, f1).gp);
    EXPECT_FALSE(vmx_cr4_write(0, CR4_PAE, 0, 0, f0, f1).gp) << "PAE off outside IA-32e mode";
}

/*
 * INIT's state as VM entry takes it for real mode under unrestricted
 * guest (SDM 26.3.1.2: accessed code and data segments, a busy TSS, an
 * LDT), then a SIPI: CS = vector << 8, base vector << 12, IP 0.
 */
TEST(VmxVcpuState, InitThenSipi)
{
    VmxGuestState s{};
    s.rip = 0x1234;
    s.efer = EFER_LME | EFER_LMA;
    vmx_init_state(s);
    EXPECT_EQ(s.efer, 0u);
    EXPECT_EQ(s.cr0, uint64_t(CR0_CD | CR0_NW | CR0_ET));
    EXPECT_EQ(s.cr3 | s.cr4, 0u);
    EXPECT_EQ(s.rflags, 2u);
    EXPECT_EQ(s.rip, 0xfff0u);
    EXPECT_EQ(s.dr7, 0x400u);
    EXPECT_EQ(s.pat, 0x0007040600070406u);
    EXPECT_EQ(s.activity, uint32_t(VMX_ACTIVITY_ACTIVE));
    EXPECT_EQ(s.seg[VMX_CS].selector, 0xf000u);
    EXPECT_EQ(s.seg[VMX_CS].base, 0xffff0000u);
    EXPECT_EQ(s.seg[VMX_CS].limit, 0xffffu);
    EXPECT_EQ(s.seg[VMX_CS].ar, 0x9bu);
    for (uint32_t i : {VMX_ES, VMX_SS, VMX_DS, VMX_FS, VMX_GS}) {
        EXPECT_EQ(s.seg[i].ar, 0x93u);
        EXPECT_EQ(s.seg[i].limit, 0xffffu);
        EXPECT_EQ(s.seg[i].base | s.seg[i].selector, 0u);
    }
    EXPECT_EQ(s.seg[VMX_LDTR].ar, 0x82u);
    EXPECT_EQ(s.seg[VMX_TR].ar, uint32_t(VMX_AR_TSS_BUSY));
    EXPECT_EQ(s.gdtr.limit, 0xffffu);
    EXPECT_EQ(s.idtr.limit, 0xffffu);
    EXPECT_EQ(vmx_code_size(s.efer, s.cr0, s.seg[VMX_CS].ar), CodeSize::bits16);
    vmx_sipi_state(s, 0x9a);
    EXPECT_EQ(s.seg[VMX_CS].selector, 0x9a00u);
    EXPECT_EQ(s.seg[VMX_CS].base, 0x9a000u);
    EXPECT_EQ(s.rip, 0u);
    EXPECT_EQ(s.cr0, uint64_t(CR0_CD | CR0_NW | CR0_ET));
}

/* The 64-bit entry's segments from linux_gdt's descriptors (accessed set), and the code sizes. */
TEST(VmxVcpuState, SegmentsAndCodeSize)
{
    const uint32_t cs = vmx_ar_from_descriptor(0x00af9a000000ffff);      /* __BOOT_CS: L, G */
    const uint32_t ds = vmx_ar_from_descriptor(0x00cf92000000ffff);      /* __BOOT_DS: D/B, G */
    EXPECT_EQ(cs, 0xa09bu);
    EXPECT_EQ(ds, 0xc093u);
    EXPECT_EQ(vmx_code_size(EFER_LME | EFER_LMA, CR0_PG | CR0_PE, cs), CodeSize::bits64);
    EXPECT_EQ(vmx_code_size(0, CR0_PE, cs), CodeSize::bits16) << "CS.L means nothing outside IA-32e mode";
    EXPECT_EQ(vmx_code_size(0, CR0_PE, ds | 0x8), CodeSize::bits32);
    EXPECT_EQ(vmx_code_size(EFER_LME | EFER_LMA, CR0_PG | CR0_PE, 0xc09b), CodeSize::bits32) << "compatibility mode";
    EXPECT_EQ(vmx_code_size(0, 0, 0xc09b), CodeSize::bits16) << "real mode";
}

/* The EPT pointer (SDM 24.6.11): 4 levels, write-back structures where allowed, no A/D flags. */
TEST(VmxEpt, Pointer)
{
    EXPECT_EQ(vmx_eptp(0x1fc0a000, BOCHS_HASWELL.ept_vpid_cap), 0x1fc0a01eu);
    EXPECT_EQ(vmx_eptp(0x1fc0a000, BOCHS_HASWELL.ept_vpid_cap & ~VMX_EPT_MEMTYPE_WB), 0x1fc0a018u);
    EXPECT_EQ(vmx_eptp(0x1fc0afff, BOCHS_HASWELL.ept_vpid_cap) & 0xfc0, 0u) << "the address's low bits dropped";
}

/* XSETBV: what the CPU takes (SDM Vol. 1, 13.3), against Haswell's XCR0 bits (x87, SSE, AVX). */
TEST(VmxXsetbv, Allowed)
{
    const uint64_t haswell = 0x7, avx512 = 0xe7, amx = 0x600e7;
    EXPECT_TRUE(vmx_xsetbv_allowed(0, 0x1, haswell));
    EXPECT_TRUE(vmx_xsetbv_allowed(0, 0x7, haswell));
    EXPECT_FALSE(vmx_xsetbv_allowed(1, 0x7, haswell)) << "XCR 1";
    EXPECT_FALSE(vmx_xsetbv_allowed(0, 0x6, haswell)) << "x87 clear";
    EXPECT_FALSE(vmx_xsetbv_allowed(0, 0x5, haswell)) << "AVX without SSE";
    EXPECT_FALSE(vmx_xsetbv_allowed(0, 0xf, haswell)) << "a bit the CPU lacks";
    EXPECT_TRUE(vmx_xsetbv_allowed(0, 0xe7, avx512));
    EXPECT_FALSE(vmx_xsetbv_allowed(0, 0x67, avx512)) << "two of the three AVX-512 bits";
    EXPECT_FALSE(vmx_xsetbv_allowed(0, 0xe3, avx512)) << "AVX-512 without AVX";
    EXPECT_TRUE(vmx_xsetbv_allowed(0, 0x600e7, amx));
    EXPECT_FALSE(vmx_xsetbv_allowed(0, 0x200e7, amx)) << "one AMX bit";
    EXPECT_FALSE(vmx_xsetbv_allowed(0, 0x7, 0)) << "no XSAVE at all";
}

TEST(VmxExit, Names)
{
    EXPECT_STREQ(vmx_exit_name(VMX_EXIT_REASON_EPT_VIOLATION), "ept-violation");
    EXPECT_STREQ(vmx_exit_name(VMX_EXIT_REASON_TRIPLE_FAULT), "triple-fault");
    EXPECT_STREQ(vmx_exit_name(VMX_EXIT_REASON_INVALID_GUEST_STATE), "invalid-guest-state");
    EXPECT_STREQ(vmx_exit_name(VMX_EXIT_REASON_CPUID), "cpuid");
    EXPECT_STREQ(vmx_exit_name(65), "other");
    EXPECT_STREQ(vmx_instruction_error_name(7), "VM entry with invalid control field(s)");
    EXPECT_STREQ(vmx_instruction_error_name(8), "VM entry with invalid host-state field(s)");
    EXPECT_STREQ(vmx_instruction_error_name(28), "invalid operand to INVEPT/INVVPID");
    EXPECT_STREQ(vmx_instruction_error_name(14), "unknown error number");
    EXPECT_STREQ(vmx_entry_failure_text(VMX_EXIT_REASON_INVALID_GUEST_STATE, 0), "a check on the guest-state area failed");
    EXPECT_STREQ(vmx_entry_failure_text(VMX_EXIT_REASON_INVALID_GUEST_STATE, 2), "loading the PDPTEs failed");
    EXPECT_STREQ(vmx_entry_failure_text(VMX_EXIT_REASON_INVALID_GUEST_STATE, 4), "an invalid VMCS link pointer");
    EXPECT_STREQ(vmx_entry_failure_text(VMX_EXIT_REASON_MACHINE_CHECK, 0), "a machine-check event during VM entry");
    EXPECT_STREQ(vmx_entry_failure_text(VMX_EXIT_REASON_CPUID, 0), "not a VM-entry failure");
}

/* The control table: every entry names its MSR bit and what it does; no bit twice. */
TEST(VmxControls, TableWellFormed)
{
    for (uint32_t i = 0; i < vmx_control_count(); ++i) {
        const VmxControl& c = vmx_controls()[i];
        const std::string expected = c.expected;
        EXPECT_EQ(expected.find(c.want == VmxWant::zero ? "allowed-0 bit " : "allowed-1 bit "), 0u) << expected;
        EXPECT_NE(expected.find("bit " + std::to_string(c.bit) + ":"), std::string::npos) << expected;
        for (uint32_t j = 0; j < i; ++j)
            EXPECT_FALSE(vmx_controls()[j].field == c.field && vmx_controls()[j].bit == c.bit) << expected;
    }
}

} // namespace
