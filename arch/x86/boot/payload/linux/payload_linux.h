/*
 * Launching a Linux bzImage (the "linux" hand-off target): the pure
 * parts, which the 64-bit stage runs and the host tests and the fuzzer
 * run on bytes.  In the order of the launch, and "decide everything, then
 * act": linux_parse() reads the setup header, linux_plan() places the
 * kernel and the initrd (the zero page and the command line are buffers
 * in relboot's image), and only then does the caller act: it writes the
 * zero page (linux_fill_boot_params()), moves the initrd, then copies the
 * kernel, each with memmove.  Documentation/arch/x86/boot.rst;
 * include/relboot/spec/linux.h.
 *
 * A refusal is a BootError (lib/error.h) with subject "payload", the
 * header field or the property at fault, the value found and what was
 * expected: the one line "relboot: error: payload <field>: <found>,
 * expected <expected>[; <limit_name> = <limit>]".
 */
#ifndef RELBOOT_PAYLOAD_LINUX_H
#define RELBOOT_PAYLOAD_LINUX_H

#include <cstdint>
#include <relboot/bios_info.h>
#include "boot_state.h"
#include "lib/error.h"
#include <relboot/spec/linux.h>

namespace relboot {

/*
 * Oldest boot protocol relboot launches: 2.12, the first with xloadflags,
 * whose XLF_KERNEL_64 says whether the 64-bit entry exists (before 2.12
 * the bytes at 0x236 were padding).  cmdline_size (2.06), init_size,
 * pref_address and min_alignment (2.10) are then all present.
 */
inline constexpr uint16_t LINUX_MIN_PROTOCOL = 0x020c;

/* BootError.subject of every refusal of the Linux payload. */
inline constexpr const char* LINUX_ERROR_SUBJECT = "payload";

/* What linux_parse() reads from a bzImage. */
struct LinuxImage {
    linuxboot::setup_header hdr;     /* as in the file (0x1f1 .. 0x26c; fields past the header's end zero) */
    uint32_t header_end;        /* 0x202 + byte[0x201]: copy [0x1f1, header_end) into boot_params */
    uint32_t setup_size;        /* (setup_sects, 0 meaning 4, + 1) * 512: where the pm code starts */
    uint64_t pm_size;           /* bytes of protected-mode code: file size - setup_size */
    uint32_t version_offset;    /* offset of the kernel_version string in the file; 0 when absent */
    uint32_t version_len;       /* its length (bytes before NUL, at most 127) */
};

/*
 * Whether the size bytes at p look like a bzImage: boot_flag 0xAA55 at
 * 0x1fe and "HdrS" at 0x202 (payload=auto's test).  Reads nothing beyond
 * size.
 */
bool linux_is_bzimage(const uint8_t* p, uint64_t size);

/*
 * Reads and checks the setup header of the bzImage at p (size bytes).
 * Refuses, in this order: a file too short to hold "HdrS" (0x206 bytes,
 * field "size"), boot_flag or "HdrS" wrong ("boot_flag", "header"), a
 * header end past 0x290 ("jump"), a file shorter than the header's end
 * ("size"), protocol below LINUX_MIN_PROTOCOL ("version"), no 64-bit
 * entry ("xloadflags": XLF_KERNEL_64), LOADED_HIGH clear ("loadflags"),
 * kernel_alignment not a power of two or 1 << min_alignment above it
 * ("kernel_alignment", "min_alignment"), init_size of 0 ("init_size"), a
 * file not longer than setup_size + ENTRY64_OFFSET, so without the 64-bit
 * entry's bytes ("size"), a file shorter than setup_size + syssize * 16,
 * i.e. cut off ("size").  Sizes are decimal in the error, the rest hex.
 * *out is all zero unless it accepts.  Reads nothing beyond size.
 */
BootError linux_parse(const uint8_t* p, uint64_t size, LinuxImage* out);

/*
 * What linux_plan() needs to know (all addresses physical, ranges [base,
 * base + size)).  The zero page and the command line are the caller's
 * buffers inside relboot's image, so the plan does not place them.
 */
struct LinuxPlanInput {
    const MemoryRange* memory_map;  /* BootState's: sorted, no overlaps */
    uint32_t memory_map_count;
    PhysRange image;                /* relboot's image (in use until the jump, and after: page tables, GDT) */
    PhysRange kernel_module;        /* module 0: the bzImage as GRUB put it (at least setup_size + pm_size bytes) */
    PhysRange initrd;               /* module 1, size 0 when there is none */
    uint64_t identity_limit;        /* everything the kernel touches must lie below it */
    uint32_t cmdline_len;           /* bytes of the composed command line, without the NUL */
    /*
     * The end of the memory the kernel can reach, 0 when it reaches all
     * of it (native).  An SVM or VMX guest reaches only what the nested
     * page table or EPT maps (guest_map_limit()): nothing is placed at or
     * above it, and the e820 table marks every range there reserved.
     */
    uint64_t memory_limit;
};

/* Where everything goes (decided, nothing moved yet). */
struct LinuxPlan {
    uint64_t pm_src;            /* protected-mode code in module 0: kernel_module.base + setup_size */
    uint64_t kernel;            /* its destination: the load address (== pm_src when no copy) */
    uint64_t copied;            /* bytes moved for the kernel: pm_size, or 0 */
    uint64_t entry;             /* kernel + ENTRY64_OFFSET */
    uint64_t runtime;           /* where it runs: [runtime, runtime + init_size) kept free; == kernel if relocatable */
    uint64_t initrd_src;        /* module 1 as GRUB put it */
    uint64_t initrd;            /* the initrd's final address (== initrd_src when it stays) */
    uint64_t initrd_size;
    /*
     * The memory view the kernel gets (linux_fill_boot_params()): the
     * memory map with every range at or above memory_limit reserved (0:
     * none), and the bytes of RAM that this withholds.
     */
    uint64_t memory_limit;
    uint64_t ram_withheld;
    bool relocatable;
};

/*
 * Places the kernel (boot.rst "Loading The Rest of The Kernel", and the
 * 64-bit protocol).  "init_size" below means max(init_size, pm_size):
 * the pm code must fit where it is copied as well.
 *   - relocatable: an address is acceptable when it is a multiple of
 *     1 << min_alignment, at or above pref_address (the decompressor
 *     never runs below LOAD_PHYSICAL_ADDR), with [address, +init_size)
 *     free.  The kernel stays where module 0 has its pm code when that
 *     is acceptable (copied = 0); else it runs from pref_address when
 *     that is acceptable, else from the lowest address >= pref_address
 *     aligned to kernel_alignment, then to each smaller power of two
 *     down to 1 << min_alignment; the pm code is copied there
 *     (kernel == runtime);
 *   - not relocatable: the pm code goes to 0x100000 (code32_start's
 *     default) and the kernel runs at pref_address: both
 *     [0x100000, +init_size) and [pref_address, +init_size) must be free
 *     (copied = 0 only if module 0 has its pm code at 0x100000).
 * "Free" is RAM: usable, a module range (module 0's own bytes, which
 * the copy may overwrite: the caller moves them with memmove; modules
 * other than module 0 and the initrd, which Linux is not given), or the
 * loader's information structure (boot_data: the caller has copied what
 * it needs from it before anything moves); below identity_limit, and
 * below 4 GiB unless XLF_CAN_BE_LOADED_ABOVE_4G; away from relboot's
 * image and from the initrd's final range.
 * The initrd stays where it is unless it ends above initrd_addr_max
 * (end - 1 > initrd_addr_max, and XLF_CAN_BE_LOADED_ABOVE_4G does not
 * allow it), ends above memory_limit (when set) or lies in the kernel's
 * ranges.  A relocatable kernel avoids
 * an initrd that may stay, and takes its place (moving it) only when it
 * fits nowhere else.  A moved initrd goes to the highest free,
 * 4 KiB-aligned place below min(initrd_addr_max + 1, identity_limit,
 * 4 GiB), away from the kernel's ranges and module 0's bytes (the
 * initrd is moved first, then the kernel is copied; it may overlap its
 * own old bytes: memmove).
 * The caller writes the zero page (which reads module 0's setup bytes)
 * before it copies the kernel, whose destination may cover them.
 * The plan carries the memory view: memory_limit as given, and the RAM
 * at or above it (ram_withheld).
 * Errors (subject "payload"): "cmdline_size" (found = cmdline_len,
 * decimal; limit cmdline_size), "size" (module 0 shorter than the parsed
 * file), "kernel" (module 0 not below identity_limit, found = its base;
 * or no acceptable place, found = init_size, decimal), "initrd" (not
 * below identity_limit, found = its base; or nowhere to move it, found =
 * its size, decimal; limit initrd_addr_max).  *out is all zero unless it
 * succeeds.
 */
BootError linux_plan(const LinuxImage& image, const LinuxPlanInput& in, LinuxPlan* out);

/* What goes into the zero page besides the image's header. */
struct LinuxBootParamsInput {
    uint64_t cmd_line_ptr;          /* the composed command line (NUL-terminated) */
    uint64_t ramdisk_image;         /* 0 when there is no initrd */
    uint64_t ramdisk_size;
    uint64_t acpi_rsdp_addr;        /* BootState.acpi_rsdp; 0 lets the kernel search */
    const MemoryRange* memory_map;  /* BootState's, as linux_plan() got it; the plan's memory_limit applies */
    uint32_t memory_map_count;
    /* EFI, when efi_systab != 0: efi_info gets "EL64" and these. */
    uint64_t efi_systab;
    uint64_t efi_memmap;
    uint32_t efi_memmap_size;
    uint32_t efi_memdesc_size;
    uint32_t efi_memdesc_version;
    /* The real-mode BIOS calls' results (BootState.bios); nullptr when none were made. */
    const BiosInfo* bios;
    /*
     * Where the e820 entries past the zero page's 128 go: one
     * SETUP_E820_EXT node (LinuxE820Ext's layout) of at most e820_ext_max
     * entries at e820_ext, whose physical address is e820_ext_phys;
     * nullptr (or e820_ext_max 0): nowhere, they are dropped.
     */
    uint8_t* e820_ext;
    uint64_t e820_ext_phys;
    uint32_t e820_ext_max;
};

/*
 * The SETUP_E820_EXT node (boot.rst, "setup_data"; bootparam.h): the
 * e820 entries past the zero page's E820_MAX_ENTRIES_ZEROPAGE (128), as
 * one struct setup_data of type SETUP_E820_EXT whose len bytes of data
 * are boot_e820_entry[len / 20], linked from setup_header.setup_data.
 * The kernel appends them to the zero page's table and sanitises the
 * whole (e820__memory_setup_extended(), called from parse_setup_data(),
 * prints it as "extended:" lines).  LINUX_E820_EXT_MAX entries hold every
 * e820 entry a full memory map can need beyond the 128: MEMORY_MAP_MAX
 * ranges, one of them split at memory_limit.  Packed, no alignment
 * needed (the kernel maps the node with early_memremap()); relboot puts
 * it 8-byte aligned.
 */
inline constexpr uint32_t LINUX_E820_EXT_MAX = MEMORY_MAP_MAX + 1 - linuxboot::E820_MAX_ENTRIES_ZEROPAGE;
struct [[gnu::packed]] LinuxE820Ext {
    linuxboot::setup_data header;                       /* next 0, type SETUP_E820_EXT, len 20 * entries */
    linuxboot::boot_e820_entry entries[LINUX_E820_EXT_MAX];
};
static_assert(sizeof(LinuxE820Ext) == 16 + 20 * LINUX_E820_EXT_MAX);

/*
 * How the e820 table (linux_e820_from_memory_map() of the map with
 * memory_limit) splits, decided before anything moves: the entries it
 * needs (total), those in the zero page (at most 128) and in the
 * SETUP_E820_EXT node (at most ext_max), and those neither holds
 * (dropped, the highest; dropped_from is the base of the lowest of them,
 * 0 when none is).
 */
struct LinuxE820Split {
    uint32_t total;
    uint32_t zero_page;
    uint32_t ext;
    uint32_t dropped;
    uint64_t dropped_from;
};
LinuxE820Split linux_e820_split(const MemoryRange* map, uint32_t count, uint64_t memory_limit, uint32_t ext_max);

/*
 * Converts BootState's memory map to e820 entries (at most max): usable,
 * module and boot_data E820_TYPE_RAM (nothing reads the modules and the
 * loader's structure once the kernel runs), acpi_reclaimable
 * E820_TYPE_ACPI, acpi_nvs E820_TYPE_NVS, bad E820_TYPE_UNUSABLE,
 * relboot's image and any other type (e.g. GRUB's 20 for EFI runtime
 * code) E820_TYPE_RESERVED.  With memory_limit nonzero, every range (or
 * the part of it) at or above memory_limit becomes E820_TYPE_RESERVED.
 * Entries of one type that touch, after the conversion, merged.  Returns
 * the count; more than max entries needed: the rest dropped and
 * *truncated set (else cleared).
 */
uint32_t linux_e820_from_memory_map(const MemoryRange* map, uint32_t count, uint64_t memory_limit,
                                    linuxboot::boot_e820_entry* out, uint32_t max, bool* truncated);

/*
 * Writes the zero page bp: all zero, then the image's setup header
 * [0x1f1, header_end) from the file bytes at image (the header may be
 * longer than struct setup_header: up to 0x290), then type_of_loader
 * 0xff, vid_mode 0xffff (normal), loadflags
 * with CAN_USE_HEAP cleared as the 64-bit protocol needs no heap,
 * code32_start = plan.kernel (low 32 bits), cmd_line_ptr/ext_cmd_line_ptr,
 * ramdisk_image/size and their ext_ halves (all 0 when ramdisk_image is
 * 0), hardware_subarch and hardware_subarch_data 0, the e820 table
 * (linux_e820_from_memory_map() of in's map with plan.memory_limit): the
 * first 128 entries in e820_table, the next (at most in.e820_ext_max) in
 * the SETUP_E820_EXT node at in.e820_ext, the rest dropped (as
 * linux_e820_split() says); setup_data the node's physical address when
 * it holds any, else 0 (the file's value is never passed on: it would be
 * followed as a pointer); acpi_rsdp_addr,
 * on EFI efi_info, and with in.bios linux_fill_bios_params().  When a relocatable kernel's plan.kernel is not a
 * multiple of kernel_alignment (the plan fell back to a smaller one),
 * kernel_alignment becomes the largest power of two dividing plan.kernel:
 * the decompressor rounds its runtime address up to kernel_alignment.
 * The sentinel (0x1ef) stays 0.  No alignment is assumed of bp (packed)
 * or image.
 */
void linux_fill_boot_params(linuxboot::boot_params& bp, const uint8_t* image, const LinuxImage& parsed,
                            const LinuxPlan& plan, const LinuxBootParamsInput& in);

/*
 * The BIOS calls' results into the zero page, as Linux's own real-mode
 * setup would have left them (arch/x86/boot/edd.c, video*.c): eddbuf[]
 * and eddbuf_entries, edd_mbr_sig_buffer[] and edd_mbr_sig_buf_entries,
 * edid_info (only when an EDID read was tried: the block, or 0x13s as
 * Linux writes for "none"), and screen_info when vga= set or read a mode
 * (text: cursor, mode, columns, lines, font height, orig_video_isVGA = 1;
 * VESA: the linear framebuffer, orig_video_isVGA = VIDEO_TYPE_VLFB).
 * Fields for what was not probed stay as they are (zero).
 */
void linux_fill_bios_params(linuxboot::boot_params& bp, const BiosInfo& bios);

class Console;

/* 64-bit stage only (linux_launch.cpp). */

/* Whether module 0 is a bzImage that relboot can read (payload=auto's choice). */
bool linux_wanted(const BootState& bs);

/*
 * The "linux" hand-off target: parses, plans, reports ("relboot: payload
 * ..." lines), moves, writes the zero page and enters the kernel.  Any
 * refusal happens before a byte moves: one "relboot: error: payload ..."
 * line (boot_fail()), then debug-exit or halt.  Does not return.
 */
[[noreturn]] void linux_launch(const BootState& bs, Console& console);

/*
 * The "linux-svm" target (guest=svm): as linux_launch(), but first the
 * host's SVM checks (svm_check_host()), and the kernel run as an SVM
 * guest with one vCPU per online CPU (svm_prepare(), svm_run()).
 */
[[noreturn]] void linux_launch_svm(const BootState& bs, Console& console);

/*
 * The "linux-vmx" target (guest=vmx): as linux_launch_svm(), with Intel
 * VT-x: the host's VMX checks (vmx_check_host()), then vmx_prepare() and
 * vmx_run().
 */
[[noreturn]] void linux_launch_vmx(const BootState& bs, Console& console);

/*
 * guest=auto: "relboot: guest auto=<vmx|svm|native> vendor="<CPUID 0's
 * vendor>"[ reason="<subject> <field>"]": vmx on an Intel CPU whose VMX
 * checks pass (vmx_host_error()), svm on an AMD one whose SVM checks pass
 * (svm_host_error()), else native with the first refusal's subject and
 * field as the reason (or "no virtualization extension relboot runs on
 * this vendor"); then that target.
 */
[[noreturn]] void linux_launch_auto(const BootState& bs, Console& console);

} // namespace relboot

#endif
