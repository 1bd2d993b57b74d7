#!/usr/bin/env python3
"""relboot's payload benchmark (`make bench`, after tools/bench.py).

What it measures, with Debian's kernel and the test initramfs
(build/linux, `make payload-inputs`), SeaBIOS, 256 MiB, BASE=ebp:

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
3. guest=svm against the native launch: the same relboot image, kernel,
   initramfs and kernel command line, entered through qemu -kernel
   (multiboot1, no GRUB) with -cpu max, relboot's command line empty or
   `guest=svm`; interleaved, --runs rounds, minimum of each.  The SVM boots
   pass `relboot.svm-hello`, so the test init makes the hello hypercall
   after its marker and relboot's line counts the exits up to there:
       relboot: guest hypercall rax=0x72656c62 insn=vmmcall cpl=3 cpu=0 exits=<n> cpuid=<n> msr=<n> ...
   (the rest: the hypercall itself and any other).  The target: within 1.5x
   of native.

It writes a Markdown table to --output and stdout.  It exits 1 when a boot
fails.  Reproduce:
    make payload-inputs all && python3 tools/bench-payload.py --output build/bench/payload.md
"""
from __future__ import annotations

import argparse
import re
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
HELLO_RE = re.compile(r"^relboot: guest hypercall rax=0x72656c62 insn=vmmcall cpl=(\d+) cpu=\d+ exits=(\d+) "
                      r"cpuid=(\d+) msr=(\d+) ", re.M)
SVM_TARGET = 1.5


def run(cmd: list[str]) -> tuple[str, float]:
    start = time.monotonic()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, errors="replace").stdout
    return out, time.monotonic() - start


def exit_status(log: str) -> str:
    m = EXIT_RE.search(log)
    return m.group(1) if m else "missing"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--output", default=str(ROOT / "build" / "bench" / "payload.md"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    build = Path(args.build_dir)
    image, kernel, initrd = build / "ebp" / "relboot.elf", build / "linux" / "vmlinuz", build / "linux" / "initramfs.cpio.gz"
    for f in (image, kernel, initrd):
        if not f.exists():
            sys.exit(f"bench-payload: {f} is missing (make payload-inputs all)")
    runs = max(args.runs, 5)

    work = Path(tempfile.mkdtemp(prefix="relboot-bench-payload."))
    relboot_iso, grub_iso = work / "relboot.iso", work / "grub-linux.iso"
    mkiso = str(ROOT / "grub" / "mkiso")
    subprocess.run([mkiso, "--image", str(image), "--cmdline", "", "--module", str(kernel), "--module-args",
                    KERNEL_ARGS, "--module", str(initrd), "--output", str(relboot_iso)], check=True)
    subprocess.run([mkiso, "--linux", str(kernel), "--initrd", str(initrd), "--linux-args", KERNEL_ARGS,
                    "--output", str(grub_iso)], check=True)
    qemu_boot, linux_boot = str(ROOT / "tools" / "qemu-boot"), str(ROOT / "tools" / "linux-boot")

    # 1. Instructions.
    log, _ = run([qemu_boot, "--iso", str(relboot_iso), "--report", "--icount", "--mem", MEM, "--timeout", "300"])
    tsc, copied = TSC_RE.search(log), COPIED_RE.search(log)
    if not (tsc and copied and exit_status(log) == "33"):
        print(log[-3000:], file=sys.stderr)
        sys.exit("bench-payload: the -icount boot through relboot failed")
    payload, copy, total = map(int, tsc.groups())
    pm_size, copied_bytes, initrd_size = map(int, copied.groups())

    # 2. Wall time, interleaved.
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
                print(log[-3000:], file=sys.stderr)
                sys.exit(f"bench-payload: {way} boot {r + 1} failed (qemu-exit={exit_status(log)})")
            times[way].append(seconds)
            print(f"bench-payload: round {r + 1}/{runs} {way} {seconds:.2f} s", file=sys.stderr)
    best = {w: min(t) for w, t in times.items()}

    # 3. guest=svm against native, interleaved; exits by reason from the hello line.
    multiboot1 = [linux_boot, "--kernel", str(image), "--cpu", "max", "--mem", MEM, "--timeout", "300"]
    svm_ways = {
        "native": multiboot1 + ["--append", "", "--", "-initrd", f"{kernel} {KERNEL_ARGS},{initrd}"],
        "svm": multiboot1 + ["--append", "guest=svm", "--", "-initrd",
                             f"{kernel} {KERNEL_ARGS} relboot.svm-hello,{initrd}"],
    }
    svm_times: dict[str, list[float]] = {w: [] for w in svm_ways}
    exits: list[tuple[int, int, int]] = []
    for r in range(runs):
        for way, cmd in svm_ways.items():
            log, seconds = run(cmd)
            hello = HELLO_RE.search(log)
            if exit_status(log) != "33" or "relboot-test-init: marker" not in log or (way == "svm" and not hello):
                print(log[-3000:], file=sys.stderr)
                sys.exit(f"bench-payload: {way} boot {r + 1} failed (qemu-exit={exit_status(log)})")
            if hello:
                exits.append(tuple(map(int, hello.group(2, 3, 4))))
            svm_times[way].append(seconds)
            print(f"bench-payload: round {r + 1}/{runs} guest={way} {seconds:.2f} s", file=sys.stderr)
    svm_best = {w: min(t) for w, t in svm_times.items()}

    version = (build / "linux" / "version").read_text().split()
    lines = [
        "# relboot payload benchmark",
        "",
        f"- kernel: Debian {version[0] if version else '?'} {version[1] if len(version) > 1 else ''}; "
        f"kernel command line `{KERNEL_ARGS}`; SeaBIOS, {MEM}, BASE=ebp, empty relboot command line",
        f"- wall time: {runs} interleaved rounds, one boot at a time, minimum (QEMU start to the init's exit)",
        "",
        "| measurement | value |",
        "| --- | ---: |",
        f"| instructions, relboot's entry -> the kernel's entry (`entry_to_kernel`) | {total:,} |",
        f"| &nbsp; of which the moves (`copy`: protected-mode code, and the initrd when it moves) | {copy:,} |",
        f"| &nbsp; without the moves | {total - copy:,} |",
        f"| &nbsp; the launcher apart from the moves (`payload`: checks, placement, zero page, e820; target 5,000) "
        f"| {payload:,} |",
        f"| bytes copied for the kernel (`copied=`: its protected-mode code, {pm_size:,} bytes, once; "
        f"initrd {initrd_size:,} bytes) | {copied_bytes:,} |",
    ]
    for way in ways:
        lines.append(f"| wall time, {way} (min of {runs}; all: {', '.join(f'{t:.2f}' for t in times[way])}) s "
                     f"| {best[way]:.2f} |")
    ratio = best["relboot"] / best["grub-linux"]
    lines.append(f"| relboot / grub-linux (target <= 1.02) | {ratio:.3f} ({'met' if ratio <= 1.02 else 'not met'}) |")
    lines.append(f"| relboot / qemu-kernel | {best['relboot'] / best['qemu-kernel']:.3f} |")
    for way in svm_ways:
        lines.append(f"| wall time, qemu -kernel relboot, guest={way}, -cpu max (min of {runs}; all: "
                     f"{', '.join(f'{t:.2f}' for t in svm_times[way])}) s | {svm_best[way]:.2f} |")
    svm_ratio = svm_best["svm"] / svm_best["native"]
    lines.append(f"| guest=svm / native (target <= {SVM_TARGET}) | {svm_ratio:.3f} "
                 f"({'met' if svm_ratio <= SVM_TARGET else 'not met'}) |")
    total_exits, cpuid, msr = exits[0]
    same = all(e == exits[0] for e in exits)
    lines.append(f"| SVM exits up to the init's hello hypercall{'' if same else ' (first run; they varied)'}: "
                 f"total / cpuid / msr / other (vmmcall included) | {total_exits} / {cpuid} / {msr} / "
                 f"{total_exits - cpuid - msr} |")
    text = "\n".join(lines) + "\n"
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
