/*
 * The code a guest's INIT/SIPI starts on another CPU (issue 22's escape):
 * copied by ap_install() to AP_PAGE, it runs from CS = AP_VECTOR << 8,
 * IP = 0 in real mode (SDM vol. 3A, 9.4.4.1) and
 *
 *   1. switches to flat 32-bit protected mode (its own GDT, no paging);
 *   2. takes a lock, so that CPUs started together print one at a time;
 *   3. says who runs it: "hostile-ap: apic=0x<2> svm=<0|1> vmx=<0|1>":
 *      the APIC ID (CPUID 1 EBX 31:24) and whether CPUID shows SVM
 *      (Fn8000_0001 ECX bit 2) and VMX (CPUID 1 ECX bit 5): a vCPU of
 *      relboot's sees neither (svm=0 vmx=0); a CPU outside SVM or VMX
 *      does (svm=1 under -cpu max or EPYC, vmx=1 on Bochs's Intel
 *      models); a probe (ap_set_attack(0))
 *      ends the line and goes to step 5; an attack adds " reading 0x<16>"
 *      (the scan base) and
 *   4. attacks relboot: it reads relboot's memory from the scan base on
 *      (the e820 entry around boot_params, set by ap_install) for
 *      relboot's string "guest hypercall rax=" and overwrites it
 *      with "AP-WROTE-HOST-MEM!!!" (the same length), so relboot itself prints
 *      the marker in its next hello line; without the string it writes
 *      the marker's first 4 bytes at the scan base.  Then it prints
 *      "hostile-ap: AP-WROTE-HOST-MEM at 0x<16>".
 *   5. counts itself in ap_done, drops the lock and halts.
 *
 * Under a relboot that isolates its guest, step 4's first read is a
 * nested page fault at the scan base; natively (a CPU the guest reset
 * and started outside SVM) every step succeeds.  The code only uses
 * CPUID, port I/O and memory: no APIC access (relboot decodes 64-bit
 * APIC accesses only).  Position-independent within its page: only
 * relative calls and jumps, and AP_ADDR() for data.
 */
#include "guest.h"
#include <x86/segment.h>

/* A label's address once the code is copied to AP_PAGE, and its offset in the page (real mode, DS = CS). */
#define AP_ADDR(label)  (AP_PAGE + (label) - ap_start)
#define AP_OFF(label)   ((label) - ap_start)
/* relboot's string the attack looks for, and the marker it writes over it: both 20 bytes. */
#define NEEDLE_LEN      20

    .text
    .balign 16
    .globl  ap_start, ap_end
ap_start:
    .code16
    cli
    cld
    movw    %cs, %ax
    movw    %ax, %ds
    lgdtl   AP_OFF(ap_gdtr)
    movl    %cr0, %eax
    orl     $CR0_PE, %eax
    movl    %eax, %cr0
    ljmpl   $AP_CS32, $AP_ADDR(ap_protected)

    .code32
ap_protected:
    movl    $AP_DS32, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    /* One CPU at a time from here (no stack needed to wait). */
1:  lock btsl $0, AP_ADDR(ap_lock)
    jnc     2f
    pause
    jmp     1b
2:  movl    $AP_PAGE + 4096, %esp

    /* Who runs this: the APIC ID in %ebp, SVM seen or not in %edi. */
    movl    $CPUID_LEAF_FEATURES, %eax
    cpuid
    shrl    $CPUID_1_EBX_APIC_ID_SHIFT, %ebx
    movl    %ebx, %ebp
    movl    $CPUID_LEAF_EXT_FEATURES, %eax
    cpuid
    xorl    %edi, %edi
    testl   $CPUID_80000001_ECX_SVM, %ecx
    setnz   %al
    movzbl  %al, %edi
    movl    $CPUID_LEAF_FEATURES, %eax
    cpuid
    shrl    $GUEST_CPUID_1_ECX_VMX_BIT, %ecx
    andl    $1, %ecx
    movl    %ecx, AP_ADDR(ap_vmx)
    movl    AP_ADDR(ap_scan_base), %ebx
    movl    $AP_ADDR(ap_msg_apic), %esi
    call    ap_puts
    movl    %ebp, %eax
    movl    $2, %ecx
    call    ap_hex
    movl    $AP_ADDR(ap_msg_svm), %esi
    call    ap_puts
    movl    %edi, %eax
    movl    $1, %ecx
    call    ap_hex
    movl    $AP_ADDR(ap_msg_vmx), %esi
    call    ap_puts
    movl    AP_ADDR(ap_vmx), %eax
    movl    $1, %ecx
    call    ap_hex
    cmpl    $0, AP_ADDR(ap_attack)
    jne     .Lattack
    movl    $AP_ADDR(ap_msg_nl), %esi
    call    ap_puts
    jmp     .Ldone
.Lattack:
    movl    $AP_ADDR(ap_msg_reading), %esi
    call    ap_puts
    movl    %ebx, %eax
    movl    $8, %ecx
    call    ap_hex
    movl    $AP_ADDR(ap_msg_nl), %esi
    call    ap_puts

    /* The attack: find relboot's string (the first 4 bytes, then all 20) from the scan base on. */
    movl    AP_ADDR(ap_scan_end), %edx
    subl    $NEEDLE_LEN, %edx
    movl    AP_ADDR(ap_needle), %eax
.Lscan:
    cmpl    %edx, %ebx
    ja      .Lnot_found
    cmpl    %eax, (%ebx)
    je      .Lcompare
.Lnext:
    incl    %ebx
    jmp     .Lscan
.Lcompare:
    movl    %ebx, %esi
    movl    $AP_ADDR(ap_needle), %edi
    movl    $NEEDLE_LEN, %ecx
    repe cmpsb
    jne     .Lnext
    movl    %ebx, %edi
    movl    $AP_ADDR(ap_marker), %esi
    movl    $NEEDLE_LEN, %ecx
    rep movsb
    jmp     .Lwrote
.Lnot_found:
    movl    AP_ADDR(ap_scan_base), %ebx
    movl    AP_ADDR(ap_marker), %eax
    movl    %eax, (%ebx)
.Lwrote:
    movl    $AP_ADDR(ap_msg_wrote), %esi
    call    ap_puts
    movl    %ebx, %eax
    movl    $8, %ecx
    call    ap_hex
    movl    $AP_ADDR(ap_msg_nl), %esi
    call    ap_puts

.Ldone:
    lock incl AP_ADDR(ap_done)
    movl    $0, AP_ADDR(ap_lock)
3:  cli
    hlt
    jmp     3b

/* ap_putc(%al): COM1, polled.  Keeps every register. */
ap_putc:
    pushl   %edx
    pushl   %eax
    movl    $COM1_PORT + UART_LSR, %edx
1:  inb     %dx, %al
    testb   $UART_LSR_THRE, %al
    jz      1b
    popl    %eax
    movl    $COM1_PORT, %edx
    outb    %al, %dx
    popl    %edx
    ret

/* ap_puts(%esi): a NUL-terminated string.  Clobbers %esi. */
ap_puts:
    pushl   %eax
1:  lodsb
    testb   %al, %al
    jz      2f
    call    ap_putc
    jmp     1b
2:  popl    %eax
    ret

/* ap_hex(%eax value, %ecx digits 1-8): the low digits, lower case, no "0x".  Clobbers %eax, %ecx. */
ap_hex:
    pushl   %edx
    movl    %eax, %edx
1:  decl    %ecx
    pushl   %ecx
    shll    $2, %ecx
    movl    %edx, %eax
    shrl    %cl, %eax
    andl    $0xf, %eax
    movb    AP_ADDR(ap_hex_digits)(%eax), %al
    call    ap_putc
    popl    %ecx
    testl   %ecx, %ecx
    jnz     1b
    popl    %edx
    ret

    .balign 8
ap_gdt:
    .quad   0
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_CODE_RX, SEG_FLAG_G | SEG_FLAG_DB)    /* AP_CS32 */
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_DATA_RW, SEG_FLAG_G | SEG_FLAG_DB)    /* AP_DS32 */
ap_gdtr:
    .word   3 * 8 - 1
    .long   AP_ADDR(ap_gdt)
    .balign 4
ap_lock:
    .long   0
ap_done:
    .long   0
ap_scan_base:
    .long   0
ap_scan_end:
    .long   0
ap_attack:
    .long   0
ap_vmx:
    .long   0
ap_needle:
    .ascii  "guest hypercall rax="
ap_marker:
    .ascii  "AP-WROTE-HOST-MEM!!!"
ap_hex_digits:
    .ascii  "0123456789abcdef"
ap_msg_apic:
    .asciz  "hostile-ap: apic=0x"
ap_msg_svm:
    .asciz  " svm="
ap_msg_vmx:
    .asciz  " vmx="
ap_msg_reading:
    .asciz  " reading 0x00000000"
ap_msg_wrote:
    .asciz  "hostile-ap: AP-WROTE-HOST-MEM at 0x00000000"
ap_msg_nl:
    .asciz  "\r\n"
ap_end:

/* The 64-bit side, run by the guest's own CPU. */
    .code64

/*
 * ap_install(%rdi scan base, %rsi scan end): copies the code above to
 * AP_PAGE (guest RAM below 1 MiB), with the range its attack reads
 * (below 4 GiB: it runs without paging), armed for the attack, and
 * clears the lock and the count of CPUs that ran it.
 */
    .globl  ap_install
ap_install:
    movq    %rdi, %r8
    movq    %rsi, %r9
    leaq    ap_start(%rip), %rsi
    movl    $AP_PAGE, %edi
    movl    $ap_end - ap_start, %ecx
    rep movsb
    movl    %r8d, AP_ADDR(ap_scan_base)
    movl    %r9d, AP_ADDR(ap_scan_end)
    movl    $1, AP_ADDR(ap_attack)
    movl    $0, AP_ADDR(ap_done)
    movl    $0, AP_ADDR(ap_lock)
    ret

/* ap_set_attack(%edi 1: attack, 0: probe): what the next CPU started at AP_PAGE does after its first line. */
    .globl  ap_set_attack
ap_set_attack:
    movl    %edi, AP_ADDR(ap_attack)
    ret

/* ap_done_address() -> %rax: the u32 that counts the CPUs that ran the code to its end. */
    .globl  ap_done_address
ap_done_address:
    movl    $AP_ADDR(ap_done), %eax
    ret
