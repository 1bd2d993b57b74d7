/*
 * The 64-bit stage's real-mode BIOS step (arch/x86/boot/bios/bios.cpp): whether
 * the BIOS calls behind edd=, edid= and vga= apply, making them through
 * the thunk (bios_call.h, bios_probe.h), and their report lines.
 */
#ifndef RELBOOT_BIOS_H
#define RELBOOT_BIOS_H

#include "boot_state.h"

namespace relboot {

class Console;

/*
 * Makes the BIOS calls when they apply: firmware BIOS, entered through
 * multiboot1 or multiboot2 (PVH promises no BIOS: Xen skips real mode
 * there too), real-mode not turned off (no-real-mode), and a free page
 * below the EBDA (low_memory.h).  On success BootState.bios names the
 * results.  Runs once, after the filler (the memory map) and the report's
 * platform lines, and before anything else uses low memory (the APs'
 * trampoline may take the same page afterwards: nothing in it matters
 * once this returns).
 */
void bios_run(BootState& bs);

/*
 * The report: "edd disks=<n>" and one "edd disk=..." line per drive,
 * "edid ..." and "vga mode=..." (docs/report.md) on info; on con one
 * warning when options that need the BIOS were given but the calls did
 * not apply, or when vga= could not be done.
 */
void bios_report(const BootState& bs, Console& info, Console& con);

} // namespace relboot

#endif
