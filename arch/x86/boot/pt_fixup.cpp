#include <relboot/layout.h>
#include <relboot/pt_fixup.h>
#include <relboot/x86/paging.h>

namespace relboot {

namespace {

/*
 * A paging entry seen as its two 32-bit halves (little-endian: [0] holds
 * the flags and address bits 31:12, [1] the address bits 51:32 and XD).
 * The 32-bit stage then needs no 64-bit arithmetic: every address relboot
 * relocates is below 4 GiB.
 */
using u32_alias = uint32_t __attribute__((may_alias));
constexpr uint32_t XD_HIGH = uint32_t(PTE_XD >> 32);

/*
 * Calls f(entry) for every entry that layout.reloc[] lists (at most
 * IMAGE_RELOC_RANGES ranges), entry pointing at the entry's low half.
 * Inlined, so each pass keeps image, its range and entry pointers in
 * registers (the i386 has six to spare).
 */
template <typename F>
[[gnu::always_inline]] inline void for_each_reloc_entry(uint8_t* image, const ImageLayout& layout, F f)
{
    const RelocRange* const last =
        layout.reloc + (layout.reloc_count < IMAGE_RELOC_RANGES ? layout.reloc_count : IMAGE_RELOC_RANGES);
    for (const RelocRange* range = layout.reloc; range != last; ++range) {
        auto* e = reinterpret_cast<u32_alias*>(image + range->offset);
        for (u32_alias* const stop = e + 2 * range->count; e != stop; e += 2)
            f(e);
    }
}

} // namespace

void pt_fixup(uint8_t* image, const ImageLayout& layout, uint32_t delta, bool nx)
{
    if (delta == 0 && nx)
        return;   /* loaded at the link address, XD kept: nothing to do */

    /*
     * Bits 31:0 move by delta modulo 2^32.  No test of the present bit:
     * delta is a multiple of 4 KiB (the load base honours an alignment of
     * at least 4 KiB), so bits 11:0, the flags with P among them, never
     * change and an absent entry stays absent.
     */
    for_each_reloc_entry(image, layout, [delta](u32_alias* e) { e[0] += delta; });
    /* XD goes in a pass of its own, so that the usual path has no test an entry. */
    if (!nx)
        for_each_reloc_entry(image, layout, [](u32_alias* e) { e[1] &= ~XD_HIGH; });
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
