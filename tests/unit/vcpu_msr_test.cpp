/*
 * The vCPU layer's MSR and CPUID policies (arch/x86/boot/payload/vcpu/msr.h,
 * cpuid.h): the one MSR table (each row's actions, restated here from
 * /work/notes/vcpu-design.md "MSRs"; lookups at every row's edges), the
 * EFER and APIC_BASE rules, the SVM MSR permission map and the VMX MSR
 * bitmap filled from the table (checked bit by bit through their
 * readers, and by their raw bytes: SVM's read bit even, write bit odd;
 * VMX's read bitmaps then write bitmaps; nothing else set), the guest's
 * CPUID view and the CPU vendors.
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "payload/svm/payload_svm.h"
#include "payload/vcpu/cpuid.h"
#include "payload/vcpu/msr.h"
#include <x86/apic.h>
#include <x86/cpuid.h>
#include <x86/cr.h>
#include <x86/svm.h>

#include <cstring>
#include <string>
#include <vector>

using namespace relboot;

namespace {

using M = MsrAction;

/* The design's table, one line per row: its first and last MSR and the actions. */
struct Row {
    const char* name;
    uint32_t first, last;
    MsrAction read, write;
};

const std::vector<Row> DESIGN = {
    {"APIC_BASE", 0x1b, 0x1b, M::pass, M::emulate},
    {"IA32_FEATURE_CONTROL", 0x3a, 0x3a, M::pass, M::gp},
    {"IA32_BIOS_UPDT_TRIG", 0x79, 0x79, M::pass, M::gp},
    {"MTRRcap", 0xfe, 0xfe, M::pass, M::gp},
    {"MTRRphysBase0..MTRRphysMask9", 0x200, 0x213, M::pass, M::ignore},
    {"MTRRfix64K_00000", 0x250, 0x250, M::pass, M::ignore},
    {"MTRRfix16K_80000..MTRRfix16K_A0000", 0x258, 0x259, M::pass, M::ignore},
    {"MTRRfix4K_C0000..MTRRfix4K_F8000", 0x268, 0x26f, M::pass, M::ignore},
    {"MTRRdefType", 0x2ff, 0x2ff, M::pass, M::ignore},
    {"IA32_VMX_BASIC..IA32_VMX_EXIT_CTLS2", 0x480, 0x493, M::gp, M::gp},
    {"x2APIC", 0x800, 0x8ff, M::emulate, M::emulate},
    {"EFER", 0xc0000080, 0xc0000080, M::emulate, M::emulate},
    {"TSC_RATIO", 0xc0000104, 0xc0000104, M::gp, M::gp},
    {"SYSCFG", 0xc0010010, 0xc0010010, M::pass, M::ignore},
    {"HWCR", 0xc0010015, 0xc0010015, M::pass, M::ignore},
    {"IORRBase0..IORRMask1", 0xc0010016, 0xc0010019, M::pass, M::ignore},
    {"TOP_MEM", 0xc001001a, 0xc001001a, M::pass, M::ignore},
    {"TOP_MEM2", 0xc001001d, 0xc001001d, M::pass, M::ignore},
    {"PATCH_LOADER", 0xc0010020, 0xc0010020, M::pass, M::gp},
    {"VM_CR", 0xc0010114, 0xc0010114, M::gp, M::gp},
    {"IGNNE", 0xc0010115, 0xc0010115, M::gp, M::gp},
    {"SMM_CTL", 0xc0010116, 0xc0010116, M::gp, M::gp},
    {"VM_HSAVE_PA", 0xc0010117, 0xc0010117, M::gp, M::gp},
    {"SVM_KEY", 0xc0010118, 0xc0010118, M::gp, M::gp},
    {"AVIC_DOORBELL", 0xc001011b, 0xc001011b, M::gp, M::gp},
};

TEST(VcpuMsr, TableIsTheDesignsInIndexOrder)
{
    ASSERT_EQ(msr_rule_count(), DESIGN.size());
    const MsrRule* rules = msr_rules();
    for (uint32_t i = 0; i < msr_rule_count(); ++i) {
        const MsrRule& r = rules[i];
        SCOPED_TRACE(r.name);
        EXPECT_STREQ(r.name, DESIGN[i].name);
        EXPECT_EQ(r.first, DESIGN[i].first);
        EXPECT_EQ(r.last, DESIGN[i].last);
        EXPECT_EQ(r.read, DESIGN[i].read);
        EXPECT_EQ(r.write, DESIGN[i].write);
        EXPECT_LE(r.first, r.last);
        EXPECT_NE(r.read, M::ignore) << "ignore is for writes";
        ASSERT_NE(r.why, nullptr);
        EXPECT_GT(std::strlen(r.why), 10u);
        if (i > 0) {
            EXPECT_GT(r.first, rules[i - 1].last) << "rows sorted and disjoint";
        }
    }
}

TEST(VcpuMsr, LookupAtEveryEdge)
{
    for (const Row& d : DESIGN) {
        SCOPED_TRACE(d.name);
        for (uint32_t msr : {d.first, d.last, d.first + (d.last - d.first) / 2}) {
            const MsrRule* r = msr_rule(msr);
            ASSERT_NE(r, nullptr) << std::hex << msr;
            EXPECT_STREQ(r->name, d.name);
        }
        /* Just outside: no row, or the neighbouring one. */
        for (uint32_t msr : {d.first - 1, d.last + 1}) {
            const MsrRule* r = msr_rule(msr);
            if (r) {
                EXPECT_STRNE(r->name, d.name) << std::hex << msr;
            }
        }
    }
    /* The neighbours that are no row: they pass. */
    for (uint32_t msr : {0x1au, 0x1cu, 0x39u, 0x3bu, 0x78u, 0x7au, 0x47fu, 0x494u, 0xfdu, 0xffu, 0x1ffu, 0x214u, 0x24fu, 0x251u, 0x257u, 0x25au, 0x267u, 0x270u,
                         0x2feu, 0x300u, 0x7ffu, 0x900u, 0xc000007fu, 0xc0000081u, 0xc0000103u, 0xc0000105u,
                         0xc001000fu, 0xc0010011u, 0xc0010014u, 0xc001001bu, 0xc001001cu, 0xc001001eu, 0xc001001fu,
                         0xc0010021u, 0xc0010113u, 0xc0010119u, 0xc001011au, 0xc001011cu})
        EXPECT_EQ(msr_rule(msr), nullptr) << std::hex << msr;
    /* MSRs Linux uses all the time pass: TSC, PAT, STAR/LSTAR, FS/GS bases, SPEC_CTRL. */
    for (uint32_t msr : {0x10u, 0x277u, 0xc0000081u, 0xc0000082u, 0xc0000100u, 0xc0000101u, 0xc0000102u, 0x48u})
        EXPECT_EQ(msr_rule(msr), nullptr) << std::hex << msr;
    EXPECT_EQ(msr_rule(0), nullptr);
    EXPECT_EQ(msr_rule(0xffffffff), nullptr);
}

/* EFER bits from CPUID: everything, as a Zen 4 would report it. */
constexpr uint32_t ALL_EXT_ECX = ~0u, ALL_EXT_EDX = ~0u, ALL_EXT21_EAX = ~0u;

TEST(VcpuMsr, EferSupported)
{
    EXPECT_EQ(efer_supported(0, 0, 0), 0u);
    EXPECT_EQ(efer_supported(ALL_EXT_ECX, ALL_EXT_EDX, ALL_EXT21_EAX),
              uint64_t(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR | EFER_TCE | EFER_AIBRSE));
    EXPECT_EQ(efer_supported(0, CPUID_80000001_EDX_SYSCALL, 0), uint64_t(EFER_SCE));
    EXPECT_EQ(efer_supported(0, CPUID_80000001_EDX_LM, 0), uint64_t(EFER_LME | EFER_LMA));
    EXPECT_EQ(efer_supported(0, CPUID_80000001_EDX_NX, 0), uint64_t(EFER_NXE));
    EXPECT_EQ(efer_supported(0, CPUID_80000001_EDX_FFXSR, 0), uint64_t(EFER_FFXSR));
    EXPECT_EQ(efer_supported(CPUID_80000001_ECX_TCE, 0, 0), uint64_t(EFER_TCE));
    EXPECT_EQ(efer_supported(0, 0, CPUID_80000021_EAX_AUTOIBRS), uint64_t(EFER_AIBRSE));
    /* SVM in CPUID never makes SVME the guest's. */
    EXPECT_EQ(efer_supported(CPUID_80000001_ECX_SVM, 0, 0) & EFER_SVME, 0u);
}

TEST(VcpuMsr, EferReadHidesSvme)
{
    const uint64_t vmcb = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
    EXPECT_EQ(efer_guest_read(vmcb), uint64_t(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE));
    EXPECT_EQ(efer_guest_read(EFER_SVME), 0u);
}

TEST(VcpuMsr, EferWrite)
{
    const uint64_t supported = efer_supported(ALL_EXT_ECX, ALL_EXT_EDX, ALL_EXT21_EAX);
    const uint64_t paging = CR0_PE | CR0_PG;
    const uint64_t running = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;

    /* Linux's read-modify-write: SVME kept, the rest taken. */
    uint64_t vmcb = running;
    ASSERT_TRUE(efer_guest_write(efer_guest_read(vmcb) & ~uint64_t(EFER_NXE), supported, paging, &vmcb, EFER_SVME));
    EXPECT_EQ(vmcb, running & ~uint64_t(EFER_NXE));
    ASSERT_TRUE(efer_guest_write(efer_guest_read(vmcb) | EFER_AIBRSE | EFER_NXE, supported, paging, &vmcb, EFER_SVME));
    EXPECT_EQ(vmcb, running | EFER_AIBRSE);

    /* Reserved bits, SVME itself and LMSLE: refused, the VMCB untouched. */
    for (uint64_t bad : {uint64_t(1) << 1, uint64_t(1) << 9, uint64_t(EFER_SVME), uint64_t(EFER_LMSLE),
                         uint64_t(1) << 16, uint64_t(1) << 63}) {
        vmcb = running;
        EXPECT_FALSE(efer_guest_write(efer_guest_read(running) | bad, supported, paging, &vmcb, EFER_SVME))
            << std::hex << bad;
        EXPECT_EQ(vmcb, running);
    }
    /* A bit this CPU lacks (no FFXSR in CPUID). */
    const uint64_t no_ffxsr = efer_supported(0, CPUID_80000001_EDX_LM | CPUID_80000001_EDX_NX, 0);
    vmcb = EFER_LME | EFER_LMA | EFER_SVME;
    EXPECT_FALSE(efer_guest_write(EFER_LME | EFER_LMA | EFER_FFXSR, no_ffxsr, paging, &vmcb, EFER_SVME));
    EXPECT_TRUE(efer_guest_write(EFER_LME | EFER_LMA | EFER_NXE, no_ffxsr, paging, &vmcb, EFER_SVME));

    /* LMA is the CPU's: a write keeps the current value either way. */
    vmcb = running;
    ASSERT_TRUE(efer_guest_write(EFER_SCE | EFER_LME | EFER_NXE, supported, paging, &vmcb, EFER_SVME));
    EXPECT_EQ(vmcb, running) << "LMA written 0 stays 1";
    vmcb = EFER_SVME;
    ASSERT_TRUE(efer_guest_write(EFER_LMA, supported, CR0_PE, &vmcb, EFER_SVME));
    EXPECT_EQ(vmcb, uint64_t(EFER_SVME)) << "LMA written 1 stays 0";

    /* LME changes only with paging off (the hardware's #GP). */
    vmcb = running;
    EXPECT_FALSE(efer_guest_write(EFER_SCE | EFER_LMA | EFER_NXE, supported, paging, &vmcb, EFER_SVME));
    EXPECT_EQ(vmcb, running);
    vmcb = EFER_SVME;
    EXPECT_FALSE(efer_guest_write(EFER_LME, supported, CR0_PE | CR0_PG, &vmcb, EFER_SVME));
    ASSERT_TRUE(efer_guest_write(EFER_LME, supported, CR0_PE, &vmcb, EFER_SVME));
    EXPECT_EQ(vmcb, uint64_t(EFER_LME | EFER_SVME));
    ASSERT_TRUE(efer_guest_write(0, supported, 0, &vmcb, EFER_SVME));
    EXPECT_EQ(vmcb, uint64_t(EFER_SVME));
}

/* Under VMX nothing is forced: the guest's EFER is its own, SVME never set (and refused, the CPU lacking it). */
TEST(VcpuMsr, EferWriteVmx)
{
    const uint64_t supported = efer_supported(0, CPUID_80000001_EDX_SYSCALL | CPUID_80000001_EDX_LM |
                                                     CPUID_80000001_EDX_NX, 0);
    uint64_t efer = 0;
    ASSERT_TRUE(efer_guest_write(EFER_LME | EFER_NXE, supported, CR0_PE, &efer, 0));
    EXPECT_EQ(efer, uint64_t(EFER_LME | EFER_NXE));
    EXPECT_EQ(efer_guest_read(efer), efer);
    EXPECT_FALSE(efer_guest_write(EFER_LME | EFER_SVME, supported, CR0_PE, &efer, 0));
    EXPECT_FALSE(efer_guest_write(EFER_LME | EFER_FFXSR, supported, CR0_PE, &efer, 0)) << "no FFXSR on Intel";
    EXPECT_EQ(efer, uint64_t(EFER_LME | EFER_NXE));
}

TEST(VcpuMsr, ApicBaseWrite)
{
    const uint64_t xapic = 0xfee00000 | APIC_BASE_EN | APIC_BASE_BSP;
    EXPECT_TRUE(apic_base_write_allowed(xapic, xapic));
    EXPECT_TRUE(apic_base_write_allowed(xapic, xapic & ~uint64_t(APIC_BASE_BSP))) << "the BSP bit is ignored";
    EXPECT_TRUE(apic_base_write_allowed(xapic & ~uint64_t(APIC_BASE_BSP), xapic));
    EXPECT_FALSE(apic_base_write_allowed(xapic, (xapic & ~APIC_BASE_ADDR_MASK) | 0xfed00000)) << "moved";
    EXPECT_FALSE(apic_base_write_allowed(xapic, xapic | (uint64_t(1) << 40))) << "moved above 4 GiB";
    EXPECT_FALSE(apic_base_write_allowed(xapic, xapic & ~uint64_t(APIC_BASE_EN))) << "disabled";
    EXPECT_FALSE(apic_base_write_allowed(xapic, xapic | APIC_BASE_EXTD)) << "to x2APIC mode";
    EXPECT_FALSE(apic_base_write_allowed(xapic, xapic | (1u << 9))) << "reserved bit 9";
    EXPECT_FALSE(apic_base_write_allowed(xapic, xapic | 1)) << "reserved bit 0";
    EXPECT_FALSE(apic_base_write_allowed(xapic, xapic | (uint64_t(1) << 63))) << "reserved bit 63";
    const uint64_t x2apic = xapic | APIC_BASE_EXTD;
    EXPECT_TRUE(apic_base_write_allowed(x2apic, x2apic));
    EXPECT_FALSE(apic_base_write_allowed(x2apic, xapic)) << "back to xAPIC mode";
    EXPECT_FALSE(apic_base_write_allowed(x2apic, x2apic & ~uint64_t(APIC_BASE_EN | APIC_BASE_EXTD))) << "off";
}

/* What the table says a map must intercept for msr. */
bool expected_intercept(uint32_t msr, bool write, bool x2apic)
{
    const MsrRule* r = msr_rule(msr);
    if (!r || (r->first == MSR_X2APIC_FIRST && !x2apic))
        return false;
    return (write ? r->write : r->read) != M::pass;
}

void check_map(bool x2apic)
{
    SCOPED_TRACE(x2apic ? "x2APIC mode" : "xAPIC mode");
    std::vector<uint8_t> map(SVM_MSRPM_SIZE, 0xff);   /* stale content: the fill must clear it */
    msr_fill_svm_permission_map(map.data(), x2apic);

    /* Through payload_svm.h's reader, every MSR of the three ranges. */
    uint32_t expected_bits = 0;
    for (uint32_t base : {0x00000000u, 0xc0000000u, 0xc0010000u}) {
        for (uint32_t msr = base; msr < base + 0x2000; ++msr) {
            for (bool write : {false, true}) {
                const bool want = expected_intercept(msr, write, x2apic);
                expected_bits += want;
                ASSERT_EQ(svm_msrpm_intercepts(map.data(), msr, write), want)
                    << std::hex << msr << (write ? " write" : " read");
            }
        }
    }
    /* Nothing else: the bits set are exactly those, and the reserved last 2 KiB are zero. */
    uint32_t set = 0;
    for (uint8_t b : map)
        for (; b; b &= uint8_t(b - 1))
            ++set;
    EXPECT_EQ(set, expected_bits);
    for (uint32_t i = 0x1800; i < SVM_MSRPM_SIZE; ++i)
        ASSERT_EQ(map[i], 0) << std::hex << i;

    /* The raw layout (APM 15.11): two bits an MSR, read bit even, write bit odd. */
    EXPECT_EQ(map[0x820], 0x03) << "EFER C000_0080: byte 820H, bits 0 (read) and 1 (write)";
    EXPECT_EQ(map[0x1045] & 0xc0, 0xc0) << "VM_HSAVE_PA C001_0117: byte 1045H, bits 6 and 7";
    EXPECT_EQ(map[0x1045] & 0x03, 0x03) << "VM_CR C001_0114: byte 1045H, bits 0 and 1";
    EXPECT_EQ(map[0x0006], 0x80) << "APIC_BASE 1BH: byte 6, write bit 7 only";
    EXPECT_EQ(map[0x1008], 0x02) << "PATCH_LOADER C001_0020: byte 1008H, write bit 1 only";
    EXPECT_EQ(map[0x0200], x2apic ? 0xff : 0x00) << "x2APIC 800H..803H";
}

TEST(VcpuMsr, PermissionMapFromTheTable)
{
    check_map(false);
    check_map(true);
}

void check_bitmap(bool x2apic)
{
    SCOPED_TRACE(x2apic ? "x2APIC mode" : "xAPIC mode");
    std::vector<uint8_t> map(VMX_MSR_BITMAP_SIZE, 0xff);   /* stale content: the fill must clear it */
    msr_fill_vmx_bitmap(map.data(), x2apic);
    uint32_t expected_bits = 0;
    for (uint32_t base : {0x00000000u, 0xc0000000u}) {
        for (uint32_t msr = base; msr < base + 0x2000; ++msr) {
            for (bool write : {false, true}) {
                const bool want = expected_intercept(msr, write, x2apic);
                expected_bits += want;
                ASSERT_EQ(vmx_msr_bitmap_intercepts(map.data(), msr, write), want)
                    << std::hex << msr << (write ? " write" : " read");
            }
        }
    }
    uint32_t set = 0;
    for (uint8_t b : map)
        for (; b; b &= uint8_t(b - 1))
            ++set;
    EXPECT_EQ(set, expected_bits);
    /* The raw layout (SDM 24.6.9): read low at 0, read high at 400H, write low at 800H, write high at C00H. */
    EXPECT_EQ(map[0x400 + 0x10], 0x01) << "EFER C000_0080 read: byte 410H, bit 0";
    EXPECT_EQ(map[0xc00 + 0x10], 0x01) << "EFER write: byte C10H, bit 0";
    EXPECT_EQ(map[0x800 + 3], 0x08) << "APIC_BASE 1BH write: byte 803H, bit 3";
    EXPECT_EQ(map[3], 0x00) << "APIC_BASE read passes";
    EXPECT_EQ(map[0x800 + 7], 0x04) << "IA32_FEATURE_CONTROL 3AH write: byte 807H, bit 2";
    EXPECT_EQ(map[0x90], 0xff) << "IA32_VMX_BASIC 480H..487H read";
    EXPECT_EQ(map[0x100], x2apic ? 0xff : 0x00) << "x2APIC 800H..807H read";
    /* AMD's C001_xxxx MSRs lie outside the bitmap: they always exit, and the handler asks the table. */
    EXPECT_TRUE(vmx_msr_bitmap_intercepts(map.data(), 0xc0010114, false));
    EXPECT_TRUE(vmx_msr_bitmap_intercepts(map.data(), 0x40000000, true));
}

TEST(VcpuMsr, VmxBitmapFromTheTable)
{
    check_bitmap(false);
    check_bitmap(true);
}

} // namespace

namespace {

constexpr x86::CpuidResult ALL{~0u, ~0u, ~0u, ~0u};

TEST(VcpuCpuid, SvmHidden)
{
    const x86::CpuidResult ext = vcpu_cpuid_filter(CPUID_LEAF_EXT_FEATURES, 0, ALL, x86::ApicMode::xapic);
    EXPECT_EQ(ext.ecx, ~(CPUID_80000001_ECX_SVM | CPUID_80000001_ECX_SKINIT));
    EXPECT_EQ(ext.eax, ~0u);
    EXPECT_EQ(ext.ebx, ~0u);
    EXPECT_EQ(ext.edx, ~0u);
    for (uint32_t subleaf : {0u, 1u}) {
        const x86::CpuidResult svm = vcpu_cpuid_filter(CPUID_LEAF_SVM, subleaf, ALL, x86::ApicMode::x2apic);
        EXPECT_EQ(svm.eax | svm.ebx | svm.ecx | svm.edx, 0u);
    }
}

TEST(VcpuCpuid, VmxAndX2apicInLeaf1)
{
    const x86::CpuidResult xapic = vcpu_cpuid_filter(CPUID_LEAF_FEATURES, 0, ALL, x86::ApicMode::xapic);
    EXPECT_EQ(xapic.ecx, ~(CPUID_1_ECX_VMX | CPUID_1_ECX_X2APIC));
    EXPECT_EQ(xapic.eax, ~0u);
    EXPECT_EQ(xapic.ebx, ~0u);
    EXPECT_EQ(xapic.edx, ~0u);
    const x86::CpuidResult x2apic = vcpu_cpuid_filter(CPUID_LEAF_FEATURES, 0, ALL, x86::ApicMode::x2apic);
    EXPECT_EQ(x2apic.ecx, ~CPUID_1_ECX_VMX) << "x2APIC stays when the APIC is in x2APIC mode";
    /* The hypervisor bit (31) passes as the host has it. */
    EXPECT_TRUE(xapic.ecx & CPUID_1_ECX_HYPERVISOR);
    const x86::CpuidResult bare = vcpu_cpuid_filter(CPUID_LEAF_FEATURES, 0, {1, 2, 3, 4}, x86::ApicMode::xapic);
    EXPECT_EQ(bare.ecx, 3u);
}

TEST(VcpuCpuid, OtherLeavesPass)
{
    const x86::CpuidResult host{0x11, 0x22, 0x33, 0x44};
    for (uint32_t leaf : {0u, 7u, 0xbu, 0x40000000u, 0x40000010u, 0x80000000u, 0x80000008u, 0x80000021u}) {
        const x86::CpuidResult r = vcpu_cpuid_filter(leaf, 0, host, x86::ApicMode::xapic);
        EXPECT_EQ(r.eax, host.eax) << std::hex << leaf;
        EXPECT_EQ(r.ebx, host.ebx) << std::hex << leaf;
        EXPECT_EQ(r.ecx, host.ecx) << std::hex << leaf;
        EXPECT_EQ(r.edx, host.edx) << std::hex << leaf;
    }
}

} // namespace

namespace {

/* CPUID leaf 0's vendor strings (EBX, EDX, ECX), and the refusal of a guest mode on the other vendor. */
TEST(VcpuCpuid, Vendors)
{
    EXPECT_EQ(cpu_vendor(0x756e6547, 0x49656e69, 0x6c65746e), CpuVendor::intel);      /* GenuineIntel */
    EXPECT_EQ(cpu_vendor(0x68747541, 0x69746e65, 0x444d4163), CpuVendor::amd);        /* AuthenticAMD */
    EXPECT_EQ(cpu_vendor(0x6f677948, 0x6e65476e, 0x656e6975), CpuVendor::amd);        /* HygonGenuine */
    EXPECT_EQ(cpu_vendor(0x746e6543, 0x48727561, 0x736c7561), CpuVendor::other);      /* CentaurHauls */
    EXPECT_EQ(cpu_vendor(0x756e6547, 0x6c65746e, 0x49656e69), CpuVendor::other) << "EDX and ECX swapped";
    EXPECT_TRUE(cpu_vendor_check(CpuVendor::intel, 0x756e6547, 0x49656e69, 0x6c65746e, "vmx").ok());
    EXPECT_EQ(boot_test::error_line(cpu_vendor_check(CpuVendor::intel, 0x68747541, 0x69746e65, 0x444d4163, "vmx")),
              "relboot: error: vmx CPUID 0 vendor EBX: 0x68747541, expected 0x756e6547, GenuineIntel: guest=vmx "
              "needs Intel's VT-x\r\n");
    EXPECT_EQ(boot_test::error_line(cpu_vendor_check(CpuVendor::amd, 0x756e6547, 0x49656e69, 0x6c65746e, "svm")),
              "relboot: error: svm CPUID 0 vendor EBX: 0x756e6547, expected 0x68747541 or 0x6f677948, AuthenticAMD "
              "or HygonGenuine: guest=svm needs AMD's SVM\r\n");
}

} // namespace
