/*
 * The AP start-up trampoline and the APs' 64-bit entry into the image
 * (arch/x86/boot/smp/trampoline.h has the scheme; Intel SDM Vol. 3A, 9.4.4
 * "MP Initialization Example" and 10.8.5 "Initializing IA-32e Mode").
 *
 * trampoline_start..trampoline_end is a blob, assembled as if at address
 * 0, that the BSP copies to a page below 1 MiB.  An AP enters it in real
 * mode at CS = page >> 4, IP = 0, with interrupts off.  It uses no stack
 * until it has its own.  The blob is AP start-up only: nothing here is
 * kept for later (no S3 wake-up path) or shared with real-mode BIOS calls.
 */
#include "layout.h"
#include "smp/trampoline.h"
#include <x86/cr.h>
#include <x86/segment.h>

/* Offset of sym in the blob: what it is at run time after adding %ebp (the page). */
#define TOFF(sym)   sym - trampoline_start

/* Lists the 32-bit word at site as one that needs the page's address added. */
.macro TRAMPOLINE_REL site
    .pushsection .rodata.trampoline_rel, "a"
    .long   TOFF(\site)
    .popsection
.endm

    .section .rodata.trampoline_rel, "a"
    .balign 4
    .globl  trampoline_rel_start
trampoline_rel_start:

    .section .rodata.trampoline, "a"
    .globl  trampoline_start
trampoline_start:
    .code16
    /* Real mode: %ebp = the page's address; DS = CS reaches the blob. */
    cli
    cld
    movw    %cs, %ax
    movw    %ax, %ds
    movzwl  %ax, %ebp
    shll    $4, %ebp

    /* Protected mode through the blob's GDT; CR0 also clears CD and NW, which INIT set. */
    lgdtl   TOFF(tramp_gdtr)
    movl    $(CR0_PE | CR0_ET | CR0_NE), %eax
    movl    %eax, %cr0
    .byte   0x66, 0xea                  /* ljmpl $SEL_CODE32, $tramp32 */
.Ljmp32:
    .long   TOFF(tramp32)
    .word   SEL_CODE32
    TRAMPOLINE_REL .Ljmp32

    .code32
tramp32:
    LOAD_DATA_SEGMENTS32 SEL_DATA

    /* Long mode as the BSP entered it (longmode.S): PAE, relboot's PML4, EFER, then paging. */
    movl    $CR4_PAE, %eax
    movl    %eax, %cr4
    movl    TOFF(tramp_header) + TRAMP_CR3(%ebp), %eax
    movl    %eax, %cr3
    movl    $MSR_IA32_EFER, %ecx
    rdmsr
    orl     TOFF(tramp_header) + TRAMP_EFER(%ebp), %eax
    wrmsr
    movl    $(CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG), %eax
    movl    %eax, %cr0
    .byte   0xea                        /* ljmpl $SEL_CODE64, $tramp64 */
.Ljmp64:
    .long   TOFF(tramp64)
    .word   SEL_CODE64
    TRAMPOLINE_REL .Ljmp64

    .code64
tramp64:
    /* The upper halves of the registers are undefined after the switch: zero-extend the page. */
    movl    %ebp, %ebp

    /* A ticket numbers this AP's stack; the BSP made enough of them, any later AP halts. */
    movl    $1, %edi
    lock xaddl %edi, TOFF(tramp_header) + TRAMP_TICKET(%rbp)
    cmpl    TOFF(tramp_header) + TRAMP_TICKETS_MAX(%rbp), %edi
    jae     .Lno_stack
    leal    1(%edi), %eax
    imull   $AP_STACK_SIZE, %eax
    movq    TOFF(tramp_header) + TRAMP_STACKS(%rbp), %rsp
    addq    %rax, %rsp

    /* ap_entry64(ticket in %edi) in the image, at its higher-half address. */
    movq    TOFF(tramp_header) + TRAMP_ENTRY64(%rbp), %rax
    jmp     *%rax

.Lno_stack:
    hlt
    jmp     .Lno_stack

    /* The blob's GDT: relboot's first four selectors, so they stay valid in the image's GDT. */
    .balign 8
tramp_gdt:
    .quad   0                                                                   /* SEL_NULL */
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_CODE_RX, SEG_FLAG_G | SEG_FLAG_DB)   /* SEL_CODE32 */
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_DATA_RW, SEG_FLAG_G | SEG_FLAG_DB)   /* SEL_DATA */
    .quad   GDT_DESC(0, 0, SEG_ACCESS_CODE_RX, SEG_FLAG_L)                        /* SEL_CODE64 */
tramp_gdt_end:
    .if (tramp_gdt_end - tramp_gdt) != (SEL_CODE64 + 8)
    .error "the trampoline's GDT must hold relboot's selectors up to SEL_CODE64"
    .endif

    .balign 8
    .word   0                           /* aligns the base */
tramp_gdtr:
    .word   tramp_gdt_end - tramp_gdt - 1
.Lgdt_base:
    .long   TOFF(tramp_gdt)
    TRAMPOLINE_REL .Lgdt_base

    /* Filled by the BSP (TrampolineHeader). */
    .balign 8
    .globl  trampoline_header
trampoline_header:
tramp_header:
    .skip   TRAMP_HEADER_SIZE

    .globl  trampoline_end
trampoline_end:
    /* linker/relboot.ld.S asserts that the blob fits TRAMPOLINE_SIZE. */

    .section .rodata.trampoline_rel, "a"
    .globl  trampoline_rel_end
trampoline_rel_end:

/*
 * ap_entry64: an AP's first instruction in the image.  In: %edi = its
 * ticket, %rsp = the top of its stack (identity-mapped), relboot's page
 * tables.  Loads relboot's GDT and IDT (higher-half addresses, as
 * head64.S), reloads CS and the data segments from them, and calls
 * ap_main(ticket) (smp.cpp), which does not return.
 */
    .section .text, "ax"
    .code64
    .globl  ap_entry64
ap_entry64:
    lgdt    gdt64_ptr(%rip)
    lidt    idt64_ptr(%rip)
    pushq   $SEL_CODE64
    leaq    .Lreloaded(%rip), %rax
    pushq   %rax
    lretq
.Lreloaded:
    LOAD_DATA_SEGMENTS64 SEL_DATA
    call    ap_main
    ud2
