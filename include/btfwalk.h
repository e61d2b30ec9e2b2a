/* SPDX-License-Identifier: MIT */
/* btfwalk: read a Linux kernel's state from a memory image using the kernel's BTF. */
#ifndef BTFWALK_H
#define BTFWALK_H

#define BTFWALK_VERSION "0.1.0"

#include "btfwalk/common.h"
#include "btfwalk/btf.h"
#include "btfwalk/mem.h"
#include "btfwalk/kernel.h"
#include "btfwalk/domains.h"
#include "btfwalk/scx.h"
#include "btfwalk/sched.h"
#include "btfwalk/printk.h"
#include "btfwalk/tasks.h"

#endif
