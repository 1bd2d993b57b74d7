/*
 * The vCPU layer's local APIC logic (arch/x86/boot/payload/vcpu/apic.h):
 * what each access to the xAPIC page and each x2APIC MSR becomes (SDM
 * table 11-1 and table 11-6, restated here register by register), which
 * written values may reach the physical APIC (LVT delivery modes, x2APIC
 * reserved bits), and the IPI plans: every shorthand, physical hit, miss
 * and broadcast, logical flat and cluster (xAPIC and x2APIC), lowest
 * priority, NMI, INIT, INIT de-assert, SIPI, SMI, reserved modes,
 * illegal vectors, self-IPIs and the dropped counts, with 1, 4 and 64
 * vCPUs.
 */
#include <gtest/gtest.h>
#include "payload/vcpu/apic.h"
#include <x86/apic.h>

#include <map>
#include <utility>
#include <vector>

using namespace relboot;

namespace {

using A = ApicAccess;

/* SDM table 11-1 (and AMD's extended registers): offset -> (read, write) in xAPIC mode. */
const std::map<uint32_t, std::pair<A, A>> XAPIC_REGISTERS = [] {
    std::map<uint32_t, std::pair<A, A>> m = {
        {0x020, {A::pass, A::read_only}},  /* ID */
        {0x030, {A::pass, A::read_only}},  /* version */
        {0x080, {A::pass, A::pass}},       /* TPR */
        {0x090, {A::pass, A::read_only}},  /* APR */
        {0x0a0, {A::pass, A::read_only}},  /* PPR */
        {0x0b0, {A::pass, A::pass}},       /* EOI */
        {0x0c0, {A::pass, A::read_only}},  /* RRD */
        {0x0d0, {A::pass, A::ldr}},        /* LDR */
        {0x0e0, {A::pass, A::dfr}},        /* DFR */
        {0x0f0, {A::pass, A::pass}},       /* SVR */
        {0x280, {A::pass, A::pass}},       /* ESR */
        {0x2f0, {A::pass, A::pass}},       /* LVT CMCI */
        {0x300, {A::pass, A::icr_low}},    /* ICR low */
        {0x310, {A::icr_high, A::icr_high}}, /* ICR high */
        {0x320, {A::pass, A::pass}},       /* LVT timer */
        {0x330, {A::pass, A::pass}},       /* LVT thermal */
        {0x340, {A::pass, A::pass}},       /* LVT performance counters */
        {0x350, {A::pass, A::pass}},       /* LVT LINT0 */
        {0x360, {A::pass, A::pass}},       /* LVT LINT1 */
        {0x370, {A::pass, A::pass}},       /* LVT error */
        {0x380, {A::pass, A::pass}},       /* timer initial count */
        {0x390, {A::pass, A::read_only}},  /* timer current count */
        {0x3e0, {A::pass, A::pass}},       /* timer divide configuration */
        {0x400, {A::pass, A::read_only}},  /* AMD extended APIC feature */
        {0x410, {A::pass, A::refuse}},     /* AMD extended APIC control: kept as it is */
        {0x500, {A::pass, A::pass}},       /* AMD extended LVT 0..3 */
        {0x510, {A::pass, A::pass}},
        {0x520, {A::pass, A::pass}},
        {0x530, {A::pass, A::pass}},
    };
    for (uint32_t i = 0; i < 8; ++i) {
        m[0x100 + 0x10 * i] = {A::pass, A::read_only};   /* ISR */
        m[0x180 + 0x10 * i] = {A::pass, A::read_only};   /* TMR */
        m[0x200 + 0x10 * i] = {A::pass, A::read_only};   /* IRR */
    }
    return m;
}();

TEST(VcpuApic, XapicEveryRegister)
{
    for (uint32_t offset = 0; offset < 0x1000; offset += 0x10) {
        SCOPED_TRACE(offset);
        const auto it = XAPIC_REGISTERS.find(offset);
        const std::pair<A, A> want = it == XAPIC_REGISTERS.end() ? std::pair{A::refuse, A::refuse} : it->second;
        EXPECT_EQ(apic_xapic_access(offset, 4, false), want.first);
        EXPECT_EQ(apic_xapic_access(offset, 4, true), want.second);
    }
}

TEST(VcpuApic, XapicSizesAndAlignment)
{
    for (uint32_t size : {0u, 1u, 2u, 3u, 8u, 16u}) {
        EXPECT_EQ(apic_xapic_access(APIC_ICR_LOW, size, true), A::refuse) << size;
        EXPECT_EQ(apic_xapic_access(APIC_TPR, size, false), A::refuse) << size;
    }
    for (uint32_t misaligned : {0x304u, 0x301u, 0x308u, 0x30cu, 0x0b4u})
        EXPECT_EQ(apic_xapic_access(misaligned, 4, true), A::refuse) << misaligned;
    EXPECT_EQ(apic_xapic_access(0x1000, 4, false), A::refuse);
    EXPECT_EQ(apic_xapic_access(0xffffffff, 4, false), A::refuse);
    /* SELF IPI exists only in x2APIC mode. */
    EXPECT_EQ(apic_xapic_access(APIC_SELF_IPI, 4, true), A::refuse);
}

TEST(VcpuApic, X2apicRegisters)
{
    /* SDM table 11-6: the registers x2APIC mode changes or drops. */
    const std::map<uint32_t, std::pair<A, A>> changed = {
        {0x802, {A::pass, A::refuse}},     /* ID: read-only */
        {0x803, {A::pass, A::refuse}},     /* version */
        {0x809, {A::refuse, A::refuse}},   /* no APR */
        {0x80a, {A::pass, A::refuse}},     /* PPR */
        {0x80b, {A::refuse, A::pass}},     /* EOI: write-only */
        {0x80c, {A::refuse, A::refuse}},   /* no RRD */
        {0x80d, {A::pass, A::refuse}},     /* LDR: read-only */
        {0x80e, {A::refuse, A::refuse}},   /* no DFR */
        {0x830, {A::pass, A::icr_low}},    /* the 64-bit ICR */
        {0x831, {A::refuse, A::refuse}},   /* no ICR high */
        {0x839, {A::pass, A::refuse}},     /* timer current count */
        {0x83f, {A::refuse, A::pass}},     /* SELF IPI: write-only */
        {0x840, {A::pass, A::refuse}},     /* AMD extended APIC feature */
        {0x841, {A::pass, A::refuse}},     /* AMD extended APIC control */
    };
    for (uint32_t msr = MSR_X2APIC_FIRST; msr <= MSR_X2APIC_LAST; ++msr) {
        SCOPED_TRACE(msr);
        const uint32_t offset = (msr - 0x800) << 4;
        std::pair<A, A> want;
        if (const auto c = changed.find(msr); c != changed.end()) {
            want = c->second;
        } else if (const auto x = XAPIC_REGISTERS.find(offset); x != XAPIC_REGISTERS.end()) {
            /* Otherwise as in xAPIC mode, but a read-only register's write is the hardware's #GP. */
            want = x->second;
            if (want.second == A::read_only)
                want.second = A::refuse;
        } else {
            want = {A::refuse, A::refuse};
        }
        EXPECT_EQ(apic_x2apic_access(msr, false), want.first);
        EXPECT_EQ(apic_x2apic_access(msr, true), want.second);
    }
    for (uint32_t outside : {0u, 0x7ffu, 0x900u, 0xbffu, 0xc0000080u}) {
        EXPECT_EQ(apic_x2apic_access(outside, false), A::refuse);
        EXPECT_EQ(apic_x2apic_access(outside, true), A::refuse);
    }
}

TEST(VcpuApic, LvtDeliveryModes)
{
    const uint32_t vec = 0x40;
    for (const bool x2apic : {false, true}) {
        SCOPED_TRACE(x2apic);
        /* LINT0/LINT1: fixed, NMI, ExtINT; never SMI or INIT. */
        for (uint32_t lint : {uint32_t(APIC_LVT_LINT0), uint32_t(APIC_LVT_LINT1)}) {
            EXPECT_TRUE(apic_write_allowed(lint, APIC_ICR_DM_FIXED | vec, x2apic));
            EXPECT_TRUE(apic_write_allowed(lint, APIC_ICR_DM_NMI, x2apic));
            EXPECT_TRUE(apic_write_allowed(lint, APIC_LVT_DM_EXTINT, x2apic));
            EXPECT_FALSE(apic_write_allowed(lint, APIC_ICR_DM_SMI, x2apic));
            EXPECT_FALSE(apic_write_allowed(lint, APIC_ICR_DM_INIT, x2apic));
            EXPECT_FALSE(apic_write_allowed(lint, 0x300, x2apic)) << "reserved delivery mode 011";
            /* Masked: delivers nothing, whatever its mode. */
            EXPECT_TRUE(apic_write_allowed(lint, APIC_ICR_DM_SMI | APIC_LVT_MASKED, x2apic));
            EXPECT_TRUE(apic_write_allowed(lint, APIC_ICR_DM_INIT | APIC_LVT_MASKED, x2apic));
        }
        /* CMCI, thermal, performance counters, AMD's extended LVTs: fixed or NMI only. */
        for (uint32_t lvt : {uint32_t(APIC_LVT_CMCI), uint32_t(APIC_LVT_THERMAL), uint32_t(APIC_LVT_PERF),
                             uint32_t(APIC_EXT_LVT0), uint32_t(APIC_EXT_LVT3)}) {
            SCOPED_TRACE(lvt);
            EXPECT_TRUE(apic_write_allowed(lvt, APIC_ICR_DM_FIXED | vec, x2apic));
            EXPECT_TRUE(apic_write_allowed(lvt, APIC_ICR_DM_NMI, x2apic));
            EXPECT_FALSE(apic_write_allowed(lvt, APIC_ICR_DM_SMI | vec, x2apic));
            EXPECT_FALSE(apic_write_allowed(lvt, APIC_LVT_DM_EXTINT, x2apic));
            EXPECT_FALSE(apic_write_allowed(lvt, APIC_ICR_DM_INIT, x2apic));
            EXPECT_TRUE(apic_write_allowed(lvt, APIC_ICR_DM_SMI | APIC_LVT_MASKED, x2apic));
        }
        /* Timer and error entries have no delivery mode. */
        EXPECT_TRUE(apic_write_allowed(APIC_LVT_TIMER, vec | (1u << 17), x2apic));
        EXPECT_TRUE(apic_write_allowed(APIC_LVT_ERROR, vec, x2apic));
    }
    /* In xAPIC mode bits 10:8 of the timer are reserved and ignored by the MMIO write; in x2APIC mode they #GP. */
    EXPECT_TRUE(apic_write_allowed(APIC_LVT_TIMER, APIC_ICR_DM_SMI | vec, false));
    EXPECT_FALSE(apic_write_allowed(APIC_LVT_TIMER, APIC_ICR_DM_SMI | vec, true));
}

TEST(VcpuApic, X2apicReservedBits)
{
    /* xAPIC: MMIO writes never fault; only LVT delivery modes are checked. */
    EXPECT_TRUE(apic_write_allowed(APIC_EOI, 1, false));
    EXPECT_TRUE(apic_write_allowed(APIC_TPR, 0x1ff, false));
    /* x2APIC (SDM table 11-6): EOI and ESR take 0; TPR and SELF IPI bits 7:0; bits 63:32 are reserved. */
    EXPECT_TRUE(apic_write_allowed(APIC_EOI, 0, true));
    EXPECT_FALSE(apic_write_allowed(APIC_EOI, 1, true));
    EXPECT_TRUE(apic_write_allowed(APIC_ESR, 0, true));
    EXPECT_FALSE(apic_write_allowed(APIC_ESR, 4, true));
    EXPECT_TRUE(apic_write_allowed(APIC_TPR, 0xff, true));
    EXPECT_FALSE(apic_write_allowed(APIC_TPR, 0x100, true));
    EXPECT_TRUE(apic_write_allowed(APIC_SELF_IPI, 0xfd, true));
    EXPECT_FALSE(apic_write_allowed(APIC_SELF_IPI, 0x1fd, true));
    EXPECT_TRUE(apic_write_allowed(APIC_SVR, 0x1ff, true));
    EXPECT_TRUE(apic_write_allowed(APIC_SVR, 0x11ff, true));
    EXPECT_FALSE(apic_write_allowed(APIC_SVR, 0x21ff, true));
    EXPECT_TRUE(apic_write_allowed(APIC_TIMER_INITIAL, 0xffffffff, true));
    EXPECT_FALSE(apic_write_allowed(APIC_TIMER_INITIAL, uint64_t(1) << 32, true));
    EXPECT_TRUE(apic_write_allowed(APIC_TIMER_DIVIDE, 0xb, true));
    EXPECT_FALSE(apic_write_allowed(APIC_TIMER_DIVIDE, 0x4, true));
    EXPECT_FALSE(apic_write_allowed(APIC_LVT_LINT0, uint64_t(1) << 40, true));
    /* Not pass in that mode, or no register: not its business. */
    EXPECT_TRUE(apic_write_allowed(APIC_ICR_LOW, uint64_t(7) << 56, true));
    EXPECT_TRUE(apic_write_allowed(0x3a0, ~uint64_t(0), true));
    EXPECT_TRUE(apic_write_allowed(APIC_LVT_LINT0 + 4, APIC_ICR_DM_SMI, false));
}

/* vCPUs with APIC IDs that differ from their indexes (id = 2 * index + 1), LDR 0 and DFR flat (reset). */
std::vector<ApicVcpu> vcpus(uint32_t count)
{
    std::vector<ApicVcpu> v(count);
    for (uint32_t i = 0; i < count; ++i)
        v[i] = ApicVcpu{2 * i + 1, 0, APIC_DFR_RESET};
    return v;
}

IpiPlan plan(uint32_t icr, uint32_t dest, const std::vector<ApicVcpu>& v, uint32_t self, bool x2apic = false)
{
    return apic_icr_plan(icr, dest, x2apic, v.data(), uint32_t(v.size()), self);
}

constexpr uint32_t FIXED = APIC_ICR_DM_FIXED | APIC_ICR_LEVEL_ASSERT | 0x31;
constexpr uint32_t LOGICAL = APIC_ICR_DEST_LOGICAL;

TEST(VcpuApic, Shorthands)
{
    const auto v = vcpus(4);
    IpiPlan p = plan(FIXED | APIC_ICR_SHORTHAND_SELF, 0x99, v, 2);
    EXPECT_EQ(p.kind, IpiKind::fixed);
    EXPECT_EQ(p.vector, 0x31);
    EXPECT_EQ(p.targets, 0b0100u);
    EXPECT_EQ(p.dropped, 0u);
    p = plan(FIXED | APIC_ICR_SHORTHAND_ALL, 0x99, v, 2);
    EXPECT_EQ(p.targets, 0b1111u);
    p = plan(FIXED | APIC_ICR_SHORTHAND_OTHERS, 0x99, v, 2);
    EXPECT_EQ(p.targets, 0b1011u);
    EXPECT_EQ(p.dropped, 0u);
    /* A shorthand wins over the destination and its mode. */
    p = plan(FIXED | LOGICAL | APIC_ICR_SHORTHAND_OTHERS, 0x00, v, 0);
    EXPECT_EQ(p.targets, 0b1110u);
}

TEST(VcpuApic, Physical)
{
    const auto v = vcpus(4);   /* APIC IDs 1, 3, 5, 7 */
    IpiPlan p = plan(FIXED, 5, v, 0);
    EXPECT_EQ(p.targets, 0b0100u);
    EXPECT_EQ(p.dropped, 0u);
    /* An APIC ID the guest does not own (relboot's CPU 0, a CPU not started, nothing). */
    for (uint32_t miss : {0u, 2u, 8u, 0xfeu}) {
        p = plan(FIXED, miss, v, 0);
        EXPECT_EQ(p.targets, 0u) << miss;
        EXPECT_EQ(p.dropped, 1u) << miss;
    }
    /* The broadcast: every vCPU, self included. */
    p = plan(FIXED, APIC_XAPIC_BROADCAST, v, 1);
    EXPECT_EQ(p.targets, 0b1111u);
    EXPECT_EQ(p.dropped, 0u);
    /* xAPIC destinations are 8 bits: 0x105 is 0x05. */
    p = plan(FIXED, 0x105, v, 0);
    EXPECT_EQ(p.targets, 0b0100u);
}

TEST(VcpuApic, PhysicalX2apic)
{
    std::vector<ApicVcpu> v = {{0x100, 0, 0}, {0x1ff, 0, 0}, {0x5, 0, 0}};
    IpiPlan p = plan(FIXED, 0x1ff, v, 0, true);
    EXPECT_EQ(p.targets, 0b010u);
    p = plan(FIXED, 0xff, v, 0, true);
    EXPECT_EQ(p.targets, 0u) << "0xff is an APIC ID in x2APIC mode, not the broadcast";
    EXPECT_EQ(p.dropped, 1u);
    p = plan(FIXED, APIC_X2APIC_BROADCAST, v, 0, true);
    EXPECT_EQ(p.targets, 0b111u);
    EXPECT_EQ(p.dropped, 0u);
}

TEST(VcpuApic, LogicalFlat)
{
    auto v = vcpus(4);
    for (uint32_t i = 0; i < 4; ++i)
        v[i].ldr = (1u << i) << APIC_LDR_SHIFT;
    /* Several bits. */
    IpiPlan p = plan(FIXED | LOGICAL, 0b0101, v, 0);
    EXPECT_EQ(p.targets, 0b0101u);
    EXPECT_EQ(p.dropped, 0u);
    /* Bits with no vCPU: counted one by one. */
    p = plan(FIXED | LOGICAL, 0b00110001, v, 0);
    EXPECT_EQ(p.targets, 0b0001u);
    EXPECT_EQ(p.dropped, 2u);
    p = plan(FIXED | LOGICAL, 0b11110000, v, 0);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 4u);
    /* Two vCPUs sharing a bit both get it. */
    v[3].ldr = 1u << APIC_LDR_SHIFT;
    p = plan(FIXED | LOGICAL, 0b0001, v, 0);
    EXPECT_EQ(p.targets, 0b1001u);
    /* The broadcast reaches every vCPU, even one whose LDR is still 0. */
    v[2].ldr = 0;
    p = plan(FIXED | LOGICAL, 0xff, v, 0);
    EXPECT_EQ(p.targets, 0b1111u);
    EXPECT_EQ(p.dropped, 0u);
    /* A DFR model that is neither flat nor cluster matches nothing. */
    v[0].dfr = 0x5fffffff;
    p = plan(FIXED | LOGICAL, 0b0001, v, 1);
    EXPECT_EQ(p.targets, 0b1000u);
}

TEST(VcpuApic, LogicalClusterXapic)
{
    /* DFR cluster model; LDR bits 31:28 the cluster, 27:24 the member bit. */
    auto v = vcpus(4);
    const uint32_t cluster_dfr = 0x0fffffff;
    const uint32_t ids[] = {0x11, 0x12, 0x21, 0x28};
    for (uint32_t i = 0; i < 4; ++i)
        v[i] = ApicVcpu{v[i].apic_id, ids[i] << APIC_LDR_SHIFT, cluster_dfr};
    IpiPlan p = plan(FIXED | LOGICAL, 0x13, v, 0);
    EXPECT_EQ(p.targets, 0b0011u);
    EXPECT_EQ(p.dropped, 0u);
    p = plan(FIXED | LOGICAL, 0x17, v, 0);
    EXPECT_EQ(p.targets, 0b0011u);
    EXPECT_EQ(p.dropped, 1u) << "bit 2 of cluster 1 has no vCPU";
    p = plan(FIXED | LOGICAL, 0x29, v, 0);
    EXPECT_EQ(p.targets, 0b1100u);
    p = plan(FIXED | LOGICAL, 0x31, v, 0);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 1u) << "cluster 3 has no vCPU";
    p = plan(FIXED | LOGICAL, 0xff, v, 0);
    EXPECT_EQ(p.targets, 0b1111u);
}

TEST(VcpuApic, LogicalClusterX2apic)
{
    /* x2APIC IDs 0, 1 (cluster 0), 0x10, 0x1f (cluster 1); the LDR field is not used: the ID gives it. */
    std::vector<ApicVcpu> v = {{0x0, 0xdead, 0}, {0x1, 0xdead, 0}, {0x10, 0xdead, 0}, {0x1f, 0xdead, 0}};
    IpiPlan p = plan(FIXED | LOGICAL, 0x00000003, v, 0, true);
    EXPECT_EQ(p.targets, 0b0011u);
    EXPECT_EQ(p.dropped, 0u);
    p = plan(FIXED | LOGICAL, (1u << 16) | 0x8001, v, 0, true);
    EXPECT_EQ(p.targets, 0b1100u);
    EXPECT_EQ(p.dropped, 0u);
    p = plan(FIXED | LOGICAL, (1u << 16) | 0x8021, v, 0, true);
    EXPECT_EQ(p.targets, 0b1100u);
    EXPECT_EQ(p.dropped, 1u) << "member 5 of cluster 1 (x2APIC ID 0x15) is no vCPU";
    p = plan(FIXED | LOGICAL, (7u << 16) | 0x0003, v, 0, true);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 2u);
    p = plan(FIXED | LOGICAL, APIC_X2APIC_BROADCAST, v, 0, true);
    EXPECT_EQ(p.targets, 0b1111u);
    /* Cluster 0 bit 0 is not cluster 1 bit 0. */
    p = plan(FIXED | LOGICAL, 0x00000001, v, 0, true);
    EXPECT_EQ(p.targets, 0b0001u);
}

TEST(VcpuApic, LowestPriorityOneTarget)
{
    auto v = vcpus(4);
    for (uint32_t i = 0; i < 4; ++i)
        v[i].ldr = (1u << i) << APIC_LDR_SHIFT;
    const uint32_t lowest = APIC_ICR_DM_LOWEST | 0x41;
    IpiPlan p = plan(lowest | LOGICAL, 0b1010, v, 0);
    EXPECT_EQ(p.kind, IpiKind::lowest_priority);
    EXPECT_EQ(p.vector, 0x41);
    EXPECT_EQ(p.targets, 0b0010u);
    EXPECT_EQ(p.dropped, 0u);
    /* Bits without vCPUs do not count when one vCPU got it. */
    p = plan(lowest | LOGICAL, 0b11111000, v, 0);
    EXPECT_EQ(p.targets, 0b1000u);
    EXPECT_EQ(p.dropped, 0u);
    /* Nobody: one dropped. */
    p = plan(lowest | LOGICAL, 0b11110000, v, 0);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 1u);
    p = plan(lowest, 7, v, 0);
    EXPECT_EQ(p.targets, 0b1000u);
    p = plan(lowest, 2, v, 0);
    EXPECT_EQ(p.dropped, 1u);
    p = plan(lowest | APIC_ICR_SHORTHAND_OTHERS, 0, v, 0);
    EXPECT_EQ(p.targets, 0b0010u);
    p = plan(lowest | APIC_ICR_SHORTHAND_OTHERS, 0, vcpus(1), 0);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 1u);
}

TEST(VcpuApic, NmiInitSipi)
{
    const auto v = vcpus(4);
    IpiPlan p = plan(APIC_ICR_DM_NMI | APIC_ICR_LEVEL_ASSERT | 0x55, 3, v, 0);
    EXPECT_EQ(p.kind, IpiKind::nmi);
    EXPECT_EQ(p.vector, 0u) << "NMI has no vector";
    EXPECT_EQ(p.targets, 0b0010u);
    /* Linux's INIT: level triggered, assert. */
    const uint32_t init = APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT | APIC_ICR_TRIGGER_LEVEL;
    p = plan(init | APIC_ICR_SHORTHAND_OTHERS, 0, v, 0);
    EXPECT_EQ(p.kind, IpiKind::init);
    EXPECT_EQ(p.targets, 0b1110u);
    p = plan(init, 0x42, v, 0);
    EXPECT_EQ(p.kind, IpiKind::init);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 1u) << "INIT to an APIC ID the guest does not own";
    /* INIT edge, level 0: still an INIT. */
    p = plan(APIC_ICR_DM_INIT, 5, v, 0);
    EXPECT_EQ(p.kind, IpiKind::init);
    EXPECT_EQ(p.targets, 0b0100u);
    /* INIT level de-assert: nothing to deliver, nothing dropped. */
    p = plan(APIC_ICR_DM_INIT | APIC_ICR_TRIGGER_LEVEL | APIC_ICR_SHORTHAND_ALL, 0, v, 0);
    EXPECT_EQ(p.kind, IpiKind::init_deassert);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 0u);
    p = plan(APIC_ICR_DM_INIT | APIC_ICR_TRIGGER_LEVEL, 0x42, v, 0);
    EXPECT_EQ(p.dropped, 0u);
    /* SIPI: the vector is the start page. */
    p = plan(APIC_ICR_DM_STARTUP | 0x9a, 7, v, 0);
    EXPECT_EQ(p.kind, IpiKind::sipi);
    EXPECT_EQ(p.vector, 0x9a);
    EXPECT_EQ(p.targets, 0b1000u);
    p = plan(APIC_ICR_DM_STARTUP | 0x08, 0, v, 0);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 1u);
}

TEST(VcpuApic, SmiReservedAndIllegalVectorsDropped)
{
    const auto v = vcpus(4);
    for (uint32_t icr : {uint32_t(APIC_ICR_DM_SMI), uint32_t(APIC_ICR_DM_SMI | APIC_ICR_SHORTHAND_ALL), 0x300u,
                         0x700u | uint32_t(APIC_ICR_SHORTHAND_OTHERS)}) {
        SCOPED_TRACE(icr);
        const IpiPlan p = plan(icr, 3, v, 0);
        EXPECT_EQ(p.kind, (icr & APIC_ICR_DM_MASK) == APIC_ICR_DM_SMI ? IpiKind::smi : IpiKind::reserved);
        EXPECT_EQ(p.targets, 0u);
        EXPECT_EQ(p.dropped, 1u);
    }
    /* Vectors 0..15 are illegal for fixed and lowest priority (SDM 11.5.3): never delivered. */
    for (uint32_t vec : {0u, 2u, 15u}) {
        IpiPlan p = plan(APIC_ICR_DM_FIXED | vec, 3, v, 0);
        EXPECT_EQ(p.targets, 0u) << vec;
        EXPECT_EQ(p.dropped, 1u) << vec;
        p = plan(APIC_ICR_DM_LOWEST | vec | APIC_ICR_SHORTHAND_ALL, 3, v, 0);
        EXPECT_EQ(p.targets, 0u) << vec;
    }
    EXPECT_EQ(plan(APIC_ICR_DM_FIXED | 16, 3, v, 0).targets, 0b0010u);
}

TEST(VcpuApic, SelfIpi)
{
    const auto v = vcpus(4);
    IpiPlan p = plan(FIXED | APIC_ICR_SHORTHAND_SELF, 0, v, 3);
    EXPECT_EQ(p.targets, 0b1000u);
    /* Physical destination = own APIC ID. */
    p = plan(FIXED, 7, v, 3);
    EXPECT_EQ(p.targets, 0b1000u);
    /* self outside [0, count): no vCPU is self. */
    p = plan(FIXED | APIC_ICR_SHORTHAND_SELF, 0, v, 4);
    EXPECT_EQ(p.targets, 0u);
    p = plan(FIXED | APIC_ICR_SHORTHAND_OTHERS, 0, v, 9);
    EXPECT_EQ(p.targets, 0b1111u);
}

TEST(VcpuApic, OneVcpu)
{
    const auto v = vcpus(1);
    EXPECT_EQ(plan(FIXED | APIC_ICR_SHORTHAND_SELF, 0, v, 0).targets, 1u);
    EXPECT_EQ(plan(FIXED | APIC_ICR_SHORTHAND_ALL, 0, v, 0).targets, 1u);
    IpiPlan p = plan(FIXED | APIC_ICR_SHORTHAND_OTHERS, 0, v, 0);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 0u);
    EXPECT_EQ(plan(FIXED, 1, v, 0).targets, 1u);
    EXPECT_EQ(plan(FIXED, APIC_XAPIC_BROADCAST, v, 0).targets, 1u);
    /* INIT/SIPI to all-but-self on a one-vCPU guest: nobody, nothing dropped. */
    p = plan(APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT | APIC_ICR_SHORTHAND_OTHERS, 0, v, 0);
    EXPECT_EQ(p.targets, 0u);
    EXPECT_EQ(p.dropped, 0u);
}

TEST(VcpuApic, SixtyFourVcpus)
{
    std::vector<ApicVcpu> v(64);
    for (uint32_t i = 0; i < 64; ++i)
        v[i] = ApicVcpu{i, (1u << (i % 8)) << APIC_LDR_SHIFT, APIC_DFR_RESET};
    EXPECT_EQ(plan(FIXED | APIC_ICR_SHORTHAND_ALL, 0, v, 5).targets, ~uint64_t(0));
    EXPECT_EQ(plan(FIXED | APIC_ICR_SHORTHAND_OTHERS, 0, v, 63).targets, ~uint64_t(0) >> 1);
    EXPECT_EQ(plan(FIXED | APIC_ICR_SHORTHAND_SELF, 0, v, 63).targets, uint64_t(1) << 63);
    EXPECT_EQ(plan(FIXED, 63, v, 0).targets, uint64_t(1) << 63);
    EXPECT_EQ(plan(FIXED, APIC_XAPIC_BROADCAST, v, 0).targets, ~uint64_t(0));
    EXPECT_EQ(plan(FIXED, 64, v, 0).dropped, 1u);
    /* Logical flat bit 0: vCPUs 0, 8, ..., 56. */
    EXPECT_EQ(plan(FIXED | LOGICAL, 0x01, v, 0).targets, 0x0101010101010101u);
    /* x2APIC cluster 3 (IDs 0x30..0x3f), all 16 members. */
    IpiPlan p = plan(FIXED | LOGICAL, (3u << 16) | 0xffff, v, 0, true);
    EXPECT_EQ(p.targets, 0xffff000000000000u);
    EXPECT_EQ(p.dropped, 0u);
    /* A count above VCPU_MAX is VCPU_MAX: nothing past vcpus[63] is read (ASan). */
    EXPECT_EQ(apic_icr_plan(FIXED | APIC_ICR_SHORTHAND_ALL, 0, false, v.data(), 100, 0).targets, ~uint64_t(0));
    EXPECT_EQ(apic_icr_plan(FIXED, 200, false, v.data(), 100, 0).dropped, 1u);
}

} // namespace
