/*
 * Prints README's table of the guest's MSRs from the one policy table
 * (arch/x86/boot/payload/vcpu/msr.cpp).  `make check` compares it with the
 * committed README (tests/image/msr-doc.test); `make msr-doc` prints it
 * for pasting.
 */
#include <cstdio>

#include "payload/vcpu/msr.h"

using namespace relboot;

namespace {

const char* action(MsrAction a)
{
    switch (a) {
    case MsrAction::pass: return "pass";
    case MsrAction::ignore: return "ignored";
    case MsrAction::emulate: return "emulated";
    default: return "#GP";
    }
}

} // namespace

int main()
{
    std::puts("| MSR | index | read | write |");
    std::puts("| --- | --- | --- | --- |");
    for (uint32_t i = 0; i < msr_rule_count(); ++i) {
        const MsrRule& r = msr_rules()[i];
        if (r.first == r.last)
            std::printf("| %s | 0x%x | %s | %s |\n", r.name, r.first, action(r.read), action(r.write));
        else
            std::printf("| %s | 0x%x..0x%x | %s | %s |\n", r.name, r.first, r.last, action(r.read), action(r.write));
    }
    std::puts("| every other MSR | | pass | pass |");
    return 0;
}
