/*
 * 32-bit exception handling: the IDT that head32.S loads right after the
 * GDT, so that no fault before long mode is silent.
 *
 * Gate offsets are link-time constants: each gate points, through
 * SEL_EXC32, at offset v * EXC_STUB_SIZE, and head32.S sets SEL_EXC32's
 * base to the stubs' linear address.  So the table needs no patching
 * wherever the image sits (only the lidt operand's base is patched).
 *
 * A stub runs with CS = SEL_EXC32 (EIP relative to exc32_stubs), pushes
 * a zero error code where the CPU pushes none and the vector, and joins
 * exc32_common, which recovers the load base from GDTR (the GDT lies at
 * a fixed offset in the image), returns to the flat code segment and
 * calls boot32_exception() on the exception stack.
 *
 * The exception path uses a register base in both BASE variants: it
 * cannot know whether %fs was set up when the fault happened.
 */
#include "layout.h"
#include <x86/idt.h>
#include <x86/segment.h>
#include "stage32/exception_stubs.h"
#include "stage32/image32.h"
#include "boot32_syms.h"

    .section .text32, "ax"
    .code32

    EXCEPTION_STUBS exc32_stubs, exc32_common, IDT_VECTORS

/* Still CS = SEL_EXC32 here: only relative jumps and register addressing. */
exc32_common:
    subl    $8, %esp
    sgdtl   (%esp)                      /* limit (2 bytes), then the GDT's linear base */
    movl    2(%esp), %ebp
    addl    $8, %esp
    subl    $IMG_OFF(gdt), %ebp         /* EBP = load base */
    leal    REG_IMG(.Lflat, %ebp), %eax
    pushl   $SEL_CODE32
    pushl   %eax
    lret
.Lflat:
    movl    $SEL_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    /* Frame: vector, error code, EIP, CS, EFLAGS. */
    popl    %ecx
    popl    %edx
    popl    %esi
    movl    %cr2, %edi
    leal    REG_IMG(exception32_stack_top, %ebp), %esp
    movl    %eax, %ss                   /* EAX = SEL_DATA: flat stack segment for the new ESP */
    pushl   %edi                        /* cr2 */
    pushl   %esi                        /* eip */
    pushl   %edx                        /* error */
    pushl   %ecx                        /* vector */
    leal    REG_IMG(boot_state, %ebp), %eax
    pushl   %eax
    call    boot32_blob + BOOT32_boot32_exception
.Lstop:
    cli
    hlt
    jmp     .Lstop

/* The 32-bit IDT: constant gates, see above. */
    .section .rodata, "a"
    .balign 8
    .globl  idt32
idt32:
    vector = 0
    .rept   IDT_VECTORS
    .quad   IDT_GATE_LOW(vector * EXC_STUB_SIZE, SEL_EXC32, IDT_GATE_INTR32)
    vector = vector + 1
    .endr

    .section .data, "aw"
    .balign 8
    .globl  idt32_ptr
idt32_ptr:
    .word   IDT_VECTORS * IDT32_GATE_SIZE - 1
    .long   0                           /* linear base: patched by head32.S */

/* The 32-bit stage's exception stack (one CPU runs it): in .noinit, never zeroed. */
    .section .noinit, "aw", @nobits
    .balign 16
    .skip   EXCEPTION_STACK_SIZE
    .globl  exception32_stack_top
exception32_stack_top:
