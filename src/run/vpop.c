/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: prevalence weighting of a virtual-population pool (run/run.h,
 * "virtual-population weighting"; docs/calibration.md, "Method"). The
 * patients drawn from broad plausible priors are weighted by the density
 * ratio of a candidate population to the pool's proposal mixture, and the
 * candidate's parameters (a truncated lognormal per calibrated parameter)
 * are chosen with NLopt to bring the weighted targets to their published
 * values while keeping enough effective patients (in the spirit of the
 * density-ratio selection of Allen, Rieger & Musante 2016, CPT
 * Pharmacometrics Syst Pharmacol 5:140, and the prevalence weighting of
 * Klinke 2008, Ann Biomed Eng 36:321). */
#include "run/run.h"
#include "core/gsl_adapter.h"
#include "core/nlopt_adapter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ESS_PENALTY 25.0
#define MEDIAN_SE 0.05
/* A median target holds with this share of the patients to spare on each
 * side: a weighted median on the edge of its range (outcomes on a grid of
 * scan days or dose counts) falls outside it in half of the fresh samples
 * of the same population. */
#define MEDIAN_MARGIN 0.05

void its__vpop_free(its__vpop *v)
{
    if (!v)
        return;
    its__free(v->logq);
    its__free(v->w);
    its__free(v->est);
    its__free(v->hist);
    its__free(v->order);
    v->order = NULL;
    v->logq = v->w = v->est = v->hist = NULL;
    v->n_hist = v->cap_hist = 0;
}

/* A patient's outcome for sorting (NaN last, ties by patient). */
typedef struct keyed {
    double y;
    size_t i;
} keyed;

static int by_y(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    int na = isnan(p->y), nb = isnan(q->y);
    if (na != nb)
        return na - nb;
    if (!na && p->y != q->y)
        return (p->y > q->y) - (p->y < q->y);
    return (p->i > q->i) - (p->i < q->i);
}

static double logsumexp(const double *a, size_t n)
{
    double m = -HUGE_VAL, s = 0.0;
    size_t i;
    for (i = 0; i < n; i++)
        m = a[i] > m ? a[i] : m;
    if (!isfinite(m))
        return m;
    for (i = 0; i < n; i++)
        s += exp(a[i] - m);
    return m + log(s);
}

its_status its__vpop_prepare(its__vpop *v, char *msg, size_t msglen)
{
    double total = 0.0, terms[16];
    size_t i, j, r;
    if (!v || v->n == 0 || v->n_vary == 0 || v->n_rounds == 0 || v->n_rounds > 16) {
        its__fmt(msg, msglen, "calibration: an empty pool or too many rounds");
        return ITS_EINVAL;
    }
    v->logq = its__malloc(v->n * sizeof *v->logq);
    v->w = its__malloc(v->n * sizeof *v->w);
    v->est = its__calloc(v->n_targets + 1, sizeof *v->est);
    v->order = its__malloc((v->n_targets * v->n + 1) * sizeof *v->order);
    if (!v->logq || !v->w || !v->est || !v->order) {
        its__vpop_free(v);
        its__fmt(msg, msglen, "out of memory");
        return ITS_ENOMEM;
    }
    for (j = 0; j < v->n_targets; j++) {
        size_t *o = v->order + j * v->n;
        keyed *ky = its__measure_is_median(v->targets[j].measure)
                        ? its__malloc(v->n * sizeof *ky) : NULL;
        for (i = 0; i < v->n; i++)
            o[i] = i;
        if (its__measure_is_median(v->targets[j].measure)) {
            if (!ky) {
                its__vpop_free(v);
                its__fmt(msg, msglen, "out of memory");
                return ITS_ENOMEM;
            }
            for (i = 0; i < v->n; i++)
                ky[i] = (keyed){v->y[j * v->n + i], i};
            qsort(ky, v->n, sizeof *ky, by_y);
            for (i = 0; i < v->n; i++)
                o[i] = ky[i].i;
            its__free(ky);
        }
    }
    for (r = 0; r < v->n_rounds; r++)
        total += v->draws[r];
    for (i = 0; i < v->n; i++) {
        for (r = 0; r < v->n_rounds; r++) {
            terms[r] = log(v->draws[r] / total);
            for (j = 0; j < v->n_vary; j++)
                terms[r] += its__dist_logpdf(&v->prop[r * v->n_vary + j], v->x[i * v->n_vary + j]);
        }
        v->logq[i] = logsumexp(terms, v->n_rounds);
        if (!isfinite(v->logq[i])) {
            its__fmt(msg, msglen, "calibration: pool patient %zu lies outside every round's "
                     "proposal", i);
            its__vpop_free(v);
            return ITS_EINVAL;
        }
    }
    return ITS_OK;
}

void its__vpop_bounds(const its__vpop *v, double *tlo, double *thi)
{
    size_t j;
    for (j = 0; j < v->n_vary; j++) {
        double wdt = log(v->hi[j] / v->lo[j]);
        tlo[2 * j] = log(v->lo[j]);
        thi[2 * j] = log(v->hi[j]);
        tlo[2 * j + 1] = log(wdt / 40.0);
        thi[2 * j + 1] = log(wdt);
    }
}

its_status its__vpop_dist(const its__vpop *v, const double *theta, size_t j, its__dist *d)
{
    return its__dist_trunclognormal(d, exp(theta[2 * j]), exp(theta[2 * j + 1]), v->lo[j],
                                    v->hi[j], NULL, 0);
}

/* The weighted estimate of target k and its contribution to the loss. */
static double target_loss(const its__vpop *v, size_t k, double *est)
{
    const its__calib_target *t = &v->targets[k];
    const double *y = v->y + k * v->n;
    double s = 0.0, sy = 0.0, below = 0.0, upto = 0.0, e, d;
    size_t i;
    for (i = 0; i < v->n; i++) {
        if (isnan(y[i]))
            continue;
        s += v->w[i];
        sy += v->w[i] * y[i];
        below += y[i] < t->lo ? v->w[i] : 0.0;
        upto += y[i] <= t->hi ? v->w[i] : 0.0;
    }
    if (!(s > 0.0)) {
        *est = NAN;
        return 1e6; /* no patient informs the target */
    }
    if (its__measure_is_median(t->measure)) {
        /* the median lies in [lo, hi] when at most half are below lo and
         * at least half reach hi, here with MEDIAN_MARGIN to spare; the
         * estimate is the weighted median (the first outcome at which the
         * weights reach one half; +inf when half the patients are censored
         * PFS) */
        const size_t *o = v->order + k * v->n;
        double cum = 0.0, lb = fmax(0.0, below / s - (0.5 - MEDIAN_MARGIN));
        double ub = fmax(0.0, (0.5 + MEDIAN_MARGIN) - upto / s);
        *est = NAN;
        for (i = 0; i < v->n && isnan(*est) && !isnan(y[o[i]]); i++)
            if ((cum += v->w[o[i]]) / s >= 0.5)
                *est = y[o[i]];
        return (lb * lb + ub * ub) / (MEDIAN_SE * MEDIAN_SE);
    }
    e = *est = sy / s;
    if (t->range) {
        d = e < t->lo ? t->lo - e : e > t->hi ? e - t->hi : 0.0;
        return d * d / pow((t->hi - t->lo) / 4.0, 2);
    }
    d = (e - t->value) / ((t->hi - t->lo) / 3.92);
    return d * d;
}

double its__vpop_loss(its__vpop *v, const double *theta)
{
    its__dist d[ITS__CALIB_MAX_VARY];
    double m = -HUGE_VAL, s = 0.0, s2 = 0.0, loss = 0.0;
    size_t i, j, k;
    for (j = 0; j < v->n_vary; j++)
        if (its__vpop_dist(v, theta, j, &d[j]) != ITS_OK)
            return HUGE_VAL;
    for (i = 0; i < v->n; i++) {
        double lp = -v->logq[i];
        for (j = 0; j < v->n_vary; j++)
            lp += its__dist_logpdf(&d[j], v->x[i * v->n_vary + j]);
        v->w[i] = lp;
        m = lp > m ? lp : m;
    }
    if (!isfinite(m))
        return HUGE_VAL;
    for (i = 0; i < v->n; i++) {
        v->w[i] = exp(v->w[i] - m);
        s += v->w[i];
    }
    for (i = 0; i < v->n; i++) {
        v->w[i] /= s;
        s2 += v->w[i] * v->w[i];
    }
    v->ess = 1.0 / s2;
    for (k = 0; k < v->n_targets; k++) { /* a check is estimated, not fitted */
        double l = target_loss(v, k, &v->est[k]);
        loss += v->targets[k].check ? 0.0 : l;
    }
    if (v->ess < v->min_ess)
        loss += ESS_PENALTY * pow(log(v->min_ess / v->ess), 2);
    v->loss = loss;
    return loss;
}

typedef struct fit_ctx {
    its__vpop *v;
    int start;
    int nomem;
} fit_ctx;

static double objective(const double *theta, void *ud)
{
    fit_ctx *c = ud;
    its__vpop *v = c->v;
    double loss = its__vpop_loss(v, theta);
    if (v->n_hist == v->cap_hist) {
        size_t cap = v->cap_hist ? 2 * v->cap_hist : 1024;
        double *h = its__realloc(v->hist, cap * 4 * sizeof *h);
        if (!h) {
            c->nomem = 1;
            return loss;
        }
        v->hist = h;
        v->cap_hist = cap;
    }
    v->hist[4 * v->n_hist] = (double)v->n_hist;
    v->hist[4 * v->n_hist + 1] = c->start;
    v->hist[4 * v->n_hist + 2] = loss;
    v->hist[4 * v->n_hist + 3] = v->ess;
    v->n_hist++;
    return loss;
}

its_status its__vpop_fit(its__vpop *v, int starts, long max_evals, double *theta, char *msg,
                         size_t msglen)
{
    size_t dim = 2 * v->n_vary, j;
    double tlo[2 * ITS__CALIB_MAX_VARY], thi[2 * ITS__CALIB_MAX_VARY];
    double x[2 * ITS__CALIB_MAX_VARY], best = HUGE_VAL, *sob = NULL;
    fit_ctx c = {v, 0, 0};
    its_status st = ITS_OK;
    if (dim == 0 || dim > 2 * ITS__CALIB_MAX_VARY || starts < 1) {
        its__fmt(msg, msglen, "calibration: bad optimiser settings");
        return ITS_EINVAL;
    }
    its__vpop_bounds(v, tlo, thi);
    if (starts > 1 && (!(sob = its__malloc((size_t)(starts - 1) * dim * sizeof *sob)) ||
                       (st = its__sobol_points(dim, (size_t)(starts - 1), sob)) != ITS_OK)) {
        its__free(sob);
        its__fmt(msg, msglen, "out of memory");
        return st == ITS_OK ? ITS_ENOMEM : st;
    }
    for (c.start = 0; c.start < starts && st == ITS_OK; c.start++) {
        its__opt_result r;
        for (j = 0; j < dim; j++) {
            /* the centre of the box, wide (sigma at half the range's log
             * width), then Sobol points */
            double u = c.start == 0 ? (j % 2 ? 0.81 : 0.5) : sob[(size_t)(c.start - 1) * dim + j];
            x[j] = tlo[j] + u * (thi[j] - tlo[j]);
        }
        if (c.start == 0)
            memcpy(theta, x, dim * sizeof *x); /* a defined result even if no start improves */
        st = its__opt_minimize(ITS__OPT_BOBYQA, dim, objective, &c, tlo, thi, x, 1e-6, 1e-9,
                               max_evals, &r, msg, msglen);
        if (c.nomem)
            st = ITS_ENOMEM;
        if (st == ITS_ESOLVER) /* this start failed: the others may not */
            st = ITS_OK;
        else if (st == ITS_OK && r.fmin < best) {
            best = r.fmin;
            memcpy(theta, x, dim * sizeof *x);
        }
    }
    its__free(sob);
    if (st == ITS_OK)
        its__vpop_loss(v, theta); /* leave the best's weights and estimates */
    return st;
}
