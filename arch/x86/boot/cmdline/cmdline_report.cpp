/* The command line's report lines (cmdline_report.h); 64-bit stage only. */
#include "cmdline/cmdline_report.h"

#include "cmdline/keywords.h"
#include "cmdline/values.h"

namespace relboot {

namespace {

/* A word from an option's table; "?" for a value the table has no word for (the parser never stores one). */
void print_word(const char* word, Console& con)
{
    con.str(word ? word : "?");
}

void print_com(const Options& o, uint32_t index, Console& con)
{
    const SerialSettings& s = o.com[index];
    con.dec(115200 / (s.divisor ? s.divisor : 1)).chr(',');
    con.chr(char('0' + (s.data_bits ? s.data_bits : 8))).chr(s.parity ? s.parity : 'n');
    con.chr(char('0' + (s.stop_bits ? s.stop_bits : 1))).chr(',');
    con.hex(s.io_port ? s.io_port : com_default_port(index), 4);
}

void print_com1(const Options& o, Console& con) { print_com(o, 0, con); }
void print_com2(const Options& o, Console& con) { print_com(o, 1, con); }
void print_com3(const Options& o, Console& con) { print_com(o, 2, con); }
void print_com4(const Options& o, Console& con) { print_com(o, 3, con); }
void print_mem(const Options& o, Console& con) { con.hex16(o.mem); }
/* The kind's word from the table the parser read it with (VGA_KINDS), then its parameters. */
void print_vga(const Options& o, Console& con)
{
    const VgaSettings& g = o.vga;
    print_word(keyword_word(VGA_KINDS, g.kind), con);
    switch (g.kind) {
    case VgaKind::text: con.dec(g.height); break;
    case VgaKind::gfx: con.dec(g.width).chr('x').dec(g.height).chr('x').dec(g.depth); break;
    case VgaKind::mode: con.hex(g.width, 4); break;
    default: break;
    }
    if (g.keep)
        con.str(",keep");
}
void print_maxcpus(const Options& o, Console& con) { con.dec(o.maxcpus); }
void print_debug_exit(const Options& o, Console& con) { con.hex(o.debug_exit_port, 4); }

/* Prints a span of the raw line decoded as the parser saw it, quoted and escaped. */
void print_token(const char* raw, Span span, Console& con)
{
    char buf[CMDLINE_MAX];
    con.quoted(buf, cmdline_decode(raw + span.offset, span.length, buf));
}

} // namespace

void cmdline_report(const Options& o, const CmdlineSpans& spans, const char* raw, uint32_t raw_len, Console& con)
{
    /*
     * A VALUE option's value by its own print_<id>(); a KEYWORD or FLAG
     * option's as the word its table gives the value (keyword_of()).
     */
#define RELBOOT_PRINT_VALUE(id) print_##id(o, con)
#define RELBOOT_PRINT_FLAG(id) print_word(cmdline::keyword_of(o, OptionId::id), con)
#define RELBOOT_PRINT_KEYWORD(id) print_word(cmdline::keyword_of(o, OptionId::id), con)
#define RELBOOT_OPTION(id, name, kind, form, help)                  \
    if (o.present & (1u << uint32_t(OptionId::id))) {               \
        con.begin().str("option ").str(name).chr('=');              \
        RELBOOT_PRINT_##kind(id);                                   \
        con.end();                                                  \
    }
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_PRINT_KEYWORD
#undef RELBOOT_PRINT_FLAG
#undef RELBOOT_PRINT_VALUE

    for (uint32_t i = 0; i < o.unknown_count; ++i) {
        con.begin().str("unknown ");
        print_token(raw, spans.unknown[i], con);
        con.end();
    }
    if (o.unknown_dropped)
        con.begin().str("warning: cmdline: ").dec(o.unknown_dropped).str(" more unknown tokens not listed").end();
    if (o.has_passthrough) {
        con.begin().str("passthrough ").quoted(raw + o.passthrough.offset, o.passthrough.length).end();
    }
    for (uint32_t i = 0; i < o.malformed_count; ++i) {
        const OptionId id = spans.malformed_option[i];
        con.begin().str("warning: option ").str(option_name(id)).str(": ");
        print_token(raw, spans.malformed[i], con);
        con.str(" is malformed, expected ").str(option_name(id)).chr('=').str(option_form(id));
        con.str("; the previous value stays in force").end();
    }
    if (o.malformed_dropped)
        con.begin().str("warning: cmdline: ").dec(o.malformed_dropped).str(" more malformed values not listed").end();
    if (o.unterminated_quote)
        con.begin().str("warning: cmdline: a '\"' is never closed; its token runs to the end of the line").end();
    if (o.truncated) {
        con.begin().str("warning: cmdline: ").dec(raw_len).str(" bytes, longer than ").dec(CMDLINE_MAX);
        con.str("; only the first ").dec(CMDLINE_MAX).str(" were parsed").end();
    }
}

} // namespace relboot
