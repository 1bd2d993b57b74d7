/* The payload tests' /init: a tiny static program (gcc -static -Os) that
 * Linux runs as PID 1 from the test initramfs (tools/make-initramfs).
 *
 * It prints, on /dev/console (the serial port with console=ttyS0), lines that
 * the lit tests check with FileCheck, all starting "relboot-test-init: ":
 *   marker                            it runs
 *   cmdline <...>                     /proc/cmdline as the kernel got it
 *   boot_params k=v ...               fields of /sys/kernel/boot_params/data
 *   e820 <i> <addr> <size> <type>     the e820 table of that zero page
 *   check <name> ok|FAIL <detail>     one line per check of the kernel log
 *   vmmcall returned cpu=<n>          with relboot.svm-hello on the command
 *                                     line (guest=svm): "check cpus-online"
 *                                     (with relboot.cpus=<n>: that many CPUs
 *                                     online), "check svm-flag" (no CPU's
 *                                     /proc/cpuinfo flags have svm), then on
 *                                     each online CPU in turn, pinned to it:
 *                                     "check svm-hidden" (CPUID shows no SVM)
 *                                     and the hello hypercall (VMMCALL, RAX =
 *                                     0x72656c62), which came back; with more
 *                                     than one CPU "check cpu-replug" (the
 *                                     last CPU offline and online again: the
 *                                     kernel's INIT reaches a running vCPU)
 *                                     and the hypercall once more on it; then
 *                                     "check vmmcall-other" (any other RAX:
 *                                     #UD, so a child dies of SIGILL)
 *   vmcall returned cpu=<n>           the same with relboot.vmx-hello
 *                                     (guest=vmx): "check vmx-flag",
 *                                     "check vmx-hidden" (CPUID.1:ECX.VMX
 *                                     clear), VMCALL, "check vmcall-other"
 *   result pass|fail
 * and then exits QEMU through isa-debug-exit at port 0xf4: 0x10 (QEMU exit
 * status 33) when every check passed, 0x11 (status 35) otherwise.  Without
 * that device it powers off (QEMU status 0 under -no-reboot).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define TAG "relboot-test-init: "

static int out = 1;
static int failures;

/* One write per line, so kernel messages cannot land inside it. */
static void say(const char *fmt, ...)
{
    char line[4096];
    int n = snprintf(line, sizeof line, "%s", TAG);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int)sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    (void)!write(out, line, n);
}

static void check(const char *name, int ok, const char *detail)
{
    say("check %s %s %s", name, ok ? "ok" : "FAIL", detail);
    if (!ok)
        failures++;
}

/* Reads a whole (small) file; returns its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, size - len);
        if (n <= 0)
            break;
        len += n;
        if (len == size)
            break;
    }
    close(fd);
    return len;
}

static uint64_t le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void mount_fs(const char *type, const char *dir)
{
    mkdir(dir, 0755);
    if (mount(type, dir, type, 0, NULL) != 0 && errno != EBUSY)
        say("note: mount %s on %s: %s", type, dir, strerror(errno));
}

static void report_boot_params(void)
{
    static unsigned char bp[4096];
    ssize_t n = slurp("/sys/kernel/boot_params/data", (char *)bp, sizeof bp);
    if (n < 0x2d0) {
        say("boot_params absent");
        return;
    }
    unsigned sig = le(bp + 0x1c0, 4);
    char sigtext[5] = "none";
    if (sig)
        for (int i = 0; i < 4; i++)
            sigtext[i] = bp[0x1c0 + i] >= 0x20 && bp[0x1c0 + i] < 0x7f ? bp[0x1c0 + i] : '?';
    say("boot_params version=0x%04x type_of_loader=0x%02x loadflags=0x%02x code32_start=0x%08x "
        "kernel_alignment=0x%08x relocatable_kernel=%u cmd_line_ptr=0x%08x ramdisk_image=0x%08x "
        "ramdisk_size=0x%08x ext_ramdisk_image=0x%08x acpi_rsdp_addr=0x%llx e820_entries=%u "
        "efi_signature=%s efi_systab=0x%llx efi_memmap=0x%llx efi_memmap_size=0x%x sentinel=0x%02x",
        (unsigned)le(bp + 0x206, 2), bp[0x210], bp[0x211], (unsigned)le(bp + 0x214, 4),
        (unsigned)le(bp + 0x230, 4), bp[0x234], (unsigned)le(bp + 0x228, 4), (unsigned)le(bp + 0x218, 4),
        (unsigned)le(bp + 0x21c, 4), (unsigned)le(bp + 0xc0, 4), (unsigned long long)le(bp + 0x70, 8),
        bp[0x1e8], sigtext, (unsigned long long)(le(bp + 0x1c4, 4) | le(bp + 0x1d8, 4) << 32),
        (unsigned long long)(le(bp + 0x1d0, 4) | le(bp + 0x1dc, 4) << 32), (unsigned)le(bp + 0x1d4, 4),
        bp[0x1ef]);
    unsigned entries = bp[0x1e8];
    for (unsigned i = 0; i < entries && i < 128 && 0x2d0 + (i + 1) * 20 <= (unsigned)n; i++) {
        const unsigned char *e = bp + 0x2d0 + i * 20;
        say("e820 %u 0x%016llx 0x%016llx %u", i, (unsigned long long)le(e, 8),
            (unsigned long long)le(e + 8, 8), (unsigned)le(e + 16, 4));
    }
    /* What a loader's BIOS calls left: EDD (eddbuf 0xd00, 82 bytes each), EDID (0x140), screen_info (0x00). */
    if (n < 0xd00 + 6 * 82)
        return;
    unsigned edd = bp[0x1e9], sigs = bp[0x1ea];
    say("boot_params bios eddbuf_entries=%u edd_mbr_sig_buf_entries=%u edid_header=%s orig_video_isVGA=0x%02x "
        "lfb=%ux%ux%u lfb_base=0x%08x lfb_linelength=%u",
        edd, sigs, memcmp(bp + 0x140, "\x00\xff\xff\xff\xff\xff\xff\x00", 8) ? "no" : "yes", bp[0x0f],
        (unsigned)le(bp + 0x12, 2), (unsigned)le(bp + 0x14, 2), (unsigned)le(bp + 0x16, 2), (unsigned)le(bp + 0x18, 4),
        (unsigned)le(bp + 0x24, 2));
    for (unsigned i = 0; i < edd && i < 6; i++) {
        const unsigned char *e = bp + 0xd00 + i * 82;
        say("edd %u device=0x%02x version=0x%02x sectors=%llu mbr_signature=0x%08x", i, e[0], e[1],
            (unsigned long long)le(e + 8 + 16, 8), e[0] >= 0x80 && e[0] - 0x80u < sigs ? (unsigned)le(bp + 0x290 + (e[0] - 0x80) * 4, 4) : 0);
    }
}

/* The line of the kernel log that contains s (without its "<level>"), or NULL. */
static const char *log_line(const char *log, const char *s, char *line, size_t size)
{
    const char *hit = strstr(log, s);
    if (!hit)
        return NULL;
    const char *start = hit;
    while (start > log && start[-1] != '\n')
        start--;
    const char *end = strchr(hit, '\n');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    if (len >= size)
        len = size - 1;
    memcpy(line, start, len);
    line[len] = 0;
    return line;
}

static void check_kernel_log(void)
{
    /* SYSLOG_ACTION_SIZE_BUFFER (10), then SYSLOG_ACTION_READ_ALL (3): every
     * level, whatever `quiet` let through to the console. */
    int size = klogctl(10, NULL, 0);
    if (size <= 0)
        size = 1 << 20;
    char *log = malloc(size + 1);
    int n = log ? klogctl(3, log, size) : -1;
    if (n < 0) {
        check("klog", 0, strerror(errno));
        return;
    }
    log[n] = 0;
    char line[512], detail[600];

    /* The initramfs: unpacked without error (init/initramfs.c prints
     * "Initramfs unpacking failed: <why>" and falls back). */
    if (log_line(log, "Initramfs unpacking failed", line, sizeof line)) {
        check("initramfs", 0, line);
    } else {
        snprintf(detail, sizeof detail, "no 'Initramfs unpacking failed' in %d bytes of kernel log", n);
        check("initramfs", 1, detail);
    }

    /* ACPI: the kernel found the RSDP and the tables (drivers/acpi/acpica
     * tbprint.c: "ACPI: RSDP 0x00000000000F59D0 000014 (v00 BOCHS )"). */
    if (log_line(log, "ACPI: RSDP ", line, sizeof line))
        check("acpi", 1, line);
    else
        check("acpi", 0, "no 'ACPI: RSDP' line in the kernel log");
    free(log);
}

/* The CPUs the test expects online, from "relboot.cpus=<n>" on the command line; -1 without it. */
static int expected_cpus(const char *cmdline)
{
    const char *p = strstr(cmdline, "relboot.cpus=");
    return p ? atoi(p + strlen("relboot.cpus=")) : -1;
}

/*
 * The online CPUs (/sys/devices/system/cpu/online: "0", "0-3", "0,2-3")
 * as a set; returns how many, or -1 when the file is unreadable or names
 * a CPU beyond the set.  text gets the file's line.
 */
static int online_cpus(cpu_set_t *set, char *text, size_t size)
{
    CPU_ZERO(set);
    ssize_t n = slurp("/sys/devices/system/cpu/online", text, size - 1);
    if (n <= 0)
        return -1;
    text[n] = 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = 0;
    for (char *p = text; *p;) {
        char *end;
        long first = strtol(p, &end, 10), last = first;
        if (end == p)
            return -1;
        if (*end == '-')
            last = strtol(end + 1, &end, 10);
        if (first < 0 || last < first || last >= CPU_SETSIZE)
            return -1;
        for (long c = first; c <= last; c++)
            CPU_SET(c, set);
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return CPU_COUNT(set);
}

/*
 * The virtualization extension a guest of relboot's must not see, and the
 * instruction of its hello hypercall: SVM's VMMCALL (relboot.svm-hello,
 * guest=svm) or VMX's VMCALL (relboot.vmx-hello, guest=vmx).
 */
struct ext {
    const char *flag;       /* its /proc/cpuinfo flag and the checks' names: "svm" or "vmx" */
    const char *insn;       /* "vmmcall" or "vmcall" */
    int vmx;
};
static const struct ext SVM = {"svm", "vmmcall", 0};
static const struct ext VMX = {"vmx", "vmcall", 1};

/* The hypercall instruction of e with RAX = rax. */
static void hypercall(const struct ext *e, unsigned long rax)
{
    if (e->vmx)
        __asm__ volatile("vmcall" : "+a"(rax) : : "memory");
    else
        __asm__ volatile("vmmcall" : "+a"(rax) : : "memory");
}

/*
 * No CPU's /proc/cpuinfo "flags" line has the word flag; *cpus gets the
 * number of flags lines.  Returns the first CPU (processor number) that
 * has it, or -1.
 */
static int cpuinfo_flag(const char *flag, int *cpus)
{
    static char info[1 << 18];
    ssize_t n = slurp("/proc/cpuinfo", info, sizeof info - 1);
    *cpus = 0;
    if (n <= 0)
        return -1;
    info[n] = 0;
    int processor = -1;
    for (char *line = info; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (!strncmp(line, "processor", 9) && strchr(line, ':'))
            processor = atoi(strchr(line, ':') + 1);
        if (!strncmp(line, "flags", 5) && strchr(line, ':')) {
            ++*cpus;
            for (char *w = strtok(strchr(line, ':') + 1, " \t"); w; w = strtok(NULL, " \t"))
                if (!strcmp(w, flag))
                    return processor;
        }
        line = next;
    }
    return -1;
}

/* The hello hypercall pinned to cpu (relboot prints its line with its vCPU); false when it cannot be pinned. */
static int hello_on(const struct ext *e, int cpu)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0 || sched_getcpu() != cpu) {
        char detail[128];
        snprintf(detail, sizeof detail, "cpu=%d sched_setaffinity: %s, running on %d", cpu, strerror(errno),
                 sched_getcpu());
        check("pinned", 0, detail);
        return 0;
    }
    /* relboot's line must not land inside ours: let the console drain first. */
    tcdrain(out);
    hypercall(e, 0x72656c62);
    say("%s returned cpu=%d", e->insn, sched_getcpu());
    return 1;
}

/*
 * CPUID shows no SVM or VMX on cpu, pinned to it: SVM: Fn8000_0001 ECX
 * bit 2 clear, Fn8000_000A all zero; VMX: CPUID.1 ECX bit 5 clear.
 */
static void check_hidden_on(const struct ext *e, int cpu)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0 || sched_getcpu() != cpu)
        return;     /* hello_on() reports it */
    unsigned a, b, c, d, max_ext;
    char detail[128];
    if (e->vmx) {
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1u), "c"(0));
        snprintf(detail, sizeof detail, "cpu=%d 1.ecx=0x%08x", cpu, c);
        check("vmx-hidden", !(c & (1u << 5)), detail);
        return;
    }
    __asm__ volatile("cpuid" : "=a"(max_ext), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    unsigned ecx = c, svm_edx = 0, svm_eax = 0;
    if (max_ext >= 0x8000000a) {
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x8000000au), "c"(0));
        svm_eax = a;
        svm_edx = d;
    }
    snprintf(detail, sizeof detail, "cpu=%d 80000001.ecx=0x%08x 8000000a.eax=0x%08x 8000000a.edx=0x%08x", cpu, ecx,
             svm_eax, svm_edx);
    check("svm-hidden", !(ecx & 4) && !svm_eax && !svm_edx, detail);
}

/* Writes value to a sysfs file; 0 or the errno. */
static int write_file(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return errno;
    int err = write(fd, value, strlen(value)) < 0 ? errno : 0;
    close(fd);
    return err;
}

/*
 * The last online CPU taken offline and back online (sysfs): the kernel
 * parks it (play_dead), then wakes it with INIT, SIPI, SIPI; under
 * guest=svm that INIT reaches a vCPU that is running the guest, which
 * relboot resets and restarts.  The online set must be whole again.
 */
static void check_replug(const struct ext *e, const cpu_set_t *online, int count)
{
    int last = -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, online))
            last = cpu;
    char path[96], text[256], detail[512];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/online", last);
    const int off = write_file(path, "0");
    cpu_set_t after_off;
    const int count_off = online_cpus(&after_off, text, sizeof text);
    const int on = write_file(path, "1");
    cpu_set_t after;
    const int count_on = online_cpus(&after, text, sizeof text);
    snprintf(detail, sizeof detail, "cpu=%d offline: %s (%d online), online: %s, online=%s count=%d", last,
             off ? strerror(off) : "ok", count_off, on ? strerror(on) : "ok", count_on < 0 ? "unreadable" : text,
             count_on);
    const int whole = !off && !on && count_off == count - 1 && count_on == count && CPU_EQUAL(&after, online);
    check("cpu-replug", whole, detail);
    if (whole)
        hello_on(e, last);  /* it runs as relboot's vCPU again */
    sched_setaffinity(0, sizeof *online, online);
}

/*
 * guest=svm's and guest=vmx's tests (relboot.svm-hello, relboot.vmx-hello):
 * every CPU relboot started is a vCPU, so the kernel brought up as many
 * CPUs as the test expects (relboot.cpus=<n>); no CPU shows the
 * extension, in /proc/cpuinfo or in CPUID; and the hello hypercall from
 * ring 3 on each CPU, pinned to it, which relboot reports on the serial
 * port (with its vCPU) before it resumes the guest after the VMMCALL or
 * VMCALL.  Natively either raises #UD, so this process dies with SIGILL
 * and the kernel panics: no false pass.
 */
static void hypercall_hello(const struct ext *e, const char *cmdline)
{
    char text[256], detail[512], name[32];
    cpu_set_t online;
    const int count = online_cpus(&online, text, sizeof text);
    const int expected = expected_cpus(cmdline);
    if (expected >= 0) {
        snprintf(detail, sizeof detail, "online=%s count=%d expected=%d", count < 0 ? "unreadable" : text, count,
                 expected);
        check("cpus-online", count == expected, detail);
    }
    int flagged = 0;
    const int flag_cpu = cpuinfo_flag(e->flag, &flagged);
    if (flag_cpu >= 0)
        snprintf(detail, sizeof detail, "cpu %d has %s in its flags", flag_cpu, e->flag);
    else
        snprintf(detail, sizeof detail, "no %s in the flags of %d CPUs", e->flag, flagged);
    snprintf(name, sizeof name, "%s-flag", e->flag);
    check(name, flag_cpu < 0 && flagged > 0 && flagged == count, detail);

    for (int cpu = 0; count > 0 && cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &online))
            continue;
        check_hidden_on(e, cpu);
        hello_on(e, cpu);
    }
    sched_setaffinity(0, sizeof online, &online);
    if (count > 1)
        check_replug(e, &online, count);

    /* Any other RAX: relboot injects #UD, as a CPU without a hypervisor does. */
    pid_t child = fork();
    if (child == 0) {
        hypercall(e, 0);
        _exit(0);
    }
    int status = 0;
    if (child > 0)
        waitpid(child, &status, 0);
    snprintf(detail, sizeof detail, "child %s %d", child < 0 ? "fork failed" : WIFSIGNALED(status) ? "signal" : "exit",
             child < 0 ? errno : WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    snprintf(name, sizeof name, "%s-other", e->insn);
    check(name, child > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGILL, detail);
}

static void leave(void)
{
    say("result %s", failures ? "fail" : "pass");
    /* The console is a tty: what write() returned may still sit in its
     * buffer or in the UART; let it out before QEMU stops. */
    tcdrain(out);
    usleep(20000);
    if (ioperm(0xf4, 4, 1) == 0)
        outb(failures ? 0x11 : 0x10, 0xf4);
    else
        say("note: ioperm(0xf4): %s", strerror(errno));
    /* No isa-debug-exit device (or it did not stop QEMU). */
    say("note: no isa-debug-exit at 0xf4; powering off");
    tcdrain(out);
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

int main(void)
{
    /* The kernel opened /dev/console (from the archive) as fds 0-2; if it
     * could not, try again once devtmpfs is there. */
    if (fcntl(out, F_GETFD) < 0)
        out = -1;
    mount_fs("proc", "/proc");
    mount_fs("sysfs", "/sys");
    mount_fs("devtmpfs", "/dev");
    if (out < 0)
        out = open("/dev/console", O_WRONLY | O_NOCTTY);

    say("marker");
    char cmdline[4096];
    ssize_t n = slurp("/proc/cmdline", cmdline, sizeof cmdline - 1);
    if (n < 0)
        n = 0;
    cmdline[n] = 0;
    while (n > 0 && (cmdline[n - 1] == '\n' || cmdline[n - 1] == ' '))
        cmdline[--n] = 0;
    say("cmdline %s", cmdline);
    if (strstr(cmdline, "relboot.svm-hello"))
        hypercall_hello(&SVM, cmdline);
    if (strstr(cmdline, "relboot.vmx-hello"))
        hypercall_hello(&VMX, cmdline);
    report_boot_params();
    check_kernel_log();
    leave();
}
