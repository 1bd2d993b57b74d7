/*
 * The multiboot2 boot information (MBI, Multiboot2 Specification 2.0,
 * 3.6) that the test loader hands relboot: well-formed, or with the one
 * defect the test chose.
 */
#ifndef TESTLOADER_MBI_BUILD_H
#define TESTLOADER_MBI_BUILD_H

#include <cstdint>
#include "memory_map.h"
#include "options.h"

namespace testloader {

/* Largest MBI built (bytes): fixed part, tags 21, 1, 2, 3, 6, 4 and end, each padded to 8. */
inline constexpr uint32_t MBI_BUILD_MAX =
    8 + 16 + (8 + CMDLINE_MAX + 8) + 32 + 32 + (16 + MMAP_MAX * 24 + 16) + 16 + 8;

/* What the MBI is built from. */
struct MbiInput {
    const Args* args;           /* relboot's command line and the defect */
    uint32_t base;              /* relboot's load base, for tag 21 */
    const MemoryMap* ram;       /* for the memory map tag */
    uint32_t mem_lower;         /* KiB below 640 KiB, from the multiboot1 information */
    uint32_t mem_upper;         /* KiB from 1 MiB */
    uint32_t mod_start;         /* relboot's module, for module-range */
    uint32_t mod_end;
};

/*
 * A built MBI: bytes to copy (8-byte aligned buffer), the total_size
 * written in it (differs from bytes for total-small and total-huge) and,
 * for the defects of one tag, that tag's offset (for no-end-tag, where
 * the end tag would be).
 */
struct MbiBuilt {
    const uint8_t* data;
    uint32_t bytes;
    uint32_t total_size;
    bool has_defect_offset;
    uint32_t defect_offset;
};

/*
 * Builds the MBI in a static buffer (valid until the next call): tags 21
 * (load base address), 1 (command line), 2 (boot loader name
 * "relboot-testloader"), 3 (module, only for module-range), 6 (memory
 * map, entry_size 24), 4 (basic memory information), end, in GRUB's
 * order, with in.args->defect applied.  Where the MBI goes (and so the
 * mbi-misaligned and mbi-overlap defects) is the caller's choice.
 */
MbiBuilt build_mbi(const MbiInput& in);

} // namespace testloader

#endif
