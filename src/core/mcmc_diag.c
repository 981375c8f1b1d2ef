/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: MCMC convergence diagnostics (src/core/mcmc.h,
 * its__mcmc_summarise): rank-normalised split R-hat, bulk, tail and basic
 * ESS (Vehtari et al. 2021), written from the definitions of the R package
 * posterior 1.4.0 (R/convergence.R) so as to give its numbers to
 * round-off. A draws matrix is chain-major (column-major, one column per
 * chain), as in R. The means and variances are computed as R computes
 * them (long double sums, R's second pass on the mean) so that only the
 * order of summation differs. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/gsl_adapter.h"
#include "core/mcmc.h"

/* posterior's offset of the rank normalisation (backtransform_ranks) */
#define RANK_OFFSET 0.375

typedef struct ranked {
    double v;
    size_t at;
} ranked;

/* The workspace of one summary: S = chains * n draws, S2 = m2 * n2 split. */
typedef struct ws {
    size_t chains, n, s;  /* the raw draws */
    size_t m2, n2, s2;    /* the split chains: m2 columns of n2 draws */
    double *sorted;       /* s: the raw draws, sorted */
    double *a, *b;        /* s2 each: split matrices (column-major) */
    double *y;            /* s2: centred columns (autocovariance) */
    ranked *rk;           /* s2: values with their positions (ranking) */
    double *col;          /* 4 m2: column means, variances, sums of squares, flags */
    double *rho;          /* n2: Geyer's autocorrelations */
} ws;

/* ---- R's arithmetic ------------------------------------------------------------- */

/* mean(x) as R computes it (summary.c: a long double sum, then the mean
 * of the residuals added when the first mean is finite). */
static double r_mean(const double *x, size_t n)
{
    long double s = 0.0L, t = 0.0L;
    size_t i;
    for (i = 0; i < n; i++)
        s += x[i];
    s /= (long double)n;
    if (isfinite((double)s)) {
        for (i = 0; i < n; i++)
            t += x[i] - s;
        s += t / (long double)n;
    }
    return (double)s;
}

/* var(x) as R computes it (cov.c: R's mean, then a long double sum of
 * squared deviations over n - 1); NaN for n < 2. */
static double r_var(const double *x, size_t n)
{
    long double s = 0.0L, m;
    size_t i;
    if (n < 2)
        return (double)NAN;
    m = r_mean(x, n);
    for (i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return (double)(s / (long double)(n - 1));
}

/* posterior's should_return_NA: a NaN or an infinity, or a constant (max
 * - min < DBL_EPSILON, absolute). */
static int should_na(const double *x, size_t n)
{
    double lo = x[0], hi = x[0];
    size_t i;
    for (i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return 1;
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    return fabs(hi - lo) < DBL_EPSILON;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->v != b->v)
        return (a->v > b->v) - (a->v < b->v);
    return (a->at > b->at) - (a->at < b->at);
}

/* R's quantile(x, p, type = 7) of sorted x (n >= 1), in R's own
 * arithmetic: index = 1 + (n - 1) p, the lower order statistic, and the
 * interpolation (1 - h) lo + h hi only when index is not whole and the
 * two differ. */
static double quantile7(const double *sorted, size_t n, double p)
{
    double index = 1.0 + (double)(n - 1) * p, lo = floor(index), hi = ceil(index);
    double q = sorted[(size_t)lo - 1];
    if (index > lo && sorted[(size_t)hi - 1] != q) {
        double h = index - lo;
        q = (1.0 - h) * q + h * sorted[(size_t)hi - 1];
    }
    return q;
}

/* R's median of sorted x: the middle value, or R's mean of the two. */
static double median_sorted(const double *sorted, size_t n)
{
    if (n % 2 == 1)
        return sorted[n / 2];
    return r_mean(sorted + n / 2 - 1, 2);
}

/* ---- splitting and ranking ------------------------------------------------------ */

/* posterior's .split_chains: out (m2 x n2, column-major) holds the first
 * n2 draws of each chain, then the last n2 draws of each (an odd n drops
 * the middle draw); n = 1 is copied unsplit. */
static void split(const ws *w, const double *x, double *out)
{
    size_t c, i;
    if (w->n == 1) {
        memcpy(out, x, w->s * sizeof *out);
        return;
    }
    for (c = 0; c < w->chains; c++)
        for (i = 0; i < w->n2; i++) {
            out[c * w->n2 + i] = x[c * w->n + i];
            out[(w->chains + c) * w->n2 + i] = x[c * w->n + (w->n - w->n2) + i];
        }
}

/* posterior's z_scale of v (s2 values, no NaN) into z: average ranks r of
 * ties, z = Phi^-1((r - 3/8) / (s2 + 1/4)). */
static void z_scale(const ws *w, const double *v, double *z)
{
    size_t i, j, k, s2 = w->s2;
    double denom = (double)s2 - 2.0 * RANK_OFFSET + 1.0;
    for (i = 0; i < s2; i++) {
        w->rk[i].v = v[i];
        w->rk[i].at = i;
    }
    qsort(w->rk, s2, sizeof *w->rk, cmp_ranked);
    for (i = 0; i < s2; i = j) {
        double r;
        for (j = i + 1; j < s2 && w->rk[j].v == w->rk[i].v; j++)
            ;
        r = (double)(i + j + 1) / 2.0; /* R: (first + last) / 2, 1-based */
        for (k = i; k < j; k++)
            z[w->rk[k].at] = its__normal_pinv((r - RANK_OFFSET) / denom);
    }
}

/* ---- R-hat and ESS -------------------------------------------------------------- */

/* posterior's .rhat of the split matrix v (m2 x n2). */
static double rhat_of(const ws *w, const double *v)
{
    double *mean = w->col, *var = w->col + w->m2, between, within;
    size_t c;
    if (should_na(v, w->s2) || w->n2 < 2 || w->m2 < 2)
        return (double)NAN;
    for (c = 0; c < w->m2; c++) {
        const double *x = v + c * w->n2;
        long double s = 0.0L;
        size_t i;
        for (i = 0; i < w->n2; i++)
            s += x[i];
        mean[c] = (double)(s / (long double)w->n2);
        s = 0.0L;
        for (i = 0; i < w->n2; i++)
            s += (x[i] - mean[c]) * (x[i] - mean[c]);
        var[c] = (double)(s / (long double)(w->n2 - 1));
    }
    between = (double)w->n2 * r_var(mean, w->m2);
    within = r_mean(var, w->m2);
    return sqrt((between / within + (double)w->n2 - 1.0) / (double)w->n2);
}

/* The columns' means (col[0..m2)), R's var (col[m2..)), sums of squared
 * centred values (col[2 m2..)) and centred values (y). */
static void acov_prepare(const ws *w, const double *v)
{
    size_t c, i, m2 = w->m2, n2 = w->n2;
    for (c = 0; c < m2; c++) {
        const double *x = v + c * n2;
        double *y = w->y + c * n2, mean = r_mean(x, n2);
        long double s0 = 0.0L;
        w->col[m2 + c] = r_var(x, n2);
        for (i = 0; i < n2; i++) {
            y[i] = x[i] - mean;
            s0 += (long double)y[i] * y[i];
        }
        w->col[2 * m2 + c] = (double)s0;
    }
}

/* The mean over columns of posterior's autocovariance at lag t:
 * (sum_i y_i y_{i+t} / sum_i y_i^2) var(x) (n2 - 1) / n2, 0 for a column
 * of zero variance (posterior's FFT gives these sums to round-off). */
static double acov_mean(const ws *w, size_t t)
{
    size_t c, i, m2 = w->m2, n2 = w->n2;
    long double sum = 0.0L;
    for (c = 0; c < m2; c++) {
        const double *y = w->y + c * n2;
        double varx = w->col[m2 + c], ratio;
        long double st = 0.0L;
        if (varx == 0.0)
            continue;
        for (i = 0; i + t < n2; i++)
            st += (long double)y[i] * y[i + t];
        ratio = (double)st / w->col[2 * m2 + c];
        sum += ratio * varx * (double)(n2 - 1) / (double)n2;
    }
    return (double)(sum / (long double)m2);
}

/* Geyer's initial positive and monotone sequences (posterior's .ess) on
 * rho_t = 1 - (mean_var - acov_t) / var_plus; returns tau. */
static double geyer_tau(const ws *w, double mean_var, double var_plus)
{
    double *rho = w->rho, even = 1.0, odd;
    size_t t = 0, max_t, i, n2 = w->n2;
    long double sum = 0.0L;

    memset(rho, 0, n2 * sizeof *rho);
    rho[0] = even;
    odd = 1.0 - (mean_var - acov_mean(w, 1)) / var_plus;
    rho[1] = odd;
    while (t + 5 < n2 && !isnan(even + odd) && even + odd > 0.0) {
        t += 2;
        even = 1.0 - (mean_var - acov_mean(w, t)) / var_plus;
        odd = 1.0 - (mean_var - acov_mean(w, t + 1)) / var_plus;
        if (even + odd >= 0.0) {
            rho[t] = even;
            rho[t + 1] = odd;
        }
    }
    max_t = t;
    if (even > 0.0)
        rho[max_t] = even;
    for (t = 2; t + 2 <= max_t; t += 2)
        if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
            rho[t] = (rho[t - 2] + rho[t - 1]) / 2.0;
            rho[t + 1] = rho[t];
        }
    /* R's rho_hat_t[1:max_t]: for max_t = 0, 1:0 selects rho_0 */
    for (i = 0; i < (max_t > 0 ? max_t : 1); i++)
        sum += rho[i];
    return -1.0 + 2.0 * (double)sum + rho[max_t];
}

/* posterior's .ess of the split matrix v (m2 x n2). */
static double ess_of(const ws *w, const double *v)
{
    size_t c, m2 = w->m2, n2 = w->n2;
    double mean_var, var_plus, tau, bound, s = (double)(m2 * n2);
    if (n2 < 3 || should_na(v, w->s2))
        return (double)NAN;
    acov_prepare(w, v);
    mean_var = acov_mean(w, 0) * (double)n2 / (double)(n2 - 1);
    var_plus = mean_var * (double)(n2 - 1) / (double)n2;
    if (m2 > 1) {
        double *means = w->col + 3 * m2;
        for (c = 0; c < m2; c++) {
            long double sum = 0.0L;
            size_t i;
            for (i = 0; i < n2; i++)
                sum += v[c * n2 + i];
            means[c] = (double)(sum / (long double)n2);
        }
        var_plus += r_var(means, m2);
    }
    tau = geyer_tau(w, mean_var, var_plus);
    bound = 1.0 / log10(s);
    if (tau < bound) /* posterior caps ESS at S log10(S) */
        tau = bound;
    return s / tau;
}

/* posterior's ess_tail: the smaller ESS of the indicators x <= q05 and
 * x <= q95 of the split chains (NaN when the raw draws are NA). */
static double ess_tail(const ws *w, const double *x, double q05, double q95)
{
    double e[2], q[2];
    size_t k, i;
    if (should_na(x, w->s))
        return (double)NAN;
    q[0] = q05;
    q[1] = q95;
    split(w, x, w->a);
    for (k = 0; k < 2; k++) {
        for (i = 0; i < w->s2; i++)
            w->b[i] = w->a[i] <= q[k] ? 1.0 : 0.0;
        e[k] = ess_of(w, w->b);
    }
    if (isnan(e[0]) || isnan(e[1]))
        return (double)NAN;
    return e[0] < e[1] ? e[0] : e[1];
}

/* posterior's rhat (max of bulk and folded, NaN if either is) and
 * ess_bulk, ess_basic. */
static void rank_stats(const ws *w, const double *x, double median, its__mcmc_summary *out)
{
    double bulk, tail;
    size_t i;
    split(w, x, w->a);
    out->ess_basic = ess_of(w, w->a);
    z_scale(w, w->a, w->b);
    bulk = rhat_of(w, w->b);
    out->ess_bulk = ess_of(w, w->b);
    for (i = 0; i < w->s2; i++) /* fold the split draws about the raw median */
        w->a[i] = fabs(w->a[i] - median);
    for (i = 0; i < w->s2 && !isnan(w->a[i]); i++)
        ;
    if (i < w->s2) {
        tail = (double)NAN;
    } else {
        z_scale(w, w->a, w->b);
        tail = rhat_of(w, w->b);
    }
    out->rhat = isnan(bulk) || isnan(tail) ? (double)NAN : bulk > tail ? bulk : tail;
}

/* ---- the summary ---------------------------------------------------------------- */

static void ws_free(ws *w)
{
    its__free(w->sorted);
    its__free(w->a);
    its__free(w->b);
    its__free(w->y);
    its__free(w->rk);
    its__free(w->col);
    its__free(w->rho);
}

static its_status ws_alloc(ws *w, size_t chains, size_t n)
{
    memset(w, 0, sizeof *w);
    w->chains = chains;
    w->n = n;
    w->s = chains * n;
    w->m2 = n > 1 ? 2 * chains : chains;
    w->n2 = n > 1 ? n / 2 : 1;
    w->s2 = w->m2 * w->n2;
    if (w->s > SIZE_MAX / sizeof(ranked))
        return ITS_ENOMEM;
    w->sorted = its__malloc(w->s * sizeof *w->sorted);
    w->a = its__malloc(w->s2 * sizeof *w->a);
    w->b = its__malloc(w->s2 * sizeof *w->b);
    w->y = its__malloc(w->s2 * sizeof *w->y);
    w->rk = its__malloc(w->s2 * sizeof *w->rk);
    w->col = its__malloc(4 * w->m2 * sizeof *w->col);
    w->rho = its__malloc(w->n2 * sizeof *w->rho);
    if (w->sorted == NULL || w->a == NULL || w->b == NULL || w->y == NULL || w->rk == NULL ||
        w->col == NULL || w->rho == NULL) {
        ws_free(w);
        return ITS_ENOMEM;
    }
    return ITS_OK;
}

static void all_nan(its__mcmc_summary *out)
{
    out->mean = out->sd = out->q05 = out->q50 = out->q95 = (double)NAN;
    out->rhat = out->ess_bulk = out->ess_tail = out->ess_basic = out->mcse_mean = (double)NAN;
}

its_status its__mcmc_summarise(const double *x, size_t chains, size_t n,
                               its__mcmc_summary *out, char *msg, size_t msglen)
{
    ws w;
    size_t i;
    double median;

    if (x == NULL || out == NULL || chains == 0 || n == 0) {
        its__fmt(msg, msglen, "mcmc summary: %s", x == NULL ? "NULL draws" : out == NULL ?
                 "NULL summary" : "no draws (chains and draws per chain must be >= 1)");
        return ITS_EINVAL;
    }
    if (n > SIZE_MAX / chains || ws_alloc(&w, chains, n) != ITS_OK) {
        its__fmt(msg, msglen, "mcmc summary: out of memory for %zu chains of %zu draws",
                 chains, n);
        return ITS_ENOMEM;
    }
    all_nan(out); /* a NaN draw: every statistic is NA in posterior */
    for (i = 0; i < w.s && !isnan(x[i]); i++)
        ;
    if (i == w.s) {
        memcpy(w.sorted, x, w.s * sizeof *w.sorted);
        qsort(w.sorted, w.s, sizeof *w.sorted, cmp_double);
        out->mean = r_mean(x, w.s);
        out->sd = sqrt(r_var(x, w.s));
        out->q05 = quantile7(w.sorted, w.s, 0.05);
        out->q50 = quantile7(w.sorted, w.s, 0.5);
        out->q95 = quantile7(w.sorted, w.s, 0.95);
        median = median_sorted(w.sorted, w.s);
        rank_stats(&w, x, median, out);
        out->ess_tail = ess_tail(&w, x, out->q05, out->q95);
        out->mcse_mean = out->sd / sqrt(out->ess_basic);
    }
    ws_free(&w);
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}
