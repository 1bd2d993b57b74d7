/*
 * Launching the Linux payload as an AMD SVM guest (guest=svm): the pure
 * parts, which the 64-bit stage runs and the host tests run on sample
 * memory maps.  AMD APM vol. 2, chapter 15; arch/x86/include/x86/svm.h.
 *
 * relboot is a thin hypervisor for one vCPU: the guest gets every
 * guest-physical address identity-mapped through the nested page table
 * (NPT), except relboot's own pages (its image, in which lie the VMCB, the
 * host save areas, the permission maps, the NPT and the stacks), which are
 * not present in the NPT and reserved in the guest's e820 table (relboot's
 * image is reserved there anyway).  Inside the image, only the pages the
 * guest must read are mapped: the zero page, the command line, the EFI
 * memory map copy (LinuxBuffers, linux_launch.cpp) and the guest's first
 * page tables, GDT and stack (SvmGuestPages).  I/O, interrupts, HLT and
 * every MSR but EFER and VM_HSAVE_PA pass through.
 *
 * The guest's memory view is decided with the plan (LinuxPlanInput.
 * memory_limit = svm_npt_limit()): linux_fill_boot_params() writes its
 * e820 table once, everything at or above the NPT's limit reserved.
 * Refusals are BootErrors with subject "svm" (lib/error.h).
 */
#ifndef RELBOOT_PAYLOAD_SVM_H
#define RELBOOT_PAYLOAD_SVM_H

#include <cstdint>
#include "boot_state.h"
#include "lib/error.h"
#include "payload/linux/payload_linux.h"
#include <relboot/spec/linux.h>
#include <x86/cpuid.h>
#include <x86/paging.h>

namespace relboot {

inline constexpr uint64_t SVM_PAGE = 4096;
inline constexpr uint64_t SVM_2M = uint64_t(1) << 21;
inline constexpr uint64_t SVM_1G = uint64_t(1) << 30;

/*
 * Guest-physical space the NPT can cover: 16 GiB (one PD page a GiB).
 * RAM above it is reserved in the guest's e820 table, with a warning.
 */
inline constexpr uint64_t SVM_NPT_MAX = 16 * SVM_1G;
/* Page tables for 4 KiB pages where a hole starts or ends inside a 2 MiB page. */
inline constexpr uint32_t SVM_NPT_PT_PAGES = 8;
/* The NPT's pages: PML4, PDPT, one PD a GiB, the PTs. */
inline constexpr uint32_t SVM_NPT_PAGES = 2 + uint32_t(SVM_NPT_MAX / SVM_1G) + SVM_NPT_PT_PAGES;
/* Most holes (ranges left out of the NPT) svm_npt_build() takes. */
inline constexpr uint32_t SVM_NPT_MAX_HOLES = 8;

/* NPT entries: present, writable and user (nested walks are user accesses, APM vol. 2, 15.25.5). */
inline constexpr uint64_t NPT_TABLE = PTE_P | PTE_RW | PTE_US;
inline constexpr uint64_t NPT_LEAF_4K = PTE_P | PTE_RW | PTE_US;
inline constexpr uint64_t NPT_LEAF_2M = PTE_P | PTE_RW | PTE_US | PTE_PS;

/*
 * Guest-physical space the NPT covers for this memory map: everything
 * below 4 GiB (RAM, the legacy hole, the MMIO hole with the local APIC
 * and the IO-APIC), and RAM or ACPI ranges above it, rounded up to 1 GiB,
 * at most SVM_NPT_MAX.
 */
uint64_t svm_npt_limit(const MemoryRange* map, uint32_t count);

/*
 * The holes: [image, image end) less the windows the guest needs inside
 * it, each 4 KiB aligned (the image's start rounded down and the windows
 * rounded outwards).  windows need not be sorted; ones outside the image
 * are ignored.  Returns the number of holes written to out (at most max;
 * sorted, disjoint); more needed: returns max + 1.
 */
uint32_t svm_npt_holes(PhysRange image, const PhysRange* windows, uint32_t window_count, PhysRange* out,
                       uint32_t max);

/* BootError.subject of guest=svm's refusals. */
inline constexpr const char* SVM_ERROR_SUBJECT = "svm";

/*
 * Whether svm_npt_build() can build an NPT for limit and these holes in
 * page_count pages: limit a nonzero multiple of 1 GiB whose PDs fit
 * ("npt limit", found = limit; limit npt_pages = page_count), and no
 * more 2 MiB pages that a hole touches without covering them than the
 * pages left for their page tables ("npt split_pages", found = those 2
 * MiB pages; limit pt_pages).  Ok exactly when svm_npt_build() succeeds
 * (with pages_phys 4 KiB aligned).
 */
BootError svm_npt_check(uint64_t limit, const PhysRange* holes, uint32_t hole_count, uint32_t page_count);

/*
 * Builds the NPT in pages (page_count 4 KiB pages whose first byte is
 * guest- and host-physical pages_phys; pages_phys 4 KiB aligned):
 * [0, limit) identity-mapped, 2 MiB pages where no hole touches the 2 MiB,
 * 4 KiB pages where one does, holes (4 KiB aligned, any order) not present.
 * limit: a multiple of 1 GiB, at most 512 GiB.  Page 0 is the PML4
 * (VMCB N_CR3 = pages_phys).  Returns the pages used, or 0 when
 * page_count is too small or an argument is out of range; then pages'
 * contents mean nothing.
 */
uint32_t svm_npt_build(uint64_t* pages, uint64_t pages_phys, uint32_t page_count, uint64_t limit,
                       const PhysRange* holes, uint32_t hole_count);

/*
 * Where the NPT maps gpa, walking pages as svm_npt_build() wrote them
 * (pages_phys as given there): true and *hpa, or false when not present
 * (or the walk leaves pages).  For the tests and the NPT-fault report.
 */
bool svm_npt_translate(const uint64_t* pages, uint64_t pages_phys, uint32_t page_count, uint64_t gpa,
                       uint64_t* hpa);

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
 * The MSR permission map relboot's guest gets (SVM_MSRPM_SIZE bytes):
 * zero (pass through) but EFER writes (SVME stays set), and reads and
 * writes of VM_HSAVE_PA (the guest sees no SVM).
 */
void svm_msrpm_fill(uint8_t* msrpm);

/*
 * CPUID as the guest sees it: the host's answer for leaf/subleaf with SVM
 * hidden (Fn8000_0001 ECX.SVM clear, Fn8000_000A all zero), so a kernel
 * never tries VMRUN in the guest.
 */
x86::CpuidResult svm_cpuid_filter(uint32_t leaf, uint32_t subleaf, x86::CpuidResult host);

/*
 * Length of the instruction behind an intercept, for a CPU without NRIPS
 * (QEMU's TCG): CPUID, RDMSR and WRMSR 2 bytes (0F A2, 0F 32, 0F 30),
 * VMMCALL 3 (0F 01 D9).  0 for an exit code without a fixed length.
 */
uint32_t svm_insn_length(uint64_t exitcode);

/* The exit code's name for reports ("cpuid", "npf", "shutdown", "invalid", ... or "other"). */
const char* svm_exit_name(uint64_t exitcode);

/*
 * The guest's first page tables (the 64-bit boot protocol wants paging
 * on): [0, 4 GiB) identity-mapped with 2 MiB pages, in 6 pages at
 * pages_phys (PML4, PDPT, 4 PDs).  The kernel builds its own before it
 * needs more.
 */
inline constexpr uint32_t SVM_GUEST_PT_PAGES = 6;
void svm_guest_pagetables(uint64_t* pages, uint64_t pages_phys);

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
 * Host checks for guest=svm: svm_check_cpuid(), then (only with SVM,
 * as the MSR exists only then) svm_check_vm_cr().  A refusal ends the
 * run through boot_fail(); nothing has been placed then.
 */
void svm_check_host(const BootState& bs);

/*
 * Decides guest=svm's pages before anything moves (relboot's own pages
 * are written, nothing else): the NPT over [0, plan.memory_limit) with
 * relboot's image left out but for windows (the pages the guest reads
 * there: LinuxBuffers) and its own SvmGuestPages (and the zero page's
 * page left out with debug-npt-hole=zero-page), the guest's page tables
 * and GDT, the permission maps, and the VMCB with the 64-bit boot
 * protocol's state: RIP = plan.entry, RSI = boot_params (physical).  The
 * last refusal of the launch: too many holes ("svm npt holes") or an NPT
 * that does not fit its pages (svm_npt_check()), through boot_fail().
 */
void svm_prepare(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params, const PhysRange* windows,
                 uint32_t window_count);

/*
 * Runs the guest svm_prepare() set up: a warning when the plan's memory
 * view withholds RAM (plan.ram_withheld above plan.memory_limit), sets
 * EFER.SVME and VM_HSAVE_PA, prints "relboot: svm ..." and "relboot:
 * handoff linux-svm entry=... boot_params=...", then loops on VMRUN,
 * handling the exits.  A fatal exit ends the run with one "relboot:
 * error: svm guest exit ..." line.
 */
[[noreturn]] void svm_run(const BootState& bs, Console& con, const LinuxPlan& plan, uint64_t boot_params);

} // namespace relboot

#endif
