#include <relboot/mbi.h>
#include <relboot/multiboot2.h>

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
        return "MBI address is not 8-byte aligned (multiboot2 3.6.1 requires 8)";
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
    }
    return "unknown MBI error";
}

} // namespace relboot
