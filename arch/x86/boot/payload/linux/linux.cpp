/*
 * The Linux bzImage launcher's pure parts (arch/x86/boot/payload/linux/payload_linux.h):
 * the setup header's checks, the placement of the kernel and the initrd,
 * the e820 table and the zero page.  Documentation/arch/x86/boot.rst and
 * /work/shared/design/linux-boot-facts.md give the rules cited below.
 *
 * Freestanding and pure: it reads the bzImage only through p[0, size) and
 * writes only its out parameters and the zero page.  Every range is
 * checked with 64-bit arithmetic that cannot wrap.
 */
#include "payload/linux/payload_linux.h"

#include <cstddef>
#include <cstdint>

namespace relboot {

using linuxboot::boot_e820_entry;
using linuxboot::boot_params;
using linuxboot::setup_data;
using linuxboot::setup_header;

namespace {

constexpr uint64_t PAGE_SIZE = 4096;
constexpr uint64_t FOUR_GIB = uint64_t(1) << 32;

/*
 * Offsets in the file of the fields the checks read before the header is
 * copied: the same as in boot_params, where the header sits at 0x1f1 too.
 */
constexpr uint32_t OFF_BOOT_FLAG = offsetof(boot_params, hdr.boot_flag);
constexpr uint32_t OFF_JUMP_OFFSET = offsetof(boot_params, hdr.jump) + 1;   /* the jump's 8-bit displacement: header end - 0x202 */
constexpr uint32_t OFF_HEADER = offsetof(boot_params, hdr.header);
constexpr uint32_t HEADER_MAGIC_END = OFF_HEADER + 4;
/* The setup header may not run into edd_mbr_sig_buffer (boot_params 0x290), as GRUB checks. */
constexpr uint32_t HEADER_END_MAX = offsetof(boot_params, edd_mbr_sig_buffer);
constexpr uint32_t SETUP_HEADER_END = linuxboot::SETUP_HEADER_OFFSET + sizeof(setup_header);   /* 0x26c */
/* boot.rst: kernel_version points at a NUL-terminated string; relboot shows at most this much of it. */
constexpr uint32_t VERSION_MAX_LEN = 127;

/* The refusal of the payload's field: found, and what was expected instead. */
constexpr BootError fail(const char* field, uint64_t found, const char* expected, Radix radix = Radix::hex)
{
    return BootError{.subject = LINUX_ERROR_SUBJECT, .field = field, .found = found, .expected = expected,
                     .found_radix = radix};
}

/* The same, with the header field the expectation names and its value. */
constexpr BootError fail_limit(const char* field, uint64_t found, Radix radix, const char* expected,
                               const char* limit_name, uint64_t limit, Radix limit_radix)
{
    return BootError{.subject = LINUX_ERROR_SUBJECT, .field = field, .found = found, .expected = expected,
                     .limit_name = limit_name, .limit = limit, .found_radix = radix, .limit_radix = limit_radix};
}

template <typename T>
T load(const uint8_t* p)
{
    T v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

uint32_t lo32(uint64_t v)
{
    return uint32_t(v);
}
uint32_t hi32(uint64_t v)
{
    return uint32_t(v >> 32);
}

uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

bool is_power_of_two(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* *out = v rounded up to a multiple of align (a power of two); false when that passes 2^64 - 1. */
bool align_up(uint64_t v, uint64_t align, uint64_t* out)
{
    const uint64_t mask = align - 1;
    if (v > PHYS_END_MAX - mask)
        return false;
    *out = (v + mask) & ~mask;
    return true;
}

/* [base, base + size) when it ends at PHYS_END_MAX at most; an empty range otherwise. */
PhysRange exact_range(uint64_t base, uint64_t size)
{
    if (size > PHYS_END_MAX - base)
        return PhysRange{PhysAddr{0}, 0};
    return PhysRange{PhysAddr{base}, size};
}

/*
 * Where a placement may go: the map's RAM (usable, and module ranges:
 * module 0's own bytes, which a memmove may overwrite, and modules Linux
 * is not given), below limit, outside the blocked ranges.
 */
struct Space {
    const MemoryRange* map;
    uint32_t count;
    uint64_t limit;                 /* exclusive */
    PhysRange blocked[5];           /* size 0: unused */
};

/*
 * RAM the kernel may take: usable, the modules (module 0's bytes and any
 * module Linux is not given; the initrd is blocked by the caller), and the
 * loader's information structure, which the launcher has read completely
 * (command line, EFI memory map and zero page copied into relboot's image)
 * before the first byte moves.
 */
bool ram_type(MemoryType t)
{
    return t == MemoryType::usable || t == MemoryType::module || t == MemoryType::boot_data;
}

/*
 * Whether [base, base + size) is free in s.  One pass over the map: exact
 * for a sorted map (BootState's), and never wrongly "free" for another.
 */
bool is_free(const Space& s, uint64_t base, uint64_t size)
{
    if (size == 0 || base >= s.limit || size > s.limit - base)
        return false;
    const PhysRange r{PhysAddr{base}, size};
    for (const PhysRange& b : s.blocked)
        if (r.overlaps(b))
            return false;
    uint64_t pos = base;
    for (uint32_t i = 0; i < s.count; ++i) {
        const PhysRange m = phys_range_clamped(s.map[i].base.value, s.map[i].size);
        if (ram_type(s.map[i].type) && m.contains(PhysAddr{pos})) {
            pos = m.end();
            if (pos >= r.end())
                return true;
        }
    }
    return false;
}

/*
 * Calls f with every edge where the space in s can start or stop being
 * free: each map range's base and end, each blocked range's base and end.
 */
template <typename F>
void for_each_edge(const Space& s, F f)
{
    for (uint32_t i = 0; i < s.count; ++i) {
        const PhysRange m = phys_range_clamped(s.map[i].base.value, s.map[i].size);
        f(m.base.value);
        f(m.end());
    }
    for (const PhysRange& b : s.blocked) {
        if (b.size) {
            f(b.base.value);
            f(b.end());
        }
    }
}

/*
 * The lowest multiple of align (a power of two) at or above lo where
 * [addr, addr + size) is free.  The answer is lo or an edge where the
 * space starts to be free, rounded up: those are the candidates.
 */
bool lowest_fit(const Space& s, uint64_t lo, uint64_t align, uint64_t size, uint64_t* out)
{
    bool found = false;
    auto consider = [&](uint64_t at) {
        uint64_t a;
        if (!align_up(at < lo ? lo : at, align, &a) || (found && a >= *out))
            return;
        if (is_free(s, a, size))
            *out = a, found = true;
    };
    consider(lo);
    for_each_edge(s, consider);
    return found;
}

/*
 * The highest multiple of align below s.limit where [addr, addr + size)
 * is free.  Its end is s.limit or an edge where the space stops being
 * free, and it starts there rounded down: those are the candidates.
 */
bool highest_fit(const Space& s, uint64_t align, uint64_t size, uint64_t* out)
{
    bool found = false;
    auto consider = [&](uint64_t top) {
        top = min_u64(top, s.limit);
        if (top < size)
            return;
        const uint64_t a = (top - size) & ~(align - 1);
        if ((found && a <= *out) || !is_free(s, a, size))
            return;
        *out = a, found = true;
    };
    consider(s.limit);
    for_each_edge(s, consider);
    return found;
}

/* Where the kernel goes: its pm code's destination and where it runs. */
struct KernelPlace {
    uint64_t kernel;
    uint64_t runtime;
};

/*
 * The kernel's placement in s (boot.rst, "Loading The Rest of The
 * Kernel"): footprint bytes free from the pm code's destination, and
 * init_size from the runtime address.  False: nowhere.
 */
bool place_kernel(const setup_header& h, uint64_t pm_src, uint64_t footprint, const Space& s, KernelPlace* out)
{
    if (!h.relocatable_kernel) {
        /* code32_start's default; the kernel moves itself to pref_address. */
        out->kernel = linuxboot::DEFAULT_CODE32_START;
        out->runtime = h.pref_address;
        return is_free(s, out->kernel, footprint) && is_free(s, out->runtime, h.init_size);
    }
    /* A loader may lower kernel_alignment down to 1 << min_alignment (boot.rst, min_alignment). */
    const uint64_t min_align = uint64_t(1) << h.min_alignment;
    auto acceptable = [&](uint64_t at) {
        return at % min_align == 0 && at >= h.pref_address && is_free(s, at, footprint);
    };
    uint64_t at = 0;
    bool found = false;
    if (acceptable(pm_src))
        at = pm_src, found = true;          /* already in place: no copy */
    else if (acceptable(h.pref_address))
        at = h.pref_address, found = true;
    for (uint64_t align = h.kernel_alignment; !found && align >= min_align; align >>= 1)
        found = lowest_fit(s, h.pref_address, align, footprint, &at);
    out->kernel = out->runtime = at;
    return found;
}

/*
 * The e820 type of a BootState memory type (the one place that converts
 * them): the ACPI types and bad memory by their e820 names, relboot's
 * image reserved (its page tables, GDT, IDT, zero page and command line
 * are in use when the kernel starts), the modules and the loader's
 * information structure RAM (nothing reads them after the jump), any
 * other firmware type reserved.
 */
uint32_t e820_type(MemoryType t)
{
    switch (t) {
    case MemoryType::usable:
    case MemoryType::module:
    case MemoryType::boot_data:
        return linuxboot::E820_TYPE_RAM;
    case MemoryType::acpi_reclaimable:
        return linuxboot::E820_TYPE_ACPI;
    case MemoryType::acpi_nvs:
        return linuxboot::E820_TYPE_NVS;
    case MemoryType::bad:
        return linuxboot::E820_TYPE_UNUSABLE;
    default:
        return linuxboot::E820_TYPE_RESERVED;
    }
}

/*
 * Where r splits for the memory view: memory_limit clamped into r
 * (r.end() when there is no limit or r lies below it).
 */
uint64_t view_split(const PhysRange& r, uint64_t memory_limit)
{
    if (!memory_limit || memory_limit >= r.end())
        return r.end();
    return memory_limit > r.base.value ? memory_limit : r.base.value;
}

/* Bytes of RAM (E820_TYPE_RAM after the conversion) in map at or above memory_limit; 0 without a limit. */
uint64_t ram_at_or_above(const MemoryRange* map, uint32_t count, uint64_t memory_limit)
{
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const PhysRange r = phys_range_clamped(map[i].base.value, map[i].size);
        if (e820_type(map[i].type) == linuxboot::E820_TYPE_RAM)
            bytes += r.end() - view_split(r, memory_limit);
    }
    return bytes;
}

/*
 * The e820 conversion, handing each finished entry to emit(index, entry):
 * at most max of them, *truncated when more were needed.  What lies at or
 * above memory_limit (when nonzero) is reserved.
 */
template <typename Emit>
uint32_t e820_convert(const MemoryRange* map, uint32_t count, uint64_t memory_limit, uint32_t max, bool* truncated,
                      Emit emit)
{
    *truncated = false;
    uint32_t n = 0;
    boot_e820_entry cur{};
    bool have = false;
    auto flush = [&] {
        if (!have)
            return;
        if (n < max)
            emit(n++, cur);
        else
            *truncated = true;
    };
    /* [base, base + size) of type after cur: merged into it when they touch and agree. */
    auto add = [&](uint64_t base, uint64_t size, uint32_t type) {
        if (!size)
            return;
        if (have && cur.type == type && cur.addr + cur.size == base) {
            cur.size += size;        /* ends at base + size <= PHYS_END_MAX */
            return;
        }
        flush();
        cur = boot_e820_entry{base, size, type};
        have = true;
    };
    for (uint32_t i = 0; i < count; ++i) {
        const PhysRange r = phys_range_clamped(map[i].base.value, map[i].size);
        const uint64_t split = view_split(r, memory_limit);
        add(r.base.value, split - r.base.value, e820_type(map[i].type));
        add(split, r.end() - split, linuxboot::E820_TYPE_RESERVED);
    }
    flush();
    return n;
}

} // namespace

bool linux_is_bzimage(const uint8_t* p, uint64_t size)
{
    return size >= HEADER_MAGIC_END && load<uint16_t>(p + OFF_BOOT_FLAG) == linuxboot::BOOT_FLAG &&
           load<uint32_t>(p + OFF_HEADER) == linuxboot::HEADER_MAGIC;
}

BootError linux_parse(const uint8_t* p, uint64_t size, LinuxImage* out)
{
    *out = LinuxImage{};
    if (size < HEADER_MAGIC_END)
        return fail("size", size, "at least 518 bytes (the setup header up to \"HdrS\")", Radix::dec);
    const uint16_t boot_flag = load<uint16_t>(p + OFF_BOOT_FLAG);
    if (boot_flag != linuxboot::BOOT_FLAG)
        return fail("boot_flag", boot_flag, "0xaa55");
    const uint32_t magic = load<uint32_t>(p + OFF_HEADER);
    if (magic != linuxboot::HEADER_MAGIC)
        return fail("header", magic, "0x53726448 (\"HdrS\")");
    const uint32_t header_end = OFF_HEADER + p[OFF_JUMP_OFFSET];
    if (header_end > HEADER_END_MAX)
        return fail("jump", header_end, "a header end (0x202 + byte 0x201) of at most 0x290");
    if (size < header_end)
        return fail("size", size, "at least the header's end (0x202 + byte 0x201)", Radix::dec);

    LinuxImage img{};
    img.header_end = header_end;
    const uint32_t copy_end = header_end < SETUP_HEADER_END ? header_end : SETUP_HEADER_END;
    __builtin_memcpy(&img.hdr, p + linuxboot::SETUP_HEADER_OFFSET, copy_end - linuxboot::SETUP_HEADER_OFFSET);
    const setup_header& h = img.hdr;

    if (h.version < LINUX_MIN_PROTOCOL)
        return fail("version", h.version, "at least 2.12 (0x020c): xloadflags says whether the 64-bit entry exists");
    if (!(h.xloadflags & linuxboot::XLF_KERNEL_64))
        return fail("xloadflags", h.xloadflags, "XLF_KERNEL_64 (bit 0): a 64-bit entry");
    if (!(h.loadflags & linuxboot::LOADED_HIGH))
        return fail("loadflags", h.loadflags, "LOADED_HIGH (bit 0): protected-mode code loaded at 1 MiB or above");
    if (!is_power_of_two(h.kernel_alignment))
        return fail("kernel_alignment", h.kernel_alignment, "a power of two");
    if (h.min_alignment >= 32 || (uint32_t(1) << h.min_alignment) > h.kernel_alignment)
        return fail("min_alignment", h.min_alignment, "log2 of an alignment of at most kernel_alignment", Radix::dec);
    if (h.init_size == 0)
        return fail("init_size", 0, "nonzero: the memory the kernel needs from its runtime address");

    img.setup_size = ((h.setup_sects ? h.setup_sects : 4u) + 1) * linuxboot::SECTOR_SIZE;
    if (size <= uint64_t(img.setup_size) + linuxboot::ENTRY64_OFFSET)
        return fail("size", size, "more than the real-mode part ((setup_sects + 1) * 512) + 0x200: the 64-bit entry",
                    Radix::dec);
    img.pm_size = size - img.setup_size;
    /* syssize (2.04+) counts the pm code in 16-byte paragraphs: a shorter file was cut off. */
    if (img.pm_size < uint64_t(h.syssize) * 16)
        return fail("size", size, "the whole bzImage: (setup_sects + 1) * 512 + syssize * 16 bytes", Radix::dec);

    /* The version string (boot.rst, kernel_version): shown, never needed. */
    const uint64_t at = uint64_t(h.kernel_version) + 0x200;
    if (h.kernel_version && at < size) {
        img.version_offset = uint32_t(at);
        while (img.version_len < VERSION_MAX_LEN && at + img.version_len < size && p[at + img.version_len])
            ++img.version_len;
    }
    *out = img;
    return BootError{};
}

BootError linux_plan(const LinuxImage& image, const LinuxPlanInput& in, LinuxPlan* out)
{
    *out = LinuxPlan{};
    const setup_header& h = image.hdr;
    if (in.cmdline_len > h.cmdline_size)
        return fail_limit("cmdline_size", in.cmdline_len, Radix::dec, "at most cmdline_size bytes (without the NUL)",
                          "cmdline_size", h.cmdline_size, Radix::dec);

    /* The bytes relboot reads must be reachable: module 0 and the initrd as the loader put them. */
    if (in.kernel_module.size < uint64_t(image.setup_size) + image.pm_size)
        return fail("size", in.kernel_module.size, "module 0 as long as the bzImage that was parsed", Radix::dec);
    const PhysRange module0 = exact_range(in.kernel_module.base.value, in.kernel_module.size);
    if (!module0.size || module0.end() > in.identity_limit)
        return fail("kernel", in.kernel_module.base.value, "module 0 below the identity-mapped limit");
    const PhysRange initrd_src = exact_range(in.initrd.base.value, in.initrd.size);
    const bool has_initrd = in.initrd.size != 0;
    if (has_initrd && (!initrd_src.size || initrd_src.end() > in.identity_limit))
        return fail("initrd", in.initrd.base.value, "the initrd below the identity-mapped limit");

    const bool above_4g = h.xloadflags & linuxboot::XLF_CAN_BE_LOADED_ABOVE_4G;
    /* What the kernel can reach: the identity map, and the memory view's end (an SVM guest's NPT). */
    const uint64_t reach = in.memory_limit ? min_u64(in.identity_limit, in.memory_limit) : in.identity_limit;
    /* initrd_addr_max is the highest byte the initrd may occupy. */
    const bool initrd_addr_ok =
        !has_initrd || ((above_4g || initrd_src.end() - 1 <= h.initrd_addr_max) && initrd_src.end() <= reach);

    const uint64_t pm_src = module0.base.value + image.setup_size;
    /* The kernel keeps [runtime, + init_size) and, while it is copied, its pm code: the larger. */
    const uint64_t footprint = h.init_size > image.pm_size ? h.init_size : image.pm_size;
    Space ks{in.memory_map, in.memory_map_count, above_4g ? reach : min_u64(reach, FOUR_GIB), {in.image}};
    /*
     * The initrd is moved before the kernel is copied, so a kernel may
     * take its place when it moves anyway; one that may stay is avoided
     * first, and moved only when the kernel fits nowhere else.  A
     * non-relocatable kernel's ranges are fixed: whatever initrd lies
     * there moves.
     */
    KernelPlace kp{};
    bool placed = false;
    if (h.relocatable_kernel && initrd_addr_ok) {
        ks.blocked[1] = initrd_src;
        placed = place_kernel(h, pm_src, footprint, ks, &kp);
        ks.blocked[1] = PhysRange{};
    }
    if (!placed && !place_kernel(h, pm_src, footprint, ks, &kp))
        return fail("kernel", h.init_size, "a free range of init_size bytes at an address the kernel accepts",
                    Radix::dec);

    const PhysRange kernel_range{PhysAddr{kp.kernel}, footprint};
    const PhysRange runtime_range{PhysAddr{kp.runtime}, h.relocatable_kernel ? footprint : h.init_size};
    uint64_t initrd_dst = initrd_src.base.value;
    if (has_initrd && (!initrd_addr_ok || initrd_src.overlaps(kernel_range) || initrd_src.overlaps(runtime_range))) {
        /* Highest first, as GRUB and QEMU place it; away from module 0, which is read after the move. */
        const uint64_t limit = min_u64(min_u64(uint64_t(h.initrd_addr_max) + 1, reach), FOUR_GIB);
        const Space is{in.memory_map, in.memory_map_count, limit, {in.image, module0, kernel_range, runtime_range}};
        if (!highest_fit(is, PAGE_SIZE, initrd_src.size, &initrd_dst))
            return fail_limit("initrd", initrd_src.size, Radix::dec, "a free, 4 KiB-aligned range below initrd_addr_max",
                              "initrd_addr_max", h.initrd_addr_max, Radix::hex);
    }

    out->pm_src = pm_src;
    out->kernel = kp.kernel;
    out->copied = kp.kernel == pm_src ? 0 : image.pm_size;
    out->entry = kp.kernel + linuxboot::ENTRY64_OFFSET;
    out->runtime = kp.runtime;
    out->initrd_src = has_initrd ? initrd_src.base.value : 0;
    out->initrd = has_initrd ? initrd_dst : 0;
    out->initrd_size = initrd_src.size;
    out->memory_limit = in.memory_limit;
    out->ram_withheld = ram_at_or_above(in.memory_map, in.memory_map_count, in.memory_limit);
    out->relocatable = h.relocatable_kernel != 0;
    return BootError{};
}

uint32_t linux_e820_from_memory_map(const MemoryRange* map, uint32_t count, uint64_t memory_limit,
                                    boot_e820_entry* out, uint32_t max, bool* truncated)
{
    return e820_convert(map, count, memory_limit, max, truncated,
                        [&](uint32_t i, const boot_e820_entry& e) { out[i] = e; });
}

LinuxE820Split linux_e820_split(const MemoryRange* map, uint32_t count, uint64_t memory_limit, uint32_t ext_max)
{
    using linuxboot::E820_MAX_ENTRIES_ZEROPAGE;
    LinuxE820Split split{};
    const uint64_t held = uint64_t(E820_MAX_ENTRIES_ZEROPAGE) + ext_max;
    bool truncated;
    split.total = e820_convert(map, count, memory_limit, ~uint32_t(0), &truncated,
                               [&](uint32_t i, const boot_e820_entry& e) {
                                   if (i == held)
                                       split.dropped_from = e.addr;
                               });
    split.zero_page = split.total < E820_MAX_ENTRIES_ZEROPAGE ? split.total : E820_MAX_ENTRIES_ZEROPAGE;
    split.ext = uint32_t(split.total < held ? split.total - split.zero_page : ext_max);
    split.dropped = split.total - split.zero_page - split.ext;
    return split;
}

void linux_fill_boot_params(boot_params& bp, const uint8_t* image, const LinuxImage& parsed, const LinuxPlan& plan,
                            const LinuxBootParamsInput& in)
{
    using namespace linuxboot;
    __builtin_memset(&bp, 0, sizeof bp);
    /*
     * The header exactly as far as the file says (boot.rst, "64-bit Boot
     * Protocol"), which may be past struct setup_header; not the sentinel.
     */
    const uint32_t end = parsed.header_end < HEADER_END_MAX ? parsed.header_end : HEADER_END_MAX;
    if (end > SETUP_HEADER_OFFSET)
        __builtin_memcpy(reinterpret_cast<uint8_t*>(&bp) + SETUP_HEADER_OFFSET, image + SETUP_HEADER_OFFSET,
                         end - SETUP_HEADER_OFFSET);

    setup_header& hdr = bp.hdr;
    hdr.vid_mode = VID_MODE_NORMAL;
    hdr.type_of_loader = LOADER_TYPE_UNDEFINED;
    hdr.loadflags = uint8_t(parsed.hdr.loadflags & ~CAN_USE_HEAP);
    hdr.code32_start = lo32(plan.kernel);
    /* A lowered alignment is written back, or the decompressor rounds the runtime address up (head_64.S). */
    if (plan.relocatable && plan.kernel && parsed.hdr.kernel_alignment && plan.kernel % parsed.hdr.kernel_alignment)
        hdr.kernel_alignment = lo32(plan.kernel & (~plan.kernel + 1));
    hdr.cmd_line_ptr = lo32(in.cmd_line_ptr);
    bp.ext_cmd_line_ptr = hi32(in.cmd_line_ptr);
    const uint64_t ramdisk_size = in.ramdisk_image ? in.ramdisk_size : 0;
    hdr.ramdisk_image = lo32(in.ramdisk_image);
    bp.ext_ramdisk_image = hi32(in.ramdisk_image);
    hdr.ramdisk_size = lo32(ramdisk_size);
    bp.ext_ramdisk_size = hi32(ramdisk_size);
    hdr.hardware_subarch = X86_SUBARCH_PC;
    hdr.hardware_subarch_data = 0;
    hdr.setup_data = 0;                 /* the SETUP_E820_EXT node below, or no list */
    bp.acpi_rsdp_addr = in.acpi_rsdp_addr;

    /*
     * The memory view of the plan: BootState's map, reserved from
     * plan.memory_limit up; 128 entries in the zero page, the next in
     * the SETUP_E820_EXT node (one node, the list's only one).
     */
    const uint32_t ext_max = in.e820_ext ? in.e820_ext_max : 0;
    bool truncated;
    const uint32_t entries = e820_convert(
        in.memory_map, in.memory_map_count, plan.memory_limit, E820_MAX_ENTRIES_ZEROPAGE + ext_max, &truncated,
        [&](uint32_t i, const boot_e820_entry& e) {
            if (i < E820_MAX_ENTRIES_ZEROPAGE)
                bp.e820_table[i] = e;
            else
                __builtin_memcpy(in.e820_ext + offsetof(LinuxE820Ext, entries) +
                                     (i - E820_MAX_ENTRIES_ZEROPAGE) * sizeof(boot_e820_entry),
                                 &e, sizeof e);
        });
    bp.e820_entries = uint8_t(entries < E820_MAX_ENTRIES_ZEROPAGE ? entries : E820_MAX_ENTRIES_ZEROPAGE);
    if (entries > E820_MAX_ENTRIES_ZEROPAGE) {
        const setup_data node{0, SETUP_E820_EXT,
                              uint32_t((entries - E820_MAX_ENTRIES_ZEROPAGE) * sizeof(boot_e820_entry))};
        __builtin_memcpy(in.e820_ext, &node, sizeof node);
        hdr.setup_data = in.e820_ext_phys;
    }

    if (in.efi_systab)
        bp.efi_info = efi_info{EFI64_LOADER_SIGNATURE, lo32(in.efi_systab), in.efi_memdesc_size,
                               in.efi_memdesc_version, lo32(in.efi_memmap), in.efi_memmap_size,
                               hi32(in.efi_systab), hi32(in.efi_memmap)};
    if (in.bios)
        linux_fill_bios_params(bp, *in.bios);
}

} // namespace relboot
