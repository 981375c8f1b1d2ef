/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim model depillis2005: de Pillis, Radunskaya & Wiseman (2005) tumour,
 * NK and CD8+ T cells with ratio-dependent CD8 kill; mouse arms and patients. */
#include <math.h>

#include "model/model.h"

enum { T, N, L, NS };
enum { P_a, P_b, P_c, P_sigma, P_f, P_g, P_h, P_p, P_m, P_j, P_k, P_q, P_r,
       P_d, P_lambda, P_s, NP };

#define DP "de Pillis et al. 2005, Cancer Res 65:7950, as encoded in BioModels " \
           "MODEL1907260001 (nn) and two independent implementations that agree " \
           "(github S-Ng/Immune-Response-to-Tumor-Growth, an-do/MeFAST); paper text not read"

static const its_state_def states[NS] = {
    [T] = {"T", "cell", 1e4, 0.0, "tumour cells"},
    [N] = {"N", "cell", 3.1553398058252427e5, 0.0,
           "NK cells (default: tumour-free equilibrium sigma/f)"},
    [L] = {"L", "cell", 0.0, 0.0, "tumour-specific CD8+ T cells"},
};

static const its_param_def params[NP] = {
    [P_a] = {"a", 0.514, "1/d", D_NN, "tumour growth rate", DP},
    [P_b] = {"b", 1.02e-9, "1/cell", D_NN, "inverse tumour carrying capacity", DP},
    [P_c] = {"c", 3.23e-7, "1/(cell*d)", D_NN, "NK kill of tumour (non-ligand tumour)", DP},
    [P_sigma] = {"sigma", 1.3e4, "cell/d", D_NN, "constant NK source", DP},
    [P_f] = {"f", 0.0412, "1/d", D_NN, "NK death rate", DP},
    [P_g] = {"g", 0.025, "1/d", D_NN, "maximal NK recruitment by tumour (non-ligand)", DP},
    [P_h] = {"h", 2.02e7, "cell2", D_POS, "NK recruitment steepness", DP},
    [P_p] = {"p", 1e-7, "1/(cell*d)", D_NN, "NK inactivation by tumour", DP},
    [P_m] = {"m", 0.02, "1/d", D_NN, "CD8+ death rate", DP},
    [P_j] = {"j", 0.0375, "1/d", D_NN, "maximal CD8+ recruitment (nn, nl)", DP},
    [P_k] = {"k", 2.02e7, "cell2", D_POS, "CD8+ recruitment steepness", DP},
    [P_q] = {"q", 3.42e-10, "1/(cell*d)", D_NN, "CD8+ inactivation by tumour", DP},
    [P_r] = {"r", 1.1e-7, "1/(cell*d)", D_NN, "CD8+ stimulation by NK-tumour debris", DP},
    [P_d] = {"d", 1.43, "1/d", D_NN, "saturation level of CD8+ kill (nn)", DP},
    [P_lambda] = {"lambda", 0.58, "1", D_POS, "exponent of the effector:target ratio (nn)", DP},
    [P_s] = {"s", 2.73, "1", D_POS, "steepness of CD8+ kill (nn)", DP},
};

#define SNG "S-Ng/Immune-Response-to-Tumor-Growth and an-do/MeFAST (d, lambda, s)"
#define SNG_LIG "ligand-case c as quoted by de Pillis et al. 2008, J Biol Syst 16:51 and MeFAST; " \
                "g and j from S-Ng only (MeFAST differs; could not be checked in the paper)"

static const its_param_value v_nn[] = {{"d", 1.43}, {"lambda", 0.58}, {"s", 2.73}};
static const its_param_value v_nl[] = {{"d", 3.60}, {"lambda", 0.46}, {"s", 1.61}};
static const its_param_value v_ln[] = {{"c", 3.5e-6}, {"g", 0.2}, {"j", 0.113},
                                       {"d", 3.51}, {"lambda", 0.90}, {"s", 5.07}};
static const its_param_value v_ll[] = {{"c", 3.5e-6}, {"g", 0.2}, {"j", 0.30},
                                       {"d", 7.17}, {"lambda", 0.75}, {"s", 0.40}};
static const its_param_value v_p9[] = {{"d", 5.80}, {"lambda", 1.36}, {"s", 0.25}};
static const its_param_value v_p10[] = {{"d", 4.23}, {"lambda", 1.43}, {"s", 0.36}};

static const its_param_set sets[] = {
    {"nn", "mouse, non-ligand tumour (Diefenbach et al. 2001 arm)", DP, ITS__COUNT(v_nn), v_nn},
    {"nl", "mouse arm nl (which Diefenbach experiment the letters name is not certain)", SNG, ITS__COUNT(v_nl), v_nl},
    {"ln", "mouse arm ln, NKG2D-ligand tumour", SNG_LIG, ITS__COUNT(v_ln), v_ln},
    {"ll", "mouse arm ll, NKG2D-ligand tumour", SNG_LIG, ITS__COUNT(v_ll), v_ll},
    {"patient9", "human, Dudley et al. 2002 patient 9", SNG, ITS__COUNT(v_p9), v_p9},
    {"patient10", "human, Dudley et al. 2002 patient 10 (single source)",
     "S-Ng only (single source)", ITS__COUNT(v_p10), v_p10},
};

/* D*T written as d L^l T / (s T^l + L^l) (the MeFAST form): no 0/0 as T -> 0. */
static double cd8_kill(double tu, double l, const double *p)
{
    double tl, ll, den;
    tu = fmax(tu, 0.0);
    l = fmax(l, 0.0);
    tl = pow(tu, p[P_lambda]);
    ll = pow(l, p[P_lambda]);
    den = p[P_s] * tl + ll;
    return den > 0.0 ? p[P_d] * ll * tu / den : 0.0;
}

static int rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    const double tu = y[T], nk = y[N], l = y[L];
    const double dk = cd8_kill(tu, l, p), dk2 = dk * dk, t2 = tu * tu;
    (void)t;
    (void)data;
    dy[T] = p[P_a] * tu * (1.0 - p[P_b] * tu) - p[P_c] * nk * tu - dk;
    dy[N] = p[P_sigma] - p[P_f] * nk + p[P_g] * t2 / (p[P_h] + t2) * nk -
            p[P_p] * nk * tu;
    dy[L] = -p[P_m] * l + p[P_j] * dk2 / (p[P_k] + dk2) * l - p[P_q] * l * tu +
            p[P_r] * nk * tu;
    return 0;
}

const its_model_def its__model_depillis2005 = {
    .version = ITS_MODEL_VERSION,
    .name = "depillis2005",
    .title = "de Pillis 2005: tumour, NK and CD8+ T cells",
    .reference =
        "de Pillis LG, Radunskaya AE, Wiseman CL (2005) A validated mathematical "
        "model of cell-mediated immune response to tumor growth. Cancer Res "
        "65:7950-7958",
    .time_unit = "d",
    .notes =
        "The 2005 paper's initial conditions are not published (independent "
        "replicators); defaults here are T = 1e4 and the tumour-free NK level. "
        "Ligand-arm g and j conflict between implementations and could not be checked in the paper. "
        "S-Ng's human c = 3.23e-1 is a typo for 3.23e-7 (MeFAST, JBS2008).",
    .n_states = NS, .states = states,
    .n_params = NP, .params = params,
    .n_sets = ITS__COUNT(sets), .sets = sets, .default_set = "nn",
    .rhs = rhs,
};
