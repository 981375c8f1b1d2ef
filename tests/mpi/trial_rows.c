/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper of tests/mpi/trial_mpi.sh: prints what a trial stored in DIR
 * holds, one line per outcome row and per drawn value, every number
 * exactly (%a), so that two stores compare with cmp bit for bit.
 *   trial_rows FILE DIR           the rows and the values
 *   trial_rows FILE DIR --count   the number of patients stored complete
 * FILE is the trial file the store was made from. Exit 0, or 1 with the
 * reason on stderr. */
#include "io/io.h"
#include "io/sqlite_adapter.h"
#include "itsim/itsim.h"

#include <stdio.h>
#include <string.h>

static its__store *open_store(its_trial *t, const char *dir)
{
    its__store *st = NULL;
    if (its__trial_open_store(t, dir, 1, 0, &st) != ITS_OK)
        fprintf(stderr, "trial_rows: %s\n", its_trial_errmsg(t));
    return st;
}

static void print_row(const its__outcome *o)
{
    size_t k;
    printf("row %ld %zu %d %d %a %a %a %d %a %d %a %d %ld %ld %ld %ld %ld |", o->patient,
           o->arm, (int)o->status, (int)o->best, o->best_change, o->ttr_days, o->dor_days,
           o->dor_event, o->pfs_days, o->pfs_event, o->os_days, o->os_event, o->doses_planned,
           o->doses_given, o->doses_reduced, o->doses_held, o->stats.steps);
    for (k = 0; k < ITS_AE_NTERMS; k++)
        printf(" %d", o->worst_grade[k]);
    printf(" | %zu", o->n_assess);
    for (k = 0; k < o->n_assess; k++)
        printf(" %a:%a", o->assess_day[k], o->assess_sum_mm[k]);
    printf(" | %s\n", o->message ? o->message : "");
}

static int print_values(its_trial *t, its__store *st)
{
    its__patient_draw *d = NULL;
    size_t j, i;
    if (its__patient_draw_create(t, &d) != ITS_OK)
        return 1;
    for (j = 0; j <= d->n_values; j++) {
        const char *name = j < d->n_values ? d->values[j].name : "draw_attempt";
        long *ids = NULL;
        double *v = NULL;
        size_t n = 0;
        if (its__store_values(st, name, &ids, &v, &n) != ITS_OK) {
            fprintf(stderr, "trial_rows: %s\n", its__store_errmsg(st));
            its__patient_draw_free(d);
            return 1;
        }
        for (i = 0; i < n; i++)
            printf("value %s %ld %a\n", name, ids[i], v[i]);
        its__free(ids);
        its__free(v);
    }
    its__patient_draw_free(d);
    return 0;
}

int main(int argc, char **argv)
{
    its_trial *t = NULL;
    its__store *st;
    its__store_rows r;
    char msg[1024];
    int rc = 0;
    size_t i;
    if (argc < 3) {
        fprintf(stderr, "usage: trial_rows FILE DIR [--count]\n");
        return 1;
    }
    if (its_trial_load_file(argv[1], &t, msg, sizeof msg) != ITS_OK) {
        fprintf(stderr, "trial_rows: %s\n", msg);
        return 1;
    }
    st = open_store(t, argv[2]);
    if (!st) {
        its_trial_free(t);
        return 1;
    }
    if (argc > 3 && strcmp(argv[3], "--count") == 0) {
        long *ids = NULL;
        size_t n = 0;
        rc = its__store_complete(st, &ids, &n) != ITS_OK;
        printf("%zu\n", n);
        its__free(ids);
    } else if (its__store_read(st, &r) == ITS_OK) {
        for (i = 0; i < r.n; i++)
            print_row(&r.rows[i]);
        its__store_rows_free(&r);
        rc = print_values(t, st) || its__store_check(st) != ITS_OK;
    } else {
        fprintf(stderr, "trial_rows: %s\n", its__store_errmsg(st));
        rc = 1;
    }
    its__store_close(st);
    its_trial_free(t);
    return rc;
}
