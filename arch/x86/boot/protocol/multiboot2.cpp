/*
 * The multiboot2 protocol (Multiboot2 Specification 2.0): the one checked
 * walk over the MBI, the 32-bit stage's early step that runs it, and the
 * BootState filler that reads the tags it recorded (mbi.h).  Everything
 * relboot reads from an MBI is read here, through the spec's structs
 * (include/relboot/spec/multiboot2.h).
 */
#include <cstddef>
#include <relboot/spec/efi.h>
#include "protocol/efi_exit.h"
#include "protocol/info_read.h"
#include "protocol/mbi.h"
#include "protocol/protocol_steps.h"
#include "platform/memory_map.h"
#include <relboot/spec/multiboot2.h>

namespace relboot {

namespace {

constexpr const char* SUBJECT = "multiboot2 info";

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

/* A fault of the MBI: at its physical address (the MBI's, or a tag's), field, value, and what the spec wants. */
BootError fault(uint64_t at, const char* field, uint64_t found, Radix radix, const char* expected,
                const char* limit_name = nullptr, uint64_t limit = 0, Radix limit_radix = Radix::dec)
{
    return BootError{SUBJECT, field, found, expected, at, limit_name, limit, radix, limit_radix};
}

/* A tag whose size is below its type's fixed part (or, for the end tag, not 8). */
BootError size_fault(uint64_t at, uint32_t type, uint32_t size, const char* expected)
{
    return fault(at, "size", size, Radix::dec, expected, "type", type);
}

MbiScan fail(MbiScan& scan, const BootError& error)
{
    scan.error = error;
    return scan;
}

} // namespace

MbiScan mbi_scan(const uint8_t* mbi, uint64_t mbi_phys, uint32_t available, MbiIndex& index)
{
    /* The index's counts and offsets start at "none"; modules[] is valid up to module_count. */
    index.load_base_addr = index.cmdline = index.mmap = index.efi32 = index.efi64 = 0;
    index.acpi_old = index.acpi_new = index.efi_mmap = index.module_count = index.reserved = 0;
    MbiScan scan{};
    if (mbi_phys % MULTIBOOT2_TAG_ALIGN)
        return fail(scan, fault(mbi_phys, "ebx", mbi_phys, Radix::hex, "an 8-byte aligned MBI (multiboot2 3.6.2)"));
    if (available < sizeof(mb2::Fixed))
        return fail(scan, fault(mbi_phys, "total_size", available, Radix::dec,
                                "at least 16 bytes readable: the 8-byte fixed part and an end tag"));

    const uint32_t total = LOAD_FIELD(mb2::Fixed, mbi, total_size);
    scan.total_size = total;
    if (total < sizeof(mb2::Fixed) + sizeof(mb2::Tag))
        return fail(scan, fault(mbi_phys, "total_size", total, Radix::dec,
                                "at least 16: the 8-byte fixed part and an end tag (multiboot2 3.6.2)"));
    if (total > MBI_MAX_SIZE)
        return fail(scan, fault(mbi_phys, "total_size", total, Radix::dec,
                                "at most 1048576 bytes (1 MiB, relboot's MBI_MAX_SIZE)"));
    if (mbi_phys + total > (uint64_t(1) << 32))
        return fail(scan, fault(mbi_phys, "total_size", total, Radix::dec, "an MBI that ends at or below 4 GiB"));
    if (total > available)
        return fail(scan, fault(mbi_phys, "total_size", total, Radix::dec, "at most the bytes readable at the MBI",
                                "readable", available));

    /*
     * One pass, in the measured boot path: a tag of a type relboot does not
     * use costs a load of type and size, three compares and the step.
     */
    uint32_t off = sizeof(mb2::Fixed);
    for (;;) {
        /* Here off is 8-aligned and off <= total; a fault is at mbi_phys + off (computed only on that way out). */
        if (total - off < sizeof(mb2::Tag))
            return fail(scan, fault(mbi_phys + off, "total_size", total, Radix::dec,
                                    "an end tag (type 0, size 8) before it (multiboot2 3.6.2)"));
        const uint8_t* tag = mbi + off;
        const uint32_t type = LOAD_FIELD(mb2::Tag, tag, type), size = LOAD_FIELD(mb2::Tag, tag, size);
        if (size < sizeof(mb2::Tag))
            return fail(scan, size_fault(mbi_phys + off, type, size,
                                         "at least 8: the tag's type and size (multiboot2 3.6.2)"));
        if (size > total - off)
            return fail(scan, fault(mbi_phys + off, "size", size, Radix::dec, "a tag that ends within total_size",
                                    "total_size", total));

        switch (type) {
        case MULTIBOOT2_TAG_TYPE_END:
            if (size != sizeof(mb2::Tag))
                return fail(scan, size_fault(mbi_phys + off, type, size, "8 for the end tag (multiboot2 3.6.2)"));
            return scan;
        case MULTIBOOT2_TAG_TYPE_CMDLINE:
        case MULTIBOOT2_TAG_TYPE_BOOT_LOADER_NAME:
            if (size < sizeof(mb2::TagString) + 1)
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "at least 9: type, size and a NUL-terminated string (multiboot2 3.6.5, 3.6.9)"));
            if (!has_nul(tag + sizeof(mb2::TagString), size - sizeof(mb2::TagString)))
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "a string whose NUL lies within size bytes (multiboot2 3.6.5)"));
            if (type == MULTIBOOT2_TAG_TYPE_CMDLINE && !index.cmdline)
                index.cmdline = off;
            break;
        case MULTIBOOT2_TAG_TYPE_MODULE: {
            if (size < sizeof(mb2::TagModule) + 1)
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "at least 17: type, size, mod_start, mod_end and a string (multiboot2 3.6.6)"));
            const uint32_t mod_start = LOAD_FIELD(mb2::TagModule, tag, mod_start);
            const uint32_t mod_end = LOAD_FIELD(mb2::TagModule, tag, mod_end);
            if (mod_start > mod_end)
                return fail(scan, fault(mbi_phys + off, "mod_start", mod_start, Radix::hex,
                                        "at most mod_end: [mod_start, mod_end) (multiboot2 3.6.6)", "mod_end", mod_end,
                                        Radix::hex));
            if (!has_nul(tag + sizeof(mb2::TagModule), size - sizeof(mb2::TagModule)))
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "a string whose NUL lies within size bytes (multiboot2 3.6.6)"));
            if (index.module_count < MODULES_MAX)
                index.modules[index.module_count] = off;
            ++index.module_count;
            break;
        }
        case MULTIBOOT2_TAG_TYPE_MMAP: {
            if (size < sizeof(mb2::TagMmap))
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "at least 16: type, size, entry_size and entry_version (multiboot2 3.6.8)"));
            const uint32_t entry_size = LOAD_FIELD(mb2::TagMmap, tag, entry_size);
            if (entry_size < sizeof(mb2::MmapEntry) || entry_size % 8)
                return fail(scan, fault(mbi_phys + off, "entry_size", entry_size, Radix::dec,
                                        "at least 24 and a multiple of 8 (multiboot2 3.6.8)"));
            if ((size - sizeof(mb2::TagMmap)) % entry_size)
                return fail(scan, fault(mbi_phys + off, "size", size, Radix::dec,
                                        "16 and whole entries of entry_size bytes (multiboot2 3.6.8)", "entry_size",
                                        entry_size));
            if (!index.mmap)
                index.mmap = off;
            break;
        }
        case MULTIBOOT2_TAG_TYPE_EFI_MMAP: {
            if (size < sizeof(mb2::TagEfiMmap))
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "at least 16: type, size, descr_size and descr_vers (multiboot2 3.6.19)"));
            const uint32_t descr_size = LOAD_FIELD(mb2::TagEfiMmap, tag, descr_size);
            if (descr_size < sizeof(efi::MemoryDescriptor) || descr_size % 8)
                return fail(scan, fault(mbi_phys + off, "descr_size", descr_size, Radix::dec,
                                        "at least 40 and a multiple of 8 (UEFI 2.10, 7.2: EFI_MEMORY_DESCRIPTOR)"));
            if (!index.efi_mmap)
                index.efi_mmap = off;
            break;
        }
        case MULTIBOOT2_TAG_TYPE_ACPI_OLD:
            /* A copy of any length: the ACPI search checks it before use; an empty one is no copy. */
            if (size > sizeof(mb2::TagAcpi) && !index.acpi_old)
                index.acpi_old = off;
            break;
        case MULTIBOOT2_TAG_TYPE_ACPI_NEW:
            if (size > sizeof(mb2::TagAcpi) && !index.acpi_new)
                index.acpi_new = off;
            break;
        case MULTIBOOT2_TAG_TYPE_EFI32:
            if (size < sizeof(mb2::TagEfi32))
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "at least 12: type, size and pointer (multiboot2 3.6.13)"));
            if (!index.efi32)
                index.efi32 = off;
            break;
        case MULTIBOOT2_TAG_TYPE_EFI64:
            if (size < sizeof(mb2::TagEfi64))
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "at least 16: type, size and pointer (multiboot2 3.6.14)"));
            if (!index.efi64)
                index.efi64 = off;
            break;
        case MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR:
            if (size < sizeof(mb2::TagLoadBaseAddr))
                return fail(scan, size_fault(mbi_phys + off, type, size,
                                             "at least 12: type, size and load_base_addr (multiboot2 3.6.23)"));
            if (!index.load_base_addr)
                index.load_base_addr = off;
            break;
        default:
            break;
        }
        ++scan.tag_count;

        /* Next tag: size rounded up to 8; size <= total - off, so this cannot wrap. */
        const uint32_t step = mbi_tag_step(size);
        if (step > total - off)
            return fail(scan, fault(mbi_phys + off, "total_size", total, Radix::dec,
                                    "an end tag (type 0, size 8) before it (multiboot2 3.6.2)"));
        off += step;
    }
}

namespace {

/* The command line of tag 1 at off (the walk checked it): its address and the bytes before the tag's last byte. */
void take_cmdline(BootState& bs, const uint8_t* mbi, PhysAddr info, uint32_t off)
{
    bs.cmdline = info + off + sizeof(mb2::TagString);
    bs.cmdline_len = LOAD_FIELD(mb2::TagString, mbi + off, size) - uint32_t(sizeof(mb2::TagString)) - 1;
}

} // namespace

BootError multiboot2_early(BootState& bs, const PhysMemory& mem, PhysAddr info)
{
    /* total_size first, then the whole MBI when the window maps it (the walk refuses a total_size it cannot read). */
    const uint8_t* fixed = mem.at(info.value, sizeof(mb2::Fixed));
    if (!fixed)
        return fault(info.value, "ebx", info.value, Radix::hex, "an MBI in memory relboot can read (below 4 GiB)");
    const uint32_t total = LOAD_FIELD(mb2::Fixed, fixed, total_size);
    const uint8_t* whole =
        total >= sizeof(mb2::Fixed) + sizeof(mb2::Tag) && total <= MBI_MAX_SIZE ? mem.at(info.value, total) : nullptr;
    /* The one walk, straight into BootState's index (the filler reads the tags it names). */
    const MbiScan scan =
        mbi_scan(whole ? whole : fixed, info.value, whole ? total : uint32_t(sizeof(mb2::Fixed)), bs.mbi);

    /* A sound tag 1 before a fault still gives the command line: its console= and debug-exit= report the fault. */
    if (bs.mbi.cmdline)
        take_cmdline(bs, whole, info, bs.mbi.cmdline);
    if (!scan.error.ok())
        return scan.error;

    bs.protocol = Protocol::multiboot2;
    bs.entry_efi64 = 0;     /* the i386 entry; multiboot2_efi64_early() says otherwise */
    bs.info = info;
    bs.info_size = scan.total_size;
    if (bs.mbi.load_base_addr)
        bs.loader_base = PhysAddr{LOAD_FIELD(mb2::TagLoadBaseAddr, whole + bs.mbi.load_base_addr, load_base_addr)};
    return {};
}

BootError multiboot2_efi64_early(BootState& bs, const PhysMemory& mem, PhysAddr info)
{
    const BootError error = multiboot2_early(bs, mem, info);
    if (error.ok())
        bs.entry_efi64 = 1;     /* the filler then takes the final EFI memory map (efi_exit.h) */
    return error;
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

/* Bytes of the NUL-terminated string at s, at most max (the walk checked that a NUL is there). */
uint32_t string_length(const uint8_t* s, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && s[n])
        ++n;
    return n;
}

constexpr const char* EFI_EXIT = "efi exit";

/* A failed exit of the EFI amd64 entry: the field (a firmware call, a tag), its value, what UEFI or multiboot2 wants. */
BootError efi_exit_fault(const char* field, uint64_t found, Radix radix, const char* expected, uint64_t at = 0,
                         const char* limit_name = nullptr, uint64_t limit = 0)
{
    return BootError{EFI_EXIT, field, found, expected, at, limit_name, limit, radix, Radix::dec};
}

/*
 * The EFI amd64 entry's outcome (the EfiExit record at exit_phys): when
 * boot services were exited and the map is usable (descriptor size at
 * least 40 and a multiple of 8, the map within the buffer), the final map
 * becomes bs.efi_mmap (the descriptors stay in the record); else the
 * fault (a missing tag's at the MBI's address, bs.info).
 */
BootError take_efi_final_map(BootState& bs, const EfiExit& exit, PhysAddr exit_phys)
{
    const uint64_t mbi = bs.info.value;
    switch (exit.result) {
    case EfiExitResult::exited:
        if (exit.desc_size < sizeof(efi::MemoryDescriptor) || exit.desc_size % 8 ||
            exit.desc_size > EFI_MMAP_BUFFER_SIZE)
            return efi_exit_fault("DescriptorSize", exit.desc_size, Radix::dec,
                                  "at least 40 and a multiple of 8 (UEFI 2.10, 7.2: GetMemoryMap())");
        if (exit.map_size > EFI_MMAP_BUFFER_SIZE)
            return efi_exit_fault("MemoryMapSize", exit.map_size, Radix::dec,
                                  "at most relboot's buffer (EFI_MMAP_BUFFER_SIZE)", 0, "EFI_MMAP_BUFFER_SIZE",
                                  EFI_MMAP_BUFFER_SIZE);
        bs.efi_mmap = exit_phys + offsetof(EfiExit, map);
        bs.efi_mmap_size = uint32_t(exit.map_size);
        bs.efi_mmap_desc_size = uint32_t(exit.desc_size);
        bs.efi_mmap_desc_version = exit.desc_version;
        return {};
    case EfiExitResult::mbi_malformed:
        return efi_exit_fault("total_size", bs.info_size, Radix::dec,
                              "every tag within total_size, as the EFI amd64 entry read them (multiboot2 3.6.2)", mbi);
    case EfiExitResult::no_boot_services_tag:
        return efi_exit_fault("tag 18", 0, Radix::dec,
                              "present: EFI boot services not terminated, with tags 12 and 20, after the EFI amd64 "
                              "entry (multiboot2 3.6.20)",
                              mbi);
    case EfiExitResult::no_system_table:
        return efi_exit_fault("tag 12", 0, Radix::dec, "present: the EFI 64-bit system table pointer (multiboot2 3.6.14)",
                              mbi);
    case EfiExitResult::no_image_handle:
        return efi_exit_fault("tag 20", 0, Radix::dec, "present: the EFI 64-bit image handle pointer (multiboot2 3.6.22)",
                              mbi);
    case EfiExitResult::map_too_large:
        return efi_exit_fault("MemoryMapSize", exit.map_size, Radix::dec,
                              "at most relboot's buffer (EFI_MMAP_BUFFER_SIZE)", 0, "EFI_MMAP_BUFFER_SIZE",
                              EFI_MMAP_BUFFER_SIZE);
    case EfiExitResult::get_memory_map_failed:
        return efi_exit_fault("GetMemoryMap()", exit.status, Radix::hex, "EFI_SUCCESS (UEFI 2.10, 7.2)");
    case EfiExitResult::exit_refused:
        return efi_exit_fault("ExitBootServices()", exit.status, Radix::hex,
                              "EFI_SUCCESS within 2 attempts (UEFI 2.10, 7.4: one retry with a fresh map key)", 0,
                              "attempts", exit.attempts);
    default:
        return efi_exit_fault("result", uint32_t(exit.result), Radix::dec,
                              "the EFI amd64 entry's record written (efi_exit.h)");
    }
}

} // namespace

BootError boot_info_from_multiboot2(BootState& bs, const FillContext& ctx)
{
    const PhysAddr info = bs.info;
    const uint8_t* mbi = ctx.mem.at(info.value, bs.info_size);
    if (!mbi)
        return fault(info.value, "total_size", bs.info_size, Radix::dec, "an MBI within the identity map");
    BootTables& tables = *ctx.tables;
    const MbiIndex& index = bs.mbi;

    /* The EFI amd64 entry: its ExitBootServices() outcome first, then the final map it got. */
    const uint8_t* final_map = nullptr;
    if (bs.entry_efi64) {
        const EfiExit* exit = reinterpret_cast<const EfiExit*>(ctx.mem.at(ctx.efi_exit.value, sizeof(EfiExit)));
        if (!exit)
            return efi_exit_fault("record", ctx.efi_exit.value, Radix::hex,
                                  "the EfiExit record within the identity map");
        const BootError error = take_efi_final_map(bs, *exit, ctx.efi_exit);
        if (!error.ok())
            return error;
        final_map = exit->map;
    }

    /* The firmware: tag 12's system table, else tag 11's. */
    bs.firmware = BootFirmware::bios;
    if (index.efi64) {
        bs.firmware = BootFirmware::efi;
        bs.efi_system_table = PhysAddr{load_as<mb2::TagEfi64>(mbi + index.efi64).pointer};
        bs.efi_64 = 1;
    } else if (index.efi32) {
        bs.firmware = BootFirmware::efi;
        bs.efi_system_table = PhysAddr{load_as<mb2::TagEfi32>(mbi + index.efi32).pointer};
        bs.efi_64 = 0;
    }

    /* The EFI memory map: the final one after the EFI amd64 entry (set above), else tag 17 as it came. */
    const uint8_t* efi_mmap = final_map;
    if (!final_map && index.efi_mmap) {
        const mb2::TagEfiMmap tag = load_as<mb2::TagEfiMmap>(mbi + index.efi_mmap);
        efi_mmap = mbi + index.efi_mmap + sizeof(mb2::TagEfiMmap);
        bs.efi_mmap = info + index.efi_mmap + sizeof(mb2::TagEfiMmap);
        bs.efi_mmap_size = tag.size - uint32_t(sizeof(mb2::TagEfiMmap));
        bs.efi_mmap_desc_size = tag.descr_size;
        bs.efi_mmap_desc_version = tag.descr_vers;
    }

    /* The loader's copy of the RSDP: tag 15 (ACPI 2.0) preferred over tag 14, whatever their order. */
    const uint32_t acpi = index.acpi_new ? index.acpi_new : index.acpi_old;
    if (acpi) {
        bs.acpi_rsdp_copy = info + acpi + sizeof(mb2::TagAcpi);
        bs.acpi_rsdp_copy_len = load_as<mb2::TagAcpi>(mbi + acpi).size - uint32_t(sizeof(mb2::TagAcpi));
    }

    /* The modules, in the loader's order, the first MODULES_MAX; their strings stay in the MBI. */
    const uint32_t modules = index.module_count < MODULES_MAX ? index.module_count : MODULES_MAX;
    for (uint32_t m = 0; m < modules; ++m) {
        const uint32_t off = index.modules[m];
        const mb2::TagModule tag = load_as<mb2::TagModule>(mbi + off);
        const uint32_t len =
            string_length(mbi + off + sizeof(mb2::TagModule), tag.size - uint32_t(sizeof(mb2::TagModule)));
        tables.modules[m] = BootModule{PhysAddr{tag.mod_start}, PhysAddr{tag.mod_end},
                                       info + off + sizeof(mb2::TagModule), len, 0};
    }

    /*
     * The memory map: tag 6 (unless the final EFI map replaces it), else
     * the EFI map's descriptors converted; every entry, merged as it comes.
     */
    MemoryMapBuilder map(tables.memory_map, MEMORY_MAP_MAX);
    if (!final_map && index.mmap) {
        const mb2::TagMmap tag = load_as<mb2::TagMmap>(mbi + index.mmap);
        for (uint32_t e = sizeof(mb2::TagMmap); e + tag.entry_size <= tag.size; e += tag.entry_size) {
            const mb2::MmapEntry entry = load_as<mb2::MmapEntry>(mbi + index.mmap + e);
            map.add_firmware(entry.base_addr, entry.length, MemoryType(entry.type));
        }
    } else if (efi_mmap) {
        for (uint32_t d = 0; d + bs.efi_mmap_desc_size <= bs.efi_mmap_size; d += bs.efi_mmap_desc_size) {
            const efi::MemoryDescriptor desc = load_as<efi::MemoryDescriptor>(efi_mmap + d);
            const uint64_t pages = desc.number_of_pages;
            const uint64_t bytes = pages > PHYS_END_MAX / efi::PAGE_SIZE ? PHYS_END_MAX : pages * efi::PAGE_SIZE;
            map.add_firmware(desc.physical_start, bytes, from_efi_type(desc.type));
        }
    }

    /* What relboot keeps in use: its image, the MBI (BootState's strings point into it), the modules. */
    InUse used(bs);
    used.add(info, bs.info_size, MemoryType::boot_data);
    for (uint32_t m = 0; m < modules; ++m) {
        const BootModule& mod = tables.modules[m];
        used.add(mod.start, mod.end.value - mod.start.value, MemoryType::module);
    }
    boot_tables_finish(bs, map, ctx.tables_phys, used, index.module_count);
    return {};
}

} // namespace relboot
