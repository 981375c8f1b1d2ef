/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: a patient record written back as a record file, with other
 * measurements in place of its own (the synthetic patients of the
 * validation study, docs/personalise.md): the same patient, lesions, dates,
 * treatments, decision and settings; the diameters, laboratory values and
 * biomarkers given. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Day t after t0 as a record date (with the time when not midnight). */
static void put_date(FILE *fp, const its_record *r, double t)
{
    char date[32];
    long m = lround(t * 1440.0) + r->t0_min;
    long d = m >= 0 ? m / 1440 : -((-m + 1439) / 1440);
    its__civil_text(r->t0_day + d, (int)(m - d * 1440), date, sizeof date);
    if (strchr(date, ' '))
        *strchr(date, ' ') = 'T';
    fputs(date, fp);
}

/* s as a YAML double-quoted scalar. */
static void put_quoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', fp);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The value of item field f as written, or NULL. */
static const char *field(const sitem *it, int f)
{
    return it->f[f].text;
}

/* One treatment: the window's item with its start (and until) as dates. */
static void put_item(FILE *fp, const its_record *r, const sitem *it)
{
    static const int plain[] = {T_AGENT, T_ROUTE, T_DOSE, T_DURATION, T_CARRIER, T_RELEASE,
                                T_RELEASE_TIME, T_RELEASE_SHAPE, T_BURST, T_EVERY, T_COUNT};
    static const char *const names[] = {"agent", "route", "dose", "duration", "carrier",
                                        "release", "release_time", "release_shape", "burst",
                                        "every", "count"};
    size_t k;
    fputs("  - {", fp);
    for (k = 0; k < sizeof plain / sizeof plain[0]; k++)
        if (field(it, plain[k])) {
            fprintf(fp, "%s: ", names[k]);
            put_quoted(fp, field(it, plain[k]));
            fputs(", ", fp);
        }
    if (field(it, T_LESION)) {
        long les = strtol(field(it, T_LESION), NULL, 10);
        if (les >= 1 && (size_t)les <= r->n_lesions) {
            fputs("lesion: ", fp);
            put_quoted(fp, r->lesions[les - 1].id);
            fputs(", ", fp);
        }
    }
    fputs(field(it, T_EVERY) ? "start: " : "date: ", fp);
    put_date(fp, r, strtod(field(it, T_START), NULL));
    if (field(it, T_UNTIL)) {
        fputs(", until: ", fp);
        put_date(fp, r, strtod(field(it, T_UNTIL), NULL));
    }
    fputs("}\n", fp);
}

static void put_head(FILE *fp, const its_record *r, const char *id)
{
    size_t k;
    fputs("patient: {id: ", fp);
    put_quoted(fp, id);
    fprintf(fp, ", weight: %.17g kg, height: %.17g cm", r->weight, r->height);
    if (!isnan(r->age))
        fprintf(fp, ", age: %.17g y", r->age);
    if (r->sex[0])
        fprintf(fp, ", sex: %s", r->sex);
    if (r->set[0])
        fprintf(fp, ", parameter_set: %s", r->set);
    if (r->prior_path) {
        fputs(",\n          prior: ", fp);
        put_quoted(fp, r->prior_path);
    }
    fputs("}\nlesions:\n", fp);
    for (k = 0; k < r->n_lesions; k++) {
        fputs("  - {id: ", fp);
        put_quoted(fp, r->lesions[k].id);
        fputs(", site: ", fp);
        put_quoted(fp, r->lesions[k].site);
        fprintf(fp, ", target: %s}\n", r->lesions[k].target ? "true" : "false");
    }
}

/* The error models, explicitly (the generator's, whatever the defaults). */
static void put_errors(FILE *fp, const its__rec_error *e)
{
    int k;
    fprintf(fp, "error: {diameter: {cv: %.17g, sd: %.17g mm, df: %.17g}", e->diam_cv, e->diam_sd,
            e->diam_df);
    for (k = 0; k < ITS__LAB_N; k++)
        fprintf(fp, ", %s: {cv: %.17g}", its__lab_names[k], e->lab_cv[k]);
    fprintf(fp, ",\n        tmb: {cv: %.17g}, clonal_share: {sd: %.17g}, pdl1_tps: "
            "{misclassification: %.17g}}\n", e->tmb_cv, e->clonal_sd, e->tps_misclass);
}

its_status its__record_write(const its_record *r, const its__rec_values *v, FILE *fp)
{
    size_t s, k;
    if (!r || !v || !fp || !v->id)
        return ITS_EINVAL;
    put_head(fp, r, v->id);
    fputs("assessments:\n", fp);
    for (s = 0; s < r->n_scans; s++) {
        int first = 1;
        fputs("  - {date: ", fp);
        put_date(fp, r, r->scan_t[s]);
        fputs(", diameters: {", fp);
        for (k = 0; k < r->n_obs; k++) {
            if (r->obs[k].t != r->scan_t[s])
                continue;
            fputs(first ? "" : ", ", fp);
            put_quoted(fp, r->lesions[r->obs[k].lesion].id);
            fputs(": ", fp);
            if (v->censored[k])
                fprintf(fp, "\"< %.17g mm\"", v->diam[k]);
            else
                fprintf(fp, "%.17g mm", v->diam[k]);
            first = 0;
        }
        fputs("}}\n", fp);
    }
    if (r->n_labs) {
        /* chemistry as multiples of a limit of 1 in its own unit */
        fputs("reference_limits: {creatinine: 1 mg/dL, ALT: 1 U/L, AST: 1 U/L, bilirubin: 1 mg/dL}\n"
              "labs:\n", fp);
        for (k = 0; k < r->n_labs; k++) {
            static const char *const unit[ITS__LAB_N] = {"1e9/L", "1e9/L", "1e9/L", "mg/dL",
                                                         "U/L", "U/L", "mg/dL"};
            fputs("  - {date: ", fp);
            put_date(fp, r, r->labs[k].t);
            fprintf(fp, ", %s: %.17g %s}\n", its__lab_names[r->labs[k].kind], v->labs[k],
                    unit[r->labs[k].kind]);
        }
    }
    if (v->has_tmb || v->has_tps || v->has_clonal) {
        const char *sep = "";
        fputs("biomarkers: {", fp);
        if (v->has_tmb) {
            fprintf(fp, "tmb: %.17g", v->tmb);
            sep = ", ";
        }
        if (v->has_tps) {
            fprintf(fp, "%spdl1_tps: %.17g", sep, v->tps);
            sep = ", ";
        }
        if (v->has_clonal)
            fprintf(fp, "%sclonal_share: %.17g", sep, v->clonal);
        fputs("}\n", fp);
    }
    if (r->window->n_therapy) {
        fputs("treatments:\n", fp);
        for (k = 0; k < r->window->n_therapy; k++)
            put_item(fp, r, &r->window->therapy[k]);
    }
    fputs("decision: {date: ", fp);
    put_date(fp, r, r->t_dec);
    fprintf(fp, ", horizon: %.17g d, objective: %s, max_grade3: %.17g}\n", r->horizon,
            r->objective ? "pfs" : "response", r->max_grade3);
    put_errors(fp, &r->err_model);
    fprintf(fp, "fit: {chains: %ld, iterations: %ld, warmup: %ld, draws: %ld, seed: %llu}\n",
            r->fit.chains, r->fit.iterations, r->fit.warmup, r->fit.draws,
            (unsigned long long)r->fit.seed);
    return ferror(fp) ? ITS_EIO : ITS_OK;
}

size_t its__record_items(const its_record *r)
{
    return r && r->window ? r->window->n_therapy : 0;
}
