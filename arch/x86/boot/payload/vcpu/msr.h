/*
 * The guest's MSRs: ONE policy table (msr.cpp) says, for each MSR relboot
 * does not let through, what a read and what a write does; everything not
 * in the table passes through to the hardware, and the table says so
 * below its last row.  The SVM MSR permission map and the VMX MSR bitmap
 * are filled from the table, and README lists it.  AMD APM vol. 2, 15.11
 * (MSR intercepts), 15.30 (SVM MSRs), appendix A; Intel SDM Vol. 3C,
 * 24.6.9 (MSR bitmaps), Vol. 4 (MSR index).
 */
#ifndef RELBOOT_VCPU_MSR_H
#define RELBOOT_VCPU_MSR_H

#include <cstdint>

namespace relboot {

/* What one kind of access (read or write) does. */
enum class MsrAction : uint8_t {
    pass = 0,       /* to the hardware, as if there were no hypervisor */
    ignore,         /* write: dropped (the hardware keeps relboot's value); not used for reads */
    emulate,        /* relboot computes the result (EFER, APIC_BASE, the x2APIC MSRs) */
    gp,             /* #GP(0) into the guest, RIP left: as on a CPU without the MSR */
};

/* One row: the MSRs [first, last] and what a read and a write of them do. */
struct MsrRule {
    const char* name;       /* the manuals' name, e.g. "EFER", "VM_CR", "MTRRphysBase0..MTRRphysMask7" */
    uint32_t first;
    uint32_t last;          /* inclusive; = first for one MSR */
    MsrAction read;
    MsrAction write;
    const char* why;        /* one line for README's table */
};

/* The table, in index order, rows disjoint (msr_rule_count() rows). */
const MsrRule* msr_rules();
uint32_t msr_rule_count();

/* The row for msr, or nullptr: not in the table, both accesses pass. */
const MsrRule* msr_rule(uint32_t msr);

/*
 * The EFER bits a guest may set on this host (supported for
 * efer_guest_write()), from CPUID Fn8000_0001 ECX and EDX and
 * Fn8000_0021 EAX (0 for a leaf the CPU lacks): SCE (SYSCALL), LME and
 * LMA (LM), NXE (NX), FFXSR (FFXSR), TCE (TCE), AIBRSE (AutomaticIBRS).
 * Never SVME (the guest sees no SVM) nor LMSLE (no CPUID bit says a CPU
 * has it; Zen 3 and later have not): a write of either is refused.
 */
uint64_t efer_supported(uint32_t ext_features_ecx, uint32_t ext_features_edx, uint32_t ext_features2_eax);

/*
 * EFER as the guest may see and set it (AMD APM vol. 2, 3.1.7; Intel SDM
 * Vol. 3A, 2.2.1).  The guest reads its own value with SVME clear (SVM
 * keeps SVME set in the VMCB; under VMX it is never set).  A write of
 * value is refused (false, *efer untouched: #GP) when it sets a bit
 * outside supported (efer_supported()), or changes LME while the guest's
 * CR0.PG is set (the hardware's #GP); else *efer becomes value with LMA
 * kept as it was (the CPU sets LMA, a write does not) and the bits of
 * forced set (SVM: SVME, without which VMRUN refuses the guest; VMX: 0).
 */
uint64_t efer_guest_read(uint64_t efer);
bool efer_guest_write(uint64_t value, uint64_t supported, uint64_t guest_cr0, uint64_t* efer, uint64_t forced);

/*
 * IA32_APIC_BASE (SDM 11.4.4): a write is taken only when it changes
 * nothing but the BSP bit (read-only, ignored): the APIC's base address,
 * its EN and EXTD bits and the reserved bits stay as they are, so a
 * taken write has nothing to write to the hardware.  Anything else (a
 * move, a switch between xAPIC and x2APIC mode or off, a reserved bit) is
 * refused (#GP).
 */
bool apic_base_write_allowed(uint64_t current, uint64_t value);

/*
 * Fills an SVM MSR permission map (SVM_MSRPM_SIZE bytes, APM 15.11) from
 * the table: all zero, then a rule whose read (write) action is not pass
 * intercepts reads (writes) of its MSRs, the x2APIC rule (0x800..0x8ff)
 * only when x2apic: the local APIC is in x2APIC mode (IA32_APIC_BASE.
 * EXTD, which the guest cannot change); in xAPIC mode those MSRs pass
 * and the hardware's #GP reaches the guest.  MSRs outside the map's
 * three ranges always exit when MSR_PROT is set: the exit handler looks
 * every MSR exit up with msr_rule() (nullptr: pass).
 */
void msr_fill_svm_permission_map(uint8_t* msrpm, bool x2apic);

/*
 * Fills a VMX MSR bitmap (VMX_MSR_BITMAP_SIZE bytes, 4 KiB; Intel SDM
 * Vol. 3C, 24.6.9) from the table as msr_fill_svm_permission_map() does:
 * the read bitmaps for MSRs 0..1FFFH (offset 0) and C000_0000H..C000_1FFFH
 * (400H), the write bitmaps at 800H and C00H, one bit an MSR.  MSRs
 * outside the two ranges (AMD's C001_xxxxH among them) always exit when
 * the MSR bitmaps are in use: the exit handler looks every MSR exit up
 * with msr_rule().
 */
inline constexpr uint32_t VMX_MSR_BITMAP_SIZE = 4096;
void msr_fill_vmx_bitmap(uint8_t* bitmap, bool x2apic);

/* Whether a VMX MSR bitmap intercepts a read (write = false) or a write of msr; MSRs outside the ranges: true. */
bool vmx_msr_bitmap_intercepts(const uint8_t* bitmap, uint32_t msr, bool write);

} // namespace relboot

#endif
