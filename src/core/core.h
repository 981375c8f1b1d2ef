/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the core layer's private header, included by every layer
 * above it. Bounded formatting into caller buffers and the library's
 * allocator (one place where allocations can be made to fail in tests). */
#ifndef ITS_CORE_CORE_H
#define ITS_CORE_CORE_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "itsim/status.h"

#if defined(__GNUC__)
#define ITS__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ITS__PRINTF(f, a)
#endif

/* printf into buf[0..n), always terminated when n > 0; nothing when buf is
 * NULL or n is 0. The one printf-into-buffer of the library: handle error
 * messages, the (msg, msglen) convention of handle-less functions, keys. */
void its__fmt(char *buf, size_t n, const char *fmt, ...) ITS__PRINTF(3, 4);
/* A calendar date "YYYY-MM-DD", optionally with a time "THH:MM" (or a space
 * for the T), as whole days since 1970-01-01 of the proleptic Gregorian
 * calendar into *day and minutes after midnight into *minute (exact
 * integers: differences of dates carry no rounding): 0; -1 (nothing
 * written) for anything else, a year before 1, an impossible date
 * (2025-02-29, 2025-13-01) or a time past 23:59. No time zone: dates are
 * the patient's local calendar; only differences are used. */
int its__civil_date(const char *s, long *day, int *minute);
/* The inverse: day `day` (since 1970-01-01) and minute (0..1439) as
 * "YYYY-MM-DD", with " HH:MM" when minute is not 0, into buf (n bytes,
 * always terminated). Years from 1. */
void its__civil_text(long day, int minute, char *buf, size_t n);
void its__vfmt(char *buf, size_t n, const char *fmt, va_list ap) ITS__PRINTF(3, 0);

/* strerror_r text of errno value err into buf (thread-safe). */
void its__errno_text(int err, char *buf, size_t n);

/* ---- time comparisons -----------------------------------------------------------
 * The one definition of when two times count as one, in two strengths:
 *
 * its__same_instant: a and b differ only by floating-point round-off
 * (relative 1e-12 of the larger magnitude, at least 1e-12 absolute). The
 * engine merges such switch and output times into one instant: schedules
 * built by repeated addition (0.1 + 0.2 vs 0.3) differ by round-off, CVODE
 * cannot integrate across such a sliver, and a dose is meant to happen at
 * the scheduled instant.
 *
 * its__time_tol(a, b): the slack of inclusive comparisons of times derived
 * from settings (a dose "until" a time, an administration at the horizon, a
 * scan on a schedule, an adverse event lasting "at least" a duration):
 * 1e-9 of the larger magnitude of a and b, at least 1e-9 absolute. Pass
 * b = 0 for one scale.
 *
 * Before issue 10 these slacks were written out where they were used, in
 * slightly different strengths: the scenario's was relative without the
 * absolute floor (so tighter for times below 1), CTCAE's persistence and
 * RECIST's durable-response onset used an absolute 1e-9. The unified forms
 * differ from those only at round-off scale; the default comparison's
 * files were byte-identical before and after. */
#define ITS__INSTANT_RTOL 1e-12
#define ITS__TIME_RTOL 1e-9

static inline int its__same_instant(double a, double b)
{
    return fabs(a - b) <= ITS__INSTANT_RTOL * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static inline double its__time_tol(double a, double b)
{
    return ITS__TIME_RTOL * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* How many whole steps of `step` fit into `span` (both > 0, same unit),
 * counting a last step that falls short by round-off only (a relative
 * ITS__TIME_RTOL of one step) as whole: a grid of 0.1 d over 1 d has 10
 * steps although 1.0 / 0.1 is 9.999999999999998. */
static inline double its__whole_steps(double span, double step)
{
    return floor(span / step + ITS__TIME_RTOL);
}

/* ---- allocation --------------------------------------------------------------
 * Every allocation the library makes itself goes through these (memory that
 * SUNDIALS, KLU, GSL or libyaml allocate internally does not). They behave
 * as the C library's functions, except that a test can make the N-th of them
 * fail (its__alloc_fail_at), following SQLite's fault-injection discipline:
 * every path must then return ITS_ENOMEM cleanly, without a leak. */
void *its__malloc(size_t n);
void *its__calloc(size_t count, size_t size);
void *its__realloc(void *p, size_t n);
char *its__strdup(const char *s);
char *its__strndup(const char *s, size_t n);
void its__free(void *p);

/* Tests only. From now, the n-th allocation through the functions above
 * (counting from 1) and every later one fails (returns NULL) when `sticky`
 * is non-zero, only the n-th when it is 0; n = 0 disarms. Resets the count
 * of its__alloc_count. Thread-safe (atomic counter). */
void its__alloc_fail_at(long n, int sticky);
/* Allocations made since the last its__alloc_fail_at, and how many of them
 * were made to fail. */
long its__alloc_count(void);
long its__alloc_failed(void);

/* ---- random numbers (the Random123 adapter, src/core/rng.c) ------------------
 * Every random number of the library is one lane of a Philox4x64-10 block
 * (Random123; src/core/rng.c is the only file that includes it), a pure
 * function of five integers:
 *
 *   Philox key     = {seed, patient}
 *   Philox counter = {purpose, stream, index / 4, 0}, lane index % 4
 *
 * seed: the trial's seed; patient: the patient index (0-based); purpose:
 * what the numbers are for (its__rng_purpose), so that two uses never share
 * numbers; stream: a sub-stream inside a purpose (the attempt number of a
 * draw that replaces a rejected one, 0 for the first; a lesion number; 0
 * when unused); index: the number's position in its stream. No state is
 * kept or shared between patients: a patient's numbers never depend on the
 * thread count, the order in which patients are drawn, or resumption.
 *
 * A 64-bit word w becomes a double u = (floor(w / 2^12) + 1/2) * 2^-52:
 * its top 52 bits and half a step, so u = (2k + 1) * 2^-53 for k in
 * [0, 2^52): every value is exactly representable, u lies in
 * [2^-53, 1 - 2^-53] (never 0 or 1, so every quantile is finite), the
 * values are symmetric about 1/2 and their mean is exactly 1/2. (53 bits
 * plus half a step would round the largest value to 1.0.) */

/* What the numbers are for. Fixed values: they key stored trials. */
typedef enum its__rng_purpose {
    ITS__RNG_PARAMETERS = 1, /* a patient's parameter draws (marginals, copula) */
    ITS__RNG_COVARIATES = 2, /* weight, height, sex, age */
    ITS__RNG_LESIONS = 3,    /* number of lesions, sites, sizes, lesion multipliers */
    ITS__RNG_ALLOCATION = 4, /* allocation of a patient to an arm */
    ITS__RNG_LHS = 5,        /* Latin-hypercube strata (its__rng_permute) */
    ITS__RNG_LESION_PARAMS = 6, /* per-lesion parameter multipliers (population.lesions.parameters) */
    ITS__RNG_BOOTSTRAP = 7,  /* bootstrap resamples of a calibration's validation trial */
    ITS__RNG_MCMC = 8,       /* MCMC proposal normals and acceptance uniforms (stream = chain;
                                src/core/mcmc.h) */
    ITS__RNG_MCMC_INIT = 9,  /* reserved: MCMC starting draws (stream = chain) */
    ITS__RNG_OBS_NOISE = 10  /* reserved: synthetic observation noise (stream = observation
                                kind) */
} its__rng_purpose;

/* The smallest and largest uniform its__rng_u01 returns. */
#define ITS__U01_MIN 0x1p-53
#define ITS__U01_MAX (1.0 - 0x1p-53)

/* Where a stream of numbers comes from: see above. */
typedef struct its__rng_key {
    uint64_t seed;
    uint64_t patient;
    uint32_t purpose; /* an its__rng_purpose */
    uint32_t stream;
} its__rng_key;

/* The 64-bit random word at position index of the stream key. */
uint64_t its__rng_word(const its__rng_key *key, uint64_t index);
/* The uniform double of a word, (floor(w / 2^12) + 1/2) * 2^-52, in
 * [ITS__U01_MIN, ITS__U01_MAX]. */
double its__rng_u01_of_word(uint64_t w);
/* The uniform at position index of the stream key: its__rng_u01_of_word
 * of its__rng_word. */
double its__rng_u01(const its__rng_key *key, uint64_t index);
/* u[i] = its__rng_u01(key, first + i) for i < n, one Philox block per four
 * numbers. */
void its__rng_fill_u01(const its__rng_key *key, uint64_t first, size_t n, double *u);
/* Position of i (< n) in a random permutation of 0..n-1 keyed by key: a
 * bijection of [0, n), computed alone in O(1) expected time (a 6-round
 * Feistel network on the smallest even number of bits covering n, whose
 * round functions are the key's words, walked until it lands below n), so
 * that Latin-hypercube strata need no table and no order. n >= 1 and
 * n <= 2^40; i >= n returns i. */
uint64_t its__rng_permute(const its__rng_key *key, uint64_t i, uint64_t n);

/* ---- distributions (src/core/dist.c; GSL's inverse CDFs through
 * core/gsl_adapter.h) --------------------------------------------------------
 * A distribution descriptor: a kind and its parameters, validated by the
 * constructor that fills it. Values are in the unit of the quantity they are
 * drawn for (the descriptor knows no units: the caller converts the
 * parameters into the quantity's unit first; CV, geometric SD and
 * probabilities are dimensionless). A draw is the quantile of a uniform:
 * x = its__dist_quantile(d, u), u from its__rng_u01 or from a copula.
 *
 * Every constructor returns ITS_OK, ITS_EINVAL with a message naming the
 * parameter and the rule it breaks (the (msg, msglen) convention; d is then
 * left empty, kind ITS__DIST_NONE), or ITS_ENOMEM (discrete only). A
 * filled descriptor is released with its__dist_clear (a no-op except for
 * discrete, which owns copies of its values and probabilities). */
typedef enum its__dist_kind {
    ITS__DIST_NONE = 0,    /* empty: quantile is NaN */
    ITS__DIST_FIXED,       /* p[0] = value */
    ITS__DIST_NORMAL,      /* p[0] = mean, p[1] = SD */
    ITS__DIST_TRUNCNORMAL, /* p[0] = mean, p[1] = SD, p[2] = lower, p[3] = upper */
    ITS__DIST_LOGNORMAL,   /* p[0] = median, p[1] = sigma = SD of log x */
    ITS__DIST_UNIFORM,     /* p[0] = low, p[1] = high */
    ITS__DIST_LOGUNIFORM,  /* p[0] = low, p[1] = high */
    ITS__DIST_DISCRETE,    /* n values with probabilities (categorical) */
    ITS__DIST_TRUNCLOGNORMAL /* log x ~ truncated normal: p[0] = log median, p[1] =
                                sigma, p[2] = log lower, p[3] = log upper */
} its__dist_kind;

typedef struct its__dist {
    its__dist_kind kind;
    double p[4];    /* parameters, by kind (above) */
    size_t n;       /* discrete: number of values */
    double *values; /* discrete: the values (owned) */
    double *cum;    /* discrete: cumulative probabilities, cum[n-1] = 1 (owned) */
} its__dist;

/* Always the value. Finite. */
its_status its__dist_fixed(its__dist *d, double value, char *msg, size_t msglen);
/* Normal(mean, sd): finite mean, 0 <= sd < inf (sd = 0 is the mean). */
its_status its__dist_normal(its__dist *d, double mean, double sd, char *msg, size_t msglen);
/* Normal(mean, sd) truncated to [lower, upper]: finite mean, 0 < sd < inf,
 * lower < upper (either may be -inf / +inf), and the interval must hold a
 * probability that does not underflow (it must reach within ~37 SD of the
 * mean). The quantile inverts the CDF on the truncated interval in the
 * tail the interval lies in, so intervals far in a tail keep their
 * precision. */
its_status its__dist_truncnormal(its__dist *d, double mean, double sd, double lower,
                                 double upper, char *msg, size_t msglen);
/* Lognormal given its median (> 0) and its coefficient of variation
 * CV = SD / mean (>= 0): sigma = sqrt(log(1 + CV^2)), log x ~
 * Normal(log median, sigma). */
its_status its__dist_lognormal_cv(its__dist *d, double median, double cv, char *msg,
                                  size_t msglen);
/* Lognormal given its median (> 0) and geometric SD (>= 1): sigma = log gsd. */
its_status its__dist_lognormal_gsd(its__dist *d, double median, double gsd, char *msg,
                                   size_t msglen);
/* Lognormal(median, sigma) truncated to [lower, upper]: median > 0, 0 <
 * sigma < inf, 0 <= lower < upper <= inf, the interval holding a
 * probability that does not underflow (as its__dist_truncnormal, on log x).
 * The calibrated populations (docs/calibration.md) keep each calibrated
 * parameter inside its plausible range so. */
its_status its__dist_trunclognormal(its__dist *d, double median, double sigma, double lower,
                                    double upper, char *msg, size_t msglen);
/* Uniform on [low, high]: finite, low < high. */
its_status its__dist_uniform(its__dist *d, double low, double high, char *msg, size_t msglen);
/* Log-uniform on [low, high] (log x uniform): 0 < low < high < inf. */
its_status its__dist_loguniform(its__dist *d, double low, double high, char *msg,
                                size_t msglen);
/* values[i] with probability prob[i], i < n (n >= 1): finite values,
 * probabilities in [0, 1] summing to 1 within 1e-9 (then normalised). A
 * categorical quantity passes its category numbers 0..n-1 as values. The
 * descriptor copies both arrays. */
its_status its__dist_discrete(its__dist *d, size_t n, const double *values,
                              const double *prob, char *msg, size_t msglen);
/* Releases what the descriptor owns and empties it (NULL accepted). */
void its__dist_clear(its__dist *d);

/* The quantile q(u) of d for u in (0, 1) (NaN outside, or for an empty
 * descriptor). Continuous kinds: the inverse CDF (GSL); truncated normal:
 * kept inside [lower, upper] against round-off; discrete: the first value
 * whose cumulative probability reaches u. Thread-safe (d is read only). */
double its__dist_quantile(const its__dist *d, double u);
/* The natural log of the probability density of a continuous d at x
 * (-inf outside its support; NaN for fixed, discrete, empty, a zero SD or
 * a NaN x). Importance weights of calibrated populations are ratios of
 * these (docs/calibration.md). Thread-safe. */
double its__dist_logpdf(const its__dist *d, double x);

/* ---- Gaussian copula (src/core/dist.c) ---------------------------------------
 * Correlated draws of n quantities: n independent standard normals
 * e_i = Phi^-1(u_i) from the keyed uniforms u_i = its__rng_u01(key, first + i),
 * correlated as z = L e with L the Cholesky factor of the correlation matrix
 * R (L L^T = R), mapped back to uniforms v_i = Phi(z_i) (kept inside
 * [ITS__U01_MIN, ITS__U01_MAX]) and through each marginal: x_i = q_i(v_i).
 * z has correlation matrix R, and every marginal is preserved exactly. The
 * handle holds only the factor, allocated once; it is read-only after
 * creation, so one copula serves any number of threads, and a draw
 * allocates nothing. */
typedef struct its__copula its__copula;

/* Factorises the n x n correlation matrix corr (row-major, n >= 1): it
 * must be finite, symmetric within 1e-12, with a unit diagonal (within
 * 1e-12) and entries in [-1, 1], and positive definite (GSL's
 * gsl_linalg_cholesky_decomp1). Messages name the entry (1-based row,
 * column) or, for a matrix that is not positive definite, the smallest
 * leading block that is not. ITS_OK with *out, ITS_EINVAL, ITS_ENOMEM
 * (*out is then NULL). */
its_status its__copula_create(size_t n, const double *corr, its__copula **out, char *msg,
                              size_t msglen);
/* NULL accepted. */
void its__copula_free(its__copula *c);
/* n. */
size_t its__copula_dim(const its__copula *c);
/* One correlated draw from the numbers first .. first + n - 1 of the stream
 * key: x[i] = q_i(Phi(z_i)) with marg[i] the marginals (n of them), and,
 * when z is not NULL, the correlated normal scores z[i]. Allocates nothing. */
void its__copula_draw(const its__copula *c, const its__dist *marg, const its__rng_key *key,
                      uint64_t first, double *x, double *z);

#endif
