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
    }
    (void)mbi_error_text(scan.error);
    return 0;
}
