/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the engine's linear solver (KLU on a sparse Jacobian whose
 * pattern is the union of the entries seen nonzero, docs/engine.md). White
 * box: drives the CVODE adapter directly. */
#include <math.h>
#include <string.h>

#include "engine/cvode_adapter.h"
#include "its_test.h"

/* Two pools that start exchanging at t = 1, ever faster:
 *   x' = c(t) (z - x),  z' = c(t) (x - z),  c(t) = K max(t - 1, 0)^3.
 * From x = 1, z = 0: both constant until t = 1, then x + z = 1 and
 * d = x - z = exp(-K (t - 1)^4 / 2). The off-diagonal Jacobian entries are
 * exactly 0 until t = 1, so the pattern grows mid-run from the diagonal
 * (2 entries) to 4; the exchange is then stiff (c = 8e4/d at t = 3), and a
 * Newton matrix without those entries misses the fast mode. */
#define K_RATE 1e4

static double rate(double t)
{
    double s = fmax(t - 1.0, 0.0);
    return K_RATE * s * s * s;
}

static int pools_rhs(double t, const double *y, double *dy, void *ud)
{
    (void)ud;
    dy[0] = rate(t) * (y[1] - y[0]);
    dy[1] = rate(t) * (y[0] - y[1]);
    return 0;
}

static int pools_jac(double t, const double *y, double *J, size_t ld, void *ud)
{
    double c = rate(t);
    (void)y;
    (void)ud;
    J[0 + 0 * ld] = -c;
    J[0 + 1 * ld] = c;
    J[1 + 0 * ld] = c;
    J[1 + 1 * ld] = -c;
    return 0;
}

static double pools_x(double t)
{
    double s = fmax(t - 1.0, 0.0);
    return 0.5 * (1.0 + exp(-K_RATE * s * s * s * s / 2.0));
}

static void run_growth(int analytic)
{
    its__ode_fns fns = {pools_rhs, analytic ? pools_jac : NULL, NULL, NULL};
    its__cv *cv = NULL;
    char msg[256];
    const char *what = analytic ? "analytic Jacobian" : "difference quotients";
    static const double y0[2] = {1.0, 0.0}, atol[2] = {1e-14, 1e-14};
    static const double tout[] = {0.9, 1.1, 1.15, 1.3, 3.0};
    double y[2], t = 0.0;
    int root = 0, rf[1];
    its_stats st;
    size_t k;

    if (!its_test_true(its__cv_create(2, 0, &fns, &cv, msg, sizeof msg) == ITS_OK,
                       "%s: adapter created (%s)", what, msg))
        return;
    memset(&st, 0, sizeof st);
    its__cv_new_run(cv);
    its_test_true(its__cv_pattern_nnz(cv) == 2, "%s: a new run starts from the diagonal", what);
    /* a first segment stops at t = 0.9 (CVODE may not step past it), a
     * second one goes on from there: the pattern is kept between segments */
    its_test_true(its__cv_start(cv, 0.0, y0, 1e-10, atol, 100000, 0, 0, 0.9) == ITS_OK,
                  "%s: started", what);
    for (k = 0; k < sizeof tout / sizeof tout[0]; k++) {
        its_status s;
        if (k == 1) {
            its__cv_add_stats(cv, &st);
            its_test_true(its__cv_start(cv, t, y, 1e-10, atol, 100000, 0, 0, 3.0) == ITS_OK,
                          "%s: second segment", what);
        }
        s = its__cv_advance(cv, tout[k], &t, y, &root, rf);
        its_test_true(s == ITS_OK && t == tout[k], "%s: reached t = %g (%s)", what, tout[k],
                      its__cv_errmsg(cv));
        /* rtol 1e-10 per step: over these few hundred steps the global
         * error stays far below 1e-7 */
        its_test_abs(y[0], pools_x(tout[k]), 1e-7, "%s: x(%g) analytic", what, tout[k]);
        its_test_abs(y[1], 1.0 - pools_x(tout[k]), 1e-7, "%s: z(%g) analytic", what, tout[k]);
        its_test_true(its__cv_pattern_nnz(cv) == (tout[k] < 1.0 ? 2u : 4u),
                      "%s: pattern at t = %g has %zu entries", what, tout[k],
                      its__cv_pattern_nnz(cv));
    }
    its__cv_add_stats(cv, &st);
    /* The exchange switches on ever faster: about 500 steps and 16-20
     * Newton convergence failures (each answered by a new Jacobian and a
     * smaller step). Without KLU's analysis of the grown pattern the run
     * stops at t = 0.9 (corrector convergence failed repeatedly). */
    its_test_true(st.nonlin_conv_fails <= 50 && st.steps < 2000,
                  "%s: %ld steps, %ld Newton convergence failures", what, st.steps,
                  st.nonlin_conv_fails);
    /* A new run forgets the coupling and integrates the same problem again
     * (the pattern grows a second time, KLU analyses it again). */
    its__cv_new_run(cv);
    its_test_true(its__cv_pattern_nnz(cv) == 2, "%s: new run: pattern reset", what);
    its_test_true(its__cv_start(cv, 0.0, y0, 1e-10, atol, 100000, 0, 0, 3.0) == ITS_OK &&
                      its__cv_advance(cv, 1.3, &t, y, &root, rf) == ITS_OK,
                  "%s: second run", what);
    its_test_abs(y[0], pools_x(1.3), 1e-7, "%s: second run, x(1.3)", what);
    its_test_true(its__cv_pattern_nnz(cv) == 4, "%s: second run, pattern grew again", what);
    its__cv_free(cv);
}

int main(void)
{
    run_growth(1);
    run_growth(0);
    return its_test_done();
}
