/*
 * The PVH entry and the Xen ELF notes that name it (xen/include/public/
 * elfnote.h; docs/misc/pvh.pandoc).
 *
 * A PVH loader (Xen, QEMU's -kernel without a multiboot1 header,
 * Firecracker, cloud-hypervisor) finds XEN_ELFNOTE_PHYS32_ENTRY in the
 * PT_NOTE segment and jumps there in 32-bit protected mode, paging off,
 * flat CS/DS/ES/SS, interrupts off, with EBX = physical address of
 * struct hvm_start_info (magic 0x336ec578).  The entry checks the magic
 * and hands over to the common start (head32.S).  PVH loaders load at
 * p_paddr: no relocation, the image runs at its link address.
 */
#include "protocol/protocols.h"
#include <relboot/spec/pvh.h>
#include "stage32/early_uart.h"

#ifndef RELBOOT_VERSION
#error "RELBOOT_VERSION comes from the Makefile (git describe)"
#endif

/*
 * One ELF note named "Xen": namesz, descsz, type, the name and the
 * descriptor, each padded to 4 bytes (the PT_NOTE segment's alignment,
 * which QEMU pads to: keep it at 4, linker script).
 */
.macro XEN_ELFNOTE type, desc:vararg
    .balign 4
    .long   2f - 1f                 /* namesz */
    .long   4f - 3f                 /* descsz */
    .long   \type                   /* type */
1:  .asciz  "Xen"                   /* name */
2:  .balign 4
3:  \desc                           /* desc */
4:  .balign 4
.endm

    .section .note.Xen, "a"
    .balign 4
    XEN_ELFNOTE XEN_ELFNOTE_GUEST_OS, .asciz "relboot"
    XEN_ELFNOTE XEN_ELFNOTE_GUEST_VERSION, .asciz RELBOOT_VERSION
    XEN_ELFNOTE XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0"
    XEN_ELFNOTE XEN_ELFNOTE_LOADER, .asciz "generic"
    /* 8 bytes, as Linux on x86-64 (QEMU reads a size_t from an ELF64); the linker script gives the address. */
    XEN_ELFNOTE XEN_ELFNOTE_PHYS32_ENTRY, .quad pvh_entry_addr

    .section .text32, "ax"
    .code32

    .globl  relboot_entry_pvh
relboot_entry_pvh:
    /* Entry stamp; EAX is undefined at the PVH entry. */
    rdtsc
    movl    %eax, %edi

    /* Only a PVH loader may come here; paging is off, so reading (%ebx) cannot fault. */
    movl    (%ebx), %esi
    cmpl    $XEN_HVM_START_MAGIC_VALUE, %esi
    jne     .Lbad_magic

    /* The start info has a fixed size (version 1); what it points at is checked by the C++ stage. */
    movl    $HVM_START_INFO_SIZE, %ecx
    movl    $PROTOCOL_PVH, %esi
    jmp     start32

/* No start info at EBX (ESI = the word found there): registers only, then halt. */
.Lbad_magic:
    EARLY_BAD_MAGIC "relboot:_error:_PVH_entry:_start_info_magic=0x", "_at_EBX_expected_0x336ec578"
