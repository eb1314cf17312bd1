/* Interface of vmm/kvm_vm.c: KVM set-up: /dev/kvm, capabilities, supported CPUID, the VM. */
#ifndef SHOJI_VMM_KVM_VM_H
#define SHOJI_VMM_KVM_VM_H

#include <stdbool.h>

#include "cpuid.h"
#include "guest_mem.h"

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

/* kvm_max_vcpus - how many vCPUs one VM may have: KVM_CAP_MAX_VCPUS,
 * else KVM_CAP_NR_VCPUS, else 4 (Documentation/virt/kvm/api.rst,
 * KVM_CREATE_VCPU); *@recommended gets KVM_CAP_NR_VCPUS (the same
 * fallbacks), the most KVM advises for good performance. */
unsigned kvm_max_vcpus(int kvm_fd, unsigned *recommended);

/* kvm_supported_cpuid - KVM_GET_SUPPORTED_CPUID into @t: t->head.nent
 * entries are KVM's, the ones after them are left as they were.  0 or
 * -errno. */
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

/* vm_irq_line - KVM_IRQ_LINE: set ISA interrupt line @irq (0..15) of the
 * in-kernel PICs and IOAPIC to @level.  Safe from any thread (KVM
 * serialises it).  0, or -errno with "KVM_IRQ_LINE: ..." printed. */
int vm_irq_line(int vm_fd, unsigned irq, bool level);

#endif
