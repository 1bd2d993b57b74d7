/*
 * The 64-bit IDT, whole: its stubs, the table and both pseudo-descriptors
 * (Intel SDM Vol. 3A, 6.14.1 "64-Bit Mode IDT"; include/relboot/x86/idt.h).
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
 */
#include <relboot/layout.h>
#include <relboot/x86/idt.h>
#include <relboot/x86/segment.h>
#include "exception_stubs.h"

/* Virtual address of 64-bit stub v. */
#define IDT64_STUB(v)  (IMAGE_VIRT_START + IDT64_STUBS_OFFSET + (v) * EXC_STUB_SIZE)

    .section .idt64_stubs, "ax"
    .code64

    EXCEPTION_STUBS exc64_stubs, exc64_common

/* Frame: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
exc64_common:
    movq    (%rsp), %rdi
    movq    8(%rsp), %rsi
    movq    16(%rsp), %rdx
    movq    %cr2, %rcx
    leaq    exception_stack_top(%rip), %rsp
    call    exception64                 /* main64.cpp; does not return */
    ud2

/* The table: 16-byte interrupt gates through the 64-bit code selector. */
    .section .rodata, "a"
    .balign 16
    .globl  idt64
idt64:
    vector = 0
    .rept   IDT_VECTORS
    .quad   IDT_GATE_LOW(IDT64_STUB(vector), SEL_CODE64, IDT_GATE_INTR64)
    .quad   IDT_GATE_HIGH(IDT64_STUB(vector))
    vector = vector + 1
    .endr

/* lidt operand in 64-bit mode (head64.S): the higher-half address. */
    .balign 8
    .globl  idt64_ptr
idt64_ptr:
    .word   IDT_VECTORS * IDT64_GATE_SIZE - 1
    .quad   idt64

/* lidt operand from 32-bit mode (longmode.S): the physical address, patched there. */
    .section .data, "aw"
    .balign 8
    .globl  idt64_ptr32
idt64_ptr32:
    .word   IDT_VECTORS * IDT64_GATE_SIZE - 1
    .long   0
