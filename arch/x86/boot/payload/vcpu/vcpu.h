/*
 * The guest's vCPUs, whatever the vendor (SVM now, VMX in issue 23): one
 * per CPU relboot brought online, 1:1, index = its index in the CPU table
 * (BootState.cpus), APIC ID = the physical one.  The architectural INIT
 * and SIPI states (Intel SDM Vol. 3A, 9.4 "Multiple-Processor (MP)
 * Initialization", 11.6.1 "INIT" and "Start-Up"; AMD APM vol. 2, 15.19
 * "SVM and INIT"), the events one vCPU posts into another, the NMIs that
 * carry them, the exits by reason and the report lines of a vCPU.
 *
 * How a vCPU hears of an event: another vCPU's emulated ICR write posts it
 * in Vcpu.events (INIT, SIPI with its vector, NMI), then "kicks" the
 * target with a physical NMI (the NMI intercept is set): a running target
 * exits, a waiting one wakes from its HLT (host mode, GIF 1, IF 0: only
 * an NMI ends that HLT).  relboot's NMI handler (idt64.S) counts NMIs on
 * a vCPU's CPU instead of reporting them; the vCPU matches the count with
 * the kicks it was sent (Vcpu.kicks), so that a kick that arrives late
 * never reaches the guest, while an NMI nobody sent as a kick (the guest's
 * own LVT, an NMI from outside) is injected into the guest.
 *
 * Pure (host-tested): vcpu.cpp.  What touches the machine (the physical
 * APIC, the kicks, the console lock, the safe MSR accessors): the
 * functions after "64-bit stage only" (vcpu_host.cpp, vcpu_entry.S).
 */
#ifndef RELBOOT_VCPU_VCPU_H
#define RELBOOT_VCPU_VCPU_H

#include <cstdint>
#include "lib/console.h"
#include "payload/vcpu/apic.h"
#include "payload/vcpu/guest_map.h"
#include "payload/vcpu/insn.h"

namespace relboot {

/* A vCPU's host stack (bytes, 16-byte aligned top): its exit handlers run on it. */
inline constexpr uint32_t VCPU_STACK_SIZE = 8192;

/* The hello hypercall's RAX: "relb" in ASCII, read as hex digits (docs/report.md). */
inline constexpr uint64_t VCPU_HELLO_RAX = 0x72656c62;

/* A vCPU's state (Vcpu.state; written by the vCPU itself, read by the others). */
enum class VcpuState : uint32_t {
    absent = 0,         /* not a vCPU: a CPU relboot did not start or that never entered; IPIs to it are dropped */
    wait_for_sipi,      /* after INIT (every AP at the hand-off): waits in host mode for a SIPI */
    running,            /* the guest runs on it */
};

/* Events one vCPU posts into another (Vcpu.events). */
inline constexpr uint32_t VCPU_EVENT_INIT = 1u << 0;          /* INIT (level assert) */
inline constexpr uint32_t VCPU_EVENT_SIPI = 1u << 1;          /* a SIPI, its vector in bits 15:8 */
inline constexpr uint32_t VCPU_EVENT_NMI = 1u << 2;           /* an NMI IPI */
inline constexpr uint32_t VCPU_EVENT_SIPI_VECTOR_SHIFT = 8;
inline constexpr uint32_t VCPU_EVENT_SIPI_VECTOR_MASK = 0xffu << VCPU_EVENT_SIPI_VECTOR_SHIFT;

/* Exits by reason and what they did, of one vCPU, whatever the vendor (the hello line; make bench). */
struct VcpuCounts {
    uint64_t exits;     /* every exit */
    uint64_t cpuid;     /* CPUID */
    uint64_t msr;       /* RDMSR and WRMSR */
    uint64_t npf;       /* nested page faults, EPT violations and misconfigurations (the APIC page's among them) */
    uint64_t apic;      /* local APIC accesses emulated: the xAPIC page's and the x2APIC MSRs' */
    uint64_t ipi;       /* IPIs this vCPU's ICR writes delivered (one per target vCPU) */
    uint64_t dropped;   /* IPI destinations this vCPU aimed at that the guest does not own, and SMIs */
    uint64_t nmi;       /* NMI exits (kicks and the guest's own NMIs) */
};

/* One vCPU.  The fields marked atomic are shared with the other vCPUs; the rest is the vCPU's own. */
struct Vcpu {
    uint32_t index;             /* in the CPU table, and bit index in IpiPlan.targets */
    uint32_t apic_id;           /* the physical APIC ID */
    uint32_t state;             /* VcpuState (atomic: written by this vCPU, read by the others) */
    uint32_t events;            /* VCPU_EVENT_* (atomic: posted by the others, taken by this vCPU) */
    uint32_t kicks;             /* NMIs the others sent it (atomic: incremented before each NMI) */
    uint32_t kicks_matched;     /* of those, matched with an NMI it received */
    uint32_t nmis_seen;         /* its CPU's NMI count (idt64.S) at its last look */
    uint32_t slot;              /* its CPU's slot (stage64/cpu_local.h), for that count */
    uint32_t icr_high;          /* xAPIC: ICR bits 63:32 as the guest last wrote them */
    uint32_t icr_low;           /* ICR bits 31:0 as the guest last wrote them, delivery status idle */
    uint64_t apic_mmio;         /* its CPU's xAPIC page (identity-mapped); 0 in x2APIC mode */
    VcpuCounts n;
};

/* Every vCPU, and the guest's view of their local APICs for IPI routing (apic.h). */
struct VcpuTable {
    uint32_t count;             /* entries: the CPU table's count (<= VCPU_MAX) */
    uint32_t stopping;          /* atomic: set once the run ends; every vCPU halts at its next look */
    uint64_t present;           /* bit i: vcpus[i] is a vCPU (not absent) */
    bool x2apic;                /* the local APICs are in x2APIC mode (IA32_APIC_BASE.EXTD, as relboot found them) */
    ApicVcpu apic[VCPU_MAX];    /* apic_id, and the LDR/DFR each vCPU's guest last wrote */
    Vcpu vcpus[VCPU_MAX];
};

/*
 * Fills table for count CPUs (count <= VCPU_MAX) whose APIC IDs are
 * apic_ids[0, count): every vCPU absent, events and counts zero, LDR 0,
 * DFR flat (0xffffffff), as after RESET (SDM 11.4.7.1).
 */
void vcpu_table_init(VcpuTable& table, const uint32_t* apic_ids, uint32_t count, bool x2apic);

/*
 * Posting events into t (any vCPU, from any CPU; the caller then kicks
 * t unless it is its own vCPU).  INIT replaces whatever t had pending (a
 * SIPI or NMI posted before it is void: INIT resets the CPU); a SIPI
 * replaces an earlier SIPI's vector; NMIs merge into one, as an NMI that
 * is already pending does on hardware.
 */
void vcpu_post_init(Vcpu& t);
void vcpu_post_sipi(Vcpu& t, uint8_t vector);
void vcpu_post_nmi(Vcpu& t);

/* Takes (and clears) v's pending events: VCPU_EVENT_* bits, the SIPI vector in bits 15:8. */
uint32_t vcpu_take_events(Vcpu& v);

/* What a vCPU does with the events it took (vcpu_step()). */
struct VcpuStep {
    VcpuState state;    /* its state after them */
    bool reset;         /* INIT: its guest state becomes INIT's (the vendor's reset), a pending SIPI void */
    bool start;         /* a SIPI taken in wait_for_sipi: real mode at CS = vector << 8, base vector << 12, IP 0 */
    uint8_t vector;     /* the SIPI's vector, with start */
    bool nmi;           /* an NMI to inject into the guest (running, and neither INIT nor SIPI) */
};

/*
 * The state machine (SDM 9.4, 11.6.1): events (vcpu_take_events()) in
 * state.  INIT: wait_for_sipi, reset (whatever the state, the BSP's
 * too); then a SIPI in wait_for_sipi: running at its vector; a SIPI in
 * any other state is ignored, as on hardware (INIT level de-assert never
 * gets here: nothing to do).  An NMI reaches only a running vCPU that
 * stays running; one posted to a vCPU in wait_for_sipi or reset now is
 * dropped.  An absent vCPU has no events: it stays absent.
 */
VcpuStep vcpu_step(VcpuState state, uint32_t events);

/*
 * The NMIs v received that no kick explains, given its CPU's NMI count
 * now (idt64.S counts every NMI on a vCPU's CPU): the NMIs since its last
 * look are matched with the kicks the others sent it and not yet matched;
 * what is left over came from elsewhere (the guest's own LVT, a
 * watchdog) and is the guest's.  Updates v's counters.  NMIs that arrive
 * while another is pending merge into one, so a kick may stay unmatched
 * and later explain a foreign NMI away: such an NMI is lost, never
 * invented.
 */
uint32_t vcpu_nmis_unclaimed(Vcpu& v, uint32_t nmi_count);

/*
 * The targets of plan that are vCPUs of the guest (bits in present); the
 * other targets (CPUs relboot did not start, or that never entered) are
 * added to *dropped, as plan.dropped is by the caller.
 */
uint64_t vcpu_ipi_owned(const IpiPlan& plan, uint64_t present, uint32_t* dropped);

/* How many vCPUs a mask names (bits set; the image has no libgcc for __builtin_popcount). */
constexpr uint32_t vcpu_mask_count(uint64_t mask)
{
    uint32_t n = 0;
    for (; mask; mask &= mask - 1)
        ++n;
    return n;
}

/* The state's name for the debug line ("absent", "wait_for_sipi", "running"). */
const char* vcpu_state_name(VcpuState state);

/*
 * "relboot: guest hypercall rax=0x72656c62 insn=<insn> cpl=<n> cpu=<n>
 * exits=<n> cpuid=<n> msr=<n> npf=<n> apic=<n> ipi=<n> dropped=<n>
 * nmi=<n>": the hello hypercall of v at privilege level cpl, made with
 * the instruction insn ("vmmcall" under SVM, "vmcall" under VMX)
 * (docs/report.md).
 */
void vcpu_print_hello(Console& con, const Vcpu& v, uint32_t cpl, const char* insn);

/* loglvl=debug: "relboot: debug: vcpu <n> apic_id=<n> state=<name> exits=<n> cpuid=<n> ... nmi=<n>". */
void vcpu_print_counts(Console& con, const Vcpu& v);

/* "relboot: error: <vendor> guest shutdown cpu=<n> rip=0x<16> exits=<n>": a triple fault of v's guest. */
void vcpu_print_shutdown(Console& con, const char* vendor, const Vcpu& v, uint64_t rip);

/*
 * "relboot: error: <vendor> guest apic cpu=<n> rip=0x<16> gpa=0x<16>
 * bytes=<hex|none> <reason>": an access to the xAPIC page relboot does
 * not emulate; bytes[0, count) the instruction's bytes as read (count
 * <= 15; "none" when none could be read).
 */
void vcpu_print_apic_refusal(Console& con, const char* vendor, const Vcpu& v, uint64_t rip, uint64_t gpa,
                             const uint8_t* bytes, uint32_t count, const char* reason);

/* 64-bit stage only (vcpu_host.cpp, vcpu_entry.S). */

/*
 * The running CPU's slot (stage64/cpu_local.h), from its task register:
 * what idt64.S indexes its NMI count with.
 */
uint32_t vcpu_cpu_slot();

/*
 * Makes the running CPU v's (v.index's entry of table): its slot, its
 * local APIC (xAPIC page or x2APIC MSRs; x2APIC: the LDR the hardware
 * derives, for routing), and relboot's NMI handler counting its NMIs
 * quietly from now on.  Then its state: running for the BSP, else
 * wait_for_sipi (release: the BSP waits for it).
 */
void vcpu_host_enter(VcpuTable& table, Vcpu& v, bool bsp);

/* The NMIs relboot's handler counted on slot so far (idt64.S). */
uint32_t vcpu_nmi_count(uint32_t slot);

/*
 * One access of v's guest to its xAPIC page (offset in it, size bytes;
 * a write of *value, or a read into *value) as apic_xapic_access() says:
 * done on the running CPU's physical APIC, or the ICR translated into
 * deliveries (vcpu_send_ipi()), or the LDR/DFR kept for routing.  False:
 * refused (no APIC register, a size or alignment the APIC does not take,
 * or the local APIC in x2APIC mode): the caller ends the run with the
 * apic line.
 */
bool vcpu_xapic_access(VcpuTable& table, Vcpu& v, uint32_t offset, uint32_t size, bool write, uint32_t* value);

/*
 * One RDMSR/WRMSR of an x2APIC MSR (0x800..0x8ff) by v's guest, as
 * apic_x2apic_access() says; the ICR (0x830) is one 64-bit value, its
 * destination in bits 63:32.  False: #GP for the guest (the APIC is not
 * in x2APIC mode, a register the table refuses, or one the hardware
 * refused).
 */
bool vcpu_x2apic_access(VcpuTable& table, Vcpu& v, uint32_t msr, bool write, uint64_t* value);

/*
 * Carries out the IPI of an ICR write by v (icr_low, dest: ICR bits 63:56
 * or, x2APIC, 63:32) over the guest's vCPUs (apic_icr_plan(),
 * vcpu_ipi_owned()): fixed and lowest priority as a physical fixed IPI to
 * each running target (a target in wait_for_sipi takes none, as on
 * hardware; v itself through the "self" shorthand); NMI, INIT and SIPI
 * posted to the target's events, which a kick carries (v's own: seen at
 * the end of this exit); every other destination dropped and counted.
 */
void vcpu_send_ipi(VcpuTable& table, Vcpu& v, uint32_t icr_low, uint32_t dest);

/*
 * Ends the run from v's CPU after its error line: every other vCPU is
 * kicked and halts at its next look (VcpuTable.stopping), then finish()
 * (debug-exit, else halt).
 */
[[noreturn]] void vcpu_stop_all(VcpuTable& table, const Vcpu& v);

/* Whether the run is ending (VcpuTable.stopping): the caller halts for good. */
bool vcpu_stopping(const VcpuTable& table);

/* What a vCPU's back end does after vcpu_settle(), in this order. */
struct VcpuSettle {
    bool reset;         /* INIT: its guest state becomes INIT's (the vendor's), nothing left to inject */
    bool start;         /* a SIPI: real mode at CS = vector << 8, base vector << 12, IP 0 */
    uint8_t vector;     /* the SIPI's vector, with start */
    bool nmi;           /* an NMI for the running guest: inject it now, or vcpu_post_nmi() it when it cannot */
};

/*
 * v's events and the NMIs its CPU took since its last look (vcpu.h's
 * head): when the run is ending, halts for good here; else takes the
 * events, steps the state machine (vcpu_step()) and stores the state it
 * leaves, and says what the back end does: on INIT the layer's own part
 * of the reset is done here (the kept ICR, LDR and DFR back to their
 * RESET values, SDM 11.4.7.1); an NMI IPI, or an NMI nobody sent as a
 * kick, goes to a vCPU that was running and stays so.
 */
VcpuSettle vcpu_settle(VcpuTable& table, Vcpu& v);

/*
 * Waits on v's CPU in host mode, interrupts off, for a kick: HLT, ended
 * only by an NMI; returns at once when an NMI came since v's last look
 * (Vcpu.nmis_seen).  An NMI between that look and the HLT returns past
 * the HLT (idt64.S), so no kick is lost.  SVM calls it with GIF 1
 * (svm_run.S).
 */
void vcpu_wait_for_kick(const Vcpu& v);

/* The NMI count of v's CPU (idt64.S), for vcpu_wait_kick(): a count that never moves when v has no slot. */
const uint32_t* vcpu_nmi_counter(const Vcpu& v);

/*
 * The hello hypercall (insn: "vmmcall" or "vmcall") of v's guest at
 * privilege level cpl: RAX = VCPU_HELLO_RAX prints the hello line (with
 * loglvl=debug each vCPU's counts after it, vcpu_print_counts()) and
 * returns true: the caller moves RIP past the instruction.  Any other
 * RAX returns false: #UD for the guest, as on a CPU without relboot.
 */
bool vcpu_hypercall(VcpuTable& table, Vcpu& v, uint64_t rax, uint32_t cpl, const char* insn);

/* Where a back end keeps the guest's EFER, for vcpu_msr(). */
struct VcpuEfer {
    uint64_t* efer;             /* the guest's EFER (the VMCB's; the VMCS's guest field) */
    uint64_t cr0;               /* the guest's CR0: LME does not change with paging on */
    uint64_t supported;         /* efer_supported() of the host */
    uint64_t forced;            /* bits kept set whatever the guest writes (SVM: SVME, which VMRUN needs) */
};

/*
 * An intercepted RDMSR (write false: *value gets the result) or WRMSR
 * (*value written) of msr by v's guest, as the policy table says (msr.h):
 * pass through the safe accessors (an MSR the CPU refuses is the guest's
 * #GP, as without relboot); ignore (a write dropped); emulate EFER
 * (efer_guest_read() / efer_guest_write() on efer), APIC_BASE
 * (apic_base_write_allowed(): nothing changes) and the x2APIC MSRs
 * (vcpu_x2apic_access()); gp.  False: #GP(0) for the guest, RIP left.
 */
bool vcpu_msr(VcpuTable& table, Vcpu& v, uint32_t msr, bool write, uint64_t* value, const VcpuEfer& efer);

/*
 * One access of v's guest to its xAPIC page (a nested page fault or EPT
 * violation at gpa; fetch: it was an instruction fetch) by the
 * instruction bytes[0, count) (read at its RIP by the caller; count 0:
 * none could be read) in code of the given size: decoded
 * (insn_decode_mem_move()), done through vcpu_xapic_access(), a read's
 * value written into its register (regs: the guest's general registers
 * by SDM number, RAX .. R15; a 32-bit destination zero-extended).
 * Returns nullptr and *length (RIP moves past the instruction), or the
 * reason for the apic line (vcpu_print_apic_refusal()): an instruction
 * fetch, no bytes, an instruction insn.h refuses, an APIC access
 * vcpu_xapic_access() refuses.  Nothing is done when it refuses.
 */
const char* vcpu_apic_emulate(VcpuTable& table, Vcpu& v, const uint8_t* bytes, uint32_t count, CodeSize code,
                              uint64_t gpa, bool fetch, uint64_t* const regs[16], uint32_t* length);

/*
 * A second-level map as the emulator reads through it (guest_map.h): the
 * pages guest_map_build() wrote, at pages_phys, in format.
 */
struct VcpuMapView {
    const uint64_t* pages;
    uint64_t pages_phys;
    uint32_t page_count;
    const GuestMapFormat* format;
};

/*
 * GuestPhysReader.read over a VcpuMapView (ctx): copies len guest-physical
 * bytes at gpa into out, only where the map maps them (never relboot's
 * own pages) and relboot's identity map reaches the host-physical bytes.
 */
bool vcpu_map_read(const void* ctx, uint64_t gpa, void* out, uint32_t len);

/*
 * A fatal exit's error line: under the console lock, on the report
 * console (loglvl does not hide errors).  The line is written on con
 * between construction and destruction.
 */
struct VcpuErrorLine {
    Console con;
    VcpuErrorLine();
    ~VcpuErrorLine();
    VcpuErrorLine(const VcpuErrorLine&) = delete;
    VcpuErrorLine& operator=(const VcpuErrorLine&) = delete;
};

/*
 * The console lock: one CPU's report lines at a time, so that lines from
 * several vCPUs never mix.  vcpu_console() is a copy of the console the
 * hand-off target prints on (loglvl=quiet: one that prints nothing).
 */
void vcpu_console_lock();
void vcpu_console_unlock();
void vcpu_console_set(const Console& con);
Console vcpu_console();

} // namespace relboot

/*
 * vcpu_entry.S.  RDMSR and WRMSR for the guest that a #GP does not turn
 * into relboot's exception line: false when the CPU refused (idt64.S
 * resumes at the accessors' failure path).  vcpu_call_on_stack(): calls
 * f(arg) on the stack whose top is stack_top (16-byte aligned); f does
 * not return.
 */
extern "C" bool vcpu_rdmsr_safe(uint32_t msr, uint64_t* value);
extern "C" bool vcpu_wrmsr_safe(uint32_t msr, uint64_t value);
extern "C" [[noreturn]] void vcpu_call_on_stack(uint64_t stack_top, void (*f)(uint32_t), uint32_t arg);
/*
 * vcpu_entry.S.  HLT unless *nmi_count differs from seen (an NMI came
 * since the caller's look); an NMI from the comparison up to the HLT
 * returns past it (idt64.S: the range vcpu_wait_kick .. vcpu_wait_hlt).
 */
extern "C" void vcpu_wait_kick(const uint32_t* nmi_count, uint32_t seen);

#endif
