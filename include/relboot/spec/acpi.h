/*
 * ACPI: the tables relboot reads, as the ACPI Specification 6.5 lays them
 * out (5.2.5 the Root System Description Pointer, 5.2.6 the table header,
 * 5.2.7 and 5.2.8 RSDT and XSDT, 5.2.12 the MADT and its local APIC and
 * local x2APIC structures).  Formats only: finding and checking them is
 * arch/x86/boot/platform/ (acpi.h, madt.h).  Little-endian, packed.
 */
#ifndef RELBOOT_SPEC_ACPI_H
#define RELBOOT_SPEC_ACPI_H

#include <stddef.h>
#include <stdint.h>

namespace relboot {

/* 5.2.5.3: the RSDP; 20 bytes for revision 0 (ACPI 1.0), 36 from revision 2 on. */
struct [[gnu::packed]] AcpiRsdp {
    char signature[8];          /* "RSD PTR " */
    uint8_t checksum;           /* the first 20 bytes sum to 0 */
    char oem_id[6];
    uint8_t revision;           /* 0: ACPI 1.0; 2: ACPI 2.0 and later */
    uint32_t rsdt_address;
    uint32_t length;            /* revision >= 2: bytes of the whole table */
    uint64_t xsdt_address;
    uint8_t extended_checksum;  /* all length bytes sum to 0 */
    uint8_t reserved[3];
};
static_assert(sizeof(AcpiRsdp) == 36);

/* "RSD PTR " as a little-endian 64-bit value (5.2.5.3, Signature). */
inline constexpr uint64_t ACPI_RSDP_SIGNATURE = 0x2052545020445352ULL;

inline constexpr uint32_t ACPI_RSDP_V1_SIZE = 20;
inline constexpr uint32_t ACPI_RSDP_V2_SIZE = 36;

static_assert(offsetof(AcpiRsdp, revision) == 15 && offsetof(AcpiRsdp, rsdt_address) == 16);
static_assert(offsetof(AcpiRsdp, length) == 20 && offsetof(AcpiRsdp, xsdt_address) == 24);

/* 5.2.6: the header every system description table starts with (36 bytes). */
struct [[gnu::packed]] AcpiTableHeader {
    char signature[4];
    uint32_t length;            /* bytes of the whole table, header included */
    uint8_t revision;
    uint8_t checksum;           /* all length bytes sum to 0 */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};
static_assert(sizeof(AcpiTableHeader) == 36);

/* 5.2.12: after the header, the MADT has these 8 bytes, then its entries. */
struct [[gnu::packed]] AcpiMadtHeader {
    AcpiTableHeader header;     /* signature "APIC" */
    uint32_t local_apic_address;   /* physical address of every CPU's local APIC (xAPIC MMIO) */
    uint32_t flags;             /* bit 0 PCAT_COMPAT */
};
static_assert(sizeof(AcpiMadtHeader) == 44);

/* 5.2.12 Table 5.21: the interrupt controller structure types relboot reads. */
inline constexpr uint8_t MADT_TYPE_LOCAL_APIC = 0;     /* 5.2.12.2, 8 bytes */
inline constexpr uint8_t MADT_TYPE_LOCAL_X2APIC = 9;   /* 5.2.12.12, 16 bytes */

/* 5.2.12: every interrupt controller structure starts with these two bytes. */
struct [[gnu::packed]] MadtEntryHeader {
    uint8_t type;
    uint8_t length;             /* bytes of the structure, these two included */
};
static_assert(sizeof(MadtEntryHeader) == 2);

/* 5.2.12.2 Table 5.22: Processor Local APIC structure (type 0). */
struct [[gnu::packed]] MadtLocalApic {
    MadtEntryHeader header;     /* type 0, length 8 */
    uint8_t acpi_processor_uid;
    uint8_t apic_id;
    uint32_t flags;             /* MADT_CPU_* */
};
static_assert(sizeof(MadtLocalApic) == 8 && offsetof(MadtLocalApic, flags) == 4);

/* 5.2.12.12 Table 5.42: Processor Local x2APIC structure (type 9). */
struct [[gnu::packed]] MadtLocalX2Apic {
    MadtEntryHeader header;     /* type 9, length 16 */
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;             /* MADT_CPU_* */
    uint32_t acpi_processor_uid;
};
static_assert(sizeof(MadtLocalX2Apic) == 16 && offsetof(MadtLocalX2Apic, flags) == 8);


/* 5.2.12.2 Table 5.23, "Local APIC Flags" (also the x2APIC structure's). */
inline constexpr uint32_t MADT_CPU_ENABLED = 1u << 0;          /* the CPU is usable: start it */
inline constexpr uint32_t MADT_CPU_ONLINE_CAPABLE = 1u << 1;   /* not enabled, but may be brought online later (ACPI 6.3) */

} // namespace relboot

#endif
