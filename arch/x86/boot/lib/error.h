/*
 * The one error path (docs/report.md, "Errors").  Every check of input
 * relboot cannot use (a loader's information structure, a firmware table,
 * a payload, the CPU, a guest) describes its refusal as one BootError;
 * boot_fail() prints it as one line and ends the run:
 *
 *   relboot: error: <subject>[ at 0x<addr>] <field>: <found>, expected <expected>[; <limit_name> = <limit>]
 *
 * found and limit are hex (0x<8>, or 0x<16> above 32 bits) or decimal as
 * the error says; a limit that is a range is "[0x<start>, 0x<end>)".  Checkers stay pure: they return a BootError (host tests
 * and fuzzers compare them) and only the stage that runs them calls
 * boot_fail().  A CPU exception is the one other error line
 * (report_exception(), report.h).
 */
#ifndef RELBOOT_ERROR_H
#define RELBOOT_ERROR_H

#include <cstdint>

namespace relboot {

class Console;
struct Options;

/* How a number of an error line is written. */
enum class Radix : uint8_t { hex = 0, dec = 1 };

struct BootError {
    const char* subject = nullptr;      /* what was refused ("multiboot2 info", "payload", "svm"); nullptr: no error */
    const char* field = nullptr;        /* the field at fault, by its specification's name */
    uint64_t found = 0;                 /* the value found there */
    const char* expected = nullptr;     /* what a usable value is, in words */
    uint64_t at = 0;                    /* physical address of what was refused; 0: not printed */
    const char* limit_name = nullptr;   /* a field the expectation depends on, or nullptr */
    uint64_t limit = 0;                 /* its value */
    Radix found_radix = Radix::hex;
    Radix limit_radix = Radix::hex;
    uint64_t limit_end = 0;             /* not 0: the limit is the range [limit, limit_end), in hex */

    constexpr bool ok() const { return subject == nullptr; }
};

/* Appends e's line, "relboot: error: ..." through the line's end, to con. */
void print_error(Console& con, const BootError& e);

/*
 * Prints e on the console the options chose (report_console(), report.h)
 * and ends the run as a failure (finish()).  options may be all-zero
 * (before the command line is parsed): COM1, no debug-exit port.
 */
[[noreturn]] void boot_fail(const Options& options, const BootError& e);

} // namespace relboot

#endif
