/*
 * The EFI amd64 entry's exit from boot services (multiboot2 header tags 7
 * and 9; protocol/multiboot2_efi64_entry.S and multiboot2_efi64.cpp) and
 * what it leaves for the rest of relboot: one EfiExit record in the
 * image's .boot_tables, which start32 does not zero.  The multiboot2
 * filler (mbi.h) takes the memory map from it, or refuses a failed exit
 * with a BootError (subject "efi exit").
 *
 * The exit follows UEFI Specification 2.10, 7.4 ExitBootServices(): get
 * the memory map, call ExitBootServices() with its key, and on
 * EFI_INVALID_PARAMETER (the map changed in between: the key is stale)
 * get the map again and retry once, calling nothing but GetMemoryMap()
 * after the first attempt.  The step between the two calls only records
 * the map (address, size, descriptor size and version) and allocates
 * nothing, so it may run twice; converting the descriptors into BootState's
 * memory map happens later, in the filler.
 */
#ifndef RELBOOT_EFI_EXIT_H
#define RELBOOT_EFI_EXIT_H

#include <cstdint>
#include "lib/console.h"

namespace relboot {

/* Bytes for the EFI memory map: 682 descriptors of 48 bytes (OVMF: about 100). */
inline constexpr uint32_t EFI_MMAP_BUFFER_SIZE = 32768;

/* The outcome of efi64_exit_boot_services(). */
enum class EfiExitResult : uint32_t {
    not_run = 0,            /* the record was never written (an entry other than efi64) */
    exited = 1,             /* boot services are gone; map, map_size, desc_size, desc_version are valid */
    mbi_malformed,          /* MBI total_size outside 16..MBI_MAX_SIZE, or a tag runs past it */
    no_boot_services_tag,   /* no tag 18: the loader did not keep boot services, nothing may be called */
    no_system_table,        /* no tag 12 (EFI 64-bit system table) */
    no_image_handle,        /* no tag 20 (EFI 64-bit image handle) */
    map_too_large,          /* GetMemoryMap() said EFI_BUFFER_TOO_SMALL: map_size holds the bytes it wants */
    get_memory_map_failed,  /* GetMemoryMap() returned status */
    exit_refused,           /* ExitBootServices() returned status on both attempts (or another error once) */
};

/* The record (8-byte aligned); every field but result is meaningful only as result says. */
struct EfiExit {
    uint64_t status;            /* EFI_STATUS of the call that failed; 0 */
    uint64_t system_table;      /* EFI_SYSTEM_TABLE (tag 12) */
    uint64_t image_handle;      /* EFI_HANDLE (tag 20) */
    uint64_t map_size;          /* bytes of descriptors in map[] */
    uint64_t map_key;           /* the key ExitBootServices() accepted */
    uint64_t desc_size;         /* bytes from one descriptor to the next */
    uint32_t desc_version;
    uint32_t attempts;          /* ExitBootServices() calls made: 1, or 2 after a stale key */
    EfiExitResult result;
    uint32_t stale_injected;    /* debug-ebs=: calls made with a stale key on purpose (tests) */
    alignas(8) uint8_t map[EFI_MMAP_BUFFER_SIZE];   /* EFI_MEMORY_DESCRIPTORs (efi.h) */
};

/*
 * The exit (multiboot2_efi64.cpp; System V ABI, called from the entry in
 * 64-bit mode on the firmware's stack and page tables; position-independent,
 * so it runs at the load address).  Reads tags 1 (debug-ebs=), 12, 18 and
 * 20 of the MBI at mbi, bounded by its total_size; calls the firmware only
 * when all three EFI tags are there.  Writes *out and nothing else.
 */
extern "C" void efi64_exit_boot_services(const uint8_t* mbi, EfiExit* out);

/* loglvl=debug: one "debug: efi exit ..." line with the attempts, the stale keys injected and the map's shape. */
void efi64_print_exit(const EfiExit& exit, Console& con);

} // namespace relboot

/* The one record, in .boot_tables (defined in multiboot2_efi64.cpp; the entry passes its address). */
extern "C" relboot::EfiExit efi_exit_record;

#endif
