/*
 * The guest's MSR policy (msr.h): the one table, and the rules for the
 * MSRs relboot emulates.  AMD APM vol. 2, 3.1.7 (EFER), 15.11 (the MSR
 * permission map), 15.30 and 15.31 (SVM MSRs), appendix A; Intel SDM
 * Vol. 4; the MSR numbers are in x86/{cr,apic,svm,mtrr,msr_index}.h.
 * Freestanding.
 */
#include "payload/vcpu/msr.h"
#include <x86/apic.h>
#include <x86/cpuid.h>
#include <x86/cr.h>
#include <x86/msr_index.h>
#include <x86/mtrr.h>
#include <x86/svm.h>
#include <x86/vmx.h>

namespace relboot {

namespace {

using M = MsrAction;

constexpr const char* WHY_MTRR =
    "memory types for relboot too; Linux rewrites the BSP's values on each AP and a #GP would cost it an "
    "unchecked-MSR warning: ignored, the hardware keeps relboot's";
constexpr const char* WHY_DRAM_DECODE =
    "decides which physical addresses are DRAM and which I/O, for relboot too: ignored, the hardware keeps relboot's";
constexpr const char* WHY_SVM = "SVM's own MSRs: the guest sees no SVM (CPUID), as on a CPU without it";
constexpr const char* WHY_MICROCODE = "no microcode is loaded under relboot: #GP, as on a CPU that refuses the update";

/*
 * THE table, in index order.  Reads that pass are not intercepted (the
 * guest's RDMSR runs on the hardware, which answers #GP itself where the
 * MSR is write-only or absent).
 */
constexpr MsrRule RULES[] = {
    {"APIC_BASE", MSR_IA32_APIC_BASE, MSR_IA32_APIC_BASE, M::pass, M::emulate,
     "the local APIC is relboot's: a write may change nothing but the BSP bit (no move, no mode switch), else #GP"},
    {"IA32_FEATURE_CONTROL", MSR_IA32_FEATURE_CONTROL, MSR_IA32_FEATURE_CONTROL, M::pass, M::gp,
     "VMX's enable: relboot locked it (guest=vmx) or the firmware did; a write #GPs on a locked one anyway"},
    {"IA32_BIOS_UPDT_TRIG", MSR_IA32_BIOS_UPDT_TRIG, MSR_IA32_BIOS_UPDT_TRIG, M::pass, M::gp, WHY_MICROCODE},
    {"MTRRcap", MSR_IA32_MTRRCAP, MSR_IA32_MTRRCAP, M::pass, M::gp, "read-only on the hardware too: a write #GPs"},
    {"MTRRphysBase0..MTRRphysMask9", MSR_IA32_MTRR_PHYSBASE0, MSR_IA32_MTRR_PHYSMASK9, M::pass, M::ignore,
     WHY_MTRR},
    {"MTRRfix64K_00000", MSR_IA32_MTRR_FIX64K_00000, MSR_IA32_MTRR_FIX64K_00000, M::pass, M::ignore,
     WHY_MTRR},
    {"MTRRfix16K_80000..MTRRfix16K_A0000", MSR_IA32_MTRR_FIX16K_80000, MSR_IA32_MTRR_FIX16K_A0000, M::pass,
     M::ignore, WHY_MTRR},
    {"MTRRfix4K_C0000..MTRRfix4K_F8000", MSR_IA32_MTRR_FIX4K_C0000, MSR_IA32_MTRR_FIX4K_F8000, M::pass, M::ignore,
     WHY_MTRR},
    {"MTRRdefType", MSR_IA32_MTRR_DEF_TYPE, MSR_IA32_MTRR_DEF_TYPE, M::pass, M::ignore, WHY_MTRR},
    {"IA32_VMX_BASIC..IA32_VMX_EXIT_CTLS2", MSR_IA32_VMX_BASIC, MSR_IA32_VMX_EXIT_CTLS2, M::gp, M::gp,
     "VMX's capability MSRs: the guest sees no VMX (CPUID), as on a CPU without it"},
    {"x2APIC", MSR_X2APIC_FIRST, MSR_X2APIC_LAST, M::emulate, M::emulate,
     "the local APIC is relboot's (apic.h); intercepted in x2APIC mode only, else the hardware's #GP reaches the "
     "guest"},
    {"EFER", MSR_IA32_EFER, MSR_IA32_EFER, M::emulate, M::emulate,
     "reads show SVME clear; writes keep SVME (SVM: VMRUN needs it) and LMA; an unsupported bit, or LME changed "
     "with paging on: #GP"},
    {"TSC_RATIO", MSR_TSC_RATIO, MSR_TSC_RATIO, M::gp, M::gp, WHY_SVM},
    {"SYSCFG", MSR_SYSCFG, MSR_SYSCFG, M::pass, M::ignore,
     "MTRR extensions, TOP_MEM2 and memory encryption enables; Linux writes it on AMD: ignored, as the MTRRs"},
    {"HWCR", MSR_HWCR, MSR_HWCR, M::pass, M::ignore,
     "SMM lock, cache and TLB controls; Linux writes it on AMD during boot: ignored (a #GP would cost a warning)"},
    {"IORRBase0..IORRMask1", MSR_IORR_BASE0, MSR_IORR_MASK1, M::pass, M::ignore, WHY_DRAM_DECODE},
    {"TOP_MEM", MSR_TOP_MEM, MSR_TOP_MEM, M::pass, M::ignore, WHY_DRAM_DECODE},
    {"TOP_MEM2", MSR_TOP_MEM2, MSR_TOP_MEM2, M::pass, M::ignore, WHY_DRAM_DECODE},
    {"PATCH_LOADER", MSR_PATCH_LOADER, MSR_PATCH_LOADER, M::pass, M::gp, WHY_MICROCODE},
    {"VM_CR", MSR_VM_CR, MSR_VM_CR, M::gp, M::gp, WHY_SVM},
    {"IGNNE", MSR_IGNNE, MSR_IGNNE, M::gp, M::gp, WHY_SVM},
    {"SMM_CTL", MSR_SMM_CTL, MSR_SMM_CTL, M::gp, M::gp, WHY_SVM},
    {"VM_HSAVE_PA", MSR_VM_HSAVE_PA, MSR_VM_HSAVE_PA, M::gp, M::gp, WHY_SVM},
    {"SVM_KEY", MSR_SVM_KEY, MSR_SVM_KEY, M::gp, M::gp, WHY_SVM},
    {"AVIC_DOORBELL", MSR_AVIC_DOORBELL, MSR_AVIC_DOORBELL, M::gp, M::gp,
     "a write signals another CPU's APIC; the guest sees no SVM"},
    /* Every other MSR: read pass, write pass (to the hardware, as if there were no hypervisor). */
};

constexpr uint32_t RULE_COUNT = sizeof(RULES) / sizeof(RULES[0]);

/* The permission map's byte and bit for msr's read bit (the write bit is the next one); false outside the ranges. */
bool msrpm_position(uint32_t msr, uint32_t* byte, uint32_t* bit)
{
    static constexpr uint32_t RANGES[] = {SVM_MSRPM_RANGE0_FIRST, SVM_MSRPM_RANGE1_FIRST, SVM_MSRPM_RANGE2_FIRST};
    for (uint32_t r = 0; r < 3; ++r) {
        if (msr - RANGES[r] < SVM_MSRPM_RANGE_MSRS) {
            const uint32_t index = (msr - RANGES[r]) * 2;
            *byte = r * SVM_MSRPM_RANGE_BYTES + index / 8;
            *bit = index % 8;
            return true;
        }
    }
    return false;
}

} // namespace

const MsrRule* msr_rules() { return RULES; }

uint32_t msr_rule_count() { return RULE_COUNT; }

const MsrRule* msr_rule(uint32_t msr)
{
    for (const MsrRule& r : RULES)
        if (msr >= r.first && msr <= r.last)
            return &r;
    return nullptr;
}

uint64_t efer_supported(uint32_t ext_features_ecx, uint32_t ext_features_edx, uint32_t ext_features2_eax)
{
    uint64_t bits = 0;
    if (ext_features_edx & CPUID_80000001_EDX_SYSCALL)
        bits |= EFER_SCE;
    if (ext_features_edx & CPUID_80000001_EDX_LM)
        bits |= EFER_LME | EFER_LMA;
    if (ext_features_edx & CPUID_80000001_EDX_NX)
        bits |= EFER_NXE;
    if (ext_features_edx & CPUID_80000001_EDX_FFXSR)
        bits |= EFER_FFXSR;
    if (ext_features_ecx & CPUID_80000001_ECX_TCE)
        bits |= EFER_TCE;
    if (ext_features2_eax & CPUID_80000021_EAX_AUTOIBRS)
        bits |= EFER_AIBRSE;
    return bits;
}

uint64_t efer_guest_read(uint64_t efer) { return efer & ~uint64_t(EFER_SVME); }

bool efer_guest_write(uint64_t value, uint64_t supported, uint64_t guest_cr0, uint64_t* efer, uint64_t forced)
{
    if (value & ~supported)
        return false;
    if ((guest_cr0 & CR0_PG) && ((value ^ *efer) & EFER_LME))
        return false;
    *efer = (value & ~uint64_t(EFER_LMA)) | (*efer & EFER_LMA) | forced;
    return true;
}

bool apic_base_write_allowed(uint64_t current, uint64_t value)
{
    return ((current ^ value) & ~uint64_t(APIC_BASE_BSP)) == 0;
}

void msr_fill_svm_permission_map(uint8_t* msrpm, bool x2apic)
{
    for (uint32_t i = 0; i < SVM_MSRPM_SIZE; ++i)
        msrpm[i] = 0;
    for (const MsrRule& r : RULES) {
        if (r.first == MSR_X2APIC_FIRST && !x2apic)
            continue;
        const bool read = r.read != MsrAction::pass, write = r.write != MsrAction::pass;
        for (uint32_t msr = r.first;; ++msr) {
            uint32_t byte, bit;
            if (msrpm_position(msr, &byte, &bit))
                msrpm[byte] = uint8_t(msrpm[byte] | (read ? 1u << bit : 0) | (write ? 2u << bit : 0));
            if (msr == r.last)
                break;
        }
    }
}

} // namespace relboot

namespace relboot {

namespace {

/* A VMX MSR bitmap's byte and bit for msr's read bit (the write bit: 0x800 bytes on); false outside the two ranges. */
bool vmx_bitmap_position(uint32_t msr, uint32_t* byte, uint32_t* bit)
{
    constexpr uint32_t LOW_FIRST = 0x00000000, HIGH_FIRST = 0xc0000000, RANGE_MSRS = 0x2000;
    uint32_t base;
    if (msr - LOW_FIRST < RANGE_MSRS)
        base = 0x000 + (msr - LOW_FIRST) / 8;
    else if (msr - HIGH_FIRST < RANGE_MSRS)
        base = 0x400 + (msr - HIGH_FIRST) / 8;
    else
        return false;
    *byte = base;
    *bit = msr % 8;
    return true;
}

constexpr uint32_t VMX_BITMAP_WRITE = 0x800;    /* the write bitmaps follow the read bitmaps */

} // namespace

void msr_fill_vmx_bitmap(uint8_t* bitmap, bool x2apic)
{
    for (uint32_t i = 0; i < VMX_MSR_BITMAP_SIZE; ++i)
        bitmap[i] = 0;
    for (const MsrRule& r : RULES) {
        if (r.first == MSR_X2APIC_FIRST && !x2apic)
            continue;
        const bool read = r.read != MsrAction::pass, write = r.write != MsrAction::pass;
        for (uint32_t msr = r.first;; ++msr) {
            uint32_t byte, bit;
            if (vmx_bitmap_position(msr, &byte, &bit)) {
                if (read)
                    bitmap[byte] = uint8_t(bitmap[byte] | 1u << bit);
                if (write)
                    bitmap[VMX_BITMAP_WRITE + byte] = uint8_t(bitmap[VMX_BITMAP_WRITE + byte] | 1u << bit);
            }
            if (msr == r.last)
                break;
        }
    }
}

bool vmx_msr_bitmap_intercepts(const uint8_t* bitmap, uint32_t msr, bool write)
{
    uint32_t byte, bit;
    if (!vmx_bitmap_position(msr, &byte, &bit))
        return true;
    return (bitmap[(write ? VMX_BITMAP_WRITE : 0) + byte] >> bit) & 1;
}

} // namespace relboot
