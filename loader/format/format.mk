# loader/format/: the boot formats shared by every boot path: initrd (cpio newc), task image (static-PIE ELF64), task specs.
# cpio.c and elf_task.c are freestanding and also compile into the kernel
# (guest/kernel.mk takes LOADER_GUEST_SRCS); taskspec.c is freestanding too
# (the kernel has no use for it); cpio_pack.c is host only.

LOADER_GUEST_SRCS := loader/format/cpio.c loader/format/elf_task.c
LOADER_HOST_SRCS := loader/format/cpio.c loader/format/cpio_pack.c loader/format/elf_task.c \
	loader/format/taskspec.c

UNIT_TESTS += test_cpio test_elf_task
test_cpio_SRCS := loader/format/cpio.c loader/format/cpio_pack.c
test_elf_task_SRCS := loader/format/elf_task.c
UNIT_TESTS += test_taskspec
test_taskspec_SRCS := loader/format/taskspec.c
