/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: release laws of delivery systems (zero order, first order, Higuchi,
 * Korsmeyer-Peppas power law, Weibull): cumulative fraction and rate. */
#include "engine/engine.h"

#include <math.h>

int its__release_valid(const its_release *r)
{
    if (r == NULL || !(r->burst >= 0.0 && r->burst <= 1.0) || !(r->tau > 0.0) ||
        !isfinite(r->tau))
        return 0;
    switch (r->law) {
    case ITS_RELEASE_ZERO_ORDER:
    case ITS_RELEASE_FIRST_ORDER:
    case ITS_RELEASE_HIGUCHI:
        return 1;
    case ITS_RELEASE_PEPPAS:
    case ITS_RELEASE_WEIBULL:
        return r->shape > 0.0 && isfinite(r->shape);
    }
    return 0;
}

/* F(t) of the non-burst part. */
static double law_fraction(const its_release *r, double t)
{
    double x = t / r->tau;
    if (t <= 0.0)
        return 0.0;
    switch (r->law) {
    case ITS_RELEASE_ZERO_ORDER:
        return x < 1.0 ? x : 1.0;
    case ITS_RELEASE_FIRST_ORDER:
        return -expm1(-x);
    case ITS_RELEASE_HIGUCHI:
        return x < 1.0 ? sqrt(x) : 1.0;
    case ITS_RELEASE_PEPPAS:
        return x < 1.0 ? pow(x, r->shape) : 1.0;
    case ITS_RELEASE_WEIBULL:
        return -expm1(-pow(x, r->shape));
    }
    return 0.0;
}

double its_release_fraction(const its_release *r, double t)
{
    if (!its__release_valid(r))
        return (double)NAN;
    if (t < 0.0)
        return 0.0;
    return r->burst + (1.0 - r->burst) * law_fraction(r, t);
}

double its__release_end(const its_release *r)
{
    switch (r->law) {
    case ITS_RELEASE_ZERO_ORDER:
    case ITS_RELEASE_HIGUCHI:
    case ITS_RELEASE_PEPPAS:
        return r->tau;
    case ITS_RELEASE_FIRST_ORDER:
    case ITS_RELEASE_WEIBULL:
        break;
    }
    return INFINITY;
}

/* dF/dt. Laws whose rate is infinite at t = 0 (sqrt, power < 1, Weibull
 * b < 1) release F(eps) evenly over the first eps = 1e-6 tau instead: the
 * released amount is exact and the timing differs by at most eps. */
double its__release_rate(const its_release *r, double t)
{
    const double eps = 1e-6 * r->tau;
    double x;
    if (t < 0.0)
        return 0.0;
    if (t < eps && (r->law == ITS_RELEASE_HIGUCHI ||
                    (r->law == ITS_RELEASE_PEPPAS && r->shape < 1.0) ||
                    (r->law == ITS_RELEASE_WEIBULL && r->shape < 1.0)))
        return law_fraction(r, eps) / eps;
    x = t / r->tau;
    switch (r->law) {
    case ITS_RELEASE_ZERO_ORDER:
        return x < 1.0 ? 1.0 / r->tau : 0.0;
    case ITS_RELEASE_FIRST_ORDER:
        return exp(-x) / r->tau;
    case ITS_RELEASE_HIGUCHI:
        return x < 1.0 ? 0.5 / sqrt(x) / r->tau : 0.0;
    case ITS_RELEASE_PEPPAS:
        return x < 1.0 ? r->shape * pow(x, r->shape - 1.0) / r->tau : 0.0;
    case ITS_RELEASE_WEIBULL:
        return r->shape * pow(x, r->shape - 1.0) * exp(-pow(x, r->shape)) / r->tau;
    }
    return 0.0;
}
