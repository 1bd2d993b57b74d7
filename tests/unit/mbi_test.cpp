#include "mbi_builder.h"

#include <gtest/gtest.h>
#include "protocol/mbi.h"

#include <cstring>
#include <set>
#include <string>

using namespace relboot;

namespace {
constexpr uint64_t PHYS = 0x100000; /* an 8-aligned physical address for the checks */

MbiScan scan(const std::vector<uint64_t>& words, uint64_t phys = PHYS)
{
    return mbi_scan(reinterpret_cast<const uint8_t*>(words.data()), phys, uint32_t(words.size() * 8));
}
} // namespace

TEST(Mbi, GrubLikeMbi)
{
    const auto m = MbiBuilder()
                       .load_base(0x3fe00000)
                       .cmdline("debug-exit=0xf4")
                       .tag(MULTIBOOT2_TAG_TYPE_BOOT_LOADER_NAME, MbiBuilder::str_body("GRUB 2.06"))
                       .module(0x400000, 0x401000, "mod0")
                       .mmap(24, 6)
                       .tag(MULTIBOOT2_TAG_TYPE_BASIC_MEMINFO, MbiBuilder::u32s({639, 1047552}))
                       .end()
                       .build();
    const MbiScan s = scan(m);
    ASSERT_EQ(s.error, MbiError::none) << mbi_error_text(s.error);
    EXPECT_TRUE(s.tag21_present);
    EXPECT_EQ(s.tag21, 0x3fe00000u);
    ASSERT_TRUE(s.cmdline_present);
    EXPECT_EQ(s.cmdline_len, 15u); /* GRUB-like tag: size 8 + 15 + 1 */
    EXPECT_EQ(std::memcmp(reinterpret_cast<const char*>(m.data()) + s.cmdline_offset, "debug-exit=0xf4", 16), 0);
    EXPECT_FALSE(s.efi);
    EXPECT_EQ(s.module_count, 1u);
    EXPECT_EQ(s.tag_count, 6u);
    EXPECT_EQ(s.total_size, m.size() * 8);
}

TEST(Mbi, EfiSystemTableTagsMeanEfi)
{
    EXPECT_TRUE(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_EFI64, MbiBuilder::u32s({1, 2})).end().build()).efi);
    EXPECT_TRUE(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_EFI32, MbiBuilder::u32s({1})).end().build()).efi);
}

TEST(Mbi, MissingTagsAreNotErrors)
{
    const MbiScan s = scan(MbiBuilder().end().build());
    EXPECT_EQ(s.error, MbiError::none);
    EXPECT_FALSE(s.tag21_present);
    EXPECT_FALSE(s.cmdline_present);
    EXPECT_EQ(s.tag_count, 0u);
    EXPECT_EQ(s.total_size, 16u);
}

TEST(Mbi, FirstTag21AndCmdlineWin)
{
    const MbiScan s = scan(MbiBuilder().load_base(0x200000).load_base(0x400000).cmdline("a").cmdline("bb").end().build());
    EXPECT_EQ(s.tag21, 0x200000u);
    EXPECT_EQ(s.cmdline_len, 1u);
}

TEST(Mbi, Misaligned)
{
    EXPECT_EQ(scan(MbiBuilder().end().build(), PHYS + 4).error, MbiError::misaligned);
}

TEST(Mbi, TotalSizeBounds)
{
    EXPECT_EQ(scan(MbiBuilder().end().build(8)).error, MbiError::total_size_small);
    EXPECT_EQ(scan(MbiBuilder().end().build(15)).error, MbiError::total_size_small);
    EXPECT_EQ(scan(MbiBuilder().end().build(MBI_MAX_SIZE + 8)).error, MbiError::total_size_large);
    /* Larger than the bytes the caller says are there. */
    EXPECT_EQ(scan(MbiBuilder().end().build(4096)).error, MbiError::total_size_large);
    /* Running past 4 GiB. */
    EXPECT_EQ(scan(MbiBuilder().end().build(), 0xfffffff8).error, MbiError::total_size_large);
}

TEST(Mbi, TagSizeTooSmall)
{
    const MbiScan s = scan(MbiBuilder().tag(99, {}, 4).end().build());
    EXPECT_EQ(s.error, MbiError::tag_size_small);
    EXPECT_EQ(s.error_offset, 8u);
    EXPECT_EQ(s.error_value, 4u);
    EXPECT_EQ(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR, {}, 8).end().build()).error,
              MbiError::tag_size_small);
    /* An end tag must have size 8. */
    EXPECT_EQ(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_END, {0, 0, 0, 0, 0, 0, 0, 0}).build()).error,
              MbiError::tag_size_small);
}

TEST(Mbi, TagOverrunsTotalSize)
{
    const auto m = MbiBuilder().tag(99, std::vector<uint8_t>(8), 4000).end().build();
    const MbiScan s = scan(m);
    EXPECT_EQ(s.error, MbiError::tag_overrun);
    EXPECT_EQ(s.error_offset, 8u);
}

TEST(Mbi, NoEndTag)
{
    EXPECT_EQ(scan(MbiBuilder().cmdline("x").build()).error, MbiError::no_end_tag);
    /* total_size cuts the end tag off. */
    const auto m = MbiBuilder().cmdline("x").end().build();
    EXPECT_EQ(scan(m, PHYS).error, MbiError::none);
    auto cut = MbiBuilder().cmdline("x").end().build(int64_t(m.size() * 8 - 8));
    EXPECT_EQ(scan(cut).error, MbiError::no_end_tag);
}

TEST(Mbi, UnterminatedStrings)
{
    EXPECT_EQ(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_CMDLINE, {'a', 'b', 'c'}).end().build()).error,
              MbiError::string_unterminated);
    std::vector<uint8_t> body = MbiBuilder::u32s({0x1000, 0x2000});
    body.push_back('m');
    EXPECT_EQ(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_MODULE, body).end().build()).error,
              MbiError::string_unterminated);
}

TEST(Mbi, MemoryMapChecks)
{
    EXPECT_EQ(scan(MbiBuilder().mmap(16, 2).end().build()).error, MbiError::mmap_entry_size);
    EXPECT_EQ(scan(MbiBuilder().mmap(28, 2).end().build()).error, MbiError::mmap_entry_size);
    /* GRUB on EFI has used 48-byte descriptors in its EFI map; 32-byte entries are fine here. */
    EXPECT_EQ(scan(MbiBuilder().mmap(32, 3).end().build()).error, MbiError::none);
    std::vector<uint8_t> body = MbiBuilder::u32s({24, 0});
    body.resize(body.size() + 30);
    EXPECT_EQ(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_MMAP, body).end().build()).error, MbiError::mmap_overrun);
}

TEST(Mbi, ModuleRange)
{
    EXPECT_EQ(scan(MbiBuilder().module(0x2000, 0x1000, "m").end().build()).error, MbiError::module_range);
    EXPECT_EQ(scan(MbiBuilder().module(0x1000, 0x1000, "empty").end().build()).error, MbiError::none);
}

TEST(Mbi, EveryErrorHasText)
{
    std::set<std::string> texts;
    for (int e = 0; e <= int(MbiError::efi_mmap_descr_size); ++e) {
        const std::string text = mbi_error_text(MbiError(e));
        EXPECT_NE(text, "unknown MBI error") << e;
        EXPECT_TRUE(texts.insert(text).second) << "shared by two errors: " << text;
    }
    EXPECT_STREQ(mbi_error_text(MbiError::none), "no error");
    EXPECT_STREQ(mbi_error_text(MbiError::tag_overrun), "MBI tag runs past total_size");
}

TEST(Mbi, EarlyWalkStopsAfterTags21And1)
{
    /* A defect after tags 21 and 1 is left to the full walk of the 64-bit stage. */
    const auto m = MbiBuilder().load_base(0x200000).cmdline("a").mmap(16, 1).end().build();
    const MbiScan early = mbi_scan(reinterpret_cast<const uint8_t*>(m.data()), PHYS, uint32_t(m.size() * 8), MbiWalk::early);
    EXPECT_EQ(early.error, MbiError::none);
    EXPECT_FALSE(early.complete);
    EXPECT_TRUE(early.cmdline_present);
    EXPECT_EQ(scan(m).error, MbiError::mmap_entry_size);
    /* Without tag 1 the early walk goes to the end and checks everything. */
    const auto n = MbiBuilder().load_base(0x200000).mmap(16, 1).end().build();
    EXPECT_EQ(mbi_scan(reinterpret_cast<const uint8_t*>(n.data()), PHYS, uint32_t(n.size() * 8), MbiWalk::early).error,
              MbiError::mmap_entry_size);
    EXPECT_TRUE(scan(MbiBuilder().cmdline("x").end().build()).complete);
}
