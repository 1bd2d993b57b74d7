#include <gtest/gtest.h>
#include <relboot/cmdline.h>

#include <cstring>
#include <string>

using namespace relboot;

namespace {
Options parse(const std::string& s)
{
    Options o{};
    cmdline_parse(s.data(), uint32_t(s.size()), &o);
    return o;
}
} // namespace

TEST(Cmdline, EmptyKeepsDefaults)
{
    const Options o = parse("");
    EXPECT_EQ(o.debug_exit_port, 0);
    EXPECT_EQ(o.debug_fault, DebugFault::none);
    EXPECT_EQ(o.debug_fault32, DebugFault::none);
}

TEST(Cmdline, DebugExitHexAndDecimal)
{
    EXPECT_EQ(parse("debug-exit=0xf4").debug_exit_port, 0xf4);
    EXPECT_EQ(parse("debug-exit=244").debug_exit_port, 244);
    EXPECT_EQ(parse("  \tdebug-exit=0X501\r\n").debug_exit_port, 0x501);
}

TEST(Cmdline, DebugExitMalformedKeepsDefault)
{
    EXPECT_EQ(parse("debug-exit=").debug_exit_port, 0);
    EXPECT_EQ(parse("debug-exit=0x").debug_exit_port, 0);
    EXPECT_EQ(parse("debug-exit=abc").debug_exit_port, 0);
    EXPECT_EQ(parse("debug-exit=0x10000").debug_exit_port, 0);
    EXPECT_EQ(parse("debug-exit=0").debug_exit_port, 0);
    EXPECT_EQ(parse("debug-exit=99999999999999999999999").debug_exit_port, 0);
}

TEST(Cmdline, LastOccurrenceWins)
{
    EXPECT_EQ(parse("debug-exit=0xf4 debug-exit=0x80").debug_exit_port, 0x80);
    /* A malformed later value leaves the earlier valid one in force. */
    EXPECT_EQ(parse("debug-exit=0xf4 debug-exit=zz").debug_exit_port, 0xf4);
}

TEST(Cmdline, Faults)
{
    EXPECT_EQ(parse("debug-fault=ud2").debug_fault, DebugFault::ud2);
    EXPECT_EQ(parse("debug-fault=gp").debug_fault, DebugFault::gp);
    EXPECT_EQ(parse("debug-fault=pf").debug_fault, DebugFault::pf);
    EXPECT_EQ(parse("debug-fault=nope").debug_fault, DebugFault::none);
    EXPECT_EQ(parse("debug-fault32=ud2").debug_fault32, DebugFault::ud2);
    EXPECT_EQ(parse("debug-fault32=gp").debug_fault32, DebugFault::gp);
    /* No #PF without paging: refused for the 32-bit stage. */
    EXPECT_EQ(parse("debug-fault32=pf").debug_fault32, DebugFault::none);
}

TEST(Cmdline, PrefixesAndUnknownTokensDoNotMatch)
{
    EXPECT_EQ(parse("debug-exitx=0xf4").debug_exit_port, 0);
    EXPECT_EQ(parse("debug-exi=0xf4").debug_exit_port, 0);
    EXPECT_EQ(parse("foo bar=1 debug-exit").debug_exit_port, 0);
    EXPECT_EQ(parse("foo debug-exit=0xf4 bar").debug_exit_port, 0xf4);
}

TEST(Cmdline, LengthBoundsTheReadNotJustNul)
{
    const char line[] = "debug-exit=0xf4";
    Options o{};
    cmdline_parse(line, 13, &o); /* "debug-exit=0x" */
    EXPECT_EQ(o.debug_exit_port, 0);
    Options p{};
    const char with_nul[] = "debug-exit=0xf4\0debug-fault=ud2";
    cmdline_parse(with_nul, sizeof(with_nul) - 1, &p);
    EXPECT_EQ(p.debug_exit_port, 0xf4);
    EXPECT_EQ(p.debug_fault, DebugFault::none);
}
