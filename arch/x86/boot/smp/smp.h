/*
 * Bringing up the other CPUs (the application processors, APs): the
 * MADT's CPUs (madt.h), the trampoline page (low_memory.h,
 * trampoline.h), INIT-SIPI-SIPI through the local APIC (x86/apic.h) with
 * the delays timed by the calibrated TSC (tsc.h), and the parked state
 * the APs wait in until the hand-off target calls them (handoff.h).
 */
#ifndef RELBOOT_SMP_H
#define RELBOOT_SMP_H

#include <relboot/boot_info.h>

namespace relboot {

class Console;

/*
 * Fills BootInfo's CPU fields and starts the APs the options allow
 * (nosmp, maxcpus=, smp-parallel=), then prints "relboot: trampoline
 * phys=0x<8>" (when a trampoline was used) and "relboot: cpus online=<n>
 * of=<enabled> apic=<xapic|x2apic> bringup_us=<us>" on info.  Anything
 * that prevents the bring-up (no usable MADT, APIC off, no low page, no
 * PIT) is one "relboot: warning:" line on con and leaves the BSP alone;
 * an AP that does not check in within SMP_CHECKIN_US is a warning naming
 * its APIC ID.  With loglvl=debug it then calls every parked AP once
 * through smp_call() and prints one "debug: cpu" line per CPU, with the
 * microseconds to its check-in and to its answer.  Never hangs, never
 * ends the run.
 */
void smp_boot(BootInfo& bi, Console& info, Console& con);

/*
 * Runs f(cpu) on the parked AP cpus[cpu] of BootInfo's table (handoff.h's
 * protocol): stores f in its BootCpu.mailbox, if that is 0, with release
 * order, then sends it the wake-up IPI (fixed, VEC_AP_WAKE, x86/idt.h)
 * from the running CPU's local APIC.  Returns at once: the AP clears the
 * mailbox, then calls f on its own stack.  False, with nothing written or
 * sent, when cpu is out of range, is the BSP or not online, f is null, or
 * the mailbox still holds an earlier call.
 */
bool smp_call(const BootInfo& bi, uint32_t cpu, void (*f)(uint32_t cpu));

/*
 * Sends INIT to every AP that is online: each goes back to wait-for-SIPI,
 * as the firmware left it, so that a payload that starts CPUs itself (a
 * Linux kernel) finds them as on a cold boot.  Clears their BOOT_CPU_ONLINE flags in the CPU table.
 */
void smp_reset_aps(const BootInfo& bi);

/* How long an AP has to check in after its last SIPI (microseconds). */
inline constexpr uint32_t SMP_CHECKIN_US = 1000000;

} // namespace relboot

#endif
