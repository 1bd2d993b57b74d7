"""Checks one image's nm output (see bss-zeroed.test)."""
import sys

syms = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 3:
        syms[parts[2]] = int(parts[0], 16)

start, end, dwords = syms["__bss_start"], syms["__bss_end"], syms["__bss_dwords"]
assert dwords * 4 == end - start, f"__bss_dwords={dwords} but .bss is {end - start} bytes"
assert start <= syms["boot_state"] < end, "boot_state lies outside .bss"
for name in ("boot_tables", "boot_cmdline_spans", "stack64_top", "stack32_top"):
    assert syms[name] >= end, f"{name} lies in .bss (it should be in .noinit)"
print(f"ok: .bss is {end - start} bytes, zeroed whole")
