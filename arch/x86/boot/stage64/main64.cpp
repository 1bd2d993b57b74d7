/*
 * The 64-bit stage: runs at the image's higher-half address with the
 * boot page tables and the 64-bit IDT.  In the order of the boot:
 * the protocol's BootInfo filler, the firmware's ACPI RSDP, the boot
 * report (boot-contract.md), the self-test, and the hand-off.  Past the
 * filler, nothing here reads the loader's structures: only BootInfo.
 */
#include "platform/acpi.h"
#include "bios/bios.h"
#include <relboot/boot_info.h>
#include "cmdline/cmdline_report.h"
#include "lib/console.h"
#include "lib/crc32.h"
#include "lib/debug_fault.h"
#include "protocol/efi_exit.h"
#include <relboot/handoff.h>
#include "stage64/identity_map.h"
#include "stage64/image_symbols.h"
#include "layout.h"
#include "protocol/mbi.h"
#include "platform/memory_map.h"
#include <relboot/spec/multiboot1.h>
#include <relboot/spec/pvh.h>
#include "lib/report.h"
#include "stage64/selftest.h"
#include "smp/smp.h"
#include <x86/io.h>

#ifndef RELBOOT_VERSION
#error "RELBOOT_VERSION comes from the Makefile (git describe)"
#endif
#ifndef RELBOOT_VARIANT
#error "RELBOOT_VARIANT comes from the Makefile (BASE)"
#endif

/* The one BootInfo, in .bss: the 32-bit stage fills its first part through its physical address. */
relboot::BootInfo boot_info;
/*
 * Its tables, valid up to the counts in boot_info: after the page tables,
 * outside the higher-half map (linker script), so they are written and
 * read through the identity map only.
 */
__attribute__((section(".boot_tables"))) relboot::BootTables boot_tables;
/* The command line's spans: in .noinit, valid up to the counts in boot_info.options. */
__attribute__((section(".noinit"))) relboot::CmdlineSpans boot_cmdline_spans;

namespace relboot {

namespace {

const char* str(Firmware f)
{
    return f == Firmware::efi ? "efi" : "bios";
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
 * The protocol's filler: BootInfo from the loader's structures.  Does not
 * return when they are unusable (one "relboot: error:" line).
 */
void fill_boot_info(BootInfo& bi, Console& con)
{
    switch (bi.protocol) {
    case Protocol::multiboot2: {
        const PhysAddr tables = image_phys(bi, &boot_tables);
        /* The EFI amd64 entry: its ExitBootServices() outcome first, and the final map it got. */
        EfiFinalMap final_map{};
        const PhysAddr exit_phys = image_phys(bi, &efi_exit_record);
        if (bi.entry_efi64 && !efi64_final_map(*phys_ptr<EfiExit>(exit_phys), exit_phys, con, &final_map))
            break;
        const MbiScan scan = boot_info_from_multiboot2(bi, *reinterpret_cast<BootTables*>(tables.value), tables,
                                                       phys_ptr<uint8_t>(bi.info), bi.info, MBI_MAX_SIZE,
                                                       bi.entry_efi64 ? &final_map : nullptr);
        if (scan.error == MbiError::none)
            return;
        report_mbi_error(con, scan, uint32_t(bi.info.value));
        break;
    }
    case Protocol::multiboot1:
    case Protocol::pvh: {
        const PhysAddr tables = image_phys(bi, &boot_tables);
        BootTables& t = *reinterpret_cast<BootTables*>(tables.value);
        const PhysMemory mem = identity_memory(&bi.identity_limit);
        const InfoCheck check = bi.protocol == Protocol::multiboot1
                                    ? boot_info_from_multiboot1(bi, t, tables, mem, bi.info)
                                    : boot_info_from_pvh(bi, t, tables, mem, bi.info);
        if (!check.error)
            return;
        report_info_error(con, protocol_name(bi.protocol), bi.info.value, check);
        break;
    }
    default:
        con.begin().str("error: BootInfo has protocol ").dec(uint32_t(bi.protocol)).str(", expected one of protocol.h").end();
        break;
    }
    finish(bi.options, false);
}

/* The firmware's RSDP, found from what BootInfo holds (acpi.h). */
void find_acpi(BootInfo& bi)
{
    if (bi.acpi_source != AcpiSource::none)
        return;     /* the loader said where it is (PVH's rsdp_paddr) */
    const uint8_t* copy = nullptr;
    if (bi.acpi_rsdp_copy.present() && bi.acpi_rsdp_copy.value + bi.acpi_rsdp_copy_len <= bi.identity_limit)
        copy = phys_ptr<uint8_t>(bi.acpi_rsdp_copy);
    if (bi.efi_system_table.present() && bi.efi_system_table.value >= bi.identity_limit)
        bi.warnings |= WARN_EFI_UNREACHABLE;
    const AcpiRsdpFound found =
        acpi_find_rsdp(identity_memory(&bi.identity_limit), bi.efi_system_table, bi.efi_64, copy,
                       copy ? bi.acpi_rsdp_copy_len : 0);
    bi.acpi_rsdp = found.rsdp;
    bi.acpi_source = found.source;
}

void print_base(const BootInfo& bi, Console& info, Console& con)
{
    info.begin().str("base load=").hex8(uint32_t(bi.load_base.value)).str(" link=").hex8(uint32_t(bi.link_base.value));
    info.str(" tag21=");
    if (bi.loader_base.present())
        info.hex8(uint32_t(bi.loader_base.value));
    else
        info.str("none");
    info.str(" source=").str(bi.base_source == BaseSource::loader ? "tag21" : "eip").end();

    if (bi.warnings & WARN_TAG21_MISSING) {
        con.begin().str("warning: the MBI has no load-base-address tag (21); using the EIP-derived base ");
        con.hex8(uint32_t(bi.load_base.value)).end();
    }
    if (bi.warnings & WARN_TAG21_MISMATCH) {
        con.begin().str("warning: load-base-address tag (21) says ").hex8(uint32_t(bi.loader_base.value));
        con.str(" but EIP says ").hex8(uint32_t(bi.load_base.value)).str("; using the EIP-derived base").end();
    }
}

/* Warnings about the CPU, the memory cap and BootInfo's tables (the base's are printed with the base line). */
void print_warnings(const BootInfo& bi, Console& con)
{
    if (bi.warnings & WARN_NO_NX)
        con.begin().str("warning: CPU has no execute-disable (NX); image data stays executable").end();
    if (bi.warnings & WARN_MEM_RAISED) {
        con.begin().str("warning: mem=").hex16(bi.options.mem).str(" is below the image or the MBI; the identity map ");
        con.str("covers up to ").hex16(bi.identity_limit).str(" instead").end();
    }
    if (bi.warnings & WARN_MODULES_TRUNCATED)
        con.begin().str("warning: more than ").dec(MODULES_MAX).str(" modules; the rest are not passed on").end();
    if (bi.warnings & WARN_MMAP_TRUNCATED)
        con.begin().str("warning: more than ").dec(MEMORY_MAP_MAX).str(" memory ranges; the highest are dropped").end();
    if (bi.warnings & WARN_EFI_UNREACHABLE) {
        con.begin().str("warning: EFI system table at ").hex16(bi.efi_system_table.value);
        con.str(" lies beyond the identity map ").hex16(bi.identity_limit).str("; not read").end();
    }
}

/*
 * One line per module, numbered in the loader's order, with the CRC-32
 * of its bytes [start, end): the tests compare it with the file's, which
 * proves relboot left the module alone.
 */
void print_modules(const BootInfo& bi, Console& info, Console& con)
{
    const BootModule* mods = phys_ptr<BootModule>(bi.modules);
    for (uint32_t n = 0; n < bi.module_count; ++n) {
        const BootModule& mod = mods[n];
        const uint32_t start = uint32_t(mod.start.value), end = uint32_t(mod.end.value);
        if (mod.end.value > bi.identity_limit) {
            /* mem= left it outside the identity map: reading it would fault. */
            con.begin().str("warning: module ").dec(n).str(" at ").hex8(start).str("..").hex8(end);
            con.str(" lies above the mem= cap ").hex16(bi.identity_limit).str("; not read").end();
            continue;
        }
        const uint32_t crc = crc32(0, phys_ptr<uint8_t>(mod.start), mod.end.value - mod.start.value);
        info.begin().str("module ").dec(n).str(" start=").hex8(start).str(" end=").hex8(end);
        info.str(" crc32=").hex8(crc).chr(' ').quoted(phys_ptr<char>(mod.string), mod.string_len).end();
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
    con.begin().str("tsc boot_info=").dec(at(TscStamp::boot_info_done) - at(TscStamp::handoff)).end();
}

/* The memory map, ACPI and EFI lines (boot-contract.md); loglvl=debug adds every range. */
void print_platform(const BootInfo& bi, Console& info, bool debug)
{
    const MemoryRange* map = phys_ptr<MemoryRange>(bi.memory_map);
    if (debug) {
        for (uint32_t i = 0; i < bi.memory_map_count; ++i) {
            info.begin().str("debug: memory base=").hex16(map[i].base.value).str(" size=").hex16(map[i].size);
            info.str(" type=").str(memory_type_name(map[i].type)).end();
        }
    }
    info.begin().str("memory usable_kib=").dec(memory_map_usable_bytes(map, bi.memory_map_count) / 1024);
    info.str(" ranges=").dec(bi.memory_map_count).str(" top=").hex16(memory_map_usable_top(map, bi.memory_map_count));
    info.end();

    info.begin().str("acpi rsdp=");
    if (bi.acpi_rsdp.present())
        info.hex16(bi.acpi_rsdp.value);
    else
        info.str("none");
    info.str(" source=").str(str(bi.acpi_source)).end();

    if (bi.firmware == Firmware::efi) {
        const uint32_t entries = bi.efi_mmap_desc_size ? bi.efi_mmap_size / bi.efi_mmap_desc_size : 0;
        info.begin().str("efi systab=").hex16(bi.efi_system_table.value).str(" mmap_entries=").dec(entries).end();
    }
}

} // namespace
} // namespace relboot

using namespace relboot;

extern "C" [[noreturn]] void relboot_main64(BootInfo* bip, uint64_t tsc_handoff)
{
    BootInfo& bi = *bip;
    bi.tsc[uint32_t(TscStamp::handoff)] = tsc_handoff;
    bi.link_base = PhysAddr{LINK_BASE};
    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    bi.cr3 = PhysAddr{cr3 & ~uint64_t(PAGE_SIZE - 1)};

    /* The console the command line chose; loglvl=quiet keeps only warnings, errors and "ok". */
    Console con = report_console(bi.options);
    Console quiet{Uart16550(0)};
    Console& info = bi.options.loglvl == LogLevel::quiet ? quiet : con;
    const bool debug = bi.options.loglvl == LogLevel::debug;
    info.begin().str("relboot ").str(RELBOOT_VERSION).str(" variant=").str(RELBOOT_VARIANT).end();

    /* BootInfo, complete: the protocol's part, then the firmware's RSDP; the header last. */
    fill_boot_info(bi, con);
    find_acpi(bi);
    bi.tsc[uint32_t(TscStamp::boot_info_done)] = x86::rdtsc();
    bi.magic = BOOT_INFO_MAGIC;
    bi.version = BOOT_INFO_VERSION;
    bi.size = sizeof(BootInfo);

    /* The report. */
    info.begin().str("loader=").str(protocol_name(bi.protocol)).str(" firmware=").str(str(bi.firmware));
    if (bi.protocol == Protocol::multiboot2)
        info.str(bi.entry_efi64 ? " entry=efi64 mbi=" : " entry=i386 mbi=");
    else
        info.str(" info=");
    info.hex8(uint32_t(bi.info.value)).end();
    print_base(bi, info, con);
    if (debug && bi.protocol == Protocol::multiboot2)
        multiboot2_print_tags(bi, con);
    if (debug && bi.entry_efi64)
        efi64_print_exit(*phys_ptr<EfiExit>(image_phys(bi, &efi_exit_record)), con);
    const char* cmdline = phys_ptr<char>(bi.cmdline);
    uint32_t cmdline_len = 0;   /* up to the first NUL, as the parser read it */
    while (bi.cmdline.present() && cmdline_len < bi.cmdline_len && cmdline[cmdline_len])
        ++cmdline_len;
    info.begin().str("cmdline ").quoted(cmdline, cmdline_len).end();
    cmdline_report(bi.options, boot_cmdline_spans, cmdline, cmdline_len, info);
    print_warnings(bi, con);
    /* The modules' CRC lines belong to the report; a payload reports itself. */
    const HandoffTarget target = handoff_choose(bi);
    if (target == HandoffTarget::report)
        print_modules(bi, info, con);
    info.begin().str("longmode entry64=").hex16(reinterpret_cast<uint64_t>(relboot_entry64));
    info.str(" cr3=").hex8(uint32_t(bi.cr3.value)).str(" nx=").str(bi.nx ? "on" : "off").end();

    if (bi.options.debug_fault != DebugFault::none)
        raise_debug_fault(bi.options.debug_fault, relboot_entry64);

    const bool pass = selftest_paging(bi, con);
    if (pass)
        info.begin().str("selftest pass").end();
    print_tsc(bi, info);
    if (!pass) {
        con.begin().str("error: self-test failed (see the selftest fail lines above)").end();
        finish(bi.options, false);
    }
    print_platform(bi, info, debug);
    /*
     * The real-mode BIOS calls (edd=, edid=, vga=), after the report so far
     * (a BIOS that never returns leaves it on the console), then the APs:
     * both use the low page, the BIOS calls first.
     */
    bios_run(bi);
    smp_boot(bi, info, con);
    bios_report(bi, info, con);
    handoff(bi, target, info);
}

/* From exc64_common (head64.S), on the exception stack. */
extern "C" [[noreturn]] void exception64(uint64_t vector, uint64_t error, uint64_t rip, uint64_t cr2)
{
    report_exception(boot_info.options, uint32_t(vector), error, rip, cr2);
}
