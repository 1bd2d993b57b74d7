/*
 * guest=svm: the Linux payload as an AMD SVM guest of relboot, one vCPU
 * (arch/x86/boot/payload/svm/payload_svm.h; AMD APM vol. 2, chapter 15).
 *
 * linux_launch.cpp decides and places as for a native launch; before
 * anything moves, svm_prepare() builds the nested page table, the
 * permission maps and the VMCB with the state of the 64-bit boot protocol
 * (linux_entry.S); instead of the jump, svm_run() prints the two lines and
 * loops: VMRUN, handle the exit, VMRUN.  Intercepted: the SVM instructions (#UD into the
 * guest, which sees no SVM), VMMCALL (the hello hypercall), CPUID (SVM
 * hidden), writes of EFER (SVME kept) and VM_HSAVE_PA, SHUTDOWN.  Fatal:
 * SHUTDOWN, a nested page fault, VMEXIT_INVALID, anything unexpected: one
 * "relboot: error: svm guest exit ..." line.  Everything else (I/O,
 * interrupts, HLT, the other MSRs) passes through, so the guest drives the
 * machine itself.
 *
 * The checks before the guest runs (the host's SVM, the NPT's holes and
 * pages) are BootErrors ended by boot_fail().  A fatal guest exit keeps
 * its own line: the exit code, the guest's RIP, for a nested page fault
 * the guest-physical address and EXITINFO1, and the exits so far are more
 * than BootError's one value and one limit can hold.
 */
#include "lib/console.h"
#include "lib/error.h"
#include "stage64/identity_map.h"
#include "payload/linux/payload_linux.h"
#include "payload/svm/payload_svm.h"
#include "lib/report.h"
#include <x86/cr.h>
#include <x86/msr.h>
#include <x86/paging.h>
#include <x86/segment.h>
#include <x86/svm.h>

extern "C" void svm_vmrun(uint64_t vmcb_pa, void* gprs);
extern "C" const uint64_t linux_gdt[], linux_gdt_end[];

namespace relboot {

namespace {

/* The hello hypercall's RAX: "relb" in ASCII, read as hex digits (docs/report.md). */
constexpr uint64_t HELLO_RAX = 0x72656c62;
/* The guest's stack at entry (startup_64 sets its own before it pushes much). */
constexpr uint32_t GUEST_STACK = 4096;
/* PAT's power-on value (APM vol. 2, 7.8.2); QEMU 7.2 ignores G_PAT, hardware does not. */
constexpr uint64_t PAT_DEFAULT = 0x0007040600070406;
constexpr uint32_t EXC_UD = 6, EXC_GP = 13;

/* relboot's own SVM pages: not present in the NPT, reserved in the e820 table (relboot's image). */
struct SvmHostPages {
    x86::Vmcb vmcb;                                  /* the guest's VMCB */
    x86::Vmcb host_vmcb;                             /* VMSAVE/VMLOAD of relboot's FS, GS, TR, ... */
    alignas(4096) uint8_t hsave[4096];               /* VM_HSAVE_PA */
    alignas(4096) uint8_t iopm[SVM_IOPM_SIZE];       /* all zero: I/O passes through */
    alignas(4096) uint8_t msrpm[SVM_MSRPM_SIZE];
    alignas(4096) uint64_t npt[SVM_NPT_PAGES * PT_ENTRIES];
};

/* What the guest reads inside relboot's image besides LinuxBuffers: mapped in the NPT. */
struct SvmGuestPages {
    alignas(4096) uint64_t pagetables[SVM_GUEST_PT_PAGES * PT_ENTRIES];
    alignas(4096) uint64_t gdt[4];                   /* a copy of linux_gdt */
    uint8_t stack[GUEST_STACK - 4 * sizeof(uint64_t)];
};
static_assert(sizeof(SvmGuestPages) % 4096 == 0);

/* The guest's general-purpose registers other than RAX and RSP (in the VMCB), in svm_run.S's order. */
struct SvmGuestGprs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};
static_assert(sizeof(SvmGuestGprs) == 14 * 8);

/* Exits by reason, for the hello line and make bench. */
struct ExitCounts {
    uint64_t total, cpuid, msr;
};

} // namespace
} // namespace relboot

__attribute__((section(".boot_tables"))) relboot::SvmHostPages svm_host_pages;
__attribute__((section(".boot_tables"))) relboot::SvmGuestPages svm_guest_pages;

namespace relboot {

namespace {

uint64_t phys(const void* p) { return reinterpret_cast<uint64_t>(p); }

/*
 * The guest's registers across exits (higher half): in .noinit, set by
 * svm_run() before the first VMRUN, so head32 does not zero it on every boot.
 */
__attribute__((section(".noinit"))) SvmGuestGprs svm_guest_gprs;

void zero(void* p, uint64_t n) { __builtin_memset(p, 0, n); }

/* A VMCB segment from an 8-byte descriptor: attrib = access byte and flags nibble (table B-2). */
x86::VmcbSegment segment(uint16_t selector, uint64_t desc)
{
    const uint16_t attrib = uint16_t(((desc >> 40) & 0xff) | (((desc >> 52) & 0xf) << 8));
    return x86::VmcbSegment{selector, attrib, 0xffffffff, 0};
}

/* Exception vector into the guest on the next VMRUN (APM vol. 2, 15.20). */
void inject(x86::Vmcb& vmcb, uint32_t vector, bool error_code)
{
    vmcb.control.eventinj = vector | SVM_EVENTINJ_TYPE_EXCEPTION | (error_code ? SVM_EVENTINJ_EV : 0) |
                            SVM_EVENTINJ_V;
}

/* RIP past the intercepted instruction: nRIP with NRIPS, else its decoded length. */
void skip(x86::Vmcb& vmcb, bool nrips)
{
    if (nrips && vmcb.control.nrip)
        vmcb.save.rip = vmcb.control.nrip;
    else
        vmcb.save.rip += svm_insn_length(vmcb.control.exitcode);
}

[[noreturn]] void fatal_exit(const BootState& bs, const x86::Vmcb& vmcb, const ExitCounts& n)
{
    const uint64_t code = vmcb.control.exitcode;
    Console con = report_console(bs.options);
    con.begin().str("error: svm guest exit ").str(svm_exit_name(code)).str(" exitcode=").hex16(code);
    con.str(" rip=").hex16(vmcb.save.rip);
    const char* expected = "only the intercepted exits (cpuid, msr, vmmcall, the SVM instructions)";
    if (code == VMEXIT_NPF) {
        con.str(" gpa=").hex16(vmcb.control.exitinfo2).str(" exitinfo1=").hex16(vmcb.control.exitinfo1);
        expected = "guest accesses inside the nested page table (relboot's pages are left out)";
    } else if (code == VMEXIT_SHUTDOWN) {
        expected = "no shutdown (triple fault) in the guest";
    } else if (uint32_t(code) == VMEXIT_INVALID_LOW32) {
        expected = "a VMCB that VMRUN accepts";
    }
    con.str(" exits=").dec(n.total).str(", expected ").str(expected).end();
    finish(bs.options, false);
}

/* CPUID for the guest: the host's answer, SVM hidden. */
void exit_cpuid(x86::Vmcb& vmcb, SvmGuestGprs& r)
{
    const uint32_t leaf = uint32_t(vmcb.save.rax), subleaf = uint32_t(r.rcx);
    const x86::CpuidResult c = svm_cpuid_filter(leaf, subleaf, x86::cpuid(leaf, subleaf));
    vmcb.save.rax = c.eax;
    r.rbx = c.ebx;
    r.rcx = c.ecx;
    r.rdx = c.edx;
}

/*
 * An intercepted RDMSR/WRMSR (EXITINFO1 0: read, 1: write).  EFER: the
 * guest's value with SVME kept (VMRUN refuses a guest without it);
 * VM_HSAVE_PA: reads 0, writes ignored.  An MSR outside the permission
 * map's ranges (these always exit): #GP, as for an MSR the CPU lacks.
 * False: #GP injected, RIP stays.
 */
bool exit_msr(x86::Vmcb& vmcb, SvmGuestGprs& r)
{
    const uint32_t msr = uint32_t(r.rcx);
    const bool write = vmcb.control.exitinfo1 & 1;
    const uint64_t value = (r.rdx & 0xffffffff) << 32 | (vmcb.save.rax & 0xffffffff);
    if (msr == MSR_IA32_EFER && write) {
        vmcb.save.efer = value | EFER_SVME;
        return true;
    }
    if (msr == MSR_VM_HSAVE_PA) {
        if (!write)
            vmcb.save.rax = r.rdx = 0;
        return true;
    }
    inject(vmcb, EXC_GP, true);
    return false;
}

} // namespace

void svm_check_host(const BootState& bs)
{
    const uint32_t max_ext = x86::cpuid(CPUID_LEAF_EXT_MAX).eax;
    const uint32_t ecx = max_ext >= CPUID_LEAF_EXT_FEATURES ? x86::cpuid(CPUID_LEAF_EXT_FEATURES).ecx : 0;
    const uint32_t edx = max_ext >= CPUID_LEAF_SVM ? x86::cpuid(CPUID_LEAF_SVM).edx : 0;
    BootError e = svm_check_cpuid(ecx, edx);
    if (e.ok())
        e = svm_check_vm_cr(x86::rdmsr(MSR_VM_CR));     /* VM_CR exists only with SVM */
    if (!e.ok())
        boot_fail(bs.options, e);
}

void svm_prepare(const BootState& bs, const LinuxPlan& plan, uint64_t boot_params, const PhysRange* windows,
                 uint32_t window_count)
{
    SvmHostPages& host = *image_identity(bs, &svm_host_pages);
    SvmGuestPages& guest = *image_identity(bs, &svm_guest_pages);

    /* The NPT: everything up to its limit, relboot's image less what the guest reads. */
    PhysRange open[SVM_NPT_MAX_HOLES];
    uint32_t open_count = 0;
    for (uint32_t i = 0; i < window_count && open_count < SVM_NPT_MAX_HOLES; ++i)
        open[open_count++] = windows[i];
    open[open_count++] = PhysRange{PhysAddr{phys(&guest)}, sizeof guest};
    /* One slot kept for debug-npt-hole; more holes than the rest: svm_npt_holes() says max + 1. */
    constexpr uint32_t IMAGE_HOLES_MAX = SVM_NPT_MAX_HOLES - 1;
    PhysRange holes[SVM_NPT_MAX_HOLES];
    uint32_t hole_count =
        svm_npt_holes(PhysRange{bs.load_base, bs.image_size}, open, open_count, holes, IMAGE_HOLES_MAX);
    if (hole_count > IMAGE_HOLES_MAX)
        boot_fail(bs.options,
                  BootError{.subject = SVM_ERROR_SUBJECT, .field = "npt holes", .found = hole_count,
                            .expected = "at most holes_max ranges of relboot's image left out of the NPT",
                            .limit_name = "holes_max", .limit = IMAGE_HOLES_MAX, .found_radix = Radix::dec,
                            .limit_radix = Radix::dec});
    if (bs.options.debug_npt_hole == NptHole::zero_page)
        holes[hole_count++] = PhysRange{PhysAddr{boot_params}, SVM_PAGE};
    /* The NPT covers the memory view the plan gave the kernel's e820 table. */
    const uint64_t limit = plan.memory_limit;
    const BootError e = svm_npt_check(limit, holes, hole_count, SVM_NPT_PAGES);
    if (!e.ok())
        boot_fail(bs.options, e);
    svm_npt_build(host.npt, phys(host.npt), SVM_NPT_PAGES, limit, holes, hole_count);   /* succeeds: checked */
    /* The guest's pages: identity page tables for [0, 4 GiB), the boot GDT, a stack. */
    svm_guest_pagetables(guest.pagetables, phys(guest.pagetables));
    for (uint32_t i = 0; i < 4; ++i)
        guest.gdt[i] = linux_gdt[i];
    static_assert(sizeof(guest.gdt) == 32, "linux_gdt: null, null, __BOOT_CS, __BOOT_DS");

    /* The permission maps. */
    zero(host.iopm, sizeof host.iopm);
    svm_msrpm_fill(host.msrpm);

    /* The VMCB (APM vol. 2, appendix B), guest state as linux_entry.S's jump leaves it. */
    x86::Vmcb& vmcb = host.vmcb;
    zero(&vmcb, sizeof vmcb);
    zero(&host.host_vmcb, sizeof host.host_vmcb);
    vmcb.control.intercept_misc1 = SVM_INTERCEPT_CPUID | SVM_INTERCEPT_MSR_PROT | SVM_INTERCEPT_SHUTDOWN;
    vmcb.control.intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
                                   SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
                                   SVM_INTERCEPT_SKINIT;
    vmcb.control.iopm_base_pa = phys(host.iopm);
    vmcb.control.msrpm_base_pa = phys(host.msrpm);
    vmcb.control.guest_asid = 1;
    vmcb.control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
    vmcb.control.np_enable = SVM_NP_ENABLE;
    vmcb.control.n_cr3 = phys(host.npt);
    x86::VmcbSave& s = vmcb.save;
    s.cs = segment(LINUX_BOOT_CS, guest.gdt[LINUX_BOOT_CS / 8]);
    s.ds = s.es = s.ss = segment(LINUX_BOOT_DS, guest.gdt[LINUX_BOOT_DS / 8]);
    s.gdtr = x86::VmcbSegment{0, 0, uint32_t(sizeof guest.gdt - 1), phys(guest.gdt)};
    s.idtr = x86::VmcbSegment{0, 0, 0, 0};     /* a fault before the kernel's IDT: SHUTDOWN, reported */
    s.ldtr = x86::VmcbSegment{0, 0x82, 0, 0};  /* LDT, present */
    s.tr = x86::VmcbSegment{0, 0x8b, 0x67, 0}; /* busy 64-bit TSS; the kernel loads its own */
    s.cpl = 0;
    s.efer = EFER_SVME | EFER_LME | EFER_LMA | (x86::rdmsr(MSR_IA32_EFER) & EFER_NXE);
    s.cr4 = CR4_PAE;
    s.cr3 = phys(guest.pagetables);
    s.cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE;
    s.dr7 = 0x400;
    s.dr6 = 0xffff0ff0;
    s.rflags = 0x2;                             /* interrupts off */
    s.rip = plan.entry;
    s.rsp = phys(guest.stack) + sizeof guest.stack;
    s.g_pat = PAT_DEFAULT;
    svm_guest_gprs = SvmGuestGprs{};
    svm_guest_gprs.rsi = boot_params;
}

void svm_run(const BootState& bs, Console& con, const LinuxPlan& plan, uint64_t boot_params)
{
    SvmHostPages& host = *image_identity(bs, &svm_host_pages);
    x86::Vmcb& vmcb = host.vmcb;
    SvmGuestGprs& gprs = svm_guest_gprs;
    const bool nrips = x86::cpuid(CPUID_LEAF_SVM).edx & CPUID_8000000A_EDX_NRIPS;
    if (plan.ram_withheld)
        con.begin().str("warning: svm: ").dec(plan.ram_withheld >> 10).str(" KiB of RAM at or above ")
            .hex16(plan.memory_limit).str(" reserved in the guest's e820 table (the NPT's limit)").end();

    /* SVM on: EFER.SVME, the host save area (APM vol. 2, 15.4, 15.30.4). */
    x86::wrmsr(MSR_IA32_EFER, x86::rdmsr(MSR_IA32_EFER) | EFER_SVME);
    x86::wrmsr(MSR_VM_HSAVE_PA, phys(host.hsave));

    con.begin().str("svm npt=on asid=1 vmcb=").hex16(phys(&vmcb)).str(" nrips=").str(nrips ? "yes" : "no").end();
    con.begin().str("handoff linux-svm entry=").hex16(plan.entry).str(" boot_params=").hex16(boot_params).end();

    const uint64_t vmcb_pa = phys(&vmcb), host_pa = phys(&host.host_vmcb);
    ExitCounts n{};
    for (;;) {
        asm volatile("vmsave %%rax" : : "a"(host_pa) : "memory");
        svm_vmrun(vmcb_pa, &gprs);
        asm volatile("vmload %%rax" : : "a"(host_pa) : "memory");
        vmcb.control.tlb_control = 0;
        vmcb.control.eventinj = 0;
        ++n.total;
        switch (vmcb.control.exitcode) {
        case VMEXIT_CPUID:
            ++n.cpuid;
            exit_cpuid(vmcb, gprs);
            skip(vmcb, nrips);
            break;
        case VMEXIT_MSR:
            ++n.msr;
            if (exit_msr(vmcb, gprs))
                skip(vmcb, nrips);
            break;
        case VMEXIT_VMMCALL:
            if (vmcb.save.rax != HELLO_RAX) {
                inject(vmcb, EXC_UD, false);
                break;
            }
            con.begin().str("guest vmmcall rax=").hex8(uint32_t(vmcb.save.rax)).str(" cpl=").dec(vmcb.save.cpl);
            con.str(" exits=").dec(n.total).str(" cpuid=").dec(n.cpuid).str(" msr=").dec(n.msr).end();
            skip(vmcb, nrips);
            break;
        case VMEXIT_VMRUN:
        case VMEXIT_VMLOAD:
        case VMEXIT_VMSAVE:
        case VMEXIT_STGI:
        case VMEXIT_CLGI:
        case VMEXIT_SKINIT:
            inject(vmcb, EXC_UD, false);    /* the guest sees no SVM: as on a CPU without it */
            break;
        default:
            fatal_exit(bs, vmcb, n);
        }
    }
}

} // namespace relboot
