/* BOOTX64.EFI: loads kernel.elf, initrd.cpio and shoji.cfg from its directory, enters via PVH. */
#include "efifw.h"

/*
 * What the firmware sees (UEFI 2.10, 7.4 "Image Services"): an application
 * that either returns an error (after printing why, so the boot manager
 * can try its next option) or never returns.  The order:
 *
 *   efifw_open_dir      the ESP directory BOOTX64.EFI came from
 *   load_kernel         kernel.elf checked, its physical ranges allocated
 *                       (AllocateAddress), segments copied, bss zeroed
 *   load_initrd         initrd.cpio (optional) into pages below 1 GiB
 *   read_config         shoji.cfg (optional): the kernel command line
 *   place_trampoline    the long mode exit code, below 4 GiB
 *   prepare_bootdata    start info, module list, command line and room for
 *                       the memory map, below 1 GiB; a buffer for the UEFI map
 *   exit_and_enter      final GetMemoryMap, ExitBootServices (retried when
 *                       the map key went stale), the E820 conversion, then
 *                       the trampoline to the PVH entry (trampoline.S)
 */

/* Called by gnu-efi's crt0 (System V calling convention). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* trampoline.S */
extern const char efi_trampoline[], efi_trampoline_end[];
typedef void (*trampoline_fn)(uint64_t entry, uint64_t start_info)
    __attribute__((sysv_abi, noreturn));

/* efiboot.h's descriptor is the firmware's (seL4 style: layouts checked once). */
_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == sizeof(struct uefi_memory_descriptor),
	       "EFI_MEMORY_DESCRIPTOR size");
_Static_assert(__builtin_offsetof(EFI_MEMORY_DESCRIPTOR, PhysicalStart) ==
		   __builtin_offsetof(struct uefi_memory_descriptor, physical_start),
	       "PhysicalStart");
_Static_assert(__builtin_offsetof(EFI_MEMORY_DESCRIPTOR, NumberOfPages) ==
		   __builtin_offsetof(struct uefi_memory_descriptor, number_of_pages),
	       "NumberOfPages");
_Static_assert((int)EfiConventionalMemory == (int)UEFI_MEM_CONVENTIONAL, "memory types");
_Static_assert((int)EfiPalCode == (int)UEFI_MEM_PAL_CODE, "memory types");

#define FOUR_GIB (1ull << 32)
/* Descriptors the map may grow by between sizing its buffer and the final
 * GetMemoryMap (our own allocations and the firmware's console output). */
#define MAP_SLACK 32
/* ExitBootServices fails when the map changed since GetMemoryMap (an
 * event ran in between); each retry gets a fresh map. */
#define EBS_TRIES 8
#define ERROR_PAUSE_US (3 * 1000 * 1000)

struct boot {
	EFI_HANDLE image;
	struct efifw_dir dir;
	struct efifw_file kernel_file, initrd, cfg;
	struct efi_kernel k;
	unsigned kernel_ranges; /* of k.range[], allocated so far */
	char cmdline[SHOJI_CMDLINE_MAX];
	trampoline_fn trampoline;
	EFI_PHYSICAL_ADDRESS tramp_page; /* 0 when the trampoline runs in place */
	EFI_PHYSICAL_ADDRESS bd_phys;	 /* 0 until allocated */
	UINTN bd_pages;
	void *map; /* the UEFI memory map buffer, map_cap bytes */
	UINTN map_cap;
	struct start_info_layout bd;
};

static struct boot boot;

static const char *memtype_name(UINT32 t)
{
	static const char *const names[] = {
	    [UEFI_MEM_RESERVED] = "reserved",
	    [UEFI_MEM_LOADER_CODE] = "loader code",
	    [UEFI_MEM_LOADER_DATA] = "loader data",
	    [UEFI_MEM_BOOT_SERVICES_CODE] = "boot services code",
	    [UEFI_MEM_BOOT_SERVICES_DATA] = "boot services data",
	    [UEFI_MEM_RUNTIME_SERVICES_CODE] = "runtime services code",
	    [UEFI_MEM_RUNTIME_SERVICES_DATA] = "runtime services data",
	    [UEFI_MEM_CONVENTIONAL] = "free",
	    [UEFI_MEM_UNUSABLE] = "unusable",
	    [UEFI_MEM_ACPI_RECLAIM] = "ACPI tables",
	    [UEFI_MEM_ACPI_NVS] = "ACPI NVS",
	    [UEFI_MEM_MMIO] = "MMIO",
	    [UEFI_MEM_MMIO_PORT_SPACE] = "MMIO port space",
	    [UEFI_MEM_PAL_CODE] = "PAL code",
	    [UEFI_MEM_PERSISTENT] = "persistent",
	    [UEFI_MEM_UNACCEPTED] = "unaccepted",
	};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* After a failed AllocateAddress: who holds [lo, hi), from the map (the
 * first few holders; a firmware's map has a hundred entries or more). */
static void show_owners(UINT64 lo, UINT64 hi)
{
	UINTN n, key, dsize, shown = 0, more = 0;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);

	if (!map)
		return;
	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * dsize);
		UINT64 end = d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE;
		CHAR16 a[19], b[19];
		if (d->PhysicalStart >= hi || end <= lo || d->Type == EfiConventionalMemory)
			continue;
		if (shown++ == 8) {
			more++;
			shown--;
			continue;
		}
		Print(L"shoji-efi:   %s-%s is %a (UEFI type %d)\n", efifw_hex(a, d->PhysicalStart),
		      efifw_hex(b, end), memtype_name(d->Type), d->Type);
	}
	if (more)
		Print(L"shoji-efi:   and %d more ranges\n", (int)more);
	FreePool(map);
}

static EFI_STATUS load_kernel(struct boot *b)
{
	struct efi_kernel *k = &b->k;
	const char *why;
	EFI_STATUS st;

	st = efifw_read_file(&b->dir, EFIBOOT_KERNEL_FILE, EFIFW_POOL, &b->kernel_file);
	if (st == EFI_NOT_FOUND)
		efifw_error(b->kernel_file.path,
			    "not found (the kernel must sit next to the loader)");
	if (EFI_ERROR(st))
		return st;
	if (efi_kernel_parse(b->kernel_file.data, b->kernel_file.size, k, &why)) {
		efifw_error(b->kernel_file.path, why);
		return EFI_LOAD_ERROR;
	}

	for (unsigned i = 0; i < k->nrange; i++) {
		const struct efi_kernel_range *r = &k->range[i];
		EFI_PHYSICAL_ADDRESS addr = r->lo;
		st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData,
				       (r->hi - r->lo) / EFI_PAGE_SIZE, &addr);
		if (EFI_ERROR(st)) {
			CHAR16 lo[19], hi[19];
			Print(L"shoji-efi: error: %s: kernel range %s-%s is not free in the UEFI "
			      L"memory map (%r)\n",
			      b->kernel_file.path, efifw_hex(lo, r->lo), efifw_hex(hi, r->hi), st);
			show_owners(r->lo, r->hi);
			return st;
		}
		b->kernel_ranges++;
		/* Zeroed first: that is the bss, and any padding. */
		ZeroMem((void *)(UINTN)r->lo, r->hi - r->lo);
	}

	for (unsigned i = 0; i < k->elf.nseg; i++)
		CopyMem((void *)(UINTN)k->elf.seg[i].paddr,
			(UINT8 *)b->kernel_file.data + k->elf.seg[i].offset, k->elf.seg[i].filesz);
	efifw_free_file(&b->kernel_file);
	return EFI_SUCCESS;
}

static EFI_STATUS load_initrd(struct boot *b)
{
	EFI_STATUS st = efifw_read_file(&b->dir, EFIBOOT_INITRD_FILE, EFIFW_BELOW_1G, &b->initrd);

	if (st == EFI_NOT_FOUND || (st == EFI_SUCCESS && b->initrd.size == 0)) {
		Print(L"shoji-efi: %s is missing or empty: the kernel gets no initrd\n",
		      b->initrd.path);
		return EFI_SUCCESS;
	}
	return st;
}

static EFI_STATUS read_config(struct boot *b)
{
	const char *why;
	EFI_STATUS st = efifw_read_file(&b->dir, EFIBOOT_CONFIG_FILE, EFIFW_POOL, &b->cfg);

	b->cmdline[0] = 0;
	if (st == EFI_NOT_FOUND) {
		Print(L"shoji-efi: no %s: the kernel command line is empty\n", b->cfg.path);
		return EFI_SUCCESS;
	}
	if (EFI_ERROR(st))
		return st;
	int n = efi_config_parse(b->cfg.data, b->cfg.size, b->cmdline, sizeof(b->cmdline), &why);
	efifw_free_file(&b->cfg);
	if (n < 0) {
		efifw_error(b->cfg.path, why);
		return EFI_INVALID_PARAMETER;
	}
	return EFI_SUCCESS;
}

/*
 * The trampoline turns paging off, so it must run from an identity-mapped
 * page below 4 GiB (trampoline.S).  UEFI maps all memory 1:1 (UEFI 2.10,
 * 2.3.4 "x64 Platforms"), so the loader's own copy serves when the
 * firmware loaded us below 4 GiB (what OVMF and most firmware do; and our
 * .text is certainly executable); otherwise it is copied to a LoaderCode
 * page below 4 GiB.
 */
static EFI_STATUS place_trampoline(struct boot *b)
{
	/* Two symbols of one object (trampoline.S): compare them as addresses. */
	UINTN size = (UINTN)efi_trampoline_end - (UINTN)efi_trampoline;

	if ((UINTN)efi_trampoline_end <= FOUR_GIB) {
		b->trampoline = (trampoline_fn)(UINTN)efi_trampoline;
		return EFI_SUCCESS;
	}
	EFI_PHYSICAL_ADDRESS addr = FOUR_GIB - 1;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderCode,
					  EFI_SIZE_TO_PAGES(size), &addr);
	if (EFI_ERROR(st)) {
		efifw_error_status(L"trampoline", "no free page below 4 GiB", st);
		return st;
	}
	b->tramp_page = addr;
	CopyMem((void *)(UINTN)addr, (void *)efi_trampoline, size);
	b->trampoline = (trampoline_fn)(UINTN)addr;
	return EFI_SUCCESS;
}

static UINT64 find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	UINT64 old = 0;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (CompareGuid(&t->VendorGuid, &acpi20) == 0)
			return (UINT64)(UINTN)t->VendorTable;
		if (CompareGuid(&t->VendorGuid, &acpi10) == 0)
			old = (UINT64)(UINTN)t->VendorTable;
	}
	return old;
}

static EFI_STATUS prepare_bootdata(struct boot *b)
{
	UINTN size = 0, key, dsize;
	UINT32 dver;
	const char *why;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL || dsize < sizeof(struct uefi_memory_descriptor)) {
		efifw_error_status(L"GetMemoryMap", "cannot size the memory map", st);
		return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
	}
	b->map_cap = size + MAP_SLACK * dsize;
	UINTN entries = b->map_cap / dsize;

	b->bd_pages = EFI_SIZE_TO_PAGES(start_info_size(entries));
	EFI_PHYSICAL_ADDRESS addr = EFIBOOT_LOW_LIMIT - 1;
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData, b->bd_pages,
			       &addr);
	if (EFI_ERROR(st)) {
		efifw_error_status(L"start info", "not enough free memory below 1 GiB", st);
		return st;
	}
	b->bd_phys = addr;
	b->map = AllocatePool(b->map_cap);
	if (!b->map) {
		efifw_error(L"memory map", "not enough memory for a copy of the memory map");
		return EFI_OUT_OF_RESOURCES;
	}
	const struct start_info_params p = {b->cmdline, (UINT64)(UINTN)b->initrd.data,
					    b->initrd.size, find_rsdp()};
	if (start_info_init((void *)(UINTN)addr, b->bd_pages * EFI_PAGE_SIZE, addr, entries, &p,
			    &b->bd, &why)) {
		efifw_error(L"start info", why);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

/* After ExitBootServices there is no console but the UART: COM1 by hand
 * (PC16550D THR at +0, LSR at +5 with THRE = bit 5), then stop. */
static void __attribute__((noreturn)) dead(const char *why)
{
	static const char prefix[] = "shoji-efi: error after ExitBootServices: ";
	const char *parts[] = {prefix, why, "\n"};

	for (unsigned p = 0; p < 3; p++) {
		for (const char *s = parts[p]; *s; s++) {
			for (int i = 0; i < 100000; i++) {
				UINT8 lsr;
				__asm__ volatile("inb %1, %0"
						 : "=a"(lsr)
						 : "Nd"((UINT16)(SHOJI_PORT_COM1 + 5)));
				if (lsr & 0x20)
					break;
			}
			__asm__ volatile("outb %0, %1" : : "a"(*s), "Nd"((UINT16)SHOJI_PORT_COM1));
		}
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Returns only while the boot services are still there (first GetMemoryMap
 * failed); everything after the first ExitBootServices call ends in the
 * kernel or in dead(). */
static EFI_STATUS exit_and_enter(struct boot *b)
{
	UINTN size, key, dsize;
	UINT32 dver;
	const char *why;

	for (int i = 0;; i++) {
		size = b->map_cap;
		EFI_STATUS st =
		    uefi_call_wrapper(BS->GetMemoryMap, 5, &size, b->map, &key, &dsize, &dver);
		if (EFI_ERROR(st)) {
			if (i == 0) {
				efifw_error_status(L"GetMemoryMap", "failed", st);
				return st;
			}
			dead("GetMemoryMap failed on a retry");
		}
		st = uefi_call_wrapper(BS->ExitBootServices, 2, b->image, key);
		if (!EFI_ERROR(st))
			break;
		if (i + 1 == EBS_TRIES)
			dead("ExitBootServices kept failing (the memory map keeps changing)");
	}

	/* Boot services are gone: no firmware call and no allocation below. */
	if (efi_bootdata_set_memmap(&b->bd, b->map, size, dsize, &why) < 0)
		dead(why);
	b->trampoline(b->k.elf.entry, b->bd.si_phys);
}

/* Gives back what a failed boot allocated, so that the boot manager's next
 * option finds the memory as it was. */
static void cleanup(struct boot *b)
{
	efifw_free_file(&b->kernel_file);
	efifw_free_file(&b->initrd);
	efifw_free_file(&b->cfg);
	for (unsigned i = 0; i < b->kernel_ranges; i++)
		uefi_call_wrapper(BS->FreePages, 2, b->k.range[i].lo,
				  (b->k.range[i].hi - b->k.range[i].lo) / EFI_PAGE_SIZE);
	if (b->tramp_page)
		uefi_call_wrapper(BS->FreePages, 2, b->tramp_page, 1);
	if (b->bd_phys)
		uefi_call_wrapper(BS->FreePages, 2, b->bd_phys, b->bd_pages);
	if (b->map)
		FreePool(b->map);
	if (b->dir.root)
		uefi_call_wrapper(b->dir.root->Close, 1, b->dir.root);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct boot *b = &boot;
	EFI_STATUS st;

	InitializeLib(image, systab);
	b->image = image;
	Print(L"shoji-efi: shoji UEFI loader %a\n", SHOJI_VERSION);

	st = efifw_open_dir(image, &b->dir); /* where kernel.elf and the rest are */
	if (!EFI_ERROR(st))
		st = load_kernel(b); /* kernel.elf into its physical range */
	if (!EFI_ERROR(st))
		st = load_initrd(b); /* initrd.cpio below 1 GiB, if there */
	if (!EFI_ERROR(st))
		st = read_config(b); /* shoji.cfg: the command line, if there */
	if (!EFI_ERROR(st))
		st = place_trampoline(b); /* long mode exit code below 4 GiB */
	if (!EFI_ERROR(st))
		st = prepare_bootdata(b); /* start info below 1 GiB, map buffer */
	if (!EFI_ERROR(st)) {
		CHAR16 h[5][19];
		Print(
		    L"shoji-efi: kernel %s-%s, PVH entry %s; initrd %ld bytes at %s; command line "
		    L"%d bytes; start info at %s\n",
		    efifw_hex(h[0], b->k.lo), efifw_hex(h[1], b->k.hi),
		    efifw_hex(h[2], b->k.elf.entry), b->initrd.size,
		    efifw_hex(h[3], (UINT64)(UINTN)b->initrd.data),
		    (int)strlena((CHAR8 *)b->cmdline), efifw_hex(h[4], b->bd.si_phys));
		Print(L"shoji-efi: exiting boot services, entering the kernel\n");
		st = exit_and_enter(b); /* returns only on failure */
	}

	cleanup(b);
	Print(L"shoji-efi: boot failed, back to the firmware in 3 s\n");
	uefi_call_wrapper(BS->Stall, 1, ERROR_PAUSE_US);
	return st;
}
