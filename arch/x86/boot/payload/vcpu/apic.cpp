/*
 * The guest's local APICs (apic.h): one table of the registers and what
 * each access does in either mode, the values a write may carry to the
 * physical APIC, and the routing of the IPIs the guest asks for over its
 * own vCPUs.  Intel SDM Vol. 3A, table 11-1 (xAPIC page), 11.12.1.2 and
 * table 11-6 (x2APIC MSRs), 11.5.1 (LVT), 11.6.1 and figure 11-12 (ICR),
 * 11.6.2 (destinations), 11.12.10 (x2APIC logical IDs); AMD APM vol. 2,
 * chapter 16 (the extended APIC registers).  Freestanding.
 */
#include "payload/vcpu/apic.h"
#include <x86/apic.h>

namespace relboot {

namespace {

using A = ApicAccess;

/* Which delivery modes a local vector table entry may carry to the physical APIC (apic_write_allowed()). */
enum class Lvt : uint8_t {
    none,               /* not an LVT entry, or one without a delivery mode field (timer, error) */
    fixed_nmi,          /* CMCI, thermal, performance counters, AMD's extended LVTs: fixed or NMI */
    fixed_nmi_extint,   /* LINT0, LINT1: fixed, NMI or ExtINT (the 8259A's virtual wire) */
};

/*
 * One register, or a run of them every 16 bytes: [first, last] xAPIC
 * offsets, what a read and a write does in either mode, and in x2APIC
 * mode the bits a write may set (the rest reserved: #GP on the hardware).
 */
struct Register {
    uint16_t first;
    uint16_t last;
    ApicAccess xapic_read, xapic_write;
    ApicAccess x2apic_read, x2apic_write;
    uint32_t x2apic_bits;
    Lvt lvt;
};

/* LVT bits a write may set in x2APIC mode (SDM figure 11-8: vector, delivery mode, status, polarity, trigger, mask, timer mode). */
constexpr uint32_t LVT_TIMER_BITS = 0x000710ff;
constexpr uint32_t LVT_DM_BITS = 0x000117ff;      /* CMCI, thermal, performance counters, AMD extended */
constexpr uint32_t LVT_LINT_BITS = 0x0001f7ff;
constexpr uint32_t LVT_ERROR_BITS = 0x000110ff;
constexpr uint32_t SVR_BITS = 0x000013ff;         /* figure 11-23: vector, APIC enable, focus checking, EOI-broadcast suppression */
constexpr uint32_t TIMER_DIVIDE_BITS = 0x0000000b; /* figure 11-10 */
constexpr uint32_t ALL_BITS = 0xffffffff;

/*
 * The registers, in offset order (SDM table 11-1 and table 11-6; AMD's
 * extended ones at 400H..530H).  Offsets in none of the rows are
 * reserved: refuse in both modes.
 */
constexpr Register REGISTERS[] = {
    /* first, last,            xAPIC read, write,      x2APIC read, write,   x2APIC bits, LVT */
    {APIC_ID, APIC_ID,                  A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    {APIC_VERSION, APIC_VERSION,        A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    {APIC_TPR, APIC_TPR,                A::pass, A::pass, A::pass, A::pass, 0xff, Lvt::none},
    {APIC_APR, APIC_APR,                A::pass, A::read_only, A::refuse, A::refuse, 0, Lvt::none},
    {APIC_PPR, APIC_PPR,                A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    {APIC_EOI, APIC_EOI,                A::pass, A::pass, A::refuse, A::pass, 0, Lvt::none},
    {APIC_RRD, APIC_RRD,                A::pass, A::read_only, A::refuse, A::refuse, 0, Lvt::none},
    {APIC_LDR, APIC_LDR,                A::pass, A::ldr, A::pass, A::refuse, 0, Lvt::none},
    {APIC_DFR, APIC_DFR,                A::pass, A::dfr, A::refuse, A::refuse, 0, Lvt::none},
    {APIC_SVR, APIC_SVR,                A::pass, A::pass, A::pass, A::pass, SVR_BITS, Lvt::none},
    {APIC_ISR, APIC_ISR + 0x70,         A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    {APIC_TMR, APIC_TMR + 0x70,         A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    {APIC_IRR, APIC_IRR + 0x70,         A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    {APIC_ESR, APIC_ESR,                A::pass, A::pass, A::pass, A::pass, 0, Lvt::none},
    {APIC_LVT_CMCI, APIC_LVT_CMCI,      A::pass, A::pass, A::pass, A::pass, LVT_DM_BITS, Lvt::fixed_nmi},
    {APIC_ICR_LOW, APIC_ICR_LOW,        A::pass, A::icr_low, A::pass, A::icr_low, 0, Lvt::none},
    {APIC_ICR_HIGH, APIC_ICR_HIGH,      A::icr_high, A::icr_high, A::refuse, A::refuse, 0, Lvt::none},
    {APIC_LVT_TIMER, APIC_LVT_TIMER,    A::pass, A::pass, A::pass, A::pass, LVT_TIMER_BITS, Lvt::none},
    {APIC_LVT_THERMAL, APIC_LVT_PERF,   A::pass, A::pass, A::pass, A::pass, LVT_DM_BITS, Lvt::fixed_nmi},
    {APIC_LVT_LINT0, APIC_LVT_LINT1,    A::pass, A::pass, A::pass, A::pass, LVT_LINT_BITS, Lvt::fixed_nmi_extint},
    {APIC_LVT_ERROR, APIC_LVT_ERROR,    A::pass, A::pass, A::pass, A::pass, LVT_ERROR_BITS, Lvt::none},
    {APIC_TIMER_INITIAL, APIC_TIMER_INITIAL, A::pass, A::pass, A::pass, A::pass, ALL_BITS, Lvt::none},
    {APIC_TIMER_CURRENT, APIC_TIMER_CURRENT, A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    {APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE, A::pass, A::pass, A::pass, A::pass, TIMER_DIVIDE_BITS, Lvt::none},
    {APIC_SELF_IPI, APIC_SELF_IPI,      A::refuse, A::refuse, A::refuse, A::pass, APIC_ICR_VECTOR_MASK, Lvt::none},
    {APIC_EXT_FEATURE, APIC_EXT_FEATURE, A::pass, A::read_only, A::pass, A::refuse, 0, Lvt::none},
    /* Extended APIC control: relboot keeps the IER, SEOI and extended-ID enables as they are (Linux only reads it). */
    {APIC_EXT_CONTROL, APIC_EXT_CONTROL, A::pass, A::refuse, A::pass, A::refuse, 0, Lvt::none},
    {APIC_EXT_LVT0, APIC_EXT_LVT3,      A::pass, A::pass, A::pass, A::pass, LVT_DM_BITS, Lvt::fixed_nmi},
};

/* The row for the 16-byte-aligned offset, or nullptr. */
const Register* find_register(uint32_t offset)
{
    for (const Register& r : REGISTERS)
        if (offset >= r.first && offset <= r.last)
            return &r;
    return nullptr;
}

/* The LVT delivery mode rule (SDM 11.5.1): a masked entry delivers nothing, whatever its mode. */
bool lvt_allowed(Lvt lvt, uint32_t value)
{
    if (lvt == Lvt::none || (value & APIC_LVT_MASKED))
        return true;
    const uint32_t mode = value & APIC_ICR_DM_MASK;
    if (mode == APIC_ICR_DM_FIXED || mode == APIC_ICR_DM_NMI)
        return true;
    return lvt == Lvt::fixed_nmi_extint && mode == APIC_LVT_DM_EXTINT;
}

/* Bits set in v (a loop: the image has no libgcc for the popcount GCC would call without POPCNT). */
uint32_t bits_set(uint32_t v)
{
    uint32_t n = 0;
    for (; v; v &= v - 1)
        ++n;
    return n;
}

/* Bits 0..count-1: every vCPU. */
uint64_t all_vcpus(uint32_t count)
{
    return count >= 64 ? ~uint64_t(0) : (uint64_t(1) << count) - 1;
}

IpiKind ipi_kind(uint32_t icr_low)
{
    switch (icr_low & APIC_ICR_DM_MASK) {
    case APIC_ICR_DM_FIXED: return IpiKind::fixed;
    case APIC_ICR_DM_LOWEST: return IpiKind::lowest_priority;
    case APIC_ICR_DM_SMI: return IpiKind::smi;
    case APIC_ICR_DM_NMI: return IpiKind::nmi;
    case APIC_ICR_DM_STARTUP: return IpiKind::sipi;
    case APIC_ICR_DM_INIT:
        /* INIT level de-assert: level 0 with the level trigger (SDM 11.6.1). */
        if (!(icr_low & APIC_ICR_LEVEL_ASSERT) && (icr_low & APIC_ICR_TRIGGER_LEVEL))
            return IpiKind::init_deassert;
        return IpiKind::init;
    default: return IpiKind::reserved;
    }
}

/* Targets of a physical destination: the vCPU with that APIC ID, or every vCPU for the broadcast. */
uint64_t physical_targets(uint32_t dest, bool x2apic, const ApicVcpu* vcpus, uint32_t count, uint32_t* dropped)
{
    if (dest == (x2apic ? APIC_X2APIC_BROADCAST : APIC_XAPIC_BROADCAST))
        return all_vcpus(count);
    uint64_t targets = 0;
    for (uint32_t i = 0; i < count; ++i)
        if (vcpus[i].apic_id == dest)
            targets |= uint64_t(1) << i;
    if (!targets)
        *dropped += 1;
    return targets;
}

/*
 * The bits of an xAPIC logical destination dest (8 bits) that vCPU v
 * answers to, in the mask of its own DFR model (SDM 11.6.2.2): flat, the
 * 8-bit logical ID ANDed with dest; cluster, the low 4 bits when the
 * cluster (bits 7:4) is dest's; 0 for another model.
 */
uint32_t xapic_logical_match(const ApicVcpu& v, uint32_t dest)
{
    const uint32_t id = (v.ldr >> APIC_LDR_SHIFT) & 0xff;
    switch (v.dfr >> APIC_DFR_MODEL_SHIFT) {
    case APIC_DFR_MODEL_FLAT: return id & dest;
    case APIC_DFR_MODEL_CLUSTER: return (id >> 4) == (dest >> 4) ? id & dest & 0xf : 0;
    default: return 0;
    }
}

uint64_t xapic_logical_targets(uint32_t dest, const ApicVcpu* vcpus, uint32_t count, uint32_t self,
                               uint32_t* dropped)
{
    uint64_t targets = 0;
    const uint32_t self_model = self < count ? vcpus[self].dfr >> APIC_DFR_MODEL_SHIFT : APIC_DFR_MODEL_FLAT;
    uint32_t covered = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t match = xapic_logical_match(vcpus[i], dest);
        if (!match)
            continue;
        targets |= uint64_t(1) << i;
        if (vcpus[i].dfr >> APIC_DFR_MODEL_SHIFT == self_model)
            covered |= match;
    }
    const uint32_t wanted = self_model == APIC_DFR_MODEL_CLUSTER ? dest & 0xf : dest;
    *dropped += bits_set(wanted & ~covered);
    return targets;
}

/* x2APIC logical (cluster) destination: cluster in bits 31:16, a member mask in 15:0 (SDM 11.12.10.2). */
uint64_t x2apic_logical_targets(uint32_t dest, const ApicVcpu* vcpus, uint32_t count, uint32_t* dropped)
{
    const uint32_t cluster = dest >> X2APIC_LDR_CLUSTER_SHIFT, members = dest & X2APIC_LDR_MEMBER_MASK;
    uint64_t targets = 0;
    uint32_t covered = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t id = vcpus[i].apic_id;
        const uint32_t bit = uint32_t(1) << (id & 0xf);
        if (((id >> 4) & 0xffff) == cluster && (members & bit)) {
            targets |= uint64_t(1) << i;
            covered |= bit;
        }
    }
    *dropped += bits_set(members & ~covered);
    return targets;
}

} // namespace

ApicAccess apic_xapic_access(uint32_t offset, uint32_t size, bool write)
{
    if (size != 4 || offset >= APIC_PAGE_SIZE || offset % APIC_REGISTER_STRIDE)
        return ApicAccess::refuse;
    const Register* r = find_register(offset);
    if (!r)
        return ApicAccess::refuse;
    return write ? r->xapic_write : r->xapic_read;
}

ApicAccess apic_x2apic_access(uint32_t msr, bool write)
{
    if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
        return ApicAccess::refuse;
    const Register* r = find_register((msr - MSR_X2APIC_FIRST) * APIC_REGISTER_STRIDE);
    if (!r)
        return ApicAccess::refuse;
    return write ? r->x2apic_write : r->x2apic_read;
}

bool apic_write_allowed(uint32_t offset, uint64_t value, bool x2apic)
{
    const Register* r = offset % APIC_REGISTER_STRIDE ? nullptr : find_register(offset);
    if (!r || (x2apic ? r->x2apic_write : r->xapic_write) != ApicAccess::pass)
        return true;
    if (x2apic && (value >> 32 || (uint32_t(value) & ~r->x2apic_bits)))
        return false;
    return lvt_allowed(r->lvt, uint32_t(value));
}

IpiPlan apic_icr_plan(uint32_t icr_low, uint32_t dest, bool x2apic, const ApicVcpu* vcpus, uint32_t count,
                      uint32_t self)
{
    if (count > VCPU_MAX)
        count = VCPU_MAX;
    IpiPlan plan{};
    plan.kind = ipi_kind(icr_low);
    const uint8_t vector = uint8_t(icr_low & APIC_ICR_VECTOR_MASK);
    switch (plan.kind) {
    case IpiKind::smi:
    case IpiKind::reserved:
        plan.dropped = 1;
        return plan;
    case IpiKind::init_deassert:
        return plan;
    case IpiKind::fixed:
    case IpiKind::lowest_priority:
        if (vector < 16) {
            plan.dropped = 1;
            return plan;
        }
        plan.vector = vector;
        break;
    case IpiKind::sipi:
        plan.vector = vector;
        break;
    case IpiKind::nmi:
    case IpiKind::init:
        break;
    }

    const uint64_t self_bit = self < count ? uint64_t(1) << self : 0;
    if (!x2apic)
        dest &= 0xff;
    uint32_t dropped = 0;
    switch (icr_low & APIC_ICR_SHORTHAND_MASK) {
    case APIC_ICR_SHORTHAND_SELF: plan.targets = self_bit; break;
    case APIC_ICR_SHORTHAND_ALL: plan.targets = all_vcpus(count); break;
    case APIC_ICR_SHORTHAND_OTHERS: plan.targets = all_vcpus(count) & ~self_bit; break;
    default:
        if (!(icr_low & APIC_ICR_DEST_LOGICAL))
            plan.targets = physical_targets(dest, x2apic, vcpus, count, &dropped);
        else if (dest == (x2apic ? APIC_X2APIC_BROADCAST : APIC_XAPIC_BROADCAST))
            plan.targets = all_vcpus(count);
        else if (x2apic)
            plan.targets = x2apic_logical_targets(dest, vcpus, count, &dropped);
        else
            plan.targets = xapic_logical_targets(dest, vcpus, count, self, &dropped);
        break;
    }

    if (plan.kind == IpiKind::lowest_priority) {
        /* One target, the lowest vCPU of the set; only an IPI that reaches nobody is dropped. */
        plan.targets &= ~plan.targets + 1;
        dropped = plan.targets ? 0 : 1;
    }
    plan.dropped = dropped;
    return plan;
}

} // namespace relboot
