# ThreadSanitizer build: the library and the 8-thread reader, with clang (tests/hostile/check-tsan.sh).
TSAN_BUILD := build-tsan
TSAN_BIN := $(TSAN_BUILD)/tsan_threads
.PHONY: tsan
tsan: $(TSAN_BIN)
$(TSAN_BIN): tests/hostile/tsan_threads.c $(LIB_SRC) $(HEADERS)
	$(MAKE) BUILD=$(TSAN_BUILD) CC=clang SAN=thread $(TSAN_BUILD)/libbtfwalk.a
	@echo "  LD      $@"
	$(Q)clang $(WARN) -Iinclude -O1 -g -fsanitize=thread -pthread -o $@ $< \
		$(TSAN_BUILD)/libbtfwalk.a
CHECK_DEPS += $(TSAN_BIN)
