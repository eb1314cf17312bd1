# shoji-task.mk: make rules for building shoji task images with the SDK; include it from a task's Makefile.
#
#   SHOJI_SDK ?= /path/to/build/sdk
#   include $(SHOJI_SDK)/share/shoji-task.mk
#   all: server.elf client.elf
#   server.elf: server.c proto.h        # one image from its sources
#
# NAME.elf is built from NAME.c by default; list more sources (.c, .S)
# as prerequisites.  Headers may be prerequisites too: they are not passed
# on.  SHOJI_FLAGS go to every compile (-I, -D, -O, -W..., --no-fpu).
# `make clean` removes the images this Makefile names in SHOJI_IMAGES
# (default: every *.elf here).

# The including Makefile's `all` stays the default goal.
.DEFAULT_GOAL := all

SHOJI_CC := $(SHOJI_SDK)/bin/shoji-cc
SHOJI_FLAGS ?=
SHOJI_IMAGES ?= $(wildcard *.elf)

%.elf: %.c $(SHOJI_CC)
	$(SHOJI_CC) $(SHOJI_FLAGS) -o $@ $(filter %.c %.S %.o %.a,$^)

.PHONY: clean
clean:
	rm -f $(SHOJI_IMAGES)
