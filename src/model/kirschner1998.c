/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim model kirschner1998: Kirschner & Panetta (1998) effector cells,
 * tumour cells and IL-2, with adoptive-cell (s1) and IL-2 (s2) therapy. */
#include "model/model.h"

enum { E, T, IL, NS };
enum { P_c, P_mu2, P_p1, P_g1, P_r2, P_b, P_a, P_g2, P_p2, P_g3, P_mu3,
       P_s1, P_s2, NP };

#define KP "Kirschner & Panetta 1998, J Math Biol 37:235; BIOMD0000000732; " \
           "Caravagna et al. 2010 J Theor Biol 265:336, Table 1"

static const its_state_def states[NS] = {
    [E] = {"E", "cell", 0.0, 0.0, "activated effector cells"},
    [T] = {"T", "cell", 1.0, 0.0, "tumour cells"},
    [IL] = {"IL", "au", 0.0, 0.0,
            "IL-2 concentration in the tumour site (KP's arbitrary unit)"},
};

static const its_param_def params[NP] = {
    [P_c] = {"c", 0.035, "1/d", D_NN, "tumour antigenicity: effector recruitment per tumour cell",
             "BioModels BIOMD0000000732 default; Kirschner & Panetta vary c over 0-0.05 (range as restated by later papers, not checked in the 1998 text)"},
    [P_mu2] = {"mu2", 0.03, "1/d", D_NN, "effector death rate", KP},
    [P_p1] = {"p1", 0.1245, "1/d", D_NN, "maximal IL-2-driven effector proliferation", KP},
    [P_g1] = {"g1", 2e7, "au", D_POS, "half-saturation of IL-2 effect on effectors", KP},
    [P_r2] = {"r2", 0.18, "1/d", D_NN, "tumour growth rate", KP},
    [P_b] = {"b", 1e-9, "1/cell", D_NN, "inverse tumour carrying capacity", KP},
    [P_a] = {"a", 1.0, "1/d", D_NN, "maximal tumour kill rate by effectors", KP},
    [P_g2] = {"g2", 1e5, "cell", D_POS, "half-saturation of tumour kill", KP},
    [P_p2] = {"p2", 5.0, "au/(cell*d)", D_NN, "IL-2 production by effectors in contact with tumour", KP},
    [P_g3] = {"g3", 1e3, "cell", D_POS, "half-saturation of IL-2 production", KP},
    [P_mu3] = {"mu3", 10.0, "1/d", D_NN, "IL-2 decay rate", KP},
    [P_s1] = {"s1", 0.0, "cell/d", D_NN, "constant adoptive cellular immunotherapy (ACI) rate",
              "KP 1998 (baseline 0; Caravagna 2010 Fig. 10 uses 5400)"},
    [P_s2] = {"s2", 0.0, "au/d", D_NN, "constant IL-2 infusion rate", "KP 1998 (baseline 0)"},
};

static const its_input_def inputs[] = {
    {"s1", "E", 1.0, "cell", "adoptive transfer of effector cells (LAK/TIL), adds to the constant s1", NULL},
    {"s2", "IL", 1.0, "au", "IL-2 administration, adds to the constant s2", NULL},
};

static int rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    const double e = y[E], tu = y[T], il = y[IL];
    (void)t;
    (void)data;
    dy[E] = p[P_c] * tu - p[P_mu2] * e + p[P_p1] * e * il / (p[P_g1] + il) + p[P_s1];
    dy[T] = p[P_r2] * tu * (1.0 - p[P_b] * tu) - p[P_a] * e * tu / (p[P_g2] + tu);
    dy[IL] = p[P_p2] * e * tu / (p[P_g3] + tu) - p[P_mu3] * il + p[P_s2];
    return 0;
}

#define J_(i, j) J[(i) + (size_t)(j) * ld]

static int jac(double t, const double *y, double *J, size_t ld, const double *p, const void *data)
{
    const double e = y[E], tu = y[T], il = y[IL];
    const double g1il = p[P_g1] + il, g2t = p[P_g2] + tu, g3t = p[P_g3] + tu;
    (void)t;
    (void)data;
    J_(E, E) = -p[P_mu2] + p[P_p1] * il / g1il;
    J_(E, T) = p[P_c];
    J_(E, IL) = p[P_p1] * e * p[P_g1] / (g1il * g1il);
    J_(T, E) = -p[P_a] * tu / g2t;
    J_(T, T) = p[P_r2] * (1.0 - 2.0 * p[P_b] * tu) - p[P_a] * e * p[P_g2] / (g2t * g2t);
    J_(IL, E) = p[P_p2] * tu / g3t;
    J_(IL, T) = p[P_p2] * e * p[P_g3] / (g3t * g3t);
    J_(IL, IL) = -p[P_mu3];
    return 0;
}

const its_model_def its__model_kirschner1998 = {
    .version = ITS_MODEL_VERSION,
    .name = "kirschner1998",
    .title = "Kirschner-Panetta: effector cells, tumour and IL-2",
    .reference =
        "Kirschner D, Panetta JC (1998) Modeling immunotherapy of the tumor-immune "
        "interaction. J Math Biol 37:235-252",
    .time_unit = "d",
    .notes =
        "Correction: BIOMD0000000732 encodes the IL-2 proliferation term as "
        "p1*E*IL/g1 (no +IL in the denominator) and BIOMD0000000912 as "
        "p1*I/(g1*I); itsim uses the published p1*E*IL/(g1+IL). For small c the "
        "first immune spike drives T to absurdly small values (log10 T ~ -5600): "
        "relapse timing is then set by tolerances; use its_sim_set_floor (e.g. "
        "T < 1 cell means eradicated) if relapse matters.",
    .n_states = NS, .states = states,
    .n_params = NP, .params = params,
    .n_inputs = ITS__COUNT(inputs), .inputs = inputs,
    .rhs = rhs, .jac = jac,
};
