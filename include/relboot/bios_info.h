/*
 * What relboot's real-mode BIOS calls found (bios_probe.h): EDD disks,
 * MBR signatures, EDID and the video mode, in the layouts the Linux zero
 * page uses for them (Documentation/arch/x86/zero-page.rst; struct
 * edd_info in include/uapi/linux/edd.h), so the hand-off copies them as
 * they are.  BootInfo.bios names the one instance; absent (0) when no
 * call was made (EFI, PVH, no-real-mode, no free low page).
 */
#ifndef RELBOOT_BIOS_INFO_H
#define RELBOOT_BIOS_INFO_H

#include <stddef.h>
#include <stdint.h>

namespace relboot {

/* BIOS drives probed: 0x80 .. 0x80 + EDD_DRIVES_MAX - 1 (Linux's EDD_MBR_SIG_MAX). */
inline constexpr uint32_t EDD_DRIVES_MAX = 16;
/* EDD records kept (Linux's EDDMAXNR: boot_params.eddbuf has 6). */
inline constexpr uint32_t EDD_INFO_MAX = 6;
/* Bytes of the INT 13h AH=48h result buffer asked for (EDD 3.0: struct edd_device_params). */
inline constexpr uint32_t EDD_DEVICE_PARAMS_SIZE = 74;
/* The MBR's disk signature: 4 bytes at offset 0x1b8 of sector 0. */
inline constexpr uint32_t MBR_SIGNATURE_OFFSET = 0x1b8;
inline constexpr uint32_t EDID_BLOCK_SIZE = 128;

/*
 * One disk, as Linux's struct edd_info (82 bytes, packed): from INT 13h
 * AH=41h (version, interface_support), AH=08h (legacy geometry) and
 * AH=48h (params: T13 EDD 3.0 "Get Device Parameters" result).
 */
struct [[gnu::packed]] EddInfo {
    uint8_t device;                     /* BIOS drive number, 0x80.. */
    uint8_t version;                    /* AH of AH=41h: 0x21 EDD 1.1, 0x30 EDD 3.0 */
    uint16_t interface_support;         /* CX of AH=41h: bit 0 fixed-disk access (AH=42h..), 1 removable, 2 EDD */
    uint16_t legacy_max_cylinder;       /* AH=08h; 0 when it failed */
    uint8_t legacy_max_head;
    uint8_t legacy_sectors_per_track;
    uint8_t params[EDD_DEVICE_PARAMS_SIZE];   /* AH=48h's buffer; zero when it failed */
};
static_assert(sizeof(EddInfo) == 82);

/* Offsets in EddInfo::params (struct edd_device_params). */
inline constexpr uint32_t EDD_PARAMS_LENGTH = 0;            /* u16: bytes the BIOS filled */
inline constexpr uint32_t EDD_PARAMS_SECTORS = 16;          /* u64 number_of_sectors */
inline constexpr uint32_t EDD_PARAMS_BYTES_PER_SECTOR = 24; /* u16 */

/* Bytes of the colour-field description (sizes and positions of red, green, blue, reserved). */
inline constexpr uint32_t VESA_COLOR_BYTES = 8;

/* What the video probe left (vga=). */
enum class VideoKind : uint8_t {
    none = 0,       /* vga= not given, or it failed: the mode is as the firmware left it */
    text = 1,       /* a VGA text mode (Linux: orig_video_isVGA = VIDEO_TYPE_VGAC) */
    vesa = 2,       /* a VESA mode with a linear framebuffer (VIDEO_TYPE_VLFB) */
};

/*
 * The video mode: for text, INT 10h AH=0Fh and the BIOS Data Area; for
 * VESA, the VBE 3.0 ModeInfoBlock of the mode set (VESA BIOS Extension
 * Core Functions Standard 3.0, 4F01h) and the VbeInfoBlock (4F00h).
 */
struct VideoInfo {
    uint64_t fb_base;           /* VESA: PhysBasePtr; text: 0xb8000 (colour) or 0xb0000 (mono) */
    uint32_t capabilities;      /* VbeInfoBlock.Capabilities */
    uint16_t vesa_mode;         /* VESA mode number (without the LFB bit 14); text: the BIOS mode (AL) */
    uint16_t width;             /* pixels; text: columns */
    uint16_t height;            /* pixels; text: rows */
    uint16_t depth;             /* bits per pixel; text: 0 */
    uint16_t pitch;             /* bytes per scan line */
    uint16_t vesa_attributes;   /* ModeAttributes */
    uint16_t total_memory;      /* VbeInfoBlock.TotalMemory: 64 KiB units */
    uint16_t font_points;       /* text: character height (BDA 0x485) */
    uint8_t cursor_x, cursor_y; /* text: INT 10h AH=03h */
    /*
     * VESA: RedMaskSize, RedFieldPosition, Green..., Blue..., Rsvd... in
     * this order, as ModeInfoBlock bytes 31..38 and screen_info's red_size
     * .. rsvd_pos (0x26..0x2d) both have them.
     */
    uint8_t colors[VESA_COLOR_BYTES];
    VideoKind kind;
    uint8_t reserved[5];
};
static_assert(sizeof(VideoInfo) == 48);

enum class EdidStatus : uint8_t {
    not_read = 0,   /* edid=no, or no VBE 2.0 (without edid=force), or no video probe */
    ok = 1,         /* 4F15h BL=01h returned a block with the EDID header */
    failed = 2,     /* 4F15h refused, or the block was not EDID: edid[] holds 0x13s, as Linux and Xen pass "none" */
};

struct BiosInfo {
    VideoInfo video;
    uint32_t mbr_signature[EDD_DRIVES_MAX];     /* by drive - 0x80 (boot_params.edd_mbr_sig_buffer) */
    EddInfo edd[EDD_INFO_MAX];                  /* boot_params.eddbuf */
    uint8_t edid[EDID_BLOCK_SIZE];              /* boot_params.edid_info */
    uint16_t vbe_version;                       /* VbeInfoBlock.VbeVersion (BCD, 0x0300 = 3.0); 0 = no VBE */
    uint16_t mbr_read;                          /* bit (drive - 0x80): that drive's signature was read */
    uint8_t disks;                              /* drives that answered AH=41h (up to EDD_DRIVES_MAX) */
    uint8_t edd_count;                          /* entries in edd[] (boot_params.eddbuf_entries) */
    uint8_t mbr_signature_count;                /* last drive with a signature read - 0x80 + 1 (edd_mbr_sig_buf_entries) */
    EdidStatus edid_status;
    uint8_t reserved[6];
};
static_assert(sizeof(BiosInfo) % 8 == 0);

} // namespace relboot

#endif
