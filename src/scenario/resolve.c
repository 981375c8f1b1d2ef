/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: resolving a scenario against its model. The raw values become a
 * plan in model units: the parameter vector and the initial state (without
 * creating a simulation: itsim/model.h parameter vectors), the horizon and
 * output grid, the therapy and its administrations, rules and clinical
 * settings. The run layer builds the simulation from the plan. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <string.h>

void its__plan_clear(its__plan *plan)
{
    its__free(plan->rules);
    its__free(plan->source);
    its__free(plan->description);
    its__free(plan->params);
    its__free(plan->initial);
    its__free(plan->therapy);
    its__free(plan->doses);
    its__free(plan->grid);
    memset(plan, 0, sizeof *plan);
}

its_status its__sc_quantity(its_scenario *sc, const sval *v, const char *key,
                           const char *unit, double *out)
{
    char msg[512];
    its_status st;
    if (its__sc_null_text(v->text))
        return its__sc_fail(sc, ITS_EPARSE, v, key, "missing value");
    msg[0] = '\0';
    st = its_quantity_parse(v->text, unit, out, msg, sizeof msg);
    if (st != ITS_OK)
        return its__sc_fail(sc, st, v, key, "%s", msg[0] ? msg : its_strerror(st));
    if (!isfinite(*out))
        return its__sc_fail(sc, ITS_ERANGE, v, key, "'%s' is not a finite number",
                    v->text);
    return ITS_OK;
}

/* A whole number >= 1 written in decimal digits. */
its_status its__sc_whole_number(its_scenario *sc, const sval *v,
                               const char *key, long max, long *out)
{
    const char *s = v->text;
    long n = 0;
    if (its__sc_null_text(s))
        return its__sc_fail(sc, ITS_EPARSE, v, key, "missing value");
    if (*s == '+')
        s++;
    if (*s < '0' || *s > '9')
        return its__sc_fail(sc, ITS_EPARSE, v, key,
                    "expected a whole number >= 1, got '%s'", v->text);
    for (; *s >= '0' && *s <= '9'; s++) {
        if (n > (max - (*s - '0')) / 10)
            return its__sc_fail(sc, ITS_ERANGE, v, key, "'%s' is too large (at most %ld)",
                        v->text, max);
        n = n * 10 + (*s - '0');
    }
    if (*s != '\0')
        return its__sc_fail(sc, ITS_EPARSE, v, key,
                    "expected a whole number >= 1, got '%s'", v->text);
    if (n < 1)
        return its__sc_fail(sc, ITS_ERANGE, v, key, "must be at least 1, got '%s'",
                    v->text);
    *out = n;
    return ITS_OK;
}

/* Names of the model's states/params/inputs/sets for messages. */
void its__sc_name_list(char *buf, size_t n, const its_model_def *m, int what)
{
    size_t i, used = 0, count = what == 0 ? m->n_params :
                                what == 1 ? m->n_states :
                                what == 2 ? m->n_inputs : m->n_sets;
    buf[0] = '\0';
    for (i = 0; i < count && used + 1 < n; i++) {
        const char *nm = what == 0 ? m->params[i].name :
                         what == 1 ? m->states[i].name :
                         what == 2 ? m->inputs[i].name : m->sets[i].name;
        its__fmt(buf + used, n - used, "%s%s", i ? ", " : "", nm);
        used += strlen(buf + used);
    }
    if (count == 0)
        its__fmt(buf, n, "%s", "none");
}

/* patient.KEY in patient_range[k].unit, checked against its range. */
static its_status patient_value(its_scenario *sc, int k, double *out)
{
    char key[32];
    its_status st;
    if (!sc->patient[k].text)
        return ITS_OK;
    its__fmt(key, sizeof key, "patient.%s", patient_keys[k]);
    st = its__sc_quantity(sc, &sc->patient[k], key, patient_range[k].unit, out);
    if (st != ITS_OK)
        return st;
    if (!(*out >= patient_range[k].lo && *out <= patient_range[k].hi))
        return its__sc_fail(sc, ITS_ERANGE, &sc->patient[k], key,
                    "'%s' is outside the plausible human range %g to %g %s",
                    sc->patient[k].text, patient_range[k].lo, patient_range[k].hi,
                    patient_range[k].unit);
    return ITS_OK;
}

/* The patient of the scenario (defaults: 70 kg, 175 cm, Mosteller); weight,
 * height and age are checked whether or not a dose uses them. */
its_status its__sc_patient(its_scenario *sc, its_patient *pt)
{
    its_status st;
    double age = 0.0;
    pt->weight_kg = 70.0;
    pt->height_cm = 175.0;
    pt->bsa = ITS_BSA_MOSTELLER;
    if ((st = patient_value(sc, PT_WEIGHT, &pt->weight_kg)) != ITS_OK ||
        (st = patient_value(sc, PT_HEIGHT, &pt->height_cm)) != ITS_OK ||
        (st = patient_value(sc, PT_AGE, &age)) != ITS_OK)
        return st;
    if (sc->pov && sc->pov->has_patient) { /* a drawn patient (checked when drawn) */
        pt->weight_kg = sc->pov->weight_kg;
        pt->height_cm = sc->pov->height_cm;
    }
    if (sc->patient[PT_BSA].text) {
        if (strcmp(sc->patient[PT_BSA].text, "mosteller") == 0)
            pt->bsa = ITS_BSA_MOSTELLER;
        else if (strcmp(sc->patient[PT_BSA].text, "dubois") == 0)
            pt->bsa = ITS_BSA_DUBOIS;
        else
            return its__sc_fail(sc, ITS_EPARSE, &sc->patient[PT_BSA], "patient.bsa",
                        "unknown body-surface-area formula '%s' (mosteller, dubois)",
                        sc->patient[PT_BSA].text);
    }
    return ITS_OK;
}

static its_status resolve_grid(its_scenario *sc, its__plan *plan);

/* simulate: start, until (or --until), tolerances, method, max_steps,
 * output_every; with final and a horizon, the grid too. */
static its_status resolve_simulate(its_scenario *sc, int final, its__plan *plan,
                                   int *have_t1)
{
    const its_model_def *m = plan->model;
    its_status st;
    const sval *s = sc->sim;

    plan->t0 = 0.0;
    if (s[S_START].text) {
        st = its__sc_quantity(sc, &s[S_START], "simulate.start", m->time_unit, &plan->t0);
        if (st != ITS_OK)
            return st;
    }
    *have_t1 = 1;
    if (sc->has_until_value) {
        plan->t1 = sc->until_value;
    } else if (s[S_UNTIL].text) {
        st = its__sc_quantity(sc, &s[S_UNTIL], "simulate.until", m->time_unit, &plan->t1);
        if (st != ITS_OK)
            return st;
    } else {
        *have_t1 = 0;
        if (final)
            return its__sc_fail(sc, ITS_EPARSE, NULL, "simulate.until",
                        "missing: the end time of the simulation is required "
                        "(e.g. 'simulate: {until: 60 d}' or --until)");
    }
    if (s[S_RTOL].text) {
        plan->has_rtol = 1;
        st = its__sc_quantity(sc, &s[S_RTOL], "simulate.rtol", "", &plan->rtol);
        if (st != ITS_OK)
            return st;
        if (!(plan->rtol > 0.0 && plan->rtol < 1.0))
            return its__sc_fail(sc, ITS_ERANGE, &s[S_RTOL], "simulate.rtol",
                        "must be between 0 and 1 (exclusive), got '%s'",
                        s[S_RTOL].text);
    }
    if (s[S_ATOL].text) {
        plan->has_atol = 1;
        st = its__sc_quantity(sc, &s[S_ATOL], "simulate.atol", "", &plan->atol);
        if (st != ITS_OK)
            return st;
        if (!(plan->atol > 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &s[S_ATOL], "simulate.atol",
                        "must be positive, got '%s'", s[S_ATOL].text);
    }
    plan->method = ITS_METHOD_BDF;
    if (s[S_METHOD].text) {
        if (strcmp(s[S_METHOD].text, "bdf") == 0)
            plan->method = ITS_METHOD_BDF;
        else if (strcmp(s[S_METHOD].text, "adams") == 0)
            plan->method = ITS_METHOD_ADAMS;
        else
            return its__sc_fail(sc, ITS_EPARSE, &s[S_METHOD], "simulate.method",
                        "unknown method '%s' (expected bdf or adams)",
                        s[S_METHOD].text);
    }
    if (s[S_MAX_STEPS].text) {
        plan->has_max_steps = 1;
        st = its__sc_whole_number(sc, &s[S_MAX_STEPS], "simulate.max_steps",
                          2000000000L, &plan->max_steps);
        if (st != ITS_OK)
            return st;
    }
    plan->history = 1;
    if (s[S_HISTORY].text) {
        if (strcmp(s[S_HISTORY].text, "true") == 0 || strcmp(s[S_HISTORY].text, "yes") == 0)
            plan->history = 1;
        else if (strcmp(s[S_HISTORY].text, "false") == 0 || strcmp(s[S_HISTORY].text, "no") == 0)
            plan->history = 0;
        else
            return its__sc_fail(sc, ITS_EPARSE, &s[S_HISTORY], "simulate.history",
                        "expected true or false, got '%s'", s[S_HISTORY].text);
        if (m->history == NULL && plan->history)
            return its__sc_fail(sc, ITS_EPARSE, &s[S_HISTORY], "simulate.history",
                        "model %s has no pre-treatment history", m->name);
    }
    if (s[S_OUTPUT_EVERY].text) {
        st = its__sc_quantity(sc, &s[S_OUTPUT_EVERY], "simulate.output_every",
                      m->time_unit, &plan->dt);
        if (st != ITS_OK)
            return st;
        if (!(plan->dt > 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &s[S_OUTPUT_EVERY],
                        "simulate.output_every",
                        "the output interval must be positive, got '%s'",
                        s[S_OUTPUT_EVERY].text);
    }
    if (!final || !*have_t1)
        return ITS_OK;
    return resolve_grid(sc, plan);
}

/* Cross-checks that depend on the (overridable) horizon, and the output
 * grid. */
static its_status resolve_grid(its_scenario *sc, its__plan *plan)
{
    const its_model_def *m = plan->model;
    const sval *s = sc->sim;
    double tol, n;
    size_t i;

    if (!(plan->t1 > plan->t0)) {
        sval cli;
        const sval *cand[2];
        static const char *const keys[2] = {"simulate.until", "simulate.start"};
        size_t k;
        cand[0] = its__sc_horizon(sc, &cli);
        cand[1] = &s[S_START];
        k = its__sc_blame(cand, 2);
        return its__sc_fail(sc, ITS_ERANGE, k < 2 ? cand[k] : NULL, k < 2 ? keys[k] : "simulate",
                    "the end time %g %s is not after the start time %g %s",
                    plan->t1, m->time_unit, plan->t0, m->time_unit);
    }
    if (!s[S_OUTPUT_EVERY].text)
        plan->dt = (plan->t1 - plan->t0) / 100.0;
    tol = its__time_tol(plan->t0, plan->t1);
    n = its__whole_steps(plan->t1 - plan->t0, plan->dt);
    if (!(n + 2.0 <= MAX_GRID)) {
        /* only a written output_every can be too small for the horizon */
        sval cli;
        const sval *cand[2];
        static const char *const keys[2] = {"simulate.output_every", "simulate.until"};
        size_t k;
        cand[0] = &s[S_OUTPUT_EVERY];
        cand[1] = its__sc_horizon(sc, &cli);
        k = its__sc_blame(cand, 2);
        return its__sc_fail(sc, ITS_ERANGE, k < 2 ? cand[k] : NULL, k < 2 ? keys[k] : "simulate",
                    "an output every %g %s from %g to %g %s would be more than %.0f rows "
                    "(lengthen output_every or shorten the horizon)",
                    plan->dt, m->time_unit, plan->t0, plan->t1, m->time_unit, MAX_GRID);
    }
    plan->n_grid = (size_t)n + 1;
    if (plan->t0 + n * plan->dt < plan->t1 - tol)
        plan->n_grid++;
    plan->grid = its__malloc(plan->n_grid * sizeof *plan->grid);
    if (!plan->grid)
        return its__sc_nomem(sc);
    for (i = 0; i < plan->n_grid; i++)
        plan->grid[i] = fmin(plan->t0 + (double)i * plan->dt, plan->t1);
    plan->grid[plan->n_grid - 1] = plan->t1;
    return ITS_OK;
}

/* NAME: VALUE of a parameter into p, checked against its domain. */
static its_status set_param(its_scenario *sc, const its_model_def *m, double *p, int idx,
                            const sval *v, const char *key)
{
    char msg[512];
    double x;
    its_status st = its__sc_quantity(sc, v, key, m->params[idx].unit, &x);
    if (st != ITS_OK)
        return st;
    st = its_model_check_param(m, (size_t)idx, x, msg, sizeof msg);
    if (st != ITS_OK)
        return its__sc_fail(sc, st, v, key, "%s", msg);
    p[idx] = x;
    return ITS_OK;
}

int its__scenario_history_on(const its_scenario *sc, const its_model_def *m)
{
    const char *v = sc->sim[S_HISTORY].text;
    return m != NULL && m->history != NULL &&
           (v == NULL || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0);
}

/* An explicit initial value, kept in y[idx] (given[idx] set) until the
 * initial state implied by the final parameters is known. */
static its_status set_initial(its_scenario *sc, const its_model_def *m, double *y,
                              unsigned char *given, int idx, const sval *v, const char *key)
{
    double x;
    its_status st = its__sc_quantity(sc, v, key, m->states[idx].unit, &x);
    if (st != ITS_OK)
        return st;
    if (its__scenario_history_on(sc, m) && m->history->target &&
        !m->history->target((size_t)idx, m->data))
        return its__sc_fail(sc, ITS_EPARSE, v, key,
                            "%s is grown by model %s's pre-treatment history (its targets are "
                            "%s): set simulate: {history: false} to start from given values",
                            m->states[idx].name, m->name,
                            m->history->targets ? m->history->targets : "other states");
    if (x < 0.0)
        return its__sc_fail(sc, ITS_ERANGE, v, key,
                            "an initial value cannot be negative, got '%s'", v->text);
    y[idx] = x;
    given[idx] = 1;
    return ITS_OK;
}

/* Apply a --set override: NAME may be "parameters.X", "initial.X" or a bare
 * parameter or state name (parameters first). */
static its_status apply_override(its_scenario *sc, const its_model_def *m, its__plan *plan,
                                 double *y, unsigned char *given, const sentry *o)
{
    const char *name = o->key.text;
    const char *key = o->key.text;
    int p = -1, s = -1;
    char names[512];

    if (strncmp(name, "parameters.", 11) == 0)
        p = its_model_param_index(m, name + 11);
    else if (strncmp(name, "initial.", 8) == 0)
        s = its_model_state_index(m, name + 8);
    else {
        p = its_model_param_index(m, name);
        if (p < 0)
            s = its_model_state_index(m, name);
    }
    if (p >= 0)
        return set_param(sc, m, plan->params, p, &o->val, key);
    if (s >= 0)
        return set_initial(sc, m, y, given, s, &o->val, key);
    its__sc_name_list(names, sizeof names, m, 0);
    return its__sc_fail(sc, ITS_ENOTFOUND, &o->key, key,
                        "not a parameter or state of model %s (parameters: %s)",
                        m->name, names);
}

/* The parameter set: the model's default, or parameter_set. */
static its_status apply_set(its_scenario *sc, its__plan *plan)
{
    const its_model_def *m = plan->model;
    char names[512], msg[512];
    its_status st;
    int k;
    if (!sc->set.text)
        return ITS_OK;
    k = its_model_set_index(m, sc->set.text);
    if (k < 0) {
        its__sc_name_list(names, sizeof names, m, 3);
        return its__sc_fail(sc, ITS_ENOTFOUND, &sc->set, "parameter_set",
                            "unknown parameter set '%s' of model %s (sets: %s)",
                            sc->set.text, m->name, names);
    }
    st = its_model_apply_set(m, sc->set.text, plan->params, msg, sizeof msg);
    if (st != ITS_OK)
        return its__sc_fail(sc, st, &sc->set, "parameter_set", "%s", msg);
    plan->set_name = m->sets[k].name;
    return ITS_OK;
}

/* The parameter values the model's binding of each dosed agent sets (e.g.
 * an antibody's own PK); explicit parameters below still win. A binding
 * value the model refuses is a fault of the model definition, reported at
 * the agent. */
static its_status apply_agent_params(its_scenario *sc, const its_model_def *m, double *p)
{
    char msg[256];
    size_t i, j;
    for (i = 0; i < sc->n_therapy; i++) {
        const its_agent *ag = its_agent_find(sc->therapy[i].f[T_AGENT].text);
        const its_agent_binding *b =
            ag != NULL ? its_model_agent_binding(m, ag->name, ag->substance) : NULL;
        for (j = 0; b != NULL && j < b->n_params; j++) {
            int k = its_model_param_index(m, b->params[j].name);
            its_status st = k < 0 ? ITS_ENOTFOUND
                                  : its_model_check_param(m, (size_t)k, b->params[j].value,
                                                          msg, sizeof msg);
            if (st != ITS_OK) {
                char key[96];
                its__fmt(key, sizeof key, "therapy[%zu].agent", i);
                return its__sc_fail(sc, st, &sc->therapy[i].f[T_AGENT], key,
                                    "model %s's binding for %s sets '%s': %s", m->name,
                                    ag->name, b->params[j].name,
                                    k < 0 ? "no such parameter" : msg);
            }
            p[k] = b->params[j].value;
        }
    }
    return ITS_OK;
}

/* The lesion sites (itsim/model.h, its_site_def): each lesion's organ in
 * clinical.organs (or a drawn patient's) sets that lesion's per-lesion
 * parameters to its site's values. Explicit parameters, applied after,
 * still win. Models without sites take organ names for RECIST only. */
static its_status apply_sites(its_scenario *sc, const its_model_def *m, double *p)
{
    its__clinical c;
    char msg[256], names[512];
    its_status st;
    size_t j;
    if (m->n_sites == 0 || !(sc->clin[C_ORGANS].text || (sc->pov && sc->pov->organs)))
        return ITS_OK;
    memset(&c, 0, sizeof c);
    if ((st = its__sc_organs(sc, m, &c)) != ITS_OK)
        return st;
    for (j = 0; j < c.n_organs; j++) {
        int k = its_model_site_index(m, c.organs[j]);
        if (k < 0) {
            its_model_site_names(m, names, sizeof names);
            return its__sc_fail(sc, ITS_ENOTFOUND, &sc->clin[C_ORGANS], "clinical.organs",
                                "lesion %zu: '%s' is not an organ site of model %s (sites: %s)",
                                j + 1, c.organs[j], m->name, names);
        }
        st = its_model_apply_site(m, (size_t)k, j + 1, p, msg, sizeof msg);
        if (st != ITS_OK)
            return its__sc_fail(sc, st, &sc->clin[C_ORGANS], "clinical.organs", "%s", msg);
    }
    return ITS_OK;
}

/* parameters: and initial: entries and --set overrides, in that order. */
static its_status apply_entries(its_scenario *sc, its__plan *plan, double *y,
                                unsigned char *given)
{
    const its_model_def *m = plan->model;
    char key[256], names[512];
    its_status st = ITS_OK;
    size_t i;
    for (i = 0; i < sc->n_params && st == ITS_OK; i++) {
        const sentry *e = &sc->params[i];
        int k = its_model_param_index(m, e->key.text);
        its__fmt(key, sizeof key, "parameters.%s", e->key.text);
        if (k < 0) {
            its__sc_name_list(names, sizeof names, m, 0);
            return its__sc_fail(sc, ITS_ENOTFOUND, &e->key, key,
                                "unknown parameter '%s' of model %s (parameters: %s)",
                                e->key.text, m->name, names);
        }
        st = set_param(sc, m, plan->params, k, &e->val, key);
    }
    for (i = 0; i < sc->n_initial && st == ITS_OK; i++) {
        const sentry *e = &sc->initial[i];
        int k = its_model_state_index(m, e->key.text);
        its__fmt(key, sizeof key, "initial.%s", e->key.text);
        if (k < 0) {
            its__sc_name_list(names, sizeof names, m, 1);
            return its__sc_fail(sc, ITS_ENOTFOUND, &e->key, key,
                                "unknown state '%s' of model %s (states: %s)",
                                e->key.text, m->name, names);
        }
        st = set_initial(sc, m, y, given, k, &e->val, key);
    }
    for (i = 0; i < sc->n_ovr && st == ITS_OK; i++)
        st = apply_override(sc, m, plan, y, given, &sc->ovr[i]);
    return st;
}

/* plan->params and plan->initial: the model's defaults and parameter set,
 * agents' PK values, parameters and overrides; then the initial state the
 * final parameters imply, with the initial values given explicitly. */
static its_status resolve_values(its_scenario *sc, its__plan *plan)
{
    const its_model_def *m = plan->model;
    const size_t ns = m->n_states;
    unsigned char *given;
    double *y;
    char msg[512];
    its_status st;
    size_t i;

    plan->params = its__calloc(m->n_params + 1, sizeof *plan->params);
    plan->initial = its__calloc(ns + 1, sizeof *plan->initial);
    y = its__calloc(ns + 1, sizeof *y);
    given = its__calloc(ns + 1, 1);
    if (!plan->params || !plan->initial || !y || !given) {
        its__free(y);
        its__free(given);
        return its__sc_nomem(sc);
    }
    (void)its_model_default_params(m, plan->params, NULL, 0);
    st = apply_set(sc, plan);
    if (st == ITS_OK)
        st = apply_agent_params(sc, m, plan->params);
    if (st == ITS_OK)
        st = apply_sites(sc, m, plan->params);
    if (st == ITS_OK)
        st = apply_entries(sc, plan, y, given);
    for (i = 0; st == ITS_OK && sc->pov && i < sc->pov->n_params; i++)
        plan->params[sc->pov->param_idx[i]] = sc->pov->param_val[i]; /* a drawn patient's */
    if (st == ITS_OK) {
        st = its_model_initial_state(m, plan->params, plan->initial, msg, sizeof msg);
        if (st != ITS_OK)
            st = its__sc_fail(sc, st, &sc->model, "initial", "%s", msg);
    }
    for (i = 0; st == ITS_OK && i < ns; i++)
        if (given[i])
            plan->initial[i] = y[i];
    for (i = 0; st == ITS_OK && sc->pov && i < sc->pov->n_init; i++)
        plan->initial[sc->pov->init_idx[i]] = sc->pov->init_val[i];
    its__free(y);
    its__free(given);
    return st;
}

/* With clinical read-outs, the monitoring and assessment times must fit:
 * the error names the interval if the user wrote it, else the horizon. */
static its_status check_clinical_grid(its_scenario *sc, const its__plan *plan)
{
    const its_model_def *m = plan->model;
    const double span = plan->t1 - plan->t0;
    const int mon = !(span / plan->clin.monitor_every <= MAX_GRID);
    const int ck = mon ? C_MONITOR : C_ASSESS_EVERY;
    char ikey[64];
    const char *keys[2];
    const sval *cand[2];
    sval cli;
    size_t k;

    if (!plan->clin.on || (!mon && span / plan->clin.assess_every <= MAX_GRID))
        return ITS_OK;
    its__fmt(ikey, sizeof ikey, "clinical.%s", clinical_keys[ck]);
    keys[0] = ikey;
    keys[1] = "simulate.until";
    cand[0] = &sc->clin[ck];
    cand[1] = its__sc_horizon(sc, &cli);
    k = its__sc_blame(cand, 2);
    return its__sc_fail(sc, ITS_ERANGE, k < 2 ? cand[k] : NULL, k < 2 ? keys[k] : "clinical",
                        "more than %.0f %s from %g to %g %s at %s = %g %s%s (lengthen the "
                        "interval or shorten the horizon)", MAX_GRID,
                        mon ? "monitoring times" : "assessments", plan->t0, plan->t1,
                        m->time_unit, ikey,
                        mon ? plan->clin.monitor_every : plan->clin.assess_every, m->time_unit,
                        sc->clin[ck].text ? "" : ", the default");
}

/* The model named by the scenario into plan (with its name and
 * description); ITS_OK with plan->model NULL when there is none and that
 * is allowed (not final). */
static its_status resolve_model(its_scenario *sc, int final, its__plan *plan)
{
    char names[512];
    const its_model_def *m;
    if (!sc->model.text) {
        if (!final)
            return ITS_OK;
        return its__sc_fail(sc, ITS_EPARSE, NULL, "model",
                            "missing: name the model with 'model: NAME' or --model");
    }
    m = sc->pov && sc->pov->model ? sc->pov->model : its_model_find(sc->model.text);
    if (!m) {
        its_model_names(names, sizeof names); /* variants as ranges: "tme, tme:1 to tme:8" */
        return its__sc_fail(sc, ITS_ENOTFOUND, &sc->model, "model",
                            "unknown model '%s' (models: %s)", sc->model.text, names);
    }
    plan->model = m;
    plan->set_name = m->default_set;
    plan->source = its__strdup(sc->name ? sc->name : "scenario");
    if (!plan->source)
        return its__sc_nomem(sc);
    if (sc->description.text && !(plan->description = its__strdup(sc->description.text)))
        return its__sc_nomem(sc);
    return ITS_OK;
}

/* The therapy items in model units. */
static its_status resolve_therapy(its_scenario *sc, its__plan *plan)
{
    its_status st = ITS_OK;
    size_t i;
    if (sc->n_therapy) {
        plan->therapy = its__calloc(sc->n_therapy, sizeof *plan->therapy);
        if (!plan->therapy)
            return its__sc_nomem(sc);
        plan->n_therapy = sc->n_therapy;
    }
    for (i = 0; i < sc->n_therapy && st == ITS_OK; i++)
        st = its__sc_therapy(sc, plan->model, i, plan->t0, &plan->therapy[i]);
    return st;
}

/* Their administrations inside the horizon, item by item. Times that
 * differ only by round-off (0.1 + 0.2 vs 0.3) are merged into one instant
 * by the engine itself (its__same_instant). */
static its_status resolve_doses(its_scenario *sc, its__plan *plan)
{
    its_status st = ITS_OK;
    size_t i, cap = 0;
    for (i = 0; i < sc->n_therapy && st == ITS_OK; i++)
        st = its__sc_expand(sc, plan, i, &cap);
    return st;
}

its_status its__sc_resolve(its_scenario *sc, int final, its__plan *plan)
{
    its_patient pt; /* always checked, used by doses per kg or m2 */
    its_status st;
    int have_t1 = 0;

    memset(plan, 0, sizeof *plan);
    st = its__sc_patient(sc, &pt);
    if (st == ITS_OK)
        st = resolve_model(sc, final, plan);
    if (st != ITS_OK || !plan->model) {
        its__plan_clear(plan);
        return st;
    }
    st = resolve_values(sc, plan);
    if (st == ITS_OK)
        st = resolve_simulate(sc, final, plan, &have_t1);
    /* the therapy items are checked before the rules and clinical settings,
     * their administrations after them */
    if (st == ITS_OK)
        st = resolve_therapy(sc, plan);
    if (st == ITS_OK)
        st = its__sc_rules(sc, plan->model, plan);
    if (st == ITS_OK)
        st = its__sc_clinical(sc, plan->model, &plan->clin);
    if (st == ITS_OK && final && have_t1)
        st = check_clinical_grid(sc, plan);
    if (st == ITS_OK && final && have_t1)
        st = resolve_doses(sc, plan);
    if (st != ITS_OK)
        its__plan_clear(plan);
    return st;
}
