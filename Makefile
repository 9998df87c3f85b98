# SPDX-License-Identifier: GPL-2.0
#
# gogrowth: `make` builds the module, the tool and the selftests;
# `make check` runs the selftests in a QEMU guest; `make demo` shows it work.
# See README.md.

# Debian kernel series of the guest for check/demo/bench: 6.1 (bookworm),
# 6.12 (trixie), 7.3 (trixie-backports) or 7 (the newest 7.x Debian ships).
KVER ?= 6.1
# Accelerator for the guest: tcg (default), kvm, or auto (kvm if a short probe boots).
ACCEL ?= tcg
export ACCEL

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# The project's version: dkms.conf's PACKAGE_VERSION is the one place it is set.
VERSION := $(shell sed -En 's/^PACKAGE_VERSION="?([^"]*)"?$$/\1/p' $(TOP)/dkms.conf)
# Downloads and guest builds live outside the tree (scripts/lib.sh agrees).
CACHE := $(or $(GOGROWTH_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/gogrowth)

# The running kernel's headers when it has them; otherwise the newest
# Debian headers of $(KVER) installed here (the guest's, after `make check`).
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-$(KVER).*-amd64 2>/dev/null | sort -V | tail -n 1))

# kselftest_harness.h and lib.mk come from the linux-source package,
# unpacked into the cache by scripts/install-deps.sh or scripts/ksft-tree.sh.
KSFT_DIR ?= $(CACHE)/source/$(KVER)/tools/testing/selftests
SELFTEST_OUT ?= $(TOP)/selftests/gogrowth/build

.PHONY: all module userspace selftests check check-debug check-all demo findings claims bench lint deps clean distclean help \
	dkms-install dkms-remove dkms-check

all: module userspace selftests

module:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || { \
	  echo "gogrowth: no kernel build tree: install linux-headers-$$(uname -r), or pass KDIR=/path/to/build"; \
	  echo "gogrowth: ('make check' installs and uses the guest kernel's headers by itself)"; exit 1; }
	@echo "gogrowth: building the module against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 modules

userspace:
	@if [ -e userspace/Makefile ]; then $(MAKE) -C userspace; \
	else echo "gogrowth: userspace tool not written yet"; fi

selftests:
	@test -e "$(KSFT_DIR)/kselftest_harness.h" || $(TOP)/scripts/ksft-tree.sh $(KVER) >/dev/null || { \
	  echo "gogrowth: selftests need the kselftest tree of linux-source-$(KVER): apt-get install linux-source-$(KVER), or pass KSFT_DIR="; exit 1; }
	@mkdir -p $(SELFTEST_OUT)
	$(MAKE) -C selftests/gogrowth KSFT_DIR=$(KSFT_DIR) OUTPUT=$(SELFTEST_OUT)

# Everything below installs what it needs and runs in the guest.
check:
	$(TOP)/scripts/check.sh $(KVER)

# The same suite in a debug kernel (lockdep, KASAN, ...) built from
# linux-source-$(KVER), once and cached; not in CI (see Documentation/check-debug.md).
check-debug:
	$(TOP)/scripts/check-debug.sh $(KVER)

# What CI runs (.ci/run): lint, dkms and the selftests on 6.1, 6.12 and 7, and more.
check-all:
	$(TOP)/scripts/check-all.sh

demo:
	$(TOP)/scripts/demo.sh $(KVER)

# Documentation/findings.md's figures, measured anew in the guest.
findings:
	$(TOP)/scripts/findings.sh $(KVER)

# Documentation/claims.md's evidence, measured again: each claim supported or not.
claims:
	$(TOP)/scripts/claims.sh $(KVER)

bench:
	$(TOP)/scripts/bench.sh $(KVER)

deps:
	$(TOP)/scripts/install-deps.sh $(KVER)

lint:
	$(TOP)/scripts/lint.sh $(KVER)

clean:
	-test -z "$(KDIR)" || ! test -d "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(SELFTEST_OUT)
	@if [ -e userspace/Makefile ]; then $(MAKE) -C userspace clean; fi

# On a real machine: register this checkout with dkms (copied to
# /usr/src/gogrowth-$(VERSION)), build and install it for the running kernel
# (and, with AUTOINSTALL, for every kernel installed later). Needs dkms and
# the running kernel's headers.
dkms-install:
	@command -v dkms >/dev/null || { echo "gogrowth: dkms-install needs dkms: apt-get install dkms"; exit 1; }
	-dkms remove -m gogrowth -v $(VERSION) --all >/dev/null 2>&1
	rm -rf /usr/src/gogrowth-$(VERSION)
	dkms add $(TOP)
	dkms build -m gogrowth -v $(VERSION)
	dkms install -m gogrowth -v $(VERSION)

dkms-remove:
	dkms remove -m gogrowth -v $(VERSION) --all
	rm -rf /usr/src/gogrowth-$(VERSION)

# CI's proof of dkms.conf: dkms build against every covered kernel's headers,
# in a private dkms tree (the machine's is left alone).
dkms-check:
	$(TOP)/scripts/dkms-check.sh "$(or $(KVERS),$(KVER))"

# Also removes the cache: downloaded kernels, unpacked sources, guest builds,
# logs and the trixie chroot (nothing is ever left mounted in it: its mounts
# live in private mount namespaces; a mount found there stops the removal).
distclean: clean
	@if findmnt -rn -o TARGET | grep -q "^$(CACHE)/"; then \
	  echo "gogrowth: something is mounted under $(CACHE): not removing it"; \
	  findmnt -rn -o TARGET | grep "^$(CACHE)/"; exit 1; fi
	rm -rf $(CACHE)

help:
	@echo "make [KDIR=...]        build module/gogrowth.ko, the tool and the selftests"
	@echo "make check [KVER=7]    run the selftests in a QEMU guest of Debian's 6.1, 6.12, 7.3 or 7"
	@echo "make check-debug       the selftests in a debug kernel: lockdep, KASAN, ... (builds it once)"
	@echo "make check-all         everything CI runs: lint, dkms and check on 6.1, 6.12 and 7, runner self-test"
	@echo "make demo [KVER=6.12]  record Go programs growing a slice and maps in the guest, plot them here"
	@echo "make bench             overhead against ftrace, in the guest"
	@echo "make lint              checkpatch --strict and sparse on the module"
	@echo "make dkms-install      build and install the module with dkms (make dkms-remove undoes it)"
	@echo "make distclean         also remove the cache ($(CACHE))"
