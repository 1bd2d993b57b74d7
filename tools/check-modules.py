#!/usr/bin/env python3
"""Checks relboot's `relboot: module <n> start= end= crc32= "<args>"` lines
against the module files themselves (CRC-32 computed here with zlib, sizes,
arguments, order) and where GRUB put them relative to the image.

usage: check-modules.py LOG --module FILE[=ARGS] ... [--where before|after|any]
"""
import argparse
import re
import sys
import zlib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--module", action="append", default=[], help="FILE or FILE=ARGS, in MBI order")
    ap.add_argument("--where", choices=["before", "after", "any"], default="any",
                    help="every module must lie below (before) or above (after) the image")
    args = ap.parse_args()
    text = open(args.log, encoding="utf-8", errors="replace").read()
    base = re.search(r"^relboot: base load=0x([0-9a-f]{8})", text, re.M)
    lines = re.findall(r'^relboot: module (\d+) start=0x([0-9a-f]{8}) end=0x([0-9a-f]{8}) '
                       r'crc32=0x([0-9a-f]{8}) "(.*)"$', text, re.M)
    errors = []
    if len(lines) != len(args.module):
        errors.append(f"{len(lines)} module lines, expected {len(args.module)}")
    load = int(base.group(1), 16) if base else None
    if load is None:
        errors.append("no base line")
    for i, (spec, line) in enumerate(zip(args.module, lines)):
        path, _, margs = spec.partition("=")
        data = open(path, "rb").read()
        n, start, end, crc, shown = int(line[0]), int(line[1], 16), int(line[2], 16), int(line[3], 16), line[4]
        if n != i:
            errors.append(f"module line {i} is numbered {n}")
        if end - start != len(data):
            errors.append(f"module {i}: end - start = {end - start}, file has {len(data)} bytes")
        if crc != zlib.crc32(data):
            errors.append(f"module {i}: crc32=0x{crc:08x}, the file's is 0x{zlib.crc32(data):08x}")
        if shown != margs:
            errors.append(f'module {i}: arguments "{shown}", expected "{margs}"')
        if load is not None and args.where == "before" and end > load:
            errors.append(f"module {i} at 0x{start:08x} is not below the image at 0x{load:08x}")
        if load is not None and args.where == "after" and start < load:
            errors.append(f"module {i} at 0x{start:08x} is not above the image at 0x{load:08x}")
        if not errors:
            print(f"check-modules: module {i} 0x{start:08x}-0x{end:08x} crc32 0x{crc:08x} matches {path}")
    for e in errors:
        print(f"check-modules: FAIL: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
