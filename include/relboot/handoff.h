/*
 * The hand-off: what relboot passes to what comes after it, and what
 * holds at that moment.  This is the header a hypervisor linked with
 * relboot builds against (with boot_info.h; examples/hypervisor/ is one).
 *
 * relboot's last act is the hand-off to one target, chosen by payload=
 * and guest= (docs/cmdline.md); the target's last line before it takes
 * over is "relboot: handoff <target>" (docs/report.md).  Targets:
 *   report  hypervisor_entry(): relboot's own default prints "relboot: ok"
 *           and ends the run (debug-exit= port, else halt); a hypervisor
 *           linked with relboot replaces it with a strong definition.
 *   linux   module 0, a Linux bzImage, with module 1 as its initrd
 *           (arch/x86/boot/payload/linux/): "relboot: handoff linux entry=0x<16>
 *           boot_params=0x<16>", then the kernel owns the machine.  What
 *           holds below is what relboot guarantees to hypervisor_entry();
 *           the kernel gets the 64-bit boot protocol's state instead
 *           (linux_entry.S).
 *   linux-svm  the same kernel as an AMD SVM guest of relboot (guest=svm,
 *           arch/x86/boot/payload/svm/): "relboot: svm ..." and "relboot: handoff
 *           linux-svm entry=0x<16> boot_params=0x<16>"; relboot stays
 *           resident as a thin hypervisor, every online CPU one vCPU.
 *   linux-vmx  the same kernel as an Intel VT-x guest of relboot
 *           (guest=vmx, arch/x86/boot/payload/vmx/): "relboot: vmx ..." and
 *           "relboot: handoff linux-vmx entry=0x<16> boot_params=0x<16>",
 *           as linux-svm on the same vCPU layer.  guest=auto picks
 *           linux-vmx, linux-svm or linux by the CPU ("relboot: guest
 *           auto=...").
 *
 * What holds when a target is entered (x86-64, CPL 0, on the boot CPU;
 * the other CPUs are parked, below):
 *   - Memory.  relboot still occupies, and BootInfo's memory map marks as
 *     in use: its image [load_base, load_base + image_size) (type relboot:
 *     code, data, BootInfo and its tables, the stacks, the page tables),
 *     the loader's information structure (type boot_data: BootInfo's
 *     command line and module strings point into it) and the modules
 *     (type module).  Every range of type usable is free.  The image and
 *     the information structure may be reclaimed once the target has its
 *     own page tables, stack and IDT and has copied what it needs out of
 *     BootInfo; modules once it has consumed them.  ACPI reclaimable
 *     ranges hold the ACPI tables until they are read.
 *   - Paging.  CR3 = BootInfo.cr3, relboot's PML4, 4-level paging,
 *     CR0.WP set, EFER.NXE as BOOT_INFO_NX in BootInfo.flags says.
 *     [0, identity_limit) (4 GiB unless mem= lowered it) is
 *     identity-mapped, writable and executable (2 MiB pages; 4 KiB pages
 *     below 2 MiB); the image is also mapped at 0xffffffff80000000 +
 *     link_base (the top 2 GiB, where relboot's code runs), with text
 *     read-only and executable, data non-executable.  Nothing above
 *     identity_limit is mapped.
 *   - Stack.  RSP points into relboot's 8 KiB 64-bit stack inside the
 *     image, 16-byte aligned minus the return
 *     address of the call (the SysV convention).
 *   - Descriptor tables.  relboot's GDT (CS = 0x18, 64-bit code; the data
 *     selectors 0x10) and its 64-bit IDT: 48 gates, whose stubs
 *     print "relboot: error: exception ..." and end the run, but for the
 *     parked APs' wake-up and spurious vectors (below).  No TSS.
 *   - Interrupts off: RFLAGS.IF = 0.  The PIC, the local APIC and the
 *     IO-APIC are as the firmware and loader left them.
 *   - The other CPUs (BootInfo.cpus, BootCpu[cpu_count]): each
 *     with BOOT_CPU_ONLINE in its flags is parked in long mode on
 *     relboot's CR3, GDT and 64-bit IDT, on its own 2 KiB stack in the image, halted: interrupts are off (RFLAGS.IF = 0)
 *     but for its STI; HLT.  Its local APIC is enabled in software with
 *     spurious vector 0x2f, TPR 0 and every LVT entry
 *     masked (as INIT left them), so only IPIs reach it.  After each
 *     wake-up it looks at its BootCpu.mailbox.  To run code on it, store
 *     the address of a function void f(uint32_t cpu) in the mailbox while
 *     it is 0 (release order), then send the AP a fixed IPI with vector
 *     0x20, edge-triggered, physical destination its
 *     apic_id; smp_call() does both.  The AP clears the mailbox and calls
 *     f with its index in the CPU table, with interrupts off; if f returns
 *     it halts again.  A wake-up IPI that arrives while f runs stays
 *     pending and costs one extra look.  An exception or NMI on a parked
 *     AP, or a vector relboot's IDT does not serve, goes to relboot's
 *     stubs ("relboot: error: exception ...", end of the run), as on the
 *     BSP.  The parked APs run relboot's code and
 *     stacks: move them off (through the mailbox) before reclaiming the
 *     image.  The page below 1 MiB that the APs started from is no longer
 *     used and stays usable RAM in the memory map.  The linux target, after
 *     its last check and its "handoff linux" line, sends INIT to every
 *     parked AP: they wait for a SIPI, as after the
 *     firmware, and the kernel starts them itself.  linux-svm and linux-vmx call every
 *     parked AP into its vCPU through its mailbox (smp_call()): from then
 *     on it runs relboot's vCPU loop, never the park loop again, waiting
 *     for the INIT and SIPI the guest sends through relboot's emulated
 *     local APIC.
 *   - The serial console relboot used (console=) is initialised.
 *   - BIOS (BootInfo.bios present): relboot made its real-mode BIOS calls
 *     (docs/bios.md; the results are BiosInfo, bios_info.h) and is back in the state above; the low page they used is
 *     usable again (zeroed), the video mode is what vga= set (else as the
 *     firmware left it), and the BIOS's IVT and data area are untouched.
 */
#ifndef RELBOOT_HANDOFF_H
#define RELBOOT_HANDOFF_H

#include <relboot/boot_info.h>

namespace relboot {

/*
 * The hypervisor's entry, on the boot CPU, in the state described above.
 * bi is relboot's public BootInfo (version 2 or later: check it with
 * boot_info_valid()); it stays valid for as long as relboot's image is
 * kept.  relboot's own definition is weak (the "report" target: it prints
 * "relboot: ok" and ends the run); a strong definition linked into the
 * image takes its place.
 */
[[noreturn]] void hypervisor_entry(const BootInfo& bi);

/*
 * Runs f(cpu) on the parked AP bi.cpus[cpu] (the protocol above): stores
 * f in its BootCpu.mailbox, if that is 0, with release order, then sends
 * it the wake-up IPI from the running CPU's local APIC.  Returns at once;
 * the AP clears the mailbox, then calls f on its own stack, with
 * interrupts off.  Returns false, with nothing written or sent, when cpu
 * is out of range, is the BSP or not online, f is null, or the mailbox
 * still holds an earlier call.  Callable from any online CPU.
 */
bool smp_call(const BootInfo& bi, uint32_t cpu, void (*f)(uint32_t cpu));

} // namespace relboot

#endif
