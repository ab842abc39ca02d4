/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_HEADROOM_H
#define FASTMEM_HEADROOM_H

/* The headroom thread (fastmem_headroom.c): growth ahead of demand. */

/* Stop the headroom thread (before the state goes); the primary process only. */
void fastmem_headroom_stop(void);

#endif /* FASTMEM_HEADROOM_H */
