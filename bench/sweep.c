/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim benchmark driver: the parameter sweeps of bench/README.md, run with
 * the public API only. One handle per model, reused for every run.
 *
 *   itsim_sweep MODEL RUNS OUT.csv     MODEL: kirschner1998 | depillis2009
 *
 * Times the sweep loop alone (CLOCK_MONOTONIC), writes the final state of
 * every run to OUT.csv ("run,<state names>", %.17g) after the clock stops,
 * and prints one line:
 *   itsim MODEL runs=N elapsed_s=S runs_per_s=R steps=K rhs_evals=F */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itsim/itsim.h"

#define DESIGN_RUNS 1000 /* the sweep formulas are defined over i = 0..999 */
#define MAX_STATES 16

/* Sweep design (bench/README.md): identical in sweep_scipy.py and
 * sweep_desolve.R. */
#define RTOL 1e-8
#define KP_ATOL 1e-6
#define KP_T_END 150.0
#define DP_ATOL 1e-4
#define DP_T_END 30.0

static int check(its_status st, const its_sim *sim, const char *what)
{
    if (st != ITS_OK) {
        fprintf(stderr, "itsim_sweep: %s: %s (%s)\n", what, its_strerror(st),
                sim != NULL ? its_sim_errmsg(sim) : "");
        return -1;
    }
    return 0;
}

/* kirschner1998 run i: antigenicity c and constant IL-2 rate s2. */
static int kp_setup(its_sim *sim, int i)
{
    double c = 0.02 + 0.03 * i / (DESIGN_RUNS - 1.0);
    double s2 = 1e6 * (i % 10) / 9.0;
    if (check(its_sim_set_param(sim, "c", c), sim, "set c") ||
        check(its_sim_set_param(sim, "s2", s2), sim, "set s2"))
        return -1;
    return 0;
}

static int kp_init(its_sim *sim)
{
    if (check(its_sim_set_tolerances(sim, RTOL, KP_ATOL), sim, "tolerances") ||
        check(its_sim_set_initial(sim, "E", 2e4), sim, "initial E") ||
        check(its_sim_set_initial(sim, "T", 2e4), sim, "initial T") ||
        check(its_sim_set_initial(sim, "IL", 1e4), sim, "initial IL"))
        return -1;
    return 0;
}

/* depillis2009 run i: TIL infusion on days 7-8, IL-2 boluses on days 8-12. */
static int dp_setup(its_sim *sim, int i)
{
    double til = 1e9 * (0.5 + (i % 7) / 6.0);
    double il2 = 1e6 * i / (DESIGN_RUNS - 1.0);
    int day;
    its_sim_clear_doses(sim);
    if (check(its_sim_add_infusion(sim, "til", 7.0, 1.0, til), sim, "TIL"))
        return -1;
    for (day = 8; day <= 12; day++)
        if (check(its_sim_add_bolus(sim, "il2", day, il2), sim, "IL-2"))
            return -1;
    return 0;
}

static int dp_init(its_sim *sim)
{
    return check(its_sim_set_tolerances(sim, RTOL, DP_ATOL), sim, "tolerances");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const its_model_def *m;
    its_sim *sim = NULL;
    int (*init)(its_sim *);
    int (*setup)(its_sim *, int);
    double t_end, t0, elapsed, *out;
    long runs, steps = 0, rhs = 0;
    size_t n, k;
    int i, rc = 1;
    FILE *fp;

    if (argc != 4) {
        fprintf(stderr, "usage: %s kirschner1998|depillis2009 RUNS OUT.csv\n",
                argv[0]);
        return 2;
    }
    runs = strtol(argv[2], NULL, 10);
    if (runs < 1 || runs > DESIGN_RUNS) {
        fprintf(stderr, "itsim_sweep: RUNS must be 1..%d\n", DESIGN_RUNS);
        return 2;
    }
    if (strcmp(argv[1], "kirschner1998") == 0) {
        init = kp_init;
        setup = kp_setup;
        t_end = KP_T_END;
    } else if (strcmp(argv[1], "depillis2009") == 0) {
        init = dp_init;
        setup = dp_setup;
        t_end = DP_T_END;
    } else {
        fprintf(stderr, "itsim_sweep: unknown model %s\n", argv[1]);
        return 2;
    }
    m = its_model_find(argv[1]);
    if (m == NULL || m->n_states > MAX_STATES) {
        fprintf(stderr, "itsim_sweep: model %s not available\n", argv[1]);
        return 1;
    }
    n = m->n_states;
    out = malloc((size_t)runs * n * sizeof *out);
    if (out == NULL || check(its_sim_create(m, &sim, NULL, 0), NULL, "create") ||
        init(sim) != 0)
        goto done;

    t0 = now_s();
    for (i = 0; i < runs; i++) {
        its_stats st;
        if (setup(sim, i) != 0 ||
            check(its_sim_run(sim, 0.0, t_end, NULL, 0, NULL, NULL), sim,
                  "run") ||
            check(its_sim_get_final_state(sim, out + (size_t)i * n), sim,
                  "final state") ||
            check(its_sim_get_stats(sim, &st), sim, "stats"))
            goto done;
        steps += st.steps;
        rhs += st.rhs_evals;
    }
    elapsed = now_s() - t0;

    fp = fopen(argv[3], "w");
    if (fp == NULL) {
        perror(argv[3]);
        goto done;
    }
    fprintf(fp, "run");
    for (k = 0; k < n; k++)
        fprintf(fp, ",%s", m->states[k].name);
    fprintf(fp, "\n");
    for (i = 0; i < runs; i++) {
        fprintf(fp, "%d", i);
        for (k = 0; k < n; k++)
            fprintf(fp, ",%.17g", out[(size_t)i * n + k]);
        fprintf(fp, "\n");
    }
    if (fclose(fp) != 0) {
        perror(argv[3]);
        goto done;
    }
    printf("itsim %s runs=%ld elapsed_s=%.6f runs_per_s=%.1f steps=%ld "
           "rhs_evals=%ld\n", m->name, runs, elapsed, (double)runs / elapsed,
           steps, rhs);
    rc = 0;
done:
    its_sim_free(sim);
    free(out);
    return rc;
}
