/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the figures of a virtual trial (io/io.h, its__plot_trial;
 * docs/trial.md, "Figures"): Kaplan-Meier curves with numbers at risk, a
 * waterfall, swimmer and spider plots of a sample of patients, and
 * histograms of drawn parameters.
 *
 * Every number a figure shows is computed here and written to a data file
 * (NAME.dat: whitespace-separated, one block per arm or panel separated by
 * two blank lines, read with `index`); the script only draws it. Text from
 * outside (arm names, parameter names, units) reaches a script only as a
 * single-quoted literal (its__gp_quote), never as code. Everything is
 * written into a temporary directory inside dir, rendered there, and each
 * finished file is renamed into dir. */
#include "io/io.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Months on the time axes (the read-outs' month, 365.25 / 12 days). */
#define MO(d) ((d) / ITS__MONTH_DAYS)
#define AT_RISK_STEP_DAYS (6.0 * ITS__MONTH_DAYS)
#define HIST_MAX_BINS 40

/* Response colours (0xRRGGBB) by its__response_code: CR, PR, SD, PD, NE. */
static const char *const resp_code[5] = {"CR", "PR", "SD", "PD", "NE"};
static const unsigned resp_rgb[5] = {0x1a9641, 0xa6d96a, 0xa0a0a0, 0xd7191c, 0x5e3c99};
/* Arm colours, in arm order (cycled). */
static const char *const arm_rgb[] = {"#1f3a93", "#c0392b", "#27ae60", "#8e44ad",
                                      "#e67e22", "#16a085", "#7f8c8d", "#2c3e50"};
#define N_ARM_RGB (sizeof arm_rgb / sizeof arm_rgb[0])

/* A row of an arm, for sorting by (arm, patient). */
typedef struct prow {
    size_t arm;
    long patient;
    const its__outcome *o;
} prow;

typedef struct ctx {
    const its__plot_trial_in *in;
    char tmp[4096];      /* the temporary directory */
    prow *rows;          /* successful rows by arm, then patient */
    size_t *start;       /* arm a: rows[start[a] .. start[a + 1]) */
    double *buf;         /* scratch: 2 * n_rows */
    size_t sample;       /* patients per arm in swimmer and spider */
    double horizon;      /* days */
    char names[ITS__PLOT_TRIAL_FIGS][128];
    size_t n_names;
    char *err;
    size_t errlen;
} ctx;

static int cmp_prow(const void *a, const void *b)
{
    const prow *x = a, *y = b;
    if (x->arm != y->arm)
        return x->arm < y->arm ? -1 : 1;
    return x->patient < y->patient ? -1 : x->patient > y->patient;
}

static int resp_index(its_response r)
{
    const char *c = its__response_code(r);
    for (int k = 0; k < 5; k++)
        if (!strcmp(c, resp_code[k]))
            return k;
    return 4;
}

/* ---- files ------------------------------------------------------------------- */

static FILE *open_in(ctx *c, const char *name)
{
    char path[4300];
    FILE *fp;
    its__fmt(path, sizeof path, "%s/%s", c->tmp, name);
    if ((fp = fopen(path, "w")) == NULL)
        its__fmt(c->err, c->errlen, "%s: cannot write: %s", path, strerror(errno));
    return fp;
}

static its_status close_file(ctx *c, FILE *fp, const char *name)
{
    int bad = ferror(fp);
    bad = fclose(fp) != 0 || bad;
    if (bad) {
        its__fmt(c->err, c->errlen, "%s/%s: write failed", c->tmp, name);
        return ITS_EIO;
    }
    return ITS_OK;
}

/* A number for a data file: NaN as "NaN" (skipped by gnuplot). */
static void num(FILE *fp, double x)
{
    if (isfinite(x))
        fprintf(fp, " %.9g", x);
    else
        fputs(" NaN", fp);
}

/* The comment block, the output loop and the multiplot title. */
static void script_begin(FILE *fp, const char *stem, const char *about, const char *title,
                         int w, int h)
{
    char b[1024];
    fprintf(fp, "# %s.gp: %s\n# Reads %s.dat (written by itsim, one block per arm or panel);\n"
                "# writes %s.png and %s.svg. Render: gnuplot %s.gp\n\n",
            stem, about, stem, stem, stem, stem);
    fprintf(fp, "set encoding utf8\nfig = '%s'\ndat = '%s.dat'\n", stem, stem);
    its__gp_formats(fp, NULL, w, h, 11);
    fprintf(fp, "    set multiplot title %s font \",14\"\n", its__gp_quote(b, sizeof b, title));
}

static void script_end(FILE *fp)
{
    fputs("    unset multiplot\n    set output\n}\n", fp);
}

/* Place the next panel (screen fractions) and clear what the last one set. */
static void place(FILE *fp, double x0, double x1, double y0, double y1)
{
    fprintf(fp, "\n    unset label; unset arrow; unset object; unset logscale; unset title\n"
                "    unset xlabel; unset ylabel; set xtics autofreq; set ytics autofreq\n"
                "    set xrange [*:*]; set yrange [*:*]; set key default\n"
                "    set lmargin at screen %.4f; set rmargin at screen %.4f\n"
                "    set bmargin at screen %.4f; set tmargin at screen %.4f\n",
            x0, x1, y0, y1);
}

/* Record a script written; stem is one of this file's constant names. */
static its_status finish_script(ctx *c, FILE *fp, const char *stem)
{
    char name[128];
    its__fmt(name, sizeof name, "%s.gp", stem);
    its_status s = close_file(c, fp, name);
    if (s == ITS_OK)
        memcpy(c->names[c->n_names++], name, sizeof name);
    return s;
}

/* The legend title of arm a: its name and the median (months) of the
 * endpoint from the summary, "NR" when not reached. */
static const char *arm_title(const ctx *c, size_t a, int os, char *buf, size_t n)
{
    char t[512], med[64] = "";
    const its__trial_summary *s = c->in->summary;
    if (s != NULL && a < s->n_arms) {
        double m = os ? s->arms[a].os_median.value : s->arms[a].pfs_median.value;
        if (isfinite(m))
            its__fmt(med, sizeof med, "  (median %.1f mo)", MO(m));
        else
            its__fmt(med, sizeof med, "  (median NR)");
    }
    its__fmt(t, sizeof t, "%s%s", c->in->arm_names[a], med);
    return its__gp_quote(buf, n, t);
}

/* ---- Kaplan-Meier --------------------------------------------------------- */

static int cmp_event_time(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return (y[1] > x[1]) - (y[1] < x[1]); /* events before censorings */
}

/* (time, event) of arm a's rows for PFS (os 0) or OS into c->buf; returns
 * how many (rows without a finite time are left out). */
static size_t arm_times(ctx *c, size_t a, int os)
{
    size_t k = 0;
    for (size_t i = c->start[a]; i < c->start[a + 1]; i++) {
        const its__outcome *o = c->rows[i].o;
        double t = os ? o->os_days : o->pfs_days;
        if (!isfinite(t))
            continue;
        c->buf[2 * k] = t;
        c->buf[2 * k++ + 1] = (os ? o->os_event : o->pfs_event) != 0;
    }
    qsort(c->buf, k, 2 * sizeof *c->buf, cmp_event_time);
    return k;
}

/* One block: the curve's steps "months S censored" from (0, 1); a
 * censored time adds a point with censored 1 (the '+' mark). */
static void km_block(ctx *c, FILE *fp, size_t a, int os)
{
    size_t n = arm_times(c, a, os), at_risk = n, i = 0;
    double s = 1.0, last = 0.0;
    fprintf(fp, "# %s, arm %zu: months survival censored\n 0 1 0\n", os ? "OS" : "PFS", a);
    while (i < n) {
        double t = c->buf[2 * i];
        size_t d = 0, cens = 0;
        for (; i < n && c->buf[2 * i] == t; i++)
            c->buf[2 * i + 1] > 0.5 ? d++ : cens++;
        if (d > 0) {
            s *= 1.0 - (double)d / (double)at_risk;
            fprintf(fp, " %.9g %.9g 0\n", MO(t), s);
        }
        if (cens > 0)
            fprintf(fp, " %.9g %.9g 1\n", MO(t), s);
        at_risk -= d + cens;
        last = t;
    }
    fprintf(fp, " %.9g %.9g 0\n\n\n", MO(last), s);
}

/* Numbers at risk (time >= t) every 6 months up to the horizon:
 * "months n_arm0 n_arm1 ..." per line, one block per endpoint. */
static void risk_block(ctx *c, FILE *fp, int os)
{
    fprintf(fp, "# %s numbers at risk: months, then one column per arm\n", os ? "OS" : "PFS");
    for (double t = 0.0; t <= c->horizon + 1e-9; t += AT_RISK_STEP_DAYS) {
        fprintf(fp, " %.9g", MO(t));
        for (size_t a = 0; a < c->in->n_arms; a++) {
            size_t n = 0;
            for (size_t i = c->start[a]; i < c->start[a + 1]; i++) {
                double x = os ? c->rows[i].o->os_days : c->rows[i].o->pfs_days;
                n += isfinite(x) && x >= t;
            }
            fprintf(fp, " %zu", n);
        }
        fputc('\n', fp);
    }
    fputs("\n\n", fp);
}

/* The script: for PFS (left) and OS (right) the curves and under them
 * the numbers at risk, one line per arm. */
static void km_script(ctx *c, FILE *fp)
{
    size_t na = c->in->n_arms;
    char b[600];
    double risk_h = 0.035 * (double)(na + 1), xmax = MO(c->horizon);
    script_begin(fp, "trial_km", "Kaplan-Meier PFS and OS per arm, numbers at risk",
                 "Kaplan-Meier estimates by arm (+: censored)", 1500, 900);
    for (int os = 0; os < 2; os++) {
        double x0 = os ? 0.62 : 0.12, x1 = os ? 0.96 : 0.46, y0 = 0.10 + risk_h + 0.08;
        place(fp, x0, x1, y0, 0.88);
        fprintf(fp, "    set title %s\n    set xrange [0:%.6g]; set yrange [0:1.02]\n"
                    "    set xtics 6; set ytics 0.2; set grid\n"
                    "    set ylabel %s\n    set xlabel 'time [months]'\n"
                    "    set key bottom left box opaque\n    plot ",
                os ? "'Overall survival'" : "'Progression-free survival'", xmax,
                os ? "'probability of survival'" : "'probability of progression-free survival'");
        for (size_t a = 0; a < na; a++)
            fprintf(fp, "%sdat index %zu using 1:2 with steps lw 2 lc rgb '%s' title %s, \\\n"
                        "         dat index %zu using 1:($3 > 0 ? $2 : NaN) with points pt 1 "
                        "ps 0.8 lc rgb '%s' notitle",
                    a ? ", \\\n         " : "", (size_t)os * na + a, arm_rgb[a % N_ARM_RGB],
                    arm_title(c, a, os, b, sizeof b), (size_t)os * na + a, arm_rgb[a % N_ARM_RGB]);
        place(fp, x0, x1, 0.06, 0.06 + risk_h);
        fprintf(fp, "    set title 'Number at risk' font \",10\" offset 0,-0.6\n"
                    "    set xrange [0:%.6g]; set yrange [%zu.5:-0.5]; unset border; unset xtics\n"
                    "    set ytics scale 0 font \",9\" (",
                xmax, na - 1);
        for (size_t a = 0; a < na; a++)
            fprintf(fp, "%s%s %zu", a ? ", " : "", its__gp_quote(b, 24, c->in->arm_names[a]), a);
        fputs(")\n    unset key\n    plot ", fp);
        for (size_t a = 0; a < na; a++)
            fprintf(fp, "%s'trial_km_risk.dat' index %d using 1:(%zu):(sprintf('%%d', column(%zu))) "
                        "with labels font \",9\" tc rgb '%s'",
                    a ? ", \\\n         " : "", os, a, a + 2, arm_rgb[a % N_ARM_RGB]);
        fputs("\n    set border; set xtics\n", fp);
    }
    script_end(fp);
}

static its_status fig_km(ctx *c)
{
    FILE *fp = open_in(c, "trial_km.dat"), *rp;
    its_status s;
    if (fp == NULL)
        return ITS_EIO;
    for (int os = 0; os < 2; os++)
        for (size_t a = 0; a < c->in->n_arms; a++)
            km_block(c, fp, a, os);
    if ((s = close_file(c, fp, "trial_km.dat")) != ITS_OK)
        return s;
    if ((rp = open_in(c, "trial_km_risk.dat")) == NULL)
        return ITS_EIO;
    risk_block(c, rp, 0);
    risk_block(c, rp, 1);
    if ((s = close_file(c, rp, "trial_km_risk.dat")) != ITS_OK)
        return s;
    if ((fp = open_in(c, "trial_km.gp")) == NULL)
        return ITS_EIO;
    km_script(c, fp);
    return finish_script(c, fp, "trial_km");
}

/* STEM.dat filled by fill (which may report a value in *v), then STEM.gp
 * opened for the script; NULL with *s set on failure. */
static FILE *data_then_script(ctx *c, const char *stem, void (*fill)(ctx *, FILE *, double *),
                              double *v, its_status *s)
{
    char name[64];
    FILE *fp;
    its__fmt(name, sizeof name, "%s.dat", stem);
    if ((fp = open_in(c, name)) == NULL) {
        *s = ITS_EIO;
        return NULL;
    }
    fill(c, fp, v);
    if ((*s = close_file(c, fp, name)) != ITS_OK)
        return NULL;
    its__fmt(name, sizeof name, "%s.gp", stem);
    if ((fp = open_in(c, name)) == NULL)
        *s = ITS_EIO;
    return fp;
}

/* The RECIST reference lines: +20 % (progression) and -30 % (response). */
static void recist_lines(FILE *fp)
{
    fputs("    set arrow from graph 0, first 20 to graph 1, first 20 nohead dt 2 lc rgb '#444444'\n"
          "    set arrow from graph 0, first -30 to graph 1, first -30 nohead dt 2 lc rgb "
          "'#444444'\n", fp);
}

/* Panel a of the arms stacked top to bottom (height h each) of a % change
 * figure: title, y range from -100 %, the reference lines, the x label on
 * the last panel only. */
static void pct_panel(const ctx *c, FILE *fp, size_t a, double h, const char *xlabel,
                      double ymax)
{
    char b[600];
    double top = 0.90 - h * (double)a;
    place(fp, 0.08, 0.85, top - h + 0.07, top - 0.02);
    if (a + 1 == c->in->n_arms)
        fprintf(fp, "    set xlabel '%s'\n", xlabel);
    recist_lines(fp);
    fprintf(fp, "    set title %s\n    set yrange [-100:%.6g]\n    set key outside right top\n",
            its__gp_quote(b, sizeof b, c->in->arm_names[a]), ymax);
}

/* ---- waterfall ------------------------------------------------------------- */

static int cmp_desc(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] > y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]); /* then by patient */
}

/* Block per arm: "rank best_change colour response patient", best change
 * descending (rows without one are left out). */
static void waterfall_data(ctx *c, FILE *fp, double *ymax)
{
    *ymax = 40.0;
    for (size_t a = 0; a < c->in->n_arms; a++) {
        size_t k = 0;
        fprintf(fp, "# arm %zu: rank best_change_pct colour_rgb response patient\n", a);
        for (size_t i = c->start[a]; i < c->start[a + 1]; i++) {
            if (!isfinite(c->rows[i].o->best_change))
                continue;
            c->buf[2 * k] = c->rows[i].o->best_change;
            c->buf[2 * k++ + 1] = (double)(i - c->start[a]);
        }
        qsort(c->buf, k, 2 * sizeof *c->buf, cmp_desc);
        for (size_t j = 0; j < k; j++) {
            const its__outcome *o = c->rows[c->start[a] + (size_t)c->buf[2 * j + 1]].o;
            int r = resp_index(o->best);
            fprintf(fp, " %zu %.9g %u %s %ld\n", j + 1, c->buf[2 * j], resp_rgb[r], resp_code[r],
                    o->patient);
            *ymax = c->buf[2 * j] > *ymax ? c->buf[2 * j] : *ymax;
        }
        if (k == 0)
            fputs(" NaN NaN 0 NE -1\n", fp);
        fputs("\n\n", fp);
    }
    *ymax = *ymax > 100.0 ? 100.0 : *ymax * 1.05;
}

/* Legend entries of the response colours (empty plots with titles). */
static void resp_legend(FILE *fp, const char *style)
{
    for (int r = 0; r < 5; r++)
        fprintf(fp, ", \\\n         NaN with %s lc rgb '#%06x' title '%s'", style, resp_rgb[r],
                resp_code[r]);
}

static its_status fig_waterfall(ctx *c)
{
    size_t na = c->in->n_arms;
    double ymax, h = 0.84 / (double)na;
    its_status s = ITS_OK;
    FILE *fp = data_then_script(c, "trial_waterfall", waterfall_data, &ymax, &s);
    if (fp == NULL)
        return s;
    script_begin(fp, "trial_waterfall", "best % change of the sum of diameters per patient",
                 "Best change of the sum of target diameters from baseline, by patient "
                 "(dashed: +20 % progression, -30 % response)", 1400, 300 + 250 * (int)na);
    for (size_t a = 0; a < na; a++) {
        pct_panel(c, fp, a, h, "patients, sorted by best change", ymax);
        fprintf(fp, "    set xrange [0:*]; set ylabel 'best change [%%]'\n"
                    "    set xtics format ''; set boxwidth 0.85 relative; set style fill solid "
                    "1.0 noborder\n"
                    "    plot dat index %zu using 1:2:3 with boxes lc rgb variable notitle", a);
        resp_legend(fp, "boxes");
        fputc('\n', fp);
    }
    script_end(fp);
    return finish_script(c, fp, "trial_waterfall");
}

/* ---- swimmer and spider --------------------------------------------------- */

static size_t arm_sample(const ctx *c, size_t a)
{
    size_t n = c->start[a + 1] - c->start[a];
    return n < c->sample ? n : c->sample;
}

/* Block per arm, one line per sampled patient (the first by id):
 * "lane os_months colour ttr_months progression_months death_months
 * ongoing_months patient"; NaN where a marker does not apply. */
static void swimmer_data(ctx *c, FILE *fp, double *xmax)
{
    *xmax = 1.0;
    for (size_t a = 0; a < c->in->n_arms; a++) {
        size_t m = arm_sample(c, a);
        fprintf(fp, "# arm %zu: lane os_months colour_rgb response_months progression_months "
                    "death_months ongoing_months patient\n", a);
        for (size_t j = 0; j < m; j++) {
            const its__outcome *o = c->rows[c->start[a] + j].o;
            int prog = o->pfs_event && isfinite(o->pfs_days) &&
                       (!o->os_event || o->pfs_days < o->os_days);
            fprintf(fp, " %zu", m - j);
            num(fp, MO(o->os_days));
            fprintf(fp, " %u", resp_rgb[resp_index(o->best)]);
            num(fp, MO(o->ttr_days));
            num(fp, prog ? MO(o->pfs_days) : (double)NAN);
            num(fp, o->os_event ? MO(o->os_days) : (double)NAN);
            num(fp, o->os_event ? (double)NAN : MO(o->os_days));
            fprintf(fp, " %ld\n", o->patient);
            *xmax = isfinite(o->os_days) && MO(o->os_days) > *xmax ? MO(o->os_days) : *xmax;
        }
        if (m == 0)
            fputs(" NaN NaN 0 NaN NaN NaN NaN -1\n", fp);
        fputs("\n\n", fp);
    }
}

static void swimmer_panel(ctx *c, FILE *fp, size_t a, double xmax)
{
    char b[600];
    fprintf(fp, "    set title %s\n    set xrange [0:%.6g]; set yrange [0.3:%zu.7]\n"
                "    set ylabel 'patient'; set ytics font \",7\"\n"
                "    set key outside right top\n"
                "    plot dat index %zu using (0):1:(0):2:($1 - 0.35):($1 + 0.35):3:ytic(8) "
                "with boxxyerror fs solid 0.8 noborder lc rgb variable notitle, \\\n"
                "         dat index %zu using 4:1 with points pt 9 ps 1.1 lc rgb '#000000' "
                "title 'response start', \\\n"
                "         dat index %zu using 5:1 with points pt 7 ps 0.9 lc rgb '#d7191c' "
                "title 'progression', \\\n"
                "         dat index %zu using 6:1 with points pt 2 ps 1.0 lc rgb '#000000' "
                "title 'death', \\\n"
                "         dat index %zu using 7:1:(%.6g):(0) with vectors head filled size "
                "screen 0.008,25 lc rgb '#333333' title 'alive at last follow-up'",
            its__gp_quote(b, sizeof b, c->in->arm_names[a]), xmax * 1.08, arm_sample(c, a),
            a, a, a, a, a, xmax * 0.04);
    resp_legend(fp, "boxes fs solid 0.8");
    fputc('\n', fp);
}

static its_status fig_swimmer(ctx *c)
{
    size_t na = c->in->n_arms, lanes = 0;
    double xmax, top = 0.90;
    its_status s = ITS_OK;
    FILE *fp = data_then_script(c, "trial_swimmer", swimmer_data, &xmax, &s);
    if (fp == NULL)
        return s;
    for (size_t a = 0; a < na; a++)
        lanes += arm_sample(c, a) + 3;
    script_begin(fp, "trial_swimmer", "follow-up of sampled patients",
                 "Swimmer plot: sampled patients (the first by id), bar to death or last "
                 "follow-up, coloured by best response", 1400, 200 + 18 * (int)lanes);
    for (size_t a = 0; a < na; a++) {
        double h = 0.84 * (double)(arm_sample(c, a) + 3) / (double)lanes;
        place(fp, 0.10, 0.80, top - h + 0.07, top - 0.02);
        if (a + 1 == na)
            fputs("    set xlabel 'time [months]'\n", fp);
        swimmer_panel(c, fp, a, xmax);
        top -= h;
    }
    script_end(fp);
    return finish_script(c, fp, "trial_swimmer");
}

/* Block per arm; in it one series per sampled patient (single blank lines
 * between): "months pct_change colour" of each assessment with a sum. */
static void spider_data(ctx *c, FILE *fp, double *ymax)
{
    *ymax = 40.0;
    for (size_t a = 0; a < c->in->n_arms; a++) {
        size_t m = arm_sample(c, a), lines = 0;
        fprintf(fp, "# arm %zu: months change_pct colour_rgb (one series per patient)\n", a);
        for (size_t j = 0; j < m; j++) {
            const its__outcome *o = c->rows[c->start[a] + j].o;
            double base = o->n_assess > 0 ? o->assess_sum_mm[0] : (double)NAN;
            if (!(base > 0.0))
                continue;
            fprintf(fp, "# patient %ld\n", o->patient);
            for (size_t k = 0; k < o->n_assess; k++) {
                double p = 100.0 * (o->assess_sum_mm[k] - base) / base;
                if (!isfinite(p) || !isfinite(o->assess_day[k]))
                    continue;
                fprintf(fp, " %.9g %.9g %u\n", MO(o->assess_day[k]), p,
                        resp_rgb[resp_index(o->best)]);
                *ymax = p > *ymax ? p : *ymax;
                lines++;
            }
            fputc('\n', fp);
        }
        if (lines == 0)
            fputs(" NaN NaN 0\n", fp);
        fputs("\n\n", fp);
    }
    *ymax = *ymax > 200.0 ? 200.0 : *ymax * 1.05;
}

static its_status fig_spider(ctx *c)
{
    size_t na = c->in->n_arms;
    double ymax, h = 0.84 / (double)na;
    its_status s = ITS_OK;
    FILE *fp = data_then_script(c, "trial_spider", spider_data, &ymax, &s);
    if (fp == NULL)
        return s;
    script_begin(fp, "trial_spider", "% change of the sum of diameters over time",
                 "Spider plot: change of the sum of target diameters from baseline, sampled "
                 "patients (dashed: +20 %, -30 %)", 1400, 300 + 280 * (int)na);
    for (size_t a = 0; a < na; a++) {
        pct_panel(c, fp, a, h, "time [months]", ymax);
        fprintf(fp, "    set xrange [0:%.6g]; set ylabel 'change from baseline [%%]'\n"
                    "    plot dat index %zu using 1:2:3 with linespoints pt 7 ps 0.5 lw 1.2 "
                    "lc rgb variable notitle", MO(c->horizon), a);
        resp_legend(fp, "linespoints pt 7 lw 1.2");
        fputc('\n', fp);
    }
    script_end(fp);
    return finish_script(c, fp, "trial_spider");
}

/* ---- parameter histograms ------------------------------------------------ */

/* Block per parameter: "low high count" of each bin; logarithmic bins when
 * every value is positive and they span more than a decade (*logx 1). */
static size_t hist_block(FILE *fp, const its__plot_param *p, int *logx)
{
    size_t count[HIST_MAX_BINS] = {0}, n = 0, bins, most = 1;
    double lo = INFINITY, hi = -INFINITY, l, h;
    for (size_t i = 0; i < p->n; i++)
        if (isfinite(p->values[i])) {
            lo = p->values[i] < lo ? p->values[i] : lo;
            hi = p->values[i] > hi ? p->values[i] : hi;
            n++;
        }
    *logx = n > 0 && lo > 0.0 && hi > 10.0 * lo;
    bins = n < 2 ? 1 : (size_t)ceil(log2((double)n)) + 1;
    bins = bins > HIST_MAX_BINS ? HIST_MAX_BINS : bins;
    l = *logx ? log10(lo) : lo;
    h = *logx ? log10(hi) : hi;
    if (!(h > l)) { /* one value: a bin of width 1 around it */
        l -= 0.5;
        h = l + 1.0;
    }
    for (size_t i = 0; i < p->n; i++) {
        double v = p->values[i], x;
        size_t k;
        if (!isfinite(v))
            continue;
        x = (((*logx ? log10(v) : v) - l) / (h - l)) * (double)bins;
        k = x <= 0.0 ? 0 : (size_t)x >= bins ? bins - 1 : (size_t)x;
        count[k]++;
    }
    fprintf(fp, "# parameter block: low high count (%zu finite values)\n", n);
    for (size_t k = 0; k < bins && n > 0; k++) {
        double a = l + (h - l) * (double)k / (double)bins, b = l + (h - l) * (double)(k + 1) / (double)bins;
        fprintf(fp, " %.9g %.9g %zu\n", *logx ? pow(10.0, a) : a, *logx ? pow(10.0, b) : b,
                count[k]);
        most = count[k] > most ? count[k] : most;
    }
    if (n == 0)
        fputs(" NaN NaN 0\n", fp);
    fputs("\n\n", fp);
    return most;
}

static void hist_panel(FILE *fp, const its__plot_param *p, size_t i, int logx, size_t most)
{
    char t[512], b[600];
    its__fmt(t, sizeof t, "%s [%s]", p->name != NULL ? p->name : "?",
             p->unit != NULL && p->unit[0] ? p->unit : "1");
    fprintf(fp, "    set title %s\n    set xlabel %s; set ylabel 'patients'\n"
                "    set yrange [0:%.6g]; set style fill solid 0.7 border lc rgb '#1f3a93'\n%s"
                "    unset key\n"
                "    plot dat index %zu using (%s):($3 / 2):1:2:(0):3 with boxxyerror "
                "lc rgb '#5b7bd5'\n",
            its__gp_quote(b, sizeof b, t), logx ? "'value (log scale)'" : "'value'",
            1.15 * (double)most, logx ? "    set logscale x; set format x '%g'\n" : "", i,
            logx ? "sqrt($1 * $2)" : "($1 + $2) / 2");
}

static its_status fig_params(ctx *c)
{
    size_t np = c->in->n_params < ITS__PLOT_TRIAL_MAX_PARAMS ? c->in->n_params
                                                             : ITS__PLOT_TRIAL_MAX_PARAMS;
    size_t cols = (size_t)ceil(sqrt((double)np)), rows_;
    int logx[ITS__PLOT_TRIAL_MAX_PARAMS] = {0};
    size_t most[ITS__PLOT_TRIAL_MAX_PARAMS] = {0};
    FILE *fp;
    its_status s;
    if (np == 0)
        return ITS_OK;
    rows_ = (np + cols - 1) / cols;
    if ((fp = open_in(c, "trial_parameters.dat")) == NULL)
        return ITS_EIO;
    for (size_t i = 0; i < np; i++)
        most[i] = hist_block(fp, &c->in->params[i], &logx[i]);
    if ((s = close_file(c, fp, "trial_parameters.dat")) != ITS_OK ||
        (fp = open_in(c, "trial_parameters.gp")) == NULL)
        return s != ITS_OK ? s : ITS_EIO;
    script_begin(fp, "trial_parameters", "histograms of the drawn parameters",
                 "Drawn parameters of the virtual patients", 400 * (int)cols + 100,
                 320 * (int)rows_ + 100);
    for (size_t i = 0; i < np; i++) {
        double w = 0.96 / (double)cols, h = 0.82 / (double)rows_;
        double x0 = 0.03 + w * (double)(i % cols), y1 = 0.86 - h * (double)(i / cols);
        place(fp, x0 + 0.06, x0 + w - 0.02, y1 - h + 0.10, y1 - 0.04);
        hist_panel(fp, &c->in->params[i], i, logx[i], most[i]);
    }
    script_end(fp);
    return finish_script(c, fp, "trial_parameters");
}

/* ---- the whole -------------------------------------------------------------- */

static its_status check_in(const char *dir, const its__plot_trial_in *in, char *err,
                           size_t errlen)
{
    if (dir == NULL || in == NULL || in->n_arms == 0 || in->arm_names == NULL ||
        (in->n_rows > 0 && in->rows == NULL) || (in->n_params > 0 && in->params == NULL)) {
        its__fmt(err, errlen, "trial figures: NULL argument or no arm");
        return ITS_EINVAL;
    }
    for (size_t a = 0; a < in->n_arms; a++)
        if (in->arm_names[a] == NULL) {
            its__fmt(err, errlen, "trial figures: arm %zu has no name", a);
            return ITS_EINVAL;
        }
    for (size_t i = 0; i < in->n_rows; i++)
        if (in->rows[i].arm >= in->n_arms) {
            its__fmt(err, errlen, "trial figures: row %zu (patient %ld) names arm %zu of %zu", i,
                     in->rows[i].patient, in->rows[i].arm, in->n_arms);
            return ITS_EINVAL;
        }
    for (size_t i = 0; i < in->n_params; i++)
        if (in->params[i].n > 0 && in->params[i].values == NULL) {
            its__fmt(err, errlen, "trial figures: parameter %zu has no values", i);
            return ITS_EINVAL;
        }
    return ITS_OK;
}

/* The successful rows sorted by arm and patient, the arms' starts, the
 * scratch buffer, the horizon and the sample size. */
static its_status prepare(ctx *c)
{
    const its__plot_trial_in *in = c->in;
    size_t n = 0;
    c->rows = its__malloc((in->n_rows ? in->n_rows : 1) * sizeof *c->rows);
    c->start = its__calloc(in->n_arms + 1, sizeof *c->start);
    c->buf = its__malloc(2 * (in->n_rows ? in->n_rows : 1) * sizeof *c->buf);
    if (c->rows == NULL || c->start == NULL || c->buf == NULL) {
        its__fmt(c->err, c->errlen, "trial figures: out of memory");
        return ITS_ENOMEM;
    }
    c->horizon = isfinite(in->horizon_days) && in->horizon_days > 0.0 ? in->horizon_days : 0.0;
    for (size_t i = 0; i < in->n_rows; i++) {
        const its__outcome *o = &in->rows[i];
        if (o->status != ITS_OK)
            continue;
        c->rows[n++] = (prow){o->arm, o->patient, o};
        c->start[o->arm + 1]++;
        if (in->horizon_days <= 0.0 || !isfinite(in->horizon_days))
            c->horizon = isfinite(o->os_days) && o->os_days > c->horizon ? o->os_days : c->horizon;
    }
    qsort(c->rows, n, sizeof *c->rows, cmp_prow);
    for (size_t a = 0; a < in->n_arms; a++)
        c->start[a + 1] += c->start[a];
    c->sample = in->sample_per_arm ? in->sample_per_arm
                                   : in->n_arms <= 2 ? 30 : 60 / in->n_arms > 8 ? 60 / in->n_arms
                                                                                : 8;
    if (c->horizon <= 0.0)
        c->horizon = ITS__MONTH_DAYS;
    return ITS_OK;
}

/* Render the scripts (a missing or failing gnuplot is a note) and move
 * every file of the temporary directory into dir. */
static its_status render_and_move(ctx *c, const char *dir, char *note, size_t notelen)
{
    char msg[1024] = "";
    int rc = c->in->render ? its__gnuplot_render(c->tmp, c->names, c->n_names, c->in->gnuplot,
                                                 NULL, msg, sizeof msg)
                           : 0;
    if (rc == 4) {
        its__fmt(c->err, c->errlen, "trial figures: out of memory rendering");
        return ITS_ENOMEM;
    }
    if (rc == 1)
        its__fmt(note, notelen, "gnuplot not found: %zu trial figure scripts written; install "
                 "gnuplot-nox and run `gnuplot NAME.gp` in %s", c->n_names, dir);
    else if (rc != 0)
        its__fmt(note, notelen, "trial figures not rendered: %s", msg);
    return its__tmpdir_move_all(c->tmp, dir, c->err, c->errlen);
}

its_status its__plot_trial(const char *dir, const its__plot_trial_in *in, char *note,
                           size_t notelen, char *err, size_t errlen)
{
    static its_status (*const figs[])(ctx *) = {fig_km, fig_waterfall, fig_swimmer, fig_spider,
                                                fig_params};
    ctx c;
    its_status s = check_in(dir, in, err, errlen);
    its__fmt(note, notelen, "%s", "");
    if (s != ITS_OK)
        return s;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.err = err;
    c.errlen = errlen;
    if (snprintf(c.tmp, sizeof c.tmp, "%s/.trial_figures.tmp.XXXXXX", dir) >= (int)sizeof c.tmp) {
        its__fmt(err, errlen, "%s: path too long", dir);
        return ITS_EINVAL;
    }
    if ((s = prepare(&c)) == ITS_OK && mkdtemp(c.tmp) == NULL) {
        its__fmt(err, errlen, "%s: cannot create a temporary directory: %s", dir,
                 strerror(errno));
        c.tmp[0] = '\0';
        s = ITS_EIO;
    }
    its__c_locale g;
    its__c_locale_enter(&g);
    for (size_t i = 0; s == ITS_OK && i < sizeof figs / sizeof figs[0]; i++)
        s = figs[i](&c);
    its__c_locale_leave(&g);
    if (s == ITS_OK)
        s = render_and_move(&c, dir, note, notelen);
    if (c.tmp[0] != '\0' && strstr(c.tmp, "XXXXXX") == NULL)
        its__tmpdir_remove(c.tmp);
    its__free(c.rows);
    its__free(c.start);
    its__free(c.buf);
    return s;
}
