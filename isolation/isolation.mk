# isolation/: protection-key code shared by the kernel and host tools.
ISOLATION_SRCS := isolation/keys.c isolation/scan.c

UNIT_TESTS += test_scan test_keys
test_scan_SRCS := isolation/scan.c
test_keys_SRCS := isolation/keys.c
