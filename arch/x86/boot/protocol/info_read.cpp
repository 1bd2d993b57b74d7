/* Shared by the early steps and fillers of multiboot1, PVH and multiboot2 (info_read.h). */
#include "protocol/info_read.h"
#include "platform/memory_map.h"

namespace relboot {

const char* info_string(const PhysMemory& mem, uint64_t phys, uint32_t* len)
{
    if (phys == 0)
        return nullptr;
    /* A page at a time: mem maps whole ranges only, and the string may end at the window's edge. */
    uint32_t n = 0;
    while (n < INFO_STRING_MAX) {
        const uint64_t at = phys + n;
        uint64_t chunk = 4096 - (at & 4095);
        if (chunk > INFO_STRING_MAX - n)
            chunk = INFO_STRING_MAX - n;
        const uint8_t* p = mem.at(at, chunk);
        if (!p)
            return nullptr;
        for (uint32_t i = 0; i < chunk; ++i) {
            if (p[i] == 0) {
                *len = n + i;
                return reinterpret_cast<const char*>(mem.at(phys, n + i + 1));
            }
        }
        n += uint32_t(chunk);
    }
    return nullptr;
}

bool raw_range_add(BootState& bs, BootTables& tables, uint32_t* raw, uint64_t base, uint64_t length, MemoryType type)
{
    if (*raw == MEMORY_MAP_MAX) {
        bs.warnings |= WARN_MMAP_TRUNCATED;
        return false;
    }
    const PhysRange r = phys_range_clamped(base, length);
    tables.raw[(*raw)++] = MemoryRange{r.base, r.size, type, 0};
    return true;
}

void boot_tables_finish(BootState& bs, BootTables& tables, PhysAddr tables_phys, uint32_t raw_count,
                        const MemoryRange* used, uint32_t used_count, uint32_t module_count)
{
    bool truncated = false;
    bs.memory_map_count = memory_map_build(tables.raw, raw_count, used, used_count, tables.memory_map,
                                           MEMORY_MAP_MAX, &truncated);
    if (truncated)
        bs.warnings |= WARN_MMAP_TRUNCATED;
    bs.memory_map = tables_phys + offsetof(BootTables, memory_map);
    bs.module_count = module_count;
    bs.modules = tables_phys + offsetof(BootTables, modules);
}

} // namespace relboot
