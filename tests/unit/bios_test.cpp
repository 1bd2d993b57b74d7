/*
 * The real-mode BIOS calls' pure parts: the low page's choice
 * (low_memory.h), the EDD, VESA and EDID probes against a fake BIOS
 * (bios_probe.h) and the zero-page fields they become (payload_linux.h).
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "bios/bios_probe.h"
#include "bios/low_memory.h"
#include "payload/linux/payload_linux.h"

#include <cstring>
#include <map>
#include <vector>

using namespace relboot;
using namespace boot_test;

namespace {

/* SeaBIOS's map below 1 MiB and above (QEMU -m 128M), as BootState has it. */
std::vector<MemoryRange> seabios_low()
{
    return {span(0x0, 0x9fc00, U), span(0x9fc00, 0xa0000, R), span(0xf0000, 0x100000, R),
            span(0x100000, 0x7fe0000, U)};
}

TEST(LowMemory, HighestFreePageBelowTheEbda)
{
    const auto map = seabios_low();
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x9fc00).value, 0x9e000u);
    /* Without an EBDA the limit is 0xa0000, but the map ends usable RAM at 0x9fc00. */
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), LOW_MEMORY_END).value, 0x9e000u);
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x9f000).value, 0x9e000u);
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x9efff).value, 0x9d000u);
}

TEST(LowMemory, SkipsWhatIsInUseAndPageZero)
{
    /* The multiboot1 MBI (boot_data) at 0x9000 and relboot's data at 0x9d000..0x9fc00. */
    std::vector<MemoryRange> map{span(0x0, 0x9000, U), span(0x9000, 0xa000, DATA), span(0xa000, 0x9d000, U),
                                 span(0x9d000, 0x9fc00, IMG)};
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x9fc00).value, 0x9c000u);
    /* Only page 0 and a partial page: nothing. */
    std::vector<MemoryRange> tiny{span(0x0, 0x1000, U), span(0x1800, 0x2600, U)};
    EXPECT_EQ(low_memory_page(tiny.data(), uint32_t(tiny.size()), LOW_MEMORY_END).value, 0u);
    /* An unaligned range holding one whole page. */
    std::vector<MemoryRange> odd{span(0x3800, 0x5200, U)};
    EXPECT_EQ(low_memory_page(odd.data(), uint32_t(odd.size()), LOW_MEMORY_END).value, 0x4000u);
    /* An EFI-like map with nothing usable below 1 MiB. */
    std::vector<MemoryRange> efi{span(0x0, 0xa0000, R), span(0x100000, 0x8000000, U)};
    EXPECT_EQ(low_memory_page(efi.data(), uint32_t(efi.size()), LOW_MEMORY_END).value, 0u);
    EXPECT_EQ(low_memory_page(nullptr, 0, LOW_MEMORY_END).value, 0u);
    EXPECT_EQ(low_memory_page(map.data(), uint32_t(map.size()), 0x1000).value, 0u);
}

TEST(LowMemory, LimitFromTheBda)
{
    EXPECT_EQ(low_memory_limit(0x9fc0), 0x9fc00u);
    EXPECT_EQ(low_memory_limit(0), LOW_MEMORY_END);         /* no EBDA */
    EXPECT_EQ(low_memory_limit(0xf000), LOW_MEMORY_END);    /* not below 640 KiB: ignored */
    EXPECT_EQ(low_memory_limit(0x0050), LOW_MEMORY_END);    /* inside page 0: nonsense */
}

/* The BDA word read through a PhysMemory: page 0 of a BIOS machine, and memory that cannot be read. */
TEST(LowMemory, LimitReadFromTheBda)
{
    std::vector<uint8_t> page0(0x1000, 0);
    page0[BIOS_EBDA_SEGMENT_PTR] = 0xc0;
    page0[BIOS_EBDA_SEGMENT_PTR + 1] = 0x9f;
    const auto window = [](const void* ctx, uint64_t phys, uint64_t len) -> const uint8_t* {
        const auto* bytes = static_cast<const std::vector<uint8_t>*>(ctx);
        return phys + len <= bytes->size() ? bytes->data() + phys : nullptr;
    };
    EXPECT_EQ(low_memory_limit(PhysMemory{window, &page0}), 0x9fc00u);
    const std::vector<uint8_t> none;
    EXPECT_EQ(low_memory_limit(PhysMemory{window, &none}), LOW_MEMORY_END);
}

/* ---- a fake BIOS ---------------------------------------------------- */

constexpr uint32_t BUFFER = 0x9e000 + BIOS_CALL_BUFFER;

struct FakeDisk {
    uint32_t signature;
    uint16_t sector_size = 512;
    bool edd = true;
};

struct FakeMode {
    uint16_t number;
    uint16_t attributes, width, height;
    uint8_t depth, model;
    uint32_t fb;
};

struct FakeBios {
    std::vector<uint8_t> mem = std::vector<uint8_t>(0x110000);
    std::map<uint8_t, FakeDisk> disks;
    std::vector<FakeMode> modes;
    uint16_t vbe_version = 0x0300;
    bool vbe = true;
    bool edid = true;
    bool edid_header = true;
    std::vector<BiosRegs> calls;
    int set_mode = -1;

    BiosBus bus()
    {
        return BiosBus{this, [](void* c, BiosRegs* r) { static_cast<FakeBios*>(c)->call(*r); },
                       [](void* c, uint32_t linear, uint32_t len) -> uint8_t* {
                           auto* f = static_cast<FakeBios*>(c);
                           return linear && linear + len <= f->mem.size() ? f->mem.data() + linear : nullptr;
                       },
                       BUFFER};
    }
    uint8_t* at(uint16_t seg, uint32_t off) { return mem.data() + seg * 16u + (off & 0xffff); }
    void ok(BiosRegs& r) { r.eflags &= ~EFLAGS_CF; }
    void fail(BiosRegs& r) { r.eflags |= EFLAGS_CF; r.eax = (r.eax & 0xff) | 0x0100; }

    void call(BiosRegs& r)
    {
        calls.push_back(r);
        r.eflags = 0x202;
        const uint16_t ax = uint16_t(r.eax);
        if (r.vector == 0x13) {
            auto d = disks.find(uint8_t(r.edx));
            if (d == disks.end() || (ax >> 8 == 0x41 && !d->second.edd)) {
                fail(r);
                return;
            }
            switch (ax >> 8) {
            case 0x41: r.ebx = 0xaa55; r.eax = 0x3000; r.ecx = 0x0007; ok(r); return;
            case 0x48: {
                uint8_t* p = at(r.ds, r.esi);
                EXPECT_EQ(p[0] | p[1] << 8, int(EDD_DEVICE_PARAMS_SIZE));
                const uint64_t sectors = 0x800;
                std::memcpy(p + EDD_PARAMS_SECTORS, &sectors, 8);
                std::memcpy(p + EDD_PARAMS_BYTES_PER_SECTOR, &d->second.sector_size, 2);
                p[0] = 0x1e;
                ok(r);
                return;
            }
            case 0x08: r.ecx = 0x0f3f; r.edx = (r.edx & 0xff) | 0x0f00; ok(r); return;
            case 0x02: {
                EXPECT_EQ(ax & 0xff, 1);
                EXPECT_EQ(r.ecx & 0xffff, 1u);
                uint8_t* p = at(r.es, r.ebx);
                std::memcpy(p + MBR_SIGNATURE_OFFSET, &d->second.signature, 4);
                ok(r);
                return;
            }
            }
            fail(r);
            return;
        }
        if (r.vector != 0x10)
            return;
        if (ax == 0x4f00) {
            if (!vbe)
                return;
            /* The mode list goes into the block's reserved area, as many VBE 2.0+ BIOSes put it. */
            uint8_t* p = at(r.es, r.edi);
            EXPECT_EQ(std::memcmp(p, "VBE2", 4), 0);
            std::memcpy(p, "VESA", 4);
            std::memcpy(p + 4, &vbe_version, 2);
            const uint32_t caps = 1, list_far = uint32_t(r.es) << 16 | uint32_t((r.edi & 0xffff) + 0x22);
            std::memcpy(p + 10, &caps, 4);
            std::memcpy(p + 14, &list_far, 4);
            const uint16_t total = 256;
            std::memcpy(p + 18, &total, 2);
            uint32_t i = 0;
            for (; i < modes.size(); ++i)
                std::memcpy(p + 0x22 + 2 * i, &modes[i].number, 2);
            const uint16_t end = 0xffff;
            std::memcpy(p + 0x22 + 2 * i, &end, 2);
            r.eax = 0x004f;
            return;
        }
        if (ax == 0x4f01) {
            for (const FakeMode& m : modes) {
                if (m.number != uint16_t(r.ecx))
                    continue;
                uint8_t* p = at(r.es, r.edi);
                std::memset(p, 0, 256);
                std::memcpy(p, &m.attributes, 2);
                const uint16_t pitch = uint16_t(m.width * (m.depth / 8));
                std::memcpy(p + 16, &pitch, 2);
                std::memcpy(p + 18, &m.width, 2);
                std::memcpy(p + 20, &m.height, 2);
                p[25] = m.depth;
                p[27] = m.model;
                p[31] = 8, p[32] = 16, p[33] = 8, p[34] = 8, p[35] = 8, p[36] = 0, p[37] = 8, p[38] = 24;
                std::memcpy(p + 40, &m.fb, 4);
                r.eax = 0x004f;
                return;
            }
            r.eax = 0x014f;
            return;
        }
        if (ax == 0x4f02) {
            set_mode = int(r.ebx & 0xffff);
            r.eax = 0x004f;
            return;
        }
        if (ax == 0x4f15) {
            if (!edid)
                return;
            if ((r.ebx & 0xff) == 0) {
                r.ebx = 0x0002;     /* DDC2 */
                r.eax = 0x004f;
                return;
            }
            uint8_t* p = at(r.es, r.edi);
            for (int i = 0; i < 128; ++i)
                p[i] = uint8_t(i);
            if (edid_header)
                std::memcpy(p, "\x00\xff\xff\xff\xff\xff\xff\x00", 8);
            p[8] = 0x49, p[9] = 0x54;   /* "RHT" */
            r.eax = 0x004f;
            return;
        }
        /* Mode 3 and the ROM fonts: the rows (BDA 0x484, rows - 1) as a VGA BIOS recomputes them. */
        if (ax == 0x0003)
            mem[0x484] = 24;
        if (ax == 0x1111)
            mem[0x484] = 27;
        if (ax == 0x1112)
            mem[0x484] = 49;
        if (ax >> 8 == 0x0f) {
            r.eax = 0x5003;
            return;
        }
        if (ax >> 8 == 0x03) {
            r.edx = 0x0402;
            return;
        }
    }

    size_t count(uint8_t vector, uint16_t ax_high) const
    {
        size_t n = 0;
        for (const BiosRegs& r : calls)
            n += r.vector == vector && ((r.eax >> 8) & 0xff) == ax_high;
        return n;
    }
};

TEST(Edd, DisksSignaturesAndGaps)
{
    FakeBios bios;
    bios.disks[0x80] = {0x11223344};
    bios.disks[0x82] = {0xa5b6c7d8};
    BiosInfo out{};
    edd_probe(bios.bus(), Edd::on, &out);
    EXPECT_EQ(out.disks, 2);
    ASSERT_EQ(out.edd_count, 2);
    EXPECT_EQ(out.edd[0].device, 0x80);
    EXPECT_EQ(out.edd[0].version, 0x30);
    EXPECT_EQ(out.edd[0].interface_support, 7);
    EXPECT_EQ(out.edd[0].legacy_max_cylinder, 0x0f);
    EXPECT_EQ(out.edd[0].legacy_max_head, 0x0f);
    EXPECT_EQ(out.edd[0].legacy_sectors_per_track, 0x3f);
    EXPECT_EQ(out.edd[1].device, 0x82);
    uint64_t sectors;
    std::memcpy(&sectors, out.edd[1].params + EDD_PARAMS_SECTORS, 8);
    EXPECT_EQ(sectors, 0x800u);
    /* Signatures by drive number: 0x81 has none, the count reaches past it as Linux's does. */
    EXPECT_EQ(out.mbr_signature[0], 0x11223344u);
    EXPECT_EQ(out.mbr_signature[1], 0u);
    EXPECT_EQ(out.mbr_signature[2], 0xa5b6c7d8u);
    EXPECT_EQ(out.mbr_signature_count, 3);
    EXPECT_EQ(out.mbr_read, 0x5);
    /* Every drive number is asked once, no more. */
    EXPECT_EQ(bios.count(0x13, 0x41), EDD_DRIVES_MAX);
    EXPECT_EQ(bios.count(0x13, 0x02), 2u);
}

TEST(Edd, SkipMbrOffAndLimits)
{
    FakeBios bios;
    for (uint8_t d = 0x80; d < 0x88; ++d)
        bios.disks[d] = {d};
    bios.disks[0x81].sector_size = 4096;    /* larger than the buffer: no read */
    bios.disks[0x83].edd = false;           /* AH=41h fails: not counted */
    BiosInfo out{};
    edd_probe(bios.bus(), Edd::on, &out);
    EXPECT_EQ(out.disks, 7);
    EXPECT_EQ(out.edd_count, EDD_INFO_MAX);
    EXPECT_EQ(out.edd[5].device, 0x86);
    EXPECT_EQ(out.mbr_read & 0x2, 0);
    EXPECT_EQ(out.mbr_signature[7], 0x87u);
    EXPECT_EQ(out.mbr_signature_count, 8);

    FakeBios skip;
    skip.disks[0x80] = {0x1234};
    BiosInfo s{};
    edd_probe(skip.bus(), Edd::skipmbr, &s);
    EXPECT_EQ(s.disks, 1);
    EXPECT_EQ(s.mbr_signature_count, 0);
    EXPECT_EQ(skip.count(0x13, 0x02), 0u);

    FakeBios off;
    BiosInfo o{};
    edd_probe(off.bus(), Edd::off, &o);
    EXPECT_TRUE(off.calls.empty());
}

std::vector<FakeMode> qemu_like_modes()
{
    return {
        {0x0101, 0x9b, 640, 480, 8, 4, 0xfd000000},
        {0x0118, 0x1b, 1024, 768, 32, 6, 0},            /* no linear framebuffer (bit 7) */
        {0x0117, 0x9b, 1024, 768, 16, 6, 0xfd000000},   /* wrong depth */
        {0x0144, 0x9b, 1024, 768, 32, 6, 0xfd000000},
        {0x0145, 0x9b, 1024, 768, 32, 6, 0xe0000000},   /* a later match is not taken */
    };
}

TEST(Vga, GfxFindsTheFirstMatchingLinearMode)
{
    FakeBios bios;
    bios.modes = qemu_like_modes();
    BiosInfo out{};
    VgaSettings vga{VgaKind::gfx, 0, 32, 1024, 768};
    EXPECT_EQ(vga_probe(bios.bus(), vga, &out), VgaOutcome::done);
    EXPECT_EQ(bios.set_mode, 0x0144 | VESA_MODE_LFB);
    EXPECT_EQ(out.video.kind, VideoKind::vesa);
    EXPECT_EQ(out.video.vesa_mode, 0x0144);
    EXPECT_EQ(out.video.width, 1024);
    EXPECT_EQ(out.video.height, 768);
    EXPECT_EQ(out.video.depth, 32);
    EXPECT_EQ(out.video.pitch, 4096);
    EXPECT_EQ(out.video.fb_base, 0xfd000000u);
    EXPECT_EQ(out.video.total_memory, 256);
    EXPECT_EQ(out.video.colors[1], 16);     /* RedFieldPosition */
    EXPECT_EQ(out.vbe_version, 0x0300);

    FakeBios none;
    none.modes = qemu_like_modes();
    BiosInfo n{};
    VgaSettings odd{VgaKind::gfx, 0, 24, 1000, 700};
    EXPECT_EQ(vga_probe(none.bus(), odd, &n), VgaOutcome::not_found);
    EXPECT_EQ(none.set_mode, -1);
    EXPECT_EQ(n.video.kind, VideoKind::none);

    FakeBios novbe;
    novbe.vbe = false;
    BiosInfo v{};
    EXPECT_EQ(vga_probe(novbe.bus(), vga, &v), VgaOutcome::no_vbe);
}

TEST(Vga, ModeNumbersAndText)
{
    FakeBios bios;
    bios.modes = qemu_like_modes();
    BiosInfo out{};
    /* mode-<n>: Linux's and Xen's numbering, VESA mode n - 0x200. */
    EXPECT_EQ(vga_probe(bios.bus(), VgaSettings{VgaKind::mode, 0, 0, 0x344, 0}, &out), VgaOutcome::done);
    EXPECT_EQ(bios.set_mode, 0x4144);
    EXPECT_EQ(vga_probe(bios.bus(), VgaSettings{VgaKind::mode, 0, 0, 0x318, 0}, &out), VgaOutcome::refused);
    EXPECT_EQ(vga_probe(bios.bus(), VgaSettings{VgaKind::mode, 0, 0, 0x101, 0}, &out), VgaOutcome::unsupported);

    FakeBios text;
    BiosInfo t{};
    EXPECT_EQ(vga_probe(text.bus(), VgaSettings{VgaKind::text, 0, 0, 80, 25}, &t), VgaOutcome::done);
    EXPECT_EQ(text.count(0x10, 0x00), 1u);
    EXPECT_EQ(t.video.kind, VideoKind::text);
    EXPECT_EQ(t.video.vesa_mode, 3);
    EXPECT_EQ(t.video.width, 80);
    EXPECT_EQ(t.video.cursor_x, 2);
    EXPECT_EQ(t.video.cursor_y, 4);
    EXPECT_EQ(t.video.fb_base, 0xb8000u);
    EXPECT_EQ(t.video.height, 25);
    EXPECT_EQ(vga_probe(text.bus(), VgaSettings{VgaKind::text, 0, 0, 80, 30}, &t), VgaOutcome::unsupported);
    EXPECT_EQ(text.count(0x10, 0x00), 1u);
    /* 28 and 50 rows: mode 3, then the 8x14 or 8x8 ROM font; 43 also asks for 350 scan lines first. */
    EXPECT_EQ(vga_probe(text.bus(), VgaSettings{VgaKind::text, 0, 0, 80, 50}, &t), VgaOutcome::done);
    EXPECT_EQ(t.video.height, 50);
    EXPECT_EQ(text.count(0x10, 0x11), 1u);
    EXPECT_EQ(vga_probe(text.bus(), VgaSettings{VgaKind::text, 0, 0, 80, 28}, &t), VgaOutcome::done);
    EXPECT_EQ(t.video.height, 28);
    /* This fake BIOS ignores the 350-line request, as SeaBIOS's does: 50 rows, said so. */
    EXPECT_EQ(vga_probe(text.bus(), VgaSettings{VgaKind::text, 0, 0, 80, 43}, &t), VgaOutcome::other_rows);
    EXPECT_EQ(t.video.height, 50);
    EXPECT_EQ(text.count(0x10, 0x00), 4u);
}

TEST(Edid, VersionForceAndHeader)
{
    FakeBios bios;
    BiosInfo out{};
    edid_probe(bios.bus(), Edid::unset, &out);
    EXPECT_EQ(out.edid_status, EdidStatus::ok);
    EXPECT_TRUE(edid_header_ok(out.edid));
    EXPECT_EQ(out.edid[8], 0x49);

    FakeBios old;
    old.vbe_version = 0x0102;
    BiosInfo o{};
    edid_probe(old.bus(), Edid::unset, &o);
    EXPECT_EQ(o.edid_status, EdidStatus::not_read);
    edid_probe(old.bus(), Edid::force, &o);
    EXPECT_EQ(o.edid_status, EdidStatus::ok);

    FakeBios bad;
    bad.edid_header = false;
    BiosInfo b{};
    edid_probe(bad.bus(), Edid::unset, &b);
    EXPECT_EQ(b.edid_status, EdidStatus::failed);
    EXPECT_EQ(b.edid[0], 0x13);
    EXPECT_EQ(b.edid[127], 0x13);

    FakeBios no;
    BiosInfo n{};
    edid_probe(no.bus(), Edid::no, &n);
    EXPECT_TRUE(no.calls.empty());
    EXPECT_EQ(n.edid_status, EdidStatus::not_read);

    uint8_t block[128] = {};
    block[0] = 0xff, block[1] = 0x01;
    EXPECT_TRUE(edid_checksum_ok(block));
    block[2] = 1;
    EXPECT_FALSE(edid_checksum_ok(block));
}

template <typename T>
T at(const std::vector<uint8_t>& page, uint32_t offset)
{
    T v;
    std::memcpy(&v, page.data() + offset, sizeof v);
    return v;
}

/* The zero page linux_fill_bios_params() writes into bp (all zero before), as bytes at zero-page.rst's offsets. */
std::vector<uint8_t> zero_page_bytes(const linuxboot::boot_params& bp)
{
    const uint8_t* p = reinterpret_cast<const uint8_t*>(&bp);
    return std::vector<uint8_t>(p, p + sizeof bp);
}

TEST(ZeroPage, BiosFieldsAtTheirOffsets)
{
    FakeBios bios;
    bios.disks[0x80] = {0x11223344};
    bios.disks[0x81] = {0xa5b6c7d8};
    bios.modes = qemu_like_modes();
    BiosInfo b{};
    edd_probe(bios.bus(), Edd::on, &b);
    ASSERT_EQ(vga_probe(bios.bus(), VgaSettings{VgaKind::gfx, 0, 32, 1024, 768}, &b), VgaOutcome::done);
    edid_probe(bios.bus(), Edid::unset, &b);

    linuxboot::boot_params bp{};
    linux_fill_bios_params(bp, b);
    std::vector<uint8_t> zp = zero_page_bytes(bp);
    ASSERT_EQ(zp.size(), 4096u);
    EXPECT_EQ(zp[0x1e9], 2);                                /* eddbuf_entries */
    EXPECT_EQ(zp[0x1ea], 2);                                /* edd_mbr_sig_buf_entries */
    EXPECT_EQ(at<uint32_t>(zp, 0x290), 0x11223344u);        /* edd_mbr_sig_buffer[0] */
    EXPECT_EQ(at<uint32_t>(zp, 0x294), 0xa5b6c7d8u);
    EXPECT_EQ(zp[0xd00], 0x80);                             /* eddbuf[0].device */
    EXPECT_EQ(zp[0xd01], 0x30);                             /* .version */
    EXPECT_EQ(zp[0xd00 + 82], 0x81);                        /* eddbuf[1].device */
    EXPECT_EQ(at<uint64_t>(zp, 0xd00 + 8 + 16), 0x800u);    /* .params.number_of_sectors */
    EXPECT_EQ(std::memcmp(zp.data() + 0x140, "\x00\xff\xff\xff\xff\xff\xff\x00", 8), 0);   /* edid_info */
    EXPECT_EQ(zp[0x0f], 0x23);                              /* orig_video_isVGA = VIDEO_TYPE_VLFB */
    EXPECT_EQ(at<uint16_t>(zp, 0x12), 1024);                /* lfb_width */
    EXPECT_EQ(at<uint16_t>(zp, 0x14), 768);                 /* lfb_height */
    EXPECT_EQ(at<uint16_t>(zp, 0x16), 32);                  /* lfb_depth */
    EXPECT_EQ(at<uint32_t>(zp, 0x18), 0xfd000000u);         /* lfb_base */
    EXPECT_EQ(at<uint32_t>(zp, 0x1c), 256u);                /* lfb_size: 64 KiB units */
    EXPECT_EQ(at<uint16_t>(zp, 0x24), 4096);                /* lfb_linelength */
    EXPECT_EQ(zp[0x27], 16);                                /* red_pos */
    EXPECT_EQ(at<uint16_t>(zp, 0x34), 0x9b);                /* vesa_attributes */
    EXPECT_EQ(at<uint32_t>(zp, 0x3a), 0u);                  /* ext_lfb_base */
    /* Nothing outside those fields. */
    EXPECT_EQ(zp[0x1e8], 0);
    EXPECT_EQ(zp[0x1ef], 0);

    /* A framebuffer above 4 GiB: ext_lfb_base and VIDEO_CAPABILITY_64BIT_BASE. */
    b.video.fb_base = 0x80000000000ull;
    linux_fill_bios_params(bp, b);
    zp = zero_page_bytes(bp);
    EXPECT_EQ(at<uint32_t>(zp, 0x18), 0u);
    EXPECT_EQ(at<uint32_t>(zp, 0x3a), 0x800u);
    EXPECT_EQ(at<uint32_t>(zp, 0x36) & linuxboot::VIDEO_CAPABILITY_64BIT_BASE, linuxboot::VIDEO_CAPABILITY_64BIT_BASE);

    /* Text mode: the VGA fields, no framebuffer. */
    FakeBios text;
    BiosInfo t{};
    ASSERT_EQ(vga_probe(text.bus(), VgaSettings{VgaKind::text, 0, 0, 80, 25}, &t), VgaOutcome::done);
    linuxboot::boot_params text_bp{};
    linux_fill_bios_params(text_bp, t);
    const std::vector<uint8_t> tz = zero_page_bytes(text_bp);
    EXPECT_EQ(tz[0x00], 2);     /* orig_x */
    EXPECT_EQ(tz[0x01], 4);     /* orig_y */
    EXPECT_EQ(tz[0x06], 3);     /* orig_video_mode */
    EXPECT_EQ(tz[0x07], 80);    /* orig_video_cols */
    EXPECT_EQ(tz[0x0e], 25);    /* orig_video_lines */
    EXPECT_EQ(tz[0x0f], 1);     /* orig_video_isVGA */
    EXPECT_EQ(at<uint32_t>(tz, 0x18), 0u);
    EXPECT_EQ(tz[0x140], 0);    /* no EDID read: edid_info untouched */
}

} // namespace
