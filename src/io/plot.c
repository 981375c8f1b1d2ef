/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: gnuplot figure scripts for run outputs (io/io.h).
 *
 * Every script reads the CSV files of the output directory by relative
 * name, picks columns by their header names and writes NAME.png and
 * NAME.svg with the same content. Values known only to the run (RECIST
 * thresholds, the time range, which states exist) are written into the
 * script as named variables at its top, so a user can restyle it. */
#include "io/io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "itsim/clinical.h"
#include "itsim/scenario.h"
#include "itsim/run.h"
#include "itsim/io.h"

/* ---- small helpers --------------------------------------------------------- */

/* Input text (a scenario's description and file name, arm names, ...) never
 * reaches gnuplot as code. gnuplot runs `backquoted` text as a shell command
 * anywhere on a line, including inside double-quoted strings, but not inside
 * single-quoted strings, where nothing is special except the quote itself
 * (written twice) and '@' macros are not expanded either (gnuplot 5.4 manual,
 * "substitution" and "quotes"). So every string a script takes from outside
 * this file is written by q() as a single-quoted literal; comments get only
 * plain() text (a comment ending in a backslash would continue onto the next
 * line), and file names are checked by safe_prefix(). */

/* s as a gnuplot single-quoted string literal (a quote doubled, control
 * characters as spaces) into buf; truncated to fit, never inside a doubled
 * quote or a UTF-8 sequence. */
const char *its__gp_quote(char *buf, size_t n, const char *s)
{
    size_t k = 0;
    if (n < 3) {
        if (n)
            buf[0] = '\0';
        return buf;
    }
    buf[k++] = '\'';
    for (; s && *s; s++) {
        const unsigned char c = (unsigned char)*s;
        size_t need = c == '\'' ? 2 : 1;
        if (k + need + 2 > n) {
            while (k > 1 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
                k--;
            if (k > 1 && ((unsigned char)buf[k - 1] & 0x80))
                k--;
            break;
        }
        if (need == 2)
            buf[k++] = '\'';
        buf[k++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
    return buf;
}

void its__gp_formats(FILE *fp, const char *stem, int w, int h, int font_pt)
{
    fprintf(fp, "do for [fmt in \"png svg\"] {\n"
                "    if (fmt eq \"png\") {\n"
                "        set terminal pngcairo size %d,%d noenhanced font \"Sans,%d\"\n"
                "    } else {\n"
                "        set terminal svg size %d,%d noenhanced font \"Sans,%d\" "
                "background \"white\"\n    }\n",
            w, h, font_pt, w, h, font_pt);
    if (stem)
        fprintf(fp, "    set output \"%s.\".fmt\n    reset\n", stem);
    else
        fputs("    set output fig.\".\".fmt\n    reset\n", fp);
}

void its__gp_png_svg_head(FILE *fp, const char *stem, const char *title)
{
    fputs("set encoding utf8\n", fp);
    its__gp_formats(fp, stem, 900, 520, 10);
    fprintf(fp, "    set datafile separator ','\n    set title %s\n", title);
}

static const char *q(char *buf, size_t n, const char *s)
{
    return its__gp_quote(buf, n, s);
}

/* s for a comment: control characters and backslashes as spaces. */
static const char *plain(char *buf, size_t n, const char *s)
{
    size_t k = 0;
    if (!n)
        return buf;
    for (; s && *s && k + 1 < n; s++) {
        const unsigned char c = (unsigned char)*s;
        buf[k++] = c < 0x20 || c == 0x7f || c == '\\' ? ' ' : (char)c;
    }
    buf[k] = '\0';
    return buf;
}

/* 1 when every character of a file-name prefix is a letter, digit, '.', '_'
 * or '-': such a name is inert as a gnuplot string and in a comment, is one
 * file in the output directory (no '/'), and gnuplot does not take it for a
 * pipe ('<', '|') or a special file ('-', '+', '$'). The renderer passes
 * "./NAME", so a leading '-' is not an option either. */
static int safe_prefix(const char *p)
{
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* ---- one script file ------------------------------------------------------- */

typedef struct script {
    FILE *fp;
    char path[4096];
    char name[128];    /* file name (prefix + base + ".gp") */
    char stem[124];    /* output name without extension */
    int items;         /* clauses of the current plot command */
    /* panel layout (screen coordinates) */
    double left, right, key_x;
    double top, bottom, gap;
    double ptop, pbot; /* current panel */
} script;

static void out(script *s, const char *fmt, ...) ITS__PRINTF(2, 3);
static void out(script *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->fp, fmt, ap);
    va_end(ap);
}

/* t_pad: room left of t_start on the time axis, so that marks at t_start
 * (doses on day 0, the baseline assessment) are not hidden under the axis. */
static void t_pad_var(script *s)
{
    out(s, "t_pad = 0.012 * (t_end - t_start)   # room before t_start: marks there stay "
           "clear of the axis\n");
}

/* Opens dir/prefix+base+".gp" for writing. */
static its_status script_open(script *s, const char *dir, const char *prefix, const char *base,
                              char *err, size_t errlen)
{
    char eb[128];
    int len;
    memset(s, 0, sizeof *s);
    len = snprintf(s->stem, sizeof s->stem, "%s%s", prefix, base);
    if (len < 0 || (size_t)len + 3 >= sizeof s->name) {
        its__fmt(err, errlen, "%s%s.gp: file name too long", prefix, base);
        return ITS_EINVAL;
    }
    its__fmt(s->name, sizeof s->name, "%s.gp", s->stem);
    len = snprintf(s->path, sizeof s->path, "%s/%s", dir, s->name);
    if (len < 0 || (size_t)len >= sizeof s->path) {
        its__fmt(err, errlen, "%s: path too long", s->name);
        return ITS_EINVAL;
    }
    s->fp = fopen(s->path, "w");
    if (!s->fp) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(err, errlen, "%s: cannot write: %s", s->path, eb);
        return ITS_EIO;
    }
    s->left = 0.085;
    s->right = 0.70;
    s->key_x = 0.725;
    return ITS_OK;
}

/* Closes the script and records its name; on failure removes it. */
static its_status script_close(script *s, its_status st, char names[][128], size_t *n_names,
                               char *err, size_t errlen)
{
    char eb[128];
    int bad;
    if (!s->fp)
        return st;
    bad = ferror(s->fp);
    if (fclose(s->fp) != 0 && !bad)
        bad = errno ? errno : EIO;
    else if (bad)
        bad = EIO;
    s->fp = NULL;
    if (st == ITS_OK && bad) {
        its__errno_text(bad, eb, sizeof eb);
        its__fmt(err, errlen, "%s: write failed: %s", s->path, eb);
        st = ITS_EIO;
    }
    if (st != ITS_OK) {
        unlink(s->path);
        return st;
    }
    memcpy(names[*n_names], s->name, sizeof s->name);
    (*n_names)++;
    return ITS_OK;
}

/* The comment block and the settings every script shares. `about` is one
 * line per '\n'. */
static void preamble(script *s, const char *title, const char *about, const char *reads)
{
    char b[1024];
    const char *p = about;
    out(s, "# %s\n#\n", plain(b, sizeof b, title));
    while (p && *p) {
        const char *e = strchr(p, '\n');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        out(s, "# %.*s\n", (int)len, p);
        p = e ? e + 1 : p + len;
    }
    out(s, "#\n# Reads:  %s\n", reads);
    out(s, "# Writes: %s.png (1200x900) and %s.svg with the same content.\n", s->stem,
        s->stem);
    out(s, "# Render: gnuplot %s   (run it in the directory holding the files)\n", s->name);
    out(s, "#\n# Written by itsim. Columns are selected by their header names, so\n"
           "# the script keeps working when columns are added or reordered; edit\n"
           "# the variables, colours and styles below freely.\n\n");
    out(s, "set encoding utf8\nset datafile separator \",\"\nset datafile columnheaders\n");
    out(s, "fig = %s   # output files: fig.png and fig.svg\n", q(b, sizeof b, s->stem));
    out(s, "# log axes: values at or below the floor are drawn at the floor\n"
           "lf(x, f) = (x > f) ? x : f\n");
}

/* Starts the two formats' loop and the multiplot with title1 to title3
 * (title3 may be NULL) as title lines. */
static void frame_begin(script *s, const char *title1, const char *title2, const char *title3)
{
    char b1[512], b2[512], b3[512];
    out(s, "\ndo for [fmt in \"png svg\"] {\n"
           "    if (fmt eq \"png\") {\n"
           "        set terminal pngcairo size 1200,900 noenhanced font \"Sans,12\" linewidth 1.2\n"
           "    } else {\n"
           "        set terminal svg size 1200,900 noenhanced font \"Sans,12\" linewidth 1.2 "
           "background \"white\"\n"
           "    }\n"
           "    set output fig.\".\".fmt\n"
           "    # start each format from the defaults (reset keeps terminal and output)\n"
           "    reset\n"
           "    set datafile separator \",\"; set datafile columnheaders\n");
    out(s, "    set multiplot title %s.\"\\n\".%s", q(b1, sizeof b1, title1),
        q(b2, sizeof b2, title2));
    if (title3)
        out(s, ".\"\\n\".%s", q(b3, sizeof b3, title3));
    out(s, " font \",14\"\n");
}

static void frame_end(script *s)
{
    out(s, "    unset multiplot\n    set output\n}\n");
}

/* Panel i of n, with relative heights w[]: clears what the previous panel
 * set and places this one; the key goes right of the plot. */
static void panel(script *s, const double *w, size_t n, size_t i, const char *comment)
{
    double sum = 0.0, above = 0.0, avail;
    size_t k;
    for (k = 0; k < n; k++) {
        sum += w[k];
        if (k < i)
            above += w[k];
    }
    avail = s->top - s->bottom - s->gap * (double)(n - 1);
    s->ptop = s->top - avail * above / sum - s->gap * (double)i;
    s->pbot = s->ptop - avail * w[i] / sum;
    out(s, "\n    # ---- %s\n", comment);
    out(s, "    unset label; unset arrow; unset object; unset logscale\n"
           "    unset y2tics; unset y2label; unset xlabel; unset ylabel\n"
           "    set border; set xtics autofreq norotate mirror; set ytics autofreq mirror\n"
           "    set format y \"%% h\"\n"
           "    set yrange [*:*]; set y2range [*:*]; unset offsets; unset grid\n"
           "    set grid xtics ytics lc rgb \"#dddddd\" lt 1\n");
    out(s, "    set lmargin at screen %.4f; set rmargin at screen %.4f\n", s->left, s->right);
    out(s, "    set tmargin at screen %.4f; set bmargin at screen %.4f\n", s->ptop, s->pbot);
    out(s, "    set key at screen %.4f, screen %.4f left top Left reverse samplen 2.5 "
           "spacing 1.1 font \",11\" noopaque nobox\n",
        s->key_x, s->ptop + 0.005);
    out(s, "    set xrange [t_start - t_pad:t_end]\n");
    if (i + 1 == n)
        out(s, "    set xlabel \"time [\".tunit.\"]\"\n");
}

/* Moves the key of the current panel to x (right of a y2 axis). */
static void key_at(script *s, double x)
{
    out(s, "    set key at screen %.4f, screen %.4f\n", x, s->ptop + 0.005);
}

/* Plot command builder: clauses separated by ", \" line continuations. */
static void plot_begin(script *s)
{
    s->items = 0;
    out(s, "    plot ");
}

static void item(script *s, const char *fmt, ...) ITS__PRINTF(2, 3);
static void item(script *s, const char *fmt, ...)
{
    va_list ap;
    if (s->items++)
        out(s, ", \\\n         ");
    va_start(ap, fmt);
    vfprintf(s->fp, fmt, ap);
    va_end(ap);
}

static void plot_end(script *s)
{
    if (!s->items)
        out(s, "NaN notitle");
    out(s, "\n");
}

/* ---- what a run has ------------------------------------------------------- */

static const char *const term_colour[ITS_AE_NTERMS] = {
    "#1f77b4", "#d62728", "#ff7f0e", "#8c564b", "#9467bd", "#2ca02c", "#17becf",
    "#bcbd22", "#e377c2", "#7f7f7f", "#aec7e8", "#ff9896", "#98df8a", "#c5b0d5"};
static const char *const input_colour[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                           "#66a61e", "#e6ab02", "#a6761d", "#666666"};
static const char *const lesion_colour[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
                                            "#76b7b2", "#edc948", "#ff9da7", "#9c755f"};
static const char *const arm_colour[] = {"#000000", "#d62728", "#1f77b4", "#2ca02c",
                                         "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"};

/* Colours of the kinds of states a model shows (its_state_shown): the k-th
 * kind of a role, in order of first appearance, gets the k-th colour of the
 * role's palette, so a cell type or cytokine has the same colour in blood
 * and lesion. */
static const char *const cell_colour[] = {"#d62728", "#9467bd", "#ff7f0e", "#2ca02c", "#8c564b",
                                          "#e377c2", "#17becf", "#bcbd22", "#1f77b4"};
static const char *const cytokine_colour[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};

static int same_kind(const its_state_shown *a, const its_state_shown *b)
{
    if (a->role != b->role)
        return 0;
    if (!a->kind || !b->kind)
        return a == b;
    return strcmp(a->kind, b->kind) == 0;
}

static const char *kind_colour(const its_model_def *m, const its_state_shown *v)
{
    size_t i, k, rank = 0;
    for (i = 0; i < m->n_shown && &m->shown[i] != v; i++) {
        if (m->shown[i].role != v->role)
            continue;
        for (k = 0; k < i && !same_kind(&m->shown[k], &m->shown[i]); k++)
            ;
        if (k == i && !same_kind(&m->shown[i], v))   /* a new kind, not v's */
            rank++;
        else if (k == i)
            break;                                    /* v's kind first seen here */
    }
    if (v->role == ITS_STATE_CYTOKINE)
        return cytokine_colour[rank % (sizeof cytokine_colour / sizeof cytokine_colour[0])];
    return cell_colour[rank % (sizeof cell_colour / sizeof cell_colour[0])];
}

typedef struct run {
    const its_result *res;
    const its_model_def *m;
    const char *prefix;
    double t0, t1;             /* shown time range: start, planned end */
    double t_stop;             /* solver failure: last time reached, else NaN */
    its_clinical_summary sum;
    int have_sum;
    int inputs[16];            /* inputs with doses, first-dose order */
    size_t n_inputs;
} run;

static void run_init(run *r, const its_result *res, const char *prefix)
{
    const its__plan *p = &res->plan;
    size_t i, k;
    memset(r, 0, sizeof *r);
    r->res = res;
    r->m = p->model;
    r->prefix = prefix;
    r->t0 = p->t0;
    r->t1 = res->n_rows ? res->t[res->n_rows - 1] : p->t1;
    r->t_stop = NAN;
    if (res->status != ITS_OK) {
        /* the run stopped early: the axis runs to the planned end, and the
         * figures mark where the solver gave up (its_stats.t_reached), or
         * where the data end when that is unknown */
        its_stats st;
        r->t_stop = r->t1 > r->t0 ? r->t1 : r->t0;
        if (its_result_get_stats(res, &st) == ITS_OK && isfinite(st.t_reached) &&
            st.t_reached > r->t_stop)
            r->t_stop = st.t_reached;
        if (p->t1 > r->t1)
            r->t1 = p->t1;
    }
    if (!(r->t1 > r->t0))
        r->t1 = p->t1 > p->t0 ? p->t1 : r->t0 + 1.0;
    r->have_sum = its_result_get_clinical(res, &r->sum) == ITS_OK && r->sum.available;
    for (i = 0; i < p->n_doses; i++) {
        for (k = 0; k < r->n_inputs; k++)
            if (r->inputs[k] == p->doses[i].input)
                break;
        if (k == r->n_inputs && r->n_inputs < sizeof r->inputs / sizeof r->inputs[0])
            r->inputs[r->n_inputs++] = p->doses[i].input;
    }
}

/* The frame of a run's figure: its scenario and model as the first title
 * line, title2 as the second. */
static void run_frame(script *s, const run *r, double bottom, const char *title2)
{
    const its_result *res = r->res;
    char t1[512], t3[160];
    its__fmt(t1, sizeof t1, "%s (model %s)",
             res->plan.description ? res->plan.description : res->plan.source,
             res->plan.model->name);
    if (isfinite(r->t_stop))
        its__fmt(t3, sizeof t3, "THE SOLVER FAILED: the run stopped at %.6g %s "
                 "(summary.json: status, message)", r->t_stop, r->m->time_unit);
    s->top = isfinite(r->t_stop) ? 0.865 : 0.885;
    s->bottom = bottom;
    s->gap = 0.075;
    frame_begin(s, t1, title2, isfinite(r->t_stop) ? t3 : NULL);
}

/* Largest value of state j over the run. */
static double state_max(const its_result *res, int j)
{
    const size_t ns = res->plan.model->n_states;
    double mx = -HUGE_VAL;
    size_t i;
    for (i = 0; i < res->n_rows; i++)
        if (res->y[i * ns + (size_t)j] > mx)
            mx = res->y[i * ns + (size_t)j];
    return mx;
}

/* A log-axis floor `decades` below the largest value of the states idx[]
 * (rounded down to a power of ten), at least `least`. */
static double log_floor(const its_result *res, const int *idx, size_t n, double decades,
                        double least)
{
    double mx = 0.0, f;
    size_t k;
    for (k = 0; k < n; k++) {
        const double v = state_max(res, idx[k]);
        if (v > mx)
            mx = v;
    }
    if (!(mx > 0.0) || !isfinite(mx))
        return least;
    f = pow(10.0, floor(log10(mx)) - decades);
    return f > least ? f : least;
}

/* Timeseries header of state j: "NAME [unit]", as a quoted string. */
static const char *state_col(char *buf, size_t n, const its_model_def *m, int j)
{
    char raw[256];
    its__fmt(raw, sizeof raw, "%s [%s]", m->states[j].name, m->states[j].unit);
    return q(buf, n, raw);
}

/* A shown state's label (the model's display name, without the site), then
 * its name in brackets. */
static const char *state_title(char *buf, size_t n, const its_model_def *m, int j,
                               const its_state_shown *v)
{
    char raw[256];
    const char *d = v->label ? v->label : m->states[j].description;
    if (!d || !*d)
        return q(buf, n, m->states[j].name);
    its__fmt(raw, sizeof raw, "%.120s (%s)", d, m->states[j].name);
    return q(buf, n, raw);
}

/* Variables every run script starts with: files, time range, unit. */
static void run_vars(script *s, const run *r, double ta, double tb, int ts, int clin,
                     int asm_, int doses)
{
    char b[512], f[256];
    out(s, "\n# ---- data files and settings\n");
    if (ts) {
        its__fmt(f, sizeof f, "%stimeseries.csv", r->prefix);
        out(s, "ts = %s\n", q(b, sizeof b, f));
        its__fmt(f, sizeof f, "time [%s]", r->m->time_unit);
        out(s, "tcol = %s   # time column of the timeseries\n", q(b, sizeof b, f));
    }
    if (clin) {
        its__fmt(f, sizeof f, "%sclinical.csv", r->prefix);
        out(s, "clin = %s\n", q(b, sizeof b, f));
    }
    if (asm_) {
        its__fmt(f, sizeof f, "%sassessments.csv", r->prefix);
        out(s, "asm = %s\n", q(b, sizeof b, f));
    }
    if (doses) {
        its__fmt(f, sizeof f, "%sdoses.csv", r->prefix);
        out(s, "doses = %s\n", q(b, sizeof b, f));
    }
    out(s, "tunit = %s\n", q(b, sizeof b, r->m->time_unit));
    out(s, "t_start = %.10g; t_end = %.10g   # time axis", ta, tb);
    if (ta != r->t0 || tb != r->t1)
        out(s, " (the run: %.10g to %.10g)", r->t0, r->t1);
    out(s, "\n");
    t_pad_var(s);
}

/* A vertical line at script variable `var` with a label at height y (graph
 * fraction) beside it, on the side with more room; only when var is on the
 * axis. style: the arrow's line style; colour: the label's. */
static void vmark(script *s, const char *var, const char *label, double y, const char *style,
                  const char *colour)
{
    out(s, "    if (%s >= t_start && %s <= t_end) {\n"
           "        set arrow from %s, graph 0 to %s, graph 1 nohead %s front\n",
        var, var, var, var, style);
    out(s, "        if (%s > t_start + 0.8 * (t_end - t_start)) {\n"
           "            set label \"%s\" at %s, graph %.2f offset -0.4,0 right tc rgb \"%s\" "
           "font \",10\" front\n"
           "        } else {\n"
           "            set label \"%s\" at %s, graph %.2f offset 0.4,0 left tc rgb \"%s\" "
           "font \",10\" front\n        }\n    }\n",
        var, label, var, y, colour, label, var, y, colour);
}

/* Vertical markers for progression, death and a solver failure (with the
 * time not simulated shaded) in the current panel. */
static void event_marks(script *s, const run *r)
{
    const its__clinrun *c = &r->res->clin;
    if (r->have_sum && r->sum.recist_available && isfinite(r->sum.recist.t_progression))
        vmark(s, "t_pd", "progression", 0.97, "dt 3 lw 1.5 lc rgb \"#d62728\"", "#d62728");
    if (isfinite(c->death))
        vmark(s, "t_death", "death", 0.89, "lw 2 lc rgb \"#000000\"", "#000000");
    if (isfinite(r->t_stop)) {
        out(s, "    set object rectangle from t_stop, graph 0 to t_end, graph 1 behind "
               "fc rgb \"#e8e8e8\" fs solid 1.0 noborder\n");
        vmark(s, "t_stop", "run stopped: solver failure", 0.81,
              "lw 2.5 lc rgb \"#7b3294\"", "#7b3294");
    }
}

static void event_vars(script *s, const run *r)
{
    const its__clinrun *c = &r->res->clin;
    if (r->have_sum && r->sum.recist_available && isfinite(r->sum.recist.t_progression)) {
        const double origin = c->n_assess ? c->assess_t[0] : r->t0;
        out(s, "t_pd = %.10g   # first progression (RECIST PD)\n",
            origin + r->sum.recist.t_progression);
    }
    if (isfinite(c->death))
        out(s, "t_death = %.10g   # %s\n", c->death,
            c->death_cause == 1 ? "death from the tumour" : "treatment-related death");
    if (isfinite(r->t_stop))
        out(s, "t_stop = %.10g   # the solver failed: no data after this time (status and "
               "message in summary.json)\n",
            r->t_stop);
}

/* Short ticks at the bottom of the panel for every dose given, one colour per
 * input (y2 axis reserved for them: call only when y2 is free). */
static void dose_ticks_setup(script *s, const run *r)
{
    if (r->n_inputs)
        out(s, "    set y2range [0:1]; unset y2tics\n");
}

static void dose_ticks(script *s, const run *r)
{
    char b[256], t[256], raw[160];
    size_t k;
    for (k = 0; k < r->n_inputs; k++) {
        const char *name = r->m->inputs[r->inputs[k]].name;
        its__fmt(raw, sizeof raw, "%s dose given", name);
        /* one short lane per input, stacked, so doses of two inputs at the
         * same time both show */
        item(s,
             "doses using \"t\":(%.3f):(0):((strcol(\"input\") eq %s && column(\"given\") > 0) "
             "? %.3f : NaN) axes x1y2 with vectors nohead lw 1.5 lc rgb \"%s\" title %s",
             0.045 * (double)k, q(b, sizeof b, name), 0.045, input_colour[k % 8],
             q(t, sizeof t, raw));
    }
}

/* A CTCAE term name without a parenthesised remark, into buf. */
static const char *term_short(char *buf, size_t n, its_ae_term k)
{
    const char *tn = its_ae_term_name(k);
    const char *par = tn ? strstr(tn, " (") : NULL;
    const char *ae = tn ? strstr(tn, "adverse event") : NULL;
    size_t len = tn ? (par ? (size_t)(par - tn) : strlen(tn)) : 0;
    if (ae && (size_t)(ae - tn) + 13 <= len)   /* "... adverse event" -> "... AE" */
        its__fmt(buf, n, "%.*sAE%.*s", (int)(ae - tn), tn, (int)(len - (size_t)(ae - tn) - 13),
                 ae + 13);
    else
        its__fmt(buf, n, "%.*s", (int)len, tn ? tn : "");
    return buf;
}

/* ---- tumour.gp -------------------------------------------------------------- */

static void pct(char *buf, size_t n, double x)
{
    if (isfinite(x))
        its__fmt(buf, n, "%+.1f %%", 100.0 * x);
    else
        its__fmt(buf, n, "-");
}

/* Panel (b) of tumour.gp: each lesion's diameter and, when RECIST ran, the
 * sum of target diameters (recist) or the assessments on lesion 1
 * (assessed, without target lesions), with the thresholds. */
static void tumour_lesions(script *s, const run *r, int recist, int assessed)
{
    const its__clinrun *c = &r->res->clin;
    const its_model_def *m = r->m;
    const its_recist *rc = its_result_recist(r->res);
    char b[256], b2[256], b3[64];
    size_t j;
    out(s, "    set title \"(b) Lesion diameters and RECIST 1.1 sum of target diameters "
           "[mm]\"\n"
           "    set ylabel \"diameter [mm]\"\n"
           "    set yrange [0:*]; set offsets 0, 0, graph 0.12, 0\n"
           "    set style textbox opaque noborder margins 1,1\n");
    event_marks(s, r);
    plot_begin(s);
    for (j = 0; j < c->n_lesions; j++) {
        const char *nm = m->observables[c->lesion_obs[j]].name;
        const int role = rc ? its_recist_is_target(rc, j) : -2;
        its__fmt(b3, sizeof b3, "lesion %zu%s", j + 1,
                 role == 1   ? " (target)"
                 : role == 0 ? " (non-target)"
                 : role == -1 ? " (absent at baseline)"
                              : "");
        item(s, "clin using \"t\":(column(%s)) with lines lw 1.2 lc rgb \"%s\" title %s",
             q(b, sizeof b, nm), lesion_colour[j % 8], q(b2, sizeof b2, b3));
    }
    if (recist) {
        item(s, "asm using \"t\":\"sum_mm\" with linespoints pt 7 ps 1.6 lw 2.5 "
                "lc rgb \"#000000\" title \"RECIST sum (target lesions)\"");
        item(s, "asm using \"t\":\"sum_mm\":(resp(strcol(\"overall\"))) with labels "
                "boxed offset 0,1.3 font \",11\" notitle");
        item(s, "asm using \"t\":(strcol(\"assessment\") eq \"baseline\" ? NaN : "
                "pd_thr(column(\"nadir_mm\"))) with points pt 11 ps 1.4 lc rgb \"#d62728\" "
                "title \"PD threshold (nadir +20 %%, ≥ 5 mm)\"");
        item(s, "pr_mm with lines dt 2 lw 1.5 lc rgb \"#2ca02c\" "
                "title sprintf(\"PR, baseline -30 %%%%: %%.1f mm\", pr_mm)");
    } else if (assessed) {
        /* no sum: the overall response at each assessment on lesion 1 */
        char col[160];
        its__fmt(col, sizeof col, "%s_mm", m->observables[c->lesion_obs[0]].name);
        q(b, sizeof b, col);
        item(s, "asm using \"t\":%s with points pt 7 ps 1.4 lc rgb \"#000000\" "
                "title \"assessment (overall response)\"", b);
        item(s, "asm using \"t\":%s:(resp(strcol(\"overall\"))) with labels boxed "
                "offset 0,1.3 font \",11\" notitle", b);
    }
    item(s, "measurable_mm with lines dt 3 lw 1.2 lc rgb \"#7f7f7f\" "
            "title sprintf(\"measurable lesion %%g mm\", measurable_mm)");
    plot_end(s);
}

static its_status fig_tumour(const run *r, const char *dir, char names[][128], size_t *n_names,
                             char *err, size_t errlen)
{
    const its_result *res = r->res;
    const its__clinrun *c = &res->clin;
    const its__plan *p = &res->plan;
    const its_model_def *m = r->m;
    const int burden = its_model_observable_index_by_role(m, ITS_OBS_TUMOUR_BURDEN);
    const int lesions = c->n_lesions > 0;
    /* assessed: RECIST ran; recist: ... with target lesions (a sum to draw) */
    const int assessed = lesions && r->have_sum && r->sum.recist_available && c->recist_ok;
    const int recist = assessed && r->sum.recist.n_targets > 0;
    double w[2] = {1.0, 1.3};
    size_t np = 0, pi = 0;
    char t2[512], b[256];
    script s;
    its_status st;

    if (burden < 0 && !lesions)
        return ITS_OK;
    st = script_open(&s, dir, r->prefix, "tumour", err, errlen);
    if (st != ITS_OK)
        return st;
    preamble(&s, "itsim figure: tumour response",
             "(a) tumour burden (cancer cells, log scale) over time;\n"
             "(b) the diameter of each lesion (thin lines), the RECIST 1.1 sum of\n"
             "    target diameters at each assessment (points, labelled with the\n"
             "    overall response), the measurable-lesion size, the PR threshold\n"
             "    (baseline -30 %) and the PD threshold in force at each assessment\n"
             "    (RECIST 1.1: +20 % over the nadir, the smallest sum so far, and at\n"
             "    least +5 mm; not over the baseline).\n"
             "Short ticks at the bottom of (a) mark the doses given.",
             "clinical.csv (t, burden, lesion diameters), assessments.csv (t, sum_mm,\n"
             "#         nadir_mm, overall), doses.csv (t, input, given)");
    run_vars(&s, r, r->t0, r->t1, 0, 1, assessed, p->n_doses > 0);
    event_vars(&s, r);
    out(&s, "cell_floor = 1   # cells\n");
    if (p->clin.lethal_burden > 0.0)
        out(&s, "lethal_burden = %.6g   # cells: death from disease\n", p->clin.lethal_burden);
    if (recist) {
        const its_recist_opts *o = &p->clin.recist;
        out(&s, "measurable_mm = %.6g\nbaseline_mm = %.6g   # baseline sum of target diameters\n"
                "pr_mm = baseline_mm * (1 - %.6g)   # partial response threshold\n"
                "pd_thr(nadir) = (nadir * (1 + %.6g) > nadir + %.6g) ? nadir * (1 + %.6g) "
                ": nadir + %.6g\n"
                "resp(s) = (s eq \"baseline\") ? \"BL\" : s\n",
                o->measurable_mm, r->sum.recist.baseline_mm, o->pr_fraction,
                o->pd_fraction, o->pd_abs_mm, o->pd_fraction, o->pd_abs_mm);
    } else if (lesions) {
        out(&s, "measurable_mm = %.6g\n", p->clin.recist.measurable_mm);
        if (assessed)
            out(&s, "resp(s) = (s eq \"baseline\") ? \"BL\" : s\n");
    }

    if (recist) {
        const its_recist_endpoints *e = &r->sum.recist;
        char bc[32];
        pct(bc, sizeof bc, e->best_change);
        its__fmt(t2, sizeof t2, "Tumour: best overall response %s (best change %s), PFS %.0f %s (%s)",
                 its_response_name(e->best), bc, e->pfs, m->time_unit,
                 e->pfs_event == 1 ? "progression" : e->pfs_event == 2 ? "death" : "censored");
    } else if (assessed) {
        const its_recist_endpoints *e = &r->sum.recist;
        its__fmt(t2, sizeof t2, "Tumour: no target lesion at baseline; best overall response %s, "
                 "PFS %.0f %s (%s)", its_response_name(e->best), e->pfs, m->time_unit,
                 e->pfs_event == 1 ? "progression" : e->pfs_event == 2 ? "death" : "censored");
    } else {
        its__fmt(t2, sizeof t2, "Tumour burden and lesions");
    }
    run_frame(&s, r, 0.075, t2);
    if (burden < 0 || !lesions)
        w[0] = 1.0, np = 1;
    else
        np = 2;

    if (burden >= 0) {
        panel(&s, w, np, pi++, "(a) tumour burden");
        out(&s, "    set title \"(a) Tumour burden: all cancer cells (log scale)\"\n"
                "    set logscale y; set format y \"1e%%T\"\n"
                "    set ylabel \"cancer cells\"; set offsets 0, 0, graph 0.04, 0\n");
        event_marks(&s, r);
        dose_ticks_setup(&s, r);
        plot_begin(&s);
        item(&s, "clin using \"t\":(lf(column(%s), cell_floor)) with lines lw 2.5 "
                 "lc rgb \"#000000\" title \"tumour burden\"",
             q(b, sizeof b, m->observables[burden].name));
        if (p->clin.lethal_burden > 0.0)
            item(&s, "lethal_burden with lines dt 2 lw 1.5 lc rgb \"#7f0000\" "
                     "title \"lethal burden\"");
        dose_ticks(&s, r);
        plot_end(&s);
    }
    if (lesions) {
        panel(&s, w, np, pi++, "(b) lesion diameters and RECIST sum");
        tumour_lesions(&s, r, recist, assessed);
    }
    frame_end(&s);
    return script_close(&s, ITS_OK, names, n_names, err, errlen);
}

/* ---- immune.gp and cytokines.gp -------------------------------------------- */

/* The states a figure draws in one panel, picked by their declared role
 * and site (its_model_def.shown), in the model's order. */
#define MAX_SHOWN 16
typedef struct picked {
    int idx[MAX_SHOWN];                 /* state indices */
    const its_state_shown *v[MAX_SHOWN];
    size_t n;
} picked;

/* The states shown with this role at this site that exist with the given
 * unit (NULL: any); at most MAX_SHOWN. */
static void pick(const its_model_def *m, its_state_role role, unsigned site, const char *unit,
                 picked *out)
{
    size_t k;
    out->n = 0;
    for (k = 0; k < m->n_shown && out->n < MAX_SHOWN; k++) {
        const its_state_shown *v = &m->shown[k];
        const int j = v->role == role && v->site == site ? its_model_state_index(m, v->state) : -1;
        if (j < 0 || (unit && strcmp(m->states[j].unit, unit) != 0))
            continue;
        out->idx[out->n] = j;
        out->v[out->n++] = v;
    }
}

/* The first state shown with this role (at any site), or NULL; *j is its index. */
static const its_state_shown *first_shown(const its_model_def *m, its_state_role role, int *j)
{
    size_t k;
    for (k = 0; k < m->n_shown; k++)
        if (m->shown[k].role == role && (*j = its_model_state_index(m, m->shown[k].state)) >= 0)
            return &m->shown[k];
    *j = -1;
    return NULL;
}

/* The display name of shown state j: its label, else its name. */
static const char *shown_label(const its_model_def *m, int j, const its_state_shown *v)
{
    return v->label && *v->label ? v->label : m->states[j].name;
}

/* The label for a double-quoted gnuplot string, where a backslash, a quote,
 * a backquote or an '@' would be code: such a label is written as
 * "antibody" instead. */
static const char *dq_label(const its_model_def *m, int j, const its_state_shown *v)
{
    const char *l = shown_label(m, j, v), *p;
    for (p = l; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || strchr("\\\"`@'", *p))
            return "antibody";
    return l;
}

/* The Reads line of a figure drawing states: the column of state j as the
 * example. */
static const char *reads_states(char *buf, size_t n, const its_model_def *m, int j)
{
    char b1[128], b2[64];
    its__fmt(buf, n, "timeseries.csv (time and state columns, e.g. \"%s [%s]\"),\n"
                     "#         doses.csv (t, input, given)",
             plain(b1, sizeof b1, m->states[j].name), plain(b2, sizeof b2, m->states[j].unit));
    return buf;
}

static void state_lines(script *s, const run *r, const picked *pk, const char *floor_var)
{
    char b1[256], b2[256];
    size_t k;
    for (k = 0; k < pk->n; k++)
        item(s, "ts using tcol:(lf(column(%s), %s)) with lines lw 2 lc rgb \"%s\" title %s",
             state_col(b1, sizeof b1, r->m, pk->idx[k]), floor_var,
             kind_colour(r->m, pk->v[k]), state_title(b2, sizeof b2, r->m, pk->idx[k], pk->v[k]));
}

/* Panel i (the last) of a figure: states idx[0..n) of lesion 1 on a log
 * axis with the event marks and dose ticks. title and ylabel are gnuplot
 * string expressions (they may concatenate script variables). */
static void lesion_panel(script *s, const run *r, const double *w, size_t np, size_t i,
                         const picked *pk, const char *title, const char *ylabel)
{
    panel(s, w, np, i, "(b) lesion 1");
    out(s, "    set title \"(%c) \".%s.\" (log scale)\"\n"
           "    set logscale y; set format y \"1e%%T\"; set ylabel %s\n",
        (char)('a' + i), title, ylabel);
    event_marks(s, r);
    dose_ticks_setup(s, r);
    plot_begin(s);
    state_lines(s, r, pk, "floor_lesion");
    dose_ticks(s, r);
    plot_end(s);
}

static its_status fig_immune(const run *r, const char *dir, char names[][128], size_t *n_names,
                             char *err, size_t errlen)
{
    picked pb, pl;
    const double w[2] = {1.0, 1.0};
    size_t nb, nl, np, pi = 0;
    char rd[256];
    script s;
    its_status st;

    pick(r->m, ITS_STATE_IMMUNE_CELLS, 0, "cell", &pb);
    pick(r->m, ITS_STATE_IMMUNE_CELLS, 1, "cell", &pl);
    nb = pb.n;
    nl = pl.n;
    np = (nb > 0) + (nl > 0);
    if (!np)
        return ITS_OK;
    st = script_open(&s, dir, r->prefix, "immune", err, errlen);
    if (st != ITS_OK)
        return st;
    preamble(&s, "itsim figure: immune cell populations",
             "(a) immune cells in blood, (b) immune cells in lesion 1, each in cells\n"
             "on a log axis (values below cell_floor are drawn at it). A cell type has\n"
             "the same colour in both panels. Short ticks at the bottom of (b) mark\n"
             "the doses given.",
             reads_states(rd, sizeof rd, r->m, nb ? pb.idx[0] : pl.idx[0]));
    run_vars(&s, r, r->t0, r->t1, 1, 0, 0, r->res->plan.n_doses > 0);
    event_vars(&s, r);
    out(&s, "# log-axis floors [cells]: 6 decades below the largest value shown\n"
            "floor_blood = %.6g; floor_lesion = %.6g\n",
        log_floor(r->res, pb.idx, nb, 6.0, 1.0), log_floor(r->res, pl.idx, nl, 6.0, 1.0));
    run_frame(&s, r, 0.075, "Immune cell populations");
    if (nb) {
        panel(&s, w, np, pi++, "(a) blood");
        out(&s, "    set title \"(a) Immune cells in blood [cells] (log scale)\"\n"
                "    set logscale y; set format y \"1e%%T\"; set ylabel \"cells\"\n");
        event_marks(&s, r);
        if (!nl)
            dose_ticks_setup(&s, r);
        plot_begin(&s);
        state_lines(&s, r, &pb, "floor_blood");
        if (!nl)
            dose_ticks(&s, r);
        plot_end(&s);
    }
    if (nl)
        lesion_panel(&s, r, w, np, pi++, &pl, "\"Immune cells in lesion 1 [cells]\"",
                     "\"cells\"");
    frame_end(&s);
    return script_close(&s, ITS_OK, names, n_names, err, errlen);
}

static its_status fig_cytokines(const run *r, const char *dir, char names[][128],
                                size_t *n_names, char *err, size_t errlen)
{
    const its_model_def *m = r->m;
    picked pb, pl;
    size_t nb = 0, nl = 0, np, pi = 0;
    const double w[2] = {1.0, 1.0};
    const char *unit = NULL;
    int ab, cy;
    const its_state_shown *abv = first_shown(m, ITS_STATE_ANTIBODY, &ab);
    char b1[256], b2[256], about[512];
    script s;
    its_status st;

    /* the unit of the first cytokine shown is the axis unit */
    if (first_shown(m, ITS_STATE_CYTOKINE, &cy))
        unit = m->states[cy].unit;
    pick(m, ITS_STATE_CYTOKINE, 0, unit, &pb);
    pick(m, ITS_STATE_CYTOKINE, 1, unit, &pl);
    if (unit) {
        nb = pb.n;
        nl = pl.n;
    }
    if (ab >= 0 && abv->site != 0)
        ab = -1;                       /* only an antibody in plasma has an axis */
    if (ab >= 0 && !(state_max(r->res, ab) > 1e-3))
        ab = -1;                       /* not given: no axis for it */
    np = (nb > 0 || ab >= 0) + (nl > 0);
    if (!np)
        return ITS_OK;
    st = script_open(&s, dir, r->prefix, "cytokines", err, errlen);
    if (st != ITS_OK)
        return st;
    its__fmt(about, sizeof about,
             "(a) cytokines in blood (log axis, left)%s%s%s;\n"
             "(b) cytokines in lesion 1 (log axis). Values below conc_floor are\n"
             "    drawn at it. A cytokine has the same colour in both panels; short\n"
             "    ticks at the bottom of (b) mark the doses given.",
             abv ? " and the " : "", abv ? plain(b1, sizeof b1, shown_label(m, ab, abv)) : "",
             abv ? " antibody in\n    plasma (linear, right axis; only when it was given)" : "");
    preamble(&s, "itsim figure: cytokines and antibody", about,
             reads_states(b2, sizeof b2, m, nb ? pb.idx[0] : nl ? pl.idx[0] : ab));
    run_vars(&s, r, r->t0, r->t1, 1, 0, 0, r->res->plan.n_doses > 0);
    event_vars(&s, r);
    out(&s, "cunit = %s\n# log-axis floors [%s]: 7 decades below the largest value shown\n"
            "floor_blood = %.6g; floor_lesion = %.6g\n",
        q(b1, sizeof b1, unit ? unit : ""), unit ? unit : "",
        log_floor(r->res, pb.idx, nb, 7.0, 1e-6), log_floor(r->res, pl.idx, nl, 7.0, 1e-6));
    run_frame(&s, r, 0.075, "Cytokines and antibody");
    if (nb || ab >= 0) {
        panel(&s, w, np, pi++, "(a) blood");
        out(&s, "    set title \"(a) Blood: cytokines [\".cunit.\"] (log scale)%s%s%s\"\n"
                "    set logscale y; set format y \"1e%%T\"; set ylabel \"concentration [\".cunit.\"]\"\n",
            ab >= 0 ? "; " : "", ab >= 0 ? dq_label(m, ab, abv) : "",
            ab >= 0 ? " (right axis)" : "");
        if (ab >= 0) {
            char raw[160];
            its__fmt(raw, sizeof raw, "%.120s [%s]", shown_label(m, ab, abv), m->states[ab].unit);
            out(&s, "    set y2tics; set ytics nomirror; set y2range [0:*]\n"
                    "    set y2label %s\n",
                q(b1, sizeof b1, raw));
            key_at(&s, 0.80);
        }
        event_marks(&s, r);
        if (ab < 0 && !nl)
            dose_ticks_setup(&s, r);
        plot_begin(&s);
        state_lines(&s, r, &pb, "floor_blood");
        if (ab >= 0) {
            char raw[160];
            its__fmt(raw, sizeof raw, "%.120s (right axis)", shown_label(m, ab, abv));
            item(&s, "ts using tcol:(column(%s)) axes x1y2 with lines lw 2.5 dt 1 "
                     "lc rgb \"#000000\" title %s",
                 state_col(b1, sizeof b1, m, ab), q(b2, sizeof b2, raw));
        }
        if (ab < 0 && !nl)
            dose_ticks(&s, r);
        plot_end(&s);
    }
    if (nl)
        lesion_panel(&s, r, w, np, pi++, &pl, "\"Lesion 1: cytokines [\".cunit.\"]\"",
                     "\"concentration [\".cunit.\"]\"");
    frame_end(&s);
    return script_close(&s, ITS_OK, names, n_names, err, errlen);
}

/* ---- clones.gp ------------------------------------------------------------- */

/* The clonal composition of lesion 1: the shares of its cancer cells in the
 * clone compartments the model shows (ITS_STATE_CLONE_SHARE), on a log
 * axis so that a small escape clone is seen as it grows. */
static its_status fig_clones(const run *r, const char *dir, char names[][128], size_t *n_names,
                             char *err, size_t errlen)
{
    picked pl;
    const double w[1] = {1.0};
    char rd[256];
    script s;
    its_status st;

    pick(r->m, ITS_STATE_CLONE_SHARE, 1, NULL, &pl);
    if (!pl.n)
        return ITS_OK;
    st = script_open(&s, dir, r->prefix, "clones", err, errlen);
    if (st != ITS_OK)
        return st;
    preamble(&s, "itsim figure: clonal composition",
             "The shares of lesion 1's cancer cells in its clone compartments (e.g.\n"
             "load bins and the escape compartment without antigen presentation) on a\n"
             "log axis (values below floor_lesion are drawn at it); a compartment not\n"
             "shown (tme: load bin 0, clone0_1 in clinical.csv) holds the rest. Short\n"
             "ticks at the bottom mark the doses given.",
             reads_states(rd, sizeof rd, r->m, pl.idx[0]));
    run_vars(&s, r, r->t0, r->t1, 1, 0, 0, r->res->plan.n_doses > 0);
    event_vars(&s, r);
    out(&s, "# log-axis floor [1]: 5 decades below the largest share shown\n"
            "floor_lesion = %.6g\n",
        log_floor(r->res, pl.idx, pl.n, 5.0, 1e-12));
    run_frame(&s, r, 0.075, "Clonal composition");
    lesion_panel(&s, r, w, 1, 0, &pl, "\"Lesion 1: shares of the cancer cells\"", "\"share\"");
    frame_end(&s);
    return script_close(&s, ITS_OK, names, n_names, err, errlen);
}

/* ---- toxicity.gp and toxicity_treatment.gp ---------------------------------- */

/* The treatment period, [*a, *b]: from the first dose to a margin after the
 * last dose, or after the adverse events that follow it (above a term's
 * baseline grade, within one treatment length or 5 % of the run after the
 * last dose; death excluded). Returns 1 when it is shorter than half the
 * run, so that a figure zoomed on it shows more than the whole run does. */
static int treatment_window(const run *r, double *a, double *b)
{
    const its__plan *p = &r->res->plan;
    const its__clinrun *c = &r->res->clin;
    const double span = r->t1 - r->t0;
    double first = HUGE_VAL, last = -HUGE_VAL, act, horizon, margin;
    size_t i;
    int k;
    for (i = 0; i < p->n_doses; i++) {
        first = fmin(first, p->doses[i].t);
        last = fmax(last, p->doses[i].t);
    }
    if (!(last >= first) || !(span > 0.0))
        return 0;
    act = last;
    horizon = last + fmax(last - first, 0.05 * span);
    for (i = 1; c->mon_grade && i < c->n_mon && c->mon_t[i] <= horizon; i++) {
        if (isfinite(c->death) && c->mon_t[i] >= c->death)
            break;
        for (k = 0; k < ITS_AE_NTERMS; k++)
            if (c->mon_grade[i * ITS_AE_NTERMS + (size_t)k] > c->mon_grade[k])
                act = fmax(act, c->mon_t[i]);
    }
    margin = fmax(0.15 * (act - first), 0.02 * span);
    *a = fmax(r->t0, first - margin);
    *b = fmin(r->t1, act + margin);
    return *b - *a < 0.5 * span;
}

/* CTCAE grade colours, grade 1 to 5 (light orange to black). */
static const char *const grade_colour[5] = {"#fdae6b", "#f16913", "#cb181d", "#67000d",
                                            "#000000"};

/* The grade panel: one lane per graded term (top to bottom in term order);
 * at each time the term's grade is a bar from the lane's base line, as high
 * and as dark as the grade, so every term stays visible at every grade. A
 * bar spans a run of monitoring rows with the same grade (one box per run,
 * not per row): g_run/t_run carry the run through the rows, t_last closes
 * the last run. */
static void grade_lanes(script *s, const run *r, const int *graded, int n_graded, char label)
{
    const its__clinrun *c = &r->res->clin;
    char b[128], col[64], tn[96];
    int k, lane = n_graded, worst = 0;
    out(s, "    set title \"(%c) CTCAE v5.0 grade by term (bar height and colour: grade; "
           "empty lane: grade 0)\"\n"
           "    set yrange [0.45:%d.55]; set ytics scale 0 font \",10\" (",
        label, n_graded);
    for (k = 0; k < ITS_AE_NTERMS; k++)
        if (graded[k]) {
            out(s, "%s%s %d", lane < n_graded ? ", " : "",
                q(b, sizeof b, term_short(tn, sizeof tn, (its_ae_term)k)), lane);
            lane--;
            if (r->sum.worst_grade[k] > worst)
                worst = r->sum.worst_grade[k];
        }
    out(s, ")\n    unset grid; set grid xtics lc rgb \"#dddddd\" lt 1\n"
           "    gcol(g) = g >= 5 ? 0x%s : g >= 4 ? 0x%s : g >= 3 ? 0x%s : g >= 2 ? 0x%s : 0x%s\n"
           "    lane_lo(y) = y - 0.4; lane_hi(y, g) = y - 0.4 + 0.16 * g   # grade 5 fills "
           "the lane\n",
        grade_colour[4] + 1, grade_colour[3] + 1, grade_colour[2] + 1, grade_colour[1] + 1,
        grade_colour[0] + 1);
    out(s, "    t_last = %.10g   # time of the last monitoring row\n",
        c->n_mon ? c->mon_t[c->n_mon - 1] : r->t1);
    event_marks(s, r);
    plot_begin(s);
    for (k = 0, lane = n_graded; k < ITS_AE_NTERMS; k++) {
        if (!graded[k])
            continue;
        its__fmt(col, sizeof col, "grade_%s", its_ae_term_id((its_ae_term)k));
        q(b, sizeof b, col);
        item(s, "%d - 0.4 with lines lw 1 lc rgb \"#999999\" notitle", lane);
        item(s, "g_run = 0, t_run = t_start, "
                "clin using (t = column(\"t\"), g = column(%s), ta = t_run, ga = g_run, "
                "(g != g_run || t >= t_last) ? (g_run = g, t_run = t) : 0, "
                "(ga > 0 && (g != ga || t >= t_last)) ? 0.5 * (ta + t) : NaN)"
                ":(%d):(ta):(t):(lane_lo(%d)):(lane_hi(%d, ga)):(gcol(ga)) "
                "with boxxyerror fs solid 1.0 noborder fc rgb variable notitle",
             b, lane, lane, lane);
        lane--;
    }
    for (k = 1; k <= 5 && k <= (worst > 4 ? 5 : 4); k++)
        item(s, "NaN with boxes fs solid 1.0 noborder fc rgb \"%s\" title \"grade %d%s\"",
             grade_colour[k - 1], k, k == 5 ? " (death)" : "");
    plot_end(s);
    out(s, "    set ytics autofreq scale default font \",12\"\n");
}

/* toxicity.gp (the whole run) or, with zoom, toxicity_treatment.gp (the
 * treatment period, when it is shorter than half the run). */
/* The second title line of a toxicity figure into t2[n]: the worst grade
 * and the doses (the treatment period with zoom). */
static void tox_title(const run *r, int zoom, double ta, double tb, char *t2, size_t n)
{
    const its__plan *p = &r->res->plan;
    const its_model_def *m = r->m;
    char head[160], worst[160], doses[160], b[256];
    if (!r->have_sum) {
        its__fmt(t2, n, "Toxicity");
        return;
    }
    if (zoom)
        its__fmt(head, sizeof head, "Treatment period, %.3g to %.3g %s: ", ta, tb, m->time_unit);
    else
        its__fmt(head, sizeof head, "Toxicity: ");
    if (r->sum.worst_any > 0)
        its__fmt(worst, sizeof worst, "worst CTCAE grade %d (%s)", r->sum.worst_any,
                 term_short(b, sizeof b, r->sum.worst_term));
    else
        its__fmt(worst, sizeof worst, "no adverse event above grade 0");
    doses[0] = '\0';
    if (p->n_doses > 0)
        its__fmt(doses, sizeof doses, "; doses: %zu planned, %zu given, %zu reduced, %zu held",
                 r->sum.doses_planned, r->sum.doses_given, r->sum.doses_reduced,
                 r->sum.doses_held);
    its__fmt(t2, n, "%s%s%s", head, worst, doses);
}

/* Panel (label) of the vital signs: systolic blood pressure (observable
 * sbp) and temperature (temp), either may be -1. */
static void tox_vitals(script *s, const run *r, int sbp, int temp, char label)
{
    const its_model_def *m = r->m;
    char b[256];
    out(s, "    set title \"(%c) %s\"\n", label,
        sbp >= 0 && temp >= 0 ? "Systolic blood pressure [mmHg] and temperature [°C] "
                                "(right axis)"
        : sbp >= 0            ? "Systolic blood pressure [mmHg]"
                              : "Body temperature [°C]");
    if (sbp >= 0 && temp >= 0)
        out(s, "    set ylabel \"SBP [mmHg]\" tc rgb \"%s\"\n"
               "    set y2label \"temperature [°C]\" tc rgb \"%s\"\n"
               "    set ytics nomirror; set y2tics; set y2range [*:*]\n",
            term_colour[ITS_AE_HYPOTENSION], term_colour[ITS_AE_FEVER]);
    if (sbp >= 0 && temp >= 0)
        key_at(s, 0.80);
    else
        out(s, "    set ylabel \"%s\"\n", sbp >= 0 ? "SBP [mmHg]" : "temperature [°C]");
    /* keep the limit lines inside the axes */
    if (sbp >= 0)
        out(s, "    set yrange [*<sbp_limit-5:*]\n");
    if (temp >= 0)
        out(s, "    set %s [*<fever_limit-1.5:fever_limit+0.5<*]\n",
            sbp >= 0 ? "y2range" : "yrange");
    out(s, "    set offsets 0, 0, graph 0.06, graph 0.06\n");
    event_marks(s, r);
    plot_begin(s);
    if (sbp >= 0) {
        item(s, "clin using \"t\":%s with lines lw 1.8 lc rgb \"%s\" title \"systolic BP\"",
             q(b, sizeof b, m->observables[sbp].name), term_colour[ITS_AE_HYPOTENSION]);
        item(s, "sbp_limit with lines dt 2 lw 1.5 lc rgb \"%s\" "
                "title sprintf(\"SBP %%g mmHg\", sbp_limit)",
             term_colour[ITS_AE_HYPOTENSION]);
    }
    if (temp >= 0) {
        const char *ax = sbp >= 0 ? " axes x1y2" : "";
        item(s, "clin using \"t\":%s%s with lines lw 1.8 lc rgb \"%s\" "
                "title \"temperature%s\"",
             q(b, sizeof b, m->observables[temp].name), ax, term_colour[ITS_AE_FEVER],
             sbp >= 0 ? " (right axis)" : "");
        item(s, "fever_limit%s with lines dt 2 lw 1.5 lc rgb \"%s\" "
                "title sprintf(\"fever %%g °C\", fever_limit)",
             ax, term_colour[ITS_AE_FEVER]);
    }
    plot_end(s);
}

/* Panel (label) of the absolute neutrophil count (observable anc). */
static void tox_anc(script *s, const run *r, int anc, char label)
{
    const its_model_def *m = r->m;
    char b[256], b2[256], t2[64];
    its__fmt(b, sizeof b, "(%c) Absolute neutrophil count [%s]", label,
             m->observables[anc].unit);
    out(s, "    set title %s\n    set ylabel %s; set yrange [0:*]\n",
        q(b2, sizeof b2, b), q(t2, sizeof t2, "ANC [1e9/L]"));
    event_marks(s, r);
    plot_begin(s);
    item(s, "clin using \"t\":%s with lines lw 1.8 lc rgb \"%s\" title \"ANC\"",
         q(b, sizeof b, m->observables[anc].name), term_colour[ITS_AE_NEUTROPENIA]);
    item(s, "anc_lln with lines dt 2 lw 1.5 lc rgb \"#7f7f7f\" "
            "title sprintf(\"lower limit of normal %%g\", anc_lln)");
    item(s, "anc_g3 with lines dt 3 lw 1.5 lc rgb \"%s\" "
            "title sprintf(\"grade 3 below %%g\", anc_g3)",
         term_colour[ITS_AE_NEUTROPENIA]);
    item(s, "anc_g4 with lines dt 4 lw 1.5 lc rgb \"#000000\" "
            "title sprintf(\"grade 4 below %%g\", anc_g4)");
    plot_end(s);
}

/* Panel (label) of every scheduled dose, one row per input. */
static void tox_doses(script *s, const run *r, char label)
{
    const its_model_def *m = r->m;
    char b[256];
    size_t i;
    out(s, "    set title \"(%c) Doses by input\"\n", label);
    out(s, "    set yrange [0.4:%zu.6]; unset grid; set grid xtics lc rgb \"#dddddd\"\n"
           "    set ytics (",
        r->n_inputs);
    for (i = 0; i < r->n_inputs; i++)
        out(s, "%s%s %zu", i ? ", " : "", q(b, sizeof b, m->inputs[r->inputs[i]].name),
            i + 1);
    out(s, ")\n    row(s) = ");
    for (i = 0; i < r->n_inputs; i++)
        out(s, "(s eq %s) ? %zu : ", q(b, sizeof b, m->inputs[r->inputs[i]].name), i + 1);
    out(s, "NaN\n");
    event_marks(s, r);
    plot_begin(s);
    item(s, "doses using \"t\":(column(\"given\") >= 0.999 ? row(strcol(\"input\")) : NaN) "
            "with points pt 7 ps 1.3 lc rgb \"#1b7837\" title \"given\"");
    item(s, "doses using \"t\":(column(\"given\") > 0 && column(\"given\") < 0.999 ? "
            "row(strcol(\"input\")) : NaN) with points pt 9 ps 1.5 lc rgb \"#ff7f0e\" "
            "title \"reduced\"");
    item(s, "doses using \"t\":(column(\"given\") <= 0 ? row(strcol(\"input\")) : NaN) "
            "with points pt 2 ps 1.5 lw 2 lc rgb \"#d62728\" title \"held (rule)\"");
    item(s, "doses using \"t\":(strcol(\"given\") eq \"\" ? row(strcol(\"input\")) : NaN) "
            "with points pt 6 ps 0.8 lc rgb \"#999999\" title \"not reached\"");
    plot_end(s);
    out(s, "    set ytics autofreq\n");
}

static its_status fig_toxicity(const run *r, int zoom, const char *dir, char names[][128],
                               size_t *n_names, char *err, size_t errlen)
{
    const its_result *res = r->res;
    const its__plan *p = &res->plan;
    const its_model_def *m = r->m;
    const int sbp = its_model_observable_index_by_role(m, ITS_OBS_SBP);
    const int temp = its_model_observable_index_by_role(m, ITS_OBS_TEMPERATURE);
    const int anc = its_model_observable_index_by_role(m, ITS_OBS_ANC);
    int graded[ITS_AE_NTERMS], n_graded = 0, k;
    const int has_doses = p->n_doses > 0 && r->n_inputs > 0;
    double w[4];
    size_t np = 0, pi = 0;
    its_ctcae_opts co;
    char t2[512];
    double ta = r->t0, tb = r->t1;
    script s;
    its_status st;

    for (k = 0; k < ITS_AE_NTERMS; k++) {
        graded[k] = r->have_sum && r->sum.worst_grade[k] >= 0;
        n_graded += graded[k];
    }
    if (sbp >= 0 || temp >= 0)
        w[np++] = 1.0;
    if (anc >= 0)
        w[np++] = 0.8;
    if (n_graded)
        w[np++] = 1.0;
    if (has_doses)
        w[np++] = 0.45 + 0.12 * (double)r->n_inputs;
    if (np == (size_t)has_doses)
        return ITS_OK;          /* nothing to grade: the doses alone are in tumour.gp */
    if (zoom && !(has_doses && treatment_window(r, &ta, &tb)))
        return ITS_OK;
    its_ctcae_opts_default(&co, p->clin.anc_lln);

    st = script_open(&s, dir, r->prefix, zoom ? "toxicity_treatment" : "toxicity", err, errlen);
    if (st != ITS_OK)
        return st;
    s.left = 0.165;   /* room for the term names of the grade lanes */
    preamble(&s, zoom ? "itsim figure: toxicity timeline of the treatment period"
                      : "itsim figure: toxicity timeline",
             "(a) systolic blood pressure (mmHg) with the 90 mmHg line, and body\n"
             "    temperature (degC, right axis) with the 38 degC fever line;\n"
             "(b) absolute neutrophil count (1e9/L) with the lower limit of normal\n"
             "    and the CTCAE grade 3 and 4 limits;\n"
             "(c) CTCAE v5.0 grade of each graded term over time, one lane per\n"
             "    term: a bar as high and as dark as the grade;\n"
             "(d) every scheduled dose, one row per input: given (filled circle),\n"
             "    reduced (triangle), held by a protocol rule (red cross), not\n"
             "    reached (grey dot).",
             "clinical.csv (t, vital signs, grade_* columns), doses.csv (t, input, given)");
    if (zoom)
        out(&s, "# The time axis covers the treatment period: the first dose to a margin\n"
                "# after the last dose and the adverse events that follow it (%stoxicity.png\n"
                "# shows the whole run; set t_start and t_end to see more).\n",
            r->prefix);
    run_vars(&s, r, ta, tb, 0, 1, 0, has_doses);
    event_vars(&s, r);
    out(&s, "sbp_limit = 90     # mmHg\nfever_limit = 38   # degC\n");
    if (anc >= 0)
        out(&s, "anc_lln = %.6g   # 1e9/L, lower limit of normal\n"
                "anc_g3 = %.6g; anc_g4 = %.6g   # CTCAE grade 3 and 4 limits\n",
            p->clin.anc_lln, co.scale[ITS_AE_NEUTROPENIA].limit[2],
            co.scale[ITS_AE_NEUTROPENIA].limit[3]);

    tox_title(r, zoom, ta, tb, t2, sizeof t2);
    run_frame(&s, r, 0.07, t2);

    if (sbp >= 0 || temp >= 0) {
        panel(&s, w, np, pi++, "(a) blood pressure and temperature");
        tox_vitals(&s, r, sbp, temp, (char)('a' + pi - 1));
    }
    if (anc >= 0) {
        panel(&s, w, np, pi++, "(b) neutrophils");
        tox_anc(&s, r, anc, (char)('a' + pi - 1));
    }
    if (n_graded) {
        panel(&s, w, np, pi++, "(c) CTCAE grades");
        grade_lanes(&s, r, graded, n_graded, (char)('a' + pi - 1));
    }
    if (has_doses) {
        panel(&s, w, np, pi++, "(d) doses");
        tox_doses(&s, r, (char)('a' + pi - 1));
    }
    frame_end(&s);
    return script_close(&s, ITS_OK, names, n_names, err, errlen);
}

/* ---- entry points ------------------------------------------------------------ */

static its_status check_args(const char *dir, char names[][128], size_t *n_names,
                             size_t max_names, size_t need, char *err, size_t errlen)
{
    if (!dir || !names || !n_names) {
        its__fmt(err, errlen, "plot: NULL argument");
        return ITS_EINVAL;
    }
    if (*n_names > max_names || max_names - *n_names < need) {
        its__fmt(err, errlen, "plot: room for %zu more script names needed", need);
        return ITS_EINVAL;
    }
    return ITS_OK;
}

its_status its__plot_run(const its_result *res, const char *dir, const char *prefix,
                         char names[][128], size_t *n_names, size_t max_names,
                         char *err, size_t errlen)
{
    run r;
    its__c_locale g;
    its_status st;

    if (!res) {
        its__fmt(err, errlen, "plot: NULL result");
        return ITS_EINVAL;
    }
    if (!res->plan.clin.on)
        return ITS_OK;
    st = check_args(dir, names, n_names, max_names, ITS__PLOT_RUN_MAX, err, errlen);
    if (st != ITS_OK)
        return st;
    if (!prefix)
        prefix = "";
    if (!safe_prefix(prefix)) {
        its__fmt(err, errlen, "plot: a file prefix may hold only letters, digits, '.', "
                                  "'_' and '-'");
        return ITS_EINVAL;
    }
    run_init(&r, res, prefix);
    its__c_locale_enter(&g);
    st = fig_tumour(&r, dir, names, n_names, err, errlen);
    if (st == ITS_OK)
        st = fig_immune(&r, dir, names, n_names, err, errlen);
    if (st == ITS_OK)
        st = fig_cytokines(&r, dir, names, n_names, err, errlen);
    if (st == ITS_OK)
        st = fig_clones(&r, dir, names, n_names, err, errlen);
    if (st == ITS_OK)
        st = fig_toxicity(&r, 0, dir, names, n_names, err, errlen);
    if (st == ITS_OK)
        st = fig_toxicity(&r, 1, dir, names, n_names, err, errlen);
    its__c_locale_leave(&g);
    return st;
}

/* ---- comparison.gp -------------------------------------------------------- */

/* In the current panel, a line in the arm's colour where each failed arm's
 * run stopped (variables t_stopN). */
static void stop_marks(script *s, const its_result *const *res, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (res[i] && res[i]->plan.clin.on && res[i]->status != ITS_OK)
            out(s, "    set arrow from t_stop%zu, graph 0 to t_stop%zu, graph 1 nohead dt 4 lw 2 "
                   "lc rgb colour%zu front\n"
                   "    set label \"stopped\" at t_stop%zu, graph 0.97 offset 0.4,0 left "
                   "tc rgb colour%zu font \",9\" front\n",
                i + 1, i + 1, i + 1, i + 1, i + 1);
}

/* What comparison.gp needs to know about the arms. Arms that did not run
 * (NULL) or have no clinical read-outs are left out, as they are from
 * comparison.csv. */
typedef struct cmp_ctx {
    const its_result *const *res;
    const char *const *labels, *const *prefixes;
    size_t n;                  /* arms given */
    size_t m;                  /* arms drawn */
    size_t n_burden, maxlab, n_failed;
    int any_pd, rotate;
    double tmin, tmax;
    const char *tunit;
} cmp_ctx;

static int cmp_drawn(const cmp_ctx *c, size_t i)
{
    return c->res[i] && c->res[i]->plan.clin.on;
}

/* Checks the prefixes of the arms drawn and collects c->m, the time range
 * and the longest label. */
static its_status cmp_scan(cmp_ctx *c, char *err, size_t errlen)
{
    size_t i;
    /* arms that did not run (NULL) or have no clinical read-outs are left
     * out, as they are from comparison.csv */
    for (i = 0; i < c->n; i++) {
        run r;
        if (!cmp_drawn(c, i))
            continue;
        if (!c->prefixes[i]) {
            its__fmt(err, errlen, "plot: no file prefix for arm %zu", i + 1);
            return ITS_EINVAL;
        }
        if (!safe_prefix(c->prefixes[i])) {
            its__fmt(err, errlen, "plot: arm %zu: a file prefix may hold only letters, "
                                      "digits, '.', '_' and '-'",
                         i + 1);
            return ITS_EINVAL;
        }
        if (!c->m)
            c->tunit = c->res[i]->plan.model->time_unit;
        c->m++;
        if (its_model_observable_index_by_role(c->res[i]->plan.model, ITS_OBS_TUMOUR_BURDEN) >= 0)
            c->n_burden++;
        run_init(&r, c->res[i], c->prefixes[i]);
        if (r.t0 < c->tmin)
            c->tmin = r.t0;
        if (r.t1 > c->tmax)
            c->tmax = r.t1;
        if (c->labels[i] && strlen(c->labels[i]) > c->maxlab)
            c->maxlab = strlen(c->labels[i]);
    }
    return ITS_OK;
}

/* The arms' variables (names, files, colours, events) and the shared ones. */
static void cmp_vars(script *s, cmp_ctx *c)
{
    size_t i, row;
    char b[1024], f[512];
    out(s, "\n# ---- arms: display names, data files, colours\ncmp = \"comparison.csv\"\n");
    for (i = row = 0; i < c->n; i++) {
        char lab[64];
        run r;
        if (!cmp_drawn(c, i))
            continue;
        run_init(&r, c->res[i], c->prefixes[i]);
        its__fmt(lab, sizeof lab, "arm %zu", i + 1);
        out(s, "label%zu = %s\n", i + 1, q(b, sizeof b, c->labels[i] ? c->labels[i] : lab));
        its__fmt(f, sizeof f, "%sassessments.csv", c->prefixes[i]);
        out(s, "asm%zu = %s\n", i + 1, q(b, sizeof b, f));
        its__fmt(f, sizeof f, "%sclinical.csv", c->prefixes[i]);
        out(s, "clin%zu = %s\n", i + 1, q(b, sizeof b, f));
        out(s, "colour%zu = \"%s\"   # row %zu of comparison.csv\n", i + 1,
            arm_colour[row % 8], row + 1);
        /* later arms are drawn first with wider lines; the first arm, on
         * top, is also dashed, so that arms with the same curve all show */
        out(s, "lw%zu = %.2f; dt%zu = %d   # line width and dash type in (a), (b)\n", i + 1,
            1.5 + 0.35 * (double)(row < 8 ? row : 8), i + 1, row == 0 ? 2 : 1);
        if (r.have_sum && r.sum.recist_available && isfinite(r.sum.recist.t_progression)) {
            const its__clinrun *cr = &c->res[i]->clin;
            out(s, "t_pd%zu = %.10g   # first progression (RECIST PD)\n", i + 1,
                (cr->n_assess ? cr->assess_t[0] : r.t0) + r.sum.recist.t_progression);
            c->any_pd = 1;
        }
        if (isfinite(r.t_stop)) {
            out(s, "t_stop%zu = %.10g   # the solver failed: no data after this time\n", i + 1,
                r.t_stop);
            c->n_failed++;
        }
        row++;
    }
    out(s, "t_start = %.10g; t_end = %.10g   # time axis\ntunit = %s\ncell_floor = 1\n"
           "pr_pct = -30\n"
           "ev(s) = (s eq \"1\" || s eq \"progression\") ? \"progression\" : "
           "(s eq \"2\" || s eq \"death\") ? \"death\" : "
           "(s eq \"0\" || s eq \"censored\" || s eq \"\") ? \"censored\" : s\n",
           c->tmin, c->tmax, q(b, sizeof b, c->tunit));
    t_pad_var(s);
    /* Not its__time_tol: gnuplot compares times it read back from CSV files
     * written with 6-7 significant digits, so the slack of the generated
     * script is that of the printed numbers, not of the library's doubles. */
    out(s, "pd_at(t, tpd) = abs(t - tpd) <= 1e-6 * (1 + abs(tpd))   # the assessment of "
           "the first PD\n");
}

/* (a) % change of the RECIST sum and (b) tumour burden, per arm. */
static void cmp_trends(script *s, const cmp_ctx *c)
{
    const double w4[2] = {1.0, 1.0};
    size_t i;
    char b[1024];
    panel(s, w4, 2, 0, "(a) % change of the sum of target diameters");
    out(s, "    set lmargin at screen 0.09; set rmargin at screen 0.47\n"
           "    unset key   # one key for all panels, along the bottom\n"
           "    set xlabel \"time [\".tunit.\"]\"\n"
           "    set offsets 0, 0, graph 0.05, graph 0.05\n"
           "    set title \"(a) Change of the RECIST sum from baseline [%%]\"\n"
           "    set ylabel \"change from baseline [%%]\"\n");
    stop_marks(s, c->res, c->n);
    plot_begin(s);
    item(s, "0 with lines lt 1 lw 0.8 lc rgb \"#999999\" notitle");
    item(s, "pr_pct with lines dt 2 lw 1.5 lc rgb \"#2ca02c\" title \"-30 %% (PR)\"");
    for (i = c->n; i-- > 0;)        /* the first arm last: on top */
        if (cmp_drawn(c, i) && c->res[i]->clin.n_lesions > 0)
            item(s, "asm%zu using \"t\":\"change_baseline_pct\" with linespoints pt 7 "
                    "ps 0.5 + 0.3 * lw%zu lw lw%zu dt dt%zu lc rgb colour%zu title label%zu",
                 i + 1, i + 1, i + 1, i + 1, i + 1, i + 1);
    for (i = c->n; i-- > 0;)
        if (cmp_drawn(c, i) && c->res[i]->clin.n_lesions > 0)
            item(s, "asm%zu using \"t\":(exists(\"t_pd%zu\") && pd_at(column(\"t\"), "
                    "value(\"t_pd%zu\")) ? column(\"change_baseline_pct\") : NaN) with points "
                    "pt 6 ps 1.6 + 0.6 * lw%zu lw 2 lc rgb colour%zu notitle",
                 i + 1, i + 1, i + 1, i + 1, i + 1);
    plot_end(s);

    out(s, "\n    # ---- (b) tumour burden\n"
           "    set lmargin at screen 0.58; set rmargin at screen 0.96\n"
           "    unset key; unset offsets\n"
           "    set title \"(b) Tumour burden [cancer cells] (log scale)\"\n"
           "    set ylabel \"cancer cells\"; set logscale y; set format y \"1e%%T\"\n");
    stop_marks(s, c->res, c->n);
    plot_begin(s);
    for (i = c->n; i-- > 0 && c->n_burden;) {
        int bo;
        if (!cmp_drawn(c, i))
            continue;
        bo = its_model_observable_index_by_role(c->res[i]->plan.model, ITS_OBS_TUMOUR_BURDEN);
        if (bo < 0)
            continue;
        item(s, "clin%zu using \"t\":(lf(column(%s), cell_floor)) with lines lw lw%zu "
                "dt dt%zu lc rgb colour%zu title label%zu",
             i + 1, q(b, sizeof b, c->res[i]->plan.model->observables[bo].name), i + 1, i + 1,
             i + 1, i + 1);
    }
    plot_end(s);
}

/* (c) worst CTCAE grade and (d) progression-free time: bars from
 * comparison.csv, one per row (arm). */
static void cmp_bars(script *s, const cmp_ctx *c)
{
    const double w4[2] = {1.0, 1.0};
    size_t i, row;
    /* bottom row: bar charts from comparison.csv, one bar per row (arm) */
    panel(s, w4, 2, 1, "(c) worst CTCAE grade");
    out(s, "    set lmargin at screen 0.11; set rmargin at screen 0.47\n    unset key\n"
           "    set style fill solid 0.75 border -1; set boxwidth 0.6\n"
           "    set xrange [-0.6:%zu.4]; unset xlabel\n"
           "    set grid noxtics ytics\n    set xtics (",
           c->m - 1);
    for (i = row = 0; i < c->n; i++)
        if (cmp_drawn(c, i)) {
            out(s, "%slabel%zu %zu", row ? ", " : "", i + 1, row);
            row++;
        }
    out(s, ")%s\n", c->rotate ? " rotate by 25 right" : "");
    out(s, "    set title \"(c) Worst CTCAE v5.0 grade (the cost); doses held\"\n"
           "    set ylabel \"worst grade\"; set yrange [0:6.2]\n"
           "    set ytics (\"0\" 0, \"1\" 1, \"2\" 2, \"3\" 3, \"4\" 4, \"5 (death)\" 5)\n"
           "    held(x) = column(\"doses_planned\") > 0 ? "
           "sprintf(\"\\n%%d/%%d held\", column(\"doses_held\"), "
           "column(\"doses_planned\")) : \"\\nno doses\"\n");
    out(s, "    worst(x) = column(\"worst_grade\") > 0 ? sprintf(\"G%%d\\n\", "
           "column(\"worst_grade\")).strcol(\"worst_term\") : \"none\"\n"
           "    barfont = \",%d\"   # bar labels\n",
           c->m <= 3 ? 10 : c->m <= 5 ? 9 : 8);
    plot_begin(s);
    for (i = row = 0; i < c->n; i++) {
        if (!cmp_drawn(c, i))
            continue;
        item(s, "cmp using (%zu):(column(\"worst_grade\")) every ::%zu::%zu with boxes "
                "lc rgb colour%zu notitle",
             row, row, row, i + 1);
        item(s, "cmp using (%zu):(column(\"worst_grade\")):(worst(0).held(0)) "
                "every ::%zu::%zu with labels offset 0,2.2 font barfont notitle",
             row, row, row);
        row++;
    }
    plot_end(s);
    out(s, "    set ytics autofreq\n");

    out(s, "\n    # ---- (d) progression-free time\n"
           "    set lmargin at screen 0.58; set rmargin at screen 0.96\n"
           "    set title \"(d) Progression-free time [\".tunit.\"] (the benefit)\"\n"
           "    set ylabel \"PFS [\".tunit.\"]\"; set yrange [0:*]\n"
           "    set offsets 0, 0, graph 0.22, 0\n");
    plot_begin(s);
    for (i = row = 0; i < c->n; i++) {
        if (!cmp_drawn(c, i))
            continue;
        item(s, "cmp using (%zu):(column(\"pfs\")) every ::%zu::%zu with boxes "
                "lc rgb colour%zu notitle",
             row, row, row, i + 1);
        item(s, "cmp using (%zu):(column(\"pfs\")):(\"best \".strcol(\"best_response\")."
                "\"\\n\".ev(strcol(\"pfs_event\"))) every ::%zu::%zu with labels "
                "offset 0,1.6 font barfont notitle",
             row, row, row);
        row++;
    }
    plot_end(s);
}

static void cmp_key(script *s, const cmp_ctx *c)
{
    size_t i;
    /* the key of all panels: an empty plot across the bottom */
    out(s, "\n    # ---- key (arm colours are the same in every panel)\n"
           "    unset title; unset xlabel; unset ylabel; unset tics; unset border; unset grid\n"
           "    unset logscale; unset offsets; unset label; unset arrow\n"
           "    set lmargin at screen 0.03; set rmargin at screen 0.97\n"
           "    set tmargin at screen %.4f; set bmargin at screen 0.005\n"
           "    set xrange [0:1]; set yrange [0:1]\n"
           "    set key inside center center horizontal Left reverse samplen 2.5 width 1 "
           "font \",11\"\n",
           c->rotate ? 0.085 : 0.07);
    plot_begin(s);
    for (i = 0; i < c->n; i++)
        if (cmp_drawn(c, i))
            item(s, "NaN with linespoints pt 7 ps 1.2 lw 2 dt dt%zu lc rgb colour%zu "
                    "title label%zu",
                 i + 1, i + 1, i + 1);
    if (c->any_pd)
        item(s, "NaN with points pt 6 ps 2 lw 2 lc rgb \"#000000\" title \"first PD (RECIST "
                "1.1: nadir +20 %%, ≥ 5 mm)\"");
    item(s, "NaN with lines dt 2 lw 1.5 lc rgb \"#2ca02c\" title \"-30 %% of baseline "
            "(PR)\"");
    if (c->n_failed)
        item(s, "NaN with lines dt 4 lw 2 lc rgb \"#000000\" title \"run stopped (solver "
                "failure)\"");
    plot_end(s);
}

its_status its__plot_comparison(const its_result *const *res, const char *const *labels,
                                const char *const *prefixes, size_t n, const char *dir,
                                char names[][128], size_t *n_names, size_t max_names,
                                char *err, size_t errlen)
{
    script s;
    its__c_locale g;
    its_status st;
    cmp_ctx c;
    char b2[512], f[512];

    if (!res || !labels || !prefixes) {
        its__fmt(err, errlen, "plot: NULL argument");
        return ITS_EINVAL;
    }
    memset(&c, 0, sizeof c);
    c.res = res;
    c.labels = labels;
    c.prefixes = prefixes;
    c.n = n;
    c.tmin = HUGE_VAL;
    c.tmax = -HUGE_VAL;
    c.tunit = "d";
    st = cmp_scan(&c, err, errlen);
    if (st != ITS_OK || !c.m)
        return st;
    st = check_args(dir, names, n_names, max_names, 1, err, errlen);
    if (st != ITS_OK)
        return st;
    its__c_locale_enter(&g);
    st = script_open(&s, dir, "", "comparison", err, errlen);
    if (st != ITS_OK) {
        its__c_locale_leave(&g);
        return st;
    }
    preamble(&s, "itsim figure: comparison of treatment arms",
             "(a) % change of the RECIST sum of target diameters from baseline at each\n"
             "    assessment, per arm, with the -30 % line (PR) and a ring on each\n"
             "    arm's first PD (RECIST 1.1 judges PD against the nadir, the smallest\n"
             "    sum so far: +20 % and at least +5 mm, so no single line of % change\n"
             "    from baseline marks it);\n"
             "(b) tumour burden (cancer cells, log scale) per arm;\n"
             "(c) worst CTCAE grade per arm (bars), labelled with the worst term and\n"
             "    the doses held;\n"
             "(d) progression-free time per arm (bars), labelled with the best\n"
             "    overall response and how the time ended (progression, death, censored).\n"
             "An arm has the same colour in every panel. In (a) and (b) the first arm\n"
             "is drawn last, on top, with the thinnest line, so no arm hides another.\n"
             "A run the solver could not finish is marked where it stopped.",
             "comparison.csv (one row per arm with clinical read-outs, in arm order:\n"
             "#         worst_grade, worst_term, doses_planned, doses_held, pfs, pfs_event,\n"
             "#         best_response), and each arm's PREFIXassessments.csv\n"
             "#         (t, change_baseline_pct) and PREFIXclinical.csv (t, burden)");
    cmp_vars(&s, &c);
    /* arm names as bar labels: slanted when they would not fit side by side */
    c.rotate = (double)c.maxlab * (double)c.m > 60.0;
    s.top = 0.885;
    s.bottom = c.rotate ? 0.19 : 0.14;
    s.gap = 0.10;
    its__fmt(b2, sizeof b2, "Comparison of %zu arm%s", c.m, c.m == 1 ? "" : "s");
    if (c.n_failed)
        its__fmt(f, sizeof f, "Which therapy worked (a, b, d) and at what cost (c); %zu arm%s "
                 "stopped early (solver failure)", c.n_failed, c.n_failed == 1 ? "" : "s");
    else
        its__fmt(f, sizeof f, "Which therapy worked (a, b, d) and at what cost (c)");
    frame_begin(&s, b2, f, NULL);
    cmp_trends(&s, &c);
    cmp_bars(&s, &c);
    cmp_key(&s, &c);
    frame_end(&s);
    st = script_close(&s, ITS_OK, names, n_names, err, errlen);
    its__c_locale_leave(&g);
    return st;
}
