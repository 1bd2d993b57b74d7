/*
 * The vCPUs' pure parts (vcpu.h): the table, the events and the state
 * machine, the NMI accounting, the report lines.  Freestanding and
 * host-tested: atomics on the shared fields, nothing else of the machine.
 */
#include "payload/vcpu/vcpu.h"
#include "lib/console.h"

namespace relboot {

void vcpu_table_init(VcpuTable& table, const uint32_t* apic_ids, uint32_t count, bool x2apic)
{
    table.count = count <= VCPU_MAX ? count : VCPU_MAX;
    table.stopping = 0;
    table.present = 0;
    table.x2apic = x2apic;
    for (uint32_t i = 0; i < VCPU_MAX; ++i) {
        const uint32_t id = i < table.count ? apic_ids[i] : 0;
        table.apic[i] = ApicVcpu{id, 0, 0xffffffff};
        table.vcpus[i] = Vcpu{};
        table.vcpus[i].index = i;
        table.vcpus[i].apic_id = id;
        table.vcpus[i].state = uint32_t(VcpuState::absent);
    }
}

void vcpu_post_init(Vcpu& t)
{
    __atomic_store_n(&t.events, VCPU_EVENT_INIT, __ATOMIC_RELEASE);
}

void vcpu_post_sipi(Vcpu& t, uint8_t vector)
{
    uint32_t old = __atomic_load_n(&t.events, __ATOMIC_RELAXED);
    uint32_t next;
    do {
        next = (old & ~VCPU_EVENT_SIPI_VECTOR_MASK) | VCPU_EVENT_SIPI | uint32_t(vector) << VCPU_EVENT_SIPI_VECTOR_SHIFT;
    } while (!__atomic_compare_exchange_n(&t.events, &old, next, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

void vcpu_post_nmi(Vcpu& t)
{
    __atomic_or_fetch(&t.events, VCPU_EVENT_NMI, __ATOMIC_RELEASE);
}

uint32_t vcpu_take_events(Vcpu& v)
{
    return __atomic_exchange_n(&v.events, 0, __ATOMIC_ACQUIRE);
}

VcpuStep vcpu_step(VcpuState state, uint32_t events)
{
    VcpuStep s{state, false, false, 0, false};
    if (state == VcpuState::absent)
        return s;
    if (events & VCPU_EVENT_INIT) {
        s.state = VcpuState::wait_for_sipi;
        s.reset = true;
    }
    if ((events & VCPU_EVENT_SIPI) && s.state == VcpuState::wait_for_sipi) {
        s.state = VcpuState::running;
        s.start = true;
        s.vector = uint8_t((events & VCPU_EVENT_SIPI_VECTOR_MASK) >> VCPU_EVENT_SIPI_VECTOR_SHIFT);
    }
    s.nmi = (events & VCPU_EVENT_NMI) && state == VcpuState::running && !s.reset && !s.start;
    return s;
}

uint32_t vcpu_nmis_unclaimed(Vcpu& v, uint32_t nmi_count)
{
    const uint32_t received = nmi_count - v.nmis_seen;
    v.nmis_seen = nmi_count;
    const uint32_t outstanding = __atomic_load_n(&v.kicks, __ATOMIC_ACQUIRE) - v.kicks_matched;
    const uint32_t matched = received < outstanding ? received : outstanding;
    v.kicks_matched += matched;
    return received - matched;
}

uint64_t vcpu_ipi_owned(const IpiPlan& plan, uint64_t present, uint32_t* dropped)
{
    *dropped += vcpu_mask_count(plan.targets & ~present);
    return plan.targets & present;
}

const char* vcpu_state_name(VcpuState state)
{
    switch (state) {
    case VcpuState::wait_for_sipi: return "wait_for_sipi";
    case VcpuState::running: return "running";
    default: return "absent";
    }
}

namespace {

/* " exits=<n> cpuid=<n> msr=<n> npf=<n> apic=<n> ipi=<n> dropped=<n> nmi=<n>" */
void counts(Console& con, const VcpuCounts& n)
{
    con.str(" exits=").dec(n.exits).str(" cpuid=").dec(n.cpuid).str(" msr=").dec(n.msr).str(" npf=").dec(n.npf);
    con.str(" apic=").dec(n.apic).str(" ipi=").dec(n.ipi).str(" dropped=").dec(n.dropped).str(" nmi=").dec(n.nmi);
}

} // namespace

void vcpu_print_hello(Console& con, const Vcpu& v, uint32_t cpl, const char* insn)
{
    con.begin().str("guest hypercall rax=").hex8(uint32_t(VCPU_HELLO_RAX)).str(" insn=").str(insn);
    con.str(" cpl=").dec(cpl).str(" cpu=").dec(v.index);
    counts(con, v.n);
    con.end();
}

void vcpu_print_counts(Console& con, const Vcpu& v)
{
    con.begin().str("debug: vcpu ").dec(v.index).str(" apic_id=").dec(v.apic_id).str(" state=");
    con.str(vcpu_state_name(VcpuState(__atomic_load_n(&v.state, __ATOMIC_RELAXED))));
    counts(con, v.n);
    con.end();
}

void vcpu_print_shutdown(Console& con, const char* vendor, const Vcpu& v, uint64_t rip)
{
    con.begin().str("error: ").str(vendor).str(" guest shutdown cpu=").dec(v.index).str(" rip=").hex16(rip);
    con.str(" exits=").dec(v.n.exits).end();
}

void vcpu_print_apic_refusal(Console& con, const char* vendor, const Vcpu& v, uint64_t rip, uint64_t gpa,
                             const uint8_t* bytes, uint32_t count, const char* reason)
{
    static constexpr char HEX[] = "0123456789abcdef";
    con.begin().str("error: ").str(vendor).str(" guest apic cpu=").dec(v.index).str(" rip=").hex16(rip);
    con.str(" gpa=").hex16(gpa).str(" bytes=");
    if (!count)
        con.str("none");
    for (uint32_t i = 0; i < count && i < 15; ++i)
        con.chr(HEX[bytes[i] >> 4]).chr(HEX[bytes[i] & 0xf]);
    con.chr(' ').str(reason).end();
}

} // namespace relboot
