/*
 * The warning lines for the MADT's CPU entries that relboot sets aside
 * (acpi_madt_cpus(), madt.h): the APIC IDs the APIC mode cannot address,
 * and the APIC IDs that more than one entry names.  Apart from smp.cpp so
 * that the host tests check the lines as the report prints them.
 */
#ifndef RELBOOT_SMP_MADT_WARNINGS_H
#define RELBOOT_SMP_MADT_WARNINGS_H

#include "platform/madt.h"
#include <x86/apic.h>

namespace relboot {

class Console;

/*
 * Prints, on con, nothing for a scan that set nothing aside, else one
 * line per list (the IDs in hex with as many digits as they need, the
 * first MADT_IDS_LISTED of them, then "and <n> more"):
 *
 *   relboot: warning: ACPI MADT lists APIC IDs 0xff 0x100 that xAPIC mode cannot address; they are not started
 *   relboot: warning: ACPI MADT lists APIC ID 0x1 in more than one entry; each CPU counts once, an enabled entry before an online-capable one
 *
 * (x2APIC for mode x2apic; "APIC ID ...; it is not started" for one ID).
 */
void print_madt_warnings(const MadtScan& scan, x86::ApicMode mode, Console& con);

} // namespace relboot

#endif
