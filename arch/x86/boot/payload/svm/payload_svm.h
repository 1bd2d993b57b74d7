/*
 * Launching the Linux payload as an AMD SVM guest (guest=svm): the pure
 * parts, which the 64-bit stage runs and the host tests run on sample
 * memory maps.  AMD APM vol. 2, chapter 15; arch/x86/include/x86/svm.h.
 *
 * relboot is a thin hypervisor: every CPU it brought online is one vCPU
 * of the guest (payload/vcpu/vcpu.h), the BSP's starting at the kernel's
 * 64-bit entry, each AP's waiting for the SIPI the guest sends it
 * through its (emulated) local APIC.  The guest gets every guest-physical
 * address identity-mapped through one nested page table (NPT), except
 * relboot's own pages (its image, in which lie the VMCBs, the host save
 * areas, the permission maps, the NPT and the stacks) and the local
 * APIC's page, which are not present in the NPT; relboot's image is
 * reserved in the guest's e820 table.  Inside the image, only the pages
 * the guest must read are mapped: the zero page, the command line, the
 * EFI memory map copy (LinuxBuffers, linux_launch.cpp) and the guest's
 * first page tables, GDT and stack (VcpuGuestPages, vcpu_launch.h).  I/O and interrupts
 * pass through; the MSRs follow one policy table (payload/vcpu/msr.h).
 *
 * The guest's memory view is decided with the plan (LinuxPlanInput.
 * memory_limit = guest_map_limit()): linux_fill_boot_params() writes its
 * e820 table once, everything at or above the NPT's limit reserved.  The
 * NPT itself is built by the vCPU layer's planner (payload/vcpu/
 * guest_map.h) with SVM_NPT_FORMAT.
 * Refusals are BootErrors with subject "svm" (lib/error.h).
 */
#ifndef RELBOOT_PAYLOAD_SVM_H
#define RELBOOT_PAYLOAD_SVM_H

#include <cstdint>
#include "boot_state.h"
#include "lib/error.h"
#include "payload/linux/payload_linux.h"
#include "payload/vcpu/guest_map.h"
#include "payload/vcpu/insn.h"
#include <relboot/spec/linux.h>
#include <x86/cpuid.h>
#include <x86/paging.h>
#include <x86/svm.h>

namespace relboot {

/* BootError.subject of guest=svm's refusals. */
inline constexpr const char* SVM_ERROR_SUBJECT = "svm";
/* ... and of the nested page table's (guest_map_check()). */
inline constexpr const char* SVM_NPT_ERROR_SUBJECT = "svm npt";

/* NPT entries: present, writable and user (nested walks are user accesses, APM vol. 2, 15.25.5). */
inline constexpr uint64_t NPT_TABLE = PTE_P | PTE_RW | PTE_US;
inline constexpr uint64_t NPT_LEAF_4K = PTE_P | PTE_RW | PTE_US;
inline constexpr uint64_t NPT_LEAF_2M = PTE_P | PTE_RW | PTE_US | PTE_PS;

/*
 * The NPT's entries for the planner (payload/vcpu/guest_map.h): the same
 * leaves for RAM and MMIO (write-back: the memory type comes from the
 * host's PAT and MTRRs, which QEMU ignores), present by the P bit.
 */
inline constexpr GuestMapFormat SVM_NPT_FORMAT{NPT_TABLE, {NPT_LEAF_4K, NPT_LEAF_4K}, {NPT_LEAF_2M, NPT_LEAF_2M},
                                               PTE_P};

/*
 * Sets the read and/or write intercept bits of msr in an 8 KiB MSR
 * permission map (APM vol. 2, 15.11: MSRs 0..0x1fff at byte 0,
 * 0xc0000000.. at 0x800, 0xc0010000.. at 0x1000, two bits an MSR, read
 * bit first).  False, nothing written, for an MSR outside the three
 * ranges (such an MSR always exits when MSR_PROT is set).
 */
bool svm_msrpm_set(uint8_t* msrpm, uint32_t msr, bool read, bool write);

/* Whether msrpm intercepts a read (write = false) or a write of msr; MSRs outside the ranges: true. */
bool svm_msrpm_intercepts(const uint8_t* msrpm, uint32_t msr, bool write);

/*
 * Length of the instruction behind an intercept, for a CPU without NRIPS
 * (QEMU's TCG): CPUID, RDMSR and WRMSR 2 bytes (0F A2, 0F 32, 0F 30),
 * VMMCALL 3 (0F 01 D9).  0 for an exit code without a fixed length.
 */
uint32_t svm_insn_length(uint64_t exitcode);

/* The exit code's name for reports ("cpuid", "npf", "nmi", "shutdown", "invalid", ... or "other"). */
const char* svm_exit_name(uint64_t exitcode);

/*
 * A vCPU's guest state after INIT, in a VMCB's state-save area (AMD APM
 * vol. 2, 14.1.3, table 14-1 "Initial Processor State"; Intel SDM Vol.
 * 3A, table 10-1): real mode at F000h:FFF0h (CS base FFFF0000h), every
 * other segment 0 with limit FFFFh, CR0 = CD | NW | ET, RFLAGS = 2,
 * DR6/DR7 and PAT at their reset values; EFER = SVME only (VMRUN refuses
 * a guest without it; the guest never sees it, payload/vcpu/msr.h).  The
 * general-purpose registers are the caller's: RDX = CPUID 1's EAX, the
 * rest 0.  Segment attributes are the VMCB's (table B-2: descriptor bits
 * 47:40 and 55:52); SS's DPL 0 is CPL 0 (QEMU takes CPL from it).
 */
void svm_vmcb_init_state(x86::VmcbSave& s);

/*
 * A Start-Up IPI taken in wait-for-SIPI (SDM 9.4.4, 11.6.1): CS =
 * vector << 8, its base vector << 12, IP 0; the rest stays as INIT left
 * it.
 */
void svm_vmcb_sipi(x86::VmcbSave& s, uint8_t vector);

/*
 * The guest's code size at its RIP, from the VMCB: 64-bit with EFER.LMA
 * and CS.L, 32-bit with CR0.PE and CS.D, else 16-bit (real mode, or a
 * 16-bit protected-mode segment).
 */
CodeSize svm_code_size(const x86::VmcbSave& s);

/* EVENTINJ for exception vector (APM vol. 2, 15.20), with error code error when has_error. */
constexpr uint64_t svm_event_exception(uint32_t vector, bool has_error, uint32_t error = 0)
{
    return (vector & SVM_EVENTINJ_VECTOR_MASK) | SVM_EVENTINJ_TYPE_EXCEPTION | SVM_EVENTINJ_V |
           (has_error ? SVM_EVENTINJ_EV | uint64_t(error) << SVM_EVENTINJ_ERRORCODE_SHIFT : 0);
}

/* EVENTINJ for an NMI (type 2, vector 2). */
inline constexpr uint64_t SVM_EVENT_NMI = 2 | SVM_EVENTINJ_TYPE_NMI | SVM_EVENTINJ_V;

class Console;

/* 64-bit stage only (svm_launch.cpp). */

/*
 * The host's SVM features for guest=svm (APM vol. 2, 15.4 "Enabling
 * SVM"): CPUID Fn8000_0001 ECX.SVM, then Fn8000_000A EDX.NP (0 for a
 * leaf the CPU lacks).  The refusal names the register and the bit.
 */
BootError svm_check_cpuid(uint32_t ext_features_ecx, uint32_t svm_features_edx);

/* VM_CR.SVMDIS clear: the firmware has not disabled SVM (APM vol. 2, 15.30.1). */
BootError svm_check_vm_cr(uint64_t vm_cr);

/*
 * Host checks for guest=svm: the CPU's vendor (AuthenticAMD or
 * HygonGenuine, cpu_vendor_check()), svm_check_cpuid(), then (only with
 * SVM, as the MSR exists only then) svm_check_vm_cr().  The first
 * refusal, or ok.  guest=auto asks it too.
 */
BootError svm_host_error();

/* svm_host_error(), a refusal through boot_fail(): nothing has been placed then. */
void svm_check_host(const BootState& bs);

/*
 * Decides guest=svm's pages before anything moves (relboot's own pages
 * are written, nothing else): the NPT over [0, plan.memory_limit) with
 * relboot's image left out but for windows (the pages the guest reads
 * there: LinuxBuffers) and its own VcpuGuestPages, and the local APIC's
 * page left out (its accesses are emulated; the zero page's page too with
 * debug-npt-hole=zero-page), the guest's page tables and GDT, the
 * permission maps (the MSR policy table's, payload/vcpu/msr.h), and a
 * VMCB for every online CPU: the BSP's with the 64-bit boot protocol's
 * state (RIP = plan.entry, RSI = boot_params, physical), each AP's in
 * INIT's state (svm_vmcb_init_state()).  The last refusal of the launch:
 * too many holes ("svm npt holes") or an NPT that does not fit its pages
 * (guest_map_check()), through boot_fail().
 */
void svm_prepare(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params, const PhysRange* windows,
                 uint32_t window_count);

/*
 * Runs the guest svm_prepare() set up: a warning when the plan's memory
 * view withholds RAM (plan.ram_withheld above plan.memory_limit); SVM on
 * on the BSP (EFER.SVME, VM_HSAVE_PA); every online AP called through its
 * mailbox (smp_call_cpu()) into its vCPU, which waits for a SIPI (an AP
 * that does not enter within SMP_CHECKIN_US is a warning and no vCPU);
 * then "relboot: svm vcpus=<n> ..." and "relboot: handoff linux-svm
 * entry=... boot_params=...", and the BSP's vCPU on its own stack.  A
 * fatal exit on any vCPU ends the run with one "relboot: error: svm
 * guest ..." line (svm_exit.cpp).
 */
[[noreturn]] void svm_run(const BootState& bs, Console& con, const LinuxPlan& plan, uint64_t boot_params);

} // namespace relboot

#endif
