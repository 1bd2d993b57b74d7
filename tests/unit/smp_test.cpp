/*
 * The AP bring-up's pure parts: the MADT walk (madt.h) on hand-built
 * tables in a fake physical memory, the low-page chooser (low_memory.h)
 * on memory maps, and the trampoline's relocation (trampoline.h) applied
 * to buffers.
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "bios/low_memory.h"
#include "platform/madt.h"
#include "smp/trampoline.h"

#include <cstring>
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

MadtScan scan(const Memory& m, std::vector<MadtCpu>& out, uint64_t rsdp = RSDP)
{
    return acpi_madt_cpus(m.mem(), PhysAddr{rsdp}, out.data(), uint32_t(out.size()));
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
    const MadtScan s = scan(m, out);
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
    EXPECT_EQ(scan(seabios(qemu_madt()), out, 0).error, MadtError::no_rsdp);
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
