/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_COMPAT_H
#define FASTMEM_COMPAT_H

/*
 * Included before every source of the library and of its users, against
 * DPDK 22.11 only: what its headers lack of the 25.11 API the sources use.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_telemetry.h>

/* A log line with a prefix and its arguments (23.11). */
#define RTE_LOG_LINE_PREFIX(l, t, prefix, args, ...) \
	rte_log(RTE_LOG_ ## l, RTE_LOGTYPE_ ## t, RTE_FMT(#t ": " prefix \
		RTE_FMT_HEAD(__VA_ARGS__ ,) "\n", args, RTE_FMT_TAIL(__VA_ARGS__ ,)))

/* Telemetry's unsigned values (23.03). */
#define rte_tel_data_add_dict_uint rte_tel_data_add_dict_u64

/* Bits set in a 64-bit value (23.11). */
static inline unsigned int
rte_popcount64(uint64_t v)
{
	return (unsigned int)__builtin_popcountll(v);
}

#endif /* FASTMEM_COMPAT_H */
