/* acpi_madt_cpus() (madt.h): RSDP -> RSDT/XSDT -> MADT, every table checked before it is used. */
#include <cstddef>
#include "platform/madt.h"

namespace relboot {

namespace {

/* A T's bytes at p, which may be unaligned (firmware tables are packed). */
template <class T>
T load(const uint8_t* p)
{
    T v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

bool signature_is(const uint8_t* p, const char (&sig)[5])
{
    return p[0] == sig[0] && p[1] == sig[1] && p[2] == sig[2] && p[3] == sig[3];
}

/*
 * The whole table at phys, when its header is readable, its signature is
 * sig, its length is in [sizeof header + min_body, ACPI_TABLE_MAX_LENGTH],
 * all of it is readable and it sums to 0; else nullptr with *length the
 * length word found (0 when even the header is unreadable).
 */
const uint8_t* checked_table(const PhysMemory& mem, uint64_t phys, const char (&sig)[5], uint32_t min_body,
                             uint32_t* length)
{
    *length = 0;
    const uint8_t* h = phys ? mem.at(phys, sizeof(AcpiTableHeader)) : nullptr;
    if (!h)
        return nullptr;
    *length = load<AcpiTableHeader>(h).length;
    if (!signature_is(h, sig) || *length < sizeof(AcpiTableHeader) + min_body || *length > ACPI_TABLE_MAX_LENGTH)
        return nullptr;
    const uint8_t* t = mem.at(phys, *length);
    return t && acpi_checksum_ok(t, *length) ? t : nullptr;
}

MadtScan fail(MadtScan s, MadtError e, uint64_t where, uint32_t found)
{
    s.error = e;
    s.where = where;
    s.found = found;
    s.cpu_count = 0;
    s.enabled = 0;
    s.dropped = 0;
    s.unaddressable = MadtIdList{};
    s.duplicates = MadtIdList{};
    return s;
}

/* Counts id in list, and keeps it when there is room. */
void note(MadtIdList& list, uint32_t id)
{
    if (list.count < MADT_IDS_LISTED)
        list.ids[list.count] = id;
    ++list.count;
}

/*
 * A CPU entry for an APIC ID already at out[i]: counted once as a
 * duplicate; an enabled entry replaces an online-capable one (which
 * relboot would not start), else the entry already there stays.
 */
void merge_duplicate(MadtScan& s, MadtCpu& listed, const MadtCpu& cpu)
{
    if (!listed.duplicated)
        note(s.duplicates, cpu.apic_id);
    if (!(listed.flags & MADT_CPU_ENABLED) && (cpu.flags & MADT_CPU_ENABLED)) {
        listed = cpu;
        ++s.enabled;
    }
    listed.duplicated = 1;
}

} // namespace

MadtScan acpi_madt_cpus(const PhysMemory& mem, PhysAddr rsdp, x86::ApicMode mode, MadtCpu* out, uint32_t out_max)
{
    MadtScan s{};
    if (!rsdp.present())
        return fail(s, MadtError::no_rsdp, 0, 0);

    /* The RSDP: valid (acpi_rsdp_valid) before its addresses are read. */
    const uint8_t* r = mem.at(rsdp.value, ACPI_RSDP_V1_SIZE);
    uint32_t rsdp_size = 0;
    const auto revision = [](const uint8_t* p) { return p[offsetof(AcpiRsdp, revision)]; };
    if (r && revision(r) >= 2)
        r = mem.at(rsdp.value, ACPI_RSDP_V2_SIZE);
    if (!r || !acpi_rsdp_valid(r, revision(r) >= 2 ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE, &rsdp_size))
        return fail(s, MadtError::rsdp_unreadable, rsdp.value, 0);
    AcpiRsdp rsdp_copy{};   /* the bytes the window holds: 20, or 36 from revision 2 on */
    __builtin_memcpy(&rsdp_copy, r, rsdp_size >= ACPI_RSDP_V2_SIZE ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE);
    const uint64_t xsdt = rsdp_size >= ACPI_RSDP_V2_SIZE ? rsdp_copy.xsdt_address : 0;
    s.root_xsdt = xsdt != 0;
    const uint64_t root = xsdt ? xsdt : rsdp_copy.rsdt_address;
    const uint32_t entry_size = xsdt ? 8 : 4;

    /* The root table, then each of its entries until the first "APIC". */
    uint32_t length = 0;
    const uint8_t* t = checked_table(mem, root, xsdt ? "XSDT" : "RSDT", 0, &length);
    if (!t)
        return fail(s, length ? MadtError::root_bad_table : MadtError::root_unreadable, root, length);
    const uint32_t entries = (length - uint32_t(sizeof(AcpiTableHeader))) / entry_size;
    for (uint32_t i = 0; i < entries && !s.madt; ++i) {
        const uint8_t* e = t + sizeof(AcpiTableHeader) + i * entry_size;
        const uint64_t table = entry_size == 8 ? load<uint64_t>(e) : load<uint32_t>(e);
        const uint8_t* h = table ? mem.at(table, sizeof(AcpiTableHeader)) : nullptr;
        if (h && signature_is(h, "APIC"))
            s.madt = table;
    }
    if (!s.madt)
        return fail(s, MadtError::no_madt, root, 0);
    const uint8_t* m = checked_table(mem, s.madt, "APIC", sizeof(AcpiMadtHeader) - sizeof(AcpiTableHeader), &length);
    if (!m)
        return fail(s, MadtError::madt_bad_table, s.madt, length);
    s.local_apic_address = load<AcpiMadtHeader>(m).local_apic_address;

    /* The entries: {type, length, ...}; each must fit the table and its type's size. */
    for (uint32_t off = sizeof(AcpiMadtHeader); off < length;) {
        const uint32_t left = length - off;
        const uint8_t* e = m + off;
        const uint32_t len = left >= 2 ? e[1] : 0;
        const uint32_t need = e[0] == MADT_TYPE_LOCAL_APIC ? sizeof(MadtLocalApic)
                              : e[0] == MADT_TYPE_LOCAL_X2APIC ? sizeof(MadtLocalX2Apic) : sizeof(MadtEntryHeader);
        if (len < need || len > left)
            return fail(s, MadtError::madt_bad_entry, s.madt + off, len);
        off += len;
        MadtCpu cpu{};
        if (e[0] == MADT_TYPE_LOCAL_APIC) {
            const MadtLocalApic a = load<MadtLocalApic>(e);
            cpu = MadtCpu{a.apic_id, a.acpi_processor_uid, a.flags, MADT_TYPE_LOCAL_APIC, 0, {}};
        } else if (e[0] == MADT_TYPE_LOCAL_X2APIC) {
            const MadtLocalX2Apic x = load<MadtLocalX2Apic>(e);
            cpu = MadtCpu{x.x2apic_id, x.acpi_processor_uid, x.flags, MADT_TYPE_LOCAL_X2APIC, 0, {}};
        }
        else
            continue;
        if (!(cpu.flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
            continue;       /* neither usable nor able to come online (QEMU's absent hot-plug slots) */
        if (!x86::apic_id_addressable(cpu.apic_id, mode)) {
            note(s.unaddressable, cpu.apic_id);     /* no IPI could reach it, or only by reaching others too */
            continue;
        }
        MadtCpu* listed = nullptr;
        for (uint32_t i = 0; i < s.cpu_count && !listed; ++i)
            if (out[i].apic_id == cpu.apic_id)
                listed = &out[i];
        if (listed) {
            merge_duplicate(s, *listed, cpu);
            continue;
        }
        if (cpu.flags & MADT_CPU_ENABLED)
            ++s.enabled;
        if (s.cpu_count < out_max)
            out[s.cpu_count++] = cpu;
        else
            ++s.dropped;
    }
    return s;
}

const char* madt_error_text(MadtError error)
{
    switch (error) {
    case MadtError::none: return "none";
    case MadtError::no_rsdp: return "no ACPI RSDP";
    case MadtError::rsdp_unreadable: return "the RSDP is not valid";
    case MadtError::root_unreadable: return "the RSDT/XSDT cannot be read";
    case MadtError::root_bad_table: return "the RSDT/XSDT has a wrong signature, length or checksum";
    case MadtError::no_madt: return "no MADT (signature APIC) in the RSDT/XSDT";
    case MadtError::madt_bad_table: return "the MADT has a wrong length or checksum";
    case MadtError::madt_bad_entry: return "an MADT entry has a wrong length";
    }
    return "?";
}

} // namespace relboot
