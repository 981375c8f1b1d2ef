/* itsim: private layout of a resolved scenario ("plan") and of a run result,
 * shared by io/scenario.c (load, resolve, run) and io/output.c (writers). */
#ifndef ITSIM_IO_SCENARIO_IMPL_H
#define ITSIM_IO_SCENARIO_IMPL_H

#include <stddef.h>
#include "itsim/clinical.h"
#include "itsim/model.h"
#include "itsim/scenario.h"
#include "itsim/run.h"
#include "itsim/io.h"
#include "itsim/sim.h"

/* Size of the error buffers of scenarios and results. */
#define ITS__ERRLEN 1024

/* One therapy item after checking, all values in model units. */
typedef struct its__therapy {
    int input;              /* index into model->inputs */
    int has_dose;           /* bolus of `dose`, else infusion at `rate` */
    double dose;
    double rate;
    double start;
    int has_every;
    double every;
    int has_until;
    double until;
    int has_count;
    long count;
    int has_duration;
    double duration;
    int has_release;        /* the dose goes through a delivery system */
    its_release release;
    int n_days;             /* weekday schedule: days after each week's start */
    int days[7];            /* 0 = the start day (Monday) ... 6 */
    long weeks;             /* number of weeks (0: until/horizon) */
    double day;             /* one day in model time units */
    int has_cycle;          /* the schedule repeats every `cycle`, `cycles` times */
    double cycle;
    long cycles;
    int has_carrier;        /* systemic nanoparticle: part to the lesions */
    double tumour_fraction; /* share of the dose accumulating in lesions */
    double circulation_time;/* release time scale in blood (first order), 0: at once */
    int n_it;               /* intratumoral inputs, one per lesion */
    int it_input[8];
} its__therapy;

/* One expanded administration. */
typedef struct its__dose {
    int input;
    double t;
    int infusion;           /* 0: bolus of amount; 1: rate for duration */
    double amount;
    double rate;
    double duration;        /* INFINITY: to the end of the run */
    int has_release;        /* bolus through a delivery system */
    its_release release;
} its__dose;

/* A protocol rule: when state `state` is above (op > 0) or below (op < 0)
 * `value` at an administration of `input` (-1: every input), hold it
 * (action 0), reduce it to `factor` (1) or stop that therapy for good (2). */
typedef struct its__rule {
    int state;              /* state index, or -1 when obs names an observable */
    int obs;
    int grade;              /* CTCAE term (its_ae_term) for "grade.TERM", else -1 */
    int or_equal;           /* ">=" / "<=" */
    int op;
    double value;
    int action;
    double factor;
    int input;
    char text[160];         /* the condition as written, for outputs */
} its__rule;

#define ITS__HELD_PD (-2)

/* Clinical read-outs of a run (models with observables; docs/clinical.md). */
#define ITS__MAX_LESIONS 8
typedef struct its__clinical {
    int on;                 /* the model has observables */
    its_recist_opts recist; /* times in model units */
    double assess_every;    /* model time units */
    double first_assess;
    double monitor_every;
    double anc_lln;         /* 1e9/L */
    double lethal_burden;   /* cells; 0: no disease death */
    int stop_at_pd;         /* no more doses after RECIST progression */
    size_t n_organs;        /* 0: each lesion its own organ */
    char organs[ITS__MAX_LESIONS][32];
} its__clinical;

/* A fully resolved scenario: everything needed to run it again. */
typedef struct its__plan {
    const its_model_def *model;     /* static registry entry */
    const char *set_name;           /* applied parameter set (static) or NULL */
    char *source;                   /* scenario name used in messages */
    char *description;              /* optional free text, or NULL */
    double *params;                 /* n_params values actually used */
    double *initial;                /* n_states initial values */
    its__therapy *therapy;
    size_t n_therapy;
    its__dose *doses;
    size_t n_doses;
    double t0, t1, dt;
    int has_rtol, has_atol;
    double rtol, atol;
    its_method method;
    int has_max_steps;
    long max_steps;
    double *grid;
    size_t n_grid;
    its__rule *rules;
    size_t n_rules;
    its__clinical clin;
} its__plan;

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
 * once); errors to err (ITS__ERRLEN bytes). */
its_status its__scenario_run_arm(const its_scenario *sc, size_t i, its_result **out, char *err);
/* The checks of a run without the run (horizon, output grid, doses) on the
 * scenario's own settings and therapy (not an arm's): ITS_OK or the status
 * its_scenario_run would give before simulating, message in sc. */
its_status its__scenario_resolve(its_scenario *sc);
/* The same checks for arm i (the shared therapy and rules with the arm's),
 * as its__scenario_run_arm would make them; errors to err (ITS__ERRLEN
 * bytes, "arm 'NAME': ..."). */
its_status its__scenario_resolve_arm(const its_scenario *sc, size_t i, char *err);

/* Free the arrays of a plan (not the plan itself). */
void its__plan_clear(its__plan *plan);

/* io/clinical_run.c: the run grid with monitoring and assessment times
 * merged into the output grid (flags: ITS__ROW_OUTPUT, _MONITOR, _ASSESS),
 * the per-row collection, and the evaluation at the end. */
#define ITS__ROW_OUTPUT 1u
#define ITS__ROW_MONITOR 2u
#define ITS__ROW_ASSESS 4u
its_status its__clin_prepare(its_result *res, double **grid, unsigned char **flags,
                             size_t *n_grid);
/* Returns 1 when the patient died at this row, -1 when out of memory. */
int its__clin_row(its_result *res, double t, const double *y, its_row_kind kind,
                  unsigned flags);
its_status its__clin_finish(its_result *res);
/* io/clinical_out.c: summary section and CSV writers. */
#include <stdio.h>
void its__clin_print(const its_result *res, FILE *fp);
void its__write_assessments(const its_result *res, FILE *fp);
void its__write_adverse(const its_result *res, FILE *fp);
void its__write_monitor(const its_result *res, FILE *fp);
void its__write_doses(const its_result *res, FILE *fp);

/* io/output.c: every file of a run into dir with names prefixed; a
 * directory written atomically (temporary sibling, renamed when complete)
 * by a fill callback. Errors go to err (ITS__ERRLEN bytes). */
#include <sys/types.h>
typedef struct its__figs {
    its_output_opts *opts;           /* the caller's, or def */
    its_output_opts def;             /* defaults when the caller gave none */
    char (*names)[128];              /* scripts written */
    size_t n, cap;
} its__figs;
/* Set up figs for one write with room for cap scripts (o NULL: defaults;
 * o->note is cleared); ITS_ENOMEM. its__figs_end frees it. */
its_status its__figs_begin(its__figs *figs, its_output_opts *o, size_t cap);
void its__figs_end(its__figs *figs);
its_status its__write_run_files(const its_result *res, const char *tmp, const char *prefix,
                                mode_t *fmode, its__figs *figs, char *err);
/* Render the scripts in figs (if asked) and fill its options' note. */
void its__render_figs(const char *tmp, its__figs *figs);
/* Non-zero once the options' cancel flag is set (o may be NULL). */
int its__cancelled(const its_output_opts *o);
/* Write dir with fill into a marked temporary sibling and rename it into
 * place (its_output_check first; stale temporaries removed); fill returns
 * ITS_ECANCELLED, or the write stops so, once o's cancel flag is set. */
typedef its_status (*its__fill_fn)(void *ctx, const char *tmp, mode_t *fmode, char *err);
its_status its__write_dir_atomic(const char *dir, const its_output_opts *o, its__fill_fn fill,
                                 void *ctx, char *err);
/* comparison.csv and summary.json of a comparison (arm files are
 * prefixed "ID."); results may be NULL for arms that did not run. */
its_status its__write_comparison_files(const its_result *const *res, const char *const *labels,
                                       const char *const *ids, size_t n, const char *tmp,
                                       char *err);
void its__clin_free(its__clinrun *c);

#endif
