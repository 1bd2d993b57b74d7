/*
 * The vCPUs' pure parts (arch/x86/boot/payload/vcpu/vcpu.h): the table,
 * the events one vCPU posts into another, the INIT/SIPI state machine
 * (Intel SDM Vol. 3A, 9.4 and 11.6.1), the NMI accounting that tells a
 * kick from the guest's own NMI, the IPI targets the guest owns, and the
 * report lines of a vCPU.
 */
#include <gtest/gtest.h>
#include "lib/console.h"
#include "payload/vcpu/vcpu.h"

#include <string>

using namespace relboot;

namespace {

/* A table of count vCPUs with APIC IDs 0, 2, 4, ... (QEMU numbers them 0, 1, 2, ...; gaps catch index/ID mix-ups). */
VcpuTable table_of(uint32_t count)
{
    static VcpuTable table;
    uint32_t ids[VCPU_MAX];
    for (uint32_t i = 0; i < count; ++i)
        ids[i] = 2 * i;
    vcpu_table_init(table, ids, count, false);
    return table;
}

std::string line_of(void (*print)(Console&, const Vcpu&), const Vcpu& v)
{
    char buf[512];
    Console con(buf, sizeof buf);
    print(con, v);
    return buf;
}

} // namespace

TEST(VcpuTable, InitAbsentWithResetRouting)
{
    VcpuTable t = table_of(3);
    EXPECT_EQ(t.count, 3u);
    EXPECT_EQ(t.present, 0u);
    EXPECT_EQ(t.stopping, 0u);
    for (uint32_t i = 0; i < 3; ++i) {
        EXPECT_EQ(t.vcpus[i].index, i);
        EXPECT_EQ(t.vcpus[i].apic_id, 2 * i);
        EXPECT_EQ(t.vcpus[i].state, uint32_t(VcpuState::absent));
        EXPECT_EQ(t.vcpus[i].events, 0u);
        EXPECT_EQ(t.apic[i].apic_id, 2 * i);
        EXPECT_EQ(t.apic[i].ldr, 0u);               /* SDM 11.4.7.1: LDR 0, DFR all ones after RESET */
        EXPECT_EQ(t.apic[i].dfr, 0xffffffffu);
    }
}

/* INIT voids what was pending; SIPI replaces an earlier vector; NMIs merge. */
TEST(VcpuEvents, PostAndTake)
{
    Vcpu v{};
    vcpu_post_sipi(v, 0x10);
    vcpu_post_nmi(v);
    vcpu_post_init(v);
    EXPECT_EQ(vcpu_take_events(v), VCPU_EVENT_INIT);
    EXPECT_EQ(vcpu_take_events(v), 0u);

    vcpu_post_init(v);
    vcpu_post_sipi(v, 0x10);
    vcpu_post_sipi(v, 0x9a);
    EXPECT_EQ(vcpu_take_events(v), VCPU_EVENT_INIT | VCPU_EVENT_SIPI | 0x9au << VCPU_EVENT_SIPI_VECTOR_SHIFT);

    vcpu_post_nmi(v);
    vcpu_post_nmi(v);
    EXPECT_EQ(vcpu_take_events(v), VCPU_EVENT_NMI);
}

TEST(VcpuStep, InitSipiAsTheSdmSays)
{
    const uint32_t sipi9a = VCPU_EVENT_SIPI | 0x9au << VCPU_EVENT_SIPI_VECTOR_SHIFT;

    /* An AP at the hand-off: a SIPI starts it at the vector. */
    VcpuStep s = vcpu_step(VcpuState::wait_for_sipi, sipi9a);
    EXPECT_EQ(s.state, VcpuState::running);
    EXPECT_TRUE(s.start);
    EXPECT_FALSE(s.reset);
    EXPECT_EQ(s.vector, 0x9a);
    EXPECT_FALSE(s.nmi);

    /* INIT to a running vCPU: reset, waiting. */
    s = vcpu_step(VcpuState::running, VCPU_EVENT_INIT);
    EXPECT_EQ(s.state, VcpuState::wait_for_sipi);
    EXPECT_TRUE(s.reset);
    EXPECT_FALSE(s.start);

    /* INIT then SIPI seen at once (INIT clears an earlier SIPI, so this SIPI came after it): reset and start. */
    s = vcpu_step(VcpuState::running, VCPU_EVENT_INIT | sipi9a);
    EXPECT_EQ(s.state, VcpuState::running);
    EXPECT_TRUE(s.reset);
    EXPECT_TRUE(s.start);
    EXPECT_EQ(s.vector, 0x9a);

    /* A SIPI to a running vCPU is ignored (the second SIPI of INIT-SIPI-SIPI). */
    s = vcpu_step(VcpuState::running, sipi9a);
    EXPECT_EQ(s.state, VcpuState::running);
    EXPECT_FALSE(s.start);
    EXPECT_FALSE(s.reset);

    /* INIT to a waiting vCPU: still waiting, reset again. */
    s = vcpu_step(VcpuState::wait_for_sipi, VCPU_EVENT_INIT);
    EXPECT_EQ(s.state, VcpuState::wait_for_sipi);
    EXPECT_TRUE(s.reset);

    /* NMIs: a running vCPU's only. */
    EXPECT_TRUE(vcpu_step(VcpuState::running, VCPU_EVENT_NMI).nmi);
    EXPECT_FALSE(vcpu_step(VcpuState::wait_for_sipi, VCPU_EVENT_NMI).nmi);
    EXPECT_FALSE(vcpu_step(VcpuState::wait_for_sipi, VCPU_EVENT_NMI | sipi9a).nmi);
    EXPECT_FALSE(vcpu_step(VcpuState::running, VCPU_EVENT_NMI | VCPU_EVENT_INIT).nmi);

    /* Nothing happens to an absent vCPU, and no events change nothing. */
    s = vcpu_step(VcpuState::absent, VCPU_EVENT_INIT | sipi9a | VCPU_EVENT_NMI);
    EXPECT_EQ(s.state, VcpuState::absent);
    EXPECT_FALSE(s.reset || s.start || s.nmi);
    s = vcpu_step(VcpuState::running, 0);
    EXPECT_EQ(s.state, VcpuState::running);
    EXPECT_FALSE(s.reset || s.start || s.nmi);
}

/* Kicks explain NMIs; what they do not explain is the guest's; merged NMIs lose, never invent. */
TEST(VcpuNmi, KicksAndForeignNmis)
{
    Vcpu v{};
    v.nmis_seen = 7;                            /* the count when the vCPU entered */
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 7), 0u);

    v.kicks = 1;                                /* one kick sent, its NMI counted */
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 8), 0u);
    EXPECT_EQ(v.kicks_matched, 1u);

    EXPECT_EQ(vcpu_nmis_unclaimed(v, 9), 1u);   /* an NMI nobody sent as a kick: the guest's */

    v.kicks = 2;                                /* a kick whose NMI has not arrived yet: nothing to inject */
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 9), 0u);
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 10), 0u);  /* it arrives */

    v.kicks = 4;                                /* two kicks merged into one NMI */
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 11), 0u);
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 12), 0u);  /* the left-over kick explains the next NMI away */
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 13), 1u);

    v.nmis_seen = 0xffffffff;                   /* the counters wrap */
    v.kicks_matched = v.kicks = 0xffffffff;
    EXPECT_EQ(vcpu_nmis_unclaimed(v, 1), 2u);
}

TEST(VcpuIpi, OwnedTargetsAndDropped)
{
    IpiPlan p{IpiKind::fixed, 0x40, 0b1011, 0};
    uint32_t dropped = 0;
    EXPECT_EQ(vcpu_ipi_owned(p, 0b0011, &dropped), 0b0011u);
    EXPECT_EQ(dropped, 1u);                     /* vCPU 3: a CPU relboot did not start */
    EXPECT_EQ(vcpu_ipi_owned(p, ~uint64_t(0), &dropped), 0b1011u);
    EXPECT_EQ(dropped, 1u);
    EXPECT_EQ(vcpu_mask_count(0), 0u);
    EXPECT_EQ(vcpu_mask_count(~uint64_t(0)), 64u);
    EXPECT_EQ(vcpu_mask_count(0b1011), 3u);
}

TEST(VcpuLines, HelloCountsShutdownApic)
{
    VcpuTable t = table_of(4);
    Vcpu& v = t.vcpus[2];
    v.state = uint32_t(VcpuState::running);
    v.n = VcpuCounts{100, 10, 20, 30, 25, 4, 1, 2};
    char buf[512];
    {
        Console con(buf, sizeof buf);
        vcpu_print_hello(con, v, 3, "vmmcall");
        EXPECT_STREQ(buf, "relboot: guest hypercall rax=0x72656c62 insn=vmmcall cpl=3 cpu=2 exits=100 cpuid=10 msr=20 "
                          "npf=30 apic=25 ipi=4 dropped=1 nmi=2\r\n");
    }
    {
        Console con(buf, sizeof buf);
        vcpu_print_hello(con, v, 0, "vmcall");
        EXPECT_STREQ(buf, "relboot: guest hypercall rax=0x72656c62 insn=vmcall cpl=0 cpu=2 exits=100 cpuid=10 msr=20 "
                          "npf=30 apic=25 ipi=4 dropped=1 nmi=2\r\n");
    }
    EXPECT_EQ(line_of(vcpu_print_counts, v),
              "relboot: debug: vcpu 2 apic_id=4 state=running exits=100 cpuid=10 msr=20 npf=30 apic=25 ipi=4 "
              "dropped=1 nmi=2\r\n");
    {
        Console con(buf, sizeof buf);
        vcpu_print_shutdown(con, "svm", v, 0xffffffff81000000);
        EXPECT_STREQ(buf, "relboot: error: svm guest shutdown cpu=2 rip=0xffffffff81000000 exits=100\r\n");
    }
    {
        Console con(buf, sizeof buf);
        vcpu_print_shutdown(con, "vmx", v, 0xfff0);
        EXPECT_STREQ(buf, "relboot: error: vmx guest shutdown cpu=2 rip=0x000000000000fff0 exits=100\r\n");
    }
    {
        Console con(buf, sizeof buf);
        const uint8_t bytes[] = {0x0f, 0xb1, 0x04, 0x25, 0x00, 0xd3, 0x5f, 0xff};
        vcpu_print_apic_refusal(con, "svm", v, 0xffffffff81000010, 0xfee00300, bytes, sizeof bytes, "opcode");
        EXPECT_STREQ(buf, "relboot: error: svm guest apic cpu=2 rip=0xffffffff81000010 gpa=0x00000000fee00300 "
                          "bytes=0fb1042500d35fff opcode\r\n");
    }
    {
        Console con(buf, sizeof buf);
        vcpu_print_apic_refusal(con, "svm", v, 0x10, 0xfee00000, nullptr, 0, "instruction unreadable");
        EXPECT_STREQ(buf, "relboot: error: svm guest apic cpu=2 rip=0x0000000000000010 gpa=0x00000000fee00000 "
                          "bytes=none instruction unreadable\r\n");
    }
    EXPECT_STREQ(vcpu_state_name(VcpuState::wait_for_sipi), "wait_for_sipi");
    EXPECT_STREQ(vcpu_state_name(VcpuState::absent), "absent");
}
