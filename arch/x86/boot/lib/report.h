/*
 * Ending a run and the failure lines shared by the 32-bit and the 64-bit
 * stage (docs/report.md, "The report, in order" and "Ending a run").
 */
#ifndef RELBOOT_REPORT_H
#define RELBOOT_REPORT_H

#include <cstdint>
#include "cmdline/cmdline.h"
#include "lib/console.h"

namespace relboot {

/* Values written to the debug-exit port; QEMU exits with (v << 1) | 1. */
inline constexpr uint8_t DEBUG_EXIT_PASS = 0x10;   /* QEMU status 33 */
inline constexpr uint8_t DEBUG_EXIT_FAIL = 0x11;   /* QEMU status 35 */

/* The serial port the options select (console=, comN=). */
struct ConsoleSettings {
    uint16_t port;          /* I/O port; 0 = console=none */
    uint16_t divisor;       /* divisor latch: 115200 / baud, >= 1 (0 with port 0) */
    uint8_t lcr;            /* line control register: data bits, stop bits, parity (uart16550.h) */
};
ConsoleSettings console_settings(const Options& options);

/*
 * The console the options select (console=, comN=), by default COM1 at
 * 115200 8n1.  The UART is programmed by the first call that needs it and
 * left alone by every later one (Uart16550::init()), so a report line is
 * never cut by a reprogramming.  console=none, or a port where no UART
 * answers (LSR reads 0xff), gives a console that prints nothing.
 */
Console report_console(const Options& options);

/*
 * Ends the run: writes DEBUG_EXIT_PASS or DEBUG_EXIT_FAIL to the
 * debug-exit port when the command line gave one, then halts with
 * interrupts off (also if the port write did not stop the machine).
 */
[[noreturn]] void finish(const Options& options, bool ok);

/* The exception line: "relboot: error: exception vector=<n> error=0x<8> ip=0x<16> cr2=0x<16>". */
void print_exception(Console& con, uint32_t vector, uint64_t error, uint64_t ip, uint64_t cr2);

/* Prints the exception line on the options' console and ends the run as a failure (one CPU: the 32-bit stage). */
[[noreturn]] void report_exception(const Options& options, uint32_t vector, uint64_t error,
                                   uint64_t ip, uint64_t cr2);

} // namespace relboot

#endif
