/*
 * What the 32-bit stage learned, handed to the 64-bit stage.
 *
 * One instance, boot_info, lives in the image's .bss (zeroed by
 * head32.S).  The 32-bit stage fills it through its physical address,
 * the 64-bit stage reads it at its higher-half address.  Fixed-width
 * fields only, so both stages see the same layout (checked below).
 */
#ifndef RELBOOT_BOOT_INFO_H
#define RELBOOT_BOOT_INFO_H

#include <cstddef>
#include <cstdint>
#include <relboot/boot_info_layout.h>
#include <relboot/cmdline.h>

namespace relboot {

enum class Firmware : uint8_t {
    bios = 0,   /* no EFI system-table tag in the MBI */
    efi = 1,    /* MBI tag 11 or 12 present */
};

/* Where load_base came from (boot-contract.md, "base ... source="). */
enum class BaseSource : uint8_t {
    tag21 = 0,  /* tag 21 present and equal to the EIP-derived base */
    eip = 1,    /* tag 21 absent or different: the EIP-derived base is used */
};

/*
 * TSC stamps at the boundaries of the boot phases (issue: benchmark).
 * Each phase runs from its stamp to the next one's.
 */
enum class TscStamp : uint32_t {
    entry = 0,          /* first instructions of relboot_entry32 */
    early_done,         /* 32-bit C++ stage entered: base found, GDT, IDT, stack, .bss done */
    mbi_done,           /* MBI walked and checked */
    cmdline_done,       /* command line parsed */
    paging_done,        /* page tables fixed up; then the long-mode switch */
    handoff,            /* first instruction of the 64-bit stage (relboot_entry64) */
    count,
};

/* Warnings the 32-bit stage records for the 64-bit stage to print. */
enum BootWarning : uint32_t {
    WARN_TAG21_MISSING  = 1u << 0,  /* no tag 21 in the MBI */
    WARN_TAG21_MISMATCH = 1u << 1,  /* tag 21 differs from the EIP-derived base */
    WARN_NO_NX          = 1u << 2,  /* CPU without execute-disable: NX bits dropped */
    WARN_MEM_RAISED     = 1u << 3,  /* mem= below the image or the MBI: raised to cover them */
};

struct BootInfo {
    uint32_t load_base;         /* physical address of the image's first byte (EIP-derived) */
    uint32_t link_base;         /* physical link address (LINK_BASE); set by the 64-bit stage */
    uint32_t tag21;             /* tag 21 load_base_addr, 0 when tag21_present is 0 */
    uint32_t mbi;               /* physical address of the MBI */
    uint32_t mbi_size;          /* its total_size, checked */
    uint32_t cmdline;           /* physical address of the tag 1 string, 0 if none */
    uint32_t cmdline_len;       /* bytes before the tag's final NUL (the string may end at an earlier NUL) */
    uint32_t warnings;          /* BootWarning bits */
    uint8_t  tag21_present;     /* 1 when the MBI had tag 21 */
    BaseSource base_source;
    Firmware firmware;
    uint8_t  nx;                /* 1 when EFER.NXE is set and the XD bits kept */
    alignas(8) uint64_t identity_limit; /* bytes of the identity map left (mem=; 4 GiB by default) */
    Options  options;           /* parsed command line */
    /* Last: not zeroed at entry (each phase writes its stamp before anything reads it). */
    alignas(8) uint64_t tsc[uint32_t(TscStamp::count)];  /* by TscStamp; 8-aligned in both stages */
};

/* The 32-bit and the 64-bit compiler must agree on every offset: both check these. */
static_assert(alignof(BootInfo) == 8);
static_assert(offsetof(Options, mem) == 8 && offsetof(Options, com) == 16 && sizeof(Options) % 8 == 0);
static_assert(offsetof(BootInfo, identity_limit) == 40 && offsetof(BootInfo, options) == 48);
static_assert(offsetof(BootInfo, tsc) == 48 + sizeof(Options));
static_assert(offsetof(BootInfo, tsc) == BOOT_INFO_TSC_OFFSET && sizeof(BootInfo) == BOOT_INFO_SIZE,
              "update boot_info_layout.h (the linker script zeroes boot_info up to tsc[])");

/*
 * The command line's span lists, outside .bss (they need no zeroing: the
 * counts in boot_info.options say what is valid).  Filled by the 32-bit
 * stage through their physical address like boot_info.
 */
static_assert(sizeof(CmdlineSpans) % 4 == 0);

} // namespace relboot

#endif
