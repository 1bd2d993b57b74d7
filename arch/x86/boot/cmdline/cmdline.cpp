/*
 * The early command-line parser (minimal: debug-exit, debug-fault,
 * debug-fault32).  Pure, freestanding C++: built into the 32-bit stage
 * and into the host tests.
 */
#include <relboot/cmdline.h>

namespace relboot {

namespace {

bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Compares the token [s, s+len) with the NUL-terminated word. */
bool equals(const char* s, uint32_t len, const char* word)
{
    uint32_t i = 0;
    for (; i < len; ++i)
        if (word[i] != s[i] || word[i] == '\0')
            return false;
    return word[i] == '\0';
}

/* Decimal or 0x-hex, all of [s, s+len), no overflow past max. */
bool parse_number(const char* s, uint32_t len, uint32_t max, uint32_t* out)
{
    uint32_t base = 10;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        len -= 2;
    }
    if (len == 0)
        return false;
    uint64_t value = 0;
    for (uint32_t i = 0; i < len; ++i) {
        const char c = s[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = uint32_t(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = uint32_t(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = uint32_t(c - 'A' + 10);
        else
            return false;
        if (digit >= base)
            return false;
        value = value * base + digit;
        if (value > max)
            return false;
    }
    *out = uint32_t(value);
    return true;
}

bool parse_fault(const char* s, uint32_t len, DebugFault* out)
{
    if (equals(s, len, "ud2"))
        *out = DebugFault::ud2;
    else if (equals(s, len, "gp"))
        *out = DebugFault::gp;
    else if (equals(s, len, "pf"))
        *out = DebugFault::pf;
    else
        return false;
    return true;
}

void apply(const char* name, uint32_t name_len, const char* value, uint32_t value_len, Options* out)
{
    if (equals(name, name_len, "debug-exit")) {
        uint32_t port;
        if (parse_number(value, value_len, 0xffff, &port) && port != 0)
            out->debug_exit_port = uint16_t(port);
    } else if (equals(name, name_len, "debug-fault")) {
        parse_fault(value, value_len, &out->debug_fault);
    } else if (equals(name, name_len, "debug-fault32")) {
        /* No paging in the 32-bit stage, so no #PF to raise there. */
        DebugFault fault;
        if (parse_fault(value, value_len, &fault) && fault != DebugFault::pf)
            out->debug_fault32 = fault;
    }
}

} // namespace

void cmdline_parse(const char* s, uint32_t len, Options* out)
{
    uint32_t i = 0;
    while (i < len && s[i] != '\0') {
        while (i < len && s[i] != '\0' && is_separator(s[i]))
            ++i;
        const uint32_t start = i;
        while (i < len && s[i] != '\0' && !is_separator(s[i]))
            ++i;
        if (i == start)
            break;
        uint32_t eq = start;
        while (eq < i && s[eq] != '=')
            ++eq;
        if (eq < i)
            apply(s + start, eq - start, s + eq + 1, i - eq - 1, out);
    }
}

} // namespace relboot
