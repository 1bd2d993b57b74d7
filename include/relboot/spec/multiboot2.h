/*
 * Multiboot2: the header an image carries and the boot information (MBI)
 * a loader hands over.  Names follow the Multiboot2 Specification 2.0,
 * sections 3.1 (OS image format) and 3.6 (boot information); the section
 * numbers below are those of the specification's table of contents.
 * All fields are little-endian u32 unless stated; header and MBI tags are
 * 8-byte aligned.
 */
#ifndef RELBOOT_MULTIBOOT2_H
#define RELBOOT_MULTIBOOT2_H

#include <relboot/spec/macros.h>

/* 3.1.2 header magic and architecture; 3.3 EAX value at entry. */
#define MULTIBOOT2_HEADER_MAGIC          UINT32(0xe85250d6)
#define MULTIBOOT2_ARCHITECTURE_I386     0
#define MULTIBOOT2_BOOTLOADER_MAGIC      UINT32(0x36d76289)
/* 3.1.1: the header must lie in the first 32 KiB of the file, 8-byte aligned. */
#define MULTIBOOT2_SEARCH                32768
#define MULTIBOOT2_HEADER_ALIGN          8
#define MULTIBOOT2_TAG_ALIGN             8

/* 3.1.3 header tag types (3.1.4 .. 3.1.13) and flags. */
#define MULTIBOOT2_HEADER_TAG_END                   0
#define MULTIBOOT2_HEADER_TAG_INFORMATION_REQUEST   1
#define MULTIBOOT2_HEADER_TAG_ADDRESS               2
#define MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS         3
#define MULTIBOOT2_HEADER_TAG_CONSOLE_FLAGS         4
#define MULTIBOOT2_HEADER_TAG_FRAMEBUFFER           5
#define MULTIBOOT2_HEADER_TAG_MODULE_ALIGN          6
#define MULTIBOOT2_HEADER_TAG_EFI_BS                7
#define MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS_EFI32   8
#define MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS_EFI64   9
#define MULTIBOOT2_HEADER_TAG_RELOCATABLE           10
#define MULTIBOOT2_HEADER_TAG_OPTIONAL              1

/* 3.1.9 flags tag: console flags. */
#define MULTIBOOT2_CONSOLE_FLAGS_CONSOLE_REQUIRED     1
#define MULTIBOOT2_CONSOLE_FLAGS_EGA_TEXT_SUPPORTED   2

/* 3.1.13 relocatable header tag: load address preference. */
#define MULTIBOOT2_LOAD_PREFERENCE_NONE  0
#define MULTIBOOT2_LOAD_PREFERENCE_LOW   1
#define MULTIBOOT2_LOAD_PREFERENCE_HIGH  2

/* 3.6.2 .. 3.6.23 boot information tag types. */
#define MULTIBOOT2_TAG_TYPE_END               0
#define MULTIBOOT2_TAG_TYPE_CMDLINE           1
#define MULTIBOOT2_TAG_TYPE_BOOT_LOADER_NAME  2
#define MULTIBOOT2_TAG_TYPE_MODULE            3
#define MULTIBOOT2_TAG_TYPE_BASIC_MEMINFO     4
#define MULTIBOOT2_TAG_TYPE_BOOTDEV           5
#define MULTIBOOT2_TAG_TYPE_MMAP              6
#define MULTIBOOT2_TAG_TYPE_VBE               7
#define MULTIBOOT2_TAG_TYPE_FRAMEBUFFER       8
#define MULTIBOOT2_TAG_TYPE_ELF_SECTIONS      9
#define MULTIBOOT2_TAG_TYPE_APM               10
#define MULTIBOOT2_TAG_TYPE_EFI32             11
#define MULTIBOOT2_TAG_TYPE_EFI64             12
#define MULTIBOOT2_TAG_TYPE_SMBIOS            13
#define MULTIBOOT2_TAG_TYPE_ACPI_OLD          14
#define MULTIBOOT2_TAG_TYPE_ACPI_NEW          15
#define MULTIBOOT2_TAG_TYPE_NETWORK           16
#define MULTIBOOT2_TAG_TYPE_EFI_MMAP          17
#define MULTIBOOT2_TAG_TYPE_EFI_BS            18
#define MULTIBOOT2_TAG_TYPE_EFI32_IH          19
#define MULTIBOOT2_TAG_TYPE_EFI64_IH          20
#define MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR    21

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

namespace relboot::mb2 {

/* 3.6.2: the fixed part at the start of the MBI (3.6.1: its address is in EBX, 8-byte aligned). */
struct Fixed {
    uint32_t total_size;   /* bytes, including this part and the end tag */
    uint32_t reserved;
};
static_assert(sizeof(Fixed) == 8 && offsetof(Fixed, total_size) == 0);

/* 3.6.2: every tag starts with type and size (size excludes padding). */
struct Tag {
    uint32_t type;
    uint32_t size;
};
static_assert(sizeof(Tag) == 8 && offsetof(Tag, size) == 4);

/* 3.6.5 (type 1, command line) and 3.6.9 (type 2, loader name): a NUL-terminated UTF-8 string follows. */
struct TagString {
    uint32_t type;
    uint32_t size;
    /* char string[size - 8]; */
};
static_assert(sizeof(TagString) == 8);

/* 3.6.6 (type 3): [mod_start, mod_end), mod_end exclusive; a NUL-terminated string follows. */
struct TagModule {
    uint32_t type;
    uint32_t size;
    uint32_t mod_start;
    uint32_t mod_end;
    /* char string[size - 16]; */
};
static_assert(sizeof(TagModule) == 16 && offsetof(TagModule, mod_start) == 8 && offsetof(TagModule, mod_end) == 12);

/* 3.6.8 (type 6): entry_size-byte entries follow (step by entry_size, >= 24). */
struct TagMmap {
    uint32_t type;
    uint32_t size;
    uint32_t entry_size;
    uint32_t entry_version;
};
static_assert(sizeof(TagMmap) == 16 && offsetof(TagMmap, entry_size) == 8);

/* 3.6.8: one memory map entry; type 1 is RAM, 3 ACPI, 4 preserve on hibernation, 5 defective, others reserved. */
struct MmapEntry {
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};
static_assert(sizeof(MmapEntry) == 24 && offsetof(MmapEntry, length) == 8 && offsetof(MmapEntry, type) == 16);

/* 3.6.13 (type 11): EFI 32-bit system table pointer. */
struct TagEfi32 {
    uint32_t type;
    uint32_t size;
    uint32_t pointer;
};
static_assert(sizeof(TagEfi32) == 12 && offsetof(TagEfi32, pointer) == 8);

/* 3.6.14 (type 12): EFI 64-bit system table pointer. */
struct TagEfi64 {
    uint32_t type;
    uint32_t size;
    uint64_t pointer;
};
static_assert(sizeof(TagEfi64) == 16 && offsetof(TagEfi64, pointer) == 8);

/* 3.6.16 (type 14) and 3.6.17 (type 15): a copy of the RSDP (ACPI 1.0: 20 bytes; 2.0: its length) follows. */
struct TagAcpi {
    uint32_t type;
    uint32_t size;
    /* uint8_t rsdp[size - 8]; */
};
static_assert(sizeof(TagAcpi) == 8);

/* 3.6.19 (type 17): EFI memory map; descr_size-byte EFI_MEMORY_DESCRIPTORs follow. */
struct TagEfiMmap {
    uint32_t type;
    uint32_t size;
    uint32_t descr_size;        /* step by this, not by sizeof(EFI_MEMORY_DESCRIPTOR) */
    uint32_t descr_vers;
};
static_assert(sizeof(TagEfiMmap) == 16 && offsetof(TagEfiMmap, descr_size) == 8 && offsetof(TagEfiMmap, descr_vers) == 12);

/* 3.6.20 (type 18): EFI boot services not terminated; the tag is type and size only. */
using TagEfiBs = Tag;

/* 3.6.21 (type 19): EFI 32-bit image handle pointer. */
struct TagEfi32ImageHandle {
    uint32_t type;
    uint32_t size;
    uint32_t pointer;
};
static_assert(sizeof(TagEfi32ImageHandle) == 12 && offsetof(TagEfi32ImageHandle, pointer) == 8);

/* 3.6.22 (type 20): EFI 64-bit image handle pointer. */
struct TagEfi64ImageHandle {
    uint32_t type;
    uint32_t size;
    uint64_t pointer;
};
static_assert(sizeof(TagEfi64ImageHandle) == 16 && offsetof(TagEfi64ImageHandle, pointer) == 8);

/* 3.6.23 (type 21): physical address at which the image was loaded. */
struct TagLoadBaseAddr {
    uint32_t type;
    uint32_t size;
    uint32_t load_base_addr;
};
static_assert(sizeof(TagLoadBaseAddr) == 12 && offsetof(TagLoadBaseAddr, load_base_addr) == 8);

} // namespace relboot::mb2
#endif

#endif
