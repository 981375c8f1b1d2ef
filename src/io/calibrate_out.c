/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the outputs of `itsim calibrate` (docs/calibration.md,
 * "Outputs"): the calibrated file, the validation trial with bootstrap
 * intervals of every target, calibration.json, history.csv, report.md and
 * its two figures. */
#include "io/io.h"
#include "io/sqlite_adapter.h"
#include "itsim/units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOOT_REPS 2000

/* A target's result in the validation trial. */
typedef struct vresult {
    long n;                      /* patients informing it */
    double value, lo, hi;        /* estimate and bootstrap 95 % interval */
    int inside;                  /* the estimate lies in the published CI or range */
} vresult;

typedef struct outctx {
    its__cal *c;
    const char *file;            /* the calibration file's name */
    char *text;                  /* calibrated.yaml */
    size_t len;
    its__cal val;                /* the validation trial's patients */
    its__trial_summary sum;      /* its read-outs */
    vresult res[ITS__CALIB_MAX_TARGETS];
    int validated;
    long accepted[ITS__CAL_MAX_ROUNDS];
} outctx;

static const char *unit_of(const its__cal *c, size_t j)
{
    return c->m->params[its__population_param(c->t->pop, c->spec->vary[j])].unit;
}

static const char *name_of(const its__cal *c, size_t j)
{
    return c->m->params[its__population_param(c->t->pop, c->spec->vary[j])].name;
}

static long round_patients(const its__cal *c, int r)
{
    long n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->round[i] == r;
    return n;
}

void its__cal_log_round(its__cal *c, int r, FILE *log)
{
    size_t k;
    long n = round_patients(c, r);
    if (!log)
        return;
    fprintf(log, "itsim: calibration round %d: %ld patients (acceptance %.1f %%), pool %zu, "
                 "ESS %.0f, loss %.3g;",
            r, n, 100.0 * (double)n / c->draws[r], c->n, c->ess[r], c->loss[r]);
    for (k = 0; k < c->spec->n_targets; k++)
        fprintf(log, " %s %.3g", c->spec->targets[k].id, c->est[r][k]);
    fputc('\n', log);
    fflush(log);
}

/* ---- the calibrated file ----------------------------------------------------- */

/* The byte offset of (line, col) in text (1-based), len when beyond. */
static size_t offset_of(const char *text, size_t len, int line, int col)
{
    size_t i = 0;
    int l = 1;
    while (i < len && l < line)
        if (text[i++] == '\n')
            l++;
    return i + (size_t)(col - 1) <= len ? i + (size_t)(col - 1) : len;
}

/* The end of the flow mapping opening at text[at] ('{'), on its line: one
 * past its '}', or 0 when it is not a one-line flow mapping. */
static size_t flow_end(const char *text, size_t len, size_t at)
{
    int depth = 0;
    size_t i;
    if (at >= len || text[at] != '{')
        return 0;
    for (i = at; i < len && text[i] != '\n'; i++) {
        depth += text[i] == '{';
        depth -= text[i] == '}';
        if (depth == 0)
            return i + 1;
    }
    return 0;
}

/* A number for YAML with its unit ("1": none), in the fewest of 15 to 17
 * significant digits that read back exactly: the calibrated file draws
 * from the population the fit found, not a rounded one. */
static void quantity(char *buf, size_t n, double x, const char *unit)
{
    char num[40];
    for (int d = 15; d <= 17; d++) {
        its__fmt(num, sizeof num, "%.*g", d, x);
        if (strtod(num, NULL) == x)
            break;
    }
    if (strcmp(unit, "1") == 0)
        its__fmt(buf, n, "%s", num);
    else
        its__fmt(buf, n, "%s %s", num, unit);
}

its_status its__cal_check_file(its__cal *c)
{
    size_t j;
    for (j = 0; j < c->spec->n_vary; j++) {
        size_t at = offset_of(c->t->text, c->t->len, c->spec->line[j], c->spec->col[j]);
        if (!flow_end(c->t->text, c->t->len, at)) {
            its__fmt(c->t->err, sizeof c->t->err,
                     "%s:%d:%d: population.parameters.%s: write a calibrated parameter's prior "
                     "on one line, as {dist: ...}, so that itsim calibrate can write the "
                     "calibrated population in its place",
                     c->t->name, c->spec->line[j], c->spec->col[j], name_of(c, j));
            return ITS_EPARSE;
        }
    }
    return ITS_OK;
}

/* its-long: the file's text with each calibrated prior replaced, in order
 * of position, and a header. */
static its_status calibrated_text(outctx *x)
{
    its__cal *c = x->c;
    const its__calib_spec *s = c->spec;
    const double *th = c->theta[s->rounds - 1];
    size_t order[ITS__CALIB_MAX_VARY], j, k, from = 0;
    size_t cap = c->t->len + 1024 + strlen(c->t->name) + 400 * s->n_vary;
    char *out = its__malloc(cap);
    size_t n = 0;
    char safe[1024]; /* the file's name in a comment: one line, whatever it holds */
    if (!out)
        return ITS_ENOMEM;
    its__fmt(safe, sizeof safe, "%s", c->t->name);
    for (j = 0; safe[j]; j++)
        if ((unsigned char)safe[j] < 0x20 || safe[j] == 0x7f)
            safe[j] = '?';
    for (j = 0; j < s->n_vary; j++)
        order[j] = j;
    for (j = 1; j < s->n_vary; j++) /* by position in the file */
        for (k = j; k > 0 && (s->line[order[k]] < s->line[order[k - 1]] ||
                              (s->line[order[k]] == s->line[order[k - 1]] &&
                               s->col[order[k]] < s->col[order[k - 1]]));
             k--) {
            size_t tmp = order[k];
            order[k] = order[k - 1];
            order[k - 1] = tmp;
        }
    n += (size_t)snprintf(out + n, cap - n,
                          "# Calibrated by `itsim calibrate %s` (seed %llu, %d rounds of %ld "
                          "patients):\n# the priors of the %zu calibrated parameters are "
                          "replaced by the fitted population\n# (docs/calibration.md). "
                          "Generated: edit the calibration file, not this one.\n# Arm "
                          "files are named relative to the calibration file's folder: keep "
                          "this file\n# there to run it (itsim trial) as it is.\n",
                          safe, (unsigned long long)c->t->spec->seed, s->rounds, s->pool,
                          s->n_vary);
    for (k = 0; k < s->n_vary; k++) {
        char med[96], lo[96], hi[96], gsd[64];
        size_t jj = order[k], at = offset_of(c->t->text, c->t->len, s->line[jj], s->col[jj]);
        size_t end = flow_end(c->t->text, c->t->len, at);
        quantity(med, sizeof med, exp(th[2 * jj]), unit_of(c, jj));
        quantity(lo, sizeof lo, s->lo[jj], unit_of(c, jj));
        quantity(hi, sizeof hi, s->hi[jj], unit_of(c, jj));
        if (at < from || n >= cap) { /* two priors overlapping: cannot be */
            its__free(out);
            its__fmt(c->t->err, sizeof c->t->err, "%s: population.parameters.%s: its prior "
                     "overlaps another calibrated prior", c->t->name, name_of(c, jj));
            return ITS_EPARSE;
        }
        memcpy(out + n, c->t->text + from, at - from);
        n += at - from;
        quantity(gsd, sizeof gsd, exp(exp(th[2 * jj + 1])), "1");
        n += (size_t)snprintf(out + n, cap - n,
                              "{dist: lognormal, median: %s, gsd: %s, lower: %s, upper: %s}",
                              med, gsd, lo, hi);
        if (n >= cap) {
            its__free(out);
            return ITS_ENOMEM;
        }
        from = end;
    }
    memcpy(out + n, c->t->text + from, c->t->len - from);
    n += c->t->len - from;
    out[n] = '\0';
    x->text = out;
    x->len = n;
    return ITS_OK;
}

static void put_text(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    fwrite(x->text, 1, x->len, fp);
}

/* ---- the validation trial ---------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The mean (median when med) of v[0..n). */
static double stat_of(double *v, size_t n, int med)
{
    double s = 0.0;
    size_t i;
    if (med) {
        double a, b;
        qsort(v, n, sizeof *v, cmp_double);
        a = v[(n - 1) / 2]; /* the midpoint of the two middle values (the pool's
                             * weighted estimate takes the lower one) */
        b = v[n / 2];
        return a == b ? a : a + 0.5 * (b - a); /* +inf: half the PFS censored */
    }
    for (i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

/* Target k over the validation patients: its estimate and the 2.5 and
 * 97.5 percentiles of BOOT_REPS resamples of the patients (Random123,
 * keyed by the trial's seed, the target and the resample). */
static its_status bootstrap(outctx *x, size_t k, uint64_t seed)
{
    const its__calib_target *t = &x->c->spec->targets[k];
    const double *y = x->val.y[k];
    int med = its__measure_is_median(t->measure);
    size_t i, n = 0, b;
    double *v = its__malloc((x->val.n + 1) * sizeof *v), *bs = its__malloc(BOOT_REPS * sizeof *bs);
    double *tmp = its__malloc((x->val.n + 1) * sizeof *tmp);
    vresult *r = &x->res[k];
    if (!v || !bs || !tmp) {
        its__free(v);
        its__free(bs);
        its__free(tmp);
        return ITS_ENOMEM;
    }
    for (i = 0; i < x->val.n; i++)
        if (!isnan(y[i]))
            v[n++] = y[i];
    r->n = (long)n;
    r->value = r->lo = r->hi = NAN;
    if (n > 0) {
        memcpy(tmp, v, n * sizeof *v);
        r->value = stat_of(tmp, n, med);
        for (b = 0; b < BOOT_REPS; b++) {
            its__rng_key key = {seed, k, ITS__RNG_BOOTSTRAP, (uint32_t)b};
            for (i = 0; i < n; i++) {
                size_t pick = (size_t)(its__rng_u01(&key, i) * (double)n);
                tmp[i] = v[pick < n ? pick : n - 1];
            }
            bs[b] = stat_of(tmp, n, med);
        }
        qsort(bs, BOOT_REPS, sizeof *bs, cmp_double);
        r->lo = bs[(size_t)(0.025 * BOOT_REPS)];
        r->hi = bs[(size_t)(0.975 * BOOT_REPS) - 1];
    }
    r->inside = !isnan(r->value) && r->value >= t->lo && r->value <= t->hi;
    its__free(v);
    its__free(bs);
    its__free(tmp);
    return ITS_OK;
}

static its_status validate(outctx *x, const its_trial_opts *o)
{
    its__cal *c = x->c;
    its_trial *tr = NULL;
    its__store *store = NULL;
    its__store_rows rows;
    its_trial_opts vo = *o;
    char sub[4200];
    double draws;
    uint64_t seed = c->t->spec->seed + 1000;
    size_t k;
    its_status st = its__cal_trial(c, x->text, x->len, c->spec->validate, seed, NULL,
                                   "validation", &tr);
    its__fmt(sub, sizeof sub, "%s/validation", c->dir);
    vo.resume = its__has_store(sub);
    if (st == ITS_OK)
        st = its_trial_run(tr, sub, &vo);
    if (st == ITS_OK)
        st = its__trial_open_store(tr, sub, 1, vo.timeseries, &store);
    x->val.t = c->t;
    x->val.m = c->m;
    x->val.spec = c->spec;
    if (st == ITS_OK)
        st = its__cal_read_store(&x->val, tr, store, 0, &draws);
    if (st == ITS_OK && (st = its__store_read(store, &rows)) == ITS_OK) {
        st = its__trial_summarise(rows.rows, rows.n, its_trial_arm_count(tr), tr->spec->design,
                                  &x->sum, c->t->err, sizeof c->t->err);
        its__store_rows_free(&rows);
    }
    if (st != ITS_OK && c->t->err[0] == '\0')
        its__fmt(c->t->err, sizeof c->t->err, "%s: %s", sub, its_trial_errmsg(tr));
    its__store_close(store);
    its_trial_free(tr);
    for (k = 0; st == ITS_OK && k < c->spec->n_targets; k++)
        st = bootstrap(x, k, seed);
    x->validated = st == ITS_OK;
    return st;
}

/* ---- calibration.json and history.csv -------------------------------------- */

static void json_target(const outctx *x, size_t k, FILE *fp)
{
    const its__cal *c = x->c;
    const its__calib_target *t = &c->spec->targets[k];
    const vresult *r = &x->res[k];
    int rr;
    fputs("    {\"id\": ", fp);
    its__json_string(fp, t->id);
    fputs(", \"arm\": ", fp);
    its__json_string(fp, its_trial_arm_id(c->t, t->arm));
    fprintf(fp, ", \"measure\": \"%s\", \"fitted\": %s, ", its__measure_names[t->measure],
            t->check ? "false" : "true");
    if (!isnan(t->at)) {
        fputs("\"at_days\": ", fp);
        its__json_num(fp, t->at);
        fputs(", ", fp);
    }
    fputs("\"published\": {\"value\": ", fp);
    its__json_num(fp, t->value);
    fputs(t->range ? ", \"range\": [" : ", \"ci\": [", fp);
    its__json_num(fp, t->lo);
    fputs(", ", fp);
    its__json_num(fp, t->hi);
    fputs("], \"source\": ", fp);
    its__json_string(fp, t->source);
    fputs("},\n     \"pool_estimate_by_round\": [", fp);
    for (rr = 0; rr < c->spec->rounds; rr++) {
        fputs(rr ? ", " : "", fp);
        its__json_num(fp, c->est[rr][k]);
    }
    if (!x->validated) {
        fputs("],\n     \"validation\": null}", fp);
        return;
    }
    fputs("],\n     \"validation\": {\"value\": ", fp);
    its__json_num(fp, r->value);
    fputs(", \"ci_low\": ", fp);
    its__json_num(fp, r->lo);
    fputs(", \"ci_high\": ", fp);
    its__json_num(fp, r->hi);
    fprintf(fp, ", \"n\": %ld, \"within_published\": %s}}", r->n, r->inside ? "true" : "false");
}

/* its-long: one JSON document, written in order. */
static void put_json(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its__cal *c = x->c;
    const its__calib_spec *s = c->spec;
    size_t j, k;
    int r, met = 0;
    long pool;
    fputs("{\n  \"file\": ", fp);
    its__json_string(fp, c->t->name);
    fprintf(fp, ",\n  \"seed\": %llu,\n  \"rounds\": %d,\n  \"pool\": %ld,\n  \"validate\": %ld,"
                "\n  \"min_ess\": ",
            (unsigned long long)c->t->spec->seed, s->rounds, s->pool, s->validate);
    its__json_num(fp, s->min_ess);
    fputs(",\n  \"round_summary\": [", fp);
    for (r = 0, pool = 0; r < s->rounds; r++) {
        pool += x->accepted[r];
        fprintf(fp, "%s\n    {\"round\": %d, \"patients\": %ld, \"draws\": %.0f, \"pool\": %ld, "
                    "\"ess\": ",
                r ? "," : "", r, x->accepted[r], c->draws[r], pool);
        its__json_num(fp, c->ess[r]);
        fputs(", \"loss\": ", fp);
        its__json_num(fp, c->loss[r]);
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"parameters\": [", fp);
    for (j = 0; j < s->n_vary; j++) {
        const double *th = c->theta[s->rounds - 1];
        fputs(j ? ",\n    {\"name\": " : "\n    {\"name\": ", fp);
        its__json_string(fp, name_of(c, j));
        fputs(", \"unit\": ", fp);
        its__json_string(fp, unit_of(c, j));
        fputs(", \"prior_range\": [", fp);
        its__json_num(fp, s->lo[j]);
        fputs(", ", fp);
        its__json_num(fp, s->hi[j]);
        fputs("], \"median\": ", fp);
        its__json_num(fp, exp(th[2 * j]));
        fputs(", \"gsd\": ", fp);
        its__json_num(fp, exp(exp(th[2 * j + 1])));
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"targets\": [\n", fp);
    for (k = 0; k < s->n_targets; k++) { /* the checks too, "fitted": false */
        json_target(x, k, fp);
        fputs(k + 1 < s->n_targets ? ",\n" : "\n", fp);
        met += x->res[k].inside && !s->targets[k].check;
    }
    fprintf(fp, "  ],\n  \"targets_within_published\": %d,\n  \"targets_total\": %zu\n}\n", met,
            s->n_targets - s->n_checks);
}

static void put_history(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    size_t i;
    fputs("round,evaluation,start,loss,ess\n", fp);
    for (i = 0; i < x->c->n_hist; i++) {
        const double *h = x->c->hist + 5 * i;
        fprintf(fp, "%.0f,%.0f,%.0f,", h[0], h[1], h[2]);
        its__num_exact(fp, h[3]);
        fputc(',', fp);
        its__num_exact(fp, h[4]);
        fputc('\n', fp);
    }
}

/* ---- report.md and its figures ---------------------------------------------- */

/* A target's value for the report: a percentage, doses, or months. */
static void fmt_value(char *buf, size_t n, const its__calib_target *t, double v)
{
    if (isnan(v))
        its__fmt(buf, n, "-");
    else if (its__measure_is_time(t->measure))
        its__fmt(buf, n, isfinite(v) ? "%.1f mo" : "NR", v / ITS__MONTH_DAYS);
    else if (t->measure == ITS__MEASURE_DOSES_C1)
        its__fmt(buf, n, "%.1f", v);
    else
        its__fmt(buf, n, "%.1f %%", 100.0 * v);
}

/* A target's measure for the report, with its landmark: "pfs_at 4.0 mo". */
static const char *measure_label(char *buf, size_t n, const its__calib_target *t)
{
    if (isnan(t->at))
        return its__measure_names[t->measure];
    its__fmt(buf, n, "%s %.1f mo", its__measure_names[t->measure], t->at / ITS__MONTH_DAYS);
    return buf;
}

/* The table of the targets (check 0) or of the checks (check 1). */
static void md_targets(const outctx *x, int check, FILE *fp)
{
    const its__calib_spec *s = x->c->spec;
    size_t k, n = 0;
    int met = 0;
    fprintf(fp, "| %s | arm | measure | published | source | simulated (bootstrap 95 %% CI) | "
                "within |\n|---|---|---|---|---|---|---|\n", check ? "check" : "target");
    for (k = 0; k < s->n_targets; k++) {
        const its__calib_target *t = &s->targets[k];
        const vresult *r = &x->res[k];
        char v[32], lo[32], hi[32], pv[32], plo[32], phi[32], ml[64];
        if (t->check != check)
            continue;
        n++;
        fmt_value(v, sizeof v, t, r->value);
        fmt_value(lo, sizeof lo, t, r->lo);
        fmt_value(hi, sizeof hi, t, r->hi);
        fmt_value(pv, sizeof pv, t, t->value);
        fmt_value(plo, sizeof plo, t, t->lo);
        fmt_value(phi, sizeof phi, t, t->hi);
        if (t->range)
            fprintf(fp, "| %s | %s | %s | %s to %s |", t->id, its_trial_arm_name(x->c->t, t->arm),
                    measure_label(ml, sizeof ml, t), plo, phi);
        else
            fprintf(fp, "| %s | %s | %s | %s (%s to %s) |", t->id,
                    its_trial_arm_name(x->c->t, t->arm), measure_label(ml, sizeof ml, t), pv, plo,
                    phi);
        fprintf(fp, " %s | %s (%s to %s), n = %ld | %s |\n", t->source, v, lo, hi, r->n,
                r->inside ? "yes" : "**no**");
        met += r->inside;
    }
    fprintf(fp, "\n**%d of %zu %s within their published interval.**\n\n", met, n,
            check ? "checks" : "targets");
}

static void md_parameters(const outctx *x, FILE *fp)
{
    const its__cal *c = x->c;
    const double *th = c->theta[c->spec->rounds - 1];
    size_t j;
    fputs("| parameter | unit | plausible range (the prior) | location (`median:` before "
          "truncation) | geometric SD | median of the calibrated population |\n"
          "|---|---|---|---|---|---|\n", fp);
    for (j = 0; j < c->spec->n_vary; j++) {
        its__dist d;
        double med = its__dist_trunclognormal(&d, exp(th[2 * j]), exp(th[2 * j + 1]),
                                              c->spec->lo[j], c->spec->hi[j], NULL, 0) == ITS_OK
                         ? its__dist_quantile(&d, 0.5)
                         : (double)NAN;
        fprintf(fp, "| `%s` | %s | %.4g to %.4g | %.4g | %.3g | %.4g |\n", name_of(c, j),
                unit_of(c, j), c->spec->lo[j], c->spec->hi[j], exp(th[2 * j]),
                exp(exp(th[2 * j + 1])), med);
    }
}

static void md_rounds(const outctx *x, FILE *fp)
{
    const its__cal *c = x->c;
    size_t k;
    int r;
    fputs("\n| round | drawn from | patients | acceptance | ESS of the fit | loss |", fp);
    for (k = 0; k < c->spec->n_targets; k++)
        fprintf(fp, " %s |", c->spec->targets[k].id);
    fputs("\n|---|---|---|---|---|---|", fp);
    for (k = 0; k < c->spec->n_targets; k++)
        fputs("---|", fp);
    for (r = 0; r < c->spec->rounds; r++) {
        fprintf(fp, "\n| %d | %s | %ld | %.1f %% | %.0f | %.3g |", r,
                r ? "the previous fit" : "the priors", x->accepted[r],
                100.0 * (double)x->accepted[r] / c->draws[r], c->ess[r], c->loss[r]);
        for (k = 0; k < c->spec->n_targets; k++) {
            char v[32];
            fmt_value(v, sizeof v, &c->spec->targets[k], c->est[r][k]);
            fprintf(fp, " %s |", v);
        }
    }
    fputs("\n\nEach round's estimates are those of the pools so far, weighted by the fit "
          "(docs/calibration.md, \"Method\").\n\n", fp);
}

static void md_months(FILE *fp, its_estimate e)
{
    if (isfinite(e.value))
        fprintf(fp, " %.1f |", e.value / ITS__MONTH_DAYS);
    else
        fputs(" NR |", fp);
}

static void md_shape(const outctx *x, FILE *fp)
{
    const its__trial_summary *s = &x->sum;
    size_t a;
    fputs("| arm | patients | ORR | CR | PR | CR share of responses | median time to response "
          "(months) | median duration of response (months) | grade >= 3 |\n"
          "|---|---|---|---|---|---|---|---|---|\n", fp);
    for (a = 0; a < s->n_arms; a++) {
        const its__arm_summary *m = &s->arms[a];
        long resp = m->n_cr + m->n_pr;
        fprintf(fp, "| %s | %ld | %.1f %% | %.1f %% | %.1f %% |", its_trial_arm_name(x->c->t, a),
                m->n, 100.0 * m->orr.value, 100.0 * m->cr.value, 100.0 * m->pr.value);
        if (resp)
            fprintf(fp, " %.0f %% |", 100.0 * (double)m->n_cr / (double)resp);
        else
            fputs(" (no response) |", fp);
        md_months(fp, m->ttr_median);
        md_months(fp, m->dor_median);
        fprintf(fp, " %.1f %% |\n", 100.0 * m->grade3.value);
    }
}

static void put_report(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    const its__cal *c = x->c;
    fputs("# Calibration report\n\nGenerated by `itsim calibrate ", fp);
    fputs(c->t->name, fp);
    const size_t n_checks = c->spec->n_checks;
    fprintf(fp, "` (seed %llu): %d rounds of %ld patients, %zu calibrated parameters, %zu "
                "targets and %zu checks; validated by a fresh trial of %ld patients of the "
                "calibrated population (`validation/`). Method and sources: "
                "docs/calibration.md.\n\n",
            (unsigned long long)c->t->spec->seed, c->spec->rounds, c->spec->pool,
            c->spec->n_vary, c->spec->n_targets - n_checks, n_checks, c->spec->validate);
    fputs("## Targets\n\nPublished value and 95 % CI (or range) against the validation trial's "
          "value with its bootstrap 95 % CI (2,000 resamples of the patients).\n\n", fp);
    if (x->validated) {
        md_targets(x, 0, fp);
        if (n_checks) {
            fputs("### Checks (reported, not fitted)\n\nPublished read-outs of the same trials "
                  "(`calibration.checks`), measured on the validation trial; the fit does not "
                  "see them.\n\n", fp);
            md_targets(x, 1, fp);
        }
    } else
        fputs("No validation trial (calibration.validate: 0).\n\n", fp);
    fputs("![targets](calibration_targets.png)\n\n## Calibrated population\n\n"
          "Each calibrated parameter is drawn from a lognormal truncated to its plausible "
          "range (`calibrated.yaml`).\n\n", fp);
    md_parameters(x, fp);
    fputs("\n## Rounds and the objective\n", fp);
    md_rounds(x, fp);
    fputs("![objective history](calibration_history.png)\n\n", fp);
    if (x->validated) {
        fputs("## Clinical shape of the validation trial\n\n", fp);
        md_shape(x, fp);
        fputs("\nThe published CR:PR splits, times to and durations of response to set "
              "next to these are in docs/calibration.md (\"Result\") for the melanoma "
              "calibration. The waterfall, swimmer and spider plots of the validation trial: "
              "`validation/trial_waterfall.png`, `validation/trial_swimmer.png`, "
              "`validation/trial_spider.png`.\n\n![waterfall](validation/trial_waterfall.png)\n",
              fp);
    }
}

static void targets_dat(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    size_t k;
    fputs("# k published_value published_lo published_hi simulated lo hi "
          "(proportions in %; doses as doses; PFS in months, NaN: not reached)\n", fp);
    for (k = 0; k < x->c->spec->n_targets; k++) {
        const its__calib_target *t = &x->c->spec->targets[k];
        const vresult *r = &x->res[k];
        double f = t->measure == ITS__MEASURE_DOSES_C1       ? 1.0
                   : its__measure_is_time(t->measure) ? 1.0 / ITS__MONTH_DAYS
                                                           : 100.0;
        double pv = t->range ? 0.5 * (t->lo + t->hi) : t->value;
        double col[6] = {f * pv, f * t->lo, f * t->hi, f * r->value, f * r->lo, f * r->hi};
        int i;
        fprintf(fp, "%zu", k);
        for (i = 0; i < 6; i++) /* not reached (+inf) and undefined: NaN, skipped by gnuplot */
            fprintf(fp, isfinite(col[i]) ? " %.6g" : " NaN", col[i]);
        fputs("\n\n\n", fp);
    }
}

static void targets_gp(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    size_t k, n = x->c->spec->n_targets;
    char b[600], lab[128], ml[64];
    fputs("# calibration_targets.gp: each target's published value and interval (grey)\n"
          "# against the validation trial's value and bootstrap 95 % CI (red).\n"
          "# Reads calibration_targets.dat; writes calibration_targets.png and .svg.\n"
          "set encoding utf8\n", fp);
    its__gp_formats(fp, "calibration_targets", 220 * (int)n + 80, 420, 10);
    fprintf(fp, "    set multiplot layout 1,%zu title 'Calibration targets: published "
                "(grey) and simulated (red)'\n",
            n);
    for (k = 0; k < n; k++) {
        const its__calib_target *t = &x->c->spec->targets[k];
        its__fmt(lab, sizeof lab, "%s: %s", t->id, measure_label(ml, sizeof ml, t));
        fprintf(fp, "    set title %s\n    set xrange [-0.6:1.6]; unset xtics; set ylabel '%s'\n"
                    "    set yrange [0:*]; unset key\n"
                    "    plot 'calibration_targets.dat' index %zu using (0):2:3:4 with yerrorbars "
                    "lc rgb '#777777' lw 2 pt 7, '' index %zu using (1):5:6:7 with yerrorbars "
                    "lc rgb '#c0392b' lw 2 pt 7\n",
                its__gp_quote(b, sizeof b, lab),
                t->measure == ITS__MEASURE_DOSES_C1       ? "doses"
                : its__measure_is_time(t->measure) ? "months"
                                                        : "%",
                k, k);
    }
    fputs("    unset multiplot\n    set output\n}\n", fp);
}

static void history_dat(const void *ctx, FILE *fp)
{
    const outctx *x = ctx;
    size_t i;
    fputs("# evaluation (over all rounds) loss ess round\n", fp);
    for (i = 0; i < x->c->n_hist; i++) {
        const double *h = x->c->hist + 5 * i;
        fprintf(fp, "%zu %.6g %.6g %.0f\n", i, h[3] > 0.0 ? h[3] : 1e-12, h[4], h[0]);
    }
}

static void history_gp(const void *ctx, FILE *fp)
{
    (void)ctx;
    fputs("# calibration_history.gp: the objective and the effective sample size at every\n"
          "# evaluation of the optimiser, all rounds and starts in order.\n"
          "set encoding utf8\n", fp);
    its__gp_formats(fp, "calibration_history", 900, 600, 10);
    fputs("    set multiplot layout 2,1 title 'Calibration objective history'\n"
          "    set logscale y; set ylabel 'loss'; unset key; set xlabel ''\n"
          "    plot 'calibration_history.dat' using 1:2:4 with points pt 7 ps 0.3 lc variable\n"
          "    set ylabel 'effective sample size'; set xlabel 'evaluation'\n"
          "    plot 'calibration_history.dat' using 1:3:4 with points pt 7 ps 0.3 lc variable\n"
          "    unset multiplot\n    set output\n}\n", fp);
}

static its_status write_report(outctx *x, const its_trial_opts *o)
{
    its__cal *c = x->c;
    its_status st = its__write_file_atomic(c->dir, "report.md", put_report, x, c->t->err,
                                           sizeof c->t->err);
    size_t len = strlen(c->t->note);
    if (st == ITS_OK && o->figures && x->validated)
        st = its__figure_write(c->dir, "calibration_targets", targets_dat, targets_gp, x, 1,
                               c->t->note + len, sizeof c->t->note - len, c->t->err,
                               sizeof c->t->err);
    len = strlen(c->t->note);
    if (st == ITS_OK && o->figures)
        st = its__figure_write(c->dir, "calibration_history", history_dat, history_gp, x, 1,
                               c->t->note + len, sizeof c->t->note - len, c->t->err,
                               sizeof c->t->err);
    return st;
}

its_status its__cal_outputs(its__cal *c, const its_trial_opts *o, FILE *log)
{
    outctx x;
    its_status st;
    int r;
    memset(&x, 0, sizeof x);
    x.c = c;
    for (r = 0; r < c->spec->rounds; r++)
        x.accepted[r] = round_patients(c, r);
    st = calibrated_text(&x);
    if (st == ITS_OK)
        st = its__write_file_atomic(c->dir, "calibrated.yaml", put_text, &x, c->t->err,
                                    sizeof c->t->err);
    if (st == ITS_OK && c->spec->validate > 0) {
        if (log)
            fprintf(log, "itsim: validation trial of %ld patients\n", c->spec->validate);
        st = validate(&x, o);
    }
    if (st == ITS_OK)
        st = its__write_file_atomic(c->dir, "calibration.json", put_json, &x, c->t->err,
                                    sizeof c->t->err);
    if (st == ITS_OK)
        st = its__write_file_atomic(c->dir, "history.csv", put_history, &x, c->t->err,
                                    sizeof c->t->err);
    if (st == ITS_OK)
        st = write_report(&x, o);
    its__free(x.text);
    its__cal_free(&x.val);
    its__trial_summary_free(&x.sum);
    return st;
}
