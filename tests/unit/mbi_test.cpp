/*
 * The one checked walk of the MBI, mbi_scan() (arch/x86/boot/protocol/mbi.h):
 * what it records in its MbiIndex, and each fault as the exact error line
 * the boot prints (lib/error.h).
 */
#include "boot_test_util.h"
#include "mbi_builder.h"

#include <gtest/gtest.h>
#include "protocol/mbi.h"

#include <cstring>
#include <string>

using namespace relboot;
using boot_test::error_line;

namespace {
constexpr uint64_t PHYS = 0x100000; /* an 8-aligned physical address for the checks */

/* A walk's result and its index. */
struct Walk : MbiScan {
    MbiIndex index;
};

/* The walk over words at phys, into an index that starts as garbage (0x5a): the walk resets what it relies on. */
Walk scan(const std::vector<uint64_t>& words, uint64_t phys = PHYS, int64_t available = -1)
{
    Walk w{};
    std::memset(&w.index, 0x5a, sizeof w.index);
    static_cast<MbiScan&>(w) = mbi_scan(reinterpret_cast<const uint8_t*>(words.data()), phys,
                                         available < 0 ? uint32_t(words.size() * 8) : uint32_t(available), w.index);
    return w;
}

/* The error line of the walk over words (empty when it accepts them). */
std::string line(const std::vector<uint64_t>& words, uint64_t phys = PHYS)
{
    const Walk s = scan(words, phys);
    return s.error.ok() ? std::string() : error_line(s.error);
}

const std::string ERR = "relboot: error: multiboot2 info at ";
} // namespace

TEST(Mbi, GrubLikeMbi)
{
    MbiBuilder b;
    b.load_base(0x3fe00000);
    const size_t cmdline_at = b.size();
    b.cmdline("debug-exit=0xf4").tag(MULTIBOOT2_TAG_TYPE_BOOT_LOADER_NAME, MbiBuilder::str_body("GRUB 2.06"));
    const size_t module_at = b.size();
    b.module(0x400000, 0x401000, "mod0");
    const size_t mmap_at = b.size();
    const auto m = b.mmap(24, 6).tag(MULTIBOOT2_TAG_TYPE_BASIC_MEMINFO, MbiBuilder::u32s({639, 1047552})).end().build();
    const Walk s = scan(m);
    ASSERT_TRUE(s.error.ok()) << error_line(s.error);
    EXPECT_EQ(s.index.load_base_addr, 8u);
    EXPECT_EQ(s.index.cmdline, cmdline_at);
    EXPECT_EQ(s.index.module_count, 1u);
    EXPECT_EQ(s.index.modules[0], module_at);
    EXPECT_EQ(s.index.mmap, mmap_at);
    EXPECT_EQ(s.index.efi32 | s.index.efi64 | s.index.efi_mmap | s.index.acpi_old | s.index.acpi_new, 0u);
    EXPECT_EQ(s.tag_count, 6u);
    EXPECT_EQ(s.total_size, m.size() * 8);
}

TEST(Mbi, IndexesTheEfiAndAcpiTags)
{
    MbiBuilder b;
    const size_t efi32_at = b.size();
    b.efi32(0x7fb5e018);
    const size_t efi64_at = b.size();
    b.efi64(0x3f8ee018);
    b.acpi_new({});   /* empty: no copy, not indexed */
    const size_t acpi_new_at = b.size();
    b.acpi_new(std::vector<uint8_t>(36, 1));
    const size_t acpi_old_at = b.size();
    b.acpi_old(std::vector<uint8_t>(20, 1));
    const size_t efi_mmap_at = b.size();
    const Walk s = scan(b.efi_mmap({{7, 0, 16, 0}}).efi_mmap({}, 40).end().build());
    ASSERT_TRUE(s.error.ok()) << error_line(s.error);
    EXPECT_EQ(s.index.efi32, efi32_at);
    EXPECT_EQ(s.index.efi64, efi64_at);
    EXPECT_EQ(s.index.acpi_new, acpi_new_at);
    EXPECT_EQ(s.index.acpi_old, acpi_old_at);
    EXPECT_EQ(s.index.efi_mmap, efi_mmap_at);   /* the first tag 17 */
}

TEST(Mbi, MissingTagsAreNotErrors)
{
    const Walk s = scan(MbiBuilder().end().build());
    EXPECT_TRUE(s.error.ok());
    EXPECT_EQ(s.index.load_base_addr, 0u);
    EXPECT_EQ(s.index.cmdline, 0u);
    EXPECT_EQ(s.index.module_count, 0u);
    EXPECT_EQ(s.tag_count, 0u);
    EXPECT_EQ(s.total_size, 16u);
}

TEST(Mbi, FirstTag21CmdlineAndMmapWin)
{
    MbiBuilder b;
    b.load_base(0x200000).load_base(0x400000);
    const size_t first_cmdline = b.size();
    b.cmdline("a").cmdline("bb");
    const size_t first_mmap = b.size();
    const Walk s = scan(b.mmap(24, 1).mmap(24, 2).end().build());
    ASSERT_TRUE(s.error.ok());
    EXPECT_EQ(s.index.load_base_addr, 8u);
    EXPECT_EQ(s.index.cmdline, first_cmdline);
    EXPECT_EQ(s.index.mmap, first_mmap);
}

TEST(Mbi, ModulesPastModulesMaxAreCountedNotIndexed)
{
    MbiBuilder b;
    std::vector<size_t> at;
    for (uint32_t i = 0; i < MODULES_MAX + 3; ++i) {
        at.push_back(b.size());
        b.module(0x1000 * i, 0x1000 * i + 0x800, "m");
    }
    const Walk s = scan(b.end().build());
    ASSERT_TRUE(s.error.ok());
    EXPECT_EQ(s.index.module_count, MODULES_MAX + 3);
    for (uint32_t i = 0; i < MODULES_MAX; ++i)
        EXPECT_EQ(s.index.modules[i], at[i]) << i;
}

TEST(Mbi, OneWalkChecksTheWholeMbi)
{
    /* A defect after tags 21 and 1 is this walk's to find: no other walk follows. */
    MbiBuilder b;
    b.load_base(0x200000).cmdline("a");
    const size_t defect_at = b.size();
    const Walk s = scan(b.mmap(16, 1).end().build());
    EXPECT_EQ(error_line(s.error), ERR + "0x00100028 entry_size: 16, expected at least 24 and a multiple of 8 "
                                         "(multiboot2 3.6.8)\r\n");
    EXPECT_EQ(s.error.at, PHYS + defect_at);
    /* The index holds the sound tags before the fault, no more. */
    EXPECT_EQ(s.index.load_base_addr, 8u);
    EXPECT_EQ(s.index.cmdline, 24u);
    EXPECT_EQ(s.index.mmap, 0u);
}

TEST(Mbi, Misaligned)
{
    EXPECT_EQ(line(MbiBuilder().end().build(), PHYS + 4),
              ERR + "0x00100004 ebx: 0x00100004, expected an 8-byte aligned MBI (multiboot2 3.6.2)\r\n");
}

TEST(Mbi, TotalSizeBounds)
{
    EXPECT_EQ(line(MbiBuilder().end().build(8)),
              ERR + "0x00100000 total_size: 8, expected at least 16: the 8-byte fixed part and an end tag "
                    "(multiboot2 3.6.2)\r\n");
    EXPECT_EQ(scan(MbiBuilder().end().build(15)).error.found, 15u);
    EXPECT_EQ(line(MbiBuilder().end().build(MBI_MAX_SIZE + 8)),
              ERR + "0x00100000 total_size: 1048584, expected at most 1048576 bytes (1 MiB, relboot's MBI_MAX_SIZE)\r\n");
    /* Larger than the bytes the caller says are there. */
    EXPECT_EQ(line(MbiBuilder().end().build(4096)),
              ERR + "0x00100000 total_size: 4096, expected at most the bytes readable at the MBI; readable = 16\r\n");
    /* Running past 4 GiB. */
    EXPECT_EQ(line(MbiBuilder().end().build(), 0xfffffff8),
              ERR + "0xfffffff8 total_size: 16, expected an MBI that ends at or below 4 GiB\r\n");
    /* Fewer bytes than the fixed part. */
    EXPECT_EQ(error_line(scan(MbiBuilder().end().build(), PHYS, 7).error),
              ERR + "0x00100000 total_size: 7, expected at least 16 bytes readable: the 8-byte fixed part and an "
                    "end tag\r\n");
}

TEST(Mbi, TagSizeTooSmall)
{
    EXPECT_EQ(line(MbiBuilder().tag(99, {}, 4).end().build()),
              ERR + "0x00100008 size: 4, expected at least 8: the tag's type and size (multiboot2 3.6.2); type = 99\r\n");
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR, {}, 8).end().build()),
              ERR + "0x00100008 size: 8, expected at least 12: type, size and load_base_addr (multiboot2 3.6.23); "
                    "type = 21\r\n");
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_CMDLINE, {}).end().build()),
              ERR + "0x00100008 size: 8, expected at least 9: type, size and a NUL-terminated string (multiboot2 "
                    "3.6.5, 3.6.9); type = 1\r\n");
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_EFI64, MbiBuilder::u32s({1})).end().build()),
              ERR + "0x00100008 size: 12, expected at least 16: type, size and pointer (multiboot2 3.6.14); type = 12\r\n");
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_EFI32, {}).end().build()),
              ERR + "0x00100008 size: 8, expected at least 12: type, size and pointer (multiboot2 3.6.13); type = 11\r\n");
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_MODULE, MbiBuilder::u32s({1, 2})).end().build()),
              ERR + "0x00100008 size: 16, expected at least 17: type, size, mod_start, mod_end and a string "
                    "(multiboot2 3.6.6); type = 3\r\n");
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_MMAP, MbiBuilder::u32s({24})).end().build()),
              ERR + "0x00100008 size: 12, expected at least 16: type, size, entry_size and entry_version "
                    "(multiboot2 3.6.8); type = 6\r\n");
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_EFI_MMAP, {1, 2}).end().build()),
              ERR + "0x00100008 size: 10, expected at least 16: type, size, descr_size and descr_vers "
                    "(multiboot2 3.6.19); type = 17\r\n");
    /* An end tag must have size 8. */
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_END, {0, 0, 0, 0, 0, 0, 0, 0}).build()),
              ERR + "0x00100008 size: 16, expected 8 for the end tag (multiboot2 3.6.2); type = 0\r\n");
}

TEST(Mbi, TagOverrunsTotalSize)
{
    EXPECT_EQ(line(MbiBuilder().tag(99, std::vector<uint8_t>(8), 4000).end().build()),
              ERR + "0x00100008 size: 4000, expected a tag that ends within total_size; total_size = 32\r\n");
}

TEST(Mbi, NoEndTag)
{
    /* The command-line tag (size 10, 16 with padding) ends exactly at total_size. */
    const Walk s = scan(MbiBuilder().cmdline("x").build());
    EXPECT_EQ(error_line(s.error),
              ERR + "0x00100018 total_size: 24, expected an end tag (type 0, size 8) before it (multiboot2 3.6.2)\r\n");
    EXPECT_EQ(s.index.cmdline, 8u);   /* sound and before the fault */
    /* total_size cuts the end tag off. */
    const auto m = MbiBuilder().cmdline("x").end().build();
    EXPECT_TRUE(scan(m).error.ok());
    EXPECT_EQ(line(MbiBuilder().cmdline("x").end().build(int64_t(m.size() * 8 - 8))),
              ERR + "0x00100018 total_size: 24, expected an end tag (type 0, size 8) before it (multiboot2 3.6.2)\r\n");
    /* A tag whose padding runs past total_size. */
    EXPECT_EQ(line(MbiBuilder().cmdline("x").build(18)),
              ERR + "0x00100008 total_size: 18, expected an end tag (type 0, size 8) before it (multiboot2 3.6.2)\r\n");
}

TEST(Mbi, UnterminatedStrings)
{
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_CMDLINE, {'a', 'b', 'c'}).end().build()),
              ERR + "0x00100008 size: 11, expected a string whose NUL lies within size bytes (multiboot2 3.6.5); "
                    "type = 1\r\n");
    std::vector<uint8_t> body = MbiBuilder::u32s({0x1000, 0x2000});
    body.push_back('m');
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_MODULE, body).end().build()),
              ERR + "0x00100008 size: 17, expected a string whose NUL lies within size bytes (multiboot2 3.6.6); "
                    "type = 3\r\n");
    /* The loader name is checked as well, though relboot does not keep it. */
    EXPECT_FALSE(scan(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_BOOT_LOADER_NAME, {'g'}).end().build()).error.ok());
}

TEST(Mbi, MemoryMapChecks)
{
    EXPECT_EQ(line(MbiBuilder().mmap(16, 2).end().build()),
              ERR + "0x00100008 entry_size: 16, expected at least 24 and a multiple of 8 (multiboot2 3.6.8)\r\n");
    EXPECT_EQ(scan(MbiBuilder().mmap(28, 2).end().build()).error.field, std::string("entry_size"));
    /* GRUB on EFI has used 48-byte descriptors in its EFI map; 32-byte entries are fine here. */
    EXPECT_TRUE(scan(MbiBuilder().mmap(32, 3).end().build()).error.ok());
    std::vector<uint8_t> body = MbiBuilder::u32s({24, 0});
    body.resize(body.size() + 30);
    EXPECT_EQ(line(MbiBuilder().tag(MULTIBOOT2_TAG_TYPE_MMAP, body).end().build()),
              ERR + "0x00100008 size: 46, expected 16 and whole entries of entry_size bytes (multiboot2 3.6.8); "
                    "entry_size = 24\r\n");
}

TEST(Mbi, EfiMemoryMapDescriptorSize)
{
    EXPECT_EQ(line(MbiBuilder().efi_mmap({}, 32).end().build()),
              ERR + "0x00100008 descr_size: 32, expected at least 40 and a multiple of 8 (UEFI 2.10, 7.2: "
                    "EFI_MEMORY_DESCRIPTOR)\r\n");
    EXPECT_EQ(scan(MbiBuilder().efi_mmap({}, 44).end().build()).error.found, 44u);
    EXPECT_TRUE(scan(MbiBuilder().efi_mmap({}, 48).end().build()).error.ok());
}

TEST(Mbi, ModuleRange)
{
    EXPECT_EQ(line(MbiBuilder().module(0x2000, 0x1000, "m").end().build()),
              ERR + "0x00100008 mod_start: 0x00002000, expected at most mod_end: [mod_start, mod_end) (multiboot2 "
                    "3.6.6); mod_end = 0x00001000\r\n");
    EXPECT_TRUE(scan(MbiBuilder().module(0x1000, 0x1000, "empty").end().build()).error.ok());
}

TEST(Mbi, ForEachTagVisitsEveryTagOfAnAcceptedMbi)
{
    const auto m = MbiBuilder().load_base(1).cmdline("abc").tag(99, {1, 2, 3}).end().build();
    ASSERT_TRUE(scan(m).error.ok());
    std::vector<uint32_t> seen;
    mbi_for_each_tag(reinterpret_cast<const uint8_t*>(m.data()), uint32_t(m.size() * 8),
                     [&](uint32_t off, uint32_t type, uint32_t size) { seen.insert(seen.end(), {off, type, size}); });
    EXPECT_EQ(seen, (std::vector<uint32_t>{8, 21, 12, 24, 1, 12, 40, 99, 11, 56, 0, 8}));
}
