/*
 * The few UEFI structures relboot reads: the system table's configuration
 * table (to find the ACPI RSDP), memory descriptors (the EFI memory map),
 * and, for the EFI amd64 entry (multiboot2_efi64_entry.S), the two boot
 * services it calls itself.  UEFI Specification 2.10: 4.3.1
 * EFI_SYSTEM_TABLE, 4.4.1 EFI_BOOT_SERVICES, 4.6 EFI_CONFIGURATION_TABLE,
 * 7.2 GetMemoryMap() and AllocatePages(), 7.4 ExitBootServices(),
 * Appendix D status codes.  Offsets for the 64-bit (x64) and the 32-bit
 * (IA32) table layouts.
 */
#ifndef RELBOOT_EFI_H
#define RELBOOT_EFI_H

#include <stdint.h>

namespace relboot::efi {

/* 4.3.1: EFI_SYSTEM_TABLE_SIGNATURE ("IBI SYST") in the table header's first 8 bytes. */
inline constexpr uint64_t SYSTEM_TABLE_SIGNATURE = 0x5453595320494249ULL;

/* EFI_SYSTEM_TABLE field offsets (bytes): the header is 24 bytes, then pointers of 8 (x64) or 4 (IA32). */
struct SystemTableLayout {
    uint32_t size;                  /* bytes up to the end of ConfigurationTable */
    uint32_t number_of_table_entries;
    uint32_t configuration_table;
    uint32_t pointer_size;          /* 8 or 4 */
    uint32_t config_entry_size;     /* sizeof(EFI_CONFIGURATION_TABLE): 24 or 20 */
};
inline constexpr SystemTableLayout SYSTEM_TABLE_X64 = {120, 104, 112, 8, 24};
inline constexpr SystemTableLayout SYSTEM_TABLE_IA32 = {72, 64, 68, 4, 20};

/* x64 EFI_SYSTEM_TABLE.BootServices (4.3.1): the EFI_BOOT_SERVICES pointer, byte offset. */
inline constexpr uint32_t SYSTEM_TABLE_X64_BOOT_SERVICES = 96;

/*
 * x64 EFI_BOOT_SERVICES (4.4.1): byte offsets of the function pointers the
 * efi64 entry calls (a 24-byte header, then one 8-byte pointer each).
 */
inline constexpr uint32_t BOOT_SERVICES_ALLOCATE_PAGES = 40;
inline constexpr uint32_t BOOT_SERVICES_GET_MEMORY_MAP = 56;
inline constexpr uint32_t BOOT_SERVICES_EXIT_BOOT_SERVICES = 232;

/* EFI_STATUS values (Appendix D): errors have the top bit set. */
inline constexpr uint64_t SUCCESS = 0;
inline constexpr uint64_t ERROR_BIT = uint64_t(1) << 63;
inline constexpr uint64_t INVALID_PARAMETER = ERROR_BIT | 2;
inline constexpr uint64_t BUFFER_TOO_SMALL = ERROR_BIT | 5;

/* 7.2 EFI_ALLOCATE_TYPE: AllocateAnyPages. */
inline constexpr uint32_t ALLOCATE_ANY_PAGES = 0;

/* EFI_GUID as its 16 bytes in memory (4.6: Data1..Data3 little-endian, then Data4). */
struct Guid {
    uint8_t bytes[16];
};

/* 4.6: EFI_ACPI_20_TABLE_GUID {8868e871-e4f1-11d3-bc22-0080c73c8881} (RSDP revision >= 2). */
inline constexpr Guid ACPI_20_TABLE_GUID = {{0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
                                             0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81}};
/* 4.6: ACPI_TABLE_GUID {eb9d2d30-2d88-11d3-9a16-0090273fc14d} (ACPI 1.0 RSDP). */
inline constexpr Guid ACPI_TABLE_GUID = {{0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
                                          0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}};

/* 7.2: EFI_MEMORY_TYPE. */
enum MemoryType : uint32_t {
    RESERVED_MEMORY_TYPE = 0,
    LOADER_CODE = 1,
    LOADER_DATA = 2,
    BOOT_SERVICES_CODE = 3,
    BOOT_SERVICES_DATA = 4,
    RUNTIME_SERVICES_CODE = 5,
    RUNTIME_SERVICES_DATA = 6,
    CONVENTIONAL_MEMORY = 7,
    UNUSABLE_MEMORY = 8,
    ACPI_RECLAIM_MEMORY = 9,
    ACPI_MEMORY_NVS = 10,
    MEMORY_MAPPED_IO = 11,
    MEMORY_MAPPED_IO_PORT_SPACE = 12,
    PAL_CODE = 13,
    PERSISTENT_MEMORY = 14,
};

/* 7.2: EFI_MEMORY_DESCRIPTOR (40 bytes in version 1; step by the map's descriptor size, never by this). */
struct MemoryDescriptor {
    uint32_t type;
    uint32_t pad;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;      /* 4 KiB pages (EFI_PAGE_SIZE) */
    uint64_t attribute;
};
static_assert(sizeof(MemoryDescriptor) == 40);

inline constexpr uint64_t PAGE_SIZE = 4096;

} // namespace relboot::efi

#endif
