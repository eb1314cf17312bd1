/* The vCPU: creation, its kvm_run area, CPUID, and the PVH entry state. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "cpuid.h"
#include "kvm_vm.h"
#include "vcpu.h"
#include "vmm.h"

/* Segment selectors of the entry state: any GDT-like values do, the
 * kernel loads its own GDT before it reloads a segment register. */
#define ENTRY_SEL_CS 0x08
#define ENTRY_SEL_DS 0x10

/* Segment types (SDM Vol. 3A 3.4.5.1, Table 3-1; 3.5, Table 3-2). */
#define SEG_TYPE_DATA_RW_ACCESSED 0x3
#define SEG_TYPE_CODE_RX_ACCESSED 0xb
#define SEG_TYPE_TSS32_BUSY 0xb
#define SEG_TYPE_LDT 0x2

#define CR0_PE (1u << 0)
#define CR0_ET (1u << 4)
#define RFLAGS_RESERVED1 (1u << 1)

int vcpu_create(int kvm_fd, int vm_fd, unsigned id, struct vcpu *v)
{
	int rc;
	v->run = NULL;
	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0)
		return kvm_ioctl_failed("KVM_CREATE_VCPU");
	int size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		rc = size < 0 ? kvm_ioctl_failed("KVM_GET_VCPU_MMAP_SIZE") : -EPROTO;
		goto fail;
	}
	void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		fprintf(stderr, "shoji: mmap of the vCPU's kvm_run area: %s\n", strerror(errno));
		goto fail;
	}
	v->run = p;
	v->run_size = (size_t)size;
	return 0;
fail:
	close(v->fd);
	v->fd = -1;
	return rc;
}

int vcpu_waits_for_sipi(struct vcpu *v, unsigned id)
{
	struct kvm_mp_state mp;
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0)
		return kvm_ioctl_failed("KVM_GET_MP_STATE");
	if (mp.mp_state == KVM_MP_STATE_UNINITIALIZED)
		return 0;
	fprintf(stderr,
		"shoji: vCPU %u is in KVM MP state %u, not waiting for INIT and SIPI "
		"(KVM_MP_STATE_UNINITIALIZED)\n",
		id, mp.mp_state);
	return -EPROTO;
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd > 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

uint32_t vcpu_tsc_khz(struct vcpu *v)
{
	int khz = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);
	return khz > 0 ? (uint32_t)khz : 0;
}

int vcpu_set_cpuid(struct vcpu *v, struct cpuid_table *t)
{
	if (ioctl(v->fd, KVM_SET_CPUID2, &t->head) < 0)
		return kvm_ioctl_failed("KVM_SET_CPUID2");
	return 0;
}

struct kvm_segment vcpu_flat_segment(uint16_t selector, uint8_t type, bool db, bool l)
{
	return (struct kvm_segment){
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = selector,
	    .type = type,
	    .present = 1,
	    .dpl = 0,
	    .db = db,
	    .s = 1, /* code or data, not a system segment */
	    .l = l,
	    .g = 1, /* limit in 4 KiB units: 4 GiB */
	};
}

int vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, gpa_t start_info)
{
	struct kvm_sregs s;
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return kvm_ioctl_failed("KVM_GET_SREGS");

	/* Xen docs/misc/pvh.pandoc: CS a 32-bit read/execute segment, the
	 * data segments 32-bit read/write, base 0 and limit 4 GiB; TR a
	 * 32-bit TSS; CR0.PE set, paging off; CR4 clear. */
	s.cs = vcpu_flat_segment(ENTRY_SEL_CS, SEG_TYPE_CODE_RX_ACCESSED, true, false);
	s.ds = vcpu_flat_segment(ENTRY_SEL_DS, SEG_TYPE_DATA_RW_ACCESSED, true, false);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct kvm_segment){.limit = 0x67, .type = SEG_TYPE_TSS32_BUSY, .present = 1};
	s.ldt = (struct kvm_segment){.type = SEG_TYPE_LDT, .unusable = 1};
	s.cr0 = CR0_PE | CR0_ET;
	s.cr3 = 0;
	s.cr4 = 0;
	s.efer = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return kvm_ioctl_failed("KVM_SET_SREGS");

	struct kvm_regs r = {
	    .rip = entry,
	    .rflags = RFLAGS_RESERVED1, /* IF clear: interrupts off */
	    .rbx = start_info,
	};
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return kvm_ioctl_failed("KVM_SET_REGS");
	return 0;
}
