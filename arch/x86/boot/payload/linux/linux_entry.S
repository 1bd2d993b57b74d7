/*
 * The jump into a Linux kernel through its 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"): 64-bit mode,
 * paging on with everything the kernel touches identity-mapped, a GDT
 * whose selector __BOOT_CS (0x10) is flat 64-bit code and __BOOT_DS
 * (0x18) flat data, CS = __BOOT_CS, DS = ES = SS = __BOOT_DS, interrupts
 * off, %rsi = the zero page.  guest=svm enters the kernel with the same
 * state through a VMCB instead (svm_launch.cpp), with a copy of linux_gdt
 * in guest memory.  The kernel loads its own GDT, IDT and page
 * tables early; until then relboot's page tables and IDT stay in use
 * (they lie in relboot's image, which the e820 table marks reserved).
 *
 *   [[noreturn]] void linux_enter(uint64_t entry, uint64_t boot_params)
 *   %rdi = entry (physical = identity address), %rsi = boot_params
 */
#include <relboot/spec/linux.h>
#include <x86/segment.h>

    .section .text, "ax"
    .code64
    .globl  linux_enter
linux_enter:
    cli
    lgdt    linux_gdt_ptr(%rip)
    LOAD_DATA_SEGMENTS64 LINUX_BOOT_DS
    /* CS = __BOOT_CS by a far return; %rsi (the zero page) is untouched from here on. */
    pushq   $LINUX_BOOT_CS
    leaq    .Lboot_cs(%rip), %rax
    pushq   %rax
    lretq
.Lboot_cs:
    jmp     *%rdi

/*
 * The kernel's GDT (its own gdt has the same two descriptors).  In .data
 * and with the accessed bits set, so that loading the selectors writes
 * nothing.  Global: guest=svm copies it (linux_gdt_end - linux_gdt bytes).
 */
    .section .data, "aw"
    .balign 16
    .globl  linux_gdt, linux_gdt_end
linux_gdt:
    .quad   0
    .quad   0
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_CODE_RX, SEG_FLAG_G | SEG_FLAG_L)     /* LINUX_BOOT_CS */
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_DATA_RW, SEG_FLAG_G | SEG_FLAG_DB)    /* LINUX_BOOT_DS */
linux_gdt_end:
    .balign 8
linux_gdt_ptr:
    .word   linux_gdt_end - linux_gdt - 1
    .quad   linux_gdt
