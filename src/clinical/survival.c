/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: trial statistics (include/itsim/survival.h): Wilson and Newcombe
 * intervals, Kaplan-Meier with Brookmeyer-Crowley quantile intervals, the
 * log-rank test and the Cox model with one binary covariate, with its
 * cluster-robust variance. The rules follow R's survival package (survfit,
 * quantile.survfit, summary.survfit, survdiff, coxph with cluster()) so that tests/r/ can compare them to 1e-6; methods and
 * sources in docs/trial.md. */
#include "clinical/clinical.h"
#include "core/gsl_adapter.h"
#include "itsim/survival.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared checks ------------------------------------------------------------ */

static double z_of_level(double level)
{
    return its__normal_pinv(1.0 - (1.0 - level) / 2.0);
}

static int level_ok(double level, char *msg, size_t msglen)
{
    if (level > 0.0 && level < 1.0)
        return 1;
    its__fmt(msg, msglen, "confidence level %g is not in (0, 1)", level);
    return 0;
}

/* Times finite and >= 0, events 0/1, groups 0/1 (when given). */
static its_status check_obs(const double *time, const int *event, const int *group, size_t n,
                            char *msg, size_t msglen)
{
    size_t i;
    if (time == NULL || event == NULL || n == 0) {
        its__fmt(msg, msglen, "no observations (time, event or n missing)");
        return ITS_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (!isfinite(time[i]) || time[i] < 0.0) {
            its__fmt(msg, msglen, "observation %zu: time %g is not a finite value >= 0", i,
                     time[i]);
            return ITS_EINVAL;
        }
        if (event[i] != 0 && event[i] != 1) {
            its__fmt(msg, msglen, "observation %zu: event flag %d is not 0 or 1", i, event[i]);
            return ITS_EINVAL;
        }
        if (group != NULL && group[i] != 0 && group[i] != 1) {
            its__fmt(msg, msglen, "observation %zu: group %d is not 0 or 1", i, group[i]);
            return ITS_EINVAL;
        }
    }
    return ITS_OK;
}

/* ---- proportions ------------------------------------------------------------------ */

static its_status wilson(long x, long n, double level, its_estimate *out, char *msg,
                         size_t msglen)
{
    double z, z2, nn, center, half;
    if (out == NULL || n < 1 || x < 0 || x > n) {
        its__fmt(msg, msglen, "proportion %ld of %ld: need 0 <= x <= n, n >= 1", x, n);
        return ITS_EINVAL;
    }
    if (!level_ok(level, msg, msglen))
        return ITS_EINVAL;
    z = z_of_level(level);
    z2 = z * z;
    nn = (double)n;
    center = ((double)x + z2 / 2.0) / (nn + z2);
    half = z * sqrt((double)x * (double)(n - x) / nn + z2 / 4.0) / (nn + z2);
    out->value = (double)x / nn;
    out->ci_low = fmax(0.0, center - half);
    out->ci_high = fmin(1.0, center + half);
    return ITS_OK;
}

its_status its_wilson_interval(long x, long n, double level, its_estimate *out, char *msg,
                               size_t msglen)
{
    its_status st = wilson(x, n, level, out, msg, msglen);
    if (st == ITS_OK)
        its__fmt(msg, msglen, "%s", "");
    return st;
}

its_status its_prop_diff_interval(long x1, long n1, long x2, long n2, double level,
                                  its_estimate *out, char *msg, size_t msglen)
{
    its_estimate a, b;
    its_status st;
    if (out == NULL) {
        its__fmt(msg, msglen, "no result storage");
        return ITS_EINVAL;
    }
    if ((st = wilson(x1, n1, level, &a, msg, msglen)) != ITS_OK ||
        (st = wilson(x2, n2, level, &b, msg, msglen)) != ITS_OK)
        return st;
    out->value = a.value - b.value;
    out->ci_low = out->value - hypot(a.value - a.ci_low, b.ci_high - b.value);
    out->ci_high = out->value + hypot(a.ci_high - a.value, b.value - b.ci_low);
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

/* ---- Kaplan-Meier ------------------------------------------------------------------ */

struct its_km {
    size_t nrows;
    its_km_row *rows;
};

/* One observation, sorted by stratum, then time. */
typedef struct obs {
    double t;
    int event, group, stratum, cluster;
} obs;

static int obs_cmp(const void *pa, const void *pb)
{
    const obs *a = pa, *b = pb;
    if (a->stratum != b->stratum)
        return a->stratum < b->stratum ? -1 : 1;
    return (a->t > b->t) - (a->t < b->t);
}

/* A sorted copy of the observations (its__free), or NULL (ITS_ENOMEM). */
static obs *sorted_obs(const double *time, const int *event, const int *group,
                       const int *strata, const int *cluster, size_t n)
{
    obs *o = its__malloc(n * sizeof *o);
    size_t i;
    if (o == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        o[i].t = time[i];
        o[i].event = event[i];
        o[i].group = group != NULL ? group[i] : 0;
        o[i].stratum = strata != NULL ? strata[i] : 0;
        o[i].cluster = cluster != NULL ? cluster[i] : 0;
    }
    qsort(o, n, sizeof *o, obs_cmp);
    return o;
}

/* Fills the rows of a curve from observations sorted by time; returns the
 * number of rows. */
static size_t km_fill(const obs *o, size_t n, double z, its_km_row *rows)
{
    size_t i = 0, m = 0;
    double s = 1.0, var = 0.0;
    while (i < n) {
        its_km_row *r = &rows[m++];
        size_t j = i;
        r->t = o[i].t;
        r->n_risk = (long)(n - i);
        r->n_event = r->n_censor = 0;
        for (; j < n && o[j].t == o[i].t; j++) {
            if (o[j].event)
                r->n_event++;
            else
                r->n_censor++;
        }
        if (r->n_event > 0) {
            double d = (double)r->n_event, nr = (double)r->n_risk;
            s *= (nr - d) / nr;
            var += r->n_event < r->n_risk ? d / (nr * (nr - d)) : (double)INFINITY;
        }
        r->surv = s;
        r->se_log = sqrt(var);
        r->se = s > 0.0 ? s * r->se_log : (double)NAN;
        r->ci_low = s > 0.0 ? exp(log(s) - z * r->se_log) : (double)NAN;
        r->ci_high = s > 0.0 ? fmin(1.0, exp(log(s) + z * r->se_log)) : (double)NAN;
        i = j;
    }
    return m;
}

its_status its_km_create(const double *time, const int *event, size_t n, double level,
                         its_km **out, char *msg, size_t msglen)
{
    its_km *km;
    obs *o;
    its_status st;
    if (out == NULL) {
        its__fmt(msg, msglen, "no result storage");
        return ITS_EINVAL;
    }
    *out = NULL;
    if ((st = check_obs(time, event, NULL, n, msg, msglen)) != ITS_OK)
        return st;
    if (!level_ok(level, msg, msglen))
        return ITS_EINVAL;
    km = its__calloc(1, sizeof *km);
    o = km != NULL ? sorted_obs(time, event, NULL, NULL, NULL, n) : NULL;
    if (o != NULL)
        km->rows = its__malloc(n * sizeof *km->rows);
    if (km == NULL || o == NULL || km->rows == NULL) {
        its__free(o);
        its_km_free(km);
        its__fmt(msg, msglen, "out of memory for a Kaplan-Meier curve of %zu observations", n);
        return ITS_ENOMEM;
    }
    km->nrows = km_fill(o, n, z_of_level(level), km->rows);
    its__free(o);
    *out = km;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

void its_km_free(its_km *km)
{
    if (km == NULL)
        return;
    its__free(km->rows);
    its__free(km);
}

size_t its_km_nrows(const its_km *km)
{
    return km != NULL ? km->nrows : 0;
}

its_status its_km_get_row(const its_km *km, size_t i, its_km_row *out)
{
    if (km == NULL || out == NULL || i >= km->nrows)
        return ITS_EINVAL;
    *out = km->rows[i];
    return ITS_OK;
}

/* Which curve a quantile is read from. */
enum { CURVE_S, CURVE_LOW, CURVE_HIGH };

static double curve_y(const its_km *km, size_t k, int which)
{
    const its_km_row *r;
    if (k == 0)
        return 0.0; /* the origin: 1 - S(0) = 0 */
    r = &km->rows[k - 1];
    return 1.0 - (which == CURVE_S ? r->surv : which == CURVE_LOW ? r->ci_low : r->ci_high);
}

static double curve_x(const its_km *km, size_t k)
{
    return k == 0 ? 0.0 : km->rows[k - 1].t;
}

/* Index k (into the curve with its origin, 0..nrows) of the first point
 * with the smallest y such that y + off >= p, NaN skipped (R drops the
 * later repeats of a value, then interpolates with approx(method =
 * "constant", f = 1): the first occurrence of the smallest qualifying
 * value is the one it finds); SIZE_MAX when there is none. */
static size_t first_at_least(const its_km *km, int which, double p, double off)
{
    size_t k, best = SIZE_MAX;
    double ybest = (double)INFINITY;
    for (k = 0; k <= km->nrows; k++) {
        double y = curve_y(km, k, which);
        if (!isnan(y) && y + off >= p && y < ybest) {
            best = k;
            ybest = y;
        }
    }
    return best;
}

/* The last value of the curve that does not repeat an earlier value (NaN
 * repeats NaN): the last point R's findq keeps. */
static double last_new_value(const its_km *km, int which)
{
    size_t k = km->nrows + 1, j;
    while (k-- > 0) {
        double y = curve_y(km, k, which);
        int dup = 0;
        for (j = 0; j < k && !dup; j++) {
            double yj = curve_y(km, j, which);
            dup = yj == y || (isnan(y) && isnan(yj));
        }
        if (!dup)
            return y;
    }
    return (double)NAN;
}

/* R's findq on one curve y = 1 - S (or 1 - a confidence limit): the
 * midpoint of the first times at which y reaches p within +-tol; the
 * midpoint to the last time when the curve ends at p; NaN when y never
 * reaches p. */
static double km_findq(const its_km *km, int which, double p)
{
    const double tol = sqrt(DBL_EPSILON);
    double ymax = -(double)INFINITY, ylast;
    size_t k, k1, k2;
    for (k = 0; k <= km->nrows; k++) {
        double y = curve_y(km, k, which);
        if (!isnan(y))
            ymax = fmax(ymax, y);
    }
    if (ymax < p)
        return (double)NAN;
    k1 = first_at_least(km, which, p, tol);
    k2 = first_at_least(km, which, p, -tol);
    if (k1 == SIZE_MAX)
        return (double)NAN;
    ylast = last_new_value(km, which);
    if (!isnan(ylast) && fabs(p - ylast) < tol)
        return (curve_x(km, k1) + curve_x(km, km->nrows)) / 2.0;
    if (k2 == SIZE_MAX)
        return (double)NAN;
    return (curve_x(km, k1) + curve_x(km, k2)) / 2.0;
}

its_status its_km_get_quantile(const its_km *km, double p, its_estimate *out)
{
    if (km == NULL || out == NULL || !(p > 0.0 && p < 1.0))
        return ITS_EINVAL;
    out->value = km_findq(km, CURVE_S, p);
    out->ci_low = km_findq(km, CURVE_LOW, p);
    out->ci_high = km_findq(km, CURVE_HIGH, p);
    return ITS_OK;
}

its_status its_km_get_surv(const its_km *km, double t, its_estimate *out, double *se)
{
    size_t k;
    const its_km_row *r = NULL;
    if (km == NULL || out == NULL || !isfinite(t))
        return ITS_EINVAL;
    if (km->nrows == 0 || t > km->rows[km->nrows - 1].t) {
        out->value = out->ci_low = out->ci_high = (double)NAN;
        if (se != NULL)
            *se = (double)NAN;
        return ITS_OK;
    }
    for (k = 0; k < km->nrows && km->rows[k].t <= t; k++)
        r = &km->rows[k];
    out->value = r != NULL ? r->surv : 1.0;
    out->ci_low = r != NULL ? r->ci_low : 1.0;
    out->ci_high = r != NULL ? r->ci_high : 1.0;
    if (se != NULL)
        *se = r != NULL ? r->se : 0.0;
    return ITS_OK;
}

/* ---- risk sets of two groups ------------------------------------------------------ */

/* At one event time of one stratum: subjects at risk and events per group. */
typedef struct risk_row {
    double n0, n1, d0, d1;
} risk_row;

/* The risk rows of every event time of every stratum, into rows (room for
 * n); returns their number. o is sorted by stratum, then time. */
static size_t risk_table(const obs *o, size_t n, risk_row *rows)
{
    size_t m = 0, end = n;
    while (end > 0) {
        size_t start = end, i;
        double at0 = 0.0, at1 = 0.0;
        while (start > 0 && o[start - 1].stratum == o[end - 1].stratum)
            start--;
        for (i = end; i > start;) {
            size_t j = i;
            risk_row r = {0.0, 0.0, 0.0, 0.0};
            for (; j > start && o[j - 1].t == o[i - 1].t; j--) {
                int g = o[j - 1].group;
                *(g ? &at1 : &at0) += 1.0;
                if (o[j - 1].event)
                    *(g ? &r.d1 : &r.d0) += 1.0;
            }
            r.n0 = at0;
            r.n1 = at1;
            if (r.d0 + r.d1 > 0.0)
                rows[m++] = r;
            i = j;
        }
        end = start;
    }
    return m;
}

/* Checks the observations and builds their risk table (*rows, its__free).
 * keep != NULL receives the sorted observations (its__free), NULL frees
 * them. */
static its_status risk_setup(const double *time, const int *event, const int *group,
                             const int *strata, const int *cluster, size_t n,
                             risk_row **rows, size_t *m, obs **keep, char *msg, size_t msglen)
{
    its_status st;
    obs *o;
    *rows = NULL;
    if (keep != NULL)
        *keep = NULL;
    if (group == NULL) {
        its__fmt(msg, msglen, "no group (arm) array");
        return ITS_EINVAL;
    }
    if ((st = check_obs(time, event, group, n, msg, msglen)) != ITS_OK)
        return st;
    o = sorted_obs(time, event, group, strata, cluster, n);
    *rows = o != NULL ? its__malloc(n * sizeof **rows) : NULL;
    if (*rows == NULL) {
        its__free(o);
        its__fmt(msg, msglen, "out of memory for the risk sets of %zu observations", n);
        return ITS_ENOMEM;
    }
    *m = risk_table(o, n, *rows);
    if (keep != NULL)
        *keep = o;
    else
        its__free(o);
    return ITS_OK;
}

its_status its_logrank(const double *time, const int *event, const int *group,
                       const int *strata, size_t n, its_logrank_result *out, char *msg,
                       size_t msglen)
{
    risk_row *rows;
    size_t m, k;
    its_status st;
    double o1 = 0.0, e1 = 0.0, o0 = 0.0, e0 = 0.0, v = 0.0;
    if (out == NULL) {
        its__fmt(msg, msglen, "no result storage");
        return ITS_EINVAL;
    }
    st = risk_setup(time, event, group, strata, NULL, n, &rows, &m, NULL, msg, msglen);
    if (st != ITS_OK)
        return st;
    for (k = 0; k < m; k++) {
        const risk_row *r = &rows[k];
        double nr = r->n0 + r->n1, d = r->d0 + r->d1;
        o0 += r->d0;
        o1 += r->d1;
        e0 += d * r->n0 / nr;
        e1 += d * r->n1 / nr;
        if (nr > 1.0)
            v += d * (r->n0 / nr) * (r->n1 / nr) * (nr - d) / (nr - 1.0);
    }
    its__free(rows);
    out->observed[0] = o0;
    out->observed[1] = o1;
    out->expected[0] = e0;
    out->expected[1] = e1;
    out->variance = v;
    if (!(v > 0.0)) {
        out->chisq = out->p = (double)NAN;
        its__fmt(msg, msglen, "log-rank test undefined: %s",
                 m == 0 ? "no event" : "zero variance (a group without subjects at risk)");
        return ITS_ERANGE;
    }
    out->chisq = (o1 - e1) * (o1 - e1) / v;
    out->p = its__chisq_upper(out->chisq, 1.0);
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

/* ---- Cox model ----------------------------------------------------------------------- */

/* Log partial likelihood, score and information at beta. */
static void cox_eval(const risk_row *rows, size_t m, its_ties ties, double beta, double *ll,
                     double *u, double *info)
{
    double r = exp(beta);
    size_t k;
    *ll = *u = *info = 0.0;
    for (k = 0; k < m; k++) {
        const risk_row *w = &rows[k];
        double d = w->d0 + w->d1, s0 = w->n0 + w->n1 * r, s1 = w->n1 * r;
        double e0 = w->d0 + w->d1 * r, e1 = w->d1 * r, j;
        *ll += w->d1 * beta;
        *u += w->d1;
        for (j = 0.0; j < d; j += 1.0) {
            double f = ties == ITS_TIES_EFRON ? j / d : 0.0;
            double a0 = s0 - f * e0, mu = (s1 - f * e1) / a0;
            *ll -= log(a0);
            *u -= mu;
            *info += mu * (1.0 - mu);
        }
    }
}

/* Newton-Raphson with step halving; ITS_ERANGE when not estimable. */
static its_status cox_fit(const risk_row *rows, size_t m, its_ties ties, its_cox_result *out)
{
    double beta = 0.0, ll, u, info, ll_new, u_new, info_new;
    int it;
    cox_eval(rows, m, ties, beta, &ll, &u, &info);
    out->loglik0 = ll;
    for (it = 1; it <= 100; it++) {
        double step, nb;
        if (!(info > 0.0))
            return ITS_ERANGE;
        step = u / info;
        nb = beta + step;
        cox_eval(rows, m, ties, nb, &ll_new, &u_new, &info_new);
        while (ll_new < ll - 1e-12 * fabs(ll) && fabs(nb - beta) > 1e-14) {
            nb = (nb + beta) / 2.0; /* step halving */
            cox_eval(rows, m, ties, nb, &ll_new, &u_new, &info_new);
        }
        beta = nb;
        ll = ll_new;
        u = u_new;
        info = info_new;
        out->iterations = it;
        if (fabs(beta) > 30.0)
            return ITS_ERANGE;
        if (fabs(step) < 1e-10)
            break;
    }
    if (!(info > 0.0) || it > 100)
        return ITS_ERANGE;
    out->beta = beta;
    out->loglik = ll;
    out->se = 1.0 / sqrt(info);
    return ITS_OK;
}

/* ---- score residuals and the robust variance ------------------------------------------ */

/* The sums over the d tied deaths of one event time, with risk sums s0
 * (all at risk) and s1 (those of group 1), e0 and e1 the same over the
 * deaths. Efron's approximation treats the deaths as d steps, step j
 * removing the fraction f_j = j/d of the deaths' risk (Breslow: f_j = 0):
 * denominator a_j = s0 - f_j e0, mean covariate xbar_j = (s1 - f_j e1)/a_j.
 * h and hx are the hazard increment sum_j 1/a_j and sum_j xbar_j/a_j that a
 * subject at risk beyond the time carries; a death carries only its share
 * (1 - f_j) of each step (hd, hxd) and is compared with the mean xm of the
 * xbar_j (Therneau & Grambsch 2000, "Modeling survival data", sec. 3.7 and
 * 4.6; the score residuals of R's residuals.coxph). */
typedef struct tie_sums {
    double h, hx, hd, hxd, xm;
} tie_sums;

static tie_sums tie_terms(double s0, double s1, double e0, double e1, double d, its_ties ties)
{
    tie_sums t = {0.0, 0.0, 0.0, 0.0, 0.0};
    double j;
    for (j = 0.0; j < d; j += 1.0) {
        double f = ties == ITS_TIES_EFRON ? j / d : 0.0;
        double a = s0 - f * e0, xb = (s1 - f * e1) / a;
        t.h += 1.0 / a;
        t.hx += xb / a;
        t.hd += (1.0 - f) / a;
        t.hxd += (1.0 - f) * xb / a;
        t.xm += xb / d;
    }
    return t;
}

/* The score residual L[i] of every observation at beta (aligned with o,
 * sorted by stratum, then time): L_i = delta_i (x_i - xbar(t_i)) - sum over
 * event times t_k <= t_i of r_i (x_i - xbar(t_k)) dLambda(t_k), r_i =
 * exp(beta x_i), with the tie terms above (Lin & Wei 1989, J Am Stat Assoc
 * 84:1074); sum_i L_i is the score. s0 and s1: scratch of n each. */
static void score_residuals(const obs *o, size_t n, its_ties ties, double beta, double *L,
                            double *s0, double *s1)
{
    double r1 = exp(beta);
    size_t start = 0, end, i, j, k;
    for (; start < n; start = end) {
        double a0 = 0.0, a1 = 0.0, H = 0.0, M = 0.0;
        for (end = start; end < n && o[end].stratum == o[start].stratum;)
            end++;
        for (i = end; i-- > start;) { /* risk sums over t >= o[i].t */
            a0 += o[i].group ? r1 : 1.0;
            a1 += o[i].group ? r1 : 0.0;
            s0[i] = a0;
            s1[i] = a1;
        }
        for (i = start; i < end; i = j) {
            double d = 0.0, e0 = 0.0, e1 = 0.0;
            tie_sums ts;
            for (j = i; j < end && o[j].t == o[i].t; j++)
                if (o[j].event) {
                    d += 1.0;
                    e0 += o[j].group ? r1 : 1.0;
                    e1 += o[j].group ? r1 : 0.0;
                }
            ts = tie_terms(s0[i], s1[i], e0, e1, d, ties);
            for (k = i; k < j; k++) {
                double x = o[k].group, r = o[k].group ? r1 : 1.0;
                L[k] = o[k].event ? x - ts.xm - r * (x * (H + ts.hd) - (M + ts.hxd))
                                  : -r * (x * (H + ts.h) - (M + ts.hx));
            }
            H += ts.h;
            M += ts.hx;
        }
    }
}

/* A score residual with its cluster. */
typedef struct cl_resid {
    int id;
    double l;
} cl_resid;

static int cl_cmp(const void *pa, const void *pb)
{
    const cl_resid *a = pa, *b = pb;
    return (a->id > b->id) - (a->id < b->id);
}

/* sum over clusters of (sum of the cluster's L)^2; c (room for n) NULL:
 * singletons. *nclusters receives their number. */
static double cluster_sumsq(const obs *o, const double *L, size_t n, cl_resid *c,
                            long *nclusters)
{
    double v = 0.0, sum;
    size_t i, j;
    *nclusters = 0;
    if (c == NULL) {
        for (i = 0; i < n; i++)
            v += L[i] * L[i];
        *nclusters = (long)n;
        return v;
    }
    for (i = 0; i < n; i++) {
        c[i].id = o[i].cluster;
        c[i].l = L[i];
    }
    qsort(c, n, sizeof *c, cl_cmp);
    for (i = 0; i < n; i = j) {
        for (sum = 0.0, j = i; j < n && c[j].id == c[i].id; j++)
            sum += c[j].l;
        v += sum * sum;
        (*nclusters)++;
    }
    return v;
}

/* The robust variance of beta (R's crossprod of the dfbeta residuals L /
 * information summed by cluster) and the robust score test at beta = 0,
 * into out (beta and se already set). ITS_ENOMEM. */
static its_status cox_robust(const obs *o, size_t n, its_ties ties, int clustered,
                             its_cox_result *out)
{
    double *L = its__malloc(3 * n * sizeof *L), v, u0 = 0.0, v0, scale = 0.0;
    cl_resid *c = clustered ? its__malloc(n * sizeof *c) : NULL;
    size_t i;
    if (L == NULL || (clustered && c == NULL)) {
        its__free(L);
        its__free(c);
        return ITS_ENOMEM;
    }
    score_residuals(o, n, ties, out->beta, L, L + n, L + 2 * n);
    v = cluster_sumsq(o, L, n, c, &out->clusters);
    out->robust_se = sqrt(v) * out->se * out->se; /* sqrt(v) / information */
    score_residuals(o, n, ties, 0.0, L, L + n, L + 2 * n);
    for (i = 0; i < n; i++) {
        u0 += L[i];
        scale += L[i] * L[i];
    }
    v0 = cluster_sumsq(o, L, n, c, &out->clusters);
    /* clusters whose residuals cancel (identical times in both arms of
     * every pair): the statistic is 0/0, not the ratio of round-off (R's
     * rscore is NaN there) */
    out->robust_score = v0 > 1e-24 * scale ? u0 * u0 / v0 : (double)NAN;
    out->robust_score_p = its__chisq_upper(out->robust_score, 1.0);
    its__free(L);
    its__free(c);
    return ITS_OK;
}

/* ---- the Cox fit ---------------------------------------------------------------------- */

/* Both entry points; robust: the sandwich variance with cluster (NULL:
 * singletons). */
static its_status cox_binary(const double *time, const int *event, const int *group,
                             const int *strata, const int *cluster, int robust, size_t n,
                             its_ties ties, double level, its_cox_result *out, char *msg,
                             size_t msglen)
{
    risk_row *rows;
    obs *o = NULL;
    size_t m, k;
    its_status st;
    double z, se;
    if (out == NULL || (ties != ITS_TIES_EFRON && ties != ITS_TIES_BRESLOW)) {
        its__fmt(msg, msglen, "%s", out == NULL ? "no result storage" : "unknown ties method");
        return ITS_EINVAL;
    }
    memset(out, 0, sizeof *out);
    out->beta = out->se = out->p = out->loglik0 = out->loglik = (double)NAN;
    out->robust_se = out->robust_score = out->robust_score_p = (double)NAN;
    out->hr.value = out->hr.ci_low = out->hr.ci_high = (double)NAN;
    if (!level_ok(level, msg, msglen))
        return ITS_EINVAL;
    st = risk_setup(time, event, group, strata, cluster, n, &rows, &m, robust ? &o : NULL, msg,
                    msglen);
    if (st != ITS_OK)
        return st;
    for (k = 0; k < m; k++)
        out->events += (long)(rows[k].d0 + rows[k].d1);
    st = cox_fit(rows, m, ties, out);
    its__free(rows);
    if (st != ITS_OK) {
        its__free(o);
        out->beta = (double)NAN;
        its__fmt(msg, msglen, "hazard ratio not estimable: %s",
                 m == 0 ? "no event" : "no information or a monotone likelihood (|beta| > 30)");
        return st;
    }
    if (robust && cox_robust(o, n, ties, cluster != NULL, out) != ITS_OK) {
        its__free(o);
        its__fmt(msg, msglen, "out of memory for the score residuals of %zu observations", n);
        return ITS_ENOMEM;
    }
    its__free(o);
    se = robust ? out->robust_se : out->se;
    z = z_of_level(level);
    out->hr.value = exp(out->beta);
    out->hr.ci_low = exp(out->beta - z * se);
    out->hr.ci_high = exp(out->beta + z * se);
    out->p = its__chisq_upper((out->beta / se) * (out->beta / se), 1.0);
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

its_status its_cox_binary(const double *time, const int *event, const int *group,
                          const int *strata, size_t n, its_ties ties, double level,
                          its_cox_result *out, char *msg, size_t msglen)
{
    return cox_binary(time, event, group, strata, NULL, 0, n, ties, level, out, msg, msglen);
}

its_status its_cox_binary_robust(const double *time, const int *event, const int *group,
                                 const int *strata, const int *cluster, size_t n, its_ties ties,
                                 double level, its_cox_result *out, char *msg, size_t msglen)
{
    return cox_binary(time, event, group, strata, cluster, 1, n, ties, level, out, msg, msglen);
}
