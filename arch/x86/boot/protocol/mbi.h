/*
 * The multiboot2 protocol (Multiboot2 Specification 2.0, 3.6): the one
 * checked walk over the boot information (the MBI), the 32-bit stage's
 * early step that runs it, and the 64-bit stage's BootState filler that
 * reads the tags the walk recorded.  Pure and freestanding: the boot
 * stages run it on the loader's MBI, the host tests and the fuzzer on
 * bytes.
 *
 * The MBI is walked once, in the 32-bit stage, before anything depends on
 * it: the walk checks every tag and records where the tags relboot reads
 * are (MbiIndex, boot_state.h); the filler reads those tags through the
 * spec's structs (include/relboot/spec/multiboot2.h) and walks no more.
 * The walk never reads outside [mbi, mbi + total_size) and never loops
 * for ever: every step advances by at least 8 bytes.
 */
#ifndef RELBOOT_MBI_H
#define RELBOOT_MBI_H

#include <cstdint>
#include <relboot/spec/multiboot2.h>
#include "boot_state.h"
#include "lib/error.h"
#include "protocol/info_read.h"
#include "protocol/mbi_limits.h"

namespace relboot {

class Console;

/* What the walk found besides its MbiIndex. */
struct MbiScan {
    BootError error;        /* ok(): the whole MBI is sound; else its first fault (subject "multiboot2 info") */
    uint32_t total_size;    /* the fixed part's total_size (0 when it could not be read) */
    uint32_t tag_count;     /* tags before the end tag (before the fault) */
};

/*
 * Walks the MBI at mbi, whose physical address is mbi_phys (alignment and
 * the 4 GiB bound are checked on it), to its end tag, checking each tag:
 * size at least 8 and at least its type's fixed part, within total_size;
 * strings (tags 1, 2, 3) NUL-terminated within the tag; module mod_start
 * <= mod_end; memory map entry_size >= 24 and a multiple of 8, entries
 * filling the tag; EFI memory map descr_size >= 40 and a multiple of 8.
 * available bounds how many bytes may be read at all (the early step
 * passes total_size when its window maps them, the host tests and the
 * fuzzer their buffer's size).  Reads total_size first and then nothing
 * beyond min(total_size, available).  The first fault ends the walk: its
 * BootError has `at` = the MBI's address plus the offset of the tag at
 * fault (of the fixed part: the MBI's address), the field by the spec's
 * name and the value found.  The walk records in index where the tags
 * relboot reads are (offsets from the MBI's first byte), among those
 * before the fault; it resets index's counts and offsets first, and
 * writes modules[] only up to module_count (index may be BootState's own:
 * the early step walks straight into bs.mbi, no copy).
 */
MbiScan mbi_scan(const uint8_t* mbi, uint64_t mbi_phys, uint32_t available, MbiIndex& index);

/* Bytes from a tag to the next: its size rounded up to 8 (3.6.2). */
constexpr uint32_t mbi_tag_step(uint32_t size)
{
    return (size + 7) & ~uint32_t(7);
}

/*
 * Calls f(offset, type, size) for each tag of an MBI that mbi_scan()
 * accepted, the end tag included (the walk relies on that check: it
 * bounds nothing itself beyond total_size).  For reports (loglvl=debug)
 * and tests; the filler uses the walk's MbiIndex instead.
 */
template <class F>
void mbi_for_each_tag(const uint8_t* mbi, uint32_t total_size, F f)
{
    for (uint32_t off = sizeof(mb2::Fixed); off + sizeof(mb2::Tag) <= total_size;) {
        const uint32_t type = LOAD_FIELD(mb2::Tag, mbi + off, type), size = LOAD_FIELD(mb2::Tag, mbi + off, size);
        f(off, type, size);
        if (type == MULTIBOOT2_TAG_TYPE_END || size < sizeof(mb2::Tag))
            return;
        off += mbi_tag_step(size);
    }
}

/*
 * The 32-bit stage's step (protocols.def; the contract is protocol_steps.h's):
 * the whole MBI at info, read through mem, checked by mbi_scan() with
 * bs.mbi as its index; when it is sound, also sets protocol, info,
 * info_size, entry_efi64 = 0 (the i386 entry), loader_base (the first tag
 * 21), cmdline and cmdline_len (the first tag 1).  A fault after a sound
 * tag 1 still sets cmdline and cmdline_len; bs.mbi then holds what the
 * walk saw before the fault (unused: the run ends).
 */
BootError multiboot2_early(BootState& bs, const PhysMemory& mem, PhysAddr info);

/* The same for the EFI amd64 entry (PROTOCOL_MULTIBOOT2_EFI64): also sets bs.entry_efi64. */
BootError multiboot2_efi64_early(BootState& bs, const PhysMemory& mem, PhysAddr info);

/*
 * The BootState filler for multiboot2 (64-bit stage; host tests and the
 * fuzzer run it on bytes), after multiboot2_early() accepted the MBI.
 * Reads the tags bs.mbi names, through ctx.mem:
 *   firmware and efi_system_table (tag 12, else 11: efi_64 = 0),
 *   efi_mmap (tag 17), acpi_rsdp_copy (tag 15, else 14),
 *   modules (tags 3, in order, at most MODULES_MAX: WARN_MODULES_TRUNCATED
 *   and modules_dropped), the memory map (tag 6; without it tag 17's
 *   descriptors, converted): every entry, merged as it comes by a
 *   MemoryMapBuilder (memory_map.h) in ctx.tables->memory_map, with
 *   relboot's image [load_base, +image_size), the MBI and the modules
 *   marked in use (at most MEMORY_MAP_MAX ranges: WARN_MMAP_TRUNCATED,
 *   memory_map_dropped and memory_map_cut).
 * After the EFI amd64 entry (bs.entry_efi64) it first checks the EfiExit
 * record at ctx.efi_exit (efi_exit.h): a failed ExitBootServices() is its
 * fault (subject "efi exit"); else the final map the record holds replaces
 * tags 6 and 17 as the memory map and as efi_mmap: GRUB leaves those tags
 * out when it keeps boot services, and any it passed would predate the
 * exit.  bs.load_base and bs.image_size must be set.
 */
BootError boot_info_from_multiboot2(BootState& bs, const FillContext& ctx);

/* loglvl=debug (64-bit stage): one "debug: mbi tag" line per tag of bs.info, an MBI the early step accepted. */
void multiboot2_print_tags(const BootState& bs, Console& con);

} // namespace relboot

#endif
