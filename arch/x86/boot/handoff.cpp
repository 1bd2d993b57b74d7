/*
 * The hand-off (handoff.h): one table of targets, and relboot's own
 * default hypervisor_entry().
 */
#include <relboot/console.h>
#include <relboot/handoff.h>
#include <relboot/report.h>

namespace relboot {

namespace {

struct Target {
    const char* name;                                   /* as on the "relboot: handoff" line */
    void (*enter)(const BootInfo& bi);                  /* does not return */
};

constexpr Target TARGETS[] = {
    {"report", hypervisor_entry},
};
static_assert(sizeof(TARGETS) / sizeof(TARGETS[0]) == uint32_t(HandoffTarget::count));

HandoffTarget choose(const BootInfo&)
{
    return HandoffTarget::report;
}

} // namespace

void handoff(const BootInfo& bi, Console& console)
{
    const Target& target = TARGETS[uint32_t(choose(bi))];
    console.begin().str("handoff ").str(target.name).end();
    target.enter(bi);
    __builtin_unreachable();
}

/* The "report" target: the run ends here, a success (the self-test passed before any hand-off). */
[[gnu::weak]] void hypervisor_entry(const BootInfo& bi)
{
    Console con = report_console(bi.options);
    con.begin().str("ok").end();
    finish(bi.options, true);
}

} // namespace relboot
