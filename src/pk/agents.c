/* itsim: the agent library (identity, PK parameters with sources) and dose
 * conversion from clinical units (per kg, per m2, IU, mass, moles). */
#include "itsim/agents.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "itsim/units.h"
#include "model/model.h"

static const its_param_def p_aldesleukin[] = {
    {"V1", 2.9, "L", D_POS, "central volume", "derived from the bi-exponential fit of Konrad et al. 1990, Cancer Res 50:2009"},
    {"V2", 2.8, "L", D_POS, "peripheral volume", "derived from the bi-exponential fit of Konrad et al. 1990, Cancer Res 50:2009"},
    {"CL", 172.8, "L/d", D_NN, "clearance (0.12 L/min)", "Konrad et al. 1990, Cancer Res 50:2009"},
    {"Q", 43.2, "L/d", D_NN, "inter-compartmental clearance (0.030 L/min)", "derived: gives t1/2 alpha 12.9 min and beta 85 min of Konrad et al. 1990, Cancer Res 50:2009"},
    {"F_sc", 0.39, "1", D_FRAC, "subcutaneous bioavailability", "Proleukin UK SmPC section 5.2 (31-47 %), mid-range"},
    {"ka_sc", 2.4, "1/d", D_NN, "subcutaneous absorption (0.10/h, Tmax ~4 h)", "derived: gives the Proleukin UK SmPC SC Tmax of 2-6 h"},
};
static const its_param_def p_ifn[] = {
    {"V_per_m2", 20.0, "L/m2", D_POS, "volume of distribution per m2 BSA", "derived: fit of the SC Cmax (45.8 IU/mL after 5 MIU/m2) of Radwanski et al. 1987, J Clin Pharmacol 27:432"},
    {"ke", 9.79, "1/d", D_NN, "elimination (IV t1/2 1.7 h)", "Radwanski et al. 1987, J Clin Pharmacol 27:432"},
    {"ka_sc", 3.02, "1/d", D_NN, "SC absorption (t1/2 5.5 h)", "Radwanski et al. 1987, J Clin Pharmacol 27:432 (t1/2 5.5 h)"},
    {"F_sc", 1.0, "1", D_FRAC, "SC bioavailability", "Radwanski et al. 1987, J Clin Pharmacol 27:432: SC AUC >= IV AUC; > 80 % for IFN-alpha-2a, Wills et al. 1984, Clin Pharmacol Ther 35:722"},
};
static const its_param_def p_pegifn[] = {
    {"CL_F", 44.1, "L/d", D_NN, "apparent clearance at start", "Gupta et al. 2006, Br J Clin Pharmacol 63:292, as encoded in nlmixr2lib"},
    {"T_CL", 666.0, "d", D_POS, "time constant of CL(t) = CL0/(1 + t/T)", "Gupta et al. 2006, Br J Clin Pharmacol 63:292, as encoded in nlmixr2lib"},
    {"V_F", 149.0, "L", D_POS, "apparent volume", "Gupta et al. 2006, Br J Clin Pharmacol 63:292, as encoded in nlmixr2lib"},
    {"ka_sc", 1.9, "1/d", D_NN, "SC absorption (fixed)", "Gupta et al. 2006, Br J Clin Pharmacol 63:292, as encoded in nlmixr2lib"},
};
static const its_param_def p_sargramostim[] = {
    {"CL_F_per_m2", 103.7, "L/(d*m2)", D_NN, "SC apparent clearance (72 mL/min/m2)", "Stute et al. 1995, J Pharm Sci 84:824 (children)"},
    {"ke", 7.23, "1/d", D_NN, "elimination (SC t1/2 2.3 h)", "Stute et al. 1995, J Pharm Sci 84:824 (children)"},
    {"ka_sc", 9.0, "1/d", D_NN, "SC absorption giving Tmax ~3 h", "derived: gives the Tmax of 3 h (1.5-4) of Stute et al. 1995, J Pharm Sci 84:824"},
    {"F_sc", 1.0, "1", D_FRAC, "SC bioavailability (apparent parameters)", "assumed: CL/F and V/F absorb F"},
};
static const its_param_def p_pembro[] = {
    {"CL", 0.22, "L/d", D_NN, "clearance", "Ahamadi et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:49, as encoded in nlmixr2lib; Keytruda label: 252 mL/d after the first dose"},
    {"Vc", 3.48, "L", D_POS, "central volume", "Ahamadi et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:49, as encoded in nlmixr2lib"},
    {"Q", 0.795, "L/d", D_NN, "inter-compartmental clearance", "Ahamadi et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:49, as encoded in nlmixr2lib"},
    {"Vp", 4.06, "L", D_POS, "peripheral volume", "Ahamadi et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:49, as encoded in nlmixr2lib"},
};
static const its_param_def p_nivo[] = {
    {"CL", 0.2256, "L/d", D_NN, "baseline clearance (9.4 mL/h)", "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"},
    {"Vc", 3.63, "L", D_POS, "central volume", "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"},
    {"Q", 0.7704, "L/d", D_NN, "inter-compartmental clearance (32.1 mL/h)", "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"},
    {"Vp", 2.78, "L", D_POS, "peripheral volume", "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"},
    {"CL_Emax", -0.295, "1", D_REAL, "maximal change of CL over time", "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"},
    {"CL_T50", 58.75, "d", D_POS, "time of half the CL change (1410 h)", "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"},
    {"CL_hill", 3.15, "1", D_NN, "Hill coefficient of the CL change", "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"},
};
static const its_param_def p_dtic[] = {
    {"CL_per_kg", 22.18, "L/(d*kg)", D_NN, "clearance (15.4 mL/kg/min)", "Breithaupt, Dammann & Aigner (abstract; published as Cancer Chemother Pharmacol 1982, details not checked)"},
    {"V_per_kg", 0.632, "L/kg", D_POS, "volume of distribution", "Breithaupt, Dammann & Aigner (abstract; published as Cancer Chemother Pharmacol 1982, details not checked)"},
    {"circ0", 5.0e9, "cell/L", D_POS, "baseline neutrophils (Friberg Circ0)", "Friberg et al. 2002, J Clin Oncol 20:4713 (docetaxel), as quoted by the radivot/myelo R package: 5.05e9"},
    {"MTT", 3.71, "d", D_POS, "mean transit time through maturation (89 h)", "Friberg et al. 2002, J Clin Oncol 20:4713 (docetaxel), as quoted by the radivot/myelo R package"},
    {"gamma", 0.16, "1", D_NN, "feedback exponent", "Friberg et al. 2002, J Clin Oncol 20:4713 (docetaxel), as quoted by the radivot/myelo R package"},
    {"slope", 0.07, "1/uM", D_NN, "linear drug effect on proliferation",
     "assumed: placeholder, no published dacarbazine fit; calibrate to grade 3-4 neutropenia rates"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Nivolumab's own 2-compartment PK for tme's anti-PD-1 states (Bajaj 2017,
 * baseline clearance; the time-varying part is not modelled in tme). */
static const its_param_value tme_nivo[] = {
    {"V_antipd1", 3.63}, {"CL_antipd1", 0.2256}, {"Q_antipd1", 0.7704}, {"V2_antipd1", 2.78},
};

static const its_agent agents[] = {
    {"aldesleukin", "aldesleukin (Proleukin, recombinant IL-2)", "cytokine", "il2",
     "2-compartment IV; SC first-order absorption", 15300.0, 16.4e6,
     "Proleukin (aldesleukin) US label: MW ~15,300; derived: 16.4e6 IU/mg from its 18 MIU = 1.1 mg per vial",
     N(p_aldesleukin), p_aldesleukin, 0, NULL, "600000 IU/kg",
     "Proleukin (aldesleukin) US label: 600,000 IU/kg IV every 8 hours, at most 14 doses per cycle"},
    {"interferon_alfa_2b", "interferon alfa-2b (Intron A)", "cytokine", "ifna",
     "1-compartment, first-order SC absorption", 19271.0, 2.6e8,
     "Intron A (interferon alfa-2b) US label: MW 19,271, 2.6e8 IU/mg", N(p_ifn), p_ifn, 0, NULL, "30 MIU/m2",
     "Intron A (interferon alfa-2b) US label: AIDS-related Kaposi sarcoma 30 MIU/m2 SC or IM three "
     "times a week (melanoma induction 20 MIU/m2 IV)"},
    /* In tme: its own SC depot and plasma states (input peginterferon_sc),
     * acting as IFN-alpha activity weighted by r_peg. */
    {"peginterferon_alfa_2b", "peginterferon alfa-2b (Sylatron)", "cytokine", "peginterferon",
     "1-compartment SC, clearance falling with time", 31000.0, 0.0,
     "assumed: MW ~31,000 (19,271 protein + 12 kDa PEG), not checked in the Sylatron label; dosed in ug/kg", N(p_pegifn), p_pegifn, 0, NULL, "6 ug/kg",
     "Sylatron (peginterferon alfa-2b) US label: 6 ug/kg SC weekly for 8 doses, then 3 ug/kg weekly"},
    {"sargramostim", "sargramostim (Leukine, yeast GM-CSF)", "cytokine", "gmcsf",
     "1-compartment, first-order SC absorption", 16800.0, 5.6e6,
     "older Leukine (sargramostim) US label: glycoforms 15.5-19.5 kDa (mid 16.8 kDa), 5.6e6 IU/mg",
     N(p_sargramostim), p_sargramostim, 0, NULL, "250 ug/m2",
     "Leukine (sargramostim) US label: 250 ug/m2/day IV or SC"},
    {"pembrolizumab", "pembrolizumab (Keytruda, anti-PD-1 IgG4)", "anti-PD-1 antibody", "antipd1",
     "2-compartment IV, linear", 149000.0, 0.0,
     "Keytruda (pembrolizumab) label: IgG4 of ~149 kDa (not checked in the label text); dosed in mg", N(p_pembro), p_pembro, 0, NULL, "400 mg",
     "Keytruda (pembrolizumab) US label: 200 mg every 3 weeks or 400 mg every 6 weeks IV"},
    /* In tme nivolumab sets the anti-PD-1 PK to its own 2-compartment values
     * (tme_nivo), without its time-varying clearance. */
    {"nivolumab", "nivolumab (Opdivo, anti-PD-1 IgG4)", "anti-PD-1 antibody", "antipd1",
     "2-compartment IV, time-varying clearance (tme: baseline clearance)", 146000.0, 0.0,
     "Opdivo (nivolumab) label: IgG4 of ~146 kDa (not checked in the label text); dosed in mg or mg/kg", N(p_nivo), p_nivo, N(tme_nivo), tme_nivo,
     "480 mg", "Opdivo (nivolumab) US label: 240 mg every 2 weeks or 480 mg every 4 weeks IV"},
    {"dacarbazine", "dacarbazine (DTIC)", "cytotoxic", "dacarbazine",
     "1-compartment IV; Friberg neutropenia model", 182.19, 0.0,
     "dacarbazine EU SmPC: MW 182.19", N(p_dtic), p_dtic, 0, NULL, "375 mg/m2",
     "DTIC-Dome (dacarbazine) US label: Hodgkin disease 375 mg/m2 on day 1 every 15 days in "
     "combination (melanoma 2-4.5 mg/kg/day x 10 days or 250 mg/m2/day x 5 days)"},
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

static its_status failf(char *msg, size_t msglen, its_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static its_status failf(char *msg, size_t msglen, its_status st, const char *fmt, ...)
{
    va_list ap;
    if (msg != NULL && msglen > 0) {
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return st;
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
    if (others || only_iu + only_mass + only_mol != 1)
        return failf(msg, msglen, ITS_EUNIT, "not an amount of drug (IU, mass or moles)");
    if (only_iu) {
        if (!(a->iu_per_mg > 0.0))
            return failf(msg, msglen, ITS_EUNIT, "%s is not dosed in international units",
                         a->name);
        *mg = si / a->iu_per_mg;
    } else if (only_mass) {
        *mg = si * 1e6; /* kg -> mg */
    } else {
        *mg = si * a->mw * 1e3; /* mol -> g -> mg */
    }
    return ITS_OK;
}

its_status its_dose_amount(const its_agent *a, const char *dose,
                           const its_patient *p, const char *unit,
                           double *out, char *msg, size_t msglen)
{
    char buf[128];
    size_t len;
    double factor = 1.0, value, mg, si_target;
    its_unit u_dose, u_target;
    its_status st;
    const char *sp;

    if (a == NULL || dose == NULL || unit == NULL || out == NULL)
        return ITS_EINVAL;
    len = strlen(dose);
    if (len == 0 || len >= sizeof buf)
        return failf(msg, msglen, ITS_EPARSE, "empty or overlong dose '%s'", dose);
    memcpy(buf, dose, len + 1);
    while (len > 0 && buf[len - 1] == ' ')
        buf[--len] = '\0';
    /* Per body weight or per body-surface area. */
    if (len > 3 && strcmp(buf + len - 3, "/kg") == 0) {
        if (p == NULL || !(p->weight_kg > 0.0) || !isfinite(p->weight_kg))
            return failf(msg, msglen, ITS_ERANGE, "'%s' needs the patient's weight", dose);
        factor = p->weight_kg;
        buf[len - 3] = '\0';
    } else if (len > 3 && (strcmp(buf + len - 3, "/m2") == 0 ||
                           (len > 4 && strcmp(buf + len - 4, "/m^2") == 0))) {
        double bsa = p != NULL ? its_bsa(p->bsa, p->height_cm, p->weight_kg) : (double)NAN;
        if (!isfinite(bsa))
            return failf(msg, msglen, ITS_ERANGE,
                         "'%s' needs the patient's height and weight", dose);
        factor = bsa;
        buf[len - (buf[len - 2] == '^' ? 4 : 3)] = '\0';
    }
    /* Split the number from the unit of the amount. */
    sp = buf;
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
    if (*sp == '\0')
        return failf(msg, msglen, ITS_EUNIT, "dose '%s' has no unit", dose);
    st = its_unit_parse(sp, &u_dose, msg, msglen);
    if (st == ITS_OK)
        st = its_quantity_parse(buf, sp, &value, msg, msglen);
    if (st != ITS_OK)
        return st;
    if (!(value >= 0.0))
        return failf(msg, msglen, ITS_ERANGE, "negative dose '%s'", dose);
    st = to_mg(a, &u_dose, value * factor * u_dose.factor, &mg, msg, msglen);
    if (st != ITS_OK)
        return st;
    st = its_unit_parse(unit, &u_target, msg, msglen);
    if (st != ITS_OK)
        return st;
    /* mg of one unit of the target, then divide. */
    st = to_mg(a, &u_target, u_target.factor, &si_target, msg, msglen);
    if (st != ITS_OK)
        return st;
    *out = mg / si_target;
    if (msg != NULL && msglen > 0)
        msg[0] = '\0';
    return ITS_OK;
}

its_status its_dose_label_check(const its_agent *a, const char *dose,
                                const its_patient *p, double *ratio,
                                char *msg, size_t msglen)
{
    double mg, label_mg;
    its_status st;

    if (a == NULL || dose == NULL || ratio == NULL)
        return ITS_EINVAL;
    if (msg != NULL && msglen > 0)
        msg[0] = '\0';
    if (a->label_dose == NULL)
        return failf(msg, msglen, ITS_ENOTFOUND, "%s has no labelled dose", a->name);
    st = its_dose_amount(a, dose, p, "mg", &mg, msg, msglen);
    if (st != ITS_OK)
        return st;
    st = its_dose_amount(a, a->label_dose, p, "mg", &label_mg, msg, msglen);
    if (st != ITS_OK)
        return st;
    *ratio = label_mg > 0.0 ? mg / label_mg : (double)INFINITY;
    if (*ratio > ITS_DOSE_LABEL_FACTOR)
        failf(msg, msglen, ITS_OK,
              "dose '%s' is %.3g times the largest labelled dose of %s (%s; %s); "
              "check the unit (running anyway)",
              dose, *ratio, a->name, a->label_dose, a->label_source);
    return ITS_OK;
}
