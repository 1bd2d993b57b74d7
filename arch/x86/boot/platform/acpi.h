/*
 * Finding the firmware's ACPI RSDP (ACPI Specification 6.5, 5.2.5
 * "Root System Description Pointer").  relboot reports the firmware's own
 * RSDP, never a loader's copy of it: on EFI from the system table's
 * configuration table, on BIOS by searching the two areas 5.2.5.1 names
 * for the structure whose bytes equal the loader's copy.  Without a match
 * the answer is "none": relboot does not guess.
 *
 * Pure: memory is read through a PhysMemory window, so the host tests run
 * the same code on buffers.
 */
#ifndef RELBOOT_ACPI_H
#define RELBOOT_ACPI_H

#include <cstdint>
#include "boot_state.h"
#include <relboot/spec/acpi.h>

namespace relboot {

/* 5.2.5.1: where a BIOS puts the RSDP (16-byte aligned). */
inline constexpr uint64_t BIOS_EBDA_SEGMENT_PTR = 0x40e;   /* real-mode segment of the EBDA (a 16-bit word) */
inline constexpr uint32_t BIOS_EBDA_SEARCH_SIZE = 1024;    /* the EBDA's first KiB */
inline constexpr uint64_t BIOS_ROM_START = 0xe0000;
inline constexpr uint64_t BIOS_ROM_END = 0x100000;         /* exclusive */
inline constexpr uint32_t ACPI_RSDP_ALIGN = 16;

/*
 * A window on physical memory: at(phys, len) returns where the bytes
 * [phys, phys + len) can be read, or nullptr when they cannot (outside the
 * identity map, or outside a test's buffer).
 */
struct PhysMemory {
    const uint8_t* (*map)(const void* ctx, uint64_t phys, uint64_t len);
    const void* ctx;

    const uint8_t* at(uint64_t phys, uint64_t len) const { return map(ctx, phys, len); }
};

/* Whether the len bytes at p sum to 0 (mod 256), as every ACPI checksum requires. */
bool acpi_checksum_ok(const uint8_t* p, uint32_t len);

/*
 * Whether the bytes at p are a valid RSDP: signature, the 20-byte
 * checksum, and from revision 2 on a length of 36..4096 with a valid
 * extended checksum.  *size gets its size in bytes (20 or length).
 * avail bounds the bytes that may be read.
 */
bool acpi_rsdp_valid(const uint8_t* p, uint32_t avail, uint32_t* size);

/* What acpi_find_rsdp() found. */
struct AcpiRsdpFound {
    PhysAddr rsdp;              /* 0 when none */
    AcpiSource source;
};

/*
 * The firmware's RSDP:
 *   - efi_system_table present: the EFI configuration table's
 *     EFI_ACPI_20_TABLE_GUID entry, else its ACPI_TABLE_GUID entry
 *     (efi_64: x64 layout, else IA32), if the table header's signature
 *     is right and the RSDP there is valid;
 *   - else (BIOS): the first valid RSDP, on a 16-byte boundary in the
 *     EBDA's first KiB and then in 0xE0000..0xFFFFF, whose bytes equal
 *     copy[0, copy_len) (the loader's copy, e.g. multiboot2 tag 14/15);
 *     without a copy, the first valid one (the spec's own search).
 * Memory that mem cannot map is skipped.  Returns source none when
 * nothing matches.
 */
AcpiRsdpFound acpi_find_rsdp(const PhysMemory& mem, PhysAddr efi_system_table, bool efi_64, const uint8_t* copy,
                             uint32_t copy_len);

} // namespace relboot

#endif
