#!/usr/bin/env python3
"""Checks relboot's memory map through the test loader's mmap-split= runs.

  memory-map-check.py same PLAIN SPLIT ENTRIES
      SPLIT's MBI handed over at least ENTRIES memory-map entries (the
      loader's "memory map ... entries=" line); relboot merged them back:
      its "memory" line has the ranges and top of PLAIN's (the same machine
      without the split), and usable RAM less only what the larger MBI
      takes (relboot keeps the MBI in use): the KiB differ by the MBI's
      growth, rounded.  Neither run has a warning.

  memory-map-check.py capped LOG PIECES SIZE
      LOG (loglvl=debug) ran with mmap-split=PIECES:SIZE:holes and more
      ranges than relboot's table holds: exactly one warning, which names
      the ranges dropped and the lowest address dropped; the map holds the
      cap's ranges, the last ending at or below that address, which is a
      piece's base; at least the handed-over ranges from it up are
      counted dropped.

  memory-map-check.py kernel LOG
      LOG (relboot with loglvl=debug launching Linux, whose log is on the
      console) holds more than 128 e820 entries: relboot's memory map,
      converted as the launcher converts it (usable, module and boot-data
      RAM; ACPI data, ACPI NVS, unusable; relboot's image and anything else
      reserved; neighbours of one type merged), is exactly the kernel's
      "extended:" table (the zero page's 128 and the SETUP_E820_EXT node's,
      joined), and its first 128 entries are exactly the "BIOS-e820:" lines.

Exits 1 with a message on the first failure.
"""
import re
import sys

SPLIT_BASE = 0x10000000
MEMORY_MAP_MAX = 1024  # arch/x86/boot/boot_state.h


def fail(msg):
    print("memory-map-check: " + msg)
    sys.exit(1)


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def one(pattern, text, what):
    found = re.findall(pattern, text, re.M)
    if len(found) != 1:
        fail("expected one %s line, found %d" % (what, len(found)))
    return found[0]


def memory_line(text):
    kib, ranges, top = one(r"^relboot: memory usable_kib=(\d+) ranges=(\d+) top=0x([0-9a-f]{16})$", text, "memory")
    return int(kib), int(ranges), int(top, 16)


def mbi_total(text):
    return int(one(r"^testloader: base=.* total_size=0x([0-9a-f]{8}) ", text, "testloader base"), 16)


def warnings(text):
    return re.findall(r"^relboot: warning: .*$", text, re.M)


def same(plain_path, split_path, entries):
    plain, split = read(plain_path), read(split_path)
    for name, text in (("plain", plain), ("split", split)):
        if warnings(text):
            fail("%s run warned: %s" % (name, warnings(text)))
        if not re.search(r"^relboot: ok$", text, re.M):
            fail("%s run did not end in relboot: ok" % name)
    handed = int(one(r"^testloader: memory map tag=\d+ entries=(\d+)$", split, "testloader memory map"))
    if handed < int(entries):
        fail("the split MBI handed over %d entries, expected at least %s" % (handed, entries))
    kib_p, ranges_p, top_p = memory_line(plain)
    kib_s, ranges_s, top_s = memory_line(split)
    if (ranges_s, top_s) != (ranges_p, top_p):
        fail("split: ranges=%d top=0x%x, expected the plain run's ranges=%d top=0x%x"
             % (ranges_s, top_s, ranges_p, top_p))
    grown = mbi_total(split) - mbi_total(plain)
    lost = (kib_p - kib_s) * 1024
    if not (grown - 1024 < lost < grown + 1024):
        fail("split: usable_kib=%d, plain %d: %d bytes less, expected the MBI's growth, %d bytes"
             % (kib_s, kib_p, lost, grown))
    print("memory-map-check: %d entries merged to %d ranges, usable_kib=%d (plain %d, MBI +%d bytes)"
          % (handed, ranges_s, kib_s, kib_p, grown))


def capped(path, pieces, size):
    text = read(path)
    pieces, size = int(pieces), int(size, 16)
    found = warnings(text)
    if len(found) != 1:
        fail("expected one warning, found %s" % found)
    m = re.match(r"relboot: warning: more than %d memory ranges after merging; (\d+) ranges from "
                 r"0x([0-9a-f]{16}) up are not passed on$" % MEMORY_MAP_MAX, found[0])
    if not m:
        fail("unexpected warning: " + found[0])
    dropped, cut = int(m.group(1)), int(m.group(2), 16)
    kib, ranges, top = memory_line(text)
    if ranges != MEMORY_MAP_MAX:
        fail("ranges=%d, expected the cap %d" % (ranges, MEMORY_MAP_MAX))
    listed = [(int(b, 16), int(s, 16)) for b, s in
              re.findall(r"^relboot: debug: memory base=0x([0-9a-f]{16}) size=0x([0-9a-f]{16}) type=", text, re.M)]
    if len(listed) != ranges or listed[-1][0] + listed[-1][1] > cut:
        fail("%d ranges listed, the last ending at 0x%x: expected %d, all below the cut 0x%x"
             % (len(listed), listed[-1][0] + listed[-1][1], ranges, cut))
    if cut < SPLIT_BASE or (cut - SPLIT_BASE) % size or (cut - SPLIT_BASE) // size >= pieces:
        fail("cut 0x%x is not the base of one of the %d pieces" % (cut, pieces))
    above = pieces - (cut - SPLIT_BASE) // size
    if dropped < above:
        fail("%d ranges counted dropped, fewer than the %d pieces from the cut up" % (dropped, above))
    print("memory-map-check: cap reached, %d ranges dropped from 0x%x (%d pieces from there)" % (dropped, cut, above))


E820_NAMES = {"usable": "usable", "module": "usable", "boot-data": "usable", "acpi-reclaimable": "ACPI data",
              "acpi-nvs": "ACPI NVS", "bad": "unusable"}


def kernel(path):
    text = read(path)
    ranges = re.findall(r"^relboot: debug: memory base=0x([0-9a-f]{16}) size=0x([0-9a-f]{16}) type=(\S+)$", text, re.M)
    want = []
    for base, size, kind in ranges:
        base, end, name = int(base, 16), int(base, 16) + int(size, 16), E820_NAMES.get(kind, "reserved")
        if want and want[-1][1] == base and want[-1][2] == name:
            want[-1][1] = end
        else:
            want.append([base, end, name])
    lines = ["[mem 0x%016x-0x%016x] %s" % (b, e - 1, n) for b, e, n in want]
    bios = re.findall(r"\] BIOS-e820: (\[mem .*)$", text, re.M)
    extended = re.findall(r"\] extended: (\[mem .*)$", text, re.M)
    if len(lines) <= 128:
        fail("relboot's map converts to %d e820 entries, expected more than 128" % len(lines))
    if bios != lines[:128]:
        fail("the %d BIOS-e820 lines differ from relboot's first 128 e820 entries" % len(bios))
    if extended != lines:
        missing = [l for l in lines if l not in extended]
        fail("the kernel's %d extended lines differ from relboot's %d e820 entries; first missing: %s"
             % (len(extended), len(lines), missing[:1]))
    print("memory-map-check: the kernel has all %d e820 entries, 128 from the zero page" % len(lines))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "same":
        same(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "capped":
        capped(*sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "kernel":
        kernel(sys.argv[2])
    else:
        fail("usage: memory-map-check.py same PLAIN SPLIT ENTRIES | capped LOG PIECES SIZE | kernel LOG")
