/*
 * Multiboot1: the header the test loader carries and the boot
 * information QEMU's -kernel loader hands it.  Names follow the
 * Multiboot Specification 0.6.96, sections 3.1 (OS image format) and
 * 3.3 (boot information format).  All fields are little-endian u32
 * unless stated.  Plain hexadecimal constants: the same text serves GNU as
 * and C++ (every value is below 2^31, so an int in C++).
 */
#ifndef TESTLOADER_MULTIBOOT1_H
#define TESTLOADER_MULTIBOOT1_H

/* 3.1.1: the header is u32-aligned within the first 8 KiB of the file. */
#define MULTIBOOT1_SEARCH             8192
#define MULTIBOOT1_HEADER_ALIGN       4
#define MULTIBOOT1_HEADER_MAGIC       0x1badb002
/* 3.2: EAX at the multiboot1 entry (and relboot's "wrong loader" value). */
#define MULTIBOOT1_BOOTLOADER_MAGIC   0x2badb002

/* 3.1.2 header flags. */
#define MULTIBOOT1_PAGE_ALIGN         0x01       /* modules on 4 KiB boundaries */
#define MULTIBOOT1_MEMORY_INFO        0x02       /* mem_* and mmap_* wanted */

/* 3.3 info flags: which fields are valid. */
#define MULTIBOOT1_INFO_MEMORY        0x01       /* mem_lower, mem_upper */
#define MULTIBOOT1_INFO_CMDLINE       0x04       /* cmdline */
#define MULTIBOOT1_INFO_MODS          0x08       /* mods_count, mods_addr */
#define MULTIBOOT1_INFO_MEM_MAP       0x40       /* mmap_length, mmap_addr */

/* 3.3 memory map entry types (the same numbers as multiboot2's). */
#define MULTIBOOT1_MEMORY_AVAILABLE   1

#ifndef __ASSEMBLER__
#include <cstdint>

namespace testloader::mb1 {

/* 3.3: the start of the boot information, as far as the loader reads it. */
struct Info {
    uint32_t flags;
    uint32_t mem_lower;     /* KiB from 0 (valid with MULTIBOOT1_INFO_MEMORY) */
    uint32_t mem_upper;     /* KiB from 1 MiB up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;       /* physical address of a NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr;     /* physical address of mods_count Module entries */
    uint32_t syms[4];
    uint32_t mmap_length;   /* bytes of memory map at mmap_addr */
    uint32_t mmap_addr;
};
static_assert(sizeof(Info) == 52);

/* 3.3: one module; mod_end is exclusive. */
struct Module {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string;
    uint32_t reserved;
};
static_assert(sizeof(Module) == 16);

/*
 * 3.3: one memory map entry, at offset -4 of the spec's "base address":
 * size does not count itself, so the next entry is at +size+4.  base_addr
 * is not 8-byte aligned: read it byte-wise.
 */
struct [[gnu::packed]] MmapEntry {
    uint32_t size;
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
};
static_assert(sizeof(MmapEntry) == 24);

} // namespace testloader::mb1
#endif

#endif
