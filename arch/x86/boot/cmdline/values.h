/*
 * Value grammars of the options (internal to the parser).  Each parse_*
 * function gets the option's value (the text after the first '=', already
 * decoded) and returns false for a malformed value, leaving *out as it
 * was.  has_value is false for a bare "name" (and for "no-name").
 *
 * Every VALUE option has its own parse_<id>(); every FLAG option is
 * parsed by parse_flag(), so a new FLAG row in cmdline_options.def needs
 * no code.
 */
#ifndef RELBOOT_CMDLINE_VALUES_H
#define RELBOOT_CMDLINE_VALUES_H

#include "cmdline/cmdline.h"

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

/*
 * A FLAG option id: bare "name" (on), "no-name" (negate: off) or
 * name=on|off|yes|no|true|false|1|0.  Sets bit id of out->flag_on; false
 * (out unchanged) for any other value.
 */
bool parse_flag(OptionId id, Text value, bool has_value, bool negate, Options* out);

/* bool parse_<id>(Text value, bool has_value, Options* out) for each VALUE option. */
#define RELBOOT_DECLARE_PARSER_VALUE(id) bool parse_##id(Text value, bool has_value, Options* out);
#define RELBOOT_DECLARE_PARSER_FLAG(id)
#define RELBOOT_OPTION(id, name, kind, form, help) RELBOOT_DECLARE_PARSER_##kind(id)
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_DECLARE_PARSER_FLAG
#undef RELBOOT_DECLARE_PARSER_VALUE

} // namespace relboot::cmdline

#endif
