/*
 * Multiboot1 (Multiboot Specification 0.6.96; GRUB's include/multiboot.h):
 * the header relboot carries (3.1) and the boot information a loader
 * hands over (3.3).  Names follow the specification, with MULTIBOOT1_ in
 * front of the constants so that they cannot be mistaken for multiboot2's.
 * Usable from assembly, C++ and the linker script.
 */
#ifndef RELBOOT_MULTIBOOT1_H
#define RELBOOT_MULTIBOOT1_H

#include <relboot/spec/macros.h>

/* 3.1.1: the header is u32-aligned and lies wholly in the file's first 8 KiB. */
#define MULTIBOOT1_SEARCH               8192
#define MULTIBOOT1_HEADER_ALIGN         4
#define MULTIBOOT1_HEADER_MAGIC         UINT32(0x1badb002)
/* 3.2: EAX at the entry. */
#define MULTIBOOT1_BOOTLOADER_MAGIC     UINT32(0x2badb002)

/* 3.1.2 header flags: bits 0-15 must be understood by the loader, 16-31 are optional. */
#define MULTIBOOT1_PAGE_ALIGN           UINT32(0x00000001)  /* modules on 4 KiB boundaries */
#define MULTIBOOT1_MEMORY_INFO          UINT32(0x00000002)  /* mem_* (and mmap_*) wanted */
#define MULTIBOOT1_VIDEO_MODE           UINT32(0x00000004)  /* mode_type .. depth valid */
#define MULTIBOOT1_AOUT_KLUDGE          UINT32(0x00010000)  /* header_addr .. entry_addr valid */

/* 3.3 info flags: which fields of the boot information are valid. */
#define MULTIBOOT1_INFO_MEMORY          UINT32(0x00000001)  /* mem_lower, mem_upper */
#define MULTIBOOT1_INFO_BOOTDEV         UINT32(0x00000002)  /* boot_device */
#define MULTIBOOT1_INFO_CMDLINE         UINT32(0x00000004)  /* cmdline */
#define MULTIBOOT1_INFO_MODS            UINT32(0x00000008)  /* mods_count, mods_addr */
#define MULTIBOOT1_INFO_AOUT_SYMS       UINT32(0x00000010)
#define MULTIBOOT1_INFO_ELF_SHDR        UINT32(0x00000020)
#define MULTIBOOT1_INFO_MEM_MAP         UINT32(0x00000040)  /* mmap_length, mmap_addr */
#define MULTIBOOT1_INFO_DRIVE_INFO      UINT32(0x00000080)
#define MULTIBOOT1_INFO_CONFIG_TABLE    UINT32(0x00000100)
#define MULTIBOOT1_INFO_BOOT_LOADER_NAME UINT32(0x00000200) /* boot_loader_name */
#define MULTIBOOT1_INFO_APM_TABLE       UINT32(0x00000400)
#define MULTIBOOT1_INFO_VBE_INFO        UINT32(0x00000800)
#define MULTIBOOT1_INFO_FRAMEBUFFER_INFO UINT32(0x00001000)

/* 3.3: bytes of the boot information up to the last framebuffer field. */
#define MULTIBOOT1_INFO_SIZE            116

/* 3.3 memory map entry types (the ACPI numbers, as multiboot2's). */
#define MULTIBOOT1_MEMORY_AVAILABLE     1

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

namespace relboot::mb1 {

/* 3.1.1: the header; the address fields are valid with MULTIBOOT1_AOUT_KLUDGE. */
struct Header {
    uint32_t magic;
    uint32_t flags;
    uint32_t checksum;          /* magic + flags + checksum == 0 (mod 2^32) */
    uint32_t header_addr;       /* physical address of magic */
    uint32_t load_addr;         /* physical address of the first byte loaded */
    uint32_t load_end_addr;     /* end (exclusive) of the bytes loaded from the file */
    uint32_t bss_end_addr;      /* end (exclusive) of what the loader zeroes */
    uint32_t entry_addr;        /* physical entry address */
};
static_assert(sizeof(Header) == 32);

/* 3.3: the boot information (the MBI). */
struct [[gnu::packed]] Info {
    uint32_t flags;             /* MULTIBOOT1_INFO_*: which fields below are valid */
    uint32_t mem_lower;         /* KiB from 0 */
    uint32_t mem_upper;         /* KiB from 1 MiB up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;           /* physical address of a NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr;         /* physical address of mods_count Module entries */
    uint32_t syms[4];
    uint32_t mmap_length;       /* bytes of memory map at mmap_addr */
    uint32_t mmap_addr;
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;  /* physical address of a NUL-terminated string */
    uint32_t apm_table;
    uint32_t vbe_control_info;
    uint32_t vbe_mode_info;
    uint16_t vbe_mode;
    uint16_t vbe_interface_seg;
    uint16_t vbe_interface_off;
    uint16_t vbe_interface_len;
    uint64_t framebuffer_addr;
    uint32_t framebuffer_pitch;
    uint32_t framebuffer_width;
    uint32_t framebuffer_height;
    uint8_t framebuffer_bpp;
    uint8_t framebuffer_type;
    uint8_t color_info[6];
};
static_assert(sizeof(Info) == MULTIBOOT1_INFO_SIZE);
static_assert(offsetof(Info, cmdline) == 16 && offsetof(Info, mods_count) == 20 && offsetof(Info, mods_addr) == 24);
static_assert(offsetof(Info, mmap_length) == 44 && offsetof(Info, mmap_addr) == 48);
static_assert(offsetof(Info, boot_loader_name) == 64);
static_assert(offsetof(Info, framebuffer_addr) == 88);

/* 3.3: one module; mod_end is exclusive. */
struct Module {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string;            /* physical address of a NUL-terminated string; 0 = none */
    uint32_t reserved;
};
static_assert(sizeof(Module) == 16 && offsetof(Module, mod_end) == 4 && offsetof(Module, string) == 8);

/*
 * 3.3: one memory map entry.  size (the bytes after it) comes first, so
 * the next entry is at this one + size + 4; size is 20 from every known
 * loader.
 */
struct [[gnu::packed]] MmapEntry {
    uint32_t size;
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
};
static_assert(sizeof(MmapEntry) == 24 && offsetof(MmapEntry, base_addr) == 4 && offsetof(MmapEntry, length) == 12);
static_assert(offsetof(MmapEntry, type) == 20);

} // namespace relboot::mb1

#endif

#endif
