/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: writing and printing comparisons (itsim/io.h): every arm's files
 * prefixed with its identifier, comparison.csv, summary.json and the
 * comparison figure, and the compact table of clinical endpoints. */
#include "io/io.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
        if (!c->res[i] || its_result_get_clinical(c->res[i], &s) != ITS_OK) {
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
        st = its__render_figs(tmp, &x->figs, err);
    return st;
}

its_status its_comparison_write(const its_comparison *c, const char *dir, its_output_opts *o)
{
    cmp_ctx ctx;
    its_status st;
    if (!c)
        return ITS_EINVAL;
    /* the handle is const for users; only its error buffer is written */
    if (c->err)
        c->err[0] = '\0';
    ctx.c = c;
    /* room for every script: at most ITS__PLOT_RUN_MAX per arm, plus the
     * comparison's, with a margin */
    if (its__figs_begin(&ctx.figs, o, 8 + (ITS__PLOT_RUN_MAX + 1) * c->n, c->err) != ITS_OK)
        return ITS_ENOMEM;
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
