/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the NLopt adapter (src/core/nlopt_adapter.c). Each
 * derivative-free algorithm finds the minimum of the Rosenbrock function
 * (at (1, 1), analytic) inside a box to 1e-4; a minimum on the box's edge
 * is found on the edge; the same start gives bit-identical results (the
 * calibration is deterministic given its seed); a start outside the box,
 * no dimension and a NaN objective are handled. */
#include <math.h>
#include <string.h>

#include "its_test.h"
#include "core/nlopt_adapter.h"

static double rosenbrock(const double *x, void *ud)
{
    long *calls = ud;
    (*calls)++;
    return 100.0 * pow(x[1] - x[0] * x[0], 2) + pow(1.0 - x[0], 2);
}

/* (x - 3)^2 + (y + 1)^2 in the box [0, 2] x [0, 2]: minimum at (2, 0) */
static double bowl(const double *x, void *ud)
{
    (void)ud;
    return pow(x[0] - 3.0, 2) + pow(x[1] + 1.0, 2);
}

static double nan_fn(const double *x, void *ud)
{
    (void)ud;
    return x[0] > 0.5 ? (double)NAN : (x[0] - 0.2) * (x[0] - 0.2);
}

int main(void)
{
    const double lo[2] = {-2.0, -2.0}, hi[2] = {2.0, 2.0};
    const char *name[3] = {"BOBYQA", "SBPLX", "COBYLA"};
    char msg[256];
    its__opt_result r, r2;
    for (int a = 0; a < 3; a++) {
        double x[2] = {-1.2, 1.0}, y[2] = {-1.2, 1.0};
        long calls = 0, calls2 = 0;
        its_status st = its__opt_minimize((its__opt_algo)a, 2, rosenbrock, &calls, lo, hi, x,
                                          1e-10, 0.0, 20000, &r, msg, sizeof msg);
        its_test_true(st == ITS_OK && fabs(x[0] - 1.0) < 1e-4 && fabs(x[1] - 1.0) < 1e-4,
                      "%s: Rosenbrock minimum (1, 1): (%.6f, %.6f) after %ld evaluations (%s)",
                      name[a], x[0], x[1], r.evals, msg);
        its_test_true(r.evals == calls, "%s: evaluations counted (%ld)", name[a], calls);
        its__opt_minimize((its__opt_algo)a, 2, rosenbrock, &calls2, lo, hi, y, 1e-10, 0.0,
                          20000, &r2, NULL, 0);
        its_test_true(memcmp(x, y, sizeof x) == 0 && r.fmin == r2.fmin && r.evals == r2.evals,
                      "%s: the same start gives the same result, bit for bit", name[a]);
    }
    {
        double x[2] = {1.0, 1.0}, b0[2] = {0.0, 0.0}, b1[2] = {2.0, 2.0};
        its_status st = its__opt_minimize(ITS__OPT_BOBYQA, 2, bowl, NULL, b0, b1, x, 1e-10, 0.0,
                                          2000, &r, msg, sizeof msg);
        its_test_true(st == ITS_OK && fabs(x[0] - 2.0) < 1e-8 && fabs(x[1]) < 1e-8,
                      "a minimum outside the box ends on its corner (2, 0): (%g, %g)", x[0], x[1]);
    }
    {
        double x[2] = {3.0, 0.0};
        its_test_true(its__opt_minimize(ITS__OPT_BOBYQA, 2, bowl, NULL, lo, hi, x, 1e-8, 0.0, 100,
                                        &r, msg, sizeof msg) == ITS_EINVAL &&
                          strstr(msg, "outside") != NULL,
                      "a start outside the box: EINVAL (%s)", msg);
        its_test_true(its__opt_minimize(ITS__OPT_BOBYQA, 0, bowl, NULL, lo, hi, x, 1e-8, 0.0, 100,
                                        &r, msg, sizeof msg) == ITS_EINVAL,
                      "no dimension: EINVAL");
    }
    {
        double x[1] = {0.45}, l1[1] = {0.0}, h1[1] = {1.0};
        its_status st = its__opt_minimize(ITS__OPT_SBPLX, 1, nan_fn, NULL, l1, h1, x, 1e-10, 0.0,
                                          2000, &r, msg, sizeof msg);
        its_test_true(st == ITS_OK && fabs(x[0] - 0.2) < 1e-6,
                      "NaN values (x > 0.5) are taken as very large: minimum 0.2 found from 0.45 (%g)", x[0]);
    }
    return its_test_done();
}
