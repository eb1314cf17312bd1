/* The loader's directory on the EFI system partition, and reading files from it. */
#include "efifw.h"

void efifw_error(const CHAR16 *what, const char *why)
{
	Print(L"shoji-efi: error: %s: %a\n", what, why);
}

void efifw_error_status(const CHAR16 *what, const char *why, EFI_STATUS st)
{
	Print(L"shoji-efi: error: %s: %a (%r)\n", what, why, st);
}

CHAR16 *efifw_hex(CHAR16 buf[19], UINT64 v)
{
	int n = 1;

	for (UINT64 t = v >> 4; t; t >>= 4)
		n++;
	buf[0] = L'0';
	buf[1] = L'x';
	for (int i = n - 1; i >= 0; i--, v >>= 4)
		buf[2 + i] = L"0123456789abcdef"[v & 15];
	buf[2 + n] = 0;
	return buf;
}

/* Appends the PathName of one MEDIA_FILEPATH_DP node, adding the '\\'
 * between nodes that the firmware may leave out (UEFI 2.10, 10.3.5.4). */
static int append_node(CHAR16 *path, UINTN *n, const FILEPATH_DEVICE_PATH *fp)
{
	UINTN len = (DevicePathNodeLength(&fp->Header) - SIZE_OF_FILEPATH_DEVICE_PATH) / 2;

	if (*n && path[*n - 1] != L'\\' && len && fp->PathName[0] != L'\\') {
		if (*n + 1 >= EFIFW_PATH_MAX)
			return -1;
		path[(*n)++] = L'\\';
	}
	for (UINTN i = 0; i < len && fp->PathName[i]; i++) {
		if (*n + 1 >= EFIFW_PATH_MAX)
			return -1;
		path[(*n)++] = fp->PathName[i] == L'/' ? L'\\' : fp->PathName[i];
	}
	path[*n] = 0;
	return 0;
}

EFI_STATUS efifw_open_dir(EFI_HANDLE image, struct efifw_dir *dir)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;
	UINTN n = 0;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st)) {
		efifw_error_status(L"LoadedImage protocol", "cannot find the loader's own image",
				   st);
		return st;
	}
	st = uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle, &FileSystemProtocol,
			       (void **)&fs);
	if (EFI_ERROR(st)) {
		efifw_error_status(
		    L"SimpleFileSystem protocol",
		    "the loader's device has no file system (not started from an ESP?)", st);
		return st;
	}
	st = uefi_call_wrapper(fs->OpenVolume, 2, fs, &dir->root);
	if (EFI_ERROR(st)) {
		efifw_error_status(L"OpenVolume", "cannot open the loader's partition", st);
		return st;
	}

	dir->path[0] = 0;
	for (EFI_DEVICE_PATH *dp = li->FilePath; dp && !IsDevicePathEnd(dp);
	     dp = NextDevicePathNode(dp)) {
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		if (append_node(dir->path, &n, (const FILEPATH_DEVICE_PATH *)dp)) {
			efifw_error(L"loader path", "longer than 255 characters");
			return EFI_BAD_BUFFER_SIZE;
		}
	}
	/* Keep everything up to and including the last '\\'. */
	while (n > 0 && dir->path[n - 1] != L'\\')
		n--;
	if (n == 0)
		dir->path[n++] = L'\\';
	dir->path[n] = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE fh, UINT64 *size)
{
	EFI_FILE_INFO *info = LibFileInfo(fh);

	if (!info)
		return EFI_DEVICE_ERROR;
	*size = info->FileSize;
	FreePool(info);
	return EFI_SUCCESS;
}

static EFI_STATUS allocate(enum efifw_place place, UINT64 size, void **data)
{
	if (place == EFIFW_POOL) {
		*data = AllocatePool(size);
		return *data ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
	}
	EFI_PHYSICAL_ADDRESS addr = EFIBOOT_LOW_LIMIT - 1;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData,
					  EFI_SIZE_TO_PAGES(size), &addr);
	*data = EFI_ERROR(st) ? NULL : (void *)(UINTN)addr;
	return st;
}

/* out->path = dir's path then @name, cut to fit (it is only for messages and Open). */
static void join_path(const struct efifw_dir *dir, const char *name, struct efifw_file *out)
{
	const UINTN cap = sizeof(out->path) / sizeof(out->path[0]);
	UINTN n = 0;

	for (UINTN i = 0; dir->path[i] && n + 1 < cap; i++)
		out->path[n++] = dir->path[i];
	for (UINTN i = 0; name[i] && n + 1 < cap; i++)
		out->path[n++] = (CHAR16)name[i];
	out->path[n] = 0;
}

/* The file's size, refused above the 1 GiB the loader can place below EFIBOOT_LOW_LIMIT. */
static EFI_STATUS checked_size(EFI_FILE_HANDLE fh, struct efifw_file *out)
{
	EFI_STATUS st = file_size(fh, &out->size);

	if (EFI_ERROR(st)) {
		efifw_error_status(out->path, "cannot read its size", st);
		return st;
	}
	if (out->size > (UINT64)EFIBOOT_LOW_LIMIT) {
		efifw_error(out->path, "larger than 1 GiB");
		return EFI_BAD_BUFFER_SIZE;
	}
	return EFI_SUCCESS;
}

/* Reads all out->size bytes into out->data: a firmware Read may return fewer. */
static EFI_STATUS read_all(EFI_FILE_HANDLE fh, struct efifw_file *out)
{
	UINT64 done = 0;

	while (done < out->size) {
		UINTN chunk = out->size - done;
		EFI_STATUS st =
		    uefi_call_wrapper(fh->Read, 3, fh, &chunk, (UINT8 *)out->data + done);
		if (EFI_ERROR(st)) {
			efifw_error_status(out->path, "read failed", st);
			return st;
		}
		if (chunk == 0 || chunk > out->size - done) {
			efifw_error(out->path, "file ended before its size");
			return EFI_END_OF_FILE;
		}
		done += chunk;
	}
	return EFI_SUCCESS;
}

EFI_STATUS efifw_read_file(struct efifw_dir *dir, const char *name, enum efifw_place place,
			   struct efifw_file *out)
{
	EFI_FILE_HANDLE fh;
	EFI_STATUS st;

	out->data = NULL;
	out->size = 0;
	out->place = place;
	join_path(dir, name, out);

	st = uefi_call_wrapper(dir->root->Open, 5, dir->root, &fh, out->path, EFI_FILE_MODE_READ,
			       0ull);
	if (st == EFI_NOT_FOUND)
		return st;
	if (EFI_ERROR(st)) {
		efifw_error_status(out->path, "cannot open", st);
		return st;
	}
	st = checked_size(fh, out);
	if (EFI_ERROR(st) || out->size == 0)
		goto close;
	st = allocate(place, out->size, &out->data);
	if (EFI_ERROR(st)) {
		efifw_error_status(out->path,
				   place == EFIFW_POOL
				       ? "not enough memory to read it"
				       : "not enough free memory below 1 GiB for it",
				   st);
		goto close;
	}
	st = read_all(fh, out);
close:
	uefi_call_wrapper(fh->Close, 1, fh);
	if (EFI_ERROR(st))
		efifw_free_file(out);
	return st;
}

void efifw_free_file(struct efifw_file *f)
{
	if (!f->data)
		return;
	if (f->place == EFIFW_POOL)
		FreePool(f->data);
	else
		uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(UINTN)f->data,
				  EFI_SIZE_TO_PAGES(f->size));
	f->data = NULL;
	f->size = 0;
}
