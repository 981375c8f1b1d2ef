/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim model depillis2009: de Pillis et al. (2009) chemo-immunotherapy model:
 * tumour, NK, CD8+, circulating lymphocytes, chemotherapy and IL-2. */
#include <math.h>

#include "model/model.h"

enum { T, N, L, C, M, I, NS };
enum { P_a, P_b, P_c, P_KT, P_dT, P_f, P_e, P_p, P_pN, P_gN, P_KN, P_dN,
       P_m, P_theta, P_q, P_r1, P_r2, P_pI, P_gI, P_u, P_kappa, P_j, P_k,
       P_KL, P_dL, P_alpha, P_beta, P_KC, P_dC, P_gamma, P_muI, P_omega,
       P_phi, P_zeta, P_d, P_l, P_s, NP };

#define D9 "de Pillis et al. 2009, Comput Math Methods Med 10:165; " \
           "BIOMD0000000779 and an independent python implementation agree"

static const its_state_def states[NS] = {
    [T] = {"T", "cell", 1e7, 0.0, "tumour cells"},
    [N] = {"N", "cell", 2.5e8, 0.0, "NK cells"},
    [L] = {"L", "cell", 5.268e5, 0.0, "tumour-specific CD8+ T cells"},
    [C] = {"C", "cell", 2.25e9, 0.0, "circulating lymphocytes"},
    [M] = {"M", "mg/L", 0.0, 0.0, "chemotherapy drug concentration (unit assumed: mg/L)"},
    [I] = {"I", "IU/L", 1073.0, 0.0, "IL-2 concentration"},
};

static const its_param_def params[NP] = {
    [P_a] = {"a", 0.431, "1/d", D_NN, "tumour growth rate", D9},
    [P_b] = {"b", 1.02e-9, "1/cell", D_NN, "inverse tumour carrying capacity", D9},
    [P_c] = {"c", 2.9077e-13, "1/(cell*d)", D_NN, "NK kill of tumour", D9},
    [P_KT] = {"KT", 0.9, "1/d", D_NN, "chemotherapy kill of tumour", D9},
    [P_dT] = {"dT", 1.8328, "L/mg", D_NN, "chemotherapy effect steepness on tumour", D9},
    [P_f] = {"f", 0.0125, "1/d", D_NN, "NK turnover rate", D9},
    [P_e] = {"e", 0.111, "1", D_FRAC, "NK fraction of circulating lymphocytes at equilibrium", D9},
    [P_p] = {"p", 2.794e-13, "1/(cell*d)", D_NN, "NK inactivation by tumour", D9},
    [P_pN] = {"pN", 0.068, "1/d", D_NN, "maximal IL-2-driven NK proliferation",
              "BIOMD0000000779 (curated); the python implementation has 0.0668"},
    [P_gN] = {"gN", 2.5036e5, "IU/L", D_POS, "half-saturation of IL-2 effect on NK", D9},
    [P_KN] = {"KN", 0.0675, "1/d", D_NN, "chemotherapy kill of NK", D9},
    [P_dN] = {"dN", 1.8328, "L/mg", D_NN, "chemotherapy effect steepness on NK", D9},
    [P_m] = {"m", 0.009, "1/d", D_NN, "CD8+ death rate without IL-2", D9},
    [P_theta] = {"theta", 2.5036e-3, "IU/L", D_POS, "IL-2 level that halves CD8+ death",
                 "BIOMD0000000779 defines theta but uses phi in the term (corrected)"},
    [P_q] = {"q", 3.422e-10, "1/(cell*d)", D_NN, "CD8+ inactivation by tumour", D9},
    [P_r1] = {"r1", 2.9077e-11, "1/(cell*d)", D_NN, "CD8+ stimulation by NK-tumour debris", D9},
    [P_r2] = {"r2", 5.8467e-13, "1/(cell*d)", D_NN, "CD8+ stimulation by lymphocyte-tumour encounters", D9},
    [P_pI] = {"pI", 2.971, "1/d", D_NN, "maximal IL-2-driven CD8+ proliferation", D9},
    [P_gI] = {"gI", 2503.6, "IU/L", D_POS, "half-saturation of IL-2 effect on CD8+", D9},
    [P_u] = {"u", 4.417e-14, "1/(cell2*d)", D_NN, "IL-2-dependent CD8+ self-regulation", D9},
    [P_kappa] = {"kappa", 2503.6, "IU/L", D_POS, "half-saturation of CD8+ self-regulation", D9},
    [P_j] = {"j", 0.01245, "1/d", D_NN, "maximal tumour-driven CD8+ recruitment", D9},
    [P_k] = {"k", 2.019e7, "cell", D_POS, "half-saturation of CD8+ recruitment", D9},
    [P_KL] = {"KL", 0.0486, "1/d", D_NN, "chemotherapy kill of CD8+", D9},
    [P_dL] = {"dL", 1.8328, "L/mg", D_NN, "chemotherapy effect steepness on CD8+", D9},
    [P_alpha] = {"alpha", 1.4175e7, "cell/d", D_NN, "production of circulating lymphocytes",
                 "derived: alpha/beta = 2.25e9 and beta = 0.0063 (" D9 ")"},
    [P_beta] = {"beta", 0.0063, "1/d", D_NN, "death rate of circulating lymphocytes", D9},
    [P_KC] = {"KC", 0.034, "1/d", D_NN, "chemotherapy kill of circulating lymphocytes", D9},
    [P_dC] = {"dC", 1.8328, "L/mg", D_NN, "chemotherapy effect steepness on lymphocytes", D9},
    [P_gamma] = {"gamma", 0.5199, "1/d", D_NN, "chemotherapy decay rate", D9},
    [P_muI] = {"muI", 11.7427, "1/d", D_NN, "IL-2 decay rate", D9},
    [P_omega] = {"omega", 0.07874, "1/d", D_NN, "maximal IL-2 production by CD8+ (per cell, IU/L)", D9},
    [P_phi] = {"phi", 2.38405e-7, "IU/(L*cell*d)", D_NN, "IL-2 production by circulating lymphocytes", D9},
    [P_zeta] = {"zeta", 2503.6, "IU/L", D_POS, "half-saturation of IL-2 production by CD8+", D9},
    [P_d] = {"d", 2.34, "1/d", D_NN, "saturation level of CD8+ kill (patient 9)",
             "python implementation of de Pillis 2009 (0 in BIOMD0000000779)"},
    [P_l] = {"l", 2.09, "1", D_POS, "exponent of the effector:target ratio (patient 9)",
             "python implementation of de Pillis 2009 (0 in BIOMD0000000779)"},
    [P_s] = {"s", 3.8e-3, "1", D_POS, "steepness of CD8+ kill (patient 9)",
             "python implementation of de Pillis 2009; the 2006 SBML has 8.39e-2 (not checked in the paper)"},
};

static const its_input_def inputs[] = {
    {"til", "L", 1.0, "cell", "tumour-infiltrating lymphocyte (TIL) infusion, vL", NULL},
    {"il2", "I", 1.0, "IU/L", "IL-2 administration, vI", NULL},
    {"chemo", "M", 1.0, "mg/L", "chemotherapy administration, vM", NULL},
};

static const its_param_value v_p9[] = {{"d", 2.34}, {"l", 2.09}, {"s", 3.8e-3}};
static const its_param_value v_p10[] = {{"d", 1.88}, {"l", 1.81}, {"s", 3.5e-2}};
static const its_param_set sets[] = {
    {"patient9", "human patient 9", "python implementation of de Pillis 2009", ITS__COUNT(v_p9), v_p9},
    {"patient10", "human patient 10 (single source)", "python implementation of de Pillis 2009",
     ITS__COUNT(v_p10), v_p10},
};

/* CD8 kill D*T = d L^l T / (s T^l + L^l) and its partial derivatives,
 * written with one power: with q = s (T/L)^l, D*T = d T/(1 + q). At L = 0
 * the kill is 0; at T = 0 it is 0 with slope d. */
static void cd8_kill(double tu, double lc, const double *p, double *dk,
                     double *dk_dt, double *dk_dl)
{
    double q, w;
    tu = fmax(tu, 0.0);
    lc = fmax(lc, 0.0);
    if (!(lc > 0.0)) {
        *dk = *dk_dt = *dk_dl = 0.0;
        return;
    }
    q = p[P_s] * pow(tu / lc, p[P_l]);
    if (!isfinite(q)) { /* L negligible against T */
        *dk = *dk_dt = *dk_dl = 0.0;
        return;
    }
    w = 1.0 / (1.0 + q);
    *dk = p[P_d] * tu * w;
    *dk_dt = p[P_d] * w * (1.0 - p[P_l] * q * w);
    *dk_dl = p[P_d] * (tu / lc) * p[P_l] * q * w * w;
}

static int rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    const double tu = y[T], nk = y[N], lc = y[L], cc = y[C], mm = y[M], il = y[I];
    double dk, dk_dt, dk_dl;
    (void)t;
    (void)data;
    cd8_kill(tu, lc, p, &dk, &dk_dt, &dk_dl);
    dy[T] = p[P_a] * tu * (1.0 - p[P_b] * tu) - p[P_c] * nk * tu - dk -
            p[P_KT] * (1.0 - exp(-p[P_dT] * mm)) * tu;
    dy[N] = p[P_f] * (p[P_e] * cc - nk) - p[P_p] * nk * tu +
            p[P_pN] * nk * il / (p[P_gN] + il) -
            p[P_KN] * (1.0 - exp(-p[P_dN] * mm)) * nk;
    dy[L] = -p[P_theta] * p[P_m] * lc / (p[P_theta] + il) +
            p[P_j] * tu * lc / (p[P_k] + tu) - p[P_q] * lc * tu +
            (p[P_r1] * nk + p[P_r2] * cc) * tu -
            p[P_u] * lc * lc * cc * il / (p[P_kappa] + il) -
            p[P_KL] * (1.0 - exp(-p[P_dL] * mm)) * lc +
            p[P_pI] * lc * il / (p[P_gI] + il);
    dy[C] = p[P_alpha] - p[P_beta] * cc - p[P_KC] * (1.0 - exp(-p[P_dC] * mm)) * cc;
    dy[M] = -p[P_gamma] * mm;
    dy[I] = -p[P_muI] * il + p[P_phi] * cc + p[P_omega] * lc * il / (p[P_zeta] + il);
    return 0;
}

#define J_(i, j) J[(i) + (size_t)(j) * ld]

static int jac(double t, const double *y, double *J, size_t ld, const double *p, const void *data)
{
    const double tu = y[T], nk = y[N], lc = y[L], cc = y[C], mm = y[M], il = y[I];
    const double xT = exp(-p[P_dT] * mm), xN = exp(-p[P_dN] * mm);
    const double xL = exp(-p[P_dL] * mm), xC = exp(-p[P_dC] * mm);
    const double thI = p[P_theta] + il, kT = p[P_k] + tu, kaI = p[P_kappa] + il;
    const double gII = p[P_gI] + il, gNI = p[P_gN] + il, zI = p[P_zeta] + il;
    double dk, dk_dt, dk_dl;
    (void)t;
    (void)data;
    cd8_kill(tu, lc, p, &dk, &dk_dt, &dk_dl);

    J_(T, T) = p[P_a] * (1.0 - 2.0 * p[P_b] * tu) - p[P_c] * nk - dk_dt -
               p[P_KT] * (1.0 - xT);
    J_(T, N) = -p[P_c] * tu;
    J_(T, L) = -dk_dl;
    J_(T, M) = -p[P_KT] * p[P_dT] * xT * tu;

    J_(N, T) = -p[P_p] * nk;
    J_(N, N) = -p[P_f] - p[P_p] * tu + p[P_pN] * il / gNI - p[P_KN] * (1.0 - xN);
    J_(N, C) = p[P_f] * p[P_e];
    J_(N, M) = -p[P_KN] * p[P_dN] * xN * nk;
    J_(N, I) = p[P_pN] * nk * p[P_gN] / (gNI * gNI);

    J_(L, T) = p[P_j] * lc * p[P_k] / (kT * kT) - p[P_q] * lc +
               p[P_r1] * nk + p[P_r2] * cc;
    J_(L, N) = p[P_r1] * tu;
    J_(L, L) = -p[P_theta] * p[P_m] / thI + p[P_j] * tu / kT - p[P_q] * tu -
               2.0 * p[P_u] * lc * cc * il / kaI - p[P_KL] * (1.0 - xL) +
               p[P_pI] * il / gII;
    J_(L, C) = p[P_r2] * tu - p[P_u] * lc * lc * il / kaI;
    J_(L, M) = -p[P_KL] * p[P_dL] * xL * lc;
    J_(L, I) = p[P_theta] * p[P_m] * lc / (thI * thI) -
               p[P_u] * lc * lc * cc * p[P_kappa] / (kaI * kaI) +
               p[P_pI] * lc * p[P_gI] / (gII * gII);

    J_(C, C) = -p[P_beta] - p[P_KC] * (1.0 - xC);
    J_(C, M) = -p[P_KC] * p[P_dC] * xC * cc;

    J_(M, M) = -p[P_gamma];

    J_(I, L) = p[P_omega] * il / zI;
    J_(I, C) = p[P_phi];
    J_(I, I) = -p[P_muI] + p[P_omega] * lc * p[P_zeta] / (zI * zI);
    return 0;
}

const its_model_def its__model_depillis2009 = {
    .version = ITS_MODEL_VERSION,
    .name = "depillis2009",
    .title = "de Pillis 2009: tumour, NK, CD8+, lymphocytes, chemotherapy and IL-2",
    .reference =
        "de Pillis LG et al. (2009) Mathematical model creation for cancer "
        "chemo-immunotherapy. Comput Math Methods Med 10:165-184",
    .time_unit = "d",
    .notes =
        "Corrections to public encodings: BIOMD0000000779 uses phi where theta "
        "belongs in the CD8+ turnover term (phi*m*L/(phi+I)); the python "
        "implementation gives that term a + sign (it is a loss). The form used "
        "here keeps theta in the turnover term and the loss sign; it could not be "
        "checked against the paper. The kill term is written "
        "d L^l T/(s T^l + L^l) to avoid 0/0 at T = 0.",
    .n_states = NS, .states = states,
    .n_params = NP, .params = params,
    .n_inputs = ITS__COUNT(inputs), .inputs = inputs,
    .n_sets = ITS__COUNT(sets), .sets = sets, .default_set = "patient9",
    .rhs = rhs, .jac = jac,
};
