/* The one error line (arch/x86/boot/lib/error.h, docs/report.md "Errors"), written into a capture console. */
#include <gtest/gtest.h>

#include <string>

#include "lib/console.h"
#include "lib/error.h"

using namespace relboot;

namespace {

std::string line(const BootError& e)
{
    char buf[512];
    Console con(buf, sizeof buf);
    print_error(con, e);
    return buf;
}

} // namespace

TEST(BootError, OkIsNoSubject)
{
    EXPECT_TRUE(BootError{}.ok());
    EXPECT_FALSE((BootError{.subject = "payload"}).ok());
}

TEST(BootError, PayloadShape)
{
    EXPECT_EQ(line({.subject = "payload", .field = "version", .found = 0x205, .expected = "at least 2.12 (0x020c)"}),
              "relboot: error: payload version: 0x00000205, expected at least 2.12 (0x020c)\r\n");
}

TEST(BootError, AddressDecimalAndLimit)
{
    EXPECT_EQ(line({.subject = "payload",
                    .field = "cmdline_size",
                    .found = 37,
                    .expected = "at most cmdline_size bytes",
                    .limit_name = "cmdline_size",
                    .limit = 16,
                    .found_radix = Radix::dec,
                    .limit_radix = Radix::dec}),
              "relboot: error: payload cmdline_size: 37, expected at most cmdline_size bytes; cmdline_size = 16\r\n");
    EXPECT_EQ(line({.subject = "multiboot2 info", .field = "size", .found = 4, .expected = "at least 8", .at = 0x10040}),
              "relboot: error: multiboot2 info at 0x00010040 size: 0x00000004, expected at least 8\r\n");
}

TEST(BootError, WideValuesGetSixteenDigits)
{
    EXPECT_EQ(line({.subject = "pvh info", .field = "memmap_paddr", .found = 0x1fffffff0, .expected = "below 4 GiB",
                    .at = 0x100000000}),
              "relboot: error: pvh info at 0x0000000100000000 memmap_paddr: 0x00000001fffffff0, expected below 4 GiB\r\n");
}

TEST(Console, CaptureTruncatesAndTerminates)
{
    char buf[12];
    Console con(buf, sizeof buf);
    con.begin().str("abcdefgh");
    EXPECT_STREQ(buf, "relboot: ab");
}
