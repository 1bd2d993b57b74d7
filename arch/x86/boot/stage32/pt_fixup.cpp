#include "layout.h"
#include "stage32/pt_fixup.h"
#include <x86/paging.h>

namespace relboot {

namespace {

/*
 * A paging entry seen as its two 32-bit halves (little-endian: [0] holds
 * the flags and address bits 31:12, [1] the address bits 51:32 and XD).
 * The 32-bit stage then needs no 64-bit arithmetic: every address it
 * writes is below 4 GiB.
 */
using u32_alias = uint32_t __attribute__((may_alias));
constexpr uint32_t XD_HIGH = uint32_t(PTE_XD >> 32);

} // namespace

void pt_fixup(uint8_t* image, const ImageLayout& layout, uint32_t base, bool nx)
{
    /* base is 4 KiB aligned: adding it to an offset leaves the flags in bits 11:0 alone. */
    const PtLink* const links_end = layout.links() + layout.link_count;
    for (const PtLink* link = layout.links(); link != links_end; ++link)
        *reinterpret_cast<u32_alias*>(image + link->entry) = base + link->pte;

    const uint32_t high_mask = nx ? ~uint32_t(0) : ~XD_HIGH;
    /* The runs follow each other from the image's first page (image_layout.h): one cursor serves them all. */
    u32_alias* e = reinterpret_cast<u32_alias*>(image + layout.pt_image);
    const PtRun* const runs_end = layout.runs() + layout.run_count;
    for (const PtRun* run = layout.runs(); run != runs_end; ++run) {
        const uint32_t high = run->pte_high & high_mask;
        const uint32_t end = base + run->pte_end;
        for (uint32_t low = base + run->pte_low; low != end; low += PAGE_SIZE, e += 2) {
            e[0] = low;
            e[1] = high;
        }
    }
}

uint32_t pt_cap_identity(uint8_t* image, const ImageLayout& layout, uint64_t limit)
{
    constexpr uint32_t entries = IDENTITY_PD_COUNT * PT_ENTRIES;
    if (limit >= uint64_t(entries) * LARGE_PAGE_SIZE)
        return 0;
    const uint32_t first = uint32_t((limit + LARGE_PAGE_SIZE - 1) >> LARGE_PAGE_SHIFT);
    auto* pd = reinterpret_cast<u32_alias*>(image + layout.identity_pd);
    for (uint32_t i = first; i < entries; ++i)
        pd[2 * i] = 0, pd[2 * i + 1] = 0;
    return entries - first;
}

} // namespace relboot
