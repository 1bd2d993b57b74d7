/*
 * The Linux x86 boot protocol's formats: the bzImage's setup header and
 * the zero page (struct boot_params) by their field names and offsets,
 * the e820 entry types and the setup_data list.  Formats only: no relboot
 * code.
 *
 * Documentation/arch/x86/boot.rst ("The Real-Mode Kernel Header", "Details
 * of Header Fields", "64-bit Boot Protocol"), Documentation/arch/x86/
 * zero-page.rst (the offsets asserted below) and
 * arch/x86/include/uapi/asm/bootparam.h (the names).  The setup header
 * sits at offset 0x1f1 both in the bzImage file and in boot_params.
 * Little-endian, packed; offsets are bytes from the start of the bzImage
 * / of boot_params.  Needs <stddef.h> and <stdint.h> only.
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
/* e820_table's slots (bootparam.h E820_MAX_ENTRIES_ZEROPAGE); more go to a SETUP_E820_EXT node. */
inline constexpr uint32_t E820_MAX_ENTRIES_ZEROPAGE = 128;
/* edd_mbr_sig_buffer's slots (include/uapi/linux/edd.h EDD_MBR_SIG_MAX) and eddbuf's (EDDMAXNR). */
inline constexpr uint32_t EDD_MBR_SIG_MAX = 16;
inline constexpr uint32_t EDDMAXNR = 6;
/* type_of_loader: 0xff = "undefined" (boot.rst: a loader without an assigned id). */
inline constexpr uint8_t LOADER_TYPE_UNDEFINED = 0xff;
/* setup_header.vid_mode: "normal" (boot.rst, vid_mode). */
inline constexpr uint16_t VID_MODE_NORMAL = 0xffff;
/* hardware_subarch: X86_SUBARCH_PC, a PC with the standard entries (bootparam.h enum x86_hardware_subarch). */
inline constexpr uint32_t X86_SUBARCH_PC = 0;
/* efi_info.efi_loader_signature for a 64-bit firmware: "EL64". */
inline constexpr uint32_t EFI64_LOADER_SIGNATURE = 0x34364c45;

/*
 * boot_e820_entry.type (arch/x86/include/asm/e820/types.h, enum
 * e820_type).  Linux treats a type it does not know as reserved.
 */
inline constexpr uint32_t E820_TYPE_RAM = 1;
inline constexpr uint32_t E820_TYPE_RESERVED = 2;
inline constexpr uint32_t E820_TYPE_ACPI = 3;           /* ACPI tables: reclaimable once read */
inline constexpr uint32_t E820_TYPE_NVS = 4;            /* ACPI non-volatile storage */
inline constexpr uint32_t E820_TYPE_UNUSABLE = 5;
inline constexpr uint32_t E820_TYPE_PMEM = 7;
inline constexpr uint32_t E820_TYPE_PRAM = 12;          /* legacy NVDIMM */

/*
 * setup_data.type (bootparam.h): what a node of the setup_data list
 * (setup_header.setup_data, protocol 2.09+) carries.
 */
inline constexpr uint32_t SETUP_NONE = 0;
inline constexpr uint32_t SETUP_E820_EXT = 1;           /* boot_e820_entry[] beyond the zero page's 128 */
inline constexpr uint32_t SETUP_DTB = 2;
inline constexpr uint32_t SETUP_PCI = 3;
inline constexpr uint32_t SETUP_EFI = 4;
inline constexpr uint32_t SETUP_APPLE_PROPERTIES = 5;
inline constexpr uint32_t SETUP_JAILHOUSE = 6;
inline constexpr uint32_t SETUP_CC_BLOB = 7;
inline constexpr uint32_t SETUP_IMA = 8;
inline constexpr uint32_t SETUP_RNG_SEED = 9;
inline constexpr uint32_t SETUP_INDIRECT = 1u << 31;    /* protocol 2.15: data is a struct setup_indirect */

/*
 * struct setup_data: one node of the list, 16 bytes of header followed
 * by len bytes of data; next is the physical address of the next node,
 * 0 at the end.
 */
struct [[gnu::packed]] setup_data {
    uint64_t next;
    uint32_t type;                  /* SETUP_* */
    uint32_t len;                   /* bytes of data after this header */
};
static_assert(sizeof(setup_data) == 16);

/* struct setup_header (bootparam.h), at offset 0x1f1 of the file and of boot_params; 0x7b bytes. */
struct [[gnu::packed]] setup_header {
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
    uint64_t setup_data;            /* 0x250: physical address of the first struct setup_data; 0 = none */
    uint64_t pref_address;          /* 0x258 */
    uint32_t init_size;             /* 0x260 */
    uint32_t handover_offset;       /* 0x264 */
    uint32_t kernel_info_offset;    /* 0x268 */
};
inline constexpr uint32_t SETUP_HEADER_OFFSET = 0x1f1;
static_assert(sizeof(setup_header) == 0x26c - SETUP_HEADER_OFFSET);

/* struct boot_e820_entry: 20 bytes, packed; [addr, addr + size) of one type (E820_TYPE_*). */
struct [[gnu::packed]] boot_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};
static_assert(sizeof(boot_e820_entry) == 20);

/* struct efi_info (bootparam.h), boot_params 0x1c0, 32 bytes: the firmware's tables for an EFI boot. */
struct [[gnu::packed]] efi_info {
    uint32_t efi_loader_signature;  /* "EL64" (EFI64_LOADER_SIGNATURE) or "EL32" */
    uint32_t efi_systab;
    uint32_t efi_memdesc_size;
    uint32_t efi_memdesc_version;
    uint32_t efi_memmap;
    uint32_t efi_memmap_size;
    uint32_t efi_systab_hi;
    uint32_t efi_memmap_hi;
};
static_assert(sizeof(efi_info) == 32);

/*
 * struct screen_info (include/uapi/linux/screen_info.h), boot_params 0x000,
 * 0x40 bytes: the console's video mode.
 */
struct [[gnu::packed]] screen_info {
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
    uint8_t _reserved[2];               /* 0x3e */
};
static_assert(sizeof(screen_info) == 0x40);
static_assert(offsetof(screen_info, orig_video_isVGA) == 0x0f && offsetof(screen_info, lfb_base) == 0x18);
static_assert(offsetof(screen_info, red_size) == 0x26 && offsetof(screen_info, rsvd_pos) == 0x2d);
static_assert(offsetof(screen_info, capabilities) == 0x36 && offsetof(screen_info, ext_lfb_base) == 0x3a);
/*
 * screen_info.orig_video_isVGA: 1 for a VGA text mode (what Linux's own
 * real-mode setup writes, arch/x86/boot/video-vga.c; vgacon reads it), or
 * VIDEO_TYPE_VLFB (screen_info.h) for a VESA linear framebuffer.
 */
inline constexpr uint8_t ORIG_VIDEO_IS_VGA = 1;
inline constexpr uint8_t VIDEO_TYPE_VLFB = 0x23;
/* screen_info.capabilities: ext_lfb_base is valid. */
inline constexpr uint32_t VIDEO_CAPABILITY_64BIT_BASE = 1u << 1;

/* struct edid_info (include/video/edid.h): the display's 128-byte EDID block, as bytes. */
struct [[gnu::packed]] edid_info {
    uint8_t dummy[128];
};
static_assert(sizeof(edid_info) == 128);

/*
 * struct edd_info (include/uapi/linux/edd.h), 82 bytes: one BIOS disk,
 * from INT 13h AH=41h, AH=08h and AH=48h (params: struct
 * edd_device_params, as bytes).
 */
struct [[gnu::packed]] edd_info {
    uint8_t device;
    uint8_t version;
    uint16_t interface_support;
    uint16_t legacy_max_cylinder;
    uint8_t legacy_max_head;
    uint8_t legacy_sectors_per_track;
    uint8_t params[74];
};
static_assert(sizeof(edd_info) == 82);

/*
 * struct boot_params, the "zero page" (bootparam.h; zero-page.rst), 4096
 * bytes.  A loader zeroes it, copies the file's setup header into hdr
 * (as far as the header's end, 0x202 + byte 0x201) and fills the fields
 * it knows.  Fields relboot never writes are kept as bytes.
 */
struct [[gnu::packed]] boot_params {
    struct screen_info screen_info;     /* 0x000 */
    uint8_t apm_bios_info[0x14];        /* 0x040: struct apm_bios_info */
    uint8_t _pad2[4];                   /* 0x054 */
    uint64_t tboot_addr;                /* 0x058 */
    uint8_t ist_info[0x10];             /* 0x060: struct ist_info */
    uint64_t acpi_rsdp_addr;            /* 0x070: the RSDP; 0 = the kernel searches */
    uint8_t _pad3[8];                   /* 0x078 */
    uint8_t hd0_info[16];               /* 0x080: obsolete */
    uint8_t hd1_info[16];               /* 0x090: obsolete */
    uint8_t sys_desc_table[16];         /* 0x0a0: obsolete */
    uint8_t olpc_ofw_header[16];        /* 0x0b0 */
    uint32_t ext_ramdisk_image;         /* 0x0c0: ramdisk_image bits 63:32 */
    uint32_t ext_ramdisk_size;          /* 0x0c4: ramdisk_size bits 63:32 */
    uint32_t ext_cmd_line_ptr;          /* 0x0c8: cmd_line_ptr bits 63:32 */
    uint8_t _pad4[112];                 /* 0x0cc */
    uint32_t cc_blob_address;           /* 0x13c */
    struct edid_info edid_info;         /* 0x140 */
    struct efi_info efi_info;           /* 0x1c0 */
    uint32_t alt_mem_k;                 /* 0x1e0 */
    uint32_t scratch;                   /* 0x1e4 */
    uint8_t e820_entries;               /* 0x1e8: entries used in e820_table */
    uint8_t eddbuf_entries;             /* 0x1e9 */
    uint8_t edd_mbr_sig_buf_entries;    /* 0x1ea */
    uint8_t kbd_status;                 /* 0x1eb */
    uint8_t secure_boot;                /* 0x1ec */
    uint8_t _pad5[2];                   /* 0x1ed */
    uint8_t sentinel;                   /* 0x1ef: 0xff in the file; a loader that copies it is caught */
    uint8_t _pad6[1];                   /* 0x1f0 */
    struct setup_header hdr;            /* 0x1f1 */
    uint8_t _pad7[0x290 - 0x1f1 - sizeof(struct setup_header)];   /* 0x26c: the header may grow into it */
    uint32_t edd_mbr_sig_buffer[EDD_MBR_SIG_MAX];                 /* 0x290 */
    struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE];  /* 0x2d0 */
    uint8_t _pad8[48];                  /* 0xcd0 */
    struct edd_info eddbuf[EDDMAXNR];   /* 0xd00 */
    uint8_t _pad9[276];                 /* 0xeec */
};

/* zero-page.rst's table, and the setup header's fields relboot reads or writes (boot.rst). */
static_assert(sizeof(boot_params) == BOOT_PARAMS_SIZE);
static_assert(offsetof(boot_params, screen_info) == 0x000);
static_assert(offsetof(boot_params, apm_bios_info) == 0x040);
static_assert(offsetof(boot_params, tboot_addr) == 0x058);
static_assert(offsetof(boot_params, ist_info) == 0x060);
static_assert(offsetof(boot_params, acpi_rsdp_addr) == 0x070);
static_assert(offsetof(boot_params, hd0_info) == 0x080);
static_assert(offsetof(boot_params, hd1_info) == 0x090);
static_assert(offsetof(boot_params, sys_desc_table) == 0x0a0);
static_assert(offsetof(boot_params, olpc_ofw_header) == 0x0b0);
static_assert(offsetof(boot_params, ext_ramdisk_image) == 0x0c0);
static_assert(offsetof(boot_params, ext_ramdisk_size) == 0x0c4);
static_assert(offsetof(boot_params, ext_cmd_line_ptr) == 0x0c8);
static_assert(offsetof(boot_params, cc_blob_address) == 0x13c);
static_assert(offsetof(boot_params, edid_info) == 0x140);
static_assert(offsetof(boot_params, efi_info) == 0x1c0);
static_assert(offsetof(boot_params, alt_mem_k) == 0x1e0);
static_assert(offsetof(boot_params, scratch) == 0x1e4);
static_assert(offsetof(boot_params, e820_entries) == 0x1e8);
static_assert(offsetof(boot_params, eddbuf_entries) == 0x1e9);
static_assert(offsetof(boot_params, edd_mbr_sig_buf_entries) == 0x1ea);
static_assert(offsetof(boot_params, kbd_status) == 0x1eb);
static_assert(offsetof(boot_params, secure_boot) == 0x1ec);
static_assert(offsetof(boot_params, sentinel) == 0x1ef);
static_assert(offsetof(boot_params, hdr) == SETUP_HEADER_OFFSET);
static_assert(offsetof(boot_params, edd_mbr_sig_buffer) == 0x290);
static_assert(offsetof(boot_params, e820_table) == 0x2d0);
static_assert(offsetof(boot_params, eddbuf) == 0xd00);
static_assert(offsetof(boot_params, hdr.setup_sects) == 0x1f1);
static_assert(offsetof(boot_params, hdr.syssize) == 0x1f4);
static_assert(offsetof(boot_params, hdr.vid_mode) == 0x1fa);
static_assert(offsetof(boot_params, hdr.boot_flag) == 0x1fe);
static_assert(offsetof(boot_params, hdr.jump) == 0x200);
static_assert(offsetof(boot_params, hdr.header) == 0x202);
static_assert(offsetof(boot_params, hdr.version) == 0x206);
static_assert(offsetof(boot_params, hdr.kernel_version) == 0x20e);
static_assert(offsetof(boot_params, hdr.type_of_loader) == 0x210);
static_assert(offsetof(boot_params, hdr.loadflags) == 0x211);
static_assert(offsetof(boot_params, hdr.code32_start) == 0x214);
static_assert(offsetof(boot_params, hdr.ramdisk_image) == 0x218);
static_assert(offsetof(boot_params, hdr.ramdisk_size) == 0x21c);
static_assert(offsetof(boot_params, hdr.cmd_line_ptr) == 0x228);
static_assert(offsetof(boot_params, hdr.initrd_addr_max) == 0x22c);
static_assert(offsetof(boot_params, hdr.kernel_alignment) == 0x230);
static_assert(offsetof(boot_params, hdr.relocatable_kernel) == 0x234);
static_assert(offsetof(boot_params, hdr.min_alignment) == 0x235);
static_assert(offsetof(boot_params, hdr.xloadflags) == 0x236);
static_assert(offsetof(boot_params, hdr.cmdline_size) == 0x238);
static_assert(offsetof(boot_params, hdr.hardware_subarch) == 0x23c);
static_assert(offsetof(boot_params, hdr.hardware_subarch_data) == 0x240);
static_assert(offsetof(boot_params, hdr.setup_data) == 0x250);
static_assert(offsetof(boot_params, hdr.pref_address) == 0x258);
static_assert(offsetof(boot_params, hdr.init_size) == 0x260);
static_assert(offsetof(boot_params, hdr.kernel_info_offset) == 0x268);

} // namespace relboot::linuxboot

#endif /* __ASSEMBLER__ */
#endif
