/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: global sensitivity analysis of a virtual trial, LHS-PRCC
 * (include/itsim/calibrate.h; docs/calibration.md, "Sensitivity"). The
 * trial runs into its store as any trial (resumable); the analysis reads
 * the store, so a resumed run and an uninterrupted one give the same
 * files. Inputs: every scalar a patient draws (its__trial_value_scalar);
 * outputs: five read-outs per arm. */
#include "io/io.h"
#include "io/sqlite_adapter.h"
#include "itsim/calibrate.h"
#include "itsim/survival.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OUT_CHANGE, OUT_RESPONSE, OUT_PFS, OUT_DOSES, OUT_GRADE3, N_OUT };
static const char *const out_name[N_OUT] = {"best_change_pct", "response", "pfs_days",
                                            "doses_given", "grade3plus"};
static const char *const out_about[N_OUT] = {
    "best change of the sum of diameters (%)", "objective response (CR or PR: 1)",
    "progression-free days (censored times as observed)", "doses given",
    "any adverse event of grade >= 3 (1)"};

typedef struct sens {
    const its_trial *t;
    its__patient_draw *d;
    size_t n_in, n_pat, n_arms;
    size_t *in_value;       /* n_in: index into d->values */
    long *pat;              /* n_pat patient ids, ascending */
    double *x;              /* n_pat x n_in */
    double *y;              /* (arm * N_OUT + out) * n_pat + patient */
    its_prcc_result *res;   /* ((arm * N_OUT + out) * n_in + input) */
    size_t tests;           /* PRCCs with a value */
    double alpha, threshold;
} sens;

static void sens_free(sens *s)
{
    its__patient_draw_free(s->d);
    its__free(s->in_value);
    its__free(s->pat);
    its__free(s->x);
    its__free(s->y);
    its__free(s->res);
    memset(s, 0, sizeof *s);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The inputs: one column of x per scalar value, patients in store order. */
static its_status read_inputs(sens *s, its__store *store, char *err, size_t errlen)
{
    size_t i, j, k;
    its_status st = its__patient_draw_create(s->t, &s->d);
    if (st != ITS_OK || !(s->in_value = its__calloc(s->d->n_values + 1, sizeof *s->in_value)))
        return ITS_ENOMEM;
    for (i = 0; i < s->d->n_values; i++)
        if (its__trial_value_scalar(s->d->values[i].name))
            s->in_value[s->n_in++] = i;
    for (k = 0; k < s->n_in && st == ITS_OK; k++) {
        long *ids = NULL;
        double *v = NULL;
        size_t n = 0;
        st = its__store_values(store, s->d->values[s->in_value[k]].name, &ids, &v, &n);
        if (st != ITS_OK) {
            its__fmt(err, errlen, "%s", its__store_errmsg(store));
        } else if (k == 0) {
            s->n_pat = n;
            s->pat = ids;
            ids = NULL;
            if (!(s->x = its__malloc((n ? n : 1) * s->n_in * sizeof *s->x)))
                st = ITS_ENOMEM;
        } else if (n != s->n_pat || (n && memcmp(ids, s->pat, n * sizeof *ids) != 0)) {
            its__fmt(err, errlen, "the store holds %s for other patients than %s",
                     s->d->values[s->in_value[k]].name, s->d->values[s->in_value[0]].name);
            st = ITS_ECHECK;
        }
        for (j = 0; st == ITS_OK && j < n; j++)
            s->x[j * s->n_in + k] = v[j];
        its__free(ids);
        its__free(v);
    }
    return st;
}

static double grade3(const its__outcome *o)
{
    int k, worst = -1;
    for (k = 0; k < ITS_AE_NTERMS; k++)
        worst = o->worst_grade[k] > worst ? o->worst_grade[k] : worst;
    return worst < 0 ? (double)NAN : (double)(worst >= 3);
}

/* The outputs of every stored outcome row; NaN where a run failed, doses
 * where none were planned. */
static its_status read_outputs(sens *s, its__store *store, char *err, size_t errlen)
{
    its__store_rows rows;
    size_t i, n = s->n_arms * N_OUT * (s->n_pat ? s->n_pat : 1);
    its_status st;
    if (!(s->y = its__malloc(n * sizeof *s->y)))
        return ITS_ENOMEM;
    for (i = 0; i < n; i++)
        s->y[i] = NAN;
    if ((st = its__store_read(store, &rows)) != ITS_OK) {
        its__fmt(err, errlen, "%s", its__store_errmsg(store));
        return st;
    }
    for (i = 0; i < rows.n; i++) {
        const its__outcome *o = &rows.rows[i];
        long *hit = bsearch(&o->patient, s->pat, s->n_pat, sizeof *s->pat, cmp_long);
        double *y;
        size_t p;
        if (hit == NULL || o->arm >= s->n_arms || o->status != ITS_OK)
            continue;
        p = (size_t)(hit - s->pat);
        y = s->y + o->arm * N_OUT * s->n_pat;
        y[OUT_CHANGE * s->n_pat + p] = o->best_change;
        y[OUT_RESPONSE * s->n_pat + p] = o->best == ITS_RESP_CR || o->best == ITS_RESP_PR;
        y[OUT_PFS * s->n_pat + p] = o->pfs_days;
        y[OUT_DOSES * s->n_pat + p] = o->doses_planned > 0 ? (double)o->doses_given : (double)NAN;
        y[OUT_GRADE3 * s->n_pat + p] = grade3(o);
    }
    its__store_rows_free(&rows);
    return ITS_OK;
}

/* Every PRCC, the number of them with a value and the Bonferroni level. */
static its_status compute(sens *s, char *err, size_t errlen)
{
    size_t a, q, k, nres = s->n_arms * N_OUT * s->n_in;
    its_status st = ITS_OK;
    if (!(s->res = its__calloc(nres ? nres : 1, sizeof *s->res)))
        return ITS_ENOMEM;
    for (a = 0; a < s->n_arms && st == ITS_OK; a++)
        for (q = 0; q < N_OUT && st == ITS_OK; q++) {
            its_prcc_result *r = s->res + (a * N_OUT + q) * s->n_in;
            st = its_prcc(s->x, s->n_pat, s->n_in, s->y + (a * N_OUT + q) * s->n_pat, r, err,
                          errlen);
            if (st == ITS_ERANGE) {
                size_t len = strlen(err);
                its__fmt(err + len, errlen - len, " (arm %s, %s)", its_trial_arm_id(s->t, a),
                         out_name[q]);
            }
            for (k = 0; st == ITS_OK && k < s->n_in; k++)
                s->tests += isfinite(r[k].prcc) != 0;
        }
    s->threshold = s->alpha / (double)(s->tests ? s->tests : 1);
    return st;
}

static its_status analyse(its_trial *t, const char *dir, double alpha, sens *s)
{
    its__store *store = NULL;
    its_status st;
    memset(s, 0, sizeof *s);
    s->t = t;
    s->alpha = alpha;
    s->n_arms = its_trial_arm_count(t);
    if (!its__has_store(dir)) {
        its__fmt(t->err, sizeof t->err, "%s holds no trial: run the analysis first", dir);
        return ITS_EINVAL;
    }
    st = its__trial_open_store(t, dir, 1, 0, &store);
    if (st == ITS_EINVAL && strstr(t->err, "time series") == NULL)
        st = its__trial_open_store(t, dir, 1, 1, &store); /* stored with --timeseries */
    if (st == ITS_OK)
        st = read_inputs(s, store, t->err, sizeof t->err);
    if (st == ITS_OK && s->n_in == 0) {
        its__fmt(t->err, sizeof t->err, "the trial draws no value of its patients: give "
                 "population.parameters to screen (docs/calibration.md, \"Sensitivity\")");
        st = ITS_ERANGE;
    }
    if (st == ITS_OK)
        st = read_outputs(s, store, t->err, sizeof t->err);
    if (st == ITS_OK)
        st = compute(s, t->err, sizeof t->err);
    if (st == ITS_ENOMEM && t->err[0] == '\0')
        its__fmt(t->err, sizeof t->err, "out of memory");
    its__store_close(store);
    return st;
}

/* ---- files ------------------------------------------------------------------- */

static const its_prcc_result *res_at(const sens *s, size_t a, size_t q, size_t k)
{
    return &s->res[(a * N_OUT + q) * s->n_in + k];
}

static int significant(const sens *s, const its_prcc_result *r)
{
    return isfinite(r->p) && r->p < s->threshold;
}

static void put_csv(const void *ctx, FILE *fp)
{
    const sens *s = ctx;
    size_t a, q, k;
    fputs("arm,output,input,unit,prcc,t,df,p,significant,n\n", fp);
    for (a = 0; a < s->n_arms; a++)
        for (q = 0; q < N_OUT; q++)
            for (k = 0; k < s->n_in; k++) {
                const its_prcc_result *r = res_at(s, a, q, k);
                const its__draw_value *v = &s->d->values[s->in_value[k]];
                its__csv_text(fp, its_trial_arm_id(s->t, a));
                fprintf(fp, ",%s,", out_name[q]);
                its__csv_text(fp, v->name);
                fputc(',', fp);
                its__csv_text(fp, v->unit);
                fputc(',', fp);
                if (isfinite(r->prcc)) {
                    its__num_exact(fp, r->prcc);
                    fputc(',', fp);
                    if (isfinite(r->t))
                        its__num_exact(fp, r->t);
                    fprintf(fp, ",%ld,", r->df);
                    its__num_exact(fp, r->p);
                    fprintf(fp, ",%d,%ld\n", significant(s, r), r->n);
                } else {
                    fprintf(fp, ",,,,,%ld\n", r->n);
                }
            }
}

/* its-long: one JSON document, written in order. */
static void put_json(const void *ctx, FILE *fp)
{
    const sens *s = ctx;
    size_t a, q, k;
    int first = 1;
    fputs("{\n  \"method\": \"LHS-PRCC\",\n  \"reference\": \"Marino et al. 2008, J Theor "
          "Biol 254:178\",\n  \"trial\": ", fp);
    its__json_string(fp, its_trial_name(s->t));
    fprintf(fp, ",\n  \"sampling\": \"%s\",\n  \"patients\": %zu,\n  \"alpha\": ",
            its__population_lhs(s->t->pop) ? "latin_hypercube" : "random", s->n_pat);
    its__json_num(fp, s->alpha);
    fprintf(fp, ",\n  \"tests\": %zu,\n  \"threshold\": ", s->tests);
    its__json_num(fp, s->threshold);
    fputs(",\n  \"inputs\": [", fp);
    for (k = 0; k < s->n_in; k++) {
        const its__draw_value *v = &s->d->values[s->in_value[k]];
        fputs(k ? ",\n    {\"name\": " : "\n    {\"name\": ", fp);
        its__json_string(fp, v->name);
        fputs(", \"unit\": ", fp);
        its__json_string(fp, v->unit);
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"outputs\": [", fp);
    for (q = 0; q < N_OUT; q++) {
        fprintf(fp, "%s\n    {\"name\": \"%s\", \"about\": ", q ? "," : "", out_name[q]);
        its__json_string(fp, out_about[q]);
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"results\": [", fp);
    for (a = 0; a < s->n_arms; a++)
        for (q = 0; q < N_OUT; q++)
            for (k = 0; k < s->n_in; k++) {
                const its_prcc_result *r = res_at(s, a, q, k);
                if (!isfinite(r->prcc))
                    continue;
                fputs(first ? "\n    {\"arm\": " : ",\n    {\"arm\": ", fp);
                first = 0;
                its__json_string(fp, its_trial_arm_id(s->t, a));
                fprintf(fp, ", \"output\": \"%s\", \"input\": ", out_name[q]);
                its__json_string(fp, s->d->values[s->in_value[k]].name);
                fputs(", \"prcc\": ", fp);
                its__json_num(fp, r->prcc);
                fputs(", \"p\": ", fp);
                its__json_num(fp, r->p);
                fprintf(fp, ", \"df\": %ld, \"n\": %ld, \"significant\": %s}", r->df, r->n,
                        significant(s, r) ? "true" : "false");
            }
    fputs("\n  ]\n}\n", fp);
}

/* ---- the figure: a heat map of PRCC, inputs by (arm, read-out) ------------- */

/* The (arm, output) columns that have a value; returns their count. */
static size_t columns(const sens *s, size_t *col)
{
    size_t a, q, k, n = 0;
    for (a = 0; a < s->n_arms; a++)
        for (q = 0; q < N_OUT; q++) {
            int any = 0;
            for (k = 0; k < s->n_in && !any; k++)
                any = isfinite(res_at(s, a, q, k)->prcc);
            if (any)
                col[n++] = a * N_OUT + q;
        }
    return n;
}

static void put_dat(const sens *s, FILE *fp, const size_t *col, size_t nc)
{
    size_t c, k;
    fputs("# PRCC: column x = (arm, read-out) of sensitivity.gp, row y = input; NaN: none\n",
          fp);
    for (k = 0; k < s->n_in; k++) {
        for (c = 0; c < nc; c++) {
            double v = s->res[col[c] * s->n_in + k].prcc;
            if (isfinite(v))
                fprintf(fp, c ? " %.4f" : "%.4f", v);
            else
                fputs(c ? " NaN" : "NaN", fp);
        }
        fputc('\n', fp);
    }
    fputs("\n\n# significant cells: x y label\n", fp);
    for (k = 0; k < s->n_in; k++)
        for (c = 0; c < nc; c++) {
            const its_prcc_result *r = &s->res[col[c] * s->n_in + k];
            if (significant(s, r))
                fprintf(fp, "%zu %zu %.2f\n", c, k, r->prcc);
        }
}

static void put_gp(const sens *s, FILE *fp, const size_t *col, size_t nc)
{
    char b[600], lab[512];
    size_t c, k;
    int w = 260 + 70 * (int)nc, h = 200 + 28 * (int)s->n_in;
    fputs("# sensitivity.gp: partial rank correlation (PRCC) of each drawn input with each\n"
          "# read-out of each arm. Reads sensitivity.dat; writes sensitivity.png and .svg.\n"
          "# Render: gnuplot sensitivity.gp\n\nset encoding utf8\n", fp);
    its__gp_formats(fp, "sensitivity", w < 700 ? 700 : w, h, 10);
    its__fmt(lab, sizeof lab, "PRCC of %zu patients (%s); numbers: p < %.2g (Bonferroni)",
             s->n_pat, its__population_lhs(s->t->pop) ? "Latin hypercube" : "random draws",
             s->threshold);
    fprintf(fp, "    set title %s\n", its__gp_quote(b, sizeof b, lab));
    fputs("    set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')\n"
          "    set cbrange [-1:1]; set cblabel 'PRCC'\n    set xtics rotate by 45 right\n"
          "    set tics nomirror; unset key\n", fp);
    fprintf(fp, "    set xrange [-0.5:%zu.5]; set yrange [%zu.5:-0.5]\n", nc - 1, s->n_in - 1);
    fputs("    set xtics (", fp);
    for (c = 0; c < nc; c++) {
        its__fmt(lab, sizeof lab, "%s: %s", its_trial_arm_name(s->t, col[c] / N_OUT),
                 out_name[col[c] % N_OUT]);
        fprintf(fp, "%s%s %zu", c ? ", " : "", its__gp_quote(b, sizeof b, lab), c);
    }
    fputs(")\n    set ytics (", fp);
    for (k = 0; k < s->n_in; k++)
        fprintf(fp, "%s%s %zu", k ? ", " : "",
                its__gp_quote(b, sizeof b, s->d->values[s->in_value[k]].name), k);
    fputs(")\n    plot 'sensitivity.dat' index 0 matrix with image, \\\n"
          "         '' index 1 using 1:2:(sprintf('%.2f', $3)) with labels font ',8'\n"
          "    set output\n}\n", fp);
}

/* The figure's context: the analysis and its columns. */
typedef struct figctx {
    const sens *s;
    const size_t *col;
    size_t nc;
} figctx;

static void fill_dat(const void *ctx, FILE *fp)
{
    const figctx *f = ctx;
    put_dat(f->s, fp, f->col, f->nc);
}

static void fill_gp(const void *ctx, FILE *fp)
{
    const figctx *f = ctx;
    put_gp(f->s, fp, f->col, f->nc);
}

static its_status write_figure(sens *s, const char *dir, char *note, size_t notelen, char *err,
                               size_t errlen)
{
    size_t *col = its__malloc((s->n_arms * N_OUT + 1) * sizeof *col);
    figctx f = {s, col, 0};
    its_status st = ITS_OK;
    if (!col)
        return ITS_ENOMEM;
    if ((f.nc = columns(s, col)) > 0)
        st = its__figure_write(dir, "sensitivity", fill_dat, fill_gp, &f, 1, note, notelen, err,
                               errlen);
    its__free(col);
    return st;
}

its_status its_sensitivity_run(its_trial *t, const char *dir, const its_trial_opts *o,
                               double alpha)
{
    its_trial_opts def;
    sens s;
    its_status st;
    if (!t || !dir)
        return ITS_EINVAL;
    if (!(alpha > 0.0 && alpha < 1.0)) {
        its__fmt(t->err, sizeof t->err, "alpha (%g) must be in (0, 1)", alpha);
        return ITS_EINVAL;
    }
    if (!o) {
        its_trial_opts_default(&def);
        o = &def;
    }
    if ((st = its_trial_run(t, dir, o)) != ITS_OK || its__trial_mpi_rank() > 0)
        return st;
    st = analyse(t, dir, alpha, &s);
    if (st == ITS_OK)
        st = its__write_file_atomic(dir, "sensitivity.csv", put_csv, &s, t->err, sizeof t->err);
    if (st == ITS_OK)
        st = its__write_file_atomic(dir, "sensitivity.json", put_json, &s, t->err,
                                    sizeof t->err);
    if (st == ITS_OK && o->figures && !(o->cancel && *o->cancel)) {
        size_t len = strlen(t->note);
        st = write_figure(&s, dir, t->note + len, sizeof t->note - len, t->err,
                          sizeof t->err);
    }
    sens_free(&s);
    return st;
}

/* ---- the printed table ------------------------------------------------------- */

typedef struct ranked {
    double a;
    size_t k;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a > y->a ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

its_status its_sensitivity_print(its_trial *t, const char *dir, double alpha, size_t top,
                                 FILE *fp)
{
    sens s;
    ranked *rk;
    size_t a, q, k;
    its_status st;
    if (!t || !dir || !fp || top < 1 || top > 100 || !(alpha > 0.0 && alpha < 1.0)) {
        if (t)
            its__fmt(t->err, sizeof t->err, "sensitivity table: bad arguments");
        return ITS_EINVAL;
    }
    if ((st = analyse(t, dir, alpha, &s)) != ITS_OK) {
        sens_free(&s);
        return st;
    }
    if (!(rk = its__malloc((s.n_in + 1) * sizeof *rk))) {
        sens_free(&s);
        return ITS_ENOMEM;
    }
    fprintf(fp, "PRCC of %zu inputs over %zu patients (%s); * p < %.3g (alpha %.3g, "
                "Bonferroni over %zu)\n",
            s.n_in, s.n_pat, its__population_lhs(t->pop) ? "Latin hypercube" : "random",
            s.threshold, alpha, s.tests);
    for (a = 0; a < s.n_arms; a++)
        for (q = 0; q < N_OUT; q++) {
            size_t m = 0;
            for (k = 0; k < s.n_in; k++)
                if (isfinite(res_at(&s, a, q, k)->prcc))
                    rk[m++] = (ranked){fabs(res_at(&s, a, q, k)->prcc), k};
            if (m == 0)
                continue;
            qsort(rk, m, sizeof *rk, cmp_ranked);
            fprintf(fp, "  %-14s %-16s", its_trial_arm_id(t, a), out_name[q]);
            for (k = 0; k < m && k < top; k++) {
                const its_prcc_result *r = res_at(&s, a, q, rk[k].k);
                fprintf(fp, " %s %+.2f%s", s.d->values[s.in_value[rk[k].k]].name, r->prcc,
                        significant(&s, r) ? "*" : "");
            }
            fputc('\n', fp);
        }
    st = ferror(fp) ? ITS_EIO : ITS_OK;
    its__free(rk);
    sens_free(&s);
    return st;
}
