/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: trial statistics (clinical layer). Binomial proportions with
 * Wilson score intervals, the difference of two proportions (Newcombe's
 * hybrid score interval), the Kaplan-Meier estimator with Greenwood
 * standard errors and Brookmeyer-Crowley confidence intervals of its
 * quantiles, the log-rank test and the Cox proportional-hazards model with
 * one binary covariate, with its cluster-robust (sandwich) variance for
 * paired data. The survival functions reproduce R's survival
 * package (survfit with its defaults, survdiff, coxph): tests/r/ compares
 * them with R to 1e-6. Methods and their sources: docs/trial.md,
 * "Statistics".
 *
 * Every function here is handle-less or works on an its_km handle; inputs
 * are plain arrays: time[i] >= 0 (any one time unit; results are in the
 * same unit), event[i] 1 for an event and 0 for a censored time, group[i]
 * 0 or 1 (the arm; hazard ratios are group 1 against group 0), and
 * strata[i] any integer naming a stratum, or strata == NULL for none;
 * cluster[i] any integer naming a cluster (its_cox_binary_robust).
 * Confidence levels are two-sided, in (0, 1) (0.95 for 95 %). */
#ifndef ITSIM_SURVIVAL_H
#define ITSIM_SURVIVAL_H

#include <stddef.h>
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* An estimate with its confidence interval. A value that does not exist
 * (a median not reached, a survival beyond the last follow-up time) and an
 * interval end that cannot be computed are NaN. */
typedef struct its_estimate {
    double value;
    double ci_low;
    double ci_high;
} its_estimate;

/* ---- proportions ------------------------------------------------------------- */

/* x successes of n: value x/n with the Wilson score interval at `level`
 * (Wilson 1927; R's prop.test(x, n, correct = FALSE)). 0 <= x <= n, n >= 1.
 * ITS_EINVAL (message in msg) for bad counts, a bad level or out == NULL. */
its_status its_wilson_interval(long x, long n, double level, its_estimate *out,
                               char *msg, size_t msglen);

/* The difference x1/n1 - x2/n2 of two independent proportions with
 * Newcombe's hybrid score interval built from the two Wilson intervals
 * (Newcombe 1998, Stat Med 17:873, method 10). In a paired design the
 * interval ignores the pairing: it is then conservative when the two
 * responses of a patient are positively correlated. ITS_EINVAL as
 * its_wilson_interval. */
its_status its_prop_diff_interval(long x1, long n1, long x2, long n2, double level,
                                  its_estimate *out, char *msg, size_t msglen);

/* ---- Kaplan-Meier -------------------------------------------------------------- */

/* A Kaplan-Meier curve (opaque). */
typedef struct its_km its_km;

/* One distinct time of the curve (an event or a censoring time). */
typedef struct its_km_row {
    double t;        /* the time */
    long n_risk;     /* at risk just before t */
    long n_event;    /* events at t */
    long n_censor;   /* censored at t */
    double surv;     /* S(t), right-continuous */
    double se_log;   /* Greenwood standard error of log S(t) (R's std.err);
                        +Inf once S is 0 */
    double se;       /* Greenwood standard error of S(t) (NaN once S is 0) */
    double ci_low;   /* pointwise CI of S(t) on the log scale (R's
                        conf.type = "log"), the upper end capped at 1;
                        NaN once S is 0 */
    double ci_high;
} its_km_row;

/* The Kaplan-Meier estimate of n observations (n >= 1) with pointwise
 * confidence intervals at `level`. *out is a new curve the caller frees
 * with its_km_free (NULL on failure). ITS_EINVAL (message in msg) for a
 * time that is negative or not finite, an event flag other than 0/1, a bad
 * level or n == 0; ITS_ENOMEM. The arrays are not kept. */
its_status its_km_create(const double *time, const int *event, size_t n, double level,
                         its_km **out, char *msg, size_t msglen);

/* Frees a curve; NULL is accepted. */
void its_km_free(its_km *km);

/* Number of rows (distinct times); 0 for NULL. */
size_t its_km_nrows(const its_km *km);

/* Copies row i (0 <= i < its_km_nrows) into *out; ITS_EINVAL otherwise. */
its_status its_km_get_row(const its_km *km, size_t i, its_km_row *out);

/* The p-quantile of the time to event (0 < p < 1; p = 0.5 the median),
 * i.e. the time at which 1 - S reaches p, with its Brookmeyer-Crowley
 * confidence interval: the times at which the lower and the upper
 * pointwise confidence limits of S reach 1 - p (Brookmeyer and Crowley
 * 1982, Biometrics 38:29, with the log-scale limits). The rule is R's
 * quantile.survfit: where S equals 1 - p (within sqrt(DBL_EPSILON)) on a
 * plateau, the midpoint of the plateau (to the last time if the curve ends
 * there). A quantile or limit that is not reached is NaN. ITS_EINVAL for
 * NULL arguments or p outside (0, 1). */
its_status its_km_get_quantile(const its_km *km, double p, its_estimate *out);

/* S(t) with its pointwise confidence interval (as R's summary(fit, times
 * = t)): S at the last curve time <= t, 1 (with interval [1, 1]) before
 * the first; NaN beyond the last time of the curve (not estimable). *se
 * (may be NULL) receives the Greenwood standard error of S(t). ITS_EINVAL
 * for NULL arguments or t not finite. */
its_status its_km_get_surv(const its_km *km, double t, its_estimate *out, double *se);

/* ---- comparing two groups -------------------------------------------------------- */

/* The log-rank test of group 0 against group 1 (Mantel 1966), stratified
 * when strata != NULL (sums of observed - expected and of the
 * hypergeometric variances over strata), as R's survdiff (rho = 0). */
typedef struct its_logrank_result {
    double chisq;       /* (O1 - E1)^2 / V, 1 degree of freedom */
    double p;           /* upper tail of chi-square(1) at chisq */
    double observed[2]; /* events in group 0 and 1 */
    double expected[2]; /* expected events in group 0 and 1 */
    double variance;    /* V, the variance of O1 - E1 */
} its_logrank_result;

/* ITS_EINVAL (message in msg) for bad times, event flags or groups, n == 0
 * or out == NULL; ITS_ERANGE when the test is undefined (no event, or a
 * variance of 0, e.g. when one group is empty); ITS_ENOMEM. */
its_status its_logrank(const double *time, const int *event, const int *group,
                       const int *strata, size_t n, its_logrank_result *out,
                       char *msg, size_t msglen);

/* Handling of tied event times in the Cox partial likelihood. */
typedef enum its_ties {
    ITS_TIES_EFRON = 0,  /* Efron 1977: R's coxph default */
    ITS_TIES_BRESLOW = 1 /* Breslow 1974 */
} its_ties;

typedef struct its_cox_result {
    double beta;     /* log hazard ratio of group 1 against group 0 */
    double se;       /* its model-based standard error, 1/sqrt(information)
                        (R's sqrt(naive.var) when robust) */
    its_estimate hr; /* exp(beta) with the Wald interval exp(beta +- z se),
                        se the robust one for its_cox_binary_robust */
    double p;        /* Wald test of beta = 0: chi-square(1) at (beta/se)^2,
                        se as for hr */
    double loglik0;  /* log partial likelihood at beta = 0 */
    double loglik;   /* ... at beta */
    int iterations;  /* Newton-Raphson iterations */
    long events;     /* number of events */
    /* its_cox_binary_robust only (NaN, 0 otherwise): */
    double robust_se;      /* cluster-robust (sandwich) standard error of beta */
    double robust_score;   /* robust score test of beta = 0 (chi-square, 1 df) */
    double robust_score_p; /* its p-value */
    long clusters;         /* number of clusters */
} its_cox_result;

/* The Cox proportional-hazards model h(t) = h0_s(t) exp(beta group), with
 * a baseline hazard per stratum when strata != NULL (R's coxph(Surv(time,
 * event) ~ group + strata(strata), ties = "efron" or "breslow")), fitted by
 * Newton-Raphson with step halving from beta = 0 to |step| < 1e-10.
 * Paired designs (every patient receives both arms): giving each patient
 * his own stratum yields the conditional, within-patient hazard ratio, to
 * which only patients with at least one event contribute, and which is not
 * estimable (ITS_ERANGE) when every patient's ordering of the arms is the
 * same (a monotone likelihood); the marginal one, comparable to a
 * randomised trial's, is its_cox_binary_robust without strata and with
 * cluster = patient. ITS_EINVAL (message in msg) as its_logrank or for a
 * bad level; ITS_ERANGE when beta is not estimable (no information: no
 * event or one group without subjects at risk; or a monotone likelihood,
 * |beta| > 30, e.g. when every event is in one group); *out then holds NaN
 * estimates. ITS_ENOMEM. */
its_status its_cox_binary(const double *time, const int *event, const int *group,
                          const int *strata, size_t n, its_ties ties, double level,
                          its_cox_result *out, char *msg, size_t msglen);

/* The same model with the cluster-robust (sandwich) variance of Lin & Wei
 * (1989, J Am Stat Assoc 84:1074): var(beta) = sum over clusters c of
 * (sum over the observations i of c of D_i)^2, D_i = L_i / information the
 * dfbeta residual, L_i the score residual at beta (Efron's ties: the
 * Efron-adjusted score residuals), as R's coxph(Surv(time, event) ~ group
 * + cluster(cluster), ties = "efron" or "breslow") with strata(strata)
 * when strata != NULL. cluster[i] is any integer naming the cluster of
 * observation i (a patient who appears in several rows, e.g. in both arms
 * of a paired design); cluster == NULL makes every observation its own
 * cluster (R's coxph(..., robust = TRUE)). beta, se, loglik are those of
 * its_cox_binary; hr's interval and p use robust_se (as R's
 * summary.coxph); robust_score is R's robust score test (fit$rscore): U0^2
 * over the sum over clusters of the squared summed score residuals, all at
 * beta = 0. Statuses as its_cox_binary. The arrays are not kept. */
its_status its_cox_binary_robust(const double *time, const int *event, const int *group,
                                 const int *strata, const int *cluster, size_t n, its_ties ties,
                                 double level, its_cox_result *out, char *msg, size_t msglen);

/* ---- global sensitivity: partial rank correlation ---------------------------------- */

/* The partial rank correlation of one input with the output. */
typedef struct its_prcc_result {
    double prcc; /* in [-1, 1]; NaN when the input or the output is constant */
    double t;    /* prcc sqrt(df / (1 - prcc^2)); +-Inf at |prcc| = 1 */
    double p;    /* two-sided p-value of prcc = 0 (Student's t, df) */
    long df;     /* n - 2 - (inputs held fixed); 0 when prcc is NaN */
    long n;      /* complete rows used */
} its_prcc_result;

/* Partial rank correlation coefficients of k inputs with one output over n
 * samples (Marino et al. 2008, J Theor Biol 254:178; docs/calibration.md,
 * "Sensitivity"): x is n x k row-major (x[i*k + j], input j of sample i),
 * y has n values, out receives k results (caller storage). Ranks average
 * ties (R's rank()); a row with a NaN or infinite value is left out; an
 * input that does not vary gets NaN and conditions nothing. Each PRCC is
 * the correlation of the residuals of the ranks of input j and of the
 * output after linear regression on the ranks of the other inputs; R's
 * lm() and cor() on the same ranks give the same numbers to 1e-9
 * (tests/r/prcc_vs_r.c). ITS_OK; ITS_EINVAL (NULL arguments, n or k 0),
 * ITS_ERANGE (too few complete rows for the inputs that vary, collinear
 * input ranks, n > 2^26 or k > 10000), ITS_ENOMEM. msg: at most msglen
 * bytes, always terminated, "" on success; may be NULL. */
its_status its_prcc(const double *x, size_t n, size_t k, const double *y,
                    its_prcc_result *out, char *msg, size_t msglen);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
