#include "lib/console.h"
#include "lib/format.h"

namespace relboot {

void Console::put(char c)
{
    if (!capture_) {
        uart_.putc(c);
        return;
    }
    if (capture_len_ + 1 < capture_cap_) {
        capture_[capture_len_++] = c;
        capture_[capture_len_] = 0;
    }
}

Console& Console::begin()
{
    return str("relboot: ");
}

void Console::end()
{
    put('\r');
    put('\n');
}

Console& Console::str(const char* s)
{
    while (*s)
        put(*s++);
    return *this;
}

Console& Console::chr(char c)
{
    put(c);
    return *this;
}

Console& Console::hex(uint64_t value, unsigned digits)
{
    char buf[FORMAT_MAX];
    const size_t n = format_hex(buf, value, digits);
    str("0x");
    for (size_t i = 0; i < n; ++i)
        put(buf[i]);
    return *this;
}

Console& Console::dec(uint64_t value)
{
    char buf[FORMAT_MAX];
    const size_t n = format_dec(buf, value);
    for (size_t i = 0; i < n; ++i)
        put(buf[i]);
    return *this;
}

Console& Console::quoted(const char* bytes, uint32_t len)
{
    put('"');
    for (uint32_t i = 0; i < len; ++i) {
        char buf[FORMAT_MAX];
        const size_t n = format_escaped_byte(buf, uint8_t(bytes[i]));
        for (size_t j = 0; j < n; ++j)
            put(buf[j]);
    }
    put('"');
    return *this;
}

} // namespace relboot
