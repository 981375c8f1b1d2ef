/* itsim: comparisons, the arms of a scenario run side by side on the same
 * patient, with one compact table of clinical endpoints. */
#include "scenario/scenario_impl.h"
#include "io/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct its_comparison {
    size_t n;
    its_result **res;
    char **label;
    char **id;
    char **prefix;      /* "ID.": the arm's file names start with it */
    char *err;          /* ITS__ERRLEN bytes: last error (written by the
                           const write functions too, like its_result's) */
};

static char *dup_s(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void its_comparison_free(its_comparison *c)
{
    size_t i;
    if (!c)
        return;
    for (i = 0; i < c->n; i++) {
        its_result_free(c->res[i]);
        free(c->label[i]);
        free(c->id[i]);
        free(c->prefix[i]);
    }
    free(c->prefix);
    free(c->res);
    free(c->label);
    free(c->id);
    free(c->err);
    free(c);
}

its_status its_comparison_run(its_scenario *sc, its_comparison **out)
{
    its_comparison *c;
    its_status first = ITS_OK, *st;
    char (*errs)[ITS__ERRLEN];
    size_t i, n;
    long k;
    if (!out)
        return ITS_EINVAL;
    *out = NULL;
    if (!sc)
        return ITS_EINVAL;
    n = its_scenario_arm_count(sc);
    c = calloc(1, sizeof *c);
    if (!c)
        return ITS_ENOMEM;
    c->n = n ? n : 1;
    c->res = calloc(c->n, sizeof *c->res);
    c->label = calloc(c->n, sizeof *c->label);
    c->id = calloc(c->n, sizeof *c->id);
    c->prefix = calloc(c->n, sizeof *c->prefix);
    c->err = calloc(1, ITS__ERRLEN);
    st = calloc(c->n, sizeof *st);
    errs = calloc(c->n, sizeof *errs);
    if (!c->res || !c->label || !c->id || !c->prefix || !c->err || !st || !errs) {
        free(st);
        free(errs);
        its_comparison_free(c);
        return ITS_ENOMEM;
    }
    for (i = 0; i < c->n; i++) {
        c->label[i] = dup_s(n ? its_scenario_arm_name(sc, i) : "scenario");
        c->id[i] = dup_s(n ? its_scenario_arm_id(sc, i) : "scenario");
        c->prefix[i] = c->id[i] ? malloc(strlen(c->id[i]) + 2) : NULL;
        if (c->prefix[i])
            sprintf(c->prefix[i], "%s.", c->id[i]);
        if (!c->label[i] || !c->id[i] || !c->prefix[i]) {
            free(st);
            free(errs);
            its_comparison_free(c);
            return ITS_ENOMEM;
        }
    }
    if (n == 0) {
        st[0] = its_scenario_run(sc, &c->res[0]);
        snprintf(errs[0], sizeof errs[0], "%s", its_scenario_errmsg(sc));
    } else {
        /* Arms are independent and only read the scenario: they run in
         * parallel, each with its own solver, so results do not depend on
         * the number of threads. */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
        for (k = 0; k < (long)n; k++)
            st[k] = its__scenario_run_arm(sc, (size_t)k, &c->res[k], errs[k]);
    }
    for (i = 0; i < c->n; i++) {
        if (st[i] == ITS_ENOMEM) {
            first = ITS_ENOMEM;
            break;
        }
        if (st[i] != ITS_OK && first == ITS_OK) {
            first = st[i];
            snprintf(c->err, ITS__ERRLEN, "%s", errs[i]);
        }
    }
    free(st);
    free(errs);
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

its_status its_comparison_print_table(const its_comparison *c, FILE *fp)
{
    size_t i, w = 3;
    const char *tu = "d";
    if (!c || !fp)
        return ITS_EINVAL;
    for (i = 0; i < c->n; i++)
        if (strlen(c->label[i]) > w)
            w = strlen(c->label[i]);
    for (i = 0; i < c->n; i++)
        if (c->res[i]) {
            tu = c->res[i]->plan.model->time_unit;
            break;
        }
    fprintf(fp, "%-*s  %-13s %9s  %-14s %-14s %-22s %s\n", (int)w, "arm", "best response",
            "SoD best", "progression", "survival", "worst toxicity (CTCAE)", "doses given/held");
    for (i = 0; i < c->n; i++) {
        its_clinical_summary s;
        char chg[32], pfs[32], os[32], tox[64], doses[48];
        if (!c->res[i] || its_result_clinical(c->res[i], &s) != ITS_OK) {
            fprintf(fp, "%-*s  (did not run)\n", (int)w, c->label[i]);
            continue;
        }
        if (!s.available) {
            fprintf(fp, "%-*s  (model without clinical read-outs)\n", (int)w, c->label[i]);
            continue;
        }
        if (s.recist_available && !isnan(s.recist.best_change))
            snprintf(chg, sizeof chg, "%+.1f %%", 100.0 * s.recist.best_change);
        else
            snprintf(chg, sizeof chg, "-");
        if (s.recist_available && (s.n_assessments > 1 || s.recist.pfs_event))
            snprintf(pfs, sizeof pfs, "%s%.0f %s", s.recist.pfs_event ? "" : ">", s.recist.pfs, tu);
        else
            snprintf(pfs, sizeof pfs, "-");
        snprintf(os, sizeof os, "%s%.0f %s%s", s.os_event ? "" : ">", s.os, tu,
                 s.death_cause == 1 ? " (tumour)" : s.death_cause == 2 ? " (toxic)" : "");
        if (s.worst_any > 0)
            snprintf(tox, sizeof tox, "G%d %s", s.worst_any, its_ae_term_id(s.worst_term));
        else
            snprintf(tox, sizeof tox, "none");
        {
            int n = snprintf(doses, sizeof doses, "%zu/%zu of %zu", s.doses_given, s.doses_held,
                             s.doses_planned);
            if (s.doses_reduced && n > 0 && (size_t)n < sizeof doses)
                n += snprintf(doses + n, sizeof doses - (size_t)n, ", %zu reduced",
                              s.doses_reduced);
            if (s.doses_after_progression && n > 0 && (size_t)n < sizeof doses)
                snprintf(doses + n, sizeof doses - (size_t)n, " (%zu after PD)",
                         s.doses_after_progression);
        }
        fprintf(fp, "%-*s  %-13s %9s  %-14s %-14s %-22s %s\n", (int)w, c->label[i],
                s.recist_available ? its_response_name(s.recist.best) : "-", chg, pfs, os, tox,
                doses);
    }
    fputs("best response: RECIST 1.1, confirmed; SoD best: best change of the sum of target "
          "diameters;\nprogression, survival: '>' means censored at the end of follow-up; "
          "survival (tumour): death from\nlethal tumour burden, (toxic): treatment-related death "
          "(CTCAE grade 5);\ndoses: given/held of planned (treatment stops at progression when "
          "clinical.stop_at_progression is set).\n", fp);
    return ferror(fp) ? ITS_EIO : ITS_OK;
}

typedef struct cmp_ctx {
    const its_comparison *c;
    its__figs figs;
} cmp_ctx;

static its_status fill_comparison(void *ctx, const char *tmp, mode_t *fmode, char *err)
{
    cmp_ctx *x = ctx;
    const its_comparison *c = x->c;
    size_t i;
    its_status st = ITS_OK;
    for (i = 0; i < c->n && st == ITS_OK; i++)
        if (c->res[i])
            st = its__write_run_files(c->res[i], tmp, c->prefix[i], fmode, &x->figs, err);
    if (st == ITS_OK)
        st = its__write_comparison_files((const its_result *const *)c->res,
                                         (const char *const *)c->label,
                                         (const char *const *)c->id, c->n, tmp, err);
    if (st == ITS_OK && x->figs.opts->figures && c->n > 1)
        st = its__plot_comparison((const its_result *const *)c->res,
                                  (const char *const *)c->label,
                                  (const char *const *)c->prefix, c->n, tmp, x->figs.names,
                                  &x->figs.n, x->figs.cap, err, ITS__ERRLEN);
    if (st == ITS_OK)
        its__render_figs(tmp, &x->figs);
    return st;
}

its_status its_comparison_write(const its_comparison *c, const char *dir, its_output_opts *o)
{
    cmp_ctx ctx;
    its_status st;
    if (!c)
        return ITS_EINVAL;
    ctx.c = c;
    /* 4 figures per arm and the comparison */
    if (its__figs_begin(&ctx.figs, o, 8 + 6 * c->n) != ITS_OK)
        return ITS_ENOMEM;
    /* the handle is const for users; only its error buffer is written */
    st = its__write_dir_atomic(dir, ctx.figs.opts, fill_comparison, &ctx, c->err);
    its__figs_end(&ctx.figs);
    return st;
}

its_status its_comparison_write_dir(const its_comparison *c, const char *dir, int overwrite)
{
    its_output_opts o;
    its_output_opts_default(&o);
    o.overwrite = overwrite;
    o.render = 0;
    return its_comparison_write(c, dir, &o);
}
