/* pt_fixup() on synthetic tables, and page_walk() over them. */
#include <gtest/gtest.h>
#include <relboot/image_layout.h>
#include <relboot/pagewalk.h>
#include <relboot/pt_fixup.h>
#include <relboot/x86/paging.h>

#include <cstring>
#include <map>
#include <vector>

using namespace relboot;

namespace {

/* A fake image: 4 pages; entries at offsets 0x1000 (3 entries) and 0x2008 (1). */
struct FakeImage {
    std::vector<uint64_t> words = std::vector<uint64_t>(4 * 512, 0);
    ImageLayout layout{};

    FakeImage()
    {
        layout.link_base = 0x01000000;
        layout.image_size = 4 * 4096;
        layout.reloc_align = 0x200000;
        layout.reloc_count = 2;
        layout.reloc[0] = {0x1000, 3};
        layout.reloc[1] = {0x2008, 1};
        at(0x1000) = 0x01001000 | PTE_TABLE;
        at(0x1008) = 0x01002000 | PTE_DATA;
        at(0x1010) = 0x01003000 | PTE_TEXT;
        at(0x1018) = 0x00200000 | PTE_IDENT_2M; /* not listed: must not move */
        at(0x2008) = 0x01000000 | PTE_RODATA;
        at(0x2010) = 0x01000000 | PTE_RODATA;   /* not listed */
    }
    uint64_t& at(uint32_t off) { return words[off / 8]; }
    uint8_t* bytes() { return reinterpret_cast<uint8_t*>(words.data()); }
};

} // namespace

TEST(PtFixup, CapIdentityClearsFromTheLimitUp)
{
    std::vector<uint64_t> words((4 * 512) + 512, 0);
    ImageLayout layout{};
    layout.identity_pd = 4096;
    auto* pd = words.data() + 512;
    for (int i = 0; i < 2048; ++i)
        pd[i] = uint64_t(i) * 0x200000 | PTE_IDENT_2M;
    EXPECT_EQ(pt_cap_identity(reinterpret_cast<uint8_t*>(words.data()), layout, 64ull << 20), 2048u - 32u);
    EXPECT_EQ(pd[31], uint64_t(31) * 0x200000 | PTE_IDENT_2M);
    EXPECT_EQ(pd[32], 0u);
    EXPECT_EQ(pd[2047], 0u);
    /* A limit inside a 2 MiB page keeps that page. */
    for (int i = 0; i < 2048; ++i)
        pd[i] = uint64_t(i) * 0x200000 | PTE_IDENT_2M;
    EXPECT_EQ(pt_cap_identity(reinterpret_cast<uint8_t*>(words.data()), layout, (64ull << 20) + 1), 2048u - 33u);
    EXPECT_EQ(pd[32], uint64_t(32) * 0x200000 | PTE_IDENT_2M);
    EXPECT_EQ(pd[33], 0u);
    EXPECT_EQ(pt_cap_identity(reinterpret_cast<uint8_t*>(words.data()), layout, 4ull << 30), 0u);
}

TEST(PtFixup, AddsDeltaToListedEntriesOnly)
{
    FakeImage img;
    const std::vector<uint64_t> before = img.words;
    const uint32_t delta = 0x3fe00000 - 0x01000000;
    pt_fixup(img.bytes(), img.layout, delta, true);
    EXPECT_EQ(img.at(0x1000), 0x3fe01000 | PTE_TABLE);
    EXPECT_EQ(img.at(0x1008), 0x3fe02000 | PTE_DATA);
    EXPECT_EQ(img.at(0x1010), 0x3fe03000 | PTE_TEXT);
    EXPECT_EQ(img.at(0x2008), 0x3fe00000 | PTE_RODATA);
    for (size_t i = 0; i < img.words.size(); ++i) {
        const uint32_t off = uint32_t(i * 8);
        if (off == 0x1000 || off == 0x1008 || off == 0x1010 || off == 0x2008)
            continue;
        EXPECT_EQ(img.words[i], before[i]) << "entry at " << off << " changed";
    }
}

TEST(PtFixup, NegativeDeltaWrapsWithinLow32Bits)
{
    FakeImage img;
    const uint32_t delta = uint32_t(0x00200000 - 0x01000000); /* loaded below the link base */
    pt_fixup(img.bytes(), img.layout, delta, true);
    EXPECT_EQ(img.at(0x1000), 0x00201000 | PTE_TABLE);
    EXPECT_EQ(img.at(0x1008), 0x00202000 | PTE_DATA); /* XD kept, no carry into bit 32 */
    EXPECT_EQ(img.at(0x2008), 0x00200000 | PTE_RODATA);
}

TEST(PtFixup, NoNxClearsXdInListedEntries)
{
    FakeImage img;
    pt_fixup(img.bytes(), img.layout, 0, false);
    EXPECT_EQ(img.at(0x1008), 0x01002000 | (PTE_DATA & ~PTE_XD));
    EXPECT_EQ(img.at(0x2008), 0x01000000 | (PTE_RODATA & ~PTE_XD));
    EXPECT_EQ(img.at(0x2010), 0x01000000 | PTE_RODATA); /* not listed: untouched */
}

TEST(PtFixup, NoNxWithDeltaRelocatesAndClearsXd)
{
    FakeImage img;
    const uint32_t delta = 0x3fe00000 - 0x01000000;
    pt_fixup(img.bytes(), img.layout, delta, false);   /* both passes: the delta, then XD */
    EXPECT_EQ(img.at(0x1000), 0x3fe01000 | PTE_TABLE);
    EXPECT_EQ(img.at(0x1008), 0x3fe02000 | (PTE_DATA & ~PTE_XD));
    EXPECT_EQ(img.at(0x1010), 0x3fe03000 | PTE_TEXT);
    EXPECT_EQ(img.at(0x2008), 0x3fe00000 | (PTE_RODATA & ~PTE_XD));
    EXPECT_EQ(img.at(0x2010), 0x01000000 | PTE_RODATA); /* not listed: untouched */
}

TEST(PtFixup, ZeroDeltaWithNxIsANoOp)
{
    FakeImage img;
    const std::vector<uint64_t> before = img.words;
    pt_fixup(img.bytes(), img.layout, 0, true);
    EXPECT_EQ(img.words, before);
}

TEST(PtFixup, AbsentEntriesStayAbsent)
{
    FakeImage img;
    img.at(0x1008) = 0; /* not present */
    pt_fixup(img.bytes(), img.layout, 0x1000, true);
    EXPECT_EQ(img.at(0x1000), 0x01002000 | PTE_TABLE);
    EXPECT_EQ(img.at(0x1008) & 0xfff, 0u); /* flags, P among them, untouched by a 4 KiB-multiple delta */
    EXPECT_EQ(img.at(0x1010), 0x01004000 | PTE_TEXT);
    img.layout.reloc_count = 99; /* clamped to IMAGE_RELOC_RANGES: no read past reloc[] (ASan) */
    for (uint32_t r = 2; r < IMAGE_RELOC_RANGES; ++r)
        img.layout.reloc[r] = {0, 0};
    pt_fixup(img.bytes(), img.layout, 0x1000, true);
    EXPECT_EQ(img.at(0x1000), 0x01003000 | PTE_TABLE);
}

namespace {
/* Sparse physical memory for page_walk(). */
struct PhysMem {
    std::map<uint64_t, uint64_t> q;
    uint64_t operator()(uint64_t pa) const
    {
        auto it = q.find(pa);
        return it == q.end() ? 0 : it->second;
    }
};
} // namespace

TEST(PageWalk, FourKiBAndTwoMiBPages)
{
    PhysMem m;
    const uint64_t va = 0xffffffff81003123ULL;
    /* pml4 at 0x1000, pdpt at 0x2000, pd at 0x3000, pt at 0x4000. */
    m.q[0x1000 + PT_INDEX(va, PML4_SHIFT) * 8] = 0x2000 | PTE_TABLE;
    m.q[0x2000 + PT_INDEX(va, PDPT_SHIFT) * 8] = 0x3000 | PTE_TABLE;
    m.q[0x3000 + PT_INDEX(va, PD_SHIFT) * 8] = 0x4000 | PTE_TABLE;
    m.q[0x4000 + PT_INDEX(va, PT_SHIFT) * 8] = 0x3fe03000 | PTE_TEXT;
    auto t = page_walk(0x1000, va, m);
    ASSERT_TRUE(t.present);
    EXPECT_EQ(t.phys, 0x3fe03123u);
    EXPECT_EQ(t.level, 1u);
    EXPECT_FALSE(t.writable);
    EXPECT_TRUE(t.executable);

    m.q[0x1000] = 0x5000 | PTE_TABLE;
    m.q[0x5000] = 0x6000 | PTE_TABLE;
    m.q[0x6000 + 1 * 8] = 0x200000 | PTE_IDENT_2M | PTE_XD;
    t = page_walk(0x1000, 0x2abcde, m);
    ASSERT_TRUE(t.present);
    EXPECT_EQ(t.phys, 0x2abcdeu);
    EXPECT_EQ(t.level, 2u);
    EXPECT_TRUE(t.writable);
    EXPECT_FALSE(t.executable);

    EXPECT_FALSE(page_walk(0x1000, 0x40000000, m).present);
}
