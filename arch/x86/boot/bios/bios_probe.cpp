/*
 * The BIOS calls behind edd=, edid= and vga= (bios_probe.h).  Pure C++:
 * the BIOS is whatever BiosBus calls.  The buffer is rewritten by every
 * call, so each answer is copied out before the next one.
 *
 * References: T13 "BIOS Enhanced Disk Drive Services - 3" (EDD 3.0) for
 * INT 13h AH=41h/48h; the IBM PC BIOS interface for INT 13h AH=02h/08h
 * and INT 10h AH=00h/03h/0Fh; VESA BIOS Extension Core Functions 3.0 for
 * 4F00h..4F03h; VBE/DDC 1.1 for 4F15h.
 */
#include "bios/bios_probe.h"

namespace relboot {

namespace {

template <typename T>
T load(const uint8_t* p)
{
    T v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

/* Real-mode segment and offset of a linear address below 1 MiB. */
constexpr uint16_t seg_of(uint32_t linear) { return uint16_t(linear >> 4); }
constexpr uint16_t off_of(uint32_t linear) { return uint16_t(linear & 0xf); }
/* A far pointer (offset in bits 15:0, segment in 31:16) as a linear address. */
constexpr uint32_t far_linear(uint32_t far) { return (far >> 16) * 16 + (far & 0xffff); }

bool carry(const BiosRegs& r) { return r.eflags & EFLAGS_CF; }
/* VBE functions return AX = 0x004f on success. */
bool vbe_ok(const BiosRegs& r) { return (r.eax & 0xffff) == 0x004f; }

struct Call {
    const BiosBus& bus;

    BiosRegs regs(uint8_t vector) const
    {
        BiosRegs r{};
        r.vector = vector;
        return r;
    }
    /* ES:DI (and DS:SI) at the buffer. */
    void at_buffer(BiosRegs& r) const
    {
        r.es = r.ds = seg_of(bus.buffer);
        r.edi = r.esi = off_of(bus.buffer);
    }
    void call(BiosRegs& r) const { bus.call(bus.ctx, &r); }
    uint8_t* buffer(uint32_t len) const { return bus.memory(bus.ctx, bus.buffer, len); }
};

/* One drive: AH=41h, then AH=48h and AH=08h into *info.  False when the drive has no EDD. */
bool edd_drive(const Call& c, uint8_t drive, EddInfo* info)
{
    uint8_t* buf = c.buffer(EDD_DEVICE_PARAMS_SIZE);
    if (!buf)
        return false;
    BiosRegs r = c.regs(0x13);
    r.eax = 0x4100;
    r.ebx = 0x55aa;
    r.edx = drive;
    c.call(r);
    if (carry(r) || (r.ebx & 0xffff) != 0xaa55)
        return false;
    *info = EddInfo{};
    info->device = drive;
    info->version = uint8_t(r.eax >> 8);
    info->interface_support = uint16_t(r.ecx);

    /* AH=48h: the buffer's first word says how much room it has. */
    __builtin_memset(buf, 0, EDD_DEVICE_PARAMS_SIZE);
    const uint16_t room = EDD_DEVICE_PARAMS_SIZE;
    __builtin_memcpy(buf, &room, sizeof room);
    r = c.regs(0x13);
    r.eax = 0x4800;
    r.edx = drive;
    c.at_buffer(r);
    c.call(r);
    if (!carry(r))
        __builtin_memcpy(info->params, buf, EDD_DEVICE_PARAMS_SIZE);

    /* AH=08h: ES:DI = 0:0 (some BIOSes write a table there otherwise, as Linux notes). */
    r = c.regs(0x13);
    r.eax = 0x0800;
    r.edx = drive;
    c.call(r);
    if (!carry(r)) {
        info->legacy_max_cylinder = uint16_t(((r.ecx >> 8) & 0xff) | ((r.ecx & 0xc0) << 2));
        info->legacy_max_head = uint8_t(r.edx >> 8);
        info->legacy_sectors_per_track = uint8_t(r.ecx & 0x3f);
    }
    return true;
}

/* Sector 0 of drive through AH=02h (CHS 0/0/1): its MBR signature, when the read worked. */
bool mbr_signature(const Call& c, uint8_t drive, uint32_t sector_size, uint32_t* sig)
{
    if (sector_size == 0)
        sector_size = 512;
    if (sector_size < MBR_SIGNATURE_OFFSET + 4 || sector_size > BIOS_CALL_BUFFER_SIZE)
        return false;
    uint8_t* buf = c.buffer(sector_size);
    if (!buf)
        return false;
    __builtin_memset(buf, 0, sector_size);
    BiosRegs r = c.regs(0x13);
    r.eax = 0x0201;         /* read, 1 sector */
    r.ecx = 0x0001;         /* cylinder 0, sector 1 */
    r.edx = drive;          /* head 0 */
    r.es = seg_of(c.bus.buffer);
    r.ebx = off_of(c.bus.buffer);
    c.call(r);
    if (carry(r))
        return false;
    *sig = load<uint32_t>(buf + MBR_SIGNATURE_OFFSET);
    return true;
}

/* 4F00h into the buffer ("VBE2" asks for the VBE 2.0+ block); false without VBE. */
bool vbe_controller(const Call& c, uint8_t** block)
{
    uint8_t* buf = c.buffer(512);
    if (!buf)
        return false;
    __builtin_memset(buf, 0, 512);
    __builtin_memcpy(buf, "VBE2", 4);
    BiosRegs r = c.regs(0x10);
    r.eax = 0x4f00;
    c.at_buffer(r);
    c.call(r);
    if (!vbe_ok(r) || __builtin_memcmp(buf, "VESA", 4) != 0)
        return false;
    *block = buf;
    return true;
}

/* 4F01h for mode into *info; *raw keeps the block (valid until the next call). */
bool vbe_mode(const Call& c, uint16_t mode, VesaModeInfo* info, const uint8_t** raw)
{
    uint8_t* buf = c.buffer(256);
    if (!buf)
        return false;
    __builtin_memset(buf, 0, 256);
    BiosRegs r = c.regs(0x10);
    r.eax = 0x4f01;
    r.ecx = mode;
    c.at_buffer(r);
    c.call(r);
    if (!vbe_ok(r))
        return false;
    *info = vesa_mode_info(buf);
    if (raw)
        *raw = buf;
    return true;
}

/* A VESA mode as BiosInfo describes it: its ModeInfoBlock (raw, read into info) and the VbeInfoBlock's words. */
VideoInfo vesa_describe(uint16_t mode, const VesaModeInfo& info, const uint8_t* raw, uint16_t total_memory,
                        uint32_t capabilities)
{
    VideoInfo v{};
    v.kind = VideoKind::vesa;
    v.vesa_mode = mode;
    v.width = info.width;
    v.height = info.height;
    v.depth = info.depth;
    v.pitch = info.pitch;
    v.vesa_attributes = info.attributes;
    v.fb_base = info.fb_base;
    v.total_memory = total_memory;
    v.capabilities = capabilities;
    __builtin_memcpy(v.colors, raw + VESA_MODE_INFO_COLORS, VESA_COLOR_BYTES);
    return v;
}

/* Sets VESA mode (with its linear framebuffer) and describes it in out->video. */
VgaOutcome vesa_set(const Call& c, uint16_t mode, uint16_t total_memory, uint32_t capabilities, BiosInfo* out)
{
    VesaModeInfo info;
    const uint8_t* raw;
    if (!vbe_mode(c, mode, &info, &raw) || (info.attributes & VESA_ATTR_REQUIRED) != VESA_ATTR_REQUIRED)
        return VgaOutcome::refused;
    const VideoInfo v = vesa_describe(mode, info, raw, total_memory, capabilities);
    BiosRegs r = c.regs(0x10);
    r.eax = 0x4f02;
    r.ebx = uint32_t(mode) | VESA_MODE_LFB;
    c.call(r);
    if (!vbe_ok(r))
        return VgaOutcome::refused;
    out->video = v;
    return VgaOutcome::done;
}

/* The text mode the BIOS is in: AH=0Fh (mode, columns), AH=03h (cursor), BDA rows and font height. */
void text_read(const Call& c, BiosInfo* out)
{
    VideoInfo v{};
    v.kind = VideoKind::text;
    BiosRegs r = c.regs(0x10);
    r.eax = 0x0f00;
    c.call(r);
    v.vesa_mode = uint8_t(r.eax & 0x7f);
    v.width = uint8_t(r.eax >> 8);
    v.fb_base = v.vesa_mode == 7 ? 0xb0000 : 0xb8000;
    r = c.regs(0x10);
    r.eax = 0x0300;         /* page 0 (BH) */
    c.call(r);
    v.cursor_x = uint8_t(r.edx);
    v.cursor_y = uint8_t(r.edx >> 8);
    /* BDA 0x484: rows - 1; 0x485: character height (EGA and later). */
    const uint8_t* bda = c.bus.memory(c.bus.ctx, 0x484, 3);
    v.height = bda && bda[0] ? uint16_t(bda[0] + 1) : 25;
    v.font_points = bda ? load<uint16_t>(bda + 1) : 16;
    v.pitch = uint16_t(v.width * 2);
    out->video = v;
}

/*
 * The 80-column text modes a VGA BIOS makes through INT 10h alone (Linux
 * arch/x86/boot/video-vga.c has the same recipes): mode 3 with the ROM's
 * 8x16 font gives 25 rows on 400 scan lines, the 8x14 font 28, the 8x8
 * font 50; 350 scan lines and the 8x8 font 43.  30, 34 and 60 rows need
 * the CRTC reprogrammed (480 scan lines), which relboot does not do.
 */
struct TextRecipe {
    uint8_t rows;
    uint8_t scan_lines_bl;  /* AX=1201h BL: 0x30 = 350 scan lines, before the mode set; 0 = leave */
    uint16_t font_ax;       /* AX=1111h 8x14 or 1112h 8x8 ROM font, BL=0; 0 = mode 3's own 8x16 */
    uint16_t cursor_cx;     /* AH=01h CX: the cursor's first and last scan line in the smaller cell */
};
constexpr TextRecipe TEXT_RECIPES[] = {
    {25, 0, 0, 0},
    {28, 0, 0x1111, 0x0b0c},
    {43, 0x30, 0x1112, 0x0607},
    {50, 0, 0x1112, 0x0607},
};

VgaOutcome text_set(const Call& c, uint32_t rows, BiosInfo* out)
{
    const TextRecipe* recipe = nullptr;
    for (const TextRecipe& t : TEXT_RECIPES)
        if (t.rows == rows)
            recipe = &t;
    if (!recipe)
        return VgaOutcome::unsupported;
    auto int10 = [&](uint32_t ax, uint32_t bx, uint32_t cx) {
        BiosRegs r = c.regs(0x10);
        r.eax = ax;
        r.ebx = bx;
        r.ecx = cx;
        c.call(r);
    };
    if (recipe->scan_lines_bl)
        int10(0x1201, recipe->scan_lines_bl, 0);
    int10(0x0003, 0, 0);                /* AH=00h: mode 3, 80x25 colour text */
    if (recipe->font_ax) {
        int10(recipe->font_ax, 0, 0);   /* the smaller ROM font: the BIOS recomputes the rows (BDA 0x484) */
        int10(0x1201, 0x34, 0);         /* cursor emulation off, so the cursor shape below is taken as given */
        int10(0x0100, 0, recipe->cursor_cx);
    }
    text_read(c, out);
    return out->video.height == rows ? VgaOutcome::done : VgaOutcome::other_rows;
}

} // namespace

VesaModeInfo vesa_mode_info(const uint8_t* p)
{
    VesaModeInfo m{};
    m.attributes = load<uint16_t>(p + 0);
    m.pitch = load<uint16_t>(p + 16);
    m.width = load<uint16_t>(p + 18);
    m.height = load<uint16_t>(p + 20);
    m.depth = p[25];
    m.memory_model = p[27];
    m.fb_base = load<uint32_t>(p + 40);
    return m;
}

bool vesa_mode_matches(const VesaModeInfo& info, uint32_t width, uint32_t height, uint32_t depth)
{
    return (info.attributes & VESA_ATTR_REQUIRED) == VESA_ATTR_REQUIRED && (info.memory_model == 4 || info.memory_model == 6) &&
           info.width == width && info.height == height && info.depth == depth && info.fb_base != 0;
}

uint32_t vesa_mode_list(const BiosBus& bus, uint32_t far_ptr, uint16_t* modes, uint32_t max)
{
    const uint32_t at = far_linear(far_ptr);
    uint32_t n = 0;
    for (; n < max; ++n) {
        const uint8_t* p = bus.memory(bus.ctx, at + 2 * n, 2);
        if (!p)
            break;
        const uint16_t mode = load<uint16_t>(p);
        if (mode == 0xffff)
            break;
        modes[n] = mode;
    }
    return n;
}

void edd_probe(const BiosBus& bus, Edd mode, BiosInfo* out)
{
    if (mode == Edd::off)
        return;
    const Call c{bus};
    for (uint32_t i = 0; i < EDD_DRIVES_MAX; ++i) {
        const uint8_t drive = uint8_t(0x80 + i);
        EddInfo info;
        if (!edd_drive(c, drive, &info))
            continue;
        ++out->disks;
        if (out->edd_count < EDD_INFO_MAX)
            out->edd[out->edd_count++] = info;
        if (mode == Edd::skipmbr)
            continue;
        const uint16_t params_len = load<uint16_t>(info.params + EDD_PARAMS_LENGTH);
        const uint32_t sector_size =
            params_len >= EDD_PARAMS_BYTES_PER_SECTOR + 2 ? load<uint16_t>(info.params + EDD_PARAMS_BYTES_PER_SECTOR) : 0;
        if (mbr_signature(c, drive, sector_size, &out->mbr_signature[i])) {
            out->mbr_read = uint16_t(out->mbr_read | (1u << i));
            out->mbr_signature_count = uint8_t(i + 1);
        }
    }
}

VgaOutcome vga_probe(const BiosBus& bus, const VgaSettings& vga, BiosInfo* out)
{
    const Call c{bus};
    uint8_t* block = nullptr;
    const bool vbe = vbe_controller(c, &block);
    uint16_t total_memory = 0;
    uint32_t capabilities = 0, mode_ptr = 0;
    if (vbe) {
        out->vbe_version = load<uint16_t>(block + 4);
        capabilities = load<uint32_t>(block + 10);
        mode_ptr = load<uint32_t>(block + 14);
        total_memory = load<uint16_t>(block + 18);
    }

    switch (vga.kind) {
    case VgaKind::unset:
        return VgaOutcome::not_asked;
    case VgaKind::text:
        return text_set(c, vga.height, out);
    case VgaKind::mode: {
        if (vga.width == VGA_MODE_80X25) {
            VgaSettings text{};
            text.kind = VgaKind::text;
            text.width = 80;
            text.height = 25;
            return vga_probe(bus, text, out);
        }
        if (vga.width < VGA_MODE_VESA_FIRST || vga.width >= VGA_MODE_VESA_FIRST + 0x4000)
            return VgaOutcome::unsupported;
        if (!vbe)
            return VgaOutcome::no_vbe;
        return vesa_set(c, uint16_t(vga.width - VGA_MODE_VESA_FIRST), total_memory, capabilities, out);
    }
    case VgaKind::gfx: {
        if (!vbe)
            return VgaOutcome::no_vbe;
        /* The list first: it may lie in the buffer, which the next call overwrites. */
        uint16_t modes[VESA_MODES_MAX];
        const uint32_t count = vesa_mode_list(bus, mode_ptr, modes, VESA_MODES_MAX);
        for (uint32_t i = 0; i < count; ++i) {
            VesaModeInfo info;
            if (vbe_mode(c, modes[i], &info, nullptr) && vesa_mode_matches(info, vga.width, vga.height, vga.depth))
                return vesa_set(c, modes[i], total_memory, capabilities, out);
        }
        return VgaOutcome::not_found;
    }
    case VgaKind::current: {
        /* 4F03h: a VESA mode with a linear framebuffer is reported as such, else the text mode. */
        if (vbe) {
            BiosRegs r = c.regs(0x10);
            r.eax = 0x4f03;
            c.call(r);
            const uint16_t mode = uint16_t(r.ebx & 0x3fff);
            VesaModeInfo info;
            const uint8_t* raw;
            if (vbe_ok(r) && mode >= 0x100 && vbe_mode(c, mode, &info, &raw) &&
                (info.attributes & VESA_ATTR_REQUIRED) == VESA_ATTR_REQUIRED && (r.ebx & VESA_MODE_LFB)) {
                out->video = vesa_describe(mode, info, raw, total_memory, capabilities);
                return VgaOutcome::done;
            }
        }
        text_read(c, out);
        return VgaOutcome::done;
    }
    }
    return VgaOutcome::unsupported;
}

void edid_probe(const BiosBus& bus, Edid edid, BiosInfo* out)
{
    if (edid == Edid::no)
        return;
    const Call c{bus};
    if (out->vbe_version == 0) {
        uint8_t* block;
        if (vbe_controller(c, &block))
            out->vbe_version = load<uint16_t>(block + 4);
    }
    if (out->vbe_version < 0x0200 && edid != Edid::force)
        return;
    uint8_t* buf = c.buffer(EDID_BLOCK_SIZE);
    if (!buf)
        return;
    out->edid_status = EdidStatus::failed;
    __builtin_memset(out->edid, 0x13, EDID_BLOCK_SIZE);

    /* BL=00h: DDC capabilities; BL bits 1:0 say DDC1/DDC2 support. */
    BiosRegs r = c.regs(0x10);
    r.eax = 0x4f15;
    c.call(r);
    if (!vbe_ok(r) || (r.ebx & 3) == 0)
        return;
    /* BL=01h: EDID block CX=0 (DX = 0) into ES:DI. */
    __builtin_memset(buf, 0x13, EDID_BLOCK_SIZE);
    r = c.regs(0x10);
    r.eax = 0x4f15;
    r.ebx = 0x0001;
    c.at_buffer(r);
    c.call(r);
    if (!vbe_ok(r) || !edid_header_ok(buf))
        return;
    __builtin_memcpy(out->edid, buf, EDID_BLOCK_SIZE);
    out->edid_status = EdidStatus::ok;
}

bool edid_header_ok(const uint8_t* block)
{
    static constexpr uint8_t HEADER[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    return __builtin_memcmp(block, HEADER, sizeof HEADER) == 0;
}

bool edid_checksum_ok(const uint8_t* block)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < EDID_BLOCK_SIZE; ++i)
        sum = uint8_t(sum + block[i]);
    return sum == 0;
}

} // namespace relboot
