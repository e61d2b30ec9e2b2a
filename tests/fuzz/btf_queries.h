/* SPDX-License-Identifier: MIT */
/* Ask a loaded BTF every question the public API offers, the way a walker would, and check the
 * promises the header makes about the answers. */
#ifndef FUZZ_BTF_QUERIES_H
#define FUZZ_BTF_QUERIES_H

#include "btfwalk.h"

void fuzz_query_btf(const struct bw_btf *btf);

#endif
