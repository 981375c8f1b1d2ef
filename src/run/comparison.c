/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: comparisons, the arms of a scenario run side by side on the same
 * patient (writing and the table: src/io/comparison_out.c). */
#include "run/run.h"

#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

void its_comparison_free(its_comparison *c)
{
    size_t i;
    if (!c)
        return;
    for (i = 0; i < c->n; i++) {
        its_result_free(c->res[i]);
        its__free(c->label[i]);
        its__free(c->id[i]);
        its__free(c->prefix[i]);
    }
    its__free(c->prefix);
    its__free(c->res);
    its__free(c->label);
    its__free(c->id);
    its__free(c->err);
    its__free(c);
}

/* A comparison of n arms (n >= 1) with labels and identifiers from sc
 * (a scenario without arms is one arm, "scenario"); NULL when out of
 * memory. */
static its_comparison *comparison_new(const its_scenario *sc, size_t n_arms)
{
    its_comparison *c = its__calloc(1, sizeof *c);
    size_t i, n;
    if (!c)
        return NULL;
    n = n_arms ? n_arms : 1;
    c->res = its__calloc(n, sizeof *c->res);
    c->label = its__calloc(n, sizeof *c->label);
    c->id = its__calloc(n, sizeof *c->id);
    c->prefix = its__calloc(n, sizeof *c->prefix);
    c->err = its__calloc(1, ITS__ERRLEN);
    if (!c->res || !c->label || !c->id || !c->prefix || !c->err) {
        its_comparison_free(c); /* c->n is 0: the arrays are not walked */
        return NULL;
    }
    c->n = n;
    for (i = 0; i < c->n; i++) {
        size_t len;
        c->label[i] = its__strdup(n_arms ? its_scenario_arm_name(sc, i) : "scenario");
        c->id[i] = its__strdup(n_arms ? its_scenario_arm_id(sc, i) : "scenario");
        len = c->id[i] ? strlen(c->id[i]) + 2 : 0;
        c->prefix[i] = c->id[i] ? its__malloc(len) : NULL;
        if (!c->label[i] || !c->id[i] || !c->prefix[i]) {
            its_comparison_free(c);
            return NULL;
        }
        its__fmt(c->prefix[i], len, "%s.", c->id[i]);
    }
    return c;
}

its_status its_comparison_run(its_scenario *sc, int threads, its_comparison **out)
{
    its_comparison *c;
    its_status first = ITS_OK, *st;
    char (*errs)[ITS__ERRLEN];
    size_t i, n;
    long k;
    if (!out)
        return ITS_EINVAL;
    *out = NULL;
    if (!sc || threads < 0)
        return ITS_EINVAL;
    n = its_scenario_arm_count(sc);
    c = comparison_new(sc, n);
    st = c ? its__calloc(c->n, sizeof *st) : NULL;
    errs = c ? its__calloc(c->n, sizeof *errs) : NULL;
    if (!c || !st || !errs) {
        its__free(st);
        its__free(errs);
        its_comparison_free(c);
        return ITS_ENOMEM;
    }
    if (n == 0) {
        st[0] = its_scenario_run(sc, &c->res[0]);
        its__fmt(errs[0], sizeof errs[0], "%s", its_scenario_errmsg(sc));
    } else {
        /* Arms are independent and only read the scenario: they run in
         * parallel, each with its own solver, so results do not depend on
         * the number of threads. */
#ifdef _OPENMP
        const int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#endif
        for (k = 0; k < (long)n; k++)
            st[k] = its__run_arm(sc, (size_t)k, &c->res[k], errs[k]);
    }
    for (i = 0; i < c->n; i++) {
        if (st[i] == ITS_ENOMEM) {
            first = ITS_ENOMEM;
            break;
        }
        if (st[i] != ITS_OK && first == ITS_OK) {
            first = st[i];
            its__fmt(c->err, ITS__ERRLEN, "%s", errs[i]);
        }
    }
    its__free(st);
    its__free(errs);
    if (first == ITS_ENOMEM) {
        its_comparison_free(c);
        return ITS_ENOMEM;
    }
    *out = c;
    return first;
}

size_t its_comparison_count(const its_comparison *c)
{
    return c ? c->n : 0;
}

const char *its_comparison_label(const its_comparison *c, size_t i)
{
    return c && i < c->n ? c->label[i] : NULL;
}

const char *its_comparison_id(const its_comparison *c, size_t i)
{
    return c && i < c->n ? c->id[i] : NULL;
}

const its_result *its_comparison_result(const its_comparison *c, size_t i)
{
    return c && i < c->n ? c->res[i] : NULL;
}

const char *its_comparison_errmsg(const its_comparison *c)
{
    return c ? c->err : "no comparison";
}
