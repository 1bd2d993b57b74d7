/*
 * The 64-bit stage: runs at the image's higher-half address with the
 * boot page tables and the 64-bit IDT, prints the boot report
 * (boot-contract.md), runs the self-test and ends the run.
 */
#include <relboot/boot_info.h>
#include <relboot/console.h>
#include <relboot/image_symbols.h>
#include <relboot/report.h>
#include <relboot/selftest.h>

#ifndef RELBOOT_VERSION
#error "RELBOOT_VERSION comes from the Makefile (git describe)"
#endif
#ifndef RELBOOT_VARIANT
#error "RELBOOT_VARIANT comes from the Makefile (BASE)"
#endif

/* The one BootInfo, in .bss: filled by the 32-bit stage through its physical address. */
relboot::BootInfo boot_info;

namespace relboot {
namespace {

const char* str(Firmware f)
{
    return f == Firmware::efi ? "efi" : "bios";
}

/* Physical memory below 4 GiB through the identity map. */
template <class T>
const T* phys_ptr(uint64_t pa)
{
    return reinterpret_cast<const T*>(pa);
}

void print_base(const BootInfo& bi, Console& con)
{
    con.begin().str("base load=").hex8(bi.load_base).str(" link=").hex8(bi.link_base).str(" tag21=");
    if (bi.tag21_present)
        con.hex8(bi.tag21);
    else
        con.str("none");
    con.str(" source=").str(bi.base_source == BaseSource::tag21 ? "tag21" : "eip").end();

    if (bi.warnings & WARN_TAG21_MISSING) {
        con.begin().str("warning: the MBI has no load-base-address tag (21); using the EIP-derived base ");
        con.hex8(bi.load_base).end();
    }
    if (bi.warnings & WARN_TAG21_MISMATCH) {
        con.begin().str("warning: load-base-address tag (21) says ").hex8(bi.tag21).str(" but EIP says ");
        con.hex8(bi.load_base).str("; using the EIP-derived base").end();
    }
}

void print_tsc(const BootInfo& bi, Console& con)
{
    auto at = [&](TscStamp s) { return bi.tsc[uint32_t(s)]; };
    con.begin().str("tsc phases entry=").dec(at(TscStamp::early_done) - at(TscStamp::entry));
    con.str(" mbi=").dec(at(TscStamp::mbi_done) - at(TscStamp::early_done));
    con.str(" cmdline=").dec(at(TscStamp::cmdline_done) - at(TscStamp::mbi_done));
    con.str(" paging=").dec(at(TscStamp::paging_done) - at(TscStamp::cmdline_done));
    con.str(" longmode=").dec(at(TscStamp::handoff) - at(TscStamp::paging_done)).end();
    con.begin().str("tsc entry_to_handoff=").dec(at(TscStamp::handoff) - at(TscStamp::entry)).end();
}

/* debug-fault=: raise the chosen exception here, in 64-bit mode (tests of the 64-bit IDT). */
void inject_fault(DebugFault fault)
{
    switch (fault) {
    case DebugFault::ud2:
        asm volatile("ud2");
        break;
    case DebugFault::gp:
        /* A load from a non-canonical address: #GP(0). */
        asm volatile("movq (%0), %%rax" : : "r"(0x8000000000000000ULL) : "rax", "memory");
        break;
    case DebugFault::pf:
        /* A write to the image's read-only text: #PF, error code 3 (present, write). */
        asm volatile("movb $0, (%0)" : : "r"(relboot_entry64) : "memory");
        break;
    default:
        break;
    }
}

} // namespace
} // namespace relboot

using namespace relboot;

extern "C" [[noreturn]] void relboot_main64(BootInfo* bip, uint64_t tsc_handoff)
{
    BootInfo& bi = *bip;
    bi.tsc[uint32_t(TscStamp::handoff)] = tsc_handoff;

    Console con = report_console(bi.options);
    con.begin().str("relboot ").str(RELBOOT_VERSION).str(" variant=").str(RELBOOT_VARIANT).end();
    con.begin().str("loader=multiboot2 firmware=").str(str(bi.firmware)).str(" mbi=").hex8(bi.mbi).end();
    print_base(bi, con);
    con.begin().str("cmdline ").quoted(phys_ptr<char>(bi.cmdline), bi.cmdline ? bi.cmdline_len : 0).end();

    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    con.begin().str("longmode entry64=").hex16(reinterpret_cast<uint64_t>(relboot_entry64));
    con.str(" cr3=").hex8(uint32_t(cr3)).str(" nx=").str(bi.nx ? "on" : "off").end();
    if (bi.warnings & WARN_NO_NX)
        con.begin().str("warning: CPU has no execute-disable (NX); image data stays executable").end();

    inject_fault(bi.options.debug_fault);

    const bool pass = selftest_paging(bi, con);
    if (pass)
        con.begin().str("selftest pass").end();
    print_tsc(bi, con);
    if (pass)
        con.begin().str("ok").end();
    else
        con.begin().str("error: self-test failed (see the selftest fail lines above)").end();
    finish(bi.options, pass);
}

/* From exc64_common (head64.S), on the exception stack. */
extern "C" [[noreturn]] void exception64(uint64_t vector, uint64_t error, uint64_t rip, uint64_t cr2)
{
    report_exception(boot_info.options, uint32_t(vector), error, rip, cr2);
}
