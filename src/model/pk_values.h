/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the published pharmacokinetic values of the therapy
 * agents, each written once with its value, unit, domain and source. The
 * agent library (src/pk/agents.c), the pk2cpt parameter sets and the tme
 * model's PK parameters all take them from here, so they cannot drift
 * apart. It lives in the model layer because models may not include the pk
 * layer; the pk layer may include it.
 *
 * Every value is a macro taking one argument X and expanding to
 * X(value, unit, domain, source). Use PK(fact) inside a designated
 * its_param_def initialiser ({.name = ..., .description = ..., PK(fact)})
 * and PKV(fact) where only the number is needed (parameter sets). Values
 * derived from other values are written as the arithmetic on them
 * (fact(ITS__PK_NUMBER), since PKV cannot nest), so a change of the
 * primary value carries over. */
#ifndef ITS_MODEL_PK_VALUES_H
#define ITS_MODEL_PK_VALUES_H

#include "model/model.h"

#define ITS__PK_FIELDS(v, u, d, s) .value = (v), .unit = (u), .domain = (d), .source = (s)
#define ITS__PK_NUMBER(v, u, d, s) (v)
/* The fields value, unit, domain, source of an its_param_def. */
#define PK(fact) fact(ITS__PK_FIELDS)
/* The value alone, parenthesised. */
#define PKV(fact) fact(ITS__PK_NUMBER)

/* The reference adult for which per-kg and per-m2 values are turned into
 * the absolute values of the models' defaults. */
#define ITS__PK_REF_WEIGHT(X) X(70.0, "kg", D_POS, "assumed: reference adult of 70 kg")
#define ITS__PK_REF_BSA(X) X(1.9, "m2", D_POS, "assumed: reference adult of 1.9 m2")

/* ---- aldesleukin (recombinant IL-2) ---------------------------------------- */
#define KONRAD_ "Konrad et al. 1990, Cancer Res 50:2009"
#define ITS__PK_IL2_V1(X) X(2.9, "L", D_POS, "derived from the bi-exponential fit of " KONRAD_)
#define ITS__PK_IL2_V2(X) X(2.8, "L", D_POS, "derived from the bi-exponential fit of " KONRAD_)
#define ITS__PK_IL2_CL(X) X(172.8, "L/d", D_NN, KONRAD_ " (0.12 L/min)")
#define ITS__PK_IL2_Q(X) \
    X(43.2, "L/d", D_NN, "derived: gives t1/2 alpha 12.9 min and beta 85 min of " KONRAD_)
#define ITS__PK_IL2_F_SC(X) \
    X(0.39, "1", D_FRAC, "Proleukin UK SmPC section 5.2: SC bioavailability 31-47 %, mid-range")
#define ITS__PK_IL2_KA_SC(X) \
    X(2.4, "1/d", D_NN, "derived: gives the Proleukin UK SmPC SC Tmax of 2-6 h (section 5.2)")

/* ---- interferon alfa-2b ------------------------------------------------------ */
#define RADWANSKI_ "Radwanski et al. 1987, J Clin Pharmacol 27:432"
#define ITS__PK_IFN_V_PER_M2(X)                                                     \
    X(20.0, "L/m2", D_POS,                                                          \
      "derived: fit of the SC Cmax (45.8 IU/mL after 5 MIU/m2) of " RADWANSKI_)
#define ITS__PK_IFN_KE(X) X(9.79, "1/d", D_NN, RADWANSKI_ " (IV t1/2 1.7 h)")
#define ITS__PK_IFN_KA_SC(X) X(3.02, "1/d", D_NN, RADWANSKI_ " (absorption t1/2 5.5 h)")
#define ITS__PK_IFN_F_SC(X)                                                          \
    X(1.0, "1", D_FRAC,                                                              \
      RADWANSKI_ ": SC AUC >= IV AUC; > 80 % for IFN-alpha-2a, Wills et al. 1984, "  \
                 "Clin Pharmacol Ther 35:722")
/* 20 L/m2 x 1.9 m2 = 38 L */
#define ITS__PK_IFN_V(X)                                                       \
    X(ITS__PK_IFN_V_PER_M2(ITS__PK_NUMBER) * ITS__PK_REF_BSA(ITS__PK_NUMBER), "L", D_POS,            \
      "derived: 20 L/m2 (fit of the SC Cmax of " RADWANSKI_ ") x 1.9 m2")

/* ---- peginterferon alfa-2b --------------------------------------------------- */
#define GUPTA_ "Gupta et al. 2006, Br J Clin Pharmacol 63:292, as encoded in nlmixr2lib"
#define ITS__PK_PEG_CL_F(X) X(44.1, "L/d", D_NN, GUPTA_)
#define ITS__PK_PEG_T_CL(X) X(666.0, "d", D_POS, GUPTA_)
#define ITS__PK_PEG_V_F(X) X(149.0, "L", D_POS, GUPTA_)
#define ITS__PK_PEG_KA_SC(X) X(1.9, "1/d", D_NN, GUPTA_ " (fixed in the fit)")

/* ---- sargramostim (GM-CSF) --------------------------------------------------- */
#define STUTE_ "Stute et al. 1995, J Pharm Sci 84:824"
#define ITS__PK_GM_CL_F_PER_M2(X) X(103.7, "L/(d*m2)", D_NN, STUTE_ " (children, 72 mL/min/m2)")
#define ITS__PK_GM_KE(X) X(7.23, "1/d", D_NN, STUTE_ " (children, SC t1/2 2.3 h)")
#define ITS__PK_GM_KA_SC(X) X(9.0, "1/d", D_NN, "derived: gives the Tmax of 3 h (1.5-4) of " STUTE_)
#define ITS__PK_GM_F_SC(X) X(1.0, "1", D_FRAC, "assumed: CL/F and V/F absorb F")
/* CL/F / ke at 1.9 m2 = 27.25 L, rounded */
#define ITS__PK_GM_V(X) X(27.3, "L", D_POS, "derived: CL/F / ke of " STUTE_ " at 1.9 m2, rounded")

/* ---- pembrolizumab ----------------------------------------------------------- */
#define AHAMADI_ "Ahamadi et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:49, as encoded in nlmixr2lib"
#define ITS__PK_PEMBRO_CL(X) \
    X(0.22, "L/d", D_NN, AHAMADI_ "; Keytruda label: 252 mL/d after the first dose")
#define ITS__PK_PEMBRO_VC(X) X(3.48, "L", D_POS, AHAMADI_)
#define ITS__PK_PEMBRO_Q(X) X(0.795, "L/d", D_NN, AHAMADI_)
#define ITS__PK_PEMBRO_VP(X) X(4.06, "L", D_POS, AHAMADI_)

/* ---- nivolumab --------------------------------------------------------------- */
#define BAJAJ_ "Bajaj et al. 2017, CPT Pharmacometrics Syst Pharmacol 6:58, as encoded in nlmixr2lib"
#define ITS__PK_NIVO_CL(X) X(0.2256, "L/d", D_NN, BAJAJ_ " (baseline clearance 9.4 mL/h)")
#define ITS__PK_NIVO_VC(X) X(3.63, "L", D_POS, BAJAJ_)
#define ITS__PK_NIVO_Q(X) X(0.7704, "L/d", D_NN, BAJAJ_ " (32.1 mL/h)")
#define ITS__PK_NIVO_VP(X) X(2.78, "L", D_POS, BAJAJ_)
#define ITS__PK_NIVO_CL_EMAX(X) X(-0.295, "1", D_REAL, BAJAJ_)
#define ITS__PK_NIVO_CL_T50(X) X(58.75, "d", D_POS, BAJAJ_ " (1410 h)")
#define ITS__PK_NIVO_CL_HILL(X) X(3.15, "1", D_NN, BAJAJ_)

/* ---- dacarbazine and the Friberg neutropenia model --------------------------- */
#define BREITHAUPT_ "Breithaupt, Dammann & Aigner (abstract; published as Cancer Chemother " \
                    "Pharmacol 1982, details not checked)"
#define FRIBERG_ "Friberg et al. 2002, J Clin Oncol 20:4713 (docetaxel), as quoted by the " \
                 "radivot/myelo R package"
#define ITS__PK_DTIC_CL_PER_KG(X) X(22.18, "L/(d*kg)", D_NN, BREITHAUPT_ ": 15.4 mL/kg/min")
#define ITS__PK_DTIC_V_PER_KG(X) X(0.632, "L/kg", D_POS, BREITHAUPT_ ": 0.632 L/kg")
/* x 70 kg: 44.24 L and 1552.6 L/d */
#define ITS__PK_DTIC_V(X) \
    X(ITS__PK_DTIC_V_PER_KG(ITS__PK_NUMBER) * ITS__PK_REF_WEIGHT(ITS__PK_NUMBER), "L", D_POS, BREITHAUPT_ ": 0.632 L/kg, x 70 kg")
#define ITS__PK_DTIC_CL(X)                                                                   \
    X(ITS__PK_DTIC_CL_PER_KG(ITS__PK_NUMBER) * ITS__PK_REF_WEIGHT(ITS__PK_NUMBER), "L/d", D_NN,                     \
      BREITHAUPT_ ": 15.4 mL/kg/min, x 70 kg")
#define ITS__PK_FRIBERG_CIRC0(X) X(5.0e9, "cell/L", D_POS, FRIBERG_ ": 5.05e9")
#define ITS__PK_FRIBERG_MTT(X) X(3.71, "d", D_POS, FRIBERG_ " (89 h)")
#define ITS__PK_FRIBERG_GAMMA(X) X(0.16, "1", D_NN, FRIBERG_)
#define ITS__PK_DTIC_SLOPE(X)                                                            \
    X(0.07, "1/uM", D_NN,                                                                \
      "assumed: placeholder, no published dacarbazine fit: gives a ~40 % neutrophil nadir " \
      "per 1,000 mg/m2; calibrate to grade 3-4 rates")

#endif
