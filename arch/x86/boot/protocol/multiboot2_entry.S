/*
 * The multiboot2 entry: the image's ELF entry point (e_entry), where a
 * multiboot2 loader jumps with the i386 machine state (Multiboot2
 * Specification 2.0, 3.3): EAX = 0x36d76289, EBX = physical address of the
 * MBI (8-byte aligned), 32-bit protected mode, paging off, flat segments,
 * interrupts off.  It checks the magic and hands over to the common start
 * (head32.S) with the registers that file describes.
 */
#include "protocol/mbi_limits.h"
#include <relboot/spec/multiboot2.h>
#include "protocol/protocols.h"
#include "stage32/early_uart.h"

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
    jne     .Lbad_magic

    /*
     * The MBI's size, for the check that it lies outside the image: its
     * total_size (3.6.2).  A larger one than MBI_MAX_SIZE is refused by the
     * C++ stage's scan; here it counts as unknown (0).
     */
    movl    (%ebx), %ecx
    cmpl    $MBI_MAX_SIZE, %ecx
    jbe     1f
    xorl    %ecx, %ecx
1:  movl    $PROTOCOL_MULTIBOOT2, %esi
    jmp     start32

/*
 * Not entered by a multiboot2 loader (ESI = the EAX found).  Nothing is
 * known: not where the image is, not whether ESP points at memory, not
 * where a debug-exit port would be.  Say so on COM1 with registers only
 * and halt.
 */
.Lbad_magic:
    EARLY_BAD_MAGIC "relboot:_error:_not_entered_by_a_multiboot2_loader:_EAX=0x", "_but_the_multiboot2_specification_(3.3)_requires_0x36d76289"
