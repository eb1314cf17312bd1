/* Guest RAM: one anonymous mapping, reached only through guest_ptr(). */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_mem.h"

int guest_mem_alloc(struct guest_mem *m, uint64_t size)
{
	if (size == 0 || size > GUEST_MEM_MAX || size % GUEST_PAGE_SIZE)
		return -EINVAL;
	/* MAP_NORESERVE: a 3 GiB guest that touches 20 MiB costs 20 MiB. */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->host = p;
	m->size = size;
	m->mapped = true;
	m->written_lo = m->written_hi = 0; /* nothing written: all of it zero */
	return 0;
}

void guest_mem_wrap(struct guest_mem *m, void *buf, uint64_t size)
{
	m->host = buf;
	m->size = size;
	m->mapped = false;
	m->written_lo = 0;
	m->written_hi = size; /* the caller's bytes: anything */
}

void guest_mem_free(struct guest_mem *m)
{
	if (m->mapped && m->host)
		munmap(m->host, m->size);
	m->host = NULL;
	m->size = 0;
	m->mapped = false;
	m->written_lo = m->written_hi = 0;
}

void *guest_ptr(const struct guest_mem *m, gpa_t gpa, uint64_t len)
{
	/* Written so that no sum can wrap: gpa <= size, then len <= size - gpa. */
	if (!m->host || gpa > m->size || len > m->size - gpa)
		return NULL;
	return m->host + gpa;
}

void guest_mem_written(struct guest_mem *m, gpa_t gpa, uint64_t len)
{
	if (!len)
		return;
	/* Past the end of RAM (or wrapping) nothing can be written: clamp. */
	gpa_t end = gpa > m->size || len > m->size - gpa ? m->size : gpa + len;
	if (gpa > m->size)
		gpa = m->size;
	if (m->written_lo == m->written_hi) {
		m->written_lo = gpa;
		m->written_hi = end;
		return;
	}
	if (gpa < m->written_lo)
		m->written_lo = gpa;
	if (end > m->written_hi)
		m->written_hi = end;
}

bool guest_mem_is_zero(const struct guest_mem *m, gpa_t gpa, uint64_t len)
{
	if (!m->mapped || !guest_ptr(m, gpa, len))
		return false;
	/* In RAM, so gpa + len cannot wrap. */
	return m->written_lo == m->written_hi || gpa + len <= m->written_lo || gpa >= m->written_hi;
}

uint64_t guest_mem_resident(const struct guest_mem *m)
{
	static unsigned char vec[4096]; /* one byte per page: 16 MiB a call */
	const uint64_t chunk = sizeof(vec) * (uint64_t)GUEST_PAGE_SIZE;
	uint64_t pages = 0;

	if (!m->mapped)
		return 0;
	for (uint64_t off = 0; off < m->size; off += chunk) {
		uint64_t len = m->size - off < chunk ? m->size - off : chunk;
		if (mincore(m->host + off, len, vec))
			return 0;
		for (uint64_t i = 0; i < len / GUEST_PAGE_SIZE; i++)
			pages += vec[i] & 1;
	}
	return pages * GUEST_PAGE_SIZE;
}
