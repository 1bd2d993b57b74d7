/*
 * BootState: what relboot's boot steps pass each other, from the 32-bit
 * entry to the hand-off.  Private: the hypervisor gets the public
 * BootInfo (include/relboot/boot_info.h), which handoff/boot_info.cpp
 * writes from this once, last.
 *
 * One instance, boot_state, lives in the image's .bss.  It is filled in
 * the order of the boot (docs/boot-flow.md):
 *   - the 32-bit stage: the load base, the protocol and its information
 *     structure (the protocol's early step, protocol/protocols.def), the
 *     command line and its parsed options, the CPU's NX, the identity-map
 *     limit and the TSC stamps: what long mode needs;
 *   - the 64-bit stage: the protocol's filler (protocols.def's filler
 *     column, one per protocol) adds the firmware kind, the modules, the memory
 *     map and what the firmware tables say; then the common code adds the
 *     ACPI RSDP, CR3, the link base, the BIOS calls' results (bios.h) and
 *     the CPUs (smp.h).
 * After the filler nothing reads the loader's structures except through
 * BootState.
 *
 * Layout: every field has a fixed width and the 8-byte fields come first,
 * so the i386 and the x86-64 compiler lay it out alike (both check
 * BOOT_STATE_SIZE).  Addresses are PhysAddr (phys.h): 64-bit, and 0 means
 * absent.  The variable-length tables (memory map, modules, CPUs) are
 * arrays elsewhere in the image (BootTables), named by physical address
 * and count, so BootState itself stays small enough for the 32-bit stage
 * to zero.
 */
#ifndef RELBOOT_BOOT_STATE_H
#define RELBOOT_BOOT_STATE_H

#include <cstddef>
#include <cstdint>
#include <relboot/boot_info.h>
#include <relboot/phys.h>
#include "cmdline/cmdline.h"
#include "protocol/protocols.h"

namespace relboot {

/* Where load_base came from (docs/report.md, "base ... source="). */
enum class BaseSource : uint8_t {
    loader = 0,         /* the loader said (multiboot2 tag 21) and EIP agrees */
    eip = 1,            /* the loader did not say, or said otherwise: EIP-derived */
};

/* Where acpi_rsdp was found (docs/report.md, "acpi ... source="). */
enum class AcpiSource : uint8_t {
    none = 0,           /* not found: no guess is made */
    efi = 1,            /* the EFI configuration table (ACPI 2.0 GUID, else 1.0) */
    ebda = 2,           /* the first KiB of the EBDA (ACPI 6.5, 5.2.5.1) */
    bios_rom = 3,       /* 0xE0000..0xFFFFF (ACPI 6.5, 5.2.5.1) */
    pvh = 4,            /* the PVH start info's rsdp_paddr */
};

/*
 * TSC stamps at the boundaries of the boot phases (make bench).  Each
 * phase runs from its stamp to the next one's.
 */
enum class TscStamp : uint32_t {
    entry = 0,          /* first instructions of relboot_entry32 */
    early_done,         /* 32-bit C++ stage entered: base found, GDT, IDT, stack, .bss done */
    mbi_done,           /* the protocol's early step: its information structure checked */
    cmdline_done,       /* command line parsed */
    paging_done,        /* page tables fixed up; then the long-mode switch */
    handoff,            /* first instruction of the 64-bit stage (relboot_entry64) */
    boot_info_done,     /* 64-bit stage: BootState complete (filler, memory map, ACPI RSDP) */
    count,
};

/* Warnings recorded for the 64-bit stage to print (BootState.warnings). */
enum BootWarning : uint32_t {
    WARN_TAG21_MISSING  = 1u << 0,  /* the loader did not say where it put the image */
    WARN_TAG21_MISMATCH = 1u << 1,  /* the loader's base differs from the EIP-derived base */
    WARN_NO_NX          = 1u << 2,  /* CPU without execute-disable: NX bits dropped */
    WARN_MEM_RAISED     = 1u << 3,  /* mem= below the image or the MBI: raised to cover them */
    WARN_MMAP_TRUNCATED = 1u << 4,  /* more merged memory ranges than MEMORY_MAP_MAX: memory_map_dropped
                                       of them dropped, from memory_map_cut up */
    WARN_MODULES_TRUNCATED = 1u << 5, /* more modules than MODULES_MAX: the last modules_dropped dropped */
    WARN_EFI_UNREACHABLE = 1u << 6, /* the EFI system table lies beyond the identity map */
};

/*
 * Capacities of the tables BootState points at (entries).  The memory map
 * counts ranges after merging (memory_map.h): a loader's map of any
 * length is read whole and merged as it comes, so in ascending order only
 * more than MEMORY_MAP_MAX distinct ranges reach the cap (servers' EFI
 * maps have 300 to 700 descriptors, most of which merge).  24 bytes each:
 * 24 KiB in .boot_tables.
 */
inline constexpr uint32_t MEMORY_MAP_MAX = 1024;
inline constexpr uint32_t MODULES_MAX = 64;

/*
 * Where the multiboot2 tags the filler reads lie in the MBI: recorded by
 * the one checked walk of the MBI (mbi_scan(), protocol/mbi.h) in the
 * 32-bit stage, so that the 64-bit filler reads them without walking
 * again.  Byte offsets from the MBI's first byte; 0 = no such tag (offset
 * 0 is the fixed part, never a tag).  Multiboot2 Specification 2.0, 3.6.
 */
struct MbiIndex {
    uint32_t load_base_addr;    /* the first tag 21 (3.6.23) */
    uint32_t cmdline;           /* the first tag 1 (3.6.5) */
    uint32_t mmap;              /* the first tag 6 (3.6.8) */
    uint32_t efi32;             /* the first tag 11 (3.6.13) */
    uint32_t efi64;             /* the first tag 12 (3.6.14) */
    uint32_t acpi_old;          /* the first tag 14 that holds a copy (size > 8) (3.6.16) */
    uint32_t acpi_new;          /* the first such tag 15 (3.6.17) */
    uint32_t efi_mmap;          /* the first tag 17 (3.6.19) */
    uint32_t module_count;      /* every tag 3 (3.6.6), also those past MODULES_MAX */
    uint32_t reserved;
    uint32_t modules[MODULES_MAX];  /* the first MODULES_MAX tags 3, in the MBI's order */
};
static_assert(sizeof(MbiIndex) % 8 == 0);

struct alignas(8) BootState {
    /* Where relboot is (32-bit stage), and the paging it hands over (handoff.h). */
    PhysAddr load_base;         /* the image's first byte (EIP-derived) */
    PhysAddr link_base;         /* the physical link address (LINK_BASE) */
    PhysAddr loader_base;       /* where the loader said it put the image (tag 21); 0 = not said (or cannot be) */
    uint64_t image_size;        /* bytes from load_base, page tables included; 4 KiB multiple */
    PhysAddr cr3;               /* the PML4 (physical) */
    uint64_t identity_limit;    /* [0, identity_limit) is identity-mapped: 4 GiB unless mem= */

    /* What the loader passed (the protocol's early step, then its filler). */
    PhysAddr info;              /* its information structure (multiboot2 or multiboot1 MBI, hvm_start_info) */
    PhysAddr cmdline;           /* relboot's command line, NUL-terminated; 0 = none */
    PhysAddr memory_map;        /* MemoryRange[memory_map_count]: sorted by base, no overlaps */
    uint64_t memory_map_cut;    /* WARN_MMAP_TRUNCATED: the lowest address dropped (nothing from it up is in the map) */
    PhysAddr modules;           /* BootModule[module_count], in the loader's order */
    PhysAddr acpi_rsdp;         /* the firmware's own RSDP (never a copy in the MBI); 0 = none */
    PhysAddr acpi_rsdp_copy;    /* the loader's copy of it (tag 15, else 14), used to find it; 0 = none */
    PhysAddr efi_system_table;  /* EFI_SYSTEM_TABLE (tag 12, or 11 for 32-bit EFI); 0 = BIOS */
    PhysAddr efi_mmap;          /* EFI_MEMORY_DESCRIPTORs: the final map relboot got (entry_efi64), else tag 17; 0 = none */
    PhysAddr passthrough;       /* the command line's text after "--", raw (docs/cmdline.md); 0 = no "--" */

    /* What the 64-bit stage's steps found. */
    PhysAddr bios;              /* struct BiosInfo (bios_info.h); 0 = no BIOS call was made */
    PhysAddr cpus;              /* BootCpu[cpu_count], in the MADT's order; the BSP is one of them */
    PhysAddr trampoline;        /* the page the APs started from; 0 = none (free again at the hand-off) */
    uint64_t tsc_khz;           /* the TSC's rate measured against the PIT; 0 = not measured */

    uint64_t tsc[uint32_t(TscStamp::count)];   /* by TscStamp */
    Options options;            /* relboot's parsed command line */
    MbiIndex mbi;               /* multiboot2 only: the MBI's tags, as the early step's walk found them */

    uint32_t info_size;         /* bytes of the information structure */
    uint32_t cmdline_len;       /* bytes before the command line's NUL (the tag may hold an earlier NUL) */
    uint32_t passthrough_len;   /* bytes at passthrough (not NUL-terminated: it ends where the command line does) */
    uint32_t memory_map_count;
    uint32_t memory_map_dropped;   /* WARN_MMAP_TRUNCATED: ranges dropped, as MemoryMapBuilder.dropped counts them */
    uint32_t module_count;
    uint32_t modules_dropped;   /* WARN_MODULES_TRUNCATED: modules past the first MODULES_MAX, not in the table */
    uint32_t reserved;
    uint32_t acpi_rsdp_copy_len;   /* bytes of the copy: 20 (ACPI 1.0) or up to 36 */
    uint32_t efi_mmap_size;     /* bytes of descriptors at efi_mmap */
    uint32_t efi_mmap_desc_size;   /* bytes from one descriptor to the next (not sizeof: step by this) */
    uint32_t efi_mmap_desc_version;
    uint32_t warnings;          /* BootWarning bits */
    uint32_t cpu_count;         /* entries at cpus: enabled or online-capable in the MADT, BSP included */
    uint32_t cpu_online;        /* CPUs with BOOT_CPU_ONLINE (the BSP included) */
    uint32_t cpu_enabled;       /* CPUs the MADT marks enabled (1 without a usable MADT) */
    uint32_t bsp_index;         /* the boot CPU's entry in cpus */
    uint32_t bringup_us;        /* first INIT to the last AP's check-in, microseconds; 0 = none started */
    Protocol protocol;
    BootFirmware firmware;
    BaseSource base_source;
    AcpiSource acpi_source;
    uint8_t nx;                 /* 1 when EFER.NXE is set and the XD bits kept */
    uint8_t efi_64;             /* 1: efi_system_table has the x64 layout; 0: IA32 (tag 11) */
    uint8_t entry_efi64;        /* 1: entered at the multiboot2 EFI amd64 entry (tag 9), which exited boot services */
    uint8_t x2apic;             /* 1: the local APICs run in x2APIC mode (IA32_APIC_BASE.EXTD) */
};

/*
 * The 32-bit and the 64-bit compiler must lay BootState out alike: both
 * stages include this header and check the size (8-byte fields first,
 * then the 32-bit ones, then the bytes, so no padding depends on the ABI).
 */
inline constexpr uint32_t BOOT_STATE_SIZE =
    20 * 8 + uint32_t(TscStamp::count) * 8 + sizeof(Options) + sizeof(MbiIndex) + 18 * 4 + 8;
static_assert(alignof(BootState) == 8 && sizeof(Options) % 8 == 0);
static_assert(sizeof(BootState) == BOOT_STATE_SIZE);
static_assert(offsetof(BootState, options) == 20 * 8 + uint32_t(TscStamp::count) * 8);

/* Capacity of the CPU table (entries): more MADT CPUs are not started (a warning says so). */
inline constexpr uint32_t CPUS_MAX = 64;     /* = layout.h's CPU_SLOTS (stage64/cpu_local.cpp checks) */

/*
 * The tables BootState points at, in the image (BootState.memory_map,
 * .modules and .cpus hold their physical addresses); the public BootInfo
 * points at the same tables.  Not zeroed at entry: the
 * counts in BootState say what is valid.  The filler builds memory_map[]
 * in place as the loader's ranges come (MemoryMapBuilder, memory_map.h).
 */
struct BootTables {
    MemoryRange memory_map[MEMORY_MAP_MAX];
    BootModule modules[MODULES_MAX];
    BootCpu cpus[CPUS_MAX];
};

/* The command line's span lists (cmdline.h): in .noinit, filled by the 32-bit stage through their address. */
static_assert(sizeof(CmdlineSpans) % 4 == 0);

} // namespace relboot

#endif
