/*
 * AP bring-up (smp.h): Intel SDM Vol. 3A, 9.4.4 "MP Initialization
 * Example", with the delays Linux uses (arch/x86/kernel/smpboot.c) and
 * Linux 6.5's parallel order: INIT to every AP, the wait once, then SIPI
 * to every AP, twice, then one wait for all of them to check in.
 */
#include "lib/console.h"
#include "stage64/cpu_local.h"
#include "stage64/identity_map.h"
#include "stage64/image_symbols.h"
#include "bios/low_memory.h"
#include "platform/madt.h"
#include "smp/lapic.h"
#include "smp/madt_warnings.h"
#include "smp/smp.h"
#include "smp/trampoline.h"
#include "platform/tsc.h"
#include <x86/apic.h>
#include <x86/cpuid.h>
#include <x86/cr.h>
#include <x86/idt.h>
#include <x86/io.h>
#include <x86/msr.h>

extern "C" {
extern const uint8_t trampoline_start[];
extern const uint8_t trampoline_end[];
extern const uint8_t trampoline_header[];
extern const uint32_t trampoline_rel_start[];
extern const uint32_t trampoline_rel_end[];
extern const char ap_entry64[];
[[noreturn]] void ap_main(uint32_t ticket);
}

/* The APs' stacks, AP_STACK_SIZE each, numbered by ticket: with BootState's tables, outside the higher-half map. */
__attribute__((section(".boot_tables"))) alignas(16) uint8_t ap_stacks[relboot::CPUS_MAX][AP_STACK_SIZE];

/*
 * loglvl=debug: the TSC at which each AP (by CPU table index) ran the
 * call smp_boot() made through its mailbox; 0 = not yet.  In .noinit:
 * cleared before the calls, and the early path does not zero it.
 */
__attribute__((section(".noinit"))) uint64_t ap_call_tsc[relboot::CPUS_MAX];

namespace relboot {

namespace {

/* The SIPI delays (Linux's smpboot.c): after each SIPI 10 us when the INIT wait is skipped, else 300 us and 200 us. */
constexpr uint32_t INIT_DELAY_US = 10000;   /* SDM 9.4.4: 10 ms after INIT */
constexpr uint32_t SIPI_DELAY_US = 10;
constexpr uint32_t SIPI_DELAY_LEGACY_US = 300;
constexpr uint32_t SIPI_SETTLE_LEGACY_US = 200;

/*
 * Whether the SDM's 10 ms wait after INIT can go: Linux drops it
 * (init_udelay = 0) for Intel family >= 6, AMD family >= 0FH and Hygon
 * family >= 18H.
 */
bool init_delay_needed()
{
    const x86::CpuidResult v = x86::cpuid(0);
    const uint32_t sig = x86::cpuid(CPUID_LEAF_FEATURES).eax;
    uint32_t family = (sig >> 8) & 0xf;
    if (family == 0xf)
        family += (sig >> 20) & 0xff;
    if (v.ebx == 0x756e6547 && v.edx == 0x49656e69 && v.ecx == 0x6c65746e)   /* "GenuineIntel" */
        return family < 6;
    if (v.ebx == 0x68747541 && v.edx == 0x69746e65 && v.ecx == 0x444d4163)   /* "AuthenticAMD" */
        return family < 0xf;
    if (v.ebx == 0x6f677948 && v.edx == 0x6e65476e && v.ecx == 0x656e6975)   /* "HygonGenuine" */
        return family < 0x18;
    return true;
}

BootCpu* cpu_table(const BootState& bs)
{
    return reinterpret_cast<BootCpu*>(bs.cpus.value);
}

uint32_t flags_of(const BootCpu& c)
{
    return __atomic_load_n(&c.flags, __ATOMIC_ACQUIRE);
}

/* Waits until every CPU in cpus[0, n) that was started is online, or until SMP_CHECKIN_US have passed. */
void await_checkins(const BootCpu* cpus, uint32_t n, uint64_t khz)
{
    const uint64_t start = x86::rdtsc(), bound = tsc_ticks(khz, SMP_CHECKIN_US);
    for (;;) {
        bool all = true;
        for (uint32_t i = 0; i < n && all; ++i)
            all = !(flags_of(cpus[i]) & BOOT_CPU_STARTED) || (flags_of(cpus[i]) & BOOT_CPU_ONLINE);
        if (all || x86::rdtsc() - start > bound)
            return;
        asm volatile("pause");
    }
}

/* loglvl=debug's call through the mailbox: stamps when this AP ran it. */
void stamp_call(uint32_t cpu)
{
    __atomic_store_n(&ap_call_tsc[cpu], x86::rdtsc(), __ATOMIC_RELEASE);
}

/*
 * loglvl=debug: runs stamp_call() on every online AP through smp_call()
 * (handoff.h's protocol: the mailbox, then the wake-up IPI), all at once,
 * and waits SMP_CHECKIN_US at most for the stamps.  Returns the TSC at the
 * first call; an AP that never ran it is a warning naming its APIC ID.
 */
uint64_t call_parked_aps(const BootState& bs, const BootCpu* cpus, Console& con)
{
    __builtin_memset(ap_call_tsc, 0, sizeof ap_call_tsc);
    const uint64_t start = x86::rdtsc(), bound = tsc_ticks(bs.tsc_khz, SMP_CHECKIN_US);
    bool called[CPUS_MAX] = {};
    for (uint32_t i = 0; i < bs.cpu_count; ++i)
        called[i] = smp_call_cpu(cpu_table(bs), bs.cpu_count, bs.tsc_khz, i, stamp_call);
    for (uint32_t i = 0; i < bs.cpu_count; ++i) {
        while (called[i] && !__atomic_load_n(&ap_call_tsc[i], __ATOMIC_ACQUIRE) && x86::rdtsc() - start < bound)
            asm volatile("pause");
        if (called[i] && !__atomic_load_n(&ap_call_tsc[i], __ATOMIC_ACQUIRE)) {
            con.begin().str("warning: CPU with APIC ID ").dec(cpus[i].apic_id).str(" did not run a call through its mailbox within ");
            con.dec(SMP_CHECKIN_US / 1000).str(" ms").end();
        }
    }
    return start;
}

/*
 * The trampoline: copied to page (free RAM, prepare() chose it),
 * relocated, its header filled.  False, after a warning on con, when the
 * assembler's relocation list does not fit the blob.
 */
bool install_trampoline(const BootState& bs, PhysAddr page, uint32_t tickets, Console& con)
{
    uint8_t* dst = reinterpret_cast<uint8_t*>(page.value);
    const uint32_t size = uint32_t(trampoline_end - trampoline_start);
    __builtin_memcpy(dst, trampoline_start, size);
    if (!trampoline_relocate(dst, size, trampoline_rel_start, uint32_t(trampoline_rel_end - trampoline_rel_start),
                             uint32_t(page.value))) {
        con.begin().str("warning: the AP trampoline's relocation list does not fit the blob; starting no other CPU").end();
        return false;
    }
    TrampolineHeader& h = *reinterpret_cast<TrampolineHeader*>(dst + (trampoline_header - trampoline_start));
    h.cr3 = uint32_t(bs.cr3.value);
    h.efer = EFER_LME | (bs.nx ? EFER_NXE : 0);
    h.entry64 = reinterpret_cast<uint64_t>(ap_entry64);
    h.stacks = image_phys(bs, ap_stacks).value;
    h.ticket = 0;
    h.tickets_max = tickets;
    return true;
}

/* The report's cpus line; loglvl=debug first adds the TSC rate and one line per CPU of the table. */
void print_cpus(const BootState& bs, const BootCpu* cpus, uint64_t first, uint64_t called, Console& info)
{
    if (bs.options.loglvl == LogLevel::debug) {
        info.begin().str("debug: tsc_khz=").dec(bs.tsc_khz).end();
        for (uint32_t i = 0; i < bs.cpu_count; ++i) {
            info.begin().str("debug: cpu apic_id=").dec(cpus[i].apic_id).str(" flags=").hex(cpus[i].flags, 2);
            info.str(" checkin_us=").dec(cpus[i].checkin_tsc ? tsc_us(bs.tsc_khz, cpus[i].checkin_tsc - first) : 0);
            info.str(" call_us=").dec(called && ap_call_tsc[i] ? tsc_us(bs.tsc_khz, ap_call_tsc[i] - called) : 0);
            info.end();
        }
    }
    info.begin().str("cpus online=").dec(bs.cpu_online).str(" of=").dec(bs.cpu_enabled);
    info.str(" apic=").str(bs.x2apic ? "x2apic" : "xapic").str(" bringup_us=").dec(bs.bringup_us).end();
}

/*
 * BootState's CPU table from the MADT (enabled and online-capable CPUs
 * that mode can address, each APIC ID once, the BSP flagged), or the BSP
 * alone with a warning when the MADT is missing, broken or does not list
 * the BSP.  The entries the walk set aside are warnings
 * (print_madt_warnings()).  Returns whether APs may be started.
 */
bool fill_cpu_table(BootState& bs, BootCpu* cpus, uint32_t bsp_id, x86::ApicMode mode, Console& con)
{
    MadtCpu madt[CPUS_MAX];
    const MadtScan scan = acpi_madt_cpus(identity_memory(&bs.identity_limit), bs.acpi_rsdp, mode, madt, CPUS_MAX);
    print_madt_warnings(scan, mode, con);
    bool bsp_listed = false;
    for (uint32_t i = 0; i < scan.cpu_count; ++i)
        bsp_listed = bsp_listed || madt[i].apic_id == bsp_id;

    if (scan.error != MadtError::none) {
        /* mem= may leave the firmware's tables outside the identity map: say so rather than "unreadable". */
        con.begin().str("warning: ACPI MADT: ");
        if (scan.where >= bs.identity_limit)
            con.str("the table at ").hex16(scan.where).str(" lies beyond the identity map ").hex16(bs.identity_limit);
        else if (scan.where)
            con.str(madt_error_text(scan.error)).str(" at ").hex16(scan.where);
        else
            con.str(madt_error_text(scan.error));
        con.str("; starting no other CPU").end();
    } else if (!bsp_listed) {
        con.begin().str("warning: ACPI MADT does not list the BSP (APIC ID ").dec(bsp_id);
        con.str("); starting no other CPU").end();
    }
    if (scan.error != MadtError::none || !bsp_listed) {
        cpus[0] = BootCpu{bsp_id, 0, BOOT_CPU_ENABLED | BOOT_CPU_BSP | BOOT_CPU_ONLINE, 0, 0, 0};
        bs.bsp_index = 0;
        bs.cpu_count = bs.cpu_enabled = bs.cpu_online = 1;
        return false;
    }
    if (scan.dropped) {
        con.begin().str("warning: the MADT lists ").dec(scan.dropped).str(" CPUs beyond ").dec(CPUS_MAX);
        con.str("; they are not started").end();
    }
    for (uint32_t i = 0; i < scan.cpu_count; ++i) {
        const uint32_t flags = (madt[i].flags & MADT_CPU_ENABLED ? BOOT_CPU_ENABLED : 0u) |
                               (madt[i].flags & MADT_CPU_ONLINE_CAPABLE ? BOOT_CPU_ONLINE_CAPABLE : 0u) |
                               (madt[i].apic_id == bsp_id ? BOOT_CPU_BSP | BOOT_CPU_ONLINE : 0u);
        cpus[i] = BootCpu{madt[i].apic_id, madt[i].uid, flags, 0, 0, 0};
        if (madt[i].apic_id == bsp_id)
            bs.bsp_index = i;
    }
    bs.cpu_count = scan.cpu_count;
    bs.cpu_enabled = scan.enabled;
    bs.cpu_online = 1;
    return true;
}

/* Marks the APs to start (enabled; none with nosmp; maxcpus= counts the BSP, Xen's meaning); returns how many. */
uint32_t choose_aps(const BootState& bs, BootCpu* cpus)
{
    if (flag_value(bs.options, OptionId::nosmp, false))
        return 0;
    uint32_t wanted = 0;
    for (uint32_t i = 0; i < bs.cpu_count; ++i) {
        if (!(cpus[i].flags & BOOT_CPU_ENABLED) || (cpus[i].flags & BOOT_CPU_BSP))
            continue;
        if (bs.options.maxcpus && wanted + 1 >= bs.options.maxcpus)
            break;
        cpus[i].flags |= BOOT_CPU_STARTED;
        ++wanted;
    }
    return wanted;
}

/*
 * Everything the bring-up needs, decided before the first byte of the
 * page is written: the APIC enabled and reachable, a page.
 * False after one warning line.
 */
bool prepare(BootState& bs, uint64_t apic_base, LocalApic* apic, PhysAddr* page, Console& con)
{
    if (!(apic_base & APIC_BASE_EN)) {
        con.begin().str("warning: the local APIC is disabled (IA32_APIC_BASE.EN = 0); starting no other CPU").end();
        return false;
    }
    if (!apic_reachable(apic_base, bs.identity_limit)) {
        con.begin().str("warning: the local APIC page ").hex16(apic_base & APIC_BASE_ADDR_MASK);
        con.str(" lies beyond the identity map ");
        con.hex16(bs.identity_limit).str("; starting no other CPU").end();
        return false;
    }
    *apic = running_apic(apic_base, 0);

    /* Below the EBDA (the BIOS data area's word at 40EH) and the video area; EFI leaves the word 0. */
    const uint64_t limit = low_memory_limit(identity_memory(&bs.identity_limit));
    *page = low_memory_page(phys_ptr<MemoryRange>(bs.memory_map), bs.memory_map_count, limit);
    if (!page->present()) {
        con.begin().str("warning: no free 4 KiB page below ").hex8(uint32_t(limit));
        con.str(" for the AP trampoline; starting no other CPU").end();
        return false;
    }

    apic->tsc_khz = bs.tsc_khz;     /* tsc_measure() ran before */
    return true;
}

/*
 * INIT, the wait, SIPI, SIPI (Intel SDM Vol. 3A, 9.4.4; Linux's delays)
 * to the APs marked STARTED, then the wait for their check-in: all at
 * once, or (parallel false) each one awaited before the next.  An AP the
 * APIC refuses to send INIT to (LocalApic::send(): the BSP's own APIC ID,
 * or one the mode cannot address, whatever the table says) loses its
 * STARTED flag, gets no SIPI and is a warning on con.
 */
void start_aps(const BootState& bs, BootCpu* cpus, const LocalApic& apic, PhysAddr page, bool parallel, Console& con)
{
    const bool legacy = init_delay_needed();
    const uint64_t khz = bs.tsc_khz;
    for (uint32_t from = 0; from < bs.cpu_count;) {
        const uint32_t to = parallel ? bs.cpu_count : from + 1;
        auto each_started = [&](auto&& f) {
            for (uint32_t i = from; i < to; ++i)
                if (cpus[i].flags & BOOT_CPU_STARTED)
                    f(cpus[i]);
        };
        bool any = false;
        each_started([&](BootCpu&) { any = true; });
        if (any) {
            each_started([&](BootCpu& c) {
                if (apic.init(c.apic_id))
                    return;
                c.flags &= ~BOOT_CPU_STARTED;
                con.begin().str("warning: CPU with APIC ID ").dec(c.apic_id);
                if (c.apic_id == apic.self)
                    con.str(" is the BSP itself");
                else
                    con.str(apic.mode() == x86::ApicMode::x2apic ? " is beyond what x2APIC" : " is beyond what xAPIC")
                        .str(" mode can address");
                con.str("; no INIT sent, not started").end();
            });
            if (legacy)
                tsc_delay_us(khz, INIT_DELAY_US);
            for (int n = 0; n < 2; ++n) {
                each_started([&](BootCpu& c) { apic.sipi(c.apic_id, page); });
                tsc_delay_us(khz, legacy ? SIPI_DELAY_LEGACY_US : SIPI_DELAY_US);
                if (legacy)
                    tsc_delay_us(khz, SIPI_SETTLE_LEGACY_US);
            }
            await_checkins(cpus + from, to - from, khz);
        }
        from = to;
    }
}

} // namespace

void smp_boot(BootState& bs, Console& info, Console& con)
{
    BootCpu* cpus = reinterpret_cast<BootCpu*>(image_phys(bs, boot_tables.cpus).value);
    bs.cpus = PhysAddr{reinterpret_cast<uint64_t>(cpus)};
    const uint64_t apic_base = x86::rdmsr(MSR_IA32_APIC_BASE);
    bs.x2apic = (apic_base & APIC_BASE_EXTD) != 0;

    LocalApic apic{nullptr, 0, 0};
    PhysAddr page{0};
    const bool madt_ok =
        fill_cpu_table(bs, cpus, own_apic_id(), bs.x2apic ? x86::ApicMode::x2apic : x86::ApicMode::xapic, con);
    const uint32_t wanted = madt_ok ? choose_aps(bs, cpus) : 0;
    if (!wanted || !prepare(bs, apic_base, &apic, &page, con) || !install_trampoline(bs, page, wanted, con)) {
        for (uint32_t i = 0; i < bs.cpu_count; ++i)
            cpus[i].flags &= ~BOOT_CPU_STARTED;
        print_cpus(bs, cpus, 0, 0, info);
        return;
    }
    bs.trampoline = page;

    const uint64_t first = x86::rdtsc();
    start_aps(bs, cpus, apic, page, flag_value(bs.options, OptionId::smp_parallel, true), con);

    /*
     * The report, and a warning for each AP that never checked in.  The
     * latency ends at the last check-in as the AP stamped it (the TSCs
     * of one machine agree), not when the BSP's poll noticed it.
     */
    uint64_t last = first;
    for (uint32_t i = 0; i < bs.cpu_count; ++i) {
        if (!(cpus[i].flags & BOOT_CPU_STARTED))
            continue;
        if (flags_of(cpus[i]) & BOOT_CPU_ONLINE) {
            ++bs.cpu_online;
            last = cpus[i].checkin_tsc > last ? cpus[i].checkin_tsc : last;
            continue;
        }
        con.begin().str("warning: CPU with APIC ID ").dec(cpus[i].apic_id).str(" did not check in within ");
        con.dec(SMP_CHECKIN_US / 1000).str(" ms after its SIPIs; going on without it").end();
    }
    bs.bringup_us = uint32_t(tsc_us(bs.tsc_khz, last - first));
    const uint64_t called = bs.options.loglvl == LogLevel::debug ? call_parked_aps(bs, cpus, con) : 0;
    info.begin().str("trampoline phys=").hex8(uint32_t(page.value)).end();
    print_cpus(bs, cpus, first, called, info);
}

bool smp_call_cpu(BootCpu* cpus, uint32_t count, uint64_t tsc_khz, uint32_t cpu, void (*f)(uint32_t))
{
    if (cpu >= count || !f)
        return false;
    BootCpu& c = cpus[cpu];
    if ((c.flags & BOOT_CPU_BSP) || !(flags_of(c) & BOOT_CPU_ONLINE))
        return false;
    const LocalApic apic = running_apic(x86::rdmsr(MSR_IA32_APIC_BASE), tsc_khz);
    if (!ipi_destination_ok(c.apic_id, apic.self, apic.mode()))
        return false;       /* decided before the mailbox is written: send() would refuse it */
    uint64_t idle = 0;
    if (!__atomic_compare_exchange_n(&c.mailbox, &idle, reinterpret_cast<uint64_t>(f), false, __ATOMIC_RELEASE,
                                     __ATOMIC_RELAXED))
        return false;
    return apic.send(c.apic_id, APIC_ICR_DM_FIXED | VEC_AP_WAKE);
}

bool smp_call(const BootInfo& bi, uint32_t cpu, void (*f)(uint32_t))
{
    return smp_call_cpu(reinterpret_cast<BootCpu*>(bi.cpus.value), bi.cpu_count, bi.tsc_khz, cpu, f);
}

void smp_reset_aps(const BootState& bs)
{
    BootCpu* cpus = cpu_table(bs);
    const LocalApic apic = running_apic(x86::rdmsr(MSR_IA32_APIC_BASE), bs.tsc_khz);
    for (uint32_t i = 0; i < bs.cpu_count; ++i) {
        if ((cpus[i].flags & BOOT_CPU_BSP) || !(flags_of(cpus[i]) & BOOT_CPU_ONLINE))
            continue;
        apic.init(cpus[i].apic_id);
        __atomic_and_fetch(&cpus[i].flags, ~uint32_t(BOOT_CPU_ONLINE), __ATOMIC_RELEASE);
    }
}

} // namespace relboot

using namespace relboot;

/*
 * An AP in the image (from ap_entry64, on its own stack): enables its
 * local APIC for the wake-up IPI, checks in under its APIC ID, then parks
 * (handoff.h): halted with interrupts off but for the HLT itself, looking
 * at its mailbox after every wake-up and calling what is written there.
 */
extern "C" [[noreturn]] void ap_main(uint32_t ticket)
{
    /* Its own TSS and exception stacks first (slot 0 is the BSP's); the CPU table is searched by APIC ID. */
    cpu_local_load(ticket + 1);
    BootCpu* cpus = cpu_table(boot_state);
    const uint32_t id = own_apic_id();
    const uint64_t apic_base = x86::rdmsr(MSR_IA32_APIC_BASE);
    BootCpu* me = nullptr;
    for (uint32_t i = 0; i < boot_state.cpu_count && !me; ++i)
        if (cpus[i].apic_id == id && (cpus[i].flags & BOOT_CPU_STARTED))
            me = &cpus[i];
    /* Not one relboot started, or an APIC page it cannot reach: it never checks in (the BSP warns). */
    if (!me || !apic_reachable(apic_base, boot_state.identity_limit))
        for (;;)
            asm volatile("cli; hlt");
    running_apic(apic_base, 0).enable();
    me->checkin_tsc = x86::rdtsc();
    __atomic_or_fetch(&me->flags, BOOT_CPU_ONLINE, __ATOMIC_RELEASE);
    for (;;) {
        const uint64_t entry = __atomic_load_n(&me->mailbox, __ATOMIC_ACQUIRE);
        if (entry) {
            __atomic_store_n(&me->mailbox, 0, __ATOMIC_RELAXED);
            reinterpret_cast<void (*)(uint32_t)>(entry)(uint32_t(me - cpus));
            continue;
        }
        /*
         * A wake-up IPI (VEC_AP_WAKE, idt64.S) sent after the load stays
         * pending while IF = 0; STI opens the window only after HLT has
         * begun (its one-instruction shadow), so it ends the HLT rather
         * than coming before it and being lost.
         */
        asm volatile("sti; hlt; cli" ::: "memory");
    }
}
