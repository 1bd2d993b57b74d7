/* The command-line grammar (docs/cmdline.md) and every option's value forms. */
#include <gtest/gtest.h>
#include "cmdline/cmdline.h"

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
