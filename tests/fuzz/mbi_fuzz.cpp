/*
 * libFuzzer target for the one MBI walk, the multiboot2 early step that
 * runs it and the BootState filler that reads what it recorded: arbitrary
 * bytes as the MBI (the buffer is exactly as long as the input, 8-byte
 * aligned), at a physical address taken from the input's last 4 bytes.
 * ASan catches any read outside [mbi, mbi + size); a walk that does not
 * end is a time-out.
 *
 * The filler also needs relboot's image: its load base and size come from
 * the MBI's reserved word (bytes 4..7, which the walker ignores), so the
 * input format stays the walker's: load_base = word & ~0xfff (below 4 GiB,
 * as multiboot2 loads it), image_size = (word & 0xfff) pages.
 */
#include "protocol/mbi.h"

#include "info_window.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

using namespace relboot;

namespace {

bool same_bytes(const void* a, const void* b, size_t n)
{
    return std::memcmp(a, b, n) == 0;
}

/* Whether [at, at + len) lies inside the MBI [phys, phys + total). */
bool inside(PhysAddr at, uint64_t len, uint64_t phys, uint32_t total)
{
    return at.value >= phys && at.value - phys <= total && len <= total - (at.value - phys);
}

/* The physical window [phys, phys + size) on the input's bytes, as PhysMemory. */
struct MbiWindow {
    const uint8_t* bytes;
    uint64_t phys, size;

    PhysMemory memory() const
    {
        return PhysMemory{[](const void* ctx, uint64_t at, uint64_t len) -> const uint8_t* {
                              const MbiWindow& w = *static_cast<const MbiWindow*>(ctx);
                              return at >= w.phys && at - w.phys <= w.size && len <= w.size - (at - w.phys)
                                         ? w.bytes + (at - w.phys)
                                         : nullptr;
                          },
                          this};
    }
};

bool same_text(const char* a, const char* b)
{
    return a == b || (a && b && std::strcmp(a, b) == 0);
}

/*
 * The same error line, but for the limit of "readable": the early step
 * cannot know how many bytes its window holds, the walk on the buffer can.
 */
bool same_error(const BootError& a, const BootError& b)
{
    const bool readable = same_text(a.limit_name, "readable");
    return same_text(a.subject, b.subject) && same_text(a.field, b.field) && a.found == b.found && a.at == b.at &&
           same_text(a.expected, b.expected) && same_text(a.limit_name, b.limit_name) && (readable || a.limit == b.limit);
}

/*
 * The filler's invariants (mbi.h, boot_state.h, memory_map.h); a violation
 * traps.  mbi is the accepted MBI at phys.
 */
void check_filled(const BootState& bs, const BootTables& tables, PhysAddr tables_phys, const uint8_t* mbi,
                  uint64_t phys, const MbiScan& scan, const MbiIndex& index, const BootState& before)
{
    const uint32_t total = scan.total_size;
    if (bs.protocol != Protocol::multiboot2 || bs.info.value != phys || bs.info_size != total)
        __builtin_trap();
    /* The early step's index is the walk's (counts, offsets and the modules it holds). */
    const uint32_t held = index.module_count < MODULES_MAX ? index.module_count : MODULES_MAX;
    if (std::memcmp(&bs.mbi, &index, offsetof(MbiIndex, modules)) ||
        std::memcmp(bs.mbi.modules, index.modules, held * sizeof(uint32_t)))
        __builtin_trap();
    if (bs.load_base != before.load_base || bs.image_size != before.image_size)
        __builtin_trap();
    const uint64_t tag21 = index.load_base_addr ? load_as<mb2::TagLoadBaseAddr>(mbi + index.load_base_addr).load_base_addr
                                                : before.loader_base.value;
    if (bs.loader_base.value != tag21)
        __builtin_trap();
    if (bs.firmware != (index.efi32 || index.efi64 ? BootFirmware::efi : BootFirmware::bios))
        __builtin_trap();
    if (bs.memory_map != tables_phys + offsetof(BootTables, memory_map) ||
        bs.modules != tables_phys + offsetof(BootTables, modules))
        __builtin_trap();

    fuzz::check_memory_map(bs, tables);
    /* In-use types only where relboot put them: the image, the MBI, a kept module. */
    for (uint32_t i = 0; i < bs.memory_map_count; ++i) {
        const MemoryRange& r = tables.memory_map[i];
        bool ok = true;
        if (r.type == MemoryType::relboot)
            ok = r.base.value >= bs.load_base.value && r.base.value + r.size <= bs.load_base.value + bs.image_size;
        else if (r.type == MemoryType::boot_data)
            ok = inside(r.base, r.size, phys, total);
        else if (r.type == MemoryType::module) {
            /* Adjacent modules merge: walk the range through the modules that cover it. */
            uint64_t at = r.base.value;
            for (bool progress = true; at < r.base.value + r.size && progress;) {
                progress = false;
                for (uint32_t m = 0; m < bs.module_count; ++m) {
                    const BootModule& mod = tables.modules[m];
                    if (mod.start.value <= at && at < mod.end.value) {
                        at = mod.end.value;
                        progress = true;
                    }
                }
            }
            ok = at >= r.base.value + r.size;
        }
        if (!ok)
            __builtin_trap();
    }

    /* Modules: in the loader's order, at most MODULES_MAX, strings inside the MBI and NUL-terminated. */
    const uint32_t want_modules = index.module_count < MODULES_MAX ? index.module_count : MODULES_MAX;
    if (bs.module_count != want_modules || bool(bs.warnings & WARN_MODULES_TRUNCATED) != (index.module_count > MODULES_MAX))
        __builtin_trap();
    for (uint32_t m = 0; m < bs.module_count; ++m) {
        const BootModule& mod = tables.modules[m];
        if (mod.start.value > mod.end.value || !inside(mod.string, uint64_t(mod.string_len) + 1, phys, total))
            __builtin_trap();
        const uint8_t* s = mbi + (mod.string.value - phys);
        if (s[mod.string_len] != 0 || std::memchr(s, 0, mod.string_len))
            __builtin_trap();
    }

    /* The command line: the first tag 1, its NUL within cmdline_len + 1 bytes of the MBI. */
    if (index.cmdline) {
        if (bs.cmdline.value != phys + index.cmdline + 8 ||
            !inside(bs.cmdline, uint64_t(bs.cmdline_len) + 1, phys, total) ||
            !std::memchr(mbi + (bs.cmdline.value - phys), 0, bs.cmdline_len + 1))
            __builtin_trap();
    } else if (bs.cmdline != before.cmdline || bs.cmdline_len != before.cmdline_len) {
        __builtin_trap();
    }

    /* The ACPI copy and the EFI memory map point into the MBI. */
    if (bs.acpi_rsdp_copy.present() && (bs.acpi_rsdp_copy_len == 0 ||
                                        !inside(bs.acpi_rsdp_copy, bs.acpi_rsdp_copy_len, phys, total)))
        __builtin_trap();
    if (bs.efi_mmap.present() && (!inside(bs.efi_mmap, bs.efi_mmap_size, phys, total) ||
                                  bs.efi_mmap_desc_size < 40 || bs.efi_mmap_desc_size % 8))
        __builtin_trap();
}

/* The walker's own checks over an MBI it accepted: mbi_for_each_tag() sees what the index says. */
void check_scan(const std::vector<uint8_t>& mbi, size_t n, uint32_t phys, const MbiScan& scan, const MbiIndex& index)
{
    if (scan.total_size > n || scan.total_size < 16 || phys % 8 || uint64_t(phys) + scan.total_size > (uint64_t(1) << 32))
        __builtin_trap();
    uint32_t tags = 0, modules = 0, first[22] = {};
    mbi_for_each_tag(mbi.data(), scan.total_size, [&](uint32_t off, uint32_t type, uint32_t size) {
        tags += type != 0;
        if (type == MULTIBOOT2_TAG_TYPE_MODULE) {
            if (modules < MODULES_MAX && index.modules[modules] != off)
                __builtin_trap();
            ++modules;
        }
        /* The ACPI tags are indexed only when they hold a copy. */
        const bool counts = (type != MULTIBOOT2_TAG_TYPE_ACPI_OLD && type != MULTIBOOT2_TAG_TYPE_ACPI_NEW) || size > 8;
        if (type < 22 && !first[type] && counts)
            first[type] = off;
    });
    if (tags != scan.tag_count || modules != index.module_count)
        __builtin_trap();
    if (index.load_base_addr != first[MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR] || index.cmdline != first[MULTIBOOT2_TAG_TYPE_CMDLINE] ||
        index.mmap != first[MULTIBOOT2_TAG_TYPE_MMAP] || index.efi32 != first[MULTIBOOT2_TAG_TYPE_EFI32] ||
        index.efi64 != first[MULTIBOOT2_TAG_TYPE_EFI64] || index.acpi_old != first[MULTIBOOT2_TAG_TYPE_ACPI_OLD] ||
        index.acpi_new != first[MULTIBOOT2_TAG_TYPE_ACPI_NEW] || index.efi_mmap != first[MULTIBOOT2_TAG_TYPE_EFI_MMAP])
        __builtin_trap();
    /* The command line has its NUL within its tag. */
    if (index.cmdline) {
        const uint32_t size = load_as<mb2::Tag>(&mbi[index.cmdline]).size;
        if (!std::memchr(&mbi[index.cmdline + 8], 0, size - 8))
            __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 4 || size > MBI_MAX_SIZE)
        return 0;
    uint32_t phys;
    std::memcpy(&phys, data + size - 4, 4);
    const size_t n = size - 4;
    /* An exact-size heap copy: ASan flags even a one-byte overread. */
    std::vector<uint8_t> mbi(data, data + n);
    MbiIndex index;
    const MbiScan scan = mbi_scan(mbi.data(), phys, uint32_t(n), index);
    if (scan.error.ok()) {
        check_scan(mbi, n, phys, scan, index);
    } else {
        /* One line's worth: subject, field, expectation; at the MBI or one of its 8-aligned tags. */
        const BootError& e = scan.error;
        if (!e.subject || !e.field || !e.expected || e.at < phys || (e.at - phys) % 8 || e.at - phys >= n + 8)
            __builtin_trap();
    }

    /*
     * The early step on the same bytes, through a window at phys: it
     * agrees with the walk (the window maps what the buffer holds), and a
     * refusal sets nothing but a sound command line before the fault.
     */
    uint32_t word = 0;
    if (n >= 8)
        std::memcpy(&word, &mbi[4], 4);
    BootState bs{};
    bs.load_base = PhysAddr{word & ~uint32_t(0xfff)};
    bs.image_size = uint64_t(word & 0xfff) * 4096;
    const BootState before = bs;
    const MbiWindow window{mbi.data(), phys, n};
    const BootError early = multiboot2_early(bs, window.memory(), PhysAddr{phys});
    if (n >= 8 && !same_error(early, scan.error))
        __builtin_trap();
    if (!early.ok()) {
        BootState want = before;
        want.mbi = bs.mbi;      /* the walk's scratch */
        if (index.cmdline) {
            want.cmdline = PhysAddr{uint64_t(phys) + index.cmdline + 8};
            want.cmdline_len = load_as<mb2::Tag>(&mbi[index.cmdline]).size - 9;
        }
        if (!same_bytes(&bs, &want, sizeof bs))
            __builtin_trap();
        return 0;
    }

    /* The filler on what the early step recorded. */
    const auto tables = std::make_unique<BootTables>();   /* zeroed: any write shows */
    const PhysAddr tables_phys{bs.load_base.value + 0x10000};
    const BootError filled = boot_info_from_multiboot2(bs, FillContext{tables.get(), tables_phys, window.memory(), PhysAddr{0}});
    if (!filled.ok())
        __builtin_trap();   /* an MBI the walk accepted fills */
    check_filled(bs, *tables, tables_phys, mbi.data(), phys, scan, index, before);
    return 0;
}
