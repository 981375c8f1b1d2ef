/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: virtual clinical trials (docs/trial.md). A trial file is a
 * scenario (model, patient, clinical settings, shared therapy) with three
 * more sections: `trial:` (name, seed, patients, horizon, design, arms),
 * `population:` (the distributions patients are drawn from) and
 * `plausibility:` (constraints a drawn patient must meet before
 * treatment). Running a trial draws every patient, allocates it to arms,
 * runs them (in parallel), stores the outcomes in DIR/trial.sqlite and
 * writes the read-outs. */
#ifndef ITSIM_TRIAL_H
#define ITSIM_TRIAL_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

typedef struct its_trial its_trial;

/* Read a trial file (or text; name labels messages and resolves the
 * files of arms relative to it). *out receives a handle owned by the
 * caller (its_trial_free), NULL on failure. ITS_OK; ITS_EPARSE,
 * ITS_ENOTFOUND, ITS_EUNIT, ITS_ERANGE (the file: "FILE:LINE:COL: KEY:
 * message" in msg), ITS_EIO (the file cannot be read), ITS_ENOMEM,
 * ITS_EINVAL (NULL arguments). msg: at most msglen bytes, always
 * terminated, "" on success; may be NULL. */
its_status its_trial_load_file(const char *path, its_trial **out, char *msg, size_t msglen);
its_status its_trial_load_string(const char *text, size_t len, const char *name,
                                 its_trial **out, char *msg, size_t msglen);
/* The text of the default trial (examples/trials/melanoma_default.yaml,
 * embedded when itsim was built): static, never NULL. */
const char *its_trial_default_text(void);
/* Load the default trial (its_trial_default_text, named "<default
 * trial>"), whose population comes from the embedded calibrated melanoma
 * population (examples/trials/calibration/melanoma_calibrated.yaml as
 * built). Statuses and ownership as its_trial_load_string. */
its_status its_trial_load_default(its_trial **out, char *msg, size_t msglen);
/* Free a trial. Accepts NULL. */
void its_trial_free(its_trial *t);
/* Last error on the handle ("" after a success); a static text for NULL. */
const char *its_trial_errmsg(const its_trial *t);

/* Overrides of the file's settings (--patients, --seed). They are part of
 * what identifies the trial in its store: a resumed trial must use the
 * same. ITS_ERANGE for patients outside [1, 10^7]; ITS_EINVAL for NULL. */
its_status its_trial_set_patients(its_trial *t, long patients);
its_status its_trial_set_seed(its_trial *t, uint64_t seed);

/* Accessors (borrowed strings, valid until its_trial_free; NULL / 0 for a
 * NULL handle or an index out of range). */
const char *its_trial_name(const its_trial *t);
long its_trial_patients(const its_trial *t);
uint64_t its_trial_seed(const its_trial *t);
double its_trial_horizon(const its_trial *t); /* model time units */
size_t its_trial_arm_count(const its_trial *t);
const char *its_trial_arm_name(const its_trial *t, size_t i);
const char *its_trial_arm_id(const its_trial *t, size_t i);

/* Progress of a running trial, reported after each stored batch and at
 * the end (done == total). */
typedef struct its_trial_progress {
    long done;        /* patients stored (resumed ones included) */
    long total;       /* patients of the trial */
    long resumed;     /* of done, found stored when the run started */
    long failures;    /* outcome rows whose run failed */
    long rejected;    /* draws refused by the domains or plausibility */
    double elapsed_s; /* wall-clock seconds since the start of this run */
} its_trial_progress;

typedef struct its_trial_opts {
    int threads;      /* OpenMP threads; 0: the OpenMP default */
    int resume;       /* continue the trial stored in dir */
    int timeseries;   /* store per-patient time series (off by default) */
    int figures;      /* write the figures (needs gnuplot; 0: none) */
    int batch;        /* patients per thread and commit; 0: 16 */
    /* Called from one thread at a time; NULL: none. */
    void (*progress)(const its_trial_progress *p, void *user);
    void *user;
    /* Polled between patients and files; non-zero stops the run: stored
     * patients stay stored (resume continues), no output file is left
     * half-written, and its_trial_run returns ITS_ECANCELLED. NULL: none. */
    const volatile sig_atomic_t *cancel;
} its_trial_opts;

/* Defaults: 1 thread, no resume, no time series, figures on. */
void its_trial_opts_default(its_trial_opts *o);

/* Run the trial into directory dir (created if missing): DIR/trial.sqlite,
 * summary.json, arms.csv, outcomes.csv and the figures (docs/trial.md,
 * "Read-outs"). Every file is written to a temporary name and renamed
 * when complete. A patient whose run fails is stored with its status and
 * message and the trial goes on. ITS_OK; ITS_EINVAL (NULL arguments, a
 * directory holding another trial, or resume of another trial file or
 * seed: message in its_trial_errmsg), ITS_ERANGE (plausibility rejects
 * every draw of a patient), ITS_EIO (the directory or a file cannot be
 * written), ITS_ENOMEM. */
its_status its_trial_run(its_trial *t, const char *dir, const its_trial_opts *o);

/* A note of the last its_trial_run, "" if none (e.g. why the figures were
 * not rendered: gnuplot missing). Owned by the handle. */
const char *its_trial_note(const its_trial *t);

/* Print the read-outs of the trial stored in dir as a table to fp.
 * ITS_OK, ITS_EIO, ITS_EINVAL (no trial stored there), ITS_ENOMEM;
 * message in its_trial_errmsg. */
its_status its_trial_print_summary(its_trial *t, const char *dir, FILE *fp);

/* ---- several machines (MPI; docs/trial.md, "Running on several machines
 * (MPI)") ------------------------------------------------------------------
 * Launched by mpirun, every rank loads the same trial and calls
 * its_trial_run with the same directory and options: rank 0 hands out the
 * patients (dynamic load balancing), runs patients itself, collects the
 * other ranks' and alone writes dir (the store, the read-outs); the other
 * ranks return ITS_OK after their share (or the trial's failure, with
 * rank 0's message). Outcomes do not depend on the number of ranks.
 * Call its_mpi_init before anything else of itsim and its_mpi_finalize at
 * the end; a process that never calls its_mpi_init is one rank and never
 * touches MPI. */

/* Initialise MPI (MPI_THREAD_SERIALIZED; argc and argv may be NULL).
 * ITS_OK; ITS_EINVAL when itsim was built without MPI or the MPI library
 * lacks the thread support, ITS_EIO when MPI fails; reason in msg (at most
 * msglen bytes, always terminated; may be NULL). */
its_status its_mpi_init(int *argc, char ***argv, char *msg, size_t msglen);
/* Finalise MPI if its_mpi_init initialised it (collective: every rank
 * calls it). Safe to call when it did not. */
void its_mpi_finalize(void);
/* This process's rank (0) and the number of ranks (1) when MPI is not
 * initialised. */
int its_mpi_rank(void);
int its_mpi_size(void);
/* The MPI library itsim was built with ("Open MPI v4.1.4"; static), or
 * NULL when it was built without MPI. */
const char *its_mpi_library(void);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
