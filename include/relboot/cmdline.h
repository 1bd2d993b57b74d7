/*
 * relboot's command line (MBI tag 1): what it recognises and the parser.
 * Parsed by the 32-bit stage before paging is set up; the result is a
 * plain structure in boot_info that the 64-bit stage reads.
 */
#ifndef RELBOOT_CMDLINE_H
#define RELBOOT_CMDLINE_H

#include <cstdint>

namespace relboot {

/* debug-fault= / debug-fault32=: which exception to raise on purpose (tests). */
enum class DebugFault : uint8_t {
    none = 0,
    ud2 = 1,    /* #UD from UD2 */
    gp = 2,     /* #GP (64-bit: non-canonical load; 32-bit: load beyond a segment limit) */
    pf = 3,     /* #PF from a write to read-only image text (64-bit stage only: no paging before) */
};

/* Parsed options; all-zero means "every default". */
struct Options {
    uint16_t debug_exit_port;   /* debug-exit=<port>: 1..0xffff, 0 = halt at the end */
    DebugFault debug_fault;     /* debug-fault=: raise in the 64-bit stage */
    DebugFault debug_fault32;   /* debug-fault32=ud2|gp: raise in the 32-bit stage */
    uint8_t reserved[4];
};
static_assert(sizeof(Options) == 8);

/*
 * Parses len bytes at s (stops early at a NUL).  Tokens are separated by
 * space, tab, CR or LF; "name=value" sets a recognised option (the last
 * occurrence wins); anything else is ignored.  A malformed value leaves
 * the option at its default.
 */
void cmdline_parse(const char* s, uint32_t len, Options* out);

} // namespace relboot

#endif
