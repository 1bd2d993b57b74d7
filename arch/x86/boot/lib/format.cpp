#include "lib/format.h"

namespace relboot {

namespace {
constexpr char HEX_DIGITS[] = "0123456789abcdef";

/* 10^19 down to 10^0: the decimal place values of a uint64_t. */
constexpr uint64_t POWERS_OF_TEN[] = {
    10000000000000000000ULL, 1000000000000000000ULL, 100000000000000000ULL,
    10000000000000000ULL, 1000000000000000ULL, 100000000000000ULL, 10000000000000ULL,
    1000000000000ULL, 100000000000ULL, 10000000000ULL, 1000000000ULL, 100000000ULL,
    10000000ULL, 1000000ULL, 100000ULL, 10000ULL, 1000ULL, 100ULL, 10ULL, 1ULL,
};
}

size_t format_hex(char* out, uint64_t value, unsigned digits)
{
    if (digits < 1)
        digits = 1;
    if (digits > 16)
        digits = 16;
    for (unsigned i = 0; i < digits; ++i)
        out[i] = HEX_DIGITS[(value >> (4 * (digits - 1 - i))) & 0xf];
    return digits;
}

size_t format_dec(char* out, uint64_t value)
{
    /* Repeated subtraction of place values: at most 9 per digit, no divide. */
    size_t n = 0;
    for (uint64_t power : POWERS_OF_TEN) {
        unsigned digit = 0;
        while (value >= power) {
            value -= power;
            ++digit;
        }
        if (digit || n || power == 1)
            out[n++] = char('0' + digit);
    }
    return n;
}

size_t format_escaped_byte(char* out, uint8_t c)
{
    if (c >= 0x20 && c <= 0x7e && c != '\\' && c != '"') {
        out[0] = char(c);
        return 1;
    }
    out[0] = '\\';
    out[1] = 'x';
    out[2] = HEX_DIGITS[c >> 4];
    out[3] = HEX_DIGITS[c & 0xf];
    return 4;
}

} // namespace relboot
