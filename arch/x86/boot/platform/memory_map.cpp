#include "platform/memory_map.h"

namespace relboot {

namespace {

bool in_use_type(MemoryType t)
{
    return t == MemoryType::relboot || t == MemoryType::boot_data || t == MemoryType::module;
}

/*
 * Rank of a firmware type where two firmware ranges overlap: the higher
 * wins.  Unknown types rank as reserved (and are stored as reserved).
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

uint64_t end_of(const MemoryRange& r)
{
    return r.base.value + r.size;
}

uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

} // namespace

/* Index of the first entry that ends above pos (count when none): a binary search, the map being sorted. */
uint32_t MemoryMapBuilder::first_ending_after(uint64_t pos) const
{
    uint32_t lo = 0, hi = count;
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (end_of(map[mid]) <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * Replaces the entries map[lo, hi) by pieces[0, n), shifting the entries
 * above them.  Whatever would land at index max or above is dropped: the
 * cut comes down to the lowest base dropped, and each entry dropped counts.
 */
void MemoryMapBuilder::replace(uint32_t lo, uint32_t hi, const MemoryRange* pieces, uint32_t n)
{
    const uint32_t tail = count - hi;               /* entries above the replaced ones: they move to lo + n */
    const uint32_t new_count = lo + n + tail;
    if (new_count > max) {
        /* The new sequence's entry at index max is the lowest one dropped. */
        const MemoryRange& first_dropped = max < lo + n ? pieces[max - lo] : map[hi + (max - lo - n)];
        if (first_dropped.base.value < cut)
            cut = first_dropped.base.value;
        truncated = true;
        dropped += new_count - max;
    }
    /* The tail, only the entries that stay below max: upwards from the top, downwards from the bottom. */
    if (lo + n > hi) {
        for (uint32_t i = tail; i-- > 0;)
            if (lo + n + i < max)
                map[lo + n + i] = map[hi + i];
    } else {
        for (uint32_t i = 0; i < tail; ++i)
            map[lo + n + i] = map[hi + i];
    }
    for (uint32_t i = 0; i < n && lo + i < max; ++i)
        map[lo + i] = pieces[i];
    count = new_count < max ? new_count : max;
}

/*
 * Makes [base, end) (base < end) one range of type: what the entries
 * overlapping it held there goes, the parts of them outside it stay, and
 * the new range merges with a neighbour of its type that it touches.
 */
void MemoryMapBuilder::set(uint64_t base, uint64_t end, MemoryType type)
{
    uint32_t lo = first_ending_after(base);
    uint32_t hi = lo;
    while (hi < count && map[hi].base.value < end)
        ++hi;
    /* map[lo, hi) overlap [base, end): the first may begin below it, the last end above it. */
    MemoryRange pieces[3];
    uint32_t n = 0;
    MemoryRange mid{PhysAddr{base}, end - base, type, 0};
    if (lo < hi && map[lo].base.value < base) {
        if (map[lo].type == type)
            mid.base = map[lo].base;
        else
            pieces[n++] = MemoryRange{map[lo].base, base - map[lo].base.value, map[lo].type, 0};
    } else if (lo > 0 && end_of(map[lo - 1]) == base && map[lo - 1].type == type) {
        mid.base = map[--lo].base;
    }
    uint64_t mid_end = end;
    MemoryRange right{};
    bool has_right = false;
    if (lo < hi && end_of(map[hi - 1]) > end) {
        if (map[hi - 1].type == type)
            mid_end = end_of(map[hi - 1]);
        else
            right = MemoryRange{PhysAddr{end}, end_of(map[hi - 1]) - end, map[hi - 1].type, 0}, has_right = true;
    } else if (hi < count && map[hi].base.value == end && map[hi].type == type) {
        mid_end = end_of(map[hi++]);
    }
    mid.size = mid_end - mid.base.value;
    pieces[n++] = mid;
    if (has_right)
        pieces[n++] = right;
    replace(lo, hi, pieces, n);
}

void MemoryMapBuilder::add_firmware(uint64_t base, uint64_t size, MemoryType type)
{
    const PhysRange r = phys_range_clamped(base, size);
    if (!r.size)
        return;
    const MemoryType t = firmware_type(type);
    uint64_t pos = r.base.value, end = r.end();
    if (end > cut) {
        ++dropped;              /* the part at or above the cut is lost */
        if (pos >= cut)
            return;
        end = cut;
    }
    /*
     * Piece by piece: a gap takes the new type, a range keeps its own
     * unless the new one is as strict or stricter.  Each run of pieces
     * that take it becomes one range in one step, so that a range over
     * many weaker ones never needs more entries on the way.
     */
    uint64_t run = 0;
    bool in_run = false;
    while (pos < end) {
        const uint32_t k = first_ending_after(pos);
        uint64_t piece_end;
        bool takes;
        if (k == count || map[k].base.value > pos) {
            piece_end = k < count ? min_u64(map[k].base.value, end) : end;
            takes = true;
        } else {
            piece_end = min_u64(end_of(map[k]), end);
            takes = map[k].type == t || firmware_rank(t) > firmware_rank(map[k].type);
        }
        if (takes && !in_run) {
            run = pos;
            in_run = true;
        } else if (!takes && in_run) {
            set(run, pos, t);
            in_run = false;
            end = min_u64(end, cut);    /* a step that dropped entries brought the cut down */
        }
        pos = piece_end;
    }
    if (in_run && run < end)
        set(run, end, t);
}

void MemoryMapBuilder::claim(uint64_t base, uint64_t size, MemoryType type)
{
    const PhysRange r = phys_range_clamped(base, size);
    if (!r.size || !in_use_type(type))
        return;
    uint64_t pos = r.base.value, end = min_u64(r.end(), cut);
    /* Range by range: only usable bytes change; gaps stay gaps. */
    while (pos < end) {
        const uint32_t k = first_ending_after(pos);
        if (k == count || map[k].base.value >= end)
            return;
        if (map[k].base.value > pos)
            pos = map[k].base.value;
        const uint64_t piece_end = min_u64(end_of(map[k]), end);
        if (map[k].type == MemoryType::usable)
            set(pos, piece_end, type);
        pos = piece_end;
        end = min_u64(end, cut);
    }
}

uint32_t memory_map_build(const MemoryRange* raw, uint32_t raw_count, const MemoryRange* used, uint32_t used_count,
                          MemoryRange* out, uint32_t out_max, bool* truncated)
{
    MemoryMapBuilder b(out, out_max);
    for (uint32_t i = 0; i < raw_count; ++i)
        b.add_firmware(raw[i].base.value, raw[i].size, raw[i].type);
    for (uint32_t i = 0; i < used_count; ++i)
        b.claim(used[i].base.value, used[i].size, used[i].type);
    *truncated = b.truncated;
    return b.count;
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
