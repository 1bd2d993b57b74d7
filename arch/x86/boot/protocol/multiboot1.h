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
 * The 32-bit stage's early step (protocols.def; the contract is
 * protocol_steps.h's): the boot information at info, read through mem,
 * as far as long mode needs it: the command line, without its first word
 * (the image's name, which every multiboot1 loader, GRUB, QEMU and iPXE,
 * puts there).  On success sets protocol, info, info_size, cmdline and
 * cmdline_len.  Faults (subject "multiboot1 info", at the structure's
 * address): the structure outside mem (field "ebx"), a command line
 * outside mem or without a NUL within 64 KiB ("cmdline").
 */
BootError multiboot1_early(BootState& bs, const PhysMemory& mem, PhysAddr info);

/*
 * The 64-bit stage's filler: the early step again through ctx.mem (the
 * command line lies outside the structure, and mem= may have capped the
 * identity map below it), then the memory map (mmap_*, else
 * mem_lower/mem_upper), the modules and their strings, the boot loader
 * name's bounds, firmware bios, and BootState's memory map with relboot's
 * image, the boot information, the command line, the module list and
 * strings and the modules in use.  Faults name the field (mmap_addr,
 * mmap_length, an entry's size, mods_addr, a module's mod_start or
 * string, boot_loader_name); `at` is the structure's address, or the
 * memory map entry's or module entry's.
 */
BootError boot_info_from_multiboot1(BootState& bs, const FillContext& ctx);

} // namespace relboot

#endif
