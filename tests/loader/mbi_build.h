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

/* Most modules passed on: QEMU's modules after relboot's image, in their order. */
inline constexpr uint32_t PASS_MODULES_MAX = 4;
/* Longest module string passed on (bytes, without the NUL). */
inline constexpr uint32_t MODULE_STRING_MAX = 1024;
/* Bytes of each EFI memory descriptor in tag 17 (efi-mmap): 40 and 8 of padding, as OVMF gives them. */
inline constexpr uint32_t EFI_DESCRIPTOR_SIZE = 48;

/*
 * Largest MBI built (bytes): fixed part, tags 21, 1, 2, 3 (module-range's
 * and the modules passed on), 6 or 17 (the larger entries: 17's), 4 and
 * end, each padded to 8.
 */
inline constexpr uint32_t MBI_BUILD_MAX =
    8 + 16 + (8 + CMDLINE_MAX + 8) + 32 + 32 + PASS_MODULES_MAX * (16 + MODULE_STRING_MAX + 8) +
    (16 + (MMAP_MAX + SPLIT_MAX + 1) * EFI_DESCRIPTOR_SIZE + 8) + 16 + 8;

/* A module passed on as a multiboot2 module tag: its bytes where QEMU put them, its string copied out. */
struct PassedModule {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string_len;                /* bytes of string, without a NUL */
    char string[MODULE_STRING_MAX];     /* QEMU's module string without its first word (the file's path) */
};

/* What the MBI is built from. */
struct MbiInput {
    const Args* args;           /* relboot's command line, the defect, efi-mmap */
    uint32_t base;              /* relboot's load base, for tag 21 */
    const HandedMap* map;       /* for the memory map tag (6, or 17 with efi-mmap) */
    uint32_t mem_lower;         /* KiB below 640 KiB, from the multiboot1 information */
    uint32_t mem_upper;         /* KiB from 1 MiB */
    uint32_t mod_start;         /* relboot's module, for module-range */
    uint32_t mod_end;
    const PassedModule* modules;    /* tag 3 each, in order */
    uint32_t module_count;
};

/*
 * A built MBI: bytes to copy (8-byte aligned buffer), the total_size
 * written in it (differs from bytes for total-small and total-huge),
 * for the defects of one tag, that tag's offset (for no-end-tag, where
 * the end tag would be), and the memory map's tag (6 or 17) and entries.
 */
struct MbiBuilt {
    const uint8_t* data;
    uint32_t bytes;
    uint32_t total_size;
    bool has_defect_offset;
    uint32_t defect_offset;
    uint32_t map_tag;
    uint32_t map_entries;
};

/*
 * Builds the MBI in a static buffer (valid until the next call): tags 21
 * (load base address), 1 (command line), 2 (boot loader name
 * "relboot-testloader"), 3 (module-range's module, then the modules
 * passed on), 6 (memory map, entry_size 24; with efi-mmap instead 17,
 * the EFI memory map: descriptors of EFI_DESCRIPTOR_SIZE bytes, version
 * 1, RAM as Loader/BootServices code and data and conventional memory by
 * turns, its pages within the range; the other types' pages covering it),
 * 4 (basic memory information), end, in GRUB's order, with
 * in.args->defect applied.  Where the MBI goes (and so the mbi-misaligned
 * and mbi-overlap defects) is the caller's choice.
 */
MbiBuilt build_mbi(const MbiInput& in);

} // namespace testloader

#endif
