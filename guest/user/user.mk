# guest/user/: the task runtime (lib/) and the tasks (tasks/), each task a
# static position-independent ELF64 at build/tasks/NAME.elf.

USER_LIB_SRCS := \
	guest/user/lib/crt0.S \
	guest/user/lib/errname.c \
	guest/user/lib/exit.c \
	guest/user/lib/printf.c \
	guest/lib/fmt.c \
	guest/lib/parse.c \
	guest/lib/string.c
USER_LIB_OBJS := $(addprefix $(BUILD)/user/,$(addsuffix .o,$(basename $(USER_LIB_SRCS))))
# The measurement API (lib/roi.h), an archive linked after a task's own
# objects: a task links only the parts it calls, and a task that calls
# none links nothing, so its image, and the kernel-mode verifier's pass
# over it at boot, stay as small as before.
USER_ROI_SRCS := guest/user/lib/roi.c guest/user/lib/roi_pmu.c guest/user/lib/roi_line.c \
	guest/user/lib/roi_format.c
USER_ROI_OBJS := $(addprefix $(BUILD)/user/,$(USER_ROI_SRCS:.c=.o))
USER_ROI_LIB := $(BUILD)/user/libroi.a
$(USER_ROI_LIB): $(USER_ROI_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^
UNIT_TESTS += test_roi_format
test_roi_format_SRCS := guest/user/lib/roi_line.c guest/user/lib/roi_format.c

# The C library part of the runtime (guest/user/include/ declares it), an
# archive after the task's objects: a task links only the members it uses.
USER_LIBC_SRCS := $(addprefix guest/user/lib/,abort.c assert.c atexit.c clock.c ctype.c \
	fmt_float.c malloc.c pages.c qsort.c rand.c stdio.c stdlib.c string_extra.c strtol.c)
# The printf family's entry points for tasks built with SSE (stdio.h):
# only such a task links them, and with them SSE code.
USER_LIBC_FPU_SRCS := guest/user/lib/printf_fp.c
USER_LIBC_OBJS := $(addprefix $(BUILD)/user/,$(USER_LIBC_SRCS:.c=.o)) \
	$(addprefix $(BUILD)/user-fpu/,$(USER_LIBC_FPU_SRCS:.c=.o))
USER_LIBC := $(BUILD)/user/libc.a
# The archives every task links after its own objects (link_task,
# Makefile): a task carries only the parts it calls.
USER_TASK_LIBS = $(USER_ROI_LIB) $(USER_LIBC)

$(USER_LIBC): $(USER_LIBC_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcsD $@ $^

TASKS := hello pingpong spin churn peek badptr ipcpaths replyrecv samevas wordipc clobber ipcwait taskinfo \
	pmuinfo \
	crash forge libc tlbprobe
# The attack suite (tests/attacks/): a victim and the tasks that attack it.
ATTACK_TASKS := victim attack_heapchurn attack_rw attack_deputy attack_exec attack_wrpkru \
	attack_wrpkru_hidden attack_wrpkru_split attack_wrpkru_table attack_xrstor \
	attack_xrstors attack_big attack_krw \
	attack_kpriv_cr3 attack_kpriv_wrmsr attack_kpriv_rdmsr attack_kpriv_rdpmc attack_kpriv_cli attack_kpriv_hlt attack_kpriv_out \
	attack_kpriv_lidt attack_kpriv_swapgs attack_kpriv_sysret attack_kpriv_iretq attack_kpriv_int \
	attack_khidden attack_khidden_unreached attack_kbranch_victim attack_kbranch_kernel \
	attack_kbranch_tramp attack_kbranch_masked attack_kindirect attack_kret attack_kmask \
	attack_kpivot attack_kgate attack_kentry attack_heapedge \
	attack_fuzz attack_ipczero attack_kstackunmap attack_ipcregs attack_ipcframe \
	attack_kfpu_fxrstor attack_kfpu_avx attack_kfpu_mmx attack_kfpu_maskmov attack_kfpu_x87 \
	attack_symforge attack_race attack_spanchurn attack_staleexec
# The system-call fuzzer (tests/fuzz/, make fuzz) and the victims beside it.
FUZZ_TASKS := sysfuzz sysvictim sysrepro
SYSFUZZ_SRCS := tests/fuzz/sysfuzz.c tests/fuzz/sysfuzz_model.c tests/fuzz/sysfuzz_heap.c \
	tests/fuzz/sysfuzz_call.c tests/fuzz/sysfuzz_ipc.c
SYSFUZZ_OBJS := $(addprefix $(BUILD)/user/,$(SYSFUZZ_SRCS:.c=.o))
# Tasks that compute with floating point: built with USER_FPU_CFLAGS (Makefile).
FPU_TASKS := fpcalc fpstate fpstate_sse libcfloat
TASK_ELFS := $(addprefix $(BUILD)/tasks/,$(addsuffix .elf,$(TASKS) $(ATTACK_TASKS) $(FUZZ_TASKS) \
	$(FPU_TASKS)))

# No libgcc and no libc: an undefined symbol here means the compiler
# emitted a call the runtime does not provide, and the link fails.
$(BUILD)/tasks/%.elf: $(BUILD)/user/guest/user/tasks/%.o $(USER_LIB_OBJS) $(USER_TASK_LIBS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $<)

# Attacks break the build's rules on purpose: sealed unchecked, so that
# the kernel's own checks are what they meet (tools/task-seal.c).
$(BUILD)/tasks/%.elf: $(BUILD)/user/tests/attacks/%.o $(USER_LIB_OBJS) $(USER_TASK_LIBS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $<,--unchecked)

$(patsubst %,$(BUILD)/tasks/%.elf,$(FPU_TASKS)): $(BUILD)/tasks/%.elf: \
	$(BUILD)/user-fpu/guest/user/tasks/%.o $(USER_LIB_OBJS) $(USER_TASK_LIBS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $<,$(SEAL_FLAGS))
# fpstate reads its own registers with FXSAVE and x87 instructions, which
# kernel mode refuses: sealed unchecked like the attacks, it runs in the
# other modes (the kernel's load checks still apply).
$(BUILD)/tasks/fpstate.elf: SEAL_FLAGS := --unchecked
# fpstate_sse: the same checks with SSE alone, for kernel mode too.
$(BUILD)/user-fpu/guest/user/tasks/fpstate_sse.o: guest/user/tasks/fpstate.c $(BUNDLE_ASM) Makefile
	$(call compile_task,$(USER_FPU_CFLAGS) -DFPSTATE_SSE_ONLY)

# fpcalc compares its results with the host's: fpcalc-host computes them
# with the same code (guest/user/tasks/fpcalc.h) into a header.  No errno
# from square roots, so that they stay one SQRTSD/SQRTSS with no libm call.
FPCALC_HOST := $(BUILD)/tools/fpcalc-host
$(FPCALC_HOST): tests/guest/fpcalc-host.c guest/user/tasks/fpcalc.h
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $< -o $@ -lm
$(BUILD)/gen/fpcalc_expected.h: $(FPCALC_HOST)
	$(call say,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FPCALC_HOST) > $@.tmp
	$(Q)mv $@.tmp $@
$(BUILD)/user-fpu/guest/user/tasks/fpcalc.o: $(BUILD)/gen/fpcalc_expected.h
$(BUILD)/user-fpu/guest/user/tasks/fpcalc.o: USER_FPU_CFLAGS += -fno-math-errno -I$(BUILD)/gen

$(BUILD)/tasks/sysvictim.elf $(BUILD)/tasks/sysrepro.elf: $(BUILD)/tasks/%.elf: \
	$(BUILD)/user/tests/fuzz/%.o $(USER_LIB_OBJS) $(USER_TASK_LIBS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $<)

$(BUILD)/tasks/sysfuzz.elf: $(SYSFUZZ_OBJS) $(USER_LIB_OBJS) $(USER_TASK_LIBS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $(SYSFUZZ_OBJS))

# attack_kentry starts inside an instruction (tests/attacks/attack_kentry.c).
$(BUILD)/tasks/attack_kentry.elf: USER_LDFLAGS += -Wl,-e,kentry_hidden

# attack_symforge's function gets a name with a newline in it
# (tests/attacks/attack_symforge.c), which no assembler writes.
$(BUILD)/user/tests/attacks/attack_symforge.renamed.o: $(BUILD)/user/tests/attacks/attack_symforge.o
	$(call say,OBJCOPY,$@)
	$(Q)objcopy --redefine-sym \
		"symforge_fault=$$(printf 'symforge\nkernel panic: forged by a symbol name')" $< $@
$(BUILD)/tasks/attack_symforge.elf: $(BUILD)/user/tests/attacks/attack_symforge.renamed.o \
	$(USER_LIB_OBJS) $(USER_TASK_LIBS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $<,--unchecked)

.SECONDARY: $(USER_LIB_OBJS) $(USER_LIBC_OBJS) $(USER_ROI_OBJS) \
	$(patsubst %,$(BUILD)/user/guest/user/tasks/%.o,$(TASKS)) \
	$(patsubst %,$(BUILD)/user-fpu/guest/user/tasks/%.o,$(FPU_TASKS)) \
	$(patsubst %,$(BUILD)/user/tests/attacks/%.o,$(ATTACK_TASKS)) $(SYSFUZZ_OBJS) \
	$(BUILD)/user/tests/fuzz/sysvictim.o $(BUILD)/user/tests/fuzz/sysrepro.o
