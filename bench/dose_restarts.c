/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim benchmark: the cost of dose restarts (issue 11, Speed). Two modes,
 * public API only:
 *
 *   itsim_dose_restarts run REGIMEN|untreated [RTOL] [RUNS]
 *     the named regimen's scenario (as `itsim run --regimen NAME`, read-outs
 *     included) at simulate.rtol = RTOL (default 1e-6) over a year, RUNS
 *     times (default 9); prints the median and min CPU time per run
 *     (CLOCK_PROCESS_CPUTIME_ID), the solver statistics and the read-outs.
 *
 *   itsim_dose_restarts segments [RTOL]
 *     the engine alone: tme (3 lesions) with HD IL-2 as 2 cycles of 14
 *     fifteen-minute IV infusions q8h (600,000 IU/kg x 70 kg = 42 MIU =
 *     167.4 nmol each, second cycle at day 13.6667), no dose gate and no
 *     output grid; the counters and CPU time of each kind of segment (during
 *     an infusion, between infusions, the rest between cycles and after the
 *     last one), read at the PREDOSE rows of the observer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itsim/itsim.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *untreated_text = "model: tme\nsimulate: {until: 365 d, output_every: 1 d}\n";

static int load(its_scenario *sc, const char *name, double rtol)
{
    char set[64];
    const its_regimen *r = strcmp(name, "untreated") ? its_regimen_find(name) : NULL;
    const char *text = r ? r->scenario : untreated_text;
    if (strcmp(name, "untreated") && r == NULL)
        return fprintf(stderr, "unknown regimen %s\n", name), -1;
    snprintf(set, sizeof set, "simulate.rtol=%g", rtol);
    if (its_scenario_load_string(sc, text, strlen(text), name) != ITS_OK ||
        its_scenario_override(sc, "simulate.until=365 d") != ITS_OK ||
        its_scenario_override(sc, set) != ITS_OK ||
        (getenv("MONITOR") && its_scenario_override(sc, getenv("MONITOR")) != ITS_OK))
        return fprintf(stderr, "%s\n", its_scenario_errmsg(sc)), -1;
    return 0;
}

static int mode_run(const char *name, double rtol, int runs)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_stats st;
    its_clinical_summary c;
    double *cpu = calloc((size_t)runs, sizeof *cpu);
    int i, k;

    if (cpu == NULL || its_scenario_create(&sc, NULL, 0) != ITS_OK || load(sc, name, rtol))
        return 1;
    for (i = 0; i < runs; i++) {
        double t0 = cpu_now();
        its_result_free(res);
        res = NULL;
        if (its_scenario_run(sc, &res) != ITS_OK)
            return fprintf(stderr, "%s\n", its_scenario_errmsg(sc)), 1;
        cpu[i] = cpu_now() - t0;
    }
    qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
    its_result_get_stats(res, &st);
    its_result_get_clinical(res, &c);
    printf("%s rtol %g: CPU per year median %.2f ms, min %.2f ms (%d runs)\n", name, rtol,
           1e3 * cpu[runs / 2], 1e3 * cpu[0], runs);
    printf("  %ld steps, %ld rhs, %ld jac, %ld setups, %ld err fails, %ld conv fails, "
           "%ld segments\n", st.steps, st.rhs_evals, st.jac_evals, st.lin_setups,
           st.err_test_fails, st.nonlin_conv_fails, st.segments);
    printf("  best %d change %.4f %% PFS %.4f OS %.4f grades", (int)c.recist.best,
           c.recist.best_change, c.recist.pfs, c.os);
    for (k = 0; k < ITS_AE_NTERMS; k++)
        printf(" %d", c.worst_grade[k]);
    printf(" doses given %zu held %zu\n", c.doses_given, c.doses_held);
    its_result_free(res);
    its_scenario_free(sc);
    free(cpu);
    return 0;
}

/* ---- segments ---------------------------------------------------------------- */

enum { SEG_INFUSION, SEG_BETWEEN, SEG_REST, SEG_AFTER, N_SEG };
static const char *seg_name[N_SEG] = {"15-min infusion", "7.75 h between", "rest (cycle gap)",
                                      "after last dose"};

typedef struct seg_acc {
    its_sim *sim;
    its_stats last;
    double t_last, cpu_last;
    long n[N_SEG], steps[N_SEG], rhs[N_SEG], jac[N_SEG], setups[N_SEG];
    double cpu[N_SEG];
} seg_acc;

static int seg_kind(double t0, double t1)
{
    double len = t1 - t0;
    if (len < 0.02)
        return SEG_INFUSION;
    return len < 0.5 ? SEG_BETWEEN : SEG_REST;
}

static void account(seg_acc *a, double t, int kind)
{
    its_stats s;
    double c = cpu_now();
    its_sim_get_stats(a->sim, &s);
    a->n[kind]++;
    a->steps[kind] += s.steps - a->last.steps;
    a->rhs[kind] += s.rhs_evals - a->last.rhs_evals;
    a->jac[kind] += s.jac_evals - a->last.jac_evals;
    a->setups[kind] += s.lin_setups - a->last.lin_setups;
    a->cpu[kind] += c - a->cpu_last;
    a->last = s;
    a->cpu_last = c;
    a->t_last = t;
}

static int on_row(double t, const double *y, size_t n, its_row_kind kind, void *user)
{
    seg_acc *a = user;
    (void)y;
    (void)n;
    if (kind == ITS_ROW_PREDOSE && t > a->t_last)
        account(a, t, seg_kind(a->t_last, t));
    return 0;
}

static int mode_segments(double rtol)
{
    const double pmol = 42e6 / 16.4e6 * 1e-3 / 15300.0 * 1e12, dur = 0.25 / 24.0;
    its_sim *sim = NULL;
    seg_acc a;
    its_stats s;
    int c, d, k;
    double t0;

    if (its_sim_create(its_model_find("tme"), &sim, NULL, 0) != ITS_OK ||
        its_sim_set_rtol(sim, rtol) != ITS_OK)
        return 1;
    for (c = 0; c < 2; c++)
        for (d = 0; d < 14; d++)
            if (its_sim_add_infusion(sim, "il2", c * 13.6667 + d / 3.0, dur, pmol / dur) != ITS_OK)
                return fprintf(stderr, "%s\n", its_sim_errmsg(sim)), 1;
    memset(&a, 0, sizeof a);
    a.sim = sim;
    t0 = a.cpu_last = cpu_now();
    if (its_sim_run(sim, 0.0, 365.0, NULL, 0, on_row, &a) != ITS_OK)
        return fprintf(stderr, "%s\n", its_sim_errmsg(sim)), 1;
    account(&a, 365.0, SEG_AFTER);
    its_sim_get_stats(sim, &s);
    printf("tme HD IL-2 (engine only, 28 infusions, no gate), rtol %g: %.2f ms CPU, "
           "%ld steps, %ld rhs, %ld jac, %ld setups, %ld segments\n", rtol,
           1e3 * (cpu_now() - t0), s.steps, s.rhs_evals, s.jac_evals, s.lin_setups, s.segments);
    printf("| segment | count | steps/seg | rhs/seg | jac/seg | setups/seg | CPU/seg (ms) | CPU total (ms) |\n"
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (k = 0; k < N_SEG; k++)
        if (a.n[k] > 0)
            printf("| %s | %ld | %.1f | %.1f | %.2f | %.1f | %.3f | %.2f |\n", seg_name[k], a.n[k],
                   (double)a.steps[k] / a.n[k], (double)a.rhs[k] / a.n[k],
                   (double)a.jac[k] / a.n[k], (double)a.setups[k] / a.n[k],
                   1e3 * a.cpu[k] / a.n[k], 1e3 * a.cpu[k]);
    its_sim_free(sim);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "run") == 0)
        return mode_run(argv[2], argc > 3 ? atof(argv[3]) : 1e-6, argc > 4 ? atoi(argv[4]) : 9);
    if (argc >= 2 && strcmp(argv[1], "segments") == 0)
        return mode_segments(argc > 2 ? atof(argv[2]) : 1e-6);
    fprintf(stderr, "usage: itsim_dose_restarts run REGIMEN|untreated [RTOL] [RUNS]\n"
                    "       itsim_dose_restarts segments [RTOL]\n");
    return 2;
}
