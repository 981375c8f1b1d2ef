/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: personalised treatment (docs/personalise.md). The fit: the
 * Bayesian posterior of one patient's model parameters given their record
 * (itsim/record.h), with the record's prior population as the prior,
 * sampled by adaptive Metropolis chains in parallel, with convergence
 * diagnostics and posterior predictive checks. */
#ifndef ITSIM_PERSONALISE_H
#define ITSIM_PERSONALISE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "itsim/status.h"
#include "itsim/record.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* The MCMC transition (docs/personalise.md, "The fit"). */
typedef enum its_fit_sampler {
    ITS_SAMPLER_ELLIPTICAL = 0, /* elliptical slice sampling with an adapted
                                   reference Gaussian (the default) */
    ITS_SAMPLER_METROPOLIS = 1  /* adaptive Metropolis */
} its_fit_sampler;
/* The sampler's name as the CLI and the outputs spell it: "elliptical" or
 * "metropolis"; NULL for a value outside the enum. Static storage. */
const char *its_fit_sampler_name(its_fit_sampler s);

/* Settings of a fit. 0 (or has_seed 0) means: the record's fit: section,
 * else its defaults (4 chains, 12000 iterations of which 3000 warm-up,
 * 200 draws kept for the choice and the checks, seed 1). */
typedef struct its_fit_opts {
    int threads;            /* chains run at once (0: OpenMP's default) */
    its_fit_sampler sampler; /* ITS_SAMPLER_ELLIPTICAL */
    long chains, iterations, warmup, draws;
    int has_seed;
    uint64_t seed;
    double rhat_max;        /* converged: every R-hat below (default 1.01) */
    double ess_min;         /* ... and every bulk and tail ESS at least (400) */
    FILE *progress;         /* a line per finished chain, or NULL */
    const volatile sig_atomic_t *cancel; /* polled between chains: once non-zero
                               the fit stops with ITS_ECANCELLED */
} its_fit_opts;
/* The defaults above (nothing for NULL). */
void its_fit_opts_default(its_fit_opts *o);

typedef struct its_fit its_fit;
/* Fit record r (which must name a prior: patient.prior). Results do not
 * depend on the number of threads. *out (its_fit_free) on ITS_OK;
 * ITS_EINVAL (no prior, an unsupported prior, bad options: message),
 * ITS_ERANGE (no plausible start found for a chain), ITS_ECANCELLED,
 * ITS_ENOMEM. Non-convergence is not an error: see its_fit_converged. */
its_status its_fit_run(const its_record *r, const its_fit_opts *o, its_fit **out, char *msg,
                       size_t msglen);
void its_fit_free(its_fit *f);
/* 1 when every variable's R-hat is below rhat_max and its bulk and tail
 * ESS reach ess_min; 0 otherwise (also for NULL). */
int its_fit_converged(const its_fit *f);
/* Number of variables; the j-th variable's name, and its posterior
 * summary: mean, sd, 5/50/95 % quantiles (in the parameter's unit),
 * R-hat, bulk and tail ESS. ITS_EINVAL for NULL or j out of range. */
size_t its_fit_dim(const its_fit *f);
typedef struct its_fit_summary {
    const char *name;
    const char *unit;
    double prior_median;
    double mean, sd, q05, q50, q95;
    double rhat, ess_bulk, ess_tail;
} its_fit_summary;
its_status its_fit_get_summary(const its_fit *f, size_t j, its_fit_summary *out);
/* Print the fit's table (one line per variable, chains' acceptance,
 * convergence) to fp. ITS_EIO when writing fails; ITS_EINVAL for NULL. */
its_status its_fit_print(const its_fit *f, FILE *fp);

/* Settings of the choice. */
typedef struct its_choice_opts {
    int threads;            /* 0: OpenMP's default; results do not depend on it */
    int objective;          /* -1: the record's decision.objective; 0 objective
                               response, 1 progression-free survival */
    double max_grade3;      /* NaN: the record's decision.max_grade3 */
    long max_evals;         /* per candidate, NLopt's evaluations (default 8) */
    const char *only;       /* comma-separated candidate ids, or NULL: all */
    size_t top;             /* candidates with trajectories (default 3) */
    FILE *progress;         /* a line per candidate, or NULL */
    const volatile sig_atomic_t *cancel; /* polled between candidates */
} its_choice_opts;
void its_choice_opts_default(its_choice_opts *o);
/* Check o before a fit: the bound, and that every id in o->only is a
 * candidate. ITS_OK, or ITS_EINVAL with the reason (and the candidates) in
 * msg. */
its_status its_choice_opts_check(const its_choice_opts *o, char *msg, size_t msglen);

typedef struct its_choice its_choice;
/* Evaluate every candidate over the fit's kept draws, optimise its dose and
 * rank them (f must outlive the choice). *out (its_choice_free) on ITS_OK;
 * ITS_EINVAL (bad options: message), ITS_ECANCELLED, ITS_ENOMEM. */
its_status its_choose(const its_fit *f, const its_choice_opts *o, its_choice **out, char *msg,
                      size_t msglen);
void its_choice_free(its_choice *c);
/* Print the ranked table to fp. ITS_EIO, ITS_EINVAL. */
its_status its_choice_print(const its_choice *c, FILE *fp);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
