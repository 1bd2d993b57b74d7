/*
 * The image-dependent entries of the boot page tables (arch/x86/boot/stage32/pagetables.S).
 */
#ifndef RELBOOT_PT_FIXUP_H
#define RELBOOT_PT_FIXUP_H

#include <cstdint>
#include "stage32/image_layout.h"

namespace relboot {

/*
 * Writes every entry that layout's runs list (offsets into the image that
 * starts at image; see PtRun): the run's targets at base, the physical
 * address the image was loaded at (4 KiB aligned), with the run's flags,
 * XD (bit 63) cleared when nx is false.  Touches no other memory: the
 * prebuilt identity entries stay as they are.  The caller guarantees that
 * base + image size stays below 4 GiB, and that layout is the image's own
 * (image_layout: its runs lie in the image, the first names its entry).
 * Runs once a boot, in the measured path.
 */
void pt_fixup(uint8_t* image, const ImageLayout& layout, uint32_t base, bool nx);

/*
 * mem=: clears the identity map's 2 MiB entries (layout.identity_pd) that
 * start at or above limit (bytes; a limit that is not a multiple of 2 MiB
 * keeps the page it falls in).  limit >= 4 GiB clears nothing.  Returns
 * the number of entries cleared.
 */
uint32_t pt_cap_identity(uint8_t* image, const ImageLayout& layout, uint64_t limit);

} // namespace relboot

#endif
