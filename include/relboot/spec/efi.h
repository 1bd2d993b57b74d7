/*
 * The few UEFI structures relboot reads: the system table's configuration
 * table (to find the ACPI RSDP), memory descriptors (the EFI memory map),
 * and, for the EFI amd64 entry (multiboot2_efi64_entry.S), the system
 * table and the boot services it calls itself.  UEFI Specification 2.10:
 * 4.2.1 EFI_TABLE_HEADER, 4.3.1 EFI_SYSTEM_TABLE, 4.4.1 EFI_BOOT_SERVICES,
 * 4.6 EFI_CONFIGURATION_TABLE, 7.2 GetMemoryMap() and AllocatePages(),
 * 7.4 ExitBootServices(), Appendix D status codes.  Offsets for the
 * 64-bit (x64) and the 32-bit (IA32) table layouts.
 */
#ifndef RELBOOT_EFI_H
#define RELBOOT_EFI_H

#include <stddef.h>
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

/* 4.2.1: EFI_TABLE_HEADER, the first 24 bytes of every EFI table. */
struct TableHeader {
    uint64_t Signature;
    uint32_t Revision;
    uint32_t HeaderSize;            /* bytes of the table, this header included */
    uint32_t CRC32;
    uint32_t Reserved;
};
static_assert(sizeof(TableHeader) == 24);

/* 4.3.1: EFI_SYSTEM_TABLE as x64 firmware lays it out (every pointer and UINTN 8 bytes). */
struct SystemTableX64 {
    TableHeader Hdr;
    uint64_t FirmwareVendor;        /* CHAR16 * */
    uint32_t FirmwareRevision;
    uint32_t pad;                   /* the next pointer's alignment */
    uint64_t ConsoleInHandle;
    uint64_t ConIn;
    uint64_t ConsoleOutHandle;
    uint64_t ConOut;
    uint64_t StandardErrorHandle;
    uint64_t StdErr;
    uint64_t RuntimeServices;
    uint64_t BootServices;          /* EFI_BOOT_SERVICES * (BootServicesX64) */
    uint64_t NumberOfTableEntries;
    uint64_t ConfigurationTable;    /* EFI_CONFIGURATION_TABLE * */
};
static_assert(sizeof(SystemTableX64) == SYSTEM_TABLE_X64.size);
static_assert(offsetof(SystemTableX64, NumberOfTableEntries) == SYSTEM_TABLE_X64.number_of_table_entries);
static_assert(offsetof(SystemTableX64, ConfigurationTable) == SYSTEM_TABLE_X64.configuration_table);

/*
 * 4.4.1: EFI_BOOT_SERVICES (x64) up to ExitBootServices(), the last
 * service relboot calls: each entry is a function pointer (ms_abi, 2.3.4.2).
 */
struct BootServicesX64 {
    TableHeader Hdr;
    uint64_t RaiseTPL;
    uint64_t RestoreTPL;
    uint64_t AllocatePages;
    uint64_t FreePages;
    uint64_t GetMemoryMap;
    uint64_t AllocatePool;
    uint64_t FreePool;
    uint64_t CreateEvent;
    uint64_t SetTimer;
    uint64_t WaitForEvent;
    uint64_t SignalEvent;
    uint64_t CloseEvent;
    uint64_t CheckEvent;
    uint64_t InstallProtocolInterface;
    uint64_t ReinstallProtocolInterface;
    uint64_t UninstallProtocolInterface;
    uint64_t HandleProtocol;
    uint64_t Reserved;
    uint64_t RegisterProtocolNotify;
    uint64_t LocateHandle;
    uint64_t LocateDevicePath;
    uint64_t InstallConfigurationTable;
    uint64_t LoadImage;
    uint64_t StartImage;
    uint64_t Exit;
    uint64_t UnloadImage;
    uint64_t ExitBootServices;
    /* ... the rest of the table (not read) */
};

/* x64 EFI_SYSTEM_TABLE.BootServices (4.3.1): the EFI_BOOT_SERVICES pointer, byte offset. */
inline constexpr uint32_t SYSTEM_TABLE_X64_BOOT_SERVICES = offsetof(SystemTableX64, BootServices);
static_assert(SYSTEM_TABLE_X64_BOOT_SERVICES == 96);

/* x64 EFI_BOOT_SERVICES (4.4.1): byte offsets of the function pointers the efi64 entry calls. */
inline constexpr uint32_t BOOT_SERVICES_ALLOCATE_PAGES = offsetof(BootServicesX64, AllocatePages);
inline constexpr uint32_t BOOT_SERVICES_GET_MEMORY_MAP = offsetof(BootServicesX64, GetMemoryMap);
inline constexpr uint32_t BOOT_SERVICES_EXIT_BOOT_SERVICES = offsetof(BootServicesX64, ExitBootServices);
static_assert(BOOT_SERVICES_ALLOCATE_PAGES == 40 && BOOT_SERVICES_GET_MEMORY_MAP == 56 &&
              BOOT_SERVICES_EXIT_BOOT_SERVICES == 232);

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
static_assert(sizeof(MemoryDescriptor) == 40 && offsetof(MemoryDescriptor, physical_start) == 8);
static_assert(offsetof(MemoryDescriptor, number_of_pages) == 24);

/* UEFI 2.10, 7.2 "Memory Allocation Services": the size of a page in a MemoryDescriptor. */
inline constexpr uint64_t EFI_PAGE_SIZE = 4096;

} // namespace relboot::efi

#endif
