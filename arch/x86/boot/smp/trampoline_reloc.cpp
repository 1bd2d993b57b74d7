/* trampoline_relocate() (trampoline.h): pure, so the host tests apply the lists to buffers. */
#include "layout.h"
#include "smp/trampoline.h"

namespace relboot {

bool trampoline_relocate(uint8_t* blob, uint32_t size, const uint32_t* rel, uint32_t rel_count, uint32_t phys)
{
    if (phys % PAGE_SIZE || phys >= 0x100000)
        return false;
    for (uint32_t i = 0; i < rel_count; ++i)
        if (size < 4 || rel[i] > size - 4)
            return false;
    for (uint32_t i = 0; i < rel_count; ++i) {
        uint32_t v;
        __builtin_memcpy(&v, blob + rel[i], 4);
        v += phys;
        __builtin_memcpy(blob + rel[i], &v, 4);
    }
    return true;
}

} // namespace relboot
