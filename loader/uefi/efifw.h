/* loader/uefi/: the firmware-facing parts of BOOTX64.EFI (gnu-efi), for main.c and files.c. */
#ifndef SHOJI_LOADER_EFI_EFIFW_H
#define SHOJI_LOADER_EFI_EFIFW_H

#include <efi.h>
#include <efilib.h>

#include "efiboot.h"

/* Longest directory path (in CHAR16, with the NUL) the loader handles. */
#define EFIFW_PATH_MAX 256

/*
 * The directory on the EFI system partition that BOOTX64.EFI was loaded
 * from, opened on that partition's file system: kernel.elf, initrd.cpio and
 * shoji.cfg are looked up there.
 */
struct efifw_dir {
	EFI_FILE_HANDLE root;	     /* the volume's root directory */
	CHAR16 path[EFIFW_PATH_MAX]; /* e.g. L"\\EFI\\BOOT\\", always ending in '\\' */
};

/* Where efifw_read_file puts a file's contents. */
enum efifw_place {
	EFIFW_POOL,	/* AllocatePool (EfiLoaderData), anywhere */
	EFIFW_BELOW_1G, /* AllocatePages (EfiLoaderData) ending at or below 1 GiB */
};

struct efifw_file {
	void *data;  /* NULL for an empty file */
	UINT64 size; /* bytes */
	enum efifw_place place;
	CHAR16 path[EFIFW_PATH_MAX + 16]; /* the full path, for messages */
};

/*
 * efifw_open_dir - find and open the loader's own directory.
 * @image: the loader's image handle (efi_main's first argument).
 * @dir:   filled on success.
 * Uses the LoadedImage protocol: DeviceHandle gives the partition, whose
 * SimpleFileSystem is opened; the file path nodes of FilePath give the
 * loader's path, cut after its last '\\' (the root when there is none).
 * Returns EFI_SUCCESS, or the failing call's status after printing what
 * failed.
 */
EFI_STATUS efifw_open_dir(EFI_HANDLE image, struct efifw_dir *dir);

/*
 * efifw_read_file - read @name (ASCII, no directory) from @dir.
 * @place: where the contents go (see enum efifw_place).
 * @out:   filled on success; out->path is set even on failure.
 * Returns EFI_SUCCESS; EFI_NOT_FOUND, silently, when there is no such
 * file (the caller decides whether that is an error); any other failure
 * (open, size, allocation, read, a short read) is printed with the file's
 * path and returned, with nothing left allocated.
 */
EFI_STATUS efifw_read_file(struct efifw_dir *dir, const char *name, enum efifw_place place,
			   struct efifw_file *out);

/* efifw_free_file - give back what efifw_read_file allocated; safe on a
 * file that was not found or already freed. */
void efifw_free_file(struct efifw_file *f);

/*
 * efifw_error - print "shoji-efi: error: WHAT: WHY" on the console (UEFI
 * ConOut: the screen and, where the firmware routes it there, the serial
 * port).  @what is a CHAR16 path or name, @why an ASCII reason.
 */
void efifw_error(const CHAR16 *what, const char *why);

/* efifw_hex - @v as "0x" and lowercase hex digits, as the kernel prints
 * addresses (gnu-efi's %x prints capitals); returns @buf. */
CHAR16 *efifw_hex(CHAR16 buf[19], UINT64 v);

/* efifw_error_status - as efifw_error, with the UEFI status after the reason. */
void efifw_error_status(const CHAR16 *what, const char *why, EFI_STATUS st);

#endif
