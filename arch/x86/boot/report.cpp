#include <relboot/report.h>
#include <relboot/x86/io.h>

namespace relboot {

Console report_console(const Options&)
{
    Console con{Uart16550(UART_COM1_PORT)};
    con.uart().init();
    return con;
}

void finish(const Options& options, bool ok)
{
    if (options.debug_exit_port)
        x86::outb(options.debug_exit_port, ok ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    x86::halt_forever();
}

void report_exception(const Options& options, uint32_t vector, uint64_t error, uint64_t ip, uint64_t cr2)
{
    Console con = report_console(options);
    con.begin().str("error: exception vector=").dec(vector).str(" error=").hex8(uint32_t(error));
    con.str(" ip=").hex16(ip).str(" cr2=").hex16(cr2).end();
    finish(options, false);
}

} // namespace relboot
