/*
 * libFuzzer target for pvh's early step and BootInfo filler
 * (protocol/pvh.cpp): arbitrary bytes as the physical memory that
 * holds the hvm_start_info (info_window.h).  A malformed structure must
 * end in one InfoCheck, never in a read outside the window; an accepted
 * one must give a BootInfo that keeps its invariants.
 */
#include <relboot/pvh.h>

#include <memory>
#include <vector>

#include "info_window.h"

using namespace relboot;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    /* A copy of exactly size bytes, so that ASan sees any read past it. */
    std::vector<uint8_t> copy(data, data + size);
    const fuzz::Window w{copy.data(), size};
    const PhysMemory mem = w.memory();

    BootInfo early{};
    const InfoCheck e = pvh_early(early, mem, PhysAddr{fuzz::WINDOW_BASE});
    if (!e.error && early.cmdline.present())
        fuzz::check_string(w, early.cmdline, early.cmdline_len);

    auto tables = std::make_unique<BootTables>();
    const PhysAddr tables_phys{fuzz::IMAGE_BASE + 0x20000};
    BootInfo bi{};
    bi.load_base = PhysAddr{fuzz::IMAGE_BASE};
    bi.image_size = fuzz::IMAGE_SIZE;
    const InfoCheck c = boot_info_from_pvh(bi, *tables, tables_phys, mem, PhysAddr{fuzz::WINDOW_BASE});
    /* The filler refuses whatever the early step refused, and says what and where. */
    if ((e.error && !c.error) || (c.error && !c.field))
        __builtin_trap();
    if (!c.error) {
        if (bi.protocol != Protocol::pvh || bi.cmdline != early.cmdline || bi.firmware != Firmware::bios)
            __builtin_trap();
        fuzz::check_filled(w, bi, *tables, tables_phys);
        /* rsdp_paddr is taken as the loader gave it, and then find_acpi() leaves it alone. */
        if (bi.acpi_rsdp.present() != (bi.acpi_source == AcpiSource::pvh))
            __builtin_trap();
    }
    return 0;
}
