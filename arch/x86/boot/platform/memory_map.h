/*
 * BootState's memory map: from the firmware's ranges, as a loader passed
 * them (any order, overlapping, with gaps), to one sorted list of
 * non-overlapping typed ranges, with what relboot keeps in use marked.
 * The map is built in place as the ranges come (MemoryMapBuilder), so a
 * loader's map of any length, in ascending order as firmware gives it,
 * needs at no step more room than its merged result.
 * Pure and freestanding: the 64-bit stage builds the map with it, the host
 * tests and the fuzzers run the same code.
 */
#ifndef RELBOOT_MEMORY_MAP_H
#define RELBOOT_MEMORY_MAP_H

#include <cstdint>
#include "boot_state.h"

namespace relboot {

/*
 * A memory map being built in map[0, max), one range at a time.  After
 * every step map[0, count) is sorted by base, no two ranges overlap,
 * adjacent ranges of one type are merged, gaps stay gaps and ranges of
 * size 0 are dropped.  Sizes in bytes; a range is clamped to end at
 * PHYS_END_MAX (phys_range_clamped).  Add every firmware range first
 * (add_firmware), then mark the in-use ranges (claim).
 *
 * When a step needs more than max entries, the highest entries are
 * dropped: the map then holds exactly what it would hold without the cap
 * below `cut` (the base of the lowest range dropped), and nothing at or
 * above it: every later range is clipped there.  A range that reaches
 * up to the cut may end at it while, uncapped, it would go on.  `dropped`
 * counts the ranges lost, as they were lost: each entry pushed out of the
 * map, and each range added or split off at or above the cut (in whole or
 * in part); ranges that would have merged above the cut count one each.
 *
 * Ranges in ascending order need at no step more entries than the
 * merged result; in another order a step may need one entry for each
 * range not merged yet, so the cap may be reached on the way to a result
 * that would fit.  Each step costs O(log count) to find its place and
 * O(count) to shift the entries above it; ascending order shifts nothing.
 */
struct MemoryMapBuilder {
    MemoryRange* map;
    uint32_t max;               /* entries map[] holds */
    uint32_t count;             /* entries map[] has */
    uint32_t dropped;           /* ranges lost to max (see above); 0 when truncated is false */
    bool truncated;             /* something was dropped */
    uint64_t cut;               /* truncated: the lowest address dropped; else PHYS_END_MAX */

    MemoryMapBuilder(MemoryRange* map_, uint32_t max_)
        : map(map_), max(max_), count(0), dropped(0), truncated(false), cut(PHYS_END_MAX) {}

    /*
     * Adds the firmware's range [base, base + size) of the given type.
     * Where it overlaps what the map holds, the stricter type wins
     * (usable < ACPI reclaimable < ACPI NVS < bad < reserved, as Linux's
     * e820 sanitising does); a type outside 1..5 counts as reserved and is
     * stored as reserved.
     */
    void add_firmware(uint64_t base, uint64_t size, MemoryType type);

    /*
     * Marks [base, base + size) in use (type relboot, boot_data or
     * module; any other type is ignored): only the usable bytes in it
     * change type; where the firmware says something else, or nothing,
     * the map stays as it is.  The first claim over a byte wins.
     */
    void claim(uint64_t base, uint64_t size, MemoryType type);

private:
    uint32_t first_ending_after(uint64_t pos) const;
    void set(uint64_t base, uint64_t end, MemoryType type);
    void replace(uint32_t lo, uint32_t hi, const MemoryRange* pieces, uint32_t n);
};

/*
 * The whole map at once: a MemoryMapBuilder over out[0, out_max), every
 * firmware range raw[0, raw_count) added in order, then every in-use range
 * used[0, used_count) claimed in order.  Returns the count and sets
 * *truncated when the cap dropped something (the map is then exact below
 * the lowest address dropped, and empty from there).  raw and used are
 * only read.
 */
uint32_t memory_map_build(const MemoryRange* raw, uint32_t raw_count, const MemoryRange* used, uint32_t used_count,
                          MemoryRange* out, uint32_t out_max, bool* truncated);

/* Bytes of usable RAM in map[0, count). */
uint64_t memory_map_usable_bytes(const MemoryRange* map, uint32_t count);

/* End (exclusive) of the highest usable range in map[0, count); 0 when there is none. */
uint64_t memory_map_usable_top(const MemoryRange* map, uint32_t count);

/* The type's name for the report ("usable", "reserved", ...). */
const char* memory_type_name(MemoryType type);

} // namespace relboot

#endif
