# loader/format/: the boot formats shared by every boot path: initrd (cpio newc), task image (static-PIE ELF64), kernel (ELF64, PVH), PVH start info, task specs, ACPI tables.
# acpi.c, cpio.c and elf_task.c are freestanding and also compile into the kernel
# (guest/kernel.mk takes LOADER_GUEST_SRCS); cpio_pack.c is host only.
# taskspec.c is freestanding too (the kernel has no use for it); task_token.c
# (a task token's MODE and ARGs) goes into both, one rule for both.
# kernel_elf.c and start_info.c are freestanding too, built into shoji
# (vmm/vmm.mk) and the UEFI loader (loader/uefi/uefi.mk) from
# LOADER_BOOT_SRCS; the guest kernel only reads the start info.

LOADER_GUEST_SRCS := loader/format/acpi.c loader/format/cpio.c loader/format/elf_task.c loader/format/elf_task_note.c \
	loader/format/task_token.c loader/format/elf_sym.c
LOADER_HOST_SRCS := loader/format/cpio.c loader/format/cpio_pack.c loader/format/elf_task.c \
	loader/format/elf_task_note.c \
	loader/format/taskspec.c loader/format/task_token.c
LOADER_BOOT_SRCS := loader/format/kernel_elf.c loader/format/start_info.c

UNIT_TESTS += test_cpio test_elf_task test_elf_sym
test_cpio_SRCS := loader/format/cpio.c loader/format/cpio_pack.c
test_elf_task_SRCS := loader/format/elf_task.c
test_elf_sym_SRCS := loader/format/elf_sym.c
UNIT_TESTS += test_taskspec
test_taskspec_SRCS := loader/format/taskspec.c loader/format/task_token.c
UNIT_TESTS += test_acpi
test_acpi_SRCS := loader/format/acpi.c
