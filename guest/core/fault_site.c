/* Where a killed task's fault happened: its RIP as an image offset and function, or its region. */
#include "core/fault_site.h"
#include "lib/lib.h"
#include "loader/format/format.h"

static const void *initrd;
static size_t initrd_size;

void fault_site_init(const void *start, size_t size)
{
	initrd = start;
	initrd_size = size;
}

/* The regions of a task's slot past its image (arch/x86_64/layout.h),
 * lowest first: offsets from the slot's base. */
#define GUARD_START (SLOT_GATE + PAGE_SIZE)
#define STACK_START (SLOT_SIZE - USER_STACK_SIZE)
_Static_assert(GUARD_START + PAGE_SIZE == STACK_START, "one guard page below the stack");

static const struct {
	uint64_t start, end;
	const char *what;
} slot_regions[] = {
    {SLOT_GATE, GUARD_START, "in the system-call trampoline"},
    {GUARD_START, STACK_START, "in the guard page below the stack"},
    {STACK_START, SLOT_SIZE, "in the task's stack"},
};

#define BELOW_RSP 256 /* bytes below RSP a push or a red-zone store reaches */

const char *fault_site_overflow(const struct task *t, uint64_t rsp, uint64_t va)
{
	uint64_t base = slot_base(t->slot);

	if (range_in_window(va, 1, base + GUARD_START, PAGE_SIZE))
		return "into the guard page below its 32 KiB stack";
	if (range_in_window(rsp, 1, base, STACK_START) && va >= rsp - BELOW_RSP &&
	    range_in_window(va, 1, base, STACK_START))
		return "its stack pointer is below its 32 KiB stack";
	return 0;
}
_Static_assert(USER_STACK_SIZE == 32 << 10, "the lines above say 32 KiB");
_Static_assert(BELOW_RSP < TASK_AREA, "rsp - BELOW_RSP does not wrap for an rsp in a slot");

/* "NAME+OFF: FUNC+OFF", or "NAME+OFF" when no symbol covers the offset
 * or the image file cannot be found again. */
static void image_site(char *buf, size_t len, const struct task *t, uint64_t off)
{
	struct cpio_entry file;
	struct elf_sym sym;
	const char *why;

	if (initrd && cpio_find(initrd, initrd_size, t->name, &file, &why) == 0 &&
	    elf_sym_find(file.data, file.size, off, &sym))
		snprintf(buf, len, "%s+%#lx: %.*s+%#lx", t->name, off, (int)sym.name_len, sym.name,
			 off - sym.value);
	else
		snprintf(buf, len, "%s+%#lx", t->name, off);
}

void fault_site_rip(char *buf, size_t len, const struct task *t, uint64_t rip)
{
	uint64_t base = slot_base(t->slot);

	if (range_in_window(rip, 1, base, SLOT_IMAGE_MAX)) {
		image_site(buf, len, t, rip - base);
		return;
	}
	for (size_t i = 0; i < sizeof(slot_regions) / sizeof(slot_regions[0]); i++) {
		if (range_in_window(rip, 1, base + slot_regions[i].start,
				    slot_regions[i].end - slot_regions[i].start)) {
			snprintf(buf, len, "%s", slot_regions[i].what);
			return;
		}
	}
	if (range_in_window(rip, 1, heap_base(t->slot), HEAP_WINDOW))
		snprintf(buf, len, "in the task's heap");
	else if (rip >= KERNEL_VMA)
		snprintf(buf, len, "in the kernel");
	else
		snprintf(buf, len, "outside the task");
}
