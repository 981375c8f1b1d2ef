/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: one synthetic patient of the validation study (docs/personalise.md,
 * "Validation"): the truth drawn from the template record's prior, its
 * noisy record, the fit and the choice on that record, and what the truth
 * says of them: whether each variable's 90 % credible interval holds the
 * true value (and its rank among the kept draws, for simulation-based
 * calibration), whether each candidate's 90 % predictive interval of PFS
 * holds the true PFS, and the true outcome of every candidate. */
#include "run/run.h"
#include "core/mcmc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The synthetic record of patient i as text (its__record_write) and loaded. */
static its_status synthetic_record(its__post_ws *tw, uint64_t seed, uint64_t i, double *z,
                                   its_record **out, char *msg, size_t msglen)
{
    const its_record *t = its__post_record(tw);
    double *diam = its__calloc(t->n_obs + 1, sizeof *diam);
    double *labs = its__calloc(t->n_labs + 1, sizeof *labs);
    int *cens = its__calloc(t->n_obs + 1, sizeof *cens);
    its__rec_values v;
    const size_t cap = 65536 + 256 * (t->n_obs + t->n_labs + its__record_items(t));
    char id[48], name[64], *text = its__malloc(cap);
    size_t len = 0;
    FILE *fp = NULL;
    its_status st = diam && labs && cens && text ? ITS_OK : ITS_ENOMEM;
    memset(&v, 0, sizeof v);
    its__fmt(id, sizeof id, "SYN-%llu", (unsigned long long)i);
    its__fmt(name, sizeof name, "synthetic-%llu.yaml", (unsigned long long)i);
    if (st == ITS_OK && (st = its__post_synthetic(tw, seed, i + 1, z, diam, cens, labs, &v)) != ITS_OK)
        its__fmt(msg, msglen, "patient %llu: no plausible truth in 1000 prior draws",
                 (unsigned long long)i);
    v.id = id;
    if (st == ITS_OK && !(fp = fmemopen(text, cap, "w")))
        st = ITS_ENOMEM;
    if (st == ITS_OK)
        st = its__record_write(t, &v, fp);
    if (fp) {
        long pos = ftell(fp);
        fclose(fp);
        /* a full buffer: the record did not fit (cannot happen at this size) */
        if (st == ITS_OK && (pos < 0 || (size_t)pos >= cap))
            st = ITS_EIO;
        len = pos > 0 ? (size_t)pos : 0;
    }
    if (st == ITS_OK)
        st = its__record_load_text(text, len, name, t->ld, out, msg, msglen);
    its__free(text);
    its__free(diam);
    its__free(labs);
    its__free(cens);
    return st;
}

/* The variables: truth, interval, coverage, and the truth's rank among
 * the kept draws (z space, the same order as the parameters'). */
static void variables(const its_fit *f, const double *z, its__val_patient *out)
{
    size_t j, s;
    out->d = f->post->d < ITS__VAL_MAXD ? f->post->d : ITS__VAL_MAXD;
    out->converged = f->converged;
    out->max_rhat = 0.0;
    out->min_ess = INFINITY;
    for (j = 0; j < out->d; j++) {
        const struct its__mcmc_summary *sm = &f->sum[j];
        size_t below = 0;
        out->x_true[j] = its__post_value(f->post, j, z[j]);
        out->q05[j] = sm->q05;
        out->q50[j] = sm->q50;
        out->q95[j] = sm->q95;
        out->covered[j] = out->x_true[j] >= sm->q05 && out->x_true[j] <= sm->q95;
        for (s = 0; s < f->draws; s++)
            below += f->zs[s * f->post->d + j] < z[j];
        out->rank[j] = (int)below;
        out->max_rhat = fmax(out->max_rhat, sm->rhat);
        out->min_ess = fmin(out->min_ess, fmin(sm->ess_bulk, sm->ess_tail));
    }
}

/* Every candidate's predictions and the truth's outcome. */
static its_status outcomes(const its_choice *c, its__post_ws *w, const double *z,
                           const double *state, its__val_patient *out, char *msg, size_t msglen)
{
    size_t k;
    out->n_opt = c->n < ITS__VAL_MAXOPT ? c->n : ITS__VAL_MAXOPT;
    for (k = 0; k < out->n_opt; k++) {
        const its__option_result *r = &c->res[c->rank[k]];
        its_status st;
        its__fmt(out->id[k], sizeof out->id[k], "%s", r->def->id);
        out->p_or[k] = r->best.p_or;
        out->p_g3[k] = r->best.p_g3;
        out->rmst[k] = r->best.rmst;
        out->pfs_q05[k] = r->best.pfs_q05;
        out->pfs_q95[k] = r->best.pfs_q95;
        out->feasible[k] = r->feasible;
        out->objective[k] = r->best.objective;
        st = its__choice_truth(c, k, w, z, state, &out->t_resp[k], &out->t_g3[k], &out->t_pfs[k],
                               msg, msglen);
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

its_status its__validate_patient(its__post_ws *tw, uint64_t seed, uint64_t i,
                                 const its_fit_opts *fo, const its_choice_opts *co,
                                 its__val_patient *out, char *msg, size_t msglen)
{
    double z[ITS__VAL_MAXD], *state = NULL;
    its_record *syn = NULL;
    its_fit *f = NULL;
    its_choice *c = NULL;
    struct timespec t0, t1;
    its_status st;
    memset(out, 0, sizeof *out);
    out->patient = i;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (its__post_dim_ws(tw) > ITS__VAL_MAXD) {
        its__fmt(msg, msglen, "more than %d variables", ITS__VAL_MAXD);
        return ITS_EINVAL;
    }
    st = synthetic_record(tw, seed, i, z, &syn, msg, msglen);
    if (st == ITS_OK) {
        const size_t ns = its__post_ovr(tw)->model->n_states;
        if (!(state = its__malloc(ns * sizeof *state)))
            st = ITS_ENOMEM;
        else
            memcpy(state, its__post_state(tw), ns * sizeof *state);
    }
    if (st == ITS_OK)
        st = its_fit_run(syn, fo, &f, msg, msglen);
    if (st == ITS_OK) {
        variables(f, z, out);
        st = its_choose(f, co, &c, msg, msglen);
    }
    if (st == ITS_OK)
        st = outcomes(c, f->ws[0], z, state, out, msg, msglen);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    its_choice_free(c);
    its_fit_free(f);
    its_record_free(syn);
    its__free(state);
    return st;
}
