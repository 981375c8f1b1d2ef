/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: adaptive Metropolis (Haario, Saksman & Tamminen 2001),
 * src/core/mcmc.h. Every chain has its own workspace, allocated with the
 * handle; a run allocates nothing and reads nothing another chain writes. */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "core/gsl_adapter.h"
#include "core/mcmc.h"

/* s_d = AM_SCALE^2 / d (Gelman, Roberts & Gilks 1996; Haario et al. 2001) */
#define AM_SCALE 2.38
/* The elliptical sampler's adapted Gaussian: the window's covariance times
 * ESS_INFLATE (mcmc.h) */
#define ESS_INFLATE 2.0
/* The elliptical sampler's Philox indices: iteration t owns the 2^ESS_SHIFT
 * indices from t 2^ESS_SHIFT on (d normals, the slice level, the first
 * angle, then one uniform per shrinkage) */
#define ESS_SHIFT 20
/* The narrowest bracket of angles tried (radians) */
#define ESS_MIN_BRACKET 1e-10
#define ESS_MAX_D 4096

/* One chain's workspace: pointers into the handle's block. */
typedef struct chain {
    double *theta; /* d: the current state */
    double *prop;  /* d: the proposal */
    double *u;     /* d + 2: the iteration's uniforms */
    double *mean;  /* d: running mean of the warm-up states */
    double *m2;    /* d x d: running sum of outer products of deviations
                      (lower triangle) */
    double *fac;   /* d x d: the proposal's factor L (lower triangle); for the
                      elliptical sampler the factor of its Gaussian */
    double *ctr;   /* d: the elliptical sampler's Gaussian's centre */
    double *nu;    /* d: the elliptical sampler's auxiliary draw */
    size_t nhist;  /* warm-up states in mean and m2 */
    size_t window; /* length of the current adaptation window after a restart, 0 before */
    double log_lambda; /* global scale of the proposal (log), adapted in warm-up */
    its__mcmc_chain_stats st;
} chain;

struct its__mcmc {
    its__mcmc_opts o; /* o.scale points to scale */
    size_t d, chains, kept;
    double *scale;    /* d initial proposal SDs */
    double *draws;    /* d * chains * kept: [(p * chains + c) * kept + i] */
    double *lp;       /* chains * kept: [c * kept + i] */
    double *block;    /* every chain's vectors */
    chain *ch;
};

void its__mcmc_opts_default(its__mcmc_opts *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof *o);
    o->iterations = 4000;
    o->warmup = 2000;
    o->thin = 1;
    o->seed = 1;
    o->patient = 0;
    o->scale = NULL;
    o->scale0 = 0.1;
    o->adapt_start = 200;
    o->refactor = 10;
    o->prior_every = 0;
    o->epsilon = 1e-6;
    o->sampler = ITS__MCMC_METROPOLIS;
}

static its_status bad(char *msg, size_t msglen, const char *fmt, ...) ITS__PRINTF(3, 4);
static its_status bad(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(msg, msglen, fmt, ap);
    va_end(ap);
    return ITS_EINVAL;
}

/* The rules of mcmc.h on the options, d and chains. */
static its_status check_opts(const its__mcmc_opts *o, size_t d, size_t chains, char *msg,
                             size_t msglen)
{
    size_t i;
    if (d == 0)
        return bad(msg, msglen, "mcmc: the dimension d must be >= 1");
    if (chains == 0 || chains > UINT32_MAX)
        return bad(msg, msglen, "mcmc: the number of chains must be in [1, 2^32 - 1] (got %zu)",
                   chains);
    if (o->thin == 0)
        return bad(msg, msglen, "mcmc: thin must be >= 1");
    if (o->warmup >= o->iterations)
        return bad(msg, msglen,
                   "mcmc: the warm-up (%zu iterations) must be shorter than the run (%zu "
                   "iterations, warm-up included)", o->warmup, o->iterations);
    if ((o->iterations - o->warmup) / o->thin == 0)
        return bad(msg, msglen,
                   "mcmc: %zu post-warm-up iterations thinned by %zu keep no draw",
                   o->iterations - o->warmup, o->thin);
    if (o->iterations > UINT64_MAX / (d + 1))
        return bad(msg, msglen, "mcmc: %zu iterations of %zu numbers overflow the Philox index",
                   o->iterations, d + 1);
    if (o->adapt_start == 0)
        return bad(msg, msglen, "mcmc: adapt_start must be >= 1 (a covariance needs two states)");
    if (o->sampler != ITS__MCMC_METROPOLIS && o->sampler != ITS__MCMC_ELLIPTICAL)
        return bad(msg, msglen, "mcmc: unknown sampler %d", (int)o->sampler);
    if (o->sampler == ITS__MCMC_ELLIPTICAL &&
        (d > ESS_MAX_D || o->iterations > ((uint64_t)1 << (64 - ESS_SHIFT))))
        return bad(msg, msglen, "mcmc: the elliptical sampler takes d <= %d and iterations <= "
                   "2^%d (got d = %zu, %zu iterations)", ESS_MAX_D, 64 - ESS_SHIFT, d,
                   o->iterations);
    if (o->refactor == 0)
        return bad(msg, msglen, "mcmc: refactor must be >= 1");
    if (!(o->epsilon >= 0.0) || !isfinite(o->epsilon))
        return bad(msg, msglen, "mcmc: epsilon must be finite and >= 0 (got %g)", o->epsilon);
    if (o->scale == NULL) {
        if (!(o->scale0 > 0.0) || !isfinite(o->scale0))
            return bad(msg, msglen, "mcmc: scale0 must be finite and > 0 (got %g)", o->scale0);
    } else {
        for (i = 0; i < d; i++)
            if (!(o->scale[i] > 0.0) || !isfinite(o->scale[i]))
                return bad(msg, msglen,
                           "mcmc: scale[%zu] must be finite and > 0 (got %g)", i, o->scale[i]);
    }
    return ITS_OK;
}

/* a * b into *out; 0 when it overflows */
static int mul_ok(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return 0;
    *out = a * b;
    return 1;
}

/* Sizes of the allocations: per-chain doubles, draws; 0 on overflow. */
static int sizes(size_t d, size_t chains, size_t kept, size_t *per_chain, size_t *nblock,
                 size_t *ndraws, size_t *nlp)
{
    size_t dd;
    if (!mul_ok(d, d, &dd) || dd > (SIZE_MAX - 6 * d - 2) / 2)
        return 0;
    *per_chain = 2 * dd + 6 * d + 2;
    return mul_ok(*per_chain, chains, nblock) && mul_ok(chains, kept, nlp) &&
           mul_ok(d, *nlp, ndraws) && *nblock <= SIZE_MAX / sizeof(double) &&
           *ndraws <= SIZE_MAX / sizeof(double);
}

static void wire(its__mcmc *m, size_t per_chain)
{
    size_t c, d = m->d;
    for (c = 0; c < m->chains; c++) {
        double *p = m->block + c * per_chain;
        chain *ch = &m->ch[c];
        ch->theta = p;
        ch->prop = p + d;
        ch->mean = p + 2 * d;
        ch->u = p + 3 * d;
        ch->m2 = p + 4 * d + 2;
        ch->fac = ch->m2 + d * d;
        ch->ctr = ch->fac + d * d;
        ch->nu = ch->ctr + d;
        ch->nhist = 0;
        memset(&ch->st, 0, sizeof ch->st);
    }
}

its_status its__mcmc_create(const its__mcmc_opts *o, size_t d, size_t chains, its__mcmc **out,
                            char *msg, size_t msglen)
{
    its__mcmc *m;
    size_t per_chain, nblock, ndraws, nlp, kept, i;
    its_status st;

    if (out != NULL)
        *out = NULL;
    if (o == NULL || out == NULL)
        return bad(msg, msglen, "mcmc: NULL %s", o == NULL ? "options" : "handle pointer");
    st = check_opts(o, d, chains, msg, msglen);
    if (st != ITS_OK)
        return st;
    kept = (o->iterations - o->warmup) / o->thin;
    if (!sizes(d, chains, kept, &per_chain, &nblock, &ndraws, &nlp))
        return bad(msg, msglen, "mcmc: %zu chains x %zu draws x %zu dimensions do not fit in "
                   "memory", chains, kept, d);
    m = its__calloc(1, sizeof *m);
    if (m == NULL)
        goto nomem;
    m->o = *o;
    m->d = d;
    m->chains = chains;
    m->kept = kept;
    m->scale = its__malloc(d * sizeof *m->scale);
    m->block = its__calloc(nblock, sizeof *m->block);
    m->draws = its__calloc(ndraws, sizeof *m->draws);
    m->lp = its__calloc(nlp, sizeof *m->lp);
    m->ch = its__calloc(chains, sizeof *m->ch);
    if (m->scale == NULL || m->block == NULL || m->draws == NULL || m->lp == NULL ||
        m->ch == NULL)
        goto nomem;
    for (i = 0; i < d; i++)
        m->scale[i] = o->sampler == ITS__MCMC_ELLIPTICAL ? 1.0 /* the prior N(0, I)'s */
                      : o->scale != NULL                 ? o->scale[i]
                                                         : o->scale0;
    m->o.scale = m->scale;
    wire(m, per_chain);
    *out = m;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
nomem:
    its__mcmc_free(m);
    its__fmt(msg, msglen, "mcmc: out of memory for %zu chains of %zu draws in %zu dimensions",
             chains, kept, d);
    return ITS_ENOMEM;
}

void its__mcmc_free(its__mcmc *m)
{
    if (m == NULL)
        return;
    its__free(m->scale);
    its__free(m->block);
    its__free(m->draws);
    its__free(m->lp);
    its__free(m->ch);
    its__free(m);
}

/* ---- one chain ------------------------------------------------------------------ */

/* The target at x, counted; *failed set for a failed evaluation (then
 * -inf). */
static double eval(its__mcmc_logdens f, void *ctx, const double *x, its__mcmc_chain_stats *st,
                   int *failed)
{
    int fl = 0;
    double v = f(x, ctx, &fl);
    st->evals++;
    *failed = fl != 0 || isnan(v) || v == (double)INFINITY;
    if (*failed) {
        st->failures++;
        return -(double)INFINITY;
    }
    if (v == -(double)INFINITY)
        st->outside++;
    return v;
}

/* The initial proposal: L = diag(scale). */
static void factor_initial(const its__mcmc *m, chain *c)
{
    size_t i, d = m->d;
    memset(c->fac, 0, d * d * sizeof *c->fac);
    for (i = 0; i < d; i++)
        c->fac[i * d + i] = m->scale[i];
}

/* Welford's update of the warm-up states' mean and sum of outer products
 * of deviations with the state x: m2 += (x - mean_old)(x - mean_new)^T
 * (lower triangle). */
static void history_add(size_t d, chain *c, const double *x)
{
    size_t i, j;
    double n;
    c->nhist++;
    n = (double)c->nhist;
    /* prop is free between iterations: it holds x - mean_old */
    for (i = 0; i < d; i++) {
        c->prop[i] = x[i] - c->mean[i];
        c->mean[i] += c->prop[i] / n;
    }
    for (i = 0; i < d; i++) {
        double di = x[i] - c->mean[i];
        for (j = 0; j <= i; j++)
            c->m2[i * d + j] += c->prop[j] * di;
    }
}

/* Whether the adaptation window restarts at iteration t: at warmup / 8,
 * warmup / 4 and warmup / 2, each after adapt_start (doubling windows, as
 * in Stan's warm-up): a start far from the bulk leaves its transient in the
 * earlier windows only. */
static int restart_at(const its__mcmc_opts *o, size_t t)
{
    return t > o->adapt_start && (t == o->warmup / 8 || t == o->warmup / 4 || t == o->warmup / 2);
}

/* Whether the window holds enough states to estimate Sigma: more than 2d,
 * and after a restart at least a quarter of the window's length: a
 * covariance of a few autocorrelated states is too narrow, and a proposal
 * made from it shrinks the chain's steps until it stops exploring. */
static int window_full(size_t d, const chain *c)
{
    size_t min = 2 * d;
    if (c->window / 4 > min)
        min = c->window / 4;
    return c->nhist > min;
}

/* The global scale of the proposal, adapted toward the acceptance rate
 * 0.234 (Andrieu & Thoms 2008, Stat Comput 18:343, Algorithm 4): log
 * lambda += gamma_k (alpha - 0.234), gamma_k = (k + 1)^-0.6, alpha the
 * acceptance probability of the step. A covariance estimated while the
 * chain was still travelling (too wide) or while it was stuck (too narrow)
 * is thereby rescaled until steps are accepted at the rate optimal for a
 * Gaussian (Roberts, Gelman & Gilks 1997); frozen with the covariance. */
static void adapt_scale(chain *c, size_t k, double dlp)
{
    double alpha = dlp >= 0.0 ? 1.0 : (isnan(dlp) ? 0.0 : exp(dlp));
    c->log_lambda += pow((double)k + 1.0, -0.6) * (alpha - 0.234);
    if (c->log_lambda > 10.0)
        c->log_lambda = 10.0;
    else if (c->log_lambda < -10.0)
        c->log_lambda = -10.0;
}

/* Start the adaptation window afresh at iteration t; it lasts until the
 * next restart or the end of the warm-up. */
static void history_reset(size_t d, chain *c, size_t t)
{
    c->nhist = 0;
    c->window = t; /* the window from t to 2t (t = warmup / 2: to warmup) */
    memset(c->mean, 0, d * sizeof *c->mean);
    memset(c->m2, 0, d * d * sizeof *c->m2);
}

/* The adapted proposal: L L^T = sd (Sigma + epsilon I), Sigma = m2 /
 * (nhist - 1); the diagonal when the factorisation fails. sd = s_d for
 * adaptive Metropolis, ESS_INFLATE for the elliptical sampler. */
static void factor_adapted(const its__mcmc *m, chain *c, double sd)
{
    size_t i, j, d = m->d;
    double inv = 1.0 / ((double)c->nhist - 1.0);
    double eps = m->o.epsilon;

    for (i = 0; i < d; i++)
        for (j = 0; j <= i; j++) {
            double v = sd * (c->m2[i * d + j] * inv + (i == j ? eps : 0.0));
            c->fac[i * d + j] = v;
            c->fac[j * d + i] = v;
        }
    c->st.refactors++;
    if (its__cholesky(c->fac, d, d) == ITS_OK)
        return;
    c->st.fallbacks++;
    memset(c->fac, 0, d * d * sizeof *c->fac);
    for (i = 0; i < d; i++) {
        double v = sd * (c->m2[i * d + i] * inv + eps);
        c->fac[i * d + i] = v > 0.0 && isfinite(v) ? sqrt(v) : m->scale[i];
    }
}

/* prop = theta + L e, e_j = Phi^-1(u_j), j < d (L lower triangular) */
static void propose(size_t d, chain *c)
{
    size_t i, j;
    const double lambda = exp(c->log_lambda);
    /* the normals overwrite their uniforms u[0..d-1]; u[d] is kept */
    for (j = 0; j < d; j++)
        c->u[j] = lambda * its__normal_pinv(c->u[j]);
    for (i = 0; i < d; i++) {
        double s = c->theta[i];
        const double *row = c->fac + i * d;
        for (j = 0; j <= i; j++)
            s += row[j] * c->u[j];
        c->prop[i] = s;
    }
}

/* Stores the current state as kept draw k of chain ci. */
static void keep(its__mcmc *m, size_t ci, size_t k, double lp)
{
    size_t p;
    const chain *c = &m->ch[ci];
    for (p = 0; p < m->d; p++)
        m->draws[(p * m->chains + ci) * m->kept + k] = c->theta[p];
    m->lp[ci * m->kept + k] = lp;
}

/* Resets chain c and checks the start: ITS_OK with *lp0 its log density. */
static its_status start(its__mcmc *m, size_t ci, const double *theta0, its__mcmc_logdens f,
                        void *ctx, double *lp0, char *msg, size_t msglen)
{
    chain *c = &m->ch[ci];
    size_t i, d = m->d;
    int failed;

    memset(&c->st, 0, sizeof c->st);
    c->nhist = 0;
    c->window = 0;
    c->log_lambda = 0.0;
    memset(c->mean, 0, d * sizeof *c->mean);
    memset(c->m2, 0, d * d * sizeof *c->m2);
    factor_initial(m, c);
    for (i = 0; i < d; i++) {
        if (!isfinite(theta0[i]))
            return bad(msg, msglen, "mcmc chain %zu: the start's coordinate %zu is not finite "
                       "(%g)", ci, i, theta0[i]);
        c->theta[i] = theta0[i];
    }
    *lp0 = eval(f, ctx, c->theta, &c->st, &failed);
    if (failed) {
        its__fmt(msg, msglen, "mcmc chain %zu: the log density could not be evaluated at the "
                 "start (NaN, +inf or a reported failure)", ci);
        return ITS_ERANGE;
    }
    if (*lp0 == -(double)INFINITY) {
        its__fmt(msg, msglen, "mcmc chain %zu: the log density at the start is -inf: the "
                 "start lies outside the support", ci);
        return ITS_ERANGE;
    }
    return ITS_OK;
}

/* The Philox key of chain ci's numbers. */
static its__rng_key chain_key(const its__mcmc_opts *o, size_t ci)
{
    its__rng_key key;
    key.seed = o->seed;
    key.patient = o->patient;
    key.purpose = ITS__RNG_MCMC;
    key.stream = (uint32_t)ci;
    return key;
}

/* The warm-up's bookkeeping at iteration t, before the step: the window's
 * restarts and states; 1 when the adapted proposal (or reference) is to be
 * factorised now: every `refactor` iterations from adapt_start while the
 * window is full, and once more at the end of the warm-up (frozen from
 * there on). */
static int adapt_now(const its__mcmc_opts *o, size_t d, chain *c, size_t t)
{
    if (t < o->warmup) {
        if (restart_at(o, t))
            history_reset(d, c, t); /* forget the earlier states */
        history_add(d, c, c->theta);
        return t >= o->adapt_start && (t - o->adapt_start) % o->refactor == 0 &&
               window_full(d, c);
    }
    return t == o->warmup && o->warmup > o->adapt_start && window_full(d, c);
}

/* ---- the elliptical slice sampler ----------------------------------------------- */

/* The adapted reference Gaussian: N(window mean, ESS_INFLATE (Sigma +
 * epsilon I)). */
static void ess_adapt(const its__mcmc *m, chain *c)
{
    factor_adapted(m, c, ESS_INFLATE);
    memcpy(c->ctr, c->mean, m->d * sizeof *c->ctr);
}

/* The log of the reference Gaussian's density at x, up to its constant:
 * -|L^-1 (x - ctr)|^2 / 2 (forward substitution; w is d scratch). */
static double ess_log_ref(size_t d, const chain *c, const double *x, double *w)
{
    size_t i, j;
    double q = 0.0;
    for (i = 0; i < d; i++) {
        double s = x[i] - c->ctr[i];
        const double *row = c->fac + i * d;
        for (j = 0; j < i; j++)
            s -= row[j] * w[j];
        w[i] = s / row[i];
        q += w[i] * w[i];
    }
    return -0.5 * q;
}

/* The log density of the step's reference at x: the prior N(0, I)'s
 * (prior != 0) or the adapted one's. */
static double ref_log(size_t d, const chain *c, const double *x, double *w, int prior)
{
    size_t i;
    double q = 0.0;
    if (!prior)
        return ess_log_ref(d, c, x, w);
    for (i = 0; i < d; i++)
        q += x[i] * x[i];
    return -0.5 * q;
}

/* One iteration t of Murray, Adams & MacKay (2010), Figure 2, with the
 * reference Gaussian N(ctr, L L^T) and the "likelihood" p / N(ctr, L L^T):
 * nu ~ N(0, L L^T), the slice level log y = log L'(theta) + log u, then
 * points ctr + (theta - ctr) cos a + nu sin a on the ellipse, the bracket
 * of angles shrinking toward a = 0 (theta itself) after each point below
 * the slice. Returns the number of points evaluated; *lp is the log
 * density of the (new) state. */
static size_t ess_step(const its__mcmc *m, chain *c, const its__rng_key *key, uint64_t t,
                       int prior, double *lp, its__mcmc_logdens f, void *ctx)
{
    const size_t d = m->d;
    const uint64_t base = t << ESS_SHIFT, cap = ((uint64_t)1 << ESS_SHIFT) - d - 2;
    const double two_pi = 8.0 * atan(1.0);
    double log_y, a, lo, hi;
    size_t i, j;
    uint64_t k;

    its__rng_fill_u01(key, base, d + 2, c->u);
    for (j = 0; j < d; j++)
        c->u[j] = its__normal_pinv(c->u[j]);
    if (prior) /* nu = e */
        memcpy(c->nu, c->u, d * sizeof *c->nu);
    else
        for (i = 0; i < d; i++) { /* nu = L e */
            double s = 0.0;
            const double *row = c->fac + i * d;
            for (j = 0; j <= i; j++)
                s += row[j] * c->u[j];
            c->nu[i] = s;
        }
    log_y = *lp - ref_log(d, c, c->theta, c->prop, prior) + log(c->u[d]);
    a = two_pi * c->u[d + 1];
    lo = a - two_pi;
    hi = a;
    for (k = 0; k < cap; k++) {
        double lq, ca = cos(a), sa = sin(a);
        int failed;
        /* theta + ((theta - ctr)(cos a - 1) + nu sin a): exactly theta at
         * a = 0, so a bracket closing on 0 ends on theta's own value */
        for (i = 0; i < d; i++)
            c->prop[i] = c->theta[i] + ((c->theta[i] - (prior ? 0.0 : c->ctr[i])) * (ca - 1.0) +
                                        c->nu[i] * sa);
        lq = eval(f, ctx, c->prop, &c->st, &failed);
        /* c->u[0..d-1] is free now: the substitution's scratch */
        if (lq > -(double)INFINITY && lq - ref_log(d, c, c->prop, c->u, prior) > log_y) {
            double *tmp = c->theta;
            c->theta = c->prop;
            c->prop = tmp;
            *lp = lq;
            return (size_t)k + 1;
        }
        if (a < 0.0)
            lo = a;
        else
            hi = a;
        /* a bracket this narrow holds only points equal to theta to within
         * round-off, whose log density may differ from lp by the model's
         * numerical noise: stay at theta, where exact arithmetic ends */
        if (hi - lo < ESS_MIN_BRACKET)
            break;
        a = lo + (hi - lo) * its__rng_u01(key, base + d + 2 + k);
    }
    c->st.fallbacks++;
    return (size_t)(k < cap ? k + 1 : cap); /* the points evaluated */
}

static its_status run_elliptical(its__mcmc *m, size_t ci, double lp, its__mcmc_logdens f,
                                 void *ctx, char *msg, size_t msglen)
{
    const its__mcmc_opts *o = &m->o;
    const size_t d = m->d;
    chain *c = &m->ch[ci];
    its__rng_key key;
    size_t t, pts_warm = 0, pts = 0;

    /* the reference before adaptation: N(0, I), the target's own prior
     * (start() set L = diag(scale) = I) */
    memset(c->ctr, 0, d * sizeof *c->ctr);
    key = chain_key(o, ci);
    for (t = 0; t < o->iterations; t++) {
        size_t n;
        if (adapt_now(o, d, c, t))
            ess_adapt(m, c);
        /* every prior_every-th iteration takes the prior N(0, I) as its
         * reference */
        n = ess_step(m, c, &key, (uint64_t)t,
                     o->prior_every > 0 && t % o->prior_every == o->prior_every - 1, &lp, f, ctx);
        if (t < o->warmup)
            pts_warm += n;
        else
            pts += n;
        if (t >= o->warmup && (t - o->warmup + 1) % o->thin == 0)
            keep(m, ci, (t - o->warmup + 1) / o->thin - 1, lp);
    }
    c->st.accept_rate = (double)(o->iterations - o->warmup) / (double)pts;
    c->st.accept_rate_warmup =
        o->warmup > 0 ? (double)o->warmup / (double)pts_warm : (double)NAN;
    c->st.ran = 1;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

its_status its__mcmc_run_chain(its__mcmc *m, size_t chain_ix, const double *theta0,
                               its__mcmc_logdens f, void *ctx, char *msg, size_t msglen)
{
    const its__mcmc_opts *o;
    its__rng_key key;
    chain *c;
    size_t t, d, acc_warm = 0, acc = 0;
    double lp = -(double)INFINITY;
    its_status st;

    if (m == NULL || theta0 == NULL || f == NULL)
        return bad(msg, msglen, "mcmc: NULL %s", m == NULL ? "handle" : theta0 == NULL ?
                   "starting point" : "log-density callback");
    if (chain_ix >= m->chains)
        return bad(msg, msglen, "mcmc: chain %zu out of range (the handle has %zu)", chain_ix,
                   m->chains);
    o = &m->o;
    d = m->d;
    c = &m->ch[chain_ix];
    st = start(m, chain_ix, theta0, f, ctx, &lp, msg, msglen);
    if (st != ITS_OK)
        return st;
    if (o->sampler == ITS__MCMC_ELLIPTICAL)
        return run_elliptical(m, chain_ix, lp, f, ctx, msg, msglen);
    key = chain_key(o, chain_ix);
    for (t = 0; t < o->iterations; t++) {
        double lq;
        int failed;
        if (adapt_now(o, d, c, t))
            factor_adapted(m, c, AM_SCALE * AM_SCALE / (double)d);
        its__rng_fill_u01(&key, (uint64_t)t * (d + 1), d + 1, c->u);
        propose(d, c);
        lq = eval(f, ctx, c->prop, &c->st, &failed);
        if (t < o->warmup && t >= o->adapt_start)
            adapt_scale(c, t - o->adapt_start, lq - lp);
        if (log(c->u[d]) < lq - lp) {
            double *tmp = c->theta;
            c->theta = c->prop;
            c->prop = tmp;
            lp = lq;
            if (t < o->warmup)
                acc_warm++;
            else
                acc++;
        }
        if (t >= o->warmup && (t - o->warmup + 1) % o->thin == 0)
            keep(m, chain_ix, (t - o->warmup + 1) / o->thin - 1, lp);
    }
    c->st.accept_rate = (double)acc / (double)(o->iterations - o->warmup);
    c->st.accept_rate_warmup = o->warmup > 0 ? (double)acc_warm / (double)o->warmup : (double)NAN;
    c->st.ran = 1;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

/* ---- getters -------------------------------------------------------------------- */

size_t its__mcmc_dim(const its__mcmc *m)
{
    return m != NULL ? m->d : 0;
}

size_t its__mcmc_chains(const its__mcmc *m)
{
    return m != NULL ? m->chains : 0;
}

size_t its__mcmc_kept(const its__mcmc *m)
{
    return m != NULL ? m->kept : 0;
}

const double *its__mcmc_draws(const its__mcmc *m, size_t param)
{
    if (m == NULL || param >= m->d)
        return NULL;
    return m->draws + param * m->chains * m->kept;
}

const double *its__mcmc_lp(const its__mcmc *m)
{
    return m != NULL ? m->lp : NULL;
}

its_status its__mcmc_get_draw(const its__mcmc *m, size_t chain_ix, size_t i, double *theta)
{
    size_t p;
    if (m == NULL || theta == NULL || chain_ix >= m->chains || i >= m->kept)
        return ITS_EINVAL;
    for (p = 0; p < m->d; p++)
        theta[p] = m->draws[(p * m->chains + chain_ix) * m->kept + i];
    return ITS_OK;
}

its_status its__mcmc_get_stats(const its__mcmc *m, size_t chain_ix, its__mcmc_chain_stats *out)
{
    if (m == NULL || out == NULL || chain_ix >= m->chains)
        return ITS_EINVAL;
    *out = m->ch[chain_ix].st;
    return ITS_OK;
}
