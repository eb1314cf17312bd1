# tests/conformance/task/: the task-image conformance corpus and its judge (tests/conformance/task/run).
# build/tests/conformance/task-judge writes the generated images and judges
# images, task specs and command lines with the guest's parsers and shoji's own code;
# build/shoji-pack is the third judge.

TASK_JUDGE := $(BUILD)/tests/conformance/task-judge
TASK_JUDGE_SRCS := tests/conformance/task/judge.c tests/conformance/task/images.c \
	vmm/initrd.c vmm/taskimage.c vmm/hostfile.c guest/core/cmdline.c guest/lib/parse.c \
	$(LOADER_HOST_SRCS)

$(TASK_JUDGE): $(patsubst %.c,$(BUILD)/host/%.o,$(TASK_JUDGE_SRCS))
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $^ -lelf -o $@

all: $(TASK_JUDGE)
