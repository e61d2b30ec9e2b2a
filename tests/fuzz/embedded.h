/* SPDX-License-Identifier: MIT */
/* BTF blobs built from fixtures/seeds/ sources by fuzz.mk and compiled into the targets, so a
 * target needs no file at run time (generated: build-fuzz/gen/embedded.c). */
#ifndef FUZZ_EMBEDDED_H
#define FUZZ_EMBEDDED_H

#include <stddef.h>

/* fixtures/seeds/split_base.c: the base that target 2 loads split blobs on. */
extern const unsigned char fuzz_split_base[];
extern const size_t fuzz_split_base_len;

/* fixtures/seeds/kernel_types.c: the kernel layout the walker, ELF core and expression targets
 * use. */
extern const unsigned char fuzz_kernel_btf[];
extern const size_t fuzz_kernel_btf_len;

#endif
