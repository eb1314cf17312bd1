/* The task note of a task image (shoji/note.h): finding it, and the kernel's rule for it. */
#include "format.h"

/*
 * Freestanding, like elf_task.c: the note is found in the file bytes of
 * the PT_NOTE segments, each entry a 12-byte header (namesz, descsz,
 * type) then the name and the descriptor, each padded to the segment's
 * alignment, 4 or 8 (gABI "Note Section"; GNU uses 8 for
 * .note.gnu.property).  Every length is compared against what remains of
 * the segment, so no hostile size can wrap.
 */

#define NOTE_HDR 12u
#define NOTE_NAMESZ 6u /* "shoji" and its NUL */

static uint64_t pad(uint64_t n, uint64_t align)
{
	return (n + align - 1) & ~(align - 1);
}

/* The name field of the entry at p (namesz bytes, known to fit) is ours. */
static bool is_shoji(const uint8_t *p, uint32_t namesz)
{
	static const char name[NOTE_NAMESZ] = SHOJI_NOTE_NAME;
	if (namesz != NOTE_NAMESZ)
		return false;
	for (unsigned i = 0; i < NOTE_NAMESZ; i++)
		if (p[i] != (uint8_t)name[i])
			return false;
	return true;
}

/* What the walk of the PT_NOTE segments found. */
struct note_find {
	unsigned count;	   /* shoji task notes seen */
	uint64_t desc_off; /* file offset of the last one's descriptor */
	const char *why;   /* a malformed entry or segment; 0 when none */
};

/* One PT_NOTE segment's entries, [off, off + len) of the file. */
static void walk_segment(const uint8_t *file, uint64_t off, uint64_t len, uint64_t align,
			 struct note_find *f)
{
	while (len >= NOTE_HDR) {
		const uint8_t *p = file + off;
		uint32_t namesz = elf_rd32(p), descsz = elf_rd32(p + 4), type = elf_rd32(p + 8);
		uint64_t name_len = pad(namesz, align), desc_len = pad(descsz, align);
		if (name_len > len - NOTE_HDR || desc_len > len - NOTE_HDR - name_len) {
			f->why = "a note entry runs past its PT_NOTE segment";
			return;
		}
		if (type == SHOJI_NOTE_TASK && is_shoji(p + NOTE_HDR, namesz)) {
			if (descsz != sizeof(struct shoji_task_note)) {
				f->why = "the shoji task note's descriptor is not 8 bytes";
				return;
			}
			f->count++;
			f->desc_off = off + NOTE_HDR + name_len;
		}
		uint64_t step = NOTE_HDR + name_len + desc_len;
		off += step;
		len -= step;
	}
}

int elf_task_note(const struct elf_task *t, struct shoji_task_note *note, uint64_t *desc_off,
		  const char **why)
{
	struct elf64_ehdr eh;
	struct note_find f = {0};

	elf64_read_ehdr(t->file, &eh); /* elf_task_parse checked the table */
	for (unsigned i = 0; i < eh.e_phnum && !f.why; i++) {
		struct elf64_phdr ph;
		elf64_read_phdr(t->file + eh.e_phoff + i * sizeof(struct elf64_phdr), &ph);
		if (ph.p_type != ELF_PT_NOTE)
			continue;
		if (ph.p_offset > t->size || ph.p_filesz > t->size - ph.p_offset) {
			f.why = "a PT_NOTE segment runs past the end of the file";
			break;
		}
		walk_segment(t->file, ph.p_offset, ph.p_filesz, ph.p_align == 8 ? 8 : 4, &f);
	}
	if (!f.why && f.count > 1)
		f.why = "more than one shoji task note";
	if (!f.why && f.count == 0)
		f.why = "no shoji task note: not built with the shoji task runtime and "
			"task-seal (README.md, \"Writing a task\")";
	if (f.why) {
		*why = f.why;
		return -SHOJI_EINVAL;
	}
	note->abi_version = elf_rd32(t->file + f.desc_off);
	note->conventions = elf_rd32(t->file + f.desc_off + 4);
	*desc_off = f.desc_off;
	return 0;
}

/* Appends the decimal @v at *at in buf (room checked by the caller). */
static void put_uint(char *buf, unsigned *at, unsigned v)
{
	char d[10];
	unsigned n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		buf[(*at)++] = d[--n];
}

static void put_str(char *buf, unsigned *at, const char *s)
{
	while (*s)
		buf[(*at)++] = *s++;
}

int elf_task_note_check(const struct elf_task *t, char *buf, const char **why)
{
	struct shoji_task_note note;
	uint64_t desc;

	if (elf_task_note(t, &note, &desc, why))
		return -SHOJI_EINVAL;
	if (note.abi_version != SHOJI_ABI_VERSION) {
		/* 58 characters of text and two numbers of at most 10 digits. */
		_Static_assert(ELF_TASK_NOTE_WHY_MAX >= 58 + 2 * 10 + 1, "room for the reason");
		unsigned at = 0;
		put_str(buf, &at, "built for shoji ABI ");
		put_uint(buf, &at, note.abi_version);
		put_str(buf, &at, ", this is ABI ");
		put_uint(buf, &at, SHOJI_ABI_VERSION);
		put_str(buf, &at, ": rebuild it with this SDK");
		buf[at] = 0;
		*why = buf;
		return -SHOJI_EINVAL;
	}
	if ((note.conventions & SHOJI_CONV_REQUIRED) != SHOJI_CONV_REQUIRED) {
		*why = "not sealed: its note lacks the build conventions (the SDK's last step, "
		       "task-seal, checks and marks an image)";
		return -SHOJI_EINVAL;
	}
	return 0;
}
