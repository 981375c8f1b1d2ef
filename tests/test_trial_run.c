/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running a virtual trial (src/run/trial_run.c, src/io/trial_io.c): the
 * per-patient outcomes do not depend on the thread count or on an
 * interruption and resumption; a randomised trial gives each patient one
 * arm, a paired one every arm; a run that fails is an outcome row and the
 * trial goes on; a directory holding another trial is refused. */
#include "io/io.h"
#include "io/sqlite_adapter.h"
#include "run/run.h"
#include "core/core.h"
#include "its_test.h"
#include "itsim/itsim.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(c) its_test_true((c), "%s", #c)

/* A small trial on tme: 2 arms, half a year, a few drawn parameters. */
static const char small_trial[] =
    "model: tme\n"
    "patient: {weight: 70 kg, height: 175 cm, bsa: mosteller}\n"
    "clinical: {assess_every: 8 weeks, confirm_after: 28 d, stop_at_progression: true%s}\n"
    "trial:\n"
    "  name: run test\n"
    "  seed: 11\n"
    "  patients: %d\n"
    "  horizon: 180 d\n"
    "  design: %s\n"
    "  arms:\n"
    "    - {name: untreated}\n"
    "    - {name: anti-PD-1, regimen: pembrolizumab}\n"
    "population:\n"
    "  parameters:\n"
    "    tmb: {dist: lognormal, median: 15, gsd: 2}\n"
    "    lambda1: {dist: lognormal, median: 0.018 1/d, cv: 0.3}\n"
    "%s";

static its_trial *load_with(int patients, const char *design, const char *extra,
                            const char *clinical)
{
    char text[4096], msg[1024];
    its_trial *t = NULL;
    its_status st;
    snprintf(text, sizeof text, small_trial, clinical, patients, design, extra ? extra : "");
    st = its_trial_load_string(text, strlen(text), "test.yaml", &t, msg, sizeof msg);
    if (st != ITS_OK)
        fprintf(stderr, "load: %s\n", msg);
    CHECK(st == ITS_OK && t);
    return t;
}

static its_trial *load(int patients, const char *design, const char *extra)
{
    return load_with(patients, design, extra, "");
}

static void tmpdir(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/its_trial_run_%s_%ld", tag, (long)getpid());
}

static void rmdir_all(const char *dir)
{
    static const char *const files[] = {"trial.sqlite", "trial.sqlite-wal", "trial.sqlite-shm",
                                        "summary.json", "arms.csv", "outcomes.csv"};
    char p[512];
    size_t i;
    for (i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* The stored outcome rows of dir (t identifies the trial). */
static its__store_rows read_rows(its_trial *t, const char *dir)
{
    its__store_rows r;
    its__store *st = NULL;
    memset(&r, 0, sizeof r);
    CHECK(its__trial_open_store(t, dir, 1, 0, &st) == ITS_OK);
    CHECK(st && its__store_read(st, &r) == ITS_OK);
    CHECK(its__store_check(st) == ITS_OK);
    its__store_close(st);
    return r;
}

/* Two outcome tables equal bit for bit (NaN equal to NaN). */
static int same_num(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static int same_rows(const its__store_rows *a, const its__store_rows *b)
{
    size_t i, k;
    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++) {
        const its__outcome *x = &a->rows[i], *y = &b->rows[i];
        if (x->patient != y->patient || x->arm != y->arm || x->status != y->status ||
            x->best != y->best || !same_num(x->best_change, y->best_change) ||
            !same_num(x->ttr_days, y->ttr_days) || !same_num(x->dor_days, y->dor_days) ||
            !same_num(x->pfs_days, y->pfs_days) || x->pfs_event != y->pfs_event ||
            !same_num(x->os_days, y->os_days) || x->os_event != y->os_event ||
            x->doses_given != y->doses_given || x->doses_held != y->doses_held ||
            x->stats.steps != y->stats.steps || strcmp(x->message, y->message) != 0)
            return 0;
        for (k = 0; k < ITS_AE_NTERMS; k++)
            if (x->worst_grade[k] != y->worst_grade[k])
                return 0;
    }
    return 1;
}

static volatile sig_atomic_t g_stop;
static long g_stop_after;

static void stop_after(const its_trial_progress *p, void *user)
{
    (void)user;
    if (p->done - p->resumed >= g_stop_after)
        g_stop = 1;
}

static void test_threads_and_resume(void)
{
    char d1[256], d2[256], d3[256];
    its_trial *t = load(24, "paired", NULL);
    its_trial_opts o;
    its__store_rows r1, r2, r3;
    its_status st;

    tmpdir(d1, sizeof d1, "t1");
    tmpdir(d2, sizeof d2, "t2");
    tmpdir(d3, sizeof d3, "resume");
    rmdir_all(d1);
    rmdir_all(d2);
    rmdir_all(d3);
    its_trial_opts_default(&o);
    o.figures = 0;
    o.batch = 4;
    o.threads = 1;
    CHECK(its_trial_run(t, d1, &o) == ITS_OK);
    o.threads = 2;
    CHECK(its_trial_run(t, d2, &o) == ITS_OK);
    r1 = read_rows(t, d1);
    r2 = read_rows(t, d2);
    CHECK(r1.n == 48);
    CHECK(same_rows(&r1, &r2));
    printf("threads: 24 patients x 2 arms, 1 and 2 threads give identical rows\n");

    /* interrupted after 8 patients, then resumed (2 threads) */
    g_stop = 0;
    g_stop_after = 8;
    o.threads = 1;
    o.cancel = &g_stop;
    o.progress = stop_after;
    st = its_trial_run(t, d3, &o);
    CHECK(st == ITS_ECANCELLED);
    o.cancel = NULL;
    o.progress = NULL;
    o.threads = 2;
    /* without --resume the directory is refused: it holds the trial */
    CHECK(its_trial_run(t, d3, &o) == ITS_EINVAL);
    o.resume = 1;
    CHECK(its_trial_run(t, d3, &o) == ITS_OK);
    r3 = read_rows(t, d3);
    CHECK(same_rows(&r1, &r3));
    printf("resume: stopped after 8 patients, resumed on 2 threads: identical rows\n");
    its__store_rows_free(&r1);
    its__store_rows_free(&r2);
    its__store_rows_free(&r3);
    /* another seed is another trial: resume refused */
    CHECK(its_trial_set_seed(t, 12) == ITS_OK);
    st = its_trial_run(t, d3, &o);
    CHECK(st == ITS_EINVAL);
    printf("resume of another seed refused: %s\n", its_trial_errmsg(t));
    rmdir_all(d1);
    rmdir_all(d2);
    rmdir_all(d3);
    its_trial_free(t);
}

static void test_randomised(void)
{
    char d[256];
    its_trial *t = load(40, "randomised", NULL);
    its_trial_opts o;
    its__store_rows r;
    size_t i, n_arm[2] = {0, 0};
    tmpdir(d, sizeof d, "rand");
    rmdir_all(d);
    its_trial_opts_default(&o);
    o.figures = 0;
    o.threads = 2;
    CHECK(its_trial_run(t, d, &o) == ITS_OK);
    r = read_rows(t, d);
    CHECK(r.n == 40);
    for (i = 0; i < r.n; i++) {
        CHECK(r.rows[i].patient == (long)i);
        n_arm[r.rows[i].arm]++;
    }
    /* permuted blocks of 4 (twice the ratios' sum): exactly 20 and 20 */
    CHECK(n_arm[0] == 20 && n_arm[1] == 20);
    printf("randomised: 40 patients, one row each, arms 20/20\n");
    its__store_rows_free(&r);
    rmdir_all(d);
    its_trial_free(t);
}

static void test_failures(void)
{
    char d[256];
    its_trial *t;
    its_trial_opts o;
    its__store_rows r;
    size_t i;
    /* 50 steps cannot reach half a year: every run fails, the trial goes on */
    t = load(3, "paired", "simulate: {max_steps: 50}\n");
    tmpdir(d, sizeof d, "fail");
    rmdir_all(d);
    its_trial_opts_default(&o);
    o.figures = 0;
    CHECK(its_trial_run(t, d, &o) == ITS_OK);
    r = read_rows(t, d);
    CHECK(r.n == 6);
    for (i = 0; i < r.n; i++)
        CHECK(r.rows[i].status == ITS_ESOLVER && strstr(r.rows[i].message, "step") != NULL);
    printf("failures: %zu rows recorded with ITS_ESOLVER ('%s'), trial complete\n", r.n,
           r.n ? r.rows[0].message : "");
    its__store_rows_free(&r);
    rmdir_all(d);
    its_trial_free(t);
}

/* A drawn patient whose baseline cannot be grown (here: half the draws
 * have no vascular stimulation, b_ang 0, so the seed never outgrows its
 * first capillaries, and no immune cell is recruited: the tumour does not
 * reach its size within the 20 years of the longest history) has no
 * disease to treat: the draw is refused and replaced, as an implausible
 * one. */
static long g_rejected;
static void keep_rejected(const its_trial_progress *p, void *user)
{
    (void)user;
    g_rejected = p->rejected;
}

static void test_no_baseline_refused(void)
{
    char d[256];
    its_trial *t;
    its_trial_opts o;
    its__store_rows r;
    size_t i, n_pd = 0;
    t = load(6, "paired", "    f_precursor: {dist: fixed, value: 0}\n"
                          "    q_nk: {dist: fixed, value: 0}\n"
                          "    q_mon: {dist: fixed, value: 0}\n"
                          "    b_ang: {dist: discrete, values: [0, 0.0207], probs: [0.5, 0.5]}\n");
    tmpdir(d, sizeof d, "nobase");
    rmdir_all(d);
    its_trial_opts_default(&o);
    o.figures = 0;
    o.progress = keep_rejected;
    g_rejected = 0;
    CHECK(its_trial_run(t, d, &o) == ITS_OK);
    r = read_rows(t, d);
    CHECK(r.n == 12);
    for (i = 0; i < r.n; i++)
        n_pd += r.rows[i].status == ITS_OK;
    its_test_true(n_pd == 12, "no baseline: all %zu runs of the accepted patients ran", n_pd);
    its_test_true(g_rejected > 0, "no baseline: %ld draws refused and replaced", g_rejected);
    its__store_rows_free(&r);
    rmdir_all(d);
    its_trial_free(t);
}

/* A trial patient's run is reproduced by its resolved scenario: the draw
 * sets the lesions' vascular capacity too (K = 2C), which tme's history
 * grows over and the resolved scenario does not list; it must not change
 * the run either (it set the absolute tolerances once). */
static void test_resolved_reproduces(void)
{
    static const char text[] =
        "model: tme\n"
        "patient: {weight: 70 kg, height: 175 cm, bsa: mosteller}\n"
        "trial:\n"
        "  name: resolved\n"
        "  seed: 3\n"
        "  patients: 2\n"
        "  horizon: 30 d\n"
        "  design: paired\n"
        "  arms:\n"
        "    - {name: untreated}\n"
        "population:\n"
        "  parameters:\n"
        "    tmb: {dist: lognormal, median: 15, gsd: 2}\n"
        "  lesions:\n"
        "    count: {dist: discrete, values: [2], probs: [1]}\n"
        "    sites: {values: [lung, liver], probs: [0.5, 0.5]}\n"
        "    diameter: {dist: lognormal, median: 20 mm, cv: 0.5}\n";
    char msg[1024], d1[256], d2[256], p1[300], p2[300];
    its_trial *t = NULL;
    its__patient_draw *d = NULL;
    its_scenario *a = NULL, *sc = NULL;
    its_result *r1 = NULL, *r2 = NULL;
    its_output_opts o;
    char *f1 = NULL, *f2 = NULL;
    int ok = its_trial_load_string(text, strlen(text), "res.yaml", &t, msg, sizeof msg) == ITS_OK &&
             its__patient_draw_create(t, &d) == ITS_OK &&
             its__trial_draw(t, 1, 0, d, msg, sizeof msg) == ITS_OK &&
             (a = its__scenario_arm(t->sc, 0)) != NULL &&
             its__run_patient(a, &d->ovr, 1, NULL, &r1) == ITS_OK;
    tmpdir(d1, sizeof d1, "res1");
    tmpdir(d2, sizeof d2, "res2");
    rmdir_all(d1);
    rmdir_all(d2);
    its_output_opts_default(&o);
    o.render = 0;
    o.figures = 0;
    snprintf(p1, sizeof p1, "%s/scenario.resolved.yaml", d1);
    ok = ok && its_result_write(r1, d1, &o) == ITS_OK && its_scenario_create(&sc, NULL, 0) == ITS_OK &&
         its_scenario_load_file(sc, p1) == ITS_OK && its_scenario_run(sc, &r2) == ITS_OK &&
         its_result_write(r2, d2, &o) == ITS_OK;
    snprintf(p1, sizeof p1, "%s/timeseries.csv", d1);
    snprintf(p2, sizeof p2, "%s/timeseries.csv", d2);
    f1 = ok ? its_test_slurp(p1) : NULL;
    f2 = ok ? its_test_slurp(p2) : NULL;
    its_test_true(ok && f1 && f2 && strcmp(f1, f2) == 0,
                  "a drawn patient's run equals its resolved scenario's, byte for byte (%s)",
                  ok ? "" : msg);
    free(f1);
    free(f2);
    its_result_free(r1);
    its_result_free(r2);
    its_scenario_free(sc);
    if (a)
        its__scenario_arm_free(a);
    its__patient_draw_free(d);
    its_trial_free(t);
    rmdir_all(d1);
    rmdir_all(d2);
}

/* A trial's run keeps no rows; its read-outs must equal those of a run
 * that keeps them (a death must end both at the same time). */
static void test_rows_kept_or_not(void)
{
    /* a low lethal burden: some patients die within the half year */
    its_trial *t = load_with(6, "paired", NULL, ", lethal_burden: 1.2e10 cell");
    its__patient_draw *d = NULL;
    char msg[512];
    long p;
    size_t k;
    int same = 1, deaths = 0;
    CHECK(its__patient_draw_create(t, &d) == ITS_OK);
    for (p = 0; p < 6; p++) {
        CHECK(its__trial_draw(t, (uint64_t)p, 0, d, msg, sizeof msg) == ITS_OK);
        for (k = 0; k < its_trial_arm_count(t); k++) {
            its_scenario *a = its__scenario_arm(t->sc, k);
            its_result *r0 = NULL, *r1 = NULL;
            its_clinical_summary c0, c1;
            CHECK(its__run_patient(a, &d->ovr, 0, NULL, &r0) == ITS_OK);
            CHECK(its__run_patient(a, &d->ovr, 1, NULL, &r1) == ITS_OK);
            CHECK(its_result_get_clinical(r0, &c0) == ITS_OK);
            CHECK(its_result_get_clinical(r1, &c1) == ITS_OK);
            deaths += c1.os_event;
            same &= same_num(c0.os, c1.os) && c0.os_event == c1.os_event &&
                    same_num(c0.recist.pfs, c1.recist.pfs) && c0.recist.best == c1.recist.best &&
                    same_num(c0.death, c1.death);
            its_result_free(r0);
            its_result_free(r1);
            its__scenario_arm_free(a);
        }
    }
    its_test_true(same && deaths > 0,
                  "read-outs equal with and without rows (%d deaths among 12 runs)", deaths);
    its__patient_draw_free(d);
    its_trial_free(t);
}

/* Every allocation of running a trial (runner, workers, sink, read-outs)
 * failing in turn: ITS_ENOMEM or success, never a crash or a leak (ASan),
 * and a later run in the same directory (resume) still completes. */
static void test_alloc_fail(void)
{
    char d[256];
    its_trial *t = load(2, "paired", NULL);
    its_trial_opts o;
    long n, total = 0, bad = 0, ok_runs = 0;
    its_status st = ITS_ENOMEM;
    tmpdir(d, sizeof d, "alloc");
    its_trial_opts_default(&o);
    o.figures = 0;
    o.resume = 1;
    for (n = 1; n < 100000 && st == ITS_ENOMEM; n++) {
        rmdir_all(d);
        its__alloc_fail_at(n, 0);
        st = its_trial_run(t, d, &o);
        its__alloc_fail_at(0, 0);
        total++;
        if (st == ITS_OK)
            ok_runs++;
        else if (st != ITS_ENOMEM)
            bad++, fprintf(stderr, "allocation %ld: %s: %s\n", n, its_status_name(st),
                           its_trial_errmsg(t));
    }
    its_test_true(ok_runs == 1 && bad == 0 && total > 20,
                  "each of %ld allocations of a trial run failing gives ENOMEM (%ld other)",
                  total - 1, bad);
    /* on 2 threads (which thread's allocation fails varies): ENOMEM or
     * success, and never a hang (a thread without a worker once left the
     * other waiting at the work-sharing barrier) */
    o.threads = 2;
    bad = 0;
    for (n = 1; n < total + 20; n++) {
        rmdir_all(d);
        its__alloc_fail_at(n, 0);
        st = its_trial_run(t, d, &o);
        its__alloc_fail_at(0, 0);
        bad += st != ITS_OK && st != ITS_ENOMEM;
    }
    its_test_true(bad == 0, "2 threads: %ld allocations failing in turn: ENOMEM or success (%ld "
                            "other)", total + 19, bad);
    rmdir_all(d);
    its_trial_free(t);
}

/* --timeseries: the observables on the output grid of every run are
 * stored; the outcomes are those of a trial without them. */
static void test_timeseries(void)
{
    char d0[256], d1[256], path[300];
    its_trial *t = load(3, "paired", "simulate: {output_every: 30 d}\n");
    its_trial_opts o;
    its__store_rows r0, r1;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long rows = -1, names = -1;
    double tmin = -1, tmax = -1, burden0 = -1;
    tmpdir(d0, sizeof d0, "ts0");
    tmpdir(d1, sizeof d1, "ts1");
    rmdir_all(d0);
    rmdir_all(d1);
    its_trial_opts_default(&o);
    o.figures = 0;
    CHECK(its_trial_run(t, d0, &o) == ITS_OK);
    o.timeseries = 1;
    CHECK(its_trial_run(t, d1, &o) == ITS_OK);
    r0 = read_rows(t, d0);
    r1 = read_rows(t, d1);
    CHECK(same_rows(&r0, &r1));
    snprintf(path, sizeof path, "%s/trial.sqlite", d1);
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT name), min(t_days), "
                                 "max(t_days) FROM timeseries", -1, &q, NULL) == SQLITE_OK);
    if (q && sqlite3_step(q) == SQLITE_ROW) {
        rows = sqlite3_column_int64(q, 0);
        names = sqlite3_column_int64(q, 1);
        tmin = sqlite3_column_double(q, 2);
        tmax = sqlite3_column_double(q, 3);
    }
    sqlite3_finalize(q);
    q = NULL;
    CHECK(sqlite3_prepare_v2(db, "SELECT value FROM timeseries WHERE patient = 0 AND "
                                 "arm = 'untreated' AND name = 'burden' AND t_days = 0",
                             -1, &q, NULL) == SQLITE_OK);
    if (q && sqlite3_step(q) == SQLITE_ROW)
        burden0 = sqlite3_column_double(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    /* 7 grid times (0, 30, ..., 180) per run unless the patient died */
    its_test_true(names >= 8 && tmin == 0.0 && tmax == 180.0 && rows > 0 && rows <= 6 * 7 * names,
                  "time series: %ld values of %ld observables from day %g to %g", rows, names,
                  tmin, tmax);
    its_test_true(burden0 > 1e8, "burden of patient 0 at day 0 stored (%g cells)", burden0);
    its__store_rows_free(&r0);
    its__store_rows_free(&r1);
    rmdir_all(d0);
    rmdir_all(d1);
    its_trial_free(t);
}

int main(void)
{
    test_timeseries();
    test_alloc_fail();
    test_rows_kept_or_not();
    test_threads_and_resume();
    test_randomised();
    test_failures();
    test_no_baseline_refused();
    test_resolved_reproduces();
    return its_test_done();
}
