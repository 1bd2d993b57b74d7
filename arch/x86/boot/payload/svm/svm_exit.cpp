/*
 * A vCPU's loop under guest=svm (svm_vcpu.h): its events, VMRUN, the
 * exit, again.  AMD APM vol. 2, chapter 15; the vendor-neutral parts are
 * payload/vcpu/.
 *
 * Intercepted, and what each does:
 *   CPUID            the host's answer through vcpu_cpuid_filter() (no SVM, no VMX)
 *   RDMSR/WRMSR      the MSR policy table (vcpu_msr()): pass, ignore,
 *                    emulate (EFER, APIC_BASE, the x2APIC MSRs), #GP
 *   #NPF             on the local APIC's page: the instruction decoded and
 *                    emulated (vcpu_apic_emulate()); anywhere else fatal
 *   NMI              a kick or the guest's own NMI (vcpu.h): taken in host
 *                    mode, then the events; a foreign NMI is injected
 *   VMMCALL          RAX = "relb": the hello line (vcpu_hypercall()); anything else #UD
 *   VMRUN .. SKINIT  #UD: the guest sees no SVM
 *   SHUTDOWN         the shutdown line; the run ends
 * Everything else (VMEXIT_INVALID, an exit relboot did not ask for) is
 * one "relboot: error: svm guest exit ..." line and the end of the run.
 * A refused operation is a #GP(0) or #UD for the guest (EVENTINJ, RIP
 * left where it was), never the end of the run.
 */
#include "lib/console.h"
#include "lib/report.h"
#include "payload/svm/payload_svm.h"
#include "payload/svm/svm_vcpu.h"
#include "payload/vcpu/vcpu_launch.h"
#include "payload/vcpu/cpuid.h"
#include "payload/vcpu/guest_memory.h"
#include "payload/vcpu/insn.h"
#include "payload/vcpu/msr.h"
#include "stage64/identity_map.h"
#include <x86/apic.h>
#include <x86/cpuid.h>
#include <x86/cr.h>
#include <x86/idt.h>
#include <x86/io.h>
#include <x86/msr.h>
#include <x86/svm.h>

namespace relboot {

namespace {

/* The vendor's word on the error lines (vcpu.h), and the hello line's insn=. */
constexpr const char* VENDOR = "svm";
constexpr const char* HYPERCALL_INSN = "vmmcall";

/* One vCPU's world: what its exit handlers read and write. */
struct Ctx {
    SvmShared& shared;
    VcpuTable& table;
    Vcpu& v;
    SvmVcpu& sv;
    SvmGuestGprs& gprs;

    x86::Vmcb& vmcb() { return sv.vmcb; }
};

/* The guest's general registers by SDM number (0 rAX .. 15 r15): RAX and RSP are in the VMCB, the rest in gprs. */
void guest_registers(Ctx& c, uint64_t* regs[16])
{
    SvmGuestGprs& g = c.gprs;
    uint64_t* const all[16] = {&c.vmcb().save.rax, &g.rcx, &g.rdx, &g.rbx, &c.vmcb().save.rsp, &g.rbp, &g.rsi,
                               &g.rdi, &g.r8, &g.r9, &g.r10, &g.r11, &g.r12, &g.r13, &g.r14, &g.r15};
    for (uint32_t i = 0; i < 16; ++i)
        regs[i] = all[i];
}

/* Exception vector into the guest on the next VMRUN; its RIP stays (a fault). */
void inject_exception(Ctx& c, uint32_t vector, bool error_code)
{
    c.vmcb().control.eventinj = svm_event_exception(vector, error_code, 0);
}

/* RIP past the intercepted instruction: nRIP with NRIPS, else its known length (no NRIPS under QEMU's TCG). */
void skip(Ctx& c)
{
    x86::Vmcb& vmcb = c.vmcb();
    if (c.shared.nrips && vmcb.control.nrip)
        vmcb.save.rip = vmcb.control.nrip;
    else
        vmcb.save.rip += svm_insn_length(vmcb.control.exitcode);
}

/* "relboot: error: svm guest exit <name> cpu=<n> exitcode=... rip=... [gpa= exitinfo1=] exits=<n>, expected ...", the end. */
[[noreturn]] void fatal_exit(Ctx& c)
{
    const x86::Vmcb& vmcb = c.vmcb();
    const uint64_t code = vmcb.control.exitcode;
    {
        VcpuErrorLine line;
        Console& con = line.con;
        con.begin().str("error: svm guest exit ").str(svm_exit_name(code)).str(" cpu=").dec(c.v.index);
        con.str(" exitcode=").hex16(code).str(" rip=").hex16(vmcb.save.rip);
        const char* expected = "only the intercepted exits (cpuid, msr, npf on the APIC page, nmi, vmmcall, shutdown, "
                               "the SVM instructions)";
        if (code == VMEXIT_NPF) {
            con.str(" gpa=").hex16(vmcb.control.exitinfo2).str(" exitinfo1=").hex16(vmcb.control.exitinfo1);
            expected = "guest accesses inside the nested page table (relboot's pages are left out)";
        } else if (uint32_t(code) == VMEXIT_INVALID_LOW32) {
            expected = "a VMCB that VMRUN accepts";
        }
        con.str(" exits=").dec(c.v.n.exits).str(", expected ").str(expected).end();
    }
    vcpu_stop_all(c.table, c.v);
}

/* A triple fault of the guest: "relboot: error: svm guest shutdown cpu=<n> rip=0x<16> exits=<n>", the end. */
[[noreturn]] void shutdown(Ctx& c)
{
    {
        VcpuErrorLine line;
        vcpu_print_shutdown(line.con, VENDOR, c.v, c.vmcb().save.rip);
    }
    vcpu_stop_all(c.table, c.v);
}

/* CPUID for the guest: the host's answer, through the policy. */
void exit_cpuid(Ctx& c)
{
    const uint32_t leaf = uint32_t(c.vmcb().save.rax), subleaf = uint32_t(c.gprs.rcx);
    const x86::CpuidResult r = vcpu_cpuid_filter(leaf, subleaf, x86::cpuid(leaf, subleaf),
                                                 c.table.x2apic ? x86::ApicMode::x2apic : x86::ApicMode::xapic);
    c.vmcb().save.rax = r.eax;
    c.gprs.rbx = r.ebx;
    c.gprs.rcx = r.ecx;
    c.gprs.rdx = r.edx;
}

/*
 * An intercepted RDMSR/WRMSR (EXITINFO1 0: read, 1: write), as the
 * policy table says (vcpu_msr(); EFER in the VMCB, SVME kept).  False:
 * #GP for the guest, RIP left.
 */
bool exit_msr(Ctx& c)
{
    x86::Vmcb& vmcb = c.vmcb();
    const uint32_t msr = uint32_t(c.gprs.rcx);
    const bool write = vmcb.control.exitinfo1 & 1;
    uint64_t value = (c.gprs.rdx & 0xffffffff) << 32 | (vmcb.save.rax & 0xffffffff);
    const VcpuEfer efer{&vmcb.save.efer, vmcb.save.cr0, c.shared.efer_supported, EFER_SVME};
    if (!vcpu_msr(c.table, c.v, msr, write, &value, efer))
        return false;
    if (!write) {
        vmcb.save.rax = uint32_t(value);
        c.gprs.rdx = value >> 32;
    }
    return true;
}

/*
 * A nested page fault on the local APIC's page: the instruction (the
 * VMCB's bytes with decode assists, else read at CS.base + RIP through
 * the guest's paging and the NPT) emulated by the layer
 * (vcpu_apic_emulate()), RIP past it.  Anything else: the apic line, the
 * end of the run.
 */
void exit_apic(Ctx& c)
{
    x86::Vmcb& vmcb = c.vmcb();
    const CodeSize code = svm_code_size(vmcb.save);
    uint8_t bytes[INSN_MAX] = {};
    uint32_t count = 0;
    if (c.shared.decode && vmcb.control.insn_len) {
        count = vmcb.control.insn_len < INSN_MAX ? vmcb.control.insn_len : INSN_MAX;
        __builtin_memcpy(bytes, vmcb.control.insn_bytes, count);
    } else {
        /* 64-bit code ignores CS.base (SDM Vol. 3A, 3.4.4). */
        const VcpuMapView map{c.shared.npt, svm_phys(c.shared.npt), GUEST_MAP_PAGES, &SVM_NPT_FORMAT};
        const GuestPhysReader reader{vcpu_map_read, &map};
        const GuestPaging paging{vmcb.save.cr0, vmcb.save.cr3, vmcb.save.cr4, vmcb.save.efer};
        const uint64_t base = code == CodeSize::bits64 ? 0 : vmcb.save.cs.base;
        count = guest_read_linear(reader, paging, base + vmcb.save.rip, bytes, INSN_MAX);
    }
    uint64_t* regs[16];
    guest_registers(c, regs);
    uint32_t length = 0;
    const char* refused = vcpu_apic_emulate(c.table, c.v, bytes, count, code, vmcb.control.exitinfo2,
                                            (vmcb.control.exitinfo1 & SVM_NPF_FETCH) != 0, regs, &length);
    if (refused) {
        {
            VcpuErrorLine line;
            vcpu_print_apic_refusal(line.con, VENDOR, c.v, vmcb.save.rip, vmcb.control.exitinfo2, bytes, count,
                                    refused);
        }
        vcpu_stop_all(c.table, c.v);
    }
    vmcb.save.rip += length;
}

/* One exit, counted and handled; a fatal one does not return. */
void handle_exit(Ctx& c)
{
    x86::Vmcb& vmcb = c.vmcb();
    VcpuCounts& n = c.v.n;
    ++n.exits;
    switch (vmcb.control.exitcode) {
    case VMEXIT_CPUID:
        ++n.cpuid;
        exit_cpuid(c);
        skip(c);
        break;
    case VMEXIT_MSR:
        ++n.msr;
        if (exit_msr(c))
            skip(c);
        else
            inject_exception(c, VEC_GP, true);
        break;
    case VMEXIT_NPF:
        ++n.npf;
        if ((vmcb.control.exitinfo2 & ~(GUEST_MAP_4K - 1)) == c.shared.apic_page &&
            (vmcb.control.exitinfo1 & SVM_NPF_FINAL))
            exit_apic(c);
        else
            fatal_exit(c);
        break;
    case VMEXIT_NMI:
        ++n.nmi;
        svm_take_nmi();     /* relboot's handler counts it; vcpu_settle() tells a kick from the guest's own */
        break;
    case VMEXIT_VMMCALL:
        if (vcpu_hypercall(c.table, c.v, vmcb.save.rax, vmcb.save.cpl, HYPERCALL_INSN))
            skip(c);
        else
            inject_exception(c, VEC_UD, false);
        break;
    case VMEXIT_VMRUN:
    case VMEXIT_VMLOAD:
    case VMEXIT_VMSAVE:
    case VMEXIT_STGI:
    case VMEXIT_CLGI:
    case VMEXIT_SKINIT:
        inject_exception(c, VEC_UD, false);     /* the guest sees no SVM: as on a CPU without it */
        break;
    case VMEXIT_SHUTDOWN:
        shutdown(c);
    default:
        fatal_exit(c);
    }
}

/* INIT, the VMCB's part: the guest state INIT leaves (svm_vmcb_init_state()), nothing pending, the TLB flushed. */
void reset(Ctx& c)
{
    x86::Vmcb& vmcb = c.vmcb();
    svm_vmcb_init_state(vmcb.save);
    vmcb.control.eventinj = 0;
    vmcb.control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
    c.gprs = SvmGuestGprs{};
    c.gprs.rdx = c.shared.init_edx;
}

/*
 * The vCPU's events and NMIs since its last look (vcpu_settle()): INIT
 * resets it, a SIPI starts it, an NMI goes into the running guest
 * (EVENTINJ; when it already carries an event, the NMI stays posted for
 * the next exit).  When the run is ending, the vCPU halts in there.
 */
void settle(Ctx& c)
{
    const VcpuSettle s = vcpu_settle(c.table, c.v);
    if (s.reset)
        reset(c);
    if (s.start)
        svm_vmcb_sipi(c.vmcb().save, s.vector);
    if (!s.nmi)
        return;
    if (c.vmcb().control.eventinj & SVM_EVENTINJ_V)
        vcpu_post_nmi(c.v);
    else
        c.vmcb().control.eventinj = SVM_EVENT_NMI;
}

} // namespace

void svm_vcpu_main(uint32_t index)
{
    Ctx c{svm_shared_pages(), vcpu_table(), vcpu_table().vcpus[index], svm_vcpu_pages(index),
          svm_guest_gprs(index)};
    const uint64_t vmcb_pa = svm_phys(&c.sv.vmcb), host_pa = svm_phys(&c.sv.host_vmcb);
    /* GIF 0 from here on but at VMRUN and in the two host-mode windows (svm_run.S). */
    asm volatile("clgi" ::: "memory");
    asm volatile("vmsave %%rax" : : "a"(host_pa) : "memory");
    for (;;) {
        settle(c);
        if (__atomic_load_n(&c.v.state, __ATOMIC_RELAXED) != uint32_t(VcpuState::running)) {
            svm_wait_for_kick(vcpu_nmi_counter(c.v), c.v.nmis_seen);
            continue;
        }
        svm_vmrun(vmcb_pa, &c.gprs, host_pa);
        x86::Vmcb& vmcb = c.vmcb();
        vmcb.control.tlb_control = 0;
        /* An event whose delivery the exit cut short goes in again first (APM vol. 2, 15.7.2). */
        vmcb.control.eventinj = (vmcb.control.exitintinfo & SVM_EVENTINJ_V) ? vmcb.control.exitintinfo : 0;
        handle_exit(c);
    }
}

} // namespace relboot
