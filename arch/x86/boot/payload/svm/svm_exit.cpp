/*
 * A vCPU's loop under guest=svm (svm_vcpu.h): its events, VMRUN, the
 * exit, again.  AMD APM vol. 2, chapter 15; the vendor-neutral parts are
 * payload/vcpu/.
 *
 * Intercepted, and what each does:
 *   CPUID            the host's answer through vcpu_cpuid_filter() (no SVM, no VMX)
 *   RDMSR/WRMSR      the MSR policy table (msr_rule()): pass, ignore,
 *                    emulate (EFER, APIC_BASE, the x2APIC MSRs), #GP
 *   #NPF             on the local APIC's page: the instruction decoded and
 *                    emulated (vcpu_xapic_access()); anywhere else fatal
 *   NMI              a kick or the guest's own NMI (vcpu.h): taken in host
 *                    mode, then the events; a foreign NMI is injected
 *   VMMCALL          RAX = "relb": the hello line; anything else #UD
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

/* The vendor's word on the error lines (vcpu.h). */
constexpr const char* VENDOR = "svm";

/* One vCPU's world: what its exit handlers read and write. */
struct Ctx {
    SvmShared& shared;
    VcpuTable& table;
    Vcpu& v;
    SvmVcpu& sv;
    SvmGuestGprs& gprs;

    x86::Vmcb& vmcb() { return sv.vmcb; }
};

/* The guest's register reg (SDM numbering: 0 rAX .. 15 r15): RAX and RSP are in the VMCB, the rest in gprs. */
uint64_t& gpr(Ctx& c, uint32_t reg)
{
    SvmGuestGprs& g = c.gprs;
    uint64_t* const regs[16] = {&c.vmcb().save.rax, &g.rcx, &g.rdx, &g.rbx, &c.vmcb().save.rsp, &g.rbp, &g.rsi,
                                &g.rdi, &g.r8, &g.r9, &g.r10, &g.r11, &g.r12, &g.r13, &g.r14, &g.r15};
    return *regs[reg & 15];
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

/* The error lines: under the console lock, on the report console (loglvl does not hide errors). */
struct ErrorLine {
    Console con = report_console(boot_state.options);
    ErrorLine() { vcpu_console_lock(); }
    ~ErrorLine() { vcpu_console_unlock(); }
};

/* "relboot: error: svm guest exit <name> cpu=<n> exitcode=... rip=... [gpa= exitinfo1=] exits=<n>, expected ...", the end. */
[[noreturn]] void fatal_exit(Ctx& c)
{
    const x86::Vmcb& vmcb = c.vmcb();
    const uint64_t code = vmcb.control.exitcode;
    {
        ErrorLine line;
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
        ErrorLine line;
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
 * policy table says (msr.h).  pass: the hardware's answer, through the
 * safe accessors (a refused MSR is the guest's #GP, as without relboot):
 * what reaches here is an MSR outside the permission map's three ranges,
 * which always exits.  False: #GP for the guest, RIP left.
 */
bool exit_msr(Ctx& c)
{
    x86::Vmcb& vmcb = c.vmcb();
    const uint32_t msr = uint32_t(c.gprs.rcx);
    const bool write = vmcb.control.exitinfo1 & 1;
    uint64_t value = (c.gprs.rdx & 0xffffffff) << 32 | (vmcb.save.rax & 0xffffffff);
    const MsrRule* rule = msr_rule(msr);
    const MsrAction action = !rule ? MsrAction::pass : write ? rule->write : rule->read;
    bool ok = true;
    switch (action) {
    case MsrAction::pass:
        ok = write ? vcpu_wrmsr_safe(msr, value) : vcpu_rdmsr_safe(msr, &value);
        break;
    case MsrAction::ignore:
        value = 0;          /* a write dropped (the table never ignores a read) */
        break;
    case MsrAction::emulate:
        if (msr == MSR_IA32_EFER)
            ok = write ? efer_guest_write(value, c.shared.efer_supported, vmcb.save.cr0, &vmcb.save.efer)
                       : (value = efer_guest_read(vmcb.save.efer), true);
        else if (msr == MSR_IA32_APIC_BASE)
            ok = write ? apic_base_write_allowed(x86::rdmsr(MSR_IA32_APIC_BASE), value)   /* nothing changes */
                       : (value = x86::rdmsr(MSR_IA32_APIC_BASE), true);
        else if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
            ok = vcpu_x2apic_access(c.table, c.v, msr, write, &value);
        else
            ok = false;
        break;
    default:
        ok = false;
    }
    if (ok && !write) {
        vmcb.save.rax = uint32_t(value);
        c.gprs.rdx = value >> 32;
    }
    return ok;
}

/* Guest-physical reads for the decoder: only what the NPT maps and relboot's identity map reaches. */
bool npt_read(const void* ctx, uint64_t gpa, void* out, uint32_t len)
{
    const SvmShared& shared = *static_cast<const SvmShared*>(ctx);
    uint8_t* dst = static_cast<uint8_t*>(out);
    while (len) {
        uint64_t hpa = 0;
        if (!svm_npt_translate(shared.npt, svm_phys(shared.npt), SVM_NPT_PAGES, gpa, &hpa))
            return false;
        uint32_t chunk = uint32_t(SVM_PAGE - (gpa & (SVM_PAGE - 1)));
        chunk = chunk < len ? chunk : len;
        if (hpa + chunk > boot_state.identity_limit)
            return false;
        __builtin_memcpy(dst, reinterpret_cast<const void*>(hpa), chunk);
        dst += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return true;
}

/* "relboot: error: svm guest apic ...": an access to the APIC page relboot does not emulate; the end. */
[[noreturn]] void apic_refused(Ctx& c, const uint8_t* bytes, uint32_t count, const char* reason)
{
    {
        ErrorLine line;
        vcpu_print_apic_refusal(line.con, VENDOR, c.v, c.vmcb().save.rip, c.vmcb().control.exitinfo2, bytes, count,
                                reason);
    }
    vcpu_stop_all(c.table, c.v);
}

/*
 * A nested page fault on the local APIC's page: the instruction (the
 * VMCB's bytes with decode assists, else read at CS.base + RIP through
 * the guest's paging and the NPT), decoded (insn.h: the MOV and XCHG
 * forms Linux uses), done on the emulated APIC (vcpu_xapic_access()), a
 * read's value into its register, RIP past it.  Anything else: the apic
 * line.
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
        const GuestPhysReader reader{npt_read, &c.shared};
        const GuestPaging paging{vmcb.save.cr0, vmcb.save.cr3, vmcb.save.cr4, vmcb.save.efer};
        const uint64_t base = code == CodeSize::bits64 ? 0 : vmcb.save.cs.base;
        count = guest_read_linear(reader, paging, base + vmcb.save.rip, bytes, INSN_MAX);
    }
    const uint64_t info = vmcb.control.exitinfo1;
    if (info & SVM_NPF_FETCH)
        apic_refused(c, bytes, count, "instruction fetch from the APIC page");
    if (!count)
        apic_refused(c, bytes, count, "instruction unreadable");
    MemMove mv{};
    const InsnError e = insn_decode_mem_move(bytes, count, code, &mv);
    if (e != InsnError::none)
        apic_refused(c, bytes, count, insn_error_name(e));
    const uint32_t offset = uint32_t(vmcb.control.exitinfo2 & (SVM_PAGE - 1));
    uint64_t& reg = gpr(c, mv.reg);
    uint32_t value = uint32_t(reg);
    if (!mv.store || mv.exchange) {
        uint32_t old = 0;
        if (!vcpu_xapic_access(c.table, c.v, offset, mv.size, false, &old))
            apic_refused(c, bytes, count, "not an APIC register read relboot emulates");
        if (mv.exchange && !vcpu_xapic_access(c.table, c.v, offset, mv.size, true, &value))
            apic_refused(c, bytes, count, "not an APIC register write relboot emulates");
        reg = old;          /* a 32-bit destination: zero-extended, as in 64-bit mode */
    } else if (!vcpu_xapic_access(c.table, c.v, offset, mv.size, true, &value)) {
        apic_refused(c, bytes, count, "not an APIC register write relboot emulates");
    }
    vmcb.save.rip += mv.length;
}

/* VMMCALL: the hello hypercall ("relb" in RAX) prints its line (loglvl=debug: every vCPU's counts too). */
void exit_vmmcall(Ctx& c)
{
    if (c.vmcb().save.rax != VCPU_HELLO_RAX) {
        inject_exception(c, VEC_UD, false);
        return;
    }
    vcpu_console_lock();
    Console con = vcpu_console();
    vcpu_print_hello(con, c.v, c.vmcb().save.cpl);
    if (boot_state.options.loglvl == LogLevel::debug)
        for (uint32_t i = 0; i < c.table.count; ++i)
            if (__atomic_load_n(&c.table.present, __ATOMIC_ACQUIRE) >> i & 1)
                vcpu_print_counts(con, c.table.vcpus[i]);
    vcpu_console_unlock();
    skip(c);
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
        if ((vmcb.control.exitinfo2 & ~(SVM_PAGE - 1)) == c.shared.apic_page &&
            (vmcb.control.exitinfo1 & SVM_NPF_FINAL))
            exit_apic(c);
        else
            fatal_exit(c);
        break;
    case VMEXIT_NMI:
        ++n.nmi;
        svm_take_nmi();     /* relboot's handler counts it; settle() tells a kick from the guest's own */
        break;
    case VMEXIT_VMMCALL:
        exit_vmmcall(c);
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

/* INIT: the guest state INIT leaves (svm_vmcb_init_state()), nothing pending, the TLB flushed. */
void reset(Ctx& c)
{
    x86::Vmcb& vmcb = c.vmcb();
    svm_vmcb_init_state(vmcb.save);
    vmcb.control.eventinj = 0;
    vmcb.control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
    c.gprs = SvmGuestGprs{};
    c.gprs.rdx = c.shared.init_edx;
    c.v.icr_low = c.v.icr_high = 0;
    __atomic_store_n(&c.table.apic[c.v.index].ldr, 0u, __ATOMIC_RELAXED);
    __atomic_store_n(&c.table.apic[c.v.index].dfr, 0xffffffffu, __ATOMIC_RELAXED);
}

/*
 * The vCPU's events and NMIs since its last look (vcpu.h): INIT resets
 * it, a SIPI starts it, an NMI IPI or a foreign NMI is injected into a
 * running guest (when EVENTINJ already carries an event, the NMI stays
 * posted for the next exit).  When the run is ending, the vCPU halts here.
 */
void settle(Ctx& c)
{
    if (vcpu_stopping(c.table))
        x86::halt_forever();
    const uint32_t events = vcpu_take_events(c.v);
    const uint32_t foreign = vcpu_nmis_unclaimed(c.v, vcpu_nmi_count(c.v.slot));
    const VcpuState before = VcpuState(__atomic_load_n(&c.v.state, __ATOMIC_RELAXED));
    const VcpuStep step = vcpu_step(before, events);
    if (step.reset)
        reset(c);
    if (step.start)
        svm_vmcb_sipi(c.vmcb().save, step.vector);
    if (step.state != before)
        __atomic_store_n(&c.v.state, uint32_t(step.state), __ATOMIC_RELEASE);
    const bool nmi = step.nmi || (foreign && before == VcpuState::running && step.state == VcpuState::running &&
                                  !step.reset && !step.start);
    if (!nmi)
        return;
    if (c.vmcb().control.eventinj & SVM_EVENTINJ_V)
        vcpu_post_nmi(c.v);
    else
        c.vmcb().control.eventinj = SVM_EVENT_NMI;
}

} // namespace

void svm_vcpu_main(uint32_t index)
{
    Ctx c{svm_shared_pages(), svm_vcpu_table(), svm_vcpu_table().vcpus[index], svm_vcpu_pages(index),
          svm_guest_gprs(index)};
    const uint64_t vmcb_pa = svm_phys(&c.sv.vmcb), host_pa = svm_phys(&c.sv.host_vmcb);
    /* GIF 0 from here on but at VMRUN and in the two host-mode windows (svm_run.S). */
    asm volatile("clgi" ::: "memory");
    asm volatile("vmsave %%rax" : : "a"(host_pa) : "memory");
    for (;;) {
        settle(c);
        if (__atomic_load_n(&c.v.state, __ATOMIC_RELAXED) != uint32_t(VcpuState::running)) {
            svm_wait_for_kick();
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
