"""Checks an image's multiboot1 header against its ELF file (see multiboot1-header.test).

Prints the header's fields; fails unless the header lies in the file's
first 8 KiB (below 8192 - 48, where QEMU stops scanning), its addresses are
those of the image (load_addr = the lowest p_paddr, entry_addr = the
relboot_entry_multiboot1 symbol's physical address), and the file bytes
[load_addr, load_end_addr) are one piece that holds every PT_LOAD's file
bytes at offset p_paddr - load_addr (as QEMU and GRUB read them).
"""
import struct
import subprocess
import sys

KERNEL_VIRT_OFFSET = 0xFFFFFFFF80000000

path = sys.argv[1]
data = open(path, "rb").read()
offs = [o for o in range(0, 8192 - 48, 4)
        if struct.unpack_from("<I", data, o)[0] == 0x1BADB002
        and sum(struct.unpack_from("<III", data, o)) & 0xFFFFFFFF == 0]
assert len(offs) == 1, f"{len(offs)} multiboot1 headers in the first 8 KiB"
off = offs[0]
magic, flags, _, header_addr, load_addr, load_end, bss_end, entry = struct.unpack_from("<8I", data, off)
print(f"header offset=0x{off:x} flags=0x{flags:08x} checksum=ok")

# The ELF64 program headers.
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
loads = []
for i in range(phnum):
    p_type, _, p_offset, _, p_paddr, p_filesz, p_memsz = struct.unpack_from("<IIQQQQQ", data, phoff + i * phentsize)
    if p_type == 1:
        loads.append((p_offset, p_paddr, p_filesz, p_memsz))
text_off = off - (header_addr - load_addr)
assert load_addr == min(p[1] for p in loads), f"load_addr=0x{load_addr:x} is not the lowest p_paddr"
assert text_off == loads[0][0], f"load_addr's file offset 0x{text_off:x} is not the first PT_LOAD's"
for p_offset, p_paddr, p_filesz, p_memsz in loads:
    if p_filesz:
        assert p_offset - p_paddr == text_off - load_addr, f"PT_LOAD at 0x{p_paddr:x}: the file is not one piece"
        assert p_paddr + p_filesz <= load_end, f"PT_LOAD at 0x{p_paddr:x} has file bytes past load_end_addr"
    assert p_paddr + p_memsz <= bss_end, f"PT_LOAD at 0x{p_paddr:x} runs past bss_end_addr"
assert text_off + (load_end - load_addr) <= len(data), "load_end_addr lies past the end of the file"
syms = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
want = [int(l.split()[0], 16) - KERNEL_VIRT_OFFSET for l in syms.splitlines() if l.endswith(" relboot_entry_multiboot1")]
assert want == [entry], f"entry_addr=0x{entry:x}, relboot_entry_multiboot1 is at {[hex(w) for w in want]}"
print(f"ok: load_addr=0x{load_addr:08x} load_end_addr=0x{load_end:08x} bss_end_addr=0x{bss_end:08x} "
      f"entry_addr=relboot_entry_multiboot1")
