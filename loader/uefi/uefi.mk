# loader/uefi/: build/BOOTX64.EFI, the UEFI loader (gnu-efi), and `make esp`,
# a bootable FAT image with the loader, the kernel, the tasks and shoji.cfg.
#
# gnu-efi (Debian 12: 3.0.15) links a PIC ELF shared object with its crt0
# and linker script, and objcopy turns it into a PE32+ application; crt0
# applies the relocations at start.  GNU_EFI_USE_MS_ABI makes EFIAPI
# __attribute__((ms_abi)), so firmware calls are plain C calls (the
# uefi_call_wrapper in the sources then expands to a direct call).

GNU_EFI_LIB ?= /usr/lib
GNU_EFI_INC ?= /usr/include/efi
EFI_OBJCOPY ?= objcopy

EFI_APP := $(BUILD)/BOOTX64.EFI
EFI_SO := $(BUILD)/efi/shoji-efi.so

# Pure parts (no <efi.h>): also compiled into the unit tests below.
EFI_PURE_SRCS := loader/uefi/memmap.c loader/uefi/config.c loader/uefi/kernel.c \
	loader/uefi/bootdata.c $(LOADER_BOOT_SRCS)
EFI_SRCS := loader/uefi/main.c loader/uefi/files.c loader/uefi/trampoline.S $(EFI_PURE_SRCS)
EFI_OBJS := $(patsubst %,$(BUILD)/efi/%.o,$(basename $(EFI_SRCS)))

# The firmware's interrupt handlers (its timer) run on our stack while boot
# services are up: no red zone.  No SSE either (nothing here needs it).
# -fshort-wchar: L"" is UEFI's CHAR16.
EFI_CFLAGS := -std=gnu11 -O2 $(WARN) -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-strict-aliasing \
	-fno-asynchronous-unwind-tables -DGNU_EFI_USE_MS_ABI \
	-isystem $(GNU_EFI_INC) -isystem $(GNU_EFI_INC)/x86_64 -isystem $(GNU_EFI_INC)/protocol \
	-Iinclude -I. -MMD -MP -DSHOJI_VERSION='"$(SHOJI_VERSION)"'
EFI_ASFLAGS := -MMD -MP
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	-T $(GNU_EFI_LIB)/elf_x86_64_efi.lds -L $(GNU_EFI_LIB)
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
	-j '.rel.*' -j '.rela.*' -j .reloc

all: $(EFI_APP)

$(BUILD)/efi/%.o: %.c
	$(call say,EFICC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/%.o: %.S
	$(call say,EFIAS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(EFI_ASFLAGS) -c $< -o $@

$(EFI_SO): $(EFI_OBJS)
	$(call say,LD,$@)
	$(Q)$(GUEST_LD) $(EFI_LDFLAGS) $(GNU_EFI_LIB)/crt0-efi-x86_64.o $(EFI_OBJS) \
		-lefi -lgnuefi -o $@

$(EFI_APP): $(EFI_SO)
	$(call say,OBJCOPY,$@)
	$(Q)$(EFI_OBJCOPY) $(EFI_SECTIONS) --target efi-app-x86_64 --subsystem=10 $< $@

# --- the ESP image ----------------------------------------------------------
# make esp [ESP_CMDLINE='task=...'] [ESP_TASKS='build/tasks/a.elf ...']
# ESP_TASKS are packed without task= tokens (mkesp -f, checked by
# build/shoji-pack): ESP_CMDLINE is the whole command line.
ESP_IMG := $(BUILD)/esp.img
# Every task but attack_big, an image built to be refused
# (tests/attacks/big-image.case): shoji-pack refuses it too.
ESP_TASKS ?= $(filter-out %/attack_big.elf,$(TASK_ELFS))
ESP_CMDLINE ?= task=hello:process:world task=pingpong:process:server \
	task=pingpong:process:client:1000 task=spin:process:300 task=peek:process

# Rebuilt on every `make esp` (under a second): the command line is not a
# file.  The inputs are made from the recipe, where KERNEL_ELF, TASK_ELFS
# and SHOJI_PACK (defined by fragments included after this one) are known.
esp:
	$(Q)$(MAKE) --no-print-directory -s $(EFI_APP) $(KERNEL_ELF) $(ESP_TASKS) $(SHOJI_PACK)
	$(call say,ESP,$(ESP_IMG))
	$(Q)SHOJI_PACK=$(SHOJI_PACK) loader/uefi/mkesp -o $(ESP_IMG) -l $(EFI_APP) \
		-k $(KERNEL_ELF) -c '$(strip $(ESP_CMDLINE))' $(addprefix -f ,$(ESP_TASKS))

UNIT_TESTS += test_efi_memmap test_efi_config test_efi_kernel test_efi_bootdata
test_efi_memmap_SRCS := loader/uefi/memmap.c
test_efi_config_SRCS := loader/uefi/config.c
test_efi_kernel_SRCS := loader/uefi/kernel.c loader/format/kernel_elf.c
test_efi_bootdata_SRCS := loader/uefi/bootdata.c loader/uefi/memmap.c loader/format/start_info.c
