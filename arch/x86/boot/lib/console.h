/*
 * The serial report: lines that start with "relboot: " and end with
 * "\r\n", written to a 16550 (boot-contract.md, "Serial report").
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
    Uart16550 uart_;
};

} // namespace relboot

#endif
