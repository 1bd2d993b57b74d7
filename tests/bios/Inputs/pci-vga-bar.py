#!/usr/bin/env python3
"""Boots relboot with qemu -kernel (SeaBIOS, std VGA) and, once relboot has
printed "relboot: ok" and halted (no debug-exit= on its command line), asks
QEMU's monitor for the VGA controller's BAR0 as SeaBIOS assigned it.  Prints
the serial log, then "pci-vga-bar0=0x<8 hex digits>" (or "pci-vga-bar0=none"),
so a test can compare relboot's "vga ... fb=" with what the PCI device says
rather than with a number written into the test.

usage: pci-vga-bar.py --kernel ELF --append "ARGS" [--mem SIZE] [--timeout S] [-- EXTRA QEMU ARGS]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--append", default="")
    ap.add_argument("--mem", default="128M")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as work:
        serial = os.path.join(work, "serial.log")
        qemu = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", args.mem, "-vga", "std",
             "-kernel", args.kernel, "-append", args.append, "-display", "none",
             "-serial", "file:" + serial, "-monitor", "stdio", "-no-reboot"] + args.extra,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + args.timeout
        log = ""
        while time.monotonic() < deadline and qemu.poll() is None:
            time.sleep(0.1)
            if os.path.exists(serial):
                with open(serial, errors="replace") as f:
                    log = f.read()
                if "relboot: ok" in log or "relboot: error" in log:
                    break
        monitor = ""
        if qemu.poll() is None:
            monitor, _ = qemu.communicate("info pci\nquit\n", timeout=30)
        else:
            qemu.wait()
        with open(serial, errors="replace") as f:
            log = f.read()
    sys.stdout.write(log.replace("\r", ""))
    # "Bus 0, device 2, function 0:\n  VGA controller: PCI device 1234:1111\n ... BAR0: 32 bit prefetchable memory at 0xfd000000 [...]"
    bar = None
    for block in re.split(r"\n\s*Bus ", monitor):
        if "VGA controller" in block:
            m = re.search(r"BAR0: 32 bit (?:prefetchable )?memory at 0x([0-9a-f]+)", block)
            if m:
                bar = int(m.group(1), 16)
            break
    print("pci-vga-bar0=" + (f"0x{bar:08x}" if bar is not None else "none"))


if __name__ == "__main__":
    main()
