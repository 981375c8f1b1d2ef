/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: one evaluation of a patient's log posterior (docs/personalise.md,
 * "The posterior"): the variables from z, the patient override, the prior
 * population's plausibility, the window run (history, then the treatments
 * given, to the decision) with the model's values at every scan and lab
 * day, and the log likelihood of the record's data under their error
 * models. */
#include "run/run.h"
#include "core/gsl_adapter.h"

#include <math.h>
#include <string.h>

#define LOG_SQRT_2PI 0.91893853320467274178

struct its__post_ws {
    const its__post *p;
    its_scenario *win;          /* private copy of the window */
    its_scenario *unt;          /* the prior's untreated scenario (plausibility) */
    its__hist_cache *hc;        /* the grown baseline, shared by both */
    its__plaus_ws pws;
    its__patient_ovr ovr;
    int *pidx;                  /* the override's parameters */
    double *pval;
    int iidx[ITS__MAX_LESIONS * 16]; /* ... and initial values (lesion targets) */
    double ival[ITS__MAX_LESIONS * 16];
    char organs[ITS__MAX_LESIONS * 42];
    double *params;             /* the full parameter vector (lesion sizes need rho) */
    double *x;                  /* the variables' values */
    double *zcand;              /* a candidate start (its__post_start) */
    double *obs;                /* the model's observables at a row */
    double *pred_diam, *pred_lab; /* per record observation */
    double *state;              /* at the decision */
    int have_state;
    const its__plan *plan;      /* of the run in progress */
    size_t next;                /* the next report time */
    its__post_parts parts;
    size_t evals, outside, failures;
};

void its__post_ws_free(its__post_ws *w)
{
    if (!w)
        return;
    if (w->win)
        its__scenario_arm_free(w->win);
    if (w->unt)
        its__scenario_arm_free(w->unt);
    its__hist_cache_free(w->hc);
    its__plaus_ws_clear(&w->pws);
    its__free(w->pidx);
    its__free(w->pval);
    its__free(w->params);
    its__free(w->x);
    its__free(w->zcand);
    its__free(w->obs);
    its__free(w->pred_diam);
    its__free(w->pred_lab);
    its__free(w->state);
    its__free(w);
}

its_status its__post_ws_create(const its__post *p, its__post_ws **out)
{
    const its_record *r;
    its__post_ws *w;
    size_t k, used = 0, np;
    if (!out)
        return ITS_EINVAL;
    *out = NULL;
    if (!p)
        return ITS_EINVAL;
    r = p->rec;
    np = p->model->n_params;
    if (!(w = its__calloc(1, sizeof *w)))
        return ITS_ENOMEM;
    w->p = p;
    w->win = its__scenario_private(r->window);
    w->unt = its__scenario_untreated(r->prior->sc);
    w->hc = its__hist_cache_create();
    w->pidx = its__calloc(p->d + p->n_fixed + 1, sizeof *w->pidx);
    w->pval = its__calloc(p->d + p->n_fixed + 1, sizeof *w->pval);
    w->params = its__calloc(np + 1, sizeof *w->params);
    w->x = its__calloc(p->d + 1, sizeof *w->x);
    w->zcand = its__calloc(p->d + 1, sizeof *w->zcand);
    w->obs = its__calloc(p->model->n_observables + 1, sizeof *w->obs);
    w->pred_diam = its__calloc(r->n_obs + 1, sizeof *w->pred_diam);
    w->pred_lab = its__calloc(r->n_labs + 1, sizeof *w->pred_lab);
    w->state = its__calloc(p->model->n_states + 1, sizeof *w->state);
    if (!w->win || !w->unt || !w->hc || !w->pidx || !w->pval || !w->params || !w->x ||
        !w->zcand || !w->obs ||
        !w->pred_diam || !w->pred_lab || !w->state ||
        (r->prior->plaus.window > 0.0 &&
         its_scenario_set_until(w->unt, r->prior->plaus.window) != ITS_OK)) {
        its__post_ws_free(w);
        return ITS_ENOMEM;
    }
    for (k = 0; k < r->n_lesions; k++) {
        its__fmt(w->organs + used, sizeof w->organs - used, "%s%s", k ? ", " : "",
                 r->lesions[k].site);
        used = strlen(w->organs);
    }
    w->ovr.model = p->model;
    w->ovr.param_idx = w->pidx;
    w->ovr.param_val = w->pval;
    w->ovr.init_idx = w->iidx;
    w->ovr.init_val = w->ival;
    w->ovr.has_patient = 1;
    w->ovr.weight_kg = r->weight;
    w->ovr.height_cm = r->height;
    w->ovr.has_age = !isnan(r->age);
    w->ovr.age_years = r->age;
    w->ovr.organs = w->organs;
    *out = w;
    return ITS_OK;
}

/* The variables at z into w->x and the override: the parameters, then the
 * lesions' targets from their diameters. 0 when a value is not finite or
 * outside its parameter's domain. */
static int set_patient(its__post_ws *w, const double *z)
{
    const its__post *p = w->p;
    size_t j, n = 0, ni = 0;
    memcpy(w->params, p->base_params, p->model->n_params * sizeof *w->params);
    for (j = 0; j < p->n_fixed; j++) {
        w->pidx[n] = p->fixed_idx[j];
        w->params[p->fixed_idx[j]] = w->pval[n++] = p->fixed_val[j];
    }
    for (j = 0; j < p->d; j++) {
        w->x[j] = its__post_value(p, j, z[j]);
        if (!isfinite(w->x[j]))
            return 0;
        if (p->v[j].kind == ITS__PV_LESION)
            continue;
        if (its_model_check_param(p->model, (size_t)p->v[j].param, w->x[j], NULL, 0) != ITS_OK)
            return 0;
        w->pidx[n] = p->v[j].param;
        w->params[p->v[j].param] = w->pval[n++] = w->x[j];
    }
    w->ovr.n_params = n;
    for (j = 0; j < p->d; j++)
        if (p->v[j].kind == ITS__PV_LESION)
            ni += its__trial_lesion_init(p->rec->prior, p->rec->n_lesions,
                                         (size_t)p->v[j].lesion, w->x[j], w->params,
                                         w->iidx + ni, w->ival + ni);
    w->ovr.n_init = ni;
    return 1;
}

/* log density of a diameter d_obs (mm; censored: below it) given the
 * model's d (mm): d_obs - d is Student-t with scale sqrt((cv d)^2 + sd^2),
 * a relative error of readers and an absolute one of rescanning. On the
 * linear scale a lesion the model has eliminated (d near 0) makes an
 * observed 18 mm as unlikely as it is; on the log scale it would not. */
double its__ll_diameter(const its__rec_error *e, double mm, int censored, double d)
{
    double s, x;
    if (isnan(d))
        return (double)NAN; /* not computed: the caller's evaluation fails */
    if (!(d >= 0.0))
        d = 0.0;
    s = sqrt(e->diam_cv * d * e->diam_cv * d + e->diam_sd * e->diam_sd);
    if (!(s > 0.0)) /* sd 0 and an eliminated lesion: a reading is exact */
        s = 1e-6;
    x = (mm - d) / s;
    if (censored)
        return log(its__t_lower(x, e->diam_df));
    return its__t_logpdf(x, e->diam_df) - log(s);
}

double its__ll_lognormal(double v_obs, double v, double cv)
{
    double s = sqrt(log1p(cv * cv)), x;
    if (!(v > 0.0) || !(v_obs > 0.0))
        return -(double)INFINITY;
    x = (log(v_obs) - log(v)) / s;
    return -0.5 * x * x - log(s) - LOG_SQRT_2PI - log(v_obs);
}

/* Every diameter and lab at report time i, from the row's observables. */
static void score_row(its__post_ws *w, size_t i)
{
    const its_record *r = w->p->rec;
    size_t k;
    for (k = 0; k < r->n_obs; k++)
        if (w->p->obs_at[k] == i) {
            double d = w->obs[w->p->diam_obs[r->obs[k].lesion]];
            w->pred_diam[k] = d;
            w->parts.ll_diam +=
                its__ll_diameter(&r->err_model, r->obs[k].mm, r->obs[k].censored, d);
        }
    for (k = 0; k < r->n_labs; k++)
        if (w->p->lab_at[k] == i) {
            int o = w->p->lab_obs[r->labs[k].kind];
            double v = o >= 0 ? w->obs[o] : (double)NAN;
            w->pred_lab[k] = v;
            w->parts.ll_lab +=
                its__ll_lognormal(r->labs[k].value, v, r->err_model.lab_cv[r->labs[k].kind]);
        }
}

static int on_row(double t, const double *y, size_t n, its_row_kind kind, void *ud)
{
    its__post_ws *w = ud;
    const its_model_def *m = w->p->model;
    /* a report time that is also a dose time comes back as the dose's
     * (equal to round-off: a dose at start + k every, a lab at day +
     * minute / 1440) */
    if (kind != ITS_ROW_GRID || w->next >= w->p->n_t || !its__same_instant(t, w->p->t[w->next]))
        return 0;
    if (m->observe(t, y, w->plan->params, w->obs, m->data) != 0)
        return 1;
    score_row(w, w->next);
    if (w->p->t[w->next] == w->p->rec->t_dec) {
        memcpy(w->state, y, n * sizeof *y);
        w->have_state = 1;
    }
    w->next++;
    return 0;
}

/* The biomarkers: TMB lognormal around tmb, the clonal share normal around
 * clonal_share (truncated to [0, 1]), TPS < 1 % against pdl1_0 below its
 * cut, misclassified with the error model's probability. */
static double ll_biomarkers(const its__post_ws *w)
{
    const its__post *p = w->p;
    const its_record *r = p->rec;
    const its__rec_error *e = &r->err_model;
    double ll = 0.0;
    if (r->has_tmb && p->v_tmb >= 0)
        ll += its__ll_lognormal(r->tmb, w->x[p->v_tmb], e->tmb_cv);
    if (r->has_clonal && p->v_clonal >= 0) {
        double m = w->x[p->v_clonal], s = e->clonal_sd, x = (r->clonal - m) / s;
        double mass = its__normal_p((1.0 - m) / s) - its__normal_p(-m / s);
        ll += -0.5 * x * x - log(s) - LOG_SQRT_2PI - log(mass);
    }
    if (r->has_tps && p->v_pdl1 >= 0) {
        int neg = r->tps < 0.01, below = w->x[p->v_pdl1] < p->pdl1_cut;
        ll += log(neg == below ? 1.0 - e->tps_misclass : e->tps_misclass);
    }
    return ll;
}

/* The window run from the grown baseline to the decision, reporting the
 * record's times. */
static int run_window(its__post_ws *w)
{
    its__plan plan;
    its_sim *sim = NULL;
    its_status st;
    its__scenario_set_patient(w->win, &w->ovr);
    st = its__scenario_plan(w->win, &plan);
    its__scenario_set_patient(w->win, NULL);
    if (st != ITS_OK) {
        its__fmt(w->parts.why, sizeof w->parts.why, "%s", its_scenario_errmsg(w->win));
        return 0;
    }
    w->plan = &plan;
    w->next = 0;
    st = its__plan_sim(w->win, &plan, &sim);
    if (st == ITS_OK)
        st = its__sim_use_hist_cache(sim, w->hc);
    if (st == ITS_OK)
        st = its_sim_run(sim, plan.t0, plan.t1, w->p->t, w->p->n_t, on_row, w);
    if (st != ITS_OK || w->next != w->p->n_t)
        its__fmt(w->parts.why, sizeof w->parts.why, "the window run failed: %s",
                 sim ? its_sim_errmsg(sim) : its_scenario_errmsg(w->win));
    its_sim_free(sim);
    its__plan_clear(&plan);
    w->plan = NULL;
    return st == ITS_OK && w->next == w->p->n_t;
}

const its__patient_ovr *its__post_set(its__post_ws *w, const double *z)
{
    return set_patient(w, z) ? &w->ovr : NULL;
}

double its__post_logpost(const double *z, void *ctx, int *failed)
{
    its__post_ws *w = ctx;
    const its__post *p = w->p;
    size_t j;
    int ok = 0;
    memset(&w->parts, 0, sizeof w->parts);
    w->have_state = 0;
    *failed = 0;
    w->evals++;
    for (j = 0; j < p->d; j++)
        w->parts.lprior -= 0.5 * z[j] * z[j];
    for (j = 0; j < p->rec->n_obs; j++)
        w->pred_diam[j] = (double)NAN;
    for (j = 0; j < p->rec->n_labs; j++)
        w->pred_lab[j] = (double)NAN;
    if (!set_patient(w, z) ||
        its__plausible(&p->rec->prior->plaus, p->rec->prior->model, w->unt, &w->ovr, w->hc,
                       &w->pws, p->skip, p->n_skip, &ok, w->parts.why,
                       sizeof w->parts.why) != ITS_OK ||
        !ok) {
        w->outside++;
        return -(double)INFINITY;
    }
    w->parts.plausible = 1;
    if (!run_window(w)) {
        w->failures++;
        *failed = 1;
        return -(double)INFINITY;
    }
    w->parts.ran = 1;
    w->parts.ll_bio = ll_biomarkers(w);
    return w->parts.lprior + w->parts.ll_diam + w->parts.ll_lab + w->parts.ll_bio;
}

void its__post_last(const its__post_ws *w, its__post_parts *out)
{
    *out = w->parts;
}

double its__post_pred_diam(const its__post_ws *w, size_t i)
{
    return i < w->p->rec->n_obs ? w->pred_diam[i] : (double)NAN;
}

double its__post_pred_lab(const its__post_ws *w, size_t i)
{
    return i < w->p->rec->n_labs ? w->pred_lab[i] : (double)NAN;
}

size_t its__post_dim_ws(const its__post_ws *w)
{
    return w->p->d;
}

const its_record *its__post_record(const its__post_ws *w)
{
    return w->p->rec;
}

const its__patient_ovr *its__post_ovr(const its__post_ws *w)
{
    return &w->ovr;
}

const double *its__post_state(const its__post_ws *w)
{
    return w->have_state ? w->state : NULL;
}

void its__post_counts(const its__post_ws *w, size_t *evals, size_t *outside, size_t *failures)
{
    *evals = w->evals;
    *outside = w->outside;
    *failures = w->failures;
}

its_status its__post_start(its__post_ws *w, uint64_t seed, uint64_t patient, uint32_t stream,
                           size_t max_tries, size_t keep, double *z, double *lp, size_t *tries)
{
    const size_t d = w->p->d;
    its__rng_key key = {seed, patient, ITS__RNG_MCMC_INIT, stream};
    size_t a, j, found = 0;
    *lp = -(double)INFINITY;
    for (a = 0; a < max_tries && found < (keep > 0 ? keep : 1); a++) {
        int failed;
        double v;
        for (j = 0; j < d; j++)
            w->zcand[j] = its__normal_pinv(its__rng_u01(&key, (uint64_t)(a * d + j)));
        v = its__post_logpost(w->zcand, w, &failed);
        if (!isfinite(v))
            continue;
        found++;
        if (v > *lp) {
            *lp = v;
            memcpy(z, w->zcand, d * sizeof *z);
        }
    }
    *tries = a;
    return found > 0 ? ITS_OK : ITS_ERANGE;
}

/* The noisy readings of the truth's model values into v's arrays: keyed
 * (seed, patient, ITS__RNG_OBS_NOISE, stream 0: diameters by index, 1:
 * labs, 2: biomarkers). 0 when a baseline diameter came out unmeasurable
 * (below 5 mm). */
static int noisy(its__post_ws *w, uint64_t seed, uint64_t patient, double *diam, int *cens,
                 double *labs, its__rec_values *v)
{
    const its__post *p = w->p;
    const its_record *r = p->rec;
    const its__rec_error *e = &r->err_model;
    its__rng_key key = {seed, patient, ITS__RNG_OBS_NOISE, 0};
    size_t k;
    for (k = 0; k < r->n_obs; k++) {
        double d = w->pred_diam[k], s = sqrt(pow(e->diam_cv * d, 2) + pow(e->diam_sd, 2));
        diam[k] = d + s * its__t_pinv(its__rng_u01(&key, k), e->diam_df);
        cens[k] = diam[k] < 5.0;
        if (cens[k] && r->obs[k].t == 0.0)
            return 0;
        if (cens[k])
            diam[k] = 5.0;
    }
    key.stream = 1;
    for (k = 0; k < r->n_labs; k++)
        labs[k] = w->pred_lab[k] *
                  exp(sqrt(log1p(pow(e->lab_cv[r->labs[k].kind], 2))) *
                      its__normal_pinv(its__rng_u01(&key, k)));
    key.stream = 2;
    v->has_tmb = r->has_tmb && p->v_tmb >= 0;
    v->has_clonal = r->has_clonal && p->v_clonal >= 0;
    v->has_tps = r->has_tps && p->v_pdl1 >= 0;
    if (v->has_tmb)
        v->tmb = w->x[p->v_tmb] * exp(sqrt(log1p(e->tmb_cv * e->tmb_cv)) *
                                      its__normal_pinv(its__rng_u01(&key, 0)));
    if (v->has_clonal) /* a reading outside [0, 1] is reported at the bound */
        v->clonal = fmin(1.0, fmax(0.0, w->x[p->v_clonal] +
                                            e->clonal_sd * its__normal_pinv(its__rng_u01(&key, 1))));
    if (v->has_tps) {
        int neg = w->x[p->v_pdl1] < p->pdl1_cut;
        if (its__rng_u01(&key, 2) < e->tps_misclass)
            neg = !neg;
        v->tps = neg ? 0.005 : 0.05; /* below or above 1 % */
    }
    return 1;
}

its_status its__post_synthetic(its__post_ws *w, uint64_t seed, uint64_t patient, double *z,
                               double *diam, int *cens, double *labs, its__rec_values *v)
{
    const size_t d = w->p->d;
    its__rng_key key = {seed, patient, ITS__RNG_MCMC_INIT, 0};
    size_t a, j;
    for (a = 0; a < 1000; a++) {
        int failed;
        for (j = 0; j < d; j++)
            z[j] = its__normal_pinv(its__rng_u01(&key, (uint64_t)(a * d + j)));
        if (!isfinite(its__post_logpost(z, w, &failed)))
            continue;
        if (noisy(w, seed, patient, diam, cens, labs, v)) {
            v->diam = diam;
            v->censored = cens;
            v->labs = labs;
            return ITS_OK;
        }
    }
    return ITS_ERANGE;
}
