# relboot: a relocatable multiboot2 early-boot image for a hypervisor.
#
#   make                 build/$(BASE)/relboot.elf (BASE=ebp by default)
#   make iso             build/<variant>/relboot.iso, booting the image with CMDLINE
#   make run             boot that ISO under QEMU (TCG), serial on the terminal
#   make check           the whole test suite (unit tests, image checks, boot matrix)
#   make check-long      the long tests (tests/long: Debian's kernel as a VT-x guest under Bochs)
#   make example         build/<variant>/example/relboot-example.elf: relboot with examples/hypervisor linked in
#   make deps            install the Debian 12 packages the build and the tests need
#   make clean           remove build/
#   make install         relboot, its update-grub script and settings, the docs (DESTDIR, PREFIX)
#   make uninstall       remove what make install installed
#
# Every knob is documented in README.md ("Build variables").

# ---------------------------------------------------------------------------
# Knobs and their checks
# ---------------------------------------------------------------------------
BASE        ?= ebp
RELOC_MIN   ?= 0x00200000
RELOC_MAX   ?= 0xffffffff
RELOC_ALIGN ?= 0x00200000
RELOC_PREF  ?= high
CMDLINE     ?= debug-exit=0xf4
FIRMWARE    ?= bios
MEM         ?= 1G
CPU         ?=
RUN_TIMEOUT ?= $(if $(filter linux,$(PAYLOAD)),180,60)
PAYLOAD     ?= none
LOADER      ?= grub
LINUX_ARGS  ?= console=ttyS0 quiet panic=-1
PAD         ?= 0
EFI_BS      ?= yes

ifeq ($(filter $(BASE),ebp fs),)
$(error BASE=$(BASE): expected ebp or fs)
endif
ifeq ($(filter $(RELOC_PREF),none low high),)
$(error RELOC_PREF=$(RELOC_PREF): expected none, low or high)
endif
ifeq ($(filter $(EFI_BS),yes no),)
$(error EFI_BS=$(EFI_BS): expected yes (multiboot2 tags 7 and 9: the EFI amd64 entry) or no)
endif
ifeq ($(filter $(FIRMWARE),bios efi),)
$(error FIRMWARE=$(FIRMWARE): expected bios or efi)
endif
ifeq ($(filter $(LOADER),grub kernel),)
$(error LOADER=$(LOADER): expected grub (the ISO) or kernel (qemu -kernel, multiboot1))
endif
ifeq ($(filter $(PAYLOAD),none linux),)
$(error PAYLOAD=$(PAYLOAD): expected none or linux)
endif
# Numbers: C syntax (0x... or decimal), checked by the shell so a typo stops the build.
check_u32 = $(if $(shell v=$$(( $(2) )) 2>/dev/null && [ $$v -ge 0 ] && [ $$v -le 4294967295 ] && echo ok),,$(error $(1)=$(2): expected a number 0..0xffffffff))
$(call check_u32,RELOC_MIN,$(RELOC_MIN))
$(call check_u32,RELOC_MAX,$(RELOC_MAX))
$(call check_u32,RELOC_ALIGN,$(RELOC_ALIGN))
ifneq ($(shell a=$$(( $(RELOC_ALIGN) )); [ $$a -ge 4096 ] && [ $$(( a & (a - 1) )) -eq 0 ] && echo ok),ok)
$(error RELOC_ALIGN=$(RELOC_ALIGN): expected a power of two of at least 4096)
endif
ifneq ($(shell [ $$(( $(RELOC_MIN) )) -lt $$(( $(RELOC_MAX) )) ] && echo ok),ok)
$(error RELOC_MIN=$(RELOC_MIN) must be below RELOC_MAX=$(RELOC_MAX))
endif

# PAD=<size>[K|M|G] (tests): bytes of empty blob inside the image; each 2 MiB needs one more page table.
PAD_BYTES := $(shell echo '$(PAD)' | awk '/^[0-9]+[KMG]?$$/ { n = $$0 + 0; u = substr($$0, length($$0)); \
    if (u == "K") n *= 1024; else if (u == "M") n *= 1048576; else if (u == "G") n *= 1073741824; print n }')
ifeq ($(PAD_BYTES),)
$(error PAD=$(PAD): expected a size such as 0, 512K or 20M)
endif
IMAGE_PT_COUNT := $(shell echo $$(( $(PAD_BYTES) / 2097152 + 1 )))
ifneq ($(shell [ $(IMAGE_PT_COUNT) -le 32 ] && echo ok),ok)
$(error PAD=$(PAD): at most 62M (the image's page tables map 64 MiB))
endif

RELOC_PREF_none := MULTIBOOT2_LOAD_PREFERENCE_NONE
RELOC_PREF_low  := MULTIBOOT2_LOAD_PREFERENCE_LOW
RELOC_PREF_high := MULTIBOOT2_LOAD_PREFERENCE_HIGH

# One build folder per variant: build/<BASE>, plus a suffix per non-default relocation knob.
VARIANT := $(BASE)$(if $(filter-out 0x00200000,$(RELOC_MIN)),-min$(RELOC_MIN))$(if $(filter-out 0xffffffff,$(RELOC_MAX)),-max$(RELOC_MAX))$(if $(filter-out 0x00200000,$(RELOC_ALIGN)),-align$(RELOC_ALIGN))$(if $(filter-out high,$(RELOC_PREF)),-$(RELOC_PREF))$(if $(filter-out 0,$(PAD)),-pad$(PAD))$(if $(filter no,$(EFI_BS)),-noefibs)
O := build/$(VARIANT)

# V=1 shows every command; by default one short line a step.
V ?= 0
ifeq ($(V),0)
Q := @
say = @echo "  $(1)"
else
Q :=
say = @true
endif

VERSION := $(shell git describe --always --dirty --tags 2>/dev/null || echo unknown)

# ---------------------------------------------------------------------------
# Toolchain: freestanding C++20 for both stages, in one place
# ---------------------------------------------------------------------------
CXX64   ?= g++
CXX32   ?= i686-linux-gnu-g++
LD      ?= ld
OBJCOPY ?= objcopy
NM      ?= nm

# Include folders: the public API and the specifications' formats (include/), the hardware's
# registers (arch/x86/include/x86/), and the private headers beside their sources (arch/x86/boot/).
INCLUDES := -Iinclude -Iarch/x86/include -Iarch/x86/boot
# Common to both stages: no runtime, no exceptions, no floating point or vector registers.
FREESTANDING := -std=c++20 -ffreestanding -fno-exceptions -fno-rtti \
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector \
    -fno-threadsafe-statics -fno-use-cxa-atexit -fno-tree-loop-distribute-patterns \
    -mno-sse -mno-mmx -mno-80387 -nostdlib -ffunction-sections -fdata-sections \
    -O2 -Wall -Wextra -Wshadow -Wundef -Wcast-align -Wnull-dereference -Werror \
    $(INCLUDES) -DIMAGE_PT_COUNT=$(IMAGE_PT_COUNT) -DPAD_BYTES=$(PAD_BYTES)
# Standard headers allowed in the image (freestanding only): <cstdint> <cstddef>
# <type_traits> <bit> <array> <span> <string_view> <limits> <utility>.

# 64-bit stage: higher half, kernel code model, no red zone (interrupts share the stack).
CXXFLAGS64 := $(FREESTANDING) -m64 -mcmodel=kernel -mno-red-zone -fno-pic -fno-pie \
    -DRELBOOT_VERSION='"$(VERSION)"' -DRELBOOT_VARIANT='"$(BASE)"'
# 32-bit stage: position-independent, i486 instructions only (the CPU check must run on older CPUs;
# the entry RDTSC needs a Pentium, see README "Known limitations").
CXXFLAGS32 := $(FREESTANDING) -m32 -march=i486 -mtune=generic -fpie -fvisibility=hidden \
    -mpreferred-stack-boundary=2 -flto
# The EFI amd64 entry's C++ part runs before relboot's page tables exist, at the load address on the
# firmware's identity map: position-independent, every reference RIP-relative (checked on the object).
CXXFLAGS_EFI64 := $(CXXFLAGS64) -fpie -mcmodel=small -fvisibility=hidden
# Assembly: preprocessed, 64-bit objects (32-bit code under .code32).
ASFLAGS := -m64 $(INCLUDES) -I$(O) -Wa,--fatal-warnings \
    -DIMAGE_PT_COUNT=$(IMAGE_PT_COUNT) -DPAD_BYTES=$(PAD_BYTES) \
    -DRELBOOT_BASE_$(shell echo $(BASE) | tr a-z A-Z) \
    -DRELOC_MIN=$(RELOC_MIN) -DRELOC_MAX=$(RELOC_MAX) -DRELOC_ALIGN=$(RELOC_ALIGN) \
    -DRELOC_PREF=$(RELOC_PREF_$(RELOC_PREF)) -DEFI_BS=$(if $(filter yes,$(EFI_BS)),1,0) -DBOOT32_BIN='"$(O)/boot32.bin"' \
    -DRELBOOT_VERSION='"$(VERSION)"'
LDFLAGS64 := -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
    --build-id=none --orphan-handling=error
# The 32-bit stage links through the compiler driver: -flto lets GCC inline across its files
# (protocol step, parser, page-table writer), which the measured path needs (README "Performance").
LDFLAGS32 := -nostdlib -static -Wl,-m,elf_i386,-z,max-page-size=0x1000,-z,noexecstack \
    -Wl,--build-id=none,--orphan-handling=error,--gc-sections,-e,boot32_main,-u,boot32_exception,-u,boot32_outside_image

# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------
# One folder per boot step under arch/x86/boot (docs/boot-flow.md, README "What is where").
# Each list names what a step contributes to an image; the folders' pure parts also go to the
# host tests and fuzzers.
SRC := arch/x86/boot
# What both stages link: the console, number formatting, string functions, CRC-32, ending a run.
LIB_SRCS := $(SRC)/lib/console.cpp $(SRC)/lib/format.cpp $(SRC)/lib/string.cpp $(SRC)/lib/report.cpp $(SRC)/lib/error.cpp \
    $(SRC)/lib/debug_fault.cpp
CMDLINE_SRCS := $(SRC)/cmdline/cmdline.cpp $(SRC)/cmdline/values.cpp
# The protocols' code: each one's early step (32-bit) and BootInfo filler (64-bit).
PROTOCOL_SRCS := $(SRC)/protocol/mbi_scan.cpp $(SRC)/protocol/multiboot2.cpp $(SRC)/protocol/multiboot1.cpp \
    $(SRC)/protocol/pvh.cpp $(SRC)/protocol/info_read.cpp
# What the firmware's tables say: the memory map, ACPI's RSDP and MADT, the TSC's rate.
PLATFORM_SRCS := $(SRC)/platform/memory_map.cpp $(SRC)/platform/acpi.cpp $(SRC)/platform/madt.cpp $(SRC)/platform/tsc.cpp
# The payload launchers' pure parts (64-bit stage and host tests): the Linux bzImage, guest=svm, guest=vmx, and
# the vendor-neutral vCPU layer under both (instruction decoding, guest memory reads, the NPT/EPT planner, the APIC,
# MSR and CPUID policies, the vCPU state machine).
VCPU_SRCS := $(SRC)/payload/vcpu/insn.cpp $(SRC)/payload/vcpu/guest_memory.cpp $(SRC)/payload/vcpu/apic.cpp \
    $(SRC)/payload/vcpu/msr.cpp $(SRC)/payload/vcpu/cpuid.cpp $(SRC)/payload/vcpu/vcpu.cpp \
    $(SRC)/payload/vcpu/guest_map.cpp
PAYLOAD_SRCS := $(SRC)/payload/linux/linux.cpp $(SRC)/payload/linux/linux_bios.cpp $(SRC)/payload/svm/svm.cpp \
    $(SRC)/payload/vmx/vmx.cpp $(VCPU_SRCS)
# The real-mode BIOS calls' pure parts (64-bit stage and host tests): low-page choice, EDD/VESA/EDID probes.
BIOS_SRCS := $(SRC)/bios/low_memory.cpp $(SRC)/bios/bios_probe.cpp
# AP bring-up's pure parts (64-bit stage and host tests): the trampoline's relocation, the MADT's warning lines.
SMP_SRCS := $(SRC)/smp/trampoline_reloc.cpp $(SRC)/smp/madt_warnings.cpp
BOOT32_SRCS := $(SRC)/stage32/boot32.cpp $(SRC)/stage32/pt_fixup.cpp $(SRC)/platform/memory_map.cpp \
    $(PROTOCOL_SRCS) $(CMDLINE_SRCS) $(LIB_SRCS)
BOOT32_EXPORTS := boot32_main boot32_exception boot32_outside_image
KERNEL64_SRCS := $(SRC)/stage64/main64.cpp $(SRC)/stage64/selftest.cpp $(SRC)/stage64/identity_map.cpp \
    $(SRC)/stage64/cpu_local.cpp \
    $(SRC)/cmdline/cmdline_report.cpp $(SRC)/handoff/handoff.cpp $(SRC)/handoff/boot_info.cpp $(SRC)/lib/crc32.cpp \
    $(SRC)/protocol/multiboot2_report.cpp $(SRC)/protocol/multiboot2_efi64_report.cpp \
    $(SRC)/bios/bios.cpp $(SRC)/bios/bios_call.cpp $(SRC)/smp/smp.cpp \
    $(SRC)/payload/linux/linux_launch.cpp $(SRC)/payload/svm/svm_launch.cpp $(SRC)/payload/svm/svm_exit.cpp \
    $(SRC)/payload/vmx/vmx_launch.cpp $(SRC)/payload/vmx/vmx_exit.cpp $(SRC)/payload/vcpu/vcpu_host.cpp \
    $(SRC)/payload/vcpu/vcpu_launch.cpp \
    $(PROTOCOL_SRCS) $(PLATFORM_SRCS) $(CMDLINE_SRCS) $(LIB_SRCS) $(PAYLOAD_SRCS) $(BIOS_SRCS) $(SMP_SRCS)
# Every assembly file is part of the image (the linker script orders their sections).
ASM_SRCS := $(sort $(shell find $(SRC) -name '*.S'))

# The EFI amd64 entry's C++: the exit, and its own copy of the one MBI walk (also in PROTOCOL_SRCS).
EFI64_SRCS := $(SRC)/protocol/multiboot2_efi64.cpp $(SRC)/protocol/mbi_scan.cpp
EFI64_EXPORTS := efi64_exit_boot_services efi_exit_record

BOOT32_OBJS := $(patsubst %.cpp,$(O)/boot32/%.o,$(BOOT32_SRCS))
EFI64_OBJS := $(patsubst %.cpp,$(O)/efi64/%.o,$(EFI64_SRCS))
KERNEL64_OBJS := $(patsubst %.cpp,$(O)/k64/%.o,$(KERNEL64_SRCS))
ASM_OBJS := $(patsubst %.S,$(O)/asm/%.o,$(ASM_SRCS))

IMAGE := $(O)/relboot.elf
ISO := $(O)/relboot.iso

.PHONY: all iso run check check-long check-images example bench deps deps-check clean FORCE
.DEFAULT_GOAL := all
all: $(IMAGE)

# Missing tools are installed first (make deps), for every target that builds or boots.
deps-check:
	@tools/need-deps

# Knob changes rebuild: the flags are recorded and compared.
$(O)/flags.stamp: FORCE | deps-check
	@mkdir -p $(O)
	@echo '$(CXXFLAGS64) | $(CXXFLAGS32) | $(ASFLAGS)' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(O)/boot32/%.o: %.cpp $(O)/flags.stamp
	@mkdir -p $(@D)
	$(call say,CXX32   $@)
	$(Q)$(CXX32) $(CXXFLAGS32) -MMD -MP -c $< -o $@

$(O)/k64/%.o: %.cpp $(O)/flags.stamp
	@mkdir -p $(@D)
	$(call say,CXX64   $@)
	$(Q)$(CXX64) $(CXXFLAGS64) -MMD -MP -c $< -o $@

# Any relocation but PC-relative ones would hold a link-time address, wrong at another load base.
$(O)/efi64/%.o: %.cpp $(O)/flags.stamp
	@mkdir -p $(@D)
	$(call say,CXXEFI  $@)
	$(Q)$(CXX64) $(CXXFLAGS_EFI64) -MMD -MP -c $< -o $@.tmp
	@bad=$$(readelf -rW $@.tmp | awk '$$3 ~ /^R_X86_64_/ && $$3 != "R_X86_64_PC32" && $$3 != "R_X86_64_PLT32"'); \
	    if [ -n "$$bad" ]; then echo "error: $<: not position-independent, absolute relocations:" >&2; \
	    echo "$$bad" >&2; rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

# The EFI amd64 entry's objects as one (ld -r) whose only global symbols are EFI64_EXPORTS: its copy
# of the MBI walk then neither clashes with the 64-bit stage's nor is called in its place.  It must
# call nothing outside itself (no undefined symbol) and share no inline function with another object
# (no weak symbol: the final link would keep one copy of it, perhaps the 64-bit stage's).
$(O)/efi64.o: $(EFI64_OBJS)
	$(call say,LDEFI   $@)
	$(Q)$(LD) -m elf_x86_64 -r -o $@.tmp $(EFI64_OBJS)
	$(Q)$(OBJCOPY) $(addprefix --keep-global-symbol=,$(EFI64_EXPORTS)) $@.tmp
	@bad=$$($(NM) $@.tmp | awk 'NF == 2 || $$2 ~ /^[wWvV]$$/'); \
	    if [ -n "$$bad" ]; then echo "error: $@: the EFI amd64 entry's C++ must be self-contained:" >&2; \
	    echo "$$bad" >&2; rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

$(O)/asm/%.o: %.S $(O)/flags.stamp $(O)/boot32_syms.h $(O)/boot32.bin
	@mkdir -p $(@D)
	$(call say,AS      $@)
	$(Q)$(CXX64) $(ASFLAGS) -MMD -MP -c $< -o $@

# The 32-bit stage, linked at two bases: the flat images of all its loaded
# sections must be identical, which proves that it holds no absolute address
# (linker/boot32.ld.S places every input section and rejects writable data).
$(O)/boot32.elf: $(BOOT32_OBJS) linker/boot32.ld.S
	$(call say,LD32    $@)
	$(Q)$(CXX32) $(CXXFLAGS32) $(LDFLAGS32) -Wl,--defsym,BOOT32_BASE=0 -T linker/boot32.ld.S -o $@ $(BOOT32_OBJS)
$(O)/boot32-alt.elf: $(BOOT32_OBJS) linker/boot32.ld.S
	$(call say,LD32    $@ (at 0x10000000))
	$(Q)$(CXX32) $(CXXFLAGS32) $(LDFLAGS32) -Wl,--defsym,BOOT32_BASE=0x10000000 -T linker/boot32.ld.S -o $@ $(BOOT32_OBJS)

$(O)/boot32.bin: $(O)/boot32.elf $(O)/boot32-alt.elf
	$(call say,BLOB    $@)
	$(Q)$(OBJCOPY) -O binary $(O)/boot32.elf $@.tmp
	$(Q)$(OBJCOPY) -O binary $(O)/boot32-alt.elf $(O)/boot32-alt.bin
	@cmp -s $@.tmp $(O)/boot32-alt.bin || { \
	    echo "error: the 32-bit stage is not position-independent: linked at 0 and at 0x10000000 it differs:" >&2; \
	    cmp -l $@.tmp $(O)/boot32-alt.bin | head -5 >&2; rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

# Offsets of the 32-bit entry points inside the blob, for head32.S and exception32.S.
$(O)/boot32_syms.h: $(O)/boot32.elf
	@$(NM) $< | awk -v want="$(BOOT32_EXPORTS)" ' \
	    BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) need[w[i]] = 1; \
	            print "/* Generated from boot32.elf: offsets of the 32-bit entry points. */" } \
	    ($$2 == "T" || $$2 == "t") && ($$3 in need) { printf "#define BOOT32_%s 0x%s\n", $$3, $$1; delete need[$$3] } \
	    END { for (s in need) { print "missing 32-bit entry point " s > "/dev/stderr"; exit 1 } }' > $@.tmp
	@mv $@.tmp $@

$(O)/relboot.ld: linker/relboot.ld.S $(O)/flags.stamp
	$(call say,LDS     $@)
	$(Q)$(CXX64) -E -P -x assembler-with-cpp $(ASFLAGS) -MMD -MP -MT $@ -MF $@.d $< -o $@

$(IMAGE): $(ASM_OBJS) $(KERNEL64_OBJS) $(O)/efi64.o $(O)/relboot.ld
	$(call say,LD      $@)
	$(Q)$(LD) $(LDFLAGS64) -T $(O)/relboot.ld -o $@ $(ASM_OBJS) $(KERNEL64_OBJS) $(O)/efi64.o

# The example hypervisor (examples/hypervisor/): the same objects and linker script as $(IMAGE) plus
# its strong hypervisor_entry().  It is compiled against include/relboot ALONE (no arch/ path, only
# the compiler's freestanding headers) with the 64-bit stage's code-generation flags: the build
# proves that the public headers are self-contained.
EXAMPLE := $(O)/example/relboot-example.elf
EXAMPLE_OBJS := $(O)/example/hypervisor.o
EXAMPLE_CXXFLAGS = $(filter-out $(INCLUDES) -D%,$(CXXFLAGS64)) \
    -nostdinc -isystem $(shell $(CXX64) -print-file-name=include) -Iinclude
example: $(EXAMPLE)
$(O)/example/%.o: examples/hypervisor/%.cpp $(O)/flags.stamp
	@mkdir -p $(@D)
	$(call say,CXX64   $@)
	$(Q)$(CXX64) $(EXAMPLE_CXXFLAGS) -MMD -MP -c $< -o $@
$(EXAMPLE): $(ASM_OBJS) $(KERNEL64_OBJS) $(O)/efi64.o $(EXAMPLE_OBJS) $(O)/relboot.ld
	$(call say,LD      $@)
	$(Q)$(LD) $(LDFLAGS64) -T $(O)/relboot.ld -o $@ $(ASM_OBJS) $(KERNEL64_OBJS) $(O)/efi64.o $(EXAMPLE_OBJS)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------
# ISO and QEMU
# ---------------------------------------------------------------------------
# PAYLOAD=linux: Debian's kernel (module 0, with LINUX_ARGS) and the test
# initramfs (module 1) go into the ISO; relboot launches them.
ISO_MODULES_none :=
ISO_MODULES_linux = --module build/linux/vmlinuz --module-args '$(LINUX_ARGS)' --module build/linux/initramfs.cpio.gz
ISO_INPUTS_linux = payload-inputs
iso: $(ISO)
$(ISO): $(IMAGE) grub/mkiso grub/grub.cfg.in $(ISO_INPUTS_$(PAYLOAD)) FORCE | deps-check
	$(call say,ISO     $@)
	$(Q)grub/mkiso --image $(IMAGE) --cmdline '$(CMDLINE)' $(ISO_MODULES_$(PAYLOAD)) --output $@

# LOADER=kernel: no GRUB and no ISO; qemu -kernel starts the image through its multiboot1
# header (BIOS only), PAYLOAD=linux passes the kernel and the initramfs as -initrd modules.
KERNEL_INITRD_none :=
KERNEL_INITRD_linux = --initrd '$(LINUX_DIR)/vmlinuz $(LINUX_ARGS),$(LINUX_DIR)/initramfs.cpio.gz'
ifeq ($(LOADER),kernel)
ifneq ($(FIRMWARE),bios)
$(error LOADER=kernel boots through QEMU's own loader on SeaBIOS: FIRMWARE=bios, not $(FIRMWARE))
endif
run: $(IMAGE) $(ISO_INPUTS_$(PAYLOAD))
	tools/qemu-boot --kernel $(IMAGE) --append '$(CMDLINE)' $(KERNEL_INITRD_$(PAYLOAD)) \
	    --mem $(MEM) --timeout $(RUN_TIMEOUT) $(if $(CPU),--cpu $(CPU))
else
run: $(ISO)
	tools/qemu-boot --iso $(ISO) --firmware $(FIRMWARE) --mem $(MEM) --timeout $(RUN_TIMEOUT) $(if $(CPU),--cpu $(CPU))
endif

# ---------------------------------------------------------------------------
# Install on a machine (GNU conventions; README "Install on a real machine")
# ---------------------------------------------------------------------------
# make install [DESTDIR=<staging root>] [PREFIX=/usr]; make uninstall with the
# same variables removes the files install put there.  /boot and /etc are
# absolute, not under PREFIX (GRUB reads them there), but under DESTDIR.
#   DESTDIR      staging root prepended to every path (packaging, tests); empty
#   PREFIX       /usr/local: root of the architecture-independent files (the docs)
#   DATAROOTDIR  $(PREFIX)/share;  DOCDIR  $(DATAROOTDIR)/doc/relboot
#   BOOTDIR      /boot: relboot.elf ($(IMAGE)) and relboot-fs.elf (build/fs/relboot.elf, when built)
#   SYSCONFDIR   /etc: grub.d/20_relboot (update-grub's script) and default/grub.d/relboot.cfg (its settings)
#   INSTALL      install(1); INSTALL_PROGRAM, INSTALL_DATA add the modes 0755 and 0644
DESTDIR ?=
PREFIX ?= /usr/local
DATAROOTDIR ?= $(PREFIX)/share
DOCDIR ?= $(DATAROOTDIR)/doc/relboot
BOOTDIR ?= /boot
SYSCONFDIR ?= /etc
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 0755
INSTALL_DATA ?= $(INSTALL) -m 0644
FS_IMAGE := build/fs/relboot.elf
INSTALL_DOCS := README.md $(wildcard docs/*.md)
# Every installed path, for uninstall (relboot-fs.elf whether built now or not).
INSTALLED := $(BOOTDIR)/relboot.elf $(BOOTDIR)/relboot-fs.elf $(SYSCONFDIR)/grub.d/20_relboot \
    $(SYSCONFDIR)/default/grub.d/relboot.cfg $(addprefix $(DOCDIR)/,$(INSTALL_DOCS))
.PHONY: install uninstall
install: $(IMAGE)
	$(INSTALL) -d -m 0755 $(DESTDIR)$(BOOTDIR) $(DESTDIR)$(SYSCONFDIR)/grub.d \
	    $(DESTDIR)$(SYSCONFDIR)/default/grub.d $(DESTDIR)$(DOCDIR)/docs
	$(INSTALL_DATA) $(IMAGE) $(DESTDIR)$(BOOTDIR)/relboot.elf
	if [ -f $(FS_IMAGE) ]; then $(INSTALL_DATA) $(FS_IMAGE) $(DESTDIR)$(BOOTDIR)/relboot-fs.elf; fi
	$(INSTALL_PROGRAM) grub/grub.d/20_relboot $(DESTDIR)$(SYSCONFDIR)/grub.d/20_relboot
	$(INSTALL_DATA) grub/default/relboot.cfg $(DESTDIR)$(SYSCONFDIR)/default/grub.d/relboot.cfg
	$(INSTALL_DATA) README.md $(DESTDIR)$(DOCDIR)/README.md
	$(INSTALL_DATA) $(filter docs/%,$(INSTALL_DOCS)) $(DESTDIR)$(DOCDIR)/docs
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR) 2>/dev/null || true

# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------
LIT ?= python3 /usr/lib/llvm-14/build/utils/lit/lit.py
LITFLAGS ?= -sv

# Every image the tests boot: both BASE variants at each load preference, PAD=20M and EFI_BS=no.
JOBS ?= $(shell nproc)
check-images: | deps-check
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=ebp
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=fs
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=ebp RELOC_PREF=low
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=fs RELOC_PREF=low
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=ebp RELOC_PREF=none
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=fs RELOC_PREF=none
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=ebp PAD=20M
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=fs PAD=20M
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=ebp EFI_BS=no
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all BASE=fs EFI_BS=no

check: | deps-check
	$(MAKE) check-images
	$(MAKE) -j$(JOBS) example BASE=ebp
	$(MAKE) -j$(JOBS) example BASE=fs
	$(MAKE) -j$(JOBS) unit-tests build/tools/optdoc build/tools/msrdoc testloader fuzzers payload-inputs svm-guests
	$(LIT) $(LITFLAGS) --param build_dir=$(abspath build) --param fuzz_time=$(FUZZ_TIME) tests tests/unit tests/fuzz

# The long tests (tests/long, minutes each: Debian's kernel as a guest=vmx
# guest under Bochs), after make check (.ci/run); lit skips tests/long
# unless it is named.
.PHONY: check-long
check-long: | deps-check
	$(MAKE) -j$(JOBS) all BASE=ebp
	$(MAKE) payload-inputs
	$(LIT) $(LITFLAGS) --param build_dir=$(abspath build) tests/long

# --- payload test inputs (tests/payload) ---------------------------------
# Debian's real kernel and a small initramfs for the Linux-payload tests, all
# under build/linux: vmlinuz (tools/fetch-kernel: apt-get download of the
# image package linux-image-amd64 depends on; kept once fetched, delete
# build/linux to refresh), vmlinuz-nonreloc (byte 0x234 relocatable_kernel
# cleared), init (tests/payload/init.c, static) and initramfs.cpio.gz
# (tools/make-initramfs: /init, busybox-static's /bin/busybox, /dev/console).
LINUX_DIR := build/linux
PAYLOAD_CC ?= gcc
BUSYBOX ?= /bin/busybox
PAYLOAD_INPUTS := $(LINUX_DIR)/vmlinuz $(LINUX_DIR)/vmlinuz-nonreloc $(LINUX_DIR)/initramfs.cpio.gz
.PHONY: payload-inputs
payload-inputs: $(PAYLOAD_INPUTS)
$(LINUX_DIR)/vmlinuz: | deps-check
	$(call say,FETCH   $@)
	$(Q)tools/fetch-kernel --output-dir $(LINUX_DIR)
$(LINUX_DIR)/vmlinuz-nonreloc: $(LINUX_DIR)/vmlinuz tools/fetch-kernel
	$(call say,NONRELOC $@)
	$(Q)tools/fetch-kernel --output-dir $(LINUX_DIR) --nonreloc
$(LINUX_DIR)/init: tests/payload/init.c
	@mkdir -p $(@D)
	$(call say,CC      $@)
	$(Q)$(PAYLOAD_CC) -static -Os -s -Wall -Wextra -Werror -o $@ $<
# $(wildcard): without busybox-static, make-initramfs says what to install.
$(LINUX_DIR)/initramfs.cpio.gz: $(LINUX_DIR)/init tools/make-initramfs $(wildcard $(BUSYBOX))
	$(call say,CPIO    $@)
	$(Q)tools/make-initramfs --init $(LINUX_DIR)/init --busybox $(BUSYBOX) --output $@
# --- end of payload test inputs ---------------------------------------------

# The boot-cost benchmark (README, "Performance"): instruction counts under
# qemu -icount shift=0 for both BASE variants; writes build/bench/results.md;
# the AP bring-up latency at -smp 2, 4, 8, parallel and serial: build/bench/smp.md;
# Debian's kernel launched natively, through GRUB's linux, as a guest=svm guest
# (QEMU) and as a guest=vmx guest (Bochs's Haswell model, 3 rounds of a few
# minutes each): build/bench/payload.md.  Needs QEMU and Bochs (make deps).
bench: | deps-check
	$(MAKE) all BASE=ebp
	$(MAKE) all BASE=fs
	$(MAKE) all BASE=ebp RELOC_PREF=low
	$(MAKE) all BASE=fs RELOC_PREF=low
	python3 tools/bench.py --build-dir build --output build/bench/results.md
	python3 tools/bench-smp.py --build-dir build --output build/bench/smp.md
	$(MAKE) payload-inputs
	python3 tools/bench-payload.py --build-dir build --output build/bench/payload.md

# Host unit tests: the pure parts of the image built for the host with sanitizers.
UNIT_SRCS := $(wildcard tests/unit/*_test.cpp)
UNIT_LIB_SRCS := $(SRC)/lib/format.cpp $(SRC)/lib/crc32.cpp $(SRC)/stage32/pt_fixup.cpp $(SRC)/handoff/boot_info.cpp \
    $(SRC)/lib/report.cpp $(SRC)/lib/console.cpp $(SRC)/lib/error.cpp \
    $(PROTOCOL_SRCS) $(PLATFORM_SRCS) $(CMDLINE_SRCS) $(PAYLOAD_SRCS) $(EFI64_SRCS) $(BIOS_SRCS) \
    $(SMP_SRCS)
HOSTCXX ?= g++
HOST_CXXFLAGS := -std=c++20 -O1 -g -Wall -Wextra -Werror $(INCLUDES) -fsanitize=address,undefined -fno-sanitize-recover=all
.PHONY: unit-tests
unit-tests: build/unit/RelbootTests
# One object per source (build/unit/obj/<path>.o) with its .d: editing any
# source or any header it includes rebuilds what depends on it.
UNIT_OBJS := $(patsubst %.cpp,build/unit/obj/%.o,$(UNIT_SRCS) $(sort $(UNIT_LIB_SRCS)))
build/unit/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(call say,HOSTCXX $@)
	$(Q)$(HOSTCXX) $(HOST_CXXFLAGS) -MMD -MP -c $< -o $@
build/unit/RelbootTests: $(UNIT_OBJS)
	$(call say,LINK    $@)
	$(Q)$(HOSTCXX) $(HOST_CXXFLAGS) $^ -o $@ -lgtest -lgtest_main -pthread
-include $(UNIT_OBJS:.o=.d)

# libFuzzer targets (clang, ASan + UBSan) for the command line, the MBI
# walker, the multiboot1 and PVH fillers, the bzImage launcher, the MADT walk, the vCPU instruction decoder
# and the EFI amd64 entry's early step; `make check` runs each for FUZZ_TIME seconds on its corpus in tests/fuzz/corpus.
FUZZ_TIME ?= 20
FUZZ_CXX ?= clang++
FUZZ_CXXFLAGS := -std=c++20 -O1 -g -Wall -Wextra -Werror $(INCLUDES) -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=all
FUZZERS := build/fuzz/cmdline_fuzz build/fuzz/mbi_fuzz build/fuzz/linux_fuzz build/fuzz/multiboot1_fuzz \
    build/fuzz/pvh_fuzz build/fuzz/madt_fuzz build/fuzz/insn_fuzz build/fuzz/efi64_fuzz
fuzz_objs = $(patsubst %.cpp,build/fuzz/obj/%.o,$(1))
.PHONY: fuzzers
fuzzers: $(FUZZERS)
build/fuzz/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(call say,FUZZCXX $@)
	$(Q)$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -MMD -MP -c $< -o $@
build/fuzz/cmdline_fuzz: $(call fuzz_objs,tests/fuzz/cmdline_fuzz.cpp $(PROTOCOL_SRCS) $(SRC)/platform/memory_map.cpp $(CMDLINE_SRCS))
build/fuzz/mbi_fuzz: $(call fuzz_objs,tests/fuzz/mbi_fuzz.cpp $(PROTOCOL_SRCS) $(SRC)/platform/memory_map.cpp)
build/fuzz/linux_fuzz: $(call fuzz_objs,tests/fuzz/linux_fuzz.cpp $(PAYLOAD_SRCS) $(PROTOCOL_SRCS) $(SRC)/platform/memory_map.cpp \
    $(SRC)/lib/console.cpp $(SRC)/lib/format.cpp)
build/fuzz/multiboot1_fuzz: $(call fuzz_objs,tests/fuzz/multiboot1_fuzz.cpp $(PROTOCOL_SRCS) $(SRC)/platform/memory_map.cpp)
build/fuzz/pvh_fuzz: $(call fuzz_objs,tests/fuzz/pvh_fuzz.cpp $(PROTOCOL_SRCS) $(SRC)/platform/memory_map.cpp)
build/fuzz/madt_fuzz: $(call fuzz_objs,tests/fuzz/madt_fuzz.cpp $(SRC)/platform/madt.cpp $(SRC)/platform/acpi.cpp)
build/fuzz/insn_fuzz: $(call fuzz_objs,tests/fuzz/insn_fuzz.cpp $(SRC)/payload/vcpu/insn.cpp)
build/fuzz/efi64_fuzz: $(call fuzz_objs,tests/fuzz/efi64_fuzz.cpp $(SRC)/protocol/multiboot2_efi64.cpp $(PROTOCOL_SRCS) \
    $(SRC)/platform/memory_map.cpp)
$(FUZZERS):
	$(call say,FUZZ    $@)
	$(Q)$(FUZZ_CXX) $(FUZZ_CXXFLAGS) $^ -o $@
-include $(patsubst %.cpp,build/fuzz/obj/%.d,$(wildcard tests/fuzz/*.cpp) $(PROTOCOL_SRCS) $(PLATFORM_SRCS) $(CMDLINE_SRCS) $(PAYLOAD_SRCS) $(SMP_SRCS) $(EFI64_SRCS))

# The multiboot1 test loader for the MBI and placement cases GRUB never produces.
include tests/loader/loader.mk

# The hostile guests that attack guest=svm (tests/svm/): tiny bzImages built from GNU assembly.
include tests/svm/guests/guests.mk

# The option reference in docs/cmdline.md comes from the option list.
.PHONY: option-doc
build/tools/optdoc: tools/optdoc.cpp
	@mkdir -p $(@D)
	$(call say,HOSTCXX $@)
	$(Q)$(HOSTCXX) -std=c++20 -Wall -Wextra -Werror $(INCLUDES) -MMD -MP -MT $@ -MF $@.d $< -o $@
-include build/tools/optdoc.d
option-doc: build/tools/optdoc
	@build/tools/optdoc

# README's table of the guest's MSRs comes from the MSR policy table (payload/vcpu/msr.cpp).
.PHONY: msr-doc
build/tools/msrdoc: tools/msrdoc.cpp $(SRC)/payload/vcpu/msr.cpp
	@mkdir -p $(@D)
	$(call say,HOSTCXX $@)
	$(Q)$(HOSTCXX) -std=c++20 -Wall -Wextra -Werror $(INCLUDES) -MMD -MP -MT $@ -MF $@.d tools/msrdoc.cpp $(SRC)/payload/vcpu/msr.cpp -o $@
-include build/tools/msrdoc.d
msr-doc: build/tools/msrdoc
	@build/tools/msrdoc

# ---------------------------------------------------------------------------
# Dependencies (Debian 12)
# ---------------------------------------------------------------------------
DEBIAN_PACKAGES := make gcc g++ binutils g++-i686-linux-gnu binutils-i686-linux-gnu git python3 \
    qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools ovmf \
    llvm-14-tools libgtest-dev clang libclang-rt-14-dev busybox-static \
    bochs bochsbios vgabios ipxe

deps:
	@if [ "$$(id -u)" -ne 0 ]; then \
	    echo "make deps: installing Debian packages needs root; run: sudo make deps" >&2; \
	    echo "  packages: $(DEBIAN_PACKAGES)" >&2; exit 1; fi
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBIAN_PACKAGES)

clean:
	rm -rf build

FORCE:
