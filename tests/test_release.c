/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: delivery-system release laws. The cumulative fraction against
 * each law's closed form, the engine's released amount against it, and a
 * first-order depot into an eliminating compartment against the Bateman
 * function. */
#include <math.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

/* dA/dt = -k A: k = 0 makes A an accumulator of everything released. */
static int pool_rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    (void)t;
    (void)data;
    dy[0] = -p[0] * y[0];
    return 0;
}

static const its_state_def pool_states[] = {{"A", "mg", 0.0, 0.0, "amount"}};
static const its_param_def pool_params[] = {
    {"k", 0.0, "1/d", ITS_DOMAIN_NONNEGATIVE, "elimination", "assumed: test value"},
};
static const its_input_def pool_inputs[] = {{"depot", "A", 1.0, "mg", "depot dose", NULL}};
static const its_model_def pool = {
    .version = ITS_MODEL_VERSION, .name = "pool", .title = "test pool",
    .reference = "analytic", .time_unit = "d", .notes = "",
    .n_states = 1, .states = pool_states, .n_params = 1, .params = pool_params,
    .n_inputs = 1, .inputs = pool_inputs, .rhs = pool_rhs,
};

typedef struct rows {
    size_t n;
    double t[64], y[64];
} rows;

static int keep(double t, const double *y, size_t n, its_row_kind k, void *ud)
{
    rows *r = ud;
    (void)n;
    if (k == ITS_ROW_GRID && r->n < 64) {
        r->t[r->n] = t;
        r->y[r->n] = y[0];
        r->n++;
    }
    return 0;
}

static void test_fractions(void)
{
    its_release r = {ITS_RELEASE_ZERO_ORDER, 0.2, 4.0, 0.0};
    /* Closed forms, exact up to round-off. */
    its_test_rel(its_release_fraction(&r, 1.0), 0.2 + 0.8 * 0.25, 1e-15, "zero order at t = tau/4");
    its_test_rel(its_release_fraction(&r, 9.0), 1.0, 1e-15, "zero order complete after tau");
    its_test_abs(its_release_fraction(&r, -1.0), 0.0, 0.0, "nothing before administration");
    r.law = ITS_RELEASE_FIRST_ORDER;
    its_test_rel(its_release_fraction(&r, 2.0), 0.2 + 0.8 * (1.0 - exp(-0.5)), 1e-15, "first order");
    r.law = ITS_RELEASE_HIGUCHI;
    its_test_rel(its_release_fraction(&r, 1.0), 0.2 + 0.8 * 0.5, 1e-15, "Higuchi sqrt(t/tau)");
    r.law = ITS_RELEASE_PEPPAS;
    r.shape = 0.43; /* Fickian sphere (Ritger & Peppas 1987) */
    its_test_rel(its_release_fraction(&r, 1.0), 0.2 + 0.8 * pow(0.25, 0.43), 1e-15, "power law n = 0.43");
    r.law = ITS_RELEASE_WEIBULL;
    r.shape = 0.7;
    its_test_rel(its_release_fraction(&r, 4.0), 0.2 + 0.8 * (1.0 - exp(-1.0)), 1e-15,
                 "Weibull: 63.2 %% of the non-burst part at Td");
    r.burst = 1.5;
    its_test_true(isnan(its_release_fraction(&r, 1.0)), "invalid burst gives NaN");
}

/* Every law, through the engine: released amount = D F(t). */
static void test_engine_laws(void)
{
    static const its_release laws[] = {
        {ITS_RELEASE_ZERO_ORDER, 0.2, 5.0, 0.0},
        {ITS_RELEASE_FIRST_ORDER, 0.2, 2.08, 0.0}, /* ReGel IL-2: t1/2 48 h (Samlowski et al. 2006) */
        {ITS_RELEASE_HIGUCHI, 0.1, 7.5, 0.0},
        {ITS_RELEASE_PEPPAS, 0.0, 6.0, 0.45},
        {ITS_RELEASE_WEIBULL, 0.05, 3.0, 0.6},
    };
    static const char *names[] = {"zero order", "first order", "Higuchi", "power law", "Weibull"};
    double grid[12];
    size_t i, j;
    for (i = 0; i < 12; i++)
        grid[i] = 1.0 + 0.75 * (double)i;
    for (j = 0; j < 5; j++) {
        its_sim *s = NULL;
        rows r;
        double worst = 0.0;
        its_sim_create(&pool, &s, NULL, 0);
        its_test_true(its_sim_add_release(s, "depot", 1.0, 10.0, &laws[j]) == ITS_OK,
                      "%s release scheduled", names[j]);
        memset(&r, 0, sizeof r);
        its_test_true(its_sim_run(s, 0.0, 10.0, grid, 12, keep, &r) == ITS_OK, "%s run: %s",
                      names[j], its_sim_errmsg(s));
        for (i = 0; i < r.n; i++) {
            double want = 10.0 * its_release_fraction(&laws[j], r.t[i] - 1.0);
            if (want > 0.0)
                worst = fmax(worst, fabs(r.y[i] / want - 1.0));
        }
        /* rtol 1e-8; the singular start of sqrt/power/Weibull laws is
         * resolved to the 1e-6 tau regularisation: 1e-5 relative. */
        its_test_true(r.n == 12 && worst < 1e-5, "%s: released amount = D F(t), worst rel err %.2g",
                      names[j], worst);
        its_sim_free(s);
    }
}

/* First-order depot (ka = 1/tau) into a compartment eliminated at k. */
static void test_bateman(void)
{
    its_release r = {ITS_RELEASE_FIRST_ORDER, 0.3, 1.0 / 0.8, 0.0};
    its_sim *s = NULL;
    const double k = 0.25, ka = 0.8, D = 100.0;
    double y, t = 6.0, want;
    its_sim_create(&pool, &s, NULL, 0);
    its_sim_set_param(s, "k", k);
    its_sim_add_release(s, "depot", 0.0, D, &r);
    its_sim_run(s, 0.0, t, NULL, 0, NULL, NULL);
    its_sim_get_final_state(s, &y);
    want = 0.3 * D * exp(-k * t) + 0.7 * D * ka / (ka - k) * (exp(-k * t) - exp(-ka * t));
    its_test_rel(y, want, 1e-7, "burst + first-order depot into elimination = Bateman");
    its_sim_free(s);
}

static void test_errors(void)
{
    its_sim *s = NULL;
    its_release r = {ITS_RELEASE_WEIBULL, 0.1, 2.0, 0.0};
    its_sim_create(&pool, &s, NULL, 0);
    its_test_true(its_sim_add_release(s, "depot", 0.0, 1.0, &r) == ITS_ERANGE, "Weibull needs a shape");
    r.shape = 1.0;
    r.burst = -0.1;
    its_test_true(its_sim_add_release(s, "depot", 0.0, 1.0, &r) == ITS_ERANGE, "negative burst");
    r.burst = 0.1;
    r.tau = 0.0;
    its_test_true(its_sim_add_release(s, "depot", 0.0, 1.0, &r) == ITS_ERANGE, "zero time scale");
    r.tau = 1.0;
    r.law = (its_release_law)9;
    its_test_true(its_sim_add_release(s, "depot", 0.0, 1.0, &r) == ITS_ERANGE, "unknown law");
    r.law = ITS_RELEASE_FIRST_ORDER;
    its_test_true(its_sim_add_release(s, "nope", 0.0, 1.0, &r) == ITS_ENOTFOUND, "unknown input");
    its_test_true(its_sim_add_release(s, "depot", 0.0, -1.0, &r) == ITS_ERANGE, "negative amount");
    its_test_true(its_sim_add_release(s, "depot", 0.0, 1.0, NULL) == ITS_EINVAL, "NULL release");
    its_test_true(its_sim_dose_count(s) == 0, "no dose added by bad calls");
    its_sim_free(s);
}

int main(void)
{
    test_fractions();
    test_engine_laws();
    test_bateman();
    test_errors();
    return its_test_done();
}
