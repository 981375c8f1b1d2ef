/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the run layer's private header (src/run). The layout of
 * a run result (rows, clinical read-outs, dose outcomes) and of a
 * comparison, for the run layer and the writers above it (src/io), and the
 * clinical collection during a run (clinical_run.c). */
#ifndef ITS_RUN_RUN_H
#define ITS_RUN_RUN_H

#include <signal.h>
#include <stddef.h>
#include "engine/engine.h"
#include "scenario/scenario.h"
#include "itsim/run.h"
#include "itsim/survival.h"

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

/* Run a private copy of a scenario (its__scenario_arm or
 * its__scenario_untreated, used by one thread) for a drawn patient ov
 * (NULL: the file's patient); keep_rows 0 stores no rows (the clinical
 * read-outs, the final state and the statistics are kept). Statuses and
 * *out as its_scenario_run; the message is in its_scenario_errmsg(copy).
 * The override is not kept on the copy. hc (may be NULL) keeps the grown
 * pre-treatment baseline between runs of the same patient (engine/engine.h). */
its_status its__run_patient(its_scenario *copy, const its__patient_ovr *ov, int keep_rows,
                            its__hist_cache *hc, its_result **out);

/* The simulation of a plan (its parameters, initial values, solver
 * settings and doses; no grid, rules or clinical read-outs): *out owned by
 * the caller (its_sim_free; also on failure, when it was created). A
 * refusal is recorded in sc naming the setting. */
its_status its__plan_sim(its_scenario *sc, const its__plan *plan, its_sim **out);

/* The state a run of plan would start from (n_states values into y): the
 * initial values, or the grown pre-treatment baseline (engine/engine.h;
 * kept in hc when not NULL, for the runs that follow). sc is the scenario
 * the plan came from (its error buffer gets the message). Statuses as
 * its_sim_get_baseline, and those of setting up the simulation. */
its_status its__plan_baseline(its_scenario *sc, const its__plan *plan, its__hist_cache *hc,
                              double *y);

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

/* ---- trial outcomes ------------------------------------------------------
 * One patient's outcome on one arm, as the trial runner makes it, the
 * store (io/sqlite_adapter.h) keeps it and the read-outs
 * (trial_summary.c) summarise it. */

/* A per-patient time series on a coarse grid (optional table): series
 * `names[j]` at `times[i]` is values[j * n_times + i]. */
typedef struct its__store_series {
    size_t n_times, n_names;
    const double *times;
    const char *const *names;
    const double *values;
} its__store_series;

/* One patient's outcome on one arm. Times are days from the start of
 * treatment; NaN means "none" or "not reached" and is stored as NULL.
 * best: ITS_RESP_NONCR_NONPD is stored as SD (RECIST 1.1 counts it with
 * SD for disease control). */
typedef struct its__outcome {
    long patient;
    size_t arm;
    its_status status;
    const char *message; /* "" or NULL when none */
    its_response best;
    double best_change;  /* % of baseline sum of diameters */
    double ttr_days, dor_days;
    int dor_event;       /* 1 response ended (progression or death) */
    double pfs_days;
    int pfs_event;       /* 0 censored, 1 progression or death */
    double os_days;
    int os_event;        /* 0 censored, 1 death */
    long doses_planned, doses_given, doses_reduced, doses_held;
    long doses_planned_c1, doses_given_c1; /* first cycle (its_clinical_summary) */
    int worst_grade[ITS_AE_NTERMS]; /* 0..5; -1: term not graded */
    its_stats stats;
    const its__store_series *series; /* NULL: none (read-back: NULL) */
    /* the tumour assessments (baseline first): day and sum of the target
     * diameters in mm (the spider plot); n_assess 0: none */
    size_t n_assess;
    const double *assess_day;
    const double *assess_sum_mm;
} its__outcome;

/* ---- trial read-outs (trial_summary.c) -------------------------------------
 * The statistics of a trial computed from its outcome rows (docs/trial.md,
 * "Read-outs"). Times are days; a month is 30.4375 days (365.25 / 12), so
 * the landmarks 6, 12 and 24 months are 182.6, 365.25 and 730.5 days.
 * Estimates are its_estimate (include/itsim/survival.h) at 95 %; a value
 * or an interval end that does not exist (a median not reached, a rate of
 * an arm without rows) is NaN. */
#define ITS__MONTH_DAYS 30.4375
#define ITS__SUMMARY_NLANDMARKS 3
extern const double its__summary_landmark_months[ITS__SUMMARY_NLANDMARKS]; /* 6, 12, 24 */

typedef struct its__arm_summary {
    long n;                 /* rows whose run succeeded (the denominator) */
    long failures;          /* rows whose run failed: excluded from the rest */
    long n_cr, n_pr, n_sd, n_pd, n_ne; /* best response (NONCR_NONPD counts as SD) */
    its_estimate orr, cr, pr, sd, pd, dcr; /* rates with Wilson intervals */
    its_estimate pfs_median, os_median;    /* KM, Brookmeyer-Crowley intervals */
    its_estimate pfs_at[ITS__SUMMARY_NLANDMARKS], os_at[ITS__SUMMARY_NLANDMARKS];
    long n_responders;      /* CR + PR with a finite ttr_days */
    its_estimate ttr_median; /* KM of ttr_days among responders (all events) */
    its_estimate dor_median; /* KM of dor_days with dor_event among responders */
    long n_grade3;          /* rows with grade >= 3 in any term */
    its_estimate grade3;    /* ... of n */
    long n_graded[ITS_AE_NTERMS], n_grade3_term[ITS_AE_NTERMS];
    its_estimate grade3_term[ITS_AE_NTERMS]; /* of the rows grading the term */
    long n_dosed;           /* rows with doses_planned > 0 */
    double dose_intensity;  /* mean of doses_given / doses_planned over them */
} its__arm_summary;

/* Arm b against arm a (a < b): hazard ratios of b against a, the ORR
 * difference b - a. Paired designs (stratified == 1): the log-rank test is
 * stratified by patient; hr_* is the marginal hazard ratio (Cox model of
 * the pooled rows, Efron ties) with the cluster-robust interval (clusters:
 * patients; its_cox_binary_robust), comparable to a randomised trial's;
 * hr_*_conditional the within-patient one (Cox model stratified by
 * patient), NaN under a monotone likelihood (every patient ordering the
 * arms alike). Randomised designs: plain log-rank and Cox, no conditional
 * HR (NaN). docs/trial.md, "Paired designs". */
typedef struct its__arm_comparison {
    size_t a, b;
    int stratified;
    double logrank_p_pfs, logrank_p_os; /* NaN: undefined (no event) */
    its_estimate hr_pfs, hr_os;         /* NaN: not estimable */
    its_estimate orr_diff;              /* Newcombe's hybrid score interval */
    its_estimate hr_pfs_conditional, hr_os_conditional; /* paired only; NaN otherwise */
    /* paired only: the robust score test (patient clusters) of the marginal
     * model, beta = 0 (R's coxph(...)$rscore); NaN otherwise */
    double robust_score_p_pfs, robust_score_p_os;
} its__arm_comparison;

typedef struct its__trial_summary {
    size_t n_arms;
    its__trial_design design;
    long failures;                    /* over all arms */
    its__arm_summary *arms;           /* n_arms */
    size_t n_comparisons;             /* n_arms (n_arms - 1) / 2 */
    its__arm_comparison *comparisons; /* (0,1), (0,2), ..., (1,2), ... */
} its__trial_summary;

/* The read-outs of n outcome rows (any order) of a trial with n_arms arms.
 * *out is filled (its__trial_summary_free frees it; zeroed on failure).
 * ITS_EINVAL (message in msg) for n_arms == 0, a row whose arm is out of
 * range, or a successful row with a bad time or event flag (pfs_days and
 * os_days must be finite and >= 0), or in a paired design a patient id
 * beyond the range of int; ITS_ENOMEM. */
its_status its__trial_summarise(const its__outcome *rows, size_t n, size_t n_arms,
                                its__trial_design design, its__trial_summary *out,
                                char *msg, size_t msglen);
void its__trial_summary_free(its__trial_summary *s);

/* ---- running a trial (trial_run.c; docs/trial.md, "Running a trial") -------- */

/* A finished patient: its accepted draw and its outcome rows (one per arm
 * it was given). Borrowed from the runner for the duration of a sink
 * call. */
typedef struct its__trial_patient {
    long patient;
    uint32_t attempt;                 /* the accepted draw (0: the first) */
    size_t n_values;
    const its__draw_value *values;    /* the draw, as stored */
    size_t n_outcomes;
    const its__outcome *outcomes;
} its__trial_patient;

/* Takes a batch of finished patients (any order); called by one thread at
 * a time. ITS_OK, or a status that ends the trial (message in msg). */
typedef its_status (*its__trial_sink)(void *user, const its__trial_patient *p, size_t n,
                                      char *msg, size_t msglen);

typedef struct its__trial_exec {
    int threads;                /* OpenMP threads, 0: the OpenMP default */
    size_t batch;               /* patients per sink call and thread (>= 1) */
    const unsigned char *done;  /* per patient 1: stored already (resume); NULL */
    its__trial_sink sink;
    void *user;
    const volatile sig_atomic_t *cancel; /* non-zero: stop taking patients (NULL) */
    int series;                 /* per-patient time series (outcome.series) */
} its__trial_exec;

typedef struct its__trial_counts {
    long run;       /* patients run now */
    long rejected;  /* draws refused for them before the accepted ones */
    long failures;  /* their outcome rows whose run failed */
} its__trial_counts;

/* Run every patient of t not marked done: draw (replacing refused draws),
 * allocate (randomised: stratified permuted blocks over all patients),
 * run the arms and hand the patients to x->sink in batches. A run that
 * fails is an outcome row with its status and message. ITS_OK;
 * ITS_ECANCELLED (x->cancel was set: the patients finished so far were
 * handed to the sink); ITS_ERANGE
 * (every draw of a patient refused: acceptance 0), ITS_ENOMEM, ITS_EINVAL
 * (NULL arguments, batch 0), or the sink's status; message in msg. */
its_status its__trial_execute(const its_trial *t, const its__trial_exec *x,
                              its__trial_counts *counts, char *msg, size_t msglen);

/* The pieces of its__trial_execute, for other drivers (MPI ranks): a
 * worker (one per thread) holding the workspaces and batch room of
 * trial t. */
/* ---- plausibility (plausible.c; docs/trial.md, "Plausibility") ------------ */
/* Workspaces of the checks, grown as needed; one per thread. */
typedef struct its__plaus_ws {
    double *obs;
    size_t cap_obs;
    double *base;
    size_t cap_base;
} its__plaus_ws;
/* Room for n doubles in *a (capacity *cap), grown when needed: ITS_OK or
 * ITS_ENOMEM (*a unchanged). */
its_status its__room_doubles(double **a, size_t *cap, size_t n);
/* Free the workspaces (the struct itself is the caller's); NULL accepted. */
void its__plaus_ws_clear(its__plaus_ws *ws);
/* Whether patient ov (NULL: the file's) passes pl: every baseline range on
 * the grown pre-treatment baseline (the baseline observables) and the
 * untreated doubling time of the tumour burden over the run of
 * `untreated` (an untreated private copy whose horizon is pl->window).
 * Baseline ranges on the observables named in skip[0..n_skip) are not
 * checked (a patient's own measurement replaces them). model: the model
 * the checks are for (without a history and ranges, every patient
 * passes). A baseline that cannot be grown fails. hc keeps the grown
 * baseline for the runs that follow (may be NULL). *ok 1 or 0 with the
 * reason in why; returns ITS_OK, or ITS_ENOMEM. */
its_status its__plausible(const its__plausibility *pl, const its_model_def *model,
                          its_scenario *untreated, const its__patient_ovr *ov,
                          its__hist_cache *hc, its__plaus_ws *ws, const char *const *skip,
                          size_t n_skip, int *ok, char *why, size_t whylen);


/* ---- a patient's posterior (posterior.c, posterior_eval.c;
 * docs/personalise.md, "The posterior") --------------------------------------
 * The variables are sampled as z ~ N(0, 1) each and mapped to the model's
 * values by x = F^-1(Phi(z)), F the variable's prior. */
typedef enum its__post_kind {
    ITS__PV_POP,        /* a parameter the prior population draws */
    ITS__PV_SETPOINT,   /* the set point of a lab the record has */
    ITS__PV_LESION      /* a lesion's baseline diameter, mm */
} its__post_kind;

typedef struct its__post_var {
    its__post_kind kind;
    char name[48];      /* the parameter, or "diameter_K_mm" */
    int param;          /* model index (POP, SETPOINT), -1 */
    int lesion;         /* 0-based (LESION), -1 */
    its__dist dist;     /* the prior (continuous; owns nothing) */
} its__post_var;

/* What is shared by every evaluation (read-only once made). */
typedef struct its__post {
    const its_record *rec;      /* borrowed */
    const its_model_def *model; /* tme:N */
    size_t d;                   /* variables */
    its__post_var *v;
    size_t n_fixed;             /* the population's fixed values */
    int *fixed_idx;
    double *fixed_val;
    double *base_params;        /* the window's plan without a patient drawn */
    double t1;                  /* the window's end (the decision; at least 1 d) */
    size_t n_t;                 /* times the run reports: scans, labs, the decision */
    double *t;
    size_t *obs_at;             /* diameter i is at t[obs_at[i]] */
    size_t *lab_at;             /* lab i is at t[lab_at[i]] */
    int diam_obs[ITS__MAX_LESIONS]; /* observable of lesion k's diameter */
    int lab_obs[ITS__LAB_N];    /* observable of each lab (-1: none) */
    const char *skip[ITS__LAB_N]; /* baseline ranges the labs' likelihood replaces */
    size_t n_skip;
    int v_tmb, v_clonal, v_pdl1; /* the biomarkers' variables (-1: none) */
    double pdl1_cut;            /* pdl1_0 below which TPS < 1 % */
    char note[256];             /* e.g. a biomarker not used; "" */
} its__post;

/* The posterior of record r (which must have a prior, and outlive it).
 * ITS_OK with *out (its__post_free); ITS_EINVAL (no prior; a prior with
 * correlations, discrete parameters, lesion multipliers or parameters),
 * ITS_ENOTFOUND, ITS_ENOMEM, or the window's resolution status; message in
 * msg. */
its_status its__post_create(const its_record *r, its__post **out, char *msg, size_t msglen);
void its__post_free(its__post *p);
size_t its__post_dim(const its__post *p);
const char *its__post_name(const its__post *p, size_t j);
/* Variable j's value at z: F_j^-1(Phi(z)) (NaN out of range). */
double its__post_value(const its__post *p, size_t j, double z);

/* One evaluation's workspace (one per thread): private copies of the
 * window and of the prior's untreated scenario, a history cache, the
 * patient override and the last evaluation's parts. */
typedef struct its__post_ws its__post_ws;
its_status its__post_ws_create(const its__post *p, its__post_ws **out);
void its__post_ws_free(its__post_ws *w);
/* The log posterior at z (d values), up to a constant: -|z|^2 / 2 + the
 * log likelihood, -INFINITY for an implausible patient (*failed 0) or a
 * failed simulation (*failed 1). For its__mcmc_logdens (ctx = w). */
double its__post_logpost(const double *z, void *ctx, int *failed);

/* The parts of w's last evaluation. */
typedef struct its__post_parts {
    int plausible;              /* passed the prior's plausibility */
    int ran;                    /* the window ran */
    double lprior;              /* -|z|^2 / 2 */
    double ll_diam, ll_lab, ll_bio; /* log likelihood of each kind of data */
    char why[256];              /* why implausible or failed; "" */
} its__post_parts;
void its__post_last(const its__post_ws *w, its__post_parts *out);
/* The model's values behind the record's data at w's last evaluation: the
 * diameter of observation i (mm; NaN when not run), lab i (its unit). */
double its__post_pred_diam(const its__post_ws *w, size_t i);
double its__post_pred_lab(const its__post_ws *w, size_t i);
/* The patient override of z without running anything (borrowed; valid
 * until w's next use): its parameters, and the lesions' history targets;
 * NULL when a value is outside its parameter's domain. */
const its__patient_ovr *its__post_set(its__post_ws *w, const double *z);
/* The number of variables of w's posterior. */
size_t its__post_dim_ws(const its__post_ws *w);
/* The record of w's posterior (borrowed). */
const its_record *its__post_record(const its__post_ws *w);
/* The patient override of w's last evaluation (borrowed; valid until the
 * next) and the state at the decision (n_states of the model; NULL when
 * the window did not run). */
const its__patient_ovr *its__post_ovr(const its__post_ws *w);
const double *its__post_state(const its__post_ws *w);
/* A synthetic patient of the validation study on w's record: the first
 * plausible prior draw z ~ N(0, I) (keyed: seed, patient,
 * ITS__RNG_MCMC_INIT, stream 0) whose baseline diameters read at least 5
 * mm, into z; its readings drawn from the error models (keyed: seed,
 * patient, ITS__RNG_OBS_NOISE) into diam, cens (the record's n_obs), labs
 * (n_labs) and the biomarkers, and v pointed at them (v->id is the
 * caller's). The truth's model values and its state at the decision stay
 * in w (its__post_pred_*, its__post_state). ITS_OK, or ITS_ERANGE when
 * 1000 draws gave none. */
its_status its__post_synthetic(its__post_ws *w, uint64_t seed, uint64_t patient, double *z,
                               double *diam, int *cens, double *labs, its__rec_values *v);
/* The error models (docs/personalise.md, "Measurement-error models"): the
 * log density of a measured diameter mm (censored: the log probability of
 * a reading below mm) given the model's d (mm), and of a lognormal
 * measurement v_obs with coefficient of variation cv around the model's v
 * (-INFINITY when either is not positive). */
double its__ll_diameter(const its__rec_error *e, double mm, int censored, double d);
double its__ll_lognormal(double v_obs, double v, double cv);
/* A start for a chain: of the prior draws z ~ N(0, I) (keyed: seed,
 * patient, ITS__RNG_MCMC_INIT, stream; draw a uses the uniforms a d .. a d
 * + d - 1), the one with the highest log posterior among the first `keep`
 * whose log posterior is finite (at most max_tries draws), into z with it
 * in *lp and the draws made in *tries. ITS_OK, or ITS_ERANGE when none of
 * them is plausible and runs. */
its_status its__post_start(its__post_ws *w, uint64_t seed, uint64_t patient, uint32_t stream,
                           size_t max_tries, size_t keep, double *z, double *lp, size_t *tries);
/* Evaluations, implausible ones and failed ones so far. */
void its__post_counts(const its__post_ws *w, size_t *evals, size_t *outside, size_t *failures);

/* ---- a patient's fit (personalise_fit.c; itsim/personalise.h) --------------- */
#include "itsim/personalise.h"
struct its__mcmc;
struct its__mcmc_summary;
struct its__mcmc_chain_stats;
struct its_fit {
    its_fit_opts o;
    size_t chains, iterations, warmup, draws, kept;
    uint64_t seed;
    its__post *post;
    its__post_ws **ws;          /* one per chain */
    size_t n_ws;
    struct its__mcmc *mcmc;
    double *x;                  /* draws in the parameters' units: variable j's
                                   chains x kept at x + j * chains * kept,
                                   chain-major */
    struct its__mcmc_summary *sum; /* per variable */
    struct its__mcmc_chain_stats *cst; /* per chain */
    size_t *tries;              /* prior draws until each chain's start */
    double *z0;                 /* the starts (chains x d) */
    size_t *draw_of;            /* kept draw s: index chain * kept + i */
    double *zs;                 /* draws x d: the kept draws' z */
    double *pred_diam;          /* draws x n_obs: the model's diameters */
    double *pred_lab;           /* draws x n_labs */
    double *state;              /* draws x n_states: the state at the decision */
    int converged;
    double seconds;
};

/* ---- the choice of treatment (personalise_choose.c) --------------------------- */
typedef struct its__option_def {
    const char *name;       /* "HD IL-2 IV" */
    const char *id;         /* "hd_il2": file names, JSON */
    const char *items;      /* the scenario's therapy list (YAML), with {DOSE} and {L} */
    const char *rules;      /* its rules list (YAML), or NULL */
    const char *unit;       /* of {DOSE} */
    double lo, def, hi;     /* the dose range and the label's (or usual) dose */
    int calibrated;         /* the agents' effects were calibrated (IL-2, anti-PD-1) */
    const char *range_source;
} its__option_def;
size_t its__option_count(void);
const its__option_def *its__option_at(size_t i);

/* One candidate at one dose over the kept draws. */
typedef struct its__level {
    double dose;
    size_t n;               /* draws evaluated (failed runs excluded) */
    size_t failed;
    double p_or, p_or_lo, p_or_hi;     /* confirmed CR or PR; Wilson 95 % */
    double p_g3, p_g3_lo, p_g3_hi;     /* any grade >= 3 */
    double pfs_med, pfs_q05, pfs_q95;  /* days; the horizon when not reached */
    int pfs_censored;       /* the median is not reached within the horizon */
    double rmst;            /* restricted mean PFS over the horizon, days */
    double objective;       /* p_or or rmst / horizon */
} its__level;

/* A candidate's result: its best dose's level, and what was tried. */
typedef struct its__option_result {
    const its__option_def *def;
    its__level best;
    int feasible;           /* best.p_g3 within the bound */
    size_t n_levels;        /* doses evaluated */
    char regimen[1024];     /* the therapy at the best dose (YAML list) */
    char scenario[8192];    /* the decision scenario at the best dose (YAML) */
    int largest;            /* the lesion {L} (1-based) */
} its__option_result;

struct its_choice {
    const its_fit *fit;     /* borrowed */
    its_choice_opts o;
    size_t n;               /* candidates */
    its__option_result *res;
    size_t *rank;           /* best first */
    size_t n_top;           /* with trajectories */
    size_t n_weeks;
    /* per top option k: sum of all lesions' diameters at week w of draw s
     * (traj[(k * draws + s) * n_weeks + w], NaN after death), and whether a
     * grade >= 3 event of term a is ongoing (tox[((k * n_weeks) + w) *
     * ITS_AE_NTERMS + a]: the share of draws) */
    double *traj;
    double *tox;
    double seconds;
    char err[ITS__ERRLEN];
};
/* The true outcome of the candidate ranked `rank` (at its chosen dose) for
 * a patient of known variables z whose state at the decision is state (the
 * validation study: the truth of a synthetic patient; w any workspace of
 * the fit's posterior): objective response, any grade >= 3, PFS (days; the
 * horizon when event-free). ITS_OK, or the run's status with msg. */
its_status its__choice_truth(const its_choice *c, size_t rank, its__post_ws *w, const double *z,
                             const double *state, int *resp, int *g3, double *pfs, char *msg,
                             size_t msglen);
/* ---- the validation study (personalise_validate.c) ------------------------- */
/* personalise_fit.c: the elliptical sampler takes the prior N(0, I) as its
 * reference every ITS__FIT_PRIOR_EVERY-th step (its__mcmc_opts.prior_every;
 * docs/personalise.md); part of a validation study's identity. */
#define ITS__FIT_PRIOR_EVERY 2
#define ITS__VAL_MAXD 64
#define ITS__VAL_MAXOPT 16
/* One synthetic patient: the truth against the fit and the choice. */
typedef struct its__val_patient {
    uint64_t patient;
    size_t d;
    double x_true[ITS__VAL_MAXD], q05[ITS__VAL_MAXD], q50[ITS__VAL_MAXD], q95[ITS__VAL_MAXD];
    int covered[ITS__VAL_MAXD];   /* the truth within the 90 % credible interval */
    int rank[ITS__VAL_MAXD];      /* kept draws below the truth (0 .. draws) */
    int converged;
    double max_rhat, min_ess;
    size_t n_opt;                 /* candidates, in the choice's rank order */
    char id[ITS__VAL_MAXOPT][24];
    double p_or[ITS__VAL_MAXOPT], p_g3[ITS__VAL_MAXOPT], rmst[ITS__VAL_MAXOPT];
    double pfs_q05[ITS__VAL_MAXOPT], pfs_q95[ITS__VAL_MAXOPT], objective[ITS__VAL_MAXOPT];
    int feasible[ITS__VAL_MAXOPT];
    int t_resp[ITS__VAL_MAXOPT], t_g3[ITS__VAL_MAXOPT]; /* the truth's outcome */
    double t_pfs[ITS__VAL_MAXOPT];
    double seconds;
} its__val_patient;
/* Synthetic patient i (keyed by seed and i + 1) of the template record of
 * tw (a workspace of the template's posterior): the truth, its record, the
 * fit (fo) and the choice (co) on it, and the truth's outcomes, into *out.
 * A pure function of (template, seed, i, fo, co): the same whatever the
 * threads and whether or not other patients ran before. ITS_OK, or the
 * status of the step that failed with msg. */
its_status its__validate_patient(its__post_ws *tw, uint64_t seed, uint64_t i,
                                 const its_fit_opts *fo, const its_choice_opts *co,
                                 its__val_patient *out, char *msg, size_t msglen);

typedef struct its__trial_worker its__trial_worker;
its_status its__trial_worker_create(const its_trial *t, size_t batch, its__trial_worker **out);
void its__trial_worker_free(its__trial_worker *w);
/* Keep each run's output rows and give every outcome its time series: the
 * model's observables on the output grid (off by default). */
void its__trial_worker_series(its__trial_worker *w, int on);
/* The first draw of patient that passes the domains and plausibility
 * (*attempt) and its stratum key. ITS_ERANGE when max_draws are refused. */
its_status its__trial_accept(its__trial_worker *w, long patient, uint32_t *attempt,
                             uint64_t *stratum, char *msg, size_t msglen);
/* Run patient `patient`, draw `attempt` (accepted before), on arm `only`
 * ((size_t)-1: every arm) into the next free slot of w's batch. ITS_OK (a
 * failed run is an outcome row), ITS_ENOMEM, ITS_EINVAL (no free slot). */
its_status its__trial_run_one(its__trial_worker *w, long patient, uint32_t attempt, size_t only,
                              char *msg, size_t msglen);
/* The finished patients in w's batch (*recs, the count returned; borrowed
 * until its__trial_worker_clear) and the free slots left (*room). */
size_t its__trial_worker_batch(const its__trial_worker *w, const its__trial_patient **recs,
                               size_t *room);
void its__trial_worker_clear(its__trial_worker *w);

/* ---- MPI (trial_mpi.c over run/mpi_adapter.h; docs/trial.md, "Running on
 * several machines (MPI)") ---------------------------------------------------
 * Ranks of the process (rank 0 and 1 rank when MPI is not initialised or
 * not compiled in). */
int its__trial_mpi_rank(void);
int its__trial_mpi_size(void);
/* Collective, before a distributed trial: rank 0 passes st0, its status
 * so far (the store opened, or why not, message in msg), and every rank
 * learns it; each other rank checks it holds the same trial (file text,
 * patients, seed, build) as rank 0. Returns st0 on every rank (with
 * rank 0's message), or ITS_EINVAL on every rank when a rank holds
 * another trial. */
its_status its__trial_mpi_agree(const its_trial *t, its_status st0, char *msg, size_t msglen);
/* its__trial_execute over every rank (collective; dynamic load balancing,
 * docs/trial.md): rank 0 hands out the patients not marked in x->done,
 * runs patients with its own threads too, and gives every finished
 * patient (its own and those other ranks send) to x->sink; other ranks
 * ignore x->sink, x->user and x->done. Every rank returns the trial's
 * status (a failure on any rank ends every rank; message in msg) and its
 * own counts (rank 0: every rank's). With one rank, its__trial_execute. */
its_status its__trial_execute_mpi(const its_trial *t, const its__trial_exec *x,
                                  its__trial_counts *counts, char *msg, size_t msglen);

/* ---- virtual-population weighting (vpop.c; docs/calibration.md,
 * "Method") ---------------------------------------------------------------
 * A pool of n accepted patients, drawn in rounds: round r drew its
 * patients from the proposal prop[r * n_vary + j] for calibrated parameter
 * j (the other parameters alike in every round) with draws[r] draws in
 * all (accepted and rejected). A candidate population theta (2 per
 * calibrated parameter: log median, log sigma of a lognormal truncated to
 * the parameter's plausible range [lo, hi]) weights patient i by
 * p_theta(x_i) / sum_r (draws[r] / sum draws) q_r(x_i) (the balance
 * heuristic of multiple importance sampling; plausibility rejections
 * cancel), normalised. Targets are estimated from the weighted pool. */
typedef struct its__vpop {
    size_t n, n_vary, n_rounds;
    const double *x;          /* n x n_vary: the calibrated parameters' values */
    const its__dist *prop;    /* n_rounds x n_vary proposals */
    const double *draws;      /* n_rounds: draws of each round */
    const double *lo, *hi;    /* n_vary: plausible ranges */
    size_t n_targets;
    const its__calib_target *targets;
    const double *y;          /* n_targets x n: outcome of patient i for target k (NaN: none) */
    double min_ess;
    /* filled by its__vpop_prepare / the objective */
    double *logq;             /* n */
    double *w;                /* n: the last weights (normalised to sum 1) */
    double *est;              /* n_targets: the last estimates */
    size_t *order;            /* n_targets x n: patients by ascending y (median targets) */
    double ess, loss;         /* of the last evaluation */
    /* the objective's history (its__vpop_fit): evaluation, start, loss, ess */
    double *hist;
    size_t n_hist, cap_hist;
} its__vpop;

/* Allocate the workspaces of v (its fields above the line set) and compute
 * log q. ITS_EINVAL (a patient outside every proposal's support, sizes),
 * ITS_ENOMEM; message in msg. */
its_status its__vpop_prepare(its__vpop *v, char *msg, size_t msglen);
void its__vpop_free(its__vpop *v);
/* The theta box: per parameter, log median in [log lo, log hi] and log
 * sigma in [log(w / 40), log w], w = log(hi / lo). */
void its__vpop_bounds(const its__vpop *v, double *tlo, double *thi);
/* The truncated lognormal of calibrated parameter j under theta. */
its_status its__vpop_dist(const its__vpop *v, const double *theta, size_t j, its__dist *d);
/* Weights, estimates, ESS and the loss at theta (docs/calibration.md):
 * sum over targets of ((estimate - value) / se)^2, se = CI width / 3.92,
 * a range's distance outside it over a quarter of its width (for a
 * median, of the doses or of PFS, with a range or a CI: the weighted share
 * below low against 0.45 and up to high against 0.55, over 0.05), plus 25 (log(min_ess / ESS))^2 when ESS < min_ess. */
double its__vpop_loss(its__vpop *v, const double *theta);
/* Minimise the loss from `starts` starts (the prior-like centre of the box,
 * then Sobol points) with BOBYQA, max_evals evaluations each; theta (2 x
 * n_vary) gets the best, the history every evaluation. Deterministic.
 * ITS_OK, ITS_ENOMEM, ITS_ESOLVER; message in msg. */
its_status its__vpop_fit(its__vpop *v, int starts, long max_evals, double *theta, char *msg,
                         size_t msglen);

#endif
