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
          "set encoding utf8\n"
          "do for [fmt in \"png svg\"] {\n"
          "    if (fmt eq \"png\") {\n"
          "        set terminal pngcairo size 900,", fp);
    fprintf(fp, "%zu noenhanced font \"Sans,10\"\n    } else {\n"
            "        set terminal svg size 900,%zu noenhanced font \"Sans,10\" background "
            "\"white\"\n    }\n", 220 + 180 * r->n_lesions, 220 + 180 * r->n_lesions);
    fprintf(fp, "    set output \"ppc_diameters.\".fmt\n    reset\n"
            "    set multiplot layout %zu,1 title 'Posterior predictive check: diameters'\n"
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
          "set encoding utf8\n"
          "do for [fmt in \"png svg\"] {\n"
          "    if (fmt eq \"png\") {\n"
          "        set terminal pngcairo size 900,500 noenhanced font \"Sans,10\"\n"
          "    } else {\n"
          "        set terminal svg size 900,500 noenhanced font \"Sans,10\" background "
          "\"white\"\n    }\n"
          "    set output \"trace.\".fmt\n    reset\n"
          "    set title 'Log posterior of the kept draws, by chain'\n"
          "    set xlabel 'draw'; set ylabel 'log posterior'; set key outside right\n", fp);
    fprintf(fp, "    plot for [c=0:%zu] 'trace.dat' index c using 1:2 with lines title "
            "sprintf('chain %%d', c + 1)\n    set output\n}\n", f->chains - 1);
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
    return st;
}

its_status its_fit_write(const its_fit *f, const char *dir, its_output_opts *o, char *msg,
                         size_t msglen)
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
