/*
 * Register-only output on COM1 for the paths that may not touch memory:
 * no multiboot2 magic (EBX and ESP mean nothing, the base cannot be
 * found), an image past 4 GiB, an MBI inside the image.  Everything here
 * uses immediates and port I/O only.  Constants: arch/x86/boot/lib/uart16550.h.
 */
#ifndef RELBOOT_EARLY_UART_H
#define RELBOOT_EARLY_UART_H

#include "lib/uart16550.h"

/* COM1 to 115200 8n1, FIFOs on, interrupts off.  Clobbers EAX, EDX. */
.macro EARLY_UART_INIT
    EARLY_UART_OUT UART_IER, 0
    EARLY_UART_OUT UART_LCR, UART_LCR_DLAB
    EARLY_UART_OUT UART_DLL, (UART_CLOCK_BAUD / UART_DEFAULT_BAUD)
    EARLY_UART_OUT UART_DLM, 0
    EARLY_UART_OUT UART_LCR, UART_LCR_8N1
    EARLY_UART_OUT UART_FCR, UART_FCR_ENABLE
    EARLY_UART_OUT UART_MCR, UART_MCR_DTR_RTS
.endm
.macro EARLY_UART_OUT reg, val
    movw    $(UART_COM1_PORT + \reg), %dx
    movb    $\val, %al
    outb    %al, %dx
.endm

/* Writes AL.  Waits for THRE (a missing UART reads 0xff: no endless wait).  Clobbers AX, DX. */
.macro EARLY_UART_PUTC
    movb    %al, %ah
    movw    $(UART_COM1_PORT + UART_LSR), %dx
.Lthre\@:
    inb     %dx, %al
    testb   $UART_LSR_THRE, %al
    jz      .Lthre\@
    movw    $(UART_COM1_PORT + UART_THR), %dx
    movb    %ah, %al
    outb    %al, %dx
.endm

.macro EARLY_UART_PUTC_IMM ch
    movb    $\ch, %al
    EARLY_UART_PUTC
.endm

/*
 * Writes the characters of str, '_' as a space (.irpc splits at spaces).
 * The message may not hold ',' or ';'.
 */
.macro EARLY_UART_PUTS str
    .irpc   c, \str
    EARLY_UART_PUTC_SPACED "'\c"
    .endr
.endm
.macro EARLY_UART_PUTC_SPACED ch
    early_uart_char = \ch
    .if early_uart_char == '_'
    early_uart_char = ' '
    .endif
    EARLY_UART_PUTC_IMM early_uart_char
.endm

/* Writes ESI as 8 lower-case hex digits.  Clobbers EAX, ECX, EDX; ESI is rotated back. */
.macro EARLY_UART_HEX32
    movl    $8, %ecx
.Lhex\@:
    roll    $4, %esi
    movl    %esi, %eax
    andb    $0xf, %al
    cmpb    $10, %al
    jb      .Ldigit\@
    addb    $('a' - '0' - 10), %al
.Ldigit\@:
    addb    $'0', %al
    EARLY_UART_PUTC
    loop    .Lhex\@
.endm

/*
 * An entry reached without its protocol's magic (ESI = the value found):
 * nothing is known, not where the image is nor whether ESP points at
 * memory, so one line from registers only ("<before>0x<ESI><after>"),
 * then halt.
 */
.macro EARLY_BAD_MAGIC before, after
    EARLY_UART_INIT
    EARLY_UART_PUTS "\before"
    EARLY_UART_HEX32
    EARLY_UART_PUTS "\after"
    EARLY_UART_PUTC_IMM '\r'
    EARLY_UART_PUTC_IMM '\n'
    jmp     early_halt
.endm

#endif
