# tests/e2e: real kernels in 2-node QEMU guests (included by the top-level Makefile).
#   make e2e-initramfs   the guest initramfs (busybox-static + static numa_traffic + init)
#   make e2e             only the end-to-end check (tests/e2e/check-e2e.sh, TAP)
#   make e2e-dumps       real captures into $BTFWALK_CACHE/dumps/<tag>-<l4|l5>/ for development
#   make kernels         Debian kernels into $BTFWALK_CACHE/kernels/<tag>/
E2E_INITRD := build/e2e/initramfs.cpio.gz

$(E2E_INITRD): tests/e2e/numa_traffic.c tests/e2e/blobpages.c tests/e2e/init tests/e2e/mkinitramfs.sh \
	$(wildcard tests/e2e/probes/*.c)
	tests/e2e/mkinitramfs.sh $@

CHECK_DEPS += $(E2E_INITRD)

.PHONY: e2e e2e-initramfs e2e-dumps kernels
e2e-initramfs: $(E2E_INITRD)
kernels:
	fixtures/fetch-kernels.sh
e2e: all $(E2E_INITRD)
	ONLY=tests/e2e/ tests/run.sh
e2e-dumps: $(E2E_INITRD)
	tests/e2e/make-dumps.sh
