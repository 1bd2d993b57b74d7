/*
 * The command-line lexer and the option table (grammar: docs/cmdline.md).
 *
 * One pass over the line.  A token is scanned as a span of the raw line;
 * only a token that holds '"' or '\' is decoded into a scratch buffer on
 * the stack.  A bitmap of the first two bytes of every option's name
 * turns most unknown tokens away before their name is measured; the rest
 * look their name up in a hash table with linear probing (any set of
 * names fits; colliding names take the next free slot).  No pointers in
 * static data: the tables are arrays of characters and small integers.
 */
#include "cmdline/cmdline.h"
#include "lib/uart16550.h"

#include <array>

#include "cmdline/values.h"

namespace relboot {

namespace {

using cmdline::Text;

enum class Kind : uint8_t { VALUE, FLAG };

constexpr uint32_t NAME_MAX = 16;
constexpr uint32_t FORM_MAX = 64;

struct OptionInfo {
    char name[NAME_MAX];
    char form[FORM_MAX];
    uint8_t name_len;
    Kind kind;
};

constexpr OptionInfo make_info(const char* name, Kind kind, const char* form)
{
    OptionInfo o{};
    uint32_t i = 0;
    for (; name[i]; ++i)
        o.name[i] = name[i];
    o.name_len = uint8_t(i);
    for (i = 0; form[i]; ++i)
        o.form[i] = form[i];
    o.kind = kind;
    return o;
}

constexpr OptionInfo OPTIONS[] = {
#define RELBOOT_OPTION(id, name, kind, form, help) make_info(name, Kind::kind, form),
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
};
static_assert(sizeof(OPTIONS) / sizeof(OPTIONS[0]) == uint32_t(OptionId::count));

constexpr bool names_fit()
{
#define RELBOOT_OPTION(id, name, kind, form, help) \
    if (sizeof(name) < 2 || sizeof(name) > NAME_MAX || sizeof(form) > FORM_MAX) return false;
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
    return true;
}
static_assert(names_fit(), "an option name is empty, or a name or form is too long for the table");

/*
 * Byte classes for the lexer: every byte but these is plain.  The order
 * matters: classes up to C_EQ continue a value, from C_QUOTE on the
 * token needs the slow (decoding) path.
 */
enum : uint8_t { C_PLAIN = 0, C_EQ, C_SEP, C_NUL, C_QUOTE, C_BACKSLASH };
constexpr std::array<uint8_t, 256> make_classes()
{
    std::array<uint8_t, 256> c{};
    c[' '] = c['\t'] = c['\r'] = c['\n'] = C_SEP;
    c['='] = C_EQ;
    c['"'] = C_QUOTE;
    c['\\'] = C_BACKSLASH;
    c[0] = C_NUL;
    return c;
}
/* A name is plain bytes only: it must read the same on the fast path as decoded. */
constexpr bool names_are_plain()
{
    constexpr std::array<uint8_t, 256> cls = make_classes();
    for (const OptionInfo& o : OPTIONS)
        for (uint32_t i = 0; i < o.name_len; ++i)
            if (cls[uint8_t(o.name[i])] != C_PLAIN)
                return false;
    return true;
}
static_assert(names_are_plain(), "an option name holds a space, '=', '\"' or '\\'");

/*
 * The first two bytes of every token that may need more than "unknown":
 * an option's name, "no-" (a flag turned off) and "--".  A bitmap of 256
 * bits indexed by a hash of the two bytes: a clear bit proves the token
 * unknown before its name is even measured (a set bit may be a false
 * alarm; the lookup then decides).  A one-byte name is entered with every
 * byte that can follow it in a token.
 */
constexpr uint32_t prefix_hash(uint8_t b0, uint8_t b1)
{
    return (b0 * 5u + b1) & 255;
}

struct PrefixMap {
    uint8_t bits[32];
};

constexpr PrefixMap make_prefix_map()
{
    PrefixMap m{};
    auto add = [&m](uint8_t b0, uint8_t b1) { const uint32_t h = prefix_hash(b0, b1); m.bits[h >> 3] |= uint8_t(1u << (h & 7)); };
    constexpr std::array<uint8_t, 256> cls = make_classes();
    for (const OptionInfo& o : OPTIONS) {
        if (o.name_len > 1) {
            add(uint8_t(o.name[0]), uint8_t(o.name[1]));
            continue;
        }
        for (uint32_t next = 0; next < 256; ++next)
            if (cls[next] != C_PLAIN)
                add(uint8_t(o.name[0]), uint8_t(next));
    }
    add('n', 'o');
    add('-', '-');
    return m;
}

/* The lexer's tables in one object, so that one base register serves both. */
struct LexTables {
    std::array<uint8_t, 256> cls;
    PrefixMap prefixes;
};
constexpr LexTables LEX = {make_classes(), make_prefix_map()};
constexpr const std::array<uint8_t, 256>& CLASS = LEX.cls;

/*
 * The lexer's inner loops; the NUL class stops them all.  The token loops
 * are unrolled (GCC's i386 code: 4 instructions a byte, and one jump per
 * iteration): the name by two bytes, a value, where unknown tokens spend
 * their bytes, by four.
 */
[[gnu::always_inline]] inline const uint8_t* skip_while_class(const uint8_t* p, uint8_t k)
{
    while (CLASS[*p] == k)
        ++p;
    return p;
}
[[gnu::always_inline]] inline const uint8_t* skip_plain(const uint8_t* p)
{
    for (;; p += 2) {
        if (CLASS[p[0]] != C_PLAIN)
            return p;
        if (CLASS[p[1]] != C_PLAIN)
            return p + 1;
    }
}
[[gnu::always_inline]] inline const uint8_t* skip_value(const uint8_t* p)
{
    for (;; p += 4) {   /* after the first '=', '=' is an ordinary value byte */
        if (CLASS[p[0]] > C_EQ)
            return p;
        if (CLASS[p[1]] > C_EQ)
            return p + 1;
        if (CLASS[p[2]] > C_EQ)
            return p + 2;
        if (CLASS[p[3]] > C_EQ)
            return p + 3;
    }
}

/* Characters GRUB puts a backslash before (grub_create_loader_cmdline). */
bool grub_escaped(char c)
{
    return c == '\\' || c == '"' || c == '\'';
}

/*
 * Name lookup: a hash of the name's length, first and last byte picks its
 * home slot of 64; a name whose home slot is taken goes to the next free
 * one, so a search walks from the home slot to the first empty slot.
 * There are at most 32 options (the Options masks), so slots stay free.
 */
constexpr uint32_t NAME_SLOTS = 64;
static_assert(uint32_t(OptionId::count) < NAME_SLOTS, "a search needs an empty slot to stop at");
constexpr uint32_t name_hash(const char* name, uint32_t len)
{
    return (len + uint8_t(name[0]) + uint8_t(name[len - 1]) * 3) & (NAME_SLOTS - 1);
}
struct NameTable {
    uint8_t slot[NAME_SLOTS];   /* option index + 1; 0 = empty */
};
constexpr NameTable make_name_table()
{
    NameTable t{};
    for (uint32_t i = 0; i < uint32_t(OptionId::count); ++i) {
        uint32_t h = name_hash(OPTIONS[i].name, OPTIONS[i].name_len);
        while (t.slot[h])
            h = (h + 1) & (NAME_SLOTS - 1);
        t.slot[h] = uint8_t(i + 1);
    }
    return t;
}
constexpr NameTable NAMES = make_name_table();

/* The option named name[0, len) (any length), or OptionId::count for none. */
OptionId lookup(const char* name, uint32_t len)
{
    if (len == 0)
        return OptionId::count;
    for (uint32_t h = name_hash(name, len); NAMES.slot[h]; h = (h + 1) & (NAME_SLOTS - 1)) {
        const uint32_t i = NAMES.slot[h] - 1u;
        const OptionInfo& o = OPTIONS[i];
        if (o.name_len != len)
            continue;
        uint32_t k = 0;
        while (k < len && o.name[k] == name[k])
            ++k;
        if (k == len)
            return OptionId(i);
    }
    return OptionId::count;
}

/* Parses option id's value into *out (FLAG options generically); false when it is malformed. */
bool dispatch(OptionId id, Text value, bool has_value, bool negate, Options* out)
{
    switch (id) {
#define RELBOOT_PARSE_VALUE(id) cmdline::parse_##id(value, has_value, out)
#define RELBOOT_PARSE_FLAG(id) cmdline::parse_flag(OptionId::id, value, has_value, negate, out)
#define RELBOOT_OPTION(id, name, kind, form, help) \
    case OptionId::id:                             \
        return RELBOOT_PARSE_##kind(id);
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
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

/*
 * One token: tok[0, len), already decoded; eq is the index of its first
 * '=' (len when there is none); raw is where it came from in the line.
 */
void handle_token(const char* tok, uint32_t len, uint32_t eq, Span raw, Options* out, CmdlineSpans* spans)
{
    const bool has_value = eq < len;
    const Text value{tok + eq + (has_value ? 1 : 0), has_value ? len - eq - 1 : 0};

    OptionId id = lookup(tok, eq);
    bool negate = false;
    if (id == OptionId::count && !has_value && eq > 3 && tok[0] == 'n' && tok[1] == 'o' && tok[2] == '-') {
        id = lookup(tok + 3, eq - 3);
        if (id != OptionId::count && OPTIONS[uint32_t(id)].kind != Kind::FLAG)
            id = OptionId::count;
        negate = true;
    }
    if (id == OptionId::count) {
        record_unknown(raw, out, spans);
        return;
    }
    if (dispatch(id, value, has_value, negate, out)) {
        out->present |= 1u << uint32_t(id);
        return;
    }
    if (out->malformed_count < CMDLINE_MAX_MALFORMED) {
        spans->malformed_option[out->malformed_count] = id;
        spans->malformed[out->malformed_count++] = raw;
    } else {
        ++out->malformed_dropped;
    }
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

namespace {

/*
 * The slow path, for a token with quotes or backslashes, or one that runs
 * past CMDLINE_MAX: scans it from start, decodes it into a scratch buffer
 * and handles it.  Returns where the token ends.  Out of line, so that
 * the fast path keeps its registers and its stack frame small.
 */
[[gnu::noinline]] const uint8_t* slow_token(const uint8_t* line, const uint8_t* start, const uint8_t* end,
                                            Options* out, CmdlineSpans* spans)
{
    char scratch[CMDLINE_MAX];
    const uint8_t* p = start;
    bool quoted = false;
    for (; p < end; ++p) {
        const uint8_t k = CLASS[*p];
        if (k == C_NUL || (k == C_SEP && !quoted))
            break;
        if (k == C_QUOTE)
            quoted = !quoted;
        else if (k == C_BACKSLASH && p + 1 < end && grub_escaped(char(p[1])))
            ++p;   /* the escaped byte is literal: an escaped '"' does not group */
    }
    if (p > end)
        p = end;
    if (quoted)
        out->unterminated_quote = 1;
    const Span raw{uint16_t(start - line), uint16_t(p - start)};
    const uint32_t n = cmdline_decode(reinterpret_cast<const char*>(start), raw.length, scratch);
    uint32_t eq = 0;
    while (eq < n && scratch[eq] != '=')
        ++eq;
    handle_token(scratch, n, eq, raw, out, spans);
    return p;
}

/*
 * A plain token [start, p) whose name may be an option, "no-<flag>" or
 * "--".  Returns true for "--", which ends the options.
 */
[[gnu::noinline]] bool fast_token(const uint8_t* line, const uint8_t* start, const uint8_t* p,
                                  uint32_t name_len, const uint8_t* end, Options* out, CmdlineSpans* spans)
{
    const Span raw{uint16_t(start - line), uint16_t(p - start)};
    if (raw.length == 2 && start[0] == '-' && start[1] == '-') {
        /* "--" alone: the rest of the line is for whatever relboot hands over to. */
        while (p < end && CLASS[*p] == C_SEP)
            ++p;
        const uint8_t* stop = p;
        while (stop < end && *stop != '\0')
            ++stop;
        out->has_passthrough = 1;
        out->passthrough = Span{uint16_t(p - line), uint16_t(stop - p)};
        return true;
    }
    handle_token(reinterpret_cast<const char*>(start), raw.length, name_len, raw, out, spans);
    return false;
}

} // namespace

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
    const auto* const line = reinterpret_cast<const uint8_t*>(s);
    const uint8_t* const end = line + len;
    const uint8_t* p = skip_while_class(line, C_SEP);
    for (;;) {
        /*
         * Here p is at a token's first byte (or the end).  The line is
         * NUL-terminated and NUL has a class of its own, so the scanning
         * loops need no bound; end is checked once a token.
         */
        if (p >= end || *p == '\0')
            return;

        /* The fast path: name, then after the first '=' the value, plain bytes only. */
        const uint8_t* const start = p;
        /* Most tokens are unknown, and their first two bytes usually tell (start[1] may be the NUL). */
        const uint32_t ph = prefix_hash(start[0], start[1]);
        if (!(LEX.prefixes.bits[ph >> 3] & (1u << (ph & 7)))) {
            p = skip_value(p);   /* plain bytes and '=' up to the token's end */
            if (CLASS[*p] >= C_QUOTE || p > end) {
                p = skip_while_class(slow_token(line, start, end, out, spans), C_SEP);
                continue;
            }
            record_unknown(Span{uint16_t(start - line), uint16_t(p - start)}, out, spans);
            p = skip_while_class(p, C_SEP);
            continue;
        }
        p = skip_plain(p);
        const uint32_t name_len = uint32_t(p - start);
        uint32_t k = CLASS[*p];
        if (k == C_EQ) {
            p = skip_value(p + 1);
            k = CLASS[*p];
        }
        if (k >= C_QUOTE || p > end || name_len == 0) {
            p = skip_while_class(slow_token(line, start, end, out, spans), C_SEP);
            continue;
        }
        const uint8_t* const token_end = p;
        /* Usually exactly one separator follows. */
        if (k == C_SEP) {
            ++p;
            if (CLASS[*p] == C_SEP)
                p = skip_while_class(p, C_SEP);
        }
        if (fast_token(line, start, token_end, name_len, end, out, spans))
            return;
    }
}

const char* option_name(OptionId id)
{
    return uint32_t(id) < uint32_t(OptionId::count) ? OPTIONS[uint32_t(id)].name : "?";
}

const char* option_form(OptionId id)
{
    return uint32_t(id) < uint32_t(OptionId::count) ? OPTIONS[uint32_t(id)].form : "?";
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
