/*
 * guest=vmx's pure parts (payload_vmx.h): the control fields from the
 * capability MSRs, the host's checks, the control registers' fixed bits
 * and the guest's writes to them, the INIT and SIPI states, the exit
 * reasons' and errors' names.  Freestanding: writes only what it is
 * given.
 */
#include "payload/vmx/payload_vmx.h"
#include <x86/cr.h>
#include <x86/cpuid.h>
#include <x86/paging.h>
#include <x86/vmx.h>

namespace relboot {

namespace {

using F = VmxField;
using W = VmxWant;

/*
 * What relboot asks of the controls it knows, field by field; the first
 * refused one is the error line.  The thin hypervisor's set: NMIs exit
 * (the kicks) with virtual NMIs; the MSRs through the bitmap; EPT, VPID
 * and unrestricted guest; the host in 64-bit mode; EFER and PAT switched
 * by the CPU; nothing else intercepted: interrupts, HLT, I/O, CR3, CR8,
 * DR accesses, TSC and the rest run as they are (CPUID, the VMX
 * instructions, INIT, triple faults and the EPT's faults exit whatever
 * the controls say).
 */
constexpr VmxControl CONTROLS[] = {
    {F::pinbased, 0, W::zero, "allowed-0 bit 0: external-interrupt exiting clear (the guest takes its interrupts)"},
    {F::pinbased, 3, W::one, "allowed-1 bit 3: NMI exiting (relboot's kicks)"},
    {F::pinbased, 5, W::one, "allowed-1 bit 5: virtual NMIs"},
    {F::pinbased, 6, W::zero, "allowed-0 bit 6: VMX-preemption timer clear"},
    {F::pinbased, 7, W::zero, "allowed-0 bit 7: process posted interrupts clear"},
    {F::procbased, 2, W::zero, "allowed-0 bit 2: interrupt-window exiting clear"},
    {F::procbased, 3, W::zero, "allowed-0 bit 3: use TSC offsetting clear"},
    {F::procbased, 7, W::zero, "allowed-0 bit 7: HLT exiting clear"},
    {F::procbased, 9, W::zero, "allowed-0 bit 9: INVLPG exiting clear"},
    {F::procbased, 10, W::zero, "allowed-0 bit 10: MWAIT exiting clear"},
    {F::procbased, 11, W::zero, "allowed-0 bit 11: RDPMC exiting clear"},
    {F::procbased, 12, W::zero, "allowed-0 bit 12: RDTSC exiting clear"},
    {F::procbased, 15, W::zero, "allowed-0 bit 15: CR3-load exiting clear (the EPT keeps CR3 the guest's)"},
    {F::procbased, 16, W::zero, "allowed-0 bit 16: CR3-store exiting clear"},
    {F::procbased, 19, W::zero, "allowed-0 bit 19: CR8-load exiting clear"},
    {F::procbased, 20, W::zero, "allowed-0 bit 20: CR8-store exiting clear"},
    {F::procbased, 21, W::zero, "allowed-0 bit 21: use TPR shadow clear"},
    {F::procbased, 22, W::zero, "allowed-0 bit 22: NMI-window exiting clear"},
    {F::procbased, 23, W::zero, "allowed-0 bit 23: MOV-DR exiting clear"},
    {F::procbased, 24, W::zero, "allowed-0 bit 24: unconditional I/O exiting clear (I/O passes through)"},
    {F::procbased, 25, W::zero, "allowed-0 bit 25: use I/O bitmaps clear"},
    {F::procbased, 27, W::zero, "allowed-0 bit 27: monitor trap flag clear"},
    {F::procbased, 28, W::one, "allowed-1 bit 28: use MSR bitmaps (the MSR policy table)"},
    {F::procbased, 29, W::zero, "allowed-0 bit 29: MONITOR exiting clear"},
    {F::procbased, 30, W::zero, "allowed-0 bit 30: PAUSE exiting clear"},
    {F::procbased, 31, W::one, "allowed-1 bit 31: activate secondary controls"},
    {F::procbased2, 1, W::one, "allowed-1 bit 1: enable EPT"},
    {F::procbased2, 3, W::optional, "allowed-1 bit 3: enable RDTSCP"},
    {F::procbased2, 5, W::one, "allowed-1 bit 5: enable VPID"},
    {F::procbased2, 7, W::one, "allowed-1 bit 7: unrestricted guest (the APs' real-mode start after SIPI)"},
    {F::procbased2, 12, W::optional, "allowed-1 bit 12: enable INVPCID"},
    {F::procbased2, 20, W::optional, "allowed-1 bit 20: enable XSAVES/XRSTORS"},
    {F::procbased2, 26, W::optional, "allowed-1 bit 26: enable user wait and pause"},
    {F::exit, 9, W::one, "allowed-1 bit 9: host address-space size (relboot runs in 64-bit mode)"},
    {F::exit, 12, W::zero, "allowed-0 bit 12: load IA32_PERF_GLOBAL_CTRL clear"},
    {F::exit, 15, W::zero, "allowed-0 bit 15: acknowledge interrupt on exit clear"},
    {F::exit, 18, W::one, "allowed-1 bit 18: save IA32_PAT"},
    {F::exit, 19, W::one, "allowed-1 bit 19: load IA32_PAT"},
    {F::exit, 20, W::one, "allowed-1 bit 20: save IA32_EFER"},
    {F::exit, 21, W::one, "allowed-1 bit 21: load IA32_EFER"},
    {F::exit, 22, W::zero, "allowed-0 bit 22: save VMX-preemption timer value clear"},
    {F::entry, 9, W::settable, "allowed-1 bit 9: IA-32e mode guest (the kernel's 64-bit entry)"},
    {F::entry, 10, W::zero, "allowed-0 bit 10: entry to SMM clear"},
    {F::entry, 11, W::zero, "allowed-0 bit 11: deactivate dual-monitor treatment clear"},
    {F::entry, 13, W::zero, "allowed-0 bit 13: load IA32_PERF_GLOBAL_CTRL clear"},
    {F::entry, 14, W::one, "allowed-1 bit 14: load IA32_PAT"},
    {F::entry, 15, W::one, "allowed-1 bit 15: load IA32_EFER"},
};

constexpr uint32_t CONTROL_COUNT = sizeof(CONTROLS) / sizeof(CONTROLS[0]);

BootError refusal(const char* field, uint64_t found, const char* expected)
{
    return BootError{.subject = VMX_ERROR_SUBJECT, .field = field, .found = found, .expected = expected};
}

} // namespace

const VmxControl* vmx_controls() { return CONTROLS; }

uint32_t vmx_control_count() { return CONTROL_COUNT; }

uint32_t vmx_field_msr(VmxField field, const VmxCaps& caps)
{
    const bool true_ctls = caps.basic & VMX_BASIC_TRUE_CTLS;
    switch (field) {
    case F::pinbased: return true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS;
    case F::procbased: return true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS;
    case F::procbased2: return MSR_IA32_VMX_PROCBASED_CTLS2;
    case F::exit: return true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS;
    default: return true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS;
    }
}

uint64_t vmx_field_cap(VmxField field, const VmxCaps& caps)
{
    const bool true_ctls = caps.basic & VMX_BASIC_TRUE_CTLS;
    switch (field) {
    case F::pinbased: return true_ctls ? caps.true_pinbased : caps.pinbased;
    case F::procbased: return true_ctls ? caps.true_procbased : caps.procbased;
    case F::procbased2: return caps.procbased2;
    case F::exit: return true_ctls ? caps.true_exit : caps.exit;
    default: return true_ctls ? caps.true_entry : caps.entry;
    }
}

const char* vmx_field_msr_name(VmxField field, const VmxCaps& caps)
{
    const bool true_ctls = caps.basic & VMX_BASIC_TRUE_CTLS;
    switch (field) {
    case F::pinbased: return true_ctls ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS";
    case F::procbased: return true_ctls ? "IA32_VMX_TRUE_PROCBASED_CTLS" : "IA32_VMX_PROCBASED_CTLS";
    case F::procbased2: return "IA32_VMX_PROCBASED_CTLS2";
    case F::exit: return true_ctls ? "IA32_VMX_TRUE_EXIT_CTLS" : "IA32_VMX_EXIT_CTLS";
    default: return true_ctls ? "IA32_VMX_TRUE_ENTRY_CTLS" : "IA32_VMX_ENTRY_CTLS";
    }
}

uint32_t vmx_field_default1(VmxField field)
{
    switch (field) {
    case F::pinbased: return VMX_PIN_DEFAULT1;
    case F::procbased: return VMX_PROC_DEFAULT1;
    case F::exit: return VMX_EXIT_CTL_DEFAULT1;
    case F::entry: return VMX_ENTRY_CTL_DEFAULT1;
    default: return 0;
    }
}

uint32_t vmx_control_value(uint64_t cap, uint32_t default1, uint32_t want1, uint32_t want0, uint32_t optional1,
                           uint32_t* refused1, uint32_t* refused0)
{
    const uint32_t must1 = uint32_t(cap);           /* allowed 0-settings: a 1 is a control that cannot be 0 */
    const uint32_t may1 = uint32_t(cap >> 32);      /* allowed 1-settings: a 0 is a control that cannot be 1 */
    const uint32_t asked = want1 | want0 | optional1;
    *refused1 = want1 & ~may1;
    *refused0 = want0 & must1;
    const uint32_t wished = want1 | (optional1 & may1) | (default1 & ~asked);
    return (wished & may1) | must1;
}

BootError vmx_compute_controls(const VmxCaps& caps, VmxControlValues* out)
{
    uint32_t values[uint32_t(F::count)] = {};
    for (uint32_t f = 0; f < uint32_t(F::count); ++f) {
        const VmxField field = VmxField(f);
        uint32_t want1 = 0, want0 = 0, optional1 = 0, settable = 0;
        for (const VmxControl& c : CONTROLS) {
            if (c.field != field)
                continue;
            const uint32_t bit = 1u << c.bit;
            switch (c.want) {
            case W::one: want1 |= bit; break;
            case W::zero: want0 |= bit; break;
            case W::settable: settable |= bit; break;
            default: optional1 |= bit; break;
            }
        }
        const uint64_t cap = vmx_field_cap(field, caps);
        uint32_t refused1 = 0, refused0 = 0;
        /* A settable control is checked as wanted, then left clear in the common value. */
        values[f] = vmx_control_value(cap, vmx_field_default1(field), want1 | settable, want0, optional1, &refused1,
                                      &refused0) & ~settable;
        for (const VmxControl& c : CONTROLS) {
            if (c.field == field && ((refused1 | refused0) >> c.bit & 1))
                return refusal(vmx_field_msr_name(field, caps), cap, c.expected);
        }
    }
    *out = VmxControlValues{values[0], values[1], values[2], values[3], values[4]};
    return BootError{};
}

BootError vmx_check_caps(const VmxCaps& caps)
{
    const uint64_t size = (caps.basic >> VMX_BASIC_SIZE_SHIFT) & VMX_BASIC_SIZE_MASK;
    const uint64_t memtype = (caps.basic >> 50) & 0xf;
    if (size > 4096 || size == 0)
        return refusal("IA32_VMX_BASIC", caps.basic, "a VMCS size (bits 44:32) of at most 4096 bytes");
    if (memtype != 6)
        return refusal("IA32_VMX_BASIC", caps.basic, "the VMCS memory type (bits 53:50) 6, write-back");
    if (!(caps.misc & VMX_MISC_ACTIVITY_HLT))
        return refusal("IA32_VMX_MISC", caps.misc, "bit 6: the HLT activity state (the guest halts without an exit)");
    const uint64_t ept = caps.ept_vpid_cap;
    if (!(ept & VMX_EPT_PAGE_WALK_4))
        return refusal("IA32_VMX_EPT_VPID_CAP", ept, "bit 6: a 4-level EPT");
    if (!(ept & (VMX_EPT_MEMTYPE_WB | VMX_EPT_MEMTYPE_UC)))
        return refusal("IA32_VMX_EPT_VPID_CAP", ept, "bit 14 or 8: the EPT's structures write-back or uncached");
    if (!(ept & VMX_EPT_2MB_PAGES))
        return refusal("IA32_VMX_EPT_VPID_CAP", ept, "bit 16: 2 MiB EPT pages");
    if (!(ept & VMX_EPT_INVEPT) || !(ept & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL)))
        return refusal("IA32_VMX_EPT_VPID_CAP", ept, "bits 20 and 25 or 26: INVEPT, single- or all-context");
    if (!(ept & VMX_VPID_INVVPID) || !(ept & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL)))
        return refusal("IA32_VMX_EPT_VPID_CAP", ept, "bits 32 and 41 or 42: INVVPID, single- or all-context");
    return BootError{};
}

BootError vmx_check_cpuid(uint32_t features_ecx)
{
    if (!(features_ecx & CPUID_1_ECX_VMX))
        return refusal("CPUID 1 ECX", features_ecx, "VMX (bit 5) for guest=vmx");
    return BootError{};
}

BootError vmx_check_feature_control(uint64_t value, uint64_t* write)
{
    if (!(value & FEATURE_CONTROL_LOCK)) {
        *write = value | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
        return BootError{};
    }
    if (!(value & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
        return refusal("IA32_FEATURE_CONTROL", value,
                       "VMXON outside SMX allowed (bit 2) once locked (bit 0): the firmware disabled VT-x");
    return BootError{};
}

BootError vmx_check_host_cr(const char* name, uint64_t value, uint64_t fixed0, uint64_t fixed1, uint64_t* adjusted)
{
    if (value & ~fixed1)
        return BootError{.subject = VMX_ERROR_SUBJECT, .field = name, .found = value,
                         .expected = "no bit that the IA32_VMX_CRn_FIXED1 MSR clears (a setting VMX forbids)",
                         .limit_name = "fixed1", .limit = fixed1};
    *adjusted = vmx_cr_fixed(value, fixed0, fixed1);
    return BootError{};
}

VmxCrWrite vmx_cr0_write(uint64_t value, uint64_t old, uint64_t efer, uint64_t cr4, uint64_t fixed0, uint64_t fixed1)
{
    constexpr uint64_t exempt = CR0_PE | CR0_PG;
    VmxCrWrite w{true, 0, 0, false};
    if (value >> 32)
        return w;
    if ((value & CR0_PG) && !(value & CR0_PE))
        return w;
    if ((value & CR0_NW) && !(value & CR0_CD))
        return w;
    if (value & ~fixed1)
        return w;
    const bool paging_on = (value & CR0_PG) && !(old & CR0_PG);
    const bool paging_off = !(value & CR0_PG) && (old & CR0_PG);
    if (paging_on && (efer & EFER_LME) && !(cr4 & CR4_PAE))
        return w;
    if (paging_off && (cr4 & CR4_PCIDE))
        return w;
    w.gp = false;
    w.real = vmx_cr_real(value, fixed0, fixed1, exempt);
    w.shadow = value;
    w.lma = (efer & EFER_LME) && (value & CR0_PG);
    return w;
}

VmxCrWrite vmx_cr4_write(uint64_t value, uint64_t old, uint64_t efer, uint64_t cr3, uint64_t fixed0, uint64_t fixed1)
{
    VmxCrWrite w{true, 0, 0, (efer & EFER_LMA) != 0};
    const bool ia32e = efer & EFER_LMA;
    if (value & (CR4_VMXE | ~fixed1))
        return w;
    if (ia32e && !(value & CR4_PAE))
        return w;
    if (ia32e && ((value ^ old) & CR4_LA57))
        return w;
    if ((value & CR4_PCIDE) && !(old & CR4_PCIDE) && (!ia32e || (cr3 & 0xfff)))
        return w;
    w.gp = false;
    w.real = vmx_cr_real(value, fixed0, fixed1, 0);
    w.shadow = value;
    return w;
}

namespace {

/* VMCS access rights (SDM 24.4.1; the states after INIT, SDM Vol. 3A "Processor State After Reset"). */
constexpr uint32_t AR_CODE16 = 0x009b;      /* present, S, execute/read, accessed; D = 0 */
constexpr uint32_t AR_DATA16 = 0x0093;      /* present, S, read/write, accessed */
constexpr uint32_t AR_LDT = 0x0082;         /* present, LDT */
constexpr uint32_t REAL_LIMIT = 0xffff;
/* PAT's power-on value (SDM Vol. 3A, "PAT Initialization"). */
constexpr uint64_t PAT_RESET = 0x0007040600070406;

} // namespace

void vmx_init_state(VmxGuestState& s)
{
    s = VmxGuestState{};
    for (VmxSegment& g : s.seg)
        g = VmxSegment{0, AR_DATA16, REAL_LIMIT, 0};
    s.seg[VMX_CS] = VmxSegment{0xf000, AR_CODE16, REAL_LIMIT, 0xffff0000};
    s.seg[VMX_LDTR] = VmxSegment{0, AR_LDT, REAL_LIMIT, 0};
    s.seg[VMX_TR] = VmxSegment{0, VMX_AR_TSS_BUSY, REAL_LIMIT, 0};
    s.gdtr = s.idtr = VmxSegment{0, 0, REAL_LIMIT, 0};
    s.cr0 = CR0_CD | CR0_NW | CR0_ET;
    s.dr7 = 0x400;
    s.rflags = 0x2;
    s.rip = 0xfff0;
    s.pat = PAT_RESET;
    s.activity = VMX_ACTIVITY_ACTIVE;
}

void vmx_sipi_state(VmxGuestState& s, uint8_t vector)
{
    s.seg[VMX_CS].selector = uint16_t(vector << 8);
    s.seg[VMX_CS].base = uint64_t(vector) << 12;
    s.seg[VMX_CS].limit = REAL_LIMIT;
    s.rip = 0;
    s.activity = VMX_ACTIVITY_ACTIVE;
}

CodeSize vmx_code_size(uint64_t efer, uint64_t cr0, uint32_t cs_ar)
{
    if ((efer & EFER_LMA) && (cs_ar & VMX_AR_L))
        return CodeSize::bits64;
    if ((cr0 & CR0_PE) && (cs_ar & VMX_AR_DB))
        return CodeSize::bits32;
    return CodeSize::bits16;
}

uint64_t vmx_eptp(uint64_t pml4, uint64_t ept_vpid_cap)
{
    const uint64_t memtype = (ept_vpid_cap & VMX_EPT_MEMTYPE_WB) ? EPTP_MEMTYPE_WB : EPTP_MEMTYPE_UC;
    return (pml4 & PTE_ADDR_MASK) | EPTP_WALK_LENGTH_4 | memtype;
}

bool vmx_xsetbv_allowed(uint32_t ecx, uint64_t value, uint64_t supported)
{
    constexpr uint64_t X87 = 1u << 0, SSE = 1u << 1, AVX = 1u << 2, AVX512 = 7u << 5, AMX = 3u << 17;
    if (ecx != 0 || !(value & X87) || (value & ~supported))
        return false;
    if ((value & AVX) && !(value & SSE))
        return false;
    if ((value & AVX512) && ((value & AVX512) != AVX512 || !(value & AVX)))
        return false;
    if ((value & AMX) && (value & AMX) != AMX)
        return false;
    return true;
}

const char* vmx_exit_name(uint32_t basic_reason)
{
    switch (basic_reason) {
    case VMX_EXIT_REASON_EXCEPTION_OR_NMI: return "exception-or-nmi";
    case VMX_EXIT_REASON_EXTERNAL_INTERRUPT: return "external-interrupt";
    case VMX_EXIT_REASON_TRIPLE_FAULT: return "triple-fault";
    case VMX_EXIT_REASON_INIT: return "init";
    case VMX_EXIT_REASON_SIPI: return "sipi";
    case VMX_EXIT_REASON_TASK_SWITCH: return "task-switch";
    case VMX_EXIT_REASON_CPUID: return "cpuid";
    case VMX_EXIT_REASON_GETSEC: return "getsec";
    case VMX_EXIT_REASON_HLT: return "hlt";
    case VMX_EXIT_REASON_INVD: return "invd";
    case VMX_EXIT_REASON_VMCALL: return "vmcall";
    case VMX_EXIT_REASON_VMCLEAR: return "vmclear";
    case VMX_EXIT_REASON_VMLAUNCH: return "vmlaunch";
    case VMX_EXIT_REASON_VMPTRLD: return "vmptrld";
    case VMX_EXIT_REASON_VMPTRST: return "vmptrst";
    case VMX_EXIT_REASON_VMREAD: return "vmread";
    case VMX_EXIT_REASON_VMRESUME: return "vmresume";
    case VMX_EXIT_REASON_VMWRITE: return "vmwrite";
    case VMX_EXIT_REASON_VMXOFF: return "vmxoff";
    case VMX_EXIT_REASON_VMXON: return "vmxon";
    case VMX_EXIT_REASON_CR_ACCESS: return "cr-access";
    case VMX_EXIT_REASON_IO: return "io";
    case VMX_EXIT_REASON_RDMSR: return "rdmsr";
    case VMX_EXIT_REASON_WRMSR: return "wrmsr";
    case VMX_EXIT_REASON_INVALID_GUEST_STATE: return "invalid-guest-state";
    case VMX_EXIT_REASON_MSR_LOADING: return "msr-loading";
    case VMX_EXIT_REASON_MACHINE_CHECK: return "machine-check";
    case VMX_EXIT_REASON_EPT_VIOLATION: return "ept-violation";
    case VMX_EXIT_REASON_EPT_MISCONFIG: return "ept-misconfig";
    case VMX_EXIT_REASON_INVEPT: return "invept";
    case VMX_EXIT_REASON_INVVPID: return "invvpid";
    case VMX_EXIT_REASON_XSETBV: return "xsetbv";
    case VMX_EXIT_REASON_VMFUNC: return "vmfunc";
    default: return "other";
    }
}

const char* vmx_instruction_error_name(uint32_t error)
{
    switch (error) {
    case 1: return "VMCALL executed in VMX root operation";
    case 2: return "VMCLEAR with invalid physical address";
    case 3: return "VMCLEAR with VMXON pointer";
    case 4: return "VMLAUNCH with non-clear VMCS";
    case 5: return "VMRESUME with non-launched VMCS";
    case 6: return "VMRESUME after VMXOFF";
    case 7: return "VM entry with invalid control field(s)";
    case 8: return "VM entry with invalid host-state field(s)";
    case 9: return "VMPTRLD with invalid physical address";
    case 10: return "VMPTRLD with VMXON pointer";
    case 11: return "VMPTRLD with incorrect VMCS revision identifier";
    case 12: return "VMREAD/VMWRITE from/to unsupported VMCS component";
    case 13: return "VMWRITE to read-only VMCS component";
    case 15: return "VMXON executed in VMX root operation";
    case 16: return "VM entry with invalid executive-VMCS pointer";
    case 17: return "VM entry with non-launched executive VMCS";
    case 18: return "VM entry with executive-VMCS pointer not VMXON pointer";
    case 19: return "VMCALL with non-clear VMCS";
    case 20: return "VMCALL with invalid VM-exit control fields";
    case 22: return "VMCALL with incorrect MSEG revision identifier";
    case 23: return "VMXOFF under dual-monitor treatment of SMIs and SMM";
    case 24: return "VMCALL with invalid SMM-monitor features";
    case 25: return "VM entry with invalid VM-execution control fields in executive VMCS";
    case 26: return "VM entry with events blocked by MOV SS";
    case 28: return "invalid operand to INVEPT/INVVPID";
    default: return "unknown error number";
    }
}

const char* vmx_entry_failure_text(uint32_t basic_reason, uint64_t qualification)
{
    switch (basic_reason) {
    case VMX_EXIT_REASON_INVALID_GUEST_STATE:
        switch (qualification) {
        case 0: return "a check on the guest-state area failed";
        case 2: return "loading the PDPTEs failed";
        case 3: return "an NMI injected into a guest blocking events by STI";
        case 4: return "an invalid VMCS link pointer";
        default: return "an undocumented exit qualification";
        }
    case VMX_EXIT_REASON_MSR_LOADING: return "loading an MSR of the VM-entry MSR-load area failed (qualification: its index)";
    case VMX_EXIT_REASON_MACHINE_CHECK: return "a machine-check event during VM entry";
    default: return "not a VM-entry failure";
    }
}

} // namespace relboot
