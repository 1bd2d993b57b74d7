#include "lib/report.h"
#include <x86/io.h>

namespace relboot {

ConsoleSettings console_settings(const Options& options)
{
    if (options.console == ConsoleSel::none)
        return ConsoleSettings{0, 0, 0};
    const uint32_t index = uint32_t(options.console);
    const SerialSettings& s = options.com[index];
    uint8_t lcr = uint8_t((s.data_bits ? s.data_bits : 8) - 5);
    if (s.stop_bits == 2)
        lcr |= UART_LCR_STOP2;
    switch (s.parity) {
    case 'o': lcr |= UART_LCR_PARITY_ODD; break;
    case 'e': lcr |= UART_LCR_PARITY_EVEN; break;
    case 'm': lcr |= UART_LCR_PARITY_MARK; break;
    case 's': lcr |= UART_LCR_PARITY_SPACE; break;
    default: break;
    }
    return ConsoleSettings{uint16_t(s.io_port ? s.io_port : com_default_port(index)), uint16_t(s.divisor ? s.divisor : 1),
                           lcr};
}

Console report_console(const Options& options)
{
    const ConsoleSettings c = console_settings(options);
    /* A port nothing answers at costs nothing per byte: the console prints nothing. */
    const bool present = c.port && Uart16550(c.port).init(UART_CLOCK_BAUD / c.divisor, c.lcr);
    return Console{Uart16550(present ? c.port : 0)};
}

void finish(const Options& options, bool ok)
{
    if (options.debug_exit_port)
        x86::outb(options.debug_exit_port, ok ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    x86::halt_forever();
}

void print_exception(Console& con, uint32_t vector, uint64_t error, uint64_t ip, uint64_t cr2)
{
    con.begin().str("error: exception vector=").dec(vector).str(" error=").hex8(uint32_t(error));
    con.str(" ip=").hex16(ip).str(" cr2=").hex16(cr2).end();
}

void report_exception(const Options& options, uint32_t vector, uint64_t error, uint64_t ip, uint64_t cr2)
{
    Console con = report_console(options);
    print_exception(con, vector, error, ip, cr2);
    finish(options, false);
}

} // namespace relboot
