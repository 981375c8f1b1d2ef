/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: re-entrancy. Simulations on two threads at once, one handle
 * per thread, give bit-identical results to the same runs done serially. */
#include <pthread.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

#define RUNS 24

typedef struct job {
    int first;          /* runs first, first+2, ... */
    double out[RUNS][6];
    its_status st;
} job;

/* Run i: de Pillis 2009 with a TIL infusion and IL-2 boluses scaled by i. */
static its_status one_run(its_sim *s, int i, double *y)
{
    its_status st;
    int d;
    its_sim_clear_doses(s);
    its_sim_add_infusion(s, "til", 7.0, 1.0, 1e9 * (1.0 + 0.1 * i));
    for (d = 8; d <= 12; d++)
        its_sim_add_bolus(s, "il2", (double)d, 5e4 * i);
    st = its_sim_run(s, 0.0, 30.0, NULL, 0, NULL, NULL);
    if (st == ITS_OK)
        st = its_sim_get_final_state(s, y);
    return st;
}

static void *worker(void *arg)
{
    job *j = arg;
    its_sim *s = NULL;
    int i;
    j->st = its_sim_create(its_model_find("depillis2009"), &s, NULL, 0);
    for (i = j->first; i < RUNS && j->st == ITS_OK; i += 2)
        j->st = one_run(s, i, j->out[i]);
    its_sim_free(s);
    return NULL;
}

int main(void)
{
    static job a, b, serial;
    pthread_t ta, tb;
    its_sim *s = NULL;
    int i, same = 1;

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.first = 0;
    b.first = 1;
    its_sim_create(its_model_find("depillis2009"), &s, NULL, 0);
    for (i = 0; i < RUNS; i++)
        serial.st |= one_run(s, i, serial.out[i]);
    its_sim_free(s);
    its_test_true(serial.st == ITS_OK, "serial runs");
    its_test_true(pthread_create(&ta, NULL, worker, &a) == 0 &&
                      pthread_create(&tb, NULL, worker, &b) == 0,
                  "two threads started");
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    its_test_true(a.st == ITS_OK && b.st == ITS_OK, "threaded runs succeeded");
    for (i = 0; i < RUNS; i++) {
        const job *j = (i % 2 == 0) ? &a : &b;
        if (memcmp(j->out[i], serial.out[i], sizeof serial.out[i]) != 0)
            same = 0;
    }
    its_test_true(same, "%d threaded runs bit-identical to serial runs", RUNS);
    /* The IL-2 dose matters: the last run differs from the first. */
    its_test_true(serial.out[RUNS - 1][2] != serial.out[0][2],
                  "runs differ with the dose (L: %g vs %g)",
                  serial.out[RUNS - 1][2], serial.out[0][2]);
    return its_test_done();
}
