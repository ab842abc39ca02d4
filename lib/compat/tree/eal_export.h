/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_COMPAT_EAL_EXPORT_H
#define FASTMEM_COMPAT_EAL_EXPORT_H

/*
 * A library in a DPDK tree marks its exports with these (eal_export.h,
 * which DPDK does not install); its build reads them from the sources.
 * Out of the tree, buildtools/gen-version-map.py reads them.
 */
#define RTE_EXPORT_EXPERIMENTAL_SYMBOL(symbol, ver)
#define RTE_EXPORT_INTERNAL_SYMBOL(symbol)
#define RTE_EXPORT_SYMBOL(symbol)

#endif /* FASTMEM_COMPAT_EAL_EXPORT_H */
