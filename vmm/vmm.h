/* vmm/: the shoji monitor's one internal header; every function vmm/ exports, documented. */
#ifndef SHOJI_VMM_H
#define SHOJI_VMM_H

/*
 * Conventions, for every function here:
 *  - library-style functions return 0 (or a count) on success and -errno
 *    on failure, and clean up what they allocated before returning;
 *  - functions taking `const char **why` set *why, on failure, to a
 *    constant human-readable reason; callers add the name of what failed
 *    ("kernel build/kernel.elf: no PVH entry note");
 *  - functions taking `char *err, size_t errlen` write a full message
 *    (naming the file or option) there on failure;
 *  - KVM set-up steps print "IOCTL_NAME: strerror" themselves (prefixed
 *    "shoji: ") and return -errno: the caller adds nothing;
 *  - guest memory is reached only through guest_ptr().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

#include "shoji/abi.h"
#include "shoji/pvh.h"

#include "../loader/format/format.h"

/* ==================================================================== */
/* Exit statuses of `shoji` (besides the guest's own 0..3)              */
/* ==================================================================== */

#define SHOJI_STATUS_USAGE 2	 /* bad command line or input file (as tools/qemu-run) */
#define SHOJI_STATUS_TIMEOUT 124 /* --timeout ran out (as timeout(1)) */
#define SHOJI_STATUS_CRASH 125	 /* the vCPU died: triple fault, failed entry, KVM error */
#define SHOJI_STATUS_NO_KVM 126	 /* this host's KVM cannot run shoji guests */

/* A run-loop handler's "keep running"; any value >= 0 ends the run with
 * that exit status. */
#define RUN_CONTINUE (-1)

/* ==================================================================== */
/* Guest physical memory (guest_mem.c)                                  */
/* ==================================================================== */

/* A guest physical address.  Never a host pointer: see guest_ptr(). */
typedef uint64_t gpa_t;

/*
 * Guest RAM is one block at guest physical 0.  It must stay below the
 * 3 GiB..4 GiB hole, where KVM's in-kernel IOAPIC (0xfec00000), local
 * APIC (0xfee00000), identity-map page and TSS (VMM_IDENTITY_MAP_GPA,
 * VMM_TSS_GPA) live.
 */
#define GUEST_MEM_MAX 0xc0000000ull /* 3 GiB */
#define GUEST_PAGE_SIZE 4096u

struct guest_mem {
	uint8_t *host; /* where guest physical 0 is mapped in shoji */
	uint64_t size; /* bytes of guest RAM */
	bool mapped;   /* host came from guest_mem_alloc (munmap on free) */
};

/*
 * guest_mem_alloc - reserve @size bytes of guest RAM (anonymous,
 * MAP_NORESERVE: pages cost host memory only once the guest touches them).
 * @size: a multiple of GUEST_PAGE_SIZE, 1..GUEST_MEM_MAX.
 * Returns 0, -EINVAL for a bad size, or -errno from mmap.
 */
int guest_mem_alloc(struct guest_mem *m, uint64_t size);

/* guest_mem_wrap - describe a caller-owned buffer as guest RAM (for unit
 * tests and the probe guest); guest_mem_free leaves it alone. */
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

/* guest_mem_resident - bytes of guest RAM now backed by host memory
 * (mincore), i.e. touched by the guest or by shoji; 0 on error. */
uint64_t guest_mem_resident(const struct guest_mem *m);

/* ==================================================================== */
/* Command line (options.c)                                             */
/* ==================================================================== */

#define SHOJI_MEMORY_DEFAULT (128ull << 20)
#define SHOJI_MEMORY_MIN (16ull << 20)
#define SHOJI_TIMEOUT_DEFAULT_MS 30000 /* as tools/qemu-run */
#define SHOJI_TIMEOUT_MAX_MS (7ull * 24 * 3600 * 1000)

struct run_opts {
	const char *kernel;	 /* --kernel; NULL: kernel.elf beside the shoji binary */
	const char *initrd;	 /* --initrd; NULL: packed from the task specs */
	const char *append;	 /* --append; NULL when not given */
	uint64_t memory;	 /* --memory, bytes */
	uint64_t timeout_ms;	 /* --timeout */
	const char *timeout_str; /* --timeout as written, for messages */
	bool trace_exits;	 /* --trace-exits */
	const char *json;	 /* --json FILE; NULL when not given */
	bool help;		 /* --help was given: print usage, do nothing else */
	char **specs;		 /* TASKSPEC arguments (point into argv) */
	int nspecs;
};

/*
 * opts_parse_run - parse the arguments after `run`.
 * @argc, @argv: the arguments after the word `run` (argv[0] is the first
 *        option or spec); options may come before, between or after specs,
 *        as "--opt VALUE" or "--opt=VALUE"; "--" ends the options.
 * Fills @o (defaults first).  --initrd together with task specs is refused:
 * with --initrd, name the tasks with --append "task=NAME...".
 * Returns 0, or -EINVAL with a one-line message in @err.
 */
int opts_parse_run(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);

/*
 * opts_parse_size - a memory size: digits with an optional K, M or G
 * suffix (powers of 1024; case-insensitive; an optional trailing "B" or
 * "iB"); a bare number is MiB, as QEMU's -m.
 * Returns 0 with *out in bytes, or -EINVAL (empty, junk, zero, overflow).
 */
int opts_parse_size(const char *s, uint64_t *out);

/*
 * opts_parse_seconds - a duration in seconds: digits with an optional
 * fraction of up to 3 digits ("30", "0.5").  Returns 0 with *ms, or
 * -EINVAL (junk, zero, more than SHOJI_TIMEOUT_MAX_MS).
 */
int opts_parse_seconds(const char *s, uint64_t *ms);

/*
 * opts_check_memory - bounds for --memory.
 * @mem: requested bytes; @host_ram: the host's physical RAM in bytes
 *        (sysinfo), 0 when unknown (then not checked).
 * Refuses sizes under SHOJI_MEMORY_MIN, not a whole number of MiB, above
 * GUEST_MEM_MAX (the PCI/APIC hole), or above the host's RAM.
 * Returns 0, or -EINVAL with a message in @err.
 */
int opts_check_memory(uint64_t mem, uint64_t host_ram, char *err, size_t errlen);

/* opts_usage - the usage text of shoji and its commands, on @f. */
void opts_usage(FILE *f);

/* ==================================================================== */
/* Host files (hostfile.c)                                              */
/* ==================================================================== */

/*
 * hostfile_read - read a whole regular file into a malloc'd buffer.
 * @max: refuse files larger than this many bytes (-EFBIG).
 * Returns 0 with *buf (free it) and *len; -errno otherwise (a directory
 * gives -EISDIR).  An empty file gives a 1-byte buffer and *len 0.
 */
int hostfile_read(const char *path, size_t max, void **buf, size_t *len);

/*
 * hostfile_beside_self - @name in the directory of the running binary
 * (/proc/self/exe), into @out.  Returns 0, or -errno (-ENAMETOOLONG).
 */
int hostfile_beside_self(const char *name, char *out, size_t cap);

/* ==================================================================== */
/* Guest physical layout and PVH start info (startinfo.c)               */
/* ==================================================================== */

/*
 *  0x0000_0000  RAM: free for the kernel (the probe guest ran below 0x8000)
 *  0x0000_6000  struct hvm_start_info                 BOOT_START_INFO
 *  0x0000_6040  memory map, BOOT_MEMMAP_MAX entries    BOOT_MEMMAP
 *  0x0000_6400  module list: one entry, the initrd     BOOT_MODLIST
 *  0x0000_7000  command line, SHOJI_CMDLINE_MAX bytes  BOOT_CMDLINE
 *  0x0000_8000  RAM: free for the kernel               BOOT_AREA_END
 *  0x0009_fc00  reserved up to 1 MiB (where a PC has EBDA, VGA, BIOS)
 *  0x0010_0000  kernel.elf PT_LOAD segments, by p_paddr
 *               RAM
 *  top - n      the initrd, page-aligned, ending at or below the top
 *  memory size  end of RAM (at most GUEST_MEM_MAX)
 */
#define BOOT_AREA_START 0x6000ull
#define BOOT_START_INFO 0x6000ull
#define BOOT_MEMMAP 0x6040ull
#define BOOT_MEMMAP_MAX 8
#define BOOT_MODLIST 0x6400ull
#define BOOT_CMDLINE 0x7000ull
#define BOOT_AREA_END 0x8000ull
#define BOOT_LOW_RAM_END 0x9fc00ull
#define BOOT_HIGH_RAM 0x100000ull

_Static_assert(BOOT_START_INFO + sizeof(struct hvm_start_info) <= BOOT_MEMMAP, "start info");
_Static_assert(BOOT_MEMMAP + BOOT_MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry) <=
		   BOOT_MODLIST,
	       "memory map");
_Static_assert(BOOT_MODLIST + sizeof(struct hvm_modlist_entry) <= BOOT_CMDLINE, "module list");
_Static_assert(BOOT_CMDLINE + SHOJI_CMDLINE_MAX <= BOOT_AREA_END, "command line");

/*
 * initrd_place - where the initrd goes: the highest page-aligned address
 * with [gpa, gpa + @size) inside RAM and at or above @kernel_end.
 * Returns 0 with *gpa, or -ENOSPC with *why when it does not fit.
 */
int initrd_place(const struct guest_mem *m, uint64_t size, gpa_t kernel_end, gpa_t *gpa,
		 const char **why);

/*
 * startinfo_build - write the start info, memory map, module list and
 * command line into guest memory at the BOOT_* addresses (the initrd
 * bytes themselves are the caller's).
 * @m:        guest RAM, at least BOOT_HIGH_RAM + 1 page.
 * @cmdline:  NUL-terminated, at most SHOJI_CMDLINE_MAX bytes with the NUL.
 * @initrd, @initrd_size: the module (size 0: no module is listed).
 * Memory map: RAM [0, BOOT_LOW_RAM_END), reserved [BOOT_LOW_RAM_END,
 * BOOT_HIGH_RAM), RAM [BOOT_HIGH_RAM, m->size).
 * Returns 0 with the start info's address in *start_info; -E2BIG with
 * *why for a long command line; -EINVAL with *why when RAM is too small
 * or the initrd is outside RAM.
 */
int startinfo_build(const struct guest_mem *m, const char *cmdline, gpa_t initrd,
		    uint64_t initrd_size, gpa_t *start_info, const char **why);

/* ==================================================================== */
/* Kernel ELF loading (elf_load.c, libelf)                              */
/* ==================================================================== */

struct elf_image {
	uint32_t entry; /* PVH entry (XEN_ELFNOTE_PHYS32_ENTRY), physical */
	gpa_t lo, hi;	/* lowest p_paddr and highest p_paddr + p_memsz loaded */
};

/*
 * elf_load - check a kernel ELF and copy it into guest memory.
 * @file, @size: the whole file (libelf reads it in place).
 * @avoid_lo, @avoid_hi: a range no segment may touch (the boot area).
 * Checks, all before anything is copied: ELF magic, ELFCLASS64,
 * little-endian, EM_X86_64, the program header table and every segment's
 * file bytes inside the file, filesz <= memsz, each non-empty PT_LOAD's
 * [p_paddr, p_paddr + p_memsz) inside guest RAM and outside the avoided
 * range, a PVH note ("Xen", type XEN_ELFNOTE_PHYS32_ENTRY, 4- or 8-byte
 * descriptor below 4 GiB) in a PT_NOTE segment or SHT_NOTE section, and
 * the entry inside a loaded segment's file bytes.  Then copies each
 * PT_LOAD to p_paddr and zeroes the rest of its memsz.
 * Returns 0 with *img filled; -ENOEXEC with *why for a file that is not
 * a loadable x86-64 ELF kernel; -ERANGE with *why for a segment outside
 * guest memory or on the boot area.
 */
int elf_load(const struct guest_mem *m, void *file, size_t size, gpa_t avoid_lo, gpa_t avoid_hi,
	     struct elf_image *img, const char **why);

/* ==================================================================== */
/* CPUID for the guest (cpuid.c)                                        */
/* ==================================================================== */

#define CPUID_MAX_ENTRIES 256
#define CPUID_HV_BASE 0x40000000u   /* hypervisor signature leaf */
#define CPUID_HV_TIMING 0x40000010u /* EAX: TSC kHz, EBX: APIC bus kHz */
#define KVM_APIC_BUS_KHZ 1000000u   /* KVM's local APIC timer counts in ns */

/* A CPUID table with room to add entries. */
struct cpuid_table {
	struct kvm_cpuid2 head;
	struct kvm_cpuid_entry2 entries[CPUID_MAX_ENTRIES];
};

/* cpuid_find - the entry for @function/@index (index ignored unless the
 * entry has KVM_CPUID_FLAG_SIGNIFCANT_INDEX), or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(struct cpuid_table *t, uint32_t function, uint32_t index);

/* cpuid_has_pku - CPUID.(7,0):ECX[3] in @t. */
bool cpuid_has_pku(struct cpuid_table *t);

/* cpuid_has_pkru_xsave - PKRU (bit 9) in the XCR0 mask, CPUID.(0xD,0):EAX. */
bool cpuid_has_pkru_xsave(struct cpuid_table *t);

/*
 * cpuid_prepare - turn KVM_GET_SUPPORTED_CPUID's table into the guest's.
 * Sets CPUID.1:ECX[31] (hypervisor), and CPUID.1:ECX[24] (TSC-deadline)
 * when @tsc_deadline (KVM_CAP_TSC_DEADLINE_TIMER with the in-kernel
 * irqchip); keeps PKU as KVM offers it (OSPKE and OSXSAVE are left for
 * KVM to compute from the guest's CR4); when @tsc_khz is not 0, adds leaf
 * CPUID_HV_TIMING (EAX = @tsc_khz, EBX = KVM_APIC_BUS_KHZ) and raises
 * CPUID_HV_BASE's EAX to reach it (creating that leaf with KVM's
 * signature "KVMKVMKVM\0\0\0" when KVM gave none).
 * Returns 0, or -ENOSPC when the table is full.
 */
int cpuid_prepare(struct cpuid_table *t, uint32_t tsc_khz, bool tsc_deadline);

/* ==================================================================== */
/* KVM system and VM set-up (kvm.c)                                     */
/* ==================================================================== */

#define VMM_IDENTITY_MAP_GPA 0xfffbc000ull /* Intel: EPT identity map page */
#define VMM_TSS_GPA 0xfffbd000ull	   /* Intel: 3 pages for real mode */

/*
 * kvm_open - open /dev/kvm and check KVM_GET_API_VERSION is 12.
 * Returns the fd, or -errno after printing what failed and what to do
 * (no /dev/kvm, no permission, another API version gives -EPROTO).
 */
int kvm_open(void);

/* kvm_ioctl_failed - print "shoji: @name: strerror(errno)" on stderr and
 * return -errno: how every failed set-up ioctl is reported. */
int kvm_ioctl_failed(const char *name);

/* kvm_has - KVM_CHECK_EXTENSION: > 0 when @cap is there. */
int kvm_has(int kvm_fd, long cap);

/* kvm_supported_cpuid - KVM_GET_SUPPORTED_CPUID into @t.  0 or -errno. */
int kvm_supported_cpuid(int kvm_fd, struct cpuid_table *t);

/*
 * vm_create - KVM_CREATE_VM; with @platform, also the Intel TSS and
 * identity-map pages (KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR), the
 * in-kernel irqchip (KVM_CREATE_IRQCHIP) and PIT (KVM_CREATE_PIT2 with a
 * dummy speaker port, so port 0x61 stays in the kernel).
 * Returns the VM fd, or -errno.
 */
int vm_create(int kvm_fd, bool platform);

/* vm_set_memory - KVM_SET_USER_MEMORY_REGION, slot @slot, @m at guest
 * physical 0.  0 or -errno. */
int vm_set_memory(int vm_fd, unsigned slot, const struct guest_mem *m);

/* ==================================================================== */
/* The vCPU (vcpu.c)                                                    */
/* ==================================================================== */

struct vcpu {
	int fd;
	struct kvm_run *run; /* the shared kvm_run page(s) */
	size_t run_size;
};

/* vcpu_create - KVM_CREATE_VCPU 0 and map its kvm_run area
 * (KVM_GET_VCPU_MMAP_SIZE).  0 or -errno. */
int vcpu_create(int kvm_fd, int vm_fd, struct vcpu *v);

/* vcpu_destroy - unmap and close; safe on a zeroed or destroyed vcpu
 * (fd -1 or 0 means none). */
void vcpu_destroy(struct vcpu *v);

/* vcpu_tsc_khz - KVM_GET_TSC_KHZ, or 0 when KVM cannot tell. */
uint32_t vcpu_tsc_khz(struct vcpu *v);

/* vcpu_set_cpuid - KVM_SET_CPUID2 with @t.  0 or -errno. */
int vcpu_set_cpuid(struct vcpu *v, struct cpuid_table *t);

/*
 * vcpu_set_pvh_entry - the PVH entry state (Xen docs/misc/pvh.pandoc):
 * 32-bit protected mode, paging off (CR0 = PE | ET), CS a flat 32-bit
 * execute/read segment (selector 0x08), DS/ES/SS/FS/GS flat read/write
 * (0x10), TR a 32-bit busy TSS (base 0, limit 0x67), RFLAGS = 2
 * (interrupts off), RIP = @entry, RBX = @start_info.
 * Returns 0 or -errno (KVM_GET/SET_SREGS, KVM_SET_REGS).
 */
int vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, gpa_t start_info);

/* vcpu_flat_segment - a flat (base 0, limit 4 GiB) segment descriptor in
 * KVM's form: @type (SDM Vol. 3A 3.4.5.1), @selector, @db (32-bit), @l
 * (64-bit code). */
struct kvm_segment vcpu_flat_segment(uint16_t selector, uint8_t type, bool db, bool l);

/* ==================================================================== */
/* Timeout watchdog (watchdog.c)                                        */
/* ==================================================================== */

/*
 * A thread that, at the deadline, sets kvm_run.immediate_exit and sends
 * SIGUSR1 to the vCPU thread, so KVM_RUN returns -EINTR (whether the
 * signal lands inside KVM_RUN or just before it), and again every
 * 100 ms.  If the vCPU thread does not call watchdog_ack within 2 s after
 * the first kick (a KVM_RUN that never returns), it prints @hang_msg and
 * ends the process with @hang_status.
 */
struct watchdog {
	void *priv; /* the thread's state (opaque) */
};

/* watchdog_start - arm for @ms from now; the calling thread is the one
 * kicked.  0 or -errno. */
int watchdog_start(struct watchdog *w, struct kvm_run *run, uint64_t ms, const char *hang_msg,
		   int hang_status);

/* watchdog_fired - whether the deadline has passed (the kick was sent). */
bool watchdog_fired(struct watchdog *w);

/* watchdog_ack - the vCPU thread saw the kick: stand down the hang exit. */
void watchdog_ack(struct watchdog *w);

/* watchdog_stop - disarm and join; safe on a watchdog never started. */
void watchdog_stop(struct watchdog *w);

/* ==================================================================== */
/* Console output and RESULT lines (console.c)                          */
/* ==================================================================== */

#define CONSOLE_LINE_MAX 65536

struct console {
	int out_fd;		     /* where guest output goes (stdout) */
	bool collect;		     /* keep RESULT lines for the JSON file */
	char line[CONSOLE_LINE_MAX]; /* the current line, not yet written */
	size_t len;
	bool overlong; /* the current line was flushed in parts */
	char *results; /* JSON array elements so far, ",\n" separated */
	size_t results_len;
	unsigned nresults;
	unsigned malformed; /* RESULT lines skipped */
};

/* console_init - output to @out_fd; @collect keeps RESULT lines. */
void console_init(struct console *c, int out_fd, bool collect);

/*
 * console_write - guest output bytes.  Whole lines are written to out_fd
 * at once (a line longer than CONSOLE_LINE_MAX in parts).  With collect,
 * each complete line "RESULT {json}" adds its payload to the results when
 * the payload starts with '{' and ends with '}' (trailing CR and spaces
 * ignored); any other RESULT line is counted in malformed and reported on
 * stderr.  Returns 0, or -errno when writing or growing failed.
 */
int console_write(struct console *c, const void *data, size_t len);

/* console_flush - write out a partial last line.  0 or -errno. */
int console_flush(struct console *c);

/* console_json - write the collected results to @fd as a JSON array, one
 * element per line.  0 or -errno. */
int console_json(struct console *c, int fd);

/* console_free - release the results. */
void console_free(struct console *c);

/* ==================================================================== */
/* I/O port and MMIO dispatch, and the device list (io.c)               */
/* ==================================================================== */

/*
 * A device's port handler.  @offset is from the registered base; @data
 * holds @size bytes (1, 2 or 4): the value to write, or where to put the
 * value read.  Returns RUN_CONTINUE, or a status >= 0 that ends the run.
 */
typedef int (*io_handler)(void *ctx, uint16_t offset, bool write, uint8_t *data, unsigned size);

#define IO_MAX_RANGES 16
#define IO_MMIO_LOGGED_MAX 16

struct io_range {
	uint16_t base;
	uint16_t len;
	const char *name;
	io_handler fn;
	void *ctx;
};

struct io_bus {
	struct io_range range[IO_MAX_RANGES];
	unsigned nranges;
	bool trace;				/* log each unknown port / MMIO page once */
	uint8_t port_seen[65536 / 8];		/* unknown ports already logged */
	uint64_t mmio_seen[IO_MMIO_LOGGED_MAX]; /* MMIO pages already logged */
	unsigned nmmio_seen;
	uint64_t unknown_port_exits, mmio_exits;
};

/* io_init - an empty bus; @trace logs unknown accesses to stderr. */
void io_init(struct io_bus *b, bool trace);

/*
 * io_register - claim ports [@base, @base + @len) for a device.
 * Returns 0; -EINVAL for @len 0 or a range past port 0xffff; -EBUSY when
 * it overlaps a registered range (a message names both devices);
 * -ENOSPC when IO_MAX_RANGES are taken.
 */
int io_register(struct io_bus *b, uint16_t base, uint16_t len, const char *name, io_handler fn,
		void *ctx);

/*
 * io_port - one port access from the guest (a KVM_EXIT_IO element).
 * Unclaimed ports read as all ones; writes to them are dropped.
 * Returns the device's result (RUN_CONTINUE or a final status).
 */
int io_port(struct io_bus *b, uint16_t port, bool write, uint8_t *data, unsigned size);

/* io_mmio - one MMIO access (KVM_EXIT_MMIO): no MMIO devices exist in
 * user space, so reads are all ones and writes are dropped.  Returns
 * RUN_CONTINUE. */
int io_mmio(struct io_bus *b, uint64_t addr, bool write, uint8_t *data, unsigned len);

struct machine;

/* A device: attach registers its ports on the machine's bus. */
struct device {
	const char *name;
	int (*attach)(struct machine *m); /* 0 or -errno */
};

/* devices_attach - attach every device in the table (devices.c).
 * 0, or the first -errno (its message already printed). */
int devices_attach(struct machine *m);

extern const struct device dev_uart; /* dev_uart.c: COM1 16550, output only */
extern const struct device dev_exit; /* dev_exit.c: the exit port */

/* ==================================================================== */
/* The machine, the run loop and the VM exits (run.c, trace.c)          */
/* ==================================================================== */

#define EXIT_REASONS_MAX 64

struct exit_stats {
	uint64_t count[EXIT_REASONS_MAX]; /* by KVM_EXIT_* */
	uint64_t other;			  /* reasons >= EXIT_REASONS_MAX */
	uint64_t eintr;			  /* KVM_RUN returned -EINTR */
};

struct machine {
	int kvm_fd, vm_fd;
	struct guest_mem mem;
	struct vcpu vcpu;
	struct io_bus io;
	struct console con;
	struct exit_stats stats;
	bool trace;	/* --trace-exits */
	uint32_t entry; /* the kernel's PVH entry */
	gpa_t initrd;	/* where the initrd was put */
	uint64_t initrd_size;
	uint64_t start_ns, first_run_ns; /* trace_now_ns() at `run` and at the first KVM_RUN */
};

/*
 * run_loop - KVM_RUN until the guest ends the machine.
 * @timeout_ms, @timeout_str: the time limit and its spelling for messages.
 * Exits are dispatched through a table by KVM_EXIT_* reason.  Returns
 * the exit port's byte; SHOJI_STATUS_TIMEOUT ("guest timed out after N
 * s"); SHOJI_STATUS_CRASH after dumping the vCPU for a triple fault,
 * failed entry, internal error, halt with interrupts off, an unexpected
 * exit or a failing KVM_RUN.
 */
int run_loop(struct machine *m, uint64_t timeout_ms, const char *timeout_str);

/* trace_exit - count one exit (always; cheap). */
void trace_exit(struct exit_stats *s, uint32_t reason);

/* trace_summary - exits by reason, the time from start to the first
 * KVM_RUN, then shoji's resident memory, guest RAM resident and the
 * difference (shoji's own), on stderr. */
void trace_summary(const struct machine *m);

/* trace_vmrss - resident memory of this process in bytes
 * (/proc/self/smaps_rollup, else VmRSS), 0 when unknown. */
uint64_t trace_vmrss(void);

/* trace_now_ns - CLOCK_MONOTONIC in nanoseconds. */
uint64_t trace_now_ns(void);

/* ==================================================================== */
/* Register dumps (dump.c)                                              */
/* ==================================================================== */

/* exit_reason_name - "KVM_EXIT_IO" etc., "unknown" for others. */
const char *exit_reason_name(uint32_t reason);

/*
 * dump_vcpu - print @what, the last exit (reason and its fields: port,
 * MMIO address, entry failure reason, internal error suberror and data),
 * the general registers, RIP, RFLAGS, control registers (CR2: the
 * faulting address), EFER, segments, GDT/IDT and any pending exception,
 * on stderr.
 */
void dump_vcpu(struct vcpu *v, const char *what);

/* ==================================================================== */
/* Is this KVM usable? (probe.c, assess.c)                              */
/* ==================================================================== */

struct probe_result {
	bool ok;
	char why[320];	  /* when !ok: what went wrong, in words */
	uint32_t tsc_khz; /* probe_run only: from the probe vCPU, 0 when unknown */
};

#define PROBE_TIMEOUT_MS 500
#define PROBE_AREA_END 0x8000ull /* the probe uses guest RAM below this */
_Static_assert(PROBE_AREA_END >= BOOT_AREA_END, "kernels load above probe and boot area");

/*
 * probe_vcpu - run a few bytes of 64-bit kernel code on @v that raise
 * `int $0x30`, #UD and #PF and report each from its IDT handler through
 * an I/O port; all three must arrive within PROBE_TIMEOUT_MS.
 * @v:  a vCPU with its CPUID set and never run with other code (or whose
 *      state the caller will replace anyway).
 * @m:  the VM's RAM at guest physical 0, at least PROBE_AREA_END bytes;
 *      [0, PROBE_AREA_END) is overwritten and left zeroed.
 * Afterwards the vCPU's registers are the probe's: set the real entry
 * state before running anything else.
 * Returns 0 with @r filled (r->ok false, r->why set, when this KVM
 * misbehaved), or -errno when the probe could not be set up (printed).
 * A KVM_RUN that ignores the timeout kick ends the process with
 * SHOJI_STATUS_NO_KVM.
 */
int probe_vcpu(struct vcpu *v, const struct guest_mem *m, struct probe_result *r);

/* probe_run - probe_vcpu on a VM of its own (for `shoji info`), with the
 * same platform and CPUID as `shoji run` gives the kernel.  0 or -errno. */
int probe_run(int kvm_fd, struct probe_result *r);

/* The capabilities shoji checks, with why it wants each. */
struct kvm_cap_desc {
	long cap;
	const char *name;
	bool required;
	const char *use;
};
extern const struct kvm_cap_desc kvm_caps[];
extern const unsigned kvm_ncaps;

#define ASSESS_MAX_PROBLEMS 16

struct kvm_assessment {
	int api;
	bool has[32]; /* by index into kvm_caps */
	bool required_ok;
	bool cpuid_ok;
	char vendor[13];
	bool pku, pkru_xsave;
	struct probe_result probe;
	bool probe_ran;
	unsigned nproblems;
	char problem[ASSESS_MAX_PROBLEMS][400]; /* each a sentence */
};

/* The advice printed after the problems. */
#define ASSESS_ADVICE                                                                              \
	"run shoji on hardware KVM (Intel VT-x or AMD-V on a CPU with PKU), or inside the "        \
	"emulated-KVM rig: tools/kvm-rig"

/*
 * kvm_assess - the checks that need no guest: the required capabilities
 * (a->required_ok false when one is missing: then create no VM) and PKU
 * in KVM_GET_SUPPORTED_CPUID.  Fills @a, adding a problem sentence for
 * each failed check.
 */
void kvm_assess(int kvm_fd, struct kvm_assessment *a);

/* kvm_assess_probe - record a probe's outcome in @a: @rc is what
 * probe_vcpu or probe_run returned, a->probe what it filled. */
void kvm_assess_probe(struct kvm_assessment *a, int rc);

/* kvm_assess_report - each problem, then ASSESS_ADVICE, on stderr. */
void kvm_assess_report(const struct kvm_assessment *a);

/* ==================================================================== */
/* Commands (boot.c, info.c)                                            */
/* ==================================================================== */

/* cmd_run - `shoji run ...`: the boot sequence.  Returns the exit status. */
int cmd_run(int argc, char **argv);

/* cmd_info - `shoji info`: KVM, capabilities, PKU, probe, verdict.
 * Returns 0 when this KVM can run shoji guests, SHOJI_STATUS_NO_KVM when
 * not. */
int cmd_info(int argc, char **argv);

#endif
