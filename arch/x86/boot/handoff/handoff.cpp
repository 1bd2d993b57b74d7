/*
 * The hand-off (handoff.h): one table of targets, and relboot's own
 * default hypervisor_entry().
 */
#include "lib/console.h"
#include <relboot/handoff.h>
#include "payload/linux/payload_linux.h"
#include "lib/report.h"

namespace relboot {

namespace {

/* The "report" target: relboot's hand-off line, then the hypervisor's entry. */
void enter_report(const BootInfo& bi, Console& console)
{
    console.begin().str("handoff report").end();
    hypervisor_entry(bi);
}

struct Target {
    const char* name;                                   /* as on the "relboot: handoff" line */
    void (*enter)(const BootInfo& bi, Console& console); /* prints that line last; does not return */
};

constexpr Target TARGETS[] = {
    {"report", enter_report},
    {"linux", linux_launch},
    {"linux-svm", linux_launch_svm},
};
static_assert(sizeof(TARGETS) / sizeof(TARGETS[0]) == uint32_t(HandoffTarget::count));

} // namespace

HandoffTarget handoff_choose(const BootInfo& bi)
{
    switch (bi.options.payload) {
    case PayloadSel::none:
        return HandoffTarget::report;
    case PayloadSel::linux_kernel:
        break;
    default:
        if (!linux_wanted(bi))
            return HandoffTarget::report;
    }
    return bi.options.guest == GuestSel::svm ? HandoffTarget::linux_svm : HandoffTarget::linux_kernel;
}

const char* handoff_name(HandoffTarget target)
{
    return TARGETS[uint32_t(target)].name;
}

void handoff(const BootInfo& bi, HandoffTarget target, Console& console)
{
    TARGETS[uint32_t(target)].enter(bi, console);
    __builtin_unreachable();
}

/* relboot's own hypervisor_entry(): the run ends here, a success (the self-test passed before any hand-off). */
[[gnu::weak]] void hypervisor_entry(const BootInfo& bi)
{
    Console con = report_console(bi.options);
    con.begin().str("ok").end();
    finish(bi.options, true);
}

} // namespace relboot
