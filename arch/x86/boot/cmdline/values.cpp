/*
 * The value grammars of relboot's options (docs/cmdline.md).  Pure and
 * freestanding; no division wider than 32 bits (the 32-bit stage links no
 * libgcc).
 */
#include "cmdline/values.h"

namespace relboot::cmdline {

bool Text::equals(const char* word) const
{
    uint32_t i = 0;
    for (; i < len; ++i)
        if (word[i] == '\0' || word[i] != s[i])
            return false;
    return word[i] == '\0';
}

namespace {

/* Splits t at the first c: head before it, rest after it; false when there is no c. */
bool split(Text t, char c, Text* head, Text* rest)
{
    for (uint32_t i = 0; i < t.len; ++i) {
        if (t.s[i] == c) {
            *head = Text{t.s, i};
            *rest = Text{t.s + i + 1, t.len - i - 1};
            return true;
        }
    }
    return false;
}

/*
 * Strips a "0x"/"0X" prefix from t and returns the base it means (16, or
 * 10 without one).
 */
uint32_t number_base(Text* t)
{
    if (t->len > 2 && t->s[0] == '0' && (t->s[1] | 0x20) == 'x') {
        t->s += 2;
        t->len -= 2;
        return 16;
    }
    return 10;
}

/* The value of digit c in base (10 or 16), or base when c is no such digit. */
uint32_t digit_value(char c, uint32_t base)
{
    const uint32_t u = uint8_t(c);
    if (u - '0' <= 9)
        return u - '0';
    if (base == 16 && (u | 0x20) - 'a' <= 5)
        return (u | 0x20) - 'a' + 10;
    return base;
}

/* As parse_number, for values that fit 32 bits: no 64-bit arithmetic in the 32-bit stage. */
bool parse_u32(Text t, uint32_t max, uint32_t* out)
{
    const uint32_t base = number_base(&t);
    if (t.len == 0)
        return false;
    uint32_t v = 0;
    for (uint32_t i = 0; i < t.len; ++i) {
        const uint32_t d = digit_value(t.s[i], base);
        if (d >= base || d > max || v > (max - d) / base)   /* v * base + d > max */
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* comN=<baud>[,<data><parity><stop>][,<io-port>] */
bool parse_com(Text v, bool has_value, SerialSettings* out)
{
    if (!has_value)
        return false;
    SerialSettings s{};
    Text baud, rest;
    if (!split(v, ',', &baud, &rest)) {
        baud = v;
        rest = Text{v.s + v.len, 0};
    } else if (rest.len == 0) {
        return false;   /* a trailing comma */
    }
    uint32_t rate;
    if (!parse_u32(baud, 115200, &rate) || rate < 2 || 115200 % rate != 0)
        return false;   /* 1 baud would need divisor 115200, more than the 16-bit latch holds */
    s.divisor = uint16_t(115200 / rate);
    if (rest.len) {
        Text format = rest, port{nullptr, 0};
        const bool has_port = split(rest, ',', &format, &port);
        if (format.len == 3 && format.s[0] >= '5' && format.s[0] <= '8' &&
            (format.s[1] == 'n' || format.s[1] == 'o' || format.s[1] == 'e' || format.s[1] == 'm' ||
             format.s[1] == 's') &&
            (format.s[2] == '1' || format.s[2] == '2')) {
            s.data_bits = uint8_t(format.s[0] - '0');
            s.parity = format.s[1];
            s.stop_bits = uint8_t(format.s[2] - '0');
        } else if (!has_port) {
            port = format;   /* <baud>,<io-port> */
        } else {
            return false;
        }
        if (port.s) {
            uint32_t p;
            if (!parse_u32(port, 0xffff, &p) || p == 0)
                return false;
            s.io_port = uint16_t(p);
        }
    }
    *out = s;
    return true;
}

} // namespace

bool parse_number(Text t, uint64_t max, uint64_t* out)
{
    const uint32_t base = number_base(&t);
    if (t.len == 0)
        return false;
    uint64_t v = 0;
    for (uint32_t i = 0; i < t.len; ++i) {
        const uint32_t d = digit_value(t.s[i], base);
        if (d >= base)
            return false;
        /* v * base + d <= max, without overflow and without a 64-bit divide. */
        const uint64_t no_overflow = base == 16 ? ~uint64_t(0) >> 4 : 0x1999999999999999ULL;  /* (2^64-1) / base */
        if (v > no_overflow)
            return false;
        v *= base;
        if (d > max || v > max - d)
            return false;
        v += d;
    }
    *out = v;
    return true;
}

bool parse_size(Text t, uint64_t* out)
{
    unsigned shift = 0;
    if (t.len) {
        switch (t.s[t.len - 1]) {
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        default: break;
        }
    }
    if (shift)
        --t.len;
    uint64_t v;
    if (!parse_number(t, ~uint64_t(0) >> shift, &v))
        return false;
    *out = v << shift;
    return true;
}

bool parse_flag(OptionId id, Text v, bool has_value, bool negate, Options* out)
{
    bool on = !negate;
    if (has_value) {
        if (negate)
            return false;   /* "no-name=value": the lexer never passes it */
        if (!parse_keyword(FLAG_KEYWORDS, v, true, &on))
            return false;
    }
    const uint32_t bit = 1u << uint32_t(id);
    out->flag_on = on ? out->flag_on | bit : out->flag_on & ~bit;
    return true;
}

bool parse_com1(Text v, bool has_value, Options* out) { return parse_com(v, has_value, &out->com[0]); }
bool parse_com2(Text v, bool has_value, Options* out) { return parse_com(v, has_value, &out->com[1]); }
bool parse_com3(Text v, bool has_value, Options* out) { return parse_com(v, has_value, &out->com[2]); }
bool parse_com4(Text v, bool has_value, Options* out) { return parse_com(v, has_value, &out->com[3]); }

bool parse_mem(Text v, bool has_value, Options* out)
{
    uint64_t bytes;
    if (!has_value || !parse_size(v, &bytes) || bytes == 0)
        return false;
    out->mem = bytes;
    return true;
}

/*
 * vga=current|keep|text-80x<rows>|gfx-<w>x<h>x<depth>|mode-<n>, each with
 * an optional ",keep" (Xen's form).  The word before the parameters names
 * the kind (VGA_KINDS, which the report prints back).
 */
bool parse_vga(Text v, bool has_value, Options* out)
{
    if (!has_value)
        return false;
    VgaSettings g{};
    constexpr uint32_t keep_len = 5;   /* ",keep" */
    if (v.len > keep_len && Text{v.s + v.len - keep_len, keep_len}.equals(",keep")) {
        g.keep = 1;
        v.len -= keep_len;
    }
    if (!g.keep && v.equals("keep")) {
        /* Xen's vga=keep: the mode as it is, kept. */
        g.kind = VgaKind::current;
        g.keep = 1;
        out->vga = g;
        return true;
    }
    /* The kind whose word starts v; its parameters are the rest. */
    uint32_t word_len;
    const Keyword<VgaKind>* const kind = find_keyword_prefix(VGA_KINDS, v.s, v.len, &word_len);
    if (!kind)
        return false;
    g.kind = kind->value;
    Text rest{v.s + word_len, v.len - word_len};
    Text a, b, c;
    uint32_t depth;
    switch (g.kind) {
    case VgaKind::current:
        if (rest.len)
            return false;
        break;
    case VgaKind::text:
        g.width = 80;
        if (!parse_u32(rest, 0xffff, &g.height) || g.height == 0)
            return false;
        break;
    case VgaKind::gfx:
        if (!split(rest, 'x', &a, &rest) || !split(rest, 'x', &b, &c) || !parse_u32(a, 0xffff, &g.width) ||
            !parse_u32(b, 0xffff, &g.height) || !parse_u32(c, 64, &depth) || !g.width || !g.height || !depth)
            return false;
        g.depth = uint16_t(depth);
        break;
    case VgaKind::mode:
        if (!parse_u32(rest, 0xffff, &g.width))
            return false;
        break;
    default:
        return false;
    }
    out->vga = g;
    return true;
}

bool parse_debug_exit(Text v, bool has_value, Options* out)
{
    uint32_t port;
    if (!has_value || !parse_u32(v, 0xffff, &port) || port == 0)
        return false;
    out->debug_exit_port = uint16_t(port);
    return true;
}

bool parse_maxcpus(Text v, bool has_value, Options* out)
{
    uint32_t n;
    if (!has_value || !parse_u32(v, 0xffff, &n))
        return false;
    out->maxcpus = uint16_t(n);
    return true;
}

const char* keyword_of(const Options& o, OptionId id)
{
    switch (id) {
#define RELBOOT_WORD_VALUE(id, form)
#define RELBOOT_WORD_FLAG(id, form) \
    case OptionId::id:              \
        return keyword_word(FLAG_KEYWORDS, ((o.flag_on >> uint32_t(OptionId::id)) & 1) != 0);
#define RELBOOT_WORD_KEYWORD(id, form) \
    case OptionId::id:                 \
        return keyword_word(form, o.id);
#define RELBOOT_OPTION(id, name, kind, form, help) RELBOOT_WORD_##kind(id, form)
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_WORD_KEYWORD
#undef RELBOOT_WORD_FLAG
#undef RELBOOT_WORD_VALUE
    default:
        return nullptr;
    }
}

} // namespace relboot::cmdline
