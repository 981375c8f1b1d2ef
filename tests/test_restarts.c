/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: dose restarts (issue 11, Speed; docs/engine.md, "Dose
 * instants"). After an instant where every dose was held the integration
 * goes on without restarting CVODE; KLU refactorises without SUNLinSol_KLU's
 * condition-estimate refactorisations. Both must keep the results: a year of
 * HD IL-2 on tme (3 lesions) against a cold-restart run and a reference at
 * rtol 1e-10, and the clinical read-outs of the HD IL-2 regimen at the
 * trial tolerance (1e-6) against 1e-10. No timing. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/cvode_adapter.h"
#include "engine/engine.h"
#include "its_test.h"
#include "itsim/itsim.h"

#define NMAX 256

/* HD IL-2 through the engine: 2 cycles of 14 fifteen-minute IV infusions
 * q8h (167.4 nmol each: 600,000 IU/kg x 70 kg at 16.4e6 IU/mg, 15.3 kDa),
 * the second cycle at day 13.6667. */
#define IL2_PMOL (42e6 / 16.4e6 * 1e-3 / 15300.0 * 1e12)
#define INF_DAYS (0.25 / 24.0)

/* The gate holds every dose of index 2 mod 3 (a third of the doses, as the
 * SBP rule holds about half of them in the regimen): those instants change
 * nothing. */
static double hold_some(double t, const double *y, size_t n, size_t dose, const char *input,
                        double planned, void *user)
{
    (void)t, (void)y, (void)n, (void)input, (void)planned, (void)user;
    return dose % 3 == 2 ? 0.0 : 1.0;
}

typedef struct year {
    double y[NMAX];
    its_stats st;
    double given[28], t[28];
} year;

static int il2_year(double rtol, int resume, year *out)
{
    its_sim *s = NULL;
    its_status st;
    size_t c, d;
    if (its_sim_create(its_model_find("tme"), &s, NULL, 0) != ITS_OK)
        return -1;
    its__sim_set_resume(s, resume);
    st = its_sim_set_rtol(s, rtol);
    for (c = 0; c < 2 && st == ITS_OK; c++)
        for (d = 0; d < 14 && st == ITS_OK; d++)
            st = its_sim_add_infusion(s, "il2", (double)c * 13.6667 + (double)d / 3.0, INF_DAYS,
                                      IL2_PMOL / INF_DAYS);
    if (st == ITS_OK)
        st = its_sim_set_dose_gate(s, hold_some, NULL);
    if (st == ITS_OK)
        st = its_sim_run(s, 0.0, 365.0, NULL, 0, NULL, NULL);
    if (st == ITS_OK)
        st = its_sim_get_final_state(s, out->y);
    its_sim_get_stats(s, &out->st);
    for (d = 0; d < 28 && st == ITS_OK; d++) {
        its_dose_record r;
        st = its_sim_get_dose_record(s, d, &r);
        out->given[d] = r.given;
        out->t[d] = r.t;
    }
    its_sim_free(s);
    return st == ITS_OK ? 0 : -1;
}

/* Largest |a - b| / (|ref| + 1) over the states: relative, with a floor of
 * one unit (a cell, a pM) so that states near 0 compare absolutely. */
static double max_err(const double *a, const double *b, const double *ref, size_t n,
                      size_t *worst)
{
    double e = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]) / (fabs(ref[i]) + 1.0);
        if (d > e) {
            e = d;
            *worst = i;
        }
    }
    return e;
}

static year Y[3]; /* resumed at 1e-6, cold at 1e-6, reference at 1e-10 */

static void test_resume_year(void)
{
    const its_model_def *m = its_model_find("tme");
    size_t d, held = 0, same = 1, w = 0;
    double e_res, e_cold;
    if (!its_test_true(il2_year(1e-6, 1, &Y[0]) == 0 && il2_year(1e-6, 0, &Y[1]) == 0 &&
                           il2_year(1e-10, 0, &Y[2]) == 0,
                       "HD IL-2 years run (resumed, cold, reference)"))
        return;
    for (d = 0; d < 28; d++) {
        held += Y[0].given[d] == 0.0;
        same &= Y[0].given[d] == Y[1].given[d] && Y[0].t[d] == Y[1].t[d];
    }
    its_test_true(same && held == 9, "dose records unchanged by resuming (%zu of 28 held)", held);
    its_test_true(Y[0].st.segments == Y[1].st.segments && Y[0].st.segments == 56,
                  "one segment per dose switch either way (%ld, %ld)", Y[0].st.segments,
                  Y[1].st.segments);
    /* the optimisation is in effect: 18 held instants are not restarts */
    its_test_true(Y[0].st.jac_evals < Y[1].st.jac_evals && Y[0].st.steps < Y[1].st.steps,
                  "resuming saves Jacobians and steps (%ld < %ld, %ld < %ld)", Y[0].st.jac_evals,
                  Y[1].st.jac_evals, Y[0].st.steps, Y[1].st.steps);
    /* Both runs at rtol 1e-6 are within their global error of the
     * reference; the resumed one may not be worse than 3x the cold one
     * (both are ~1e-5 here: 1e-6 per step accumulated over a year of
     * exponential growth and decay). */
    e_res = max_err(Y[0].y, Y[2].y, Y[2].y, m->n_states, &w);
    printf("      resumed vs reference: %.3g (%s)\n", e_res, m->states[w].name);
    e_cold = max_err(Y[1].y, Y[2].y, Y[2].y, m->n_states, &w);
    printf("      cold vs reference: %.3g (%s)\n", e_cold, m->states[w].name);
    its_test_true(e_res <= 1e-4 && e_cold <= 1e-4,
                  "final state within 1e-4 of the rtol 1e-10 reference (%.3g, %.3g)", e_res,
                  e_cold);
    its_test_true(e_res <= 3.0 * e_cold + 1e-6, "resuming is as accurate as restarting "
                  "(%.3g vs %.3g)", e_res, e_cold);
}

/* An untreated tme year: SUNLinSol_KLU factorised afresh at nearly every
 * setup (its condition estimate of tme's badly scaled Newton matrices is
 * always above U^(-2/3)); kls_setup refactorises unless the pivots
 * degrade. Full factorisations are then the analyses of a grown pattern and
 * the rare degraded pivots: fewer than a fifth of all. */
static void test_refactorisation(void)
{
    its_sim *s = NULL;
    long full = 0, refac = 0;
    its_stats st;
    /* the history off: CVODE's counters of the year alone (the KLU
     * counters would include the history's factorisations) */
    if (!its_test_true(its_sim_create(its_model_find("tme"), &s, NULL, 0) == ITS_OK &&
                           its_sim_set_history(s, 0) == ITS_OK &&
                           its_sim_run(s, 0.0, 365.0, NULL, 0, NULL, NULL) == ITS_OK,
                       "untreated tme year runs"))
        return;
    its_sim_get_stats(s, &st);
    its__cv_factorisations(its__sim_cv(s), &full, &refac);
    its_test_true(full + refac == st.lin_setups, "every linear setup is one factorisation "
                  "(%ld + %ld = %ld)", full, refac, st.lin_setups);
    its_test_true(full * 5 < full + refac, "full factorisations are rare (%ld of %ld)", full,
                  full + refac);
    its_sim_free(s);
}

/* The HD IL-2 regimen's clinical read-outs (as `itsim run --regimen
 * hd_il2`) at the trial tolerance equal those at rtol 1e-10: best response,
 * PFS, OS, every worst grade and the doses given and held. The best change
 * (a fraction) agrees within 1e-4, 0.01 percentage points: 0.003 mm of the
 * 33.9 mm baseline sum. */
static int readouts(double rtol, its_clinical_summary *c)
{
    const its_regimen *r = its_regimen_find("hd_il2");
    its_scenario *sc = NULL;
    its_result *res = NULL;
    char set[64];
    int ok;
    snprintf(set, sizeof set, "simulate.rtol=%g", rtol);
    ok = r != NULL && its_scenario_create(&sc, NULL, 0) == ITS_OK &&
         its_scenario_load_string(sc, r->scenario, strlen(r->scenario), r->name) == ITS_OK &&
         its_scenario_override(sc, "simulate.until=365 d") == ITS_OK &&
         its_scenario_override(sc, set) == ITS_OK && its_scenario_run(sc, &res) == ITS_OK &&
         its_result_get_clinical(res, c) == ITS_OK;
    its_result_free(res);
    its_scenario_free(sc);
    return ok ? 0 : -1;
}

static void test_readouts(void)
{
    its_clinical_summary a, b;
    int k, same = 1;
    if (!its_test_true(readouts(1e-6, &a) == 0 && readouts(1e-10, &b) == 0,
                       "HD IL-2 regimen runs at rtol 1e-6 and 1e-10"))
        return;
    for (k = 0; k < ITS_AE_NTERMS; k++)
        same &= a.worst_grade[k] == b.worst_grade[k];
    its_test_true(a.recist.best == b.recist.best && a.recist.pfs == b.recist.pfs &&
                      a.os == b.os && a.os_event == b.os_event && same &&
                      a.doses_given == b.doses_given && a.doses_held == b.doses_held,
                  "read-outs equal (best %d, PFS %g d, OS %g d, %zu given, %zu held)",
                  (int)a.recist.best, a.recist.pfs, a.os, a.doses_given, a.doses_held);
    its_test_abs(a.recist.best_change, b.recist.best_change, 1e-4, "best change (fraction)");
}

/* Output rows interpolated by its__cv_advance without calling CVode equal
 * CVode's own. Two decays, A' = -A and B' = -B/10 from 1, A with an
 * extinction floor of 0.5 (crossed at ln 2), rows every 0.01: BDF steps
 * span many rows, so the row after the crossing lies within the step that
 * crossed, where the shortcut must leave it to CVode to report the root
 * first. With and without the shortcut the rows (times, kinds, states) are
 * bit-identical up to the root, equal within round-off after it, in time
 * order, and the EXTINCT row is at ln 2. */
static int decay_rhs(double t, const double *y, double *dy, const double *p, const void *data)
{
    (void)t, (void)p, (void)data;
    dy[0] = -y[0];
    dy[1] = -0.1 * y[1];
    return 0;
}

static const its_state_def decay_states[] = {{"A", "1", 1.0, 0.5, "fast decay"},
                                             {"B", "1", 1.0, 0.0, "slow decay"}};
static const its_model_def decay = {
    .version = ITS_MODEL_VERSION, .name = "decay", .title = "two decays",
    .reference = "analytic", .time_unit = "d", .notes = "",
    .n_states = 2, .states = decay_states, .rhs = decay_rhs,
};

#define NROWS 300
typedef struct rows {
    size_t n, extinct;
    long interpolated;
    double t_extinct;
    double t[NROWS + 8], y[NROWS + 8][2];
    int kind[NROWS + 8];
} rows;

static int keep_row(double t, const double *y, size_t n, its_row_kind kind, void *user)
{
    rows *r = user;
    (void)n;
    if (r->n < NROWS + 8) {
        r->t[r->n] = t;
        r->kind[r->n] = (int)kind;
        r->y[r->n][0] = y[0];
        r->y[r->n][1] = y[1];
        r->n++;
    }
    if (kind == ITS_ROW_EXTINCT) {
        r->extinct++;
        r->t_extinct = t;
    }
    return 0;
}

static int floor_run(int interp, rows *r)
{
    its_sim *s = NULL;
    double grid[NROWS];
    size_t i;
    its_status st;
    memset(r, 0, sizeof *r);
    for (i = 0; i < NROWS; i++)
        grid[i] = (double)(i + 1) / 100.0;
    if (its_sim_create(&decay, &s, NULL, 0) != ITS_OK)
        return -1;
    its__cv_set_interpolation(its__sim_cv(s), interp);
    st = its_sim_run(s, 0.0, 3.0, grid, NROWS, keep_row, r);
    r->interpolated = its__cv_interpolated(its__sim_cv(s));
    its_sim_free(s);
    return st == ITS_OK ? 0 : -1;
}

static void test_interpolated_rows(void)
{
    static rows a, b;
    size_t i, same = 1, ordered = 1;
    double worst = 0.0;
    if (!its_test_true(floor_run(1, &a) == 0 && floor_run(0, &b) == 0,
                       "decays through a floor, with and without interpolated rows"))
        return;
    for (i = 0; i < a.n && a.n == b.n; i++) {
        ordered &= i == 0 || a.t[i] >= a.t[i - 1];
        same &= a.kind[i] == b.kind[i];
        if (a.t[i] < a.t_extinct)
            same &= a.t[i] == b.t[i] && a.y[i][0] == b.y[i][0] && a.y[i][1] == b.y[i][1];
        worst = fmax(worst, fabs(a.t[i] - b.t[i]) + fabs(a.y[i][1] - b.y[i][1]));
    }
    its_test_true(a.n == b.n && a.n == NROWS + 1 && a.extinct == 1 && b.extinct == 1,
                  "rows %zu and %zu, one extinction each", a.n, b.n);
    its_test_true(same && ordered, "rows bit-identical up to the extinction, in time order");
    /* the root is located over different brackets (CVode's from the row
     * before it, or from the step's start): the same within round-off */
    its_test_true(worst <= 1e-14, "times and states after it within 1e-14 (%.3g)", worst);
    /* most rows of the first run were interpolated, none of the second's */
    its_test_true(a.interpolated > NROWS / 2 && b.interpolated == 0,
                  "%ld and %ld rows interpolated", a.interpolated, b.interpolated);
    /* the root at rtol 1e-8: within 1e-6 of ln 2 */
    its_test_abs(a.t_extinct, log(2.0), 1e-6, "extinction of A at ln 2");
}

int main(void)
{
    test_interpolated_rows();
    test_resume_year();
    test_refactorisation();
    test_readouts();
    return its_test_done();
}
