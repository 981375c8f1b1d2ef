/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the run layer's private header (src/run). The layout of
 * a run result (rows, clinical read-outs, dose outcomes) and of a
 * comparison, for the run layer and the writers above it (src/io), and the
 * clinical collection during a run (clinical_run.c). */
#ifndef ITS_RUN_RUN_H
#define ITS_RUN_RUN_H

#include <stddef.h>
#include "scenario/scenario.h"
#include "itsim/run.h"

/* What the clinical read-outs collected during a run. */
typedef struct its__clinrun {
    size_t n_obs;                   /* model observables */
    size_t n_lesions;               /* lesion-diameter observables */
    int lesion_obs[ITS__MAX_LESIONS];
    int burden_obs;                 /* -1: none */
    int organ[ITS__MAX_LESIONS];
    double *obs;                    /* scratch: n_obs values */
    size_t n_mon, cap_mon;          /* monitoring rows */
    double *mon_t;
    double *mon_obs;                /* n_mon * n_obs */
    signed char *mon_grade;         /* n_mon * ITS_AE_NTERMS, -1 not graded */
    double *sched_t;                /* scheduled scan times (baseline first) */
    size_t n_sched, sched_i;        /* ... and the next one due */
    double tol;                     /* times closer than this are one */
    size_t n_assess, cap_assess;    /* assessments (the first is baseline) */
    double *assess_t;
    double *assess_d;               /* n_assess * n_lesions, mm */
    its_ctcae *ctcae;
    its_recist *recist;
    int recist_ok;
    int progressed;                 /* PD seen at a scan (stop_at_pd) */
    double death;                   /* NaN: alive at the end */
    int death_cause;                /* 0 none, 1 disease, 2 adverse event */
    its_ae_term death_term;
} its__clinrun;

struct its_result {
    its__plan plan;
    /* rows reported by the observer, in time order */
    size_t n_rows, cap_rows;
    double *t;
    unsigned char *kind;            /* its_row_kind */
    double *y;                      /* n_rows * n_states, row-major */
    double *final_state;            /* n_states; valid when has_final */
    int has_final;
    its_stats stats;
    double *given;                  /* per dose: fraction given (NaN: not reached) */
    int *rule_of;                   /* per dose: rule that held/reduced it, -1
                                       none, ITS__HELD_PD after progression */
    its__clinrun clin;              /* clinical read-outs (plan.clin.on) */
    its_status status;              /* ITS_OK or the run's failure */
    char message[ITS__ERRLEN];      /* failure message of the run, or "" */
    char *err;                      /* ITS__ERRLEN bytes: last error of the
                                       (const) result functions */
};

/* Arm i of a scenario without modifying it (safe from several threads at
 * once); errors to err (ITS__ERRLEN bytes, "arm 'NAME': ..."). */
its_status its__run_arm(const its_scenario *sc, size_t i, its_result **out, char *err);

/* clinical_run.c: the run grid with monitoring and assessment times
 * merged into the output grid (flags: ITS__ROW_OUTPUT, _MONITOR, _ASSESS),
 * the per-row collection, and the evaluation at the end. */
#define ITS__ROW_OUTPUT 1u
#define ITS__ROW_MONITOR 2u
#define ITS__ROW_ASSESS 4u
its_status its__clin_prepare(its_result *res, double **grid, unsigned char **flags,
                             size_t *n_grid);
/* Collects one row; *died is 1 when the patient died at it. ITS_OK, or the
 * status of a failed grading (ITS_ENOMEM; ITS_EINVAL with the reason in
 * res->message) or RECIST evaluation (ITS_ENOMEM). */
its_status its__clin_row(its_result *res, double t, const double *y, its_row_kind kind,
                         unsigned flags, int *died);
its_status its__clin_finish(its_result *res);
void its__clin_free(its__clinrun *c);

struct its_comparison {
    size_t n;
    its_result **res;
    char **label;
    char **id;
    char **prefix;      /* "ID.": the arm's file names start with it */
    char *err;          /* ITS__ERRLEN bytes: last error (written by the
                           const write functions too, like its_result's) */
};

#endif
