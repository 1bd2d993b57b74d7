/*
 * guest=vmx: the Linux payload as an Intel VT-x guest of relboot, one
 * vCPU per online CPU (arch/x86/boot/payload/vmx/payload_vmx.h; Intel SDM
 * Vol. 3C, chapters 23-31).
 *
 * linux_launch.cpp decides and places as for a native launch; before
 * anything moves, vmx_prepare() builds the EPT (relboot's image and the
 * local APIC's page left out), the MSR bitmap and each online CPU's
 * starting state: the BSP's the 64-bit boot protocol's (linux_entry.S),
 * each AP's INIT's.  Instead of the jump, vmx_run() turns VMX on for each
 * CPU (IA32_FEATURE_CONTROL, the fixed CR0 and CR4 bits, VMXON, the
 * vCPU's VMCS), makes every online AP a vCPU through its mailbox (it
 * never goes back to relboot's park loop), prints the two lines and runs
 * the BSP's vCPU; the guest starts its APs itself, with INIT and SIPI
 * through its emulated local APIC (vmx_exit.cpp, payload/vcpu/).
 *
 * The checks before the guest runs (the host's VMX, the EPT's holes and
 * pages) are BootErrors ended by boot_fail().  A VMX instruction that
 * fails, or a fatal guest exit, keeps its own line (vmx_fail(),
 * vmx_exit.cpp).
 */
#include "lib/console.h"
#include "lib/error.h"
#include "lib/report.h"
#include "payload/linux/payload_linux.h"
#include "payload/vcpu/cpuid.h"
#include "payload/vcpu/msr.h"
#include "payload/vcpu/vcpu_launch.h"
#include "payload/vmx/payload_vmx.h"
#include "payload/vmx/vmx_insn.h"
#include "payload/vmx/vmx_vcpu.h"
#include "smp/smp.h"
#include "stage64/identity_map.h"
#include <x86/apic.h>
#include <x86/cpuid.h>
#include <x86/cr.h>
#include <x86/msr.h>
#include <x86/msr_index.h>
#include <x86/paging.h>
#include <x86/segment.h>
#include <x86/vmx.h>

extern "C" void vmx_exit_stub();

namespace relboot {

namespace {

/* CPUID leaf 0DH (XSAVE features) and the XSAVE bit of leaf 1 ECX (SDM Vol. 1, 13.2). */
constexpr uint32_t CPUID_LEAF_XSAVE = 0xd;
constexpr uint32_t CPUID_1_ECX_XSAVE = 1u << 26;

} // namespace
} // namespace relboot

/* relboot's own VMX pages: not present in the EPT, reserved in the e820 table (relboot's image). */
__attribute__((section(".boot_tables"))) relboot::VmxShared vmx_shared;
__attribute__((section(".boot_tables"))) relboot::VmxVcpu vmx_vcpus[relboot::VCPU_MAX];
__attribute__((section(".boot_tables"))) relboot::VmxGuestGprs vmx_gprs[relboot::VCPU_MAX];

namespace relboot {

static_assert(VCPU_MAX == CPUS_MAX, "one vCPU per entry of the CPU table");

VmxShared& vmx_shared_pages()
{
    return *image_identity(boot_state, &vmx_shared);
}

VmxVcpu& vmx_vcpu_pages(uint32_t index)
{
    return image_identity(boot_state, vmx_vcpus)[index];
}

VmxGuestGprs& vmx_guest_gprs(uint32_t index)
{
    return image_identity(boot_state, vmx_gprs)[index];
}

namespace {

/* RDMSR of a capability MSR the CPU has, else 0 (the presence rules of VmxCaps). */
VmxCaps read_caps()
{
    VmxCaps c{};
    c.basic = x86::rdmsr(MSR_IA32_VMX_BASIC);
    c.pinbased = x86::rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
    c.procbased = x86::rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
    c.exit = x86::rdmsr(MSR_IA32_VMX_EXIT_CTLS);
    c.entry = x86::rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
    c.misc = x86::rdmsr(MSR_IA32_VMX_MISC);
    c.cr0_fixed0 = x86::rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    c.cr0_fixed1 = x86::rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    c.cr4_fixed0 = x86::rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    c.cr4_fixed1 = x86::rdmsr(MSR_IA32_VMX_CR4_FIXED1);
    if (c.basic & VMX_BASIC_TRUE_CTLS) {
        c.true_pinbased = x86::rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
        c.true_procbased = x86::rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
        c.true_exit = x86::rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
        c.true_entry = x86::rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
    }
    if ((c.procbased >> 32) & VMX_PROC_ACTIVATE_SECONDARY)
        c.procbased2 = x86::rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
    if ((c.procbased2 >> 32) & (VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID))
        c.ept_vpid_cap = x86::rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    return c;
}

uint64_t read_cr0()
{
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

uint64_t read_cr3()
{
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

uint64_t read_cr4()
{
    uint64_t v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/* A descriptor-table register as SGDT/SIDT store it. */
struct [[gnu::packed]] DescriptorTable {
    uint16_t limit;
    uint64_t base;
};

/* The running CPU's host state: what a VM exit loads (SDM 24.5, 26.2.2-26.2.4 for its checks). */
struct HostState {
    uint64_t cr0, cr3, cr4;
    uint16_t cs, ss, ds, es, fs, gs, tr;
    uint64_t fs_base, gs_base, tr_base, gdtr_base, idtr_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip, efer, pat;
};

HostState host_state()
{
    HostState h{};
    h.cr0 = read_cr0();
    h.cr3 = read_cr3();
    h.cr4 = read_cr4();
    asm volatile("mov %%cs, %0" : "=r"(h.cs));
    asm volatile("mov %%ss, %0" : "=r"(h.ss));
    asm volatile("mov %%ds, %0" : "=r"(h.ds));
    asm volatile("mov %%es, %0" : "=r"(h.es));
    asm volatile("mov %%fs, %0" : "=r"(h.fs));
    asm volatile("mov %%gs, %0" : "=r"(h.gs));
    asm volatile("str %0" : "=r"(h.tr));
    DescriptorTable gdtr{}, idtr{};
    asm volatile("sgdt %0" : "=m"(gdtr));
    asm volatile("sidt %0" : "=m"(idtr));
    h.gdtr_base = gdtr.base;
    h.idtr_base = idtr.base;
    /* The TSS descriptor (16 bytes, SDM 7.2.3): base 15:0 at bits 31:16, 23:16 at 39:32, 31:24 at 63:56, 63:32 next. */
    const uint64_t* desc = reinterpret_cast<const uint64_t*>(gdtr.base + (h.tr & ~7u));
    h.tr_base = ((desc[0] >> 16) & 0xffffff) | ((desc[0] >> 56) & 0xff) << 24 | (desc[1] & 0xffffffff) << 32;
    h.fs_base = x86::rdmsr(MSR_IA32_FS_BASE);
    h.gs_base = x86::rdmsr(MSR_IA32_GS_BASE);
    h.sysenter_cs = x86::rdmsr(MSR_IA32_SYSENTER_CS);
    h.sysenter_esp = x86::rdmsr(MSR_IA32_SYSENTER_ESP);
    h.sysenter_eip = x86::rdmsr(MSR_IA32_SYSENTER_EIP);
    h.efer = x86::rdmsr(MSR_IA32_EFER);
    h.pat = x86::rdmsr(MSR_IA32_PAT);
    return h;
}

/* VMWRITEs that stop at the first failure: field and result kept for vmx_fail(). */
struct Writer {
    VmxResult result = VmxResult::ok;
    uint64_t failed_field = ~uint64_t(0);

    void operator()(uint64_t field, uint64_t value)
    {
        if (result != VmxResult::ok)
            return;
        result = vmx_vmwrite(field, value);
        if (result != VmxResult::ok)
            failed_field = field;
    }
};

/* The current VMCS's control fields and host state (the host is the running CPU as it is now). */
void write_controls_and_host(Writer& w, const VmxShared& shared, const VmxGuestState& start)
{
    const VmxControlValues& c = shared.controls;
    w(VMCS_PIN_BASED_CONTROLS, c.pinbased);
    w(VMCS_PROC_BASED_CONTROLS, c.procbased);
    w(VMCS_PROC_BASED_CONTROLS2, c.procbased2);
    w(VMCS_EXIT_CONTROLS, c.exit);
    w(VMCS_ENTRY_CONTROLS, c.entry | ((start.efer & EFER_LMA) ? VMX_ENTRY_CTL_IA32E_MODE_GUEST : 0));
    w(VMCS_EXCEPTION_BITMAP, 0);
    w(VMCS_CR3_TARGET_COUNT, 0);
    w(VMCS_EXIT_MSR_STORE_COUNT, 0);
    w(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    w(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    w(VMCS_ENTRY_INTERRUPTION_INFO, 0);
    w(VMCS_MSR_BITMAP, vmx_phys(shared.msr_bitmap));
    w(VMCS_EPT_POINTER, shared.eptp);
    w(VMCS_VPID, 1);
    w(VMCS_LINK_POINTER, ~uint64_t(0));
    w(VMCS_CR0_GUEST_HOST_MASK, shared.cr0_mask);
    w(VMCS_CR4_GUEST_HOST_MASK, shared.cr4_mask);

    const HostState h = host_state();
    w(VMCS_HOST_CR0, h.cr0);
    w(VMCS_HOST_CR3, h.cr3);
    w(VMCS_HOST_CR4, h.cr4);
    w(VMCS_HOST_CS_SELECTOR, h.cs & ~7u);
    w(VMCS_HOST_SS_SELECTOR, h.ss & ~7u);
    w(VMCS_HOST_DS_SELECTOR, h.ds & ~7u);
    w(VMCS_HOST_ES_SELECTOR, h.es & ~7u);
    w(VMCS_HOST_FS_SELECTOR, h.fs & ~7u);
    w(VMCS_HOST_GS_SELECTOR, h.gs & ~7u);
    w(VMCS_HOST_TR_SELECTOR, h.tr & ~7u);
    w(VMCS_HOST_FS_BASE, h.fs_base);
    w(VMCS_HOST_GS_BASE, h.gs_base);
    w(VMCS_HOST_TR_BASE, h.tr_base);
    w(VMCS_HOST_GDTR_BASE, h.gdtr_base);
    w(VMCS_HOST_IDTR_BASE, h.idtr_base);
    w(VMCS_HOST_IA32_SYSENTER_CS, h.sysenter_cs);
    w(VMCS_HOST_IA32_SYSENTER_ESP, h.sysenter_esp);
    w(VMCS_HOST_IA32_SYSENTER_EIP, h.sysenter_eip);
    w(VMCS_HOST_IA32_EFER, h.efer);
    w(VMCS_HOST_IA32_PAT, h.pat);
    w(VMCS_HOST_RIP, reinterpret_cast<uint64_t>(&vmx_exit_stub));
}

/* The top of vCPU index's host stack. */
uint64_t stack_top(uint32_t index)
{
    VmxVcpu& vv = vmx_vcpu_pages(index);
    return vmx_phys(vv.stack + sizeof vv.stack);
}

/*
 * An AP's way into its vCPU, from its mailbox (smp_call_cpu(); interrupts
 * off, on its AP stack): VMX on and its VMCS, the vCPU's host state, then
 * its loop on its own stack, waiting for a SIPI.  It never returns to the
 * park loop.
 */
void vmx_ap_entry(uint32_t cpu)
{
    VcpuTable& table = vcpu_table();
    vmx_enable_cpu(cpu);
    vcpu_host_enter(table, table.vcpus[cpu], false);
    vcpu_call_on_stack(stack_top(cpu), vmx_vcpu_main, cpu);
}

} // namespace

VmxCaps vmx_read_caps()
{
    return read_caps();
}

bool vmx_write_guest_state(const VmxShared& shared, const VmxGuestState& s, uint64_t* field, VmxResult* result)
{
    Writer w;
    for (uint32_t i = 0; i < 8; ++i) {
        w(VMCS_GUEST_ES_SELECTOR + 2 * i, s.seg[i].selector);
        w(VMCS_GUEST_ES_LIMIT + 2 * i, s.seg[i].limit);
        w(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * i, s.seg[i].ar);
        w(VMCS_GUEST_ES_BASE + 2 * i, s.seg[i].base);
    }
    w(VMCS_GUEST_GDTR_BASE, s.gdtr.base);
    w(VMCS_GUEST_GDTR_LIMIT, s.gdtr.limit);
    w(VMCS_GUEST_IDTR_BASE, s.idtr.base);
    w(VMCS_GUEST_IDTR_LIMIT, s.idtr.limit);
    const VmxCaps& caps = shared.caps;
    w(VMCS_GUEST_CR0, vmx_cr_real(s.cr0, caps.cr0_fixed0, caps.cr0_fixed1, CR0_PE | CR0_PG));
    w(VMCS_CR0_READ_SHADOW, s.cr0);
    w(VMCS_GUEST_CR3, s.cr3);
    w(VMCS_GUEST_CR4, vmx_cr_real(s.cr4, caps.cr4_fixed0, caps.cr4_fixed1, 0));
    w(VMCS_CR4_READ_SHADOW, s.cr4);
    w(VMCS_GUEST_IA32_EFER, s.efer);
    w(VMCS_GUEST_IA32_PAT, s.pat);
    w(VMCS_GUEST_IA32_DEBUGCTL, 0);
    w(VMCS_GUEST_IA32_SYSENTER_CS, 0);
    w(VMCS_GUEST_IA32_SYSENTER_ESP, 0);
    w(VMCS_GUEST_IA32_SYSENTER_EIP, 0);
    w(VMCS_GUEST_DR7, s.dr7);
    w(VMCS_GUEST_RSP, s.rsp);
    w(VMCS_GUEST_RIP, s.rip);
    w(VMCS_GUEST_RFLAGS, s.rflags);
    w(VMCS_GUEST_PENDING_DEBUG, 0);
    w(VMCS_GUEST_ACTIVITY_STATE, s.activity);
    w(VMCS_GUEST_INTERRUPTIBILITY, s.interruptibility);
    w(VMCS_ENTRY_INTERRUPTION_INFO, 0);
    w(VMCS_ENTRY_CONTROLS, shared.controls.entry | ((s.efer & EFER_LMA) ? VMX_ENTRY_CTL_IA32E_MODE_GUEST : 0));
    *field = w.failed_field;
    *result = w.result;
    return w.result == VmxResult::ok;
}

void vmx_fail(const char* what, uint32_t cpu, VmxResult result, uint64_t field)
{
    {
        VcpuErrorLine line;
        Console& con = line.con;
        con.begin().str("error: vmx ").str(what).str(" cpu=").dec(cpu);
        if (result == VmxResult::fail_invalid) {
            con.str(" result=fail-invalid (no current VMCS, or an operand VMX refuses)");
        } else {
            const uint32_t error = uint32_t(vmx_vmread(VMCS_VM_INSTRUCTION_ERROR));
            con.str(" result=fail-valid error=").dec(error).str(" (").str(vmx_instruction_error_name(error)).chr(')');
        }
        if (field != ~uint64_t(0))
            con.str(" field=").hex(field, 4);
        con.end();
    }
    VcpuTable& table = vcpu_table();
    if (cpu < table.count)
        vcpu_stop_all(table, table.vcpus[cpu]);
    finish(boot_state.options, false);
}

void vmx_enable_cpu(uint32_t index)
{
    const VmxShared& shared = vmx_shared_pages();
    VmxVcpu& vv = vmx_vcpu_pages(index);
    /* IA32_FEATURE_CONTROL: locked with VMXON outside SMX (vmx_check_host() refused a CPU locked without). */
    uint64_t lock = 0;
    if (vmx_check_feature_control(x86::rdmsr(MSR_IA32_FEATURE_CONTROL), &lock).ok() && lock)
        x86::wrmsr(MSR_IA32_FEATURE_CONTROL, lock);
    /* CR0 and CR4 in VMX operation (vmx_check_host() checked relboot's fit): the fixed bits, VMXE, OSXSAVE. */
    const VmxCaps& caps = shared.caps;
    const uint64_t cr0 = vmx_cr_fixed(read_cr0(), caps.cr0_fixed0, caps.cr0_fixed1);
    uint64_t cr4 = read_cr4() | CR4_VMXE | (shared.xcr0_supported ? CR4_OSXSAVE : 0);
    cr4 = vmx_cr_fixed(cr4, caps.cr4_fixed0, caps.cr4_fixed1);
    asm volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
    asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
    /* VMXON, then the vCPU's VMCS: cleared (launch state clear), current, filled. */
    __builtin_memset(vv.vmxon, 0, sizeof vv.vmxon);
    __builtin_memset(vv.vmcs, 0, sizeof vv.vmcs);
    __builtin_memcpy(vv.vmxon, &shared.revision, sizeof shared.revision);
    __builtin_memcpy(vv.vmcs, &shared.revision, sizeof shared.revision);
    VmxResult r = vmx_on(vmx_phys(vv.vmxon));
    if (r != VmxResult::ok)
        vmx_fail("vmxon", index, r, ~uint64_t(0));
    r = vmx_clear(vmx_phys(vv.vmcs));
    if (r != VmxResult::ok)
        vmx_fail("vmclear", index, r, ~uint64_t(0));
    r = vmx_ptrld(vmx_phys(vv.vmcs));
    if (r != VmxResult::ok)
        vmx_fail("vmptrld", index, r, ~uint64_t(0));
    Writer w;
    write_controls_and_host(w, shared, vv.start);
    if (w.result != VmxResult::ok)
        vmx_fail("vmwrite", index, w.result, w.failed_field);
    uint64_t field = 0;
    if (!vmx_write_guest_state(shared, vv.start, &field, &r))
        vmx_fail("vmwrite", index, r, field);
    /* Nothing cached for this EPT or VPID 1 from before (a previous boot's, a firmware's). */
    vmx_invept((caps.ept_vpid_cap & VMX_EPT_INVEPT_ALL) ? VMX_INVEPT_ALL_CONTEXT : VMX_INVEPT_SINGLE_CONTEXT,
               shared.eptp);
    vmx_invvpid((caps.ept_vpid_cap & VMX_VPID_INVVPID_ALL) ? VMX_INVVPID_ALL_CONTEXT : VMX_INVVPID_SINGLE_CONTEXT, 1);
}

BootError vmx_host_error()
{
    const x86::CpuidResult vendor = x86::cpuid(0);
    BootError e = cpu_vendor_check(CpuVendor::intel, vendor.ebx, vendor.edx, vendor.ecx, VMX_ERROR_SUBJECT);
    if (!e.ok())
        return e;
    e = vmx_check_cpuid(x86::cpuid(CPUID_LEAF_FEATURES).ecx);
    if (!e.ok())
        return e;
    uint64_t lock = 0;
    e = vmx_check_feature_control(x86::rdmsr(MSR_IA32_FEATURE_CONTROL), &lock);   /* the MSR exists with VMX */
    if (!e.ok())
        return e;
    const VmxCaps caps = read_caps();
    VmxControlValues controls{};
    e = vmx_compute_controls(caps, &controls);
    if (!e.ok())
        return e;
    e = vmx_check_caps(caps);
    if (!e.ok())
        return e;
    uint64_t adjusted = 0;
    e = vmx_check_host_cr("CR0", read_cr0(), caps.cr0_fixed0, caps.cr0_fixed1, &adjusted);
    if (e.ok())
        e = vmx_check_host_cr("CR4", read_cr4() | CR4_VMXE, caps.cr4_fixed0, caps.cr4_fixed1, &adjusted);
    return e;
}

void vmx_check_host(const BootState& bs)
{
    const BootError e = vmx_host_error();
    if (!e.ok())
        boot_fail(bs.options, e);
}

void vmx_prepare(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params, const PhysRange* windows,
                 uint32_t window_count)
{
    VmxShared& shared = vmx_shared_pages();
    const VcpuGuestPages& guest = vcpu_guest_pages();

    /* What the CPU has (vmx_check_host() passed). */
    shared.caps = read_caps();
    vmx_compute_controls(shared.caps, &shared.controls);
    shared.revision = uint32_t(shared.caps.basic & VMX_BASIC_REVISION_MASK);
    shared.cr0_mask = vmx_cr_mask(shared.caps.cr0_fixed0, shared.caps.cr0_fixed1, CR0_PE | CR0_PG) & 0xffffffff;
    shared.cr4_mask = vmx_cr_mask(shared.caps.cr4_fixed0, shared.caps.cr4_fixed1, 0);
    shared.efer_supported = vcpu_host_efer_supported();
    const x86::CpuidResult features = x86::cpuid(CPUID_LEAF_FEATURES);
    shared.init_edx = features.eax;
    shared.xcr0_supported = 0;
    if ((features.ecx & CPUID_1_ECX_XSAVE) && x86::cpuid(0).eax >= CPUID_LEAF_XSAVE) {
        const x86::CpuidResult x = x86::cpuid(CPUID_LEAF_XSAVE, 0);
        shared.xcr0_supported = uint64_t(x.edx) << 32 | x.eax;
    }

    /* The EPT: everything up to its limit, relboot's image less what the guest reads, the APIC's page. */
    shared.apic_page = x86::rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR_MASK;
    vcpu_prepare_guest_memory(bs, plan, boot_params, windows, window_count, shared.apic_page, shared.ept,
                              VMX_EPT_FORMAT, VMX_EPT_ERROR_SUBJECT);
    shared.eptp = vmx_eptp(vmx_phys(shared.ept), shared.caps.ept_vpid_cap);
    msr_fill_vmx_bitmap(shared.msr_bitmap, bs.x2apic);

    /* Each online CPU's start (written into its VMCS by its own CPU): the BSP's as linux_entry.S's jump leaves it, the APs' as INIT. */
    const BootCpu* cpus = phys_ptr<BootCpu>(bs.cpus);
    for (uint32_t i = 0; i < bs.cpu_count && i < VCPU_MAX; ++i) {
        if (!(cpus[i].flags & BOOT_CPU_ONLINE))
            continue;
        VmxVcpu& vv = vmx_vcpu_pages(i);
        VmxGuestGprs& gprs = vmx_guest_gprs(i);
        gprs = VmxGuestGprs{};
        VmxGuestState& s = vv.start;
        vmx_init_state(s);
        if (i != bs.bsp_index) {
            gprs.rdx = shared.init_edx;
            continue;
        }
        const VmxSegment code{LINUX_BOOT_CS, vmx_ar_from_descriptor(guest.gdt[LINUX_BOOT_CS / 8]), 0xffffffff, 0};
        const VmxSegment data{LINUX_BOOT_DS, vmx_ar_from_descriptor(guest.gdt[LINUX_BOOT_DS / 8]), 0xffffffff, 0};
        s.seg[VMX_CS] = code;
        s.seg[VMX_DS] = s.seg[VMX_ES] = s.seg[VMX_SS] = data;
        s.seg[VMX_FS] = s.seg[VMX_GS] = VmxSegment{0, VMX_AR_UNUSABLE, 0, 0};
        s.seg[VMX_LDTR] = VmxSegment{0, VMX_AR_UNUSABLE, 0, 0};
        s.seg[VMX_TR] = VmxSegment{0, VMX_AR_TSS_BUSY, 0x67, 0};       /* busy 64-bit TSS; the kernel loads its own */
        s.gdtr = VmxSegment{0, 0, uint32_t(sizeof guest.gdt - 1), vmx_phys(guest.gdt)};
        s.idtr = VmxSegment{0, 0, 0, 0};       /* a fault before the kernel's IDT: a triple fault, reported */
        s.efer = EFER_LME | EFER_LMA | (x86::rdmsr(MSR_IA32_EFER) & EFER_NXE);
        s.cr4 = CR4_PAE;
        s.cr3 = vmx_phys(guest.pagetables);
        s.cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE;
        s.rflags = 0x2;                        /* interrupts off */
        s.rip = plan.entry;
        s.rsp = vmx_phys(guest.stack) + sizeof guest.stack;
        gprs.rsi = boot_params;
    }
}

void vmx_run(const BootState& bs, Console& con, const LinuxPlan& plan, uint64_t boot_params)
{
    if (plan.ram_withheld)
        con.begin().str("warning: vmx: ").dec(plan.ram_withheld >> 10).str(" KiB of RAM at or above ")
            .hex16(plan.memory_limit).str(" reserved in the guest's e820 table (the EPT's limit)").end();

    /* The vCPU table, VMX on for the BSP, then every online AP into its vCPU. */
    VcpuTable& table = vcpu_table_setup(bs, con);
    vmx_enable_cpu(bs.bsp_index);
    const uint64_t present = vcpu_enter_all(bs, con, table, vmx_ap_entry);

    const VmxVcpu& bsp = vmx_vcpu_pages(bs.bsp_index);
    con.begin().str("vmx ept=on vpid=1 vmcs=").hex16(vmx_phys(bsp.vmcs)).str(" unrestricted=yes vcpus=");
    con.dec(vcpu_mask_count(present)).end();
    con.begin().str("handoff linux-vmx entry=").hex16(plan.entry).str(" boot_params=").hex16(boot_params).end();
    vcpu_call_on_stack(stack_top(bs.bsp_index), vmx_vcpu_main, bs.bsp_index);
}

} // namespace relboot
