/*
 * The launch side that guest=svm and guest=vmx share (vcpu_launch.h).
 */
#include "payload/vcpu/vcpu_launch.h"
#include "lib/error.h"
#include "lib/report.h"
#include "payload/vcpu/msr.h"
#include "platform/tsc.h"
#include "smp/smp.h"
#include "stage64/identity_map.h"
#include <x86/cpuid.h>
#include <x86/msr.h>

extern "C" const uint64_t linux_gdt[], linux_gdt_end[];

/* Not present in the NPT or EPT but for the guest's pages; reserved in the e820 table (relboot's image). */
__attribute__((section(".boot_tables"))) relboot::VcpuTable vcpu_table_storage;
__attribute__((section(".boot_tables"))) relboot::VcpuGuestPages vcpu_guest_pages_storage;

namespace relboot {

VcpuTable& vcpu_table()
{
    return *image_identity(boot_state, &vcpu_table_storage);
}

VcpuGuestPages& vcpu_guest_pages()
{
    return *image_identity(boot_state, &vcpu_guest_pages_storage);
}

void vcpu_prepare_guest_memory(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params,
                               const PhysRange* windows, uint32_t window_count, uint64_t apic_page, uint64_t* root,
                               const GuestMapFormat& format, const char* subject)
{
    VcpuGuestPages& guest = vcpu_guest_pages();

    /* The holes: relboot's image less what the guest reads, the APIC's page. */
    PhysRange open[GUEST_MAP_MAX_HOLES];
    uint32_t open_count = 0;
    for (uint32_t i = 0; i < window_count && open_count + 1 < GUEST_MAP_MAX_HOLES; ++i)
        open[open_count++] = windows[i];
    open[open_count++] = PhysRange{PhysAddr{vcpu_phys(&guest)}, sizeof guest};
    PhysRange holes[GUEST_MAP_MAX_HOLES];
    uint32_t hole_count = 0;
    BootError e = guest_map_launch_holes(PhysRange{bs.load_base, bs.image_size}, open, open_count, apic_page,
                                         bs.options.debug_npt_hole == NptHole::zero_page ? boot_params : 0, holes,
                                         &hole_count, subject);
    if (!e.ok())
        boot_fail(bs.options, e);
    /* The map covers the memory view the plan gave the kernel's e820 table. */
    const GuestMapPlan map{plan.memory_limit, holes, hole_count, phys_ptr<MemoryRange>(bs.memory_map),
                           bs.memory_map_count};
    e = guest_map_check(map, format, GUEST_MAP_PAGES, subject);
    if (!e.ok())
        boot_fail(bs.options, e);
    guest_map_build(root, vcpu_phys(root), GUEST_MAP_PAGES, map, format);   /* checked */

    /* The guest's pages: identity page tables for [0, 4 GiB), the boot GDT, a stack. */
    guest_boot_pagetables(guest.pagetables, vcpu_phys(guest.pagetables));
    for (uint32_t i = 0; i < 4; ++i)
        guest.gdt[i] = linux_gdt[i];
    static_assert(sizeof(guest.gdt) == 32, "linux_gdt: null, null, __BOOT_CS, __BOOT_DS");
}

VcpuTable& vcpu_table_setup(const BootState& bs, const Console& con)
{
    VcpuTable& table = vcpu_table();
    const BootCpu* cpus = phys_ptr<BootCpu>(bs.cpus);
    uint32_t ids[VCPU_MAX];
    const uint32_t count = bs.cpu_count < VCPU_MAX ? bs.cpu_count : VCPU_MAX;
    for (uint32_t i = 0; i < count; ++i)
        ids[i] = cpus[i].apic_id;
    vcpu_table_init(table, ids, count, bs.x2apic);
    vcpu_console_set(con);
    return table;
}

uint64_t vcpu_enter_all(const BootState& bs, Console& con, VcpuTable& table, void (*ap_entry)(uint32_t cpu))
{
    BootCpu* cpus = reinterpret_cast<BootCpu*>(bs.cpus.value);
    const uint32_t count = table.count;
    bool called[VCPU_MAX] = {};
    for (uint32_t i = 0; i < count; ++i)
        called[i] = i != bs.bsp_index && smp_call_cpu(cpus, bs.cpu_count, bs.tsc_khz, i, ap_entry);
    const uint64_t start = x86::rdtsc(), bound = tsc_ticks(bs.tsc_khz, SMP_CHECKIN_US);
    uint64_t present = uint64_t(1) << bs.bsp_index;
    for (uint32_t i = 0; i < count; ++i) {
        if (!called[i])
            continue;
        const uint32_t* state = &table.vcpus[i].state;
        while (__atomic_load_n(state, __ATOMIC_ACQUIRE) == uint32_t(VcpuState::absent) && x86::rdtsc() - start < bound)
            asm volatile("pause");
        if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != uint32_t(VcpuState::absent)) {
            present |= uint64_t(1) << i;
            continue;
        }
        con.begin().str("warning: CPU with APIC ID ").dec(cpus[i].apic_id).str(" did not enter its vCPU within ");
        con.dec(SMP_CHECKIN_US / 1000).str(" ms; the guest cannot start it").end();
    }
    vcpu_host_enter(table, table.vcpus[bs.bsp_index], true);
    __atomic_store_n(&table.present, present, __ATOMIC_RELEASE);
    return present;
}

uint64_t vcpu_host_efer_supported()
{
    const uint32_t max_ext = x86::cpuid(CPUID_LEAF_EXT_MAX).eax;
    const x86::CpuidResult ext = x86::cpuid(CPUID_LEAF_EXT_FEATURES);
    return efer_supported(ext.ecx, ext.edx,
                          max_ext >= CPUID_LEAF_EXT_FEATURES2 ? x86::cpuid(CPUID_LEAF_EXT_FEATURES2).eax : 0);
}

} // namespace relboot
