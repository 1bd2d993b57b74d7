/*
 * What the fuzzers of the protocols whose information structure points
 * elsewhere in memory (multiboot1, PVH) share: the input as a window of
 * physical memory, and BootState's invariants after a filler accepted it.
 *
 * The input's bytes are physical memory [WINDOW_BASE, WINDOW_BASE + size),
 * the information structure at WINDOW_BASE; every pointer in it that falls
 * inside the window reads the input, every other one is unmapped (the
 * filler must refuse it).  ASan catches a read outside the buffer.
 */
#ifndef FUZZ_INFO_WINDOW_H
#define FUZZ_INFO_WINDOW_H

#include "protocol/info_read.h"
#include "boot_state.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace fuzz {

using namespace relboot;

inline constexpr uint64_t WINDOW_BASE = 0x9000;
/* relboot's image and BootTables, outside the window. */
inline constexpr uint64_t IMAGE_BASE = 0x1000000, IMAGE_SIZE = 0x40000;

struct Window {
    const uint8_t* data;
    size_t size;

    bool holds(uint64_t phys, uint64_t len) const
    {
        return phys >= WINDOW_BASE && phys - WINDOW_BASE <= size && len <= size - (phys - WINDOW_BASE);
    }
    PhysMemory memory() const
    {
        return PhysMemory{[](const void* ctx, uint64_t phys, uint64_t len) -> const uint8_t* {
                              const Window& w = *static_cast<const Window*>(ctx);
                              return w.holds(phys, len) ? w.data + (phys - WINDOW_BASE) : nullptr;
                          },
                          this};
    }
};

/* A NUL-terminated string of len bytes inside the window. */
inline void check_string(const Window& w, PhysAddr s, uint32_t len)
{
    if (!w.holds(s.value, uint64_t(len) + 1))
        __builtin_trap();
    const uint8_t* p = w.data + (s.value - WINDOW_BASE);
    if (p[len] != 0 || std::memchr(p, 0, len))
        __builtin_trap();
}

/* BootState's memory map (all fuzzers): sorted, no overlaps, no empty ranges, same-type neighbours merged. */
inline void check_memory_map(const BootState& bs, const BootTables& tables)
{
    if (bs.memory_map_count > MEMORY_MAP_MAX)
        __builtin_trap();
    for (uint32_t i = 0; i < bs.memory_map_count; ++i) {
        const MemoryRange& r = tables.memory_map[i];
        if (r.size == 0 || r.size > PHYS_END_MAX - r.base.value)
            __builtin_trap();
        if (i == 0)
            continue;
        const MemoryRange& p = tables.memory_map[i - 1];
        if (!(p.base < r.base) || p.base.value + p.size > r.base.value)
            __builtin_trap();
        if (p.base.value + p.size == r.base.value && p.type == r.type)
            __builtin_trap();
    }
}

/* BootState after a filler accepted the window. */
inline void check_filled(const Window& w, const BootState& bs, const BootTables& tables, PhysAddr tables_phys)
{
    if (bs.info.value != WINDOW_BASE || bs.load_base.value != IMAGE_BASE || bs.image_size != IMAGE_SIZE)
        __builtin_trap();
    if (bs.memory_map != tables_phys + offsetof(BootTables, memory_map) ||
        bs.modules != tables_phys + offsetof(BootTables, modules))
        __builtin_trap();
    if (bs.cmdline.present())
        check_string(w, bs.cmdline, bs.cmdline_len);
    check_memory_map(bs, tables);
    /* A cap reached is a warning that names what it dropped: the map ends below the cut, the modules are full. */
    const bool map_capped = bs.warnings & WARN_MMAP_TRUNCATED, modules_capped = bs.warnings & WARN_MODULES_TRUNCATED;
    if (map_capped != (bs.memory_map_dropped != 0) || (!map_capped && bs.memory_map_cut) ||
        (map_capped && bs.memory_map_count &&
         tables.memory_map[bs.memory_map_count - 1].base.value + tables.memory_map[bs.memory_map_count - 1].size >
             bs.memory_map_cut))
        __builtin_trap();
    if (modules_capped != (bs.modules_dropped != 0) || (modules_capped && bs.module_count != MODULES_MAX))
        __builtin_trap();
    if (bs.module_count > MODULES_MAX)
        __builtin_trap();
    for (uint32_t m = 0; m < bs.module_count; ++m) {
        const BootModule& mod = tables.modules[m];
        if (mod.start.value > mod.end.value)
            __builtin_trap();
        if (mod.string.present())
            check_string(w, mod.string, mod.string_len);
        else if (mod.string_len)
            __builtin_trap();
    }
}

/*
 * One fuzz input through a protocol's early step and then, on the same
 * BootState as in the boot, its filler: a refusal is one BootError that
 * names its subject, field and expectation, and the early step's refusal
 * sets nothing; an accepted structure gives the early step's command line,
 * firmware bios and BootState's invariants.  Returns the filled BootState
 * for the protocol's own checks (nullptr when refused).
 */
template <class Early, class Filler>
const BootState* run_protocol(const uint8_t* data, size_t size, Protocol protocol, Early early_step, Filler filler,
                             BootState& bs)
{
    /* A copy of exactly size bytes, so that ASan sees any read past it. */
    std::vector<uint8_t> copy(data, data + size);
    const Window w{copy.data(), size};
    const PhysMemory mem = w.memory();
    auto named = [](const BootError& e) { return e.subject && e.field && e.expected; };

    bs = BootState{};
    bs.load_base = PhysAddr{IMAGE_BASE};
    bs.image_size = IMAGE_SIZE;
    const BootState before = bs;
    const BootError e = early_step(bs, mem, PhysAddr{WINDOW_BASE});
    if (!e.ok()) {
        if (!named(e) || std::memcmp(&bs, &before, sizeof bs))
            __builtin_trap();
        return nullptr;
    }
    if (bs.protocol != protocol || bs.info.value != WINDOW_BASE)
        __builtin_trap();
    if (bs.cmdline.present())
        check_string(w, bs.cmdline, bs.cmdline_len);
    const BootState early = bs;

    auto tables = std::make_unique<BootTables>();
    const PhysAddr tables_phys{IMAGE_BASE + 0x20000};
    const BootError c = filler(bs, FillContext{tables.get(), tables_phys, mem, PhysAddr{0}});
    if (!c.ok()) {
        if (!named(c))
            __builtin_trap();
        return nullptr;
    }
    if (bs.protocol != protocol || bs.cmdline != early.cmdline || bs.firmware != BootFirmware::bios)
        __builtin_trap();
    check_filled(w, bs, *tables, tables_phys);
    return &bs;
}

} // namespace fuzz

#endif
