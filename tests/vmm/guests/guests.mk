# tests/vmm/guests/: the hostile PVH guests shoji's checks run (tests/vmm/checks/hostile-*.check),
# one ELF per behaviour of tests/vmm/guests/hostile.S, in build/vmm-guests/.

VMM_GUESTS_DIR := $(BUILD)/vmm-guests
# NAME:DEFINE pairs: build/vmm-guests/NAME.elf is hostile.S built with -DDEFINE.
VMM_GUESTS := \
	exit-0:GUEST_EXIT_BYTE=0 \
	exit-3:GUEST_EXIT_BYTE=3 \
	exit-4:GUEST_EXIT_BYTE=4 \
	exit-124:GUEST_EXIT_BYTE=124 \
	exit-255:GUEST_EXIT_BYTE=255 \
	exit-word-0x100:GUEST_EXIT_WORD=0x100 \
	exit-long-0:GUEST_EXIT_LONG=0 \
	exit-port-0xf5:GUEST_EXIT_PORT=0xf5 \
	mmio:GUEST_MMIO \
	triple-fault:GUEST_TRIPLE_FAULT \
	real-mode:GUEST_REAL_MODE \
	fill-ram:GUEST_FILL_RAM \
	not-json:GUEST_NOT_JSON \
	bad-flood:GUEST_BAD_FLOOD \
	overlong:GUEST_OVERLONG \
	flood:GUEST_FLOOD \
	panic-text:GUEST_PANIC_TEXT \
	panic-text-linux:GUEST_PANIC_TEXT_LINUX \
	hvcon:GUEST_HVCON \
	hvcon-wrap:GUEST_HVCON_WRAP \
	hvcon-outside:GUEST_HVCON_OUTSIDE \
	hvcon-huge:GUEST_HVCON_HUGE \
	hvcon-byte:GUEST_HVCON_BYTE \
	hvcon-rep:GUEST_HVCON_REP \
	halt:GUEST_HALT \
	halt-linux:GUEST_HALT_LINUX \
	halt-sti:GUEST_HALT_STI \
	halt-nmi:GUEST_HALT_NMI \
	reset:GUEST_RESET \
	reset-linux:GUEST_RESET_LINUX \
	ap-exit:GUEST_AP_EXIT \
	ap-triple-fault:GUEST_AP_TRIPLE_FAULT \
	panic-slow-linux:GUEST_PANIC_SLOW_LINUX \
	hammer:GUEST_HAMMER \
	ap-spin:GUEST_AP_SPIN
VMM_GUEST_ELFS := $(foreach g,$(VMM_GUESTS),$(VMM_GUESTS_DIR)/$(firstword $(subst :, ,$(g))).elf)

define vmm_guest_rule
$(VMM_GUESTS_DIR)/$(1).elf: tests/vmm/guests/hostile.S tests/vmm/guests/guest.ld
	$$(call say,GUEST,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOST_CC) -c -D$(2) -o $$@.o tests/vmm/guests/hostile.S
	$$(Q)ld -m elf_x86_64 -nostdlib --build-id=none -z noexecstack -z max-page-size=4096 --no-warn-rwx-segments \
		-T tests/vmm/guests/guest.ld -o $$@ $$@.o
	@rm -f $$@.o
endef
$(foreach g,$(VMM_GUESTS),$(eval $(call vmm_guest_rule,$(firstword $(subst :, ,$(g))),$(lastword $(subst :, ,$(g))))))

all: $(VMM_GUEST_ELFS)
