/*
 * guest=svm: the Linux payload as an AMD SVM guest of relboot, one vCPU
 * per online CPU (arch/x86/boot/payload/svm/payload_svm.h; AMD APM vol.
 * 2, chapter 15).
 *
 * linux_launch.cpp decides and places as for a native launch; before
 * anything moves, svm_prepare() builds the nested page table (relboot's
 * image and the local APIC's page left out), the permission maps and a
 * VMCB per online CPU: the BSP's with the state of the 64-bit boot
 * protocol (linux_entry.S), each AP's with INIT's.  Instead of the jump,
 * svm_run() makes every online AP a vCPU (through its mailbox: it never
 * goes back to relboot's park loop), prints the two lines and runs the
 * BSP's vCPU; the guest starts its APs itself, with INIT and SIPI through
 * its emulated local APIC (svm_exit.cpp, payload/vcpu/).
 *
 * The checks before the guest runs (the host's SVM, the NPT's holes and
 * pages) are BootErrors ended by boot_fail().  A fatal guest exit keeps
 * its own line (svm_exit.cpp).
 */
#include "lib/console.h"
#include "lib/error.h"
#include "lib/report.h"
#include "payload/linux/payload_linux.h"
#include "payload/svm/payload_svm.h"
#include "payload/svm/svm_vcpu.h"
#include "payload/vcpu/cpuid.h"
#include "payload/vcpu/msr.h"
#include "payload/vcpu/vcpu_launch.h"
#include "smp/smp.h"
#include "stage64/identity_map.h"
#include <x86/apic.h>
#include <x86/cr.h>
#include <x86/msr.h>
#include <x86/paging.h>
#include <x86/segment.h>
#include <x86/svm.h>

/* relboot's own SVM pages: not present in the NPT, reserved in the e820 table (relboot's image). */
__attribute__((section(".boot_tables"))) relboot::SvmShared svm_shared;
__attribute__((section(".boot_tables"))) relboot::SvmVcpu svm_vcpus[relboot::VCPU_MAX];
__attribute__((section(".boot_tables"))) relboot::SvmGuestGprs svm_gprs[relboot::VCPU_MAX];

namespace relboot {

static_assert(VCPU_MAX == CPUS_MAX, "one vCPU per entry of the CPU table");

SvmShared& svm_shared_pages()
{
    return *image_identity(boot_state, &svm_shared);
}

SvmVcpu& svm_vcpu_pages(uint32_t index)
{
    return image_identity(boot_state, svm_vcpus)[index];
}

SvmGuestGprs& svm_guest_gprs(uint32_t index)
{
    return image_identity(boot_state, svm_gprs)[index];
}

void svm_vmcb_control(x86::Vmcb& vmcb, const SvmShared& shared)
{
    vmcb.control = x86::VmcbControl{};
    vmcb.control.intercept_misc1 =
        SVM_INTERCEPT_NMI | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_MSR_PROT | SVM_INTERCEPT_SHUTDOWN;
    vmcb.control.intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
                                   SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
                                   SVM_INTERCEPT_SKINIT;
    vmcb.control.iopm_base_pa = svm_phys(shared.iopm);
    vmcb.control.msrpm_base_pa = svm_phys(shared.msrpm);
    vmcb.control.guest_asid = 1;
    vmcb.control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
    vmcb.control.np_enable = SVM_NP_ENABLE;
    vmcb.control.n_cr3 = svm_phys(shared.npt);
}

namespace {

/* A VMCB segment from an 8-byte descriptor: attrib = access byte and flags nibble (table B-2). */
x86::VmcbSegment segment(uint16_t selector, uint64_t desc)
{
    const uint16_t attrib = uint16_t(((desc >> 40) & 0xff) | (((desc >> 52) & 0xf) << 8));
    return x86::VmcbSegment{selector, attrib, 0xffffffff, 0};
}

/* SVM on for the running CPU (APM vol. 2, 15.4, 15.30.4): EFER.SVME and its host save area. */
void svm_enable(SvmVcpu& sv)
{
    x86::wrmsr(MSR_IA32_EFER, x86::rdmsr(MSR_IA32_EFER) | EFER_SVME);
    x86::wrmsr(MSR_VM_HSAVE_PA, svm_phys(sv.hsave));
}

/* The top of vCPU index's host stack. */
uint64_t stack_top(uint32_t index)
{
    SvmVcpu& sv = svm_vcpu_pages(index);
    return svm_phys(sv.stack + sizeof sv.stack);
}

/*
 * An AP's way into its vCPU, from its mailbox (smp_call_cpu(); interrupts
 * off, on its AP stack): SVM on, the vCPU's host state, then its loop on
 * its own stack, waiting for a SIPI.  It never returns to the park loop.
 */
void svm_ap_entry(uint32_t cpu)
{
    VcpuTable& table = vcpu_table();
    svm_enable(svm_vcpu_pages(cpu));
    vcpu_host_enter(table, table.vcpus[cpu], false);
    vcpu_call_on_stack(stack_top(cpu), svm_vcpu_main, cpu);
}

} // namespace

BootError svm_host_error()
{
    const x86::CpuidResult vendor = x86::cpuid(0);
    BootError e = cpu_vendor_check(CpuVendor::amd, vendor.ebx, vendor.edx, vendor.ecx, SVM_ERROR_SUBJECT);
    if (!e.ok())
        return e;
    const uint32_t max_ext = x86::cpuid(CPUID_LEAF_EXT_MAX).eax;
    const uint32_t ecx = max_ext >= CPUID_LEAF_EXT_FEATURES ? x86::cpuid(CPUID_LEAF_EXT_FEATURES).ecx : 0;
    const uint32_t edx = max_ext >= CPUID_LEAF_SVM ? x86::cpuid(CPUID_LEAF_SVM).edx : 0;
    e = svm_check_cpuid(ecx, edx);
    if (e.ok())
        e = svm_check_vm_cr(x86::rdmsr(MSR_VM_CR));     /* VM_CR exists only with SVM */
    return e;
}

void svm_check_host(const BootState& bs)
{
    const BootError e = svm_host_error();
    if (!e.ok())
        boot_fail(bs.options, e);
}

void svm_prepare(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params, const PhysRange* windows,
                 uint32_t window_count)
{
    SvmShared& shared = svm_shared_pages();
    const VcpuGuestPages& guest = vcpu_guest_pages();

    /* The NPT: everything up to its limit, relboot's image less what the guest reads, the APIC's page. */
    shared.apic_page = x86::rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR_MASK;
    vcpu_prepare_guest_memory(bs, plan, boot_params, windows, window_count, shared.apic_page, shared.npt,
                              SVM_NPT_FORMAT, SVM_NPT_ERROR_SUBJECT);

    /* The permission maps; what the CPU has. */
    __builtin_memset(shared.iopm, 0, sizeof shared.iopm);
    msr_fill_svm_permission_map(shared.msrpm, bs.x2apic);
    const uint32_t svm_edx = x86::cpuid(CPUID_LEAF_SVM).edx;
    shared.nrips = svm_edx & CPUID_8000000A_EDX_NRIPS;
    shared.decode = svm_edx & CPUID_8000000A_EDX_DECODE_ASSISTS;
    shared.efer_supported = vcpu_host_efer_supported();
    shared.init_edx = x86::cpuid(CPUID_LEAF_FEATURES).eax;

    /* A VMCB per online CPU (APM vol. 2, appendix B): the BSP's as linux_entry.S's jump leaves the state, the APs' as INIT. */
    const BootCpu* cpus = phys_ptr<BootCpu>(bs.cpus);
    for (uint32_t i = 0; i < bs.cpu_count && i < VCPU_MAX; ++i) {
        if (!(cpus[i].flags & BOOT_CPU_ONLINE))
            continue;
        SvmVcpu& sv = svm_vcpu_pages(i);
        SvmGuestGprs& gprs = svm_guest_gprs(i);
        __builtin_memset(&sv.host_vmcb, 0, sizeof sv.host_vmcb);
        svm_vmcb_control(sv.vmcb, shared);
        gprs = SvmGuestGprs{};
        if (i != bs.bsp_index) {
            svm_vmcb_init_state(sv.vmcb.save);
            gprs.rdx = shared.init_edx;
            continue;
        }
        x86::VmcbSave& s = sv.vmcb.save;
        s = x86::VmcbSave{};
        s.cs = segment(LINUX_BOOT_CS, guest.gdt[LINUX_BOOT_CS / 8]);
        s.ds = s.es = s.ss = segment(LINUX_BOOT_DS, guest.gdt[LINUX_BOOT_DS / 8]);
        s.gdtr = x86::VmcbSegment{0, 0, uint32_t(sizeof guest.gdt - 1), svm_phys(guest.gdt)};
        s.idtr = x86::VmcbSegment{0, 0, 0, 0};     /* a fault before the kernel's IDT: SHUTDOWN, reported */
        s.ldtr = x86::VmcbSegment{0, 0x82, 0, 0};  /* LDT, present */
        s.tr = x86::VmcbSegment{0, 0x8b, 0x67, 0}; /* busy 64-bit TSS; the kernel loads its own */
        s.cpl = 0;
        s.efer = EFER_SVME | EFER_LME | EFER_LMA | (x86::rdmsr(MSR_IA32_EFER) & EFER_NXE);
        s.cr4 = CR4_PAE;
        s.cr3 = svm_phys(guest.pagetables);
        s.cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE;
        s.dr7 = 0x400;
        s.dr6 = 0xffff0ff0;
        s.rflags = 0x2;                             /* interrupts off */
        s.rip = plan.entry;
        s.rsp = svm_phys(guest.stack) + sizeof guest.stack;
        s.g_pat = 0x0007040600070406;               /* PAT's power-on value; QEMU 7.2 ignores G_PAT, hardware does not */
        gprs.rsi = boot_params;
    }
}

void svm_run(const BootState& bs, Console& con, const LinuxPlan& plan, uint64_t boot_params)
{
    const SvmShared& shared = svm_shared_pages();
    if (plan.ram_withheld)
        con.begin().str("warning: svm: ").dec(plan.ram_withheld >> 10).str(" KiB of RAM at or above ")
            .hex16(plan.memory_limit).str(" reserved in the guest's e820 table (the NPT's limit)").end();

    /* The vCPU table, SVM on for the BSP, then every online AP into its vCPU. */
    VcpuTable& table = vcpu_table_setup(bs, con);
    svm_enable(svm_vcpu_pages(bs.bsp_index));
    const uint64_t present = vcpu_enter_all(bs, con, table, svm_ap_entry);

    const SvmVcpu& bsp = svm_vcpu_pages(bs.bsp_index);
    con.begin().str("svm vcpus=").dec(vcpu_mask_count(present)).str(" npt=on asid=1 vmcb=");
    con.hex16(svm_phys(&bsp.vmcb)).str(" nrips=").str(shared.nrips ? "yes" : "no");
    con.str(" decode=").str(shared.decode ? "yes" : "no").end();
    con.begin().str("handoff linux-svm entry=").hex16(plan.entry).str(" boot_params=").hex16(boot_params).end();
    vcpu_call_on_stack(stack_top(bs.bsp_index), svm_vcpu_main, bs.bsp_index);
}

} // namespace relboot
