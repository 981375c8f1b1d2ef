/* itsim tests: delivery systems on tme. At an equal total IL-2 dose, an
 * intratumoral hydrogel depot (ReGel-like first-order release, t1/2 48 h,
 * 20 % burst; pk_clinical.md 6.2) gives a lower systemic peak and a higher
 * tumour exposure than high-dose IV infusions. */
#include <math.h>
#include <string.h>

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
    its_sim_create(m, &s);
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

int main(void)
{
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
     * (Samlowski 2006, pk_clinical.md 2.2/6.2). IV: about all of it. */
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
