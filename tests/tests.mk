# Unit tests (cmocka, host).  A component adds NAME to UNIT_TESTS and lists
# the sources under test in NAME_SRCS (and libraries in NAME_LIBS);
# tests/unit/NAME.c holds the tests.

# The task-image path under the semantic oracle (tests/fuzz/image.h): the
# bounded replay of make fuzz's fuzz_image, which builds the same sources
# (tests/fuzz/fuzz.mk is included after this file, so they are listed here).
IMAGE_ORACLE_SRCS := isolation/image_load.c tests/fuzz/image_oracle.c tests/fuzz/image_gen.c \
	tests/fuzz/image_code.c loader/format/elf_task.c isolation/scan.c isolation/verify.c \
	isolation/x86_decode.c isolation/cfi_patch.c isolation/byte_find.c
UNIT_TESTS += test_image_oracle
test_image_oracle_SRCS := $(IMAGE_ORACLE_SRCS)
test_image_oracle_LIBS := -lZydis

# The task runtime's C library (guest/user/lib/), on the host against
# glibc: each test compiles the sources it checks into itself, renamed
# (see the comment at the top of each), so *_SRCS are empty.
UNIT_TESTS += test_libc_fmt test_libc_parse test_libc_sort test_libc_string test_libc_malloc
test_libc_fmt_SRCS :=
test_libc_parse_SRCS :=
test_libc_sort_SRCS :=
test_libc_string_SRCS :=
test_libc_malloc_SRCS :=

# Float-heavy task code (tests/fpu/) built as the SDK builds it
# (USER_FPU_CFLAGS, bundled) and linked like a task: test_fpu_code loads it
# in kernel mode on the host, and the verifier must accept all of it.
# -fno-math-errno: sqrt() becomes sqrtsd, not a call to a libm there is none of.
FPU_CODE_OBJS := $(patsubst %.c,$(BUILD)/user-fpu/%.o,$(wildcard tests/fpu/*.c))
FPU_CODE_ELF := $(BUILD)/tests/fpu/fpu-code.elf
$(FPU_CODE_ELF): $(FPU_CODE_OBJS) $(USER_LIB_OBJS) $(USER_TASK_LIBS) $(TASK_SEAL)
	$(call link_task,$(USER_LIB_OBJS) $(FPU_CODE_OBJS))
$(FPU_CODE_OBJS): USER_FPU_CFLAGS += -Itests/fpu -fno-math-errno
$(FPU_CODE_OBJS): tests/tests.mk
# The loops of these two vectorized as -O3 does (GCC's -O2 cost model
# vectorizes only loops that need no remainder).
$(BUILD)/user-fpu/tests/fpu/vector.o $(BUILD)/user-fpu/tests/fpu/integer.o: USER_FPU_CFLAGS += -O3
.SECONDARY: $(FPU_CODE_OBJS)
all: $(FPU_CODE_ELF)

# An initrd whose task images carry notes the kernel must refuse, packed
# without the host's checks (cpio), for the kernel's own refusal under
# shoji (tests/vmm/checks/note-*.check): unsealed (conventions 0) and
# oldabi (built for ABI 4).
UNSEALED_INITRD := $(BUILD)/tests/unsealed/initrd.cpio
$(UNSEALED_INITRD): $(BUILD)/tasks/hello.elf tests/sdk/note-patch
	$(call say,GEN,$@)
	@rm -rf $(dir $@) && mkdir -p $(dir $@)files
	$(Q)cp $< $(dir $@)files/unsealed && tests/sdk/note-patch $(dir $@)files/unsealed 1 0
	$(Q)cp $< $(dir $@)files/oldabi && tests/sdk/note-patch $(dir $@)files/oldabi 0 4
	$(Q)cd $(dir $@)files && printf '%s\n' unsealed oldabi | cpio --quiet -o -H newc > ../initrd.cpio.tmp
	$(Q)mv $@.tmp $@
all: $(UNSEALED_INITRD)
UNIT_TESTS += test_fpu_code
test_fpu_code_SRCS := $(IMAGE_ORACLE_SRCS)
test_fpu_code_LIBS := -lZydis

UNIT_TEST_BINS := $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))

define unit_test_rule
$(BUILD)/tests/unit/$(1): $(BUILD)/host/tests/unit/$(1).o $$(patsubst %.c,$(BUILD)/host/%.o,$$($(1)_SRCS))
	$$(call say,LD,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOST_CC) $$(HOST_LDFLAGS) $$^ $$($(1)_LIBS) -lcmocka -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

# The kernel conformance corpus (tests/conformance/kernel/): images written
# by gen.c, and check.c, which judges each through every boot path's code
# (tests/run runs it as conformance/kernel/NAME).
CONFORMANCE_KERNEL_DIR := $(BUILD)/tests/conformance/kernel
CONFORMANCE_KERNEL_GEN := $(BUILD)/tests/conformance/kernel-gen
CONFORMANCE_KERNEL_CHECK := $(BUILD)/tests/conformance/kernel-check
CONFORMANCE_KERNEL_CHECK_SRCS := tests/conformance/kernel/check.c vmm/elf_load.c vmm/guest_mem.c \
	loader/uefi/kernel.c loader/format/kernel_elf.c

$(CONFORMANCE_KERNEL_GEN): $(BUILD)/host/tests/conformance/kernel/gen.o
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

$(CONFORMANCE_KERNEL_CHECK): $(patsubst %.c,$(BUILD)/host/%.o,$(CONFORMANCE_KERNEL_CHECK_SRCS))
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $^ -lelf -o $@

$(CONFORMANCE_KERNEL_DIR)/.stamp: $(CONFORMANCE_KERNEL_GEN) $(KERNEL_ELF)
	$(call say,GEN,$(CONFORMANCE_KERNEL_DIR))
	$(Q)rm -rf $(CONFORMANCE_KERNEL_DIR) && mkdir -p $(CONFORMANCE_KERNEL_DIR)
	$(Q)$(CONFORMANCE_KERNEL_GEN) $(CONFORMANCE_KERNEL_DIR)
	$(Q)cp $(KERNEL_ELF) $(CONFORMANCE_KERNEL_DIR)/real_kernel.elf
	$(Q)touch $@

all: $(CONFORMANCE_KERNEL_CHECK) $(CONFORMANCE_KERNEL_DIR)/.stamp

# The case checker of the test runners (tests/guest/run-cases,
# tests/vmm/run): parses case files and judges outputs against them.
CASE_CHECK := $(BUILD)/tools/case-check
CASE_CHECK_SRCS := tools/case-check/main.c tools/case-check/parse.c tools/case-check/check.c \
	tools/case-check/rig.c
all: $(CASE_CHECK)

$(CASE_CHECK): $(CASE_CHECK_SRCS) tools/case-check/case.h
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(CASE_CHECK_SRCS) -o $@

# The task-image conformance corpus (tests/conformance/task/run).
include tests/conformance/task/task.mk

