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
 * The 32-bit stage's early step: the start info at info, read through
 * mem, as far as long mode needs it (the command line, taken as it is).
 * Sets protocol, info, info_size, cmdline and cmdline_len.
 */
InfoCheck pvh_early(BootState& bs, const PhysMemory& mem, PhysAddr info);

/*
 * The 64-bit stage's filler: the early step again, then the memory map
 * (version >= 1), the modules and their strings, rsdp_paddr as the ACPI
 * RSDP (AcpiSource::pvh), firmware bios, and BootState's memory map with
 * relboot's image, the start info, the command line, the module list and
 * strings and the modules in use.
 */
InfoCheck boot_info_from_pvh(BootState& bs, BootTables& tables, PhysAddr tables_phys, const PhysMemory& mem,
                             PhysAddr info);

} // namespace relboot

#endif
