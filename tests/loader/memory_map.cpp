#include <cstddef>
#include "memory_map.h"
#include "console.h"

namespace testloader {

void read_memory_map(const mb1::Info& info, MemoryMap* map)
{
    map->count = 0;
    uintptr_t p = info.mmap_addr;
    const uintptr_t end = uintptr_t(info.mmap_addr) + info.mmap_length;
    while (p + sizeof(uint32_t) <= end) {
        const uint32_t size = read_unaligned<uint32_t>(p);
        if (size < sizeof(mb1::MmapEntry) - sizeof(uint32_t) || size > end - p - sizeof(uint32_t)) {
            Line line = error();
            line.str("multiboot1 memory map entry at ").hex(p).str(" has size ").hex(size);
            line.str(": expected at least 20 bytes within mmap_length");
            fail(line);
        }
        if (map->count == MMAP_MAX) {
            Line line = error();
            line.str("multiboot1 memory map has more than 32 entries");
            fail(line);
        }
        RamRange& r = map->entries[map->count++];
        r.base_addr = read_unaligned<uint64_t>(p + offsetof(mb1::MmapEntry, base_addr));
        r.length = read_unaligned<uint64_t>(p + offsetof(mb1::MmapEntry, length));
        r.type = read_unaligned<uint32_t>(p + offsetof(mb1::MmapEntry, type));
        p += sizeof(uint32_t) + size;
    }
}

bool MemoryMap::fits(uint64_t start, uint64_t size) const
{
    if (start + size > FOUR_GIB)
        return false;
    for (uint32_t i = 0; i < count; ++i) {
        const RamRange& r = entries[i];
        if (r.type == MULTIBOOT1_MEMORY_AVAILABLE && r.base_addr <= start && start + size <= r.base_addr + r.length)
            return true;
    }
    return false;
}

uint32_t MemoryMap::top_base(uint32_t size, uint32_t align) const
{
    uint64_t best = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const RamRange& r = entries[i];
        if (r.type != MULTIBOOT1_MEMORY_AVAILABLE)
            continue;
        const uint64_t end = r.base_addr + r.length < FOUR_GIB ? r.base_addr + r.length : FOUR_GIB;
        if (end < size)
            continue;
        const uint64_t base = (end - size) & ~uint64_t(align - 1);
        if (base >= r.base_addr && base > best)
            best = base;
    }
    return uint32_t(best);
}

void split_memory_map(const MemoryMap& ram, uint32_t count, uint32_t size, bool holes, HandedMap* out)
{
    out->count = 0;
    const uint64_t split_end = SPLIT_BASE + uint64_t(count) * size;
    bool done = count == 0;
    for (uint32_t i = 0; i < ram.count; ++i) {
        const RamRange& r = ram.entries[i];
        const uint64_t end = r.base_addr + r.length;
        if (done || r.type != MULTIBOOT1_MEMORY_AVAILABLE || r.base_addr > SPLIT_BASE || end < split_end) {
            out->entries[out->count++] = r;
            continue;
        }
        if (r.base_addr < SPLIT_BASE)
            out->entries[out->count++] = RamRange{r.base_addr, SPLIT_BASE - r.base_addr, r.type};
        for (uint32_t p = 0; p < count; ++p)
            out->entries[out->count++] =
                RamRange{SPLIT_BASE + uint64_t(p) * size, size - (holes ? SPLIT_HOLE : 0), r.type};
        if (end > split_end)
            out->entries[out->count++] = RamRange{split_end, end - split_end, r.type};
        done = true;
    }
    if (!done) {
        Line line = error();
        line.str("mmap-split=").dec(count).str(": no available RAM range holds [").hex(uint32_t(SPLIT_BASE));
        line.str(", +").hex(uint32_t(split_end - SPLIT_BASE)).str(") (QEMU -m too small?)");
        fail(line);
    }
}

} // namespace testloader
