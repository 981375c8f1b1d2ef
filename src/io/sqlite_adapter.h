/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the trial store, durable storage of a virtual trial in
 * SQLite (DIR/trial.sqlite). The only code that includes <sqlite3.h> is
 * io/sqlite_adapter.c. The schema and the durability it gives are in
 * docs/trial.md ("Storage").
 *
 * One process writes a store (under MPI, rank 0); batches of patients are
 * committed all or nothing, so after a crash (kill -9 included) every
 * stored patient has all its rows and a resumed run skips exactly the
 * complete patients (its__store_complete).
 *
 * Errors: its__store_open takes (msg, msglen); the other functions keep
 * their message on the handle (its__store_errmsg). A failure of SQLite
 * maps to ITS_ENOMEM (SQLITE_NOMEM), ITS_EINVAL (a constraint: a patient
 * stored twice, a value out of its domain) or ITS_EIO (anything else),
 * with SQLite's message and the file's name in the text.
 *
 * A handle is used by one thread at a time (the runner's collector). */
#ifndef ITS_IO_SQLITE_ADAPTER_H
#define ITS_IO_SQLITE_ADAPTER_H

#include <stddef.h>
#include <stdint.h>
#include "itsim/status.h"
#include "run/run.h" /* its__outcome, its__store_series */

/* The file in the trial's directory, and the version of its schema
 * (stored in the `trial` table; a store of another version is refused). */
#define ITS__STORE_FILE "trial.sqlite"
#define ITS__STORE_SCHEMA_VERSION 3

typedef struct its__store its__store;

/* What identifies a trial. trial_text is the resolved trial file (stored
 * verbatim; its 64-bit FNV-1a hash is stored beside it); a store is the
 * same trial when text and seed are equal. arm_ids: n_arms distinct
 * identifiers in arm order (outcomes name their arm by index into it). */
typedef struct its__store_meta {
    const char *trial_text;
    uint64_t seed;
    long patients;
    size_t n_arms;
    const char *const *arm_ids;
    int timeseries; /* create the optional `timeseries` table */
} its__store_meta;

/* A drawn value of a patient: a parameter (model parameter or lesion-level
 * value) or a covariate. Categorical values are stored as their code. */
typedef enum its__value_kind { ITS__VALUE_PARAMETER = 0, ITS__VALUE_COVARIATE = 1 } its__value_kind;

typedef struct its__store_value {
    const char *name; /* unique within the patient */
    const char *unit; /* NULL or "" for dimensionless */
    its__value_kind kind;
    double value;
} its__store_value;

/* One patient of a batch: its draw and its outcomes (one per arm it was
 * given: every arm when paired, one when randomised, none when the draw
 * was rejected). */
typedef struct its__store_patient {
    long patient;
    int accepted;
    size_t n_values;
    const its__store_value *values;
    size_t n_outcomes;
    const its__outcome *outcomes;
} its__store_patient;

/* Open DIR/trial.sqlite (WAL, synchronous=NORMAL, foreign keys, a busy
 * timeout), creating the file and its schema with meta when it does not
 * exist or holds no trial yet. With resume == 0 a file that already holds
 * a trial is refused (ITS_EINVAL); with resume != 0 it must hold the same
 * trial (text and seed, schema version), else ITS_EINVAL naming dir. *out
 * receives the handle (its__store_close), NULL on failure; the message
 * goes to msg (at most msglen bytes, "" on success, may be NULL). */
its_status its__store_open(const char *dir, const its__store_meta *meta, int resume,
                           its__store **out, char *msg, size_t msglen);
/* Close the store (checkpoints the WAL). Accepts NULL. */
void its__store_close(its__store *st);
/* The last error on st ("" if none); a static text for NULL. */
const char *its__store_errmsg(const its__store *st);

/* Store n patients in one transaction (outcomes with their worst grades,
 * assessments and series): all of them, or (on any error) none. Only
 * bound values reach SQL. ITS_EINVAL for an arm index out of range, an
 * outcome of another patient, assessments or a series with NULL arrays, a
 * series without the timeseries table, or a constraint (patient stored
 * twice, value outside its domain, an assessment's day NaN). */
its_status its__store_write(its__store *st, const its__store_patient *p, size_t n);

/* The patients stored complete (a patient row with all its outcome rows),
 * ascending, in a new array *ids of *n entries (caller frees with
 * its__free; NULL when n is 0). */
its_status its__store_complete(its__store *st, long **ids, size_t *n);

/* Outcomes read back in patient, then arm order. rows[i].message points
 * into text, rows[i].assess_day and assess_sum_mm (the `assessments`
 * table, baseline first) into assess; its__store_rows_free frees both. */
typedef struct its__store_rows {
    its__outcome *rows;
    size_t n;
    char *text;     /* the messages */
    double *assess; /* the assessments' days, then their sums (NULL: none) */
} its__store_rows;

its_status its__store_read(its__store *st, its__store_rows *out);
void its__store_rows_free(its__store_rows *r);

/* Counts for the summary: patients stored, of them accepted, and outcome
 * rows whose run failed (status other than ITS_OK). */
its_status its__store_counts(its__store *st, long *patients, long *accepted, long *failures);

/* The drawn values named `name` of every stored patient, in patient order:
 * new arrays *patients and *values of *n entries (caller frees both with
 * its__free; NULL when n is 0). NaN for a value stored as NULL. */
its_status its__store_values(its__store *st, const char *name, long **patients,
                             double **values, size_t *n);

/* SQLite's integrity check and the store's own: every patient with all
 * its outcomes, grades and assessments referring to stored rows, the
 * assessments of an outcome numbered 0, 1, ... with days not decreasing.
 * ITS_OK or ITS_ECHECK with the first problem on the handle. */
its_status its__store_check(its__store *st);

/* Whether the store has the timeseries table (0 for NULL). */
int its__store_has_timeseries(const its__store *st);

/* The FNV-1a 64-bit hash of text, as stored (16 lowercase hex digits
 * into buf of at least 17 bytes). */
void its__store_hash(const char *text, char *buf);
/* The same of n bytes. */
void its__store_hash_bytes(const void *bytes, size_t n, char *buf);

#endif
