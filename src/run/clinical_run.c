/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: clinical read-outs during a scenario run. The output grid is
 * merged with a monitoring grid (vital signs and laboratory values, graded
 * with CTCAE as the run goes, so that a grade-5 event or a lethal tumour
 * burden ends the course) and with the RECIST assessment schedule (lesion
 * diameters, evaluated at the end). docs/clinical.md. */
#include "run/run.h"
#include "itsim/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Times closer than this are one time: the time tolerance of the horizon
 * (core.h), plus round-off of the absolute times. */
static double same_tol(const its__plan *p)
{
    return its__time_tol(p->t1 - p->t0, 0.0) +
           ITS__INSTANT_RTOL * fmax(fabs(p->t0), fabs(p->t1));
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Generated times t0 + first + k*step <= t1 (first may be 0). */
static size_t count_steps(double t0, double t1, double first, double step)
{
    double n;
    if (t0 + first > t1)
        return 0;
    n = its__whole_steps(t1 - t0 - first, step);
    return (size_t)n + 1;
}

its_status its__clin_prepare(its_result *res, double **grid, unsigned char **flags,
                             size_t *n_grid)
{
    const its__plan *p = &res->plan;
    const its_model_def *m = p->model;
    its__clinrun *c = &res->clin;
    const size_t n_mon = count_steps(p->t0, p->t1, 0.0, p->clin.monitor_every);
    const size_t n_as = count_steps(p->t0, p->t1, p->clin.first_assess, p->clin.assess_every);
    const size_t n_all = p->n_grid + n_mon + n_as + 1;
    const double tol = same_tol(p);
    double (*tag)[2];
    size_t i, k, n = 0;
    int ids[ITS_AE_NTERMS], g;
    its_ctcae_opts co;
    its_status st;
    double day = 1.0;

    *grid = NULL;
    *flags = NULL;
    if (n_mon > 20000000u)
        return ITS_ENOMEM;
    memset(c, 0, sizeof *c);
    c->death = NAN;
    c->burden_obs = -1;
    c->death_term = ITS_AE_NTERMS;
    c->n_obs = m->n_observables;
    for (i = 0; i < m->n_observables; i++) {
        if (m->observables[i].role == ITS_OBS_LESION_DIAMETER && c->n_lesions < ITS__MAX_LESIONS) {
            c->lesion_obs[c->n_lesions] = (int)i;
            c->organ[c->n_lesions] = (int)c->n_lesions;
            c->n_lesions++;
        }
        if (m->observables[i].role == ITS_OBS_TUMOUR_BURDEN && c->burden_obs < 0)
            c->burden_obs = (int)i;
    }
    /* organs by name: equal names share an integer */
    for (i = 0; i < p->clin.n_organs && i < c->n_lesions; i++)
        for (k = 0; k <= i; k++)
            if (strcmp(p->clin.organs[k], p->clin.organs[i]) == 0) {
                c->organ[i] = (int)k;
                break;
            }
    for (k = 0; k < ITS_AE_NTERMS; k++)
        ids[k] = its_model_observable_index_by_role(m, its_ae_term_role((its_ae_term)k));
    its_ctcae_opts_default(&co, p->clin.anc_lln);
    /* persistence times are in days: into model time units */
    if (its_unit_convert(1.0, "d", m->time_unit, &day, NULL, 0) != ITS_OK)
        day = 1.0;
    for (k = 0; k < ITS_AE_NTERMS; k++)
        for (g = 0; g < 5; g++)
            co.scale[k].persist[g] *= day;
    if ((st = its_ctcae_create(&co, &c->ctcae, res->message, sizeof res->message)) != ITS_OK)
        return st;
    if ((st = its_ctcae_begin(c->ctcae, ids, c->n_obs)) != ITS_OK) {
        its__fmt(res->message, sizeof res->message, "%s", its_ctcae_errmsg(c->ctcae));
        return st;
    }
    if ((st = its_recist_create(&p->clin.recist, &c->recist, res->message,
                                sizeof res->message)) != ITS_OK)
        return st;
    c->tol = tol;

    /* merged, sorted times with their flags */
    tag = its__malloc(n_all * sizeof *tag);
    if (!tag)
        return ITS_ENOMEM;
    for (i = 0; i < p->n_grid; i++) {
        tag[n][0] = p->grid[i];
        tag[n++][1] = ITS__ROW_OUTPUT;
    }
    for (i = 0; i < n_mon; i++) {
        tag[n][0] = fmin(p->t0 + (double)i * p->clin.monitor_every, p->t1);
        tag[n++][1] = ITS__ROW_MONITOR;
    }
    tag[n][0] = p->t0; /* baseline assessment */
    tag[n++][1] = ITS__ROW_ASSESS;
    for (i = 0; i < n_as; i++) {
        tag[n][0] = fmin(p->t0 + p->clin.first_assess + (double)i * p->clin.assess_every, p->t1);
        tag[n++][1] = ITS__ROW_ASSESS;
    }
    qsort(tag, n, sizeof *tag, cmp_double);
    *grid = its__malloc(n * sizeof **grid);
    *flags = its__malloc(n);
    if (!*grid || !*flags) {
        its__free(tag);
        its__free(*grid);
        its__free(*flags);
        *grid = NULL;
        *flags = NULL;
        return ITS_ENOMEM;
    }
    k = 0;
    for (i = 0; i < n; i++) {
        if (k > 0 && tag[i][0] - (*grid)[k - 1] <= tol) {
            (*flags)[k - 1] |= (unsigned char)tag[i][1];
            continue;
        }
        (*grid)[k] = tag[i][0];
        (*flags)[k++] = (unsigned char)tag[i][1];
    }
    its__free(tag);
    *n_grid = k;
    c->sched_t = its__malloc((n_as + 2) * sizeof *c->sched_t);
    if (!c->sched_t)
        return ITS_ENOMEM;
    for (i = 0; i < k; i++)
        if ((*flags)[i] & ITS__ROW_ASSESS)
            c->sched_t[c->n_sched++] = (*grid)[i];

    c->cap_mon = n_mon + 1;
    c->cap_assess = n_as + 2;
    c->obs = its__malloc((c->n_obs + 1) * sizeof *c->obs);
    c->mon_t = its__malloc(c->cap_mon * sizeof *c->mon_t);
    c->mon_obs = its__malloc(c->cap_mon * (c->n_obs + 1) * sizeof *c->mon_obs);
    c->mon_grade = its__malloc(c->cap_mon * ITS_AE_NTERMS);
    c->assess_t = its__malloc(c->cap_assess * sizeof *c->assess_t);
    c->assess_d = its__malloc(c->cap_assess * (c->n_lesions + 1) * sizeof *c->assess_d);
    if (!c->obs || !c->mon_t || !c->mon_obs || !c->mon_grade || !c->assess_t || !c->assess_d)
        return ITS_ENOMEM;
    return ITS_OK;
}

its_status its__clin_row(its_result *res, double t, const double *y, its_row_kind kind,
                         unsigned flags, int *died_out)
{
    const its__plan *p = &res->plan;
    its__clinrun *c = &res->clin;
    int died = 0;
    size_t j;
    int scan = 0;
    its_status st;

    *died_out = 0;
    if (kind == ITS_ROW_GRID && !(flags & (ITS__ROW_MONITOR | ITS__ROW_ASSESS)))
        return ITS_OK;
    if (kind == ITS_ROW_EXTINCT)
        return ITS_OK;
    /* A scan due now is taken at the first row of the instant: before the
     * doses of that time (PREDOSE), so that a scan showing progression
     * stops a dose given the same day. */
    if (kind == ITS_ROW_GRID || kind == ITS_ROW_PREDOSE) {
        while (c->sched_i < c->n_sched && c->sched_t[c->sched_i] < t - c->tol)
            c->sched_i++;
        scan = c->sched_i < c->n_sched && fabs(c->sched_t[c->sched_i] - t) <= c->tol;
    }
    if (p->model->observe(t, y, p->params, c->obs, p->model->data) != 0)
        return ITS_OK;
    /* grading sees every monitoring time and both sides of each dose */
    if ((st = its_ctcae_push(c->ctcae, t, c->obs, &died)) != ITS_OK) {
        its__fmt(res->message, sizeof res->message, "CTCAE grading: %s",
                 its_ctcae_errmsg(c->ctcae));
        return st;
    }
    if (died) {
        c->death = t;
        c->death_cause = 2;
        c->death_term = its_ctcae_death_term(c->ctcae);
    } else if (c->burden_obs >= 0 && p->clin.lethal_burden > 0.0 &&
               c->obs[c->burden_obs] >= p->clin.lethal_burden) {
        died = 1;
        c->death = t;
        c->death_cause = 1;
    }
    if (kind == ITS_ROW_GRID && (flags & ITS__ROW_MONITOR) && c->n_mon < c->cap_mon) {
        int k;
        c->mon_t[c->n_mon] = t;
        memcpy(c->mon_obs + c->n_mon * c->n_obs, c->obs, c->n_obs * sizeof *c->obs);
        for (k = 0; k < ITS_AE_NTERMS; k++)
            c->mon_grade[c->n_mon * ITS_AE_NTERMS + (size_t)k] =
                (signed char)its_ctcae_grade(c->ctcae, (its_ae_term)k);
        c->n_mon++;
    }
    if (scan && !died && c->n_assess < c->cap_assess) {
        c->sched_i++;
        c->assess_t[c->n_assess] = t;
        for (j = 0; j < c->n_lesions; j++)
            c->assess_d[c->n_assess * c->n_lesions + j] = fmax(c->obs[c->lesion_obs[j]], 0.0);
        c->n_assess++;
        /* treatment stops at progression: evaluate the scans so far (out
         * of memory, progression could be missed: the run fails) */
        if (p->clin.stop_at_pd && !c->progressed && c->n_assess > 1) {
            its_recist_assessment a;
            st = its_recist_evaluate(c->recist, c->n_assess, c->n_lesions, c->assess_t,
                                     c->assess_d, p->clin.n_organs ? c->organ : NULL,
                                     (double)NAN);
            if (st == ITS_ENOMEM)
                return ITS_ENOMEM;
            if (st == ITS_OK &&
                its_recist_get_assessment(c->recist, c->n_assess - 1, &a) == ITS_OK &&
                a.overall == ITS_RESP_PD)
                c->progressed = 1;
        }
    }
    *died_out = died;
    return ITS_OK;
}

its_status its__clin_finish(its_result *res)
{
    its__clinrun *c = &res->clin;
    its_status st;
    its_ctcae_end(c->ctcae);
    c->recist_ok = 0;
    if (c->n_assess == 0)
        return ITS_OK;
    st = its_recist_evaluate(c->recist, c->n_assess, c->n_lesions, c->assess_t, c->assess_d,
                             res->plan.clin.n_organs ? c->organ : NULL, c->death);
    c->recist_ok = st == ITS_OK;
    return st == ITS_ENOMEM ? ITS_ENOMEM : ITS_OK;
}

void its__clin_free(its__clinrun *c)
{
    its_ctcae_free(c->ctcae);
    its_recist_free(c->recist);
    its__free(c->obs);
    its__free(c->mon_t);
    its__free(c->mon_obs);
    its__free(c->mon_grade);
    its__free(c->assess_t);
    its__free(c->assess_d);
    its__free(c->sched_t);
    memset(c, 0, sizeof *c);
}

/* ---- public accessors ------------------------------------------------------ */

/* Whether dose i of the plan falls in the first cycle of treatment: it
 * belongs to the first therapy item with a cycle and comes less than one
 * cycle after that item's start (the tolerance of the schedule's own
 * expansion). Later cycled items (a second course) are not the first
 * cycle. */
static int in_first_cycle(const its__plan *p, size_t i)
{
    const its__dose *d = &p->doses[i];
    const its__therapy *th;
    size_t first = 0;
    while (first < p->n_therapy && !p->therapy[first].has_cycle)
        first++;
    if (d->item != first || first >= p->n_therapy)
        return 0;
    th = &p->therapy[first];
    return d->t - th->start < th->cycle - its__time_tol(th->cycle, th->cycle);
}

its_status its_result_get_clinical(const its_result *res, its_clinical_summary *s)
{
    const its__clinrun *c;
    size_t i;
    int k;
    if (!res || !s)
        return ITS_EINVAL;
    memset(s, 0, sizeof *s);
    c = &res->clin;
    s->death = NAN;
    s->worst_term = ITS_AE_NTERMS;
    s->death_term = ITS_AE_NTERMS;
    for (k = 0; k < ITS_AE_NTERMS; k++)
        s->worst_grade[k] = -1;
    s->doses_planned = res->plan.n_doses;
    for (i = 0; i < res->plan.n_doses; i++) {
        const double g = res->given ? res->given[i] : (double)NAN;
        if (isnan(g))
            s->doses_not_reached++;
        else if (g >= 1.0)
            s->doses_given++;
        else if (g > 0.0)
            s->doses_reduced++;
        else
            s->doses_held++;
        if (res->rule_of && res->rule_of[i] == ITS__HELD_PD)
            s->doses_after_progression++;
        if (in_first_cycle(&res->plan, i)) {
            s->doses_planned_c1++;
            s->doses_given_c1 += !isnan(g) && g >= 1.0;
        }
    }
    if (!res->plan.clin.on || !c->ctcae)
        return ITS_OK;
    s->available = 1;
    s->worst_any = 0;
    for (k = 0; k < ITS_AE_NTERMS; k++) {
        s->worst_grade[k] = its_ctcae_worst(c->ctcae, (its_ae_term)k);
        if (s->worst_grade[k] > s->worst_any) {
            s->worst_any = s->worst_grade[k];
            s->worst_term = (its_ae_term)k;
        }
    }
    s->death = c->death;
    s->death_cause = c->death_cause;
    s->death_term = c->death_term;
    s->os_event = !isnan(c->death);
    s->os = (s->os_event ? c->death : (res->n_rows ? res->t[res->n_rows - 1] : res->plan.t1)) -
            res->plan.t0;
    s->n_assessments = c->n_assess;
    if (c->recist_ok && its_recist_get_endpoints(c->recist, &s->recist) == ITS_OK)
        s->recist_available = 1;
    return ITS_OK;
}

const its_recist *its_result_recist(const its_result *res)
{
    return res && res->clin.recist_ok ? res->clin.recist : NULL;
}

const its_ctcae *its_result_ctcae(const its_result *res)
{
    return res && res->plan.clin.on ? res->clin.ctcae : NULL;
}
