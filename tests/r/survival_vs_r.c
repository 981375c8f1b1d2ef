/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the trial statistics (include/itsim/survival.h) against R's
 * survival package on the same outcome tables (issue 11). Writes random
 * two-arm tables (Random123, fixed seeds: ties, censoring, strata, a
 * median not reached, heavy ties, paired designs with one stratum and one
 * cluster per patient: with ties, heavy censoring, a within-patient
 * ordering that is perfect (a monotone stratified likelihood, as in a
 * deterministic virtual trial), clusters of 1 to 4 rows) to a temporary
 * directory, runs tests/r/survival.R on them (survfit medians and CIs, S
 * at 6/12/24 months, survdiff plain and stratified, coxph Efron/Breslow/
 * stratified, the cluster-robust coxph(... + cluster(patient)) with its
 * robust se, CI, p and robust score test, robust = TRUE, Wilson and
 * Newcombe intervals), and compares every number with libitsim's: within 1e-6
 * relative, or absolute for p-values, log hazard ratios and differences of
 * proportions (which may be 0); NA in R must be NaN here. Exit 77 (ctest
 * SKIP_RETURN_CODE) when Rscript is not installed.
 * Usage: survival_vs_r SCRIPT.R */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Random123/philox.h>

#include "itsim/survival.h"
#include "run_r.h"

#define MAXROWS 400
#define MAXKEYS 2000
#define TOL 1e-6
#define NTABLES 11

/* cluster: the patient of a row (a row its own cluster when unpaired);
 * monotone: the within-patient ordering is perfect, so the model
 * stratified by patient is not estimable (R reports a diverging beta, we
 * NaN) and is not compared. */
typedef struct table {
    const char *name;
    size_t n;
    double time[MAXROWS];
    int event[MAXROWS], arm[MAXROWS], stratum[MAXROWS], cluster[MAXROWS];
    int monotone;
} table;

typedef struct kv {
    char key[96];
    double c, r;
    int have_r;
} kv;

static kv KEYS[MAXKEYS];
static size_t NKEYS;

static double u01(uint64_t purpose, uint64_t row, uint64_t what)
{
    philox4x64_key_t key = {{20261206u, purpose}};
    philox4x64_ctr_t ctr = {{row, what, 0, 0}};
    philox4x64_ctr_t r = philox4x64(ctr, key);
    return ((double)(r.v[0] >> 11) + 0.5) * 0x1.0p-53; /* (0, 1) */
}

/* A two-arm table: exponential event times with medians med[arm], frailty
 * (paired: shared by the two rows of a patient), uniform censoring over
 * [0, cens_max] and administrative censoring at `admin`, rounded to
 * multiples of `grain` days (ties). */
static void make_table(table *tb, const char *name, uint64_t purpose, size_t per_arm,
                       const double med[2], double cens_max, double admin, double grain,
                       int paired)
{
    size_t i;
    tb->name = name;
    tb->n = 2 * per_arm;
    for (i = 0; i < tb->n; i++) {
        size_t pat = paired ? i / 2 : i;
        int arm = paired ? (int)(i % 2) : (int)(i >= per_arm);
        double frail = paired ? -log(u01(purpose, pat, 9)) + 0.2 : 1.0;
        double te = -log(u01(purpose, i, 1)) * med[arm] / log(2.0) / frail;
        double tc = fmin(u01(purpose, i, 2) * cens_max, admin);
        double t = fmin(te, tc);
        tb->time[i] = fmax(grain, grain * round(t / grain));
        tb->event[i] = te <= tc;
        tb->arm[i] = arm;
        tb->stratum[i] = paired ? (int)pat : (int)(u01(purpose, i, 3) * 3.0);
        tb->cluster[i] = (int)pat;
    }
    tb->monotone = 0;
}

/* A paired table like a deterministic virtual trial: arm 1 multiplies
 * every patient's exponential time (median med0) by `gain`, so arm 1 is
 * the later one in every patient (with censoring at `admin` days, rounded
 * to `grain`): a monotone stratified likelihood. */
static void make_monotone(table *tb, const char *name, uint64_t purpose, size_t patients,
                          double med0, double gain, double admin, double grain)
{
    size_t i;
    tb->name = name;
    tb->n = 2 * patients;
    for (i = 0; i < tb->n; i++) {
        size_t pat = i / 2;
        int arm = (int)(i % 2);
        double te = -log(u01(purpose, pat, 1)) * med0 / log(2.0) * (arm ? gain : 1.0);
        double t = fmin(te, admin);
        tb->time[i] = fmax(grain, grain * round(t / grain));
        tb->event[i] = te <= admin;
        tb->arm[i] = arm;
        tb->stratum[i] = tb->cluster[i] = (int)pat;
    }
    tb->monotone = 1;
}

/* Clusters of 1 to 4 rows (a patient whose run failed in an arm, or who
 * was treated repeatedly), arms alternating within a patient, a shared
 * frailty, uniform censoring and ties (10-day grain); strata: 3 sites. */
static void make_unbalanced(table *tb, const char *name, uint64_t purpose, size_t rows)
{
    size_t i = 0, pat = 0;
    tb->name = name;
    while (i < rows) {
        size_t k, size = 1 + (size_t)(u01(purpose, pat, 7) * 4.0);
        double frail = -log(u01(purpose, pat, 9)) + 0.2;
        int first = u01(purpose, pat, 8) < 0.5;
        for (k = 0; k < size && i < rows; k++, i++) {
            int arm = (int)((first + k) % 2);
            double te = -log(u01(purpose, i, 1)) * (arm ? 300.0 : 180.0) / log(2.0) / frail;
            double tc = u01(purpose, i, 2) * 900.0;
            tb->time[i] = fmax(10.0, 10.0 * round(fmin(te, tc) / 10.0));
            tb->event[i] = te <= tc;
            tb->arm[i] = arm;
            tb->stratum[i] = (int)(u01(purpose, pat, 3) * 3.0);
            tb->cluster[i] = (int)pat;
        }
        pat++;
    }
    tb->n = rows;
    tb->monotone = 0;
}

/* By hand: arm 0's curve sits at exactly 0.5 from day 30 to day 50 (a
 * censoring at 40 inside the plateau): median (30 + 50) / 2 = 40; arm 1's
 * ends at exactly 0.5 (median to the last time). */
static void make_plateau(table *tb)
{
    static const double t[14] = {10, 20, 30, 40, 50, 60, 15, 25, 35, 45, 55, 65, 75, 85};
    static const int e[14] = {1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    size_t i;
    tb->name = "plateau";
    tb->n = 14;
    for (i = 0; i < tb->n; i++) {
        tb->time[i] = t[i];
        tb->event[i] = e[i];
        tb->arm[i] = i >= 6;
        tb->stratum[i] = (int)(i % 2);
        tb->cluster[i] = (int)i;
    }
    tb->monotone = 0;
}

static void put(const char *ds, const char *what, double v)
{
    if (NKEYS < MAXKEYS) {
        snprintf(KEYS[NKEYS].key, sizeof KEYS[NKEYS].key, "%s.%s", ds, what);
        KEYS[NKEYS].c = v;
        KEYS[NKEYS++].have_r = 0;
    }
}

static void put_est(const char *ds, const char *what, its_estimate e)
{
    char k[80];
    put(ds, what, e.value);
    snprintf(k, sizeof k, "%.60s_lo", what);
    put(ds, k, e.ci_low);
    snprintf(k, sizeof k, "%.60s_hi", what);
    put(ds, k, e.ci_high);
}

/* The cluster-robust Cox models of one table (cluster = patient). */
static int compute_robust(const table *tb, char *msg, size_t msglen)
{
    its_cox_result c;
    int rc = 0;
    rc |= its_cox_binary_robust(tb->time, tb->event, tb->arm, NULL, tb->cluster, tb->n,
                                ITS_TIES_EFRON, 0.95, &c, msg, msglen) != ITS_OK;
    put(tb->name, "cox_cluster.beta", c.beta);
    put(tb->name, "cox_cluster.se", c.robust_se);
    put(tb->name, "cox_cluster.naive_se", c.se);
    put_est(tb->name, "cox_cluster.hr", c.hr);
    put(tb->name, "cox_cluster.p", c.p);
    put(tb->name, "cox_cluster.rscore", c.robust_score);
    put(tb->name, "cox_cluster.rscore_p", c.robust_score_p);
    rc |= its_cox_binary_robust(tb->time, tb->event, tb->arm, NULL, tb->cluster, tb->n,
                                ITS_TIES_BRESLOW, 0.95, &c, msg, msglen) != ITS_OK;
    put(tb->name, "cox_cluster_breslow.beta", c.beta);
    put(tb->name, "cox_cluster_breslow.se", c.robust_se);
    put(tb->name, "cox_cluster_breslow.rscore", c.robust_score);
    /* every row its own cluster: R's robust = TRUE */
    rc |= its_cox_binary_robust(tb->time, tb->event, tb->arm, NULL, NULL, tb->n, ITS_TIES_EFRON,
                                0.95, &c, msg, msglen) != ITS_OK;
    put(tb->name, "cox_robust.se", c.robust_se);
    put(tb->name, "cox_robust.rscore", c.robust_score);
    if (!tb->monotone) {
        rc |= its_cox_binary_robust(tb->time, tb->event, tb->arm, tb->stratum, tb->cluster,
                                    tb->n, ITS_TIES_EFRON, 0.95, &c, msg, msglen) != ITS_OK;
        put(tb->name, "cox_cluster_strata.beta", c.beta);
        put(tb->name, "cox_cluster_strata.se", c.robust_se);
        put_est(tb->name, "cox_cluster_strata.hr", c.hr);
    }
    return rc;
}

/* libitsim's numbers for one table. */
static int compute(const table *tb)
{
    static const double months[3] = {182.625, 365.25, 730.5};
    static const char *mname[3] = {"s6", "s12", "s24"};
    double t[MAXROWS];
    int e[MAXROWS], a, j, rc = 0;
    size_t i, m;
    char k[80], msg[200];
    its_logrank_result lr;
    its_cox_result c;
    for (a = 0; a < 2; a++) {
        its_km *km = NULL;
        its_estimate est;
        for (i = 0, m = 0; i < tb->n; i++)
            if (tb->arm[i] == a) {
                t[m] = tb->time[i];
                e[m++] = tb->event[i];
            }
        if (its_km_create(t, e, m, 0.95, &km, msg, sizeof msg) != ITS_OK) {
            fprintf(stderr, "%s: its_km_create: %s\n", tb->name, msg);
            return 1;
        }
        its_km_get_quantile(km, 0.5, &est);
        snprintf(k, sizeof k, "arm%d.median", a);
        put_est(tb->name, k, est);
        for (j = 0; j < 3; j++) {
            its_km_get_surv(km, months[j], &est, NULL);
            snprintf(k, sizeof k, "arm%d.%s", a, mname[j]);
            put_est(tb->name, k, est);
        }
        its_km_free(km);
    }
    rc |= its_logrank(tb->time, tb->event, tb->arm, NULL, tb->n, &lr, msg, sizeof msg) != ITS_OK;
    put(tb->name, "logrank.chisq", lr.chisq);
    put(tb->name, "logrank.p", lr.p);
    rc |= its_logrank(tb->time, tb->event, tb->arm, tb->stratum, tb->n, &lr, msg, sizeof msg) !=
          ITS_OK;
    put(tb->name, "logrank_strata.chisq", lr.chisq);
    put(tb->name, "logrank_strata.p", lr.p);
    rc |= its_cox_binary(tb->time, tb->event, tb->arm, NULL, tb->n, ITS_TIES_EFRON, 0.95, &c, msg,
                         sizeof msg) != ITS_OK;
    put(tb->name, "cox_efron.beta", c.beta);
    put(tb->name, "cox_efron.se", c.se);
    put_est(tb->name, "cox_efron.hr", c.hr);
    put(tb->name, "cox_efron.loglik", c.loglik);
    put(tb->name, "cox_efron.p", c.p);
    rc |= its_cox_binary(tb->time, tb->event, tb->arm, NULL, tb->n, ITS_TIES_BRESLOW, 0.95, &c,
                         msg, sizeof msg) != ITS_OK;
    put(tb->name, "cox_breslow.beta", c.beta);
    put(tb->name, "cox_breslow.se", c.se);
    if (!tb->monotone) {
        rc |= its_cox_binary(tb->time, tb->event, tb->arm, tb->stratum, tb->n, ITS_TIES_EFRON,
                             0.95, &c, msg, sizeof msg) != ITS_OK;
        put(tb->name, "cox_strata.beta", c.beta);
        put(tb->name, "cox_strata.se", c.se);
        put_est(tb->name, "cox_strata.hr", c.hr);
        put(tb->name, "cox_strata.loglik", c.loglik);
    }
    rc |= compute_robust(tb, msg, sizeof msg);
    if (rc)
        fprintf(stderr, "%s: a comparison failed: %s\n", tb->name, msg);
    return rc;
}

/* Proportions: the same pairs as tests/r/survival.R. */
static void compute_props(void)
{
    static const long x[5][4] = {
        {56, 70, 48, 80}, {9, 10, 3, 10}, {0, 10, 0, 20}, {17, 60, 25, 60}, {1, 29, 0, 31}};
    int i;
    char k[40];
    for (i = 0; i < 5; i++) {
        its_estimate w, d;
        its_wilson_interval(x[i][0], x[i][1], 0.95, &w, NULL, 0);
        snprintf(k, sizeof k, "wilson%d", i + 1);
        put("props", k, w.value);
        snprintf(k, sizeof k, "wilson%d_lo", i + 1);
        put("props", k, w.ci_low);
        snprintf(k, sizeof k, "wilson%d_hi", i + 1);
        put("props", k, w.ci_high);
        its_prop_diff_interval(x[i][0], x[i][1], x[i][2], x[i][3], 0.95, &d, NULL, 0);
        snprintf(k, sizeof k, "diff%d", i + 1);
        put_est("props", k, d);
    }
}

static int write_tables(const char *path, const table *tbs, size_t ntb)
{
    FILE *fp = fopen(path, "w");
    size_t k, i;
    if (fp == NULL)
        return 1;
    fprintf(fp, "dataset,time,event,arm,stratum,cluster\n");
    for (k = 0; k < ntb; k++)
        for (i = 0; i < tbs[k].n; i++)
            fprintf(fp, "%s,%.17g,%d,%d,%d,%d\n", tbs[k].name, tbs[k].time[i],
                    tbs[k].event[i], tbs[k].arm[i], tbs[k].stratum[i], tbs[k].cluster[i]);
    return fclose(fp) != 0;
}

/* p-values, log hazard ratios and differences (which may be 0 or tiny)
 * are compared absolutely. */
static int absolute_key(const char *k)
{
    return strstr(k, ".p") != NULL || strstr(k, ".rscore_p") != NULL ||
           strstr(k, ".beta") != NULL || strstr(k, ".diff") != NULL;
}

static int read_r(const char *path)
{
    FILE *fp = fopen(path, "r");
    char key[96], val[64];
    size_t i;
    if (fp == NULL)
        return 1;
    while (fscanf(fp, "%95s %63s", key, val) == 2)
        for (i = 0; i < NKEYS; i++)
            if (strcmp(KEYS[i].key, key) == 0) {
                KEYS[i].r = strcmp(val, "NA") == 0 ? (double)NAN : strtod(val, NULL);
                KEYS[i].have_r = 1;
            }
    fclose(fp);
    return 0;
}

static int compare(void)
{
    size_t i;
    int bad = 0;
    double max_rel = 0.0, max_abs = 0.0;
    for (i = 0; i < NKEYS; i++) {
        const kv *k = &KEYS[i];
        int absk = absolute_key(k->key), ok;
        double err = fabs(k->c - k->r), scale = absk ? 1.0 : fabs(k->r);
        if (!k->have_r)
            ok = 0;
        else if (isnan(k->r) || isnan(k->c))
            ok = isnan(k->r) && isnan(k->c);
        else
            ok = err <= TOL * scale;
        if (ok && !isnan(k->r)) {
            if (absk)
                max_abs = fmax(max_abs, err);
            else if (k->r != 0.0)
                max_rel = fmax(max_rel, err / fabs(k->r));
        }
        printf("%s: %-34s itsim %.12g  R %.12g\n", ok ? "PASS" : "FAIL", k->key, k->c,
               k->have_r ? k->r : (double)NAN);
        bad += !ok;
    }
    printf("%zu numbers compared with R; max relative difference %.3g, max absolute "
           "difference (p, beta, differences) %.3g; %d outside 1e-6\n",
           NKEYS, max_rel, max_abs, bad);
    return bad != 0;
}

int main(int argc, char **argv)
{
    static table tbs[NTABLES];
    static const double m_base[2] = {180, 270}, m_nr[2] = {1500, 2500}, m_pair[2] = {200, 320};
    static const double m_small[2] = {60, 90};
    char dir[] = "/tmp/itsim_r.XXXXXX", data[64], out[64];
    char *probe[] = {"Rscript", "--version", NULL};
    int rc = 0, i;
    if (argc != 2) {
        fprintf(stderr, "usage: survival_vs_r SCRIPT.R\n");
        return 2;
    }
    if (run(probe) == 127) {
        printf("SKIP: Rscript not found: install R and its survival package "
               "(scripts/deps.sh test: r-base-core r-cran-survival)\n");
        return 77;
    }
    make_table(&tbs[0], "base", 1, 60, m_base, 900, 1e9, 1, 0);
    make_table(&tbs[1], "ties", 2, 80, m_base, 1e9, 720, 30, 0);
    make_table(&tbs[2], "notreached", 3, 50, m_nr, 1e9, 365, 1, 0);
    make_table(&tbs[3], "paired", 4, 40, m_pair, 800, 540, 1, 1);
    make_table(&tbs[4], "small", 5, 12, m_small, 200, 1e9, 10, 0);
    make_plateau(&tbs[5]);
    make_table(&tbs[6], "pair_ties", 6, 60, m_pair, 1e9, 720, 30, 1);
    make_table(&tbs[7], "pair_cens", 7, 50, m_pair, 300, 1e9, 1, 1);
    make_monotone(&tbs[8], "pair_monotone", 8, 40, 200, 1.6, 600, 1);
    make_monotone(&tbs[9], "pair_monotone_ties", 9, 30, 200, 1.3, 500, 20);
    make_unbalanced(&tbs[10], "unbalanced", 10, 150);
    for (i = 0; i < NTABLES; i++)
        rc |= compute(&tbs[i]);
    compute_props();
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(data, sizeof data, "%s/tables.csv", dir);
    snprintf(out, sizeof out, "%s/r.txt", dir);
    if (write_tables(data, tbs, NTABLES) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", data, strerror(errno));
        return 1;
    }
    {
        char *cmd[] = {"Rscript", "--vanilla", argv[1], data, out, NULL};
        int st = run(cmd);
        if (st != 0 || read_r(out) != 0) {
            fprintf(stderr, "FAIL: Rscript %s exited with %d (is r-cran-survival installed?)\n",
                    argv[1], st);
            rc = 1;
        }
    }
    rc |= compare();
    remove(data);
    remove(out);
    rmdir(dir);
    return rc;
}
