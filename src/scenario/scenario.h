/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the scenario layer's private header (src/scenario).
 *
 * For the layers above (run, io): the resolved scenario ("plan") that a run
 * executes and the writers describe, and the entry points that resolve a
 * scenario, or one arm of it, into a plan.
 * Inside the layer (ITS__SCENARIO_LAYER defined before the include): the raw
 * scenario as read (values kept as text with their positions) and the
 * helpers shared by reading (read.c), resolution (resolve.c, therapy.c,
 * protocol.c) and the public API (scenario.c). The parsed document is the
 * neutral node tree of doc.c, filled by the YAML adapter (src/io). */
#ifndef ITS_SCENARIO_SCENARIO_H
#define ITS_SCENARIO_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "core/core.h"
#include "itsim/clinical.h"
#include "itsim/model.h"
#include "itsim/scenario.h"
#include "itsim/sim.h"
#include "itsim/trial.h"

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
    const struct its_carrier *carrier; /* carrier: NAME, or NULL (itsim/agents.h) */
    double carrier_yield;   /* share of the loaded dose released active (in dose) */
    int has_carrier;        /* given IV in a carrier: part to the lesions */
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
    size_t item;            /* the therapy item it comes from */
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
    int history;                    /* simulate.history: grow the baseline (1, the
                                       default) or start from the initial values */
    double *grid;
    size_t n_grid;
    its__rule *rules;
    size_t n_rules;
    its__clinical clin;
} its__plan;

/* Free the arrays of a plan (not the plan itself). */
void its__plan_clear(its__plan *plan);

/* ---- resolving for a run ------------------------------------------------------
 * Resolution fills a plan (parameter vector, initial state, dose list, grid)
 * without creating a simulation; the run layer builds the simulation. */

/* The plan of a scenario without arms, with every check a run makes before
 * it starts; *plan is cleared first and on error (message in sc). */
its_status its__scenario_plan(its_scenario *sc, its__plan *plan);
/* For the fuzz target only: fuzz/fuzz_scenario.c calls these two (and
 * tests/test_fuzz_regressions.c, replaying its seeds, the first); the
 * library does not.
 * The checks of a run without the run (horizon, output grid, doses) on the
 * scenario's own settings and therapy (not an arm's): ITS_OK or the status
 * its_scenario_run would give before simulating, message in sc. */
its_status its__scenario_resolve(its_scenario *sc);
/* The same checks for arm i (the shared therapy and rules with the arm's),
 * as a run of that arm makes them; errors to err (ITS__ERRLEN bytes,
 * "arm 'NAME': ..."). */
its_status its__scenario_resolve_arm(const its_scenario *sc, size_t i, char *err);
/* The scenario arm i runs: a shallow copy of sc (safe from several threads
 * at once) whose therapy and rules are the shared ones followed by the
 * arm's own. NULL when out of memory or i is out of range;
 * its__scenario_arm_free frees it (not what it shares with sc). */
its_scenario *its__scenario_arm(const its_scenario *sc, size_t i);
void its__scenario_arm_free(its_scenario *arm);
/* A private copy of a scenario without arms, its therapy and rules
 * included (safe from several threads at once, like an arm's); NULL when
 * out of memory or sc has arms; free with its__scenario_arm_free. */
its_scenario *its__scenario_private(const its_scenario *sc);
/* The error buffer of sc (ITS__ERRLEN bytes) for the run layer, and the
 * name used in its messages (the file, or "scenario"). */
char *its__scenario_errbuf(its_scenario *sc);
const char *its__scenario_name(const its_scenario *sc);
/* Where a setting the simulation refused was written, for messages that
 * name it as resolution does ("FILE:LINE:COL: KEY: msg"). */
typedef enum its__setting {
    ITS__AT_MODEL,
    ITS__AT_RTOL,
    ITS__AT_ATOL,
    ITS__AT_METHOD,
    ITS__AT_MAX_STEPS,
    ITS__AT_THERAPY         /* therapy item `item` */
} its__setting;
/* Record "POSITION: KEY: msg" in sc for the setting; returns st. */
its_status its__scenario_fail_at(its_scenario *sc, its_status st, its__setting what,
                                 size_t item, const char *msg);

/* ---- the parsed document ------------------------------------------------------
 * A tree of scalars, sequences and mappings with their positions, built by
 * an adapter (src/io/yaml_adapter.c) through its__ybuild_* and read by the
 * scenario reader. Nodes are named by positive ids; 0 is "no node". */
typedef struct its__ydoc its__ydoc;

typedef enum its__ykind {
    ITS__Y_NONE = 0,
    ITS__Y_SCALAR,
    ITS__Y_SEQUENCE,
    ITS__Y_MAPPING
} its__ykind;

/* Deepest nesting of lists and mappings accepted (the root counts as 1). */
#define ITS__YAML_MAX_DEPTH 64
/* Most nodes (scalars, lists, mappings) in one document. */
#define ITS__YAML_MAX_NODES 4000000

void its__ydoc_free(its__ydoc *doc);
/* Root node id, or 0 for an empty document. */
int its__ydoc_root(const its__ydoc *doc);
its__ykind its__ynode_kind(const its__ydoc *doc, int node);
/* 1-based line and column where the node starts. */
void its__ynode_pos(const its__ydoc *doc, int node, int *line, int *col);
/* Scalar text (NUL-terminated) and its length in bytes; NULL if not a
 * scalar. The text may contain embedded NUL bytes (*len tells). */
const char *its__ynode_scalar(const its__ydoc *doc, int node, size_t *len);
/* Non-zero when the scalar was written plain (not quoted, not a block). */
int its__ynode_plain(const its__ydoc *doc, int node);
/* Number of items of a sequence / pairs of a mapping (0 otherwise). */
size_t its__ynode_size(const its__ydoc *doc, int node);
/* i-th item of a sequence, or 0. */
int its__ynode_item(const its__ydoc *doc, int node, size_t i);
/* i-th key and value of a mapping (0 and 0 when out of range). */
/* The value of the first key `name` of the mapping at node; 0 when node is
 * not a mapping or has no such key. */
int its__ynode_get(const its__ydoc *doc, int node, const char *name);
void its__ynode_pair(const its__ydoc *doc, int node, size_t i, int *key,
                     int *value);

/* Building a document from parser events, in time linear in their number.
 * Each step returns ITS__YB_OK, ITS__YB_NOMEM (also for more than
 * ITS__YAML_MAX_NODES nodes) or ITS__YB_ERROR with the problem in msg
 * (nesting deeper than ITS__YAML_MAX_DEPTH, an undefined alias, an alias
 * inside its own anchor). Aliases share the anchored node; anchor may be
 * NULL. Positions are 1-based. */
typedef struct its__ybuild its__ybuild;
typedef enum { ITS__YB_OK, ITS__YB_NOMEM, ITS__YB_ERROR } its__ybstat;
/* NULL when out of memory. */
its__ybuild *its__ybuild_create(void);
its__ybstat its__ybuild_scalar(its__ybuild *b, const char *s, size_t len, int plain,
                               int line, int col, const char *anchor);
its__ybstat its__ybuild_open(its__ybuild *b, its__ykind kind, int line, int col,
                             const char *anchor, char *msg, size_t msglen);
its__ybstat its__ybuild_close(its__ybuild *b);
its__ybstat its__ybuild_alias(its__ybuild *b, const char *anchor, char *msg, size_t msglen);
/* The document built so far (an empty one has root 0); frees b. */
its__ydoc *its__ybuild_finish(its__ybuild *b);
void its__ybuild_free(its__ybuild *b);

/* ---- reading (the io layer supplies the parser and the file reader) ----------- */
typedef struct its__loader {
    /* Parse text[0..len) into *out (ITS_EPARSE / ITS_ENOMEM with msg and the
     * 1-based position, 0 when unknown). */
    its_status (*parse)(const char *text, size_t len, its__ydoc **out, char *msg,
                        size_t msglen, int *line, int *col);
    /* Read a whole file into *buf (its__malloc'ed, caller frees), or
     * ITS_EIO / ITS_ENOMEM with a message naming path. */
    its_status (*read_file)(const char *path, char **buf, size_t *len, char *msg,
                            size_t msglen);
} its__loader;
/* its_scenario_load_string / _load_file (itsim/io.h) with that loader; arms
 * naming files or regimens are read with it too. */
its_status its__scenario_load_text(its_scenario *sc, const char *text, size_t len,
                                   const char *name, const its__loader *ld);
its_status its__scenario_load_path(its_scenario *sc, const char *path, const its__loader *ld);
/* The same from a parsed document: sc->name must be set (messages, arm
 * files) and sc cleared (its__scenario_clear); the document stays the
 * caller's. */
its_status its__scenario_load_doc(its_scenario *sc, const its__ydoc *doc, const its__loader *ld);

/* ---- trial populations (population.c; docs/trial.md, "Population") ---------
 * The `population:` section of a trial file: one distribution per model
 * parameter (values with units converted into the parameter's unit) and
 * optional correlations (a Gaussian copula), and the draw of one patient's
 * parameter vector from it. Read-only once read: one population serves
 * every thread. */
typedef struct its__population its__population;

/* Read the section whose value is node of doc (the mapping under
 * `population:`) against model m; file names the trial file in messages
 * ("FILE:LINE:COL: KEY: message", KEY e.g.
 * "population.parameters.tmb.median"). The keys covariates and lesions
 * are accepted and left to trial_file.c; parameters may then be absent
 * (an empty population: the model's defaults). ITS_OK with *out (free with
 * its__population_free); ITS_EPARSE (a missing, unknown or duplicate key,
 * an unknown distribution, a malformed list or matrix), ITS_ENOTFOUND (not
 * a parameter of m; a correlated name not among the parameters),
 * ITS_EUNIT (a unit that does not convert), ITS_ERANGE (invalid
 * distribution parameters, a correlation matrix the copula refuses: their
 * messages), ITS_ENOMEM, ITS_EINVAL (NULL doc, m or out); *out is then
 * NULL. */
its_status its__population_read(const its__ydoc *doc, int node, const its_model_def *m,
                                const char *file, its__population **out, char *msg,
                                size_t msglen);
/* NULL accepted. */
void its__population_free(its__population *pop);
/* Number of parameters drawn, and the model index of the i-th of them in
 * draw order (the correlated ones first, in the order of
 * correlations.names, then the others in file order), -1 out of range. */
size_t its__population_size(const its__population *pop);
/* Whether the population is drawn as a Latin hypercube (sampling:
 * latin_hypercube); 0 for NULL. */
int its__population_lhs(const its__population *pop);
/* The value node of `from` in the population mapping at node (0: none). */
int its__population_from(const its__ydoc *doc, int node);
/* The including population at node (a trial file's population with
 * `from`) applied to pop, the population it comes from: its `parameters`
 * replace the source's of the same name or join them (at the end of the
 * draw order); its `sampling` replaces the source's; `correlations` are
 * refused. Errors "FILE:LINE:COL: KEY: message" in msg (file: the
 * including file). */
its_status its__population_override(its__population *pop, const its__ydoc *doc, int node,
                                    const its_model_def *m, const char *file, char *msg,
                                    size_t msglen);
/* Whether the i-th parameter in draw order is drawn through the copula. */
int its__population_correlated(const its__population *pop, size_t i);
/* Replace the distribution of the i-th parameter in draw order by d (a
 * continuous kind; copied) for the calibration's later rounds. ITS_EINVAL
 * for a correlated or discrete parameter, a discrete d or i out of range. */
its_status its__population_set_dist(its__population *pop, size_t i, const its__dist *d);
/* The number of patients a Latin-hypercube population (sampling:
 * latin_hypercube) divides each parameter's range among: patient j
 * (< n) draws parameter i in stratum its__rng_permute(j) of n (key: seed,
 * purpose ITS__RNG_LHS, stream i), at the quantile of a uniform within it.
 * Patients at or beyond n, and every patient of a random population, draw
 * independently. Set by the trial (trial.patients, --patients). */
void its__population_set_patients(its__population *pop, uint64_t n);
/* The distribution of the i-th parameter in draw order (borrowed), NULL out
 * of range. */
const its__dist *its__population_dist(const its__population *pop, size_t i);
int its__population_param(const its__population *pop, size_t i);
/* Patient `patient`'s draw number `attempt` (0 the first; a replacement
 * draw uses the next attempt): p (the model's n_params) gets the model's
 * defaults with each population parameter set to its draw, drawn
 * (its__population_size values, in draw order) the drawn values. The
 * numbers are purpose ITS__RNG_PARAMETERS, stream attempt: indices
 * 0..n_corr-1 for the copula, then the index of each independent
 * parameter in draw order. A pure function of (seed, patient, attempt);
 * allocates nothing. ITS_ERANGE when a drawn value lies outside its
 * parameter's domain (a refused draw: the message names the parameter;
 * p is then partly set), ITS_EINVAL for NULL arguments. */
its_status its__population_draw(const its__population *pop, uint64_t seed, uint64_t patient,
                                uint32_t attempt, double *p, double *drawn, char *msg,
                                size_t msglen);

/* ---- the trial section (trial.c; docs/trial.md, "Trial section") ---------
 * The `trial:` section of a trial file, read as written (arms keep their
 * regimen or file as text with its position: they are resolved later, as
 * the arms of a comparison are), and the allocation of patients to arms. */
typedef enum its__trial_design { ITS__TRIAL_RANDOMISED, ITS__TRIAL_PAIRED } its__trial_design;

#define ITS__TRIAL_MAX_PATIENTS 10000000L /* patients of one trial */
#define ITS__TRIAL_RTOL "1e-6"            /* a trial's rtol unless its file gives one */
#define ITS__TRIAL_MAX_BLOCK 1000L        /* patients of one permuted block */

typedef struct its__trial_arm {
    char *name;          /* as written */
    char *regimen;       /* NULL when absent */
    char *file;          /* NULL when absent (a path as written) */
    char id[48];         /* its identifier (its__sc_arm_id rules) */
    int line, col;       /* the arm's item in the file */
    int reg_line, reg_col; /* its regimen or file, 0 when absent */
    unsigned ratio;      /* randomised: its share of a block's ratio (default 1) */
} its__trial_arm;

typedef struct its__trial_spec {
    char *name;
    uint64_t seed;
    long patients;               /* 1..ITS__TRIAL_MAX_PATIENTS */
    double horizon;              /* > 0, in the model's time unit */
    its__trial_design design;
    its__trial_arm *arms;
    size_t n_arms;
    unsigned ratio_sum;          /* randomised: the sum of the arms' ratios */
    unsigned block;              /* randomised: patients per permuted block */
    char **strata;               /* randomised: stratification parameters */
    size_t n_strata;
    int strata_line, strata_col; /* the strata list, 0 when absent */
} its__trial_spec;

/* Read the mapping node of doc (the value of `trial:`) against model m
 * (for the horizon's unit and the strata names); file names the trial file
 * in messages ("FILE:LINE:COL: KEY: message", KEY e.g. "trial.ratio").
 * ITS_OK with *out (free with its__trial_spec_free); ITS_EPARSE (a
 * missing, unknown or duplicate key, a wrong type, a seed that is not a
 * whole number in [0, 2^64), patients outside [1, 10^7], a bad ratio,
 * block, design or arm, ratio/block/strata with a paired design),
 * ITS_EUNIT (a horizon that is not a time), ITS_ERANGE (a horizon <= 0),
 * ITS_ENOTFOUND (a stratum that is not a parameter of m), ITS_ENOMEM,
 * ITS_EINVAL (NULL doc, m or out); *out is then NULL. */
its_status its__trial_read(const its__ydoc *doc, int node, const its_model_def *m,
                           const char *file, its__trial_spec **out, char *msg, size_t msglen);
/* NULL accepted. */
void its__trial_spec_free(its__trial_spec *spec);

/* The strata against the population read from the same file: index[k]
 * (spec->n_strata entries) gets the draw index (its__population_draw's
 * `drawn`) of strata[k], so that its__trial_stratum_key can be formed from
 * a patient's draw (m: the model both were read against). ITS_ENOTFOUND
 * (a stratum the population does not draw), ITS_EPARSE (one not drawn from a discrete or fixed distribution:
 * continuous values would make a stratum per patient), messages
 * "FILE:LINE:COL: trial.strata[k]: ..." at the strata list; ITS_EINVAL
 * for NULL arguments (index may be NULL when there are no strata). */
its_status its__trial_strata(const its__trial_spec *spec, const its__population *pop,
                             const its_model_def *m, const char *file, size_t *index,
                             char *msg, size_t msglen);
/* A stratum's key: the FNV-1a 64-bit hash of the strata parameters' drawn
 * values, each as the 8 bytes of its IEEE double, least significant first,
 * in the order of `strata` (-0 counts as 0). No strata (n = 0): the
 * hash of nothing, one stratum for every patient. */
uint64_t its__trial_stratum_key(const double *values, size_t n);
/* The arm of the patient of rank `rank` (0-based) within stratum `stratum`
 * of a randomised trial: permuted block rank / block of that stratum,
 * shuffled with the numbers of purpose ITS__RNG_ALLOCATION, key {seed,
 * stratum}, stream the block number. A pure function of (seed, block,
 * ratios, stratum, rank); allocates nothing. ITS_EINVAL for NULL
 * arguments, a paired design or a block number beyond 2^32 - 1. */
its_status its__trial_allocate(const its__trial_spec *spec, uint64_t stratum, uint64_t rank,
                               size_t *arm);
/* Allocate patients 0..n-1 of a randomised trial, stratum[i] the key of
 * patient i's stratum: a patient's rank in its stratum is the number of
 * patients of lower index in the same stratum. arm[i] gets the arm.
 * ITS_ENOMEM (arm untouched), ITS_EINVAL as its__trial_allocate. */
its_status its__trial_allocate_all(const its__trial_spec *spec, size_t n,
                                   const uint64_t *stratum, size_t *arm);

/* ---- a trial file (trial_file.c; docs/trial.md) ------------------------------
 * A trial file is a scenario (every scenario key but `arms`) plus the
 * sections `trial:` (its arms become the scenario's arms), `population:`
 * and `plausibility:`. The file is read once; each patient is a draw that
 * changes the scenario's resolution (its__patient_ovr). */

/* What a drawn patient changes when a scenario is resolved (borrowed
 * arrays). Drawn parameters win over the file's `parameters:`; drawn
 * initial values (lesions) win over the values the parameters imply;
 * drawn covariates replace the file's `patient:` weight, height and age
 * (its bsa formula is kept). */
typedef struct its__patient_ovr {
    const its_model_def *model; /* the variant to run (tme:N for N lesions); NULL: the file's */
    size_t n_params;            /* drawn parameters: model index and value */
    const int *param_idx;
    const double *param_val;
    size_t n_init;              /* drawn initial values: state index (in model) and value */
    const int *init_idx;
    const double *init_val;
    int has_patient;            /* weight_kg, height_cm drawn */
    double weight_kg, height_cm;
    int has_age;
    double age_years;
    const char *organs;         /* organ of each lesion ("lung, liver"), NULL: the file's */
} its__patient_ovr;

/* Resolution of sc (its__scenario_plan) applies ov (borrowed until the
 * plan is made; NULL: none). Meant for the run layer's private copies
 * (its__scenario_arm, its__scenario_untreated), one per thread. */
void its__scenario_set_patient(its_scenario *sc, const its__patient_ovr *ov);
/* A shallow copy of sc without therapy, rules or arms (the untreated
 * course, for plausibility checks); free with its__scenario_arm_free.
 * NULL when out of memory. */
its_scenario *its__scenario_untreated(const its_scenario *sc);

/* A plausibility constraint: a baseline observable, or the untreated
 * doubling time of the tumour burden, within [lo, hi]. */
typedef enum its__plaus_kind { ITS__PLAUS_BASELINE, ITS__PLAUS_DOUBLING } its__plaus_kind;
typedef struct its__plaus_range {
    its__plaus_kind kind;
    char name[64];          /* the observable (baseline), or the burden observable */
    double lo, hi;          /* observable's unit; doubling: model time unit */
    int line, col;          /* where it was written */
    char key[96];           /* "plausibility.baseline.ANC" */
} its__plaus_range;

typedef struct its__plausibility {
    its__plaus_range *ranges;
    size_t n;
    double window;          /* doubling time: the untreated run's length (model time) */
    uint32_t max_draws;     /* draws per patient before the trial fails (>= 1) */
} its__plausibility;

/* A value drawn for a patient, as stored (name and unit static or owned by
 * the trial; covariate 0: a parameter or lesion value). */
typedef struct its__draw_value {
    const char *name;
    const char *unit;
    int covariate;
    double value;
} its__draw_value;

/* One patient's draw: the override to resolve its arms with, its stratum
 * and the values to store. Made for one trial by its__patient_draw_create
 * (all workspaces allocated there), reused for every draw of one thread. */
typedef struct its__patient_draw {
    its__patient_ovr ovr;       /* points into the workspaces below */
    uint64_t stratum;           /* its__trial_stratum_key of the strata draws */
    size_t n_values;            /* the same names in the same order for every patient */
    its__draw_value *values;
    void *priv;                 /* workspaces of trial_file.c */
} its__patient_draw;

/* ---- the calibration section of a trial file (calibration.c;
 * docs/calibration.md, "The calibration file") ----------------------------- */
#define ITS__CALIB_MAX_VARY 20 /* 2 x 20 optimiser dimensions: the Sobol starts reach 40 */
#define ITS__CALIB_MAX_TARGETS 24

/* What a target measures in its arm. */
typedef enum its__measure {
    ITS__MEASURE_ORR = 0,       /* objective response (CR or PR), a proportion */
    ITS__MEASURE_CR,            /* complete response, a proportion */
    ITS__MEASURE_GRADE3,        /* any adverse event of grade >= 3, a proportion */
    ITS__MEASURE_DOSES_C1,      /* median doses given in the first cycle */
    ITS__MEASURE_PFS_MEDIAN,    /* median progression-free survival, days */
    ITS__MEASURE_PFS_AT,        /* progression-free at time `at`, a proportion */
    ITS__MEASURE_CR_SHARE,      /* complete responses among the responses, a proportion */
    ITS__MEASURE_TTR_MEDIAN,    /* median time to response of the responders */
    ITS__MEASURE_DOR_MEDIAN,    /* median duration of response of the responders */
    ITS__MEASURE_N
} its__measure;

typedef struct its__calib_target {
    char id[32];                /* e.g. "C1" */
    size_t arm;                 /* trial arm index */
    its__measure measure;
    int range;                  /* 1: the estimate must lie in [lo, hi]; 0: value with a CI */
    double at;                  /* pfs_at: the landmark time (model unit); NaN otherwise */
    int check;                  /* 1: a check (calibration.checks), reported, not fitted */
    double value, lo, hi;       /* proportions as fractions, times in the model's unit;
                                   value NaN for a range */
    char source[512];
    int line, col;
} its__calib_target;

typedef struct its__calib_spec {
    long pool;                  /* patients per round */
    int rounds;                 /* pools drawn: the prior, then the last fit's population */
    long validate;              /* patients of the validation trial (0: none) */
    double min_ess;             /* smallest effective sample size the weights may have */
    int starts;                 /* optimiser starts (Sobol points) */
    long max_evals;             /* objective evaluations per start */
    size_t n_vary;
    size_t vary[ITS__CALIB_MAX_VARY]; /* draw indices of the calibrated parameters */
    double lo[ITS__CALIB_MAX_VARY], hi[ITS__CALIB_MAX_VARY]; /* their plausible ranges */
    int line[ITS__CALIB_MAX_VARY], col[ITS__CALIB_MAX_VARY]; /* their priors in the file */
    size_t n_targets;           /* targets, then checks */
    size_t n_checks;            /* of n_targets, the checks (reported, not fitted) */
    its__calib_target targets[ITS__CALIB_MAX_TARGETS];
} its__calib_spec;

/* The `calibration:` mapping at node of a trial with population pop and
 * spec (arms): *out (its__free) or an error "FILE:LINE:COL: KEY: message"
 * in msg; ITS_EPARSE, ITS_ENOTFOUND (an arm or parameter the trial does
 * not have), ITS_ERANGE, ITS_ENOMEM. */
its_status its__calib_read(const its__ydoc *doc, int node, const its_model_def *m,
                           const char *file, const its__population *pop,
                           const its_scenario *sc, long patients, its__calib_spec **out,
                           char *msg, size_t msglen);
extern const char *const its__measure_names[ITS__MEASURE_N];
/* Whether a measure is a median over the patients (median_doses_cycle1 and
 * the times) rather than a proportion, and whether it is a time. */
#define its__measure_is_time(m)                                                \
    ((m) == ITS__MEASURE_PFS_MEDIAN || (m) == ITS__MEASURE_TTR_MEDIAN ||       \
     (m) == ITS__MEASURE_DOR_MEDIAN)
#define its__measure_is_median(m) ((m) == ITS__MEASURE_DOSES_C1 || its__measure_is_time(m))

struct its_trial {
    char *name;                 /* the file's name (messages, arm files) */
    char *text;                 /* the file's text, as read */
    size_t len;
    its_scenario *sc;           /* the scenario part, arms from trial.arms */
    const its_model_def *model; /* what population and trial were read against */
    its__trial_spec *spec;
    its__population *pop;       /* NULL: no population section */
    its__plausibility plaus;    /* n == 0: none */
    size_t *strata_index;       /* spec->n_strata draw indices */
    void *draw_spec;            /* covariates and lesions (trial_file.c) */
    its__calib_spec *calib;     /* the calibration section; NULL: none */
    its__ydoc *pop_doc;         /* population.from: the file the population comes from */
    char *pop_file;             /* ... its path (messages); NULL: none */
    char *identity_extra;       /* appended to the store identity (a calibration
                                   round's population); NULL: none */
    char err[ITS__ERRLEN];
    char note[512];             /* of the last run (io: figures not rendered) */
};

/* Read a trial file with the loader (text of len bytes, name for messages
 * and arm files). ITS_OK with *out; the statuses of its_trial_load_file,
 * message in msg. */
its_status its__trial_load_text(const char *text, size_t len, const char *name,
                                const its__loader *ld, its_trial **out, char *msg,
                                size_t msglen);

/* Workspace for draws of trial t (*out: free with its__patient_draw_free).
 * ITS_ENOMEM, ITS_EINVAL. */
its_status its__patient_draw_create(const its_trial *t, its__patient_draw **out);
void its__patient_draw_free(its__patient_draw *d);
/* Draw number `attempt` of patient `patient` into d: parameters
 * (its__population_draw), covariates and lesions, each keyed by its
 * purpose; a pure function of (seed, patient, attempt); allocates
 * nothing. ITS_OK; ITS_ERANGE: the draw is refused (a value outside its
 * domain; msg says which); ITS_EINVAL. */
its_status its__trial_draw(const its_trial *t, uint64_t patient, uint32_t attempt,
                           its__patient_draw *d, char *msg, size_t msglen);
/* What a patient's prior takes from t's population.lesions: the diameter
 * distribution (mm; NULL without a lesions section), whether lesion
 * multipliers or lesion parameters are drawn (a prior does not take them),
 * and the initial values (the history's targets) of lesion k (0-based) of
 * the variant with n lesions for a lesion of diameter d_mm at parameter
 * vector p (its rho): state indices and values into idx and val (room for
 * 16), their number returned (0: no lesions section, or n or k out of
 * range). */
const its__dist *its__trial_lesion_diameter(const its_trial *t);
int its__trial_lesion_extras(const its_trial *t);
size_t its__trial_lesion_init(const its_trial *t, size_t n, size_t k, double d_mm,
                              const double *p, int *idx, double *val);

/* ---- patient records (record.c; itsim/record.h, docs/personalise.md) ------- */
#include "itsim/record.h"

/* Laboratory values the model has an observable for, in its units:
 * counts in 1e9/L, chemistry as a multiple of the upper limit of normal. */
typedef enum its__lab {
    ITS__LAB_ANC, ITS__LAB_ALC, ITS__LAB_PLATELETS, ITS__LAB_CREATININE, ITS__LAB_ALT,
    ITS__LAB_AST, ITS__LAB_BILIRUBIN, ITS__LAB_N
} its__lab;
/* Their names in records and observables, and the units counts are read in. */
extern const char *const its__lab_names[ITS__LAB_N];

typedef struct its__rec_lesion {
    char id[32];            /* as written (unique, printable) */
    char site[40];          /* as written; a site of the model */
    int target;             /* a RECIST target lesion */
} its__rec_lesion;

/* One diameter: lesion `lesion` (0-based) at day t after t0. */
typedef struct its__rec_obs {
    double t;               /* days after t0 */
    int lesion;
    double mm;              /* the measured longest diameter, or the limit
                               below which it was reported ("< 5 mm") */
    int censored;           /* 1: below mm */
} its__rec_obs;

/* One laboratory value at day t. */
typedef struct its__rec_lab {
    double t;               /* days after t0 (values up to 28 d before t0 count at 0) */
    its__lab kind;
    double value;           /* in the observable's unit (1e9/L or x ULN) */
} its__rec_lab;

/* Error models of the observations (docs/personalise.md, "Likelihood"). */
typedef struct its__rec_error {
    double diam_cv;         /* relative SD of a diameter (times the model's diameter) */
    double diam_sd;         /* absolute SD, mm (added in quadrature) */
    double diam_df;         /* Student-t degrees of freedom of the reading's error */
    double lab_cv[ITS__LAB_N]; /* lognormal CV of each laboratory value */
    double tmb_cv;          /* lognormal CV of a measured TMB */
    double clonal_sd;       /* SD of a measured clonal share */
    double tps_misclass;    /* probability that PD-L1 TPS < 1 % is misclassified */
} its__rec_error;

/* MCMC settings (fit:). */
typedef struct its__rec_fit {
    long chains, iterations, warmup, draws;
    uint64_t seed;
} its__rec_fit;

struct its_record {
    char *name;             /* the file (messages, the prior's folder) */
    char id[64];
    double weight, height, age; /* kg, cm, y (age NaN when not given) */
    char sex[16];           /* "female", "male" or "" */
    char set[32];           /* tme parameter set ("" : the model's default) */
    char *prior_path;       /* the prior population file, resolved; NULL: none */
    its_trial *prior;       /* ... loaded; NULL: none */
    int has_t0;             /* t0 (the baseline scan's date) is set */
    long t0_day;            /* t0: days since 1970-01-01 ... */
    int t0_min;             /* ... and minutes after midnight */
    size_t n_lesions;
    its__rec_lesion lesions[ITS__MAX_LESIONS];
    its__rec_obs *obs;      /* by time, then lesion */
    size_t n_obs;
    double *scan_t;         /* the assessments' days (increasing) */
    size_t n_scans;
    its__rec_lab *labs;     /* by time, then kind */
    size_t n_labs;
    int has_tmb, has_tps, has_clonal;
    double tmb;             /* mutations/Mb */
    double tps;             /* PD-L1 tumour proportion score, fraction */
    double clonal;          /* neoantigen clonal share */
    double t_dec;           /* the decision, days after t0 */
    double horizon;         /* days after the decision */
    int objective;          /* 0: objective response, 1: progression-free survival */
    double max_grade3;      /* bound on P(grade >= 3) */
    its__rec_error err_model;
    its__rec_fit fit;
    its_scenario *window;   /* tme:N from t0 to the decision with the treatments given */
    size_t *item_of;        /* window therapy item -> treatments[] index */
    const its__loader *ld;  /* the loader it was read with (candidates' scenarios) */
    char notes[1024];
    char err[ITS__ERRLEN];
};

/* Measurements that replace a record's own (its__record_write). */
typedef struct its__rec_values {
    const char *id;             /* the new record's patient id */
    const double *diam;         /* n_obs: mm, or the limit when censored */
    const int *censored;        /* n_obs */
    const double *labs;         /* n_labs, in the observables' units */
    int has_tmb, has_tps, has_clonal;
    double tmb, tps, clonal;
} its__rec_values;
/* Write r as a record file to fp with the measurements v in place of its
 * own (the same patient, lesions, dates, treatments, decision, error
 * models and fit settings; chemistry against limits of 1). ITS_OK; ITS_EIO
 * when writing fails; ITS_EINVAL for NULL arguments. */
its_status its__record_write(const its_record *r, const its__rec_values *v, FILE *fp);
/* The number of administrations items the record's treatments made (0 for
 * NULL). */
size_t its__record_items(const its_record *r);

/* Read a record from text with the loader (name: messages, the prior's
 * folder). Statuses of its_record_load_string. */
its_status its__record_load_text(const char *text, size_t len, const char *name,
                                 const its__loader *ld, its_record **out, char *msg,
                                 size_t msglen);

#ifdef ITS__SCENARIO_LAYER
/* ---- inside the scenario layer only ------------------------------------------ */
#include "itsim/agents.h"
#include "itsim/units.h"

#define MAX_DOSES 100000L                   /* administrations per scenario */
#define MAX_GRID 5000000.0                  /* output grid rows */
#define MAX_ARMS 1000                       /* arms of a comparison (each holds a
                                               scenario and, run, a result) */

/* A raw value from the file or the command line, kept as text so that it
 * can be converted again when the model changes (--model). */
typedef struct sval {
    char *text;          /* NULL when absent */
    int line, col;       /* 1-based position in the file, 0 otherwise */
    const char *origin;  /* "--set", "--model" for command-line values */
    const char *file;    /* the file it comes from when not the scenario's
                            own (arms taking therapy from another file) */
} sval;

/* NAME: VALUE from parameters, initial, or a --set override. */
typedef struct sentry {
    sval key;
    sval val;
} sentry;

enum { T_INPUT, T_DOSE, T_RATE, T_START, T_EVERY, T_UNTIL, T_COUNT,
       T_DURATION, T_AGENT, T_ROUTE, T_LESION, T_RELEASE, T_RELEASE_TIME,
       T_RELEASE_SHAPE, T_BURST, T_DAYS, T_WEEKS, T_CYCLE, T_CYCLES, T_CARRIER,
       T_TUMOUR_FRACTION, T_CIRCULATION_TIME, T_N };
static const char *const therapy_keys[T_N] = {
    "input", "dose", "rate", "start", "every", "until", "count", "duration",
    "agent", "route", "lesion", "release", "release_time", "release_shape",
    "burst", "days", "weeks", "cycle", "cycles", "carrier", "tumour_fraction",
    "circulation_time"};

/* Release laws by name (itsim/sim.h its_release_law). */
static const char *const release_names[] = {"zero_order", "first_order", "higuchi",
                                            "peppas", "weibull"};

/* patient: {weight: 70 kg, height: 175 cm, age: 60 y, bsa: mosteller} */
enum { PT_WEIGHT, PT_HEIGHT, PT_BSA, PT_AGE, PT_N };
static const char *const patient_keys[PT_N] = {"weight", "height", "bsa", "age"};

/* Plausible human ranges of the patient block, checked whether or not a
 * dose uses them. All assumed, set just beyond the widely reported human
 * records (heaviest about 635 kg, tallest 272 cm, oldest 122 years), with
 * room below for children; they catch sign, unit and typing errors
 * ("-70 kg", "70 g", "1750 cm"), not unusual patients. */
static const struct {
    const char *unit;
    double lo, hi;
} patient_range[PT_N] = {
    [PT_WEIGHT] = {"kg", 1.0, 650.0},
    [PT_HEIGHT] = {"cm", 30.0, 275.0},
    [PT_AGE] = {"y", 0.0, 125.0},
};

enum { S_START, S_UNTIL, S_OUTPUT_EVERY, S_RTOL, S_ATOL, S_METHOD,
       S_MAX_STEPS, S_HISTORY, S_N };
static const char *const simulate_keys[S_N] = {
    "start", "until", "output_every", "rtol", "atol", "method", "max_steps", "history"};

/* clinical: {assess_every: 8 weeks, confirm_after: 28 d, ...} (docs/clinical.md) */
enum { C_ASSESS_EVERY, C_FIRST, C_CONFIRM, C_SD_MIN, C_MONITOR, C_ANC_LLN,
       C_LETHAL, C_ORGANS, C_MEASURABLE, C_DETECT, C_STOP_PD, C_N };
static const char *const clinical_keys[C_N] = {
    "assess_every", "first_assessment", "confirm_after", "sd_min", "monitor_every",
    "anc_lln", "lethal_burden", "organs", "measurable", "detection_limit",
    "stop_at_progression"};

/* arms: - {name: "HD IL-2", regimen: hd_il2} | {name: ..., file: other.yaml} */
enum { A_NAME, A_ID, A_REGIMEN, A_FILE, A_N };
static const char *const arm_keys[A_N] = {"name", "id", "regimen", "file"};

enum { K_MODEL, K_SET, K_DESCRIPTION, K_PARAMETERS, K_INITIAL, K_THERAPY,
       K_SIMULATE, K_PROVENANCE, K_PATIENT, K_RULES, K_CLINICAL, K_ARMS, K_N };
static const char *const top_keys[K_N] = {
    "model", "parameter_set", "description", "parameters", "initial",
    "therapy", "simulate", "provenance", "patient", "rules", "clinical", "arms"};

/* rules: - {hold_if: "perm > 1.5", applies_to: il2}, {reduce_if: ..., factor: 0.5},
 * {stop_if: ...} */
enum { R_HOLD, R_REDUCE, R_STOP, R_FACTOR, R_APPLIES, R_N };
static const char *const rule_keys[R_N] = {"hold_if", "reduce_if", "stop_if", "factor",
                                           "applies_to"};

typedef struct sitem {
    sval at;             /* position of the item (text unused) */
    sval f[T_N];
} sitem;

struct its_scenario {
    char *name;          /* file name or the name given to load_string */
    sval model, set, description;
    sentry *params;
    size_t n_params;
    sentry *initial;
    size_t n_initial;
    sitem *therapy;
    size_t n_therapy;
    sval sim[S_N];
    sval patient[PT_N];
    sval clin[C_N];
    sitem *rules;        /* f[] indexed by R_* */
    size_t n_rules;
    sitem *arms;         /* f[] indexed by A_* */
    size_t n_arms;
    its_scenario **arm_sc; /* per arm: the regimen or file it takes therapy from */
    char (*arm_id)[48];  /* per arm: identifier for file names */
    sentry *ovr;         /* --set NAME=VALUE, in order */
    size_t n_ovr;
    int nested;          /* loaded as an arm: may not have arms (kept by clear) */
    int trial_file;      /* the scenario part of a trial file (kept by clear):
                            trial, population and plausibility are the trial's,
                            arms come from trial.arms, the horizon from
                            trial.horizon (read.c) */
    const its__patient_ovr *pov; /* a drawn patient's override, or NULL (borrowed) */
    int from_file;       /* name is the file it was read from (its_scenario_file) */
    int has_until_value; /* its_scenario_set_until */
    double until_value;
    char err[ITS__ERRLEN];
    char warn[4 * ITS__ERRLEN]; /* warnings of the last check, one per line */
};

/* reading (read.c) */
char *its__sc_dup(const char *s, size_t len);
void its__sval_clear(sval *v);
void its__scenario_clear(its_scenario *sc);
its_status its__sc_fail(its_scenario *sc, its_status st, const sval *at, const char *key,
                        const char *fmt, ...) ITS__PRINTF(5, 6);
its_status its__sc_nomem(its_scenario *sc);
/* rel (a path in a file named base) as a path from the working directory:
 * rel itself when absolute or when base has no folder, else base's folder
 * joined with rel; into out (n bytes, always terminated). */
void its__sc_relative_path(const char *base, const char *rel, char *out, size_t n);
size_t its__sc_blame(const sval *const *cand, size_t n);
const sval *its__sc_horizon(const its_scenario *sc, sval *cli);
int its__sc_null_text(const char *s);
int its__sc_key_index(const char *name, const char *const *keys, int n);
void its__sc_key_list(char *buf, size_t n, const char *const *keys, int nkeys);
its_status its__sc_read_document(its_scenario *sc, const its__ydoc *doc);

/* resolution (resolve.c, therapy.c, protocol.c) */
its_status its__sc_quantity(its_scenario *sc, const sval *v, const char *key,
                            const char *unit, double *out);
its_status its__sc_whole_number(its_scenario *sc, const sval *v, const char *key, long max,
                                long *out);
/* what: 0 parameters, 1 states, 2 inputs, 3 parameter sets */
void its__sc_name_list(char *buf, size_t n, const its_model_def *m, int what);
its_status its__sc_patient(its_scenario *sc, its_patient *pt);
its_status its__sc_therapy(its_scenario *sc, const its_model_def *m, size_t i, double t0,
                           its__therapy *th);
its_status its__sc_expand(its_scenario *sc, its__plan *plan, size_t i, size_t *cap);
its_status its__sc_rules(its_scenario *sc, const its_model_def *m, its__plan *plan);
its_status its__sc_clinical(its_scenario *sc, const its_model_def *m, its__clinical *c);
/* clinical.organs (or a drawn patient's organs) into c->organs and
 * c->n_organs: one name per lesion of m, or ITS_ERANGE naming the key. */
its_status its__sc_organs(its_scenario *sc, const its_model_def *m, its__clinical *c);
/* Check sc against its model and fill plan; with final, also the
 * horizon-dependent checks, the output grid and the dose list. Without a
 * model and not final, nothing can be checked and ITS_OK is returned. */
its_status its__sc_resolve(its_scenario *sc, int final, its__plan *plan);
/* An arm's identifier for file names and stored trials (scenario.c): src
 * (its id, else its regimen, else its name) lower-cased, every run of
 * other characters than [a-z0-9_-] one '_', none at the ends; "armN"
 * (N = i + 1) when nothing is left. out holds 48 bytes. */
void its__sc_arm_id(const char *src, size_t i, char out[48]);

/* Reading a section of a trial file (population.c, trial.c): the document,
 * the model, the file's name and the caller's (msg, msglen). */
typedef struct its__yctx {
    const its__ydoc *doc;
    const its_model_def *m;
    const char *file;
    char *msg;
    size_t msglen;
} its__yctx;
/* Clear msg and set c up; ITS_EINVAL ("FN: NULL argument") when doc or m is
 * NULL or !out_ok. file NULL: "trial". */
its_status its__yc_begin(its__yctx *c, const its__ydoc *doc, const its_model_def *m,
                        const char *file, char *msg, size_t msglen, int out_ok, const char *fn);
/* "FILE:LINE:COL: KEY: message" at node (without a node: "FILE: KEY: ...");
 * returns st. */
its_status its__yc_fail(const its__yctx *c, its_status st, int node, const char *key,
                        const char *fmt, ...) ITS__PRINTF(5, 6);
its_status its__yc_nomem(const its__yctx *c);
/* ITS_OK when node is of kind, else ITS_EPARSE naming what it is. */
its_status its__yc_expect(const its__yctx *c, int node, its__ykind kind, const char *key);
/* The scalar text of node, or NULL with an error recorded in *st. */
const char *its__yc_text(const its__yctx *c, int node, const char *key, its_status *st);
/* A finite quantity at node expressed in unit ("1": a dimensionless number). */
its_status its__yc_quantity(const its__yctx *c, int node, const char *key, const char *unit,
                            double *out);
/* The i-th pair of the mapping at node: key node *k, value node *v, its
 * name (NULL with *st when the key is not a single value) and
 * sub = "KEY.NAME" (300 bytes). */
const char *its__yc_pair(const its__yctx *c, int node, size_t i, const char *key, int *k,
                         int *v, char *sub, its_status *st);
/* The mapping at node whose keys are among names[0..n): at[j] gets the
 * value node of names[j] (0: absent); an unknown or duplicate key is
 * ITS_EPARSE ("unknown key (expected one of: a, b)"). */
its_status its__yc_keys(const its__yctx *c, int node, const char *key, const char *const *names,
                        int n, int *at);
/* Whether runs of sc on model m grow a pre-treatment baseline (m has a
 * history and simulate.history is not false): the initial values are then
 * targets (docs/engine.md). */
int its__scenario_history_on(const its_scenario *sc, const its_model_def *m);

/* The keys of a `population:` mapping at node: the value nodes of
 * parameters, correlations, covariates, lesions and sampling (0: absent);
 * unknown or duplicate keys refused (ITS_EPARSE). */
its_status its__population_keys(const its__yctx *c, int node, int *params, int *corrs,
                                int *covariates, int *lesions, int *sampling);
/* The distribution at node ({dist: KIND, ...}, docs/trial.md "Population")
 * for a quantity in unit (population.c); key names it in messages. */
its_status its__yc_dist(const its__yctx *c, int node, const char *key, const char *unit,
                        its__dist *d);
/* ---- patient records (record.c, record_window.c, record_load.c) ---------------
 * Readers of the record's sections, in the order record_load.c calls them;
 * each returns ITS_OK or the status of the message written through c. */
/* The day after t0 of the date at node, exact to the minute (the first
 * date read sets t0). */
its_status its__rec_date(const its__yctx *c, its_record *r, int node, const char *key,
                         double *t);
/* patient: ...; *prior gets the value node of patient.prior (0: none). */
its_status its__rec_patient(const its__yctx *c, int node, its_record *r, int *prior);
its_status its__rec_lesions(const its__yctx *c, int node, its_record *r);
/* assessments: sets t0 (the first) and the scans. */
its_status its__rec_assessments(const its__yctx *c, int node, its_record *r);
/* decision: (needs the scans). */
its_status its__rec_decision(const its__yctx *c, int node, its_record *r);
/* labs: with reference_limits: (needs the decision). */
its_status its__rec_labs(const its__yctx *c, int node, int limits, its_record *r);
its_status its__rec_biomarkers(const its__yctx *c, int node, its_record *r);
void its__rec_error_defaults(its__rec_error *e);
its_status its__rec_read_error(const its__yctx *c, int node, its_record *r);
its_status its__rec_read_fit(const its__yctx *c, int node, its_record *r);
/* treatments: into r->window's therapy (needs the lesions and the decision). */
its_status its__rec_treatments(const its__yctx *c, int node, its_record *r);
/* The window's model, patient, sites and horizon, then its resolution. */
its_status its__rec_window(const its__yctx *c, its_record *r, int patient, int decision);

#endif

#endif
