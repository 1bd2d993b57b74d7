/*
 * The vCPU layer's second-level map (arch/x86/boot/payload/vcpu/guest_map.h),
 * one planner for SVM's nested page table and VMX's EPT: the NPT built for
 * sample memory maps (relboot's pages absent, everything else
 * identity-mapped) and its refusals, the holes of relboot's image, the
 * guest's e820 view (what the map leaves out is reserved), the guest's
 * first page tables; the EPT's memory types (RAM write-back, the rest
 * uncached, 2 MiB pages split where the two meet) and the same coverage
 * as the NPT.
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "lib/console.h"
#include "payload/svm/payload_svm.h"
#include "payload/vcpu/guest_map.h"
#include "payload/vmx/payload_vmx.h"
#include <x86/vmx.h>

#include <cstring>
#include <string>
#include <vector>

using namespace relboot;
using namespace boot_test;
using linuxboot::boot_e820_entry;

namespace {

/* The NPT's planner calls as svm_launch.cpp makes them, without memory types (the NPT has one). */
uint32_t npt_build(uint64_t* pages, uint64_t phys, uint32_t count, uint64_t limit, const PhysRange* holes, uint32_t n)
{
    return guest_map_build(pages, phys, count, GuestMapPlan{limit, holes, n, nullptr, 0}, SVM_NPT_FORMAT);
}

BootError npt_check(uint64_t limit, const PhysRange* holes, uint32_t n, uint32_t page_count)
{
    return guest_map_check(GuestMapPlan{limit, holes, n, nullptr, 0}, SVM_NPT_FORMAT, page_count, SVM_NPT_ERROR_SUBJECT);
}

bool npt_translate(const uint64_t* pages, uint64_t phys, uint32_t count, uint64_t gpa, uint64_t* hpa)
{
    return guest_map_translate(pages, phys, count, SVM_NPT_FORMAT, gpa, hpa);
}

constexpr uint64_t MiB = 1 << 20;
constexpr uint64_t GiB = uint64_t(1) << 30;
/* Where the tests pretend the NPT's pages lie (host-physical); any 4 KiB-aligned value. */
constexpr uint64_t NPT_PHYS = 0x7f000000;

/* relboot's image and the windows the guest reads inside it, as svm_launch() passes them. */
struct Layout {
    PhysRange image;
    std::vector<PhysRange> windows;
};

struct Npt {
    std::vector<uint64_t> pages = std::vector<uint64_t>(GUEST_MAP_PAGES * 512);
    uint32_t used = 0;
    uint64_t limit = 0;
    std::vector<PhysRange> holes;
};

Npt build(const std::vector<MemoryRange>& map, const Layout& l)
{
    Npt n;
    n.holes.resize(GUEST_MAP_MAX_HOLES);
    const uint32_t count = guest_map_holes(l.image, l.windows.data(), uint32_t(l.windows.size()), n.holes.data(),
                                         GUEST_MAP_MAX_HOLES);
    EXPECT_LE(count, GUEST_MAP_MAX_HOLES);
    n.holes.resize(count);
    n.limit = guest_map_limit(map.data(), uint32_t(map.size()));
    n.used = npt_build(n.pages.data(), NPT_PHYS, GUEST_MAP_PAGES, n.limit, n.holes.data(), count);
    return n;
}

/* relboot's page: in the image and in no window (windows rounded outwards to 4 KiB, as the NPT has them). */
bool relboot_page(uint64_t page, const Layout& l)
{
    const uint64_t image_base = l.image.base.value & ~uint64_t(4095);
    if (page < image_base || page >= l.image.end())
        return false;
    for (const PhysRange& w : l.windows) {
        const uint64_t b = w.base.value & ~uint64_t(4095), e = (w.end() + 4095) & ~uint64_t(4095);
        if (page >= b && page < e)
            return false;
    }
    return true;
}

/*
 * Every 4 KiB page below the limit: relboot's absent, the rest
 * identity-mapped (checked at the page's first and last byte); nothing at
 * or above the limit.
 */
void expect_identity_but_relboot(const Npt& n, const Layout& l)
{
    ASSERT_NE(n.used, 0u);
    uint64_t absent = 0;
    for (uint64_t page = 0; page < n.limit; page += 4096) {
        uint64_t hpa = 0;
        const bool mapped = npt_translate(n.pages.data(), NPT_PHYS, n.used, page, &hpa);
        if (relboot_page(page, l)) {
            ASSERT_FALSE(mapped) << std::hex << "relboot's page 0x" << page << " is mapped";
            ++absent;
            continue;
        }
        ASSERT_TRUE(mapped) << std::hex << "page 0x" << page << " is not mapped";
        ASSERT_EQ(hpa, page);
        ASSERT_TRUE(npt_translate(n.pages.data(), NPT_PHYS, n.used, page + 4095, &hpa));
        ASSERT_EQ(hpa, page + 4095);
    }
    EXPECT_GT(absent, 0u);
    uint64_t hpa;
    EXPECT_FALSE(npt_translate(n.pages.data(), NPT_PHYS, n.used, n.limit, &hpa));
    EXPECT_FALSE(npt_translate(n.pages.data(), NPT_PHYS, n.used, n.limit + 123 * GiB, &hpa));
}

/* Every entry the NPT holds is user-accessible (nested walks are user accesses) and writable. */
void expect_user_rw(const Npt& n)
{
    for (uint32_t i = 0; i < n.used * 512; ++i) {
        if (n.pages[i] & 1) {
            ASSERT_EQ(n.pages[i] & 7, 7u) << "entry " << i;
        }
    }
}

/* SeaBIOS, -m 256M; relboot at its link address with LinuxBuffers and VcpuGuestPages inside (vcpu_prepare_guest_memory()). */
TEST(GuestMapNpt, SeabiosImageAtLinkAddress)
{
    const std::vector<MemoryRange> map = {
        span(0x0, 0x9fc00, U),         span(0x9fc00, 0xa0000, R),          span(0xf0000, 0x100000, R),
        span(0x100000, 0x1000000, U),  span(0x1000000, 0x1058000, IMG),    span(0x1058000, 0xffe0000, U),
        span(0xffe0000, 0x10000000, R), span(0xfffc0000, 0x100000000, R), span(0xfd00000000, 0x10000000000, R),
    };
    const Layout l{PhysRange{PhysAddr{0x1000000}, 0x58000},
                   {PhysRange{PhysAddr{0x1029000}, 0x6000}, PhysRange{PhysAddr{0x1050000}, 0x7000}}};
    const Npt n = build(map, l);
    EXPECT_EQ(n.limit, 4 * GiB);   /* reserved ranges above 4 GiB are not guest memory */
    EXPECT_EQ(n.holes.size(), 3u);
    EXPECT_EQ(n.used, 2u + 4u + 1u); /* PML4, PDPT, 4 PDs, one PT for the image's 2 MiB */
    expect_identity_but_relboot(n, l);
    expect_user_rw(n);
}

/* OVMF-like, -m 512M, relboot high (GRUB's preference): the image crosses a 2 MiB boundary. */
TEST(GuestMapNpt, ImageAcrossTwoMegabyteBoundary)
{
    const std::vector<MemoryRange> map = {
        span(0x0, 0xa0000, U),           span(0x100000, 0x800000, U),      span(0x800000, 0x808000, NVS),
        span(0x808000, 0x1fdf0000, U),   span(0x1fdf0000, 0x1fe70000, IMG), span(0x1fe70000, 0x1f77e000 + 0x900000, U),
        span(0xffc00000, 0x100000000, R),
    };
    const Layout l{PhysRange{PhysAddr{0x1fdf0000}, 0x80000}, {PhysRange{PhysAddr{0x1fe29000}, 0x6000}}};
    const Npt n = build(map, l);
    EXPECT_EQ(n.limit, 4 * GiB);
    EXPECT_EQ(n.used, 2u + 4u + 2u);
    expect_identity_but_relboot(n, l);
}

/* RAM above 4 GiB: the NPT covers it, rounded up to 1 GiB. */
TEST(GuestMapNpt, RamAboveFourGiB)
{
    const std::vector<MemoryRange> map = {
        span(0x0, 0x9fc00, U), span(0x100000, 0x1000000, U), span(0x1000000, 0x1040000, IMG),
        span(0x1040000, 0xbffe0000, U), span(0x100000000, 0x140000000 + 0x20000000, U),
    };
    const Layout l{PhysRange{PhysAddr{0x1000000}, 0x40000}, {PhysRange{PhysAddr{0x1010000}, 0x1000}}};
    const Npt n = build(map, l);
    EXPECT_EQ(n.limit, 6 * GiB);
    expect_identity_but_relboot(n, l);
}

/* More RAM than the NPT covers: it stops at GUEST_MAP_MAX (the e820 clip drops the rest). */
TEST(GuestMapNpt, LimitCapped)
{
    const std::vector<MemoryRange> map = {span(0x0, 0x9fc00, U), span(0x100000, 0x1000000, U),
                                          span(0x1000000, 0x1040000, IMG), span(0x100000000, 40 * GiB, U)};
    EXPECT_EQ(guest_map_limit(map.data(), uint32_t(map.size())), GUEST_MAP_MAX);
}

/* A page left out on purpose (debug-npt-hole=zero-page) is absent too. */
TEST(GuestMapNpt, ExtraHole)
{
    std::vector<uint64_t> pages(GUEST_MAP_PAGES * 512);
    const PhysRange holes[] = {PhysRange{PhysAddr{0x1000000}, 0x29000}, PhysRange{PhysAddr{0x1030000}, 0x28000},
                               PhysRange{PhysAddr{0x1029000}, 0x1000}};
    const uint32_t used = npt_build(pages.data(), NPT_PHYS, GUEST_MAP_PAGES, 4 * GiB, holes, 3);
    ASSERT_NE(used, 0u);
    uint64_t hpa;
    EXPECT_FALSE(npt_translate(pages.data(), NPT_PHYS, used, 0x1029230, &hpa));
    EXPECT_TRUE(npt_translate(pages.data(), NPT_PHYS, used, 0x102a000, &hpa));
    EXPECT_EQ(hpa, 0x102a000u);
}

/* The error line as relboot prints it (print_error(), lib/error.h). */
std::string line(const BootError& e)
{
    char buf[512];
    Console con(buf, sizeof buf);
    print_error(con, e);
    return buf;
}

/* npt_check() says ok exactly when npt_build() builds. */
void expect_check_matches_build(uint32_t page_count, uint64_t limit, const std::vector<PhysRange>& holes)
{
    std::vector<uint64_t> pages(uint64_t(page_count) * 512);
    const uint32_t used = npt_build(pages.data(), NPT_PHYS, page_count, limit, holes.data(), uint32_t(holes.size()));
    const BootError e = npt_check(limit, holes.data(), uint32_t(holes.size()), page_count);
    EXPECT_EQ(e.ok(), used != 0) << std::hex << "limit 0x" << limit << std::dec << ", " << holes.size() << " holes";
    if (!e.ok()) {
        EXPECT_STREQ(e.subject, "svm npt");
    }
}

/* Refusals: a limit that is no multiple of 1 GiB, too few pages for the PTs the holes need. */
TEST(GuestMapNpt, Refusals)
{
    std::vector<uint64_t> pages(GUEST_MAP_PAGES * 512);
    EXPECT_EQ(npt_build(pages.data(), NPT_PHYS, GUEST_MAP_PAGES, 4 * GiB + 2 * MiB, nullptr, 0), 0u);
    EXPECT_EQ(npt_build(pages.data(), NPT_PHYS, GUEST_MAP_PAGES, 0, nullptr, 0), 0u);
    EXPECT_EQ(npt_build(pages.data(), NPT_PHYS + 8, GUEST_MAP_PAGES, 4 * GiB, nullptr, 0), 0u);
    /* Page tables for 4 KiB pages come from what the PDs leave: 8 here, a hole in each of 9 different 2 MiB pages. */
    const uint32_t page_count = 2 + 4 + 8;
    std::vector<PhysRange> holes;
    for (uint32_t i = 0; i < 9; ++i)
        holes.push_back(PhysRange{PhysAddr{0x1000000 + i * 2 * MiB}, 0x1000});
    EXPECT_EQ(npt_build(pages.data(), NPT_PHYS, page_count, 4 * GiB, holes.data(), uint32_t(holes.size())), 0u);
    expect_check_matches_build(page_count, 4 * GiB, holes);
    EXPECT_EQ(line(npt_check(4 * GiB, holes.data(), uint32_t(holes.size()), page_count)),
              "relboot: error: svm npt split_pages: 9, expected at most pt_pages 2 MiB pages where a hole or a "
              "change of memory type falls; pt_pages = 8\r\n");
    holes.pop_back();
    EXPECT_EQ(npt_build(pages.data(), NPT_PHYS, page_count, 4 * GiB, holes.data(), uint32_t(holes.size())),
              page_count);
    expect_check_matches_build(page_count, 4 * GiB, holes);
    /* A hole over a whole 2 MiB page needs no page table; one that starts and ends inside two does need two. */
    expect_check_matches_build(2 + 4 + 1, 4 * GiB, {PhysRange{PhysAddr{0x1000000}, 2 * MiB}});
    expect_check_matches_build(2 + 4 + 1, 4 * GiB, {PhysRange{PhysAddr{0x11ff000}, 0x2000}});
    expect_check_matches_build(2 + 4 + 2, 4 * GiB, {PhysRange{PhysAddr{0x11ff000}, 0x2000}});
    /* A limit the PDs alone do not fit in. */
    EXPECT_EQ(npt_build(pages.data(), NPT_PHYS, GUEST_MAP_PAGES, 512 * GiB, nullptr, 0), 0u);
    for (uint64_t limit : {uint64_t(0), 4 * GiB + 2 * MiB, 512 * GiB, GUEST_MAP_MAX, GUEST_MAP_MAX + GiB})
        expect_check_matches_build(GUEST_MAP_PAGES, limit, {});
    EXPECT_EQ(line(npt_check(4 * GiB + 2 * MiB, nullptr, 0, GUEST_MAP_PAGES)),
              "relboot: error: svm npt limit: 0x0000000100200000, expected a nonzero multiple of 1 GiB whose page "
              "directories fit the table's pages; table_pages = 34\r\n");
}

TEST(GuestMapHoles, WindowsRoundedOutwardsAndClipped)
{
    const PhysRange image{PhysAddr{0x1000000}, 0x20000};
    const PhysRange windows[] = {
        PhysRange{PhysAddr{0x1010800}, 0x100},     /* rounded out to [0x1010000, 0x1011000) */
        PhysRange{PhysAddr{0x1004000}, 0x2000},
        PhysRange{PhysAddr{0x2000000}, 0x1000},    /* outside the image: ignored */
        PhysRange{PhysAddr{0x101f000}, 0x5000},    /* runs past the image's end */
        PhysRange{PhysAddr{0x1005000}, 0x2000},    /* overlaps the second */
    };
    PhysRange out[8];
    ASSERT_EQ(guest_map_holes(image, windows, 5, out, 8), 3u);
    EXPECT_EQ(out[0].base.value, 0x1000000u);
    EXPECT_EQ(out[0].size, 0x4000u);
    EXPECT_EQ(out[1].base.value, 0x1007000u);
    EXPECT_EQ(out[1].size, 0x9000u);
    EXPECT_EQ(out[2].base.value, 0x1011000u);
    EXPECT_EQ(out[2].size, 0xe000u);
    /* Too many holes for out: max + 1. */
    EXPECT_EQ(guest_map_holes(image, windows, 5, out, 2), 3u);
    /* No windows: the whole image. */
    ASSERT_EQ(guest_map_holes(image, nullptr, 0, out, 8), 1u);
    EXPECT_EQ(out[0].size, 0x20000u);
}

/*
 * The guest's memory view, decided with the plan: with memory_limit =
 * guest_map_limit(), everything the NPT leaves out (relboot's pages inside
 * the image, everything at or above the limit) is reserved in the e820
 * table, and every RAM entry is identity-mapped by the NPT.
 */
void expect_guest_view_matches_npt(const std::vector<MemoryRange>& map, const Layout& l, uint64_t ram_above)
{
    const Npt n = build(map, l);
    ASSERT_NE(n.used, 0u);
    std::vector<boot_e820_entry> e820(linuxboot::E820_MAX_ENTRIES_ZEROPAGE);
    bool truncated = true;
    e820.resize(linux_e820_from_memory_map(map.data(), uint32_t(map.size()), n.limit, e820.data(),
                                           uint32_t(e820.size()), &truncated));
    EXPECT_FALSE(truncated);
    auto type_at = [&](uint64_t addr) -> uint32_t {
        for (const boot_e820_entry& e : e820)
            if (addr >= e.addr && addr - e.addr < e.size)
                return e.type;
        return 0;   /* not in the table */
    };
    for (const PhysRange& h : n.holes)
        for (uint64_t a = h.base.value; a < h.end(); a += 4096)
            ASSERT_EQ(type_at(a), linuxboot::E820_TYPE_RESERVED) << std::hex << "hole page 0x" << a;
    uint64_t ram_below = 0;
    for (const boot_e820_entry& e : e820) {
        if (e.addr + e.size > n.limit) {
            EXPECT_EQ(e.type, linuxboot::E820_TYPE_RESERVED) << std::hex << "entry at 0x" << e.addr;
        }
        if (e.type != linuxboot::E820_TYPE_RAM)
            continue;
        ram_below += e.size;
        for (uint64_t a = e.addr; a < e.addr + e.size; a += 0x10000) {   /* every 64 KiB: 16 GiB in 256 Ki steps */
            uint64_t hpa = 0;
            ASSERT_TRUE(npt_translate(n.pages.data(), NPT_PHYS, n.used, a, &hpa)) << std::hex << "RAM 0x" << a;
            ASSERT_EQ(hpa, a);
        }
        uint64_t hpa = 0;
        ASSERT_TRUE(npt_translate(n.pages.data(), NPT_PHYS, n.used, e.addr + e.size - 1, &hpa));
        ASSERT_EQ(hpa, e.addr + e.size - 1);
    }
    /* The RAM cut off is what the view reserves: native RAM = RAM below + RAM above. */
    std::vector<boot_e820_entry> native(linuxboot::E820_MAX_ENTRIES_ZEROPAGE);
    native.resize(linux_e820_from_memory_map(map.data(), uint32_t(map.size()), 0, native.data(),
                                             uint32_t(native.size()), &truncated));
    uint64_t ram_native = 0;
    for (const boot_e820_entry& e : native)
        ram_native += e.type == linuxboot::E820_TYPE_RAM ? e.size : 0;
    EXPECT_EQ(ram_native - ram_below, ram_above);
}

TEST(GuestMapView, RelbootsPagesAndTheNptLimitReserved)
{
    /* SeaBIOS, -m 256M (SvmNpt.SeabiosImageAtLinkAddress's layout). */
    const std::vector<MemoryRange> small = {
        span(0x0, 0x9fc00, U),         span(0x9fc00, 0xa0000, R),          span(0xf0000, 0x100000, R),
        span(0x100000, 0x1000000, U),  span(0x1000000, 0x1058000, IMG),    span(0x1058000, 0xffe0000, U),
        span(0xffe0000, 0x10000000, R), span(0xfffc0000, 0x100000000, R), span(0xfd00000000, 0x10000000000, R),
    };
    const Layout l{PhysRange{PhysAddr{0x1000000}, 0x58000},
                   {PhysRange{PhysAddr{0x1029000}, 0x6000}, PhysRange{PhysAddr{0x1050000}, 0x7000}}};
    expect_guest_view_matches_npt(small, l, 0);
    /* 40 GiB of RAM: the NPT stops at 16 GiB, the rest is reserved (24 GiB withheld). */
    const std::vector<MemoryRange> big = {
        span(0x0, 0x9fc00, U), span(0x100000, 0x1000000, U), span(0x1000000, 0x1058000, IMG),
        span(0x1058000, 0xbffe0000, U), span(0x100000000, 40 * GiB, U),
    };
    expect_guest_view_matches_npt(big, l, 24 * GiB);
}

/* The guest's first page tables: [0, 4 GiB) identity in 2 MiB pages. */
TEST(GuestMapBoot, PageTablesIdentityFourGiB)
{
    constexpr uint64_t PHYS = 0x1031000;
    std::vector<uint64_t> pt(GUEST_BOOT_PT_PAGES * 512, 0xdead);
    guest_boot_pagetables(pt.data(), PHYS);
    EXPECT_EQ(pt[0], (PHYS + 0x1000) | 3);
    for (uint64_t g = 0; g < 4; ++g)
        EXPECT_EQ(pt[512 + g], (PHYS + (2 + g) * 0x1000) | 3);
    EXPECT_EQ(pt[512 + 4], 0u);
    for (uint64_t a : {uint64_t(0), uint64_t(0x1a00000), uint64_t(0xfee00000), 3 * GiB + 5 * MiB}) {
        const uint64_t e = pt[(2 + a / GiB) * 512 + (a % GiB) / (2 * MiB)];
        EXPECT_EQ(e, (a & ~(2 * MiB - 1)) | 0x83) << std::hex << a;
    }
}

/* An EPT leaf's memory type (bits 5:3, SDM 28.2.6). */
uint64_t ept_memtype(uint64_t leaf)
{
    return (leaf >> EPT_MEMTYPE_SHIFT) & 7;
}

/* Bochs 2.7, megs: 512, rombios (relboot's own memory map line by line under loglvl=debug), relboot at 0x1fc00000. */
const std::vector<MemoryRange> BOCHS_512M = {
    span(0x0, 0x9f000, U),                span(0x9f000, 0xa0000, R),           span(0xe8000, 0x100000, R),
    span(0x100000, 0x106ac8, U),          span(0x106ac8, 0x106fa0, DATA),        span(0x106fa0, 0x1fc00000, U),
    span(0x1fc00000, 0x1fe74000, IMG),    span(0x1fe74000, 0x1fff0000, U),     span(0x1fff0000, 0x20000000, ACPI),
    span(0xfffc0000, 0x100000000, R),
};

struct Ept {
    std::vector<uint64_t> pages = std::vector<uint64_t>(GUEST_MAP_PAGES * 512);
    uint32_t used = 0;
    std::vector<PhysRange> holes;
    GuestMapPlan plan{};
};

/* The EPT vmx_prepare() builds for map: relboot's image less one window, the APIC page out. */
Ept build_ept(const std::vector<MemoryRange>& map, PhysRange image, PhysRange window)
{
    Ept e;
    e.holes.resize(GUEST_MAP_MAX_HOLES);
    uint32_t count = 0;
    const BootError err = guest_map_launch_holes(image, &window, 1, 0xfee00000, 0, e.holes.data(), &count,
                                                 VMX_EPT_ERROR_SUBJECT);
    EXPECT_TRUE(err.ok());
    e.holes.resize(count);
    e.plan = GuestMapPlan{guest_map_limit(map.data(), uint32_t(map.size())), e.holes.data(), count, map.data(),
                          uint32_t(map.size())};
    EXPECT_TRUE(guest_map_check(e.plan, VMX_EPT_FORMAT, GUEST_MAP_PAGES, VMX_EPT_ERROR_SUBJECT).ok());
    e.used = guest_map_build(e.pages.data(), NPT_PHYS, GUEST_MAP_PAGES, e.plan, VMX_EPT_FORMAT);
    return e;
}

/* Whether any byte of the 4 KiB page at page is RAM in map (the test's own reading of the rule). */
bool page_has_ram(const std::vector<MemoryRange>& map, uint64_t page)
{
    for (const MemoryRange& r : map) {
        const bool ram = r.type == U || r.type == ACPI || r.type == NVS || r.type == IMG || r.type == DATA ||
                         r.type == MemoryType::module;
        if (ram && r.base.value < page + 4096 && page < r.base.value + r.size)
            return true;
    }
    return false;
}

/*
 * The EPT under Bochs's map: every page below 4 GiB but relboot's and the
 * APIC's identity-mapped RWX, RAM write-back, everything else (the legacy
 * VGA hole, the BIOS's reserved pages and ROM, the MMIO hole with the
 * IO-APIC) uncached, checked at every 4 KiB page; 2 MiB leaves where a 2
 * MiB page has one type and no hole.
 */
TEST(GuestMapEpt, MemoryTypesOnBochs)
{
    const PhysRange image{PhysAddr{0x1fc00000}, 0x274000};
    const PhysRange window{PhysAddr{0x1fd00000}, 0x6000};
    const Ept e = build_ept(BOCHS_512M, image, window);
    ASSERT_NE(e.used, 0u);
    EXPECT_EQ(e.plan.limit, 4 * GiB);
    uint64_t split = 0;
    for (uint64_t page = 0; page < e.plan.limit; page += 4096) {
        uint64_t hpa = 0, leaf = 0;
        const bool mapped = guest_map_translate(e.pages.data(), NPT_PHYS, e.used, VMX_EPT_FORMAT, page, &hpa, &leaf);
        const bool relboot = page >= image.base.value && page < image.end() &&
                             !(page >= window.base.value && page < window.end());
        if (relboot || page == 0xfee00000) {
            ASSERT_FALSE(mapped) << std::hex << "page 0x" << page;
            continue;
        }
        ASSERT_TRUE(mapped) << std::hex << "page 0x" << page;
        ASSERT_EQ(hpa, page);
        ASSERT_EQ(leaf & EPT_RWX, EPT_RWX) << std::hex << "page 0x" << page;
        ASSERT_EQ(leaf & EPT_IGNORE_PAT, 0u);
        ASSERT_EQ(ept_memtype(leaf), page_has_ram(BOCHS_512M, page) ? EPT_MEMTYPE_WB : EPT_MEMTYPE_UC)
            << std::hex << "page 0x" << page;
        split += !(leaf & EPT_LARGE_PAGE);
    }
    /*
     * 4 KiB pages only where RAM and the rest meet (all 512 below 2 MiB),
     * around the image (its window's 6 pages in the first 2 MiB, the 396
     * after its end in the next) and in the APIC's 2 MiB (511, the APIC's
     * page absent).
     */
    EXPECT_EQ(split, 512u + 6u + 396u + 511u);
    EXPECT_EQ(e.used, 2u + 4u + 1u + 2u + 1u);
    /* The same map as an NPT splits only for the holes: one memory type. */
    std::vector<uint64_t> npt(GUEST_MAP_PAGES * 512);
    EXPECT_EQ(guest_map_build(npt.data(), NPT_PHYS, GUEST_MAP_PAGES, e.plan, SVM_NPT_FORMAT), e.used - 1);
}

/* The type of a 4 KiB page: RAM when any byte of it is (a partial page at 0x9fc00 is RAM). */
TEST(GuestMapEpt, PageType)
{
    const std::vector<MemoryRange> map = {span(0x0, 0x9fc00, U), span(0x9fc00, 0xa0000, R),
                                          span(0x100000, 0x200000, NVS), span(0x300000, 0x300001, ACPI)};
    const GuestMapPlan p{4 * GiB, nullptr, 0, map.data(), uint32_t(map.size())};
    EXPECT_EQ(guest_map_page_type(p, 0x0), GuestMemType::ram);
    EXPECT_EQ(guest_map_page_type(p, 0x9f000), GuestMemType::ram);
    EXPECT_EQ(guest_map_page_type(p, 0xa0000), GuestMemType::mmio);
    EXPECT_EQ(guest_map_page_type(p, 0xff000), GuestMemType::mmio);
    EXPECT_EQ(guest_map_page_type(p, 0x100000), GuestMemType::ram);
    EXPECT_EQ(guest_map_page_type(p, 0x300000), GuestMemType::ram);
    EXPECT_EQ(guest_map_page_type(p, 0x301000), GuestMemType::mmio);
    EXPECT_EQ(guest_map_page_type(p, 0xfec00000), GuestMemType::mmio);
    /* No memory map: everything is RAM. */
    EXPECT_EQ(guest_map_page_type(GuestMapPlan{4 * GiB, nullptr, 0, nullptr, 0}, 0xfec00000), GuestMemType::ram);
    /* The types' leaves: the EPT's differ, the NPT's do not. */
    EXPECT_EQ(ept_memtype(VMX_EPT_FORMAT.leaf_4k[0]), EPT_MEMTYPE_WB);
    EXPECT_EQ(ept_memtype(VMX_EPT_FORMAT.leaf_2m[1]), EPT_MEMTYPE_UC);
    EXPECT_EQ(VMX_EPT_FORMAT.leaf_2m[0] & EPT_LARGE_PAGE, EPT_LARGE_PAGE);
    EXPECT_EQ(SVM_NPT_FORMAT.leaf_4k[0], SVM_NPT_FORMAT.leaf_4k[1]);
}

/* A 2 MiB page whose RAM ends inside it is split, one that is RAM or MMIO throughout is a 2 MiB leaf. */
TEST(GuestMapEpt, SplitsOnlyWhereTypesMeet)
{
    const std::vector<MemoryRange> map = {span(0x0, 0x400000, U), span(0x400000, 0x500000, U)};
    const GuestMapPlan p{4 * GiB, nullptr, 0, map.data(), uint32_t(map.size())};
    std::vector<uint64_t> pages(GUEST_MAP_PAGES * 512);
    ASSERT_EQ(guest_map_build(pages.data(), NPT_PHYS, GUEST_MAP_PAGES, p, VMX_EPT_FORMAT), 2u + 4u + 1u);
    uint64_t hpa = 0, leaf = 0;
    ASSERT_TRUE(guest_map_translate(pages.data(), NPT_PHYS, 7, VMX_EPT_FORMAT, 0x200000, &hpa, &leaf));
    EXPECT_EQ(leaf & EPT_LARGE_PAGE, EPT_LARGE_PAGE);   /* [2, 4) MiB: RAM in two adjacent ranges */
    EXPECT_EQ(ept_memtype(leaf), EPT_MEMTYPE_WB);
    ASSERT_TRUE(guest_map_translate(pages.data(), NPT_PHYS, 7, VMX_EPT_FORMAT, 0x4ff000, &hpa, &leaf));
    EXPECT_EQ(leaf & EPT_LARGE_PAGE, 0u);
    EXPECT_EQ(ept_memtype(leaf), EPT_MEMTYPE_WB);
    ASSERT_TRUE(guest_map_translate(pages.data(), NPT_PHYS, 7, VMX_EPT_FORMAT, 0x500000, &hpa, &leaf));
    EXPECT_EQ(ept_memtype(leaf), EPT_MEMTYPE_UC);
    ASSERT_TRUE(guest_map_translate(pages.data(), NPT_PHYS, 7, VMX_EPT_FORMAT, 0x600000, &hpa, &leaf));
    EXPECT_EQ(leaf & EPT_LARGE_PAGE, EPT_LARGE_PAGE);
    EXPECT_EQ(ept_memtype(leaf), EPT_MEMTYPE_UC);
    /* Not present is every bit of R, W and X clear; the NPT's P alone means nothing to an EPT walk. */
    EXPECT_FALSE(guest_map_translate(pages.data(), NPT_PHYS, 7, VMX_EPT_FORMAT, 5 * GiB, &hpa));
    /* The check counts the split the same way: one page table left is enough, none is not. */
    EXPECT_TRUE(guest_map_check(p, VMX_EPT_FORMAT, 2 + 4 + 1, VMX_EPT_ERROR_SUBJECT).ok());
    EXPECT_EQ(line(guest_map_check(p, VMX_EPT_FORMAT, 2 + 4, VMX_EPT_ERROR_SUBJECT)),
              "relboot: error: vmx ept split_pages: 1, expected at most pt_pages 2 MiB pages where a hole or a "
              "change of memory type falls; pt_pages = 0\r\n");
}

/* A launch's holes: the image's, then the APIC's page, then the debug hole; too many image holes refused. */
TEST(GuestMapHoles, Launch)
{
    PhysRange out[GUEST_MAP_MAX_HOLES];
    uint32_t count = 0;
    const PhysRange image{PhysAddr{0x1000000}, 0x40000};
    const PhysRange window{PhysAddr{0x1010000}, 0x1000};
    ASSERT_TRUE(guest_map_launch_holes(image, &window, 1, 0xfee00000, 0x1011000, out, &count, "svm npt").ok());
    ASSERT_EQ(count, 4u);
    EXPECT_EQ(out[0].base.value, 0x1000000u);
    EXPECT_EQ(out[1].base.value, 0x1011000u);
    EXPECT_EQ(out[2].base.value, 0xfee00000u);
    EXPECT_EQ(out[2].size, 4096u);
    EXPECT_EQ(out[3].base.value, 0x1011000u);
    ASSERT_TRUE(guest_map_launch_holes(image, &window, 1, 0xfee00000, 0, out, &count, "svm npt").ok());
    EXPECT_EQ(count, 3u);
    /* Seven windows cut the image into eight holes: more than GUEST_MAP_MAX_HOLES - 2 (found: that + 1). */
    std::vector<PhysRange> windows;
    for (uint32_t i = 0; i < 7; ++i)
        windows.push_back(PhysRange{PhysAddr{0x1001000 + i * 0x2000}, 0x1000});
    EXPECT_EQ(line(guest_map_launch_holes(image, windows.data(), 7, 0xfee00000, 0, out, &count, "vmx ept")),
              "relboot: error: vmx ept holes: 7, expected at most holes_max ranges of relboot's image left out "
              "of the table; holes_max = 6\r\n");
}

} // namespace
