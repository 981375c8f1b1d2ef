/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trial store (src/io/sqlite_adapter.c): values round-trip bit for
 * bit, a failed batch leaves nothing, resume lists the complete patients
 * and refuses another trial, hostile strings are stored verbatim, every
 * allocation failure is ENOMEM without a leak, and a writer killed with
 * SIGKILL at seeded moments leaves a consistent store whose resumption
 * equals an uninterrupted run. */
#include "io/sqlite_adapter.h"
#include "core/core.h"
#include "its_test.h"

#include <Random123/philox.h>
#include <float.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N_ARMS 3
#define MAX_VALUES 8
#define MAX_ASSESS 8

static const char *const arm_ids[N_ARMS] = {"untreated", "hd_il2 'x'); DROP TABLE arms;--",
                                            "anti_pd1"};
static const char trial_text[] = "trial:\n  name: store test\n  seed: 42\n  patients: 2000\n";
static const char *const hostile[] = {"'); DROP TABLE outcomes;--", "a\"b'c;d\\e%s%n",
                                      "caf\xc3\xa9 \xe2\x88\x9e", "", "x' OR '1'='1"};

/* Random bits for (patient, arm, purpose), from Random123 (fixed key). */
static uint64_t bits(long patient, size_t arm, unsigned purpose)
{
    philox2x64_key_t key = {{UINT64_C(20261206)}};
    philox2x64_ctr_t ctr = {{(uint64_t)patient, (uint64_t)arm * 64u + purpose}};
    return philox2x64(ctr, key).v[0];
}

/* A double with all 53 bits of its mantissa random, in [lo, lo + span). */
static double draw(long patient, size_t arm, unsigned purpose, double lo, double span)
{
    return lo + span * ldexp((double)(bits(patient, arm, purpose) >> 11), -53);
}

typedef struct patient_buf {
    its__store_patient p;
    its__outcome out[N_ARMS];
    double day[N_ARMS][MAX_ASSESS], sum[N_ARMS][MAX_ASSESS];
    its__store_value val[MAX_VALUES];
    char names[MAX_VALUES][48];
} patient_buf;

/* 0..MAX_ASSESS assessments every 8 weeks or so, a missing sum (NaN) now
 * and then; day and sum have room for MAX_ASSESS. */
static void make_assessments(long id, size_t arm, its__outcome *o, double *day, double *sum)
{
    o->n_assess = (size_t)(bits(id, arm, 32) % (MAX_ASSESS + 1));
    o->assess_day = day;
    o->assess_sum_mm = sum;
    for (size_t k = 0; k < o->n_assess; k++) {
        day[k] = k == 0 ? 0.0 : 56.0 * (double)k + draw(id, arm, 33u + (unsigned)k, -7.0, 14.0);
        sum[k] = bits(id, arm, 41u + (unsigned)k) % 17 == 0 ? (double)NAN
                                                            : draw(id, arm, 49u + (unsigned)k,
                                                                   0.0, 300.0);
    }
}

static void make_outcome(long id, size_t arm, its__outcome *o, double *day, double *sum)
{
    memset(o, 0, sizeof *o);
    o->patient = id;
    o->arm = arm;
    o->status = bits(id, arm, 1) % 10 == 0 ? ITS_ESOLVER : ITS_OK;
    o->message = o->status == ITS_OK ? "" : hostile[bits(id, arm, 2) % 5];
    o->best = (its_response)(bits(id, arm, 3) % 6);
    if (o->best == ITS_RESP_NONCR_NONPD)
        o->best = ITS_RESP_SD;
    o->best_change = draw(id, arm, 4, -100.0, 300.0);
    o->ttr_days = o->best >= ITS_RESP_PR ? draw(id, arm, 5, 30.0, 300.0) : (double)NAN;
    o->dor_days = o->best >= ITS_RESP_PR ? draw(id, arm, 6, 0.0, 700.0) : (double)NAN;
    o->dor_event = o->best >= ITS_RESP_PR && bits(id, arm, 7) % 2;
    o->pfs_days = draw(id, arm, 8, 1.0, 720.0);
    o->pfs_event = (int)(bits(id, arm, 9) % 2);
    o->os_days = draw(id, arm, 10, 1.0, 720.0);
    o->os_event = (int)(bits(id, arm, 11) % 2);
    o->doses_planned = (long)(bits(id, arm, 12) % 185);
    o->doses_given = o->doses_planned / 2;
    o->doses_reduced = o->doses_planned / 5;
    o->doses_held = o->doses_planned - o->doses_given - o->doses_reduced;
    o->doses_planned_c1 = o->doses_planned / 3;
    o->doses_given_c1 = o->doses_planned_c1 / 2;
    for (int k = 0; k < ITS_AE_NTERMS; k++)
        o->worst_grade[k] = (int)(bits(id, arm, 13u + (unsigned)k) % 7) - 1;
    o->stats.steps = (long)(bits(id, arm, 30) % 100000);
    o->stats.rhs_evals = 2 * o->stats.steps + 7;
    o->stats.jac_evals = o->stats.steps / 13;
    o->stats.lin_setups = o->stats.steps / 5;
    o->stats.err_test_fails = 3;
    o->stats.nonlin_iters = o->stats.steps + 11;
    o->stats.nonlin_conv_fails = 1;
    o->stats.root_evals = 17;
    o->stats.segments = o->doses_planned + 1;
    o->stats.extinctions = (long)(bits(id, arm, 31) % 3);
    o->stats.clip_restarts = 0;
    o->stats.t_reached = o->os_days;
    make_assessments(id, arm, o, day, sum);
}

/* Patient id with every arm and 2..8 named values. */
static void make_patient(long id, patient_buf *b)
{
    size_t nv = 2 + (size_t)(bits(id, 0, 40) % (MAX_VALUES - 1));
    memset(b, 0, sizeof *b);
    for (size_t a = 0; a < N_ARMS; a++)
        make_outcome(id, a, &b->out[a], b->day[a], b->sum[a]);
    for (size_t i = 0; i < nv; i++) {
        snprintf(b->names[i], sizeof b->names[i], i == 1 ? "weight" : "p%zu%s", i,
                 i == 2 ? hostile[0] : "");
        b->val[i].name = b->names[i];
        b->val[i].unit = i == 1 ? "kg" : "1/d";
        b->val[i].kind = i == 1 ? ITS__VALUE_COVARIATE : ITS__VALUE_PARAMETER;
        b->val[i].value = draw(id, 0, 41u + (unsigned)i, -5.0, 10.0);
    }
    b->p.patient = id;
    b->p.accepted = 1;
    b->p.n_values = nv;
    b->p.values = b->val;
    b->p.n_outcomes = N_ARMS;
    b->p.outcomes = b->out;
}

/* Store patients [from, to) in batches of `batch`. */
static its_status write_range(its__store *st, long from, long to, long batch)
{
    patient_buf *buf = calloc((size_t)batch, sizeof *buf);
    its__store_patient *ps = calloc((size_t)batch, sizeof *ps);
    its_status ok = buf != NULL && ps != NULL ? ITS_OK : ITS_ENOMEM;
    for (long b0 = from; ok == ITS_OK && b0 < to; b0 += batch) {
        long n = to - b0 < batch ? to - b0 : batch;
        for (long i = 0; i < n; i++) {
            make_patient(b0 + i, &buf[i]);
            ps[i] = buf[i].p;
        }
        ok = its__store_write(st, ps, (size_t)n);
    }
    free(buf);
    free(ps);
    return ok;
}

static its__store_meta meta_of(const char *text, uint64_t seed, int timeseries)
{
    its__store_meta m = {text, seed, 2000, N_ARMS, arm_ids, timeseries};
    return m;
}

static void make_dir(char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/its_store_XXXXXX");
    if (mkdtemp(dir) == NULL)
        perror("mkdtemp");
}

static void remove_dir(const char *dir)
{
    static const char *const files[] = {"trial.sqlite", "trial.sqlite-wal", "trial.sqlite-shm"};
    char path[256];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Both NaN, or the same bits. */
static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static int same_outcome(const its__outcome *a, const its__outcome *b)
{
    int ok = a->patient == b->patient && a->arm == b->arm && a->status == b->status &&
             strcmp(a->message != NULL ? a->message : "", b->message) == 0 &&
             a->best == b->best && same_double(a->best_change, b->best_change) &&
             same_double(a->ttr_days, b->ttr_days) && same_double(a->dor_days, b->dor_days) &&
             a->dor_event == b->dor_event && same_double(a->pfs_days, b->pfs_days) &&
             a->pfs_event == b->pfs_event && same_double(a->os_days, b->os_days) &&
             a->os_event == b->os_event && a->doses_planned == b->doses_planned &&
             a->doses_given == b->doses_given && a->doses_reduced == b->doses_reduced &&
             a->doses_held == b->doses_held && a->doses_planned_c1 == b->doses_planned_c1 &&
             a->doses_given_c1 == b->doses_given_c1 &&
             same_double(a->stats.t_reached, b->stats.t_reached);
    its_stats sa = a->stats, sb = b->stats;
    sa.t_reached = sb.t_reached = 0.0;
    ok = ok && memcmp(&sa, &sb, sizeof sa) == 0;
    for (int k = 0; ok && k < ITS_AE_NTERMS; k++)
        ok = a->worst_grade[k] == b->worst_grade[k];
    ok = ok && a->n_assess == b->n_assess;
    for (size_t k = 0; ok && k < a->n_assess; k++)
        ok = same_double(a->assess_day[k], b->assess_day[k]) &&
             same_double(a->assess_sum_mm[k], b->assess_sum_mm[k]);
    return ok;
}

/* The read-back equals the generated outcomes of patients [0, n). */
static int rows_are_generated(const its__store_rows *r, long n)
{
    if (r->n != (size_t)n * N_ARMS)
        return 0;
    for (size_t i = 0; i < r->n; i++) {
        its__outcome want;
        double day[MAX_ASSESS], sum[MAX_ASSESS];
        make_outcome((long)(i / N_ARMS), i % N_ARMS, &want, day, sum);
        if (!same_outcome(&want, &r->rows[i])) {
            printf("      row %zu (patient %ld, arm %zu) differs\n", i, want.patient, want.arm);
            return 0;
        }
    }
    return 1;
}

/* 1 when *ids is 0, 1, ..., n-1. */
static int ids_are_prefix(const long *ids, size_t n_ids, long n)
{
    if (n_ids != (size_t)n)
        return 0;
    for (size_t i = 0; i < n_ids; i++)
        if (ids[i] != (long)i)
            return 0;
    return 1;
}

static sqlite3_int64 count_sql(const char *dir, const char *sql)
{
    char path[256];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    sqlite3_int64 v = -1;
    snprintf(path, sizeof path, "%s/trial.sqlite", dir);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* A stored value of a patient, by name (bound), NaN if absent. */
static double value_of(const char *dir, long patient, const char *name)
{
    char path[256];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    double v = NAN;
    snprintf(path, sizeof path, "%s/trial.sqlite", dir);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT value FROM patient_values WHERE patient = ?1 AND name = ?2",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_bind_int64(s, 1, patient) == SQLITE_OK &&
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* Counts and one value's column of patients [0, n). */
static void test_counts_values(its__store *st, long n)
{
    long patients = -1, accepted = -1, failures = -1, want_failures = 0, *ids = NULL;
    double *values = NULL;
    size_t nv = 0;
    int same = 1;
    its_status s;
    for (long i = 0; i < n; i++)
        for (size_t a = 0; a < N_ARMS; a++)
            want_failures += bits(i, a, 1) % 10 == 0;
    s = its__store_counts(st, &patients, &accepted, &failures);
    its_test_true(s == ITS_OK && patients == n && accepted == n && failures == want_failures,
                  "counts: %ld patients, %ld accepted, %ld failed runs (want %ld)", patients,
                  accepted, failures, want_failures);
    s = its__store_values(st, "weight", &ids, &values, &nv);
    for (size_t i = 0; s == ITS_OK && same && i < nv; i++) {
        patient_buf b;
        make_patient((long)i, &b);
        same = ids[i] == (long)i && same_double(values[i], b.val[1].value);
    }
    its_test_true(s == ITS_OK && nv == (size_t)n && same,
                  "the drawn weights of every patient, in patient order, bit for bit (%zu)", nv);
    its__free(ids);
    its__free(values);
    s = its__store_values(st, "no such value", &ids, &values, &nv);
    its_test_true(s == ITS_OK && nv == 0 && ids == NULL && values == NULL, "an unknown name: none");
}

/* Write, read back, values bit for bit, special doubles, hostile text. */
static void test_roundtrip(const char *dir)
{
    its__store_meta m = meta_of(trial_text, 42, 0);
    its__store *st = NULL;
    its__store_rows r = {0};
    long *ids = NULL;
    size_t n_ids = 0;
    char msg[512];
    patient_buf b;
    its_status s = its__store_open(dir, &m, 0, &st, msg, sizeof msg);
    its_test_true(s == ITS_OK && st != NULL && msg[0] == '\0', "open a new store (%s)", msg);
    if (st == NULL)
        return;
    its_test_true(write_range(st, 0, 20, 7) == ITS_OK, "20 patients in batches of 7 (%s)",
                  its__store_errmsg(st));
    its_test_true(its__store_read(st, &r) == ITS_OK && rows_are_generated(&r, 20),
                  "60 outcomes read back equal, doubles bit for bit, NaN as NaN, in patient/arm "
                  "order, hostile messages verbatim, assessments bit for bit");
    its_test_true(count_sql(dir, "SELECT count(*) FROM assessments") > 60,
                  "assessments stored (%lld rows)",
                  (long long)count_sql(dir, "SELECT count(*) FROM assessments"));
    its__store_rows_free(&r);
    make_patient(5, &b);
    for (size_t i = 0; i < b.p.n_values; i++)
        its_test_true(same_double(value_of(dir, 5, b.names[i]), b.val[i].value),
                      "patient 5 value '%s' bit for bit", b.names[i]);
    /* special doubles: subnormal, extremes, infinities; -0.0 comes back as
     * 0.0 (SQLite keeps an integral REAL as an integer: docs/trial.md) */
    make_patient(20, &b);
    b.out[0].best_change = 5e-324;
    b.out[0].ttr_days = DBL_MAX;
    b.out[0].dor_days = -DBL_MIN;
    b.out[0].pfs_days = (double)INFINITY;
    b.out[0].os_days = -0.0;
    b.out[0].best = ITS_RESP_NONCR_NONPD;
    s = its__store_write(st, &b.p, 1);
    if (s == ITS_OK && its__store_read(st, &r) == ITS_OK && r.n == 63) {
        const its__outcome *o = &r.rows[60];
        its_test_true(same_double(o->best_change, 5e-324) && same_double(o->ttr_days, DBL_MAX) &&
                          same_double(o->dor_days, -DBL_MIN) && o->pfs_days == (double)INFINITY,
                      "subnormal, DBL_MAX, -DBL_MIN and infinity round-trip");
        its_test_true(o->os_days == 0.0 && !signbit(o->os_days), "-0.0 is read back as 0.0");
        its_test_true(o->best == ITS_RESP_SD, "NON-CR/NON-PD is stored as SD");
    } else {
        its_test_true(0, "special doubles stored (%s)", its__store_errmsg(st));
    }
    its__store_rows_free(&r);
    s = its__store_complete(st, &ids, &n_ids);
    its_test_true(s == ITS_OK && ids_are_prefix(ids, n_ids, 21), "patients 0..20 complete (%zu)",
                  n_ids);
    its__free(ids);
    its_test_true(its__store_check(st) == ITS_OK, "store checks ok (%s)", its__store_errmsg(st));
    test_counts_values(st, 21);
    its__store_close(st);
    its_test_true(count_sql(dir, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") == 7,
                  "every table still there after the hostile strings");
    its_test_true(count_sql(dir, "SELECT count(*) FROM arms WHERE id = 'hd_il2 ''x''); DROP TABLE "
                                 "arms;--'") == 1,
                  "a hostile arm id stored verbatim");
    its_test_true(count_sql(dir, "SELECT count(*) FROM outcomes WHERE message = "
                                 "'''); DROP TABLE outcomes;--'") > 0,
                  "a hostile message stored verbatim");
}

/* A batch failing anywhere leaves nothing of itself. */
static void test_rollback(const char *dir)
{
    its__store_meta m = meta_of(trial_text, 42, 0);
    its__store *st = NULL;
    patient_buf b[4];
    its__store_patient ps[4];
    long *ids = NULL;
    size_t n_ids = 0;
    char msg[512];
    its_status s = its__store_open(dir, &m, 1, &st, msg, sizeof msg);
    its_test_true(s == ITS_OK, "resume the store (%s)", msg);
    if (st == NULL)
        return;
    for (int i = 0; i < 4; i++) {
        make_patient(21 + i, &b[i]);
        ps[i] = b[i].p;
    }
    b[3].out[2].pfs_event = 3; /* the last row of the batch breaks a CHECK */
    ps[3] = b[3].p;
    s = its__store_write(st, ps, 4);
    its_test_true(s == ITS_EINVAL && strstr(its__store_errmsg(st), "patient 24") != NULL &&
                      strstr(its__store_errmsg(st), "CHECK") != NULL,
                  "a CHECK violation in the batch's last row: ITS_EINVAL (%s)",
                  its__store_errmsg(st));
    make_patient(24, &b[3]);
    b[3].out[1].n_assess = 3;
    b[3].day[1][2] = (double)NAN; /* an assessment without a day: NOT NULL */
    ps[3] = b[3].p;
    s = its__store_write(st, ps, 4);
    its_test_true(s == ITS_EINVAL && strstr(its__store_errmsg(st), "NOT NULL") != NULL,
                  "an assessment's day NaN in the batch's last row: ITS_EINVAL (%s)",
                  its__store_errmsg(st));
    b[3].out[1].assess_sum_mm = NULL;
    its_test_true(its__store_write(st, ps, 4) == ITS_EINVAL &&
                      strstr(its__store_errmsg(st), "assessments are NULL") != NULL,
                  "assessments with a NULL array: ITS_EINVAL (%s)", its__store_errmsg(st));
    make_patient(5, &b[3]); /* a patient stored already */
    ps[3] = b[3].p;
    s = its__store_write(st, ps, 4);
    its_test_true(s == ITS_EINVAL && strstr(its__store_errmsg(st), "UNIQUE") != NULL,
                  "a patient stored twice: ITS_EINVAL (%s)", its__store_errmsg(st));
    b[0].out[1].arm = N_ARMS;
    ps[0] = b[0].p;
    its_test_true(its__store_write(st, ps, 1) == ITS_EINVAL, "an arm out of range: ITS_EINVAL (%s)",
                  its__store_errmsg(st));
    s = its__store_complete(st, &ids, &n_ids);
    its_test_true(s == ITS_OK && ids_are_prefix(ids, n_ids, 21), "still exactly patients 0..20 (%zu)",
                  n_ids);
    its__free(ids);
    its__store_close(st);
    its_test_true(count_sql(dir, "SELECT count(*) FROM patient_values WHERE patient > 20") == 0 &&
                      count_sql(dir, "SELECT count(*) FROM outcomes WHERE patient > 20") == 0 &&
                      count_sql(dir, "SELECT count(*) FROM outcome_grades WHERE patient > 20") == 0 &&
                      count_sql(dir, "SELECT count(*) FROM assessments WHERE patient > 20") == 0,
                  "no row of the failed batches");
}

/* Reopening: refused without resume, for another trial text or seed. */
static void test_resume_refusal(const char *dir)
{
    its__store_meta m = meta_of(trial_text, 42, 0);
    its__store *st = NULL;
    char msg[512];
    its_status s = its__store_open(dir, &m, 0, &st, msg, sizeof msg);
    its_test_true(s == ITS_EINVAL && st == NULL && strstr(msg, "holds a trial already"),
                  "a trial in place is not overwritten without resume (%s)", msg);
    m = meta_of("trial:\n  name: another\n", 42, 0);
    s = its__store_open(dir, &m, 1, &st, msg, sizeof msg);
    its_test_true(s == ITS_EINVAL && st == NULL && strstr(msg, dir) == msg &&
                      strstr(msg, "another trial") != NULL,
                  "another trial text refused, naming the directory (%s)", msg);
    m = meta_of(trial_text, 43, 0);
    s = its__store_open(dir, &m, 1, &st, msg, sizeof msg);
    its_test_true(s == ITS_EINVAL && st == NULL && strstr(msg, "seed 42") != NULL,
                  "another seed refused (%s)", msg);
    m = meta_of(trial_text, 42, 0);
    s = its__store_open("/nonexistent/itsim", &m, 1, &st, msg, sizeof msg);
    its_test_true(s == ITS_EIO && st == NULL && strstr(msg, "/nonexistent/itsim/trial.sqlite: ") == msg,
                  "a directory that does not exist: ITS_EIO naming the file (%s)", msg);
    m.n_arms = 2;
    s = its__store_open(dir, &m, 1, &st, msg, sizeof msg);
    its_test_true(s == ITS_EINVAL && st == NULL && strstr(msg, "other arms") != NULL,
                  "other arms refused (%s)", msg);
}

/* A patient missing an outcome (written behind the store's back) fails
 * the check and is not complete. */
static void test_check(const char *dir)
{
    char path[256];
    sqlite3 *db = NULL;
    its__store_meta m = meta_of(trial_text, 42, 0);
    its__store *st = NULL;
    long *ids = NULL;
    size_t n_ids = 0;
    char msg[512];
    snprintf(path, sizeof path, "%s/trial.sqlite", dir);
    if (sqlite3_open(path, &db) == SQLITE_OK)
        sqlite3_exec(db, "DELETE FROM outcome_grades WHERE patient = 3 AND arm = 'anti_pd1';"
                         "DELETE FROM assessments WHERE patient = 3 AND arm = 'anti_pd1';"
                         "DELETE FROM outcomes WHERE patient = 3 AND arm = 'anti_pd1'",
                     NULL, NULL, NULL);
    sqlite3_close(db);
    if (its__store_open(dir, &m, 1, &st, msg, sizeof msg) != ITS_OK) {
        its_test_true(0, "reopen (%s)", msg);
        return;
    }
    its_test_true(its__store_check(st) == ITS_ECHECK &&
                      strstr(its__store_errmsg(st), "without all its outcomes") != NULL,
                  "a patient without all its outcomes fails the check (%s)",
                  its__store_errmsg(st));
    its_status s = its__store_complete(st, &ids, &n_ids);
    its_test_true(s == ITS_OK && n_ids == 20 && ids[2] == 2 && ids[3] == 4,
                  "patient 3 is no longer complete (%zu complete)", n_ids);
    its__free(ids);
    its__store_close(st);
}

/* Assessments numbered with a gap or out of time order (written behind
 * the store's back) fail the check and the read-back. */
static void test_check_assessments(void)
{
    static const char *const bad[] = {
        "INSERT INTO assessments VALUES (1, 'untreated', 40, 1000.0, 1.0)",
        "UPDATE assessments SET day = 9999.0 WHERE patient = 1 AND k = 0"};
    for (size_t i = 0; i < 2; i++) {
        char dir[64], path[300], msg[512];
        its__store_meta m = meta_of(trial_text, 42, 0);
        its__store *st = NULL;
        its__store_rows r = {0};
        sqlite3 *db = NULL;
        make_dir(dir, sizeof dir);
        if (its__store_open(dir, &m, 0, &st, msg, sizeof msg) != ITS_OK ||
            write_range(st, 0, 3, 3) != ITS_OK) {
            its_test_true(0, "store 3 patients (%s%s)", msg, its__store_errmsg(st));
            its__store_close(st);
            remove_dir(dir);
            continue;
        }
        snprintf(path, sizeof path, "%s/trial.sqlite", dir);
        if (sqlite3_open(path, &db) == SQLITE_OK)
            sqlite3_exec(db, bad[i], NULL, NULL, NULL);
        sqlite3_close(db);
        its_test_true(its__store_check(st) == ITS_ECHECK &&
                          strstr(its__store_errmsg(st), "assessments are not numbered") != NULL,
                      "%s: fails the check (%s)", bad[i], its__store_errmsg(st));
        if (i == 0)
            its_test_true(its__store_read(st, &r) == ITS_EIO && r.rows == NULL && r.assess == NULL,
                          "... and the read-back (%s)", its__store_errmsg(st));
        its__store_rows_free(&r);
        its__store_close(st);
        remove_dir(dir);
    }
}

/* The optional timeseries table. */
static void test_timeseries(void)
{
    char dir[64];
    static const double times[] = {0.0, 7.0, 14.0};
    static const char *const names[] = {"tumour_mm", "cd8"};
    static const double values[] = {10.0, 9.5, (double)NAN, 1.0, 2.0, 3.0};
    its__store_series ts = {3, 2, times, names, values};
    its__store_meta m = meta_of(trial_text, 7, 1);
    its__store *st = NULL;
    patient_buf b;
    char msg[512];
    make_dir(dir, sizeof dir);
    make_patient(0, &b);
    b.out[1].series = &ts;
    its_status s = its__store_open(dir, &m, 0, &st, msg, sizeof msg);
    if (s == ITS_OK)
        s = its__store_write(st, &b.p, 1);
    its_test_true(s == ITS_OK, "a time series stored (%s%s)", msg, its__store_errmsg(st));
    its__store_close(st);
    its_test_true(count_sql(dir, "SELECT count(*) FROM timeseries WHERE patient = 0 AND arm = "
                                 "'hd_il2 ''x''); DROP TABLE arms;--' AND value IS NOT NULL") == 5,
                  "6 points, the NaN one as NULL");
    remove_dir(dir);
    make_dir(dir, sizeof dir);
    m.timeseries = 0;
    st = NULL;
    s = its__store_open(dir, &m, 0, &st, msg, sizeof msg);
    if (s == ITS_OK)
        s = its__store_write(st, &b.p, 1);
    its_test_true(s == ITS_EINVAL, "a series without the table: ITS_EINVAL (%s)",
                  its__store_errmsg(st));
    its__store_close(st);
    its_test_true(count_sql(dir, "SELECT count(*) FROM sqlite_master WHERE name = 'timeseries'") ==
                      0,
                  "no timeseries table by default");
    remove_dir(dir);
}

/* Every allocation of open, write, complete and read made to fail in turn
 * (sticky): ITS_ENOMEM with a message, nothing leaked (LeakSanitizer). */
static void test_alloc_fail(void)
{
    its__store_meta m = meta_of(trial_text, 42, 0);
    int all_enomem = 1, n;
    for (n = 1; n < 200; n++) {
        char dir[64], msg[512] = "";
        its__store *st = NULL;
        its__store_rows r = {0};
        long *ids = NULL, *vids = NULL;
        double *values = NULL;
        size_t n_ids = 0, nv = 0;
        its_status s;
        make_dir(dir, sizeof dir);
        its__alloc_fail_at(n, 1);
        s = its__store_open(dir, &m, 0, &st, msg, sizeof msg);
        if (s == ITS_OK)
            s = write_range(st, 0, 3, 2);
        if (s == ITS_OK)
            s = its__store_complete(st, &ids, &n_ids);
        if (s == ITS_OK)
            s = its__store_read(st, &r);
        if (s == ITS_OK)
            s = its__store_values(st, "weight", &vids, &values, &nv);
        its__alloc_fail_at(0, 0);
        if (s != ITS_OK && (s != ITS_ENOMEM || (msg[0] == '\0' && its__store_errmsg(st)[0] == '\0'))) {
            printf("      allocation %d: %s (%s%s)\n", n, its_status_name(s), msg,
                   its__store_errmsg(st));
            all_enomem = 0;
        }
        its__free(ids);
        its__free(vids);
        its__free(values);
        its__store_rows_free(&r);
        its__store_close(st);
        remove_dir(dir);
        if (s == ITS_OK)
            break;
    }
    its_test_true(all_enomem && n > 3 && n < 200,
                  "each of %d allocations failing gives ITS_ENOMEM with a message", n - 1);
}

/* ---- kill -9 ------------------------------------------------------------------ */

#define KILL_PATIENTS 2000
#define KILL_BATCH 5

/* Rows of the five tables in one store and not the other (both ways). */
#define DIFF_SQL                                                                            \
    "SELECT (SELECT count(*) FROM (SELECT * FROM main.%s EXCEPT SELECT * FROM r.%s))"       \
    " + (SELECT count(*) FROM (SELECT * FROM r.%s EXCEPT SELECT * FROM main.%s))"
static sqlite3_int64 tables_differ(const char *dir, const char *ref)
{
    static const char *const tables[] = {"patients", "patient_values", "outcomes",
                                         "outcome_grades", "assessments"};
    char path[256], rpath[256], q[512];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    sqlite3_int64 diff = -1;
    snprintf(path, sizeof path, "%s/trial.sqlite", dir);
    snprintf(rpath, sizeof rpath, "%s/trial.sqlite", ref);
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS r", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_bind_text(s, 1, rpath, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_DONE) {
        diff = 0;
        for (size_t i = 0; diff >= 0 && i < sizeof tables / sizeof tables[0]; i++) {
            sqlite3_finalize(s);
            s = NULL;
            snprintf(q, sizeof q, DIFF_SQL, tables[i], tables[i], tables[i], tables[i]);
            if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
                diff += sqlite3_column_int64(s, 0);
            else
                diff = -1;
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return diff;
}

/* The writer: every patient in batches, reporting each commit on fd. */
static void child_write(const char *dir, int fd)
{
    its__store_meta m = meta_of(trial_text, 42, 0);
    its__store *st = NULL;
    int ok = its__store_open(dir, &m, 0, &st, NULL, 0) == ITS_OK;
    for (int b = 1; ok && b <= KILL_PATIENTS / KILL_BATCH; b++) {
        ok = write_range(st, (long)(b - 1) * KILL_BATCH, (long)b * KILL_BATCH, KILL_BATCH) == ITS_OK;
        ok = ok && write(fd, &b, sizeof b) == (ssize_t)sizeof b;
    }
    its__store_close(st);
    _exit(ok ? 0 : 1);
}

/* Kill the writer once it reported batch `after` plus `delay_us`; the
 * number of batches it reported in *seen. 1 when SIGKILL ended it. */
static int run_and_kill(const char *dir, int after, long delay_us, int *seen)
{
    int fds[2], status = 0, b;
    pid_t pid;
    struct timespec d = {0, delay_us * 1000};
    *seen = 0;
    if (pipe(fds) != 0)
        return 0;
    fflush(stdout);
    if ((pid = fork()) == 0) {
        close(fds[0]);
        child_write(dir, fds[1]);
    }
    close(fds[1]);
    while (*seen < after && read(fds[0], &b, sizeof b) == (ssize_t)sizeof b)
        *seen = b;
    nanosleep(&d, NULL);
    if (pid > 0)
        kill(pid, SIGKILL);
    while (read(fds[0], &b, sizeof b) == (ssize_t)sizeof b)
        *seen = b;
    close(fds[0]);
    if (pid <= 0 || waitpid(pid, &status, 0) != pid)
        return 0;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* One seeded kill, then resume and compare with the reference run. */
static void kill_round(unsigned round, const char *ref)
{
    char dir[64], msg[512];
    int after = 5 + (int)(bits(round, 0, 50) % 200), seen = 0, killed;
    long delay_us = (long)(bits(round, 0, 51) % 500);
    its__store_meta m = meta_of(trial_text, 42, 0);
    its__store *st = NULL;
    long *ids = NULL;
    size_t n_ids = 0;
    make_dir(dir, sizeof dir);
    killed = run_and_kill(dir, after, delay_us, &seen);
    its_test_true(killed, "round %u: writer killed by SIGKILL after batch %d + %ld us (it "
                  "reported %d commits)", round, after, delay_us, seen);
    if (its__store_open(dir, &m, 1, &st, msg, sizeof msg) != ITS_OK) {
        its_test_true(0, "round %u: reopen after the kill (%s)", round, msg);
        remove_dir(dir);
        return;
    }
    its_test_true(its__store_check(st) == ITS_OK, "round %u: integrity_check ok, every stored "
                  "patient has all its arms (%s)", round, its__store_errmsg(st));
    its_status s = its__store_complete(st, &ids, &n_ids);
    its_test_true(s == ITS_OK && n_ids % KILL_BATCH == 0 && n_ids >= (size_t)seen * KILL_BATCH &&
                      ids_are_prefix(ids, n_ids, (long)n_ids),
                  "round %u: %zu complete patients = whole committed batches (>= %d reported)",
                  round, n_ids, seen * KILL_BATCH);
    its_test_true(count_sql(dir, "SELECT count(*) FROM patients") == (sqlite3_int64)n_ids,
                  "round %u: nothing partial stored", round);
    its_test_true(write_range(st, (long)n_ids, KILL_PATIENTS, 7) == ITS_OK,
                  "round %u: resume the remaining %zu patients (%s)", round,
                  KILL_PATIENTS - n_ids, its__store_errmsg(st));
    its__free(ids);
    its__store_close(st);
    its_test_true(tables_differ(dir, ref) == 0,
                  "round %u: the resumed tables equal the uninterrupted run's", round);
    remove_dir(dir);
}

static void test_kill(void)
{
    char ref[64], msg[512];
    its__store_meta m = meta_of(trial_text, 42, 0);
    its__store *st = NULL;
    its__store_rows r = {0};
    struct timespec t0, t1;
    make_dir(ref, sizeof ref);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (its__store_open(ref, &m, 0, &st, msg, sizeof msg) != ITS_OK ||
        write_range(st, 0, KILL_PATIENTS, 50) != ITS_OK) {
        its_test_true(0, "the uninterrupted run (%s%s)", msg, its__store_errmsg(st));
        its__store_close(st);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("      uninterrupted: %d patients x %d arms in %.3f s\n", KILL_PATIENTS, N_ARMS,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    its_test_true(its__store_read(st, &r) == ITS_OK && rows_are_generated(&r, KILL_PATIENTS),
                  "the uninterrupted run reads back as generated");
    its__store_rows_free(&r);
    its__store_close(st);
    for (unsigned round = 1; round <= 4; round++)
        kill_round(round, ref);
    remove_dir(ref);
}

int main(void)
{
    char dir[64];
    make_dir(dir, sizeof dir);
    test_roundtrip(dir);
    test_rollback(dir);
    test_resume_refusal(dir);
    test_check(dir);
    remove_dir(dir);
    test_check_assessments();
    test_timeseries();
    test_alloc_fail();
    test_kill();
    return its_test_done();
}
