# shoji: top-level build.  `make` builds everything, `make run` the demo,
# `make test` every test.  Each component lists its own sources in its
# *.mk fragment; this file holds the flag sets and the shared rules.
#
# V=1 shows the commands.

BUILD := build
SHOJI_VERSION := 0.1.0

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

HOST_CC ?= gcc
GUEST_CC ?= gcc
GUEST_LD ?= ld
CC_INCLUDE := $(shell $(GUEST_CC) -print-file-name=include)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter

# Host code: the VMM, host tools, unit tests.
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -I. -Iguest -MMD -MP \
	-DSHOJI_VERSION='"$(SHOJI_VERSION)"'
HOST_LDFLAGS :=

# Freestanding guest kernel: higher half (-mcmodel=kernel), no red zone
# (interrupts push onto the kernel stack), no SSE (the FPU holds the
# running task's registers while the kernel runs: guest/arch/x86_64/fpu.c).
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc \
	-isystem $(CC_INCLUDE) -Iinclude -Iguest -I. -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fomit-frame-pointer \
	-fno-tree-loop-distribute-patterns \
	-MMD -MP -DSHOJI_KERNEL -DSHOJI_VERSION='"$(SHOJI_VERSION)"'
KERNEL_ASFLAGS := -Iinclude -Iguest -MMD -MP -D__ASSEMBLY__

# Freestanding user tasks: static position-independent executables.  No
# red zone: in `kernel` mode a task runs at CPL 0, where an interrupt would
# push its frame over the 128 bytes below RSP (AMD64 psABI 3.2.2).
# Every task is built to pass the kernel-mode verifier (bundles, masked
# branches: tools/bundle-asm.c), so one binary runs in every mode.  The
# bundled return clobbers R11 in every callee, which the compiler cannot
# see: -fno-ipa-ra stops GCC from keeping a caller's value in a register
# a leaf callee's body happens to leave alone (guest/user/tasks/clobber.c).
USER_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc \
	-isystem $(CC_INCLUDE) -Iinclude -Iguest -Iguest/user/lib -Iguest/user/include -DSHOJI_USER \
	-fPIE -mno-red-zone \
	-mgeneral-regs-only -mno-sse -mno-mmx -fno-stack-protector -fno-ipa-ra \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
	-fno-jump-tables -falign-functions=32 -fcf-protection=none -MMD -MP
# Task code that may use floating point (the SDK's default, and the
# runtime's few float files): the same flags with SSE allowed.  SSE2 at
# most, x86-64's baseline: the kernel keeps each task's FXSAVE image, and
# XSAVE (AVX state) stays off so PKRU is never part of a restorable image
# (docs/security.md).  A task first touching SSE gets its FPU state then
# (#NM), so code built with USER_CFLAGS never pays for it.
USER_FPU_CFLAGS := $(filter-out -mgeneral-regs-only -mno-sse -mno-mmx,$(USER_CFLAGS)) \
	-msse2 -mno-sse3 -mno-avx -mfpmath=sse
USER_LDFLAGS := -static-pie -nostdlib -nostartfiles -Wl,-z,separate-code \
	-Wl,-z,noexecstack -Wl,--build-id=none -Wl,-z,max-page-size=4096

# Linking a task (user.mk, bench.mk): into a temporary file, sealed
# (tools/task-seal.c: NOP runs squashed, the kernel's load checked, the
# note marked), then renamed, so a failed step leaves no image behind.
# $(1): the objects, runtime first (the runtime's archives,
# USER_TASK_LIBS in guest/user/user.mk, come last); $(2): task-seal's
# options.
TASK_SEAL := $(BUILD)/tools/task-seal
TASK_SEAL_SRCS = tools/task-seal.c vmm/hostfile.c isolation/nop_squash.c isolation/image_load.c \
	$(ISOLATION_SRCS) loader/format/elf_task.c loader/format/elf_task_note.c

define link_task
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(USER_LDFLAGS) $(1) $(USER_TASK_LIBS) -o $@.tmp
	$(Q)$(TASK_SEAL) $(2) $@.tmp
	$(Q)mv $@.tmp $@
endef

all:

include loader/format/format.mk
include loader/uefi/uefi.mk
include isolation/isolation.mk
include guest/kernel.mk
include guest/user/user.mk
include vmm/vmm.mk
include bench/bench.mk
include tests/tests.mk
include tests/fuzz/fuzz.mk
include tools/sdk/sdk.mk

all: $(KERNEL_ELF) $(TASK_ELFS)

# --- set-up: install what is missing (Debian 12, as root) ---------------
deps:
	$(Q)tools/install-deps

# --- the demo -------------------------------------------------------------
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo

# --- tests ----------------------------------------------------------------
test: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TEST_BINS) $(SHOJI_STATIC)
	$(Q)tests/run

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	$(Q)clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

.PHONY: all deps run test format format-check clean esp

# --- shared pattern rules -------------------------------------------------
$(BUILD)/host/%.o: %.c
	$(call say,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	$(call say,AS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(KERNEL_ASFLAGS) -c $< -o $@

# Task code: compiler -> assembly -> bundle-asm -> assembler.
BUNDLE_ASM := $(BUILD)/tools/bundle-asm

$(BUNDLE_ASM): tools/bundle-asm.c isolation/isolation.h include/shoji/tlbmark.h
	$(call say,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $< -o $@

$(TASK_SEAL): $(TASK_SEAL_SRCS) isolation/isolation.h isolation/image_load.h include/shoji/note.h \
		vmm/hostfile.h
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(TASK_SEAL_SRCS) -o $@

# Task objects also depend on this file: USER_CFLAGS decide what is safe
# to run as bundled code (-fno-ipa-ra above).  $(1): the C flags.
define compile_task
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(1) -MT $@ -S $< -o $@.s
	$(Q)$(BUNDLE_ASM) $@.s $@.bundled.s
	$(Q)$(GUEST_CC) -c $@.bundled.s -o $@
endef

$(BUILD)/user/%.o: %.c $(BUNDLE_ASM) Makefile
	$(call compile_task,$(USER_CFLAGS))

# Task code that computes with floating point: build/user-fpu/.
$(BUILD)/user-fpu/%.o: %.c $(BUNDLE_ASM) Makefile
	$(call compile_task,$(USER_FPU_CFLAGS))

$(BUILD)/user/%.o: %.S $(BUNDLE_ASM) Makefile
	$(call say,AS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(KERNEL_ASFLAGS) -MT $@ -E $< -o $@.s
	$(Q)$(BUNDLE_ASM) $@.s $@.bundled.s
	$(Q)$(GUEST_CC) -c $@.bundled.s -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
