#!/usr/bin/env python3
"""Writes a small raw disk image (1 MiB) whose MBR carries the given disk
signature (4 bytes, little-endian, at offset 0x1b8) and the 0x55 0xaa
boot signature: a disk for the EDD tests with a known signature.

usage: make-disk.py FILE SIGNATURE   (SIGNATURE: 0x<hex>)
"""
import struct
import sys

path, signature = sys.argv[1], int(sys.argv[2], 16)
disk = bytearray(1024 * 1024)
disk[0x1b8:0x1bc] = struct.pack("<I", signature)
disk[510:512] = b"\x55\xaa"
with open(path, "wb") as f:
    f.write(disk)
