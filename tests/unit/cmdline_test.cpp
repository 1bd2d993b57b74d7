/* The command-line grammar (docs/cmdline.md) and every option's value forms. */
#include <gtest/gtest.h>
#include "cmdline/cmdline.h"
#include "cmdline/keywords.h"
#include "cmdline/values.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace relboot;

namespace {

struct Parsed {
    std::string line;
    Options o{};
    CmdlineSpans spans{};

    bool has(OptionId id) const { return o.present & (1u << uint32_t(id)); }
    std::string decoded(Span span) const
    {
        std::string out(span.length, '\0');
        out.resize(cmdline_decode(line.data() + span.offset, span.length, out.data()));
        return out;
    }
    std::vector<std::string> unknown() const
    {
        std::vector<std::string> v;
        for (uint32_t i = 0; i < o.unknown_count; ++i)
            v.push_back(decoded(spans.unknown[i]));
        return v;
    }
    std::vector<std::string> malformed() const
    {
        std::vector<std::string> v;
        for (uint32_t i = 0; i < o.malformed_count; ++i)
            v.push_back(std::string(option_name(spans.malformed_option[i])) + ":" + decoded(spans.malformed[i]));
        return v;
    }
    std::string passthrough() const
    {
        return o.has_passthrough ? line.substr(o.passthrough.offset, o.passthrough.length) : "<none>";
    }
};

Parsed parse(const std::string& line, uint32_t len = UINT32_MAX)
{
    Parsed p;
    p.line = line;
    cmdline_parse(p.line.c_str(), len == UINT32_MAX ? uint32_t(p.line.size()) : len, &p.o, &p.spans);
    return p;
}

using Strings = std::vector<std::string>;

} // namespace

TEST(CmdlineGrammar, EmptyAndBlankKeepEveryDefault)
{
    for (const char* line : {"", "   ", "\t\r\n "}) {
        const Parsed p = parse(line);
        EXPECT_EQ(p.o.present, 0u);
        EXPECT_EQ(p.o.unknown_count, 0u);
        EXPECT_EQ(p.o.malformed_count, 0u);
        EXPECT_FALSE(p.o.has_passthrough);
    }
}

TEST(CmdlineGrammar, SeparatorsAreRunsOfSpaceTabCrLf)
{
    const Parsed p = parse(" a\tb\r\nc   d\n");
    EXPECT_EQ(p.unknown(), (Strings{"a", "b", "c", "d"}));
}

TEST(CmdlineGrammar, QuotesGroupWhereverTheyStandAndAreRemoved)
{
    EXPECT_EQ(parse("x=\"a b\"").unknown(), (Strings{"x=a b"}));
    EXPECT_EQ(parse("\"x=a b\"").unknown(), (Strings{"x=a b"}));
    EXPECT_EQ(parse("x\"=a\" b").unknown(), (Strings{"x=a", "b"}));
    EXPECT_EQ(parse("\"\"").unknown(), (Strings{""}));
    const Parsed q = parse("vga=\"gfx-1024x768x32\"");
    EXPECT_TRUE(q.has(OptionId::vga));
    EXPECT_EQ(q.o.vga.width, 1024u);
}

TEST(CmdlineGrammar, UnterminatedQuoteRunsToTheEndAndWarns)
{
    const Parsed p = parse("a \"b c d");
    EXPECT_EQ(p.unknown(), (Strings{"a", "b c d"}));
    EXPECT_TRUE(p.o.unterminated_quote);
    EXPECT_FALSE(parse("a \"b\"").o.unterminated_quote);
}

TEST(CmdlineGrammar, UndoesGrubEscapesExactly)
{
    /* GRUB writes \\, \" and \' for a backslash, a quote and an apostrophe in an argument. */
    EXPECT_EQ(parse("a\\\\b").unknown(), (Strings{"a\\b"}));
    EXPECT_EQ(parse("say=\\\"hi\\\"").unknown(), (Strings{"say=\"hi\""}));
    EXPECT_EQ(parse("it\\'s").unknown(), (Strings{"it's"}));
    /* An escaped quote does not group: the space still separates. */
    EXPECT_EQ(parse("a\\\" b").unknown(), (Strings{"a\"", "b"}));
    /* GRUB passes \xNN through unchanged, and so does relboot. */
    EXPECT_EQ(parse("v=\\x41").unknown(), (Strings{"v=\\x41"}));
    /* GRUB's encoding of the argument  x="a \ b"  (quoted because of the spaces). */
    EXPECT_EQ(parse("\"x=\\\"a \\\\ b\\\"\"").unknown(), (Strings{"x=\"a \\ b\""}));
}

TEST(CmdlineGrammar, DoubleDashEndsOptionsAndKeepsTheRestRaw)
{
    const Parsed p = parse("loglvl=debug -- console=com2 \"x y\"  z");
    EXPECT_TRUE(p.has(OptionId::loglvl));
    EXPECT_FALSE(p.has(OptionId::console));
    EXPECT_EQ(p.passthrough(), "console=com2 \"x y\"  z");
    EXPECT_EQ(parse("--").passthrough(), "");
    EXPECT_EQ(parse("a --").passthrough(), "");
    /* "--x" and a quoted "--" are ordinary tokens. */
    EXPECT_EQ(parse("--x \"--\" y").unknown(), (Strings{"--x", "--", "y"}));
    EXPECT_FALSE(parse("--x").o.has_passthrough);
}

TEST(CmdlineGrammar, LastOccurrenceWins)
{
    EXPECT_EQ(parse("debug-exit=0xf4 debug-exit=0x80").o.debug_exit_port, 0x80);
    EXPECT_EQ(parse("console=com2 console=com3").o.console, ConsoleSel::com3);
    /* A malformed later value leaves the earlier one in force, and is reported. */
    const Parsed p = parse("debug-exit=0xf4 debug-exit=zz");
    EXPECT_EQ(p.o.debug_exit_port, 0xf4);
    EXPECT_EQ(p.malformed(), (Strings{"debug-exit:debug-exit=zz"}));
}

TEST(CmdlineGrammar, UnknownTokensKeptInOrderAndCounted)
{
    std::string line;
    for (int i = 0; i < 40; ++i)
        line += "u" + std::to_string(i) + " ";
    const Parsed p = parse(line);
    ASSERT_EQ(p.o.unknown_count, CMDLINE_MAX_UNKNOWN);
    EXPECT_EQ(p.o.unknown_dropped, 40 - CMDLINE_MAX_UNKNOWN);
    EXPECT_EQ(p.unknown().front(), "u0");
    EXPECT_EQ(p.unknown().back(), "u31");
}

TEST(CmdlineGrammar, NamePrefixesAndSuffixesAreUnknown)
{
    EXPECT_EQ(parse("debug-exitx=0xf4 debug-exi=0xf4 =5 no- no-debug-exit").unknown(),
              (Strings{"debug-exitx=0xf4", "debug-exi=0xf4", "=5", "no-", "no-debug-exit"}));
}

TEST(CmdlineGrammar, LengthBoundsTheParseNotJustNul)
{
    const Parsed p = parse("debug-exit=0xf4", 13); /* "debug-exit=0x" */
    EXPECT_EQ(p.o.debug_exit_port, 0);
    EXPECT_EQ(p.o.malformed_count, 1u);
    const std::string with_nul("debug-exit=0xf4\0debug-fault=ud2", 31);
    Options o{};
    CmdlineSpans spans;
    cmdline_parse(with_nul.c_str(), uint32_t(with_nul.size()), &o, &spans);
    EXPECT_EQ(o.debug_exit_port, 0xf4);
    EXPECT_EQ(o.debug_fault, DebugFault::none);
}

/*
 * The scan reads a run of text bytes past len up to the next special byte
 * (the line ends with a NUL), but acts on no byte past len: an '=', a
 * '"', a '\\' or a separator there changes nothing.
 */
TEST(CmdlineGrammar, SpecialBytesPastTheLengthAreNotParsed)
{
    const Parsed flag = parse("nosmp=off", 5);   /* "nosmp": the bare flag */
    EXPECT_TRUE(flag.has(OptionId::nosmp));
    EXPECT_TRUE(flag_value(flag.o, OptionId::nosmp, false));
    EXPECT_EQ(flag.malformed(), Strings{});

    const Parsed quote = parse("ab\"c d\"", 2);
    EXPECT_EQ(quote.unknown(), Strings{"ab"});
    EXPECT_FALSE(quote.o.unterminated_quote);
    EXPECT_EQ(quote.spans.unknown[0].length, 2u);

    const Parsed open_quote = parse("ab\"c d", 4);   /* the '"' is inside, its close would be past len */
    EXPECT_EQ(open_quote.unknown(), Strings{"abc"});
    EXPECT_TRUE(open_quote.o.unterminated_quote);

    EXPECT_FALSE(parse("ab\"c", 2).o.unterminated_quote);   /* a '"' past len opens nothing */

    EXPECT_EQ(parse("x\\\"y", 1).unknown(), Strings{"x"});   /* the escape starts at len */
    const Parsed escape = parse("xy\\\"z", 3);   /* its escaped byte lies past len: a plain '\\' */
    EXPECT_EQ(escape.unknown(), Strings{"xy\\"});
    EXPECT_FALSE(escape.o.unterminated_quote);

    const Parsed next = parse("debug-exit=0xf4 loglvl=debug", 15);
    EXPECT_EQ(next.o.debug_exit_port, 0xf4);
    EXPECT_FALSE(next.has(OptionId::loglvl));
    EXPECT_EQ(next.unknown(), Strings{});
}

TEST(CmdlineGrammar, FourKiBParsedLongerTruncatedAndReported)
{
    std::string line(CMDLINE_MAX - 15, 'x');
    line += " debug-exit=244";
    EXPECT_EQ(line.size(), CMDLINE_MAX);
    const Parsed full = parse(line);
    EXPECT_FALSE(full.o.truncated);
    EXPECT_EQ(full.o.debug_exit_port, 244);
    const Parsed over = parse(line + "4 loglvl=debug");
    EXPECT_TRUE(over.o.truncated);
    EXPECT_EQ(over.o.debug_exit_port, 244);   /* the token is cut at the limit */
    EXPECT_FALSE(over.has(OptionId::loglvl));
}

TEST(CmdlineGrammar, NonPrintableBytesAreOrdinary)
{
    const Parsed p = parse("\x01\x7f\xff a\x1b");
    EXPECT_EQ(p.unknown(), (Strings{"\x01\x7f\xff", "a\x1b"}));
}

TEST(CmdlineOptions, Console)
{
    EXPECT_EQ(parse("console=com2").o.console, ConsoleSel::com2);
    EXPECT_EQ(parse("console=com4").o.console, ConsoleSel::com4);
    EXPECT_EQ(parse("console=none").o.console, ConsoleSel::none);
    EXPECT_EQ(parse("console=com5").malformed(), (Strings{"console:console=com5"}));
    EXPECT_EQ(parse("console").malformed(), (Strings{"console:console"}));
    EXPECT_EQ(parse("console=com5").o.console, ConsoleSel::com1);
}

TEST(CmdlineOptions, SerialPorts)
{
    const Parsed p = parse("com1=9600 com2=57600,7e2 com3=115200,8n1,0x3e0 com4=38400,0x2e0");
    EXPECT_EQ(p.o.malformed_count, 0u);
    EXPECT_EQ(p.o.com[0].divisor, 12u);   /* 115200 / 9600 */
    EXPECT_EQ(p.o.com[0].data_bits, 0u);
    EXPECT_EQ(p.o.com[1].divisor, 2u);
    EXPECT_EQ(p.o.com[1].data_bits, 7u);
    EXPECT_EQ(p.o.com[1].parity, 'e');
    EXPECT_EQ(p.o.com[1].stop_bits, 2u);
    EXPECT_EQ(p.o.com[2].io_port, 0x3e0);
    EXPECT_EQ(p.o.com[3].io_port, 0x2e0);
    for (const char* bad : {"com1=abc", "com1=", "com1=0", "com1=1", "com1=115201", "com1=7000", "com1=9600,9n1",
                            "com1=9600,8x1", "com1=9600,8n3", "com1=9600,8n1,0", "com1=9600,8n1,0x10000",
                            "com1=9600,", "com1=9600,8n1,0x3f8,1", "com1"}) {
        const Parsed q = parse(bad);
        EXPECT_EQ(q.o.malformed_count, 1u) << bad;
        EXPECT_EQ(q.o.com[0].divisor, 0u) << bad;
    }
}

TEST(CmdlineOptions, LogLevel)
{
    EXPECT_EQ(parse("loglvl=quiet").o.loglvl, LogLevel::quiet);
    EXPECT_EQ(parse("loglvl=debug").o.loglvl, LogLevel::debug);
    EXPECT_TRUE(parse("loglvl=info").has(OptionId::loglvl));
    EXPECT_EQ(parse("loglvl=all").o.malformed_count, 1u);
}

TEST(CmdlineOptions, MemSizes)
{
    EXPECT_EQ(parse("mem=512M").o.mem, 512ull << 20);
    EXPECT_EQ(parse("mem=2g").o.mem, 2ull << 30);
    EXPECT_EQ(parse("mem=4096K").o.mem, 4096ull << 10);
    EXPECT_EQ(parse("mem=0x100000").o.mem, 0x100000u);
    EXPECT_EQ(parse("mem=123").o.mem, 123u);
    EXPECT_EQ(parse("mem=17179869183G").o.mem, 17179869183ull << 30);
    for (const char* bad : {"mem=", "mem=G", "mem=12T", "mem=0", "mem=17179869184G", "mem=18446744073709551616",
                            "mem=0x", "mem=1.5G", "mem"})
        EXPECT_EQ(parse(bad).o.mem, 0u) << bad;
}

TEST(CmdlineOptions, Flags)
{
    EXPECT_FALSE(nx_off(parse("").o));
    EXPECT_TRUE(nx_off(parse("nx=off").o));
    EXPECT_TRUE(nx_off(parse("no-nx").o));
    EXPECT_FALSE(nx_off(parse("no-nx nx").o));
    EXPECT_FALSE(nx_off(parse("nx=on").o));
    EXPECT_FALSE(real_mode_off(parse("").o));
    EXPECT_TRUE(real_mode_off(parse("no-real-mode").o));
    EXPECT_TRUE(parse("no-real-mode").has(OptionId::real_mode));
    EXPECT_TRUE(real_mode_off(parse("real-mode=false").o));
    EXPECT_EQ(parse("nx=maybe").o.malformed_count, 1u);
    EXPECT_EQ(parse("no-nx=off").unknown(), (Strings{"no-nx=off"}));
    /* "no-" applies to flags only. */
    EXPECT_EQ(parse("no-console").unknown(), (Strings{"no-console"}));
}

/* Every FLAG option of the list, whatever its name, by the one generic parser. */
TEST(CmdlineOptions, EveryFlagIsParsedGenerically)
{
    const struct {
        OptionId id;
        const char* name;
        bool flag;
    } options[] = {
#define RELBOOT_OPTION(id, name, kind, form, help) {OptionId::id, name, std::string(#kind) == "FLAG"},
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
    };
    int flags = 0;
    for (const auto& opt : options) {
        if (!opt.flag)
            continue;
        ++flags;
        const std::string n = opt.name;
        const uint32_t bit = 1u << uint32_t(opt.id);
        /* Default: not set; the caller's default applies. */
        EXPECT_TRUE(flag_value(parse("").o, opt.id, true)) << n;
        EXPECT_FALSE(flag_value(parse("").o, opt.id, false)) << n;
        for (const std::string& on : {n, n + "=on", n + "=yes", n + "=true", n + "=1", "no-" + n + " " + n}) {
            const Parsed p = parse(on);
            EXPECT_EQ(p.o.present, bit) << on;
            EXPECT_TRUE(flag_value(p.o, opt.id, false)) << on;
        }
        for (const std::string& off : {"no-" + n, n + "=off", n + "=no", n + "=false", n + "=0", n + " no-" + n}) {
            const Parsed p = parse(off);
            EXPECT_EQ(p.o.present, bit) << off;
            EXPECT_FALSE(flag_value(p.o, opt.id, true)) << off;
        }
        /* A malformed value keeps the earlier one; "no-name=value" is no option at all. */
        const Parsed bad = parse("no-" + n + " " + n + "=maybe");
        EXPECT_EQ(bad.malformed(), (Strings{n + ":" + n + "=maybe"}));
        EXPECT_FALSE(flag_value(bad.o, opt.id, true));
        EXPECT_EQ(parse("no-" + n + "=on").unknown(), (Strings{"no-" + n + "=on"}));
    }
    EXPECT_GE(flags, 2);
    /* Flags do not disturb each other. */
    const Parsed both = parse("no-nx real-mode");
    EXPECT_TRUE(nx_off(both.o));
    EXPECT_FALSE(real_mode_off(both.o));
}

TEST(CmdlineOptions, XenStyleOptions)
{
    EXPECT_EQ(parse("edd=off").o.edd, Edd::off);
    EXPECT_EQ(parse("edd=skipmbr").o.edd, Edd::skipmbr);
    EXPECT_EQ(parse("edd=maybe").o.malformed_count, 1u);
    EXPECT_EQ(parse("edid=no").o.edid, Edid::no);
    EXPECT_EQ(parse("edid=force").o.edid, Edid::force);
    EXPECT_EQ(parse("edid=yes").o.malformed_count, 1u);
    EXPECT_EQ(parse("vga=current").o.vga.kind, VgaKind::current);
    const Parsed t = parse("vga=text-80x50");
    EXPECT_EQ(t.o.vga.kind, VgaKind::text);
    EXPECT_EQ(t.o.vga.height, 50u);
    const Parsed g = parse("vga=gfx-1920x1080x32");
    EXPECT_EQ(g.o.vga.kind, VgaKind::gfx);
    EXPECT_EQ(g.o.vga.width, 1920u);
    EXPECT_EQ(g.o.vga.height, 1080u);
    EXPECT_EQ(g.o.vga.depth, 32u);
    const Parsed m = parse("vga=mode-0x317");
    EXPECT_EQ(m.o.vga.kind, VgaKind::mode);
    EXPECT_EQ(m.o.vga.width, 0x317u);
    EXPECT_EQ(m.o.vga.keep, 0);
    /* Xen's ",keep" after any form, and "keep" alone (the mode as it is). */
    const Parsed k = parse("vga=gfx-1024x768x32,keep");
    EXPECT_EQ(k.o.vga.kind, VgaKind::gfx);
    EXPECT_EQ(k.o.vga.depth, 32u);
    EXPECT_EQ(k.o.vga.keep, 1);
    const Parsed kk = parse("vga=keep");
    EXPECT_EQ(kk.o.vga.kind, VgaKind::current);
    EXPECT_EQ(kk.o.vga.keep, 1);
    for (const char* bad : {"vga=text-81x25", "vga=text-80x", "vga=gfx-1024x768", "vga=gfx-1024x768x0",
                            "vga=mode-", "vga=ask", "vga=gfx-x768x32", "vga=,keep", "vga=current,kep",
                            "vga=keep,keep", "vga=current,keep,keep"})
        EXPECT_EQ(parse(bad).o.vga.kind, VgaKind::unset) << bad;
}

TEST(CmdlineOptions, DebugExitAndFaults)
{
    EXPECT_EQ(parse("debug-exit=0xf4").o.debug_exit_port, 0xf4);
    EXPECT_EQ(parse("debug-exit=244").o.debug_exit_port, 244);
    for (const char* bad : {"debug-exit=", "debug-exit=0", "debug-exit=0x10000", "debug-exit=f4", "debug-exit"})
        EXPECT_EQ(parse(bad).o.debug_exit_port, 0) << bad;
    EXPECT_EQ(parse("debug-fault=ud2").o.debug_fault, DebugFault::ud2);
    EXPECT_EQ(parse("debug-fault=gp").o.debug_fault, DebugFault::gp);
    EXPECT_EQ(parse("debug-fault=pf").o.debug_fault, DebugFault::pf);
    EXPECT_EQ(parse("debug-fault32=gp").o.debug_fault32, DebugFault::gp);
    /* No paging in the 32-bit stage, so no #PF to raise there. */
    EXPECT_EQ(parse("debug-fault32=pf").o.malformed_count, 1u);
    EXPECT_EQ(parse("debug-ebs=stale-once").o.debug_ebs, DebugEbs::stale_once);
    EXPECT_EQ(parse("debug-ebs=stale-twice").o.debug_ebs, DebugEbs::stale_twice);
    EXPECT_EQ(parse("debug-ebs=stale").o.malformed_count, 1u);
}

TEST(CmdlineOptions, NumbersRefuseOverflowAndJunk)
{
    EXPECT_EQ(parse("debug-exit=65535").o.debug_exit_port, 65535);
    EXPECT_EQ(parse("debug-exit=65536").o.malformed_count, 1u);
    EXPECT_EQ(parse("debug-exit=0xffff").o.debug_exit_port, 0xffff);
    EXPECT_EQ(parse("debug-exit=0x0000000000000000000f4").o.debug_exit_port, 0xf4);
    EXPECT_EQ(parse("debug-exit=1x2").o.malformed_count, 1u);
    EXPECT_EQ(parse("debug-exit=-1").o.malformed_count, 1u);
}

TEST(CmdlineOptions, EveryOptionHasANameAndAForm)
{
    /* Each name alone is that option: set (a flag) or refused as a value option without "=". */
    for (uint32_t i = 0; i < uint32_t(OptionId::count); ++i) {
        const std::string name = option_name(OptionId(i));
        const Parsed p = parse(name);
        EXPECT_EQ(p.unknown(), Strings{}) << name;
        EXPECT_TRUE(p.has(OptionId(i)) || p.malformed() == Strings{name + ":" + name}) << name;
        EXPECT_GT(std::string(option_form(OptionId(i))).size(), 1u) << name;
    }
    EXPECT_STREQ(option_name(OptionId::debug_exit), "debug-exit");
    EXPECT_STREQ(option_form(OptionId::console), "com1|com2|com3|com4|none");
    EXPECT_STREQ(option_form(OptionId::nx), "on|off");
    EXPECT_STREQ(option_name(OptionId::count), "?");
}

/* The lookup finds every name of the list, whatever the names are; a name's neighbours are unknown. */
TEST(CmdlineOptions, EveryNameIsFound)
{
    for (uint32_t i = 0; i < uint32_t(OptionId::count); ++i) {
        const std::string n = option_name(OptionId(i));
        const Parsed p = parse(n + "=? " + n + "x=1 " + n.substr(0, n.size() - 1) + "=1");
        EXPECT_EQ(p.malformed(), (Strings{n + ":" + n + "=?"}));
        EXPECT_EQ(p.unknown(), (Strings{n + "x=1", n.substr(0, n.size() - 1) + "=1"}));
    }
}

TEST(CmdlineGrammar, PaddedTagIsNotTruncation)
{
    /* A loader may pad tag 1 past the NUL: a short line with a large length is not truncated. */
    std::string padded = "debug-exit=0xf4";
    padded.resize(5000, '\0');
    Options o{};
    CmdlineSpans spans;
    cmdline_parse(padded.data(), uint32_t(padded.size()), &o, &spans);
    EXPECT_FALSE(o.truncated);
    EXPECT_EQ(o.debug_exit_port, 0xf4);
}

TEST(CmdlineOptions, MemNearTwoToTheSixtyFourIsAccepted)
{
    /* The value parses; boot32 treats any cap at or above 4 GiB as none (no rounding wrap). */
    EXPECT_EQ(parse("mem=0xffffffffffffffff").o.mem, ~0ull);
    EXPECT_EQ(parse("mem=0xfffffffffff00000").o.mem, 0xfffffffffff00000ull);
}

/* The AP bring-up's options (smp.h): Xen's nosmp and maxcpus=, and smp-parallel=. */
TEST(CmdlineOptions, SmpOptions)
{
    EXPECT_EQ(parse("maxcpus=2").o.maxcpus, 2);
    EXPECT_EQ(parse("maxcpus=0").o.maxcpus, 0);           /* Xen: no limit */
    EXPECT_EQ(parse("maxcpus=0x40").o.maxcpus, 64);
    EXPECT_EQ(parse("maxcpus=65535").o.maxcpus, 65535);
    for (const char* bad : {"maxcpus=65536", "maxcpus=", "maxcpus", "maxcpus=two"}) {
        const Parsed p = parse(bad);
        EXPECT_EQ(p.o.maxcpus, 0) << bad;
        EXPECT_EQ(p.o.malformed_count, 1u) << bad;
    }
    EXPECT_TRUE(flag_value(parse("nosmp").o, OptionId::nosmp, false));
    EXPECT_FALSE(flag_value(parse("").o, OptionId::nosmp, false));
    EXPECT_FALSE(flag_value(parse("smp-parallel=off").o, OptionId::smp_parallel, true));
    EXPECT_TRUE(flag_value(parse("").o, OptionId::smp_parallel, true));
}

/* guest=: native (the default), svm, vmx, auto; anything else malformed, the value before it kept. */
TEST(CmdlineOptions, Guest)
{
    EXPECT_EQ(parse("").o.guest, GuestSel::native);
    EXPECT_EQ(parse("guest=native").o.guest, GuestSel::native);
    EXPECT_EQ(parse("guest=svm").o.guest, GuestSel::svm);
    EXPECT_EQ(parse("guest=vmx").o.guest, GuestSel::vmx);
    EXPECT_EQ(parse("guest=auto").o.guest, GuestSel::automatic);
    EXPECT_EQ(parse("guest=svm guest=vmx").o.guest, GuestSel::vmx);
    for (const char* bad : {"guest=VMX", "guest=vt-x", "guest=", "guest", "guest=automatic", "guest=vmxx"}) {
        const Parsed p = parse(std::string("guest=svm ") + bad);
        EXPECT_EQ(p.o.guest, GuestSel::svm) << bad;
        EXPECT_EQ(p.o.malformed_count, 1u) << bad;
    }
}

/*
 * Keyword options (cmdline/keywords.h): one table of (word, value) pairs
 * per option, read by the parser, by the report (keyword_of()) and for the
 * form text.  The tests below take every table from the option list, so a
 * new KEYWORD row is tested without a line here, except in the list of
 * documented words, which is the interface written out by hand.
 */
namespace {

/* A row of the option list, as the tests see it. */
struct Row {
    OptionId id;
    std::string name;
    std::string kind;
};

const std::vector<Row>& option_rows()
{
    static const std::vector<Row> rows = {
#define RELBOOT_OPTION(id, name, kind, form, help) {OptionId::id, name, #kind},
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
    };
    return rows;
}

/* The option named name (through option_name()); OptionId::count for none. */
OptionId lookup_id(const std::string& name)
{
    for (uint32_t i = 0; i < uint32_t(OptionId::count); ++i)
        if (name == option_name(OptionId(i)))
            return OptionId(i);
    return OptionId::count;
}

/* Splits a form text at its '|'. */
Strings split_form(const std::string& form)
{
    Strings words;
    std::string::size_type start = 0;
    for (;;) {
        const auto bar = form.find('|', start);
        words.push_back(form.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos)
            return words;
        start = bar + 1;
    }
}

/*
 * Every word of option id's table: parsed alone it sets field to its value
 * and nothing else; the report's word for that value is the same word; the
 * option's form text is the table's words in table order.
 */
template <typename E, size_t N>
void expect_round_trip(OptionId id, const std::string& name, const Keyword<E> (&table)[N], E Options::*field)
{
    Strings words;
    for (const Keyword<E>& k : table) {
        const std::string line = name + "=" + k.word;
        const Parsed p = parse(line);
        EXPECT_EQ(p.o.present, 1u << uint32_t(id)) << line;
        EXPECT_EQ(p.malformed(), Strings{}) << line;
        EXPECT_EQ(p.unknown(), Strings{}) << line;
        EXPECT_EQ(uint32_t(p.o.*field), uint32_t(k.value)) << line;
        const char* printed = cmdline::keyword_of(p.o, id);
        ASSERT_NE(printed, nullptr) << line;
        EXPECT_EQ(std::string(printed), k.word) << line;
        words.push_back(k.word);
        /* A word is whole: neither a prefix nor a longer text is accepted. */
        EXPECT_EQ(parse(line + "x").malformed(), Strings{name + ":" + line + "x"});
        EXPECT_EQ(parse(line.substr(0, line.size() - 1)).malformed(),
                  Strings{name + ":" + line.substr(0, line.size() - 1)});
    }
    EXPECT_EQ(split_form(option_form(id)), words) << name;
}

} // namespace

TEST(CmdlineKeywords, EveryWordOfEveryTableParsesToItsValueAndPrintsBack)
{
    int tables = 0;
#define RELBOOT_TEST_VALUE(id, name, form)
#define RELBOOT_TEST_FLAG(id, name, form)
#define RELBOOT_TEST_KEYWORD(id, name, form)                         \
    {                                                                \
        SCOPED_TRACE(name);                                          \
        expect_round_trip(OptionId::id, name, form, &Options::id);   \
        ++tables;                                                    \
    }
#define RELBOOT_OPTION(id, name, kind, form, help) RELBOOT_TEST_##kind(id, name, form)
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_TEST_KEYWORD
#undef RELBOOT_TEST_FLAG
#undef RELBOOT_TEST_VALUE
    EXPECT_EQ(tables, 10);
}

/*
 * The words each keyword option is documented to take (docs/cmdline.md)
 * and the value each stands for, written out: a word missing from its
 * table, a value left without a word, a word added, or two values swapped
 * in a table fails here.
 */
TEST(CmdlineKeywords, DocumentedWordsMeanTheirValues)
{
    struct Expected {
        std::string option;
        std::vector<std::pair<std::string, uint32_t>> words;   /* every word, and its value */
    };
    const std::vector<Expected> expected = {
        {"console", {{"com1", uint32_t(ConsoleSel::com1)}, {"com2", uint32_t(ConsoleSel::com2)},
                     {"com3", uint32_t(ConsoleSel::com3)}, {"com4", uint32_t(ConsoleSel::com4)},
                     {"none", uint32_t(ConsoleSel::none)}}},
        {"loglvl", {{"quiet", uint32_t(LogLevel::quiet)}, {"info", uint32_t(LogLevel::info)},
                    {"debug", uint32_t(LogLevel::debug)}}},
        {"edd", {{"off", uint32_t(Edd::off)}, {"on", uint32_t(Edd::on)}, {"skipmbr", uint32_t(Edd::skipmbr)}}},
        {"edid", {{"no", uint32_t(Edid::no)}, {"force", uint32_t(Edid::force)}}},
        {"payload", {{"auto", uint32_t(PayloadSel::automatic)}, {"linux", uint32_t(PayloadSel::linux_kernel)},
                     {"none", uint32_t(PayloadSel::none)}}},
        {"guest", {{"native", uint32_t(GuestSel::native)}, {"svm", uint32_t(GuestSel::svm)},
                   {"vmx", uint32_t(GuestSel::vmx)}, {"auto", uint32_t(GuestSel::automatic)}}},
        {"debug-fault", {{"ud2", uint32_t(DebugFault::ud2)}, {"gp", uint32_t(DebugFault::gp)},
                         {"pf", uint32_t(DebugFault::pf)}, {"ud2-all", uint32_t(DebugFault::ud2_all)}}},
        {"debug-fault32", {{"ud2", uint32_t(DebugFault::ud2)}, {"gp", uint32_t(DebugFault::gp)}}},
        {"debug-ebs", {{"stale-once", uint32_t(DebugEbs::stale_once)},
                       {"stale-twice", uint32_t(DebugEbs::stale_twice)}}},
        {"debug-npt-hole", {{"zero-page", uint32_t(NptHole::zero_page)}}},
    };
    /* The value a parse stored in an option's field, whatever its type. */
    auto stored = [](const Options& o, OptionId id) -> uint32_t {
        switch (id) {
        case OptionId::console: return uint32_t(o.console);
        case OptionId::loglvl: return uint32_t(o.loglvl);
        case OptionId::edd: return uint32_t(o.edd);
        case OptionId::edid: return uint32_t(o.edid);
        case OptionId::payload: return uint32_t(o.payload);
        case OptionId::guest: return uint32_t(o.guest);
        case OptionId::debug_fault: return uint32_t(o.debug_fault);
        case OptionId::debug_fault32: return uint32_t(o.debug_fault32);
        case OptionId::debug_ebs: return uint32_t(o.debug_ebs);
        case OptionId::debug_npt_hole: return uint32_t(o.debug_npt_hole);
        default: return ~0u;
        }
    };
    Strings keyword_options, listed;
    for (const Row& row : option_rows())
        if (row.kind == "KEYWORD")
            keyword_options.push_back(row.name);
    for (const Expected& e : expected) {
        listed.push_back(e.option);
        Strings words;
        for (const auto& [word, value] : e.words) {
            const Parsed p = parse(e.option + "=" + word);
            ASSERT_EQ(p.o.present, 1u << uint32_t(lookup_id(e.option))) << e.option << "=" << word;
            EXPECT_EQ(stored(p.o, lookup_id(e.option)), value) << e.option << "=" << word;
            words.push_back(word);
        }
        /* Exactly these words: the form text lists the table's words, no more. */
        Strings form = split_form(option_form(lookup_id(e.option)));
        std::sort(form.begin(), form.end());
        std::sort(words.begin(), words.end());
        EXPECT_EQ(form, words) << e.option;
    }
    EXPECT_EQ(listed, keyword_options);
}

/* Every word of FLAG_KEYWORDS, for every FLAG option: its value, printed back as on or off. */
TEST(CmdlineKeywords, FlagWordsParseAndPrintOnOrOff)
{
    int flags = 0;
    for (const Row& row : option_rows()) {
        if (row.kind != "FLAG")
            continue;
        ++flags;
        EXPECT_STREQ(option_form(row.id), "on|off") << row.name;
        for (const Keyword<bool>& k : FLAG_KEYWORDS) {
            const std::string line = row.name + "=" + k.word;
            const Parsed p = parse(line);
            EXPECT_EQ(p.o.present, 1u << uint32_t(row.id)) << line;
            EXPECT_EQ(flag_value(p.o, row.id, !k.value), k.value) << line;
            const char* printed = cmdline::keyword_of(p.o, row.id);
            ASSERT_NE(printed, nullptr) << line;
            EXPECT_STREQ(printed, k.value ? "on" : "off") << line;
        }
        EXPECT_STREQ(cmdline::keyword_of(parse("no-" + row.name).o, row.id), "off") << row.name;
        EXPECT_STREQ(cmdline::keyword_of(parse(row.name).o, row.id), "on") << row.name;
    }
    EXPECT_GE(flags, 2);
    /* A VALUE option has no word. */
    EXPECT_EQ(cmdline::keyword_of(parse("debug-exit=0xf4").o, OptionId::debug_exit), nullptr);
}

/*
 * The checks behind the tables' static_asserts, on every table and on
 * broken ones: each must be able to say no.
 */
TEST(CmdlineKeywords, NoWordTwiceNoValueWithTwoWords)
{
#define RELBOOT_TEST_VALUE(form)
#define RELBOOT_TEST_FLAG(form)
#define RELBOOT_TEST_KEYWORD(form)                 \
    EXPECT_TRUE(words_unique(form)) << #form;      \
    EXPECT_TRUE(values_unique(form)) << #form;
#define RELBOOT_OPTION(id, name, kind, form, help) RELBOOT_TEST_##kind(form)
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_TEST_KEYWORD
#undef RELBOOT_TEST_FLAG
#undef RELBOOT_TEST_VALUE
    EXPECT_TRUE(words_unique(FLAG_KEYWORDS));
    EXPECT_FALSE(values_unique(FLAG_KEYWORDS));   /* on, yes, true, 1: aliases, printed as "on" */
    EXPECT_TRUE(words_unique(VGA_KINDS));
    EXPECT_TRUE(values_unique(VGA_KINDS));
    EXPECT_TRUE(prefix_free(VGA_KINDS));

    constexpr Keyword<Edd> same_word[] = {{"off", Edd::off}, {"on", Edd::on}, {"off", Edd::skipmbr}};
    EXPECT_FALSE(words_unique(same_word));
    EXPECT_TRUE(values_unique(same_word));
    constexpr Keyword<Edd> two_words[] = {{"off", Edd::off}, {"on", Edd::on}, {"no", Edd::off}};
    EXPECT_TRUE(words_unique(two_words));
    EXPECT_FALSE(values_unique(two_words));
    constexpr Keyword<Edd> empty_word[] = {{"", Edd::off}};
    EXPECT_FALSE(words_unique(empty_word));
    constexpr Keyword<VgaKind> prefixed[] = {{"gfx-", VgaKind::gfx}, {"gfx-x", VgaKind::mode}};
    EXPECT_FALSE(prefix_free(prefixed));
    /* A value the table has no word for: no word to print. */
    EXPECT_EQ(keyword_word(same_word, Edd::on), std::string("on"));
    EXPECT_EQ(keyword_word(DEBUG_FAULT32_KEYWORDS, DebugFault::pf), nullptr);
    EXPECT_EQ(keyword_word(EDID_KEYWORDS, Edid::unset), nullptr);
}

/*
 * Two tables of one enumeration (debug-fault= and debug-fault32=, both
 * DebugFault) agree: a word means one value, a value has one word.
 */
TEST(CmdlineKeywords, TablesOfOneTypeAgree)
{
    for (const Keyword<DebugFault>& a : DEBUG_FAULT_KEYWORDS)
        for (const Keyword<DebugFault>& b : DEBUG_FAULT32_KEYWORDS)
            EXPECT_EQ(std::string(a.word) == b.word, a.value == b.value) << a.word << " " << b.word;
    for (const Keyword<DebugFault>& b : DEBUG_FAULT32_KEYWORDS)
        EXPECT_NE(find_keyword(DEBUG_FAULT_KEYWORDS, b.word, uint32_t(std::string(b.word).size())), nullptr)
            << "debug-fault32=" << b.word << " is no debug-fault= word";
}

/* vga=: each kind's word (VGA_KINDS, which the report prints) with its parameters. */
TEST(CmdlineKeywords, VgaKindsParseWithTheirWord)
{
    const struct {
        VgaKind kind;
        const char* parameters;
    } samples[] = {{VgaKind::current, ""}, {VgaKind::text, "25"}, {VgaKind::gfx, "800x600x16"},
                   {VgaKind::mode, "0x317"}};
    for (const Keyword<VgaKind>& k : VGA_KINDS) {
        const char* parameters = nullptr;
        for (const auto& s : samples)
            if (s.kind == k.value)
                parameters = s.parameters;
        ASSERT_NE(parameters, nullptr) << k.word << ": no sample";
        const std::string line = std::string("vga=") + k.word + parameters;
        const Parsed p = parse(line);
        EXPECT_EQ(p.malformed(), Strings{}) << line;
        EXPECT_EQ(p.o.vga.kind, k.value) << line;
        EXPECT_STREQ(keyword_word(VGA_KINDS, p.o.vga.kind), k.word) << line;
        /* The form text names the word. */
        EXPECT_NE(std::string(option_form(OptionId::vga)).find(k.word), std::string::npos) << k.word;
    }
    /* Every kind the parser can store but unset has a word to print. */
    for (VgaKind kind : {VgaKind::current, VgaKind::text, VgaKind::gfx, VgaKind::mode})
        EXPECT_NE(keyword_word(VGA_KINDS, kind), nullptr) << int(kind);
    EXPECT_EQ(parse("vga=current25").o.vga.kind, VgaKind::unset);
}

/* Unknown tokens, malformed values and options mixed, as the lexer meets them in a long line. */
TEST(CmdlineGrammar, MixedLineKeepsOrderAndLastWins)
{
    const Parsed p = parse(" edd=on\tfoo \"loglvl=debug\" edd=skipmbr no-nx bar=\"1 2\" edd=bad console=none -- x");
    EXPECT_EQ(p.o.edd, Edd::skipmbr);
    EXPECT_EQ(p.o.loglvl, LogLevel::debug);
    EXPECT_EQ(p.o.console, ConsoleSel::none);
    EXPECT_TRUE(nx_off(p.o));
    EXPECT_EQ(p.unknown(), (Strings{"foo", "bar=1 2"}));
    EXPECT_EQ(p.malformed(), (Strings{"edd:edd=bad"}));
    EXPECT_EQ(p.passthrough(), "x");
    EXPECT_STREQ(cmdline::keyword_of(p.o, OptionId::edd), "skipmbr");
}
