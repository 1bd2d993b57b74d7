/*
 * libFuzzer target for the Linux launcher (arch/x86/boot/payload/linux/payload_linux.h):
 * arbitrary bytes as the bzImage (an exact-size heap copy, so ASan flags
 * any read past its end) through linux_parse(); when it accepts,
 * linux_plan() on a SeaBIOS 512 MiB machine with module 0 as long as the
 * input, and linux_fill_boot_params() into an exact-size heap boot_params.
 * Every rule of the contract is checked again from scratch; a violation
 * traps.
 *
 * The machine's variable parts come from setup-header fields that
 * linux_parse() does not read, so the input format stays a bzImage:
 *   root_flags (0x1f2): bit 0 puts the initrd high (at 0x1c000000, else
 *     right after module 0), bits 1..10, when nonzero, put module 0 so
 *     that its pm code starts at that many 2 MiB (else 0x102000);
 *   ram_size (0x1f8): the initrd's size in 64 KiB (0: none);
 *   vid_mode (0x1fa): the command line's length;
 *   root_dev (0x1fc): the identity-mapped limit in 64 KiB (0: 4 GiB);
 *   root_flags bits 11..15: the memory view's limit (an SVM guest's NPT
 *     limit) in 64 MiB (0: none);
 *   heap_end_ptr (0x224) modulo 1200: that many more 4 KiB ranges of RAM
 *     above 4 GiB, each after a 4 KiB gap, so that the e820 table runs
 *     past the zero page's 128 into the SETUP_E820_EXT node, and the
 *     memory map up to its cap.
 */
#include "platform/memory_map.h"
#include "payload/linux/payload_linux.h"

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

using namespace relboot;

namespace {

constexpr uint64_t FOUR_GIB = uint64_t(1) << 32;
constexpr uint64_t IMAGE = 0x1fe00000, IMAGE_SIZE = 0x1e000;
constexpr uint64_t MBI = 0x10000, MBI_SIZE = 0x3a8;

/* SeaBIOS's e820 for -m 512M (linux-boot-facts.md, "Measured" e). */
const MemoryRange FIRMWARE_MAP[] = {
    {PhysAddr{0x0}, 0x9fc00, MemoryType::usable, 0},
    {PhysAddr{0x9fc00}, 0x400, MemoryType::reserved, 0},
    {PhysAddr{0xf0000}, 0x10000, MemoryType::reserved, 0},
    {PhysAddr{0x100000}, 0x1fee0000, MemoryType::usable, 0},
    {PhysAddr{0x1ffe0000}, 0x20000, MemoryType::reserved, 0},
    {PhysAddr{0xfffc0000}, 0x40000, MemoryType::reserved, 0},
    {PhysAddr{0xfd00000000}, 0x10000000000 - 0xfd00000000, MemoryType::reserved, 0},
};

template <typename T>
T load(const uint8_t* p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return as && bs && a < b + bs && b < a + as;
}

/* Whether [base, base + size) lies in RAM of the map (usable or module) without wrapping. */
bool in_ram(const MemoryRange* map, uint32_t n, uint64_t base, uint64_t size)
{
    if (size == 0 || size > ~uint64_t(0) - base)
        return false;
    uint64_t covered = 0;
    for (uint32_t i = 0; i < n; ++i) {
        if (map[i].type != MemoryType::usable && map[i].type != MemoryType::module &&
            map[i].type != MemoryType::boot_data)   /* the MBI: the launcher reads it before anything moves */
            continue;
        const uint64_t mb = map[i].base.value, me = mb + map[i].size;
        const uint64_t b = base > mb ? base : mb, e = base + size < me ? base + size : me;
        covered += e > b ? e - b : 0;
    }
    return covered == size;
}

bool one_of(const char* field, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        if (std::strcmp(field, n) == 0)
            return true;
    return false;
}

void check_parsed(const uint8_t* p, size_t size, const LinuxImage& img)
{
    const auto& h = img.hdr;
    if (!linux_is_bzimage(p, size) || img.header_end > 0x290 || img.header_end > size ||
        img.setup_size + img.pm_size != size || img.pm_size <= linuxboot::ENTRY64_OFFSET)
        __builtin_trap();
    if (h.version < LINUX_MIN_PROTOCOL || !(h.xloadflags & linuxboot::XLF_KERNEL_64) || !h.init_size ||
        !(h.loadflags & linuxboot::LOADED_HIGH) || (h.kernel_alignment & (h.kernel_alignment - 1)) ||
        (uint64_t(1) << h.min_alignment) > h.kernel_alignment)
        __builtin_trap();
    if (img.version_len > 127 || (img.version_offset && uint64_t(img.version_offset) + img.version_len > size) ||
        (!img.version_offset && img.version_len))
        __builtin_trap();
}

struct Machine {
    uint64_t module0, module0_size;
    uint64_t initrd, initrd_size;
    uint64_t identity_limit;
    uint64_t memory_limit;
    uint32_t cmdline_len;
    MemoryRange map[MEMORY_MAP_MAX];
    uint32_t map_count;
};

/* Where the SETUP_E820_EXT node sits for the zero page (physical): inside relboot's image, as in the launch. */
constexpr uint64_t EXT_PHYS = IMAGE + 0x1c000;

void check_plan(const Machine& m, const LinuxImage& img, const LinuxPlan& p)
{
    const auto& h = img.hdr;
    const uint64_t foot = h.init_size > img.pm_size ? h.init_size : img.pm_size;
    if (p.entry != p.kernel + linuxboot::ENTRY64_OFFSET || p.pm_src != m.module0 + img.setup_size ||
        p.copied != (p.kernel == p.pm_src ? 0 : img.pm_size) || p.relocatable != (h.relocatable_kernel != 0))
        __builtin_trap();
    if (p.relocatable) {
        if (p.runtime != p.kernel || p.kernel % (uint64_t(1) << h.min_alignment) || p.kernel < h.pref_address)
            __builtin_trap();
    } else if (p.kernel != linuxboot::DEFAULT_CODE32_START || p.runtime != h.pref_address) {
        __builtin_trap();
    }
    const uint64_t reach =
        m.memory_limit && m.memory_limit < m.identity_limit ? m.memory_limit : m.identity_limit;
    const uint64_t kernel_limit =
        (h.xloadflags & linuxboot::XLF_CAN_BE_LOADED_ABOVE_4G) || reach < FOUR_GIB ? reach : FOUR_GIB;
    const uint64_t ranges[2][2] = {{p.kernel, foot}, {p.runtime, h.init_size}};
    for (const auto& r : ranges) {
        if (!in_ram(m.map, m.map_count, r[0], r[1]) || r[0] + r[1] > kernel_limit)
            __builtin_trap();
        if (overlaps(r[0], r[1], IMAGE, IMAGE_SIZE) ||
            overlaps(r[0], r[1], p.initrd, p.initrd_size))
            __builtin_trap();
    }
    if (p.initrd_size != m.initrd_size || (m.initrd_size && p.initrd_src != m.initrd))
        __builtin_trap();
    if (!p.initrd_size)
        return;
    if (overlaps(p.initrd, p.initrd_size, IMAGE, IMAGE_SIZE) || p.initrd + p.initrd_size > reach)
        __builtin_trap();
    if (!(h.xloadflags & linuxboot::XLF_CAN_BE_LOADED_ABOVE_4G) && p.initrd + p.initrd_size - 1 > h.initrd_addr_max)
        __builtin_trap();
    /* One that stays is where the loader put it (maybe outside the map's RAM); a moved one is in RAM. */
    if (p.initrd != p.initrd_src &&
        (!in_ram(m.map, m.map_count, p.initrd, p.initrd_size) || p.initrd % 4096 ||
         overlaps(p.initrd, p.initrd_size, m.module0, m.module0_size) || p.initrd + p.initrd_size > FOUR_GIB))
        __builtin_trap();
}

/*
 * The e820 table of the plan's memory view, the zero page's 128 entries
 * and then the SETUP_E820_EXT node's, as the kernel joins them: every
 * entry the map needs (a full map fits: nothing dropped), sorted,
 * disjoint, split at the limit and nothing but reserved at or above it;
 * the RAM it reserves there is the plan's ram_withheld (counted again
 * from the native table).  The node: linked from setup_data exactly when
 * it holds entries, next 0, type SETUP_E820_EXT, len 20 per entry.
 */
void check_e820(const linuxboot::boot_params& bp, const uint8_t* ext, const LinuxPlan& p, const Machine& m)
{
    const LinuxE820Split split = linux_e820_split(m.map, m.map_count, p.memory_limit, LINUX_E820_EXT_MAX);
    if (bp.e820_entries == 0 || bp.e820_entries != split.zero_page || split.dropped ||
        split.zero_page + split.ext != split.total)
        __builtin_trap();
    if (bp.hdr.setup_data != (split.ext ? EXT_PHYS : 0))
        __builtin_trap();
    if (split.ext && (load<uint64_t>(ext) != 0 || load<uint32_t>(ext + 8) != linuxboot::SETUP_E820_EXT ||
                      load<uint32_t>(ext + 12) != split.ext * sizeof(linuxboot::boot_e820_entry)))
        __builtin_trap();
    const uint64_t limit = p.memory_limit;
    uint64_t end = 0;
    for (uint32_t i = 0; i < split.total; ++i) {
        const linuxboot::boot_e820_entry e =
            i < linuxboot::E820_MAX_ENTRIES_ZEROPAGE
                ? bp.e820_table[i]
                : load<linuxboot::boot_e820_entry>(ext + 16 + (i - linuxboot::E820_MAX_ENTRIES_ZEROPAGE) * 20);
        if (!e.size || e.addr < end || (limit && e.addr < limit && e.addr + e.size > limit))
            __builtin_trap();   /* empty, unsorted, or across the limit (it splits there) */
        if (limit && e.addr >= limit && e.type != linuxboot::E820_TYPE_RESERVED)
            __builtin_trap();
        end = e.addr + e.size;
    }
    static linuxboot::boot_e820_entry native[MEMORY_MAP_MAX + 1];
    bool truncated;
    const uint32_t n = linux_e820_from_memory_map(m.map, m.map_count, 0, native, MEMORY_MAP_MAX + 1, &truncated);
    uint64_t withheld = 0;
    for (uint32_t i = 0; limit && i < n; ++i) {
        const uint64_t b = native[i].addr, e = native[i].addr + native[i].size;
        if (native[i].type == linuxboot::E820_TYPE_RAM && e > limit)
            withheld += e - (b > limit ? b : limit);
    }
    if (truncated || withheld != p.ram_withheld)
        __builtin_trap();
}

void check_zero_page(const uint8_t* file, const LinuxImage& img, const LinuxPlan& p, const Machine& m)
{
    /* BIOS results at their largest (every table full), so ASan sees their fields stay inside the page. */
    static const BiosInfo bios = [] {
        BiosInfo b{};
        b.edd_count = EDD_INFO_MAX;
        b.mbr_signature_count = EDD_DRIVES_MAX;
        b.edid_status = EdidStatus::ok;
        b.video.kind = VideoKind::vesa;
        return b;
    }();
    /* Exact sizes on the heap: ASan sees any write past the zero page or the node. */
    const auto bp = std::make_unique<linuxboot::boot_params>();
    std::memset(bp.get(), 0xa5, sizeof *bp);
    std::vector<uint8_t> ext(sizeof(LinuxE820Ext), 0xa5);
    const LinuxBootParamsInput in{0x1fe1d000, p.initrd, p.initrd_size, 0xf59d0,    m.map,    m.map_count,
                                  0x1f5eb018, 0x8d000,  48 * 100,      48,         1,        &bios,
                                  ext.data(), EXT_PHYS, LINUX_E820_EXT_MAX};
    linux_fill_boot_params(*bp, file, img, p, in);
    if (bp->sentinel != 0)
        __builtin_trap();
    check_e820(*bp, ext.data(), p, m);
    if (bp->hdr.type_of_loader != linuxboot::LOADER_TYPE_UNDEFINED || bp->hdr.code32_start != uint32_t(p.kernel) ||
        bp->hdr.header != linuxboot::HEADER_MAGIC || bp->efi_info.efi_loader_signature != linuxboot::EFI64_LOADER_SIGNATURE)
        __builtin_trap();
    /* The same bytes at zero-page.rst's offsets, and nothing after the header's end. */
    const uint8_t* page = reinterpret_cast<const uint8_t*>(bp.get());
    if (page[0x210] != linuxboot::LOADER_TYPE_UNDEFINED || load<uint32_t>(&page[0x214]) != uint32_t(p.kernel) ||
        load<uint32_t>(&page[0x202]) != linuxboot::HEADER_MAGIC || std::memcmp(&page[0x1c0], "EL64", 4) != 0)
        __builtin_trap();
    for (uint32_t i = img.header_end; i < 0x290; ++i)
        if (page[i])
            __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::vector<uint8_t> file(data, data + size);   /* exact size: ASan flags even a one-byte overread */
    LinuxImage img;
    const BootError pe = linux_parse(file.data(), file.size(), &img);
    if (!pe.ok()) {
        if (!one_of(pe.subject, {"payload"}) ||
            !one_of(pe.field, {"size", "boot_flag", "header", "jump", "version", "xloadflags", "loadflags",
                               "kernel_alignment", "min_alignment", "init_size"}) ||
            !pe.expected || !pe.expected[0])
            __builtin_trap();
        return 0;
    }
    check_parsed(file.data(), size, img);

    /* The machine (see the top of the file). */
    static Machine m;
    m = Machine{};
    const uint16_t root_flags = load<uint16_t>(&file[0x1f2]);
    const uint64_t slot = (root_flags >> 1) & 0x3ff;
    m.module0 = slot ? slot * 0x200000 - img.setup_size : 0x102000;
    m.module0_size = size;
    m.initrd_size = uint64_t(load<uint16_t>(&file[0x1f8])) * 0x10000;
    m.initrd = root_flags & 1 ? 0x1c000000 : (m.module0 + size + 0xfff) & ~uint64_t(0xfff);
    m.cmdline_len = load<uint16_t>(&file[0x1fa]);
    const uint16_t root_dev = load<uint16_t>(&file[0x1fc]);
    m.identity_limit = root_dev ? uint64_t(root_dev) * 0x10000 : FOUR_GIB;
    m.memory_limit = uint64_t(root_flags >> 11) * 0x4000000;
    /* As a loader places them: no module over the image, the MBI or the other module. */
    if (overlaps(m.module0, size, IMAGE, IMAGE_SIZE) || overlaps(m.module0, size, MBI, MBI_SIZE) ||
        overlaps(m.initrd, m.initrd_size, IMAGE, IMAGE_SIZE) || overlaps(m.initrd, m.initrd_size, MBI, MBI_SIZE) ||
        overlaps(m.initrd, m.initrd_size, m.module0, size))
        return 0;
    const MemoryRange used[] = {
        {PhysAddr{IMAGE}, IMAGE_SIZE, MemoryType::relboot, 0},
        {PhysAddr{MBI}, MBI_SIZE, MemoryType::boot_data, 0},
        {PhysAddr{m.module0}, m.module0_size, MemoryType::module, 0},
        {PhysAddr{m.initrd}, m.initrd_size, MemoryType::module, 0},
    };
    std::vector<MemoryRange> firmware(std::begin(FIRMWARE_MAP), std::end(FIRMWARE_MAP));
    const uint32_t extra = load<uint16_t>(&file[0x224]) % 1200;
    for (uint32_t i = 0; i < extra; ++i)
        firmware.push_back({PhysAddr{FOUR_GIB + uint64_t(i) * 0x2000}, 0x1000, MemoryType::usable, 0});
    bool truncated;
    m.map_count = memory_map_build(firmware.data(), uint32_t(firmware.size()), used, 4, m.map, MEMORY_MAP_MAX,
                                   &truncated);

    const LinuxPlanInput in{m.map,
                            m.map_count,
                            PhysRange{PhysAddr{IMAGE}, IMAGE_SIZE},
                            PhysRange{PhysAddr{m.module0}, m.module0_size},
                            PhysRange{PhysAddr{m.initrd_size ? m.initrd : 0}, m.initrd_size},
                            m.identity_limit,
                            m.cmdline_len,
                            m.memory_limit};
    LinuxPlan plan;
    const BootError e = linux_plan(img, in, &plan);
    if (!e.ok()) {
        const LinuxPlan& p = plan;   /* all zero on error */
        if (!one_of(e.subject, {"payload"}) || !one_of(e.field, {"cmdline_size", "size", "kernel", "initrd"}) ||
            !e.expected || !e.expected[0] || p.pm_src || p.kernel || p.copied || p.entry || p.runtime ||
            p.initrd_src || p.initrd || p.initrd_size || p.relocatable || p.memory_limit || p.ram_withheld)
            __builtin_trap();
        if (one_of(e.field, {"cmdline_size"}) != (m.cmdline_len > img.hdr.cmdline_size))
            __builtin_trap();
        return 0;
    }
    if (plan.memory_limit != m.memory_limit || (!m.memory_limit && plan.ram_withheld))
        __builtin_trap();
    check_plan(m, img, plan);
    check_zero_page(file.data(), img, plan, m);
    return 0;
}
