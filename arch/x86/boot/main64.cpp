/*
 * The 64-bit stage: runs at the image's higher-half address with the
 * boot page tables and the 64-bit IDT, prints the boot report
 * (boot-contract.md), runs the self-test and ends the run.
 */
#include <relboot/boot_info.h>
#include <relboot/cmdline_report.h>
#include <relboot/multiboot2.h>
#include <relboot/console.h>
#include <relboot/crc32.h>
#include <relboot/image_symbols.h>
#include <relboot/layout.h>
#include <relboot/mbi.h>
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
/* The command line's spans: outside .bss, so head32.S does not spend instructions zeroing them. */
__attribute__((section(".noinit"))) relboot::CmdlineSpans boot_cmdline_spans;

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

void print_base(const BootInfo& bi, Console& info, Console& con)
{
    info.begin().str("base load=").hex8(bi.load_base).str(" link=").hex8(bi.link_base).str(" tag21=");
    if (bi.tag21_present)
        info.hex8(bi.tag21);
    else
        info.str("none");
    info.str(" source=").str(bi.base_source == BaseSource::tag21 ? "tag21" : "eip").end();

    if (bi.warnings & WARN_TAG21_MISSING) {
        con.begin().str("warning: the MBI has no load-base-address tag (21); using the EIP-derived base ");
        con.hex8(bi.load_base).end();
    }
    if (bi.warnings & WARN_TAG21_MISMATCH) {
        con.begin().str("warning: load-base-address tag (21) says ").hex8(bi.tag21).str(" but EIP says ");
        con.hex8(bi.load_base).str("; using the EIP-derived base").end();
    }
}

/* Warnings about the CPU and the memory cap (the base's are printed with the base line). */
void print_warnings(const BootInfo& bi, Console& con)
{
    if (bi.warnings & WARN_NO_NX)
        con.begin().str("warning: CPU has no execute-disable (NX); image data stays executable").end();
    if (bi.warnings & WARN_MEM_RAISED) {
        con.begin().str("warning: mem=").hex16(bi.options.mem).str(" is below the image or the MBI; the identity map ");
        con.str("covers up to ").hex16(bi.identity_limit).str(" instead").end();
    }
}

/*
 * One line per GRUB module (tag 3), numbered in MBI order, with the CRC-32
 * of its bytes [mod_start, mod_end): the tests compare it with the file's,
 * which proves relboot left the module alone.
 */
void print_modules(const BootInfo& bi, Console& info, Console& con)
{
    const uint8_t* mbi = phys_ptr<uint8_t>(bi.mbi);
    uint32_t n = 0;
    mbi_for_each_tag(mbi, bi.mbi_size, [&](uint32_t off, uint32_t type, uint32_t size) {
        if (type != MULTIBOOT2_TAG_TYPE_MODULE)
            return;
        const auto* mod = reinterpret_cast<const mb2::TagModule*>(mbi + off);
        const char* args = reinterpret_cast<const char*>(mod + 1);
        const uint32_t max = size - sizeof(mb2::TagModule);
        uint32_t args_len = 0;
        while (args_len < max && args[args_len])
            ++args_len;
        if (mod->mod_end > bi.identity_limit) {
            /* mem= left it outside the identity map: reading it would fault. */
            con.begin().str("warning: module ").dec(n++).str(" at ").hex8(mod->mod_start).str("..").hex8(mod->mod_end);
            con.str(" lies above the mem= cap ").hex16(bi.identity_limit).str("; not read").end();
        } else {
            const uint32_t crc = crc32(0, phys_ptr<uint8_t>(mod->mod_start), mod->mod_end - mod->mod_start);
            info.begin().str("module ").dec(n++).str(" start=").hex8(mod->mod_start).str(" end=").hex8(mod->mod_end);
            info.str(" crc32=").hex8(crc).chr(' ').quoted(args, args_len).end();
        }
    });
}

/* loglvl=debug: every MBI tag (the MBI was checked by the 32-bit stage). */
void print_mbi_tags(const BootInfo& bi, Console& con)
{
    mbi_for_each_tag(phys_ptr<uint8_t>(bi.mbi), bi.mbi_size, [&](uint32_t off, uint32_t type, uint32_t size) {
        con.begin().str("debug: mbi tag offset=").hex8(off).str(" type=").dec(type).str(" size=").dec(size).end();
    });
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
    bi.link_base = LINK_BASE;

    /* The console the command line chose; loglvl=quiet keeps only warnings, errors and "ok". */
    Console con = report_console(bi.options);
    Console quiet{Uart16550(0)};
    Console& info = bi.options.loglvl == LogLevel::quiet ? quiet : con;
    const char* cmdline = phys_ptr<char>(bi.cmdline);
    uint32_t cmdline_len = 0;   /* up to the first NUL, as the parser read it */
    while (bi.cmdline && cmdline_len < bi.cmdline_len && cmdline[cmdline_len])
        ++cmdline_len;

    info.begin().str("relboot ").str(RELBOOT_VERSION).str(" variant=").str(RELBOOT_VARIANT).end();

    /* The whole MBI, checked before any of it past tags 21 and 1 is used (the 32-bit stage stopped there). */
    const MbiScan scan = mbi_scan(phys_ptr<uint8_t>(bi.mbi), bi.mbi, MBI_MAX_SIZE);
    if (scan.error != MbiError::none) {
        con.begin().str("error: ").str(mbi_error_text(scan.error)).str(" (MBI at ").hex8(bi.mbi).str(", offset ");
        con.hex8(scan.error_offset).str(", value ").hex8(scan.error_value).str(")").end();
        finish(bi.options, false);
    }
    bi.firmware = scan.efi ? Firmware::efi : Firmware::bios;
    info.begin().str("loader=multiboot2 firmware=").str(str(bi.firmware)).str(" mbi=").hex8(bi.mbi).end();
    print_base(bi, info, con);
    if (bi.options.loglvl == LogLevel::debug)
        print_mbi_tags(bi, con);
    info.begin().str("cmdline ").quoted(cmdline, cmdline_len).end();
    cmdline_report(bi.options, boot_cmdline_spans, cmdline, cmdline_len, info);
    print_warnings(bi, con);
    print_modules(bi, info, con);

    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    info.begin().str("longmode entry64=").hex16(reinterpret_cast<uint64_t>(relboot_entry64));
    info.str(" cr3=").hex8(uint32_t(cr3)).str(" nx=").str(bi.nx ? "on" : "off").end();

    inject_fault(bi.options.debug_fault);

    const bool pass = selftest_paging(bi, con);
    if (pass)
        info.begin().str("selftest pass").end();
    print_tsc(bi, info);
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
