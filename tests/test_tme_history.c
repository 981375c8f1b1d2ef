/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the pre-treatment history (issue 12, item 1; docs/engine.md
 * "Pre-treatment history", docs/models/tme.md "Baseline"). tme's baseline is
 * grown from a seed to the initial lesion sizes: the sizes come out exactly,
 * the lesions carry an established infiltrate, every lesion has the same
 * composition (they grow from the same seed with the same parameters), the
 * grown state is reused while nothing changes and grown again when
 * something does, it does not depend on the handle, an empty lesion stays
 * empty, a patient whose immune system eliminates the tumour fails with the
 * reason, and the scenario key turns it off. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "itsim/itsim.h"
#include "its_test.h"

#define NMAX 512

static const its_model_def *M;

static double at(const double *y, const char *state)
{
    int i = its_model_state_index(M, state);
    return i >= 0 ? y[i] : (double)NAN;
}

static its_sim *fresh(void)
{
    its_sim *s = NULL;
    return its_sim_create(M, &s, NULL, 0) == ITS_OK ? s : NULL;
}

/* Sizes exact, infiltrate established, composition shared by the lesions. */
static void test_baseline(void)
{
    its_sim *s = fresh();
    double y[NMAX];
    const double *y0;
    int k;
    if (!its_test_true(s != NULL && its_sim_get_baseline(s, y) == ITS_OK, "baseline grown"))
        goto out;
    y0 = its_sim_initial(s);
    for (k = 1; k <= 3; k++) {
        char c[16];
        snprintf(c, sizeof c, "C_%d", k);
        /* the scaling is one multiplication: exact up to its rounding */
        its_test_rel(at(y, c), at(y0, c), 1e-14, "lesion %d has its baseline size", k);
    }
    its_test_true(at(y0, "CD8_1") == 0.0 && at(y, "CD8_1") > 1e-3 * at(y, "C_1"),
                  "lesion 1 infiltrated: CD8 %.3g per %.3g cancer cells (0 without history)",
                  at(y, "CD8_1"), at(y, "C_1"));
    its_test_true(at(y, "EX_1") > 0.0 && at(y, "Treg_1") > 0.0 && at(y, "M2_1") > 0.0 &&
                      at(y, "mDC_LN") > 0.0 && at(y, "IFNg_1") > 0.0,
                  "exhausted CD8, Treg, M2, node DC and IFN-gamma present at baseline");
    its_test_true(at(y, "CD8_b") > 0.0 && at(y, "CD8_LN") > 0.0,
                  "blood and node carry primed CD8 at baseline (%.3g, %.3g)", at(y, "CD8_b"),
                  at(y, "CD8_LN"));
    /* same seed, same parameters: lesions 2 and 3 are lesion 1 rescaled.
     * Not bit for bit: the default absolute tolerances follow each state's
     * initial value (the targets differ), so CVODE weighs the lesions'
     * errors differently; 1e-9 is well inside the history's rtol 1e-8. */
    its_test_rel(at(y, "CD8_2") / at(y, "C_2"), at(y, "CD8_1") / at(y, "C_1"), 1e-9,
                 "lesion 2: CD8 per cancer cell as in lesion 1");
    its_test_rel(at(y, "Treg_3") / at(y, "C_3"), at(y, "Treg_1") / at(y, "C_1"), 1e-9,
                 "lesion 3: Treg per cancer cell as in lesion 1");
    its_test_rel(at(y, "IFNg_3"), at(y, "IFNg_1"), 1e-9,
                 "concentrations are not scaled (IFN-gamma equal in lesions 1 and 3)");
out:
    its_sim_free(s);
}

static int run_year(its_sim *s, double *yf, its_stats *st)
{
    return its_sim_run(s, 0.0, 365.0, NULL, 0, NULL, NULL) == ITS_OK &&
                   its_sim_get_final_state(s, yf) == ITS_OK && its_sim_get_stats(s, st) == ITS_OK
               ? 0
               : -1;
}

/* Reused while nothing changes; grown again when a parameter, an initial
 * value or the tolerance changes; the same on another handle. */
static void test_reuse(void)
{
    its_sim *s = fresh(), *t = fresh();
    double a[NMAX], b[NMAX], c[NMAX], base1[NMAX], base2[NMAX];
    its_stats sa, sb, sc;
    size_t n = M->n_states;
    if (!its_test_true(s != NULL && t != NULL && run_year(s, a, &sa) == 0 &&
                           run_year(s, b, &sb) == 0 && run_year(t, c, &sc) == 0,
                       "three untreated years run"))
        goto out;
    its_test_true(sa.history_steps > 0 && sa.history_duration > 0.0,
                  "the first run grew the history (%ld steps over %.4g d)", sa.history_steps,
                  sa.history_duration);
    its_test_true(sb.history_steps == 0 && sb.history_duration == sa.history_duration,
                  "the second run reused it (%ld steps)", sb.history_steps);
    its_test_true(memcmp(a, b, n * sizeof *a) == 0, "reused history: the same year, bit for bit");
    its_test_true(memcmp(a, c, n * sizeof *a) == 0 && sc.steps == sa.steps,
                  "another handle: the same year, bit for bit");
    its_sim_get_baseline(s, base1);
    its_sim_set_param(s, "lambda1", 0.02);
    its_sim_get_baseline(s, base2);
    its_test_true(at(base2, "CD8_1") != at(base1, "CD8_1") &&
                      at(base2, "C_1") == at(base1, "C_1"),
                  "a new growth rate grows a new baseline of the same size");
    its_sim_set_param(s, "lambda1", 0.018);
    its_sim_get_baseline(s, base2);
    its_test_true(memcmp(base1, base2, n * sizeof *a) == 0,
                  "the parameter set back: the first baseline again");
    its_sim_set_initial(s, "C_1", 2e9);
    its_sim_get_baseline(s, base2);
    its_test_rel(at(base2, "C_1"), 2e9, 1e-14, "a new target size is met");
    its_sim_set_initial(s, "C_1", 4e9);
    its_sim_set_rtol(s, 1e-6);
    if (its_test_true(run_year(s, b, &sb) == 0, "run at rtol 1e-6"))
        its_test_true(sb.history_steps > 0 && sb.history_steps < sa.history_steps,
                      "a new tolerance grows the history again, in fewer steps (%ld vs %ld)",
                      sb.history_steps, sa.history_steps);
out:
    its_sim_free(s);
    its_sim_free(t);
}

/* A cache shared by two handles (a trial worker's, for the arms of one
 * patient): the second reuses the first's baseline, and its year equals,
 * bit for bit, that of a handle that grew its own (the structural pattern
 * is probed again after a history, not kept from the seed state). */
static void test_shared_cache(void)
{
    its__hist_cache *c = its__hist_cache_create();
    its_sim *a = fresh(), *b = fresh(), *own = fresh();
    double ya[NMAX], yb[NMAX], yo[NMAX];
    its_stats sa, sb, so;
    if (!its_test_true(c != NULL && a != NULL && b != NULL && own != NULL &&
                           its__sim_use_hist_cache(a, c) == ITS_OK &&
                           its__sim_use_hist_cache(b, c) == ITS_OK,
                       "two handles share a cache"))
        goto out;
    its_sim_add_bolus(b, "il2", 1.0, 1e5); /* another arm: a dose */
    its_sim_add_bolus(own, "il2", 1.0, 1e5);
    if (its_test_true(run_year(a, ya, &sa) == 0 && run_year(b, yb, &sb) == 0 &&
                          run_year(own, yo, &so) == 0,
                      "the three years run"))
        its_test_true(sa.history_steps > 0 && sb.history_steps == 0 && so.history_steps > 0 &&
                          memcmp(yb, yo, M->n_states * sizeof *yb) == 0 && sb.steps == so.steps,
                      "the second handle reused the baseline; its year equals the one grown "
                      "alone, bit for bit (%ld steps)", sb.steps);
out:
    its_sim_free(a);
    its_sim_free(b);
    its_sim_free(own);
    its__hist_cache_free(c);
}

/* A baseline grown on a handle that ran before equals one grown on a fresh
 * handle, bit for bit (the structural Jacobian pattern is probed afresh
 * for the history, not kept from the earlier run). */
static void test_used_handle(void)
{
    its_sim *a = fresh(), *b = fresh();
    double ya[NMAX], yb[NMAX];
    if (a == NULL || b == NULL)
        goto out;
    its_sim_set_history(a, 0);
    its_sim_run(a, 0.0, 30.0, NULL, 0, NULL, NULL);
    its_sim_set_history(a, 1);
    its_sim_set_param(a, "lambda1", 0.02);
    its_sim_set_param(b, "lambda1", 0.02);
    its_test_true(its_sim_get_baseline(a, ya) == ITS_OK && its_sim_get_baseline(b, yb) == ITS_OK &&
                      memcmp(ya, yb, M->n_states * sizeof *ya) == 0,
                  "a baseline grown on a used handle equals a fresh handle's, bit for bit");
out:
    its_sim_free(a);
    its_sim_free(b);
}

/* A tumour that does not grow to its size within the longest history (a
 * doubling of years, no immune cell recruited): no baseline (ITS_ERANGE,
 * said). */
static void test_not_reached(void)
{
    its_sim *s = fresh();
    double y[NMAX];
    if (s == NULL)
        return;
    its_sim_set_param(s, "lambda1", 0.0002);
    its_sim_set_param(s, "f_precursor", 0.0);
    its_sim_set_param(s, "q_nk", 0.0);
    its_sim_set_param(s, "q_mon", 0.0);
    its_test_true(its_sim_get_baseline(s, y) == ITS_ERANGE &&
                      strstr(its_sim_errmsg(s), "not reached within 7305 d"),
                  "no growth: the baseline is not reached (%s)", its_sim_errmsg(s));
    its_sim_free(s);
}

/* Off: the initial values themselves; an empty lesion stays empty. */
static void test_off_and_empty(void)
{
    its_sim *s = fresh();
    double y[NMAX];
    if (s == NULL)
        return;
    its_test_true(its_sim_set_history(s, 0) == ITS_OK && its_sim_get_baseline(s, y) == ITS_OK &&
                      memcmp(y, its_sim_initial(s), M->n_states * sizeof *y) == 0,
                  "history off: the run starts from the initial values");
    its_sim_set_history(s, 1);
    its_sim_set_initial(s, "C_3", 0.0);
    if (its_test_true(its_sim_get_baseline(s, y) == ITS_OK, "baseline with lesion 3 empty"))
        its_test_true(at(y, "C_3") == 0.0 && at(y, "CD8_3") == 0.0 &&
                          fabs(at(y, "C_1") / 4e9 - 1.0) < 1e-14,
                      "lesion 3 stays empty, lesion 1 has its size");
    its_test_true(its_sim_set_history(NULL, 1) == ITS_EINVAL &&
                      its_sim_get_baseline(NULL, y) == ITS_EINVAL &&
                      its_sim_get_baseline(s, NULL) == ITS_EINVAL,
                  "NULL arguments: ITS_EINVAL");
    its_sim_free(s);
}

/* Without PD-L1 and without escape by loss of antigen presentation, with
 * no MDSC suppression and four times the CD8 kill, the immune system clears
 * the seeds: no baseline disease. (Without the last two the revised tme,
 * whose lesion GM-CSF is at its basal level and whose MDSC suppress T
 * cells, holds such a tumour in equilibrium for 20 years instead: the
 * history then ends with "not reached" instead; so does twice the kill
 * since IFN-gamma makes the vessels of an infiltrated lesion regress.) */
static void test_eliminated(void)
{
    its_sim *s = fresh();
    double y[NMAX];
    its_status st;
    if (s == NULL)
        return;
    its_sim_set_param(s, "pdl1_0", 0.0);
    its_sim_set_param(s, "p_hla_loss", 0.0);
    its_sim_set_param(s, "K_mdsc", 1e12);
    its_sim_set_param(s, "k_cd8_kill", 4.0);
    st = its_sim_run(s, 0.0, 10.0, NULL, 0, NULL, NULL);
    its_test_true(st == ITS_ERANGE && strstr(its_sim_errmsg(s), "pre-treatment history") &&
                      strstr(its_sim_errmsg(s), "eliminated"),
                  "eliminated during the history: ITS_ERANGE with the reason (%s)",
                  its_sim_errmsg(s));
    its_test_true(its_sim_get_baseline(s, y) == ITS_ERANGE, "and no baseline");
    its_sim_free(s);
}

static its_status run_text(const char *text, char *err, size_t n)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st = its_scenario_create(&sc, NULL, 0);
    if (st == ITS_OK)
        st = its_scenario_load_string(sc, text, strlen(text), "h.yaml");
    if (st == ITS_OK)
        st = its_scenario_run(sc, &res);
    snprintf(err, n, "%s", sc ? its_scenario_errmsg(sc) : "");
    its_result_free(res);
    its_scenario_free(sc);
    return st;
}

static void test_scenario_key(void)
{
    char err[1024];
    its_test_true(run_text("model: tme:1\nsimulate: {until: 2 d, history: false}\n", err,
                           sizeof err) == ITS_OK,
                  "simulate.history: false runs");
    its_test_true(run_text("model: tme:1\nsimulate: {until: 2 d, history: maybe}\n", err,
                           sizeof err) == ITS_EPARSE &&
                      strstr(err, "simulate.history") && strstr(err, "h.yaml:2:"),
                  "history: maybe refused with file, line and key (%s)", err);
    its_test_true(run_text("model: kirschner1998\nsimulate: {until: 2, history: true}\n", err,
                           sizeof err) == ITS_EPARSE &&
                      strstr(err, "no pre-treatment history"),
                  "history: true on a model without one refused (%s)", err);
}

int main(void)
{
    M = its_model_find("tme");
    if (!its_test_true(M != NULL && M->n_states <= NMAX && M->history != NULL,
                       "tme declares a history"))
        return its_test_done();
    test_baseline();
    test_reuse();
    test_shared_cache();
    test_used_handle();
    test_not_reached();
    test_off_and_empty();
    test_eliminated();
    test_scenario_key();
    return its_test_done();
}
