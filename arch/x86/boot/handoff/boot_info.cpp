/*
 * The public BootInfo (include/relboot/boot_info.h, version 2), written
 * once from BootState just before the hand-off (handoff.h).  Everything a
 * hypervisor needs is copied or converted here, and nothing relboot-private
 * (options, stamps, warnings, the loader's RSDP copy) crosses over.
 */
#include "handoff/handoff.h"
#include "lib/report.h"

/*
 * The one public BootInfo.  In .noinit: written whole (zeroed first) by
 * boot_info_publish(), so the entry's .bss zeroing does not pay for it.
 */
__attribute__((section(".noinit"))) relboot::BootInfo boot_info;

namespace relboot {

namespace {

BootProtocol public_protocol(Protocol p)
{
    switch (p) {
    case Protocol::multiboot1: return BootProtocol::multiboot1;
    case Protocol::pvh: return BootProtocol::pvh;
    default: return BootProtocol::multiboot2;
    }
}

} // namespace

/* The private protocol numbers (protocols.h) are the public ones. */
static_assert(uint8_t(BootProtocol::multiboot2) == PROTOCOL_MULTIBOOT2);
static_assert(uint8_t(BootProtocol::multiboot1) == PROTOCOL_MULTIBOOT1);
static_assert(uint8_t(BootProtocol::pvh) == PROTOCOL_PVH);

const BootInfo& boot_info_publish(const BootState& bs)
{
    BootInfo bi{};
    bi.magic = BOOT_INFO_MAGIC;
    bi.version = BOOT_INFO_VERSION;
    bi.size = sizeof(BootInfo);

    bi.load_base = bs.load_base;
    bi.link_base = bs.link_base;
    bi.image_size = bs.image_size;
    bi.cr3 = bs.cr3;
    bi.identity_limit = bs.identity_limit;

    bi.cmdline = bs.cmdline;
    bi.cmdline_len = bs.cmdline_len;
    bi.memory_map = bs.memory_map;
    bi.memory_map_count = bs.memory_map_count;
    bi.modules = bs.modules;
    bi.module_count = bs.module_count;
    bi.cpus = bs.cpus;
    bi.cpu_count = bs.cpu_count;
    bi.bsp_index = bs.bsp_index;
    bi.acpi_rsdp = bs.acpi_rsdp;
    bi.efi_system_table = bs.efi_system_table;
    bi.efi_mmap = bs.efi_mmap;
    bi.efi_mmap_size = bs.efi_mmap_size;
    bi.efi_mmap_desc_size = bs.efi_mmap_desc_size;
    bi.efi_mmap_desc_version = bs.efi_mmap_desc_version;
    bi.bios = bs.bios;
    bi.loader_info = bs.info;
    bi.loader_info_size = bs.info_size;
    bi.tsc_khz = bs.tsc_khz;

    bi.flags = (bs.nx ? BOOT_INFO_NX : 0u) | (bs.x2apic ? BOOT_INFO_X2APIC : 0u) |
               (bs.efi_64 ? BOOT_INFO_EFI_64 : 0u) | (bs.entry_efi64 ? BOOT_INFO_EFI_EXITED : 0u);
    const ConsoleSettings console = console_settings(bs.options);
    bi.console_port = console.port;
    bi.console_divisor = console.divisor;
    bi.console_lcr = console.lcr;
    bi.protocol = public_protocol(bs.protocol);
    bi.firmware = bs.firmware;

    /* Last: the word that makes the 32-bit sum of the structure 0. */
    bi.checksum = 0u - boot_info_sum(&bi, sizeof bi);
    boot_info = bi;
    return boot_info;
}

} // namespace relboot
