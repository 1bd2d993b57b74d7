#include "platform/memory_map.h"

namespace relboot {

namespace {

bool in_use_type(MemoryType t)
{
    return t == MemoryType::relboot || t == MemoryType::boot_data || t == MemoryType::module;
}

/*
 * Rank of a firmware type where two firmware ranges overlap: the higher
 * wins.  Unknown types rank as reserved (and are reported as reserved).
 */
uint32_t firmware_rank(MemoryType t)
{
    switch (t) {
    case MemoryType::usable: return 1;
    case MemoryType::acpi_reclaimable: return 2;
    case MemoryType::acpi_nvs: return 3;
    case MemoryType::bad: return 4;
    default: return 5;
    }
}

MemoryType firmware_type(MemoryType t)
{
    return firmware_rank(t) == 5 ? MemoryType::reserved : t;
}

/* Smallest range boundary (base or end) above pos; false when none is left. */
bool next_boundary(const MemoryRange* r, uint32_t n, uint64_t pos, uint64_t* next)
{
    bool found = false;
    for (uint32_t i = 0; i < n; ++i) {
        if (!r[i].size)
            continue;
        const uint64_t b = r[i].base.value, e = b + r[i].size;
        if (b > pos && (!found || b < *next))
            *next = b, found = true;
        if (e > pos && (!found || e < *next))
            *next = e, found = true;
    }
    return found;
}

} // namespace

uint32_t memory_map_build(const MemoryRange* raw, uint32_t raw_count, const MemoryRange* used, uint32_t used_count,
                          MemoryRange* out, uint32_t out_max, bool* truncated)
{
    *truncated = false;
    uint32_t count = 0;
    uint64_t pos = 0;
    bool started = false;
    /* Start at the lowest base of a firmware range (in-use bytes outside them are not added). */
    for (uint32_t i = 0; i < raw_count; ++i)
        if (raw[i].size && (!started || raw[i].base.value < pos))
            pos = raw[i].base.value, started = true;
    if (!started)
        return 0;

    /*
     * Sweep the boundaries in order.  Each step covers [pos, next), over
     * which no range starts or ends, so one type holds for all of it.
     */
    for (;;) {
        uint64_t next = 0;
        const bool more_raw = next_boundary(raw, raw_count, pos, &next);
        uint64_t next_used = 0;
        if (next_boundary(used, used_count, pos, &next_used) && (!more_raw || next_used < next))
            next = next_used;
        else if (!more_raw)
            return count;

        uint32_t rank = 0;
        MemoryType type = MemoryType::reserved;
        for (uint32_t i = 0; i < raw_count; ++i) {
            const MemoryRange& r = raw[i];
            if (r.size && r.base.value <= pos && pos - r.base.value < r.size && firmware_rank(r.type) > rank)
                rank = firmware_rank(r.type), type = firmware_type(r.type);
        }
        if (rank == 1) {
            /* Usable RAM: the first in-use range over it (image, loader data, module) claims it. */
            for (uint32_t i = 0; i < used_count; ++i) {
                const MemoryRange& u = used[i];
                if (u.size && in_use_type(u.type) && u.base.value <= pos && pos - u.base.value < u.size) {
                    type = u.type;
                    break;
                }
            }
        }
        if (rank) {
            MemoryRange* last = count ? &out[count - 1] : nullptr;
            if (last && last->type == type && last->base.value + last->size == pos) {
                last->size += next - pos;
            } else if (count == out_max) {
                *truncated = true;
                return count;
            } else {
                out[count++] = MemoryRange{PhysAddr{pos}, next - pos, type, 0};
            }
        }
        pos = next;
    }
}

uint64_t memory_map_usable_bytes(const MemoryRange* map, uint32_t count)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; ++i)
        if (map[i].type == MemoryType::usable)
            total += map[i].size;
    return total;
}

uint64_t memory_map_usable_top(const MemoryRange* map, uint32_t count)
{
    uint64_t top = 0;
    for (uint32_t i = 0; i < count; ++i)
        if (map[i].type == MemoryType::usable && map[i].base.value + map[i].size > top)
            top = map[i].base.value + map[i].size;
    return top;
}

const char* memory_type_name(MemoryType type)
{
    switch (type) {
    case MemoryType::usable: return "usable";
    case MemoryType::reserved: return "reserved";
    case MemoryType::acpi_reclaimable: return "acpi-reclaimable";
    case MemoryType::acpi_nvs: return "acpi-nvs";
    case MemoryType::bad: return "bad";
    case MemoryType::relboot: return "relboot";
    case MemoryType::boot_data: return "boot-data";
    case MemoryType::module: return "module";
    }
    return "reserved";
}

} // namespace relboot
