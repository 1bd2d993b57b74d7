/*
 * The second-level map's planner (guest_map.h): the limit, the holes, the
 * memory types, and the NPT or EPT built from them.  Freestanding: writes
 * only what it is given.
 */
#include "payload/vcpu/guest_map.h"
#include <x86/paging.h>

namespace relboot {

namespace {

uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

bool overlaps(uint64_t base, uint64_t size, const PhysRange& r)
{
    return r.size && base < r.base.value + r.size && r.base.value < base + size;
}

bool covered(uint64_t base, uint64_t size, const PhysRange& r)
{
    return r.size && r.base.value <= base && base + size <= r.base.value + r.size;
}

/* How much of a range is RAM, to the 4 KiB page. */
enum class Ram : uint8_t { none, some, all };

/* The i-th entry of plan's memory map as RAM pages: [*base, *end), false when it is not RAM. */
bool ram_pages(const GuestMapPlan& plan, uint32_t i, uint64_t* base, uint64_t* end)
{
    const MemoryRange& r = plan.memory_map[i];
    if (!guest_map_is_ram(r.type))
        return false;
    const PhysRange c = phys_range_clamped(r.base.value, r.size);
    *base = align_down(c.base.value, GUEST_MAP_4K);
    *end = align_up(c.end(), GUEST_MAP_4K);
    return true;
}

/*
 * How much of [base, base + size) is RAM.  "all": every 4 KiB page of it
 * has RAM; the walk moves pos past each RAM range that holds it, so it
 * ends after at most one step per range.
 */
Ram ram_in(const GuestMapPlan& plan, uint64_t base, uint64_t size)
{
    if (!plan.memory_map)
        return Ram::all;
    const uint64_t end = base + size;
    bool any = false;
    for (uint32_t i = 0; i < plan.memory_map_count; ++i) {
        uint64_t b, e;
        if (ram_pages(plan, i, &b, &e) && b < end && base < e)
            any = true;
    }
    if (!any)
        return Ram::none;
    uint64_t pos = base;
    while (pos < end) {
        bool moved = false;
        for (uint32_t i = 0; i < plan.memory_map_count && !moved; ++i) {
            uint64_t b, e;
            if (ram_pages(plan, i, &b, &e) && b <= pos && pos < e) {
                pos = e;
                moved = true;
            }
        }
        if (!moved)
            return Ram::some;
    }
    return Ram::all;
}

/* What the map has for the 2 MiB page at base: a 2 MiB leaf of one type, nothing (a hole covers it), or a page table. */
enum class Kind2M : uint8_t { leaf, absent, split };

struct Plan2M {
    Kind2M kind;
    GuestMemType type;      /* the leaf's, for Kind2M::leaf */
};

Plan2M plan_2m(uint64_t base, const GuestMapPlan& plan, const GuestMapFormat& format)
{
    bool touched = false;
    for (uint32_t h = 0; h < plan.hole_count; ++h) {
        if (covered(base, GUEST_MAP_2M, plan.holes[h]))
            return Plan2M{Kind2M::absent, GuestMemType::ram};
        touched |= overlaps(base, GUEST_MAP_2M, plan.holes[h]);
    }
    const Ram ram = ram_in(plan, base, GUEST_MAP_2M);
    const bool typed = format.leaf_4k[uint32_t(GuestMemType::ram)] != format.leaf_4k[uint32_t(GuestMemType::mmio)];
    if (touched || (typed && ram == Ram::some))
        return Plan2M{Kind2M::split, GuestMemType::ram};
    return Plan2M{Kind2M::leaf, ram == Ram::none ? GuestMemType::mmio : GuestMemType::ram};
}

/* A limit guest_map_build() takes: a nonzero multiple of 1 GiB, its PDs (and the PML4 and PDPT) in page_count pages. */
bool limit_ok(uint64_t limit, uint32_t page_count)
{
    const uint64_t gib = limit / GUEST_MAP_1G;
    return limit && limit % GUEST_MAP_1G == 0 && gib <= PT_ENTRIES && page_count >= 2 + gib;
}

} // namespace

bool guest_map_is_ram(MemoryType type)
{
    return type == MemoryType::usable || type == MemoryType::acpi_reclaimable || type == MemoryType::acpi_nvs ||
           type == MemoryType::relboot || type == MemoryType::boot_data || type == MemoryType::module;
}

uint64_t guest_map_limit(const MemoryRange* map, uint32_t count)
{
    uint64_t top = uint64_t(4) * GUEST_MAP_1G;
    for (uint32_t i = 0; i < count; ++i) {
        if (!guest_map_is_ram(map[i].type))
            continue;
        const PhysRange r = phys_range_clamped(map[i].base.value, map[i].size);
        if (r.end() > top)
            top = r.end() > GUEST_MAP_MAX ? GUEST_MAP_MAX : r.end();
    }
    return align_up(top, GUEST_MAP_1G);
}

uint32_t guest_map_holes(PhysRange image, const PhysRange* windows, uint32_t window_count, PhysRange* out,
                         uint32_t max)
{
    uint64_t pos = align_down(image.base.value, GUEST_MAP_4K);
    const uint64_t end = align_up(image.end(), GUEST_MAP_4K);
    uint32_t n = 0;
    auto emit = [&](uint64_t base, uint64_t stop) {
        if (stop <= base)
            return;
        if (n < max)
            out[n] = PhysRange{PhysAddr{base}, stop - base};
        ++n;
    };
    while (pos < end) {
        /* The next window at or after pos (lowest base), within the image. */
        uint64_t next_base = end, next_end = end;
        for (uint32_t i = 0; i < window_count; ++i) {
            const uint64_t wb = align_down(windows[i].base.value, GUEST_MAP_4K);
            const uint64_t we = align_up(windows[i].end(), GUEST_MAP_4K);
            if (!windows[i].size || we <= pos || wb >= end)
                continue;
            const uint64_t b = wb < pos ? pos : wb;
            if (b < next_base || (b == next_base && we > next_end))
                next_base = b, next_end = we;
        }
        emit(pos, next_base);
        pos = next_end > end ? end : next_end;
        if (next_base == end)
            break;
    }
    return n <= max ? n : max + 1;
}

BootError guest_map_launch_holes(PhysRange image, const PhysRange* windows, uint32_t window_count, uint64_t apic_page,
                                 uint64_t extra_page, PhysRange* out, uint32_t* count, const char* subject)
{
    /* Two slots kept: the APIC's page and the extra one; more image holes than the rest: guest_map_holes() says max + 1. */
    constexpr uint32_t IMAGE_HOLES_MAX = GUEST_MAP_MAX_HOLES - 2;
    uint32_t n = guest_map_holes(image, windows, window_count, out, IMAGE_HOLES_MAX);
    if (n > IMAGE_HOLES_MAX)
        return BootError{.subject = subject, .field = "holes", .found = n,
                         .expected = "at most holes_max ranges of relboot's image left out of the table",
                         .limit_name = "holes_max", .limit = IMAGE_HOLES_MAX, .found_radix = Radix::dec,
                         .limit_radix = Radix::dec};
    out[n++] = PhysRange{PhysAddr{apic_page}, GUEST_MAP_4K};
    if (extra_page)
        out[n++] = PhysRange{PhysAddr{extra_page}, GUEST_MAP_4K};
    *count = n;
    return BootError{};
}

GuestMemType guest_map_page_type(const GuestMapPlan& plan, uint64_t page)
{
    return ram_in(plan, page, GUEST_MAP_4K) == Ram::none ? GuestMemType::mmio : GuestMemType::ram;
}

BootError guest_map_check(const GuestMapPlan& plan, const GuestMapFormat& format, uint32_t page_count,
                          const char* subject)
{
    if (!limit_ok(plan.limit, page_count))
        return BootError{.subject = subject, .field = "limit", .found = plan.limit,
                         .expected = "a nonzero multiple of 1 GiB whose page directories fit the table's pages",
                         .limit_name = "table_pages", .limit = page_count, .limit_radix = Radix::dec};
    const uint64_t pt_pages = page_count - 2 - plan.limit / GUEST_MAP_1G;
    uint64_t split = 0;
    for (uint64_t base = 0; base < plan.limit; base += GUEST_MAP_2M)
        split += plan_2m(base, plan, format).kind == Kind2M::split;
    if (split > pt_pages)
        return BootError{.subject = subject, .field = "split_pages", .found = split,
                         .expected = "at most pt_pages 2 MiB pages where a hole or a change of memory type falls",
                         .limit_name = "pt_pages", .limit = pt_pages, .found_radix = Radix::dec,
                         .limit_radix = Radix::dec};
    return BootError{};
}

uint32_t guest_map_build(uint64_t* pages, uint64_t pages_phys, uint32_t page_count, const GuestMapPlan& plan,
                         const GuestMapFormat& format)
{
    const uint64_t gib = plan.limit / GUEST_MAP_1G;
    if (!limit_ok(plan.limit, page_count) || pages_phys % GUEST_MAP_4K)
        return 0;
    for (uint64_t i = 0; i < (2 + gib) * PT_ENTRIES; ++i)
        pages[i] = 0;
    uint64_t* pml4 = pages;
    uint64_t* pdpt = pages + PT_ENTRIES;
    pml4[0] = (pages_phys + GUEST_MAP_4K) | format.table;
    uint32_t used = uint32_t(2 + gib);
    for (uint64_t g = 0; g < gib; ++g) {
        uint64_t* pd = pages + (2 + g) * PT_ENTRIES;
        pdpt[g] = (pages_phys + (2 + g) * GUEST_MAP_4K) | format.table;
        for (uint64_t e = 0; e < PT_ENTRIES; ++e) {
            const uint64_t base = g * GUEST_MAP_1G + e * GUEST_MAP_2M;
            const Plan2M p = plan_2m(base, plan, format);
            if (p.kind == Kind2M::absent)
                continue;
            if (p.kind == Kind2M::leaf) {
                pd[e] = base | format.leaf_2m[uint32_t(p.type)];
                continue;
            }
            if (used == page_count)
                return 0;
            uint64_t* pt = pages + uint64_t(used) * PT_ENTRIES;
            pd[e] = (pages_phys + uint64_t(used) * GUEST_MAP_4K) | format.table;
            ++used;
            for (uint64_t i = 0; i < PT_ENTRIES; ++i) {
                const uint64_t page = base + i * GUEST_MAP_4K;
                bool hole = false;
                for (uint32_t h = 0; h < plan.hole_count; ++h)
                    hole |= overlaps(page, GUEST_MAP_4K, plan.holes[h]);
                pt[i] = hole ? 0 : page | format.leaf_4k[uint32_t(guest_map_page_type(plan, page))];
            }
        }
    }
    return used;
}

bool guest_map_translate(const uint64_t* pages, uint64_t pages_phys, uint32_t page_count, const GuestMapFormat& format,
                         uint64_t gpa, uint64_t* hpa, uint64_t* leaf)
{
    auto table = [&](uint64_t entry) -> const uint64_t* {
        const uint64_t a = entry & PTE_ADDR_MASK;
        if (a < pages_phys || (a - pages_phys) / GUEST_MAP_4K >= page_count)
            return nullptr;
        return pages + (a - pages_phys) / GUEST_MAP_4K * PT_ENTRIES;
    };
    auto present = [&](uint64_t entry) { return (entry & format.present) != 0; };
    if (gpa >> 48 || !page_count)
        return false;
    const uint64_t e4 = pages[PT_INDEX(gpa, PML4_SHIFT)];
    const uint64_t* pdpt = present(e4) ? table(e4) : nullptr;
    if (!pdpt)
        return false;
    const uint64_t e3 = pdpt[PT_INDEX(gpa, PDPT_SHIFT)];
    const uint64_t* pd = present(e3) ? table(e3) : nullptr;
    if (!pd)
        return false;
    const uint64_t e2 = pd[PT_INDEX(gpa, PD_SHIFT)];
    if (!present(e2))
        return false;
    if (e2 & PTE_PS) {
        *hpa = (e2 & PTE_ADDR_MASK & ~(GUEST_MAP_2M - 1)) | (gpa & (GUEST_MAP_2M - 1));
        if (leaf)
            *leaf = e2;
        return true;
    }
    const uint64_t* pt = table(e2);
    if (!pt)
        return false;
    const uint64_t e1 = pt[PT_INDEX(gpa, PT_SHIFT)];
    if (!present(e1))
        return false;
    *hpa = (e1 & PTE_ADDR_MASK) | (gpa & (GUEST_MAP_4K - 1));
    if (leaf)
        *leaf = e1;
    return true;
}

void guest_boot_pagetables(uint64_t* pages, uint64_t pages_phys)
{
    for (uint32_t i = 0; i < GUEST_BOOT_PT_PAGES * PT_ENTRIES; ++i)
        pages[i] = 0;
    pages[0] = (pages_phys + GUEST_MAP_4K) | PTE_TABLE;
    for (uint64_t g = 0; g < 4; ++g) {
        pages[PT_ENTRIES + g] = (pages_phys + (2 + g) * GUEST_MAP_4K) | PTE_TABLE;
        for (uint64_t e = 0; e < PT_ENTRIES; ++e)
            pages[(2 + g) * PT_ENTRIES + e] = (g * GUEST_MAP_1G + e * GUEST_MAP_2M) | PTE_IDENT_2M;
    }
}

} // namespace relboot
