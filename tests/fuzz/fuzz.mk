# make fuzz: libFuzzer (clang) over the parsers that read untrusted files:
# the initrd (cpio), task images (fuzz_elf_sym: their symbol tables, read
# when a task is killed; fuzz_task_host: shoji's libelf check
# against the guest's rules, differentially), task specs (to initrd and command line:
# fuzz_taskspec reads both back, and holds the kernel's parser to the
# host's rule for each tail), and the kernel (fuzz_kernel_elf:
# shoji's libelf reader against the raw one, differentially), the PVH
# start info builder (fuzz_start_info: what it lays out must read back as
# the kernel's reader, guest/core/bootinfo.c, follows it); the ACPI tables the kernel reads to find
# the CPUs (fuzz_acpi); COM1's register
# model (fuzz_uart: any guest access sequence and input); shoji's
# console device's requests (fuzz_hvcon: any port write and guest RAM); the
# TLB-model plugin's feed under a hostile guest's executed stream (fuzz_tlbfeed:
# every line one JSON object, no task's hint taken); the whole
# task-image path of the kernel (fuzz_image: load, scan, verify) under a
# semantic oracle (tests/fuzz/image.h); and the verifier's decoder against
# Zydis (fuzz_decode).  Bounded in time (FUZZ_SECONDS each); not part of
# make test (test_image_oracle and test_decode_diff replay the oracles
# there).  A crash leaves its input in build/fuzz/; keep it as a unit test
# once fixed.  Then decode-diff: DECODE_DIFF_COUNT generated sequences
# through x86_decode() and Zydis (tests/fuzz/decode_diff.h).  First, the
# system calls (fuzz-syscalls, below).

FUZZ_SECONDS ?= 30
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I. -Iguest
FUZZ_TARGETS := fuzz_cpio fuzz_elf_task fuzz_elf_sym fuzz_kernel_elf fuzz_decode fuzz_image fuzz_taskspec fuzz_task_host \
	fuzz_start_info fuzz_uart fuzz_hvcon fuzz_acpi fuzz_tlbfeed
fuzz_cpio_SRCS := loader/format/cpio.c
fuzz_elf_task_SRCS := loader/format/elf_task.c loader/format/elf_task_note.c
fuzz_elf_sym_SRCS := loader/format/elf_sym.c
fuzz_kernel_elf_SRCS := vmm/elf_load.c vmm/guest_mem.c loader/format/kernel_elf.c loader/uefi/kernel.c
fuzz_kernel_elf_LIBS := -lelf
fuzz_task_host_SRCS := vmm/taskimage.c loader/format/elf_task.c loader/format/elf_task_note.c
fuzz_task_host_LIBS := -lelf
fuzz_decode_SRCS := $(DECODE_DIFF_SRCS)
fuzz_decode_LIBS := -lZydis
fuzz_image_SRCS := $(IMAGE_ORACLE_SRCS) # tests/tests.mk
fuzz_image_LIBS := -lZydis
fuzz_taskspec_SRCS := vmm/initrd.c vmm/taskimage.c vmm/hostfile.c $(LOADER_HOST_SRCS) \
	tests/conformance/task/images.c guest/core/cmdline.c guest/lib/parse.c
fuzz_taskspec_LIBS := -lelf
fuzz_start_info_SRCS := loader/format/start_info.c
fuzz_acpi_SRCS := loader/format/acpi.c
fuzz_uart_SRCS := vmm/uart.c
fuzz_hvcon_SRCS := vmm/hvcon.c vmm/guest_mem.c
fuzz_tlbfeed_SRCS := bench/tlbmodel/feed.c bench/tlbmodel/insn_class.c bench/tlbmodel/tlbmodel.c \
	bench/tlbmodel/pcidmap.c vmm/json_check.c

# The generated sequences: host C, -O2 (HOST_CFLAGS), the sources of
# test_decode_diff (isolation/isolation.mk) with a command line.
DECODE_DIFF := $(BUILD)/fuzz/decode-diff
DECODE_DIFF_COUNT ?= 10000000
DECODE_DIFF_SEED ?= 1

$(DECODE_DIFF): $(patsubst %.c,$(BUILD)/host/%.o,tests/fuzz/decode_diff.c $(DECODE_DIFF_SRCS))
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $^ -lZydis -o $@

define fuzz_rule
$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $$($(1)_SRCS) $$(wildcard tests/fuzz/*.h)
	$$(call say,FUZZCC,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(filter %.c,$$^) $$($(1)_LIBS) -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# Seeds: the real files each parser reads, so the fuzzer starts deep; for
# fuzz_image also generated images: a header (tests/fuzz/image_gen.c: the
# layout, the entry, the share of dangerous instructions), then bytes of
# real task code to pick instructions with.  The float task code of tests/fpu/
# seeds fuzz_image and fuzz_decode with SSE.
fuzz-seeds: all
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-fuzz_cpio $(BUILD)/fuzz/corpus-fuzz_elf_task \
		$(BUILD)/fuzz/corpus-fuzz_kernel_elf $(BUILD)/fuzz/corpus-fuzz_image
	$(Q)cp $(TASK_ELFS) $(BUILD)/fuzz/corpus-fuzz_elf_task/
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-fuzz_elf_sym
	$(Q)cp $(TASK_ELFS) $(BUILD)/fuzz/corpus-fuzz_elf_sym/
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-fuzz_task_host
	$(Q)cp $(TASK_ELFS) $(BUILD)/fuzz/corpus-fuzz_task_host/
	$(Q)cp $(TASK_ELFS) $(BUILD)/fuzz/corpus-fuzz_image/
	$(Q)set -e; n=0; for h in '\000\000\000\000\000' '\007\377\000\000\000' \
			'\053\005\001\000\010' '\074\000\000\000\020' '\101\000\000\000\000' \
			'\217\020\000\005\040'; do \
		n=$$((n + 1)); \
		{ printf "$$h"; tail -c +4097 $(BUILD)/tasks/hello.elf | head -c 1500; } \
			>$(BUILD)/fuzz/corpus-fuzz_image/generated-$$n; \
	done
	$(Q)cp $(KERNEL_ELF) $(BUILD)/fuzz/corpus-fuzz_kernel_elf/
	$(Q)cp $(CONFORMANCE_KERNEL_DIR)/*.elf $(BUILD)/fuzz/corpus-fuzz_kernel_elf/
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-fuzz_taskspec
	$(Q)printf 'quantum=5\na.elf:shared:x\nb:kernel\nb:kernel@1\nsub/../a.elf\n' \
		>$(BUILD)/fuzz/corpus-fuzz_taskspec/specs
	$(Q)(cd $(BUILD)/tasks && ls hello.elf pingpong.elf | cpio -o -H newc --quiet) \
		>$(BUILD)/fuzz/corpus-fuzz_cpio/tasks.cpio
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-fuzz_decode
	$(Q)objcopy -O binary -j .text $(BUILD)/tasks/hello.elf $(BUILD)/fuzz/hello.text
	$(Q)split -b 32 -a 3 $(BUILD)/fuzz/hello.text $(BUILD)/fuzz/corpus-fuzz_decode/bundle-
	$(Q)cp $(FPU_CODE_ELF) $(BUILD)/fuzz/corpus-fuzz_image/
	$(Q)objcopy -O binary -j .text $(FPU_CODE_ELF) $(BUILD)/fuzz/fpu-code.text
	$(Q)split -b 32 -a 3 $(BUILD)/fuzz/fpu-code.text $(BUILD)/fuzz/corpus-fuzz_decode/fpu-

# The system-call fuzzer (tests/fuzz/sysfuzz*.c) in the guest: boots of
# fuzzers and victims in all three modes under QEMU, one pair of boots a
# seed, SYSFUZZ_CALLS calls a fuzzer; fails on a panic, a hang, a BUG
# line, a victim not intact, or fewer than SYSFUZZ_MIN calls in all
# (tests/fuzz/sysfuzz-run says how it counts).  Two passes: the kernel's
# audit on (audit=on: it checks its invariants after every call, fault
# and interrupt, and panics naming the broken one), where a call costs
# many times more, with SYSFUZZ_AUDIT_CALLS calls a fuzzer and seeds of
# their own; the same on two CPUs, each group spread over both
# (SYSFUZZ_SMP_SEEDS: every unmap and end a TLB shootdown, IPC across
# CPUs inside a group); then without the audit, for the count
# (SYSFUZZ_APPEND: more kernel command line for that pass).
SYSFUZZ_CALLS ?= 20000
SYSFUZZ_SEEDS ?= 1 2 3 4 5 6 7
SYSFUZZ_MIN ?= 1000000
SYSFUZZ_AUDIT_CALLS ?= 600
SYSFUZZ_AUDIT_SEEDS ?= 101 102 103 104
SYSFUZZ_AUDIT_MIN ?= 25000
SYSFUZZ_SMP_SEEDS ?= 201 202 203
SYSFUZZ_SMP_MIN ?= 15000
SYSFUZZ_APPEND ?=

fuzz-syscalls: all
	$(Q)echo "fuzz: sysfuzz with audit=on"
	$(Q)tests/fuzz/sysfuzz-run --calls $(SYSFUZZ_AUDIT_CALLS) --seeds "$(SYSFUZZ_AUDIT_SEEDS)" \
		--min $(SYSFUZZ_AUDIT_MIN) --append audit=on --out $(BUILD)/fuzz/sysfuzz-audit
	$(Q)echo "fuzz: sysfuzz with audit=on on two CPUs"
	$(Q)tests/fuzz/sysfuzz-run --calls $(SYSFUZZ_AUDIT_CALLS) --seeds "$(SYSFUZZ_SMP_SEEDS)" \
		--min $(SYSFUZZ_SMP_MIN) --append audit=on --cpus 2 --out $(BUILD)/fuzz/sysfuzz-smp
	$(Q)echo "fuzz: sysfuzz"
	$(Q)tests/fuzz/sysfuzz-run --calls $(SYSFUZZ_CALLS) --seeds "$(SYSFUZZ_SEEDS)" \
		--min $(SYSFUZZ_MIN) --append "$(SYSFUZZ_APPEND)"

# Each target's last lines: the final stats, then its own counts (or how
# it crashed); a crash fails make fuzz.
fuzz: deps fuzz-syscalls fuzz-seeds $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS)) $(DECODE_DIFF)
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		dict=; [ ! -f tests/fuzz/$$t.dict ] || dict=-dict=$(CURDIR)/tests/fuzz/$$t.dict; \
		(cd $(BUILD)/fuzz && rc=0 && ./$$t -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 $$dict corpus-$$t >$$t.log 2>&1 || rc=$$?; \
			tail -n 7 $$t.log; exit $$rc); \
	done
	$(Q)$(DECODE_DIFF) --count $(DECODE_DIFF_COUNT) --seed $(DECODE_DIFF_SEED)

.PHONY: fuzz fuzz-seeds fuzz-syscalls
