/*
 * What the common 32-bit start (head32.S) hands the 32-bit C++ stage,
 * boot32_main(const EntryState*): built on the 32-bit stack by pushing
 * the fields from the last to the first, so the order here is the order
 * of the pushes reversed.  Every address is physical (paging is off).
 */
#ifndef RELBOOT_ENTRY32_H
#define RELBOOT_ENTRY32_H

/* Bytes head32.S pushes for it. */
#define ENTRY_STATE_SIZE 32

#ifndef __ASSEMBLER__
#include <cstdint>
#include "boot_state.h"
#include "stage32/image_layout.h"

namespace relboot {

struct EntryState {
    BootState* boot_state;            /* the image's boot_state, to fill */
    const ImageLayout* layout;      /* the image's image_layout */
    CmdlineSpans* spans;            /* the image's boot_cmdline_spans */
    uint32_t info;                  /* the protocol's information structure (EBX at entry) */
    uint32_t eip_base;              /* the load base, found from EIP */
    uint32_t protocol;              /* PROTOCOL_* (protocol.h), from the entry file */
    uint32_t tsc_lo, tsc_hi;        /* TSC at the entry's first instructions */
};
#if defined(__i386__)
static_assert(sizeof(EntryState) == ENTRY_STATE_SIZE);
#endif

} // namespace relboot
#endif

#endif
