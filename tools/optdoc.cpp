/*
 * Prints the option reference table of docs/cmdline.md from the one
 * option list (arch/x86/boot/cmdline/cmdline_options.def); a keyword
 * option's values are the words of its table (cmdline/keywords.h), as the
 * parser's malformed-value warnings show them.  `make check`
 * compares it with the committed document (tests/image/cmdline-doc.test);
 * `make option-doc` prints it for pasting.
 */
#include <cstdio>

#include "cmdline/keywords.h"

namespace {

/* Writes s with '|' escaped for a Markdown table cell. */
void cell(const char* s)
{
    for (; *s; ++s) {
        if (*s == '|')
            std::putchar('\\');
        std::putchar(*s);
    }
}

void row(const char* name, bool flag, const char* form, const char* help)
{
    if (flag)
        std::printf("| `%s`, `no-%s`, `%s=` | `", name, name, name);
    else
        std::printf("| `%s=` | `", name);
    cell(form);
    std::fputs("` | ", stdout);
    cell(help);
    std::puts(" |");
}

} // namespace

int main()
{
    std::puts("| option | values | meaning |");
    std::puts("| --- | --- | --- |");
    using namespace relboot;
    constexpr bool VALUE = false, KEYWORD = false, FLAG = true;
    /* constexpr: a form too long for FormText fails the build, as in the parser. */
#define RELBOOT_OPTION(id, name, kind, form, help)         \
    {                                                      \
        static constexpr FormText id##_form = form_text(form); \
        row(name, kind, id##_form.text, help);             \
    }
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
    return 0;
}
