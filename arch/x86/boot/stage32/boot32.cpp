/*
 * The 32-bit C++ stage: everything between "we know where we are"
 * (head32.S) and the switch to long mode (longmode.S), in the order of
 * the boot: the protocol's early step (for multiboot2 the one checked
 * walk of the whole MBI), the command line, the placement and CPU
 * checks, the page tables.  Otherwise only what long mode needs happens
 * here; the protocol's BootState filler runs in the 64-bit stage.
 *
 * Runs in 32-bit protected mode, paging off, flat segments, on the
 * image's 32-bit stack.  Built position-independent into a blob of its
 * own (see the Makefile: linked at two bases and compared), so it holds
 * no absolute address and has no writable data of its own: all state is
 * in boot_state, passed by address in the EntryState.
 */
#include "boot_state.h"
#include "stage32/cpu.h"
#include "lib/debug_fault.h"
#include "lib/error.h"
#include "stage32/image_layout.h"
#include "layout.h"
#include "protocol/protocol_steps.h"
#include "stage32/pt_fixup.h"
#include "lib/report.h"
#include <x86/cr.h>
#include <x86/io.h>

#include "stage32/entry32.h"

/* Entry points head32.S and exception32.S call (cdecl); their offsets go to boot32_syms.h. */
#define BOOT32_EXPORT extern "C" __attribute__((used, visibility("default")))

namespace relboot {
namespace {

void stamp(BootState* bs, TscStamp which)
{
    bs->tsc[uint32_t(which)] = x86::rdtsc();
}

uint64_t max(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Physical memory below 4 GiB, as the 32-bit stage sees it (paging off); 0 is no address. */
const uint8_t* flat_at(const void*, uint64_t phys, uint64_t len)
{
    if (phys == 0 || phys >= (uint64_t(1) << 32) || len > (uint64_t(1) << 32) - phys)
        return nullptr;
    return reinterpret_cast<const uint8_t*>(uint32_t(phys));
}

/*
 * Where load_base came from: the loader's word (multiboot2's tag 21)
 * against EIP's, with a warning only when the protocol could have said.
 */
void decide_base_source(BootState* bs)
{
    if (!bs->loader_base.present()) {
        bs->base_source = BaseSource::eip;
        if (protocol_reports_base(bs->protocol))
            bs->warnings |= WARN_TAG21_MISSING;
    } else if (bs->loader_base != bs->load_base) {
        bs->base_source = BaseSource::eip;
        bs->warnings |= WARN_TAG21_MISMATCH;
    } else {
        bs->base_source = BaseSource::loader;
    }
}

} // namespace
} // namespace relboot

using namespace relboot;

/*
 * entry: built by head32.S (entry32.h).  Returns the EFER bits to set
 * (LME, and NXE when NX is used).  Never returns on failure: one
 * "relboot: error:" line, then debug-exit or halt.
 */
BOOT32_EXPORT uint32_t boot32_main(const EntryState* entry)
{
    BootState* const bs = entry->boot_state;
    const ImageLayout* const layout = entry->layout;
    bs->tsc[uint32_t(TscStamp::entry)] = (uint64_t(entry->tsc_hi) << 32) | entry->tsc_lo;
    stamp(bs, TscStamp::early_done);

    const uint32_t base = entry->eip_base;
    bs->load_base = PhysAddr{base};     /* link_base: the 64-bit stage's link-time constant */
    bs->image_size = layout->image_size;

    /*
     * The protocol's early step (protocol/protocols.def, by the entry's
     * number): its information structure checked as far as the rest
     * relies on it, the command line found.  Then where the base came
     * from: the loader's word against EIP's.
     */
    const BootError early = protocol_early(entry->protocol, *bs, PhysMemory{flat_at, nullptr}, PhysAddr{entry->info});
    if (early.ok())
        decide_base_source(bs);
    stamp(bs, TscStamp::mbi_done);

    cmdline_parse(reinterpret_cast<const char*>(uint32_t(bs->cmdline.value)), bs->cmdline_len, &bs->options,
                  entry->spans);
    if (bs->options.has_passthrough) {
        bs->passthrough = bs->cmdline + bs->options.passthrough.offset;
        bs->passthrough_len = bs->options.passthrough.length;
    }
    stamp(bs, TscStamp::cmdline_done);

    /*
     * A refused information structure ends the run here, before anything
     * is placed: one error line on the console the command line chose,
     * when its command line lay before the fault and was sound (then
     * debug-exit= ends the run too), else on COM1, then halt.
     */
    if (!early.ok())
        boot_fail(bs->options, early);

    /*
     * Where the image sits.  Checked after the command line, so that a
     * refusal honours debug-exit= and console= (head32.S already refused,
     * before writing anything, an image that runs past 4 GiB and an
     * information structure inside the image).  The base must be aligned as
     * the multiboot2 header asked (GRUB before 2.12 could miss it).
     */
    if (base & (layout->reloc_align - 1)) {
        boot_fail(bs->options, BootError{.subject = "image", .field = "load base", .found = base,
                                         .expected = "a multiple of the multiboot2 relocatable tag's align",
                                         .limit_name = "align", .limit = layout->reloc_align});
    }

    /* The CPU, then the page tables for the chosen NX setting and memory cap. */
    const CpuProbe cpu = cpu_probe();
    if (cpu.missing) {
        boot_fail(bs->options, BootError{.subject = "CPU", .field = cpu.missing, .found = 0,
                                         .expected = "1: relboot needs a 64-bit (x86-64) CPU"});
    }
    if (!cpu.nx)
        bs->warnings |= WARN_NO_NX;
    const bool nx = cpu.nx && !nx_off(bs->options);
    bs->nx = nx;
    if (bs->options.debug_fault32 != DebugFault::none)
        raise_debug_fault(bs->options.debug_fault32, nullptr);

    uint8_t* image = reinterpret_cast<uint8_t*>(base);
    pt_fixup(image, *layout, base, nx);
    bs->identity_limit = uint64_t(1) << 32;
    if (bs->options.mem && bs->options.mem < bs->identity_limit) {
        /*
         * mem= caps the identity map, but never below what relboot itself
         * must reach: its image and the information structure (a cap at or
         * above 4 GiB caps nothing; compared before rounding, so values near
         * 2^64 cannot wrap).
         */
        uint64_t limit = bs->options.mem;
        const uint64_t needed = max(uint64_t(base) + layout->image_size, bs->info.value + bs->info_size);
        if (limit < needed) {
            limit = needed;
            bs->warnings |= WARN_MEM_RAISED;
        }
        limit = (limit + LARGE_PAGE_SIZE - 1) & ~uint64_t(LARGE_PAGE_SIZE - 1);
        if (limit < bs->identity_limit) {
            pt_cap_identity(image, *layout, limit);
            bs->identity_limit = limit;
        }
    }
    stamp(bs, TscStamp::paging_done);

    return EFER_LME | (nx ? EFER_NXE : 0);
}

/* Called by exception32.S on the exception stack, with the CPU's frame unpacked. */
BOOT32_EXPORT __attribute__((noreturn)) void boot32_exception(BootState* bs, uint32_t vector, uint32_t error,
                                                              uint32_t eip, uint32_t cr2)
{
    report_exception(bs->options, vector, error, eip, cr2);
}
