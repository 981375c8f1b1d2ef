/* itsim: private layout of a resolved scenario ("plan") and of a run result,
 * shared by io/scenario.c (load, resolve, run) and io/output.c (writers). */
#ifndef ITSIM_IO_SCENARIO_IMPL_H
#define ITSIM_IO_SCENARIO_IMPL_H

#include <stddef.h>
#include "itsim/model.h"
#include "itsim/scenario.h"
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
    int state;
    int op;
    double value;
    int action;
    double factor;
    int input;
    char text[160];         /* the condition as written, for outputs */
} its__rule;

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
} its__plan;

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
    int *rule_of;                   /* per dose: rule that held/reduced it, or -1 */
    its_status status;              /* ITS_OK or the run's failure */
    char message[ITS__ERRLEN];      /* failure message of the run, or "" */
    char *err;                      /* ITS__ERRLEN bytes: last error of the
                                       (const) result functions */
};

/* Free the arrays of a plan (not the plan itself). */
void its__plan_clear(its__plan *plan);

#endif
