/*
 * The public BootInfo v2 (include/relboot/boot_info.h): its header rules
 * and the publisher (arch/x86/boot/handoff/boot_info.cpp) that writes it
 * from BootState.
 */
#include <gtest/gtest.h>

#include <cstring>

#include "handoff/handoff.h"

using namespace relboot;

namespace {

BootState sample_state()
{
    BootState bs{};
    bs.load_base = PhysAddr{0x7e00000};
    bs.link_base = PhysAddr{0x1000000};
    bs.image_size = 0x91000;
    bs.cr3 = PhysAddr{0x7e80000};
    bs.identity_limit = uint64_t(1) << 32;
    bs.info = PhysAddr{0x10000};
    bs.info_size = 0x400;
    bs.cmdline = PhysAddr{0x10010};
    bs.cmdline_len = 15;
    bs.memory_map = PhysAddr{0x7e90000};
    bs.memory_map_count = 7;
    bs.modules = PhysAddr{0x7e93000};
    bs.module_count = 2;
    bs.cpus = PhysAddr{0x7e94000};
    bs.cpu_count = 4;
    bs.bsp_index = 1;
    bs.acpi_rsdp = PhysAddr{0xf5a40};
    bs.acpi_rsdp_copy = PhysAddr{0x10200};
    bs.bios = PhysAddr{0x7e95000};
    bs.tsc_khz = 2400000;
    bs.nx = 1;
    bs.x2apic = 1;
    bs.warnings = WARN_NO_NX | WARN_TAG21_MISSING;
    bs.protocol = Protocol::pvh;
    bs.firmware = BootFirmware::bios;
    return bs;
}

} // namespace

TEST(BootInfoV2, PublishedCopiesWhatAHypervisorNeeds)
{
    BootState bs = sample_state();
    bs.options.console = ConsoleSel::com2;
    bs.options.com[1].divisor = 12;     /* 9600 baud */
    bs.options.com[1].data_bits = 7;
    bs.options.com[1].parity = 'e';
    const BootInfo& bi = boot_info_publish(bs);

    EXPECT_EQ(bi.magic, BOOT_INFO_MAGIC);
    EXPECT_EQ(bi.version, 2);
    EXPECT_EQ(bi.size, sizeof(BootInfo));
    EXPECT_EQ(bi.load_base.value, 0x7e00000u);
    EXPECT_EQ(bi.link_base.value, 0x1000000u);
    EXPECT_EQ(bi.image_size, 0x91000u);
    EXPECT_EQ(bi.cr3.value, 0x7e80000u);
    EXPECT_EQ(bi.identity_limit, uint64_t(1) << 32);
    EXPECT_EQ(bi.cmdline.value, 0x10010u);
    EXPECT_EQ(bi.cmdline_len, 15u);
    EXPECT_EQ(bi.memory_map.value, 0x7e90000u);
    EXPECT_EQ(bi.memory_map_count, 7u);
    EXPECT_EQ(bi.modules.value, 0x7e93000u);
    EXPECT_EQ(bi.module_count, 2u);
    EXPECT_EQ(bi.cpus.value, 0x7e94000u);
    EXPECT_EQ(bi.cpu_count, 4u);
    EXPECT_EQ(bi.bsp_index, 1u);
    EXPECT_EQ(bi.acpi_rsdp.value, 0xf5a40u);
    EXPECT_EQ(bi.bios.value, 0x7e95000u);
    EXPECT_EQ(bi.loader_info.value, 0x10000u);
    EXPECT_EQ(bi.loader_info_size, 0x400u);
    EXPECT_EQ(bi.tsc_khz, 2400000u);
    EXPECT_EQ(bi.flags, uint32_t(BOOT_INFO_NX | BOOT_INFO_X2APIC));
    EXPECT_EQ(bi.protocol, BootProtocol::pvh);
    EXPECT_EQ(bi.firmware, BootFirmware::bios);
    EXPECT_EQ(bi.console_port, 0x2f8);
    EXPECT_EQ(bi.console_divisor, 12);
    EXPECT_EQ(bi.console_lcr, 0x1a);    /* 7 data bits (2), parity enable + even (0x18) */
    EXPECT_EQ(bi.reserved0, 0);
    EXPECT_EQ(bi.reserved1, 0);
    EXPECT_TRUE(boot_info_valid(bi));
}

TEST(BootInfoV2, ConsoleNoneIsPortZero)
{
    BootState bs = sample_state();
    bs.options.console = ConsoleSel::none;
    const BootInfo& bi = boot_info_publish(bs);
    EXPECT_EQ(bi.console_port, 0);
    EXPECT_TRUE(boot_info_valid(bi));
}

TEST(BootInfoV2, EfiFlags)
{
    BootState bs = sample_state();
    bs.protocol = Protocol::multiboot2;
    bs.firmware = BootFirmware::efi;
    bs.efi_system_table = PhysAddr{0x3f6ad018};
    bs.efi_64 = 1;
    bs.entry_efi64 = 1;
    bs.efi_mmap = PhysAddr{0x7ea0000};
    bs.efi_mmap_size = 48 * 40;
    bs.efi_mmap_desc_size = 48;
    bs.efi_mmap_desc_version = 1;
    const BootInfo& bi = boot_info_publish(bs);
    EXPECT_EQ(bi.protocol, BootProtocol::multiboot2);
    EXPECT_EQ(bi.firmware, BootFirmware::efi);
    EXPECT_EQ(bi.efi_system_table.value, 0x3f6ad018u);
    EXPECT_EQ(bi.flags & (BOOT_INFO_EFI_64 | BOOT_INFO_EFI_EXITED), uint32_t(BOOT_INFO_EFI_64 | BOOT_INFO_EFI_EXITED));
    EXPECT_EQ(bi.efi_mmap.value, 0x7ea0000u);
    EXPECT_EQ(bi.efi_mmap_size, 48u * 40);
    EXPECT_EQ(bi.efi_mmap_desc_size, 48u);
    EXPECT_EQ(bi.efi_mmap_desc_version, 1u);
}

/* The checksum catches any one changed word, a wrong magic, an old version and a short size. */
TEST(BootInfoV2, ValidityChecks)
{
    const BootInfo good = boot_info_publish(sample_state());
    ASSERT_TRUE(boot_info_valid(good));
    for (uint32_t off = 0; off < sizeof(BootInfo); off += 4) {
        BootInfo bad = good;
        uint32_t word;
        std::memcpy(&word, reinterpret_cast<uint8_t*>(&bad) + off, 4);
        word ^= 0x00010000;
        std::memcpy(reinterpret_cast<uint8_t*>(&bad) + off, &word, 4);
        EXPECT_FALSE(boot_info_valid(bad)) << "a flipped bit at offset " << off << " went unnoticed";
    }
    BootInfo old = good;
    old.version = 1;
    old.checksum += 1 << 16;     /* keep the sum at 0: only the version is wrong */
    EXPECT_FALSE(boot_info_valid(old));
    BootInfo small = good;
    small.size = 176;
    small.checksum += 8;
    EXPECT_FALSE(boot_info_valid(small));
}

/* A reader of a later, larger version: fields past version 2's are there only when size covers them. */
TEST(BootInfoV2, LaterVersionsAppendOnly)
{
    struct Later {
        BootInfo v2;
        uint64_t appended;
    } later{};
    later.v2 = boot_info_publish(sample_state());
    later.v2.version = 3;
    later.v2.size = sizeof(Later);
    later.appended = 0x1234;
    later.v2.checksum = 0;
    later.v2.checksum = 0u - boot_info_sum(&later, sizeof later);
    EXPECT_TRUE(boot_info_valid(later.v2));
    EXPECT_TRUE(boot_info_has(later.v2, sizeof(BootInfo), 8));
    EXPECT_FALSE(boot_info_has(boot_info_publish(sample_state()), sizeof(BootInfo), 8));
}
