/*
 * The one checked walk over the multiboot2 boot information (Multiboot2
 * Specification 2.0, 3.6.2): mbi_scan() (mbi.h).  A file of its own
 * because three places run it: the 32-bit stage's early step
 * (multiboot2.cpp), the EFI amd64 entry before it calls the firmware
 * (multiboot2_efi64.cpp, which links its own position-independent copy:
 * see the Makefile's efi64.o), and the host tests and fuzzers.  Pure: it
 * reads only the bytes it is given and calls nothing outside this file.
 */
#include <relboot/spec/efi.h>
#include "protocol/mbi.h"
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

} // namespace relboot
