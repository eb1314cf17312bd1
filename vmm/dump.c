/* Register dumps: the last VM exit, general and special registers, pending events. */
#include <stdio.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "dump.h"
#include "kvm_vm.h"
#include "vcpu.h"

#define NAME(x) [KVM_EXIT_##x] = "KVM_EXIT_" #x
static const char *const exit_names[] = {
    NAME(UNKNOWN),
    NAME(EXCEPTION),
    NAME(IO),
    NAME(HYPERCALL),
    NAME(DEBUG),
    NAME(HLT),
    NAME(MMIO),
    NAME(IRQ_WINDOW_OPEN),
    NAME(SHUTDOWN),
    NAME(FAIL_ENTRY),
    NAME(INTR),
    NAME(SET_TPR),
    NAME(TPR_ACCESS),
    NAME(NMI),
    NAME(INTERNAL_ERROR),
    NAME(WATCHDOG),
    NAME(EPR),
    NAME(SYSTEM_EVENT),
    NAME(IOAPIC_EOI),
    NAME(HYPERV),
    NAME(X86_RDMSR),
    NAME(X86_WRMSR),
    NAME(DIRTY_RING_FULL),
    NAME(AP_RESET_HOLD),
    NAME(X86_BUS_LOCK),
};
#undef NAME

/* KVM_INTERNAL_ERROR_* (Documentation/virt/kvm/api.rst, kvm_run.internal). */
static const char *const internal_names[] = {
    [KVM_INTERNAL_ERROR_EMULATION] = "instruction emulation failed",
    [KVM_INTERNAL_ERROR_SIMUL_EX] = "exception while delivering an exception",
    [KVM_INTERNAL_ERROR_DELIVERY_EV] = "event delivery failed (fault on the IDT, GDT or stack)",
    [KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "unexpected hardware exit reason",
};

const char *exit_reason_name(uint32_t reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "unknown";
}

static void dump_exit(const struct kvm_run *run)
{
	uint32_t r = run->exit_reason;
	fprintf(stderr, "  last exit: %s (%u)\n", exit_reason_name(r), r);
	if (r == KVM_EXIT_IO) {
		fprintf(stderr, "    %s port %#x, %u bytes x %u\n",
			run->io.direction == KVM_EXIT_IO_OUT ? "out to" : "in from", run->io.port,
			run->io.size, run->io.count);
	} else if (r == KVM_EXIT_MMIO) {
		fprintf(stderr, "    %s MMIO at %#llx, %u bytes (faulting address)\n",
			run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len);
	} else if (r == KVM_EXIT_FAIL_ENTRY) {
		fprintf(stderr, "    hardware entry failure reason %#llx on CPU %u\n",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			run->fail_entry.cpu);
	} else if (r == KVM_EXIT_INTERNAL_ERROR) {
		uint32_t s = run->internal.suberror;
		const char *n =
		    s < sizeof(internal_names) / sizeof(internal_names[0]) && internal_names[s]
			? internal_names[s]
			: "unknown";
		fprintf(stderr, "    suberror %u: %s; data:", s, n);
		for (uint32_t i = 0; i < run->internal.ndata && i < 16; i++)
			fprintf(stderr, " %#llx", (unsigned long long)run->internal.data[i]);
		fputc('\n', stderr);
	} else if (r == KVM_EXIT_SYSTEM_EVENT) {
		fprintf(stderr, "    system event type %u\n", run->system_event.type);
	}
}

static void dump_seg(const char *name, const struct kvm_segment *s)
{
	fprintf(
	    stderr, "  %-3s sel %04x base %016llx limit %08x type %x%s dpl %u db %u l %u g %u%s\n",
	    name, s->selector, (unsigned long long)s->base, s->limit, s->type,
	    s->s ? "" : " (system)", s->dpl, s->db, s->l, s->g, s->present ? "" : " not present");
}

void dump_vcpu(struct vcpu *v, const char *what)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_vcpu_events ev;

	fprintf(stderr, "shoji: %s\n", what);
	dump_exit(v->run);
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0) {
		kvm_ioctl_failed("KVM_GET_REGS");
	} else {
		fprintf(stderr, "  rip %016llx  rflags %016llx\n", (unsigned long long)r.rip,
			(unsigned long long)r.rflags);
		fprintf(stderr, "  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n",
			(unsigned long long)r.rax, (unsigned long long)r.rbx,
			(unsigned long long)r.rcx, (unsigned long long)r.rdx);
		fprintf(stderr, "  rsi %016llx  rdi %016llx  rbp %016llx  rsp %016llx\n",
			(unsigned long long)r.rsi, (unsigned long long)r.rdi,
			(unsigned long long)r.rbp, (unsigned long long)r.rsp);
		fprintf(stderr, "  r8  %016llx  r9  %016llx  r10 %016llx  r11 %016llx\n",
			(unsigned long long)r.r8, (unsigned long long)r.r9,
			(unsigned long long)r.r10, (unsigned long long)r.r11);
		fprintf(stderr, "  r12 %016llx  r13 %016llx  r14 %016llx  r15 %016llx\n",
			(unsigned long long)r.r12, (unsigned long long)r.r13,
			(unsigned long long)r.r14, (unsigned long long)r.r15);
	}
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		kvm_ioctl_failed("KVM_GET_SREGS");
	} else {
		fprintf(stderr, "  cr0 %016llx  cr2 %016llx (last page fault address)\n",
			(unsigned long long)s.cr0, (unsigned long long)s.cr2);
		fprintf(stderr, "  cr3 %016llx  cr4 %016llx  cr8 %llx\n", (unsigned long long)s.cr3,
			(unsigned long long)s.cr4, (unsigned long long)s.cr8);
		fprintf(stderr, "  efer %llx  apic_base %llx\n", (unsigned long long)s.efer,
			(unsigned long long)s.apic_base);
		dump_seg("cs", &s.cs);
		dump_seg("ss", &s.ss);
		dump_seg("ds", &s.ds);
		dump_seg("es", &s.es);
		dump_seg("fs", &s.fs);
		dump_seg("gs", &s.gs);
		dump_seg("tr", &s.tr);
		/* SVM's VMCB is undefined after a shutdown intercept: KVM resets
		 * the vCPU (arch/x86/kvm/svm/svm.c, shutdown_interception). */
		if (v->run->exit_reason == KVM_EXIT_SHUTDOWN && s.cs.base == 0xffff0000 &&
		    s.cs.selector == 0xf000)
			fprintf(stderr,
				"  (these are the reset state: KVM on AMD reinitialises the "
				"vCPU after a shutdown, the faulting state is lost)\n");
		fprintf(stderr, "  gdt %016llx/%04x  idt %016llx/%04x\n",
			(unsigned long long)s.gdt.base, s.gdt.limit, (unsigned long long)s.idt.base,
			s.idt.limit);
	}
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) == 0 &&
	    (ev.exception.injected || ev.exception.pending))
		fprintf(stderr, "  exception %u %s, error code %#x\n", ev.exception.nr,
			ev.exception.injected ? "being delivered" : "pending",
			ev.exception.has_error_code ? ev.exception.error_code : 0);
}
