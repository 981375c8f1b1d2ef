/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the fit of one patient (itsim/personalise.h; docs/personalise.md,
 * "The fit"): starts from plausible prior draws, elliptical slice
 * sampling (or adaptive Metropolis) chains on the posterior (posterior*.c)
 * in parallel, diagnostics per variable, and the draws kept for the checks and the choice, each
 * re-evaluated for its predictions and its state at the decision. */
#include "run/run.h"
#include "core/gsl_adapter.h"
#include "core/mcmc.h"
#include "itsim/personalise.h"

#include <math.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAX_START_TRIES 1000
/* Each chain starts at the best (highest log posterior) of this many
 * plausible prior draws: in the bulk of the posterior, still overdispersed
 * between chains (each has its own draws). */
#define START_KEEP 20

const char *its_fit_sampler_name(its_fit_sampler s)
{
    return s == ITS_SAMPLER_ELLIPTICAL ? "elliptical"
           : s == ITS_SAMPLER_METROPOLIS ? "metropolis"
                                         : NULL;
}

void its_fit_opts_default(its_fit_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->rhat_max = 1.01;
    o->ess_min = 400.0;
}

void its_fit_free(its_fit *f)
{
    size_t c;
    if (!f)
        return;
    for (c = 0; f->ws && c < f->n_ws; c++)
        its__post_ws_free(f->ws[c]);
    its__free(f->ws);
    its__mcmc_free(f->mcmc);
    its__post_free(f->post);
    its__free(f->x);
    its__free(f->sum);
    its__free(f->cst);
    its__free(f->tries);
    its__free(f->z0);
    its__free(f->zs);
    its__free(f->pred_diam);
    its__free(f->pred_lab);
    its__free(f->state);
    its__free(f->draw_of);
    its__free(f);
}

/* The record's fit: settings under the caller's. */
static its_status settle(its_fit *f, const its_record *r, const its_fit_opts *o, char *msg,
                         size_t msglen)
{
    f->o = *o;
    f->chains = (size_t)(o->chains > 0 ? o->chains : r->fit.chains);
    f->iterations = (size_t)(o->iterations > 0 ? o->iterations : r->fit.iterations);
    f->warmup = (size_t)(o->warmup > 0 ? o->warmup : r->fit.warmup);
    f->draws = (size_t)(o->draws > 0 ? o->draws : r->fit.draws);
    f->seed = o->has_seed ? o->seed : r->fit.seed;
    if (!(f->o.rhat_max > 1.0))
        f->o.rhat_max = 1.01;
    if (!(f->o.ess_min > 0.0))
        f->o.ess_min = 400.0;
    if (f->chains < 1 || f->chains > 64 || f->warmup >= f->iterations || f->draws < 1) {
        its__fmt(msg, msglen, "fit: 1 to 64 chains, fewer warm-up iterations than iterations "
                 "(%zu of %zu) and at least one draw", f->warmup, f->iterations);
        return ITS_EINVAL;
    }
    return ITS_OK;
}

/* Workspaces: one per chain (a chain and its evaluations use its own). */
static its_status workspaces(its_fit *f)
{
    size_t c;
    f->n_ws = f->chains;
    if (!(f->ws = its__calloc(f->n_ws, sizeof *f->ws)))
        return ITS_ENOMEM;
    for (c = 0; c < f->n_ws; c++)
        if (its__post_ws_create(f->post, &f->ws[c]) != ITS_OK)
            return ITS_ENOMEM;
    return ITS_OK;
}

static int nthreads(const its_fit *f)
{
#ifdef _OPENMP
    int nt = f->o.threads > 0 ? f->o.threads : omp_get_max_threads();
    return nt > (int)f->chains ? (int)f->chains : nt < 1 ? 1 : nt;
#else
    (void)f;
    return 1;
#endif
}

/* Each chain's start, then each chain, in parallel; st[c] each chain's. */
static its_status run_chains(its_fit *f, char *msg, size_t msglen)
{
    const size_t d = f->post->d;
    its_status st[64];
    char errs[64][256];
    long c;
    size_t k;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads(f))
#endif
    for (c = 0; c < (long)f->chains; c++) {
        double lp;
        errs[c][0] = '\0';
        if (f->o.cancel && *f->o.cancel) {
            st[c] = ITS_ECANCELLED;
            continue;
        }
        st[c] = its__post_start(f->ws[c], f->seed, 0, (uint32_t)c, MAX_START_TRIES,
                                START_KEEP, f->z0 + c * d, &lp, &f->tries[c]);
        if (st[c] != ITS_OK) {
            its__fmt(errs[c], sizeof errs[c], "chain %ld: none of %d prior draws is plausible "
                     "for this record (the prior and the record disagree)", c + 1, MAX_START_TRIES);
            continue;
        }
        st[c] = its__mcmc_run_chain(f->mcmc, (size_t)c, f->z0 + c * d, its__post_logpost,
                                    f->ws[c], errs[c], sizeof errs[c]);
        if (f->o.progress && st[c] == ITS_OK) {
            its__mcmc_chain_stats cs;
            its__mcmc_get_stats(f->mcmc, (size_t)c, &cs);
#ifdef _OPENMP
#pragma omp critical
#endif
            fprintf(f->o.progress, "itsim: chain %ld of %zu done: acceptance %.2f, %zu "
                    "evaluations (%zu implausible, %zu failed)\n", c + 1, f->chains,
                    cs.accept_rate, cs.evals, cs.outside, cs.failures);
        }
    }
    for (k = 0; k < f->chains; k++)
        if (st[k] != ITS_OK) {
            its__fmt(msg, msglen, "%s", errs[k]);
            return st[k];
        }
    return ITS_OK;
}

/* Every draw in the parameters' units, and each variable's summary. */
static its_status summarise(its_fit *f, char *msg, size_t msglen)
{
    const size_t d = f->post->d, n = f->chains * f->kept;
    size_t j, i;
    for (j = 0; j < d; j++) {
        const double *z = its__mcmc_draws(f->mcmc, j);
        for (i = 0; i < n; i++)
            f->x[j * n + i] = its__post_value(f->post, j, z[i]);
        if (its__mcmc_summarise(f->x + j * n, f->chains, f->kept, &f->sum[j], msg, msglen) !=
            ITS_OK)
            return ITS_EINVAL;
    }
    f->converged = 1;
    for (j = 0; j < d; j++)
        if (!(f->sum[j].rhat < f->o.rhat_max) || !(f->sum[j].ess_bulk >= f->o.ess_min) ||
            !(f->sum[j].ess_tail >= f->o.ess_min))
            f->converged = 0;
    return ITS_OK;
}

/* The draws kept for the checks and the choice: evenly over all kept
 * states of all chains; each re-evaluated for its predictions and state. */
static its_status keep_draws(its_fit *f)
{
    const its__post *p = f->post;
    const size_t d = p->d, total = f->chains * f->kept, ns = p->model->n_states;
    const size_t no = p->rec->n_obs, nl = p->rec->n_labs;
    int bad = 0;
    long s;
    for (s = 0; s < (long)f->draws; s++) {
        size_t k = (size_t)(((double)s + 0.5) * (double)total / (double)f->draws);
        f->draw_of[s] = k < total ? k : total - 1;
        its__mcmc_get_draw(f->mcmc, f->draw_of[s] / f->kept, f->draw_of[s] % f->kept,
                           f->zs + (size_t)s * d);
    }
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads(f)) reduction(| : bad)
#endif
    {
#ifdef _OPENMP
        const long me = omp_get_thread_num(), nt = omp_get_num_threads();
#else
        const long me = 0, nt = 1;
#endif
        its__post_ws *w = f->ws[me];
        long q;
        for (q = me; q < (long)f->draws; q += nt) {
            size_t i;
            int failed;
            const double *state;
            double lp = its__post_logpost(f->zs + (size_t)q * d, w, &failed);
            state = its__post_state(w);
            if (!isfinite(lp) || !state) {
                bad = 1;
                continue;
            }
            for (i = 0; i < no; i++)
                f->pred_diam[(size_t)q * no + i] = its__post_pred_diam(w, i);
            for (i = 0; i < nl; i++)
                f->pred_lab[(size_t)q * nl + i] = its__post_pred_lab(w, i);
            memcpy(f->state + (size_t)q * ns, state, ns * sizeof *state);
        }
    }
    return bad ? ITS_ESOLVER : ITS_OK;
}

static its_status allocate(its_fit *f)
{
    const size_t d = f->post->d, ns = f->post->model->n_states;
    its__mcmc_opts mo;
    its__mcmc_opts_default(&mo);
    mo.iterations = f->iterations;
    mo.warmup = f->warmup;
    mo.seed = f->seed;
    mo.scale0 = 0.2;
    mo.sampler = f->o.sampler == ITS_SAMPLER_METROPOLIS ? ITS__MCMC_METROPOLIS
                                                      : ITS__MCMC_ELLIPTICAL;
    mo.adapt_start = f->warmup / 10 > 200 ? 200 : f->warmup / 10 > 0 ? f->warmup / 10 : 1;
    /* every other elliptical step with the prior's reference: the variables
     * a patient's record leaves to the prior (docs/personalise.md) */
    mo.prior_every = ITS__FIT_PRIOR_EVERY;
    if (its__mcmc_create(&mo, d, f->chains, &f->mcmc, NULL, 0) != ITS_OK)
        return ITS_ENOMEM;
    f->kept = its__mcmc_kept(f->mcmc);
    f->x = its__calloc(d * f->chains * f->kept, sizeof *f->x);
    f->sum = its__calloc(d, sizeof *f->sum);
    f->cst = its__calloc(f->chains, sizeof *f->cst);
    f->tries = its__calloc(f->chains, sizeof *f->tries);
    f->z0 = its__calloc(f->chains * d, sizeof *f->z0);
    f->zs = its__calloc(f->draws * d, sizeof *f->zs);
    f->pred_diam = its__calloc(f->draws * (f->post->rec->n_obs + 1), sizeof *f->pred_diam);
    f->pred_lab = its__calloc(f->draws * (f->post->rec->n_labs + 1), sizeof *f->pred_lab);
    f->state = its__calloc(f->draws * ns, sizeof *f->state);
    f->draw_of = its__calloc(f->draws, sizeof *f->draw_of);
    return f->x && f->sum && f->cst && f->tries && f->z0 && f->zs && f->pred_diam &&
                   f->pred_lab && f->state && f->draw_of
               ? ITS_OK
               : ITS_ENOMEM;
}

its_status its_fit_run(const its_record *r, const its_fit_opts *o, its_fit **out, char *msg,
                       size_t msglen)
{
    its_fit_opts def;
    its_fit *f;
    its_status st;
    struct timespec t0, t1;
    size_t c;
    its__fmt(msg, msglen, "%s", "");
    if (out)
        *out = NULL;
    if (!r || !out)
        return ITS_EINVAL;
    if (!o) {
        its_fit_opts_default(&def);
        o = &def;
    }
    if (!(f = its__calloc(1, sizeof *f)))
        return ITS_ENOMEM;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = settle(f, r, o, msg, msglen);
    if (st == ITS_OK)
        st = its__post_create(r, &f->post, msg, msglen);
    if (st == ITS_OK && (st = allocate(f)) == ITS_OK)
        st = workspaces(f);
    if (st == ITS_OK)
        st = run_chains(f, msg, msglen);
    for (c = 0; st == ITS_OK && c < f->chains; c++)
        its__mcmc_get_stats(f->mcmc, c, &f->cst[c]);
    if (st == ITS_OK)
        st = summarise(f, msg, msglen);
    if (st == ITS_OK && (st = keep_draws(f)) != ITS_OK)
        its__fmt(msg, msglen, "%s", "a kept draw could not be evaluated again");
    if (st == ITS_ENOMEM)
        its__fmt(msg, msglen, "%s", "out of memory");
    if (st != ITS_OK) {
        its_fit_free(f);
        return st;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    f->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    *out = f;
    return ITS_OK;
}

int its_fit_converged(const its_fit *f)
{
    return f ? f->converged : 0;
}

size_t its_fit_dim(const its_fit *f)
{
    return f ? f->post->d : 0;
}

its_status its_fit_get_summary(const its_fit *f, size_t j, its_fit_summary *out)
{
    const its__post_var *v;
    if (!f || !out || j >= f->post->d)
        return ITS_EINVAL;
    v = &f->post->v[j];
    out->name = v->name;
    out->unit = v->kind == ITS__PV_LESION ? "mm" : f->post->model->params[v->param].unit;
    out->prior_median = its__post_value(f->post, j, 0.0);
    out->mean = f->sum[j].mean;
    out->sd = f->sum[j].sd;
    out->q05 = f->sum[j].q05;
    out->q50 = f->sum[j].q50;
    out->q95 = f->sum[j].q95;
    out->rhat = f->sum[j].rhat;
    out->ess_bulk = f->sum[j].ess_bulk;
    out->ess_tail = f->sum[j].ess_tail;
    return ITS_OK;
}

its_status its_fit_print(const its_fit *f, FILE *fp)
{
    size_t j, c;
    if (!f || !fp)
        return ITS_EINVAL;
    fprintf(fp, "posterior of %s: %zu variables, %zu chains x %zu iterations (%zu warm-up), "
            "%.1f s\n", f->post->rec->id[0] ? f->post->rec->id : "the patient", f->post->d,
            f->chains, f->iterations, f->warmup, f->seconds);
    fprintf(fp, "%-22s %-6s %11s %11s %11s %11s %7s %8s %8s\n", "variable", "unit", "prior q50",
            "q05", "q50", "q95", "R-hat", "ESS bulk", "ESS tail");
    for (j = 0; j < f->post->d; j++) {
        its_fit_summary s;
        its_fit_get_summary(f, j, &s);
        fprintf(fp, "%-22s %-6s %11.4g %11.4g %11.4g %11.4g %7.4f %8.0f %8.0f\n", s.name, s.unit,
                s.prior_median, s.q05, s.q50, s.q95, s.rhat, s.ess_bulk, s.ess_tail);
    }
    for (c = 0; c < f->chains; c++)
        fprintf(fp, "chain %zu: acceptance %.3f (warm-up %.3f), %zu evaluations, %zu "
                "implausible, %zu failed, start after %zu prior draws\n", c + 1,
                f->cst[c].accept_rate, f->cst[c].accept_rate_warmup, f->cst[c].evals,
                f->cst[c].outside, f->cst[c].failures, f->tries[c]);
    fprintf(fp, "%s: every R-hat below %.3g and every ESS at least %.0f%s\n",
            f->converged ? "converged" : "NOT CONVERGED", f->o.rhat_max, f->o.ess_min,
            f->converged ? "" : " fails: run longer chains (fit.iterations) before using it");
    if (f->post->note[0])
        fprintf(fp, "note: %s\n", f->post->note);
    return ferror(fp) ? ITS_EIO : ITS_OK;
}
