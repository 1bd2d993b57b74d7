/*
 * guest=svm's run-time state, shared by the launch (svm_launch.cpp) and
 * the vCPUs' loop (svm_exit.cpp), 64-bit stage only: the pages every vCPU
 * shares (permission maps, NPT), each vCPU's own (VMCB, host VMCB, host
 * save area, host stack) and its general-purpose registers, all in the
 * image's .boot_tables: reached through the identity map, left out of
 * the NPT.  AMD APM vol. 2, 15.5 (VMRUN), 15.30.4 (VM_HSAVE_PA), 15.5.2
 * (VMSAVE/VMLOAD).
 */
#ifndef RELBOOT_SVM_VCPU_H
#define RELBOOT_SVM_VCPU_H

#include <cstdint>
#include "payload/svm/payload_svm.h"
#include "payload/vcpu/vcpu.h"
#include <x86/svm.h>

namespace relboot {

/* The guest's general-purpose registers other than RAX and RSP (in the VMCB), in svm_run.S's order. */
struct SvmGuestGprs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};
static_assert(sizeof(SvmGuestGprs) == 14 * 8);

/* What every vCPU shares, and what the BSP found out about the host. */
struct SvmShared {
    alignas(4096) uint8_t iopm[SVM_IOPM_SIZE];       /* all zero: I/O passes through */
    alignas(4096) uint8_t msrpm[SVM_MSRPM_SIZE];     /* from the MSR policy table */
    alignas(4096) uint64_t npt[GUEST_MAP_PAGES * PT_ENTRIES];   /* payload/vcpu/guest_map.h, SVM_NPT_FORMAT */
    uint64_t apic_page;         /* the xAPIC page left out of the NPT (IA32_APIC_BASE's) */
    uint64_t efer_supported;    /* EFER bits the CPU has (CPUID), for the guest's writes */
    uint32_t init_edx;          /* RDX after INIT: CPUID 1's EAX (family, model, stepping) */
    bool nrips;                 /* CPUID 8000_000A EDX.NRIPS: nRIP in the VMCB */
    bool decode;                /* CPUID 8000_000A EDX.DecodeAssists: instruction bytes on #NPF */
};

/* One vCPU's host-side pages. */
struct SvmVcpu {
    x86::Vmcb vmcb;                                 /* the guest's */
    x86::Vmcb host_vmcb;                            /* VMSAVE/VMLOAD of relboot's FS, GS, TR (its IST stacks), ... */
    alignas(4096) uint8_t hsave[4096];              /* VM_HSAVE_PA */
    alignas(16) uint8_t stack[VCPU_STACK_SIZE];     /* the host stack its exits are handled on */
};

/* Physical (= identity) address of an object reached through the identity map. */
inline uint64_t svm_phys(const void* p)
{
    return reinterpret_cast<uint64_t>(p);
}

/* The identity addresses of the objects above (image_identity() on their higher-half names). */
SvmShared& svm_shared_pages();
SvmVcpu& svm_vcpu_pages(uint32_t index);
SvmGuestGprs& svm_guest_gprs(uint32_t index);

/* A VMCB's control area as every vCPU has it (intercepts, permission maps, ASID 1, the NPT). */
void svm_vmcb_control(x86::Vmcb& vmcb, const SvmShared& shared);

/*
 * The vCPU index's loop, on its own stack (vcpu_call_on_stack()), after
 * vcpu_host_enter(): events, VMRUN, exits, for ever (svm_exit.cpp).
 */
[[noreturn]] void svm_vcpu_main(uint32_t index);

} // namespace relboot

/*
 * svm_run.S.  svm_vmrun(): one world switch (VMLOAD guest, VMRUN, VMSAVE
 * guest, VMLOAD host_pa at once).  svm_wait_for_kick(): STGI, then
 * vcpu_wait_kick(nmi_count, seen) (vcpu.h: HLT with IF 0 unless an NMI
 * came since the last look; only an NMI ends the HLT), CLGI.
 * svm_take_nmi(): STGI, CLGI: an NMI held since the #VMEXIT (GIF 0) is
 * taken in host mode, by relboot's handler, which counts it.
 */
extern "C" void svm_vmrun(uint64_t vmcb_pa, relboot::SvmGuestGprs* gprs, uint64_t host_pa);
extern "C" void svm_wait_for_kick(const uint32_t* nmi_count, uint32_t seen);
extern "C" void svm_take_nmi();

#endif
