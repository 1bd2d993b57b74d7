/*
 * The 64-bit stage: runs at the image's higher-half address with the
 * boot page tables and the 64-bit IDT.  In the order of the boot:
 * the protocol's BootState filler, the firmware's ACPI RSDP, the boot
 * report (docs/report.md), the self-test, and the hand-off.  Past the
 * filler, nothing here reads the loader's structures: only BootState.
 */
#include "platform/acpi.h"
#include "bios/bios.h"
#include "boot_state.h"
#include "cmdline/cmdline_report.h"
#include "lib/console.h"
#include "lib/crc32.h"
#include "lib/debug_fault.h"
#include "protocol/efi_exit.h"
#include "handoff/handoff.h"
#include "stage64/identity_map.h"
#include "stage64/image_symbols.h"
#include "layout.h"
#include "lib/error.h"
#include "protocol/mbi.h"
#include "platform/memory_map.h"
#include "protocol/protocol_steps.h"
#include "lib/report.h"
#include "stage64/selftest.h"
#include "platform/tsc.h"
#include "smp/smp.h"
#include <x86/io.h>

#ifndef RELBOOT_VERSION
#error "RELBOOT_VERSION comes from the Makefile (git describe)"
#endif
#ifndef RELBOOT_VARIANT
#error "RELBOOT_VARIANT comes from the Makefile (BASE)"
#endif

/* The one BootState, in .bss: the 32-bit stage fills its first part through its physical address. */
relboot::BootState boot_state;
/*
 * Its tables, valid up to the counts in boot_state: after the page tables,
 * outside the higher-half map (linker script), so they are written and
 * read through the identity map only.
 */
__attribute__((section(".boot_tables"))) relboot::BootTables boot_tables;
/* The command line's spans: in .noinit, valid up to the counts in boot_state.options. */
__attribute__((section(".noinit"))) relboot::CmdlineSpans boot_cmdline_spans;

namespace relboot {

namespace {

const char* str(BootFirmware f)
{
    return f == BootFirmware::efi ? "efi" : "bios";
}

const char* str(AcpiSource s)
{
    switch (s) {
    case AcpiSource::efi: return "efi";
    case AcpiSource::ebda: return "ebda";
    case AcpiSource::bios_rom: return "bios-rom";
    case AcpiSource::pvh: return "pvh";
    default: return "none";
    }
}

/*
 * The protocol's filler (protocol/protocols.def): BootState from the
 * loader's structures, read through the identity map.  Does not return
 * when they are unusable (one "relboot: error:" line, then debug-exit or
 * halt).
 */
void fill_boot_info(BootState& bs)
{
    const PhysAddr tables = image_phys(bs, &boot_tables);
    const FillContext ctx{reinterpret_cast<BootTables*>(tables.value), tables, identity_memory(&bs.identity_limit),
                          image_phys(bs, &efi_exit_record)};
    const BootError error = protocol_fill(bs, ctx);
    if (!error.ok())
        boot_fail(bs.options, error);
}

/* The firmware's RSDP, found from what BootState holds (acpi.h). */
void find_acpi(BootState& bs)
{
    if (bs.acpi_source != AcpiSource::none)
        return;     /* the loader said where it is (PVH's rsdp_paddr) */
    const uint8_t* copy = nullptr;
    if (bs.acpi_rsdp_copy.present() && bs.acpi_rsdp_copy.value + bs.acpi_rsdp_copy_len <= bs.identity_limit)
        copy = phys_ptr<uint8_t>(bs.acpi_rsdp_copy);
    if (bs.efi_system_table.present() && bs.efi_system_table.value >= bs.identity_limit)
        bs.warnings |= WARN_EFI_UNREACHABLE;
    const AcpiRsdpFound found =
        acpi_find_rsdp(identity_memory(&bs.identity_limit), bs.efi_system_table, bs.efi_64, copy,
                       copy ? bs.acpi_rsdp_copy_len : 0);
    bs.acpi_rsdp = found.rsdp;
    bs.acpi_source = found.source;
}

void print_base(const BootState& bs, Console& info, Console& con)
{
    info.begin().str("base load=").hex8(uint32_t(bs.load_base.value)).str(" link=").hex8(uint32_t(bs.link_base.value));
    info.str(" tag21=");
    if (bs.loader_base.present())
        info.hex8(uint32_t(bs.loader_base.value));
    else
        info.str("none");
    info.str(" source=").str(bs.base_source == BaseSource::loader ? "tag21" : "eip").end();

    if (bs.warnings & WARN_TAG21_MISSING) {
        con.begin().str("warning: the MBI has no load-base-address tag (21); using the EIP-derived base ");
        con.hex8(uint32_t(bs.load_base.value)).end();
    }
    if (bs.warnings & WARN_TAG21_MISMATCH) {
        con.begin().str("warning: load-base-address tag (21) says ").hex8(uint32_t(bs.loader_base.value));
        con.str(" but EIP says ").hex8(uint32_t(bs.load_base.value)).str("; using the EIP-derived base").end();
    }
}

/* Warnings about the CPU, the memory cap and BootState's tables (the base's are printed with the base line). */
void print_warnings(const BootState& bs, Console& con)
{
    if (bs.warnings & WARN_NO_NX)
        con.begin().str("warning: CPU has no execute-disable (NX); image data stays executable").end();
    if (bs.warnings & WARN_MEM_RAISED) {
        con.begin().str("warning: mem=").hex16(bs.options.mem).str(" is below the image or the MBI; the identity map ");
        con.str("covers up to ").hex16(bs.identity_limit).str(" instead").end();
    }
    if (bs.warnings & WARN_MODULES_TRUNCATED) {
        con.begin().str("warning: more than ").dec(MODULES_MAX).str(" modules; the last ").dec(bs.modules_dropped);
        con.str(" (module ").dec(MODULES_MAX).str(" on) are not passed on").end();
    }
    if (bs.warnings & WARN_MMAP_TRUNCATED) {
        con.begin().str("warning: more than ").dec(MEMORY_MAP_MAX).str(" memory ranges after merging; ");
        con.dec(bs.memory_map_dropped).str(" ranges from ").hex16(bs.memory_map_cut).str(" up are not passed on").end();
    }
    if (bs.warnings & WARN_EFI_UNREACHABLE) {
        con.begin().str("warning: EFI system table at ").hex16(bs.efi_system_table.value);
        con.str(" lies beyond the identity map ").hex16(bs.identity_limit).str("; not read").end();
    }
}

/*
 * One line per module, numbered in the loader's order, with the CRC-32
 * of its bytes [start, end): the tests compare it with the file's, which
 * proves relboot left the module alone.
 */
void print_modules(const BootState& bs, Console& info, Console& con)
{
    const BootModule* mods = phys_ptr<BootModule>(bs.modules);
    for (uint32_t n = 0; n < bs.module_count; ++n) {
        const BootModule& mod = mods[n];
        const uint32_t start = uint32_t(mod.start.value), end = uint32_t(mod.end.value);
        if (mod.end.value > bs.identity_limit) {
            /* mem= left it outside the identity map: reading it would fault. */
            con.begin().str("warning: module ").dec(n).str(" at ").hex8(start).str("..").hex8(end);
            con.str(" lies above the mem= cap ").hex16(bs.identity_limit).str("; not read").end();
            continue;
        }
        const uint32_t crc = crc32(0, phys_ptr<uint8_t>(mod.start), mod.end.value - mod.start.value);
        info.begin().str("module ").dec(n).str(" start=").hex8(start).str(" end=").hex8(end);
        info.str(" crc32=").hex8(crc).chr(' ').quoted(phys_ptr<char>(mod.string), mod.string_len).end();
    }
}

/* debug-fault=ud2-all: set once every CPU waits for it; the APs that wait for it. */
uint32_t fault_go;
uint32_t fault_ready;

/* A parked AP's call: wait for the go, then #UD. */
void fault_on_go(uint32_t)
{
    __atomic_add_fetch(&fault_ready, 1, __ATOMIC_ACQ_REL);
    while (!__atomic_load_n(&fault_go, __ATOMIC_ACQUIRE))
        asm volatile("pause");
    asm volatile("ud2");
}

/*
 * debug-fault=ud2-all (tests): every online CPU raises #UD at the same
 * moment, each on its own IST stack (stage64/cpu_local.h), so that the
 * test can check that CPUs that fault together print whole lines, one
 * each (exception64()).  The APs are called through their mailboxes; the
 * go comes once they all wait for it (at most a second).
 */
[[noreturn]] void fault_everywhere(const BootState& bs)
{
    BootCpu* cpus = reinterpret_cast<BootCpu*>(bs.cpus.value);   /* the CPU table is writable: the mailboxes */
    uint32_t called = 0;
    for (uint32_t i = 0; i < bs.cpu_count; ++i)
        called += smp_call_cpu(cpus, bs.cpu_count, bs.tsc_khz, i, fault_on_go);
    const uint64_t start = x86::rdtsc();
    while (__atomic_load_n(&fault_ready, __ATOMIC_ACQUIRE) < called &&
           x86::rdtsc() - start < tsc_ticks(bs.tsc_khz, 1000000))
        asm volatile("pause");
    __atomic_store_n(&fault_go, 1, __ATOMIC_RELEASE);
    asm volatile("ud2");
    __builtin_unreachable();
}

void print_tsc(const BootState& bs, Console& con)
{
    auto at = [&](TscStamp s) { return bs.tsc[uint32_t(s)]; };
    con.begin().str("tsc phases entry=").dec(at(TscStamp::early_done) - at(TscStamp::entry));
    con.str(" mbi=").dec(at(TscStamp::mbi_done) - at(TscStamp::early_done));
    con.str(" cmdline=").dec(at(TscStamp::cmdline_done) - at(TscStamp::mbi_done));
    con.str(" paging=").dec(at(TscStamp::paging_done) - at(TscStamp::cmdline_done));
    con.str(" longmode=").dec(at(TscStamp::handoff) - at(TscStamp::paging_done)).end();
    con.begin().str("tsc entry_to_handoff=").dec(at(TscStamp::handoff) - at(TscStamp::entry)).end();
    con.begin().str("tsc boot_info=").dec(at(TscStamp::boot_info_done) - at(TscStamp::handoff)).end();
}

/* The memory map, ACPI and EFI lines (docs/report.md); loglvl=debug adds every range. */
void print_platform(const BootState& bs, Console& info, bool debug)
{
    const MemoryRange* map = phys_ptr<MemoryRange>(bs.memory_map);
    if (debug) {
        for (uint32_t i = 0; i < bs.memory_map_count; ++i) {
            info.begin().str("debug: memory base=").hex16(map[i].base.value).str(" size=").hex16(map[i].size);
            info.str(" type=").str(memory_type_name(map[i].type)).end();
        }
    }
    info.begin().str("memory usable_kib=").dec(memory_map_usable_bytes(map, bs.memory_map_count) / 1024);
    info.str(" ranges=").dec(bs.memory_map_count).str(" top=").hex16(memory_map_usable_top(map, bs.memory_map_count));
    info.end();

    info.begin().str("acpi rsdp=");
    if (bs.acpi_rsdp.present())
        info.hex16(bs.acpi_rsdp.value);
    else
        info.str("none");
    info.str(" source=").str(str(bs.acpi_source)).end();

    if (bs.firmware == BootFirmware::efi) {
        const uint32_t entries = bs.efi_mmap_desc_size ? bs.efi_mmap_size / bs.efi_mmap_desc_size : 0;
        info.begin().str("efi systab=").hex16(bs.efi_system_table.value).str(" mmap_entries=").dec(entries).end();
    }
}

} // namespace
} // namespace relboot

using namespace relboot;

extern "C" [[noreturn]] void relboot_main64(BootState* state, uint64_t tsc_handoff)
{
    BootState& bs = *state;
    bs.tsc[uint32_t(TscStamp::handoff)] = tsc_handoff;
    bs.link_base = PhysAddr{LINK_BASE};
    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    bs.cr3 = PhysAddr{cr3 & ~uint64_t(PAGE_SIZE - 1)};

    /* The console the command line chose; loglvl=quiet keeps only warnings, errors and "ok". */
    Console con = report_console(bs.options);
    Console quiet{Uart16550(0)};
    Console& info = bs.options.loglvl == LogLevel::quiet ? quiet : con;
    const bool debug = bs.options.loglvl == LogLevel::debug;
    info.begin().str("relboot ").str(RELBOOT_VERSION).str(" variant=").str(RELBOOT_VARIANT).end();

    /* BootState, complete: the protocol's part, then the firmware's RSDP; the header last. */
    fill_boot_info(bs);
    find_acpi(bs);
    bs.tsc[uint32_t(TscStamp::boot_info_done)] = x86::rdtsc();

    /* The report. */
    info.begin().str("loader=").str(protocol_name(bs.protocol)).str(" firmware=").str(str(bs.firmware));
    if (bs.protocol == Protocol::multiboot2)
        info.str(bs.entry_efi64 ? " entry=efi64 mbi=" : " entry=i386 mbi=");
    else
        info.str(" info=");
    info.hex8(uint32_t(bs.info.value)).end();
    print_base(bs, info, con);
    if (debug && bs.protocol == Protocol::multiboot2)
        multiboot2_print_tags(bs, con);
    if (debug && bs.entry_efi64)
        efi64_print_exit(*phys_ptr<EfiExit>(image_phys(bs, &efi_exit_record)), con);
    const char* cmdline = phys_ptr<char>(bs.cmdline);
    uint32_t cmdline_len = 0;   /* up to the first NUL, as the parser read it */
    while (bs.cmdline.present() && cmdline_len < bs.cmdline_len && cmdline[cmdline_len])
        ++cmdline_len;
    info.begin().str("cmdline ").quoted(cmdline, cmdline_len).end();
    cmdline_report(bs.options, boot_cmdline_spans, cmdline, cmdline_len, info);
    print_warnings(bs, con);
    /* The modules' CRC lines belong to the report; a payload reports itself. */
    const HandoffTarget target = handoff_choose(bs);
    if (target == HandoffTarget::report)
        print_modules(bs, info, con);
    info.begin().str("longmode entry64=").hex16(reinterpret_cast<uint64_t>(relboot_entry64));
    info.str(" cr3=").hex8(uint32_t(bs.cr3.value)).str(" nx=").str(bs.nx ? "on" : "off").end();

    if (bs.options.debug_fault != DebugFault::none && bs.options.debug_fault != DebugFault::ud2_all)
        raise_debug_fault(bs.options.debug_fault, relboot_entry64);

    const uint32_t failed = selftest_paging(bs, con);
    if (!failed)
        info.begin().str("selftest pass").end();
    print_tsc(bs, info);
    if (failed)
        boot_fail(bs.options, BootError{.subject = "selftest", .field = "page tables", .found = failed,
                                        .expected = "no check failed (the selftest fail lines above)",
                                        .found_radix = Radix::dec});
    print_platform(bs, info, debug);
    /*
     * The real-mode BIOS calls (edd=, edid=, vga=), after the report so far
     * (a BIOS that never returns leaves it on the console), then the APs:
     * both use the low page, the BIOS calls first.
     */
    bios_run(bs);
    tsc_measure(bs, info, con);
    smp_boot(bs, info, con);
    if (bs.options.debug_fault == DebugFault::ud2_all)
        fault_everywhere(bs);
    bios_report(bs, info, con);
    handoff(bs, target, info);
}

namespace {

/* CPUs inside exception64(), and the lock that keeps their lines whole. */
uint32_t exceptions_pending;
uint32_t exception_print_lock;
/*
 * How long a CPU that printed its line waits before it ends the run, so
 * that another CPU that faulted at the same moment prints its own: while
 * one is still inside exception64(), and at least this long when other
 * CPUs are online (one that has not yet got there).  Counted in TSC ticks
 * once the rate is known, else in PAUSE turns.
 */
constexpr uint32_t EXCEPTION_GRACE_US = 200000;
constexpr uint64_t EXCEPTION_GRACE_SPINS = 50000000;

} // namespace

/*
 * From exc64_common (idt64.S), on the CPU's own IST stack
 * (stage64/cpu_local.h).  Any CPU may come here, several at once: each
 * prints its whole line under a lock, and the run ends once every CPU
 * that faulted at about the same time has printed (EXCEPTION_GRACE_US).
 */
extern "C" [[noreturn]] void exception64(uint64_t vector, uint64_t error, uint64_t rip, uint64_t cr2)
{
    __atomic_add_fetch(&exceptions_pending, 1, __ATOMIC_ACQ_REL);
    while (__atomic_exchange_n(&exception_print_lock, 1, __ATOMIC_ACQUIRE))
        asm volatile("pause");
    Console con = report_console(boot_state.options);
    print_exception(con, uint32_t(vector), error, rip, cr2);
    __atomic_store_n(&exception_print_lock, 0, __ATOMIC_RELEASE);
    __atomic_sub_fetch(&exceptions_pending, 1, __ATOMIC_ACQ_REL);
    const uint64_t khz = boot_state.tsc_khz, start = x86::rdtsc();
    const bool others = boot_state.cpu_online > 1;
    for (uint64_t spin = 0;; ++spin) {
        const bool grace = others && (khz ? x86::rdtsc() - start < tsc_ticks(khz, EXCEPTION_GRACE_US)
                                          : spin < EXCEPTION_GRACE_SPINS);
        if (!grace && (!__atomic_load_n(&exceptions_pending, __ATOMIC_ACQUIRE) || spin > EXCEPTION_GRACE_SPINS))
            break;
        asm volatile("pause");
    }
    finish(boot_state.options, false);
}
