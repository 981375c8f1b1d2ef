/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: delivery systems on tme. At an equal total IL-2 dose, an
 * intratumoral hydrogel depot (ReGel-like first-order release, t1/2 48 h,
 * Samlowski et al. 2006, J Immunother 29:524; the
 * 20 % burst is assumed) gives a lower systemic peak and a higher
 * tumour exposure than high-dose IV infusions. */
#include <math.h>
#include <string.h>

#include "run/run.h"
#include "itsim/itsim.h"
#include "its_test.h"

typedef struct expo {
    int blood, lesion;
    double peak_blood, auc_lesion, auc_blood, t_prev, lesion_prev, blood_prev;
    int started;
} expo;

static int track(double t, const double *y, size_t n, its_row_kind k, void *ud)
{
    expo *e = ud;
    (void)n;
    if (y[e->blood] > e->peak_blood)
        e->peak_blood = y[e->blood];
    if (k == ITS_ROW_GRID) {
        if (e->started) {
            e->auc_lesion += 0.5 * (y[e->lesion] + e->lesion_prev) * (t - e->t_prev);
            e->auc_blood += 0.5 * (y[e->blood] + e->blood_prev) * (t - e->t_prev);
        }
        e->started = 1;
        e->t_prev = t;
        e->lesion_prev = y[e->lesion];
        e->blood_prev = y[e->blood];
    }
    return 0;
}

static expo run(int hydrogel, double total_pmol)
{
    const its_model_def *m = its_model_find("tme");
    its_sim *s = NULL;
    expo e;
    double grid[2001];
    int i;
    memset(&e, 0, sizeof e);
    e.blood = its_model_state_index(m, "IL2_b");
    e.lesion = its_model_state_index(m, "IL2_1");
    /* A fine grid (7.2 min) so that the trapezoid AUC and the peak of the
     * IV infusions (15 min, PREDOSE/POSTDOSE rows too) are resolved. */
    for (i = 0; i <= 2000; i++)
        grid[i] = 0.005 * i;
    its_sim_create(m, &s, NULL, 0);
    if (hydrogel) {
        const its_release gel = {ITS_RELEASE_FIRST_ORDER, 0.2, 2.0 / log(2.0), 0.0};
        its_sim_add_release(s, "il2_it_1", 0.0, total_pmol, &gel);
    } else {
        for (i = 0; i < 14; i++)
            its_sim_add_infusion(s, "il2", i / 3.0, 15.0 / 1440.0,
                                 total_pmol / 14.0 / (15.0 / 1440.0));
    }
    its_sim_run(s, 0.0, 10.0, grid, 2001, track, &e);
    its_sim_free(s);
    return e;
}

/* Peak of a state over a scenario run (white-box: the result's rows). */
static double scenario_peak(const char *text, const char *state, double *lesion_dose)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    double peak = 0.0;
    size_t r, n;
    int idx;
    its_scenario_create(&sc, NULL, 0);
    if (its_scenario_load_string(sc, text, strlen(text), "test") != ITS_OK ||
        its_scenario_run(sc, &res) != ITS_OK) {
        printf("      %s\n", its_scenario_errmsg(sc));
        its_result_free(res);
        its_scenario_free(sc);
        return NAN;
    }
    n = res->plan.model->n_states;
    idx = its_model_state_index(res->plan.model, state);
    for (r = 0; r < res->n_rows; r++)
        peak = fmax(peak, res->y[r * n + (size_t)idx]);
    if (lesion_dose != NULL) {
        *lesion_dose = 0.0;
        for (r = 0; r < res->plan.n_doses; r++)
            if (strncmp(res->plan.model->inputs[res->plan.doses[r].input].name, "il2_it_", 7) == 0)
                *lesion_dose += res->plan.doses[r].amount;
    }
    its_result_free(res);
    its_scenario_free(sc);
    return peak;
}

/* Systemic nanoparticles against free IV IL-2 on the same schedule, into
 * lesions without infiltrate (the pre-treatment history off): the delivery
 * arithmetic and the local release alone. In an established lesion the
 * infiltrate's IL-2 uptake takes up the slow release (measured at the
 * history's first version: lesion peak 5.0 pM against 35.7 pM free IV). */
static void test_nanoparticle(void)
{
    static const char free_iv[] =
        "model: tme\ntherapy:\n"
        "  - {agent: aldesleukin, dose: 600000 IU/kg, every: 8 h, count: 14}\n"
        "simulate: {until: 10 d, output_every: 0.05 d, history: false}\n";
    static const char nano[] =
        "model: tme\ntherapy:\n"
        "  - {agent: aldesleukin, dose: 600000 IU/kg, every: 8 h, count: 14, carrier: nanoparticle,"
        " tumour_fraction: 0.007, circulation_time: 12 h, release: first_order, release_time: 69.25 h}\n"
        "simulate: {until: 10 d, output_every: 0.05 d, history: false}\n";
    const its_patient pt = {70.0, 175.0, ITS_BSA_MOSTELLER};
    double dose, lesion_total = 0.0;
    double iv_blood = scenario_peak(free_iv, "IL2_b", NULL);
    double iv_lesion = scenario_peak(free_iv, "IL2_1", NULL);
    double np_blood = scenario_peak(nano, "IL2_b", &lesion_total);
    double np_lesion = scenario_peak(nano, "IL2_1", NULL);
    its_dose_amount(its_agent_find("aldesleukin"), "600000 IU/kg", &pt, "pmol", &dose, NULL, 0);
    /* 0.7 % of 14 doses go to the three lesions (exact arithmetic). */
    its_test_rel(lesion_total, 0.007 * 14.0 * dose, 1e-12, "nanoparticle: 0.7 %% of the dose to the lesions");
    its_test_true(np_blood < 0.1 * iv_blood, "nanoparticle: systemic peak %.4g pM < 10 %% of free IV %.4g pM",
                  np_blood, iv_blood);
    its_test_true(np_lesion > iv_lesion, "nanoparticle: lesion peak %.4g pM > free IV %.4g pM",
                  np_lesion, iv_lesion);
}

/* Intratumoral IFN-alpha and GM-CSF stay in the injected lesion. */
static void test_intratumoral_cytokines(void)
{
    static const char ifn[] =
        "model: tme\ntherapy:\n"
        "  - {agent: interferon_alfa_2b, route: it, lesion: 2, dose: 3 MIU}\n"
        "simulate: {until: 3 d, output_every: 0.05 d}\n";
    static const char gm[] =
        "model: tme\ntherapy:\n"
        "  - {agent: sargramostim, route: it, lesion: 3, dose: 250 ug}\n"
        "simulate: {until: 3 d, output_every: 0.05 d}\n";
    double i2 = scenario_peak(ifn, "IFNa_2", NULL), i1 = scenario_peak(ifn, "IFNa_1", NULL);
    double g3 = scenario_peak(gm, "GM_3", NULL), g1 = scenario_peak(gm, "GM_1", NULL);
    its_test_true(i2 > 100.0 * i1, "intratumoral IFN-a into lesion 2: %.4g pM there vs %.4g pM in lesion 1",
                  i2, i1);
    its_test_true(g3 > 100.0 * g1, "intratumoral GM-CSF into lesion 3: %.4g pM there vs %.4g pM in lesion 1",
                  g3, g1);
}

int main(void)
{
    test_nanoparticle();
    test_intratumoral_cytokines();
    const its_patient pt = {70.0, 175.0, ITS_BSA_MOSTELLER};
    double dose;
    expo iv, gel;
    /* 14 doses of 600,000 IU/kg (one HD IL-2 cycle) as the total. */
    its_dose_amount(its_agent_find("aldesleukin"), "600000 IU/kg", &pt, "pmol", &dose, NULL, 0);
    iv = run(0, 14.0 * dose);
    gel = run(1, 14.0 * dose);
    printf("      IV: blood peak %.4g pM, lesion AUC %.4g pM d; gel: blood peak %.4g pM, lesion AUC %.4g pM d\n",
           iv.peak_blood, iv.auc_lesion, gel.peak_blood, gel.auc_lesion);
    its_test_true(gel.peak_blood < 0.1 * iv.peak_blood,
                  "intratumoral hydrogel: systemic peak %.3g pM < 10 %% of IV %.3g pM",
                  gel.peak_blood, iv.peak_blood);
    its_test_true(gel.auc_lesion > 10.0 * iv.auc_lesion,
                  "intratumoral hydrogel: tumour exposure %.3g > 10x IV %.3g pM d",
                  gel.auc_lesion, iv.auc_lesion);
    its_test_true(gel.auc_blood < iv.auc_blood,
                  "and less systemic exposure: blood AUC %.3g vs %.3g pM d", gel.auc_blood, iv.auc_blood);
    /* Share of the depot dose reaching blood = AUC x CL / dose. ReGel IL-2
     * in mice: < 1.5 % of the injected dose in blood or kidneys
     * (Samlowski et al. 2006, J Immunother 29:524). IV: about all of it. */
    {
        double cl = 172.8; /* L/d, aldesleukin (tme CL_il2) */
        double f_gel = gel.auc_blood * cl / (14.0 * dose);
        double f_iv = iv.auc_blood * cl / (14.0 * dose);
        its_test_true(f_gel < 0.015, "hydrogel: %.2f %% of the dose reaches blood (< 1.5 %%)", 100.0 * f_gel);
        /* IV: the dose's AUC x CL is the dose, less the IL-2 taken up by
         * cells and lesions: 90-100 %. */
        its_test_true(f_iv > 0.9 && f_iv <= 1.0, "IV: %.1f %% of the dose in blood (90-100 %%)", 100.0 * f_iv);
    }
    return its_test_done();
}
