/*
 * Each CPU's own state in the 64-bit stage: its task-state segment (TSS)
 * and the stacks its IST entries name (x86/idt.h: IST_EXCEPTION, IST_NMI,
 * IST_DF, IST_MC), so that CPUs that fault at once, or an NMI that comes
 * while a CPU reports an exception, never share a stack.  Intel SDM Vol.
 * 3A, 8.7 "Task Management in 64-bit Mode" (figure 8-11, the 64-bit TSS)
 * and 6.14.5 "Interrupt Stack Table".
 *
 * Slot 0 is the BSP's, slot ticket + 1 an AP's (smp.cpp); CPU_SLOTS
 * (layout.h) of them lie in the image's .boot_tables (identity-mapped),
 * and the GDT holds one TSS descriptor per slot (x86/segment.h, SEL_TSS0).
 */
#ifndef RELBOOT_CPU_LOCAL_H
#define RELBOOT_CPU_LOCAL_H

#include <cstddef>
#include <cstdint>
#include "layout.h"
#include <x86/segment.h>

namespace relboot {

/* The 64-bit TSS (104 bytes; SDM figure 8-11). */
struct [[gnu::packed]] Tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];            /* stacks for a change to CPL 0..2: unused (relboot runs at CPL 0 only) */
    uint64_t reserved1;
    uint64_t ist[7];            /* IST1..IST7: stack tops */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;        /* past the limit: no I/O permission bitmap */
};
static_assert(sizeof(Tss64) == 104 && offsetof(Tss64, ist) == 36);

/* One CPU slot: its TSS and its IST stacks (16-byte aligned tops). */
struct alignas(16) CpuLocal {
    Tss64 tss;
    alignas(16) uint8_t exception_stack[EXCEPTION_STACK_SIZE];
    alignas(16) uint8_t nmi_stack[IST_STACK_SIZE];
    alignas(16) uint8_t df_stack[IST_STACK_SIZE];
    alignas(16) uint8_t mc_stack[IST_STACK_SIZE];
};

/* The GDT selector of slot's TSS. */
constexpr uint16_t cpu_local_tss_selector(uint32_t slot)
{
    return uint16_t(SEL_TSS0 + slot * GDT_TSS_DESC_SIZE);
}

/*
 * The two quadwords of a 64-bit TSS descriptor for a TSS at base, limit
 * sizeof(Tss64) - 1, available (SDM Vol. 3A, 8.2.3, figure 8-4).
 */
constexpr void tss_descriptor(uint64_t base, uint64_t out[2])
{
    const uint64_t limit = sizeof(Tss64) - 1;
    out[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | uint64_t(SEG_ACCESS_TSS64) << 40 |
             ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    out[1] = base >> 32;
}

} // namespace relboot

/*
 * Per CPU slot, for the NMI handler (idt64.S): whether the slot's NMIs are
 * a vCPU's kicks, counted and otherwise ignored (payload/vcpu/vcpu_host.cpp
 * sets it), and how many it counted.  Cleared by cpu_local_load().
 */
extern "C" uint8_t nmi_quiet[CPU_SLOTS];
extern "C" uint32_t nmi_count[CPU_SLOTS];

/*
 * Fills slot's TSS (its IST entries: the tops of its stacks) and GDT
 * descriptor, clears its NMI state (nmi_quiet, nmi_count), then loads its
 * task register.  Called by each CPU for its
 * own slot, first thing in the 64-bit stage (head64.S for the BSP, slot 0;
 * ap_main() for an AP): until then an exception on that CPU cannot be
 * delivered.  slot >= CPU_SLOTS: the CPU halts (no exception can be
 * reported without a TSS).
 */
extern "C" void cpu_local_load(uint32_t slot);

#endif
