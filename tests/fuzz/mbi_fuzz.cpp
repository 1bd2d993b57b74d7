/*
 * libFuzzer target for the MBI walker and the multiboot2 BootState filler:
 * arbitrary bytes as the MBI (the buffer is exactly as long as the input,
 * 8-byte aligned), at a physical address taken from the input's last 4
 * bytes.  ASan catches any read outside [mbi, mbi + size); a walk that
 * does not end is a time-out.
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

/*
 * The filler's invariants (mbi.h, boot_state.h, memory_map.h); a violation
 * traps.  mbi is the accepted MBI at phys.
 */
void check_filled(const BootState& bs, const BootTables& tables, PhysAddr tables_phys, const uint8_t* mbi,
                  uint64_t phys, const MbiScan& scan, const BootState& before)
{
    const uint32_t total = scan.total_size;
    if (bs.protocol != Protocol::multiboot2 || bs.info.value != phys || bs.info_size != total)
        __builtin_trap();
    if (bs.load_base != before.load_base || bs.image_size != before.image_size)
        __builtin_trap();
    if (bs.loader_base.value != (scan.tag21_present ? scan.tag21 : before.loader_base.value))
        __builtin_trap();
    if (bs.firmware != (scan.efi ? BootFirmware::efi : BootFirmware::bios))
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
    const uint32_t want_modules = scan.module_count < MODULES_MAX ? scan.module_count : MODULES_MAX;
    if (bs.module_count != want_modules || bool(bs.warnings & WARN_MODULES_TRUNCATED) != (scan.module_count > MODULES_MAX))
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
    if (scan.cmdline_present) {
        if (bs.cmdline.value != phys + scan.cmdline_offset || bs.cmdline_len != scan.cmdline_len ||
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

/* The walker's own checks over an MBI it accepted. */
void check_scan(const std::vector<uint8_t>& mbi, size_t n, uint32_t phys, const MbiScan& scan)
{
    if (scan.total_size > n || phys % 8 || uint64_t(phys) + scan.total_size > (uint64_t(1) << 32))
        __builtin_trap();
    if (scan.cmdline_present && scan.cmdline_offset + scan.cmdline_len >= scan.total_size)
        __builtin_trap();
    /* The walk's findings, checked again over the accepted MBI: the command line has its NUL. */
    if (scan.total_size < 16 || !scan.complete ||
        (scan.cmdline_present && !std::memchr(&mbi[scan.cmdline_offset], 0, scan.cmdline_len + 1)))
        __builtin_trap();
    uint32_t tags = 0, modules = 0;
    mbi_for_each_tag(mbi.data(), scan.total_size, [&](uint32_t, uint32_t type, uint32_t) {
        tags += type != 0;
        modules += type == 3;
    });
    if (tags != scan.tag_count || modules != scan.module_count)
        __builtin_trap();
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
    const MbiScan scan = mbi_scan(mbi.data(), phys, uint32_t(n));
    if (scan.error == MbiError::none)
        check_scan(mbi, n, phys, scan);
    else if (scan.error_offset % 8)
        __builtin_trap(); /* the fixed part (0) or a tag, and tags are 8-aligned */

    /* The filler on the same bytes: it must agree with the walk, and on error change nothing. */
    uint32_t word = 0;
    if (n >= 8)
        std::memcpy(&word, &mbi[4], 4);
    BootState bs{};
    bs.load_base = PhysAddr{word & ~uint32_t(0xfff)};
    bs.image_size = uint64_t(word & 0xfff) * 4096;
    const BootState before = bs;
    const auto tables = std::make_unique<BootTables>();   /* zeroed: any write shows */
    const PhysAddr tables_phys{bs.load_base.value + 0x10000};
    const MbiScan filled = boot_info_from_multiboot2(bs, *tables, tables_phys, mbi.data(), PhysAddr{phys}, uint32_t(n));
    if (filled.error != scan.error || filled.error_offset != scan.error_offset || filled.total_size != scan.total_size)
        __builtin_trap();
    if (filled.error == MbiError::none) {
        check_filled(bs, *tables, tables_phys, mbi.data(), phys, scan, before);
    } else {
        static const BootTables zero{};
        if (!same_bytes(&bs, &before, sizeof(bs)) || !same_bytes(tables.get(), &zero, sizeof(zero)))
            __builtin_trap();
    }

    const char* text = mbi_error_text(scan.error);
    if (!text[0] || (scan.error == MbiError::none) != (std::strcmp(text, "no error") == 0))
        __builtin_trap();
    return 0;
}
