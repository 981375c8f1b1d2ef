/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trial read-outs (src/run/trial_summary.c) on hand-built outcome
 * rows whose counts are known exactly: response counts and their Wilson
 * intervals, Kaplan-Meier medians and landmarks equal to the statistics
 * API called on the same arrays, the paired hazard ratios (marginal with
 * patient clusters, conditional stratified by patient; a paired trial with
 * a monotone within-patient ordering), failed rows excluded and counted, bad rows refused, and every
 * allocation failure giving ITS_ENOMEM with nothing left behind. The
 * results are compared for equality (tolerance 0): the summary must make
 * the same calls on the same arrays. */
#include "run/run.h"
#include "core/core.h"
#include "its_test.h"

#include <string.h>

#define PER_ARM 10
#define N_ARMS 2
#define MAX_ROWS (N_ARMS * PER_ARM + N_ARMS)

/* Best responses per arm: arm 0 3 CR, 2 PR, 2 SD (one NONCR_NONPD), 2 PD,
 * 1 NE; arm 1 1 CR, 1 PR, 3 SD, 4 PD, 1 NE. */
static const its_response best[N_ARMS][PER_ARM] = {
    {ITS_RESP_CR, ITS_RESP_CR, ITS_RESP_CR, ITS_RESP_PR, ITS_RESP_PR, ITS_RESP_SD,
     ITS_RESP_NONCR_NONPD, ITS_RESP_PD, ITS_RESP_PD, ITS_RESP_NE},
    {ITS_RESP_CR, ITS_RESP_PR, ITS_RESP_SD, ITS_RESP_SD, ITS_RESP_SD, ITS_RESP_PD,
     ITS_RESP_PD, ITS_RESP_PD, ITS_RESP_PD, ITS_RESP_NE}};

/* The rows: patients 0..9 in each arm (paired: the same patients), or
 * 0..9 and 10..19 (randomised); with_failures adds a failed row per arm
 * whose times are garbage (NaN) to show it is not used. */
static size_t make_rows(its__outcome *rows, int paired, int with_failures)
{
    size_t n = 0, a, i, j;

    for (a = 0; a < N_ARMS; a++) {
        for (i = 0; i < PER_ARM; i++) {
            its__outcome *r = &rows[n++];
            double k = (double)i;
            memset(r, 0, sizeof *r);
            r->patient = (long)(paired ? i : a * PER_ARM + i);
            r->arm = a;
            r->status = ITS_OK;
            r->best = best[a][i];
            /* PFS: ties across arms, censoring, and pairs in either order
             * (arm 1 longer except for every third patient) */
            r->pfs_days = 60.0 * (k + 1.0) * (a == 0 ? 1.0 : i % 3 == 0 ? 0.7 : 1.5)
                        - 10.0 * (double)(i % 3);
            r->pfs_event = i % 4 != 3;
            r->os_days = r->pfs_days + 90.0 + 15.0 * k;
            r->os_event = i % 3 != 2;
            r->ttr_days = (r->best == ITS_RESP_CR || r->best == ITS_RESP_PR) ? 42.0 + 14.0 * k : (double)NAN;
            r->dor_days = isfinite(r->ttr_days) ? r->pfs_days - r->ttr_days + 5.0 : (double)NAN;
            r->dor_event = isfinite(r->ttr_days) && i != 1;
            r->doses_planned = 10;
            r->doses_given = 10 - (long)(i % 4) - (long)a;
            for (j = 0; j < ITS_AE_NTERMS; j++)
                r->worst_grade[j] = (int)((i + j + a) % 5);
            r->worst_grade[ITS_AE_NEUTROPENIA] = -1; /* not graded */
        }
        if (with_failures) {
            its__outcome *r = &rows[n++];
            memset(r, 0, sizeof *r);
            r->patient = 100 + (long)a;
            r->arm = a;
            r->status = ITS_ESOLVER;
            r->message = "CVODE failed";
            r->pfs_days = r->os_days = r->ttr_days = r->dor_days = NAN;
            r->best = ITS_RESP_CR;
            r->doses_planned = 10;
            for (j = 0; j < ITS_AE_NTERMS; j++)
                r->worst_grade[j] = 4;
        }
    }
    return n;
}

static int same(its_estimate x, its_estimate y)
{
    return (x.value == y.value || (isnan(x.value) && isnan(y.value)))
        && (x.ci_low == y.ci_low || (isnan(x.ci_low) && isnan(y.ci_low)))
        && (x.ci_high == y.ci_high || (isnan(x.ci_high) && isnan(y.ci_high)));
}

static void check_rate(its_estimate got, long x, long n, const char *what, size_t arm)
{
    its_estimate want;
    its_wilson_interval(x, n, 0.95, &want, NULL, 0);
    its_test_true(same(got, want), "arm %zu %s = %ld/%ld = %.4f [%.4f, %.4f] is Wilson's", arm,
                  what, x, n, got.value, got.ci_low, got.ci_high);
}

static void test_counts(const its__trial_summary *s)
{
    static const long want[N_ARMS][5] = {{3, 2, 2, 2, 1}, {1, 1, 3, 4, 1}};
    size_t a, j;

    for (a = 0; a < N_ARMS; a++) {
        const its__arm_summary *x = &s->arms[a];
        const long *w = want[a];
        long g3 = 0, graded = 0, g3t[ITS_AE_NTERMS] = {0}, i;
        double di = 0.0;
        its_test_true(x->n == PER_ARM && x->failures == 1, "arm %zu: n %ld, failures %ld", a,
                      x->n, x->failures);
        its_test_true(x->n_cr == w[0] && x->n_pr == w[1] && x->n_sd == w[2] && x->n_pd == w[3]
                          && x->n_ne == w[4],
                      "arm %zu: CR %ld PR %ld SD %ld PD %ld NE %ld", a, x->n_cr, x->n_pr, x->n_sd,
                      x->n_pd, x->n_ne);
        check_rate(x->orr, w[0] + w[1], PER_ARM, "ORR", a);
        check_rate(x->cr, w[0], PER_ARM, "CR", a);
        check_rate(x->pr, w[1], PER_ARM, "PR", a);
        check_rate(x->sd, w[2], PER_ARM, "SD", a);
        check_rate(x->pd, w[3], PER_ARM, "PD", a);
        check_rate(x->dcr, w[0] + w[1] + w[2], PER_ARM, "DCR", a);
        /* toxicity and dose intensity, recounted from the generator's formulas */
        for (i = 0; i < PER_ARM; i++) {
            int any = 0;
            for (j = 0; j < ITS_AE_NTERMS; j++) {
                int g = j == ITS_AE_NEUTROPENIA ? -1 : (int)(((size_t)i + j + a) % 5);
                if (g >= 3) {
                    g3t[j]++;
                    any = 1;
                }
            }
            g3 += any;
            di += (double)(10 - i % 4 - (long)a) / 10.0;
        }
        check_rate(x->grade3, g3, PER_ARM, "grade >= 3 (any term)", a);
        for (j = 0; j < ITS_AE_NTERMS; j++) {
            if (j == ITS_AE_NEUTROPENIA) {
                its_test_true(x->n_graded[j] == 0 && isnan(x->grade3_term[j].value),
                              "arm %zu: a term never graded has no rate (NaN)", a);
                continue;
            }
            graded += x->n_graded[j];
            check_rate(x->grade3_term[j], g3t[j], PER_ARM, its_ae_term_name((its_ae_term)j), a);
        }
        its_test_true(graded == (long)(ITS_AE_NTERMS - 1) * PER_ARM, "arm %zu: graded rows", a);
        its_test_abs(x->dose_intensity, di / PER_ARM, 1e-15,
                     "arm %zu: dose intensity (sum of given/planned over 10; rounding only)", a);
    }
}

/* The KM read-outs of arm a equal its_km on the same arrays. */
static void test_km(const its__outcome *rows, size_t n, const its__trial_summary *s)
{
    double t[MAX_ROWS];
    int e[MAX_ROWS];
    size_t a, i, m, what, j;

    for (a = 0; a < N_ARMS; a++)
        for (what = 0; what < 4; what++) {
            its_km *km = NULL;
            its_estimate med, at;
            const its__arm_summary *x = &s->arms[a];
            const its_estimate *got = what == 0 ? &x->pfs_median : what == 1 ? &x->os_median
                                    : what == 2 ? &x->ttr_median : &x->dor_median;
            for (i = m = 0; i < n; i++) {
                const its__outcome *r = &rows[i];
                int resp = r->best == ITS_RESP_CR || r->best == ITS_RESP_PR;
                if (r->arm != a || r->status != ITS_OK || (what >= 2 && !resp))
                    continue;
                t[m] = what == 0 ? r->pfs_days : what == 1 ? r->os_days
                     : what == 2 ? r->ttr_days : r->dor_days;
                e[m++] = what == 0 ? r->pfs_event : what == 1 ? r->os_event
                       : what == 2 ? 1 : r->dor_event;
            }
            its_km_create(t, e, m, 0.95, &km, NULL, 0);
            its_km_get_quantile(km, 0.5, &med);
            its_test_true(same(*got, med), "arm %zu endpoint %zu: median %.2f [%.2f, %.2f] as its_km (%zu rows)",
                          a, what, got->value, got->ci_low, got->ci_high, m);
            if (what >= 2) {
                its_test_true((what != 2 || x->n_responders == (long)m) && m > 0,
                              "arm %zu: %zu responders", a, m);
                its_km_free(km);
                continue;
            }
            for (j = 0; j < ITS__SUMMARY_NLANDMARKS; j++) {
                const its_estimate *g = what == 0 ? &x->pfs_at[j] : &x->os_at[j];
                double month = its__summary_landmark_months[j];
                its_km_get_surv(km, month * 30.4375, &at, NULL);
                its_test_true(same(*g, at), "arm %zu endpoint %zu: S(%g months = %g d) = %.4f",
                              a, what, month, month * 30.4375, g->value);
            }
            its_km_free(km);
        }
}

/* Between-arm results equal the API called directly; strata by patient
 * when paired. */
static void test_compare(const its__outcome *rows, size_t n, const its__trial_summary *s,
                         int paired)
{
    double t[MAX_ROWS];
    int e[MAX_ROWS], g[MAX_ROWS], st[MAX_ROWS];
    const its__arm_comparison *c = &s->comparisons[0];
    its_estimate d;
    size_t i, m, what;

    its_test_true(s->n_comparisons == 1 && c->a == 0 && c->b == 1 && c->stratified == paired,
                  "%s: one comparison, arms 0 and 1, stratified %d", paired ? "paired" : "randomised",
                  c->stratified);
    for (what = 0; what < 2; what++) {
        its_logrank_result lr;
        its_cox_result cox;
        for (i = m = 0; i < n; i++) {
            if (rows[i].status != ITS_OK)
                continue;
            t[m] = what == 0 ? rows[i].pfs_days : rows[i].os_days;
            e[m] = what == 0 ? rows[i].pfs_event : rows[i].os_event;
            g[m] = (int)rows[i].arm;
            st[m++] = (int)rows[i].patient;
        }
        its_logrank(t, e, g, paired ? st : NULL, m, &lr, NULL, 0);
        if (paired)
            its_cox_binary_robust(t, e, g, NULL, st, m, ITS_TIES_EFRON, 0.95, &cox, NULL, 0);
        else
            its_cox_binary(t, e, g, NULL, m, ITS_TIES_EFRON, 0.95, &cox, NULL, 0);
        its_test_true((what == 0 ? c->logrank_p_pfs : c->logrank_p_os) == lr.p,
                      "%s %s: log-rank p %.6f%s", paired ? "paired" : "randomised",
                      what ? "OS" : "PFS", lr.p, paired ? " stratified by patient" : "");
        its_test_true(same(what == 0 ? c->hr_pfs : c->hr_os, cox.hr) && isfinite(cox.hr.value),
                      "%s %s: HR %.4f [%.4f, %.4f] as its_cox_binary%s",
                      paired ? "paired" : "randomised", what ? "OS" : "PFS", cox.hr.value,
                      cox.hr.ci_low, cox.hr.ci_high,
                      paired ? "_robust, marginal with patient clusters" : "");
        if (paired) {
            its_cox_result cond;
            its_cox_binary(t, e, g, st, m, ITS_TIES_EFRON, 0.95, &cond, NULL, 0);
            its_test_true(same(what == 0 ? c->hr_pfs_conditional : c->hr_os_conditional,
                               cond.hr) && isfinite(cond.hr.value)
                              && cond.hr.value != cox.hr.value,
                          "paired %s: conditional HR %.4f as its_cox_binary with strata = "
                          "patient (differs from the marginal)", what ? "OS" : "PFS",
                          cond.hr.value);
            its_test_true((what == 0 ? c->robust_score_p_pfs : c->robust_score_p_os)
                              == cox.robust_score_p && isfinite(cox.robust_score_p),
                          "paired %s: robust score p %.4f of the marginal model",
                          what ? "OS" : "PFS", cox.robust_score_p);
            its_test_true(cox.hr.ci_low != exp(cox.beta - 1.959963984540054 * cox.se),
                          "paired %s: the marginal CI uses the robust se %.4f, not the model "
                          "se %.4f", what ? "OS" : "PFS", cox.robust_se, cox.se);
        } else {
            its_test_true(isnan(c->hr_pfs_conditional.value) && isnan(c->hr_os_conditional.ci_low)
                              && isnan(c->robust_score_p_os) && isnan(c->robust_score_p_pfs),
                          "randomised: no conditional HR, no robust score p (NaN)");
        }
    }
    its_prop_diff_interval(2, PER_ARM, 5, PER_ARM, 0.95, &d, NULL, 0);
    its_test_true(same(c->orr_diff, d), "ORR difference (arm 1 - arm 0) %.2f [%.4f, %.4f] is Newcombe's",
                  c->orr_diff.value, c->orr_diff.ci_low, c->orr_diff.ci_high);
}

static void test_design(int paired)
{
    its__outcome rows[MAX_ROWS], clean[MAX_ROWS];
    its__trial_summary s, s0;
    its__trial_design design = paired ? ITS__TRIAL_PAIRED : ITS__TRIAL_RANDOMISED;
    char msg[256];
    size_t n = make_rows(rows, paired, 1), n0 = make_rows(clean, paired, 0);
    its_status st = its__trial_summarise(rows, n, N_ARMS, design, &s, msg, sizeof msg);

    if (!its_test_true(st == ITS_OK && msg[0] == 0, "%s: summarise %d '%s'",
                       paired ? "paired" : "randomised", (int)st, msg))
        return;
    its_test_true(s.failures == 2 && s.n_arms == N_ARMS, "failures over arms: %ld", s.failures);
    test_counts(&s);
    /* by hand, arm 0: PFS 60, 110, 160, 240+, 290, 340, ... gives S = 0.9,
     * 0.8, 0.7, 0.7 * 5/6, 0.7 * 5/6 * 4/5 = 0.467 at 340 d; responders'
     * times to response 42, 56, 70, 84, 98 d; ORR 5/10 */
    its_test_true(s.arms[0].pfs_median.value == 340.0 && s.arms[0].ttr_median.value == 70.0
                      && s.arms[0].orr.value == 0.5 && s.arms[0].dcr.value == 0.7,
                  "arm 0 by hand: median PFS 340 d, median TTR 70 d, ORR 0.5, DCR 0.7");
    test_km(rows, n, &s);
    test_compare(rows, n, &s, paired);
    /* the failed rows change nothing but the failure counts */
    st = its__trial_summarise(clean, n0, N_ARMS, design, &s0, msg, sizeof msg);
    its_test_true(st == ITS_OK && s0.failures == 0 && s0.arms[0].failures == 0
                      && same(s0.arms[0].pfs_median, s.arms[0].pfs_median)
                      && same(s0.arms[1].orr, s.arms[1].orr)
                      && s0.arms[1].dose_intensity == s.arms[1].dose_intensity
                      && same(s0.comparisons[0].hr_os, s.comparisons[0].hr_os),
                  "without the failed rows: the same read-outs");
    its__trial_summary_free(&s0);
    its__trial_summary_free(&s);
}

/* A paired trial of deterministic patients: arm 1 lengthens every
 * patient's PFS and OS (times x 1.5). The conditional HR is not estimable
 * (monotone likelihood: NaN); the primary, marginal HR is. Regression: the
 * summary used to give only the conditional HR, NaN here. By hand the
 * marginal HR is below 1 and its robust CI holds it. */
static void test_paired_monotone(void)
{
    its__outcome rows[MAX_ROWS];
    its__trial_summary s;
    char msg[256];
    size_t n = make_rows(rows, 1, 0), i;
    its_status st;
    const its__arm_comparison *c;

    for (i = 0; i < n; i++) {
        const its__outcome *r0 = &rows[i % PER_ARM];
        if (rows[i].arm == 1) {
            rows[i].pfs_days = 1.5 * r0->pfs_days;
            rows[i].os_days = 1.5 * r0->os_days;
            rows[i].pfs_event = r0->pfs_event;
            rows[i].os_event = r0->os_event;
        }
    }
    st = its__trial_summarise(rows, n, N_ARMS, ITS__TRIAL_PAIRED, &s, msg, sizeof msg);
    if (!its_test_true(st == ITS_OK, "monotone paired: summarise %d '%s'", (int)st, msg))
        return;
    c = &s.comparisons[0];
    its_test_true(isnan(c->hr_os_conditional.value) && isnan(c->hr_pfs_conditional.value),
                  "monotone paired: the conditional HRs are NaN");
    its_test_true(c->hr_os.value < 1.0 && c->hr_os.ci_low < c->hr_os.value
                      && c->hr_os.ci_high > c->hr_os.value && c->hr_pfs.value < 1.0
                      && isfinite(c->hr_pfs.ci_high),
                  "monotone paired: marginal HR OS %.3f [%.3f, %.3f], PFS %.3f", c->hr_os.value,
                  c->hr_os.ci_low, c->hr_os.ci_high, c->hr_pfs.value);
    its_test_true(c->logrank_p_os < 0.01 && c->logrank_p_pfs < 0.01,
                  "monotone paired: stratified log-rank p OS %.2g, PFS %.2g", c->logrank_p_os,
                  c->logrank_p_pfs);
    its__trial_summary_free(&s);
}

static void test_bad_rows(void)
{
    its__outcome rows[MAX_ROWS];
    its__trial_summary s;
    char msg[256];
    size_t n = make_rows(rows, 0, 1);
    its_status st;

    rows[3].arm = 2;
    st = its__trial_summarise(rows, n, N_ARMS, ITS__TRIAL_RANDOMISED, &s, msg, sizeof msg);
    its_test_true(st == ITS_EINVAL && strstr(msg, "arm out of range") && s.arms == NULL,
                  "an arm out of range: EINVAL '%s'", msg);
    rows[3].arm = 0;
    rows[4].pfs_days = NAN;
    st = its__trial_summarise(rows, n, N_ARMS, ITS__TRIAL_RANDOMISED, &s, msg, sizeof msg);
    its_test_true(st == ITS_EINVAL && strstr(msg, "patient 4"), "a NaN PFS: EINVAL '%s'", msg);
    st = its__trial_summarise(rows, n, 0, ITS__TRIAL_RANDOMISED, &s, NULL, 0);
    its_test_true(st == ITS_EINVAL, "no arms: EINVAL");
    /* an arm without rows: NaN everywhere, no error */
    n = make_rows(rows, 0, 0);
    st = its__trial_summarise(rows, n, 3, ITS__TRIAL_RANDOMISED, &s, msg, sizeof msg);
    its_test_true(st == ITS_OK && msg[0] == '\0' && s.n_comparisons == 3 && s.arms[2].n == 0
                      && isnan(s.arms[2].orr.value) && isnan(s.arms[2].pfs_median.value)
                      && isnan(s.comparisons[1].logrank_p_pfs) && isnan(s.comparisons[1].hr_os.value)
                      && isnan(s.comparisons[1].orr_diff.value),
                  "an empty arm gives NaN read-outs (%d '%s')", (int)st, msg);
    its__trial_summary_free(&s);
}

static void test_alloc_fail(void)
{
    its__outcome rows[MAX_ROWS];
    its__trial_summary s;
    size_t n = make_rows(rows, 1, 1);
    long k, bad = 0, total = 0;
    its_status st = ITS_ENOMEM;

    for (k = 1; k < 10000 && st != ITS_OK; k++) {
        its__alloc_fail_at(k, 1);
        st = its__trial_summarise(rows, n, N_ARMS, ITS__TRIAL_PAIRED, &s, NULL, 0);
        if (st != ITS_OK) {
            total++;
            bad += st != ITS_ENOMEM || s.arms != NULL || s.comparisons != NULL;
        }
    }
    its__alloc_fail_at(0, 0);
    its_test_true(st == ITS_OK && total > 5 && bad == 0,
                  "each of %ld allocations failing gives ENOMEM, nothing kept (%ld bad)", total,
                  bad);
    its__trial_summary_free(&s);
}

int main(void)
{
    test_design(0);
    test_design(1);
    test_paired_monotone();
    test_bad_rows();
    test_alloc_fail();
    return its_test_done();
}
