/*
 * The switch to long mode (Intel SDM Vol. 3A, 10.8.5 "Initializing
 * IA-32e Mode") and the jump to the higher half.
 *
 * In:  EAX = EFER bits to set (EFER_LME, and EFER_NXE when NX is used),
 *      from boot32_main(); page tables already relocated.
 * The code runs at its physical address, which the identity map keeps
 * valid once paging is on.
 */
#include "layout.h"
#include <x86/cr.h>
#include <x86/idt.h>
#include <x86/segment.h>
#include "stage32/image32.h"

    .section .text32, "ax"
    .code32

    .globl  enter_long_mode
enter_long_mode:
    movl    %eax, %esi

    /*
     * CR4: PAE, and MCE as the firmware left it (cleared, a machine check
     * would shut the CPU down instead of reaching the #MC stub).  EFI may
     * leave other bits set that relboot does not want: they go.
     */
    movl    %cr4, %eax
    andl    $CR4_MCE, %eax
    orl     $CR4_PAE, %eax
    movl    %eax, %cr4

    /* CR3: the relocated PML4. */
    IMG_LEA pml4, %eax
    movl    %eax, %cr3

    /* EFER: LME, NXE as decided (EFI may leave NXE set: clear it unless wanted). */
    movl    $MSR_IA32_EFER, %ecx
    rdmsr
    andl    $~(EFER_LME | EFER_NXE), %eax
    orl     %esi, %eax
    wrmsr

    /*
     * The 64-bit IDT before paging goes on: once long mode is active the
     * CPU reads 16-byte gates, and the 32-bit IDT would turn any fault
     * into a triple fault.  From 32-bit mode lidt loads a 32-bit base, so
     * this one names the table by its physical address (reached through
     * the identity map); its gates point at the higher-half stubs
     * (idt64.S).  Set
     * last, so the only instruction that runs with it in 32-bit mode is
     * the mov to CR0.
     */
    IMG_LEA idt64, %eax
    movl    %eax, IMG(idt64_ptr32 + 2)
    lidtl   IMG(idt64_ptr32)

    /* CR0: paging on, write protection for CPL 0 too, caches on.  Long mode is now active. */
    movl    $(CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG), %eax
    movl    %eax, %cr0

    /* Far return into the 64-bit code segment (compatibility mode until then). */
    IMG_LEA .Lentry64_identity, %eax
    pushl   $SEL_CODE64
    pushl   %eax
    lret

    .code64
.Lentry64_identity:
    movabsq $relboot_entry64, %rax
    jmp     *%rax
