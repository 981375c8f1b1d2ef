/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the agent library (identity, PK parameters with sources) and dose
 * conversion from clinical units (per kg, per m2, IU, mass, moles). */
#include "pk/pk.h"

#include <math.h>
#include <string.h>


/* PK parameters as the agent's own population models name them; the values,
 * units, domains and sources are those of src/model/pk_values.h. */
#define DEF(name_, desc_, fact) {.name = name_, .description = desc_, PK(fact)}
static const its_param_def p_aldesleukin[] = {
    DEF("V1", "central volume", ITS__PK_IL2_V1),
    DEF("V2", "peripheral volume", ITS__PK_IL2_V2),
    DEF("CL", "clearance", ITS__PK_IL2_CL),
    DEF("Q", "inter-compartmental clearance", ITS__PK_IL2_Q),
    DEF("F_sc", "subcutaneous bioavailability", ITS__PK_IL2_F_SC),
    DEF("ka_sc", "subcutaneous absorption", ITS__PK_IL2_KA_SC),
};
static const its_param_def p_ifn[] = {
    DEF("V_per_m2", "volume of distribution per m2 BSA", ITS__PK_IFN_V_PER_M2),
    DEF("ke", "elimination", ITS__PK_IFN_KE),
    DEF("ka_sc", "SC absorption", ITS__PK_IFN_KA_SC),
    DEF("F_sc", "SC bioavailability", ITS__PK_IFN_F_SC),
};
static const its_param_def p_pegifn[] = {
    DEF("CL_F", "apparent clearance at start", ITS__PK_PEG_CL_F),
    DEF("T_CL", "time constant of CL(t) = CL0/(1 + t/T)", ITS__PK_PEG_T_CL),
    DEF("V_F", "apparent volume", ITS__PK_PEG_V_F),
    DEF("ka_sc", "SC absorption (fixed)", ITS__PK_PEG_KA_SC),
};
static const its_param_def p_sargramostim[] = {
    DEF("CL_F_per_m2", "SC apparent clearance", ITS__PK_GM_CL_F_PER_M2),
    DEF("ke", "elimination", ITS__PK_GM_KE),
    DEF("ka_sc", "SC absorption giving Tmax ~3 h", ITS__PK_GM_KA_SC),
    DEF("F_sc", "SC bioavailability (apparent parameters)", ITS__PK_GM_F_SC),
};
static const its_param_def p_pembro[] = {
    DEF("CL", "clearance", ITS__PK_PEMBRO_CL),
    DEF("Vc", "central volume", ITS__PK_PEMBRO_VC),
    DEF("Q", "inter-compartmental clearance", ITS__PK_PEMBRO_Q),
    DEF("Vp", "peripheral volume", ITS__PK_PEMBRO_VP),
};
static const its_param_def p_nivo[] = {
    DEF("CL", "baseline clearance", ITS__PK_NIVO_CL),
    DEF("Vc", "central volume", ITS__PK_NIVO_VC),
    DEF("Q", "inter-compartmental clearance", ITS__PK_NIVO_Q),
    DEF("Vp", "peripheral volume", ITS__PK_NIVO_VP),
    DEF("CL_Emax", "maximal change of CL over time", ITS__PK_NIVO_CL_EMAX),
    DEF("CL_T50", "time of half the CL change", ITS__PK_NIVO_CL_T50),
    DEF("CL_hill", "Hill coefficient of the CL change", ITS__PK_NIVO_CL_HILL),
};
static const its_param_def p_dtic[] = {
    DEF("CL_per_kg", "clearance", ITS__PK_DTIC_CL_PER_KG),
    DEF("V_per_kg", "volume of distribution", ITS__PK_DTIC_V_PER_KG),
    DEF("circ0", "baseline neutrophils (Friberg Circ0)", ITS__PK_FRIBERG_CIRC0),
    DEF("MTT", "mean transit time through maturation", ITS__PK_FRIBERG_MTT),
    DEF("gamma", "feedback exponent", ITS__PK_FRIBERG_GAMMA),
    DEF("slope", "linear drug effect on proliferation", ITS__PK_DTIC_SLOPE),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What each agent is (substance) and how it is dosed. How a model takes an
 * agent (which input per route, which parameters it sets, e.g. nivolumab's
 * own PK in tme) is declared by the model (its_model_def.agents). */
static const its_agent agents[] = {
    {.name = "aldesleukin", .title = "aldesleukin (Proleukin, recombinant IL-2)",
     .kind = "cytokine", .substance = "IL-2",
     .pk_model = "2-compartment IV; SC first-order absorption", .mw = 15300.0, .iu_per_mg = 16.4e6,
     .identity_source = "Proleukin (aldesleukin) US label: MW ~15,300; derived: 16.4e6 IU/mg from "
                        "its 18 MIU = 1.1 mg per vial",
     .n_params = N(p_aldesleukin), .params = p_aldesleukin, .label_dose = "600000 IU/kg",
     .label_source = "Proleukin (aldesleukin) US label: 600,000 IU/kg IV every 8 hours, at most "
                     "14 doses per cycle"},
    {.name = "interferon_alfa_2b", .title = "interferon alfa-2b (Intron A)", .kind = "cytokine",
     .substance = "IFN-alpha", .pk_model = "1-compartment, first-order SC absorption",
     .mw = 19271.0, .iu_per_mg = 2.6e8,
     .identity_source = "Intron A (interferon alfa-2b) US label: MW 19,271, 2.6e8 IU/mg",
     .n_params = N(p_ifn), .params = p_ifn, .label_dose = "30 MIU/m2",
     .label_source = "Intron A (interferon alfa-2b) US label: AIDS-related Kaposi sarcoma 30 "
                     "MIU/m2 SC or IM three times a week (melanoma induction 20 MIU/m2 IV)"},
    {.name = "peginterferon_alfa_2b", .title = "peginterferon alfa-2b (Sylatron)",
     .kind = "cytokine", .substance = "peginterferon alfa",
     .pk_model = "1-compartment SC, clearance falling with time", .mw = 31000.0, .iu_per_mg = 0.0,
     .identity_source = "assumed: MW ~31,000 (19,271 protein + 12 kDa PEG), not checked in the "
                        "Sylatron label; dosed in ug/kg",
     .n_params = N(p_pegifn), .params = p_pegifn, .label_dose = "6 ug/kg",
     .label_source = "Sylatron (peginterferon alfa-2b) US label: 6 ug/kg SC weekly for 8 doses, "
                     "then 3 ug/kg weekly"},
    {.name = "sargramostim", .title = "sargramostim (Leukine, yeast GM-CSF)", .kind = "cytokine",
     .substance = "GM-CSF", .pk_model = "1-compartment, first-order SC absorption",
     .mw = 16800.0, .iu_per_mg = 5.6e6,
     .identity_source = "older Leukine (sargramostim) US label: glycoforms 15.5-19.5 kDa (mid "
                        "16.8 kDa), 5.6e6 IU/mg",
     .n_params = N(p_sargramostim), .params = p_sargramostim, .label_dose = "250 ug/m2",
     .label_source = "Leukine (sargramostim) US label: 250 ug/m2/day IV or SC"},
    {.name = "pembrolizumab", .title = "pembrolizumab (Keytruda, anti-PD-1 IgG4)",
     .kind = "anti-PD-1 antibody", .substance = "anti-PD-1",
     .pk_model = "2-compartment IV, linear", .mw = 149000.0, .iu_per_mg = 0.0,
     .identity_source = "Keytruda (pembrolizumab) label: IgG4 of ~149 kDa (not checked in the "
                        "label text); dosed in mg",
     .n_params = N(p_pembro), .params = p_pembro, .label_dose = "400 mg",
     .label_source = "Keytruda (pembrolizumab) US label: 200 mg every 3 weeks or 400 mg every 6 "
                     "weeks IV"},
    {.name = "nivolumab", .title = "nivolumab (Opdivo, anti-PD-1 IgG4)",
     .kind = "anti-PD-1 antibody", .substance = "anti-PD-1",
     .pk_model = "2-compartment IV, time-varying clearance (tme: baseline clearance)",
     .mw = 146000.0, .iu_per_mg = 0.0,
     .identity_source = "Opdivo (nivolumab) label: IgG4 of ~146 kDa (not checked in the label "
                        "text); dosed in mg or mg/kg",
     .n_params = N(p_nivo), .params = p_nivo, .label_dose = "480 mg",
     .label_source = "Opdivo (nivolumab) US label: 240 mg every 2 weeks or 480 mg every 4 weeks IV"},
    {.name = "dacarbazine", .title = "dacarbazine (DTIC)", .kind = "cytotoxic",
     .substance = "dacarbazine", .pk_model = "1-compartment IV; Friberg neutropenia model",
     .mw = 182.19, .iu_per_mg = 0.0, .identity_source = "dacarbazine EU SmPC: MW 182.19",
     .n_params = N(p_dtic), .params = p_dtic, .label_dose = "375 mg/m2",
     .label_source = "DTIC-Dome (dacarbazine) US label: Hodgkin disease 375 mg/m2 on day 1 every "
                     "15 days in combination (melanoma 2-4.5 mg/kg/day x 10 days or 250 mg/m2/day "
                     "x 5 days)"},
};

size_t its_agent_count(void)
{
    return N(agents);
}

const its_agent *its_agent_at(size_t i)
{
    return i < N(agents) ? &agents[i] : NULL;
}

const its_agent *its_agent_find(const char *name)
{
    size_t i;
    if (name == NULL)
        return NULL;
    for (i = 0; i < N(agents); i++)
        if (strcmp(agents[i].name, name) == 0)
            return &agents[i];
    return NULL;
}

const its_param_def *its_agent_param(const its_agent *a, const char *name)
{
    size_t i;
    if (a == NULL || name == NULL)
        return NULL;
    for (i = 0; i < a->n_params; i++)
        if (strcmp(a->params[i].name, name) == 0)
            return &a->params[i];
    return NULL;
}

double its_bsa(its_bsa_formula formula, double height_cm, double weight_kg)
{
    if (!(height_cm > 0.0) || !(weight_kg > 0.0) || !isfinite(height_cm) ||
        !isfinite(weight_kg))
        return (double)NAN;
    switch (formula) {
    case ITS_BSA_MOSTELLER:
        return sqrt(height_cm * weight_kg / 3600.0);
    case ITS_BSA_DUBOIS:
        return 0.007184 * pow(weight_kg, 0.425) * pow(height_cm, 0.725);
    }
    return (double)NAN;
}

/* Express an amount (value in SI base units of dimension u) in mg of agent
 * a. Dimensions accepted: IU, mass, amount of substance. */
static its_status to_mg(const its_agent *a, const its_unit *u, double si,
                        double *mg, char *msg, size_t msglen)
{
    int only_iu = u->dim[ITS_DIM_IU] == 1, only_mass = u->dim[ITS_DIM_MASS] == 1;
    int only_mol = u->dim[ITS_DIM_MOL] == 1, k, others = 0;
    for (k = 0; k < ITS_UNIT_NDIM; k++)
        if (u->dim[k] != 0 && !(k == ITS_DIM_IU && only_iu) &&
            !(k == ITS_DIM_MASS && only_mass) && !(k == ITS_DIM_MOL && only_mol))
            others = 1;
    if (others || only_iu + only_mass + only_mol != 1) {
        its__fmt(msg, msglen, "not an amount of drug (IU, mass or moles)");
        return ITS_EUNIT;
    }
    if (only_iu) {
        if (!(a->iu_per_mg > 0.0)) {
            its__fmt(msg, msglen, "%s is not dosed in international units", a->name);
            return ITS_EUNIT;
        }
        *mg = si / a->iu_per_mg;
    } else if (only_mass) {
        *mg = si * 1e6; /* kg -> mg */
    } else {
        *mg = si * a->mw * 1e3; /* mol -> g -> mg */
    }
    return ITS_OK;
}

/* Strip a trailing "/kg", "/m2" or "/m^2" from buf (len characters) and
 * set *factor to the patient's weight or body-surface area (1 without a
 * suffix). dose is the caller's text, for messages. */
static its_status per_patient(char *buf, size_t len, const its_patient *p, const char *dose,
                              double *factor, char *msg, size_t msglen)
{
    *factor = 1.0;
    if (len > 3 && strcmp(buf + len - 3, "/kg") == 0) {
        if (p == NULL || !(p->weight_kg > 0.0) || !isfinite(p->weight_kg)) {
            its__fmt(msg, msglen, "'%s' needs the patient's weight", dose);
            return ITS_ERANGE;
        }
        *factor = p->weight_kg;
        buf[len - 3] = '\0';
    } else if (len > 3 && (strcmp(buf + len - 3, "/m2") == 0 ||
                           (len > 4 && strcmp(buf + len - 4, "/m^2") == 0))) {
        double bsa = p != NULL ? its_bsa(p->bsa, p->height_cm, p->weight_kg) : (double)NAN;
        if (!isfinite(bsa)) {
            its__fmt(msg, msglen, "'%s' needs the patient's height and weight", dose);
            return ITS_ERANGE;
        }
        *factor = bsa;
        buf[len - (buf[len - 2] == '^' ? 4 : 3)] = '\0';
    }
    return ITS_OK;
}

/* The start of the unit in "600000 IU", "1.5e3 mg", "30mg": after the
 * number and the blanks following it. */
static const char *unit_start(const char *sp)
{
    while (*sp == ' ')
        sp++;
    if (*sp == '+' || *sp == '-')
        sp++;
    while ((*sp >= '0' && *sp <= '9') || *sp == '.')
        sp++;
    if ((*sp == 'e' || *sp == 'E') &&
        ((sp[1] >= '0' && sp[1] <= '9') ||
         ((sp[1] == '+' || sp[1] == '-') && sp[2] >= '0' && sp[2] <= '9'))) {
        sp += 2;
        while (*sp >= '0' && *sp <= '9')
            sp++;
    }
    while (*sp == ' ')
        sp++;
    return sp;
}

its_status its_dose_amount(const its_agent *a, const char *dose,
                           const its_patient *p, const char *unit,
                           double *out, char *msg, size_t msglen)
{
    char buf[128];
    size_t len;
    double factor, value, mg, si_target;
    its_unit u_dose, u_target;
    its_status st;
    const char *sp;

    if (a == NULL || dose == NULL || unit == NULL || out == NULL) {
        its__fmt(msg, msglen, "its_dose_amount: NULL argument");
        return ITS_EINVAL;
    }
    len = strlen(dose);
    if (len == 0 || len >= sizeof buf) {
        its__fmt(msg, msglen, "empty or overlong dose '%s'", dose);
        return ITS_EPARSE;
    }
    memcpy(buf, dose, len + 1);
    while (len > 0 && buf[len - 1] == ' ')
        buf[--len] = '\0';
    st = per_patient(buf, len, p, dose, &factor, msg, msglen);
    if (st != ITS_OK)
        return st;
    sp = unit_start(buf);
    if (*sp == '\0') {
        its__fmt(msg, msglen, "dose '%s' has no unit", dose);
        return ITS_EUNIT;
    }
    st = its_unit_parse(sp, &u_dose, msg, msglen);
    if (st == ITS_OK)
        st = its_quantity_parse(buf, sp, &value, msg, msglen);
    if (st != ITS_OK)
        return st;
    if (!(value >= 0.0)) {
        its__fmt(msg, msglen, "negative dose '%s'", dose);
        return ITS_ERANGE;
    }
    st = to_mg(a, &u_dose, value * factor * u_dose.factor, &mg, msg, msglen);
    if (st == ITS_OK)
        st = its_unit_parse(unit, &u_target, msg, msglen);
    /* mg of one unit of the target, then divide. */
    if (st == ITS_OK)
        st = to_mg(a, &u_target, u_target.factor, &si_target, msg, msglen);
    if (st != ITS_OK)
        return st;
    *out = mg / si_target;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

its_status its_dose_label_check(const its_agent *a, const char *dose,
                                const its_patient *p, double *ratio,
                                char *msg, size_t msglen)
{
    double mg, label_mg;
    its_status st;

    if (a == NULL || dose == NULL || ratio == NULL) {
        its__fmt(msg, msglen, "its_dose_label_check: NULL argument");
        return ITS_EINVAL;
    }
    if (a->label_dose == NULL) {
        its__fmt(msg, msglen, "%s has no labelled dose", a->name);
        return ITS_ENOTFOUND;
    }
    st = its_dose_amount(a, dose, p, "mg", &mg, msg, msglen);
    if (st == ITS_OK)
        st = its_dose_amount(a, a->label_dose, p, "mg", &label_mg, msg, msglen);
    if (st != ITS_OK)
        return st;
    *ratio = label_mg > 0.0 ? mg / label_mg : (double)INFINITY;
    if (*ratio > ITS_DOSE_LABEL_FACTOR)
        its__fmt(msg, msglen,
                 "dose '%s' is %.3g times the largest labelled dose of %s (%s; %s); "
                 "check the unit (running anyway)",
                 dose, *ratio, a->name, a->label_dose, a->label_source);
    return ITS_OK;
}
