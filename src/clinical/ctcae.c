/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: CTCAE v5.0 adverse-event grading of model observables over time,
 * with episodes (onset, worst grade, resolution) and grade-5 events.
 * Thresholds and their sources: docs/clinical.md. */
#include "clinical/clinical.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct term_state {
    int idx;              /* observable index, -1: not graded */
    int grade, worst, baseline;
    double v0;            /* first graded value (the x-baseline criteria) */
    double since[5];      /* since when grade g+1's condition holds; NaN: not */
    long open;            /* open episode index or -1 */
} term_state;

struct its_ctcae {
    its_ctcae_opts o;
    term_state s[ITS_AE_NTERMS];
    its_ae_episode *ep;
    size_t n_ep, cap_ep;
    double t_last, t_death;
    its_ae_term death_term;
    int started;
    char err[160];          /* last error of its_ctcae_begin or its_ctcae_push */
};

static const struct {
    const char *name, *id;
    its_obs_role role;
} terms[ITS_AE_NTERMS] = {
    [ITS_AE_HYPOTENSION] = {"Hypotension", "hypotension", ITS_OBS_SBP},
    [ITS_AE_FEVER] = {"Fever", "fever", ITS_OBS_TEMPERATURE},
    [ITS_AE_FLU_LIKE] = {"Flu like symptoms", "flu_like", ITS_OBS_FLU},
    [ITS_AE_FATIGUE] = {"Fatigue", "fatigue", ITS_OBS_FATIGUE},
    [ITS_AE_NEUTROPENIA] = {"Neutrophil count decreased", "neutropenia", ITS_OBS_ANC},
    [ITS_AE_IRAE] = {"Immune-related adverse event (composite)", "irae", ITS_OBS_IRAE},
    [ITS_AE_WEIGHT_GAIN] = {"Weight gain", "weight_gain", ITS_OBS_WEIGHT_GAIN},
    [ITS_AE_CREATININE] = {"Creatinine increased", "creatinine", ITS_OBS_CREATININE},
    [ITS_AE_ALT] = {"Alanine aminotransferase increased", "alt", ITS_OBS_ALT},
    [ITS_AE_AST] = {"Aspartate aminotransferase increased", "ast", ITS_OBS_AST},
    [ITS_AE_BILIRUBIN] = {"Blood bilirubin increased", "bilirubin", ITS_OBS_BILIRUBIN},
    [ITS_AE_PLATELETS] = {"Platelet count decreased", "platelets", ITS_OBS_PLATELETS},
    [ITS_AE_NAUSEA] = {"Nausea", "nausea", ITS_OBS_NAUSEA},
    [ITS_AE_VOMITING] = {"Vomiting", "vomiting", ITS_OBS_VOMITING},
};

const char *its_ae_term_name(its_ae_term k)
{
    return (unsigned)k < ITS_AE_NTERMS ? terms[k].name : NULL;
}

const char *its_ae_term_id(its_ae_term k)
{
    return (unsigned)k < ITS_AE_NTERMS ? terms[k].id : NULL;
}

its_obs_role its_ae_term_role(its_ae_term k)
{
    return (unsigned)k < ITS_AE_NTERMS ? terms[k].role : ITS_OBS_OTHER;
}

static void scale(its_ae_scale *s, int below, const double lim[5], const int incl[5],
                  const double persist[5])
{
    int g;
    s->below = below;
    for (g = 0; g < 5; g++) {
        s->limit[g] = lim[g];
        s->inclusive[g] = incl[g];
        s->persist[g] = persist[g];
        s->vs_baseline[g] = 0.0;
    }
}

/* The organ terms of tme (docs/clinical.md, "Organ toxicity"): CTCAE v5.0
 * numbers, laboratory values in multiples of the upper limit of normal. */
static void organ_scales(its_ctcae_opts *o)
{
    static const double none[5] = {0, 0, 0, 0, 0};
    static const int strict[5] = {0, 0, 0, 0, 0};
    static const int incl[5] = {1, 1, 1, 1, 1};
    /* Weight gain, % of baseline: 5-<10, 10-<20, >=20; no grade 4 or 5. */
    {
        const double lim[5] = {5.0, 10.0, 20.0, NAN, NAN};
        scale(&o->scale[ITS_AE_WEIGHT_GAIN], 0, lim, incl, none);
    }
    /* Creatinine increased: > ULN, > 1.5, > 3.0, > 6.0 x ULN; also grade 2
     * at > 1.5 and grade 3 at > 3.0 x baseline. */
    {
        const double lim[5] = {1.0, 1.5, 3.0, 6.0, NAN};
        scale(&o->scale[ITS_AE_CREATININE], 0, lim, strict, none);
        o->scale[ITS_AE_CREATININE].vs_baseline[1] = 1.5;
        o->scale[ITS_AE_CREATININE].vs_baseline[2] = 3.0;
    }
    /* ALT and AST increased (baseline normal): > ULN, > 3, > 5, > 20 x ULN. */
    {
        const double lim[5] = {1.0, 3.0, 5.0, 20.0, NAN};
        scale(&o->scale[ITS_AE_ALT], 0, lim, strict, none);
        scale(&o->scale[ITS_AE_AST], 0, lim, strict, none);
    }
    /* Blood bilirubin increased (baseline normal): > ULN, > 1.5, > 3, > 10 x ULN. */
    {
        const double lim[5] = {1.0, 1.5, 3.0, 10.0, NAN};
        scale(&o->scale[ITS_AE_BILIRUBIN], 0, lim, strict, none);
    }
    /* Platelet count decreased, 1e9/L: < LLN, < 75, < 50, < 25; no grade 5. */
    {
        const double lim[5] = {ITS_PLT_LLN_DEFAULT, 75.0, 50.0, 25.0, NAN};
        scale(&o->scale[ITS_AE_PLATELETS], 1, lim, strict, none);
    }
    /* Nausea and vomiting (0-1 severity): symptom grades mapped onto bands
     * (assumed), as flu-like symptoms; nausea has no grade 4 or 5, and
     * the model gives vomiting none (no life-threatening emesis). */
    {
        const double lim[5] = {0.2, 0.5, 0.8, NAN, NAN};
        const double limv[5] = {0.3, 0.6, 0.85, NAN, NAN};
        scale(&o->scale[ITS_AE_NAUSEA], 0, lim, incl, none);
        scale(&o->scale[ITS_AE_VOMITING], 0, limv, incl, none);
    }
}

void its_ctcae_opts_default(its_ctcae_opts *o, double anc_lln)
{
    static const double none[5] = {0, 0, 0, 0, 0};
    static const int strict[5] = {0, 0, 0, 0, 0};
    static const int incl[5] = {1, 1, 1, 1, 1};
    if (!o)
        return;
    /* Hypotension, SBP in mmHg: CTCAE grades by intervention; mapped onto
     * SBP (assumed): < 100 asymptomatic; < 90 the label's hold and a fluid
     * bolus (non-urgent intervention); < 80 a pressor in hospital; < 70
     * multiple pressors (urgent); < 60 for 6 h refractory shock (death). */
    {
        const double lim[5] = {100.0, 90.0, 80.0, 70.0, 60.0};
        const double per[5] = {0, 0, 0, 0, 0.25};
        scale(&o->scale[ITS_AE_HYPOTENSION], 1, lim, strict, per);
    }
    /* Fever, degC: CTCAE v5 numbers; grade 4 is > 40.0 for > 24 h. */
    {
        const double lim[5] = {38.0, 39.0, 40.0, 40.0, NAN};
        const int in[5] = {1, 0, 0, 0, 0};
        const double per[5] = {0, 0, 0, 1.0, 0};
        scale(&o->scale[ITS_AE_FEVER], 0, lim, in, per);
    }
    /* Flu like symptoms and fatigue (0-1 severity): symptom grades mapped
     * onto bands (assumed); CTCAE v5 has no grade 4 or 5 for either. */
    {
        const double lim[5] = {0.2, 0.5, 0.8, NAN, NAN};
        scale(&o->scale[ITS_AE_FLU_LIKE], 0, lim, incl, none);
    }
    {
        const double lim[5] = {0.2, 0.4, 0.7, NAN, NAN};
        scale(&o->scale[ITS_AE_FATIGUE], 0, lim, incl, none);
    }
    /* Neutrophil count decreased, 1e9/L: CTCAE v5 numbers, no grade 5. */
    {
        const double lim[5] = {anc_lln, 1.5, 1.0, 0.5, NAN};
        scale(&o->scale[ITS_AE_NEUTROPENIA], 1, lim, strict, none);
    }
    /* Immune-related inflammation (0-1): bands (assumed); grade 5 when it
     * stays >= 0.95 for 7 days (fulminant irAE). */
    {
        const double lim[5] = {0.2, 0.4, 0.6, 0.8, 0.95};
        const double per[5] = {0, 0, 0, 0, 7.0};
        scale(&o->scale[ITS_AE_IRAE], 0, lim, incl, per);
    }
    organ_scales(o);
}

its_status its_ctcae_create(const its_ctcae_opts *opts, its_ctcae **out, char *msg,
                            size_t msglen)
{
    its_ctcae *g;
    int k, i;
    its__fmt(msg, msglen, "%s", "");
    if (!out) {
        its__fmt(msg, msglen, "its_ctcae_create: NULL out");
        return ITS_EINVAL;
    }
    *out = NULL;
    g = its__calloc(1, sizeof *g);
    if (!g) {
        its__fmt(msg, msglen, "out of memory for a CTCAE grader");
        return ITS_ENOMEM;
    }
    if (opts)
        g->o = *opts;
    else
        its_ctcae_opts_default(&g->o, ITS_ANC_LLN_DEFAULT);
    for (k = 0; k < ITS_AE_NTERMS; k++)
        for (i = 0; i < 5; i++)
            if (!(g->o.scale[k].persist[i] >= 0.0) || !isfinite(g->o.scale[k].persist[i])) {
                its__fmt(msg, msglen,
                         "CTCAE option scale[%s].persist[%d] (grade %d) = %g: must be "
                         "finite and >= 0",
                         terms[k].id, i, i + 1, g->o.scale[k].persist[i]);
                its__free(g);
                return ITS_EINVAL;
            }
    for (k = 0; k < ITS_AE_NTERMS; k++)
        g->s[k].idx = -1;
    g->t_death = NAN;
    *out = g;
    return ITS_OK;
}

void its_ctcae_free(its_ctcae *g)
{
    if (!g)
        return;
    its__free(g->ep);
    its__free(g);
}

its_status its_ctcae_begin(its_ctcae *g, const int role_index[ITS_AE_NTERMS], size_t n_obs)
{
    int k, i;
    if (!g || !role_index)
        return ITS_EINVAL;
    g->err[0] = '\0';
    for (k = 0; k < ITS_AE_NTERMS; k++)
        if (role_index[k] < -1 || (role_index[k] >= 0 && (size_t)role_index[k] >= n_obs)) {
            its__fmt(g->err, sizeof g->err, "observable index %d of term %s outside [-1, %zu)",
                     role_index[k], terms[k].id, n_obs);
            return ITS_EINVAL;
        }
    for (k = 0; k < ITS_AE_NTERMS; k++) {
        term_state *s = &g->s[k];
        s->idx = role_index[k];
        s->grade = s->worst = s->baseline = 0;
        s->v0 = NAN;
        s->open = -1;
        for (i = 0; i < 5; i++)
            s->since[i] = NAN;
    }
    g->n_ep = 0;
    g->t_last = NAN;
    g->t_death = NAN;
    g->death_term = ITS_AE_NTERMS;
    g->started = 0;
    return ITS_OK;
}

static int beyond_limit(const its_ae_scale *sc, int i, double v, double lim)
{
    if (isnan(lim) || isnan(v))
        return 0;
    if (sc->below)
        return sc->inclusive[i] ? v <= lim : v < lim;
    return sc->inclusive[i] ? v >= lim : v > lim;
}

/* Grade i+1's condition: beyond its limit, or beyond its multiple of the
 * first graded value v0 (CTCAE's "x baseline"). */
static int beyond(const its_ae_scale *sc, int i, double v, double v0)
{
    const double vb = sc->vs_baseline[i];
    return beyond_limit(sc, i, v, sc->limit[i]) ||
           (vb > 0.0 && isfinite(vb) && v0 > 0.0 && beyond_limit(sc, i, v, vb * v0));
}

static int new_episode(its_ctcae *g, its_ae_term k, double t, int grade)
{
    its_ae_episode *e;
    if (g->n_ep == g->cap_ep) {
        size_t cap = g->cap_ep ? 2 * g->cap_ep : 16;
        e = its__realloc(g->ep, cap * sizeof *e);
        if (!e)
            return -1;
        g->ep = e;
        g->cap_ep = cap;
    }
    e = &g->ep[g->n_ep];
    e->term = k;
    e->grade = grade;
    e->onset = t;
    e->worst_at = t;
    e->end = t;
    e->ongoing = 1;
    g->s[k].open = (long)g->n_ep++;
    return 0;
}

its_status its_ctcae_push(its_ctcae *g, double t, const double *obs, int *died)
{
    int k;
    if (died)
        *died = 0;
    if (!g || !obs)
        return ITS_EINVAL;
    g->err[0] = '\0';
    if (!isfinite(t) || (g->started && t < g->t_last)) {
        its__fmt(g->err, sizeof g->err, "time %g is not finite or before the last one (%g)",
                 t, g->t_last);
        return ITS_EINVAL;
    }
    for (k = 0; k < ITS_AE_NTERMS; k++) {
        term_state *s = &g->s[k];
        const its_ae_scale *sc = &g->o.scale[k];
        int i, grade = 0;
        if (s->idx < 0)
            continue;
        if (!g->started)
            s->v0 = obs[s->idx];
        for (i = 0; i < 5; i++) {
            if (beyond(sc, i, obs[s->idx], s->v0)) {
                if (isnan(s->since[i]))
                    s->since[i] = t;
                if (t - s->since[i] >= sc->persist[i] -
                                           its__time_tol(sc->persist[i], 0.0))
                    grade = i + 1;
            } else {
                s->since[i] = NAN;
            }
        }
        s->grade = grade;
        if (!g->started)
            s->baseline = grade;
        if (grade > s->worst)
            s->worst = grade;
        if (grade > s->baseline) {
            if (s->open < 0) {
                if (new_episode(g, (its_ae_term)k, t, grade) != 0) {
                    its__fmt(g->err, sizeof g->err, "out of memory for a new episode");
                    return ITS_ENOMEM;
                }
            } else if (grade > g->ep[s->open].grade) {
                g->ep[s->open].grade = grade;
                g->ep[s->open].worst_at = t;
            }
            g->ep[s->open].end = t;
        } else if (s->open >= 0) {
            g->ep[s->open].end = t;
            g->ep[s->open].ongoing = 0;
            s->open = -1;
        }
        if (grade == 5 && isnan(g->t_death)) {
            g->t_death = t;
            g->death_term = (its_ae_term)k;
            if (died)
                *died = 1;
        }
    }
    g->started = 1;
    g->t_last = t;
    return ITS_OK;
}

const char *its_ctcae_errmsg(const its_ctcae *g)
{
    return g ? g->err : "no grader";
}

void its_ctcae_end(its_ctcae *g)
{
    int k;
    if (!g)
        return;
    for (k = 0; k < ITS_AE_NTERMS; k++)
        if (g->s[k].open >= 0)
            g->ep[g->s[k].open].end = g->t_last;
}

int its_ctcae_grade(const its_ctcae *g, its_ae_term k)
{
    return g && (unsigned)k < ITS_AE_NTERMS && g->s[k].idx >= 0 ? g->s[k].grade : -1;
}

int its_ctcae_worst(const its_ctcae *g, its_ae_term k)
{
    return g && (unsigned)k < ITS_AE_NTERMS && g->s[k].idx >= 0 ? g->s[k].worst : -1;
}

int its_ctcae_baseline(const its_ctcae *g, its_ae_term k)
{
    return g && (unsigned)k < ITS_AE_NTERMS && g->s[k].idx >= 0 ? g->s[k].baseline : -1;
}

double its_ctcae_death_time(const its_ctcae *g)
{
    return g ? g->t_death : (double)NAN;
}

its_ae_term its_ctcae_death_term(const its_ctcae *g)
{
    return g && !isnan(g->t_death) ? g->death_term : ITS_AE_NTERMS;
}

size_t its_ctcae_episode_count(const its_ctcae *g)
{
    return g ? g->n_ep : 0;
}

its_status its_ctcae_get_episode(const its_ctcae *g, size_t i, its_ae_episode *e)
{
    if (!g || !e || i >= g->n_ep)
        return ITS_EINVAL;
    *e = g->ep[i];
    return ITS_OK;
}
