/* print_madt_warnings() (madt_warnings.h): the MADT's set-aside CPU entries, one warning line per kind. */
#include <bit>
#include "lib/console.h"
#include "smp/madt_warnings.h"

namespace relboot {

namespace {

/* "APIC ID 0x1" or "APIC IDs 0xff 0x100 ... and <n> more": the list's IDs with the hex digits each needs. */
Console& ids(Console& con, const MadtIdList& list)
{
    con.str(list.count == 1 ? "APIC ID" : "APIC IDs");
    const uint32_t shown = list.count < MADT_IDS_LISTED ? list.count : MADT_IDS_LISTED;
    for (uint32_t i = 0; i < shown; ++i) {
        const unsigned digits = unsigned(std::bit_width(list.ids[i]) + 3) / 4;
        con.chr(' ').hex(list.ids[i], digits ? digits : 1);
    }
    if (list.count > shown)
        con.str(" and ").dec(list.count - shown).str(" more");
    return con;
}

} // namespace

void print_madt_warnings(const MadtScan& scan, x86::ApicMode mode, Console& con)
{
    if (scan.unaddressable.count) {
        ids(con.begin().str("warning: ACPI MADT lists "), scan.unaddressable);
        con.str(mode == x86::ApicMode::x2apic ? " that x2APIC mode cannot address; "
                                              : " that xAPIC mode cannot address; ");
        con.str(scan.unaddressable.count == 1 ? "it is not started" : "they are not started").end();
    }
    if (scan.duplicates.count) {
        ids(con.begin().str("warning: ACPI MADT lists "), scan.duplicates);
        con.str(" in more than one entry; each CPU counts once, an enabled entry before an online-capable one").end();
    }
}

} // namespace relboot
