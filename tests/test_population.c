/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: reproducible population draws (issue 11): the keyed Random123
 * numbers (src/core/rng.c), the distributions and their quantiles and the
 * Gaussian copula (src/core/dist.c, with GSL through core/gsl_adapter.c).
 *
 * Fixed seeds, so every number below is deterministic; the tolerances are
 * those a correct sampler meets with overwhelming probability at any seed:
 *   - a sample mean within 5 standard errors, SE = sigma / sqrt(n);
 *   - a sample SD within 5 SE, SE(s) = sqrt((m4 - s^4) / n) / (2 s) (delta
 *     method, m4 the sample's fourth central moment);
 *   - a sample p-quantile x_p with |F(x_p) - p| <= 5 sqrt(p (1 - p) / n)
 *     (the binomial SE of the fraction of draws below the true quantile);
 *   - the Kolmogorov-Smirnov statistic below its 0.1 % critical value
 *     1.95 / sqrt(n);
 *   - a Pearson correlation of normal scores within 5 (1 - rho^2) / sqrt(n);
 *   - a discrete frequency within 5 sqrt(p (1 - p) / n).
 * The CDFs, means and SDs they are compared with are written out here from
 * the textbook formulas (GSL's CDFs), independently of src/core/dist.c. */
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include <Random123/philox.h>

#include "its_test.h"
#include "core/core.h"

#define N 20000
#define SEED 20261206u
#define NSE 5.0

typedef double (*cdf_fn)(double x, const double *p);

static double xs[N];
/* Each sample of check_sample has its own seed, so that the checks of the
 * distributions are independent of one another (with one seed for all,
 * every KS statistic would be that of the same uniforms). */
static uint64_t sample_seed = SEED;

static its__rng_key key_of(uint64_t seed, uint64_t patient, uint32_t purpose, uint32_t stream)
{
    its__rng_key k;
    k.seed = seed;
    k.patient = patient;
    k.purpose = purpose;
    k.stream = stream;
    return k;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int contains(const char *msg, const char *what)
{
    return strstr(msg, what) != NULL;
}

/* ---- keying ------------------------------------------------------------------ */

static void test_u01_mapping(void)
{
    double lo = its__rng_u01_of_word(0), hi = its__rng_u01_of_word(UINT64_MAX);

    its_test_true(lo == 0x1p-53 && lo == ITS__U01_MIN && lo > 0.0,
                  "u01: word 0 gives 2^-53 (%.3g), never 0", lo);
    its_test_true(hi == 1.0 - 0x1p-53 && hi == ITS__U01_MAX && hi < 1.0,
                  "u01: word 2^64-1 gives 1 - 2^-53, never 1 (1 - u = %.3g)", 1.0 - hi);
    its_test_true(1.0 - hi == lo && its__rng_u01_of_word(UINT64_C(1) << 63) == 0.5 + 0x1p-53,
                  "u01: symmetric about 1/2 (half a step above 1/2 at 2^63)");
}

/* The numbers of one key are pinned: stored trials are reproduced from
 * their seeds, so a change of the key layout or the mapping must show.
 * The values are Philox4x64-10 with key {seed, patient} and counter
 * {purpose, stream, index / 4, 0}, lane index % 4, as documented; the
 * layout is also checked against Random123 called directly. */
static void test_pinned(void)
{
    its__rng_key k = key_of(SEED, 7, ITS__RNG_PARAMETERS, 0);
    static const uint64_t want[5] = {
        UINT64_C(0xff41d4c0eee3d3c6), UINT64_C(0x422ee738735abaf8),
        UINT64_C(0x593a174c63362541), UINT64_C(0xde335f0ad77263d8),
        UINT64_C(0x1494ea1ca5617ba2)};
    int ok = 1, layout = 1;
    uint64_t i;

    for (i = 0; i < 5; i++)
        ok &= its__rng_word(&k, i) == want[i];
    its_test_true(ok, "rng: the first five words of (seed %u, patient 7, parameters, stream 0) "
                      "are the pinned ones",
                  SEED);
    k = key_of(UINT64_C(0x0123456789abcdef), 123456789, ITS__RNG_LESIONS, 3);
    for (i = 1000; i < 1010; i++) {
        philox4x64_key_t pk = {{k.seed, k.patient}};
        philox4x64_ctr_t pc = {{k.purpose, k.stream, i / 4, 0}};
        layout &= philox4x64(pc, pk).v[i % 4] == its__rng_word(&k, i);
    }
    its_test_true(layout, "rng: words are Philox4x64-10 with the documented key and counter");
}

/* Same key and index, same number; any component changed, another. */
static void test_keying(void)
{
    its__rng_key k = key_of(SEED, 7, ITS__RNG_PARAMETERS, 0), m;
    double u = its__rng_u01(&k, 5), fill[12];
    int differ = 1, same = 1;
    size_t i;

    its_test_true(its__rng_u01(&k, 5) == u, "rng: the same (seed, patient, purpose, stream, "
                                            "index) gives the same number");
    m = k, m.seed++, differ &= its__rng_u01(&m, 5) != u;
    m = k, m.patient++, differ &= its__rng_u01(&m, 5) != u;
    m = k, m.purpose = ITS__RNG_LESIONS, differ &= its__rng_u01(&m, 5) != u;
    m = k, m.stream = 1, differ &= its__rng_u01(&m, 5) != u;
    differ &= its__rng_u01(&k, 6) != u && its__rng_u01(&k, 4) != u;
    its_test_true(differ, "rng: changing the seed, patient, purpose, stream or index changes "
                          "the number");
    its__rng_fill_u01(&k, 3, 12, fill);
    for (i = 0; i < 12; i++)
        same &= fill[i] == its__rng_u01(&k, 3 + i);
    its_test_true(same, "rng: a block fill from index 3 equals the numbers one by one");
}

/* Patient 7's draws do not depend on whether patients 0..6 were drawn
 * before, or in which order (the copula draw of a patient: 3 numbers). */
static void test_order(const its__copula *c, const its__dist *marg)
{
    double fresh[3], later[3], scratch[3];
    its__rng_key k7 = key_of(SEED, 7, ITS__RNG_PARAMETERS, 0), k;
    int p;

    its__copula_draw(c, marg, &k7, 0, fresh, NULL);
    for (p = 6; p >= 0; p--) {
        k = key_of(SEED, (uint64_t)p, ITS__RNG_PARAMETERS, 0);
        its__copula_draw(c, marg, &k, 0, scratch, NULL);
    }
    for (p = 0; p < 7; p++) {
        k = key_of(SEED, (uint64_t)p, ITS__RNG_PARAMETERS, 0);
        its__copula_draw(c, marg, &k, 0, scratch, NULL);
    }
    its__copula_draw(c, marg, &k7, 0, later, NULL);
    its_test_true(memcmp(fresh, later, sizeof fresh) == 0,
                  "rng: patient 7's draws are identical whether patients 0..6 were drawn "
                  "before (in either order) or not");
}

/* ---- distributions ------------------------------------------------------------- */

static double ks_stat(const double *x, size_t n, cdf_fn cdf, const double *p);

static double cdf_u01(double x, const double *p)
{
    (void)p;
    return x;
}

/* The uniforms themselves, across patients (number 0 of patients 0..N-1,
 * how a population draws) and along one patient's stream (numbers 0..N-1),
 * for 10 seeds: every KS statistic below the 0.1 % critical value, and
 * the mean of sqrt(n) D near its asymptotic expectation
 * sqrt(pi/2) ln 2 = 0.8687 (within 5 SE of the mean of 10, with the
 * Kolmogorov distribution's SD 0.2603). */
static void test_uniform_stream(void)
{
    double sum[2] = {0.0, 0.0}, worst = 0.0;
    int ok = 1, s, w;
    size_t i;

    for (s = 0; s < 10; s++)
        for (w = 0; w < 2; w++) {
            double d;
            for (i = 0; i < N; i++) {
                its__rng_key k = key_of(SEED + (uint64_t)s, w ? 7 : i, ITS__RNG_PARAMETERS, 0);
                xs[i] = its__rng_u01(&k, w ? i : 0);
            }
            qsort(xs, N, sizeof *xs, cmp_double);
            d = ks_stat(xs, N, cdf_u01, NULL) * sqrt((double)N);
            sum[w] += d;
            worst = fmax(worst, d);
            ok &= d < 1.95;
        }
    its_test_true(ok, "rng: uniforms of 10 seeds, across patients and along a stream: "
                      "sqrt(n) KS below 1.95 (worst %.3f)",
                  worst);
    for (w = 0; w < 2; w++)
        its_test_abs(sum[w] / 10.0, 0.8687, 5.0 * 0.2603 / sqrt(10.0),
                     "rng: mean sqrt(n) KS over 10 seeds %s near its expectation",
                     w ? "along a stream" : "across patients");
}

/* KS statistic of the sorted sample x[0..n) against cdf. */
static double ks_stat(const double *x, size_t n, cdf_fn cdf, const double *p)
{
    double d = 0.0;
    size_t i;

    for (i = 0; i < n; i++) {
        double f = cdf(x[i], p);
        d = fmax(d, fmax((double)(i + 1) / (double)n - f, f - (double)i / (double)n));
    }
    return d;
}

/* Mean, SD and the SE of the SD (delta method) of x[0..n). */
static void moments(const double *x, size_t n, double *mean, double *sd, double *se_sd)
{
    double s = 0.0, m2 = 0.0, m4 = 0.0;
    size_t i;

    for (i = 0; i < n; i++)
        s += x[i];
    *mean = s / (double)n;
    for (i = 0; i < n; i++) {
        double e = (x[i] - *mean) * (x[i] - *mean);
        m2 += e;
        m4 += e * e;
    }
    m2 /= (double)n;
    m4 /= (double)n;
    *sd = sqrt(m2 * (double)n / (double)(n - 1));
    *se_sd = sqrt(fmax(m4 - m2 * m2, 0.0) / (double)n) / (2.0 * sqrt(m2));
}

/* N draws of d, one per patient (number 0 of each patient's parameter
 * stream), sorted into xs. */
static void draw_sorted(const its__dist *d, uint64_t seed)
{
    size_t i;

    for (i = 0; i < N; i++) {
        its__rng_key k = key_of(seed, i, ITS__RNG_PARAMETERS, 0);
        xs[i] = its__dist_quantile(d, its__rng_u01(&k, 0));
    }
    qsort(xs, N, sizeof *xs, cmp_double);
}

/* Moments, quantiles, KS and bounds of N draws of d against the analytic
 * cdf (parameters p), mean and sd, and support [lo, hi]. */
static void check_sample(const char *name, const its__dist *d, cdf_fn cdf, const double *p,
                         double mean, double sd, double lo, double hi)
{
    static const double probs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    double m, s, se_s, ks, worst = 0.0;
    int qok = 1;
    size_t j;

    printf("      seed %llu\n", (unsigned long long)sample_seed);
    draw_sorted(d, sample_seed++);
    moments(xs, N, &m, &s, &se_s);
    its_test_abs(m, mean, NSE * sd / sqrt((double)N), "%s: sample mean within 5 SE", name);
    its_test_abs(s, sd, NSE * se_s, "%s: sample SD within 5 SE", name);
    for (j = 0; j < 5; j++) {
        double xp = xs[(size_t)(probs[j] * N)], f = cdf(xp, p);
        double z = fabs(f - probs[j]) / sqrt(probs[j] * (1.0 - probs[j]) / N);
        worst = fmax(worst, z);
        qok &= z <= NSE;
    }
    its_test_true(qok, "%s: sample 5/25/50/75/95 %% quantiles within 5 SE on the CDF scale "
                       "(worst %.2f SE)",
                  name, worst);
    ks = ks_stat(xs, N, cdf, p);
    its_test_true(ks < 1.95 / sqrt((double)N), "%s: KS statistic %.5f < 0.1 %% critical %.5f",
                  name, ks, 1.95 / sqrt((double)N));
    its_test_true(xs[0] >= lo && xs[N - 1] <= hi, "%s: draws in [%g, %g] (min %.6g, max %.6g)",
                  name, lo, hi, xs[0], xs[N - 1]);
}

static double cdf_normal(double x, const double *p)
{
    return gsl_cdf_gaussian_P(x - p[0], p[1]);
}

/* Truncated normal: (Phi(z) - Phi(a)) / (Phi(b) - Phi(a)), from the tail
 * the interval lies in. */
static double cdf_truncnormal(double x, const double *p)
{
    double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1], z = (x - p[0]) / p[1];
    if (a >= 0.0)
        return (gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(z)) /
               (gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b));
    return (gsl_cdf_ugaussian_P(z) - gsl_cdf_ugaussian_P(a)) /
           (gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a));
}

/* Mean and SD of the truncated normal (p as above). */
static void truncnormal_moments(const double *p, double *mean, double *sd)
{
    double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1];
    double fa = gsl_ran_ugaussian_pdf(a), fb = isinf(b) ? 0.0 : gsl_ran_ugaussian_pdf(b);
    double z = a >= 0.0 ? gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b)
                        : gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    double r = (fa - fb) / z, bfb = isinf(b) ? 0.0 : b * fb;
    *mean = p[0] + p[1] * r;
    *sd = p[1] * sqrt(1.0 + (a * fa - bfb) / z - r * r);
}

static double cdf_lognormal(double x, const double *p)
{
    return gsl_cdf_lognormal_P(x, log(p[0]), p[1]);
}

static double cdf_uniform(double x, const double *p)
{
    return gsl_cdf_flat_P(x, p[0], p[1]);
}

static double cdf_loguniform(double x, const double *p)
{
    return gsl_cdf_flat_P(log(x), log(p[0]), log(p[1]));
}

static void test_normal(void)
{
    its__dist d;
    double p[2] = {10.0, 2.0};

    its_test_true(its__dist_normal(&d, p[0], p[1], NULL, 0) == ITS_OK, "normal(10, 2) accepted");
    its_test_rel(its__dist_quantile(&d, 0.975), 10.0 + 2.0 * 1.959963984540054, 1e-12,
                 "normal: q(0.975) = mean + 1.95996 SD");
    check_sample("normal(10, 2)", &d, cdf_normal, p, 10.0, 2.0, -HUGE_VAL, HUGE_VAL);
}

static void test_truncnormal(void)
{
    static const double cases[4][4] = {
        {1.0, 2.0, 0.0, 3.0},  /* central */
        {0.0, 1.0, 3.0, HUGE_VAL}, /* upper tail, one-sided */
        {0.0, 1.0, 8.0, 9.0},  /* far upper tail: 1 - Phi(8) has ~1 digit */
        {0.0, 1.0, -31.0, -30.0} /* far lower tail: P(-30) ~ 5e-198 */
    };
    its__dist d;
    char name[96];
    int i, ends = 1;

    for (i = 0; i < 4; i++) {
        const double *p = cases[i];
        double mean, sd;
        snprintf(name, sizeof name, "truncated normal(%g, %g) on [%g, %g]", p[0], p[1], p[2],
                 p[3]);
        its_test_true(its__dist_truncnormal(&d, p[0], p[1], p[2], p[3], NULL, 0) == ITS_OK,
                      "%s accepted", name);
        ends &= its__dist_quantile(&d, ITS__U01_MIN) >= p[2] &&
                its__dist_quantile(&d, ITS__U01_MAX) <= p[3] &&
                isfinite(its__dist_quantile(&d, ITS__U01_MAX));
        truncnormal_moments(p, &mean, &sd);
        check_sample(name, &d, cdf_truncnormal, p, mean, sd, p[2], p[3]);
    }
    its_test_true(ends, "truncated normal: q(2^-53) and q(1 - 2^-53) finite and within bounds");
    its__dist_truncnormal(&d, 5.0, 1.0, 3.0, 7.0, NULL, 0);
    its_test_abs(its__dist_quantile(&d, 0.5), 5.0, 1e-12,
                 "truncated normal: median of a symmetric truncation is the mean");
}

static void test_lognormal(void)
{
    its__dist d;
    double p[2] = {5.0, sqrt(log(1.25))}, mean = 5.0 * sqrt(1.25);

    its_test_true(its__dist_lognormal_cv(&d, 5.0, 0.5, NULL, 0) == ITS_OK,
                  "lognormal(median 5, CV 0.5) accepted");
    its_test_rel(its__dist_quantile(&d, 0.5), 5.0, 1e-14, "lognormal: q(0.5) is the median");
    check_sample("lognormal(median 5, CV 0.5)", &d, cdf_lognormal, p, mean, 0.5 * mean, 0.0,
                 HUGE_VAL);
    p[0] = 2.0;
    p[1] = log(1.8);
    mean = 2.0 * exp(p[1] * p[1] / 2.0);
    its_test_true(its__dist_lognormal_gsd(&d, 2.0, 1.8, NULL, 0) == ITS_OK,
                  "lognormal(median 2, GSD 1.8) accepted");
    its_test_rel(its__dist_quantile(&d, gsl_cdf_ugaussian_P(1.0)), 3.6, 1e-12,
                 "lognormal: q(Phi(1)) = median x GSD");
    check_sample("lognormal(median 2, GSD 1.8)", &d, cdf_lognormal, p, mean,
                 mean * sqrt(expm1(p[1] * p[1])), 0.0, HUGE_VAL);
}

static void test_uniforms(void)
{
    its__dist d;
    double p[2] = {-1.0, 3.0}, q[2] = {0.01, 100.0}, l = log(1e4);
    double mean = (100.0 - 0.01) / l, m2 = (1e4 - 1e-4) / (2.0 * l);

    its_test_true(its__dist_uniform(&d, -1.0, 3.0, NULL, 0) == ITS_OK, "uniform(-1, 3) accepted");
    its_test_abs(its__dist_quantile(&d, 0.25), 0.0, 1e-15, "uniform: q(0.25) = 0");
    check_sample("uniform(-1, 3)", &d, cdf_uniform, p, 1.0, 4.0 / sqrt(12.0), -1.0, 3.0);
    its_test_true(its__dist_loguniform(&d, 0.01, 100.0, NULL, 0) == ITS_OK,
                  "log-uniform(0.01, 100) accepted");
    its_test_rel(its__dist_quantile(&d, 0.5), 1.0, 1e-14,
                 "log-uniform: q(0.5) is the geometric mean");
    check_sample("log-uniform(0.01, 100)", &d, cdf_loguniform, q, mean, sqrt(m2 - mean * mean),
                 0.01, 100.0);
}

/* The truncated lognormal (calibrated populations) and the log-densities
 * of every continuous kind. A density is checked against its own quantile
 * function through the identity pdf(q(u)) q'(u) = 1 (q' by central
 * differences, step 1e-6: truncation error ~1e-9 relative), and the
 * truncated lognormal's median against the closed form exp(mu + sd
 * Phi^-1((Phi(a) + Phi(b)) / 2)) on log x. */
static void test_trunclognormal_logpdf(void)
{
    its__dist d[7];
    const char *name[7] = {"normal", "truncnormal", "lognormal", "trunclognormal",
                           "uniform", "loguniform", "trunclognormal one-sided"};
    double worst = 0.0, a = (log(0.5) - log(2.0)) / 0.8, b = (log(6.0) - log(2.0)) / 0.8;
    int ok = its__dist_normal(&d[0], 1.5, 2.0, NULL, 0) == ITS_OK &&
             its__dist_truncnormal(&d[1], 1.0, 2.0, -0.5, 4.0, NULL, 0) == ITS_OK &&
             its__dist_lognormal_gsd(&d[2], 2.0, 2.5, NULL, 0) == ITS_OK &&
             its__dist_trunclognormal(&d[3], 2.0, 0.8, 0.5, 6.0, NULL, 0) == ITS_OK &&
             its__dist_uniform(&d[4], -1.0, 3.0, NULL, 0) == ITS_OK &&
             its__dist_loguniform(&d[5], 0.01, 100.0, NULL, 0) == ITS_OK &&
             its__dist_trunclognormal(&d[6], 1e-6, 1.5, 0.0, 4e-6, NULL, 0) == ITS_OK;
    its_test_true(ok, "every continuous kind accepted");
    for (int k = 0; ok && k < 7; k++) {
        double bad = 0.0;
        for (int j = 1; j < 20; j++) {
            double u = j / 20.0, h = 1e-6, x = its__dist_quantile(&d[k], u);
            double dq = (its__dist_quantile(&d[k], u + h) - its__dist_quantile(&d[k], u - h)) /
                        (2.0 * h);
            double e = fabs(exp(its__dist_logpdf(&d[k], x)) * dq - 1.0);
            bad = e > bad ? e : bad;
        }
        its_test_true(bad < 1e-6, "%s: pdf(q(u)) q'(u) = 1 within %.2g", name[k], bad);
        worst = bad > worst ? bad : worst;
    }
    its_test_rel(its__dist_quantile(&d[3], 0.5),
                 exp(log(2.0) + 0.8 * gsl_cdf_ugaussian_Pinv(0.5 * (gsl_cdf_ugaussian_P(a) +
                                                                      gsl_cdf_ugaussian_P(b)))),
                 1e-12, "trunclognormal: the median in closed form");
    its_test_true(its__dist_quantile(&d[3], 1e-9) >= 0.5 && its__dist_quantile(&d[3], 1 - 1e-9) <= 6.0,
                  "trunclognormal: quantiles inside [0.5, 6]");
    its_test_true(its__dist_logpdf(&d[3], 0.4) == -HUGE_VAL && its__dist_logpdf(&d[5], 200.0) ==
                      -HUGE_VAL && its__dist_logpdf(&d[2], -1.0) == -HUGE_VAL,
                  "log-density -inf outside the support");
    its_test_true(its__dist_trunclognormal(&d[0], 2.0, 0.8, 6.0, 0.5, NULL, 0) == ITS_EINVAL &&
                      its__dist_trunclognormal(&d[0], 2.0, 0.0, 0.5, 6.0, NULL, 0) == ITS_EINVAL &&
                      its__dist_trunclognormal(&d[0], 2.0, 0.1, 1e3, 1e4, NULL, 0) == ITS_EINVAL,
                  "trunclognormal refuses lower > upper, sigma 0 and an interval 40 SD away");
}

static void test_discrete_fixed(void)
{
    static const double v[3] = {1.0, 2.0, 5.0}, pr[3] = {0.2, 0.5, 0.3};
    its__dist d;
    size_t count[3] = {0, 0, 0}, i, j;
    int ok = 1, fixed = 1;
    double worst = 0.0;

    its_test_true(its__dist_discrete(&d, 3, v, pr, NULL, 0) == ITS_OK,
                  "discrete {1, 2, 5} with {0.2, 0.5, 0.3} accepted");
    its_test_true(its__dist_quantile(&d, 0.2) == 1.0 &&
                      its__dist_quantile(&d, 0.2 + 1e-12) == 2.0 &&
                      its__dist_quantile(&d, 0.7) == 2.0 && its__dist_quantile(&d, 0.71) == 5.0,
                  "discrete: q(u) is the first value whose cumulative probability reaches u");
    draw_sorted(&d, sample_seed++);
    for (i = 0; i < N; i++)
        for (j = 0; j < 3; j++)
            count[j] += xs[i] == v[j];
    for (j = 0; j < 3; j++) {
        double z = fabs((double)count[j] / N - pr[j]) / sqrt(pr[j] * (1.0 - pr[j]) / N);
        worst = fmax(worst, z);
        ok &= z <= NSE;
    }
    its_test_true(ok && count[0] + count[1] + count[2] == N,
                  "discrete: frequencies %zu/%zu/%zu within 5 SE (worst %.2f SE)", count[0],
                  count[1], count[2], worst);
    its__dist_clear(&d);
    its__dist_fixed(&d, 4.2, NULL, 0);
    draw_sorted(&d, SEED);
    for (i = 0; i < N; i++)
        fixed &= xs[i] == 4.2;
    its_test_true(fixed, "fixed: every draw is the value");
    its__dist_clear(&d);
}

/* ---- Gaussian copula -------------------------------------------------------------- */

static const double R3[9] = {1.0, 0.6, -0.3, 0.6, 1.0, 0.2, -0.3, 0.2, 1.0};

/* Normal-score correlations within 5 SE of R3, and every marginal's KS. */
static void test_copula_sample(const its__copula *c, const its__dist *marg, cdf_fn *cdfs,
                               double (*mp)[2])
{
    static double z[N][3], x[N][3];
    double s[3] = {0, 0, 0}, worst = 0.0;
    size_t i, a, b;
    int ok = 1;
    uint64_t seed = sample_seed++;

    for (i = 0; i < N; i++) {
        its__rng_key k = key_of(seed, i, ITS__RNG_PARAMETERS, 0);
        its__copula_draw(c, marg, &k, 0, x[i], z[i]);
    }
    for (a = 0; a < 3; a++)
        for (i = 0; i < N; i++)
            s[a] += z[i][a] * z[i][a];
    for (a = 0; a < 3; a++)
        for (b = a + 1; b < 3; b++) {
            double sab = 0.0, rho = R3[a * 3 + b], r, zse;
            for (i = 0; i < N; i++)
                sab += z[i][a] * z[i][b];
            r = sab / sqrt(s[a] * s[b]);
            zse = fabs(r - rho) / ((1.0 - rho * rho) / sqrt((double)N));
            printf("      rho(%zu,%zu): sample %.4f, target %.2f, %.2f SE\n", a + 1, b + 1, r,
                   rho, zse);
            worst = fmax(worst, zse);
            ok &= zse <= NSE;
        }
    its_test_true(ok, "copula (seed %llu): normal-score correlations within 5 SE of the target "
                      "(worst %.2f)",
                  (unsigned long long)seed, worst);
    for (a = 0; a < 3; a++) {
        double ks;
        for (i = 0; i < N; i++)
            xs[i] = x[i][a];
        qsort(xs, N, sizeof *xs, cmp_double);
        ks = ks_stat(xs, N, cdfs[a], mp[a]);
        its_test_true(ks < 1.95 / sqrt((double)N),
                      "copula: marginal %zu preserved: KS %.5f < %.5f", a + 1, ks,
                      1.95 / sqrt((double)N));
    }
}

static void test_copula(void)
{
    its__dist marg[3];
    cdf_fn cdfs[3] = {cdf_lognormal, cdf_uniform, cdf_normal};
    double mp[3][2] = {{5.0, 0.0}, {-1.0, 3.0}, {10.0, 2.0}}, x[3], u[3];
    its__copula *c = NULL, *id = NULL;
    static const double I3[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    its__rng_key k = key_of(SEED, 42, ITS__RNG_PARAMETERS, 0);
    int same = 1;
    size_t i;

    mp[0][1] = sqrt(log(1.25));
    its__dist_lognormal_cv(&marg[0], 5.0, 0.5, NULL, 0);
    its__dist_uniform(&marg[1], -1.0, 3.0, NULL, 0);
    its__dist_normal(&marg[2], 10.0, 2.0, NULL, 0);
    its_test_true(its__copula_create(3, R3, &c, NULL, 0) == ITS_OK && its__copula_dim(c) == 3,
                  "copula: a 3 x 3 positive-definite correlation matrix accepted");
    if (c == NULL)
        return;
    test_copula_sample(c, marg, cdfs, mp);
    test_order(c, marg);
    /* the identity copula is independent draws: x_i = q_i(u_i) */
    its_test_true(its__copula_create(3, I3, &id, NULL, 0) == ITS_OK, "copula: identity accepted");
    its__copula_draw(id, marg, &k, 0, x, NULL);
    its__rng_fill_u01(&k, 0, 3, u);
    for (i = 0; i < 3; i++)
        same &= fabs(x[i] - its__dist_quantile(&marg[i], u[i])) <= 1e-9 * fabs(x[i]);
    its_test_true(same, "copula: with the identity matrix, x_i = q_i(u_i) (independent draws)");
    its__copula_free(id);
    its__copula_free(c);
}

/* ---- invalid parameters, allocation failures --------------------------------------- */

static void refused(its_status st, const its__dist *d, const char *msg, const char *what,
                    const char *label)
{
    its_test_true(st == ITS_EINVAL && contains(msg, what) && d->kind == ITS__DIST_NONE &&
                      isnan(its__dist_quantile(d, 0.5)),
                  "refused: %s: \"%s\"", label, msg);
}

static void test_invalid(void)
{
    static const double v[2] = {0.0, 1.0}, bad_sum[2] = {0.5, 0.4}, neg[2] = {-0.1, 1.1};
    static const double near[2] = {0.3, 0.7 + 5e-10};
    its__dist d;
    char msg[256];
    its_status st;

    refused(its__dist_lognormal_cv(&d, 0.0, 0.5, msg, sizeof msg), &d, msg, "median", "median 0");
    refused(its__dist_lognormal_gsd(&d, -1.0, 2.0, msg, sizeof msg), &d, msg, "median",
            "median < 0");
    refused(its__dist_lognormal_cv(&d, 1.0, -0.1, msg, sizeof msg), &d, msg, "CV", "CV < 0");
    refused(its__dist_lognormal_gsd(&d, 1.0, 0.5, msg, sizeof msg), &d, msg, "geometric SD",
            "GSD < 1");
    refused(its__dist_normal(&d, 0.0, -1.0, msg, sizeof msg), &d, msg, "SD", "SD < 0");
    refused(its__dist_normal(&d, (double)NAN, 1.0, msg, sizeof msg), &d, msg, "mean", "mean NaN");
    refused(its__dist_truncnormal(&d, 0.0, 1.0, 2.0, 2.0, msg, sizeof msg), &d, msg,
            "lower (2) must be < upper (2)", "lower >= upper");
    refused(its__dist_truncnormal(&d, 0.0, 0.0, -1.0, 1.0, msg, sizeof msg), &d, msg, "SD",
            "truncated normal SD 0");
    refused(its__dist_truncnormal(&d, 0.0, 1.0, 40.0, 41.0, msg, sizeof msg), &d, msg,
            "underflows", "truncation 40 SD out");
    refused(its__dist_uniform(&d, 1.0, 1.0, msg, sizeof msg), &d, msg, "low (1) must be < high",
            "uniform low >= high");
    refused(its__dist_loguniform(&d, 0.0, 1.0, msg, sizeof msg), &d, msg, "low must be > 0",
            "log-uniform low 0");
    refused(its__dist_fixed(&d, (double)INFINITY, msg, sizeof msg), &d, msg, "finite",
            "fixed inf");
    refused(its__dist_discrete(&d, 2, v, bad_sum, msg, sizeof msg), &d, msg, "sum to 1",
            "probabilities summing to 0.9");
    refused(its__dist_discrete(&d, 2, v, neg, msg, sizeof msg), &d, msg, "in [0, 1]",
            "probability < 0");
    refused(its__dist_discrete(&d, 0, v, near, msg, sizeof msg), &d, msg, "at least one",
            "no values");
    st = its__dist_discrete(&d, 2, v, near, msg, sizeof msg);
    its_test_true(st == ITS_OK && msg[0] == '\0' && its__dist_quantile(&d, ITS__U01_MAX) == 1.0,
                  "discrete: probabilities summing to 1 + 5e-10 accepted (normalised)");
    its__dist_clear(&d);
    its_test_true(its__dist_normal(&d, 0.0, -1.0, NULL, 0) == ITS_EINVAL,
                  "refused with msg NULL (no crash)");
}

static void copula_refused(size_t n, const double *r, const char *what, const char *label)
{
    its__copula *c = (its__copula *)&c; /* must come back NULL */
    char msg[256];
    its_status st = its__copula_create(n, r, &c, msg, sizeof msg);

    its_test_true(st == ITS_EINVAL && c == NULL && contains(msg, what),
                  "copula refused: %s: \"%s\"", label, msg);
}

static void test_copula_invalid(void)
{
    /* 0.9, 0.9 and -0.9 cannot hold together: determinant < 0 */
    static const double npd[9] = {1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1};
    /* rho = 1 between quantities 1 and 2: singular at the 2 x 2 block */
    static const double sing[9] = {1, 1, 0, 1, 1, 0, 0, 0, 1};
    static const double asym[4] = {1, 0.5, 0.4, 1}, diag[4] = {0.9, 0.5, 0.5, 1};
    static const double big[4] = {1, 1.5, 1.5, 1};

    copula_refused(3, npd, "not positive definite (its leading 3 x 3 block", "non-PD 3 x 3");
    copula_refused(3, sing, "leading 2 x 2 block", "singular 2 x 2 block");
    copula_refused(2, asym, "not symmetric: entry (1, 2) = 0.5 but (2, 1) = 0.4", "asymmetric");
    copula_refused(2, diag, "diagonal entry (1, 1) = 0.9 must be 1", "diagonal 0.9");
    copula_refused(2, big, "entry (1, 2) = 1.5 is not in [-1, 1]", "entry 1.5");
    copula_refused(0, big, "empty", "n = 0");
}

/* Every allocation failing in turn: ITS_ENOMEM, nothing half-made (the
 * sanitizer build checks for leaks). */
static void test_enomem(void)
{
    static const double v[2] = {0.0, 1.0}, pr[2] = {0.5, 0.5};
    its__dist d;
    its__copula *c = NULL;
    char msg[128];
    int ok = 1;
    long n;

    for (n = 1; n <= 2; n++) {
        its__alloc_fail_at(n, 0);
        ok &= its__dist_discrete(&d, 2, v, pr, msg, sizeof msg) == ITS_ENOMEM &&
              d.kind == ITS__DIST_NONE && contains(msg, "out of memory");
        its__alloc_fail_at(n, 0);
        ok &= its__copula_create(3, R3, &c, msg, sizeof msg) == ITS_ENOMEM && c == NULL &&
              contains(msg, "out of memory");
    }
    its__alloc_fail_at(0, 0);
    its_test_true(ok, "allocation failures (1st, 2nd) give ITS_ENOMEM with a message, no result");
}

int main(void)
{
    test_u01_mapping();
    test_pinned();
    test_keying();
    test_uniform_stream();
    test_normal();
    test_truncnormal();
    test_lognormal();
    test_uniforms();
    test_trunclognormal_logpdf();
    test_discrete_fixed();
    test_copula();
    test_invalid();
    test_copula_invalid();
    test_enomem();
    return its_test_done();
}
