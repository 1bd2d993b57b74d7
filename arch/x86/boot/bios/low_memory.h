/*
 * Memory below 1 MiB for code that must run in real mode: the BIOS-call
 * thunk (bios_call.h) and the APs' start-up trampoline (a SIPI vector
 * names a 4 KiB page below 1 MiB: Intel SDM Vol. 3A, 9.4.4.1 / 10.4.4.1
 * "Typical BSP Initialization Sequence").
 */
#ifndef RELBOOT_LOW_MEMORY_H
#define RELBOOT_LOW_MEMORY_H

#include <cstdint>
#include "platform/acpi.h"
#include "boot_state.h"

namespace relboot {

/* End of conventional memory: the legacy video RAM starts here. */
inline constexpr uint64_t LOW_MEMORY_END = 0xa0000;

/*
 * The highest 4 KiB-aligned page whose 4 KiB lie wholly in [0x1000,
 * limit) and inside one usable range of map[0, count) (BootState's map:
 * sorted, merged; in-use ranges are not usable).  0 when there is none
 * (an EFI map may have no usable page there; limit <= 0x1000).  Page 0
 * holds the real-mode IVT and the BIOS Data Area and is never chosen.
 * limit is the caller's min(LOW_MEMORY_END, EBDA base): the EBDA is
 * often missing from the firmware's map (low_memory_limit()).
 */
PhysAddr low_memory_page(const MemoryRange* map, uint32_t count, uint64_t limit);

/*
 * min(LOW_MEMORY_END, ebda_segment << 4), the limit low_memory_page()
 * wants; a segment of 0 (no EBDA) or one below 0x1000 bytes (not an
 * EBDA: the BDA says nothing usable) leaves LOW_MEMORY_END.
 */
constexpr uint64_t low_memory_limit(uint16_t ebda_segment)
{
    const uint64_t ebda = uint64_t(ebda_segment) << 4;
    return ebda >= 0x1000 && ebda < LOW_MEMORY_END ? ebda : LOW_MEMORY_END;
}

/*
 * low_memory_limit() of the EBDA segment that the BIOS Data Area's word at
 * BIOS_EBDA_SEGMENT_PTR (acpi.h) holds, read through mem; LOW_MEMORY_END
 * when that word cannot be read (EFI leaves it 0).
 */
uint64_t low_memory_limit(const PhysMemory& mem);

} // namespace relboot

#endif
