/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: distribution descriptors, their quantiles and the
 * Gaussian copula (src/core/core.h, sections "distributions" and
 * "Gaussian copula"). GSL's distribution functions and Cholesky factor come
 * through core/gsl_adapter.h. */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "core/gsl_adapter.h"

/* Probabilities of a discrete distribution must sum to 1 within this. */
#define PROB_SUM_TOL 1e-9
/* A correlation matrix must be symmetric, with a unit diagonal, within this. */
#define CORR_TOL 1e-12

static void dist_empty(its__dist *d)
{
    memset(d, 0, sizeof *d);
    d->kind = ITS__DIST_NONE;
}

static its_status invalid(its__dist *d, char *msg, size_t msglen, const char *fmt, ...)
    ITS__PRINTF(4, 5);
static its_status invalid(its__dist *d, char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;

    if (d != NULL)
        dist_empty(d);
    va_start(ap, fmt);
    its__vfmt(msg, msglen, fmt, ap);
    va_end(ap);
    return ITS_EINVAL;
}

static its_status filled(its__dist *d, its__dist_kind kind, double p0, double p1, double p2,
                         double p3, char *msg, size_t msglen)
{
    dist_empty(d);
    d->kind = kind;
    d->p[0] = p0;
    d->p[1] = p1;
    d->p[2] = p2;
    d->p[3] = p3;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

its_status its__dist_fixed(its__dist *d, double value, char *msg, size_t msglen)
{
    if (!isfinite(value))
        return invalid(d, msg, msglen, "fixed: the value must be finite (got %g)", value);
    return filled(d, ITS__DIST_FIXED, value, 0.0, 0.0, 0.0, msg, msglen);
}

its_status its__dist_normal(its__dist *d, double mean, double sd, char *msg, size_t msglen)
{
    if (!isfinite(mean))
        return invalid(d, msg, msglen, "normal: the mean must be finite (got %g)", mean);
    if (!(sd >= 0.0) || !isfinite(sd))
        return invalid(d, msg, msglen, "normal: the SD must be finite and >= 0 (got %g)", sd);
    return filled(d, ITS__DIST_NORMAL, mean, sd, 0.0, 0.0, msg, msglen);
}

/* Phi and Q with their limits at +-inf written out. */
static double phi_p(double x)
{
    return x == -(double)INFINITY ? 0.0 : x == (double)INFINITY ? 1.0 : its__normal_p(x);
}

static double phi_q(double x)
{
    return x == -(double)INFINITY ? 1.0 : x == (double)INFINITY ? 0.0 : its__normal_q(x);
}

/* The probability Normal(0, 1) gives [a, b], from the tail [a, b] lies in
 * (no cancellation far in a tail). */
static double normal_mass(double a, double b)
{
    if (a >= 0.0)
        return phi_q(a) - phi_q(b);
    if (b <= 0.0)
        return phi_p(b) - phi_p(a);
    return 1.0 - phi_p(a) - phi_q(b);
}

its_status its__dist_truncnormal(its__dist *d, double mean, double sd, double lower,
                                 double upper, char *msg, size_t msglen)
{
    const char *what = "truncated normal";
    double mass;

    if (!isfinite(mean))
        return invalid(d, msg, msglen, "%s: the mean must be finite (got %g)", what, mean);
    if (!(sd > 0.0) || !isfinite(sd))
        return invalid(d, msg, msglen, "%s: the SD must be finite and > 0 (got %g)", what, sd);
    if (isnan(lower) || isnan(upper) || lower == (double)INFINITY ||
        upper == -(double)INFINITY)
        return invalid(d, msg, msglen,
                       "%s: the bounds must be numbers, lower < +inf, upper > -inf", what);
    if (!(lower < upper))
        return invalid(d, msg, msglen, "%s: lower (%g) must be < upper (%g)", what, lower, upper);
    mass = normal_mass((lower - mean) / sd, (upper - mean) / sd);
    if (!(mass > 0.0))
        return invalid(d, msg, msglen,
                       "%s: [%g, %g] lies too far in a tail of Normal(%g, %g): its probability "
                       "underflows to 0",
                       what, lower, upper, mean, sd);
    return filled(d, ITS__DIST_TRUNCNORMAL, mean, sd, lower, upper, msg, msglen);
}

static its_status lognormal(its__dist *d, double median, double sigma, const char *how,
                            double given, char *msg, size_t msglen)
{
    if (!(median > 0.0) || !isfinite(median))
        return invalid(d, msg, msglen, "lognormal: the median must be finite and > 0 (got %g)",
                       median);
    if (!(sigma >= 0.0) || !isfinite(sigma))
        return invalid(d, msg, msglen, "lognormal: %s (got %g)", how, given);
    return filled(d, ITS__DIST_LOGNORMAL, median, sigma, log(median), 0.0, msg, msglen);
}

its_status its__dist_lognormal_cv(its__dist *d, double median, double cv, char *msg,
                                  size_t msglen)
{
    double sigma = cv >= 0.0 ? sqrt(log1p(cv * cv)) : (double)NAN;
    return lognormal(d, median, sigma, "the CV must be finite and >= 0", cv, msg, msglen);
}

its_status its__dist_lognormal_gsd(its__dist *d, double median, double gsd, char *msg,
                                   size_t msglen)
{
    double sigma = gsd >= 1.0 ? log(gsd) : (double)NAN;
    return lognormal(d, median, sigma, "the geometric SD must be finite and >= 1", gsd, msg,
                     msglen);
}

its_status its__dist_trunclognormal(its__dist *d, double median, double sigma, double lower,
                                    double upper, char *msg, size_t msglen)
{
    its_status st;
    if (!(median > 0.0) || !isfinite(median))
        return invalid(d, msg, msglen, "lognormal: the median must be finite and > 0 (got %g)",
                       median);
    if (!(lower >= 0.0) || !(upper > lower))
        return invalid(d, msg, msglen, "lognormal: the bounds must satisfy 0 <= lower (%g) < "
                       "upper (%g)", lower, upper);
    st = its__dist_truncnormal(d, log(median), sigma, lower > 0.0 ? log(lower) : -HUGE_VAL,
                               log(upper), msg, msglen);
    if (st == ITS_OK)
        d->kind = ITS__DIST_TRUNCLOGNORMAL;
    return st;
}

its_status its__dist_uniform(its__dist *d, double low, double high, char *msg, size_t msglen)
{
    if (!isfinite(low) || !isfinite(high))
        return invalid(d, msg, msglen, "uniform: low and high must be finite (got %g, %g)", low,
                       high);
    if (!(low < high))
        return invalid(d, msg, msglen, "uniform: low (%g) must be < high (%g)", low, high);
    return filled(d, ITS__DIST_UNIFORM, low, high, 0.0, 0.0, msg, msglen);
}

its_status its__dist_loguniform(its__dist *d, double low, double high, char *msg,
                                size_t msglen)
{
    if (!(low > 0.0) || !isfinite(low) || !isfinite(high))
        return invalid(d, msg, msglen,
                       "log-uniform: low must be > 0 and both bounds finite (got %g, %g)", low,
                       high);
    if (!(low < high))
        return invalid(d, msg, msglen, "log-uniform: low (%g) must be < high (%g)", low, high);
    return filled(d, ITS__DIST_LOGUNIFORM, low, high, log(low), log(high), msg, msglen);
}

static its_status discrete_check(size_t n, const double *values, const double *prob,
                                 double *sum, char *msg, size_t msglen)
{
    size_t i;

    if (n == 0 || values == NULL || prob == NULL)
        return invalid(NULL, msg, msglen, "discrete: at least one value with its probability");
    *sum = 0.0;
    for (i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            return invalid(NULL, msg, msglen, "discrete: value %zu must be finite (got %g)",
                           i + 1, values[i]);
        if (!(prob[i] >= 0.0 && prob[i] <= 1.0))
            return invalid(NULL, msg, msglen,
                           "discrete: probability %zu must be in [0, 1] (got %g)", i + 1,
                           prob[i]);
        *sum += prob[i];
    }
    if (!(fabs(*sum - 1.0) <= PROB_SUM_TOL))
        return invalid(NULL, msg, msglen,
                       "discrete: the probabilities must sum to 1 within %g (they sum to %.12g)",
                       PROB_SUM_TOL, *sum);
    return ITS_OK;
}

its_status its__dist_discrete(its__dist *d, size_t n, const double *values,
                              const double *prob, char *msg, size_t msglen)
{
    double sum = 0.0, acc = 0.0;
    size_t i;
    its_status st = discrete_check(n, values, prob, &sum, msg, msglen);

    dist_empty(d);
    if (st != ITS_OK)
        return st;
    d->values = its__malloc(n * sizeof *d->values);
    d->cum = its__malloc(n * sizeof *d->cum);
    if (d->values == NULL || d->cum == NULL) {
        its__dist_clear(d);
        its__fmt(msg, msglen, "discrete: out of memory for %zu values", n);
        return ITS_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        acc += prob[i];
        d->values[i] = values[i];
        d->cum[i] = acc / sum;
    }
    d->cum[n - 1] = 1.0;
    d->n = n;
    d->kind = ITS__DIST_DISCRETE;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

void its__dist_clear(its__dist *d)
{
    if (d == NULL)
        return;
    its__free(d->values);
    its__free(d->cum);
    dist_empty(d);
}

/* The truncated normal's inverse CDF, in the tail the interval lies in. */
static double truncnormal_quantile(const its__dist *d, double u)
{
    double mu = d->p[0], sd = d->p[1], lo = d->p[2], hi = d->p[3];
    double a = (lo - mu) / sd, b = (hi - mu) / sd, z, x;

    if (a >= 0.0) {
        double qa = phi_q(a), qb = phi_q(b);
        z = its__normal_qinv(qa - u * (qa - qb));
    } else {
        double pa = phi_p(a), pb = phi_p(b);
        z = its__normal_pinv(pa + u * (pb - pa));
    }
    x = mu + sd * z;
    return x < lo ? lo : x > hi ? hi : x;
}

static double discrete_quantile(const its__dist *d, double u)
{
    size_t lo = 0, hi = d->n - 1;

    while (lo < hi) { /* the first i with cum[i] >= u */
        size_t mid = lo + (hi - lo) / 2;
        if (d->cum[mid] >= u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return d->values[lo];
}

double its__dist_quantile(const its__dist *d, double u)
{
    double x;

    if (!(u > 0.0 && u < 1.0))
        return (double)NAN;
    switch (d->kind) {
    case ITS__DIST_FIXED:
        return d->p[0];
    case ITS__DIST_NORMAL:
        return d->p[0] + its__gaussian_pinv(u, d->p[1]);
    case ITS__DIST_TRUNCNORMAL:
        return truncnormal_quantile(d, u);
    case ITS__DIST_LOGNORMAL:
        return its__lognormal_pinv(u, d->p[2], d->p[1]);
    case ITS__DIST_UNIFORM:
        return its__flat_pinv(u, d->p[0], d->p[1]);
    case ITS__DIST_LOGUNIFORM:
        x = exp(its__flat_pinv(u, d->p[2], d->p[3]));
        return x < d->p[0] ? d->p[0] : x > d->p[1] ? d->p[1] : x;
    case ITS__DIST_DISCRETE:
        return discrete_quantile(d, u);
    case ITS__DIST_TRUNCLOGNORMAL:
        return exp(truncnormal_quantile(d, u));
    case ITS__DIST_NONE:
    default:
        return (double)NAN;
    }
}

/* log of the Normal(mu, sd) density at x. */
static double normal_logpdf(double x, double mu, double sd)
{
    const double z = (x - mu) / sd;
    return -0.5 * z * z - log(sd) - 0.9189385332046727418; /* log sqrt(2 pi) */
}

double its__dist_logpdf(const its__dist *d, double x)
{
    if (d == NULL || isnan(x))
        return (double)NAN;
    switch (d->kind) {
    case ITS__DIST_NORMAL:
        return d->p[1] > 0.0 ? normal_logpdf(x, d->p[0], d->p[1]) : (double)NAN;
    case ITS__DIST_TRUNCNORMAL:
        if (x < d->p[2] || x > d->p[3])
            return -(double)INFINITY;
        return normal_logpdf(x, d->p[0], d->p[1]) -
               log(normal_mass((d->p[2] - d->p[0]) / d->p[1], (d->p[3] - d->p[0]) / d->p[1]));
    case ITS__DIST_LOGNORMAL:
        if (!(d->p[1] > 0.0))
            return (double)NAN;
        return x > 0.0 ? normal_logpdf(log(x), d->p[2], d->p[1]) - log(x) : -(double)INFINITY;
    case ITS__DIST_TRUNCLOGNORMAL: {
        double lx = x > 0.0 ? log(x) : -(double)INFINITY;
        if (!(x > 0.0) || lx < d->p[2] || lx > d->p[3])
            return -(double)INFINITY;
        return normal_logpdf(lx, d->p[0], d->p[1]) - lx -
               log(normal_mass((d->p[2] - d->p[0]) / d->p[1], (d->p[3] - d->p[0]) / d->p[1]));
    }
    case ITS__DIST_UNIFORM:
        return x >= d->p[0] && x <= d->p[1] ? -log(d->p[1] - d->p[0]) : -(double)INFINITY;
    case ITS__DIST_LOGUNIFORM:
        return x >= d->p[0] && x <= d->p[1] ? -log(x) - log(d->p[3] - d->p[2])
                                            : -(double)INFINITY;
    default:
        return (double)NAN;
    }
}

/* ---- Gaussian copula --------------------------------------------------------- */

struct its__copula {
    size_t n;
    double *l; /* n x n, row-major: the lower Cholesky factor, zeros above */
};

static its_status corr_check(size_t n, const double *r, char *msg, size_t msglen)
{
    size_t i, j;

    if (n == 0 || r == NULL)
        return invalid(NULL, msg, msglen, "correlation matrix: empty");
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            double v = r[i * n + j];
            if (!isfinite(v) || v < -1.0 || v > 1.0)
                return invalid(NULL, msg, msglen,
                               "correlation matrix: entry (%zu, %zu) = %g is not in [-1, 1]",
                               i + 1, j + 1, v);
            if (i == j && fabs(v - 1.0) > CORR_TOL)
                return invalid(NULL, msg, msglen,
                               "correlation matrix: diagonal entry (%zu, %zu) = %g must be 1",
                               i + 1, j + 1, v);
            if (j > i && fabs(v - r[j * n + i]) > CORR_TOL)
                return invalid(NULL, msg, msglen,
                               "correlation matrix: not symmetric: entry (%zu, %zu) = %g but "
                               "(%zu, %zu) = %g",
                               i + 1, j + 1, v, j + 1, i + 1, r[j * n + i]);
        }
    return ITS_OK;
}

/* The order of the smallest leading block of r that is not positive
 * definite (r itself is not), factorising each block in l. */
static size_t first_bad_block(size_t n, const double *r, double *l)
{
    size_t k;

    for (k = 1; k < n; k++) {
        memcpy(l, r, n * n * sizeof *l);
        if (its__cholesky(l, k, n) != ITS_OK)
            return k;
    }
    return n;
}

its_status its__copula_create(size_t n, const double *corr, its__copula **out, char *msg,
                              size_t msglen)
{
    its__copula *c;
    its_status st;
    size_t i, j;

    *out = NULL;
    if ((st = corr_check(n, corr, msg, msglen)) != ITS_OK)
        return st;
    c = its__calloc(1, sizeof *c);
    if (c == NULL || (c->l = its__malloc(n * n * sizeof *c->l)) == NULL) {
        its__free(c);
        its__fmt(msg, msglen, "correlation matrix: out of memory (%zu x %zu)", n, n);
        return ITS_ENOMEM;
    }
    c->n = n;
    memcpy(c->l, corr, n * n * sizeof *c->l);
    st = its__cholesky(c->l, n, n);
    if (st != ITS_OK) {
        size_t k = first_bad_block(n, corr, c->l);
        its__copula_free(c);
        if (st != ITS_ERANGE)
            return invalid(NULL, msg, msglen, "correlation matrix: Cholesky factorisation failed");
        return invalid(NULL, msg, msglen,
                       "correlation matrix: not positive definite (its leading %zu x %zu block, "
                       "quantities 1-%zu, is not): these correlations cannot hold together",
                       k, k, k);
    }
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            c->l[i * n + j] = 0.0;
    its__fmt(msg, msglen, "%s", "");
    *out = c;
    return ITS_OK;
}

void its__copula_free(its__copula *c)
{
    if (c == NULL)
        return;
    its__free(c->l);
    its__free(c);
}

size_t its__copula_dim(const its__copula *c)
{
    return c->n;
}

void its__copula_draw(const its__copula *c, const its__dist *marg, const its__rng_key *key,
                      uint64_t first, double *x, double *z)
{
    size_t n = c->n, i, j;

    its__rng_fill_u01(key, first, n, x);
    for (i = 0; i < n; i++)
        x[i] = its__normal_pinv(x[i]);
    for (i = n; i-- > 0;) { /* x = L x in place, bottom row first */
        double s = 0.0;
        for (j = 0; j <= i; j++)
            s += c->l[i * n + j] * x[j];
        x[i] = s;
    }
    for (i = 0; i < n; i++) {
        double v = its__normal_p(x[i]);
        if (z != NULL)
            z[i] = x[i];
        v = v < ITS__U01_MIN ? ITS__U01_MIN : v > ITS__U01_MAX ? ITS__U01_MAX : v;
        x[i] = its__dist_quantile(&marg[i], v);
    }
}
