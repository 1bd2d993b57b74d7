/*
 * Virtualization instructions from the guest (tests/svm/virt.test,
 * tests/bochs/vmx-guests.test): each instruction of VMX and of SVM once,
 * with the #UD handler armed (lib.S, ud_resume), one line each:
 *
 *   hostile-virt: <instruction> ud=<0|1>
 *
 * then "hostile-virt: #UD taken <n>", the hello hypercall, "hostile:
 * done", exit 33.  A guest of relboot's sees neither extension: every
 * one must give #UD, as on a CPU without it.  Under guest=vmx the VMX
 * instructions exit to relboot, which injects #UD, and SVM's are #UD on
 * an Intel CPU; under guest=svm the SVM instructions are intercepted and
 * get #UD, and VMX's are #UD on an AMD CPU.  VMCALL and VMMCALL go with
 * RAX = 0, which is not the hello hypercall: #UD too.  GETSEC (SMX) is
 * #UD while CR4.SMXE is clear.
 */
#include "guest.h"

/*
 * PROBE name, instruction: arms the #UD handler at the next label, runs
 * the instruction once with RAX = RCX = 0 and RBX = a scratch buffer (the
 * memory operand), disarms, and prints the line.  Clobbers %r12.
 */
.macro PROBE name:req, insn:vararg
    movq    ud_count(%rip), %r12
    leaq    .Lafter\@(%rip), %rax
    movq    %rax, ud_resume(%rip)
    leaq    scratch(%rip), %rbx
    xorl    %eax, %eax
    xorl    %ecx, %ecx
    \insn
.Lafter\@:
    movq    $0, ud_resume(%rip)
    PRINT   "hostile-virt: \name ud="
    movq    ud_count(%rip), %rax
    subq    %r12, %rax
    PRINT_DEC %rax
    PRINT_NL
.endm

    .text
    .globl  guest_main
guest_main:
    PROBE   vmxon, vmxon (%rbx)
    PROBE   vmclear, vmclear (%rbx)
    PROBE   vmptrld, vmptrld (%rbx)
    PROBE   vmptrst, vmptrst (%rbx)
    PROBE   vmread, vmread %rax, %rcx
    PROBE   vmwrite, vmwrite %rcx, %rax
    PROBE   vmlaunch, vmlaunch
    PROBE   vmresume, vmresume
    PROBE   vmxoff, vmxoff
    PROBE   invept, invept (%rbx), %rax
    PROBE   invvpid, invvpid (%rbx), %rax
    PROBE   vmfunc, vmfunc
    PROBE   vmcall, vmcall
    PROBE   getsec, getsec
    PROBE   vmrun, vmrun
    PROBE   vmload, vmload
    PROBE   vmsave, vmsave
    PROBE   stgi, stgi
    PROBE   clgi, clgi
    PROBE   skinit, skinit
    PROBE   vmmcall, vmmcall
    PRINT   "hostile-virt: #UD taken "
    PRINT_DEC ud_count(%rip)
    PRINT_NL
    call    guest_hello
    PRINT   "hostile: done"
    PRINT_NL
    movl    $GUEST_EXIT_PASS, %edi
    jmp     guest_exit

    .bss
    .balign 16
scratch:
    .skip   64
