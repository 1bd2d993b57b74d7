#include "platform/acpi.h"
#include <relboot/spec/efi.h>

namespace relboot {

namespace {

/* The little-endian value of p[0, bytes), bytes <= 8. */
uint64_t read_le(const uint8_t* p, uint32_t bytes)
{
    uint64_t v = 0;
    __builtin_memcpy(&v, p, bytes);
    return v;
}

bool same_bytes(const uint8_t* a, const uint8_t* b, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i)
        if (a[i] != b[i])
            return false;
    return true;
}

/* The EFI configuration table's entry for guid, as a physical address; 0 when absent or unreadable. */
uint64_t efi_config_table(const PhysMemory& mem, uint64_t systab, const efi::SystemTableLayout& l,
                          const efi::Guid& guid)
{
    const uint8_t* st = mem.at(systab, l.size);
    if (!st || read_le(st, 8) != efi::SYSTEM_TABLE_SIGNATURE)
        return 0;
    const uint64_t entries = read_le(st + l.number_of_table_entries, l.pointer_size);
    const uint64_t table = read_le(st + l.configuration_table, l.pointer_size);
    constexpr uint64_t MAX_ENTRIES = 4096;   /* firmware has a few dozen; more is a corrupt table */
    if (!table || entries > MAX_ENTRIES)
        return 0;
    const uint8_t* t = mem.at(table, entries * l.config_entry_size);
    if (!t)
        return 0;
    for (uint64_t i = 0; i < entries; ++i) {
        const uint8_t* e = t + i * l.config_entry_size;
        if (same_bytes(e, guid.bytes, sizeof(guid.bytes)))
            return read_le(e + sizeof(guid.bytes), l.pointer_size);
    }
    return 0;
}

/* The first RSDP in [start, end) on a 16-byte boundary that is valid and, with a copy, equals it. */
uint64_t search_area(const PhysMemory& mem, uint64_t start, uint64_t end, const uint8_t* copy, uint32_t copy_len)
{
    const uint8_t* area = mem.at(start, end - start);
    if (!area)
        return 0;
    for (uint64_t off = 0; off + ACPI_RSDP_V1_SIZE <= end - start; off += ACPI_RSDP_ALIGN) {
        /* Most of the 8 Ki positions of the ROM area fail on the signature: one 8-byte compare each. */
        if (read_le(area + off, 8) != ACPI_RSDP_SIGNATURE)
            continue;
        uint32_t size = 0;
        if (!acpi_rsdp_valid(area + off, uint32_t(end - start - off), &size))
            continue;
        if (!copy || (copy_len <= size && same_bytes(area + off, copy, copy_len)))
            return start + off;
    }
    return 0;
}

/* Whether a valid RSDP can be read at phys: its first 20 bytes, then (revision >= 2) all length bytes. */
bool rsdp_readable_and_valid(const PhysMemory& mem, uint64_t phys)
{
    const uint8_t* p = mem.at(phys, ACPI_RSDP_V1_SIZE);
    if (!p)
        return false;
    uint32_t avail = ACPI_RSDP_V1_SIZE, size = 0;
    if (p[15] >= 2) {
        p = mem.at(phys, ACPI_RSDP_V2_SIZE);
        avail = p ? uint32_t(read_le(p + 20, 4)) : 0;
        p = avail >= ACPI_RSDP_V2_SIZE ? mem.at(phys, avail) : nullptr;
        if (!p)
            return false;
    }
    return acpi_rsdp_valid(p, avail, &size);
}

} // namespace

bool acpi_checksum_ok(const uint8_t* p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; ++i)
        sum = uint8_t(sum + p[i]);
    return sum == 0;
}

bool acpi_rsdp_valid(const uint8_t* p, uint32_t avail, uint32_t* size)
{
    if (avail < ACPI_RSDP_V1_SIZE || read_le(p, 8) != ACPI_RSDP_SIGNATURE ||
        !acpi_checksum_ok(p, ACPI_RSDP_V1_SIZE))
        return false;
    const uint8_t revision = p[15];
    if (revision < 2) {
        *size = ACPI_RSDP_V1_SIZE;
        return true;
    }
    if (avail < ACPI_RSDP_V2_SIZE)
        return false;
    const uint32_t length = uint32_t(read_le(p + 20, 4));
    constexpr uint32_t MAX_LENGTH = 4096;
    if (length < ACPI_RSDP_V2_SIZE || length > MAX_LENGTH || length > avail || !acpi_checksum_ok(p, length))
        return false;
    *size = length;
    return true;
}

AcpiRsdpFound acpi_find_rsdp(const PhysMemory& mem, PhysAddr efi_system_table, bool efi_64, const uint8_t* copy,
                             uint32_t copy_len)
{
    if (efi_system_table.present()) {
        const efi::SystemTableLayout& l = efi_64 ? efi::SYSTEM_TABLE_X64 : efi::SYSTEM_TABLE_IA32;
        const efi::Guid* const guids[] = {&efi::ACPI_20_TABLE_GUID, &efi::ACPI_TABLE_GUID};
        for (const efi::Guid* guid : guids) {
            const uint64_t rsdp = efi_config_table(mem, efi_system_table.value, l, *guid);
            if (rsdp && rsdp_readable_and_valid(mem, rsdp))
                return {PhysAddr{rsdp}, AcpiSource::efi};
        }
        return {PhysAddr{0}, AcpiSource::none};
    }

    /* 5.2.5.1: the EBDA's first KiB (its segment is the BIOS data area's word at 0x40E), then the ROM. */
    const uint8_t* bda = mem.at(BIOS_EBDA_SEGMENT_PTR, 2);
    const uint64_t ebda = bda ? read_le(bda, 2) << 4 : 0;
    if (ebda >= 0x400 && ebda < BIOS_ROM_START) {   /* above the BDA, below the ROM: anything else is garbage */
        if (const uint64_t rsdp = search_area(mem, ebda, ebda + BIOS_EBDA_SEARCH_SIZE, copy, copy_len))
            return {PhysAddr{rsdp}, AcpiSource::ebda};
    }
    if (const uint64_t rsdp = search_area(mem, BIOS_ROM_START, BIOS_ROM_END, copy, copy_len))
        return {PhysAddr{rsdp}, AcpiSource::bios_rom};
    return {PhysAddr{0}, AcpiSource::none};
}

} // namespace relboot
