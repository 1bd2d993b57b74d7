"""Applies the image's own AP-trampoline relocation list to its own blob
(see trampoline-reloc.test) and checks what the list patches.

Reads the symbols trampoline_start/_end and trampoline_rel_start/_end and
the bytes of the ELF's loaded segments, adds a page address to each listed
32-bit word, as trampoline_relocate() does at run time, and checks each
site: the two far jumps (66 EA in 16-bit code, EA in 32-bit code) land
inside the relocated page, and the lgdt operand's base is the blob's GDT,
whose descriptors 1..3 are relboot's SEL_CODE32, SEL_DATA and SEL_CODE64.
Prints one line per site; any other kind of site fails.
"""
import struct
import subprocess
import sys

path, page = sys.argv[1], int(sys.argv[2], 0)
data = open(path, "rb").read()
syms = {}
for line in subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3:
        syms[parts[2]] = int(parts[0], 16)

# Virtual address -> file offset through the PT_LOAD program headers.
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
segments = []
for i in range(phnum):
    p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
    if p_type == 1:
        segments.append((p_vaddr, p_offset, p_filesz))


def read(vaddr, size):
    for v, off, filesz in segments:
        if v <= vaddr and vaddr + size <= v + filesz:
            return data[off + vaddr - v: off + vaddr - v + size]
    sys.exit(f"0x{vaddr:x}+{size} is not in the file")


start, end = syms["trampoline_start"], syms["trampoline_end"]
blob = bytearray(read(start, end - start))
rel_start, rel_end = syms["trampoline_rel_start"], syms["trampoline_rel_end"]
rel = struct.unpack(f"<{(rel_end - rel_start) // 4}I", read(rel_start, rel_end - rel_start))
print(f"blob bytes={len(blob)} sites={len(rel)}")
assert len(blob) <= 4096, "the blob exceeds a page"
before = bytes(blob)
for site in rel:
    assert site + 4 <= len(blob), f"site 0x{site:x} outside the blob"
    word, = struct.unpack_from("<I", blob, site)
    struct.pack_into("<I", blob, site, word + page)

for site in rel:
    target, = struct.unpack_from("<I", blob, site)
    off = target - page
    assert 0 <= off < len(blob), f"site 0x{site:x}: 0x{target:x} is outside the page"
    if before[site - 2:site] == b"\x66\xea":
        kind = "ljmpl16"
        sel, = struct.unpack_from("<H", blob, site + 4)
    elif before[site - 1] == 0xEA:
        kind = "ljmpl32"
        sel, = struct.unpack_from("<H", blob, site + 4)
    else:
        limit, = struct.unpack_from("<H", blob, site - 2)
        assert limit == 4 * 8 - 1, f"site 0x{site:x}: neither a far jump nor a GDTR"
        gdt = [struct.unpack_from("<Q", blob, off + 8 * i)[0] for i in range(4)]
        assert gdt[0] == 0, "the blob's GDT does not start with the null descriptor"
        kind, sel = "gdtr", 0
        print(f"site 0x{site:03x} {kind} base=page+0x{off:x} code32=0x{gdt[1]:016x} data=0x{gdt[2]:016x} "
              f"code64=0x{gdt[3]:016x}")
        continue
    print(f"site 0x{site:03x} {kind} target=page+0x{off:x} selector=0x{sel:02x}")
