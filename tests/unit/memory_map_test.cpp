/*
 * MemoryMapBuilder, memory_map_build() and the queries
 * (arch/x86/boot/platform/memory_map.h): exact outputs, the cap, and a
 * comparison with a reference model on random maps.
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "platform/memory_map.h"
#include <relboot/phys.h>

#include <algorithm>
#include <random>
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

namespace {

constexpr uint64_t MiB = 0x100000;

/* A MemoryMapBuilder over a vector of max entries plus a guard entry that must stay untouched. */
struct Built {
    std::vector<MemoryRange> storage;
    MemoryMapBuilder b;

    explicit Built(uint32_t max) : storage(max + 1, sized(0xdead0000, 0xbeef, MemoryType(0xee))), b(storage.data(), max) {}
    std::vector<MemoryRange> map() const
    {
        EXPECT_EQ(storage.back(), sized(0xdead0000, 0xbeef, MemoryType(0xee))) << "wrote past max";
        return {storage.begin(), storage.begin() + b.count};
    }
};

/* count ranges of size bytes each, back to back from base, types alternating as given. */
std::vector<MemoryRange> back_to_back(uint64_t base, uint64_t size, uint32_t count, MemoryType even, MemoryType odd)
{
    std::vector<MemoryRange> r;
    for (uint32_t i = 0; i < count; ++i)
        r.push_back(sized(base + i * size, size, i % 2 ? odd : even));
    return r;
}

} // namespace

TEST(MemoryMap, ThreeHundredAdjacentMiBRangesMergeToOne)
{
    /* The case: 300 adjacent 1 MiB ranges once gave ranges=2 and 255 MiB usable. */
    std::vector<MemoryRange> raw = back_to_back(MiB, MiB, 300, U, U);
    const std::vector<MemoryRange> want = {span(MiB, 301 * MiB, U)};
    bool truncated = true;
    const std::vector<MemoryRange> out = build_map(raw, {}, MEMORY_MAP_MAX, &truncated);
    EXPECT_EQ(out, want);
    EXPECT_FALSE(truncated);
    EXPECT_EQ(memory_map_usable_bytes(out.data(), uint32_t(out.size())) / 1024, 300u * 1024);
    /* In order, one entry is all they need at any step: merging comes before the cap. */
    EXPECT_EQ(build_map(raw, {}, 1, &truncated), want);
    EXPECT_FALSE(truncated);
    /* In any order. */
    std::mt19937 rng(21);
    std::shuffle(raw.begin(), raw.end(), rng);
    EXPECT_EQ(build_map(raw, {}, MEMORY_MAP_MAX, &truncated), want);
    EXPECT_FALSE(truncated);
}

TEST(MemoryMap, FifteenHundredRangesThatDoNotMergeReachTheCap)
{
    /* Usable and reserved by turns: nothing merges, so 1500 ranges need 1500 entries. */
    const std::vector<MemoryRange> raw = back_to_back(0x10000000, 0x1000, 1500, U, R);
    const std::vector<MemoryRange> first(raw.begin(), raw.begin() + MEMORY_MAP_MAX);
    Built up(MEMORY_MAP_MAX);
    for (const MemoryRange& r : raw)
        up.b.add_firmware(r.base.value, r.size, r.type);
    EXPECT_EQ(up.map(), first);
    EXPECT_TRUE(up.b.truncated);
    EXPECT_EQ(up.b.dropped, 1500u - MEMORY_MAP_MAX);
    EXPECT_EQ(up.b.cut, raw[MEMORY_MAP_MAX].base.value);
    /* Added from the top down: each range below pushes the highest one out; the same answer. */
    Built down(MEMORY_MAP_MAX);
    for (auto r = raw.rbegin(); r != raw.rend(); ++r)
        down.b.add_firmware(r->base.value, r->size, r->type);
    EXPECT_EQ(down.map(), first);
    EXPECT_TRUE(down.b.truncated);
    EXPECT_EQ(down.b.dropped, 1500u - MEMORY_MAP_MAX);
    EXPECT_EQ(down.b.cut, raw[MEMORY_MAP_MAX].base.value);
    /* Exactly MEMORY_MAP_MAX: no cap reached. */
    Built exact(MEMORY_MAP_MAX);
    for (const MemoryRange& r : first)
        exact.b.add_firmware(r.base.value, r.size, r.type);
    EXPECT_EQ(exact.map(), first);
    EXPECT_FALSE(exact.b.truncated);
    EXPECT_EQ(exact.b.dropped, 0u);
    EXPECT_EQ(exact.b.cut, PHYS_END_MAX);
}

TEST(MemoryMap, AfterTheCutTheMapStaysExactBelowIt)
{
    Built m(2);
    m.b.add_firmware(0x0, 0x1000, U);
    m.b.add_firmware(0x2000, 0x1000, R);
    m.b.add_firmware(0x4000, 0x1000, U);        /* a third entry: dropped, the cut at its base */
    EXPECT_EQ(m.b.cut, 0x4000u);
    EXPECT_EQ(m.b.dropped, 1u);
    /* Reserved over [0x800, 0x4800): applies below the cut, merges, and its part above is lost (counted). */
    m.b.add_firmware(0x800, 0x4000, R);
    EXPECT_EQ(m.map(), (std::vector<MemoryRange>{span(0x0, 0x800, U), span(0x800, 0x4000, R)}));
    EXPECT_EQ(m.b.dropped, 2u);
    /* Usable over the reserved part and above the cut: reserved stays (stricter), nothing appears above. */
    m.b.add_firmware(0x3000, 0x3000, U);
    m.b.add_firmware(0x8000, 0x1000, U);
    EXPECT_EQ(m.map(), (std::vector<MemoryRange>{span(0x0, 0x800, U), span(0x800, 0x4000, R)}));
    EXPECT_EQ(m.b.dropped, 4u);
    /* A claim that splits the usable range needs a third entry: the highest goes, the cut comes down. */
    m.b.claim(0x200, 0x100, IMG);
    EXPECT_EQ(m.map(), (std::vector<MemoryRange>{span(0x0, 0x200, U), span(0x200, 0x300, IMG)}));
    EXPECT_EQ(m.b.cut, 0x300u);
    EXPECT_EQ(m.b.dropped, 6u);
    EXPECT_TRUE(m.b.truncated);
}

TEST(MemoryMap, NoRoomKeepsNothingAndCountsEverything)
{
    /* max 0: nothing kept, everything counted. */
    Built none(0);
    none.b.add_firmware(0x1000, 0x1000, U);
    none.b.add_firmware(0x0, 0x1000, R);
    EXPECT_EQ(none.map(), std::vector<MemoryRange>{});
    EXPECT_TRUE(none.b.truncated);
    EXPECT_EQ(none.b.cut, 0x0u);
    EXPECT_EQ(none.b.dropped, 2u);
}

namespace {

uint32_t rank(MemoryType t)
{
    switch (t) {
    case U: return 1;
    case ACPI: return 2;
    case NVS: return 3;
    case BAD: return 4;
    default: return 5;
    }
}

/*
 * The map as the rules define it, worked out byte range by byte range:
 * between two consecutive boundaries of any range one type holds, the
 * strictest firmware type there (unknown ones as reserved), usable
 * replaced by the first in-use range over it; then runs of one type
 * merged.  An independent model of memory_map.h's contract.
 */
std::vector<MemoryRange> reference(const std::vector<MemoryRange>& raw, const std::vector<MemoryRange>& used)
{
    std::vector<uint64_t> cuts;
    for (const auto* list : {&raw, &used})
        for (const MemoryRange& r : *list)
            if (r.size)
                cuts.insert(cuts.end(), {r.base.value, r.base.value + r.size});
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<MemoryRange> out;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
        const uint64_t a = cuts[i], b = cuts[i + 1];
        uint32_t best = 0;
        for (const MemoryRange& r : raw)
            if (r.size && r.base.value <= a && a < r.base.value + r.size)
                best = std::max(best, rank(r.type));
        if (!best)
            continue;
        MemoryType t = best == 5 ? R : best == 1 ? U : best == 2 ? ACPI : best == 3 ? NVS : BAD;
        if (t == U) {
            for (const MemoryRange& u : used) {
                if ((u.type == IMG || u.type == DATA || u.type == MOD) && u.base.value <= a &&
                    a < u.base.value + u.size) {
                    t = u.type;
                    break;
                }
            }
        }
        if (!out.empty() && out.back().type == t && out.back().base.value + out.back().size == a)
            out.back().size += b - a;
        else
            out.push_back(span(a, b, t));
    }
    return out;
}

/* ref with everything at or above cut removed (the entry across it shortened). */
std::vector<MemoryRange> below(std::vector<MemoryRange> ref, uint64_t cut)
{
    std::vector<MemoryRange> out;
    for (MemoryRange r : ref) {
        if (r.base.value >= cut)
            break;
        r.size = std::min(r.size, cut - r.base.value);
        out.push_back(r);
    }
    return out;
}

} // namespace

TEST(MemoryMap, RandomMapsMatchTheReferenceModel)
{
    const MemoryType types[] = {U, U, U, R, ACPI, NVS, BAD, MemoryType(7), MemoryType(20)};
    const MemoryType used_types[] = {IMG, DATA, MOD, U, R};
    std::mt19937_64 rng(0x21);
    auto pick = [&](uint64_t n) { return uint64_t(rng() % n); };
    for (int iteration = 0; iteration < 1000; ++iteration) {
        std::vector<MemoryRange> raw, used;
        const uint64_t n_raw = 1 + pick(40), n_used = pick(6);
        /* 64 pages, so ranges touch, overlap and nest often; now and then a size of 0. */
        for (uint64_t i = 0; i < n_raw; ++i)
            raw.push_back(sized(pick(64) * 0x1000, pick(16) * 0x1000, types[pick(9)]));
        for (uint64_t i = 0; i < n_used; ++i)
            used.push_back(sized(pick(64) * 0x1000, pick(8) * 0x1000, used_types[pick(5)]));
        const std::vector<MemoryRange> want = reference(raw, used);

        bool truncated = true;
        ASSERT_EQ(build_map(raw, used, MEMORY_MAP_MAX, &truncated), want) << "iteration " << iteration;
        ASSERT_FALSE(truncated);

        /* With little room: exact below the cut, nothing from it up, and a cap that had to be reached is. */
        const uint32_t max = uint32_t(pick(want.size() + 2));
        Built m(max);
        for (const MemoryRange& r : raw)
            m.b.add_firmware(r.base.value, r.size, r.type);
        for (const MemoryRange& u : used)
            m.b.claim(u.base.value, u.size, u.type);
        ASSERT_EQ(m.map(), below(want, m.b.cut)) << "iteration " << iteration << " max " << max;
        ASSERT_EQ(m.b.truncated, m.b.dropped != 0) << "iteration " << iteration;
        if (want.size() > max) {
            ASSERT_TRUE(m.b.truncated) << "iteration " << iteration;
        }
        if (!m.b.truncated) {
            ASSERT_EQ(m.b.cut, PHYS_END_MAX);
        }
    }
}
