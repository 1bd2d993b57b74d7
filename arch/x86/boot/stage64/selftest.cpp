/*
 * The 64-bit self-test of the live page tables (see selftest.h).
 * Expectations are computed here from the layout constants and the
 * linker's symbols, independently of pt_fixup(), which produced the
 * tables being checked.
 */
#include "stage64/selftest.h"
#include "stage64/image_symbols.h"
#include "layout.h"
#include <relboot/spec/multiboot2.h>
#include "stage64/pagewalk.h"
#include <x86/paging.h>

namespace relboot {

namespace {

/* At most this many lines per check, so a broken table does not flood the console. */
constexpr unsigned MAX_LINES_PER_CHECK = 3;

/* Physical memory below 4 GiB through the identity map. */
uint64_t read_phys(uint64_t pa)
{
    return *reinterpret_cast<const volatile uint64_t*>(pa);
}

class Checker {
public:
    Checker(const BootState& bs, Console& con) : bi_(bs), con_(con) {}

    /* Physical address of an image byte, given its virtual address. */
    uint64_t phys(const void* va) const
    {
        return image_phys(bi_, va).value;
    }

    uint64_t image_pte(uint64_t page) const
    {
        const uint64_t va = IMAGE_VIRT_START + page * PAGE_SIZE;
        uint64_t flags = va < reinterpret_cast<uint64_t>(__text_end)     ? PTE_TEXT
                         : va < reinterpret_cast<uint64_t>(__rodata_end) ? PTE_RODATA
                                                                         : PTE_DATA;
        if (!bi_.nx)
            flags &= ~PTE_XD;
        return (bi_.load_base.value + page * PAGE_SIZE) | flags;
    }

    /* Compares count entries with expected(i), ignoring the accessed and dirty bits. */
    template <class Expected>
    void table(const char* name, const uint64_t* entries, unsigned count, Expected expected)
    {
        unsigned lines = 0;
        for (unsigned i = 0; i < count; ++i) {
            const uint64_t found = entries[i] & ~PTE_AD_MASK;
            const uint64_t want = expected(i);
            if (found == want)
                continue;
            ++failures_;
            if (lines++ < MAX_LINES_PER_CHECK) {
                con_.begin().str("selftest fail ").str(name).chr('[').dec(i).str("] expected=");
                con_.hex16(want).str(" found=").hex16(found).end();
            }
        }
    }

    /* va must translate to phys with the given permissions. */
    void translate(const char* name, uint64_t va, uint64_t want_phys, bool writable, bool executable)
    {
        const Translation t = page_walk(cr3_, va, read_phys);
        if (t.present && t.phys == want_phys && t.writable == writable && t.executable == executable)
            return;
        ++failures_;
        con_.begin().str("selftest fail ").str(name).str(" va=").hex16(va).str(" expected=").hex16(want_phys);
        con_.str(writable ? " rw" : " ro").str(executable ? "x" : "-").str(" found=");
        if (t.present)
            con_.hex16(t.phys).str(t.writable ? " rw" : " ro").str(t.executable ? "x" : "-");
        else
            con_.str("not-present");
        con_.end();
    }

    void check(const char* name, bool ok)
    {
        if (ok)
            return;
        ++failures_;
        con_.begin().str("selftest fail ").str(name).end();
    }

    void set_cr3(uint64_t cr3) { cr3_ = cr3; }
    unsigned failures() const { return failures_; }
    const BootState& bs() const { return bi_; }

private:
    const BootState& bi_;
    Console& con_;
    uint64_t cr3_ = 0;
    unsigned failures_ = 0;
};

} // namespace

uint32_t selftest_paging(const BootState& bs, Console& con)
{
    Checker c(bs, con);
    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    c.set_cr3(cr3);
    c.check("cr3", (cr3 & PTE_ADDR_MASK) == c.phys(pml4));

    /* Every entry of every table, relocated or not, read through the identity map. */
    auto ident = [&](const uint64_t* table) { return reinterpret_cast<const uint64_t*>(c.phys(table)); };
    c.table("pml4", ident(pml4), PT_ENTRIES, [&](unsigned i) -> uint64_t {
        if (i == 0)
            return c.phys(pdpt_ident) | PTE_TABLE;
        if (i == PML4_HIGH_INDEX)
            return c.phys(pdpt_high) | PTE_TABLE;
        return 0;
    });
    c.table("pdpt_ident", ident(pdpt_ident), PT_ENTRIES, [&](unsigned i) -> uint64_t {
        return i < IDENTITY_PD_COUNT ? c.phys(pd_ident + i * PT_ENTRIES) | PTE_TABLE : 0;
    });
    c.table("pd_ident", ident(pd_ident), IDENTITY_PD_COUNT * PT_ENTRIES, [&](unsigned i) -> uint64_t {
        if (i == 0)
            return c.phys(pt_ident_low) | PTE_TABLE;   /* the first 2 MiB in 4 KiB pages */
        const uint64_t pa = uint64_t(i) * LARGE_PAGE_SIZE;
        return pa < bs.identity_limit ? pa | PTE_IDENT_2M : 0;   /* mem= clears the rest */
    });
    c.table("pt_ident_low", ident(pt_ident_low), PT_ENTRIES,
            [](unsigned i) -> uint64_t { return uint64_t(i) * PAGE_SIZE | PTE_IDENT_4K; });
    c.table("pdpt_high", ident(pdpt_high), PT_ENTRIES, [&](unsigned i) -> uint64_t {
        return i == PDPT_HIGH_INDEX ? c.phys(pd_high) | PTE_TABLE : 0;
    });
    c.table("pd_high", ident(pd_high), PT_ENTRIES, [&](unsigned i) -> uint64_t {
        if (i < PD_HIGH_INDEX || i >= PD_HIGH_INDEX + IMAGE_PT_COUNT)
            return 0;
        return c.phys(pt_image + (i - PD_HIGH_INDEX) * PT_ENTRIES) | PTE_TABLE;
    });
    const uint64_t pages = (reinterpret_cast<uint64_t>(__pagetables_start) - IMAGE_VIRT_START) / PAGE_SIZE;
    c.table("pt_image", ident(pt_image), IMAGE_PT_COUNT * PT_ENTRIES,
            [&](unsigned i) -> uint64_t { return i < pages ? c.image_pte(i) : 0; });

    /* Translations through the live tables, with permissions. */
    const bool nx = bs.nx;
    static const char rodata_probe[] = "relboot rodata probe";
    uint64_t stack_probe = 0;
    c.translate("text", reinterpret_cast<uint64_t>(relboot_entry64), c.phys(relboot_entry64), false, true);
    c.translate("header", reinterpret_cast<uint64_t>(__image_start), bs.load_base.value, false, true);
    c.translate("rodata", reinterpret_cast<uint64_t>(rodata_probe), c.phys(rodata_probe), false, !nx);
    c.translate("data", reinterpret_cast<uint64_t>(&boot_state), c.phys(&boot_state), true, !nx);
    c.translate("stack", reinterpret_cast<uint64_t>(&stack_probe), c.phys(&stack_probe), true, !nx);
    c.translate("mapped-end", reinterpret_cast<uint64_t>(__pagetables_start) - 1, c.phys(__pagetables_start) - 1,
                true, !nx);
    c.check("tables-unmapped", !page_walk(cr3, reinterpret_cast<uint64_t>(__pagetables_start), read_phys).present);
    c.translate("identity-info", bs.info.value, bs.info.value, true, true);
    c.translate("identity-zero", 0, 0, true, true);
    c.translate("identity-vga", 0xb8000, 0xb8000, true, true);
    if (bs.identity_limit == uint64_t(1) << 32)
        c.translate("identity-4g", 0xfffff000, 0xfffff000, true, true);
    else
        c.check("identity-cap", !page_walk(cr3, bs.identity_limit, read_phys).present &&
                                    page_walk(cr3, bs.identity_limit - 1, read_phys).present);

    /* The bytes at the load base, read through the identity map, are the image's own. */
    c.check("identity-image", read_phys(bs.load_base.value) == *reinterpret_cast<const uint64_t*>(__image_start) &&
                                  static_cast<uint32_t>(read_phys(bs.load_base.value)) == MULTIBOOT2_HEADER_MAGIC);
    return c.failures();
}

} // namespace relboot
