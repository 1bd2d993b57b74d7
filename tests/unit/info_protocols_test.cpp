/*
 * The multiboot1 and PVH early steps and fillers (include/relboot/
 * multiboot1.h, pvh.h) on structures laid out as QEMU 7.2's -kernel lays
 * them out (../shared/design/entry-smp-facts.md, sections 1 and 2), and on
 * malformed ones: each refusal names its field.
 */
#include "../fuzz/info_window.h"
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "protocol/multiboot1.h"
#include "protocol/pvh.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace relboot;
using boot_test::error_line;

namespace {

constexpr uint64_t B = fuzz::WINDOW_BASE;
constexpr PhysAddr TABLES{fuzz::IMAGE_BASE + 0x20000};

struct Memory {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(0x1000);
    fuzz::Window window() const { return fuzz::Window{bytes.data(), bytes.size()}; }
    void put32(uint64_t off, uint32_t v) { std::memcpy(&bytes[off], &v, 4); }
    void put64(uint64_t off, uint64_t v) { std::memcpy(&bytes[off], &v, 8); }
    void str(uint64_t off, const std::string& s) { std::memcpy(&bytes[off], s.c_str(), s.size() + 1); }
};

/* The filler's context: the tables on the heap at TABLES, memory the window. */
FillContext context(BootTables& tables, const fuzz::Window& w)
{
    return FillContext{&tables, TABLES, w.memory(), PhysAddr{0}};
}

BootState image_info()
{
    BootState bs{};
    bs.load_base = PhysAddr{fuzz::IMAGE_BASE};
    bs.image_size = fuzz::IMAGE_SIZE;
    return bs;
}

/* QEMU's multiboot1 boot information: cmdline "<path> <append>", a 3-entry e820 map, two modules. */
Memory qemu_mb1()
{
    Memory m;
    m.put32(0, MULTIBOOT1_INFO_CMDLINE | MULTIBOOT1_INFO_MEM_MAP | MULTIBOOT1_INFO_MODS |
                   MULTIBOOT1_INFO_BOOT_LOADER_NAME);
    m.put32(16, B + 0x100);
    m.str(0x100, "build/ebp/relboot.elf debug-exit=0xf4 hello");
    m.put32(64, B + 0x180);
    m.str(0x180, "qemu");
    const uint64_t map[3][3] = {{0, 0x9fc00, 1}, {0xf0000, 0x10000, 2}, {0x100000, 0x7ee0000, 1}};
    for (int i = 0; i < 3; ++i) {
        m.put32(0x200 + 24 * i, 20);
        m.put64(0x204 + 24 * i, map[i][0]);
        m.put64(0x20c + 24 * i, map[i][1]);
        m.put32(0x214 + 24 * i, uint32_t(map[i][2]));
    }
    m.put32(44, 72);
    m.put32(48, B + 0x200);
    m.put32(20, 2);
    m.put32(24, B + 0x300);
    m.put32(0x300, 0x2000000), m.put32(0x304, 0x2000010), m.put32(0x308, B + 0x380);
    m.put32(0x310, 0x2001000), m.put32(0x314, 0x2001000), m.put32(0x318, 0);
    m.str(0x380, "m1 arg1 arg2");
    return m;
}

TEST(Multiboot1, QemuLayout)
{
    const Memory m = qemu_mb1();
    const fuzz::Window w = m.window();
    BootState bs = image_info();
    auto tables = std::make_unique<BootTables>();
    bs.info = PhysAddr{B};
    const BootError c = boot_info_from_multiboot1(bs, context(*tables, w));
    ASSERT_TRUE(c.ok()) << error_line(c);
    EXPECT_EQ(bs.protocol, Protocol::multiboot1);
    EXPECT_EQ(bs.info.value, B);
    EXPECT_EQ(bs.info_size, uint32_t(MULTIBOOT1_INFO_SIZE));
    EXPECT_EQ(bs.firmware, BootFirmware::bios);
    /* The image's name is not relboot's command line. */
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(&m.bytes[bs.cmdline.value - B]), bs.cmdline_len),
              "debug-exit=0xf4 hello");
    ASSERT_EQ(bs.module_count, 2u);
    EXPECT_EQ(tables->modules[0].start.value, 0x2000000u);
    EXPECT_EQ(tables->modules[0].end.value, 0x2000010u);
    /* "m1 arg1 arg2": the file name "m1" is dropped, as every multiboot1 loader puts it first. */
    EXPECT_EQ(tables->modules[0].string.value, B + 0x383);
    EXPECT_EQ(tables->modules[0].string_len, 9u);
    EXPECT_FALSE(tables->modules[1].string.present());
    fuzz::check_filled(w, bs, *tables, TABLES);
    /* The image and the first module are in use, the RAM around them usable. */
    bool image = false, module = false;
    for (uint32_t i = 0; i < bs.memory_map_count; ++i) {
        const MemoryRange& r = tables->memory_map[i];
        image |= r.type == MemoryType::relboot && r.base.value == fuzz::IMAGE_BASE;
        module |= r.type == MemoryType::module && r.base.value == 0x2000000;
    }
    EXPECT_TRUE(image);
    EXPECT_TRUE(module);
    EXPECT_FALSE(bs.warnings);
}

TEST(Multiboot1, LongMemoryMapMergesAndModulesPastTheCapAreCounted)
{
    /* 2000 adjacent 64 KiB ranges of RAM from 256 MiB (the whole map), and 70 modules. */
    Memory m = qemu_mb1();
    m.bytes.resize(0x1000 + 2000 * 24);
    for (uint32_t i = 0; i < 2000; ++i) {
        m.put32(0x1000 + 24 * i, 20);
        m.put64(0x1004 + 24 * i, 0x10000000 + uint64_t(i) * 0x10000);
        m.put64(0x100c + 24 * i, 0x10000);
        m.put32(0x1014 + 24 * i, 1);
    }
    m.put32(44, 2000 * 24);
    m.put32(48, B + 0x1000);
    m.put32(20, 70);
    for (uint32_t i = 0; i < 70; ++i) {
        m.put32(0x300 + 16 * i, 0x2000000 + i * 0x1000);
        m.put32(0x304 + 16 * i, 0x2001000 + i * 0x1000);
        m.put32(0x308 + 16 * i, 0);
    }
    const fuzz::Window w = m.window();
    BootState bs = image_info();
    auto tables = std::make_unique<BootTables>();
    bs.info = PhysAddr{B};
    const BootError c = boot_info_from_multiboot1(bs, context(*tables, w));
    ASSERT_TRUE(c.ok()) << error_line(c);
    fuzz::check_filled(w, bs, *tables, TABLES);
    ASSERT_EQ(bs.memory_map_count, 1u);
    EXPECT_EQ(tables->memory_map[0].base.value, 0x10000000u);
    EXPECT_EQ(tables->memory_map[0].size, 2000u * 0x10000);
    EXPECT_EQ(tables->memory_map[0].type, MemoryType::usable);
    EXPECT_EQ(bs.module_count, MODULES_MAX);
    EXPECT_EQ(bs.modules_dropped, 70u - MODULES_MAX);
    EXPECT_EQ(tables->modules[MODULES_MAX - 1].start.value, 0x2000000u + (MODULES_MAX - 1) * 0x1000);
    EXPECT_EQ(bs.warnings, uint32_t(WARN_MODULES_TRUNCATED));
    EXPECT_EQ(bs.memory_map_dropped, 0u);
}

TEST(Multiboot1, EmptyAppendLeavesAnEmptyCommandLine)
{
    Memory m = qemu_mb1();
    m.str(0x100, "relboot.elf ");
    BootState bs{};
    ASSERT_TRUE(multiboot1_early(bs, m.window().memory(), PhysAddr{B}).ok());
    EXPECT_EQ(bs.cmdline_len, 0u);
}

/* One refusal per malformed field: the field named, at the structure's or the entry's address. */
struct Mb1Case {
    const char* field;
    uint64_t at;                /* offset from B of what the error line names */
    void (*spoil)(Memory&);
};

TEST(Multiboot1, Refusals)
{
    const Mb1Case cases[] = {
        {"cmdline", 0, [](Memory& m) { m.put32(16, 0x7fff0000); }},
        {"cmdline", 0, [](Memory& m) { std::memset(&m.bytes[0x100], 'x', 0xf00); }},
        {"boot_loader_name", 0, [](Memory& m) { m.put32(64, 0); }},
        {"mmap_addr", 0, [](Memory& m) { m.put32(44, 0x10000); }},
        {"size", 0x218, [](Memory& m) { m.put32(0x218, 12); }},
        {"size", 0x230, [](Memory& m) { m.put32(0x230, 100); }},
        {"mmap_length", 0, [](Memory& m) { m.put32(44, 74); }},
        {"mods_addr", 0, [](Memory& m) { m.put32(20, 0x10000000); }},
        {"mod_start", 0x300, [](Memory& m) { m.put32(0x300, 0x2000020); }},
        {"string", 0x310, [](Memory& m) { m.put32(0x318, 0xfff0); }},
    };
    for (const Mb1Case& k : cases) {
        SCOPED_TRACE(k.field);
        Memory m = qemu_mb1();
        k.spoil(m);
        BootState bs = image_info();
        bs.info = PhysAddr{B};
        auto tables = std::make_unique<BootTables>();
        const fuzz::Window w = m.window();
        const BootError c = boot_info_from_multiboot1(bs, context(*tables, w));
        ASSERT_FALSE(c.ok());
        EXPECT_STREQ(c.subject, "multiboot1 info");
        EXPECT_STREQ(c.field, k.field);
        EXPECT_EQ(c.at, B + k.at);
    }
}

TEST(Multiboot1, RefusalLines)
{
    /* The lines tests/loader/multiboot1-entry.test expects, here for a structure at B. */
    Memory m = qemu_mb1();
    std::memset(&m.bytes[0x100], 'x', 0xf00);
    BootState bs{};
    EXPECT_EQ(error_line(multiboot1_early(bs, m.window().memory(), PhysAddr{B})),
              "relboot: error: multiboot1 info at 0x00009000 cmdline: 0x00009100, expected a NUL-terminated string "
              "within 64 KiB, in memory relboot can read (below 4 GiB and mem=)\r\n");
    EXPECT_FALSE(bs.cmdline.present());   /* a faulty command line is not taken */

    m = qemu_mb1();
    m.put32(0x218, 12);
    bs = image_info();
    bs.info = PhysAddr{B};
    auto tables = std::make_unique<BootTables>();
    const fuzz::Window w = m.window();
    EXPECT_EQ(error_line(boot_info_from_multiboot1(bs, context(*tables, w))),
              "relboot: error: multiboot1 info at 0x00009218 size: 12, expected at least 20: base_addr, length and "
              "type (multiboot 3.3)\r\n");

    m = qemu_mb1();
    m.put32(24, 0xfffffff0);
    bs = image_info();
    bs.info = PhysAddr{B};
    const fuzz::Window w2 = m.window();
    EXPECT_EQ(error_line(boot_info_from_multiboot1(bs, context(*tables, w2))),
              "relboot: error: multiboot1 info at 0x00009000 mods_addr: 0xfffffff0, expected mods_count entries of 16 "
              "bytes in memory relboot can read (below 4 GiB and mem=); mods_count = 2\r\n");
}

TEST(Multiboot1, InfoOutsideMemory)
{
    Memory m = qemu_mb1();
    BootState bs{};
    const BootState before = bs;
    const BootError c = multiboot1_early(bs, m.window().memory(), PhysAddr{B + 0xfc0});
    ASSERT_FALSE(c.ok());
    EXPECT_STREQ(c.field, "ebx");
    EXPECT_EQ(std::memcmp(&bs, &before, sizeof bs), 0);   /* a refusal sets nothing */
}

/* QEMU's PVH start info: version 1, the -append string, one module without a string, the RSDP. */
Memory qemu_pvh()
{
    Memory m;
    m.put32(0, XEN_HVM_START_MAGIC_VALUE);
    m.put32(4, 1);
    m.put32(12, 1);
    m.put64(16, B + 0x200);
    m.put64(24, B + 0x100);
    m.str(0x100, "debug-exit=0xf4");
    m.put64(32, 0xf59d0);
    m.put64(40, B + 0x300);
    m.put32(48, 3);
    m.put64(0x200, 0xffd7000), m.put64(0x208, 0x2710);
    const uint64_t map[3][3] = {{0, 0x9fc00, 1}, {0x100000, 0xfee0000, 1}, {0xfeffc000, 0x4000, 2}};
    for (int i = 0; i < 3; ++i) {
        m.put64(0x300 + 24 * i, map[i][0]);
        m.put64(0x308 + 24 * i, map[i][1]);
        m.put32(0x310 + 24 * i, uint32_t(map[i][2]));
    }
    return m;
}

TEST(Pvh, QemuLayout)
{
    const Memory m = qemu_pvh();
    const fuzz::Window w = m.window();
    BootState bs = image_info();
    auto tables = std::make_unique<BootTables>();
    bs.info = PhysAddr{B};
    const BootError c = boot_info_from_pvh(bs, context(*tables, w));
    ASSERT_TRUE(c.ok()) << error_line(c);
    EXPECT_EQ(bs.protocol, Protocol::pvh);
    EXPECT_EQ(bs.info_size, uint32_t(HVM_START_INFO_SIZE));
    EXPECT_EQ(bs.cmdline.value, B + 0x100);
    EXPECT_EQ(bs.cmdline_len, 15u);
    EXPECT_EQ(bs.acpi_rsdp.value, 0xf59d0u);
    EXPECT_EQ(bs.acpi_source, AcpiSource::pvh);
    ASSERT_EQ(bs.module_count, 1u);
    EXPECT_EQ(tables->modules[0].end.value, 0xffd7000u + 0x2710);
    EXPECT_FALSE(tables->modules[0].string.present());
    EXPECT_GE(bs.memory_map_count, 4u);
    fuzz::check_filled(w, bs, *tables, TABLES);
}

TEST(Pvh, MapPastTheCapNamesWhatItDropped)
{
    /* 1500 ranges from 256 MiB, RAM and reserved by turns (nothing merges), and 65 modules. */
    Memory m = qemu_pvh();
    m.bytes.resize(0x1000 + 1500 * 24);
    for (uint32_t i = 0; i < 1500; ++i) {
        m.put64(0x1000 + 24 * i, 0x10000000 + uint64_t(i) * 0x1000);
        m.put64(0x1008 + 24 * i, 0x1000);
        m.put32(0x1010 + 24 * i, i % 2 ? 2 : 1);
    }
    m.put64(40, B + 0x1000);
    m.put32(48, 1500);
    m.put32(12, 65);
    m.put64(16, B + 0x300);
    for (uint32_t i = 0; i < 65; ++i) {
        m.put64(0x300 + 32 * i, 0x2000000 + uint64_t(i) * 0x1000);
        m.put64(0x308 + 32 * i, 0x1000);
        m.put64(0x310 + 32 * i, 0);
    }
    const fuzz::Window w = m.window();
    BootState bs = image_info();
    auto tables = std::make_unique<BootTables>();
    bs.info = PhysAddr{B};
    const BootError c = boot_info_from_pvh(bs, context(*tables, w));
    ASSERT_TRUE(c.ok()) << error_line(c);
    fuzz::check_filled(w, bs, *tables, TABLES);
    ASSERT_EQ(bs.memory_map_count, MEMORY_MAP_MAX);
    for (uint32_t i = 0; i < MEMORY_MAP_MAX; ++i) {
        ASSERT_EQ(tables->memory_map[i].base.value, 0x10000000u + i * 0x1000) << i;
        ASSERT_EQ(tables->memory_map[i].type, i % 2 ? MemoryType::reserved : MemoryType::usable) << i;
    }
    EXPECT_EQ(bs.memory_map_dropped, 1500u - MEMORY_MAP_MAX);
    EXPECT_EQ(bs.memory_map_cut, 0x10000000u + MEMORY_MAP_MAX * 0x1000);
    EXPECT_EQ(bs.module_count, MODULES_MAX);
    EXPECT_EQ(bs.modules_dropped, 1u);
    EXPECT_EQ(bs.warnings, uint32_t(WARN_MMAP_TRUNCATED | WARN_MODULES_TRUNCATED));
}

TEST(Pvh, VersionZeroHasNoMemoryMap)
{
    Memory m = qemu_pvh();
    m.put32(4, 0);
    BootState bs = image_info();
    auto tables = std::make_unique<BootTables>();
    bs.info = PhysAddr{B};
    const fuzz::Window w = m.window();
    ASSERT_TRUE(boot_info_from_pvh(bs, context(*tables, w)).ok());
    EXPECT_EQ(bs.memory_map_count, 0u);
}

TEST(Pvh, Refusals)
{
    const Mb1Case cases[] = {
        {"magic", 0, [](Memory& m) { m.put32(0, 0x2badb002); }},
        {"cmdline_paddr", 0, [](Memory& m) { std::memset(&m.bytes[0x100], 'x', 0xf00); }},
        {"memmap_paddr", 0, [](Memory& m) { m.put32(48, 1000); }},
        {"modlist_paddr", 0, [](Memory& m) { m.put32(12, 0x8000000); }},
        {"modlist_paddr", 0, [](Memory& m) { m.put64(16, 0); }},
        {"size", 0x200, [](Memory& m) { m.put64(0x208, ~uint64_t(0)); }},
        {"cmdline_paddr", 0x200, [](Memory& m) { m.put64(0x210, 0x1234567); }},
    };
    for (const Mb1Case& k : cases) {
        SCOPED_TRACE(k.field);
        Memory m = qemu_pvh();
        k.spoil(m);
        BootState bs = image_info();
        bs.info = PhysAddr{B};
        auto tables = std::make_unique<BootTables>();
        const fuzz::Window w = m.window();
        const BootError c = boot_info_from_pvh(bs, context(*tables, w));
        ASSERT_FALSE(c.ok());
        EXPECT_STREQ(c.subject, "pvh info");
        EXPECT_STREQ(c.field, k.field);
        EXPECT_EQ(c.at, B + k.at);
    }
}

TEST(Pvh, RefusalLines)
{
    /* The line tests/loader/pvh-entry.test expects, here for a start info at B. */
    Memory m = qemu_pvh();
    m.put64(40, 0xfffffff0);
    BootState bs = image_info();
    bs.info = PhysAddr{B};
    auto tables = std::make_unique<BootTables>();
    const fuzz::Window w = m.window();
    EXPECT_EQ(error_line(boot_info_from_pvh(bs, context(*tables, w))),
              "relboot: error: pvh info at 0x00009000 memmap_paddr: 0xfffffff0, expected memmap_entries entries of 24 "
              "bytes in memory relboot can read (below 4 GiB and mem=); memmap_entries = 3\r\n");
    m = qemu_pvh();
    m.put32(0, 0x2badb002);
    EXPECT_EQ(error_line(pvh_early(bs, m.window().memory(), PhysAddr{B})),
              "relboot: error: pvh info at 0x00009000 magic: 0x2badb002, expected 0x336ec578 "
              "(XEN_HVM_START_MAGIC_VALUE)\r\n");
}

} // namespace
