/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the `population:` section of a trial file (docs/trial.md,
 * "Population"): one distribution per model parameter, with units, and
 * optional correlations through a Gaussian copula; and the draw of one
 * patient's parameter vector from it, a pure function of (seed, patient,
 * attempt). Errors name FILE:LINE:COL and the key, as scenario errors do. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "itsim/units.h"

struct its__population {
    const its_model_def *model;
    size_t n;          /* parameters drawn */
    int *param;        /* model parameter index, in draw order */
    its__dist *dist;   /* their distributions, in draw order (owned) */
    size_t n_corr;     /* the first n_corr are correlated through cop */
    its__copula *cop;  /* NULL when n_corr is 0 */
    int lhs;           /* sampling: latin_hypercube */
    uint64_t lhs_n;    /* its strata: the trial's patients (its__population_set_patients) */
};

/* ---- messages ------------------------------------------------------------- */

/* "FILE:LINE:COL: KEY: message" at node (without a node: "FILE: KEY: ..."). */
its_status its__yc_fail(const its__yctx *c, its_status st, int node, const char *key,
                        const char *fmt, ...)
{
    char text[ITS__ERRLEN];
    int line = 0, col = 0;
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(text, sizeof text, fmt, ap);
    va_end(ap);
    if (node > 0)
        its__ynode_pos(c->doc, node, &line, &col);
    if (!c->msg || c->msglen == 0)
        return st;
    if (line > 0)
        its__fmt(c->msg, c->msglen, "%s:%d:%d: %s: %s", c->file, line, col, key, text);
    else
        its__fmt(c->msg, c->msglen, "%s: %s: %s", c->file, key, text);
    return st;
}

its_status its__yc_begin(its__yctx *c, const its__ydoc *doc, const its_model_def *m,
                        const char *file, char *msg, size_t msglen, int out_ok, const char *fn)
{
    if (msg && msglen)
        msg[0] = '\0';
    if (!doc || !m || !out_ok) {
        if (msg && msglen)
            its__fmt(msg, msglen, "%s: NULL argument", fn);
        return ITS_EINVAL;
    }
    c->doc = doc;
    c->m = m;
    c->file = file ? file : "trial";
    c->msg = msg;
    c->msglen = msglen;
    return ITS_OK;
}

its_status its__yc_nomem(const its__yctx *c)
{
    if (c->msg && c->msglen)
        its__fmt(c->msg, c->msglen, "%s", "out of memory");
    return ITS_ENOMEM;
}

static const char *kind_text(const its__ydoc *doc, int node)
{
    switch (its__ynode_kind(doc, node)) {
    case ITS__Y_SCALAR: return "a single value";
    case ITS__Y_SEQUENCE: return "a list";
    case ITS__Y_MAPPING: return "a mapping";
    case ITS__Y_NONE: break;
    }
    return "nothing";
}

its_status its__yc_expect(const its__yctx *c, int node, its__ykind kind, const char *key)
{
    if (its__ynode_kind(c->doc, node) == kind)
        return ITS_OK;
    return its__yc_fail(c, ITS_EPARSE, node, key, "expected %s, got %s",
                 kind == ITS__Y_MAPPING ? "a mapping" :
                 kind == ITS__Y_SEQUENCE ? "a list" : "a single value",
                 kind_text(c->doc, node));
}

/* The scalar text of node, or NULL with an error recorded. */
const char *its__yc_text(const its__yctx *c, int node, const char *key, its_status *st)
{
    size_t len;
    const char *s = its__ynode_scalar(c->doc, node, &len);
    *st = ITS_OK;
    if (!s) {
        *st = its__yc_expect(c, node, ITS__Y_SCALAR, key);
        return NULL;
    }
    if (strlen(s) != len) {
        *st = its__yc_fail(c, ITS_EPARSE, node, key, "value contains a NUL character");
        return NULL;
    }
    return s;
}

/* A quantity at node expressed in unit ("1": a dimensionless number). */
its_status its__yc_quantity(const its__yctx *c, int node, const char *key, const char *unit,
                            double *out)
{
    char why[512];
    its_status st;
    const char *s = its__yc_text(c, node, key, &st);
    if (!s)
        return st;
    if (its__sc_null_text(s))
        return its__yc_fail(c, ITS_EPARSE, node, key, "missing value");
    why[0] = '\0';
    st = its_quantity_parse(s, unit, out, why, sizeof why);
    if (st != ITS_OK)
        return its__yc_fail(c, st, node, key, "%s", why[0] ? why : its_strerror(st));
    if (!isfinite(*out))
        return its__yc_fail(c, ITS_ERANGE, node, key, "'%s' is not a finite number", s);
    return ITS_OK;
}

/* ---- one parameter's distribution ---------------------------------------- */

enum { F_VALUE, F_MEAN, F_SD, F_LOWER, F_UPPER, F_MEDIAN, F_CV, F_GSD, F_LOW, F_HIGH,
       F_VALUES, F_PROBS, F_N };
static const char *const field_names[F_N] = {
    "value", "mean", "sd", "lower", "upper", "median", "cv", "gsd", "low", "high",
    "values", "probs"};

enum { D_FIXED, D_NORMAL, D_TRUNCNORMAL, D_LOGNORMAL, D_UNIFORM, D_LOGUNIFORM,
       D_DISCRETE, D_N };
/* Each kind: its name, the fields it takes, those it requires (bit masks). */
static const struct {
    const char *name;
    unsigned takes, needs;
} kinds[D_N] = {
    [D_FIXED] = {"fixed", 1u << F_VALUE, 1u << F_VALUE},
    [D_NORMAL] = {"normal", 1u << F_MEAN | 1u << F_SD, 1u << F_MEAN | 1u << F_SD},
    [D_TRUNCNORMAL] = {"truncnormal", 1u << F_MEAN | 1u << F_SD | 1u << F_LOWER | 1u << F_UPPER,
                       1u << F_MEAN | 1u << F_SD},
    [D_LOGNORMAL] = {"lognormal", 1u << F_MEDIAN | 1u << F_CV | 1u << F_GSD | 1u << F_LOWER |
                                      1u << F_UPPER, 1u << F_MEDIAN},
    [D_UNIFORM] = {"uniform", 1u << F_LOW | 1u << F_HIGH, 1u << F_LOW | 1u << F_HIGH},
    [D_LOGUNIFORM] = {"loguniform", 1u << F_LOW | 1u << F_HIGH, 1u << F_LOW | 1u << F_HIGH},
    [D_DISCRETE] = {"discrete", 1u << F_VALUES | 1u << F_PROBS, 1u << F_VALUES | 1u << F_PROBS},
};

/* The fields of a kind, "a, b, c", for messages. */
static void field_list(char *buf, size_t n, unsigned mask)
{
    size_t used = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < F_N && used < n; i++)
        if (mask & (1u << i)) {
            its__fmt(buf + used, n - used, "%s%s", used ? ", " : "", field_names[i]);
            used += strlen(buf + used);
        }
}

/* The kind named at node dist, or D_N with an error. */
static int read_kind(const its__yctx *c, int node, const char *key, its_status *st)
{
    char known[160];
    const char *s = its__yc_text(c, node, key, st);
    int k;
    if (!s)
        return D_N;
    for (k = 0; k < D_N; k++)
        if (strcmp(s, kinds[k].name) == 0)
            return k;
    known[0] = '\0';
    for (k = 0; k < D_N; k++)
        its__fmt(known + strlen(known), sizeof known - strlen(known), "%s%s", k ? ", " : "",
                 kinds[k].name);
    *st = its__yc_fail(c, ITS_EPARSE, node, key, "unknown distribution '%s' (expected one of: %s)",
                s, known);
    return D_N;
}

/* The list at node as numbers in unit: *out (n of them, its__malloc'ed). */
static its_status number_list(const its__yctx *c, int node, const char *key, const char *unit,
                              double **out, size_t *n)
{
    char sub[320];
    its_status st;
    size_t i;
    *out = NULL;
    *n = 0;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, key)) != ITS_OK)
        return st;
    *n = its__ynode_size(c->doc, node);
    if (*n == 0)
        return its__yc_fail(c, ITS_EPARSE, node, key, "the list is empty");
    *out = its__malloc(*n * sizeof **out);
    if (!*out)
        return its__yc_nomem(c);
    for (i = 0; i < *n; i++) {
        its__fmt(sub, sizeof sub, "%s[%zu]", key, i + 1);
        st = its__yc_quantity(c, its__ynode_item(c->doc, node, i), sub, unit, &(*out)[i]);
        if (st != ITS_OK) {
            its__free(*out);
            *out = NULL;
            return st;
        }
    }
    return ITS_OK;
}

/* values/probs of a discrete distribution into d. */
static its_status read_discrete(const its__yctx *c, const int *at, const char *key,
                                const char *unit, int node, its__dist *d)
{
    char kv[300], kp[300], why[512];
    double *v = NULL, *p = NULL;
    size_t nv, np;
    its_status st;
    its__fmt(kv, sizeof kv, "%s.values", key);
    its__fmt(kp, sizeof kp, "%s.probs", key);
    st = number_list(c, at[F_VALUES], kv, unit, &v, &nv);
    if (st == ITS_OK)
        st = number_list(c, at[F_PROBS], kp, "1", &p, &np);
    if (st == ITS_OK && nv != np)
        st = its__yc_fail(c, ITS_EPARSE, at[F_PROBS], kp,
                   "%zu probabilities for %zu values: give one per value", np, nv);
    if (st == ITS_OK) {
        why[0] = '\0';
        st = its__dist_discrete(d, nv, v, p, why, sizeof why);
        if (st == ITS_ENOMEM)
            st = its__yc_nomem(c);
        else if (st != ITS_OK)
            st = its__yc_fail(c, ITS_ERANGE, node, key, "%s", why);
    }
    its__free(v);
    its__free(p);
    return st;
}

/* The fields of the mapping at node (a parameter's distribution) into
 * at[F_*] (0: absent), with the kind; unknown, duplicate and missing keys
 * are errors. */
static its_status read_fields(const its__yctx *c, int node, const char *key, int *kind, int *at)
{
    char sub[300], known[160];
    int dist = 0, k, v, f;
    size_t i, n = its__ynode_size(c->doc, node);
    its_status st;
    for (i = 0; i < n; i++) {
        its__ynode_pair(c->doc, node, i, &k, &v);
        const char *name = its__yc_text(c, k, key, &st);
        if (!name)
            return st;
        if (strcmp(name, "dist") == 0) {
            if (dist)
                return its__yc_fail(c, ITS_EPARSE, k, key, "duplicate key 'dist'");
            dist = v;
        }
    }
    its__fmt(sub, sizeof sub, "%s.dist", key);
    if (!dist)
        return its__yc_fail(c, ITS_EPARSE, node, key, "missing key 'dist' (the distribution)");
    if ((*kind = read_kind(c, dist, sub, &st)) == D_N)
        return st;
    for (f = 0; f < F_N; f++)
        at[f] = 0;
    field_list(known, sizeof known, kinds[*kind].takes);
    for (i = 0; i < n; i++) {
        its__ynode_pair(c->doc, node, i, &k, &v);
        const char *name = its__ynode_scalar(c->doc, k, NULL);
        if (strcmp(name, "dist") == 0)
            continue;
        for (f = 0; f < F_N && strcmp(name, field_names[f]) != 0; f++)
            ;
        its__fmt(sub, sizeof sub, "%s.%s", key, name);
        if (f == F_N || !(kinds[*kind].takes & (1u << f)))
            return its__yc_fail(c, ITS_EPARSE, k, sub,
                         "unknown key for a %s distribution (expected: %s)",
                         kinds[*kind].name, known);
        if (at[f])
            return its__yc_fail(c, ITS_EPARSE, k, sub, "duplicate key");
        at[f] = v;
    }
    for (f = 0; f < F_N; f++)
        if ((kinds[*kind].needs & (1u << f)) && !at[f])
            return its__yc_fail(c, ITS_EPARSE, node, key, "missing key '%s' (a %s distribution takes %s)",
                         field_names[f], kinds[*kind].name, known);
    if (*kind == D_LOGNORMAL && !at[F_CV] == !at[F_GSD])
        return its__yc_fail(c, ITS_EPARSE, node, key,
                     "give exactly one of 'cv' and 'gsd' with the median of a lognormal");
    return ITS_OK;
}

/* The distribution at node for model parameter pi, key its name in
 * messages ("population.parameters.NAME"). */
static its_status read_dist(const its__yctx *c, size_t pi, int node, const char *key, its__dist *d)
{
    return its__yc_dist(c, node, key, c->m->params[pi].unit, d);
}

its_status its__yc_dist(const its__yctx *c, int node, const char *key, const char *unit,
                        its__dist *d)
{
    char sub[300], why[512];
    double x[F_N];
    int at[F_N], kind = D_N, f;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    if ((st = read_fields(c, node, key, &kind, at)) != ITS_OK)
        return st;
    if (kind == D_DISCRETE)
        return read_discrete(c, at, key, unit, node, d);
    for (f = 0; f < F_N; f++) {
        x[f] = 0.0;
        if (!at[f])
            continue;
        its__fmt(sub, sizeof sub, "%s.%s", key, field_names[f]);
        st = its__yc_quantity(c, at[f], sub, f == F_CV || f == F_GSD ? "1" : unit, &x[f]);
        if (st != ITS_OK)
            return st;
    }
    why[0] = '\0';
    switch (kind) {
    case D_FIXED: st = its__dist_fixed(d, x[F_VALUE], why, sizeof why); break;
    case D_NORMAL: st = its__dist_normal(d, x[F_MEAN], x[F_SD], why, sizeof why); break;
    case D_TRUNCNORMAL:
        st = its__dist_truncnormal(d, x[F_MEAN], x[F_SD], at[F_LOWER] ? x[F_LOWER] : -HUGE_VAL,
                                   at[F_UPPER] ? x[F_UPPER] : HUGE_VAL, why, sizeof why);
        break;
    case D_LOGNORMAL:
        st = at[F_CV] ? its__dist_lognormal_cv(d, x[F_MEDIAN], x[F_CV], why, sizeof why)
                      : its__dist_lognormal_gsd(d, x[F_MEDIAN], x[F_GSD], why, sizeof why);
        if (st == ITS_OK && (at[F_LOWER] || at[F_UPPER])) /* truncated to [lower, upper] */
            st = its__dist_trunclognormal(d, x[F_MEDIAN], d->p[1], at[F_LOWER] ? x[F_LOWER] : 0.0,
                                          at[F_UPPER] ? x[F_UPPER] : HUGE_VAL, why, sizeof why);
        break;
    case D_UNIFORM: st = its__dist_uniform(d, x[F_LOW], x[F_HIGH], why, sizeof why); break;
    default: st = its__dist_loguniform(d, x[F_LOW], x[F_HIGH], why, sizeof why); break;
    }
    if (st == ITS_ENOMEM)
        return its__yc_nomem(c);
    if (st != ITS_OK)
        return its__yc_fail(c, ITS_ERANGE, node, key, "%s", why);
    return ITS_OK;
}

/* ---- the section ---------------------------------------------------------- */

void its__population_free(its__population *pop)
{
    size_t i;
    if (!pop)
        return;
    if (pop->dist)
        for (i = 0; i < pop->n; i++)
            its__dist_clear(&pop->dist[i]);
    its__free(pop->dist);
    its__free(pop->param);
    its__copula_free(pop->cop);
    its__free(pop);
}

/* The i-th pair of the mapping at node: key node *k, value node *v, its
 * name (NULL with *st when the key is not a single value) and
 * sub = "KEY.NAME" (300 bytes). */
const char *its__yc_pair(const its__yctx *c, int node, size_t i, const char *key, int *k,
                         int *v, char *sub, its_status *st)
{
    const char *name;
    its__ynode_pair(c->doc, node, i, k, v);
    name = its__yc_text(c, *k, key, st);
    if (name)
        its__fmt(sub, 300, "%s.%s", key, name);
    return name;
}

its_status its__yc_keys(const its__yctx *c, int node, const char *key, const char *const *names,
                        int n, int *at)
{
    char sub[300], known[256];
    size_t i;
    int k, v, j;
    its_status st;
    for (j = 0; j < n; j++)
        at[j] = 0;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    for (i = 0; i < its__ynode_size(c->doc, node); i++) {
        const char *name = its__yc_pair(c, node, i, key, &k, &v, sub, &st);
        if (!name)
            return st;
        for (j = 0; j < n && strcmp(name, names[j]) != 0; j++)
            ;
        if (j == n) {
            its__sc_key_list(known, sizeof known, names, n);
            return its__yc_fail(c, ITS_EPARSE, k, sub, "unknown key (expected one of: %s)", known);
        }
        if (at[j])
            return its__yc_fail(c, ITS_EPARSE, k, sub, "duplicate key");
        at[j] = v;
    }
    return ITS_OK;
}

/* A mapping at node with keys a and b only (each at most once). */
static its_status two_keys(const its__yctx *c, int node, const char *key, const char *a,
                           const char *b, int *va, int *vb)
{
    const char *const names[2] = {a, b};
    int at[2];
    its_status st = its__yc_keys(c, node, key, names, 2, at);
    *va = at[0];
    *vb = at[1];
    return st;
}

its_status its__population_keys(const its__yctx *c, int node, int *params, int *corrs,
                                int *covariates, int *lesions, int *sampling)
{
    static const char *const keys[] = {"parameters", "correlations", "covariates", "lesions",
                                       "sampling", "from"};
    int at[6];
    its_status st = its__yc_keys(c, node, "population", keys, 6, at);
    *params = at[0];
    *corrs = at[1];
    *covariates = at[2];
    *lesions = at[3];
    *sampling = at[4];
    return st;
}

/* sampling: random (independent draws, the default) or latin_hypercube. */
static its_status read_sampling(const its__yctx *c, int node, int corrs, its__population *pop)
{
    its_status st = ITS_OK;
    const char *v = its__yc_text(c, node, "population.sampling", &st);
    if (!v)
        return st;
    if (strcmp(v, "latin_hypercube") == 0)
        pop->lhs = 1;
    else if (strcmp(v, "random") != 0)
        return its__yc_fail(c, ITS_EPARSE, node, "population.sampling",
                            "unknown sampling '%s' (expected random or latin_hypercube)", v);
    if (pop->lhs && corrs)
        return its__yc_fail(c, ITS_EPARSE, node, "population.sampling",
                            "latin_hypercube sampling takes independent parameters: remove "
                            "population.correlations or sample at random");
    return ITS_OK;
}

/* parameters: {NAME: {dist: ...}, ...} into pop->param / pop->dist in file
 * order (pop->n set as they are read, so that a failure frees them). */
static its_status read_parameters(const its__yctx *c, int node, its__population *pop)
{
    const char *key = "population.parameters";
    char sub[300];
    size_t i, j, n;
    int k, v, pi;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, node);
    if (n == 0)
        return its__yc_fail(c, ITS_EPARSE, node, key, "no parameters: give at least one");
    pop->param = its__malloc(n * sizeof *pop->param);
    pop->dist = its__calloc(n, sizeof *pop->dist);
    if (!pop->param || !pop->dist)
        return its__yc_nomem(c);
    for (i = 0; i < n; i++) {
        const char *name = its__yc_pair(c, node, i, key, &k, &v, sub, &st);
        if (!name)
            return st;
        pi = its_model_param_index(c->m, name);
        if (pi < 0)
            return its__yc_fail(c, ITS_ENOTFOUND, k, sub, "'%s' is not a parameter of the model %s",
                         name, c->m->name);
        for (j = 0; j < i; j++)
            if (pop->param[j] == pi)
                return its__yc_fail(c, ITS_EPARSE, k, sub, "duplicate parameter");
        if ((st = read_dist(c, (size_t)pi, v, sub, &pop->dist[i])) != ITS_OK)
            return st;
        pop->param[i] = pi;
        pop->n = i + 1;
    }
    return ITS_OK;
}

/* correlations: {names: [...], matrix: [[...], ...]}: the position in
 * names of each population parameter (order[i], or -1) and the copula. */
static its_status read_correlations(const its__yctx *c, int node, its__population *pop,
                                    int *order)
{
    const char *key = "population.correlations";
    char sub[300], why[512];
    int names, matrix;
    size_t i, j, n;
    double *corr;
    its_status st = two_keys(c, node, key, "names", "matrix", &names, &matrix);
    if (st != ITS_OK)
        return st;
    if (!names || !matrix)
        return its__yc_fail(c, ITS_EPARSE, node, key, "missing key '%s'", names ? "matrix" : "names");
    if ((st = its__yc_expect(c, names, ITS__Y_SEQUENCE, "population.correlations.names")) != ITS_OK ||
        (st = its__yc_expect(c, matrix, ITS__Y_SEQUENCE, "population.correlations.matrix")) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, names);
    if (n == 0)
        return its__yc_fail(c, ITS_EPARSE, names, "population.correlations.names", "the list is empty");
    for (i = 0; i < n; i++) {
        int item = its__ynode_item(c->doc, names, i);
        its__fmt(sub, sizeof sub, "population.correlations.names[%zu]", i + 1);
        const char *name = its__yc_text(c, item, sub, &st);
        if (!name)
            return st;
        for (j = 0; j < pop->n && strcmp(c->m->params[pop->param[j]].name, name) != 0; j++)
            ;
        if (j == pop->n)
            return its__yc_fail(c, ITS_ENOTFOUND, item, sub,
                         "'%s' is not among population.parameters", name);
        if (order[j] >= 0)
            return its__yc_fail(c, ITS_EPARSE, item, sub, "'%s' is named twice", name);
        order[j] = (int)i;
    }
    if (its__ynode_size(c->doc, matrix) != n)
        return its__yc_fail(c, ITS_EPARSE, matrix, "population.correlations.matrix",
                     "expected %zu rows (one per name), got %zu", n,
                     its__ynode_size(c->doc, matrix));
    corr = its__malloc(n * n * sizeof *corr);
    if (!corr)
        return its__yc_nomem(c);
    for (i = 0; i < n && st == ITS_OK; i++) {
        int row = its__ynode_item(c->doc, matrix, i);
        its__fmt(sub, sizeof sub, "population.correlations.matrix[%zu]", i + 1);
        st = its__yc_expect(c, row, ITS__Y_SEQUENCE, sub);
        if (st == ITS_OK && its__ynode_size(c->doc, row) != n)
            st = its__yc_fail(c, ITS_EPARSE, row, sub, "expected %zu entries (one per name), got %zu",
                       n, its__ynode_size(c->doc, row));
        for (j = 0; j < n && st == ITS_OK; j++) {
            char ent[340];
            its__fmt(ent, sizeof ent, "%s[%zu]", sub, j + 1);
            st = its__yc_quantity(c, its__ynode_item(c->doc, row, j), ent, "1", &corr[i * n + j]);
        }
    }
    if (st == ITS_OK) {
        why[0] = '\0';
        st = its__copula_create(n, corr, &pop->cop, why, sizeof why);
        if (st == ITS_ENOMEM)
            st = its__yc_nomem(c);
        else if (st != ITS_OK)
            st = its__yc_fail(c, ITS_ERANGE, matrix, "population.correlations.matrix", "%s", why);
    }
    its__free(corr);
    pop->n_corr = st == ITS_OK ? n : 0;
    return st;
}

/* Put the correlated parameters first, in the order of correlations.names
 * (order[i]: position there, or -1), the others after them in file order.
 * The distributions move (their owned arrays with them). */
static its_status reorder(const its__yctx *c, its__population *pop, const int *order)
{
    int *param = its__malloc(pop->n * sizeof *param);
    its__dist *dist = its__malloc(pop->n * sizeof *dist);
    size_t i, next = pop->n_corr;
    if (!param || !dist) {
        its__free(param);
        its__free(dist);
        return its__yc_nomem(c);
    }
    for (i = 0; i < pop->n; i++) {
        size_t to = order[i] >= 0 ? (size_t)order[i] : next++;
        param[to] = pop->param[i];
        dist[to] = pop->dist[i];
    }
    its__free(pop->param);
    its__free(pop->dist);
    pop->param = param;
    pop->dist = dist;
    return ITS_OK;
}

/* The top of the section: parameters (required) and correlations. */
static its_status read_section(const its__yctx *c, int node, its__population *pop)
{
    int params = 0, corrs = 0, cov = 0, les = 0, samp = 0, *order;
    size_t i;
    its_status st = its__population_keys(c, node, &params, &corrs, &cov, &les, &samp);
    if (st != ITS_OK)
        return st;
    if (its__population_from(c->doc, node))
        return its__yc_fail(c, ITS_EPARSE, its__population_from(c->doc, node), "population.from",
                            "the population a trial takes with population.from cannot itself "
                            "come from another file");
    if (samp && (st = read_sampling(c, samp, corrs, pop)) != ITS_OK)
        return st;
    if (!params && !cov && !les)
        return its__yc_fail(c, ITS_EPARSE, node, "population", "missing key 'parameters'");
    if (corrs && !params)
        return its__yc_fail(c, ITS_EPARSE, corrs, "population.correlations",
                            "correlations need population.parameters");
    if (params && (st = read_parameters(c, params, pop)) != ITS_OK)
        return st;
    if (!pop->n)
        return ITS_OK;
    order = its__malloc(pop->n * sizeof *order);
    if (!order)
        return its__yc_nomem(c);
    for (i = 0; i < pop->n; i++)
        order[i] = -1;
    st = corrs ? read_correlations(c, corrs, pop, order) : ITS_OK;
    if (st == ITS_OK)
        st = reorder(c, pop, order);
    its__free(order);
    return st;
}

its_status its__population_read(const its__ydoc *doc, int node, const its_model_def *m,
                                const char *file, its__population **out, char *msg,
                                size_t msglen)
{
    its__yctx c;
    its__population *pop;
    its_status st;
    if (out)
        *out = NULL;
    st = its__yc_begin(&c, doc, m, file, msg, msglen, out != NULL, "its__population_read");
    if (st != ITS_OK)
        return st;
    pop = its__calloc(1, sizeof *pop);
    if (!pop)
        return its__yc_nomem(&c);
    pop->model = m;
    st = read_section(&c, node, pop);
    if (st != ITS_OK) {
        its__population_free(pop);
        return st;
    }
    *out = pop;
    return ITS_OK;
}

void its__population_set_patients(its__population *pop, uint64_t n)
{
    if (pop)
        pop->lhs_n = n;
}

size_t its__population_size(const its__population *pop)
{
    return pop ? pop->n : 0;
}

int its__population_from(const its__ydoc *doc, int node)
{
    return its__ynode_get(doc, node, "from");
}

/* One parameter of an including population: its distribution replaces the
 * source's, or joins the population at the end of the draw order. */
static its_status override_one(const its__yctx *c, int k, int v, const char *name,
                               const char *sub, its__population *pop)
{
    int pi = its_model_param_index(c->m, name), *np;
    its__dist d, *nd;
    size_t j;
    its_status st;
    if (pi < 0)
        return its__yc_fail(c, ITS_ENOTFOUND, k, sub, "'%s' is not a parameter of the model %s",
                            name, c->m->name);
    if ((st = read_dist(c, (size_t)pi, v, sub, &d)) != ITS_OK)
        return st;
    for (j = 0; j < pop->n && pop->param[j] != pi; j++)
        ;
    if (j < pop->n_corr) {
        its__dist_clear(&d);
        return its__yc_fail(c, ITS_EPARSE, k, sub, "correlated in the population it comes from: "
                            "change it there");
    }
    if (j < pop->n) {
        its__dist_clear(&pop->dist[j]);
        pop->dist[j] = d;
        return ITS_OK;
    }
    np = its__realloc(pop->param, (pop->n + 1) * sizeof *np);
    if (np)
        pop->param = np;
    nd = np ? its__realloc(pop->dist, (pop->n + 1) * sizeof *nd) : NULL;
    if (!nd) {
        its__dist_clear(&d);
        return its__yc_nomem(c);
    }
    pop->dist = nd;
    pop->param[pop->n] = pi;
    pop->dist[pop->n++] = d;
    return ITS_OK;
}

its_status its__population_override(its__population *pop, const its__ydoc *doc, int node,
                                    const its_model_def *m, const char *file, char *msg,
                                    size_t msglen)
{
    its__yctx c;
    int params, corrs, cov, les, samp, k, v;
    size_t i, n;
    char sub[300];
    its_status st = its__yc_begin(&c, doc, m, file, msg, msglen, pop != NULL,
                                  "its__population_override");
    if (st != ITS_OK || (st = its__population_keys(&c, node, &params, &corrs, &cov, &les,
                                                   &samp)) != ITS_OK)
        return st;
    if (corrs)
        return its__yc_fail(&c, ITS_EPARSE, corrs, "population.correlations",
                            "not with population.from: the correlations of the population it "
                            "comes from apply");
    if (samp) {
        pop->lhs = 0;
        if ((st = read_sampling(&c, samp, pop->n_corr > 0, pop)) != ITS_OK)
            return st;
    }
    if (!params)
        return ITS_OK;
    if ((st = its__yc_expect(&c, params, ITS__Y_MAPPING, "population.parameters")) != ITS_OK)
        return st;
    n = its__ynode_size(doc, params);
    for (i = 0; i < n; i++) {
        const char *name = its__yc_pair(&c, params, i, "population.parameters", &k, &v, sub, &st);
        if (!name || (st = override_one(&c, k, v, name, sub, pop)) != ITS_OK)
            return st ? st : ITS_EPARSE;
    }
    return ITS_OK;
}

int its__population_lhs(const its__population *pop)
{
    return pop ? pop->lhs : 0;
}

int its__population_correlated(const its__population *pop, size_t i)
{
    return pop && i < pop->n_corr;
}

its_status its__population_set_dist(its__population *pop, size_t i, const its__dist *d)
{
    if (!pop || !d || i >= pop->n || i < pop->n_corr || d->kind == ITS__DIST_DISCRETE ||
        pop->dist[i].kind == ITS__DIST_DISCRETE)
        return ITS_EINVAL;
    pop->dist[i] = *d;
    return ITS_OK;
}

const its__dist *its__population_dist(const its__population *pop, size_t i)
{
    return pop && i < pop->n ? &pop->dist[i] : NULL;
}

int its__population_param(const its__population *pop, size_t i)
{
    return pop && i < pop->n ? pop->param[i] : -1;
}

/* ---- drawing a patient ---------------------------------------------------- */

its_status its__population_draw(const its__population *pop, uint64_t seed, uint64_t patient,
                                uint32_t attempt, double *p, double *drawn, char *msg,
                                size_t msglen)
{
    its__rng_key key;
    char why[512];
    size_t i;
    its_status st;
    if (msg && msglen)
        msg[0] = '\0';
    if (!pop || !p || !drawn) {
        if (msg && msglen)
            its__fmt(msg, msglen, "%s", "its__population_draw: NULL argument");
        return ITS_EINVAL;
    }
    if ((st = its_model_default_params(pop->model, p, msg, msglen)) != ITS_OK)
        return st;
    key.seed = seed;
    key.patient = patient;
    key.purpose = ITS__RNG_PARAMETERS;
    key.stream = attempt;
    if (pop->n_corr)
        its__copula_draw(pop->cop, pop->dist, &key, 0, drawn, NULL);
    for (i = pop->n_corr; i < pop->n; i++) {
        double u = its__rng_u01(&key, i);
        if (pop->lhs && pop->lhs_n > 1 && patient < pop->lhs_n && attempt == 0) {
            /* the patient's stratum of parameter i, then u within it; a
             * replacement draw (attempt > 0) is a plain random one, so a
             * stratum wholly refused cannot stall the trial. Kept inside
             * (0, 1): (N - 1 + U01_MAX)/N rounds to 1 for some N. */
            its__rng_key perm = {seed, 0, ITS__RNG_LHS, (uint32_t)i};
            u = ((double)its__rng_permute(&perm, patient, pop->lhs_n) + u) /
                (double)pop->lhs_n;
            u = fmin(fmax(u, ITS__U01_MIN), ITS__U01_MAX);
        }
        drawn[i] = its__dist_quantile(&pop->dist[i], u);
    }
    for (i = 0; i < pop->n; i++) {
        size_t pi = (size_t)pop->param[i];
        why[0] = '\0';
        if (its_model_check_param(pop->model, pi, drawn[i], why, sizeof why) != ITS_OK) {
            if (msg && msglen)
                its__fmt(msg, msglen, "patient %llu, attempt %lu: the drawn value %.17g is "
                         "refused: %s", (unsigned long long)patient, (unsigned long)attempt,
                         drawn[i], why);
            return ITS_ERANGE;
        }
        p[pi] = drawn[i];
    }
    return ITS_OK;
}
