/*
 * The AP bring-up's pure parts: the MADT walk (madt.h) on hand-built
 * tables in a fake physical memory, in xAPIC and x2APIC mode, with the
 * warning lines for the entries it sets aside (madt_warnings.h) and the
 * send site's check of an IPI's destination (lapic.h), the low-page
 * chooser (low_memory.h) on memory maps, and the trampoline's relocation
 * (trampoline.h) applied to buffers.
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "bios/low_memory.h"
#include "lib/console.h"
#include "platform/madt.h"
#include "smp/lapic.h"
#include "smp/madt_warnings.h"
#include "smp/trampoline.h"

#include <cstring>
#include <string>
#include <vector>

using namespace relboot;
using namespace boot_test;

namespace {

/* Physical memory [0, size) as a buffer; reads outside it fail as beyond the identity map. */
struct Memory {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(0x10000, 0);

    PhysMemory mem() const { return PhysMemory{&Memory::map, this}; }
    static const uint8_t* map(const void* ctx, uint64_t phys, uint64_t len)
    {
        const auto& b = static_cast<const Memory*>(ctx)->bytes;
        if (phys == 0 || phys > b.size() || len > b.size() - phys)
            return nullptr;
        return b.data() + phys;
    }
    void put(uint64_t at, const std::vector<uint8_t>& v) { std::memcpy(&bytes.at(at), v.data(), v.size()); }
};

void le(std::vector<uint8_t>& b, size_t at, uint64_t v, int n)
{
    for (int i = 0; i < n; ++i)
        b.at(at + i) = uint8_t(v >> (8 * i));
}

/* A table: header with signature, length and checksum fixed up, then body. */
std::vector<uint8_t> table(const char (&sig)[5], const std::vector<uint8_t>& body)
{
    std::vector<uint8_t> t(36, 0);
    std::memcpy(t.data(), sig, 4);
    t.insert(t.end(), body.begin(), body.end());
    le(t, 4, t.size(), 4);
    uint8_t sum = 0;
    for (uint8_t v : t)
        sum = uint8_t(sum + v);
    t[9] = uint8_t(-sum);
    return t;
}

std::vector<uint8_t> lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
    std::vector<uint8_t> e = {MADT_TYPE_LOCAL_APIC, 8, uid, id, 0, 0, 0, 0};
    le(e, 4, flags, 4);
    return e;
}

std::vector<uint8_t> x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
    std::vector<uint8_t> e(16, 0);
    e[0] = MADT_TYPE_LOCAL_X2APIC;
    e[1] = 16;
    le(e, 4, id, 4);
    le(e, 8, flags, 4);
    le(e, 12, uid, 4);
    return e;
}

/* The MADT body: local APIC address, PCAT_COMPAT, then the entries. */
std::vector<uint8_t> madt_body(const std::vector<std::vector<uint8_t>>& entries)
{
    std::vector<uint8_t> b(8, 0);
    le(b, 0, 0xfee00000, 4);
    le(b, 4, 1, 4);
    for (const auto& e : entries)
        b.insert(b.end(), e.begin(), e.end());
    return b;
}

constexpr uint64_t RSDP = 0x1000, ROOT = 0x2000, OTHER = 0x3000, MADT = 0x4000;

/* QEMU's -smp 2,maxcpus=3 under SeaBIOS: RSDP revision 0, RSDT -> FACP, APIC; CPU 2 absent (flags 0). */
Memory seabios(const std::vector<uint8_t>& madt)
{
    Memory m;
    m.put(RSDP, make_rsdp(0, "BOCHS ", ROOT));
    std::vector<uint8_t> rsdt_body(8, 0);
    le(rsdt_body, 0, OTHER, 4);
    le(rsdt_body, 4, MADT, 4);
    m.put(ROOT, table("RSDT", rsdt_body));
    m.put(OTHER, table("FACP", std::vector<uint8_t>(80, 0)));
    m.put(MADT, madt);
    return m;
}

std::vector<uint8_t> qemu_madt()
{
    return table("APIC", madt_body({lapic(0, 0, 1), lapic(1, 1, 1), lapic(2, 2, 0),
                                    {1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0},   /* I/O APIC */
                                    {4, 6, 0xff, 0, 0, 1}}));                      /* local APIC NMI */
}

using x86::ApicMode;

MadtScan scan(const Memory& m, std::vector<MadtCpu>& out, ApicMode mode = ApicMode::xapic, uint64_t rsdp = RSDP)
{
    return acpi_madt_cpus(m.mem(), PhysAddr{rsdp}, mode, out.data(), uint32_t(out.size()));
}

/* The lines print_madt_warnings() prints for s in mode. */
std::string warnings(const MadtScan& s, ApicMode mode)
{
    char buf[1024];
    Console con(buf, sizeof buf);
    print_madt_warnings(s, mode, con);
    return buf;
}

/* The APIC IDs of out[0, s.cpu_count). */
std::vector<uint32_t> ids(const MadtScan& s, const std::vector<MadtCpu>& out)
{
    std::vector<uint32_t> v;
    for (uint32_t i = 0; i < s.cpu_count; ++i)
        v.push_back(out[i].apic_id);
    return v;
}

std::vector<uint32_t> listed(const MadtIdList& l)
{
    return std::vector<uint32_t>(l.ids, l.ids + (l.count < MADT_IDS_LISTED ? l.count : MADT_IDS_LISTED));
}

TEST(Madt, SeabiosRsdtListsEnabledCpusAndSkipsAbsentOnes)
{
    std::vector<MadtCpu> out(8);
    const MadtScan s = scan(seabios(qemu_madt()), out);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(s.root_xsdt, 0);
    EXPECT_EQ(s.madt, MADT);
    EXPECT_EQ(s.local_apic_address, 0xfee00000u);
    ASSERT_EQ(s.cpu_count, 2u);
    EXPECT_EQ(s.enabled, 2u);
    EXPECT_EQ(out[0].apic_id, 0u);
    EXPECT_EQ(out[1].apic_id, 1u);
    EXPECT_EQ(out[1].uid, 1u);
    EXPECT_EQ(out[1].type, MADT_TYPE_LOCAL_APIC);
}

TEST(Madt, XsdtX2apicAndOnlineCapable)
{
    Memory m;
    m.put(RSDP, make_rsdp(2, "OVMF  ", 0, ROOT));
    std::vector<uint8_t> xsdt_body(8, 0);
    le(xsdt_body, 0, MADT, 8);
    m.put(ROOT, table("XSDT", xsdt_body));
    m.put(MADT, table("APIC", madt_body({lapic(0, 0, 1), x2apic(300, 1, 7), x2apic(301, MADT_CPU_ONLINE_CAPABLE, 8),
                                         x2apic(0, 1, 0)})));   /* the BSP again as x2APIC: listed once */
    std::vector<MadtCpu> out(8);
    const MadtScan s = scan(m, out, ApicMode::x2apic);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(s.root_xsdt, 1);
    ASSERT_EQ(s.cpu_count, 3u);
    EXPECT_EQ(s.enabled, 2u);
    EXPECT_EQ(out[1].apic_id, 300u);
    EXPECT_EQ(out[1].uid, 7u);
    EXPECT_EQ(out[1].type, MADT_TYPE_LOCAL_X2APIC);
    EXPECT_EQ(out[2].apic_id, 301u);
    EXPECT_EQ(out[2].flags, MADT_CPU_ONLINE_CAPABLE);
}

TEST(Madt, MoreCpusThanRoomAreCountedAsDropped)
{
    std::vector<MadtCpu> out(1);
    const MadtScan s = scan(seabios(qemu_madt()), out);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(s.cpu_count, 1u);
    EXPECT_EQ(s.dropped, 1u);
    EXPECT_EQ(s.enabled, 2u);
}

TEST(Madt, EveryBrokenTableStopsTheWalkWithNoCpu)
{
    std::vector<MadtCpu> out(8);
    EXPECT_EQ(scan(seabios(qemu_madt()), out, ApicMode::xapic, 0).error, MadtError::no_rsdp);
    {
        Memory m = seabios(qemu_madt());
        m.bytes[RSDP + 8] ^= 1;     /* RSDP checksum */
        EXPECT_EQ(scan(m, out).error, MadtError::rsdp_unreadable);
    }
    {
        Memory m = seabios(qemu_madt());
        m.bytes[ROOT + 9] ^= 1;     /* RSDT checksum */
        const MadtScan s = scan(m, out);
        EXPECT_EQ(s.error, MadtError::root_bad_table);
        EXPECT_EQ(s.where, ROOT);
    }
    {
        Memory m = seabios(qemu_madt());
        le(m.bytes, ROOT + 4, 0x200000, 4);     /* RSDT length past memory */
        EXPECT_EQ(scan(m, out).error, MadtError::root_bad_table);
    }
    {
        Memory m = seabios(qemu_madt());
        le(m.bytes, RSDP + 16, 0x20000, 4);     /* RSDT address outside memory (RSDP checksum fixed below) */
        m.bytes[RSDP + 8] = 0;
        uint8_t sum = 0;
        for (int i = 0; i < 20; ++i)
            sum = uint8_t(sum + m.bytes[RSDP + i]);
        m.bytes[RSDP + 8] = uint8_t(-sum);
        EXPECT_EQ(scan(m, out).error, MadtError::root_unreadable);
    }
    {
        Memory m = seabios(qemu_madt());
        m.bytes[MADT] = 'X';        /* no "APIC" left */
        EXPECT_EQ(scan(m, out).error, MadtError::no_madt);
    }
    {
        Memory m = seabios(qemu_madt());
        m.bytes[MADT + 9] ^= 1;     /* MADT checksum */
        const MadtScan s = scan(m, out);
        EXPECT_EQ(s.error, MadtError::madt_bad_table);
        EXPECT_EQ(s.where, MADT);
        EXPECT_EQ(s.cpu_count, 0u);
        EXPECT_EQ(s.enabled, 0u);
    }
    {
        /* An x2APIC entry that claims 8 bytes, and an entry of length 0. */
        std::vector<uint8_t> short_x2 = x2apic(5, 1, 5);
        short_x2[1] = 8;
        short_x2.resize(8);
        const MadtScan s = scan(seabios(table("APIC", madt_body({lapic(0, 0, 1), short_x2}))), out);
        EXPECT_EQ(s.error, MadtError::madt_bad_entry);
        EXPECT_EQ(s.where, MADT + 44 + 8);
        EXPECT_EQ(s.cpu_count, 0u);
        EXPECT_EQ(scan(seabios(table("APIC", madt_body({{2, 0, 0, 0}}))), out).error, MadtError::madt_bad_entry);
    }
    EXPECT_STREQ(madt_error_text(MadtError::madt_bad_table), "the MADT has a wrong length or checksum");
}

/*
 * The IDs at the edges of each mode: 0xfe is the highest xAPIC ID, 0xff
 * the xAPIC broadcast, 0x100 would be truncated to destination 0 (the
 * BSP) by the 8-bit xAPIC destination, 0xffffffff the x2APIC broadcast.
 * An entry with neither flag (a hot-plug slot) is skipped without a word.
 */
std::vector<uint8_t> edge_madt()
{
    return table("APIC", madt_body({lapic(0, 0, 1), lapic(1, 0xfe, 1), lapic(2, 0xff, 1), x2apic(0x100, 1, 3),
                                    x2apic(0xffffffff, 1, 4), x2apic(0x101, MADT_CPU_ONLINE_CAPABLE, 5),
                                    x2apic(0x102, 0, 6)}));
}

TEST(Madt, XapicModeSkipsIdsFrom0xffAndNamesThem)
{
    std::vector<MadtCpu> out(8);
    const MadtScan s = scan(seabios(edge_madt()), out, ApicMode::xapic);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(ids(s, out), (std::vector<uint32_t>{0, 0xfe}));
    EXPECT_EQ(s.enabled, 2u);
    EXPECT_EQ(s.unaddressable.count, 4u);   /* the online-capable 0x101 too: it could never be started */
    EXPECT_EQ(listed(s.unaddressable), (std::vector<uint32_t>{0xff, 0x100, 0xffffffff, 0x101}));
    EXPECT_EQ(s.duplicates.count, 0u);
    EXPECT_EQ(warnings(s, ApicMode::xapic),
              "relboot: warning: ACPI MADT lists APIC IDs 0xff 0x100 0xffffffff 0x101 that xAPIC mode cannot address; "
              "they are not started\r\n");
}

TEST(Madt, X2apicModeTakesEveryIdButTheBroadcast)
{
    std::vector<MadtCpu> out(8);
    const MadtScan s = scan(seabios(edge_madt()), out, ApicMode::x2apic);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(ids(s, out), (std::vector<uint32_t>{0, 0xfe, 0xff, 0x100, 0x101}));
    EXPECT_EQ(out[2].type, MADT_TYPE_LOCAL_APIC);   /* 0xff from a type-0 entry is an x2APIC ID like any other */
    EXPECT_EQ(out[3].type, MADT_TYPE_LOCAL_X2APIC);
    EXPECT_EQ(out[4].flags, MADT_CPU_ONLINE_CAPABLE);
    EXPECT_EQ(s.enabled, 4u);
    EXPECT_EQ(listed(s.unaddressable), (std::vector<uint32_t>{0xffffffff}));
    EXPECT_EQ(warnings(s, ApicMode::x2apic),
              "relboot: warning: ACPI MADT lists APIC ID 0xffffffff that x2APIC mode cannot address; "
              "it is not started\r\n");
}

TEST(Madt, AWellFormedTableHasNoWarning)
{
    std::vector<MadtCpu> out(8);
    const MadtScan s = scan(seabios(qemu_madt()), out);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(s.unaddressable.count, 0u);
    EXPECT_EQ(s.duplicates.count, 0u);
    EXPECT_EQ(warnings(s, ApicMode::xapic), "");
}

/* Duplicates: an enabled entry wins over an online-capable one whatever the order; else the first stays. */
TEST(Madt, EnabledEntryWinsOverOnlineCapableInEitherOrder)
{
    std::vector<MadtCpu> out(8);
    for (ApicMode mode : {ApicMode::xapic, ApicMode::x2apic}) {
        /* Online-capable type 0, then enabled type 9 for APIC ID 1: the type-9 entry is the CPU. */
        MadtScan s = scan(seabios(table("APIC", madt_body({lapic(0, 0, 1), lapic(1, 1, MADT_CPU_ONLINE_CAPABLE),
                                                           x2apic(1, MADT_CPU_ENABLED, 9)}))),
                          out, mode);
        ASSERT_EQ(s.error, MadtError::none);
        EXPECT_EQ(ids(s, out), (std::vector<uint32_t>{0, 1}));
        EXPECT_EQ(out[1].flags, MADT_CPU_ENABLED);
        EXPECT_EQ(out[1].type, MADT_TYPE_LOCAL_X2APIC);
        EXPECT_EQ(out[1].uid, 9u);
        EXPECT_EQ(out[1].duplicated, 1);
        EXPECT_EQ(out[0].duplicated, 0);
        EXPECT_EQ(s.enabled, 2u);
        EXPECT_EQ(listed(s.duplicates), (std::vector<uint32_t>{1}));
        EXPECT_EQ(warnings(s, mode), "relboot: warning: ACPI MADT lists APIC ID 0x1 in more than one entry; each CPU "
                                     "counts once, an enabled entry before an online-capable one\r\n");

        /* The other order: the enabled type-9 entry stays. */
        s = scan(seabios(table("APIC", madt_body({lapic(0, 0, 1), x2apic(1, MADT_CPU_ENABLED, 9),
                                                  lapic(1, 1, MADT_CPU_ONLINE_CAPABLE)}))),
                 out, mode);
        ASSERT_EQ(s.error, MadtError::none);
        EXPECT_EQ(ids(s, out), (std::vector<uint32_t>{0, 1}));
        EXPECT_EQ(out[1].flags, MADT_CPU_ENABLED);
        EXPECT_EQ(out[1].uid, 9u);
        EXPECT_EQ(s.enabled, 2u);
        EXPECT_EQ(listed(s.duplicates), (std::vector<uint32_t>{1}));
    }
}

TEST(Madt, FirstOfEqualEntriesWinsAndEachIdIsNamedOnce)
{
    std::vector<MadtCpu> out(8);
    /* Two enabled entries of one type, then a third of the other type: the first stays, 0x2 is named once. */
    MadtScan s = scan(seabios(table("APIC", madt_body({lapic(0, 0, 1), lapic(1, 2, MADT_CPU_ENABLED),
                                                       lapic(7, 2, MADT_CPU_ENABLED),
                                                       x2apic(2, MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE, 8),
                                                       x2apic(0, MADT_CPU_ENABLED, 10)}))),
                      out, ApicMode::x2apic);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(ids(s, out), (std::vector<uint32_t>{0, 2}));
    EXPECT_EQ(out[1].uid, 1u);
    EXPECT_EQ(out[1].type, MADT_TYPE_LOCAL_APIC);
    EXPECT_EQ(s.enabled, 2u);
    EXPECT_EQ(listed(s.duplicates), (std::vector<uint32_t>{2, 0}));
    EXPECT_EQ(warnings(s, ApicMode::x2apic),
              "relboot: warning: ACPI MADT lists APIC IDs 0x2 0x0 in more than one entry; each CPU counts once, "
              "an enabled entry before an online-capable one\r\n");

    /* Two online-capable entries: the first stays, and the CPU is not counted as enabled. */
    s = scan(seabios(table("APIC", madt_body({lapic(0, 0, 1), lapic(1, 3, MADT_CPU_ONLINE_CAPABLE),
                                              x2apic(3, MADT_CPU_ONLINE_CAPABLE, 11)}))),
             out);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(ids(s, out), (std::vector<uint32_t>{0, 3}));
    EXPECT_EQ(out[1].uid, 1u);
    EXPECT_EQ(s.enabled, 1u);
    EXPECT_EQ(s.duplicates.count, 1u);
}

/* Both lists stop at MADT_IDS_LISTED IDs; the line names those and counts the rest. */
TEST(Madt, LongListsAreBoundedAndCounted)
{
    std::vector<std::vector<uint8_t>> entries = {lapic(0, 0, 1)};
    for (uint32_t i = 0; i < 11; ++i)
        entries.push_back(x2apic(0x200 + i, MADT_CPU_ENABLED, i));
    for (uint32_t i = 0; i < 10; ++i)
        entries.push_back(lapic(0, uint8_t(0x10 + i), MADT_CPU_ENABLED));
    for (uint32_t i = 0; i < 10; ++i)
        entries.push_back(x2apic(0x10 + i, MADT_CPU_ENABLED, i));
    std::vector<MadtCpu> out(32);
    const MadtScan s = scan(seabios(table("APIC", madt_body(entries))), out, ApicMode::xapic);
    ASSERT_EQ(s.error, MadtError::none);
    EXPECT_EQ(s.cpu_count, 11u);
    EXPECT_EQ(s.enabled, 11u);
    EXPECT_EQ(s.unaddressable.count, 11u);
    EXPECT_EQ(s.duplicates.count, 10u);
    EXPECT_EQ(listed(s.duplicates), (std::vector<uint32_t>{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17}));
    EXPECT_EQ(warnings(s, ApicMode::xapic),
              "relboot: warning: ACPI MADT lists APIC IDs 0x200 0x201 0x202 0x203 0x204 0x205 0x206 0x207 and 3 more "
              "that xAPIC mode cannot address; they are not started\r\n"
              "relboot: warning: ACPI MADT lists APIC IDs 0x10 0x11 0x12 0x13 0x14 0x15 0x16 0x17 and 2 more in more "
              "than one entry; each CPU counts once, an enabled entry before an online-capable one\r\n");
}

/* A table that fails a check sets nothing aside either: no warning but the error's. */
TEST(Madt, ABrokenTableListsNoSetAsideId)
{
    std::vector<uint8_t> short_x2 = x2apic(5, 1, 5);
    short_x2[1] = 8;
    short_x2.resize(8);
    std::vector<MadtCpu> out(8);
    const MadtScan s = scan(seabios(table("APIC", madt_body({lapic(0, 0, 1), lapic(1, 0xff, 1), lapic(2, 0, 1),
                                                             short_x2}))),
                            out);
    EXPECT_EQ(s.error, MadtError::madt_bad_entry);
    EXPECT_EQ(s.unaddressable.count, 0u);
    EXPECT_EQ(s.duplicates.count, 0u);
    EXPECT_EQ(warnings(s, ApicMode::xapic), "");
}

/* The send site's own check, whatever the CPU table says. */
TEST(Lapic, NoIpiToItselfToABroadcastOrToATruncatedId)
{
    EXPECT_TRUE(ipi_destination_ok(1, 0, ApicMode::xapic));
    EXPECT_TRUE(ipi_destination_ok(0xfe, 0, ApicMode::xapic));
    EXPECT_FALSE(ipi_destination_ok(0, 0, ApicMode::xapic));         /* the BSP itself */
    EXPECT_FALSE(ipi_destination_ok(0xff, 0, ApicMode::xapic));      /* broadcast */
    EXPECT_FALSE(ipi_destination_ok(0x100, 0, ApicMode::xapic));     /* would be destination 0 */
    EXPECT_FALSE(ipi_destination_ok(0x101, 5, ApicMode::xapic));
    EXPECT_FALSE(ipi_destination_ok(0xffffffff, 0, ApicMode::xapic));
    EXPECT_TRUE(ipi_destination_ok(0xff, 0, ApicMode::x2apic));
    EXPECT_TRUE(ipi_destination_ok(0x100, 0, ApicMode::x2apic));
    EXPECT_TRUE(ipi_destination_ok(0xfffffffe, 0, ApicMode::x2apic));
    EXPECT_FALSE(ipi_destination_ok(0xffffffff, 0, ApicMode::x2apic)); /* broadcast */
    EXPECT_FALSE(ipi_destination_ok(0x100, 0x100, ApicMode::x2apic));  /* the BSP itself */
}

/* Low page: SeaBIOS's map puts the page just below the EBDA. */
TEST(LowMemory, HighestUsablePageBelowTheLimit)
{
    const auto map = seabios_1g();
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x9fc00), PhysAddr{0x9e000});
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x100000), PhysAddr{0x9e000});   /* clamped to 0xA0000 */
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x9000), PhysAddr{0x8000});
}

TEST(LowMemory, NeverPageZeroNeverInUseNeverAPartialPage)
{
    /* Only page 0 and a part-page are usable: nothing qualifies. */
    std::vector<MemoryRange> map = {span(0, 0x1000, U), span(0x1000, 0x2800, R), span(0x2800, 0x3fff, U),
                                    span(0x3fff, 0x100000, IMG)};
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), LOW_MEMORY_END), PhysAddr{0});
    /* A usable page among in-use ranges (the EFI case: most of low memory taken). */
    map = {span(0, 0x1000, U), span(0x1000, 0x57000, DATA), span(0x57000, 0x58000, U), span(0x58000, 0xa0000, R)};
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), LOW_MEMORY_END), PhysAddr{0x57000});
    /* A range that starts unaligned gives its first whole page. */
    map = {span(0x10800, 0x12000, U)};
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), LOW_MEMORY_END), PhysAddr{0x11000});
    /* Usable memory only above the limit. */
    map = {span(0x100000, 0x200000, U)};
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), LOW_MEMORY_END), PhysAddr{0});
    EXPECT_EQ(low_memory_page(nullptr, 0, LOW_MEMORY_END), PhysAddr{0});
    /* A huge range that ends near 2^64 does not overflow. */
    map = {MemoryRange{PhysAddr{0x5000}, ~uint64_t(0) - 0x5000, U, 0}};
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x9fc00), PhysAddr{0x9e000});
}

/* Relocation: each listed word gets the page added; nothing is written on a bad list or page. */
TEST(Trampoline, RelocationAddsThePageToEveryListedWord)
{
    std::vector<uint8_t> blob(64, 0xcc);
    std::vector<uint8_t> copy;
    le(blob, 4, 0x10, 4);
    le(blob, 30, 0x20, 4);      /* unaligned sites are fine (ljmpl operands) */
    le(blob, 60, 0x3c, 4);      /* the last word */
    const uint32_t rel[] = {4, 30, 60};
    copy = blob;
    ASSERT_TRUE(trampoline_relocate(copy.data(), 64, rel, 3, 0x9e000));
    std::vector<uint8_t> want = blob;
    le(want, 4, 0x9e010, 4);
    le(want, 30, 0x9e020, 4);
    le(want, 60, 0x9e03c, 4);
    EXPECT_EQ(copy, want);

    const uint32_t past[] = {4, 61};
    copy = blob;
    EXPECT_FALSE(trampoline_relocate(copy.data(), 64, past, 2, 0x9e000));
    EXPECT_EQ(copy, blob);      /* decided first: the first site stays as it was */
    EXPECT_FALSE(trampoline_relocate(copy.data(), 64, rel, 3, 0x9e800));    /* not page-aligned */
    EXPECT_FALSE(trampoline_relocate(copy.data(), 64, rel, 3, 0x100000));   /* no SIPI vector above 1 MiB */
    EXPECT_FALSE(trampoline_relocate(copy.data(), 2, rel, 1, 0x1000));      /* blob smaller than a word */
    EXPECT_EQ(copy, blob);
    EXPECT_TRUE(trampoline_relocate(copy.data(), 64, rel, 0, 0x1000));
}

} // namespace
