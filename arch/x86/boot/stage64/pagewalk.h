/*
 * A software walk of 4-level page tables (Intel SDM Vol. 3A, 4.5.4
 * "Linear-Address Translation with 4-Level Paging"), used by the 64-bit
 * self-test on the live tables and by the host tests on synthetic ones.
 */
#ifndef RELBOOT_PAGEWALK_H
#define RELBOOT_PAGEWALK_H

#include <cstdint>
#include <x86/paging.h>

namespace relboot {

struct Translation {
    bool present;       /* every level present */
    uint64_t phys;      /* physical address of va, valid when present */
    bool writable;      /* R/W set at every level */
    bool executable;    /* XD clear at every level (when EFER.NXE) */
    unsigned level;     /* 1: 4 KiB page, 2: 2 MiB page, 3: 1 GiB page; 0 when absent */
};

/*
 * Translates va with the tables rooted at cr3 (its bits 51:12).
 * read_phys(pa) returns the 8-byte entry at physical address pa.
 * Stops at the first non-present entry (present = false).
 */
template <class ReadPhys>
Translation page_walk(uint64_t cr3, uint64_t va, ReadPhys read_phys)
{
    Translation t{};
    t.writable = true;
    t.executable = true;
    uint64_t table = cr3 & PTE_ADDR_MASK;
    for (unsigned level = 4; level >= 1; --level) {
        const unsigned shift = PT_SHIFT + 9 * (level - 1);
        const uint64_t entry = read_phys(table + PT_INDEX(va, shift) * 8);
        if (!(entry & PTE_P))
            return Translation{};
        t.writable = t.writable && (entry & PTE_RW);
        t.executable = t.executable && !(entry & PTE_XD);
        const bool leaf = level == 1 || ((level == 2 || level == 3) && (entry & PTE_PS));
        if (leaf) {
            const uint64_t offset_mask = (uint64_t(1) << shift) - 1;
            t.present = true;
            t.level = level;
            t.phys = (entry & PTE_ADDR_MASK & ~offset_mask) | (va & offset_mask);
            return t;
        }
        table = entry & PTE_ADDR_MASK;
    }
    return Translation{};
}

} // namespace relboot

#endif
