/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: running scenarios. A run gives a result (the time course, the
 * clinical read-outs and the solver statistics); a comparison runs every
 * arm of a scenario on the same patient. Writing and printing results:
 * itsim/io.h. */
#ifndef ITSIM_RUN_H
#define ITSIM_RUN_H

#include <stddef.h>
#include "itsim/clinical.h"
#include "itsim/scenario.h"
#include "itsim/sim.h"
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

typedef struct its_result its_result;

/* its_scenario_run for arm i of a scenario with arms: the shared settings
 * and therapy plus the arm's own. Same statuses and ownership, plus
 * ITS_EINVAL for a scenario without arms or i out of range (no message);
 * other messages, in its_scenario_errmsg, start "arm 'NAME': ". */
its_status its_scenario_run_arm(its_scenario *sc, size_t i, its_result **out);

/* Check everything and run the scenario. *out receives a result owned by
 * the caller (its_result_free); the result keeps no pointer into sc. The
 * scenario is not changed except for its last error. Statuses: ITS_OK;
 * ITS_EINVAL (NULL argument, or a scenario with arms: use
 * its_scenario_run_arm or its_comparison_run), ITS_ENOTFOUND, ITS_EUNIT,
 * ITS_ERANGE (the scenario does not fit its model: unknown names, bad
 * values, horizon or grid), ITS_ENOMEM, or the status of the simulation
 * (ITS_ESOLVER, ITS_ECALLBACK); the message is in its_scenario_errmsg. On a
 * solver failure (ITS_ESOLVER) *out still receives the partial result up
 * to the failure, whose summary and output files record the status; on any
 * other error *out is NULL. */
its_status its_scenario_run(its_scenario *sc, its_result **out);

/* Free a result and everything it owns (evaluators, strings). Accepts NULL. */
void its_result_free(its_result *res);

/* Clinical read-outs of a run (models with observables; docs/clinical.md):
 * RECIST endpoints, the worst CTCAE grade of each term, death, survival and
 * what happened to the doses. Times are in model units from the start. */
typedef struct its_clinical_summary {
    int available;                  /* 0: the model has no observables */
    int recist_available;           /* lesions were assessed */
    its_recist_endpoints recist;
    size_t n_assessments;
    int worst_grade[ITS_AE_NTERMS]; /* -1: term not graded for this model */
    int worst_any;                  /* highest grade over all terms */
    its_ae_term worst_term;         /* its term (first if tied) */
    double death;                   /* time of death, NaN if alive at the end */
    int death_cause;                /* 0 alive, 1 disease (lethal tumour
                                       burden), 2 treatment (grade-5 event) */
    its_ae_term death_term;         /* for cause 2 */
    double os;                      /* overall survival: death or end (censored) */
    int os_event;
    size_t doses_planned;           /* scheduled administrations */
    size_t doses_given;             /* given in full */
    size_t doses_reduced;           /* given at a reduced fraction */
    size_t doses_held;              /* held or stopped by a rule, or after
                                       progression (stop_at_progression) */
    size_t doses_after_progression; /* of those, held after progression */
    size_t doses_not_reached;       /* after death or the end of the run */
    /* The first cycle of treatment: of the first therapy item with a
     * cycle (regimens such as HD IL-2: 14 doses in cycle 1), from the
     * item's start to one cycle length later: its administrations, and
     * those given in full. 0 and 0 when no item has a cycle. */
    size_t doses_planned_c1;
    size_t doses_given_c1;
} its_clinical_summary;

/* Copy the summary into *s. ITS_OK; ITS_EINVAL for NULL arguments (no
 * message). */
its_status its_result_get_clinical(const its_result *res, its_clinical_summary *s);
/* The evaluators behind the summary (per-assessment detail, AE episodes),
 * borrowed from the result: valid until its_result_free, not to be freed;
 * NULL when not available (no observables, no lesions assessed, NULL
 * res). */
const its_recist *its_result_recist(const its_result *res);
const its_ctcae *its_result_ctcae(const its_result *res);

/* Copy the solver statistics of the run into *stats (its_stats; t_reached
 * is where the run ended, in model time: the horizon, the time of death,
 * or where the solver gave up). ITS_OK; ITS_EINVAL for NULL arguments (no
 * message). */
its_status its_result_get_stats(const its_result *res, its_stats *stats);

/* The last error of the functions taking the result (the writers of
 * itsim/io.h), else the failure message of the run ("" when it succeeded).
 * Owned by the result, valid until the next write or its_result_free; a
 * static text for NULL. */
const char *its_result_errmsg(const its_result *res);

/* ---- comparisons ------------------------------------------------------------

 * The arms of a scenario run side by side on the same patient (a plain
 * scenario is one arm). The default `itsim run` is such a comparison. */
typedef struct its_comparison its_comparison;

/* Run every arm, in parallel on `threads` threads when built with OpenMP
 * (0: OpenMP's default, e.g. OMP_NUM_THREADS or one per core; ignored
 * without OpenMP). Results do not depend on the number of threads.
 * *out receives the comparison (caller frees) unless the status is
 * ITS_ENOMEM or the arguments are invalid (ITS_EINVAL: NULL, threads < 0);
 * when an arm fails, the others still run and the first failure is
 * returned with its message in its_comparison_errmsg (ITS_ESOLVER: the
 * arm's partial result is kept; other failures: the arm has no result). */
its_status its_comparison_run(its_scenario *sc, int threads, its_comparison **out);
/* Free a comparison with its results. Accepts NULL. */
void its_comparison_free(its_comparison *c);
/* Number of arms (1 for a plain scenario; 0 for NULL). */
size_t its_comparison_count(const its_comparison *c);
/* Arm label (as written), identifier (file-name prefix) and result (NULL
 * if the arm could not run), borrowed from the comparison: valid until
 * its_comparison_free, not to be freed. NULL for NULL c or i out of
 * range. */
const char *its_comparison_label(const its_comparison *c, size_t i);
const char *its_comparison_id(const its_comparison *c, size_t i);
const its_result *its_comparison_result(const its_comparison *c, size_t i);
/* The first arm's failure of its_comparison_run, or the last error of the
 * writers (itsim/io.h); "" when none. Owned by the comparison, valid until
 * the next write or its_comparison_free; a static text for NULL. */
const char *its_comparison_errmsg(const its_comparison *c);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
