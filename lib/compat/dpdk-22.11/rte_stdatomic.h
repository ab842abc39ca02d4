/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_COMPAT_RTE_STDATOMIC_H
#define FASTMEM_COMPAT_RTE_STDATOMIC_H

/*
 * DPDK 23.11's rte_stdatomic.h: the names the sources use, over the
 * compiler's builtins, or over C11 atomics as DPDK's enable_stdatomic
 * option has them (RTE_ENABLE_STDATOMIC). Only on the
 * include path against DPDK 22.11, for the library and its users: the
 * other names of later DPDK that fastmem's public headers use are here
 * too, as this is the one compat header they include.
 */

/* Whether an expression is a compile-time constant (rte_common.h, 24.07). */
#define __rte_constant(e) __extension__(__builtin_constant_p(e))

#if defined(RTE_ENABLE_STDATOMIC) && !defined(__cplusplus)

/*
 * As DPDK builds with -Denable_stdatomic=true: C11 atomics (C only: C++
 * before C++23 has no <stdatomic.h>; the types keep their layout).
 */
#include <stdatomic.h>

#define RTE_ATOMIC(type) _Atomic(type)
#define __rte_atomic _Atomic

typedef memory_order rte_memory_order;

#define rte_memory_order_relaxed memory_order_relaxed
#define rte_memory_order_acquire memory_order_acquire
#define rte_memory_order_release memory_order_release
#define rte_memory_order_acq_rel memory_order_acq_rel
#define rte_memory_order_seq_cst memory_order_seq_cst

#define rte_atomic_load_explicit(ptr, memorder) \
	atomic_load_explicit(ptr, memorder)
#define rte_atomic_store_explicit(ptr, val, memorder) \
	atomic_store_explicit(ptr, val, memorder)
#define rte_atomic_exchange_explicit(ptr, val, memorder) \
	atomic_exchange_explicit(ptr, val, memorder)
#define rte_atomic_compare_exchange_strong_explicit(ptr, expected, desired, succ, fail) \
	atomic_compare_exchange_strong_explicit(ptr, expected, desired, succ, fail)
#define rte_atomic_compare_exchange_weak_explicit(ptr, expected, desired, succ, fail) \
	atomic_compare_exchange_weak_explicit(ptr, expected, desired, succ, fail)
#define rte_atomic_fetch_add_explicit(ptr, val, memorder) \
	atomic_fetch_add_explicit(ptr, val, memorder)
#define rte_atomic_fetch_sub_explicit(ptr, val, memorder) \
	atomic_fetch_sub_explicit(ptr, val, memorder)
#define rte_atomic_fetch_and_explicit(ptr, val, memorder) \
	atomic_fetch_and_explicit(ptr, val, memorder)
#define rte_atomic_fetch_or_explicit(ptr, val, memorder) \
	atomic_fetch_or_explicit(ptr, val, memorder)

#else /* !RTE_ENABLE_STDATOMIC */

#define RTE_ATOMIC(type) type
#define __rte_atomic

typedef int rte_memory_order;

#define rte_memory_order_relaxed __ATOMIC_RELAXED
#define rte_memory_order_acquire __ATOMIC_ACQUIRE
#define rte_memory_order_release __ATOMIC_RELEASE
#define rte_memory_order_acq_rel __ATOMIC_ACQ_REL
#define rte_memory_order_seq_cst __ATOMIC_SEQ_CST

#define rte_atomic_load_explicit(ptr, memorder) \
	__atomic_load_n(ptr, memorder)
#define rte_atomic_store_explicit(ptr, val, memorder) \
	__atomic_store_n(ptr, val, memorder)
#define rte_atomic_exchange_explicit(ptr, val, memorder) \
	__atomic_exchange_n(ptr, val, memorder)
#define rte_atomic_compare_exchange_strong_explicit(ptr, expected, desired, succ, fail) \
	__atomic_compare_exchange_n(ptr, expected, desired, 0, succ, fail)
#define rte_atomic_compare_exchange_weak_explicit(ptr, expected, desired, succ, fail) \
	__atomic_compare_exchange_n(ptr, expected, desired, 1, succ, fail)
#define rte_atomic_fetch_add_explicit(ptr, val, memorder) \
	__atomic_fetch_add(ptr, val, memorder)
#define rte_atomic_fetch_sub_explicit(ptr, val, memorder) \
	__atomic_fetch_sub(ptr, val, memorder)
#define rte_atomic_fetch_and_explicit(ptr, val, memorder) \
	__atomic_fetch_and(ptr, val, memorder)
#define rte_atomic_fetch_or_explicit(ptr, val, memorder) \
	__atomic_fetch_or(ptr, val, memorder)

#endif /* RTE_ENABLE_STDATOMIC && !__cplusplus */

#endif /* FASTMEM_COMPAT_RTE_STDATOMIC_H */
