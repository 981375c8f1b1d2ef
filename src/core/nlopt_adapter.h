/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the only interface to NLopt (src/core/nlopt_adapter.c).
 * Translates NLopt's results into its_status; the objective is a plain C
 * function of the point. NLopt's derivative-free local algorithms are
 * deterministic: the same start gives the same result. */
#ifndef ITS_CORE_NLOPT_ADAPTER_H
#define ITS_CORE_NLOPT_ADAPTER_H

#include <stddef.h>
#include "itsim/status.h"

/* The algorithms itsim uses. */
typedef enum its__opt_algo {
    ITS__OPT_BOBYQA = 0, /* NLOPT_LN_BOBYQA: quadratic models in a box (Powell 2009) */
    ITS__OPT_SBPLX,      /* NLOPT_LN_SBPLX: subplex, a Nelder-Mead variant robust to noise */
    ITS__OPT_COBYLA      /* NLOPT_LN_COBYLA: linear approximations */
} its__opt_algo;

/* The objective: its value at x (n values); NaN or +Inf are taken as a
 * very large value. ud is the caller's. */
typedef double (*its__opt_fn)(const double *x, void *ud);

typedef struct its__opt_result {
    double fmin;   /* the smallest value found */
    long evals;    /* objective evaluations */
    int reason;    /* NLopt's result code (> 0: stopped normally) */
} its__opt_result;

/* Minimise f over the box lo <= x <= hi (n >= 1 dimensions) from x (the
 * start, inside the box; on return the best point), stopping when a step
 * changes x by less than xtol_rel relatively, f by less than ftol_abs, or
 * after max_evals evaluations (> 0). ITS_OK (stopped normally, also at
 * max_evals); ITS_ESOLVER (NLopt failed: message in msg); ITS_EINVAL (bad
 * arguments, a start outside the box); ITS_ENOMEM. msg: (msg, msglen)
 * convention. */
its_status its__opt_minimize(its__opt_algo algo, size_t n, its__opt_fn f, void *ud,
                             const double *lo, const double *hi, double *x, double xtol_rel,
                             double ftol_abs, long max_evals, its__opt_result *out, char *msg,
                             size_t msglen);

#endif
