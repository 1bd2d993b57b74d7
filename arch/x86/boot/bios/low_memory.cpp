/*
 * A free page below 1 MiB (low_memory.h): pure, so the host tests run it
 * on hand-built maps.
 */
#include "bios/low_memory.h"

namespace relboot {

uint64_t low_memory_limit(const PhysMemory& mem)
{
    const uint8_t* bda = mem.at(BIOS_EBDA_SEGMENT_PTR, 2);
    return low_memory_limit(bda ? uint16_t(bda[0] | bda[1] << 8) : uint16_t(0));
}

PhysAddr low_memory_page(const MemoryRange* map, uint32_t count, uint64_t limit)
{
    constexpr uint64_t page = 0x1000;
    uint64_t best = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const MemoryRange& r = map[i];
        if (r.type != MemoryType::usable || r.size == 0)
            continue;
        /* The range clipped to [page, limit); a range that wraps (malformed) is clipped at the top. */
        const uint64_t lo = r.base.value < page ? page : r.base.value;
        const uint64_t end = r.base.value + r.size < r.base.value ? ~uint64_t(0) : r.base.value + r.size;
        const uint64_t hi = end < limit ? end : limit;
        if (hi < lo + page)
            continue;
        const uint64_t candidate = (hi - page) & ~(page - 1);
        if (candidate >= lo && candidate > best)
            best = candidate;
    }
    return PhysAddr{best};
}

} // namespace relboot
