# bench/: the guest benchmark tasks (build/tasks/bench_*.elf), the Linux
# baselines (build/bench/linux/*), the host stopwatch, and the two targets:
#   make bench         the three modes against Linux baselines (bench/run)
#   make bench-icount  path lengths under QEMU -icount, checked against
#                      bench/icount-baseline.json (bench/run --icount)
# Neither is part of `make test` (docs/architecture.md, test tier 4).

# Guest tasks: built like guest/user/tasks (static PIE through the task
# runtime and tools/bundle-asm), so they pass the kernel-mode verifier and
# one binary runs in every mode.
BENCH_TASKS := bench_ipc bench_pairs bench_shootdown bench_null bench_yield bench_tlb bench_kmem bench_boot
BENCH_TASK_ELFS := $(addprefix $(BUILD)/tasks/,$(addsuffix .elf,$(BENCH_TASKS) bench_kmem_fpu))

# The benchmark tasks are tasks like any other: make all builds them, and
# the VMM tier uses one (vmm/shoji/json-results).
all: $(BENCH_TASK_ELFS)
BENCH_LIB_OBJS := $(BUILD)/user/bench/tasks/benchlib.o

$(BUILD)/tasks/%.elf: $(BUILD)/user/bench/tasks/%.o $(BENCH_LIB_OBJS) $(USER_TASK_LIBS) $(USER_LIB_OBJS) \
	$(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $(BENCH_LIB_OBJS) $<)

# bench_kmem for tasks that used the FPU: the same source, with SSE
# (USER_FPU_CFLAGS), touching the FPU first (bench/tasks/bench_kmem.c).
BENCH_KMEM_FPU_OBJ := $(BUILD)/user-fpu/bench/tasks/bench_kmem_fpu.o
$(BENCH_KMEM_FPU_OBJ): bench/tasks/bench_kmem.c $(BUNDLE_ASM) Makefile
	$(call compile_task,$(USER_FPU_CFLAGS) -DBENCH_KMEM_FPU)
$(BUILD)/tasks/bench_kmem_fpu.elf: $(BENCH_KMEM_FPU_OBJ) $(BENCH_LIB_OBJS) $(USER_TASK_LIBS) \
	$(USER_LIB_OBJS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $(BENCH_LIB_OBJS) $<)

.SECONDARY: $(BENCH_LIB_OBJS) $(patsubst %,$(BUILD)/user/bench/tasks/%.o,$(BENCH_TASKS)) \
	$(BENCH_KMEM_FPU_OBJ)

# Linux baselines: host programs, -O2, one per mechanism.
BENCH_LINUX := pipe_pingpong futex_pingpong yield_pingpong null_syscall tlb pkey_switch pairs_pingpong \
	unix_pingpong yield_fifo tsc_loop shootdown
BENCH_LINUX_BINS := $(addprefix $(BUILD)/bench/linux/,$(BENCH_LINUX))
BENCH_LINUX_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -MMD -MP -pthread

# Static, so that the same files run on a machine lent for the Linux
# baselines (bench/device-run), whatever its C library.
# Each links the guest's PMU event table (bench/linux/perf.h).
BENCH_LINUX_PMU := guest/arch/x86_64/pmu_events.c
$(BUILD)/bench/linux/%: bench/linux/%.c $(BENCH_LINUX_PMU)
	$(call say,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(BENCH_LINUX_CFLAGS) -Iinclude -Iguest -static $< $(BENCH_LINUX_PMU) -o $@

# tsc_loop checks the icount harness inside Linux (tests/bench/linux-icount.sh,
# with pipe_pingpong, pairs_pingpong and shootdown on several CPUs),
# pipe_pingpong runs inside a Linux guest under shoji (tests/vmm/linux-guest),
# all part of make test, so make all builds them.
all: $(BUILD)/bench/linux/tsc_loop $(BUILD)/bench/linux/pipe_pingpong \
	$(BUILD)/bench/linux/pairs_pingpong $(BUILD)/bench/linux/shootdown

# The stopwatch times exec to a program's first output bytes; static, so
# it also runs inside the emulated-KVM rig's busybox initramfs.
BENCH_STOPWATCH := $(BUILD)/bench/stopwatch

$(BENCH_STOPWATCH): bench/tools/stopwatch.c
	$(call say,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(BENCH_LINUX_CFLAGS) -static $< -o $@

BENCH_DEPS := $(KERNEL_ELF) $(BENCH_TASK_ELFS) $(BENCH_LINUX_BINS) $(BENCH_STOPWATCH) \
	$(SHOJI) $(SHOJI_STATIC) $(BUILD)/tasks/hello.elf

# BENCH_ARGS go to bench/run: make bench BENCH_ARGS='--runs 10',
# make bench-icount BENCH_ARGS=--write-baseline (bench/METHODS.md).
BENCH_ARGS ?=

bench: deps
	$(Q)$(MAKE) --no-print-directory $(BENCH_DEPS)
	$(Q)bench/run $(BENCH_ARGS)

bench-icount: deps
	$(Q)$(MAKE) --no-print-directory $(KERNEL_ELF) $(BENCH_TASK_ELFS) $(BENCH_LINUX_BINS) \
		$(SHOJI) $(SHOJI_STATIC) $(BENCH_STOPWATCH) $(TLBMODEL_PLUGIN)
	$(Q)bench/run --icount $(BENCH_ARGS)

.PHONY: bench bench-icount

include bench/tlbmodel/tlbmodel.mk
