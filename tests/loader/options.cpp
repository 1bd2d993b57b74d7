#include "options.h"
#include "console.h"

namespace testloader {
namespace {

/* relboot's command line, copied out of the multiboot1 area (which the image may cover). */
char relboot_cmdline[CMDLINE_MAX];

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether the token [tok, tok + len) starts with prefix. */
bool starts_with(const char* tok, uint32_t len, const char* prefix)
{
    for (uint32_t i = 0; prefix[i]; ++i)
        if (i >= len || tok[i] != prefix[i])
            return false;
    return true;
}

/* Whether the token [tok, tok + len) is word. */
bool equals(const char* tok, uint32_t len, const char* word)
{
    uint32_t i = 0;
    while (i < len && word[i] == tok[i])
        ++i;
    return i == len && word[len] == 0;
}

/* Hex with an optional 0x, 1..8 digits; false on anything else. */
bool parse_hex(const char* s, uint32_t n, uint32_t* out)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    if (n == 0 || n > 8)
        return false;
    uint32_t v = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const char c = s[i];
        const uint32_t d = c >= '0' && c <= '9' ? c - '0'
                         : c >= 'a' && c <= 'f' ? c - 'a' + 10
                         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
        if (d == 16)
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

/* Decimal, 1..9 digits; false on anything else. */
bool parse_dec(const char* s, uint32_t n, uint32_t* out)
{
    if (n == 0 || n > 9)
        return false;
    uint32_t v = 0;
    for (uint32_t i = 0; i < n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + uint32_t(s[i] - '0');
    }
    *out = v;
    return true;
}

[[noreturn]] void bad_argument(const char* tok, uint32_t len, const char* expected)
{
    Line line = error();
    line.str("bad argument ").quoted(tok, len).str(": expected ").str(expected);
    fail(line);
}

/*
 * madt=<type>:<id>:<flags>[,...]: the token tok of len bytes into a's
 * MADT entries; each field is up to 8 hex digits.  A bad field, a type
 * other than 0 and 9, a type-0 ID above 0xff or more than MADT_CPUS_MAX
 * entries: bad_argument().
 */
void parse_madt(const char* tok, uint32_t len, Args* a)
{
    const char* expected = "madt=<type 0|9>:<apic id>:<flags>[,...] in hex, type-0 IDs at most 0xff, "
                           "at most 16 entries";
    a->madt_count = 0;
    uint32_t at = 5;                        /* after "madt=" */
    for (;;) {
        uint32_t field[3];
        for (uint32_t f = 0; f < 3; ++f) {
            uint32_t n = 0;
            while (at + n < len && tok[at + n] != ':' && tok[at + n] != ',')
                ++n;
            const char end = at + n < len ? tok[at + n] : 0;
            if (!parse_hex(tok + at, n, &field[f]) || (f < 2 ? end != ':' : end == ':'))
                bad_argument(tok, len, expected);
            at += n + 1;
        }
        if (a->madt_count == MADT_CPUS_MAX || (field[0] != MADT_LOCAL_APIC && field[0] != MADT_LOCAL_X2APIC) ||
            (field[0] == MADT_LOCAL_APIC && field[1] > 0xff))
            bad_argument(tok, len, expected);
        a->madt[a->madt_count++] = MadtCpuEntry{uint8_t(field[0]), field[1], field[2]};
        if (at > len)
            return;                         /* the last field ended the token */
    }
}

/*
 * mmap-split=<count>:<size>[:holes]: count decimal (1..SPLIT_MAX), size
 * hex (a 4 KiB multiple above 4 KiB, so that a hole leaves a piece);
 * anything else: bad_argument().
 */
void parse_split(const char* tok, uint32_t len, Args* a)
{
    const char* expected = "mmap-split=<count 1..1600>:<piece size, hex, a multiple of 0x1000 above it>[:holes]";
    uint32_t at = 11;                       /* after "mmap-split=" */
    uint32_t n = 0;
    while (at + n < len && tok[at + n] != ':')
        ++n;
    if (!parse_dec(tok + at, n, &a->split_count) || at + n == len || a->split_count == 0 ||
        a->split_count > SPLIT_MAX)
        bad_argument(tok, len, expected);
    at += n + 1;
    n = 0;
    while (at + n < len && tok[at + n] != ':')
        ++n;
    if (!parse_hex(tok + at, n, &a->split_size) || a->split_size % 0x1000 || a->split_size <= 0x1000)
        bad_argument(tok, len, expected);
    at += n;
    a->split_holes = at < len;
    if (a->split_holes && !equals(tok + at, len - at, ":holes"))
        bad_argument(tok, len, expected);
}

} // namespace

Args parse_args(const char* s)
{
    Args a{false, 0, Defect::none, relboot_cmdline, 0, 0, {}, 0, 0, false, false};
    bool base_set = false;
    for (bool first = true;; first = false) {
        while (is_space(*s))
            ++s;
        if (!*s)
            break;
        const char* tok = s;
        uint32_t len = 0;
        bool has_eq = false;
        while (tok[len] && !is_space(tok[len]))
            has_eq |= tok[len++] == '=';
        s += len;

        if (equals(tok, len, "--")) {
            if (*s)
                ++s;                        /* the separator after "--" */
            while (s[a.cmdline_len]) {
                if (a.cmdline_len == CMDLINE_MAX)
                    bad_argument(tok, len, "a relboot command line of at most 1024 bytes after it");
                relboot_cmdline[a.cmdline_len] = s[a.cmdline_len];
                ++a.cmdline_len;
            }
            break;
        }
        if (first && !has_eq)
            continue;                       /* the kernel's path */
        if (starts_with(tok, len, "base=")) {
            base_set = true;
            a.base_top = equals(tok, len, "base=top");
            if (!a.base_top && !parse_hex(tok + 5, len - 5, &a.base))
                bad_argument(tok, len, "base=<hex, up to 8 digits> or base=top");
        } else if (starts_with(tok, len, "defect=")) {
            uint32_t i = 0;
            while (i < uint32_t(Defect::count) && !equals(tok + 7, len - 7, DEFECT_NAMES[i]))
                ++i;
            if (i == uint32_t(Defect::count))
                bad_argument(tok, len, "defect=none|no-tag21|tag21-lie|total-small|total-huge|tag-size-small|"
                                       "tag-overrun|no-end-tag|cmdline-no-nul|mmap-entry-small|mmap-overrun|"
                                       "module-range|mbi-misaligned|mbi-overlap|bad-magic|mb1-none|"
                                       "mb1-cmdline-no-nul|mb1-mmap-size-small|mb1-mods-outside|mb1-bad-magic|"
                                       "pvh-none|pvh-memmap-outside|pvh-bad-magic|pvh-madt|pvh-madt-checksum|pvh-madt-ghost");
            a.defect = Defect(i);
        } else if (starts_with(tok, len, "madt=")) {
            parse_madt(tok, len, &a);
        } else if (starts_with(tok, len, "mmap-split=")) {
            parse_split(tok, len, &a);
        } else if (equals(tok, len, "efi-mmap")) {
            a.efi_mmap = true;
        } else {
            bad_argument(tok, len, "base=<hex>|top, defect=<name>, madt=<entries>, mmap-split=<count>:<size>[:holes], "
                                   "efi-mmap or -- <relboot command line>");
        }
    }
    if (!base_set) {
        Line line = error();
        line.str("no base= given: expected base=<hex> or base=top");
        fail(line);
    }
    if (a.madt_count && a.defect != Defect::pvh_madt && a.defect != Defect::pvh_madt_checksum &&
        a.defect != Defect::pvh_madt_ghost) {
        Line line = error();
        line.str("madt= needs defect=pvh-madt, pvh-madt-checksum or pvh-madt-ghost (the loader's own ACPI tables)");
        fail(line);
    }
    if ((a.split_count || a.efi_mmap) && (defect_is_mb1(a.defect) || defect_is_pvh(a.defect))) {
        Line line = error();
        line.str("mmap-split= and efi-mmap shape the multiboot2 MBI: not with a multiboot1 or PVH defect");
        fail(line);
    }
    return a;
}

} // namespace testloader
