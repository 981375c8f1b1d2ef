/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the choice of treatment for a fitted patient (itsim/personalise.h;
 * docs/personalise.md, "The choice"). Every candidate is run from the state
 * at the decision of every kept posterior draw (common draws for all
 * candidates); its dose is optimised with NLopt within its range to
 * maximise the objective (probability of objective response, or
 * restricted-mean progression-free survival) under the bound on the
 * probability of a grade >= 3 adverse event; the candidates are ranked. */
#include "run/run.h"
#include "core/nlopt_adapter.h"
#include "itsim/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Candidate treatments. {DOSE} is replaced by the dose (in `unit`), {L} by
 * the largest lesion (1-based). Ranges: the label's where there is one;
 * otherwise the source says why. `calibrated`: whether the agents' effects
 * in tme were calibrated to trials (IL-2 and anti-PD-1, docs/calibration.md)
 * or not (IFN-alpha, GM-CSF, dacarbazine: their predictions carry no
 * parameter uncertainty of the agent). */
static const its__option_def options[] = {
    {"HD IL-2 IV", "hd_il2",
     "  - {agent: aldesleukin, route: iv, dose: {DOSE} IU/kg, duration: 15 min, every: 8 h, "
     "count: 14, cycle: 13.6667 d, cycles: 2}\n",
     "  - {hold_if: SBP < 90 mmHg, applies_to: il2}\n", "IU/kg", 300000, 600000, 720000, 1,
     "Proleukin label 600,000 IU/kg; 720,000 IU/kg in the NCI series, half the label as the lower "
     "end (assumed)"},
    {"IL-2 in liposomes IV", "il2_liposome",
     "  - {agent: aldesleukin, dose: {DOSE} IU/kg, carrier: liposome, every: 8 h, count: 14, "
     "cycle: 13.6667 d, cycles: 2}\n",
     "  - {hold_if: SBP < 90 mmHg, applies_to: il2}\n", "IU/kg", 300000, 600000, 720000, 1,
     "the HD IL-2 range (no human liposomal IL-2 dose; assumed)"},
    {"IT IL-2 in a thermogel", "it_il2_gel",
     "  - {agent: aldesleukin, route: it, lesion: {L}, dose: {DOSE} MIU, carrier: thermogel, "
     "every: 3.5 d, count: 8}\n",
     NULL, "MIU", 0.6, 3.0, 6.0, 1,
     "intralesional IL-2 0.6-6 MIU per injection 2-3 times a week (Radny et al. 2003, Br J "
     "Cancer 89:1620; Weide et al. 2010, Cancer 116:4139)"},
    {"HD IFN-alpha IV then SC", "hd_ifn",
     "  - {agent: interferon_alfa_2b, route: iv, dose: {DOSE} MIU/m2, duration: 20 min, days: "
     "\"Mon,Tue,Wed,Thu,Fri\", weeks: 4}\n"
     "  - {agent: interferon_alfa_2b, route: sc, dose: 10 MIU/m2, start: 28 d, days: "
     "\"Mon,Wed,Fri\", weeks: 48}\n",
     NULL, "MIU/m2", 10, 20, 20, 0, "Intron A label: induction 20 MIU/m2 IV, reduced to 10 for "
     "toxicity"},
    {"LD IFN-alpha SC", "ld_ifn",
     "  - {agent: interferon_alfa_2b, route: sc, dose: {DOSE} MIU, days: \"Mon,Wed,Fri\", "
     "weeks: 52}\n", NULL, "MIU", 1.5, 3.0, 5.0, 0,
     "low-dose IFN-alpha 3 MIU three times a week (adjuvant melanoma trials); 1.5-5 assumed"},
    {"peginterferon SC", "peg_ifn",
     "  - {agent: peginterferon_alfa_2b, route: sc, dose: {DOSE} ug/kg, every: 7 d, count: 8}\n"
     "  - {agent: peginterferon_alfa_2b, route: sc, dose: 3 ug/kg, start: 56 d, every: 7 d, "
     "until: 364 d}\n",
     NULL, "ug/kg", 3, 6, 6, 0, "Sylatron label: 6 ug/kg weekly for 8 doses, then 3 ug/kg"},
    {"GM-CSF SC", "gmcsf",
     "  - {agent: sargramostim, route: sc, dose: {DOSE} ug/m2, every: 1 d, count: 14, cycle: "
     "28 d, cycles: 13}\n",
     NULL, "ug/m2", 125, 250, 250, 0, "Leukine label 250 ug/m2/day; 125 in E4697"},
    {"GM-CSF scaffold at a lesion", "gmcsf_scaffold",
     "  - {agent: sargramostim, route: it, lesion: {L}, dose: {DOSE} ug, carrier: scaffold, "
     "every: 21 d, count: 4}\n",
     NULL, "ug", 0.3, 1.0, 10.0, 0,
     "no human dose per scaffold (assumed: about the mouse matrix's 3 ug, 10-fold each way); four "
     "implants 3 weeks apart as in the WDVAX trial (NCT01753089)"},
    {"GM-CSF in mesoporous silica rods at a lesion", "msr_gmcsf",
     "  - {agent: sargramostim, route: it, lesion: {L}, dose: {DOSE} ug, carrier: "
     "mesoporous_silica, every: 21 d, count: 4}\n",
     NULL, "ug", 0.3, 1.0, 10.0, 0, "as the scaffold (assumed)"},
    {"pembrolizumab 200 mg q3w", "pembro_q3w",
     "  - {agent: pembrolizumab, route: iv, dose: {DOSE} mg, duration: 30 min, every: 21 d, "
     "until: 364 d}\n", NULL, "mg", 200, 200, 200, 1, "Keytruda label"},
    {"pembrolizumab 400 mg q6w", "pembro_q6w",
     "  - {agent: pembrolizumab, route: iv, dose: {DOSE} mg, duration: 30 min, every: 42 d, "
     "until: 364 d}\n", NULL, "mg", 400, 400, 400, 1, "Keytruda label"},
    {"dacarbazine", "dacarbazine",
     "  - {agent: dacarbazine, route: iv, dose: {DOSE} mg/m2, duration: 60 min, every: 21 d, "
     "until: 364 d}\n", NULL, "mg/m2", 800, 1000, 1000, 0,
     "1,000 mg/m2 every 3 weeks, the comparator of the melanoma trials"},
    {"pembrolizumab + IT IL-2 in a thermogel", "pembro_it_il2",
     "  - {agent: pembrolizumab, route: iv, dose: 200 mg, duration: 30 min, every: 21 d, until: "
     "364 d}\n  - {agent: aldesleukin, route: it, lesion: {L}, dose: {DOSE} MIU, carrier: "
     "thermogel, every: 3.5 d, count: 8}\n",
     NULL, "MIU", 0.6, 3.0, 6.0, 1, "the two labels' and trials' ranges, combined (assumed)"},
    {"pembrolizumab + GM-CSF SC", "pembro_gmcsf",
     "  - {agent: pembrolizumab, route: iv, dose: 200 mg, duration: 30 min, every: 21 d, until: "
     "364 d}\n  - {agent: sargramostim, route: sc, dose: {DOSE} ug/m2, every: 1 d, count: 14, "
     "cycle: 21 d, cycles: 17}\n",
     NULL, "ug/m2", 125, 250, 250, 0, "the two labels, combined (assumed)"},
    {"pembrolizumab + peginterferon", "pembro_peg_ifn",
     "  - {agent: pembrolizumab, route: iv, dose: 200 mg, duration: 30 min, every: 21 d, until: "
     "364 d}\n  - {agent: peginterferon_alfa_2b, route: sc, dose: {DOSE} ug/kg, every: 7 d, "
     "until: 364 d}\n",
     NULL, "ug/kg", 1, 3, 6, 0,
     "peginterferon with pembrolizumab at 1-3 ug/kg weekly (assumed from phase 1b use); 6 the "
     "label's induction"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

size_t its__option_count(void)
{
    return N_OPTIONS;
}

const its__option_def *its__option_at(size_t i)
{
    return i < N_OPTIONS ? &options[i] : NULL;
}

void its_choice_opts_default(its_choice_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->objective = -1;
    o->max_grade3 = (double)NAN;
    o->max_evals = 8;
    o->top = 3;
}

void its_choice_free(its_choice *c)
{
    if (!c)
        return;
    its__free(c->res);
    its__free(c->rank);
    its__free(c->traj);
    its__free(c->tox);
    its__free(c);
}

/* One thread's means to run a draw: a private copy of the candidate's
 * scenario, and the override (the draw's parameters, every state at the
 * decision as initial values). */
typedef struct runner {
    its__post_ws *w;
    int *iidx;
    double *ival;
} runner;

/* What the evaluation of one level needs. */
typedef struct evalctx {
    its_choice *c;
    const its_fit *f;
    const its__option_def *def;
    runner *run;
    int nt;
    size_t k;               /* the candidate */
    double horizon;
    int keep_rows;          /* collect trajectories into top slot `slot` */
    size_t slot;
    /* per draw: responder, grade >= 3, PFS days, PFS event, valid */
    char *resp, *g3, *ok;
    double *pfs;
    int *ev;
    char err[ITS__ERRLEN];
} evalctx;

/* The largest lesion at the baseline scan (1-based). */
static int largest_lesion(const its_record *r)
{
    size_t i;
    int best = 0;
    double d = -1.0;
    for (i = 0; i < r->n_obs; i++)
        if (r->obs[i].t == 0.0 && !r->obs[i].censored && r->obs[i].mm > d) {
            d = r->obs[i].mm;
            best = r->obs[i].lesion;
        }
    return best + 1;
}

/* Replace {DOSE} and {L} in template t into out. */
static void fill_template(const char *t, double dose, int lesion, char *out, size_t len)
{
    size_t used = 0;
    while (*t && used + 1 < len) {
        if (strncmp(t, "{DOSE}", 6) == 0) {
            its__fmt(out + used, len - used, "%.6g", dose);
            t += 6;
        } else if (strncmp(t, "{L}", 3) == 0) {
            its__fmt(out + used, len - used, "%d", lesion);
            t += 3;
        } else {
            out[used] = *t++;
            out[used + 1] = '\0';
        }
        used = strlen(out);
    }
}

/* The decision scenario of the record for one candidate at one dose. */
static void scenario_text(const its_choice *c, const its__option_def *def, double dose,
                          char *out, size_t len, char *regimen, size_t rlen)
{
    const its_record *r = c->fit->post->rec;
    char organs[ITS__MAX_LESIONS * 42] = "", set[64] = "", age[64] = "";
    size_t k, used = 0;
    for (k = 0; k < r->n_lesions; k++) {
        its__fmt(organs + used, sizeof organs - used, "%s%s", k ? ", " : "", r->lesions[k].site);
        used = strlen(organs);
    }
    if (r->set[0])
        its__fmt(set, sizeof set, "parameter_set: %s\n", r->set);
    if (!isnan(r->age))
        its__fmt(age, sizeof age, ", age: %.17g y", r->age);
    fill_template(def->items, dose, largest_lesion(r), regimen, rlen);
    its__fmt(out, len,
             "model: tme:%zu\n%spatient: {weight: %.17g kg, height: %.17g cm%s}\n"
             "clinical: {organs: \"%s\", first_assessment: 8 weeks, assess_every: 8 weeks, "
             "confirm_after: 28 d, stop_at_progression: true}\n"
             "simulate: {until: %.17g d, output_every: 7 d, history: false}\ntherapy:\n%s%s%s",
             r->n_lesions, set, r->weight, r->height, age, organs, r->horizon, regimen,
             def->rules ? "rules:\n" : "", def->rules ? def->rules : "");
}

/* The sum of the lesions' diameters at every week of a run's rows. */
static void trajectory(const its_result *res, const its__post *p, double *out, size_t n_weeks)
{
    const its_model_def *m = res->plan.model;
    double *obs = NULL;
    size_t r, w = 0, k;
    for (k = 0; k < n_weeks; k++)
        out[k] = (double)NAN;
    if (!(obs = its__calloc(m->n_observables + 1, sizeof *obs)))
        return;
    for (r = 0; r < res->n_rows && w < n_weeks; r++) {
        double sum = 0.0;
        if (res->kind[r] != ITS_ROW_GRID || fabs(res->t[r] - 7.0 * (double)w) > 1e-6)
            continue;
        if (m->observe(res->t[r], res->y + r * m->n_states, res->plan.params, obs, m->data) == 0) {
            for (k = 0; k < p->rec->n_lesions; k++)
                sum += obs[p->diam_obs[k]];
            out[w] = sum;
        }
        w++;
    }
    its__free(obs);
}

/* Run draw s of the fit on the candidate's scenario copy; the outcome into
 * the evaluation's per-draw arrays (and the trajectory when asked). */
static void run_draw(evalctx *x, its_scenario *copy, runner *rn, size_t s, char *tox)
{
    const its_fit *f = x->f;
    const size_t ns = f->post->model->n_states;
    const its__patient_ovr *base = its__post_set(rn->w, f->zs + s * f->post->d);
    its__patient_ovr ovr;
    its_result *res = NULL;
    its_clinical_summary cs;
    its_status st;
    x->ok[s] = 0;
    if (!base)
        return;
    ovr = *base;
    ovr.n_init = ns;
    ovr.init_idx = rn->iidx;
    ovr.init_val = f->state + s * ns;
    st = its__run_patient(copy, &ovr, x->keep_rows, NULL, &res);
    if (st != ITS_OK || !res || its_result_get_clinical(res, &cs) != ITS_OK) {
        its_result_free(res);
        return;
    }
    x->ok[s] = 1;
    x->resp[s] = cs.recist_available && cs.recist.responder;
    x->g3[s] = cs.worst_any >= 3;
    x->ev[s] = cs.recist_available && cs.recist.pfs_event > 0;
    x->pfs[s] = x->ev[s] ? fmin(cs.recist.pfs, x->horizon) : x->horizon;
    if (x->keep_rows) {
        const its_ctcae *g = its_result_ctcae(res);
        size_t e, w, nw = x->c->n_weeks;
        trajectory(res, f->post, x->c->traj + (x->slot * f->draws + s) * nw, nw);
        for (e = 0; g && e < its_ctcae_episode_count(g); e++) {
            its_ae_episode ep;
            if (its_ctcae_get_episode(g, e, &ep) != ITS_OK || ep.grade < 3)
                continue;
            for (w = 0; w < nw; w++)
                if (ep.onset <= 7.0 * (double)w && 7.0 * (double)w <= ep.end)
                    tox[(s * nw + w) * ITS_AE_NTERMS + ep.term] = 1;
        }
    }
    its_result_free(res);
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return u < v ? -1 : u > v;
}

/* The level's statistics from the per-draw outcomes. */
static void aggregate(const evalctx *x, its__level *lv, double *work)
{
    const size_t S = x->f->draws;
    size_t s, n = 0, nr = 0, n3 = 0;
    double sum = 0.0, h;
    its_estimate e;
    for (s = 0; s < S; s++) {
        if (!x->ok[s])
            continue;
        nr += (size_t)x->resp[s];
        n3 += (size_t)x->g3[s];
        sum += x->pfs[s];
        work[n++] = x->pfs[s];
    }
    lv->n = n;
    lv->failed = S - n;
    if (n == 0) {
        lv->p_or = lv->p_g3 = lv->rmst = lv->objective = (double)NAN;
        return;
    }
    lv->p_or = (double)nr / (double)n;
    lv->p_g3 = (double)n3 / (double)n;
    its_wilson_interval((long)nr, (long)n, 0.95, &e, NULL, 0);
    lv->p_or_lo = e.ci_low;
    lv->p_or_hi = e.ci_high;
    its_wilson_interval((long)n3, (long)n, 0.95, &e, NULL, 0);
    lv->p_g3_lo = e.ci_low;
    lv->p_g3_hi = e.ci_high;
    qsort(work, n, sizeof *work, cmp_double);
    h = 0.5 * (double)(n - 1);
    lv->pfs_med = work[(size_t)floor(h)] + (h - floor(h)) * (work[(size_t)ceil(h)] - work[(size_t)floor(h)]);
    lv->pfs_q05 = work[(size_t)floor(0.05 * (double)(n - 1))];
    lv->pfs_q95 = work[(size_t)ceil(0.95 * (double)(n - 1))];
    lv->pfs_censored = !(lv->pfs_med < x->horizon);
    lv->rmst = sum / (double)n;
    lv->objective = x->c->o.objective == 1 ? lv->rmst / x->horizon : lv->p_or;
}

/* Evaluate candidate x->k at dose over every kept draw into *lv (and the
 * regimen text); ITS_OK, ITS_ENOMEM, or the scenario's status (a candidate
 * the model refuses, message in x->err). */
static its_status eval_level(evalctx *x, double dose, its__level *lv, char *regimen, size_t rlen,
                             char *scen, size_t slen)
{
    const its_fit *f = x->f;
    const size_t S = f->draws, nw = x->c->n_weeks;
    char text[8192], name[300];
    its_scenario *sc = NULL;
    its_scenario **copy;
    char *tox = NULL;
    double *work;
    its_status st;
    int t;
    scenario_text(x->c, x->def, dose, text, sizeof text, regimen, rlen);
    if (scen)
        its__fmt(scen, slen, "%s", text);
    its__fmt(name, sizeof name, "%s (candidate %s)", f->post->rec->name, x->def->id);
    if (its_scenario_create(&sc, NULL, 0) != ITS_OK)
        return ITS_ENOMEM;
    st = its__scenario_load_text(sc, text, strlen(text), name, f->post->rec->ld);
    if (st != ITS_OK) {
        its__fmt(x->err, sizeof x->err, "%s", its_scenario_errmsg(sc));
        its_scenario_free(sc);
        return st;
    }
    copy = its__calloc((size_t)x->nt, sizeof *copy);
    work = its__calloc(S + 1, sizeof *work);
    if (x->keep_rows)
        tox = its__calloc(S * nw * ITS_AE_NTERMS + 1, 1);
    for (t = 0; copy && t < x->nt; t++)
        if (!(copy[t] = its__scenario_private(sc)))
            st = ITS_ENOMEM;
    if (!copy || !work || (x->keep_rows && !tox))
        st = ITS_ENOMEM;
    if (st == ITS_OK) {
        long s;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(x->nt)
#endif
        for (s = 0; s < (long)S; s++) {
#ifdef _OPENMP
            const int me = omp_get_thread_num();
#else
            const int me = 0;
#endif
            run_draw(x, copy[me], &x->run[me], (size_t)s, tox);
        }
        aggregate(x, lv, work);
        lv->dose = dose;
        if (x->keep_rows) {
            size_t s2, w, a;
            for (w = 0; w < nw; w++)
                for (a = 0; a < ITS_AE_NTERMS; a++) {
                    size_t cnt = 0;
                    for (s2 = 0; s2 < S; s2++)
                        cnt += (size_t)tox[(s2 * nw + w) * ITS_AE_NTERMS + a];
                    x->c->tox[(x->slot * nw + w) * ITS_AE_NTERMS + a] =
                        lv->n ? (double)cnt / (double)lv->n : (double)NAN;
                }
        }
    }
    for (t = 0; copy && t < x->nt; t++)
        if (copy[t])
            its__scenario_arm_free(copy[t]);
    its__free(copy);
    its__free(work);
    its__free(tox);
    its_scenario_free(sc);
    return st;
}

/* The penalised score NLopt minimises: the objective's loss, 10 per unit of
 * P(grade >= 3) over the bound, and a little for a higher dose (ties go to
 * the lower). */
static double score(const its__level *lv, double bound, double u)
{
    if (!(lv->n > 0))
        return 1e6;
    return -lv->objective + 10.0 * fmax(0.0, lv->p_g3 - bound) + 1e-4 * u;
}

typedef struct optctx {
    evalctx *x;
    its__option_result *r;
    double bound;
    its_status st;
    double best_u;          /* of r->best */
    size_t n_done;          /* doses evaluated: their u and score (NLopt asks */
    double u_done[64], f_done[64]; /* for its start again) */
} optctx;

static double dose_of(const its__option_def *d, double u)
{
    return d->lo * pow(d->hi / d->lo, u);
}

/* Whether a level (at u) beats the best so far: a dose within the bound
 * beats one over it; otherwise the lower score wins. */
static int better(const its__level *lv, double u, const its__level *best, double best_u,
                  double bound)
{
    const int fa = lv->n > 0 && lv->p_g3 <= bound, fb = best->n > 0 && best->p_g3 <= bound;
    if (fa != fb)
        return fa;
    return score(lv, bound, u) < score(best, bound, best_u);
}

/* Evaluate the candidate at u (log-dose on [0, 1]), keeping the best. */
static double objective_at(const double *u, void *ud)
{
    optctx *o = ud;
    its__level lv;
    char regimen[1024], scen[8192];
    its_status st;
    size_t i;
    memset(&lv, 0, sizeof lv);
    if (o->st != ITS_OK)
        return 1e6;
    for (i = 0; i < o->n_done; i++)
        if (o->u_done[i] == u[0])
            return o->f_done[i];
    st = eval_level(o->x, dose_of(o->r->def, u[0]), &lv, regimen, sizeof regimen, scen,
                    sizeof scen);
    if (st != ITS_OK) {
        o->st = st;
        return 1e6;
    }
    o->r->n_levels++;
    if (o->r->n_levels == 1 || better(&lv, u[0], &o->r->best, o->best_u, o->bound)) {
        o->r->best = lv;
        o->best_u = u[0];
        its__fmt(o->r->regimen, sizeof o->r->regimen, "%s", regimen);
        its__fmt(o->r->scenario, sizeof o->r->scenario, "%s", scen);
    }
    if (o->n_done < sizeof o->u_done / sizeof o->u_done[0]) {
        o->u_done[o->n_done] = u[0];
        o->f_done[o->n_done++] = score(&lv, o->bound, u[0]);
    }
    return score(&lv, o->bound, u[0]);
}

/* One candidate: a fixed dose is evaluated once; a range on a grid (its
 * ends and the label's dose), then refined from the best grid point by
 * NLopt's subplex on the log dose. */
static its_status optimise(evalctx *x, its__option_result *r, double bound)
{
    const its__option_def *d = r->def;
    optctx o;
    double grid[3], u, lo = 0.0, hi = 1.0, best = 1e300;
    size_t i, n = 0;
    its__opt_result res;
    memset(&o, 0, sizeof o);
    o.x = x;
    o.r = r;
    o.bound = bound;
    o.st = ITS_OK;
    r->largest = largest_lesion(x->f->post->rec);
    if (!(d->hi > d->lo)) {
        its_status st = eval_level(x, d->def, &r->best, r->regimen, sizeof r->regimen,
                                   r->scenario, sizeof r->scenario);
        r->n_levels = 1;
        return st;
    }
    grid[n++] = 0.0;
    if (d->def > d->lo && d->def < d->hi)
        grid[n++] = log(d->def / d->lo) / log(d->hi / d->lo);
    grid[n++] = 1.0;
    u = grid[0];
    for (i = 0; i < n && o.st == ITS_OK; i++) {
        double v = objective_at(&grid[i], &o);
        if (v < best) {
            best = v;
            u = grid[i];
        }
    }
    if (o.st == ITS_OK && x->c->o.max_evals > 0 &&
        its__opt_minimize(ITS__OPT_SBPLX, 1, objective_at, &o, &lo, &hi, &u, 0.02, 1e-4,
                          x->c->o.max_evals, &res, NULL, 0) == ITS_ENOMEM)
        return ITS_ENOMEM;
    return o.st; /* NLopt stopping otherwise leaves the best dose evaluated */
}

/* Whether candidate x ranks before y: feasible first, by objective (then
 * fewer grade >= 3 events); infeasible after, by their probability of
 * grade >= 3. */
static int before(const its__option_result *x, const its__option_result *y)
{
    if (x->feasible != y->feasible)
        return x->feasible;
    if (x->feasible && x->best.objective != y->best.objective)
        return x->best.objective > y->best.objective;
    if (x->best.p_g3 != y->best.p_g3)
        return x->best.p_g3 < y->best.p_g3;
    return strcmp(x->def->id, y->def->id) < 0;
}

static void rank(its_choice *c)
{
    size_t i, j;
    for (i = 0; i < c->n; i++)
        c->rank[i] = i;
    for (i = 1; i < c->n; i++) /* insertion sort: a handful of candidates */
        for (j = i; j > 0 && before(&c->res[c->rank[j]], &c->res[c->rank[j - 1]]); j--) {
            size_t t = c->rank[j];
            c->rank[j] = c->rank[j - 1];
            c->rank[j - 1] = t;
        }
}

its_status its_choice_opts_check(const its_choice_opts *o, char *msg, size_t msglen)
{
    const char *p;
    its__fmt(msg, msglen, "%s", "");
    if (!o)
        return ITS_EINVAL;
    if (!isnan(o->max_grade3) && !(o->max_grade3 > 0.0 && o->max_grade3 <= 1.0)) {
        its__fmt(msg, msglen, "the bound on P(grade >= 3) must be above 0 and at most 1, got %g",
                 o->max_grade3);
        return ITS_EINVAL;
    }
    for (p = o->only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        size_t n = strcspn(p, ","), i;
        for (i = 0; i < N_OPTIONS; i++)
            if (strlen(options[i].id) == n && strncmp(p, options[i].id, n) == 0)
                break;
        if (i == N_OPTIONS) {
            its__fmt(msg, msglen, "no candidate named '%.*s' (candidates: hd_il2, il2_liposome, "
                     "it_il2_gel, hd_ifn, ld_ifn, peg_ifn, gmcsf, gmcsf_scaffold, msr_gmcsf, "
                     "pembro_q3w, pembro_q6w, dacarbazine, pembro_it_il2, pembro_gmcsf, "
                     "pembro_peg_ifn)", (int)n, p);
            return ITS_EINVAL;
        }
    }
    return ITS_OK;
}

/* The candidates asked for (all, or those in o->only) into c->res. */
static its_status select_options(its_choice *c, char *msg, size_t msglen)
{
    size_t i;
    if (!(c->res = its__calloc(N_OPTIONS, sizeof *c->res)) ||
        !(c->rank = its__calloc(N_OPTIONS, sizeof *c->rank)))
        return ITS_ENOMEM;
    for (i = 0; i < N_OPTIONS; i++) {
        const char *p = c->o.only;
        size_t n = strlen(options[i].id);
        int want = p == NULL;
        for (; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
            if (strncmp(p, options[i].id, n) == 0 && (p[n] == ',' || p[n] == '\0'))
                want = 1;
        if (want)
            c->res[c->n++].def = &options[i];
    }
    if (c->n == 0) {
        its__fmt(msg, msglen, "no candidate named in '%s' (candidates: hd_il2, il2_liposome, "
                 "it_il2_gel, hd_ifn, ld_ifn, peg_ifn, gmcsf, gmcsf_scaffold, msr_gmcsf, "
                 "pembro_q3w, pembro_q6w, dacarbazine, pembro_it_il2, pembro_gmcsf, "
                 "pembro_peg_ifn)", c->o.only);
        return ITS_EINVAL;
    }
    return ITS_OK;
}

static void runners_free(runner *run, int nt)
{
    int t;
    for (t = 0; run && t < nt; t++) {
        its__post_ws_free(run[t].w);
        its__free(run[t].iidx);
    }
    its__free(run);
}

static its_status runners(const its_fit *f, int nt, runner **out)
{
    const size_t ns = f->post->model->n_states;
    runner *run = its__calloc((size_t)nt, sizeof *run);
    int t;
    size_t i;
    *out = run;
    if (!run)
        return ITS_ENOMEM;
    for (t = 0; t < nt; t++) {
        if (its__post_ws_create(f->post, &run[t].w) != ITS_OK ||
            !(run[t].iidx = its__calloc(ns, sizeof *run[t].iidx)))
            return ITS_ENOMEM;
        for (i = 0; i < ns; i++)
            run[t].iidx[i] = (int)i;
    }
    return ITS_OK;
}

/* Every candidate optimised, ranked, and the top ones' trajectories. */
static its_status evaluate_all(its_choice *c, evalctx *x, double bound, char *msg, size_t msglen)
{
    size_t i;
    its_status st = ITS_OK;
    for (i = 0; i < c->n && st == ITS_OK; i++) {
        its__option_result *r = &c->res[i];
        if (c->o.cancel && *c->o.cancel)
            return ITS_ECANCELLED;
        x->def = r->def;
        x->k = i;
        st = optimise(x, r, bound);
        r->feasible = r->best.n > 0 && r->best.p_g3 <= bound;
        if (st == ITS_OK && c->o.progress)
            fprintf(c->o.progress, "itsim: candidate %zu of %zu, %s: P(response) %.3f, P(grade "
                    ">= 3) %.3f at %.4g %s (%zu doses tried)\n", i + 1, c->n, r->def->name,
                    r->best.p_or, r->best.p_g3, r->best.dose, r->def->unit, r->n_levels);
    }
    if (st != ITS_OK) {
        its__fmt(msg, msglen, "candidate %s: %s", x->def->id, x->err[0] ? x->err : its_strerror(st));
        return st;
    }
    rank(c);
    c->n_top = c->o.top < c->n ? c->o.top : c->n;
    x->keep_rows = 1;
    for (i = 0; i < c->n_top && st == ITS_OK; i++) {
        its__option_result *r = &c->res[c->rank[i]];
        its__level lv;
        char regimen[1024];
        x->def = r->def;
        x->slot = i;
        st = eval_level(x, r->best.dose, &lv, regimen, sizeof regimen, NULL, 0);
    }
    return st;
}

its_status its_choose(const its_fit *f, const its_choice_opts *o, its_choice **out, char *msg,
                      size_t msglen)
{
    its_choice_opts def;
    its_choice *c;
    evalctx x;
    runner *run = NULL;
    its_status st;
    double bound;
    int nt;
    its__fmt(msg, msglen, "%s", "");
    if (out)
        *out = NULL;
    if (!f || !out)
        return ITS_EINVAL;
    if (!o) {
        its_choice_opts_default(&def);
        o = &def;
    }
    if (!(c = its__calloc(1, sizeof *c)))
        return ITS_ENOMEM;
    c->fit = f;
    c->o = *o;
    if (c->o.objective < 0)
        c->o.objective = f->post->rec->objective;
    bound = isnan(o->max_grade3) ? f->post->rec->max_grade3 : o->max_grade3;
    c->o.max_grade3 = bound;
    if (!(bound > 0.0 && bound <= 1.0) || c->o.objective > 1) {
        its__fmt(msg, msglen, "choice: the bound on P(grade >= 3) must be above 0 and at most "
                 "1 (got %g), the objective 0 or 1", bound);
        its_choice_free(c);
        return ITS_EINVAL;
    }
#ifdef _OPENMP
    nt = o->threads > 0 ? o->threads : omp_get_max_threads();
#else
    nt = 1;
#endif
    memset(&x, 0, sizeof x);
    x.c = c;
    x.f = f;
    x.nt = nt;
    x.horizon = f->post->rec->horizon;
    c->n_weeks = (size_t)floor(x.horizon / 7.0) + 1;
    x.resp = its__calloc(f->draws, 1);
    x.g3 = its__calloc(f->draws, 1);
    x.ok = its__calloc(f->draws, 1);
    x.pfs = its__calloc(f->draws, sizeof *x.pfs);
    x.ev = its__calloc(f->draws, sizeof *x.ev);
    c->traj = its__calloc((o->top + 1) * f->draws * c->n_weeks, sizeof *c->traj);
    c->tox = its__calloc((o->top + 1) * c->n_weeks * ITS_AE_NTERMS, sizeof *c->tox);
    st = x.resp && x.g3 && x.ok && x.pfs && x.ev && c->traj && c->tox ? ITS_OK : ITS_ENOMEM;
    if (st == ITS_OK)
        st = select_options(c, msg, msglen);
    if (st == ITS_OK)
        st = runners(f, nt, &run);
    x.run = run;
    if (st == ITS_OK)
        st = evaluate_all(c, &x, bound, msg, msglen);
    runners_free(run, nt);
    its__free(x.resp);
    its__free(x.g3);
    its__free(x.ok);
    its__free(x.pfs);
    its__free(x.ev);
    if (st != ITS_OK) {
        if (st == ITS_ENOMEM)
            its__fmt(msg, msglen, "%s", "out of memory");
        its_choice_free(c);
        return st;
    }
    *out = c;
    return ITS_OK;
}

its_status its_choice_print(const its_choice *c, FILE *fp)
{
    size_t i;
    if (!c || !fp)
        return ITS_EINVAL;
    fprintf(fp, "\ncandidates for %s, over %zu posterior draws: ranked by %s, P(grade >= 3) at "
            "most %.0f %%\n", c->fit->post->rec->id[0] ? c->fit->post->rec->id : "the patient",
            c->fit->draws, c->o.objective ? "restricted-mean PFS" : "P(objective response)",
            100.0 * c->o.max_grade3);
    fprintf(fp, "%-4s %-44s %12s %-8s %-20s %-20s %-18s %s\n", "rank", "treatment", "dose", "unit",
            "P(response) [95% MC]", "P(grade>=3) [95% MC]", "PFS median [5-95%]", "flags");
    for (i = 0; i < c->n; i++) {
        const its__option_result *r = &c->res[c->rank[i]];
        char a[32], b[32], p[32];
        its__fmt(a, sizeof a, "%.2f [%.2f-%.2f]", r->best.p_or, r->best.p_or_lo, r->best.p_or_hi);
        its__fmt(b, sizeof b, "%.2f [%.2f-%.2f]", r->best.p_g3, r->best.p_g3_lo, r->best.p_g3_hi);
        its__fmt(p, sizeof p, "%s%.0f [%.0f-%.0f] d", r->best.pfs_censored ? ">" : "",
                 r->best.pfs_med, r->best.pfs_q05, r->best.pfs_q95);
        fprintf(fp, "%-4zu %-44s %12.4g %-8s %-20s %-20s %-18s %s%s\n", i + 1, r->def->name,
                r->best.dose, r->def->unit, a, b, p, r->feasible ? "" : "over the bound; ",
                r->def->calibrated ? "" : "agent effect not calibrated");
    }
    return ferror(fp) ? ITS_EIO : ITS_OK;
}

its_status its__choice_truth(const its_choice *c, size_t rank, its__post_ws *w, const double *z,
                             const double *state, int *resp, int *g3, double *pfs, char *msg,
                             size_t msglen)
{
    const its_fit *f = c->fit;
    const its__option_result *r;
    const its__patient_ovr *base;
    its__patient_ovr ovr;
    its_scenario *sc = NULL, *copy = NULL;
    its_result *res = NULL;
    its_clinical_summary cs;
    int *iidx = NULL;
    size_t i, ns = f->post->model->n_states;
    its_status st;
    if (rank >= c->n || !w || !z || !state)
        return ITS_EINVAL;
    r = &c->res[c->rank[rank]];
    if (its_scenario_create(&sc, NULL, 0) != ITS_OK || !(iidx = its__calloc(ns, sizeof *iidx))) {
        its_scenario_free(sc);
        return ITS_ENOMEM;
    }
    for (i = 0; i < ns; i++)
        iidx[i] = (int)i;
    st = its__scenario_load_text(sc, r->scenario, strlen(r->scenario), "truth", f->post->rec->ld);
    if (st == ITS_OK && !(copy = its__scenario_private(sc)))
        st = ITS_ENOMEM;
    if (st == ITS_OK && !(base = its__post_set(w, z)))
        st = ITS_ERANGE;
    if (st == ITS_OK) {
        ovr = *base;
        ovr.n_init = ns;
        ovr.init_idx = iidx;
        ovr.init_val = state;
        st = its__run_patient(copy, &ovr, 0, NULL, &res);
    }
    if (st == ITS_OK && its_result_get_clinical(res, &cs) == ITS_OK) {
        double h = f->post->rec->horizon;
        *resp = cs.recist_available && cs.recist.responder;
        *g3 = cs.worst_any >= 3;
        *pfs = cs.recist_available && cs.recist.pfs_event > 0 ? fmin(cs.recist.pfs, h) : h;
    } else if (st == ITS_OK) {
        st = ITS_EINVAL;
    }
    if (st != ITS_OK)
        its__fmt(msg, msglen, "the truth's run of %s: %s", r->def->id,
                 copy ? its_scenario_errmsg(copy) : its_scenario_errmsg(sc));
    its_result_free(res);
    if (copy)
        its__scenario_arm_free(copy);
    its_scenario_free(sc);
    its__free(iidx);
    return st;
}
