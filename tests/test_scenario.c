/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: scenario loading, checking, overrides, dose expansion, runs
 * and the output directory (library level, white-box via the private headers). */
#include "its_test.h"
#include "run/run.h"
#include "itsim/itsim.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE                                                                 \
    "model: hahnfeldt1999\n"                                                 \
    "initial: {V: 170 mm3, K: 625 mm3}\n"                                    \
    "therapy:\n"                                                             \
    "  - {input: tnp470, dose: 30 mg/kg, start: 0 d, every: 2 d, until: 30 d}\n" \
    "simulate: {until: 60 d}\n"

/* Load text; return the status and leave the message in sc. */
static its_status load(its_scenario *sc, const char *text)
{
    return its_scenario_load_string(sc, text, strlen(text), "t.yaml");
}

/* Load and run; returns the first failing status. */
static its_status load_run(its_scenario *sc, const char *text, its_result **res)
{
    its_status st = load(sc, text);
    *res = NULL;
    if (st != ITS_OK)
        return st;
    return its_scenario_run(sc, res);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A bad scenario: the status, and the message starts with want_prefix. */
static void expect_error(const char *what, const char *text, its_status want,
                         const char *want_prefix)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    its_scenario_create(&sc, NULL, 0);
    st = load_run(sc, text, &res);
    its_test_true(st == want && res == NULL, "%s: status %s (want %s)", what,
                  its_status_name(st), its_status_name(want));
    its_test_true(starts_with(its_scenario_errmsg(sc), want_prefix),
                  "%s: message '%s' starts with '%s'", what,
                  its_scenario_errmsg(sc), want_prefix);
    its_result_free(res);
    its_scenario_free(sc);
}

static void test_errors(void)
{
    static const char nul[] = "model: hahn\0feldt1999\n";
    its_scenario *sc = NULL;
    its_status st;

    expect_error("empty", "", ITS_EPARSE, "t.yaml:1:1: scenario: ");
    expect_error("comment only", "# nothing\n", ITS_EPARSE, "t.yaml:1:1: scenario:");
    expect_error("syntax", "model: [a\nsimulate: 1\n", ITS_EPARSE,
                 "t.yaml:2:");
    expect_error("not a mapping", "- a\n- b\n", ITS_EPARSE,
                 "t.yaml:1:1: scenario: expected a mapping");
    expect_error("invalid utf-8", "model: \xff\xfe\n", ITS_EPARSE, "t.yaml:1:");
    expect_error("unknown model", "model: nope\nsimulate: {until: 1}\n",
                 ITS_ENOTFOUND, "t.yaml:1:8: model: unknown model 'nope'");
    expect_error("unknown parameter", BASE "parameters: {zz: 1}\n",
                 ITS_ENOTFOUND, "t.yaml:6:14: parameters.zz: unknown parameter");
    expect_error("unknown state", BASE "initial: {}\n", ITS_EPARSE,
                 "t.yaml:6:1: initial: duplicate key");
    expect_error("unknown state 2",
                 "model: hahnfeldt1999\ninitial: {W: 1}\nsimulate: {until: 1}\n",
                 ITS_ENOTFOUND, "t.yaml:2:11: initial.W: unknown state 'W'");
    expect_error("unknown input",
                 "model: hahnfeldt1999\ntherapy: [{input: x, dose: 1}]\n"
                 "simulate: {until: 1}\n",
                 ITS_ENOTFOUND, "t.yaml:2:19: therapy[0].input: unknown input 'x'");
    expect_error("unknown top key", BASE "colour: red\n", ITS_EPARSE,
                 "t.yaml:6:1: colour: unknown key");
    expect_error("unknown simulate key",
                 "model: hahnfeldt1999\nsimulate: {until: 1, step: 2}\n",
                 ITS_EPARSE, "t.yaml:2:22: simulate.step: unknown key");
    expect_error("unknown therapy key",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 1, at: 2}]\n"
                 "simulate: {until: 5}\n",
                 ITS_EPARSE, "t.yaml:2:36: therapy[0].at: unknown key");
    expect_error("missing dose",
                 "model: hahnfeldt1999\ntherapy:\n  - {input: tnp470}\n"
                 "simulate: {until: 5}\n",
                 ITS_EPARSE, "t.yaml:3:5: therapy[0]: needs either 'dose'");
    expect_error("dose and rate",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 1, rate: 1}]\n"
                 "simulate: {until: 5}\n",
                 ITS_EPARSE, "t.yaml:2:42: therapy[0].rate: give either");
    expect_error("negative dose",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: -1 mg/kg}]\n"
                 "simulate: {until: 5}\n",
                 ITS_ERANGE, "t.yaml:2:33: therapy[0].dose: a dose cannot be negative");
    expect_error("unknown unit",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 5 mgg/kg}]\n"
                 "simulate: {until: 5}\n",
                 ITS_EUNIT, "t.yaml:2:33: therapy[0].dose: ");
    expect_error("mismatched unit",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 5 d}]\n"
                 "simulate: {until: 5}\n",
                 ITS_EUNIT, "t.yaml:2:33: therapy[0].dose: ");
    expect_error("NaN", "model: hahnfeldt1999\ninitial: {V: .nan}\nsimulate: {until: 1}\n",
                 ITS_EPARSE, "t.yaml:2:14: initial.V: ");
    expect_error("inf", "model: hahnfeldt1999\ninitial: {V: inf mm3}\nsimulate: {until: 1}\n",
                 ITS_EPARSE, "t.yaml:2:14: initial.V: ");
    expect_error("negative initial",
                 "model: hahnfeldt1999\ninitial: {V: -1 mm3}\nsimulate: {until: 1}\n",
                 ITS_ERANGE, "t.yaml:2:14: initial.V: ");
    expect_error("end before start",
                 "model: hahnfeldt1999\nsimulate: {start: 10 d, until: 5 d}\n",
                 ITS_ERANGE, "t.yaml:2:32: simulate.until: the end time 5 d");
    expect_error("missing until", "model: hahnfeldt1999\n", ITS_EPARSE,
                 "t.yaml: simulate.until: missing");
    expect_error("missing model", "simulate: {until: 1}\n", ITS_EPARSE,
                 "t.yaml: model: missing");
    expect_error("dose after end",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 1, start: 9 d}]\n"
                 "simulate: {until: 5 d}\n",
                 ITS_ERANGE, "t.yaml:2:43: therapy[0].start: administration at 9 d is after");
    expect_error("every without until",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 1, every: 1 d}]\n"
                 "simulate: {until: 5 d}\n",
                 ITS_EPARSE, "t.yaml:2:43: therapy[0].every: ");
    expect_error("zero interval",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 1, every: 0 d, count: 2}]\n"
                 "simulate: {until: 5 d}\n",
                 ITS_ERANGE, "t.yaml:2:43: therapy[0].every: ");
    expect_error("duration with dose",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 1, duration: 1 d}]\n"
                 "simulate: {until: 5 d}\n",
                 ITS_EPARSE, "t.yaml:2:46: therapy[0].duration: ");
    expect_error("bad count",
                 "model: hahnfeldt1999\ntherapy: [{input: tnp470, dose: 1, every: 1 d, count: 2.5}]\n"
                 "simulate: {until: 5 d}\n",
                 ITS_EPARSE, "t.yaml:2:55: therapy[0].count: ");
    expect_error("duplicate key", "model: hahnfeldt1999\nmodel: kirschner1998\n",
                 ITS_EPARSE, "t.yaml:2:1: model: duplicate key");
    expect_error("nested value", "model: hahnfeldt1999\ninitial: {V: [1, 2]}\n",
                 ITS_EPARSE, "t.yaml:2:14: initial.V: expected a single value");
    expect_error("bad method",
                 "model: hahnfeldt1999\nsimulate: {until: 5 d, method: rk4}\n",
                 ITS_EPARSE, "t.yaml:2:32: simulate.method: unknown method");
    /* issue 9 item 6: a dose per body mass is not a plain ratio */
    expect_error("percent as mg/kg", "model: hahnfeldt1999\nsimulate: {until: 10 d}\n"
                 "therapy: [{input: tnp470, dose: 30 %, start: 0 d}]\n", ITS_EUNIT,
                 "t.yaml:3:33: therapy[0].dose: cannot convert '%' (dimensionless) to "
                 "'mg/kg' (mass per mass)");
    expect_error("ratio rate as mg/kg/d", "model: hahnfeldt1999\nsimulate: {until: 10 d}\n"
                 "therapy: [{input: endostatin, rate: 0.2 1/d, start: 0 d, duration: 1 d}]\n",
                 ITS_EUNIT, "t.yaml:3:37: therapy[0].rate: cannot convert '1/d'");
    /* issue 9 item 7: the patient block is checked even when no dose uses it */
    expect_error("negative weight", "model: hahnfeldt1999\nsimulate: {until: 10 d}\n"
                 "patient: {weight: -70 kg}\n", ITS_ERANGE,
                 "t.yaml:3:19: patient.weight: '-70 kg' is outside the plausible human range "
                 "1 to 650 kg");
    expect_error("weight in mmHg", "model: hahnfeldt1999\nsimulate: {until: 10 d}\n"
                 "patient: {weight: 70 mmHg}\n", ITS_EUNIT,
                 "t.yaml:3:19: patient.weight: cannot convert 'mmHg'");
    expect_error("height in mm as cm", "model: tme\nsimulate: {until: 10 d}\n"
                 "patient: {height: 1750}\n", ITS_ERANGE,
                 "t.yaml:3:19: patient.height: '1750' is outside the plausible human range");
    expect_error("age", "model: tme\nsimulate: {until: 10 d}\npatient: {age: 130 y}\n",
                 ITS_ERANGE, "t.yaml:3:16: patient.age: '130 y' is outside");
    expect_error("age in kg", "model: tme\nsimulate: {until: 10 d}\npatient: {age: 60 kg}\n",
                 ITS_EUNIT, "t.yaml:3:16: patient.age: cannot convert 'kg'");
    /* issue 9 item 9: an empty arms list is not one untreated run */
    expect_error("empty arms", "model: tme\nsimulate: {until: 10 d}\narms: []\n", ITS_EPARSE,
                 "t.yaml:3:7: arms: no arms given");
    expect_error("null arms", "model: tme\nsimulate: {until: 10 d}\narms:\n", ITS_EPARSE,
                 "t.yaml:3:6: arms: no arms given");
    { /* found by probing with large files (docs/fuzzing.md): each arm holds a
       * scenario (about 10 kB) and its identifier is compared with every
       * other, so 10^6 one-line arms took gigabytes and minutes */
        static const char head[] = "model: tme\nsimulate: {until: 10 d}\narms:\n";
        size_t n = sizeof head - 1;
        int i;
        char *text = malloc(n + 1001 * 32);
        if (its_test_true(text != NULL, "arms text")) {
            memcpy(text, head, n);
            for (i = 0; i < 1000; i++)
                n += (size_t)sprintf(text + n, "  - {name: arm %d}\n", i);
            {
                its_scenario *asc = NULL;
                its_scenario_create(&asc, NULL, 0);
                its_test_true(load(asc, text) == ITS_OK && its_scenario_arm_count(asc) == 1000,
                              "1000 arms are read: %s", its_scenario_errmsg(asc));
                its_scenario_free(asc);
            }
            sprintf(text + n, "  - {name: arm %d}\n", i);
            expect_error("1001 arms", text, ITS_ERANGE, "t.yaml:4:3: arms: 1001 arms, more than 1000");
            free(text);
        }
    }
    expect_error("two documents", "model: hahnfeldt1999\n---\nmodel: x\n",
                 ITS_EPARSE, "t.yaml:2:1: scenario: more than one");
    expect_error("unknown parameter set",
                 "model: depillis2009\nparameter_set: patient99\nsimulate: {until: 1}\n",
                 ITS_ENOTFOUND, "t.yaml:2:16: parameter_set: unknown parameter set");

    its_scenario_create(&sc, NULL, 0);
    st = its_scenario_load_string(sc, nul, sizeof nul - 1, "nul.yaml");
    its_test_true(st == ITS_EPARSE && starts_with(its_scenario_errmsg(sc), "nul.yaml:1:12:"),
                  "NUL byte: %s", its_scenario_errmsg(sc));
    st = its_scenario_load_file(sc, "/nonexistent/dir/x.yaml");
    its_test_true(st == ITS_EIO && strstr(its_scenario_errmsg(sc), "cannot open"),
                  "missing file: %s", its_scenario_errmsg(sc));
    its_scenario_free(sc);
}

static void test_overrides(void)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    const its_model_def *m = its_model_find("hahnfeldt1999");
    int il = its_model_param_index(m, "lambda1");
    int iv = its_model_state_index(m, "V");

    its_scenario_create(&sc, NULL, 0);
    st = load(sc, BASE);
    its_test_true(st == ITS_OK, "base loads: %s", its_scenario_errmsg(sc));
    st = its_scenario_override(sc, "lambda1");
    its_test_true(st == ITS_EPARSE && starts_with(its_scenario_errmsg(sc), "--set: expected NAME=VALUE"),
                  "--set syntax: %s", its_scenario_errmsg(sc));
    st = its_scenario_override(sc, "=3");
    its_test_true(st == ITS_EPARSE, "--set without a name");
    st = its_scenario_override(sc, "nosuch=3");
    its_test_true(st == ITS_ENOTFOUND && starts_with(its_scenario_errmsg(sc), "--set: nosuch: "),
                  "--set unknown name: %s", its_scenario_errmsg(sc));
    st = its_scenario_override(sc, "simulate.until=5 kg");
    its_test_true(st == ITS_EUNIT && starts_with(its_scenario_errmsg(sc), "--set: simulate.until: "),
                  "--set simulate.until with a mass: %s", its_scenario_errmsg(sc));
    st = its_scenario_override(sc, "simulate.colour=red");
    its_test_true(st == ITS_ENOTFOUND, "--set of an unknown simulate key");
    st = its_scenario_set_model(sc, "kirschner1998");
    its_test_true(st == ITS_ENOTFOUND, "--model whose names do not fit");
    st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_OK && res && res->plan.t1 == 60.0 &&
                  strcmp(res->plan.model->name, "hahnfeldt1999") == 0,
                  "failed overrides leave the scenario unchanged: %s",
                  its_scenario_errmsg(sc));
    its_result_free(res);
    res = NULL;
    its_scenario_free(sc);

    its_scenario_create(&sc, NULL, 0);
    load(sc, BASE);
    st = its_scenario_override(sc, "V=0.5 cm3");
    its_test_true(st == ITS_OK, "--set V=0.5 cm3: %s", its_scenario_errmsg(sc));
    st = its_scenario_override(sc, "lambda1 = 0.25 1/d");
    its_test_true(st == ITS_OK, "--set lambda1 = 0.25 1/d");
    st = its_scenario_override(sc, "simulate.until=480 h");
    its_test_true(st == ITS_OK, "--set simulate.until=480 h");
    st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_OK && res, "run with overrides: %s", its_scenario_errmsg(sc));
    if (res) {
        its_test_rel(res->plan.initial[iv], 500.0, 1e-15, "V converted to mm3");
        its_test_rel(res->plan.params[il], 0.25, 1e-15, "lambda1 overridden");
        its_test_rel(res->plan.t1, 20.0, 1e-15, "until 480 h = 20 d");
        its_test_true(res->plan.n_doses == 11, "doses beyond the horizon dropped: %zu",
                      res->plan.n_doses);
        its_test_true(res->plan.n_grid == 101, "default grid of 101 points: %zu",
                      res->plan.n_grid);
    }
    its_result_free(res);
    res = NULL;
    st = its_scenario_set_until(sc, 10.0);
    its_test_true(st == ITS_OK, "set_until 10");
    st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_OK && res && res->plan.t1 == 10.0, "set_until takes effect");
    its_result_free(res);
    res = NULL;
    st = its_scenario_set_until(sc, NAN);
    its_test_true(st == ITS_ERANGE, "set_until NaN refused");
    st = its_scenario_set_model(sc, "nosuchmodel");
    its_test_true(st == ITS_ENOTFOUND && starts_with(its_scenario_errmsg(sc), "--model: "),
                  "--model unknown: %s", its_scenario_errmsg(sc));
    st = its_scenario_set_model(sc, "kirschner1998");
    its_test_true(st == ITS_ENOTFOUND && strstr(its_scenario_errmsg(sc), "initial.V"),
                  "--model with foreign names: %s", its_scenario_errmsg(sc));
    its_scenario_free(sc);

    /* model given only on the command line */
    its_scenario_create(&sc, NULL, 0);
    st = load(sc, "initial: {E: 10 cells}\nsimulate: {until: 5 d}\n");
    its_test_true(st == ITS_OK, "no model in the file loads");
    st = its_scenario_set_model(sc, "kirschner1998");
    its_test_true(st == ITS_OK, "--model supplies it: %s", its_scenario_errmsg(sc));
    st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_OK && res && res->plan.initial[0] == 10.0,
                  "runs with --model: %s", its_scenario_errmsg(sc));
    its_result_free(res);
    its_scenario_free(sc);
}

static void test_schedule(void)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    size_t i, k;

    its_scenario_create(&sc, NULL, 0);
    /* 0.1 * 3 != 0.3 in binary: until is inclusive within 1e-9. */
    st = load_run(sc,
                  "model: hahnfeldt1999\n"
                  "therapy:\n"
                  "  - {input: tnp470, dose: 3 mg/kg, start: 0.1 d, every: 0.1 d, until: 0.4 d}\n"
                  "  - {input: endostatin, dose: 2000 ug/kg, every: 12 h, count: 3}\n"
                  "  - {input: angiostatin, rate: 4 mg/kg/d, start: 1 d, until: 3 d}\n"
                  "  - {input: angiostatin, rate: 1, start: 4 d}\n"
                  "  - {input: endostatin, rate: 10 mg/kg/d, every: 2 d, count: 2, duration: 6 h}\n"
                  "simulate: {until: 5 d, output_every: 0.5 d}\n",
                  &res);
    its_test_true(st == ITS_OK && res, "schedule runs: %s", its_scenario_errmsg(sc));
    if (res) {
        const its__plan *p = &res->plan;
        its_test_true(p->n_doses == 4 + 3 + 1 + 1 + 2, "11 administrations: %zu", p->n_doses);
        its_test_abs(p->doses[3].t, 0.4, 1e-12, "last tnp470 at 0.4 d (inclusive)");
        its_test_rel(p->doses[4].amount, 2.0, 1e-14, "2000 ug/kg = 2 mg/kg");
        its_test_rel(p->doses[6].t, 1.0, 1e-14, "every 12 h, third at 1 d");
        its_test_rel(p->doses[7].duration, 2.0, 1e-14, "rate until: duration 2 d");
        its_test_rel(p->doses[7].rate, 4.0, 1e-14, "rate in mg/kg/d");
        its_test_true(isinf(p->doses[8].duration), "rate without end: to the end");
        its_test_rel(p->doses[10].duration, 0.25, 1e-14, "6 h infusion = 0.25 d");
        its_test_rel(p->doses[10].t, 2.0, 1e-14, "second repeated infusion at 2 d");
        its_test_true(p->n_grid == 11, "grid 0..5 by 0.5: %zu", p->n_grid);
        /* bolus jumps: postdose - predose = dose on the exposure state */
        for (i = 0, k = 0; i + 1 < res->n_rows; i++)
            if (res->kind[i] == ITS_ROW_PREDOSE && res->kind[i + 1] == ITS_ROW_POSTDOSE &&
                fabs(res->t[i] - 0.2) < 1e-12)
                k = i;
        its_test_true(k > 0, "pre/post rows at 0.2 d");
        if (k > 0)
            its_test_rel(res->y[(k + 1) * 5 + 2] - res->y[k * 5 + 2], 3.0, 1e-9,
                         "tnp470 bolus jump of 3 mg/kg");
        for (i = 1, k = 1; i < res->n_rows; i++)
            if (res->t[i] < res->t[i - 1])
                k = 0;
        its_test_true(k == 1, "rows in time order");
    }
    its_result_free(res);
    its_scenario_free(sc);
}

/* Dose times a few ulps away from grid times (0.3 + 2*0.7 vs 17*0.1): the
 * engine treats them as one instant, so the run succeeds and the grid rows
 * there are reported at the dose time itself. */
static void test_near_coincident_times(void)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    size_t i, hits = 0;
    its_scenario_create(&sc, NULL, 0);
    st = load_run(sc,
                  "model: hahnfeldt1999\n"
                  "simulate: {until: 5 d, output_every: 0.1 d}\n"
                  "therapy:\n"
                  "  - {input: tnp470, dose: 1, start: 0.3 d, every: 0.7 d, count: 7}\n"
                  "  - {input: endostatin, rate: 1, start: 0.1 d, every: 0.2 d, count: 20, duration: 0.1 d}\n",
                  &res);
    its_test_true(st == ITS_OK && res, "near-coincident dose and grid times run: %s",
                  its_scenario_errmsg(sc));
    if (res) {
        for (i = 0; i < res->n_rows; i++)
            if (res->kind[i] == ITS_ROW_GRID &&
                (res->t[i] == 0.3 + 2 * 0.7 || res->t[i] == 0.3 + 3 * 0.7))
                hits++;
        its_test_true(hits == 2, "grid rows reported at the dose instants (%zu)", hits);
        for (i = 1, hits = 1; i < res->plan.n_grid; i++)
            if (!(res->plan.grid[i] > res->plan.grid[i - 1]))
                hits = 0;
        its_test_true(hits == 1, "grid still increasing");
    }
    its_result_free(res);
    res = NULL;
    st = load_run(sc,
                  "model: hahnfeldt1999\nsimulate: {until: 5 d}\n"
                  "therapy: [{input: tnp470, dose: 1, every: 1e-6 d, until: 1 d}]\n",
                  &res);
    its_test_true(st == ITS_ERANGE && !res && strstr(its_scenario_errmsg(sc), "administrations"),
                  "too many administrations refused: %s", its_scenario_errmsg(sc));
    its_result_free(res);
    its_scenario_free(sc);
}

static int file_exists(const char *dir, const char *name)
{
    char path[1024];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

/* Number of entries in dir whose name starts with prefix. */
static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            starts_with(e->d_name, prefix))
            n++;
    closedir(d);
    return n;
}

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void rm_flat(const char *dir)
{
    static const char *const names[] = {"timeseries.csv", "summary.json",
                                        "scenario.resolved.yaml", "keep", "assessments.csv",
                                        "adverse_events.csv", "clinical.csv", "doses.csv",
                                        "tumour.gp", "tumour.png", "tumour.svg",
                                        "toxicity.gp", "toxicity.png", "toxicity.svg"};
    char path[1024];
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The earlier default scenario (now examples/hahnfeldt_tnp470_endostatin.yaml). */
static const char hahnfeldt_text[] =
    "model: hahnfeldt1999\n"
    "parameters: {lambda1: 0.192}\n"
    "initial: {V: 170 mm3, K: 625 mm3}\n"
    "therapy:\n"
    "  - {input: tnp470, dose: 30 mg/kg, start: 0 d, every: 2 d, until: 30 d}\n"
    "  - {input: endostatin, rate: 20 mg/kg/d, start: 0 d, duration: 14 d}\n"
    "simulate: {until: 60 d, output_every: 1 d}\n";

static void test_default_comparison(void)
{
    its_scenario *sc = NULL;
    its_status st;
    its_scenario_create(&sc, NULL, 0);
    st = load(sc, its_scenario_default_text());
    its_test_true(st == ITS_OK, "default scenario loads: %s", its_scenario_errmsg(sc));
    its_test_true(its_scenario_arm_count(sc) == 6, "default: six arms");
    its_test_true(strcmp(its_scenario_arm_name(sc, 0), "untreated") == 0 &&
                      strcmp(its_scenario_arm_id(sc, 1), "hd_il2") == 0 &&
                      strcmp(its_scenario_arm_id(sc, 4), "pembrolizumab") == 0,
                  "default: arm names and identifiers");
    its_test_true(its_scenario_run(sc, NULL) == ITS_EINVAL, "a scenario with arms is run arm by arm");
    its_scenario_free(sc);
}

static void test_outputs(void)
{
    char base[] = "/tmp/itsim_test_XXXXXX";
    char out[256], out2[256], keep[300], path[300];
    its_scenario *sc = NULL;
    its_result *res = NULL, *res2 = NULL;
    its_status st;
    char *a, *b;
    FILE *fp;

    if (!mkdtemp(base)) {
        its_test_true(0, "mkdtemp: %s", strerror(errno));
        return;
    }
    snprintf(out, sizeof out, "%s/out", base);
    snprintf(out2, sizeof out2, "%s/out2", base);
    its_scenario_create(&sc, NULL, 0);
    st = load(sc, hahnfeldt_text);
    its_test_true(st == ITS_OK, "Hahnfeldt scenario loads: %s", its_scenario_errmsg(sc));
    st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_OK && res, "Hahnfeldt scenario runs: %s", its_scenario_errmsg(sc));
    if (!res) {
        its_scenario_free(sc);
        return;
    }
    its_test_true(res->plan.n_doses == 17, "default: 16 TNP-470 boluses + 1 infusion");
    fp = fopen("/dev/null", "w");
    its_test_true(fp && its_result_print_summary(res, fp) == ITS_OK, "summary prints");
    if (fp)
        fclose(fp);

    st = its_result_write_dir(res, out, 0);
    its_test_true(st == ITS_OK, "write_dir: %s", its_result_errmsg(res));
    its_test_true(file_exists(out, "timeseries.csv") && file_exists(out, "summary.json") &&
                  file_exists(out, "scenario.resolved.yaml"), "three files written");
    its_test_true(count_entries(base, "out.") == 0, "no temporary directory left");
    a = read_all(strcat(strcpy(path, out), "/timeseries.csv"));
    its_test_true(a && starts_with(a, "time [d],V [mm3],K [mm3],") &&
                  strstr(a, ",event\n") && strstr(a, "\n0,170,625,0,0,0,predose\n"),
                  "CSV header and first row");
    free(a);
    a = read_all(strcat(strcpy(path, out), "/summary.json"));
    its_test_true(a && strstr(a, "\"status\": \"ok\"") && strstr(a, "\"model\": \"hahnfeldt1999\"") &&
                  !strstr(a, "nan") && !strstr(a, "inf"), "summary.json content");
    free(a);

    /* existing non-empty directory */
    snprintf(keep, sizeof keep, "%s/keep", out);
    fp = fopen(keep, "w");
    if (fp)
        fclose(fp);
    st = its_result_write_dir(res, out, 0);
    its_test_true(st == ITS_EIO && file_exists(out, "timeseries.csv") &&
                  access(keep, F_OK) == 0, "non-empty dir refused and untouched: %s",
                  its_result_errmsg(res));
    st = its_result_write_dir(res, out, 1);
    its_test_true(st == ITS_OK && access(keep, F_OK) != 0 && file_exists(out, "summary.json"),
                  "overwrite replaces the directory");
    its_test_true(count_entries(base, "out.") == 0, "no .tmp/.old directory left");

    /* round trip: the resolved scenario reproduces the time series */
    its_scenario_free(sc);
    its_scenario_create(&sc, NULL, 0);
    st = its_scenario_load_file(sc, strcat(strcpy(path, out), "/scenario.resolved.yaml"));
    its_test_true(st == ITS_OK, "resolved scenario loads: %s", its_scenario_errmsg(sc));
    st = its_scenario_run(sc, &res2);
    its_test_true(st == ITS_OK && res2, "resolved scenario runs");
    if (res2) {
        its_test_true(its_result_write_dir(res2, out2, 0) == ITS_OK, "second write");
        a = read_all(strcat(strcpy(path, out), "/timeseries.csv"));
        b = read_all(strcat(strcpy(path, out2), "/timeseries.csv"));
        its_test_true(a && b && strcmp(a, b) == 0, "identical timeseries.csv");
        free(a);
        free(b);
        a = read_all(strcat(strcpy(path, out), "/scenario.resolved.yaml"));
        b = read_all(strcat(strcpy(path, out2), "/scenario.resolved.yaml"));
        its_test_true(a && b && strstr(a, "  lambda1: 0.192 1/d\n") &&
                      strcmp(strstr(a, "\nmodel:"), strstr(b, "\nmodel:")) == 0,
                      "resolved scenario is a fixed point");
        free(a);
        free(b);
    }
    /* a missing parent directory fails cleanly */
    snprintf(path, sizeof path, "%s/missing/out", base);
    st = its_result_write_dir(res, path, 0);
    its_test_true(st == ITS_EIO && count_entries(base, "missing") == 0,
                  "missing parent: %s", its_result_errmsg(res));

    its_result_free(res);
    its_result_free(res2);
    its_scenario_free(sc);
    rm_flat(out);
    rm_flat(out2);
    rmdir(base);
}

static void test_solver_failure(void)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    its_scenario_create(&sc, NULL, 0);
    st = load_run(sc, "model: kirschner1998\nsimulate: {until: 100 d, max_steps: 3}\n", &res);
    its_test_true(st == ITS_ESOLVER && res && res->status == ITS_ESOLVER,
                  "solver failure reported with a partial result: %s",
                  its_scenario_errmsg(sc));
    its_result_free(res);
    its_scenario_free(sc);
}

static void test_versions(void)
{
    its_test_true(strcmp(its_version(), ITS_VERSION_STRING) == 0, "its_version");
    its_test_true(its_yaml_version() && its_yaml_version()[0] >= '0' &&
                  its_yaml_version()[0] <= '9', "its_yaml_version: %s", its_yaml_version());
}

/* Issue 9 item 4: nesting is limited to 64 levels with the position of the
 * 65th; a deep file is refused without walking it, and long mappings are
 * read in about linear time (the duplicate-key check was quadratic: 1M
 * parameters took about an hour, so the old code fails here by ctest's
 * timeout, not by a timed assertion). */
static void test_yaml_limits(void)
{
    its_scenario *sc = NULL;
    char *text, msg[128];
    size_t i, n, cap = 20u << 20;
    its_status st;

    its_scenario_create(&sc, NULL, 0);
    text = malloc(cap);
    /* depth 64 (the root mapping is level 1) is read, 65 is refused */
    n = (size_t)sprintf(text, "model: hahnfeldt1999\nsimulate: {until: 1 d}\nprovenance: {a: ");
    for (i = 0; i < 62; i++)
        text[n++] = '[';
    for (i = 0; i < 62; i++)
        text[n++] = ']';
    text[n++] = '}';
    st = its_scenario_load_string(sc, text, n, "t.yaml");
    its_test_true(st == ITS_OK, "depth 64 accepted: %s", its_scenario_errmsg(sc));
    n = (size_t)sprintf(text, "model: hahnfeldt1999\nsimulate: {until: 1 d}\nprovenance:\n");
    for (i = 0; i < 64; i++)
        n += (size_t)sprintf(text + n, "%*s- \n", (int)(2 * i), "");
    st = its_scenario_load_string(sc, text, n, "t.yaml");
    /* block items: the 64th '-' (line 67, column 127) opens level 65 */
    its_test_true(st == ITS_EPARSE &&
                  starts_with(its_scenario_errmsg(sc), "t.yaml:67:127: scenario: nesting deeper "
                                                       "than 64 levels"),
                  "depth 65 refused at its position: %s", its_scenario_errmsg(sc));
    /* 1,000,000 levels of flow lists: refused at the 65th '[' (column 13 + 63) */
    n = (size_t)sprintf(text, "model: hahnfeldt1999\nsimulate: {until: 1 d}\nprovenance: ");
    for (i = 0; i < 1000000; i++)
        text[n + i] = '[';
    n += i;
    for (i = 0; i < 1000000; i++)
        text[n + i] = ']';
    n += i;
    st = its_scenario_load_string(sc, text, n, "t.yaml");
    its_test_true(st == ITS_EPARSE &&
                  starts_with(its_scenario_errmsg(sc), "t.yaml:3:76: scenario: nesting deeper"),
                  "1e6 levels refused: %s", its_scenario_errmsg(sc));
    /* 1,000,000 parameters, the last repeating the first */
    n = (size_t)sprintf(text, "model: hahnfeldt1999\nsimulate: {until: 1 d}\nparameters:\n");
    for (i = 0; i < 1000000; i++)
        n += (size_t)sprintf(text + n, "  p%zu: 1\n", i);
    n += (size_t)sprintf(text + n, "  p0: 2\n");
    st = its_scenario_load_string(sc, text, n, "t.yaml");
    its_test_true(st == ITS_EPARSE &&
                  starts_with(its_scenario_errmsg(sc), "t.yaml:1000004:3: parameters.p0: "
                                                       "duplicate key (first given at line 4)"),
                  "1e6 parameters, duplicate found: %s", its_scenario_errmsg(sc));
    /* the same without the duplicate: read, then the first unknown name */
    n -= strlen("  p0: 2\n");
    st = its_scenario_load_string(sc, text, n, "t.yaml");
    its_test_true(st == ITS_ENOTFOUND &&
                  starts_with(its_scenario_errmsg(sc), "t.yaml:4:3: parameters.p0: unknown"),
                  "1e6 parameters read: %s", its_scenario_errmsg(sc));
    free(text);
    /* anchors and aliases: shared nodes; undefined or self-containing refused */
    st = load(sc, "model: hahnfeldt1999\nsimulate: {until: 10 d}\n"
                  "provenance: {d: &d {input: tnp470, dose: 30 mg/kg, start: 0 d}}\n"
                  "therapy: [*d, *d]\n");
    its_test_true(st == ITS_OK, "aliases: %s", its_scenario_errmsg(sc));
    expect_error("undefined alias", "model: hahnfeldt1999\ntherapy: [*nope]\n", ITS_EPARSE,
                 "t.yaml:2:11: scenario: undefined alias '*nope'");
    expect_error("recursive alias", "model: hahnfeldt1999\nprovenance: &a {x: *a}\n",
                 ITS_EPARSE, "t.yaml:2:20: scenario: alias '*a' refers to a node that contains it");
    snprintf(msg, sizeof msg, "model: hahnfeldt1999\n---\n");
    expect_error("second empty document", msg, ITS_EPARSE, "t.yaml:2:1: scenario: more than one");
    its_scenario_free(sc);
}

/* Issue 9 item 12: rtol and atol are independent. Setting rtol keeps the
 * per-state default atol (1e-10 x max(|y0|, 1)); a scenario with only rtol
 * runs exactly as its_sim with only rtol set (same arithmetic, so the final
 * states agree to 1e-13 relative); the old flat atol of 1e-10 gives a
 * different run (checked to differ, so the comparison can tell). */
static void test_tolerances(void)
{
    const its_model_def *m = its_model_find("kuznetsov1994");
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_sim *sim = NULL;
    double atol0[8], atol1[8], rtol, y_direct[8], y_flat[8];
    size_t i, n = m->n_states;
    its_status st;
    int same = 1;

    its_test_true(n <= 8 && its_sim_create(m, &sim, NULL, 0) == ITS_OK, "tolerances: sim");
    its_sim_get_tolerances(sim, &rtol, atol0);
    its_test_true(rtol == 1e-8 && atol0[0] == 1e-10 * fmax(its_sim_initial(sim)[0], 1.0),
                  "default rtol %g, atol[0] %g", rtol, atol0[0]);
    its_test_true(its_sim_set_rtol(sim, 1e-6) == ITS_OK, "set_rtol");
    its_sim_get_tolerances(sim, &rtol, atol1);
    for (i = 0; i < n; i++)
        same = same && atol1[i] == atol0[i];
    its_test_true(rtol == 1e-6 && same, "rtol alone keeps the per-state atol vector");
    its_test_true(its_sim_set_atol(sim, 1e-7) == ITS_OK, "set_atol");
    its_sim_get_tolerances(sim, &rtol, atol1);
    its_test_true(rtol == 1e-6 && atol1[0] == 1e-7 && atol1[n - 1] == 1e-7,
                  "atol alone keeps rtol");
    its_test_true(its_sim_set_rtol(sim, 0.0) == ITS_ERANGE &&
                  its_sim_set_atol(sim, -1.0) == ITS_ERANGE, "non-positive refused");

    its_scenario_create(&sc, NULL, 0);
    st = load_run(sc, "model: kuznetsov1994\nsimulate: {until: 200 d, rtol: 1e-5}\n", &res);
    its_test_true(st == ITS_OK && res != NULL, "scenario with rtol only: %s",
                  its_scenario_errmsg(sc));
    if (st == ITS_OK) {
        its_sim_free(sim); /* a fresh handle: default atol */
        its_sim_create(m, &sim, NULL, 0);
        its_sim_set_rtol(sim, 1e-5);
        its_sim_run(sim, res->plan.t0, res->plan.t1, res->plan.grid, res->plan.n_grid, NULL,
                    NULL);
        its_sim_get_final_state(sim, y_direct);
        its_sim_set_tolerances(sim, 1e-5, 1e-10);
        its_sim_run(sim, res->plan.t0, res->plan.t1, res->plan.grid, res->plan.n_grid, NULL,
                    NULL);
        its_sim_get_final_state(sim, y_flat);
        its_test_rel(res->final_state[0], y_direct[0], 1e-13,
                     "rtol only: the same run as its_sim_set_rtol (state 0)");
        its_test_rel(res->final_state[1], y_direct[1], 1e-13,
                     "rtol only: the same run as its_sim_set_rtol (state 1)");
        its_test_true(fabs(y_flat[0] - y_direct[0]) > 1e-12 * fabs(y_direct[0]),
                      "a flat atol 1e-10 gives a different run (state 0: %.15g vs %.15g)",
                      y_flat[0], y_direct[0]);
    }
    its_result_free(res);
    its_scenario_free(sc);
    its_sim_free(sim);
}

/* Issue 9 item 10: a check on derived settings names a setting the user
 * wrote (the horizon when the clinical intervals are defaults; --until /
 * its_scenario_set_until when it turned a valid file into a failing one). */
static void test_blame(void)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    expect_error("horizon, default monitoring", "model: tme\nsimulate: {until: 1e12 d}\n",
                 ITS_ERANGE, "t.yaml:2:19: simulate.until: more than 5000000 monitoring times");
    expect_error("written monitoring interval",
                 "model: tme\nclinical: {monitor_every: 1 s}\nsimulate: {until: 365 d}\n",
                 ITS_ERANGE, "t.yaml:2:27: clinical.monitor_every: more than 5000000");
    expect_error("written output interval",
                 "model: kuznetsov1994\nsimulate: {until: 60 d, output_every: 1e-9 d}\n",
                 ITS_ERANGE, "t.yaml:2:39: simulate.output_every: an output every");
    its_scenario_create(&sc, NULL, 0);
    st = load(sc, "model: kuznetsov1994\nsimulate: {until: 60 d, output_every: 1 d}\n");
    if (st == ITS_OK)
        st = its_scenario_set_until(sc, 1e12);
    if (st == ITS_OK)
        st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_ERANGE &&
                  starts_with(its_scenario_errmsg(sc), "--until: simulate.until: an output every"),
                  "its_scenario_set_until is named, not output_every: %s",
                  its_scenario_errmsg(sc));
    its_result_free(res);
    its_scenario_free(sc);
}

/* its_scenario_create has no handle to hold a reason: it follows the
 * (msg, msglen) convention. */
static void test_create_message(void)
{
    its_scenario *sc = NULL;
    char msg[128];
    its_test_true(its_scenario_create(NULL, msg, sizeof msg) == ITS_EINVAL && msg[0],
                  "NULL out: ITS_EINVAL with a message ('%s')", msg);
    its__alloc_fail_at(1, 0);
    its_test_true(its_scenario_create(&sc, msg, sizeof msg) == ITS_ENOMEM && sc == NULL &&
                      strstr(msg, "out of memory") != NULL,
                  "out of memory: message '%s'", msg);
    its__alloc_fail_at(0, 0);
    its_test_true(its_scenario_create(&sc, msg, sizeof msg) == ITS_OK && sc && !msg[0],
                  "success writes \"\"");
    its_scenario_free(sc);
    sc = NULL;
    its_test_true(its_scenario_create(&sc, NULL, 0) == ITS_OK && sc, "msg NULL accepted");
    its_scenario_free(sc);
}

int main(void)
{
    test_create_message();
    test_versions();
    test_blame();
    test_tolerances();
    test_errors();
    test_yaml_limits();
    test_overrides();
    test_schedule();
    test_near_coincident_times();
    test_outputs();
    test_default_comparison();
    test_solver_failure();
    return its_test_done();
}
