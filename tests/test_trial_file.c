/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: trial files (src/scenario/trial_file.c, docs/trial.md
 * "Trial file", "Population", "Plausibility"): loading with the scenario
 * part, errors with FILE:LINE:COL and key, draws as a pure function of
 * (seed, patient, attempt), covariate and lesion distributions, the
 * burden scaling, the diameter-to-cells relation, resolution with a
 * drawn patient (parameters, lesions, doses per kg), the examples in
 * examples/trials/ and allocation failures. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "its_test.h"
#include "core/core.h"
#include "io/yaml_adapter.h"
#include "scenario/scenario.h"

#define FILE_NAME "trial.yaml"

static its_status read_file(const char *path, char **buf, size_t *len, char *msg, size_t msglen)
{
    char *text = its_test_slurp(path);
    size_t n;
    if (!text) {
        its__fmt(msg, msglen, "%s: cannot read", path);
        return ITS_EIO;
    }
    n = strlen(text);
    *buf = its__malloc(n + 1);
    if (!*buf) {
        free(text);
        return ITS_ENOMEM;
    }
    memcpy(*buf, text, n + 1);
    *len = n;
    free(text);
    return ITS_OK;
}

static const its__loader loader = {its__ydoc_load, read_file};

static its_status load(const char *text, its_trial **t, char *msg, size_t msglen)
{
    return its__trial_load_text(text, strlen(text), FILE_NAME, &loader, t, msg, msglen);
}

/* The lesions' multipliers act on initial values, so the example runs
 * without tme's pre-treatment history (which grows those states); with it,
 * multipliers are refused (test_errors). */
static const char example[] =
    "model: tme\n"
    "simulate: {history: false}\n"
    "patient: {bsa: mosteller}\n"
    "clinical: {assess_every: 8 weeks}\n"
    "trial:\n"
    "  name: example\n"
    "  seed: 42\n"
    "  patients: 100\n"
    "  horizon: 56 d\n"
    "  design: paired\n"
    "  arms:\n"
    "    - {name: untreated}\n"
    "    - {name: HD IL-2, regimen: hd_il2}\n"
    "population:\n"
    "  parameters:\n"
    "    tmb: {dist: lognormal, median: 20, gsd: 3.5}\n"
    "    lambda1: {dist: lognormal, median: 0.018 1/d, cv: 0.5}\n"
    "  covariates:\n"
    "    weight: {dist: lognormal, median: 80 kg, cv: 0.25}\n"
    "    height: {dist: normal, mean: 169 cm, sd: 10 cm}\n"
    "    sex: {values: [female, male], probs: [0.4, 0.6]}\n"
    "    age: {dist: uniform, low: 30 y, high: 80 y}\n"
    "  lesions:\n"
    "    count: {dist: discrete, values: [1, 2, 3, 4], probs: [0.1, 0.2, 0.3, 0.4]}\n"
    "    sites: {values: [lung, liver, lymph node], probs: [0.5, 0.3, 0.2]}\n"
    "    diameter: {dist: lognormal, median: 20 mm, cv: 0.5}\n"
    "    burden: {dist: lognormal, median: 60 mm, gsd: 1.5}\n"
    "    multipliers: {K: {dist: lognormal, median: 1, cv: 0.3}}\n"
    "plausibility:\n"
    "  baseline: {ANC: [1.5 1e9/L, 8 1e9/L]}\n"
    "  doubling_time: {range: [30 d, 400 d], window: 60 d}\n"
    "  max_draws: 50\n";

static size_t value_index(const its__patient_draw *d, const char *name)
{
    size_t i;
    for (i = 0; i < d->n_values; i++)
        if (strcmp(d->values[i].name, name) == 0)
            return i;
    return (size_t)-1;
}

static void test_example(void)
{
    its_trial *t = NULL;
    char msg[1024];
    its_status st = load(example, &t, msg, sizeof msg);
    size_t i, j;
    int uniq = 1;
    its__patient_draw *d = NULL;
    its_test_true(st == ITS_OK, "the example loads (%s)", msg);
    if (!t)
        return;
    its_test_true(strcmp(its_trial_name(t), "example") == 0 && its_trial_patients(t) == 100 &&
                  its_trial_seed(t) == 42 && its_trial_arm_count(t) == 2 &&
                  strcmp(its_trial_arm_id(t, 1), "hd_il2") == 0 &&
                  strcmp(its_trial_arm_name(t, 1), "HD IL-2") == 0,
                  "name, patients, seed, arms from trial.arms");
    its_test_rel(its_trial_horizon(t), 56.0, 0, "horizon 56 d");
    its_test_true(t->plaus.n == 2 && strcmp(t->plaus.ranges[1].name, "burden") == 0 &&
                  t->plaus.max_draws == 50 && t->plaus.window == 60.0 &&
                  t->plaus.ranges[0].lo == 1.5 && t->plaus.ranges[0].hi == 8.0,
                  "plausibility: ANC [1.5, 8] 1e9/L, doubling on 'burden', window 60 d");
    its_test_true(t->text && t->len == strlen(example) && memcmp(t->text, example, t->len) == 0,
                  "the file's text is kept");
    its_test_true(its_trial_set_patients(t, 0) == ITS_ERANGE &&
                  its_trial_set_patients(t, 5000) == ITS_OK && its_trial_patients(t) == 5000 &&
                  its_trial_set_seed(t, 7) == ITS_OK && its_trial_seed(t) == 7,
                  "set_patients / set_seed");
    if (its__patient_draw_create(t, &d) == ITS_OK) {
        for (i = 0; i < d->n_values; i++)
            for (j = 0; j < i; j++)
                uniq &= strcmp(d->values[i].name, d->values[j].name) != 0;
        its_test_true(uniq && d->n_values == 2 + 4 + 1 + 4 * 3 + 1 &&
                      strcmp(d->values[0].name, "tmb") == 0 &&
                      strcmp(d->values[2].name, "weight") == 0 && d->values[2].covariate &&
                      strcmp(d->values[6].name, "n_lesions") == 0 && !d->values[6].covariate &&
                      strcmp(d->values[7].name, "lesion_1_diameter_mm") == 0 &&
                      strcmp(d->values[9].name, "lesion_1_K") == 0,
                      "%zu values, unique names, in the documented order", d->n_values);
    }
    its__patient_draw_free(d);
    its_trial_free(t);
}

/* Replace the first occurrence of `from` in example by `to`. */
static void edit(char *out, size_t n, const char *from, const char *to)
{
    const char *p = strstr(example, from);
    if (!p) {
        its__fmt(out, n, "%s", "missing");
        return;
    }
    its__fmt(out, n, "%.*s%s%s", (int)(p - example), example, to, p + strlen(from));
}

static void test_errors(void)
{
    static const struct {
        const char *from, *to;
        its_status st;
        const char *want;
    } cases[] = {
        {"trial:\n", "arms: [{name: a}]\ntrial:\n", ITS_EPARSE,
         "trial.yaml:5:1: arms: a trial file lists its arms under trial.arms"},
        {"  lesions:\n", "  foo: 1\n  lesions:\n", ITS_EPARSE,
         "trial.yaml:23:3: population.foo: unknown key"},
        {"median: 80 kg", "median: 0 kg", ITS_ERANGE,
         "trial.yaml:19:13: population.covariates.weight: lognormal: the median"},
        {"values: [1, 2, 3, 4]", "values: [1, 2, 3, 9]", ITS_ERANGE,
         "trial.yaml:24:12: population.lesions.count: 9 lesions"},
        {"probs: [0.5, 0.3, 0.2]", "probs: [0.5, 0.5]", ITS_EPARSE,
         "trial.yaml:25:55: population.lesions.sites.probs: 2 probabilities for 3 values"},
        {"[30 d, 400 d]", "[400 d, 30 d]", ITS_ERANGE,
         "trial.yaml:31:26: plausibility.doubling_time.range: low (400) must be <= high (30) d"},
        {"{ANC: [", "{PSA: [", ITS_ENOTFOUND,
         "trial.yaml:30:14: plausibility.baseline.PSA: 'PSA' is not an observable of tme"},
        {"  covariates:\n", "  correlations: {names: [tmb, lambda1], matrix: [[1, 1], [1, 1]]}\n"
                            "  covariates:\n", ITS_ERANGE,
         "trial.yaml:18:49: population.correlations.matrix: correlation matrix: not positive definite"},
        {"horizon: 56 d\n", "horizon: 56 d\n  rubbish: 1\n", ITS_EPARSE,
         "trial.yaml:10:3: trial.rubbish: unknown key"},
        {"simulate: {history: false}\n", "simulate: {history: false, until: 30 d}\n", ITS_EPARSE,
         "trial.yaml:2:35: simulate.until: a trial file gives its horizon once"},
        {"simulate: {history: false}\n", "", ITS_EPARSE,
         "trial.yaml:27:18: population.lesions.multipliers: model tme grows each lesion's states"},
        {"model: tme\n", "model: tme\ninitial: {K_2: 1e9}\n", ITS_EPARSE,
         "trial.yaml:2:11: initial.K_2: the lesions drawn by population.lesions"},
        {"model: tme\n", "model: kirschner1998\n", ITS_EPARSE, "trial.yaml:13:32: trial.arms[1].regimen: the arm's scenario is for model tme"},
        {"    sex: {values: [female, male]", "    sex: {values: [male, female]", ITS_EPARSE,
         "population.covariates.sex: the categories are [female, male]"},
        {"multipliers: {K:", "multipliers: {C:", ITS_ENOTFOUND,
         "population.lesions.multipliers.C: not a lesion state"},
        {"arms:\n    - {name: untreated}\n", "arms:\n    - {name: x, regimen: nothing}\n",
         ITS_ENOTFOUND, "trial.yaml:12:26: trial.arms[0].regimen: unknown regimen 'nothing'"},
        {"trial:\n  name: example\n", "trial2:\n  name: example\n", ITS_EPARSE,
         "trial.yaml:5:1: trial2: unknown key"},
    };
    char text[4096], msg[1024];
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        its_trial *t = NULL;
        its_status st;
        edit(text, sizeof text, cases[i].from, cases[i].to);
        st = load(text, &t, msg, sizeof msg);
        its_test_true(st == cases[i].st && t == NULL && strstr(msg, cases[i].want) != NULL,
                      "error %zu: status %d (want %d): %s", i, (int)st, (int)cases[i].st, msg);
        its_trial_free(t);
    }
}

static int same_draw(const its__patient_draw *a, const its__patient_draw *b)
{
    size_t i;
    for (i = 0; i < a->n_values; i++)
        if (memcmp(&a->values[i].value, &b->values[i].value, sizeof(double)) != 0)
            return 0;
    for (i = 0; i < a->ovr.n_init; i++)
        if (a->ovr.init_val[i] != b->ovr.init_val[i] || a->ovr.init_idx[i] != b->ovr.init_idx[i])
            return 0;
    return a->ovr.model == b->ovr.model && a->ovr.n_init == b->ovr.n_init &&
           a->ovr.weight_kg == b->ovr.weight_kg && strcmp(a->ovr.organs, b->ovr.organs) == 0;
}

static void test_determinism(const its_trial *t)
{
    its__patient_draw *a = NULL, *b = NULL;
    char msg[512];
    uint64_t p;
    if (its__patient_draw_create(t, &a) != ITS_OK || its__patient_draw_create(t, &b) != ITS_OK) {
        its_test_true(0, "draw workspaces");
        goto done;
    }
    its__trial_draw(t, 7, 0, a, msg, sizeof msg);
    for (p = 0; p < 7; p++)
        its__trial_draw(t, p, 0, b, msg, sizeof msg);
    its__trial_draw(t, 7, 0, b, msg, sizeof msg);
    its_test_true(same_draw(a, b), "patient 7 bit-identical alone and after patients 0-6");
    its__trial_draw(t, 7, 1, b, msg, sizeof msg);
    its_test_true(!same_draw(a, b), "attempt 1 of patient 7 differs");
done:
    its__patient_draw_free(a);
    its__patient_draw_free(b);
}

/* 5,000 patients: weight median, sex, lesion counts within 5 SE; the burden
 * exact; the diameters through tme's own observable. */
static void test_distributions(const its_trial *t)
{
    const size_t n = 5000;
    its__patient_draw *d = NULL;
    char msg[512];
    size_t i, k, below = 0, male = 0, count[5] = {0, 0, 0, 0, 0}, refused = 0;
    double worst_burden = 0.0, worst_diam = 0.0;
    const double pc[5] = {0, 0.1, 0.2, 0.3, 0.4};
    if (its__patient_draw_create(t, &d) != ITS_OK)
        return;
    for (i = 0; i < n; i++) {
        size_t nl, iw = value_index(d, "weight");
        double sum = 0.0, y[400], out[128];
        const its_model_def *m;
        if (its__trial_draw(t, i, 0, d, msg, sizeof msg) != ITS_OK) {
            refused++;
            continue;
        }
        below += d->values[iw].value < 80.0;
        male += d->values[value_index(d, "sex")].value == 1.0;
        nl = (size_t)d->values[value_index(d, "n_lesions")].value;
        count[nl]++;
        m = d->ovr.model;
        if (m->n_states > sizeof y / sizeof y[0] ||
            m->n_observables > sizeof out / sizeof out[0]) {
            its_test_true(0, "the model's %zu states and %zu observables fit the test's arrays",
                          m->n_states, m->n_observables);
            break;
        }
        memset(y, 0, sizeof y);
        for (k = 0; k < d->ovr.n_init; k++)
            y[d->ovr.init_idx[k]] = d->ovr.init_val[k];
        {
            double p[400];
            its_model_default_params(m, p, NULL, 0);
            m->observe(0.0, y, p, out, m->data);
        }
        for (k = 1; k <= nl; k++) {
            char name[48];
            double dm;
            its__fmt(name, sizeof name, "lesion_%zu_diameter_mm", k);
            dm = d->values[value_index(d, name)].value;
            sum += dm;
            its__fmt(name, sizeof name, "diam_%zu", k);
            worst_diam = fmax(worst_diam,
                              fabs(out[its_model_observable_index(m, name)] - dm) / dm);
        }
        worst_burden = fmax(worst_burden,
                            fabs(sum - d->values[value_index(d, "lesion_burden_mm")].value) / sum);
    }
    its_test_true(refused == 0, "no draw refused (%zu)", refused);
    /* a binomial proportion's SE is sqrt(p (1 - p) / n) */
    its_test_abs((double)below / (double)n, 0.5, 5 * sqrt(0.25 / (double)n),
                 "weight below its median 80 kg");
    its_test_abs((double)male / (double)n, 0.6, 5 * sqrt(0.24 / (double)n), "male fraction");
    for (k = 1; k <= 4; k++)
        its_test_abs((double)count[k] / (double)n, pc[k], 5 * sqrt(pc[k] * (1 - pc[k]) / (double)n),
                     "%zu lesions", k);
    its_test_true(worst_burden < 1e-9, "sum of diameters = drawn burden (worst rel %.2g)",
                  worst_burden);
    its_test_true(worst_diam < 1e-9, "diameter -> cells -> tme diam_k (worst rel %.2g)",
                  worst_diam);
    its__patient_draw_free(d);
}

/* One resolved arm with the drawn patient. */
static its_status plan_of(const its_trial *t, size_t arm, const its__patient_ovr *ov,
                          its__plan *plan)
{
    its_scenario *a = its__scenario_arm(t->sc, arm);
    its_status st;
    if (!a)
        return ITS_ENOMEM;
    its__scenario_set_patient(a, ov);
    st = its__scenario_plan(a, plan);
    its__scenario_arm_free(a);
    return st;
}

static void test_resolution(const its_trial *t)
{
    its__patient_draw *d1 = NULL, *d2 = NULL;
    its__plan p1, p2, p0;
    char msg[512], name[16];
    int tmb = its_model_param_index(t->model, "tmb"), ok = 1;
    size_t k;
    double w1, w2;
    if (its__patient_draw_create(t, &d1) != ITS_OK || its__patient_draw_create(t, &d2) != ITS_OK)
        return;
    its__trial_draw(t, 3, 0, d1, msg, sizeof msg);
    its__trial_draw(t, 4, 0, d2, msg, sizeof msg);
    its_test_true(plan_of(t, 1, &d1->ovr, &p1) == ITS_OK && plan_of(t, 1, &d2->ovr, &p2) == ITS_OK &&
                  plan_of(t, 1, NULL, &p0) == ITS_OK, "plans of the HD IL-2 arm");
    its_test_true(p1.model == d1->ovr.model && p1.params[tmb] == d1->values[0].value,
                  "the plan runs %s with the drawn tmb %g", p1.model->name, p1.params[tmb]);
    for (k = 0; k < d1->ovr.n_init; k++)
        ok &= p1.initial[d1->ovr.init_idx[k]] == d1->ovr.init_val[k];
    its__fmt(name, sizeof name, "C_1");
    its_test_true(ok && p1.initial[its_model_state_index(p1.model, name)] ==
                            d1->ovr.init_val[0], "the drawn lesion states, C_1 = %g cells",
                  d1->ovr.init_val[0]);
    /* A share (unit 1) keeps its default whatever C_1 is drawn: only states
     * in C_1's unit (cells) scale with it (regression: clone1_1 was scaled
     * by C_1 drawn / C_1 default, a share far from 0.45). */
    its__fmt(name, sizeof name, "clone1_1");
    {
        int i = its_model_state_index(p1.model, name);
        its_test_true(i >= 0 && p1.initial[i] == p1.model->states[i].initial,
                      "the drawn patient's clone1_1 keeps its default share %g (%g)",
                      i >= 0 ? p1.model->states[i].initial : 0.0, i >= 0 ? p1.initial[i] : 0.0);
    }
    its_test_true(p1.clin.n_organs == (size_t)d1->values[value_index(d1, "n_lesions")].value,
                  "one organ per drawn lesion (%s)", d1->ovr.organs);
    w1 = d1->values[value_index(d1, "weight")].value;
    w2 = d2->values[value_index(d2, "weight")].value;
    its_test_true(p1.n_doses > 0 && p1.n_doses == p2.n_doses, "%zu doses", p1.n_doses);
    /* a 15 min infusion: its rate scales as the amount */
    if (p1.n_doses > 0 && p2.n_doses > 0)
        its_test_rel(p1.doses[0].rate / p2.doses[0].rate, w1 / w2, 1e-12,
                     "600,000 IU/kg: the dose ratio is the weight ratio %g/%g kg", w1, w2);
    if (p0.n_doses > 0)
        its_test_rel(p0.doses[0].rate / p1.doses[0].rate, 70.0 / w1, 1e-12,
                     "without an override, the file's default 70 kg");
    {
        its_scenario *u = its__scenario_untreated(t->sc);
        its__plan pu;
        its__scenario_set_patient(u, &d1->ovr);
        its_test_true(u && its__scenario_plan(u, &pu) == ITS_OK && pu.n_doses == 0 &&
                      pu.n_therapy == 0 && pu.model == p1.model &&
                      memcmp(pu.initial, p1.initial, p1.model->n_states * sizeof *pu.initial) == 0,
                      "the untreated copy: no therapy, the same patient and initial state");
        its__plan_clear(&pu);
        its__scenario_arm_free(u);
    }
    {
        its_status st;
        its__alloc_fail_at(1, 0);
        st = its__trial_draw(t, 11, 2, d1, msg, sizeof msg);
        its_test_true(st == ITS_OK && its__alloc_count() == 0, "a draw allocates nothing (%ld)",
                      its__alloc_count());
        its__alloc_fail_at(0, 0);
    }
    its__plan_clear(&p0);
    its__plan_clear(&p1);
    its__plan_clear(&p2);
    its__patient_draw_free(d1);
    its__patient_draw_free(d2);
}

/* Every file of a folder of examples/trials/ loads and draws; returns
 * the number of files. */
static int test_example_dir(const char *dir)
{
    char path[2048], msg[1024];
    struct dirent *e;
    DIR *dp;
    int n = 0;
    dp = opendir(dir);
    if (!its_test_true(dp != NULL, "%s", dir))
        return 0;
    while ((e = readdir(dp)) != NULL) {
        char *text;
        its_trial *t = NULL;
        its__patient_draw *d = NULL;
        its_status st;
        if (!strstr(e->d_name, ".yaml"))
            continue;
        its__fmt(path, sizeof path, "%s/%s", dir, e->d_name);
        text = its_test_slurp(path);
        st = text ? its__trial_load_text(text, strlen(text), path, &loader, &t, msg, sizeof msg)
                  : ITS_EIO;
        its_test_true(st == ITS_OK, "%s loads (%s)", e->d_name, msg);
        if (st == ITS_OK && its__patient_draw_create(t, &d) == ITS_OK) {
            long i, ok = 0;
            for (i = 0; i < 200; i++)
                ok += its__trial_draw(t, (uint64_t)i, 0, d, msg, sizeof msg) == ITS_OK;
            its_test_true(ok == 200, "%s: 200 patients drawn (%ld accepted)", e->d_name, ok);
            ok = 0;
            for (i = 0; i < 20; i++) {
                size_t a;
                its__trial_draw(t, (uint64_t)i, 0, d, msg, sizeof msg);
                for (a = 0; a < its_trial_arm_count(t); a++) {
                    its__plan pl;
                    ok += plan_of(t, a, &d->ovr, &pl) == ITS_OK;
                    its__plan_clear(&pl);
                }
            }
            its_test_true(ok == 20 * (long)its_trial_arm_count(t),
                          "%s: every arm of 20 drawn patients resolves", e->d_name);
        }
        its__patient_draw_free(d);
        its_trial_free(t);
        free(text);
        n++;
    }
    closedir(dp);
    return n;
}

/* Every file of examples/trials/ and its folders (calibration/, predict/) loads;
 * 200 patients of each draw and 20 resolve in every arm. */
static void test_examples(void)
{
    static const char *const sub[] = {"", "/calibration", "/predict"};
    char dir[1024];
    size_t i;
    for (i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        int n;
        its__fmt(dir, sizeof dir, "%s/examples/trials%s", ITS_SOURCE_DIR, sub[i]);
        n = test_example_dir(dir);
        its_test_true(n >= 1, "%s: %d example trial files", dir, n);
    }
}

static void test_alloc_failures(void)
{
    its_trial *t = NULL;
    its__patient_draw *d = NULL;
    char msg[1024];
    long n;
    int ok = 1;
    for (n = 1; n < 100000; n++) {
        its_status st;
        t = NULL;
        its__alloc_fail_at(n, 0);
        st = load(example, &t, msg, sizeof msg);
        if (its__alloc_failed() == 0) {
            its__alloc_fail_at(0, 0);
            ok &= st == ITS_OK;
            break;
        }
        its__alloc_fail_at(0, 0);
        ok &= st == ITS_ENOMEM && t == NULL;
        its_trial_free(t);
    }
    its_test_true(ok && n > 1, "each of %ld allocations of loading failing gives ITS_ENOMEM", n - 1);
    for (n = 1; t && n < 1000; n++) {
        its_status st;
        its__alloc_fail_at(n, 0);
        st = its__patient_draw_create(t, &d);
        if (its__alloc_failed() == 0) {
            its__alloc_fail_at(0, 0);
            ok &= st == ITS_OK;
            break;
        }
        its__alloc_fail_at(0, 0);
        ok &= st == ITS_ENOMEM && d == NULL;
    }
    its_test_true(ok && n > 1, "each of %ld allocations of draw_create failing gives ITS_ENOMEM",
                  n - 1);
    its__patient_draw_free(d);
    its_trial_free(t);
}

/* Write text to dir/name. */
static int put_file(const char *dir, const char *name, const char *text)
{
    char path[1200];
    FILE *fp;
    its__fmt(path, sizeof path, "%s/%s", dir, name);
    if ((fp = fopen(path, "w")) == NULL)
        return 1;
    fputs(text, fp);
    return fclose(fp) != 0;
}

/* population.from (docs/trial.md, "A population from another file"): the
 * source's parameters, covariates, lesions and plausibility; the trial's
 * parameters replace or join the source's by name; its lesions replace the
 * source's; errors name the right file; the source's hash joins the
 * identity. */
static void test_from(void)
{
    static const char source[] =
        "model: tme\n"
        "trial: {name: src, seed: 1, patients: 5, horizon: 30 d, arms: [{name: a}]}\n"
        "population:\n"
        "  parameters:\n"
        "    lambda1: {dist: fixed, value: 0.02 1/d}\n"
        "    tmb: {dist: fixed, value: 7}\n"
        "  covariates:\n"
        "    weight: {dist: fixed, value: 81 kg}\n"
        "  lesions:\n"
        "    count: {dist: discrete, values: [2], probs: [1]}\n"
        "    sites: {values: [lung], probs: [1]}\n"
        "    diameter: {dist: fixed, value: 20 mm}\n"
        "plausibility:\n"
        "  doubling_time: {range: [10 d, 400 d], window: 60 d}\n";
    static const char trial[] =
        "model: tme\n"
        "trial: {name: t, seed: 2, patients: 5, horizon: 30 d, arms: [{name: a}]}\n"
        "population:\n"
        "  from: source.yaml\n"
        "  parameters:\n"
        "    tmb: {dist: fixed, value: 30}\n"
        "    pdl1_0: {dist: fixed, value: 2}\n"
        "  lesions:\n"
        "    count: {dist: discrete, values: [3], probs: [1]}\n"
        "    sites: {values: [skin], probs: [1]}\n"
        "    diameter: {dist: fixed, value: 15 mm}\n";
    char dir[] = "/tmp/its_from_XXXXXX", path[1200], msg[1024];
    its_trial *t = NULL;
    its__patient_draw *d = NULL;
    its_status st;
    if (!its_test_true(mkdtemp(dir) != NULL, "temporary directory"))
        return;
    put_file(dir, "source.yaml", source);
    put_file(dir, "trial.yaml", trial);
    its__fmt(path, sizeof path, "%s/trial.yaml", dir);
    st = its_trial_load_file(path, &t, msg, sizeof msg);
    its_test_true(st == ITS_OK, "a trial with population.from loads (%s)", msg);
    if (st == ITS_OK && its__patient_draw_create(t, &d) == ITS_OK &&
        its__trial_draw(t, 0, 0, d, msg, sizeof msg) == ITS_OK) {
        double lam = NAN, tmb = NAN, pd = NAN, w = NAN, nl = NAN;
        for (size_t i = 0; i < d->n_values; i++) {
            const char *n = d->values[i].name;
            double v = d->values[i].value;
            lam = strcmp(n, "lambda1") == 0 ? v : lam;
            tmb = strcmp(n, "tmb") == 0 ? v : tmb;
            pd = strcmp(n, "pdl1_0") == 0 ? v : pd;
            w = strcmp(n, "weight") == 0 ? v : w;
            nl = strcmp(n, "n_lesions") == 0 ? v : nl;
        }
        its_test_true(lam == 0.02 && tmb == 30.0 && pd == 2.0 && w == 81.0 && nl == 3.0,
                      "the source's lambda1 (%g) and weight (%g), the trial's tmb (%g, replacing "
                      "7), pdl1_0 (%g, added) and lesions (%g)", lam, w, tmb, pd, nl);
        its_test_true(t->plaus.n == 1, "the source's plausibility applies (%zu range)",
                      t->plaus.n);
        its_test_true(t->identity_extra && strstr(t->identity_extra, "source.yaml"),
                      "the source joins the identity: %s", t->identity_extra);
    }
    its__patient_draw_free(d);
    its_trial_free(t);
    /* errors */
    {
        static const struct { const char *file, *text, *want; } bad[] = {
            {"t1.yaml", "model: tme\ntrial: {name: t, seed: 2, patients: 5, horizon: 30 d, "
                        "arms: [{name: a}]}\npopulation: {from: missing.yaml}\n",
             "t1.yaml:3:20: population.from: "},
            {"t2.yaml", "model: tme\ntrial: {name: t, seed: 2, patients: 5, horizon: 30 d, "
                        "arms: [{name: a}]}\npopulation: {from: t1.yaml}\n",
             "t1.yaml:3:20: population.from: the population a trial takes with population.from "
             "cannot itself come from another file"},
            {"t3.yaml", "model: tme\ntrial: {name: t, seed: 2, patients: 5, horizon: 30 d, "
                        "arms: [{name: a}]}\npopulation: {from: source.yaml, correlations: "
                        "{names: [tmb], matrix: [[1]]}}\n",
             "t3.yaml:3:47: population.correlations: not with population.from"},
            {"t4.yaml", "model: tme\ntrial: {name: t, seed: 2, patients: 5, horizon: 30 d, "
                        "arms: [{name: a}]}\npopulation: {from: source.yaml, parameters: "
                        "{nope: {dist: fixed, value: 1}}}\n",
             "t4.yaml:3:46: population.parameters.nope: 'nope' is not a parameter"},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            put_file(dir, bad[i].file, bad[i].text);
            its__fmt(path, sizeof path, "%s/%s", dir, bad[i].file);
            t = NULL;
            st = its_trial_load_file(path, &t, msg, sizeof msg);
            its_test_true(st != ITS_OK && t == NULL && strstr(msg, bad[i].want) != NULL,
                          "%s refused: %s", bad[i].file, msg);
        }
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            its__fmt(path, sizeof path, "%s/%s", dir, bad[i].file);
            unlink(path);
        }
    }
    its__fmt(path, sizeof path, "%s/source.yaml", dir);
    unlink(path);
    its__fmt(path, sizeof path, "%s/trial.yaml", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    its_trial *t = NULL;
    char msg[1024];
    test_example();
    test_errors();
    if (load(example, &t, msg, sizeof msg) == ITS_OK) {
        test_determinism(t);
        test_distributions(t);
        test_resolution(t);
    }
    its_trial_free(t);
    test_examples();
    test_from();
    test_alloc_failures();
    return its_test_done();
}
