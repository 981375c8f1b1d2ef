/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: pharmacokinetics (pk2cpt) against closed forms: one- and
 * two-compartment bolus and infusion, first-order absorption; and the
 * anchors derived from Konrad et al. 1990 and the labels for aldesleukin and
 * pembrolizumab. */
#include <math.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

static its_sim *make(const char *set)
{
    its_sim *s = NULL;
    its_sim_create(its_model_find("pk2cpt"), &s, NULL, 0);
    if (set != NULL)
        its_sim_apply_set(s, set);
    return s;
}

static double conc_at(its_sim *s, double t)
{
    double y[3];
    its_sim_run(s, 0.0, t, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, y);
    return y[1];
}

static double par(its_sim *s, const char *name)
{
    double v = NAN;
    its_sim_get_param(s, name, &v);
    return v;
}

/* Rates of the two-compartment system. */
static void rates(its_sim *s, double *alpha, double *beta, double *k21)
{
    double v1 = par(s, "V1"), v2 = par(s, "V2"), cl = par(s, "CL"), q = par(s, "Q");
    double k10 = cl / v1, k12 = q / v1, sum, disc;
    *k21 = q / v2;
    sum = k10 + k12 + *k21;
    disc = sqrt(sum * sum - 4.0 * k10 * *k21);
    *alpha = 0.5 * (sum + disc);
    *beta = 0.5 * (sum - disc);
}

/* Default tolerances (rtol 1e-8): the closed forms agree to ~1e-7. */
#define PK_TOL 1e-6

static void test_one_compartment(void)
{
    its_sim *s = make("interferon_alfa_2b");
    const double D = 3.0, v = par(s, "V1"), k = par(s, "CL") / v;
    const double ka = par(s, "ka"), F = par(s, "F"), R = 5.0, T = 0.25;
    double c, want;

    its_sim_add_bolus(s, "iv", 0.0, D);
    its_test_rel(conc_at(s, 0.3), D / v * exp(-k * 0.3), PK_TOL, "1-cpt IV bolus: D/V e^{-kt}");
    its_sim_clear_doses(s);
    its_sim_add_infusion(s, "iv", 0.0, T, R);
    c = conc_at(s, 0.2);
    its_test_rel(c, R / (k * v) * (1.0 - exp(-k * 0.2)), PK_TOL, "1-cpt infusion, during");
    want = R / (k * v) * (1.0 - exp(-k * T)) * exp(-k * (0.4 - T));
    its_test_rel(conc_at(s, 0.4), want, PK_TOL, "1-cpt infusion, after");
    its_sim_clear_doses(s);
    its_sim_add_bolus(s, "sc", 0.0, D);
    want = F * D * ka / (v * (ka - k)) * (exp(-k * 0.5) - exp(-ka * 0.5));
    its_test_rel(conc_at(s, 0.5), want, PK_TOL, "1-cpt SC: Bateman function");
    its_sim_free(s);
}

static void test_two_compartment(void)
{
    its_sim *s = make("aldesleukin");
    const double D = 168.0, R = 40.0, v1 = par(s, "V1");
    double alpha, beta, k21, a, b, t = 0.05, want;
    rates(s, &alpha, &beta, &k21);
    a = D / v1 * (alpha - k21) / (alpha - beta);
    b = D / v1 * (k21 - beta) / (alpha - beta);
    its_sim_add_bolus(s, "iv", 0.0, D);
    its_test_rel(conc_at(s, t), a * exp(-alpha * t) + b * exp(-beta * t), PK_TOL,
                 "2-cpt IV bolus: A e^{-at} + B e^{-bt}");
    its_sim_clear_doses(s);
    its_sim_add_infusion(s, "iv", 0.0, 1.0, R);
    t = 0.3;
    want = R / v1 * ((alpha - k21) / (alpha * (alpha - beta)) * (1.0 - exp(-alpha * t)) +
                     (k21 - beta) / (beta * (alpha - beta)) * (1.0 - exp(-beta * t)));
    its_test_rel(conc_at(s, t), want, PK_TOL, "2-cpt IV infusion, during");
    its_sim_free(s);
}

/* Unit-sanity anchors derived from the Proleukin label and Konrad 1990. */
static void test_published_anchors(void)
{
    its_sim *s = make("aldesleukin");
    const its_agent *al = its_agent_find("aldesleukin");
    const its_patient p = {70.0, 175.0, ITS_BSA_MOSTELLER};
    double miu, nmol, alpha, beta, k21, frac_fast, c0_iu_per_ml, trough16, trough_ss;
    size_t i;

    its_dose_amount(al, "600000 IU/kg", &p, "MIU", &miu, NULL, 0);
    its_dose_amount(al, "600000 IU/kg", &p, "nmol", &nmol, NULL, 0);
    /* C0 = dose / V1: ~14,000 IU/mL (derived; 2 significant
     * figures: 5 %). */
    c0_iu_per_ml = miu * 1e6 / (par(s, "V1") * 1000.0);
    its_test_rel(c0_iu_per_ml, 14000.0, 0.05, "600,000 IU/kg: C0 ~14,000 IU/mL in V1");
    /* ~95 % of the concentration falls in the fast phase. */
    rates(s, &alpha, &beta, &k21);
    frac_fast = (alpha - k21) / (alpha - beta);
    its_test_rel(frac_fast, 0.95, 0.01, "fast-phase fraction ~0.95");
    /* And the simulated bolus falls ~95 % within the first hour. */
    its_sim_add_bolus(s, "iv", 0.0, nmol);
    its_test_true(conc_at(s, 1.0 / 24.0) < 0.1 * nmol / par(s, "V1"),
                  "concentration falls > 90 %% within the first hour");
    its_sim_free(s);

    /* Pembrolizumab 200 mg q3w: steady state in ~4-5 half-lives (~16 weeks):
     * the week-16 trough is within 10 % of the steady-state trough. */
    s = make("pembrolizumab");
    its_dose_amount(its_agent_find("pembrolizumab"), "200 mg", &p, "nmol", &nmol, NULL, 0);
    for (i = 0; i < 60; i++)
        its_sim_add_infusion(s, "iv", 21.0 * (double)i, 30.0 / 1440.0, nmol / (30.0 / 1440.0));
    trough16 = conc_at(s, 21.0 * 6.0 - 1e-6);   /* before dose 7: ~week 18 */
    trough_ss = conc_at(s, 21.0 * 50.0 - 1e-6); /* ~1,050 days */
    its_test_true(trough16 > 0.9 * trough_ss && trough16 < trough_ss,
                  "pembrolizumab trough at week 18 %.4g nM is 90-100 %% of steady state %.4g nM",
                  trough16, trough_ss);
    its_sim_free(s);
}

int main(void)
{
    test_one_compartment();
    test_two_compartment();
    test_published_anchors();
    return its_test_done();
}
