/*
 * The real-mode BIOS calls behind edd=, edid= and vga= (Xen's meanings:
 * docs/misc/xen-command-line.pandoc; docs/cmdline.md): what is asked of
 * the BIOS and how its answers become BiosInfo (bios_info.h).  Pure: the
 * BIOS is reached through a BiosBus (bios_call.h), the thunk in the
 * 64-bit stage, a fake one in the host tests.  Every loop is bounded
 * (drives, modes); a BIOS that refuses a call leaves that part empty.
 */
#ifndef RELBOOT_BIOS_PROBE_H
#define RELBOOT_BIOS_PROBE_H

#include <cstdint>
#include "bios/bios_call.h"
#include <relboot/bios_info.h>
#include "cmdline/cmdline.h"

namespace relboot {

/* Mode numbers read from VbeInfoBlock.VideoModePtr (the rest are ignored). */
inline constexpr uint32_t VESA_MODES_MAX = 256;
/* vga=mode-<n>: n >= VGA_MODE_VESA_FIRST means VESA mode n - 0x200 (Linux's and Xen's vga= numbering). */
inline constexpr uint32_t VGA_MODE_VESA_FIRST = 0x200;
/* vga=mode-0x0f00 is 80x25 text (Linux's VIDEO_80x25). */
inline constexpr uint32_t VGA_MODE_80X25 = 0x0f00;

/* What became of vga= (bios_probe's result; the warnings name it). */
enum class VgaOutcome : uint8_t {
    not_asked = 0,  /* vga= not given */
    done,           /* the mode is set (or, current: read) and BiosInfo.video says which */
    no_vbe,         /* 4F00h failed: no VESA BIOS */
    not_found,      /* gfx-: no mode of that size and depth with a linear framebuffer */
    refused,        /* the BIOS refused to set (4F02h) or to describe (4F01h) the mode */
    unsupported,    /* a form relboot does not set: text rows other than 25, 28, 43, 50; mode-<n> not text 80x25 or VESA */
    other_rows,     /* a text mode is set, but the BIOS made another number of rows than asked (BiosInfo.video says which) */
};

/*
 * ModeInfoBlock fields of one VESA mode (VBE 3.0, 4F01h), as far as the
 * mode search needs them.
 */
struct VesaModeInfo {
    uint16_t attributes;        /* ModeAttributes: bit 0 supported, 3 colour, 4 graphics, 7 linear framebuffer */
    uint16_t pitch;             /* BytesPerScanLine */
    uint16_t width, height;     /* XResolution, YResolution */
    uint8_t depth;              /* BitsPerPixel */
    uint8_t memory_model;       /* 4 packed pixel, 6 direct colour */
    uint32_t fb_base;           /* PhysBasePtr */
};

/* ModeAttributes bits a mode must have for relboot (and Xen, video.S: 0x99) to set it. */
inline constexpr uint16_t VESA_ATTR_REQUIRED = 0x99;
/* The 4F02h mode bit that asks for the linear framebuffer. */
inline constexpr uint16_t VESA_MODE_LFB = 0x4000;

/* ModeInfoBlock offset of RedMaskSize, the first of the VESA_COLOR_BYTES colour fields. */
inline constexpr uint32_t VESA_MODE_INFO_COLORS = 31;

/* A ModeInfoBlock (256 bytes at p) read into VesaModeInfo. */
VesaModeInfo vesa_mode_info(const uint8_t* p);

/*
 * Whether info describes a mode relboot may set for gfx-<width>x<height>x<depth>:
 * the size and depth exactly, the VESA_ATTR_REQUIRED attributes, packed
 * pixel or direct colour.
 */
bool vesa_mode_matches(const VesaModeInfo& info, uint32_t width, uint32_t height, uint32_t depth);

/*
 * Reads the mode list at the far pointer VideoModePtr (seg:off as one
 * u32, offset low) into modes[0, max): up to its 0xffff terminator, max
 * entries, or the first word that cannot be read.  Returns the count.
 */
uint32_t vesa_mode_list(const BiosBus& bus, uint32_t far_ptr, uint16_t* modes, uint32_t max);

/*
 * EDD: edd=off does nothing.  Otherwise drives 0x80.. (EDD_DRIVES_MAX):
 * INT 13h AH=41h (present and extensions), AH=48h (EDD 3.0 parameters),
 * AH=08h (legacy geometry), and unless edd=skipmbr AH=02h (sector 0,
 * when the sector fits the buffer) for the MBR signature.  Fills the
 * disks, edd[], mbr_signature[] fields of *out (which starts zeroed).
 */
void edd_probe(const BiosBus& bus, Edd mode, BiosInfo* out);

/*
 * vga=: sets (or, current, reads) the mode, INT 10h (VBE 4F00h, 4F01h,
 * 4F02h; AH=00h/0Fh/03h for text) and fills out->video.  Also records
 * out->vbe_version.
 */
VgaOutcome vga_probe(const BiosBus& bus, const VgaSettings& vga, BiosInfo* out);

/*
 * EDID block 0 through VBE/DDC (4F15h BL=00h, then BL=01h): unless
 * edid=no, and only with VBE 2.0 or later unless edid=force (Xen's
 * rule).  Fills out->edid and out->edid_status.
 */
void edid_probe(const BiosBus& bus, Edid edid, BiosInfo* out);

/* A block of EDID_BLOCK_SIZE bytes with the EDID header (00 ff ff ff ff ff ff 00). */
bool edid_header_ok(const uint8_t* block);
/* The sum of its 128 bytes is 0 mod 256 (EDID 1.4, 3.11). */
bool edid_checksum_ok(const uint8_t* block);

} // namespace relboot

#endif
