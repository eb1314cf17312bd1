# tools/sdk/: `make sdk` writes the task SDK to build/sdk (docs/task-sdk.md):
#   bin/      shoji-cc (the one command), bundle-asm, task-seal
#   include/  user.h, roi.h (measuring), the runtime's headers, shoji/abi.h and shoji/note.h
#   lib/      crt0.o (first in every image) and libshoji.a (the runtime)
#   share/    shoji-task.mk (for a task's Makefile), shoji-sdk.conf (the
#             flags, written here from the build's own USER_* flags)
# The SDK is relocatable (shoji-cc finds it from its own path) and uses
# the host's gcc; tests/sdk/run builds examples/ with it from outside the
# checkout.

SDK := $(BUILD)/sdk
SDK_DEFAULT_CFLAGS := $(filter-out $(WARN) -I% -isystem $(CC_INCLUDE) -MMD -MP,$(USER_FPU_CFLAGS)) \
	-Wall -Wextra -Wno-unused-parameter
SDK_NOFPU_FLAGS := -mgeneral-regs-only -mno-sse -mno-mmx
SDK_RUNTIME_OBJS = $(filter-out %/crt0.o,$(USER_LIB_OBJS)) $(USER_ROI_OBJS) $(USER_LIBC_OBJS)
SDK_HEADERS = $(wildcard include/shoji/*.h guest/user/include/*.h guest/user/include/*/*.h) \
	guest/user/lib/user.h guest/user/lib/roi.h guest/user/lib/roi_format.h guest/lib/lib.h \
	guest/lib/string.h

# Bash arrays, sourced by shoji-cc.
define sdk_conf
# shoji-sdk.conf: the flags shoji-cc builds with, written by make sdk (tools/sdk/sdk.mk).
SHOJI_SDK_VERSION=$(SHOJI_VERSION)
SHOJI_ABI=$(shell sed -n 's/^\#define SHOJI_ABI_VERSION //p' include/shoji/note.h)
SHOJI_CFLAGS=($(SDK_DEFAULT_CFLAGS))
SHOJI_NOFPU_FLAGS=($(SDK_NOFPU_FLAGS))
SHOJI_LDFLAGS=($(USER_LDFLAGS))
endef
export sdk_conf

sdk: $(SDK)/share/shoji-sdk.conf

# The conf is written last of all: it stands for the whole SDK.
$(SDK)/share/shoji-sdk.conf: $(USER_LIB_OBJS) $(USER_ROI_OBJS) $(USER_LIBC_OBJS) $(BUNDLE_ASM) $(TASK_SEAL) tools/sdk/shoji-cc \
		tools/sdk/shoji-task.mk tools/sdk/sdk.mk $(SDK_HEADERS)
	$(call say,SDK,$(SDK))
	$(Q)rm -rf $(SDK).tmp && mkdir -p $(SDK).tmp/bin $(SDK).tmp/lib $(SDK).tmp/share \
		$(SDK).tmp/include/shoji $(SDK).tmp/include/lib
	$(Q)cp $(BUNDLE_ASM) $(TASK_SEAL) tools/sdk/shoji-cc $(SDK).tmp/bin/
	$(Q)cp $(filter %/crt0.o,$(USER_LIB_OBJS)) $(SDK).tmp/lib/crt0.o
	$(Q)ar rcs $(SDK).tmp/lib/libshoji.a $(SDK_RUNTIME_OBJS)
	$(Q)cp include/shoji/*.h $(SDK).tmp/include/shoji/
	$(Q)cp guest/user/lib/user.h guest/user/lib/roi.h guest/user/lib/roi_format.h $(SDK).tmp/include/
	$(Q)cp guest/lib/lib.h guest/lib/string.h $(SDK).tmp/include/lib/
	$(Q)if [ -d guest/user/include ]; then cp -r guest/user/include/. $(SDK).tmp/include/; fi
	$(Q)cp tools/sdk/shoji-task.mk $(SDK).tmp/share/
	$(Q)printf '%s\n' "$$sdk_conf" > $(SDK).tmp/share/shoji-sdk.conf
	$(Q)rm -rf $(SDK) && mv $(SDK).tmp $(SDK)

# The example, built with the SDK from a copy outside the checkout (as a
# user would), for the tests: build/examples/kvstore/*.elf.
EXAMPLE_KVSTORE := $(addprefix $(BUILD)/examples/kvstore/,kvserver.elf kvclient.elf crunch.elf)

$(EXAMPLE_KVSTORE) &: $(SDK)/share/shoji-sdk.conf $(wildcard examples/kvstore/*) \
		tools/sdk/build-outside
	$(call say,SDK,examples/kvstore)
	$(Q)tools/sdk/build-outside examples/kvstore $(SDK) $(BUILD)/examples/kvstore

# make builds both: the guest cases run the example (tests/guest/cases/sdk-kvstore-*.case).
all: $(SDK)/share/shoji-sdk.conf $(EXAMPLE_KVSTORE)

.PHONY: sdk
