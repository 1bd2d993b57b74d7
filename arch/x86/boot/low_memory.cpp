/* low_memory_page() (low_memory.h). */
#include <relboot/layout.h>
#include <relboot/low_memory.h>

namespace relboot {

PhysAddr low_memory_page(const MemoryRange* map, uint32_t count, uint64_t limit)
{
    if (limit > LOW_MEMORY_END)
        limit = LOW_MEMORY_END;
    uint64_t best = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const MemoryRange& r = map[i];
        if (r.type != MemoryType::usable || !r.size)
            continue;
        const uint64_t base = r.base.value;
        if (base >= limit)
            continue;
        /* [start, end): the range's whole pages inside [LOW_MEMORY_START, limit); no sum can overflow. */
        uint64_t end = r.size < limit - base ? base + r.size : limit;
        uint64_t start = base < LOW_MEMORY_START ? LOW_MEMORY_START : base;
        start = (start + PAGE_SIZE - 1) & ~uint64_t(PAGE_SIZE - 1);
        end &= ~uint64_t(PAGE_SIZE - 1);
        if (end <= start)
            continue;
        if (end - PAGE_SIZE > best)
            best = end - PAGE_SIZE;
    }
    return PhysAddr{best};
}

} // namespace relboot
