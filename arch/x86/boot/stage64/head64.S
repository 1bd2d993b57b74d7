/*
 * The 64-bit entry in the higher half (the 64-bit IDT: idt64.S).  From
 * here on everything runs at its link-time virtual address.
 */
#include "layout.h"
#include <x86/idt.h>
#include <x86/segment.h>

    .section .text, "ax"
    .code64

    .globl  relboot_entry64
relboot_entry64:
    /* Hand-off stamp: the first instruction of the 64-bit stage (docs/report.md, tsc entry_to_handoff). */
    rdtsc
    shlq    $32, %rdx
    orq     %rdx, %rax
    movq    %rax, %rsi

    leaq    stack64_top(%rip), %rsp
    lgdt    gdt64_ptr(%rip)             /* GDTR and IDTR at the tables' higher-half addresses */
    lidt    idt64_ptr(%rip)             /* (longmode.S loaded the IDT by its identity address) */
    LOAD_DATA_SEGMENTS64 SEL_DATA

    /* The BSP's TSS (slot 0) and with it its exception stacks: before anything can fault (idt64.S). */
    movq    %rsi, %rbx                  /* the stamp, across the call (callee-saved) */
    xorl    %edi, %edi
    call    cpu_local_load
    movq    %rbx, %rsi

    /* relboot_main64(&boot_state, tsc_handoff) (main64.cpp) does not return. */
    leaq    boot_state(%rip), %rdi
    call    relboot_main64
    ud2

/* Stacks: in .noinit, never zeroed (nothing reads a slot before writing it). */
    .section .noinit, "aw", @nobits
    .balign 16
    .skip   STACK64_SIZE
    .globl  stack64_top
stack64_top:
