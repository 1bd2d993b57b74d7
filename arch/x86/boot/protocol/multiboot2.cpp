/*
 * The multiboot2 protocol (Multiboot2 Specification 2.0): the MBI walker
 * that checks the structure, the 32-bit stage's early step and the
 * BootState filler.  Everything relboot reads from an MBI is read here.
 */
#include <relboot/spec/efi.h>
#include "protocol/info_read.h"
#include "protocol/mbi.h"
#include "platform/memory_map.h"
#include <relboot/spec/multiboot2.h>

namespace relboot {

namespace {

uint32_t read32(const uint8_t* p)
{
    /* A copy, not a cast: no alignment or aliasing assumption; one load on x86. */
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

/*
 * Whether [s, s+max) (max >= 1) holds a NUL.  Loaders end the string with
 * it, so the last byte is checked first: O(1) for every well-formed tag.
 */
bool has_nul(const uint8_t* s, uint32_t max)
{
    if (s[max - 1] == 0)
        return true;
    for (uint32_t n = 0; n < max; ++n)
        if (s[n] == 0)
            return true;
    return false;
}

MbiScan fail(MbiScan scan, MbiError error, uint32_t offset, uint32_t value)
{
    scan.error = error;
    scan.error_offset = offset;
    scan.error_value = value;
    return scan;
}

} // namespace

MbiScan mbi_scan(const uint8_t* mbi, uint64_t mbi_phys, uint32_t available, MbiWalk walk)
{
    MbiScan scan{};
    if (mbi_phys % MULTIBOOT2_TAG_ALIGN)
        return fail(scan, MbiError::misaligned, 0, uint32_t(mbi_phys));
    if (available < sizeof(mb2::Fixed))
        return fail(scan, MbiError::total_size_small, 0, available);

    const uint32_t total = read32(mbi);
    scan.total_size = total;
    if (total < sizeof(mb2::Fixed) + sizeof(mb2::Tag))
        return fail(scan, MbiError::total_size_small, 0, total);
    if (total > MBI_MAX_SIZE || mbi_phys + total > (uint64_t(1) << 32))
        return fail(scan, MbiError::total_size_large, 0, total);
    if (total > available)
        return fail(scan, MbiError::total_size_large, 0, total);

    /*
     * One pass, in the measured boot path: a tag of a type relboot does not
     * use costs a load of type and size, three compares and the step.
     */
    uint32_t off = sizeof(mb2::Fixed);
    for (;;) {
        /* Here off is 8-aligned and off <= total. */
        if (total - off < sizeof(mb2::Tag))
            return fail(scan, MbiError::no_end_tag, off, total);
        const uint8_t* tag = mbi + off;
        const uint32_t type = read32(tag);
        const uint32_t size = read32(tag + 4);
        if (size < sizeof(mb2::Tag))
            return fail(scan, MbiError::tag_size_small, off, size);
        if (size > total - off)
            return fail(scan, MbiError::tag_overrun, off, size);

        switch (type) {
        case MULTIBOOT2_TAG_TYPE_END:
            if (size != sizeof(mb2::Tag))
                return fail(scan, MbiError::tag_size_small, off, size);
            scan.complete = true;
            return scan;
        case MULTIBOOT2_TAG_TYPE_CMDLINE: {
            if (size < sizeof(mb2::TagString) + 1)
                return fail(scan, MbiError::tag_size_small, off, size);
            const uint32_t max = size - sizeof(mb2::TagString);
            if (!has_nul(tag + sizeof(mb2::TagString), max))
                return fail(scan, MbiError::string_unterminated, off, size);
            if (!scan.cmdline_present) {
                scan.cmdline_present = true;
                scan.cmdline_offset = off + sizeof(mb2::TagString);
                scan.cmdline_len = max - 1;
            }
            break;
        }
        case MULTIBOOT2_TAG_TYPE_BOOT_LOADER_NAME:
            if (size < sizeof(mb2::TagString) + 1)
                return fail(scan, MbiError::tag_size_small, off, size);
            break;
        case MULTIBOOT2_TAG_TYPE_MODULE: {
            if (size < sizeof(mb2::TagModule) + 1)
                return fail(scan, MbiError::tag_size_small, off, size);
            if (read32(tag + 8) > read32(tag + 12))
                return fail(scan, MbiError::module_range, off, read32(tag + 8));
            if (!has_nul(tag + sizeof(mb2::TagModule), size - sizeof(mb2::TagModule)))
                return fail(scan, MbiError::string_unterminated, off, size);
            ++scan.module_count;
            break;
        }
        case MULTIBOOT2_TAG_TYPE_MMAP: {
            if (size < sizeof(mb2::TagMmap))
                return fail(scan, MbiError::tag_size_small, off, size);
            const uint32_t entry_size = read32(tag + 8);
            if (entry_size < sizeof(mb2::MmapEntry) || entry_size % 8)
                return fail(scan, MbiError::mmap_entry_size, off, entry_size);
            if ((size - sizeof(mb2::TagMmap)) % entry_size)
                return fail(scan, MbiError::mmap_overrun, off, size);
            break;
        }
        case MULTIBOOT2_TAG_TYPE_EFI_MMAP: {
            if (size < sizeof(mb2::TagEfiMmap))
                return fail(scan, MbiError::tag_size_small, off, size);
            const uint32_t descr_size = read32(tag + 8);
            if (descr_size < sizeof(efi::MemoryDescriptor) || descr_size % 8)
                return fail(scan, MbiError::efi_mmap_descr_size, off, descr_size);
            break;
        }
        case MULTIBOOT2_TAG_TYPE_ACPI_OLD:
        case MULTIBOOT2_TAG_TYPE_ACPI_NEW:
            break;   /* a copy of any length: the ACPI search checks it before use */
        case MULTIBOOT2_TAG_TYPE_EFI32:
        case MULTIBOOT2_TAG_TYPE_EFI64:
            if (size < (type == MULTIBOOT2_TAG_TYPE_EFI32 ? sizeof(mb2::TagEfi32) : sizeof(mb2::TagEfi64)))
                return fail(scan, MbiError::tag_size_small, off, size);
            scan.efi = true;
            break;
        case MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR:
            if (size < sizeof(mb2::TagLoadBaseAddr))
                return fail(scan, MbiError::tag_size_small, off, size);
            if (!scan.tag21_present) {
                scan.tag21_present = true;
                scan.tag21 = read32(tag + 8);
            }
            break;
        default:
            break;
        }
        ++scan.tag_count;
        if (walk == MbiWalk::early && scan.tag21_present && scan.cmdline_present)
            return scan;

        /* Next tag: size rounded up to 8; size <= total - off, so this cannot wrap. */
        const uint32_t step = mbi_tag_step(size);
        if (step > total - off)
            return fail(scan, MbiError::no_end_tag, off, total);
        off += step;
    }
}

const char* mbi_error_text(MbiError error)
{
    switch (error) {
    case MbiError::none:
        return "no error";
    case MbiError::misaligned:
        return "MBI address is not 8-byte aligned (multiboot2 3.6.2 requires 8)";
    case MbiError::total_size_small:
        return "MBI total_size is below 16 (expected the 8-byte fixed part and an end tag)";
    case MbiError::total_size_large:
        return "MBI total_size is larger than 1 MiB or runs past 4 GiB";
    case MbiError::tag_size_small:
        return "MBI tag size is below the minimum for its type (expected at least 8)";
    case MbiError::tag_overrun:
        return "MBI tag runs past total_size";
    case MbiError::no_end_tag:
        return "MBI has no end tag (type 0, size 8) within total_size";
    case MbiError::string_unterminated:
        return "MBI string (command line or module) has no NUL within its tag";
    case MbiError::mmap_entry_size:
        return "MBI memory map entry_size is below 24 or not a multiple of 8";
    case MbiError::mmap_overrun:
        return "MBI memory map entries do not fill their tag exactly";
    case MbiError::module_range:
        return "MBI module has mod_start above mod_end";
    case MbiError::efi_mmap_descr_size:
        return "MBI EFI memory map descr_size is below 40 or not a multiple of 8";
    }
    return "unknown MBI error";
}

namespace {

/*
 * What both steps take from the walk: the MBI itself, the first tag 21 and
 * the first tag 1 (as the walk found them, so that the filler agrees with
 * the early step whatever BootState held before).
 */
void set_from_scan(BootState& bs, const MbiScan& scan, PhysAddr mbi_phys)
{
    bs.protocol = Protocol::multiboot2;
    bs.info = mbi_phys;
    bs.info_size = scan.total_size;
    if (scan.tag21_present)
        bs.loader_base = PhysAddr{scan.tag21};
    if (scan.cmdline_present) {
        bs.cmdline = mbi_phys + scan.cmdline_offset;
        bs.cmdline_len = scan.cmdline_len;
    }
}

} // namespace

MbiScan multiboot2_early(BootState& bs, const uint8_t* mbi, uint32_t mbi_phys)
{
    const MbiScan scan = mbi_scan(mbi, mbi_phys, MBI_MAX_SIZE, MbiWalk::early);
    if (scan.error != MbiError::none)
        return scan;
    set_from_scan(bs, scan, PhysAddr{mbi_phys});
    return scan;
}

namespace {

/* EFI_MEMORY_TYPE after ExitBootServices() as a BootState type (UEFI 2.10, 7.2, table 7-6). */
MemoryType from_efi_type(uint32_t type)
{
    switch (type) {
    case efi::LOADER_CODE:
    case efi::LOADER_DATA:
    case efi::BOOT_SERVICES_CODE:
    case efi::BOOT_SERVICES_DATA:
    case efi::CONVENTIONAL_MEMORY:
        return MemoryType::usable;
    case efi::ACPI_RECLAIM_MEMORY:
        return MemoryType::acpi_reclaimable;
    case efi::ACPI_MEMORY_NVS:
        return MemoryType::acpi_nvs;
    case efi::UNUSABLE_MEMORY:
        return MemoryType::bad;
    default:
        return MemoryType::reserved;
    }
}

uint64_t read64(const uint8_t* p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

/* Bytes of the NUL-terminated string at s, at most max (the walk checked that a NUL is there). */
uint32_t string_length(const uint8_t* s, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && s[n])
        ++n;
    return n;
}

} // namespace

MbiScan boot_info_from_multiboot2(BootState& bs, BootTables& tables, PhysAddr tables_phys, const uint8_t* mbi,
                                  PhysAddr mbi_phys, uint32_t available, const EfiFinalMap* efi_final)
{
    /* Decide first: the whole MBI is checked before anything is taken from it. */
    const MbiScan scan = mbi_scan(mbi, mbi_phys.value, available, MbiWalk::full);
    if (scan.error != MbiError::none)
        return scan;

    set_from_scan(bs, scan, mbi_phys);
    bs.firmware = BootFirmware::bios;
    uint32_t raw = 0, modules = 0;
    bool mmap_seen = false;
    const uint8_t* efi_mmap = nullptr;
    uint32_t efi_mmap_size = 0, acpi_rank = 0;
    /* Tag fields sit at their offsets in the spec's layouts (multiboot2.h); read by copy, no alignment assumed. */
    mbi_for_each_tag(mbi, scan.total_size, [&](uint32_t off, uint32_t type, uint32_t size) {
        const uint8_t* tag = mbi + off;
        const PhysAddr at = mbi_phys + off;
        switch (type) {
        case MULTIBOOT2_TAG_TYPE_MODULE: {
            if (modules == MODULES_MAX) {
                bs.warnings |= WARN_MODULES_TRUNCATED;
                break;
            }
            const uint32_t max = size - sizeof(mb2::TagModule);
            const uint32_t len = string_length(tag + sizeof(mb2::TagModule), max);
            tables.modules[modules++] = BootModule{PhysAddr{read32(tag + 8)}, PhysAddr{read32(tag + 12)},
                                                   at + sizeof(mb2::TagModule), len, 0};
            break;
        }
        case MULTIBOOT2_TAG_TYPE_MMAP: {
            if (efi_final)
                break;      /* the final EFI map replaces it */
            mmap_seen = true;
            const uint32_t entry_size = read32(tag + 8);
            for (uint32_t e = sizeof(mb2::TagMmap); e + entry_size <= size; e += entry_size) {
                if (!raw_range_add(bs, tables, &raw, read64(tag + e), read64(tag + e + 8),
                                   MemoryType(read32(tag + e + 16))))
                    break;
            }
            break;
        }
        case MULTIBOOT2_TAG_TYPE_EFI32:
            bs.firmware = BootFirmware::efi;
            bs.efi_system_table = PhysAddr{read32(tag + 8)};
            bs.efi_64 = 0;
            break;
        case MULTIBOOT2_TAG_TYPE_EFI64:
            bs.firmware = BootFirmware::efi;
            bs.efi_system_table = PhysAddr{read64(tag + 8)};
            bs.efi_64 = 1;
            break;
        case MULTIBOOT2_TAG_TYPE_EFI_MMAP:
            if (efi_final)
                break;
            efi_mmap = tag + sizeof(mb2::TagEfiMmap);
            efi_mmap_size = size - sizeof(mb2::TagEfiMmap);
            bs.efi_mmap = at + sizeof(mb2::TagEfiMmap);
            bs.efi_mmap_size = efi_mmap_size;
            bs.efi_mmap_desc_size = read32(tag + 8);
            bs.efi_mmap_desc_version = read32(tag + 12);
            break;
        case MULTIBOOT2_TAG_TYPE_ACPI_OLD:
        case MULTIBOOT2_TAG_TYPE_ACPI_NEW: {
            /* The new copy (tag 15) is preferred over the old one (tag 14), whatever their order. */
            const uint32_t rank = type == MULTIBOOT2_TAG_TYPE_ACPI_NEW ? 2 : 1;
            if (rank > acpi_rank && size > sizeof(mb2::TagAcpi)) {
                acpi_rank = rank;
                bs.acpi_rsdp_copy = at + sizeof(mb2::TagAcpi);
                bs.acpi_rsdp_copy_len = size - sizeof(mb2::TagAcpi);
            }
            break;
        }
        default:
            break;
        }
    });

    if (efi_final) {
        efi_mmap = efi_final->descriptors;
        efi_mmap_size = efi_final->size;
        bs.efi_mmap = efi_final->phys;
        bs.efi_mmap_size = efi_final->size;
        bs.efi_mmap_desc_size = efi_final->desc_size;
        bs.efi_mmap_desc_version = efi_final->desc_version;
    }

    /* Without a multiboot2 memory map, the EFI one (descriptor types converted). */
    if (!mmap_seen && efi_mmap) {
        for (uint32_t d = 0; d + bs.efi_mmap_desc_size <= efi_mmap_size; d += bs.efi_mmap_desc_size) {
            const uint8_t* desc = efi_mmap + d;
            const uint64_t pages = read64(desc + 24);
            const uint64_t bytes = pages > PHYS_END_MAX / efi::PAGE_SIZE ? PHYS_END_MAX : pages * efi::PAGE_SIZE;
            if (!raw_range_add(bs, tables, &raw, read64(desc + 8), bytes, from_efi_type(read32(desc))))
                break;
        }
    }

    /* What relboot keeps in use: its image, the MBI (BootState's strings point into it), the modules. */
    InUse used(bs);
    used.add(mbi_phys, scan.total_size, MemoryType::boot_data);
    for (uint32_t m = 0; m < modules; ++m) {
        const BootModule& mod = tables.modules[m];
        used.add(mod.start, mod.end.value - mod.start.value, MemoryType::module);
    }
    boot_tables_finish(bs, tables, tables_phys, raw, used.ranges, used.count, modules);
    return scan;
}

} // namespace relboot
