/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: GM-CSF, dendritic cells and MDSC, and IFN-alpha in full
 * (issue 12 items 3 and 5; docs/models/tme.md, "GM-CSF, dendritic cells and
 * MDSC" and "IFN-alpha"). Every run starts from the default patient's grown
 * baseline (the pre-treatment history, computed once per parameter set) and
 * doses as the regimens gmcsf and hd_ifn do, converted with the agents'
 * molecular weights and specific activities for the regimens' patient
 * (70 kg, 175 cm, Mosteller BSA). Knock-outs start from the same baseline,
 * so they differ only in what follows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

#define NMAX 512
#define NT 8 /* sampled times per run */

static const its_model_def *M;

typedef struct kv {
    const char *name;
    double value;
} kv;

static const kv none[] = {{NULL, 0.0}};

/* Body surface area of the regimens' patient (Mosteller: sqrt(cm kg/3600)). */
static double bsa(void)
{
    return sqrt(175.0 * 70.0 / 3600.0);
}

/* Sargramostim ug/m2 -> pmol for the patient. */
static double gm_pmol(double ug_per_m2)
{
    const its_agent *a = its_agent_find("sargramostim");
    return a != NULL ? ug_per_m2 * bsa() * 1e-6 / a->mw * 1e12 : (double)NAN;
}

/* Interferon alfa-2b MIU/m2 -> pmol for the patient. */
static double ifn_pmol(double miu_per_m2)
{
    const its_agent *a = its_agent_find("interferon_alfa_2b");
    return a != NULL ? miu_per_m2 * 1e6 * bsa() / a->iu_per_mg * 1e-3 / a->mw * 1e12 : (double)NAN;
}

/* A therapy: daily sargramostim SC (ug/m2, days 1-14 of 28 as the gmcsf
 * regimen, or every day with `daily`), or HD IFN-alpha2b induction
 * (20 MIU/m2 IV over 20 min, 5 days a week), or nothing. */
typedef struct therapy {
    double gm_ug;  /* sargramostim dose, ug/m2 (0: none) */
    int daily;     /* sargramostim every day instead of days 1-14 of 28 */
    int hd_ifn;    /* HD IFN-alpha induction */
} therapy;

static void add_doses(its_sim *s, const therapy *th, double t_end)
{
    int d;
    for (d = 0; d < (int)t_end; d++) {
        if (th->gm_ug > 0.0 && (th->daily || d % 28 < 14))
            its_sim_add_bolus(s, "gmcsf_sc", (double)d, gm_pmol(th->gm_ug));
        if (th->hd_ifn && d < 28 && d % 7 < 5)
            its_sim_add_infusion(s, "ifna", (double)d, 20.0 / 1440.0,
                                 ifn_pmol(20.0) / (20.0 / 1440.0));
    }
}

/* Per run: the state at the sampled times, and the mean of lesion 1's
 * PD-L1 (observable pdl1_1) over the grid rows in [avg_from, avg_to). */
typedef struct rec {
    const double *t;
    size_t nt, k;
    double y[NT][NMAX];
    double p[NMAX];
    double avg_from, avg_to, pdl1_sum;
    size_t pdl1_n;
} rec;

static int keep(double t, const double *y, size_t n, its_row_kind kind, void *ud)
{
    rec *r = ud;
    size_t i;
    if (kind != ITS_ROW_GRID)
        return 0;
    for (i = 0; i < r->nt; i++)
        if (t == r->t[i])
            memcpy(r->y[i], y, n * sizeof *y);
    if (t >= r->avg_from && t < r->avg_to) {
        double out[NMAX];
        int o = its_model_observable_index(M, "pdl1_1");
        if (o >= 0 && M->observe(t, y, r->p, out, M->data) == 0) {
            r->pdl1_sum += out[o];
            r->pdl1_n++;
        }
    }
    return 0;
}

static int set_all(its_sim *s, const kv *params)
{
    const kv *q;
    for (q = params; q != NULL && q->name != NULL; q++)
        if (its_sim_set_param(s, q->name, q->value) != ITS_OK) {
            printf("      bad override %s\n", q->name);
            return -1;
        }
    return 0;
}

/* The default patient's grown baseline with parameters `base` into y0. */
static int baseline(const kv *base, double *y0)
{
    its_sim *s = NULL;
    int rc = -1;
    if (its_sim_create(M, &s, NULL, 0) == ITS_OK && set_all(s, base) == 0 &&
        its_sim_get_baseline(s, y0) == ITS_OK)
        rc = 0;
    else
        printf("      baseline failed: %s\n", s ? its_sim_errmsg(s) : "no handle");
    its_sim_free(s);
    return rc;
}

/* From baseline y0 with parameters base then extra, the therapy, to the
 * last sampled time; the grid every 0.05 d feeds the PD-L1 mean. */
static int run(const double *y0, const kv *base, const kv *extra, const therapy *th, rec *r)
{
    static double grid[2000];
    const double t_end = r->t[r->nt - 1];
    size_t n = 0, i;
    its_sim *s = NULL;
    its_status st = ITS_EINVAL;
    for (i = 0; i < 2000 && 0.05 * (double)i < t_end; i++)
        grid[n++] = 0.05 * (double)i;
    for (i = 0; i < r->nt && n < 2000; i++)
        if (r->t[i] > grid[n - 1])
            grid[n++] = r->t[i];
    r->pdl1_sum = 0.0;
    r->pdl1_n = 0;
    if (its_sim_create(M, &s, NULL, 0) != ITS_OK)
        return -1;
    its_sim_set_history(s, 0);
    if (set_all(s, base) == 0 && set_all(s, extra) == 0) {
        for (i = 0; i < M->n_states; i++)
            its_sim_set_initial(s, M->states[i].name, y0[i]);
        memcpy(r->p, its_sim_params(s), M->n_params * sizeof(double));
        add_doses(s, th, t_end);
        st = its_sim_run(s, 0.0, t_end, grid, n, keep, r);
    }
    if (st != ITS_OK)
        printf("      run failed: %s\n", its_sim_errmsg(s));
    its_sim_free(s);
    return st == ITS_OK ? 0 : -1;
}

static double v(const rec *r, size_t i, const char *name)
{
    int k = its_model_state_index(M, name);
    return k >= 0 ? r->y[i][k] : (double)NAN;
}

static double dc(const rec *r, size_t i)
{
    return v(r, i, "iDC_1") + v(r, i, "mDC_1");
}

static double tumour(const rec *r, size_t i)
{
    return v(r, i, "C_1") + v(r, i, "C_2") + v(r, i, "C_3");
}

static rec A, B, C, D; /* large: static */

/* The gmcsf regimen (250 ug/m2 SC days 1-14 of 28) against no treatment,
 * read at the end of the first 14 days of dosing and on day 84. Without
 * treatment lesion GM-CSF is ~1.5 pM (helper T cells s_gm, blood gm0_b),
 * far below EC50_gm = 20 pM: GM/(GM + EC50_gm) = 0.07. A 250 ug/m2 dose
 * (27,000 pmol) averages ~130 pM in blood over the day (dose/CL), ~37 pM
 * in the lesion (x k_exchange/(k_exchange + deg_gm) = 0.28): 0.65. */
static void test_gmcsf_arm(const double *y0)
{
    static const double t[] = {14.0, 84.0};
    const therapy no = {0.0, 0, 0}, gm = {250.0, 0, 0};
    A.t = B.t = t;
    A.nt = B.nt = 2;
    A.avg_to = B.avg_to = -1.0;
    if (run(y0, none, none, &no, &A) != 0 || run(y0, none, none, &gm, &B) != 0) {
        its_test_true(0, "GM-CSF arm runs");
        return;
    }
    /* f_dc = f_dc0 + f_dc_gm h goes from 0.42 to 0.69 (x1.6) and blood
     * monocytes rise x(1 + a_gm_myelo h_blood) ~1.8 in the mean: immature
     * DC follow entry within ~1/(d_idc + maturation) ~ 2 d (1.75x
     * measured); mature DC also gain maturation a_gm_dc (x1.05 -> x1.65;
     * 2.3x measured). 1.4x and 1.8x ask for about half of each rise. */
    its_test_true(v(&B, 0, "iDC_1") > 1.4 * v(&A, 0, "iDC_1"),
                  "3: GM-CSF arm: lesion immature DC day 14 %.3g vs %.3g untreated (>1.4x)",
                  v(&B, 0, "iDC_1"), v(&A, 0, "iDC_1"));
    its_test_true(v(&B, 0, "mDC_1") > 1.8 * v(&A, 0, "mDC_1"),
                  "3: GM-CSF arm: lesion mature DC day 14 %.3g vs %.3g untreated (>1.8x)",
                  v(&B, 0, "mDC_1"), v(&A, 0, "mDC_1"));
    /* T-cell survival: blood GM-CSF ~130 pM lowers effector death by
     * s_gm_survival 0.87 = 0.43 in blood (0.03 untreated) and ~0.33 in the
     * lesion, and more node mDC prime more: blood CD8 1.25x and lesion
     * CD8 1.13x measured. 1.1x and 1.05x ask for less than half. */
    its_test_true(v(&B, 0, "CD8_b") > 1.1 * v(&A, 0, "CD8_b") &&
                      v(&B, 0, "CD8_1") > 1.05 * v(&A, 0, "CD8_1"),
                  "3: GM-CSF arm: CD8 day 14 blood %.3g vs %.3g (>1.1x), lesion %.3g vs %.3g (>1.05x)",
                  v(&B, 0, "CD8_b"), v(&A, 0, "CD8_b"), v(&B, 0, "CD8_1"), v(&A, 0, "CD8_1"));
    /* MDSC: f_mdsc0 + f_mdsc_gm GM/(GM + EC50_gm_mdsc) rises from 0.10 to
     * ~0.15 while dosing, and blood monocytes ~1.8x: entry ~2.2x for half
     * of each cycle; MDSC live 1/d_mdsc = 67 d, so they accumulate over
     * cycles (1.5x measured on day 84). 1.2x asks for less than half. */
    its_test_true(v(&B, 1, "MDSC_1") > 1.2 * v(&A, 1, "MDSC_1"),
                  "3: GM-CSF arm: lesion MDSC day 84 %.3g vs %.3g untreated (>1.2x)",
                  v(&B, 1, "MDSC_1"), v(&A, 1, "MDSC_1"));
    /* The tumour outcome is recorded, not asserted beyond a bound: more DC
     * and T cells against more MDSC leave the burden within +-20 % of the
     * untreated course (-2 % measured), as GM-CSF alone gives no
     * significant benefit in E4697 (Lawson et al. 2015, J Clin Oncol
     * 33:4066). */
    its_test_true(fabs(tumour(&B, 1) / tumour(&A, 1) - 1.0) < 0.2,
                  "3: GM-CSF arm: tumour day 84 %.3g vs %.3g untreated (within 20 %%)",
                  tumour(&B, 1), tumour(&A, 1));
}

/* Dose-response of lesion DC at day 14: 0, 125, 250, 500 ug/m2 days 1-14.
 * Lesion GM-CSF in the daily mean ~1.5 + 0.15 x dose (pM, dose in ug/m2):
 * h = 0.07, 0.50, 0.65, 0.79; each step raises f_dc and maturation. 5 %
 * per step asks for a fraction of the 1.3-2x steps expected. */
static void test_gmcsf_dose_response(const double *y0)
{
    static const double t[] = {14.0};
    static const double doses[] = {0.0, 125.0, 250.0, 500.0};
    double prev = 0.0;
    int i, ok = 1;
    A.t = t;
    A.nt = 1;
    A.avg_to = -1.0;
    for (i = 0; i < 4; i++) {
        const therapy th = {doses[i], 0, 0};
        double x;
        if (run(y0, none, none, &th, &A) != 0) {
            ok = 0;
            break;
        }
        x = dc(&A, 0);
        printf("      %g ug/m2: lesion DC %.4g, mDC %.4g, CD8 %.4g, MDSC %.4g\n", doses[i], x,
               v(&A, 0, "mDC_1"), v(&A, 0, "CD8_1"), v(&A, 0, "MDSC_1"));
        if (i > 0 && !(x > 1.05 * prev))
            ok = 0;
        prev = x;
    }
    its_test_true(ok, "3: GM-CSF dose-response: lesion DC rise by > 5 %% at each of 0/125/250/500 ug/m2");
}

/* MDSC under sustained GM-CSF (500 ug/m2 every day for 84 days) rise, and
 * suppress: the same course with suppression off
 * kills more. */
static void test_mdsc(const double *y0)
{
    static const double t[] = {84.0};
    /* CD8 the only killers (innate and antibody kill off in both runs) so
     * that the killed cells measure what MDSC suppress */
    static const kv cd8_only[] = {{"k_nk_kill", 0.0}, {"k_m1_kill", 0.0}, {"k_neu_kill", 0.0},
                                  {"k_eos_kill", 0.0}, {"k_adcc", 0.0}, {NULL, 0.0}};
    static const kv no_supp[] = {{"K_mdsc", 1e12}, {NULL, 0.0}}; /* suppression off */
    const therapy gm = {500.0, 1, 0};
    A.t = B.t = t;
    A.nt = B.nt = 1;
    A.avg_to = B.avg_to = -1.0;
    if (run(y0, cd8_only, none, &gm, &A) != 0 || run(y0, cd8_only, no_supp, &gm, &B) != 0) {
        its_test_true(0, "MDSC runs");
        return;
    }
    /* Lesion GM-CSF ~80 pM all along: f_mdsc 0.10 -> 0.19 and monocyte
     * entry ~1.9x, so MDSC entry ~2.7x; over 84 d at d_mdsc 0.015/d
     * (1 - e^-1.26 = 72 % of the way) the pool rises well over 1.5x of its
     * baseline. */
    its_test_true(v(&A, 0, "MDSC_1") > 1.5 * y0[its_model_state_index(M, "MDSC_1")],
                  "3: sustained GM-CSF raises lesion MDSC: %.3g on day 84 vs %.3g at baseline (>1.5x)",
                  v(&A, 0, "MDSC_1"), y0[its_model_state_index(M, "MDSC_1")]);
    /* Suppression on: CD8 kill (and T proliferation) scaled by
     * 1 - MDSC/(MDSC + K_mdsc (CD8 + Th)), ~0.94 at the ~0.07 MDSC per T
     * cell of day 84: off, the CD8 kill (killed cells per cancer cell, CD8
     * the only killers) is ~1/0.94 = 1.07x (1.06x measured). 1.03x asks for half. The default patient's CD8
     * kill is small beside growth, so the tumour is only slightly smaller
     * (-0.2 % measured); 0.05 % is far above the ~1e-6 integration
     * noise. */
    its_test_true(v(&B, 0, "DEB_1") / v(&B, 0, "C_1") > 1.03 * v(&A, 0, "DEB_1") / v(&A, 0, "C_1") &&
                      tumour(&B, 0) < 0.9995 * tumour(&A, 0),
                  "3: MDSC suppress: without suppression killed cells per cancer cell %.3g vs %.3g, "
                  "lesion CD8 %.3g vs %.3g, tumour %.4g vs %.4g",
                  v(&B, 0, "DEB_1") / v(&B, 0, "C_1"), v(&A, 0, "DEB_1") / v(&A, 0, "C_1"),
                  v(&B, 0, "CD8_1"), v(&A, 0, "CD8_1"), tumour(&B, 0), tumour(&A, 0));
}

/* IFN-alpha directly slows cancer-cell division: with no tumour-specific
 * T cells (f_precursor 0, baseline grown so) HD IFN-alpha's induction
 * shrinks the tumour relative to no treatment, and the part due to the
 * cytostatic term shows against Imax_ifn_prolif = 0. */
static void test_ifna_antiproliferative(void)
{
    static const double t[] = {28.0};
    static const kv no_t[] = {{"f_precursor", 0.0}, {NULL, 0.0}};
    static const kv no_prolif[] = {{"Imax_ifn_prolif", 0.0}, {NULL, 0.0}};
    static double y0[NMAX];
    const therapy no = {0.0, 0, 0}, ifn = {0.0, 0, 1};
    A.t = B.t = C.t = t;
    A.nt = B.nt = C.nt = 1;
    A.avg_to = B.avg_to = C.avg_to = -1.0;
    if (baseline(no_t, y0) != 0 || run(y0, no_t, none, &no, &A) != 0 ||
        run(y0, no_t, none, &ifn, &B) != 0 || run(y0, no_t, no_prolif, &ifn, &C) != 0) {
        its_test_true(0, "IFN-a anti-proliferative runs");
        return;
    }
    /* Lesion IFN-alpha activity averages ~7 pM over the induction weeks:
     * division slowed by Imax_ifn_prolif 7/(7 + EC50_ifn_prolif) = 0.13 of
     * g ~ 0.02/d: ~7 % less tumour by day 28 from this term alone. 3 %
     * asks for less than half. */
    its_test_true(tumour(&B, 0) < 0.97 * tumour(&C, 0) && tumour(&B, 0) < tumour(&A, 0),
                  "5a: IFN-a slows division (no T cells): tumour day 28 %.4g vs %.4g without the "
                  "cytostatic term, %.4g untreated",
                  tumour(&B, 0), tumour(&C, 0), tumour(&A, 0));
    its_test_true(v(&A, 0, "CD8_1") < 1e-3 * v(&A, 0, "C_1"),
                  "5a: no tumour-specific T cells with f_precursor 0: lesion CD8 %.3g",
                  v(&A, 0, "CD8_1"));
}

/* HD IFN-alpha lowers the vascular capacity by about the cited 26 % by day
 * 28 (against no treatment), mostly through the regression term; and raises
 * tumour PD-L1 in the lesion. */
static void test_ifna_angiogenesis_pdl1(const double *y0)
{
    static const double t[] = {28.0};
    static const kv no_reg[] = {{"k_ifn_vreg", 0.0}, {NULL, 0.0}};
    static const kv no_pdl1[] = {{"pdl1_ifna_max", 0.0}, {NULL, 0.0}};
    const therapy no = {0.0, 0, 0}, ifn = {0.0, 0, 1};
    double fall, fall_noreg, pa, pb, pd;
    A.t = B.t = C.t = D.t = t;
    A.nt = B.nt = C.nt = D.nt = 1;
    A.avg_from = B.avg_from = C.avg_from = D.avg_from = 7.0;
    A.avg_to = B.avg_to = C.avg_to = D.avg_to = 14.0;
    if (run(y0, none, none, &no, &A) != 0 || run(y0, none, none, &ifn, &B) != 0 ||
        run(y0, none, no_reg, &ifn, &C) != 0 || run(y0, none, no_pdl1, &ifn, &D) != 0) {
        its_test_true(0, "IFN-a runs");
        return;
    }
    fall = 1.0 - v(&B, 0, "K_1") / v(&A, 0, "K_1");
    fall_noreg = 1.0 - v(&C, 0, "K_1") / v(&A, 0, "K_1");
    /* Delayed exposure Eifn ~5 pM: regression k_ifn_vreg 5/(5 + 10) =
     * 0.0067/d over ~24 d (-15 %), the stimulation cut by Imax_ifn_ang 0.33
     * (-7 %, the version-1 effect) and a smaller tumour: -24 % measured.
     * The cited microvessel-density fall is 26 %; +-10 points. */
    its_test_true(fall > 0.16 && fall < 0.36,
                  "5b: HD IFN-a lowers vascular capacity by %.1f %% on day 28 (cited 26 %%, 16-36 %% accepted)",
                  100.0 * fall);
    its_test_true(fall_noreg < 0.6 * fall,
                  "5b: ... mostly through regression: %.1f %% without k_ifn_vreg", 100.0 * fall_noreg);
    pa = A.pdl1_n > 0 ? A.pdl1_sum / (double)A.pdl1_n : (double)NAN;
    pb = B.pdl1_n > 0 ? B.pdl1_sum / (double)B.pdl1_n : (double)NAN;
    pd = D.pdl1_n > 0 ? D.pdl1_sum / (double)D.pdl1_n : (double)NAN;
    /* Lesion IFN-alpha ~7 pM in week 2: + pdl1_ifna_max 7/(7 + 20) = 0.39
     * on pdl1_0 (1 + 5 h_IFNg) ~4.8: +8 % (+7 % measured in the mean).
     * 3 % asks for less than half; without the IFN-alpha term PD-L1 stays
     * within 2 % of untreated (IFN-gamma barely moves in 2 weeks). */
    its_test_true(pb > 1.03 * pa && fabs(pd / pa - 1.0) < 0.02,
                  "5c: HD IFN-a raises lesion PD-L1: week-2 mean %.3f vs %.3f untreated, %.3f without "
                  "pdl1_ifna_max", pb, pa, pd);
}

int main(void)
{
    static double y0[NMAX];
    M = its_model_find("tme");
    its_test_true(M != NULL && M->n_states < NMAX && M->n_params < NMAX, "tme registered");
    if (M == NULL || baseline(none, y0) != 0)
        return its_test_done();
    test_gmcsf_arm(y0);
    test_gmcsf_dose_response(y0);
    test_mdsc(y0);
    test_ifna_antiproliferative();
    test_ifna_angiogenesis_pdl1(y0);
    return its_test_done();
}
