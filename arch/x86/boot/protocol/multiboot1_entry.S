/*
 * The multiboot1 entry (the header's entry_addr), where a multiboot1
 * loader jumps with the machine state of Multiboot Specification 0.6.96,
 * 3.2: EAX = 0x2badb002, EBX = physical address of the boot information,
 * 32-bit protected mode, paging off, flat segments, interrupts off.  It
 * checks the magic and hands over to the common start (head32.S).
 */
#include <relboot/spec/multiboot1.h>
#include "protocol/protocols.h"
#include "stage32/early_uart.h"

    .section .text32, "ax"
    .code32

    .globl  relboot_entry_multiboot1
relboot_entry_multiboot1:
    /* Entry stamp: RDTSC overwrites EDX:EAX, so keep the loader's magic first. */
    movl    %eax, %esi
    rdtsc
    movl    %eax, %edi

    /* Only a multiboot1 loader may come here; without its magic, EBX means nothing. */
    cmpl    $MULTIBOOT1_BOOTLOADER_MAGIC, %esi
    jne     .Lbad_magic

    /* The boot information has a fixed size (3.3); what it points at is checked by the C++ stage. */
    movl    $MULTIBOOT1_INFO_SIZE, %ecx
    movl    $PROTOCOL_MULTIBOOT1, %esi
    jmp     start32

/* Not entered by a multiboot1 loader (ESI = the EAX found): registers only, then halt. */
.Lbad_magic:
    EARLY_BAD_MAGIC "relboot:_error:_not_entered_by_a_multiboot1_loader:_EAX=0x", "_expected_0x2badb002_(multiboot_3.2)"
