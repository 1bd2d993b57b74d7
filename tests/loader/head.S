/*
 * The test loader's multiboot1 header, entry and hand-over.
 *
 * QEMU's -kernel loads this ELF32 at its p_paddr (1 MiB), relboot's
 * image (-initrd) as module 0 right after it, and enters loader_start
 * as the Multiboot Specification 0.6.96, 3.2 says: 32-bit protected
 * mode, paging off, EAX = 0x2badb002, EBX = the multiboot1 information.
 * Like relboot, the loader trusts neither the GDT nor ESP it was given.
 */
#include "multiboot1.h"
#include "testloader.h"

/* 3.1.1: magic, flags, checksum; the ELF headers give the addresses (no a.out kludge). */
#define MB1_FLAGS (MULTIBOOT1_PAGE_ALIGN | MULTIBOOT1_MEMORY_INFO)
    .section .multiboot1, "a"
    .balign MULTIBOOT1_HEADER_ALIGN
    .globl  mb1_header
mb1_header:
    .long   MULTIBOOT1_HEADER_MAGIC
    .long   MB1_FLAGS
    .long   -(MULTIBOOT1_HEADER_MAGIC + MB1_FLAGS)

    .text
    .code32
    .globl  loader_start
loader_start:
    cli
    cld
    movl    %eax, %esi                      /* multiboot1 magic, checked in loader_main */

    /* Our own GDT, then CS by a far jump (the loader is linked where it runs), then the data segments. */
    lgdtl   gdt_ptr
    ljmpl   $LOADER_SEL_CODE, $.Lflat_cs
.Lflat_cs:
    movl    $LOADER_SEL_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %fs
    movl    %eax, %gs
    movl    %eax, %ss

    /* Zero .bss (the stack lies in it: nothing is pushed before), then our stack. */
    xorl    %eax, %eax
    movl    $__bss_start, %edi
    movl    $__bss_end, %ecx
    subl    %edi, %ecx
    rep stosb
    movl    $stack_top, %esp

    /* loader_main(magic, info) (loader.cpp, cdecl) never returns. */
    pushl   %ebx
    pushl   %esi
    call    loader_main
.Lhalt:
    cli
    hlt
    jmp     .Lhalt

/*
 * loader_enter(entry, eax, ebx) (cdecl): the multiboot2 hand-over
 * (Multiboot2 Specification 2.0, 3.3).  Still 32-bit protected mode with
 * paging off and CS flat from our GDT; reloads the flat data selectors,
 * clears EFLAGS (IF and VM off), sets EAX and EBX and jumps to entry.
 * ESP is left on our stack, which the specification does not promise.
 */
    .globl  loader_enter
loader_enter:
    cli
    movl    4(%esp), %ecx
    movl    8(%esp), %eax
    movl    12(%esp), %ebx
    movl    $LOADER_SEL_DATA, %edx
    movl    %edx, %ds
    movl    %edx, %es
    movl    %edx, %fs
    movl    %edx, %gs
    movl    %edx, %ss
    pushl   $0
    popfl
    xorl    %edx, %edx
    xorl    %esi, %esi
    xorl    %edi, %edi
    xorl    %ebp, %ebp
    jmp     *%ecx

/*
 * loader_enter64(entry, eax, ebx, cr3) (cdecl): the hand-over to the
 * multiboot2 EFI amd64 entry (Multiboot2 Specification 2.0, 3.4) as a
 * firmware that kept boot services would make it, less the firmware:
 * 64-bit mode on the identity map at cr3 (Intel SDM Vol. 3A, 10.8.5: PAE,
 * CR3, EFER.LME, then CR0.PG; a far jump to the 64-bit code segment),
 * interrupts off, RAX and RBX zero-extended, RSP on the loader's stack.
 * The MBI holds no EFI tags, so relboot calls no boot service.
 */
    .globl  loader_enter64
loader_enter64:
    cli
    movl    4(%esp), %esi                   /* entry */
    movl    8(%esp), %edi                   /* EAX to pass */
    movl    12(%esp), %ebx                  /* EBX to pass: the MBI */
    movl    16(%esp), %eax
    movl    %eax, %cr3
    movl    %cr4, %eax
    orl     $LOADER_CR4_PAE, %eax
    movl    %eax, %cr4
    movl    $LOADER_MSR_EFER, %ecx
    rdmsr
    orl     $LOADER_EFER_LME, %eax
    wrmsr
    movl    %cr0, %eax
    orl     $LOADER_CR0_PG, %eax
    movl    %eax, %cr0
    ljmpl   $LOADER_SEL_CODE64, $.Llong_mode
    .code64
.Llong_mode:
    movl    %esi, %esi                      /* writes to a 32-bit register clear bits 63..32 */
    movl    %edi, %eax
    movl    %ebx, %ebx
    movl    %esp, %esp
    jmp     *%rsi
    .code32

/*
 * Null, flat 4 GiB 32-bit code, flat 4 GiB data, 64-bit code (Intel SDM
 * Vol. 3A, 3.4.5 and 5.2.1): base 0, limit 0xfffff in 4 KiB units (flags G
 * and D/B: 0xc; G and L for 64-bit code: 0xa), access byte P, DPL 0, S and
 * type 0xb (code, execute/read, accessed) or 0x3 (data, read/write,
 * accessed).
 */
    .section .rodata
    .balign 8
gdt:
    .quad   0
    .quad   0x00cf9b000000ffff
    .quad   0x00cf93000000ffff
    .quad   0x00af9b000000ffff
gdt_end:
    .balign 4
    .word   0
gdt_ptr:
    .word   gdt_end - gdt - 1
    .long   gdt

    .section .bss
    .balign 16
    .skip   LOADER_STACK_SIZE
stack_top:
