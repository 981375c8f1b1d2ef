/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The summary of a trial written out: summary.json (the layout of
 * docs/trial.md, "summary.json"; fields may be added, never renamed) and
 * arms.csv (one row per arm, the same values flattened). The values come
 * from its__trial_summarise (src/run/trial_summary.c). */
#include "io/io.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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
    fputs(",\n      \"robust_score_p_pfs\": ", fp);
    its__json_num(fp, c->robust_score_p_pfs);
    fputs(", \"robust_score_p_os\": ", fp);
    its__json_num(fp, c->robust_score_p_os);
    json_est(fp, nl, "hr_os", c->hr_os);
    json_est(fp, nl, "hr_pfs", c->hr_pfs);
    json_est(fp, nl, "hr_os_conditional", c->hr_os_conditional);
    json_est(fp, nl, "hr_pfs_conditional", c->hr_pfs_conditional);
    json_est(fp, nl, "orr_difference", c->orr_diff);
    fputc('}', fp);
}

its_status its__trial_write_summary_json(FILE *fp, const char *trial_name, size_t patients,
                                         size_t accepted, size_t draws, size_t failures,
                                         double horizon_days,
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
    fprintf(fp, ", \"design\": \"%s\", \"patients\": %zu, \"accepted\": %zu, \"draws\": %zu, "
                "\"acceptance_rate\": ",
            s->design == ITS__TRIAL_PAIRED ? "paired" : "randomised", patients, accepted, draws);
    its__json_num(fp, draws > 0 ? (double)accepted / (double)draws : (double)NAN);
    fprintf(fp, ", \"failures\": %zu, \"horizon_days\": ", failures);
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

/* ---- outcomes.csv ---------------------------------------------------------- */

its_status its__write_file_atomic(const char *dir, const char *name, its__file_fill_fn fill,
                                  const void *ctx, char *msg, size_t msglen)
{
    char path[4096], tmp[4160], eb[128];
    int fd, bad;
    FILE *fp;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        its__fmt(msg, msglen, "%s/%s: path too long", dir, name);
        return ITS_EINVAL;
    }
    its__fmt(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    if ((fd = mkstemp(tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(msg, msglen, "%s: cannot write: %s", path, eb);
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return ITS_EIO;
    }
    (void)fchmod(fd, 0644);
    fill(ctx, fp);
    bad = fflush(fp) != 0 || ferror(fp);
    bad = fclose(fp) != 0 || bad;
    if (bad || rename(tmp, path) != 0) {
        its__errno_text(errno ? errno : EIO, eb, sizeof eb);
        its__fmt(msg, msglen, "%s: write failed: %s", path, eb);
        unlink(tmp);
        return ITS_EIO;
    }
    return ITS_OK;
}

typedef struct outcomes_ctx {
    const char *const *arm_ids;
    const its__outcome *rows;
    size_t n;
} outcomes_ctx;

static void outcomes_header(FILE *fp)
{
    static const char *const stats[] = {"steps", "rhs_evals", "jac_evals", "lin_setups",
                                        "err_test_fails", "nonlin_iters", "nonlin_conv_fails",
                                        "root_evals", "segments", "extinctions",
                                        "clip_restarts"};
    fputs("patient,arm,status,message,best_response,best_change,ttr_days,dor_days,dor_event,"
          "pfs_days,pfs_event,os_days,os_event,doses_planned,doses_given,doses_reduced,"
          "doses_held", fp);
    for (int k = 0; k < ITS_AE_NTERMS; k++)
        fprintf(fp, ",worst_grade_%s", its_ae_term_id((its_ae_term)k));
    for (size_t k = 0; k < sizeof stats / sizeof *stats; k++)
        fprintf(fp, ",%s", stats[k]);
    fputs(",t_reached_days,n_assessments,doses_planned_c1,doses_given_c1\n", fp);
}

static void outcomes_fill(const void *ctx, FILE *fp)
{
    const outcomes_ctx *c = ctx;
    its__c_locale g;
    its__c_locale_enter(&g);
    outcomes_header(fp);
    for (size_t i = 0; i < c->n; i++) {
        const its__outcome *o = &c->rows[i];
        const its_stats *x = &o->stats;
        fprintf(fp, "%ld,", o->patient);
        its__csv_text(fp, c->arm_ids[o->arm]);
        fprintf(fp, ",%s,", its_status_name(o->status));
        its__csv_text(fp, o->message != NULL ? o->message : "");
        fprintf(fp, ",%s", its__response_code(o->best));
        csv_num(fp, o->best_change);
        csv_num(fp, o->ttr_days);
        csv_num(fp, o->dor_days);
        fprintf(fp, ",%d", o->dor_event);
        csv_num(fp, o->pfs_days);
        fprintf(fp, ",%d", o->pfs_event);
        csv_num(fp, o->os_days);
        fprintf(fp, ",%d,%ld,%ld,%ld,%ld", o->os_event, o->doses_planned, o->doses_given,
                o->doses_reduced, o->doses_held);
        for (int k = 0; k < ITS_AE_NTERMS; k++)
            o->worst_grade[k] >= 0 ? fprintf(fp, ",%d", o->worst_grade[k]) : fputc(',', fp);
        fprintf(fp, ",%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld", x->steps, x->rhs_evals,
                x->jac_evals, x->lin_setups, x->err_test_fails, x->nonlin_iters,
                x->nonlin_conv_fails, x->root_evals, x->segments, x->extinctions,
                x->clip_restarts);
        csv_num(fp, x->t_reached);
        fprintf(fp, ",%zu,%ld,%ld\n", o->n_assess, o->doses_planned_c1, o->doses_given_c1);
    }
    its__c_locale_leave(&g);
}

its_status its__trial_write_outcomes_csv(const char *dir, const char *const *arm_ids,
                                         size_t n_arms, const its__outcome *rows, size_t n,
                                         char *msg, size_t msglen)
{
    outcomes_ctx c = {arm_ids, rows, n};
    if (dir == NULL || arm_ids == NULL || (n > 0 && rows == NULL)) {
        its__fmt(msg, msglen, "outcomes.csv: NULL argument");
        return ITS_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (rows[i].arm >= n_arms || arm_ids[rows[i].arm] == NULL) {
            its__fmt(msg, msglen, "outcomes.csv: row %zu (patient %ld) names arm %zu of %zu", i,
                     rows[i].patient, rows[i].arm, n_arms);
            return ITS_EINVAL;
        }
    }
    return its__write_file_atomic(dir, "outcomes.csv", outcomes_fill, &c, msg, msglen);
}

/* ---- comparisons.csv --------------------------------------------------------- */

static void csv_est(FILE *fp, its_estimate e)
{
    csv_num(fp, e.value);
    csv_num(fp, e.ci_low);
    csv_num(fp, e.ci_high);
}

its_status its__trial_write_comparisons_csv(FILE *fp, const char *const *arm_ids,
                                            const its__trial_summary *s, char *msg,
                                            size_t msglen)
{
    static const char *const est[] = {"hr_os", "hr_pfs", "hr_os_conditional",
                                      "hr_pfs_conditional", "orr_difference"};
    its__c_locale g;
    its_status st = check_args(fp, arm_ids, s, msg, msglen);
    size_t i, k;
    if (st != ITS_OK)
        return st;
    its__c_locale_enter(&g);
    fputs("arm_a,arm_b,stratified,logrank_p_pfs,logrank_p_os,robust_score_p_pfs,"
          "robust_score_p_os",
          fp);
    for (k = 0; k < sizeof est / sizeof *est; k++)
        fprintf(fp, ",%s,%s_low,%s_high", est[k], est[k], est[k]);
    fputc('\n', fp);
    for (i = 0; i < s->n_comparisons; i++) {
        const its__arm_comparison *c = &s->comparisons[i];
        its__csv_text(fp, arm_ids[c->a]);
        fputc(',', fp);
        its__csv_text(fp, arm_ids[c->b]);
        fprintf(fp, ",%d", c->stratified);
        csv_num(fp, c->logrank_p_pfs);
        csv_num(fp, c->logrank_p_os);
        csv_num(fp, c->robust_score_p_pfs);
        csv_num(fp, c->robust_score_p_os);
        csv_est(fp, c->hr_os);
        csv_est(fp, c->hr_pfs);
        csv_est(fp, c->hr_os_conditional);
        csv_est(fp, c->hr_pfs_conditional);
        csv_est(fp, c->orr_diff);
        fputc('\n', fp);
    }
    its__c_locale_leave(&g);
    return finish(fp, "comparisons.csv", msg, msglen);
}
