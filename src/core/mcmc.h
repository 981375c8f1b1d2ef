/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: a generic Markov chain Monte Carlo sampler and its
 * convergence diagnostics, in the core layer. Nothing here knows a model:
 * the target is a log density on R^d given as a callback; a higher layer
 * (itsim personalise) supplies the posterior of one patient's parameters
 * and runs the chains, in parallel if it likes.
 *
 * Sampler (src/core/mcmc.c): adaptive Metropolis (Haario, Saksman &
 * Tamminen 2001, Bernoulli 7:223). From the state x_t a chain proposes
 * y = x_t + L_t e, e ~ N(0, I_d), and accepts y when log u < log p(y) -
 * log p(x_t), u ~ U(0, 1); otherwise it stays at x_t. L_t L_t^T is the
 * proposal covariance:
 *
 *   t < adapt_start:           diag(scale_1^2, ..., scale_d^2) (the options)
 *   adapt_start <= t < warmup: s_d (Sigma_t + epsilon I), s_d = 2.38^2 / d,
 *                              Sigma_t the covariance (denominator n - 1) of
 *                              the chain's own states since the start of the
 *                              window (below), updated at every iteration
 *                              (Welford's one-pass update) and factorised
 *                              (its__cholesky) afresh every `refactor`
 *                              iterations from adapt_start on, once the
 *                              window holds more than 2d states;
 *   t >= warmup:               frozen: the factor of the window's states,
 *                              computed once at t = warmup (when the window
 *                              then holds more than 2d states; otherwise the
 *                              last factor is kept).
 *
 * The window restarts at t = warmup / 8, warmup / 4 and warmup / 2 (each
 * after adapt_start; doubling windows, as in Stan's warm-up): the states
 * before a restart are forgotten, so the transient of a start far from the
 * bulk does not stay in Sigma; after a restart at t the factor is kept
 * until the window holds more than t / 4 states. Haario et al. keep the
 * whole history.
 *
 * From adapt_start to the end of the warm-up a global scale lambda
 * multiplies the proposal: log lambda += (k + 1)^-0.6 (alpha_k - 0.234),
 * alpha_k the acceptance probability of step k (Andrieu & Thoms 2008,
 * Stat Comput 18:343, Algorithm 4), so that steps are accepted at about
 * the rate optimal for a Gaussian target; it is frozen with the factor.
 * tests/test_mcmc.c: starts 10 SD away from the mean of a 10-dimensional
 * correlated Gaussian converge (R-hat < 1.01) with 20,000 warm-up
 * iterations; starts 2 SD away with 5,000.
 *
 * Elliptical slice sampling (ITS__MCMC_ELLIPTICAL; Murray, Adams &
 * MacKay 2010, AISTATS, JMLR W&CP 9:541, Figure 2) is meant for a target
 * whose prior is N(0, I_d): p(x) = N(x; 0, I) L(x), as itsim
 * personalise's posterior in z-coordinates (it is valid for any target,
 * but before adaptation its steps have the prior's scale). It uses a reference Gaussian N(c, S) and
 * L'(x) = p(x) / N(x; c, S) (for c = 0, S = I that is L itself): each
 * iteration draws nu ~ N(0, S), a slice level log y = log L'(x_t) + log u
 * and an angle a ~ U(0, 2 pi), and tries the points c + (x_t - c) cos a +
 * nu sin a of the ellipse through x_t, shrinking the bracket of angles
 * toward a = 0 (x_t itself) after each point with log L' <= log y, until
 * one lies above the slice: it becomes x_{t+1}. Every iteration thus moves
 * (no rejection, no step size to tune); it costs one or more evaluations
 * (the chain's accept_rate is iterations / evaluations). For any fixed
 * (c, S) the chain leaves p invariant (Murray et al.; Nishihara, Murray &
 * Adams 2014, JMLR 15:2087, for the general reference Gaussian).
 *
 * The reference is N(0, I) until adapt_start and then, at the AM
 * schedule's factorisations in the same windows, N(m_t, 2 (Sigma_t +
 * epsilon I)), m_t and Sigma_t the window's mean and covariance: a
 * Gaussian close to the posterior makes L' nearly flat, so that the
 * ellipses sweep the posterior's own shape; the factor 2 (assumed) keeps
 * tails heavier than a Gaussian's within the ellipses' reach. It is frozen
 * at the end of the warm-up, as for AM; where the factorisation fails,
 * the diagonal of 2 (Sigma_t + epsilon I), or 1 where that is not positive
 * and finite. scale and scale0 are ignored (the scale is the prior's,
 * 1). With prior_every = k > 0, every k-th iteration takes the prior
 * N(0, I) as its reference instead (c = 0, S = I): the composition of two
 * kernels that each leave p invariant leaves it invariant. The prior's
 * ellipses move the coordinates the likelihood leaves to the prior
 * almost independently at every such step, whatever the adapted
 * reference: a reference adapted on a short, narrow warm-up window is
 * narrower than the posterior, and its ellipses then never reach the
 * tails it underestimates, so that the chain keeps the window's narrow
 * shape (on itsim personalise's posteriors, R-hat 1.4 and 90 % intervals
 * that held the truth for 72 % of synthetic patients' variables).
 * The point at angle a is formed as x_t + ((x_t - c)(cos a - 1) + nu sin a), exactly x_t at a = 0;
 * when the bracket has shrunk below 1e-10 radians without a point above
 * the slice (the model's numerical noise can put points within round-off
 * of x_t below it) the chain stays at x_t, as exact arithmetic would end,
 * and `fallbacks` counts it, with the factorisations that fell back.
 * Random numbers: iteration t uses the
 * indices from t 2^20: d normals for nu, the slice uniform, the first
 * angle, then one uniform per shrinkage.
 *
 * After warm-up the AM chain is therefore a plain (non-adaptive) Metropolis
 * chain with a fixed Gaussian proposal, whose draws are kept (every
 * thin-th). When a factorisation fails (Sigma_t + epsilon I not positive
 * definite in floating point) the proposal falls back to the diagonal
 * s_d (Sigma_t,ii + epsilon), or scale_i^2 where that is not positive and
 * finite, and the chain's `fallbacks` counter says so.
 *
 * Random numbers: only the keyed Philox numbers of core/core.h, key
 * {seed, patient, ITS__RNG_MCMC, stream = chain index}. Iteration t
 * (0-based, warm-up included) uses the d + 1 uniforms at indices
 *
 *   t (d + 1) + j,  j = 0 .. d - 1: the proposal normals e_j = Phi^-1(u)
 *                                   (its__normal_pinv),
 *   t (d + 1) + d:                  the acceptance uniform,
 *
 * drawn whether or not they are used (a proposal outside the support
 * still consumes its acceptance uniform). A chain's draws are thus a pure
 * function of (options, d, chain index, starting point, target): chains
 * share nothing, and any order or number of threads gives the same bits.
 *
 * Diagnostics (src/core/mcmc_diag.c): rank-normalised split R-hat, bulk
 * and tail effective sample sizes (Vehtari, Gelman, Simpson, Carpenter &
 * Buerkner 2021, Bayesian Analysis 16:667), written to reproduce the R
 * package posterior 1.4.0 (rhat, ess_bulk, ess_tail, ess_basic,
 * mcse_mean, quantile2, mean, sd) to floating-point round-off; the
 * conventions are listed before its__mcmc_summarise. */
#ifndef ITS_CORE_MCMC_H
#define ITS_CORE_MCMC_H

#include <stddef.h>
#include <stdint.h>

#include "itsim/status.h"

/* ---- sampler -------------------------------------------------------------------- */

/* The target: the log density (up to a constant) at theta (d values),
 * -INFINITY outside the support. ctx is the caller's (the one given to
 * its__mcmc_run_chain). *failed is 0 on entry; the callback sets it to
 * non-zero when it could not evaluate the density (e.g. the model's ODE
 * solver failed). A failed evaluation, a NaN or a +INFINITY counts as a
 * failure (the chain's `failures`) and is taken as -INFINITY: the proposal
 * is rejected. The callback must not keep theta. It is called from the
 * thread that runs the chain; chains run in parallel call it concurrently
 * (with the ctx each was given). */
typedef double (*its__mcmc_logdens)(const double *theta, void *ctx, int *failed);

/* The transition kernel. */
typedef enum its__mcmc_sampler {
    ITS__MCMC_METROPOLIS = 0, /* adaptive Metropolis (above) */
    ITS__MCMC_ELLIPTICAL = 1  /* elliptical slice sampling (above): meant for a
                                 target N(0, I_d) x likelihood */
} its__mcmc_sampler;

/* Options of a run; its__mcmc_opts_default fills in the values below. */
typedef struct its__mcmc_opts {
    size_t iterations;   /* 4000: iterations of each chain, warm-up included */
    size_t warmup;       /* 2000: the first iterations, adapted and not kept
                            (< iterations) */
    size_t thin;         /* 1: of the post-warm-up iterations k = 1, 2, ..
                            (counted from 1) the chain keeps the states
                            after iterations k = thin, 2 thin, ..: kept =
                            (iterations - warmup) / thin draws, >= 1 */
    uint64_t seed;       /* 1: the Philox key's seed */
    uint64_t patient;    /* 0: the Philox key's second word (the patient) */
    const double *scale; /* NULL: the initial proposal SD of each of the d
                            coordinates, in the coordinates' units (finite,
                            > 0; borrowed: create copies it). NULL: every
                            coordinate takes scale0 */
    double scale0;       /* 0.1: the initial proposal SD when scale is NULL */
    size_t adapt_start;  /* 200: the first iteration whose proposal uses the
                            chain's covariance (>= 1; >= warmup: no
                            adaptation, the initial proposal throughout) */
    size_t refactor;     /* 10: the adapted proposal is re-factorised every
                            this many iterations (>= 1) */
    double epsilon;      /* 1e-6: the regularisation added to the diagonal of
                            Sigma_t, in squared coordinate units (finite,
                            >= 0) */
    size_t prior_every;  /* 0: elliptical sampler only: every prior_every-th
                            iteration (t % prior_every == prior_every - 1)
                            takes the prior N(0, I) as its reference instead
                            of the adapted one (0: never; 1: always, as
                            without adaptation) */
    its__mcmc_sampler sampler; /* ITS__MCMC_METROPOLIS: the transition (above);
                            ITS__MCMC_ELLIPTICAL requires d <= 4096 and
                            iterations <= 2^44 */
} its__mcmc_opts;

/* Fills *o with the defaults above (nothing for NULL). */
void its__mcmc_opts_default(its__mcmc_opts *o);

/* A sampler of `chains` chains on R^d with the options of create; it owns
 * every chain's workspace and kept draws (all allocated by create; running
 * a chain allocates nothing). */
typedef struct its__mcmc its__mcmc;

/* Counters of one chain's last run. */
typedef struct its__mcmc_chain_stats {
    int ran;                   /* 1 once the chain has run to its end */
    double accept_rate;        /* accepted / post-warm-up iterations (elliptical:
                                  post-warm-up iterations / their evaluations) */
    double accept_rate_warmup; /* the same over the warm-up (NaN if none) */
    size_t evals;              /* log-density evaluations, the start's included */
    size_t failures;           /* evaluations that failed (NaN, +inf, *failed) */
    size_t outside;            /* evaluations that returned -inf (failures not
                                  counted) */
    size_t refactors;          /* factorisations of the adapted covariance */
    size_t fallbacks;          /* ... of which fell back to the diagonal (elliptical:
                                  also the iterations that stayed on a closed
                                  bracket) */
} its__mcmc_chain_stats;

/* A sampler for d >= 1 dimensions and 1 <= chains <= 2^32 - 1 chains (the
 * chain index is the Philox stream) with the options *o (copied, scale
 * included). ITS_OK with *out; ITS_EINVAL for a NULL o or out, d or
 * chains out of range, or an option that breaks its rule (the message
 * names it); ITS_ENOMEM. *out is NULL on failure. msg: (msg, msglen)
 * convention. */
its_status its__mcmc_create(const its__mcmc_opts *o, size_t d, size_t chains, its__mcmc **out,
                            char *msg, size_t msglen);
/* NULL accepted. */
void its__mcmc_free(its__mcmc *m);

/* Runs chain `chain` (< chains) from theta0 (d finite values, copied) to
 * its end, writing its kept draws into the handle (its__mcmc_draws) and
 * its counters (its__mcmc_get_stats); a second run of the same chain
 * starts afresh and overwrites them. Different chains of one handle may
 * run concurrently (each touches only its own workspace, draws and
 * counters); one chain must not run twice at once. Allocates nothing.
 * ITS_OK; ITS_EINVAL for a NULL m, theta0 or f, a chain out of range or a
 * non-finite theta0; ITS_ERANGE when the log density at theta0 is -inf
 * (outside the support) or its evaluation fails (the chain does not run:
 * a start must be a point of the support). Failed evaluations after the
 * start are not errors: they are counted and rejected. msg: (msg, msglen)
 * convention (not on the handle, so that chains run in parallel each keep
 * their own message). */
its_status its__mcmc_run_chain(its__mcmc *m, size_t chain, const double *theta0,
                               its__mcmc_logdens f, void *ctx, char *msg, size_t msglen);

/* d, the number of chains and the number of draws each chain keeps
 * ((iterations - warmup) / thin); 0 for NULL. */
size_t its__mcmc_dim(const its__mcmc *m);
size_t its__mcmc_chains(const its__mcmc *m);
size_t its__mcmc_kept(const its__mcmc *m);

/* The kept draws of coordinate param (< d), borrowed from the handle:
 * chains * kept values, chain-major: draw i of chain c at [c * kept + i]
 * (a kept x chains column-major matrix, the layout its__mcmc_summarise
 * reads). Zero for a chain that has not run. NULL for NULL m or param out
 * of range. Valid until the handle is freed; overwritten when the chain
 * runs again. */
const double *its__mcmc_draws(const its__mcmc *m, size_t param);
/* The log density of each kept draw, in the same layout (chains * kept). */
const double *its__mcmc_lp(const its__mcmc *m);
/* Copies kept draw i (< kept) of chain (< chains) into theta (d values).
 * ITS_OK; ITS_EINVAL for NULL pointers or indices out of range. */
its_status its__mcmc_get_draw(const its__mcmc *m, size_t chain, size_t i, double *theta);
/* Copies the counters of chain (< chains) into *out. ITS_OK; ITS_EINVAL
 * for NULL pointers or a chain out of range. */
its_status its__mcmc_get_stats(const its__mcmc *m, size_t chain, its__mcmc_chain_stats *out);

/* ---- diagnostics ---------------------------------------------------------------- */

/* Summary of one scalar's draws, as the R package posterior 1.4.0 computes
 * it. NaN stands for posterior's NA. */
typedef struct its__mcmc_summary {
    double mean;      /* mean of all draws */
    double sd;        /* SD of all draws (denominator S - 1; NaN when S = 1) */
    double q05, q50, q95; /* quantiles, R's type 7 (posterior::quantile2, the
                             default of quantile(); q50 is the median) */
    double rhat;      /* posterior::rhat: max of the bulk and the tail
                         (folded) rank-normalised split R-hat */
    double ess_bulk;  /* posterior::ess_bulk: ESS of the rank-normalised
                         split chains */
    double ess_tail;  /* posterior::ess_tail: min of the ESS of the indicators
                         x <= q05 and x <= q95 */
    double ess_basic; /* posterior::ess_basic: ESS of the split chains */
    double mcse_mean; /* posterior::mcse_mean: sd / sqrt(ess_basic) */
} its__mcmc_summary;

/* Summarises x, `chains` chains of n draws each, chain-major: draw i of
 * chain c at x[c * n + i] (an n x chains column-major matrix, as R's
 * draws matrix with one column per chain, and its__mcmc_draws). S =
 * chains * n. posterior's conventions, reproduced exactly (R functions of
 * posterior 1.4.0 named in brackets):
 *
 * - Split chains [.split_chains]: each chain is cut into its first
 *   floor(n/2) and last floor(n/2) draws; an odd n drops the middle draw
 *   (index (n-1)/2, 0-based). The 2 chains halves are ordered first halves
 *   of chains 0..chains-1, then second halves. n = 1 is not split.
 * - Rank normalisation [z_scale, backtransform_ranks]: ranks over all
 *   split draws, ties averaged, z = Phi^-1((r - 3/8) / (S' + 1/4)) with S'
 *   the number of split draws (its__normal_pinv).
 * - Folding [fold_draws]: |x - median(x)|, the median of all S draws,
 *   before splitting.
 * - R-hat [.rhat]: sqrt((B/W + n' - 1) / n') on split chains of n' draws,
 *   B = n' var(chain means), W = mean of the chain variances (all with
 *   denominator count - 1); rhat = max(bulk, folded).
 * - ESS [.ess, autocovariance]: each split chain's autocovariance
 *   acov_t = (sum_i y_i y_{i+t} / sum_i y_i^2) var(x) (n'-1)/n', y = x -
 *   mean (posterior uses an FFT; direct sums give the same values to
 *   round-off, and only the lags Geyer's sequence reaches are computed); a
 *   constant chain has zero autocovariances; var+ = mean_var (n'-1)/n' +
 *   var(chain means) (more than one chain); Geyer's initial positive
 *   sequence on pairs of rho_t = 1 - (mean_var - acov_t) / var+ while t <
 *   n' - 5, with its "improved" last term, then the initial monotone
 *   sequence; tau = -1 + 2 sum_{t < max_t} rho_t + rho_{max_t} (for max_t
 *   = 0 posterior's R indexing 1:0 sums rho_0: tau = 2, reproduced),
 *   capped below at 1 / log10(S''): ESS <= S'' log10(S''), S'' the split
 *   draw count.
 * - Tail ESS [ess_tail, .ess_quantile]: the type-7 quantile q of all S
 *   draws, the indicator x <= q, its split-chain ESS; the smaller of the
 *   5 % and 95 % ones.
 * - NA [should_return_NA]: a statistic is NaN when its input (the raw,
 *   split, ranked, folded or indicator draws it is computed from) holds a
 *   NaN or an infinity, or is constant (max - min < DBL_EPSILON, an
 *   absolute test); ESS also when a split chain has fewer than 3 draws,
 *   R-hat when it has fewer than 2 or there is one split chain. Infinite
 *   draws thus leave rhat and ess_bulk defined (they are ranked) but make
 *   ess_tail, ess_basic and mcse_mean NaN. Any NaN draw makes every field
 *   NaN.
 *
 * Allocates a workspace of about 6 S doubles (freed before returning).
 * ITS_OK (undefined statistics are NaN, not errors); ITS_EINVAL for a NULL
 * x or out, chains = 0 or n = 0; ITS_ENOMEM. msg: (msg, msglen)
 * convention. Thread-safe (x is read only). */
its_status its__mcmc_summarise(const double *x, size_t chains, size_t n,
                               its__mcmc_summary *out, char *msg, size_t msglen);

#endif
