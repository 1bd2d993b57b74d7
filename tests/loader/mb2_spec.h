/*
 * The part of Multiboot2 the test loader writes: the boot information
 * (MBI) and the hand-over value of EAX, written from the Multiboot2
 * Specification 2.0 (section numbers below), not from relboot's
 * include/relboot/spec/multiboot2.h, so that a wrong number or layout there
 * makes relboot fail against this loader instead of agreeing with it.
 * All fields are little-endian; the MBI and every tag are 8-byte aligned.
 */
#ifndef TESTLOADER_MB2_SPEC_H
#define TESTLOADER_MB2_SPEC_H

#include <cstdint>

namespace testloader::mb2 {

/* 3.3 I386 machine state: EAX at the OS image's entry. */
inline constexpr uint32_t BOOTLOADER_MAGIC = 0x36d76289;

/* 3.6.2: the MBI's start and every tag are 8-byte aligned. */
inline constexpr uint32_t TAG_ALIGN = 8;

/* Tag types, each with the section that defines it. */
inline constexpr uint32_t TAG_TYPE_END = 0;                 /* 3.6.2: the terminating tag, size 8 */
inline constexpr uint32_t TAG_TYPE_CMDLINE = 1;             /* 3.6.5 Boot command line */
inline constexpr uint32_t TAG_TYPE_BOOT_LOADER_NAME = 2;    /* 3.6.9 Boot loader name */
inline constexpr uint32_t TAG_TYPE_MODULE = 3;              /* 3.6.6 Modules */
inline constexpr uint32_t TAG_TYPE_BASIC_MEMINFO = 4;       /* 3.6.3 Basic memory information */
inline constexpr uint32_t TAG_TYPE_MMAP = 6;                /* 3.6.8 Memory map */
inline constexpr uint32_t TAG_TYPE_EFI_MMAP = 17;           /* 3.6.19 EFI memory map */
inline constexpr uint32_t TAG_TYPE_LOAD_BASE_ADDR = 21;     /* 3.6.23 Image load base physical address */

/* 3.6.2: the fixed part at the start of the MBI; total_size counts it and the end tag. */
struct FixedPart {
    uint32_t total_size;
    uint32_t reserved;
};
static_assert(sizeof(FixedPart) == 8);

/* 3.6.2: the start of every tag; size counts this header but not the padding to 8. */
struct TagHeader {
    uint32_t type;
    uint32_t size;
};
static_assert(sizeof(TagHeader) == 8);

/* 3.6.5 (type 1) and 3.6.9 (type 2): a NUL-terminated UTF-8 string follows the header. */
struct TagString {
    TagHeader header;
    /* char string[size - 8]; */
};
static_assert(sizeof(TagString) == 8);

/* 3.6.3 (type 4): KiB of lower memory (from 0) and upper memory (from 1 MiB). */
struct TagBasicMeminfo {
    TagHeader header;
    uint32_t mem_lower;
    uint32_t mem_upper;
};
static_assert(sizeof(TagBasicMeminfo) == 16);

/* 3.6.6 (type 3): one module [mod_start, mod_end); a NUL-terminated string follows. */
struct TagModule {
    TagHeader header;
    uint32_t mod_start;
    uint32_t mod_end;
    /* char string[size - 16]; */
};
static_assert(sizeof(TagModule) == 16);

/* 3.6.8 (type 6): entries of entry_size bytes (a multiple of 8) follow; entry_version is 0. */
struct TagMmap {
    TagHeader header;
    uint32_t entry_size;
    uint32_t entry_version;
};
static_assert(sizeof(TagMmap) == 16);

/* 3.6.8: one memory map entry (type 1 is available RAM, as in multiboot1). */
struct MmapEntry {
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};
static_assert(sizeof(MmapEntry) == 24);

/*
 * 3.6.19 (type 17): the EFI memory map, descriptors of descr_size bytes
 * (at least 40; OVMF gives 48) of version descr_vers, as GetMemoryMap()
 * returned them.
 */
struct TagEfiMmap {
    TagHeader header;
    uint32_t descr_size;
    uint32_t descr_vers;
};
static_assert(sizeof(TagEfiMmap) == 16);

/* UEFI Specification 2.10, 7.2 GetMemoryMap(): EFI_MEMORY_DESCRIPTOR, version 1 (40 bytes, 4 KiB pages). */
struct EfiMemoryDescriptor {
    uint32_t type;              /* EFI_MEMORY_TYPE */
    uint32_t pad;
    uint64_t physical_start;    /* 4 KiB aligned */
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
};
static_assert(sizeof(EfiMemoryDescriptor) == 40);
inline constexpr uint32_t EFI_MEMORY_DESCRIPTOR_VERSION = 1;
inline constexpr uint64_t EFI_PAGE_SIZE = 4096;

/* UEFI 2.10, 7.2, table 7-6: the EFI_MEMORY_TYPEs the loader writes. */
inline constexpr uint32_t EFI_RESERVED_MEMORY_TYPE = 0;
inline constexpr uint32_t EFI_LOADER_CODE = 1;
inline constexpr uint32_t EFI_LOADER_DATA = 2;
inline constexpr uint32_t EFI_BOOT_SERVICES_CODE = 3;
inline constexpr uint32_t EFI_BOOT_SERVICES_DATA = 4;
inline constexpr uint32_t EFI_CONVENTIONAL_MEMORY = 7;
inline constexpr uint32_t EFI_UNUSABLE_MEMORY = 8;
inline constexpr uint32_t EFI_ACPI_RECLAIM_MEMORY = 9;
inline constexpr uint32_t EFI_ACPI_MEMORY_NVS = 10;

/* 3.6.23 (type 21): the physical address at which the image was loaded. */
struct TagLoadBaseAddr {
    TagHeader header;
    uint32_t load_base_addr;
};
static_assert(sizeof(TagLoadBaseAddr) == 12);

} // namespace testloader::mb2

#endif
