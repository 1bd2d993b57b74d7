#!/usr/bin/env python3
"""relboot's payload benchmark (`make bench`, after tools/bench.py).

What it measures, with Debian's kernel and the test initramfs
(build/linux, `make payload-inputs`), BASE=ebp; parts 1-3 under QEMU
with SeaBIOS and 256 MiB, part 4 under Bochs:

1. Under `qemu-system-x86_64 -icount shift=0` (TSC = guest instructions,
   deterministic), relboot's own line before the jump:
       relboot: tsc payload=<n> copy=<n> entry_to_kernel=<n>
   entry_to_kernel runs from relboot's first instruction to the jump into
   the kernel, copy is the moves (initrd, protected-mode code), payload the
   launcher apart from the moves and its report lines (header checks,
   placement, command line, zero page and e820).  Also the bytes copied
   (`copied=` of `relboot: payload kernel=...`).  An empty relboot command
   line; the kernel's is `console=ttyS0 quiet panic=-1`.
2. Whole-boot wall time under TCG (no -icount), from QEMU's start until
   the test init exits QEMU (status 33, right after its marker and
   checks), three ways of booting the same kernel, initramfs and kernel
   command line:
     relboot      GRUB (multiboot2) -> relboot -> Linux
     grub-linux   GRUB's own `linux` and `initrd` commands, same ISO layout
     qemu-kernel  QEMU's -kernel/-initrd (no firmware boot menu, no GRUB)
   The machine is noisy, so the three are interleaved, one of each a
   round, for --runs rounds (at least 5), one boot at a time, and the
   minimum of each is compared.  The target: relboot's chain within 2% of
   GRUB's own `linux`.
3. guest=svm against the native launch, at -smp 1 and -smp 4: the same
   relboot image, kernel, initramfs and kernel command line, entered
   through qemu -kernel (multiboot1, no GRUB) with -cpu max, relboot's
   command line empty or `guest=svm` (every CPU a vCPU).  Four ways, one
   of each a round, interleaved, --svm-runs rounds (default 5, at least
   3), minimum of each; whole boot to the test init's exit, the same work
   both ways (a guest boot must show `svm vcpus=<n>` and `handoff
   linux-svm`).  The target: the guest within 1.5x native at each CPU
   count.  Also the minimum CPU time of the same boots (user + system of
   QEMU and its threads): the waits for a core on a loaded host are not
   in it, though contention still inflates it somewhat.
   Then, untimed, the exits: one guest boot per CPU count with
   `loglvl=debug` and, for the test init, `relboot.svm-hello
   relboot.cpus=<n>`.  The init checks that <n> CPUs are online, then makes
   the hello hypercall pinned to each CPU in turn (and, with more than one
   CPU, takes the last one offline and online again, and calls from it
   once more).  At each hello relboot prints the calling vCPU's counts and,
   under loglvl=debug, every vCPU's:
       relboot: guest hypercall rax=0x72656c62 insn=vmmcall cpl=<n> cpu=<n> exits=<n> cpuid=<n> msr=<n> npf=<n> apic=<n> ipi=<n> dropped=<n> nmi=<n>
       relboot: debug: vcpu <n> apic_id=<n> state=<s> exits=<n> cpuid=<n> msr=<n> npf=<n> apic=<n> ipi=<n> dropped=<n> nmi=<n>
   The tables: every vCPU's counts at the hello on the last CPU (the boot
   and the init up to there) and at the last hello (after the replug).
   The hellos and the replug are work a native boot cannot do (VMMCALL is
   #UD there), which is why the timed guest boots go without them.
   Last, one native boot at -smp 4 (untimed) with QEMU's trace of the
   local APIC's MMIO (`-trace apic_mem_readl -trace apic_mem_writel`): the
   kernel's APIC accesses by register, each of which is an exit under
   guest=svm, and which of them AVIC would serve without one (AMD APM
   vol. 2, 15.29: reads from the backing page except the timer's current
   count; TPR, EOI of an edge-triggered interrupt, ICR high, and an ICR
   low write of a fixed IPI to running vCPUs; every other write traps).
4. guest=vmx against the native launch under Bochs (tools/bochs-boot;
   QEMU's TCG has no VMX), on its corei7_haswell_4770 model with 2 CPUs
   and 512 MiB, as tests/long/vmx-linux-bochs.test boots it: GRUB
   (grub/mkiso, multiboot2, rombios) -> relboot -> the same kernel,
   initramfs and kernel command line, relboot's command line empty or
   `guest=vmx`, nothing else in the ISOs differing.  Native and guest
   interleaved, one Bochs at a time, the order flipped each round,
   --vmx-runs rounds (default 3, at least 2: each boot takes minutes),
   minimum of each; whole boot from Bochs's start to the test init's
   `result` line (bochs-boot stops there), and the boots' CPU time.  A
   boot counts only when the init passed and relboot brought both CPUs
   online; a guest boot also needs `vmx ... vcpus=2` and `handoff
   linux-vmx`.  The 1-minute load average before each boot goes into
   the table too.  The target: the guest within 1.5x native.  Then,
   untimed, the exits per vCPU by reason, as in part 3: one guest boot
   with `loglvl=debug` and `relboot.vmx-hello relboot.cpus=2`, whose init
   makes the hello VMCALL on each CPU (and after the last CPU's replug).

It writes a Markdown table to --output and stdout.  It exits 1 when a boot
fails.  Reproduce:
    make payload-inputs all && python3 tools/bench-payload.py --output build/bench/payload.md
The guest=svm part alone (part 3):
    python3 tools/bench-payload.py --parts svm --svm-runs 5 --output build/bench/payload-svm.md
The guest=vmx part alone (part 4, Bochs; 15 to 20 minutes here):
    python3 tools/bench-payload.py --parts vmx --vmx-runs 3 --output build/bench/payload-vmx.md
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL_ARGS = "console=ttyS0 quiet panic=-1"
MEM = "256M"
TSC_RE = re.compile(r"^relboot: tsc payload=(\d+) copy=(\d+) entry_to_kernel=(\d+)$", re.M)
COPIED_RE = re.compile(r"^relboot: payload kernel=0x[0-9a-f]{16} size=(\d+) init_size=\d+ copied=(\d+) "
                       r"initrd=0x[0-9a-f]{16} initrd_size=(\d+)$", re.M)
EXIT_RE = re.compile(r"^qemu-exit=(\S+)$", re.M)
COUNTS = r"exits=(\d+) cpuid=(\d+) msr=(\d+) npf=(\d+) apic=(\d+) ipi=(\d+) dropped=(\d+) nmi=(\d+)"
COUNT_NAMES = ("exits", "cpuid", "msr", "npf", "apic", "ipi", "dropped", "nmi")
# The hello hypercall's line; insn= is vmmcall under guest=svm, vmcall under guest=vmx.
HELLO_RE = re.compile(r"^relboot: guest hypercall rax=0x72656c62 insn=(vmmcall|vmcall) cpl=(\d+) cpu=(\d+) " + COUNTS
                      + "$", re.M)
VCPU_RE = re.compile(r"^relboot: debug: vcpu (\d+) apic_id=(\d+) state=(\w+) " + COUNTS + "$", re.M)
SVM_LINE_RE = re.compile(r"^relboot: svm vcpus=(\d+) npt=on ", re.M)
APIC_TRACE_RE = re.compile(r"^apic_mem_(readl|writel) (0x[0-9a-f]+) = (0x[0-9a-f]+)$", re.M)
SVM_TARGET = 1.5
SVM_SMP = (1, 4)
# Part 4, under Bochs: the model, CPUs and RAM of tests/long/vmx-linux-bochs.test.
VMX_LINE_RE = re.compile(r"^relboot: vmx ept=on vpid=1 vmcs=0x[0-9a-f]{16} unrestricted=yes vcpus=(\d+)$", re.M)
CPUS_LINE_RE = re.compile(r"^relboot: cpus online=(\d+) of=(\d+) ", re.M)
VMX_TARGET = 1.5
VMX_CPU_MODEL = "corei7_haswell_4770"
VMX_CPUS = 2
VMX_MEM_MIB = 512
VMX_END = "relboot-test-init: result"     # bochs-boot stops there: Bochs has no isa-debug-exit
PARTS = ("icount", "wall", "svm", "vmx")

# The xAPIC registers by offset (Intel SDM vol. 3A, table 11-1), for the trace's rows.
APIC_REGISTERS = {
    0x020: "ID", 0x030: "version", 0x080: "TPR", 0x090: "APR", 0x0a0: "PPR", 0x0b0: "EOI", 0x0c0: "RRD",
    0x0d0: "LDR", 0x0e0: "DFR", 0x0f0: "SVR", 0x280: "ESR", 0x2f0: "LVT CMCI", 0x300: "ICR low",
    0x310: "ICR high", 0x320: "LVT timer", 0x330: "LVT thermal", 0x340: "LVT perf", 0x350: "LVT LINT0",
    0x360: "LVT LINT1", 0x370: "LVT error", 0x380: "timer initial count", 0x390: "timer current count",
    0x3e0: "timer divide",
}
# ICR bits 10:8, the delivery mode (Intel SDM vol. 3A, 11.6.1).
ICR_DELIVERY_MODES = {0: "fixed", 1: "lowest priority", 2: "SMI", 4: "NMI", 5: "INIT", 6: "SIPI"}


def run(cmd: list[str]) -> tuple[str, float]:
    """Runs cmd; its stdout and its wall time in seconds."""
    out, seconds, _ = run_cpu(cmd)
    return out, seconds


def run_cpu(cmd: list[str], check: bool = True) -> tuple[str, float, float]:
    """Runs cmd; its stdout, its wall time and the CPU time (user + system) of it and its children, in seconds.
    A non-zero exit status raises with check, else the caller judges the output."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    out = subprocess.run(cmd, check=check, capture_output=True, text=True, errors="replace").stdout
    seconds, after = time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def exit_status(log: str) -> str:
    m = EXIT_RE.search(log)
    return m.group(1) if m else "missing"


def fail(log: str, what: str) -> None:
    print(log[-3000:], file=sys.stderr)
    sys.exit(f"bench-payload: {what} failed (qemu-exit={exit_status(log)})")


def apic_register(offset: int) -> str:
    """The xAPIC register at offset (the ISR, TMR and IRR are 8 registers each)."""
    for base, name in ((0x100, "ISR"), (0x180, "TMR"), (0x200, "IRR")):
        if base <= offset < base + 0x80:
            return name
    return APIC_REGISTERS.get(offset, f"0x{offset:03x}")


def avic_verdict(op: str, offset: int, value: int) -> tuple[str, bool]:
    """One traced APIC access: its row name and whether AVIC would still exit on it (AMD APM vol. 2, 15.29)."""
    name = apic_register(offset)
    if op == "readl":
        # Every register reads from the backing page but the timer's current count (not kept there).
        return f"read {name}", offset == 0x390
    if offset == 0x300:
        mode = (value >> 8) & 7
        # A fixed, edge-triggered IPI is delivered by the hardware (to running vCPUs); any other type exits.
        return f"write ICR low: {ICR_DELIVERY_MODES.get(mode, f'mode {mode}')}", mode != 0
    # TPR and ICR high are written into the backing page; EOI too while the in-service interrupt is
    # edge-triggered (a level one exits, which the trace cannot tell); every other write traps.
    return f"write {name}", offset not in (0x080, 0x0b0, 0x310)


def vcpu_sets(log: str, insn: str = "vmmcall") -> list[tuple[dict, list[dict]]]:
    """The hello lines made with insn (vmmcall or vmcall) in order, each with the `debug: vcpu` lines that follow it."""
    events = sorted([(m.start(), "hello", m) for m in HELLO_RE.finditer(log) if m.group(1) == insn] +
                    [(m.start(), "vcpu", m) for m in VCPU_RE.finditer(log)], key=lambda e: e[0])
    sets: list[tuple[dict, list[dict]]] = []
    for _, kind, m in events:
        if kind == "hello":
            hello = {"cpu": int(m.group(3)), **dict(zip(COUNT_NAMES, map(int, m.group(*range(4, 12)))))}
            sets.append((hello, []))
        elif sets:
            sets[-1][1].append({"vcpu": int(m.group(1)), "apic_id": int(m.group(2)), "state": m.group(3),
                                **dict(zip(COUNT_NAMES, map(int, m.group(*range(4, 12)))))})
    return sets


def vcpu_table(title: str, vcpus: list[dict]) -> list[str]:
    """vCPU x exit reason: APIC (the nested page faults or EPT violations on its page), CPUID, MSR, NMI and the
    rest."""
    lines = [title, "", "| vCPU (APIC ID) | exits | APIC | CPUID | MSR | NMI | other | APIC share | "
             "IPIs sent | dropped |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total = collections.Counter()
    for v in vcpus + [None]:
        c = total if v is None else v
        other = c["exits"] - c["apic"] - c["cpuid"] - c["msr"] - c["nmi"]
        share = f"{100 * c['apic'] / c['exits']:.0f}%" if c["exits"] else "-"
        label = "all" if v is None else f"{v['vcpu']} ({v['apic_id']}){'' if v['state'] == 'running' else ' ' + v['state']}"
        npf = "" if c["npf"] == c["apic"] else f" (npf {c['npf']:,})"
        lines.append(f"| {label} | {c['exits']:,} | {c['apic']:,}{npf} | {c['cpuid']:,} | {c['msr']:,} | {c['nmi']:,} "
                     f"| {other:,} | {share} | {c['ipi']:,} | {c['dropped']:,} |")
        if v is not None:
            total.update({k: v[k] for k in COUNT_NAMES})
    return lines + ["", "(The calling vCPU's row is exact; the others' counters are read while those vCPUs run, so "
                        "one count can lag another by an exit or two, and `other`, the exits less the named reasons, "
                        "can come out negative.)", ""]


def part_svm(image: Path, kernel: Path, initrd: Path, runs: int, work: Path) -> list[str]:
    """guest=svm against native at each CPU count (timed), then the exits per vCPU and the APIC trace (untimed)."""
    linux_boot = str(ROOT / "tools" / "linux-boot")

    def boot(smp: int, guest: bool, hello: bool = False, extra: list[str] | None = None) -> list[str]:
        relboot_args = ("guest=svm" + (" loglvl=debug" if hello else "")) if guest else ""
        kernel_args = KERNEL_ARGS + (f" relboot.svm-hello relboot.cpus={smp}" if hello else "")
        return [linux_boot, "--kernel", str(image), "--cpu", "max", "--mem", MEM, "--timeout", "600",
                "--append", relboot_args, "--", "-smp", str(smp), *(extra or []),
                "-initrd", f"{kernel} {kernel_args},{initrd}"]

    def checked(log: str, what: str, smp: int, guest: bool) -> None:
        svm = SVM_LINE_RE.search(log)
        handoff = "relboot: handoff linux-svm " if guest else "relboot: handoff linux "
        if (exit_status(log) != "33" or "relboot-test-init: marker" not in log or handoff not in log
                or (guest and not (svm and int(svm.group(1)) == smp))):
            fail(log, what)

    # Timed, interleaved: the same boot natively and as a guest, at each CPU count.
    ways = [(smp, guest) for smp in SVM_SMP for guest in (False, True)]
    times: dict[tuple[int, bool], list[float]] = {w: [] for w in ways}
    cpu_times: dict[tuple[int, bool], list[float]] = {w: [] for w in ways}
    start = time.monotonic()
    for r in range(runs):
        for smp, guest in ways:
            name = f"-smp {smp} {'guest=svm' if guest else 'native'}"
            log, seconds, cpu_seconds = run_cpu(boot(smp, guest))
            checked(log, f"{name} boot {r + 1}", smp, guest)
            times[(smp, guest)].append(seconds)
            cpu_times[(smp, guest)].append(cpu_seconds)
            print(f"bench-payload: round {r + 1}/{runs} {name} {seconds:.2f} s (CPU {cpu_seconds:.2f} s)",
                  file=sys.stderr)
    timed_seconds = time.monotonic() - start
    best = {w: min(t) for w, t in times.items()}
    best_cpu = {w: min(t) for w, t in cpu_times.items()}

    # Untimed: the exits per vCPU, from the hello runs.
    exit_runs = {}
    for smp in SVM_SMP:
        log, seconds = run(boot(smp, True, hello=True))
        checked(log, f"-smp {smp} guest=svm exits run", smp, True)
        sets = vcpu_sets(log)
        if len(sets) < smp or any(len(v) != smp for _, v in sets) or \
                f"relboot-test-init: check cpus-online ok online=0{f'-{smp - 1}' if smp > 1 else ''} " not in log:
            fail(log, f"-smp {smp} guest=svm exits run (hello lines: {len(sets)})")
        exit_runs[smp] = (sets, seconds)
        print(f"bench-payload: -smp {smp} guest=svm exits run {seconds:.2f} s", file=sys.stderr)

    # Untimed: the kernel's local APIC accesses natively at the largest CPU count, by register.
    trace = work / "apic-trace.log"
    trace_smp = SVM_SMP[-1]
    log, trace_seconds = run(boot(trace_smp, False, extra=["-trace", "apic_mem_readl", "-trace", "apic_mem_writel",
                                                     "-D", str(trace)]))
    checked(log, f"-smp {trace_smp} native APIC trace run", trace_smp, False)
    accesses: collections.Counter[str] = collections.Counter()
    exits_avic: dict[str, bool] = {}
    for m in APIC_TRACE_RE.finditer(trace.read_text() if trace.exists() else ""):
        row, exits = avic_verdict(m.group(1), int(m.group(2), 16), int(m.group(3), 16))
        accesses[row] += 1
        exits_avic[row] = exits
    # Rows of 1% of the accesses or more stand alone; the others merge, one row per kind and verdict.
    total = sum(accesses.values())
    apic_rows = [(row, n, exits_avic[row]) for row, n in accesses.most_common() if 100 * n >= total]
    small: dict[tuple[str, bool], list[tuple[str, int]]] = collections.defaultdict(list)
    for row, n in accesses.most_common():
        if 100 * n < total:
            kind, register = row.split(" ", 1)
            small[(kind, exits_avic[row])].append((register, n))
    for (kind, exits), registers in small.items():
        apic_rows.append((f"other {kind}s ({', '.join(r for r, _ in registers)})", sum(n for _, n in registers), exits))
    total_seconds = time.monotonic() - start

    lines = [
        "",
        f"## guest=svm against native (qemu -kernel, multiboot1, -cpu max, {MEM}; whole boot to the test init's exit; "
        f"{runs} interleaved rounds, minimum)",
        "",
        "| CPUs | native, s | guest=svm, s | guest / native (target <= 1.5) | all runs native / guest, s |",
        "| ---: | ---: | ---: | ---: | --- |",
    ]
    for smp in SVM_SMP:
        ratio = best[(smp, True)] / best[(smp, False)]
        lines.append(f"| {smp} | {best[(smp, False)]:.2f} | {best[(smp, True)]:.2f} | {ratio:.3f} "
                     f"({'met' if ratio <= SVM_TARGET else 'not met'}) | "
                     f"{', '.join(f'{t:.2f}' for t in times[(smp, False)])} / "
                     f"{', '.join(f'{t:.2f}' for t in times[(smp, True)])} |")
    # CPU time counts what QEMU computed, not the waits for a core that other work on a loaded host adds.
    lines += ["", "The same boots' CPU time (QEMU's user + system, all its threads; minimum):", "",
              "| CPUs | native, s | guest=svm, s | guest / native | all runs native / guest, s |",
              "| ---: | ---: | ---: | ---: | --- |"]
    for smp in SVM_SMP:
        lines.append(f"| {smp} | {best_cpu[(smp, False)]:.2f} | {best_cpu[(smp, True)]:.2f} | "
                     f"{best_cpu[(smp, True)] / best_cpu[(smp, False)]:.3f} | "
                     f"{', '.join(f'{t:.2f}' for t in cpu_times[(smp, False)])} / "
                     f"{', '.join(f'{t:.2f}' for t in cpu_times[(smp, True)])} |")
    lines += ["", f"Timed rounds: {timed_seconds:.0f} s; with the untimed runs below: {total_seconds:.0f} s.", ""]

    for smp in SVM_SMP:
        sets, seconds = exit_runs[smp]
        args = f"`guest=svm loglvl=debug`, kernel `relboot.svm-hello relboot.cpus={smp}`, one run, {seconds:.2f} s"
        hello_last_cpu, vcpus_last_cpu = sets[smp - 1]
        lines += vcpu_table(f"### -smp {smp}: exits per vCPU at the init's hello on CPU {hello_last_cpu['cpu']} "
                            f"(the boot and the init up to there; {args})", vcpus_last_cpu)
        if len(sets) > smp:
            hello_last, vcpus_last = sets[-1]
            lines += vcpu_table(f"### -smp {smp}: at the last hello (CPU {hello_last['cpu']}, after its replug)",
                                vcpus_last)
        lines += ["The hello lines (the calling vCPU's own counts): " + "; ".join(
            f"cpu={h['cpu']} exits={h['exits']:,} apic={h['apic']:,} cpuid={h['cpuid']:,} msr={h['msr']:,} "
            f"nmi={h['nmi']:,} ipi={h['ipi']:,} dropped={h['dropped']:,}" for h, _ in sets), ""]

    kept = sum(n for _, n, exits in apic_rows if exits)
    lines += [f"### -smp {trace_smp} native: the local APIC's accesses by register (QEMU's trace, one run, "
              f"{trace_seconds:.2f} s; relboot's own AP bring-up included); under guest=svm each is an exit", "",
              "| access | count | with AVIC |", "| --- | ---: | --- |"]
    for row, n, exits in apic_rows:
        lines.append(f"| {row} | {n:,} | {'exit' if exits else 'no exit'} |")
    if total:
        lines.append(f"| all | {total:,} | {kept:,} exit ({100 * kept / total:.0f}%), {total - kept:,} no exit |")
    else:
        lines.append("| (no trace: QEMU without the log trace backend?) | 0 | |")
    return lines


def part_vmx(image: Path, kernel: Path, initrd: Path, runs: int, work: Path) -> list[str]:
    """guest=vmx against native under Bochs (timed, interleaved), then the exits per vCPU (untimed)."""
    mkiso, bochs_boot = str(ROOT / "grub" / "mkiso"), str(ROOT / "tools" / "bochs-boot")

    def iso(name: str, relboot_args: str, kernel_args: str) -> Path:
        """One ISO: relboot with relboot_args, the kernel with kernel_args and the initramfs as modules."""
        path = work / f"{name}.iso"
        subprocess.run([mkiso, "--image", str(image), "--cmdline", relboot_args, "--module", str(kernel),
                        "--module-args", kernel_args, "--module", str(initrd), "--output", str(path)], check=True)
        return path

    def boot(path: Path) -> tuple[str, float, float]:
        """One Bochs boot to the init's result line: the serial output, wall time and CPU time (Bochs, s)."""
        return run_cpu([bochs_boot, "--iso", str(path), "--cpu", VMX_CPU_MODEL, "--cpus", str(VMX_CPUS),
                        "--mem", str(VMX_MEM_MIB), "--timeout", "900", "--end", VMX_END], check=False)

    def checked(log: str, what: str, guest: bool) -> None:
        """A boot counts when the init passed on all CPUs, launched natively or as a VMX guest with a vCPU each."""
        vmx, cpus = VMX_LINE_RE.search(log), CPUS_LINE_RE.search(log)
        handoff = "relboot: handoff linux-vmx " if guest else "relboot: handoff linux "
        if ("bochs-exit=end" not in log or "relboot-test-init: marker" not in log
                or "relboot-test-init: result pass" not in log or "relboot: error" in log or handoff not in log
                or not (cpus and int(cpus.group(1)) == VMX_CPUS)
                or (guest and not (vmx and int(vmx.group(1)) == VMX_CPUS))):
            print(log[-3000:], file=sys.stderr)
            sys.exit(f"bench-payload: {what} failed under Bochs")

    # The same ISO both ways but for relboot's command line.
    isos = {False: iso("vmx-native", "", KERNEL_ARGS), True: iso("vmx-guest", "guest=vmx", KERNEL_ARGS)}
    name = {False: "native", True: "guest=vmx"}

    # Timed, interleaved, one Bochs at a time; the order flips each round, so neither way always goes first.
    times: dict[bool, list[float]] = {False: [], True: []}
    cpu_times: dict[bool, list[float]] = {False: [], True: []}
    loads: dict[bool, list[float]] = {False: [], True: []}
    start = time.monotonic()
    for r in range(runs):
        for guest in ((False, True) if r % 2 == 0 else (True, False)):
            loads[guest].append(os.getloadavg()[0])
            log, seconds, cpu_seconds = boot(isos[guest])
            checked(log, f"Bochs {name[guest]} boot {r + 1}", guest)
            times[guest].append(seconds)
            cpu_times[guest].append(cpu_seconds)
            print(f"bench-payload: Bochs round {r + 1}/{runs} {name[guest]} {seconds:.1f} s (CPU {cpu_seconds:.1f} s, "
                  f"load {loads[guest][-1]:.2f})", file=sys.stderr)
    timed_seconds = time.monotonic() - start

    # Untimed: the exits per vCPU, from a guest boot whose init makes the hello VMCALL on each CPU.
    hello_args = f"{KERNEL_ARGS} relboot.vmx-hello relboot.cpus={VMX_CPUS}"
    log, exits_seconds, _ = boot(iso("vmx-exits", "guest=vmx loglvl=debug", hello_args))
    checked(log, "Bochs guest=vmx exits run", True)
    sets = vcpu_sets(log, "vmcall")
    online = f"0-{VMX_CPUS - 1}" if VMX_CPUS > 1 else "0"
    if (len(sets) < VMX_CPUS or any(len(v) != VMX_CPUS for _, v in sets)
            or f"relboot-test-init: check cpus-online ok online={online} " not in log):
        print(log[-3000:], file=sys.stderr)
        sys.exit(f"bench-payload: Bochs guest=vmx exits run failed (hello lines: {len(sets)})")
    print(f"bench-payload: Bochs guest=vmx exits run {exits_seconds:.1f} s", file=sys.stderr)

    def row(guest: bool, values: dict[bool, list[float]]) -> str:
        return ", ".join(f"{t:.1f}" for t in values[guest])

    best, best_cpu = {g: min(t) for g, t in times.items()}, {g: min(t) for g, t in cpu_times.items()}
    ratio = best[True] / best[False]
    bochs = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "bochs"], capture_output=True, text=True).stdout
    lines = [
        "",
        f"## guest=vmx against native under Bochs {bochs or '?'} ({VMX_CPU_MODEL}, {VMX_CPUS} CPUs, "
        f"{VMX_MEM_MIB} MiB, rombios, GRUB -> relboot (multiboot2) -> Linux; whole boot from Bochs's start to the "
        f"init's result line; {runs} interleaved rounds, minimum)",
        "",
        "| measurement | native | guest=vmx | guest / native |",
        "| --- | ---: | ---: | ---: |",
        f"| wall time, s (target guest <= {VMX_TARGET}x native) | {best[False]:.1f} | {best[True]:.1f} "
        f"| {ratio:.3f} ({'met' if ratio <= VMX_TARGET else 'not met'}) |",
        f"| CPU time (Bochs, user + system), s | {best_cpu[False]:.1f} | {best_cpu[True]:.1f} "
        f"| {best_cpu[True] / best_cpu[False]:.3f} |",
        f"| all runs' wall time, s | {row(False, times)} | {row(True, times)} | |",
        f"| all runs' CPU time, s | {row(False, cpu_times)} | {row(True, cpu_times)} | |",
        f"| load average (1 min) before each boot | {row(False, loads)} | {row(True, loads)} | |",
        "",
        f"Timed rounds: {timed_seconds:.0f} s; the exits run: {exits_seconds:.0f} s.",
        "",
    ]
    args = f"`guest=vmx loglvl=debug`, kernel `relboot.vmx-hello relboot.cpus={VMX_CPUS}`, one run, {exits_seconds:.1f} s"
    hello_last_cpu, vcpus_last_cpu = sets[VMX_CPUS - 1]
    lines += vcpu_table(f"### Bochs guest=vmx: exits per vCPU at the init's hello on CPU {hello_last_cpu['cpu']} "
                        f"(the boot and the init up to there; {args})", vcpus_last_cpu)
    if len(sets) > VMX_CPUS:
        hello_last, vcpus_last = sets[-1]
        lines += vcpu_table(f"### Bochs guest=vmx: at the last hello (CPU {hello_last['cpu']}, after its replug)",
                            vcpus_last)
    lines += ["The hello lines (the calling vCPU's own counts): " + "; ".join(
        f"cpu={h['cpu']} exits={h['exits']:,} apic={h['apic']:,} cpuid={h['cpuid']:,} msr={h['msr']:,} "
        f"nmi={h['nmi']:,} ipi={h['ipi']:,} dropped={h['dropped']:,}" for h, _ in sets), ""]
    return lines


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--output", default=str(ROOT / "build" / "bench" / "payload.md"))
    ap.add_argument("--runs", type=int, default=5, help="rounds of part 2 (at least 5)")
    ap.add_argument("--svm-runs", type=int, default=5, help="rounds of part 3, guest=svm (at least 3)")
    ap.add_argument("--vmx-runs", type=int, default=3, help="rounds of part 4, guest=vmx under Bochs (at least 2)")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    args = ap.parse_args()
    parts = args.parts.split(",")
    if not parts or any(p not in PARTS for p in parts):
        sys.exit(f"bench-payload: --parts takes {', '.join(PARTS)}, not '{args.parts}'")
    build = Path(args.build_dir)
    image, kernel, initrd = build / "ebp" / "relboot.elf", build / "linux" / "vmlinuz", build / "linux" / "initramfs.cpio.gz"
    for f in (image, kernel, initrd):
        if not f.exists():
            sys.exit(f"bench-payload: {f} is missing (make payload-inputs all)")
    runs = max(args.runs, 5)

    work = Path(tempfile.mkdtemp(prefix="relboot-bench-payload."))
    relboot_iso, grub_iso = work / "relboot.iso", work / "grub-linux.iso"
    mkiso = str(ROOT / "grub" / "mkiso")
    if "icount" in parts or "wall" in parts:
        subprocess.run([mkiso, "--image", str(image), "--cmdline", "", "--module", str(kernel), "--module-args",
                        KERNEL_ARGS, "--module", str(initrd), "--output", str(relboot_iso)], check=True)
    if "wall" in parts:
        subprocess.run([mkiso, "--linux", str(kernel), "--initrd", str(initrd), "--linux-args", KERNEL_ARGS,
                        "--output", str(grub_iso)], check=True)
    qemu_boot, linux_boot = str(ROOT / "tools" / "qemu-boot"), str(ROOT / "tools" / "linux-boot")

    version = (build / "linux" / "version").read_text().split()
    lines = [
        "# relboot payload benchmark",
        "",
        f"- kernel: Debian {version[0] if version else '?'} {version[1] if len(version) > 1 else ''}; "
        f"kernel command line `{KERNEL_ARGS}`; SeaBIOS, {MEM}, BASE=ebp, empty relboot command line",
        "- wall time: interleaved rounds, one boot at a time, minimum (QEMU start to the init's exit)",
        "",
    ]
    if "icount" in parts or "wall" in parts:
        lines += ["| measurement | value |", "| --- | ---: |"]

    # 1. Instructions.
    if "icount" in parts:
        log, _ = run([qemu_boot, "--iso", str(relboot_iso), "--report", "--icount", "--mem", MEM, "--timeout", "300"])
        tsc, copied = TSC_RE.search(log), COPIED_RE.search(log)
        if not (tsc and copied and exit_status(log) == "33"):
            print(log[-3000:], file=sys.stderr)
            sys.exit("bench-payload: the -icount boot through relboot failed")
        payload, copy, total = map(int, tsc.groups())
        pm_size, copied_bytes, initrd_size = map(int, copied.groups())
        lines += [
            f"| instructions, relboot's entry -> the kernel's entry (`entry_to_kernel`) | {total:,} |",
            f"| &nbsp; of which the moves (`copy`: protected-mode code, and the initrd when it moves) | {copy:,} |",
            f"| &nbsp; without the moves | {total - copy:,} |",
            f"| &nbsp; the launcher apart from the moves (`payload`: checks, placement, zero page, e820; target 5,000) "
            f"| {payload:,} |",
            f"| bytes copied for the kernel (`copied=`: its protected-mode code, {pm_size:,} bytes, once; "
            f"initrd {initrd_size:,} bytes) | {copied_bytes:,} |",
        ]

    # 2. Wall time, interleaved.
    if "wall" in parts:
        ways = {
            "relboot": [linux_boot, "--iso", str(relboot_iso), "--mem", MEM, "--timeout", "300"],
            "grub-linux": [linux_boot, "--iso", str(grub_iso), "--mem", MEM, "--timeout", "300"],
            "qemu-kernel": [linux_boot, "--kernel", str(kernel), "--initrd", str(initrd), "--append", KERNEL_ARGS,
                            "--mem", MEM, "--timeout", "300"],
        }
        times: dict[str, list[float]] = {w: [] for w in ways}
        for r in range(runs):
            for way, cmd in ways.items():
                log, seconds = run(cmd)
                if exit_status(log) != "33" or "relboot-test-init: marker" not in log:
                    fail(log, f"{way} boot {r + 1}")
                times[way].append(seconds)
                print(f"bench-payload: round {r + 1}/{runs} {way} {seconds:.2f} s", file=sys.stderr)
        best = {w: min(t) for w, t in times.items()}
        for way in ways:
            lines.append(f"| wall time, {way} (min of {runs}; all: {', '.join(f'{t:.2f}' for t in times[way])}) s "
                         f"| {best[way]:.2f} |")
        ratio = best["relboot"] / best["grub-linux"]
        lines.append(f"| relboot / grub-linux (target <= 1.02) | {ratio:.3f} ({'met' if ratio <= 1.02 else 'not met'}) |")
        lines.append(f"| relboot / qemu-kernel | {best['relboot'] / best['qemu-kernel']:.3f} |")

    # 3. guest=svm against native at -smp 1 and 4; the exits per vCPU; the APIC accesses AVIC would serve.
    if "svm" in parts:
        lines += part_svm(image, kernel, initrd, max(args.svm_runs, 3), work)

    # 4. guest=vmx against native under Bochs; the exits per vCPU.
    if "vmx" in parts:
        lines += part_vmx(image, kernel, initrd, max(args.vmx_runs, 2), work)

    text = "\n".join(lines) + "\n"
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
