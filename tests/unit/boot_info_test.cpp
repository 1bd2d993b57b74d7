/*
 * multiboot2_early() and boot_info_from_multiboot2() (arch/x86/boot/protocol/mbi.h),
 * run in the boot's order (the early step's one walk, then the filler on the
 * same BootState), on MBIs shaped like GRUB's, on BIOS and on EFI, and on
 * malformed ones.
 */
#include "boot_test_util.h"
#include "mbi_builder.h"

#include <gtest/gtest.h>
#include <relboot/spec/efi.h>
#include "protocol/efi_exit.h"
#include "protocol/mbi.h"

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace relboot;
using namespace boot_test;
using boot_test::TestMemory;

namespace {

constexpr uint64_t MBI_PHYS = 0x102000;
constexpr uint64_t IMAGE = 0x3fe00000, IMAGE_SIZE = 0x1e000;
constexpr PhysAddr TABLES{IMAGE + 0x12000};
constexpr uint64_t SYSTAB = 0x3f8ee018;   /* where OVMF's EFI system table sat in a 1 GiB guest */

/* Tag 6 entries from ranges. */
std::vector<MbiBuilder::MmapEntry> entries_of(const std::vector<MemoryRange>& ranges)
{
    std::vector<MbiBuilder::MmapEntry> out;
    for (const MemoryRange& r : ranges)
        out.push_back({r.base.value, r.size, uint32_t(r.type)});
    return out;
}

/* A BootState as the 64-bit stage has it before the filler: every byte fill, then the image set. */
BootState start_info(uint8_t fill = 0)
{
    BootState bs;
    std::memset(&bs, fill, sizeof(bs));
    bs.load_base = PhysAddr{IMAGE};
    bs.image_size = IMAGE_SIZE;
    return bs;
}

/*
 * The early step and then (when it accepted the MBI) the filler on an MBI
 * at phys, with the tables on the heap (filled with 0xa5).
 */
struct Filled {
    std::vector<uint64_t> mbi;
    uint64_t phys;
    BootState bs;
    std::unique_ptr<BootTables> tables;
    BootError error;    /* the early step's, else the filler's */

    std::vector<MemoryRange> map() const
    {
        return {tables->memory_map, tables->memory_map + bs.memory_map_count};
    }
    /* The MBI's bytes at physical address p (a string BootState points at), len bytes. */
    std::string bytes_at(PhysAddr p, size_t len) const
    {
        EXPECT_GE(p.value, phys);
        EXPECT_LE(p.value - phys + len, mbi.size() * 8);
        return std::string(reinterpret_cast<const char*>(mbi.data()) + (p.value - phys), len);
    }
};

Filled fill(std::vector<uint64_t> mbi, const BootState& bs = start_info(), uint64_t phys = MBI_PHYS)
{
    Filled f{std::move(mbi), phys, bs, std::make_unique<BootTables>(), {}};
    std::memset(f.tables.get(), 0xa5, sizeof(BootTables));
    TestMemory mem;
    mem.add(phys, f.mbi);
    f.error = multiboot2_early(f.bs, mem.memory(), PhysAddr{phys});
    if (f.error.ok())
        f.error = boot_info_from_multiboot2(f.bs, FillContext{f.tables.get(), TABLES, mem.memory(), PhysAddr{0}});
    return f;
}

/* Byte-for-byte equality of two objects, with the first differing offset on failure. */
template <class T>
testing::AssertionResult same_bytes(const T& a, const T& b)
{
    const auto* x = reinterpret_cast<const uint8_t*>(&a);
    const auto* y = reinterpret_cast<const uint8_t*>(&b);
    for (size_t i = 0; i < sizeof(T); ++i)
        if (x[i] != y[i])
            return testing::AssertionFailure() << "first difference at byte " << i << " of " << sizeof(T);
    return testing::AssertionSuccess();
}

/* v as 8 lower-case hex digits, as an error line writes an address below 4 GiB. */
std::string hex8(uint64_t v)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(v));
    return buf;
}

uint32_t total_size(const std::vector<uint64_t>& mbi)
{
    return uint32_t(mbi[0]);
}

constexpr PhysAddr MEMORY_MAP_AT = TABLES + offsetof(BootTables, memory_map);
constexpr PhysAddr MODULES_AT = TABLES + offsetof(BootTables, modules);

} // namespace

TEST(BootInfoMultiboot2, GrubLikeBiosMbi)
{
    const std::vector<uint8_t> rsdp = make_rsdp(0, "BOCHS ");
    MbiBuilder b;
    b.load_base(uint32_t(IMAGE));
    const size_t cmdline_at = b.size();
    b.cmdline("debug-exit=0xf4 x=\"a b\"").loader_name("GRUB 2.06");
    const size_t mod0_at = b.size();
    b.module(0x103000, 0x10a000, "mod0 arg");
    const size_t mod1_at = b.size();
    b.module(0x10b000, 0x10c5a7, "");
    b.tag(MULTIBOOT2_TAG_TYPE_BASIC_MEMINFO, MbiBuilder::u32s({639, 1047424}))
        .tag(MULTIBOOT2_TAG_TYPE_BOOTDEV, MbiBuilder::u32s({0xe0, 0xffffffff, 0xffffffff}));
    const size_t mmap_at = b.size();
    b.mmap_entries(entries_of(boot_test::seabios_1g()));
    const size_t acpi_at = b.size();
    b.acpi_old(rsdp).end();
    const BootState before = start_info();
    const Filled f = fill(b.build(), before);
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    const uint32_t total = total_size(f.mbi);

    /* Every field the early step and the filler set, and nothing else. */
    BootState want = before;
    want.mbi.load_base_addr = 8;
    want.mbi.cmdline = uint32_t(cmdline_at);
    want.mbi.module_count = 2;
    want.mbi.modules[0] = uint32_t(mod0_at);
    want.mbi.modules[1] = uint32_t(mod1_at);
    want.mbi.mmap = uint32_t(mmap_at);
    want.mbi.acpi_old = uint32_t(acpi_at);
    want.protocol = Protocol::multiboot2;
    want.info = PhysAddr{MBI_PHYS};
    want.info_size = total;
    want.loader_base = PhysAddr{IMAGE};
    want.cmdline = PhysAddr{MBI_PHYS + cmdline_at + 8};
    want.cmdline_len = 23;
    want.firmware = BootFirmware::bios;
    want.modules = MODULES_AT;
    want.module_count = 2;
    want.memory_map = MEMORY_MAP_AT;
    want.memory_map_count = 15;
    want.acpi_rsdp_copy = PhysAddr{MBI_PHYS + acpi_at + 8};
    want.acpi_rsdp_copy_len = 20;
    EXPECT_EQ(f.bs.protocol, Protocol::multiboot2);
    EXPECT_EQ(f.bs.info, want.info);
    EXPECT_EQ(f.bs.info_size, total);
    EXPECT_EQ(f.bs.loader_base, want.loader_base);
    EXPECT_EQ(f.bs.cmdline, want.cmdline);
    EXPECT_EQ(f.bs.cmdline_len, want.cmdline_len);
    EXPECT_EQ(f.bytes_at(f.bs.cmdline, f.bs.cmdline_len + 1), std::string("debug-exit=0xf4 x=\"a b\"", 24));
    EXPECT_EQ(f.bs.firmware, BootFirmware::bios);
    EXPECT_EQ(f.bs.efi_system_table, PhysAddr{0});
    EXPECT_EQ(f.bs.efi_mmap, PhysAddr{0});
    EXPECT_EQ(f.bs.acpi_rsdp_copy, want.acpi_rsdp_copy);
    EXPECT_EQ(f.bs.acpi_rsdp_copy_len, 20u);
    EXPECT_EQ(f.bytes_at(f.bs.acpi_rsdp_copy, 20), std::string(rsdp.begin(), rsdp.end()));
    EXPECT_EQ(f.bs.memory_map, MEMORY_MAP_AT);
    EXPECT_EQ(f.bs.modules, MODULES_AT);
    EXPECT_EQ(f.bs.warnings, 0u);
    EXPECT_TRUE(same_bytes(f.bs, want));

    ASSERT_EQ(f.bs.module_count, 2u);
    const BootModule& m0 = f.tables->modules[0];
    EXPECT_EQ(m0.start, PhysAddr{0x103000});
    EXPECT_EQ(m0.end, PhysAddr{0x10a000});
    EXPECT_EQ(m0.string, PhysAddr{MBI_PHYS + mod0_at + 16});
    EXPECT_EQ(m0.string_len, 8u);
    EXPECT_EQ(f.bytes_at(m0.string, 9), std::string("mod0 arg", 9));
    const BootModule& m1 = f.tables->modules[1];
    EXPECT_EQ(m1.start, PhysAddr{0x10b000});
    EXPECT_EQ(m1.end, PhysAddr{0x10c5a7});
    EXPECT_EQ(m1.string, PhysAddr{MBI_PHYS + mod1_at + 16});
    EXPECT_EQ(m1.string_len, 0u);
    EXPECT_EQ(f.bytes_at(m1.string, 1), std::string(1, '\0'));

    EXPECT_EQ(f.map(), (std::vector<MemoryRange>{
                           span(0x0, 0x9fc00, U),
                           span(0x9fc00, 0xa0000, R),
                           span(0xf0000, 0x100000, R),
                           span(0x100000, MBI_PHYS, U),
                           span(MBI_PHYS, MBI_PHYS + total, DATA),
                           span(MBI_PHYS + total, 0x103000, U),
                           span(0x103000, 0x10a000, MOD),
                           span(0x10a000, 0x10b000, U),
                           span(0x10b000, 0x10c5a7, MOD),
                           span(0x10c5a7, IMAGE, U),
                           span(IMAGE, IMAGE + IMAGE_SIZE, IMG),
                           span(IMAGE + IMAGE_SIZE, 0x3ffe0000, U),
                           span(0x3ffe0000, 0x40000000, R),
                           span(0xfeffc000, 0xff000000, R),
                           span(0xfffc0000, 0x100000000, R),
                       }));
}

TEST(BootInfoMultiboot2, MemoryMapEntriesLargerThan24Bytes)
{
    /* entry_size 32: the reader steps by it (the padding is 0xee garbage). */
    const Filled f = fill(MbiBuilder().mmap_entries(entries_of(boot_test::seabios_1g()), 32).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    const std::vector<MemoryRange> map = f.map();
    ASSERT_EQ(map.size(), 11u);
    EXPECT_EQ(map.front(), span(0x0, 0x9fc00, U));
    EXPECT_EQ(map.back(), span(0xfffc0000, 0x100000000, R));
}

TEST(BootInfoMultiboot2, AcpiCopyPrefersTag15WhateverTheOrder)
{
    const std::vector<uint8_t> v1 = make_rsdp(0, "OLDOEM"), v2 = make_rsdp(2, "NEWOEM");
    for (bool new_first : {false, true}) {
        MbiBuilder b;
        size_t new_at;
        if (new_first) {
            new_at = b.size();
            b.acpi_new(v2).acpi_old(v1);
        } else {
            b.acpi_old(v1);
            new_at = b.size();
            b.acpi_new(v2);
        }
        const Filled f = fill(b.end().build());
        ASSERT_TRUE(f.error.ok()) << error_line(f.error);
        EXPECT_EQ(f.bs.acpi_rsdp_copy, PhysAddr{MBI_PHYS + new_at + 8}) << "tag 15 first: " << new_first;
        EXPECT_EQ(f.bs.acpi_rsdp_copy_len, 36u);
        EXPECT_EQ(f.bytes_at(f.bs.acpi_rsdp_copy, 36), std::string(v2.begin(), v2.end()));
    }
    /* An empty tag 15 is no copy: tag 14's is used. */
    MbiBuilder b;
    b.acpi_new({});
    const size_t old_at = b.size();
    const Filled f = fill(b.acpi_old(v1).end().build());
    EXPECT_EQ(f.bs.acpi_rsdp_copy, PhysAddr{MBI_PHYS + old_at + 8});
    EXPECT_EQ(f.bs.acpi_rsdp_copy_len, 20u);
    /* Two tags 15: the first. */
    MbiBuilder two;
    const size_t first_at = two.size();
    const Filled g = fill(two.acpi_new(v2).acpi_new(make_rsdp(2, "SECOND")).end().build());
    EXPECT_EQ(g.bs.acpi_rsdp_copy, PhysAddr{MBI_PHYS + first_at + 8});
    /* Neither: no copy. */
    EXPECT_EQ(fill(MbiBuilder().end().build()).bs.acpi_rsdp_copy, PhysAddr{0});
}

namespace {

/* An OVMF-like EFI memory map of a 1 GiB guest (types as GetMemoryMap() reports them). */
std::vector<MbiBuilder::EfiDescriptor> ovmf_descriptors()
{
    return {
        {efi::BOOT_SERVICES_CODE, 0x0, 0x1, 0xf},
        {efi::CONVENTIONAL_MEMORY, 0x1000, 0x9f, 0xf},
        {efi::CONVENTIONAL_MEMORY, 0x100000, 0x700, 0xf},
        {efi::ACPI_MEMORY_NVS, 0x800000, 0x8, 0xf},
        {efi::CONVENTIONAL_MEMORY, 0x808000, 0x3, 0xf},
        {efi::ACPI_MEMORY_NVS, 0x80b000, 0x1, 0xf},
        {efi::BOOT_SERVICES_DATA, 0x80c000, 0x4, 0xf},
        {efi::ACPI_MEMORY_NVS, 0x810000, 0xf0, 0xf},
        {efi::LOADER_CODE, 0x900000, 0x100, 0xf},
        {efi::CONVENTIONAL_MEMORY, 0xa00000, 0x3e600, 0xf},
        {efi::BOOT_SERVICES_CODE, 0x3f000000, 0x800, 0xf},
        {efi::RUNTIME_SERVICES_DATA, 0x3f800000, 0x100, 0x800000000000000f},
        {efi::ACPI_RECLAIM_MEMORY, 0x3f900000, 0x80, 0xf},
        {efi::UNUSABLE_MEMORY, 0x3f980000, 0x80, 0xf},
        {efi::LOADER_DATA, 0x3fa00000, 0x600, 0xf},
        {efi::MEMORY_MAPPED_IO, 0xffc00000, 0x400, 0x8000000000000001},
        {efi::PERSISTENT_MEMORY, 0x100000000, 0x1, 0xf},
    };
}

} // namespace

TEST(BootInfoMultiboot2, EfiMbiConvertsTheEfiMemoryMap)
{
    const std::vector<uint8_t> rsdp = make_rsdp(2, "OVMF  ");
    MbiBuilder b;
    b.load_base(uint32_t(IMAGE)).cmdline("").loader_name("GRUB 2.06").efi64(SYSTAB);
    const size_t acpi_at = b.size();
    b.acpi_new(rsdp);
    const size_t efi_mmap_at = b.size();
    const auto descs = ovmf_descriptors();
    b.efi_mmap(descs, 48).tag(MULTIBOOT2_TAG_TYPE_EFI_BS, {}).end();
    const Filled f = fill(b.build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    const uint32_t total = total_size(f.mbi);

    EXPECT_EQ(f.bs.firmware, BootFirmware::efi);
    EXPECT_EQ(f.bs.efi_system_table, PhysAddr{SYSTAB});
    EXPECT_EQ(f.bs.efi_64, 1u);
    EXPECT_EQ(f.bs.efi_mmap, PhysAddr{MBI_PHYS + efi_mmap_at + 16});
    EXPECT_EQ(f.bs.efi_mmap_size, descs.size() * 48);
    EXPECT_EQ(f.bs.efi_mmap_desc_size, 48u);
    EXPECT_EQ(f.bs.efi_mmap_desc_version, 1u);
    EXPECT_EQ(f.bs.acpi_rsdp_copy, PhysAddr{MBI_PHYS + acpi_at + 8});
    EXPECT_EQ(f.bs.acpi_rsdp_copy_len, 36u);
    EXPECT_EQ(f.bs.cmdline_len, 0u);
    EXPECT_EQ(f.bs.module_count, 0u);
    EXPECT_EQ(f.bs.warnings, 0u);
    /* Loader and boot-services memory is usable after ExitBootServices(); runtime, MMIO and the rest are not. */
    EXPECT_EQ(f.map(), (std::vector<MemoryRange>{
                           span(0x0, 0xa0000, U),
                           span(0x100000, MBI_PHYS, U),
                           span(MBI_PHYS, MBI_PHYS + total, DATA),
                           span(MBI_PHYS + total, 0x800000, U),
                           span(0x800000, 0x808000, MemoryType::acpi_nvs),
                           span(0x808000, 0x80b000, U),
                           span(0x80b000, 0x80c000, MemoryType::acpi_nvs),
                           span(0x80c000, 0x810000, U),
                           span(0x810000, 0x900000, MemoryType::acpi_nvs),
                           span(0x900000, 0x3f800000, U),
                           span(0x3f800000, 0x3f900000, R),
                           span(0x3f900000, 0x3f980000, MemoryType::acpi_reclaimable),
                           span(0x3f980000, 0x3fa00000, MemoryType::bad),
                           span(0x3fa00000, IMAGE, U),
                           span(IMAGE, IMAGE + IMAGE_SIZE, IMG),
                           span(IMAGE + IMAGE_SIZE, 0x40000000, U),
                           span(0xffc00000, 0x100001000, R),
                       }));
}

TEST(BootInfoMultiboot2, EfiDescriptorsOf40Bytes)
{
    const Filled f = fill(MbiBuilder().efi_mmap(ovmf_descriptors(), 40).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.efi_mmap_desc_size, 40u);
    EXPECT_EQ(f.bs.memory_map_count, 17u);   /* as with 48-byte descriptors */
    EXPECT_EQ(f.map().back(), span(0xffc00000, 0x100001000, R));
}

TEST(BootInfoMultiboot2, EfiDescriptorClampedAtTheTop)
{
    /* A page count that would run past 2^64 ends at PHYS_END_MAX. */
    const Filled f = fill(MbiBuilder()
                              .efi_mmap({{efi::CONVENTIONAL_MEMORY, 0x100000000, 0xffffffffffffffff, 0},
                                         {efi::CONVENTIONAL_MEMORY, 0x0, 0x10, 0}})
                              .end()
                              .build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.map(), (std::vector<MemoryRange>{span(0x0, 0x10000, U), span(0x100000000, PHYS_END_MAX, U)}));
}

TEST(BootInfoMultiboot2, Tag6WinsOverTheEfiMap)
{
    MbiBuilder b;
    b.efi64(SYSTAB).efi_mmap(ovmf_descriptors());
    const Filled f = fill(b.mmap_entries({{0x0, 0x9f000, 1}, {0x100000, 0x3ff00000, 1}}).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_TRUE(f.bs.efi_mmap.present());   /* still passed on as it came */
    const uint32_t total = total_size(f.mbi);
    EXPECT_EQ(f.map(), (std::vector<MemoryRange>{
                           span(0x0, 0x9f000, U),
                           span(0x100000, MBI_PHYS, U),
                           span(MBI_PHYS, MBI_PHYS + total, DATA),
                           span(MBI_PHYS + total, IMAGE, U),
                           span(IMAGE, IMAGE + IMAGE_SIZE, IMG),
                           span(IMAGE + IMAGE_SIZE, 0x40000000, U),
                       }));
}

/*
 * The EFI amd64 entry (GRUB kept boot services, relboot exited them): the
 * map GetMemoryMap() gave just before ExitBootServices() succeeded, in the
 * EfiExit record, replaces tags 6 and 17, as the memory map and as
 * efi_mmap.
 */
TEST(BootInfoMultiboot2, EfiFinalMapReplacesTags6And17)
{
    const auto descs = ovmf_descriptors();
    const std::vector<uint64_t> holder = MbiBuilder().efi_mmap(descs).end().build();
    auto exit = std::make_unique<EfiExit>();
    std::memset(exit.get(), 0xa5, sizeof(EfiExit));
    exit->result = EfiExitResult::exited;
    exit->map_size = descs.size() * 48;
    exit->desc_size = 48;
    exit->desc_version = 1;
    std::memcpy(exit->map, reinterpret_cast<const uint8_t*>(holder.data()) + 8 + 16, exit->map_size);
    const PhysAddr exit_phys{0x1f00000};

    MbiBuilder b;
    b.efi64(SYSTAB).mmap_entries({{0x0, 0x9f000, 1}}).efi_mmap({{efi::CONVENTIONAL_MEMORY, 0x0, 0x10, 0}}, 40);
    const std::vector<uint64_t> mbi = b.tag(MULTIBOOT2_TAG_TYPE_EFI_BS, {}).end().build();
    TestMemory mem;
    mem.add(MBI_PHYS, mbi).add(exit_phys.value, exit.get(), sizeof(EfiExit));
    BootState bs = start_info();
    auto tables = std::make_unique<BootTables>();
    ASSERT_TRUE(multiboot2_efi64_early(bs, mem.memory(), PhysAddr{MBI_PHYS}).ok());
    EXPECT_EQ(bs.entry_efi64, 1u);
    const BootError error = boot_info_from_multiboot2(bs, FillContext{tables.get(), TABLES, mem.memory(), exit_phys});
    ASSERT_TRUE(error.ok()) << error_line(error);
    EXPECT_EQ(bs.efi_mmap, exit_phys + offsetof(EfiExit, map));
    EXPECT_EQ(bs.efi_mmap_size, descs.size() * 48);
    EXPECT_EQ(bs.efi_mmap_desc_size, 48u);
    EXPECT_EQ(bs.efi_mmap_desc_version, 1u);
    EXPECT_EQ(bs.efi_system_table, PhysAddr{SYSTAB});
    /* The same ranges as from tag 17 alone (EfiMbiConvertsTheEfiMemoryMap), not tag 6's one range. */
    const std::vector<MemoryRange> map(tables->memory_map, tables->memory_map + bs.memory_map_count);
    EXPECT_EQ(map.size(), 17u);
    EXPECT_EQ(map.front(), span(0x0, 0xa0000, U));
    EXPECT_EQ(map.back(), span(0xffc00000, 0x100001000, R));
}

TEST(BootInfoMultiboot2, Efi32SystemTable)
{
    const Filled f = fill(MbiBuilder().efi32(0x7fb5e018).end().build(), start_info(0xff));
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.firmware, BootFirmware::efi);
    EXPECT_EQ(f.bs.efi_system_table, PhysAddr{0x7fb5e018});
    EXPECT_EQ(f.bs.efi_64, 0u);
}

TEST(BootInfoMultiboot2, MoreModulesThanModulesMax)
{
    MbiBuilder b;
    const uint32_t n = MODULES_MAX + 6;
    for (uint32_t i = 0; i < n; ++i)
        b.module(0x200000 + i * 0x2000, 0x201000 + i * 0x2000, "m" + std::to_string(i));
    b.mmap_entries({{0x100000, 0x1000000, 1}});
    const Filled f = fill(b.end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.mbi.module_count, n);
    EXPECT_EQ(f.bs.module_count, MODULES_MAX);
    EXPECT_EQ(f.bs.modules_dropped, 6u);
    EXPECT_EQ(f.bs.warnings, uint32_t(WARN_MODULES_TRUNCATED));
    for (uint32_t i = 0; i < MODULES_MAX; ++i) {
        const BootModule& m = f.tables->modules[i];
        EXPECT_EQ(m.start, PhysAddr{0x200000 + i * 0x2000}) << i;
        EXPECT_EQ(m.end, PhysAddr{0x201000 + i * 0x2000}) << i;
        EXPECT_EQ(f.bytes_at(m.string, m.string_len), "m" + std::to_string(i));
    }
    /* Only the kept modules are marked: MODULES_MAX module ranges, then usable to the end. */
    uint32_t module_ranges = 0;
    for (const MemoryRange& r : f.map())
        module_ranges += r.type == MOD;
    EXPECT_EQ(module_ranges, MODULES_MAX);
    EXPECT_EQ(f.map().back(), span(0x200000 + MODULES_MAX * 0x2000 - 0x1000, 0x1100000, U));
    /* Exactly MODULES_MAX: no warning. */
    MbiBuilder exact;
    for (uint32_t i = 0; i < MODULES_MAX; ++i)
        exact.module(0x200000, 0x201000, "m");
    const Filled g = fill(exact.end().build());
    EXPECT_EQ(g.bs.module_count, MODULES_MAX);
    EXPECT_EQ(g.bs.modules_dropped, 0u);
    EXPECT_EQ(g.bs.warnings, 0u);
}

TEST(BootInfoMultiboot2, MoreMemoryRangesThanMemoryMapMax)
{
    /* 1500 ranges at 256 MiB, usable and reserved by turns: the first MEMORY_MAP_MAX stay, the warning names the rest. */
    std::vector<MbiBuilder::MmapEntry> entries;
    for (uint32_t i = 0; i < 1500; ++i)
        entries.push_back({0x10000000 + uint64_t(i) * 0x1000, 0x1000, i % 2 ? 2u : 1u});
    const Filled f = fill(MbiBuilder().mmap_entries(entries).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.warnings, uint32_t(WARN_MMAP_TRUNCATED));
    ASSERT_EQ(f.bs.memory_map_count, MEMORY_MAP_MAX);
    EXPECT_EQ(f.map().front(), sized(0x10000000, 0x1000, U));
    EXPECT_EQ(f.map().back(), sized(0x10000000 + (MEMORY_MAP_MAX - 1) * 0x1000, 0x1000, R));
    EXPECT_EQ(f.bs.memory_map_dropped, 1500u - MEMORY_MAP_MAX);
    EXPECT_EQ(f.bs.memory_map_cut, 0x10000000 + MEMORY_MAP_MAX * 0x1000u);
}

TEST(BootInfoMultiboot2, ThreeHundredAdjacentRangesMergeBeforeAnyCap)
{
    /* The MBI: 300 adjacent 1 MiB ranges from 1 MiB; the MBI (at 0x102000) splits the one they make. */
    std::vector<MbiBuilder::MmapEntry> entries;
    for (uint32_t i = 0; i < 300; ++i)
        entries.push_back({0x100000 + uint64_t(i) * 0x100000, 0x100000, 1});
    const Filled f = fill(MbiBuilder().mmap_entries(entries).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    const uint32_t total = total_size(f.mbi);
    EXPECT_EQ(f.bs.warnings, 0u);
    EXPECT_EQ(f.bs.memory_map_dropped, 0u);
    EXPECT_EQ(f.map(), (std::vector<MemoryRange>{span(0x100000, MBI_PHYS, U), span(MBI_PHYS, MBI_PHYS + total, DATA),
                                                 span(MBI_PHYS + total, 301 * 0x100000, U)}));
    const std::vector<MemoryRange> map = f.map();
    EXPECT_EQ(memory_map_usable_bytes(map.data(), uint32_t(map.size())) / 1024, (300 * 0x100000 - total) / 1024);
}

TEST(BootInfoMultiboot2, FifteenHundredEfiDescriptorsThatMergeWithoutTag6)
{
    /* Tag 17 alone: 1500 descriptors of five types that all mean usable RAM after ExitBootServices(). */
    const uint32_t usable_types[] = {efi::LOADER_CODE, efi::LOADER_DATA, efi::BOOT_SERVICES_CODE,
                                     efi::BOOT_SERVICES_DATA, efi::CONVENTIONAL_MEMORY};
    std::vector<MbiBuilder::EfiDescriptor> descs;
    for (uint32_t i = 0; i < 1500; ++i)
        descs.push_back({usable_types[i % 5], 0x10000000 + uint64_t(i) * 0x40000, 0x40, 0});
    const Filled f = fill(MbiBuilder().efi_mmap(descs, 48).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.warnings, 0u);
    EXPECT_EQ(f.bs.efi_mmap_size, 1500u * 48);
    EXPECT_EQ(f.map(), (std::vector<MemoryRange>{span(0x10000000, 0x10000000 + 1500 * 0x40000, U)}));
    /* By turns with reserved ones, they reach the cap: the lowest MEMORY_MAP_MAX stay. */
    for (uint32_t i = 1; i < 1500; i += 2)
        descs[i].type = efi::RESERVED_MEMORY_TYPE;
    const Filled g = fill(MbiBuilder().efi_mmap(descs, 48).end().build());
    ASSERT_TRUE(g.error.ok()) << error_line(g.error);
    EXPECT_EQ(g.bs.warnings, uint32_t(WARN_MMAP_TRUNCATED));
    EXPECT_EQ(g.bs.memory_map_count, MEMORY_MAP_MAX);
    EXPECT_EQ(g.bs.memory_map_dropped, 1500u - MEMORY_MAP_MAX);
    EXPECT_EQ(g.bs.memory_map_cut, 0x10000000 + uint64_t(MEMORY_MAP_MAX) * 0x40000);
}

TEST(BootInfoMultiboot2, InUseRangesSplitTheMapPastItsCapacity)
{
    /* 255 ranges from the firmware, then the MBI splits one: 257 needed, MEMORY_MAP_MAX written. */
    std::vector<MbiBuilder::MmapEntry> entries;
    entries.push_back({0x100000, 0x1000000, 1});
    for (uint32_t i = 1; i < MEMORY_MAP_MAX - 1; ++i)
        entries.push_back({0x2000000 + uint64_t(i) * 0x1000, 0x1000, i % 2 ? 2u : 1u});
    const Filled f = fill(MbiBuilder().mmap_entries(entries).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.warnings, uint32_t(WARN_MMAP_TRUNCATED));
    EXPECT_EQ(f.bs.memory_map_count, MEMORY_MAP_MAX);
}

TEST(BootInfoMultiboot2, FirstCmdlineAndTag21Win)
{
    MbiBuilder b;
    b.load_base(0x200000).load_base(0x400000);
    const size_t first = b.size();
    const Filled f = fill(b.cmdline("a").cmdline("bb").end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.loader_base, PhysAddr{0x200000});
    EXPECT_EQ(f.bs.cmdline, PhysAddr{MBI_PHYS + first + 8});
    EXPECT_EQ(f.bs.cmdline_len, 1u);
}

TEST(BootInfoMultiboot2, FirstTag21WinsEvenWhenItSaysZero)
{
    /*
     * The first tag 21 is the loader's word (the walk indexes it, the early
     * step takes it, and the 32-bit stage decided base_source and its
     * warning on it): no later tag replaces it.
     */
    const Filled f = fill(MbiBuilder().load_base(0).load_base(uint32_t(IMAGE)).end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.mbi.load_base_addr, 8u);
    EXPECT_EQ(f.bs.loader_base, PhysAddr{0});
}

TEST(BootInfoMultiboot2, TakesTags1And21WhateverBootInfoHeld)
{
    /* Stale values in BootState (every byte 0x5a) do not stop the early step from taking the tags. */
    MbiBuilder b;
    b.load_base(0x200000);
    const size_t cmdline_at = b.size();
    const Filled f = fill(b.cmdline("abc").end().build(), start_info(0x5a));
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.loader_base, PhysAddr{0x200000});
    EXPECT_EQ(f.bs.cmdline, PhysAddr{MBI_PHYS + cmdline_at + 8});
    EXPECT_EQ(f.bs.cmdline_len, 3u);
}

TEST(BootInfoMultiboot2, TheFillerReadsTheTagsTheWalkRecorded)
{
    /*
     * The filler walks no more: it reads the tags bs.mbi names.  Without
     * tag 6 in the index (as if the walk had not found it) the filler takes
     * tag 17's map; without any module, no module.
     */
    MbiBuilder b;
    b.module(0x103000, 0x104000, "mod").mmap_entries({{0x0, 0x9f000, 1}});
    const auto mbi = b.efi_mmap(ovmf_descriptors()).end().build();
    TestMemory mem;
    mem.add(MBI_PHYS, mbi);
    BootState bs = start_info();
    ASSERT_TRUE(multiboot2_early(bs, mem.memory(), PhysAddr{MBI_PHYS}).ok());
    ASSERT_NE(bs.mbi.mmap, 0u);
    bs.mbi.mmap = 0;
    bs.mbi.module_count = 0;
    auto tables = std::make_unique<BootTables>();
    ASSERT_TRUE(boot_info_from_multiboot2(bs, FillContext{tables.get(), TABLES, mem.memory(), PhysAddr{0}}).ok());
    EXPECT_EQ(bs.module_count, 0u);
    EXPECT_EQ(bs.memory_map_count, 17u);   /* tag 17's ranges, as in EfiDescriptorsOf40Bytes */
}

TEST(BootInfoMultiboot2, TheMbiOutsideTheWindowIsRefused)
{
    /* The filler reads the MBI through its window (the identity map): one it cannot map is a fault. */
    const auto mbi = MbiBuilder().cmdline("x").end().build();
    TestMemory mem;
    mem.add(MBI_PHYS, mbi);
    BootState bs = start_info();
    ASSERT_TRUE(multiboot2_early(bs, mem.memory(), PhysAddr{MBI_PHYS}).ok());
    auto tables = std::make_unique<BootTables>();
    const TestMemory none;
    EXPECT_EQ(error_line(boot_info_from_multiboot2(bs, FillContext{tables.get(), TABLES, none.memory(), PhysAddr{0}})),
              "relboot: error: multiboot2 info at 0x00102000 total_size: 32, expected an MBI within the identity map\r\n");
}

TEST(BootInfoMultiboot2, NoMemoryMapAtAll)
{
    /* Neither tag 6 nor tag 17: an empty map, its address still set. */
    const Filled f = fill(MbiBuilder().cmdline("x").end().build());
    ASSERT_TRUE(f.error.ok()) << error_line(f.error);
    EXPECT_EQ(f.bs.memory_map_count, 0u);
    EXPECT_EQ(f.bs.memory_map, MEMORY_MAP_AT);
    EXPECT_EQ(f.bs.modules, MODULES_AT);
    EXPECT_EQ(f.bs.module_count, 0u);
}

namespace {

/* Valid tags the filler would take something from (tag 1 the second), then the defect. */
MbiBuilder good_prefix()
{
    MbiBuilder b;
    b.load_base(uint32_t(IMAGE))
        .cmdline("debug-exit=0xf4")
        .module(0x103000, 0x104000, "mod")
        .mmap_entries(entries_of(boot_test::seabios_1g()))
        .efi64(SYSTAB)
        .efi_mmap(ovmf_descriptors())
        .acpi_new(make_rsdp(2, "OVMF  "));
    return b;
}
/* Where good_prefix()'s command line lies: tag 1 at offset 24, its string 8 bytes in. */
constexpr uint64_t PREFIX_CMDLINE = MBI_PHYS + 24 + 8;

struct Malformed {
    const char* name;
    std::vector<uint64_t> mbi;
    const char* field;          /* the error line's field */
    bool after_cmdline;         /* the fault lies after the sound tag 1 */
    uint64_t phys = MBI_PHYS;
    int64_t readable = -1;      /* bytes the window maps; -1: the whole buffer */
};

std::vector<Malformed> malformed_mbis()
{
    std::vector<uint8_t> mmap_short = MbiBuilder::u32s({24, 0});
    mmap_short.resize(mmap_short.size() + 30);
    std::vector<uint8_t> module_no_nul = MbiBuilder::u32s({0x1000, 0x2000});
    module_no_nul.push_back('m');
    const auto good = good_prefix().end().build();
    return {
        {"misaligned", good, "ebx", false, MBI_PHYS + 4},
        {"total_size below 16", good_prefix().end().build(8), "total_size", false},
        {"fewer bytes than the fixed part", good, "ebx", false, MBI_PHYS, 7},
        {"total_size past the buffer", good_prefix().end().build(0x2000), "total_size", false},
        {"total_size past 1 MiB", good_prefix().end().build(MBI_MAX_SIZE + 8), "total_size", false},
        {"runs past 4 GiB", good, "total_size", false, 0x100000000 - 0x100},
        {"tag size below 8", good_prefix().tag(99, {}, 4).end().build(), "size", true},
        {"tag 21 without its field", good_prefix().tag(MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR, {}).end().build(), "size",
         true},
        {"tag 12 of 12 bytes", good_prefix().tag(MULTIBOOT2_TAG_TYPE_EFI64, MbiBuilder::u32s({1})).end().build(), "size",
         true},
        {"tag 17 without descr_size", good_prefix().tag(MULTIBOOT2_TAG_TYPE_EFI_MMAP, {1, 2}).end().build(), "size",
         true},
        {"end tag of 16 bytes", good_prefix().tag(MULTIBOOT2_TAG_TYPE_END, std::vector<uint8_t>(8)).build(), "size",
         true},
        {"tag overrun", good_prefix().tag(99, std::vector<uint8_t>(8), 4000).end().build(), "size", true},
        {"no end tag", good_prefix().build(), "total_size", true},
        {"end tag cut off", good_prefix().end().build(int64_t(good.size() * 8 - 8)), "total_size", true},
        {"command line without NUL", good_prefix().tag(MULTIBOOT2_TAG_TYPE_CMDLINE, {'a', 'b'}).end().build(), "size",
         true},
        {"module string without NUL", good_prefix().tag(MULTIBOOT2_TAG_TYPE_MODULE, module_no_nul).end().build(),
         "size", true},
        {"mmap entry_size 16", good_prefix().mmap(16, 2).end().build(), "entry_size", true},
        {"mmap entry_size 28", good_prefix().mmap(28, 2).end().build(), "entry_size", true},
        {"mmap entries short", good_prefix().tag(MULTIBOOT2_TAG_TYPE_MMAP, mmap_short).end().build(), "size", true},
        {"module start above end", good_prefix().module(0x2000, 0x1000, "m").end().build(), "mod_start", true},
        {"EFI descr_size 32", good_prefix().efi_mmap(ovmf_descriptors(), 32).end().build(), "descr_size", true},
        {"EFI descr_size 44", good_prefix().efi_mmap(ovmf_descriptors(), 44).end().build(), "descr_size", true},
        {"EFI descr_size 0", good_prefix().efi_mmap({}, 0).end().build(), "descr_size", true},
    };
}

} // namespace

TEST(BootInfoMultiboot2, MalformedMbisChangeNothingButTheCommandLine)
{
    for (const Malformed& m : malformed_mbis()) {
        SCOPED_TRACE(m.name);
        /* Patterns everywhere, so that any write shows (the image fields set, as the filler needs). */
        BootState bs = start_info(0x5a);
        const BootState before = bs;
        TestMemory mem;
        mem.add(m.phys, m.mbi.data(), m.readable < 0 ? m.mbi.size() * 8 : uint64_t(m.readable));
        const BootError e = multiboot2_early(bs, mem.memory(), PhysAddr{m.phys});
        ASSERT_FALSE(e.ok());
        EXPECT_STREQ(e.subject, "multiboot2 info");
        EXPECT_STREQ(e.field, m.field);
        /* Only a sound tag 1 before the fault is taken (and the walk's scratch, bs.mbi, written). */
        BootState want = before;
        want.mbi = bs.mbi;
        if (m.after_cmdline) {
            want.cmdline = PhysAddr{PREFIX_CMDLINE};
            want.cmdline_len = 15;
        }
        EXPECT_TRUE(same_bytes(bs, want));
    }
}

TEST(BootInfoMultiboot2, MalformedTailIsFoundAfterGoodTags)
{
    /* The error points at the defect, past the tags the filler could have taken. */
    MbiBuilder b = good_prefix();
    const size_t defect_at = b.size();
    const Filled f = fill(b.efi_mmap({}, 44).end().build(), start_info(0x5a));
    EXPECT_EQ(error_line(f.error), "relboot: error: multiboot2 info at 0x" + hex8(MBI_PHYS + defect_at) +
                                       " descr_size: 44, expected at least 40 and a multiple of 8 (UEFI 2.10, 7.2: "
                                       "EFI_MEMORY_DESCRIPTOR)\r\n");
    /* The filler never ran: the tables are as they were. */
    for (const MemoryRange& r : f.tables->memory_map)
        ASSERT_EQ(r.type, MemoryType(0xa5a5a5a5));
}

namespace {

/* An index the walk reset: counts and offsets 0, modules[] as it was (valid only up to module_count). */
MbiIndex walked_index(const MbiIndex& before)
{
    MbiIndex index = before;
    index.load_base_addr = index.cmdline = index.mmap = index.efi32 = index.efi64 = 0;
    index.acpi_old = index.acpi_new = index.efi_mmap = index.module_count = index.reserved = 0;
    return index;
}

} // namespace

TEST(Multiboot2Early, SetsOnlyItsFields)
{
    MbiBuilder b;
    b.loader_name("GRUB 2.06");
    const size_t load_base_at = b.size();
    b.load_base(0x3fe00000);
    const size_t cmdline_at = b.size();
    b.cmdline("a b");
    const size_t mmap_at = b.size();
    const auto mbi = b.mmap(24, 2).end().build();
    BootState bs = start_info(0x5a);
    const BootState before = bs;
    TestMemory mem;
    mem.add(MBI_PHYS, mbi);
    ASSERT_TRUE(multiboot2_early(bs, mem.memory(), PhysAddr{MBI_PHYS}).ok());
    BootState want = before;
    want.protocol = Protocol::multiboot2;
    want.info = PhysAddr{MBI_PHYS};
    want.info_size = total_size(mbi);
    want.loader_base = PhysAddr{0x3fe00000};
    want.cmdline = PhysAddr{MBI_PHYS + cmdline_at + 8};
    want.cmdline_len = 3;
    want.entry_efi64 = 0;
    want.mbi = walked_index(before.mbi);
    want.mbi.load_base_addr = uint32_t(load_base_at);
    want.mbi.cmdline = uint32_t(cmdline_at);
    want.mbi.mmap = uint32_t(mmap_at);
    EXPECT_TRUE(same_bytes(bs, want));
}

TEST(Multiboot2Early, WithoutTags21And1)
{
    const auto mbi = MbiBuilder().loader_name("x").end().build();
    BootState bs = start_info(0x5a);
    const BootState before = bs;
    TestMemory mem;
    mem.add(MBI_PHYS, mbi);
    ASSERT_TRUE(multiboot2_early(bs, mem.memory(), PhysAddr{MBI_PHYS}).ok());
    BootState want = before;
    want.protocol = Protocol::multiboot2;
    want.info = PhysAddr{MBI_PHYS};
    want.info_size = total_size(mbi);
    want.entry_efi64 = 0;
    want.mbi = walked_index(before.mbi);
    EXPECT_TRUE(same_bytes(bs, want));   /* loader_base and cmdline as they were */
}

TEST(Multiboot2Early, FaultsWriteNothingButTheIndexAndASoundCommandLineBeforeThem)
{
    struct Case {
        std::vector<uint64_t> mbi;
        uint64_t phys;
        const char* field;
        bool cmdline;
    };
    const Case cases[] = {
        {MbiBuilder().load_base(1).cmdline("x").end().build(), MBI_PHYS + 4, "ebx", false},
        {MbiBuilder().load_base(1).cmdline("x").end().build(), 0xfffffff8, "total_size", false},
        {MbiBuilder().load_base(1).mmap(16, 1).cmdline("x").end().build(), MBI_PHYS, "entry_size", false},
        {MbiBuilder().load_base(1).tag(MULTIBOOT2_TAG_TYPE_CMDLINE, {'x'}).end().build(), MBI_PHYS, "size", false},
        {MbiBuilder().load_base(1).cmdline("x").mmap(16, 1).end().build(), MBI_PHYS, "entry_size", true},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.field);
        BootState bs = start_info(0x5a);
        BootState want = bs;
        if (c.cmdline) {
            want.cmdline = PhysAddr{c.phys + 24 + 8};
            want.cmdline_len = 1;
        }
        TestMemory mem;
        mem.add(c.phys, c.mbi);
        const BootError e = multiboot2_early(bs, mem.memory(), PhysAddr{c.phys});
        EXPECT_STREQ(e.field, c.field);
        want.mbi = bs.mbi;   /* the walk's scratch */
        EXPECT_TRUE(same_bytes(bs, want));
    }
}
