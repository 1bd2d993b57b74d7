/*
 * BootInfo v2: relboot's public hand-off ABI.  What a hypervisor linked
 * with relboot (handoff.h) learns about the machine and about relboot,
 * whatever protocol brought relboot up.
 *
 * relboot writes it once, last, just before the hand-off, from its
 * private boot state; nothing relboot-private (its parsed options, its
 * timing stamps, its warnings) is in it.  The command line is passed as
 * the string the loader gave: a hypervisor parses its own options.
 *
 * Layout and rules (NOVA's HIP is the model):
 *   - Header: magic BOOT_INFO_MAGIC, version BOOT_INFO_VERSION, size (bytes
 *     of the structure as written), checksum (its 32-bit words sum to 0,
 *     mod 2^32: boot_info_valid()).
 *   - Every field has a fixed width and the absolute offset written beside
 *     it; the static_asserts below pin them, and both of relboot's
 *     compilers (i686 and x86-64) and the host tests check them.
 *   - Versions: fields are only ever appended; each appended field makes
 *     size grow and version go up.  A reader that needs a field checks
 *     size > its offset (boot_info_has()); a field is never moved, resized
 *     or given a new meaning.
 *   - Addresses are physical (PhysAddr, phys.h); 0 means absent.
 *   - Variable-length tables (memory map, modules, CPUs) live elsewhere in
 *     relboot's image, named by address and count.  An entry's size is
 *     fixed by this version (sizeof below); later versions may only add
 *     tables.
 *
 * Only the compiler's freestanding headers are used, so a hypervisor can
 * build against include/relboot alone (-nostdinc -isystem <gcc's include>).
 */
#ifndef RELBOOT_BOOT_INFO_H
#define RELBOOT_BOOT_INFO_H

#include <stddef.h>
#include <stdint.h>
#include <relboot/phys.h>

namespace relboot {

/* BootInfo.magic: "rboi" in memory. */
inline constexpr uint32_t BOOT_INFO_MAGIC = 0x696f6272;
/* The layout described here. */
inline constexpr uint16_t BOOT_INFO_VERSION = 2;
/* No version grows BootInfo past one 4 KiB page: a larger size is corruption, not a newer layout. */
inline constexpr uint32_t BOOT_INFO_SIZE_MAX = 4096;

/* How relboot was entered (BootInfo.protocol); loader_info's format follows from it. */
enum class BootProtocol : uint8_t {
    multiboot2 = 1,     /* Multiboot2 Specification 2.0: loader_info is the MBI (3.6) */
    multiboot1 = 2,     /* Multiboot Specification 0.6.96: loader_info is the multiboot_info (3.3) */
    pvh = 3,            /* Xen's PVH ABI: loader_info is the hvm_start_info (start_info.h) */
};

enum class BootFirmware : uint8_t {
    bios = 0,           /* no EFI system table was passed */
    efi = 1,            /* efi_system_table is set */
};

/* BootInfo.flags */
enum BootInfoFlag : uint32_t {
    BOOT_INFO_NX = 1u << 0,          /* EFER.NXE is set and relboot's data pages are execute-disable */
    BOOT_INFO_X2APIC = 1u << 1,      /* the local APICs run in x2APIC mode (IA32_APIC_BASE.EXTD) */
    BOOT_INFO_EFI_64 = 1u << 2,      /* efi_system_table has the x64 layout (else IA32) */
    BOOT_INFO_EFI_EXITED = 1u << 3,  /* relboot called ExitBootServices() itself (the EFI amd64 entry) */
};

/*
 * The type of a memory range.  1..5 are the ACPI address range types
 * (ACPI 6.5, 15.3 "E820 Assignments"); the others mark what relboot keeps
 * in use at the hand-off (handoff.h).
 */
enum class MemoryType : uint32_t {
    usable = 1,             /* RAM the hypervisor may use */
    reserved = 2,
    acpi_reclaimable = 3,   /* ACPI tables: usable once they are read */
    acpi_nvs = 4,
    bad = 5,
    relboot = 16,           /* relboot's image: code, data, BootInfo and its tables, stacks, page tables */
    boot_data = 17,         /* the loader's information structure (the command line and module strings) */
    module = 18,            /* a boot module */
};

/* One entry of the memory map (24 bytes, 8-aligned): sorted by base, no overlaps, size > 0. */
struct alignas(8) MemoryRange {
    PhysAddr base;          /* 0 */
    uint64_t size;          /* 8: bytes */
    MemoryType type;        /* 16 */
    uint32_t reserved;      /* 20: 0 */
};
static_assert(sizeof(MemoryRange) == 24);

/*
 * One boot module (32 bytes, 8-aligned): [start, end) and its string, in
 * the loader's order.  The string is the module's arguments: a multiboot1
 * loader's leading file name is already dropped.
 */
struct alignas(8) BootModule {
    PhysAddr start;         /* 0 */
    PhysAddr end;           /* 8: exclusive; >= start */
    PhysAddr string;        /* 16: NUL-terminated; 0 when there is none */
    uint32_t string_len;    /* 24: bytes before the NUL */
    uint32_t reserved;      /* 28: 0 */
};
static_assert(sizeof(BootModule) == 32);

/* BootCpu.flags */
enum BootCpuFlag : uint32_t {
    BOOT_CPU_ENABLED = 1u << 0,         /* the MADT marks it enabled */
    BOOT_CPU_ONLINE_CAPABLE = 1u << 1,  /* the MADT marks it online-capable: never started by relboot */
    BOOT_CPU_BSP = 1u << 2,             /* the CPU that runs relboot and enters the hypervisor */
    BOOT_CPU_STARTED = 1u << 3,         /* relboot sent it INIT-SIPI-SIPI */
    BOOT_CPU_ONLINE = 1u << 4,          /* running: the BSP, or an AP parked in relboot (handoff.h) */
};

/*
 * One CPU (32 bytes, 8-aligned), in the MADT's order.  A parked AP halts
 * and looks at its mailbox after each wake-up IPI: smp_call() (handoff.h)
 * is the way to use it.
 */
struct alignas(8) BootCpu {
    uint32_t apic_id;           /* 0: local APIC ID (the x2APIC ID in x2APIC mode) */
    uint32_t acpi_uid;          /* 4: ACPI processor UID from the MADT */
    uint32_t flags;             /* 8: BootCpuFlag bits */
    uint32_t reserved;          /* 12 */
    uint64_t mailbox;           /* 16: 0: keep waiting; else void (*)(uint32_t cpu) the AP calls */
    uint64_t checkin_tsc;       /* 24: the AP's TSC when it checked in; 0 for the BSP */
};
static_assert(sizeof(BootCpu) == 32);

struct alignas(8) BootInfo {
    /* Header. */
    uint32_t magic;                 /*   0: BOOT_INFO_MAGIC */
    uint16_t version;               /*   4: BOOT_INFO_VERSION */
    uint16_t reserved0;             /*   6: 0 */
    uint32_t size;                  /*   8: bytes of the structure as written (>= sizeof at its version) */
    uint32_t checksum;              /*  12: the 32-bit words of [0, size) sum to 0 */

    /* Where relboot is, and the paging it hands over (handoff.h). */
    PhysAddr load_base;             /*  16: the image's first byte */
    PhysAddr link_base;             /*  24: where it was linked (physical); mapped at IMAGE_VIRT_START */
    uint64_t image_size;            /*  32: bytes from load_base, page tables included; 4 KiB multiple */
    PhysAddr cr3;                   /*  40: the PML4 */
    uint64_t identity_limit;        /*  48: [0, identity_limit) is identity-mapped: 4 GiB unless mem= */

    /* What the loader and the firmware passed, and the tables relboot built. */
    PhysAddr cmdline;               /*  56: relboot's command line, NUL-terminated; 0 = none */
    PhysAddr memory_map;            /*  64: MemoryRange[memory_map_count] */
    PhysAddr modules;               /*  72: BootModule[module_count] */
    PhysAddr cpus;                  /*  80: BootCpu[cpu_count]; the BSP is cpus[bsp_index] */
    PhysAddr acpi_rsdp;             /*  88: the firmware's own RSDP (never a loader's copy); 0 = none */
    PhysAddr efi_system_table;      /*  96: EFI_SYSTEM_TABLE; 0 = BIOS */
    PhysAddr efi_mmap;              /* 104: EFI_MEMORY_DESCRIPTORs, the final map; 0 = none */
    PhysAddr bios;                  /* 112: BiosInfo (bios_info.h); 0 = no BIOS call was made */
    PhysAddr loader_info;           /* 120: the loader's structure (see BootProtocol) */
    uint64_t tsc_khz;               /* 128: the TSC's rate, kHz; 0 = not known */
    uint32_t cmdline_len;           /* 136: bytes before the command line's NUL */
    uint32_t memory_map_count;      /* 140 */
    uint32_t module_count;          /* 144 */
    uint32_t cpu_count;             /* 148: CPUs the MADT lists (enabled or online-capable), the BSP included */
    uint32_t efi_mmap_size;         /* 152: bytes of descriptors at efi_mmap */
    uint32_t efi_mmap_desc_size;    /* 156: bytes from one descriptor to the next (step by this, not sizeof) */
    uint32_t efi_mmap_desc_version; /* 160 */
    uint32_t loader_info_size;      /* 164: bytes of loader_info */
    uint32_t flags;                 /* 168: BootInfoFlag bits */
    uint32_t bsp_index;             /* 172: the boot CPU's entry in cpus */
    uint16_t console_port;          /* 176: I/O port of the 16550 relboot reported on; 0 = none */
    uint16_t console_divisor;       /* 178: its divisor latch (115200 / baud) */
    uint8_t console_lcr;            /* 180: its line control register (data bits, stop bits, parity) */
    BootProtocol protocol;          /* 181 */
    BootFirmware firmware;          /* 182 */
    uint8_t reserved1;              /* 183: 0 */
};

/* Version 2's offsets: append only (above). */
static_assert(offsetof(BootInfo, magic) == 0 && offsetof(BootInfo, version) == 4);
static_assert(offsetof(BootInfo, size) == 8 && offsetof(BootInfo, checksum) == 12);
static_assert(offsetof(BootInfo, load_base) == 16 && offsetof(BootInfo, link_base) == 24);
static_assert(offsetof(BootInfo, image_size) == 32 && offsetof(BootInfo, cr3) == 40);
static_assert(offsetof(BootInfo, identity_limit) == 48 && offsetof(BootInfo, cmdline) == 56);
static_assert(offsetof(BootInfo, memory_map) == 64 && offsetof(BootInfo, modules) == 72);
static_assert(offsetof(BootInfo, cpus) == 80 && offsetof(BootInfo, acpi_rsdp) == 88);
static_assert(offsetof(BootInfo, efi_system_table) == 96 && offsetof(BootInfo, efi_mmap) == 104);
static_assert(offsetof(BootInfo, bios) == 112 && offsetof(BootInfo, loader_info) == 120);
static_assert(offsetof(BootInfo, tsc_khz) == 128 && offsetof(BootInfo, cmdline_len) == 136);
static_assert(offsetof(BootInfo, memory_map_count) == 140 && offsetof(BootInfo, module_count) == 144);
static_assert(offsetof(BootInfo, cpu_count) == 148 && offsetof(BootInfo, efi_mmap_size) == 152);
static_assert(offsetof(BootInfo, efi_mmap_desc_size) == 156 && offsetof(BootInfo, efi_mmap_desc_version) == 160);
static_assert(offsetof(BootInfo, loader_info_size) == 164 && offsetof(BootInfo, flags) == 168);
static_assert(offsetof(BootInfo, bsp_index) == 172 && offsetof(BootInfo, console_port) == 176);
static_assert(offsetof(BootInfo, console_divisor) == 178 && offsetof(BootInfo, console_lcr) == 180);
static_assert(offsetof(BootInfo, protocol) == 181 && offsetof(BootInfo, firmware) == 182);
static_assert(sizeof(BootInfo) == 184 && alignof(BootInfo) == 8);

/* The 32-bit word sum of the size bytes at p (size a multiple of 4); BootInfo's checksum makes it 0. */
inline uint32_t boot_info_sum(const void* p, uint32_t size)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i + 4 <= size; i += 4) {
        uint32_t word;
        __builtin_memcpy(&word, static_cast<const uint8_t*>(p) + i, 4);
        sum += word;
    }
    return sum;
}

/*
 * Whether bi is a BootInfo this header can read: the magic, version 2 or
 * later, a size that covers version 2's fields, is a multiple of 4 and at
 * most BOOT_INFO_SIZE_MAX (checked before anything past version 2's
 * fields is read), and a checksum that holds.  A hypervisor should refuse
 * to start otherwise.
 */
inline bool boot_info_valid(const BootInfo& bi)
{
    return bi.magic == BOOT_INFO_MAGIC && bi.version >= BOOT_INFO_VERSION && bi.size >= sizeof(BootInfo) &&
           bi.size <= BOOT_INFO_SIZE_MAX && bi.size % 4 == 0 && boot_info_sum(&bi, bi.size) == 0;
}

/* Whether bi (already valid) holds the field at offset..offset + width: for fields appended after version 2. */
constexpr bool boot_info_has(const BootInfo& bi, uint32_t offset, uint32_t width)
{
    return offset + width <= bi.size;
}

} // namespace relboot

#endif
