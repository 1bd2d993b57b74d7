/*
 * The launch side that guest=svm and guest=vmx share (64-bit stage only,
 * vcpu_launch.cpp): the one vCPU table and the guest's first pages (only
 * one back end runs in a boot), the guest's memory view through the NPT
 * or the EPT, and what the host's CPUID says about EFER and INIT.  Each
 * back end keeps its own control structures (VMCB or VMCS) and run loop.
 */
#ifndef RELBOOT_VCPU_LAUNCH_H
#define RELBOOT_VCPU_LAUNCH_H

#include <cstdint>
#include "payload/linux/payload_linux.h"
#include "payload/vcpu/guest_map.h"
#include "payload/vcpu/vcpu.h"
#include <x86/paging.h>

namespace relboot {

/* Bytes of the guest's stack at entry (startup_64 sets its own before it pushes much). */
inline constexpr uint32_t VCPU_GUEST_STACK_SIZE = 4096;

/*
 * What the guest reads inside relboot's image besides LinuxBuffers, and
 * so what the NPT or EPT maps there: identity page tables for its first
 * 4 GiB (guest_boot_pagetables()), the boot GDT (a copy of linux_gdt:
 * null, null, __BOOT_CS, __BOOT_DS) and the stack the BSP's vCPU starts
 * on.  4 KiB-aligned, whole pages.
 */
struct VcpuGuestPages {
    alignas(4096) uint64_t pagetables[GUEST_BOOT_PT_PAGES * PT_ENTRIES];
    alignas(4096) uint64_t gdt[4];
    uint8_t stack[VCPU_GUEST_STACK_SIZE - 4 * sizeof(uint64_t)];
};
static_assert(sizeof(VcpuGuestPages) % 4096 == 0);

/* The vCPU table and the guest's pages, in the image's .boot_tables, at their identity addresses. */
VcpuTable& vcpu_table();
VcpuGuestPages& vcpu_guest_pages();

/* Physical (= identity) address of an object reached through the identity map. */
inline uint64_t vcpu_phys(const void* p)
{
    return reinterpret_cast<uint64_t>(p);
}

/*
 * The guest's memory, built by the BSP before anything of the kernel's
 * moves: the second-level table at root (GUEST_MAP_PAGES pages of 4 KiB,
 * 4 KiB-aligned, in format: SVM's NPT or VT-x's EPT) over the plan's
 * memory view, with relboot's image left out but for the windows the
 * guest reads (LinuxBuffers) and vcpu_guest_pages(), the xAPIC page at
 * apic_page left out, and the zero page at boot_params too under
 * debug-npt-hole=zero-page; then the guest's pages.  A map that cannot
 * be built ends the boot in one error line named by subject before
 * anything is written (guest_map_check()).
 */
void vcpu_prepare_guest_memory(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params,
                               const PhysRange* windows, uint32_t window_count, uint64_t apic_page, uint64_t* root,
                               const GuestMapFormat& format, const char* subject);

/*
 * The vCPU table for the boot: one entry per CPU of the CPU table (at most
 * VCPU_MAX), by APIC ID, each absent until its CPU enters; and the console
 * the vCPUs' lines go to.  Before anything else of the run, so that an
 * error line after it can stop every vCPU there is.
 */
VcpuTable& vcpu_table_setup(const BootState& bs, const Console& con);

/*
 * Every online AP into its vCPU, all at once: ap_entry(cpu) on each
 * through its mailbox (smp_call_cpu()), then up to SMP_CHECKIN_US in all
 * for each to leave the absent state; an AP that does not is one warning
 * line and stays absent (the guest cannot start it).  Then the BSP's own
 * host state (vcpu_host_enter()).  Returns the vCPUs present, the BSP's
 * included, as a mask by index, also stored in table.present.
 */
uint64_t vcpu_enter_all(const BootState& bs, Console& con, VcpuTable& table, void (*ap_entry)(uint32_t cpu));

/* The EFER bits this CPU has (efer_supported() of CPUID 8000_0001h and 8000_0021h), for the guest's EFER writes. */
uint64_t vcpu_host_efer_supported();

} // namespace relboot

#endif
