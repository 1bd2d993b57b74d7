/*
 * The guest's physical memory as the second-level translation gives it,
 * whatever the vendor: AMD's nested page table (NPT, APM vol. 2, 15.25)
 * and Intel's extended page table (EPT, SDM Vol. 3C, 29.3) are both
 * 4-level tables of the same shape (512 8-byte entries a 4 KiB table,
 * bit 7 a large page, bits 51:12 the address); only the entries' flags
 * differ, and a GuestMapFormat names them.  One planner builds both.
 *
 * What the guest gets: guest-physical [0, limit) identity-mapped, with 2
 * MiB pages, and 4 KiB pages where a hole starts or ends inside a 2 MiB
 * page (holes: relboot's image less the windows the guest reads there,
 * the local APIC's page; not present) or, when the format tells memory
 * types apart (EPT), where RAM and other addresses meet inside one: RAM
 * is write-back, everything else (MMIO, ROM, nothing) uncached.  RAM is
 * what the memory map says (guest_map_is_ram()), to the 4 KiB page: a
 * page with any byte of RAM is RAM.
 *
 * Pure: host-tested on sample memory maps; writes only the pages it is
 * given.  Refusals are BootErrors with the caller's subject ("svm npt",
 * "vmx ept").
 */
#ifndef RELBOOT_VCPU_GUEST_MAP_H
#define RELBOOT_VCPU_GUEST_MAP_H

#include <cstdint>
#include "lib/error.h"
#include <relboot/boot_info.h>
#include <relboot/phys.h>

namespace relboot {

inline constexpr uint64_t GUEST_MAP_4K = 4096;
inline constexpr uint64_t GUEST_MAP_2M = uint64_t(1) << 21;
inline constexpr uint64_t GUEST_MAP_1G = uint64_t(1) << 30;

/*
 * Guest-physical space a map can cover: 16 GiB (one PD page a GiB).  RAM
 * above it is reserved in the guest's e820 table, with a warning.
 */
inline constexpr uint64_t GUEST_MAP_MAX = 16 * GUEST_MAP_1G;
/* Page tables for 4 KiB pages (where a hole, or a change of memory type, falls inside a 2 MiB page). */
inline constexpr uint32_t GUEST_MAP_PT_PAGES = 16;
/* A map's pages: PML4, PDPT, one PD a GiB, the PTs. */
inline constexpr uint32_t GUEST_MAP_PAGES = 2 + uint32_t(GUEST_MAP_MAX / GUEST_MAP_1G) + GUEST_MAP_PT_PAGES;
/* Most holes a launch leaves out: relboot's image less its windows, the APIC page, a debug hole. */
inline constexpr uint32_t GUEST_MAP_MAX_HOLES = 8;

/* A guest page's memory type: RAM (write-back) or anything else (uncached). */
enum class GuestMemType : uint8_t { ram = 0, mmio = 1 };

/*
 * The entries' flags of one vendor's table.  An NPT has the same leaf
 * flags for both types (nested paging combines with the host's PAT and
 * MTRRs); an EPT carries the memory type in its leaves (bits 5:3).
 */
struct GuestMapFormat {
    uint64_t table;         /* a PML4E, PDPTE or PDE that points at the next table (with its address) */
    uint64_t leaf_4k[2];    /* a 4 KiB page's flags, by GuestMemType */
    uint64_t leaf_2m[2];    /* a 2 MiB page's flags, by GuestMemType (with the page-size bit 7) */
    uint64_t present;       /* an entry is present when any of these bits is set */
};

/* What one map holds: [0, limit) less the holes; memory types from a memory map. */
struct GuestMapPlan {
    uint64_t limit;                     /* a nonzero multiple of 1 GiB */
    const PhysRange* holes;             /* 4 KiB aligned, any order, may overlap */
    uint32_t hole_count;
    const MemoryRange* memory_map;      /* RAM by guest_map_is_ram(); nullptr: everything is RAM */
    uint32_t memory_map_count;
};

/* Whether a memory map's type is RAM the guest sees (usable, ACPI, relboot's, the loader's, a module). */
bool guest_map_is_ram(MemoryType type);

/*
 * Guest-physical space a map covers for this memory map: everything
 * below 4 GiB (RAM, the legacy hole, the MMIO hole with the local APIC
 * and the IO-APIC), and RAM above it (guest_map_is_ram()), rounded up to
 * 1 GiB, at most GUEST_MAP_MAX.
 */
uint64_t guest_map_limit(const MemoryRange* map, uint32_t count);

/*
 * The holes: [image, image end) less the windows the guest needs inside
 * it, each 4 KiB aligned (the image's start rounded down and the windows
 * rounded outwards).  windows need not be sorted; ones outside the image
 * are ignored.  Returns the number of holes written to out (at most max;
 * sorted, disjoint); more needed: returns max + 1.
 */
uint32_t guest_map_holes(PhysRange image, const PhysRange* windows, uint32_t window_count, PhysRange* out,
                         uint32_t max);

/*
 * The holes of a launch in out[0, *count): relboot's image less its
 * windows (guest_map_holes()), then the local APIC's page (apic_page),
 * then extra_page when it is not 0 (a page left out on purpose:
 * debug-npt-hole=).  Refused ("<subject> holes", found = the holes the
 * image needs) when the image needs more than GUEST_MAP_MAX_HOLES - 2;
 * out has room for GUEST_MAP_MAX_HOLES.
 */
BootError guest_map_launch_holes(PhysRange image, const PhysRange* windows, uint32_t window_count, uint64_t apic_page,
                                 uint64_t extra_page, PhysRange* out, uint32_t* count, const char* subject);

/*
 * The memory type of the 4 KiB page at page (4 KiB aligned) under plan:
 * RAM when any byte of it is RAM in plan's memory map.
 */
GuestMemType guest_map_page_type(const GuestMapPlan& plan, uint64_t page);

/*
 * Whether guest_map_build() can build plan in page_count pages with
 * format: the limit a nonzero multiple of 1 GiB whose PDs fit ("<subject>
 * limit", found = the limit; limit table_pages = page_count), and no more 2
 * MiB pages to split into 4 KiB pages than the pages left for their page
 * tables ("<subject> split_pages", found = those 2 MiB pages; limit
 * pt_pages).  Ok exactly when guest_map_build() succeeds (with pages_phys
 * 4 KiB aligned).
 */
BootError guest_map_check(const GuestMapPlan& plan, const GuestMapFormat& format, uint32_t page_count,
                          const char* subject);

/*
 * Builds plan's map in pages (page_count 4 KiB pages whose first byte is
 * guest- and host-physical pages_phys, 4 KiB aligned) with format's
 * entries: [0, limit) identity-mapped, a 2 MiB leaf where no hole touches
 * the 2 MiB and its memory type is one, else a page table of 4 KiB
 * leaves, holes not present.  limit: a multiple of 1 GiB, at most 512
 * GiB.  Page 0 is the PML4 (the VMCB's N_CR3, the EPTP's address).
 * Returns the pages used, or 0 when page_count is too small or an
 * argument is out of range; then pages' contents mean nothing.
 */
uint32_t guest_map_build(uint64_t* pages, uint64_t pages_phys, uint32_t page_count, const GuestMapPlan& plan,
                         const GuestMapFormat& format);

/*
 * Where the map in pages (as guest_map_build() wrote it, pages_phys as
 * given there) sends gpa: true, *hpa and (when leaf is not nullptr) the
 * leaf entry; false when not present, or when the walk leaves pages.
 * For the tests, the fault reports and the emulator's guest reads.
 */
bool guest_map_translate(const uint64_t* pages, uint64_t pages_phys, uint32_t page_count, const GuestMapFormat& format,
                         uint64_t gpa, uint64_t* hpa, uint64_t* leaf = nullptr);

/*
 * The guest's first page tables (the 64-bit boot protocol wants paging
 * on): [0, 4 GiB) identity-mapped with 2 MiB pages, present and
 * writable, in GUEST_BOOT_PT_PAGES pages at pages_phys (PML4, PDPT, 4
 * PDs).  The kernel builds its own before it needs more.
 */
inline constexpr uint32_t GUEST_BOOT_PT_PAGES = 6;
void guest_boot_pagetables(uint64_t* pages, uint64_t pages_phys);

} // namespace relboot

#endif
