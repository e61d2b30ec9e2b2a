# make bench: btfwalk's BTF parse/lookup speed and memory as ratios against libbpf measured in the
# same run, on every Debian kernel's vmlinux BTF (fetched first) and this machine's. Timings are
# never part of make check. BENCH_ROUNDS: parse repetitions (best of).
BENCH := $(BUILD)/bench/bench
BENCH_SIZEOF := $(BUILD)/bench/libbpf_sizeof
BENCH_ROUNDS ?= 20

.PHONY: bench
$(BENCH): tests/bench/bench.c $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(STATIC_LIB) $(LDFLAGS) -lbpf

$(BENCH_SIZEOF): tests/bench/libbpf_sizeof.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) -lbpf

bench: deps $(BENCH) $(BENCH_SIZEOF) $(CLI)
	tests/bench/run.sh $(BENCH) $(BENCH_ROUNDS) $(BENCH_SIZEOF) $(CLI)

# The live part: sampling a running 7.3 guest (tests/bench/live.py boots it).
BENCH_LIVE := $(BUILD)/bench/bench_live
$(BENCH_LIVE): tests/bench/bench_live.c $(STATIC_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(STATIC_LIB) $(LDFLAGS)

.PHONY: bench-live
bench-live: $(BENCH_LIVE) $(CLI) $(E2E_INITRD)
	python3 tests/bench/live.py $(BENCH_LIVE) $(CLI) | tee $(BUILD)/bench/live-results.txt
bench: bench-live
