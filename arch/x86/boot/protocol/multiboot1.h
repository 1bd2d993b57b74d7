/*
 * The Multiboot1 protocol's early step and BootState filler
 * (protocol/multiboot1.cpp); the format itself is include/relboot/spec/multiboot1.h.
 */
#ifndef RELBOOT_PROTOCOL_MULTIBOOT1_H
#define RELBOOT_PROTOCOL_MULTIBOOT1_H

#include "boot_state.h"
#include "protocol/info_read.h"
#include <relboot/spec/multiboot1.h>

namespace relboot {

/*
 * Bytes of the first word of a multiboot1 string [s, s+len) and of the
 * spaces after it: the file name that multiboot1 loaders (GRUB legacy,
 * QEMU's -kernel and -initrd, iPXE) put in front of the image's command
 * line and of each module's string.  0 <= result <= len.
 */
uint32_t multiboot1_name_length(const char* s, uint32_t len);

/*
 * The 32-bit stage's early step: the boot information at info, read
 * through mem, as far as long mode needs it: the command line, without
 * its first word (the image's name, which every multiboot1 loader, GRUB,
 * QEMU and iPXE, puts there).  Sets protocol, info, info_size, cmdline
 * and cmdline_len.
 */
InfoCheck multiboot1_early(BootState& bs, const PhysMemory& mem, PhysAddr info);

/*
 * The 64-bit stage's filler: the early step again, then the memory map
 * (mmap_*, else mem_lower/mem_upper), the modules and their strings, the
 * boot loader name's bounds, firmware bios, and BootState's memory map
 * with relboot's image, the boot information, the command line, the
 * module list and strings and the modules in use.
 */
InfoCheck boot_info_from_multiboot1(BootState& bs, BootTables& tables, PhysAddr tables_phys, const PhysMemory& mem,
                                    PhysAddr info);

} // namespace relboot

#endif
