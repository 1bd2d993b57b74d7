/*
 * The vCPUs on the machine (vcpu.h, "64-bit stage only"): the running
 * CPU's physical local APIC behind the guest's, the IPIs the guest asks
 * for, the NMI kicks, the console lock and the end of a run.  Every
 * function runs on the vCPU's own CPU, in host mode, with interrupts off.
 */
#include "payload/vcpu/vcpu.h"
#include "lib/console.h"
#include "lib/report.h"
#include "payload/vcpu/msr.h"
#include "smp/lapic.h"
#include "stage64/cpu_local.h"
#include "stage64/image_symbols.h"
#include <x86/apic.h>
#include <x86/cr.h>
#include <x86/io.h>
#include <x86/msr.h>
#include <x86/segment.h>

namespace relboot {

namespace {

/* The console the vCPUs' info lines go to, and the lock that keeps lines whole. */
constinit Console info_console{Uart16550()};
uint32_t console_lock_word;

LocalApic running(const Vcpu& v)
{
    return LocalApic{reinterpret_cast<volatile uint32_t*>(v.apic_mmio), boot_state.tsc_khz, v.apic_id};
}

/* NMI to t: counted in t.kicks first, so that t never takes it for the guest's own (vcpu_nmis_unclaimed()). */
void kick(const Vcpu& from, Vcpu& t)
{
    __atomic_add_fetch(&t.kicks, 1, __ATOMIC_ACQ_REL);
    running(from).send(t.apic_id, APIC_ICR_DM_NMI);
}

VcpuState state_of(const Vcpu& v)
{
    return VcpuState(__atomic_load_n(&v.state, __ATOMIC_ACQUIRE));
}

} // namespace

uint32_t vcpu_cpu_slot()
{
    uint16_t tr = 0;
    asm volatile("str %0" : "=r"(tr));
    return (uint32_t(tr) - SEL_TSS0) / GDT_TSS_DESC_SIZE;
}

void vcpu_host_enter(VcpuTable& table, Vcpu& v, bool bsp)
{
    v.slot = vcpu_cpu_slot();
    const uint64_t apic_base = x86::rdmsr(MSR_IA32_APIC_BASE);
    v.apic_mmio = (apic_base & APIC_BASE_EXTD) ? 0 : (apic_base & APIC_BASE_ADDR_MASK);
    if (table.x2apic) {
        /* x2APIC: the LDR is the hardware's, derived from the ID (SDM 11.12.10.2); read it for routing. */
        uint64_t ldr = 0;
        if (vcpu_rdmsr_safe(MSR_X2APIC_LDR, &ldr))
            __atomic_store_n(&table.apic[v.index].ldr, uint32_t(ldr), __ATOMIC_RELAXED);
    }
    v.nmis_seen = vcpu_nmi_count(v.slot);
    if (v.slot < CPU_SLOTS)     /* else (no TSS of relboot's: cannot happen after cpu_local_load()) NMIs stay errors */
        __atomic_store_n(&nmi_quiet[v.slot], 1, __ATOMIC_RELEASE);
    __atomic_store_n(&v.state, uint32_t(bsp ? VcpuState::running : VcpuState::wait_for_sipi), __ATOMIC_RELEASE);
}

uint32_t vcpu_nmi_count(uint32_t slot)
{
    return slot < CPU_SLOTS ? __atomic_load_n(&nmi_count[slot], __ATOMIC_ACQUIRE) : 0;
}

void vcpu_send_ipi(VcpuTable& table, Vcpu& v, uint32_t icr_low, uint32_t dest)
{
    const IpiPlan plan = apic_icr_plan(icr_low, dest, table.x2apic, table.apic, table.count, v.index);
    uint32_t dropped = plan.dropped;
    const uint64_t owned = vcpu_ipi_owned(plan, __atomic_load_n(&table.present, __ATOMIC_ACQUIRE), &dropped);
    v.n.dropped += dropped;
    const LocalApic apic = running(v);
    for (uint32_t i = 0; i < table.count; ++i) {
        if (!(owned >> i & 1))
            continue;
        Vcpu& t = table.vcpus[i];
        const bool self = &t == &v;
        switch (plan.kind) {
        case IpiKind::fixed:
        case IpiKind::lowest_priority:
            if (state_of(t) != VcpuState::running)
                continue;       /* wait-for-SIPI takes no interrupt */
            if (self)
                apic.send_self(APIC_ICR_DM_FIXED | plan.vector);
            else
                apic.send(t.apic_id, APIC_ICR_DM_FIXED | plan.vector);
            break;
        case IpiKind::nmi:
            vcpu_post_nmi(t);
            break;
        case IpiKind::init:
            vcpu_post_init(t);
            break;
        case IpiKind::sipi:
            vcpu_post_sipi(t, plan.vector);
            break;
        default:
            continue;           /* INIT level de-assert: nothing to do */
        }
        ++v.n.ipi;
        if (!self && (plan.kind == IpiKind::nmi || plan.kind == IpiKind::init || plan.kind == IpiKind::sipi))
            kick(v, t);
    }
}

bool vcpu_xapic_access(VcpuTable& table, Vcpu& v, uint32_t offset, uint32_t size, bool write, uint32_t* value)
{
    const ApicAccess access = apic_xapic_access(offset, size, write);
    if (access == ApicAccess::refuse || !v.apic_mmio || offset >= PAGE_SIZE)
        return false;
    volatile uint32_t* reg = reinterpret_cast<volatile uint32_t*>(v.apic_mmio + offset);
    if (write && access == ApicAccess::pass && !apic_write_allowed(offset, *value, false))
        return false;       /* an LVT delivery mode the guest may not use (SMI, INIT) */
    ++v.n.apic;
    switch (access) {
    case ApicAccess::icr_low:
        if (!write) {
            *value = v.icr_low;
            return true;
        }
        v.icr_low = *value & ~APIC_ICR_BUSY;
        vcpu_send_ipi(table, v, *value, v.icr_high >> APIC_ICR_DEST_SHIFT);
        return true;
    case ApicAccess::icr_high:
        if (write)
            v.icr_high = *value;
        else
            *value = v.icr_high;
        return true;
    case ApicAccess::ldr:
    case ApicAccess::dfr:
        if (write) {
            *reg = *value;
            uint32_t& kept = access == ApicAccess::ldr ? table.apic[v.index].ldr : table.apic[v.index].dfr;
            __atomic_store_n(&kept, *value, __ATOMIC_RELAXED);
        } else {
            *value = *reg;
        }
        return true;
    case ApicAccess::read_only:
        if (!write)
            *value = *reg;
        return true;
    default:            /* pass */
        if (write)
            *reg = *value;
        else
            *value = *reg;
        return true;
    }
}

bool vcpu_x2apic_access(VcpuTable& table, Vcpu& v, uint32_t msr, bool write, uint64_t* value)
{
    const ApicAccess access = apic_x2apic_access(msr, write);
    if (!table.x2apic || access == ApicAccess::refuse)
        return false;
    if (write && access == ApicAccess::pass && !apic_write_allowed((msr - MSR_X2APIC_FIRST) << 4, *value, true))
        return false;       /* an LVT delivery mode the guest may not use, or a reserved bit */
    ++v.n.apic;
    switch (access) {
    case ApicAccess::icr_low:
        if (!write) {
            *value = uint64_t(v.icr_high) << 32 | v.icr_low;
            return true;
        }
        v.icr_low = uint32_t(*value) & ~APIC_ICR_BUSY;
        v.icr_high = uint32_t(*value >> 32);
        vcpu_send_ipi(table, v, uint32_t(*value), uint32_t(*value >> 32));
        return true;
    case ApicAccess::read_only:
        return write || vcpu_rdmsr_safe(msr, value);
    case ApicAccess::pass:
        return write ? vcpu_wrmsr_safe(msr, *value) : vcpu_rdmsr_safe(msr, value);
    default:            /* icr_high, ldr, dfr: no such x2APIC register to write (SDM 11.12.1) */
        return !write && vcpu_rdmsr_safe(msr, value);
    }
}

bool vcpu_stopping(const VcpuTable& table)
{
    return __atomic_load_n(&table.stopping, __ATOMIC_ACQUIRE) != 0;
}

void vcpu_stop_all(VcpuTable& table, const Vcpu& v)
{
    __atomic_store_n(&table.stopping, 1, __ATOMIC_RELEASE);
    for (uint32_t i = 0; i < table.count; ++i) {
        Vcpu& t = table.vcpus[i];
        if (&t != &v && (__atomic_load_n(&table.present, __ATOMIC_ACQUIRE) >> i & 1))
            kick(v, t);
    }
    finish(boot_state.options, false);
}

VcpuSettle vcpu_settle(VcpuTable& table, Vcpu& v)
{
    if (vcpu_stopping(table))
        x86::halt_forever();
    const uint32_t events = vcpu_take_events(v);
    const uint32_t foreign = vcpu_nmis_unclaimed(v, vcpu_nmi_count(v.slot));
    const VcpuState before = state_of(v);
    const VcpuStep step = vcpu_step(before, events);
    if (step.reset) {
        v.icr_low = v.icr_high = 0;
        __atomic_store_n(&table.apic[v.index].ldr, 0u, __ATOMIC_RELAXED);
        __atomic_store_n(&table.apic[v.index].dfr, 0xffffffffu, __ATOMIC_RELAXED);
    }
    if (step.state != before)
        __atomic_store_n(&v.state, uint32_t(step.state), __ATOMIC_RELEASE);
    const bool nmi = step.nmi || (foreign && before == VcpuState::running && step.state == VcpuState::running &&
                                  !step.reset && !step.start);
    return VcpuSettle{step.reset, step.start, step.vector, nmi};
}

const uint32_t* vcpu_nmi_counter(const Vcpu& v)
{
    static const uint32_t never = 0;    /* no slot of relboot's (cannot happen after cpu_local_load()) */
    return v.slot < CPU_SLOTS ? &nmi_count[v.slot] : &never;
}

void vcpu_wait_for_kick(const Vcpu& v)
{
    vcpu_wait_kick(vcpu_nmi_counter(v), v.nmis_seen);
}

bool vcpu_hypercall(VcpuTable& table, Vcpu& v, uint64_t rax, uint32_t cpl, const char* insn)
{
    if (rax != VCPU_HELLO_RAX)
        return false;
    vcpu_console_lock();
    Console con = vcpu_console();
    vcpu_print_hello(con, v, cpl, insn);
    if (boot_state.options.loglvl == LogLevel::debug)
        for (uint32_t i = 0; i < table.count; ++i)
            if (__atomic_load_n(&table.present, __ATOMIC_ACQUIRE) >> i & 1)
                vcpu_print_counts(con, table.vcpus[i]);
    vcpu_console_unlock();
    return true;
}

bool vcpu_msr(VcpuTable& table, Vcpu& v, uint32_t msr, bool write, uint64_t* value, const VcpuEfer& efer)
{
    const MsrRule* rule = msr_rule(msr);
    const MsrAction action = !rule ? MsrAction::pass : write ? rule->write : rule->read;
    switch (action) {
    case MsrAction::pass:
        return write ? vcpu_wrmsr_safe(msr, *value) : vcpu_rdmsr_safe(msr, value);
    case MsrAction::ignore:
        return true;        /* a write dropped (the table never ignores a read) */
    case MsrAction::emulate:
        if (msr == MSR_IA32_EFER) {
            if (write)
                return efer_guest_write(*value, efer.supported, efer.cr0, efer.efer, efer.forced);
            *value = efer_guest_read(*efer.efer);
            return true;
        }
        if (msr == MSR_IA32_APIC_BASE) {
            if (write)
                return apic_base_write_allowed(x86::rdmsr(MSR_IA32_APIC_BASE), *value);   /* nothing changes */
            *value = x86::rdmsr(MSR_IA32_APIC_BASE);
            return true;
        }
        if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
            return vcpu_x2apic_access(table, v, msr, write, value);
        return false;
    default:
        return false;
    }
}

const char* vcpu_apic_emulate(VcpuTable& table, Vcpu& v, const uint8_t* bytes, uint32_t count, CodeSize code,
                              uint64_t gpa, bool fetch, uint64_t* const regs[16], uint32_t* length)
{
    if (fetch)
        return "instruction fetch from the APIC page";
    if (!count)
        return "instruction unreadable";
    MemMove mv{};
    const InsnError e = insn_decode_mem_move(bytes, count, code, &mv);
    if (e != InsnError::none)
        return insn_error_name(e);
    const uint32_t offset = uint32_t(gpa & (PAGE_SIZE - 1));
    uint64_t& reg = *regs[mv.reg & 15];
    uint32_t value = uint32_t(reg);
    if (!mv.store || mv.exchange) {
        uint32_t old = 0;
        if (!vcpu_xapic_access(table, v, offset, mv.size, false, &old))
            return "not an APIC register read relboot emulates";
        if (mv.exchange && !vcpu_xapic_access(table, v, offset, mv.size, true, &value))
            return "not an APIC register write relboot emulates";
        reg = old;          /* a 32-bit destination: zero-extended, as in 64-bit mode */
    } else if (!vcpu_xapic_access(table, v, offset, mv.size, true, &value)) {
        return "not an APIC register write relboot emulates";
    }
    *length = mv.length;
    return nullptr;
}

bool vcpu_map_read(const void* ctx, uint64_t gpa, void* out, uint32_t len)
{
    const VcpuMapView& map = *static_cast<const VcpuMapView*>(ctx);
    uint8_t* dst = static_cast<uint8_t*>(out);
    while (len) {
        uint64_t hpa = 0;
        if (!guest_map_translate(map.pages, map.pages_phys, map.page_count, *map.format, gpa, &hpa))
            return false;
        uint32_t chunk = uint32_t(GUEST_MAP_4K - (gpa & (GUEST_MAP_4K - 1)));
        chunk = chunk < len ? chunk : len;
        if (hpa + chunk > boot_state.identity_limit)
            return false;
        __builtin_memcpy(dst, reinterpret_cast<const void*>(hpa), chunk);
        dst += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return true;
}

VcpuErrorLine::VcpuErrorLine() : con(report_console(boot_state.options))
{
    vcpu_console_lock();
}

VcpuErrorLine::~VcpuErrorLine()
{
    vcpu_console_unlock();
}

void vcpu_console_lock()
{
    while (__atomic_exchange_n(&console_lock_word, 1, __ATOMIC_ACQUIRE))
        asm volatile("pause");
}

void vcpu_console_unlock()
{
    __atomic_store_n(&console_lock_word, 0, __ATOMIC_RELEASE);
}

void vcpu_console_set(const Console& con)
{
    info_console = con;
}

Console vcpu_console()
{
    return info_console;
}

} // namespace relboot
