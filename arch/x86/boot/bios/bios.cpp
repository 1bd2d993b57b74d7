/*
 * The real-mode BIOS step of the 64-bit stage (bios.h): decide, pick the
 * low page, make the calls (bios_probe.h through the thunk, bios_call.h),
 * report.
 */
#include "bios/bios.h"
#include "bios/bios_call.h"
#include "bios/bios_probe.h"
#include "lib/console.h"
#include "stage64/identity_map.h"
#include "layout.h"
#include "bios/low_memory.h"
#include <x86/io.h>

namespace relboot {

namespace {

/* Why no BIOS call was made (bios_report's warning). */
enum class BiosSkip : uint8_t { none = 0, efi, pvh, no_real_mode, no_low_page };

/*
 * The results (BootState.bios points here once the calls were made): in
 * .noinit, cleared by bios_run() before the first call, so that head32's
 * zeroing of .bss does not pay for it on every boot; and the step's outcome.
 */
__attribute__((section(".noinit"))) BiosInfo bios_info;
BiosSkip bios_skip;
VgaOutcome vga_outcome;
uint64_t bios_low_limit;
PhysAddr bios_page;         /* the low page the thunk ran in (free again afterwards) */
uint64_t bios_tsc;          /* TSC ticks of the calls, copy and clean-up included (instructions under -icount) */

/* Options that only mean something with the BIOS calls, when the line set any. */
bool bios_options_given(const Options& o)
{
    constexpr uint32_t bits =
        (1u << uint32_t(OptionId::edd)) | (1u << uint32_t(OptionId::edid)) | (1u << uint32_t(OptionId::vga));
    return (o.present & bits) != 0;
}

BiosSkip bios_applies(const BootState& bs)
{
    if (bs.firmware == BootFirmware::efi)
        return BiosSkip::efi;
    if (bs.protocol == Protocol::pvh)
        return BiosSkip::pvh;
    if (real_mode_off(bs.options))
        return BiosSkip::no_real_mode;
    return BiosSkip::none;
}

/* The EDID's manufacturer ID (bytes 8-9, big-endian, three 5-bit letters 'A' = 1). */
void print_edid(const BiosInfo& b, Console& info)
{
    if (b.edid_status == EdidStatus::not_read)
        return;
    if (b.edid_status != EdidStatus::ok) {
        info.begin().str("edid none").end();
        return;
    }
    const uint16_t id = uint16_t(b.edid[8] << 8 | b.edid[9]);
    info.begin().str("edid manufacturer=");
    for (int shift = 10; shift >= 0; shift -= 5) {
        const uint32_t letter = (id >> shift) & 0x1f;
        info.chr(letter >= 1 && letter <= 26 ? char('A' + letter - 1) : '?');
    }
    info.str(" product=").hex(uint32_t(b.edid[10] | b.edid[11] << 8), 4);
    info.str(" version=").dec(b.edid[18]).chr('.').dec(b.edid[19]);
    info.str(" checksum=").str(edid_checksum_ok(b.edid) ? "ok" : "bad").end();
}

/* Why vga= left the mode alone, for its warning; nullptr when there is nothing to warn about. */
const char* vga_problem(VgaOutcome o)
{
    switch (o) {
    case VgaOutcome::no_vbe: return "the BIOS has no VESA BIOS Extensions (4F00h failed)";
    case VgaOutcome::not_found: return "no VESA mode of that width, height and depth with a linear framebuffer";
    case VgaOutcome::refused: return "the BIOS refused to describe or set the VESA mode";
    case VgaOutcome::unsupported:
        return "relboot sets text-80x25, -80x28, -80x43 and -80x50, gfx-<w>x<h>x<depth>, and mode-<n> for VESA "
               "modes (n >= 0x200) or 80x25 (0x0f00) only";
    default: return nullptr;
    }
}

void print_vga(const BiosInfo& b, uint32_t vga_rows, Console& info, Console& con)
{
    if (const char* problem = vga_problem(vga_outcome)) {
        con.begin().str("warning: vga: ").str(problem).str("; the mode is unchanged").end();
        return;
    }
    if (vga_outcome == VgaOutcome::other_rows) {
        con.begin().str("warning: vga: the BIOS made ").dec(b.video.height).str(" rows of text-80x").dec(vga_rows);
        con.str(", expected ").dec(vga_rows).end();
    } else if (vga_outcome != VgaOutcome::done) {
        return;
    }
    const VideoInfo& v = b.video;
    if (v.kind == VideoKind::vesa) {
        info.begin().str("vga mode=").hex(v.vesa_mode, 4).chr(' ').dec(v.width).chr('x').dec(v.height);
        info.chr('x').dec(v.depth).str(" fb=").hex16(v.fb_base).end();
    } else {
        info.begin().str("vga mode=text-").hex(v.vesa_mode, 2).chr(' ').dec(v.width).chr('x').dec(v.height);
        info.str(" fb=").hex16(v.fb_base).end();
    }
}

} // namespace

void bios_run(BootState& bs)
{
    bios_skip = bios_applies(bs);
    if (bios_skip != BiosSkip::none)
        return;
    /* Below the EBDA (page 0 is identity-mapped: the IVT and the BDA live there). */
    bios_low_limit = low_memory_limit(identity_memory(&bs.identity_limit));
    const PhysAddr page =
        low_memory_page(phys_ptr<MemoryRange>(bs.memory_map), bs.memory_map_count, bios_low_limit);
    if (!page.present()) {
        bios_skip = BiosSkip::no_low_page;
        return;
    }
    bios_page = page;
    const uint64_t tsc_start = x86::rdtsc();
    const BiosBus bus = bios_thunk_install(page);
    bios_info = BiosInfo{};
    edd_probe(bus, bs.options.edd, &bios_info);
    vga_outcome = vga_probe(bus, bs.options.vga, &bios_info);
    edid_probe(bus, bs.options.edid, &bios_info);
    /* Leave nothing in the page that looks like the thunk. */
    __builtin_memset(reinterpret_cast<void*>(page.value), 0, BIOS_CALL_PAGE_SIZE);
    bios_tsc = x86::rdtsc() - tsc_start;
    bs.bios = image_phys(bs, &bios_info);
}

void bios_report(const BootState& bs, Console& info, Console& con)
{
    switch (bios_skip) {
    case BiosSkip::none:
        break;
    case BiosSkip::no_low_page:
        con.begin().str("warning: no free 4 KiB page below ").hex8(uint32_t(bios_low_limit));
        con.str(" in the memory map, expected one for the BIOS calls; edd, edid and vga not done").end();
        return;
    case BiosSkip::no_real_mode:
        return;     /* the line said so: Xen's no-real-mode, which in effect disables these options */
    case BiosSkip::efi:
    case BiosSkip::pvh:
        if (bios_options_given(bs.options)) {
            con.begin().str("warning: edd=, edid= and vga= need the BIOS in real mode, but ");
            con.str(bios_skip == BiosSkip::efi ? "firmware=efi has none" : "loader=pvh promises none");
            con.str("; no BIOS call made").end();
        }
        return;
    }
    const BiosInfo& b = bios_info;
    if (bs.options.edd != Edd::off) {
        info.begin().str("edd disks=").dec(b.disks).end();
        for (uint32_t i = 0; i < b.edd_count; ++i) {
            const EddInfo& e = b.edd[i];
            uint64_t sectors;
            uint16_t sector_size;
            __builtin_memcpy(&sectors, e.params + EDD_PARAMS_SECTORS, sizeof sectors);
            __builtin_memcpy(&sector_size, e.params + EDD_PARAMS_BYTES_PER_SECTOR, sizeof sector_size);
            info.begin().str("edd disk=").hex(e.device, 2).str(" version=").hex(e.version, 2);
            info.str(" sectors=").dec(sectors).str(" sector_size=").dec(sector_size).str(" mbr_signature=");
            const uint32_t drive = e.device - 0x80u;
            if (drive < EDD_DRIVES_MAX && (b.mbr_read & (1u << drive)))
                info.hex8(b.mbr_signature[drive]);
            else
                info.str("none");
            info.end();
        }
    }
    print_vga(b, bs.options.vga.height, info, con);
    print_edid(b, info);
    info.begin().str("tsc bios=").dec(bios_tsc).str(" page=").hex8(uint32_t(bios_page.value)).end();
}

} // namespace relboot
