/*
 * The 64-bit IDT, whole: its stubs, the table and both pseudo-descriptors
 * (Intel SDM Vol. 3A, 6.14.1 "64-Bit Mode IDT"; arch/x86/include/x86/idt.h).
 *
 * The stubs sit at a fixed offset in the image, IDT64_STUBS_OFFSET (the
 * linker script places .idt64_stubs there), so every gate is a constant
 * the assembler computes: interrupt gate v -> IMAGE_VIRT_START +
 * IDT64_STUBS_OFFSET + v * EXC_STUB_SIZE, a higher-half address that is
 * the same at every load base.  Nothing is patched but the base of
 * idt64_ptr32.
 *
 * longmode.S loads the table through idt64_ptr32 (its physical address,
 * before paging goes on), head64.S through idt64_ptr (its higher-half
 * address).
 *
 * Each exception gate names an IST entry (x86/idt.h, IST_*), so
 * every CPU must have loaded its TSS (cpu_local_load(), stage64/cpu_local.h)
 * before it can take one: head64.S does so first thing on the BSP, ap_main()
 * on each AP.
 *
 * Beyond the 32 exceptions the table serves the parked APs' two
 * interrupt vectors (x86/idt.h; smp.cpp parks them): VEC_AP_WAKE, which
 * ends with an EOI, and VEC_APIC_SPURIOUS, which must not (Intel SDM Vol.
 * 3A, 11.9).  Every other vector is reported as an exception would be.
 *
 * Two exceptions to the report, for the vCPUs of guest=svm and guest=vmx
 * (payload/vcpu/vcpu.h):
 * an NMI on a vCPU's CPU (nmi_quiet[slot] set) is another vCPU's kick, or
 * the guest's own NMI that relboot re-injects: it is counted in
 * nmi_count[slot] and returns quietly; and a #GP at one of the two safe
 * MSR accesses (payload/vcpu/vcpu_entry.S) resumes at their failure path.
 */
#include "layout.h"
#include <x86/apic.h>
#include <x86/idt.h>
#include <x86/segment.h>
#include "stage32/exception_stubs.h"

/* log2 of the TSS descriptors' stride in the GDT (x86/segment.h). */
#define GDT_TSS_DESC_SHIFT 4
    .if (1 << GDT_TSS_DESC_SHIFT) != GDT_TSS_DESC_SIZE
    .error "GDT_TSS_DESC_SHIFT must match GDT_TSS_DESC_SIZE"
    .endif

/* Virtual address of 64-bit stub v. */
#define IDT64_STUB(v)  (IMAGE_VIRT_START + IDT64_STUBS_OFFSET + (v) * EXC_STUB_SIZE)

    .section .idt64_stubs, "ax"
    .code64

    EXCEPTION_STUBS exc64_stubs, exc64_common, IDT64_VECTORS

/*
 * Frame: vector, error code, RIP, CS, RFLAGS, RSP, SS.  An exception
 * arrives on its CPU's own IST stack (the table below, stage64/cpu_local.h),
 * so two CPUs that fault at once never share a stack; an interrupt
 * vector on the stack it interrupted.
 */
exc64_common:
    cmpq    $VEC_NMI, (%rsp)
    je      .Lnmi
    cmpq    $VEC_GP, (%rsp)
    je      .Lgp
    cmpq    $VEC_AP_WAKE, (%rsp)
    je      .Lap_wake
    cmpq    $VEC_APIC_SPURIOUS, (%rsp)
    je      .Lreturn
.Lreport:
    movq    (%rsp), %rdi
    movq    8(%rsp), %rsi
    movq    16(%rsp), %rdx
    movq    %cr2, %rcx
    andq    $-16, %rsp                  /* the SysV alignment at the call */
    call    exception64                 /* main64.cpp; does not return */
    ud2

/*
 * A parked AP's wake-up IPI: EOI to its own local APIC, through the MSR
 * in x2APIC mode, else through the MMIO page (identity-mapped on
 * relboot's page tables), and back into its wait (smp.cpp's ap_main).
 * Every register it uses is restored.
 */
.Lap_wake:
    pushq   %rax
    pushq   %rcx
    pushq   %rdx
    movl    $MSR_IA32_APIC_BASE, %ecx
    rdmsr
    testl   $APIC_BASE_EXTD, %eax
    jnz     .Lx2apic_eoi
    shlq    $32, %rdx
    andl    $~(PAGE_SIZE - 1), %eax     /* zero-extends: bits 63:32 come from %rdx */
    orq     %rdx, %rax
    movl    $0, APIC_EOI(%rax)
    jmp     .Leoi_done
.Lx2apic_eoi:
    movl    $MSR_X2APIC_EOI, %ecx
    xorl    %eax, %eax
    xorl    %edx, %edx
    wrmsr
.Leoi_done:
    popq    %rdx
    popq    %rcx
    popq    %rax
.Lreturn:
    addq    $16, %rsp                   /* the vector and the error code the stub pushed */
    iretq

/*
 * An NMI.  The CPU's slot comes from its task register (its TSS selector,
 * stage64/cpu_local.h: SEL_TSS0 + slot * GDT_TSS_DESC_SIZE); a vCPU's CPU
 * has nmi_quiet[slot] set (vcpu_host_enter()): the NMI is counted and the
 * CPU goes back to what it did.  When it came inside a vCPU's wait,
 * from its look at the count up to its HLT (vcpu_entry.S, vcpu_wait_kick
 * .. vcpu_wait_hlt), it returns past the HLT: the kick that should end
 * the wait cannot be lost in that window.
 * Anywhere else an NMI is an error line.  Frame: %rcx, %rax, vector,
 * error code, RIP, ...
 */
.Lnmi:
    pushq   %rax
    pushq   %rcx
    xorl    %eax, %eax
    str     %ax
    subl    $SEL_TSS0, %eax
    jb      .Lnmi_report                /* no TSS of relboot's loaded */
    shrl    $GDT_TSS_DESC_SHIFT, %eax
    cmpl    $CPU_SLOTS, %eax
    jae     .Lnmi_report
    leaq    nmi_quiet(%rip), %rcx
    cmpb    $0, (%rcx, %rax)
    je      .Lnmi_report
    leaq    nmi_count(%rip), %rcx
    lock incl (%rcx, %rax, 4)
    leaq    vcpu_wait_kick(%rip), %rcx
    cmpq    %rcx, 32(%rsp)
    jb      .Lnmi_done
    leaq    vcpu_wait_hlt(%rip), %rcx
    cmpq    %rcx, 32(%rsp)
    ja      .Lnmi_done
    incq    %rcx
    movq    %rcx, 32(%rsp)              /* past the one-byte HLT */
.Lnmi_done:
    popq    %rcx
    popq    %rax
    jmp     .Lreturn
.Lnmi_report:
    popq    %rcx
    popq    %rax
    jmp     .Lreport

/*
 * A #GP.  At vcpu_rdmsr_site or vcpu_wrmsr_site it is the CPU refusing an
 * MSR access made for the guest: resume at vcpu_msr_failed (which returns
 * false to the caller).  Anywhere else an error line.  Frame: %rax,
 * vector, error code, RIP, ...
 */
.Lgp:
    pushq   %rax
    leaq    vcpu_rdmsr_site(%rip), %rax
    cmpq    %rax, 24(%rsp)
    je      .Lgp_msr
    leaq    vcpu_wrmsr_site(%rip), %rax
    cmpq    %rax, 24(%rsp)
    je      .Lgp_msr
    popq    %rax
    jmp     .Lreport
.Lgp_msr:
    leaq    vcpu_msr_failed(%rip), %rax
    movq    %rax, 24(%rsp)
    popq    %rax
    jmp     .Lreturn

/* The table: 16-byte interrupt gates through the 64-bit code selector. */
    .section .rodata, "a"
    .balign 16
    .globl  idt64
idt64:
    vector = 0
    .rept   IDT64_VECTORS
    /* The IST: NMI, #DF and #MC their own, other exceptions the CPU's exception stack, interrupts none. */
    .if vector == VEC_NMI
    ist = IST_NMI
    .elseif vector == VEC_DF
    ist = IST_DF
    .elseif vector == VEC_MC
    ist = IST_MC
    .elseif vector < IDT_VECTORS
    ist = IST_EXCEPTION
    .else
    ist = 0
    .endif
    .quad   IDT_GATE_LOW(IDT64_STUB(vector), SEL_CODE64, IDT_GATE_INTR64) | IDT_GATE_IST(ist)
    .quad   IDT_GATE_HIGH(IDT64_STUB(vector))
    vector = vector + 1
    .endr

/* lidt operand in 64-bit mode (head64.S): the higher-half address. */
    .balign 8
    .globl  idt64_ptr
idt64_ptr:
    .word   IDT64_VECTORS * IDT64_GATE_SIZE - 1
    .quad   idt64

/*
 * Per CPU slot: whether NMIs are a vCPU's and counted (set by
 * vcpu_host_enter(), payload/vcpu/vcpu_host.cpp), and their count.  In
 * .noinit: cpu_local_load() clears a slot's before it loads the slot's
 * TSS, and until then this handler finds no slot (stage64/cpu_local.h).
 */
    .section .noinit, "aw", @nobits
    .globl  nmi_quiet
nmi_quiet:
    .skip   CPU_SLOTS
    .balign 4
    .globl  nmi_count
nmi_count:
    .skip   4 * CPU_SLOTS

/* lidt operand from 32-bit mode (longmode.S): the physical address, patched there. */
    .section .data, "aw"
    .balign 8
    .globl  idt64_ptr32
idt64_ptr32:
    .word   IDT64_VECTORS * IDT64_GATE_SIZE - 1
    .long   0
