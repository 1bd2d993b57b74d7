/*
 * Number and string formatting for the serial report, without division
 * (the 32-bit stage links no libgcc, so no 64-bit divide helpers).
 * Pure functions: host-tested in tests/unit/format_test.cpp.
 */
#ifndef RELBOOT_FORMAT_H
#define RELBOOT_FORMAT_H

#include <cstddef>
#include <cstdint>

namespace relboot {

/* Longest output of format_hex (16 digits), format_dec (20 digits), format_escaped_byte (4). */
inline constexpr size_t FORMAT_MAX = 20;

/*
 * Writes the low `digits` hex digits of value (1..16; others clamp to that
 * range), lower case, no prefix, to out; returns the count written.
 */
size_t format_hex(char* out, uint64_t value, unsigned digits);

/* Writes value in decimal without leading zeros ("0" for 0); returns the count. */
size_t format_dec(char* out, uint64_t value);

/*
 * Writes byte c as the report's quoted-string form: itself when it is in
 * 0x20..0x7e and is neither '\\' nor '"', otherwise "\xNN" (lower case).
 * Returns the count written (1 or 4).
 */
size_t format_escaped_byte(char* out, uint8_t c);

} // namespace relboot

#endif
