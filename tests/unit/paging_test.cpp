/* pt_fixup() on a synthetic image and layout, and page_walk() over synthetic tables. */
#include <gtest/gtest.h>
#include "stage32/image_layout.h"
#include "stage64/pagewalk.h"
#include "stage32/pt_fixup.h"
#include <x86/paging.h>

#include <cstddef>
#include <cstring>
#include <map>
#include <vector>

using namespace relboot;

namespace {

/*
 * A fake image of 8 pages, linked like the real one but small: pages 0..3
 * are text (1), rodata (1) and data (2); page 4 is pt_image (its entries 0..3
 * map pages 0..3), page 5 a table that page 6's entries 0 and 511 link to
 * (and to pt_image).  Page 7 holds prebuilt identity entries that no link
 * or run names: they must not change.
 */
struct FakeLayout {
    ImageLayout header;
    PtLink links[2];
    PtRun runs[3];
};
static_assert(offsetof(FakeLayout, links) == IMAGE_LAYOUT_SIZE);
static_assert(offsetof(FakeLayout, runs) == IMAGE_LAYOUT_SIZE + 2 * PT_LINK_SIZE);

constexpr uint32_t PT_IMAGE = 0x4000, TABLE = 0x5000, LINKS = 0x6000, IDENT = 0x7000;

PtRun run(uint32_t first, uint32_t end, uint64_t flags)
{
    return {first | uint32_t(flags & 0xfff), end | uint32_t(flags & 0xfff), uint32_t(flags >> 32)};
}

struct FakeImage {
    std::vector<uint64_t> words = std::vector<uint64_t>(8 * 512, 0);
    FakeLayout fake{};
    const ImageLayout& layout = fake.header;

    FakeImage()
    {
        fake.header.image_size = 8 * 4096;
        fake.header.reloc_align = 0x200000;
        fake.header.identity_pd = IDENT;
        fake.header.pt_image = PT_IMAGE;
        fake.header.link_count = 2;
        fake.header.run_count = 3;
        fake.links[0] = {LINKS, PT_IMAGE | uint32_t(PTE_TABLE)};
        fake.links[1] = {LINKS + 511 * 8, TABLE | uint32_t(PTE_TABLE)};
        fake.runs[0] = run(0x0000, 0x1000, PTE_TEXT);
        fake.runs[1] = run(0x1000, 0x2000, PTE_RODATA);
        fake.runs[2] = run(0x2000, 0x4000, PTE_DATA);
        for (uint32_t i = 0; i < 512; ++i)
            at(IDENT + i * 8) = uint64_t(i) * 0x200000 | PTE_IDENT_2M;
    }
    uint64_t& at(uint32_t off) { return words[off / 8]; }
    uint64_t& pt_image(uint32_t page) { return at(PT_IMAGE + page * 8); }
    uint8_t* bytes() { return reinterpret_cast<uint8_t*>(words.data()); }

    /* Every entry pt_fixup() writes, as the layout describes them (the self-test's view). */
    bool written(uint32_t off) const
    {
        return off == LINKS || off == LINKS + 511 * 8 || (off >= PT_IMAGE && off < PT_IMAGE + 4 * 8);
    }
};

/* Only the entries that the layout lists changed. */
void expect_others_unchanged(const FakeImage& img, const std::vector<uint64_t>& before)
{
    for (size_t i = 0; i < img.words.size(); ++i) {
        const uint32_t off = uint32_t(i * 8);
        if (!img.written(off)) {
            EXPECT_EQ(img.words[i], before[i]) << "entry at " << off << " changed";
        }
    }
}

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

TEST(PtFixup, WritesLinksAndPagesFromTheBase)
{
    FakeImage img;
    const std::vector<uint64_t> before = img.words;
    pt_fixup(img.bytes(), img.layout, 0x3fe00000, true);
    EXPECT_EQ(img.at(LINKS), 0x3fe04000 | PTE_TABLE);
    EXPECT_EQ(img.at(LINKS + 511 * 8), 0x3fe05000 | PTE_TABLE);
    EXPECT_EQ(img.pt_image(0), 0x3fe00000 | PTE_TEXT);
    EXPECT_EQ(img.pt_image(1), 0x3fe01000 | PTE_RODATA);
    EXPECT_EQ(img.pt_image(2), 0x3fe02000 | PTE_DATA);
    EXPECT_EQ(img.pt_image(3), 0x3fe03000 | PTE_DATA);
    EXPECT_EQ(img.pt_image(4), 0u); /* the page tables: not mapped */
    expect_others_unchanged(img, before);
}

TEST(PtFixup, WritesRatherThanAdds)
{
    FakeImage img;
    pt_fixup(img.bytes(), img.layout, 0x3fe00000, true);
    const std::vector<uint64_t> once = img.words;
    pt_fixup(img.bytes(), img.layout, 0x3fe00000, true);
    EXPECT_EQ(img.words, once);
    pt_fixup(img.bytes(), img.layout, 0x00200000, true);   /* below the link base */
    EXPECT_EQ(img.at(LINKS), 0x00204000 | PTE_TABLE);
    EXPECT_EQ(img.pt_image(3), 0x00203000 | PTE_DATA);
}

TEST(PtFixup, HighBaseDoesNotCarryIntoTheHighHalf)
{
    FakeImage img;
    pt_fixup(img.bytes(), img.layout, 0xfffe0000, true);   /* the image ends 96 KiB below 4 GiB */
    EXPECT_EQ(img.pt_image(3), 0xfffe3000 | PTE_DATA);
    EXPECT_EQ(img.at(LINKS + 511 * 8), 0xfffe5000 | PTE_TABLE);
}

TEST(PtFixup, NoNxClearsXd)
{
    FakeImage img;
    pt_fixup(img.bytes(), img.layout, 0x01000000, false);
    EXPECT_EQ(img.pt_image(0), 0x01000000 | PTE_TEXT);
    EXPECT_EQ(img.pt_image(1), 0x01001000 | (PTE_RODATA & ~PTE_XD));
    EXPECT_EQ(img.pt_image(3), 0x01003000 | (PTE_DATA & ~PTE_XD));
    EXPECT_EQ(img.at(LINKS), 0x01004000 | PTE_TABLE);
}

TEST(PtFixup, NoNxWithAnotherBase)
{
    FakeImage img;
    const std::vector<uint64_t> before = img.words;
    pt_fixup(img.bytes(), img.layout, 0x3fe00000, false);
    EXPECT_EQ(img.at(LINKS), 0x3fe04000 | PTE_TABLE);
    EXPECT_EQ(img.pt_image(0), 0x3fe00000 | PTE_TEXT);
    EXPECT_EQ(img.pt_image(1), 0x3fe01000 | (PTE_RODATA & ~PTE_XD));
    EXPECT_EQ(img.pt_image(2), 0x3fe02000 | (PTE_DATA & ~PTE_XD));
    expect_others_unchanged(img, before);
}

TEST(PtFixup, AnEmptyRunWritesNothing)
{
    FakeImage img;
    img.fake.runs[1] = run(0x1000, 0x1000, PTE_RODATA);   /* no read-only data */
    img.fake.runs[2] = run(0x1000, 0x4000, PTE_DATA);
    pt_fixup(img.bytes(), img.layout, 0x3fe00000, true);
    EXPECT_EQ(img.pt_image(0), 0x3fe00000 | PTE_TEXT);
    EXPECT_EQ(img.pt_image(1), 0x3fe01000 | PTE_DATA);
    EXPECT_EQ(img.pt_image(4), 0u);
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
