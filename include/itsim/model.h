/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: model definitions and the built-in model registry.
 * A model is data (named states, parameters, inputs, parameter sets) plus
 * code (a right-hand side and an optional Jacobian). */
#ifndef ITSIM_MODEL_H
#define ITSIM_MODEL_H

#include <stddef.h>
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* The callbacks of a model receive `data`, the definition's data pointer
 * (its_model_def.data, NULL when the model has none): constant data the
 * model interprets, e.g. the number of lesions of one tme variant, so that
 * one function serves every variant. */

/* Right-hand side dy/dt = f(t, y; p). All arrays are owned by the caller;
 * y and p are read-only, ydot has n_states entries. The function must not
 * allocate, and must return 0 on success, > 0 for a recoverable failure
 * (the solver retries with a smaller step) or < 0 to stop the run.
 * Time is in the model's time unit (its_model_def.time_unit). */
typedef int (*its_rhs_fn)(double t, const double *y, double *ydot,
                          const double *p, const void *data);

/* Optional dense Jacobian J[i + j*ld] = d f_i / d y_j (column-major, ld >= n).
 * The caller zeroes J before the call; same return convention as its_rhs_fn. */
typedef int (*its_jac_fn)(double t, const double *y, double *J, size_t ld,
                          const double *p, const void *data);

/* Optional initial state implied by the parameters p (e.g. blood cell pools
 * at the homeostatic set point of the given blood volume). y0[n_states]
 * arrives filled with every state's `initial`; the function overwrites the
 * states it derives. Must not allocate; returns 0, or non-zero when a value
 * cannot be computed. At the default parameters it must reproduce the
 * `initial` values of the state table exactly (tests/test_models.c). */
typedef int (*its_init_fn)(const double *p, double *y0, const void *data);

/* What an observable measures, so that the clinical read-outs
 * (itsim/clinical.h) know where to find lesion sizes, vital signs and
 * laboratory values. Units are fixed per role. */
typedef enum its_obs_role {
    ITS_OBS_OTHER = 0,
    ITS_OBS_LESION_DIAMETER = 1, /* mm; one per lesion, in lesion order */
    ITS_OBS_TUMOUR_BURDEN = 2,   /* cell; all cancer cells of the patient */
    ITS_OBS_SBP = 3,             /* mmHg; systolic blood pressure */
    ITS_OBS_TEMPERATURE = 4,     /* degC; body temperature */
    ITS_OBS_ANC = 5,             /* 1e9/L; absolute neutrophil count */
    ITS_OBS_FLU = 6,             /* 1; flu-like symptom severity, 0-1 */
    ITS_OBS_FATIGUE = 7,         /* 1; fatigue severity, 0-1 */
    ITS_OBS_IRAE = 8,            /* 1; immune-related inflammation, 0-1 */
    ITS_OBS_WEIGHT_GAIN = 9,     /* %; weight gain over baseline body weight */
    ITS_OBS_CREATININE = 10,     /* x ULN; serum creatinine */
    ITS_OBS_ALT = 11,            /* x ULN; alanine aminotransferase */
    ITS_OBS_AST = 12,            /* x ULN; aspartate aminotransferase */
    ITS_OBS_BILIRUBIN = 13,      /* x ULN; total blood bilirubin */
    ITS_OBS_PLATELETS = 14,      /* 1e9/L; platelet count */
    ITS_OBS_NAUSEA = 15,         /* 1; nausea severity, 0-1 */
    ITS_OBS_VOMITING = 16        /* 1; vomiting severity, 0-1 */
} its_obs_role;

/* A quantity derived from the state and parameters: what a clinician
 * measures (blood pressure, temperature, lesion diameter, ...). */
typedef struct its_observable_def {
    const char *name;        /* identifier, e.g. "SBP" */
    const char *unit;        /* e.g. "mmHg" */
    its_obs_role role;
    const char *description;
} its_observable_def;

/* Computes every observable of a model into out[n_observables] from the
 * state y and parameters p at time t. Must not allocate; returns 0, or
 * non-zero when a value cannot be computed. */
typedef int (*its_observe_fn)(double t, const double *y, const double *p,
                              double *out, const void *data);

/* One state variable. Units are strings understood by its_unit_parse. */
typedef struct its_state_def {
    const char *name;        /* identifier, e.g. "T" */
    const char *unit;        /* e.g. "cell", "mm3" */
    double initial;          /* initial value at the default parameters, in
                                unit (the init callback, when the model has
                                one, derives it from the parameters) */
    double floor;            /* extinction floor in unit: when the state
                                falls below it, it is set to exactly 0.
                                0 disables the rule (the default). */
    const char *description;
} its_state_def;

/* What a state drawn in the figures of a run is. Figures pick states only
 * through these declarations (its_model_def.shown), never by name. */
typedef enum its_state_role {
    ITS_STATE_OTHER = 0,
    ITS_STATE_IMMUNE_CELLS = 1,  /* an immune cell population, in cell */
    ITS_STATE_CYTOKINE = 2,      /* a cytokine concentration */
    ITS_STATE_ANTIBODY = 3,      /* a therapeutic antibody in plasma (drawn
                                    only when it was given) */
    ITS_STATE_CLONE_SHARE = 4    /* the share of a lesion's cancer cells in one
                                    clone compartment, in 1 (clones.gp) */
} its_state_role;

/* One state as the figures show it. The states of one kind (the same cell
 * type or molecule at every site) share a colour: the k-th kind of a role,
 * in the order of first appearance in `shown`, gets the k-th colour of that
 * role's palette. Within a panel states are drawn in the order of `shown`. */
typedef struct its_state_shown {
    const char *state;       /* state name (its_state_def.name) */
    its_state_role role;
    unsigned site;           /* 0: blood or plasma; k >= 1: lesion k */
    const char *kind;        /* e.g. "CD8" for effector CD8 T cells in blood
                                and in every lesion; NULL: the state alone */
    const char *label;       /* display name without the site, e.g.
                                "effector CD8 T cells" */
} its_state_shown;

/* The values a parameter may take, chosen from its meaning. Every built-in
 * parameter declares one; its_sim_set_param refuses values outside it.
 * ITS_DOMAIN_UNDECLARED (0, what a zero-initialised definition gets) accepts
 * any finite value. */
typedef enum its_domain {
    ITS_DOMAIN_UNDECLARED = 0,
    ITS_DOMAIN_REAL = 1,         /* any finite value (e.g. a signed change) */
    ITS_DOMAIN_NONNEGATIVE = 2,  /* >= 0: a rate or amount that 0 switches off */
    ITS_DOMAIN_POSITIVE = 3,     /* > 0: volumes, half-saturation constants,
                                    scales that divide */
    ITS_DOMAIN_FRACTION = 4,     /* [0, 1]: shares, maximal inhibitions */
    ITS_DOMAIN_POS_FRACTION = 5, /* (0, 1] */
    ITS_DOMAIN_AT_LEAST_ONE = 6  /* >= 1: multiples of a set point */
} its_domain;

/* "positive (> 0)", "a fraction in [0, 1]", ... for messages and tables;
 * "undeclared" for ITS_DOMAIN_UNDECLARED or an unknown value. Static. */
const char *its_domain_name(its_domain d);

/* Non-zero when x is finite and lies in domain d. */
int its_domain_contains(its_domain d, double x);

/* One parameter with its provenance. */
typedef struct its_param_def {
    const char *name;
    double value;            /* default value, in unit; lies in domain */
    const char *unit;
    its_domain domain;       /* values the parameter may take */
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

/* How a model interprets a therapeutic agent (itsim/agents.h). Agents
 * describe themselves only (name, substance, PK); the model declares which
 * agents it takes and what a dose of each does in it. An agent the model
 * declares no binding for cannot be dosed by name in that model.
 *
 * `agent` is matched against an agent's name first, then its substance, so
 * a model can bind a whole class ("anti-PD-1") and give one member its own
 * parameter values ("nivolumab"). A dose by route "iv" goes to input `iv`,
 * by "sc" to input `sc`, and an intratumoral ("it") dose into lesion L to
 * the input named `it` followed by L ("il2_it_" + "2" = "il2_it_2"); NULL
 * when the model takes the agent by no such route. When a scenario doses
 * the agent, the model's parameters params[0..n_params) take the given
 * values (e.g. the agent's own PK) before the scenario's explicit
 * parameters are applied. */
typedef struct its_agent_binding {
    const char *agent;       /* agent name or substance, e.g. "IL-2" */
    const char *iv;          /* input for intravenous doses, or NULL */
    const char *sc;          /* input for subcutaneous doses, or NULL */
    const char *it;          /* prefix of the per-lesion intratumoral inputs, or NULL */
    size_t n_params;
    const its_param_value *params; /* parameter values the agent sets, or NULL */
} its_agent_binding;

/* Optional pre-treatment history of a model: its state at the start of a
 * run is not given but grown. The initial values (its_sim_set_initial, the
 * state table, the init function) then hold the baseline TARGETS: e.g. the
 * size of every lesion at diagnosis. `seed` turns them into an early state
 * (e.g. every lesion a small seed with no immune infiltrate); the engine
 * integrates the model from it, untreated, checking `done` every
 * `check_every` time units, for at most `max_duration`; `finish` then maps
 * the state reached onto the targets (e.g. scales each lesion to its
 * baseline size). The three functions read the parameters p, the targets
 * (n_states values) and the model's data; they must not allocate, and
 * return 0 on success (done: 1 when the baseline is reached, 0 when not
 * yet), or < 0 when the history cannot produce a baseline (the run fails
 * with ITS_ERANGE and `why`). Engine details: docs/engine.md, "Pre-treatment
 * history". With a history, only the initial values the model's seed reads
 * (for tme: the cancer cells of each lesion) matter: the other initial
 * values are overwritten by the seed or grown over. */
typedef struct its_history_def {
    const char *description;  /* one line, for `itsim model` and docs */
    double max_duration;      /* longest history (time units, > 0) */
    double check_every;       /* time units between calls of done (> 0) */
    int (*seed)(const double *p, const double *target, double *y, const void *data);
    int (*done)(const double *p, const double *target, const double *y,
                const void *data);
    int (*finish)(const double *p, const double *target, double *y, const void *data);
    const char *why;          /* the message when a function returns < 0 */
    /* Non-zero when state i's initial value is a target (read by seed);
     * the other initial values are grown over, so a scenario may not set
     * them while the history is on. NULL: every state is a target. */
    int (*target)(size_t state, const void *data);
    const char *targets;      /* the targets in words, for messages */
} its_history_def;

/* An organ site a lesion may sit in (lung, liver, lymph node, ...): the
 * values that a lesion at that site gives the model's per-lesion
 * parameters. A per-lesion parameter is named STEM_k for lesion k = 1, 2,
 * ...; the site lists values by stem ({"access", 0.6} sets access_k of
 * every lesion at the site). A scenario names each lesion's organ
 * (clinical.organs); the site whose name or alias matches it sets its
 * lesion's parameters before the scenario's explicit parameters, which
 * still win (docs/scenario.md, "Lesion sites"). */
typedef struct its_site_def {
    const char *name;        /* e.g. "liver" */
    const char *aliases;     /* other names of the site, comma-separated
                                ("hepatic"), or NULL */
    size_t n_values;
    const its_param_value *values; /* per-lesion parameter stems and values */
    const char *description; /* what the site does in the model, one line */
    const char *source;      /* citation of the values, or "assumed: ..." */
} its_site_def;

/* Version of the its_model_def layout. A definition sets .version to
 * ITS_MODEL_VERSION; its_sim_create and the its_model_* functions below
 * refuse any other value (those returning a status with ITS_EINVAL, the
 * index lookups with -1, the agent lookups with NULL or -1), so a
 * definition compiled against
 * a different layout (or one that forgot the field: 0) is never read
 * field by field. Raised whenever fields are added or changed (2: the
 * pre-treatment history; 3: lesion sites). */
#define ITS_MODEL_VERSION 3

/* The complete definition of a model. Built-in definitions are static and
 * immutable; users may define their own with the same structure and pass it
 * to its_sim_create (the definition must outlive the simulation). Fill it
 * with designated initialisers: fields left out are 0 / NULL. */
typedef struct its_model_def {
    int version;             /* ITS_MODEL_VERSION */
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
    its_init_fn init;        /* may be NULL: the states' `initial` values */
    const void *data;        /* passed to rhs, jac, init and observe; may be
                                NULL; must outlive the definition's use */
    const char *const *course; /* NULL-terminated state names shown in the
                                  course table of a run summary; NULL: the
                                  first states */
    double default_until;    /* default horizon in time units when a run
                                names only the model; 0 means 100 */
    size_t n_observables;    /* derived quantities (may be 0) */
    const its_observable_def *observables;
    its_observe_fn observe;  /* NULL when n_observables is 0 */
    size_t n_agents;         /* agents the model takes (may be 0) */
    const its_agent_binding *agents; /* see its_agent_binding */
    size_t n_shown;          /* states drawn in the figures (may be 0) */
    const its_state_shown *shown;
    const its_history_def *history; /* pre-treatment history, or NULL (none) */
    size_t n_sites;          /* organ sites of lesions (may be 0: organs are
                                then names for RECIST only) */
    const its_site_def *sites;
} its_model_def;

/* Number of built-in models. */
size_t its_model_count(void);

/* The i-th built-in model (0 <= i < its_model_count()), or NULL if out of
 * range. The pointer is static and must not be freed. */
const its_model_def *its_model_at(size_t i);

/* The built-in model called name, or NULL if there is none (or name is
 * NULL). "tme" has 3 lesions; "tme:N" (N = 1..8) names the same model with
 * N lesions. Static, not to be freed. */
const its_model_def *its_model_find(const char *name);

/* How many numbered variants "NAME:1" ... "NAME:N" the built-in model m
 * has (8 for tme: the number of lesions), 0 for none or NULL. */
size_t its_model_variants(const its_model_def *m);

/* The names its_model_find accepts, for messages: "tme, tme:1 to tme:8,
 * kirschner1998, ..." into buf (n bytes, always terminated when n > 0;
 * cut short if too small; nothing when buf is NULL or n is 0). */
void its_model_names(char *buf, size_t n);

/* Index of a state, parameter, input or parameter set by name, or -1 (also
 * for a NULL model or name). */
int its_model_state_index(const its_model_def *m, const char *name);
int its_model_param_index(const its_model_def *m, const char *name);
int its_model_input_index(const its_model_def *m, const char *name);
int its_model_set_index(const its_model_def *m, const char *name);
/* Index of an observable by name, or -1 (also for NULL arguments). */
int its_model_observable_index(const its_model_def *m, const char *name);
/* Index of the first observable with the given role, or -1 (also for a
 * NULL model). */
int its_model_observable_index_by_role(const its_model_def *m, its_obs_role role);

/* The binding of model m for an agent called `agent` whose substance is
 * `substance` (either may be NULL): the first binding naming the agent, else
 * the first naming the substance; NULL when the model takes neither (or m
 * is NULL). Borrowed from the model definition. */
const its_agent_binding *its_model_agent_binding(const its_model_def *m, const char *agent,
                                                 const char *substance);

/* Index of the input of model m that receives a dose of binding b (from
 * its_model_agent_binding) by `route`: "iv", "sc", or "it" into the lesion
 * named by `lesion` (its number as text, "1"; ignored for the other
 * routes). -1 when b is NULL, the route is unknown, the model takes the
 * agent by no such route, or the lesion has no input. */
int its_model_agent_input(const its_model_def *m, const its_agent_binding *b, const char *route,
                          const char *lesion);

/* Index of the site of model m that an organ name denotes, or -1 (also for
 * NULL arguments, or a model without sites). Names and aliases match
 * without regard to case, and a space, '_' or '-' match one another
 * ("Lymph node" = "lymph_node"). */
int its_model_site_index(const its_model_def *m, const char *organ);

/* The site names and their aliases, for messages: "skin (subcutaneous,
 * cutaneous), lung, ..." into buf (n bytes, always terminated when n > 0;
 * cut short if too small). */
void its_model_site_names(const its_model_def *m, char *buf, size_t n);

/* ---- parameter vectors --------------------------------------------------------
 * What a simulation needs besides the definition: one value per parameter
 * (p[n_params], in the units of the definition) and the initial state
 * y0[n_states]. Scenario resolution fills these without creating a
 * simulation; its_sim_create starts from the same values. Messages follow
 * the library's convention for functions without a handle: msg receives
 * msglen bytes at most, always terminated, "" on success; msg may be NULL. */

/* p[i] = the default of every parameter, then the model's default set
 * (when it has one) applied. ITS_EINVAL for NULL arguments or a definition
 * whose version is not ITS_MODEL_VERSION (true of every function below). */
its_status its_model_default_params(const its_model_def *m, double *p,
                                    char *msg, size_t msglen);

/* Apply the named parameter set to p. ITS_ENOTFOUND for an unknown set or a
 * set naming an unknown parameter, ITS_ERANGE for a set value outside its
 * parameter's domain (p is then partly changed), ITS_EINVAL for NULL. */
its_status its_model_apply_set(const its_model_def *m, const char *set,
                               double *p, char *msg, size_t msglen);

/* Check value for parameter i (0 <= i < n_params): ITS_OK, ITS_ERANGE for a
 * non-finite value or one outside the parameter's domain (the message names
 * the parameter, the value with its unit and the domain), ITS_EINVAL for a
 * bad index or NULL model. */
its_status its_model_check_param(const its_model_def *m, size_t i, double value,
                                 char *msg, size_t msglen);

/* Set the per-lesion parameters of lesion `lesion` (1-based) in p to the
 * values of site `site` (0 <= site < n_sites): STEM_lesion for every stem
 * the site lists. ITS_ENOTFOUND when the model has no parameter
 * STEM_lesion (a fault of the definition, or a lesion beyond those the
 * parameters cover), ITS_ERANGE for a value outside the parameter's domain,
 * ITS_EINVAL for a bad site index or NULL arguments. */
its_status its_model_apply_site(const its_model_def *m, size_t site, size_t lesion, double *p,
                                char *msg, size_t msglen);

/* The initial state y0[n_states] implied by parameters p: every state's
 * `initial`, then the definition's init callback when it has one (e.g. a
 * blood compartment at its steady state for the given volume). ITS_EINVAL
 * for NULL arguments, ITS_ERANGE when the callback fails or gives a value
 * that is not finite (the message names the state). */
its_status its_model_initial_state(const its_model_def *m, const double *p,
                                   double *y0, char *msg, size_t msglen);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
