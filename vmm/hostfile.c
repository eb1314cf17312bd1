/* Host files: reading a whole file, and finding files beside the shoji binary. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfile.h"

int hostfile_read(const char *path, size_t max, void **buf, size_t *len)
{
	struct stat st;
	unsigned char *p = NULL;
	size_t got = 0;
	int rc;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out_close;
	}
	if ((uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out_close;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		rc = -ENOMEM;
		goto out_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, p + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out_free;
		}
		if (n == 0)
			break; /* shrank under us: take what is there */
		got += (size_t)n;
	}
	close(fd);
	*buf = p;
	*len = got;
	return 0;

out_free:
	free(p);
out_close:
	close(fd);
	return rc;
}

int hostfile_beside_self(const char *name, char *out, size_t cap)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = 0;
	char *slash = strrchr(self, '/');
	size_t dirlen = slash ? (size_t)(slash - self) : 0;
	if (dirlen + 1 + strlen(name) + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(out, self, dirlen);
	out[dirlen] = '/';
	strcpy(out + dirlen + 1, name);
	return 0;
}
