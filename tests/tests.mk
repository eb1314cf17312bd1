# Unit tests (cmocka, host).  A component adds NAME to UNIT_TESTS and lists
# the sources under test in NAME_SRCS (and libraries in NAME_LIBS);
# tests/unit/NAME.c holds the tests.

# The task-image path under the semantic oracle (tests/fuzz/image.h): the
# bounded replay of make fuzz's fuzz_image, which builds the same sources
# (tests/fuzz/fuzz.mk is included after this file, so they are listed here).
IMAGE_ORACLE_SRCS := tests/fuzz/image_pipeline.c tests/fuzz/image_oracle.c tests/fuzz/image_gen.c \
	tests/fuzz/image_code.c loader/format/elf_task.c isolation/scan.c isolation/verify.c \
	isolation/x86_decode.c isolation/cfi_patch.c
UNIT_TESTS += test_image_oracle
test_image_oracle_SRCS := $(IMAGE_ORACLE_SRCS)
test_image_oracle_LIBS := -lZydis

UNIT_TEST_BINS := $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))

define unit_test_rule
$(BUILD)/tests/unit/$(1): $(BUILD)/host/tests/unit/$(1).o $$(patsubst %.c,$(BUILD)/host/%.o,$$($(1)_SRCS))
	$$(call say,LD,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOST_CC) $$(HOST_LDFLAGS) $$^ $$($(1)_LIBS) -lcmocka -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

# The task-image conformance corpus (tests/conformance/task/run).
include tests/conformance/task/task.mk
