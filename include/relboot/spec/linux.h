/*
 * The Linux x86 boot protocol: the bzImage's setup header and the zero
 * page (struct boot_params), by their field names and offsets.
 * Documentation/arch/x86/boot.rst ("The Real-Mode Kernel Header", "Details
 * of Header Fields", "64-bit Boot Protocol") and
 * arch/x86/include/uapi/asm/bootparam.h, zero-page.rst.  The setup header
 * sits at offset 0x1f1 both in the bzImage file and in boot_params.
 * Little-endian, packed; offsets are bytes from the start of the
 * bzImage / of boot_params.
 */
#ifndef RELBOOT_LINUX_BOOT_H
#define RELBOOT_LINUX_BOOT_H

/*
 * __BOOT_CS and __BOOT_DS: the selectors the 64-bit entry is entered with
 * (boot.rst, "64-bit Boot Protocol"); also for assembly (linux_entry.S).
 */
#define LINUX_BOOT_CS  0x10
#define LINUX_BOOT_DS  0x18

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

namespace relboot::linuxboot {

/* boot.rst: the setup header's magic values. */
inline constexpr uint16_t BOOT_FLAG = 0xaa55;          /* boot_flag at 0x1fe */
inline constexpr uint32_t HEADER_MAGIC = 0x53726448;   /* header at 0x202: "HdrS" */

/* loadflags (0x211). */
inline constexpr uint8_t LOADED_HIGH = 1u << 0;
inline constexpr uint8_t KASLR_FLAG = 1u << 1;
inline constexpr uint8_t QUIET_FLAG = 1u << 5;
inline constexpr uint8_t KEEP_SEGMENTS = 1u << 6;
inline constexpr uint8_t CAN_USE_HEAP = 1u << 7;

/* xloadflags (0x236, protocol 2.12+). */
inline constexpr uint16_t XLF_KERNEL_64 = 1u << 0;            /* 64-bit entry at pm start + 0x200 */
inline constexpr uint16_t XLF_CAN_BE_LOADED_ABOVE_4G = 1u << 1;
inline constexpr uint16_t XLF_EFI_HANDOVER_32 = 1u << 2;
inline constexpr uint16_t XLF_EFI_HANDOVER_64 = 1u << 3;
inline constexpr uint16_t XLF_EFI_KEXEC = 1u << 4;

/* The 64-bit entry is this far into the protected-mode code (boot.rst, "64-bit Boot Protocol"). */
inline constexpr uint32_t ENTRY64_OFFSET = 0x200;
/* Where a kernel that is not relocatable has its protected-mode code (code32_start's default). */
inline constexpr uint32_t DEFAULT_CODE32_START = 0x100000;
/* A sector of the real-mode part; setup_sects counts them (0 means 4). */
inline constexpr uint32_t SECTOR_SIZE = 512;
/* boot_params is one page. */
inline constexpr uint32_t BOOT_PARAMS_SIZE = 4096;
/* e820_table's slots (bootparam.h E820_MAX_ENTRIES_ZEROPAGE). */
inline constexpr uint32_t E820_MAX_ENTRIES_ZEROPAGE = 128;
/* type_of_loader: 0xff = "undefined" (boot.rst: a loader without an assigned id). */
inline constexpr uint8_t LOADER_TYPE_UNDEFINED = 0xff;
/* efi_info.efi_loader_signature for a 64-bit firmware: "EL64". */
inline constexpr uint32_t EFI64_LOADER_SIGNATURE = 0x34364c45;

/* struct setup_header (bootparam.h), at offset 0x1f1. */
struct [[gnu::packed]] SetupHeader {
    uint8_t setup_sects;            /* 0x1f1 */
    uint16_t root_flags;            /* 0x1f2 */
    uint32_t syssize;               /* 0x1f4 */
    uint16_t ram_size;              /* 0x1f8 */
    uint16_t vid_mode;              /* 0x1fa */
    uint16_t root_dev;              /* 0x1fc */
    uint16_t boot_flag;             /* 0x1fe */
    uint16_t jump;                  /* 0x200: its second byte + 0x202 is the header's end */
    uint32_t header;                /* 0x202 */
    uint16_t version;               /* 0x206: (major << 8) | minor */
    uint32_t realmode_swtch;        /* 0x208 */
    uint16_t start_sys_seg;         /* 0x20c */
    uint16_t kernel_version;        /* 0x20e: offset of the version string - 0x200 */
    uint8_t type_of_loader;         /* 0x210 */
    uint8_t loadflags;              /* 0x211 */
    uint16_t setup_move_size;       /* 0x212 */
    uint32_t code32_start;          /* 0x214 */
    uint32_t ramdisk_image;         /* 0x218 */
    uint32_t ramdisk_size;          /* 0x21c */
    uint32_t bootsect_kludge;       /* 0x220 */
    uint16_t heap_end_ptr;          /* 0x224 */
    uint8_t ext_loader_ver;         /* 0x226 */
    uint8_t ext_loader_type;        /* 0x227 */
    uint32_t cmd_line_ptr;          /* 0x228 */
    uint32_t initrd_addr_max;       /* 0x22c: highest byte the initrd may occupy */
    uint32_t kernel_alignment;      /* 0x230 */
    uint8_t relocatable_kernel;     /* 0x234 */
    uint8_t min_alignment;          /* 0x235: log2 */
    uint16_t xloadflags;            /* 0x236 */
    uint32_t cmdline_size;          /* 0x238: without the NUL */
    uint32_t hardware_subarch;      /* 0x23c */
    uint64_t hardware_subarch_data; /* 0x240 */
    uint32_t payload_offset;        /* 0x248 */
    uint32_t payload_length;        /* 0x24c */
    uint64_t setup_data;            /* 0x250 */
    uint64_t pref_address;          /* 0x258 */
    uint32_t init_size;             /* 0x260 */
    uint32_t handover_offset;       /* 0x264 */
    uint32_t kernel_info_offset;    /* 0x268 */
};
inline constexpr uint32_t SETUP_HEADER_OFFSET = 0x1f1;
static_assert(sizeof(SetupHeader) == 0x26c - SETUP_HEADER_OFFSET);
static_assert(offsetof(SetupHeader, header) == 0x202 - SETUP_HEADER_OFFSET);
static_assert(offsetof(SetupHeader, relocatable_kernel) == 0x234 - SETUP_HEADER_OFFSET);
static_assert(offsetof(SetupHeader, pref_address) == 0x258 - SETUP_HEADER_OFFSET);

/* struct boot_e820_entry: 20 bytes, packed. */
struct [[gnu::packed]] E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;                  /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
};
static_assert(sizeof(E820Entry) == 20);

/* struct efi_info (boot_params 0x1c0). */
struct [[gnu::packed]] EfiInfo {
    uint32_t efi_loader_signature;
    uint32_t efi_systab;
    uint32_t efi_memdesc_size;
    uint32_t efi_memdesc_version;
    uint32_t efi_memmap;
    uint32_t efi_memmap_size;
    uint32_t efi_systab_hi;
    uint32_t efi_memmap_hi;
};
static_assert(sizeof(EfiInfo) == 32);

/*
 * struct screen_info (include/uapi/linux/screen_info.h), boot_params 0x000,
 * 0x40 bytes: the console's video mode.
 */
struct [[gnu::packed]] ScreenInfo {
    uint8_t orig_x, orig_y;             /* 0x00: text cursor */
    uint16_t ext_mem_k;                 /* 0x02 */
    uint16_t orig_video_page;           /* 0x04 */
    uint8_t orig_video_mode;            /* 0x06: BIOS mode (AL of INT 10h AH=0Fh) */
    uint8_t orig_video_cols;            /* 0x07 */
    uint8_t flags, unused2;             /* 0x08 */
    uint16_t orig_video_ega_bx;         /* 0x0a */
    uint16_t unused3;                   /* 0x0c */
    uint8_t orig_video_lines;           /* 0x0e */
    uint8_t orig_video_isVGA;           /* 0x0f: VIDEO_TYPE_* */
    uint16_t orig_video_points;         /* 0x10: character height */
    uint16_t lfb_width, lfb_height, lfb_depth;   /* 0x12 */
    uint32_t lfb_base;                  /* 0x18 */
    uint32_t lfb_size;                  /* 0x1c: VESA: in 64 KiB units (VbeInfoBlock.TotalMemory) */
    uint16_t cl_magic, cl_offset;       /* 0x20 */
    uint16_t lfb_linelength;            /* 0x24 */
    uint8_t red_size, red_pos, green_size, green_pos, blue_size, blue_pos, rsvd_size, rsvd_pos;   /* 0x26 */
    uint16_t vesapm_seg, vesapm_off;    /* 0x2e */
    uint16_t pages;                     /* 0x32 */
    uint16_t vesa_attributes;           /* 0x34 */
    uint32_t capabilities;              /* 0x36: VIDEO_CAPABILITY_* */
    uint32_t ext_lfb_base;              /* 0x3a: lfb_base bits 63:32 */
    uint8_t reserved[2];                /* 0x3e */
};
static_assert(sizeof(ScreenInfo) == 0x40);
static_assert(__builtin_offsetof(ScreenInfo, orig_video_isVGA) == 0x0f && __builtin_offsetof(ScreenInfo, lfb_base) == 0x18);
static_assert(__builtin_offsetof(ScreenInfo, red_size) == 0x26 && __builtin_offsetof(ScreenInfo, rsvd_pos) == 0x2d);
static_assert(__builtin_offsetof(ScreenInfo, capabilities) == 0x36 && __builtin_offsetof(ScreenInfo, ext_lfb_base) == 0x3a);
/*
 * screen_info.orig_video_isVGA: 1 for a VGA text mode (what Linux's own
 * real-mode setup writes, arch/x86/boot/video-vga.c; vgacon reads it), or
 * VIDEO_TYPE_VLFB (screen_info.h) for a VESA linear framebuffer.
 */
inline constexpr uint8_t ORIG_VIDEO_IS_VGA = 1;
inline constexpr uint8_t VIDEO_TYPE_VLFB = 0x23;
/* screen_info.capabilities: ext_lfb_base is valid. */
inline constexpr uint32_t VIDEO_CAPABILITY_64BIT_BASE = 1u << 1;

/* Offsets in struct boot_params (zero-page.rst) of the fields relboot writes. */
inline constexpr uint32_t BP_SCREEN_INFO = 0x000;        /* struct screen_info */
inline constexpr uint32_t BP_ACPI_RSDP_ADDR = 0x070;     /* u64 */
inline constexpr uint32_t BP_EXT_RAMDISK_IMAGE = 0x0c0;  /* u32: ramdisk_image bits 63:32 */
inline constexpr uint32_t BP_EXT_RAMDISK_SIZE = 0x0c4;
inline constexpr uint32_t BP_EXT_CMD_LINE_PTR = 0x0c8;
inline constexpr uint32_t BP_EFI_INFO = 0x1c0;           /* struct efi_info */
inline constexpr uint32_t BP_EDID_INFO = 0x140;          /* struct edid_info: 128 bytes */
inline constexpr uint32_t BP_E820_ENTRIES = 0x1e8;       /* u8 */
inline constexpr uint32_t BP_EDDBUF_ENTRIES = 0x1e9;     /* u8 */
inline constexpr uint32_t BP_EDD_MBR_SIG_BUF_ENTRIES = 0x1ea;   /* u8 */
inline constexpr uint32_t BP_SENTINEL = 0x1ef;           /* u8: must stay 0 */
inline constexpr uint32_t BP_HDR = SETUP_HEADER_OFFSET;  /* struct setup_header */
inline constexpr uint32_t BP_EDD_MBR_SIG_BUFFER = 0x290; /* u32[16] (EDD_MBR_SIG_MAX) */
inline constexpr uint32_t BP_E820_TABLE = 0x2d0;         /* struct boot_e820_entry[128] */
inline constexpr uint32_t BP_EDDBUF = 0xd00;             /* struct edd_info[6] (EDDMAXNR) */

} // namespace relboot::linuxboot

#endif /* __ASSEMBLER__ */
#endif
