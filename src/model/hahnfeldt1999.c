/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim model hahnfeldt1999: Hahnfeldt, Panigrahy, Folkman & Hlatky (1999)
 * tumour volume with a vascular carrying capacity and angiogenesis inhibitors. */
#include <math.h>

#include "model/model.h"

enum { V, K, G_TNP, G_END, G_ANG, NS };
enum { P_lambda1, P_lambda2, P_b, P_d, P_e_tnp470, P_clr_tnp470, P_e_endostatin, P_clr_endostatin, P_e_angiostatin,
       P_clr_angiostatin, NP };

#define HF "Hahnfeldt et al. 1999, Cancer Res 59:4770, Table 1 (primary text); " \
           "same values in radivot/canceR"

static const its_state_def states[NS] = {
    [V] = {"V", "mm3", 192.0, 0.0, "tumour volume (Lewis lung carcinoma, control mean at day 0)"},
    [K] = {"K", "mm3", 625.0, 0.0, "vascular carrying capacity (fitted initial value K0)"},
    [G_TNP] = {"g_tnp470", "mg/kg", 0.0, 0.0, "TNP-470 exposure (first-order cleared dose)"},
    [G_END] = {"g_endostatin", "mg/kg", 0.0, 0.0, "endostatin exposure"},
    [G_ANG] = {"g_angiostatin", "mg/kg", 0.0, 0.0, "angiostatin exposure"},
};

static const its_param_def params[NP] = {
    [P_lambda1] = {"lambda1", 0.192, "1/d", D_NN, "tumour growth rate constant (Gompertz)", HF},
    [P_lambda2] = {"lambda2", 0.0, "1/d", D_NN, "spontaneous loss of vasculature (negligible)", HF},
    [P_b] = {"b", 5.85, "1/d", D_NN, "stimulation of vasculature by the tumour", HF},
    [P_d] = {"d", 8.73e-3, "1/(d*mm2)", D_NN, "endogenous inhibition of vasculature", HF},
    [P_e_tnp470] = {"e_tnp470", 1.3, "kg/(mg*d)", D_NN, "TNP-470 potency", HF},
    [P_clr_tnp470] = {"clr_tnp470", 10.1, "1/d", D_NN, "TNP-470 clearance", HF},
    [P_e_endostatin] = {"e_endostatin", 0.66, "kg/(mg*d)", D_NN, "endostatin potency", HF},
    [P_clr_endostatin] = {"clr_endostatin", 1.7, "1/d", D_NN, "endostatin clearance", HF},
    [P_e_angiostatin] = {"e_angiostatin", 0.15, "kg/(mg*d)", D_NN, "angiostatin potency", HF},
    [P_clr_angiostatin] = {"clr_angiostatin", 0.38, "1/d", D_NN, "angiostatin clearance", HF},
};

static const its_input_def inputs[] = {
    {"tnp470", "g_tnp470", 1.0, "mg/kg", "TNP-470 (bolus: 30 mg/kg q.o.d. in the paper)", NULL},
    {"endostatin", "g_endostatin", 1.0, "mg/kg", "endostatin (20 or 4 mg/kg/d)", NULL},
    {"angiostatin", "g_angiostatin", 1.0, "mg/kg", "angiostatin (20 mg/kg/d)", NULL},
};

static int rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    const double v = y[V], k = y[K];
    /* V ln(V/K) -> 0 as V -> 0; guard the log at the boundary. */
    const double gomp = (v > 0.0 && k > 0.0) ? -p[P_lambda1] * v * log(v / k) : 0.0;
    const double v23 = v > 0.0 ? cbrt(v * v) : 0.0;
    const double drug = p[P_e_tnp470] * y[G_TNP] + p[P_e_endostatin] * y[G_END] +
                        p[P_e_angiostatin] * y[G_ANG];
    (void)t;
    (void)data;
    dy[V] = gomp;
    dy[K] = -p[P_lambda2] * k + p[P_b] * v - p[P_d] * k * v23 - drug * k;
    dy[G_TNP] = -p[P_clr_tnp470] * y[G_TNP];
    dy[G_END] = -p[P_clr_endostatin] * y[G_END];
    dy[G_ANG] = -p[P_clr_angiostatin] * y[G_ANG];
    return 0;
}

/* The tumour as one spherical lesion: diameter (6V/pi)^(1/3) for RECIST
 * (as usual for RECIST sums of spherical lesions), and its cell count at 1e6 cells per mm3 (the
 * conventional 1e9 cells/cm3, Del Monte 2009). */
static const its_observable_def observables[] = {
    {"diameter", "mm", ITS_OBS_LESION_DIAMETER, "diameter of a sphere of volume V"},
    {"burden", "cell", ITS_OBS_TUMOUR_BURDEN, "cancer cells at 1e9 cells/cm3 (Del Monte 2009)"},
};

static int observe(double t, const double *y, const double *p, double *out,
                   const void *data)
{
    const double v = fmax(y[V], 0.0);
    (void)t;
    (void)p;
    (void)data;
    out[0] = cbrt(6.0 * v / 3.14159265358979323846);
    out[1] = v * 1e6;
    return 0;
}

const its_model_def its__model_hahnfeldt1999 = {
    .version = ITS_MODEL_VERSION,
    .name = "hahnfeldt1999",
    .title = "Hahnfeldt: tumour volume and vascular carrying capacity under angiogenesis inhibitors",
    .reference =
        "Hahnfeldt P, Panigrahy D, Folkman J, Hlatky L (1999) Tumor development "
        "under angiogenic signaling: a dynamical theory of tumor growth, treatment "
        "response, and postvascular dormancy. Cancer Res 59:4770-4775",
    .time_unit = "d",
    .notes =
        "Each agent has its own exposure g_i with dg_i/dt = -clr_i g_i + c_i(t) and "
        "acts additively through -e_i K g_i (the paper's Fig. 2B prediction). A "
        "bolus of D mg/kg makes g jump by D. The exponent is exactly 2/3 (the "
        "canceR code uses 0.667). The Chaste variant with logistic V is a "
        "different model.",
    .n_states = NS, .states = states,
    .n_params = NP, .params = params,
    .n_inputs = ITS__COUNT(inputs), .inputs = inputs,
    .rhs = rhs,
    .n_observables = ITS__COUNT(observables), .observables = observables,
    .observe = observe,
};
