#!/usr/bin/env python3
"""Checks the arithmetic invariants of a relboot boot log that FileCheck
cannot express: GRUB's own load_base_addr (its multiboot_loader debug
line), the EIP-derived base the image reports, and tag 21 all agree; the
base honours the relocatable tag; the image moved when it should have;
and the run ended with the expected QEMU exit status.

usage: check-report.py LOG [--exit N] [--moved | --not-moved] [--align A]
                           [--min M] [--max X] [--firmware bios|efi]
"""
import argparse
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--exit", default="33", help="expected qemu-exit value")
    ap.add_argument("--moved", action="store_true", help="load base must differ from the link base")
    ap.add_argument("--not-moved", action="store_true", help="load base must equal the link base")
    ap.add_argument("--align", type=lambda v: int(v, 0), default=0x200000)
    ap.add_argument("--min", type=lambda v: int(v, 0), default=0x200000)
    ap.add_argument("--max", type=lambda v: int(v, 0), default=0xFFFFFFFF)
    ap.add_argument("--firmware", choices=["bios", "efi"])
    args = ap.parse_args()

    text = open(args.log, encoding="utf-8", errors="replace").read()
    errors = []

    def need(cond, msg):
        if not cond:
            errors.append(msg)

    m = re.search(r"^qemu-exit=(\S+)$", text, re.M)
    need(m and m.group(1) == args.exit, f"qemu-exit={m.group(1) if m else 'missing'}, expected {args.exit}")

    grub = re.search(r"load_base_addr=0x([0-9a-f]+)", text)
    need(grub, "GRUB's multiboot_loader debug line with load_base_addr is missing")
    rep = re.search(r"^relboot: base load=0x([0-9a-f]{8}) link=0x([0-9a-f]{8}) "
                    r"tag21=(0x[0-9a-f]{8}|none) source=(tag21|eip)$", text, re.M)
    need(rep, "the report's base line is missing or malformed")
    if grub and rep:
        grub_base = int(grub.group(1), 16)
        load, link = int(rep.group(1), 16), int(rep.group(2), 16)
        tag21, source = rep.group(3), rep.group(4)
        need(load == grub_base, f"report load=0x{load:08x} but GRUB loaded at 0x{grub_base:08x}")
        need(tag21 != "none" and int(tag21, 16) == load, f"tag21={tag21} differs from load=0x{load:08x}")
        need(source == "tag21", f"source={source}, expected tag21 (tag 21 and EIP agree)")
        need(load % args.align == 0, f"load=0x{load:08x} is not aligned to 0x{args.align:x}")
        need(args.min <= load <= args.max, f"load=0x{load:08x} outside [0x{args.min:x}, 0x{args.max:x}]")
        if args.moved:
            need(load != link, f"load=0x{load:08x} equals link: GRUB did not move the image")
        if args.not_moved:
            need(load == link, f"load=0x{load:08x} differs from link=0x{link:08x}")
        fw = re.search(r"^relboot: loader=multiboot2 firmware=(bios|efi) mbi=0x([0-9a-f]{8})$", text, re.M)
        need(fw, "the report's loader line is missing or malformed")
        if fw and args.firmware:
            need(fw.group(1) == args.firmware, f"firmware={fw.group(1)}, expected {args.firmware}")

    if errors:
        for e in errors:
            print(f"check-report: FAIL: {e}")
        return 1
    print(f"check-report: ok load=0x{load:08x} (GRUB 0x{grub_base:08x}, tag21 {tag21}) link=0x{link:08x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
