/* KVM system and VM set-up: /dev/kvm, capabilities, supported CPUID, the VM and its platform. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "cpuid.h"
#include "guest_mem.h"
#include "kvm_assess.h"
#include "kvm_vm.h"

int kvm_ioctl_failed(const char *name)
{
	int e = errno;
	fprintf(stderr, "shoji: %s: %s\n", name, strerror(e));
	return -e;
}

int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			fprintf(stderr, "shoji: /dev/kvm: %s: this host has no KVM; %s\n",
				strerror(e), ASSESS_ADVICE);
		else if (e == EACCES)
			fprintf(stderr,
				"shoji: /dev/kvm: %s: add yourself to the group that owns it "
				"(usually kvm)\n",
				strerror(e));
		else
			fprintf(stderr, "shoji: /dev/kvm: %s\n", strerror(e));
		return -e;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api < 0) {
		int rc = kvm_ioctl_failed("KVM_GET_API_VERSION");
		close(fd);
		return rc;
	}
	if (api != KVM_API_VERSION) {
		fprintf(stderr, "shoji: KVM_GET_API_VERSION: %d, shoji needs %d\n", api,
			KVM_API_VERSION);
		close(fd);
		return -EPROTO;
	}
	return fd;
}

int kvm_has(int kvm_fd, long cap)
{
	int r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, cap);
	return r < 0 ? 0 : r;
}

unsigned kvm_max_vcpus(int kvm_fd, unsigned *recommended)
{
	int nr = kvm_has(kvm_fd, KVM_CAP_NR_VCPUS);
	int max = kvm_has(kvm_fd, KVM_CAP_MAX_VCPUS);
	*recommended = nr > 0 ? (unsigned)nr : 4;
	return max > 0 ? (unsigned)max : *recommended;
}

int kvm_supported_cpuid(int kvm_fd, struct cpuid_table *t)
{
	/* KVM fills head.nent entries; the rest are never read (cpuid_add
	 * writes an entry whole), so 10 KiB of them are not zeroed. */
	memset(&t->head, 0, sizeof(t->head));
	t->head.nent = CPUID_MAX_ENTRIES;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, &t->head) < 0)
		return kvm_ioctl_failed("KVM_GET_SUPPORTED_CPUID");
	return 0;
}

int vm_create(int kvm_fd, bool platform)
{
	int rc;
	int vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		return kvm_ioctl_failed("KVM_CREATE_VM");
	if (!platform)
		return vm;

	/* VT-x runs real mode through vm86 and needs these pages (Intel
	 * only; harmless elsewhere); both sit in the hole above RAM. */
	if (kvm_has(kvm_fd, KVM_CAP_SET_TSS_ADDR) && ioctl(vm, KVM_SET_TSS_ADDR, VMM_TSS_GPA) < 0) {
		rc = kvm_ioctl_failed("KVM_SET_TSS_ADDR");
		goto fail;
	}
	uint64_t idmap = VMM_IDENTITY_MAP_GPA;
	if (kvm_has(kvm_fd, KVM_CAP_SET_IDENTITY_MAP_ADDR) &&
	    ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0) {
		rc = kvm_ioctl_failed("KVM_SET_IDENTITY_MAP_ADDR");
		goto fail;
	}
	/* Local APIC (timer), IOAPIC and PICs in the kernel: no exits for them. */
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0) {
		rc = kvm_ioctl_failed("KVM_CREATE_IRQCHIP");
		goto fail;
	}
	/* The PIT, with port 0x61 (its channel 2 gate and output) in the
	 * kernel too: the guest calibrates the TSC with it when CPUID does
	 * not give the frequency. */
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
	if (ioctl(vm, KVM_CREATE_PIT2, &pit) < 0) {
		rc = kvm_ioctl_failed("KVM_CREATE_PIT2");
		goto fail;
	}
	return vm;
fail:
	close(vm);
	return rc;
}

int vm_set_memory(int vm_fd, unsigned slot, const struct guest_mem *m)
{
	struct kvm_userspace_memory_region r = {
	    .slot = slot,
	    .guest_phys_addr = 0,
	    .memory_size = m->size,
	    .userspace_addr = (uint64_t)(uintptr_t)m->host,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return kvm_ioctl_failed("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

int vm_irq_line(int vm_fd, unsigned irq, bool level)
{
	struct kvm_irq_level l = {.irq = irq, .level = level};
	if (ioctl(vm_fd, KVM_IRQ_LINE, &l) < 0)
		return kvm_ioctl_failed("KVM_IRQ_LINE");
	return 0;
}
