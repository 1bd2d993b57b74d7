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
 * Null, flat 4 GiB 32-bit code, flat 4 GiB data (Intel SDM Vol. 3A, 3.4.5):
 * base 0, limit 0xfffff in 4 KiB units (flags G and D/B: 0xc), access byte
 * P, DPL 0, S and type 0xb (code, execute/read, accessed) or 0x3 (data,
 * read/write, accessed).
 */
    .section .rodata
    .balign 8
gdt:
    .quad   0
    .quad   0x00cf9b000000ffff
    .quad   0x00cf93000000ffff
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
