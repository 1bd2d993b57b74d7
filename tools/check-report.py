#!/usr/bin/env python3
"""Checks a relboot boot log against docs/report.md, the report contract.
The lines' order and formats are FileCheck's part (the tests' CHECK lines,
tests/boot/Inputs/report-ok.check for a whole report, follow
docs/report.md's order); this script checks the arithmetic invariants of
those lines that FileCheck cannot express: GRUB's own load_base_addr (its
multiboot_loader debug line), the EIP-derived base the image reports, and
tag 21 all agree; the base honours the relocatable tag; the image moved
when it should have; the run ended with the expected QEMU exit status; and
the hand-off lines (memory, acpi, efi) are plausible for the firmware and
the RAM size.

usage: check-report.py LOG [--exit N] [--moved | --not-moved] [--align A]
                           [--min M] [--max X] [--firmware bios|efi] [--mem SIZE]
                           [--loader grub|multiboot1|pvh] [--entry i386|efi64]

--loader multiboot1|pvh (QEMU's -kernel): no GRUB line; the image sits at
its link address, tag21=none source=eip, and the loader line names the
protocol with info=.

--entry (GRUB, multiboot2): the loader line's entry=; by default efi64 with
--firmware efi (the default build carries the EFI amd64 entry's tags 7 and
9) and i386 otherwise; an EFI_BS=no image on OVMF takes --entry i386.

--firmware bios: the acpi line's RSDP lies in the EBDA (below 0xa0000,
source=ebda) or in 0xe0000..0xfffff (source=bios-rom; with --loader pvh
source=pvh, where QEMU found it), and there is no efi line.  --firmware efi: source=efi and an efi line with a non-zero system
table and at least one memory-map entry.
--mem SIZE (QEMU's -m, e.g. 512M): usable_kib lies within MEM_SLACK_KIB of
SIZE, and top lies above SIZE - MEM_SLACK_KIB and at most 1 GiB above SIZE
(QEMU's pc machine moves RAM past its 3 GiB mark above 4 GiB, the PCI hole).
"""
import argparse
import re
import sys


# usable_kib may fall short of -m by the firmware's holes and reservations
# (BIOS: the 384 KiB below 1 MiB and the top 128 KiB; OVMF: its own
# runtime and reserved ranges, a few MiB), by the MBI and modules, and by
# relboot's image, which the memory map reserves whole: IMAGE_KIB_MAX is
# its memory size (__image_size, 4,252 KiB with the per-CPU and per-vCPU
# areas for 64 CPUs: docs/performance.md) rounded up, so that an image
# that grows past it fails here.
IMAGE_KIB_MAX = 4608
MEM_SLACK_KIB = {"bios": 4 * 1024 + IMAGE_KIB_MAX, "efi": 16 * 1024 + IMAGE_KIB_MAX}


def parse_size_kib(text):
    m = re.fullmatch(r"(\d+)([KMG]?)", text)
    if not m:
        raise SystemExit(f"check-report: bad --mem {text}")
    return int(m.group(1)) * {"K": 1, "M": 1024, "G": 1024 * 1024, "": 1}[m.group(2)] // (1 if m.group(2) else 1024)


def check_handoff_lines(text, args, need):
    mem = re.search(r"^relboot: memory usable_kib=(\d+) ranges=(\d+) top=0x([0-9a-f]{16})$", text, re.M)
    acpi = re.search(r"^relboot: acpi rsdp=(0x[0-9a-f]{16}|none) source=(efi|ebda|bios-rom|pvh|none)$", text, re.M)
    efi = re.search(r"^relboot: efi systab=0x([0-9a-f]{16}) mmap_entries=(\d+)$", text, re.M)
    need(mem, "the report's memory line is missing or malformed")
    need(acpi, "the report's acpi line is missing or malformed")
    if args.mem and mem:
        mem_kib = parse_size_kib(args.mem)
        usable, top = int(mem.group(1)), int(mem.group(3), 16)
        slack = MEM_SLACK_KIB[args.firmware or "bios"]
        need(mem_kib - slack <= usable <= mem_kib,
             f"usable_kib={usable}, expected within {slack} KiB below -m {args.mem} ({mem_kib} KiB)")
        need((mem_kib - slack) * 1024 <= top <= (mem_kib + 1024 * 1024) * 1024,
             f"top=0x{top:x}, expected between -m {args.mem} and 1 GiB above it")
    if args.firmware and acpi:
        rsdp = None if acpi.group(1) == "none" else int(acpi.group(1), 16)
        source = acpi.group(2)
        if args.firmware == "bios":
            need(efi is None, "an efi line on BIOS")
            want = ("pvh",) if args.loader == "pvh" else ("ebda", "bios-rom")
            need(source in want, f"acpi source={source}, expected {' or '.join(want)} on BIOS")
            if rsdp is not None and source in ("bios-rom", "pvh"):
                need(0xE0000 <= rsdp < 0x100000 and rsdp % 16 == 0,
                     f"acpi rsdp=0x{rsdp:x} outside 0xe0000..0xfffff (16-byte aligned)")
            if rsdp is not None and source == "ebda":
                need(0x400 <= rsdp < 0xA0000 and rsdp % 16 == 0, f"acpi rsdp=0x{rsdp:x} outside the EBDA")
        else:
            need(source == "efi" and rsdp, f"acpi source={source} rsdp={acpi.group(1)}, expected the EFI config table's")
            need(efi and int(efi.group(1), 16) != 0 and int(efi.group(2)) > 0,
                 "the efi line is missing, or has no system table or no memory-map entries")


def check_direct(text, args, rep, need):
    """A multiboot1 or PVH boot by QEMU's -kernel: no relocation, no tag 21, no warning about it."""
    if rep:
        load, link = int(rep.group(1), 16), int(rep.group(2), 16)
        need(load == link, f"load=0x{load:08x} differs from link=0x{link:08x}: {args.loader} does not relocate")
        need(rep.group(3) == "none" and rep.group(4) == "eip",
             f"tag21={rep.group(3)} source={rep.group(4)}, expected tag21=none source=eip")
    need(not re.search(r"^relboot: warning: .*tag \(21\)", text, re.M),
         f"a warning about tag 21, which {args.loader} cannot give")
    fw = re.search(rf"^relboot: loader={args.loader} firmware=(bios|efi) info=0x([0-9a-f]{{8}})$", text, re.M)
    need(fw, f"the report's loader line (loader={args.loader} ... info=) is missing or malformed")
    if fw and args.firmware:
        need(fw.group(1) == args.firmware, f"firmware={fw.group(1)}, expected {args.firmware}")


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
    ap.add_argument("--mem", help="QEMU's -m (e.g. 1G): check the memory line against it")
    ap.add_argument("--loader", choices=["grub", "multiboot1", "pvh"], default="grub")
    ap.add_argument("--entry", choices=["i386", "efi64"], help="multiboot2 entry (default: efi64 on EFI, else i386)")
    args = ap.parse_args()

    text = open(args.log, encoding="utf-8", errors="replace").read()
    errors = []

    def need(cond, msg):
        if not cond:
            errors.append(msg)

    m = re.search(r"^qemu-exit=(\S+)$", text, re.M)
    need(m and m.group(1) == args.exit, f"qemu-exit={m.group(1) if m else 'missing'}, expected {args.exit}")

    rep = re.search(r"^relboot: base load=0x([0-9a-f]{8}) link=0x([0-9a-f]{8}) "
                    r"tag21=(0x[0-9a-f]{8}|none) source=(tag21|eip)$", text, re.M)
    need(rep, "the report's base line is missing or malformed")
    if args.loader != "grub":
        check_direct(text, args, rep, need)
        check_handoff_lines(text, args, need)
        for e in errors:
            print(f"check-report: FAIL: {e}")
        if not errors:
            print(f"check-report: ok {args.loader} at the link address")
        return 1 if errors else 0
    grub = re.search(r"load_base_addr=0x([0-9a-f]+)", text)
    need(grub, "GRUB's multiboot_loader debug line with load_base_addr is missing")
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
        fw = re.search(r"^relboot: loader=multiboot2 firmware=(bios|efi) entry=(i386|efi64) mbi=0x([0-9a-f]{8})$",
                       text, re.M)
        need(fw, "the report's loader line is missing or malformed")
        if fw and args.firmware:
            need(fw.group(1) == args.firmware, f"firmware={fw.group(1)}, expected {args.firmware}")
        entry = args.entry or ("efi64" if args.firmware == "efi" else "i386")
        if fw:
            need(fw.group(2) == entry, f"entry={fw.group(2)}, expected {entry}")

    check_handoff_lines(text, args, need)

    if errors:
        for e in errors:
            print(f"check-report: FAIL: {e}")
        return 1
    print(f"check-report: ok load=0x{load:08x} (GRUB 0x{grub_base:08x}, tag21 {tag21}) link=0x{link:08x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
