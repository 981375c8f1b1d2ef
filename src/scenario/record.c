/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: reading a patient record (docs/personalise.md): the patient,
 * lesions, assessments, laboratory values, biomarkers, error models and
 * fit settings. Treatments and the decision are read by record_window.c,
 * which builds the scenario of the observed window. Dates become days
 * after the baseline scan t0; every error names file, line, column and
 * key. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const its__lab_names[ITS__LAB_N] = {"ANC", "ALC", "platelets", "creatinine",
                                               "ALT", "AST", "bilirubin"};

/* Laboratory values kept but not fitted (no observable in the model). */
static const char *const unmodelled_labs[] = {"LDH", "CRP", "albumin", "hemoglobin"};
#define N_UNMODELLED (sizeof unmodelled_labs / sizeof unmodelled_labs[0])

/* The day (after t0) of the date at node, exact to the minute; with t0
 * unset the date becomes t0 (and *t 0). */
its_status its__rec_date(const its__yctx *c, its_record *r, int node, const char *key,
                         double *t)
{
    its_status st = ITS_OK;
    const char *s = its__yc_text(c, node, key, &st);
    long day;
    int minute;
    if (!s)
        return st;
    if (its__civil_date(s, &day, &minute) != 0)
        return its__yc_fail(c, ITS_EPARSE, node, key,
                            "expected a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, got '%s'", s);
    if (!r->has_t0) {
        r->has_t0 = 1;
        r->t0_day = day;
        r->t0_min = minute;
    }
    *t = (double)(day - r->t0_day) + (double)(minute - r->t0_min) / 1440.0;
    return ITS_OK;
}

/* A short identifier (lesion ids, the patient id): printable ASCII without
 * quotes, at most len - 1 bytes. */
static its_status ident(const its__yctx *c, int node, const char *key, char *out, size_t len)
{
    its_status st = ITS_OK;
    const char *s = its__yc_text(c, node, key, &st);
    size_t i, n;
    if (!s)
        return st;
    n = strlen(s);
    if (n == 0 || n >= len)
        return its__yc_fail(c, ITS_ERANGE, node, key, "an identifier of 1 to %zu characters", len - 1);
    for (i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\'' || s[i] == '\\')
            return its__yc_fail(c, ITS_EPARSE, node, key,
                                "printable ASCII without quotes or backslashes only");
    memcpy(out, s, n + 1);
    return ITS_OK;
}

/* patient: {id, weight, height, sex, age, parameter_set, prior} */
enum { P_ID, P_WEIGHT, P_HEIGHT, P_SEX, P_AGE, P_SET, P_PRIOR, P_N };
static const char *const p_keys[P_N] = {"id", "weight", "height", "sex", "age",
                                        "parameter_set", "prior"};

its_status its__rec_patient(const its__yctx *c, int node, its_record *r, int *prior)
{
    int at[P_N];
    its_status st;
    const char *s;
    if ((st = its__yc_keys(c, node, "patient", p_keys, P_N, at)) != ITS_OK)
        return st;
    if (at[P_ID] && (st = ident(c, at[P_ID], "patient.id", r->id, sizeof r->id)) != ITS_OK)
        return st;
    if (!at[P_WEIGHT] || !at[P_HEIGHT])
        return its__yc_fail(c, ITS_EPARSE, node, "patient",
                            "needs weight and height (doses per kg and per m2)");
    if ((st = its__yc_quantity(c, at[P_WEIGHT], "patient.weight", "kg", &r->weight)) != ITS_OK ||
        (st = its__yc_quantity(c, at[P_HEIGHT], "patient.height", "cm", &r->height)) != ITS_OK)
        return st;
    if (!(r->weight >= 1.0 && r->weight <= 650.0))
        return its__yc_fail(c, ITS_ERANGE, at[P_WEIGHT], "patient.weight", "1 to 650 kg");
    if (!(r->height >= 30.0 && r->height <= 275.0))
        return its__yc_fail(c, ITS_ERANGE, at[P_HEIGHT], "patient.height", "30 to 275 cm");
    if (at[P_AGE]) {
        if ((st = its__yc_quantity(c, at[P_AGE], "patient.age", "y", &r->age)) != ITS_OK)
            return st;
        if (!(r->age >= 0.0 && r->age <= 125.0))
            return its__yc_fail(c, ITS_ERANGE, at[P_AGE], "patient.age", "0 to 125 y");
    }
    if (at[P_SEX]) {
        if (!(s = its__yc_text(c, at[P_SEX], "patient.sex", &st)))
            return st;
        if (strcmp(s, "female") != 0 && strcmp(s, "male") != 0)
            return its__yc_fail(c, ITS_EPARSE, at[P_SEX], "patient.sex",
                                "expected female or male, got '%s'", s);
        its__fmt(r->sex, sizeof r->sex, "%s", s);
    }
    if (at[P_SET]) {
        if (!(s = its__yc_text(c, at[P_SET], "patient.parameter_set", &st)))
            return st;
        if (its_model_set_index(c->m, s) < 0)
            return its__yc_fail(c, ITS_ENOTFOUND, at[P_SET], "patient.parameter_set",
                                "unknown parameter set '%s' of %s (itsim model %s)", s,
                                c->m->name, c->m->name);
        its__fmt(r->set, sizeof r->set, "%s", s);
    }
    *prior = at[P_PRIOR];
    return ITS_OK;
}

/* lesions: - {id: L1, site: lung, target: true} (1 to 8) */
its_status its__rec_lesions(const its__yctx *c, int node, its_record *r)
{
    static const char *const keys[] = {"id", "site", "target"};
    char key[64];
    size_t i, j, n;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "lesions")) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, node);
    if (n < 1 || n > ITS__MAX_LESIONS)
        return its__yc_fail(c, ITS_ERANGE, node, "lesions",
                            "1 to %d lesions (the model has at most %d), got %zu",
                            ITS__MAX_LESIONS, ITS__MAX_LESIONS, n);
    for (i = 0; i < n; i++) {
        int item = its__ynode_item(c->doc, node, i), at[3];
        its__rec_lesion *l = &r->lesions[i];
        const char *s;
        its__fmt(key, sizeof key, "lesions[%zu]", i);
        if ((st = its__yc_keys(c, item, key, keys, 3, at)) != ITS_OK)
            return st;
        if (!at[0] || !at[1])
            return its__yc_fail(c, ITS_EPARSE, item, key, "a lesion needs 'id' and 'site'");
        its__fmt(key, sizeof key, "lesions[%zu].id", i);
        if ((st = ident(c, at[0], key, l->id, sizeof l->id)) != ITS_OK)
            return st;
        for (j = 0; j < i; j++)
            if (strcmp(r->lesions[j].id, l->id) == 0)
                return its__yc_fail(c, ITS_EPARSE, at[0], key, "lesion '%s' listed twice", l->id);
        its__fmt(key, sizeof key, "lesions[%zu].site", i);
        if ((st = ident(c, at[1], key, l->site, sizeof l->site)) != ITS_OK)
            return st;
        if (its_model_site_index(c->m, l->site) < 0) {
            char names[512];
            its_model_site_names(c->m, names, sizeof names);
            return its__yc_fail(c, ITS_ENOTFOUND, at[1], key, "unknown site '%s' (sites: %s)",
                                l->site, names);
        }
        l->target = 1;
        if (at[2]) {
            its__fmt(key, sizeof key, "lesions[%zu].target", i);
            if (!(s = its__yc_text(c, at[2], key, &st)))
                return st;
            if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
                return its__yc_fail(c, ITS_EPARSE, at[2], key, "expected true or false");
            l->target = strcmp(s, "true") == 0;
        }
    }
    r->n_lesions = n;
    return ITS_OK;
}

/* The lesion named at node (a key of diameters:), or -1 with an error. */
static int lesion_of(const its__yctx *c, const its_record *r, int node, const char *key,
                     its_status *st)
{
    const char *s = its__yc_text(c, node, key, st);
    size_t k;
    if (!s)
        return -1;
    for (k = 0; k < r->n_lesions; k++)
        if (strcmp(r->lesions[k].id, s) == 0)
            return (int)k;
    *st = its__yc_fail(c, ITS_ENOTFOUND, node, key, "no lesion '%s' in lesions:", s);
    return -1;
}

/* A diameter: "23 mm", or "< 5 mm" (below a limit: censored); 0 means
 * not seen, censored below 5 mm. */
static its_status diameter(const its__yctx *c, int node, const char *key, its__rec_obs *o)
{
    its_status st = ITS_OK;
    const char *s = its__yc_text(c, node, key, &st);
    double v;
    char unit_err[256];
    if (!s)
        return st;
    while (*s == ' ')
        s++;
    o->censored = *s == '<';
    if (o->censored)
        s++;
    st = its_quantity_parse(s, "mm", &v, unit_err, sizeof unit_err);
    if (st != ITS_OK)
        return its__yc_fail(c, st, node, key, "a diameter such as '23 mm' or '< 5 mm': %s",
                            unit_err);
    if (!(v >= 0.0 && v < 1000.0))
        return its__yc_fail(c, ITS_ERANGE, node, key, "a diameter from 0 to 1000 mm");
    if (o->censored && !(v > 0.0))
        return its__yc_fail(c, ITS_ERANGE, node, key, "a detection limit must be positive");
    if (v == 0.0) {
        o->censored = 1;
        v = 5.0;
    }
    o->mm = v;
    return ITS_OK;
}

/* One assessment: its date and diameters. */
static its_status read_scan(const its__yctx *c, its_record *r, int item, size_t i, size_t *cap)
{
    static const char *const keys[] = {"date", "diameters", "new_lesions"};
    char key[96];
    int at[3];
    size_t j;
    its_status st;
    double t = 0.0;
    its__fmt(key, sizeof key, "assessments[%zu]", i);
    if ((st = its__yc_keys(c, item, key, keys, 3, at)) != ITS_OK)
        return st;
    if (!at[0] || !at[1])
        return its__yc_fail(c, ITS_EPARSE, item, key, "an assessment needs 'date' and 'diameters'");
    its__fmt(key, sizeof key, "assessments[%zu].date", i);
    if ((st = its__rec_date(c, r, at[0], key, &t)) != ITS_OK)
        return st;
    if (i > 0 && !(t > r->scan_t[i - 1]))
        return its__yc_fail(c, ITS_ERANGE, at[0], key, "assessments must be in date order, "
                            "one per date");
    r->scan_t[i] = t;
    if (at[2]) {
        const char *s;
        its__fmt(key, sizeof key, "assessments[%zu].new_lesions", i);
        if (!(s = its__yc_text(c, at[2], key, &st)))
            return st;
        if (strcmp(s, "false") != 0)
            return its__yc_fail(c, ITS_EPARSE, at[2], key,
                                "new lesions are not modelled (tme's lesions are those present "
                                "at t0): record the scans before they appeared");
    }
    its__fmt(key, sizeof key, "assessments[%zu].diameters", i);
    if ((st = its__yc_expect(c, at[1], ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    for (j = 0; j < its__ynode_size(c->doc, at[1]); j++) {
        char sub[300];
        int k, v, les;
        size_t q;
        if (!its__yc_pair(c, at[1], j, key, &k, &v, sub, &st))
            return st;
        if ((les = lesion_of(c, r, k, sub, &st)) < 0)
            return st;
        for (q = 0; q < r->n_obs; q++)
            if (r->obs[q].lesion == les && r->obs[q].t == t)
                return its__yc_fail(c, ITS_EPARSE, k, sub, "measured twice on one date");
        if (r->n_obs == *cap) {
            its__rec_obs *p = its__realloc(r->obs, (*cap ? 2 * *cap : 16) * sizeof *p);
            if (!p)
                return its__yc_nomem(c);
            r->obs = p;
            *cap = *cap ? 2 * *cap : 16;
        }
        r->obs[r->n_obs].t = t;
        r->obs[r->n_obs].lesion = les;
        if ((st = diameter(c, v, sub, &r->obs[r->n_obs])) != ITS_OK)
            return st;
        r->n_obs++;
    }
    return ITS_OK;
}

/* assessments: the first is t0 and measures every lesion. */
its_status its__rec_assessments(const its__yctx *c, int node, its_record *r)
{
    size_t i, k, n, cap = 0;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "assessments")) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, node);
    if (n < 1)
        return its__yc_fail(c, ITS_EPARSE, node, "assessments",
                            "at least the baseline scan (t0)");
    if (!(r->scan_t = its__calloc(n, sizeof *r->scan_t)))
        return its__yc_nomem(c);
    for (i = 0; i < n; i++)
        if ((st = read_scan(c, r, its__ynode_item(c->doc, node, i), i, &cap)) != ITS_OK)
            return st;
    r->n_scans = n;
    for (k = 0; k < r->n_lesions; k++) {
        for (i = 0; i < r->n_obs && !(r->obs[i].t == 0.0 && r->obs[i].lesion == (int)k); i++)
            ;
        if (i == r->n_obs)
            return its__yc_fail(c, ITS_EPARSE, its__ynode_item(c->doc, node, 0),
                                "assessments[0].diameters",
                                "the baseline scan must measure every lesion; '%s' is missing",
                                r->lesions[k].id);
        if (r->obs[i].censored)
            return its__yc_fail(c, ITS_ERANGE, its__ynode_item(c->doc, node, 0),
                                "assessments[0].diameters",
                                "lesion '%s' must be measurable at baseline, not below a limit",
                                r->lesions[k].id);
    }
    return ITS_OK;
}

/* The upper limits of normal (reference_limits:) of the chemistry labs, as
 * quantities with their unit text kept. */
typedef struct uln_t {
    int node[ITS__LAB_N];
} uln_t;

/* One lab value at node into *v in the observable's unit: counts in 1e9/L;
 * chemistry divided by its upper limit (in the same dimension). */
static its_status lab_value(const its__yctx *c, int node, const char *key, its__lab kind,
                            const uln_t *u, double *v)
{
    its_status st = ITS_OK;
    const char *s, *ls;
    char why[256];
    double lim, x;
    if (kind <= ITS__LAB_PLATELETS) {
        if ((st = its__yc_quantity(c, node, key, "1e9/L", v)) != ITS_OK)
            return st;
        return *v > 0.0 && *v < 1e4 ? ITS_OK
                                    : its__yc_fail(c, ITS_ERANGE, node, key, "a count from 0 to 1e4 1e9/L");
    }
    if (!u->node[kind])
        return its__yc_fail(c, ITS_EPARSE, node, key,
                            "%s needs its upper limit of normal in reference_limits",
                            its__lab_names[kind]);
    if (!(ls = its__yc_text(c, u->node[kind], "reference_limits", &st)) ||
        !(s = its__yc_text(c, node, key, &st)))
        return st;
    {
        /* the limit's unit is the number's tail */
        const char *p = ls;
        char *end;
        lim = strtod(p, &end);
        while (*end == ' ')
            end++;
        if (end == p || !(lim > 0.0) || !isfinite(lim))
            return its__yc_fail(c, ITS_ERANGE, u->node[kind], "reference_limits",
                                "an upper limit such as '1.2 mg/dL', positive");
        if ((st = its_quantity_parse(s, *end ? end : "1", &x, why, sizeof why)) != ITS_OK)
            return its__yc_fail(c, st, node, key, "%s (the limit is in '%s')", why, ls);
    }
    *v = x / lim;
    return *v > 0.0 && *v < 1e3
               ? ITS_OK
               : its__yc_fail(c, ITS_ERANGE, node, key,
                              "above 0 and below 1000 times the upper limit (a value below the "
                              "assay's limit: leave it out)");
}

static its_status add_lab(const its__yctx *c, its_record *r, size_t *cap, double t, its__lab k,
                          double v)
{
    if (r->n_labs == *cap) {
        its__rec_lab *p = its__realloc(r->labs, (*cap ? 2 * *cap : 16) * sizeof *p);
        if (!p)
            return its__yc_nomem(c);
        r->labs = p;
        *cap = *cap ? 2 * *cap : 16;
    }
    r->labs[r->n_labs].t = t;
    r->labs[r->n_labs].kind = k;
    r->labs[r->n_labs].value = v;
    r->n_labs++;
    return ITS_OK;
}

/* One labs: item: {date, ANC: ..., ...}. Values up to 28 days before t0
 * count at t0; older ones are left out with a note. */
static its_status read_lab_item(const its__yctx *c, its_record *r, int item, size_t i,
                                const uln_t *u, size_t *cap)
{
    char key[96], sub[300];
    size_t j, q;
    int k, v, date = its__ynode_get(c->doc, item, "date");
    double t = 0.0;
    its_status st;
    its__fmt(key, sizeof key, "labs[%zu]", i);
    if ((st = its__yc_expect(c, item, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    if (!date)
        return its__yc_fail(c, ITS_EPARSE, item, key, "a lab entry needs 'date'");
    its__fmt(sub, sizeof sub, "labs[%zu].date", i);
    if ((st = its__rec_date(c, r, date, sub, &t)) != ITS_OK)
        return st;
    if (t > r->t_dec + 1e-9)
        return its__yc_fail(c, ITS_ERANGE, date, sub, "after the decision (day %g)", r->t_dec);
    if (t < -28.0) {
        size_t used = strlen(r->notes);
        its__fmt(r->notes + used, sizeof r->notes - used,
                 "labs[%zu]: %g days before t0, more than 28: left out\n", i, -t);
        return ITS_OK;
    }
    for (j = 0; j < its__ynode_size(c->doc, item); j++) {
        const char *name = its__yc_pair(c, item, j, key, &k, &v, sub, &st);
        double x;
        int kind;
        if (!name)
            return st;
        if (strcmp(name, "date") == 0)
            continue;
        for (kind = 0; kind < ITS__LAB_N && strcmp(name, its__lab_names[kind]) != 0; kind++)
            ;
        if (kind == ITS__LAB_N) {
            for (q = 0; q < N_UNMODELLED && strcmp(name, unmodelled_labs[q]) != 0; q++)
                ;
            if (q == N_UNMODELLED)
                return its__yc_fail(c, ITS_EPARSE, k, sub,
                                    "unknown lab (fitted: ANC, ALC, platelets, creatinine, ALT, "
                                    "AST, bilirubin; kept: LDH, CRP, albumin, hemoglobin)");
            continue;
        }
        for (q = 0; q < r->n_labs; q++)
            if (r->labs[q].kind == (its__lab)kind && r->labs[q].t == t)
                return its__yc_fail(c, ITS_EPARSE, k, sub, "%s given twice for day %g", name, t);
        if ((st = lab_value(c, v, sub, (its__lab)kind, u, &x)) != ITS_OK ||
            (st = add_lab(c, r, cap, t, (its__lab)kind, x)) != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* Values from the 28 days before t0 stand for t0: of each lab the one
 * nearest t0 (one on t0 itself wins), moved to t0; the others are left
 * out with a note. */
static void baseline_labs(its_record *r)
{
    size_t i, j, n = 0;
    for (i = 0; i < r->n_labs; i++) {
        int keep = 1;
        if (r->labs[i].t < 0.0)
            for (j = 0; j < r->n_labs && keep; j++)
                keep = !(j != i && r->labs[j].kind == r->labs[i].kind &&
                         r->labs[j].t <= 0.0 && r->labs[j].t > r->labs[i].t);
        if (!keep) {
            size_t used = strlen(r->notes);
            its__fmt(r->notes + used, sizeof r->notes - used,
                     "labs: %s %g days before t0 left out (a later value stands for t0)\n",
                     its__lab_names[r->labs[i].kind], -r->labs[i].t);
            continue;
        }
        r->labs[n] = r->labs[i];
        if (r->labs[n].t < 0.0)
            r->labs[n].t = 0.0;
        n++;
    }
    r->n_labs = n;
}

its_status its__rec_labs(const its__yctx *c, int node, int limits, its_record *r)
{
    uln_t u;
    size_t i, cap = 0;
    its_status st;
    memset(&u, 0, sizeof u);
    if (limits) {
        static const char *const keys[] = {"creatinine", "ALT", "AST", "bilirubin"};
        int at[4];
        if ((st = its__yc_keys(c, limits, "reference_limits", keys, 4, at)) != ITS_OK)
            return st;
        for (i = 0; i < 4; i++)
            u.node[ITS__LAB_CREATININE + i] = at[i];
    }
    if (!node)
        return ITS_OK;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "labs")) != ITS_OK)
        return st;
    for (i = 0; i < its__ynode_size(c->doc, node); i++)
        if ((st = read_lab_item(c, r, its__ynode_item(c->doc, node, i), i, &u, &cap)) != ITS_OK)
            return st;
    baseline_labs(r);
    return ITS_OK;
}

/* biomarkers: {tmb: 14, pdl1_tps: 5 %, clonal_share: 0.8} */
its_status its__rec_biomarkers(const its__yctx *c, int node, its_record *r)
{
    static const char *const keys[] = {"tmb", "pdl1_tps", "clonal_share"};
    int at[3];
    its_status st;
    if ((st = its__yc_keys(c, node, "biomarkers", keys, 3, at)) != ITS_OK)
        return st;
    if (at[0]) {
        if ((st = its__yc_quantity(c, at[0], "biomarkers.tmb", "1", &r->tmb)) != ITS_OK)
            return st;
        if (!(r->tmb > 0.0 && r->tmb < 5000.0))
            return its__yc_fail(c, ITS_ERANGE, at[0], "biomarkers.tmb",
                                "mutations per Mb, above 0 and below 5000");
        r->has_tmb = 1;
    }
    if (at[1]) {
        if ((st = its__yc_quantity(c, at[1], "biomarkers.pdl1_tps", "1", &r->tps)) != ITS_OK)
            return st;
        if (!(r->tps >= 0.0 && r->tps <= 1.0))
            return its__yc_fail(c, ITS_ERANGE, at[1], "biomarkers.pdl1_tps",
                                "a share from 0 to 100 %%");
        r->has_tps = 1;
    }
    if (at[2]) {
        if ((st = its__yc_quantity(c, at[2], "biomarkers.clonal_share", "1", &r->clonal)) != ITS_OK)
            return st;
        if (!(r->clonal >= 0.0 && r->clonal <= 1.0))
            return its__yc_fail(c, ITS_ERANGE, at[2], "biomarkers.clonal_share",
                                "a share from 0 to 1");
        r->has_clonal = 1;
    }
    return ITS_OK;
}

/* A mapping {NAME: value} with one key at node (error: {ANC: {cv: 20 %}}). */
static its_status one_number(const its__yctx *c, int node, const char *key, const char *name,
                             const char *unit, double lo, double hi, double *out)
{
    const char *const names[1] = {name};
    char sub[128];
    int at[1];
    its_status st;
    if ((st = its__yc_keys(c, node, key, names, 1, at)) != ITS_OK || !at[0])
        return st;
    its__fmt(sub, sizeof sub, "%s.%s", key, name);
    if ((st = its__yc_quantity(c, at[0], sub, unit, out)) != ITS_OK)
        return st;
    if (!(*out >= lo && *out <= hi))
        return its__yc_fail(c, ITS_ERANGE, at[0], sub, "from %g to %g", lo, hi);
    return ITS_OK;
}

/* error: {diameter: {cv, sd, df}, ANC: {cv}, ..., tmb: {cv}, clonal_share:
 * {sd}, pdl1_tps: {misclassification}}: overrides of the defaults
 * (docs/personalise.md, "Likelihood"). */
its_status its__rec_read_error(const its__yctx *c, int node, its_record *r)
{
    its__rec_error *e = &r->err_model;
    char sub[300];
    size_t i;
    int k, v, j;
    its_status st;
    if (!node)
        return ITS_OK;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, "error")) != ITS_OK)
        return st;
    for (i = 0; i < its__ynode_size(c->doc, node); i++) {
        const char *name = its__yc_pair(c, node, i, "error", &k, &v, sub, &st);
        if (!name)
            return st;
        for (j = 0; j < ITS__LAB_N && strcmp(name, its__lab_names[j]) != 0; j++)
            ;
        if (j < ITS__LAB_N)
            st = one_number(c, v, sub, "cv", "1", 0.001, 2.0, &e->lab_cv[j]);
        else if (strcmp(name, "tmb") == 0)
            st = one_number(c, v, sub, "cv", "1", 0.001, 2.0, &e->tmb_cv);
        else if (strcmp(name, "clonal_share") == 0)
            st = one_number(c, v, sub, "sd", "1", 0.001, 1.0, &e->clonal_sd);
        else if (strcmp(name, "pdl1_tps") == 0)
            st = one_number(c, v, sub, "misclassification", "1", 0.0, 0.5, &e->tps_misclass);
        else if (strcmp(name, "diameter") == 0) {
            static const char *const dk[] = {"cv", "sd", "df"};
            int at[3];
            if ((st = its__yc_keys(c, v, sub, dk, 3, at)) != ITS_OK ||
                (at[0] && (st = its__yc_quantity(c, at[0], "error.diameter.cv", "1", &e->diam_cv)) != ITS_OK) ||
                (at[1] && (st = its__yc_quantity(c, at[1], "error.diameter.sd", "mm", &e->diam_sd)) != ITS_OK) ||
                (at[2] && (st = its__yc_quantity(c, at[2], "error.diameter.df", "1", &e->diam_df)) != ITS_OK))
                return st;
            if (!(e->diam_cv > 0.0 && e->diam_cv <= 1.0 && e->diam_sd >= 0.0 && e->diam_sd <= 20.0 &&
                  e->diam_df >= 1.0 && e->diam_df <= 1e6))
                return its__yc_fail(c, ITS_ERANGE, v, sub,
                                    "cv in (0, 100 %%], sd 0 to 20 mm, df 1 to 1e6");
        } else {
            return its__yc_fail(c, ITS_EPARSE, k, sub,
                                "unknown key (expected diameter, ANC, ALC, platelets, creatinine, "
                                "ALT, AST, bilirubin, tmb, clonal_share, pdl1_tps)");
        }
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* The defaults of the error models (docs/personalise.md, "Likelihood"). */
void its__rec_error_defaults(its__rec_error *e)
{
    static const double cv[ITS__LAB_N] = {0.20, 0.15, 0.10, 0.10, 0.20, 0.20, 0.20};
    memcpy(e->lab_cv, cv, sizeof cv);
    e->diam_cv = 0.086;
    e->diam_sd = 1.4;
    e->diam_df = 4.0;
    e->tmb_cv = 0.25;
    e->clonal_sd = 0.1;
    e->tps_misclass = 0.1;
}

/* fit: {chains, iterations, warmup, draws, seed} */
its_status its__rec_read_fit(const its__yctx *c, int node, its_record *r)
{
    static const char *const keys[] = {"chains", "iterations", "warmup", "draws", "seed"};
    static const long lo[4] = {1, 100, 0, 1}, hi[4] = {64, 100000000L, 100000000L, 100000};
    long *dst[4];
    int at[5], k;
    its_status st = ITS_OK;
    char sub[64];
    dst[0] = &r->fit.chains;
    dst[1] = &r->fit.iterations;
    dst[2] = &r->fit.warmup;
    dst[3] = &r->fit.draws;
    if (!node)
        return ITS_OK;
    if ((st = its__yc_keys(c, node, "fit", keys, 5, at)) != ITS_OK)
        return st;
    for (k = 0; k < 4; k++) {
        double x;
        if (!at[k])
            continue;
        its__fmt(sub, sizeof sub, "fit.%s", keys[k]);
        if ((st = its__yc_quantity(c, at[k], sub, "1", &x)) != ITS_OK)
            return st;
        if (!(x >= (double)lo[k] && x <= (double)hi[k] && x == floor(x)))
            return its__yc_fail(c, ITS_ERANGE, at[k], sub, "a whole number from %ld to %ld",
                                lo[k], hi[k]);
        *dst[k] = (long)x;
    }
    if (r->fit.warmup >= r->fit.iterations)
        return its__yc_fail(c, ITS_ERANGE, at[2] ? at[2] : node, "fit.warmup",
                            "fewer than the iterations (%ld)", r->fit.iterations);
    if (at[4]) {
        const char *s = its__yc_text(c, at[4], "fit.seed", &st);
        char *end;
        unsigned long long v;
        if (!s)
            return st;
        v = strtoull(s, &end, 10);
        if (!*s || *end || s[0] == '-' || (v == ULLONG_MAX && strcmp(s, "18446744073709551615") != 0))
            return its__yc_fail(c, ITS_ERANGE, at[4], "fit.seed", "a whole number from 0 to 2^64-1");
        r->fit.seed = (uint64_t)v;
    }
    return ITS_OK;
}
