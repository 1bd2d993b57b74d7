#include <gtest/gtest.h>
#include "lib/format.h"

#include <cstdint>
#include <string>

using namespace relboot;

namespace {
std::string hex(uint64_t v, unsigned digits)
{
    char buf[FORMAT_MAX];
    return std::string(buf, format_hex(buf, v, digits));
}
std::string dec(uint64_t v)
{
    char buf[FORMAT_MAX];
    return std::string(buf, format_dec(buf, v));
}
std::string esc(uint8_t c)
{
    char buf[FORMAT_MAX];
    return std::string(buf, format_escaped_byte(buf, c));
}
} // namespace

TEST(Format, HexFixedWidthLowerCase)
{
    EXPECT_EQ(hex(0x3fe00000, 8), "3fe00000");
    EXPECT_EQ(hex(0x200000, 8), "00200000");
    EXPECT_EQ(hex(0xffffffff81002830ULL, 16), "ffffffff81002830");
    EXPECT_EQ(hex(0xABCDEF, 6), "abcdef");
}

TEST(Format, HexKeepsLowDigitsAndClampsWidth)
{
    EXPECT_EQ(hex(0x12345678, 4), "5678");
    EXPECT_EQ(hex(0x5, 0), "5");
    EXPECT_EQ(hex(0x1, 99), "0000000000000001");
}

TEST(Format, Decimal)
{
    EXPECT_EQ(dec(0), "0");
    EXPECT_EQ(dec(7), "7");
    EXPECT_EQ(dec(10), "10");
    EXPECT_EQ(dec(2137), "2137");
    EXPECT_EQ(dec(1000000), "1000000");
    EXPECT_EQ(dec(UINT64_MAX), "18446744073709551615");
    EXPECT_EQ(dec(10000000000000000000ULL), "10000000000000000000");
}

TEST(Format, EscapesAsTheContractSays)
{
    EXPECT_EQ(esc('a'), "a");
    EXPECT_EQ(esc(' '), " ");
    EXPECT_EQ(esc('~'), "~");
    EXPECT_EQ(esc('"'), "\\x22");
    EXPECT_EQ(esc('\\'), "\\x5c");
    EXPECT_EQ(esc('\t'), "\\x09");
    EXPECT_EQ(esc(0x7f), "\\x7f");
    EXPECT_EQ(esc(0xff), "\\xff");
    EXPECT_EQ(esc(0), "\\x00");
}
