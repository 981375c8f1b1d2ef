/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim model kuznetsov1994: Kuznetsov, Makalkin, Taylor & Perelson (1994)
 * reduced effector-tumour model (BCL1 lymphoma), dimensional form. */
#include "model/model.h"

enum { E, T, NS };
enum { P_s, P_p, P_g, P_m, P_d, P_a, P_b, P_n, NP };

#define KZ "Kuznetsov et al. 1994, Bull Math Biol 56:295, as encoded in BioModels " \
           "BIOMD0000000762 (paper text not read); the non-dimensional values of an " \
           "independent course implementation (Universite Lyon 1) agree"

static const its_state_def states[NS] = {
    [E] = {"E", "cell", 3.2e5, 0.0, "effector (cytotoxic) cells"},
    [T] = {"T", "cell", 5e6, 0.0, "tumour cells"},
};

static const its_param_def params[NP] = {
    [P_s] = {"s", 1.3e4, "cell/d", D_NN, "normal effector influx", KZ},
    [P_p] = {"p", 0.1245, "1/d", D_NN, "maximal tumour-stimulated effector proliferation", KZ},
    [P_g] = {"g", 2.019e7, "cell", D_POS, "half-saturation of effector stimulation", KZ},
    [P_m] = {"m", 3.422e-10, "1/(cell*d)", D_NN, "effector inactivation by tumour", KZ},
    [P_d] = {"d", 0.0412, "1/d", D_NN, "effector death rate", KZ},
    [P_a] = {"a", 0.18, "1/d", D_NN, "maximal tumour growth rate", KZ},
    [P_b] = {"b", 2.0e-9, "1/cell", D_NN, "inverse tumour carrying capacity", KZ},
    [P_n] = {"n", 1.101e-7, "1/(cell*d)", D_NN, "tumour kill by effectors", KZ},
};

static const its_input_def inputs[] = {
    {"effectors", "E", 1.0, "cell", "adoptive transfer of effector cells", NULL},
};

static int rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    const double e = y[E], tu = y[T];
    (void)t;
    (void)data;
    dy[E] = p[P_s] + p[P_p] * e * tu / (p[P_g] + tu) - p[P_m] * e * tu - p[P_d] * e;
    dy[T] = p[P_a] * tu * (1.0 - p[P_b] * tu) - p[P_n] * e * tu;
    return 0;
}

#define J_(i, j) J[(i) + (size_t)(j) * ld]

static int jac(double t, const double *y, double *J, size_t ld, const double *p, const void *data)
{
    const double e = y[E], tu = y[T], gt = p[P_g] + tu;
    (void)t;
    (void)data;
    J_(E, E) = p[P_p] * tu / gt - p[P_m] * tu - p[P_d];
    J_(E, T) = p[P_p] * e * p[P_g] / (gt * gt) - p[P_m] * e;
    J_(T, E) = -p[P_n] * tu;
    J_(T, T) = p[P_a] * (1.0 - 2.0 * p[P_b] * tu) - p[P_n] * e;
    return 0;
}

const its_model_def its__model_kuznetsov1994 = {
    .version = ITS_MODEL_VERSION,
    .name = "kuznetsov1994",
    .title = "Kuznetsov: effector-tumour dynamics with dormancy and sneaking through",
    .reference =
        "Kuznetsov VA, Makalkin IA, Taylor MA, Perelson AS (1994) Nonlinear "
        "dynamics of immunogenic tumors: parameter estimation and global "
        "bifurcation analysis. Bull Math Biol 56:295-321",
    .time_unit = "d",
    .notes =
        "Reduced two-equation model after the quasi-steady state of "
        "effector-tumour conjugates. The full model's conjugate rate constants "
        "could not be checked in the paper and are not implemented.",
    .n_states = NS, .states = states,
    .n_params = NP, .params = params,
    .n_inputs = ITS__COUNT(inputs), .inputs = inputs,
    .rhs = rhs, .jac = jac,
};
