/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: tme's T-cell expansion, bystanders and Tregs (issue 12,
 * items 2 and 4; docs/models/tme.md, "T-cell expansion, bystanders and
 * Tregs"). Priming depletes the tumour-specific precursors; the clonal
 * burst is bounded; bystander T and NK cells take part in IL-2's
 * expansion; lesion lymphoid density stays under its cap; HD IL-2 gives
 * lymphopenia during dosing and a rebound after, with several-fold NK;
 * lesion CD8:Treg at the grown baseline lies in the literature range and
 * the tumour responds to Treg entry. Every run starts from the grown
 * baseline (the pre-treatment history on). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "itsim/itsim.h"
#include "model/model.h"
#include "its_test.h"

#define NMAX 512

static const its_model_def *M;
static double P[NMAX];

typedef struct kv {
    const char *name;
    double value;
} kv;

static const kv none[] = {{NULL, 0.0}};

static int sidx(const char *name)
{
    return its_model_state_index(M, name);
}

/* What a run records on its grid. */
typedef struct trace {
    double t0;                  /* start of the arm (d); windows below are from it */
    int seen0;
    double alc0, nk0;           /* counts at t0 (1e9/L) */
    double alc_min_dosing;      /* lowest ALC in days 0.5-4 (1e9/L) */
    double alc_max_after;       /* highest ALC in days 4.5-9 */
    double nk_max;              /* highest circulating NK count (1e9/L) */
    double cd8_max;             /* highest tumour-specific CD8 in blood (cells) */
    double bys_max;             /* highest bystander T pool (cells) */
    double dens_ratio_max;      /* highest lesion lymphoid cells / cap */
} trace;

static int observe(double t, const double *y, size_t n, its_row_kind k, void *ud)
{
    trace *r = ud;
    double out[64];
    const int ialc = its_model_observable_index(M, "ALC"), ink = its_model_observable_index(M, "NK_count");
    const double *l = y + sidx("C_1");
    double lymph = 0.0, cap;
    const char *cells[] = {"NK_1", "CD8_1", "EX_1", "Th_1", "Treg_1"};
    size_t i;
    (void)n;
    (void)k;
    if (M->n_observables > 64 || M->observe(t, y, P, out, M->data) != 0 || ialc < 0 || ink < 0)
        return -1;
    if (t < r->t0)
        return 0;
    if (!r->seen0) {
        r->seen0 = 1;
        r->alc0 = out[ialc];
        r->nk0 = out[ink];
    }
    if (t - r->t0 >= 0.5 && t - r->t0 <= 4.0 && out[ialc] < r->alc_min_dosing)
        r->alc_min_dosing = out[ialc];
    if (t - r->t0 >= 4.5 && t - r->t0 <= 9.0 && out[ialc] > r->alc_max_after)
        r->alc_max_after = out[ialc];
    r->nk_max = fmax(r->nk_max, out[ink]);
    r->cd8_max = fmax(r->cd8_max, y[sidx("CD8_b")]);
    r->bys_max = fmax(r->bys_max, y[sidx("Tbys_b")]);
    for (i = 0; i < sizeof cells / sizeof cells[0]; i++)
        lymph += fmax(y[sidx(cells[i])], 0.0);
    cap = P[its_model_param_index(M, "f_imm_max")] * fmax(l[0], P[its_model_param_index(M, "C_min")]);
    r->dens_ratio_max = fmax(r->dens_ratio_max, lymph / cap);
    return 0;
}

enum { UNTREATED, HD_IL2, ANTI_PD1 };

/* A run of tme with parameter overrides and an arm from t_arm on: HD_IL2 gives the 14
 * doses of one HD IL-2 cycle (600,000 IU/kg for 70 kg, 167 nmol, each over
 * 15 min every 8 h, all given), ANTI_PD1 a constant anti-PD-1 infusion to a
 * ~100 nM steady state (rate 100 nM x CL_antipd1). Records on a 0.02-d
 * grid to t_end; final state in y. */
static int run_from(const kv *params, int arm, double t_arm, double t_end, trace *r, double *y)
{
    its_sim *s = NULL;
    its_status st;
    const kv *q;
    double *grid;
    size_t i, n = (size_t)(t_end / 0.02) + 1;
    memset(r, 0, sizeof *r);
    r->t0 = t_arm;
    r->alc_min_dosing = INFINITY;
    /* From the grown baseline (the pre-treatment history on: established
     * disease, its infiltrate and tumour-specific memory built with the
     * tumour). */
    if (its_sim_create(M, &s, NULL, 0) != ITS_OK || its_model_default_params(M, P, NULL, 0) != ITS_OK)
        return -1;
    for (q = params; q->name != NULL; q++) {
        its_sim_set_param(s, q->name, q->value);
        P[its_model_param_index(M, q->name)] = q->value;
    }
    if (arm == ANTI_PD1)
        its_sim_add_infusion(s, "antipd1", t_arm, INFINITY, 100.0 * P[its_model_param_index(M, "CL_antipd1")]);
    for (i = 0; arm == HD_IL2 && i < 14; i++)
        its_sim_add_infusion(s, "il2", t_arm + i / 3.0, 15.0 / 1440.0, 167e3 * 1440.0 / 15.0);
    grid = malloc(n * sizeof *grid);
    if (grid == NULL) {
        its_sim_free(s);
        return -1;
    }
    for (i = 0; i < n; i++)
        grid[i] = fmin(i * 0.02, t_end);
    if (t_end > 0.0)
        st = its_sim_run(s, 0.0, t_end, grid, n, observe, r);
    else /* the baseline itself */
        st = its_sim_get_baseline(s, y);
    if (st == ITS_OK && t_end > 0.0)
        st = its_sim_get_final_state(s, y);
    if (st != ITS_OK)
        printf("      run failed: %s\n", its_sim_errmsg(s));
    free(grid);
    its_sim_free(s);
    return st == ITS_OK ? 0 : -1;
}

static int run(const kv *params, int arm, double t_end, trace *r, double *y)
{
    return run_from(params, arm, 0.0, t_end, r, y);
}

static double v(const double *y, const char *name)
{
    return y[sidx(name)];
}

static double tumour(const double *y)
{
    return v(y, "C_1") + v(y, "C_2") + v(y, "C_3");
}

/* The cancer cells T cells can recognise: those without presentation loss. */
static double recognised(const double *y)
{
    return v(y, "C_1") * (1.0 - v(y, "escape_1")) + v(y, "C_2") * (1.0 - v(y, "escape_2")) +
           v(y, "C_3") * (1.0 - v(y, "escape_3"));
}

/* Priming draws the precursors down; without mature DC in the node
 * (k_mig = 0) they stay. */
static void test_precursors(void)
{
    static const kv no_dc[] = {{"k_mig", 0.0}, {NULL, 0.0}};
    double a[NMAX], b[NMAX];
    trace r;
    run(none, UNTREATED, 30.0, &r, a);
    run(no_dc, UNTREATED, 30.0, &r, b);
    /* Naive activation k_act_cd8 h_dc help ~ 20-40/d once DC reach the
     * node, against renewal 2.9e-4/d: the share left is ~1e-5 (1.3e-5
     * measured on day 30). 1e-2 leaves a wide margin; without DC it stays
     * at 1 to round-off. */
    its_test_true(v(a, "prec8") < 1e-2 && v(a, "prec4") < 1e-2,
                  "priming depletes the precursors: prec8 %.3g, prec4 %.3g on day 30", v(a, "prec8"),
                  v(a, "prec4"));
    its_test_true(fabs(v(b, "prec8") - 1.0) < 1e-6 && v(b, "mCD8_b") == 0.0,
                  "without DC the precursors stay (prec8 %.9g) and no memory forms", v(b, "prec8"));
}

/* One HD IL-2 cycle against untreated, from the grown baseline
 * (established disease: infiltrate and tumour-specific memory built during
 * the pre-treatment history): blood counts, the bounded burst, the
 * bystanders, the lesion density cap. */
static void test_hd_il2(void)
{
    static const kv no_bys[] = {{"p_bys_il2", 0.0}, {NULL, 0.0}};
    double a[NMAX], b[NMAX];
    trace u, h, nb;
    run(none, UNTREATED, 12.0, &u, a);
    run(no_bys, HD_IL2, 12.0, &nb, b);
    run(none, HD_IL2, 12.0, &h, b);
    /* MacFarlane et al. 1995 (Cancer 75:1030): 93 % of blood lymphocytes
     * cleared within 24 h of starting HD IL-2 (ALC 0.07x). The margination
     * law holds 91-92 % out while IL-2 is given (0.078x measured): <= 0.3x
     * accepts any marked lymphopenia. */
    its_test_true(h.alc_min_dosing < 0.3 * h.alc0, "lymphopenia during dosing: ALC %.3g vs baseline %.3g",
                  h.alc_min_dosing, h.alc0);
    /* Rebound to a mean 198 % of baseline on day 4 after treatment
     * (MacFarlane 1995); accept 1.3-4x within 4.5-9 d (1.92x measured). */
    its_test_true(h.alc_max_after > 1.3 * h.alc0 && h.alc_max_after < 4.0 * h.alc0,
                  "rebound lymphocytosis after the cycle: ALC %.3g (x%.2f)", h.alc_max_after,
                  h.alc_max_after / h.alc0);
    /* NK: +154 to +530 % on daily low-dose IL-2 (Meropol et al. 1996, Clin
     * Cancer Res 2:669), 2-16-fold lymphocyte expansion on continuous IL-2
     * (Lotze et al. 1985, J Immunol 135:2865): accept 2-8x (3.2x measured). */
    its_test_true(h.nk_max > 2.0 * h.nk0 && h.nk_max < 8.0 * h.nk0, "NK expand x%.2f (2-8)", h.nk_max / h.nk0);
    /* Bounded burst: tumour-specific CD8 in blood stay below 44 % of a
     * blood CD8 count of 0.8e9/L (naive 0.505e9/L plus half of the
     * bystanders), the largest single-epitope share seen in an acute human
     * response (Callan et al. 1998, J Exp Med 187:1395, EBV); and IL-2
     * raises them over untreated. Measured: 6.1e8 (a third of the
     * ceiling), 8x the untreated 7.6e7; 3.1e9 with mem_cap 100, the memory
     * the history fills being twice as large. */
    its_test_true(h.cd8_max < 0.44 * 0.8e9 * P[its_model_param_index(M, "V_blood")] &&
                      h.cd8_max > 1.5 * u.cd8_max,
                  "bounded expansion: peak tumour-specific CD8 %.3g (untreated %.3g)", h.cd8_max, u.cd8_max);
    /* The bystanders take part in the expansion, and carry the rebound. */
    its_test_true(h.bys_max > 1.5 * P[its_model_param_index(M, "bys0")] * P[its_model_param_index(M, "V_blood")] &&
                      h.bys_max - P[its_model_param_index(M, "bys0")] * P[its_model_param_index(M, "V_blood")] >
                          h.cd8_max,
                  "bystanders expand (peak %.3g) more than tumour-specific CD8 (%.3g)", h.bys_max, h.cd8_max);
    its_test_true(nb.alc_max_after < h.alc_max_after - 0.3 * h.alc0,
                  "without bystander expansion the rebound is smaller: ALC %.3g vs %.3g", nb.alc_max_after,
                  h.alc_max_after);
    /* Lesion lymphoid cells never exceed f_imm_max per tumour cell (entry
     * and expansion stop at the cap; 1e-6 is round-off). */
    its_test_true(h.dens_ratio_max <= 1.0 + 1e-6 && u.dens_ratio_max <= 1.0 + 1e-6,
                  "lesion lymphoid density at most the cap (%.3g, untreated %.3g of it)", h.dens_ratio_max,
                  u.dens_ratio_max);
    {
        /* A cap that binds (f_imm_max 100x lower): the density reaches it
         * and stays at or under it (1e-6 is round-off). */
        static const kv tight[] = {{"f_imm_max", 0.005}, {NULL, 0.0}};
        run(tight, HD_IL2, 12.0, &h, b);
        its_test_true(h.dens_ratio_max > 0.9 && h.dens_ratio_max <= 1.0 + 1e-6,
                      "a binding cap holds: lesion lymphoid density %.9g of the cap", h.dens_ratio_max);
    }
}

/* CD8:Treg at the grown baseline, and the tumour's response to Treg
 * entry. */
static void test_tregs(void)
{
    static const kv half[] = {{"q_treg", 1e-3}, {NULL, 0.0}};
    static const kv twice[] = {{"q_treg", 4e-3}, {NULL, 0.0}};
    double a[NMAX], lo[NMAX], hi[NMAX];
    trace r;
    run(none, UNTREATED, 0.0, &r, a);
    /* Lesion CD8:Treg of 5-10 (the range named in issue 12; high
     * intraepithelial CD8/Treg ratios go with survival in ovarian cancer,
     * Sato et al. 2005, PNAS 102:18538): 7.4 measured in the largest lesion
     * of the grown baseline (the infiltrate the history built), effector
     * CD8 as before; with the exhausted CD8, which immunohistochemistry
     * counts too, 13.9 (printed; docs/models/tme.md, open point). */
    its_test_true(v(a, "CD8_1") / v(a, "Treg_1") >= 5.0 && v(a, "CD8_1") / v(a, "Treg_1") <= 10.0,
                  "lesion CD8:Treg at the grown baseline %.3g (5-10; %.3g with exhausted CD8)",
                  v(a, "CD8_1") / v(a, "Treg_1"), (v(a, "CD8_1") + v(a, "EX_1")) / v(a, "Treg_1"));
    /* Under anti-PD-1 CD8 killing drives the outcome, and suppression
     * CD8/(CD8 + K_T_Treg Treg) falls with Treg entry (which also sets the
     * baseline the history grows). Measured on day 84 of constant anti-PD-1
     * with half / default / twice the Treg entry: the recognised cancer
     * cells (without presentation loss: the escape cells regrow on their
     * own clock, and with half the Treg entry they already dominate the
     * tumour by day 84), 233 / 7.1e6 / 2.6e9 (all cancer cells 1.5e8 /
     * 9.3e7 / 2.6e9). Each doubling must raise them by more than 20 %. */
    run(half, ANTI_PD1, 84.0, &r, lo);
    run(none, ANTI_PD1, 84.0, &r, a);
    run(twice, ANTI_PD1, 84.0, &r, hi);
    its_test_true(recognised(a) > 1.2 * recognised(lo) && recognised(hi) > 1.2 * recognised(a),
                  "Tregs matter under anti-PD-1: recognised cancer cells on day 84 with half / "
                  "default / twice Treg entry %.4g / %.4g / %.4g (all cancer cells %.4g / %.4g / "
                  "%.4g)", recognised(lo), recognised(a), recognised(hi), tumour(lo), tumour(a),
                  tumour(hi));
}

int main(void)
{
    M = its_model_find("tme");
    its_test_true(M != NULL && M->n_states < NMAX && M->n_params < NMAX, "tme registered");
    if (M == NULL)
        return its_test_done();
    {
        static const char *const need[] = {"prec8", "prec4", "mCD8_b", "Tbys_b", "marg", "CD8_b", "C_1",
                                           "NK_1", "CD8_1", "EX_1", "Th_1", "Treg_1"};
        size_t i;
        int ok = its_model_observable_index(M, "ALC") >= 0 && its_model_observable_index(M, "NK_count") >= 0;
        for (i = 0; i < sizeof need / sizeof need[0]; i++)
            ok = ok && sidx(need[i]) >= 0;
        if (!its_test_true(ok, "tme has the expansion states and the ALC and NK_count observables"))
            return its_test_done();
    }
    test_precursors();
    test_hd_il2();
    test_tregs();
    return its_test_done();
}
