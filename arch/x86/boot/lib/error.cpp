#include "lib/error.h"
#include "lib/console.h"
#include "lib/report.h"

namespace relboot {

namespace {

void number(Console& con, uint64_t value, Radix radix)
{
    if (radix == Radix::dec)
        con.dec(value);
    else if (value >> 32)
        con.hex16(value);
    else
        con.hex8(uint32_t(value));
}

} // namespace

void print_error(Console& con, const BootError& e)
{
    con.begin().str("error: ").str(e.subject ? e.subject : "(unnamed)");
    if (e.at) {
        con.str(" at ");
        number(con, e.at, Radix::hex);
    }
    con.chr(' ').str(e.field ? e.field : "(no field)").str(": ");
    number(con, e.found, e.found_radix);
    con.str(", expected ").str(e.expected ? e.expected : "(unstated)");
    if (e.limit_name) {
        con.str("; ").str(e.limit_name).str(" = ");
        if (e.limit_end) {
            con.chr('[');
            number(con, e.limit, Radix::hex);
            con.str(", ");
            number(con, e.limit_end, Radix::hex);
            con.chr(')');
        } else {
            number(con, e.limit, e.limit_radix);
        }
    }
    con.end();
}

void boot_fail(const Options& options, const BootError& e)
{
    Console con = report_console(options);
    print_error(con, e);
    finish(options, false);
}

} // namespace relboot
