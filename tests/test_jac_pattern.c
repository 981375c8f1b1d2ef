/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the structural Jacobian pattern of tme and the Jacobians
 * formed by column groups over it (docs/engine.md, "Sparsity pattern").
 * White box: reads the pattern through the engine's adapter. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/cvode_adapter.h"
#include "engine/engine.h"
#include "its_test.h"

#define NMAX 256

static const its_model_def *M;
static double P[1024];   /* tme's parameters, as the handle holds them */

/* The handle's parameter vector, by name (the rhs below takes it). */
static int load_params(const its_sim *s)
{
    size_t k;
    if (M->n_params > sizeof P / sizeof P[0])
        return -1;
    for (k = 0; k < M->n_params; k++)
        if (its_sim_get_param(s, M->params[k].name, &P[k]) != ITS_OK)
            return -1;
    return 0;
}

/* States: the default initial state, and the state at day t_end with blood
 * IL-2 held near 5 nM from day 0 (rate = C CL_il2, as test_tme's mech4:
 * the regime of HD IL-2) or untreated (il2 = 0). */
static int state_at(double t_end, int il2, double *y)
{
    its_sim *s = NULL;
    double cl = 0.0;
    its_status st;
    size_t i;
    if (t_end <= 0.0) {
        for (i = 0; i < M->n_states; i++)
            y[i] = M->states[i].initial;
        return M->init != NULL ? M->init(P, y, M->data) : 0;
    }
    if (its_sim_create(M, &s, NULL, 0) != ITS_OK)
        return -1;
    st = its_sim_get_param(s, "CL_il2", &cl);
    if (st == ITS_OK && il2)
        st = its_sim_add_infusion(s, "il2", 0.0, t_end + 1.0, 5000.0 * cl);
    if (st == ITS_OK)
        st = its_sim_run(s, 0.0, t_end, NULL, 0, NULL, NULL);
    if (st == ITS_OK)
        st = its_sim_get_final_state(s, y);
    its_sim_free(s);
    return st == ITS_OK ? 0 : -1;
}

/* Every entry that a forward difference at y sees (f_i changes at all when
 * y_j moves by 1e-7 relative, 1e-9 absolute at 0) is in the pattern.
 * Returns the entries seen; *missing counts those outside it. */
static size_t check_state(its__cv *cv, const double *y0, size_t *missing)
{
    double y[NMAX], f0[NMAX], f1[NMAX];
    size_t i, j, n = M->n_states, seen = 0;
    memcpy(y, y0, n * sizeof *y);
    *missing = 0;
    if (M->rhs(0.0, y, f0, P, M->data) != 0)
        return 0;
    for (j = 0; j < n; j++) {
        double yj = y[j];
        y[j] = yj + 1e-7 * fabs(yj) + 1e-9;
        if (M->rhs(0.0, y, f1, P, M->data) != 0)
            (*missing)++;
        y[j] = yj;
        for (i = 0; i < n; i++)
            if (f1[i] != f0[i]) {
                seen++;
                if (!its__cv_structure_has(cv, i, j)) {
                    if (*missing < 5)
                        printf("      entry (%s, %s) outside the pattern\n",
                               M->states[i].name, M->states[j].name);
                    (*missing)++;
                }
            }
    }
    return seen;
}

static void test_pattern(void)
{
    its_sim *s = NULL;
    double y0[NMAX], y[NMAX];
    size_t n = M->n_states, nnz, groups = 0, seen, missing, k;
    static const struct { double t; int il2; const char *what; } at[] = {
        {0.0, 0, "default state"},
        {3.0, 1, "day 3 of IL-2 at ~5 nM"},
        {10.0, 1, "day 10 of IL-2 at ~5 nM"},
        {120.0, 0, "day 120 untreated"},
    };

    if (!its_test_true(its_sim_create(M, &s, NULL, 0) == ITS_OK && load_params(s) == 0 &&
                           state_at(0.0, 0, y0) == 0,
                       "tme handle and default state"))
        return;
    /* the pattern is found where a run finds it: at the first Jacobian */
    nnz = its__cv_structure(its__sim_cv(s), 0.0, y0, &groups);
    printf("      tme (%zu states): pattern %zu of %zu entries, %zu column groups\n", n, nnz,
           n * n, groups);
    /* 3 lesions: ~890 entries (the differences below see up to 885 at one
     * state); more than a tenth of the matrix, or groups for two thirds of
     * the columns, would mean the probing failed. The densest rows bound
     * the groups from below (57 today). */
    its_test_true(nnz >= 800 && nnz < n * n / 10, "pattern is sparse (%zu of %zu)", nnz, n * n);
    its_test_true(groups >= 2 && groups <= 2 * n / 3, "%zu column groups for %zu states", groups, n);
    for (k = 0; k < sizeof at / sizeof at[0]; k++) {
        if (!its_test_true(state_at(at[k].t, at[k].il2, y) == 0, "%s computed", at[k].what))
            continue;
        seen = check_state(its__sim_cv(s), y, &missing);
        its_test_true(seen >= n && missing == 0,
                      "%s: all %zu entries seen by differences are in the pattern (%zu outside)",
                      at[k].what, seen, missing);
    }
    its_sim_free(s);
}

/* A year untreated and a year with IL-2 held for 5 days then stopped: the
 * grouped (default) and the dense difference quotients give the same final
 * state within the integration error (rtol 1e-8 per step, accumulated over
 * ~1,000 steps: 1e-5 relative, plus 10 times a state's absolute tolerance
 * 1e-10 max(|initial|, 1) for states near 0), with fewer right-hand sides. */
static void test_grouped_vs_dense(int il2)
{
    double yf[2][NMAX], cl = 0.0;
    long rhs[2] = {0, 0};
    size_t i, n = M->n_states, bad = 0;
    int mode;
    const char *what = il2 ? "IL-2 5 days" : "untreated";

    for (mode = 0; mode < 2; mode++) {
        its_sim *s = NULL;
        its_stats st;
        its_status rc = its_sim_create(M, &s, NULL, 0);
        if (rc == ITS_OK)
            rc = its_sim_get_param(s, "CL_il2", &cl);
        if (rc == ITS_OK && il2)
            rc = its_sim_add_infusion(s, "il2", 0.0, 5.0, 5000.0 * cl);
        if (rc == ITS_OK)
            its__sim_set_dense_jacobian(s, mode);
        if (rc == ITS_OK)
            rc = its_sim_run(s, 0.0, 365.0, NULL, 0, NULL, NULL);
        if (rc == ITS_OK)
            rc = its_sim_get_final_state(s, yf[mode]);
        if (rc == ITS_OK)
            rc = its_sim_get_stats(s, &st);
        if (!its_test_true(rc == ITS_OK, "%s, %s Jacobian: a year (%s)", what,
                           mode ? "dense" : "grouped", s ? its_sim_errmsg(s) : ""))
            bad++;
        rhs[mode] = rc == ITS_OK ? st.rhs_evals : 0;
        its_sim_free(s);
    }
    if (bad)
        return;
    for (i = 0; i < n; i++) {
        double a = yf[0][i], b = yf[1][i];
        double tol = 1e-5 * fmax(fabs(a), fabs(b)) + 1e-9 * fmax(fabs(M->states[i].initial), 1.0);
        if (!(fabs(a - b) <= tol)) {
            if (bad < 5)
                printf("      %s: %.10g grouped vs %.10g dense\n", M->states[i].name, a, b);
            bad++;
        }
    }
    its_test_true(bad == 0, "%s: final states agree (%zu differ)", what, bad);
    its_test_true(rhs[0] < rhs[1], "%s: %ld right-hand sides grouped, %ld dense", what, rhs[0],
                  rhs[1]);
}

int main(void)
{
    M = its_model_find("tme");
    if (!its_test_true(M != NULL && M->n_states <= NMAX, "tme registered"))
        return its_test_done();
    test_pattern();
    test_grouped_vs_dense(0);
    test_grouped_vs_dense(1);
    return its_test_done();
}
