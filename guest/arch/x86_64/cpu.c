/* CPU feature detection and control-register set-up. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/pkru.h"
#include "core/kernel.h"

struct cpu_features cpu;

extern char syscall_entry[], syscall_entry_mp[];
bool entry_mp;

static void cpu_detect(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	__builtin_memcpy(cpu.vendor + 0, &r[1], 4);
	__builtin_memcpy(cpu.vendor + 4, &r[3], 4);
	__builtin_memcpy(cpu.vendor + 8, &r[2], 4);
	cpu.vendor[12] = 0;

	/* CPUID bit positions: SDM Vol. 2A, CPUID, Tables 3-10 and 3-8. */
	cpuid(1, 0, r);
	cpu.pcid = r[2] & BIT(17);
	cpu.tsc_deadline = r[2] & BIT(24);
	cpu.hypervisor = r[2] & BIT(31);
	if (max_leaf >= 7) {
		cpuid(7, 0, r);
		cpu.smep = r[1] & BIT(7);
		cpu.invpcid = r[1] & BIT(10);
		cpu.smap = r[1] & BIT(20);
		cpu.pku = r[2] & BIT(3);
	}
	cpuid(0x80000000, 0, r);
	uint32_t max_ext = r[0];
	/* AMD64 APM Vol. 3, CPUID Fn8000_0008 EBX[2] RstrFpErrPtrs: FXRSTOR
	 * restores FOP, FIP and FDP always; without it only when the saved
	 * FSW has an exception pending (Vol. 5, FXRSTOR), so the last task's
	 * x87 pointers would stay for the next (fpu.c). */
	if (!__builtin_memcmp(cpu.vendor, "AuthenticAMD", 12)) {
		r[1] = 0;
		if (max_ext >= 0x80000008)
			cpuid(0x80000008, 0, r);
		cpu.fxsave_leak = !(r[1] & BIT(2));
	}
	cpuid(0x80000001, 0, r);
	cpu.page1g = r[3] & BIT(26);
	cpu.rdtscp = r[3] & BIT(27);
	if (!(r[3] & BIT(20)))
		panic("CPU has no NX (execute-disable): task W^X cannot be enforced");
}

void cpu_setup(bool use_pcid)
{
	/* Tasks get x87/SSE state on first use (fpu.c): CR0.EM clear lets
	 * x87 and SSE run, CR0.MP makes WAIT/FWAIT honour TS too, and CR0.TS,
	 * set until a task has state, turns its first such instruction into
	 * #NM (SDM Vol. 3A 2.5, Table 2-2; 13.1 and 13.4).  NE reports x87
	 * errors as #MF, not through the legacy IRQ 13 (SDM Vol. 1 8.7).  The
	 * kernel itself never uses them (-mno-sse, Makefile). */
	uint64_t cr0 = read_cr0();
	cr0 |= CR0_WP | CR0_NE | CR0_MP | CR0_TS;
	cr0 &= ~CR0_EM;
	write_cr0(cr0);

	/* SMEP/SMAP: the kernel never runs or touches user pages through user
	 * addresses (uaccess.c goes through the physmap), so both are free. */
	uint64_t cr4 = read_cr4() | CR4_PGE;
	/* OSFXSR: SSE instructions run and FXSAVE/FXRSTOR include the XMM
	 * registers; OSXMMEXCPT: an unmasked SIMD exception raises #XM, not
	 * #UD (SDM Vol. 3A 2.5, 13.1.3, 13.1.4).  OSXSAVE stays clear: XSAVE,
	 * XRSTOR, XGETBV and AVX raise #UD, and no image the CPU restores can
	 * carry PKRU (fpu.c). */
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	/* PCE clear, whatever the loader left: RDPMC in ring 3 raises #GP
	 * (SDM Vol. 2B, RDPMC), so tasks read the vCPU's performance counters
	 * only through SYS_PMU (pmu.c, docs/security.md). */
	cr4 &= ~CR4_PCE;
	if (cpu.smep)
		cr4 |= CR4_SMEP;
	if (cpu.smap)
		cr4 |= CR4_SMAP;
	if (cpu.pku)
		cr4 |= CR4_PKE;
	if (use_pcid && cpu.pcid)
		cr4 |= CR4_PCIDE; /* CR3[11:0] is 0 here, as enabling requires */
	tlb_write_cr4(cr4);
}

void cpu_init(bool use_pcid)
{
	cpu_detect();
	cpu_setup(use_pcid);
	pkru_init();
	paging_enable_pcid(use_pcid && cpu.pcid);
}

void syscall_msr_init(void)
{
	/* STAR[47:32]: kernel CS (SS = CS + 8); STAR[63:48]: SYSRET base,
	 * user SS = base + 8, user CS = base + 16 (SDM Vol. 2B, SYSRET). */
	wrmsr(MSR_STAR, ((uint64_t)SEL_KERNEL_DS << 48) | ((uint64_t)SEL_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(entry_mp ? syscall_entry_mp : syscall_entry));
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT | RFLAGS_IOPL);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
}
