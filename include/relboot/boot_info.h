/*
 * BootInfo v1: what relboot knows when it hands off, whatever protocol
 * brought it up (handoff.h says what else holds at that point).
 *
 * One instance, boot_info, lives in the image's .bss.  It is filled in
 * two steps, in the order of the boot (docs/boot-flow.md):
 *   - the 32-bit stage: the load base, the protocol and its information
 *     structure, the command line and its parsed options, the CPU's NX,
 *     the identity-map limit and the TSC stamps: what long mode needs;
 *   - the 64-bit stage: the protocol's filler (boot_info_from_<protocol>(),
 *     one per protocol) adds the firmware kind, the modules, the memory
 *     map and what the firmware tables say; then the common code adds the
 *     ACPI RSDP, CR3, the link base, the BIOS calls' results (bios.h)
 *     and, last, the header.
 * After that nothing reads the loader's structures except through BootInfo.
 *
 * Layout: every field has a fixed width and the 8-byte fields come first,
 * so the i386 and the x86-64 compiler lay it out alike (both check the
 * static_asserts below).  Addresses are PhysAddr (phys.h): 64-bit, and 0
 * means absent.  The variable-length tables (memory map, modules) are
 * arrays elsewhere in the image, named by physical address and count, so
 * BootInfo itself stays small enough for the 32-bit stage to zero.
 */
#ifndef RELBOOT_BOOT_INFO_H
#define RELBOOT_BOOT_INFO_H

#include <cstddef>
#include <cstdint>
#include "cmdline/cmdline.h"
#include <relboot/phys.h>
#include "protocol/protocols.h"

namespace relboot {

/* BootInfo.magic ("rboi" in memory) and the version of this layout. */
inline constexpr uint32_t BOOT_INFO_MAGIC = 0x696f6272;
inline constexpr uint16_t BOOT_INFO_VERSION = 1;

/* How relboot was entered: one entry file and one filler per protocol. */
enum class Protocol : uint8_t {
    none = 0,
    multiboot2 = PROTOCOL_MULTIBOOT2,
    multiboot1 = PROTOCOL_MULTIBOOT1,
    pvh = PROTOCOL_PVH,
};

/* The protocol's name in the report ("relboot: loader=<name>"). */
constexpr const char* protocol_name(Protocol p)
{
    switch (p) {
    case Protocol::multiboot2: return "multiboot2";
    case Protocol::multiboot1: return "multiboot1";
    case Protocol::pvh: return "pvh";
    default: return "none";
    }
}

/*
 * Whether the protocol can say where the loader put the image (multiboot2:
 * tag 21).  Without such a word the base comes from EIP and that is no
 * cause for a warning; multiboot1 and PVH load at the link address.
 */
constexpr bool protocol_reports_base(Protocol p)
{
    return p == Protocol::multiboot2;
}

enum class Firmware : uint8_t {
    bios = 0,           /* no EFI system table was passed */
    efi = 1,            /* the loader passed an EFI system table (multiboot2 tag 11 or 12) */
};

/* Where load_base came from (boot-contract.md, "base ... source="). */
enum class BaseSource : uint8_t {
    loader = 0,         /* the loader said (multiboot2 tag 21) and EIP agrees */
    eip = 1,            /* the loader did not say, or said otherwise: EIP-derived */
};

/* Where acpi_rsdp was found (boot-contract.md, "acpi ... source="). */
enum class AcpiSource : uint8_t {
    none = 0,           /* not found: no guess is made */
    efi = 1,            /* the EFI configuration table (ACPI 2.0 GUID, else 1.0) */
    ebda = 2,           /* the first KiB of the EBDA (ACPI 6.5, 5.2.5.1) */
    bios_rom = 3,       /* 0xE0000..0xFFFFF (ACPI 6.5, 5.2.5.1) */
    pvh = 4,            /* the PVH start info's rsdp_paddr */
};

/*
 * The type of a memory range.  1..5 are the ACPI address range types
 * (ACPI 6.5, 15.3 "E820 Assignments", the same numbers as multiboot2's
 * memory map, 3.6.8); the others mark what relboot keeps in use at the
 * hand-off (handoff.h).
 */
enum class MemoryType : uint32_t {
    usable = 1,             /* RAM the hand-off target may use */
    reserved = 2,
    acpi_reclaimable = 3,   /* ACPI tables: usable once they are read */
    acpi_nvs = 4,
    bad = 5,
    relboot = 16,           /* relboot's image: code, data, BootInfo and its tables, stacks, page tables */
    boot_data = 17,         /* the loader's information structure (BootInfo's strings point into it) */
    module = 18,            /* a boot module */
};

/* One entry of BootInfo's memory map (24 bytes, 8-aligned). */
struct alignas(8) MemoryRange {
    PhysAddr base;
    uint64_t size;          /* bytes, > 0 */
    MemoryType type;
    uint32_t reserved;
};
static_assert(sizeof(MemoryRange) == 24);

/* One boot module (32 bytes, 8-aligned): [start, end) and its string. */
struct alignas(8) BootModule {
    PhysAddr start;
    PhysAddr end;           /* exclusive; >= start */
    PhysAddr string;        /* NUL-terminated; 0 when the loader gave none */
    uint32_t string_len;    /* bytes before the NUL */
    uint32_t reserved;
};
static_assert(sizeof(BootModule) == 32);

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
    boot_info_done,     /* 64-bit stage: BootInfo complete (filler, memory map, ACPI RSDP) */
    count,
};

/* Warnings recorded for the 64-bit stage to print (BootInfo.warnings). */
enum BootWarning : uint32_t {
    WARN_TAG21_MISSING  = 1u << 0,  /* the loader did not say where it put the image */
    WARN_TAG21_MISMATCH = 1u << 1,  /* the loader's base differs from the EIP-derived base */
    WARN_NO_NX          = 1u << 2,  /* CPU without execute-disable: NX bits dropped */
    WARN_MEM_RAISED     = 1u << 3,  /* mem= below the image or the MBI: raised to cover them */
    WARN_MMAP_TRUNCATED = 1u << 4,  /* more memory ranges than MEMORY_MAP_MAX: the rest dropped */
    WARN_MODULES_TRUNCATED = 1u << 5, /* more modules than MODULES_MAX: the rest dropped */
    WARN_EFI_UNREACHABLE = 1u << 6, /* the EFI system table lies beyond the identity map */
};

/* Capacities of the tables BootInfo points at (entries). */
inline constexpr uint32_t MEMORY_MAP_MAX = 256;
inline constexpr uint32_t MODULES_MAX = 64;

struct alignas(8) BootInfo {
    /* Header: valid (magic and version set) once the 64-bit stage has filled everything. */
    uint32_t magic;             /* BOOT_INFO_MAGIC */
    uint16_t version;           /* BOOT_INFO_VERSION */
    uint16_t size;              /* sizeof(BootInfo), bytes */

    /* Where relboot is. */
    PhysAddr load_base;         /* the image's first byte (EIP-derived) */
    PhysAddr link_base;         /* the physical link address (LINK_BASE) */
    PhysAddr loader_base;       /* where the loader said it put the image (tag 21); 0 = not said (or cannot be) */
    uint64_t image_size;        /* bytes from load_base, page tables included; 4 KiB multiple */

    /* What the loader passed. */
    PhysAddr info;              /* its information structure (multiboot2 or multiboot1 MBI, hvm_start_info) */
    PhysAddr cmdline;           /* relboot's command line, NUL-terminated; 0 = none */
    PhysAddr memory_map;        /* MemoryRange[memory_map_count]: sorted by base, no overlaps */
    PhysAddr modules;           /* BootModule[module_count], in the loader's order */
    PhysAddr acpi_rsdp;         /* the firmware's own RSDP (never a copy in the MBI); 0 = none */
    PhysAddr acpi_rsdp_copy;    /* the loader's copy of it (tag 15, else 14), used to find it; 0 = none */
    PhysAddr efi_system_table;  /* EFI_SYSTEM_TABLE (tag 12, or 11 for 32-bit EFI); 0 = BIOS */
    PhysAddr efi_mmap;          /* EFI_MEMORY_DESCRIPTORs: the final map relboot got (entry_efi64), else tag 17; 0 = none */

    /* The paging relboot hands over (handoff.h). */
    PhysAddr cr3;               /* the PML4 (physical) */
    uint64_t identity_limit;    /* [0, identity_limit) is identity-mapped: 4 GiB unless mem= */

    alignas(8) uint64_t tsc[uint32_t(TscStamp::count)];   /* by TscStamp */
    Options options;            /* relboot's parsed command line */

    uint32_t info_size;         /* bytes of the information structure */
    uint32_t cmdline_len;       /* bytes before the command line's NUL (the tag may hold an earlier NUL) */
    uint32_t memory_map_count;
    uint32_t module_count;
    uint32_t acpi_rsdp_copy_len;   /* bytes of the copy: 20 (ACPI 1.0) or up to 36 */
    uint32_t efi_mmap_size;     /* bytes of descriptors at efi_mmap */
    uint32_t efi_mmap_desc_size;   /* bytes from one descriptor to the next (not sizeof: step by this) */
    uint32_t efi_mmap_desc_version;
    uint32_t warnings;          /* BootWarning bits */
    Protocol protocol;
    Firmware firmware;
    BaseSource base_source;
    AcpiSource acpi_source;
    uint8_t nx;                 /* 1 when EFER.NXE is set and the XD bits kept */
    uint8_t efi_64;             /* 1: efi_system_table has the x64 layout; 0: IA32 (tag 11) */
    uint8_t entry_efi64;        /* 1: entered at the multiboot2 EFI amd64 entry (tag 9), which exited boot services */
    uint8_t reserved;

    /* Appended: the real-mode BIOS calls' results (bios.h). */
    PhysAddr bios;              /* struct BiosInfo (bios_info.h); 0 = no BIOS call was made */

    /* The CPUs (smp.cpp; appended to v1, handoff.h says how the APs wait). */
    PhysAddr cpus;              /* BootCpu[cpu_count], in the MADT's order; the BSP is one of them */
    PhysAddr trampoline;        /* the page the APs started from; 0 = none (free again at the hand-off) */
    uint64_t tsc_khz;           /* the TSC's rate measured against the PIT; 0 = not measured */
    uint32_t cpu_count;         /* entries at cpus: enabled or online-capable in the MADT, BSP included */
    uint32_t cpu_online;        /* CPUs with BOOT_CPU_ONLINE (the BSP included) */
    uint32_t cpu_enabled;       /* CPUs the MADT marks enabled (1 without a usable MADT) */
    uint32_t bringup_us;        /* first INIT to the last AP's check-in, microseconds; 0 = none started */
    uint8_t x2apic;             /* 1: the local APICs run in x2APIC mode (IA32_APIC_BASE.EXTD) */
    uint8_t reserved3[7];
};

/* The 32-bit and the 64-bit compiler must agree on every offset: both check these. */
static_assert(alignof(BootInfo) == 8 && sizeof(Options) % 8 == 0);
static_assert(offsetof(BootInfo, load_base) == 8 && offsetof(BootInfo, cr3) == 104);
static_assert(offsetof(BootInfo, tsc) == 120 && offsetof(BootInfo, options) == 176);
static_assert(offsetof(BootInfo, info_size) == 176 + sizeof(Options));
static_assert(offsetof(BootInfo, bios) == 176 + sizeof(Options) + 48);
static_assert(offsetof(BootInfo, cpus) == 176 + sizeof(Options) + 56);
static_assert(sizeof(BootInfo) == 176 + sizeof(Options) + 56 + 48);

/* BootCpu.flags */
enum BootCpuFlag : uint32_t {
    BOOT_CPU_ENABLED = 1u << 0,         /* the MADT marks it enabled (MADT_CPU_ENABLED) */
    BOOT_CPU_ONLINE_CAPABLE = 1u << 1,  /* the MADT marks it online-capable: never started by relboot */
    BOOT_CPU_BSP = 1u << 2,             /* the CPU that runs relboot */
    BOOT_CPU_STARTED = 1u << 3,         /* relboot sent it INIT-SIPI-SIPI */
    BOOT_CPU_ONLINE = 1u << 4,          /* running: the BSP, or an AP that checked in (handoff.h) */
};

/*
 * One CPU (32 bytes, 8-aligned).  A parked AP halts and looks at its
 * mailbox after each wake-up IPI (handoff.h, smp_call()): written with an
 * entry address, the AP calls it.
 */
struct alignas(8) BootCpu {
    uint32_t apic_id;           /* local APIC ID (x2APIC ID in x2APIC mode) */
    uint32_t acpi_uid;          /* ACPI processor UID from the MADT */
    uint32_t flags;             /* BootCpuFlag bits */
    uint32_t reserved;
    uint64_t mailbox;           /* 0: keep waiting; else void (*)(uint32_t cpu) the AP calls (cpu: its index here) */
    uint64_t checkin_tsc;       /* the AP's TSC when it checked in; 0 for the BSP */
};
static_assert(sizeof(BootCpu) == 32);

/* Capacity of BootInfo's CPU table (entries): more MADT CPUs are not started (a warning says so). */
inline constexpr uint32_t CPUS_MAX = 64;

/*
 * The tables BootInfo points at, in the image (BootInfo.memory_map and
 * .modules hold their physical addresses).  Not zeroed at entry: the
 * counts in BootInfo say what is valid.  raw[] is the filler's scratch:
 * the firmware's ranges as given, before sorting and merging.
 */
struct BootTables {
    MemoryRange memory_map[MEMORY_MAP_MAX];
    MemoryRange raw[MEMORY_MAP_MAX];
    BootModule modules[MODULES_MAX];
    BootCpu cpus[CPUS_MAX];
};

/*
 * The command line's span lists, outside .bss (they need no zeroing: the
 * counts in boot_info.options say what is valid).  Filled by the 32-bit
 * stage through their physical address like boot_info.
 */
static_assert(sizeof(CmdlineSpans) % 4 == 0);

} // namespace relboot

#endif
