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

/* ---- statistics ------------------------------------------------------------------
 * Distribution functions for the trial statistics (src/clinical/survival.c).
 * Neither allocates nor fails: a NaN argument gives NaN. */

/* The standard normal quantile: z with P(Z <= z) = p (-Inf at 0, +Inf at 1,
 * NaN outside [0, 1]). */
double its__normal_quantile(double p);

/* The upper tail P(X > x) of the chi-square distribution with df > 0
 * degrees of freedom (1 for x <= 0, NaN for a NaN argument). */
double its__chisq_upper(double x, double df);

#endif
