/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The summary of a trial written out: summary.json (the layout of
 * docs/trial.md, "summary.json"; fields may be added, never renamed) and
 * arms.csv (one row per arm, the same values flattened). The values come
 * from its__trial_summarise (src/run/trial_summary.c). */
#include "io/io.h"

#include <math.h>

/* The landmark suffixes of pfs_at / os_at (6, 12, 24 months). */
static const char *const landmark_key[ITS__SUMMARY_NLANDMARKS] = {"6m", "12m", "24m"};

static its_status check_args(FILE *fp, const char *const *arm_ids, const its__trial_summary *s,
                             char *msg, size_t msglen)
{
    size_t a;
    if (!fp || !arm_ids || !s || (s->n_arms && !s->arms)
        || (s->n_comparisons && !s->comparisons)) {
        its__fmt(msg, msglen, "trial summary: NULL argument");
        return ITS_EINVAL;
    }
    for (a = 0; a < s->n_arms; a++)
        if (!arm_ids[a]) {
            its__fmt(msg, msglen, "trial summary: arm %zu has no id", a);
            return ITS_EINVAL;
        }
    for (a = 0; a < s->n_comparisons; a++)
        if (s->comparisons[a].a >= s->n_arms || s->comparisons[a].b >= s->n_arms) {
            its__fmt(msg, msglen, "trial summary: comparison %zu names an arm out of range", a);
            return ITS_EINVAL;
        }
    return ITS_OK;
}

static its_status finish(FILE *fp, const char *what, char *msg, size_t msglen)
{
    if (fflush(fp) != 0 || ferror(fp)) {
        its__fmt(msg, msglen, "trial summary: writing %s failed", what);
        return ITS_EIO;
    }
    return ITS_OK;
}

/* ---- summary.json ---------------------------------------------------------- */

/* "key": {"value": v, "ci_low": l, "ci_high": h} (sep before it). */
static void json_est(FILE *fp, const char *sep, const char *key, its_estimate e)
{
    fprintf(fp, "%s\"%s\": {\"value\": ", sep, key);
    its__json_num(fp, e.value);
    fputs(", \"ci_low\": ", fp);
    its__json_num(fp, e.ci_low);
    fputs(", \"ci_high\": ", fp);
    its__json_num(fp, e.ci_high);
    fputc('}', fp);
}

/* "grade3plus_terms": {"term": {"value", "ci_low", "ci_high", "events",
 * "graded"}, ...} over the terms graded in at least one row. */
static void json_terms(FILE *fp, const its__arm_summary *x)
{
    size_t j;
    const char *sep = "";
    fputs(",\n      \"grade3plus_terms\": {", fp);
    for (j = 0; j < ITS_AE_NTERMS; j++) {
        its_estimate e = x->grade3_term[j];
        if (x->n_graded[j] == 0)
            continue;
        fputs(sep, fp);
        its__json_string(fp, its_ae_term_id((its_ae_term)j));
        fputs(": {\"value\": ", fp);
        its__json_num(fp, e.value);
        fputs(", \"ci_low\": ", fp);
        its__json_num(fp, e.ci_low);
        fputs(", \"ci_high\": ", fp);
        its__json_num(fp, e.ci_high);
        fprintf(fp, ", \"events\": %ld, \"graded\": %ld}", x->n_grade3_term[j], x->n_graded[j]);
        sep = ", ";
    }
    fputc('}', fp);
}

static void json_arm(FILE *fp, const char *id, const its__arm_summary *x)
{
    static const char *const nl = ",\n      ";
    char key[32];
    size_t k;

    fputs("    {\"id\": ", fp);
    its__json_string(fp, id);
    fprintf(fp, ", \"n\": %ld, \"failures\": %ld,\n      \"counts\": {\"cr\": %ld, \"pr\": %ld, "
                "\"sd\": %ld, \"pd\": %ld, \"ne\": %ld, \"responders\": %ld, \"grade3plus\": %ld}",
            x->n, x->failures, x->n_cr, x->n_pr, x->n_sd, x->n_pd, x->n_ne, x->n_responders,
            x->n_grade3);
    json_est(fp, nl, "orr", x->orr);
    json_est(fp, nl, "cr", x->cr);
    json_est(fp, nl, "pr", x->pr);
    json_est(fp, nl, "sd", x->sd);
    json_est(fp, nl, "pd", x->pd);
    json_est(fp, nl, "dcr", x->dcr);
    json_est(fp, nl, "grade3plus", x->grade3);
    json_est(fp, nl, "pfs_median_days", x->pfs_median);
    json_est(fp, nl, "os_median_days", x->os_median);
    for (k = 0; k < ITS__SUMMARY_NLANDMARKS; k++) {
        its__fmt(key, sizeof key, "pfs_%s", landmark_key[k]);
        json_est(fp, nl, key, x->pfs_at[k]);
    }
    for (k = 0; k < ITS__SUMMARY_NLANDMARKS; k++) {
        its__fmt(key, sizeof key, "os_%s", landmark_key[k]);
        json_est(fp, nl, key, x->os_at[k]);
    }
    json_est(fp, nl, "ttr_median_days", x->ttr_median);
    json_est(fp, nl, "dor_median_days", x->dor_median);
    json_terms(fp, x);
    fprintf(fp, "%s\"dosed\": %ld, \"dose_intensity\": ", nl, x->n_dosed);
    its__json_num(fp, x->dose_intensity);
    fputc('}', fp);
}

static void json_comparison(FILE *fp, const char *const *arm_ids, const its__arm_comparison *c)
{
    static const char *const nl = ",\n      ";
    fputs("    {\"arms\": [", fp);
    its__json_string(fp, arm_ids[c->a]);
    fputs(", ", fp);
    its__json_string(fp, arm_ids[c->b]);
    fprintf(fp, "], \"stratified\": %s,\n      \"logrank_p_pfs\": ",
            c->stratified ? "true" : "false");
    its__json_num(fp, c->logrank_p_pfs);
    fputs(", \"logrank_p_os\": ", fp);
    its__json_num(fp, c->logrank_p_os);
    json_est(fp, nl, "hr_os", c->hr_os);
    json_est(fp, nl, "hr_pfs", c->hr_pfs);
    json_est(fp, nl, "orr_difference", c->orr_diff);
    fputc('}', fp);
}

its_status its__trial_write_summary_json(FILE *fp, const char *trial_name, size_t patients,
                                         size_t accepted, size_t failures, double horizon_days,
                                         const char *const *arm_ids,
                                         const its__trial_summary *s, char *msg, size_t msglen)
{
    its__c_locale g;
    its_status st = check_args(fp, arm_ids, s, msg, msglen);
    size_t i;

    if (st != ITS_OK)
        return st;
    its__c_locale_enter(&g);
    fputs("{\"trial\": ", fp);
    its__json_string(fp, trial_name);
    fprintf(fp, ", \"design\": \"%s\", \"patients\": %zu, \"accepted\": %zu, \"failures\": %zu, "
                "\"horizon_days\": ",
            s->design == ITS__TRIAL_PAIRED ? "paired" : "randomised", patients, accepted,
            failures);
    its__json_num(fp, horizon_days);
    fputs(",\n  \"arms\": [", fp);
    for (i = 0; i < s->n_arms; i++) {
        fputs(i ? ",\n" : "\n", fp);
        json_arm(fp, arm_ids[i], &s->arms[i]);
    }
    fputs("],\n  \"comparisons\": [", fp);
    for (i = 0; i < s->n_comparisons; i++) {
        fputs(i ? ",\n" : "\n", fp);
        json_comparison(fp, arm_ids, &s->comparisons[i]);
    }
    fputs("]}\n", fp);
    its__c_locale_leave(&g);
    return finish(fp, "summary.json", msg, msglen);
}

/* ---- arms.csv -------------------------------------------------------------- */

/* The estimate columns of a row, in header order. */
#define N_EST (9 + 2 * ITS__SUMMARY_NLANDMARKS + 2)

static void arm_estimates(const its__arm_summary *x, its_estimate e[N_EST])
{
    size_t k, n = 0;
    e[n++] = x->orr;
    e[n++] = x->cr;
    e[n++] = x->pr;
    e[n++] = x->sd;
    e[n++] = x->pd;
    e[n++] = x->dcr;
    e[n++] = x->grade3;
    e[n++] = x->pfs_median;
    e[n++] = x->os_median;
    for (k = 0; k < ITS__SUMMARY_NLANDMARKS; k++)
        e[n++] = x->pfs_at[k];
    for (k = 0; k < ITS__SUMMARY_NLANDMARKS; k++)
        e[n++] = x->os_at[k];
    e[n++] = x->ttr_median;
    e[n++] = x->dor_median;
}

static void csv_num(FILE *fp, double x)
{
    fputc(',', fp);
    if (isfinite(x))
        its__num_exact(fp, x);
}

static void csv_header(FILE *fp)
{
    static const char *const est[] = {"orr", "cr", "pr", "sd", "pd", "dcr", "grade3plus",
                                      "pfs_median_days", "os_median_days"};
    size_t k;
    fputs("arm,n,failures,n_cr,n_pr,n_sd,n_pd,n_ne,n_responders,n_grade3plus,n_dosed", fp);
    for (k = 0; k < sizeof est / sizeof *est; k++)
        fprintf(fp, ",%s,%s_low,%s_high", est[k], est[k], est[k]);
    for (k = 0; k < ITS__SUMMARY_NLANDMARKS; k++)
        fprintf(fp, ",pfs_%s,pfs_%s_low,pfs_%s_high", landmark_key[k], landmark_key[k],
                landmark_key[k]);
    for (k = 0; k < ITS__SUMMARY_NLANDMARKS; k++)
        fprintf(fp, ",os_%s,os_%s_low,os_%s_high", landmark_key[k], landmark_key[k],
                landmark_key[k]);
    fputs(",ttr_median_days,ttr_median_days_low,ttr_median_days_high"
          ",dor_median_days,dor_median_days_low,dor_median_days_high,dose_intensity",
          fp);
    for (k = 0; k < ITS_AE_NTERMS; k++) {
        const char *t = its_ae_term_id((its_ae_term)k);
        fprintf(fp, ",grade3plus_%s,grade3plus_%s_low,grade3plus_%s_high", t, t, t);
    }
    fputc('\n', fp);
}

its_status its__trial_write_arms_csv(FILE *fp, const char *const *arm_ids,
                                     const its__trial_summary *s, char *msg, size_t msglen)
{
    its__c_locale g;
    its_status st = check_args(fp, arm_ids, s, msg, msglen);
    size_t a, k;

    if (st != ITS_OK)
        return st;
    its__c_locale_enter(&g);
    csv_header(fp);
    for (a = 0; a < s->n_arms; a++) {
        const its__arm_summary *x = &s->arms[a];
        its_estimate e[N_EST];
        its__csv_text(fp, arm_ids[a]);
        fprintf(fp, ",%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld", x->n, x->failures, x->n_cr,
                x->n_pr, x->n_sd, x->n_pd, x->n_ne, x->n_responders, x->n_grade3, x->n_dosed);
        arm_estimates(x, e);
        for (k = 0; k < N_EST; k++) {
            csv_num(fp, e[k].value);
            csv_num(fp, e[k].ci_low);
            csv_num(fp, e[k].ci_high);
            if (k == N_EST - 1)
                csv_num(fp, x->dose_intensity);
        }
        for (k = 0; k < ITS_AE_NTERMS; k++) {
            csv_num(fp, x->grade3_term[k].value);
            csv_num(fp, x->grade3_term[k].ci_low);
            csv_num(fp, x->grade3_term[k].ci_high);
        }
        fputc('\n', fp);
    }
    its__c_locale_leave(&g);
    return finish(fp, "arms.csv", msg, msglen);
}
