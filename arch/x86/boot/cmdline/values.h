/*
 * Value grammars of the options (internal to the parser).  Each parse_*
 * function gets the option's value (the text after the first '=', already
 * decoded) and returns false for a malformed value, leaving *out as it
 * was.  has_value is false for a bare "name" (and for "no-name").
 *
 * Every VALUE option has its own parse_<id>(); every KEYWORD option is
 * parsed by parse_keyword() with its table (keywords.h) and every FLAG
 * option by parse_flag(), so a new FLAG row in cmdline_options.def needs
 * no code and a new KEYWORD row only its table.
 */
#ifndef RELBOOT_CMDLINE_VALUES_H
#define RELBOOT_CMDLINE_VALUES_H

#include "cmdline/cmdline.h"
#include "cmdline/keywords.h"

namespace relboot::cmdline {

/* A piece of decoded text: [s, s + len). */
struct Text {
    const char* s;
    uint32_t len;

    /* True when the text is word (NUL-terminated) exactly. */
    bool equals(const char* word) const;
};

/* Decimal or 0x-hex, the whole text, value <= max (overflow is malformed). */
bool parse_number(Text t, uint64_t max, uint64_t* out);
/* A number with an optional K, M or G suffix (binary units), <= 2^64 - 1. */
bool parse_size(Text t, uint64_t* out);

/*
 * A KEYWORD option: v must be one of the table's words exactly; *out gets
 * that word's value.  No value (bare "name") or any other text is
 * refused and *out keeps its value.
 */
template <typename E, size_t N>
bool parse_keyword(const Keyword<E> (&table)[N], Text v, bool has_value, E* out)
{
    const Keyword<E>* const k = has_value ? find_keyword(table, v.s, v.len) : nullptr;
    if (!k)
        return false;
    *out = k->value;
    return true;
}

/*
 * A FLAG option id: bare "name" (on), "no-name" (negate: off) or
 * name=<a word of FLAG_KEYWORDS>.  Sets bit id of out->flag_on; false
 * (out unchanged) for any other value.
 */
bool parse_flag(OptionId id, Text value, bool has_value, bool negate, Options* out);

/* bool parse_<id>(Text value, bool has_value, Options* out) for each VALUE option. */
#define RELBOOT_DECLARE_PARSER_VALUE(id) bool parse_##id(Text value, bool has_value, Options* out);
#define RELBOOT_DECLARE_PARSER_FLAG(id)
#define RELBOOT_DECLARE_PARSER_KEYWORD(id)
#define RELBOOT_OPTION(id, name, kind, form, help) RELBOOT_DECLARE_PARSER_##kind(id)
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_DECLARE_PARSER_KEYWORD
#undef RELBOOT_DECLARE_PARSER_FLAG
#undef RELBOOT_DECLARE_PARSER_VALUE

/*
 * The canonical word of a KEYWORD or FLAG option's value in o, from the
 * option's table (the report's "option <name>=<word>" line): for a FLAG
 * "on" or "off" as flag_on has it.  nullptr for a VALUE option, and for
 * a value that has no word (which the parser never stores).
 */
const char* keyword_of(const Options& o, OptionId id);

} // namespace relboot::cmdline

#endif
