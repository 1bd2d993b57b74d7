/*
 * The guest's MSRs: ONE policy table (msr.cpp) says, for each MSR relboot
 * does not let through, what a read and what a write does; everything not
 * in the table passes through to the hardware, and the table says so in
 * its last row's comment.  The SVM MSR permission map (and, in issue 23,
 * the VMX MSR bitmap) is filled from the table, and README lists it.
 * AMD APM vol. 2, 15.11 (MSR intercepts), 15.30 (SVM MSRs), appendix A;
 * Intel SDM Vol. 4 (MSR index).
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

/* The table, in index order (msr_rule_count() rows). */
const MsrRule* msr_rules();
uint32_t msr_rule_count();

/* The row for msr, or nullptr: not in the table, both accesses pass. */
const MsrRule* msr_rule(uint32_t msr);

/*
 * EFER as the guest may see and set it.  The guest reads its own value
 * with SVME (and, for VMX, nothing extra) clear; a write keeps SVME set in
 * the VMCB (VMRUN refuses a guest without it) and is refused (#GP) when
 * it sets a bit outside the architectural ones the CPU supports
 * (supported: EFER bits the host CPU implements, from CPUID).
 */
uint64_t efer_guest_read(uint64_t vmcb_efer);
bool efer_guest_write(uint64_t value, uint64_t supported, uint64_t* vmcb_efer);

/*
 * IA32_APIC_BASE: a write is taken only when it keeps the APIC's base
 * address and its EN and EXTD bits as they are (the BSP bit is
 * read-only and ignored); anything else is refused (#GP).
 */
bool apic_base_write_allowed(uint64_t current, uint64_t value);

/*
 * Fills an SVM MSR permission map (8 KiB, APM 15.11) from the table: a
 * rule whose read (write) action is not pass intercepts reads (writes) of
 * its MSRs.  x2apic: the CPU has x2APIC; then 0x800..0x8ff are
 * intercepted too (apic.h), else left as the table says.
 */
void msr_fill_svm_permission_map(uint8_t* msrpm, bool x2apic);

} // namespace relboot

#endif
