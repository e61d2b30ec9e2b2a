# Fuzzing: libFuzzer targets tests/fuzz/fuzz_*.c, each linked with the library sources built
# with the same sanitizers, into build-fuzz/. Entry points:
#   make fuzz-build   the targets, the tools and the seed corpora (build-fuzz/seeds/TARGET/)
#   make fuzz-all     (make fuzz) every target for FUZZ_SECONDS each, on one core, then a summary
#   FUZZ_TARGETS="btf_raw expr" narrows either; FUZZ_TIMEOUT (s), FUZZ_RSS_MB and FUZZ_MALLOC_MB
#   (largest single allocation, default 256) set what counts as a hang or a memory finding.
# tests/fuzz/check-fuzz.sh (make check) replays fixtures/regress/ and runs a short smoke pass
# (FUZZ_SMOKE_SECONDS, default 20 per target). A finding goes to fixtures/regress/TARGET/ with a
# name that says what it is; replay one with: build-fuzz/fuzz_TARGET FILE.
# Not gating: tests/compare/libbpf-malformed.sh (btfwalk vs libbpf and bpftool on the corpus).

FUZZ_CC ?= clang
FUZZ_BUILD := build-fuzz
FUZZ_SECONDS ?= 180
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(WARN) -Iinclude -Ibtf -Iwalker -Itests/fuzz -g -O1 -fno-omit-frame-pointer \
	$(FUZZ_SAN)
FUZZ_ALL_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL_TARGETS)
FUZZ_BINS := $(FUZZ_ALL_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_HELPER_SRC := $(filter-out tests/fuzz/fuzz_%.c,$(wildcard tests/fuzz/*.c))
FUZZ_HELPER_OBJ := $(FUZZ_HELPER_SRC:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/gen/embedded.o
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_SEED_SRC := $(wildcard fixtures/seeds/*.c fixtures/seeds/*.h fixtures/seeds/*.py \
	fixtures/seeds/*/*)
FUZZ_FIXTURE_BLOBS := $(wildcard fixtures/btf/*)

.PHONY: fuzz-build fuzz-all fuzz-seeds fuzz-check-build
fuzz-build: $(FUZZ_BINS) fuzz-seeds
fuzz-seeds: $(FUZZ_BUILD)/seeds/.done $(FUZZ_BUILD)/seeds/walker/kimage.bin \
	$(FUZZ_BUILD)/seeds/elfcore/qemu-one-load.core $(FUZZ_BUILD)/seeds/live/.done

# The library and the helpers get coverage instrumentation; only the targets get libFuzzer's main.
$(FUZZ_BUILD)/%.o: %.c $(HEADERS) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) $(FUZZ_HELPER_OBJ) \
		$(wildcard tests/fuzz/*.h)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_HELPER_OBJ) $(FUZZ_LIB_OBJ)

# The fixed BTFs the targets embed: gcc -g + pahole, as a kernel build makes them.
$(FUZZ_BUILD)/gen/%.btf: fixtures/seeds/%.c $(wildcard fixtures/seeds/*.h)
	@mkdir -p $(dir $@)
	gcc -g -c $< -o $(FUZZ_BUILD)/gen/$*.o
	pahole --btf_encode_detached=$@ $(FUZZ_BUILD)/gen/$*.o

# The same kernel with the 6.1 and 7.3 layouts where the walks probe for renames
# (fixtures/seeds/sched_types.h): the walker reads these from the image (mode bit 0).
$(FUZZ_BUILD)/gen/kernel_types-%.btf: fixtures/seeds/kernel_types.c $(wildcard fixtures/seeds/*.h)
	@mkdir -p $(dir $@)
	gcc -g -c -DFUZZ_$(shell echo $* | tr a-z A-Z) $< -o $(FUZZ_BUILD)/gen/kernel_types-$*.o
	pahole --btf_encode_detached=$@ $(FUZZ_BUILD)/gen/kernel_types-$*.o

$(FUZZ_BUILD)/gen/embedded.c: $(FUZZ_BUILD)/gen/split_base.btf $(FUZZ_BUILD)/gen/kernel_types.btf \
		tests/fuzz/embed.sh
	{ tests/fuzz/embed.sh fuzz_split_base $(FUZZ_BUILD)/gen/split_base.btf; \
	  tests/fuzz/embed.sh fuzz_kernel_btf $(FUZZ_BUILD)/gen/kernel_types.btf | sed 1,2d; } > $@

$(FUZZ_BUILD)/gen/embedded.o: $(FUZZ_BUILD)/gen/embedded.c tests/fuzz/embedded.h
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# Tools that write seeds using the library (kernel image built from the embedded BTF).
$(FUZZ_BUILD)/make_kimage: tests/fuzz/tools/make_kimage.c $(FUZZ_LIB_OBJ) $(FUZZ_HELPER_OBJ)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -o $@ $< $(FUZZ_HELPER_OBJ) \
		$(FUZZ_LIB_OBJ)

$(FUZZ_BUILD)/seeds/.done: tests/fuzz/make-seeds.sh $(FUZZ_SEED_SRC) $(FUZZ_FIXTURE_BLOBS) \
		$(FUZZ_BUILD)/gen/split_base.btf $(FUZZ_BUILD)/gen/kernel_types.btf
	tests/fuzz/make-seeds.sh $(FUZZ_BUILD)
	@touch $@

$(FUZZ_BUILD)/seeds/walker/kimage.bin: $(FUZZ_BUILD)/make_kimage $(FUZZ_BUILD)/seeds/.done \
		$(FUZZ_BUILD)/gen/kernel_types-k61.btf $(FUZZ_BUILD)/gen/kernel_types-k73.btf
	$(FUZZ_BUILD)/make_kimage $@
	for v in k61 k73; do $(FUZZ_BUILD)/make_kimage $(@D)/variant-$$v.bin 1 0 \
		$(FUZZ_BUILD)/gen/kernel_types-$$v.btf || exit 1; done
	for mode in 1 2 3; do $(FUZZ_BUILD)/make_kimage $(@D)/kimage-mode$$mode.bin $$mode || exit 1; done
	# 16 ranges, no hole (the walk succeeds); and the BTF's last bytes in a hole.
	$(FUZZ_BUILD)/make_kimage $(@D)/kimage-ranges.bin 5 0
	$(FUZZ_BUILD)/make_kimage $(@D)/kimage-hole.bin 5 0x8000

# Live memory: the walker's kernel images, and QMP replies as QEMU writes them.
$(FUZZ_BUILD)/seeds/live/.done: $(FUZZ_BUILD)/seeds/walker/kimage.bin fixtures/seeds/qmp/*
	@mkdir -p $(@D)
	cp $(FUZZ_BUILD)/seeds/walker/kimage*.bin fixtures/seeds/qmp/* $(@D)/
	@touch $@

# ELF cores wrapping the same image (QEMU and kdump forms, holes, PN_XNUM), and the image raw.
$(FUZZ_BUILD)/seeds/elfcore/qemu-one-load.core: fixtures/seeds/make_elfcore.py \
		$(FUZZ_BUILD)/seeds/walker/kimage.bin
	python3 fixtures/seeds/make_elfcore.py $(FUZZ_BUILD)/seeds/walker/kimage.bin $(@D)

fuzz-all: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/campaign.sh $(FUZZ_TARGETS)

# make check builds what it can: a target that does not link is reported by check-fuzz.sh as a
# failed test instead of stopping every other test from running.
fuzz-check-build:
	$(MAKE) -k fuzz-build || echo "fuzz: some targets did not build; check-fuzz.sh reports them"

CHECK_DEPS += fuzz-check-build
