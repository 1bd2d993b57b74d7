/*
 * The 32-bit entry: from the loader's hand-over to the C++ early stage.
 *
 * State at entry (Multiboot2 Specification 3.3): 32-bit protected mode,
 * paging off, EAX = 0x36d76289, EBX = physical address of the MBI, CS and
 * the data segments flat, interrupts off.  Nothing else is promised:
 * not ESP (it may point at memory that is not ours), not the GDT (it lies
 * in memory GRUB does not reserve), not the IDT (base 0 on BIOS, the
 * firmware's 64-bit IDT on EFI: any fault before ours is loaded is a
 * triple fault).  So the order below is: save, check, find ourselves,
 * check where we and the MBI are, own stack, own GDT, own IDT, and only
 * then anything that could fault.
 *
 * Registers until the stack exists: ESI = magic, EDX:EDI = entry TSC,
 * EBX = MBI, EBP = load base.
 */
#include <relboot/layout.h>
#include <relboot/multiboot2.h>
#include <relboot/mbi_limits.h>
#include <relboot/x86/segment.h>
#include <relboot/x86/idt.h>
#include "image32.h"
#include "boot32_syms.h"

    .section .text32, "ax"
    .code32

    .globl  relboot_entry32
relboot_entry32:
    /* Entry stamp: RDTSC overwrites EDX:EAX, so keep the loader's magic first. */
    movl    %eax, %esi
    rdtsc
    movl    %eax, %edi

    /* Only a multiboot2 loader may come here; without its magic, EBX means nothing. */
    cmpl    $MULTIBOOT2_BOOTLOADER_MAGIC, %esi
    jne     early_bad_magic

    /*
     * Find the load base from EIP.  call/pop needs one word of stack and
     * ESP is not ours: borrow the MBI's first word (total_size), which
     * lies in memory the loader gave us, and put it back at once.  This
     * is the only word relboot writes outside its image.
     */
    movl    (%ebx), %ecx
    leal    4(%ebx), %esp
    call    .Lhere
.Lhere:
    popl    %ebp
    movl    %ecx, (%ebx)
    subl    $IMG_OFF(.Lhere), %ebp          /* EBP = load base: physical address of the first byte */

    /*
     * Before the first write: the image must end at or below 4 GiB, and the
     * MBI must lie outside it (.bss and the stacks are written next and
     * would destroy it).  Unsigned differences, so nothing wraps: they
     * overlap when mbi - base < image size or base - mbi < total_size.  An
     * MBI larger than MBI_MAX_SIZE is refused later anyway.
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
    movl    (%ebx), %ecx                    /* total_size */
    cmpl    $MBI_MAX_SIZE, %ecx
    ja      .Lmbi_apart
    movl    %ebp, %eax
    subl    %ebx, %eax
    cmpl    %ecx, %eax
    jb      early_mbi_overlap
.Lmbi_apart:

    /* Our own stack, inside the image (not zeroed: nothing reads a slot before writing it). */
    leal    REG_IMG(stack32_top, %ebp), %esp
    pushl   %edx                            /* entry TSC, high: argument of boot32_main */
    pushl   %edi                            /* entry TSC, low */

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
     * Zero .bss.  rep stos writes through %es (flat) whatever the variant,
     * so %edi is the linear address.  The stacks lie outside .bss.
     */
    cld
    xorl    %eax, %eax
    IMG_LEA __bss_start, %edi
    movl    $__bss_dwords, %ecx             /* linker script: up to boot_info's TSC stamps */
    rep stosl

    /*
     * boot32_main(boot_info, image_layout, mbi, eip_base, boot_cmdline_spans,
     * tsc_lo, tsc_hi) (boot32.cpp, cdecl) checks the MBI and the CPU,
     * parses the command line and fixes the page tables; it returns the
     * EFER bits to set and does not return on failure.  The entry TSC, its
     * last two arguments, was pushed first, above.
     */
    IMG_LEA boot_cmdline_spans, %eax
    pushl   %eax
    pushl   %ebp
    pushl   %ebx
    IMG_LEA image_layout, %eax
    pushl   %eax
    IMG_LEA boot_info, %eax
    pushl   %eax
    call    boot32_blob + BOOT32_boot32_main
    addl    $28, %esp
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

/*
 * Not entered by a multiboot2 loader (ESI = the EAX found).  Nothing is
 * known: not where the image is, not whether ESP points at memory, not
 * where a debug-exit port would be.  Say so on COM1 with registers only
 * and halt.
 */
#include "early_uart.h"
    .section .text32, "ax"
    .code32
early_bad_magic:
    EARLY_UART_INIT
    EARLY_UART_PUTS "relboot:_error:_not_entered_by_a_multiboot2_loader:_EAX=0x"
    EARLY_UART_HEX32
    EARLY_UART_PUTS "_but_the_multiboot2_specification_(3.3)_requires_0x36d76289"
    EARLY_UART_PUTC_IMM '\r'
    EARLY_UART_PUTC_IMM '\n'
    jmp     early_halt

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
