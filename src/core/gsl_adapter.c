/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: GSL adapter (root finding). The only file that includes
 * GSL headers; GSL errors come back as its_status, never as an abort. */
#include "core/gsl_adapter.h"

#include <float.h>
#include <math.h>
#include <pthread.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

static its_status from_gsl(int rc)
{
    switch (rc) {
    case GSL_SUCCESS:
        return ITS_OK;
    case GSL_ENOMEM:
        return ITS_ENOMEM;
    case GSL_EINVAL:
    case GSL_EDOM:
        return ITS_ERANGE;
    default:
        return ITS_ESOLVER;
    }
}

/* GSL's default error handler aborts the process. The adapter turns it
 * off once per process, on the first call into GSL (pthread_once: safe when
 * threads start root finding together), and only if the application has
 * not installed a handler of its own, which is then left in place. Every
 * GSL error is returned as a code and translated by from_gsl. Before, the
 * handler was switched off on every call, which wrote GSL's process-wide
 * handler from every thread and overrode an application's handler. */
static pthread_once_t gsl_handler_once = PTHREAD_ONCE_INIT;

static void gsl_handler_init(void)
{
    gsl_error_handler_t *app = gsl_set_error_handler_off();

    if (app != NULL)
        gsl_set_error_handler(app);
}

its_status its__root_brent(double (*f)(double x, void *ud), void *ud,
                           double lo, double hi, double rtol, double *root)
{
    gsl_function F;
    gsl_root_fsolver *s;
    double flo = f(lo, ud), fhi = f(hi, ud);
    int rc = GSL_CONTINUE, iter;

    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (!isfinite(flo) || !isfinite(fhi) || (flo > 0.0) == (fhi > 0.0))
        return ITS_ERANGE;
    s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (s == NULL)
        return ITS_ENOMEM;
    F.function = f;
    F.params = ud;
    rc = gsl_root_fsolver_set(s, &F, lo, hi);
    for (iter = 0; rc == GSL_SUCCESS && iter < 200; iter++) {
        rc = gsl_root_fsolver_iterate(s);
        if (rc != GSL_SUCCESS)
            break;
        rc = gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
                                    gsl_root_fsolver_x_upper(s), 0.0, rtol);
        if (rc == GSL_SUCCESS)
            break;
        if (rc == GSL_CONTINUE)
            rc = GSL_SUCCESS;
    }
    *root = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (rc == GSL_SUCCESS && iter >= 200)
        return ITS_ESOLVER;
    return from_gsl(rc);
}

/* ---- distributions (core/gsl_adapter.h): GSL's distribution functions
 * behind src/core/dist.c and the Cholesky factor of the Gaussian copula.
 * The includes of this section are kept with it. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

double its__normal_p(double x)
{
    return gsl_cdf_ugaussian_P(x);
}

double its__normal_q(double x)
{
    return gsl_cdf_ugaussian_Q(x);
}

double its__normal_pinv(double p)
{
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (!(p >= 0.0 && p <= 1.0))
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    return gsl_cdf_ugaussian_Pinv(p);
}

double its__normal_qinv(double q)
{
    return gsl_cdf_ugaussian_Qinv(q);
}

double its__gaussian_pinv(double u, double sd)
{
    return gsl_cdf_gaussian_Pinv(u, sd);
}

double its__lognormal_pinv(double u, double zeta, double sigma)
{
    return gsl_cdf_lognormal_Pinv(u, zeta, sigma);
}

double its__flat_pinv(double u, double a, double b)
{
    return gsl_cdf_flat_Pinv(u, a, b);
}

its_status its__cholesky(double *a, size_t n, size_t tda)
{
    gsl_matrix_view m;
    int rc;

    if (n == 0 || tda < n)
        return ITS_EINVAL;
    pthread_once(&gsl_handler_once, gsl_handler_init);
    m = gsl_matrix_view_array_with_tda(a, n, n, tda);
    rc = gsl_linalg_cholesky_decomp1(&m.matrix);
    if (rc == GSL_EDOM)
        return ITS_ERANGE;
    return from_gsl(rc);
}

its_status its__spd_invert(double *a, size_t n, size_t tda)
{
    gsl_matrix_view m;
    its_status st = its__cholesky(a, n, tda);
    if (st != ITS_OK)
        return st;
    m = gsl_matrix_view_array_with_tda(a, n, n, tda);
    return from_gsl(gsl_linalg_cholesky_invert(&m.matrix));
}

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_sf_gamma.h>

its_status its__sobol_points(size_t dim, size_t n, double *out)
{
    gsl_qrng *q;
    double skip[40];
    size_t i;
    if (dim < 1 || dim > 40 || (n > 0 && !out))
        return ITS_EINVAL;
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if ((q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim)) == NULL)
        return ITS_ENOMEM;
    gsl_qrng_get(q, skip); /* the origin */
    for (i = 0; i < n; i++)
        gsl_qrng_get(q, out + i * dim);
    gsl_qrng_free(q);
    return ITS_OK;
}

/* ---- statistics ---------------------------------------------------------------- */

double its__chisq_upper(double x, double df)
{
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (isnan(x) || !(df > 0.0))
        return NAN;
    if (x <= 0.0)
        return 1.0;
    return gsl_cdf_chisq_Q(x, df);
}

/* The beta quantile: gsl_cdf_beta_Pinv, and where its iteration does not
 * converge (it returns NaN, e.g. Beta(259, 3) at 0.025 in GSL 2.7) the
 * bisection of the monotone gsl_cdf_beta_P on [0, 1] to the last bit. */
static double beta_pinv(double p, double a, double b)
{
    double x = gsl_cdf_beta_Pinv(p, a, b), lo = 0.0, hi = 1.0;
    int i;
    if (!isnan(x))
        return x;
    for (i = 0; i < 200 && hi - lo > 0.0; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (gsl_cdf_beta_P(mid, a, b) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void its__binom_ci(unsigned k, unsigned n, double level, double *lo, double *hi)
{
    const double a = 1.0 - level;
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (n < 1 || k > n || !(level > 0.0 && level < 1.0)) {
        *lo = *hi = NAN;
        return;
    }
    *lo = k == 0 ? 0.0 : beta_pinv(a / 2.0, (double)k, (double)(n - k) + 1.0);
    *hi = k == n ? 1.0 : beta_pinv(1.0 - a / 2.0, (double)k + 1.0, (double)(n - k));
}

long its__binom_quantile(double p, unsigned n, double prob)
{
    unsigned k;
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (!(p >= 0.0 && p <= 1.0) || !(prob >= 0.0 && prob <= 1.0))
        return -1;
    for (k = 0; k < n; k++)
        if (gsl_cdf_binomial_P(k, prob, n) >= p * (1.0 - 64.0 * DBL_EPSILON))
            return (long)k;
    return (long)n;
}

double its__t_upper(double t, double df)
{
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (isnan(t) || !(df > 0.0))
        return NAN;
    return gsl_cdf_tdist_Q(t, df);
}

double its__t_lower(double t, double df)
{
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (isnan(t) || !(df > 0.0))
        return NAN;
    return gsl_cdf_tdist_P(t, df);
}

double its__t_pinv(double p, double df)
{
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (!(p > 0.0 && p < 1.0) || !(df > 0.0))
        return NAN;
    return gsl_cdf_tdist_Pinv(p, df);
}

double its__t_logpdf(double t, double df)
{
    pthread_once(&gsl_handler_once, gsl_handler_init);
    if (isnan(t) || !(df > 0.0))
        return NAN;
    /* log of gsl_ran_tdist_pdf, from its log-gamma terms: the density
     * itself underflows in the far tail, its logarithm does not */
    double u = fabs(t), tail;
    /* log(1 + t^2/df) without overflowing t^2 */
    tail = u > 1e100 ? 2.0 * log(u) - log(df) + log1p(df / u / u) : log1p(t * t / df);
    return gsl_sf_lngamma((df + 1.0) / 2.0) - gsl_sf_lngamma(df / 2.0) -
           0.5 * log(df * 3.14159265358979323846) - (df + 1.0) / 2.0 * tail;
}
