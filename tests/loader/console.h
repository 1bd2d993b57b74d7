/*
 * The test loader's console: lines that start with "testloader: " and end
 * with "\r\n" on COM1 (115200 8n1), and the loader's one failure path.
 * Its own port I/O and UART code: nothing here comes from relboot.
 */
#ifndef TESTLOADER_CONSOLE_H
#define TESTLOADER_CONSOLE_H

#include <cstdint>
#include "testloader.h"

namespace testloader {

/* Port I/O (Intel SDM Vol. 2B, OUT and IN). */
inline void outb(uint16_t port, uint8_t value)
{
    asm volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

/* COM1, a 16550 UART at I/O port 0x3f8, polled: registers at offsets from the port (PC16550D data sheet). */
class Com1 {
public:
    /* 115200 8n1 (divisor latch 1), FIFOs on and cleared, DTR and RTS, interrupts off. */
    void init() const
    {
        outb(PORT + IER, 0x00);
        outb(PORT + LCR, LCR_DLAB);
        outb(PORT + DLL, 1);
        outb(PORT + DLM, 0);
        outb(PORT + LCR, LCR_8N1);
        outb(PORT + FCR, 0x07);
        outb(PORT + MCR, 0x03);
    }

    /* Waits (bounded: a missing UART never reports THRE) for the transmitter, then sends c. */
    void putc(char c) const
    {
        for (uint32_t spin = 0; spin < 100000 && !(inb(PORT + LSR) & LSR_THRE); ++spin) {
        }
        outb(PORT + THR, uint8_t(c));
    }

private:
    static constexpr uint16_t PORT = 0x3f8;
    static constexpr uint16_t THR = 0, DLL = 0;     /* transmit holding; divisor latch low (DLAB=1) */
    static constexpr uint16_t IER = 1, DLM = 1;     /* interrupt enable; divisor latch high (DLAB=1) */
    static constexpr uint16_t FCR = 2, LCR = 3, MCR = 4, LSR = 5;
    static constexpr uint8_t LCR_8N1 = 0x03, LCR_DLAB = 0x80, LSR_THRE = 0x20;
};

inline constexpr Com1 com1{};

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

    /* Decimal, no padding. */
    Line& dec(uint32_t value)
    {
        char digits[10];
        int n = 0;
        do {
            digits[n++] = DIGITS[value % 10];
            value /= 10;
        } while (value);
        while (n)
            com1.putc(digits[--n]);
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
    outb(LOADER_DEBUG_EXIT_PORT, LOADER_DEBUG_EXIT_FAIL);
    for (;;)
        asm volatile("cli; hlt" ::: "memory");
}

} // namespace testloader

#endif
