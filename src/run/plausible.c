/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: plausibility of a patient (docs/trial.md, "Plausibility"): the
 * baseline observables on the grown pre-treatment baseline and the
 * untreated doubling time of the tumour burden, each within its range.
 * Shared by the trial's draws (trial_run.c) and the prior of a patient's
 * posterior (personalise_lik.c), so that both hold patients to one
 * definition. */
#include "run/run.h"

#include <math.h>
#include <string.h>

void its__plaus_ws_clear(its__plaus_ws *ws)
{
    if (!ws)
        return;
    its__free(ws->obs);
    its__free(ws->base);
    memset(ws, 0, sizeof *ws);
}

its_status its__room_doubles(double **a, size_t *cap, size_t n)
{
    double *p;
    if (n <= *cap)
        return ITS_OK;
    p = its__realloc(*a, n * sizeof *p);
    if (!p)
        return ITS_ENOMEM;
    *a = p;
    *cap = n;
    return ITS_OK;
}

static its_status obs_room(its__plaus_ws *w, size_t n)
{
    return its__room_doubles(&w->obs, &w->cap_obs, n);
}

/* Room for a grown baseline state in w->base (n values). */
static its_status base_room(its__plaus_ws *w, size_t n)
{
    return its__room_doubles(&w->base, &w->cap_base, n);
}

/* The tumour burden of the model at (y, p), NaN when it has none. */
static double burden_of(its__plaus_ws *w, const its_model_def *m, double t,
                        const double *y, const double *p)
{
    int k = its_model_observable_index_by_role(m, ITS_OBS_TUMOUR_BURDEN);
    if (k < 0 || obs_room(w, m->n_observables) != ITS_OK ||
        m->observe(t, y, p, w->obs, m->data) != 0)
        return NAN;
    return w->obs[k];
}

/* The baseline constraints on the patient's resolved plan: *ok 0 with the
 * reason in why when one fails or the plan cannot be made. */
static int skipped(const char *name, const char *const *skip, size_t n_skip)
{
    size_t i;
    for (i = 0; i < n_skip; i++)
        if (strcmp(skip[i], name) == 0)
            return 1;
    return 0;
}

static its_status check_baseline(const its__plausibility *pl, its_scenario *untreated,
                                 its__hist_cache *hc, its__plaus_ws *w, const its__plan *plan,
                                 const char *const *skip, size_t n_skip, int *ok, char *why,
                                 size_t whylen)
{
    const its_model_def *m = plan->model;
    size_t i;
    const double *y0 = plan->initial;
    its_status st;
    if (obs_room(w, m->n_observables + 1) != ITS_OK)
        return ITS_ENOMEM;
    if (m->history != NULL && plan->history) {
        /* the grown baseline (kept in the worker's cache for the arms) */
        if (base_room(w, m->n_states) != ITS_OK)
            return ITS_ENOMEM;
        st = its__plan_baseline(untreated, plan, hc, w->base);
        if (st == ITS_ENOMEM)
            return st;
        if (st == ITS_ERANGE) { /* no baseline disease: refused */
            *ok = 0;
            its__fmt(why, whylen, "%s", its_scenario_errmsg(untreated));
            return ITS_OK;
        }
        if (st != ITS_OK) /* a solver failure: the arms fail and record it */
            return ITS_OK;
        y0 = w->base;
    }
    if (m->n_observables == 0 || m->observe(plan->t0, y0, plan->params, w->obs, m->data) != 0) {
        *ok = 0;
        its__fmt(why, whylen, "the baseline observables cannot be computed");
        return ITS_OK;
    }
    for (i = 0; i < pl->n && *ok; i++) {
        const its__plaus_range *r = &pl->ranges[i];
        int k;
        double v;
        if (r->kind != ITS__PLAUS_BASELINE || skipped(r->name, skip, n_skip))
            continue;
        k = its_model_observable_index(m, r->name);
        v = k >= 0 ? w->obs[k] : (double)NAN;
        if (!(v >= r->lo && v <= r->hi)) {
            *ok = 0;
            its__fmt(why, whylen, "%s: %.6g outside [%.6g, %.6g]", r->key, v, r->lo, r->hi);
        }
    }
    return ITS_OK;
}

/* The untreated doubling time of the tumour burden over the window:
 * window ln 2 / ln(B(window) / B(0)); +inf when the burden does not grow,
 * 0 when the patient dies of it within the window. */
static its_status doubling_time(its_scenario *untreated, const its__patient_ovr *ov,
                                its__hist_cache *hc, its__plaus_ws *w, double *td, char *why,
                                size_t whylen)
{
    its_result *res = NULL;
    its_clinical_summary cs;
    its_status st = its__run_patient(untreated, ov, 0, hc, &res);
    double b0, b1;
    *td = NAN;
    if (st == ITS_ENOMEM)
        return st;
    /* a death within the window (no final state is kept then): doubling 0 */
    if (st == ITS_OK && res && its_result_get_clinical(res, &cs) == ITS_OK &&
        isfinite(cs.death)) {
        *td = 0.0;
        its_result_free(res);
        return ITS_OK;
    }
    if (st != ITS_OK || !res || !res->has_final) {
        its__fmt(why, whylen, "the untreated run failed: %s", its_scenario_errmsg(untreated));
        its_result_free(res);
        return ITS_OK;
    }
    b0 = burden_of(w, res->plan.model, res->plan.t0, res->plan.initial, res->plan.params);
    b1 = burden_of(w, res->plan.model, res->plan.t1, res->final_state, res->plan.params);
    if (b0 > 0.0 && b1 > b0)
        *td = (res->plan.t1 - res->plan.t0) * log(2.0) / log(b1 / b0);
    else if (b0 > 0.0 && b1 >= 0.0)
        *td = INFINITY;
    else
        its__fmt(why, whylen, "the tumour burden cannot be computed");
    its_result_free(res);
    return ITS_OK;
}

its_status its__plausible(const its__plausibility *pl, const its_model_def *model,
                          its_scenario *untreated, const its__patient_ovr *ov, its__hist_cache *hc, its__plaus_ws *w,
                          const char *const *skip, size_t n_skip, int *ok, char *why,
                          size_t whylen)
{
    its__plan plan;
    its_status st;
    size_t i;
    *ok = 1;
    /* with a pre-treatment history every draw is checked: a patient whose
     * baseline cannot be grown (e.g. an immune system that eliminates the
     * tumour) has no disease to treat and is replaced like an implausible
     * one */
    if (pl->n == 0 && model->history == NULL)
        return ITS_OK;
    memset(&plan, 0, sizeof plan);
    its__scenario_set_patient(untreated, ov);
    st = its__scenario_plan(untreated, &plan);
    its__scenario_set_patient(untreated, NULL);
    if (st == ITS_ENOMEM)
        return st;
    if (st != ITS_OK) {
        *ok = 0;
        its__fmt(why, whylen, "%s", its_scenario_errmsg(untreated));
        return ITS_OK;
    }
    st = check_baseline(pl, untreated, hc, w, &plan, skip, n_skip, ok, why, whylen);
    for (i = 0; st == ITS_OK && *ok && i < pl->n; i++) {
        const its__plaus_range *r = &pl->ranges[i];
        double td;
        if (r->kind != ITS__PLAUS_DOUBLING)
            continue;
        st = doubling_time(untreated, ov, hc, w, &td, why, whylen);
        if (st == ITS_OK && !(td >= r->lo && td <= r->hi)) {
            *ok = 0;
            if (!isnan(td))
                its__fmt(why, whylen, "%s: %.6g %s outside [%.6g, %.6g]", r->key, td,
                         plan.model->time_unit, r->lo, r->hi);
        }
    }
    its__plan_clear(&plan);
    return st;
}
