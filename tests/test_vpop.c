/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the prevalence weighting of a virtual-population pool
 * (src/run/vpop.c) on pools whose answer is known in closed form. One
 * calibrated parameter x with plausible range [1, 100]; the outcome of a
 * patient is 1 when x > 10. Under a candidate population (x lognormal with
 * median m and sigma s, truncated to [1, 100]) the share with x > 10 is
 * P = (Phi(b) - Phi(z10)) / (Phi(b) - Phi(a)) on log x. Checked:
 *   - weights: the weighted share of a pool drawn log-uniformly equals P
 *     within 4 standard errors of the weighted estimate (n = 20,000, fixed
 *     seed), and so does a pool of two rounds (the second drawn from a
 *     truncated lognormal; balance-heuristic weights);
 *   - the ESS is 1 / sum w^2 of the normalised weights;
 *   - the fit brings the weighted share to a target of 30 % (CI 28-32 %)
 *     and the fitted population's closed-form share lies within the CI,
 *     with an ESS above the minimum asked;
 *   - the fit is deterministic (bit-identical twice);
 *   - a median target (PFS): with y = 10 x days, censored (+inf) above
 *     x = 50, the weighted median is 10 times the closed-form median of the
 *     truncated lognormal, its CDF within 4 standard errors of one half; it
 *     is +inf (not reached) when most are censored; the fit brings the
 *     closed-form median into a target range with about 5 % of the
 *     patients to spare on each side;
 *   - a patient outside every proposal is refused. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "its_test.h"
#include "core/core.h"
#include "run/run.h"

#define N 20000

static double x[N], y[N];

/* P(x > 10) under theta = (log m, log s) on [1, 100] */
static double share_above_10(const double *theta)
{
    double mu = theta[0], s = exp(theta[1]);
    double a = (log(1.0) - mu) / s, b = (log(100.0) - mu) / s, z = (log(10.0) - mu) / s;
    return (gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(z)) /
           (gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a));
}

/* The median of x under theta on [1, 100], and its CDF at q. */
static double median_x(const double *theta)
{
    double mu = theta[0], s = exp(theta[1]);
    double a = gsl_cdf_ugaussian_P((log(1.0) - mu) / s), b = gsl_cdf_ugaussian_P((log(100.0) - mu) / s);
    return exp(mu + s * gsl_cdf_ugaussian_Pinv(a + 0.5 * (b - a)));
}

static double cdf_x(const double *theta, double q)
{
    double mu = theta[0], s = exp(theta[1]);
    double a = gsl_cdf_ugaussian_P((log(1.0) - mu) / s), b = gsl_cdf_ugaussian_P((log(100.0) - mu) / s);
    return (gsl_cdf_ugaussian_P((log(q) - mu) / s) - a) / (b - a);
}

static void setup(its__vpop *v, its__dist *prop, size_t rounds, const double *draws,
                  const its__calib_target *t)
{
    static const double lo[1] = {1.0}, hi[1] = {100.0};
    memset(v, 0, sizeof *v);
    v->n = N;
    v->n_vary = 1;
    v->n_rounds = rounds;
    v->x = x;
    v->prop = prop;
    v->draws = draws;
    v->lo = lo;
    v->hi = hi;
    v->n_targets = 1;
    v->targets = t;
    v->y = y;
    v->min_ess = 2000.0;
}

int main(void)
{
    its__dist prop[2];
    its__calib_target t;
    its__vpop v;
    double draws[2] = {N, 0.0}, theta[2] = {log(5.0), log(0.8)}, p, se, s2 = 0.0, fit[2], fit2[2];
    its__rng_key key = {20261207, 0, ITS__RNG_PARAMETERS, 0};
    size_t i;
    char msg[256];

    memset(&t, 0, sizeof t);
    its__fmt(t.id, sizeof t.id, "T");
    t.measure = ITS__MEASURE_ORR;
    t.value = 0.30;
    t.lo = 0.28;
    t.hi = 0.32;
    its__dist_loguniform(&prop[0], 1.0, 100.0, NULL, 0);
    for (i = 0; i < N; i++) {
        x[i] = its__dist_quantile(&prop[0], its__rng_u01(&key, i));
        y[i] = x[i] > 10.0;
    }
    /* ---- one round: weights against the closed form */
    setup(&v, prop, 1, draws, &t);
    its_test_true(its__vpop_prepare(&v, msg, sizeof msg) == ITS_OK, "prepare (%s)", msg);
    its__vpop_loss(&v, theta);
    p = share_above_10(theta);
    for (i = 0; i < N; i++)
        s2 += v.w[i] * v.w[i] * (y[i] - v.est[0]) * (y[i] - v.est[0]);
    se = sqrt(s2);
    its_test_abs(v.est[0], p, 4.0 * se, "one round: weighted share %.4f = closed form %.4f "
                 "(4 SE = %.4f)", v.est[0], p, 4.0 * se);
    {
        double ss = 0.0;
        for (i = 0; i < N; i++)
            ss += v.w[i] * v.w[i];
        its_test_rel(v.ess, 1.0 / ss, 1e-12, "ESS = 1 / sum w^2 (%.0f)", v.ess);
    }
    its__vpop_free(&v);

    /* ---- two rounds: the second half of the pool from a truncated lognormal */
    its__dist_trunclognormal(&prop[1], 20.0, 0.7, 1.0, 100.0, NULL, 0);
    {
        its__rng_key k2 = {20261207, 1, ITS__RNG_PARAMETERS, 0};
        for (i = N / 2; i < N; i++) {
            x[i] = its__dist_quantile(&prop[1], its__rng_u01(&k2, i));
            y[i] = x[i] > 10.0;
        }
    }
    draws[0] = draws[1] = N / 2;
    setup(&v, prop, 2, draws, &t);
    its_test_true(its__vpop_prepare(&v, msg, sizeof msg) == ITS_OK, "two rounds: prepare");
    its__vpop_loss(&v, theta);
    for (i = 0, s2 = 0.0; i < N; i++)
        s2 += v.w[i] * v.w[i] * (y[i] - v.est[0]) * (y[i] - v.est[0]);
    its_test_abs(v.est[0], p, 4.0 * sqrt(s2), "two rounds: weighted share %.4f = closed form "
                 "%.4f (4 SE = %.4f)", v.est[0], p, 4.0 * sqrt(s2));

    /* ---- the fit, twice */
    its_test_true(its__vpop_fit(&v, 3, 400, fit, msg, sizeof msg) == ITS_OK, "fit (%s)", msg);
    its_test_abs(v.est[0], 0.30, 0.02, "fit: weighted share %.4f within the CI 28-32 %%",
                 v.est[0]);
    its_test_abs(share_above_10(fit), 0.30, 0.02, "fit: the fitted population's closed-form "
                 "share %.4f within the CI (median %.3g, sigma %.3g)", share_above_10(fit),
                 exp(fit[0]), exp(fit[1]));
    its_test_true(v.ess >= 2000.0, "fit: ESS %.0f above the minimum 2000", v.ess);
    its_test_true(v.n_hist > 0 && v.hist[4 * (v.n_hist - 1) + 2] >= 0.0,
                  "fit: %zu evaluations in the history", v.n_hist);
    its__vpop_free(&v);
    setup(&v, prop, 2, draws, &t);
    its__vpop_prepare(&v, NULL, 0);
    its__vpop_fit(&v, 3, 400, fit2, NULL, 0);
    its_test_true(memcmp(fit, fit2, sizeof fit) == 0, "fit: deterministic, bit for bit");
    its__vpop_free(&v);

    /* ---- a median target: PFS y = 10 x days, censored above x = 50 */
    {
        its__calib_target tm;
        double th[2] = {log(8.0), log(0.9)}, thc[2] = {log(90.0), log(0.3)}, fm[2], ss = 0.0;
        memset(&tm, 0, sizeof tm);
        its__fmt(tm.id, sizeof tm.id, "PFS");
        tm.measure = ITS__MEASURE_PFS_MEDIAN;
        tm.range = 1;
        tm.value = NAN;
        tm.lo = 150.0;
        tm.hi = 200.0;
        for (i = 0; i < N; i++)
            y[i] = x[i] > 50.0 ? (double)INFINITY : 10.0 * x[i];
        setup(&v, prop, 2, draws, &tm);
        its_test_true(its__vpop_prepare(&v, msg, sizeof msg) == ITS_OK, "median: prepare");
        its__vpop_loss(&v, th);
        for (i = 0; i < N; i++) {
            double ind = y[i] <= v.est[0] ? 1.0 : 0.0;
            ss += v.w[i] * v.w[i] * (ind - 0.5) * (ind - 0.5);
        }
        its_test_abs(cdf_x(th, v.est[0] / 10.0), 0.5, 4.0 * sqrt(ss),
                     "median: weighted median %.2f d against 10 x the closed form %.2f d "
                     "(CDF %.4f, 4 SE = %.4f)", v.est[0], 10.0 * median_x(th),
                     cdf_x(th, v.est[0] / 10.0), 4.0 * sqrt(ss));
        its_test_true(v.loss > 1.0, "median: %.1f d outside [150, 200] costs %.3g",
                      v.est[0], v.loss);
        its__vpop_loss(&v, thc);
        its_test_true(isinf(v.est[0]), "median: not reached when most are censored (%g)",
                      v.est[0]);
        its_test_true(its__vpop_fit(&v, 3, 400, fm, msg, sizeof msg) == ITS_OK, "median: fit");
        its_test_true(10.0 * median_x(fm) >= 150.0 && 10.0 * median_x(fm) <= 200.0,
                      "median: the fitted population's closed-form median %.1f d in [150, 200] "
                      "(weighted %.1f d)", 10.0 * median_x(fm), v.est[0]);
        /* with the 5 % margin on each side, within 2 points of weighting
         * noise (n = 20,000) */
        its_test_true(cdf_x(fm, 15.0) <= 0.47 && cdf_x(fm, 20.0) >= 0.53,
                      "median: a margin on each side: closed-form CDF %.3f at 150 d, %.3f at 200 d",
                      cdf_x(fm, 15.0), cdf_x(fm, 20.0));
        its__vpop_free(&v);
    }

    /* ---- a check (calibration.checks) is estimated but costs nothing */
    {
        its__calib_target two[2];
        double l1;
        memset(two, 0, sizeof two);
        two[0] = t;
        two[1] = t;
        two[1].check = 1;
        two[1].value = 0.9; /* far from any weighted share */
        two[1].lo = 0.89;
        two[1].hi = 0.91;
        for (i = 0; i < N; i++)
            y[i] = x[i] > 10.0;
        setup(&v, prop, 2, draws, &t);
        its__vpop_prepare(&v, NULL, 0);
        l1 = its__vpop_loss(&v, theta);
        its__vpop_free(&v);
        setup(&v, prop, 2, draws, two);
        v.n_targets = 2;
        {
            static double yy[2 * N]; /* the same outcomes for both */
            double l2;
            memcpy(yy, y, N * sizeof *y);
            memcpy(yy + N, y, N * sizeof *y);
            v.y = yy;
            its__vpop_prepare(&v, NULL, 0);
            l2 = its__vpop_loss(&v, theta);
            its_test_true(l2 == l1 && v.est[1] == v.est[0] && v.est[1] > 0.1,
                          "a check: estimated (%.4f) but adds nothing to the loss (%.6g = %.6g)",
                          v.est[1], l2, l1);
        }
        its__vpop_free(&v);
    }

    /* ---- a patient outside every proposal */
    x[7] = 500.0;
    setup(&v, prop, 2, draws, &t);
    its_test_true(its__vpop_prepare(&v, msg, sizeof msg) == ITS_EINVAL && strstr(msg, "outside"),
                  "a patient outside every proposal: EINVAL (%s)", msg);
    its__vpop_free(&v);
    return its_test_done();
}
