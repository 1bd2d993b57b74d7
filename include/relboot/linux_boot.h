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
#include <cstddef>
#include <cstdint>

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

/* Offsets in struct boot_params (zero-page.rst) of the fields relboot writes. */
inline constexpr uint32_t BP_ACPI_RSDP_ADDR = 0x070;     /* u64 */
inline constexpr uint32_t BP_EXT_RAMDISK_IMAGE = 0x0c0;  /* u32: ramdisk_image bits 63:32 */
inline constexpr uint32_t BP_EXT_RAMDISK_SIZE = 0x0c4;
inline constexpr uint32_t BP_EXT_CMD_LINE_PTR = 0x0c8;
inline constexpr uint32_t BP_EFI_INFO = 0x1c0;           /* struct efi_info */
inline constexpr uint32_t BP_E820_ENTRIES = 0x1e8;       /* u8 */
inline constexpr uint32_t BP_SENTINEL = 0x1ef;           /* u8: must stay 0 */
inline constexpr uint32_t BP_HDR = SETUP_HEADER_OFFSET;  /* struct setup_header */
inline constexpr uint32_t BP_E820_TABLE = 0x2d0;         /* struct boot_e820_entry[128] */

} // namespace relboot::linuxboot

#endif /* __ASSEMBLER__ */
#endif
