/*
 * The "linux" hand-off target: launches module 0, a Linux bzImage, with
 * module 1 (when present) as its initrd, through the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst).  It reads BootState only.
 *
 * Decide everything, then act: the header is parsed and checked, the
 * command line measured, and the kernel, the initrd, the zero page and
 * the command line placed (payload/linux.cpp) before any byte moves.  Any
 * refusal is one BootError, "relboot: error: payload <field>: ..."
 * (boot_fail()).  For guest=svm and guest=vmx the plan also holds the
 * guest's memory view (what the NPT or EPT maps), so the zero page is written
 * once, for the guest it is meant for.  Then, in
 * this order: relboot's own buffers are written (command line, a copy of
 * the EFI memory map, the zero page: every read of the loader's data
 * happens here, so the moves below may overwrite the MBI and module 0),
 * the initrd moves if it must, the protected-mode code is copied, and the
 * kernel is entered (linux_entry.S), or, for guest=svm or guest=vmx (the
 * "linux-svm" and "linux-vmx" targets), run as an SVM or VMX guest
 * (svm_launch.cpp, vmx_launch.cpp): the host's checks come first, before
 * anything is decided; guest=auto picks one of the three by the CPU.
 * The command line is the same for all: under a guest mode every online
 * CPU is a vCPU, and the kernel starts its APs itself through relboot's
 * emulated local APIC.
 */
#include "lib/console.h"
#include "lib/error.h"
#include "handoff/handoff.h"
#include "stage64/identity_map.h"
#include "layout.h"
#include "payload/linux/payload_linux.h"
#include "protocol/efi_exit.h"
#include "payload/svm/payload_svm.h"
#include "payload/vcpu/cpuid.h"
#include "payload/vmx/payload_vmx.h"
#include "lib/report.h"
#include "smp/smp.h"
#include <x86/io.h>

extern "C" [[noreturn]] void linux_enter(uint64_t entry, uint64_t boot_params);

namespace relboot {

namespace {

/* Longest command line relboot composes (bytes with the NUL); Debian's kernel takes 2047. */
constexpr uint32_t CMDLINE_BUFFER = 4096;
/*
 * What the kernel keeps reading after the jump lies in relboot's image,
 * which the e820 table marks reserved: after the page tables, reached
 * through the identity map only (linker script, .boot_tables).  The EFI
 * memory map's copy holds any map the EFI amd64 entry's exit buffer held
 * (efi_exit.h); the SETUP_E820_EXT node every e820 entry past the zero
 * page's 128 (payload_linux.h).
 */
struct LinuxBuffers {
    alignas(4096) linuxboot::boot_params zero_page;
    char cmdline[CMDLINE_BUFFER];
    alignas(8) uint8_t efi_memmap[EFI_MMAP_BUFFER_SIZE];
    alignas(8) uint8_t e820_ext[sizeof(LinuxE820Ext)];
};

} // namespace
} // namespace relboot

__attribute__((section(".boot_tables"))) relboot::LinuxBuffers linux_buffers;

namespace relboot {

namespace {

/* A refusal of the launcher itself (the checks of linux.cpp return theirs). */
constexpr BootError refusal(const char* field, uint64_t found, const char* expected, const char* limit_name = nullptr,
                            uint64_t limit = 0)
{
    return BootError{.subject = LINUX_ERROR_SUBJECT, .field = field, .found = found, .expected = expected,
                     .limit_name = limit_name, .limit = limit, .found_radix = Radix::dec};
}

/*
 * Copies n bytes from src to dst (physical, identity-mapped), the ranges
 * may overlap: forward when dst lies below src, else backward.  Eight
 * bytes a step (rep movsq), the odd bytes by rep movsb.
 */
void move_phys(uint64_t dst, uint64_t src, uint64_t n)
{
    if (dst == src || n == 0)
        return;
    uint64_t q = n / 8, r = n % 8;
    if (dst < src || dst - src >= n) {
        asm volatile("rep movsq\n\t"
                     "movq %3, %%rcx\n\t"
                     "rep movsb"
                     : "+D"(dst), "+S"(src), "+c"(q)
                     : "r"(r)
                     : "memory");
        return;
    }
    /* Backward (dst above src, overlapping): the odd top bytes first, then the qwords, with DF set. */
    uint64_t d = dst + n - 1, s = src + n - 1;
    asm volatile("std\n\t"
                 "rep movsb\n\t"
                 "subq $7, %%rdi\n\t"
                 "subq $7, %%rsi\n\t"
                 "movq %3, %%rcx\n\t"
                 "rep movsq\n\t"
                 "cld"
                 : "+D"(d), "+S"(s), "+c"(r)
                 : "r"(q)
                 : "memory");
}

} // namespace

bool linux_wanted(const BootState& bs)
{
    if (bs.module_count == 0)
        return false;
    const BootModule& kernel = phys_ptr<BootModule>(bs.modules)[0];
    const uint64_t size = kernel.end.value - kernel.start.value;
    if (kernel.end.value > bs.identity_limit)
        return false;
    return linux_is_bzimage(phys_ptr<uint8_t>(kernel.start), size);
}

namespace {

/* How the kernel runs: entered (linux_entry.S), or as a guest of relboot. */
enum class GuestMode : uint8_t { native, svm, vmx };

/* The three targets: native, as an SVM guest, as a VMX guest. */
[[noreturn]] void launch(const BootState& bs, Console& con, GuestMode mode)
{
    if (mode == GuestMode::svm)
        svm_check_host(bs);
    if (mode == GuestMode::vmx)
        vmx_check_host(bs);
    const uint64_t tsc_decide = x86::rdtsc();
    const BootModule* modules = phys_ptr<BootModule>(bs.modules);
    const MemoryRange* map = phys_ptr<MemoryRange>(bs.memory_map);
    const BootModule& kernel = modules[0];
    if (bs.module_count == 0)
        boot_fail(bs.options, refusal("module 0", 0, "a Linux bzImage as module 0 (payload=linux)"));
    if (kernel.end.value > bs.identity_limit)
        boot_fail(bs.options, BootError{.subject = LINUX_ERROR_SUBJECT, .field = "module 0 end",
                                        .found = kernel.end.value, .expected = "below the identity map's end (mem=)",
                                        .limit_name = "identity_limit", .limit = bs.identity_limit});
    const uint8_t* file = phys_ptr<uint8_t>(kernel.start);
    const uint64_t file_size = kernel.end.value - kernel.start.value;

    /* Decide: the header, the command line's length, the places. */
    LinuxImage image{};
    BootError e = linux_parse(file, file_size, &image);
    if (!e.ok())
        boot_fail(bs.options, e);
    /* Module 0's string (its arguments: the filler dropped a multiboot1 file name) and relboot's -- text. */
    const char* passthrough = phys_ptr<char>(bs.passthrough);
    const uint32_t passthrough_len = bs.passthrough_len;
    const char* args = kernel.string.present() ? phys_ptr<char>(kernel.string) : "";
    const uint32_t args_len = kernel.string_len;
    const uint32_t cmdline_len = args_len + (passthrough_len ? 1 + passthrough_len : 0);
    if (cmdline_len >= CMDLINE_BUFFER)
        boot_fail(bs.options,
                  refusal("cmdline", cmdline_len, "at most 4095 bytes (module 0's string and relboot's -- text)"));
    LinuxPlanInput in{};
    in.memory_map = map;
    in.memory_map_count = bs.memory_map_count;
    in.image = PhysRange{bs.load_base, bs.image_size};
    in.kernel_module = PhysRange{kernel.start, file_size};
    if (bs.module_count > 1)
        in.initrd = PhysRange{modules[1].start, modules[1].end.value - modules[1].start.value};
    in.identity_limit = bs.identity_limit;
    in.cmdline_len = cmdline_len;
    /* A guest sees memory up to its NPT's or EPT's limit; the rest is reserved in its e820 table. */
    in.memory_limit = mode != GuestMode::native ? guest_map_limit(map, bs.memory_map_count) : 0;
    LinuxPlan plan{};
    e = linux_plan(image, in, &plan);
    if (!e.ok())
        boot_fail(bs.options, e);
    /* The e820 table's split (zero page, SETUP_E820_EXT) and the EFI memory map's copy, decided here. */
    const LinuxE820Split e820 = linux_e820_split(map, bs.memory_map_count, plan.memory_limit, LINUX_E820_EXT_MAX);
    const bool efi_map = bs.efi_system_table.present() && bs.efi_64 && bs.efi_mmap.present();
    const bool efi_map_fits = bs.efi_mmap_size <= EFI_MMAP_BUFFER_SIZE;
    LinuxBuffers& buf = *image_identity(bs, &linux_buffers);
    const uint64_t boot_params = reinterpret_cast<uint64_t>(&buf.zero_page);
    if (mode != GuestMode::native) {
        /* The NPT or EPT, the permission maps, the VMCBs or the guest states: relboot's own pages, and the last refusal. */
        const PhysRange window{PhysAddr{reinterpret_cast<uint64_t>(&buf)}, sizeof buf};
        if (mode == GuestMode::svm)
            svm_prepare(bs, plan, boot_params, &window, 1);
        else
            vmx_prepare(bs, plan, boot_params, &window, 1);
    }
    const uint64_t tsc_decided = x86::rdtsc();

    con.begin().str("payload linux version=").quoted(reinterpret_cast<const char*>(file) + image.version_offset,
                                                        image.version_offset ? image.version_len : 0);
    con.str(" protocol=2.").dec((image.hdr.version & 0xff) / 10).dec((image.hdr.version & 0xff) % 10);
    con.str(" relocatable=").str(plan.relocatable ? "yes" : "no").end();
    con.begin().str("payload kernel=").hex16(plan.kernel).str(" size=").dec(image.pm_size);
    con.str(" init_size=").dec(image.hdr.init_size).str(" copied=").dec(plan.copied);
    con.str(" initrd=").hex16(plan.initrd).str(" initrd_size=").dec(plan.initrd_size).end();
    if (e820.dropped) {
        con.begin().str("warning: payload e820: ").dec(e820.total).str(" entries, more than the zero page and ");
        con.str("SETUP_E820_EXT hold (").dec(e820.zero_page + e820.ext).str("); the ").dec(e820.dropped);
        con.str(" from ").hex16(e820.dropped_from).str(" up are left out").end();
    }
    if (efi_map && !efi_map_fits) {
        const uint32_t descriptors = bs.efi_mmap_desc_size ? bs.efi_mmap_size / bs.efi_mmap_desc_size : 0;
        con.begin().str("warning: payload efi: the EFI memory map at ").hex16(bs.efi_mmap.value).str(" (");
        con.dec(descriptors).str(" descriptors, ").dec(bs.efi_mmap_size).str(" bytes) is larger than relboot's ");
        con.dec(EFI_MMAP_BUFFER_SIZE).str("-byte copy; all ").dec(descriptors);
        con.str(" are left out, with efi_info: no EFI runtime services").end();
    }

    /* Act, 1: relboot's buffers, while the MBI and module 0 are intact. */
    const uint64_t tsc_start = x86::rdtsc();
    uint32_t n = 0;
    for (; n < args_len; ++n)
        buf.cmdline[n] = args[n];
    if (passthrough_len) {
        buf.cmdline[n++] = ' ';
        for (uint32_t i = 0; i < passthrough_len; ++i)
            buf.cmdline[n++] = passthrough[i];
    }
    buf.cmdline[n] = '\0';
    LinuxBootParamsInput params{};
    params.cmd_line_ptr = reinterpret_cast<uint64_t>(buf.cmdline);
    params.ramdisk_image = plan.initrd_size ? plan.initrd : 0;
    params.ramdisk_size = plan.initrd_size;
    params.acpi_rsdp_addr = bs.acpi_rsdp.value;
    params.memory_map = map;
    params.memory_map_count = bs.memory_map_count;
    if (efi_map && efi_map_fits) {
        move_phys(reinterpret_cast<uint64_t>(buf.efi_memmap), bs.efi_mmap.value, bs.efi_mmap_size);
        params.efi_systab = bs.efi_system_table.value;
        params.efi_memmap = reinterpret_cast<uint64_t>(buf.efi_memmap);
        params.efi_memmap_size = bs.efi_mmap_size;
        params.efi_memdesc_size = bs.efi_mmap_desc_size;
        params.efi_memdesc_version = bs.efi_mmap_desc_version;
    }
    params.bios = bs.bios.present() ? phys_ptr<BiosInfo>(bs.bios) : nullptr;
    params.e820_ext = buf.e820_ext;
    params.e820_ext_phys = reinterpret_cast<uint64_t>(buf.e820_ext);
    params.e820_ext_max = LINUX_E820_EXT_MAX;
    linux_fill_boot_params(buf.zero_page, file, image, plan, params);

    /* Act, 2: the initrd out of the kernel's way (never onto module 0's bytes), then the kernel. */
    const uint64_t tsc_copy = x86::rdtsc();
    move_phys(plan.initrd, plan.initrd_src, plan.initrd_size);
    move_phys(plan.kernel, plan.pm_src, plan.copied ? image.pm_size : 0);
    const uint64_t tsc_end = x86::rdtsc();

    /*
     * The launch's cost (make bench): deciding (header, command line,
     * placement) and writing relboot's buffers (command line, EFI memory
     * map, zero page with its e820 table), the moves, and the whole boot
     * from relboot's entry to here.  The report lines in between are left out.
     */
    con.begin().str("tsc payload=").dec((tsc_decided - tsc_decide) + (tsc_copy - tsc_start));
    con.str(" copy=").dec(tsc_end - tsc_copy);
    con.str(" entry_to_kernel=").dec(tsc_end - bs.tsc[uint32_t(TscStamp::entry)]).end();

    if (mode == GuestMode::svm)
        svm_run(bs, con, plan, boot_params);
    if (mode == GuestMode::vmx)
        vmx_run(bs, con, plan, boot_params);
    con.begin().str("handoff linux entry=").hex16(plan.entry).str(" boot_params=").hex16(boot_params).end();
    /* The kernel starts the CPUs itself: the parked APs go back to wait-for-SIPI (smp.h). */
    smp_reset_aps(bs);
    linux_enter(plan.entry, boot_params);
}

} // namespace

void linux_launch(const BootState& bs, Console& con)
{
    launch(bs, con, GuestMode::native);
}

void linux_launch_svm(const BootState& bs, Console& con)
{
    launch(bs, con, GuestMode::svm);
}

void linux_launch_vmx(const BootState& bs, Console& con)
{
    launch(bs, con, GuestMode::vmx);
}

void linux_launch_auto(const BootState& bs, Console& con)
{
    const x86::CpuidResult id = x86::cpuid(0);
    const uint32_t vendor_words[3] = {id.ebx, id.edx, id.ecx};
    char vendor_text[12];
    __builtin_memcpy(vendor_text, vendor_words, sizeof vendor_text);
    const CpuVendor vendor = cpu_vendor(id.ebx, id.edx, id.ecx);
    GuestMode mode = GuestMode::native;
    BootError e{.subject = "auto", .field = "no virtualization extension relboot runs on this vendor"};
    if (vendor == CpuVendor::intel)
        e = vmx_host_error();
    else if (vendor == CpuVendor::amd)
        e = svm_host_error();
    if (e.ok())
        mode = vendor == CpuVendor::intel ? GuestMode::vmx : GuestMode::svm;
    con.begin().str("guest auto=").str(mode == GuestMode::vmx ? "vmx" : mode == GuestMode::svm ? "svm" : "native");
    con.str(" vendor=").quoted(vendor_text, sizeof vendor_text);
    if (!e.ok()) {
        con.str(" reason=\"").str(e.subject).chr(' ').str(e.field).chr('"');
    }
    con.end();
    launch(bs, con, mode);
}

} // namespace relboot
