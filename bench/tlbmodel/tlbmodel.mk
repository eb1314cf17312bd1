# bench/tlbmodel/: the TLB model (tlbmodel.h), a host library for the
# emulated runs' TLB counts; tests/unit/test_tlbmodel.c checks it.  The
# QEMU plugin that feeds it (plugin.c, docs/tlb-model.md) is
# build/bench/tlbmodel.so: position-independent, shared, no glib; its
# qemu_plugin_* references resolve against the QEMU that loads it.
UNIT_TESTS += test_tlbmodel test_tlbmodel_insn test_tlbmodel_feed
test_tlbmodel_SRCS := bench/tlbmodel/tlbmodel.c
test_tlbmodel_feed_SRCS := bench/tlbmodel/feed.c bench/tlbmodel/insn_class.c bench/tlbmodel/tlbmodel.c \
	bench/tlbmodel/pcidmap.c
test_tlbmodel_insn_SRCS := bench/tlbmodel/insn_class.c
test_tlbmodel_insn_LIBS := -lZydis

TLBMODEL_PLUGIN := $(BUILD)/bench/tlbmodel.so
TLBMODEL_PLUGIN_SRCS := bench/tlbmodel/plugin.c bench/tlbmodel/feed.c bench/tlbmodel/insn_class.c \
	bench/tlbmodel/tlbmodel.c bench/tlbmodel/pcidmap.c
all: $(TLBMODEL_PLUGIN)

$(TLBMODEL_PLUGIN): $(TLBMODEL_PLUGIN_SRCS) $(wildcard bench/tlbmodel/*.h) include/shoji/tlbmark.h
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -fPIC -shared -fvisibility=hidden \
		$(TLBMODEL_PLUGIN_SRCS) -o $@
