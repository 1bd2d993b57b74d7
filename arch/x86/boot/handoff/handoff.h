/*
 * The hand-off step (docs/boot-flow.md, the last step): one table of
 * targets (handoff.cpp), and the public BootInfo written from BootState
 * (boot_info.cpp).  What a target may rely on is include/relboot/handoff.h.
 */
#ifndef RELBOOT_HANDOFF_PRIVATE_H
#define RELBOOT_HANDOFF_PRIVATE_H

#include "boot_state.h"
#include <relboot/handoff.h>

namespace relboot {

class Console;

/* The hand-off targets (handoff.cpp's table, in this order). */
enum class HandoffTarget : uint8_t {
    report = 0,     /* hypervisor_entry() with the public BootInfo */
    linux_kernel,   /* linux_launch() */
    linux_svm,      /* linux_launch_svm(): the same kernel as an SVM guest (guest=svm) */
    linux_vmx,      /* linux_launch_vmx(): the same kernel as a VMX guest (guest=vmx) */
    linux_auto,     /* linux_launch_auto(): one of the three by the CPU (guest=auto) */
    count,
};

/*
 * The target for bs, from the payload= option (cmdline.h): none: report;
 * linux: linux (which refuses, with one error line, a module 0 that is
 * not a bzImage); auto (the default): linux when module 0 is a bzImage
 * (linux_wanted()), else report.  linux becomes linux-svm with guest=svm,
 * linux-vmx with guest=vmx, linux-auto with guest=auto.
 */
HandoffTarget handoff_choose(const BootState& bs);

/* The target's name on the "relboot: handoff" line. */
const char* handoff_name(HandoffTarget target);

/*
 * Enters target with bs.  console: where the target prints its lines
 * (loglvl=quiet passes one that prints nothing).  Does not return.
 */
[[noreturn]] void handoff(const BootState& bs, HandoffTarget target, Console& console);

/*
 * Writes the public BootInfo (include/relboot/boot_info.h, version 2)
 * from bs, checksum last, into the image's one instance and returns it.
 * bs must be complete: the filler, the ACPI RSDP, the BIOS calls and the
 * CPUs done.  Called once, just before the target is entered.
 */
const BootInfo& boot_info_publish(const BootState& bs);

} // namespace relboot

#endif
