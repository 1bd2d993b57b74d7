/*
 * guest=vmx's run-time state, shared by the launch (vmx_launch.cpp) and
 * the vCPUs' loop (vmx_exit.cpp), 64-bit stage only: the pages every vCPU
 * shares (the MSR bitmap, the EPT) and what the BSP found out about the
 * host, each vCPU's own pages (VMXON region, VMCS, host stack), its
 * starting state and its general-purpose registers, all in the image's
 * .boot_tables: reached through the identity map, left out of the EPT.
 * Intel SDM Vol. 3C, 23.7 (VMXON), 24.2 (the VMCS region), 24.6.9 (MSR
 * bitmaps).
 */
#ifndef RELBOOT_VMX_VCPU_H
#define RELBOOT_VMX_VCPU_H

#include <cstdint>
#include "payload/vcpu/msr.h"
#include "payload/vcpu/vcpu.h"
#include "payload/vmx/payload_vmx.h"

namespace relboot {

/* The guest's general-purpose registers but RSP (in the VMCS), in vmx_run.S's order, and the VMCS's launch state. */
struct VmxGuestGprs {
    uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t launched;      /* 0: the next entry is VMLAUNCH (after VMCLEAR), else VMRESUME */
};
static_assert(sizeof(VmxGuestGprs) == 16 * 8);

/* What every vCPU shares, and what the BSP found out about the host. */
struct VmxShared {
    alignas(4096) uint8_t msr_bitmap[VMX_MSR_BITMAP_SIZE];  /* from the MSR policy table */
    alignas(4096) uint64_t ept[GUEST_MAP_PAGES * PT_ENTRIES]; /* payload/vcpu/guest_map.h, VMX_EPT_FORMAT */
    VmxCaps caps;
    VmxControlValues controls;  /* entry without IA-32e mode guest */
    uint64_t eptp;
    uint64_t apic_page;         /* the xAPIC page left out of the EPT (IA32_APIC_BASE's) */
    uint64_t efer_supported;    /* EFER bits the CPU has (CPUID), for the guest's writes */
    uint64_t xcr0_supported;    /* XCR0 bits the CPU has (CPUID 0DH), for the guest's XSETBV; 0 without XSAVE */
    uint64_t cr0_mask;          /* CR0's guest/host mask: the bits VMX fixes (PE and PG exempt) */
    uint64_t cr4_mask;          /* CR4's: VMXE, and the bits VMX forbids */
    uint32_t init_edx;          /* RDX after INIT: CPUID 1's EAX (family, model, stepping) */
    uint32_t revision;          /* IA32_VMX_BASIC[30:0]: the VMXON region's and each VMCS's first word */
};

/* One vCPU's host-side pages and its state at the hand-off. */
struct VmxVcpu {
    alignas(4096) uint8_t vmxon[4096];              /* its CPU's VMXON region */
    alignas(4096) uint8_t vmcs[4096];               /* the guest's VMCS */
    alignas(16) uint8_t stack[VCPU_STACK_SIZE];     /* the host stack its exits are handled on */
    VmxGuestState start;                            /* as vmx_prepare() decided: the 64-bit entry, or INIT's */
};

/* Physical (= identity) address of an object reached through the identity map. */
inline uint64_t vmx_phys(const void* p)
{
    return reinterpret_cast<uint64_t>(p);
}

/* The identity addresses of the objects above (image_identity() on their higher-half names). */
VmxShared& vmx_shared_pages();
VmxVcpu& vmx_vcpu_pages(uint32_t index);
VmxGuestGprs& vmx_guest_gprs(uint32_t index);

/*
 * A failed VMX instruction on the running CPU: "relboot: error: vmx
 * <what> cpu=<n> result=<fail-invalid|fail-valid> error=<n> (<meaning>)
 * [field=0x<4>]", then the run ends (every vCPU stopped, debug-exit).
 * field: the VMCS field of a failed VMWRITE, else ~0 (not printed).
 */
[[noreturn]] void vmx_fail(const char* what, uint32_t cpu, VmxResult result, uint64_t field);

/*
 * VMX on for the running CPU (SDM 23.7): IA32_FEATURE_CONTROL locked with
 * VMXON outside SMX if it was not, CR0 and CR4 to their fixed bits (CR4
 * with VMXE, and OSXSAVE where the CPU has XSAVE: the guest's XSETBV is
 * done in host mode), VMXON with its region; then its VMCS cleared, made
 * current and filled (controls, host state, the vCPU's start state).  A
 * failure: vmx_fail().
 */
void vmx_enable_cpu(uint32_t index);

/*
 * Writes s into the current VMCS's guest-state area (and the CR0/CR4
 * read shadows, the "IA-32e mode guest" entry control): the real CR0 and
 * CR4 are s's with the fixed bits (vmx_cr_real()).  False at the first
 * VMWRITE that fails (*field: its encoding).
 */
bool vmx_write_guest_state(const VmxShared& shared, const VmxGuestState& s, uint64_t* field, VmxResult* result);

/*
 * The vCPU index's loop, on its own stack (vcpu_call_on_stack()), after
 * vcpu_host_enter(): events, VM entry, exits, for ever (vmx_exit.cpp).
 */
[[noreturn]] void vmx_vcpu_main(uint32_t index);

} // namespace relboot

/*
 * vmx_run.S.  vmx_vmrun(): one VM entry (VMLAUNCH when gprs->launched is
 * 0, else VMRESUME) with the guest's registers from gprs; returns 0 after
 * the VM exit (the guest's registers back in gprs), or the failed entry's
 * VmxResult (1 fail-invalid, 2 fail-valid: the entry never happened).
 * vmx_take_nmi(): INT 2, so that relboot's NMI handler counts the NMI a
 * VM exit consumed, and its IRET ends the NMI blocking the exit left.
 */
extern "C" uint32_t vmx_vmrun(relboot::VmxGuestGprs* gprs);
extern "C" void vmx_take_nmi();

#endif
