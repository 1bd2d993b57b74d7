/*
 * The smallest hypervisor that links with relboot (README.md beside it).
 * Its strong hypervisor_entry() replaces relboot's weak one: it checks the
 * BootInfo, prints it on relboot's console, runs a function on each parked
 * AP through smp_call() and ends the run.  It sees relboot only through
 * include/relboot; handoff.h states what holds when it is entered.
 */
#include <relboot/bios_info.h>
#include <relboot/handoff.h>

namespace {

using namespace relboot;

const BootInfo* boot;                       /* set before anything reads it, the APs included */
uint16_t console_port;                      /* BootInfo.console_port; 0: print nothing */
constexpr uint32_t MAX_CPUS = 256;          /* CPUs past this one are not called */
constexpr uint64_t WAIT_MS = 1000;          /* how long to wait for each AP, by the TSC */
constexpr uint64_t WAIT_SPINS = 100000000;  /* the same without BootInfo.tsc_khz: a bounded spin */
uint32_t answer[MAX_CPUS];                  /* cpu + 1 once AP cpu ran ap_hello(); stored after cpuid_apic_id */
uint32_t cpuid_apic_id[MAX_CPUS];           /* that AP's APIC ID as its own CPUID gives it */

uint8_t inb(uint16_t port) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
uint64_t rdtsc() { uint32_t lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return uint64_t(hi) << 32 | lo; }

/* One byte to the 16550 relboot set up: wait (bounded) for LSR.THRE (port + 5, bit 5), then write THR. */
void putc(char c)
{
    if (!console_port)
        return;
    for (uint32_t i = 0; i < 100000 && !(inb(uint16_t(console_port + 5)) & 0x20); ++i)
        asm volatile("pause");
    outb(console_port, uint8_t(c));
}

/* One report line: "hypervisor: " first, CR LF when the temporary goes away (at the end of the statement). */
struct Line {
    Line() { str("hypervisor: "); }
    ~Line() { str("\r\n"); }
    Line& str(const char* s) { while (*s) putc(*s++); return *this; }
    Line& hex(uint64_t v, int digits = 16)
    {
        for (str("0x"); digits--;)
            putc("0123456789abcdef"[(v >> 4 * digits) & 15]);
        return *this;
    }
    Line& dec(uint64_t v)
    {
        char d[20];
        int n = 0;
        do d[n++] = char('0' + v % 10); while (v /= 10);
        while (n)
            putc(d[--n]);
        return *this;
    }
    Line& quoted(const char* s, uint32_t len)   /* printable ASCII as it is, other bytes as '?' */
    {
        putc('"');
        for (uint32_t i = 0; i < len; ++i)
            putc(s[i] >= ' ' && s[i] <= '~' ? s[i] : '?');
        putc('"');
        return *this;
    }
};

/* A table or string of BootInfo: its pointer when [a, a + bytes) is identity-mapped (handoff.h), else null. */
template <class T> const T* phys(PhysAddr a, uint64_t bytes)
{
    const uint64_t limit = boot->identity_limit;
    return a.present() && a.value < limit && bytes <= limit - a.value ? reinterpret_cast<const T*>(a.value) : nullptr;
}

const char* type_name(MemoryType t)
{
    switch (t) {
    case MemoryType::usable: return "usable";
    case MemoryType::reserved: return "reserved";
    case MemoryType::acpi_reclaimable: return "acpi_reclaimable";
    case MemoryType::acpi_nvs: return "acpi_nvs";
    case MemoryType::bad: return "bad";
    case MemoryType::relboot: return "relboot";
    case MemoryType::boot_data: return "boot_data";
    case MemoryType::module: return "module";
    }
    return "unknown";
}

/* Whether the word s[0, n) starts with p. */
bool starts_with(const char* s, uint32_t n, const char* p)
{
    for (uint32_t i = 0; p[i]; ++i)
        if (i == n || s[i] != p[i])
            return false;
    return true;
}

/*
 * The hypervisor's own option: debug-exit=<port> (0x<hex> or decimal) among the words before a "--" word,
 * the last one wins; 0 when there is none or it is not a port.  Words are separated by spaces and control bytes.
 */
uint16_t debug_exit_port(const char* s, uint32_t len)
{
    uint32_t port = 0;
    for (uint32_t w = 0, end; w < len; w = end + 1) {
        for (end = w; end < len && uint8_t(s[end]) > ' '; ++end) {}
        if (end - w == 2 && starts_with(s + w, 2, "--"))
            break;
        if (!starts_with(s + w, end - w, "debug-exit="))
            continue;
        const bool hex = starts_with(s + w, end - w, "debug-exit=0x") || starts_with(s + w, end - w, "debug-exit=0X");
        port = 0;
        for (uint32_t i = w + sizeof "debug-exit=" - 1 + (hex ? 2 : 0); i < end && port <= 0xffff; ++i) {
            const char c = s[i];
            uint32_t digit = 0x10000;   /* not a digit: the port comes out too large */
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                digit = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                digit = c - 'A' + 10;
            port = port * (hex ? 16 : 10) + digit;
        }
    }
    return port <= 0xffff ? uint16_t(port) : 0;
}

/* On AP cpu, through smp_call(): its APIC ID by CPUID (SDM Vol. 2A: 01H EBX[31:24]; x2APIC: 0BH EDX), the answer. */
void ap_hello(uint32_t cpu)
{
    if (cpu >= MAX_CPUS)
        return;
    const bool x2apic = boot->flags & BOOT_INFO_X2APIC;
    uint32_t a, b, c, d;
    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(x2apic ? 0xb : 1), "c"(0));
    cpuid_apic_id[cpu] = x2apic ? d : b >> 24;
    __atomic_store_n(&answer[cpu], cpu + 1, __ATOMIC_RELEASE);
}

/* Whether AP cpu answers within WAIT_MS (by the TSC) or WAIT_SPINS (when the TSC's rate is not known). */
bool wait_answer(uint32_t cpu)
{
    const uint64_t start = rdtsc();
    for (uint64_t spin = 0; __atomic_load_n(&answer[cpu], __ATOMIC_ACQUIRE) != cpu + 1; ++spin) {
        if (boot->tsc_khz ? rdtsc() - start > boot->tsc_khz * WAIT_MS : spin > WAIT_SPINS)
            return false;
        asm volatile("pause");
    }
    return true;
}

/* The end of the run: 0x10 (pass) or 0x11 (fail) to the debug-exit port (QEMU exits 33 or 35), else halt. */
[[noreturn]] void finish(uint16_t debug_exit, bool ok)
{
    if (debug_exit)
        outb(debug_exit, ok ? 0x10 : 0x11);
    for (;;)
        asm volatile("cli; hlt");
}

} // namespace

[[noreturn]] void relboot::hypervisor_entry(const BootInfo& bi)
{
    if (!boot_info_valid(bi)) {
        console_port = 0x3f8;   /* no field can be trusted, the console's neither: COM1 */
        Line().str("error: BootInfo not valid: magic=").hex(bi.magic, 8).str(" version=").dec(bi.version);
        finish(0, false);
    }
    boot = &bi;
    console_port = bi.console_port;
    const char* protocols[] = {"?", "multiboot2", "multiboot1", "pvh"};
    Line().str("bootinfo version=").dec(bi.version).str(" size=").dec(bi.size)
        .str(" protocol=").str(protocols[uint8_t(bi.protocol) < 4 ? uint8_t(bi.protocol) : 0])
        .str(" firmware=").str(bi.firmware == BootFirmware::efi ? "efi" : "bios")
        .str(" load_base=").hex(bi.load_base.value).str(" cr3=").hex(bi.cr3.value)
        .str(" identity_limit=").hex(bi.identity_limit);
    const char* cmdline = phys<char>(bi.cmdline, bi.cmdline_len);
    const uint32_t cmdline_len = cmdline ? bi.cmdline_len : 0;
    Line().str("cmdline ").quoted(cmdline, cmdline_len);

    const auto* map = phys<MemoryRange>(bi.memory_map, uint64_t(bi.memory_map_count) * sizeof(MemoryRange));
    for (uint32_t i = 0; map && i < bi.memory_map_count; ++i)
        Line().str("memory base=").hex(map[i].base.value).str(" size=").hex(map[i].size)
            .str(" type=").str(type_name(map[i].type));
    const auto* modules = phys<BootModule>(bi.modules, uint64_t(bi.module_count) * sizeof(BootModule));
    for (uint32_t i = 0; modules && i < bi.module_count; ++i) {
        const char* s = phys<char>(modules[i].string, modules[i].string_len);
        Line().str("module ").dec(i).str(" start=").hex(modules[i].start.value)
            .str(" end=").hex(modules[i].end.value).str(" ").quoted(s, s ? modules[i].string_len : 0);
    }
    if (const auto* bios = phys<BiosInfo>(bi.bios, sizeof(BiosInfo)))
        Line().str("bios disks=").dec(bios->disks).str(" vbe=").hex(bios->vbe_version, 4);

    /* Every CPU; then each online AP runs ap_hello() and must answer. */
    const auto* cpus = phys<BootCpu>(bi.cpus, uint64_t(bi.cpu_count) * sizeof(BootCpu));
    for (uint32_t i = 0; cpus && i < bi.cpu_count; ++i)
        Line().str("cpu ").dec(i).str(" apic_id=").dec(cpus[i].apic_id).str(" flags=").hex(cpus[i].flags, 2)
            .str(cpus[i].flags & BOOT_CPU_BSP ? " bsp" : "").str(cpus[i].flags & BOOT_CPU_ONLINE ? " online" : "");
    uint32_t aps = 0, answered = 0;
    for (uint32_t i = 0; cpus && i < bi.cpu_count && i < MAX_CPUS; ++i) {
        if ((cpus[i].flags & BOOT_CPU_BSP) || !(cpus[i].flags & BOOT_CPU_ONLINE))
            continue;
        ++aps;
        if (!smp_call(bi, i, ap_hello) || !wait_answer(i)) {
            Line().str("ap ").dec(i).str(" apic_id=").dec(cpus[i].apic_id).str(" no answer");
            continue;
        }
        ++answered;
        Line().str("ap ").dec(i).str(" apic_id=").dec(cpus[i].apic_id)
            .str(" answered cpuid_apic_id=").dec(cpuid_apic_id[i]);
    }
    Line().str("aps answered=").dec(answered).str(" of=").dec(aps);

    if (answered == aps)
        Line().str("ok");
    else
        Line().str("error: ").dec(aps - answered).str(" of ").dec(aps).str(" APs did not answer");
    finish(debug_exit_port(cmdline, cmdline_len), answered == aps);
}
