/*
 * The CPUs the firmware lists: RSDP -> XSDT (RSDT when the RSDP has
 * revision 0 or 1, as SeaBIOS gives) -> MADT, ACPI Specification 6.5,
 * 5.2.7 "Root System Description Table", 5.2.8 "Extended System
 * Description Table", 5.2.12 "Multiple APIC Description Table".  Every
 * table's length and checksum is checked before a byte of it is used.
 *
 * Pure: tables are read through a PhysMemory window (acpi.h), so the host
 * tests and the fuzzer run the same code on buffers.
 */
#ifndef RELBOOT_MADT_H
#define RELBOOT_MADT_H

#include <cstdint>
#include "platform/acpi.h"
#include <x86/apic.h>

namespace relboot {

/* Bounds on what a firmware table may claim (more is taken for corruption). */
inline constexpr uint32_t ACPI_TABLE_MAX_LENGTH = 0x100000;    /* 1 MiB */

/* One CPU the MADT lists with Enabled or Online Capable set: the entry that won (acpi_madt_cpus()). */
struct MadtCpu {
    uint32_t apic_id;           /* local APIC ID (type 0: 8 bits; type 9: the x2APIC ID) */
    uint32_t uid;               /* ACPI processor UID */
    uint32_t flags;             /* MADT_CPU_* */
    uint8_t type;               /* MADT_TYPE_LOCAL_APIC or MADT_TYPE_LOCAL_X2APIC */
    uint8_t duplicated;         /* 1: another such entry named the same APIC ID (MadtScan.duplicates) */
    uint8_t reserved[2];
};

/* How many APIC IDs a MadtIdList keeps: the ones a warning line names (the rest are counted). */
inline constexpr uint32_t MADT_IDS_LISTED = 8;

/* APIC IDs the walk set aside, for one warning line: count of them, the first MADT_IDS_LISTED in ids[]. */
struct MadtIdList {
    uint32_t count;
    uint32_t ids[MADT_IDS_LISTED];     /* [0, min(count, MADT_IDS_LISTED)) in the MADT's order */
};

/* Why the walk stopped (none: the MADT was read whole). */
enum class MadtError : uint8_t {
    none = 0,
    no_rsdp,                    /* BootState has no RSDP */
    rsdp_unreadable,            /* the RSDP is not valid or not readable */
    root_unreadable,            /* the RSDT/XSDT lies outside readable memory, or its address is 0 */
    root_bad_table,             /* RSDT/XSDT: wrong signature, length or checksum */
    no_madt,                    /* no table in the RSDT/XSDT has the signature "APIC" */
    madt_bad_table,             /* MADT: length or checksum wrong */
    madt_bad_entry,             /* an entry shorter than 2 bytes, than its type needs, or past the end */
};

/* What acpi_madt_cpus() found. */
struct MadtScan {
    MadtError error;
    uint8_t root_xsdt;          /* 1: the XSDT was walked; 0: the RSDT */
    uint8_t reserved[2];
    uint32_t found;             /* with an error: the table's or entry's length field (0 when unreadable) */
    uint64_t where;             /* with an error: physical address of the table or entry at fault */
    uint64_t madt;              /* physical address of the MADT; 0 when not found */
    uint32_t local_apic_address;   /* the MADT's Local Interrupt Controller Address */
    uint32_t cpu_count;         /* entries written to out[] */
    uint32_t enabled;           /* CPUs with Enabled set (the report's "of="), all of them, also beyond out_max */
    uint32_t dropped;           /* CPUs (enabled or online capable) that did not fit out_max */
    MadtIdList unaddressable;   /* entries (enabled or online capable) whose APIC ID the APIC mode cannot address */
    MadtIdList duplicates;      /* APIC IDs that more than one entry (enabled or online capable) names, each once */
};

/*
 * The CPUs of the MADT found from the RSDP at rsdp, in the MADT's order,
 * into out[0, out_max): local APIC (type 0) and local x2APIC (type 9)
 * entries with Enabled or Online Capable set, each APIC ID once.
 *   - An entry whose APIC ID an IPI cannot name in mode
 *     (x86::apic_id_addressable(): xAPIC FFH and above, x2APIC
 *     FFFF_FFFFH) is left out and counted in unaddressable.
 *   - Entries that name an APIC ID already in out[] (a firmware may list a
 *     CPU as both types) are counted once in duplicates; an enabled
 *     entry takes the place of an online-capable one, else the first
 *     entry stays.  Beyond out_max no duplicate is seen: enabled and
 *     dropped count every entry there.
 * Other entry types are stepped over by their length.  The root table is
 * the XSDT when the RSDP has revision >= 2 and a non-zero XSDT address,
 * else the RSDT.  Any table that fails its checks stops the walk with the
 * error set, out[] empty (cpu_count 0) and both lists empty: a half-read
 * table starts no CPU.  Never reads outside what mem maps; each entry is
 * looked at once (and out[] searched once for it), so the work is bounded
 * by the MADT's length times out_max.
 */
MadtScan acpi_madt_cpus(const PhysMemory& mem, PhysAddr rsdp, x86::ApicMode mode, MadtCpu* out, uint32_t out_max);

/* The error in words, for "relboot: warning: ACPI MADT: <text> ...". */
const char* madt_error_text(MadtError error);

} // namespace relboot

#endif
