/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: tme at vanishing lesion volumes (issue 12, item 9). Every
 * lesion of the default patient without presentation loss (p_hla_loss 0)
 * is eradicated under pembrolizumab; its
 * cytokines must stay below the ceiling the dilution volume guarantees
 * (docs/models/tme.md, lesion_read: cytokines are diluted in the volume of
 * every cell of the lesion, 1/rho each) and change smoothly while the cancer
 * cells vanish: no concentration spike as the lesion collapses. */
#include <math.h>
#include <stdio.h>

#include "itsim/itsim.h"
#include "its_test.h"

#define NLES 3
#define NCYT 4
#define DT 0.25        /* output grid (d) */
#define NGRID 961      /* T_END / DT + 1 */
#define T_END 240.0
#define T_RISE 14.0    /* rises counted after the first 2 weeks (the
                          infiltrate builds from 0 before) */

static const char *const cyt[NCYT] = {"IL2", "IFNg", "GM", "IFNa"};

/* What the observer tracks: per lesion and cytokine the state index, the
 * maximum, the last grid value and the largest rise between two grid rows
 * (ratio, counted above 1e-3 pM); the blood maxima; non-finite values. */
typedef struct track {
    int il[NLES][NCYT], ib[NCYT], ic[NLES];
    double max[NLES][NCYT], last[NLES][NCYT], jump[NLES][NCYT], bmax[NCYT];
    double t_gone[NLES]; /* first grid time with C_k = 0 */
    int bad;
} track;

static int observe(double t, const double *y, size_t n, its_row_kind kind, void *user)
{
    track *k = user;
    int j, c;
    (void)n;
    for (c = 0; c < NCYT; c++)
        k->bmax[c] = fmax(k->bmax[c], y[k->ib[c]]);
    for (j = 0; j < NLES; j++) {
        if (kind == ITS_ROW_GRID && y[k->ic[j]] == 0.0 && !(k->t_gone[j] >= 0.0))
            k->t_gone[j] = t;
        for (c = 0; c < NCYT; c++) {
            const double x = y[k->il[j][c]];
            k->bad += !isfinite(x);
            k->max[j][c] = fmax(k->max[j][c], x);
            if (kind != ITS_ROW_GRID)
                continue;
            if (k->last[j][c] > 1e-3 && t > T_RISE)
                k->jump[j][c] = fmax(k->jump[j][c], x / k->last[j][c]);
            k->last[j][c] = x;
        }
    }
    return 0;
}

static double par(its_sim *s, const char *name)
{
    double v = NAN;
    its_sim_get_param(s, name, &v);
    return v;
}

/* The ceiling c_max of a lesion cytokine (docs/models/tme.md, "The volume
 * cytokines are diluted in"): secretion per litre of lesion at full tissue
 * density (rho cells/mL, every cell secreting at the largest per-cell rate
 * smax) plus the exchange with blood at its maximum, over exchange plus
 * decay. */
static double ceiling(its_sim *s, double smax, double deg, double bmax)
{
    const double kx = par(s, "k_exchange");
    return (smax * par(s, "rho") * 1000.0 + kx * bmax) / (kx + deg);
}

int main(void)
{
    const its_model_def *m = its_model_find("tme");
    its_sim *s = NULL;
    static double grid[NGRID];
    static track k;
    char name[32];
    double t, top[NCYT];
    size_t i;
    int j, c, ok = 1;
    /* the default patient from the grown baseline (history on) but
     * without presentation loss (p_hla_loss 0, in its documented domain
     * [0, 1]): with it, escape clones keep every lesion alive and regrow
     * (issue 12 item 6); the collapse to empty lesions is what is tested */
    if (!its_test_true(m && its_sim_create(m, &s, NULL, 0) == ITS_OK &&
                           its_sim_set_param(s, "p_hla_loss", 0.0) == ITS_OK,
                       "tme handle"))
        return its_test_done();
    for (i = 0; i < sizeof grid / sizeof grid[0]; i++)
        grid[i] = DT * (double)i;
    for (t = 0.0; t < T_END; t += 21.0) /* pembrolizumab 200 mg q3w (1370 nmol) */
        its_sim_add_bolus(s, "antipd1", t, 1370.0);
    for (c = 0; c < NCYT; c++) {
        snprintf(name, sizeof name, "%s_b", cyt[c]);
        k.ib[c] = its_model_state_index(m, name);
        for (j = 0; j < NLES; j++) {
            snprintf(name, sizeof name, "%s_%d", cyt[c], j + 1);
            k.il[j][c] = its_model_state_index(m, name);
            snprintf(name, sizeof name, "C_%d", j + 1);
            k.ic[j] = its_model_state_index(m, name);
            k.t_gone[j] = -1.0;
            ok &= k.il[j][c] >= 0 && k.ic[j] >= 0;
        }
        ok &= k.ib[c] >= 0;
    }
    if (!its_test_true(ok, "states found") ||
        !its_test_true(its_sim_run(s, 0.0, T_END, grid, sizeof grid / sizeof grid[0], observe,
                                   &k) == ITS_OK, "pembrolizumab for 240 d: %s", its_sim_errmsg(s))) {
        its_sim_free(s);
        return its_test_done();
    }
    /* every lesion is eradicated (days 117-118 measured), so the run covers
     * the collapse and ~4 months of an empty lesion; by day 180 asks for at
     * least 2 months */
    for (j = 0; j < NLES; j++)
        its_test_true(k.t_gone[j] > 0.0 && k.t_gone[j] < 180.0,
                      "lesion %d eradicated on day %.2f", j + 1, k.t_gone[j]);
    its_test_true(k.bad == 0, "every lesion cytokine finite (%d not)", k.bad);
    top[0] = ceiling(s, 0.0, par(s, "deg_il2_tissue"), k.bmax[0]);
    top[1] = ceiling(s, par(s, "s_ifng") * fmax(1.0, fmax(par(s, "r_th_ifng"), par(s, "r_nk_ifng"))),
                     par(s, "deg_ifng"), k.bmax[1]);
    top[2] = ceiling(s, par(s, "s_gm"), par(s, "deg_gm"), k.bmax[2]);
    top[3] = ceiling(s, par(s, "s_ifna"), par(s, "deg_ifna"), k.bmax[3]);
    /* Bound: the ceiling itself (1e-9 relative for round-off). Smoothness:
     * as the lesion collapses IFN-gamma and GM-CSF rise over weeks (the
     * T cells stay while the cancer cells vanish; 1.02x per 6 h at most
     * measured from the grown baseline, 1.07x from the naive lesion); a spike from a vanishing volume would be orders of
     * magnitude within a step. 1.5x per 6 h is the line. */
    for (j = 0; j < NLES; j++)
        for (c = 0; c < NCYT; c++) {
            its_test_true(k.max[j][c] <= top[c] * (1.0 + 1e-9),
                          "%s_%d: max %.4g pM <= ceiling %.4g pM", cyt[c], j + 1, k.max[j][c],
                          top[c]);
            its_test_true(k.jump[j][c] < 1.5, "%s_%d: largest rise per %.2f d x%.3f (< 1.5)",
                          cyt[c], j + 1, DT, k.jump[j][c]);
        }
    its_sim_free(s);
    return its_test_done();
}
