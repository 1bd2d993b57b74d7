/*
 * libFuzzer target for the MBI walker: arbitrary bytes as the MBI (the
 * buffer is exactly as long as the input, 8-byte aligned), at a physical
 * address taken from the input's last 4 bytes.  ASan catches any read
 * outside [mbi, mbi + size); a walk that does not end is a time-out.
 */
#include <relboot/mbi.h>

#include <cstdint>
#include <cstring>
#include <vector>

using namespace relboot;

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
    if (scan.error == MbiError::none) {
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
    } else if (scan.error_offset % 8) {
        __builtin_trap(); /* the fixed part (0) or a tag, and tags are 8-aligned */
    }
    const char* text = mbi_error_text(scan.error);
    if (!text[0] || (scan.error == MbiError::none) != (std::strcmp(text, "no error") == 0))
        __builtin_trap();
    return 0;
}
