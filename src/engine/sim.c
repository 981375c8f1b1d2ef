/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the simulation engine. Runs a model with CVODE between exact-time
 * dose events (boluses, infusion switches) and reports rows to an observer. */
#include "itsim/sim.h"
#include "core/core.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cvode_adapter.h"
#include "engine/engine.h"
#include "model/model.h"

/* One thing that happens at an instant: a bolus, or an infusion switched on
 * or off. A run sorts them by time once and consumes them in order. */
typedef struct its__switch {
    double t;
    size_t dose;
    int on;           /* +1 bolus, infusion or release start; -1 end */
} its__switch;

typedef struct its__dose {
    its_dose_kind kind;
    int input;
    double t;         /* bolus time or infusion start */
    double amount;    /* bolus amount (input units) */
    double rate;      /* infusion rate (input units per time unit) */
    double duration;  /* infusion duration, INFINITY for constant */
    its_release rel;  /* release law (ITS_DOSE_RELEASE) */
    double given;     /* fraction given in the last run (NaN: not reached) */
} its__dose;

enum { ATOL_DEFAULT = 0, ATOL_SCALAR = 1, ATOL_VECTOR = 2 };

/* What changed at an instant, for how the next segment begins: the state
 * (a bolus or burst), the right-hand side (an input's rate, a release), or
 * everything (the start of a run, a segment finished by clipping). */
enum { CHG_STATE = 1, CHG_RHS = 2, CHG_COLD = 4 };

/* Default tolerances: relative 1e-8 keeps 6+ correct digits over the long
 * horizons of the validation checks; the absolute part is scaled per state. */
#define ITS__DEFAULT_RTOL 1e-8
#define ITS__DEFAULT_ATOL 1e-10
#define ITS__DEFAULT_MXSTEP 100000L

/* A grown baseline and what it was grown from (the key), to reuse it while
 * a run would start from the same (engine/engine.h). */
struct its__hist_cache {
    size_t n, np;      /* room of the arrays below */
    int valid;         /* y belongs to the key */
    const its_model_def *m;
    double *y;         /* the baseline state (n) */
    double *p;         /* key: parameters (np) */
    double *y0;        /* key: initial values, the targets (n) */
    double *atol;      /* key: absolute tolerances (n) */
    double *floor;     /* key: extinction floors (n) */
    double rtol;
    int method, nonneg;
    long max_steps;
    long steps;        /* solver steps of the history grown */
    double duration;
};

struct its_sim {
    const its_model_def *m;
    size_t n, np, ni;
    double *p;         /* parameters (np) */
    double *p_prev;    /* scratch: the parameters before a set is applied (np) */
    double *y0;        /* initial values (n) */
    unsigned char *y0_set; /* per state: set by its_sim_set_initial, so it no
                              longer follows the parameters (n) */
    double *y0_par;    /* scratch: the initial state the parameters imply (n) */
    double *y;         /* current state (n) */
    double *yfinal;    /* state at the end of the last run (n) */
    double *yclip;     /* scratch: max(y, 0) while clipping (n) */
    int clip;          /* evaluate the model at max(y, 0) (fallback) */
    double *atol;      /* absolute tolerances in use (n) */
    double *atol_user; /* user vector (n) */
    double *floor;     /* extinction floors (n) */
    double *rate;      /* current infusion rate per input (ni) */
    size_t *root_state;/* state index of each root function (n) */
    int *vol_param;    /* per input: index of its volume parameter or -1 (ni) */
    int *rootsfound;   /* (n) */
    size_t n_roots;
    its__dose *doses;
    size_t n_doses, cap_doses;
    its__switch *sw;   /* scratch: sorted dose switches (2 per dose) */
    size_t *rel_on;    /* scratch: releases in progress (indices of doses) */
    size_t n_rel_on;
    int *active;       /* number of running infusions per input (ni) */
    its__cv *cv;
    int dense_jac;     /* its__sim_set_dense_jacobian */
    int chg;           /* CHG_* since the last segment began */
    int resume;        /* its__sim_set_resume */
    its_method method;
    double rtol, atol_scalar;
    int atol_mode;
    long max_steps;
    int nonneg;
    int has_final;
    its_stats stats;
    int seg_open;      /* a segment's counters are not yet in stats */
    double t_fail;     /* where CVODE gave up in the last run (NaN: it did not) */
    its_dose_gate_fn gate;
    void *gate_user;
    /* pre-treatment history (its_history_def) */
    int hist_on;       /* its_sim_set_history */
    its__hist_cache *hist;     /* where the grown baseline is kept: hist_own,
                                  or a caller's (its__sim_use_hist_cache) */
    its__hist_cache *hist_own; /* the handle's own (models with a history) */
    char errmsg[512];
};

static its_status set_error(its_sim *s, its_status st, const char *fmt, ...)
    ITS__PRINTF(3, 4);
static its_status set_error(its_sim *s, its_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

/* Effective scale of input k: state units per input unit, divided by the
 * input's volume parameter when it has one (an amount into a volume). */
static double input_scale(const its_sim *s, size_t k)
{
    double sc = s->m->inputs[k].scale;
    return s->vol_param[k] >= 0 ? sc / s->p[s->vol_param[k]] : sc;
}

/* ---- callbacks seen by the CVODE adapter --------------------------------- */

static int sim_rhs(double t, const double *y, double *ydot, void *ud)
{
    its_sim *s = ud;
    const its_model_def *m = s->m;
    size_t k;
    int rc;

    if (s->clip) {
        /* Fallback mode: the model sees populations clipped at zero, so a
         * round-off excursion below zero cannot feed back (docs/engine.md). */
        for (k = 0; k < s->n; k++)
            s->yclip[k] = y[k] > 0.0 ? y[k] : 0.0;
        y = s->yclip;
    }
    rc = m->rhs(t, y, ydot, s->p, m->data);

    if (rc != 0)
        return rc;
    /* Zero-order inputs: the current rate of each input enters its target
     * state's derivative. The index of the target is resolved at create. */
    for (k = 0; k < s->ni; k++)
        if (s->rate[k] != 0.0)
            ydot[s->root_state[s->n + k]] += input_scale(s, k) * s->rate[k];
    /* Delivery-system releases in progress. */
    for (k = 0; k < s->n_rel_on; k++) {
        const its__dose *d = &s->doses[s->rel_on[k]];
        ydot[s->root_state[s->n + (size_t)d->input]] +=
            input_scale(s, (size_t)d->input) * d->given * d->amount * (1.0 - d->rel.burst) *
            its__release_rate(&d->rel, t - d->t);
    }
    return 0;
}

static int sim_jac(double t, const double *y, double *J, size_t ld, void *ud)
{
    its_sim *s = ud;
    size_t i, j;
    int rc;
    if (!s->clip)
        return s->m->jac(t, y, J, ld, s->p, s->m->data);
    /* The Jacobian of y -> f(max(y, 0)): columns of clipped states are 0. */
    for (j = 0; j < s->n; j++)
        s->yclip[j] = y[j] > 0.0 ? y[j] : 0.0;
    rc = s->m->jac(t, s->yclip, J, ld, s->p, s->m->data);
    for (j = 0; j < s->n; j++)
        if (y[j] < 0.0)
            for (i = 0; i < s->n; i++)
                J[i + j * ld] = 0.0;
    return rc;
}

static int sim_roots(double t, const double *y, double *g, void *ud)
{
    its_sim *s = ud;
    size_t r;
    (void)t;
    for (r = 0; r < s->n_roots; r++) {
        size_t i = s->root_state[r];
        g[r] = y[i] - s->floor[i];
    }
    return 0;
}

/* ---- creation and settings ------------------------------------------------ */

static its_status recreate_solver(its_sim *s)
{
    its__ode_fns fns;
    its__cv *cv = NULL;
    its_status st;

    fns.rhs = sim_rhs;
    fns.jac = s->m->jac != NULL ? sim_jac : NULL;
    fns.roots = sim_roots;
    fns.ud = s;
    st = its__cv_create(s->n, s->method == ITS_METHOD_ADAMS, &fns, &cv,
                        s->errmsg, sizeof s->errmsg);
    if (st != ITS_OK)
        return st;
    its__cv_set_dense_jacobian(cv, s->dense_jac);
    its__cv_free(s->cv);
    s->cv = cv;
    return ITS_OK;
}

static its_status restore_defaults(its_sim *s);

/* Room in c for a model of n states and np parameters (grows, never
 * shrinks; an invalidated entry when it grows). */
static void hist_cache_release(its__hist_cache *c)
{
    its__free(c->y);
    its__free(c->p);
    its__free(c->y0);
    its__free(c->atol);
    its__free(c->floor);
    memset(c, 0, sizeof *c);
}

static its_status hist_cache_fit(its__hist_cache *c, size_t n, size_t np)
{
    if (c->n >= n && c->np >= np)
        return ITS_OK;
    hist_cache_release(c);
    c->y = its__calloc(n, sizeof *c->y);
    c->p = its__calloc(np + 1, sizeof *c->p);
    c->y0 = its__calloc(n, sizeof *c->y0);
    c->atol = its__calloc(n, sizeof *c->atol);
    c->floor = its__calloc(n, sizeof *c->floor);
    if (!c->y || !c->p || !c->y0 || !c->atol || !c->floor)
        return ITS_ENOMEM;
    c->n = n;
    c->np = np;
    return ITS_OK;
}

its__hist_cache *its__hist_cache_create(void)
{
    return its__calloc(1, sizeof(its__hist_cache));
}

void its__hist_cache_free(its__hist_cache *c)
{
    if (c == NULL)
        return;
    hist_cache_release(c);
    its__free(c);
}

its_status its__sim_use_hist_cache(its_sim *s, its__hist_cache *c)
{
    if (s == NULL)
        return ITS_EINVAL;
    if (s->m->history == NULL)
        return ITS_OK;
    if (c != NULL && hist_cache_fit(c, s->n, s->np) != ITS_OK)
        return set_error(s, ITS_ENOMEM, "out of memory for the history cache");
    s->hist = c != NULL ? c : s->hist_own;
    return ITS_OK;
}

/* Every array of the handle, allocated at creation (never during a run). */
static its_status alloc_arrays(its_sim *s)
{
    /* root_state holds the root-function states (n) then the target state
     * of each input (ni), so the right-hand side needs no lookup. */
    s->p = its__calloc(s->np + 1, sizeof *s->p);
    s->p_prev = its__calloc(s->np + 1, sizeof *s->p_prev);
    s->y0 = its__calloc(s->n, sizeof *s->y0);
    s->y0_set = its__calloc(s->n, sizeof *s->y0_set);
    s->y0_par = its__calloc(s->n, sizeof *s->y0_par);
    s->y = its__calloc(s->n, sizeof *s->y);
    s->yfinal = its__calloc(s->n, sizeof *s->yfinal);
    s->yclip = its__calloc(s->n, sizeof *s->yclip);
    s->atol = its__calloc(s->n, sizeof *s->atol);
    s->atol_user = its__calloc(s->n, sizeof *s->atol_user);
    s->floor = its__calloc(s->n, sizeof *s->floor);
    s->rate = its__calloc(s->ni + 1, sizeof *s->rate);
    s->active = its__calloc(s->ni + 1, sizeof *s->active);
    s->vol_param = its__calloc(s->ni + 1, sizeof *s->vol_param);
    s->root_state = its__calloc(s->n + s->ni, sizeof *s->root_state);
    s->rootsfound = its__calloc(s->n, sizeof *s->rootsfound);
    if (s->m->history != NULL) {
        s->hist_own = its__calloc(1, sizeof *s->hist_own);
        if (s->hist_own == NULL || hist_cache_fit(s->hist_own, s->n, s->np) != ITS_OK)
            return ITS_ENOMEM;
        s->hist = s->hist_own;
    }
    if (!s->p || !s->p_prev || !s->y0 || !s->y0_set || !s->y0_par || !s->y || !s->yfinal || !s->yclip ||
        !s->atol || !s->atol_user || !s->floor || !s->rate || !s->active || !s->vol_param ||
        !s->root_state || !s->rootsfound)
        return ITS_ENOMEM;
    return ITS_OK;
}

/* Why definition m cannot be simulated (into msg), or ITS_OK. */
static its_status check_model(const its_model_def *m, char *msg, size_t msglen)
{
    size_t k;
    if (m == NULL) {
        its__fmt(msg, msglen, "no model definition");
        return ITS_EINVAL;
    }
    if (!its__model_ok(m)) {
        its__fmt(msg, msglen, "model definition version %d is not this library's %d "
                 "(ITS_MODEL_VERSION)", m->version, ITS_MODEL_VERSION);
        return ITS_EINVAL;
    }
    if (m->n_states == 0 || m->rhs == NULL) {
        its__fmt(msg, msglen, "model %s has no states or no right-hand side",
                 m->name ? m->name : "(unnamed)");
        return ITS_EINVAL;
    }
    if (m->history != NULL &&
        (m->history->seed == NULL || m->history->done == NULL || m->history->finish == NULL ||
         !(m->history->max_duration > 0.0) || !(m->history->check_every > 0.0))) {
        its__fmt(msg, msglen, "model %s: its history lacks a function or a positive "
                 "duration and check interval", m->name ? m->name : "(unnamed)");
        return ITS_EINVAL;
    }
    for (k = 0; k < m->n_inputs; k++)
        if (its_model_state_index(m, m->inputs[k].state) < 0 ||
            (m->inputs[k].volume != NULL &&
             its_model_param_index(m, m->inputs[k].volume) < 0)) {
            its__fmt(msg, msglen, "model %s: input %s names an unknown state or volume",
                     m->name ? m->name : "(unnamed)", m->inputs[k].name);
            return ITS_EINVAL;
        }
    return ITS_OK;
}

its_status its_sim_create(const its_model_def *m, its_sim **out, char *msg, size_t msglen)
{
    its_sim *s;
    size_t i, k;
    its_status st;

    its__fmt(msg, msglen, "%s", "");
    if (out == NULL) {
        its__fmt(msg, msglen, "no place for the handle (out is NULL)");
        return ITS_EINVAL;
    }
    *out = NULL;
    st = check_model(m, msg, msglen);
    if (st != ITS_OK)
        return st;
    s = its__calloc(1, sizeof *s);
    if (s == NULL) {
        its__fmt(msg, msglen, "out of memory creating the simulation");
        return ITS_ENOMEM;
    }
    s->m = m;
    s->n = m->n_states;
    s->np = m->n_params;
    s->ni = m->n_inputs;
    if (alloc_arrays(s) != ITS_OK) {
        its_sim_free(s);
        its__fmt(msg, msglen, "out of memory creating the simulation");
        return ITS_ENOMEM;
    }
    for (k = 0; k < s->ni; k++) {
        s->root_state[s->n + k] =
            (size_t)its_model_state_index(m, m->inputs[k].state);
        s->vol_param[k] = m->inputs[k].volume != NULL
                              ? its_model_param_index(m, m->inputs[k].volume) : -1;
    }
    s->method = ITS_METHOD_BDF;
    s->rtol = ITS__DEFAULT_RTOL;
    s->atol_scalar = ITS__DEFAULT_ATOL;
    s->atol_mode = ATOL_DEFAULT;
    s->max_steps = ITS__DEFAULT_MXSTEP;
    s->nonneg = 1;
    s->resume = 1;
    s->hist_on = m->history != NULL;
    for (i = 0; i < s->n; i++)
        s->atol_user[i] = ITS__DEFAULT_ATOL;
    /* The defaults of a built-in model always hold; a user's model whose
     * default set or initial state is refused cannot be simulated. */
    st = restore_defaults(s);
    if (st == ITS_OK)
        st = recreate_solver(s); /* ITS_ENOMEM or ITS_ESOLVER */
    if (st != ITS_OK) {
        its__fmt(msg, msglen, "%s", s->errmsg);
        its_sim_free(s);
        return st;
    }
    *out = s;
    return ITS_OK;
}

void its_sim_free(its_sim *s)
{
    if (s == NULL)
        return;
    its__cv_free(s->cv);
    its__free(s->p);
    its__free(s->p_prev);
    its__free(s->y0);
    its__free(s->y0_set);
    its__free(s->y0_par);
    its__free(s->y);
    its__free(s->yfinal);
    its__free(s->yclip);
    its__free(s->atol);
    its__free(s->atol_user);
    its__free(s->floor);
    its__free(s->rate);
    its__free(s->root_state);
    its__free(s->rootsfound);
    its__free(s->doses);
    its__free(s->sw);
    its__free(s->rel_on);
    its__free(s->active);
    its__free(s->vol_param);
    its__hist_cache_free(s->hist_own);
    its__free(s);
}

const its_model_def *its_sim_model(const its_sim *s)
{
    return s != NULL ? s->m : NULL;
}

const char *its_sim_errmsg(const its_sim *s)
{
    return s != NULL ? s->errmsg : "NULL simulation handle";
}

/* The initial values that follow the parameters (every state not set by
 * its_sim_set_initial) take the values the current parameters imply. On
 * failure nothing changes and the message is on the handle. */
static its_status follow_params(its_sim *s)
{
    size_t i;
    its_status st = its_model_initial_state(s->m, s->p, s->y0_par, s->errmsg,
                                            sizeof s->errmsg);
    if (st != ITS_OK)
        return st;
    for (i = 0; i < s->n; i++)
        if (!s->y0_set[i])
            s->y0[i] = s->y0_par[i];
    return ITS_OK;
}

/* The model's default parameters (default set applied), the initial state
 * they imply and the default floors; no dose. */
static its_status restore_defaults(its_sim *s)
{
    size_t i;
    its_status st = its_model_default_params(s->m, s->p, s->errmsg, sizeof s->errmsg);
    memset(s->y0_set, 0, s->n * sizeof *s->y0_set);
    if (st == ITS_OK)
        st = follow_params(s);
    for (i = 0; i < s->n; i++)
        s->floor[i] = s->m->states[i].floor;
    s->n_doses = 0;
    s->has_final = 0;
    if (st == ITS_OK)
        s->errmsg[0] = '\0';
    return st;
}

void its_sim_reset(its_sim *s)
{
    if (s != NULL)
        (void)restore_defaults(s);
}

its_status its_sim_set_param(its_sim *s, const char *name, double value)
{
    int i;
    double old;
    its_status st;
    if (s == NULL || name == NULL)
        return ITS_EINVAL;
    i = its_model_param_index(s->m, name);
    if (i < 0)
        return set_error(s, ITS_ENOTFOUND, "model %s has no parameter '%s'",
                         s->m->name, name);
    st = its_model_check_param(s->m, (size_t)i, value, s->errmsg, sizeof s->errmsg);
    if (st != ITS_OK)
        return st;
    old = s->p[i];
    s->p[i] = value;
    st = follow_params(s);
    if (st != ITS_OK)
        s->p[i] = old; /* refused: the initial state cannot follow it */
    return st;
}

its_status its_sim_get_param(const its_sim *s, const char *name, double *value)
{
    int i;
    if (s == NULL || name == NULL || value == NULL)
        return ITS_EINVAL;
    i = its_model_param_index(s->m, name);
    if (i < 0)
        return ITS_ENOTFOUND;
    *value = s->p[i];
    return ITS_OK;
}

const double *its_sim_params(const its_sim *s)
{
    return s != NULL ? s->p : NULL;
}

its_status its_sim_set_param_vector(its_sim *s, const double *p)
{
    its_status st = ITS_OK;
    size_t i;
    if (s == NULL || p == NULL)
        return ITS_EINVAL;
    for (i = 0; i < s->np && st == ITS_OK; i++)
        st = its_model_check_param(s->m, i, p[i], s->errmsg, sizeof s->errmsg);
    if (st != ITS_OK)
        return st;
    memcpy(s->p_prev, s->p, s->np * sizeof *s->p);
    memcpy(s->p, p, s->np * sizeof *s->p);
    st = follow_params(s);
    if (st != ITS_OK)
        memcpy(s->p, s->p_prev, s->np * sizeof *s->p);
    return st;
}

its_status its_sim_apply_set(its_sim *s, const char *set_name)
{
    its_status st;
    if (s == NULL || set_name == NULL)
        return ITS_EINVAL;
    /* all or nothing: a set refused part-way, or whose parameters the
     * initial state cannot follow, leaves the parameters as they were */
    memcpy(s->p_prev, s->p, s->np * sizeof *s->p);
    st = its_model_apply_set(s->m, set_name, s->p, s->errmsg, sizeof s->errmsg);
    if (st == ITS_OK)
        st = follow_params(s);
    if (st != ITS_OK)
        memcpy(s->p, s->p_prev, s->np * sizeof *s->p);
    return st;
}

static int state_index_or_error(its_sim *s, const char *state)
{
    int i = its_model_state_index(s->m, state);
    if (i < 0)
        set_error(s, ITS_ENOTFOUND, "model %s has no state '%s'", s->m->name,
                  state);
    return i;
}

its_status its_sim_set_initial(its_sim *s, const char *state, double value)
{
    int i;
    if (s == NULL || state == NULL)
        return ITS_EINVAL;
    i = state_index_or_error(s, state);
    if (i < 0)
        return ITS_ENOTFOUND;
    if (!isfinite(value) || (s->nonneg && value < 0.0))
        return set_error(s, ITS_ERANGE,
                         "initial value of %s must be finite and >= 0", state);
    s->y0[i] = value;
    s->y0_set[i] = 1;
    return ITS_OK;
}

const double *its_sim_initial(const its_sim *s)
{
    return s != NULL ? s->y0 : NULL;
}

its_status its_sim_set_floor(its_sim *s, const char *state, double floor)
{
    int i;
    if (s == NULL || state == NULL)
        return ITS_EINVAL;
    i = state_index_or_error(s, state);
    if (i < 0)
        return ITS_ENOTFOUND;
    if (!isfinite(floor) || floor < 0.0)
        return set_error(s, ITS_ERANGE, "floor of %s must be finite and >= 0",
                         state);
    s->floor[i] = floor;
    return ITS_OK;
}

its_status its_sim_set_nonnegative(its_sim *s, int on)
{
    if (s == NULL)
        return ITS_EINVAL;
    s->nonneg = on != 0;
    return ITS_OK;
}

its_status its_sim_set_rtol(its_sim *s, double rtol)
{
    if (s == NULL)
        return ITS_EINVAL;
    if (!(rtol > 0.0) || !isfinite(rtol))
        return set_error(s, ITS_ERANGE, "the relative tolerance must be finite and > 0");
    s->rtol = rtol;
    return ITS_OK;
}

its_status its_sim_set_atol(its_sim *s, double atol)
{
    if (s == NULL)
        return ITS_EINVAL;
    if (!(atol > 0.0) || !isfinite(atol))
        return set_error(s, ITS_ERANGE, "the absolute tolerance must be finite and > 0");
    s->atol_scalar = atol;
    s->atol_mode = ATOL_SCALAR;
    return ITS_OK;
}

/* Both, or neither when either is refused (atol is checked first, so a
 * refused atol leaves rtol as it was). */
its_status its_sim_set_tolerances(its_sim *s, double rtol, double atol)
{
    its_status st;
    if (s == NULL)
        return ITS_EINVAL;
    if (!(rtol > 0.0) || !isfinite(rtol))
        return its_sim_set_rtol(s, rtol); /* refused: nothing changed */
    st = its_sim_set_atol(s, atol);
    return st == ITS_OK ? its_sim_set_rtol(s, rtol) : st;
}

/* Absolute tolerance of state i for a run from the current initial values. */
static double atol_of(const its_sim *s, size_t i)
{
    if (s->atol_mode == ATOL_VECTOR)
        return s->atol_user[i];
    if (s->atol_mode == ATOL_SCALAR)
        return s->atol_scalar;
    /* the state's own scale; with a pre-treatment history an initial value
     * that is not a target is grown over, so it must not set the scale
     * either (the state table's value does): a run then depends only on
     * what a resolved scenario records */
    if (s->hist_on && s->m->history->target != NULL && !s->m->history->target(i, s->m->data))
        return ITS__DEFAULT_ATOL * fmax(fabs(s->m->states[i].initial), 1.0);
    return ITS__DEFAULT_ATOL * fmax(fabs(s->y0[i]), 1.0);
}

its_status its_sim_get_tolerances(const its_sim *s, double *rtol, double *atol)
{
    size_t i;
    if (s == NULL)
        return ITS_EINVAL;
    if (rtol)
        *rtol = s->rtol;
    for (i = 0; atol && i < s->n; i++)
        atol[i] = atol_of(s, i);
    return ITS_OK;
}

its_status its_sim_set_atol_vector(its_sim *s, const double *atol)
{
    size_t i;
    if (s == NULL || atol == NULL)
        return ITS_EINVAL;
    for (i = 0; i < s->n; i++)
        if (!(atol[i] > 0.0) || !isfinite(atol[i]))
            return set_error(s, ITS_ERANGE,
                             "absolute tolerance of %s must be finite and > 0",
                             s->m->states[i].name);
    memcpy(s->atol_user, atol, s->n * sizeof *atol);
    s->atol_mode = ATOL_VECTOR;
    return ITS_OK;
}

its_status its_sim_set_method(its_sim *s, its_method method)
{
    its_method old;
    its_status st;
    if (s == NULL || (method != ITS_METHOD_BDF && method != ITS_METHOD_ADAMS))
        return ITS_EINVAL;
    if (method == s->method)
        return ITS_OK;
    old = s->method;
    s->method = method;
    st = recreate_solver(s);
    if (st != ITS_OK)
        s->method = old;
    return st;
}

its_status its_sim_set_max_steps(its_sim *s, long max_steps)
{
    if (s == NULL)
        return ITS_EINVAL;
    if (max_steps <= 0)
        return set_error(s, ITS_ERANGE, "max_steps must be > 0");
    s->max_steps = max_steps;
    return ITS_OK;
}

/* ---- doses ----------------------------------------------------------------- */

void its_sim_clear_doses(its_sim *s)
{
    if (s != NULL)
        s->n_doses = 0;
}

size_t its_sim_dose_count(const its_sim *s)
{
    return s != NULL ? s->n_doses : 0;
}

/* Grow the dose and event-time arrays. Allocation happens only here, when a
 * dose is added, never during a run. */
static its_status push_dose(its_sim *s, const its__dose *d)
{
    if (s->n_doses == s->cap_doses) {
        size_t cap = s->cap_doses ? 2 * s->cap_doses : 16;
        its__dose *nd = its__realloc(s->doses, cap * sizeof *nd);
        its__switch *nt;
        size_t *nr;
        if (nd == NULL)
            return set_error(s, ITS_ENOMEM, "out of memory adding a dose");
        s->doses = nd;
        nt = its__realloc(s->sw, 2 * cap * sizeof *nt);
        if (nt == NULL)
            return set_error(s, ITS_ENOMEM, "out of memory adding a dose");
        s->sw = nt;
        nr = its__realloc(s->rel_on, cap * sizeof *nr);
        if (nr == NULL)
            return set_error(s, ITS_ENOMEM, "out of memory adding a dose");
        s->rel_on = nr;
        s->cap_doses = cap;
    }
    s->doses[s->n_doses] = *d;
    s->doses[s->n_doses].given = (double)NAN; /* not reached by any run yet */
    s->n_doses++;
    return ITS_OK;
}

static int input_index_or_error(its_sim *s, const char *input)
{
    int k = its_model_input_index(s->m, input);
    if (k < 0)
        set_error(s, ITS_ENOTFOUND, "model %s has no input '%s'", s->m->name,
                  input);
    return k;
}

/* Common start of every add_*: the input exists, the time is finite and the
 * amount or rate is finite and >= 0. Fills kind, input, t; sets the error. */
static its_status new_dose(its_sim *s, const char *input, its_dose_kind kind, double t,
                           double value, its__dose *d)
{
    static const char *const what[] = {"bolus", "infusion", "release"};
    int k;
    if (s == NULL || input == NULL)
        return ITS_EINVAL;
    k = input_index_or_error(s, input);
    if (k < 0)
        return ITS_ENOTFOUND;
    if (!isfinite(t) || !isfinite(value) || value < 0.0)
        return set_error(s, ITS_ERANGE,
                         "%s of %s: time and %s must be finite, %s >= 0", what[kind],
                         input, kind == ITS_DOSE_INFUSION ? "rate" : "amount",
                         kind == ITS_DOSE_INFUSION ? "rate" : "amount");
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->input = k;
    d->t = t;
    return ITS_OK;
}

its_status its_sim_add_bolus(its_sim *s, const char *input, double t,
                             double amount)
{
    its__dose d;
    its_status st = new_dose(s, input, ITS_DOSE_BOLUS, t, amount, &d);
    if (st != ITS_OK)
        return st;
    d.amount = amount;
    return push_dose(s, &d);
}

its_status its_sim_add_infusion(its_sim *s, const char *input, double t_start,
                                double duration, double rate)
{
    its__dose d;
    its_status st = new_dose(s, input, ITS_DOSE_INFUSION, t_start, rate, &d);
    if (st != ITS_OK)
        return st;
    if (!(duration > 0.0))
        return set_error(s, ITS_ERANGE, "infusion of %s: duration must be > 0", input);
    d.rate = rate;
    d.duration = duration;
    return push_dose(s, &d);
}

its_status its_sim_add_release(its_sim *s, const char *input, double t,
                               double amount, const its_release *release)
{
    its__dose d;
    its_status st;
    if (release == NULL)
        return ITS_EINVAL;
    st = new_dose(s, input, ITS_DOSE_RELEASE, t, amount, &d);
    if (st != ITS_OK)
        return st;
    if (!its__release_valid(release))
        return set_error(s, ITS_ERANGE,
                         "release of %s: burst must be in [0, 1], tau > 0 and "
                         "finite, shape > 0 for power-law and Weibull laws",
                         input);
    d.amount = amount;
    d.rel = *release;
    d.duration = its__release_end(release);
    return push_dose(s, &d);
}

its_status its_sim_set_dose_gate(its_sim *s, its_dose_gate_fn gate, void *user)
{
    if (s == NULL)
        return ITS_EINVAL;
    s->gate = gate;
    s->gate_user = user;
    return ITS_OK;
}

its_status its_sim_get_dose_record(const its_sim *s, size_t i, its_dose_record *r)
{
    const its__dose *d;
    if (s == NULL || r == NULL || i >= s->n_doses)
        return ITS_EINVAL;
    d = &s->doses[i];
    r->t = d->t;
    r->input = s->m->inputs[d->input].name;
    r->kind = d->kind;
    r->planned = d->kind == ITS_DOSE_INFUSION ? d->rate : d->amount;
    r->given = d->given;
    return ITS_OK;
}

/* ---- running ----------------------------------------------------------------- */

/* Two instants within round-off are the same instant: core.h
 * its__same_instant (CVODE cannot integrate across such a sliver, "tout
 * too close to t0"). */

static int cmp_switch(const void *pa, const void *pb)
{
    const its__switch *a = pa, *b = pb;
    if (a->t != b->t)
        return (a->t > b->t) - (a->t < b->t);
    /* Ties: dose order, so that runs are deterministic. */
    if (a->dose != b->dose)
        return (a->dose > b->dose) - (a->dose < b->dose);
    return a->on - b->on;
}

/* Fill and sort the switch list: every bolus, infusion start and finite
 * infusion end. Returns the number of switches. */
static size_t collect_switches(its_sim *s)
{
    size_t i, n = 0;
    for (i = 0; i < s->n_doses; i++) {
        const its__dose *d = &s->doses[i];
        s->sw[n].t = d->t;
        s->sw[n].dose = i;
        s->sw[n].on = 1;
        n++;
        if ((d->kind == ITS_DOSE_INFUSION || d->kind == ITS_DOSE_RELEASE) &&
            isfinite(d->duration)) {
            s->sw[n].t = d->t + d->duration;
            s->sw[n].dose = i;
            s->sw[n].on = -1;
            n++;
        }
    }
    if (n > 0)
        qsort(s->sw, n, sizeof *s->sw, cmp_switch);
    return n;
}

/* Apply one switch at time t. At the start of an administration within the
 * run (apply != 0) the dose gate decides the fraction given; boluses then
 * jump the target state and releases give their burst. Infusions change the
 * rate in force, and an input whose last infusion stops gets exactly zero,
 * free of accumulated round-off. What changed is added to s->chg (CHG_*).
 * Returns non-zero when the gate stops the run. */
static int apply_switch(its_sim *s, const its__switch *w, int apply, double t)
{
    its__dose *d = &s->doses[w->dose];
    size_t k = (size_t)d->input;
    double old;
    if (w->on > 0) {
        d->given = 1.0;
        if (apply && s->gate != NULL) {
            double g = s->gate(t, s->y, s->n, w->dose, s->m->inputs[k].name,
                               d->kind == ITS_DOSE_INFUSION ? d->rate : d->amount,
                               s->gate_user);
            if (!(g >= 0.0) || !isfinite(g))
                return 1;
            d->given = g;
        }
    }
    if (d->kind == ITS_DOSE_BOLUS) {
        double jump = input_scale(s, k) * d->given * d->amount;
        if (apply && jump != 0.0) {
            s->y[s->root_state[s->n + k]] += jump;
            s->chg |= CHG_STATE;
        }
        return 0;
    }
    if (d->kind == ITS_DOSE_RELEASE) {
        size_t i;
        double jump = input_scale(s, k) * d->given * d->amount * d->rel.burst;
        s->chg |= CHG_RHS;
        if (w->on > 0) {
            if (apply && jump != 0.0) {
                s->y[s->root_state[s->n + k]] += jump;
                s->chg |= CHG_STATE;
            }
            s->rel_on[s->n_rel_on++] = w->dose;
        } else {
            for (i = 0; i < s->n_rel_on; i++)
                if (s->rel_on[i] == w->dose) {
                    s->rel_on[i] = s->rel_on[--s->n_rel_on];
                    break;
                }
        }
        return 0;
    }
    old = s->rate[k];
    s->active[k] += w->on;
    s->rate[k] += w->on * d->given * d->rate;
    if (s->active[k] == 0)
        s->rate[k] = 0.0;
    if (s->rate[k] != old)
        s->chg |= CHG_RHS;
    return 0;
}

static void prepare_tolerances(its_sim *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        s->atol[i] = atol_of(s, i);
    s->n_roots = 0;
    for (i = 0; i < s->n; i++)
        if (s->floor[i] > 0.0)
            s->root_state[s->n_roots++] = i;
}

/* CVODE enforces y >= 0 on its internal steps, but values interpolated to
 * an output time may undershoot by round-off (~1e-15 of the scale). Such
 * noise is removed so that reported populations are never negative. */
static void clamp_nonnegative(its_sim *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (s->y[i] < 0.0)
            s->y[i] = 0.0;
}

/* (Re)start CVODE at (t, y) for one segment up to `stop`. Its counters are
 * added to the run's statistics by end_segment, exactly once, however the
 * segment ends. */
static its_status start_segment(its_sim *s, double t, int nonneg, double stop)
{
    its_status st = its__cv_start(s->cv, t, s->y, s->rtol, s->atol, s->max_steps,
                                  nonneg, s->n_roots, stop);
    s->stats.segments++;
    s->seg_open = st == ITS_OK;
    return st;
}

/* The next segment: CVODE restarted at (t, y) (start_segment) after a
 * change of the state or the right-hand side, or at the start of a run;
 * after an instant where nothing changed (every dose there held by the
 * gate, an infusion of rate 0), it goes on where it stopped, with its step,
 * order and Jacobian, unless resuming is off (its__sim_set_resume). */
static its_status next_segment(its_sim *s, double t, double stop)
{
    its_status st;
    if (s->chg != 0 || !s->resume) {
        s->chg = 0;
        return start_segment(s, t, s->nonneg, stop);
    }
    st = its__cv_resume(s->cv, stop);
    s->stats.segments++;
    s->seg_open = st == ITS_OK;
    return st;
}

static void end_segment(its_sim *s)
{
    if (s->seg_open)
        its__cv_add_stats(s->cv, &s->stats);
    s->seg_open = 0;
}

/* The message of a failed integration: CVODE's reason, then where it gave
 * up, which state limited the step, and what to try. */
static void solver_failure(its_sim *s, its_status st)
{
    its__cv_diag d;
    size_t len;
    its__cv_diagnose(s->cv, &d);
    s->t_fail = d.t;
    set_error(s, st, "%s", its__cv_errmsg(s->cv));
    len = strlen(s->errmsg);
    if (len > 0 && s->errmsg[len - 1] == '.')
        s->errmsg[--len] = '\0';
    if (d.worst < s->n && d.worst_err > 0.0 && len < sizeof s->errmsg)
        its__fmt(s->errmsg + len, sizeof s->errmsg - len,
                 "; step %.3g (order %d), limited by state %s (weighted local error %.3g)",
                 d.h_last, d.order, s->m->states[d.worst].name, d.worst_err);
    len = strlen(s->errmsg);
    if (len < sizeof s->errmsg)
        its__fmt(s->errmsg + len, sizeof s->errmsg - len,
                 "; try max_steps above %ld (simulate.max_steps), method %s "
                 "(simulate.method) or rtol above %g (simulate.rtol)", s->max_steps,
                 s->method == ITS_METHOD_BDF ? "adams" : "bdf", s->rtol);
}

/* Where rows go: the output grid, the next grid time and the observer. */
typedef struct its__out {
    const double *t;
    size_t n, g;
    its_observer_fn obs;
    void *user;
} its__out;

/* Report the current state as a row of `kind` at t; ITS_ECALLBACK when
 * the observer stops the run. */
static its_status emit(its_sim *s, const its__out *o, double t, its_row_kind kind)
{
    if (o->obs != NULL && o->obs(t, s->y, s->n, kind, o->user) != 0)
        return set_error(s, ITS_ECALLBACK, "observer stopped the run at t = %.10g", t);
    return ITS_OK;
}

/* ---- pre-treatment history (its_history_def) ------------------------------ */

static its_status run_segment(its_sim *s, double *t, double stop, its__out *o);

its_status its_sim_set_history(its_sim *s, int on)
{
    if (s == NULL)
        return ITS_EINVAL;
    s->hist_on = on != 0 && s->m->history != NULL;
    return ITS_OK;
}

/* Whether the cache holds a baseline grown from what a run would start
 * with now (model, parameters, targets, tolerances, floors, method). */
static int history_current(const its_sim *s)
{
    const its__hist_cache *c = s->hist;
    return c->valid && c->m == s->m && c->rtol == s->rtol && c->method == (int)s->method &&
           c->nonneg == s->nonneg && c->max_steps == s->max_steps &&
           memcmp(c->p, s->p, s->np * sizeof *s->p) == 0 &&
           memcmp(c->y0, s->y0, s->n * sizeof *s->y0) == 0 &&
           memcmp(c->atol, s->atol, s->n * sizeof *s->atol) == 0 &&
           memcmp(c->floor, s->floor, s->n * sizeof *s->floor) == 0;
}

static void history_keep(its_sim *s, long steps, double duration)
{
    its__hist_cache *c = s->hist;
    memcpy(c->y, s->y, s->n * sizeof *s->y);
    memcpy(c->p, s->p, s->np * sizeof *s->p);
    memcpy(c->y0, s->y0, s->n * sizeof *s->y0);
    memcpy(c->atol, s->atol, s->n * sizeof *s->atol);
    memcpy(c->floor, s->floor, s->n * sizeof *s->floor);
    c->m = s->m;
    c->rtol = s->rtol;
    c->method = (int)s->method;
    c->nonneg = s->nonneg;
    c->max_steps = s->max_steps;
    c->steps = steps;
    c->duration = duration;
    c->valid = 1;
}

/* A history that gives no baseline: ITS_ERANGE, with the model's reason
 * when `why` (the model's own words) applies. */
static its_status history_refused(its_sim *s, const char *what, int why)
{
    const char *w = why ? s->m->history->why : NULL;
    return set_error(s, ITS_ERANGE, "pre-treatment history of model %s: %s%s%s", s->m->name,
                     what, w != NULL ? ": " : "", w != NULL ? w : "");
}

/* A solver failure inside the history: its message says so, and where
 * (room kept for the note, cutting CVODE's message if needed). */
static void history_failed_at(its_sim *s, double t)
{
    char note[96];
    size_t len = strlen(s->errmsg), room;
    its__fmt(note, sizeof note, " (in the pre-treatment history, at t = %.6g)",
             isfinite(s->t_fail) ? s->t_fail : t);
    room = sizeof s->errmsg - strlen(note) - 1;
    if (len > room)
        s->errmsg[room] = '\0';
    len = strlen(s->errmsg);
    its__fmt(s->errmsg + len, sizeof s->errmsg - len, "%s", note);
}

/* Grow the baseline into the cache: seed, integrate untreated (no dose, every
 * rate 0) until done, finish. The history's solver work is kept apart from
 * the run's statistics (history_steps). The structural Jacobian pattern is
 * probed afresh, so the baseline does not depend on the handle's earlier
 * runs. */
static its_status grow_history(its_sim *s)
{
    const its_history_def *h = s->m->history;
    its__out o = {NULL, 0, 0, NULL, NULL};
    its_stats run_stats = s->stats;
    its_status st = ITS_OK;
    double t = 0.0;
    int rc = 0;
    long steps;
    s->hist->valid = 0;
    memset(&s->stats, 0, sizeof s->stats);
    memcpy(s->y, s->y0, s->n * sizeof *s->y);
    its__cv_reprobe(s->cv);
    if (h->seed(s->p, s->y0, s->y, s->m->data) < 0)
        st = history_refused(s, "the model gives no seed state for these baseline targets "
                             "(the initial values)", 0);
    s->chg = CHG_COLD;
    while (st == ITS_OK && (rc = h->done(s->p, s->y0, s->y, s->m->data)) == 0 &&
           t < h->max_duration) {
        double stop = fmin(t + h->check_every, h->max_duration);
        st = run_segment(s, &t, stop, &o);
        if (st != ITS_OK)
            history_failed_at(s, t);
    }
    if (st == ITS_OK && rc < 0)
        st = history_refused(s, "the baseline cannot be reached", 1);
    else if (st == ITS_OK && rc == 0)
        st = set_error(s, ITS_ERANGE, "pre-treatment history of model %s: the baseline was not "
                       "reached within %g %s (untreated, the tumour does not grow to its "
                       "baseline size)", s->m->name, h->max_duration, s->m->time_unit);
    if (st == ITS_OK && h->finish(s->p, s->y0, s->y, s->m->data) < 0)
        st = history_refused(s, "the state reached cannot be brought to the baseline", 1);
    end_segment(s);
    steps = s->stats.steps;
    s->stats = run_stats;
    s->t_fail = (double)NAN;
    s->clip = 0;
    if (st != ITS_OK)
        return st;
    if (s->nonneg)
        clamp_nonnegative(s);
    history_keep(s, steps, t);
    s->stats.history_steps = steps;
    return ITS_OK;
}

/* Set up a run's tolerances, rates and CVODE, and, with a history, put the
 * grown baseline (reused or grown now) into y; else y is the initial values. */
static its_status start_state(its_sim *s)
{
    its_status st = ITS_OK;
    prepare_tolerances(s);
    its__cv_new_run(s->cv);
    memcpy(s->y, s->y0, s->n * sizeof *s->y);
    memset(s->rate, 0, s->ni * sizeof *s->rate);
    memset(s->active, 0, s->ni * sizeof *s->active);
    s->n_rel_on = 0;
    s->chg = CHG_COLD;
    if (!s->hist_on)
        return ITS_OK;
    if (!history_current(s)) {
        st = grow_history(s);
        its__cv_new_run(s->cv);
        its__cv_reprobe(s->cv);
        s->chg = CHG_COLD;
    }
    if (st == ITS_OK) {
        memcpy(s->y, s->hist->y, s->n * sizeof *s->y);
        s->stats.history_duration = s->hist->duration;
    }
    return st;
}

its_status its_sim_get_baseline(its_sim *s, double *y)
{
    its_status st;
    if (s == NULL || y == NULL)
        return ITS_EINVAL;
    s->errmsg[0] = '\0';
    st = start_state(s);
    if (st == ITS_OK)
        memcpy(y, s->y, s->n * sizeof *y);
    return st;
}

/* Check the times and set up a run from the initial values: tolerances,
 * state, rates, and the sorted switches (*n_ev of them); infusions switched
 * before t0 set the rates in force at t0, and *e is the first switch not
 * before t0. */
static its_status begin_run(its_sim *s, double t0, double t_end, const its__out *o,
                            size_t *n_ev, size_t *e)
{
    size_t i;
    its_status st;
    s->errmsg[0] = '\0';
    s->has_final = 0;
    memset(&s->stats, 0, sizeof s->stats);
    s->stats.t_reached = t0;
    s->seg_open = 0;
    s->t_fail = (double)NAN;
    if (!isfinite(t0) || !isfinite(t_end) || !(t_end > t0))
        return set_error(s, ITS_ERANGE,
                         "the end time (%g) must be after the start (%g)",
                         t_end, t0);
    for (i = 0; i < o->n; i++)
        if (!isfinite(o->t[i]) || o->t[i] < t0 || o->t[i] > t_end ||
            (i > 0 && !(o->t[i] > o->t[i - 1])))
            return set_error(s, ITS_ERANGE,
                             "output times must increase within [%g, %g]",
                             t0, t_end);
    if ((st = start_state(s)) != ITS_OK)
        return st;
    *n_ev = collect_switches(s);
    /* Boluses given before t0 are not part of this run. */
    for (i = 0; i < s->n_doses; i++)
        s->doses[i].given = (double)NAN;
    for (*e = 0; *e < *n_ev && s->sw[*e].t < t0 && !its__same_instant(s->sw[*e].t, t0); (*e)++)
        (void)apply_switch(s, &s->sw[*e], 0, t0);
    return ITS_OK;
}

/* Everything that happens at the instant t: doses and switches (between a
 * PREDOSE and a POSTDOSE row), then the grid rows up to t. */
static its_status at_instant(its_sim *s, double t, size_t n_ev, size_t *e, its__out *o)
{
    its_status st;
    if (*e < n_ev && its__same_instant(s->sw[*e].t, t)) {
        if ((st = emit(s, o, t, ITS_ROW_PREDOSE)) != ITS_OK)
            return st;
        for (; *e < n_ev && its__same_instant(s->sw[*e].t, t); (*e)++)
            if (apply_switch(s, &s->sw[*e], 1, t) != 0)
                return set_error(s, ITS_ECALLBACK, "the dose gate stopped the run "
                                 "at t = %.10g", t);
        if ((st = emit(s, o, t, ITS_ROW_POSTDOSE)) != ITS_OK)
            return st;
    }
    while (o->g < o->n && (o->t[o->g] <= t || its__same_instant(o->t[o->g], t))) {
        if (its__same_instant(o->t[o->g], t) && (st = emit(s, o, t, ITS_ROW_GRID)) != ITS_OK)
            return st;
        o->g++;
    }
    return ITS_OK;
}

/* A state crossed its floor at *t: set it to 0, report an EXTINCT row and
 * restart CVODE there. */
static its_status extinction(its_sim *s, double t, double stop, const its__out *o)
{
    size_t r;
    its_status st;
    for (r = 0; r < s->n_roots; r++)
        if (s->rootsfound[r] != 0) {
            s->y[s->root_state[r]] = 0.0;
            s->stats.extinctions++;
        }
    end_segment(s);
    if ((st = emit(s, o, t, ITS_ROW_EXTINCT)) != ITS_OK)
        return st;
    st = start_segment(s, t, s->nonneg && !s->clip, stop);
    if (st != ITS_OK)
        set_error(s, st, "%s", its__cv_errmsg(s->cv));
    return st;
}

/* One segment: restart CVODE at (*t, y) and integrate to `stop`, reporting
 * grid rows and extinctions on the way. */
static its_status run_segment(its_sim *s, double *t, double stop, its__out *o)
{
    its_status st = next_segment(s, *t, stop);
    if (st != ITS_OK)
        return set_error(s, st, "%s", its__cv_errmsg(s->cv));
    while (*t < stop) {
        int root = 0;
        double tout;
        if (o->g < o->n && its__same_instant(o->t[o->g], *t)) {
            /* A grid time within round-off of a restart (after an
             * extinction): report it here, CVODE cannot step to it. */
            if ((st = emit(s, o, *t, ITS_ROW_GRID)) != ITS_OK)
                return st;
            o->g++;
            continue;
        }
        tout = (o->g < o->n && o->t[o->g] < stop && !its__same_instant(o->t[o->g], stop))
                   ? o->t[o->g] : stop;
        st = its__cv_advance(s->cv, tout, t, s->y, &root, s->rootsfound);
        if (st == ITS_ESOLVER && s->nonneg && !s->clip) {
            /* With a state decaying towards zero below atol, CVODE's
             * constraint handling can fail ("unable to satisfy
             * inequality constraints", or corrector failures when the
             * constraint keeps cutting the step). Finish this segment
             * from the last reported state without CVODE's constraints,
             * with the model evaluated at max(y, 0) and outputs
             * clipped; a second failure is reported as it is. */
            end_segment(s);
            s->clip = 1;
            s->stats.clip_restarts++;
            st = start_segment(s, *t, 0, stop);
            if (st == ITS_OK)
                continue;
        }
        if (st != ITS_OK) {
            end_segment(s);
            solver_failure(s, st);
            return st;
        }
        if (s->nonneg)
            clamp_nonnegative(s);
        if (root) {
            if ((st = extinction(s, *t, stop, o)) != ITS_OK)
                return st;
            continue;
        }
        if (*t >= stop) {
            *t = stop; /* CVODE returns exactly tstop; make it explicit */
            break;
        }
        if (o->g < o->n && *t == o->t[o->g]) {
            if ((st = emit(s, o, *t, ITS_ROW_GRID)) != ITS_OK)
                return st;
            o->g++;
        }
    }
    end_segment(s);
    if (s->clip)
        s->chg = CHG_COLD; /* CVODE ran without its constraints */
    s->clip = 0;
    return ITS_OK;
}

its_status its_sim_run(its_sim *s, double t0, double t_end,
                       const double *t_out, size_t n_out,
                       its_observer_fn obs, void *user)
{
    its__out o;
    its_status st;
    size_t n_ev = 0, e = 0;
    double t = t0;

    if (s == NULL || (n_out > 0 && t_out == NULL))
        return ITS_EINVAL;
    o.t = t_out;
    o.n = n_out;
    o.g = 0;
    o.obs = obs;
    o.user = user;
    st = begin_run(s, t0, t_end, &o, &n_ev, &e);
    if (st != ITS_OK)
        return st;
    for (;;) {
        double stop;
        if ((st = at_instant(s, t, n_ev, &e, &o)) != ITS_OK)
            break;
        if (t >= t_end || its__same_instant(t, t_end))
            break;
        stop = (e < n_ev && s->sw[e].t < t_end) ? s->sw[e].t : t_end;
        if ((st = run_segment(s, &t, stop, &o)) != ITS_OK)
            break;
    }
    /* A run stopped inside a segment (observer, e.g. at a death) keeps the
     * counters of that segment too. */
    end_segment(s);
    /* Where the run ended: the end time, the instant an observer or gate
     * stopped it, or the solver's own time when it gave up (which can lie
     * beyond the last row reported). */
    s->stats.t_reached = isfinite(s->t_fail) && s->t_fail > t ? s->t_fail : t;
    s->clip = 0;
    memcpy(s->yfinal, s->y, s->n * sizeof *s->y);
    s->has_final = 1;
    return st;
}

its_status its_sim_get_final_state(const its_sim *s, double *y)
{
    if (s == NULL || y == NULL)
        return ITS_EINVAL;
    if (!s->has_final)
        return ITS_EINVAL;
    memcpy(y, s->yfinal, s->n * sizeof *y);
    return ITS_OK;
}

its_status its_sim_get_stats(const its_sim *s, its_stats *stats)
{
    if (s == NULL || stats == NULL)
        return ITS_EINVAL;
    *stats = s->stats;
    return ITS_OK;
}

void its__sim_set_resume(its_sim *s, int on)
{
    s->resume = on != 0;
}

void its__sim_set_dense_jacobian(its_sim *s, int dense)
{
    s->dense_jac = dense != 0;
    its__cv_set_dense_jacobian(s->cv, s->dense_jac);
}

struct its__cv *its__sim_cv(its_sim *s)
{
    return s->cv;
}
