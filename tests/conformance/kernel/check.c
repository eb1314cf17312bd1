/* The kernel conformance test: every boot path's judge gives each corpus image the verdict and
 * reason tests/conformance/kernel/expect gives it. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader/uefi/efiboot.h"
#include "vmm/elf_load.h"
#include "vmm/probe.h"
#include "vmm/vmm.h"

/*
 * usage: check EXPECT DIR [PATTERN]
 *
 * EXPECT holds one line per image: NAME, a tab, "accept" or "refuse", and
 * for a refusal a tab and the reason, word for word ('#' lines and blank
 * lines are skipped).  DIR/NAME.elf is the image (tests/conformance/kernel/
 * gen.c writes them).  The judges: shoji's loader (vmm/elf_load.c: libelf,
 * into guest RAM as `shoji run` loads it), the UEFI loader's parser
 * (loader/uefi/kernel.c, built for the host), the library's one call
 * (kernel_elf_check) and build/shoji-pack --kernel, which tools/qemu-run
 * runs before QEMU's PVH boot (found beside this binary, at
 * ../../shoji-pack; $SHOJI_PACK replaces it).  Each image whose name conformance/kernel/NAME
 * matches PATTERN prints "PASS NAME" or "FAIL NAME" and what each judge
 * said; an image they all accept must also boot under QEMU's PVH loader
 * at the rules' entry (qemu_entry; "SKIP conformance/kernel/qemu-entry"
 * without qemu-system-x86_64).  The last line is "N passed, M failed"
 * (", 1 skipped" then).
 */

#define GUEST_RAM (16u << 20)
#define IMAGE_MAX (1u << 20)

struct verdict {
	int ok;
	const char *why;
};

static uint8_t ram[GUEST_RAM];

static struct verdict shoji_judge(void *file, size_t size, const char *path)
{
	(void)path;
	struct guest_mem m;
	struct elf_image img;
	const char *why = NULL;
	guest_mem_wrap(&m, ram, sizeof(ram));
	int rc = elf_load(&m, file, size, 0, PROBE_AREA_END, &img, &why);
	return (struct verdict){rc == 0, rc ? why : NULL};
}

static struct verdict efi_judge(void *file, size_t size, const char *path)
{
	(void)path;
	static struct efi_kernel k;
	const char *why = NULL;
	int rc = efi_kernel_parse(file, size, &k, &why);
	return (struct verdict){rc == 0, rc ? why : NULL};
}

static struct verdict library_judge(void *file, size_t size, const char *path)
{
	(void)path;
	struct kernel_elf k;
	const char *why = NULL;
	int rc = kernel_elf_check(file, size, &k, &why);
	return (struct verdict){rc == 0, rc ? why : NULL};
}

/* shoji-pack's path to it, resolved once by main(). */
static char pack_path[4096];

/*
 * build/shoji-pack --kernel PATH: exit 0 accepts; a refusal is its one
 * line "shoji-pack: kernel PATH: REASON" on stderr (stdout, where popen
 * reads it, gets the command line: sent to /dev/null).
 */
static struct verdict pack_judge(void *file, size_t size, const char *path)
{
	static char out[1024];
	char cmd[8400];
	char prefix[4200];
	(void)file;
	(void)size;

	snprintf(cmd, sizeof(cmd),
		 "'%s' --kernel '%s' --initrd /dev/null --cmdline /dev/null 2>&1 >/dev/null",
		 pack_path, path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return (struct verdict){0, "popen failed"};
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	int status = pclose(p);
	if (status == 0)
		return (struct verdict){1, NULL};
	out[strcspn(out, "\n")] = 0;
	snprintf(prefix, sizeof(prefix), "shoji-pack: kernel %s: ", path);
	size_t plen = strlen(prefix);
	return (struct verdict){0, strncmp(out, prefix, plen) ? out : out + plen};
}

static const struct {
	const char *name;
	struct verdict (*judge)(void *file, size_t size, const char *path);
} judges[] = {
    {"shoji (vmm/elf_load.c, libelf)", shoji_judge},
    {"UEFI loader (loader/uefi/kernel.c)", efi_judge},
    {"kernel_elf_check", library_judge},
    {"build/shoji-pack --kernel", pack_judge},
};

/*
 * QEMU's PVH loader, which tools/qemu-run boots with once shoji-pack has
 * accepted the kernel, reads the entry note its own way (rule 4 in
 * loader/format/format.h says how); on an image every judge accepts it
 * must enter where the rules say.  Where the rules' entry holds one of
 * gen.c's stubs, mov $N, %al; out %al, $0xf4, QEMU must exit with the
 * isa-debug-exit status (N << 1) | 1.  Returns NULL when it does (or
 * there is no stub to tell), else what went wrong.
 */
static bool have_qemu;

static const char *qemu_entry(const uint8_t *file, size_t size, const char *path)
{
	static char msg[160];
	char cmd[4400];
	struct kernel_elf k;
	const char *why;
	int want = -1;

	if (!have_qemu || kernel_elf_check(file, size, &k, &why))
		return NULL;
	for (unsigned i = 0; i < k.nseg; i++) {
		const struct kernel_elf_segment *s = &k.seg[i];
		uint64_t off = s->offset + (k.entry - s->paddr);
		if (k.entry >= s->paddr && k.entry - s->paddr < s->filesz && off + 4 <= size &&
		    file[off] == 0xb0 && file[off + 2] == 0xe6 && file[off + 3] == 0xf4)
			want = file[off + 1] << 1 | 1;
	}
	if (want < 0)
		return NULL;
	snprintf(cmd, sizeof(cmd),
		 "timeout 60 qemu-system-x86_64 -accel tcg -cpu max -m 64 -display none "
		 "-serial none -monitor none -nic none -no-reboot "
		 "-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel '%s' "
		 "</dev/null >/dev/null 2>&1",
		 path);
	int status = system(cmd);
	int got = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (got == want)
		return NULL;
	snprintf(msg, sizeof(msg), "exit status %d, not %d: it entered elsewhere, or refused", got,
		 want);
	return msg;
}

static bool same(struct verdict v, struct verdict want)
{
	return v.ok == want.ok && (v.ok || (v.why && !strcmp(v.why, want.why)));
}

/* Judges one image; prints its line.  Returns 1 when it passed. */
static int check_image(const char *dir, const char *name, struct verdict want)
{
	static uint8_t buf[IMAGE_MAX];
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.elf", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("FAIL conformance/kernel/%s: %s: %s (make builds the corpus)\n", name, path,
		       strerror(errno));
		return 0;
	}
	size_t size = fread(buf, 1, sizeof(buf), f);
	fclose(f);

	int pass = 1;
	struct verdict got[sizeof(judges) / sizeof(judges[0])];
	for (size_t j = 0; j < sizeof(judges) / sizeof(judges[0]); j++) {
		static uint8_t copy[IMAGE_MAX]; /* libelf may write the file it reads */
		memcpy(copy, buf, size);
		got[j] = judges[j].judge(copy, size, path);
		pass &= same(got[j], want);
	}
	const char *qemu = pass && want.ok ? qemu_entry(buf, size, path) : NULL;
	pass &= !qemu;
	printf("%s conformance/kernel/%s\n", pass ? "PASS" : "FAIL", name);
	if (!pass) {
		printf("    expected: %s\n", want.ok ? "accept" : want.why);
		for (size_t j = 0; j < sizeof(judges) / sizeof(judges[0]); j++)
			printf("    %s: %s\n", judges[j].name, got[j].ok ? "accept" : got[j].why);
		if (qemu)
			printf("    QEMU's PVH loader (qemu-system-x86_64 -kernel): %s\n", qemu);
	}
	return pass;
}

/* Every image in @dir has a line in EXPECT: a case the generator writes is never left unjudged. */
static unsigned unlisted(const char *dir, char names[][1024], unsigned count)
{
	unsigned missing = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".elf"))
			continue;
		unsigned i = 0;
		while (i < count &&
		       (strlen(names[i]) != len - 4 || strncmp(names[i], e->d_name, len - 4)))
			i++;
		if (i == count) {
			printf("FAIL conformance/kernel: %s/%s has no line in the expectations\n",
			       dir, e->d_name);
			missing++;
		}
	}
	if (d)
		closedir(d);
	return missing;
}

/* Splits "NAME\tVERDICT[\tREASON]\n" in place. */
static int parse_line(char *line, const char **name, struct verdict *want)
{
	line[strcspn(line, "\n")] = 0;
	char *verdict = strchr(line, '\t');
	if (!verdict)
		return -1;
	*verdict++ = 0;
	char *reason = strchr(verdict, '\t');
	if (reason)
		*reason++ = 0;
	*name = line;
	if (!strcmp(verdict, "accept") && !reason)
		*want = (struct verdict){1, NULL};
	else if (!strcmp(verdict, "refuse") && reason && *reason)
		*want = (struct verdict){0, reason};
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	regex_t re;
	char line[1024];
	static char names[256][sizeof(line)];
	unsigned passed = 0, failed = 0, count = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s EXPECT DIR [PATTERN]\n", argv[0]);
		return 2;
	}
	const char *pack = getenv("SHOJI_PACK");
	char self[4000];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (!pack && len > 0) {
		self[len] = 0;
		*strrchr(self, '/') = 0;
		snprintf(pack_path, sizeof(pack_path), "%s/../../shoji-pack", self);
	} else {
		snprintf(pack_path, sizeof(pack_path), "%s", pack ? pack : "build/shoji-pack");
	}
	if (regcomp(&re, argc == 4 ? argv[3] : "", REG_EXTENDED | REG_NOSUB)) {
		fprintf(stderr, "%s: bad pattern\n", argv[0]);
		return 2;
	}
	have_qemu = system("command -v qemu-system-x86_64 >/dev/null 2>&1") == 0;
	if (!have_qemu)
		printf("SKIP conformance/kernel/qemu-entry: qemu-system-x86_64 not found (where "
		       "QEMU's PVH loader enters is not checked)\n");
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (unsigned n = 1; fgets(line, sizeof(line), f); n++) {
		const char *name;
		struct verdict want;
		char test[sizeof(line) + 32];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse_line(line, &name, &want)) {
			printf("FAIL conformance/kernel: %s line %u is not "
			       "NAME<tab>VERDICT[<tab>REASON]\n",
			       argv[1], n);
			failed++;
			continue;
		}
		if (count < 256)
			snprintf(names[count++], sizeof(names[0]), "%s", name);
		snprintf(test, sizeof(test), "conformance/kernel/%s", name);
		if (regexec(&re, test, 0, NULL, 0))
			continue;
		if (check_image(argv[2], name, want))
			passed++;
		else
			failed++;
	}
	fclose(f);
	regfree(&re);
	failed += unlisted(argv[2], names, count);
	printf("%u passed, %u failed%s\n", passed, failed, have_qemu ? "" : ", 1 skipped");
	return failed != 0;
}
