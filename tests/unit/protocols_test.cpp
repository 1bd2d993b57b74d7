/*
 * The one protocol table (arch/x86/boot/protocol/protocols.def) and what
 * it generates: the entry numbers, the Protocol enum and its names, and
 * the two dispatches of protocol_steps.h.
 */
#include "boot_test_util.h"
#include "mbi_builder.h"

#include <gtest/gtest.h>
#include <relboot/boot_info.h>
#include <relboot/spec/multiboot1.h>
#include <relboot/spec/pvh.h>
#include "protocol/protocol_steps.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace relboot;
using boot_test::error_line;
using boot_test::TestMemory;

TEST(Protocols, NumbersAreTheEntriesAndThePublicAbi)
{
    /* The entry files pass these in ESI; BootProtocol (boot_info.h) is an ABI with the same values. */
    EXPECT_EQ(PROTOCOL_MULTIBOOT2, 1u);
    EXPECT_EQ(PROTOCOL_MULTIBOOT1, 2u);
    EXPECT_EQ(PROTOCOL_PVH, 3u);
    EXPECT_EQ(PROTOCOL_MULTIBOOT2_EFI64, 4u);
    EXPECT_EQ(uint32_t(Protocol::multiboot2), uint32_t(BootProtocol::multiboot2));
    EXPECT_EQ(uint32_t(Protocol::multiboot1), uint32_t(BootProtocol::multiboot1));
    EXPECT_EQ(uint32_t(Protocol::pvh), uint32_t(BootProtocol::pvh));
}

TEST(Protocols, NamesAndWhoReportsTheBase)
{
    EXPECT_STREQ(protocol_name(Protocol::multiboot2), "multiboot2");
    EXPECT_STREQ(protocol_name(Protocol::multiboot1), "multiboot1");
    EXPECT_STREQ(protocol_name(Protocol::pvh), "pvh");
    EXPECT_STREQ(protocol_name(Protocol::none), "none");
    EXPECT_TRUE(protocol_reports_base(Protocol::multiboot2));
    EXPECT_FALSE(protocol_reports_base(Protocol::multiboot1));
    EXPECT_FALSE(protocol_reports_base(Protocol::pvh));
    EXPECT_FALSE(protocol_reports_base(Protocol::none));
}

namespace {

constexpr uint64_t INFO = 0x10000;

/* A structure of each protocol at INFO, as small as its early step accepts. */
std::vector<uint64_t> structure_for(uint32_t entry)
{
    std::vector<uint64_t> words(16, 0);
    uint32_t first = 0;
    if (entry == PROTOCOL_MULTIBOOT2 || entry == PROTOCOL_MULTIBOOT2_EFI64)
        return MbiBuilder().end().build();
    if (entry == PROTOCOL_PVH)
        first = XEN_HVM_START_MAGIC_VALUE;   /* no command line, no modules, version 0 */
    std::memcpy(words.data(), &first, 4);   /* multiboot1: flags 0 */
    return words;
}

} // namespace

TEST(Protocols, TheEarlyStepIsChosenByTheEntryNumber)
{
    struct Case {
        uint32_t entry;
        Protocol protocol;
        uint8_t entry_efi64;
    };
    for (const Case c : {Case{PROTOCOL_MULTIBOOT2, Protocol::multiboot2, 0}, Case{PROTOCOL_MULTIBOOT1, Protocol::multiboot1, 0},
                         Case{PROTOCOL_PVH, Protocol::pvh, 0}, Case{PROTOCOL_MULTIBOOT2_EFI64, Protocol::multiboot2, 1}}) {
        SCOPED_TRACE(c.entry);
        const std::vector<uint64_t> info = structure_for(c.entry);
        TestMemory mem;
        mem.add(INFO, info);
        BootState bs{};
        const BootError e = protocol_early(c.entry, bs, mem.memory(), PhysAddr{INFO});
        ASSERT_TRUE(e.ok()) << error_line(e);
        EXPECT_EQ(bs.protocol, c.protocol);
        EXPECT_EQ(bs.entry_efi64, c.entry_efi64);
        EXPECT_EQ(bs.info, PhysAddr{INFO});
    }
}

TEST(Protocols, AnUnknownEntryNumberIsRefused)
{
    BootState bs{};
    const BootState before = bs;
    const TestMemory none;
    EXPECT_EQ(error_line(protocol_early(9, bs, none.memory(), PhysAddr{INFO})),
              "relboot: error: entry protocol: 9, expected a PROTOCOL_* number of protocol/protocols.def in ESI\r\n");
    EXPECT_EQ(std::memcmp(&bs, &before, sizeof bs), 0);
}

TEST(Protocols, TheFillerIsChosenByBootStateProtocol)
{
    /* PVH's filler (it reads rsdp_paddr, which no other filler knows) for Protocol::pvh. */
    std::vector<uint64_t> info(8, 0);
    const uint32_t magic = XEN_HVM_START_MAGIC_VALUE;
    std::memcpy(info.data(), &magic, 4);
    info[4] = 0xf59d0;   /* rsdp_paddr, at byte 32 */
    TestMemory mem;
    mem.add(INFO, info);
    BootState bs{};
    bs.load_base = PhysAddr{0x1000000};
    bs.image_size = 0x40000;
    ASSERT_TRUE(protocol_early(PROTOCOL_PVH, bs, mem.memory(), PhysAddr{INFO}).ok());
    auto tables = std::make_unique<BootTables>();
    const FillContext ctx{tables.get(), PhysAddr{0x1020000}, mem.memory(), PhysAddr{0}};
    ASSERT_TRUE(protocol_fill(bs, ctx).ok());
    EXPECT_EQ(bs.acpi_source, AcpiSource::pvh);
    EXPECT_EQ(bs.acpi_rsdp, PhysAddr{0xf59d0});

    BootState never{};
    EXPECT_EQ(error_line(protocol_fill(never, ctx)),
              "relboot: error: boot state protocol: 0, expected a protocol of protocol/protocols.def, set by the early "
              "step\r\n");
}
