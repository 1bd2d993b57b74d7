/*
 * The entry protocols' numbers, names and properties, all generated from
 * the one table, protocol/protocols.def.
 *
 * Assembly gets PROTOCOL_<ID> as assembler symbols (one ".equ" a row; GNU
 * as takes ';' between statements), the number an entry file puts in ESI
 * before it jumps to start32.  C++ gets the same PROTOCOL_<ID> constants,
 * the Protocol enum (BootState.protocol), protocol_name() and
 * protocol_reports_base().  The early steps and fillers are dispatched
 * in protocol_steps.h.
 */
#ifndef RELBOOT_PROTOCOLS_H
#define RELBOOT_PROTOCOLS_H

#ifdef __ASSEMBLER__

#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) .equ PROTOCOL_##ID, number;
#define RELBOOT_ENTRY(ID, number, protocol, early) .equ PROTOCOL_##ID, number;
#include "protocol/protocols.def"

#else

#include <cstdint>

namespace relboot {

/* PROTOCOL_<ID>: what the entry files pass in ESI (EntryState.protocol). */
#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) \
    inline constexpr uint32_t PROTOCOL_##ID = number;
#define RELBOOT_ENTRY(ID, number, protocol, early) inline constexpr uint32_t PROTOCOL_##ID = number;
#include "protocol/protocols.def"

/* How relboot was entered (BootState.protocol): one row of protocols.def each; none before the early step. */
enum class Protocol : uint8_t {
    none = 0,
#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) id = number,
#include "protocol/protocols.def"
};

/* The protocol's name in the report ("relboot: loader=<name>"); "none" for none. */
constexpr const char* protocol_name(Protocol p)
{
    switch (p) {
#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) \
    case Protocol::id:                                                      \
        return name;
#include "protocol/protocols.def"
    default:
        return "none";
    }
}

/*
 * Whether the protocol can say where the loader put the image (multiboot2:
 * tag 21).  Without such a word the base comes from EIP and that is no
 * cause for a warning; multiboot1 and PVH load at the link address.
 */
constexpr bool protocol_reports_base(Protocol p)
{
    switch (p) {
#define RELBOOT_PROTOCOL(id, ID, number, name, reports_base, early, filler) \
    case Protocol::id:                                                      \
        return reports_base;
#include "protocol/protocols.def"
    default:
        return false;
    }
}

} // namespace relboot

#endif

#endif
