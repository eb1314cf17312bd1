# make fuzz: libFuzzer (clang) over the parsers that read untrusted files:
# the initrd (cpio), task images, and shoji's kernel loader.  Bounded in
# time (FUZZ_SECONDS each); not part of make test.  A crash leaves its
# input in build/fuzz/; keep it as a unit test once fixed.  First, the
# system calls (fuzz-syscalls, below).

FUZZ_SECONDS ?= 30
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I. -Iguest
FUZZ_TARGETS := fuzz_cpio fuzz_elf_task fuzz_kernel_elf
fuzz_cpio_SRCS := loader/cpio.c
fuzz_elf_task_SRCS := loader/elf_task.c
fuzz_kernel_elf_SRCS := vmm/elf_load.c vmm/guest_mem.c
fuzz_kernel_elf_LIBS := -lelf

define fuzz_rule
$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $$($(1)_SRCS)
	$$(call say,FUZZCC,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$^ $$($(1)_LIBS) -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# Seeds: the real files each parser reads, so the fuzzer starts deep.
fuzz-seeds: all
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-fuzz_cpio $(BUILD)/fuzz/corpus-fuzz_elf_task \
		$(BUILD)/fuzz/corpus-fuzz_kernel_elf
	$(Q)cp $(TASK_ELFS) $(BUILD)/fuzz/corpus-fuzz_elf_task/
	$(Q)cp $(KERNEL_ELF) $(BUILD)/fuzz/corpus-fuzz_kernel_elf/
	$(Q)(cd $(BUILD)/tasks && ls hello.elf pingpong.elf | cpio -o -H newc --quiet) \
		>$(BUILD)/fuzz/corpus-fuzz_cpio/tasks.cpio

# The system-call fuzzer (tests/fuzz/sysfuzz*.c) in the guest: boots of
# fuzzers and victims in all three modes under QEMU, one pair of boots a
# seed, SYSFUZZ_CALLS calls a fuzzer; fails on a panic, a hang, a BUG
# line, a victim not intact, or fewer than SYSFUZZ_MIN calls in all
# (tests/fuzz/sysfuzz-run says how it counts).  SYSFUZZ_APPEND goes on the
# kernel command line: set it to audit=on once the kernel takes that token
# (it checks its invariants after every call and panics naming the broken
# one); a call then costs some 30 times more, so lower SYSFUZZ_CALLS (and
# SYSFUZZ_MIN) with it: 2000 calls a fuzzer take about 80 s a boot.
SYSFUZZ_CALLS ?= 20000
SYSFUZZ_SEEDS ?= 1 2 3 4 5 6 7
SYSFUZZ_MIN ?= 1000000
SYSFUZZ_APPEND ?=
# SYSFUZZ_APPEND ?= audit=on

fuzz-syscalls: all
	$(Q)tests/fuzz/sysfuzz-run --calls $(SYSFUZZ_CALLS) --seeds "$(SYSFUZZ_SEEDS)" \
		--min $(SYSFUZZ_MIN) --append "$(SYSFUZZ_APPEND)"

fuzz: deps fuzz-syscalls fuzz-seeds $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		(cd $(BUILD)/fuzz && ./$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			corpus-$$t 2>&1 | tail -n 3); \
	done

.PHONY: fuzz fuzz-seeds fuzz-syscalls
