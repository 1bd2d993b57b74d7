/*
 * The EFI amd64 entry's exit from boot services (multiboot2 header tags 7
 * and 9; protocol/multiboot2_efi64_entry.S and multiboot2_efi64.cpp) and
 * what it leaves for the rest of relboot: one EfiExit record in the
 * image's .boot_tables, which start32 does not zero.  The multiboot2
 * filler (mbi.h) takes the memory map from it, or refuses a failed exit
 * with a BootError (subject "efi exit").
 *
 * Before anything else the MBI goes through the one checked walk
 * (mbi_scan(), mbi.h): a malformed one is refused without a firmware call
 * (the 32-bit stage then prints the fault).  The exit follows UEFI
 * Specification 2.10, 7.4 ExitBootServices(): get the memory map (its
 * size first, 7.2: a call with MemoryMapSize 0 answers it), call
 * ExitBootServices() with its key, and on EFI_INVALID_PARAMETER (the map
 * changed in between: the key is stale) get the map again and retry
 * once, calling nothing but GetMemoryMap() after the first attempt.  The step between the two calls only records
 * the map (address, size, descriptor size and version) and allocates
 * nothing, so it may run twice; converting the descriptors into BootState's
 * memory map happens later, in the filler.
 */
#ifndef RELBOOT_EFI_EXIT_H
#define RELBOOT_EFI_EXIT_H

#include <cstdint>
#include <relboot/spec/efi.h>
#include "lib/console.h"

namespace relboot {

/*
 * Bytes of relboot's buffer for the final EFI memory map (EfiExit.map),
 * the one source of its size (the filler and the Linux launch read it):
 * room for 2,048 descriptors of up to 64 bytes.  Firmware uses 40 or 48
 * (UEFI 2.10, 7.2); OVMF gives about 100 descriptors, servers 300 to
 * 700, large ones some thousand.
 */
inline constexpr uint32_t EFI_MMAP_BUFFER_SIZE = 131072;

/*
 * Descriptors the buffer must hold beyond the size GetMemoryMap() first
 * answers: room for what the firmware adds before the map is read (UEFI
 * 2.10, 7.2: the buffer "should be bigger than the value returned in
 * MemoryMapSize"; an allocation inside a free range adds up to two), such
 * as debug-ebs='s page or the firmware's own events.
 */
inline constexpr uint32_t EFI_MMAP_SLACK_DESCRIPTORS = 8;

/*
 * Whether a map of map_size bytes (GetMemoryMap()'s answer) fits the
 * buffer with EFI_MMAP_SLACK_DESCRIPTORS more descriptors of desc_size
 * bytes (of 40, the smallest, when the answer gave none).  Any 64-bit
 * inputs: nothing wraps.
 */
constexpr bool efi_mmap_fits(uint64_t map_size, uint64_t desc_size)
{
    const uint64_t step = desc_size ? desc_size : sizeof(efi::MemoryDescriptor);
    return map_size <= EFI_MMAP_BUFFER_SIZE && step <= EFI_MMAP_BUFFER_SIZE / EFI_MMAP_SLACK_DESCRIPTORS &&
           EFI_MMAP_SLACK_DESCRIPTORS * step <= EFI_MMAP_BUFFER_SIZE - map_size;
}

/* The outcome of efi64_exit_boot_services(). */
enum class EfiExitResult : uint32_t {
    not_run = 0,            /* the record was never written (an entry other than efi64) */
    exited = 1,             /* boot services are gone; map, map_size, desc_size, desc_version are valid */
    mbi_malformed,          /* mbi_scan() refused the MBI (the 32-bit stage's early step prints why) */
    no_boot_services_tag,   /* no tag 18: the loader did not keep boot services, nothing may be called */
    no_system_table,        /* no tag 12 (EFI 64-bit system table) */
    no_image_handle,        /* no tag 20 (EFI 64-bit image handle) */
    map_too_large,          /* the map does not fit the buffer with room to spare (efi_mmap_fits()):
                               map_size holds the bytes GetMemoryMap() wants, desc_size its descriptor size */
    get_memory_map_failed,  /* GetMemoryMap() returned status */
    exit_refused,           /* ExitBootServices() returned status on both attempts (or another error once) */
};

/* The record (8-byte aligned); every field but result is meaningful only as result says. */
struct EfiExit {
    uint64_t status;            /* EFI_STATUS of the call that failed (EFI_BUFFER_TOO_SMALL: map_too_large); 0 */
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
 * so it runs at the load address).  The MBI at mbi, whose physical address
 * is mbi_phys (the same value on the firmware's identity map; alignment and
 * the 4 GiB bound are checked on it), goes through mbi_scan() first; then
 * tags 1 (debug-ebs=), 12, 18 and 20 are read.  Calls the firmware only
 * when the walk accepted the MBI and all three EFI tags are there.  Writes
 * *out and nothing else.
 */
extern "C" void efi64_exit_boot_services(const uint8_t* mbi, uint64_t mbi_phys, EfiExit* out);

/* loglvl=debug: one "debug: efi exit ..." line with the attempts, the stale keys injected and the map's shape. */
void efi64_print_exit(const EfiExit& exit, Console& con);

} // namespace relboot

/* The one record, in .boot_tables (defined in multiboot2_efi64.cpp; the entry passes its address). */
extern "C" relboot::EfiExit efi_exit_record;

#endif
