# isolation/: protection-key code shared by the kernel and host tools.
ISOLATION_SRCS :=
