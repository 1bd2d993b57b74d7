/* The TSC rate from CPUID words (arch/x86/boot/platform/tsc.h): leaves 15H/16H and the hypervisor's 40000010H. */
#include <gtest/gtest.h>

#include "platform/tsc.h"

using namespace relboot;

namespace {

uint64_t rate(const TscCpuid& c, TscSource* source)
{
    *source = TscSource::assumed;
    return tsc_khz_from_cpuid(c, source);
}

} // namespace

/* A 25 MHz crystal and a ratio of 160/2 (a 2.0 GHz Ice Lake server part): 15H alone. */
TEST(TscCpuid, CrystalAndRatio)
{
    TscSource s;
    EXPECT_EQ(rate({.max_leaf = 0x1b, .leaf15_eax = 2, .leaf15_ebx = 160, .leaf15_ecx = 25000000}, &s), 2000000u);
    EXPECT_EQ(s, TscSource::cpuid);
}

/* No crystal in 15H (Skylake/Kaby Lake clients): 16H's base frequency stands in, as in Linux. */
TEST(TscCpuid, BaseFrequencyWhenNoCrystal)
{
    TscSource s;
    EXPECT_EQ(rate({.max_leaf = 0x16, .leaf15_eax = 2, .leaf15_ebx = 300, .leaf15_ecx = 0, .leaf16_eax = 3200}, &s),
              3199999u);
    EXPECT_EQ(s, TscSource::cpuid);
    /* ... but not when the CPU has no leaf 16H. */
    EXPECT_EQ(rate({.max_leaf = 0x15, .leaf15_eax = 2, .leaf15_ebx = 300, .leaf15_ecx = 0, .leaf16_eax = 3200}, &s), 0u);
}

/* A leaf the CPU does not have is not read, whatever the words hold; a zero ratio gives nothing. */
TEST(TscCpuid, AbsentOrZeroLeaves)
{
    TscSource s;
    EXPECT_EQ(rate({.max_leaf = 0x0d, .leaf15_eax = 2, .leaf15_ebx = 160, .leaf15_ecx = 25000000}, &s), 0u);
    EXPECT_EQ(rate({.max_leaf = 0x1b, .leaf15_eax = 0, .leaf15_ebx = 160, .leaf15_ecx = 25000000}, &s), 0u);
    EXPECT_EQ(rate({.max_leaf = 0x1b, .leaf15_eax = 2, .leaf15_ebx = 0, .leaf15_ecx = 25000000}, &s), 0u);
    EXPECT_EQ(s, TscSource::assumed);   /* untouched */
}

/* The hypervisor's generic timing leaf, when the CPU's own leaves give nothing. */
TEST(TscCpuid, HypervisorLeaf)
{
    TscSource s;
    EXPECT_EQ(rate({.max_leaf = 0x0d, .hypervisor_max = 0x40000010, .hv_timing_eax = 2600000}, &s), 2600000u);
    EXPECT_EQ(s, TscSource::hypervisor);
    /* A hypervisor whose highest leaf is below 40000010H has no such leaf. */
    EXPECT_EQ(rate({.max_leaf = 0x0d, .hypervisor_max = 0x40000001, .hv_timing_eax = 2600000}, &s), 0u);
    /* The CPU's leaves win over the hypervisor's. */
    EXPECT_EQ(rate({.max_leaf = 0x1b, .leaf15_eax = 2, .leaf15_ebx = 160, .leaf15_ecx = 25000000,
                    .hypervisor_max = 0x40000010, .hv_timing_eax = 2600000}, &s),
              2000000u);
    EXPECT_EQ(s, TscSource::cpuid);
}

/* Rates CPUID cannot mean are not believed: below 1 MHz or above the assumed 10 GHz. */
TEST(TscCpuid, UnbelievableRates)
{
    TscSource s;
    EXPECT_EQ(rate({.max_leaf = 0x1b, .leaf15_eax = 100, .leaf15_ebx = 1, .leaf15_ecx = 25000000}, &s), 0u);
    EXPECT_EQ(rate({.max_leaf = 0x1b, .leaf15_eax = 25, .leaf15_ebx = 1, .leaf15_ecx = 25000000}, &s), 1000u);
    EXPECT_EQ(rate({.max_leaf = 0x1b, .leaf15_eax = 1, .leaf15_ebx = 1000, .leaf15_ecx = 25000000}, &s), 0u);
    EXPECT_EQ(rate({.max_leaf = 0x0d, .hypervisor_max = 0x40000010, .hv_timing_eax = 999}, &s), 0u);
    EXPECT_EQ(rate({.max_leaf = 0x0d, .hypervisor_max = 0x40000010, .hv_timing_eax = 10000000}, &s), 10000000u);
}

TEST(TscCpuid, SourceNames)
{
    EXPECT_STREQ(tsc_source_name(TscSource::cpuid), "cpuid");
    EXPECT_STREQ(tsc_source_name(TscSource::hypervisor), "hypervisor");
    EXPECT_STREQ(tsc_source_name(TscSource::pit), "pit");
    EXPECT_STREQ(tsc_source_name(TscSource::assumed), "assumed");
}
