/*
 * The exception stubs of both IDTs (assembly only): exception32.S for the
 * 32-bit IDT, idt64.S for the 64-bit one.
 */
#ifndef RELBOOT_EXCEPTION_STUBS_H
#define RELBOOT_EXCEPTION_STUBS_H

#include <x86/idt.h>

/*
 * EXCEPTION_STUBS name, common, count: the global label name, then count
 * stubs, stub v at name + v * EXC_STUB_SIZE.  Stub v pushes a zero error
 * code where the CPU pushes none (VEC_ERRCODE_MASK), so the frame is the
 * same for every vector, then v, and jumps to common.  push takes the
 * code's operand size: 4 bytes under .code32, 8 under .code64.
 */
.macro EXCEPTION_STUBS name, common, count
    .balign EXC_STUB_SIZE
    .globl  \name
\name:
    exc_vector = 0
    .rept   \count
    .org    \name + exc_vector * EXC_STUB_SIZE  /* fails ("backwards") if a stub outgrew its slot */
    .if     ((VEC_ERRCODE_MASK >> exc_vector) & 1) == 0
    push    $0
    .endif
    push    $exc_vector
    jmp     \common
    exc_vector = exc_vector + 1
    .endr
.endm

#endif
