/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the simulation engine on problems with analytic solutions
 * (logistic growth, one-compartment bolus and infusion), tolerance
 * convergence, extinction floors, re-entrancy and every error path. */
#include <math.h>
#include <string.h>

#include <limits.h>

#include "core/core.h"
#include "itsim/itsim.h"
#include "its_test.h"

/* ---- user-defined test models (public its_model_def) -------------------- */

static int logistic_rhs(double t, const double *y, double *dy, const double *p,
                        const void *data)
{
    (void)t;
    (void)data;
    dy[0] = p[0] * y[0] * (1.0 - y[0] / p[1]);
    return 0;
}

static const its_state_def logistic_states[] = {{"N", "cell", 10.0, 0.0, "population"}};
static const its_param_def logistic_params[] = {
    {"r", 0.35, "1/d", ITS_DOMAIN_NONNEGATIVE, "growth rate", "assumed: test value"},
    {"K", 1e6, "cell", ITS_DOMAIN_POSITIVE, "carrying capacity", "assumed: test value"},
};
static const its_model_def logistic = {
    .version = ITS_MODEL_VERSION, .name = "logistic", .title = "logistic growth",
    .reference = "analytic", .time_unit = "d", .notes = "",
    .n_states = 1, .states = logistic_states, .n_params = 2, .params = logistic_params,
    .rhs = logistic_rhs,
};

static double logistic_exact(double t)
{
    const double r = 0.35, K = 1e6, y0 = 10.0;
    return K / (1.0 + (K / y0 - 1.0) * exp(-r * t));
}

/* One compartment: dC/dt = -k C, a dose of D mg into volume V adds D/V. */
static int onecpt_rhs(double t, const double *y, double *dy, const double *p,
                      const void *data)
{
    (void)t;
    (void)data;
    dy[0] = -p[0] * y[0];
    return 0;
}

static const its_state_def onecpt_states[] = {{"C", "mg/L", 0.0, 0.0, "concentration"}};
static const its_param_def onecpt_params[] = {
    {"k", 0.173, "1/h", ITS_DOMAIN_NONNEGATIVE, "elimination rate", "assumed: test value"},
};
static const its_input_def onecpt_inputs[] = {
    {"drug", "C", 1.0 / 5.0, "mg", "dose into a 5 L volume", NULL},
};
static const its_model_def onecpt = {
    .version = ITS_MODEL_VERSION, .name = "onecpt", .title = "one-compartment PK",
    .reference = "analytic", .time_unit = "h", .notes = "",
    .n_states = 1, .states = onecpt_states, .n_params = 1, .params = onecpt_params,
    .n_inputs = 1, .inputs = onecpt_inputs, .rhs = onecpt_rhs,
};

static int failing_rhs(double t, const double *y, double *dy, const double *p,
                       const void *data)
{
    (void)y;
    (void)p;
    (void)data;
    dy[0] = 1.0;
    return t > 2.0 ? -1 : 0;
}
/* dy/dt = -1: crosses zero at t = y0, for the non-negativity switch. */
static int drain_rhs(double t, const double *y, double *dy, const double *p,
                     const void *data)
{
    (void)t;
    (void)y;
    (void)p;
    (void)data;
    dy[0] = -1.0;
    return 0;
}
static const its_model_def drain = {
    .version = ITS_MODEL_VERSION, .name = "drain", .title = "constant outflow",
    .reference = "test", .time_unit = "d", .notes = "",
    .n_states = 1, .states = logistic_states, .rhs = drain_rhs,
};

static const its_model_def failing = {
    .version = ITS_MODEL_VERSION, .name = "failing", .title = "rhs fails after t = 2",
    .reference = "test", .time_unit = "d", .notes = "",
    .n_states = 1, .states = logistic_states, .rhs = failing_rhs,
};

/* ---- observers ------------------------------------------------------------ */

typedef struct rows {
    size_t n;
    double t[512];
    double y[512];
    int kind[512];
} rows;

static int keep(double t, const double *y, size_t n, its_row_kind k, void *ud)
{
    rows *r = ud;
    (void)n;
    if (r->n < 512) {
        r->t[r->n] = t;
        r->y[r->n] = y[0];
        r->kind[r->n] = (int)k;
        r->n++;
    }
    return 0;
}

static int stop_at_third(double t, const double *y, size_t n, its_row_kind k,
                         void *ud)
{
    int *count = ud;
    (void)t;
    (void)y;
    (void)n;
    (void)k;
    return ++*count >= 3;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_logistic(void)
{
    its_sim *s = NULL;
    rows r;
    double grid[41], maxerr = 0.0, prev = INFINITY;
    double rtols[4] = {1e-4, 1e-6, 1e-8, 1e-10};
    size_t i, j;
    int monotone = 1;

    for (i = 0; i <= 40; i++)
        grid[i] = 1.5 * (double)i;
    its_test_true(its_sim_create(&logistic, &s, NULL, 0) == ITS_OK, "create logistic");
    memset(&r, 0, sizeof r);
    its_test_true(its_sim_run(s, 0.0, 60.0, grid, 41, keep, &r) == ITS_OK,
                  "logistic run");
    its_test_true(r.n == 41, "41 grid rows (got %zu)", r.n);
    for (i = 0; i < r.n; i++)
        maxerr = fmax(maxerr, fabs(r.y[i] / logistic_exact(r.t[i]) - 1.0));
    /* Default rtol 1e-8: global error stays within a few hundred rtol. */
    its_test_true(maxerr < 1e-6, "logistic max rel error %.3g < 1e-6", maxerr);

    /* Convergence: the error at t = 30 (steepest growth) shrinks as the
     * tolerances tighten; the global error of BDF stays within ~100 rtol. */
    for (j = 0; j < 4; j++) {
        double y, err, t30 = 30.0;
        rows rr;
        memset(&rr, 0, sizeof rr);
        its_sim_set_tolerances(s, rtols[j], rtols[j] * 1e-2);
        its_sim_run(s, 0.0, 30.0, &t30, 1, keep, &rr);
        y = rr.y[0];
        err = fabs(y / logistic_exact(30.0) - 1.0);
        printf("      rtol %.0e: rel error %.3g\n", rtols[j], err);
        if (err > prev)
            monotone = 0;
        prev = err;
    }
    its_test_true(monotone, "error decreases as rtol tightens");
    its_test_true(prev < 1e-8, "rtol 1e-10 error %.3g < 1e-8 (100 rtol)", prev);

    /* Adams-Moulton gives the same solution. */
    its_test_true(its_sim_set_method(s, ITS_METHOD_ADAMS) == ITS_OK, "Adams");
    memset(&r, 0, sizeof r);
    its_sim_set_tolerances(s, 1e-9, 1e-9);
    its_sim_run(s, 0.0, 60.0, grid, 41, keep, &r);
    its_test_rel(r.y[20], logistic_exact(30.0), 1e-6, "Adams logistic at t = 30");
    its_sim_free(s);
}

static void test_bolus(void)
{
    its_sim *s = NULL;
    rows r;
    const double k = 0.173, D = 100.0, V = 5.0;
    double grid[3] = {0.0, 4.0, 10.0};
    its_stats st;

    its_test_true(its_sim_create(&onecpt, &s, NULL, 0) == ITS_OK, "create onecpt");
    its_sim_add_bolus(s, "drug", 0.0, D);
    its_sim_add_bolus(s, "drug", 6.0, D);
    memset(&r, 0, sizeof r);
    its_test_true(its_sim_run(s, 0.0, 10.0, grid, 3, keep, &r) == ITS_OK, "run");
    /* Rows: pre(0) post(0) grid(0) grid(4) pre(6) post(6) grid(10). */
    its_test_true(r.n == 7, "7 rows (got %zu)", r.n);
    its_test_true(r.kind[0] == ITS_ROW_PREDOSE && r.kind[1] == ITS_ROW_POSTDOSE &&
                      r.kind[2] == ITS_ROW_GRID && r.kind[4] == ITS_ROW_PREDOSE,
                  "row kinds in order");
    its_test_abs(r.y[0], 0.0, 0.0, "pre-dose at t0 is the initial value");
    /* Exact solutions; rtol 1e-8 gives ~1e-8 relative error here. */
    its_test_rel(r.y[1], D / V, 1e-12, "post-dose jump D/V (exact arithmetic)");
    its_test_rel(r.y[3], D / V * exp(-k * 4.0), 1e-7, "C(4) = D/V e^{-4k}");
    its_test_rel(r.y[4], D / V * exp(-k * 6.0), 1e-7, "C just before 2nd dose");
    its_test_rel(r.y[5], D / V * (exp(-k * 6.0) + 1.0), 1e-7, "C just after 2nd dose");
    its_test_rel(r.y[6], D / V * (exp(-k * 10.0) + exp(-k * 4.0)), 1e-7,
                 "C(10) superposition");
    its_sim_get_stats(s, &st);
    its_test_true(st.segments == 2 && st.steps > 0 && st.rhs_evals > 0,
                  "2 integration segments, %ld steps", st.steps);
    its_sim_free(s);
}

static void test_infusion(void)
{
    its_sim *s = NULL;
    rows r;
    const double k = 0.173, R = 20.0, V = 5.0, t1 = 1.0, tau = 3.0;
    double grid[4] = {2.0, 4.0, 9.0, 100.0}, y_end;
    size_t i;

    its_sim_create(&onecpt, &s, NULL, 0);
    its_test_true(its_sim_add_infusion(s, "drug", t1, tau, R) == ITS_OK, "add infusion");
    memset(&r, 0, sizeof r);
    its_test_true(its_sim_run(s, 0.0, 9.0, grid, 3, keep, &r) == ITS_OK, "run");
    for (i = 0; i < r.n; i++) {
        double t = r.t[i], want;
        if (t <= t1)
            want = 0.0;
        else if (t <= t1 + tau)
            want = R / V / k * (1.0 - exp(-k * (t - t1)));
        else
            want = R / V / k * (1.0 - exp(-k * tau)) * exp(-k * (t - t1 - tau));
        if (want > 0.0)
            its_test_rel(r.y[i], want, 1e-7, "infusion row %zu (t = %g, kind %d)",
                         i, t, r.kind[i]);
    }
    its_test_true(r.n == 7, "rows: 2 switch pairs + 3 grid (got %zu)", r.n);

    /* Constant infusion (infinite duration): steady state R/(V k). */
    its_sim_clear_doses(s);
    its_sim_add_infusion(s, "drug", 0.0, INFINITY, R);
    its_sim_run(s, 0.0, 200.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, &y_end);
    its_test_rel(y_end, R / V / k, 1e-7, "constant infusion steady state R/(V k)");
    its_sim_free(s);
}

static void test_floor_and_reuse(void)
{
    its_sim *s = NULL, *s2 = NULL;
    rows r;
    its_stats st;
    double y1[3], y2[3], y3[3];
    size_t i;
    int found = 0;

    /* One compartment from C0 = 1 crosses 0.5 at t = ln 2 / k. */
    its_sim_create(&onecpt, &s, NULL, 0);
    its_sim_set_initial(s, "C", 1.0);
    its_test_true(its_sim_set_floor(s, "C", 0.5) == ITS_OK, "set floor");
    memset(&r, 0, sizeof r);
    its_sim_run(s, 0.0, 20.0, NULL, 0, keep, &r);
    for (i = 0; i < r.n; i++)
        if (r.kind[i] == ITS_ROW_EXTINCT) {
            found = 1;
            its_test_rel(r.t[i], log(2.0) / 0.173, 1e-6, "floor crossed at ln2/k");
            its_test_abs(r.y[i], 0.0, 0.0, "state set to exactly 0");
        }
    its_test_true(found, "an EXTINCT row was reported");
    its_sim_get_final_state(s, y1);
    its_test_abs(y1[0], 0.0, 0.0, "stays extinct");
    its_sim_get_stats(s, &st);
    its_test_true(st.extinctions == 1, "one extinction counted");
    its_sim_free(s);

    /* Same handle twice, and a second handle: bit-identical results. */
    its_sim_create(its_model_find("kirschner1998"), &s, NULL, 0);
    its_sim_create(its_model_find("kirschner1998"), &s2, NULL, 0);
    its_sim_run(s, 0.0, 500.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, y1);
    its_sim_run(s, 0.0, 500.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, y2);
    its_sim_run(s2, 0.0, 500.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s2, y3);
    its_test_true(memcmp(y1, y2, sizeof y1) == 0 && memcmp(y2, y3, sizeof y1) == 0,
                  "re-runs and handles agree exactly");
    its_sim_free(s);
    its_sim_free(s2);
}

static void test_errors(void)
{
    its_sim *s = NULL;
    double grid[2] = {2.0, 1.0}, v;
    int count = 0;
    its_status st;
    int i;

    its_test_true(its_sim_create(NULL, &s, NULL, 0) == ITS_EINVAL && s == NULL,
                  "create(NULL model)");
    its_test_true(its_sim_create(&logistic, NULL, NULL, 0) == ITS_EINVAL, "create(NULL out)");
    its_sim_free(NULL);
    its_sim_create(&onecpt, &s, NULL, 0);
    its_test_true(its_sim_set_param(s, "nope", 1.0) == ITS_ENOTFOUND &&
                      strstr(its_sim_errmsg(s), "nope") != NULL,
                  "unknown parameter named in message: %s", its_sim_errmsg(s));
    its_test_true(its_sim_set_param(s, "k", NAN) == ITS_ERANGE, "NaN parameter");
    its_test_true(its_sim_get_param(s, "zz", &v) == ITS_ENOTFOUND, "get unknown");
    its_test_true(its_sim_set_initial(s, "X", 1.0) == ITS_ENOTFOUND, "unknown state");
    its_test_true(its_sim_set_initial(s, "C", -1.0) == ITS_ERANGE, "negative initial");
    its_test_true(its_sim_set_initial(s, "C", INFINITY) == ITS_ERANGE, "inf initial");
    its_test_true(its_sim_apply_set(s, "none") == ITS_ENOTFOUND, "unknown set");
    its_test_true(its_sim_add_bolus(s, "other", 1.0, 1.0) == ITS_ENOTFOUND, "unknown input");
    its_test_true(its_sim_add_bolus(s, "drug", 1.0, -1.0) == ITS_ERANGE, "negative dose");
    its_test_true(its_sim_add_bolus(s, "drug", NAN, 1.0) == ITS_ERANGE, "NaN dose time");
    its_test_true(its_sim_add_infusion(s, "drug", 0.0, 0.0, 1.0) == ITS_ERANGE,
                  "zero duration");
    its_test_true(its_sim_add_infusion(s, "drug", 0.0, 1.0, -2.0) == ITS_ERANGE,
                  "negative rate");
    its_test_true(its_sim_dose_count(s) == 0, "no dose was added by bad calls");
    its_test_true(its_sim_set_tolerances(s, 0.0, 1e-6) == ITS_ERANGE, "rtol 0");
    its_test_true(its_sim_set_tolerances(s, 1e-6, -1.0) == ITS_ERANGE, "atol < 0");
    its_test_true(its_sim_set_max_steps(s, 0) == ITS_ERANGE, "max_steps 0");
    its_test_true(its_sim_set_method(s, (its_method)7) == ITS_EINVAL, "bad method");
    its_test_true(its_sim_set_floor(s, "C", -1.0) == ITS_ERANGE, "negative floor");
    its_test_true(its_sim_run(s, 5.0, 5.0, NULL, 0, NULL, NULL) == ITS_ERANGE,
                  "end == start: %s", its_sim_errmsg(s));
    its_test_true(its_sim_run(s, 5.0, 1.0, NULL, 0, NULL, NULL) == ITS_ERANGE,
                  "end before start");
    its_test_true(its_sim_run(s, 0.0, 5.0, grid, 2, NULL, NULL) == ITS_ERANGE,
                  "decreasing output times");
    grid[0] = 1.0;
    grid[1] = 9.0;
    its_test_true(its_sim_run(s, 0.0, 5.0, grid, 2, NULL, NULL) == ITS_ERANGE,
                  "output time after the end");
    its_test_true(its_sim_get_final_state(s, &v) == ITS_EINVAL, "no final state before a run");
    grid[1] = 2.0;
    its_sim_add_bolus(s, "drug", 0.5, 1.0);
    its_test_true(its_sim_run(s, 0.0, 5.0, grid, 2, stop_at_third, &count) ==
                      ITS_ECALLBACK,
                  "observer stops the run");
    its_sim_free(s);

    /* Solver failures come back as ITS_ESOLVER with CVODE's reason, the
     * state that limited the step and what to try; the statistics say
     * where the run ended. */
    its_sim_create(its_model_find("kirschner1998"), &s, NULL, 0);
    its_sim_set_max_steps(s, 5);
    st = its_sim_run(s, 0.0, 1000.0, NULL, 0, NULL, NULL);
    its_test_true(st == ITS_ESOLVER && strlen(its_sim_errmsg(s)) > 0,
                  "too much work: %s", its_sim_errmsg(s));
    {
        const char *m = its_sim_errmsg(s), *w = strstr(m, "limited by state ");
        char name[32] = "";
        its_stats stats;
        if (w != NULL)
            sscanf(w + strlen("limited by state "), "%31[^ (]", name);
        its_test_true(its_model_state_index(its_model_find("kirschner1998"), name) >= 0,
                      "failure names the state limiting the step: '%s'", name);
        its_test_true(strstr(m, "simulate.max_steps") != NULL &&
                          strstr(m, "simulate.method") != NULL &&
                          strstr(m, "simulate.rtol") != NULL,
                      "failure says what to try");
        its_sim_get_stats(s, &stats);
        /* 5 steps from t = 0 cannot reach t = 1000 */
        its_test_true(stats.t_reached > 0.0 && stats.t_reached < 1000.0 && stats.steps >= 5,
                      "t_reached %g where the solver gave up, %ld steps", stats.t_reached,
                      stats.steps);
    }
    its_sim_free(s);
    its_sim_create(&failing, &s, NULL, 0);
    st = its_sim_run(s, 0.0, 10.0, NULL, 0, NULL, NULL);
    its_test_true(st == ITS_ESOLVER, "failing right-hand side: %s", its_sim_errmsg(s));
    its_sim_free(s);

    for (i = -10; i <= 0; i++)
        its_test_true(strcmp(its_strerror((its_status)i), "unknown status") != 0 &&
                          strncmp(its_status_name((its_status)i), "ITS_", 4) == 0,
                      "status %d: %s (%s)", i, its_strerror((its_status)i),
                      its_status_name((its_status)i));
    its_test_true(strcmp(its_strerror((its_status)-99), "unknown status") == 0,
                  "unknown status string");
}

/* Times that differ only by round-off are one instant: a dose at 0.1 + 0.2
 * and an output at 0.3; a long course of many doses stays linear in cost. */
static void test_close_times_and_many_doses(void)
{
    its_sim *s = NULL;
    rows r;
    double grid[3] = {0.3, 17 * 0.1, 2.0}, y;
    its_stats st;
    size_t i;
    int n_pre = 0;

    its_sim_create(&onecpt, &s, NULL, 0);
    its_sim_add_bolus(s, "drug", 0.1 + 0.2, 10.0);
    its_sim_add_infusion(s, "drug", 0.3 + 2 * 0.7, 0.3, 5.0);
    memset(&r, 0, sizeof r);
    its_test_true(its_sim_run(s, 0.0, 2.0, grid, 3, keep, &r) == ITS_OK,
                  "near-coincident dose and output times: %s", its_sim_errmsg(s));
    for (i = 0; i < r.n; i++)
        n_pre += r.kind[i] == ITS_ROW_PREDOSE;
    /* Instants: bolus 0.3, infusion on 1.7, infusion off 2.0 (= end). */
    its_test_true(n_pre == 3 && r.n == 9, "3 dose instants, 9 rows (got %d, %zu)",
                  n_pre, r.n);
    its_test_rel(r.y[2], 10.0 / 5.0, 1e-12, "grid row at 0.3 shows the post-dose state");

    /* 20,000 boluses of 0.01 mg every 0.01 h approximate a 1 mg/h infusion
     * (the Hahnfeldt "continuous" proxy); with k = 0.173/h the concentration
     * at 200 h is close to the infusion's 1/(5 k) (1 - e^{-200 k}). */
    its_sim_clear_doses(s);
    for (i = 0; i < 20000; i++)
        its_sim_add_bolus(s, "drug", 0.01 * (double)i, 0.01);
    its_test_true(its_sim_run(s, 0.0, 200.0, NULL, 0, NULL, NULL) == ITS_OK,
                  "20,000 boluses");
    its_sim_get_final_state(s, &y);
    its_sim_get_stats(s, &st);
    /* Discrete 0.01-h pulses vs continuous: offset ~ k*dt/2 ~ 0.1 %. */
    its_test_rel(y, 1.0 / (5.0 * 0.173) * (1.0 - exp(-200.0 * 0.173)), 2e-3,
                 "pulse train approximates the infusion (%ld segments)", st.segments);
    its_sim_free(s);
}

/* Constraints: with non-negativity off a state may go negative (y = 10 - t);
 * with it on (the default) CVODE cannot follow a rhs that forces y < 0 and
 * fails cleanly instead of returning a negative population. */
static void test_nonnegative_switch(void)
{
    its_sim *s = NULL;
    double y = 0.0;
    its_status st;
    its_sim_create(&drain, &s, NULL, 0);
    its_test_true(its_sim_set_nonnegative(s, 0) == ITS_OK, "constraints off");
    st = its_sim_run(s, 0.0, 13.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, &y);
    its_test_true(st == ITS_OK, "run without constraints: %s", its_sim_errmsg(s));
    its_test_rel(y, -3.0, 1e-9, "y(13) = 10 - 13 (linear: exact up to round-off)");
    its_sim_set_nonnegative(s, 1);
    st = its_sim_run(s, 0.0, 13.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, &y);
    its_test_true((st == ITS_ESOLVER || st == ITS_OK) && y >= 0.0,
                  "with constraints the state never goes negative (status %s, y %g)",
                  its_status_name(st), y);
    its_sim_free(s);
}

/* A tumour eliminated to far below atol: CVODE's constraints give up, the
 * engine finishes the segment with clipping, and the result matches an
 * unconstrained run (with the tiny negative tumour shown as 0). */
static void test_constraint_fallback(void)
{
    its_sim *s = NULL;
    double a[3], b[3];
    its_stats st;
    its_status rc;
    int k;
    its_sim_create(its_model_find("kirschner1998"), &s, NULL, 0);
    its_sim_set_tolerances(s, 1e-8, 1e-6);
    its_sim_set_initial(s, "E", 3e4);
    its_sim_set_initial(s, "T", 1e6);
    its_sim_set_initial(s, "IL", 1e4);
    /* run 1 of the benchmark sweep: CVODE cannot satisfy y >= 0 there
     * (with KLU, 429 of the 1,000 runs need the rescue; 421 with SUNDIALS'
     * dense LU, where this test used run 141) */
    its_sim_set_param(s, "c", 0.02 + 0.03 * 1.0 / 999.0);
    its_sim_set_param(s, "s2", 1e6 / 9.0);
    rc = its_sim_run(s, 0.0, 150.0, NULL, 0, NULL, NULL);
    its_sim_get_stats(s, &st);
    its_sim_get_final_state(s, a);
    its_test_true(rc == ITS_OK && st.clip_restarts >= 1,
                  "constrained run completes via clipping (%ld restarts): %s",
                  st.clip_restarts, its_sim_errmsg(s));
    its_test_true(a[0] >= 0.0 && a[1] >= 0.0 && a[2] >= 0.0, "no negative state");
    its_sim_set_nonnegative(s, 0);
    its_sim_run(s, 0.0, 150.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, b);
    for (k = 0; k < 3; k += 2)
        /* Two different solver paths at rtol 1e-8: agree to ~1e-6. */
        its_test_rel(a[k], b[k], 1e-6, "state %d matches the unconstrained run", k);
    /* The eliminated tumour is noise at the scale of atol (1e-6) in both:
     * local errors are kept below atol per step, the global error of a
     * state near 0 can reach a few atol (the unconstrained run ends at
     * +1.7e-6 with KLU, slightly negative with the earlier dense solvers). */
    its_test_abs(a[1], fmax(b[1], 0.0), 1e-5, "tumour ~0 in both (10 atol)");
    its_sim_free(s);
}

/* An observer that stops the run at t >= 50 (a death, say). */
static int stop_at_50(double t, const double *y, size_t n, its_row_kind k, void *ud)
{
    (void)y;
    (void)n;
    (void)k;
    (void)ud;
    return t >= 50.0;
}

/* Issue 9 item 14: a run stopped by its observer inside a segment lost that
 * segment's counters (the untreated tme arm, ending at death on day 411,
 * reported 0 steps). */
static void test_stats_when_stopped(void)
{
    its_sim *s = NULL;
    its_stats full, stopped;
    double grid[100];
    int i;
    for (i = 0; i < 100; i++)
        grid[i] = i + 1.0;
    its_sim_create(&logistic, &s, NULL, 0);
    its_sim_run(s, 0.0, 100.0, grid, 100, NULL, NULL);
    its_sim_get_stats(s, &full);
    its_test_true(its_sim_run(s, 0.0, 100.0, grid, 100, stop_at_50, NULL) == ITS_ECALLBACK,
                  "observer stops the run at t = 50");
    its_sim_get_stats(s, &stopped);
    /* the logistic needs steps all the way to 50: at least a tenth of a
     * full run's, and no more than all of them */
    its_test_true(stopped.steps > full.steps / 10 && stopped.steps <= full.steps &&
                      stopped.rhs_evals > 0 && stopped.segments == 1,
                  "stopped run keeps its segment's counters: %ld steps of %ld, %ld rhs evals",
                  stopped.steps, full.steps, stopped.rhs_evals);
    its_test_abs(stopped.t_reached, 50.0, 0.0, "t_reached is the stop time");
    its_test_abs(full.t_reached, 100.0, 0.0, "t_reached is the end time");
    its_sim_free(s);
}

/* Issue 10: the engine hands the definition's data to the right-hand side
 * and the init callback, and the initial state follows the parameters
 * unless set explicitly. dA/dt = -k A with k read from the data and
 * A(0) = A0, a parameter: A(t) = A0 exp(-k t). */
typedef struct decay_data {
    double k;
} decay_data;

static int decay_rhs(double t, const double *y, double *dy, const double *p,
                     const void *data)
{
    const decay_data *d = data;
    (void)t;
    (void)p;
    dy[0] = -d->k * y[0];
    return 0;
}

static int decay_init(const double *p, double *y0, const void *data)
{
    (void)data;
    y0[0] = p[0];
    return 0;
}

/* An init that refuses an initial amount above 10 mg (a model whose
 * initial state cannot follow every parameter value). */
static int capped_init(const double *p, double *y0, const void *data)
{
    (void)data;
    y0[0] = p[0];
    return p[0] > 10.0 ? -1 : 0;
}

/* its_sim_apply_set is all or nothing (review of issue 10): a set whose
 * first value is accepted but whose initial state the model refuses, and a
 * set with a value outside its domain after a good one, leave every
 * parameter and the initial state as they were. */
static void test_apply_set_atomic(void)
{
    static const its_state_def st[] = {{"A", "mg", 2.0, 0.0, "amount"}};
    static const its_param_def pa[] = {
        {"A0", 2.0, "mg", ITS_DOMAIN_NONNEGATIVE, "initial amount", "assumed: test value"},
        {"k", 0.3, "1/d", ITS_DOMAIN_NONNEGATIVE, "decay rate", "assumed: test value"}};
    static const its_param_value v_big[] = {{"k", 3.0}, {"A0", 20.0}};
    static const its_param_value v_neg[] = {{"k", 3.0}, {"A0", -1.0}};
    static const its_param_value v_ok[] = {{"k", 3.0}, {"A0", 4.0}};
    static const its_param_set sets[] = {{"big", "A0 above the cap", "test", 2, v_big},
                                         {"neg", "A0 outside its domain", "test", 2, v_neg},
                                         {"ok", "a good set", "test", 2, v_ok}};
    static const decay_data k03 = {0.3};
    static const its_model_def capped = {
        .version = ITS_MODEL_VERSION, .name = "capped", .title = "decay with a capped start",
        .reference = "analytic", .time_unit = "d", .notes = "",
        .n_states = 1, .states = st, .n_params = 2, .params = pa,
        .n_sets = 3, .sets = sets,
        .rhs = decay_rhs, .init = capped_init, .data = &k03,
    };
    its_sim *s = NULL;
    its_status st1, st2, st3;
    if (its_sim_create(&capped, &s, NULL, 0) != ITS_OK) {
        its_test_true(0, "capped model: created");
        return;
    }
    st1 = its_sim_apply_set(s, "big");
    its_test_true(st1 == ITS_ERANGE && its_sim_params(s)[1] == 0.3 && its_sim_params(s)[0] == 2.0 &&
                      its_sim_initial(s)[0] == 2.0,
                  "a set the initial state cannot follow changes nothing (%s; k %g, A0 %g, A(0) %g)",
                  its_status_name(st1), its_sim_params(s)[1], its_sim_params(s)[0],
                  its_sim_initial(s)[0]);
    st2 = its_sim_apply_set(s, "neg");
    its_test_true(st2 == ITS_ERANGE && its_sim_params(s)[1] == 0.3 && its_sim_params(s)[0] == 2.0,
                  "a set refused part-way changes nothing (%s; k %g)", its_status_name(st2),
                  its_sim_params(s)[1]);
    {
        /* the whole vector at once: refused as a whole, or taken with A(0)
         * following A0 (capped_init reads p[0]) */
        const double big[2] = {20.0, 3.0}, neg[2] = {4.0, -1.0}, ok[2] = {6.0, 0.5};
        its_status v1 = its_sim_set_param_vector(s, big), v2 = its_sim_set_param_vector(s, neg);
        its_test_true(v1 == ITS_ERANGE && v2 == ITS_ERANGE && its_sim_params(s)[0] == 2.0 &&
                          its_sim_params(s)[1] == 0.3 && its_sim_initial(s)[0] == 2.0,
                      "a parameter vector the model refuses changes nothing (%s, %s)",
                      its_status_name(v1), its_status_name(v2));
        its_status v3 = its_sim_set_param_vector(s, ok);
        its_test_true(v3 == ITS_OK && its_sim_params(s)[1] == 0.5 && its_sim_initial(s)[0] == 6.0,
                      "a good parameter vector is taken and A(0) follows it (%g)",
                      its_sim_initial(s)[0]);
        (void)its_sim_set_param_vector(s, (const double[2]){2.0, 0.3});
    }
    st3 = its_sim_apply_set(s, "ok");
    its_test_true(st3 == ITS_OK && its_sim_params(s)[1] == 3.0 && its_sim_initial(s)[0] == 4.0,
                  "a good set applies, and A(0) follows it (%s; A(0) %g)", its_status_name(st3),
                  its_sim_initial(s)[0]);
    its_sim_free(s);
}

static void test_data_and_init(void)
{
    static const decay_data k03 = {0.3};
    static const its_state_def st[] = {{"A", "mg", 2.0, 0.0, "amount"}};
    static const its_param_def pa[] = {
        {"A0", 2.0, "mg", ITS_DOMAIN_NONNEGATIVE, "initial amount", "assumed: test value"}};
    static const its_model_def decay = {
        .version = ITS_MODEL_VERSION, .name = "decay", .title = "decay with data",
        .reference = "analytic", .time_unit = "d", .notes = "",
        .n_states = 1, .states = st, .n_params = 1, .params = pa,
        .rhs = decay_rhs, .init = decay_init, .data = &k03,
    };
    its_sim *s = NULL;
    double y = 0.0;
    its_test_true(its_sim_create(&decay, &s, NULL, 0) == ITS_OK && its_sim_initial(s)[0] == 2.0,
                  "user model with data and init: created, A(0) = A0 = 2");
    its_sim_set_param(s, "A0", 5.0);
    its_test_true(its_sim_initial(s)[0] == 5.0, "A(0) follows A0 = 5");
    its_sim_run(s, 0.0, 2.0, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, &y);
    /* rtol 1e-8 on a smooth exponential: 1e-6 leaves two decades. */
    its_test_rel(y, 5.0 * exp(-0.3 * 2.0), 1e-6, "the rhs read k = 0.3 from the data");
    its_sim_set_initial(s, "A", 1.0);
    its_sim_set_param(s, "A0", 7.0);
    its_test_true(its_sim_initial(s)[0] == 1.0, "an explicitly set initial value wins over A0");
    its_sim_reset(s);
    its_test_true(its_sim_initial(s)[0] == 2.0, "reset: A(0) follows A0 again");
    its_sim_free(s);
}

/* Allocation failures (issue 10): with the N-th allocation of the library
 * failing (and every later one), for every N up to the total, creating a
 * tme simulation and adding 40 doses (the dose arrays grow twice) returns
 * ITS_ENOMEM cleanly, never another status; ASan (make test-asan) checks
 * that nothing leaks. */
static void test_alloc_failures(void)
{
    long total, n, clean = 0;
    const its_model_def *m = its_model_find("tme");
    its__alloc_fail_at(LONG_MAX, 0); /* count only */
    {
        its_sim *s = NULL;
        int k;
        (void)its_sim_create(m, &s, NULL, 0);
        for (k = 0; k < 40; k++)
            (void)its_sim_add_bolus(s, "il2", (double)k, 1.0);
        its_sim_free(s);
    }
    total = its__alloc_count();
    for (n = 1; n <= total; n++) {
        its_sim *s = NULL;
        its_status st, worst = ITS_OK;
        int k;
        its__alloc_fail_at(n, 1);
        st = its_sim_create(m, &s, NULL, 0);
        if (st == ITS_OK) {
            for (k = 0; k < 40 && worst == ITS_OK; k++)
                worst = its_sim_add_bolus(s, "il2", (double)k, 1.0);
        } else {
            worst = s == NULL ? st : ITS_EINVAL;
        }
        its_sim_free(s);
        clean += worst == ITS_ENOMEM;
    }
    /* Nothing is allocated during a run (right-hand side, Jacobian,
     * observables, doses): with every library allocation failing, a tme
     * year with 40 doses runs as before. */
    {
        its_sim *s = NULL;
        its_status st;
        int k;
        its__alloc_fail_at(0, 0);
        st = its_sim_create(m, &s, NULL, 0);
        for (k = 0; st == ITS_OK && k < 40; k++)
            st = its_sim_add_bolus(s, "il2", (double)k, 1.0);
        its__alloc_fail_at(1, 1);
        if (st == ITS_OK)
            st = its_sim_run(s, 0.0, 365.0, NULL, 0, NULL, NULL);
        its_test_true(st == ITS_OK && its__alloc_count() == 0,
                      "a tme run allocates nothing through the library (%ld allocations)",
                      its__alloc_count());
        its_sim_free(s);
    }
    its__alloc_fail_at(0, 0);
    its_test_true(total >= 10 && clean == total,
                  "allocation failure at each of the %ld allocations: ITS_ENOMEM every time (%ld)",
                  total, clean);
}

int main(void)
{
    test_data_and_init();
    test_apply_set_atomic();
    test_alloc_failures();
    test_stats_when_stopped();
    test_constraint_fallback();
    test_nonnegative_switch();
    test_close_times_and_many_doses();
    test_logistic();
    test_bolus();
    test_infusion();
    test_floor_and_reuse();
    test_errors();
    return its_test_done();
}
