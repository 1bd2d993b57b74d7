/*
 * Relocation of the prebuilt page tables (arch/x86/boot/pagetables.S).
 */
#ifndef RELBOOT_PT_FIXUP_H
#define RELBOOT_PT_FIXUP_H

#include <cstdint>
#include <relboot/image_layout.h>

namespace relboot {

/*
 * For every entry listed in layout.reloc[] (offsets into the image that
 * starts at image): adds delta (load base - link base, modulo 2^32; a
 * multiple of 4 KiB, so the flags in bits 11:0 never change and an absent
 * entry stays absent) to the entry's bits 31:0, and clears XD (bit 63)
 * when nx is false.  Touches no other memory.  The caller guarantees that every relocated address
 * stays below 4 GiB (the image lies below 4 GiB), and that layout is
 * the image's own (image_layout, built by the linker: its ranges lie in
 * the image, 8-aligned); at most IMAGE_RELOC_RANGES ranges are read.
 * Runs once a boot, in the measured path: 4 instructions an entry.
 */
void pt_fixup(uint8_t* image, const ImageLayout& layout, uint32_t delta, bool nx);

/*
 * mem=: clears the identity map's 2 MiB entries (layout.identity_pd) that
 * start at or above limit (bytes; a limit that is not a multiple of 2 MiB
 * keeps the page it falls in).  limit >= 4 GiB clears nothing.  Returns
 * the number of entries cleared.
 */
uint32_t pt_cap_identity(uint8_t* image, const ImageLayout& layout, uint64_t limit);

} // namespace relboot

#endif
