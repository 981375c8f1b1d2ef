/* itsim: model definitions and the built-in model registry.
 * A model is data (named states, parameters, inputs, parameter sets) plus
 * code (a right-hand side and an optional Jacobian). */
#ifndef ITSIM_MODEL_H
#define ITSIM_MODEL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Right-hand side dy/dt = f(t, y; p). All arrays are owned by the caller;
 * y and p are read-only, ydot has n_states entries. The function must not
 * allocate, and must return 0 on success, > 0 for a recoverable failure
 * (the solver retries with a smaller step) or < 0 to stop the run.
 * Time is in the model's time unit (its_model_def.time_unit). */
typedef int (*its_rhs_fn)(double t, const double *y, double *ydot,
                          const double *p, void *user);

/* Optional dense Jacobian J[i + j*ld] = d f_i / d y_j (column-major, ld >= n).
 * The caller zeroes J before the call; same return convention as its_rhs_fn. */
typedef int (*its_jac_fn)(double t, const double *y, double *J, size_t ld,
                          const double *p, void *user);

/* One state variable. Units are strings understood by its_unit_parse. */
typedef struct its_state_def {
    const char *name;        /* identifier, e.g. "T" */
    const char *unit;        /* e.g. "cell", "mm3" */
    double initial;          /* default initial value, in unit */
    double floor;            /* extinction floor in unit: when the state
                                falls below it, it is set to exactly 0.
                                0 disables the rule (the default). */
    const char *description;
} its_state_def;

/* One parameter with its provenance. */
typedef struct its_param_def {
    const char *name;
    double value;            /* default value, in unit */
    const char *unit;
    const char *description;
    const char *source;      /* citation; "assumed: <reason>" if not published */
} its_param_def;

/* A therapy input: what a dose acts on. A bolus of amount A (in unit) adds
 * s*A to the target state; an infusion at rate R (in unit per model time
 * unit) adds s*R to the target state's derivative. s is `scale`, divided by
 * the current value of the parameter `volume` when that is not NULL (an
 * amount dosed into a distribution volume gives a concentration). */
typedef struct its_input_def {
    const char *name;
    const char *state;       /* target state name */
    double scale;            /* model state units per input unit */
    const char *unit;        /* unit of a bolus amount */
    const char *description;
    const char *volume;      /* parameter dividing scale, or NULL */
} its_input_def;

/* One parameter value inside a named parameter set. */
typedef struct its_param_value {
    const char *name;
    double value;
} its_param_value;

/* A named parameter set (a published variant: a mouse arm, a patient). */
typedef struct its_param_set {
    const char *name;
    const char *description;
    const char *source;
    size_t n_values;
    const its_param_value *values;
} its_param_set;

/* The complete definition of a model. Built-in definitions are static and
 * immutable; users may define their own with the same structure and pass it
 * to its_sim_create (the definition must outlive the simulation). */
typedef struct its_model_def {
    const char *name;        /* registry name, e.g. "hahnfeldt1999" */
    const char *title;
    const char *reference;   /* primary citation */
    const char *time_unit;   /* unit of t, e.g. "d" */
    const char *notes;       /* corrections to public encodings, caveats */
    size_t n_states;
    const its_state_def *states;
    size_t n_params;
    const its_param_def *params;
    size_t n_inputs;
    const its_input_def *inputs;
    size_t n_sets;
    const its_param_set *sets;
    const char *default_set; /* applied by default, or NULL */
    its_rhs_fn rhs;
    its_jac_fn jac;          /* may be NULL: finite differences are used */
    const char *const *course; /* NULL-terminated state names shown in the
                                  course table of a run summary; NULL: the
                                  first states */
    double default_until;    /* default horizon in time units when a run
                                names only the model; 0 means 100 */
} its_model_def;

/* Number of built-in models. */
size_t its_model_count(void);

/* The i-th built-in model (0 <= i < its_model_count()), or NULL if out of
 * range. The pointer is static and must not be freed. */
const its_model_def *its_model_at(size_t i);

/* The built-in model called name, or NULL if there is none. "tme" has 3
 * lesions; "tme:N" (N = 1..8) names the same model with N lesions. */
const its_model_def *its_model_find(const char *name);

/* Index of a state, parameter, input or parameter set by name, or -1. */
int its_model_state_index(const its_model_def *m, const char *name);
int its_model_param_index(const its_model_def *m, const char *name);
int its_model_input_index(const its_model_def *m, const char *name);
int its_model_set_index(const its_model_def *m, const char *name);

#ifdef __cplusplus
}
#endif
#endif
