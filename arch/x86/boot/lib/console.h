/*
 * The serial report: lines that start with "relboot: " and end with
 * "\r\n", written to a 16550 (docs/report.md, "The serial port").
 * Numbers are written as the contract states: hex lower case with "0x"
 * and a fixed width, decimals without padding.
 */
#ifndef RELBOOT_CONSOLE_H
#define RELBOOT_CONSOLE_H

#include <cstdint>
#include "lib/uart16550.h"

namespace relboot {

class Console {
public:
    constexpr explicit Console(Uart16550 uart) : uart_(uart) {}
    /*
     * A console that writes into buf[0, cap) instead of a UART, always
     * NUL-terminated, dropping what does not fit (host tests of report
     * lines; cap >= 1).
     */
    constexpr Console(char* buf, uint32_t cap) : capture_(buf), capture_cap_(cap) { buf[0] = 0; }

    /* Starts a report line: "relboot: ". */
    Console& begin();
    /* Ends the line. */
    void end();

    Console& str(const char* s);
    Console& chr(char c);
    /* "0x" and the low `digits` hex digits (1..16). */
    Console& hex(uint64_t value, unsigned digits);
    Console& hex8(uint32_t value) { return hex(value, 8); }
    Console& hex16(uint64_t value) { return hex(value, 16); }
    Console& dec(uint64_t value);
    /* '"', then len bytes escaped as format_escaped_byte(), then '"'. */
    Console& quoted(const char* bytes, uint32_t len);

    const Uart16550& uart() const { return uart_; }

private:
    void put(char c);

    Uart16550 uart_;
    char* capture_ = nullptr;
    uint32_t capture_len_ = 0;
    uint32_t capture_cap_ = 0;
};

} // namespace relboot

#endif
