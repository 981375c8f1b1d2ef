/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the posterior of one patient's parameters (docs/personalise.md,
 * "The posterior"). The variables are the prior population's parameters,
 * the set points of the laboratory values the record has, and each
 * lesion's baseline diameter. Each is sampled as z ~ N(0, 1) and mapped to
 * x = F^-1(Phi(z)) through its prior F, so that the prior density in z is
 * the standard normal (the Jacobian is in the map) and every coordinate is
 * unbounded. The posterior adds the prior population's plausibility (an
 * indicator; the baseline ranges of measured labs are left to their
 * likelihood) and the log likelihood of the record's diameters, laboratory
 * values and biomarkers under their error models (posterior_eval.c). */
#include "run/run.h"
#include "core/gsl_adapter.h"

#include <stdarg.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Lab -> the set-point parameter it informs and the spread of its prior
 * (lognormal, CV; assumed: the spread of healthy adults' values, wider for
 * the liver enzymes and bilirubin, docs/personalise.md). */
static const struct {
    const char *param;
    double cv;
} setpoint[ITS__LAB_N] = {
    [ITS__LAB_ANC] = {"neu0", 0.35},         [ITS__LAB_ALC] = {"bys0", 0.5},
    [ITS__LAB_PLATELETS] = {"plt0", 0.3},    [ITS__LAB_CREATININE] = {"creat0", 0.25},
    [ITS__LAB_ALT] = {"alt0", 0.5},          [ITS__LAB_AST] = {"ast0", 0.5},
    [ITS__LAB_BILIRUBIN] = {"bil0", 0.5},
};

void its__post_free(its__post *p)
{
    if (!p)
        return;
    its__free(p->v);
    its__free(p->t);
    its__free(p->obs_at);
    its__free(p->lab_at);
    its__free(p->base_params);
    its__free(p->fixed_idx);
    its__free(p->fixed_val);
    its__free(p);
}

static its_status fail(char *msg, size_t msglen, its_status st, const char *fmt, ...)
    ITS__PRINTF(4, 5);
static its_status fail(char *msg, size_t msglen, its_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(msg, msglen, fmt, ap);
    va_end(ap);
    return st;
}

/* The variables of the prior population (in draw order). */
static its_status pop_vars(its__post *p, const its__population *pop, char *msg, size_t msglen)
{
    size_t i;
    for (i = 0; i < its__population_size(pop); i++) {
        const its__dist *d = its__population_dist(pop, i);
        its__post_var *v = &p->v[p->d];
        int k = its__population_param(pop, i);
        if (its__population_correlated(pop, i))
            return fail(msg, msglen, ITS_EINVAL, "the prior population draws %s through "
                        "correlations: a prior with correlations is not supported",
                        p->model->params[k].name);
        if (d->kind == ITS__DIST_FIXED) { /* not a variable, but the patient's value */
            p->fixed_idx[p->n_fixed] = k;
            p->fixed_val[p->n_fixed++] = d->p[0];
            continue;
        }
        if (d->kind == ITS__DIST_DISCRETE)
            continue; /* refused below */
        v->kind = ITS__PV_POP;
        v->param = k;
        v->lesion = -1;
        v->dist = *d;
        its__fmt(v->name, sizeof v->name, "%s", p->model->params[k].name);
        p->d++;
    }
    for (i = 0; i < its__population_size(pop); i++)
        if (its__population_dist(pop, i)->kind == ITS__DIST_DISCRETE)
            return fail(msg, msglen, ITS_EINVAL, "the prior population draws %s from a discrete "
                        "distribution: not supported for a posterior",
                        p->model->params[its__population_param(pop, i)].name);
    return ITS_OK;
}

/* The set point of each lab the record has, unless the population draws it. */
static its_status setpoint_vars(its__post *p, const its_record *r, char *msg, size_t msglen)
{
    int k;
    size_t i, j;
    for (k = 0; k < ITS__LAB_N; k++) {
        its__post_var *v = &p->v[p->d];
        int idx = its_model_param_index(p->model, setpoint[k].param);
        int seen = 0, drawn = 0;
        for (i = 0; i < r->n_labs; i++)
            seen |= r->labs[i].kind == (its__lab)k;
        for (j = 0; j < p->d; j++)
            drawn |= p->v[j].param == idx;
        if (!seen || drawn)
            continue;
        if (idx < 0)
            return fail(msg, msglen, ITS_ENOTFOUND, "model %s has no parameter %s",
                        p->model->name, setpoint[k].param);
        if (its__dist_lognormal_cv(&v->dist, p->base_params[idx], setpoint[k].cv, msg, msglen) !=
            ITS_OK)
            return ITS_ERANGE;
        v->kind = ITS__PV_SETPOINT;
        v->param = idx;
        v->lesion = -1;
        its__fmt(v->name, sizeof v->name, "%s", setpoint[k].param);
        p->d++;
    }
    return ITS_OK;
}

/* The baseline diameter of every lesion, with the population's diameter
 * distribution as its prior. */
static its_status lesion_vars(its__post *p, const its_record *r, char *msg, size_t msglen)
{
    const its__dist *d = its__trial_lesion_diameter(r->prior);
    size_t k;
    if (!d)
        return fail(msg, msglen, ITS_EINVAL, "%s: the prior population has no lesions section "
                    "(population.lesions.diameter is the prior of the baseline diameters)",
                    r->prior_path);
    if (its__trial_lesion_extras(r->prior))
        return fail(msg, msglen, ITS_EINVAL, "%s: lesion multipliers and lesion parameters of "
                    "the prior population are not supported for a posterior", r->prior_path);
    for (k = 0; k < r->n_lesions; k++) {
        its__post_var *v = &p->v[p->d++];
        v->kind = ITS__PV_LESION;
        v->param = -1;
        v->lesion = (int)k;
        v->dist = *d;
        its__fmt(v->name, sizeof v->name, "diameter_%zu_mm", k + 1);
    }
    return ITS_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The times the run reports: every scan and lab day and the decision,
 * increasing and distinct; each diameter and lab indexed by its time. */
static its_status obs_plan(its__post *p, const its_record *r)
{
    size_t n = 0, i, j;
    if (!(p->t = its__calloc(r->n_scans + r->n_labs + 1, sizeof *p->t)) ||
        !(p->obs_at = its__calloc(r->n_obs + 1, sizeof *p->obs_at)) ||
        !(p->lab_at = its__calloc(r->n_labs + 1, sizeof *p->lab_at)))
        return ITS_ENOMEM;
    for (i = 0; i < r->n_scans; i++)
        p->t[n++] = r->scan_t[i];
    for (i = 0; i < r->n_labs; i++)
        p->t[n++] = r->labs[i].t;
    p->t[n++] = r->t_dec;
    qsort(p->t, n, sizeof *p->t, cmp_double);
    for (i = 0, j = 0; i < n; i++)
        if (j == 0 || p->t[i] != p->t[j - 1])
            p->t[j++] = p->t[i];
    p->n_t = j;
    for (i = 0; i < r->n_obs; i++)
        for (j = 0; j < p->n_t; j++)
            if (p->t[j] == r->obs[i].t)
                p->obs_at[i] = j;
    for (i = 0; i < r->n_labs; i++)
        for (j = 0; j < p->n_t; j++)
            if (p->t[j] == r->labs[i].t)
                p->lab_at[i] = j;
    return ITS_OK;
}

/* The model's observable indices the likelihood reads, the base plan's
 * parameters (the record's parameter set, no patient drawn), and the
 * labs whose baseline plausibility ranges their likelihood replaces. */
static its_status model_plan(its__post *p, const its_record *r, char *msg, size_t msglen)
{
    its_scenario *win = its__scenario_private(r->window);
    its__plan plan;
    size_t k, i;
    char name[32];
    its_status st;
    if (!win)
        return ITS_ENOMEM;
    st = its__scenario_plan(win, &plan);
    if (st != ITS_OK) {
        its__fmt(msg, msglen, "%s", its_scenario_errmsg(win));
        its__scenario_arm_free(win);
        return st;
    }
    p->model = plan.model;
    p->t1 = plan.t1;
    p->base_params = its__malloc(plan.model->n_params * sizeof *p->base_params);
    if (p->base_params)
        memcpy(p->base_params, plan.params, plan.model->n_params * sizeof *p->base_params);
    its__plan_clear(&plan);
    its__scenario_arm_free(win);
    if (!p->base_params)
        return ITS_ENOMEM;
    for (k = 0; k < r->n_lesions; k++) {
        its__fmt(name, sizeof name, "diam_%zu", k + 1);
        p->diam_obs[k] = its_model_observable_index(p->model, name);
    }
    for (k = 0; k < ITS__LAB_N; k++) {
        p->lab_obs[k] = its_model_observable_index(p->model, its__lab_names[k]);
        for (i = 0; i < r->n_labs; i++)
            if (r->labs[i].kind == (its__lab)k) {
                p->skip[p->n_skip++] = its__lab_names[k];
                break;
            }
    }
    return ITS_OK;
}

/* Where the biomarkers' parameters are among the variables (-1: not
 * drawn; the measurement is then not used, with a note). */
static void biomarker_vars(its__post *p, const its_record *r)
{
    size_t j;
    p->v_tmb = p->v_clonal = p->v_pdl1 = -1;
    for (j = 0; j < p->d; j++) {
        if (strcmp(p->v[j].name, "tmb") == 0)
            p->v_tmb = (int)j;
        else if (strcmp(p->v[j].name, "clonal_share") == 0)
            p->v_clonal = (int)j;
        else if (strcmp(p->v[j].name, "pdl1_0") == 0)
            p->v_pdl1 = (int)j;
    }
    /* TPS < 1 % is the prior's lowest share of pdl1_0 that KEYNOTE-006 had
     * below 1 % (19.4 %: 80.6 % PD-L1 >= 1 %, Carlino et al. 2018) */
    p->pdl1_cut = p->v_pdl1 >= 0 ? its__dist_quantile(&p->v[p->v_pdl1].dist, 0.194) : (double)NAN;
    if ((r->has_tmb && p->v_tmb < 0) || (r->has_clonal && p->v_clonal < 0) ||
        (r->has_tps && p->v_pdl1 < 0))
        its__fmt(p->note, sizeof p->note, "%s",
                 "a biomarker of the record is not a variable of the prior population: not used");
}

its_status its__post_create(const its_record *r, its__post **out, char *msg, size_t msglen)
{
    its__post *p;
    its_status st;
    its__fmt(msg, msglen, "%s", "");
    if (out)
        *out = NULL;
    if (!r || !out)
        return ITS_EINVAL;
    if (!r->prior)
        return fail(msg, msglen, ITS_EINVAL, "%s: a fit needs the prior population "
                    "(patient.prior)", r->name);
    if (!(p = its__calloc(1, sizeof *p)))
        return fail(msg, msglen, ITS_ENOMEM, "out of memory");
    p->rec = r;
    p->v = its__calloc(its__population_size(r->prior->pop) + ITS__LAB_N + r->n_lesions + 1,
                       sizeof *p->v);
    p->fixed_idx = its__calloc(its__population_size(r->prior->pop) + 1, sizeof *p->fixed_idx);
    p->fixed_val = its__calloc(its__population_size(r->prior->pop) + 1, sizeof *p->fixed_val);
    if (!p->v || !p->fixed_idx || !p->fixed_val) {
        its__post_free(p);
        return fail(msg, msglen, ITS_ENOMEM, "out of memory");
    }
    st = model_plan(p, r, msg, msglen);
    if (st == ITS_OK)
        st = pop_vars(p, r->prior->pop, msg, msglen);
    if (st == ITS_OK)
        st = setpoint_vars(p, r, msg, msglen);
    if (st == ITS_OK)
        st = lesion_vars(p, r, msg, msglen);
    if (st == ITS_OK)
        st = obs_plan(p, r);
    if (st != ITS_OK) {
        if (st == ITS_ENOMEM)
            its__fmt(msg, msglen, "%s", "out of memory");
        its__post_free(p);
        return st;
    }
    biomarker_vars(p, r);
    *out = p;
    return ITS_OK;
}

size_t its__post_dim(const its__post *p)
{
    return p ? p->d : 0;
}

const char *its__post_name(const its__post *p, size_t j)
{
    return p && j < p->d ? p->v[j].name : NULL;
}

double its__post_value(const its__post *p, size_t j, double z)
{
    double u;
    if (!p || j >= p->d || isnan(z))
        return (double)NAN;
    /* Phi(z) from the tail it lies in; kept inside (0, 1) */
    u = z < 0.0 ? its__normal_p(z) : 1.0 - its__normal_q(z);
    if (u < 1e-300)
        u = 1e-300;
    if (u > 1.0 - 0x1p-53)
        u = 1.0 - 0x1p-53;
    return its__dist_quantile(&p->v[j].dist, u);
}
