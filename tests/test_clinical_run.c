/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: clinical read-outs through whole scenario runs.
 * Analytic cases use hahnfeldt1999 with a fixed carrying capacity (b = d =
 * 0), where the tumour follows the Gompertz law in closed form
 *   V(t) = K exp(ln(V0/K) exp(-lambda1 t)),
 * so the times of RECIST events and of a lethal burden are known exactly;
 * tme cases check the lesion geometry, the HD IL-2 hold rule against the
 * clinical 8-12 of 14 doses, and a treatment-related death. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "itsim/itsim.h"
#include "itsim/scenario.h"
#include "its_test.h"

static its_result *run_text(const char *text)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    its_scenario_create(&sc, NULL, 0);
    st = its_scenario_load_string(sc, text, strlen(text), "test");
    if (st == ITS_OK)
        st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_OK && res != NULL, "scenario runs (%s)", its_scenario_errmsg(sc));
    its_scenario_free(sc);
    return res;
}

/* Gompertz time at which V reaches V1 (b = d = 0). */
static double gompertz_time(double v0, double k, double l1, double v1)
{
    return -log(log(v1 / k) / log(v0 / k)) / l1;
}

static double sphere_volume(double d_mm)
{
    return 3.14159265358979323846 / 6.0 * d_mm * d_mm * d_mm;
}

static void test_progression_time(void)
{
    /* V0 = 1000 mm3 (d0 = 12.41 mm), K = 20000 mm3, lambda1 = 0.01/d. PD
     * needs +20 % and +5 mm: the 5 mm rule binds (d = d0 + 5 mm). */
    const double v0 = 1000.0, k = 20000.0, l1 = 0.01;
    const double d0 = cbrt(6.0 * v0 / 3.14159265358979323846);
    const double t_pd = gompertz_time(v0, k, l1, sphere_volume(d0 + 5.0));
    char text[1024];
    int every[2] = {14, 10};
    int i;
    its_test_abs(t_pd, 41.414, 0.001, "closed form: PD criteria met at 41.414 d");
    for (i = 0; i < 2; i++) {
        its_result *res;
        its_clinical_summary s;
        double want = ceil(t_pd / every[i]) * every[i];
        snprintf(text, sizeof text,
                 "model: hahnfeldt1999\n"
                 "parameters: {lambda1: %g, b: 0, d: 0}\n"
                 "initial: {V: %g mm3, K: %g mm3}\n"
                 "clinical: {assess_every: %d d}\n"
                 "simulate: {until: 100 d, output_every: 1 d}\n",
                 l1, v0, k, every[i]);
        res = run_text(text);
        if (!res)
            continue;
        its_result_get_clinical(res, &s);
        its_test_true(s.available && s.recist_available, "read-outs available");
        its_test_abs(s.recist.baseline_mm, d0, 1e-9, "baseline diameter (6 V0/pi)^(1/3)");
        its_test_true(s.recist.pfs_event == 1, "progression observed");
        its_test_abs(s.recist.pfs, want, 1e-9,
                     "scans every %d d: PD at the first scan after 41.41 d", every[i]);
        its_test_true(s.recist.best == ITS_RESP_PD ||
                          (s.recist.best == ITS_RESP_SD && want > 42.0),
                      "best response %s", its_response_name(s.recist.best));
        its_result_free(res);
    }
}

static void test_response_times(void)
{
    /* V0 = 20000 mm3 (d0 = 33.68 mm) shrinking towards K = 1000 mm3: PR
     * (-30 % in diameter) at 44.19 d; weekly scans see it at 49 d and
     * confirm it 28 d later. */
    const double v0 = 20000.0, k = 1000.0, l1 = 0.01;
    const double d0 = cbrt(6.0 * v0 / 3.14159265358979323846);
    const double t_pr = gompertz_time(v0, k, l1, sphere_volume(0.7 * d0));
    its_result *res;
    its_clinical_summary s;
    char text[1024];
    its_test_abs(t_pr, 44.190, 0.001, "closed form: PR reached at 44.190 d");
    snprintf(text, sizeof text,
             "model: hahnfeldt1999\n"
             "parameters: {lambda1: %g, b: 0, d: 0}\n"
             "initial: {V: %g mm3, K: %g mm3}\n"
             "clinical: {assess_every: 1 week}\n"
             "simulate: {until: 150 d, output_every: 1 d}\n",
             l1, v0, k);
    res = run_text(text);
    if (!res)
        return;
    its_result_get_clinical(res, &s);
    its_test_true(s.recist.best == ITS_RESP_PR, "best response PR (got %s)",
                  its_response_name(s.recist.best));
    its_test_abs(s.recist.time_to_response, 49.0, 1e-9, "time to response: first weekly scan after 44.19 d");
    its_test_true(s.recist.response_censored && s.recist.pfs_event == 0, "no progression: censored");
    its_test_abs(s.recist.response_duration, 147.0 - 49.0, 1e-9, "duration to the last scan (147 d)");
    /* the best change is the last scan's: V(147) in closed form */
    {
        const double v = k * exp(log(v0 / k) * exp(-l1 * 147.0));
        its_test_rel(s.recist.best_change, cbrt(v / v0) - 1.0, 1e-6,
                     "best change of the diameter at 147 d, (V/V0)^(1/3) - 1");
    }
    its_result_free(res);
}

static void test_lethal_burden(void)
{
    /* burden = V x 1e6 cells/mm3: 2e9 cells at V = 2000 mm3, reached at
     * 26.32 d; the run stops at the first hourly check after it. */
    const double t_death = gompertz_time(1000.0, 20000.0, 0.01, 2000.0);
    its_result *res = run_text("model: hahnfeldt1999\n"
                               "parameters: {lambda1: 0.01, b: 0, d: 0}\n"
                               "initial: {V: 1000 mm3, K: 20000 mm3}\n"
                               "clinical: {lethal_burden: 2e9 cell, monitor_every: 1 h}\n"
                               "simulate: {until: 100 d, output_every: 1 d}\n");
    its_clinical_summary s;
    if (!res)
        return;
    its_result_get_clinical(res, &s);
    its_test_true(s.death_cause == 1 && s.os_event, "death from the tumour burden");
    its_test_abs(t_death, 26.316, 0.001, "closed form: 2e9 cells at 26.316 d");
    its_test_true(s.death >= t_death && s.death <= t_death + 1.0 / 24.0 + 1e-9,
                  "death at %.4f d, within an hour after %.4f d", s.death, t_death);
    its_test_abs(s.os, s.death, 0.0, "overall survival is the time of death");
    its_test_true(s.recist.pfs_event != 0, "PFS ends by then (progression or death)");
    {
        /* issue 9 item 14: the run ends at the death, inside its only
         * segment; its solver counters are kept */
        its_stats st;
        its_result_get_stats(res, &st);
        its_test_true(st.steps > 0 && st.segments == 1, "solver steps up to the death: %ld",
                      st.steps);
        its_test_abs(st.t_reached, s.death, 0.0, "the run ended at the death");
    }
    its_result_free(res);
}

static void test_tme_geometry_and_holds(void)
{
    its_result *res;
    its_clinical_summary s;
    const its_regimen *r = its_regimen_find("hd_il2");
    its_scenario *sc = NULL;
    /* untreated: lesions of 4e9, 1.5e9 and 5e8 cells at 1e9 cells/mL */
    res = run_text("model: tme\nsimulate: {until: 60 d, output_every: 1 d}\n");
    if (res) {
        const double d1 = 10.0 * cbrt(6.0 * 4.0 / 3.14159265358979323846);
        const double d2 = 10.0 * cbrt(6.0 * 1.5 / 3.14159265358979323846);
        its_result_get_clinical(res, &s);
        its_test_true(s.recist.n_targets == 2 && s.recist.n_nontargets == 1,
                      "lesions 19.7 and 14.2 mm are targets, 9.8 mm is not measurable");
        its_test_abs(s.recist.baseline_mm, d1 + d2, 1e-6, "baseline sum of diameters");
        its_test_true(s.worst_any == 0, "no adverse events untreated (worst grade %d)", s.worst_any);
        its_result_free(res);
    }
    /* HD IL-2 with the label's hold rule (SBP < 90 mmHg): 8 of 14 doses
     * per cycle (Schwartzentruber 2001: "generally 8-12") */
    its_scenario_create(&sc, NULL, 0);
    its_test_true(r && its_scenario_load_string(sc, r->scenario, strlen(r->scenario), r->name) == ITS_OK,
                  "hd_il2 regimen loads");
    its_scenario_override(sc, "simulate.until=40 d");
    res = NULL;
    its_scenario_run(sc, &res);
    if (res) {
        its_result_get_clinical(res, &s);
        its_test_true(s.doses_planned == 28 && s.doses_given >= 16 && s.doses_given <= 24 &&
                          s.doses_held == 28 - s.doses_given,
                      "HD IL-2: %zu of 28 doses given (8-12 per cycle)", s.doses_given);
        its_test_true(s.worst_grade[ITS_AE_HYPOTENSION] >= 2,
                      "hypotension at least grade 2 (SBP below the 90 mmHg hold): %d",
                      s.worst_grade[ITS_AE_HYPOTENSION]);
        its_test_true(s.worst_grade[ITS_AE_FEVER] >= 1, "fever with HD IL-2: grade %d",
                      s.worst_grade[ITS_AE_FEVER]);
        its_test_true(s.death_cause == 0, "no death");
        its_test_true(s.doses_planned_c1 == 14 && s.doses_given_c1 >= 8 && s.doses_given_c1 <= 12,
                      "HD IL-2 cycle 1: %zu of %zu doses given (8-12 of 14, Schwartzentruber "
                      "2001)", s.doses_given_c1, s.doses_planned_c1);
        its_result_free(res);
        /* the same run stopped at day 13.6 (the regimen's cycle is 13.6667
         * d: the second starts then) gives exactly the first cycle's doses */
        {
            its_clinical_summary s14;
            size_t c1 = s.doses_given_c1;
            res = NULL;
            its_scenario_override(sc, "simulate.until=13.6 d");
            its_scenario_run(sc, &res);
            memset(&s14, 0, sizeof s14);
            if (res)
                its_result_get_clinical(res, &s14);
            its_test_true(res && s14.doses_given == c1 && s14.doses_planned_c1 == 14,
                          "cycle 1 doses %zu = doses given by day 13.6 (%zu)", c1,
                          res ? s14.doses_given : 0);
            its_result_free(res);
        }
    }
    its_scenario_free(sc);
}

static void test_toxic_death(void)
{
    /* A continuous high IL-2 infusion in a patient whose pressure falls
     * 80 mmHg per unit of leak: SBP stays below 60 mmHg, and 6 h later the
     * hypotension is grade 5. The run ends there. */
    its_result *res = run_text(
        "model: tme\n"
        "parameters: {dSBP_perm: 80 mmHg}\n"
        "therapy:\n"
        "  - {input: il2, rate: 5e8 pmol/d, start: 0 d, duration: 10 d}\n"
        "simulate: {until: 30 d, output_every: 1 d}\n");
    its_clinical_summary s;
    if (!res)
        return;
    its_result_get_clinical(res, &s);
    its_test_true(s.death_cause == 2 && s.death_term == ITS_AE_HYPOTENSION,
                  "treatment-related death from hypotension (cause %d)", s.death_cause);
    its_test_true(s.worst_grade[ITS_AE_HYPOTENSION] == 5, "grade 5 recorded");
    its_test_true(s.death > 0.25 && s.death < 10.0, "death during the infusion (%.3f d)", s.death);
    its_test_true(s.recist.pfs_event == 2 && fabs(s.recist.pfs - s.death) < 1e-12,
                  "PFS ends with the death");
    its_result_free(res);
}

static void test_stop_at_progression(void)
{
    /* Untreated-like growth under low-dose IFN-alpha (3 MIU Mon/Wed/Fri):
     * PD at the first scan (56 d). With stop_at_progression the 24 doses
     * before day 56 are given; the scan of day 56 comes before that day's
     * dose, which is held with every later one. */
    its_result *res = run_text(
        "model: tme\n"
        "patient: {weight: 70 kg, height: 175 cm}\n"
        "therapy:\n"
        "  - {agent: interferon_alfa_2b, route: sc, dose: 3 MIU, days: \"Mon,Wed,Fri\", weeks: 52}\n"
        "clinical: {stop_at_progression: true}\n"
        "simulate: {until: 200 d, output_every: 1 d}\n");
    its_clinical_summary s;
    if (!res)
        return;
    its_result_get_clinical(res, &s);
    its_test_true(s.recist.pfs_event == 1 && s.recist.pfs == 56.0, "PD at the first scan");
    its_test_true(s.doses_planned == 87 && s.doses_given == 24, "doses before day 56 given: %zu of %zu",
                  s.doses_given, s.doses_planned);
    its_test_true(s.doses_held == 63 && s.doses_after_progression == 63,
                  "all later doses held after progression (%zu)", s.doses_after_progression);
    its_result_free(res);
}

/* A rule on a CTCAE grade: holding IL-2 while hypotension is grade >= 2
 * is the label's SBP < 90 mmHg rule (grade 2 starts below 90 mmHg), so
 * both give the same doses: 8 of 14. */
static void test_grade_rule(void)
{
    static const char *const cond[2] = {"\"grade.hypotension >= 2\"", "SBP < 90 mmHg"};
    size_t given[2] = {0, 0};
    int i;
    for (i = 0; i < 2; i++) {
        char text[1024];
        its_result *res;
        its_clinical_summary s;
        snprintf(text, sizeof text,
                 "model: tme\n"
                 "patient: {weight: 70 kg, height: 175 cm}\n"
                 "therapy:\n"
                 "  - {agent: aldesleukin, route: iv, dose: 600000 IU/kg, duration: 15 min, "
                 "every: 8 h, count: 14}\n"
                 "rules:\n"
                 "  - {hold_if: %s, applies_to: il2}\n"
                 "simulate: {until: 10 d, output_every: 1 d}\n",
                 cond[i]);
        res = run_text(text);
        if (!res)
            return;
        its_result_get_clinical(res, &s);
        given[i] = s.doses_given;
        its_result_free(res);
    }
    its_test_true(given[0] == 8 && given[1] == 8,
                  "hold on grade.hypotension >= 2 and on SBP < 90 mmHg: %zu and %zu of 14 given",
                  given[0], given[1]);
}

/* The caller sets the threads of a comparison (0: OpenMP's default); the
 * arms' results must be the same bit for bit on 1 and 2 threads (each arm
 * has its own solver), and a negative count is refused. */
static void test_comparison_threads(void)
{
    static const char text[] =
        "model: tme\n"
        "clinical: {assess_every: 4 weeks, monitor_every: 1 h}\n"
        "simulate: {until: 90 d, output_every: 1 d}\n"
        "arms:\n"
        "  - {name: untreated}\n"
        "  - {name: HD IL-2, regimen: hd_il2}\n"
        "  - {name: anti-PD-1, regimen: pembrolizumab}\n";
    its_scenario *sc = NULL;
    its_comparison *c[2] = {NULL, NULL}, *bad = NULL;
    its_status st[2];
    size_t i, same = 0;
    its_scenario_create(&sc, NULL, 0);
    its_test_true(its_scenario_load_string(sc, text, strlen(text), "threads") == ITS_OK,
                  "comparison scenario loads (%s)", its_scenario_errmsg(sc));
    st[0] = its_comparison_run(sc, 1, &c[0]);
    st[1] = its_comparison_run(sc, 2, &c[1]);
    its_test_true(st[0] == ITS_OK && st[1] == ITS_OK, "comparison runs on 1 and 2 threads");
    for (i = 0; c[0] && c[1] && i < its_comparison_count(c[0]); i++) {
        its_clinical_summary a, b;
        its_stats sa, sb;
        if (its_result_get_clinical(its_comparison_result(c[0], i), &a) != ITS_OK ||
            its_result_get_clinical(its_comparison_result(c[1], i), &b) != ITS_OK ||
            its_result_get_stats(its_comparison_result(c[0], i), &sa) != ITS_OK ||
            its_result_get_stats(its_comparison_result(c[1], i), &sb) != ITS_OK)
            continue;
        same += memcmp(&a.recist.best_change, &b.recist.best_change, sizeof(double)) == 0 &&
                memcmp(&a.os, &b.os, sizeof(double)) == 0 && a.worst_any == b.worst_any &&
                a.doses_given == b.doses_given && a.doses_held == b.doses_held &&
                sa.steps == sb.steps && sa.t_reached == sb.t_reached;
    }
    its_test_true(same == 3, "all 3 arms identical on 1 and 2 threads (%zu)", same);
    its_test_true(its_comparison_run(sc, -1, &bad) == ITS_EINVAL && bad == NULL,
                  "a negative thread count is refused");
    its_comparison_free(c[0]);
    its_comparison_free(c[1]);
    its_scenario_free(sc);
}

int main(void)
{
    test_progression_time();
    test_response_times();
    test_lethal_burden();
    test_tme_geometry_and_holds();
    test_toxic_death();
    test_stop_at_progression();
    test_grade_rule();
    test_comparison_threads();
    return its_test_done();
}
