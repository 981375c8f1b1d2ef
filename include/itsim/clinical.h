/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: clinical read-outs. RECIST 1.1 tumour response on lesion
 * diameters, CTCAE v5.0 adverse-event grades on vital signs, laboratory
 * values and symptom scores, and the time-to-event endpoints derived from
 * them. Both work on plain arrays, so they apply to any trajectory: a
 * scenario run (itsim/run.h does this automatically for models with
 * observables, itsim/model.h) or measurements from elsewhere.
 * Definitions, thresholds and their sources: docs/clinical.md. */
#ifndef ITSIM_CLINICAL_H
#define ITSIM_CLINICAL_H

#include <stddef.h>
#include "itsim/model.h"
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* ---- RECIST 1.1 ------------------------------------------------------------ */

/* Response categories (Eisenhauer 2009). ITS_RESP_NONCR_NONPD is the
 * response of non-measurable disease only (RECIST Table 2); ITS_RESP_NE is
 * "not evaluable" (no disease at baseline, or no assessment). */
typedef enum its_response {
    ITS_RESP_NE = 0,
    ITS_RESP_PD = 1,
    ITS_RESP_NONCR_NONPD = 2,
    ITS_RESP_SD = 3,
    ITS_RESP_PR = 4,
    ITS_RESP_CR = 5
} its_response;

/* "CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"; "?" for other values.
 * Static string, never NULL; not to be freed. */
const char *its_response_name(its_response r);

/* Assessment rules. Times are in the caller's time unit (days for all
 * built-in models); diameters in mm. its_recist_opts_default fills in the
 * values below. */
typedef struct its_recist_opts {
    double measurable_mm;  /* 10: smallest measurable (target) lesion */
    double detect_mm;      /* 5: below this a lesion counts as disappeared
                              (0 mm); at or above it, it is measured */
    double new_lesion_mm;  /* 10: a lesion absent at baseline that reaches
                              this size is an unequivocal new lesion */
    int max_targets;       /* 5 target lesions in all */
    int max_per_organ;     /* 2 per organ */
    double pr_fraction;    /* 0.30: PR when the sum falls by >= 30 % of baseline */
    double pd_fraction;    /* 0.20: PD when the sum rises by >= 20 % over the nadir */
    double pd_abs_mm;      /* 5: ... and by >= 5 mm */
    double nt_pd_fraction; /* 0.50: non-target "unequivocal progression" when
                              the non-target sum rises by >= 50 % over its
                              nadir (assumed operationalisation) ... */
    double nt_pd_abs_mm;   /* 10: ... and by >= 10 mm */
    double confirm_after;  /* 28 (d): a CR/PR counts only if met again at an
                              assessment >= this much later; 0: no confirmation
                              (randomised trials) */
    double sd_min;         /* 42 (d): SD as best response needs an assessment
                              at least this long after baseline */
    double drr_onset;      /* 365.25 (d): a durable response starts within ... */
    double drr_duration;   /* 182.625 (d): ... and lasts at least this long */
} its_recist_opts;

/* Fill *o with the defaults above (nothing for NULL). */
void its_recist_opts_default(its_recist_opts *o);

/* One assessment (the first is the baseline). */
typedef struct its_recist_assessment {
    double t;
    double sum_mm;        /* sum of target diameters */
    double nadir_mm;      /* smallest sum before this assessment (baseline
                             included); the baseline's own sum at baseline */
    double change_baseline; /* (sum - baseline) / baseline; 0 at baseline */
    double change_nadir;  /* (sum - nadir) / nadir (NaN when nadir is 0) */
    its_response target;  /* CR, PR, SD, PD; NE without target lesions */
    its_response nontarget; /* CR, NONCR_NONPD, PD; NE without non-targets */
    int new_lesion;       /* an unequivocal new lesion has appeared */
    its_response overall; /* time-point response (RECIST Tables 1 and 2) */
} its_recist_assessment;

/* Endpoints over the whole course. Times are from the start of treatment
 * (the baseline assessment's time is the origin). */
typedef struct its_recist_endpoints {
    int n_targets, n_nontargets;  /* selected at baseline */
    double baseline_mm;           /* baseline sum of target diameters */
    double nadir_mm;              /* smallest sum on study, up to progression */
    double best_change;           /* smallest (sum - baseline) / baseline after
                                     baseline, up to progression; NaN if none */
    its_response best;            /* best overall response (with confirmation
                                     unless confirm_after is 0) */
    int responder;                /* best is CR or PR */
    double time_to_response;      /* to the first assessment of the (confirmed)
                                     response; NaN if none */
    double response_duration;     /* from it to progression or death, or to the
                                     last assessment (censored); NaN if none */
    int response_censored;
    int durable;                  /* response starting within drr_onset and
                                     lasting >= drr_duration */
    double pfs;                   /* to the first PD or death, or to the last
                                     assessment (censored) */
    int pfs_event;                /* 0 censored, 1 progression, 2 death */
    double t_progression;         /* time of the first PD; NaN if none */
} its_recist_endpoints;

typedef struct its_recist its_recist;

/* Create an evaluator with the given rules (NULL: defaults; copied). *out
 * receives a handle owned by the caller (its_recist_free), NULL on failure.
 * ITS_OK; ITS_EINVAL for a NULL out or nonsensical rules (negative or
 * non-finite sizes and times, detect_mm above measurable_mm, pr_fraction
 * outside (0, 1), max_targets or max_per_organ < 1); ITS_ENOMEM. There is
 * no handle to hold the reason then: the message (naming the bad option,
 * e.g. "RECIST option pr_fraction = 1.5: must be in (0, 1)") goes to msg,
 * at most msglen bytes, always terminated, "" on success; msg may be NULL. */
its_status its_recist_create(const its_recist_opts *opts, its_recist **out, char *msg,
                             size_t msglen);
/* Free the evaluator and its results. Accepts NULL. */
void its_recist_free(its_recist *r);
/* The error of the last its_recist_evaluate ("" if none). Owned by r, valid
 * until the next call on it; a static text for NULL. */
const char *its_recist_errmsg(const its_recist *r);

/* Evaluate n_times assessments of n_lesions lesions. t[0] is the baseline,
 * times strictly increasing; diam[i * n_lesions + j] is lesion j's true
 * diameter (mm, >= 0) at t[i]. organ[j] names lesion j's organ as an integer
 * (NULL: every lesion its own organ). death is the time of death, or a
 * non-finite value if the patient is alive at the end of follow-up;
 * assessments after death must not be passed. Previous results are
 * replaced.
 * ITS_OK, ITS_EINVAL (bad arguments, message on the handle), ITS_ENOMEM. */
its_status its_recist_evaluate(its_recist *r, size_t n_times, size_t n_lesions,
                               const double *t, const double *diam,
                               const int *organ, double death);

/* Results of the last successful evaluation. None of these write a message
 * (the handle is read-only here).
 * its_recist_count: the number of assessments (0 before an evaluation or
 * for NULL). */
size_t its_recist_count(const its_recist *r);
/* Copy assessment i (0 <= i < its_recist_count) into *a. ITS_OK; ITS_EINVAL
 * for NULL arguments, no evaluation yet, or i out of range (*a unchanged). */
its_status its_recist_get_assessment(const its_recist *r, size_t i, its_recist_assessment *a);
/* Whether lesion j was selected at baseline as a target (1) or non-target
 * (0), or was absent at baseline (-1; also for NULL, no evaluation yet or j
 * out of range). */
int its_recist_is_target(const its_recist *r, size_t j);
/* Copy the endpoints into *e (times in the caller's unit). ITS_OK;
 * ITS_EINVAL for NULL arguments or no evaluation yet (*e unchanged). */
its_status its_recist_get_endpoints(const its_recist *r, its_recist_endpoints *e);

/* ---- CTCAE v5.0 ------------------------------------------------------------- */

/* Terms graded from model observables. */
typedef enum its_ae_term {
    ITS_AE_HYPOTENSION = 0,   /* from ITS_OBS_SBP */
    ITS_AE_FEVER,             /* from ITS_OBS_TEMPERATURE */
    ITS_AE_FLU_LIKE,          /* from ITS_OBS_FLU */
    ITS_AE_FATIGUE,           /* from ITS_OBS_FATIGUE */
    ITS_AE_NEUTROPENIA,       /* "Neutrophil count decreased", from ITS_OBS_ANC */
    ITS_AE_IRAE,              /* immune-related AE (composite), from ITS_OBS_IRAE */
    ITS_AE_WEIGHT_GAIN,       /* "Weight gain", from ITS_OBS_WEIGHT_GAIN */
    ITS_AE_CREATININE,        /* "Creatinine increased", from ITS_OBS_CREATININE */
    ITS_AE_ALT,               /* "Alanine aminotransferase increased", from ITS_OBS_ALT */
    ITS_AE_AST,               /* "Aspartate aminotransferase increased", from ITS_OBS_AST */
    ITS_AE_BILIRUBIN,         /* "Blood bilirubin increased", from ITS_OBS_BILIRUBIN */
    ITS_AE_PLATELETS,         /* "Platelet count decreased", from ITS_OBS_PLATELETS */
    ITS_AE_NAUSEA,            /* "Nausea", from ITS_OBS_NAUSEA */
    ITS_AE_VOMITING,          /* "Vomiting", from ITS_OBS_VOMITING */
    ITS_AE_NTERMS
} its_ae_term;

/* CTCAE term name ("Hypotension", "Neutrophil count decreased", ...) and a
 * short identifier ("hypotension", "neutropenia", ...). Static strings, not
 * to be freed; NULL if k is out of range. */
const char *its_ae_term_name(its_ae_term k);
const char *its_ae_term_id(its_ae_term k);
/* The observable role a term is graded from; ITS_OBS_OTHER if k is out of
 * range. */
its_obs_role its_ae_term_role(its_ae_term k);

/* Grade thresholds of one term: grade g (1..5) holds while the value is
 * beyond limit[g-1] ("beyond" is below for below != 0, else above; equality
 * counts when inclusive[g-1]) and has been so continuously for at least
 * persist[g-1] (time units). A NaN limit means the grade does not exist.
 * vs_baseline[g-1], when finite, is a second criterion for grade g: the
 * value is beyond vs_baseline[g-1] times the term's first graded value
 * (CTCAE's "x baseline", e.g. creatinine > 1.5 x baseline for grade 2),
 * with the same direction and inclusiveness. 0 (or NaN): no such criterion. */
typedef struct its_ae_scale {
    int below;
    double limit[5];
    int inclusive[5];
    double persist[5];
    double vs_baseline[5];
} its_ae_scale;

typedef struct its_ctcae_opts {
    its_ae_scale scale[ITS_AE_NTERMS];
} its_ctcae_opts;

/* The lower limit of normal of the absolute neutrophil count used when none
 * is given, in 1e9/L. Laboratory-specific; assumed: a common adult reference
 * limit (CTCAE v5.0 grades relative to the laboratory's LLN). */
#define ITS_ANC_LLN_DEFAULT 2.0
/* The lower limit of normal of the platelet count, in 1e9/L (CTCAE v5.0
 * grade 1 is < LLN - 75). Assumed: a common adult reference limit. */
#define ITS_PLT_LLN_DEFAULT 150.0

/* Defaults (docs/clinical.md): CTCAE v5.0 numeric criteria where CTCAE has
 * them (fever in degC, neutrophils in 1e9/L with lower limit of normal
 * `anc_lln`), and assumed mappings of the intervention-based and
 * symptom-based grades onto the model's values. */
void its_ctcae_opts_default(its_ctcae_opts *o, double anc_lln);

/* One adverse-event episode: a continuous stretch above the baseline grade. */
typedef struct its_ae_episode {
    its_ae_term term;
    int grade;             /* worst grade in the episode */
    double onset;          /* first time above the baseline grade */
    double worst_at;       /* first time at the worst grade */
    double end;            /* first time back at the baseline grade, or the
                              last time seen when ongoing */
    int ongoing;
} its_ae_episode;

typedef struct its_ctcae its_ctcae;

/* Create a grader (NULL opts: defaults with LLN ITS_ANC_LLN_DEFAULT; copied). *out
 * receives a handle owned by the caller (its_ctcae_free), NULL on failure.
 * ITS_OK; ITS_EINVAL for a NULL out or a persistence that is negative or not
 * finite; ITS_ENOMEM. The message (naming the bad option, e.g. "CTCAE
 * option scale[fever].persist[1] (grade 2) = -1: must be finite and >= 0")
 * goes to msg, at most msglen bytes, always terminated, "" on success; msg
 * may be NULL. */
its_status its_ctcae_create(const its_ctcae_opts *opts, its_ctcae **out, char *msg,
                            size_t msglen);
/* Free the grader and its episodes. Accepts NULL. */
void its_ctcae_free(its_ctcae *g);

/* Start a new course (forgets the previous one). role_index[k] is the
 * index, in the observable vectors of n_obs values passed to its_ctcae_push,
 * of the value term k is graded from, or -1 when the model does not have it
 * (the term is then not graded). ITS_OK; ITS_EINVAL for NULL arguments or
 * an index outside [-1, n_obs) (message in its_ctcae_errmsg; the grader is
 * unchanged). */
its_status its_ctcae_begin(its_ctcae *g, const int role_index[ITS_AE_NTERMS], size_t n_obs);

/* Add the observables at time t (non-decreasing). The first call sets the
 * baseline grades. *died (when died is not NULL) receives 1 when the first
 * grade-5 event (death) happens at t, else 0. Returns ITS_OK; ITS_EINVAL
 * for NULL g or obs, or when t is not finite or decreases (nothing
 * recorded); ITS_ENOMEM when out of memory for a new episode (the grades
 * are updated, the episode is lost). The message is in its_ctcae_errmsg. */
its_status its_ctcae_push(its_ctcae *g, double t, const double *obs, int *died);
/* The error of the last its_ctcae_begin or its_ctcae_push ("" after a
 * success). Owned by g, valid until the next call on it; a static text for
 * NULL. */
const char *its_ctcae_errmsg(const its_ctcae *g);

/* Close open episodes at the last time pushed (nothing for NULL). */
void its_ctcae_end(its_ctcae *g);

/* Current grade of term k (after the last push), worst grade over the
 * course, baseline grade (0-5); -1 when the term is not graded, k is out of
 * range or g is NULL. */
int its_ctcae_grade(const its_ctcae *g, its_ae_term k);
int its_ctcae_worst(const its_ctcae *g, its_ae_term k);
int its_ctcae_baseline(const its_ctcae *g, its_ae_term k);
/* Time of death (the first grade-5 event, in the caller's time unit), NaN
 * when there was none (or g is NULL). */
double its_ctcae_death_time(const its_ctcae *g);
/* The term of that grade-5 event; ITS_AE_NTERMS when there was none (or g
 * is NULL). */
its_ae_term its_ctcae_death_term(const its_ctcae *g);

/* Number of episodes of the course so far (0 for NULL). */
size_t its_ctcae_episode_count(const its_ctcae *g);
/* Copy episode i (0 <= i < its_ctcae_episode_count, in order of onset) into
 * *e. ITS_OK; ITS_EINVAL for NULL arguments or i out of range (*e
 * unchanged; no message: the handle is read-only here). */
its_status its_ctcae_get_episode(const its_ctcae *g, size_t i, its_ae_episode *e);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
