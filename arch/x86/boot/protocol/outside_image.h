/*
 * What the protocols' checks before .bss is zeroed share (protocols.def's
 * `outside` column; the contract is protocol_steps.h's): whether the bytes
 * a loader's pointer names reach into relboot's image, and the one fault
 * that says so:
 *
 *   relboot: error: <subject> at 0x<structure> <field>: 0x<pointer>, expected outside relboot's image;
 *   image = [0x<load base>, 0x<image end>)
 *
 * Pure, read-only (through a PhysMemory window), for the 32-bit stage
 * (which runs it before BootState, in .bss, is zeroed) and host tests.
 */
#ifndef RELBOOT_OUTSIDE_IMAGE_H
#define RELBOOT_OUTSIDE_IMAGE_H

#include <cstdint>
#include "lib/error.h"
#include "protocol/info_read.h"
#include <relboot/phys.h>

namespace relboot {

/* One structure's check: its subject ("multiboot1 info", "pvh info"), the image, the memory to read strings from. */
struct ImageCheck {
    const char* subject;
    PhysRange image;        /* [load base, load base + image size) */
    const PhysMemory& mem;

    /*
     * The fault of the field at the structure (or entry) at `at` whose
     * pointer ptr names bytes [ptr, ptr + len) (len 0: the pointer itself)
     * that reach into the image; no error when none does.  Ranges past
     * 2^64 are clamped, never wrapped.
     */
    BootError range(uint64_t at, const char* field, uint64_t ptr, uint64_t len) const
    {
        if (!image.overlaps(phys_range_clamped(ptr, len ? len : 1)))
            return {};
        return BootError{.subject = subject, .field = field, .found = ptr, .expected = "outside relboot's image",
                         .at = at, .limit_name = "image", .limit = image.base.value, .limit_end = image.end()};
    }

    /*
     * The same for a NUL-terminated string at ptr: its bytes up to and
     * with the NUL when there is one within INFO_STRING_MAX (info_string()),
     * else only its first byte (the early step refuses such a string).
     * ptr 0 is no string.
     */
    BootError string(uint64_t at, const char* field, uint64_t ptr) const
    {
        if (!ptr)
            return {};
        uint32_t len = 0;
        const bool terminated = info_string(mem, ptr, &len) != nullptr;
        return range(at, field, ptr, terminated ? uint64_t(len) + 1 : 1);
    }
};

} // namespace relboot

#endif
