#!/usr/bin/env python3
"""Checks that relboot's report reached the serial port whole: every byte
from the banner ("relboot: relboot ...") to the end of the raw serial log
belongs to a line that starts with "relboot: ", holds printable ASCII only
and ends in CR LF (docs/report.md).  A byte lost or mangled on the way (a
UART reprogrammed while a byte still shifts out: Bochs' 16550 models the
transmitter as hardware does) shows up as a NUL, a lone CR, a missing LF
or two lines run together.  FileCheck cannot see this: the boot tools drop
carriage returns, and it matches within lines.

usage: serial-lines.py LOG

LOG: COM1's raw bytes (tools/bochs-boot --serial).  What comes before the
banner (the firmware's and GRUB's output) is not relboot's and is skipped.
Prints each bad line with its number, byte offset and bytes, and exits 1;
prints the number of lines and exits 0 when all are whole.
"""
import sys

BANNER = b"relboot: relboot "
PREFIX = b"relboot: "
EOL = b"\r\n"


def bad_bytes(body):
    """What is wrong with a line's bytes between the prefix and CR LF, or None."""
    faults = []
    if b"\0" in body:
        faults.append("a NUL byte")
    if b"\r" in body:
        faults.append("a CR inside the line")
    if b"\n" in body:
        faults.append("an LF without CR")
    if any(b < 0x20 or b > 0x7e for b in body.replace(b"\0", b"").replace(b"\r", b"").replace(b"\n", b"")):
        faults.append("a byte outside printable ASCII")
    return ", ".join(faults) or None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = open(sys.argv[1], "rb").read()
    start = data.find(BANNER)
    if start < 0:
        print(f"serial-lines: no '{BANNER.decode()}' banner in {sys.argv[1]}")
        return 1
    report = data[start:]
    lines = report.split(EOL)
    # A report that ends in CR LF splits into the lines and one empty tail.
    tail = lines.pop()
    errors = []
    offset = start
    for number, line in enumerate(lines, 1):
        fault = None
        if not line.startswith(PREFIX):
            fault = "does not start with 'relboot: '"
        else:
            fault = bad_bytes(line[len(PREFIX):])
        if fault:
            errors.append(f"line {number} at byte {offset}: {fault}: {line + EOL!r}")
        offset += len(line) + len(EOL)
    if tail:
        errors.append(f"line {len(lines) + 1} at byte {offset}: no CR LF at the end of the log: {tail!r}")
    for error in errors:
        print(f"serial-lines: {error}")
    if errors:
        return 1
    print(f"serial-lines: {len(lines)} lines whole")
    return 0


if __name__ == "__main__":
    sys.exit(main())
