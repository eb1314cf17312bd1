# vmm/: the shoji monitor (build/shoji), and build/shoji-static for the
# emulated-KVM rig (a static binary needs libelf.a and libz.a: libelf-dev,
# zlib1g-dev; ld.lld, where there is one, links it).

SHOJI := $(BUILD)/shoji
SHOJI_STATIC := $(BUILD)/shoji-static

VMM_SRCS := \
	vmm/main.c \
	vmm/boot.c \
	vmm/info.c \
	vmm/options.c \
	vmm/hostfile.c \
	vmm/initrd.c \
	vmm/taskimage.c \
	vmm/guest_mem.c \
	vmm/elf_load.c \
	vmm/startinfo.c \
	vmm/acpi.c \
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
	vmm/uart.c \
	vmm/dev_uart.c \
	vmm/hvcon.c \
	vmm/dev_hvcon.c \
	vmm/host_tty.c \
	vmm/dev_exit.c \
	vmm/dev_reset.c \
	vmm/dev_rtc.c \
	vmm/guest_linux.c \
	vmm/exit_value.c \
	vmm/console.c \
	vmm/json_check.c \
	guest/arch/x86_64/pmu_events.c \
	$(LOADER_HOST_SRCS) \
	$(LOADER_BOOT_SRCS)
VMM_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(VMM_SRCS))
VMM_LIBS := -lelf -pthread
VMM_STATIC_LIBS := -lelf -lz -pthread

$(SHOJI): $(VMM_OBJS)
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $(VMM_OBJS) $(VMM_LIBS) -o $@

# With ld.lld, the functions a run executes (vmm/shoji-static.order,
# written by tools/shoji-order) are laid out together: the kernel maps
# text 64 KiB around each fault, so scattered they make all of the
# static binary's text resident, gathered about half.  Layout only.
SHOJI_STATIC_ORDER := vmm/shoji-static.order
SHOJI_STATIC_LLD := -fuse-ld=lld -Wl,--symbol-ordering-file=$(SHOJI_STATIC_ORDER) \
	-Wl,--no-warn-symbol-ordering
SHOJI_STATIC_LDFLAGS := $(if $(shell command -v ld.lld 2>/dev/null),$(SHOJI_STATIC_LLD))

$(SHOJI_STATIC): $(VMM_OBJS) $(SHOJI_STATIC_ORDER)
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(HOST_LDFLAGS) $(SHOJI_STATIC_LDFLAGS) $(VMM_OBJS) \
		$(VMM_STATIC_LIBS) -o $@

# build/shoji-pack: shoji's packing of task specs (initrd, command line,
# the host's task-image check) and shoji's kernel check for tools/qemu-run, tools/esp-run and
# loader/uefi/mkesp.
SHOJI_PACK := $(BUILD)/shoji-pack
SHOJI_PACK_SRCS := tools/shoji-pack.c vmm/initrd.c vmm/taskimage.c vmm/hostfile.c \
	vmm/elf_load.c vmm/guest_mem.c $(LOADER_HOST_SRCS) loader/format/kernel_elf.c

$(SHOJI_PACK): $(patsubst %.c,$(BUILD)/host/%.o,$(SHOJI_PACK_SRCS))
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $^ -lelf -o $@

# build/tools/results-json: RESULT lines to a --json file for
# tools/qemu-run and tools/esp-run, through shoji's own console code.
RESULTS_JSON := $(BUILD)/tools/results-json
RESULTS_JSON_SRCS := tools/results-json.c vmm/console.c vmm/json_check.c
$(RESULTS_JSON): $(patsubst %.c,$(BUILD)/host/%.o,$(RESULTS_JSON_SRCS))
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

all: $(SHOJI) $(SHOJI_PACK) $(RESULTS_JSON)

# Unit tests: the pure parts, on plain buffers.
UNIT_TESTS += test_vmm_guestmem test_vmm_opts test_vmm_startinfo test_vmm_elf test_vmm_initrd \
	test_vmm_cpuid test_vmm_io test_vmm_console test_vmm_json test_vmm_exit test_vmm_watchdog \
	test_vmm_uart test_vmm_rtc test_vmm_linux test_vmm_tty test_vmm_hvcon test_vmm_acpi
test_vmm_guestmem_SRCS := vmm/guest_mem.c
test_vmm_opts_SRCS := vmm/options.c
test_vmm_startinfo_SRCS := vmm/startinfo.c vmm/acpi.c vmm/guest_mem.c loader/format/start_info.c
test_vmm_elf_SRCS := vmm/elf_load.c vmm/guest_mem.c loader/format/kernel_elf.c
test_vmm_initrd_SRCS := vmm/initrd.c vmm/taskimage.c vmm/hostfile.c $(LOADER_HOST_SRCS) \
	tests/conformance/task/images.c
test_vmm_initrd_LIBS := -lelf
test_vmm_cpuid_SRCS := vmm/cpuid.c guest/arch/x86_64/pmu_events.c
test_vmm_acpi_SRCS := vmm/acpi.c vmm/startinfo.c vmm/guest_mem.c loader/format/start_info.c \
	loader/format/acpi.c
test_vmm_io_SRCS := vmm/io.c
test_vmm_console_SRCS := vmm/console.c vmm/json_check.c
test_vmm_json_SRCS := vmm/json_check.c
test_vmm_exit_SRCS := vmm/exit_value.c
test_vmm_watchdog_SRCS := vmm/watchdog.c
test_vmm_uart_SRCS := vmm/uart.c
test_vmm_hvcon_SRCS := vmm/hvcon.c vmm/guest_mem.c
test_vmm_tty_SRCS := vmm/host_tty.c
test_vmm_rtc_SRCS := vmm/dev_rtc.c vmm/io.c
test_vmm_linux_SRCS := vmm/guest_linux.c vmm/console.c vmm/json_check.c
test_vmm_watchdog_LIBS := -pthread
test_vmm_elf_LIBS := -lelf

# The hostile PVH guests shoji's own checks boot (tests/vmm/checks/hostile-*.check).
include tests/vmm/guests/guests.mk
