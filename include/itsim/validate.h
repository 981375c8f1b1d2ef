/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: published-outcome checks. Each check runs one built-in model and
 * compares a computed number with a published or analytically derived one. */
#ifndef ITSIM_VALIDATE_H
#define ITSIM_VALIDATE_H

#include <stddef.h>
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

typedef struct its_check_result {
    const char *id;          /* "H1", "K6", ... (static) */
    const char *model;       /* model name (static) */
    const char *what;        /* what is compared (static) */
    const char *source;      /* where the expected value comes from (static) */
    double expected;         /* published or derived value */
    double computed;         /* itsim's value */
    double rel_tol;          /* allowed |computed-expected|/|expected| */
    const char *tol_reason;  /* why this tolerance (static) */
    int passed;              /* non-zero when within tolerance */
} its_check_result;

/* Number of checks (static; every index below it names one). */
size_t its_check_count(void);

/* Identifier of check i ("H1"; static, not to be freed), or NULL when out
 * of range. */
const char *its_check_id(size_t i);

/* Run check i and fill *r (its strings are static). Returns ITS_OK when it
 * ran (whether or not it passed: see r->passed), ITS_EINVAL for a bad index
 * or a NULL r, or the status of the failed simulation (ITS_ENOMEM,
 * ITS_ESOLVER, ...; r->passed is then 0 and computed is NaN). The reason
 * goes to msg ("check H1 (hahnfeldt1999): " and the simulation's message),
 * at most msglen bytes, always terminated, "" when the check ran; msg may
 * be NULL. Thread-safe: each call makes its own simulation. */
its_status its_check_run(size_t i, its_check_result *r, char *msg, size_t msglen);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
