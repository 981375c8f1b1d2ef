/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the only interface to GSL. Translates GSL's return codes
 * into its_status and never lets GSL's default handler abort the process:
 * on the first call the default handler is switched off, once per process
 * and thread-safely, unless the application installed its own handler
 * (gsl_set_error_handler), which itsim then leaves alone. */
#ifndef ITS_CORE_GSL_ADAPTER_H
#define ITS_CORE_GSL_ADAPTER_H

#include "itsim/status.h"

/* Find a root of f in [lo, hi] with Brent's method (gsl_root_fsolver_brent)
 * to a relative tolerance rtol. f(lo) and f(hi) must differ in sign
 * (ITS_ERANGE otherwise); ITS_ESOLVER if GSL fails or does not converge in
 * 200 iterations; ITS_ENOMEM. */
its_status its__root_brent(double (*f)(double x, void *ud), void *ud,
                           double lo, double hi, double rtol, double *root);

/* ---- distributions --------------------------------------------------------------
 * GSL's normal, lognormal and flat distribution functions and the Cholesky
 * factor behind src/core/dist.c (distribution quantiles, the Gaussian
 * copula). The distribution functions never raise a GSL error for finite
 * arguments; at u = 0 and 1 they return the infinite or boundary value. */
#include <stddef.h>

/* Standard normal CDF Phi(x) (gsl_cdf_ugaussian_P) and its upper tail
 * Q(x) = 1 - Phi(x) (gsl_cdf_ugaussian_Q), each accurate in its own tail. */
double its__normal_p(double x);
double its__normal_q(double x);
/* Their inverses: Phi^-1(p) and Q^-1(q) (gsl_cdf_ugaussian_Pinv, _Qinv);
 * Phi^-1 gives -Inf at 0, +Inf at 1 and NaN outside [0, 1]. */
double its__normal_pinv(double p);
double its__normal_qinv(double q);
/* Quantile of Normal(0, sd) (gsl_cdf_gaussian_Pinv). */
double its__gaussian_pinv(double u, double sd);
/* Quantile of the lognormal with log x ~ Normal(zeta, sigma)
 * (gsl_cdf_lognormal_Pinv). */
double its__lognormal_pinv(double u, double zeta, double sigma);
/* Quantile of the uniform distribution on [a, b] (gsl_cdf_flat_Pinv). */
double its__flat_pinv(double u, double a, double b);

/* In-place Cholesky factorisation (gsl_linalg_cholesky_decomp1) of the
 * symmetric n x n matrix a, row-major with row stride tda >= n: on ITS_OK
 * its lower triangle holds L with L L^T = a (the upper triangle is
 * overwritten too). ITS_ERANGE when the matrix is not positive definite;
 * ITS_EINVAL when n = 0. */
its_status its__cholesky(double *a, size_t n, size_t tda);
/* In-place inverse of the symmetric positive-definite n x n matrix a
 * (row-major, row stride tda >= n) through its Cholesky factor
 * (gsl_linalg_cholesky_decomp1, gsl_linalg_cholesky_invert): on ITS_OK a
 * holds the whole symmetric inverse. ITS_ERANGE when a is not positive
 * definite (e.g. collinear columns of a covariance matrix); ITS_EINVAL
 * when n = 0. */
its_status its__spd_invert(double *a, size_t n, size_t tda);

/* The first n points after the origin of the Sobol sequence in [0, 1)^dim
 * (gsl_qrng_sobol, dim 1 to 40) into out (n x dim, row-major): the
 * optimiser's starts. Deterministic. ITS_EINVAL for dim out of range,
 * ITS_ENOMEM. */
its_status its__sobol_points(size_t dim, size_t n, double *out);

/* ---- statistics ------------------------------------------------------------------
 * Distribution functions for the trial statistics (src/clinical/survival.c).
 * Neither allocates nor fails: a NaN argument gives NaN. */

/* The standard normal quantile: its__normal_pinv (distributions section). */

/* The upper tail P(X > x) of the chi-square distribution with df > 0
 * degrees of freedom (1 for x <= 0, NaN for a NaN argument). */
double its__chisq_upper(double x, double df);
/* The upper tail P(T > t) of Student's t distribution with df > 0 degrees
 * of freedom (gsl_cdf_tdist_Q); NaN for a NaN t or a bad df. */
double its__t_upper(double t, double df);
/* The lower tail P(T <= t) (gsl_cdf_tdist_P), and the log density, of
 * Student's t with df > 0 degrees of freedom; NaN for a NaN t or a bad
 * df. The log density is computed from log-gamma terms, finite in the far
 * tail where the density underflows. */
double its__t_lower(double t, double df);
double its__t_logpdf(double t, double df);
/* The quantile of Student's t with df > 0 degrees of freedom at p in
 * (0, 1) (gsl_cdf_tdist_Pinv); NaN otherwise. */
double its__t_pinv(double p, double df);
/* The two-sided Clopper-Pearson interval, at confidence `level` in (0, 1),
 * of a binomial proportion with k successes in n >= 1 trials (k <= n), as
 * R's binom.test gives it: lower 0 for k = 0, else the level's lower beta
 * quantile Beta(k, n - k + 1); upper 1 for k = n, else Beta(k + 1, n - k)
 * (gsl_cdf_beta_Pinv). *lo and *hi are NaN for bad arguments. */
void its__binom_ci(unsigned k, unsigned n, double level, double *lo, double *hi);
/* The quantile of Binomial(n, prob) at p in [0, 1] as R's qbinom: the
 * smallest k with P(X <= k) >= p (1 - 64 DBL_EPSILON) (gsl_cdf_binomial_P);
 * -1 for bad arguments. */
long its__binom_quantile(double p, unsigned n, double prob);

#endif
