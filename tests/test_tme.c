/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the tme model. Healthy steady state in physiological ranges,
 * untreated growth at published doubling times, the nine mechanisms of the
 * seed (each perturbed alone: direction and size of the effect), lesion
 * coupling only through systemic immunity, and the angiogenesis module
 * reproducing Hahnfeldt 1999. Each mechanism is perturbed from the naive
 * lesion (the initial values), so every simulation here runs with the
 * pre-treatment history off (its_sim_set_history); the history itself is
 * tested in tests/test_tme_history.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

#define NMAX 512

static const its_model_def *M;

typedef struct kv {
    const char *name;
    double value;
} kv;

/* A fresh simulation of `model` with parameter overrides (NULL-terminated)
 * and an optional constant infusion; runs [0, t_end] and keeps the final
 * state in y. */
static int run(const char *model, const kv *params, const char *input,
               double rate, double t_end, double *y)
{
    its_sim *s = NULL;
    its_status st;
    const kv *p;
    if (its_sim_create(its_model_find(model), &s, NULL, 0) != ITS_OK)
        return -1;
    its_sim_set_history(s, 0);
    for (p = params; p != NULL && p->name != NULL; p++) {
        if (its_sim_set_param(s, p->name, p->value) != ITS_OK &&
            its_sim_set_initial(s, p->name, p->value) != ITS_OK) {
            printf("      bad override %s\n", p->name);
            its_sim_free(s);
            return -1;
        }
    }
    if (input != NULL)
        its_sim_add_infusion(s, input, 0.0, INFINITY, rate);
    st = its_sim_run(s, 0.0, t_end, NULL, 0, NULL, NULL);
    if (st == ITS_OK)
        st = its_sim_get_final_state(s, y);
    if (st != ITS_OK)
        printf("      run failed: %s\n", its_sim_errmsg(s));
    its_sim_free(s);
    return st == ITS_OK ? 0 : -1;
}

static double v(const double *y, const char *name)
{
    int i = its_model_state_index(M, name);
    return i >= 0 ? y[i] : (double)NAN;
}

static double tumour(const double *y)
{
    return v(y, "C_1") + v(y, "C_2") + v(y, "C_3");
}

static const kv none[] = {{NULL, 0.0}};

/* Version-1 calibrations: checks whose numbers were derived on the
 * dynamics of tme@1 (unbounded priming, no precursor depletion) run there
 * (now only the eradication under constant anti-PD-1, mechanism 8: the
 * revised tme relapses through escape clones, and without them still
 * holds tumour on day 240 of this constant infusion; test_tme_vanishing.c
 * eradicates the lesions under pembrolizumab);
 * tme's revised expansion (issue 12, docs/models/tme.md "T-cell expansion,
 * bystanders and Tregs") starts without a tumour-specific memory pool and
 * is recalibrated once the baseline history exists. run_v1 runs on tme@1
 * and leaves M (read by v and tumour) on tme@1 until v1_done. */
static int run_v1(const kv *params, const char *input, double rate, double t_end, double *y)
{
    M = its_model_find("tme@1");
    return run("tme@1", params, input, rate, t_end, y);
}

static void v1_done(void)
{
    M = its_model_find("tme");
}

/* A parameter's value in the default parameter vector of `model` (default
 * set applied). */
static double par_of(const char *model, const char *name)
{
    const its_model_def *m = its_model_find(model);
    double p[NMAX];
    int i = m != NULL ? its_model_param_index(m, name) : -1;
    if (i < 0 || m->n_params > NMAX || its_model_default_params(m, p, NULL, 0) != ITS_OK)
        return (double)NAN;
    return p[i];
}

/* ... of tme. */
static double par(const char *name)
{
    return par_of("tme", name);
}

/* Observer keeping the minimum of one state over the grid. */
typedef struct rows_t {
    int idx;
    int seen;
    double min, t_min;
} rows_t;

/* Observer keeping the maximum (stored in min/t_min of the same record). */
static int keep_max(double t, const double *y, size_t n, its_row_kind k, void *ud)
{
    rows_t *r = ud;
    (void)n;
    (void)k;
    if (!r->seen || y[r->idx] > r->min) {
        r->seen = 1;
        r->min = y[r->idx];
        r->t_min = t;
    }
    return 0;
}

static int keep_min(double t, const double *y, size_t n, its_row_kind k, void *ud)
{
    rows_t *r = ud;
    (void)n;
    if (k == ITS_ROW_GRID && (!r->seen || y[r->idx] < r->min)) {
        r->seen = 1;
        r->min = y[r->idx];
        r->t_min = t;
    }
    return 0;
}

/* ---- healthy steady state ------------------------------------------------- */

static void test_physiology(void)
{
    static const kv no_tumour[] = {{"C_1", 0.0}, {"C_2", 0.0}, {"C_3", 0.0},
                                   {"K_1", 0.0}, {"K_2", 0.0}, {"K_3", 0.0},
                                   {NULL, 0.0}};
    double y[NMAX], y2[NMAX], vb = 5.0, lymph, nk, drift = 0.0;
    size_t i;
    run("tme", no_tumour, NULL, 0.0, 365.0, y);
    run("tme", no_tumour, NULL, 0.0, 395.0, y2);
    for (i = 0; i < M->n_states; i++)
        if (fabs(y[i]) > 1.0)
            drift = fmax(drift, fabs(y2[i] / y[i] - 1.0));
    /* Without tumour or input every pool sits at its set point (x V_blood),
     * where the right-hand side is 0 up to round-off: 1e-6 is the
     * integration noise at rtol 1e-8, far above round-off. */
    its_test_true(drift < 1e-6, "no tumour: steady state (drift over 30 d %.2g)", drift);
    lymph = (v(y, "nCD8_b") + v(y, "CD8_b") + v(y, "nCD4_b") + v(y, "Th_b") +
             v(y, "Treg_b") + v(y, "B_b") + v(y, "NK_b")) / vb;
    nk = v(y, "NK_b") / vb;
    /* Reference ranges per litre (issue 3; Front Pharmacol 2020;11:314, Table 6). */
    its_test_true(v(y, "NEU_b") / vb >= 2e9 && v(y, "NEU_b") / vb <= 7.5e9,
                  "neutrophils %.3g /L in 2-7.5e9", v(y, "NEU_b") / vb);
    its_test_true(lymph >= 1e9 && lymph <= 4e9, "lymphocytes %.3g /L in 1-4e9", lymph);
    its_test_true(v(y, "MON_b") / vb >= 0.2e9 && v(y, "MON_b") / vb <= 0.8e9,
                  "monocytes %.3g /L in 0.2-0.8e9", v(y, "MON_b") / vb);
    its_test_true(v(y, "EOS_b") / vb >= 0.04e9 && v(y, "EOS_b") / vb <= 0.4e9,
                  "eosinophils %.3g /L in 0.04-0.4e9", v(y, "EOS_b") / vb);
    its_test_true(v(y, "BAS_b") / vb >= 0.01e9 && v(y, "BAS_b") / vb <= 0.1e9,
                  "basophils %.3g /L in 0.01-0.1e9", v(y, "BAS_b") / vb);
    /* Expected nk0/(nk0 + naive_cd8_0 + naive_cd4_0 + treg0 + b_cell0)
     * = 0.124 at the defaults (no effector pools without tumour); nk0's
     * source aims at NK being 10-15 % of lymphocytes. */
    its_test_true(nk / lymph >= 0.07 && nk / lymph <= 0.15,
                  "NK share of lymphocytes %.3f (about 10 %%)", nk / lymph);
    its_test_true(v(y, "perm") == 1.0 && v(y, "flu") == 0.0 && v(y, "irae") == 0.0,
                  "no side effects without therapy");
}

/* ---- untreated growth --------------------------------------------------------- */

/* Volume doubling time of lesion 1 over the first 180 days, untreated. */
static double doubling_time(const char *profile)
{
    its_sim *s = NULL;
    double y[NMAX];
    its_sim_create(M, &s, NULL, 0);
    its_sim_set_history(s, 0);
    its_sim_apply_set(s, profile);
    its_sim_run(s, 0.0, 180.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, y);
    its_sim_free(s);
    return 180.0 * log(2.0) / log(v(y, "C_1") / M->states[its_model_state_index(M, "C_1")].initial);
}

static void test_growth(void)
{
    double dt_mel = doubling_time("melanoma"), dt_rcc = doubling_time("rcc");
    /* Melanoma metastases: median volume doubling ~60 d (Ollila 1998; spread
     * 8-212 d, Carlson 2003): accept 45-80 d for the default lesion. */
    its_test_true(dt_mel >= 45.0 && dt_mel <= 80.0, "melanoma doubling %.1f d in 45-80", dt_mel);
    /* mRCC: g = 0.0015/d on IFN (doubling 462 d, Stein 2012); untreated
     * default about a year: accept 280-550 d. */
    its_test_true(dt_rcc >= 280.0 && dt_rcc <= 550.0, "RCC doubling %.1f d in 280-550", dt_rcc);
}

/* ---- the nine mechanisms ------------------------------------------------------- */

static void mech1_neoantigens(void)
{
    static const kv low[] = {{"tmb", 5.0}, {NULL, 0.0}};
    double hi[NMAX], lo[NMAX];
    run("tme", none, NULL, 0.0, 180.0, hi);
    run("tme", low, NULL, 0.0, 180.0, lo);
    /* Priming is proportional to the neoantigen count tmb exome_mb
     * f_immunogenic: 21/5 = 4.2-fold at equal node DC and help, and both
     * rise with the extra debris, so blood effectors should be >= 4.2x
     * (6.1x measured on the revised tme from its grown baselines, which
     * differ with the TMB; 6.3x on tme@1). 2x asks for less than half of
     * the 4.2; integration noise is ~1e-6. */
    its_test_true(v(hi, "CD8_b") > 2.0 * v(lo, "CD8_b"),
                  "1: TMB 21 vs 5: blood effector CD8 %.3g vs %.3g (>2x)", v(hi, "CD8_b"), v(lo, "CD8_b"));
    /* CD8 kill per tumour cell, k_cd8_kill CD8/(K_T_C C) (1 - h_pd1)
     * Treg suppression, averages 1.1e-3/d over the 180 d at TMB 21 and,
     * with 4.2x fewer effectors, ~2.6e-4/d at TMB 5; antibody (ADCC,
     * B-cell priming also scales with the neoantigens) adds 1.6e-4/d:
     * ~1.0e-3/d more kill, e^(-0.18) = 16 % less tumour over 180 d if
     * growth did not compensate (Gompertz growth speeds up as lesions
     * shrink; 13 % measured on the revised tme, 12 % on tme@1). 10 % asks
     * for 60 % of the estimate. */
    its_test_true(tumour(hi) < 0.9 * tumour(lo),
                  "1: TMB 21 vs 5: tumour %.3g vs %.3g (>10 %% less)", tumour(hi), tumour(lo));
}

/* Constant IFN-alpha: blood ~50 pM (rate = C cl_ifna_blood V_ifna at steady
 * state), the level of a high-dose IV course (20 MIU/m2 peaks near
 * 200 IU/mL, Intron A label). */
#define IFNA_RATE (50.0 * par("cl_ifna_blood") * par("V_ifna")) /* pmol/d into V_ifna */

static void mech2_ifna_immune(void)
{
    double a[NMAX], b[NMAX];
    static const kv nk_only[] = {{"k_cd8_kill", 0.0}, {"k_m1_kill", 0.0}, {"k_neu_kill", 0.0},
                                 {"k_eos_kill", 0.0}, {"k_adcc", 0.0}, {"Imax_ifn_ang", 0.0},
                                 {NULL, 0.0}};
    /* Every IFN-alpha path but lymphocyte activation and MHC-I switched off
     * (innate killing stays: its debris is the antigen that primes CD8). */
    static const kv lymph_only[] = {{"a_ifn_nk", 0.0}, {"a_ifn_dc", 0.0}, {"a_ifn_m1", 0.0},
                                    {"Imax_ifn_ang", 0.0}, {"Imax_neu_ifn", 0.0}, {NULL, 0.0}};
    run("tme", none, NULL, 0.0, 30.0, a);
    run("tme", none, "ifna", IFNA_RATE, 30.0, b);
    {
        const double fa = v(a, "mDC_1") / (v(a, "mDC_1") + v(a, "iDC_1"));
        const double fb = v(b, "mDC_1") / (v(b, "mDC_1") + v(b, "iDC_1"));
        /* Lesion IFN-alpha ~26 pM (50 pM x k_exchange/(k_exchange + deg_ifna))
         * multiplies maturation by 1 + a_ifn_dc 26/(26 + EC50_ifn_dc) = 1.57;
         * the mature share r/(1 + r) with r = maturation/(k_mig + d_mdc)
         * goes from 1/3 to 0.44 (x1.32) at equal debris. 1.2x asks for most
         * of that; run-to-run noise at rtol 1e-8 is ~1e-6. */
        its_test_true(fb > 1.2 * fa, "2: IFN-a matures DC: mature share %.3f vs %.3f (>1.2x)", fb, fa);
    }
    /* Quasi-steady, with new macrophages split f_m1_in = 1/2 and death
     * d_mac: M1/M2 = (d_mac/2 + k21)/(d_mac/2 + k12). Lesion IFN-alpha
     * ~26 pM adds k_m2_to_m1 a_ifn_m1 26/(26 + EC50_ifn_m1) = 0.051/d to
     * k21 = k_m2_to_m1 IFNg/(IFNg + EC50_ifng_m1) = 0.039/d (lesion
     * IFN-gamma ~18 pM): the numerator, and the ratio at equal k12, rise
     * 2.0-fold (1.8x measured on day 30). 1.1x asks for a tenth of it. */
    its_test_true(v(b, "M1_1") / v(b, "M2_1") > 1.1 * v(a, "M1_1") / v(a, "M2_1"),
                  "2: IFN-a polarises to M1: M1/M2 %.3f vs %.3f (>1.1x)",
                  v(b, "M1_1") / v(b, "M2_1"), v(a, "M1_1") / v(a, "M2_1"));
    run("tme", nk_only, NULL, 0.0, 60.0, a);
    run("tme", nk_only, "ifna", IFNA_RATE, 60.0, b);
    /* NK are rare in melanoma, so the effect on the tumour is modest; the
     * kill rate itself shows in the debris (killed cells) per tumour cell.
     * Threshold 0.98: the NK kill rate, k_debris DEB/C ~ 0.0016/d without
     * IFN-alpha, rises 1 + a_ifn_nk 26/(26 + EC50_ifn_nk) = 2.55-fold, i.e.
     * by ~0.0025/d: ~14 % less tumour over 60 d if nothing compensated.
     * 2 % asks for a seventh of that, far above the ~1e-6 integration noise;
     * the debris ratio (expected 2.55x) must exceed 1.5x. */
    its_test_true(tumour(b) < 0.98 * tumour(a) &&
                      v(b, "DEB_1") / v(b, "C_1") > 1.5 * v(a, "DEB_1") / v(a, "C_1"),
                  "2: IFN-a activates NK (NK the only killers): tumour %.3g vs %.3g, "
                  "debris/tumour %.3g vs %.3g", tumour(b), tumour(a),
                  v(b, "DEB_1") / v(b, "C_1"), v(a, "DEB_1") / v(a, "C_1"));
    run("tme", lymph_only, NULL, 0.0, 60.0, a);
    run("tme", lymph_only, "ifna", IFNA_RATE, 60.0, b);
    /* At ~26 pM in the lesion CD8 killing is multiplied by MHC-I
     * (1 + a_ifn_mhc 26/(26 + EC50_ifn_mhc)) and activation
     * (1 + a_ifn_lymph 26/(26 + EC50_ifn_lymph)) = 1.85 x 1.28 = 2.4; at
     * the control's 60-d mean CD8 kill of 1.4e-3 per tumour cell per day
     * that adds ~1.9e-3/d: ~11 % less tumour over 60 d if nothing
     * compensated (8.6 % measured on tme@1, 31 % on the revised tme, whose
     * grown lesions carry more CD8). 5 % asks for less than half. */
    its_test_true(tumour(b) < 0.95 * tumour(a),
                  "2: IFN-a activates lymphocytes (only that path on): tumour %.3g vs %.3g",
                  tumour(b), tumour(a));
}

static void mech3_ifna_angiogenesis(void)
{
    static const kv no_immune[] = {{"k_cd8_kill", 0.0}, {"k_nk_kill", 0.0}, {"k_m1_kill", 0.0},
                                   {"k_neu_kill", 0.0}, {"k_eos_kill", 0.0}, {"k_adcc", 0.0},
                                   {NULL, 0.0}};
    static const kv no_ang[] = {{"k_cd8_kill", 0.0}, {"k_nk_kill", 0.0}, {"k_m1_kill", 0.0},
                                {"k_neu_kill", 0.0}, {"k_eos_kill", 0.0}, {"k_adcc", 0.0},
                                {"Imax_ifn_ang", 0.0}, {"a_m2_ang", 0.0},
                                /* IFN-alpha's direct effects on the tumour
                                 * (issue 12 item 5): cytostasis and vessel
                                 * regression */
                                {"Imax_ifn_prolif", 0.0}, {"k_ifn_vreg", 0.0}, {NULL, 0.0}};
    double a[NMAX], b[NMAX];
    run("tme", no_immune, NULL, 0.0, 90.0, a);
    run("tme", no_immune, "ifna", IFNA_RATE, 90.0, b);
    /* Vascular stimulation b_ang C is scaled by 1 - Imax_ifn_ang
     * 26/(26 + EC50_ifn_ang) = 0.64 once Eifn has followed the lesion's
     * ~26 pM (tau_ifn_exposure); removal d_ang K C^(2/3), d_ang =
     * b_ang/K_max^(2/3), is slow (~1e-3/d at 1e10 cells), so the growth of
     * K over the 90 d (K_1 from 8e9 to 3.4e10 untreated) shrinks to 0.64
     * of itself: K ~0.73x, less still as C is smaller too (0.67x
     * measured). 10 % less asks for 37 % of the expected 27 %. */
    its_test_true(v(b, "K_1") < 0.9 * v(a, "K_1"),
                  "3: IFN-a lowers the vascular capacity: K %.3g vs %.3g", v(b, "K_1"), v(a, "K_1"));
    its_test_true(v(b, "C_1") < v(a, "C_1"), "3: and so the tumour: %.3g vs %.3g", v(b, "C_1"), v(a, "C_1"));
    run("tme", no_ang, NULL, 0.0, 90.0, a);
    run("tme", no_ang, "ifna", IFNA_RATE, 90.0, b);
    /* Two integrations with different step sequences at rtol 1e-8. */
    its_test_rel(v(b, "C_1"), v(a, "C_1"), 1e-6,
                 "3: without killing, the anti-angiogenic terms (IFN-a, M2) and the cytostatic term IFN-a leaves the tumour alone");
}

/* IL-2 infusion keeping blood IL-2 near 5 nM (rate = C CL_il2), the mean
 * level of a high-dose course (600,000 IU/kg q8h peaks near 34 nM), for its
 * 5 days; effects read on day 10. */
static void mech4_il2(void)
{
    double a[NMAX], b[NMAX];
    its_sim *s = NULL;
    run("tme", none, NULL, 0.0, 10.0, a);
    its_sim_create(M, &s, NULL, 0);
    its_sim_set_history(s, 0);
    /* Steady state of an IV infusion: C = rate / CL_il2. */
    its_sim_add_infusion(s, "il2", 0.0, 5.0, 5000.0 * par("CL_il2"));
    its_sim_run(s, 0.0, 10.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, b);
    its_sim_free(s);
    /* At 5 nM each priming yields 2^(N_il2_cd8 5000/(5000 + EC50_il2_teff))
     * = 2^10.3 ~ 1,300 times more effectors, and effectors proliferate at
     * p_il2_cd8 0.94/d > d_cd8: >= 1,300x the control's pool on day 5
     * (7,600x measured). After IL-2 clears (CL_il2/V_il2 ~ 60/d) the excess
     * leaves blood at d_cd8 + q_T x lesion volume (~6 mL) = 0.6/d, e^-3
     * in 5 days, while the control's pool grows 5x: >= 13x on day 10 (86x
     * measured). 2x asks for a twelfth of that bound's excess. */
    its_test_true(v(b, "CD8_b") > 2.0 * v(a, "CD8_b"),
                  "4: IL-2 expands effector T: blood CD8 %.3g vs %.3g", v(b, "CD8_b"), v(a, "CD8_b"));
    /* Blood IL-2 5 nM gives NK proliferation p_nk_il2 5/(5 + EC50_il2_nk)
     * = 0.083/d at the defaults (0.1/d, 1 nM) for 5 days (e^0.42 = 1.5x),
     * whose excess decays at d_nk (default 0.069/d) for the 5 days after:
     * ~1.36x on day 10. 1.2x asks for more than half of that excess. */
    its_test_true(v(b, "NK_1") / v(b, "C_1") > 1.2 * v(a, "NK_1") / v(a, "C_1") &&
                      v(b, "NK_b") > 1.2 * v(a, "NK_b"),
                  "4: IL-2 expands NK: blood %.3g vs %.3g, lesion NK per tumour cell %.3g vs %.3g",
                  v(b, "NK_b"), v(a, "NK_b"), v(b, "NK_1") / v(b, "C_1"), v(a, "NK_1") / v(a, "C_1"));
    /* Treg grow logistically at p_il2_treg 5000/(5000 + EC50_il2_treg)
     * ~ 0.5/d towards the cap il2_expansion_cap treg0 V_blood (2.5e9 from
     * 2.5e8): 1.4e9 on day 5; the excess decays at d_treg (e^-0.43) for the
     * 5 days after: ~4x on day 10 (3.7x measured). 1.5x asks for a sixth
     * of that excess. */
    its_test_true(v(b, "Treg_b") > 1.5 * v(a, "Treg_b") &&
                      v(b, "Treg_b") < par("il2_expansion_cap") * par("treg0") * par("V_blood"),
                  "4: IL-2 expands Treg too, within the expansion cap: blood Treg %.3g vs %.3g",
                  v(b, "Treg_b"), v(a, "Treg_b"));
    its_test_true(tumour(b) < tumour(a), "4: net tumour %.3g vs %.3g", tumour(b), tumour(a));
}

/* GM-CSF ~100 pM in blood (rate = C cl_gm_blood V_gm): sargramostim
 * 250 ug/m2 SC gives serum levels of a few ng/mL (Leukine label), i.e.
 * 50-300 pM. Without it the lesion already holds ~37 pM made by its
 * helper T cells (s_gm); with it ~76 pM (100 pM x k_exchange/(k_exchange
 * + deg_gm) = 28 pM on top, and more helpers). */
static void mech5_gmcsf(void)
{
    double a[NMAX], b[NMAX];
    run("tme", none, NULL, 0.0, 30.0, a);
    run("tme", none, "gmcsf", 100.0 * par("cl_gm_blood") * par("V_gm"), 30.0, b);
    /* Lesion DC ~ f_dc x monocyte entry: f_dc = f_dc0 + f_dc_gm
     * GM/(GM + EC50_gm) goes from 0.40 (37 pM) to 0.45 (76 pM), x1.11, and
     * blood monocytes by 1 + a_gm_myelo 100/(100 + EC50_gm) = 1.91: 2.1x
     * (1.94x measured, lesions 2 % smaller). 1.5x asks for about half of
     * the excess; the node mDC they feed follow (2.1x measured). */
    its_test_true(v(b, "iDC_1") + v(b, "mDC_1") > 1.5 * (v(a, "iDC_1") + v(a, "mDC_1")),
                  "5: GM-CSF: monocytes to DC: lesion DC %.3g vs %.3g",
                  v(b, "iDC_1") + v(b, "mDC_1"), v(a, "iDC_1") + v(a, "mDC_1"));
    its_test_true(v(b, "mDC_LN") > 1.5 * v(a, "mDC_LN"),
                  "5: GM-CSF: more antigen presentation: node mDC %.3g vs %.3g",
                  v(b, "mDC_LN"), v(a, "mDC_LN"));
    /* Lesion effector death d_cd8 (1 - s_gm_survival GM/(GM + EC50_gm))
     * falls from 0.061 to 0.056/d (37 to 76 pM): x1.09 at equal influx;
     * influx rises with priming (node mDC 8.7e6 to 1.8e7 against K_dc_LN:
     * x1.06) and with blood survival (blood GM 100 pM halves d_cd8 beside
     * the ~0.5/d entry into lesions: x1.08): ~1.25x expected (1.24x
     * measured). The threshold stays at the 1.2x it had before issue 10
     * (changing assertions was out of scope there); it asks for 80 % of the
     * excess, so it is tight: 1.1x (40 %) would still fail without the
     * survival term (x1.06 left) if the tme revision of issue 12 moves this
     * effect. */
    its_test_true(v(b, "CD8_1") > 1.2 * v(a, "CD8_1"),
                  "5: GM-CSF: T-cell survival: lesion CD8 %.3g vs %.3g (>1.2x)", v(b, "CD8_1"), v(a, "CD8_1"));
}

static void mech6_innate(void)
{
    static const kv ko_nk[] = {{"k_nk_kill", 0.0}, {NULL, 0.0}};
    static const kv ko_m1[] = {{"k_m1_kill", 0.0}, {NULL, 0.0}};
    static const kv ko_gran[] = {{"k_neu_kill", 0.0}, {"k_eos_kill", 0.0}, {NULL, 0.0}};
    static const kv ko_dc[] = {{"f_dc0", 0.0}, {"f_dc_gm", 0.0}, {NULL, 0.0}};
    static const kv ko_mast[] = {{"a_mast_ang", 0.0}, {"a_m2_ang", 0.0}, {NULL, 0.0}};
    double a[NMAX], b[NMAX];
    run("tme", none, NULL, 0.0, 120.0, a);
    run("tme", ko_nk, NULL, 0.0, 120.0, b);
    its_test_true(tumour(b) > tumour(a), "6: NK killing: knock-out tumour %.4g vs %.4g", tumour(b), tumour(a));
    run("tme", ko_m1, NULL, 0.0, 120.0, b);
    its_test_true(tumour(b) > tumour(a), "6: M1 killing: knock-out tumour %.4g vs %.4g", tumour(b), tumour(a));
    run("tme", ko_gran, NULL, 0.0, 120.0, b);
    its_test_true(tumour(b) > tumour(a), "6: neutrophil+eosinophil killing: knock-out %.4g vs %.4g",
                  tumour(b), tumour(a));
    run("tme", none, NULL, 0.0, 120.0, a);
    run("tme", ko_dc, NULL, 0.0, 120.0, b);
    /* Without DC no mDC reach the node, priming (and B-cell activation) is 0
     * and CD8_b stays at its initial 0: 0.01x is a margin on an expected 0.
     * The control's 120-d mean CD8 plus ADCC kill per tumour cell,
     * 1.3e-3 + 0.4e-3/d, is lost: e^(0.2) = 1.23x tumour if growth did not
     * compensate (1.18x measured on tme@1, 1.19x on the revised tme). 1.1x
     * asks for ~45 % of that. */
    its_test_true(v(b, "CD8_b") < 0.01 * v(a, "CD8_b") && tumour(b) > 1.1 * tumour(a),
                  "6: DC induce the adaptive response: no DC, CD8 %.3g vs %.3g, tumour %.4g vs %.4g",
                  v(b, "CD8_b"), v(a, "CD8_b"), tumour(b), tumour(a));
    run("tme", none, NULL, 0.0, 120.0, a);
    run("tme", ko_mast, NULL, 0.0, 120.0, b);
    its_test_true(tumour(b) < tumour(a) && v(b, "K_1") < v(a, "K_1"),
                  "6: mast cells and M2 are pro-angiogenic: without them tumour %.4g vs %.4g",
                  tumour(b), tumour(a));
}

static void mech7_humoral(void)
{
    static const kv ko_b[] = {{"k_b_act", 0.0}, {NULL, 0.0}};
    double a[NMAX], b[NMAX];
    run("tme", none, NULL, 0.0, 120.0, a);
    run("tme", ko_b, NULL, 0.0, 120.0, b);
    /* Activation k_b_act b_cell0 V_blood f_b_specific (tmb exome_mb
     * f_immunogenic) = 8.3e4/d x node DC and help terms (~1.5), x m_plasma
     * plasma cells each living 1/d_plasma: PC ~ 2e7 (2.0e7 measured);
     * antibody s_ab PC/(V_blood k_ab) = 35 nM at steady state, ~95 % of it
     * after 120 d at k_ab as PC still rise (33 nM measured). 1e5 and 0.1 nM ask for 1/200
     * and 1/300 of that: that the humoral arm is on. With k_b_act = 0 no
     * PC form and Ab stays at its initial 0 (1e-9 nM: round-off margin). */
    its_test_true(v(a, "PC") > 1e5 && v(a, "Ab") > 0.1 && v(b, "Ab") < 1e-9,
                  "7: B cells make plasma cells and antibody: PC %.3g, Ab %.3g nM", v(a, "PC"), v(a, "Ab"));
    its_test_true(tumour(b) > tumour(a), "7: antibody-dependent killing: no B cells tumour %.4g vs %.4g",
                  tumour(b), tumour(a));
}

static void mech8_checkpoint(void)
{
    static const kv ko_pdl1[] = {{"pdl1_0", 0.0}, {NULL, 0.0}};
    double a[NMAX], b[NMAX];
    /* Anti-PD-1 infused to a ~100 nM steady state (rate = C CL_antipd1). */
    const double rate = 100.0 * par("CL_antipd1");
    run("tme", none, NULL, 0.0, 120.0, a);
    run("tme", none, "antipd1", rate, 120.0, b);
    /* Occupancy 100/(100 + EC50_antipd1) = 0.99 cuts the engaged PD-L1 x
     * = pdl1 (1 - occ)/K_pd1 from ~4.7 (lesion IFN-gamma ~8 pM induces
     * pdl1_0 (1 + pdl1_ifng_max IFNg/(IFNg + EC50_ifng_pdl1))) to ~0.05:
     * CD8 killing's factor 1/(1 + x^2) rises from 0.043 to ~1, 23-fold, on
     * a mean 1.3e-3/d per tumour cell: e^-3.6, under 5 % of the tumour on
     * day 120 even without the feedback that eradicates it. 0.8x asks for
     * little; the next check asks for eradication. */
    its_test_true(tumour(b) < 0.8 * tumour(a), "8: anti-PD-1 controls the tumour: %.4g vs %.4g",
                  tumour(b), tumour(a));
    /* Eradicated lesions fall through their 1-cell floor to exactly 0
     * (version-1 calibration: eradication by day 120). */
    {
        double e[NMAX];
        run_v1(none, "antipd1", rate, 120.0, e);
        its_test_true(tumour(e) == 0.0, "8: lesions below 1 cell are eradicated (exactly 0)");
        v1_done();
    }
    /* Exhaustion k_exh h_pd1 falls with h_pd1 = x^2/(1 + x^2) from 0.96 to
     * ~0.003 and k_reinv occ returns exhausted cells: EX should vanish
     * (1e-10x measured); 0.5x asks for half. */
    its_test_true(v(b, "EX_1") < 0.5 * v(a, "EX_1"), "8: and reverses exhaustion: EX %.3g vs %.3g",
                  v(b, "EX_1"), v(a, "EX_1"));
    /* Day 30, while the tumour is still there; separate integrations. */
    run("tme", ko_pdl1, NULL, 0.0, 30.0, a);
    run("tme", ko_pdl1, "antipd1", rate, 30.0, b);
    /* 1e-5: two separate integrations at the default tolerances differ by
     * ~2e-6 (measured, 54 systemic states); a direct effect would be %-level. */
    its_test_rel(tumour(b), tumour(a), 1e-5, "8: without PD-L1 anti-PD-1 boosts nothing directly");
    its_test_rel(v(b, "CD8_1"), v(a, "CD8_1"), 1e-6, "8: nor effector numbers");
    run("tme", ko_pdl1, "antipd1", rate, 120.0, b);
    /* irae approaches k_irae occ/(k_irae occ + k_irae_res) = 0.33 at rate
     * k_irae occ + k_irae_res = 0.03/d: 0.32 on day 120 (0.321 measured).
     * 0.1 asks for 30 % of it. */
    its_test_true(v(b, "irae") > 0.1, "8: but drives irAE activity (%.3f)", v(b, "irae"));
}

static void mech9_toxicity(void)
{
    double a[NMAX], b[NMAX], c[NMAX];
    run("tme", none, NULL, 0.0, 5.0, a);
    run("tme", none, "il2", 10000.0 * par("CL_il2"), 5.0, b);
    run("tme", none, "ifna", 100.0 * par("cl_ifna_blood") * par("V_ifna"), 2.0, c);
    /* Blood IL-2 10 nM: Ce_il2 follows at ke0_il2, perm at kout_perm
     * towards 1 + Emax_perm 10000/(10000 + EC50_perm) = 1.91, ~1.90 on day
     * 5 (1.902 measured); untreated the ~0.002 pM of endogenous IL-2 give
     * perm - 1 ~ 2e-6. 1.5 asks for 55 % of the rise; 1.01 is far above
     * the untreated 2e-6 and far below the treated rise. */
    its_test_true(v(a, "perm") < 1.01 && v(b, "perm") > 1.5,
                  "9: high systemic IL-2 drives vascular leak: perm %.3f vs %.3f", v(b, "perm"), v(a, "perm"));
    /* Blood IFN-alpha 100 pM: Ce_ifn follows at ke0_ifn, tolerance at
     * k_tolerance reaches ~16 pM on day 2: flu ~ 100/(EC50_flu (1 + 16/
     * M50_flu) + 100) = 0.79 (0.797 measured); untreated IFN-alpha is ~1e-6
     * pM, flu ~1e-7. 0.5 asks for 63 % of it; 0.01 is far above the
     * untreated value. */
    its_test_true(v(a, "flu") < 0.01 && v(c, "flu") > 0.5,
                  "9: high IFN-a drives the flu-like state: %.3f vs %.3f", v(c, "flu"), v(a, "flu"));
    /* Blood counts: IFN-a suppresses neutrophil production (neutropenia),
     * GM-CSF raises it; a week of exposure. At 100 pM production is
     * scaled by 1 - Imax_neu_ifn 100/(100 + IC50_neu_ifn) = 0.58 and by
     * 1 + a_gm_myelo 100/(100 + EC50_gm) = 1.91, and the count follows at
     * d_neu (~1 d); the Friberg feedback (neu0/circ)^gamma_neu on
     * proliferation returns part of it within the week (0.72x and 1.51x
     * measured). 0.8x and 1.3x ask for about half of the uncompensated
     * 42 % fall and a third of the 91 % rise. */
    run("tme", none, NULL, 0.0, 7.0, a);
    run("tme", none, "ifna", 100.0 * par("cl_ifna_blood") * par("V_ifna"), 7.0, b);
    run("tme", none, "gmcsf", 100.0 * par("cl_gm_blood") * par("V_gm"), 7.0, c);
    its_test_true(v(b, "NEU_b") < 0.8 * v(a, "NEU_b") && v(c, "NEU_b") > 1.3 * v(a, "NEU_b"),
                  "9: neutrophils %.3g (IFN-a), %.3g (GM-CSF) vs %.3g /5 L",
                  v(b, "NEU_b"), v(c, "NEU_b"), v(a, "NEU_b"));
}

/* ---- structure ------------------------------------------------------------------- */

static void test_lesion_coupling(void)
{
    static const kv iso_big[] = {{"q_T", 0.0}, {"q_nk", 0.0}, {"q_treg", 0.0}, {"q_neu", 0.0},
                                 {"q_mon", 0.0}, {"q_eos", 0.0}, {"q_bas", 0.0}, {NULL, 0.0}};
    static const kv iso_small[] = {{"q_T", 0.0}, {"q_nk", 0.0}, {"q_treg", 0.0}, {"q_neu", 0.0},
                                   {"q_mon", 0.0}, {"q_eos", 0.0}, {"q_bas", 0.0},
                                   {"C_1", 1e8}, {"K_1", 2e8}, {NULL, 0.0}};
    static const kv small[] = {{"C_1", 1e8}, {"K_1", 2e8}, {NULL, 0.0}};
    double a[NMAX], b[NMAX];
    size_t n;
    run("tme", iso_big, NULL, 0.0, 90.0, a);
    run("tme", iso_small, NULL, 0.0, 90.0, b);
    its_test_rel(v(b, "C_2"), v(a, "C_2"), 1e-6,
                 "lesion 2 ignores lesion 1 when no cells traffic (only systemic coupling)");
    run("tme", none, NULL, 0.0, 90.0, a);
    run("tme", small, NULL, 0.0, 90.0, b);
    /* A 40x smaller lesion 1 draws fewer effector and innate cells from
     * blood, leaving more for lesion 2 (6.5 % smaller measured); 1e-4 is
     * 100x the integration noise of two runs at rtol 1e-8. */
    its_test_true(fabs(v(b, "C_2") / v(a, "C_2") - 1.0) > 1e-4,
                  "with systemic immunity lesion 1 affects lesion 2 (%.4g vs %.4g)", v(b, "C_2"), v(a, "C_2"));
    /* 29 states per lesion (24 until issue 12 added the clonal
     * composition: clone1-3 and escape shares, and MDSC) on top of the
     * systemic ones (their count grows with the model; tme@1 had 40). */
    const long n_sys = (long)M->n_states - 3 * 29;
    its_test_true(n_sys >= 40, "tme has %ld systemic states", n_sys);
    for (n = 1; n <= 8; n++) {
        char name[8];
        snprintf(name, sizeof name, "tme:%zu", n);
        its_test_true(its_model_find(name) != NULL &&
                          its_model_find(name)->n_states == M->n_states + (n - 3) * 29 &&
                          (long)n * 29 + n_sys == (long)its_model_find(name)->n_states &&
                          its_model_find(name)->n_inputs == 9 + 3 * n,
                      "%s has %zu lesions", name, n);
    }
}

/* The vascular module, with every immune flux off and Hahnfeldt's mouse
 * parameters in cells (1e6 cells per mm3), reproduces hahnfeldt1999. */
static void test_hahnfeldt_module(void)
{
    const its_model_def *hm = its_model_find("hahnfeldt1999");
    const double b = par_of("hahnfeldt1999", "b"), d = par_of("hahnfeldt1999", "d");
    /* K_max = (b/d)^(3/2) in mm3 x 1e6 cells/mm3: d in cells,
     * b/K_max^(2/3), is then Hahnfeldt's d x (1e-6)^(2/3). */
    const kv hf[] = {{"q_T", 0.0}, {"q_nk", 0.0}, {"q_treg", 0.0}, {"q_neu", 0.0},
                     {"q_mon", 0.0}, {"q_eos", 0.0}, {"q_bas", 0.0}, {"s_mc", 0.0},
                     {"lambda1", par_of("hahnfeldt1999", "lambda1")}, {"b_ang", b},
                     {"K_max", pow(b / d, 1.5) * 1e6}, {"rho", 1e9},
                     {"C_1", hm->states[its_model_state_index(hm, "V")].initial * 1e6},
                     {"K_1", hm->states[its_model_state_index(hm, "K")].initial * 1e6},
                     {NULL, 0.0}};
    double y[NMAX], want;
    its_sim *h = NULL;
    double hy[5];
    its_sim_create(hm, &h, NULL, 0);
    its_sim_set_history(h, 0);
    its_sim_run(h, 0.0, 19.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(h, hy);
    its_sim_free(h);
    run("tme", hf, NULL, 0.0, 19.0, y);
    want = hy[0];
    /* Same equations, two integrations at rtol 1e-8. */
    its_test_rel(v(y, "C_1") / 1e6, want, 1e-6, "tme vascular module = hahnfeldt1999 V(19 d) (mm3)");
    its_test_rel(want, 10604.0, 1e-3, "and that is Hahnfeldt's control curve (itsim validate H6)");
}

/* Dacarbazine 1,000 mg/m2 (1.85 m2) as a 1-h infusion on tme@1: its direct
 * Friberg effect (MTT_neu, default 89 h) puts the neutrophil nadir about a
 * week later (Friberg-type nadir near day 7-8, Friberg et al. 2002 with an
 * 89 h MTT), the count recovers, and the tumour is smaller than untreated.
 * A version-1 calibration: the revised tme acts on the marrow stem pool and
 * puts the nadir at the label's 3-4 weeks (tests/test_tme_tox.c). */
static void test_chemotherapy(void)
{
    its_sim *s = NULL;
    double umol, grid[301], y[NMAX], untreated[NMAX], nadir = INFINITY, t_nadir = 0.0;
    const its_patient pt = {70.0, 175.0, ITS_BSA_MOSTELLER};
    size_t k;
    const its_model_def *m1 = its_model_find("tme@1");
    int ineu = its_model_state_index(m1, "NEU_b");
    its_dose_amount(its_agent_find("dacarbazine"), "1000 mg/m2", &pt, "umol", &umol, NULL, 0);
    its_sim_create(m1, &s, NULL, 0);
    its_sim_add_infusion(s, "dacarbazine", 0.0, 1.0 / 24.0, umol * 24.0);
    for (k = 0; k <= 300; k++)
        grid[k] = 0.1 * (double)k;
    {
        rows_t r;
        memset(&r, 0, sizeof r);
        r.idx = ineu;
        its_sim_run(s, 0.0, 30.0, grid, 301, keep_min, &r);
        nadir = r.min;
        t_nadir = r.t_min;
    }
    its_sim_get_final_state(s, y);
    its_sim_free(s);
    run("tme@1", none, NULL, 0.0, 30.0, untreated);
    its_test_true(t_nadir > 5.0 && t_nadir < 10.0, "dacarbazine: neutrophil nadir on day %.1f (5-10)", t_nadir);
    /* Baseline neu0 V_blood; slope_dtic is calibrated (assumed) to a ~40 %
     * nadir per 1,000 mg/m2: 10 % below baseline is far outside integration
     * noise and well short of the calibrated depth. */
    its_test_true(nadir < 0.9 * par("neu0") * par("V_blood"),
                  "dacarbazine: nadir %.3g below baseline %.3g", nadir,
                  par("neu0") * par("V_blood"));
    its_test_true(y[ineu] > nadir, "dacarbazine: the count recovers after the nadir");
    {
        const int c1 = its_model_state_index(m1, "C_1"), c2 = its_model_state_index(m1, "C_2"),
                  c3 = its_model_state_index(m1, "C_3");
        const double tt = y[c1] + y[c2] + y[c3];
        const double tu = untreated[c1] + untreated[c2] + untreated[c3];
        its_test_true(tt < tu, "dacarbazine: tumour %.4g vs untreated %.4g", tt, tu);
    }
}

/* Peginterferon alfa-2b 6 ug/kg SC weekly (Sylatron label, 70 kg): at week
 * 8 Cmax 4.4 ng/mL (CV 51 %) and terminal t1/2 about 51 h (Sylatron
 * label). */
static void test_peginterferon(void)
{
    its_sim *s = NULL;
    const its_patient pt = {70.0, 175.0, ITS_BSA_MOSTELLER};
    double pmol, grid[801], y[NMAX];
    int i, ipeg = its_model_state_index(M, "PEG_b");
    rows_t mx;
    its_dose_amount(its_agent_find("peginterferon_alfa_2b"), "6 ug/kg", &pt, "pmol", &pmol, NULL, 0);
    its_sim_create(M, &s, NULL, 0);
    its_sim_set_history(s, 0);
    for (i = 0; i < 8; i++)
        its_sim_add_bolus(s, "peginterferon_sc", 7.0 * i, pmol);
    for (i = 0; i <= 800; i++)
        grid[i] = 49.0 + 0.01 * i; /* week 8: days 49-57 */
    memset(&mx, 0, sizeof mx);
    mx.idx = ipeg;
    its_sim_run(s, 0.0, 57.0, grid, 801, keep_max, &mx);
    its_sim_get_final_state(s, y);
    {
        /* pM x g/mol -> ng/mL */
        double cmax_ng_ml = mx.min * its_agent_find("peginterferon_alfa_2b")->mw * 1e-12 * 1e9 / 1e3;
        double k_el = its_agent_param(its_agent_find("peginterferon_alfa_2b"), "CL_F")->value /
                      its_agent_param(its_agent_find("peginterferon_alfa_2b"), "V_F")->value;
        its_test_true(cmax_ng_ml > 4.4 * 0.49 && cmax_ng_ml < 4.4 * 1.51,
                      "peginterferon week-8 Cmax %.2f ng/mL within the label's 4.4 (CV 51 %%)", cmax_ng_ml);
        /* terminal t1/2 from CL/V at the start (CL falls slowly, with time
         * constant T_CL_peg) */
        its_test_rel(log(2.0) / k_el * 24.0, 51.0, 0.15, "peginterferon t1/2 (h) vs label ~51 h");
    }
    {
        /* Peginterferon acts as IFN-alpha activity without feeding the free
         * IFN-alpha2b state (a first version drained it below zero). */
        its_stats st;
        its_sim_get_stats(s, &st);
        its_test_true(st.clip_restarts == 0 && fabs(v(y, "IFNa_b")) < 1e-3,
                      "peginterferon leaves free IFN-a2b alone (IFNa_b %.3g pM, %ld clipping restarts)",
                      v(y, "IFNa_b"), st.clip_restarts);
    }
    its_sim_free(s);
}

/* Issue 10: the initial state follows the parameters. With a 6 L blood
 * volume the blood pools and the marrow chain start at their set points for
 * 6 L (so blood does not drift at t = 0); a value set explicitly wins;
 * its_sim_reset restores the defaults. */
static void test_initial_follows_params(void)
{
    static const char *const pools[] = {"NEU_b", "MON_b", "EOS_b", "BAS_b", "NK_b", "nCD8_b",
                                        "nCD4_b", "Treg_b", "B_b", "NEU_prol", "NEU_tr1",
                                        "NEU_tr2", "NEU_tr3"};
    its_sim *s = NULL;
    double dy[NMAX], worst = 0.0;
    const double *y0;
    size_t i;
    int ineu = its_model_state_index(M, "NEU_b"), imon = its_model_state_index(M, "MON_b");
    int iprol = its_model_state_index(M, "NEU_prol");
    if (its_sim_create(M, &s, NULL, 0) != ITS_OK || its_sim_set_history(s, 0) != ITS_OK ||
        its_sim_set_param(s, "V_blood", 6.0) != ITS_OK) {
        its_test_true(0, "tme with V_blood = 6 L");
        its_sim_free(s);
        return;
    }
    y0 = its_sim_initial(s);
    its_test_rel(y0[ineu], par("neu0") * 6.0, 1e-15, "V_blood 6 L: NEU_b starts at neu0 x 6 L");
    its_test_rel(y0[iprol], par("d_neu") * par("neu0") * 6.0 * par("MTT_neu") / 4.0, 1e-15,
                 "V_blood 6 L: marrow chain at d_neu neu0 V_blood MTT_neu/4");
    M->rhs(0.0, y0, dy, its_sim_params(s), M->data);
    for (i = 0; i < sizeof pools / sizeof pools[0]; i++) {
        int k = its_model_state_index(M, pools[i]);
        double r = fabs(dy[k] / y0[k]);
        if (r > worst)
            worst = r;
    }
    /* Only recruitment into the lesions moves blood pools at t = 0: at most
     * the largest entry rate q of these pools (q_treg, default 2e-3/(mL d))
     * x 6 mL of lesions (4e9 + 1.5e9 + 5e8 cells at rho, default 1e9/mL),
     * the recruitment and room factors being below 1: 0.012/d. Starting at
     * the 5 L values instead, MON_b would move by d_mon/6 (0.115/d at the
     * default d_mon) and NEU_prol by 3 %/d. */
    {
        static const char *const q[] = {"q_neu", "q_mon", "q_eos", "q_bas", "q_nk", "q_treg"};
        double qmax = 0.0;
        for (i = 0; i < sizeof q / sizeof q[0]; i++)
            qmax = fmax(qmax, par(q[i]));
        its_test_true(worst < qmax * 6.0 && qmax * 6.0 < 0.05,
                      "V_blood 6 L: blood pools and marrow start at steady state "
                      "(largest relative rate %.3g/d < max q x 6 mL = %.3g/d)", worst, qmax * 6.0);
    }
    its_sim_set_initial(s, "NEU_b", 1e10);
    its_sim_set_param(s, "V_blood", 7.0);
    y0 = its_sim_initial(s);
    its_test_true(y0[ineu] == 1e10 && y0[imon] == par("mon0") * 7.0,
                  "an explicit initial value wins; the others follow V_blood (NEU_b %.4g, MON_b %.4g)",
                  y0[ineu], y0[imon]);
    its_sim_reset(s);
    y0 = its_sim_initial(s);
    its_test_true(y0[ineu] == M->states[ineu].initial && y0[imon] == M->states[imon].initial,
                  "its_sim_reset: every initial value back at the default");
    its_test_true(its_sim_set_param(s, "V_blood", 1e308) == ITS_ERANGE &&
                      its_sim_params(s)[its_model_param_index(M, "V_blood")] == par("V_blood") &&
                      strstr(its_sim_errmsg(s), "not finite") != NULL,
                  "a volume whose initial state overflows is refused and changes nothing (%s)",
                  its_sim_errmsg(s));
    its_sim_free(s);
}

int main(void)
{
    M = its_model_find("tme");
    its_test_true(M != NULL && M->n_states < NMAX, "tme registered (%zu states)", M ? M->n_states : 0);
    test_physiology();
    test_growth();
    mech1_neoantigens();
    mech2_ifna_immune();
    mech3_ifna_angiogenesis();
    mech4_il2();
    mech5_gmcsf();
    mech6_innate();
    mech7_humoral();
    mech8_checkpoint();
    mech9_toxicity();
    test_lesion_coupling();
    test_hahnfeldt_module();
    test_chemotherapy();
    test_peginterferon();
    test_initial_follows_params();
    return its_test_done();
}
