/*
 * Value grammars of the options (internal to the parser).  Each parse_*
 * function gets the option's value (the text after the first '=', already
 * decoded) and returns false for a malformed value, leaving *out as it
 * was.  has_value is false for a bare "name" (and "no-name" for flags,
 * which then pass negate = true).
 */
#ifndef RELBOOT_CMDLINE_VALUES_H
#define RELBOOT_CMDLINE_VALUES_H

#include <relboot/cmdline.h>

namespace relboot::cmdline {

/* A piece of decoded text: [s, s + len). */
struct Text {
    const char* s;
    uint32_t len;

    bool equals(const char* word) const;
};

/* Decimal or 0x-hex, the whole text, value <= max (overflow is malformed). */
bool parse_number(Text t, uint64_t max, uint64_t* out);
/* A number with an optional K, M or G suffix (binary units), <= 2^64 - 1. */
bool parse_size(Text t, uint64_t* out);

#define RELBOOT_OPTION(id, name, kind, form, help) \
    bool parse_##id(Text value, bool has_value, bool negate, Options* out);
#include <relboot/cmdline_options.def>
#undef RELBOOT_OPTION

} // namespace relboot::cmdline

#endif
