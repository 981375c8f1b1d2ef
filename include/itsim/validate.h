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

/* Number of checks. */
size_t its_check_count(void);

/* Identifier of check i, or NULL when out of range. */
const char *its_check_id(size_t i);

/* Run check i and fill *r. Returns ITS_OK when it ran (whether or not it
 * passed: see r->passed), ITS_EINVAL for a bad index, or the status of the
 * failed simulation (r->passed is then 0 and computed is NaN). */
its_status its_check_run(size_t i, its_check_result *r);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
