/*
 * The hand-off (handoff.h): one table of targets, and relboot's own
 * default hypervisor_entry().
 */
#include "lib/console.h"
#include "handoff/handoff.h"
#include "payload/linux/payload_linux.h"
#include "lib/report.h"
#include "stage64/image_symbols.h"

namespace relboot {

namespace {

/* The "report" target: relboot's hand-off line, then the hypervisor's entry with the public BootInfo. */
void enter_report(const BootState& bs, Console& console)
{
    const BootInfo& bi = boot_info_publish(bs);
    console.begin().str("handoff report").end();
    hypervisor_entry(bi);
}

struct Target {
    const char* name;                                   /* as on the "relboot: handoff" line */
    void (*enter)(const BootState& bs, Console& console); /* prints that line last; does not return */
};

constexpr Target TARGETS[] = {
    {"report", enter_report},
    {"linux", linux_launch},
    {"linux-svm", linux_launch_svm},
    {"linux-vmx", linux_launch_vmx},
    {"linux-auto", linux_launch_auto},
};
static_assert(sizeof(TARGETS) / sizeof(TARGETS[0]) == uint32_t(HandoffTarget::count));

} // namespace

HandoffTarget handoff_choose(const BootState& bs)
{
    switch (bs.options.payload) {
    case PayloadSel::none:
        return HandoffTarget::report;
    case PayloadSel::linux_kernel:
        break;
    default:
        if (!linux_wanted(bs))
            return HandoffTarget::report;
    }
    switch (bs.options.guest) {
    case GuestSel::svm: return HandoffTarget::linux_svm;
    case GuestSel::vmx: return HandoffTarget::linux_vmx;
    case GuestSel::automatic: return HandoffTarget::linux_auto;
    default: return HandoffTarget::linux_kernel;
    }
}

const char* handoff_name(HandoffTarget target)
{
    return TARGETS[uint32_t(target)].name;
}

void handoff(const BootState& bs, HandoffTarget target, Console& console)
{
    TARGETS[uint32_t(target)].enter(bs, console);
    __builtin_unreachable();
}

/*
 * relboot's own hypervisor_entry(): the run ends here, a success (the
 * self-test passed before any hand-off).  relboot's own options still
 * choose the console and the debug-exit port.
 */
[[gnu::weak]] void hypervisor_entry(const BootInfo&)
{
    Console con = report_console(boot_state.options);
    con.begin().str("ok").end();
    finish(boot_state.options, true);
}

} // namespace relboot
