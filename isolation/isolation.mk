# isolation/: protection-key code shared by the kernel and host tools.
ISOLATION_SRCS := isolation/keys.c isolation/scan.c isolation/x86_decode.c isolation/verify.c isolation/cfi_patch.c

UNIT_TESTS += test_scan test_keys test_verify test_nop_squash
test_scan_SRCS := isolation/scan.c
test_keys_SRCS := isolation/keys.c
test_verify_SRCS := isolation/verify.c isolation/x86_decode.c
# Host tools only (tools/nop-squash.c), not the kernel.
test_nop_squash_SRCS := isolation/nop_squash.c isolation/x86_decode.c
