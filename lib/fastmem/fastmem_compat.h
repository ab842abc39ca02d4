/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_COMPAT_H
#define FASTMEM_COMPAT_H

/*
 * The sources are written for DPDK 25.11. Built out of a DPDK tree, against
 * an older installed DPDK (22.11 at the oldest), this header supplies what
 * that release lacks; in a DPDK 25.11 tree it adds nothing.
 */

#include <rte_common.h>
#include <rte_log.h>
#include <rte_version.h>

/* Symbol exports: DPDK's build reads them from the sources; ours too. */
#if __has_include(<eal_export.h>)
#include <eal_export.h>
#else
#define RTE_EXPORT_EXPERIMENTAL_SYMBOL(symbol, ver)
#define RTE_EXPORT_INTERNAL_SYMBOL(symbol)
#define RTE_EXPORT_SYMBOL(symbol)
#endif

/* Log lines with a prefix (23.11). */
#ifndef RTE_LOG_LINE_PREFIX
#define RTE_LOG_COMMA ,
#define RTE_LOG_LINE_PREFIX(l, t, prefix, args, ...) \
	RTE_LOG(l, t, RTE_FMT(prefix RTE_FMT_HEAD(__VA_ARGS__ ,) "\n", \
		args RTE_LOG_COMMA RTE_FMT_TAIL(__VA_ARGS__ ,)))
#endif

/* Telemetry's unsigned values (23.03). */
#if RTE_VERSION < RTE_VERSION_NUM(23, 3, 0, 0)
#define rte_tel_data_add_dict_uint rte_tel_data_add_dict_u64
#endif

#endif /* FASTMEM_COMPAT_H */
