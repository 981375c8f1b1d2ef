/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228) on
 * lesion diameters: target selection, time-point responses (Tables 1 and
 * 2), best overall response with confirmation (Table 3), and the endpoints
 * time to response, duration of response, durable response and
 * progression-free time. Rules and their sources: docs/clinical.md. */
#include "clinical/clinical.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERRLEN 256

struct its_recist {
    its_recist_opts o;
    char err[ERRLEN];
    /* workspace, grown as needed and reused */
    size_t cap_a, cap_l;
    its_recist_assessment *a;
    int *role;                 /* per lesion: 1 target, 0 non-target, -1 absent */
    size_t *order;             /* lesion indices by baseline diameter */
    size_t n_a, n_l;
    its_recist_endpoints e;
    int evaluated;
};

const char *its_response_name(its_response r)
{
    switch (r) {
    case ITS_RESP_CR: return "CR";
    case ITS_RESP_PR: return "PR";
    case ITS_RESP_SD: return "SD";
    case ITS_RESP_NONCR_NONPD: return "NON-CR/NON-PD";
    case ITS_RESP_PD: return "PD";
    case ITS_RESP_NE: return "NE";
    }
    return "?";
}

void its_recist_opts_default(its_recist_opts *o)
{
    if (!o)
        return;
    o->measurable_mm = 10.0;
    o->detect_mm = 5.0;
    o->new_lesion_mm = 10.0;
    o->max_targets = 5;
    o->max_per_organ = 2;
    o->pr_fraction = 0.30;
    o->pd_fraction = 0.20;
    o->pd_abs_mm = 5.0;
    o->nt_pd_fraction = 0.50;
    o->nt_pd_abs_mm = 10.0;
    o->confirm_after = 28.0;
    o->sd_min = 42.0;
    o->drr_onset = 365.25;
    o->drr_duration = 182.625;
}

static void set_err(its_recist *r, const char *fmt, ...) ITS__PRINTF(2, 3);
static void set_err(its_recist *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

/* Names the first rule of o that makes no sense in msg and returns 0, or
 * returns 1. NaN fails every comparison and is refused with it. */
static int bad_opt(char *msg, size_t msglen, const char *name, double v, const char *need)
{
    its__fmt(msg, msglen, "RECIST option %s = %g: must be %s", name, v, need);
    return 0;
}

static int opts_ok(const its_recist_opts *o, char *msg, size_t msglen)
{
    if (!(o->measurable_mm > 0.0) || !isfinite(o->measurable_mm))
        return bad_opt(msg, msglen, "measurable_mm", o->measurable_mm, "finite and > 0");
    if (!(o->detect_mm >= 0.0) || !(o->detect_mm <= o->measurable_mm))
        return bad_opt(msg, msglen, "detect_mm", o->detect_mm, ">= 0 and <= measurable_mm");
    if (!(o->new_lesion_mm >= o->detect_mm) || !isfinite(o->new_lesion_mm))
        return bad_opt(msg, msglen, "new_lesion_mm", o->new_lesion_mm,
                       "finite and >= detect_mm");
    if (o->max_targets < 1)
        return bad_opt(msg, msglen, "max_targets", o->max_targets, ">= 1");
    if (o->max_per_organ < 1)
        return bad_opt(msg, msglen, "max_per_organ", o->max_per_organ, ">= 1");
    if (!(o->pr_fraction > 0.0 && o->pr_fraction < 1.0))
        return bad_opt(msg, msglen, "pr_fraction", o->pr_fraction, "in (0, 1)");
    if (!(o->pd_fraction > 0.0))
        return bad_opt(msg, msglen, "pd_fraction", o->pd_fraction, "> 0");
    if (!(o->pd_abs_mm >= 0.0))
        return bad_opt(msg, msglen, "pd_abs_mm", o->pd_abs_mm, ">= 0");
    if (!(o->nt_pd_fraction > 0.0))
        return bad_opt(msg, msglen, "nt_pd_fraction", o->nt_pd_fraction, "> 0");
    if (!(o->nt_pd_abs_mm >= 0.0))
        return bad_opt(msg, msglen, "nt_pd_abs_mm", o->nt_pd_abs_mm, ">= 0");
    if (!(o->confirm_after >= 0.0) || !isfinite(o->confirm_after))
        return bad_opt(msg, msglen, "confirm_after", o->confirm_after, "finite and >= 0");
    if (!(o->sd_min >= 0.0) || !isfinite(o->sd_min))
        return bad_opt(msg, msglen, "sd_min", o->sd_min, "finite and >= 0");
    if (!(o->drr_onset >= 0.0) || !isfinite(o->drr_onset))
        return bad_opt(msg, msglen, "drr_onset", o->drr_onset, "finite and >= 0");
    if (!(o->drr_duration >= 0.0) || !isfinite(o->drr_duration))
        return bad_opt(msg, msglen, "drr_duration", o->drr_duration, "finite and >= 0");
    return 1;
}

its_status its_recist_create(const its_recist_opts *opts, its_recist **out, char *msg,
                             size_t msglen)
{
    its_recist *r;
    its__fmt(msg, msglen, "%s", "");
    if (!out) {
        its__fmt(msg, msglen, "its_recist_create: NULL out");
        return ITS_EINVAL;
    }
    *out = NULL;
    r = its__calloc(1, sizeof *r);
    if (!r) {
        its__fmt(msg, msglen, "out of memory for a RECIST evaluator");
        return ITS_ENOMEM;
    }
    if (opts)
        r->o = *opts;
    else
        its_recist_opts_default(&r->o);
    if (!opts_ok(&r->o, msg, msglen)) {
        its__free(r);
        return ITS_EINVAL;
    }
    *out = r;
    return ITS_OK;
}

void its_recist_free(its_recist *r)
{
    if (!r)
        return;
    its__free(r->a);
    its__free(r->role);
    its__free(r->order);
    its__free(r);
}

const char *its_recist_errmsg(const its_recist *r)
{
    return r ? r->err : "no RECIST evaluator";
}

/* Comparisons at the RECIST boundaries ("at least 30 %") include the
 * boundary up to round-off in the caller's arithmetic. */
static int at_least(double x, double limit)
{
    return x >= limit - 1e-9 * fmax(1.0, fabs(limit));
}

static int grow(its_recist *r, size_t n_times, size_t n_lesions)
{
    if (n_times > r->cap_a) {
        its_recist_assessment *a = its__realloc(r->a, n_times * sizeof *a);
        if (!a)
            return -1;
        r->a = a;
        r->cap_a = n_times;
    }
    if (n_lesions > r->cap_l) {
        int *role = its__realloc(r->role, n_lesions * sizeof *role);
        size_t *order;
        if (!role)
            return -1;
        r->role = role;
        order = its__realloc(r->order, n_lesions * sizeof *order);
        if (!order)
            return -1;
        r->order = order;
        r->cap_l = n_lesions;
    }
    return 0;
}

/* Baseline: measurable lesions, largest first, become targets within the
 * total and per-organ limits; every other visible lesion is a non-target;
 * lesions below the detection limit are absent. */
static void select_targets(its_recist *r, size_t n_l, const double *d0, const int *organ)
{
    size_t i, j, n_t = 0;
    for (j = 0; j < n_l; j++) {
        r->order[j] = j;
        r->role[j] = d0[j] >= r->o.detect_mm && d0[j] > 0.0 ? 0 : -1;
    }
    /* insertion sort by diameter, descending; ties keep lesion order */
    for (i = 1; i < n_l; i++) {
        size_t k = r->order[i];
        j = i;
        while (j > 0 && d0[r->order[j - 1]] < d0[k]) {
            r->order[j] = r->order[j - 1];
            j--;
        }
        r->order[j] = k;
    }
    for (i = 0; i < n_l && n_t < (size_t)r->o.max_targets; i++) {
        size_t k = r->order[i], same = 0;
        if (!(d0[k] >= r->o.measurable_mm))
            break;
        for (j = 0; j < n_l; j++)
            if (r->role[j] == 1 && (organ ? organ[j] == organ[k] : j == k))
                same++;
        if (same >= (size_t)r->o.max_per_organ)
            continue;
        r->role[k] = 1;
        n_t++;
    }
}

static double measured(const its_recist *r, double d)
{
    return d >= r->o.detect_mm && d > 0.0 ? d : 0.0;
}

/* Time-point responses of every assessment. */
static void timepoints(its_recist *r, size_t n_t, size_t n_l, const double *t,
                       const double *diam)
{
    size_t i, j;
    double nadir = 0.0, nt_nadir = 0.0, base = 0.0;
    for (i = 0; i < n_t; i++) {
        its_recist_assessment *a = &r->a[i];
        const double *d = diam + i * n_l;
        double sum = 0.0, nt_sum = 0.0;
        int all_gone = 1, nt_gone = 1, n_tg = 0, n_nt = 0;
        a->t = t[i];
        a->new_lesion = 0;
        for (j = 0; j < n_l; j++) {
            const double m = measured(r, d[j]);
            if (r->role[j] == 1) {
                sum += m;
                all_gone &= m == 0.0;
                n_tg++;
            } else if (r->role[j] == 0) {
                nt_sum += m;
                nt_gone &= m == 0.0;
                n_nt++;
            } else if (i > 0 && d[j] >= r->o.new_lesion_mm) {
                a->new_lesion = 1;
            }
        }
        if (i > 0 && r->a[i - 1].new_lesion)
            a->new_lesion = 1; /* a new lesion stays new */
        if (i == 0) {
            base = nadir = sum;
            nt_nadir = nt_sum;
        }
        a->sum_mm = sum;
        a->nadir_mm = nadir;
        a->change_baseline = base > 0.0 ? (sum - base) / base : 0.0;
        a->change_nadir = nadir > 0.0 ? (sum - nadir) / nadir : (double)NAN;
        a->target = ITS_RESP_NE;
        a->nontarget = ITS_RESP_NE;
        a->overall = ITS_RESP_NE;
        if (n_tg > 0 && i > 0) {
            if (all_gone)
                a->target = ITS_RESP_CR;
            else if (at_least(sum - nadir, r->o.pd_abs_mm) &&
                     at_least(sum, nadir * (1.0 + r->o.pd_fraction)))
                a->target = ITS_RESP_PD;
            else if (at_least(base - sum, r->o.pr_fraction * base))
                a->target = ITS_RESP_PR;
            else
                a->target = ITS_RESP_SD;
        }
        if (n_nt > 0 && i > 0) {
            if (nt_gone)
                a->nontarget = ITS_RESP_CR;
            else if (at_least(nt_sum - nt_nadir, r->o.nt_pd_abs_mm) &&
                     at_least(nt_sum, nt_nadir * (1.0 + r->o.nt_pd_fraction)))
                a->nontarget = ITS_RESP_PD;
            else
                a->nontarget = ITS_RESP_NONCR_NONPD;
        }
        if (i > 0) {
            if (a->target == ITS_RESP_PD || a->nontarget == ITS_RESP_PD || a->new_lesion)
                a->overall = ITS_RESP_PD;
            else if (n_tg > 0) {
                if (a->target == ITS_RESP_CR)
                    a->overall = (n_nt == 0 || a->nontarget == ITS_RESP_CR) ? ITS_RESP_CR
                                                                            : ITS_RESP_PR;
                else
                    a->overall = a->target;
            } else if (n_nt > 0) {
                a->overall = a->nontarget;
            }
        }
        /* the nadirs include this assessment from the next one on */
        if (sum < nadir)
            nadir = sum;
        if (nt_sum < nt_nadir)
            nt_nadir = nt_sum;
    }
}

/* Is a response at assessment i (at level CR, or PR meaning PR-or-better)
 * met again at the first assessment >= confirm_after later, with nothing
 * worse in between? `last` is the last assessment considered. */
static int confirmed(const its_recist *r, size_t i, size_t last, its_response level)
{
    size_t k;
    if (r->o.confirm_after <= 0.0)
        return 1;
    for (k = i + 1; k <= last; k++) {
        if (r->a[k].overall < level)
            return 0;
        if (at_least(r->a[k].t - r->a[i].t, r->o.confirm_after))
            return 1;
    }
    return 0;
}

static void endpoints(its_recist *r, size_t n_t, double death)
{
    its_recist_endpoints *e = &r->e;
    size_t i, last = n_t - 1, first_resp = 0;
    const double t0 = r->a[0].t;
    int measurable = e->n_targets > 0, any = e->n_targets + e->n_nontargets > 0;
    int has_pd = 0;

    for (i = 1; i < n_t; i++)
        if (r->a[i].overall == ITS_RESP_PD) {
            last = i;
            has_pd = 1;
            break;
        }
    e->t_progression = has_pd ? r->a[last].t - t0 : (double)NAN;
    e->baseline_mm = r->a[0].sum_mm;
    e->nadir_mm = r->a[0].sum_mm;
    e->best_change = NAN;
    for (i = 1; i <= last && n_t > 1; i++) {
        if (i < last || !has_pd)
            e->nadir_mm = fmin(e->nadir_mm, r->a[i].sum_mm);
        if (measurable && !(r->a[i].change_baseline >= e->best_change))
            e->best_change = r->a[i].change_baseline;
    }
    /* best overall response */
    e->best = ITS_RESP_NE;
    for (i = 1; i <= last && n_t > 1; i++)
        if (r->a[i].overall == ITS_RESP_CR && confirmed(r, i, last, ITS_RESP_CR)) {
            e->best = ITS_RESP_CR;
            break;
        }
    for (i = 1; i <= last && n_t > 1; i++)
        if (r->a[i].overall >= ITS_RESP_PR && confirmed(r, i, last, ITS_RESP_PR)) {
            if (e->best != ITS_RESP_CR)
                e->best = measurable ? ITS_RESP_PR : ITS_RESP_CR;
            first_resp = i;
            break;
        }
    if (e->best == ITS_RESP_NE && any) {
        for (i = 1; i <= last && n_t > 1; i++)
            if (r->a[i].overall != ITS_RESP_PD && r->a[i].overall != ITS_RESP_NE &&
                at_least(r->a[i].t - t0, r->o.sd_min)) {
                e->best = measurable ? ITS_RESP_SD : ITS_RESP_NONCR_NONPD;
                break;
            }
        if (e->best == ITS_RESP_NE && has_pd)
            e->best = ITS_RESP_PD;
    }
    if (!any && has_pd)
        e->best = ITS_RESP_PD;
    e->responder = e->best == ITS_RESP_CR || e->best == ITS_RESP_PR;
    /* a non-measurable CR (no PR possible) starts at its first CR */
    if (e->responder && first_resp == 0)
        for (i = 1; i <= last; i++)
            if (r->a[i].overall == ITS_RESP_CR) {
                first_resp = i;
                break;
            }
    e->time_to_response = NAN;
    e->response_duration = NAN;
    e->response_censored = 0;
    e->durable = 0;
    if (e->responder) {
        double stop;
        e->time_to_response = r->a[first_resp].t - t0;
        if (has_pd)
            stop = r->a[last].t;
        else if (isfinite(death))
            stop = death;
        else {
            stop = r->a[n_t - 1].t;
            e->response_censored = 1;
        }
        e->response_duration = stop - r->a[first_resp].t;
        e->durable = e->time_to_response <= r->o.drr_onset + its__time_tol(r->o.drr_onset, 0.0) &&
                     at_least(e->response_duration, r->o.drr_duration);
    }
    if (has_pd) {
        e->pfs = r->a[last].t - t0;
        e->pfs_event = 1;
    } else if (isfinite(death)) {
        e->pfs = death - t0;
        e->pfs_event = 2;
    } else {
        e->pfs = r->a[n_t - 1].t - t0;
        e->pfs_event = 0;
    }
}

its_status its_recist_evaluate(its_recist *r, size_t n_times, size_t n_lesions,
                               const double *t, const double *diam,
                               const int *organ, double death)
{
    size_t i, j;
    if (!r)
        return ITS_EINVAL;
    r->evaluated = 0;
    r->err[0] = '\0';
    if (n_times == 0 || !t || (n_lesions > 0 && !diam)) {
        set_err(r, "RECIST: need at least the baseline assessment and its diameters");
        return ITS_EINVAL;
    }
    for (i = 0; i < n_times; i++) {
        if (!isfinite(t[i]) || (i > 0 && !(t[i] > t[i - 1]))) {
            set_err(r, "RECIST: assessment times must be finite and increasing (assessment %zu)", i);
            return ITS_EINVAL;
        }
        for (j = 0; j < n_lesions; j++)
            if (!(diam[i * n_lesions + j] >= 0.0) || !isfinite(diam[i * n_lesions + j])) {
                set_err(r, "RECIST: diameter of lesion %zu at assessment %zu is not a size", j + 1, i);
                return ITS_EINVAL;
            }
    }
    if (isfinite(death) && death < t[n_times - 1]) {
        set_err(r, "RECIST: an assessment after death (%g < %g)", death, t[n_times - 1]);
        return ITS_EINVAL;
    }
    if (grow(r, n_times, n_lesions) != 0) {
        set_err(r, "RECIST: out of memory");
        return ITS_ENOMEM;
    }
    memset(&r->e, 0, sizeof r->e);
    select_targets(r, n_lesions, diam, organ);
    for (j = 0; j < n_lesions; j++) {
        r->e.n_targets += r->role[j] == 1;
        r->e.n_nontargets += r->role[j] == 0;
    }
    timepoints(r, n_times, n_lesions, t, diam);
    r->n_a = n_times;
    r->n_l = n_lesions;
    endpoints(r, n_times, death);
    r->evaluated = 1;
    return ITS_OK;
}

size_t its_recist_count(const its_recist *r)
{
    return r && r->evaluated ? r->n_a : 0;
}

its_status its_recist_get_assessment(const its_recist *r, size_t i, its_recist_assessment *a)
{
    if (!r || !a || !r->evaluated || i >= r->n_a)
        return ITS_EINVAL;
    *a = r->a[i];
    return ITS_OK;
}

int its_recist_is_target(const its_recist *r, size_t j)
{
    if (!r || !r->evaluated || j >= r->n_l)
        return -1;
    return r->role[j];
}

its_status its_recist_get_endpoints(const its_recist *r, its_recist_endpoints *e)
{
    if (!r || !e || !r->evaluated)
        return ITS_EINVAL;
    *e = r->e;
    return ITS_OK;
}
