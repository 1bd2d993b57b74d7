#!/usr/bin/env python3
"""Finds the multiboot2 header in an image as a loader does (Multiboot2
Specification 3.1.1: 8-byte aligned, within the first 32 KiB of the file,
magic and checksum) and prints it field by field, one tag a line.

usage: mb2-header.py IMAGE
"""
import struct
import sys

MAGIC = 0xE85250D6
NAMES = {0: "end", 1: "information_request", 2: "address", 3: "entry_address", 4: "console_flags",
         5: "framebuffer", 6: "module_align", 7: "efi_bs", 8: "entry_address_efi32",
         9: "entry_address_efi64", 10: "relocatable"}


def main():
    data = open(sys.argv[1], "rb").read()[:32768]
    for off in range(0, len(data) - 16, 8):
        magic, arch, length, checksum = struct.unpack_from("<IIII", data, off)
        if magic == MAGIC and (magic + arch + length + checksum) & 0xFFFFFFFF == 0:
            break
    else:
        print("mb2-header: no multiboot2 header in the first 32 KiB")
        return 1
    print(f"header offset=0x{off:x} magic=0x{magic:08x} architecture={arch} header_length={length} checksum=ok")
    pos, end = off + 16, off + length
    while pos + 8 <= end:
        typ, flags, size = struct.unpack_from("<HHI", data, pos)
        body = data[pos + 8:pos + size]
        words = [struct.unpack_from("<I", body, i)[0] for i in range(0, len(body) - len(body) % 4, 4)]
        name = NAMES.get(typ, f"type{typ}")
        fields = ""
        if typ == 10:
            fields = " min_addr=0x%08x max_addr=0x%08x align=0x%08x preference=%d" % tuple(words[:4])
        elif typ in (2, 3, 8, 9) and words:
            fields = " " + " ".join("0x%08x" % w for w in words)
        elif words:
            fields = " " + " ".join(str(w) for w in words)
        print(f"tag {name} type={typ} flags={flags} size={size}{fields}")
        if typ == 0:
            break
        pos += (size + 7) & ~7
    return 0


if __name__ == "__main__":
    sys.exit(main())
