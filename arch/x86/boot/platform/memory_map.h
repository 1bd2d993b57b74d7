/*
 * BootState's memory map: from the firmware's ranges, as a loader passed
 * them (any order, overlapping, with gaps), to one sorted list of
 * non-overlapping typed ranges, with what relboot keeps in use marked.
 * Pure and freestanding: the 64-bit stage builds the map with it, the host
 * tests and the fuzzer run the same code.
 */
#ifndef RELBOOT_MEMORY_MAP_H
#define RELBOOT_MEMORY_MAP_H

#include <cstdint>
#include "boot_state.h"

namespace relboot {

/*
 * Builds out[] from the firmware's ranges raw[0, raw_count) and the
 * in-use ranges used[0, used_count):
 *   - sorted by base, no two ranges overlap, adjacent ranges of one type
 *     are merged, gaps stay gaps, ranges of size 0 are dropped;
 *   - where firmware ranges overlap, the stricter type wins (usable <
 *     ACPI reclaimable < ACPI NVS < bad < reserved, as Linux's e820
 *     sanitising does); a type outside 1..5 counts as reserved;
 *   - an in-use range (type relboot, boot_data or module) replaces usable
 *     RAM only: where firmware says something else, the firmware's type
 *     stays; in-use bytes outside every firmware range are not added.
 * Writes at most out_max entries; returns how many, and sets *truncated
 * when more were needed (the highest ranges are then missing).
 * O((raw_count + used_count)^2), no memory of its own: raw and used are
 * only read.  Sizes in bytes; every input range must be clamped
 * (phys_range_clamped), which the fillers do.
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
