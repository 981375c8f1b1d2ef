/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: a fit's outputs (docs/personalise.md, "Outputs"): the posterior
 * draws, the diagnostics, the posterior predictive checks of every
 * measurement with their figures, written as one directory atomically. */
#include "io/io.h"
#include "run/run.h"
#include "core/gsl_adapter.h"
#include "core/mcmc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The posterior predictive distribution of one measurement: the model's
 * value of each kept draw plus a draw of its error (keyed: the fit's seed,
 * ITS__RNG_OBS_NOISE, stream = the measurement; index = the draw), sorted.
 * kind 0: diameter i, 1: lab i. */
static void predictive(const its_fit *f, int kind, size_t i, double *out)
{
    const its_record *r = f->post->rec;
    const its__rec_error *e = &r->err_model;
    its__rng_key key = {f->seed, 0, ITS__RNG_OBS_NOISE, (uint32_t)(kind * 100000 + i)};
    size_t s;
    for (s = 0; s < f->draws; s++) {
        double u = its__rng_u01(&key, s);
        if (kind == 0) {
            double d = f->pred_diam[s * r->n_obs + i];
            double sc = sqrt(e->diam_cv * d * e->diam_cv * d + e->diam_sd * e->diam_sd);
            out[s] = d + sc * its__t_pinv(u, e->diam_df);
        } else {
            double v = f->pred_lab[s * r->n_labs + i], cv = e->lab_cv[r->labs[i].kind];
            out[s] = v * exp(sqrt(log1p(cv * cv)) * its__normal_pinv(u));
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile of sorted v[0..n) (type 7). */
static double quantile(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    return lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[n - 1];
}

typedef struct ppc_row {
    int kind;
    size_t i;
    double day, obs;
    int censored;
    double q[5], pit;
} ppc_row;

static const double qs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

/* One measurement's check: the predictive quantiles and the PIT (the
 * predictive probability of a value at most the observed; censored: of a
 * value below the limit). ws holds f->draws values. */
static void ppc_of(const its_fit *f, int kind, size_t i, double *ws, ppc_row *row)
{
    const its_record *r = f->post->rec;
    size_t s, k, below = 0;
    predictive(f, kind, i, ws);
    qsort(ws, f->draws, sizeof *ws, cmp_double);
    row->kind = kind;
    row->i = i;
    row->day = kind == 0 ? r->obs[i].t : r->labs[i].t;
    row->obs = kind == 0 ? r->obs[i].mm : r->labs[i].value;
    row->censored = kind == 0 && r->obs[i].censored;
    for (k = 0; k < 5; k++)
        row->q[k] = quantile(ws, f->draws, qs[k]);
    for (s = 0; s < f->draws; s++)
        below += ws[s] <= row->obs;
    row->pit = (double)below / (double)f->draws;
}

typedef struct outctx {
    const its_fit *f;
    const its_choice *c;    /* NULL: the fit only */
    size_t k;               /* the top option being written */
    ppc_row *rows;
    size_t n_rows;
} outctx;

static const char *row_name(const its_fit *f, const ppc_row *w)
{
    const its_record *r = f->post->rec;
    return w->kind == 0 ? r->lesions[r->obs[w->i].lesion].id : its__lab_names[r->labs[w->i].kind];
}

static void put_ppc(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    size_t i, k;
    fputs("kind,name,day,observed,censored,unit,pred_q05,pred_q25,pred_q50,pred_q75,pred_q95,"
          "pit\n", fp);
    for (i = 0; i < x->n_rows; i++) {
        const ppc_row *w = &x->rows[i];
        fprintf(fp, "%s,", w->kind == 0 ? "diameter" : "lab");
        its__csv_text(fp, row_name(x->f, w));
        fprintf(fp, ",%.17g,%.17g,%d,%s", w->day, w->obs, w->censored,
                w->kind == 0 ? "mm" : w->i < x->f->post->rec->n_labs &&
                                              x->f->post->rec->labs[w->i].kind <= ITS__LAB_PLATELETS
                                          ? "1e9/L"
                                          : "x ULN");
        for (k = 0; k < 5; k++)
            fprintf(fp, ",%.6g", w->q[k]);
        fprintf(fp, ",%.6g\n", w->pit);
    }
}

static void put_posterior(const void *ctx, FILE *fp)
{
    const its_fit *f = ((const outctx *)ctx)->f;
    const size_t d = f->post->d, n = f->chains * f->kept;
    const double *lp = its__mcmc_lp(f->mcmc);
    size_t j, i;
    fputs("chain,draw,log_posterior", fp);
    for (j = 0; j < d; j++) {
        its_fit_summary s;
        its_fit_get_summary(f, j, &s);
        fprintf(fp, ",%s [%s]", s.name, s.unit);
    }
    fputc('\n', fp);
    for (i = 0; i < n; i++) {
        fprintf(fp, "%zu,%zu,%.17g", i / f->kept + 1, i % f->kept + 1, lp[i]);
        for (j = 0; j < d; j++)
            fprintf(fp, ",%.17g", f->x[j * n + i]);
        fputc('\n', fp);
    }
}

static void put_diagnostics(const void *ctx, FILE *fp)
{
    const its_fit *f = ((const outctx *)ctx)->f;
    size_t j, c;
    fputs("{\n  \"patient\": ", fp);
    its__json_string(fp, f->post->rec->id);
    fprintf(fp, ",\n  \"sampler\": \"%s\"", its_fit_sampler_name(f->o.sampler));
    fprintf(fp, ",\n  \"chains\": %zu,\n  \"iterations\": %zu,\n  \"warmup\": %zu,\n"
            "  \"draws\": %zu,\n  \"seed\": %llu,\n  \"converged\": %s,\n  \"rhat_max\": ",
            f->chains, f->iterations, f->warmup, f->draws, (unsigned long long)f->seed,
            f->converged ? "true" : "false");
    its__json_num(fp, f->o.rhat_max);
    fputs(",\n  \"ess_min\": ", fp);
    its__json_num(fp, f->o.ess_min);
    fputs(",\n  \"variables\": [", fp);
    for (j = 0; j < f->post->d; j++) {
        its_fit_summary s;
        const char *const k[] = {"prior_median", "mean", "sd", "q05", "q50", "q95", "rhat",
                                 "ess_bulk", "ess_tail"};
        double val[9];
        size_t q;
        its_fit_get_summary(f, j, &s);
        val[0] = s.prior_median; val[1] = s.mean; val[2] = s.sd; val[3] = s.q05;
        val[4] = s.q50; val[5] = s.q95; val[6] = s.rhat; val[7] = s.ess_bulk; val[8] = s.ess_tail;
        fprintf(fp, "%s\n    {\"name\": ", j ? "," : "");
        its__json_string(fp, s.name);
        fputs(", \"unit\": ", fp);
        its__json_string(fp, s.unit);
        for (q = 0; q < 9; q++) {
            fprintf(fp, ", \"%s\": ", k[q]);
            its__json_num(fp, val[q]);
        }
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"chain_stats\": [", fp);
    for (c = 0; c < f->chains; c++) {
        fprintf(fp, "%s\n    {\"acceptance\": ", c ? "," : "");
        its__json_num(fp, f->cst[c].accept_rate);
        fputs(", \"acceptance_warmup\": ", fp);
        its__json_num(fp, f->cst[c].accept_rate_warmup);
        fprintf(fp, ", \"evaluations\": %zu, \"implausible\": %zu, \"failed\": %zu, "
                "\"start_draws\": %zu}", f->cst[c].evals, f->cst[c].outside, f->cst[c].failures,
                f->tries[c]);
    }
    fputs("\n  ],\n  \"note\": ", fp);
    its__json_string(fp, f->post->note);
    fputs("\n}\n", fp);
}

/* ppc_diameters: per lesion (a data block each), by day: the predictive
 * quantiles and the measurement (censored ones apart). */
static void diam_dat(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its_record *r = x->f->post->rec;
    size_t k, i;
    fputs("# day q05 q25 q50 q75 q95 observed censored (one block per lesion)\n", fp);
    for (k = 0; k < r->n_lesions; k++) {
        for (i = 0; i < x->n_rows; i++) {
            const ppc_row *w = &x->rows[i];
            if (w->kind != 0 || r->obs[w->i].lesion != (int)k)
                continue;
            fprintf(fp, "%.10g %.6g %.6g %.6g %.6g %.6g %.6g %d\n", w->day, w->q[0], w->q[1],
                    w->q[2], w->q[3], w->q[4], w->obs, w->censored);
        }
        fputs("\n\n", fp);
    }
}

static void diam_gp(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its_record *r = x->f->post->rec;
    char q[128];
    size_t k;
    fputs("# ppc_diameters.gp: the posterior predictive distribution of every measured\n"
          "# diameter (model and measurement error; bands 5-95 % and 25-75 %, line the\n"
          "# median) and the measurements (crosses; triangles: below a detection limit).\n"
          "set encoding utf8\n", fp);
    its__gp_formats(fp, "ppc_diameters", 900, 220 + 180 * (int)r->n_lesions, 10);
    fprintf(fp, "    set multiplot layout %zu,1 title 'Posterior predictive check: diameters'\n"
            "    set xlabel 'days after the baseline scan'; set ylabel 'diameter (mm)'\n"
            "    set key outside right; set yrange [0:*]\n", r->n_lesions);
    for (k = 0; k < r->n_lesions; k++)
        fprintf(fp, "    set title %s\n"
                "    plot 'ppc_diameters.dat' index %zu using 1:2:6 with filledcurves "
                "fs transparent solid 0.2 lc rgb '#1f77b4' title '5-95 %%', \\\n"
                "         '' index %zu using 1:3:5 with filledcurves fs transparent solid 0.35 "
                "lc rgb '#1f77b4' title '25-75 %%', \\\n"
                "         '' index %zu using 1:4 with lines lw 2 lc rgb '#1f77b4' title 'median', \\\n"
                "         '' index %zu using 1:($8 > 0.5 ? 1/0 : $7) with points pt 2 ps 1.5 lc rgb "
                "'black' title 'measured', \\\n"
                "         '' index %zu using 1:($8 > 0.5 ? $7 : 1/0) with points pt 11 ps 1.5 lc rgb "
                "'black' title 'below the limit'\n",
                its__gp_quote(q, sizeof q, r->lesions[k].id), k, k, k, k, k);
    fputs("    unset multiplot\n    set output\n}\n", fp);
}

/* trace: each chain's log posterior over its kept draws. */
static void trace_dat(const void *ctx, FILE *fp)
{
    const its_fit *f = ((const outctx *)ctx)->f;
    const double *lp = its__mcmc_lp(f->mcmc);
    size_t c, i;
    fputs("# draw log_posterior (one block per chain)\n", fp);
    for (c = 0; c < f->chains; c++) {
        for (i = 0; i < f->kept; i++)
            fprintf(fp, "%zu %.10g\n", i + 1, lp[c * f->kept + i]);
        fputs("\n\n", fp);
    }
}

static void trace_gp(const void *ctx, FILE *fp)
{
    const its_fit *f = ((const outctx *)ctx)->f;
    fputs("# trace.gp: the log posterior of every chain's kept draws (after warm-up);\n"
          "# chains that mix overlap.\n"
          "set encoding utf8\n", fp);
    its__gp_formats(fp, "trace", 900, 500, 10);
    fputs("    set title 'Log posterior of the kept draws, by chain'\n"
          "    set xlabel 'draw'; set ylabel 'log posterior'; set key outside right\n", fp);
    fprintf(fp, "    plot for [c=0:%zu] 'trace.dat' index c using 1:2 with lines title "
            "sprintf('chain %%d', c + 1)\n    set output\n}\n", f->chains - 1);
}

/* ---- the choice ----------------------------------------------------------- */

static void json_estimate(FILE *fp, const char *key, double v, double lo, double hi)
{
    fprintf(fp, "\"%s\": {\"value\": ", key);
    its__json_num(fp, v);
    fputs(", \"ci_low\": ", fp);
    its__json_num(fp, lo);
    fputs(", \"ci_high\": ", fp);
    its__json_num(fp, hi);
    fputc('}', fp);
}

static void put_summary(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its_choice *c = x->c;
    const its_fit *f = x->f;
    size_t i;
    fputs("{\n  \"patient\": ", fp);
    its__json_string(fp, f->post->rec->id);
    fprintf(fp, ",\n  \"objective\": \"%s\",\n  \"max_grade3\": ",
            c->o.objective ? "pfs" : "response");
    its__json_num(fp, c->o.max_grade3);
    fprintf(fp, ",\n  \"horizon_days\": ");
    its__json_num(fp, f->post->rec->horizon);
    fprintf(fp, ",\n  \"posterior_draws\": %zu,\n  \"fit_converged\": %s,\n"
            "  \"intervals\": \"p_response and p_grade3plus: Wilson 95 %% intervals of the Monte "
            "Carlo error over the posterior draws; pfs_median_days: the posterior median with its "
            "5-95 %% quantiles\",\n  \"options\": [",
            f->draws, f->converged ? "true" : "false");
    for (i = 0; i < c->n; i++) {
        const its__option_result *r = &c->res[c->rank[i]];
        fprintf(fp, "%s\n    {\"rank\": %zu, \"treatment\": ", i ? "," : "", i + 1);
        its__json_string(fp, r->def->name);
        fputs(", \"id\": ", fp);
        its__json_string(fp, r->def->id);
        fputs(",\n     \"dose\": {\"value\": ", fp);
        its__json_num(fp, r->best.dose);
        fputs(", \"unit\": ", fp);
        its__json_string(fp, r->def->unit);
        fputs(", \"range\": [", fp);
        its__json_num(fp, r->def->lo);
        fputs(", ", fp);
        its__json_num(fp, r->def->hi);
        fputs("], \"range_source\": ", fp);
        its__json_string(fp, r->def->range_source);
        fputs("},\n     \"regimen\": ", fp);
        its__json_string(fp, r->regimen);
        fputs(",\n     ", fp);
        json_estimate(fp, "p_response", r->best.p_or, r->best.p_or_lo, r->best.p_or_hi);
        fputs(",\n     ", fp);
        json_estimate(fp, "p_grade3plus", r->best.p_g3, r->best.p_g3_lo, r->best.p_g3_hi);
        fputs(",\n     ", fp);
        json_estimate(fp, "pfs_median_days", r->best.pfs_med, r->best.pfs_q05, r->best.pfs_q95);
        fprintf(fp, ",\n     \"pfs_median_censored\": %s, \"rmst_pfs_days\": ",
                r->best.pfs_censored ? "true" : "false");
        its__json_num(fp, r->best.rmst);
        fprintf(fp, ", \"feasible\": %s, \"calibrated\": %s, \"doses_tried\": %zu, "
                "\"draws_evaluated\": %zu, \"failed_runs\": %zu}",
                r->feasible ? "true" : "false", r->def->calibrated ? "true" : "false",
                r->n_levels, r->best.n, r->best.failed);
    }
    fputs("\n  ]\n}\n", fp);
}

/* The k-th top option's sum of diameters by week: quantiles over the
 * draws and 20 of the draws themselves. */
static void put_trajectories(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its_choice *c = x->c;
    const size_t S = x->f->draws, nw = c->n_weeks;
    double *v = its__calloc(S + 1, sizeof *v);
    size_t w, s, n, j;
    fputs("day,q05,q25,q50,q75,q95", fp);
    for (j = 0; j < 20 && j < S; j++)
        fprintf(fp, ",draw_%zu", j * S / 20 + 1);
    fputc('\n', fp);
    for (w = 0; v && w < nw; w++) {
        for (s = 0, n = 0; s < S; s++) {
            double y = c->traj[(x->k * S + s) * nw + w];
            if (!isnan(y))
                v[n++] = y;
        }
        qsort(v, n, sizeof *v, cmp_double);
        fprintf(fp, "%zu", 7 * w);
        for (j = 0; j < 5; j++)
            fprintf(fp, ",%.6g", n ? quantile(v, n, qs[j]) : (double)NAN);
        for (j = 0; j < 20 && j < S; j++)
            fprintf(fp, ",%.6g", c->traj[(x->k * S + j * S / 20) * nw + w]);
        fputc('\n', fp);
    }
    its__free(v);
}

static void put_toxicity(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its_choice *c = x->c;
    size_t w, a;
    fputs("day", fp);
    for (a = 0; a < ITS_AE_NTERMS; a++)
        fprintf(fp, ",%s", its_ae_term_name((its_ae_term)a));
    fputc('\n', fp);
    for (w = 0; w < c->n_weeks; w++) {
        fprintf(fp, "%zu", 7 * w);
        for (a = 0; a < ITS_AE_NTERMS; a++)
            fprintf(fp, ",%.4g", c->tox[(x->k * c->n_weeks + w) * ITS_AE_NTERMS + a]);
        fputc('\n', fp);
    }
}

static void put_regimen(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its__option_result *r = &x->c->res[x->c->rank[x->k]];
    const char *h = strstr(r->scenario, "history: false");
    fprintf(fp, "# %s at %.6g %s for %s (itsim personalise, rank %zu). The therapy starts at "
            "the decision;\n# this scenario runs it on tme with the record's covariates and "
            "sites from the model's own\n# baseline, not from the fitted patient's state.\n",
            r->def->name, r->best.dose, r->def->unit, x->f->post->rec->id, x->k + 1);
    if (h)
        fprintf(fp, "%.*shistory: true%s", (int)(h - r->scenario), r->scenario,
                h + strlen("history: false"));
    else
        fputs(r->scenario, fp);
}

/* The start of an option's figure script: option_K_STEM.png and .svg. */
static void option_gp_head(FILE *fp, size_t k, const char *stem, const char *title)
{
    char out[64];
    its__fmt(out, sizeof out, "option_%zu_%s", k, stem);
    its__gp_png_svg_head(fp, out, title);
}

static void traj_dat(const void *ctx, FILE *fp)
{
    put_trajectories(ctx, fp);
}

static void traj_gp(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    char q[256];
    const its__option_result *r = &x->c->res[x->c->rank[x->k]];
    fputs("# option_K_trajectories.gp: the predicted sum of lesion diameters after the decision: bands\n"
          "# 5-95 % and 25-75 % over the posterior draws, the median, and 20 draws.\n"
          , fp);
    option_gp_head(fp, x->k + 1, "trajectories", its__gp_quote(q, sizeof q, r->def->name));
    fprintf(fp, "    set xlabel 'days after the decision'; set ylabel 'sum of diameters (mm)'\n"
          "    set key outside right; set yrange [0:*]\n"
          "    plot 'option_%zu_trajectories.dat' every ::1 using 1:2:6 with filledcurves fs "
          "transparent "
          "solid 0.2 lc rgb '#d62728' title '5-95 %%', \\\n"
          "         '' every ::1 using 1:3:5 with filledcurves fs transparent solid 0.35 lc rgb "
          "'#d62728' title '25-75 %%', \\\n"
          "         for [j=7:26] '' every ::1 using 1:j with lines lc rgb '#80808080' notitle, \\\n"
          "         '' every ::1 using 1:4 with lines lw 2 lc rgb '#d62728' title 'median'\n"
          "    set output\n}\n", x->k + 1);
}

static void tox_dat(const void *ctx, FILE *fp)
{
    put_toxicity(ctx, fp);
}

static void tox_gp(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    char q[256];
    const its__option_result *r = &x->c->res[x->c->rank[x->k]];
    fputs("# option_K_toxicity.gp: the share of posterior draws with a grade >= 3 adverse event\n"
          "# ongoing, by CTCAE term, after the decision (terms never reached are flat at 0).\n"
          , fp);
    option_gp_head(fp, x->k + 1, "toxicity", its__gp_quote(q, sizeof q, r->def->name));
    fprintf(fp, "    set xlabel 'days after the decision'; set ylabel 'P(grade >= 3 ongoing)'\n"
            "    set key outside right; set yrange [0:1]\n"
            "    plot for [j=2:%d] 'option_%zu_toxicity.dat' every ::1 using 1:j with steps "
            "title columnheader(j)\n    set output\n}\n", ITS_AE_NTERMS + 1, x->k + 1);
}

/* option_K_*: the top options' files, prefixed (no subdirectories). */
static its_status write_option(outctx *x, const char *tmp, const its_output_opts *o, char *note,
                               size_t notelen, char *err)
{
    char name[64], stem[64];
    its_status st;
    size_t len, k = x->k + 1;
    its__fmt(name, sizeof name, "option_%zu_trajectories.csv", k);
    st = its__write_file_atomic(tmp, name, put_trajectories, x, err, ITS__ERRLEN);
    its__fmt(name, sizeof name, "option_%zu_toxicity.csv", k);
    if (st == ITS_OK)
        st = its__write_file_atomic(tmp, name, put_toxicity, x, err, ITS__ERRLEN);
    its__fmt(name, sizeof name, "option_%zu_regimen.yaml", k);
    if (st == ITS_OK)
        st = its__write_file_atomic(tmp, name, put_regimen, x, err, ITS__ERRLEN);
    its__fmt(stem, sizeof stem, "option_%zu_trajectories", k);
    if (st == ITS_OK && o->figures) {
        len = strlen(note);
        st = its__figure_write(tmp, stem, traj_dat, traj_gp, x, o->render, note + len,
                               notelen - len, err, ITS__ERRLEN);
    }
    its__fmt(stem, sizeof stem, "option_%zu_toxicity", k);
    if (st == ITS_OK && o->figures) {
        len = strlen(note);
        st = its__figure_write(tmp, stem, tox_dat, tox_gp, x, o->render, note + len,
                               notelen - len, err, ITS__ERRLEN);
    }
    return st;
}

typedef struct fillctx {
    outctx *x;
    const its_output_opts *o;
    char *note;
    size_t notelen;
} fillctx;

static its_status fill(void *ctx, const char *tmp, mode_t *fmode, char *err)
{
    fillctx *fc = ctx;
    size_t len;
    its_status st;
    (void)fmode;
    st = its__write_file_atomic(tmp, "posterior.csv", put_posterior, fc->x, err, ITS__ERRLEN);
    if (st == ITS_OK)
        st = its__write_file_atomic(tmp, "diagnostics.json", put_diagnostics, fc->x, err,
                                    ITS__ERRLEN);
    if (st == ITS_OK)
        st = its__write_file_atomic(tmp, "ppc.csv", put_ppc, fc->x, err, ITS__ERRLEN);
    if (st == ITS_OK && fc->o->figures) {
        len = strlen(fc->note);
        st = its__figure_write(tmp, "ppc_diameters", diam_dat, diam_gp, fc->x, fc->o->render,
                               fc->note + len, fc->notelen - len, err, ITS__ERRLEN);
    }
    if (st == ITS_OK && fc->o->figures) {
        len = strlen(fc->note);
        st = its__figure_write(tmp, "trace", trace_dat, trace_gp, fc->x, fc->o->render,
                               fc->note + len, fc->notelen - len, err, ITS__ERRLEN);
    }
    if (st == ITS_OK && fc->x->c) {
        size_t k;
        st = its__write_file_atomic(tmp, "summary.json", put_summary, fc->x, err, ITS__ERRLEN);
        for (k = 0; st == ITS_OK && k < fc->x->c->n_top; k++) {
            fc->x->k = k;
            st = write_option(fc->x, tmp, fc->o, fc->note, fc->notelen, err);
        }
    }
    return st;
}

its_status its_fit_write(const its_fit *f, const char *dir, its_output_opts *o, char *msg,
                         size_t msglen)
{
    return its_personalise_write(f, NULL, dir, o, msg, msglen);
}

its_status its_personalise_write(const its_fit *f, const its_choice *c, const char *dir,
                                 its_output_opts *o, char *msg, size_t msglen)
{
    its_output_opts def;
    outctx x;
    fillctx fc;
    double *ws;
    char err[ITS__ERRLEN] = "";
    size_t i;
    its_status st;
    its__fmt(msg, msglen, "%s", "");
    if (!f || !dir)
        return ITS_EINVAL;
    if (!o) {
        its_output_opts_default(&def);
        o = &def;
    }
    o->note[0] = '\0';
    memset(&x, 0, sizeof x);
    x.f = f;
    x.c = c;
    x.rows = its__calloc(f->post->rec->n_obs + f->post->rec->n_labs + 1, sizeof *x.rows);
    ws = its__calloc(f->draws + 1, sizeof *ws);
    if (!x.rows || !ws) {
        its__free(x.rows);
        its__free(ws);
        its__fmt(msg, msglen, "%s", "out of memory");
        return ITS_ENOMEM;
    }
    for (i = 0; i < f->post->rec->n_obs; i++)
        ppc_of(f, 0, i, ws, &x.rows[x.n_rows++]);
    for (i = 0; i < f->post->rec->n_labs; i++)
        ppc_of(f, 1, i, ws, &x.rows[x.n_rows++]);
    fc.x = &x;
    fc.o = o;
    fc.note = o->note;
    fc.notelen = sizeof o->note;
    st = its__write_dir_atomic(dir, o, fill, &fc, err);
    if (st != ITS_OK)
        its__fmt(msg, msglen, "%s", err);
    its__free(x.rows);
    its__free(ws);
    return st;
}
