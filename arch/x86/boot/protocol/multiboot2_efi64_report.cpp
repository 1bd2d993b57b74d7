/*
 * The EFI amd64 entry, 64-bit stage side: what its ExitBootServices()
 * left in the EfiExit record (efi_exit.h) becomes the filler's final
 * memory map, or one error line.  The entry itself could not report: it
 * ran before the command line (console=, debug-exit=) was parsed.
 */
#include <cstddef>
#include <relboot/spec/efi.h>
#include "protocol/efi_exit.h"
#include "stage64/identity_map.h"

namespace relboot {

bool efi64_final_map(const EfiExit& exit, PhysAddr exit_phys, Console& con, EfiFinalMap* map)
{
    const bool map_sound = exit.desc_size >= sizeof(efi::MemoryDescriptor) && exit.desc_size % 8 == 0 &&
                           exit.desc_size <= EFI_MMAP_BUFFER_SIZE && exit.map_size <= EFI_MMAP_BUFFER_SIZE;
    if (exit.result == EfiExitResult::exited && map_sound) {
        const PhysAddr descriptors = exit_phys + offsetof(EfiExit, map);
        *map = EfiFinalMap{phys_ptr<uint8_t>(descriptors), descriptors, uint32_t(exit.map_size),
                           uint32_t(exit.desc_size), exit.desc_version};
        return true;
    }
    con.begin().str("error: ");
    switch (exit.result) {
    case EfiExitResult::exited:
        con.str("EFI memory map from GetMemoryMap() has descriptor size ").dec(exit.desc_size);
        con.str(" and size ").dec(exit.map_size).str(", expected a descriptor size of at least 40, a multiple of 8,");
        con.str(" and at most ").dec(EFI_MMAP_BUFFER_SIZE).str(" bytes (UEFI 2.10, 7.2)");
        break;
    case EfiExitResult::mbi_malformed:
        con.str("EFI amd64 entry found an MBI tag running past total_size, expected every tag within it");
        break;
    case EfiExitResult::no_boot_services_tag:
        con.str("entered at the EFI amd64 entry (tag 9) but the MBI has no tag 18, expected tag 18");
        con.str(" (EFI boot services not terminated) with tags 12 and 20 (multiboot2 3.6)");
        break;
    case EfiExitResult::no_system_table:
        con.str("EFI amd64 entry: the MBI has no tag 12, expected the EFI 64-bit system table pointer");
        break;
    case EfiExitResult::no_image_handle:
        con.str("EFI amd64 entry: the MBI has no tag 20, expected the EFI 64-bit image handle pointer");
        break;
    case EfiExitResult::map_too_large:
        con.str("EFI memory map needs ").dec(exit.map_size).str(" bytes, expected at most ");
        con.dec(EFI_MMAP_BUFFER_SIZE).str(" (relboot's buffer, EFI_MMAP_BUFFER_SIZE)");
        break;
    case EfiExitResult::get_memory_map_failed:
        con.str("GetMemoryMap() returned ").hex16(exit.status).str(", expected EFI_SUCCESS (UEFI 2.10, 7.2)");
        break;
    case EfiExitResult::exit_refused:
        con.str("ExitBootServices() returned ").hex16(exit.status).str(" on attempt ").dec(exit.attempts);
        con.str(", expected EFI_SUCCESS within 2 attempts (UEFI 2.10, 7.4: one retry with a fresh map key)");
        break;
    default:
        con.str("EFI amd64 entry left no ExitBootServices() outcome, expected its record to be written");
        break;
    }
    con.end();
    return false;
}

void efi64_print_exit(const EfiExit& exit, Console& con)
{
    con.begin().str("debug: efi exit attempts=").dec(exit.attempts).str(" stale_keys=").dec(exit.stale_injected);
    con.str(" map_key=").hex16(exit.map_key).str(" desc_size=").dec(exit.desc_size);
    con.str(" desc_version=").dec(exit.desc_version).end();
}

} // namespace relboot
