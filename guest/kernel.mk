# The guest kernel: build/kernel.elf.

KERNEL_ELF := $(BUILD)/kernel.elf

KERNEL_ARCH_SRCS := \
	guest/arch/x86_64/boot.S \
	guest/arch/x86_64/entry.S \
	guest/arch/x86_64/ap_boot.S \
	guest/arch/x86_64/acpi_find.c \
	guest/arch/x86_64/cpu.c \
	guest/arch/x86_64/fpu.c \
	guest/arch/x86_64/gdt.c \
	guest/arch/x86_64/hvcon.c \
	guest/arch/x86_64/idt.c \
	guest/arch/x86_64/lapic.c \
	guest/arch/x86_64/machine.c \
	guest/arch/x86_64/paging.c \
	guest/arch/x86_64/pic.c \
	guest/arch/x86_64/pkru.c \
	guest/arch/x86_64/pmu.c \
	guest/arch/x86_64/pmu_events.c \
	guest/arch/x86_64/serial.c \
	guest/arch/x86_64/tlbhint.c \
	guest/arch/x86_64/smp.c \
	guest/arch/x86_64/smp_wake.c \
	guest/arch/x86_64/tlb_shootdown.c \
	guest/arch/x86_64/trap.c \
	guest/arch/x86_64/tsc.c

KERNEL_CORE_SRCS := \
	guest/core/audit.c \
	guest/core/bootinfo.c \
	guest/core/cmdline.c \
	guest/core/fault_site.c \
	guest/core/console.c \
	guest/core/group.c \
	guest/core/ipc.c \
	guest/core/ipc_fast.c \
	guest/core/kheap.c \
	guest/core/main.c \
	guest/core/memory.c \
	guest/core/pmm.c \
	guest/core/sched.c \
	guest/core/sched_return.c \
	guest/core/syscall.c \
	guest/core/syscall_table.c \
	guest/core/task.c \
	guest/core/task_load.c \
	guest/core/task_memory.c \
	guest/core/uaccess.c

GUEST_LIB_SRCS := guest/lib/fmt.c guest/lib/parse.c guest/lib/string.c

KERNEL_SRCS := $(KERNEL_ARCH_SRCS) $(KERNEL_CORE_SRCS) $(GUEST_LIB_SRCS) $(LOADER_GUEST_SRCS) \
	$(ISOLATION_SRCS)
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(KERNEL_SRCS)))
KERNEL_LDS := guest/arch/x86_64/kernel.ld

# The code a system call runs first: entry.S calls the dispatchers, and
# restores every register from the task afterwards, so nothing there needs
# callee-saved registers kept for it.  Built so that RBX and R12-R15 are
# scratch (RBP cannot be), the IPC fast path keeps its values in registers
# without saving and restoring five of them on every message.  Such code
# may call ordinary functions, never the other way round (core/ipc_fast.h;
# tests/style/entry-convention.sh checks the built objects).
ENTRY_CFLAGS := --param=logical-op-non-short-circuit=0 -fno-if-conversion -fcall-used-rbx -fcall-used-r12 -fcall-used-r13 -fcall-used-r14 -fcall-used-r15
$(BUILD)/kernel/guest/core/syscall.o $(BUILD)/kernel/guest/core/ipc_fast.o: \
	KERNEL_CFLAGS += $(ENTRY_CFLAGS)

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LDS)
	$(call say,LD,$@)
	$(Q)$(GUEST_LD) -nostdlib -z max-page-size=4096 -z noexecstack -T $(KERNEL_LDS) \
		$(KERNEL_OBJS) -o $@

# Pure kernel parts, tested on the host.
UNIT_TESTS += test_cmdline test_pmm test_kheap test_pte test_fmt test_range test_pmu_events
test_pmu_events_SRCS := guest/arch/x86_64/pmu_events.c
test_cmdline_SRCS := guest/core/cmdline.c guest/lib/parse.c loader/format/task_token.c \
	loader/format/taskspec.c
test_pmm_SRCS := guest/core/pmm.c
test_kheap_SRCS := guest/core/kheap.c
test_pte_SRCS :=
test_range_SRCS :=
test_fmt_SRCS :=
