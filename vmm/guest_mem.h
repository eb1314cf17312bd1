/* Interface of vmm/guest_mem.c: guest RAM, reached only through guest_ptr(). */
#ifndef SHOJI_VMM_GUEST_MEM_H
#define SHOJI_VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

/*
 * Guest RAM is one block at guest physical 0.  It must stay below the
 * 3 GiB..4 GiB hole, where KVM's in-kernel IOAPIC (0xfec00000), local
 * APIC (0xfee00000), identity-map page and TSS (VMM_IDENTITY_MAP_GPA,
 * VMM_TSS_GPA in kvm_vm.h) live.
 */
#define GUEST_MEM_MAX 0xc0000000ull /* 3 GiB */
#define GUEST_PAGE_SIZE 4096u

struct guest_mem {
	uint8_t *host; /* where guest physical 0 is mapped in shoji */
	uint64_t size; /* bytes of guest RAM */
	bool mapped;   /* host came from guest_mem_alloc (munmap on free) */
	/* Every byte shoji may have written lies in [written_lo, written_hi):
	 * what guest_mem_written was told.  Of mapped RAM the rest is as
	 * mmap gave it, zero; of a wrapped buffer nothing is known. */
	gpa_t written_lo, written_hi;
};

/*
 * guest_mem_alloc - reserve @size bytes of guest RAM (anonymous,
 * MAP_NORESERVE: pages cost host memory only once the guest touches them).
 * @size: a multiple of GUEST_PAGE_SIZE, 1..GUEST_MEM_MAX.
 * Returns 0, -EINVAL for a bad size, or -errno from mmap.
 */
int guest_mem_alloc(struct guest_mem *m, uint64_t size);

/* guest_mem_wrap - describe a caller-owned buffer as guest RAM (for unit
 * tests and the probe guest); guest_mem_free leaves it alone.  Its bytes
 * count as written: guest_mem_is_zero is false for all of it. */
void guest_mem_wrap(struct guest_mem *m, void *buf, uint64_t size);

/* guest_mem_free - unmap memory from guest_mem_alloc; safe twice. */
void guest_mem_free(struct guest_mem *m);

/*
 * guest_ptr - the one way host code reaches guest memory.
 * Returns the host address of [@gpa, @gpa + @len), or NULL unless that
 * whole range lies inside guest RAM (checked without overflow; @len 0 is
 * a valid empty range when @gpa <= size).
 */
void *guest_ptr(const struct guest_mem *m, gpa_t gpa, uint64_t len);

/*
 * guest_mem_written - record that [@gpa, @gpa + @len) has been or is about
 * to be written (the span grows to cover it; @len 0 records nothing).
 * Whoever writes guest RAM through guest_ptr calls it first, so that
 * guest_mem_is_zero never vouches for a byte written since the mmap.
 */
void guest_mem_written(struct guest_mem *m, gpa_t gpa, uint64_t len);

/*
 * guest_mem_is_zero - true when [@gpa, @gpa + @len) is known to read as
 * zero without looking: RAM from guest_mem_alloc (fresh anonymous pages,
 * zero by mmap's contract) that guest_mem_written never covered.  False
 * for a wrapped buffer, a range outside RAM, or one that meets the
 * written span; then a caller that needs zeroes must write them.
 */
bool guest_mem_is_zero(const struct guest_mem *m, gpa_t gpa, uint64_t len);

/* guest_mem_resident - bytes of guest RAM now backed by host memory
 * (mincore), i.e. touched by the guest or by shoji; 0 on error. */
uint64_t guest_mem_resident(const struct guest_mem *m);

#endif
