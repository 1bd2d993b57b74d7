# The test loader (tests/loader/): a multiboot1 kernel that QEMU's -kernel
# boots and that loads relboot.elf (-initrd) through a multiboot2 hand-over
# with a chosen base and MBI defect.  Included by the top Makefile
# (`include tests/loader/loader.mk`) or used alone:
#
#   make -f tests/loader/loader.mk testloader     -> build/loader/relboot-testloader.elf
#
# Paths are relative to the repository root; every variable is LOADER_-prefixed.

LOADER_DIR    := tests/loader
LOADER_OUT    := build/loader
LOADER_ELF    := $(LOADER_OUT)/relboot-testloader.elf
LOADER_CXX    ?= i686-linux-gnu-g++
LOADER_LD     ?= ld
LOADER_CXXFLAGS := -std=c++20 -m32 -march=i686 -ffreestanding -fno-exceptions -fno-rtti -nostdlib \
    -fno-pic -fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector \
    -fno-threadsafe-statics -fno-use-cxa-atexit -fno-tree-loop-distribute-patterns \
    -mno-sse -mno-mmx -mno-80387 -O2 -Wall -Wextra -Werror -I$(LOADER_DIR)
LOADER_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
    --build-id=none --orphan-handling=error --no-warn-rwx-segments
LOADER_SRCS   := $(addprefix $(LOADER_DIR)/,head.S loader.cpp options.cpp memory_map.cpp elf_image.cpp mbi_build.cpp)
LOADER_OBJS   := $(patsubst $(LOADER_DIR)/%,$(LOADER_OUT)/%.o,$(LOADER_SRCS))

.PHONY: testloader
testloader: $(LOADER_ELF)

$(LOADER_OUT)/%.cpp.o: $(LOADER_DIR)/%.cpp $(LOADER_DIR)/loader.mk
	@mkdir -p $(@D)
	$(LOADER_CXX) $(LOADER_CXXFLAGS) -MMD -MP -c $< -o $@

$(LOADER_OUT)/%.S.o: $(LOADER_DIR)/%.S $(LOADER_DIR)/loader.mk
	@mkdir -p $(@D)
	$(LOADER_CXX) $(LOADER_CXXFLAGS) -MMD -MP -c $< -o $@

# grub-file checks what QEMU needs too: a multiboot1 header within the first 8 KiB.
$(LOADER_ELF): $(LOADER_OBJS) $(LOADER_DIR)/loader.ld
	$(LOADER_LD) $(LOADER_LDFLAGS) -T $(LOADER_DIR)/loader.ld -o $@.tmp $(LOADER_OBJS)
	@if command -v grub-file >/dev/null && ! grub-file --is-x86-multiboot $@.tmp; then \
	    echo "error: $@ is not a multiboot1 kernel (grub-file --is-x86-multiboot)" >&2; rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

-include $(wildcard $(LOADER_OUT)/*.d)
