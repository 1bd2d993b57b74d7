/*
 * The 64-bit self-test of the live page tables.
 */
#ifndef RELBOOT_SELFTEST_H
#define RELBOOT_SELFTEST_H

#include "boot_state.h"
#include "lib/console.h"

namespace relboot {

/*
 * Walks the tables CR3 points at and checks that: CR3 is the relocated
 * pml4; every entry of every boot table is exactly what the layout
 * predicts for this load base (relocated links and image pages, unmoved
 * identity pages, nothing else present); image addresses translate to
 * load base + offset with text read-only and executable, rodata
 * read-only and data writable, both no-execute when NX is on; and the
 * identity map reaches the MBI and the top of 4 GiB.  Prints one
 * "relboot: selftest fail <what>" line per failed check (at most a few
 * per table) and returns the number of checks that failed (0: pass).
 */
uint32_t selftest_paging(const BootState& bs, Console& con);

} // namespace relboot

#endif
