/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the single SQLite adapter, the trial store (io/sqlite_adapter.h;
 * schema and durability in docs/trial.md, "Storage").
 *
 * Every statement is a constant string of this file; values, names and
 * messages reach SQLite only as bound parameters, never as SQL text.
 * Durability: WAL with synchronous=NORMAL. A committed batch is in the
 * WAL file when COMMIT returns, so it survives the process being killed
 * (kill -9); the WAL is synced only at checkpoints, so a power loss or an
 * operating-system crash may lose the last batches, never corrupt the
 * file, and a resumed run recomputes what was lost (every patient's
 * outcome depends on the seed and its index only). */
#include "io/sqlite_adapter.h"
#include "io/io.h"
#include "core/core.h"
#include "itsim/version.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define ITS__STORE_ERRLEN 1024
#define ITS__STORE_BUSY_MS 10000
#define ITS__STR_(x) #x
#define ITS__STR(x) ITS__STR_(x)

enum { ST_PATIENT, ST_VALUE, ST_OUTCOME, ST_GRADE, ST_ASSESS, ST_SERIES, ST_N };

struct its__store {
    sqlite3 *db;
    char *path;     /* DIR/trial.sqlite, for messages */
    char **arm_ids; /* n_arms copies */
    size_t n_arms;
    int timeseries; /* the table exists */
    sqlite3_stmt *stmt[ST_N];
    char err[ITS__STORE_ERRLEN];
};

/* The schema (docs/trial.md). Executed once, in the transaction that
 * stores the trial's metadata. */
static const char *const schema_sql =
    "CREATE TABLE trial (key TEXT PRIMARY KEY NOT NULL, value);"
    "CREATE TABLE arms (arm INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);"
    "CREATE TABLE patients (patient INTEGER PRIMARY KEY,"
    " accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),"
    " arms_given INTEGER NOT NULL CHECK (arms_given >= 0));"
    "CREATE TABLE patient_values (patient INTEGER NOT NULL REFERENCES patients(patient),"
    " name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('parameter', 'covariate')),"
    " unit TEXT NOT NULL, value REAL, PRIMARY KEY (patient, name)) WITHOUT ROWID;"
    "CREATE TABLE outcomes (patient INTEGER NOT NULL REFERENCES patients(patient),"
    " arm TEXT NOT NULL REFERENCES arms(id), status TEXT NOT NULL, message TEXT NOT NULL,"
    " best_response TEXT NOT NULL CHECK (best_response IN ('CR', 'PR', 'SD', 'PD', 'NE')),"
    " best_change REAL, ttr_days REAL, dor_days REAL,"
    " dor_event INTEGER NOT NULL CHECK (dor_event IN (0, 1)),"
    " pfs_days REAL, pfs_event INTEGER NOT NULL CHECK (pfs_event IN (0, 1)),"
    " os_days REAL, os_event INTEGER NOT NULL CHECK (os_event IN (0, 1)),"
    " doses_planned INTEGER NOT NULL CHECK (doses_planned >= 0),"
    " doses_given INTEGER NOT NULL CHECK (doses_given >= 0),"
    " doses_reduced INTEGER NOT NULL CHECK (doses_reduced >= 0),"
    " doses_held INTEGER NOT NULL CHECK (doses_held >= 0),"
    " doses_planned_c1 INTEGER NOT NULL CHECK (doses_planned_c1 >= 0),"
    " doses_given_c1 INTEGER NOT NULL CHECK (doses_given_c1 BETWEEN 0 AND doses_planned_c1),"
    " steps INTEGER NOT NULL, rhs_evals INTEGER NOT NULL, jac_evals INTEGER NOT NULL,"
    " lin_setups INTEGER NOT NULL, err_test_fails INTEGER NOT NULL,"
    " nonlin_iters INTEGER NOT NULL, nonlin_conv_fails INTEGER NOT NULL,"
    " root_evals INTEGER NOT NULL, segments INTEGER NOT NULL, extinctions INTEGER NOT NULL,"
    " clip_restarts INTEGER NOT NULL, t_reached_days REAL,"
    " PRIMARY KEY (patient, arm)) WITHOUT ROWID;"
    "CREATE TABLE outcome_grades (patient INTEGER NOT NULL, arm TEXT NOT NULL,"
    " term TEXT NOT NULL, worst_grade INTEGER NOT NULL CHECK (worst_grade BETWEEN 0 AND 5),"
    " PRIMARY KEY (patient, arm, term),"
    " FOREIGN KEY (patient, arm) REFERENCES outcomes(patient, arm)) WITHOUT ROWID;"
    "CREATE TABLE assessments (patient INTEGER NOT NULL, arm TEXT NOT NULL,"
    " k INTEGER NOT NULL CHECK (k >= 0), day REAL NOT NULL, sum_mm REAL,"
    " PRIMARY KEY (patient, arm, k),"
    " FOREIGN KEY (patient, arm) REFERENCES outcomes(patient, arm)) WITHOUT ROWID;";

static const char *const timeseries_sql =
    "CREATE TABLE timeseries (patient INTEGER NOT NULL, arm TEXT NOT NULL,"
    " name TEXT NOT NULL, t_days REAL NOT NULL, value REAL,"
    " PRIMARY KEY (patient, arm, name, t_days),"
    " FOREIGN KEY (patient, arm) REFERENCES outcomes(patient, arm)) WITHOUT ROWID;";

static const char *const insert_sql[ST_N] = {
    "INSERT INTO patients (patient, accepted, arms_given) VALUES (?1, ?2, ?3)",
    "INSERT INTO patient_values (patient, name, kind, unit, value) VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO outcomes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
    " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29,"
    " ?30, ?31)",
    "INSERT INTO outcome_grades (patient, arm, term, worst_grade) VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO assessments (patient, arm, k, day, sum_mm) VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO timeseries (patient, arm, name, t_days, value) VALUES (?1, ?2, ?3, ?4, ?5)",
};

/* ---- errors --------------------------------------------------------------- */

static its_status status_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return ITS_OK;
    case SQLITE_NOMEM:
        return ITS_ENOMEM;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
        return ITS_EINVAL;
    default:
        return ITS_EIO;
    }
}

/* The status of SQLite's result rc, with "PATH: what: SQLite's message"
 * on the handle. */
static its_status fail_sql(its__store *st, int rc, const char *what)
{
    its__fmt(st->err, sizeof st->err, "%s: %s: %s", st->path, what,
             st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
    return status_of(rc);
}

static its_status fail(its__store *st, its_status s, const char *what)
{
    its__fmt(st->err, sizeof st->err, "%s: %s", st->path, what);
    return s;
}

const char *its__store_errmsg(const its__store *st)
{
    return st != NULL ? st->err : "no trial store";
}

/* A constant statement (or several) of this file. */
static its_status exec(its__store *st, const char *sql, const char *what)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ITS_OK : fail_sql(st, rc, what);
}

/* Roll back after a failure, keeping the first error's message. */
static void rollback(its__store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        (void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- small helpers -------------------------------------------------------- */

void its__store_hash_bytes(const void *bytes, size_t n, char *buf)
{
    uint64_t h = UINT64_C(14695981039346656037);
    const unsigned char *p = bytes;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(1099511628211);
    }
    snprintf(buf, 17, "%016" PRIx64, h);
}

void its__store_hash(const char *text, char *buf)
{
    its__store_hash_bytes(text, strlen(text), buf);
}

/* The seed as stored: decimal text (SQLite's integers are signed). */
static const char *seed_text(uint64_t seed, char buf[24])
{
    snprintf(buf, 24, "%" PRIu64, seed);
    return buf;
}

/* NaN ("none") as NULL; every other double as REAL, bit for bit. */
static int bind_real(sqlite3_stmt *s, int i, double x)
{
    return isnan(x) ? sqlite3_bind_null(s, i) : sqlite3_bind_double(s, i, x);
}

static double column_real(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? (double)NAN : sqlite3_column_double(s, i);
}

static int bind_text(sqlite3_stmt *s, int i, const char *t)
{
    return sqlite3_bind_text(s, i, t != NULL ? t : "", -1, SQLITE_STATIC);
}

/* Run a bound insert once and reset it. */
static int step_reset(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    int rc2 = sqlite3_reset(s);
    (void)sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SQLITE_OK : (rc2 != SQLITE_OK ? rc2 : rc);
}

/* One integer of a query without parameters (constant SQL). */
static its_status query_int(its__store *st, const char *sql, sqlite3_int64 *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? ITS_OK : fail_sql(st, rc, sql);
}

/* The stored code of a best response (io.h). */
const char *its__response_code(its_response r)
{
    switch (r) {
    case ITS_RESP_CR: return "CR";
    case ITS_RESP_PR: return "PR";
    case ITS_RESP_SD:
    case ITS_RESP_NONCR_NONPD: return "SD";
    case ITS_RESP_PD: return "PD";
    default: return "NE";
    }
}

static its_response response_of(const unsigned char *code)
{
    static const its_response all[] = {ITS_RESP_CR, ITS_RESP_PR, ITS_RESP_SD, ITS_RESP_PD};
    for (size_t i = 0; code != NULL && i < sizeof all / sizeof all[0]; i++)
        if (strcmp((const char *)code, its__response_code(all[i])) == 0)
            return all[i];
    return ITS_RESP_NE;
}

/* The status whose symbolic name is stored; ITS_EIO for an unknown one. */
static its_status status_named(const unsigned char *name)
{
#define ITS__STATUS_MATCH(sym, val, text)                                    \
    if (name != NULL && strcmp((const char *)name, #sym) == 0)              \
        return sym;
    ITS_STATUS_LIST(ITS__STATUS_MATCH)
#undef ITS__STATUS_MATCH
    return ITS_EIO;
}

/* ---- opening ---------------------------------------------------------------- */

static void store_free(its__store *st)
{
    if (st == NULL)
        return;
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(st->stmt[i]);
    if (st->db != NULL)
        sqlite3_close(st->db);
    for (size_t i = 0; st->arm_ids != NULL && i < st->n_arms; i++)
        its__free(st->arm_ids[i]);
    its__free(st->arm_ids);
    its__free(st->path);
    its__free(st);
}

void its__store_close(its__store *st)
{
    store_free(st);
}

/* A handle for dir with copies of the meta's arms, not yet opened. */
static its_status store_new(const char *dir, const its__store_meta *meta, its__store **out,
                            char *msg, size_t msglen)
{
    size_t len = strlen(dir) + sizeof "/" ITS__STORE_FILE;
    its__store *st = its__calloc(1, sizeof *st);
    *out = NULL;
    if (st == NULL || (st->path = its__malloc(len)) == NULL ||
        (st->arm_ids = its__calloc(meta->n_arms, sizeof *st->arm_ids)) == NULL) {
        store_free(st);
        its__fmt(msg, msglen, "%s: out of memory opening the trial store", dir);
        return ITS_ENOMEM;
    }
    its__fmt(st->path, len, "%s/%s", dir, ITS__STORE_FILE);
    st->n_arms = meta->n_arms;
    for (size_t i = 0; i < meta->n_arms; i++) {
        if ((st->arm_ids[i] = its__strdup(meta->arm_ids[i])) == NULL) {
            store_free(st);
            its__fmt(msg, msglen, "%s: out of memory opening the trial store", dir);
            return ITS_ENOMEM;
        }
    }
    *out = st;
    return ITS_OK;
}

/* WAL (checked: a file system without shared memory may refuse it),
 * synchronous=NORMAL, foreign keys, busy timeout. */
static its_status configure(its__store *st)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_busy_timeout(st->db, ITS__STORE_BUSY_MS);
    its_status ok;
    if (rc != SQLITE_OK)
        return fail_sql(st, rc, "busy timeout");
    rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(s, 0);
        rc = mode != NULL && strcmp((const char *)mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK)
        return fail_sql(st, rc, "cannot switch to WAL mode");
    ok = exec(st, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", "pragmas");
    return ok;
}

static int put_meta(sqlite3_stmt *s, const char *key, const char *text, sqlite3_int64 num)
{
    int rc = sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = text != NULL ? sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC)
                          : sqlite3_bind_int64(s, 2, num);
    return rc == SQLITE_OK ? step_reset(s) : rc;
}

/* The trial's metadata and arms (inside the schema's transaction). */
static int put_trial(its__store *st, const its__store_meta *meta)
{
    char hash[17], seed[24];
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "INSERT INTO trial (key, value) VALUES (?1, ?2)", -1,
                                &s, NULL);
    its__store_hash(meta->trial_text, hash);
    seed_text(meta->seed, seed);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "schema_version", NULL, ITS__STORE_SCHEMA_VERSION);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "itsim_version", its_version(), 0);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "trial_text", meta->trial_text, 0);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "trial_hash", hash, 0);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "seed", seed, 0);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "patients", NULL, meta->patients);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "arms", NULL, (sqlite3_int64)meta->n_arms);
    if (rc == SQLITE_OK)
        rc = put_meta(s, "timeseries", NULL, meta->timeseries != 0);
    sqlite3_finalize(s);
    s = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "INSERT INTO arms (arm, id) VALUES (?1, ?2)", -1, &s,
                                NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < meta->n_arms; i++) {
        rc = sqlite3_bind_int64(s, 1, (sqlite3_int64)i);
        if (rc == SQLITE_OK)
            rc = bind_text(s, 2, meta->arm_ids[i]);
        if (rc == SQLITE_OK)
            rc = step_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

static its_status create_schema(its__store *st, const its__store_meta *meta)
{
    its_status ok = exec(st, "BEGIN IMMEDIATE", "begin");
    int rc;
    if (ok == ITS_OK)
        ok = exec(st, schema_sql, "creating the schema");
    if (ok == ITS_OK && meta->timeseries)
        ok = exec(st, timeseries_sql, "creating the timeseries table");
    if (ok == ITS_OK && (rc = put_trial(st, meta)) != SQLITE_OK)
        ok = fail_sql(st, rc, "storing the trial's metadata");
    if (ok == ITS_OK)
        ok = exec(st, "COMMIT", "commit");
    if (ok != ITS_OK)
        rollback(st);
    return ok;
}

/* One value of the trial table as text into buf ("" when absent). */
static its_status meta_text(its__store *st, const char *key, char *buf, size_t n)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT value FROM trial WHERE key = ?1", -1, &s, NULL);
    buf[0] = '\0';
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        its__fmt(buf, n, "%s", t != NULL ? (const char *)t : "");
    }
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? ITS_OK : fail_sql(st, rc, "reading the trial's metadata");
}

/* 1 when the stored trial has meta's text, seed and arms, else 0. */
static its_status same_trial(its__store *st, const its__store_meta *meta, int *same)
{
    char seed[24];
    sqlite3_stmt *s = NULL;
    sqlite3_int64 n_arms = 0;
    int rc;
    seed_text(meta->seed, seed);
    rc = sqlite3_prepare_v2(st->db,
                            "SELECT (SELECT value FROM trial WHERE key = 'trial_text') IS ?1"
                            " AND (SELECT value FROM trial WHERE key = 'seed') IS ?2",
                            -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = bind_text(s, 1, meta->trial_text);
    if (rc == SQLITE_OK)
        rc = bind_text(s, 2, seed);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *same = sqlite3_column_int(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == SQLITE_OK && *same)
        rc = sqlite3_prepare_v2(st->db, "SELECT id FROM arms ORDER BY arm", -1, &s, NULL);
    while (rc == SQLITE_OK && *same && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(s, 0);
        *same = (size_t)n_arms < meta->n_arms && id != NULL &&
                strcmp((const char *)id, meta->arm_ids[n_arms]) == 0;
        n_arms++;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        return fail_sql(st, rc, "reading the trial's metadata");
    *same = *same && (size_t)n_arms == meta->n_arms;
    return ITS_OK;
}

/* An existing trial: refused unless resuming the same one. */
static its_status check_existing(its__store *st, const char *dir, const its__store_meta *meta,
                                 int resume)
{
    char version[32], hash[40], seed[40], want[17], mine[24];
    sqlite3_int64 series = 0;
    int same = 0;
    its_status ok = meta_text(st, "schema_version", version, sizeof version);
    if (ok != ITS_OK)
        return ok;
    if (!resume)
        return fail(st, ITS_EINVAL, "holds a trial already: resume it (--resume), remove it, "
                                    "or use another directory");
    if (strcmp(version, ITS__STR(ITS__STORE_SCHEMA_VERSION)) != 0)
        return fail(st, ITS_EINVAL, "written with another schema version of the trial store "
                                    "(this itsim reads version "
                                    ITS__STR(ITS__STORE_SCHEMA_VERSION) "): cannot resume it");
    if ((ok = same_trial(st, meta, &same)) != ITS_OK ||
        (ok = meta_text(st, "trial_hash", hash, sizeof hash)) != ITS_OK ||
        (ok = meta_text(st, "seed", seed, sizeof seed)) != ITS_OK)
        return ok;
    its__store_hash(meta->trial_text, want);
    if (!same && strcmp(hash, want) == 0 && strcmp(seed, seed_text(meta->seed, mine)) == 0) {
        its__fmt(st->err, sizeof st->err, "%s holds this trial with other arms: cannot resume it",
                 dir);
        return ITS_EINVAL;
    }
    if (!same) {
        its__fmt(st->err, sizeof st->err,
                 "%s holds another trial (trial hash %s, seed %s; this trial: hash %s, "
                 "seed %" PRIu64 "): --resume continues only the trial it was started "
                 "with; use another directory",
                 dir, hash, seed, want, meta->seed);
        return ITS_EINVAL;
    }
    ok = query_int(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                       " AND name = 'timeseries'", &series);
    st->timeseries = series > 0;
    return ok;
}

static its_status prepare_all(its__store *st)
{
    for (int i = 0; i < ST_N; i++) {
        if (i == ST_SERIES && !st->timeseries)
            continue;
        int rc = sqlite3_prepare_v3(st->db, insert_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                    &st->stmt[i], NULL);
        if (rc != SQLITE_OK)
            return fail_sql(st, rc, "preparing the inserts");
    }
    return ITS_OK;
}

static its_status check_meta(const char *dir, const its__store_meta *meta, char *msg,
                             size_t msglen)
{
    if (dir == NULL || meta == NULL || meta->trial_text == NULL ||
        (meta->n_arms > 0 && meta->arm_ids == NULL)) {
        its__fmt(msg, msglen, "trial store: NULL argument");
        return ITS_EINVAL;
    }
    for (size_t i = 0; i < meta->n_arms; i++) {
        if (meta->arm_ids[i] == NULL) {
            its__fmt(msg, msglen, "trial store: arm %zu has no identifier", i);
            return ITS_EINVAL;
        }
    }
    return ITS_OK;
}

its_status its__store_open(const char *dir, const its__store_meta *meta, int resume,
                           its__store **out, char *msg, size_t msglen)
{
    its__store *st = NULL;
    sqlite3_int64 has_trial = 0;
    its_status ok;
    int rc;
    its__fmt(msg, msglen, "%s", "");
    if (out == NULL)
        return check_meta(NULL, NULL, msg, msglen);
    *out = NULL;
    if ((ok = check_meta(dir, meta, msg, msglen)) != ITS_OK ||
        (ok = store_new(dir, meta, &st, msg, msglen)) != ITS_OK)
        return ok;
    rc = sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        ok = fail_sql(st, rc, "cannot open");
    if (ok == ITS_OK)
        ok = configure(st);
    if (ok == ITS_OK)
        ok = query_int(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                           " AND name = 'trial'", &has_trial);
    if (ok == ITS_OK) {
        ok = has_trial ? check_existing(st, dir, meta, resume) : create_schema(st, meta);
        st->timeseries = has_trial ? st->timeseries : meta->timeseries != 0;
    }
    if (ok == ITS_OK)
        ok = prepare_all(st);
    if (ok != ITS_OK) {
        its__fmt(msg, msglen, "%s", st->err);
        store_free(st);
        return ok;
    }
    *out = st;
    return ITS_OK;
}

/* ---- writing ----------------------------------------------------------------- */

/* The worst grades of one outcome (terms not graded have no row). */
static int put_grades(its__store *st, const its__outcome *o)
{
    sqlite3_stmt *s = st->stmt[ST_GRADE];
    int rc = SQLITE_OK;
    for (int k = 0; rc == SQLITE_OK && k < ITS_AE_NTERMS; k++) {
        if (o->worst_grade[k] < 0)
            continue;
        rc = sqlite3_bind_int64(s, 1, o->patient);
        if (rc == SQLITE_OK)
            rc = bind_text(s, 2, st->arm_ids[o->arm]);
        if (rc == SQLITE_OK)
            rc = bind_text(s, 3, its_ae_term_id((its_ae_term)k));
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int(s, 4, o->worst_grade[k]);
        if (rc == SQLITE_OK)
            rc = step_reset(s);
    }
    return rc;
}

/* The tumour assessments of one outcome, numbered from 0 (baseline). */
static int put_assessments(its__store *st, const its__outcome *o)
{
    sqlite3_stmt *s = st->stmt[ST_ASSESS];
    int rc = SQLITE_OK;
    for (size_t k = 0; rc == SQLITE_OK && k < o->n_assess; k++) {
        rc = sqlite3_bind_int64(s, 1, o->patient);
        if (rc == SQLITE_OK)
            rc = bind_text(s, 2, st->arm_ids[o->arm]);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)k);
        if (rc == SQLITE_OK)
            rc = bind_real(s, 4, o->assess_day[k]);
        if (rc == SQLITE_OK)
            rc = bind_real(s, 5, o->assess_sum_mm[k]);
        if (rc == SQLITE_OK)
            rc = step_reset(s);
    }
    return rc;
}

static int put_series(its__store *st, const its__outcome *o)
{
    const its__store_series *ts = o->series;
    sqlite3_stmt *s = st->stmt[ST_SERIES];
    int rc = SQLITE_OK;
    for (size_t j = 0; rc == SQLITE_OK && j < ts->n_names; j++) {
        for (size_t i = 0; rc == SQLITE_OK && i < ts->n_times; i++) {
            rc = sqlite3_bind_int64(s, 1, o->patient);
            if (rc == SQLITE_OK)
                rc = bind_text(s, 2, st->arm_ids[o->arm]);
            if (rc == SQLITE_OK)
                rc = bind_text(s, 3, ts->names[j]);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_double(s, 4, ts->times[i]);
            if (rc == SQLITE_OK)
                rc = bind_real(s, 5, ts->values[j * ts->n_times + i]);
            if (rc == SQLITE_OK)
                rc = step_reset(s);
        }
    }
    return rc;
}

/* The outcome row: columns in the order of the schema. */
static int put_outcome(its__store *st, const its__outcome *o)
{
    sqlite3_stmt *s = st->stmt[ST_OUTCOME];
    const double reals[] = {o->best_change, o->ttr_days, o->dor_days};
    const its_stats *x = &o->stats;
    const sqlite3_int64 counts[] = {
        o->doses_planned,  o->doses_given,      o->doses_reduced,    o->doses_held,
        o->doses_planned_c1, o->doses_given_c1,
        x->steps,          x->rhs_evals,        x->jac_evals,        x->lin_setups,
        x->err_test_fails, x->nonlin_iters,     x->nonlin_conv_fails, x->root_evals,
        x->segments,       x->extinctions,      x->clip_restarts};
    int rc = sqlite3_bind_int64(s, 1, o->patient), col = 9;
    if (rc == SQLITE_OK)
        rc = bind_text(s, 2, st->arm_ids[o->arm]);
    if (rc == SQLITE_OK)
        rc = bind_text(s, 3, its_status_name(o->status));
    if (rc == SQLITE_OK)
        rc = bind_text(s, 4, o->message);
    if (rc == SQLITE_OK)
        rc = bind_text(s, 5, its__response_code(o->best));
    for (int i = 0; rc == SQLITE_OK && i < 3; i++)
        rc = bind_real(s, 6 + i, reals[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, col++, o->dor_event);
    if (rc == SQLITE_OK)
        rc = bind_real(s, col++, o->pfs_days);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, col++, o->pfs_event);
    if (rc == SQLITE_OK)
        rc = bind_real(s, col++, o->os_days);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, col++, o->os_event);
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof counts / sizeof counts[0]; i++)
        rc = sqlite3_bind_int64(s, col++, counts[i]);
    if (rc == SQLITE_OK)
        rc = bind_real(s, col, x->t_reached);
    if (rc == SQLITE_OK)
        rc = step_reset(s);
    if (rc == SQLITE_OK)
        rc = put_grades(st, o);
    if (rc == SQLITE_OK)
        rc = put_assessments(st, o);
    if (rc == SQLITE_OK && o->series != NULL)
        rc = put_series(st, o);
    return rc;
}

static int put_values(its__store *st, const its__store_patient *p)
{
    sqlite3_stmt *s = st->stmt[ST_VALUE];
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < p->n_values; i++) {
        const its__store_value *v = &p->values[i];
        rc = sqlite3_bind_int64(s, 1, p->patient);
        if (rc == SQLITE_OK)
            rc = bind_text(s, 2, v->name);
        if (rc == SQLITE_OK)
            rc = bind_text(s, 3, v->kind == ITS__VALUE_COVARIATE ? "covariate" : "parameter");
        if (rc == SQLITE_OK)
            rc = bind_text(s, 4, v->unit);
        if (rc == SQLITE_OK)
            rc = bind_real(s, 5, v->value);
        if (rc == SQLITE_OK)
            rc = step_reset(s);
    }
    return rc;
}

/* What SQLite's constraints cannot check: arm indices, the patient of each
 * outcome, a series without its table, names present. */
static its_status check_patient(its__store *st, const its__store_patient *p)
{
    if ((p->n_values > 0 && p->values == NULL) || (p->n_outcomes > 0 && p->outcomes == NULL))
        return fail(st, ITS_EINVAL, "a patient's values or outcomes are NULL");
    for (size_t i = 0; i < p->n_values; i++)
        if (p->values[i].name == NULL)
            return fail(st, ITS_EINVAL, "a drawn value has no name");
    for (size_t i = 0; i < p->n_outcomes; i++) {
        const its__outcome *o = &p->outcomes[i];
        const its__store_series *ts = o->series;
        if (o->patient != p->patient || o->arm >= st->n_arms) {
            its__fmt(st->err, sizeof st->err, "%s: patient %ld: outcome for patient %ld, arm %zu "
                     "(of %zu)", st->path, p->patient, o->patient, o->arm, st->n_arms);
            return ITS_EINVAL;
        }
        if (o->n_assess > 0 && (o->assess_day == NULL || o->assess_sum_mm == NULL))
            return fail(st, ITS_EINVAL, "an outcome's assessments are NULL");
        if (ts != NULL && !st->timeseries)
            return fail(st, ITS_EINVAL, "a time series given, but the trial stores none");
        if (ts != NULL && ((ts->n_times > 0 && ts->times == NULL) ||
                           (ts->n_names > 0 && ts->names == NULL) ||
                           (ts->n_times * ts->n_names > 0 && ts->values == NULL)))
            return fail(st, ITS_EINVAL, "a time series has NULL arrays");
    }
    return ITS_OK;
}

static its_status put_patient(its__store *st, const its__store_patient *p)
{
    sqlite3_stmt *s = st->stmt[ST_PATIENT];
    char what[96];
    its_status ok = check_patient(st, p);
    int rc;
    if (ok != ITS_OK)
        return ok;
    rc = sqlite3_bind_int64(s, 1, p->patient);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 2, p->accepted != 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)p->n_outcomes);
    if (rc == SQLITE_OK)
        rc = step_reset(s);
    if (rc == SQLITE_OK)
        rc = put_values(st, p);
    for (size_t i = 0; rc == SQLITE_OK && i < p->n_outcomes; i++)
        rc = put_outcome(st, &p->outcomes[i]);
    if (rc == SQLITE_OK)
        return ITS_OK;
    its__fmt(what, sizeof what, "storing patient %ld", p->patient);
    return fail_sql(st, rc, what);
}

its_status its__store_write(its__store *st, const its__store_patient *p, size_t n)
{
    its_status ok;
    if (st == NULL || (n > 0 && p == NULL))
        return st != NULL ? fail(st, ITS_EINVAL, "NULL patients") : ITS_EINVAL;
    st->err[0] = '\0';
    ok = exec(st, "BEGIN IMMEDIATE", "begin");
    for (size_t i = 0; ok == ITS_OK && i < n; i++)
        ok = put_patient(st, &p[i]);
    if (ok == ITS_OK)
        ok = exec(st, "COMMIT", "commit");
    if (ok != ITS_OK)
        rollback(st);
    return ok;
}

/* ---- reading ------------------------------------------------------------------ */

/* Patients whose outcome rows are all stored. */
#define ITS__COMPLETE_SQL                                                     \
    " FROM patients p WHERE p.arms_given ="                                   \
    " (SELECT count(*) FROM outcomes o WHERE o.patient = p.patient)"

its_status its__store_complete(its__store *st, long **ids, size_t *n)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 count = 0;
    size_t k = 0;
    its_status ok;
    int rc;
    if (st == NULL || ids == NULL || n == NULL)
        return st != NULL ? fail(st, ITS_EINVAL, "NULL argument") : ITS_EINVAL;
    *ids = NULL;
    *n = 0;
    if ((ok = query_int(st, "SELECT count(*)" ITS__COMPLETE_SQL, &count)) != ITS_OK || count == 0)
        return ok;
    if ((*ids = its__malloc((size_t)count * sizeof **ids)) == NULL)
        return fail(st, ITS_ENOMEM, "out of memory listing the complete patients");
    rc = sqlite3_prepare_v2(st->db, "SELECT p.patient" ITS__COMPLETE_SQL " ORDER BY p.patient",
                            -1, &s, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rc = k < (size_t)count ? SQLITE_OK : SQLITE_CORRUPT;
        if (rc == SQLITE_OK)
            (*ids)[k++] = (long)sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        its__free(*ids);
        *ids = NULL;
        return fail_sql(st, rc, "listing the complete patients");
    }
    *n = k;
    return ITS_OK;
}

void its__store_rows_free(its__store_rows *r)
{
    if (r == NULL)
        return;
    its__free(r->rows);
    its__free(r->text);
    its__free(r->assess);
    r->rows = NULL;
    r->text = NULL;
    r->assess = NULL;
    r->n = 0;
}

/* One outcome row of the read-back query; its message is copied to *text. */
static void get_outcome(sqlite3_stmt *s, its__outcome *o, char **text)
{
    long *counts[] = {&o->doses_planned, &o->doses_given, &o->doses_reduced, &o->doses_held,
                      &o->doses_planned_c1, &o->doses_given_c1, &o->stats.steps, &o->stats.rhs_evals, &o->stats.jac_evals,
                      &o->stats.lin_setups, &o->stats.err_test_fails, &o->stats.nonlin_iters,
                      &o->stats.nonlin_conv_fails, &o->stats.root_evals, &o->stats.segments,
                      &o->stats.extinctions, &o->stats.clip_restarts};
    const unsigned char *msg = sqlite3_column_text(s, 3);
    int len = msg != NULL ? sqlite3_column_bytes(s, 3) : 0, col = 14;
    memset(o, 0, sizeof *o);
    o->patient = (long)sqlite3_column_int64(s, 0);
    o->arm = (size_t)sqlite3_column_int64(s, 1);
    o->status = status_named(sqlite3_column_text(s, 2));
    if (len > 0)
        memcpy(*text, msg, (size_t)len);
    (*text)[len] = '\0';
    o->message = *text;
    *text += len + 1;
    o->best = response_of(sqlite3_column_text(s, 4));
    o->best_change = column_real(s, 5);
    o->ttr_days = column_real(s, 6);
    o->dor_days = column_real(s, 7);
    o->dor_event = sqlite3_column_int(s, 8);
    o->pfs_days = column_real(s, 9);
    o->pfs_event = sqlite3_column_int(s, 10);
    o->os_days = column_real(s, 11);
    o->os_event = sqlite3_column_int(s, 12);
    o->stats.t_reached = column_real(s, 13);
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        *counts[i] = (long)sqlite3_column_int64(s, col++);
    for (int k = 0; k < ITS_AE_NTERMS; k++)
        o->worst_grade[k] = -1;
}

/* The index of (patient, arm) in rows sorted so; n when absent. */
static size_t find_row(const its__store_rows *r, long patient, size_t arm)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const its__outcome *o = &r->rows[mid];
        if (o->patient < patient || (o->patient == patient && o->arm < arm))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && r->rows[lo].patient == patient && r->rows[lo].arm == arm ? lo : r->n;
}

static its_status read_grades(its__store *st, its__store_rows *r)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT g.patient, a.arm, g.term, g.worst_grade"
                                " FROM outcome_grades g JOIN arms a ON a.id = g.arm",
                                -1, &s, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t i = find_row(r, (long)sqlite3_column_int64(s, 0),
                            (size_t)sqlite3_column_int64(s, 1));
        const unsigned char *term = sqlite3_column_text(s, 2);
        rc = i < r->n && term != NULL ? SQLITE_OK : SQLITE_CORRUPT;
        for (int k = 0; rc == SQLITE_OK && k < ITS_AE_NTERMS; k++)
            if (strcmp((const char *)term, its_ae_term_id((its_ae_term)k)) == 0)
                r->rows[i].worst_grade[k] = sqlite3_column_int(s, 3);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? ITS_OK : fail_sql(st, rc, "reading the worst grades");
}

/* The assessments into r->assess (days, then sums), in row order; the rows'
 * pointers into it. Numbers of one outcome must run 0, 1, ... */
static its_status read_assessments(its__store *st, its__store_rows *r)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 count = 0;
    size_t j = 0, last = r->n;
    its_status ok = query_int(st, "SELECT count(*) FROM assessments", &count);
    int rc;
    if (ok != ITS_OK || count == 0)
        return ok;
    if ((r->assess = its__malloc(2 * (size_t)count * sizeof *r->assess)) == NULL)
        return fail(st, ITS_ENOMEM, "out of memory reading the assessments");
    rc = sqlite3_prepare_v2(st->db,
                            "SELECT s.patient, a.arm, s.k, s.day, s.sum_mm FROM assessments s"
                            " JOIN arms a ON a.id = s.arm ORDER BY s.patient, a.arm, s.k",
                            -1, &s, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t i = find_row(r, (long)sqlite3_column_int64(s, 0),
                            (size_t)sqlite3_column_int64(s, 1));
        sqlite3_int64 k = sqlite3_column_int64(s, 2);
        rc = i < r->n && j < (size_t)count && (size_t)k == r->rows[i].n_assess &&
                     (k == 0 || i == last) ? SQLITE_OK : SQLITE_CORRUPT;
        if (rc != SQLITE_OK)
            break;
        if (k == 0) {
            r->rows[i].assess_day = r->assess + j;
            r->rows[i].assess_sum_mm = r->assess + (size_t)count + j;
        }
        r->assess[j] = column_real(s, 3);
        r->assess[(size_t)count + j++] = column_real(s, 4);
        r->rows[i].n_assess++;
        last = i;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? ITS_OK : fail_sql(st, rc, "reading the assessments");
}

its_status its__store_read(its__store *st, its__store_rows *out)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 n = 0, bytes = 0;
    size_t k = 0;
    char *text;
    its_status ok;
    int rc;
    if (st == NULL || out == NULL)
        return st != NULL ? fail(st, ITS_EINVAL, "NULL argument") : ITS_EINVAL;
    memset(out, 0, sizeof *out);
    if ((ok = query_int(st, "SELECT count(*) FROM outcomes", &n)) != ITS_OK ||
        (ok = query_int(st, "SELECT total(length(CAST(message AS BLOB)) + 1) FROM outcomes",
                        &bytes)) != ITS_OK || n == 0)
        return ok;
    out->rows = its__calloc((size_t)n, sizeof *out->rows);
    out->text = its__malloc((size_t)bytes);
    if (out->rows == NULL || out->text == NULL) {
        its__store_rows_free(out);
        return fail(st, ITS_ENOMEM, "out of memory reading the outcomes");
    }
    text = out->text;
    rc = sqlite3_prepare_v2(st->db,
                            "SELECT o.patient, a.arm, o.status, o.message, o.best_response,"
                            " o.best_change, o.ttr_days, o.dor_days, o.dor_event, o.pfs_days,"
                            " o.pfs_event, o.os_days, o.os_event, o.t_reached_days,"
                            " o.doses_planned, o.doses_given, o.doses_reduced, o.doses_held,"
                            " o.doses_planned_c1, o.doses_given_c1,"
                            " o.steps, o.rhs_evals, o.jac_evals, o.lin_setups, o.err_test_fails,"
                            " o.nonlin_iters, o.nonlin_conv_fails, o.root_evals, o.segments,"
                            " o.extinctions, o.clip_restarts"
                            " FROM outcomes o JOIN arms a ON a.id = o.arm ORDER BY o.patient, a.arm",
                            -1, &s, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rc = k < (size_t)n ? SQLITE_OK : SQLITE_CORRUPT;
        if (rc == SQLITE_OK)
            get_outcome(s, &out->rows[k++], &text);
    }
    sqlite3_finalize(s);
    out->n = k;
    ok = rc == SQLITE_DONE ? read_grades(st, out) : fail_sql(st, rc, "reading the outcomes");
    if (ok == ITS_OK)
        ok = read_assessments(st, out);
    if (ok != ITS_OK)
        its__store_rows_free(out);
    return ok;
}

/* ---- checking ------------------------------------------------------------------- */

its_status its__store_check(its__store *st)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 bad = 0;
    its_status ok;
    int rc;
    if (st == NULL)
        return ITS_EINVAL;
    rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        if (t == NULL || strcmp((const char *)t, "ok") != 0) {
            its__fmt(st->err, sizeof st->err, "%s: integrity check: %s", st->path,
                     t != NULL ? (const char *)t : "?");
            sqlite3_finalize(s);
            return ITS_ECHECK;
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK)
        return fail_sql(st, rc, "integrity check");
    if ((ok = query_int(st, "SELECT count(*) FROM pragma_foreign_key_check", &bad)) != ITS_OK)
        return ok;
    if (bad > 0)
        return fail(st, ITS_ECHECK, "rows refer to patients or outcomes that are not stored");
    if ((ok = query_int(st, "SELECT count(*) FROM patients p WHERE p.arms_given <>"
                            " (SELECT count(*) FROM outcomes o WHERE o.patient = p.patient)",
                        &bad)) != ITS_OK)
        return ok;
    if (bad > 0)
        return fail(st, ITS_ECHECK, "a patient is stored without all its outcomes");
    if ((ok = query_int(st, "SELECT count(*) FROM assessments s WHERE s.k > 0 AND NOT EXISTS"
                            " (SELECT 1 FROM assessments p WHERE p.patient = s.patient"
                            " AND p.arm = s.arm AND p.k = s.k - 1 AND p.day <= s.day)",
                        &bad)) != ITS_OK)
        return ok;
    if (bad > 0)
        return fail(st, ITS_ECHECK, "an outcome's assessments are not numbered 0, 1, ... "
                                    "in time order");
    return ITS_OK;
}

its_status its__store_counts(its__store *st, long *patients, long *accepted, long *failures)
{
    sqlite3_int64 v[3] = {0, 0, 0};
    its_status ok;
    if (st == NULL || patients == NULL || accepted == NULL || failures == NULL)
        return st != NULL ? fail(st, ITS_EINVAL, "NULL argument") : ITS_EINVAL;
    if ((ok = query_int(st, "SELECT count(*) FROM patients", &v[0])) == ITS_OK &&
        (ok = query_int(st, "SELECT count(*) FROM patients WHERE accepted", &v[1])) == ITS_OK)
        ok = query_int(st, "SELECT count(*) FROM outcomes WHERE status <> 'ITS_OK'", &v[2]);
    *patients = (long)v[0];
    *accepted = (long)v[1];
    *failures = (long)v[2];
    return ok;
}

/* Rows of the values query into the arrays (sized for them). */
static int fill_values(sqlite3_stmt *s, long *patients, double *values, size_t cap, size_t *n)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n >= cap)
            return SQLITE_CORRUPT;
        patients[*n] = (long)sqlite3_column_int64(s, 0);
        values[(*n)++] = column_real(s, 1);
    }
    return rc;
}

its_status its__store_values(its__store *st, const char *name, long **patients,
                             double **values, size_t *n)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc;
    if (st == NULL || name == NULL || patients == NULL || values == NULL || n == NULL)
        return st != NULL ? fail(st, ITS_EINVAL, "NULL argument") : ITS_EINVAL;
    *patients = NULL;
    *values = NULL;
    *n = 0;
    rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM patient_values WHERE name = ?1", -1, &s,
                            NULL);
    if (rc == SQLITE_OK && (rc = bind_text(s, 1, name)) == SQLITE_OK &&
        (rc = sqlite3_step(s)) == SQLITE_ROW) {
        cap = (size_t)sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc != SQLITE_OK || cap == 0)
        return rc == SQLITE_OK ? ITS_OK : fail_sql(st, rc, "reading drawn values");
    *patients = its__malloc(cap * sizeof **patients);
    *values = its__malloc(cap * sizeof **values);
    if (*patients == NULL || *values == NULL)
        rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "SELECT patient, value FROM patient_values"
                                        " WHERE name = ?1 ORDER BY patient", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = bind_text(s, 1, name)) == SQLITE_OK)
        rc = fill_values(s, *patients, *values, cap, n);
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return ITS_OK;
    its__free(*patients);
    its__free(*values);
    *patients = NULL;
    *values = NULL;
    *n = 0;
    return rc == SQLITE_NOMEM ? fail(st, ITS_ENOMEM, "out of memory reading drawn values")
                              : fail_sql(st, rc, "reading drawn values");
}

int its__store_has_timeseries(const its__store *st)
{
    return st ? st->timeseries : 0;
}
