/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the protocol settings of a scenario: dose rules ("hold_if",
 * "reduce_if", "stop_if" on a state, an observable or a CTCAE grade) and the
 * clinical read-out settings (docs/clinical.md), checked and converted to
 * model units. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <string.h>

/* Compile the rules: "STATE > VALUE" or "STATE < VALUE" (VALUE in the
 * state's unit, or with a unit), an action and an optional input. */
its_status its__sc_rules(its_scenario *sc, const its_model_def *m, its__plan *plan)
{
    size_t i;
    if (sc->n_rules == 0)
        return ITS_OK;
    plan->rules = its__calloc(sc->n_rules, sizeof *plan->rules);
    if (!plan->rules)
        return its__sc_nomem(sc);
    plan->n_rules = sc->n_rules;
    for (i = 0; i < sc->n_rules; i++) {
        const sitem *r = &sc->rules[i];
        its__rule *c = &plan->rules[i];
        const sval *cond = NULL;
        char key[64], name[64], msg[256];
        const char *t, *op;
        size_t len;
        int a, n_actions = 0;
        its_status st;

        for (a = R_HOLD; a <= R_STOP; a++)
            if (r->f[a].text) {
                cond = &r->f[a];
                c->action = a == R_HOLD ? 0 : a == R_REDUCE ? 1 : 2;
                its__fmt(key, sizeof key, "rules[%zu].%s", i, rule_keys[a]);
                n_actions++;
            }
        if (n_actions != 1) {
            its__fmt(key, sizeof key, "rules[%zu]", i);
            return its__sc_fail(sc, ITS_EPARSE, &r->at, key,
                        "give exactly one of hold_if, reduce_if, stop_if");
        }
        t = cond->text;
        op = strpbrk(t, "<>");
        if (!op)
            return its__sc_fail(sc, ITS_EPARSE, cond, key,
                        "expected 'NAME > VALUE' or 'NAME < VALUE' (NAME a state, an "
                        "observable or grade.TERM), got '%s'", t);
        len = (size_t)(op - t);
        while (len > 0 && t[len - 1] == ' ')
            len--;
        while (len > 0 && *t == ' ') {
            t++;
            len--;
        }
        if (len == 0 || len >= sizeof name)
            return its__sc_fail(sc, ITS_EPARSE, cond, key, "no state before '%c'", *op);
        memcpy(name, t, len);
        name[len] = '\0';
        c->op = *op == '>' ? 1 : -1;
        c->or_equal = op[1] == '=';
        c->grade = -1;
        c->obs = -1;
        c->state = -1;
        if (strncmp(name, "grade.", 6) == 0) {
            /* grade.TERM: the current CTCAE grade of a term (docs/clinical.md) */
            int kt;
            for (kt = 0; kt < ITS_AE_NTERMS; kt++)
                if (strcmp(name + 6, its_ae_term_id((its_ae_term)kt)) == 0)
                    c->grade = kt;
            if (c->grade < 0)
                return its__sc_fail(sc, ITS_ENOTFOUND, cond, key,
                            "unknown CTCAE term '%s' (hypotension, fever, flu_like, fatigue, "
                            "neutropenia, irae, weight_gain, creatinine, alt, ast, "
                            "bilirubin, platelets, nausea, vomiting)", name + 6);
            if (its_model_observable_index_by_role(m, its_ae_term_role((its_ae_term)c->grade)) < 0)
                return its__sc_fail(sc, ITS_ENOTFOUND, cond, key,
                            "model %s has no observable to grade %s", m->name, name + 6);
            st = its_quantity_parse(op + 1 + c->or_equal, "1", &c->value, msg, sizeof msg);
        } else {
            c->state = its_model_state_index(m, name);
            c->obs = c->state < 0 ? its_model_observable_index(m, name) : -1;
            if (c->state < 0 && c->obs < 0)
                return its__sc_fail(sc, ITS_ENOTFOUND, cond, key,
                            "unknown state or observable '%s' of model %s", name, m->name);
            st = its_quantity_parse(op + 1 + c->or_equal,
                                    c->state >= 0 ? m->states[c->state].unit
                                                  : m->observables[c->obs].unit,
                                    &c->value, msg, sizeof msg);
        }
        if (st != ITS_OK)
            return its__sc_fail(sc, st, cond, key, "%s", msg);
        its__fmt(c->text, sizeof c->text, "%s", cond->text);
        c->factor = c->action == 1 ? 0.5 : 0.0;
        if (r->f[R_FACTOR].text) {
            its__fmt(key, sizeof key, "rules[%zu].factor", i);
            if (c->action != 1)
                return its__sc_fail(sc, ITS_EPARSE, &r->f[R_FACTOR], key, "'factor' goes with reduce_if");
            st = its__sc_quantity(sc, &r->f[R_FACTOR], key, "1", &c->factor);
            if (st != ITS_OK)
                return st;
            if (!(c->factor >= 0.0 && c->factor <= 1.0))
                return its__sc_fail(sc, ITS_ERANGE, &r->f[R_FACTOR], key, "a factor between 0 and 1");
        }
        c->input = -1;
        if (r->f[R_APPLIES].text) {
            its__fmt(key, sizeof key, "rules[%zu].applies_to", i);
            c->input = its_model_input_index(m, r->f[R_APPLIES].text);
            if (c->input < 0)
                return its__sc_fail(sc, ITS_ENOTFOUND, &r->f[R_APPLIES], key,
                            "unknown input '%s' of model %s", r->f[R_APPLIES].text, m->name);
        }
    }
    return ITS_OK;
}

/* A clinical setting: a time (converted to model units) that must be
 * positive, or >= 0 when zero_ok. */
static its_status clin_time(its_scenario *sc, const its_model_def *m, int k, int zero_ok,
                            double *out)
{
    char key[64];
    its_status st;
    if (!sc->clin[k].text)
        return ITS_OK;
    its__fmt(key, sizeof key, "clinical.%s", clinical_keys[k]);
    st = its__sc_quantity(sc, &sc->clin[k], key, m->time_unit, out);
    if (st != ITS_OK)
        return st;
    if (!(zero_ok ? *out >= 0.0 : *out > 0.0))
        return its__sc_fail(sc, ITS_ERANGE, &sc->clin[k], key, "must be %s, got '%s'",
                    zero_ok ? "zero or positive" : "positive", sc->clin[k].text);
    return ITS_OK;
}

/* A value in days, in model time units (for defaults). */
static double days_in(const its_model_def *m, double days)
{
    double v = days;
    if (its_unit_convert(days, "d", m->time_unit, &v, NULL, 0) != ITS_OK)
        return days;
    return v;
}

/* clinical.organs: "lung, liver, lung", one organ per lesion. */
its_status its__sc_organs(its_scenario *sc, const its_model_def *m, its__clinical *c)
{
    const sval *v = sc->clin;
    const char *p = sc->pov && sc->pov->organs ? sc->pov->organs : v[C_ORGANS].text;
    size_t n_les = 0, i;
    for (i = 0; i < m->n_observables; i++)
        n_les += m->observables[i].role == ITS_OBS_LESION_DIAMETER;
    while (*p) {
        size_t len;
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        len = strcspn(p, ",");
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (c->n_organs >= ITS__MAX_LESIONS || len == 0 || len >= sizeof c->organs[0])
            return its__sc_fail(sc, ITS_ERANGE, &v[C_ORGANS], "clinical.organs",
                                "expected up to %d organ names of under 32 characters, "
                                "one per lesion", ITS__MAX_LESIONS);
        memcpy(c->organs[c->n_organs], p, len);
        c->organs[c->n_organs][len] = '\0';
        c->n_organs++;
        p += len;
        while (*p == ' ')
            p++;
    }
    if (c->n_organs != n_les)
        return its__sc_fail(sc, ITS_ERANGE, &v[C_ORGANS], "clinical.organs",
                            "%zu organ names for %zu lesions of model %s", c->n_organs, n_les,
                            m->name);
    return ITS_OK;
}

its_status its__sc_clinical(its_scenario *sc, const its_model_def *m, its__clinical *c)
{
    const sval *v = sc->clin;
    its_status st = ITS_OK;
    int k;

    memset(c, 0, sizeof *c);
    c->on = m->n_observables > 0 && m->observe != NULL;
    for (k = 0; k < C_N && !c->on; k++)
        if (v[k].text)
            return its__sc_fail(sc, ITS_EINVAL, &v[k], "clinical",
                        "model %s has no observables for clinical read-outs", m->name);
    if (!c->on)
        return ITS_OK;
    /* RECIST's defaults (its_recist_opts_default, in days) in model units */
    its_recist_opts_default(&c->recist);
    c->recist.confirm_after = days_in(m, c->recist.confirm_after);
    c->recist.sd_min = days_in(m, c->recist.sd_min);
    c->recist.drr_onset = days_in(m, c->recist.drr_onset);
    c->recist.drr_duration = days_in(m, c->recist.drr_duration);
    c->assess_every = days_in(m, 56.0);
    c->monitor_every = days_in(m, 1.0 / 24.0);
    c->anc_lln = ITS_ANC_LLN_DEFAULT;
    c->lethal_burden = 1e12;
    if ((st = clin_time(sc, m, C_ASSESS_EVERY, 0, &c->assess_every)) != ITS_OK ||
        (st = clin_time(sc, m, C_CONFIRM, 1, &c->recist.confirm_after)) != ITS_OK ||
        (st = clin_time(sc, m, C_SD_MIN, 1, &c->recist.sd_min)) != ITS_OK ||
        (st = clin_time(sc, m, C_MONITOR, 0, &c->monitor_every)) != ITS_OK)
        return st;
    c->first_assess = c->assess_every;
    if ((st = clin_time(sc, m, C_FIRST, 0, &c->first_assess)) != ITS_OK)
        return st;
    if (v[C_ANC_LLN].text) {
        st = its__sc_quantity(sc, &v[C_ANC_LLN], "clinical.anc_lln", "1e9/L", &c->anc_lln);
        if (st != ITS_OK)
            return st;
        if (!(c->anc_lln > 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &v[C_ANC_LLN], "clinical.anc_lln", "must be positive");
    }
    if (v[C_LETHAL].text) {
        st = its__sc_quantity(sc, &v[C_LETHAL], "clinical.lethal_burden", "cell", &c->lethal_burden);
        if (st != ITS_OK)
            return st;
        if (!(c->lethal_burden >= 0.0))
            return its__sc_fail(sc, ITS_ERANGE, &v[C_LETHAL], "clinical.lethal_burden",
                        "must be zero (no disease death) or positive");
    }
    if (v[C_MEASURABLE].text) {
        st = its__sc_quantity(sc, &v[C_MEASURABLE], "clinical.measurable", "mm", &c->recist.measurable_mm);
        if (st != ITS_OK)
            return st;
    }
    if (v[C_DETECT].text) {
        st = its__sc_quantity(sc, &v[C_DETECT], "clinical.detection_limit", "mm", &c->recist.detect_mm);
        if (st != ITS_OK)
            return st;
    }
    if (!(c->recist.measurable_mm > 0.0 && c->recist.detect_mm >= 0.0 &&
          c->recist.detect_mm <= c->recist.measurable_mm))
        return its__sc_fail(sc, ITS_ERANGE, v[C_DETECT].text ? &v[C_DETECT] : &v[C_MEASURABLE],
                    "clinical", "need 0 <= detection_limit <= measurable (mm)");
    c->recist.new_lesion_mm = c->recist.measurable_mm;
    if (v[C_STOP_PD].text) {
        if (strcmp(v[C_STOP_PD].text, "true") == 0 || strcmp(v[C_STOP_PD].text, "yes") == 0)
            c->stop_at_pd = 1;
        else if (strcmp(v[C_STOP_PD].text, "false") != 0 && strcmp(v[C_STOP_PD].text, "no") != 0)
            return its__sc_fail(sc, ITS_EPARSE, &v[C_STOP_PD], "clinical.stop_at_progression",
                        "expected true or false, got '%s'", v[C_STOP_PD].text);
    }
    if (v[C_ORGANS].text || (sc->pov && sc->pov->organs))
        return its__sc_organs(sc, m, c);
    return ITS_OK;
}
