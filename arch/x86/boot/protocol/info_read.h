/*
 * What the fillers of the protocols whose information structure points
 * elsewhere in memory (multiboot1, PVH) share: reading through a
 * PhysMemory window (acpi.h), so that the host tests and fuzzers run the
 * same code on a buffer; the result of a check; and the last step of
 * every filler, the memory map with what relboot keeps in use.
 */
#ifndef RELBOOT_INFO_READ_H
#define RELBOOT_INFO_READ_H

#include <cstdint>
#include "platform/acpi.h"
#include "boot_state.h"

namespace relboot {

/* A check of a loader's information structure: error is nullptr when it is usable. */
struct InfoCheck {
    const char* error;      /* what is wrong and what was expected */
    const char* field;      /* the field at fault, by the specification's name */
    uint64_t value;         /* its value */
};

/* Longest string (command line, module string) relboot looks for a NUL in. */
inline constexpr uint32_t INFO_STRING_MAX = 0x10000;

inline uint32_t info_read32(const uint8_t* p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

inline uint64_t info_read64(const uint8_t* p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

/*
 * The NUL-terminated string at phys: where it can be read, with *len its
 * bytes before the NUL; nullptr when phys is 0, mem cannot map it, or
 * there is no NUL within INFO_STRING_MAX bytes.
 */
const char* info_string(const PhysMemory& mem, uint64_t phys, uint32_t* len);

/*
 * What a filler marks in use in BootState's memory map: relboot's image
 * first, then the information structure, the command line, the module
 * list, and each module with its string.
 */
struct InUse {
    MemoryRange ranges[4 + 2 * MODULES_MAX];
    uint32_t count;

    explicit InUse(const BootState& bs) : count(0) { add(bs.load_base, bs.image_size, MemoryType::relboot); }
    void add(PhysAddr base, uint64_t size, MemoryType type) { ranges[count++] = MemoryRange{base, size, type, 0}; }
};

/*
 * Appends the firmware's range [base, base + length) of the given type to
 * tables.raw[*raw] (clamped by phys_range_clamped: a range never wraps)
 * and counts it.  When raw[] is full (MEMORY_MAP_MAX): sets
 * WARN_MMAP_TRUNCATED, appends nothing and returns false.
 */
bool raw_range_add(BootState& bs, BootTables& tables, uint32_t* raw, uint64_t base, uint64_t length, MemoryType type);

/*
 * The last step of a filler: BootState's memory map from the firmware's
 * ranges tables.raw[0, raw_count) and the in-use ranges used[0,
 * used_count) (relboot's image first), and the module table's address
 * and count.
 */
void boot_tables_finish(BootState& bs, BootTables& tables, PhysAddr tables_phys, uint32_t raw_count,
                        const MemoryRange* used, uint32_t used_count, uint32_t module_count);

} // namespace relboot

#endif
