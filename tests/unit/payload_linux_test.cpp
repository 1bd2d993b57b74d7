/*
 * The Linux bzImage launcher's pure parts (arch/x86/boot/payload/linux/payload_linux.h):
 * the header's checks and their error lines, the placement on the maps
 * GRUB hands over, the e820 table (and an SVM guest's view of it) and the
 * zero page, byte by byte at zero-page.rst's offsets (the code writes it
 * through struct boot_params).
 */
#include "boot_test_util.h"
#include "bzimage_builder.h"

#include <gtest/gtest.h>
#include "lib/console.h"
#include "payload/linux/payload_linux.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace relboot;
using namespace boot_test;
using linuxboot::boot_e820_entry;
using linuxboot::boot_params;

namespace {

constexpr uint64_t MiB = 1 << 20;
constexpr uint64_t GiB4 = uint64_t(1) << 32;
constexpr uint64_t DEBIAN_INIT_SIZE = 0x3f98000;
constexpr uint64_t DEBIAN_SETUP_SIZE = 0x5000;
constexpr uint64_t TEST_INITRD_SIZE = 0x14d000;     /* the 1.3 MB test payload of the facts doc */

/* SeaBIOS's e820 for QEMU -m 512M (linux-boot-facts.md, "Measured" e). */
std::vector<MemoryRange> seabios_512m()
{
    return {
        span(0x0, 0x9fc00, U),
        span(0x9fc00, 0xa0000, R),
        span(0xf0000, 0x100000, R),
        span(0x100000, 0x1ffe0000, U),
        span(0x1ffe0000, 0x20000000, R),
        span(0xfffc0000, 0x100000000, R),
        span(0xfd00000000, 0x10000000000, R),
    };
}

/* The same firmware with less RAM (-m 128M, -m 64M). */
std::vector<MemoryRange> seabios_small(uint64_t ram)
{
    return {
        span(0x0, 0x9fc00, U),
        span(0x9fc00, 0xa0000, R),
        span(0xf0000, 0x100000, R),
        span(0x100000, ram - 0x20000, U),
        span(ram - 0x20000, ram, R),
        span(0xfffc0000, 0x100000000, R),
    };
}

/* Debian's kernel as parsed, with its real protected-mode size (the file itself is kept small). */
LinuxImage parsed(const BzImageSpec& spec = {}, uint64_t pm_size = DEBIAN_PM_SIZE)
{
    const std::vector<uint8_t> file = make_bzimage(spec);
    LinuxImage img{};
    const BootError e = linux_parse(file.data(), file.size(), &img);
    EXPECT_TRUE(e.ok()) << e.field;
    img.pm_size = pm_size;
    return img;
}

/*
 * A machine as GRUB leaves it: the firmware's map, relboot's image at the
 * top of RAM, the MBI, module 0 (the bzImage) at 0x102000 and the initrd
 * right after it, 4 KiB-aligned.  plan() builds BootState's map from them.
 */
struct Machine {
    std::vector<MemoryRange> raw = seabios_512m();
    uint64_t image = 0x1fe00000, image_size = 0x1e000;
    uint64_t mbi = 0x10000, mbi_size = 0x3a8;
    uint64_t module0 = 0x102000, module0_size = DEBIAN_FILE_SIZE;
    uint64_t initrd = 0x8e0000, initrd_size = TEST_INITRD_SIZE;
    std::vector<MemoryRange> extra_used;    /* other modules and such */
    uint64_t identity_limit = GiB4;
    uint32_t cmdline_len = 40;
    uint64_t memory_limit = 0;              /* an SVM guest's view: the NPT's limit */
    std::vector<MemoryRange> map;

    LinuxPlanInput input()
    {
        std::vector<MemoryRange> used = {sized(image, image_size, IMG), sized(mbi, mbi_size, DATA),
                                         sized(module0, module0_size, MOD)};
        if (initrd_size)
            used.push_back(sized(initrd, initrd_size, MOD));
        used.insert(used.end(), extra_used.begin(), extra_used.end());
        map = build_map(raw, used);
        return LinuxPlanInput{map.data(),
                              uint32_t(map.size()),
                              PhysRange{PhysAddr{image}, image_size},
                              PhysRange{PhysAddr{module0}, module0_size},
                              PhysRange{PhysAddr{initrd_size ? initrd : 0}, initrd_size},
                              identity_limit,
                              cmdline_len,
                              memory_limit};
    }
    BootError plan(const LinuxImage& img, LinuxPlan* out)
    {
        *out = LinuxPlan{};
        out->kernel = 0xdead;   /* must be overwritten */
        return linux_plan(img, input(), out);
    }
};

/* Bytes of [base, base + size) that map ranges of one of RAM's types cover (the map has no overlaps). */
uint64_t ram_bytes(const std::vector<MemoryRange>& map, uint64_t base, uint64_t size)
{
    uint64_t covered = 0;
    for (const MemoryRange& r : map) {
        if (r.type != U && r.type != MOD && r.type != DATA)   /* DATA: the MBI, which the launcher reads first */
            continue;
        const uint64_t b = std::max(base, r.base.value), e = std::min(base + size, r.base.value + r.size);
        covered += e > b ? e - b : 0;
    }
    return covered;
}

bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return as && bs && a < b + bs && b < a + as;
}

/* The contract's rules, checked again from scratch over a plan that was made. */
void expect_plan_rules(const Machine& m, const LinuxImage& img, const LinuxPlan& p)
{
    const auto& h = img.hdr;
    const uint64_t foot = std::max<uint64_t>(h.init_size, img.pm_size);
    EXPECT_EQ(p.entry, p.kernel + 0x200);
    EXPECT_EQ(p.pm_src, m.module0 + img.setup_size);
    EXPECT_EQ(p.copied, p.kernel == p.pm_src ? 0 : img.pm_size);
    EXPECT_EQ(p.relocatable, h.relocatable_kernel != 0);
    if (p.relocatable) {
        EXPECT_EQ(p.runtime, p.kernel);
        EXPECT_EQ(p.kernel % (uint64_t(1) << h.min_alignment), 0u);
        EXPECT_GE(p.kernel, h.pref_address);
    } else {
        EXPECT_EQ(p.kernel, 0x100000u);
        EXPECT_EQ(p.runtime, h.pref_address);
    }
    for (const auto& [at, size] : {std::pair{p.kernel, foot}, std::pair{p.runtime, uint64_t(h.init_size)}}) {
        EXPECT_EQ(ram_bytes(m.map, at, size), size) << std::hex << at;
        EXPECT_LE(at + size, m.identity_limit);
        EXPECT_FALSE(overlaps(at, size, m.image, m.image_size));
        EXPECT_FALSE(overlaps(at, size, p.initrd, p.initrd_size));
    }
    EXPECT_EQ(p.initrd_size, m.initrd_size);
    if (p.initrd_size) {
        EXPECT_EQ(p.initrd_src, m.initrd);
        EXPECT_EQ(ram_bytes(m.map, p.initrd, p.initrd_size), p.initrd_size);
        EXPECT_FALSE(overlaps(p.initrd, p.initrd_size, m.image, m.image_size));
        if (!(h.xloadflags & linuxboot::XLF_CAN_BE_LOADED_ABOVE_4G)) {
            EXPECT_LE(p.initrd + p.initrd_size - 1, h.initrd_addr_max);
        }
        if (p.initrd != p.initrd_src) {
            EXPECT_EQ(p.initrd % 4096, 0u);
            EXPECT_FALSE(overlaps(p.initrd, p.initrd_size, m.module0, m.module0_size));
        }
    }
}

void expect_error(const BootError& e, const char* field)
{
    ASSERT_FALSE(e.ok()) << "expected an error for " << field;
    EXPECT_STREQ(e.subject, "payload");
    EXPECT_STREQ(e.field, field);
    EXPECT_EQ(e.at, 0u);
    ASSERT_NE(e.expected, nullptr);
    EXPECT_NE(e.expected[0], 0);
}

/* The error line as relboot prints it (print_error(), lib/error.h). */
std::string line(const BootError& e)
{
    char buf[512];
    Console con(buf, sizeof buf);
    print_error(con, e);
    return buf;
}

BootError parse_bytes(const std::vector<uint8_t>& b, LinuxImage* out)
{
    /* An exact-size heap copy: ASan sees any read past the end. */
    std::vector<uint8_t> copy(b);
    copy.shrink_to_fit();
    return linux_parse(copy.data(), copy.size(), out);
}

BootError parse_spec(const BzImageSpec& spec)
{
    LinuxImage img;
    return parse_bytes(make_bzimage(spec), &img);
}

} // namespace

/* ---------------------------------------------------------------- parse */

TEST(LinuxParse, DebianHeader)
{
    const BzImageSpec spec;
    const std::vector<uint8_t> file = make_bzimage(spec);
    ASSERT_TRUE(linux_is_bzimage(file.data(), file.size()));
    LinuxImage img{};
    const BootError e = parse_bytes(file, &img);
    ASSERT_TRUE(e.ok()) << e.field;
    EXPECT_EQ(img.header_end, 0x26cu);
    EXPECT_EQ(img.setup_size, DEBIAN_SETUP_SIZE);
    EXPECT_EQ(img.pm_size, file.size() - DEBIAN_SETUP_SIZE);
    EXPECT_EQ(img.hdr.version, 0x020f);
    EXPECT_EQ(img.hdr.kernel_alignment, 0x200000u);
    EXPECT_EQ(img.hdr.min_alignment, 21);
    EXPECT_EQ(img.hdr.pref_address, 0x1000000u);
    EXPECT_EQ(img.hdr.init_size, DEBIAN_INIT_SIZE);
    EXPECT_EQ(img.hdr.xloadflags, 0x7f);
    EXPECT_EQ(img.hdr.cmdline_size, 2047u);
    EXPECT_EQ(img.hdr.initrd_addr_max, 0x7fffffffu);
    EXPECT_EQ(img.hdr.handover_offset, 0x7c8d20u);
    EXPECT_EQ(img.hdr.kernel_info_offset, 0x7d56fcu);
    EXPECT_EQ(img.hdr.relocatable_kernel, 1);
    /* The struct holds the file's bytes [0x1f1, 0x26c) exactly. */
    EXPECT_EQ(std::memcmp(&img.hdr, &file[0x1f1], sizeof img.hdr), 0);
    ASSERT_EQ(img.version_offset, 0x3d40u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(&file[img.version_offset]), img.version_len),
              spec.version_string);
}

TEST(LinuxParse, IsBzImage)
{
    std::vector<uint8_t> file = make_bzimage();
    EXPECT_TRUE(linux_is_bzimage(file.data(), 0x206));
    EXPECT_FALSE(linux_is_bzimage(file.data(), 0x205));
    EXPECT_FALSE(linux_is_bzimage(file.data(), 0));
    file[0x1fe] = 0;
    EXPECT_FALSE(linux_is_bzimage(file.data(), file.size()));
    file = make_bzimage();
    file[0x205] = 'T';
    EXPECT_FALSE(linux_is_bzimage(file.data(), file.size()));
}

TEST(LinuxParse, RefusesEachFieldByName)
{
    BzImageSpec s;
    s.boot_flag = 0x55aa;
    expect_error(parse_spec(s), "boot_flag");
    s = {};
    s.header = 0x53726449;
    expect_error(parse_spec(s), "header");
    s = {};
    s.jump_offset = 0x8f;   /* header end 0x291 */
    expect_error(parse_spec(s), "jump");
    s = {};
    s.version = 0x020b;     /* 2.11: no xloadflags yet */
    expect_error(parse_spec(s), "version");
    s.version = 0x0205;
    expect_error(parse_spec(s), "version");
    s = {};
    s.xloadflags = 0x7e;
    expect_error(parse_spec(s), "xloadflags");
    s = {};
    s.loadflags = 0;
    expect_error(parse_spec(s), "loadflags");
    s = {};
    s.kernel_alignment = 0x300000;
    expect_error(parse_spec(s), "kernel_alignment");
    s.kernel_alignment = 0;
    expect_error(parse_spec(s), "kernel_alignment");
    s = {};
    s.min_alignment = 22;   /* 4 MiB above kernel_alignment's 2 MiB */
    expect_error(parse_spec(s), "min_alignment");
    s.min_alignment = 200;  /* no shift past 31 */
    expect_error(parse_spec(s), "min_alignment");
    s = {};
    s.init_size = 0;
    expect_error(parse_spec(s), "init_size");
    s = {};
    s.jump_offset = 0x62;   /* header end 0x264: init_size is there, kernel_info_offset not */
    EXPECT_TRUE(parse_spec(s).ok());
    s.jump_offset = 0x5e;   /* header end 0x260: init_size is past it, so read as 0 */
    expect_error(parse_spec(s), "init_size");
}

TEST(LinuxParse, RefusesShortFiles)
{
    const std::vector<uint8_t> file = make_bzimage();
    LinuxImage img;
    for (uint64_t n : {uint64_t(0), uint64_t(0x100), uint64_t(0x205)}) {
        const BootError e = parse_bytes(std::vector<uint8_t>(file.begin(), file.begin() + n), &img);
        expect_error(e, "size");
        EXPECT_EQ(e.found, n);
        EXPECT_EQ(e.found_radix, Radix::dec);
    }
    /* Shorter than the header's end, than setup_size, than the 64-bit entry's bytes. */
    for (uint64_t n : {uint64_t(0x206), uint64_t(0x26b), uint64_t(0x26c), uint64_t(DEBIAN_SETUP_SIZE),
                       uint64_t(DEBIAN_SETUP_SIZE + 0x200)})
        expect_error(parse_bytes(std::vector<uint8_t>(file.begin(), file.begin() + n), &img), "size");
    /* Cut off: fewer pm bytes than syssize * 16 says. */
    expect_error(parse_bytes(std::vector<uint8_t>(file.begin(), file.end() - 16), &img), "size");
    EXPECT_TRUE(parse_bytes(file, &img).ok());
}

TEST(LinuxParse, EveryPrefixIsReadWithinBounds)
{
    /* ASan watches each exact-size copy; the answer changes only at the documented lengths. */
    BzImageSpec spec;
    spec.setup_sects = 3;
    spec.kernel_version = 0x300;   /* the string at 0x500, cut by the shorter prefixes */
    const std::vector<uint8_t> file = make_bzimage(spec);
    for (uint64_t n = 0; n <= file.size(); ++n) {
        LinuxImage img;
        const BootError e = parse_bytes(std::vector<uint8_t>(file.begin(), file.begin() + n), &img);
        EXPECT_EQ(e.ok(), n == file.size()) << n;   /* syssize counts every pm byte of the file */
        if (e.ok()) {
            EXPECT_LE(uint64_t(img.version_offset) + img.version_len, n);
        }
    }
}

TEST(LinuxParse, RefusalLeavesOutZero)
{
    BzImageSpec s;
    s.init_size = 0;
    LinuxImage img;
    std::memset(&img, 0xab, sizeof img);
    expect_error(parse_bytes(make_bzimage(s), &img), "init_size");
    EXPECT_EQ(std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(&img.hdr),
                                   reinterpret_cast<const uint8_t*>(&img.hdr) + sizeof img.hdr),
              std::vector<uint8_t>(sizeof img.hdr, 0));
    EXPECT_EQ(img.header_end, 0u);
    EXPECT_EQ(img.setup_size, 0u);
    EXPECT_EQ(img.pm_size, 0u);
    EXPECT_EQ(img.version_offset, 0u);
    EXPECT_EQ(img.version_len, 0u);
}

TEST(LinuxParse, SetupSectsZeroMeansFour)
{
    BzImageSpec s;
    s.setup_sects = 0;
    s.kernel_version = 0x400;
    LinuxImage img;
    ASSERT_TRUE(parse_bytes(make_bzimage(s), &img).ok());
    EXPECT_EQ(img.setup_size, 5u * 512);
}

TEST(LinuxParse, VersionString)
{
    BzImageSpec s;
    s.kernel_version = 0;
    LinuxImage img;
    ASSERT_TRUE(parse_bytes(make_bzimage(s), &img).ok());
    EXPECT_EQ(img.version_offset, 0u);
    EXPECT_EQ(img.version_len, 0u);

    s.kernel_version = 0xfff0;     /* past the file's end */
    ASSERT_TRUE(parse_bytes(make_bzimage(s), &img).ok());
    EXPECT_EQ(img.version_offset, 0u);

    s = {};
    s.version_string = std::string(300, 'v');   /* no NUL within 127 bytes: cut there */
    ASSERT_TRUE(parse_bytes(make_bzimage(s), &img).ok());
    EXPECT_EQ(img.version_offset, 0x3d40u);
    EXPECT_EQ(img.version_len, 127u);

    /* A string that runs into the file's end stops there. */
    std::vector<uint8_t> file = make_bzimage();
    s = {};
    s.kernel_version = uint16_t(file.size() - 0x200 - 5);
    file = make_bzimage(s);
    ASSERT_TRUE(parse_bytes(file, &img).ok());
    EXPECT_EQ(img.version_len, 5u);
}

/* ---------------------------------------------------------------- plan */

TEST(LinuxPlan, SeaBios512GrubPlacementRunsAtPrefAddress)
{
    Machine m;
    const LinuxImage img = parsed();
    LinuxPlan p;
    const BootError e = m.plan(img, &p);
    ASSERT_TRUE(e.ok()) << e.field;
    EXPECT_EQ(p.pm_src, 0x107000u);
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.runtime, 0x1000000u);
    EXPECT_EQ(p.entry, 0x1000200u);
    EXPECT_EQ(p.copied, DEBIAN_PM_SIZE);
    EXPECT_EQ(p.initrd_src, 0x8e0000u);
    EXPECT_EQ(p.initrd, 0x8e0000u);
    EXPECT_EQ(p.initrd_size, TEST_INITRD_SIZE);
    EXPECT_TRUE(p.relocatable);
    expect_plan_rules(m, img, p);
}

TEST(LinuxPlan, SeaBios128GrubPlacementRunsAtPrefAddress)
{
    Machine m;
    m.raw = seabios_small(128 * MiB);
    m.image = 0x7e00000;
    const LinuxImage img = parsed();
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.initrd, 0x8e0000u);
    expect_plan_rules(m, img, p);
}

TEST(LinuxPlan, LargeInitrdOverPrefAddressKernelGoesAboveIt)
{
    /* A 40 MiB initrd after module 0 ends at 0x30e0000: the next 2 MiB boundary. */
    for (auto ram : {512 * MiB, 128 * MiB}) {
        Machine m;
        m.raw = ram == 512 * MiB ? seabios_512m() : seabios_small(ram);
        m.image = ram - 2 * MiB;
        m.initrd_size = 40 * MiB;
        const LinuxImage img = parsed();
        LinuxPlan p;
        ASSERT_TRUE(m.plan(img, &p).ok());
        EXPECT_EQ(p.kernel, 0x3200000u);
        EXPECT_EQ(p.initrd, 0x8e0000u);
        expect_plan_rules(m, img, p);
    }
}

TEST(LinuxPlan, FallsBackToSmallerAlignment)
{
    /* kernel_alignment 4 MiB fits nowhere between the initrd (ends 0x2600000) and the image; 2 MiB does. */
    BzImageSpec s;
    s.kernel_alignment = 0x400000;
    Machine m;
    m.raw = seabios_small(128 * MiB);
    m.initrd_size = 0x2600000 - m.initrd;
    m.image = 0x2600000 + DEBIAN_INIT_SIZE;
    const LinuxImage img = parsed(s);
    LinuxPlan p;
    const BootError e = m.plan(img, &p);
    ASSERT_TRUE(e.ok()) << e.field;
    EXPECT_EQ(p.kernel, 0x2600000u);
    EXPECT_EQ(p.initrd, m.initrd);
    expect_plan_rules(m, img, p);

    /*
     * One page less room: no 2 MiB (min_alignment) place above the initrd
     * either; the kernel then takes the initrd's place, and the 29 MiB
     * initrd fits nowhere else.
     */
    m.image -= 0x1000;
    expect_error(m.plan(img, &p), "initrd");
}

TEST(LinuxPlan, TightMapFailsWithKernel)
{
    /* 64 MiB of RAM cannot hold init_size (63.6 MiB) above pref_address. */
    Machine m;
    m.raw = seabios_small(64 * MiB);
    m.image = 0x3e00000;
    LinuxPlan p;
    const BootError e = m.plan(parsed(), &p);
    expect_error(e, "kernel");
    EXPECT_EQ(e.found, DEBIAN_INIT_SIZE);
    EXPECT_EQ(e.found_radix, Radix::dec);
    EXPECT_EQ(p.kernel, 0u);     /* all zero on error */
    EXPECT_EQ(p.pm_src, 0u);
    EXPECT_EQ(p.entry, 0u);
    EXPECT_EQ(p.copied, 0u);
    EXPECT_EQ(p.initrd, 0u);
    EXPECT_EQ(p.initrd_size, 0u);
}

TEST(LinuxPlan, PmCodeAlreadyInPlaceIsNotCopied)
{
    Machine m;
    m.module0 = 0x1000000 - DEBIAN_SETUP_SIZE;
    m.initrd = 0x800000;
    const LinuxImage img = parsed();
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.pm_src, 0x1000000u);
    EXPECT_EQ(p.copied, 0u);
    expect_plan_rules(m, img, p);

    /* At another aligned address above pref_address: still no copy, although pref_address is free. */
    m.module0 = 0x6000000 - DEBIAN_SETUP_SIZE;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x6000000u);
    EXPECT_EQ(p.copied, 0u);
    expect_plan_rules(m, img, p);

    /* Aligned but below pref_address: copied to pref_address. */
    m.module0 = 0x600000 - DEBIAN_SETUP_SIZE;
    m.initrd = 0x200000;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.copied, DEBIAN_PM_SIZE);
    expect_plan_rules(m, img, p);

    /* Not aligned: copied. */
    m.module0 = 0x6000000 - DEBIAN_SETUP_SIZE + 0x1000;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.copied, DEBIAN_PM_SIZE);
}

TEST(LinuxPlan, KernelMayOverwriteModule0AndOtherModules)
{
    /* Module 0 inside [pref_address, + init_size): the copy overwrites it (memmove). */
    Machine m;
    m.module0 = 0x1800000;
    m.initrd = 0x800000;
    m.extra_used = {sized(0x3000000, MiB, MOD)};   /* a third module: Linux is not given it */
    const LinuxImage img = parsed();
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.copied, DEBIAN_PM_SIZE);
    expect_plan_rules(m, img, p);
}

TEST(LinuxPlan, KernelMayTakeTheLoadersStructure)
{
    /* The launcher copies what it needs from the MBI first: the kernel may run over it. */
    Machine m;
    m.mbi = 0x2000000;
    const LinuxImage img = parsed();
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    expect_plan_rules(m, img, p);
}

TEST(LinuxPlan, KernelTakesTheInitrdsPlaceWhenNothingElseFits)
{
    /* 128 MiB: an 8 MiB initrd at 64 MiB leaves no init_size above it; the initrd moves to the top. */
    Machine m;
    m.raw = seabios_small(128 * MiB);
    m.image = 0x7e00000;
    m.initrd = 0x4000000;
    m.initrd_size = 8 * MiB;
    const LinuxImage img = parsed();
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.initrd_src, 0x4000000u);
    EXPECT_EQ(p.initrd, 0x7e00000u - 8 * MiB);
    expect_plan_rules(m, img, p);

    /* A 56 MiB initrd right after module 0: the kernel fits only over it, and then the initrd fits nowhere. */
    m.initrd = 0x8e0000;
    m.initrd_size = 56 * MiB;
    const BootError e = m.plan(img, &p);
    expect_error(e, "initrd");
    EXPECT_EQ(e.found, 56 * MiB);
}

TEST(LinuxPlan, NotRelocatableRunsFromOneMiBAndMovesTheInitrd)
{
    BzImageSpec s;
    s.relocatable_kernel = 0;
    Machine m;
    const LinuxImage img = parsed(s);
    LinuxPlan p;
    const BootError e = m.plan(img, &p);
    ASSERT_TRUE(e.ok()) << e.field;
    EXPECT_FALSE(p.relocatable);
    EXPECT_EQ(p.kernel, 0x100000u);
    EXPECT_EQ(p.entry, 0x100200u);
    EXPECT_EQ(p.runtime, 0x1000000u);
    EXPECT_EQ(p.copied, DEBIAN_PM_SIZE);   /* over module 0's own bytes, with memmove */
    /* The initrd was in [0x100000, + init_size): moved to the top of RAM, above the image. */
    EXPECT_EQ(p.initrd_src, 0x8e0000u);
    EXPECT_EQ(p.initrd, (0x1ffe0000 - TEST_INITRD_SIZE) & ~uint64_t(0xfff));
    expect_plan_rules(m, img, p);

    /* An initrd outside both ranges stays. */
    m.initrd = 0x10000000;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.initrd, 0x10000000u);
    expect_plan_rules(m, img, p);

    /* relboot's image in the runtime range: no place. */
    m.image = 0x2000000;
    expect_error(m.plan(img, &p), "kernel");
}

TEST(LinuxPlan, InitrdAboveInitrdAddrMaxMoves)
{
    BzImageSpec s;
    s.xloadflags = 0x7d;            /* no XLF_CAN_BE_LOADED_ABOVE_4G */
    s.initrd_addr_max = 0x0fffffff;
    Machine m;
    m.initrd = 0x1e000000;
    const LinuxImage img = parsed(s);
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.initrd_src, 0x1e000000u);
    EXPECT_EQ(p.initrd, 0x10000000u - TEST_INITRD_SIZE);
    expect_plan_rules(m, img, p);

    /*
     * Its last byte exactly at initrd_addr_max: it stays (a size that is
     * not a page multiple, so that a move would show: to 0xfeb3000).
     */
    m.initrd_size = TEST_INITRD_SIZE - 0x800;
    m.initrd = 0x10000000 - m.initrd_size;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.initrd, 0xfeb3800u);
    m.initrd += 1;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.initrd, 0xfeb3000u);
    m.initrd_size = TEST_INITRD_SIZE;

    /* With XLF_CAN_BE_LOADED_ABOVE_4G, initrd_addr_max does not bind. */
    s.xloadflags = 0x7f;
    m.initrd = 0x1e000000;
    ASSERT_TRUE(m.plan(parsed(s), &p).ok());
    EXPECT_EQ(p.initrd, 0x1e000000u);
}

TEST(LinuxPlan, InitrdThatFitsNowhereBelowInitrdAddrMax)
{
    /* Below 16 MiB only ~7 MiB are free past module 0: a 30 MiB initrd cannot go there. */
    BzImageSpec s;
    s.xloadflags = 0x7d;
    s.initrd_addr_max = 0x00ffffff;
    Machine m;
    m.initrd = 0x1c000000;
    m.initrd_size = 30 * MiB;
    LinuxPlan p;
    const BootError e = m.plan(parsed(s), &p);
    expect_error(e, "initrd");
    EXPECT_EQ(e.found, 30 * MiB);
    EXPECT_EQ(e.found_radix, Radix::dec);
}

TEST(LinuxPlan, CommandLineLongerThanCmdlineSize)
{
    Machine m;
    LinuxPlan p;
    m.cmdline_len = 2047;
    EXPECT_TRUE(m.plan(parsed(), &p).ok());
    m.cmdline_len = 2048;
    const BootError e = m.plan(parsed(), &p);
    expect_error(e, "cmdline_size");
    EXPECT_EQ(e.found, 2048u);
    EXPECT_EQ(e.found_radix, Radix::dec);
}

TEST(LinuxPlan, IdentityLimitBindsEverything)
{
    Machine m;
    LinuxPlan p;
    m.identity_limit = 64 * MiB;   /* mem=64M: no init_size above pref_address */
    expect_error(m.plan(parsed(), &p), "kernel");
    m.identity_limit = 0x5000000;
    ASSERT_TRUE(m.plan(parsed(), &p).ok());
    expect_plan_rules(m, parsed(), p);
    m.initrd = 0x6000000;          /* the initrd beyond the identity map: unreadable */
    expect_error(m.plan(parsed(), &p), "initrd");
    m.initrd = 0x8e0000;
    m.module0 = 0x4ff0000;         /* module 0 crosses it */
    expect_error(m.plan(parsed(), &p), "kernel");
}

TEST(LinuxPlan, AboveFourGibOnlyWithTheFlag)
{
    /* RAM below 16 MiB and from 4 GiB on (a map with a large hole). */
    Machine m;
    m.raw = {span(0x0, 0x9fc00, U), span(0x100000, 0x1000000, U), span(GiB4, 2 * GiB4, U)};
    m.image = 0xe00000;
    m.identity_limit = 2 * GiB4;
    LinuxPlan p;
    ASSERT_TRUE(m.plan(parsed(), &p).ok());
    EXPECT_EQ(p.kernel, GiB4);
    BzImageSpec s;
    s.xloadflags = 0x7d;
    expect_error(m.plan(parsed(s), &p), "kernel");
}

TEST(LinuxPlan, RangesNearTheTopOfTheAddressSpaceDoNotWrap)
{
    Machine m;
    m.identity_limit = ~uint64_t(0);
    LinuxPlan p;
    BzImageSpec s;
    s.pref_address = 0xffffffffffe00000;
    expect_error(m.plan(parsed(s), &p), "kernel");

    m.raw.push_back(span(0xffffffff00000000, 0xfffffffffffff000, U));
    expect_error(m.plan(parsed(s), &p), "kernel");

    LinuxPlanInput in = m.input();
    in.kernel_module = PhysRange{PhysAddr{0xfffffffffffff000}, DEBIAN_FILE_SIZE};
    expect_error(linux_plan(parsed(), in, &p), "kernel");
    in = m.input();
    in.initrd = PhysRange{PhysAddr{0xffffffffffff0000}, 0x20000};
    expect_error(linux_plan(parsed(), in, &p), "initrd");
}

TEST(LinuxPlan, Module0ShorterThanTheFile)
{
    Machine m;
    m.module0_size = DEBIAN_FILE_SIZE - 1;
    LinuxPlan p;
    expect_error(m.plan(parsed(), &p), "size");
}

TEST(LinuxPlan, NoInitrd)
{
    Machine m;
    m.initrd_size = 0;
    const LinuxImage img = parsed();
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.kernel, 0x1000000u);
    EXPECT_EQ(p.initrd, 0u);
    EXPECT_EQ(p.initrd_src, 0u);
    EXPECT_EQ(p.initrd_size, 0u);
    expect_plan_rules(m, img, p);
}

TEST(LinuxPlan, MemoryViewCarriedByThePlan)
{
    /* RAM up to 20 GiB; an SVM guest's NPT maps 16 GiB of it. */
    Machine m;
    m.raw.push_back(span(GiB4, 5 * GiB4, U));
    const LinuxImage img = parsed();
    LinuxPlan p;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.memory_limit, 0u);              /* native: the whole map */
    EXPECT_EQ(p.ram_withheld, 0u);
    const uint64_t native_kernel = p.kernel;

    m.memory_limit = 4 * GiB4;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.memory_limit, 4 * GiB4);
    EXPECT_EQ(p.ram_withheld, GiB4);            /* [16 GiB, 20 GiB) */
    EXPECT_EQ(p.kernel, native_kernel);
    expect_plan_rules(m, img, p);

    /* The limit inside a RAM range and below it: only the part above counts. */
    m.memory_limit = 0x1ffd0000;
    ASSERT_TRUE(m.plan(img, &p).ok());
    EXPECT_EQ(p.ram_withheld, 0x10000u + 4 * GiB4);   /* the top of the low RAM, and all of the high RAM */
}

TEST(LinuxPlan, NothingPlacedAtOrAboveTheMemoryLimit)
{
    Machine m;
    LinuxPlan p;
    m.memory_limit = 64 * MiB;                  /* no init_size above pref_address below it */
    expect_error(m.plan(parsed(), &p), "kernel");
    m.memory_limit = 0x5000000;
    ASSERT_TRUE(m.plan(parsed(), &p).ok());
    EXPECT_LE(p.runtime + DEBIAN_INIT_SIZE, 0x5000000u);
    /* An initrd the guest could not reach moves below the limit. */
    m.initrd = 0x6000000;
    ASSERT_TRUE(m.plan(parsed(), &p).ok());
    EXPECT_EQ(p.initrd_src, 0x6000000u);
    EXPECT_EQ(p.initrd, 0x1000000u - TEST_INITRD_SIZE);   /* the highest free place below the kernel */
    EXPECT_LE(p.initrd + p.initrd_size, 0x5000000u);
    expect_plan_rules(m, parsed(), p);
}

/* ---------------------------------------------------------------- error lines */

/* The refusals as they print (tests/payload/relboot-refusals.test checks the same lines in QEMU). */
TEST(LinuxErrorLine, ParseRefusals)
{
    BzImageSpec s;
    s.version = 0x0205;
    EXPECT_EQ(line(parse_spec(s)), "relboot: error: payload version: 0x00000205, expected at least 2.12 (0x020c): "
                                   "xloadflags says whether the 64-bit entry exists\r\n");
    s = {};
    s.xloadflags = 0x7e;
    EXPECT_EQ(line(parse_spec(s)),
              "relboot: error: payload xloadflags: 0x0000007e, expected XLF_KERNEL_64 (bit 0): a 64-bit entry\r\n");
    const std::vector<uint8_t> file = make_bzimage();
    LinuxImage img;
    EXPECT_EQ(line(parse_bytes(std::vector<uint8_t>(file.begin(), file.end() - 16), &img)),
              "relboot: error: payload size: " + std::to_string(file.size() - 16) +
                  ", expected the whole bzImage: (setup_sects + 1) * 512 + syssize * 16 bytes\r\n");
    std::vector<uint8_t> initramfs = file;
    initramfs[0x1fe] = 0x37, initramfs[0x1ff] = 0x30;
    EXPECT_EQ(line(parse_bytes(initramfs, &img)), "relboot: error: payload boot_flag: 0x00003037, expected 0xaa55\r\n");
}

TEST(LinuxErrorLine, PlanRefusals)
{
    BzImageSpec s;
    s.cmdline_size = 16;
    Machine m;
    m.cmdline_len = 37;
    LinuxPlan p;
    EXPECT_EQ(line(m.plan(parsed(s), &p)), "relboot: error: payload cmdline_size: 37, expected at most cmdline_size "
                                           "bytes (without the NUL); cmdline_size = 16\r\n");
    m = Machine{};
    m.raw = seabios_small(64 * MiB);
    m.image = 0x3e00000;
    EXPECT_EQ(line(m.plan(parsed(), &p)), "relboot: error: payload kernel: 66682880, expected a free range of "
                                          "init_size bytes at an address the kernel accepts\r\n");
    s = {};
    s.initrd_addr_max = 0xfff;
    s.xloadflags = 0x7d;
    m = Machine{};
    EXPECT_EQ(line(m.plan(parsed(s), &p)), "relboot: error: payload initrd: " + std::to_string(TEST_INITRD_SIZE) +
                                               ", expected a free, 4 KiB-aligned range below initrd_addr_max; "
                                               "initrd_addr_max = 0x00000fff\r\n");
}

/* ---------------------------------------------------------------- e820 */

/* gtest finds these by argument-dependent lookup. */
namespace relboot::linuxboot {
inline bool operator==(const boot_e820_entry& a, const boot_e820_entry& b)
{
    return a.addr == b.addr && a.size == b.size && a.type == b.type;
}
inline void PrintTo(const boot_e820_entry& e, std::ostream* os)
{
    *os << std::hex << "{0x" << e.addr << "-0x" << e.addr + e.size << " type " << std::dec << e.type << "}";
}
} // namespace relboot::linuxboot

namespace {

constexpr uint32_t E_RAM = linuxboot::E820_TYPE_RAM;
constexpr uint32_t E_RES = linuxboot::E820_TYPE_RESERVED;
constexpr uint32_t E_ACPI = linuxboot::E820_TYPE_ACPI;
constexpr uint32_t E_NVS = linuxboot::E820_TYPE_NVS;
constexpr uint32_t E_BAD = linuxboot::E820_TYPE_UNUSABLE;

std::vector<boot_e820_entry> e820(const std::vector<MemoryRange>& map, uint32_t max = 128, bool* truncated = nullptr,
                                  uint64_t memory_limit = 0)
{
    std::vector<boot_e820_entry> out(max + 1, boot_e820_entry{0xdead, 0xbeef, 0xee});
    bool t = true;
    const uint32_t n =
        linux_e820_from_memory_map(map.data(), uint32_t(map.size()), memory_limit, out.data(), max, &t);
    if (truncated)
        *truncated = t;
    EXPECT_LE(n, max);
    EXPECT_TRUE(out[max] == (boot_e820_entry{0xdead, 0xbeef, 0xee})) << "wrote past max";
    out.resize(n);
    return out;
}

boot_e820_entry ent(uint64_t base, uint64_t end, uint32_t type)
{
    return boot_e820_entry{base, end - base, type};
}

} // namespace

TEST(LinuxE820, GrubMachineModulesAndMbiBecomeRamImageReserved)
{
    Machine m;
    m.input();
    bool truncated = true;
    const std::vector<boot_e820_entry> got = e820(m.map, 128, &truncated);
    const std::vector<boot_e820_entry> want = {
        ent(0x0, 0x9fc00, E_RAM),                   /* the MBI at 0x10000 merged with the RAM around it */
        ent(0x9fc00, 0xa0000, E_RES),
        ent(0xf0000, 0x100000, E_RES),
        ent(0x100000, 0x1fe00000, E_RAM),           /* modules merged with the RAM around them */
        ent(0x1fe00000, 0x1fe1e000, E_RES),         /* relboot's image */
        ent(0x1fe1e000, 0x1ffe0000, E_RAM),
        ent(0x1ffe0000, 0x20000000, E_RES),
        ent(0xfffc0000, 0x100000000, E_RES),
        ent(0xfd00000000, 0x10000000000, E_RES),
    };
    EXPECT_FALSE(truncated);
    EXPECT_EQ(got, want);
}

TEST(LinuxE820, OtherFirmwareTypesAreReserved)
{
    const std::vector<MemoryRange> map = {
        span(0x0, 0x1000, U),
        span(0x1000, 0x2000, MemoryType(20)),   /* GRUB's EFI runtime code */
        span(0x2000, 0x3000, R),
        span(0x3000, 0x4000, ACPI),
        span(0x4000, 0x5000, NVS),
        span(0x5000, 0x6000, BAD),
        span(0x6000, 0x7000, MemoryType(7)),    /* PMEM: passed as reserved */
        span(0x8000, 0x9000, U),                /* after a gap: not merged */
        span(0x9000, 0x9000, U),                /* empty: dropped */
        span(0x9000, 0xa000, MOD),
        span(0xa000, 0xb000, DATA),
        span(0xb000, 0xc000, IMG),
    };
    const std::vector<boot_e820_entry> want = {
        ent(0x0, 0x1000, E_RAM),    ent(0x1000, 0x3000, E_RES), ent(0x3000, 0x4000, E_ACPI),
        ent(0x4000, 0x5000, E_NVS), ent(0x5000, 0x6000, E_BAD), ent(0x6000, 0x7000, E_RES),
        ent(0x8000, 0xb000, E_RAM), ent(0xb000, 0xc000, E_RES),
    };
    const std::vector<boot_e820_entry> got = e820(map);
    EXPECT_EQ(got, want);
}

TEST(LinuxE820, MemoryLimitReservesWhatLiesAtOrAboveIt)
{
    constexpr uint64_t GiB = uint64_t(1) << 30;
    const std::vector<MemoryRange> map = {
        span(0x0, 0x9fc00, U),
        span(0x100000, 0xc0000000, U),
        span(0xfffc0000, 0x100000000, R),
        span(0x100000000, 20 * GiB, U),             /* crosses the limit */
        span(20 * GiB, 20 * GiB + 0x1000, ACPI),    /* above it: reserved, merged with the cut-off RAM */
        span(20 * GiB + 0x2000, 20 * GiB + 0x3000, MOD),
        span(0xfd00000000, 0x10000000000, R),
    };
    const std::vector<boot_e820_entry> want = {
        ent(0x0, 0x9fc00, E_RAM),
        ent(0x100000, 0xc0000000, E_RAM),
        ent(0xfffc0000, 0x100000000, E_RES),
        ent(0x100000000, 16 * GiB, E_RAM),
        ent(16 * GiB, 20 * GiB + 0x1000, E_RES),
        ent(20 * GiB + 0x2000, 20 * GiB + 0x3000, E_RES),
        ent(0xfd00000000, 0x10000000000, E_RES),
    };
    EXPECT_EQ(e820(map, 128, nullptr, 16 * GiB), want);
    /* A limit at a range's base: all of it reserved; no limit: the native table. */
    const std::vector<MemoryRange> at_base = {span(0x0, 0x1000, U), span(0x1000, 0x2000, U)};
    EXPECT_EQ(e820(at_base, 128, nullptr, 0x1000), (std::vector<boot_e820_entry>{ent(0x0, 0x1000, E_RAM),
                                                                                  ent(0x1000, 0x2000, E_RES)}));
    EXPECT_EQ(e820(at_base, 128, nullptr, 0), (std::vector<boot_e820_entry>{ent(0x0, 0x2000, E_RAM)}));
    EXPECT_EQ(e820(at_base, 128, nullptr, 0x2000), e820(at_base));
}

TEST(LinuxE820, Truncated)
{
    std::vector<MemoryRange> map;
    for (uint64_t i = 0; i < 10; ++i)
        map.push_back(sized(i * 0x2000, 0x1000, U));
    bool truncated = false;
    EXPECT_EQ(e820(map, 10, &truncated).size(), 10u);
    EXPECT_FALSE(truncated);
    const std::vector<boot_e820_entry> got = e820(map, 4, &truncated);
    EXPECT_TRUE(truncated);
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[3].addr, 0x6000u);
    EXPECT_EQ(e820(map, 0, &truncated).size(), 0u);
    EXPECT_TRUE(truncated);
    EXPECT_EQ(e820({}, 4, &truncated).size(), 0u);
    EXPECT_FALSE(truncated);
}

TEST(LinuxE820, SplitIntoZeroPageSetupE820ExtAndDropped)
{
    /* 200 ranges that do not merge (a gap after each). */
    std::vector<MemoryRange> map;
    for (uint64_t i = 0; i < 200; ++i)
        map.push_back(sized(i * 0x2000, 0x1000, U));
    const LinuxE820Split all = linux_e820_split(map.data(), 200, 0, LINUX_E820_EXT_MAX);
    EXPECT_EQ(all.total, 200u);
    EXPECT_EQ(all.zero_page, 128u);
    EXPECT_EQ(all.ext, 72u);
    EXPECT_EQ(all.dropped, 0u);
    EXPECT_EQ(all.dropped_from, 0u);
    /* Room for 10 in the node: the highest 62 are dropped, from entry 138's base. */
    const LinuxE820Split small = linux_e820_split(map.data(), 200, 0, 10);
    EXPECT_EQ(small.total, 200u);
    EXPECT_EQ(small.zero_page, 128u);
    EXPECT_EQ(small.ext, 10u);
    EXPECT_EQ(small.dropped, 62u);
    EXPECT_EQ(small.dropped_from, 138u * 0x2000);
    /* At most 128: no node. */
    const LinuxE820Split few = linux_e820_split(map.data(), 128, 0, LINUX_E820_EXT_MAX);
    EXPECT_EQ(few.total, 128u);
    EXPECT_EQ(few.zero_page, 128u);
    EXPECT_EQ(few.ext, 0u);
    EXPECT_EQ(few.dropped, 0u);
    /* The memory view's split at the limit is one more entry. */
    EXPECT_EQ(linux_e820_split(map.data(), 200, 0x800, LINUX_E820_EXT_MAX).total, 201u);
    /* A full map (every range apart) and the split still fit the node: nothing a MEMORY_MAP_MAX map needs is dropped. */
    std::vector<MemoryRange> full;
    for (uint64_t i = 0; i < MEMORY_MAP_MAX; ++i)
        full.push_back(sized(i * 0x2000, 0x1000, U));
    const LinuxE820Split most = linux_e820_split(full.data(), MEMORY_MAP_MAX, 0x800, LINUX_E820_EXT_MAX);
    EXPECT_EQ(most.total, MEMORY_MAP_MAX + 1);
    EXPECT_EQ(most.ext, LINUX_E820_EXT_MAX);
    EXPECT_EQ(most.dropped, 0u);
}

/* ---------------------------------------------------------------- zero page */

namespace {

template <typename T>
T at(const std::vector<uint8_t>& page, uint32_t offset)
{
    T v;
    std::memcpy(&v, &page[offset], sizeof v);
    return v;
}

/* A zero page with a byte on each side, to catch writes outside it. */
struct [[gnu::packed]] GuardedBootParams {
    uint8_t front;
    boot_params bp;
    uint8_t back;
};

struct ZeroPage {
    std::vector<uint8_t> file = make_bzimage();
    LinuxImage img{};
    Machine m;
    LinuxPlan plan{};
    LinuxBootParamsInput in{};
    std::vector<uint8_t> page;      /* the zero page's bytes, read back at zero-page.rst's offsets */

    explicit ZeroPage(const BzImageSpec& spec = {}, uint64_t memory_limit = 0)
    {
        file = make_bzimage(spec);
        EXPECT_TRUE(linux_parse(file.data(), file.size(), &img).ok());
        m.module0_size = file.size();
        m.memory_limit = memory_limit;
        EXPECT_TRUE(m.plan(img, &plan).ok());
        in.cmd_line_ptr = 0x1fe1d000;
        in.ramdisk_image = plan.initrd;
        in.ramdisk_size = plan.initrd_size;
        in.acpi_rsdp_addr = 0xf59d0;
        in.memory_map = m.map.data();
        in.memory_map_count = uint32_t(m.map.size());
    }
    void fill()
    {
        /* The page itself starts dirty. */
        auto g = std::make_unique<GuardedBootParams>();
        std::memset(g.get(), 0x5a, sizeof *g);
        linux_fill_boot_params(g->bp, file.data(), img, plan, in);
        EXPECT_EQ(g->front, 0x5a);
        EXPECT_EQ(g->back, 0x5a);
        const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&g->bp);
        page.assign(bytes, bytes + sizeof g->bp);
    }
};

/* Offsets of the header fields linux_fill_boot_params() sets: [offset, offset + size). */
const std::vector<std::pair<uint32_t, uint32_t>> written_header_fields = {
    {0x1fa, 2}, {0x210, 1}, {0x211, 1}, {0x214, 4}, {0x218, 4}, {0x21c, 4}, {0x228, 4},
    {0x230, 4}, {0x23c, 4}, {0x240, 8}, {0x250, 8},
};

bool written_by_fill(uint32_t offset)
{
    for (auto [o, n] : written_header_fields)
        if (offset >= o && offset < o + n)
            return true;
    return false;
}

} // namespace

TEST(LinuxZeroPage, FieldsAtTheirOffsets)
{
    ZeroPage z;
    z.fill();
    const std::vector<uint8_t>& p = z.page;
    EXPECT_EQ(p.size(), 4096u);
    EXPECT_EQ(at<uint32_t>(p, 0x228), 0x1fe1d000u);      /* cmd_line_ptr */
    EXPECT_EQ(at<uint32_t>(p, 0xc8), 0u);                /* ext_cmd_line_ptr */
    EXPECT_EQ(at<uint32_t>(p, 0x218), 0x8e0000u);        /* ramdisk_image */
    EXPECT_EQ(at<uint32_t>(p, 0x21c), TEST_INITRD_SIZE); /* ramdisk_size */
    EXPECT_EQ(at<uint32_t>(p, 0xc0), 0u);
    EXPECT_EQ(at<uint32_t>(p, 0xc4), 0u);
    EXPECT_EQ(at<uint64_t>(p, 0x70), 0xf59d0u);          /* acpi_rsdp_addr */
    EXPECT_EQ(p[0x210], 0xff);                           /* type_of_loader */
    EXPECT_EQ(p[0x211], 0x01);                           /* loadflags: LOADED_HIGH, no CAN_USE_HEAP */
    EXPECT_EQ(at<uint16_t>(p, 0x1fa), 0xffff);           /* vid_mode */
    EXPECT_EQ(at<uint32_t>(p, 0x214), 0x1000000u);       /* code32_start = the load address */
    EXPECT_EQ(at<uint32_t>(p, 0x230), 0x200000u);        /* kernel_alignment as in the file */
    EXPECT_EQ(at<uint32_t>(p, 0x23c), 0u);               /* hardware_subarch */
    EXPECT_EQ(p[0x1ef], 0);                              /* sentinel, 0xff in the file */
    EXPECT_EQ(z.file[0x1ef], 0xff);
    EXPECT_EQ(std::vector<uint8_t>(p.begin() + 0x1c0, p.begin() + 0x1e0), std::vector<uint8_t>(32, 0));  /* BIOS */

    /* The e820 table: the conversion of BootState's map. */
    const std::vector<boot_e820_entry> want = e820(z.m.map);
    ASSERT_EQ(p[0x1e8], want.size());
    for (uint32_t i = 0; i < want.size(); ++i)
        EXPECT_TRUE(at<boot_e820_entry>(p, 0x2d0 + 20 * i) == want[i]) << i;
}

TEST(LinuxZeroPage, HeaderCopiedVerbatimUpToItsEndAndNothingElse)
{
    for (uint8_t jump : {uint8_t(0x6a), uint8_t(0x62), uint8_t(0x8e)}) {
        BzImageSpec s;
        s.jump_offset = jump;
        ZeroPage z(s);
        z.fill();
        const uint32_t end = 0x202 + jump;
        ASSERT_EQ(z.img.header_end, end);
        /* Every byte but the fields set on purpose: the file's inside the header, zero outside it. */
        const uint32_t e820_end = 0x2d0 + 20 * z.page[0x1e8];
        for (uint32_t i = 0; i < linuxboot::BOOT_PARAMS_SIZE; ++i) {
            if (written_by_fill(i) || (i >= 0x70 && i < 0x78) || i == 0x1e8 || (i >= 0x2d0 && i < e820_end))
                continue;
            EXPECT_EQ(z.page[i], i >= 0x1f1 && i < end ? z.file[i] : 0) << std::hex << "offset 0x" << i;
        }
    }
}

TEST(LinuxZeroPage, HighHalvesAndEfi)
{
    ZeroPage z;
    z.in.cmd_line_ptr = 0x123456789000;
    z.in.ramdisk_image = 0x2'3450'0000;
    z.in.ramdisk_size = 0x1'0000'2000;
    z.in.acpi_rsdp_addr = 0x1f77d014;
    z.in.efi_systab = 0x1'1f5e'b018;
    z.in.efi_memmap = 0x2'0008'd000;
    z.in.efi_memmap_size = 6048;
    z.in.efi_memdesc_size = 48;
    z.in.efi_memdesc_version = 1;
    z.fill();
    const std::vector<uint8_t>& p = z.page;
    EXPECT_EQ(at<uint32_t>(p, 0x228), 0x56789000u);
    EXPECT_EQ(at<uint32_t>(p, 0xc8), 0x1234u);
    EXPECT_EQ(at<uint32_t>(p, 0x218), 0x34500000u);
    EXPECT_EQ(at<uint32_t>(p, 0xc0), 2u);
    EXPECT_EQ(at<uint32_t>(p, 0x21c), 0x2000u);
    EXPECT_EQ(at<uint32_t>(p, 0xc4), 1u);
    EXPECT_EQ(at<uint64_t>(p, 0x70), 0x1f77d014u);
    EXPECT_EQ(std::memcmp(&p[0x1c0], "EL64", 4), 0);
    EXPECT_EQ(at<uint32_t>(p, 0x1c4), 0x1f5eb018u);   /* efi_systab */
    EXPECT_EQ(at<uint32_t>(p, 0x1c8), 48u);           /* efi_memdesc_size */
    EXPECT_EQ(at<uint32_t>(p, 0x1cc), 1u);            /* efi_memdesc_version */
    EXPECT_EQ(at<uint32_t>(p, 0x1d0), 0x8d000u);      /* efi_memmap */
    EXPECT_EQ(at<uint32_t>(p, 0x1d4), 6048u);         /* efi_memmap_size */
    EXPECT_EQ(at<uint32_t>(p, 0x1d8), 1u);            /* efi_systab_hi */
    EXPECT_EQ(at<uint32_t>(p, 0x1dc), 2u);            /* efi_memmap_hi */
    EXPECT_EQ(p[0x1ef], 0);
}

TEST(LinuxZeroPage, NoInitrdAndNoSetupData)
{
    BzImageSpec s;
    s.setup_data = 0x12345678;   /* junk a loader must not pass on */
    ZeroPage z(s);
    z.in.ramdisk_image = 0;
    z.in.ramdisk_size = 0x1000;
    z.fill();
    EXPECT_EQ(at<uint32_t>(z.page, 0x218), 0u);
    EXPECT_EQ(at<uint32_t>(z.page, 0x21c), 0u);
    EXPECT_EQ(at<uint32_t>(z.page, 0xc4), 0u);
    EXPECT_EQ(at<uint64_t>(z.page, 0x250), 0u);
}

TEST(LinuxZeroPage, LoweredAlignmentIsWrittenBack)
{
    BzImageSpec s;
    s.kernel_alignment = 0x400000;
    ZeroPage z(s);
    z.plan.kernel = 0x2600000;   /* as FallsBackToSmallerAlignment places it */
    z.fill();
    EXPECT_EQ(at<uint32_t>(z.page, 0x230), 0x200000u);
    EXPECT_EQ(at<uint32_t>(z.page, 0x214), 0x2600000u);
    z.plan.kernel = 0x2800000;
    z.fill();
    EXPECT_EQ(at<uint32_t>(z.page, 0x230), 0x400000u);
}

TEST(LinuxZeroPage, E820TableHoldsAtMost128WithoutANode)
{
    ZeroPage z;
    std::vector<MemoryRange> map;
    for (uint64_t i = 0; i < 200; ++i)
        map.push_back(sized(i * 0x2000, 0x1000, U));
    z.in.memory_map = map.data();
    z.in.memory_map_count = uint32_t(map.size());
    z.fill();
    EXPECT_EQ(z.page[0x1e8], 128);
    EXPECT_TRUE(at<boot_e820_entry>(z.page, 0x2d0 + 20 * 127) == (boot_e820_entry{127 * 0x2000, 0x1000, E_RAM}));
    EXPECT_EQ(at<uint64_t>(z.page, 0x2d0 + 20 * 128), 0u);   /* 0xcd0: pad, untouched */
}

TEST(LinuxZeroPage, GuestMemoryViewWrittenFromThePlan)
{
    /* The plan's memory view (an SVM guest's NPT limit) is the e820 table, written once; the rest is native. */
    constexpr uint64_t LIMIT = 0x1ff00000;
    ZeroPage native;
    native.fill();
    ZeroPage guest({}, LIMIT);
    ASSERT_EQ(guest.plan.memory_limit, LIMIT);
    guest.fill();
    const std::vector<boot_e820_entry> want = e820(guest.m.map, 128, nullptr, LIMIT);
    ASSERT_EQ(guest.page[0x1e8], want.size());
    for (uint32_t i = 0; i < want.size(); ++i) {
        const boot_e820_entry e = at<boot_e820_entry>(guest.page, 0x2d0 + 20 * i);
        EXPECT_TRUE(e == want[i]) << i;
        if (e.addr + e.size > LIMIT) {
            EXPECT_EQ(e.type, E_RES) << i;
        }
    }
    EXPECT_TRUE(at<boot_e820_entry>(guest.page, 0x2d0 + 20 * 5) == ent(0x1fe1e000, LIMIT, E_RAM));
    EXPECT_TRUE(at<boot_e820_entry>(guest.page, 0x2d0 + 20 * 6) == ent(LIMIT, 0x20000000, E_RES));
    for (uint32_t i = 0; i < 0x2d0; ++i)
        EXPECT_EQ(guest.page[i], native.page[i]) << std::hex << "offset 0x" << i;
}

namespace {

/* The SETUP_E820_EXT node's buffer, with guard bytes after it; at a physical address inside relboot's image. */
constexpr uint64_t EXT_PHYS = 0x1fe1c000;

struct ExtBuffer {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(sizeof(LinuxE820Ext) + 64, 0x5a);
    void attach(LinuxBootParamsInput& in, uint32_t max)
    {
        in.e820_ext = bytes.data();
        in.e820_ext_phys = EXT_PHYS;
        in.e820_ext_max = max;
    }
};

} // namespace

TEST(LinuxZeroPage, E820Past128GoesToOneSetupE820ExtNode)
{
    /* The layout the kernel reads (bootparam.h): setup_data {u64 next; u32 type; u32 len; u8 data[]}, then boot_e820_entry {u64 addr; u64 size; u32 type} packed. */
    static_assert(offsetof(linuxboot::setup_data, next) == 0 && offsetof(linuxboot::setup_data, type) == 8 &&
                  offsetof(linuxboot::setup_data, len) == 12 && sizeof(linuxboot::setup_data) == 16);
    static_assert(offsetof(boot_e820_entry, addr) == 0 && offsetof(boot_e820_entry, size) == 8 &&
                  offsetof(boot_e820_entry, type) == 16 && sizeof(boot_e820_entry) == 20);
    static_assert(offsetof(LinuxE820Ext, entries) == 16);
    ZeroPage z;
    std::vector<MemoryRange> map;
    for (uint64_t i = 0; i < 200; ++i)
        map.push_back(sized(i * 0x2000, 0x1000, i % 3 ? U : ACPI));
    z.in.memory_map = map.data();
    z.in.memory_map_count = uint32_t(map.size());
    ExtBuffer ext;
    ext.attach(z.in, LINUX_E820_EXT_MAX);
    z.fill();
    const std::vector<boot_e820_entry> want = e820(map, 200);
    ASSERT_EQ(want.size(), 200u);
    EXPECT_EQ(z.page[0x1e8], 128);                                  /* e820_entries */
    for (uint32_t i = 0; i < 128; ++i)
        EXPECT_TRUE(at<boot_e820_entry>(z.page, 0x2d0 + 20 * i) == want[i]) << i;
    EXPECT_EQ(at<uint64_t>(z.page, 0x250), EXT_PHYS);               /* setup_header.setup_data */
    const std::vector<uint8_t>& n = ext.bytes;
    EXPECT_EQ(at<uint64_t>(n, 0), 0u);                              /* next: the list's only node */
    EXPECT_EQ(at<uint32_t>(n, 8), 1u);                              /* SETUP_E820_EXT */
    EXPECT_EQ(at<uint32_t>(n, 12), 72u * 20);                       /* len: 72 entries of 20 bytes */
    for (uint32_t i = 0; i < 72; ++i) {
        const uint32_t o = 16 + 20 * i;
        EXPECT_EQ(at<uint64_t>(n, o), want[128 + i].addr) << i;
        EXPECT_EQ(at<uint64_t>(n, o + 8), want[128 + i].size) << i;
        EXPECT_EQ(at<uint32_t>(n, o + 16), want[128 + i].type) << i;
    }
    for (size_t i = 16 + 72 * 20; i < n.size(); ++i)
        ASSERT_EQ(n[i], 0x5a) << "byte " << i << " of the node's buffer written past its len";
}

TEST(LinuxZeroPage, SetupE820ExtHoldsAtMostItsMax)
{
    ZeroPage z;
    std::vector<MemoryRange> map;
    for (uint64_t i = 0; i < 200; ++i)
        map.push_back(sized(i * 0x2000, 0x1000, U));
    z.in.memory_map = map.data();
    z.in.memory_map_count = uint32_t(map.size());
    ExtBuffer ext;
    ext.attach(z.in, 10);
    z.fill();
    EXPECT_EQ(z.page[0x1e8], 128);
    EXPECT_EQ(at<uint64_t>(z.page, 0x250), EXT_PHYS);
    EXPECT_EQ(at<uint32_t>(ext.bytes, 12), 10u * 20);
    EXPECT_EQ(at<uint64_t>(ext.bytes, 16 + 20 * 9), 137u * 0x2000);   /* the last one kept */
    for (size_t i = 16 + 10 * 20; i < ext.bytes.size(); ++i)
        ASSERT_EQ(ext.bytes[i], 0x5a) << "byte " << i;
    /* 128 or fewer: the node is not written, setup_data stays 0. */
    ZeroPage few;
    few.in.memory_map = map.data();
    few.in.memory_map_count = 128;
    ExtBuffer untouched;
    untouched.attach(few.in, LINUX_E820_EXT_MAX);
    few.fill();
    EXPECT_EQ(few.page[0x1e8], 128);
    EXPECT_EQ(at<uint64_t>(few.page, 0x250), 0u);
    EXPECT_EQ(untouched.bytes, std::vector<uint8_t>(sizeof(LinuxE820Ext) + 64, 0x5a));
}
