/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: patient records (docs/personalise.md). The two examples in
 * examples/patients/ load with the day numbers counted by hand (a leap
 * year included), labs in the model's units, treatments expanded into the
 * window's doses; bad records are refused with file, line, column and the
 * record's own key. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#define ITS__SCENARIO_LAYER /* white-box: the window's plan */
#include "scenario/scenario.h"
#include "itsim/itsim.h"
#include "its_test.h"

static its_record *load(const char *rel)
{
    char path[4096], msg[1024];
    its_record *r = NULL;
    snprintf(path, sizeof path, "%s/%s", ITS_SOURCE_DIR, rel);
    if (its_record_load_file(path, &r, msg, sizeof msg) != ITS_OK)
        printf("      %s\n", msg);
    return r;
}

/* The lab of kind k at day t, NaN when absent. */
static double lab(const its_record *r, its__lab k, double t)
{
    size_t i;
    for (i = 0; i < r->n_labs; i++)
        if (r->labs[i].kind == k && r->labs[i].t == t)
            return r->labs[i].value;
    return (double)NAN;
}

static void test_pembrolizumab(void)
{
    its_record *r = load("examples/patients/mel_pembrolizumab.yaml");
    its__plan plan;
    size_t k, n_pem = 0;
    its_test_true(r != NULL, "mel_pembrolizumab.yaml loads");
    if (!r)
        return;
    /* 2025-01-06 -> 2025-03-31: 25 + 28 + 31 = 84 days; decision 04-02: 86 */
    its_test_true(strcmp(its_record_id(r), "MEL-0001") == 0 && its_record_lesion_count(r) == 3 &&
                      strcmp(its_record_lesion_site(r, 2), "lymph node") == 0 &&
                      !r->lesions[2].target && r->lesions[0].target,
                  "id, 3 lesions, N1 a non-target lymph node");
    its_test_true(r->n_scans == 2 && r->scan_t[0] == 0.0 && r->scan_t[1] == 84.0 &&
                      its_record_decision_day(r) == 86.0,
                  "scans on days 0 and 84, decision on day 86");
    its_test_true(r->n_obs == 6 && r->obs[5].censored && r->obs[5].mm == 5.0 &&
                      r->obs[3].mm == 18.0 && r->obs[3].t == 84.0,
                  "six diameters, N1 below 5 mm at day 84");
    /* labs of 2025-01-03 (3 days before t0) stand for t0; chemistry as x ULN */
    its_test_rel(lab(r, ITS__LAB_ANC, 0.0), 4.1, 1e-15, "ANC 4.1 at t0");
    its_test_rel(lab(r, ITS__LAB_CREATININE, 0.0), 0.9 / 1.1, 1e-15, "creatinine 0.9 / 1.1 x ULN");
    its_test_rel(lab(r, ITS__LAB_ALT, 81.0), 35.0 / 40.0, 1e-15, "ALT 35 / 40 x ULN on day 81");
    its_test_rel(lab(r, ITS__LAB_PLATELETS, 21.0), 241.0, 1e-15, "platelets on day 21");
    its_test_true(r->has_tmb && r->tmb == 14.0 && r->has_tps && fabs(r->tps - 0.05) < 1e-15 &&
                      r->has_clonal && r->clonal == 0.8,
                  "biomarkers: TMB 14, TPS 5 %%, clonal share 0.8");
    its_test_true(r->prior != NULL && r->prior->pop != NULL, "the calibrated prior is loaded");
    its_test_true(r->objective == 0 && r->max_grade3 == 0.3 && r->horizon == 365.0,
                  "decision: response, 30 %%, 365 d");
    its_test_true(r->fit.chains == 4 && r->fit.iterations == 12000 && r->err_model.diam_cv == 0.086,
                  "default fit and error settings");
    if (its__sc_resolve(r->window, 1, &plan) == ITS_OK) {
        for (k = 0; k < plan.n_doses; k++)
            n_pem += strcmp(plan.model->inputs[plan.doses[k].input].name, "antipd1") == 0;
        its_test_true(strcmp(plan.model->name, "tme") == 0 && plan.model->n_states > 0 &&
                          n_pem == 4 && plan.doses[0].t == 2.0 && plan.doses[3].t == 65.0,
                      "the window: 4 pembrolizumab infusions from day 2 to 65 (%zu)", n_pem);
        its__plan_clear(&plan);
    } else {
        its_test_true(0, "the window resolves: %s", its_scenario_errmsg(r->window));
    }
    its_record_free(r);
}

static void test_hd_il2(void)
{
    its_record *r = load("examples/patients/mel_hd_il2.yaml");
    its__plan plan;
    its_test_true(r != NULL, "mel_hd_il2.yaml loads");
    if (!r)
        return;
    /* 2024-02-12 -> 2024-04-15 across 29 February: 17 + 31 + 15 = 63 */
    its_test_true(r->scan_t[1] == 63.0 && r->t_dec == 63.0 && r->objective == 1 &&
                      r->max_grade3 == 0.5 && r->fit.seed == 7 && r->fit.warmup == 2000,
                  "leap year: the second scan and the decision on day 63; pfs, 50 %%, seed 7");
    its_test_true(strstr(its_record_notes(r), "ANC 23 days before t0 left out") != NULL &&
                      lab(r, ITS__LAB_ANC, 0.0) == 5.2,
                  "of two ANC values before t0 the later one stands for t0 (note: %s)",
                  its_record_notes(r));
    its_test_rel(lab(r, ITS__LAB_CREATININE, 18.0), 2.1 / 1.2, 1e-15, "creatinine 1.75 x ULN on day 18");
    if (its__sc_resolve(r->window, 1, &plan) == ITS_OK) {
        /* 2024-02-26T08:00 is day 14 + 1/3; nine doses 8 h apart, the last on
         * 2024-02-29 00:00 = day 17 */
        its_test_true(plan.n_doses == 9 && fabs(plan.doses[0].t - (14.0 + 1.0 / 3.0)) < 1e-12 &&
                          fabs(plan.doses[8].t - 17.0) < 1e-12 && plan.doses[0].infusion,
                      "9 IL-2 infusions from day 14.33 to 17 (%zu)", plan.n_doses);
        its__plan_clear(&plan);
    } else {
        its_test_true(0, "the window resolves: %s", its_scenario_errmsg(r->window));
    }
    its_record_free(r);
}

/* A small valid record; each bad case replaces one line. */
static const char *const base[] = {
    "patient: {id: P1, weight: 70 kg, height: 175 cm}",
    "lesions:",
    "  - {id: A, site: lung}",
    "  - {id: B, site: liver}",
    "assessments:",
    "  - {date: 2025-01-06, diameters: {A: 20 mm, B: 30 mm}}",
    "  - {date: 2025-02-17, diameters: {A: 18 mm, B: 31 mm}}",
    "labs:",
    "  - {date: 2025-01-05, ANC: 4 1e9/L, creatinine: 1.0 mg/dL}",
    "reference_limits: {creatinine: 1.2 mg/dL}",
    "treatments:",
    "  - {agent: pembrolizumab, dose: 200 mg, duration: 30 min, date: 2025-01-08}",
    "decision: {date: 2025-02-20}",
};
#define NBASE (sizeof base / sizeof base[0])

/* Load the base record with line `line` (1-based) replaced by `with`
 * (NULL: as is); the message in msg. */
static its_status try_record(size_t line, const char *with, char *msg, size_t len)
{
    char text[4096];
    size_t i, used = 0;
    its_record *r = NULL;
    its_status st;
    for (i = 0; i < NBASE; i++) {
        snprintf(text + used, sizeof text - used, "%s\n", i + 1 == line ? with : base[i]);
        used = strlen(text);
    }
    st = its_record_load_string(text, used, "rec.yaml", &r, msg, len);
    its_record_free(r);
    return st;
}

static void test_errors(void)
{
    static const struct {
        size_t line;
        const char *with, *want;
    } cases[] = {
        {1, "patient: {id: P1, height: 175 cm}", "rec.yaml:1:10: patient: needs weight and height"},
        {1, "patient: {id: P1, weight: -70 kg, height: 175 cm}", "rec.yaml:1:27: patient.weight: 1 to 650 kg"},
        {1, "patient: {id: P1, weight: 70 kg, height: 175 cm, sex: other}", "rec.yaml:1:55: patient.sex: expected female or male"},
        {1, "patient: {id: \"P 1\\\"\", weight: 70 kg, height: 175 cm}", "rec.yaml:1:15: patient.id: printable ASCII"},
        {1, "patient: {weight: 70 kg, height: 175 cm, parameter_set: lung}", "patient.parameter_set: unknown parameter set 'lung'"},
        {3, "  - {id: A, site: moon}", "rec.yaml:3:19: lesions[0].site: unknown site 'moon' (sites:"},
        {4, "  - {id: A, site: liver}", "rec.yaml:4:10: lesions[1].id: lesion 'A' listed twice"},
        {6, "  - {date: 2025-01-06, diameters: {A: 20 mm}}", "assessments[0].diameters: the baseline scan must measure every lesion; 'B' is missing"},
        {6, "  - {date: 2025-01-06, diameters: {A: 20 mm, C: 30 mm}}", "rec.yaml:6:46: assessments[0].diameters.C: no lesion 'C'"},
        {6, "  - {date: 2025-01-06, diameters: {A: 20 mg, B: 30 mm}}", "rec.yaml:6:39: assessments[0].diameters.A: a diameter such as"},
        {6, "  - {date: 2025-02-30, diameters: {A: 20 mm, B: 30 mm}}", "rec.yaml:6:12: assessments[0].date: expected a date YYYY-MM-DD"},
        {7, "  - {date: 2025-01-06, diameters: {A: 18 mm, B: 31 mm}}", "rec.yaml:7:12: assessments[1].date: assessments must be in date order"},
        {7, "  - {date: 2025-02-17, diameters: {A: 18 mm, B: 31 mm}, new_lesions: true}", "assessments[1].new_lesions: new lesions are not modelled"},
        {6, "  - {date: 2025-01-06, diameters: {A: \"< 5 mm\", B: 30 mm}}", "lesion 'A' must be measurable at baseline"},
        {9, "  - {date: 2025-01-05, ANC: 4 1e9/L, ALT: 30 U/L}", "rec.yaml:9:43: labs[0].ALT: ALT needs its upper limit of normal in reference_limits"},
        {9, "  - {date: 2025-01-05, ANC: 4 mg/dL}", "rec.yaml:9:29: labs[0].ANC: cannot convert"},
        {9, "  - {date: 2025-01-05, GGT: 30 U/L}", "rec.yaml:9:24: labs[0].GGT: unknown lab"},
        {9, "  - {date: 2025-03-05, ANC: 4 1e9/L}", "rec.yaml:9:12: labs[0].date: after the decision"},
        {9, "  - {date: 2025-01-05, creatinine: 1.0 U/L}", "rec.yaml:9:36: labs[0].creatinine: cannot convert 'U/L'"},
        {9, "  - {date: 2025-01-05, creatinine: 0 mg/dL}", "rec.yaml:9:36: labs[0].creatinine: above 0 and below 1000 times"},
        {12, "  - {agent: pembrolizumab, dose: 200 mg, duration: 30 min, date: 2025-01-01}", "rec.yaml:12:66: treatments[0].date: before the baseline scan"},
        {12, "  - {agent: pembrolizumab, dose: 200 mg, duration: 30 min, date: 2025-03-01}", "rec.yaml:12:66: treatments[0].date: after the decision"},
        {12, "  - {agent: pembrolizumab, dose: 200 mg, route: it, lesion: A, date: 2025-01-08}", "rec.yaml:12:49: treatments[0].agent: model tme:2 has no input for pembrolizumab by route it"},
        {12, "  - {agent: aldesleukin, dose: 3 MIU, route: it, lesion: Z, date: 2025-01-08}", "rec.yaml:12:58: treatments[0].lesion: no lesion 'Z'"},
        {12, "  - {agent: aldesleukin, dose: 600000 IU/kg, start: 2025-01-08, every: 8 h, count: 200}", "rec.yaml:12:84: treatments[0].count: the last of 200 administrations (day 68.3333) is after the decision (day 45)"},
        {12, "  - {agent: pembrolizumab, dose: 200 mg, date: 2025-01-08, dates: [2025-01-29]}", "rec.yaml:12:5: treatments[0]: give one of 'date', 'dates'"},
        {12, "  - {agent: sargramostim, dose: 250 ug, route: it, lesion: A, carrier: scaffold, date: 2025-01-08, every: 1 d}", "every, count and until go with 'start'"},
        {12, "  - {agent: sargramostim, dose: 250 ug, carrier: scaffold, date: 2025-01-08}", "rec.yaml:12:50: treatments[0].carrier: carrier scaffold is not given by route iv"},
        {13, "decision: {date: 2025-02-01}", "rec.yaml:13:18: decision.date: before the last assessment"},
        {13, "decision: {date: 2025-02-20, objective: cure}", "rec.yaml:13:41: decision.objective: expected response"},
        {13, "decision: {date: 2025-02-20, max_grade3: 0 %}", "decision.max_grade3: a probability above 0"},
        {13, "decisions: {date: 2025-02-20}", "rec.yaml:13:1: record.decisions: unknown key"},
    };
    size_t i;
    char msg[1024];
    its_test_true(try_record(0, NULL, msg, sizeof msg) == ITS_OK, "the base record loads (%s)", msg);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        its_status st = try_record(cases[i].line, cases[i].with, msg, sizeof msg);
        its_test_true(st != ITS_OK && strstr(msg, cases[i].want) != NULL,
                      "refused (%s): %s\n        got: %s", its_status_name(st), cases[i].want, msg);
    }
}

/* Nine lesions, the prior file missing, and a prior that is not a trial. */
static void test_more_errors(void)
{
    char text[4096], msg[1024];
    its_record *r = NULL;
    size_t k, used;
    its_status st;
    used = (size_t)snprintf(text, sizeof text, "patient: {weight: 70 kg, height: 175 cm}\nlesions:\n");
    for (k = 0; k < 9; k++)
        used += (size_t)snprintf(text + used, sizeof text - used, "  - {id: L%zu, site: lung}\n", k);
    used += (size_t)snprintf(text + used, sizeof text - used,
                             "assessments:\n  - {date: 2025-01-06, diameters: {L0: 10 mm}}\n");
    st = its_record_load_string(text, used, "nine.yaml", &r, msg, sizeof msg);
    its_test_true(st == ITS_ERANGE && strstr(msg, "nine.yaml:3:3: lesions: 1 to 8 lesions"),
                  "nine lesions refused: %s", msg);
    snprintf(text, sizeof text,
             "patient: {weight: 70 kg, height: 175 cm, prior: no/such.yaml}\n"
             "lesions: [{id: A, site: lung}]\n"
             "assessments: [{date: 2025-01-06, diameters: {A: 10 mm}}]\n");
    st = its_record_load_string(text, strlen(text), "dir/p.yaml", &r, msg, sizeof msg);
    its_test_true(st == ITS_EIO && strstr(msg, "dir/p.yaml:1:49: patient.prior:") &&
                      strstr(msg, "dir/no/such.yaml"),
                  "a missing prior, relative to the record: %s", msg);
    snprintf(text, sizeof text,
             "patient: {weight: 70 kg, height: 175 cm, prior: %s/examples/tme_il2_hydrogel.yaml}\n"
             "lesions: [{id: A, site: lung}]\n"
             "assessments: [{date: 2025-01-06, diameters: {A: 10 mm}}]\n", ITS_SOURCE_DIR);
    st = its_record_load_string(text, strlen(text), "p.yaml", &r, msg, sizeof msg);
    its_test_true(st != ITS_OK && strstr(msg, "p.yaml:1:49: patient.prior:") && strstr(msg, "missing key 'trial'"),
                  "a scenario is no prior: %s", msg);
    /* the record's parameter set against the prior's (melanoma, the default) */
    snprintf(text, sizeof text,
             "patient: {weight: 70 kg, height: 175 cm, parameter_set: rcc, prior: "
             "%s/examples/trials/calibration/melanoma_calibrated.yaml}\n"
             "lesions: [{id: A, site: lung}]\n"
             "assessments: [{date: 2025-01-06, diameters: {A: 10 mm}}]\n", ITS_SOURCE_DIR);
    st = its_record_load_string(text, strlen(text), "p.yaml", &r, msg, sizeof msg);
    its_test_true(st == ITS_EINVAL && strstr(msg, "p.yaml:1:69: patient.prior: the prior "
                                                "population is for parameter set 'melanoma', "
                                                "the record for 'rcc'"),
                  "a prior of another parameter set: %s", msg);
    st = its_record_load_string("", 0, "e.yaml", &r, msg, sizeof msg);
    its_test_true(st == ITS_EPARSE && strstr(msg, "e.yaml: record: the file is empty"), "empty: %s", msg);
    its_test_true(its_record_load_string(NULL, 0, "x", &r, msg, sizeof msg) == ITS_EINVAL &&
                      its_record_load_file("x", NULL, msg, sizeof msg) == ITS_EINVAL,
                  "NULL arguments");
    its_test_true(its_record_load_file("/nonexistent/record.yaml", &r, msg, sizeof msg) == ITS_EIO &&
                      r == NULL,
                  "an unreadable file: %s", msg);
    its_record_free(NULL);
    its_test_true(its_record_lesion_count(NULL) == 0 && its_record_lesion_id(NULL, 0) == NULL &&
                      isnan(its_record_decision_day(NULL)) && *its_record_id(NULL) == '\0',
                  "accessors accept NULL");
}

int main(void)
{
    test_pembrolizumab();
    test_hd_il2();
    test_errors();
    test_more_errors();
    return its_test_done();
}
