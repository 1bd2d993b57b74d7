/*
 * The guest's memory as the emulator reads it (guest_memory.h): page
 * walks over the guest's own tables, every table read through the
 * GuestPhysReader that refuses what the NPT does not map.  Intel SDM Vol.
 * 3A, 4.3 (32-bit paging, tables 4-4 to 4-6), 4.4 (PAE, tables 4-8 to
 * 4-11), 4.5 (4-level paging, tables 4-14 to 4-20).  Freestanding.
 */
#include "payload/vcpu/guest_memory.h"
#include <x86/cr.h>
#include <x86/paging.h>

namespace relboot {

namespace {

constexpr uint64_t PAGE_4K = 4096;
constexpr uint32_t READ_MAX = 64;

/* One level of a walk with 8-byte entries: where its index lies in the address, what a PS entry there is. */
struct Level {
    uint32_t shift;             /* PML4_SHIFT, PDPT_SHIFT, PD_SHIFT or PT_SHIFT */
    bool large;                 /* PS maps a page here (PDPTE: 1 GiB, PDE: 2 MiB); else PS is reserved (PML4E) */
    uint64_t large_reserved;    /* reserved bits of such a page's entry */
};

constexpr Level LEVELS_5[] = {
    {48, false, 0},
    {PML4_SHIFT, false, 0},
    {PDPT_SHIFT, true, PTE_1G_RESERVED},
    {PD_SHIFT, true, PTE_2M_RESERVED},
    {PT_SHIFT, false, 0},
};
/* PAE below its PDPTE: a PD and a PT as in 4-level paging. */
constexpr const Level* LEVELS_4 = &LEVELS_5[1];
constexpr const Level* LEVELS_PAE = &LEVELS_5[3];

template <typename T>
bool read_entry(const GuestPhysReader& mem, uint64_t gpa, T* entry)
{
    return mem.read(mem.ctx, gpa, entry, sizeof(T));
}

/* Walks count levels (the last one the PT) from the table at table_gpa. */
bool walk(const GuestPhysReader& mem, uint64_t table_gpa, uint64_t linear, bool nxe, const Level* levels,
          uint32_t count, uint64_t* gpa)
{
    for (uint32_t i = 0; i < count; ++i) {
        const Level& l = levels[i];
        uint64_t e;
        if (!read_entry(mem, table_gpa + PT_INDEX(linear, l.shift) * sizeof(e), &e) || !(e & PTE_P))
            return false;
        if (!nxe && (e & PTE_XD))
            return false;
        const bool leaf = l.shift == PT_SHIFT || (e & PTE_PS);
        if (!leaf) {
            table_gpa = e & PTE_ADDR_MASK;
            continue;
        }
        if (l.shift != PT_SHIFT && (!l.large || (e & l.large_reserved)))
            return false;
        const uint64_t offset_mask = (uint64_t(1) << l.shift) - 1;
        *gpa = (e & PTE_ADDR_MASK & ~offset_mask) | (linear & offset_mask);
        return true;
    }
    return false;
}

/* Whether linear is canonical for bits-wide linear addresses (48: 4-level paging, 57: 5-level; SDM Vol. 1, 3.3.7.1). */
bool canonical(uint64_t linear, uint32_t bits)
{
    const uint64_t upper = linear >> (bits - 1);
    return upper == 0 || upper == (uint64_t(1) << (65 - bits)) - 1;
}

bool walk_32bit(const GuestPhysReader& mem, const GuestPaging& p, uint32_t linear, uint64_t* gpa)
{
    uint32_t pde;
    if (!read_entry(mem, (p.cr3 & PT32_ADDR_MASK) + (linear >> PT32_PD_SHIFT) * sizeof(pde), &pde) ||
        !(pde & PTE_P))
        return false;
    if ((pde & PTE_PS) && (p.cr4 & CR4_PSE)) {
        if (pde & PDE32_4M_RESERVED)
            return false;
        const uint64_t frame = (pde & PDE32_4M_ADDR_MASK) | uint64_t(pde & PDE32_4M_HIGH_MASK) << PDE32_4M_HIGH_SHIFT;
        *gpa = frame | (linear & ~PDE32_4M_ADDR_MASK);
        return true;
    }
    uint32_t pte;
    const uint32_t index = (linear >> PT32_PT_SHIFT) & (PT32_ENTRIES - 1);
    if (!read_entry(mem, uint64_t(pde & PT32_ADDR_MASK) + index * sizeof(pte), &pte) || !(pte & PTE_P))
        return false;
    *gpa = (pte & PT32_ADDR_MASK) | (linear & (PAGE_4K - 1));
    return true;
}

bool walk_pae(const GuestPhysReader& mem, const GuestPaging& p, uint32_t linear, uint64_t* gpa)
{
    uint64_t pdpte;
    if (!read_entry(mem, (p.cr3 & PAE_CR3_MASK) + (linear >> PAE_PDPT_SHIFT) * sizeof(pdpte), &pdpte) ||
        !(pdpte & PTE_P) || (pdpte & (PAE_PDPTE_RESERVED | PTE_XD)))
        return false;
    return walk(mem, pdpte & PTE_ADDR_MASK, linear, p.efer & EFER_NXE, LEVELS_PAE, 2, gpa);
}

} // namespace

bool guest_linear_to_phys(const GuestPhysReader& mem, const GuestPaging& paging, uint64_t linear, uint64_t* gpa)
{
    const bool long_mode = paging.efer & EFER_LMA;
    if (!(paging.cr0 & CR0_PG)) {
        *gpa = uint32_t(linear);
        return true;
    }
    if (long_mode) {
        /* 5-level paging (CR4.LA57): Debian's 6.1 under QEMU's -cpu max runs with it. */
        const bool la57 = paging.cr4 & CR4_LA57;
        if (!canonical(linear, la57 ? 57 : 48))
            return false;
        return walk(mem, paging.cr3 & PTE_ADDR_MASK, linear, paging.efer & EFER_NXE, la57 ? LEVELS_5 : LEVELS_4,
                    la57 ? 5 : 4, gpa);
    }
    if (paging.cr4 & CR4_PAE)
        return walk_pae(mem, paging, uint32_t(linear), gpa);
    return walk_32bit(mem, paging, uint32_t(linear), gpa);
}

uint32_t guest_read_linear(const GuestPhysReader& mem, const GuestPaging& paging, uint64_t linear, uint8_t* out,
                           uint32_t len)
{
    if (len > READ_MAX)
        len = READ_MAX;
    uint32_t done = 0;
    while (done < len) {
        const uint64_t at = linear + done;
        const uint64_t page_left = PAGE_4K - (at & (PAGE_4K - 1));
        const uint32_t chunk = len - done < page_left ? len - done : uint32_t(page_left);
        uint64_t gpa;
        if (!guest_linear_to_phys(mem, paging, at, &gpa) || !mem.read(mem.ctx, gpa, out + done, chunk))
            break;
        done += chunk;
    }
    return done;
}

} // namespace relboot
