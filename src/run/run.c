/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: running a scenario. The scenario layer resolves it into a plan
 * (parameter vector, initial state, doses, grid); the run builds the
 * simulation from the plan, runs it with the protocol rules as the dose
 * gate, stores the rows and collects the clinical read-outs. */
#include "run/run.h"

#include <math.h>
#include <string.h>

/* ---- the dose gate ---------------------------------------------------------- */

/* The dose gate of a scenario run: the first matching rule decides, and
 * the dose remembers which (rule_of, indexed like the plan's doses). */
typedef struct rule_gate {
    const its__plan *plan;
    int *stopped;          /* per rule: stop_if has fired */
    int *rule_of;          /* per dose: deciding rule or -1 */
    double *obs;           /* observables at the dose (rules on observables) */
    int obs_ok;
    const int *progressed; /* clinical: PD seen (stop_at_progression), or NULL */
    const its_ctcae *grades; /* clinical: current CTCAE grades, or NULL */
} rule_gate;

static double scenario_gate(double t, const double *y, size_t n, size_t dose,
                            const char *input, double planned, void *user)
{
    rule_gate *g = user;
    const its__plan *p = g->plan;
    int k = its_model_input_index(p->model, input), hit = -1;
    double give = 1.0;
    size_t i;
    (void)n;
    (void)planned;
    g->obs_ok = 0;
    if (g->progressed && *g->progressed) {
        g->rule_of[dose] = ITS__HELD_PD;
        return 0.0;
    }
    for (i = 0; i < p->n_rules && hit < 0; i++) {
        const its__rule *r = &p->rules[i];
        double x;
        if (r->input >= 0 && r->input != k)
            continue;
        if (g->stopped[i]) {
            hit = (int)i;
            give = 0.0;
            break;
        }
        if (r->grade >= 0) {
            x = g->grades ? (double)its_ctcae_grade(g->grades, (its_ae_term)r->grade) : -1.0;
        } else if (r->state >= 0) {
            x = y[r->state];
        } else {
            if (!g->obs_ok)
                g->obs_ok = p->model->observe(t, y, p->params, g->obs, p->model->data) == 0;
            x = g->obs_ok ? g->obs[r->obs] : (double)NAN;
        }
        if (!(r->op > 0 ? (x > r->value || (r->or_equal && x == r->value))
                        : (x < r->value || (r->or_equal && x == r->value))))
            continue;
        hit = (int)i;
        if (r->action == 2)
            g->stopped[i] = 1;
        give = r->action == 1 ? r->factor : 0.0;
    }
    g->rule_of[dose] = hit;
    return give;
}

/* ---- rows ----------------------------------------------------------------- */

typedef struct run_ctx {
    its_result *res;
    size_t n_states;
    its_status fail;    /* ITS_OK, or why storing a row failed */
    const unsigned char *flags; /* per run-grid time: ITS__ROW_* */
    size_t n_grid, cursor;
    int died;
    int keep;           /* store the rows (0: a trial's run keeps only the
                           clinical read-outs, the final state and stats) */
} run_ctx;

static int grow_rows(its_result *res, size_t n_states, size_t want)
{
    double *t, *y;
    unsigned char *kind;
    if (want <= res->cap_rows)
        return 0;
    if (want > ((size_t)-1 / sizeof(double)) / (n_states ? n_states : 1))
        return -1;
    t = its__realloc(res->t, want * sizeof *t);
    if (!t)
        return -1;
    res->t = t;
    kind = its__realloc(res->kind, want);
    if (!kind)
        return -1;
    res->kind = kind;
    y = its__realloc(res->y, want * (n_states ? n_states : 1) * sizeof *y);
    if (!y)
        return -1;
    res->y = y;
    res->cap_rows = want;
    return 0;
}

/* Observer: stores every row (outside the right-hand side, so growing the
 * buffer here is fine). */
static int store_row(double t, const double *y, size_t n_states,
                     its_row_kind kind, void *user)
{
    run_ctx *ctx = user;
    its_result *res = ctx->res;
    unsigned flags = ITS__ROW_OUTPUT;
    int died = 0;
    if (n_states != ctx->n_states)
        return 1;
    if (kind == ITS_ROW_GRID && ctx->flags) {
        flags = ctx->cursor < ctx->n_grid ? ctx->flags[ctx->cursor] : ITS__ROW_OUTPUT;
        ctx->cursor++;
    }
    if (res->plan.clin.on) {
        its_status st = its__clin_row(res, t, y, kind, flags, &died);
        if (st != ITS_OK) {
            ctx->fail = st;
            return 1;
        }
        if (died) {
            ctx->died = 1;
            flags |= ITS__ROW_OUTPUT; /* the last row: the time of death */
        }
    }
    if (!(flags & ITS__ROW_OUTPUT) || !ctx->keep)
        return died; /* a death ends the run also when no row is kept */
    if (res->n_rows == res->cap_rows &&
        grow_rows(res, n_states, res->cap_rows + res->cap_rows / 2 + 16) != 0) {
        ctx->fail = ITS_ENOMEM;
        return 1;
    }
    res->t[res->n_rows] = t;
    res->kind[res->n_rows] = (unsigned char)kind;
    if (n_states)
        memcpy(res->y + res->n_rows * n_states, y, n_states * sizeof *y);
    res->n_rows++;
    return died;
}

void its_result_free(its_result *res)
{
    if (!res)
        return;
    its__plan_clear(&res->plan);
    its__free(res->t);
    its__free(res->kind);
    its__free(res->y);
    its__free(res->final_state);
    its__free(res->given);
    its__free(res->rule_of);
    its__clin_free(&res->clin);
    its__free(res->err);
    its__free(res);
}

/* ---- running ----------------------------------------------------------------- */

/* The simulation of a plan: the plan's parameters and initial values (those
 * that differ from the simulation's defaults; all were checked when the
 * plan was made), its solver settings and doses. A refusal is recorded in
 * sc naming the setting as resolution would. */
its_status its__plan_sim(its_scenario *sc, const its__plan *plan, its_sim **out)
{
    const its_model_def *m = plan->model;
    char msg[ITS__ERRLEN];
    its_sim *sim = NULL;
    its_status st;
    size_t i;

    st = its_sim_create(m, &sim, msg, sizeof msg);
    if (st != ITS_OK) {
        char why[ITS__ERRLEN / 2];
        its__fmt(why, sizeof why, "%s", msg[0] ? msg : its_strerror(st));
        its__fmt(msg, sizeof msg, "cannot set up the simulation: %s", why);
        return its__scenario_fail_at(sc, st, ITS__AT_MODEL, 0, msg);
    }
    *out = sim;
    /* one check and one initial-state derivation for all parameters, not one
     * per changed parameter (a drawn patient changes many) */
    st = its_sim_set_param_vector(sim, plan->params);
    for (i = 0; i < m->n_states && st == ITS_OK; i++)
        if (its_sim_initial(sim)[i] != plan->initial[i])
            st = its_sim_set_initial(sim, m->states[i].name, plan->initial[i]);
    if (st != ITS_OK)
        return its__scenario_fail_at(sc, st, ITS__AT_MODEL, 0, its_sim_errmsg(sim));
    /* rtol and atol are independent: each replaces only its own default */
    if (plan->has_rtol && (st = its_sim_set_rtol(sim, plan->rtol)) != ITS_OK)
        return its__scenario_fail_at(sc, st, ITS__AT_RTOL, 0, its_sim_errmsg(sim));
    if (plan->has_atol && (st = its_sim_set_atol(sim, plan->atol)) != ITS_OK)
        return its__scenario_fail_at(sc, st, ITS__AT_ATOL, 0, its_sim_errmsg(sim));
    (void)its_sim_set_history(sim, plan->history);
    if ((st = its_sim_set_method(sim, plan->method)) != ITS_OK)
        return its__scenario_fail_at(sc, st, ITS__AT_METHOD, 0, its_sim_errmsg(sim));
    if (plan->has_max_steps && (st = its_sim_set_max_steps(sim, plan->max_steps)) != ITS_OK)
        return its__scenario_fail_at(sc, st, ITS__AT_MAX_STEPS, 0, its_sim_errmsg(sim));
    for (i = 0; i < plan->n_doses && st == ITS_OK; i++) {
        const its__dose *d = &plan->doses[i];
        const char *in = m->inputs[d->input].name;
        st = d->infusion ? its_sim_add_infusion(sim, in, d->t, d->duration, d->rate)
             : d->has_release ? its_sim_add_release(sim, in, d->t, d->amount, &d->release)
                              : its_sim_add_bolus(sim, in, d->t, d->amount);
        if (st != ITS_OK)
            st = its__scenario_fail_at(sc, st, ITS__AT_THERAPY, d->item, its_sim_errmsg(sim));
    }
    return st;
}

/* What a run needs besides the simulation: room for the rows, the run grid
 * (with the clinical times merged in), the dose outcomes and the gate. */
typedef struct run_state {
    run_ctx ctx;
    rule_gate gate;
    double *grid;               /* the plan's grid or a merged copy */
    unsigned char *flags;       /* per grid time: ITS__ROW_*, or NULL */
    size_t n_grid;
} run_state;

its_status its__plan_baseline(its_scenario *sc, const its__plan *plan, its__hist_cache *hc,
                              double *y)
{
    its_sim *sim = NULL;
    its_status st = its__plan_sim(sc, plan, &sim);
    if (st == ITS_OK && hc != NULL)
        st = its__sim_use_hist_cache(sim, hc);
    if (st == ITS_OK && (st = its_sim_get_baseline(sim, y)) != ITS_OK)
        its__fmt(its__scenario_errbuf(sc), ITS__ERRLEN, "%s: %s", plan->source,
                 its_sim_errmsg(sim));
    its_sim_free(sim);
    return st;
}

static its_status prepare_run(its_result *res, its_sim *sim, run_state *rs)
{
    const its__plan *p = &res->plan;
    const size_t ns = p->model->n_states;
    its_status st;
    size_t i;

    rs->ctx.res = res;
    rs->ctx.n_states = ns;
    rs->grid = p->grid;
    rs->n_grid = p->n_grid;
    res->final_state = its__calloc(ns ? ns : 1, sizeof(double));
    /* expected rows: the grid plus a pre/post pair per switch */
    if (!res->final_state ||
        (rs->ctx.keep && grow_rows(res, ns, p->n_grid + 4 * p->n_doses + 16) != 0))
        return ITS_ENOMEM;
    if (p->clin.on) {
        st = its__clin_prepare(res, &rs->grid, &rs->flags, &rs->n_grid);
        if (st != ITS_OK)
            return st;
        rs->ctx.flags = rs->flags;
        rs->ctx.n_grid = rs->n_grid;
    }
    rs->gate.plan = p;
    res->given = its__calloc(p->n_doses + 1, sizeof *res->given);
    res->rule_of = its__calloc(p->n_doses + 1, sizeof *res->rule_of);
    rs->gate.rule_of = res->rule_of;
    rs->gate.stopped = its__calloc(p->n_rules + 1, sizeof *rs->gate.stopped);
    rs->gate.obs = its__calloc(p->model->n_observables + 1, sizeof *rs->gate.obs);
    if (!res->given || !res->rule_of || !rs->gate.stopped || !rs->gate.obs)
        return ITS_ENOMEM;
    for (i = 0; i < p->n_doses; i++)
        res->rule_of[i] = -1;
    if (p->clin.on && p->clin.stop_at_pd)
        rs->gate.progressed = &res->clin.progressed;
    if (p->clin.on)
        rs->gate.grades = res->clin.ctcae;
    if (p->n_rules > 0 || rs->gate.progressed)
        its_sim_set_dose_gate(sim, scenario_gate, &rs->gate);
    return ITS_OK;
}

/* After the run (status st): dose outcomes, statistics, clinical
 * evaluation, the final state and the run's message. ITS_ENOMEM, or st. */
static its_status finish_run(its_result *res, its_sim *sim, const run_state *rs, its_status st)
{
    const size_t ns = res->plan.model->n_states;
    size_t i;
    for (i = 0; i < res->plan.n_doses; i++) {
        its_dose_record rec;
        res->given[i] = its_sim_get_dose_record(sim, i, &rec) == ITS_OK ? rec.given : (double)NAN;
    }
    if (rs->ctx.fail != ITS_OK)
        return rs->ctx.fail;
    if (its_sim_get_stats(sim, &res->stats) != ITS_OK)
        memset(&res->stats, 0, sizeof res->stats);
    if (res->plan.clin.on && its__clin_finish(res) == ITS_ENOMEM)
        return ITS_ENOMEM;
    res->status = st;
    if (st == ITS_OK && rs->ctx.died) {
        its__fmt(res->message, sizeof res->message, "the patient died at t = %.10g %s (%s)",
                 res->clin.death, res->plan.model->time_unit,
                 res->clin.death_cause == 1 ? "lethal tumour burden"
                                            : "treatment-related, grade 5");
    } else if (st == ITS_OK) {
        if (its_sim_get_final_state(sim, res->final_state) == ITS_OK)
            res->has_final = 1;
    } else {
        its__fmt(res->message, sizeof res->message, "%s", its_sim_errmsg(sim));
    }
    if (!res->has_final && res->n_rows > 0 && ns) {
        memcpy(res->final_state, res->y + (res->n_rows - 1) * ns, ns * sizeof(double));
        res->has_final = 1;
    }
    return st;
}

/* Resolve, build, run (keep: store the rows). *out receives the result
 * when the simulation ran (ITS_OK or its failure); every other outcome
 * frees it on the one path at the end. */
static its_status run_scenario(its_scenario *sc, int keep, its__hist_cache *hc,
                               its_result **out)
{
    its_result *res;
    its_sim *sim = NULL;
    run_state rs;
    its_status st;
    char *err;
    int ran = 0;

    if (!out)
        return ITS_EINVAL;
    *out = NULL;
    if (!sc)
        return ITS_EINVAL;
    err = its__scenario_errbuf(sc);
    err[0] = '\0';
    memset(&rs, 0, sizeof rs);
    rs.ctx.keep = keep;
    res = its__calloc(1, sizeof *res);
    st = res && (res->err = its__calloc(1, ITS__ERRLEN)) != NULL ? ITS_OK : ITS_ENOMEM;
    if (st == ITS_OK)
        st = its__scenario_plan(sc, &res->plan);
    if (st == ITS_OK)
        st = its__plan_sim(sc, &res->plan, &sim);
    if (st == ITS_OK && hc != NULL)
        st = its__sim_use_hist_cache(sim, hc);
    if (st == ITS_OK && (st = prepare_run(res, sim, &rs)) != ITS_OK && st != ITS_ENOMEM)
        its__fmt(err, ITS__ERRLEN, "%s: clinical: settings out of range for the read-outs: %s",
                 res->plan.source, res->message);
    if (st == ITS_OK) {
        st = its_sim_run(sim, res->plan.t0, res->plan.t1, rs.grid, rs.n_grid, store_row,
                         &rs.ctx);
        if (st == ITS_ECALLBACK && rs.ctx.died && rs.ctx.fail == ITS_OK)
            st = ITS_OK; /* the patient died: the course ends there */
        st = finish_run(res, sim, &rs, st);
        ran = st != ITS_ENOMEM;
        if (ran && st != ITS_OK)
            its__fmt(err, ITS__ERRLEN, "%s: run failed: %s", res->plan.source, res->message);
    }
    if (st == ITS_ENOMEM)
        its__fmt(err, ITS__ERRLEN, "%s", "out of memory");
    its__free(rs.gate.stopped);
    its__free(rs.gate.obs);
    if (res && rs.grid != res->plan.grid)
        its__free(rs.grid);
    its__free(rs.flags);
    its_sim_free(sim);
    if (ran)
        *out = res;
    else
        its_result_free(res);
    return st;
}

its_status its_scenario_run(its_scenario *sc, its_result **out)
{
    if (out)
        *out = NULL;
    if (sc && its_scenario_arm_count(sc) > 0) {
        its__fmt(its__scenario_errbuf(sc), ITS__ERRLEN,
                 "%s: the scenario has %zu arms: run them with its_scenario_run_arm "
                 "(itsim run does)", its__scenario_name(sc), its_scenario_arm_count(sc));
        return ITS_EINVAL;
    }
    return run_scenario(sc, 1, NULL, out);
}

its_status its__run_arm(const its_scenario *sc, size_t i, its_result **out, char *err)
{
    its_scenario *local;
    its_status st;

    if (out)
        *out = NULL;
    if (!sc || !out || i >= its_scenario_arm_count(sc))
        return ITS_EINVAL;
    local = its__scenario_arm(sc, i);
    if (!local) {
        its__fmt(err, ITS__ERRLEN, "%s", its_strerror(ITS_ENOMEM));
        return ITS_ENOMEM;
    }
    st = run_scenario(local, 1, NULL, out);
    if (st != ITS_OK)
        its__fmt(err, ITS__ERRLEN, "arm '%s': %s", its_scenario_arm_name(sc, i),
                 its_scenario_errmsg(local));
    its__scenario_arm_free(local);
    if (*out) {
        /* the arm's description names it */
        its__plan *p = &(*out)->plan;
        const char *name = its_scenario_arm_name(sc, i);
        size_t n = strlen(name) + (p->description ? strlen(p->description) : 0) + 8;
        char *d = its__malloc(n);
        if (!d) {
            /* the result would lack its name: not a full result */
            its_result_free(*out);
            *out = NULL;
            its__fmt(err, ITS__ERRLEN, "%s", its_strerror(ITS_ENOMEM));
            return ITS_ENOMEM;
        }
        its__fmt(d, n, "%s%s%s", name, p->description ? ": " : "",
                 p->description ? p->description : "");
        its__free(p->description);
        p->description = d;
    }
    return st;
}

its_status its__run_patient(its_scenario *copy, const its__patient_ovr *ov, int keep_rows,
                            its__hist_cache *hc, its_result **out)
{
    if (out)
        *out = NULL;
    if (!copy || !out)
        return ITS_EINVAL;
    its__scenario_set_patient(copy, ov);
    {
        its_status st = run_scenario(copy, keep_rows, hc, out);
        its__scenario_set_patient(copy, NULL);
        return st;
    }
}

its_status its_scenario_run_arm(its_scenario *sc, size_t i, its_result **out)
{
    if (sc)
        its__scenario_errbuf(sc)[0] = '\0';
    return its__run_arm(sc, i, out, sc ? its__scenario_errbuf(sc) : NULL);
}

/* ---- result accessors ---------------------------------------------------------- */

its_status its_result_get_stats(const its_result *res, its_stats *stats)
{
    if (!res || !stats)
        return ITS_EINVAL;
    *stats = res->stats;
    return ITS_OK;
}

const char *its_result_errmsg(const its_result *res)
{
    if (!res)
        return "no result";
    if (res->err && res->err[0])
        return res->err;
    return res->message;
}
