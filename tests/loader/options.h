/*
 * The test loader's options: its multiboot1 command line (QEMU -append),
 *
 *   [<kernel path>] base=<hex>|top [defect=<name>] [madt=<type>:<id>:<flags>,...]
 *       [mmap-split=<count>:<size>[:holes]] [efi-mmap] [-- <relboot command line>]
 */
#ifndef TESTLOADER_OPTIONS_H
#define TESTLOADER_OPTIONS_H

#include <cstdint>

namespace testloader {

/* The one defect the MBI or the hand-over gets (defect=<name>; the names are in DEFECT_NAMES). */
enum class Defect : uint8_t {
    none,               /* well-formed: tags 21, 1, 2, 6, 4, end */
    no_tag21,           /* tag 21 left out */
    tag21_lie,          /* tag 21 says base + TAG21_LIE_DELTA */
    total_small,        /* total_size 8 */
    total_huge,         /* total_size 0x10000000 */
    tag_size_small,     /* the loader-name tag (2) has size 4 */
    tag_overrun,        /* the basic-meminfo tag (4) runs 8 bytes past total_size */
    no_end_tag,         /* no end tag; total_size covers the other tags */
    cmdline_no_nul,     /* the command-line tag (1) has no NUL within its size */
    mmap_entry_small,   /* memory map (6) with entry_size 16 (16-byte entries) */
    mmap_overrun,       /* memory map size 16 + n * 24 + 12 */
    module_range,       /* a module tag (3) with mod_start > mod_end */
    mbi_misaligned,     /* MBI at an address that is 4 mod 8 */
    mbi_overlap,        /* MBI inside the image's last bytes */
    bad_magic,          /* EAX = 0x2badb002 (multiboot1's) instead of 0x36d76289 */
    /* Entered through relboot's multiboot1 entry (image at its link address), with a multiboot1 MBI: */
    mb1_none,           /* well-formed: command line, memory map, no modules */
    mb1_cmdline_no_nul, /* cmdline points at 64 KiB without a NUL */
    mb1_mmap_size_small,/* the memory map's second entry has size 12 */
    mb1_mods_outside,   /* mods_count 2 at mods_addr 0xfffffff0: past 4 GiB */
    mb1_bad_magic,      /* EAX = 0x36d76289 instead of 0x2badb002 */
    /* Entered through relboot's PVH entry (XEN_ELFNOTE_PHYS32_ENTRY), with an hvm_start_info: */
    pvh_none,           /* well-formed: version 1, command line, memory map, no modules */
    pvh_memmap_outside, /* memmap_paddr 0xfffffff0: past 4 GiB */
    pvh_bad_magic,      /* hvm_start_info.magic 0x2badb002 */
    pvh_madt,           /* pvh-none plus rsdp_paddr: the loader's own ACPI tables, a MADT listing CPUs 0 and 1 */
    pvh_madt_checksum,  /* the same with the MADT's checksum off by one */
    pvh_madt_ghost,     /* pvh-madt plus an enabled local APIC 7 that no CPU has (-smp 2) */
    count,
};

/* defect=<name> spellings, indexed by Defect. */
inline constexpr const char* DEFECT_NAMES[] = {
    "none", "no-tag21", "tag21-lie", "total-small", "total-huge", "tag-size-small", "tag-overrun",
    "no-end-tag", "cmdline-no-nul", "mmap-entry-small", "mmap-overrun", "module-range",
    "mbi-misaligned", "mbi-overlap", "bad-magic",
    "mb1-none", "mb1-cmdline-no-nul", "mb1-mmap-size-small", "mb1-mods-outside", "mb1-bad-magic",
    "pvh-none", "pvh-memmap-outside", "pvh-bad-magic", "pvh-madt", "pvh-madt-checksum", "pvh-madt-ghost",
};

/* Whether the defect enters relboot through its multiboot1 entry, its PVH entry (else multiboot2). */
constexpr bool defect_is_mb1(Defect d) { return d >= Defect::mb1_none && d <= Defect::mb1_bad_magic; }
constexpr bool defect_is_pvh(Defect d) { return d >= Defect::pvh_none && d <= Defect::pvh_madt_ghost; }
static_assert(sizeof(DEFECT_NAMES) / sizeof(DEFECT_NAMES[0]) == uint32_t(Defect::count));

/* What tag21-lie adds to the real base in tag 21 (bytes). */
inline constexpr uint32_t TAG21_LIE_DELTA = 0x200000;
/* Longest relboot command line passed on (bytes, without the NUL). */
inline constexpr uint32_t CMDLINE_MAX = 1024;

/* The MADT's CPU entry types madt= may ask for (ACPI 6.5, 5.2.12, Table 5.21). */
inline constexpr uint8_t MADT_LOCAL_APIC = 0;       /* Processor Local APIC, 8 bytes, 8-bit APIC ID */
inline constexpr uint8_t MADT_LOCAL_X2APIC = 9;     /* Processor Local x2APIC, 16 bytes, 32-bit x2APIC ID */
/* Most CPU entries madt= may list. */
inline constexpr uint32_t MADT_CPUS_MAX = 16;

/* One CPU entry of the loader's MADT (madt=): its ACPI processor UID is its index in the list. */
struct MadtCpuEntry {
    uint8_t type;               /* MADT_LOCAL_APIC or MADT_LOCAL_X2APIC */
    uint32_t apic_id;           /* at most 0xff for MADT_LOCAL_APIC */
    uint32_t flags;             /* Local APIC Flags: bit 0 Enabled, bit 1 Online Capable (ACPI 6.5, Table 5.23) */
};

/* Most pieces mmap-split= may cut (memory_map.h, SPLIT_BASE). */
inline constexpr uint32_t SPLIT_MAX = 1600;

/* What the multiboot1 command line asked for. */
struct Args {
    bool base_top;              /* base=top: computed from the memory map */
    uint32_t base;              /* physical address of relboot's first byte, unless base_top */
    Defect defect;
    const char* cmdline;        /* relboot's command line (a copy, not NUL-terminated) */
    uint32_t cmdline_len;       /* its bytes */
    uint32_t madt_count;        /* madt=: entries in madt[]; 0: the defect's own (APIC IDs 0 and 1, and 7 for ghost) */
    MadtCpuEntry madt[MADT_CPUS_MAX];
    uint32_t split_count;       /* mmap-split=: pieces cut from the RAM at SPLIT_BASE (0: none) */
    uint32_t split_size;        /* bytes of each piece (4 KiB multiple, above 4 KiB) */
    bool split_holes;           /* each piece ends SPLIT_HOLE early: no two pieces merge */
    bool efi_mmap;              /* efi-mmap: the memory map as tag 17 (EFI descriptors), no tag 6 */
};

/*
 * Parses the multiboot1 command line s (NUL-terminated).  Its first
 * token is skipped when it holds no '=' and is not "--": QEMU, like
 * GRUB, puts the kernel's path first.  Tokens are separated by spaces,
 * tabs, CR or LF; the last base= or defect= wins; "--" ends the options
 * and the rest, less the one separator after it, is copied as relboot's
 * command line.  madt= lists the CPU entries of the loader's MADT (for
 * defect=pvh-madt, pvh-madt-checksum or pvh-madt-ghost, in place of their
 * own), comma-separated, each <type>:<apic id>:<flags> in hex, type 0 or
 * 9, at most MADT_CPUS_MAX.  mmap-split=<count>:<size>[:holes] (count
 * decimal, 1 to SPLIT_MAX; size hex, a 4 KiB multiple above 4 KiB) and
 * efi-mmap shape the multiboot2 memory map (mbi_build.h).  No base=, an
 * unknown token or value, a madt= without one of those defects,
 * mmap-split= or efi-mmap with a multiboot1 or PVH defect, or a relboot
 * command line longer than CMDLINE_MAX bytes: error and fail().
 */
Args parse_args(const char* s);

} // namespace testloader

#endif
