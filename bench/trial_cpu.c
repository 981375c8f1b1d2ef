/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim benchmark (issue 11): CPU time of one patient's arm, in process.
 *
 *   trial_cpu REPEATS FILE...
 *
 * Each FILE is a single-patient, single-arm scenario written by
 * bench/trial_patients.py from a trial's stored draw. The scenario is loaded
 * once; its arm 0 is then run REPEATS times (its_scenario_run_arm: the
 * clinical read-outs included, nothing written) and the least CPU time of
 * the repeats (CLOCK_PROCESS_CPUTIME_ID: this process, one thread) is
 * printed with the simulated time, so that cost per simulated patient-year
 * can be summed per arm and per lesion count:
 *
 *   file,t_reached_days,cpu_ms,steps,rhs_evals,jac_evals
 *
 * Public API only. Run with OMP_NUM_THREADS=1. */
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

static int one(const char *path, int repeats)
{
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_stats st = {0};
    double best = -1.0;
    char msg[256];
    int r, rc = 0;
    if (its_scenario_create(&sc, msg, sizeof msg) != ITS_OK) {
        fprintf(stderr, "trial_cpu: %s\n", msg);
        return 1;
    }
    if (its_scenario_load_file(sc, path) != ITS_OK) {
        fprintf(stderr, "trial_cpu: %s\n", its_scenario_errmsg(sc));
        its_scenario_free(sc);
        return 1;
    }
    for (r = 0; r < repeats && rc == 0; r++) {
        double t0 = cpu_now(), dt;
        its_status s = its_scenario_run_arm(sc, 0, &res);
        dt = cpu_now() - t0;
        if (s != ITS_OK) {
            fprintf(stderr, "trial_cpu: %s: %s\n", path, its_scenario_errmsg(sc));
            rc = 1;
        } else {
            its_result_get_stats(res, &st);
            if (best < 0.0 || dt < best)
                best = dt;
        }
        its_result_free(res);
        res = NULL;
    }
    if (rc == 0) {
        const char *slash = strrchr(path, '/');
        printf("%s,%.17g,%.6f,%ld,%ld,%ld\n", slash ? slash + 1 : path, st.t_reached,
               1e3 * best, st.steps, st.rhs_evals, st.jac_evals);
    }
    its_scenario_free(sc);
    return rc;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 0, i, rc = 0;
    if (repeats < 1 || argc < 3) {
        fprintf(stderr, "usage: trial_cpu REPEATS FILE...\n");
        return 2;
    }
    printf("file,t_reached_days,cpu_ms,steps,rhs_evals,jac_evals\n");
    for (i = 2; i < argc; i++)
        rc |= one(argv[i], repeats);
    return rc;
}
