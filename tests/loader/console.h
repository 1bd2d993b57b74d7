/*
 * The test loader's console: lines that start with "testloader: " and end
 * with "\r\n" on COM1 (115200 8n1, include/relboot/uart16550.h), and the
 * loader's one failure path.
 */
#ifndef TESTLOADER_CONSOLE_H
#define TESTLOADER_CONSOLE_H

#include <cstdint>
#include <relboot/uart16550.h>
#include <relboot/x86/io.h>
#include "testloader.h"

namespace testloader {

inline constexpr relboot::Uart16550 com1{UART_COM1_PORT};

/* One line, built piecewise: "testloader: ", the parts, then end().  Hex: "0x" and 8 lower-case digits. */
class Line {
public:
    Line() { str("testloader: "); }

    Line& str(const char* s)
    {
        while (*s)
            com1.putc(*s++);
        return *this;
    }

    Line& hex(uint32_t value)
    {
        str("0x");
        for (int shift = 28; shift >= 0; shift -= 4)
            com1.putc(DIGITS[(value >> shift) & 0xf]);
        return *this;
    }

    /* '"', n bytes with those outside 0x20..0x7e, '\' and '"' as \xNN (as relboot writes them), '"'. */
    Line& quoted(const char* s, uint32_t n)
    {
        com1.putc('"');
        for (uint32_t i = 0; i < n; ++i) {
            const uint8_t c = uint8_t(s[i]);
            if (c < 0x20 || c > 0x7e || c == '\\' || c == '"') {
                str("\\x");
                com1.putc(DIGITS[c >> 4]);
                com1.putc(DIGITS[c & 0xf]);
            } else {
                com1.putc(char(c));
            }
        }
        com1.putc('"');
        return *this;
    }

    void end()
    {
        com1.putc('\r');
        com1.putc('\n');
    }

private:
    static constexpr char DIGITS[] = "0123456789abcdef";
};

/* Starts "testloader: error: "; the caller adds what was wrong and what was expected, then calls fail(). */
inline Line error()
{
    Line line;
    line.str("error: ");
    return line;
}

/* Ends the error line and the run: LOADER_DEBUG_EXIT_FAIL to the debug-exit port (QEMU status 37), else halt. */
[[noreturn]] inline void fail(Line& line)
{
    line.end();
    relboot::x86::outb(LOADER_DEBUG_EXIT_PORT, LOADER_DEBUG_EXIT_FAIL);
    relboot::x86::halt_forever();
}

} // namespace testloader

#endif
