#include <relboot/pt_fixup.h>
#include <relboot/layout.h>
#include <relboot/x86/paging.h>

namespace relboot {

uint32_t pt_fixup(uint8_t* image, const ImageLayout& layout, uint32_t delta, bool nx)
{
    if (delta == 0 && nx)
        return 0;   /* loaded at the link address, XD kept: nothing to do */

    uint32_t changed = 0;
    const uint32_t ranges = layout.reloc_count < IMAGE_RELOC_RANGES ? layout.reloc_count : IMAGE_RELOC_RANGES;
    for (uint32_t r = 0; r < ranges; ++r) {
        const RelocRange& range = layout.reloc[r];
        if (range.offset % 8 || range.offset > layout.image_size ||
            range.count > (layout.image_size - range.offset) / 8)
            continue;
        auto* entry = reinterpret_cast<uint64_t*>(image + range.offset);
        for (uint32_t i = 0; i < range.count; ++i) {
            uint64_t e = entry[i];
            if (!(e & PTE_P))
                continue;
            /* Addresses are below 4 GiB: relocate bits 31:0 modulo 2^32, keep the rest. */
            e = (e & ~uint64_t(0xffffffff)) | uint32_t(uint32_t(e) + delta);
            if (!nx)
                e &= ~PTE_XD;
            entry[i] = e;
            ++changed;
        }
    }
    return changed;
}

uint32_t pt_cap_identity(uint8_t* image, const ImageLayout& layout, uint64_t limit)
{
    constexpr uint32_t entries = IDENTITY_PD_COUNT * PT_ENTRIES;
    if (limit >= uint64_t(entries) * LARGE_PAGE_SIZE)
        return 0;
    const uint32_t first = uint32_t((limit + LARGE_PAGE_SIZE - 1) >> LARGE_PAGE_SHIFT);
    auto* pd = reinterpret_cast<uint64_t*>(image + layout.identity_pd);
    for (uint32_t i = first; i < entries; ++i)
        pd[i] = 0;
    return entries - first;
}

} // namespace relboot
