/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim benchmark: the cost of one simulated year of the tme model (default
 * melanoma patient, 3 lesions, untreated), averaged over repeated runs. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "itsim/itsim.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : "tme";
    int runs = argc > 2 ? atoi(argv[2]) : 20, i;
    its_sim *sim = NULL;
    its_stats st;
    double t0, dt;
    const its_model_def *m = its_model_find(model);

    if (m == NULL || runs < 1 || its_sim_create(m, &sim, NULL, 0) != ITS_OK) {
        fprintf(stderr, "usage: tme_year [tme|tme:N] [RUNS]\n");
        return 2;
    }
    t0 = now();
    for (i = 0; i < runs; i++)
        if (its_sim_run(sim, 0.0, 365.0, NULL, 0, NULL, NULL) != ITS_OK) {
            fprintf(stderr, "tme_year: %s\n", its_sim_errmsg(sim));
            its_sim_free(sim);
            return 1;
        }
    dt = (now() - t0) / runs;
    its_sim_get_stats(sim, &st);
    printf("%s: %zu states, one simulated year in %.2f ms "
           "(%ld steps, %ld rhs evals, %ld jacobians)\n",
           model, m->n_states, 1e3 * dt, st.steps, st.rhs_evals, st.jac_evals);
    its_sim_free(sim);
    return 0;
}
