/*
 * The PVH protocol's early step and BootState filler
 * (protocol/pvh.cpp); the format itself is include/relboot/spec/pvh.h.
 */
#ifndef RELBOOT_PROTOCOL_PVH_H
#define RELBOOT_PROTOCOL_PVH_H

#include "boot_state.h"
#include "protocol/info_read.h"
#include <relboot/spec/pvh.h>

namespace relboot {

/*
 * The 32-bit stage's early step (protocols.def; the contract is
 * protocol_steps.h's): the start info at info, read through mem, as far
 * as long mode needs it (the magic, the command line taken as it is).  On
 * success sets protocol, info, info_size, cmdline and cmdline_len.
 * Faults (subject "pvh info", at the start info's address): outside mem
 * ("ebx"), a wrong magic ("magic"), a command line outside mem or without
 * a NUL within 64 KiB ("cmdline_paddr").
 */
BootError pvh_early(BootState& bs, const PhysMemory& mem, PhysAddr info);

/*
 * The 64-bit stage's filler: the early step again through ctx.mem, then
 * the memory map (version >= 1), the modules and their strings,
 * rsdp_paddr as the ACPI RSDP (AcpiSource::pvh), firmware bios, and
 * BootState's memory map with relboot's image, the start info, the
 * command line, the module list and strings and the modules in use.
 * Faults name the field (memmap_paddr, modlist_paddr, a module's size or
 * cmdline_paddr); `at` is the start info's address, or the module entry's.
 */
BootError boot_info_from_pvh(BootState& bs, const FillContext& ctx);

} // namespace relboot

#endif
