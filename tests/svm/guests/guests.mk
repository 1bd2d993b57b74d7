# The hostile SVM guests (tests/svm/guests/): each a few dozen
# instructions of GNU assembly with lib.S (serial, IDT, MSR and APIC
# helpers) and ap.S (the code an INIT/SIPI starts), linked flat from
# offset 0 (guest.ld: startup_64 at 0x200) and packed into a minimal
# bzImage by tools/make-guest.  Included by the top Makefile
# (`make svm-guests`, part of `make check`'s inputs):
#
#   build/svm/<guest>.bzimage      for guest in hello, initsipi, ipi, msr, virt
#
# The guests run wherever relboot puts them, so every reference must be
# RIP-relative (or an absolute constant such as AP_PAGE): an object with
# any relocation other than R_X86_64_PC32/PLT32 fails the build.
# Paths are relative to the repository root; variables are SVM_GUEST_-prefixed.

SVM_GUEST_DIR    := tests/svm/guests
SVM_GUEST_OUT    := build/svm
SVM_GUEST_NAMES  := hello initsipi ipi msr virt
SVM_GUEST_IMAGES := $(patsubst %,$(SVM_GUEST_OUT)/%.bzimage,$(SVM_GUEST_NAMES))
SVM_GUEST_CC     ?= gcc
SVM_GUEST_LD     ?= ld
SVM_GUEST_OBJCOPY ?= objcopy
SVM_GUEST_ASFLAGS := -m64 -nostdlib -I$(SVM_GUEST_DIR) -Iarch/x86/include -Iinclude -Wa,--fatal-warnings
SVM_GUEST_LIB    := $(SVM_GUEST_OUT)/head.o $(SVM_GUEST_OUT)/lib.o $(SVM_GUEST_OUT)/ap.o

.PHONY: svm-guests
svm-guests: $(SVM_GUEST_IMAGES)

$(SVM_GUEST_OUT)/%.o: $(SVM_GUEST_DIR)/%.S $(SVM_GUEST_DIR)/guests.mk
	@mkdir -p $(@D)
	$(call say,AS      $@)
	$(Q)$(SVM_GUEST_CC) $(SVM_GUEST_ASFLAGS) -MMD -MP -c $< -o $@.tmp
	@bad=$$(readelf -rW $@.tmp | awk '$$3 ~ /^R_X86_64_/ && $$3 != "R_X86_64_PC32" && $$3 != "R_X86_64_PLT32"'); \
	    if [ -n "$$bad" ]; then echo "error: $<: not position-independent, absolute relocations:" >&2; \
	    echo "$$bad" >&2; rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

$(SVM_GUEST_OUT)/%.elf: $(SVM_GUEST_OUT)/%.o $(SVM_GUEST_LIB) $(SVM_GUEST_DIR)/guest.ld
	$(call say,LD      $@)
	$(Q)$(SVM_GUEST_LD) -m elf_x86_64 -nostdlib -static --build-id=none -z noexecstack --no-warn-rwx-segments \
	    -T $(SVM_GUEST_DIR)/guest.ld -o $@ $(SVM_GUEST_LIB) $<

$(SVM_GUEST_OUT)/%.bzimage: $(SVM_GUEST_OUT)/%.elf tools/make-guest
	$(call say,GUEST   $@)
	$(Q)$(SVM_GUEST_OBJCOPY) -O binary -j .text $< $@.bin
	$(Q)tools/make-guest $@.bin $@ --version "relboot hostile guest $*"
	@rm -f $@.bin

# The objects and images are not intermediate: keep them for a look with objdump.
.SECONDARY: $(SVM_GUEST_IMAGES:.bzimage=.elf) $(SVM_GUEST_IMAGES:.bzimage=.o) $(SVM_GUEST_LIB)

-include $(wildcard $(SVM_GUEST_OUT)/*.d)
