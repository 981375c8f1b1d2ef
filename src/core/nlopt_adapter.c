/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: NLopt adapter (core/nlopt_adapter.h). The only file that
 * includes nlopt.h. */
#include "core/nlopt_adapter.h"
#include "core/core.h"

#include <math.h>
#include <nlopt.h>

typedef struct wrap {
    its__opt_fn f;
    void *ud;
    long evals;
} wrap;

static double call(unsigned n, const double *x, double *grad, void *data)
{
    wrap *w = data;
    double v;
    (void)n;
    (void)grad; /* derivative-free algorithms only */
    w->evals++;
    v = w->f(x, w->ud);
    return isfinite(v) ? v : HUGE_VAL;
}

static nlopt_algorithm algorithm(its__opt_algo a)
{
    switch (a) {
    case ITS__OPT_SBPLX: return NLOPT_LN_SBPLX;
    case ITS__OPT_COBYLA: return NLOPT_LN_COBYLA;
    default: return NLOPT_LN_BOBYQA;
    }
}

its_status its__opt_minimize(its__opt_algo algo, size_t n, its__opt_fn f, void *ud,
                             const double *lo, const double *hi, double *x, double xtol_rel,
                             double ftol_abs, long max_evals, its__opt_result *out, char *msg,
                             size_t msglen)
{
    nlopt_opt o;
    wrap w = {f, ud, 0};
    double fmin = HUGE_VAL;
    nlopt_result r;
    size_t i;
    if (n == 0 || n > 10000 || !f || !lo || !hi || !x || !out || max_evals <= 0) {
        its__fmt(msg, msglen, "optimiser: bad arguments");
        return ITS_EINVAL;
    }
    for (i = 0; i < n; i++)
        if (!(lo[i] <= x[i] && x[i] <= hi[i])) {
            its__fmt(msg, msglen, "optimiser: the start %g of dimension %zu is outside [%g, %g]",
                     x[i], i, lo[i], hi[i]);
            return ITS_EINVAL;
        }
    if ((o = nlopt_create(algorithm(algo), (unsigned)n)) == NULL) {
        its__fmt(msg, msglen, "optimiser: out of memory");
        return ITS_ENOMEM;
    }
    r = nlopt_set_min_objective(o, call, &w);
    if (r > 0)
        r = nlopt_set_lower_bounds(o, lo);
    if (r > 0)
        r = nlopt_set_upper_bounds(o, hi);
    if (r > 0)
        r = nlopt_set_xtol_rel(o, xtol_rel);
    if (r > 0)
        r = nlopt_set_ftol_abs(o, ftol_abs);
    if (r > 0)
        r = nlopt_set_maxeval(o, (int)(max_evals < 1000000000L ? max_evals : 1000000000L));
    if (r > 0)
        r = nlopt_optimize(o, x, &fmin);
    nlopt_destroy(o);
    out->fmin = fmin;
    out->evals = w.evals;
    out->reason = (int)r;
    if (r == NLOPT_OUT_OF_MEMORY) {
        its__fmt(msg, msglen, "optimiser: out of memory");
        return ITS_ENOMEM;
    }
    if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED) {
        its__fmt(msg, msglen, "optimiser: NLopt failed (%s)", nlopt_result_to_string(r));
        return ITS_ESOLVER;
    }
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}
