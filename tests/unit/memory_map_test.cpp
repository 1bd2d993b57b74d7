/* memory_map_build() and its queries (arch/x86/boot/platform/memory_map.h): exact outputs. */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "platform/memory_map.h"
#include <relboot/phys.h>

#include <algorithm>
#include <vector>

using namespace relboot;
using namespace boot_test;

namespace {


constexpr uint64_t IMAGE = 0x3fe00000, IMAGE_SIZE = 0x1e000;
constexpr uint64_t MBI = 0x102000, MBI_SIZE = 0x3a8;

/* What relboot keeps in use on the SeaBIOS guest: its image and the MBI. */
std::vector<MemoryRange> seabios_used()
{
    return {sized(IMAGE, IMAGE_SIZE, IMG), sized(MBI, MBI_SIZE, DATA)};
}

/* The answer for seabios_1g() with seabios_used(), worked out by hand. */
std::vector<MemoryRange> seabios_expected()
{
    return {
        span(0x0, 0x9fc00, U),
        span(0x9fc00, 0xa0000, R),
        span(0xf0000, 0x100000, R),
        span(0x100000, MBI, U),
        span(MBI, MBI + MBI_SIZE, DATA),
        span(MBI + MBI_SIZE, IMAGE, U),
        span(IMAGE, IMAGE + IMAGE_SIZE, IMG),
        span(IMAGE + IMAGE_SIZE, 0x3ffe0000, U),
        span(0x3ffe0000, 0x40000000, R),
        span(0xfeffc000, 0xff000000, R),
        span(0xfffc0000, 0x100000000, R),
    };
}

} // namespace

TEST(MemoryMap, SeaBiosMapWithImageAndMbi)
{
    bool truncated = true;
    EXPECT_EQ(build_map(boot_test::seabios_1g(), seabios_used(), MEMORY_MAP_MAX, &truncated), seabios_expected());
    EXPECT_FALSE(truncated);
}

TEST(MemoryMap, SeaBiosMapAlone)
{
    /* Nothing in use: the firmware's map as it was (it is sorted and has no overlaps). */
    EXPECT_EQ(build_map(boot_test::seabios_1g(), {}), boot_test::seabios_1g());
}

TEST(MemoryMap, UnsortedInputGivesTheSameAnswer)
{
    std::vector<MemoryRange> raw = boot_test::seabios_1g();
    std::reverse(raw.begin(), raw.end());
    std::vector<MemoryRange> used = seabios_used();
    std::reverse(used.begin(), used.end());
    EXPECT_EQ(build_map(raw, used), seabios_expected());
    std::rotate(raw.begin(), raw.begin() + 3, raw.end());
    EXPECT_EQ(build_map(raw, used), seabios_expected());
}

TEST(MemoryMap, OverlappingFirmwareRangesStricterWins)
{
    /* usable < ACPI reclaimable < ACPI NVS < bad < reserved. */
    const std::vector<MemoryRange> raw = {
        span(0x0, 0x100000, U),
        span(0x10000, 0x30000, ACPI),
        span(0x20000, 0x40000, NVS),
        span(0x38000, 0x50000, BAD),
        span(0x48000, 0x60000, R),
        span(0x58000, 0x70000, ACPI),   /* weaker than the reserved one it overlaps */
    };
    EXPECT_EQ(build_map(raw, {}), (std::vector<MemoryRange>{
                                       span(0x0, 0x10000, U),
                                       span(0x10000, 0x20000, ACPI),
                                       span(0x20000, 0x38000, NVS),
                                       span(0x38000, 0x48000, BAD),
                                       span(0x48000, 0x60000, R),
                                       span(0x60000, 0x70000, ACPI),
                                       span(0x70000, 0x100000, U),
                                   }));
}

TEST(MemoryMap, UsableInsideReservedStaysReserved)
{
    /* The order of the ranges does not matter: the stricter type wins either way. */
    const std::vector<MemoryRange> expected = {span(0x1000, 0x9000, R)};
    EXPECT_EQ(build_map({span(0x1000, 0x9000, R), span(0x2000, 0x3000, U)}, {}), expected);
    EXPECT_EQ(build_map({span(0x2000, 0x3000, U), span(0x1000, 0x9000, R)}, {}), expected);
    /* Identical ranges of two types. */
    EXPECT_EQ(build_map({span(0x1000, 0x9000, U), span(0x1000, 0x9000, NVS)}, {}),
              (std::vector<MemoryRange>{span(0x1000, 0x9000, NVS)}));
}

TEST(MemoryMap, AdjacentSameTypeRangesMerge)
{
    const std::vector<MemoryRange> raw = {
        span(0x0, 0x1000, U), span(0x1000, 0x5000, U), span(0x5000, 0x8000, U),   /* one */
        span(0x8000, 0x9000, R), span(0x9000, 0xa000, R),                          /* one */
        span(0xa000, 0xb000, U),                                                   /* another type between */
        span(0xc000, 0xd000, U),                                                   /* a gap stays a gap */
        span(0xd000, 0xe000, U), span(0xd800, 0xf000, U),                          /* overlapping, same type */
    };
    EXPECT_EQ(build_map(raw, {}), (std::vector<MemoryRange>{
                                       span(0x0, 0x8000, U),
                                       span(0x8000, 0xa000, R),
                                       span(0xa000, 0xb000, U),
                                       span(0xc000, 0xf000, U),
                                   }));
}

TEST(MemoryMap, AdjacentInUseRangesOfOneTypeMerge)
{
    /* Two modules back to back are one "module" range; the image next to them is its own. */
    const std::vector<MemoryRange> used = {sized(0x400000, 0x1000, MOD), sized(0x401000, 0x2000, MOD),
                                           sized(0x403000, 0x1000, IMG)};
    EXPECT_EQ(build_map({span(0x100000, 0x800000, U)}, used), (std::vector<MemoryRange>{
                                                                   span(0x100000, 0x400000, U),
                                                                   span(0x400000, 0x403000, MOD),
                                                                   span(0x403000, 0x404000, IMG),
                                                                   span(0x404000, 0x800000, U),
                                                               }));
}

TEST(MemoryMap, ZeroSizeRangesAreDropped)
{
    const std::vector<MemoryRange> raw = {sized(0x5000, 0, R), span(0x0, 0x10000, U), sized(0x20000, 0, U),
                                          sized(0x0, 0, BAD)};
    const std::vector<MemoryRange> used = {sized(0x8000, 0, IMG), sized(0x30000, 0, MOD)};
    EXPECT_EQ(build_map(raw, used), (std::vector<MemoryRange>{span(0x0, 0x10000, U)}));
    /* Only empty ranges: an empty map. */
    bool truncated = true;
    EXPECT_EQ(build_map({sized(0x1000, 0, U)}, used, MEMORY_MAP_MAX, &truncated), std::vector<MemoryRange>{});
    EXPECT_FALSE(truncated);
}

TEST(MemoryMap, InUseOverReservedKeepsReserved)
{
    /* A module the loader put over reserved and ACPI memory: only the usable part becomes "module". */
    const std::vector<MemoryRange> raw = {span(0x0, 0x9f000, U), span(0x9f000, 0xa0000, R),
                                          span(0xa0000, 0xa8000, ACPI), span(0xa8000, 0xb0000, U)};
    EXPECT_EQ(build_map(raw, {span(0x9e000, 0xa9000, MOD)}), (std::vector<MemoryRange>{
                                                                  span(0x0, 0x9e000, U),
                                                                  span(0x9e000, 0x9f000, MOD),
                                                                  span(0x9f000, 0xa0000, R),
                                                                  span(0xa0000, 0xa8000, ACPI),
                                                                  span(0xa8000, 0xa9000, MOD),
                                                                  span(0xa9000, 0xb0000, U),
                                                              }));
}

TEST(MemoryMap, InUsePartlyOutsideRamAddsNothingThere)
{
    const std::vector<MemoryRange> raw = {span(0x100000, 0x200000, U), span(0x300000, 0x400000, U)};
    const std::vector<MemoryRange> used = {
        span(0x80000, 0x110000, IMG),    /* starts below the first firmware range */
        span(0x1f0000, 0x310000, MOD),   /* spans the gap */
        span(0x3f0000, 0x500000, DATA),  /* runs past the last range */
        span(0x600000, 0x700000, MOD),   /* entirely outside */
    };
    EXPECT_EQ(build_map(raw, used), (std::vector<MemoryRange>{
                                        span(0x100000, 0x110000, IMG),
                                        span(0x110000, 0x1f0000, U),
                                        span(0x1f0000, 0x200000, MOD),
                                        span(0x300000, 0x310000, MOD),
                                        span(0x310000, 0x3f0000, U),
                                        span(0x3f0000, 0x400000, DATA),
                                    }));
    /* Only in-use ranges, no firmware range: nothing. */
    EXPECT_EQ(build_map({}, used), std::vector<MemoryRange>{});
}

TEST(MemoryMap, OverlappingInUseRangesFirstWins)
{
    /* The filler lists the image first, then the MBI, then the modules. */
    const std::vector<MemoryRange> used = {span(0x2000, 0x4000, IMG), span(0x3000, 0x6000, DATA)};
    EXPECT_EQ(build_map({span(0x0, 0x8000, U)}, used), (std::vector<MemoryRange>{
                                                           span(0x0, 0x2000, U),
                                                           span(0x2000, 0x4000, IMG),
                                                           span(0x4000, 0x6000, DATA),
                                                           span(0x6000, 0x8000, U),
                                                       }));
}

TEST(MemoryMap, UsableTypeInUseListIsIgnored)
{
    /* Only relboot, boot_data and module claim memory from the used list. */
    const std::vector<MemoryRange> used = {span(0x2000, 0x4000, R), span(0x4000, 0x5000, BAD), span(0x5000, 0x6000, U)};
    EXPECT_EQ(build_map({span(0x0, 0x8000, U)}, used), (std::vector<MemoryRange>{span(0x0, 0x8000, U)}));
}

TEST(MemoryMap, UnknownFirmwareTypeCountsAsReserved)
{
    /* ACPI 6.5 type 7 (persistent memory), 12 (OEM), 0, and relboot's own in-use numbers from firmware. */
    const std::vector<MemoryRange> raw = {
        span(0x0, 0x10000, U),
        span(0x10000, 0x20000, MemoryType(7)),
        span(0x20000, 0x30000, R),           /* merges with the unknown ones around it */
        span(0x30000, 0x40000, MemoryType(0)),
        span(0x50000, 0x60000, MemoryType(12)),
        span(0x58000, 0x68000, U),           /* loses to the unknown type where they overlap */
        span(0x70000, 0x80000, IMG),
        span(0x80000, 0x90000, MemoryType(0xffffffff)),
    };
    EXPECT_EQ(build_map(raw, {}), (std::vector<MemoryRange>{
                                       span(0x0, 0x10000, U),
                                       span(0x10000, 0x40000, R),
                                       span(0x50000, 0x60000, R),
                                       span(0x60000, 0x68000, U),
                                       span(0x70000, 0x90000, R),
                                   }));
    /* An unknown type beats ACPI NVS and bad where they overlap. */
    EXPECT_EQ(build_map({span(0x0, 0x2000, BAD), span(0x1000, 0x3000, MemoryType(9))}, {}),
              (std::vector<MemoryRange>{span(0x0, 0x1000, BAD), span(0x1000, 0x3000, R)}));
}

TEST(MemoryMap, RangeReachingTheTopOfTheAddressSpace)
{
    /* A loader's (base, length) that runs to 2^64, clamped as the fillers do. */
    const PhysRange top = phys_range_clamped(0xfffffffff0000000, 0x10000000);
    EXPECT_EQ(top.end(), PHYS_END_MAX);
    const PhysRange huge = phys_range_clamped(0x100000000, ~uint64_t(0));
    EXPECT_EQ(huge.end(), PHYS_END_MAX);
    EXPECT_EQ(phys_range_clamped(0x1000, 0x2000).size, 0x2000u);

    const std::vector<MemoryRange> raw = {
        span(0x0, 0x9fc00, U),
        MemoryRange{huge.base, huge.size, U, 0},
        MemoryRange{top.base, top.size, R, 0},
    };
    const std::vector<MemoryRange> used = {MemoryRange{PhysAddr{0xfffffffffff00000}, 0xfffff, MOD, 0}};
    const std::vector<MemoryRange> out = build_map(raw, used);
    EXPECT_EQ(out, (std::vector<MemoryRange>{
                       span(0x0, 0x9fc00, U),
                       span(0x100000000, 0xfffffffff0000000, U),
                       span(0xfffffffff0000000, PHYS_END_MAX, R),
                   }));
    EXPECT_EQ(memory_map_usable_top(out.data(), uint32_t(out.size())), 0xfffffffff0000000u);

    /* Usable up to the last byte: an in-use range at the very top is marked. */
    const std::vector<MemoryRange> all = build_map({MemoryRange{huge.base, huge.size, U, 0}}, used);
    EXPECT_EQ(all, (std::vector<MemoryRange>{
                       span(0x100000000, 0xfffffffffff00000, U),
                       span(0xfffffffffff00000, PHYS_END_MAX, MOD),
                   }));
    EXPECT_EQ(memory_map_usable_top(all.data(), uint32_t(all.size())), 0xfffffffffff00000u);
}

TEST(MemoryMap, TruncatedOutputIsAPrefix)
{
    const std::vector<MemoryRange> full = seabios_expected();
    for (uint32_t max = 0; max <= full.size(); ++max) {
        bool truncated = false;
        const std::vector<MemoryRange> out = build_map(boot_test::seabios_1g(), seabios_used(), max, &truncated);
        EXPECT_EQ(out, std::vector<MemoryRange>(full.begin(), full.begin() + max)) << "out_max " << max;
        EXPECT_EQ(truncated, max < full.size()) << "out_max " << max;
    }
}

TEST(MemoryMap, TruncationKeepsTheLastEntryWhole)
{
    /* The entry at the capacity limit still absorbs the same-type ranges that follow it. */
    const std::vector<MemoryRange> raw = {span(0x0, 0x1000, R), span(0x1000, 0x2000, U), span(0x2000, 0x3000, U),
                                          span(0x3000, 0x4000, R)};
    bool truncated = false;
    EXPECT_EQ(build_map(raw, {}, 2, &truncated),
              (std::vector<MemoryRange>{span(0x0, 0x1000, R), span(0x1000, 0x3000, U)}));
    EXPECT_TRUE(truncated);
}

TEST(MemoryMap, EmptyInput)
{
    bool truncated = true;
    EXPECT_EQ(build_map({}, {}, MEMORY_MAP_MAX, &truncated), std::vector<MemoryRange>{});
    EXPECT_FALSE(truncated);
    MemoryRange out[1] = {sized(1, 2, U)};
    truncated = true;
    EXPECT_EQ(memory_map_build(nullptr, 0, nullptr, 0, out, 0, &truncated), 0u);
    EXPECT_FALSE(truncated);
    EXPECT_EQ(out[0], sized(1, 2, U));
}

TEST(MemoryMap, UsableBytesAndTop)
{
    const std::vector<MemoryRange> map = seabios_expected();
    const uint32_t n = uint32_t(map.size());
    EXPECT_EQ(memory_map_usable_bytes(map.data(), n),
              0x9fc00 + (MBI - 0x100000) + (IMAGE - MBI - MBI_SIZE) + (0x3ffe0000 - IMAGE - IMAGE_SIZE));
    EXPECT_EQ(memory_map_usable_top(map.data(), n), 0x3ffe0000u);
    /* The in-use and reserved ranges count for neither. */
    const std::vector<MemoryRange> none = {span(0x0, 0x1000, R), span(0x1000, 0x2000, IMG)};
    EXPECT_EQ(memory_map_usable_bytes(none.data(), 2), 0u);
    EXPECT_EQ(memory_map_usable_top(none.data(), 2), 0u);
    EXPECT_EQ(memory_map_usable_bytes(nullptr, 0), 0u);
    EXPECT_EQ(memory_map_usable_top(nullptr, 0), 0u);
    /* The top is the highest end, whatever the order. */
    const std::vector<MemoryRange> unsorted = {span(0x100000, 0x200000, U), span(0x0, 0x1000, U)};
    EXPECT_EQ(memory_map_usable_top(unsorted.data(), 2), 0x200000u);
    EXPECT_EQ(memory_map_usable_bytes(unsorted.data(), 2), 0x101000u);
}

TEST(MemoryMap, TypeNames)
{
    EXPECT_STREQ(memory_type_name(U), "usable");
    EXPECT_STREQ(memory_type_name(R), "reserved");
    EXPECT_STREQ(memory_type_name(ACPI), "acpi-reclaimable");
    EXPECT_STREQ(memory_type_name(NVS), "acpi-nvs");
    EXPECT_STREQ(memory_type_name(BAD), "bad");
    EXPECT_STREQ(memory_type_name(IMG), "relboot");
    EXPECT_STREQ(memory_type_name(DATA), "boot-data");
    EXPECT_STREQ(memory_type_name(MOD), "module");
    EXPECT_STREQ(memory_type_name(MemoryType(7)), "reserved");
}
