/*
 * A page of conventional memory (below 1 MiB) for code that must run in
 * real mode: the AP start-up trampoline (a SIPI vector names a 4 KiB page
 * below 1 MiB, Intel SDM Vol. 3A, 9.4.4 "MP Initialization Example") and
 * the BIOS calls.  Both use it one after the other (the BIOS calls finish
 * before the APs start), so one page serves both.
 *
 * Pure: the host tests run it on hand-built memory maps.
 */
#ifndef RELBOOT_LOW_MEMORY_H
#define RELBOOT_LOW_MEMORY_H

#include <cstdint>
#include <relboot/boot_info.h>

namespace relboot {

/* The real-mode limit: the legacy video area starts at 0xA0000 (640 KiB). */
inline constexpr uint64_t LOW_MEMORY_END = 0xa0000;
/* The lowest page a trampoline may take: page 0 holds the real-mode IVT and the BDA. */
inline constexpr uint64_t LOW_MEMORY_START = 0x1000;

/*
 * The highest 4 KiB-aligned page whose 4 KiB lie in [LOW_MEMORY_START,
 * limit) and inside one range of type usable of map[0, count) (BootInfo's
 * memory map: sorted, non-overlapping; relboot's image, the loader's
 * structures and the modules are already typed as in use there, so they
 * are never chosen).  limit is the caller's min(LOW_MEMORY_END, EBDA
 * base); a limit above LOW_MEMORY_END is lowered to it.  Returns 0 when no
 * page qualifies (as on EFI maps that keep low memory as boot services
 * data or reserved).  Every range is looked at, so the map's order does
 * not matter.
 */
PhysAddr low_memory_page(const MemoryRange* map, uint32_t count, uint64_t limit);

} // namespace relboot

#endif
