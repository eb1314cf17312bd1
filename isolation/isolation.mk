# isolation/: protection-key code shared by the kernel and host tools.
ISOLATION_SRCS := isolation/keys.c isolation/scan.c isolation/x86_decode.c isolation/verify.c isolation/cfi_patch.c \
	isolation/byte_find.c

UNIT_TESTS += test_scan test_keys test_verify test_nop_squash test_decode_diff test_byte_find
test_scan_SRCS := isolation/scan.c isolation/byte_find.c
test_keys_SRCS := isolation/keys.c
test_byte_find_SRCS := isolation/byte_find.c isolation/cfi_patch.c
test_verify_SRCS := isolation/verify.c isolation/x86_decode.c
# Host tools only (tools/task-seal.c), not the kernel.
test_nop_squash_SRCS := isolation/nop_squash.c isolation/x86_decode.c
# x86_decode() against Zydis (tests/fuzz/decode_diff.h): 10^6 sequences here,
# 10^7 in make fuzz.
DECODE_DIFF_SRCS := isolation/x86_decode.c tests/fuzz/decode_gen.c tests/fuzz/decode_oracle.c \
	tests/fuzz/decode_run.c
test_decode_diff_SRCS := $(DECODE_DIFF_SRCS)
test_decode_diff_LIBS := -lZydis
