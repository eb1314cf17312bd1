# bench/tlbmodel/: the TLB model (tlbmodel.h), a host library for the
# emulated runs' TLB counts; tests/unit/test_tlbmodel.c checks it.
UNIT_TESTS += test_tlbmodel
test_tlbmodel_SRCS := bench/tlbmodel/tlbmodel.c
