/*
 * The 32-bit C++ stage: everything between "we know where we are"
 * (head32.S) and the switch to long mode (longmode.S).
 *
 * Runs in 32-bit protected mode, paging off, flat segments, on the
 * image's 32-bit stack.  Built position-independent into a blob of its
 * own (see the Makefile: linked at two bases and compared), so it holds
 * no absolute address and has no writable data of its own: all state is
 * in boot_info, passed by address.
 */
#include <relboot/boot_info.h>
#include <relboot/image_layout.h>
#include <relboot/layout.h>
#include <relboot/mbi.h>
#include <relboot/pt_fixup.h>
#include <relboot/report.h>
#include <relboot/x86/cpuid.h>
#include <relboot/x86/cr.h>
#include <relboot/x86/io.h>
#include <relboot/x86/segment.h>

/* Entry points head32.S and exception32.S call (cdecl); their offsets go to boot32_syms.h. */
#define BOOT32_EXPORT extern "C" __attribute__((used, visibility("default")))

namespace relboot {
namespace {

void stamp(BootInfo* bi, TscStamp which)
{
    bi->tsc[uint32_t(which)] = x86::rdtsc();
}

/* Starts "relboot: error: " on the console; the caller appends and calls die(). */
Console error_line(const BootInfo* bi)
{
    Console con = report_console(bi->options);
    con.begin().str("error: ");
    return con;
}

[[noreturn]] void die(const BootInfo* bi, Console& con)
{
    con.end();
    finish(bi->options, false);
}

uint64_t max(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* CPUID exists when software can toggle EFLAGS.ID (Intel SDM Vol. 1, 3.4.3.3). */
bool cpuid_present()
{
    uint32_t before, after;
    asm volatile("pushfl\n\t"
                 "popl %0\n\t"
                 "movl %0, %1\n\t"
                 "xorl %2, %1\n\t"
                 "pushl %1\n\t"
                 "popfl\n\t"
                 "pushfl\n\t"
                 "popl %1\n\t"
                 "pushl %0\n\t"
                 "popfl"
                 : "=&r"(before), "=&r"(after)
                 : "i"(EFLAGS_ID)
                 : "cc");
    return ((before ^ after) & EFLAGS_ID) != 0;
}

/*
 * Refuses CPUs that cannot run relboot's long mode (no CPUID, no PAE, no
 * long mode), before CR4 or EFER is touched.  Returns whether the CPU
 * has execute-disable.
 */
bool check_cpu(const BootInfo* bi)
{
    const char* missing = nullptr;
    bool nx = false;
    if (!cpuid_present()) {
        missing = "CPUID";
    } else {
        const x86::CpuidResult basic = x86::cpuid(CPUID_LEAF_FEATURES);
        const uint32_t ext_max = x86::cpuid(CPUID_LEAF_EXT_MAX).eax;
        const uint32_t ext_edx = ext_max >= CPUID_LEAF_EXT_FEATURES ? x86::cpuid(CPUID_LEAF_EXT_FEATURES).edx : 0;
        if (!(basic.edx & CPUID_1_EDX_PAE))
            missing = "PAE (CPUID.01H:EDX[6])";
        else if (!(ext_edx & CPUID_80000001_EDX_LM))
            missing = "long mode (CPUID.80000001H:EDX[29])";
        nx = (ext_edx & CPUID_80000001_EDX_NX) != 0;
    }
    if (missing) {
        Console con = error_line(bi);
        con.str("CPU has no ").str(missing).str("; relboot needs a 64-bit (x86-64) CPU");
        die(bi, con);
    }
    return nx;
}

/* debug-fault32=: raise the chosen exception here, in 32-bit mode (tests of the 32-bit IDT). */
void inject_fault(DebugFault fault)
{
    switch (fault) {
    case DebugFault::ud2:
        asm volatile("ud2");
        break;
    case DebugFault::gp:
        /* A selector beyond the GDT limit: #GP with the selector as error code. */
        asm volatile("movl %0, %%gs" : : "r"(uint32_t(GDT_ENTRIES * 8)));
        break;
    default:
        break;
    }
}

} // namespace
} // namespace relboot

using namespace relboot;

/*
 * bi: boot_info (physical); layout: image_layout (physical); mbi: EBX at
 * entry; eip_base: the load base head32.S derived from EIP; spans:
 * boot_cmdline_spans (physical); tsc: the entry stamp.  Returns the EFER bits to set (LME, and NXE when NX is
 * used).  Never returns on failure.
 */
BOOT32_EXPORT uint32_t boot32_main(BootInfo* bi, const ImageLayout* layout, uint32_t mbi,
                                   uint32_t eip_base, CmdlineSpans* spans, uint32_t tsc_lo, uint32_t tsc_hi)
{
    bi->tsc[uint32_t(TscStamp::entry)] = (uint64_t(tsc_hi) << 32) | tsc_lo;
    stamp(bi, TscStamp::early_done);

    bi->load_base = eip_base;   /* link_base: the 64-bit stage's link-time constant */
    bi->mbi = mbi;

    /*
     * The MBI: its header, and the tags up to 21 and 1 (GRUB puts them
     * first), each checked.  The 64-bit stage walks and checks the rest
     * before it uses any of it; nothing else is needed before long mode.
     */
    const MbiScan scan = mbi_scan(reinterpret_cast<const uint8_t*>(mbi), mbi, MBI_MAX_SIZE, MbiWalk::early);
    if (scan.error != MbiError::none) {
        Console con = error_line(bi);
        con.str(mbi_error_text(scan.error)).str(" (MBI at ").hex8(mbi).str(", offset ");
        con.hex8(scan.error_offset).str(", value ").hex8(scan.error_value).str(")");
        die(bi, con);
    }
    bi->mbi_size = scan.total_size;
    bi->tag21_present = scan.tag21_present;
    bi->tag21 = scan.tag21;
    if (!scan.tag21_present) {
        bi->base_source = BaseSource::eip;
        bi->warnings |= WARN_TAG21_MISSING;
    } else if (scan.tag21 != eip_base) {
        bi->base_source = BaseSource::eip;
        bi->warnings |= WARN_TAG21_MISMATCH;
    } else {
        bi->base_source = BaseSource::tag21;
    }
    if (scan.cmdline_present) {
        bi->cmdline = mbi + scan.cmdline_offset;
        bi->cmdline_len = scan.cmdline_len;
    }
    stamp(bi, TscStamp::mbi_done);

    cmdline_parse(reinterpret_cast<const char*>(bi->cmdline), bi->cmdline_len, &bi->options, spans);
    stamp(bi, TscStamp::cmdline_done);

    /*
     * Where the image sits.  Checked after the command line, so that a
     * refusal honours debug-exit= and console= (head32.S already refused,
     * before writing anything, an image that runs past 4 GiB and an MBI
     * inside the image).
     */
    /* The base must be aligned as the multiboot2 header asked (GRUB before 2.12 could miss it). */
    if (eip_base & (layout->reloc_align - 1)) {
        Console con = error_line(bi);
        con.str("load base ").hex8(eip_base).str(" is not aligned to ").hex8(layout->reloc_align);
        con.str(" as the multiboot2 relocatable tag requests");
        die(bi, con);
    }


    /* The CPU, then the page tables for the chosen NX setting and memory cap. */
    const bool cpu_nx = check_cpu(bi);
    if (!cpu_nx)
        bi->warnings |= WARN_NO_NX;
    const bool nx = cpu_nx && !bi->options.nx_off;
    bi->nx = nx;
    inject_fault(bi->options.debug_fault32);

    uint8_t* image = reinterpret_cast<uint8_t*>(eip_base);
    pt_fixup(image, *layout, eip_base, nx);
    bi->identity_limit = uint64_t(1) << 32;
    if (bi->options.mem && bi->options.mem < bi->identity_limit) {
        /*
         * mem= caps the identity map, but never below what relboot itself
         * must reach (a cap at or above 4 GiB caps nothing; compared before
         * rounding, so values near 2^64 cannot wrap).
         */
        uint64_t limit = bi->options.mem;
        const uint64_t needed = max(uint64_t(eip_base) + layout->image_size, uint64_t(mbi) + scan.total_size);
        if (limit < needed) {
            limit = needed;
            bi->warnings |= WARN_MEM_RAISED;
        }
        limit = (limit + LARGE_PAGE_SIZE - 1) & ~uint64_t(LARGE_PAGE_SIZE - 1);
        if (limit < bi->identity_limit) {
            pt_cap_identity(image, *layout, limit);
            bi->identity_limit = limit;
        }
    }
    stamp(bi, TscStamp::paging_done);

    return EFER_LME | (nx ? EFER_NXE : 0);
}

/* Called by exception32.S on the exception stack, with the CPU's frame unpacked. */
BOOT32_EXPORT __attribute__((noreturn)) void boot32_exception(BootInfo* bi, uint32_t vector, uint32_t error,
                                                              uint32_t eip, uint32_t cr2)
{
    report_exception(bi->options, vector, error, eip, cr2);
}
