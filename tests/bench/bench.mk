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
