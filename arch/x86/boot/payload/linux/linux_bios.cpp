/*
 * The real-mode BIOS calls' results into the Linux zero page
 * (payload_linux.h, linux_fill_bios_params): the fields Linux's own
 * real-mode setup fills when it is entered through the 16-bit protocol,
 * by their boot_params names and offsets (zero-page.rst).  Pure.
 */
#include "payload/linux/payload_linux.h"

namespace relboot {

using namespace linuxboot;

/* BiosInfo keeps the BIOS's answers in the zero page's own layouts (bios_info.h): they are copied as they are. */
static_assert(sizeof(EddInfo) == sizeof(edd_info) && EDD_INFO_MAX == EDDMAXNR, "BiosInfo.edd is boot_params.eddbuf");
static_assert(EDD_DRIVES_MAX == EDD_MBR_SIG_MAX, "BiosInfo.mbr_signature is boot_params.edd_mbr_sig_buffer");
static_assert(EDID_BLOCK_SIZE == sizeof(edid_info), "BiosInfo.edid is boot_params.edid_info");
static_assert(VESA_COLOR_BYTES == offsetof(struct screen_info, rsvd_pos) + 1 - offsetof(struct screen_info, red_size),
              "VideoInfo.colors is screen_info.red_size .. rsvd_pos");

namespace {

/* screen_info for the mode vga= set or read (Linux's arch/x86/boot/video*.c fill the same fields). */
struct screen_info video_screen_info(const VideoInfo& v)
{
    struct screen_info si{};
    if (v.kind == VideoKind::text) {
        si.orig_x = v.cursor_x;
        si.orig_y = v.cursor_y;
        si.orig_video_mode = uint8_t(v.vesa_mode);
        si.orig_video_cols = uint8_t(v.width);
        si.orig_video_lines = uint8_t(v.height);
        si.orig_video_isVGA = ORIG_VIDEO_IS_VGA;
        si.orig_video_points = v.font_points;
        return si;
    }
    si.orig_video_isVGA = VIDEO_TYPE_VLFB;
    si.lfb_width = v.width;
    si.lfb_height = v.height;
    si.lfb_depth = v.depth;
    si.lfb_linelength = v.pitch;
    si.lfb_base = uint32_t(v.fb_base);
    si.ext_lfb_base = uint32_t(v.fb_base >> 32);
    si.lfb_size = v.total_memory;
    si.red_size = v.colors[0];
    si.red_pos = v.colors[1];
    si.green_size = v.colors[2];
    si.green_pos = v.colors[3];
    si.blue_size = v.colors[4];
    si.blue_pos = v.colors[5];
    si.rsvd_size = v.colors[6];
    si.rsvd_pos = v.colors[7];
    si.vesa_attributes = v.vesa_attributes;
    si.capabilities = v.capabilities | (si.ext_lfb_base ? VIDEO_CAPABILITY_64BIT_BASE : 0);
    return si;
}

} // namespace

void linux_fill_bios_params(boot_params& bp, const BiosInfo& b)
{
    const uint32_t edd_count = b.edd_count < EDDMAXNR ? b.edd_count : EDDMAXNR;
    for (uint32_t i = 0; i < edd_count; ++i)
        __builtin_memcpy(&bp.eddbuf[i], &b.edd[i], sizeof(edd_info));
    bp.eddbuf_entries = uint8_t(edd_count);
    for (uint32_t i = 0; i < EDD_MBR_SIG_MAX; ++i)
        bp.edd_mbr_sig_buffer[i] = b.mbr_signature[i];
    bp.edd_mbr_sig_buf_entries =
        uint8_t(b.mbr_signature_count < EDD_MBR_SIG_MAX ? b.mbr_signature_count : EDD_MBR_SIG_MAX);
    if (b.edid_status != EdidStatus::not_read)
        __builtin_memcpy(bp.edid_info.dummy, b.edid, sizeof bp.edid_info.dummy);
    if (b.video.kind != VideoKind::none)
        bp.screen_info = video_screen_info(b.video);
}

} // namespace relboot
