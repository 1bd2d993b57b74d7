/*
 * The protocols' checks before .bss is zeroed (protocols.def's `outside`
 * column, protocol_steps.h): every multiboot1 and PVH pointer that reaches
 * into relboot's image is refused with one line naming the field, the
 * pointer and the image's range; what lies outside, up to the image's
 * first byte and from its end on, is not.  Lists, maps and modules count
 * with their extent, strings by their first byte.
 */
#include "../fuzz/info_window.h"
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "protocol/mbi.h"
#include "protocol/multiboot1.h"
#include "protocol/protocol_steps.h"
#include "protocol/pvh.h"

#include <cstring>
#include <string>
#include <vector>

using namespace relboot;
using boot_test::error_line;

namespace {

constexpr uint64_t B = fuzz::WINDOW_BASE;                   /* the structure, at the window's first byte */
constexpr PhysRange IMAGE{PhysAddr{B + 0x1000}, 0x800};     /* relboot's image, inside the window */
constexpr uint64_t IN = B + 0x1400;                         /* a byte in the image */
constexpr uint64_t OUT = B + 0x1c00;                        /* a byte after it */
const std::string RANGE = "; image = [0x0000a000, 0x0000a800)\r\n";

struct Memory {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(0x2000);
    fuzz::Window window() const { return fuzz::Window{bytes.data(), bytes.size()}; }
    void put32(uint64_t phys, uint32_t v) { std::memcpy(&bytes[phys - B], &v, 4); }
    void put64(uint64_t phys, uint64_t v) { std::memcpy(&bytes[phys - B], &v, 8); }
    void str(uint64_t phys, const std::string& s) { std::memcpy(&bytes[phys - B], s.c_str(), s.size() + 1); }
};

std::string mb1_line(const Memory& m)
{
    const fuzz::Window w = m.window();
    const BootError e = multiboot1_outside_image(w.memory(), PhysAddr{B}, IMAGE);
    return e.ok() ? std::string() : error_line(e);
}

std::string pvh_line(const Memory& m)
{
    const fuzz::Window w = m.window();
    const BootError e = pvh_outside_image(w.memory(), PhysAddr{B}, IMAGE);
    return e.ok() ? std::string() : error_line(e);
}

/* Multiboot1: command line and loader name outside, memory map, one module list with one module, all outside. */
Memory mb1_outside()
{
    Memory m;
    m.put32(B, MULTIBOOT1_INFO_CMDLINE | MULTIBOOT1_INFO_BOOT_LOADER_NAME | MULTIBOOT1_INFO_MEM_MAP |
                   MULTIBOOT1_INFO_MODS);
    m.put32(B + 16, B + 0x100);
    m.str(B + 0x100, "relboot.elf debug-exit=0xf4");
    m.put32(B + 64, B + 0x180);
    m.str(B + 0x180, "qemu");
    m.put32(B + 44, 48);            /* mmap_length */
    m.put32(B + 48, B + 0x200);     /* mmap_addr */
    m.put32(B + 20, 1);             /* mods_count */
    m.put32(B + 24, B + 0x300);     /* mods_addr */
    m.put32(B + 0x300, B + 0x1900); /* mod_start, mod_end, string */
    m.put32(B + 0x304, B + 0x1a00);
    m.put32(B + 0x308, B + 0x380);
    m.str(B + 0x380, "initrd");
    return m;
}

const std::string MB1 = "relboot: error: multiboot1 info at ";

} // namespace

TEST(OutsideImage, Multiboot1OutsideIsAccepted)
{
    EXPECT_EQ(mb1_line(mb1_outside()), "");
}

TEST(OutsideImage, Multiboot1EachPointerIntoTheImage)
{
    Memory m = mb1_outside();
    m.put32(B + 16, IN);
    m.str(IN, "relboot.elf debug-exit=0xf4");
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 cmdline: 0x0000a400, expected outside relboot's image" + RANGE);

    m = mb1_outside();
    m.put32(B + 64, IN);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 boot_loader_name: 0x0000a400, expected outside relboot's image" + RANGE);

    m = mb1_outside();
    m.put32(B + 48, IN);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 mmap_addr: 0x0000a400, expected outside relboot's image" + RANGE);

    m = mb1_outside();
    m.put32(B + 24, IN);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 mods_addr: 0x0000a400, expected outside relboot's image" + RANGE);

    /* The module and its string: at the module entry's address. */
    m = mb1_outside();
    m.put32(B + 0x300, IN);
    m.put32(B + 0x304, IN + 0x100);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009300 mod_start: 0x0000a400, expected outside relboot's image" + RANGE);
    m = mb1_outside();
    m.put32(B + 0x308, IN);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009300 string: 0x0000a400, expected outside relboot's image" + RANGE);
}

TEST(OutsideImage, Multiboot1ExtentsNotJustPointers)
{
    /* A string by its first byte: at the image's base refused, just below it not (its length is the early step's). */
    Memory m = mb1_outside();
    m.put32(B + 16, IMAGE.base.value);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 cmdline: 0x0000a000, expected outside relboot's image" + RANGE);
    m.put32(B + 16, IMAGE.base.value - 1);
    EXPECT_EQ(mb1_line(m), "");
    m.put32(B + 16, IMAGE.end() - 1);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 cmdline: 0x0000a7ff, expected outside relboot's image" + RANGE);
    m.put32(B + 16, IMAGE.end());
    EXPECT_EQ(mb1_line(m), "");
    /* A memory map whose last byte is the image's first; a module that ends at the image (exclusive) or starts at its end. */
    m = mb1_outside();
    m.put32(B + 48, IMAGE.base.value - 47);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 mmap_addr: 0x00009fd1, expected outside relboot's image" + RANGE);
    m = mb1_outside();
    m.put32(B + 0x300, IMAGE.base.value - 0x100);
    m.put32(B + 0x304, IMAGE.base.value);
    EXPECT_EQ(mb1_line(m), "");
    m.put32(B + 0x300, IMAGE.end());
    m.put32(B + 0x304, IMAGE.end() + 0x100);
    EXPECT_EQ(mb1_line(m), "");
    /* An empty module, or one with mod_start > mod_end, is its pointer: at the image's base, refused. */
    m.put32(B + 0x300, IMAGE.base.value);
    m.put32(B + 0x304, IMAGE.base.value);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009300 mod_start: 0x0000a000, expected outside relboot's image" + RANGE);
    m.put32(B + 0x304, 0);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009300 mod_start: 0x0000a000, expected outside relboot's image" + RANGE);
    /* A module list that covers the image (mods_count entries of 16 bytes from before it). */
    m = mb1_outside();
    m.put32(B + 20, 0x200);
    EXPECT_EQ(mb1_line(m), MB1 + "0x00009000 mods_addr: 0x00009300, expected outside relboot's image" + RANGE);
}

TEST(OutsideImage, Multiboot1OnlyWhatTheFlagsSayIsValid)
{
    Memory m = mb1_outside();
    m.put32(B + 16, IN);
    m.put32(B + 64, IN);
    m.put32(B + 48, IN);
    m.put32(B + 24, IN);
    m.put32(B, 0);
    EXPECT_EQ(mb1_line(m), "");
    /* Flag set, no modules: mods_addr is not a pointer. */
    m.put32(B, MULTIBOOT1_INFO_MODS);
    m.put32(B + 20, 0);
    EXPECT_EQ(mb1_line(m), "");
    /* A module list relboot cannot read: its range is still checked, its entries are the filler's refusal. */
    m = mb1_outside();
    m.put32(B + 24, 0xfffffff0);
    m.put32(B + 20, 2);
    EXPECT_EQ(mb1_line(m), "");
    /* A structure it cannot read: no fault here (the early step refuses it). */
    const Memory empty;
    const fuzz::Window w = empty.window();
    EXPECT_TRUE(multiboot1_outside_image(w.memory(), PhysAddr{0x100}, IMAGE).ok());
}

namespace {

/* PVH: version 1, command line, memory map of 2 entries, RSDP, one module with a string, all outside. */
Memory pvh_outside()
{
    Memory m;
    m.put32(B, XEN_HVM_START_MAGIC_VALUE);
    m.put32(B + 4, 1);
    m.put32(B + 12, 1);             /* nr_modules */
    m.put64(B + 16, B + 0x300);     /* modlist_paddr */
    m.put64(B + 24, B + 0x100);     /* cmdline_paddr */
    m.str(B + 0x100, "debug-exit=0xf4");
    m.put64(B + 32, B + 0x400);     /* rsdp_paddr */
    m.put64(B + 40, B + 0x200);     /* memmap_paddr */
    m.put32(B + 48, 2);             /* memmap_entries */
    m.put64(B + 0x300, B + 0x1900); /* paddr, size, cmdline_paddr */
    m.put64(B + 0x308, 0x100);
    m.put64(B + 0x310, B + 0x380);
    m.str(B + 0x380, "initrd");
    return m;
}

const std::string PVH = "relboot: error: pvh info at ";

} // namespace

TEST(OutsideImage, PvhOutsideIsAccepted)
{
    EXPECT_EQ(pvh_line(pvh_outside()), "");
}

TEST(OutsideImage, PvhEachPointerIntoTheImage)
{
    struct Case {
        uint64_t field;
        const char* line;
    };
    for (const Case& c : {Case{24, "0x00009000 cmdline_paddr"}, Case{40, "0x00009000 memmap_paddr"},
                          Case{32, "0x00009000 rsdp_paddr"}, Case{16, "0x00009000 modlist_paddr"},
                          Case{0x300, "0x00009300 paddr"}, Case{0x310, "0x00009300 cmdline_paddr"}}) {
        Memory m = pvh_outside();
        m.put64(B + c.field, IN);
        m.str(IN, "x");
        EXPECT_EQ(pvh_line(m), PVH + c.line + ": 0x0000a400, expected outside relboot's image" + RANGE) << c.line;
    }
}

TEST(OutsideImage, PvhExtentsAndWhatIsNotAPointer)
{
    /* The memory map's entries reach the image (24 bytes each); a version 0 start info has none. */
    Memory m = pvh_outside();
    m.put64(B + 40, IMAGE.base.value - 48);
    m.put32(B + 48, 3);
    EXPECT_EQ(pvh_line(m), PVH + "0x00009000 memmap_paddr: 0x00009fd0, expected outside relboot's image" + RANGE);
    m.put32(B + 48, 2);
    EXPECT_EQ(pvh_line(m), "");
    m.put32(B + 48, 3);
    m.put32(B + 4, 0);
    EXPECT_EQ(pvh_line(m), "");
    /* A module whose size runs past 2^64: clamped, still over the image. */
    m = pvh_outside();
    m.put64(B + 0x300, B);
    m.put64(B + 0x308, ~uint64_t(0));
    EXPECT_EQ(pvh_line(m), PVH + "0x00009300 paddr: 0x00009000, expected outside relboot's image" + RANGE);
    /* No modules: modlist_paddr is not a pointer; nor are zero string pointers. */
    m = pvh_outside();
    m.put32(B + 12, 0);
    m.put64(B + 16, IN);
    m.put64(B + 24, 0);
    EXPECT_EQ(pvh_line(m), "");
    /* The wrong magic: no fault here (the entry and the early step refuse it). */
    m = pvh_outside();
    m.put64(B + 24, IN);
    m.put32(B, 0x2badb002);
    EXPECT_EQ(pvh_line(m), "");
}

TEST(OutsideImage, DispatchedByTheEntrysProtocolNumber)
{
    Memory mb1 = mb1_outside();
    mb1.put32(B + 16, IN);
    const fuzz::Window w1 = mb1.window();
    EXPECT_EQ(error_line(protocol_outside_image(PROTOCOL_MULTIBOOT1, w1.memory(), PhysAddr{B}, IMAGE)),
              MB1 + "0x00009000 cmdline: 0x0000a400, expected outside relboot's image" + RANGE);
    /* multiboot2 (either entry): nothing beyond head32.S's own check; an unknown number: the early step's refusal. */
    for (const uint32_t entry : {PROTOCOL_MULTIBOOT2, PROTOCOL_MULTIBOOT2_EFI64, 9u})
        EXPECT_TRUE(protocol_outside_image(entry, w1.memory(), PhysAddr{B}, IMAGE).ok()) << entry;
    Memory pvh = pvh_outside();
    pvh.put64(B + 24, IN);
    const fuzz::Window w2 = pvh.window();
    EXPECT_FALSE(protocol_outside_image(PROTOCOL_PVH, w2.memory(), PhysAddr{B}, IMAGE).ok());
}
