/*
 * The MBI walker: one bounded pass over the multiboot2 boot information
 * (Multiboot2 Specification 2.0, 3.6) that checks its structure and
 * finds what relboot uses.  Pure and freestanding: the 32-bit stage runs
 * it on the loader's MBI, the host tests and the fuzzer on bytes.
 *
 * It never reads outside [mbi, mbi + total_size) and never loops for
 * ever: every step advances by at least 8 bytes.
 */
#ifndef RELBOOT_MBI_H
#define RELBOOT_MBI_H

#include <cstdint>
#include "boot_state.h"
#include "protocol/mbi_limits.h"

namespace relboot {

class Console;


enum class MbiError : uint8_t {
    none = 0,
    misaligned,             /* MBI address not 8-byte aligned (3.6.2) */
    total_size_small,       /* total_size < 16: no room for the fixed part and an end tag */
    total_size_large,       /* total_size > MBI_MAX_SIZE, or it wraps past 4 GiB */
    tag_size_small,         /* a tag's size < 8 (or < the fixed part of its type) */
    tag_overrun,            /* a tag runs past total_size */
    no_end_tag,             /* total_size reached without an end tag (type 0, size 8) */
    string_unterminated,    /* command line or module string without NUL inside its size */
    mmap_entry_size,        /* memory map entry_size < 24 or not a multiple of 8 */
    mmap_overrun,           /* memory map entries do not fill the tag exactly */
    module_range,           /* module mod_start > mod_end */
    efi_mmap_descr_size,    /* EFI memory map descr_size < 40 or not a multiple of 8 */
};

/* How far mbi_scan() walks. */
enum class MbiWalk : uint8_t {
    full,       /* every tag, to the end tag: the whole MBI checked */
    early,      /* stop once tags 21 and 1 are both seen (or at the end tag):
                   what the 32-bit stage needs before long mode; the 64-bit
                   stage walks the rest */
};

/* What the walker found; offsets are from the MBI's first byte. */
struct MbiScan {
    MbiError error;             /* first problem found; the rest is valid only when none */
    uint32_t error_offset;      /* offset of the tag at fault (0 for the fixed part) */
    uint32_t error_value;       /* the offending value (a size, an address) */
    uint32_t total_size;
    uint32_t tag_count;         /* tags before the end tag */
    bool tag21_present;
    uint32_t tag21;             /* load_base_addr of the first tag 21 */
    bool cmdline_present;
    uint32_t cmdline_offset;    /* offset of the first tag 1 string */
    uint32_t cmdline_len;       /* bytes before the tag's last byte (a NUL); the string may end earlier */
    bool efi;                   /* an EFI system-table tag (11 or 12) is present */
    uint32_t module_count;
    bool complete;              /* the walk reached the end tag (always, for MbiWalk::full) */
};

/*
 * Walks the MBI at mbi.  mbi_phys is its physical address (alignment
 * and the 4 GiB bound are checked on it).  available bounds how many bytes
 * may be read at all (the host tests and the fuzzer pass their buffer
 * size; the boot stages pass MBI_MAX_SIZE).  Reads total_size first and
 * then nothing beyond min(total_size, available).  Every tag it passes is
 * checked; with MbiWalk::early the tags after 21 and 1 are not looked at
 * (firmware kind and module count then stay unknown).
 */
MbiScan mbi_scan(const uint8_t* mbi, uint64_t mbi_phys, uint32_t available, MbiWalk walk = MbiWalk::full);

/* Bytes from a tag to the next: its size rounded up to 8 (3.6.2). */
constexpr uint32_t mbi_tag_step(uint32_t size)
{
    return (size + 7) & ~uint32_t(7);
}

/*
 * Calls f(offset, type, size) for each tag of an MBI that mbi_scan()
 * accepted, the end tag included (the walk relies on that check: it
 * bounds nothing itself beyond total_size).
 */
template <class F>
void mbi_for_each_tag(const uint8_t* mbi, uint32_t total_size, F f)
{
    for (uint32_t off = 8; off + 8 <= total_size;) {
        uint32_t type, size;
        __builtin_memcpy(&type, mbi + off, 4);
        __builtin_memcpy(&size, mbi + off + 4, 4);
        f(off, type, size);
        if (type == 0 || size < 8)
            return;
        off += mbi_tag_step(size);
    }
}

/* One-line description of an MbiError, what was expected included. */
const char* mbi_error_text(MbiError error);

/*
 * The 32-bit stage's step (before long mode): checks the MBI's header and
 * the tags up to 21 and 1 (mbi_scan(), MbiWalk::early) and, when they are
 * sound, sets bs.protocol, info, info_size, loader_base (tag 21),
 * cmdline and cmdline_len (tag 1).  On error writes nothing to bs and
 * returns the scan (the caller prints it: report_mbi_error()).
 */
MbiScan multiboot2_early(BootState& bs, const uint8_t* mbi, uint32_t mbi_phys);

/*
 * The final EFI memory map that the EFI amd64 entry got from
 * GetMemoryMap() before its ExitBootServices() succeeded (efi_exit.h):
 * descriptors are the bytes as the filler reads them, phys their physical
 * address (BootState.efi_mmap), size bytes of descriptors, desc_size at
 * least 40 and a multiple of 8 (the caller checks: report_efi_exit_error()).
 */
struct EfiFinalMap {
    const uint8_t* descriptors;
    PhysAddr phys;
    uint32_t size;
    uint32_t desc_size;
    uint32_t desc_version;
};

/*
 * The BootState filler for multiboot2 (64-bit stage; host tests and the
 * fuzzer run it on bytes).  Checks the whole MBI first (mbi_scan(),
 * MbiWalk::full) and, only when it is sound, fills from it:
 *   protocol, info, info_size, loader_base (tag 21), cmdline (tag 1),
 *   firmware and efi_system_table (tag 12, or 11: efi_64 = 0),
 *   efi_mmap (tag 17), acpi_rsdp_copy (tag 15, else 14),
 *   modules (tag 3, in order, at most MODULES_MAX: WARN_MODULES_TRUNCATED),
 *   the memory map (tag 6; without it tag 17's descriptors, converted):
 *   sorted and merged by memory_map_build() into tables.memory_map, with
 *   relboot's image [load_base, +image_size), the MBI and the modules
 *   marked in use (at most MEMORY_MAP_MAX: WARN_MMAP_TRUNCATED).
 * With efi_final (the EFI amd64 entry), its descriptors replace tags 6 and 17
 * as the memory map and as efi_mmap: GRUB leaves those tags out when it
 * keeps boot services, and any it passed would predate the exit.
 * bs.load_base and bs.image_size must be set.  tables_phys is tables'
 * physical address (BootState names the tables by it).  available bounds
 * the bytes of mbi that may be read (see mbi_scan()).  Returns the scan;
 * on error bs and tables are left as they were.
 */
MbiScan boot_info_from_multiboot2(BootState& bs, BootTables& tables, PhysAddr tables_phys, const uint8_t* mbi,
                                  PhysAddr mbi_phys, uint32_t available, const EfiFinalMap* efi_final = nullptr);

/* loglvl=debug (64-bit stage): one "debug: mbi tag" line per tag of bs.info, an MBI the filler accepted. */
void multiboot2_print_tags(const BootState& bs, Console& con);

} // namespace relboot

#endif
