/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: `itsim calibrate` (include/itsim/calibrate.h; docs/calibration.md).
 * Round r draws a pool of patients (round 0 from the file's priors, later
 * rounds from the population the previous fit found) and runs it as a
 * trial in DIR/round_R (the trial store: resumable after kill -9); the
 * pools so far are weighted (run/vpop.c) and the calibrated parameters'
 * population refitted. The last fit is written as DIR/calibrated.yaml (the
 * file with the calibrated priors replaced), validated by a fresh trial of
 * it in DIR/validation, and reported (report.c). Every step is a pure
 * function of the file and its seed. */
#include "io/io.h"
#include "itsim/calibrate.h"
#include "io/sqlite_adapter.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void its__cal_free(its__cal *c)
{
    size_t k;
    its__free(c->x);
    its__free(c->pat);
    its__free(c->round);
    for (k = 0; k < ITS__CALIB_MAX_TARGETS; k++)
        its__free(c->y[k]);
    its__free(c->prop);
    its__free(c->hist);
    its__vpop_free(&c->v);
    memset(c, 0, sizeof *c);
}

/* Room for n more pool patients. */
static its_status grow(its__cal *c, size_t n)
{
    size_t cap = c->n + n, k;
    double *x;
    long *pat;
    int *round;
    if (cap <= c->cap)
        return ITS_OK;
    x = its__realloc(c->x, cap * c->spec->n_vary * sizeof *x);
    if (x)
        c->x = x;
    pat = its__realloc(c->pat, cap * sizeof *pat);
    if (pat)
        c->pat = pat;
    round = its__realloc(c->round, cap * sizeof *round);
    if (round)
        c->round = round;
    if (!x || !pat || !round)
        return ITS_ENOMEM;
    for (k = 0; k < c->spec->n_targets; k++) {
        double *y = its__realloc(c->y[k], cap * sizeof *y);
        if (!y)
            return ITS_ENOMEM;
        c->y[k] = y;
    }
    c->cap = cap;
    return ITS_OK;
}

/* The value of target k in outcome row o. */
static double target_value(const its__calib_target *t, const its__outcome *o)
{
    int k, worst = -1;
    if (o->status != ITS_OK)
        return NAN;
    switch (t->measure) {
    case ITS__MEASURE_ORR: return o->best == ITS_RESP_CR || o->best == ITS_RESP_PR;
    case ITS__MEASURE_CR: return o->best == ITS_RESP_CR;
    case ITS__MEASURE_GRADE3:
        for (k = 0; k < ITS_AE_NTERMS; k++)
            worst = o->worst_grade[k] > worst ? o->worst_grade[k] : worst;
        return worst < 0 ? (double)NAN : (double)(worst >= 3);
    case ITS__MEASURE_PFS_MEDIAN: /* censored: beyond every event (docs/calibration.md) */
        return o->pfs_event ? o->pfs_days : (double)INFINITY;
    case ITS__MEASURE_PFS_AT: /* free at the landmark; censored before it: unknown */
        if (o->pfs_days > t->at || (!o->pfs_event && o->pfs_days >= t->at))
            return 1.0;
        return o->pfs_event ? 0.0 : (double)NAN;
    case ITS__MEASURE_CR_SHARE: /* among the responders only */
        return o->best == ITS_RESP_CR ? 1.0 : o->best == ITS_RESP_PR ? 0.0 : (double)NAN;
    case ITS__MEASURE_TTR_MEDIAN:
        return (o->best == ITS_RESP_CR || o->best == ITS_RESP_PR) ? o->ttr_days : (double)NAN;
    case ITS__MEASURE_DOR_MEDIAN: /* an ongoing response: beyond every event */
        if (o->best != ITS_RESP_CR && o->best != ITS_RESP_PR)
            return NAN;
        return o->dor_event ? o->dor_days : (double)INFINITY;
    default: return o->doses_planned_c1 > 0 ? (double)o->doses_given_c1 : (double)NAN;
    }
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The calibrated parameters of the patients stored in `store` and their
 * targets' values, appended to the pool as round r; *draws gets the
 * round's draws (accepted and rejected). */
its_status its__cal_read_store(its__cal *c, its_trial *tr, its__store *store, int r,
                               double *draws)
{
    const its__calib_spec *s = c->spec;
    size_t j, i, k, n = 0, n0 = c->n;
    long *ids = NULL;
    double *v = NULL;
    its__store_rows rows;
    its_status st = its__store_values(store, "draw_attempt", &ids, &v, &n);
    *draws = 0.0;
    if (st == ITS_OK && (st = grow(c, n)) == ITS_OK) {
        for (i = 0; i < n; i++) {
            c->pat[n0 + i] = ids[i];
            c->round[n0 + i] = r;
            *draws += 1.0 + (isfinite(v[i]) ? v[i] : 0.0);
            for (k = 0; k < s->n_targets; k++)
                c->y[k][n0 + i] = NAN;
        }
    }
    its__free(ids);
    its__free(v);
    for (j = 0; st == ITS_OK && j < s->n_vary; j++) {
        size_t m = 0;
        const char *name = c->m->params[its__population_param(c->t->pop, s->vary[j])].name;
        ids = NULL;
        v = NULL;
        st = its__store_values(store, name, &ids, &v, &m);
        if (st == ITS_OK && m != n)
            st = ITS_ECHECK;
        for (i = 0; st == ITS_OK && i < n; i++)
            c->x[(n0 + i) * s->n_vary + j] = v[i];
        its__free(ids);
        its__free(v);
    }
    if (st == ITS_OK && (st = its__store_read(store, &rows)) == ITS_OK) {
        for (i = 0; i < rows.n; i++) {
            const its__outcome *o = &rows.rows[i];
            long *hit = bsearch(&o->patient, c->pat + n0, n, sizeof *c->pat, cmp_long);
            for (k = 0; hit && k < s->n_targets; k++)
                if (s->targets[k].arm == o->arm)
                    c->y[k][(size_t)(hit - c->pat)] = target_value(&s->targets[k], o);
        }
        its__store_rows_free(&rows);
    }
    if (st == ITS_ENOMEM)
        its__fmt(tr->err, sizeof tr->err, "out of memory reading the pool");
    else if (st == ITS_ECHECK)
        its__fmt(tr->err, sizeof tr->err, "the store holds the calibrated parameters for other "
                 "patients than it stores");
    else if (st != ITS_OK)
        its__fmt(tr->err, sizeof tr->err, "%s", its__store_errmsg(store));
    else
        c->n += n;
    return st;
}

/* A trial of the file's text: patients and seed as given, the calibrated
 * parameters drawn from theta (NULL: the file's priors), identified in its
 * store by the tag and theta. */
its_status its__cal_trial(its__cal *c, const char *text, size_t len, long patients,
                          uint64_t seed, const double *theta, const char *tag, its_trial **out)
{
    const its__calib_spec *s = c->spec;
    its_trial *tr = NULL;
    char msg[1024];
    size_t j, at;
    its_status st = its_trial_load_string(text, len, c->t->name, &tr, msg, sizeof msg);
    *out = NULL;
    if (st != ITS_OK) {
        its__fmt(c->t->err, sizeof c->t->err, "%s", msg);
        return st;
    }
    if ((st = its_trial_set_patients(tr, patients)) == ITS_OK)
        st = its_trial_set_seed(tr, seed);
    {   /* after what loading put there (an included population) */
        char *old = tr->identity_extra;
        size_t olen = old ? strlen(old) : 0;
        tr->identity_extra = its__malloc(olen + 256 + 96 * s->n_vary);
        if (tr->identity_extra && old)
            memcpy(tr->identity_extra, old, olen);
        its__free(old);
        at = olen;
    }
    if (st == ITS_OK && !tr->identity_extra)
        st = ITS_ENOMEM;
    if (st == ITS_OK) {
        at += (size_t)snprintf(tr->identity_extra + at, 256, "# itsim calibrate: %s\n", tag);
        for (j = 0; theta && st == ITS_OK && j < s->n_vary; j++) {
            its__dist d;
            st = its__vpop_dist(&c->v, theta, j, &d);
            if (st == ITS_OK)
                st = its__population_set_dist(tr->pop, s->vary[j], &d);
            at += (size_t)snprintf(tr->identity_extra + at, 96, "# %zu: %.17g %.17g\n", j,
                                   theta[2 * j], theta[2 * j + 1]);
        }
    }
    if (st != ITS_OK) {
        its__fmt(c->t->err, sizeof c->t->err, "calibration: %s",
                 st == ITS_ENOMEM ? "out of memory" : its_trial_errmsg(tr));
        its_trial_free(tr);
        return st;
    }
    *out = tr;
    return ITS_OK;
}

/* Run tr into sub (resuming a store there) and read it into the pool as
 * round r. */
static its_status run_round(its__cal *c, its_trial *tr, const char *sub, int r,
                            const its_trial_opts *o, double *draws)
{
    its_trial_opts ro = *o;
    its__store *store = NULL;
    its_status st;
    ro.resume = its__has_store(sub);
    ro.figures = 0;
    st = its_trial_run(tr, sub, &ro);
    if (st == ITS_OK)
        st = its__trial_open_store(tr, sub, 1, ro.timeseries, &store);
    if (st == ITS_OK)
        st = its__cal_read_store(c, tr, store, r, draws);
    its__store_close(store);
    if (st != ITS_OK)
        its__fmt(c->t->err, sizeof c->t->err, "%s: %s", sub, its_trial_errmsg(tr));
    return st;
}

/* Refit the population on the pools of rounds 0..r. */
static its_status fit(its__cal *c, int r, double *theta)
{
    const its__calib_spec *s = c->spec;
    its__vpop *v = &c->v;
    size_t j, h;
    its_status st;
    its__vpop_free(v);
    v->n = c->n;
    v->n_vary = s->n_vary;
    v->n_rounds = (size_t)r + 1;
    v->x = c->x;
    v->prop = c->prop;
    v->draws = c->draws;
    v->lo = s->lo;
    v->hi = s->hi;
    v->n_targets = s->n_targets;
    v->targets = s->targets;
    v->min_ess = s->min_ess;
    for (j = 0; j < s->n_targets; j++)
        memcpy(c->yflat + j * c->n, c->y[j], c->n * sizeof *c->yflat);
    v->y = c->yflat;
    if ((st = its__vpop_prepare(v, c->t->err, sizeof c->t->err)) != ITS_OK)
        return st;
    st = its__vpop_fit(v, s->starts, s->max_evals, theta, c->t->err, sizeof c->t->err);
    for (h = 0; st == ITS_OK && h < v->n_hist; h++) { /* the history, by round */
        double *row;
        if (c->n_hist == c->cap_hist) {
            size_t cap = c->cap_hist ? 2 * c->cap_hist : 4096;
            double *g = its__realloc(c->hist, cap * 5 * sizeof *g);
            if (!g)
                return ITS_ENOMEM;
            c->hist = g;
            c->cap_hist = cap;
        }
        row = c->hist + 5 * c->n_hist++;
        row[0] = r;
        memcpy(row + 1, v->hist + 4 * h, 4 * sizeof *row);
    }
    return st;
}

/* The proposals of round r + 1: the population theta describes. */
static its_status add_proposal(its__cal *c, int r, const double *theta)
{
    size_t j, n = c->spec->n_vary;
    for (j = 0; j < n; j++) {
        its_status st = its__vpop_dist(&c->v, theta, j, &c->prop[(size_t)(r + 1) * n + j]);
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

static its_status setup(its__cal *c, its_trial *t, const char *dir)
{
    const its__calib_spec *s = t->calib;
    size_t j;
    memset(c, 0, sizeof *c);
    c->t = t;
    c->m = t->model;
    c->spec = s;
    c->dir = dir;
    c->prop = its__calloc((size_t)(s->rounds + 1) * s->n_vary, sizeof *c->prop);
    if (!c->prop)
        return ITS_ENOMEM;
    for (j = 0; j < s->n_vary; j++) /* round 0: the file's priors */
        c->prop[j] = *its__population_dist(t->pop, s->vary[j]);
    if (its__cal_check_file(c) != ITS_OK)
        return ITS_EPARSE;
    return its__make_dir(dir, t->err, sizeof t->err);
}

/* its-long: the rounds, then the calibrated file, the validation trial
 * and the report, each step stopping the whole on failure. */
its_status its_calibrate_run(its_trial *t, const char *dir, const its_trial_opts *o, FILE *log)
{
    its__cal c;
    its_trial_opts def;
    double theta[2 * ITS__CALIB_MAX_VARY];
    char sub[4200], tag[64];
    its_status st;
    int r;
    if (!t || !dir)
        return ITS_EINVAL;
    t->err[0] = t->note[0] = '\0';
    if (its__trial_mpi_size() > 1) {
        its__fmt(t->err, sizeof t->err, "itsim calibrate runs on one process (use --threads): "
                 "its rounds depend on each other's fits, which MPI ranks do not share");
        return ITS_EINVAL;
    }
    if (t->calib && t->calib->rounds > ITS__CAL_MAX_ROUNDS) {
        its__fmt(t->err, sizeof t->err, "at most %d rounds", ITS__CAL_MAX_ROUNDS);
        return ITS_ERANGE;
    }
    if (!t->calib) {
        its__fmt(t->err, sizeof t->err, "%s has no calibration: section (docs/calibration.md)",
                 t->name);
        return ITS_EINVAL;
    }
    if (!o) {
        its_trial_opts_default(&def);
        o = &def;
    }
    if ((st = setup(&c, t, dir)) != ITS_OK) {
        its__cal_free(&c);
        return st;
    }
    for (r = 0; r < t->calib->rounds && st == ITS_OK; r++) {
        its_trial *tr = NULL;
        its__fmt(sub, sizeof sub, "%s/round_%d", dir, r);
        its__fmt(tag, sizeof tag, "round %d", r);
        st = its__cal_trial(&c, t->text, t->len, t->calib->pool, t->spec->seed + (uint64_t)r,
                            r ? c.theta[r - 1] : NULL, tag, &tr);
        if (st == ITS_OK)
            st = run_round(&c, tr, sub, r, o, &c.draws[r]);
        its_trial_free(tr);
        if (st == ITS_OK) {
            double *yf = its__realloc(c.yflat, (c.n + 1) * t->calib->n_targets * sizeof *yf);
            if (yf)
                c.yflat = yf;
            else
                st = ITS_ENOMEM;
        }
        if (st == ITS_OK)
            st = fit(&c, r, theta);
        if (st == ITS_OK) {
            memcpy(c.theta[r], theta, 2 * t->calib->n_vary * sizeof *theta);
            c.ess[r] = c.v.ess;
            c.loss[r] = c.v.loss;
            memcpy(c.est[r], c.v.est, t->calib->n_targets * sizeof *c.v.est);
            st = add_proposal(&c, r, theta);
            its__cal_log_round(&c, r, log);
        }
        if (st == ITS_OK && o->cancel && *o->cancel)
            st = ITS_ECANCELLED;
    }
    if (st == ITS_OK)
        st = its__cal_outputs(&c, o, log);
    if (st == ITS_ENOMEM && t->err[0] == '\0')
        its__fmt(t->err, sizeof t->err, "out of memory");
    its__free(c.yflat);
    its__cal_free(&c);
    return st;
}
