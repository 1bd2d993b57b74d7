/*
 * The command-line lexer and the option table (grammar: docs/cmdline.md).
 *
 * One pass over the line, token by token: one scan finds a token's end
 * and its first '=' as a span of the raw line; a token that holds '"' or
 * a GRUB escape is decoded into a scratch buffer on the stack, any other
 * is used where it lies.  Its name (the text before the first '=') is
 * looked up with one test per row of cmdline_options.def, the name's
 * length first, and the option's id picks its value parser in a switch.
 * No pointers in static data: the table is characters and small integers.
 */
#include "cmdline/cmdline.h"
#include "lib/uart16550.h"

#include "cmdline/keywords.h"
#include "cmdline/values.h"

namespace relboot {

namespace {

using cmdline::Text;

enum class Kind : uint8_t { VALUE, FLAG, KEYWORD };

/* Longest option name, the NUL included. */
constexpr uint32_t NAME_MAX = 16;

/* One row of cmdline_options.def: its name, kind and form text. */
struct OptionInfo {
    char name[NAME_MAX];        /* NUL-terminated */
    Kind kind;
    FormText form;              /* option_form() */
};

constexpr OptionInfo make_info(const char* name, Kind kind, FormText form)
{
    OptionInfo o{};
    for (uint32_t i = 0; name[i]; ++i)
        o.name[i] = name[i];   /* past NAME_MAX - 1: not a constant expression, the build fails */
    o.kind = kind;
    o.form = form;
    return o;
}

/* The options in OptionId order; a KEYWORD option's form comes from its table (keywords.h). */
constexpr OptionInfo OPTIONS[] = {
#define RELBOOT_OPTION(id, name, kind, form, help) make_info(name, Kind::kind, form_text(form)),
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
};
static_assert(sizeof(OPTIONS) / sizeof(OPTIONS[0]) == uint32_t(OptionId::count));

/* Space, tab, CR and LF separate tokens; runs of them count as one. */
constexpr bool is_separator(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Characters GRUB puts a backslash before (grub_create_loader_cmdline). */
constexpr bool grub_escaped(char c)
{
    return c == '\\' || c == '"' || c == '\'';
}

/* The bytes a token scan must look at: NUL, the separators, '=', '"' and '\'.  Any other is text. */
constexpr bool is_special(uint8_t c)
{
    return c == '\0' || is_separator(c) || c == '=' || c == '"' || c == '\\';
}

/* A name is found as written: it must be neither empty nor hold a byte that the lexer treats specially. */
constexpr bool names_are_plain()
{
    for (const OptionInfo& o : OPTIONS) {
        if (o.name[0] == '\0')
            return false;
        for (uint32_t i = 0; o.name[i] != '\0'; ++i)
            if (is_special(o.name[i]))
                return false;
    }
    return true;
}
static_assert(names_are_plain(), "an option name is empty or holds a space, '=', '\"' or '\\'");

/* True when name is word (a string literal) exactly: the lengths first, then the bytes. */
template <uint32_t N>
constexpr bool is_named(Text name, const char (&word)[N])
{
    if (name.len != N - 1)
        return false;
    for (uint32_t i = 0; i < N - 1; ++i)
        if (name.s[i] != word[i])
            return false;
    return true;
}

/*
 * The option named name (any length), or OptionId::count for none: one
 * test per row of cmdline_options.def, where a name of another length
 * costs one compare with a constant.
 */
OptionId lookup(Text name)
{
#define RELBOOT_OPTION(id, option, kind, form, help) \
    if (is_named(name, option))                      \
        return OptionId::id;
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
    return OptionId::count;
}

/* Parses option id's value into *out; false when it is malformed (*out then unchanged). */
bool parse_option(OptionId id, Text value, bool has_value, bool negate, Options* out)
{
    switch (id) {
#define RELBOOT_PARSE_VALUE(id, form) cmdline::parse_##id(value, has_value, out)
#define RELBOOT_PARSE_FLAG(id, form) cmdline::parse_flag(OptionId::id, value, has_value, negate, out)
#define RELBOOT_PARSE_KEYWORD(id, form) cmdline::parse_keyword(form, value, has_value, &out->id)
#define RELBOOT_OPTION(id, name, kind, form, help) \
    case OptionId::id:                             \
        return RELBOOT_PARSE_##kind(id, form);
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_PARSE_KEYWORD
#undef RELBOOT_PARSE_FLAG
#undef RELBOOT_PARSE_VALUE
    default:
        return false;
    }
}

/* Remembers an unknown token for the report (the first CMDLINE_MAX_UNKNOWN); counts the rest. */
void record_unknown(Span raw, Options* out, CmdlineSpans* spans)
{
    if (out->unknown_count < CMDLINE_MAX_UNKNOWN)
        spans->unknown[out->unknown_count++] = raw;
    else
        ++out->unknown_dropped;
}

/* Remembers a refused value of option id (the first CMDLINE_MAX_MALFORMED); counts the rest. */
void record_malformed(OptionId id, Span raw, Options* out, CmdlineSpans* spans)
{
    if (out->malformed_count < CMDLINE_MAX_MALFORMED) {
        spans->malformed_option[out->malformed_count] = id;
        spans->malformed[out->malformed_count++] = raw;
    } else {
        ++out->malformed_dropped;
    }
}

/*
 * Option id was named by tok, whose first '=' is at eq (tok.len when it
 * has none); raw is where tok lies in the line.  Parses the value after
 * the '=': the option is then present, or the token is recorded as
 * malformed.  Out of line: the switch over every option's parser is
 * large, and most tokens (unknown names) never get here.
 */
[[gnu::noinline]] void set_option(OptionId id, Text tok, uint32_t eq, bool negate, Span raw, Options* out,
                                  CmdlineSpans* spans)
{
    const bool has_value = eq < tok.len;
    const Text value = has_value ? Text{tok.s + eq + 1, tok.len - eq - 1} : Text{tok.s + eq, 0};
    if (parse_option(id, value, has_value, negate, out))
        out->present |= 1u << uint32_t(id);
    else
        record_malformed(id, raw, out, spans);
}

/*
 * One token: tok is its decoded text, eq the index of its first '='
 * (tok.len when it has none), raw where it lies in the line.  name,
 * name=value, or no-name for a FLAG option; anything else is unknown.
 * Inline: it runs for every token of the line (cmdline_parse()).
 */
inline void handle_token(Text tok, uint32_t eq, Span raw, Options* out, CmdlineSpans* spans)
{
    OptionId id = lookup(Text{tok.s, eq});
    bool negate = false;
    if (id == OptionId::count && eq == tok.len && eq > 3 && tok.s[0] == 'n' && tok.s[1] == 'o' && tok.s[2] == '-') {
        id = lookup(Text{tok.s + 3, eq - 3});
        if (id != OptionId::count && OPTIONS[uint32_t(id)].kind != Kind::FLAG)
            id = OptionId::count;
        negate = true;
    }
    if (id == OptionId::count)
        record_unknown(raw, out, spans);
    else
        set_option(id, tok, eq, negate, raw, out, spans);
}

/*
 * A token that holds quotes or GRUB escapes, at raw_text: decoded into a
 * scratch buffer, then handled.  Out of line, so that only this rare path
 * has the buffer in its stack frame: cmdline_parse() keeps a small frame
 * and is inlined into its caller.
 */
[[gnu::noinline]] void handle_decoded_token(const char* raw_text, Span raw, Options* out, CmdlineSpans* spans)
{
    char scratch[CMDLINE_MAX];   /* the 32-bit stage's stack has room (layout.h) */
    const uint32_t len = cmdline_decode(raw_text, raw.length, scratch);
    uint32_t eq = 0;
    while (eq < len && scratch[eq] != '=')
        ++eq;
    handle_token(Text{scratch, len}, eq, raw, out, spans);
}

/* Where a token ends, and what the lexer saw in it (scan_token()). */
struct Token {
    const char* end;        /* one past its last byte: a separator outside quotes, a NUL or the line's end */
    const char* eq;         /* its first '=' (end when it has none) */
    bool needs_decoding;    /* it holds '"' or a GRUB escape: its text differs from its bytes */
    bool unterminated;      /* a '"' in it was never closed */
};

/*
 * Scans the token that starts at p (no separator), before line_end, up
 * to a separator outside quotes, a NUL or line_end: '"' groups, and a '\'
 * before a GRUB-escaped byte makes that byte literal.  The same pass
 * notes the first '=', so the name is found without a second look at the
 * token.  Text bytes are read without checking line_end: the line ends
 * with a NUL (cmdline_parse()), so every run of them stops at a special
 * byte, and only a special byte is checked against line_end.
 */
Token scan_token(const char* p, const char* line_end)
{
    Token t{nullptr, nullptr, false, false};
    bool quoted = false;
    for (;; ++p) {
        const uint8_t c = uint8_t(*p);
        if (!is_special(c))
            continue;   /* most bytes: letters, digits, punctuation */
        if (p >= line_end || c == '\0' || (is_separator(c) && !quoted))
            break;
        if (c == '=') {
            if (!t.eq)
                t.eq = p;
        } else if (c == '"') {
            quoted = !quoted;
            t.needs_decoding = true;
        } else if (c == '\\' && p + 1 < line_end && grub_escaped(p[1])) {
            ++p;   /* the escaped byte is literal: an escaped '"' does not group */
            t.needs_decoding = true;
        }
    }
    t.end = p < line_end ? p : line_end;
    t.unterminated = quoted;
    if (!t.eq)
        t.eq = t.end;
    return t;
}

/* The first byte at or after p that is no separator (line_end when there is none). */
const char* skip_separators(const char* p, const char* line_end)
{
    while (p < line_end && is_separator(*p))
        ++p;
    return p;
}

} // namespace

uint32_t cmdline_decode(const char* s, uint32_t len, char* out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < len; ++i) {
        const char c = s[i];
        if (c == '"')
            continue;
        if (c == '\\' && i + 1 < len && grub_escaped(s[i + 1]))
            ++i;
        out[n++] = s[i];
    }
    return n;
}

void cmdline_parse(const char* s, uint32_t len, Options* out, CmdlineSpans* spans)
{
    if (len == 0)
        return;   /* also: no command-line tag at all (s may then be null) */
    if (len > CMDLINE_MAX) {
        /* Longer than the limit only if no NUL ends it sooner (a loader may pad its tag). */
        uint32_t n = 0;
        while (n < CMDLINE_MAX && s[n] != '\0')
            ++n;
        out->truncated = n == CMDLINE_MAX;
        len = CMDLINE_MAX;
    }
    const char* const line_end = s + len;
    for (const char* p = skip_separators(s, line_end); p < line_end && *p != '\0';) {
        const Token t = scan_token(p, line_end);
        const Span raw{uint16_t(p - s), uint16_t(t.end - p)};
        if (t.unterminated)
            out->unterminated_quote = 1;
        if (!t.needs_decoding && raw.length == 2 && p[0] == '-' && p[1] == '-') {
            /* "--" alone: the rest of the line, after its separators, is for whatever relboot hands over to. */
            const char* const first = skip_separators(t.end, line_end);
            const char* stop = first;
            while (stop < line_end && *stop != '\0')
                ++stop;
            out->has_passthrough = 1;
            out->passthrough = Span{uint16_t(first - s), uint16_t(stop - first)};
            return;
        }
        if (t.needs_decoding)
            handle_decoded_token(p, raw, out, spans);
        else
            handle_token(Text{p, raw.length}, uint32_t(t.eq - p), raw, out, spans);
        p = skip_separators(t.end, line_end);
    }
}

const char* option_name(OptionId id)
{
    return uint32_t(id) < uint32_t(OptionId::count) ? OPTIONS[uint32_t(id)].name : "?";
}

const char* option_form(OptionId id)
{
    return uint32_t(id) < uint32_t(OptionId::count) ? OPTIONS[uint32_t(id)].form.text : "?";
}

uint16_t com_default_port(uint32_t index)
{
    switch (index) {
    case 0: return UART_COM1_PORT;
    case 1: return UART_COM2_PORT;
    case 2: return UART_COM3_PORT;
    default: return UART_COM4_PORT;
    }
}

} // namespace relboot
