/* Each CPU's TSS and IST stacks (cpu_local.h). */
#include "stage64/cpu_local.h"
#include "stage64/image_symbols.h"
#include <x86/idt.h>
#include <x86/segment.h>

/* The CPU slots: with BootState's tables, outside the higher-half map (identity-mapped, never zeroed). */
__attribute__((section(".boot_tables"))) relboot::CpuLocal cpu_locals[CPU_SLOTS];

extern "C" uint64_t gdt[];

/* A slot for every CPU the CPU table can hold (the BSP in slot 0, the APs after it). */
static_assert(CPU_SLOTS == relboot::CPUS_MAX);

using namespace relboot;

extern "C" void cpu_local_load(uint32_t slot)
{
    if (slot >= CPU_SLOTS)
        for (;;)
            asm volatile("cli; hlt");
    CpuLocal* local = reinterpret_cast<CpuLocal*>(image_phys(boot_state, &cpu_locals[slot]).value);
    Tss64& tss = local->tss;
    __builtin_memset(&tss, 0, sizeof tss);
    tss.ist[IST_EXCEPTION - 1] = reinterpret_cast<uint64_t>(local->exception_stack + sizeof local->exception_stack);
    tss.ist[IST_NMI - 1] = reinterpret_cast<uint64_t>(local->nmi_stack + sizeof local->nmi_stack);
    tss.ist[IST_DF - 1] = reinterpret_cast<uint64_t>(local->df_stack + sizeof local->df_stack);
    tss.ist[IST_MC - 1] = reinterpret_cast<uint64_t>(local->mc_stack + sizeof local->mc_stack);
    tss.iomap_base = sizeof tss;
    nmi_quiet[slot] = 0;
    nmi_count[slot] = 0;

    const uint16_t selector = cpu_local_tss_selector(slot);
    tss_descriptor(reinterpret_cast<uint64_t>(&tss), &gdt[selector / 8]);
    asm volatile("ltr %0" : : "r"(selector) : "memory");
}
