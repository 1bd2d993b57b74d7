/* Shared by the early steps and fillers of multiboot1, PVH and multiboot2 (info_read.h). */
#include "protocol/info_read.h"

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

void boot_tables_finish(BootState& bs, MemoryMapBuilder& map, PhysAddr tables_phys, const InUse& used,
                        uint32_t module_total)
{
    for (uint32_t i = 0; i < used.count; ++i)
        map.claim(used.ranges[i].base.value, used.ranges[i].size, used.ranges[i].type);
    bs.memory_map = tables_phys + offsetof(BootTables, memory_map);
    bs.memory_map_count = map.count;
    bs.memory_map_cut = map.truncated ? map.cut : 0;
    bs.memory_map_dropped = map.dropped;
    if (map.truncated)
        bs.warnings |= WARN_MMAP_TRUNCATED;
    bs.modules = tables_phys + offsetof(BootTables, modules);
    bs.module_count = module_total < MODULES_MAX ? module_total : MODULES_MAX;
    bs.modules_dropped = module_total - bs.module_count;
    if (bs.modules_dropped)
        bs.warnings |= WARN_MODULES_TRUNCATED;
}

} // namespace relboot
