/*
 * relboot's test loader: a multiboot1 kernel that loads relboot's ELF64
 * image (module 0) as a multiboot2 loader would, but at a base and with a
 * boot information structure (MBI) the test chooses, defects included:
 * the cases GRUB never produces.
 *
 *   qemu-system-x86_64 -kernel relboot-testloader.elf -initrd relboot.elf \
 *       -append "base=<hex>|top [defect=<name>] [-- <relboot command line>]"
 *
 * Steps: read the multiboot1 information (Multiboot 0.6.96, 3.3), parse
 * the options, check relboot's ELF headers, copy its PT_LOAD segments to
 * the base, build the MBI (Multiboot2 2.0, 3.6) with the chosen defect,
 * print what was done on COM1 and enter relboot as multiboot2 3.3 says.
 * Every failure of the loader itself prints "testloader: error: ..." and
 * ends with QEMU status 37 (console.h).
 */
#include "console.h"
#include "elf_image.h"
#include "mb2_spec.h"
#include "mbi_build.h"
#include "memory_map.h"
#include "multiboot1.h"
#include "options.h"
#include "testloader.h"

extern "C" void* memcpy(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    const auto* s = static_cast<const uint8_t*>(src);
    while (n--)
        *d++ = *s++;
    return dst;
}

extern "C" void* memset(void* dst, int c, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    while (n--)
        *d++ = uint8_t(c);
    return dst;
}

namespace testloader {
namespace {

/* Longest multiboot1 command line read (bytes, NUL included). */
constexpr uint32_t MB1_CMDLINE_MAX = 4096;
/* Alignment of base=top: the relocatable tag's default align (RELOC_ALIGN), what GRUB honours. */
constexpr uint32_t TOP_ALIGN = 0x200000;

/* The MBI's usual place: the loader's .bss, apart from the image and the module (+4 for mbi-misaligned). */
alignas(mb2::TAG_ALIGN) uint8_t mbi_home[MBI_BUILD_MAX + mb2::TAG_ALIGN];

/* The multiboot1 memory map (in .bss: 776 bytes would crowd the stack), and the one handed over. */
MemoryMap ram;
HandedMap handed;
/* QEMU's modules after relboot's image: passed on as multiboot2 modules 0, 1, ... */
PassedModule passed[PASS_MODULES_MAX];

bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

/* The multiboot1 command line, checked to end within MB1_CMDLINE_MAX bytes ("" without one). */
const char* mb1_cmdline(const mb1::Info& info, uint32_t* len)
{
    *len = 0;
    if (!(info.flags & MULTIBOOT1_INFO_CMDLINE))
        return "";
    const char* s = reinterpret_cast<const char*>(info.cmdline);
    while (*len < MB1_CMDLINE_MAX && s[*len])
        ++*len;
    if (*len == MB1_CMDLINE_MAX) {
        Line line = error();
        line.str("multiboot1 command line has no NUL within 4096 bytes");
        fail(line);
    }
    return s;
}

/* Module 0: relboot's ELF image, read in place. */
mb1::Module first_module(const mb1::Info& info)
{
    if (!(info.flags & MULTIBOOT1_INFO_MODS) || info.mods_count == 0) {
        Line line = error();
        line.str("no module: expected relboot's ELF image as module 0 (QEMU -initrd build/ebp/relboot.elf)");
        fail(line);
    }
    const auto mod = read_unaligned<mb1::Module>(info.mods_addr);
    if (mod.mod_end <= mod.mod_start) {
        Line line = error();
        line.str("module 0 is empty: mod_start=").hex(mod.mod_start).str(" mod_end=").hex(mod.mod_end);
        fail(line);
    }
    return mod;
}

/*
 * QEMU's modules 1.. (after relboot's image), copied out: their ranges,
 * and their strings without the first word, the file's path (QEMU gives
 * "<path> <args>").  More than PASS_MODULES_MAX, or a string longer than
 * MODULE_STRING_MAX: error and fail().  Returns how many.
 */
uint32_t other_modules(const mb1::Info& info)
{
    if (!(info.flags & MULTIBOOT1_INFO_MODS) || info.mods_count <= 1)
        return 0;
    if (info.mods_count - 1 > PASS_MODULES_MAX) {
        Line line = error();
        line.str("more than ").dec(PASS_MODULES_MAX).str(" modules after relboot's image");
        fail(line);
    }
    for (uint32_t m = 1; m < info.mods_count; ++m) {
        const auto mod = read_unaligned<mb1::Module>(info.mods_addr + m * sizeof(mb1::Module));
        PassedModule& p = passed[m - 1];
        p.mod_start = mod.mod_start;
        p.mod_end = mod.mod_end;
        const char* s = mod.string ? reinterpret_cast<const char*>(mod.string) : "";
        uint32_t len = 0;
        while (s[len] && len <= MODULE_STRING_MAX)
            ++len;
        uint32_t skip = 0;
        while (skip < len && s[skip] != ' ')
            ++skip;
        while (skip < len && s[skip] == ' ')
            ++skip;
        if (len - skip > MODULE_STRING_MAX) {
            Line line = error();
            line.str("module ").dec(m).str("'s string is longer than ").dec(MODULE_STRING_MAX).str(" bytes");
            fail(line);
        }
        p.string_len = len - skip;
        memcpy(p.string, s + skip, p.string_len);
    }
    return info.mods_count - 1;
}

/* The base: given, or the highest aligned one; the image must fit in RAM and spare the loader and the module. */
uint32_t choose_base(const Args& args, const MemoryMap& ram, const Image& img, const mb1::Module& mod)
{
    const uint32_t base = args.base_top ? ram.top_base(img.span, TOP_ALIGN) : args.base;
    if (base == 0 || !ram.fits(base, img.span)) {
        Line line = error();
        line.str("base ").hex(base).str(": image of ").hex(img.span);
        line.str(" bytes does not fit in available RAM below 4 GiB (multiboot1 memory map)");
        fail(line);
    }
    const uint32_t loader_start = uint32_t(reinterpret_cast<uintptr_t>(__loader_start));
    const uint32_t loader_size = uint32_t(reinterpret_cast<uintptr_t>(__loader_end)) - loader_start;
    if (overlaps(base, img.span, loader_start, loader_size) ||
        overlaps(base, img.span, mod.mod_start, mod.mod_end - mod.mod_start)) {
        Line line = error();
        line.str("base ").hex(base).str(": image [").hex(base).str(", +").hex(img.span);
        line.str(") would overwrite the loader [").hex(loader_start).str(", +").hex(loader_size);
        line.str(") or the module [").hex(mod.mod_start).str(", ").hex(mod.mod_end).str(")");
        fail(line);
    }
    return base;
}

/*
 * Where the MBI goes: mbi_home, 4 bytes past it for mbi-misaligned, or
 * for mbi-overlap the image's last bytes, 8-aligned.  The top of
 * relboot's image holds its stacks (.noinit) and page padding, which
 * relboot does not write before it checks where the MBI is, so the MBI is
 * intact when relboot looks at it.
 */
uint8_t* place_mbi(Defect defect, uint32_t base, const Image& img, const MbiBuilt& mbi)
{
    if (defect == Defect::mbi_misaligned)
        return mbi_home + 4;
    if (defect != Defect::mbi_overlap)
        return mbi_home;
    if (img.span < mbi.bytes + mb2::TAG_ALIGN) {
        Line line = error();
        line.str("defect=mbi-overlap: the image (").hex(img.span).str(" bytes) is smaller than the MBI");
        fail(line);
    }
    return reinterpret_cast<uint8_t*>((base + img.span - mbi.bytes) & ~uint32_t(mb2::TAG_ALIGN - 1));
}

/*
 * The multiboot1 and PVH cases: the structures in low memory (64 KiB from
 * OTHER_HOME, free RAM below the EBDA), relboot's entry from its own
 * multiboot1 header or Xen note in the loaded image.
 */
constexpr uint32_t OTHER_HOME = 0x10000;

void put32(uint32_t addr, uint32_t v) { memcpy(reinterpret_cast<void*>(addr), &v, 4); }
void put64(uint32_t addr, uint64_t v) { memcpy(reinterpret_cast<void*>(addr), &v, 8); }

/* The loaded image's multiboot1 entry_addr (its header in the first 8 KiB) or PVH note 18's address. */
uint32_t other_entry(uint32_t base, const Image& img, bool pvh)
{
    for (uint32_t off = 0; off + 32 <= img.span; off += 4) {
        const uint32_t* w = reinterpret_cast<const uint32_t*>(base + off);
        if (!pvh && off < 8192 && w[0] == MULTIBOOT1_HEADER_MAGIC && w[0] + w[1] + w[2] == 0)
            return w[7];
        if (pvh && w[0] == 4 && w[1] == 8 && w[2] == 18 && w[3] == 0x006e6558)   /* namesz, descsz, type, "Xen" */
            return w[4];
    }
    Line line = error();
    line.str(pvh ? "no XEN_ELFNOTE_PHYS32_ENTRY note" : "no multiboot1 header").str(" in the image");
    fail(line);
}

/* The byte that makes the len bytes at p sum to 0 (ACPI 6.5, 5.2.6), to store in their checksum field. */
uint8_t acpi_checksum(uint32_t p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; ++i)
        sum = uint8_t(sum + reinterpret_cast<const uint8_t*>(p)[i]);
    return uint8_t(-sum);
}

/*
 * ACPI tables of the loader's own at at (zeroed, 0x400 bytes free): an
 * RSDP of revision 0 (as SeaBIOS gives) -> an RSDT with one entry -> a
 * MADT with the count CPU entries cpus[] (ACPI 6.5, 5.2.5.3, 5.2.7,
 * 5.2.12.2 Processor Local APIC, 5.2.12.12 Processor Local x2APIC), each
 * with its index as ACPI processor UID.  bad_checksum: the MADT's checksum
 * is off by one.  Returns the RSDP's address.
 */
uint32_t build_acpi(uint32_t at, bool bad_checksum, const MadtCpuEntry* cpus, uint32_t count)
{
    const uint32_t rsdp = at, rsdt = at + 0x20, madt = at + 0x60;
    memcpy(reinterpret_cast<void*>(rsdp), "RSD PTR ", 8);
    put32(rsdp + 16, rsdt);                                     /* RsdtAddress; Revision 0 */
    reinterpret_cast<uint8_t*>(rsdp)[8] = acpi_checksum(rsdp, 20);
    memcpy(reinterpret_cast<void*>(rsdt), "RSDT", 4);
    put32(rsdt + 4, 36 + 4);                                    /* Length */
    put32(rsdt + 36, madt);                                     /* Entry[0] */
    reinterpret_cast<uint8_t*>(rsdt)[9] = acpi_checksum(rsdt, 40);
    memcpy(reinterpret_cast<void*>(madt), "APIC", 4);
    put32(madt + 36, 0xfee00000);                               /* Local Interrupt Controller Address */
    uint32_t length = 44;
    for (uint32_t cpu = 0; cpu < count; ++cpu) {
        uint8_t* e = reinterpret_cast<uint8_t*>(madt + length);
        e[0] = cpus[cpu].type;
        if (cpus[cpu].type == MADT_LOCAL_APIC) {                /* type, length 8, uid, APIC ID, flags */
            e[1] = 8;
            e[2] = uint8_t(cpu);
            e[3] = uint8_t(cpus[cpu].apic_id);
            put32(madt + length + 4, cpus[cpu].flags);
        } else {                                                /* type, length 16, reserved, x2APIC ID, flags, uid */
            e[1] = 16;
            put32(madt + length + 4, cpus[cpu].apic_id);
            put32(madt + length + 8, cpus[cpu].flags);
            put32(madt + length + 12, cpu);
        }
        length += e[1];
    }
    put32(madt + 4, length);
    reinterpret_cast<uint8_t*>(madt)[9] = uint8_t(acpi_checksum(madt, length) + (bad_checksum ? 1 : 0));
    return rsdp;
}

[[noreturn]] void enter_other(const Args& args, uint32_t base, const Image& img)
{
    const bool pvh = defect_is_pvh(args.defect);
    if (base != img.link_low) {
        Line line = error();
        line.str("defect=").str(DEFECT_NAMES[uint32_t(args.defect)]).str(" needs base=").hex(img.link_low);
        line.str(" (multiboot1 and PVH load at the link address)");
        fail(line);
    }
    const uint32_t info = OTHER_HOME, cmdline = OTHER_HOME + 0x100, map = OTHER_HOME + 0x800;
    memset(reinterpret_cast<void*>(OTHER_HOME), 0, 0x1000);
    /* Multiboot1 loaders put the image's name first (GRUB, QEMU, iPXE); relboot skips it. */
    const char name[] = "relboot.elf ";
    const uint32_t skip = pvh ? 0 : sizeof(name) - 1;
    memcpy(reinterpret_cast<void*>(cmdline), name, skip);
    memcpy(reinterpret_cast<void*>(cmdline + skip), args.cmdline, args.cmdline_len);   /* NUL from the memset */
    uint32_t eax = 0x2badb002;
    if (!pvh) {
        /* The memory map, size-prefixed entries of 20 bytes. */
        for (uint32_t i = 0; i < ram.count; ++i) {
            put32(map + 24 * i, args.defect == Defect::mb1_mmap_size_small && i == 1 ? 12 : 20);
            put64(map + 24 * i + 4, ram.entries[i].base_addr);
            put64(map + 24 * i + 12, ram.entries[i].length);
            put32(map + 24 * i + 20, ram.entries[i].type);
        }
        uint32_t flags = MULTIBOOT1_INFO_CMDLINE | MULTIBOOT1_INFO_MEM_MAP;
        put32(info + 16, cmdline);
        if (args.defect == Defect::mb1_cmdline_no_nul) {
            memset(reinterpret_cast<void*>(OTHER_HOME + 0x1000), 'x', 0x10000);
            put32(info + 16, OTHER_HOME + 0x1000);
        }
        put32(info + 44, 24 * ram.count);
        put32(info + 48, map);
        if (args.defect == Defect::mb1_mods_outside) {
            flags |= MULTIBOOT1_INFO_MODS;
            put32(info + 20, 2);
            put32(info + 24, 0xfffffff0);
        }
        put32(info, flags);
        if (args.defect == Defect::mb1_bad_magic)
            eax = mb2::BOOTLOADER_MAGIC;
    } else {
        for (uint32_t i = 0; i < ram.count; ++i) {
            put64(map + 24 * i, ram.entries[i].base_addr);
            put64(map + 24 * i + 8, ram.entries[i].length);
            put32(map + 24 * i + 16, ram.entries[i].type);
        }
        put32(info, args.defect == Defect::pvh_bad_magic ? 0x2badb002 : 0x336ec578);   /* magic */
        put32(info + 4, 1);                                                             /* version */
        put64(info + 24, cmdline);                                                      /* cmdline_paddr */
        if (args.defect == Defect::pvh_madt || args.defect == Defect::pvh_madt_checksum ||
            args.defect == Defect::pvh_madt_ghost) {                                    /* rsdp_paddr */
            /* The defect's own CPUs (local APICs 0 and 1, enabled; 7 too for ghost), unless madt= gave others. */
            const MadtCpuEntry own[] = {{MADT_LOCAL_APIC, 0, 1}, {MADT_LOCAL_APIC, 1, 1}, {MADT_LOCAL_APIC, 7, 1}};
            const bool given = args.madt_count != 0;
            const uint32_t count = given ? args.madt_count : args.defect == Defect::pvh_madt_ghost ? 3 : 2;
            put64(info + 32, build_acpi(OTHER_HOME + 0xc00, args.defect == Defect::pvh_madt_checksum,
                                        given ? args.madt : own, count));
        }
        put64(info + 40, args.defect == Defect::pvh_memmap_outside ? 0xfffffff0 : map); /* memmap_paddr */
        put32(info + 48, ram.count);                                                    /* memmap_entries */
        eax = 0;
    }
    const uint32_t entry = other_entry(base, img, pvh);
    Line().str("cmdline ").quoted(args.cmdline, args.cmdline_len).end();
    Line line;
    line.str("base=").hex(base).str(" entry=").hex(entry).str(" info=").hex(info);
    line.str(" defect=").str(DEFECT_NAMES[uint32_t(args.defect)]).end();
    loader_enter(entry, eax, info);
}

} // namespace
} // namespace testloader

using namespace testloader;

extern "C" [[noreturn]] void loader_main(uint32_t magic, uint32_t info_addr)
{
    com1.init();
    if (magic != MULTIBOOT1_BOOTLOADER_MAGIC) {
        Line line = error();
        line.str("entered with EAX=").hex(magic).str(": expected the multiboot1 magic 0x2badb002 (QEMU -kernel)");
        fail(line);
    }
    const auto info = read_unaligned<mb1::Info>(info_addr);
    const uint32_t need = MULTIBOOT1_INFO_MEMORY | MULTIBOOT1_INFO_MEM_MAP;
    if ((info.flags & need) != need) {
        Line line = error();
        line.str("multiboot1 flags=").hex(info.flags).str(": expected mem_lower/mem_upper and a memory map (bits 0 and 6)");
        fail(line);
    }

    /* Everything needed from the multiboot1 area is copied out first: the image may cover it. */
    uint32_t args_len;
    const char* args_text = mb1_cmdline(info, &args_len);
    Line().str("args ").quoted(args_text, args_len).end();
    const Args args = parse_args(args_text);
    read_memory_map(info, &ram);
    const mb1::Module mod = first_module(info);
    const uint32_t passed_count = other_modules(info);

    const Image img = inspect_image(mod.mod_start, mod.mod_end - mod.mod_start);
    Line().str("image module=").hex(mod.mod_start).str("-").hex(mod.mod_end).str(" link=").hex(img.link_low)
        .str(" size=").hex(img.span).end();
    const uint32_t base = choose_base(args, ram, img, mod);
    for (uint32_t m = 0; m < passed_count; ++m) {
        if (overlaps(base, img.span, passed[m].mod_start, passed[m].mod_end - passed[m].mod_start)) {
            Line line = error();
            line.str("base ").hex(base).str(": the image would overwrite module ").dec(m).str(" [");
            line.hex(passed[m].mod_start).str(", ").hex(passed[m].mod_end).str(")");
            fail(line);
        }
    }
    load_image(mod.mod_start, img, base);
    if (defect_is_mb1(args.defect) || defect_is_pvh(args.defect))
        enter_other(args, base, img);

    split_memory_map(ram, args.split_count, args.split_size, args.split_holes, &handed);
    const MbiBuilt mbi = build_mbi({&args, base, &handed, info.mem_lower, info.mem_upper, mod.mod_start, mod.mod_end,
                                    passed, passed_count});
    uint8_t* const dst = place_mbi(args.defect, base, img, mbi);
    memcpy(dst, mbi.data, mbi.bytes);
    for (uint32_t m = 0; m < passed_count; ++m) {
        Line line;
        line.str("module ").dec(m).str(" start=").hex(passed[m].mod_start).str(" end=").hex(passed[m].mod_end);
        line.str(" ").quoted(passed[m].string, passed[m].string_len).end();
    }
    if (args.split_count || args.efi_mmap)
        Line().str("memory map tag=").dec(mbi.map_tag).str(" entries=").dec(mbi.map_entries).end();

    const uint32_t entry = base + (img.entry_link - img.link_low);
    const uint32_t mbi_addr = uint32_t(reinterpret_cast<uintptr_t>(dst));
    Line().str("cmdline ").quoted(args.cmdline, args.cmdline_len).end();
    Line line;
    line.str("base=").hex(base).str(" entry=").hex(entry).str(" mbi=").hex(mbi_addr).str(" size=").hex(mbi.bytes);
    line.str(" total_size=").hex(mbi.total_size).str(" defect=").str(DEFECT_NAMES[uint32_t(args.defect)]);
    if (mbi.has_defect_offset)
        line.str(" offset=").hex(mbi.defect_offset);
    line.end();

    loader_enter(entry, args.defect == Defect::bad_magic ? MULTIBOOT1_BOOTLOADER_MAGIC : mb2::BOOTLOADER_MAGIC,
                 mbi_addr);
}
