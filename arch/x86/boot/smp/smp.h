/*
 * Bringing up the other CPUs (the application processors, APs): the
 * MADT's CPUs (madt.h), the trampoline page (low_memory.h,
 * trampoline.h), INIT-SIPI-SIPI through the local APIC (x86/apic.h) with
 * the delays timed by the calibrated TSC (tsc.h), and the parked state
 * the APs wait in until the hand-off target calls them (handoff.h).
 */
#ifndef RELBOOT_SMP_H
#define RELBOOT_SMP_H

#include "boot_state.h"
#include <relboot/handoff.h>

namespace relboot {

class Console;

/*
 * Fills BootState's CPU fields and starts the APs the options allow
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
void smp_boot(BootState& bs, Console& info, Console& con);

/*
 * smp_call() (include/relboot/handoff.h) on a CPU table: runs f(cpu) on
 * the parked AP cpus[cpu] of count.  tsc_khz bounds an xAPIC's wait for
 * the IPI's delivery.  False, with nothing written or sent, as smp_call(),
 * and also when the AP's APIC ID is the running CPU's own or one its APIC
 * mode cannot address (ipi_destination_ok(), lapic.h).
 */
bool smp_call_cpu(BootCpu* cpus, uint32_t count, uint64_t tsc_khz, uint32_t cpu, void (*f)(uint32_t cpu));

/*
 * Sends INIT to every AP that is online: each goes back to wait-for-SIPI,
 * as the firmware left it, so that a payload that starts CPUs itself (a
 * Linux kernel) finds them as on a cold boot.  Clears their BOOT_CPU_ONLINE flags in the CPU table.
 */
void smp_reset_aps(const BootState& bs);

/* How long an AP has to check in after its last SIPI (microseconds). */
inline constexpr uint32_t SMP_CHECKIN_US = 1000000;

} // namespace relboot

#endif
