/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: a trial file (docs/trial.md, "Trial file"): the scenario part
 * (every scenario key but `arms`), `trial:` (its arms become the
 * scenario's), `population:` (parameters, covariates, lesions) and
 * `plausibility:`; the draw of one patient from it, a pure function of
 * (seed, patient, attempt) that allocates nothing; and the trial handle's
 * scenario-level public functions (itsim/trial.h). */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <string.h>

/* ---- what trial_file.c adds to a population --------------------------------- */

enum { CV_WEIGHT, CV_HEIGHT, CV_SEX, CV_AGE, CV_N };
/* name, unit, the patient_range entry (-1: none) */
static const struct {
    const char *name, *unit;
    int range;
} cov_info[CV_N] = {
    [CV_WEIGHT] = {"weight", "kg", PT_WEIGHT},
    [CV_HEIGHT] = {"height", "cm", PT_HEIGHT},
    [CV_SEX] = {"sex", "1", -1},
    [CV_AGE] = {"age", "y", PT_AGE},
};

#define MAX_SITES 32
#define MAX_STEMS 16   /* lesion states a draw sets (C and those with a non-zero default) */
#define MAX_MULT 14
#define LES_FIRST 16   /* lesion j's numbers start at LES_FIRST + LES_STRIDE j */
#define LES_STRIDE 16
#define MAX_LPAR 8     /* per-lesion parameter stems a draw multiplies */

typedef struct draw_spec {
    int has_cov[CV_N];
    its__dist cov[CV_N];
    int has_lesions;
    its__dist count;                 /* whole numbers in 1..8 */
    size_t n_sites;
    char site[MAX_SITES][32];
    its__dist site_d;                /* over 0..n_sites-1 */
    its__dist diam;                  /* mm */
    int has_burden;
    its__dist burden;                /* mm, sum of the diameters */
    size_t n_mult;
    int mult_node;         /* the multipliers' node (0: none), for messages */
    int mult_stem[MAX_MULT];         /* index into stem[] */
    its__dist mult[MAX_MULT];
    size_t n_lpar;                   /* population.lesions.parameters */
    char lpar[MAX_LPAR][24];         /* their stems ("access") */
    its__dist lpar_d[MAX_LPAR];
    int lpar_node[MAX_LPAR];         /* their keys' nodes, for messages */
    int lpar_idx[ITS__MAX_LESIONS][MAX_LPAR]; /* model index of STEM_k */
    double lpar_base[MAX_SITES][MAX_LPAR];    /* site value (or the default) of each stem */
    size_t n_stems;                  /* stem 0 is C */
    char stem[MAX_STEMS][24];
    double ratio[ITS__MAX_LESIONS][MAX_STEMS]; /* default S_k / default C_k */
    int idx[ITS__MAX_LESIONS + 1][ITS__MAX_LESIONS][MAX_STEMS]; /* [N][k][stem] state index */
    const its_model_def *variant[ITS__MAX_LESIONS + 1];
    double rho_to_per_ml;            /* rho in cell/mL = factor * rho in its unit */
    int rho_param;                   /* model index of rho */
    int rho_draw;                    /* its position among the population's draws, or -1 */
    double base_rho;                 /* the file's rho (parameters, parameter set) */
    size_t n_cov;                    /* covariates drawn */
    size_t n_values;
    char (*names)[48];               /* value names (owned) */
    const char **units;              /* value units (static or the model's) */
} draw_spec;

/* ---- small readers ----------------------------------------------------------- */

/* A list of names and their probabilities, {values: [a, b], probs: [p, q]}:
 * the names into names[] (at most max of under 32 bytes, no commas) and a
 * discrete distribution over their positions into d. */
static its_status read_names(const its__yctx *c, int node, const char *key, char (*names)[32],
                             size_t max, size_t *n, its__dist *d)
{
    static const char *const keys[2] = {"values", "probs"};
    char sub[320], why[512];
    double val[MAX_SITES], prob[MAX_SITES];
    int at[2], vals, probs;
    size_t i, np;
    its_status st;
    if ((st = its__yc_keys(c, node, key, keys, 2, at)) != ITS_OK)
        return st;
    vals = at[0];
    probs = at[1];
    if (!vals || !probs)
        return its__yc_fail(c, ITS_EPARSE, node, key, "missing key '%s'", vals ? "probs" : "values");
    its__fmt(sub, sizeof sub, "%s.values", key);
    if ((st = its__yc_expect(c, vals, ITS__Y_SEQUENCE, sub)) != ITS_OK)
        return st;
    *n = its__ynode_size(c->doc, vals);
    if (*n == 0 || *n > max)
        return its__yc_fail(c, ITS_EPARSE, vals, sub, "give 1 to %zu names", max);
    its__fmt(sub, sizeof sub, "%s.probs", key);
    if ((st = its__yc_expect(c, probs, ITS__Y_SEQUENCE, sub)) != ITS_OK)
        return st;
    np = its__ynode_size(c->doc, probs);
    if (np != *n)
        return its__yc_fail(c, ITS_EPARSE, probs, sub, "%zu probabilities for %zu values", np, *n);
    for (i = 0; i < *n; i++) {
        int item = its__ynode_item(c->doc, vals, i);
        const char *s;
        its__fmt(sub, sizeof sub, "%s.values[%zu]", key, i + 1);
        if (!(s = its__yc_text(c, item, sub, &st)))
            return st;
        if (!*s || strlen(s) >= 32 || strchr(s, ','))
            return its__yc_fail(c, ITS_EPARSE, item, sub,
                                "a name of 1 to 31 characters without commas");
        memcpy(names[i], s, strlen(s) + 1);
        val[i] = (double)i;
        its__fmt(sub, sizeof sub, "%s.probs[%zu]", key, i + 1);
        if ((st = its__yc_quantity(c, its__ynode_item(c->doc, probs, i), sub, "1", &prob[i])))
            return st;
    }
    why[0] = '\0';
    st = its__dist_discrete(d, *n, val, prob, why, sizeof why);
    if (st == ITS_ENOMEM)
        return its__yc_nomem(c);
    return st == ITS_OK ? ITS_OK : its__yc_fail(c, ITS_ERANGE, node, key, "%s", why);
}

/* The value node of key `name` in the mapping at node, or 0. */
static int child(const its__ydoc *doc, int node, const char *name)
{
    size_t i;
    int k, v;
    for (i = 0; i < its__ynode_size(doc, node); i++) {
        const char *s;
        its__ynode_pair(doc, node, i, &k, &v);
        s = its__ynode_scalar(doc, k, NULL);
        if (s && strcmp(s, name) == 0)
            return v;
    }
    return 0;
}

/* covariates: {weight: DIST, height: DIST, sex: DIST or names, age: DIST} */
static its_status read_covariates(const its__yctx *c, int node, draw_spec *ds)
{
    const char *key = "population.covariates";
    char sub[300], sexes[MAX_SITES][32];
    size_t i, j, n;
    int k, v;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    for (i = 0; i < its__ynode_size(c->doc, node); i++) {
        const char *name = its__yc_pair(c, node, i, key, &k, &v, sub, &st);
        if (!name)
            return st;
        for (j = 0; j < CV_N && strcmp(name, cov_info[j].name) != 0; j++)
            ;
        if (j == CV_N)
            return its__yc_fail(c, ITS_EPARSE, k, sub,
                                "unknown covariate (expected one of: weight, height, sex, age)");
        if (ds->has_cov[j])
            return its__yc_fail(c, ITS_EPARSE, k, sub, "duplicate key");
        if (j == CV_SEX && its__ynode_kind(c->doc, v) == ITS__Y_MAPPING && !child(c->doc, v, "dist")) {
            st = read_names(c, v, sub, sexes, 2, &n, &ds->cov[j]);
            if (st == ITS_OK && (strcmp(sexes[0], "female") != 0 ||
                                 (n == 2 && strcmp(sexes[1], "male") != 0)))
                st = its__yc_fail(c, ITS_EPARSE, v, sub,
                                  "the categories are [female, male] (in that order)");
        } else {
            st = its__yc_dist(c, v, sub, cov_info[j].unit, &ds->cov[j]);
            for (n = 0; st == ITS_OK && j == CV_SEX && n < ds->cov[j].n; n++)
                if (ds->cov[j].kind != ITS__DIST_DISCRETE ||
                    (ds->cov[j].values[n] != 0.0 && ds->cov[j].values[n] != 1.0))
                    st = its__yc_fail(c, ITS_EPARSE, v, sub,
                                      "sex is discrete over 0 (female) and 1 (male)");
            if (st == ITS_OK && j == CV_SEX && ds->cov[j].kind != ITS__DIST_DISCRETE)
                st = its__yc_fail(c, ITS_EPARSE, v, sub,
                                  "sex is discrete over 0 (female) and 1 (male)");
        }
        ds->has_cov[j] = 1; /* its distribution is filled or empty: cleared either way */
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* The lesion states of m's family: stem 0 "C", then each state S_1 of
 * tme:1 with a non-zero default in C_1's unit (cells scale with C_k;
 * shares and concentrations keep their defaults); their indices in every variant and the
 * ratio of their defaults to C_k's (from the largest variant). */
static its_status lesion_states(const its__yctx *c, int node, draw_spec *ds)
{
    char name[64], fam[64];
    const its_model_def *v1, *vmax;
    const char *cu;
    size_t nv = its_model_variants(c->m), i, k, s, nfam = strcspn(c->m->name, ":");
    if (nv == 0 || nv > ITS__MAX_LESIONS)
        return its__yc_fail(c, ITS_EPARSE, node, "population.lesions",
                            "the model %s has no lesion variants (NAME:1 to NAME:N)", c->m->name);
    its__fmt(fam, sizeof fam, "%.*s", (int)nfam, c->m->name);
    for (i = 1; i <= nv; i++) {
        its__fmt(name, sizeof name, "%s:%zu", fam, i);
        ds->variant[i] = its_model_find(name);
        /* the population's parameter indices hold in every variant */
        if (!ds->variant[i] || ds->variant[i]->n_params != c->m->n_params ||
            ds->variant[i]->params != c->m->params)
            return its__yc_fail(c, ITS_EPARSE, node, "population.lesions",
                                "the variants of %s differ in their parameters", fam);
    }
    v1 = ds->variant[1];
    vmax = ds->variant[nv];
    i = (size_t)its_model_state_index(v1, "C_1");
    cu = i < v1->n_states ? v1->states[i].unit : "cell";
    memcpy(ds->stem[0], "C", 2);
    ds->n_stems = 1;
    for (i = 0; i < v1->n_states; i++) {
        size_t len = strlen(v1->states[i].name);
        if (len < 3 || len > 20 || strcmp(v1->states[i].name + len - 2, "_1") != 0 ||
            v1->states[i].initial == 0.0 || strcmp(v1->states[i].name, "C_1") == 0 ||
            strcmp(v1->states[i].unit, cu) != 0)
            continue;
        if (ds->n_stems == MAX_STEMS)
            break;
        its__fmt(ds->stem[ds->n_stems], 24, "%.*s", (int)(len - 2), v1->states[i].name);
        its__fmt(name, sizeof name, "%s_%zu", ds->stem[ds->n_stems], nv);
        if (its_model_state_index(vmax, name) >= 0)
            ds->n_stems++;
    }
    for (i = 1; i <= nv; i++)
        for (k = 0; k < i; k++)
            for (s = 0; s < ds->n_stems; s++) {
                its__fmt(name, sizeof name, "%s_%zu", ds->stem[s], k + 1);
                ds->idx[i][k][s] = its_model_state_index(ds->variant[i], name);
                if (ds->idx[i][k][s] < 0)
                    return its__yc_fail(c, ITS_EPARSE, node, "population.lesions",
                                        "model %s has no state %s", ds->variant[i]->name, name);
            }
    for (k = 0; k < nv; k++) {
        double c0 = vmax->states[ds->idx[nv][k][0]].initial;
        for (s = 0; s < ds->n_stems; s++)
            ds->ratio[k][s] = c0 > 0.0 ? vmax->states[ds->idx[nv][k][s]].initial / c0 : 0.0;
    }
    return ITS_OK;
}

/* The diameter-to-cells relation of the model's lesion diameter observable
 * (tme: d = 10 cbrt(6 C / (pi rho)) mm, rho in cell/mL): rho's index and
 * unit factor. */
static its_status lesion_rho(const its__yctx *c, int node, draw_spec *ds)
{
    double f = 0.0;
    ds->rho_param = its_model_param_index(c->m, "rho");
    if (ds->rho_param < 0 ||
        its_model_observable_index_by_role(c->m, ITS_OBS_LESION_DIAMETER) < 0 ||
        its_unit_convert(1.0, c->m->params[ds->rho_param].unit, "cell/mL", &f, NULL, 0) != ITS_OK)
        return its__yc_fail(c, ITS_EPARSE, node, "population.lesions",
                            "the model %s has no lesion diameter observable with a tumour cell "
                            "density rho (cell/mL)", c->m->name);
    ds->rho_to_per_ml = f;
    return ITS_OK;
}

/* count: a discrete (or fixed) number of lesions among 1..variants. */
static its_status check_count(const its__yctx *c, int node, const draw_spec *ds)
{
    size_t nv = its_model_variants(c->m), i;
    const its__dist *d = &ds->count;
    const double *x = d->kind == ITS__DIST_FIXED ? d->p : d->values;
    size_t n = d->kind == ITS__DIST_FIXED ? 1 : d->n;
    if (d->kind != ITS__DIST_FIXED && d->kind != ITS__DIST_DISCRETE)
        return its__yc_fail(c, ITS_EPARSE, node, "population.lesions.count",
                            "the number of lesions is drawn from a discrete (or fixed) "
                            "distribution");
    for (i = 0; i < n; i++)
        if (!(x[i] >= 1.0 && x[i] <= (double)nv && x[i] == floor(x[i])))
            return its__yc_fail(c, ITS_ERANGE, node, "population.lesions.count",
                                "%g lesions: the model %s has variants of 1 to %zu lesions",
                                x[i], c->m->name, nv);
    return ITS_OK;
}

/* multipliers: {STATE: DIST, ...} of lesion states with a derived value. */
static its_status read_multipliers(const its__yctx *c, int node, draw_spec *ds)
{
    const char *key = "population.lesions.multipliers";
    char sub[300];
    size_t i, s;
    int k, v;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    for (i = 0; i < its__ynode_size(c->doc, node); i++) {
        const char *name = its__yc_pair(c, node, i, key, &k, &v, sub, &st);
        if (!name)
            return st;
        for (s = 1; s < ds->n_stems && strcmp(ds->stem[s], name) != 0; s++)
            ;
        if (s == ds->n_stems || ds->n_mult == MAX_MULT)
            return its__yc_fail(c, ITS_ENOTFOUND, k, sub,
                                "not a lesion state with a derived initial value (C comes "
                                "from the diameter; multipliers apply to e.g. K)");
        for (size_t q = 0; q < ds->n_mult; q++)
            if (ds->mult_stem[q] == (int)s)
                return its__yc_fail(c, ITS_EPARSE, k, sub, "duplicate key");
        ds->mult_stem[ds->n_mult] = (int)s;
        st = its__yc_dist(c, v, sub, "1", &ds->mult[ds->n_mult]);
        ds->n_mult++;
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* The value each site gives lesion 1's parameter idx (STEM_1), through
 * the model's own site mechanism (its_model_apply_site) on its default
 * parameters: the site's value, or the default when the site sets none
 * (or the name is no site of the model). Into base[j][q] for site j. */
static its_status site_bases(const its__yctx *c, draw_spec *ds, size_t q, int idx)
{
    double *p = its__calloc(c->m->n_params + 1, sizeof *p);
    size_t j;
    if (!p)
        return its__yc_nomem(c);
    for (j = 0; j < ds->n_sites; j++) {
        int k = its_model_site_index(c->m, ds->site[j]);
        (void)its_model_default_params(c->m, p, NULL, 0);
        if (k >= 0)
            (void)its_model_apply_site(c->m, (size_t)k, 1, p, NULL, 0);
        ds->lpar_base[j][q] = p[idx];
    }
    its__free(p);
    return ITS_OK;
}

/* parameters: {STEM: DIST, ...}: multipliers of per-lesion parameters
 * STEM_k, drawn lesion by lesion, on the value of the lesion's site. */
static its_status read_lesion_params(const its__yctx *c, int node, draw_spec *ds)
{
    const char *key = "population.lesions.parameters";
    char sub[300], name[64];
    size_t i, j, q, nv = its_model_variants(c->m);
    int k, v;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    for (i = 0; i < its__ynode_size(c->doc, node); i++) {
        const char *stem = its__yc_pair(c, node, i, key, &k, &v, sub, &st);
        if (!stem)
            return st;
        if (ds->n_lpar == MAX_LPAR || strlen(stem) >= sizeof ds->lpar[0])
            return its__yc_fail(c, ITS_ERANGE, k, sub, "at most %d per-lesion parameters "
                                "with names under 24 characters", MAX_LPAR);
        for (q = 0; q < ds->n_lpar; q++)
            if (strcmp(ds->lpar[q], stem) == 0)
                return its__yc_fail(c, ITS_EPARSE, k, sub, "duplicate key");
        for (j = 0; j < nv; j++) {
            its__fmt(name, sizeof name, "%s_%zu", stem, j + 1);
            ds->lpar_idx[j][ds->n_lpar] = its_model_param_index(c->m, name);
            if (ds->lpar_idx[j][ds->n_lpar] < 0)
                return its__yc_fail(c, ITS_ENOTFOUND, k, sub,
                                    "not a per-lesion parameter of model %s (no parameter %s)",
                                    c->m->name, name);
        }
        memcpy(ds->lpar[ds->n_lpar], stem, strlen(stem) + 1);
        ds->lpar_node[ds->n_lpar] = k;
        if ((st = site_bases(c, ds, ds->n_lpar, ds->lpar_idx[0][ds->n_lpar])) != ITS_OK)
            return st;
        st = its__yc_dist(c, v, sub, "1", &ds->lpar_d[ds->n_lpar]);
        ds->n_lpar++;
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* With a model that has organ sites, every site name must be one of them. */
static its_status check_sites(const its__yctx *c, int node, const draw_spec *ds)
{
    char names[512];
    size_t j;
    for (j = 0; c->m->n_sites > 0 && j < ds->n_sites; j++)
        if (its_model_site_index(c->m, ds->site[j]) < 0) {
            its_model_site_names(c->m, names, sizeof names);
            return its__yc_fail(c, ITS_ENOTFOUND, node, "population.lesions.sites",
                                "'%s' is not an organ site of model %s (sites: %s)",
                                ds->site[j], c->m->name, names);
        }
    return ITS_OK;
}

/* lesions: {count, sites, diameter, burden, multipliers, parameters} */
static its_status read_lesions(const its__yctx *c, int node, draw_spec *ds)
{
    static const char *const keys[] = {"count", "sites", "diameter", "burden", "multipliers",
                                       "parameters"};
    const char *key = "population.lesions";
    int at[6], j;
    its_status st;
    if ((st = its__yc_keys(c, node, key, keys, 6, at)) != ITS_OK)
        return st;
    for (j = 0; j < 3; j++)
        if (!at[j])
            return its__yc_fail(c, ITS_EPARSE, node, key, "missing key '%s'", keys[j]);
    ds->has_lesions = 1;
    if ((st = lesion_states(c, node, ds)) != ITS_OK || (st = lesion_rho(c, node, ds)) != ITS_OK ||
        (st = its__yc_dist(c, at[0], "population.lesions.count", "1", &ds->count)) != ITS_OK ||
        (st = check_count(c, at[0], ds)) != ITS_OK ||
        (st = read_names(c, at[1], "population.lesions.sites", ds->site, MAX_SITES, &ds->n_sites,
                         &ds->site_d)) != ITS_OK ||
        (st = check_sites(c, at[1], ds)) != ITS_OK ||
        (st = its__yc_dist(c, at[2], "population.lesions.diameter", "mm", &ds->diam)) != ITS_OK)
        return st;
    if (at[3]) {
        ds->has_burden = 1;
        if ((st = its__yc_dist(c, at[3], "population.lesions.burden", "mm", &ds->burden)))
            return st;
    }
    ds->mult_node = at[4];
    if (at[4] && (st = read_multipliers(c, at[4], ds)) != ITS_OK)
        return st;
    return at[5] ? read_lesion_params(c, at[5], ds) : ITS_OK;
}

static void spec_free(draw_spec *ds)
{
    size_t i;
    if (!ds)
        return;
    for (i = 0; i < CV_N; i++)
        its__dist_clear(&ds->cov[i]);
    its__dist_clear(&ds->count);
    its__dist_clear(&ds->site_d);
    its__dist_clear(&ds->diam);
    its__dist_clear(&ds->burden);
    for (i = 0; i < ds->n_mult; i++)
        its__dist_clear(&ds->mult[i]);
    for (i = 0; i < ds->n_lpar; i++)
        its__dist_clear(&ds->lpar_d[i]);
    its__free(ds->names);
    its__free(ds->units);
    its__free(ds);
}

/* ---- the values a draw stores ---------------------------------------------------
 * parameters (draw order), covariates given, n_lesions, then for lesion
 * k = 1..N (N the most lesions the count allows): lesion_k_diameter_mm,
 * lesion_k_site, lesion_k_S per multiplier, lesion_k_STEM per per-lesion
 * parameter (its drawn value, site value times multiplier); then
 * lesion_burden_mm. */

static size_t max_lesions(const draw_spec *ds)
{
    size_t i, n = 0;
    if (!ds->has_lesions)
        return 0;
    if (ds->count.kind == ITS__DIST_FIXED)
        return (size_t)ds->count.p[0];
    for (i = 0; i < ds->count.n; i++)
        if ((size_t)ds->count.values[i] > n)
            n = (size_t)ds->count.values[i];
    return n;
}

/* A per-lesion parameter drawn both by population.parameters (an absolute
 * value, e.g. access_1) and by population.lesions.parameters (a factor on
 * the site's value) would have one draw silently replace the other. */
static its_status check_lesion_params(const its__yctx *c, const its_trial *t,
                                      const draw_spec *ds)
{
    size_t q, j, i, np = its__population_size(t->pop), nv = its_model_variants(c->m);
    for (q = 0; q < ds->n_lpar; q++)
        for (j = 0; j < nv; j++)
            for (i = 0; i < np; i++)
                if (its__population_param(t->pop, i) == ds->lpar_idx[j][q])
                    return its__yc_fail(c, ITS_EPARSE, ds->lpar_node[q],
                                        "population.lesions.parameters",
                                        "'%s' is drawn here for every lesion, and %s also in "
                                        "population.parameters: draw it in one place",
                                        ds->lpar[q], c->m->params[ds->lpar_idx[j][q]].name);
    return ITS_OK;
}

static its_status name_values(const its__yctx *c, its_trial *t, draw_spec *ds)
{
    size_t np = its__population_size(t->pop), nl = max_lesions(ds), i, j, n = 0, k, q;
    ds->n_values = np + CV_N + (ds->has_lesions ? 2 + nl * (2 + ds->n_mult + ds->n_lpar) : 0);
    ds->names = its__calloc(ds->n_values + 1, sizeof *ds->names);
    ds->units = its__calloc(ds->n_values + 1, sizeof *ds->units);
    if (!ds->names || !ds->units)
        return its__yc_nomem(c);
    for (i = 0; i < np; i++, n++) {
        const its_param_def *pd = &c->m->params[its__population_param(t->pop, i)];
        its__fmt(ds->names[n], 48, "%s", pd->name);
        ds->units[n] = pd->unit;
    }
    for (i = 0; i < CV_N; i++)
        if (ds->has_cov[i]) {
            its__fmt(ds->names[n], 48, "%s", cov_info[i].name);
            ds->units[n++] = cov_info[i].unit;
            ds->n_cov++;
        }
    if (ds->has_lesions) {
        its__fmt(ds->names[n], 48, "%s", "n_lesions");
        ds->units[n++] = "1";
        for (k = 1; k <= nl; k++) {
            its__fmt(ds->names[n], 48, "lesion_%zu_diameter_mm", k);
            ds->units[n++] = "mm";
            its__fmt(ds->names[n], 48, "lesion_%zu_site", k);
            ds->units[n++] = "1";
            for (q = 0; q < ds->n_mult; q++) {
                its__fmt(ds->names[n], 48, "lesion_%zu_%s", k, ds->stem[ds->mult_stem[q]]);
                ds->units[n++] = "1";
            }
            for (q = 0; q < ds->n_lpar; q++) {
                its__fmt(ds->names[n], 48, "lesion_%zu_%s", k, ds->lpar[q]);
                ds->units[n++] = "1";
            }
        }
        its__fmt(ds->names[n], 48, "%s", "lesion_burden_mm");
        ds->units[n++] = "mm";
    }
    ds->n_values = n;
    for (i = 0; i < n; i++) /* a parameter named like a covariate or lesion value */
        for (j = 0; j < i; j++)
            if (strcmp(ds->names[i], ds->names[j]) == 0)
                return its__yc_fail(c, ITS_EPARSE, 0, "population",
                                    "two drawn values named '%s'", ds->names[i]);
    return ITS_OK;
}

/* ---- plausibility: {baseline: {OBS: [lo, hi]}, doubling_time: {range: [lo, hi],
 * window: T}, max_draws: N} ------------------------------------------------------ */

/* [lo, hi] at node in unit into r (key r->key). */
static its_status read_range(const its__yctx *c, int node, const char *unit, its__plaus_range *r)
{
    char sub[140];
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, r->key)) != ITS_OK)
        return st;
    if (its__ynode_size(c->doc, node) != 2)
        return its__yc_fail(c, ITS_EPARSE, node, r->key, "expected [low, high]");
    its__fmt(sub, sizeof sub, "%s[1]", r->key);
    if ((st = its__yc_quantity(c, its__ynode_item(c->doc, node, 0), sub, unit, &r->lo)))
        return st;
    its__fmt(sub, sizeof sub, "%s[2]", r->key);
    if ((st = its__yc_quantity(c, its__ynode_item(c->doc, node, 1), sub, unit, &r->hi)))
        return st;
    if (!(r->lo <= r->hi))
        return its__yc_fail(c, ITS_ERANGE, node, r->key, "low (%g) must be <= high (%g) %s",
                            r->lo, r->hi, unit);
    its__ynode_pos(c->doc, node, &r->line, &r->col);
    return ITS_OK;
}

static its_status read_baseline(const its__yctx *c, int node, its__plausibility *pl)
{
    char sub[300];
    size_t i;
    int k, v, o;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, "plausibility.baseline")) != ITS_OK)
        return st;
    for (i = 0; i < its__ynode_size(c->doc, node); i++) {
        its__plaus_range *r = &pl->ranges[pl->n];
        const char *name = its__yc_pair(c, node, i, "plausibility.baseline", &k, &v, sub, &st);
        if (!name)
            return st;
        if ((o = its_model_observable_index(c->m, name)) < 0)
            return its__yc_fail(c, ITS_ENOTFOUND, k, sub, "'%s' is not an observable of %s "
                                "(`itsim model %s`)", name, c->m->name, c->m->name);
        if (strlen(name) >= sizeof r->name)
            return its__yc_fail(c, ITS_EPARSE, k, sub, "name too long");
        r->kind = ITS__PLAUS_BASELINE;
        its__fmt(r->name, sizeof r->name, "%s", name);
        its__fmt(r->key, sizeof r->key, "%.95s", sub);
        if ((st = read_range(c, v, c->m->observables[o].unit, r)) != ITS_OK)
            return st;
        pl->n++;
    }
    return ITS_OK;
}

static its_status read_doubling(const its__yctx *c, int node, its__plausibility *pl)
{
    static const char *const keys[2] = {"range", "window"};
    const char *key = "plausibility.doubling_time";
    its__plaus_range *r = &pl->ranges[pl->n];
    char sub[300];
    int at[2], range, window, o;
    its_status st;
    if ((st = its__yc_keys(c, node, key, keys, 2, at)) != ITS_OK)
        return st;
    range = at[0];
    window = at[1];
    if (!range || !window)
        return its__yc_fail(c, ITS_EPARSE, node, key, "missing key '%s'", range ? "window" : "range");
    if ((o = its_model_observable_index_by_role(c->m, ITS_OBS_TUMOUR_BURDEN)) < 0)
        return its__yc_fail(c, ITS_EPARSE, node, key, "the model %s has no tumour burden "
                            "observable", c->m->name);
    r->kind = ITS__PLAUS_DOUBLING;
    its__fmt(r->name, sizeof r->name, "%s", c->m->observables[o].name);
    its__fmt(r->key, sizeof r->key, "%s.range", key);
    if ((st = read_range(c, range, c->m->time_unit, r)) != ITS_OK)
        return st;
    if (!(r->lo > 0.0))
        return its__yc_fail(c, ITS_ERANGE, range, r->key, "a doubling time is > 0");
    its__fmt(sub, sizeof sub, "%s.window", key);
    if ((st = its__yc_quantity(c, window, sub, c->m->time_unit, &pl->window)) != ITS_OK)
        return st;
    if (!(pl->window > 0.0))
        return its__yc_fail(c, ITS_ERANGE, window, sub, "the window must be > 0");
    pl->n++;
    return ITS_OK;
}

static its_status read_plausibility(const its__yctx *c, int node, its__plausibility *pl)
{
    static const char *const keys[3] = {"baseline", "doubling_time", "max_draws"};
    int at[3], base, dbl, maxd;
    size_t n;
    double x;
    its_status st;
    pl->max_draws = 1000;
    if ((st = its__yc_keys(c, node, "plausibility", keys, 3, at)) != ITS_OK)
        return st;
    base = at[0];
    dbl = at[1];
    maxd = at[2];
    n = (base ? its__ynode_size(c->doc, base) : 0) + (dbl ? 1 : 0);
    pl->ranges = its__calloc(n + 1, sizeof *pl->ranges);
    if (!pl->ranges)
        return its__yc_nomem(c);
    if ((base && (st = read_baseline(c, base, pl)) != ITS_OK) ||
        (dbl && (st = read_doubling(c, dbl, pl)) != ITS_OK))
        return st;
    if (maxd) {
        if ((st = its__yc_quantity(c, maxd, "plausibility.max_draws", "1", &x)) != ITS_OK)
            return st;
        if (!(x >= 1.0 && x <= 1e6 && x == floor(x)))
            return its__yc_fail(c, ITS_ERANGE, maxd, "plausibility.max_draws",
                                "a whole number in [1, 1000000]");
        pl->max_draws = (uint32_t)x;
    }
    return ITS_OK;
}

/* ---- loading ----------------------------------------------------------------- */

/* The root's trial sections: sec[0] trial, [1] population, [2] plausibility,
 * [3] calibration. */
static its_status find_sections(const its__yctx *c, int *sec)
{
    static const char *const names[4] = {"trial", "population", "plausibility", "calibration"};
    int root = its__ydoc_root(c->doc), k, v, j;
    size_t i;
    sec[0] = sec[1] = sec[2] = sec[3] = 0;
    for (i = 0; i < its__ynode_size(c->doc, root); i++) {
        const char *s;
        its__ynode_pair(c->doc, root, i, &k, &v);
        s = its__ynode_scalar(c->doc, k, NULL);
        for (j = 0; s && j < 4; j++)
            if (strcmp(s, names[j]) == 0) {
                if (sec[j])
                    return its__yc_fail(c, ITS_EPARSE, k, names[j], "duplicate key");
                sec[j] = v;
            }
    }
    if (!sec[0])
        return its__yc_fail(c, ITS_EPARSE, root, "trial",
                            "missing key 'trial' (a trial file has trial: {name, seed, patients, "
                            "horizon, arms})");
    return ITS_OK;
}

/* An `initial:` entry for a lesion state the draw sets is refused. */
static its_status check_initial(const its__yctx *c, const its_scenario *sc, const draw_spec *ds)
{
    size_t i, s;
    for (i = 0; ds->has_lesions && i < sc->n_initial; i++) {
        const char *n = sc->initial[i].key.text;
        for (s = 0; s < ds->n_stems; s++) {
            size_t len = strlen(ds->stem[s]);
            if (strncmp(n, ds->stem[s], len) == 0 && n[len] == '_' && n[len + 1] >= '1' &&
                n[len + 1] <= '8' && n[len + 2] == '\0') {
                if (c->msg && c->msglen)
                    its__fmt(c->msg, c->msglen, "%s:%d:%d: initial.%s: the lesions drawn by "
                             "population.lesions set this state", c->file, sc->initial[i].key.line,
                             sc->initial[i].key.col, n);
                return ITS_EPARSE;
            }
        }
    }
    return ITS_OK;
}

/* The scenario part: read as a scenario from the same document. */
static its_status load_scenario(its_trial *t, const its__ydoc *doc, const its__loader *ld,
                                char *msg, size_t msglen)
{
    its_status st = its_scenario_create(&t->sc, NULL, 0);
    if (st != ITS_OK)
        return st;
    t->sc->trial_file = 1;
    if (!(t->sc->name = its__strdup(t->name)))
        return ITS_ENOMEM;
    st = its__scenario_load_doc(t->sc, doc, ld);
    if (st != ITS_OK) {
        its__fmt(msg, msglen, "%s", t->sc->err);
        return st;
    }
    if (!t->sc->model.text) {
        its__fmt(msg, msglen, "%s: model: missing: name the model with 'model: NAME'", t->name);
        return ITS_EPARSE;
    }
    t->model = its_model_find(t->sc->model.text);
    if (!t->model)
        return ITS_ENOTFOUND;
    /* trials integrate at rtol 1e-6 unless the file says otherwise: the
     * clinical read-outs of the default comparison are identical from rtol
     * 1e-10 to 1e-6 (docs/trial.md, "Tolerance") */
    if (!t->sc->sim[S_RTOL].text &&
        (st = its_scenario_override(t->sc, "simulate.rtol=" ITS__TRIAL_RTOL)) != ITS_OK) {
        its__fmt(msg, msglen, "%s", t->sc->err);
        return st;
    }
    return ITS_OK;
}

/* The population's extra sections and what the draws need of the file. */
/* The covariates and lesions of the population at popnode (c), each
 * taken from the population it comes from (src at srcnode, may be NULL)
 * unless the trial gives its own. */
static its_status load_draws(its_trial *t, const its__yctx *c, int popnode,
                             const its__yctx *src, int srcnode)
{
    int params, corrs, cov = 0, les = 0, samp = 0, scov = 0, sles = 0;
    const its__yctx *ccov = c, *cles = c;
    draw_spec *ds = its__calloc(1, sizeof *ds);
    its__plan plan;
    its_status st;
    if (!ds)
        return its__yc_nomem(c);
    t->draw_spec = ds;
    ds->rho_draw = -1;
    if (popnode && (st = its__population_keys(c, popnode, &params, &corrs, &cov, &les, &samp)))
        return st;
    if (src && srcnode &&
        (st = its__population_keys(src, srcnode, &params, &corrs, &scov, &sles, &samp)))
        return st;
    if (!cov && scov) {
        cov = scov;
        ccov = src;
    }
    if (!les && sles) {
        les = sles;
        cles = src;
    }
    if ((cov && (st = read_covariates(ccov, cov, ds)) != ITS_OK) ||
        (les && (st = read_lesions(cles, les, ds)) != ITS_OK))
        return st;
    if (ds->n_mult > 0 && its__scenario_history_on(t->sc, t->model))
        return its__yc_fail(cles, ITS_EPARSE, ds->mult_node, "population.lesions.multipliers",
                            "model %s grows each lesion's states in its pre-treatment history "
                            "(only the lesion sizes are its targets): multipliers have no "
                            "effect; remove them or set simulate: {history: false}",
                            t->model->name);
    if ((st = check_initial(c, t->sc, ds)) != ITS_OK ||
        (st = check_lesion_params(cles, t, ds)) != ITS_OK || (st = name_values(c, t, ds)) != ITS_OK)
        return st;
    if (!ds->has_lesions)
        return ITS_OK;
    for (size_t i = 0; i < its__population_size(t->pop); i++)
        if (its__population_param(t->pop, i) == ds->rho_param)
            ds->rho_draw = (int)i;
    st = its__sc_resolve(t->sc, 0, &plan); /* the file's rho (parameters, parameter set) */
    if (st == ITS_OK)
        ds->base_rho = plan.params[ds->rho_param];
    its__plan_clear(&plan);
    if (st == ITS_ENOMEM)
        return its__yc_nomem(c);
    return st;
}

/* population.from: PATH (relative to the trial file's directory): read and
 * parse it into t->pop_doc, set c2 up for it and find its population
 * (src[0], required) and plausibility (src[1]) sections; its FNV-1a hash
 * joins the trial's identity (editing it makes another trial). */
static its_status load_from(its_trial *t, const its__yctx *c, int from, const its__loader *ld,
                            its__yctx *c2, int *src)
{
    const char *rel;
    char path[4096], why[512], *buf = NULL;
    size_t len = 0;
    int line = 0, col = 0, sec[3];
    its_status st = ITS_OK;
    uint64_t h = 1469598103934665603ull;
    if (!(rel = its__yc_text(c, from, "population.from", &st)))
        return st;
    its__sc_relative_path(t->name, rel, path, sizeof path);
    if (!(t->pop_file = its__strdup(path)))
        return its__yc_nomem(c);
    if ((st = ld->read_file(path, &buf, &len, why, sizeof why)) != ITS_OK)
        return its__yc_fail(c, st, from, "population.from", "%s", why);
    st = ld->parse(buf, len, &t->pop_doc, why, sizeof why, &line, &col);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)buf[i]) * 1099511628211ull;
    its__free(buf);
    if (st != ITS_OK) {
        if (c->msg && c->msglen)
            its__fmt(c->msg, c->msglen, "%s:%d:%d: population: %s", path, line, col, why);
        return st;
    }
    if ((st = its__yc_begin(c2, t->pop_doc, t->model, t->pop_file, c->msg, c->msglen, 1,
                            "population.from")) != ITS_OK)
        return st;
    sec[1] = its__ynode_get(t->pop_doc, its__ydoc_root(t->pop_doc), "population");
    sec[2] = its__ynode_get(t->pop_doc, its__ydoc_root(t->pop_doc), "plausibility");
    if (!sec[1])
        return its__yc_fail(c, ITS_EPARSE, from, "population.from",
                            "%s has no population: section", path);
    src[0] = sec[1];
    src[1] = sec[2];
    if (!(t->identity_extra = its__malloc(strlen(path) + 64)))
        return its__yc_nomem(c);
    its__fmt(t->identity_extra, strlen(path) + 64, "# population from %s: %016llx\n", path,
             (unsigned long long)h);
    return ITS_OK;
}

static its_status load_sections(its_trial *t, const its__ydoc *doc, const its__loader *ld,
                                char *msg, size_t msglen)
{
    its__yctx c, c2;
    int sec[4], src[2] = {0, 0}; /* population.from: its population and plausibility */
    its_status st = load_scenario(t, doc, ld, msg, msglen);
    if (st != ITS_OK)
        return st;
    if ((st = its__yc_begin(&c, doc, t->model, t->name, msg, msglen, 1, "trial")) != ITS_OK ||
        (st = find_sections(&c, sec)) != ITS_OK ||
        (st = its__trial_read(doc, sec[0], t->model, t->name, &t->spec, msg, msglen)) != ITS_OK)
        return st;
    if (sec[1] && its__population_from(doc, sec[1]) &&
        (st = load_from(t, &c, its__population_from(doc, sec[1]), ld, &c2, src)) != ITS_OK)
        return st;
    if (sec[1] && !t->pop_doc &&
        (st = its__population_read(doc, sec[1], t->model, t->name, &t->pop, msg, msglen)) != ITS_OK)
        return st;
    if (t->pop_doc &&
        ((st = its__population_read(t->pop_doc, src[0], t->model, t->pop_file, &t->pop, msg,
                                    msglen)) != ITS_OK ||
         (st = its__population_override(t->pop, doc, sec[1], t->model, t->name, msg, msglen)) !=
             ITS_OK))
        return st;
    its__population_set_patients(t->pop, (uint64_t)t->spec->patients);
    if (t->spec->n_strata && !(t->strata_index = its__calloc(t->spec->n_strata,
                                                            sizeof *t->strata_index)))
        return its__yc_nomem(&c);
    if (t->spec->n_strata && (st = its__trial_strata(t->spec, t->pop, t->model, t->name,
                                                     t->strata_index, msg, msglen)) != ITS_OK)
        return st;
    if ((st = load_draws(t, &c, sec[1], t->pop_doc ? &c2 : NULL, src[0])) != ITS_OK)
        return st;
    if (sec[2] && (st = read_plausibility(&c, sec[2], &t->plaus)) != ITS_OK)
        return st;
    if (!sec[2] && src[1] && (st = read_plausibility(&c2, src[1], &t->plaus)) != ITS_OK)
        return st;
    if (sec[3] && (st = its__calib_read(doc, sec[3], t->model, t->name, t->pop, t->sc,
                                        t->spec->patients, &t->calib, msg, msglen)) != ITS_OK)
        return st;
    return ITS_OK;
}

its_status its__trial_load_text(const char *text, size_t len, const char *name,
                                const its__loader *ld, its_trial **out, char *msg,
                                size_t msglen)
{
    its__ydoc *doc = NULL;
    its_trial *t;
    int line = 0, col = 0;
    char why[512];
    its_status st;
    if (msg && msglen)
        msg[0] = '\0';
    if (out)
        *out = NULL;
    if (!text || !ld || !out) {
        if (msg && msglen)
            its__fmt(msg, msglen, "%s", "its_trial_load: NULL argument");
        return ITS_EINVAL;
    }
    t = its__calloc(1, sizeof *t);
    if (!t || !(t->name = its__strdup(name ? name : "trial")) ||
        !(t->text = its__malloc(len + 1))) {
        its_trial_free(t);
        if (msg && msglen)
            its__fmt(msg, msglen, "%s", "out of memory");
        return ITS_ENOMEM;
    }
    memcpy(t->text, text, len);
    t->text[len] = '\0';
    t->len = len;
    why[0] = '\0';
    st = ld->parse(text, len, &doc, why, sizeof why, &line, &col);
    if (st != ITS_OK) {
        if (msg && msglen)
            its__fmt(msg, msglen, "%s:%d:%d: trial: %s", t->name, line, col, why);
    } else {
        st = load_sections(t, doc, ld, msg, msglen);
        if (st == ITS_ENOMEM && msg && msglen)
            its__fmt(msg, msglen, "%s", "out of memory");
    }
    its__ydoc_free(doc);
    if (st != ITS_OK) {
        its_trial_free(t);
        return st;
    }
    *out = t;
    return ITS_OK;
}

/* ---- drawing ------------------------------------------------------------------ */

typedef struct draw_ws {
    double *p;          /* the model's parameter vector (its__population_draw) */
    double *drawn;      /* the population's draws */
    int *pidx;          /* their model indices */
    double *strata;     /* the strata parameters' draws */
    int init_idx[ITS__MAX_LESIONS * MAX_STEMS];
    double init_val[ITS__MAX_LESIONS * MAX_STEMS];
    char organs[ITS__MAX_LESIONS * 34];
} draw_ws;

void its__patient_draw_free(its__patient_draw *d)
{
    draw_ws *w;
    if (!d)
        return;
    w = d->priv;
    if (w) {
        its__free(w->p);
        its__free(w->drawn);
        its__free(w->pidx);
        its__free(w->strata);
        its__free(w);
    }
    its__free(d->values);
    its__free(d);
}

its_status its__patient_draw_create(const its_trial *t, its__patient_draw **out)
{
    const draw_spec *ds;
    its__patient_draw *d;
    draw_ws *w;
    size_t i, np;
    if (out)
        *out = NULL;
    if (!t || !out || !t->draw_spec)
        return ITS_EINVAL;
    ds = t->draw_spec;
    np = its__population_size(t->pop);
    d = its__calloc(1, sizeof *d);
    if (!d)
        return ITS_ENOMEM;
    d->priv = w = its__calloc(1, sizeof *w);
    d->values = its__calloc(ds->n_values + 1, sizeof *d->values);
    if (w) {
        w->p = its__calloc(t->model->n_params + 1, sizeof *w->p);
        /* the population's draws, then the per-lesion parameters */
        w->drawn = its__calloc(np + 1 + ITS__MAX_LESIONS * MAX_LPAR, sizeof *w->drawn);
        w->pidx = its__calloc(np + 1 + ITS__MAX_LESIONS * MAX_LPAR, sizeof *w->pidx);
        w->strata = its__calloc(t->spec->n_strata + 1, sizeof *w->strata);
    }
    if (!w || !d->values || !w->p || !w->drawn || !w->pidx || !w->strata) {
        its__patient_draw_free(d);
        return ITS_ENOMEM;
    }
    for (i = 0; i < np; i++)
        w->pidx[i] = its__population_param(t->pop, i);
    for (i = 0; i < ds->n_values; i++) {
        d->values[i].name = ds->names[i];
        d->values[i].unit = ds->units[i];
        d->values[i].covariate = i >= np && i < np + ds->n_cov;
        d->values[i].value = NAN;
    }
    d->n_values = ds->n_values;
    *out = d;
    return ITS_OK;
}

/* The covariates: purpose covariates, stream attempt, index weight 0,
 * height 1, sex 2, age 3; each checked against the patient block's range. */
static its_status draw_covariates(const draw_spec *ds, const its__rng_key *key,
                                  its__patient_draw *d, size_t *n, char *msg, size_t msglen)
{
    size_t i;
    for (i = 0; i < CV_N; i++) {
        double x;
        if (!ds->has_cov[i])
            continue;
        x = its__dist_quantile(&ds->cov[i], its__rng_u01(key, i));
        if (cov_info[i].range >= 0 && !(x >= patient_range[cov_info[i].range].lo &&
                                        x <= patient_range[cov_info[i].range].hi)) {
            its__fmt(msg, msglen, "patient %llu, attempt %lu: the drawn %s %.17g %s is outside "
                     "the plausible human range %g to %g %s", (unsigned long long)key->patient,
                     (unsigned long)key->stream, cov_info[i].name, x, cov_info[i].unit,
                     patient_range[cov_info[i].range].lo, patient_range[cov_info[i].range].hi,
                     cov_info[i].unit);
            return ITS_ERANGE;
        }
        d->values[(*n)++].value = x;
        if (i == CV_WEIGHT)
            d->ovr.weight_kg = x;
        else if (i == CV_HEIGHT)
            d->ovr.height_cm = x;
        else if (i == CV_AGE)
            d->ovr.age_years = x;
    }
    /* one of weight and height drawn: the other keeps the resolution's default */
    d->ovr.has_patient = ds->has_cov[CV_WEIGHT] || ds->has_cov[CV_HEIGHT];
    if (d->ovr.has_patient && !ds->has_cov[CV_WEIGHT])
        d->ovr.weight_kg = 70.0;
    if (d->ovr.has_patient && !ds->has_cov[CV_HEIGHT])
        d->ovr.height_cm = 175.0;
    d->ovr.has_age = ds->has_cov[CV_AGE];
    return ITS_OK;
}

/* Cancer cells of a sphere of diameter d_mm at density rho (cell/mL): the
 * inverse of tme's diameter observable 10 cbrt(6 C / (pi rho)). */
static double cells_of_diameter(double d_mm, double rho_per_ml)
{
    const double d_cm = d_mm / 10.0;
    return rho_per_ml * 3.14159265358979323846 * d_cm * d_cm * d_cm / 6.0;
}

/* The lesions: purpose lesions, stream attempt; index 0 the count, 1 the
 * burden, lesion j (0-based) from LES_FIRST + LES_STRIDE j: its site, its
 * diameter, then its multipliers. */
static its_status draw_lesions(const its_trial *t, const draw_spec *ds, const its__rng_key *key,
                               its__patient_draw *d, size_t n, char *msg, size_t msglen)
{
    draw_ws *w = d->priv;
    size_t nl = (size_t)its__dist_quantile(&ds->count, its__rng_u01(key, 0)), nmax = max_lesions(ds);
    double diam[ITS__MAX_LESIONS], sum = 0.0, burden = NAN, rho;
    size_t j, s, q, used = 0, ni = 0;
    its__rng_key lkey = *key;
    lkey.purpose = ITS__RNG_LESION_PARAMS;
    for (j = 0; j < nl; j++) {
        diam[j] = its__dist_quantile(&ds->diam, its__rng_u01(key, LES_FIRST + LES_STRIDE * j + 1));
        if (!(diam[j] > 0.0 && isfinite(diam[j]))) {
            its__fmt(msg, msglen, "patient %llu, attempt %lu: lesion %zu: the drawn diameter "
                     "%.17g mm is not > 0", (unsigned long long)key->patient,
                     (unsigned long)key->stream, j + 1, diam[j]);
            return ITS_ERANGE;
        }
        sum += diam[j];
    }
    if (ds->has_burden) {
        burden = its__dist_quantile(&ds->burden, its__rng_u01(key, 1));
        if (!(burden > 0.0 && isfinite(burden))) {
            its__fmt(msg, msglen, "patient %llu, attempt %lu: the drawn burden %.17g mm is not "
                     "> 0", (unsigned long long)key->patient, (unsigned long)key->stream, burden);
            return ITS_ERANGE;
        }
        for (j = 0; j < nl; j++)
            diam[j] *= burden / sum;
    }
    rho = ds->rho_draw >= 0 ? w->drawn[ds->rho_draw] : ds->base_rho;
    rho *= ds->rho_to_per_ml;
    d->values[n++].value = (double)nl;
    w->organs[0] = '\0';
    for (j = 0; j < nmax; j++) {
        size_t first = LES_FIRST + LES_STRIDE * j;
        size_t site = (size_t)its__dist_quantile(&ds->site_d, its__rng_u01(key, first));
        double cells = j < nl ? cells_of_diameter(diam[j], rho) : (double)NAN;
        d->values[n++].value = j < nl ? diam[j] : (double)NAN;
        d->values[n++].value = j < nl ? (double)site : (double)NAN;
        for (s = 0; j < nl && s < ds->n_stems; s++) {
            double m = 1.0;
            for (q = 0; q < ds->n_mult; q++)
                if (ds->mult_stem[q] == (int)s)
                    m = its__dist_quantile(&ds->mult[q], its__rng_u01(key, first + 2 + q));
            w->init_idx[ni] = ds->idx[nl][j][s];
            w->init_val[ni++] = cells * ds->ratio[j][s] * m;
        }
        for (q = 0; q < ds->n_mult; q++) {
            double m = its__dist_quantile(&ds->mult[q], its__rng_u01(key, first + 2 + q));
            if (j < nl && !(m >= 0.0)) {
                its__fmt(msg, msglen, "patient %llu, attempt %lu: lesion %zu: the drawn "
                         "multiplier of %s %.17g is negative", (unsigned long long)key->patient,
                         (unsigned long)key->stream, j + 1, ds->stem[ds->mult_stem[q]], m);
                return ITS_ERANGE;
            }
            d->values[n++].value = j < nl ? m : (double)NAN;
        }
        for (q = 0; q < ds->n_lpar; q++) {
            double x = (double)NAN;
            if (j < nl) {
                char why[256];
                x = ds->lpar_base[site][q] *
                    its__dist_quantile(&ds->lpar_d[q], its__rng_u01(&lkey, j * MAX_LPAR + q));
                if (its_model_check_param(t->model, (size_t)ds->lpar_idx[j][q], x, why,
                                          sizeof why) != ITS_OK) {
                    its__fmt(msg, msglen, "patient %llu, attempt %lu: lesion %zu: the drawn %s",
                             (unsigned long long)key->patient, (unsigned long)key->stream,
                             j + 1, why);
                    return ITS_ERANGE;
                }
                w->pidx[d->ovr.n_params] = ds->lpar_idx[j][q];
                w->drawn[d->ovr.n_params++] = x;
            }
            d->values[n++].value = x;
        }
        if (j < nl) {
            its__fmt(w->organs + used, sizeof w->organs - used, "%s%s", j ? ", " : "",
                     ds->site[site]);
            used += strlen(w->organs + used);
        }
    }
    d->values[n].value = ds->has_burden ? burden : sum;
    d->ovr.model = ds->variant[nl];
    d->ovr.n_init = ni;
    d->ovr.init_idx = w->init_idx;
    d->ovr.init_val = w->init_val;
    d->ovr.organs = w->organs;
    return ITS_OK;
}

its_status its__trial_draw(const its_trial *t, uint64_t patient, uint32_t attempt,
                           its__patient_draw *d, char *msg, size_t msglen)
{
    const draw_spec *ds;
    draw_ws *w;
    its__rng_key key;
    char why[512];
    size_t i, n, np;
    its_status st;
    if (msg && msglen)
        msg[0] = '\0';
    if (!t || !d || !d->priv || !t->draw_spec) {
        if (msg && msglen)
            its__fmt(msg, msglen, "%s", "its__trial_draw: NULL argument");
        return ITS_EINVAL;
    }
    ds = t->draw_spec;
    w = d->priv;
    np = its__population_size(t->pop);
    memset(&d->ovr, 0, sizeof d->ovr);
    why[0] = '\0';
    if (t->pop && (st = its__population_draw(t->pop, t->spec->seed, patient, attempt, w->p,
                                             w->drawn, why, sizeof why)) != ITS_OK) {
        if (msg && msglen)
            its__fmt(msg, msglen, "%s", why);
        return st;
    }
    d->ovr.n_params = np;
    d->ovr.param_idx = w->pidx;
    d->ovr.param_val = w->drawn;
    for (i = 0; i < t->spec->n_strata; i++)
        w->strata[i] = w->drawn[t->strata_index[i]];
    d->stratum = its__trial_stratum_key(w->strata, t->spec->n_strata);
    for (n = 0; n < np; n++)
        d->values[n].value = w->drawn[n];
    key.seed = t->spec->seed;
    key.patient = patient;
    key.stream = attempt;
    key.purpose = ITS__RNG_COVARIATES;
    st = draw_covariates(ds, &key, d, &n, why, sizeof why);
    key.purpose = ITS__RNG_LESIONS;
    if (st == ITS_OK && ds->has_lesions)
        st = draw_lesions(t, ds, &key, d, n, why, sizeof why);
    if (st != ITS_OK && msg && msglen)
        its__fmt(msg, msglen, "%s", why);
    return st;
}

/* ---- the public handle (itsim/trial.h) ------------------------------------------ */

void its_trial_free(its_trial *t)
{
    if (!t)
        return;
    its__free(t->name);
    its__free(t->text);
    its_scenario_free(t->sc);
    its__trial_spec_free(t->spec);
    its__population_free(t->pop);
    its__free(t->plaus.ranges);
    its__free(t->strata_index);
    spec_free(t->draw_spec);
    its__free(t->calib);
    its__free(t->identity_extra);
    its__ydoc_free(t->pop_doc);
    its__free(t->pop_file);
    its__free(t);
}

const char *its_trial_errmsg(const its_trial *t)
{
    return t ? t->err : "no trial (NULL handle)";
}

its_status its_trial_set_patients(its_trial *t, long patients)
{
    if (!t)
        return ITS_EINVAL;
    if (patients < 1 || patients > ITS__TRIAL_MAX_PATIENTS) {
        its__fmt(t->err, sizeof t->err, "%ld patients: give 1 to %ld", patients,
                 (long)ITS__TRIAL_MAX_PATIENTS);
        return ITS_ERANGE;
    }
    t->spec->patients = patients;
    its__population_set_patients(t->pop, (uint64_t)patients);
    t->err[0] = '\0';
    return ITS_OK;
}

its_status its_trial_set_seed(its_trial *t, uint64_t seed)
{
    if (!t)
        return ITS_EINVAL;
    t->spec->seed = seed;
    t->err[0] = '\0';
    return ITS_OK;
}

const char *its_trial_name(const its_trial *t)
{
    return t ? t->spec->name : NULL;
}

long its_trial_patients(const its_trial *t)
{
    return t ? t->spec->patients : 0;
}

uint64_t its_trial_seed(const its_trial *t)
{
    return t ? t->spec->seed : 0;
}

double its_trial_horizon(const its_trial *t)
{
    return t ? t->spec->horizon : 0.0;
}

size_t its_trial_arm_count(const its_trial *t)
{
    return t ? its_scenario_arm_count(t->sc) : 0;
}

const char *its_trial_arm_name(const its_trial *t, size_t i)
{
    return t ? its_scenario_arm_name(t->sc, i) : NULL;
}

const char *its_trial_arm_id(const its_trial *t, size_t i)
{
    return t ? its_scenario_arm_id(t->sc, i) : NULL;
}

/* ---- what a patient's prior takes from the population's lesions ---------- */

const its__dist *its__trial_lesion_diameter(const its_trial *t)
{
    const draw_spec *ds = t ? t->draw_spec : NULL;
    return ds && ds->has_lesions ? &ds->diam : NULL;
}

int its__trial_lesion_extras(const its_trial *t)
{
    const draw_spec *ds = t ? t->draw_spec : NULL;
    return ds && (ds->n_mult > 0 || ds->n_lpar > 0);
}

size_t its__trial_lesion_init(const its_trial *t, size_t n, size_t k, double d_mm,
                              const double *p, int *idx, double *val)
{
    const draw_spec *ds = t ? t->draw_spec : NULL;
    double cells;
    size_t s;
    if (!ds || !ds->has_lesions || n < 1 || n > ITS__MAX_LESIONS || k >= n || !ds->variant[n])
        return 0;
    cells = cells_of_diameter(d_mm, p[ds->rho_param] * ds->rho_to_per_ml);
    for (s = 0; s < ds->n_stems; s++) {
        idx[s] = ds->idx[n][k][s];
        val[s] = cells * ds->ratio[k][s];
    }
    return ds->n_stems;
}
