/*
 * libFuzzer target for PVH's early step and BootState filler
 * (protocol/pvh.cpp): arbitrary bytes as the physical memory that holds
 * the hvm_start_info (info_window.h).  A malformed structure must end in
 * one BootError, never in a read outside the window; an accepted one must
 * give a BootState that keeps its invariants.
 */
#include "protocol/pvh.h"

#include "info_window.h"

using namespace relboot;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    BootState bs;
    const BootState* filled = fuzz::run_protocol(data, size, Protocol::pvh, pvh_early, boot_info_from_pvh, bs);
    /* rsdp_paddr is taken as the loader gave it, and then find_acpi() leaves it alone. */
    if (filled && filled->acpi_rsdp.present() != (filled->acpi_source == AcpiSource::pvh))
        __builtin_trap();
    return 0;
}
