/*
 * The vCPU layer's guest memory reads (arch/x86/boot/payload/vcpu/guest_memory.h):
 * page walks over synthetic guest page tables (4-level with 4 KiB, 2 MiB
 * and 1 GiB pages, PAE, 32-bit with and without PSE 4 MiB pages, paging
 * off) in a sparse guest-physical memory behind a reader that refuses an
 * NPT hole, as relboot's NPT leaves relboot's own pages out: a table in
 * the hole makes the walk fail, and a read that runs into a page that is
 * not present or in the hole stops there.
 */
#include <gtest/gtest.h>
#include "payload/vcpu/guest_memory.h"
#include <x86/cr.h>
#include <x86/paging.h>

#include <array>
#include <cstring>
#include <map>
#include <vector>

using namespace relboot;

namespace {

constexpr uint64_t KiB4 = 4096;
constexpr uint64_t MiB2 = uint64_t(1) << 21;
constexpr uint64_t GiB1 = uint64_t(1) << 30;

/*
 * Guest-physical memory: pages made on first write, zero elsewhere; the
 * reader refuses any read that touches [hole_base, hole_end) (the NPT's
 * hole) and records every read it is asked for.
 */
struct GuestRam {
    std::map<uint64_t, std::array<uint8_t, KiB4>> pages;
    uint64_t hole_base = 0x7f000000, hole_end = 0x7f400000;
    mutable std::vector<std::pair<uint64_t, uint32_t>> reads;

    void write(uint64_t gpa, const void* src, size_t len)
    {
        const auto* s = static_cast<const uint8_t*>(src);
        for (size_t i = 0; i < len; ++i) {
            auto& page = pages[(gpa + i) & ~(KiB4 - 1)];
            page[(gpa + i) & (KiB4 - 1)] = s[i];
        }
    }
    void put64(uint64_t gpa, uint64_t v) { write(gpa, &v, 8); }
    void put32(uint64_t gpa, uint32_t v) { write(gpa, &v, 4); }

    static bool read(const void* ctx, uint64_t gpa, void* out, uint32_t len)
    {
        const auto* ram = static_cast<const GuestRam*>(ctx);
        ram->reads.emplace_back(gpa, len);
        EXPECT_GE(len, 1u);
        EXPECT_LE(len, KiB4);
        EXPECT_EQ(gpa / KiB4, (gpa + len - 1) / KiB4) << "a read crosses a 4 KiB page: 0x" << std::hex << gpa;
        if (gpa < ram->hole_end && gpa + len > ram->hole_base)
            return false;
        auto* o = static_cast<uint8_t*>(out);
        for (uint32_t i = 0; i < len; ++i) {
            const auto it = ram->pages.find((gpa + i) & ~(KiB4 - 1));
            o[i] = it == ram->pages.end() ? 0 : it->second[(gpa + i) & (KiB4 - 1)];
        }
        return true;
    }
    GuestPhysReader reader() const { return GuestPhysReader{&GuestRam::read, this}; }
};

constexpr uint64_t LONG_CR0 = CR0_PE | CR0_PG;
constexpr uint64_t LONG_EFER = EFER_LME | EFER_LMA | EFER_NXE;
constexpr GuestPaging LONG_MODE{LONG_CR0, 0x1000, CR4_PAE, LONG_EFER};

/* A 4-level hierarchy for one linear address: PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
struct FourLevel {
    static constexpr uint64_t PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, PT = 0x4000;
    GuestRam& ram;
    uint64_t linear;

    uint64_t slot(uint64_t table, uint32_t shift) const { return table + PT_INDEX(linear, shift) * 8; }
    void link_to_pd() const
    {
        ram.put64(slot(PML4, PML4_SHIFT), PDPT | PTE_P | PTE_RW);
        ram.put64(slot(PDPT, PDPT_SHIFT), PD | PTE_P | PTE_RW);
    }
    void map_4k(uint64_t frame, uint64_t extra = 0) const
    {
        link_to_pd();
        ram.put64(slot(PD, PD_SHIFT), PT | PTE_P | PTE_RW);
        ram.put64(slot(PT, PT_SHIFT), frame | PTE_P | extra);
    }
};

bool translate(const GuestRam& ram, const GuestPaging& p, uint64_t linear, uint64_t* gpa)
{
    return guest_linear_to_phys(ram.reader(), p, linear, gpa);
}

TEST(VcpuGuestMemory, PagingOffIsIdentityModulo4G)
{
    GuestRam ram;
    uint64_t gpa = 0;
    const GuestPaging real_mode{0, 0, 0, 0};
    ASSERT_TRUE(translate(ram, real_mode, 0x9f000 + 0x123, &gpa));
    EXPECT_EQ(gpa, 0x9f123u);
    const GuestPaging protected_mode{CR0_PE, 0xdead000, CR4_PAE, 0};
    ASSERT_TRUE(translate(ram, protected_mode, 0x100001234, &gpa));
    EXPECT_EQ(gpa, 0x1234u);
    EXPECT_TRUE(ram.reads.empty()) << "no table is read with paging off";
}

TEST(VcpuGuestMemory, FourLevel4K)
{
    GuestRam ram;
    const uint64_t linear = 0xffffffff81234567;
    FourLevel{ram, linear}.map_4k(0x5678000);
    uint64_t gpa = 0;
    ASSERT_TRUE(translate(ram, LONG_MODE, linear, &gpa));
    EXPECT_EQ(gpa, 0x5678567u);
    EXPECT_EQ(ram.reads.size(), 4u) << "one read an entry";
    /* CR3's low bits (PCID, PWT/PCD) are not part of the table's address. */
    GuestPaging pcid = LONG_MODE;
    pcid.cr3 |= 0x5a5;
    ASSERT_TRUE(translate(ram, pcid, linear, &gpa));
    EXPECT_EQ(gpa, 0x5678567u);
}

TEST(VcpuGuestMemory, FourLevel2M)
{
    GuestRam ram;
    const uint64_t linear = 0x00007f0012345678;
    const FourLevel t{ram, linear};
    t.link_to_pd();
    ram.put64(t.slot(FourLevel::PD, PD_SHIFT), 0x40000000 | PTE_P | PTE_PS | PTE_LARGE_PAT);
    uint64_t gpa = 0;
    ASSERT_TRUE(translate(ram, LONG_MODE, linear, &gpa));
    EXPECT_EQ(gpa, 0x40000000 + (linear & (MiB2 - 1)));
    /* A bit between PAT (12) and the frame (21) is reserved. */
    ram.put64(t.slot(FourLevel::PD, PD_SHIFT), 0x40000000 | PTE_P | PTE_PS | (uint64_t(1) << 13));
    EXPECT_FALSE(translate(ram, LONG_MODE, linear, &gpa));
}

TEST(VcpuGuestMemory, FourLevel1G)
{
    GuestRam ram;
    const uint64_t linear = 0xffff888012345678;
    const FourLevel t{ram, linear};
    ram.put64(t.slot(FourLevel::PML4, PML4_SHIFT), FourLevel::PDPT | PTE_P);
    ram.put64(t.slot(FourLevel::PDPT, PDPT_SHIFT), (uint64_t(5) << 30) | PTE_P | PTE_PS);
    uint64_t gpa = 0;
    ASSERT_TRUE(translate(ram, LONG_MODE, linear, &gpa));
    EXPECT_EQ(gpa, (uint64_t(5) << 30) + (linear & (GiB1 - 1)));
    ram.put64(t.slot(FourLevel::PDPT, PDPT_SHIFT), (uint64_t(5) << 30) | PTE_P | PTE_PS | (uint64_t(1) << 29));
    EXPECT_FALSE(translate(ram, LONG_MODE, linear, &gpa)) << "bit 29 of a 1 GiB PDPTE is reserved";
}

TEST(VcpuGuestMemory, FourLevelNotPresentAtEachLevel)
{
    const uint64_t linear = 0xffffffff81000abc;
    for (uint32_t shift : {PML4_SHIFT, PDPT_SHIFT, PD_SHIFT, PT_SHIFT}) {
        SCOPED_TRACE(shift);
        GuestRam ram;
        const FourLevel t{ram, linear};
        t.map_4k(0x9000);
        const uint64_t table = shift == PML4_SHIFT ? FourLevel::PML4
                               : shift == PDPT_SHIFT ? FourLevel::PDPT
                               : shift == PD_SHIFT   ? FourLevel::PD
                                                     : FourLevel::PT;
        uint64_t e;
        std::memcpy(&e, &ram.pages[table][PT_INDEX(linear, shift) * 8], 8);
        ram.put64(t.slot(table, shift), e & ~PTE_P);
        uint64_t gpa = 0;
        EXPECT_FALSE(translate(ram, LONG_MODE, linear, &gpa));
    }
}

TEST(VcpuGuestMemory, FourLevelReservedBits)
{
    const uint64_t linear = 0x0000000040201000;
    uint64_t gpa = 0;
    {
        /* PS in a PML4E is reserved. */
        GuestRam ram;
        const FourLevel t{ram, linear};
        t.map_4k(0x9000);
        ram.put64(t.slot(FourLevel::PML4, PML4_SHIFT), FourLevel::PDPT | PTE_P | PTE_PS);
        EXPECT_FALSE(translate(ram, LONG_MODE, linear, &gpa));
    }
    {
        /* XD is reserved without EFER.NXE, at any level; with it, it is only a permission. */
        GuestRam ram;
        const FourLevel t{ram, linear};
        t.map_4k(0x9000, PTE_XD);
        ASSERT_TRUE(translate(ram, LONG_MODE, linear, &gpa));
        EXPECT_EQ(gpa, 0x9000u);
        GuestPaging no_nxe = LONG_MODE;
        no_nxe.efer &= ~uint64_t(EFER_NXE);
        EXPECT_FALSE(translate(ram, no_nxe, linear, &gpa));
        t.map_4k(0x9000);
        ram.put64(t.slot(FourLevel::PDPT, PDPT_SHIFT), FourLevel::PD | PTE_P | PTE_XD);
        EXPECT_FALSE(translate(ram, no_nxe, linear, &gpa));
        ASSERT_TRUE(translate(ram, LONG_MODE, linear, &gpa));
    }
}

TEST(VcpuGuestMemory, NonCanonicalRefused)
{
    GuestRam ram;
    const uint64_t linear = 0x0000800000000000;    /* bit 47 set, 63:48 clear */
    FourLevel{ram, linear}.map_4k(0x9000);
    uint64_t gpa = 0;
    EXPECT_FALSE(translate(ram, LONG_MODE, linear, &gpa));
    EXPECT_TRUE(ram.reads.empty());
    const uint64_t ok = 0x00007ffffffff000;
    FourLevel{ram, ok}.map_4k(0x9000);
    ASSERT_TRUE(translate(ram, LONG_MODE, ok, &gpa));
    EXPECT_EQ(gpa, 0x9000u);
}

/* 5-level paging (CR4.LA57): a PML5 above the 4-level hierarchy, 57-bit canonical addresses. */
TEST(VcpuGuestMemory, FiveLevel)
{
    constexpr uint64_t PML5 = 0x5000;
    GuestPaging la57 = LONG_MODE;
    la57.cr3 = PML5;
    la57.cr4 |= CR4_LA57;
    /* A kernel address in 5-level paging's upper half: bits 63:57 all set, PML5 index 511. */
    const uint64_t linear = 0xff11000012345000;
    GuestRam ram;
    FourLevel{ram, linear}.map_4k(0x7654000);
    ram.put64(PML5 + ((linear >> 48) & 511) * 8, FourLevel::PML4 | PTE_P | PTE_RW);
    uint64_t gpa = 0;
    ASSERT_TRUE(translate(ram, la57, linear + 0x123, &gpa));
    EXPECT_EQ(gpa, 0x7654123u);
    /* The same address is not canonical for 4-level paging. */
    EXPECT_FALSE(translate(ram, LONG_MODE, linear, &gpa));
    /* A PML5 entry not present stops the walk. */
    ram.put64(PML5 + ((linear >> 48) & 511) * 8, 0);
    EXPECT_FALSE(translate(ram, la57, linear, &gpa));
    /* Bit 57 set with bit 56 clear is not canonical for 5-level paging: refused before any read. */
    ram.reads.clear();
    EXPECT_FALSE(translate(ram, la57, 0x0200000000000000, &gpa));
    EXPECT_TRUE(ram.reads.empty());
}

TEST(VcpuGuestMemory, TableInTheHoleFailsTheWalk)
{
    /* The same mapping, its PT once outside the hole and once inside it (relboot's pages). */
    const uint64_t linear = 0xffffffff81000000;
    for (const bool in_hole : {false, true}) {
        SCOPED_TRACE(in_hole);
        GuestRam ram;
        const FourLevel t{ram, linear};
        t.link_to_pd();
        const uint64_t pt = in_hole ? ram.hole_base + 0x3000 : 0x6000;
        ram.put64(t.slot(FourLevel::PD, PD_SHIFT), pt | PTE_P);
        ram.put64(pt + PT_INDEX(linear, PT_SHIFT) * 8, 0x9000 | PTE_P);
        uint64_t gpa = 0;
        EXPECT_EQ(translate(ram, LONG_MODE, linear, &gpa), !in_hole);
        if (!in_hole) {
            EXPECT_EQ(gpa, 0x9000u);
        }
    }
    /* CR3 itself in the hole. */
    GuestRam ram;
    GuestPaging p = LONG_MODE;
    p.cr3 = ram.hole_base;
    uint64_t gpa = 0;
    EXPECT_FALSE(translate(ram, p, 0x1000, &gpa));
}

/* PAE: PDPT of 4 entries at CR3 (32-byte aligned), then PD and PT as in 4-level paging. */
TEST(VcpuGuestMemory, Pae)
{
    GuestRam ram;
    const uint64_t pdpt = 0x3020;
    const GuestPaging pae{LONG_CR0, pdpt | 0x18, CR4_PAE, EFER_NXE};   /* CR3 bits 4:3 are PCD/PWT */
    const uint32_t linear = 0xc1234567;                                 /* PDPTE 3, PDE 9, PTE 0x34 */
    ram.put64(pdpt + 3 * 8, 0x5000 | PTE_P);
    ram.put64(0x5000 + ((linear >> 21) & 511) * 8, 0x6000 | PTE_P | PTE_RW);
    ram.put64(0x6000 + ((linear >> 12) & 511) * 8, 0x12345000 | PTE_P);
    uint64_t gpa = 0;
    ASSERT_TRUE(translate(ram, pae, linear, &gpa));
    EXPECT_EQ(gpa, 0x12345567u);
    /* Outside long mode, linear addresses are 32 bits. */
    ASSERT_TRUE(translate(ram, pae, 0x500000000 + linear, &gpa));
    EXPECT_EQ(gpa, 0x12345567u);

    /* A 2 MiB page in the PD. */
    const uint32_t big = 0xc0400000 + 0x1234;                           /* PDPTE 3, PDE 2 */
    ram.put64(0x5000 + 2 * 8, 0x7fe00000 | PTE_P | PTE_PS);
    ASSERT_TRUE(translate(ram, pae, big, &gpa));
    EXPECT_EQ(gpa, 0x7fe01234u);

    /* The PDPTE's reserved bits (2:1, 8:5, 63) and a missing PDPTE. */
    for (uint64_t bad : {uint64_t(1) << 1, uint64_t(1) << 5, uint64_t(1) << 8, uint64_t(PTE_XD)}) {
        ram.put64(pdpt + 3 * 8, 0x5000 | PTE_P | bad);
        EXPECT_FALSE(translate(ram, pae, linear, &gpa)) << std::hex << bad;
    }
    ram.put64(pdpt + 3 * 8, 0x5000);
    EXPECT_FALSE(translate(ram, pae, linear, &gpa));
    ram.put64(pdpt + 3 * 8, 0x5000 | PTE_P);
    ASSERT_TRUE(translate(ram, pae, linear, &gpa));
    /* XD without NXE is reserved under PAE too. */
    ram.put64(0x6000 + ((linear >> 12) & 511) * 8, 0x12345000 | PTE_P | PTE_XD);
    EXPECT_TRUE(translate(ram, pae, linear, &gpa));
    const GuestPaging pae_no_nxe{LONG_CR0, pdpt, CR4_PAE, 0};
    EXPECT_FALSE(translate(ram, pae_no_nxe, linear, &gpa));
}

/* 32-bit paging: 4-byte entries, 4 KiB pages, and 4 MiB pages with CR4.PSE (PSE-36 address bits). */
TEST(VcpuGuestMemory, ThirtyTwoBit)
{
    GuestRam ram;
    const GuestPaging pse{LONG_CR0, 0x2000, CR4_PSE, 0};
    const GuestPaging no_pse{LONG_CR0, 0x2000, 0, 0};
    const uint32_t linear = 0x80123456;                                 /* PDE 0x200, PTE 0x123 */
    ram.put32(0x2000 + (linear >> 22) * 4, 0x3000 | PTE_P | PTE_RW);
    ram.put32(0x3000 + ((linear >> 12) & 1023) * 4, 0x00abc000 | PTE_P);
    uint64_t gpa = 0;
    ASSERT_TRUE(translate(ram, no_pse, linear, &gpa));
    EXPECT_EQ(gpa, 0xabc456u);
    ASSERT_TRUE(translate(ram, pse, linear, &gpa));
    EXPECT_EQ(gpa, 0xabc456u);

    /* A 4 MiB page: bits 31:22 of the frame, and 39:32 from PDE bits 20:13. */
    const uint32_t big = 0xc0312345;                                    /* PDE 0x300 */
    ram.put32(0x2000 + (big >> 22) * 4, 0x7fc00000 | (0x12u << 13) | PTE_P | PTE_PS);
    ASSERT_TRUE(translate(ram, pse, big, &gpa));
    EXPECT_EQ(gpa, 0x127fc00000u + 0x312345);
    /* Without CR4.PSE the PS bit is ignored: the PDE points at a page table (here an empty one: not present). */
    EXPECT_FALSE(translate(ram, no_pse, big, &gpa));
    /* Bit 21 of a 4 MiB PDE is reserved. */
    ram.put32(0x2000 + (big >> 22) * 4, 0x7fc00000 | (1u << 21) | PTE_P | PTE_PS);
    EXPECT_FALSE(translate(ram, pse, big, &gpa));
    /* Not present PDE, not present PTE. */
    ram.put32(0x2000 + (linear >> 22) * 4, 0x3000);
    EXPECT_FALSE(translate(ram, pse, linear, &gpa));
    ram.put32(0x2000 + (linear >> 22) * 4, 0x3000 | PTE_P);
    ram.put32(0x3000 + ((linear >> 12) & 1023) * 4, 0x00abc000);
    EXPECT_FALSE(translate(ram, pse, linear, &gpa));
}

TEST(VcpuGuestMemory, ReadWithinAPage)
{
    GuestRam ram;
    const uint64_t linear = 0xffffffff81000ff0;
    FourLevel{ram, linear}.map_4k(0x9000);
    const uint8_t insn[] = {0x89, 0x34, 0x25, 0x00, 0xd3, 0x5f, 0xff};
    ram.write(0x9ff0, insn, sizeof(insn));
    uint8_t out[16] = {};
    ASSERT_EQ(guest_read_linear(ram.reader(), LONG_MODE, linear, out, sizeof(out)), 16u);
    EXPECT_EQ(std::memcmp(out, insn, sizeof(insn)), 0);
}

TEST(VcpuGuestMemory, ReadAcrossAPageIntoNothing)
{
    /* The first page maps; the second page's PTE is not present: the bytes up to the boundary. */
    GuestRam ram;
    const uint64_t linear = 0xffffffff81000ffa;
    const FourLevel t{ram, linear};
    t.map_4k(0x9000);
    ram.write(0x9ffa, "\x44\x89\x82\x00\x03\x00", 6);
    uint8_t out[15];
    std::memset(out, 0xee, sizeof(out));
    EXPECT_EQ(guest_read_linear(ram.reader(), LONG_MODE, linear, out, sizeof(out)), 6u);
    EXPECT_EQ(std::memcmp(out, "\x44\x89\x82\x00\x03\x00", 6), 0);
    EXPECT_EQ(out[6], 0xee) << "nothing written past what was read";

    /* The second page present: all 15 bytes, from two frames. */
    ram.put64(FourLevel::PT + PT_INDEX(linear + 6, PT_SHIFT) * 8, 0x20000 | PTE_P);
    ram.write(0x20000, "\xaa\xbb", 2);
    EXPECT_EQ(guest_read_linear(ram.reader(), LONG_MODE, linear, out, sizeof(out)), 15u);
    EXPECT_EQ(out[6], 0xaa);
    EXPECT_EQ(out[7], 0xbb);

    /* The second page's frame in the NPT hole: the read stops at the boundary again. */
    ram.put64(FourLevel::PT + PT_INDEX(linear + 6, PT_SHIFT) * 8, ram.hole_base | PTE_P);
    EXPECT_EQ(guest_read_linear(ram.reader(), LONG_MODE, linear, out, sizeof(out)), 6u);
}

TEST(VcpuGuestMemory, ReadThatCannotStart)
{
    GuestRam ram;
    uint8_t out[8];
    /* Nothing mapped. */
    EXPECT_EQ(guest_read_linear(ram.reader(), LONG_MODE, 0xffffffff81000000, out, sizeof(out)), 0u);
    /* Mapped, but the frame is in the hole. */
    const uint64_t linear = 0xffffffff81000000;
    FourLevel{ram, linear}.map_4k(ram.hole_base + 0x1000);
    EXPECT_EQ(guest_read_linear(ram.reader(), LONG_MODE, linear, out, sizeof(out)), 0u);
    /* Zero bytes asked: zero read, nothing asked of the reader. */
    ram.reads.clear();
    EXPECT_EQ(guest_read_linear(ram.reader(), LONG_MODE, linear, out, 0), 0u);
    EXPECT_TRUE(ram.reads.empty());
}

TEST(VcpuGuestMemory, ReadStopsAtTheCanonicalEdge)
{
    GuestRam ram;
    const uint64_t linear = 0x00007ffffffffffc;
    FourLevel{ram, linear}.map_4k(0x9000);
    uint8_t out[8];
    EXPECT_EQ(guest_read_linear(ram.reader(), LONG_MODE, linear, out, sizeof(out)), 4u);
}

TEST(VcpuGuestMemory, ReadWrapsAt4GOutsideLongMode)
{
    /* Paging off: linear 0xfffffffe + 4 bytes is 0xfffffffe, 0xffffffff, 0, 1. */
    GuestRam ram;
    ram.write(0xfffffffe, "\x01\x02", 2);
    ram.write(0, "\x03\x04", 2);
    const GuestPaging flat{CR0_PE, 0, 0, 0};
    uint8_t out[4];
    ASSERT_EQ(guest_read_linear(ram.reader(), flat, 0xfffffffe, out, 4), 4u);
    EXPECT_EQ(std::memcmp(out, "\x01\x02\x03\x04", 4), 0);
}

TEST(VcpuGuestMemory, ReadIsAtMost64Bytes)
{
    GuestRam ram;
    const GuestPaging flat{CR0_PE, 0, 0, 0};
    std::vector<uint8_t> out(200, 0xee);
    EXPECT_EQ(guest_read_linear(ram.reader(), flat, 0x1000, out.data(), 200), 64u);
    EXPECT_EQ(out[63], 0);
    EXPECT_EQ(out[64], 0xee);
}

} // namespace
