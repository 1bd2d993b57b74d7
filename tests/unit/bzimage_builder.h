/*
 * Synthetic bzImages for the Linux launcher's tests: a setup header with
 * Debian 12's figures (linux-boot-facts.md, "Measured" a: 6.1.0-57-amd64)
 * by default, each field changeable, and a protected-mode part of a few
 * KiB (Debian's is 8,226,752 bytes: tests that need its size set
 * LinuxImage.pm_size after parsing, see debian_pm_size).
 */
#ifndef RELBOOT_TESTS_BZIMAGE_BUILDER_H
#define RELBOOT_TESTS_BZIMAGE_BUILDER_H

#include <relboot/spec/linux.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace boot_test {

/* Debian's bzImage: 8,247,232 bytes, of which 20,480 are the real-mode part. */
inline constexpr uint64_t DEBIAN_FILE_SIZE = 8247232;
inline constexpr uint64_t DEBIAN_PM_SIZE = 8226752;

struct BzImageSpec {
    uint8_t setup_sects = 39;
    uint8_t jump_offset = 0x6a;             /* header end 0x26c */
    uint16_t boot_flag = relboot::linuxboot::BOOT_FLAG;
    uint32_t header = relboot::linuxboot::HEADER_MAGIC;
    uint16_t version = 0x020f;
    uint8_t loadflags = relboot::linuxboot::LOADED_HIGH;
    uint8_t relocatable_kernel = 1;
    uint32_t kernel_alignment = 0x200000;
    uint8_t min_alignment = 21;
    uint16_t xloadflags = 0x7f;
    uint32_t cmdline_size = 2047;
    uint32_t initrd_addr_max = 0x7fffffff;
    uint64_t pref_address = 0x1000000;
    uint32_t init_size = 0x3f98000;
    uint64_t setup_data = 0;
    uint16_t kernel_version = 0x3b40;       /* the string at 0x3d40, inside the real-mode part */
    std::string version_string =
        "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3";
    uint32_t pm_size = 0x2000;              /* bytes after the real-mode part */
};

/* Byte i of the filler: every byte the header does not set is nonzero and tells its offset apart. */
inline uint8_t filler_byte(uint64_t i)
{
    return uint8_t(0x80 | (i * 7 + 3));
}

template <typename T>
void put(std::vector<uint8_t>& b, uint32_t offset, T v)
{
    std::memcpy(&b[offset], &v, sizeof v);
}

/* The bzImage's bytes: filler, the setup header at 0x1f1, the version string, the sentinel 0xff at 0x1ef. */
inline std::vector<uint8_t> make_bzimage(const BzImageSpec& s = {})
{
    const uint32_t setup_size = ((s.setup_sects ? s.setup_sects : 4u) + 1) * 512;
    std::vector<uint8_t> b(uint64_t(setup_size) + s.pm_size);
    for (uint64_t i = 0; i < b.size(); ++i)
        b[i] = filler_byte(i);
    b[0x1ef] = 0xff;                        /* header.S's sentinel */
    put<uint8_t>(b, 0x1f1, s.setup_sects);
    put<uint16_t>(b, 0x1f2, 1);             /* root_flags */
    put<uint32_t>(b, 0x1f4, s.pm_size / 16);   /* syssize */
    put<uint16_t>(b, 0x1f8, 0);             /* ram_size */
    put<uint16_t>(b, 0x1fa, 0xffff);        /* vid_mode */
    put<uint16_t>(b, 0x1fc, 0);             /* root_dev */
    put<uint16_t>(b, 0x1fe, s.boot_flag);
    put<uint8_t>(b, 0x200, 0xeb);
    put<uint8_t>(b, 0x201, s.jump_offset);
    put<uint32_t>(b, 0x202, s.header);
    put<uint16_t>(b, 0x206, s.version);
    put<uint32_t>(b, 0x208, 0);             /* realmode_swtch */
    put<uint16_t>(b, 0x20c, 0x1000);        /* start_sys_seg */
    put<uint16_t>(b, 0x20e, s.kernel_version);
    put<uint8_t>(b, 0x210, 0);              /* type_of_loader */
    put<uint8_t>(b, 0x211, s.loadflags);
    put<uint16_t>(b, 0x212, 0x8000);        /* setup_move_size */
    put<uint32_t>(b, 0x214, 0x100000);      /* code32_start */
    put<uint32_t>(b, 0x218, 0);             /* ramdisk_image */
    put<uint32_t>(b, 0x21c, 0);             /* ramdisk_size */
    put<uint32_t>(b, 0x220, 0);             /* bootsect_kludge */
    put<uint16_t>(b, 0x224, 0);             /* heap_end_ptr */
    put<uint8_t>(b, 0x226, 0);
    put<uint8_t>(b, 0x227, 0);
    put<uint32_t>(b, 0x228, 0);             /* cmd_line_ptr */
    put<uint32_t>(b, 0x22c, s.initrd_addr_max);
    put<uint32_t>(b, 0x230, s.kernel_alignment);
    put<uint8_t>(b, 0x234, s.relocatable_kernel);
    put<uint8_t>(b, 0x235, s.min_alignment);
    put<uint16_t>(b, 0x236, s.xloadflags);
    put<uint32_t>(b, 0x238, s.cmdline_size);
    put<uint32_t>(b, 0x23c, 0);             /* hardware_subarch */
    put<uint64_t>(b, 0x240, 0);             /* hardware_subarch_data */
    put<uint32_t>(b, 0x248, 0x2cc);         /* payload_offset */
    put<uint32_t>(b, 0x24c, 8122340);       /* payload_length */
    put<uint64_t>(b, 0x250, s.setup_data);
    put<uint64_t>(b, 0x258, s.pref_address);
    put<uint32_t>(b, 0x260, s.init_size);
    put<uint32_t>(b, 0x264, 0x7c8d20);      /* handover_offset */
    put<uint32_t>(b, 0x268, 0x7d56fc);      /* kernel_info_offset */
    const uint64_t at = uint64_t(s.kernel_version) + 0x200;
    if (s.kernel_version && at + s.version_string.size() + 1 <= b.size()) {
        std::memcpy(&b[at], s.version_string.data(), s.version_string.size());
        b[at + s.version_string.size()] = 0;
    }
    return b;
}

} // namespace boot_test

#endif
