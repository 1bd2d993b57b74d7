/*
 * A vCPU's loop under guest=vmx (vmx_vcpu.h): its events, VM entry, the
 * exit, again.  Intel SDM Vol. 3C, chapters 25-27 and appendix C; the
 * vendor-neutral parts are payload/vcpu/.
 *
 * What exits, and what each does (the VM-execution controls ask for
 * nothing else: vmx.cpp's table):
 *   CPUID                   the host's answer through vcpu_cpuid_filter() (no VMX, no SVM)
 *   RDMSR/WRMSR             MSRs the bitmap intercepts, and every MSR outside its ranges:
 *                           the policy table (vcpu_msr()); EFER in the VMCS
 *   MOV to CR0/CR4          a bit VMX owns (the guest/host masks: CR0.NE, CR4.VMXE, the bits
 *                           VMX forbids): emulated (vmx_cr0_write(), vmx_cr4_write())
 *   EPT violation           on the local APIC's page: the instruction read through the guest's
 *                           paging and the EPT, decoded and emulated (vcpu_apic_emulate());
 *                           anywhere else fatal, as an EPT misconfiguration is
 *   NMI                     a kick or the guest's own NMI (vcpu.h): counted by relboot's
 *                           handler (vmx_take_nmi()), then the events; a foreign one injected
 *   VMCALL                  RAX = "relb": the hello line (vcpu_hypercall()); anything else #UD
 *   VMX instructions,       #UD: the guest sees no VMX (nor SMX)
 *   GETSEC
 *   XSETBV                  done for the guest when it is one the CPU takes, else #GP
 *   INVD                    WBINVD in its place (caches written back, nothing lost)
 *   INIT, SIPI              a physical INIT or SIPI that reached the vCPU's CPU (the guest
 *                           cannot send one; its IO-APIC could): the state machine's
 *   triple fault            the shutdown line; the run ends
 * Everything else, and a VM-entry failure, is one "relboot: error: vmx
 * guest ..." line and the end of the run.  A refused operation is a #GP
 * or #UD for the guest (VM-entry event injection, RIP left where it was),
 * never the end of the run.
 */
#include "lib/console.h"
#include "lib/report.h"
#include "payload/vcpu/vcpu_launch.h"
#include "payload/vcpu/cpuid.h"
#include "payload/vcpu/guest_memory.h"
#include "payload/vcpu/insn.h"
#include "payload/vcpu/msr.h"
#include "payload/vmx/payload_vmx.h"
#include "payload/vmx/vmx_insn.h"
#include "payload/vmx/vmx_vcpu.h"
#include <x86/cpuid.h>
#include <x86/cr.h>
#include <x86/idt.h>
#include <x86/io.h>
#include <x86/vmx.h>

namespace relboot {

namespace {

/* The vendor's word on the error lines (vcpu.h), and the hello line's insn=. */
constexpr const char* VENDOR = "vmx";
constexpr const char* HYPERCALL_INSN = "vmcall";

/* One vCPU's world: what its exit handlers read and write (its VMCS is the CPU's current one). */
struct Ctx {
    VmxShared& shared;
    VcpuTable& table;
    Vcpu& v;
    VmxGuestGprs& gprs;
    uint32_t reason;            /* the exit's basic reason (bits 15:0) */
    uint32_t full_reason;       /* the exit reason field as read (bit 31: VM-entry failure) */
    uint64_t qualification;
};

uint64_t rd(uint64_t field)
{
    return vmx_vmread(field);
}

/* A VMWRITE that cannot fail on a known field of the current VMCS; when it does, the vmwrite line ends the run. */
void wr(Ctx& c, uint64_t field, uint64_t value)
{
    const VmxResult r = vmx_vmwrite(field, value);
    if (r != VmxResult::ok)
        vmx_fail("vmwrite", c.v.index, r, field);
}

/* Exception vector into the guest at the next VM entry (SDM 24.8.3); its RIP stays (a fault). */
void inject_exception(Ctx& c, uint32_t vector, bool error_code)
{
    wr(c, VMCS_ENTRY_INTERRUPTION_INFO,
       (vector & VMX_INTR_VECTOR_MASK) | VMX_INTR_TYPE_HARDWARE_EXCEPTION | VMX_INTR_VALID |
           (error_code ? VMX_INTR_ERROR_CODE_VALID : 0));
    if (error_code)
        wr(c, VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
}

/* RIP past an instruction of length bytes; blocking by STI or MOV SS ends with it (SDM 24.4.2). */
void advance(Ctx& c, uint64_t length)
{
    wr(c, VMCS_GUEST_RIP, rd(VMCS_GUEST_RIP) + length);
    const uint64_t blocking = rd(VMCS_GUEST_INTERRUPTIBILITY);
    if (blocking & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS))
        wr(c, VMCS_GUEST_INTERRUPTIBILITY, blocking & ~uint64_t(VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS));
}

/* RIP past the instruction the exit was for (the VM-exit instruction length, SDM 27.2.4). */
void skip(Ctx& c)
{
    advance(c, rd(VMCS_EXIT_INSTRUCTION_LENGTH));
}

/* A guest control register as the guest sees it: the bits it owns from the register, the rest from the shadow. */
uint64_t guest_cr(uint64_t real_field, uint64_t shadow_field, uint64_t mask)
{
    return (rd(real_field) & ~mask) | (rd(shadow_field) & mask);
}

/* The guest's general registers by SDM number; RSP is the VMCS's, through rsp (written back by the caller). */
void guest_registers(Ctx& c, uint64_t* rsp, uint64_t* regs[16])
{
    VmxGuestGprs& g = c.gprs;
    uint64_t* const all[16] = {&g.rax, &g.rcx, &g.rdx, &g.rbx, rsp, &g.rbp, &g.rsi, &g.rdi,
                               &g.r8, &g.r9, &g.r10, &g.r11, &g.r12, &g.r13, &g.r14, &g.r15};
    for (uint32_t i = 0; i < 16; ++i)
        regs[i] = all[i];
}

/* The guest's paging registers, for reads through its page tables (guest_memory.h). */
GuestPaging guest_paging()
{
    return GuestPaging{rd(VMCS_GUEST_CR0), rd(VMCS_GUEST_CR3), rd(VMCS_GUEST_CR4), rd(VMCS_GUEST_IA32_EFER)};
}

/* The EPT as the emulator reads through it (only what the guest may read). */
VcpuMapView ept_view(const Ctx& c)
{
    return VcpuMapView{c.shared.ept, vmx_phys(c.shared.ept), GUEST_MAP_PAGES, &VMX_EPT_FORMAT};
}

/*
 * "relboot: error: vmx guest exit <name> cpu=<n> reason=0x<8>
 * qualification=0x<16> rip=0x<16> [gpa=0x<16> linear=0x<16>]
 * exits=<n>, expected ...", the end.
 */
[[noreturn]] void fatal_exit(Ctx& c)
{
    {
        VcpuErrorLine line;
        Console& con = line.con;
        con.begin().str("error: vmx guest exit ").str(vmx_exit_name(c.reason)).str(" cpu=").dec(c.v.index);
        con.str(" reason=").hex8(c.full_reason).str(" qualification=").hex16(c.qualification);
        con.str(" rip=").hex16(rd(VMCS_GUEST_RIP));
        const char* expected = "only the exits relboot handles (cpuid, msr, cr-access, vmcall, nmi, ept-violation on "
                               "the APIC page, init, sipi, triple-fault, xsetbv, invd, the VMX instructions)";
        if (c.reason == VMX_EXIT_REASON_EPT_VIOLATION || c.reason == VMX_EXIT_REASON_EPT_MISCONFIG) {
            con.str(" gpa=").hex16(rd(VMCS_GUEST_PHYSICAL_ADDRESS));
            if (c.reason == VMX_EXIT_REASON_EPT_VIOLATION && (c.qualification & VMX_EPT_QUAL_LINEAR_VALID))
                con.str(" linear=").hex16(rd(VMCS_GUEST_LINEAR_ADDRESS));
            expected = c.reason == VMX_EXIT_REASON_EPT_VIOLATION
                           ? "guest accesses inside the EPT (relboot's pages are left out)"
                           : "an EPT whose entries VMX takes";
        } else if (c.reason == VMX_EXIT_REASON_EXCEPTION_OR_NMI) {
            con.str(" interruption=").hex8(uint32_t(rd(VMCS_EXIT_INTERRUPTION_INFO)));
            expected = "only NMIs (the exception bitmap is empty)";
        }
        con.str(" exits=").dec(c.v.n.exits).str(", expected ").str(expected).end();
    }
    vcpu_stop_all(c.table, c.v);
}

/*
 * A VM-entry failure (exit reason bit 31; SDM 26.8): "relboot: error: vmx
 * guest entry-failure <name> cpu=<n> reason=0x<8> qualification=0x<16>
 * (<what it means>) rip=0x<16> exits=<n>", the end.
 */
[[noreturn]] void entry_failure(Ctx& c)
{
    {
        VcpuErrorLine line;
        Console& con = line.con;
        con.begin().str("error: vmx guest entry-failure ").str(vmx_exit_name(c.reason)).str(" cpu=").dec(c.v.index);
        con.str(" reason=").hex8(c.full_reason).str(" qualification=").hex16(c.qualification);
        con.str(" (").str(vmx_entry_failure_text(c.reason, c.qualification)).str(") rip=").hex16(rd(VMCS_GUEST_RIP));
        con.str(" exits=").dec(c.v.n.exits).end();
    }
    vcpu_stop_all(c.table, c.v);
}

/* A triple fault of the guest: "relboot: error: vmx guest shutdown cpu=<n> rip=0x<16> exits=<n>", the end. */
[[noreturn]] void shutdown(Ctx& c)
{
    {
        VcpuErrorLine line;
        vcpu_print_shutdown(line.con, VENDOR, c.v, rd(VMCS_GUEST_RIP));
    }
    vcpu_stop_all(c.table, c.v);
}

/* CPUID for the guest: the host's answer, through the policy. */
void exit_cpuid(Ctx& c)
{
    const uint32_t leaf = uint32_t(c.gprs.rax), subleaf = uint32_t(c.gprs.rcx);
    const x86::CpuidResult r = vcpu_cpuid_filter(leaf, subleaf, x86::cpuid(leaf, subleaf),
                                                 c.table.x2apic ? x86::ApicMode::x2apic : x86::ApicMode::xapic);
    c.gprs.rax = r.eax;
    c.gprs.rbx = r.ebx;
    c.gprs.rcx = r.ecx;
    c.gprs.rdx = r.edx;
}

/* An RDMSR/WRMSR exit, as the policy table says (vcpu_msr(); EFER in the VMCS).  False: #GP for the guest, RIP left. */
bool exit_msr(Ctx& c)
{
    const uint32_t msr = uint32_t(c.gprs.rcx);
    const bool write = c.reason == VMX_EXIT_REASON_WRMSR;
    uint64_t value = (c.gprs.rdx & 0xffffffff) << 32 | (c.gprs.rax & 0xffffffff);
    uint64_t efer = rd(VMCS_GUEST_IA32_EFER);
    const uint64_t before = efer;
    const VcpuEfer state{&efer, rd(VMCS_GUEST_CR0), c.shared.efer_supported, 0};
    if (!vcpu_msr(c.table, c.v, msr, write, &value, state))
        return false;
    if (efer != before)
        wr(c, VMCS_GUEST_IA32_EFER, efer);
    if (!write) {
        c.gprs.rax = uint32_t(value);
        c.gprs.rdx = value >> 32;
    }
    return true;
}

/*
 * PAE paging for the guest (CR0.PG, CR4.PAE, not IA-32e mode) after an
 * emulated CR write: the four PDPTEs at CR3 into the VMCS, as MOV to CR
 * would load them (SDM 4.4.1).  False: they cannot be read (#GP).
 */
bool load_pdptes(Ctx& c)
{
    const VcpuMapView map = ept_view(c);
    uint64_t pdpte[4];
    if (!vcpu_map_read(&map, rd(VMCS_GUEST_CR3) & PAE_CR3_MASK, pdpte, sizeof pdpte))
        return false;
    for (uint32_t i = 0; i < 4; ++i)
        wr(c, VMCS_GUEST_PDPTE0 + 2 * i, pdpte[i]);
    return true;
}

/* The guest's cached linear translations (VPID 1) dropped: after a control-register change the CPU did not see. */
void flush_vpid(const Ctx& c)
{
    vmx_invvpid((c.shared.caps.ept_vpid_cap & VMX_VPID_INVVPID_SINGLE) ? VMX_INVVPID_SINGLE_CONTEXT
                                                                       : VMX_INVVPID_ALL_CONTEXT,
                1);
}

/* "IA-32e mode guest" follows EFER.LMA (SDM 26.3.1.1: VM entry checks they agree). */
void sync_ia32e(Ctx& c, uint64_t efer)
{
    wr(c, VMCS_ENTRY_CONTROLS,
       c.shared.controls.entry | ((efer & EFER_LMA) ? VMX_ENTRY_CTL_IA32E_MODE_GUEST : 0));
}

/*
 * A MOV to CR0 or CR4 that touched a bit VMX owns (the guest/host masks):
 * the write as the CPU would do it (vmx_cr0_write(), vmx_cr4_write()),
 * the fixed bits kept in the register, the guest's value in the shadow;
 * IA-32e mode entered or left with paging; the PDPTEs for PAE paging;
 * the TLB of VPID 1 flushed.  Other control-register exits: fatal (none
 * is asked for).
 */
void exit_cr(Ctx& c)
{
    const uint32_t cr = uint32_t(c.qualification & VMX_CR_QUAL_CR_MASK);
    const uint32_t type = uint32_t((c.qualification >> VMX_CR_QUAL_TYPE_SHIFT) & VMX_CR_QUAL_TYPE_MASK);
    if (type != VMX_CR_QUAL_TYPE_MOV_TO_CR || (cr != 0 && cr != 4))
        fatal_exit(c);
    uint64_t rsp = rd(VMCS_GUEST_RSP);
    uint64_t* regs[16];
    guest_registers(c, &rsp, regs);
    const uint64_t value = *regs[(c.qualification >> VMX_CR_QUAL_GPR_SHIFT) & VMX_CR_QUAL_GPR_MASK];
    const VmxCaps& caps = c.shared.caps;
    uint64_t efer = rd(VMCS_GUEST_IA32_EFER);
    const uint64_t cr0 = guest_cr(VMCS_GUEST_CR0, VMCS_CR0_READ_SHADOW, c.shared.cr0_mask);
    const uint64_t cr4 = guest_cr(VMCS_GUEST_CR4, VMCS_CR4_READ_SHADOW, c.shared.cr4_mask);
    VmxCrWrite w{};
    if (cr == 0) {
        w = vmx_cr0_write(value, cr0, efer, cr4, caps.cr0_fixed0, caps.cr0_fixed1);
        if (w.gp) {
            inject_exception(c, VEC_GP, true);
            return;
        }
        wr(c, VMCS_GUEST_CR0, w.real);
        wr(c, VMCS_CR0_READ_SHADOW, w.shadow);
        const uint64_t lma = w.lma ? EFER_LMA : 0;
        if ((efer & EFER_LMA) != lma) {
            efer = (efer & ~uint64_t(EFER_LMA)) | lma;
            wr(c, VMCS_GUEST_IA32_EFER, efer);
            sync_ia32e(c, efer);
        }
    } else {
        w = vmx_cr4_write(value, cr4, efer, rd(VMCS_GUEST_CR3), caps.cr4_fixed0, caps.cr4_fixed1);
        if (w.gp) {
            inject_exception(c, VEC_GP, true);
            return;
        }
        wr(c, VMCS_GUEST_CR4, w.real);
        wr(c, VMCS_CR4_READ_SHADOW, w.shadow);
    }
    const uint64_t now_cr0 = rd(VMCS_GUEST_CR0), now_cr4 = rd(VMCS_GUEST_CR4);
    if ((now_cr0 & CR0_PG) && (now_cr4 & CR4_PAE) && !(efer & EFER_LMA) && !load_pdptes(c)) {
        inject_exception(c, VEC_GP, true);
        return;
    }
    flush_vpid(c);
    skip(c);
}

/*
 * An EPT violation on the local APIC's page, on the access to the
 * translated address (not a walk of the guest's own tables): the
 * instruction read at CS.base + RIP through the guest's paging and the
 * EPT, emulated by the layer (vcpu_apic_emulate()), RIP past it.  The
 * guest-linear address the exit gives must lie at the same offset in its
 * page as the guest-physical one.  Anything else: the apic line, the end.
 */
void exit_apic(Ctx& c)
{
    const uint64_t gpa = rd(VMCS_GUEST_PHYSICAL_ADDRESS);
    const uint64_t rip = rd(VMCS_GUEST_RIP);
    const GuestPaging paging = guest_paging();
    const CodeSize code = vmx_code_size(paging.efer, paging.cr0, uint32_t(rd(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * VMX_CS)));
    /* 64-bit code ignores CS.base (SDM Vol. 3A, 3.4.4). */
    const uint64_t base = code == CodeSize::bits64 ? 0 : rd(VMCS_GUEST_ES_BASE + 2 * VMX_CS);
    const VcpuMapView map = ept_view(c);
    const GuestPhysReader reader{vcpu_map_read, &map};
    uint8_t bytes[INSN_MAX] = {};
    const uint32_t count = guest_read_linear(reader, paging, base + rip, bytes, INSN_MAX);
    const char* refused = nullptr;
    uint32_t length = 0;
    if (((rd(VMCS_GUEST_LINEAR_ADDRESS) ^ gpa) & (GUEST_MAP_4K - 1)) != 0) {
        refused = "guest-linear and guest-physical addresses at different offsets";
    } else {
        uint64_t rsp = rd(VMCS_GUEST_RSP);
        uint64_t* regs[16];
        guest_registers(c, &rsp, regs);
        refused = vcpu_apic_emulate(c.table, c.v, bytes, count, code, gpa,
                                    (c.qualification & VMX_EPT_QUAL_FETCH) != 0, regs, &length);
        if (!refused)
            wr(c, VMCS_GUEST_RSP, rsp);
    }
    if (refused) {
        {
            VcpuErrorLine line;
            vcpu_print_apic_refusal(line.con, VENDOR, c.v, rip, gpa, bytes, count, refused);
        }
        vcpu_stop_all(c.table, c.v);
    }
    /* The access faulted during an IRET that had unblocked NMIs: blocked again, as the IRET did not complete (SDM 27.2.3). */
    if (c.qualification & VMX_EPT_QUAL_NMI_UNBLOCKING)
        wr(c, VMCS_GUEST_INTERRUPTIBILITY, rd(VMCS_GUEST_INTERRUPTIBILITY) | VMX_INTERRUPTIBILITY_NMI);
    advance(c, length);
}

/* XSETBV for the guest: done on the CPU when it would take it (vmx_xsetbv_allowed()), else #GP. */
void exit_xsetbv(Ctx& c)
{
    const uint32_t xcr = uint32_t(c.gprs.rcx);
    const uint64_t value = (c.gprs.rdx & 0xffffffff) << 32 | (c.gprs.rax & 0xffffffff);
    if (!vmx_xsetbv_allowed(xcr, value, c.shared.xcr0_supported)) {
        inject_exception(c, VEC_GP, true);
        return;
    }
    asm volatile("xsetbv" : : "c"(xcr), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)) : "memory");
    skip(c);
}

/* One exit, counted and handled; a fatal one does not return. */
void handle_exit(Ctx& c)
{
    VcpuCounts& n = c.v.n;
    ++n.exits;
    if (c.full_reason & VMX_EXIT_REASON_ENTRY_FAILURE)
        entry_failure(c);
    switch (c.reason) {
    case VMX_EXIT_REASON_CPUID:
        ++n.cpuid;
        exit_cpuid(c);
        skip(c);
        break;
    case VMX_EXIT_REASON_RDMSR:
    case VMX_EXIT_REASON_WRMSR:
        ++n.msr;
        if (exit_msr(c))
            skip(c);
        else
            inject_exception(c, VEC_GP, true);
        break;
    case VMX_EXIT_REASON_CR_ACCESS:
        exit_cr(c);
        break;
    case VMX_EXIT_REASON_EPT_VIOLATION:
        ++n.npf;
        if ((rd(VMCS_GUEST_PHYSICAL_ADDRESS) & ~(GUEST_MAP_4K - 1)) == c.shared.apic_page &&
            (c.qualification & VMX_EPT_QUAL_LINEAR_VALID) && (c.qualification & VMX_EPT_QUAL_FINAL))
            exit_apic(c);
        else
            fatal_exit(c);
        break;
    case VMX_EXIT_REASON_EPT_MISCONFIG:
        ++n.npf;
        fatal_exit(c);
    case VMX_EXIT_REASON_EXCEPTION_OR_NMI:
        if ((rd(VMCS_EXIT_INTERRUPTION_INFO) & VMX_INTR_TYPE_MASK) != VMX_INTR_TYPE_NMI)
            fatal_exit(c);
        ++n.nmi;
        vmx_take_nmi();     /* relboot's handler counts it; vcpu_settle() tells a kick from the guest's own */
        break;
    case VMX_EXIT_REASON_VMCALL:
        if (vcpu_hypercall(c.table, c.v, c.gprs.rax, (rd(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * VMX_SS) >> 5) & 3,
                           HYPERCALL_INSN))
            skip(c);
        else
            inject_exception(c, VEC_UD, false);
        break;
    case VMX_EXIT_REASON_VMCLEAR:
    case VMX_EXIT_REASON_VMLAUNCH:
    case VMX_EXIT_REASON_VMPTRLD:
    case VMX_EXIT_REASON_VMPTRST:
    case VMX_EXIT_REASON_VMREAD:
    case VMX_EXIT_REASON_VMRESUME:
    case VMX_EXIT_REASON_VMWRITE:
    case VMX_EXIT_REASON_VMXOFF:
    case VMX_EXIT_REASON_VMXON:
    case VMX_EXIT_REASON_INVEPT:
    case VMX_EXIT_REASON_INVVPID:
    case VMX_EXIT_REASON_VMFUNC:
    case VMX_EXIT_REASON_GETSEC:
        inject_exception(c, VEC_UD, false);     /* the guest sees no VMX: as on a CPU without it */
        break;
    case VMX_EXIT_REASON_XSETBV:
        exit_xsetbv(c);
        break;
    case VMX_EXIT_REASON_INVD:
        asm volatile("wbinvd" ::: "memory");
        skip(c);
        break;
    case VMX_EXIT_REASON_INIT:
        vcpu_post_init(c.v);
        break;
    case VMX_EXIT_REASON_SIPI:
        vcpu_post_sipi(c.v, uint8_t(c.qualification));
        break;
    case VMX_EXIT_REASON_TRIPLE_FAULT:
        shutdown(c);
    default:
        fatal_exit(c);
    }
}

/* INIT, the VMCS's part: INIT's guest state, nothing to inject, XCR0 as after INIT, the TLB of VPID 1 flushed. */
void reset(Ctx& c)
{
    VmxGuestState s;
    vmx_init_state(s);
    uint64_t field = 0;
    VmxResult r = VmxResult::ok;
    if (!vmx_write_guest_state(c.shared, s, &field, &r))
        vmx_fail("vmwrite", c.v.index, r, field);
    const uint64_t launched = c.gprs.launched;
    c.gprs = VmxGuestGprs{};
    c.gprs.launched = launched;
    c.gprs.rdx = c.shared.init_edx;
    if (c.shared.xcr0_supported)
        asm volatile("xsetbv" : : "c"(0), "a"(1), "d"(0) : "memory");
    flush_vpid(c);
}

/* A SIPI taken in wait-for-SIPI: real mode at its vector (vmx_sipi_state()), written into the VMCS. */
void start(Ctx& c, uint8_t vector)
{
    VmxGuestState s;
    vmx_init_state(s);
    vmx_sipi_state(s, vector);
    wr(c, VMCS_GUEST_CS_SELECTOR, s.seg[VMX_CS].selector);
    wr(c, VMCS_GUEST_ES_BASE + 2 * VMX_CS, s.seg[VMX_CS].base);
    wr(c, VMCS_GUEST_ES_LIMIT + 2 * VMX_CS, s.seg[VMX_CS].limit);
    wr(c, VMCS_GUEST_RIP, s.rip);
    wr(c, VMCS_GUEST_ACTIVITY_STATE, s.activity);
}

/*
 * The vCPU's events and NMIs since its last look (vcpu_settle()): INIT
 * resets it, a SIPI starts it, an NMI goes into the running guest (VM-entry
 * injection; when an event is already to be injected, or the guest blocks
 * NMIs, STI or MOV SS, it stays posted for the next exit).  When the run
 * is ending, the vCPU halts in there.
 */
void settle(Ctx& c)
{
    const VcpuSettle s = vcpu_settle(c.table, c.v);
    if (s.reset)
        reset(c);
    if (s.start)
        start(c, s.vector);
    if (!s.nmi)
        return;
    constexpr uint64_t BLOCKING = VMX_INTERRUPTIBILITY_NMI | VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS;
    if ((rd(VMCS_ENTRY_INTERRUPTION_INFO) & VMX_INTR_VALID) || (rd(VMCS_GUEST_INTERRUPTIBILITY) & BLOCKING)) {
        vcpu_post_nmi(c.v);
        return;
    }
    wr(c, VMCS_ENTRY_INTERRUPTION_INFO, VEC_NMI | VMX_INTR_TYPE_NMI | VMX_INTR_VALID);
}

/*
 * After an exit: its reason and qualification; an event whose delivery
 * the exit cut short goes in again first (IDT-vectoring information, SDM
 * 27.2.3, 26.5.1); "IA-32e mode guest" follows the EFER.LMA the exit saved.
 */
void after_exit(Ctx& c)
{
    c.full_reason = uint32_t(rd(VMCS_EXIT_REASON));
    c.reason = c.full_reason & VMX_EXIT_REASON_BASIC_MASK;
    c.qualification = rd(VMCS_EXIT_QUALIFICATION);
    if (c.full_reason & VMX_EXIT_REASON_ENTRY_FAILURE)
        return;
    const uint32_t vectoring = uint32_t(rd(VMCS_IDT_VECTORING_INFO));
    if (vectoring & VMX_INTR_VALID) {
        wr(c, VMCS_ENTRY_INTERRUPTION_INFO, vectoring & ~VMX_INTR_NMI_UNBLOCKING);
        if (vectoring & VMX_INTR_ERROR_CODE_VALID)
            wr(c, VMCS_ENTRY_EXCEPTION_ERROR_CODE, rd(VMCS_IDT_VECTORING_ERROR_CODE));
        const uint32_t type = vectoring & VMX_INTR_TYPE_MASK;
        if (type == VMX_INTR_TYPE_SOFTWARE_INTERRUPT || type == VMX_INTR_TYPE_PRIV_SOFTWARE_EXCEPTION ||
            type == VMX_INTR_TYPE_SOFTWARE_EXCEPTION)
            wr(c, VMCS_ENTRY_INSTRUCTION_LENGTH, rd(VMCS_EXIT_INSTRUCTION_LENGTH));
    }
    sync_ia32e(c, rd(VMCS_GUEST_IA32_EFER));
}

} // namespace

void vmx_vcpu_main(uint32_t index)
{
    Ctx c{vmx_shared_pages(), vcpu_table(), vcpu_table().vcpus[index], vmx_guest_gprs(index), 0, 0, 0};
    for (;;) {
        settle(c);
        if (__atomic_load_n(&c.v.state, __ATOMIC_RELAXED) != uint32_t(VcpuState::running)) {
            vcpu_wait_for_kick(c.v);
            continue;
        }
        const uint32_t failed = vmx_vmrun(&c.gprs);
        if (failed)
            vmx_fail(c.gprs.launched ? "vmresume" : "vmlaunch", index, VmxResult(failed), ~uint64_t(0));
        c.gprs.launched = 1;
        after_exit(c);
        handle_exit(c);
    }
}

} // namespace relboot
