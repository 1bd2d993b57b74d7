/*
 * The real-mode BIOS calls' results into the Linux zero page
 * (payload_linux.h, linux_fill_bios_params): the fields Linux's own
 * real-mode setup fills when it is entered through the 16-bit protocol,
 * by their boot_params names and offsets (zero-page.rst).  Pure.
 */
#include "payload/linux/payload_linux.h"

namespace relboot {

using namespace linuxboot;

namespace {

template <typename T>
void put(uint8_t* page, uint32_t offset, const T& v)
{
    __builtin_memcpy(page + offset, &v, sizeof v);
}

ScreenInfo screen_info(const VideoInfo& v)
{
    ScreenInfo si{};
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
    __builtin_memcpy(&si.red_size, v.colors, VESA_COLOR_BYTES);     /* red_size .. rsvd_pos */
    si.vesa_attributes = v.vesa_attributes;
    si.capabilities = v.capabilities | (si.ext_lfb_base ? VIDEO_CAPABILITY_64BIT_BASE : 0);
    return si;
}

} // namespace

void linux_fill_bios_params(uint8_t* zero_page, const BiosInfo& b)
{
    for (uint32_t i = 0; i < b.edd_count && i < EDD_INFO_MAX; ++i)
        put(zero_page, BP_EDDBUF + i * uint32_t(sizeof(EddInfo)), b.edd[i]);
    put<uint8_t>(zero_page, BP_EDDBUF_ENTRIES, uint8_t(b.edd_count < EDD_INFO_MAX ? b.edd_count : EDD_INFO_MAX));
    put(zero_page, BP_EDD_MBR_SIG_BUFFER, b.mbr_signature);
    put<uint8_t>(zero_page, BP_EDD_MBR_SIG_BUF_ENTRIES,
                 uint8_t(b.mbr_signature_count < EDD_DRIVES_MAX ? b.mbr_signature_count : EDD_DRIVES_MAX));
    if (b.edid_status != EdidStatus::not_read)
        put(zero_page, BP_EDID_INFO, b.edid);
    if (b.video.kind != VideoKind::none)
        put(zero_page, BP_SCREEN_INFO, screen_info(b.video));
}

static_assert(EDD_INFO_MAX * sizeof(EddInfo) == 0x1ec, "boot_params.eddbuf is 0x1ec bytes");
static_assert(BP_EDD_MBR_SIG_BUFFER + sizeof(BiosInfo::mbr_signature) == 0x2d0, "edd_mbr_sig_buffer ends at e820_table");

} // namespace relboot
