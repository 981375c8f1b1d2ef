/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the model registry. Every built-in model is complete (units,
 * sources, consistent inputs and sets) and its analytic Jacobian agrees with
 * finite differences of its right-hand side. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

static void check_metadata(const its_model_def *m)
{
    size_t i, j;
    its_unit u, time;
    char msg[256];
    int ok = 1;
    size_t bad = 0;

    ok = its_unit_parse(m->time_unit, &time, msg, sizeof msg) == ITS_OK &&
         time.dim[ITS_DIM_TIME] == 1;
    its_test_true(ok, "%s: time unit '%s' is a time", m->name, m->time_unit);
    for (i = 0; i < m->n_params; i++) {
        const its_param_def *p = &m->params[i];
        ok = p->unit != NULL && its_unit_parse(p->unit, &u, msg, sizeof msg) == ITS_OK &&
             p->source != NULL && strlen(p->source) > 3 && p->description != NULL &&
             strlen(p->description) > 3 && isfinite(p->value);
        if (!ok) {
            its_test_true(0, "%s parameter %s: unit, source, description (%s)",
                          m->name, p->name, msg);
            bad++;
        }
        for (j = 0; j < i; j++)
            if (strcmp(m->params[j].name, p->name) == 0) {
                its_test_true(0, "%s: duplicate parameter %s", m->name, p->name);
                bad++;
            }
    }
    /* Fails with any parameter reported above (issue 10: it asserted 1). */
    its_test_true(bad == 0 && m->n_params > 0,
                  "%s: all %zu parameters have units, sources, descriptions, unique names",
                  m->name, m->n_params);
    for (i = 0; i < m->n_states; i++) {
        const its_state_def *s = &m->states[i];
        ok = its_unit_parse(s->unit, &u, msg, sizeof msg) == ITS_OK &&
             s->initial >= 0.0 && s->floor >= 0.0;
        its_test_true(ok, "%s state %s: unit '%s', initial %g", m->name, s->name,
                      s->unit, s->initial);
    }
    for (i = 0; i < m->n_inputs; i++) {
        const its_input_def *in = &m->inputs[i];
        int si = its_model_state_index(m, in->state);
        its_unit a, b;
        ok = si >= 0 && its_unit_parse(in->unit, &a, msg, sizeof msg) == ITS_OK &&
             its_unit_parse(m->states[si].unit, &b, msg, sizeof msg) == ITS_OK;
        if (ok && in->volume != NULL) {
            /* amount / volume must be the target's unit */
            int vi = its_model_param_index(m, in->volume), d;
            its_unit vu;
            ok = vi >= 0 && its_unit_parse(m->params[vi].unit, &vu, msg, sizeof msg) == ITS_OK;
            for (d = 0; ok && d < ITS_UNIT_NDIM; d++)
                ok = a.dim[d] - vu.dim[d] == b.dim[d];
        } else if (ok) {
            ok = in->scale != 1.0 || its_unit_compatible(&a, &b);
        }
        its_test_true(ok, "%s input %s -> %s: unit '%s' consistent", m->name,
                      in->name, in->state, in->unit);
    }
    for (i = 0; i < m->n_sets; i++)
        for (j = 0; j < m->sets[i].n_values; j++)
            if (its_model_param_index(m, m->sets[i].values[j].name) < 0)
                its_test_true(0, "%s set %s: unknown parameter %s", m->name,
                              m->sets[i].name, m->sets[i].values[j].name);
    if (m->default_set != NULL)
        its_test_true(its_model_set_index(m, m->default_set) >= 0,
                      "%s: default set %s exists", m->name, m->default_set);
}

/* Every parameter declares a domain chosen from its meaning, its default
 * lies in it, and so does every value of every parameter set (a published
 * variant must be a valid input). */
static void check_domains(const its_model_def *m)
{
    size_t i, j, bad = 0;
    for (i = 0; i < m->n_params; i++) {
        const its_param_def *p = &m->params[i];
        if (p->domain == ITS_DOMAIN_UNDECLARED || !its_domain_contains(p->domain, p->value)) {
            its_test_true(0, "%s parameter %s = %g: domain '%s' declared and holds the default",
                          m->name, p->name, p->value, its_domain_name(p->domain));
            bad++;
        }
    }
    its_test_true(bad == 0, "%s: all %zu parameters declare a domain holding the default",
                  m->name, m->n_params);
    for (i = 0; i < m->n_sets; i++) {
        bad = 0;
        for (j = 0; j < m->sets[i].n_values; j++) {
            const its_param_value *v = &m->sets[i].values[j];
            int k = its_model_param_index(m, v->name);
            if (k < 0 || !its_domain_contains(m->params[k].domain, v->value)) {
                its_test_true(0, "%s set %s: %s = %g in its domain", m->name,
                              m->sets[i].name, v->name, v->value);
                bad++;
            }
        }
        its_test_true(bad == 0, "%s set %s: %zu values in their domains", m->name,
                      m->sets[i].name, m->sets[i].n_values);
    }
}

/* Values outside a parameter's domain are refused by its_sim_set_param, by
 * a scenario's `parameters:` (with the key's position) and by --set, and
 * the message names the parameter and its domain. */
static void check_domain_refusal(void)
{
    its_sim *s = NULL;
    its_scenario *sc = NULL;
    static const char neg[] = "model: hahnfeldt1999\nparameters:\n  lambda1: -0.1 1/d\n";
    double v = 0.0;
    const char *msg;
    static const struct {
        const char *model, *param;
        double bad, good;
        const char *domain;
    } cases[] = {
        {"hahnfeldt1999", "lambda1", -0.1, 0.0, "non-negative"},
        {"pk2cpt", "V1", 0.0, 1e-3, "positive"},
        {"pk2cpt", "F", 1.5, 1.0, "[0, 1]"},
        {"tme", "il2_expansion_cap", 0.5, 1.0, "at least 1"},
        {"depillis2009", "e", -1e-9, 0.0, "[0, 1]"},
    };
    size_t i;

    its_test_true(its_domain_contains(ITS_DOMAIN_FRACTION, 0.0) &&
                      its_domain_contains(ITS_DOMAIN_FRACTION, 1.0) &&
                      !its_domain_contains(ITS_DOMAIN_POS_FRACTION, 0.0) &&
                      its_domain_contains(ITS_DOMAIN_POS_FRACTION, 1.0) &&
                      !its_domain_contains(ITS_DOMAIN_AT_LEAST_ONE, 0.999) &&
                      its_domain_contains(ITS_DOMAIN_REAL, -1e300) &&
                      !its_domain_contains(ITS_DOMAIN_REAL, NAN) &&
                      !its_domain_contains(ITS_DOMAIN_UNDECLARED, INFINITY) &&
                      its_domain_contains(ITS_DOMAIN_UNDECLARED, -5.0),
                  "domain bounds: closed and open ends");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        its_sim_create(its_model_find(cases[i].model), &s, NULL, 0);
        its_test_true(s && its_sim_set_param(s, cases[i].param, cases[i].bad) == ITS_ERANGE,
                      "%s: %s = %g refused (ITS_ERANGE)", cases[i].model, cases[i].param,
                      cases[i].bad);
        msg = its_sim_errmsg(s);
        its_test_true(strstr(msg, cases[i].param) && strstr(msg, cases[i].domain),
                      "message names the parameter and the domain: '%s'", msg);
        its_sim_get_param(s, cases[i].param, &v);
        its_test_true(v != cases[i].bad, "%s unchanged after the refusal", cases[i].param);
        its_test_true(its_sim_set_param(s, cases[i].param, cases[i].good) == ITS_OK,
                      "%s = %g (domain edge) accepted", cases[i].param, cases[i].good);
        its_sim_free(s);
        s = NULL;
    }

    its_scenario_create(&sc, NULL, 0);
    its_test_true(its_scenario_load_string(sc, neg, strlen(neg), "neg.yaml") == ITS_ERANGE,
                  "scenario parameters: lambda1 -0.1 refused");
    msg = its_scenario_errmsg(sc);
    its_test_true(strncmp(msg, "neg.yaml:3:", 11) == 0 && strstr(msg, "parameters.lambda1") &&
                      strstr(msg, "non-negative"),
                  "scenario error has the position, key and domain: '%s'", msg);
    its_test_true(its_scenario_load_string(sc, "model: hahnfeldt1999\n", 20, "ok.yaml") == ITS_OK &&
                      its_scenario_override(sc, "lambda1=-0.1") == ITS_ERANGE,
                  "--set lambda1=-0.1 refused");
    msg = its_scenario_errmsg(sc);
    its_test_true(strstr(msg, "lambda1") && strstr(msg, "non-negative"),
                  "--set error names the parameter and the domain: '%s'", msg);
    its_test_true(its_scenario_override(sc, "lambda1=0") == ITS_OK,
                  "--set lambda1=0 (domain edge) accepted");
    its_scenario_free(sc);
}

/* Sources cite primary papers or labels, never the research notes kept
 * outside the repository, and use words, not the notes' evidence flags. */
static const char *const banned[] = {
    "pk_clinical", "tme_parameters", "toxicity_antigenicity", "models.md",
    "clinical_dynamics", "delivery_systems", "virtual_trials", "peers.md",
    "shared/research", "UNVERIFIED", "(V)", "(V,", "(Vs", "Vs)", "Vs,", "Vs-est",
    "V(B)", "V(I)", "(D)", "(D,", "(V/D)", "[P]", "[D]", "[N]",
};
static size_t n_bad_text;

static void check_text(const char *what, const char *name, const char *text)
{
    size_t k;
    for (k = 0; text != NULL && k < sizeof banned / sizeof banned[0]; k++)
        if (strstr(text, banned[k]) != NULL) {
            its_test_true(0, "%s %s cites '%s': %s", what, name, banned[k], text);
            n_bad_text++;
        }
}

static void check_sources(void)
{
    size_t i, j;
    n_bad_text = 0;
    for (i = 0; i < its_model_count(); i++) {
        const its_model_def *m = its_model_at(i);
        check_text("model", m->name, m->title);
        check_text("model", m->name, m->reference);
        check_text("model", m->name, m->notes);
        for (j = 0; j < m->n_params; j++) {
            check_text("parameter", m->params[j].name, m->params[j].source);
            check_text("parameter", m->params[j].name, m->params[j].description);
        }
        for (j = 0; j < m->n_states; j++)
            check_text("state", m->states[j].name, m->states[j].description);
        for (j = 0; j < m->n_inputs; j++)
            check_text("input", m->inputs[j].name, m->inputs[j].description);
        for (j = 0; j < m->n_observables; j++)
            check_text("observable", m->observables[j].name, m->observables[j].description);
        for (j = 0; j < m->n_sets; j++) {
            check_text("set", m->sets[j].name, m->sets[j].source);
            check_text("set", m->sets[j].name, m->sets[j].description);
        }
    }
    for (i = 0; i < its_agent_count(); i++) {
        const its_agent *a = its_agent_at(i);
        check_text("agent", a->name, a->identity_source);
        check_text("agent", a->name, a->label_source);
        check_text("agent", a->name, a->pk_model);
        for (j = 0; j < a->n_params; j++) {
            check_text("agent parameter", a->params[j].name, a->params[j].source);
            check_text("agent parameter", a->params[j].name, a->params[j].description);
        }
    }
    for (i = 0; i < its_regimen_count(); i++) {
        check_text("regimen", its_regimen_at(i)->name, its_regimen_at(i)->source);
        check_text("regimen", its_regimen_at(i)->name, its_regimen_at(i)->title);
    }
    its_test_true(n_bad_text == 0, "no model, agent or regimen text cites the research notes "
                  "or uses their evidence flags (%zu found)", n_bad_text);
}

/* Central differences with a relative step; compare column by column. */
static void check_jacobian(const its_model_def *m, const double *y0, const char *where)
{
    double J[64], Jfd[64], y[8], fp[8], fm[8], p[64], worst = 0.0;
    size_t n = m->n_states, i, j;

    for (i = 0; i < m->n_params; i++)
        p[i] = m->params[i].value;
    if (m->default_set != NULL) {
        const its_param_set *set = &m->sets[its_model_set_index(m, m->default_set)];
        for (i = 0; i < set->n_values; i++)
            p[its_model_param_index(m, set->values[i].name)] = set->values[i].value;
    }
    memset(J, 0, sizeof J);
    m->jac(0.0, y0, J, n, p, m->data);
    for (j = 0; j < n; j++) {
        double h = 1e-6 * fmax(fabs(y0[j]), 1.0);
        memcpy(y, y0, n * sizeof *y);
        y[j] = y0[j] + h;
        m->rhs(0.0, y, fp, p, m->data);
        y[j] = y0[j] - h;
        m->rhs(0.0, y, fm, p, m->data);
        for (i = 0; i < n; i++)
            Jfd[i + j * n] = (fp[i] - fm[i]) / (2.0 * h);
    }
    /* Scale-aware comparison: an entry's error relative to the largest
     * contribution in its row, so that tiny entries next to big ones are
     * judged by what matters to the Newton iteration. */
    for (i = 0; i < n; i++) {
        double rowscale = 0.0;
        for (j = 0; j < n; j++)
            rowscale = fmax(rowscale, fabs(Jfd[i + j * n] * fmax(fabs(y0[j]), 1.0)));
        for (j = 0; j < n; j++) {
            double err = fabs(J[i + j * n] - Jfd[i + j * n]) * fmax(fabs(y0[j]), 1.0);
            if (rowscale > 0.0)
                worst = fmax(worst, err / rowscale);
        }
    }
    /* Central differences with h ~ 1e-6 relative carry ~1e-8 error. */
    its_test_true(worst < 1e-6, "%s Jacobian at %s: worst scaled error %.3g < 1e-6",
                  m->name, where, worst);
}

/* The initial state the default parameters imply (the init callback, when
 * the model has one) is the state table's `initial`, bit for bit: the
 * default runs start where they always did (issue 10: the byte-identical
 * default comparison). */
static void check_initial_state(const its_model_def *m)
{
    double p[512], y0[512];
    char msg[256];
    size_t i, differ = 0;
    its_status st;
    if (m->n_params > 512 || m->n_states > 512) {
        its_test_true(0, "%s: test buffers too small", m->name);
        return;
    }
    st = its_model_default_params(m, p, msg, sizeof msg);
    if (st == ITS_OK)
        st = its_model_initial_state(m, p, y0, msg, sizeof msg);
    for (i = 0; st == ITS_OK && i < m->n_states; i++)
        if (memcmp(&y0[i], &m->states[i].initial, sizeof y0[i]) != 0) {
            its_test_true(0, "%s state %s: init gives %.17g, table %.17g", m->name,
                          m->states[i].name, y0[i], m->states[i].initial);
            differ++;
        }
    its_test_true(st == ITS_OK && differ == 0,
                  "%s: initial state at the default parameters equals the table (%s)",
                  m->name, msg);
}

/* Issue 10: the C identifier of every parameter is P_ followed by its
 * public name (the name in docs/ and `itsim model`), so that the equations
 * read as the documentation does. Scans src/model/NAME.c for the table
 * rows `[P_x] = {"y", ...` (or a macro's first string) and compares x, y. */
/* The parameters of m named STEM_k for k = 1..8 with every one of
 * STEM_1 .. STEM_8 present (per-lesion parameters). */
static size_t lesion_params(const its_model_def *m)
{
    size_t i, n = 0;
    for (i = 0; i < m->n_params; i++) {
        const char *name = m->params[i].name;
        size_t len = strlen(name), k;
        char other[80];
        int all = len > 2 && len < 64 && name[len - 2] == '_' && name[len - 1] >= '1' &&
                  name[len - 1] <= '8';
        for (k = 1; all && k <= 8; k++) {
            snprintf(other, sizeof other, "%.*s_%zu", (int)(len - 2), name, k);
            all = its_model_param_index(m, other) >= 0;
        }
        n += (size_t)all;
    }
    return n;
}

static void check_c_names(const its_model_def *m)
{
    char path[512];
    char *src;
    const char *q;
    size_t rows = 0, differ = 0;
    /* "NAME@V" (a frozen version) lives in NAME_vV.c */
    snprintf(path, sizeof path, "%s/src/model/%.*s%s%s.c", ITS_SOURCE_DIR,
             (int)strcspn(m->name, "@"), m->name, strchr(m->name, '@') ? "_v" : "",
             strchr(m->name, '@') ? strchr(m->name, '@') + 1 : "");
    src = its_test_slurp(path);
    for (q = src; q != NULL && (q = strstr(q, "[P_")) != NULL; q++) {
        const char *id = q + 3, *end = strchr(id, ']'), *name;
        size_t len;
        if (end == NULL || strncmp(end, "] = ", 4) != 0)
            continue;
        /* the first string on the row: {"name", ...} or MACRO("name", ...) */
        name = end + 4 + strcspn(end + 4, "\"\n");
        if (*name != '"')
            continue;
        name++;
        len = (size_t)(end - id);
        rows++;
        if (strncmp(name, id, len) != 0 || name[len] != '"') {
            its_test_true(0, "%s: C identifier P_%.*s for parameter \"%.*s\"", m->name,
                          (int)len, id, (int)strcspn(name, "\""), name);
            differ++;
        }
    }
    /* per-lesion parameters STEM_1 .. STEM_8 are written by a macro
     * (LES_PARAMS in tme.c) with computed indices: count them apart */
    rows += lesion_params(m);
    its_test_true(src != NULL && rows == m->n_params && differ == 0,
                  "%s: all %zu parameter identifiers are P_<public name> (%zu rows read)",
                  m->name, m->n_params, rows);
    free(src);
}

/* A definition of another layout version is refused, not read. */
static int one_rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    (void)t;
    (void)y;
    (void)p;
    (void)data;
    dy[0] = 0.0;
    return 0;
}

static void check_version(void)
{
    static const its_state_def st[] = {{"x", "1", 1.0, 0.0, "x"}};
    its_model_def m = {.version = ITS_MODEL_VERSION, .name = "v", .time_unit = "d",
                       .n_states = 1, .states = st, .rhs = one_rhs};
    its_sim *s = NULL;
    double p[1], y0[1];
    char msg[128];
    its_test_true(its_sim_create(&m, &s, msg, sizeof msg) == ITS_OK && msg[0] == '\0',
                  "current version accepted, msg empty");
    its_sim_free(s);
    s = NULL;
    m.version = 0; /* a definition that forgot the field */
    its_test_true(its_sim_create(&m, &s, msg, sizeof msg) == ITS_EINVAL && s == NULL &&
                      strstr(msg, "version 0") != NULL,
                  "version 0 refused by its_sim_create, with the reason in msg (%s)", msg);
    m.version = ITS_MODEL_VERSION + 1;
    its_test_true(its_sim_create(&m, &s, NULL, 0) == ITS_EINVAL &&
                      its_model_default_params(&m, p, msg, sizeof msg) == ITS_EINVAL &&
                      its_model_initial_state(&m, p, y0, msg, sizeof msg) == ITS_EINVAL,
                  "an unknown version is refused with ITS_EINVAL");
    its_test_true(its_model_state_index(&m, "x") == -1 &&
                      its_model_observable_index_by_role(&m, ITS_OBS_SBP) == -1 &&
                      its_model_agent_binding(&m, "aldesleukin", "IL-2") == NULL,
                  "lookups do not read a definition of an unknown version");
    m.version = ITS_MODEL_VERSION;
    its_test_true(its_model_state_index(&m, "x") == 0, "the same lookup at the current version");
}

int main(void)
{
    size_t i;
    its_test_true(its_model_count() == 8, "eight built-in models (tme and its frozen version 1 among them)");
    its_test_true(its_model_at(its_model_count()) == NULL, "out-of-range index");
    its_test_true(its_model_find("nope") == NULL && its_model_find(NULL) == NULL,
                  "unknown model name");
    for (i = 0; i < its_model_count(); i++) {
        const its_model_def *m = its_model_at(i);
        its_test_true(its_model_find(m->name) == m, "find %s", m->name);
        check_metadata(m);
        check_domains(m);
        check_initial_state(m);
        check_c_names(m);
        if (m->jac != NULL) {
            double y[8];
            size_t k;
            for (k = 0; k < m->n_states; k++)
                y[k] = m->states[k].initial;
            check_jacobian(m, y, "default state");
            /* An interior point with every state and drug present. */
            for (k = 0; k < m->n_states; k++)
                y[k] = 1.7 * m->states[k].initial + 3.1e3 * (double)(k + 1);
            check_jacobian(m, y, "perturbed state");
        }
    }
    for (i = 1; i <= its_model_variants(its_model_find("tme")); i++) {
        char name[16];
        snprintf(name, sizeof name, "tme:%zu", i);
        check_initial_state(its_model_find(name));
    }
    check_version();
    check_domain_refusal();
    check_sources();
    return its_test_done();
}
