# make fuzz: libFuzzer (clang) over the parsers that read untrusted files:
# the initrd (cpio), task images, and shoji's kernel loader.  Bounded in
# time (FUZZ_SECONDS each); not part of make test.  A crash leaves its
# input in build/fuzz/; keep it as a unit test once fixed.

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

fuzz: deps fuzz-seeds $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		(cd $(BUILD)/fuzz && ./$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			corpus-$$t 2>&1 | tail -n 3); \
	done

.PHONY: fuzz fuzz-seeds
