/*
 * RAM as the multiboot1 loader reported it (Multiboot 0.6.96, 3.3,
 * mmap_addr/mmap_length): where relboot's image may go, base=top, and the
 * entries of the multiboot2 memory map tag.
 */
#ifndef TESTLOADER_MEMORY_MAP_H
#define TESTLOADER_MEMORY_MAP_H

#include <cstdint>
#include "multiboot1.h"
#include "options.h"

namespace testloader {

/* Most memory map entries kept (QEMU's pc machine reports 5 to 8). */
inline constexpr uint32_t MMAP_MAX = 32;

/* One entry, as multiboot2's MmapEntry has it (type 1 = available RAM). */
struct RamRange {
    uint64_t base_addr;
    uint64_t length;        /* bytes */
    uint32_t type;
};

/* The multiboot1 memory map, copied out before the image may cover it. */
struct MemoryMap {
    RamRange entries[MMAP_MAX];
    uint32_t count;

    /* Whether [start, start + size) lies inside one available entry and below 4 GiB. */
    bool fits(uint64_t start, uint64_t size) const;
    /* The highest align-aligned (power of two) base at which size bytes fit below 4 GiB; 0 if none. */
    uint32_t top_base(uint32_t size, uint32_t align) const;
};

/* Where mmap-split= starts cutting: 256 MiB, above the loader, QEMU's modules and a kernel's usual place. */
inline constexpr uint64_t SPLIT_BASE = 0x10000000;
/* What mmap-split=...:holes leaves out at the end of each piece (bytes). */
inline constexpr uint64_t SPLIT_HOLE = 0x1000;

/* The memory map the MBI hands over: the multiboot1 one, maybe cut into pieces (mmap-split=). */
struct HandedMap {
    RamRange entries[MMAP_MAX + SPLIT_MAX + 1];
    uint32_t count;
};

/*
 * ram with the available entry that holds SPLIT_BASE handed over as: its
 * part below SPLIT_BASE, then count pieces of size bytes each (each
 * SPLIT_HOLE shorter with holes: nothing merges), then its rest, every
 * other entry as it was.  Without holes the pieces are adjacent and of
 * ram's type, so they merge back into the entry they came from.  count 0:
 * ram as it is.  No available entry holds [SPLIT_BASE, SPLIT_BASE +
 * count * size): error and fail().
 */
void split_memory_map(const MemoryMap& ram, uint32_t count, uint32_t size, bool holes, HandedMap* out);

/*
 * Copies info's memory map (each entry at +size+4 from the one before).
 * An entry shorter than 20 bytes or running past mmap_length, or more
 * than MMAP_MAX entries: error and fail().
 */
void read_memory_map(const mb1::Info& info, MemoryMap* map);

} // namespace testloader

#endif
