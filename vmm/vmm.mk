# vmm/: the shoji monitor (build/shoji), and build/shoji-static for the
# emulated-KVM rig (a static binary needs libelf.a and libz.a: libelf-dev,
# zlib1g-dev).

SHOJI := $(BUILD)/shoji
SHOJI_STATIC := $(BUILD)/shoji-static

VMM_SRCS := \
	vmm/main.c \
	vmm/boot.c \
	vmm/info.c \
	vmm/options.c \
	vmm/hostfile.c \
	vmm/initrd.c \
	vmm/guest_mem.c \
	vmm/elf_load.c \
	vmm/startinfo.c \
	vmm/cpuid.c \
	vmm/kvm_vm.c \
	vmm/vcpu.c \
	vmm/kvm_assess.c \
	vmm/probe.c \
	vmm/watchdog.c \
	vmm/run_loop.c \
	vmm/dump.c \
	vmm/trace.c \
	vmm/io.c \
	vmm/devices.c \
	vmm/dev_uart.c \
	vmm/dev_exit.c \
	vmm/console.c \
	loader/format/cpio.c \
	loader/format/cpio_pack.c \
	$(LOADER_BOOT_SRCS)
VMM_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(VMM_SRCS))
VMM_LIBS := -lelf -pthread
VMM_STATIC_LIBS := -lelf -lz -pthread

$(SHOJI): $(VMM_OBJS)
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $(VMM_OBJS) $(VMM_LIBS) -o $@

$(SHOJI_STATIC): $(VMM_OBJS)
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(HOST_LDFLAGS) $(VMM_OBJS) $(VMM_STATIC_LIBS) -o $@

all: $(SHOJI)

# Unit tests: the pure parts, on plain buffers.
UNIT_TESTS += test_vmm_guestmem test_vmm_opts test_vmm_startinfo test_vmm_elf test_vmm_initrd \
	test_vmm_cpuid test_vmm_io test_vmm_console
test_vmm_guestmem_SRCS := vmm/guest_mem.c
test_vmm_opts_SRCS := vmm/options.c
test_vmm_startinfo_SRCS := vmm/startinfo.c vmm/guest_mem.c loader/format/start_info.c
test_vmm_elf_SRCS := vmm/elf_load.c vmm/guest_mem.c loader/format/kernel_elf.c
test_vmm_initrd_SRCS := vmm/initrd.c vmm/hostfile.c loader/format/cpio_pack.c loader/format/cpio.c
test_vmm_cpuid_SRCS := vmm/cpuid.c
test_vmm_io_SRCS := vmm/io.c
test_vmm_console_SRCS := vmm/console.c
test_vmm_elf_LIBS := -lelf
