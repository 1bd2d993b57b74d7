#include "lib/console.h"
#include "lib/format.h"

namespace relboot {

Console& Console::begin()
{
    return str("relboot: ");
}

void Console::end()
{
    uart_.putc('\r');
    uart_.putc('\n');
}

Console& Console::str(const char* s)
{
    while (*s)
        uart_.putc(*s++);
    return *this;
}

Console& Console::chr(char c)
{
    uart_.putc(c);
    return *this;
}

Console& Console::hex(uint64_t value, unsigned digits)
{
    char buf[FORMAT_MAX];
    const size_t n = format_hex(buf, value, digits);
    str("0x");
    for (size_t i = 0; i < n; ++i)
        uart_.putc(buf[i]);
    return *this;
}

Console& Console::dec(uint64_t value)
{
    char buf[FORMAT_MAX];
    const size_t n = format_dec(buf, value);
    for (size_t i = 0; i < n; ++i)
        uart_.putc(buf[i]);
    return *this;
}

Console& Console::quoted(const char* bytes, uint32_t len)
{
    uart_.putc('"');
    for (uint32_t i = 0; i < len; ++i) {
        char buf[FORMAT_MAX];
        const size_t n = format_escaped_byte(buf, uint8_t(bytes[i]));
        for (size_t j = 0; j < n; ++j)
            uart_.putc(buf[j]);
    }
    uart_.putc('"');
    return *this;
}

} // namespace relboot
