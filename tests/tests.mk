# Unit tests (cmocka, host).  A component adds NAME to UNIT_TESTS and lists
# the sources under test in NAME_SRCS (and libraries in NAME_LIBS);
# tests/unit/NAME.c holds the tests.

UNIT_TEST_BINS := $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))

define unit_test_rule
$(BUILD)/tests/unit/$(1): $(BUILD)/host/tests/unit/$(1).o $$(patsubst %.c,$(BUILD)/host/%.o,$$($(1)_SRCS))
	$$(call say,LD,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOST_CC) $$(HOST_LDFLAGS) $$^ $$($(1)_LIBS) -lcmocka -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))
