/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the trial statistics (include/itsim/survival.h) on small
 * published datasets with known answers: the acute myelogenous leukaemia
 * data of Miller (1981) as shipped in R's survival package (`aml`), with
 * the values R 4.2 / survival 3.5-3 prints for them (15 significant digits;
 * tolerance 1e-9 relative: the same arithmetic in another order), hand-
 * checkable curves for the median rules (plateaus at exactly 0.5), the
 * Wilson interval of R's prop.test and Newcombe's (1998) worked example
 * (published to 4 decimals), the cluster-robust Cox variance on aml and
 * on a paired design with a monotone stratified likelihood (R's coxph with
 * cluster()), bad input and allocation failure. The
 * comparison with R on larger random tables is tests/r/ (ctest
 * survival_vs_r). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "itsim/survival.h"
#include "its_test.h"

/* aml: time (weeks), status, x (0 = Maintained, 1 = Nonmaintained). */
static const double AML_T[23] = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5,
                                 5, 8,  8,  12, 16, 23, 27, 30, 33, 43, 45};
static const int AML_E[23] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
static const int AML_X[23] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

static const double RTOL = 1e-9;

static void expect_nan(double v, const char *what)
{
    its_test_true(isnan(v), "%s is NaN (not reached), got %g", what, v);
}

static void test_km_aml(void)
{
    its_km *km = NULL;
    its_km_row r;
    its_estimate e;
    double se;
    char msg[200];
    /* R: survfit(Surv(time, status) ~ 1, data = aml[aml$x == "Maintained", ]) */
    its_test_true(its_km_create(AML_T, AML_E, 11, 0.95, &km, msg, sizeof msg) == ITS_OK &&
                      msg[0] == '\0', "KM of aml Maintained: %s", msg);
    its_test_true(its_km_nrows(km) == 10, "10 distinct times, got %zu", its_km_nrows(km));
    its_km_get_row(km, 5, &r);
    its_test_true(r.t == 31.0 && r.n_risk == 5 && r.n_event == 1 && r.n_censor == 0,
                  "row 6: t 31, 5 at risk, 1 event");
    its_test_rel(r.surv, 0.490909090909091, RTOL, "S(31)");
    its_test_rel(r.se_log, 0.3344677665615730, RTOL, "std.err (log S) at 31");
    its_test_rel(r.ci_low, 0.2548599511993173, RTOL, "lower 95 %% at 31");
    its_test_rel(r.ci_high, 0.945584955200429, RTOL, "upper 95 %% at 31");
    its_km_get_row(km, 9, &r);
    its_test_rel(r.ci_low, 0.0359178984891853, RTOL, "lower 95 %% at 161 (censored)");
    its_test_true(its_km_get_quantile(km, 0.5, &e) == ITS_OK, "median");
    its_test_rel(e.value, 31.0, RTOL, "median of Maintained (R: 31)");
    its_test_rel(e.ci_low, 18.0, RTOL, "median lower limit (R: 18)");
    expect_nan(e.ci_high, "median upper limit (R: NA)");
    /* R: summary(fit, times = c(10, 30)) */
    its_km_get_surv(km, 10.0, &e, &se);
    its_test_rel(e.value, 0.909090909090909, RTOL, "S(10)");
    its_test_rel(se, 0.0866784172041448, RTOL, "se of S(10)");
    its_test_rel(e.ci_low, 0.754133845081525, RTOL, "S(10) lower");
    its_test_rel(e.ci_high, 1.0, RTOL, "S(10) upper capped at 1");
    its_km_get_surv(km, 30.0, &e, &se);
    its_test_rel(se, 0.1526323310273120, RTOL, "se of S(30)");
    its_test_rel(e.ci_high, 0.999157600228473, RTOL, "S(30) upper");
    its_km_get_surv(km, 2.0, &e, &se);
    its_test_true(e.value == 1.0 && e.ci_low == 1.0 && se == 0.0, "S before the first time is 1");
    its_km_get_surv(km, 162.0, &e, &se);
    expect_nan(e.value, "S beyond the last time");
    its_km_free(km);

    its_km_create(AML_T + 11, AML_E + 11, 12, 0.95, &km, msg, sizeof msg);
    its_km_get_quantile(km, 0.5, &e);
    its_test_true(e.value == 23.0 && e.ci_low == 8.0 && isnan(e.ci_high),
                  "median of Nonmaintained 23 (8, NA) as R, got %g (%g, %g)", e.value, e.ci_low,
                  e.ci_high);
    its_km_free(km);
}

/* The plateau rules of R's quantile.survfit. */
static void test_km_plateaus(void)
{
    static const double t1[4] = {1, 2, 3, 4}, t3[6] = {1, 2, 3, 4, 5, 6};
    static const int e1[4] = {1, 1, 1, 1}, e2[4] = {1, 1, 0, 0}, e3[6] = {1, 0, 1, 0, 0, 1};
    static const int e4[5] = {1, 1, 0, 1, 1};
    static const double t4[5] = {1, 2, 2, 3, 4};
    its_km *km = NULL;
    its_estimate e;
    its_km_row r;
    /* S = 0.75, 0.5, 0.25, 0: the median is the middle of the plateau at 0.5 */
    its_km_create(t1, e1, 4, 0.95, &km, NULL, 0);
    its_km_get_quantile(km, 0.5, &e);
    its_test_rel(e.value, 2.5, 1e-15, "plateau at 0.5 from 2 to 3: median 2.5");
    its_km_free(km);
    /* S ends at 0.5 (censored at 3 and 4): midpoint to the last time, R's 3 */
    its_km_create(t1, e2, 4, 0.95, &km, NULL, 0);
    its_km_get_quantile(km, 0.5, &e);
    its_test_rel(e.value, 3.0, 1e-15, "curve ending at 0.5: median 3 (R)");
    its_test_rel(e.ci_low, 1.0, 1e-15, "its lower limit 1 (R)");
    its_km_free(km);
    /* S = 5/6, 5/6, 0.625, ..., 0: median 6, CI (3, NA) (R) */
    its_km_create(t3, e3, 6, 0.95, &km, NULL, 0);
    its_km_get_quantile(km, 0.5, &e);
    its_test_true(e.value == 6.0 && e.ci_low == 3.0 && isnan(e.ci_high),
                  "median 6 (3, NA), got %g (%g, %g)", e.value, e.ci_low, e.ci_high);
    its_km_free(km);
    /* S reaches 0: R's std.err Inf, limits NA */
    its_km_create(t4, e4, 5, 0.95, &km, NULL, 0);
    its_km_get_row(km, 3, &r);
    its_test_true(r.surv == 0.0 && isinf(r.se_log) && isnan(r.ci_low) && isnan(r.ci_high),
                  "S = 0: se_log Inf, limits NaN");
    its_km_get_row(km, 2, &r);
    its_test_rel(r.se_log, 0.7958224, 1e-7, "std.err at 3 (R 0.7958224)");
    its_km_get_quantile(km, 0.5, &e);
    its_test_true(e.value == 3.0 && e.ci_low == 2.0 && isnan(e.ci_high),
                  "median 3 (2, NA) as R, got %g (%g, %g)", e.value, e.ci_low, e.ci_high);
    its_km_free(km);
}

static void test_compare_aml(void)
{
    its_logrank_result lr;
    its_cox_result c;
    static const int strata[23] = {0};
    char msg[200];
    /* R: survdiff(Surv(time, status) ~ x, data = aml) */
    its_test_true(its_logrank(AML_T, AML_E, AML_X, NULL, 23, &lr, msg, sizeof msg) == ITS_OK,
                  "log-rank: %s", msg);
    its_test_rel(lr.chisq, 3.39638869897760, RTOL, "log-rank chi-square");
    its_test_rel(lr.expected[0], 10.68933599230072, RTOL, "expected, Maintained");
    its_test_rel(lr.variance, 4.00755074593873, RTOL, "variance");
    its_test_true(lr.observed[0] == 7.0 && lr.observed[1] == 11.0, "observed 7 and 11");
    its_test_abs(lr.p, 0.06533932204, 1e-11, "log-rank p (R 0.06533932204)");
    its_logrank(AML_T, AML_E, AML_X, strata, 23, &lr, NULL, 0);
    its_test_rel(lr.chisq, 3.39638869897760, RTOL, "one stratum: the same chi-square");
    /* R: coxph(Surv(time, status) ~ x, data = aml) (Efron), and ties = "breslow" */
    its_test_true(its_cox_binary(AML_T, AML_E, AML_X, NULL, 23, ITS_TIES_EFRON, 0.95, &c, msg,
                                 sizeof msg) == ITS_OK, "Cox (Efron): %s", msg);
    its_test_rel(c.beta, 0.915532575014718, RTOL, "Efron beta");
    its_test_rel(c.se, 0.511934275172005, RTOL, "Efron se");
    its_test_rel(c.loglik0, -42.724839262760220, RTOL, "Efron loglik at 0");
    its_test_rel(c.loglik, -41.032615596458378, RTOL, "Efron loglik");
    its_test_rel(c.hr.ci_low, 0.915907257436408, RTOL, "HR lower");
    its_test_rel(c.hr.ci_high, 6.813495766063302, RTOL, "HR upper");
    its_test_true(c.events == 18, "18 events");
    its_cox_binary(AML_T, AML_E, AML_X, NULL, 23, ITS_TIES_BRESLOW, 0.95, &c, NULL, 0);
    its_test_rel(c.beta, 0.904219723685700, RTOL, "Breslow beta");
    its_test_rel(c.se, 0.512247907304151, RTOL, "Breslow se");
    its_test_rel(c.loglik, -41.250114350068870, RTOL, "Breslow loglik");
    its_test_rel(c.hr.ci_high, 6.740992526166754, RTOL, "Breslow HR upper");
}

/* The cluster-robust variance on aml. R: coxph(Surv(time, status) ~ x,
 * data = aml, robust = TRUE) (every row its own cluster) and with +
 * cluster(cl), cl pairing row i of each arm (the 12th Nonmaintained row
 * alone): clusters of sizes 2 and 1. */
static const int AML_CL[23] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1,
                               2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

static void test_cox_robust_aml(void)
{
    its_cox_result c, s;
    int single[23], i, rev_x[23], rev_e[23], rev_cl[23];
    double rev_t[23];
    char msg[200];
    its_test_true(its_cox_binary_robust(AML_T, AML_E, AML_X, NULL, NULL, 23, ITS_TIES_EFRON,
                                        0.95, &c, msg, sizeof msg) == ITS_OK,
                  "robust Cox: %s", msg);
    its_test_rel(c.beta, 0.9155325750147176, RTOL, "robust: beta as without");
    its_test_rel(c.se, 0.5119342751720054, RTOL, "robust: se keeps the model-based one");
    its_test_rel(c.robust_se, 0.4645092044555940, RTOL, "robust se (R robust = TRUE)");
    its_test_rel(c.hr.ci_low, 1.0051243485869659, RTOL, "HR lower from the robust se");
    its_test_rel(c.hr.ci_high, 6.2087146027481515, RTOL, "HR upper from the robust se");
    its_test_rel(c.robust_score, 4.6914327278330150, RTOL, "robust score test");
    its_test_rel(c.p, 0.0487275860642226, RTOL, "Wald p with the robust se");
    its_test_true(c.clusters == 23, "23 singleton clusters, got %ld", c.clusters);
    /* independent rows: the sandwich estimates the same variance as the
     * model (here 0.46 against 0.51: same order, within a factor 2) */
    its_test_true(c.robust_se > 0.5 * c.se && c.robust_se < 2.0 * c.se,
                  "independent data: robust se %g near the model se %g", c.robust_se, c.se);
    for (i = 0; i < 23; i++)
        single[i] = 100 - 3 * i;
    its_cox_binary_robust(AML_T, AML_E, AML_X, NULL, single, 23, ITS_TIES_EFRON, 0.95, &s, NULL,
                          0);
    its_test_rel(s.robust_se, c.robust_se, 1e-12, "explicit singleton clusters = NULL");
    its_test_rel(s.robust_score, c.robust_score, 1e-12, "... and the same robust score");
    its_cox_binary_robust(AML_T, AML_E, AML_X, NULL, AML_CL, 23, ITS_TIES_EFRON, 0.95, &c, msg,
                          sizeof msg);
    its_test_rel(c.robust_se, 0.300977581530325, RTOL, "pairs as clusters: robust se (R)");
    its_test_rel(c.hr.ci_low, 1.384899197027980, RTOL, "pairs: HR lower (R)");
    its_test_rel(c.hr.ci_high, 4.506125957789501, RTOL, "pairs: HR upper (R)");
    its_test_rel(c.robust_score, 6.847222991293137, RTOL, "pairs: robust score (R)");
    its_test_true(c.clusters == 12, "12 clusters, got %ld", c.clusters);
    its_cox_binary_robust(AML_T, AML_E, AML_X, NULL, AML_CL, 23, ITS_TIES_BRESLOW, 0.95, &s,
                          NULL, 0);
    its_test_rel(s.beta, 0.90421972368570, RTOL, "pairs, Breslow: beta (R)");
    its_test_rel(s.robust_se, 0.30237329782798, RTOL, "pairs, Breslow: robust se (R)");
    its_test_rel(s.robust_score, 6.76098031531449, RTOL, "pairs, Breslow: robust score (R)");
    /* the rows in reverse order: the same fit */
    for (i = 0; i < 23; i++) {
        rev_t[i] = AML_T[22 - i];
        rev_e[i] = AML_E[22 - i];
        rev_x[i] = AML_X[22 - i];
        rev_cl[i] = AML_CL[22 - i];
    }
    its_cox_binary_robust(rev_t, rev_e, rev_x, NULL, rev_cl, 23, ITS_TIES_EFRON, 0.95, &s, NULL,
                          0);
    its_test_rel(s.robust_se, c.robust_se, 1e-12, "row order: the same robust se");
    its_test_rel(s.beta, c.beta, 1e-12, "row order: the same beta");
}

/* A paired design as a deterministic virtual trial makes it: arm 1 gives
 * every patient 1.5 times his arm-0 time (a tie at 90 across patients).
 * Stratified by patient the likelihood is monotone (R: beta -21.2 with a
 * warning): ERANGE here; the marginal model with patient clusters is
 * finite. R: coxph(Surv(time, status) ~ arm + cluster(id)). */
static void test_cox_paired_monotone(void)
{
    static const double t[12] = {30, 60, 90, 120, 150, 200, 45, 90, 135, 180, 225, 300};
    static const int e[12] = {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0};
    static const int arm[12] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    static const int id[12] = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6};
    its_cox_result c;
    char msg[200];
    its_test_true(its_cox_binary(t, e, arm, id, 12, ITS_TIES_EFRON, 0.95, &c, msg, sizeof msg) ==
                      ITS_ERANGE && isnan(c.hr.value),
                  "stratified by patient: monotone, ERANGE: %s", msg);
    its_test_true(its_cox_binary_robust(t, e, arm, NULL, id, 12, ITS_TIES_EFRON, 0.95, &c, msg,
                                        sizeof msg) == ITS_OK, "marginal: %s", msg);
    its_test_rel(c.beta, -0.574918301473398, RTOL, "marginal beta (R)");
    its_test_rel(c.se, 0.679890617453680, RTOL, "model se (R naive.var)");
    its_test_rel(c.robust_se, 0.276783878846137, RTOL, "robust se (R)");
    its_test_rel(c.hr.ci_low, 0.327127676750095, RTOL, "HR lower (R)");
    its_test_rel(c.hr.ci_high, 0.968088405931931, RTOL, "HR upper (R)");
    its_test_rel(c.robust_score, 2.264396265675291, RTOL, "robust score (R)");
    its_test_true(c.clusters == 6, "6 patients, got %ld", c.clusters);
}

/* Both arms of every patient with the same time: beta 0, robust se 0 and
 * the robust score 0/0: NaN, as R gives (coxph(Surv(time, event) ~ arm +
 * cluster(patient), ties = "efron"): coef 0, rscore NaN, var 0), not the
 * ratio of round-off. */
static void test_cox_paired_identical(void)
{
    static const double t[12] = {56, 112, 168, 56, 112, 56, 56, 112, 168, 56, 112, 56};
    static const int e[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    static const int arm[12] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    static const int id[12] = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6};
    its_cox_result c;
    char msg[200];
    its_status st = its_cox_binary_robust(t, e, arm, NULL, id, 12, ITS_TIES_EFRON, 0.95, &c, msg,
                                          sizeof msg);
    its_test_true(st == ITS_OK && fabs(c.beta) < 1e-12 && c.robust_se < 1e-12 &&
                      isnan(c.robust_score) && isnan(c.robust_score_p),
                  "identical pairs: beta %g, robust se %g, robust score %g (NaN)", c.beta,
                  c.robust_se, c.robust_score);
}

static void test_proportions(void)
{
    its_estimate e;
    char msg[200];
    /* R: prop.test(56, 70, correct = FALSE)$conf.int */
    its_wilson_interval(56, 70, 0.95, &e, msg, sizeof msg);
    its_test_rel(e.ci_low, 0.691833555037469, RTOL, "Wilson 56/70 lower");
    its_test_rel(e.ci_high, 0.876952607516370, RTOL, "Wilson 56/70 upper");
    its_wilson_interval(0, 10, 0.95, &e, msg, sizeof msg);
    its_test_true(e.value == 0.0 && e.ci_low == 0.0, "Wilson 0/10 starts at 0");
    its_test_rel(e.ci_high, 0.277532799862889, RTOL, "Wilson 0/10 upper");
    /* Newcombe 1998, Table II, example (a): 56/70 - 48/80, method 10:
     * +0.0524 to +0.3339 (4 decimals: tolerance 5e-5) */
    its_prop_diff_interval(56, 70, 48, 80, 0.95, &e, msg, sizeof msg);
    its_test_abs(e.value, 0.2, 1e-15, "difference 0.2");
    its_test_abs(e.ci_low, 0.0524, 5e-5, "Newcombe lower (published 0.0524)");
    its_test_abs(e.ci_high, 0.3339, 5e-5, "Newcombe upper (published 0.3339)");
    /* 0/10 - 0/20: from the Wilson upper limits 0.2775 (0/10) and 0.1611
     * (0/20), by hand: -0.1611 to +0.2775 */
    its_prop_diff_interval(0, 10, 0, 20, 0.95, &e, msg, sizeof msg);
    its_test_abs(e.ci_low, -0.1611, 5e-5, "Newcombe 0/10 - 0/20 lower (-0.1611)");
    its_test_abs(e.ci_high, 0.2775, 5e-5, "Newcombe 0/10 - 0/20 upper (0.2775)");
}

static void test_bad_input(void)
{
    static const double t[3] = {1, 2, 3}, tbad[3] = {1, -2, 3};
    static const int e[3] = {1, 0, 1}, ebad[3] = {1, 2, 1}, g[3] = {0, 1, 0}, g0[3] = {0, 0, 0};
    static const int gbad[3] = {0, 1, 3};
    its_km *km = (its_km *)&km;
    its_estimate est;
    its_logrank_result lr;
    its_cox_result c;
    char msg[200];
    its_test_true(its_km_create(tbad, e, 3, 0.95, &km, msg, sizeof msg) == ITS_EINVAL &&
                      km == NULL && strstr(msg, "observation 1") != NULL,
                  "negative time: EINVAL naming the observation: %s", msg);
    its_test_true(its_km_create(t, ebad, 3, 0.95, &km, msg, sizeof msg) == ITS_EINVAL,
                  "event flag 2: %s", msg);
    its_test_true(its_km_create(t, e, 0, 0.95, &km, msg, sizeof msg) == ITS_EINVAL, "n = 0");
    its_test_true(its_km_create(t, e, 3, 1.0, &km, msg, sizeof msg) == ITS_EINVAL,
                  "level 1: %s", msg);
    its_test_true(its_km_get_quantile(NULL, 0.5, &est) == ITS_EINVAL, "quantile of NULL");
    its_test_true(its_km_nrows(NULL) == 0, "nrows of NULL");
    its_km_free(NULL);
    its_test_true(its_logrank(t, e, gbad, NULL, 3, &lr, msg, sizeof msg) == ITS_EINVAL,
                  "group 3: %s", msg);
    its_test_true(its_logrank(t, e, g0, NULL, 3, &lr, msg, sizeof msg) == ITS_ERANGE &&
                      isnan(lr.p), "one group empty: ERANGE: %s", msg);
    its_test_true(its_cox_binary(t, e, g0, NULL, 3, ITS_TIES_EFRON, 0.95, &c, msg, sizeof msg) ==
                      ITS_ERANGE && isnan(c.hr.value), "Cox with one group: ERANGE: %s", msg);
    /* every event in group 1 before any in group 0: monotone likelihood */
    its_test_true(its_cox_binary(t, e, g, NULL, 3, ITS_TIES_EFRON, 0.95, &c, msg, sizeof msg) ==
                      ITS_ERANGE, "monotone likelihood: ERANGE: %s", msg);
    its_test_true(its_cox_binary(t, e, g, NULL, 3, (its_ties)7, 0.95, &c, msg, sizeof msg) ==
                      ITS_EINVAL, "unknown ties: %s", msg);
    its_test_true(its_cox_binary_robust(t, e, gbad, NULL, g, 3, ITS_TIES_EFRON, 0.95, &c, msg,
                                        sizeof msg) == ITS_EINVAL && isnan(c.robust_se),
                  "robust, group 3: EINVAL, NaN robust se: %s", msg);
    its_test_true(its_cox_binary_robust(t, e, g0, NULL, NULL, 3, ITS_TIES_EFRON, 0.95, &c, msg,
                                        sizeof msg) == ITS_ERANGE && isnan(c.robust_se),
                  "robust with one group: ERANGE: %s", msg);
    its_test_true(its_cox_binary_robust(t, e, g, NULL, NULL, 3, ITS_TIES_EFRON, 0.95, NULL, msg,
                                        sizeof msg) == ITS_EINVAL, "robust, no result: %s", msg);
    its_test_true(its_wilson_interval(4, 3, 0.95, &est, msg, sizeof msg) == ITS_EINVAL,
                  "x > n: %s", msg);
    its_test_true(its_prop_diff_interval(1, 3, 1, 0, 0.95, &est, msg, sizeof msg) == ITS_EINVAL,
                  "n2 = 0: %s", msg);
}

/* Every allocation failing in turn gives ITS_ENOMEM (no leak: ASan). */
static void test_alloc_fail(void)
{
    its_km *km = NULL;
    its_logrank_result lr;
    its_cox_result c;
    long n;
    int bad = 0;
    for (n = 1; n <= 3; n++) {
        its__alloc_fail_at(n, 0);
        if (its_km_create(AML_T, AML_E, 23, 0.95, &km, NULL, 0) != ITS_ENOMEM || km != NULL)
            bad++;
        its__alloc_fail_at(n, 0);
        if (n <= 2 && its_logrank(AML_T, AML_E, AML_X, NULL, 23, &lr, NULL, 0) != ITS_ENOMEM)
            bad++;
        its__alloc_fail_at(n, 0);
        if (n <= 2 && its_cox_binary(AML_T, AML_E, AML_X, NULL, 23, ITS_TIES_EFRON, 0.95, &c,
                                     NULL, 0) != ITS_ENOMEM)
            bad++;
    }
    for (n = 1; n <= 4; n++) { /* observations, risk rows, residuals, clusters */
        its__alloc_fail_at(n, 0);
        if (its_cox_binary_robust(AML_T, AML_E, AML_X, NULL, AML_CL, 23, ITS_TIES_EFRON, 0.95,
                                  &c, NULL, 0) != ITS_ENOMEM)
            bad++;
    }
    its__alloc_fail_at(0, 0);
    its_test_true(bad == 0, "each allocation failing gives ITS_ENOMEM (%d wrong)", bad);
}

int main(void)
{
    test_km_aml();
    test_km_plateaus();
    test_compare_aml();
    test_cox_robust_aml();
    test_cox_paired_monotone();
    test_cox_paired_identical();
    test_proportions();
    test_bad_input();
    test_alloc_fail();
    return its_test_done();
}
