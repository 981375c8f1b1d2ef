/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim model pk2cpt: linear two-compartment pharmacokinetics with a
 * first-order (subcutaneous) depot; one-compartment when Q = 0. Parameter
 * sets hold the agents' published values (itsim agents). */
#include "model/model.h"
#include "model/pk_values.h"

enum { A_DEPOT, C1, A2, NS };
enum { P_V1, P_V2, P_CL, P_Q, P_ka, P_F, NP };

static const its_state_def states[NS] = {
    [A_DEPOT] = {"depot", "nmol", 0.0, 0.0, "amount at the absorption site"},
    [C1] = {"C", "nM", 0.0, 0.0, "central (plasma) concentration"},
    [A2] = {"A_periph", "nmol", 0.0, 0.0, "amount in the peripheral compartment"},
};

/* Defaults: aldesleukin (src/model/pk_values.h, as for the agent). */
static const its_param_def params[NP] = {
    [P_V1] = {.name = "V1", .description = "central volume (aldesleukin default)", PK(ITS__PK_IL2_V1)},
    [P_V2] = {.name = "V2", .description = "peripheral volume (aldesleukin default)", PK(ITS__PK_IL2_V2)},
    [P_CL] = {.name = "CL", .description = "clearance (aldesleukin default)", PK(ITS__PK_IL2_CL)},
    [P_Q] = {.name = "Q", .description = "inter-compartmental clearance (0: one compartment; aldesleukin default)", PK(ITS__PK_IL2_Q)},
    [P_ka] = {.name = "ka", .description = "first-order absorption from the depot (aldesleukin SC default)", PK(ITS__PK_IL2_KA_SC)},
    [P_F] = {.name = "F", .description = "bioavailability of depot doses (aldesleukin SC default)", PK(ITS__PK_IL2_F_SC)},
};

static const its_input_def inputs[] = {
    {"iv", "C", 1.0, "nmol", "intravenous dose into the central volume", "V1"},
    {"sc", "depot", 1.0, "nmol", "subcutaneous dose (absorbed with ka, bioavailability F)", NULL},
};

static const its_param_value v_ifn[] = {
    {"V1", PKV(ITS__PK_IFN_V)}, {"Q", 0.0}, {"CL", PKV(ITS__PK_IFN_KE) * PKV(ITS__PK_IFN_V)},
    {"ka", PKV(ITS__PK_IFN_KA_SC)}, {"F", PKV(ITS__PK_IFN_F_SC)}};
static const its_param_value v_gm[] = {
    {"V1", PKV(ITS__PK_GM_V)}, {"Q", 0.0}, {"CL", PKV(ITS__PK_GM_KE) * PKV(ITS__PK_GM_V)},
    {"ka", PKV(ITS__PK_GM_KA_SC)}, {"F", PKV(ITS__PK_GM_F_SC)}};
static const its_param_value v_pembro[] = {
    {"V1", PKV(ITS__PK_PEMBRO_VC)}, {"V2", PKV(ITS__PK_PEMBRO_VP)},
    {"CL", PKV(ITS__PK_PEMBRO_CL)}, {"Q", PKV(ITS__PK_PEMBRO_Q)}, {"F", 0.0}};
static const its_param_value v_nivo[] = {
    {"V1", PKV(ITS__PK_NIVO_VC)}, {"V2", PKV(ITS__PK_NIVO_VP)},
    {"CL", PKV(ITS__PK_NIVO_CL)}, {"Q", PKV(ITS__PK_NIVO_Q)}, {"F", 0.0}};
static const its_param_set sets[] = {
    {"aldesleukin", "IL-2: 2-compartment IV, SC with bioavailability F_sc", "itsim agents aldesleukin", 0, NULL},
    {"interferon_alfa_2b", "1-compartment, volume per m2 at 1.9 m2, first-order SC absorption",
     "Radwanski 1987 (itsim agents)", ITS__COUNT(v_ifn), v_ifn},
    {"sargramostim", "1-compartment SC, apparent clearance per m2 at 1.9 m2",
     "Stute 1995 (itsim agents)", ITS__COUNT(v_gm), v_gm},
    {"pembrolizumab", "2-compartment IV", "Ahamadi 2017 (itsim agents)", ITS__COUNT(v_pembro), v_pembro},
    {"nivolumab", "2-compartment IV (baseline clearance)", "Bajaj 2017 (itsim agents)",
     ITS__COUNT(v_nivo), v_nivo},
};

static int rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    const double c2 = p[P_V2] > 0.0 ? y[A2] / p[P_V2] : 0.0;
    const double flow = p[P_Q] * (y[C1] - c2); /* central -> peripheral, nmol/d */
    (void)t;
    (void)data;
    dy[A_DEPOT] = -p[P_ka] * y[A_DEPOT];
    dy[C1] = (p[P_F] * p[P_ka] * y[A_DEPOT] - p[P_CL] * y[C1] - flow) / p[P_V1];
    dy[A2] = flow;
    return 0;
}

#define J_(i, j) J[(i) + (size_t)(j) * ld]

static int jac(double t, const double *y, double *J, size_t ld, const double *p, const void *data)
{
    (void)t;
    (void)y;
    (void)data;
    J_(A_DEPOT, A_DEPOT) = -p[P_ka];
    J_(C1, A_DEPOT) = p[P_F] * p[P_ka] / p[P_V1];
    J_(C1, C1) = -(p[P_CL] + p[P_Q]) / p[P_V1];
    J_(C1, A2) = p[P_V2] > 0.0 ? p[P_Q] / p[P_V2] / p[P_V1] : 0.0;
    J_(A2, C1) = p[P_Q];
    J_(A2, A2) = p[P_V2] > 0.0 ? -p[P_Q] / p[P_V2] : 0.0;
    return 0;
}

const its_model_def its__model_pk2cpt = {
    .version = ITS_MODEL_VERSION,
    .name = "pk2cpt",
    .title = "Two-compartment pharmacokinetics with a first-order depot",
    .reference = "linear compartmental PK (e.g. Gabrielsson & Weiner); agent values in itsim agents",
    .time_unit = "d",
    .notes =
        "Amounts in nmol, concentrations in nM; convert clinical doses with "
        "its_dose_amount (IU/kg, MIU/m2, mg). Q = 0 gives one compartment.",
    .n_states = NS, .states = states,
    .n_params = NP, .params = params,
    .n_inputs = ITS__COUNT(inputs), .inputs = inputs,
    .n_sets = ITS__COUNT(sets), .sets = sets,
    .rhs = rhs, .jac = jac,
    .default_until = 30.0,
};
