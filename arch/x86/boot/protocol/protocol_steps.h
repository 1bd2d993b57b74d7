/*
 * The protocols' two steps, declared and dispatched from the one table
 * (protocol/protocols.def): the 32-bit stage calls protocol_early(), the
 * 64-bit stage protocol_fill().  Each protocol's own header
 * (protocol/mbi.h, multiboot1.h, pvh.h) says what its steps check.
 *
 * The early step, BootError early(BootState& bs, const PhysMemory& mem,
 * PhysAddr info), in the 32-bit stage (paging off; mem maps memory below
 * 4 GiB): checks the loader's information structure at info as far as
 * the rest of relboot relies on it before the filler, and on success sets
 * protocol, info, info_size, cmdline and cmdline_len (and what the
 * protocol adds: multiboot2's loader_base, its tag index and
 * entry_efi64).  On a fault it returns the fault and sets no field but
 * its own scratch (multiboot2's tag index, bs.mbi) and, when the command
 * line lies before the fault and is itself sound, cmdline and
 * cmdline_len, so that the 32-bit stage parses it (console=, debug-exit=)
 * before it prints the error line.
 *
 * The filler, BootError filler(BootState& bs, const FillContext& ctx), in
 * the 64-bit stage after the early step: adds the firmware kind, the
 * modules, the memory map (into ctx.tables) and what the protocol says
 * about the firmware's tables.  On a fault it returns it; BootState and
 * the tables are then not to be used (the run ends).
 */
#ifndef RELBOOT_PROTOCOL_STEPS_H
#define RELBOOT_PROTOCOL_STEPS_H

#include "boot_state.h"
#include "lib/error.h"
#include "protocol/info_read.h"
#include "protocol/protocols.h"

namespace relboot {

#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) \
    BootError early(BootState& bs, const PhysMemory& mem, PhysAddr info);  \
    BootError filler(BootState& bs, const FillContext& ctx);
#define RELBOOT_ENTRY(ID, number, protocol, early) BootError early(BootState& bs, const PhysMemory& mem, PhysAddr info);
#include "protocol/protocols.def"

/*
 * The early step of the protocol whose entry passed `entry` (EntryState.protocol,
 * PROTOCOL_<ID>).  An unknown number is refused: an entry file and the
 * table disagree.
 */
inline BootError protocol_early(uint32_t entry, BootState& bs, const PhysMemory& mem, PhysAddr info)
{
    switch (entry) {
#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) \
    case PROTOCOL_##ID:                                                     \
        return early(bs, mem, info);
#define RELBOOT_ENTRY(ID, number, protocol, early) \
    case PROTOCOL_##ID:                            \
        return early(bs, mem, info);
#include "protocol/protocols.def"
    default:
        return BootError{.subject = "entry",
                         .field = "protocol",
                         .found = entry,
                         .expected = "a PROTOCOL_* number of protocol/protocols.def in ESI",
                         .found_radix = Radix::dec};
    }
}

/* The filler of bs.protocol (set by the early step). */
inline BootError protocol_fill(BootState& bs, const FillContext& ctx)
{
    switch (bs.protocol) {
#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) \
    case Protocol::id:                                                      \
        return filler(bs, ctx);
#include "protocol/protocols.def"
    default:
        return BootError{.subject = "boot state",
                         .field = "protocol",
                         .found = uint8_t(bs.protocol),
                         .expected = "a protocol of protocol/protocols.def, set by the early step",
                         .found_radix = Radix::dec};
    }
}

} // namespace relboot

#endif
