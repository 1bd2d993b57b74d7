/*
 * The 64-bit entry in the higher half, and the 64-bit exception stubs.
 * From here on everything runs at its link-time virtual address.
 */
#include <relboot/layout.h>
#include <relboot/x86/idt.h>
#include <relboot/x86/segment.h>

    .section .text, "ax"
    .code64

    .globl  relboot_entry64
relboot_entry64:
    /* Hand-off stamp: the first instruction of the 64-bit stage (boot-contract.md, tsc entry_to_handoff). */
    rdtsc
    shlq    $32, %rdx
    orq     %rdx, %rax
    movq    %rax, %rsi

    leaq    stack64_top(%rip), %rsp
    lgdt    gdt64_ptr(%rip)             /* GDTR and IDTR at the tables' higher-half addresses */
    lidt    idt64_ptr(%rip)             /* (longmode.S loaded the IDT by its identity address) */
    movl    $SEL_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs

    /* relboot_main64(&boot_info, tsc_handoff) (main64.cpp) does not return. */
    leaq    boot_info(%rip), %rdi
    call    relboot_main64
    ud2

/*
 * One stub per vector, EXC_STUB_SIZE bytes apart; the linker script
 * builds the 64-bit IDT from exc64_stubs.  A stub pushes a zero error
 * code where the CPU pushes none, then the vector.
 */
    .balign EXC_STUB_SIZE
    .globl  exc64_stubs
exc64_stubs:
    vector = 0
    .rept   IDT_VECTORS
    .org    exc64_stubs + vector * EXC_STUB_SIZE     /* fails ("backwards") if a stub outgrew its slot */
    .if     ((VEC_ERRCODE_MASK >> vector) & 1) == 0
    pushq   $0
    .endif
    pushq   $vector
    jmp     exc64_common
    vector = vector + 1
    .endr

/* Frame: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
exc64_common:
    movq    (%rsp), %rdi
    movq    8(%rsp), %rsi
    movq    16(%rsp), %rdx
    movq    %cr2, %rcx
    leaq    exception_stack_top(%rip), %rsp
    call    exception64                 /* main64.cpp; does not return */
    ud2

    .section .rodata, "a"
    .balign 8
    .globl  idt64_ptr
idt64_ptr:
    .word   IDT_VECTORS * IDT64_GATE_SIZE - 1
    .quad   idt64                       /* linker script */

/* Stacks: in .noinit, never zeroed (nothing reads a slot before writing it). */
    .section .noinit, "aw", @nobits
    .balign 16
    .skip   STACK64_SIZE
    .globl  stack64_top
stack64_top:
    .skip   EXCEPTION_STACK_SIZE
    .globl  exception_stack_top
exception_stack_top:
