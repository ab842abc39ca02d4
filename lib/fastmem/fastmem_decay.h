/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_DECAY_H
#define FASTMEM_DECAY_H

/* The decay (fastmem_decay.c): memory that stays free goes back to EAL. */

/* Stop the decay (before the state goes). */
void fastmem_decay_stop(void);

#endif /* FASTMEM_DECAY_H */
