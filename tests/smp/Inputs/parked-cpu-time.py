#!/usr/bin/env python3
"""Whether relboot's parked CPUs take host time (handoff.h: parked APs halt).

Boots an image through QEMU's multiboot1 loader (-kernel, SeaBIOS, TCG)
with the given command line and no debug-exit= option, so that relboot
halts the BSP after its report (its "ok" line) and QEMU keeps running.
Then it reads QEMU's CPU time (utime + stime, /proc/<pid>/stat) twice,
--window seconds apart, and stops QEMU.  Every vCPU is a host thread
under TCG: a halted one sleeps, a spinning one keeps a host core busy
(with three spinning APs QEMU took about 2 s of CPU per second on a
2-core host).  Prints the serial log, then

    qemu cpu_ms=<n> window_ms=<n> idle=<yes|no>

idle=yes when QEMU used less than --limit (a fraction of one core) over
the window.  Exit status 0 when QEMU ran and the "ok" line came, else 1.

usage: parked-cpu-time.py IMAGE [--append ARGS] [--window S] [--limit F] -- QEMU ARGS
"""
import argparse
import os
import select
import subprocess
import sys
import time


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])    # utime, stime (fields 14 and 15 of proc(5))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("--append", default="")
    ap.add_argument("--window", type=float, default=2.0, help="seconds measured (default 2)")
    ap.add_argument("--limit", type=float, default=0.25, help="largest idle share of one core (default 0.25)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the ok line")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = ap.parse_args(argv[:split])
    args.qemu_args = argv[split + 1:]

    cmd = ["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", "128M", "-display", "none",
           "-monitor", "none", "-serial", "stdio", "-no-reboot", "-kernel", args.image,
           "-append", args.append] + args.qemu_args
    qemu = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log, ok = b"", False
    deadline = time.monotonic() + args.timeout
    try:
        while not ok and time.monotonic() < deadline and qemu.poll() is None:
            ready, _, _ = select.select([qemu.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(qemu.stdout.fileno(), 65536)
                log += chunk
                ok = b"relboot: ok" in log
        if ok:
            hz = os.sysconf("SC_CLK_TCK")
            before = cpu_ticks(qemu.pid)
            time.sleep(args.window)
            used_ms = (cpu_ticks(qemu.pid) - before) * 1000 // hz
    finally:
        qemu.kill()
        rest, _ = qemu.communicate()
        log += rest or b""
    sys.stdout.write(log.decode(errors="replace"))
    if not ok:
        print("qemu: no 'relboot: ok' line")
        return 1
    window_ms = int(args.window * 1000)
    print(f"qemu cpu_ms={used_ms} window_ms={window_ms} idle={'yes' if used_ms < args.limit * window_ms else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
