# btfwalk — every entry point:
#   make             static + shared library and the btfwalk CLI (build/)
#   make check       install what is missing, build, run every test; ends with "N passed, N failed"
#   make demo        boot a 2-node guest, dump it, walk it, print counters beside the guest's own
#   make bench       parse/lookup speed and memory against libbpf, as ratios
#   make fuzz        run every libFuzzer target for FUZZ_SECONDS each
#   make install     PREFIX=/usr/local DESTDIR= ; make uninstall
#   make amalgamation  build/amalgamation/btfwalk.{c,h}
#   make deps        install build/test/demo packages (apt-get as root, else print the command)

VERSION := 0.1.0
SOVERSION := 0
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build
SAN ?=

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wvla -Wformat=2 -Wundef -Wcast-align -Wwrite-strings
ifneq ($(SAN),)
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SAN) -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SAN)
endif
# V=1 shows every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif
ALL_CFLAGS := $(WARN) -Iinclude -Ibtf -Iwalker $(CFLAGS)

# walker/ is layered: cli -> watch -> walks -> expr -> kernel -> mem, and everything -> btf.
WALKER_LAYERS := mem kernel expr walks watch
LIB_SRC := $(sort $(wildcard btf/*.c $(WALKER_LAYERS:%=walker/%/*.c)))
CLI_SRC := $(sort $(wildcard walker/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_PIC := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
HEADERS := $(wildcard include/*.h include/btfwalk/*.h btf/*.h walker/*/*.h)

STATIC_LIB := $(BUILD)/libbtfwalk.a
SHARED_LIB := $(BUILD)/libbtfwalk.so.$(VERSION)
CLI := $(BUILD)/btfwalk
CLI_DYNAMIC := $(BUILD)/tests/btfwalk-dynamic

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))

.PHONY: all lib cli tests check demo bench fuzz install uninstall amalgamation deps clean \
	$(BUILD)/btfwalk.pc
all: lib cli
lib: $(STATIC_LIB) $(SHARED_LIB)
cli: $(CLI)
tests: $(UNIT_BIN) $(CLI_DYNAMIC)

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

# The shared library exports exactly the functions the public headers declare; the library's
# internal bw_* helpers stay local.
PUBLIC_HEADERS := $(wildcard include/btfwalk/*.h)
$(BUILD)/libbtfwalk.map: $(PUBLIC_HEADERS)
	@mkdir -p $(dir $@)
	$(Q){ printf '{\n\tglobal:\n'; grep -ho '\bbw_[a-z0-9_]*(' $(PUBLIC_HEADERS) | \
		sed 's/($$/;/; s/^/\t\t/' | sort -u; printf '\tlocal: *;\n};\n'; } > $@

$(SHARED_LIB): $(LIB_PIC) $(BUILD)/libbtfwalk.map
	@echo "  LD      $@"
	$(Q)$(CC) -shared -Wl,-soname,libbtfwalk.so.$(SOVERSION) \
		-Wl,--version-script=$(BUILD)/libbtfwalk.map $(LDFLAGS) -o $@ $(LIB_PIC)
	$(Q)ln -sf libbtfwalk.so.$(VERSION) $(BUILD)/libbtfwalk.so.$(SOVERSION)
	$(Q)ln -sf libbtfwalk.so.$(SOVERSION) $(BUILD)/libbtfwalk.so

# The CLI is linked statically, except under sanitizers (they need the dynamic loader): a
# process then starts with about 25 fewer page faults and no loading of libc, which a harness
# running it once per sample pays each time. Static PIE keeps address randomisation. valgrind
# can follow the heap of a dynamic binary only, so its check runs $(CLI_DYNAMIC): the same
# objects, linked dynamically.
ifeq ($(SAN),)
CLI_STATIC := -static-pie
endif

$(CLI): $(CLI_OBJ) $(STATIC_LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(CLI_STATIC) -o $@ $(CLI_OBJ) $(STATIC_LIB)

$(CLI_DYNAMIC): $(CLI_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC_LIB)

# Unit tests: one cmocka binary per tests/unit/test_*.c, linked with the other tests/unit/*.c
# helpers and the static library. Fixture headers from fixtures/src are compiled natively so the
# compiler's offsetof/sizeof are the expected values.
$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPERS) $(STATIC_LIB) $(wildcard tests/unit/*.h fixtures/src/*.h)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Itests/unit -Ifixtures/src -o $@ $< \
		$(UNIT_HELPERS) $(STATIC_LIB) $(LDFLAGS) -lcmocka

-include fixtures/fixtures.mk
-include tests/e2e/e2e.mk
-include tests/fuzz/fuzz.mk
-include tests/bench/bench.mk
-include tests/hostile/hostile.mk

# ---- demo, bench, fuzz: the scripts and rules live beside their tests ----
demo: deps all
	tests/e2e/demo.sh

fuzz: fuzz-all

# ---- install ----
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PCDIR ?= $(LIBDIR)/pkgconfig

$(BUILD)/btfwalk.pc:
	@mkdir -p $(dir $@)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCDIR)' '' \
		'Name: btfwalk' 'Description: Read a Linux kernel'"'"'s state from a memory dump using BTF' \
		'Version: $(VERSION)' 'Libs: -L$${libdir} -lbtfwalk' 'Cflags: -I$${includedir}' > $@

install: all $(BUILD)/btfwalk.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/btfwalk $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PCDIR)
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libbtfwalk.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libbtfwalk.so.$(SOVERSION)
	ln -sf libbtfwalk.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libbtfwalk.so
	install -m 644 include/btfwalk.h $(DESTDIR)$(INCDIR)/
	install -m 644 include/btfwalk/*.h $(DESTDIR)$(INCDIR)/btfwalk/
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	install -m 644 walker/cli/btfwalk.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(BUILD)/btfwalk.pc $(DESTDIR)$(PCDIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libbtfwalk.a $(DESTDIR)$(LIBDIR)/libbtfwalk.so* \
		$(DESTDIR)$(INCDIR)/btfwalk.h $(DESTDIR)$(BINDIR)/btfwalk \
		$(DESTDIR)$(MANDIR)/man1/btfwalk.1 $(DESTDIR)$(PCDIR)/btfwalk.pc
	rm -rf $(DESTDIR)$(INCDIR)/btfwalk

# ---- amalgamation: one .c and one .h, the SQLite way ----
# Local #include "..." lines are replaced by the file they name, each file once, in include order.
AMALG := $(BUILD)/amalgamation
AMALG_EXPAND := awk -v dirs="include btf walker" ' \
	function find(name, from,   n, d, i, p) { \
		p = from "/" name; if ((getline t < p) >= 0) { close(p); return p } \
		n = split(dirs, d, " "); \
		for (i = 1; i <= n; i++) { p = d[i] "/" name; if ((getline t < p) >= 0) { close(p); return p } } \
		print "amalgamation: cannot find " name > "/dev/stderr"; exit 1 } \
	function expand(f,   line, name, p, dir) { \
		dir = f; sub(/\/[^\/]*$$/, "", dir); \
		printf "/* ---- %s ---- */\n", f; \
		while ((getline line < f) > 0) { \
			if (line ~ /^\#include "/) { \
				name = line; sub(/^\#include "/, "", name); sub(/".*/, "", name); \
				p = find(name, dir); if (!(p in seen)) { seen[p] = 1; expand(p) } \
			} else print line } \
		close(f) } \
	{ for (i = 1; i <= NF; i++) if (!($$i in seen)) { seen[$$i] = 1; expand($$i) } }'

amalgamation: $(AMALG)/btfwalk.c $(AMALG)/btfwalk.h
$(AMALG)/btfwalk.h: $(HEADERS)
	@mkdir -p $(dir $@)
	@echo include/btfwalk.h | $(AMALG_EXPAND) > $@
$(AMALG)/btfwalk.c: $(LIB_SRC) $(HEADERS)
	@mkdir -p $(dir $@)
	@{ printf '/* btfwalk %s amalgamation: compile this one file with btfwalk.h beside it. */\n' \
		'$(VERSION)'; printf '#define _GNU_SOURCE /* process_vm_readv, SO_PEERCRED */\n#include "btfwalk.h"\n'; \
	  echo include/btfwalk.h $(LIB_SRC) | $(AMALG_EXPAND) | \
	  sed -n '/^\/\* ---- btf\/\|^\/\* ---- walker\//,$$p' | \
	  grep -Ev '^#define _(POSIX_C|GNU|DEFAULT)_SOURCE'; } > $@

# ---- packages ----
DEPS_PKGS := build-essential clang llvm libclang-rt-14-dev libfuzzer-14-dev libcmocka-dev \
	libbpf-dev libelf-dev zlib1g-dev bpftool dwarves qemu-system-x86 qemu-utils busybox-static cpio zstd xz-utils \
	python3 valgrind pkg-config file time
deps:
	@missing=$$(for p in $(DEPS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "deps: installing $$missing"; \
		apt-get update -q >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; \
	else \
		echo "deps: missing packages; run: sudo apt-get install -y $$missing"; exit 1; \
	fi

# ---- check: every test, one summary line ----
# Fragments add to CHECK_DEPS what their check-*.sh scripts need built first.
check: deps
	$(MAKE) all tests $(CHECK_DEPS)
	$(MAKE) BUILD=build-san SAN=address,undefined all tests
	tests/run.sh

clean:
	rm -rf build build-san build-fuzz build-gcc build-clang build-tsan
