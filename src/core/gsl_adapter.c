/* itsim internal: GSL adapter (root finding). The only file that includes
 * GSL headers; GSL errors come back as its_status, never as an abort. */
#include "core/gsl_adapter.h"

#include <math.h>

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

its_status its__root_brent(double (*f)(double x, void *ud), void *ud,
                           double lo, double hi, double rtol, double *root)
{
    gsl_function F;
    gsl_root_fsolver *s;
    double flo = f(lo, ud), fhi = f(hi, ud);
    int rc = GSL_CONTINUE, iter;

    /* GSL's default handler aborts; turn it off (idempotent) so that every
     * error is returned as a code and translated here. */
    gsl_set_error_handler_off();
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
