"""Compares the e820 RAM of a GRUB `linux` boot and a relboot boot (see e820-vs-grub.test)."""
import re
import sys


def e820(log_path):
    text = open(log_path, encoding="utf-8", errors="replace").read()
    assert "relboot-test-init: result pass" in text, f"{log_path}: the test init did not pass"
    entries = [(int(a, 16), int(s, 16), int(t)) for a, s, t in
               re.findall(r"^relboot-test-init: e820 \d+ 0x([0-9a-f]+) 0x([0-9a-f]+) (\d+)$", text, re.M)]
    assert entries, f"{log_path}: no e820 lines"
    return text, entries


def ram(entries):
    return sum(size for _, size, typ in entries if typ == 1)


_, grub = e820(sys.argv[1])
text, relboot = e820(sys.argv[2])
syms = {p[2]: int(p[0], 16) for p in (l.split() for l in open(sys.argv[3])) if len(p) == 3}
image_size = syms["__image_size"]
load = int(re.search(r"^relboot: base load=0x([0-9a-f]{8})", text, re.M).group(1), 16)

# relboot's image is one reserved entry of exactly its size, at its load base.
assert (load, image_size, 2) in relboot, f"no reserved e820 entry [0x{load:x}, +0x{image_size:x}) for relboot's image"
# Every other byte keeps GRUB's type: the RAM differs by the image alone.
assert ram(grub) - ram(relboot) == image_size, \
    f"RAM: GRUB {ram(grub):#x}, relboot {ram(relboot):#x}, difference {ram(grub) - ram(relboot):#x} != image {image_size:#x}"
print(f"ok: RAM {ram(relboot):#x} = GRUB's {ram(grub):#x} - relboot's image {image_size:#x}")
