/* The probe guest: can this KVM deliver interrupts and exceptions in 64-bit kernel mode? */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "cpuid.h"
#include "dump.h"
#include "guest_mem.h"
#include "kvm_assess.h"
#include "kvm_vm.h"
#include "probe.h"
#include "vcpu.h"
#include "vmm.h"
#include "watchdog.h"

/*
 * A few bytes of 64-bit kernel code, run on the machine's own vCPU before
 * the kernel starts (or on a throwaway VM for `shoji info`), put straight
 * into long mode through KVM_SET_SREGS:
 *
 *  0x1000  main:  int $0x30; ud2; movb %al, 0x40000000 (unmapped: #PF)
 *  0x1100  vector 0x30: out 'I'; iretq
 *  0x1200  vector 6 (#UD): out 'U'; skip the ud2; iretq
 *  0x1300  vector 14 (#PF): out 'P'; hlt
 *  0x1400  any other vector: out 'X'; hlt
 *  0x2000  IDT, 256 16-byte gates      0x3000  GDT
 *  0x4000  PML4, 0x5000 PDPT, 0x6000 PD: the first 2 MiB, identity-mapped
 *  0x8000  stack top (PROBE_AREA_END)
 * Expected exits: I/O 'I', 'U', 'P'; interrupts stay off throughout.
 * The machines this project develops on have a KVM that fails `int` in
 * kernel mode with an emulation error: the first step catches it.
 */
#define PROBE_PORT 0xe9
#define P_MAIN 0x1000
#define P_INT30 0x1100
#define P_UD 0x1200
#define P_PF 0x1300
#define P_OTHER 0x1400
#define P_IDT 0x2000
#define P_GDT 0x3000
#define P_PML4 0x4000
#define P_PDPT 0x5000
#define P_PD 0x6000
#define P_STACK 0x8000

static const uint8_t code_main[] = {
    0xcd, 0x30,				      /* int $0x30 */
    0x0f, 0x0b,				      /* ud2 */
    0x88, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40, /* mov %al, 0x40000000 */
    0xf4, 0xeb, 0xfd,			      /* 1: hlt; jmp 1b */
};
static const uint8_t code_int30[] = {0xb0, 'I', 0xe6, PROBE_PORT, 0x48, 0xcf}; /* iretq */
static const uint8_t code_ud[] = {
    0xb0, 'U',	0xe6, PROBE_PORT, 0x48, 0x83, 0x04, 0x24, 0x02, /* addq $2, (%rsp) */
    0x48, 0xcf,
};
static const uint8_t code_pf[] = {0xb0, 'P', 0xe6, PROBE_PORT, 0xf4, 0xeb, 0xfd};
static const uint8_t code_other[] = {0xb0, 'X', 0xe6, PROBE_PORT, 0xf4, 0xeb, 0xfd};

static const struct {
	char port_byte;
	const char *step;
} expected[] = {
    {'I', "`int $0x30`, its handler and iretq"},
    {'U', "a #UD exception (ud2), its handler and iretq"},
    {'P', "a #PF exception (write to an unmapped page) and its handler"},
};

/* A 64-bit interrupt gate, DPL 0, selector 0x08 (SDM Vol. 3A 6.14.1). */
static void set_gate(uint8_t *idt, unsigned vec, uint64_t handler)
{
	uint64_t lo = (handler & 0xffff) | (0x08ull << 16) | (0x8eull << 40) |
		      ((handler >> 16 & 0xffff) << 48);
	uint64_t hi = handler >> 32;
	memcpy(idt + vec * 16, &lo, 8);
	memcpy(idt + vec * 16 + 8, &hi, 8);
}

static void build_guest(const struct guest_mem *m)
{
	memcpy(guest_ptr(m, P_MAIN, sizeof(code_main)), code_main, sizeof(code_main));
	memcpy(guest_ptr(m, P_INT30, sizeof(code_int30)), code_int30, sizeof(code_int30));
	memcpy(guest_ptr(m, P_UD, sizeof(code_ud)), code_ud, sizeof(code_ud));
	memcpy(guest_ptr(m, P_PF, sizeof(code_pf)), code_pf, sizeof(code_pf));
	memcpy(guest_ptr(m, P_OTHER, sizeof(code_other)), code_other, sizeof(code_other));
	uint8_t *idt = guest_ptr(m, P_IDT, 256 * 16);
	for (unsigned v = 0; v < 256; v++)
		set_gate(idt, v, v == 0x30 ? P_INT30 : v == 6 ? P_UD : v == 14 ? P_PF : P_OTHER);
	uint64_t gdt[3] = {0, 0x00af9a000000ffffull, 0x00cf92000000ffffull};
	memcpy(guest_ptr(m, P_GDT, sizeof(gdt)), gdt, sizeof(gdt));
	uint64_t e;
	e = P_PDPT | 3; /* present, writable */
	memcpy(guest_ptr(m, P_PML4, 8), &e, 8);
	e = P_PD | 3;
	memcpy(guest_ptr(m, P_PDPT, 8), &e, 8);
	e = 0x83; /* a 2 MiB page at 0 */
	memcpy(guest_ptr(m, P_PD, 8), &e, 8);
}

static int enter_long_mode(struct vcpu *v)
{
	struct kvm_sregs s;
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return kvm_ioctl_failed("KVM_GET_SREGS");
	s.cs = vcpu_flat_segment(0x08, 0xb, false, true);
	s.ds = vcpu_flat_segment(0x10, 0x3, true, false);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct kvm_segment){.limit = 0x67, .type = 0xb, .present = 1};
	s.ldt = (struct kvm_segment){.type = 2, .unusable = 1};
	s.gdt = (struct kvm_dtable){.base = P_GDT, .limit = 3 * 8 - 1};
	s.idt = (struct kvm_dtable){.base = P_IDT, .limit = 256 * 16 - 1};
	s.cr3 = P_PML4;
	s.cr4 = 1u << 5;			    /* PAE */
	s.cr0 = (1u << 31) | (1u << 4) | (1u << 0); /* PG, ET, PE */
	s.efer = (1u << 8) | (1u << 10);	    /* LME, LMA */
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return kvm_ioctl_failed("KVM_SET_SREGS");
	struct kvm_regs r = {.rip = P_MAIN, .rsp = P_STACK, .rflags = 2};
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return kvm_ioctl_failed("KVM_SET_REGS");
	return 0;
}

/* Describes an exit that is not the one expected at step @i. */
static void explain(struct probe_result *r, unsigned i, const struct kvm_run *run, uint64_t rip)
{
	char got[160];
	uint32_t reason = run->exit_reason;
	if (reason == KVM_EXIT_INTERNAL_ERROR)
		snprintf(got, sizeof(got), "KVM_EXIT_INTERNAL_ERROR, suberror %u%s",
			 run->internal.suberror,
			 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
			     ? " (instruction emulation failed)"
			     : "");
	else if (reason == KVM_EXIT_IO)
		snprintf(got, sizeof(got), "an I/O exit on port %#x", run->io.port);
	else
		snprintf(got, sizeof(got), "%s", exit_reason_name(reason));
	snprintf(r->why, sizeof(r->why),
		 "this KVM cannot deliver exceptions to the guest (%s in 64-bit kernel mode ended "
		 "in %s at RIP %#llx)",
		 expected[i].step, got, (unsigned long long)rip);
}

/* Completes the last OUT without running guest code, so that the caller
 * may set fresh registers (Documentation/virt/kvm/api.rst, immediate_exit).
 * Called with the watchdog armed: a KVM without KVM_CAP_IMMEDIATE_EXIT
 * would run on into the handler's hlt, and the kick gets it back. */
static void settle(struct vcpu *v)
{
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	ioctl(v->fd, KVM_RUN, 0); /* -EINTR, having finished the pending I/O */
	__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
}

/* Runs the probe vCPU through the expected exits. */
static int drive(struct vcpu *v, struct probe_result *r)
{
	struct watchdog wd = {0};
	struct kvm_regs regs;
	static const char hang[] = "shoji: the probe guest's KVM_RUN did not return when kicked: "
				   "this KVM cannot run shoji guests; " ASSESS_ADVICE "\n";
	int rc = watchdog_start(&wd, v->run, PROBE_TIMEOUT_MS, hang, SHOJI_STATUS_NO_KVM);
	if (rc)
		return rc;
	r->ok = false;
	for (unsigned i = 0; i < sizeof(expected) / sizeof(expected[0]);) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				snprintf(r->why, sizeof(r->why), "KVM_RUN on the probe guest: %s",
					 strerror(errno));
				break;
			}
			if (!watchdog_fired(&wd))
				continue;
			watchdog_ack(&wd);
			snprintf(r->why, sizeof(r->why),
				 "this KVM cannot deliver exceptions to the guest (no exit within "
				 "%d ms while waiting for %s in 64-bit kernel mode)",
				 PROBE_TIMEOUT_MS, expected[i].step);
			break;
		}
		const struct kvm_run *run = v->run;
		bool match =
		    run->exit_reason == KVM_EXIT_IO && run->io.port == PROBE_PORT &&
		    run->io.direction == KVM_EXIT_IO_OUT &&
		    *((const uint8_t *)run + run->io.data_offset) == (uint8_t)expected[i].port_byte;
		if (!match) {
			regs.rip = 0;
			ioctl(v->fd, KVM_GET_REGS, &regs);
			explain(r, i, run, regs.rip);
			break;
		}
		if (++i == sizeof(expected) / sizeof(expected[0]))
			r->ok = true;
	}
	settle(v);
	watchdog_stop(&wd);
	return 0;
}

int probe_vcpu(struct vcpu *v, struct guest_mem *m, struct probe_result *r)
{
	uint8_t *area = guest_ptr(m, 0, PROBE_AREA_END);
	if (!area)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	if (!guest_mem_is_zero(m, 0, PROBE_AREA_END)) /* fresh RAM is zero already */
		memset(area, 0, PROBE_AREA_END);
	guest_mem_written(m, 0, PROBE_AREA_END);
	build_guest(m);
	int rc = enter_long_mode(v);
	if (!rc)
		rc = drive(v, r);
	memset(area, 0, PROBE_AREA_END);
	return rc;
}

int probe_run(int kvm_fd, struct probe_result *r)
{
	static uint8_t ram[0x10000] __attribute__((aligned(4096)));
	struct guest_mem m;
	struct vcpu v = {.fd = -1};
	int rc;

	struct cpuid_table *cpuid = malloc(sizeof(*cpuid));
	if (!cpuid)
		return -ENOMEM;
	guest_mem_wrap(&m, ram, sizeof(ram));
	int vm = vm_create(kvm_fd, true);
	if (vm < 0) {
		free(cpuid);
		return vm;
	}
	if ((rc = vm_set_memory(vm, 0, &m)) || (rc = vcpu_create(kvm_fd, vm, 0, &v)))
		goto out;
	/* The guest's CPUID, as the kernel will have it (long mode needs LM). */
	if ((rc = kvm_supported_cpuid(kvm_fd, cpuid)) ||
	    (rc = cpuid_prepare(cpuid, vcpu_tsc_khz(&v), false)) ||
	    (rc = vcpu_set_cpuid(&v, cpuid)))
		goto out;
	rc = probe_vcpu(&v, &m, r);
	r->tsc_khz = vcpu_tsc_khz(&v);
out:
	vcpu_destroy(&v);
	close(vm);
	free(cpuid);
	return rc;
}
