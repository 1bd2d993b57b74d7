/*
 * What the protocols' checks before .bss is zeroed share (protocols.def's
 * `outside` column; the contract is protocol_steps.h's): whether the bytes
 * a loader's pointer names reach into relboot's image, and the one fault
 * that says so:
 *
 *   relboot: error: <subject> at 0x<structure> <field>: 0x<pointer>, expected outside relboot's image;
 *   image = [0x<load base>, 0x<image end>)
 *
 * Pure, for the 32-bit stage (which runs it before BootState, in .bss, is
 * zeroed) and host tests.
 */
#ifndef RELBOOT_OUTSIDE_IMAGE_H
#define RELBOOT_OUTSIDE_IMAGE_H

#include <cstdint>
#include "lib/error.h"
#include <relboot/phys.h>

namespace relboot {

/* One structure's check: its subject ("multiboot1 info", "pvh info") and the image. */
struct ImageCheck {
    const char* subject;
    PhysRange image;        /* [load base, load base + image size) */

    /*
     * Whether the bytes [ptr, ptr + len) a pointer names (len 0: the
     * pointer itself) reach into the image.  Ranges past 2^64 are
     * clamped, never wrapped.
     */
    bool reaches(uint64_t ptr, uint64_t len) const
    {
        return image.overlaps(phys_range_clamped(ptr, len ? len : 1));
    }

    /*
     * The same for a NUL-terminated string at ptr, by its first byte: its
     * length is not known without a scan, which the early step and the
     * filler make (in the measured path once is enough), and a string
     * that a loader wrote from below the image into it has overwritten
     * the image's own bytes already.  ptr 0 is no string.
     */
    bool string_reaches(uint64_t ptr) const { return ptr && reaches(ptr, 1); }

    /* The fault: the field at the structure (or entry) at `at` holds ptr, which reaches into the image. */
    BootError fault(uint64_t at, const char* field, uint64_t ptr) const
    {
        return BootError{.subject = subject, .field = field, .found = ptr, .expected = "outside relboot's image",
                         .at = at, .limit_name = "image", .limit = image.base.value, .limit_end = image.end()};
    }
};

} // namespace relboot

#endif
