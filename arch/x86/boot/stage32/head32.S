/*
 * The common 32-bit start: from a protocol's entry (protocol/*_entry.S)
 * to the C++ early stage.
 *
 * Each protocol's entry file checks its magic, stamps the TSC and jumps
 * here with: ESI = PROTOCOL_* (protocol.h), EBX = physical address of the
 * protocol's information structure, ECX = its size in bytes (0 when not
 * known), EDX:EDI = entry TSC.  32-bit protected mode, paging off, CS and
 * the data segments flat, interrupts off.  Nothing else is promised: not
 * ESP (it may point at memory that is not ours), not the GDT (it lies in
 * memory the loader does not reserve), not the IDT (base 0 on BIOS, the
 * firmware's 64-bit IDT on EFI: any fault before ours is loaded is a
 * triple fault).  So the order below is: find ourselves, check where we
 * and the information structure are, own stack, own GDT, own IDT, check
 * that nothing the structure points at lies in the image, and only then
 * zero .bss and run the C++ stage.
 *
 * Registers until the stack exists: ESI = protocol, EDX:EDI = entry TSC,
 * EBX = information structure, ECX = its size, EBP = load base.
 */
#include "layout.h"
#include <x86/segment.h>
#include <x86/idt.h>
#include "stage32/entry32.h"
#include "stage32/image32.h"
#include "boot32_syms.h"

    .section .text32, "ax"
    .code32

    .globl  start32
start32:
    /*
     * Find the load base from EIP.  call/pop needs one word of stack and
     * ESP is not ours: borrow the information structure's first word,
     * which lies in memory the loader gave us, and put it back at once.
     * This is the only word relboot writes outside its image.
     */
    movl    (%ebx), %eax
    leal    4(%ebx), %esp
    call    .Lhere
.Lhere:
    popl    %ebp
    movl    %eax, (%ebx)
    subl    $IMG_OFF(.Lhere), %ebp          /* EBP = load base: physical address of the first byte */

    /*
     * Before the first write: the image must end at or below 4 GiB, and the
     * information structure must lie outside it (.bss and the stacks are
     * written next and would destroy it).  Unsigned differences, so nothing
     * wraps: they overlap when info - base < image size or base - info <
     * info size.
     */
    movl    $__image_size, %eax
    addl    %ebp, %eax                      /* image end; carry with a non-zero */
    jnc     .Lbelow_4g                      /* result means past 4 GiB */
    testl   %eax, %eax
    jnz     early_above_4g
.Lbelow_4g:
    movl    %ebx, %eax
    subl    %ebp, %eax
    cmpl    $__image_size, %eax
    jb      early_mbi_overlap
    movl    %ebp, %eax
    subl    %ebx, %eax
    cmpl    %ecx, %eax
    jb      early_mbi_overlap

    /* Our own stack, inside the image (not zeroed: nothing reads a slot before writing it). */
    leal    REG_IMG(stack32_top, %ebp), %esp
    pushl   %edx                            /* EntryState.tsc_hi (entry32.h): its last fields first */
    pushl   %edi                            /* EntryState.tsc_lo */
    pushl   %esi                            /* EntryState.protocol */

    /*
     * Our own GDT.  Three values depend on the load base and are patched
     * first: the lgdt operand's base, the SEL_EXC32 base (the 32-bit
     * exception stubs) and, for BASE=fs, the SEL_IMAGE base and limit.
     */
    leal    REG_IMG(gdt, %ebp), %eax
    movl    %eax, REG_IMG(gdt32_ptr + 2, %ebp)
    leal    REG_IMG(exc32_stubs, %ebp), %eax
    leal    REG_IMG(gdt + SEL_EXC32, %ebp), %ecx
    call    set_descriptor_base
    IMAGE_SEGMENT_SETUP
    lgdtl   REG_IMG(gdt32_ptr, %ebp)

    /* Reload CS by a far return (ljmp would need an absolute target), then the data segments. */
    leal    REG_IMG(.Lflat_cs, %ebp), %eax
    pushl   $SEL_CODE32
    pushl   %eax
    lret
.Lflat_cs:
    movl    $SEL_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss                       /* offset(%ebp) operands use %ss: flat from here on */
    movl    %eax, %gs
    IMAGE_SEGMENT_LOAD                      /* %fs: SEL_IMAGE for BASE=fs, else SEL_DATA */

/*
 * From here on image data is named only through IMG()/IMG_LEA
 * (image32.h), the same text for both BASE variants.
 */
boot32_setup:
    /* Our own IDT: constant gates through SEL_EXC32 (exception32.S), only its address patched. */
    IMG_LEA idt32, %eax
    movl    %eax, IMG(idt32_ptr + 2)
    lidtl   IMG(idt32_ptr)

    /*
     * Before .bss is touched: nothing the information structure points at
     * may lie in the image (.bss zeroing and everything after write
     * there).  boot32_outside_image(protocol, info, base, image size)
     * (boot32.cpp, cdecl; reads only) returns when so, else prints one
     * error line on COM1 and halts.  The protocol is EntryState's slot
     * pushed first, at 12(%esp) once the other three are pushed.
     */
    pushl   $__image_size
    pushl   %ebp
    pushl   %ebx
    pushl   12(%esp)
    call    boot32_blob + BOOT32_boot32_outside_image
    addl    $16, %esp

    /*
     * Zero .bss, all of it.  rep stos writes through %es (flat) whatever
     * the variant, so %edi is the linear address.  The stacks and the
     * other never-zeroed data lie in .noinit, after .bss.
     */
    cld
    xorl    %eax, %eax
    IMG_LEA __bss_start, %edi
    movl    $__bss_dwords, %ecx             /* linker script */
    rep stosl

    /*
     * boot32_main(&entry_state) (boot32.cpp, cdecl) runs the protocol's
     * early step, parses the command line, checks the CPU and fixes the
     * page tables; it returns the EFER bits to set and does not return on
     * failure.  The EntryState (entry32.h) is completed on the stack: its
     * last three fields were pushed above.
     */
    pushl   %ebp                            /* EntryState.eip_base */
    pushl   %ebx                            /* EntryState.info */
    IMG_LEA boot_cmdline_spans, %eax
    pushl   %eax                            /* EntryState.spans */
    IMG_LEA image_layout, %eax
    pushl   %eax                            /* EntryState.layout */
    IMG_LEA boot_state, %eax
    pushl   %eax                            /* EntryState.boot_state */
    pushl   %esp                            /* its address: the argument */
    call    boot32_blob + BOOT32_boot32_main
    addl    $(4 + ENTRY_STATE_SIZE), %esp
    jmp     enter_long_mode

/*
 * set_descriptor_base: write EAX as the base of the descriptor at ECX
 * (a linear address).  Clobbers EAX.  Register-only: callable before
 * and after %fs exists.
 */
    .globl  set_descriptor_base
set_descriptor_base:
    movw    %ax, GDT_DESC_BASE_LOW(%ecx)
    shrl    $16, %eax
    movb    %al, GDT_DESC_BASE_MID(%ecx)
    movb    %ah, GDT_DESC_BASE_HIGH(%ecx)
    ret

/* The 32-bit C++ stage (boot32.cpp and what it uses), linked on its own; see the Makefile. */
    .balign 16
    .globl  boot32_blob
boot32_blob:
    .incbin BOOT32_BIN
    .size   boot32_blob, . - boot32_blob

/* 32-bit stack, in .noinit: never zeroed. */
    .section .noinit, "aw", @nobits
    .balign 16
stack32:
    .skip   STACK32_SIZE
    .globl  stack32_top
stack32_top:

#include "stage32/early_uart.h"
    .section .text32, "ax"
    .code32

/*
 * The MBI (EBX) overlaps the image (EBP): nothing may be written, so the
 * command line (and a debug-exit port in it) cannot be used.  Registers
 * only, then halt.
 */
early_mbi_overlap:
    movl    %ebx, %edi
    EARLY_UART_INIT
    EARLY_UART_PUTS "relboot:_error:_MBI_at_0x"
    movl    %edi, %esi
    EARLY_UART_HEX32
    EARLY_UART_PUTS "_overlaps_the_image_at_0x"
    movl    %ebp, %esi
    EARLY_UART_HEX32
    EARLY_UART_PUTS "_-_expected_the_loader_to_keep_them_apart_(halting:_the_command_line_lies_where_relboot_must_write)"
    EARLY_UART_PUTC_IMM '\r'
    EARLY_UART_PUTC_IMM '\n'
    jmp     early_halt

/* The image (EBP) runs past 4 GiB: the loader ignored max_addr.  Registers only, then halt. */
early_above_4g:
    EARLY_UART_INIT
    EARLY_UART_PUTS "relboot:_error:_image_at_0x"
    movl    %ebp, %esi
    EARLY_UART_HEX32
    EARLY_UART_PUTS "_does_not_end_below_4_GiB_-_expected_the_loader_to_honour_max_addr_(halting)"
    EARLY_UART_PUTC_IMM '\r'
    EARLY_UART_PUTC_IMM '\n'
    .globl  early_halt
early_halt:
    cli
    hlt
    jmp     early_halt

/* BASE=fs: the load base, for IMG_LEA (lea cannot see a segment base). */
    .section .data, "aw"
    .balign 4
    .globl  image_load_base
image_load_base:
    .long   0
