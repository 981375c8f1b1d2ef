/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: one simulation of one model with CVODE, with exact-time doses.
 * Lifecycle: its_sim_create, set parameters / initial values / doses /
 * options, its_sim_run (any number of times), its_sim_free. */
#ifndef ITSIM_SIM_H
#define ITSIM_SIM_H

#include <stddef.h>
#include "itsim/status.h"
#include "itsim/model.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* Opaque simulation handle. Not thread-safe: use one handle per thread.
 * A handle holds no global state, and all solver workspace is allocated by
 * its_sim_create and reused by every run (CVodeReInit). */
typedef struct its_sim its_sim;

typedef enum its_method {
    ITS_METHOD_BDF = 0,   /* stiff: BDF with a sparse direct linear solver (KLU) */
    ITS_METHOD_ADAMS = 1  /* non-stiff: Adams-Moulton, same linear solver */
} its_method;

/* Kind of an output row passed to the observer. */
typedef enum its_row_kind {
    ITS_ROW_GRID = 0,      /* a time on the requested output grid */
    ITS_ROW_PREDOSE = 1,   /* just before a dose or infusion switch */
    ITS_ROW_POSTDOSE = 2,  /* just after it */
    ITS_ROW_EXTINCT = 3    /* a state crossed its extinction floor (set to 0) */
} its_row_kind;

/* Observer called for each output row, in time order. y has n_states
 * entries in model units and is only valid during the call. Return 0 to go
 * on, non-zero to stop the run (its_sim_run then returns ITS_ECALLBACK). */
typedef int (*its_observer_fn)(double t, const double *y, size_t n_states,
                               its_row_kind kind, void *user);

/* Solver statistics of the last run (CVODE counters, summed over the
 * integration segments between doses). */
typedef struct its_stats {
    long steps;
    long rhs_evals;
    long jac_evals;
    long lin_setups;
    long err_test_fails;
    long nonlin_iters;
    long nonlin_conv_fails;
    long root_evals;
    long segments;        /* integration restarts (doses, switches, floors) */
    long extinctions;     /* states set to 0 by their extinction floor */
    long clip_restarts;   /* segments finished with clipping after CVODE
                             could not satisfy y >= 0 (docs/engine.md) */
    long history_steps;   /* solver steps of the pre-treatment history
                             (its_history_def), 0 when none was computed
                             for this run (none, off, or reused) */
    double history_duration; /* its length in time units (0: none) */
    double t_reached;     /* where the run ended (model time): t_end, the
                             time an observer or the dose gate stopped it,
                             or where the solver gave up */
} its_stats;

/* Create a simulation of model m (not owned; must outlive the handle).
 * Parameters start at the model defaults with the model's default parameter
 * set applied (its_model_default_params), and the initial values at the
 * state those parameters imply (its_model_initial_state). Default
 * tolerances: rtol 1e-8, atol 1e-10 times each state's typical scale
 * (max(|initial|, 1)). Returns ITS_OK, ITS_EINVAL (NULL argument, empty
 * model, m->version not ITS_MODEL_VERSION), ITS_ERANGE (the model's default
 * set or initial state is refused), ITS_ENOMEM or ITS_ESOLVER (CVODE could
 * not be set up). *out is NULL on failure. There is no handle to hold the
 * reason then: like every function without a handle, its_sim_create writes
 * it into msg (at most msglen bytes, always terminated, "" on success; msg
 * may be NULL). */
its_status its_sim_create(const its_model_def *m, its_sim **out, char *msg,
                          size_t msglen);

/* Free the handle and all its workspace (not the model). Accepts NULL. */
void its_sim_free(its_sim *sim);

/* The model this handle simulates: the definition passed to its_sim_create,
 * borrowed (not to be freed; owned by whoever owns the definition, static
 * for built-in models). NULL for a NULL handle. */
const its_model_def *its_sim_model(const its_sim *sim);

/* Message describing the last error on this handle ("" if none). The string
 * is owned by the handle and valid until the next call on it; a static text
 * for NULL. */
const char *its_sim_errmsg(const its_sim *sim);

/* Restore the model's default parameters, initial values and default set,
 * and remove every dose; every initial value follows the parameters again.
 * Extinction floors return to the model's; tolerances, method, the
 * non-negativity setting and the dose gate are kept. Nothing for NULL. */
void its_sim_reset(its_sim *sim);

/* Set a parameter (in the unit of its its_param_def). Initial values not set by
 * its_sim_set_initial follow: they become the state the new parameters
 * imply (its_model_initial_state; e.g. blood pools scale with the blood
 * volume). ITS_OK; ITS_EINVAL for NULL arguments; ITS_ENOTFOUND for an
 * unknown name; ITS_ERANGE for a non-finite
 * value or one outside the parameter's domain (its_param_def.domain; the
 * message names the parameter and the domain) or one for which the initial
 * state cannot be computed (the parameter is then unchanged). Message on
 * the handle. */
its_status its_sim_set_param(its_sim *sim, const char *name, double value);
/* Copy the current value of parameter `name` into *value. ITS_ENOTFOUND
 * for an unknown name, ITS_EINVAL for NULL (no message: the handle is
 * read-only here). */
its_status its_sim_get_param(const its_sim *sim, const char *name,
                             double *value);
/* Read-only view of all n_params parameter values (model units), borrowed
 * from the handle: valid until its_sim_free, changed by the setters. NULL
 * for a NULL handle. */
const double *its_sim_params(const its_sim *sim);

/* Set every parameter at once from p[n_params] (model units), as a resolved
 * scenario or a drawn patient does: each value is checked against its
 * domain, then the initial values follow once (as for its_sim_set_param).
 * ITS_OK; ITS_EINVAL for NULL arguments; ITS_ERANGE for a value outside its
 * domain (the message names the parameter) or parameters whose initial state
 * cannot be computed. On any error nothing changes. Message on the handle. */
its_status its_sim_set_param_vector(its_sim *sim, const double *p);

/* Apply a named parameter set of the model (its values overwrite the
 * current ones; initial values follow as for its_sim_set_param). ITS_OK;
 * ITS_EINVAL for NULL arguments; ITS_ENOTFOUND if the model has no such
 * set; ITS_ERANGE if one of its values lies outside its parameter's domain
 * or the initial state cannot be computed. On any error the parameters and
 * initial values stay as they were. Message on the handle. */
its_status its_sim_apply_set(its_sim *sim, const char *set_name);

/* Set an initial value (in the state's unit). An explicitly set value wins:
 * it no longer follows parameter changes (until its_sim_reset). ITS_OK;
 * ITS_EINVAL for NULL arguments; ITS_ENOTFOUND for an unknown state;
 * ITS_ERANGE for a non-finite value, or a negative one while non-negativity
 * is on. Message on the handle. */
its_status its_sim_set_initial(its_sim *sim, const char *state, double value);
/* Read-only view of the n_states initial values (model units), borrowed
 * from the handle like its_sim_params. NULL for a NULL handle. */
const double *its_sim_initial(const its_sim *sim);

/* Tolerances. The relative and the absolute tolerance are independent
 * settings: each setter changes only what it names. Defaults: rtol 1e-8;
 * atol per state, 1e-10 times the state's scale max(|initial value|, 1)
 * taken when the run starts. All values finite and > 0, else ITS_ERANGE
 * with a message on the handle (which keeps its previous tolerances);
 * ITS_EINVAL for NULL; ITS_OK. */
/* Both: rtol, and one absolute tolerance atol (in each state's own units)
 * for every state. */
its_status its_sim_set_tolerances(its_sim *sim, double rtol, double atol);
/* The relative tolerance only: the absolute tolerances stay as they are
 * (the per-state default, a scalar or a vector). */
its_status its_sim_set_rtol(its_sim *sim, double rtol);
/* One absolute tolerance for every state only: rtol stays as it is. */
its_status its_sim_set_atol(its_sim *sim, double atol);
/* Per-state absolute tolerances (n_states values, copied); rtol stays. */
its_status its_sim_set_atol_vector(its_sim *sim, const double *atol);
/* The relative tolerance (rtol may be NULL) and the n_states absolute
 * tolerances (atol may be NULL; the caller's array) a run started now
 * would use. ITS_EINVAL for a NULL handle. */
its_status its_sim_get_tolerances(const its_sim *sim, double *rtol, double *atol);
/* Integration method (default ITS_METHOD_BDF). The solver is rebuilt when
 * the method changes. ITS_OK; ITS_EINVAL for NULL or an unknown method (no
 * message); ITS_ENOMEM or ITS_ESOLVER when the solver cannot be rebuilt
 * (the previous method is kept; message on the handle). */
its_status its_sim_set_method(its_sim *sim, its_method method);
/* Maximum internal steps per output interval (CVODE mxstep), > 0. ITS_OK;
 * ITS_EINVAL for NULL; ITS_ERANGE for max_steps <= 0 (message on the
 * handle). */
its_status its_sim_set_max_steps(its_sim *sim, long max_steps);

/* Extinction floor of a state (model units, >= 0; 0 disables): when the
 * state decreases through the floor, the run stops there (CVODE root
 * finding), sets the state to exactly 0, reports an ITS_ROW_EXTINCT row and
 * restarts. Models with deep troughs need such an explicit rule (e.g.
 * "T < 1 cell means eradicated"); see docs/models/. Overrides the model
 * default. ITS_OK; ITS_EINVAL for NULL arguments; ITS_ENOTFOUND for an
 * unknown state; ITS_ERANGE for a negative or non-finite floor (message on
 * the handle). */
its_status its_sim_set_floor(its_sim *sim, const char *state, double floor);

/* Non-negativity constraints on every state (CVODE constraints), on by
 * default (on != 0). Turn off only for models whose states may be
 * negative. ITS_OK; ITS_EINVAL for a NULL handle. */
its_status its_sim_set_nonnegative(its_sim *sim, int on);

/* The pre-treatment history of a model that declares one
 * (its_model_def.history): on by default (on != 0). With it on, every run
 * starts from the grown baseline state (its_sim_get_baseline) instead of
 * the initial values, which are then its targets (only those the model's
 * seed reads matter: docs/engine.md, "Initial values are targets"). The
 * history is computed
 * at the first run and reused while the parameters, initial values,
 * tolerances, floors and method stay the same. ITS_OK; ITS_EINVAL for a
 * NULL handle. Without a history in the model, a no-op. */
its_status its_sim_set_history(its_sim *sim, int on);

/* The state a run starts from (n_states values into y): the initial values,
 * or, with a history, the grown baseline (computing the history if needed;
 * its solver statistics are then in its_sim_get_stats). ITS_OK; ITS_EINVAL
 * for NULL; ITS_ESOLVER or ITS_ERANGE when the history fails (message on
 * the handle). */
its_status its_sim_get_baseline(its_sim *sim, double *y);

/* Remove all doses (nothing for NULL). */
void its_sim_clear_doses(its_sim *sim);

/* A bolus of `amount` (input units) at time t (model time units): the
 * target state jumps by scale*amount at exactly t. amount >= 0 and finite,
 * t finite. The input name is looked up, not kept. ITS_OK; ITS_EINVAL for
 * NULL arguments; ITS_ENOTFOUND for an unknown input; ITS_ERANGE for a bad
 * value; ITS_ENOMEM (message on the handle). */
its_status its_sim_add_bolus(its_sim *sim, const char *input, double t,
                             double amount);

/* A zero-order infusion at `rate` (input units per model time unit, finite
 * and >= 0) from t_start (finite) for `duration` (model time units, > 0;
 * INFINITY for a constant rate to the end of every run). Rates of
 * overlapping infusions add up. Integration is stopped and restarted at
 * every switch. ITS_OK; ITS_EINVAL for NULL arguments; ITS_ENOTFOUND for an
 * unknown input; ITS_ERANGE for a bad time, rate or duration; ITS_ENOMEM
 * (message on the handle). */
its_status its_sim_add_infusion(its_sim *sim, const char *input,
                                double t_start, double duration, double rate);

/* Release laws of a delivery system (depot, hydrogel, scaffold, particle):
 * the cumulative fraction F(t) of the non-burst part released by time t
 * after administration (Costa & Sousa Lobo 2001, Eur J Pharm Sci 13:123). */
typedef enum its_release_law {
    ITS_RELEASE_ZERO_ORDER = 0,  /* F = t/tau until tau                      */
    ITS_RELEASE_FIRST_ORDER = 1, /* F = 1 - exp(-t/tau)                      */
    ITS_RELEASE_HIGUCHI = 2,     /* F = sqrt(t/tau) until tau                */
    ITS_RELEASE_PEPPAS = 3,      /* F = (t/tau)^shape until tau (power law)  */
    ITS_RELEASE_WEIBULL = 4      /* F = 1 - exp(-(t/tau)^shape)              */
} its_release_law;

typedef struct its_release {
    its_release_law law;
    double burst;   /* fraction released at once on administration, [0, 1] */
    double tau;     /* time scale in model time units, > 0: the duration for
                       zero-order, Higuchi and power law; 1/k for first
                       order; Td (63.2 %) for Weibull */
    double shape;   /* power-law n or Weibull b, > 0 (ignored otherwise) */
} its_release;

/* Cumulative fraction of a dose released t time units after administration:
 * burst + (1 - burst) F(t); 0 for t < 0. NaN for an invalid or NULL
 * release. */
double its_release_fraction(const its_release *r, double t);

/* A dose released by a delivery system: at time t the burst fraction of
 * `amount` (input units) enters the target state at once, the rest at the
 * rate amount (1 - burst) dF/dt. Integration restarts at t and at the end of
 * a finite release; *release is copied. ITS_OK; ITS_EINVAL for NULL
 * arguments; ITS_ENOTFOUND for an unknown input; ITS_ERANGE (bad amount,
 * time or release parameters); ITS_ENOMEM (message on the handle). */
its_status its_sim_add_release(its_sim *sim, const char *input, double t,
                               double amount, const its_release *release);

/* Protocol rules. Before each administration in a run (bolus, infusion
 * start, release start) the gate, when set, is called with the time, the
 * current state (n_states values, read-only), the dose's index (the order in
 * which doses were added, as in its_sim_get_dose_record), the input name and the
 * planned amount (bolus, release) or rate (infusion). It returns the fraction of the
 * plan to give: 1 as planned, 0 to hold the dose, a value in between to
 * reduce it. A negative or non-finite return stops the run with
 * ITS_ECALLBACK. A gate that wants to discontinue therapy keeps that in its
 * own `user` data and returns 0 from then on. */
typedef double (*its_dose_gate_fn)(double t, const double *y, size_t n_states,
                                   size_t dose, const char *input,
                                   double planned, void *user);

/* Set (or clear with NULL) the dose gate; `user` is passed to it and not
 * owned (it must outlive the runs). ITS_OK; ITS_EINVAL for a NULL handle. */
its_status its_sim_set_dose_gate(its_sim *sim, its_dose_gate_fn gate, void *user);

typedef enum its_dose_kind {
    ITS_DOSE_BOLUS = 0,
    ITS_DOSE_INFUSION = 1,
    ITS_DOSE_RELEASE = 2
} its_dose_kind;

/* What happened to one scheduled dose in the last run. */
typedef struct its_dose_record {
    double t;             /* scheduled time */
    const char *input;    /* input name (static, from the model) */
    its_dose_kind kind;
    double planned;       /* amount (bolus, release) or rate (infusion) */
    double given;         /* fraction given: 1, 0 (held), reduced; NaN when
                             the run did not reach the dose */
} its_dose_record;

/* The i-th scheduled dose (in the order added) and its outcome in the last
 * run, copied into *r. ITS_OK; ITS_EINVAL for a bad index or NULL (no
 * message). */
its_status its_sim_get_dose_record(const its_sim *sim, size_t i, its_dose_record *r);

/* Number of doses (boluses, infusions, releases) currently scheduled (0
 * for NULL). */
size_t its_sim_dose_count(const its_sim *sim);

/* Run from t0 to t_end (t_end > t0). The state starts at the initial
 * values. The observer (may be NULL) receives a row for each time in
 * t_out[0..n_out) (must be increasing, within [t0, t_end]), a PREDOSE and a
 * POSTDOSE row at each dose time or infusion switch inside [t0, t_end], and an
 * EXTINCT row when a floor is crossed. Doses exactly at t0 are applied before
 * the first integration step (a PREDOSE/POSTDOSE pair at t0 is reported);
 * doses at t_end are reported but do not matter for the integration.
 * `user` is passed to the observer (not owned). Times are in model time
 * units. Returns ITS_OK, ITS_EINVAL / ITS_ERANGE for bad times, ITS_ESOLVER
 * (the message gives CVODE's reason and the time reached), ITS_ECALLBACK
 * (the observer or the gate stopped the run); message on the handle. */
its_status its_sim_run(its_sim *sim, double t0, double t_end,
                       const double *t_out, size_t n_out,
                       its_observer_fn observer, void *user);

/* State at the end of the last run (n_states values in model units copied
 * into y). ITS_OK; ITS_EINVAL for NULL or when no run has ended since the
 * last reset (no message). */
its_status its_sim_get_final_state(const its_sim *sim, double *y);

/* Statistics of the last run, including those of the segment in progress
 * when the run stopped (solver failure, observer or gate stop), copied into
 * *stats. ITS_OK; ITS_EINVAL for NULL (no message). */
its_status its_sim_get_stats(const its_sim *sim, its_stats *stats);

/* Version of the SUNDIALS library itsim was built with, e.g. "6.4.1".
 * Static string, never NULL; not to be freed. */
const char *its_sundials_version(void);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
