/*
 * What every hostile guest needs (64-bit mode, System V calling
 * convention: arguments in RDI, RSI, RDX; RAX, RCX, RDX, RSI, RDI and
 * R8-R11 are the callee's to clobber; RBX, RBP, R12-R15 are kept):
 *
 *   serial_putc(byte), serial_puts(string), serial_hex(value, digits),
 *   serial_dec(value), serial_nl()     COM1, polled (I/O passes through)
 *   idt_install()                      the guest's own IDT, vectors 0-31
 *   gp_count, nmi_count, ud_count      what the exception handler counted
 *   ud_resume                          where a #UD resumes (0: a #UD is unexpected)
 *   msr_read(msr) -> RAX value, RDX 1 if it raised #GP
 *   msr_write(msr, value) -> RAX 1 if it raised #GP
 *   guest_hello()                      relboot's hello hypercall
 *   guest_exit(code)                   isa-debug-exit, then halt
 *   delay_setup()                      the delays' scale ("hostile.slow-tsc")
 *   delay(ticks), wait_change(address, old, ticks) -> RAX the u32 there
 *   apic_self_id() -> RAX, apic_send(icr_low, destination)
 *   cmdline() -> RAX, cmdline_has(string) -> RAX 1 or 0
 *   relboot_range() -> RAX base, RDX end (0, 0: none)
 *
 * The exception handler: a #GP on RDMSR or WRMSR (0F 32, 0F 30) is
 * counted and the instruction skipped (its outputs are then what
 * msr_read zeroed: 0), an NMI is counted, a #UD while ud_resume is set
 * (the guest armed it before an instruction it expects to fault) is
 * counted in ud_count and resumes at ud_resume; any other exception prints
 * "hostile: unexpected exception vector=... error=... rip=..." and ends
 * the run with GUEST_EXIT_FAIL.
 */
#include "guest.h"

    .text
    .code64

/* serial_putc(%dil): waits for the transmitter, then sends the byte. */
    .globl  serial_putc
serial_putc:
    movl    $COM1_PORT + UART_LSR, %edx
1:  inb     %dx, %al
    testb   $UART_LSR_THRE, %al
    jz      1b
    movl    %edi, %eax
    movl    $COM1_PORT, %edx
    outb    %al, %dx
    ret

/* serial_puts(%rdi): a NUL-terminated string. */
    .globl  serial_puts
serial_puts:
    pushq   %rbx
    movq    %rdi, %rbx
1:  movzbl  (%rbx), %edi
    testl   %edi, %edi
    jz      2f
    call    serial_putc
    incq    %rbx
    jmp     1b
2:  popq    %rbx
    ret

/* serial_nl(): CR LF, as relboot ends its lines. */
    .globl  serial_nl
serial_nl:
    movl    $'\r', %edi
    call    serial_putc
    movl    $'\n', %edi
    jmp     serial_putc

/* serial_hex(%rdi value, %esi digits 1-16): "0x" and the low digits, lower case. */
    .globl  serial_hex
serial_hex:
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    movq    %rdi, %rbx
    movl    %esi, %r12d
    movl    $'0', %edi
    call    serial_putc
    movl    $'x', %edi
    call    serial_putc
1:  decl    %r12d
    leal    (,%r12d,4), %ecx
    movq    %rbx, %rax
    shrq    %cl, %rax
    andl    $0xf, %eax
    leaq    hex_digits(%rip), %r13
    movzbl  (%r13,%rax), %edi
    call    serial_putc
    testl   %r12d, %r12d
    jnz     1b
    popq    %r13
    popq    %r12
    popq    %rbx
    ret

/* serial_dec(%rdi): unsigned decimal, no leading zeros. */
    .globl  serial_dec
serial_dec:
    pushq   %rbx
    subq    $24, %rsp
    movq    %rdi, %rax
    leaq    24(%rsp), %rbx              /* digits are stored backwards from here */
    movb    $0, -1(%rbx)
    decq    %rbx
    movl    $10, %ecx
1:  xorl    %edx, %edx
    divq    %rcx
    addb    $'0', %dl
    decq    %rbx
    movb    %dl, (%rbx)
    testq   %rax, %rax
    jnz     1b
    movq    %rbx, %rdi
    call    serial_puts
    addq    $24, %rsp
    popq    %rbx
    ret

/*
 * idt_install(): 32 interrupt gates (type 0xE, present, DPL 0) on the
 * stubs below, with the current CS (relboot's __BOOT_CS copy), then LIDT.
 * SDM vol. 3A, 6.14.1 "64-Bit Mode IDT".
 */
    .globl  idt_install
idt_install:
    leaq    idt(%rip), %rdi
    leaq    exception_stubs(%rip), %rsi
    movl    %cs, %ecx
    xorl    %edx, %edx
1:  movq    %rsi, %rax                  /* handler = stubs + 16 * vector */
    movq    %rdx, %r8
    shlq    $4, %r8
    addq    %r8, %rax
    movq    %rax, %r8                   /* low quadword: offset 15:0, selector, type, offset 31:16 */
    andq    $0xffff, %r8
    movq    %rcx, %r9
    shlq    $16, %r9
    orq     %r9, %r8
    movq    $0x8e00, %r9
    shlq    $32, %r9
    orq     %r9, %r8
    movq    %rax, %r9
    shrq    $16, %r9
    andq    $0xffff, %r9
    shlq    $48, %r9
    orq     %r9, %r8
    movq    %r8, (%rdi)
    shrq    $32, %rax                   /* high quadword: offset 63:32 */
    movq    %rax, 8(%rdi)
    addq    $16, %rdi
    incl    %edx
    cmpl    $32, %edx
    jb      1b
    leaq    idt(%rip), %rax
    movq    %rax, idtr + 2(%rip)
    lidt    idtr(%rip)
    ret

/* One stub per vector, 16 bytes apart: a dummy error code where the CPU pushes none, the vector. */
.macro EXCEPTION_STUB vector
    .balign 16
    .if !(\vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30)
    pushq   $0
    .endif
    pushq   $\vector
    jmp     exception_common
.endm

    .balign 16
exception_stubs:
    .irp    v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    EXCEPTION_STUB \v
    .endr

/* The frame below the nine saved registers: vector, error code, then the CPU's RIP, CS, RFLAGS, RSP, SS. */
#define FRAME_VECTOR    72
#define FRAME_ERROR     80
#define FRAME_RIP       88

exception_common:
    pushq   %rax
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    movq    FRAME_VECTOR(%rsp), %rax
    cmpq    $2, %rax
    je      .Lnmi
    cmpq    $6, %rax
    je      .Lud
    cmpq    $13, %rax
    jne     .Lunexpected
    /* #GP: counted and skipped only on RDMSR (0F 32) and WRMSR (0F 30). */
    movq    FRAME_RIP(%rsp), %rdx
    cmpb    $0x0f, (%rdx)
    jne     .Lunexpected
    cmpb    $0x32, 1(%rdx)
    je      .Lmsr_gp
    cmpb    $0x30, 1(%rdx)
    jne     .Lunexpected
.Lmsr_gp:
    addq    $2, FRAME_RIP(%rsp)
    incq    gp_count(%rip)
    jmp     .Lreturn
.Lnmi:
    incq    nmi_count(%rip)
    jmp     .Lreturn
    /* #UD: counted and resumed at ud_resume when a caller armed it (ud_probe), else unexpected. */
.Lud:
    movq    ud_resume(%rip), %rdx
    testq   %rdx, %rdx
    jz      .Lunexpected
    movq    %rdx, FRAME_RIP(%rsp)
    movq    $0, ud_resume(%rip)
    incq    ud_count(%rip)
.Lreturn:
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rax
    addq    $16, %rsp                   /* vector and error code */
    iretq
.Lunexpected:
    leaq    msg_unexpected(%rip), %rdi
    call    serial_puts
    movq    FRAME_VECTOR(%rsp), %rdi
    movl    $2, %esi
    call    serial_hex
    leaq    msg_error(%rip), %rdi
    call    serial_puts
    movq    FRAME_ERROR(%rsp), %rdi
    movl    $8, %esi
    call    serial_hex
    leaq    msg_rip(%rip), %rdi
    call    serial_puts
    movq    FRAME_RIP(%rsp), %rdi
    movl    $16, %esi
    call    serial_hex
    call    serial_nl
    movl    $GUEST_EXIT_FAIL, %edi
    jmp     guest_exit

/* msr_read(%edi msr) -> %rax value (0 after a #GP), %rdx 1 when it raised #GP, else 0. */
    .globl  msr_read
msr_read:
    movq    gp_count(%rip), %r8
    movl    %edi, %ecx
    xorl    %eax, %eax
    xorl    %edx, %edx
    rdmsr
    shlq    $32, %rdx
    orq     %rdx, %rax
    xorl    %edx, %edx
    cmpq    gp_count(%rip), %r8
    setne   %dl
    ret

/* msr_write(%edi msr, %rsi value) -> %rax 1 when it raised #GP, else 0. */
    .globl  msr_write
msr_write:
    movq    gp_count(%rip), %r8
    movl    %edi, %ecx
    movl    %esi, %eax
    movq    %rsi, %rdx
    shrq    $32, %rdx
    wrmsr
    xorl    %eax, %eax
    cmpq    gp_count(%rip), %r8
    setne   %al
    ret

/*
 * guest_hello(): the hypercall with RAX = HELLO_RAX, VMCALL on an Intel
 * CPU, else VMMCALL (guest.h); relboot prints its line and returns to the
 * next instruction.
 */
    .globl  guest_hello
guest_hello:
    pushq   %rbx
    xorl    %eax, %eax
    cpuid
    movl    $HELLO_RAX, %eax
    cmpl    $CPUID_VENDOR_EBX_INTEL, %ebx
    popq    %rbx
    je      1f
    vmmcall
    ret
1:  vmcall
    ret

/* guest_exit(%edi code): QEMU's isa-debug-exit ends the run with (code << 1) | 1; halts if it is absent. */
    .globl  guest_exit
guest_exit:
    movl    %edi, %eax
    outb    %al, $DEBUG_EXIT_PORT
1:  cli
    hlt
    jmp     1b

/* rdtsc64() -> %rax: the TSC (RDTSC passes through). Clobbers %rdx. */
rdtsc64:
    rdtsc
    shlq    $32, %rdx
    orq     %rdx, %rax
    ret

/*
 * delay_setup(): with "hostile.slow-tsc" on the command line the delays
 * below are DELAY_SLOW_TSC_SHIFT powers of two shorter: the guest.h
 * delays assume QEMU's TCG, whose TSC runs at the host's GHz, and Bochs's
 * runs at its 100 MHz of instructions (clock: sync=none), where the same
 * ticks take many times longer in host seconds.
 */
    .globl  delay_setup
delay_setup:
    leaq    opt_slow_tsc(%rip), %rdi
    call    cmdline_has
    testq   %rax, %rax
    jz      1f
    movb    $DELAY_SLOW_TSC_SHIFT, delay_shift(%rip)
1:  ret

/* delay(%rdi ticks): spins until the TSC moved on by ticks (shortened by delay_setup()). */
    .globl  delay
delay:
    movzbl  delay_shift(%rip), %ecx
    shrq    %cl, %rdi
    movq    %rdi, %rsi
    call    rdtsc64
    movq    %rax, %rcx
1:  pause
    call    rdtsc64
    subq    %rcx, %rax
    cmpq    %rsi, %rax
    jb      1b
    ret

/* wait_change(%rdi address, %esi old, %rdx ticks) -> %rax the u32 at address: once it differs from old, or after ticks (shortened as delay()'s). */
    .globl  wait_change
wait_change:
    movzbl  delay_shift(%rip), %ecx
    shrq    %cl, %rdx
    movq    %rdx, %r9
    call    rdtsc64
    movq    %rax, %rcx
1:  movl    (%rdi), %eax
    cmpl    %esi, %eax
    jne     2f
    pause
    call    rdtsc64
    subq    %rcx, %rax
    cmpq    %r9, %rax
    jb      1b
    movl    (%rdi), %eax
2:  ret

/* apic_base() -> %rax: the xAPIC page (IA32_APIC_BASE), identity-mapped by relboot's first page tables. */
apic_base:
    movl    $MSR_IA32_APIC_BASE, %ecx
    rdmsr
    shlq    $32, %rdx
    orq     %rdx, %rax
    movabsq $APIC_BASE_ADDR_MASK, %rdx
    andq    %rdx, %rax
    ret

/*
 * apic_self_id() -> %rax: this CPU's APIC ID (xAPIC ID register, 31:24).
 * The APIC page is accessed with MOV r32, m32 and MOV m32, r32 only: the
 * forms Linux's native_apic_mem_read/write use, which relboot decodes.
 */
    .globl  apic_self_id
apic_self_id:
    call    apic_base
    movl    APIC_ID(%rax), %eax
    shrl    $APIC_ID_SHIFT, %eax
    ret

/*
 * apic_send(%edi ICR low word, %esi destination APIC ID): the ICR's high
 * word first (the destination), then the low word (this sends), then
 * waits (bounded) for the delivery status to go idle.  SDM vol. 3A, 11.6.1.
 */
    .globl  apic_send
apic_send:
    pushq   %rbx
    pushq   %r12
    movl    %edi, %r12d
    call    apic_base
    movq    %rax, %rbx
    shll    $APIC_ICR_DEST_SHIFT, %esi
    movl    %esi, APIC_ICR_HIGH(%rbx)
    movl    %r12d, APIC_ICR_LOW(%rbx)
    movl    $1000000, %ecx
1:  movl    APIC_ICR_LOW(%rbx), %eax
    testl   $APIC_ICR_BUSY, %eax
    jz      2f
    pause
    loop    1b
2:  popq    %r12
    popq    %rbx
    ret

/* cmdline() -> %rax: the kernel command line (boot_params' cmd_line_ptr and ext_cmd_line_ptr). */
    .globl  cmdline
cmdline:
    movq    boot_params(%rip), %rdx
    movl    BP_EXT_CMD_LINE_PTR(%rdx), %eax
    shlq    $32, %rax
    movl    BP_CMD_LINE_PTR(%rdx), %ecx
    orq     %rcx, %rax
    ret

/* cmdline_has(%rdi string) -> %rax 1 when the command line holds string (a plain substring search), else 0. */
    .globl  cmdline_has
cmdline_has:
    movq    %rdi, %rsi
    call    cmdline
    movq    %rax, %rdi
1:  xorl    %ecx, %ecx                  /* compare string with the line at %rdi */
2:  movb    (%rsi,%rcx), %al
    testb   %al, %al
    jz      3f                          /* the whole string matched */
    cmpb    (%rdi,%rcx), %al
    jne     4f
    incq    %rcx
    jmp     2b
3:  movl    $1, %eax
    ret
4:  cmpb    $0, (%rdi)
    je      5f
    incq    %rdi
    jmp     1b
5:  xorl    %eax, %eax
    ret

/*
 * relboot_range() -> %rax base, %rdx end: the e820 entry (boot_params'
 * table, as relboot wrote it) of type reserved that holds boot_params
 * itself.  relboot's zero page lies in its image, and the image is
 * reserved in the guest's e820 table: the entry is relboot's memory.
 * 0, 0 when no entry holds it.
 */
    .globl  relboot_range
relboot_range:
    movq    boot_params(%rip), %rsi
    movzbl  BP_E820_ENTRIES(%rsi), %ecx
    leaq    BP_E820_TABLE(%rsi), %rdi
1:  testl   %ecx, %ecx
    jz      3f
    cmpl    $E820_TYPE_RESERVED, 16(%rdi)
    jne     2f
    movq    (%rdi), %rax
    movq    8(%rdi), %rdx
    addq    %rax, %rdx
    cmpq    %rax, %rsi
    jb      2f
    cmpq    %rdx, %rsi
    jb      4f
2:  addq    $E820_ENTRY_SIZE, %rdi
    decl    %ecx
    jmp     1b
3:  xorl    %eax, %eax
    xorl    %edx, %edx
4:  ret

    .section .rodata
hex_digits:
    .ascii  "0123456789abcdef"
msg_unexpected:
    .asciz  "hostile: unexpected exception vector="
msg_error:
    .asciz  " error="
msg_rip:
    .asciz  " rip="
opt_slow_tsc:
    .asciz  "hostile.slow-tsc"

    .data
    .balign 8
    .globl  boot_params, gp_count, nmi_count, ud_count, ud_resume
boot_params:
    .quad   0
gp_count:
    .quad   0
nmi_count:
    .quad   0
ud_count:
    .quad   0
ud_resume:
    .quad   0
delay_shift:
    .byte   0
idtr:
    .word   32 * 16 - 1
    .quad   0

    .bss
    .balign 16
idt:
    .skip   32 * 16
