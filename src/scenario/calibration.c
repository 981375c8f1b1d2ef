/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the `calibration:` section of a trial file (docs/calibration.md,
 * "The calibration file"): which population parameters are calibrated,
 * the published targets with their confidence intervals, and the sizes of
 * the pools, the optimiser and the validation trial. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <string.h>

const char *const its__measure_names[ITS__MEASURE_N] = {"orr", "cr", "grade3plus",
                                                        "median_doses_cycle1", "pfs_median", "pfs_at",
                                                        "cr_share", "ttr_median", "dor_median"};

enum { CK_POOL, CK_ROUNDS, CK_VALIDATE, CK_MIN_ESS, CK_STARTS, CK_MAX_EVALS, CK_VARY, CK_TARGETS,
       CK_CHECKS, CK_N };
static const char *const keys[CK_N] = {"pool",      "rounds",    "validate", "min_ess", "starts",
                                      "max_evals", "vary",      "targets",  "checks"};

enum { CT_ID, CT_ARM, CT_MEASURE, CT_VALUE, CT_CI, CT_RANGE, CT_AT, CT_SOURCE, CT_N };
static const char *const tkeys[CT_N] = {"id", "arm", "measure", "value", "ci", "range", "at", "source"};

/* A whole number in [lo, hi] at node (key names it). */
static its_status whole(const its__yctx *c, int node, const char *key, double lo, double hi,
                        double *out)
{
    its_status st = its__yc_quantity(c, node, key, "1", out);
    if (st != ITS_OK)
        return st;
    if (!(*out >= lo && *out <= hi && *out == floor(*out)))
        return its__yc_fail(c, ITS_ERANGE, node, key, "a whole number in [%.0f, %.0f]", lo, hi);
    return ITS_OK;
}

/* The plausible range of a calibrated parameter: the support of its
 * prior, which must be bounded and positive (log-uniform, a positive
 * uniform, a truncated lognormal with both bounds). */
static its_status prior_range(const its__yctx *c, int node, const char *key, const its__dist *d,
                              double *lo, double *hi)
{
    switch (d->kind) {
    case ITS__DIST_LOGUNIFORM:
    case ITS__DIST_UNIFORM:
        *lo = d->p[0];
        *hi = d->p[1];
        break;
    case ITS__DIST_TRUNCLOGNORMAL:
        *lo = exp(d->p[2]);
        *hi = exp(d->p[3]);
        break;
    default:
        *lo = *hi = NAN;
    }
    if (!(*lo > 0.0) || !isfinite(*hi))
        return its__yc_fail(c, ITS_ERANGE, node, key,
                            "a calibrated parameter needs a bounded positive prior (loguniform, "
                            "a uniform above 0, or a lognormal with lower > 0 and upper)");
    return ITS_OK;
}

static its_status read_vary(const its__yctx *c, int node, const its__population *pop,
                            its__calib_spec *s)
{
    int params = its__ynode_get(c->doc, its__ynode_get(c->doc, its__ydoc_root(c->doc), "population"),
                         "parameters");
    size_t i, j, n;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "calibration.vary")) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, node);
    if (n == 0 || n > ITS__CALIB_MAX_VARY)
        return its__yc_fail(c, ITS_ERANGE, node, "calibration.vary",
                            "give 1 to %d population parameters", ITS__CALIB_MAX_VARY);
    for (i = 0; i < n; i++) {
        int item = its__ynode_item(c->doc, node, i);
        const char *name = its__yc_text(c, item, "calibration.vary", &st);
        char key[300];
        size_t d = its__population_size(pop);
        if (!name)
            return st;
        its__fmt(key, sizeof key, "calibration.vary.%s", name);
        for (j = 0; j < its__population_size(pop); j++)
            if (strcmp(c->m->params[its__population_param(pop, j)].name, name) == 0)
                d = j;
        if (d == its__population_size(pop))
            return its__yc_fail(c, ITS_ENOTFOUND, item, key,
                                "not drawn by population.parameters (a calibrated parameter "
                                "is one the population draws)");
        if (its__population_correlated(pop, d))
            return its__yc_fail(c, ITS_ERANGE, item, key,
                                "a correlated parameter cannot be calibrated alone");
        for (j = 0; j < s->n_vary; j++)
            if (s->vary[j] == d)
                return its__yc_fail(c, ITS_EPARSE, item, key, "given twice");
        if ((st = prior_range(c, item, key, its__population_dist(pop, d), &s->lo[s->n_vary],
                              &s->hi[s->n_vary])) != ITS_OK)
            return st;
        if (!its__ynode_get(c->doc, params, name))
            return its__yc_fail(c, ITS_EPARSE, item, key,
                                "its prior is not in this file's population.parameters (it "
                                "comes from population.from): give it here to calibrate it");
        its__ynode_pos(c->doc, its__ynode_get(c->doc, params, name), &s->line[s->n_vary],
                       &s->col[s->n_vary]);
        s->vary[s->n_vary++] = d;
    }
    return ITS_OK;
}

/* A proportion (a fraction or a percentage) at node. */
static its_status fraction(const its__yctx *c, int node, const char *key, double *out)
{
    its_status st = its__yc_quantity(c, node, key, "1", out);
    if (st == ITS_OK && !(*out >= 0.0 && *out <= 1.0))
        return its__yc_fail(c, ITS_ERANGE, node, key, "a proportion in [0, 1] (or 0 %% to 100 %%)");
    return st;
}

/* A target's number at node in the unit of measure m: a proportion (a
 * fraction or a percentage), a dose count, or a time in days (the unit of
 * the trial read-outs it is compared with). */
static its_status number(const its__yctx *c, int node, const char *key, its__measure m,
                         double *out)
{
    its_status st;
    if (its__measure_is_time(m)) {
        st = its__yc_quantity(c, node, key, "d", out);
        if (st == ITS_OK && !(*out > 0.0))
            return its__yc_fail(c, ITS_ERANGE, node, key, "a time > 0");
        return st;
    }
    return m == ITS__MEASURE_DOSES_C1 ? its__yc_quantity(c, node, key, "1", out)
                                      : fraction(c, node, key, out);
}

/* [lo, hi] at node: two numbers in the unit of measure m. */
static its_status pair(const its__yctx *c, int node, const char *key, its__measure m,
                       double *lo, double *hi)
{
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, key)) != ITS_OK)
        return st;
    if (its__ynode_size(c->doc, node) != 2)
        return its__yc_fail(c, ITS_EPARSE, node, key, "give [low, high]");
    st = number(c, its__ynode_item(c->doc, node, 0), key, m, lo);
    if (st == ITS_OK)
        st = number(c, its__ynode_item(c->doc, node, 1), key, m, hi);
    if (st == ITS_OK && !(*lo < *hi))
        return its__yc_fail(c, ITS_ERANGE, node, key, "low (%g) must be < high (%g)", *lo, *hi);
    return st;
}

/* its-long: one target's keys, each checked against the trial in turn. */
static its_status read_target(const its__yctx *c, int node, const char *sec, size_t i,
                              const its_scenario *sc, its__calib_target *t)
{
    int at[CT_N];
    char key[300];
    const char *txt;
    size_t a, n_arms = its_scenario_arm_count(sc);
    its_status st;
    its__fmt(key, sizeof key, "calibration.%s[%zu]", sec, i);
    if ((st = its__yc_keys(c, node, key, tkeys, CT_N, at)) != ITS_OK)
        return st;
    its__ynode_pos(c->doc, node, &t->line, &t->col);
    if (!at[CT_ID] || !at[CT_ARM] || !at[CT_MEASURE] || !at[CT_SOURCE] ||
        !(at[CT_VALUE] && at[CT_CI]) == !at[CT_RANGE])
        return its__yc_fail(c, ITS_EPARSE, node, key,
                            "a target has id, arm, measure, source and either value with ci "
                            "or range");
    if (!(txt = its__yc_text(c, at[CT_ID], key, &st)))
        return st;
    if (strlen(txt) >= sizeof t->id)
        return its__yc_fail(c, ITS_ERANGE, at[CT_ID], key, "an id of at most %zu characters",
                            sizeof t->id - 1);
    its__fmt(t->id, sizeof t->id, "%s", txt);
    its__fmt(key, sizeof key, "calibration.%s.%s", sec, t->id);
    if (!(txt = its__yc_text(c, at[CT_ARM], key, &st)))
        return st;
    for (a = 0; a < n_arms; a++)
        if (strcmp(txt, its_scenario_arm_name(sc, a)) == 0 ||
            strcmp(txt, its_scenario_arm_id(sc, a)) == 0)
            break;
    if (a == n_arms)
        return its__yc_fail(c, ITS_ENOTFOUND, at[CT_ARM], key, "'%s' is not an arm of the trial",
                            txt);
    t->arm = a;
    if (!(txt = its__yc_text(c, at[CT_MEASURE], key, &st)))
        return st;
    for (t->measure = 0; t->measure < ITS__MEASURE_N &&
                         strcmp(txt, its__measure_names[t->measure]) != 0;
         t->measure++)
        ;
    if (t->measure == ITS__MEASURE_N)
        return its__yc_fail(c, ITS_EPARSE, at[CT_MEASURE], key,
                            "unknown measure '%s' (expected orr, cr, grade3plus, "
                            "median_doses_cycle1, pfs_median, pfs_at, cr_share, ttr_median "
                            "or dor_median)", txt);
    t->at = NAN;
    if ((t->measure == ITS__MEASURE_PFS_AT) != (at[CT_AT] != 0))
        return its__yc_fail(c, ITS_EPARSE, at[CT_AT] ? at[CT_AT] : at[CT_MEASURE], key,
                            at[CT_AT] ? "`at` belongs to the measure pfs_at only"
                                      : "pfs_at needs `at`: the time of the landmark");
    if (at[CT_AT] &&
        (st = number(c, at[CT_AT], key, ITS__MEASURE_PFS_MEDIAN, &t->at)) != ITS_OK)
        return st;
    if (!(txt = its__yc_text(c, at[CT_SOURCE], key, &st)))
        return st;
    its__fmt(t->source, sizeof t->source, "%s", txt);
    t->range = at[CT_RANGE] != 0;
    if (t->range) {
        t->value = NAN;
        return pair(c, at[CT_RANGE], key, t->measure, &t->lo, &t->hi);
    }
    if (t->measure == ITS__MEASURE_DOSES_C1)
        return its__yc_fail(c, ITS_EPARSE, at[CT_VALUE], key,
                            "median_doses_cycle1 takes a range: [low, high]");
    if ((st = number(c, at[CT_VALUE], key, t->measure, &t->value)) != ITS_OK ||
        (st = pair(c, at[CT_CI], key, t->measure, &t->lo, &t->hi)) != ITS_OK)
        return st;
    if (!(t->lo <= t->value && t->value <= t->hi))
        return its__yc_fail(c, ITS_ERANGE, at[CT_CI], key,
                            "the value (%g) must lie in its CI [%g, %g]", t->value, t->lo, t->hi);
    return ITS_OK;
}

/* The targets (check 0) or checks (check 1) at node, appended to s. */
static its_status read_targets(const its__yctx *c, int node, const its_scenario *sc, int check,
                               its__calib_spec *s)
{
    const char *sec = check ? "checks" : "targets";
    char key[64];
    size_t i, j, n;
    its_status st;
    its__fmt(key, sizeof key, "calibration.%s", sec);
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, key)) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, node);
    if ((n == 0 && !check) || s->n_targets + n > ITS__CALIB_MAX_TARGETS)
        return its__yc_fail(c, ITS_ERANGE, node, key, "give 1 to %d targets and checks",
                            ITS__CALIB_MAX_TARGETS);
    for (i = 0; i < n; i++) {
        its__calib_target *t = &s->targets[s->n_targets];
        if ((st = read_target(c, its__ynode_item(c->doc, node, i), sec, i, sc, t)) != ITS_OK)
            return st;
        t->check = check;
        s->n_checks += (size_t)check;
        for (j = 0; j < s->n_targets; j++)
            if (strcmp(s->targets[j].id, t->id) == 0)
                return its__yc_fail(c, ITS_EPARSE, its__ynode_item(c->doc, node, i), key,
                                    "the id '%s' is given twice", t->id);
        s->n_targets++;
    }
    return ITS_OK;
}

its_status its__calib_read(const its__ydoc *doc, int node, const its_model_def *m,
                           const char *file, const its__population *pop,
                           const its_scenario *sc, long patients, its__calib_spec **out,
                           char *msg, size_t msglen)
{
    its__yctx c;
    its__calib_spec *s;
    int at[CK_N];
    double x;
    its_status st = its__yc_begin(&c, doc, m, file, msg, msglen, out != NULL, "calibration");
    if (st != ITS_OK)
        return st;
    *out = NULL;
    if ((st = its__yc_keys(&c, node, "calibration", keys, CK_N, at)) != ITS_OK)
        return st;
    if (!at[CK_VARY] || !at[CK_TARGETS])
        return its__yc_fail(&c, ITS_EPARSE, node, "calibration",
                            "missing key '%s' (a calibration has vary and targets)",
                            at[CK_VARY] ? "targets" : "vary");
    if (!pop)
        return its__yc_fail(&c, ITS_EPARSE, node, "calibration",
                            "a calibration needs population.parameters to calibrate");
    if (!(s = its__calloc(1, sizeof *s)))
        return its__yc_nomem(&c);
    s->pool = patients;
    s->rounds = 2;
    s->validate = 1000;
    s->starts = 8;
    s->max_evals = 2000;
    s->min_ess = NAN;
    if (at[CK_POOL] && (st = whole(&c, at[CK_POOL], "calibration.pool", 20, 1e6, &x)) == ITS_OK)
        s->pool = (long)x;
    if (st == ITS_OK && at[CK_ROUNDS] &&
        (st = whole(&c, at[CK_ROUNDS], "calibration.rounds", 1, 10, &x)) == ITS_OK)
        s->rounds = (int)x;
    if (st == ITS_OK && at[CK_VALIDATE] &&
        (st = whole(&c, at[CK_VALIDATE], "calibration.validate", 0, 1e6, &x)) == ITS_OK)
        s->validate = (long)x;
    if (st == ITS_OK && at[CK_STARTS] &&
        (st = whole(&c, at[CK_STARTS], "calibration.starts", 1, 256, &x)) == ITS_OK)
        s->starts = (int)x;
    if (st == ITS_OK && at[CK_MAX_EVALS] &&
        (st = whole(&c, at[CK_MAX_EVALS], "calibration.max_evals", 10, 1e6, &x)) == ITS_OK)
        s->max_evals = (long)x;
    if (st == ITS_OK && at[CK_MIN_ESS] &&
        (st = whole(&c, at[CK_MIN_ESS], "calibration.min_ess", 2, 1e6, &x)) == ITS_OK)
        s->min_ess = x;
    if (st == ITS_OK && isnan(s->min_ess))
        s->min_ess = fmax(10.0, 0.1 * (double)s->pool); /* a tenth of a pool */
    if (st == ITS_OK)
        st = read_vary(&c, at[CK_VARY], pop, s);
    if (st == ITS_OK)
        st = read_targets(&c, at[CK_TARGETS], sc, 0, s);
    if (st == ITS_OK && at[CK_CHECKS])
        st = read_targets(&c, at[CK_CHECKS], sc, 1, s);
    if (st != ITS_OK) {
        its__free(s);
        return st;
    }
    *out = s;
    return ITS_OK;
}
