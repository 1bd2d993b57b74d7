/*
 * The words of relboot's keyword options (docs/cmdline.md): one table of
 * (word, value) pairs per option, the value being what the parser stores
 * in Options.  The same table gives the parser its words, the report its
 * canonical "option name=word" line, and docs/cmdline.md and the
 * malformed-value warnings their form text ("off|on|skipmbr", the words
 * joined by '|' in table order).  A table row names its enumerator
 * explicitly: reordering the rows reorders only the form text.
 *
 * No pointers anywhere: a table is characters and small integers, so the
 * 32-bit stage (position-independent, no relocations) links it as it is.
 */
#ifndef RELBOOT_CMDLINE_KEYWORDS_H
#define RELBOOT_CMDLINE_KEYWORDS_H

#include <cstddef>
#include <cstdint>

#include "cmdline/cmdline.h"

namespace relboot {

/* Longest keyword: 11 characters and the NUL (a longer word does not compile). */
inline constexpr uint32_t KEYWORD_MAX = 12;
/* Longest form text of an option, the NUL included. */
inline constexpr uint32_t FORM_MAX = 64;

/* One word of a keyword option and the value it stands for. */
template <typename E>
struct Keyword {
    char word[KEYWORD_MAX];    /* NUL-terminated, as written on the command line */
    E value;
};

/* console= (ConsoleSel): the COM port that carries the report, or none. */
inline constexpr Keyword<ConsoleSel> CONSOLE_KEYWORDS[] = {
    {"com1", ConsoleSel::com1}, {"com2", ConsoleSel::com2}, {"com3", ConsoleSel::com3},
    {"com4", ConsoleSel::com4}, {"none", ConsoleSel::none},
};
/* loglvl= (LogLevel). */
inline constexpr Keyword<LogLevel> LOGLVL_KEYWORDS[] = {
    {"quiet", LogLevel::quiet}, {"info", LogLevel::info}, {"debug", LogLevel::debug},
};
/* edd= (Edd): Xen's EDD probing. */
inline constexpr Keyword<Edd> EDD_KEYWORDS[] = {
    {"off", Edd::off}, {"on", Edd::on}, {"skipmbr", Edd::skipmbr},
};
/* edid= (Edid): Xen's EDID probing; Edid::unset (read when the BIOS is new enough) has no word. */
inline constexpr Keyword<Edid> EDID_KEYWORDS[] = {
    {"no", Edid::no}, {"force", Edid::force},
};
/* payload= (PayloadSel). */
inline constexpr Keyword<PayloadSel> PAYLOAD_KEYWORDS[] = {
    {"auto", PayloadSel::automatic}, {"linux", PayloadSel::linux_kernel}, {"none", PayloadSel::none},
};
/* guest= (GuestSel). */
inline constexpr Keyword<GuestSel> GUEST_KEYWORDS[] = {
    {"native", GuestSel::native}, {"svm", GuestSel::svm}, {"vmx", GuestSel::vmx}, {"auto", GuestSel::automatic},
};
/* debug-fault= (DebugFault): the 64-bit stage raises any of them. */
inline constexpr Keyword<DebugFault> DEBUG_FAULT_KEYWORDS[] = {
    {"ud2", DebugFault::ud2}, {"gp", DebugFault::gp}, {"pf", DebugFault::pf}, {"ud2-all", DebugFault::ud2_all},
};
/* debug-fault32= (DebugFault): no paging in the 32-bit stage, so no #PF to raise there. */
inline constexpr Keyword<DebugFault> DEBUG_FAULT32_KEYWORDS[] = {
    {"ud2", DebugFault::ud2}, {"gp", DebugFault::gp},
};
/* debug-ebs= (DebugEbs); multiboot2_efi64.cpp also matches these words itself, before the parser runs. */
inline constexpr Keyword<DebugEbs> DEBUG_EBS_KEYWORDS[] = {
    {"stale-once", DebugEbs::stale_once}, {"stale-twice", DebugEbs::stale_twice},
};
/* debug-npt-hole= (NptHole). */
inline constexpr Keyword<NptHole> DEBUG_NPT_HOLE_KEYWORDS[] = {
    {"zero-page", NptHole::zero_page},
};

/*
 * A FLAG option's values: name=<word>.  Several words per value; the
 * first word of a value is the one the report prints ("on", "off").
 */
inline constexpr Keyword<bool> FLAG_KEYWORDS[] = {
    {"on", true},    {"off", false}, {"yes", true}, {"no", false},
    {"true", true},  {"false", false}, {"1", true}, {"0", false},
};

/*
 * vga=: the word that starts each kind of value (the kind's parameters
 * follow it: text-80x<rows>, gfx-<w>x<h>x<depth>, mode-<n>).  Matched as
 * a prefix, so no word may be a prefix of another.  Xen's "keep" alone is
 * current with VgaSettings::keep set and has no row.
 */
inline constexpr Keyword<VgaKind> VGA_KINDS[] = {
    {"current", VgaKind::current}, {"text-80x", VgaKind::text}, {"gfx-", VgaKind::gfx},
    {"mode-", VgaKind::mode},
};

/* The table's entry whose word is text[0, len) exactly, or nullptr. */
template <typename E, size_t N>
constexpr const Keyword<E>* find_keyword(const Keyword<E> (&table)[N], const char* text, uint32_t len)
{
    for (const Keyword<E>& k : table) {
        uint32_t i = 0;
        while (i < len && k.word[i] != '\0' && k.word[i] == text[i])
            ++i;
        if (i == len && k.word[i] == '\0')
            return &k;
    }
    return nullptr;
}

/*
 * The table's entry whose word starts text[0, len), or nullptr; *word_len
 * gets the word's length (the rest of the text follows it).  For tables
 * where no word starts another (prefix_free()).
 */
template <typename E, size_t N>
constexpr const Keyword<E>* find_keyword_prefix(const Keyword<E> (&table)[N], const char* text, uint32_t len,
                                                uint32_t* word_len)
{
    for (const Keyword<E>& k : table) {
        uint32_t i = 0;
        while (i < len && k.word[i] != '\0' && k.word[i] == text[i])
            ++i;
        if (k.word[i] == '\0') {
            *word_len = i;
            return &k;
        }
    }
    return nullptr;
}

/* The first word the table gives value (the canonical one), or nullptr when it gives none. */
template <typename E, size_t N>
constexpr const char* keyword_word(const Keyword<E> (&table)[N], E value)
{
    for (const Keyword<E>& k : table)
        if (k.value == value)
            return k.word;
    return nullptr;
}

/* An option's form text, NUL-terminated (what option_form() returns). */
struct FormText {
    char text[FORM_MAX];
};

/* The form of a VALUE or FLAG option, written out in cmdline_options.def (too long: no constant). */
constexpr FormText form_text(const char* written)
{
    FormText f{};
    for (uint32_t i = 0; written[i]; ++i)
        f.text[i] = written[i];   /* past FORM_MAX - 1: not a constant expression, the build fails */
    return f;
}

/* The form of a keyword option: its table's words joined by '|', in table order. */
template <typename E, size_t N>
constexpr FormText form_text(const Keyword<E> (&table)[N])
{
    FormText f{};
    uint32_t n = 0;
    for (const Keyword<E>& k : table) {
        if (n)
            f.text[n++] = '|';
        for (uint32_t i = 0; k.word[i]; ++i)
            f.text[n++] = k.word[i];
    }
    return f;
}

/* True when no word of the table is written twice (the second could never be found). */
template <typename E, size_t N>
constexpr bool words_unique(const Keyword<E> (&table)[N])
{
    for (size_t i = 0; i < N; ++i) {
        uint32_t len = 0;
        while (table[i].word[len])
            ++len;
        if (len == 0 || find_keyword(table, table[i].word, len) != &table[i])
            return false;
    }
    return true;
}

/* True when every value of the table has one word only (so each word prints back as itself). */
template <typename E, size_t N>
constexpr bool values_unique(const Keyword<E> (&table)[N])
{
    for (size_t i = 0; i < N; ++i)
        for (size_t j = i + 1; j < N; ++j)
            if (table[i].value == table[j].value)
                return false;
    return true;
}

/* True when no word of the table starts another (for tables matched by prefix, VGA_KINDS). */
template <typename E, size_t N>
constexpr bool prefix_free(const Keyword<E> (&table)[N])
{
    for (size_t i = 0; i < N; ++i)
        for (size_t j = 0; j < N; ++j) {
            uint32_t k = 0;
            while (table[i].word[k] && table[i].word[k] == table[j].word[k])
                ++k;
            if (i != j && table[i].word[k] == '\0')
                return false;
        }
    return true;
}

/* Every keyword option's table: each word once, each value once (it prints back as the word that set it). */
#define RELBOOT_CHECK_VALUE(form)
#define RELBOOT_CHECK_FLAG(form)
#define RELBOOT_CHECK_KEYWORD(table) \
    static_assert(words_unique(table) && values_unique(table), #table ": a word written twice, or a value with two words");
#define RELBOOT_OPTION(id, name, kind, form, help) RELBOOT_CHECK_##kind(form)
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_CHECK_KEYWORD
#undef RELBOOT_CHECK_FLAG
#undef RELBOOT_CHECK_VALUE
static_assert(words_unique(FLAG_KEYWORDS), "FLAG_KEYWORDS: a word written twice");
static_assert(words_unique(VGA_KINDS) && values_unique(VGA_KINDS) && prefix_free(VGA_KINDS),
              "VGA_KINDS: a word written twice or starting another, or a kind with two words");

} // namespace relboot

#endif
