#!/usr/bin/env python3
"""The base a loader's preference high must pick for this run, filled into a
check file: the highest 2 MiB-aligned address at which the image (its memory
size, from the test loader's `image ... size=` line) fits below TOP, the end
of the highest RAM range under 4 GiB.

usage: base-top.py LOG TOP CHECKFILE  (prints CHECKFILE with [[BASE]]
replaced by the base as 8 hex digits, for FileCheck)
"""
import re
import sys

ALIGN = 2 << 20

log, top, check = sys.argv[1], int(sys.argv[2], 0), sys.argv[3]
size = int(re.search(r"^testloader: image .* size=0x([0-9a-f]+)", open(log).read(), re.M).group(1), 16)
base = (top - size) & ~(ALIGN - 1)
sys.stdout.write(open(check).read().replace("[[BASE]]", f"{base:08x}"))
