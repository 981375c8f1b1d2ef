/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The read-outs of a virtual trial from its outcome rows: per arm the
 * response rates with Wilson intervals, Kaplan-Meier medians and landmark
 * survival of PFS and OS, time to and duration of response, grade >= 3
 * toxicity and dose intensity; between arms the log-rank test (stratified
 * by patient in a paired design), the Cox hazard ratio (in a paired design
 * the marginal one with the patient-clustered robust interval, and the
 * conditional one stratified by patient) and the ORR difference. The statistics are those of include/itsim/survival.h; the
 * choices made here are in docs/trial.md, "Read-outs". */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "itsim/survival.h"
#include "run/run.h"

#define LEVEL 0.95

const double its__summary_landmark_months[ITS__SUMMARY_NLANDMARKS] = {6.0, 12.0, 24.0};

/* Scratch arrays of n entries, allocated once. */
typedef struct work {
    double *t;
    int *e, *g, *s;
} work;

static void nan_est(its_estimate *x)
{
    x->value = x->ci_low = x->ci_high = NAN;
}

/* x of n with its Wilson interval; NaN when n is 0. */
static its_status rate(long x, long n, its_estimate *out, char *msg, size_t msglen)
{
    if (n <= 0) {
        nan_est(out);
        return ITS_OK;
    }
    return its_wilson_interval(x, n, LEVEL, out, msg, msglen);
}

/* The median of m times (KM with Brookmeyer-Crowley interval) and, when
 * at != NULL, S at the landmarks. All NaN when m is 0. */
static its_status km_readout(const double *t, const int *e, size_t m, its_estimate *median,
                             its_estimate *at, char *msg, size_t msglen)
{
    its_km *km = NULL;
    its_status st;
    size_t j;

    nan_est(median);
    for (j = 0; at && j < ITS__SUMMARY_NLANDMARKS; j++)
        nan_est(&at[j]);
    if (m == 0)
        return ITS_OK;
    st = its_km_create(t, e, m, LEVEL, &km, msg, msglen);
    if (st == ITS_OK)
        st = its_km_get_quantile(km, 0.5, median);
    for (j = 0; st == ITS_OK && at && j < ITS__SUMMARY_NLANDMARKS; j++)
        st = its_km_get_surv(km, its__summary_landmark_months[j] * ITS__MONTH_DAYS, &at[j],
                             NULL);
    its_km_free(km);
    return st;
}

static int included(const its__outcome *r, size_t arm)
{
    return r->arm == arm && r->status == ITS_OK;
}

static int responder(const its__outcome *r)
{
    return r->best == ITS_RESP_CR || r->best == ITS_RESP_PR;
}

/* Counts of arm k: responses, failures, toxicity, dose intensity. */
static void arm_counts(const its__outcome *rows, size_t n, size_t k, its__arm_summary *a)
{
    double di = 0.0;
    size_t i, j;

    for (i = 0; i < n; i++) {
        const its__outcome *r = &rows[i];
        int any = 0;
        if (r->arm != k)
            continue;
        if (r->status != ITS_OK) {
            a->failures++;
            continue;
        }
        a->n++;
        switch (r->best) {
        case ITS_RESP_CR: a->n_cr++; break;
        case ITS_RESP_PR: a->n_pr++; break;
        case ITS_RESP_SD:
        case ITS_RESP_NONCR_NONPD: a->n_sd++; break;
        case ITS_RESP_PD: a->n_pd++; break;
        default: a->n_ne++; break;
        }
        for (j = 0; j < ITS_AE_NTERMS; j++) {
            if (r->worst_grade[j] < 0)
                continue;
            a->n_graded[j]++;
            if (r->worst_grade[j] >= 3) {
                a->n_grade3_term[j]++;
                any = 1;
            }
        }
        a->n_grade3 += any;
        if (r->doses_planned > 0) {
            a->n_dosed++;
            di += (double)r->doses_given / (double)r->doses_planned;
        }
    }
    a->dose_intensity = a->n_dosed > 0 ? di / (double)a->n_dosed : (double)NAN;
}

static its_status arm_rates(its__arm_summary *a, char *msg, size_t msglen)
{
    its_status st = ITS_OK;
    size_t j;

    if (st == ITS_OK) st = rate(a->n_cr + a->n_pr, a->n, &a->orr, msg, msglen);
    if (st == ITS_OK) st = rate(a->n_cr, a->n, &a->cr, msg, msglen);
    if (st == ITS_OK) st = rate(a->n_pr, a->n, &a->pr, msg, msglen);
    if (st == ITS_OK) st = rate(a->n_sd, a->n, &a->sd, msg, msglen);
    if (st == ITS_OK) st = rate(a->n_pd, a->n, &a->pd, msg, msglen);
    if (st == ITS_OK) st = rate(a->n_cr + a->n_pr + a->n_sd, a->n, &a->dcr, msg, msglen);
    if (st == ITS_OK) st = rate(a->n_grade3, a->n, &a->grade3, msg, msglen);
    for (j = 0; st == ITS_OK && j < ITS_AE_NTERMS; j++)
        st = rate(a->n_grade3_term[j], a->n_graded[j], &a->grade3_term[j], msg, msglen);
    return st;
}

/* Kaplan-Meier read-outs of arm k. what: 0 PFS, 1 OS, 2 time to response,
 * 3 duration of response. */
static size_t gather(const its__outcome *rows, size_t n, size_t k, int what, work *w)
{
    size_t i, m = 0;

    for (i = 0; i < n; i++) {
        const its__outcome *r = &rows[i];
        double t = what == 0 ? r->pfs_days : what == 1 ? r->os_days
                 : what == 2 ? r->ttr_days : r->dor_days;
        if (!included(r, k) || (what >= 2 && (!responder(r) || !(t >= 0.0) || !isfinite(t))))
            continue;
        w->t[m] = t;
        w->e[m] = what == 0 ? r->pfs_event : what == 1 ? r->os_event : what == 2 ? 1
                : r->dor_event;
        m++;
    }
    return m;
}

static its_status arm_times(const its__outcome *rows, size_t n, size_t k, its__arm_summary *a,
                            work *w, char *msg, size_t msglen)
{
    its_status st;
    size_t m;

    m = gather(rows, n, k, 0, w);
    st = km_readout(w->t, w->e, m, &a->pfs_median, a->pfs_at, msg, msglen);
    if (st == ITS_OK) {
        m = gather(rows, n, k, 1, w);
        st = km_readout(w->t, w->e, m, &a->os_median, a->os_at, msg, msglen);
    }
    if (st == ITS_OK) {
        m = gather(rows, n, k, 2, w);
        a->n_responders = (long)m;
        st = km_readout(w->t, w->e, m, &a->ttr_median, NULL, msg, msglen);
    }
    if (st == ITS_OK) {
        m = gather(rows, n, k, 3, w);
        st = km_readout(w->t, w->e, m, &a->dor_median, NULL, msg, msglen);
    }
    return st;
}

/* Rows of arms a (group 0) and b (group 1) for endpoint what (0 PFS, 1 OS),
 * with their patients (the strata or clusters of a paired design). */
static size_t gather_pair(const its__outcome *rows, size_t n, size_t a, size_t b, int what,
                          work *w)
{
    size_t i, m = 0;

    for (i = 0; i < n; i++) {
        const its__outcome *r = &rows[i];
        if (!included(r, a) && !included(r, b))
            continue;
        w->t[m] = what == 0 ? r->pfs_days : r->os_days;
        w->e[m] = what == 0 ? r->pfs_event : r->os_event;
        w->g[m] = r->arm == b;
        w->s[m] = (int)r->patient;
        m++;
    }
    return m;
}

/* The Cox HR of m gathered rows into *hr (NaN when not estimable):
 * paired and marginal: unstratified with patient clusters (robust CI);
 * paired and conditional: stratified by patient; otherwise unstratified. */
static its_status cox_hr(const work *w, size_t m, int paired, int conditional, its_estimate *hr,
                         double *robust_p, char *msg, size_t msglen)
{
    its_cox_result cox;
    its_status st;

    if (paired && !conditional)
        st = its_cox_binary_robust(w->t, w->e, w->g, NULL, w->s, m, ITS_TIES_EFRON, LEVEL, &cox,
                                   msg, msglen);
    else
        st = its_cox_binary(w->t, w->e, w->g, paired ? w->s : NULL, m, ITS_TIES_EFRON, LEVEL,
                            &cox, msg, msglen);
    if (st == ITS_OK)
        *hr = cox.hr;
    if (st == ITS_OK && robust_p != NULL)
        *robust_p = cox.robust_score_p;
    return st == ITS_ERANGE ? ITS_OK : st;
}

/* Log-rank p and Cox HRs of one endpoint: NaN when undefined. */
static its_status compare_endpoint(const its__outcome *rows, size_t n, its__arm_comparison *c,
                                   int what, work *w, char *msg, size_t msglen)
{
    its_logrank_result lr;
    its_status st;
    size_t m = gather_pair(rows, n, c->a, c->b, what, w);
    double *p = what == 0 ? &c->logrank_p_pfs : &c->logrank_p_os;
    its_estimate *hr = what == 0 ? &c->hr_pfs : &c->hr_os;
    its_estimate *hr_cond = what == 0 ? &c->hr_pfs_conditional : &c->hr_os_conditional;
    double *robust_p = what == 0 ? &c->robust_score_p_pfs : &c->robust_score_p_os;

    *p = *robust_p = NAN;
    nan_est(hr);
    nan_est(hr_cond);
    if (m == 0)
        return ITS_OK;
    st = its_logrank(w->t, w->e, w->g, c->stratified ? w->s : NULL, m, &lr, msg, msglen);
    if (st == ITS_OK)
        *p = lr.p;
    else if (st != ITS_ERANGE)
        return st;
    st = cox_hr(w, m, c->stratified, 0, hr, robust_p, msg, msglen);
    if (st == ITS_OK && c->stratified)
        st = cox_hr(w, m, 1, 1, hr_cond, NULL, msg, msglen);
    return st;
}

static its_status compare_arms(const its__outcome *rows, size_t n, const its__trial_summary *s,
                               its__arm_comparison *c, work *w, char *msg, size_t msglen)
{
    const its__arm_summary *x = &s->arms[c->a], *y = &s->arms[c->b];
    its_status st;

    c->stratified = s->design == ITS__TRIAL_PAIRED;
    st = compare_endpoint(rows, n, c, 0, w, msg, msglen);
    if (st == ITS_OK)
        st = compare_endpoint(rows, n, c, 1, w, msg, msglen);
    nan_est(&c->orr_diff);
    if (st == ITS_OK && x->n > 0 && y->n > 0)
        st = its_prop_diff_interval(y->n_cr + y->n_pr, y->n, x->n_cr + x->n_pr, x->n, LEVEL,
                                    &c->orr_diff, msg, msglen);
    return st;
}

static its_status check_rows(const its__outcome *rows, size_t n, size_t n_arms,
                             its__trial_design design, char *msg, size_t msglen)
{
    size_t i;

    if (n_arms == 0 || (n > 0 && rows == NULL)) {
        its__fmt(msg, msglen, "trial summary: no arms or no rows");
        return ITS_EINVAL;
    }
    for (i = 0; i < n; i++) {
        const its__outcome *r = &rows[i];
        const char *bad = NULL;
        if (r->arm >= n_arms)
            bad = "arm out of range";
        else if (r->status != ITS_OK)
            continue;
        else if (!isfinite(r->pfs_days) || r->pfs_days < 0.0 || !isfinite(r->os_days)
                 || r->os_days < 0.0)
            bad = "pfs_days and os_days must be finite and >= 0";
        else if ((r->pfs_event != 0 && r->pfs_event != 1) || (r->os_event != 0 && r->os_event != 1)
                 || (responder(r) && r->dor_event != 0 && r->dor_event != 1))
            bad = "an event flag is not 0 or 1";
        else if (design == ITS__TRIAL_PAIRED && (r->patient < INT_MIN || r->patient > INT_MAX))
            bad = "patient id beyond the range of a stratum (int)";
        if (bad) {
            its__fmt(msg, msglen, "trial summary: row %zu (patient %ld, arm %zu): %s", i,
                     r->patient, r->arm, bad);
            return ITS_EINVAL;
        }
    }
    return ITS_OK;
}

void its__trial_summary_free(its__trial_summary *s)
{
    if (!s)
        return;
    its__free(s->arms);
    its__free(s->comparisons);
    memset(s, 0, sizeof *s);
}

its_status its__trial_summarise(const its__outcome *rows, size_t n, size_t n_arms,
                                its__trial_design design, its__trial_summary *out,
                                char *msg, size_t msglen)
{
    work w = {0};
    its_status st;
    size_t k, b, c = 0, m = n > 0 ? n : 1;

    its__fmt(msg, msglen, "%s", "");
    if (!out)
        return ITS_EINVAL;
    memset(out, 0, sizeof *out);
    st = check_rows(rows, n, n_arms, design, msg, msglen);
    if (st != ITS_OK)
        return st;
    out->n_arms = n_arms;
    out->design = design;
    out->n_comparisons = n_arms * (n_arms - 1) / 2;
    out->arms = its__calloc(n_arms, sizeof *out->arms);
    out->comparisons = its__calloc(out->n_comparisons ? out->n_comparisons : 1,
                                   sizeof *out->comparisons);
    w.t = its__malloc(m * sizeof *w.t);
    w.e = its__malloc(m * sizeof *w.e);
    w.g = its__malloc(m * sizeof *w.g);
    w.s = its__malloc(m * sizeof *w.s);
    st = out->arms && out->comparisons && w.t && w.e && w.g && w.s ? ITS_OK : ITS_ENOMEM;
    for (k = 0; st == ITS_OK && k < n_arms; k++) {
        arm_counts(rows, n, k, &out->arms[k]);
        out->failures += out->arms[k].failures;
        st = arm_rates(&out->arms[k], msg, msglen);
        if (st == ITS_OK)
            st = arm_times(rows, n, k, &out->arms[k], &w, msg, msglen);
    }
    for (k = 0; st == ITS_OK && k < n_arms; k++)
        for (b = k + 1; st == ITS_OK && b < n_arms; b++, c++) {
            out->comparisons[c].a = k;
            out->comparisons[c].b = b;
            st = compare_arms(rows, n, out, &out->comparisons[c], &w, msg, msglen);
        }
    its__free(w.t);
    its__free(w.e);
    its__free(w.g);
    its__free(w.s);
    if (st == ITS_OK)
        its__fmt(msg, msglen, "%s", ""); /* an undefined test or HR is NaN, no error */
    if (st == ITS_ENOMEM)
        its__fmt(msg, msglen, "trial summary: out of memory");
    if (st != ITS_OK)
        its__trial_summary_free(out);
    return st;
}
