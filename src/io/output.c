/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: run outputs. Readable summary, and the output directory
 * (timeseries.csv, summary.json, scenario.resolved.yaml) written atomically. */
#define _DEFAULT_SOURCE /* flock(2): the lock on a directory being written */
#include "io/io.h"
#include "itsim/agents.h"
#include "itsim/version.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const row_kind_names[] = {"grid", "predose", "postdose",
                                             "extinct"};

static const char *row_kind_name(unsigned char k)
{
    return k < 4 ? row_kind_names[k] : "unknown";
}

/* ---- statistics over the rows ------------------------------------------------ */

typedef struct state_stats {
    double min, t_min, max, t_max;
    int any;
} state_stats;

static state_stats stats_of(const its_result *res, size_t j)
{
    size_t ns = res->plan.model->n_states, i;
    state_stats s;
    memset(&s, 0, sizeof s);
    s.min = (double)NAN;
    s.max = (double)NAN;
    s.t_min = (double)NAN;
    s.t_max = (double)NAN;
    for (i = 0; i < res->n_rows; i++) {
        double v = res->y[i * ns + j];
        if (!isfinite(v))
            continue;
        if (!s.any || v < s.min) {
            s.min = v;
            s.t_min = res->t[i];
        }
        if (!s.any || v > s.max) {
            s.max = v;
            s.t_max = res->t[i];
        }
        s.any = 1;
    }
    return s;
}

/* ---- readable summary ---------------------------------------------------- */

/* The course of a run: up to 8 states (the model's course list, else its
 * first states) at about 12 evenly spaced grid rows. */
static void print_course(const its_result *res, FILE *fp)
{
    const its_model_def *m = res->plan.model;
    int cols[8];
    size_t nc = 0, r, k, last = (size_t)-1;
    double t0 = res->plan.t0, t1 = res->plan.t1;

    if (m->course != NULL) {
        for (k = 0; m->course[k] != NULL && nc < 8; k++) {
            int i = its_model_state_index(m, m->course[k]);
            if (i >= 0)
                cols[nc++] = i;
        }
    } else {
        for (k = 0; k < m->n_states && nc < 8; k++)
            cols[nc++] = (int)k;
    }
    if (nc == 0 || res->n_rows == 0)
        return;
    fprintf(fp, "\ncourse\n%10s", "t");
    for (k = 0; k < nc; k++)
        fprintf(fp, " %11s", m->states[cols[k]].name);
    fputc('\n', fp);
    for (k = 0; k <= 12; k++) {
        double target = t0 + (t1 - t0) * (double)k / 12.0;
        size_t best = (size_t)-1;
        for (r = 0; r < res->n_rows; r++) {
            if (res->kind[r] != ITS_ROW_GRID)
                continue;
            if (best == (size_t)-1 ||
                fabs(res->t[r] - target) < fabs(res->t[best] - target))
                best = r;
        }
        if (best == (size_t)-1 || best == last)
            continue;
        last = best;
        fprintf(fp, "%10.4g", res->t[best]);
        for (r = 0; r < nc; r++)
            fprintf(fp, " %11.4g", res->y[best * m->n_states + (size_t)cols[r]]);
        fputc('\n', fp);
    }
}

its_status its_result_print_summary(const its_result *res, FILE *fp)
{
    const its__plan *p;
    const its_model_def *m;
    size_t i, j, nb, ni;
    its__c_locale g;
    int bad, grown;

    if (!res || !fp)
        return ITS_EINVAL;
    p = &res->plan;
    m = p->model;
    its__c_locale_enter(&g);
    fprintf(fp, "model     %s: %s\n", m->name, m->title);
    fprintf(fp, "scenario  %s\n", p->source);
    if (p->set_name)
        fprintf(fp, "set       %s\n", p->set_name);
    fprintf(fp, "horizon   %g to %g %s, output every %g %s (%zu rows)\n",
            p->t0, p->t1, m->time_unit, p->dt, m->time_unit, res->n_rows);
    fprintf(fp, "doses     %zu", p->n_doses);
    for (i = 0; i < m->n_inputs; i++) {
        nb = ni = 0;
        for (j = 0; j < p->n_doses; j++) {
            if (p->doses[j].input != (int)i)
                continue;
            if (p->doses[j].infusion)
                ni++;
            else
                nb++;
        }
        if (nb)
            fprintf(fp, "; %s: %zu bolus%s", m->inputs[i].name, nb,
                    nb == 1 ? "" : "es");
        if (ni)
            fprintf(fp, "; %s: %zu infusion%s", m->inputs[i].name, ni,
                    ni == 1 ? "" : "s");
    }
    if (res->given != NULL && p->n_rules > 0) {
        size_t held = 0, reduced = 0;
        for (j = 0; j < p->n_doses; j++) {
            if (res->given[j] == 0.0)
                held++;
            else if (res->given[j] > 0.0 && res->given[j] < 1.0)
                reduced++;
        }
        fprintf(fp, "; held by rules: %zu, reduced: %zu", held, reduced);
    }
    fprintf(fp, "\n");
    if (res->status == ITS_OK)
        fprintf(fp, "status    ok\n\n");
    else
        fprintf(fp, "status    %s: %s\n\n", its_status_name(res->status),
                res->message);
    /* with a pre-treatment history the run starts from the grown
     * baseline (the first row), not from the initial values */
    grown = res->stats.history_duration > 0.0 && res->n_rows > 0;
    if (grown)
        fprintf(fp, "history   baseline grown untreated over %.6g %s (%ld steps): %s\n\n",
                res->stats.history_duration, m->time_unit, res->stats.history_steps,
                m->history ? m->history->description : "");
    fprintf(fp, "%-16s %-12s %14s %14s %14s %14s\n", "state", "unit",
            grown ? "baseline" : "initial", "final", "min", "max");
    for (j = 0; j < m->n_states; j++) {
        state_stats s = stats_of(res, j);
        fprintf(fp, "%-16s %-12s %14.6g %14.6g %14.6g %14.6g\n",
                m->states[j].name, m->states[j].unit, grown ? res->y[j] : p->initial[j],
                res->has_final ? res->final_state[j] : (double)NAN, s.min, s.max);
    }
    print_course(res, fp);
    its__clin_print(res, fp);
    fprintf(fp, "\nsolver    %s, %ld steps, %ld rhs evals, %ld jac evals, "
                "%ld linear setups,\n          %ld error test fails, %ld "
                "nonlinear iters, %ld conv fails, %ld segments, %ld extinctions,\n"
                "          %ld clipping restarts\n",
            p->method == ITS_METHOD_ADAMS ? "adams" : "bdf", res->stats.steps,
            res->stats.rhs_evals, res->stats.jac_evals, res->stats.lin_setups,
            res->stats.err_test_fails, res->stats.nonlin_iters,
            res->stats.nonlin_conv_fails, res->stats.segments,
            res->stats.extinctions, res->stats.clip_restarts);
    bad = ferror(fp);
    its__c_locale_leave(&g);
    return bad ? ITS_EIO : ITS_OK;
}

/* ---- timeseries.csv -------------------------------------------------------- */

static void write_csv(const its_result *res, FILE *fp)
{
    const its_model_def *m = res->plan.model;
    size_t ns = m->n_states, i, j;
    fprintf(fp, "time [%s]", m->time_unit);
    for (j = 0; j < ns; j++)
        fprintf(fp, ",%s [%s]", m->states[j].name, m->states[j].unit);
    fprintf(fp, ",event\n");
    for (i = 0; i < res->n_rows; i++) {
        fprintf(fp, "%.10g", res->t[i]);
        for (j = 0; j < ns; j++)
            fprintf(fp, ",%.10g", res->y[i * ns + j]);
        fprintf(fp, ",%s\n", row_kind_name(res->kind[i]));
    }
}

/* ---- summary.json ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n, k;
    unsigned cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1fu;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0fu;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07u;
    else
        return 0;
    for (k = 1; k < n; k++) {
        if ((s[k] & 0xc0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* A string in double quotes, valid for both JSON and YAML (JSON's escapes
 * are a subset of YAML's); invalid UTF-8 bytes become U+FFFD. */
void its__json_string(FILE *fp, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', fp);
    while (*s) {
        size_t n = utf8_len(s);
        if (n == 0) {
            fputs("\\ufffd", fp);
            s++;
            continue;
        }
        if (n > 1) {
            fwrite(s, 1, n, fp);
            s += n;
            continue;
        }
        switch (*s) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\r': fputs("\\r", fp); break;
        default:
            if (*s < 0x20 || *s == 0x7f)
                fprintf(fp, "\\u%04x", (unsigned)*s);
            else
                fputc(*s, fp);
        }
        s++;
    }
    fputc('"', fp);
}

/* The shortest of %.15g, %.16g, %.17g that reads back to exactly x, so
 * that 5.85 is written 5.85 and not 5.8499999999999996. */
void its__num_exact(FILE *fp, double x)
{
    char buf[40];
    int prec;
    for (prec = 15; prec < 17; prec++) {
        its__fmt(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fprintf(fp, "%.*g", prec, x);
}

void its__json_num(FILE *fp, double x)
{
    if (isfinite(x))
        its__num_exact(fp, x);
    else
        fputs("null", fp);
}

/* "clinical": every endpoint of the read-outs (docs/clinical.md). */
static void write_json_clinical(const its_result *res, FILE *fp)
{
    its_clinical_summary s;
    const its_recist_endpoints *e = &s.recist;
    int k;
    if (its_result_get_clinical(res, &s) != ITS_OK || !s.available)
        return;
    fprintf(fp, ",\n  \"clinical\": {\n    \"recist\": ");
    if (!s.recist_available) {
        fputs("null", fp);
    } else {
        fprintf(fp, "{\"assessments\": %zu, \"assess_every\": ", s.n_assessments);
        its__json_num(fp, res->plan.clin.assess_every);
        fprintf(fp, ", \"confirm_after\": ");
        its__json_num(fp, res->plan.clin.recist.confirm_after);
        fprintf(fp, ", \"targets\": %d, \"non_targets\": %d, \"baseline_sum_mm\": ",
                e->n_targets, e->n_nontargets);
        its__json_num(fp, e->baseline_mm);
        fprintf(fp, ", \"nadir_sum_mm\": ");
        its__json_num(fp, e->nadir_mm);
        fprintf(fp, ", \"best_change_pct\": ");
        its__json_num(fp, 100.0 * e->best_change);
        fprintf(fp, ",\n      \"best_response\": ");
        its__json_string(fp, its_response_name(e->best));
        fprintf(fp, ", \"responder\": %s, \"time_to_response\": ", e->responder ? "true" : "false");
        its__json_num(fp, e->time_to_response);
        fprintf(fp, ", \"response_duration\": ");
        its__json_num(fp, e->response_duration);
        fprintf(fp, ", \"response_censored\": %s, \"durable_response\": %s,\n      \"pfs\": ",
                e->response_censored ? "true" : "false", e->durable ? "true" : "false");
        its__json_num(fp, e->pfs);
        fprintf(fp, ", \"pfs_event\": ");
        its__json_string(fp, e->pfs_event == 1 ? "progression" : e->pfs_event == 2 ? "death" : "censored");
        fprintf(fp, ", \"t_progression\": ");
        its__json_num(fp, e->t_progression);
        fputc('}', fp);
    }
    fprintf(fp, ",\n    \"worst_grade\": {");
    for (k = 0; k < ITS_AE_NTERMS; k++) {
        fprintf(fp, "%s", k ? ", " : "");
        its__json_string(fp, its_ae_term_id((its_ae_term)k));
        if (s.worst_grade[k] >= 0)
            fprintf(fp, ": %d", s.worst_grade[k]);
        else
            fprintf(fp, ": null");
    }
    fprintf(fp, "},\n    \"worst_grade_any\": %d, \"worst_term\": ", s.worst_any);
    if (s.worst_any > 0)
        its__json_string(fp, its_ae_term_id(s.worst_term));
    else
        fputs("null", fp);
    fprintf(fp, ",\n    \"death\": ");
    its__json_num(fp, s.death);
    fprintf(fp, ", \"death_cause\": ");
    its__json_string(fp, s.death_cause == 1 ? "disease" : s.death_cause == 2 ? "treatment" : "none");
    fprintf(fp, ", \"death_term\": ");
    if (s.death_cause == 2)
        its__json_string(fp, its_ae_term_id(s.death_term));
    else
        fputs("null", fp);
    fprintf(fp, ", \"os\": ");
    its__json_num(fp, s.os);
    fprintf(fp, ", \"os_event\": %s,\n    \"doses\": {\"planned\": %zu, \"given\": %zu, "
                "\"reduced\": %zu, \"held\": %zu, \"held_after_progression\": %zu, "
                "\"not_reached\": %zu}\n  }",
            s.os_event ? "true" : "false", s.doses_planned, s.doses_given, s.doses_reduced,
            s.doses_held, s.doses_after_progression, s.doses_not_reached);
}

static void write_json(const its_result *res, FILE *fp)
{
    const its__plan *p = &res->plan;
    const its_model_def *m = p->model;
    const its_stats *st = &res->stats;
    size_t j;

    fprintf(fp, "{\n  \"itsim_version\": ");
    its__json_string(fp, its_version());
    fprintf(fp, ",\n  \"sundials_version\": ");
    its__json_string(fp, its_sundials_version());
    fprintf(fp, ",\n  \"libyaml_version\": ");
    its__json_string(fp, its_yaml_version());
    fprintf(fp, ",\n  \"scenario\": ");
    its__json_string(fp, p->source);
    fprintf(fp, ",\n  \"model\": ");
    its__json_string(fp, m->name);
    fprintf(fp, ",\n  \"parameter_set\": ");
    if (p->set_name)
        its__json_string(fp, p->set_name);
    else
        fputs("null", fp);
    fprintf(fp, ",\n  \"status\": ");
    its__json_string(fp, res->status == ITS_OK ? "ok" : its_status_name(res->status));
    fprintf(fp, ",\n  \"message\": ");
    its__json_string(fp, res->message);
    fprintf(fp, ",\n  \"time_unit\": ");
    its__json_string(fp, m->time_unit);
    fprintf(fp, ",\n  \"t_start\": ");
    its__json_num(fp, p->t0);
    fprintf(fp, ",\n  \"t_end\": ");
    its__json_num(fp, p->t1);
    fprintf(fp, ",\n  \"t_reached\": ");
    its__json_num(fp, res->n_rows ? res->t[res->n_rows - 1] : (double)NAN);
    fprintf(fp, ",\n  \"rows\": %zu,\n  \"states\": {", res->n_rows);
    for (j = 0; j < m->n_states; j++) {
        state_stats s = stats_of(res, j);
        fprintf(fp, "%s\n    ", j ? "," : "");
        its__json_string(fp, m->states[j].name);
        fprintf(fp, ": {\"unit\": ");
        its__json_string(fp, m->states[j].unit);
        fprintf(fp, ", \"initial\": ");
        its__json_num(fp, p->initial[j]);
        if (res->stats.history_duration > 0.0 && res->n_rows > 0) {
            /* the grown pre-treatment baseline the run started from */
            fprintf(fp, ", \"baseline\": ");
            its__json_num(fp, res->y[j]);
        }
        fprintf(fp, ", \"final\": ");
        its__json_num(fp, res->has_final ? res->final_state[j] : (double)NAN);
        fprintf(fp, ", \"min\": ");
        its__json_num(fp, s.min);
        fprintf(fp, ", \"t_min\": ");
        its__json_num(fp, s.t_min);
        fprintf(fp, ", \"max\": ");
        its__json_num(fp, s.max);
        fprintf(fp, ", \"t_max\": ");
        its__json_num(fp, s.t_max);
        fputc('}', fp);
    }
    fprintf(fp, "\n  },\n  \"solver\": {\"method\": \"%s\", \"steps\": %ld, "
                "\"rhs_evals\": %ld, \"jac_evals\": %ld, \"lin_setups\": %ld, "
                "\"err_test_fails\": %ld, \"nonlin_iters\": %ld, "
                "\"nonlin_conv_fails\": %ld, \"root_evals\": %ld, "
                "\"segments\": %ld, \"extinctions\": %ld, "
                "\"clip_restarts\": %ld, \"t_reached\": ",
            p->method == ITS_METHOD_ADAMS ? "adams" : "bdf", st->steps,
            st->rhs_evals, st->jac_evals, st->lin_setups, st->err_test_fails,
            st->nonlin_iters, st->nonlin_conv_fails, st->root_evals,
            st->segments, st->extinctions, st->clip_restarts);
    its__json_num(fp, st->t_reached);
    fprintf(fp, ", \"history_steps\": %ld, \"history_duration\": ", st->history_steps);
    its__json_num(fp, st->history_duration);
    fprintf(fp, "},\n  \"doses\": [");
    for (j = 0; j < p->n_doses; j++) {
        const its__dose *d = &p->doses[j];
        const its_input_def *in = &m->inputs[d->input];
        fprintf(fp, "%s\n    {\"input\": ", j ? "," : "");
        its__json_string(fp, in->name);
        fprintf(fp, ", \"time\": ");
        its__json_num(fp, d->t);
        if (d->infusion) {
            fprintf(fp, ", \"rate\": ");
            its__json_num(fp, d->rate);
            fprintf(fp, ", \"rate_unit\": \"(%s)/%s\", \"duration\": ", in->unit,
                    m->time_unit);
            its__json_num(fp, d->duration); /* null: until the end of the run */
        } else {
            fprintf(fp, ", \"amount\": ");
            its__json_num(fp, d->amount);
            fprintf(fp, ", \"unit\": ");
            its__json_string(fp, in->unit);
            if (d->has_release) {
                fprintf(fp, ", \"release\": {\"law\": %d, \"time\": ", (int)d->release.law);
                its__json_num(fp, d->release.tau);
                fprintf(fp, ", \"shape\": ");
                its__json_num(fp, d->release.shape);
                fprintf(fp, ", \"burst\": ");
                its__json_num(fp, d->release.burst);
                fputc('}', fp);
            }
        }
        if (res->given != NULL) {
            fprintf(fp, ", \"given\": ");
            its__json_num(fp, res->given[j]); /* null: not reached */
            if (res->rule_of != NULL && res->rule_of[j] == ITS__HELD_PD)
                fprintf(fp, ", \"rule\": \"progression\"");
            if (res->rule_of != NULL && res->rule_of[j] >= 0) {
                fprintf(fp, ", \"rule\": ");
                its__json_string(fp, p->rules[res->rule_of[j]].text);
            }
        }
        fputc('}', fp);
    }
    fprintf(fp, "%s]", p->n_doses ? "\n  " : "");
    write_json_clinical(res, fp);
    fprintf(fp, "\n}\n");
}

/* ---- scenario.resolved.yaml ---------------------------------------------------- */

static int plain_safe_name(const char *s)
{
    const char *c;
    if (!*s)
        return 0;
    for (c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == '-'))
            return 0;
    return s[0] != '-' && s[0] != '.';
}

static void put_name(FILE *fp, const char *s)
{
    if (plain_safe_name(s))
        fputs(s, fp);
    else
        its__json_string(fp, s);
}

/* "VALUE UNIT" re-parsable by its_quantity_parse, the value exact. */
static void put_quantity(FILE *fp, double x, const char *unit)
{
    char buf[512];
    const char *c;
    int plain = 1, prec;
    if (!unit || unit[0] == '\0' || strcmp(unit, "1") == 0) {
        its__num_exact(fp, x);
        return;
    }
    for (prec = 15; prec < 17; prec++) {
        its__fmt(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    its__fmt(buf, sizeof buf, "%.*g %s", prec, x, unit);
    for (c = unit; *c; c++)
        if (*c == ':' || *c == '#' || *c == '"' || *c == '\'' || *c == '\\' ||
            (unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            plain = 0;
    if (plain)
        fputs(buf, fp);
    else
        its__json_string(fp, buf);
}

/* One item of the resolved therapy list (without its final newline). */
static void yaml_therapy(FILE *fp, const its__therapy *th, const its_input_def *in,
                         const char *tu)
{
    char runit[256];
    fprintf(fp, "  - input: ");
    put_name(fp, in->name);
    if (th->has_dose) {
        fprintf(fp, "\n    dose: ");
        put_quantity(fp, th->dose, in->unit);
    } else {
        its__fmt(runit, sizeof runit, "(%s)/%s", in->unit, tu);
        fprintf(fp, "\n    rate: ");
        put_quantity(fp, th->rate, runit);
    }
    fprintf(fp, "\n    start: ");
    put_quantity(fp, th->start, tu);
    if (th->has_every) {
        fprintf(fp, "\n    every: ");
        put_quantity(fp, th->every, tu);
    }
    if (th->has_until) {
        fprintf(fp, "\n    until: ");
        put_quantity(fp, th->until, tu);
    }
    if (th->has_count)
        fprintf(fp, "\n    count: %ld", th->count);
    if (th->has_duration) {
        fprintf(fp, "\n    duration: ");
        put_quantity(fp, th->duration, tu);
    }
    if (th->n_days > 0) {
        static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
        int k;
        fprintf(fp, "\n    days: \"");
        for (k = 0; k < th->n_days; k++)
            fprintf(fp, "%s%s", k ? "," : "", wd[th->days[k]]);
        fputc('"', fp);
        if (th->weeks > 0)
            fprintf(fp, "\n    weeks: %ld", th->weeks);
    }
    if (th->has_cycle) {
        fprintf(fp, "\n    cycle: ");
        put_quantity(fp, th->cycle, tu);
        fprintf(fp, "\n    cycles: %ld", th->cycles);
    }
    if (th->carrier != NULL && strcmp(th->carrier->name, "nanoparticle") != 0) {
        /* a named carrier is written out: its law below, the dose above
         * already times its yield, a systemic split as the generic one */
        fprintf(fp, "\n    # carrier %s: written out (dose x yield ", th->carrier->name);
        its__num_exact(fp, th->carrier_yield);
        fputc(')', fp);
    }
    if (th->has_carrier) {
        fprintf(fp, "\n    carrier: nanoparticle\n    tumour_fraction: ");
        its__num_exact(fp, th->tumour_fraction);
        if (th->circulation_time > 0.0) {
            fprintf(fp, "\n    circulation_time: ");
            put_quantity(fp, th->circulation_time, tu);
        }
    }
    if (th->has_release) {
        static const char *const laws[] = {"zero_order", "first_order", "higuchi",
                                           "peppas", "weibull"};
        fprintf(fp, "\n    release: %s\n    release_time: ", laws[th->release.law]);
        put_quantity(fp, th->release.tau, tu);
        fprintf(fp, "\n    release_shape: ");
        its__num_exact(fp, th->release.shape);
        fprintf(fp, "\n    burst: ");
        its__num_exact(fp, th->release.burst);
    }
}

/* The resolved clinical section. */
static void yaml_clinical(FILE *fp, const its__clinical *c, const char *tu)
{
    fprintf(fp, "clinical:\n  assess_every: ");
    put_quantity(fp, c->assess_every, tu);
    fprintf(fp, "\n  first_assessment: ");
    put_quantity(fp, c->first_assess, tu);
    fprintf(fp, "\n  confirm_after: ");
    put_quantity(fp, c->recist.confirm_after, tu);
    fprintf(fp, "\n  sd_min: ");
    put_quantity(fp, c->recist.sd_min, tu);
    fprintf(fp, "\n  monitor_every: ");
    put_quantity(fp, c->monitor_every, tu);
    fprintf(fp, "\n  anc_lln: ");
    put_quantity(fp, c->anc_lln, "1e9/L");
    fprintf(fp, "\n  lethal_burden: ");
    put_quantity(fp, c->lethal_burden, "cell");
    fprintf(fp, "\n  measurable: ");
    put_quantity(fp, c->recist.measurable_mm, "mm");
    fprintf(fp, "\n  detection_limit: ");
    put_quantity(fp, c->recist.detect_mm, "mm");
    fprintf(fp, "\n  stop_at_progression: %s", c->stop_at_pd ? "true" : "false");
    if (c->n_organs > 0) {
        size_t k;
        fprintf(fp, "\n  organs: \"");
        for (k = 0; k < c->n_organs; k++)
            fprintf(fp, "%s%s", k ? ", " : "", c->organs[k]);
        fputc('"', fp);
    }
    fputc('\n', fp);
}

static void write_yaml(const its_result *res, FILE *fp)
{
    const its__plan *p = &res->plan;
    const its_model_def *m = p->model;
    const char *tu = m->time_unit;
    size_t i;

    fprintf(fp, "# itsim resolved scenario: every setting after defaults and "
                "overrides,\n# in model units. `itsim run` on this file "
                "reproduces timeseries.csv.\n");
    fprintf(fp, "provenance:\n  itsim: ");
    its__json_string(fp, its_version());
    fprintf(fp, "\n  sundials: ");
    its__json_string(fp, its_sundials_version());
    fprintf(fp, "\n  libyaml: ");
    its__json_string(fp, its_yaml_version());
    fprintf(fp, "\n  source: ");
    its__json_string(fp, p->source);
    fprintf(fp, "\nmodel: ");
    put_name(fp, m->name);
    fputc('\n', fp);
    if (p->description) {
        fprintf(fp, "description: ");
        its__json_string(fp, p->description);
        fputc('\n', fp);
    }
    if (p->set_name) {
        fprintf(fp, "parameter_set: ");
        put_name(fp, p->set_name);
        fputc('\n', fp);
    }
    fprintf(fp, "parameters:%s\n", m->n_params ? "" : " {}");
    for (i = 0; i < m->n_params; i++) {
        fprintf(fp, "  ");
        put_name(fp, m->params[i].name);
        fprintf(fp, ": ");
        put_quantity(fp, p->params[i], m->params[i].unit);
        fputc('\n', fp);
    }
    fprintf(fp, "initial:%s\n", m->n_states ? "" : " {}");
    for (i = 0; i < m->n_states; i++) {
        /* with a pre-treatment history only its targets are initial values
         * (the others are grown, and a scenario may not set them) */
        if (p->history && m->history != NULL && m->history->target != NULL &&
            !m->history->target(i, m->data))
            continue;
        fprintf(fp, "  ");
        put_name(fp, m->states[i].name);
        fprintf(fp, ": ");
        put_quantity(fp, p->initial[i], m->states[i].unit);
        fputc('\n', fp);
    }
    fprintf(fp, "therapy:%s\n", p->n_therapy ? "" : " []");
    for (i = 0; i < p->n_therapy; i++) {
        const its__therapy *th = &p->therapy[i];
        yaml_therapy(fp, th, &m->inputs[th->input], tu);
        fputc('\n', fp);
    }
    if (p->n_rules > 0) {
        static const char *const act[] = {"hold_if", "reduce_if", "stop_if"};
        size_t ri;
        fprintf(fp, "rules:\n");
        for (ri = 0; ri < p->n_rules; ri++) {
            const its__rule *r = &p->rules[ri];
            fprintf(fp, "  - %s: ", act[r->action]);
            its__json_string(fp, r->text);
            if (r->action == 1) {
                fprintf(fp, "\n    factor: ");
                its__num_exact(fp, r->factor);
            }
            if (r->input >= 0)
                fprintf(fp, "\n    applies_to: %s", m->inputs[r->input].name);
            fputc('\n', fp);
        }
    }
    if (p->clin.on)
        yaml_clinical(fp, &p->clin, tu);
    fprintf(fp, "simulate:\n  start: ");
    put_quantity(fp, p->t0, tu);
    fprintf(fp, "\n  until: ");
    put_quantity(fp, p->t1, tu);
    fprintf(fp, "\n  output_every: ");
    put_quantity(fp, p->dt, tu);
    fprintf(fp, "\n  method: %s\n",
            p->method == ITS_METHOD_ADAMS ? "adams" : "bdf");
    if (p->has_rtol) {
        fputs("  rtol: ", fp);
        its__num_exact(fp, p->rtol);
        fputc('\n', fp);
    }
    if (p->has_atol) {
        fputs("  atol: ", fp);
        its__num_exact(fp, p->atol);
        fputc('\n', fp);
    }
    if (p->has_max_steps)
        fprintf(fp, "  max_steps: %ld\n", p->max_steps);
    if (p->model->history != NULL)
        fprintf(fp, "  history: %s\n", p->history ? "true" : "false");
}

/* ---- the output directory -------------------------------------------------- */

typedef void (*writer_fn)(const its_result *res, FILE *fp);

/* Write dir/PREFIXname with fn(ctx, fp); *mode receives the file's
 * permissions. */
static its_status write_any(const char *dir, const char *prefix, const char *name,
                            void (*fn)(const void *ctx, FILE *fp), const void *ctx,
                            mode_t *mode, char *err_out)
{
    char path[4096], eb[128];
    FILE *fp;
    int bad, err;
    struct stat sb;

    if ((size_t)snprintf(path, sizeof path, "%s/%s%s", dir, prefix, name) >= sizeof path) {
        its__fmt(err_out, ITS__ERRLEN, "%s: path too long", dir);
        return ITS_EIO;
    }
    fp = fopen(path, "w");
    if (!fp) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(err_out, ITS__ERRLEN, "%s: cannot create: %s", path, eb);
        return ITS_EIO;
    }
    if (mode && fstat(fileno(fp), &sb) == 0)
        *mode = sb.st_mode & 0777;
    fn(ctx, fp);
    bad = ferror(fp);
    err = errno;
    if (fclose(fp) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        its__errno_text(err, eb, sizeof eb);
        its__fmt(err_out, ITS__ERRLEN, "%s: write failed: %s", path, eb);
        return ITS_EIO;
    }
    return ITS_OK;
}

typedef struct res_writer {
    const its_result *res;
    writer_fn fn;
} res_writer;

static void call_res_writer(const void *ctx, FILE *fp)
{
    const res_writer *w = ctx;
    w->fn(w->res, fp);
}

static its_status write_file(const its_result *res, const char *dir, const char *prefix,
                             const char *name, writer_fn fn, mode_t *mode, char *err_out)
{
    res_writer w;
    w.res = res;
    w.fn = fn;
    return write_any(dir, prefix, name, call_res_writer, &w, mode, err_out);
}

/* Directory state: -1 missing, 0 empty, 1 only non-directories, 2 has
 * subdirectories, 3 not a directory, 4 cannot be read. */
static int dir_state(const char *dir)
{
    struct stat sb;
    DIR *d;
    struct dirent *e;
    char path[4096];
    int state = 0;

    if (lstat(dir, &sb) != 0)
        return errno == ENOENT ? -1 : 4;
    if (!S_ISDIR(sb.st_mode))
        return 3;
    d = opendir(dir);
    if (!d)
        return 4;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (state < 1)
            state = 1;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
                sizeof path ||
            lstat(path, &sb) != 0) {
            state = 4;
            break;
        }
        if (S_ISDIR(sb.st_mode))
            state = 2;
    }
    closedir(d);
    return state;
}

/* Remove a directory holding only non-directories (our own temp dirs, or a
 * previous output directory checked by dir_state). */
static int remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    int rc = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
                sizeof path ||
            unlink(path) != 0)
            rc = -1;
    }
    closedir(d);
    if (rmdir(dir) != 0)
        rc = -1;
    return rc;
}

static int is_cancelled(const its_output_opts *o)
{
    return o && o->cancel && *o->cancel;
}

/* Every file of one run, names prefixed (comparisons put the arms side by
 * side in one directory). Stops with ITS_ECANCELLED between files once the
 * options' cancel flag is set. */
its_status its__write_run_files(const its_result *res, const char *tmp, const char *prefix,
                                mode_t *fmode, its__figs *figs, char *err)
{
    static const struct {
        const char *name;
        writer_fn fn;
        int when; /* 0 always, 1 clinical read-outs, 2 doses */
    } files[] = {
        {"timeseries.csv", write_csv, 0},
        {"summary.json", write_json, 0},
        {"scenario.resolved.yaml", write_yaml, 0},
        {"assessments.csv", its__write_assessments, 1},
        {"adverse_events.csv", its__write_adverse, 1},
        {"clinical.csv", its__write_monitor, 1},
        {"doses.csv", its__write_doses, 2},
    };
    const its_output_opts *o = figs ? figs->opts : NULL;
    its_status st = ITS_OK;
    size_t i;
    its__c_locale g;
    its__c_locale_enter(&g);
    for (i = 0; i < sizeof files / sizeof files[0] && st == ITS_OK; i++) {
        if ((files[i].when == 1 && !res->plan.clin.on) ||
            (files[i].when == 2 && res->plan.n_doses == 0))
            continue;
        if (is_cancelled(o))
            st = ITS_ECANCELLED;
        else
            st = write_file(res, tmp, prefix, files[i].name, files[i].fn, i == 0 ? fmode : NULL,
                            err);
    }
    if (st == ITS_OK && figs && figs->opts->figures)
        st = its__plot_run(res, tmp, prefix, figs->names, &figs->n, figs->cap, err,
                           ITS__ERRLEN);
    its__c_locale_leave(&g);
    return st;
}

void its_output_opts_default(its_output_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->figures = 1;
    o->render = 1;
}

its_status its__figs_begin(its__figs *figs, its_output_opts *o, size_t cap, char *err)
{
    memset(figs, 0, sizeof *figs);
    if (!o) {
        its_output_opts_default(&figs->def);
        o = &figs->def;
    }
    o->note[0] = '\0';
    figs->opts = o;
    figs->cap = cap;
    figs->names = its__calloc(cap ? cap : 1, sizeof *figs->names);
    if (!figs->names)
        its__fmt(err, ITS__ERRLEN, "out of memory for the list of %zu figures", cap);
    return figs->names ? ITS_OK : ITS_ENOMEM;
}

void its__figs_end(its__figs *figs)
{
    its__free(figs->names);
    figs->names = NULL;
}

its_status its__render_figs(const char *tmp, its__figs *figs, char *err)
{
    its_output_opts *o = figs->opts;
    char msg[400];
    int rc;
    o->note[0] = '\0';
    if (figs->n == 0)
        return ITS_OK;
    if (!o->render) {
        its__fmt(o->note, sizeof o->note,
                 "%zu figure script%s written; render %s with: cd DIR && gnuplot *.gp", figs->n,
                 figs->n == 1 ? "" : "s", figs->n == 1 ? "it" : "them");
        return ITS_OK;
    }
    msg[0] = '\0';
    rc = its__gnuplot_render(tmp, figs->names, figs->n, o->gnuplot, o->cancel, msg, sizeof msg);
    if (rc == 4) {
        its__fmt(err, ITS__ERRLEN, "%s", msg);
        return ITS_ENOMEM;
    }
    if (rc == 0)
        its__fmt(o->note, sizeof o->note, "%zu figure%s rendered with gnuplot (PNG and SVG)",
                 figs->n, figs->n == 1 ? "" : "s");
    else if (rc == 1)
        its__fmt(o->note, sizeof o->note,
                 "gnuplot not found: %zu figure script%s written; install gnuplot-nox and "
                 "render %s with: cd DIR && gnuplot *.gp", figs->n, figs->n == 1 ? "" : "s",
                 figs->n == 1 ? "it" : "them");
    else
        its__fmt(o->note, sizeof o->note, "figures not all rendered (%s); the scripts are "
                 "written: cd DIR && gnuplot *.gp", msg);
    return ITS_OK;
}

typedef struct single_ctx {
    const its_result *res;
    its__figs figs;
} single_ctx;

static its_status fill_single(void *ctx, const char *tmp, mode_t *fmode, char *err)
{
    single_ctx *c = ctx;
    its_status st = its__write_run_files(c->res, tmp, "", fmode, &c->figs, err);
    if (st == ITS_OK)
        st = its__render_figs(tmp, &c->figs, err);
    return st;
}

/* The mark: ITS_OUTPUT_MARK in every directory itsim writes, created first
 * in the temporary directory and locked (flock) while it is being written,
 * so that a later run can tell a stale one from one in use. */
static const char mark_done[] = ITS_OUTPUT_MARK_DONE;
static const char mark_partial[] = ITS_OUTPUT_MARK_PARTIAL;

static int mark_path(const char *dir, char *path, size_t n)
{
    return (size_t)snprintf(path, n, "%s/%s", dir, ITS_OUTPUT_MARK) < n;
}

/* Create and lock the mark in a new directory; the descriptor (the lock)
 * or -1. */
static int write_mark(const char *dir)
{
    char path[4096];
    int fd;
    if (!mark_path(dir, path, sizeof path))
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX) != 0 ||
        write(fd, mark_partial, sizeof mark_partial - 1) != (ssize_t)(sizeof mark_partial - 1)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The directory is complete: its mark (the locked descriptor fd) now says
 * so, and the stale-temporary clean-up will never take it. 0 or -1. */
static int finish_mark(int fd)
{
    return ftruncate(fd, 0) == 0 &&
                   pwrite(fd, mark_done, sizeof mark_done - 1, 0) == (ssize_t)(sizeof mark_done - 1)
               ? 0
               : -1;
}

/* A descriptor on dir's mark when it is a regular file with exactly the
 * text `text` (mark_done or mark_partial), else -1. */
static int open_mark(const char *dir, const char *text)
{
    const size_t tlen = strlen(text);
    char path[4096], buf[sizeof mark_done + sizeof mark_partial];
    struct stat sb;
    ssize_t got;
    int fd;
    if (!mark_path(dir, path, sizeof path))
        return -1;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (got = read(fd, buf, sizeof buf)) != (ssize_t)tlen || memcmp(buf, text, tlen) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Non-zero when the directory d is the directory of path or one of its
 * ancestors, compared by device and inode along path's resolved name. */
static int holds(const struct stat *d, const char *path)
{
    char *rp = realpath(path, NULL);
    char *slash;
    int found = 0;
    if (!rp)
        return 0;
    for (;;) {
        struct stat sb;
        if (stat(rp, &sb) == 0 && sb.st_dev == d->st_dev && sb.st_ino == d->st_ino) {
            found = 1;
            break;
        }
        slash = strrchr(rp, '/');
        if (!slash || (slash == rp && rp[1] == '\0'))
            break;
        slash[slash == rp] = '\0'; /* "/a" -> "/" */
    }
    free(rp); /* realpath allocates with the C library: not its__malloc */
    return found;
}

/* dir without trailing slashes into target; 0 when dir cannot be an output
 * directory (empty, too long, "/", ".", ".." or ending in one). */
static int output_name(const char *dir, char *target, size_t n)
{
    size_t len;
    if (!dir || !*dir)
        return 0;
    len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len >= n)
        return 0;
    memcpy(target, dir, len);
    target[len] = '\0';
    return !(strcmp(target, "/") == 0 || strcmp(target, ".") == 0 ||
             strcmp(target, "..") == 0 || (len >= 3 && strcmp(target + len - 3, "/..") == 0) ||
             (len >= 2 && strcmp(target + len - 2, "/.") == 0));
}

/* The checks of its_output_check on the normalised name; *state as
 * dir_state. */
static its_status check_output(const char *target, const its_output_opts *o, int *state,
                               char *err, size_t errlen)
{
    struct stat sb;
    size_t i;
    int fd;
    *state = dir_state(target);
    if (*state == 3) {
        const char *what = "a special file";
        if (lstat(target, &sb) == 0)
            what = S_ISLNK(sb.st_mode) ? "a symbolic link" : S_ISREG(sb.st_mode) ? "a file" : what;
        its__fmt(err, errlen, "%s: is %s, not a directory (give the name of a new or "
                     "empty directory for the output)", target, what);
        return ITS_EIO;
    }
    if (*state == 4) {
        its__fmt(err, errlen, "%s: cannot inspect the existing directory", target);
        return ITS_EIO;
    }
    if (*state >= 1 && !(o && o->overwrite)) {
        its__fmt(err, errlen, "%s: output directory exists and is not empty (--force "
                     "replaces a directory that itsim wrote)", target);
        return ITS_EIO;
    }
    if (*state < 0 || stat(target, &sb) != 0)
        return ITS_OK;
    if (holds(&sb, ".")) {
        its__fmt(err, errlen, "%s: not replaced: it is the working directory or one of its "
                     "parents", target);
        return ITS_EIO;
    }
    for (i = 0; o && o->keep && o->keep[i]; i++)
        if (holds(&sb, o->keep[i])) {
            its__fmt(err, errlen, "%s: not replaced: it holds the input file %s", target,
                         o->keep[i]);
            return ITS_EIO;
        }
    if (*state == 0)
        return ITS_OK;
    if (*state == 2) {
        its__fmt(err, errlen, "%s: refusing to replace a directory that contains "
                     "subdirectories", target);
        return ITS_EIO;
    }
    fd = open_mark(target, mark_done);
    if (fd < 0) {
        its__fmt(err, errlen, "%s: not replaced: itsim did not write it (it has no %s "
                     "mark); remove it yourself or choose another directory", target,
                     ITS_OUTPUT_MARK);
        return ITS_EIO;
    }
    close(fd);
    return ITS_OK;
}

its_status its_output_check(const char *dir, const its_output_opts *o, char *msg, size_t msglen)
{
    char target[4000];
    int state;
    if (!output_name(dir, target, sizeof target)) {
        its__fmt(msg, msglen, "%s: cannot be used as an output directory",
                     dir && *dir ? dir : "(empty name)");
        return ITS_EINVAL;
    }
    return check_output(target, o, &state, msg, msglen);
}

/* Remove the temporary directories TARGET.tmp.XXXXXX left by writers that
 * were killed: only those with the mark, no subdirectories, and no writer
 * holding the mark's lock. */
static void remove_stale(const char *target)
{
    char parent[4096], path[4096];
    const char *base = strrchr(target, '/');
    size_t blen;
    DIR *d;
    struct dirent *e;
    if (base) {
        its__fmt(parent, sizeof parent, "%.*s", base == target ? 1 : (int)(base - target),
                 target);
        base++;
    } else {
        its__fmt(parent, sizeof parent, ".");
        base = target;
    }
    blen = strlen(base);
    d = opendir(parent);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        const char *sfx = e->d_name + blen;
        struct stat sb;
        int fd;
        if (strncmp(e->d_name, base, blen) != 0 || strncmp(sfx, ".tmp.", 5) != 0 ||
            strlen(sfx + 5) != 6 ||
            (size_t)snprintf(path, sizeof path, "%s/%s", parent, e->d_name) >= sizeof path ||
            lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
            continue;
        fd = open_mark(path, mark_partial);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && dir_state(path) == 1)
            remove_flat_dir(path);
        close(fd);
    }
    closedir(d);
}

/* Write into a new temporary directory with fill, then put it in place. */
static its_status write_dir(const char *target, int state, const its_output_opts *o,
                            its__fill_fn fill, void *ctx, char *err)
{
    char tmp[4096], old[4096], eb[128];
    mode_t fmode = 0644;
    its_status st;
    int lock;

    its__fmt(tmp, sizeof tmp, "%s.tmp.XXXXXX", target);
    if (!mkdtemp(tmp)) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(err, ITS__ERRLEN, "%s: cannot create a temporary directory: %s", tmp, eb);
        return ITS_EIO;
    }
    lock = write_mark(tmp);
    if (lock < 0) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(err, ITS__ERRLEN, "%s: cannot write the %s mark: %s", tmp,
                     ITS_OUTPUT_MARK, eb);
        remove_flat_dir(tmp);
        return ITS_EIO;
    }
    st = fill(ctx, tmp, &fmode, err);
    if (is_cancelled(o))
        st = ITS_ECANCELLED;
    if (st == ITS_ECANCELLED)
        its__fmt(err, ITS__ERRLEN, "%s: cancelled; nothing written", target);
    /* mkdtemp makes 0700: give the directory the file permissions the
     * umask allowed, plus search permission where reading is allowed. */
    if (st == ITS_OK &&
        chmod(tmp, fmode | ((fmode & 0444) >> 2)) != 0) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(err, ITS__ERRLEN, "%s: chmod failed: %s", tmp, eb);
        st = ITS_EIO;
    }
    if (st == ITS_OK && finish_mark(lock) != 0) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(err, ITS__ERRLEN, "%s: cannot complete the %s mark: %s", tmp,
                     ITS_OUTPUT_MARK, eb);
        st = ITS_EIO;
    }
    if (st != ITS_OK) {
        remove_flat_dir(tmp);
        close(lock);
        return st;
    }

    if (state == 1) {
        /* Move the old directory aside, put the new one in place, then
         * delete the old one: at no time is there a partial output. */
        its__fmt(old, sizeof old, "%s.old.XXXXXX", target);
        if (!mkdtemp(old) || rename(target, old) != 0) {
            its__errno_text(errno, eb, sizeof eb);
            its__fmt(err, ITS__ERRLEN, "%s: cannot move the old output aside: %s", target, eb);
            rmdir(old);
            remove_flat_dir(tmp);
            close(lock);
            return ITS_EIO;
        }
        if (rename(tmp, target) != 0) {
            its__errno_text(errno, eb, sizeof eb);
            its__fmt(err, ITS__ERRLEN, "%s: cannot rename %s: %s", target, tmp, eb);
            if (rename(old, target) != 0)
                its__fmt(err, ITS__ERRLEN, "%s: cannot rename %s (%s); the previous output "
                              "is in %s", target, tmp, eb, old);
            remove_flat_dir(tmp);
            close(lock);
            return ITS_EIO;
        }
        close(lock);
        if (remove_flat_dir(old) != 0) {
            its__fmt(err, ITS__ERRLEN, "%s: written, but the previous output could not be "
                          "removed from %s", target, old);
            return ITS_EIO;
        }
        return ITS_OK;
    }
    /* Missing or empty: rename() replaces an empty directory atomically. */
    if (rename(tmp, target) != 0) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(err, ITS__ERRLEN, "%s: cannot rename %s: %s", target, tmp, eb);
        remove_flat_dir(tmp);
        close(lock);
        return ITS_EIO;
    }
    close(lock);
    return ITS_OK;
}

its_status its__write_dir_atomic(const char *dir, const its_output_opts *o, its__fill_fn fill,
                                 void *ctx, char *err)
{
    char target[4000];
    int state;
    its_status st;

    if (!dir || !*dir) {
        its__fmt(err, ITS__ERRLEN, "no output directory given");
        return ITS_EINVAL;
    }
    if (!output_name(dir, target, sizeof target)) {
        its__fmt(err, ITS__ERRLEN, "%s: cannot be used as an output directory", dir);
        return ITS_EINVAL;
    }
    st = check_output(target, o, &state, err, ITS__ERRLEN);
    if (st != ITS_OK)
        return st;
    if (is_cancelled(o)) {
        its__fmt(err, ITS__ERRLEN, "%s: cancelled; nothing written", target);
        return ITS_ECANCELLED;
    }
    remove_stale(target);
    return write_dir(target, state, o, fill, ctx, err);
}

/* ---- comparison files -------------------------------------------------------- */

typedef struct cmp_files {
    const its_result *const *res;
    const char *const *labels, *const *ids;
    size_t n;
} cmp_files;


void its__csv_text(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* comparison.csv: one row per arm. */
static void write_cmp_csv(const void *ctx, FILE *fp)
{
    const cmp_files *cf = ctx;
    size_t i;
    fprintf(fp, "arm,label,best_response,best_change_pct,pfs,pfs_event,worst_grade,worst_term,"
                "os,death_cause,doses_planned,doses_given,doses_held,doses_reduced\n");
    for (i = 0; i < cf->n; i++) {
        its_clinical_summary s;
        if (!cf->res[i] || its_result_get_clinical(cf->res[i], &s) != ITS_OK || !s.available)
            continue;
        fprintf(fp, "%s,", cf->ids[i]);
        its__csv_text(fp, cf->labels[i]);
        if (s.recist_available) {
            fprintf(fp, ",%s,", its_response_name(s.recist.best));
            if (!isnan(s.recist.best_change))
                fprintf(fp, "%.4g", 100.0 * s.recist.best_change);
            fprintf(fp, ",%.10g,%s", s.recist.pfs,
                    s.recist.pfs_event == 1 ? "progression" : s.recist.pfs_event == 2 ? "death"
                                                                                : "censored");
        } else {
            fprintf(fp, ",,,,");
        }
        fprintf(fp, ",%d,%s,%.10g,%s,%zu,%zu,%zu,%zu\n", s.worst_any,
                s.worst_any > 0 ? its_ae_term_id(s.worst_term) : "none", s.os,
                s.death_cause == 1 ? "disease" : s.death_cause == 2 ? "treatment" : "none",
                s.doses_planned, s.doses_given, s.doses_held, s.doses_reduced);
    }
}

/* summary.json of a comparison: the arms, their files and endpoints. */
static void write_cmp_json(const void *ctx, FILE *fp)
{
    const cmp_files *cf = ctx;
    size_t i;
    fprintf(fp, "{\n  \"itsim_version\": ");
    its__json_string(fp, its_version());
    fprintf(fp, ",\n  \"comparison\": ");
    its__json_string(fp, cf->n && cf->res[0] ? cf->res[0]->plan.source : "");
    fprintf(fp, ",\n  \"arms\": [");
    for (i = 0; i < cf->n; i++) {
        fprintf(fp, "%s\n    {\"id\": ", i ? "," : "");
        its__json_string(fp, cf->ids[i]);
        fprintf(fp, ", \"label\": ");
        its__json_string(fp, cf->labels[i]);
        fprintf(fp, ", \"files\": \"%s.*\", \"status\": ", cf->ids[i]);
        if (!cf->res[i]) {
            fprintf(fp, "\"not run\"}");
            continue;
        }
        its__json_string(fp, cf->res[i]->status == ITS_OK ? "ok" : its_status_name(cf->res[i]->status));
        write_json_clinical(cf->res[i], fp);
        fputc('}', fp);
    }
    fprintf(fp, "\n  ]\n}\n");
}

its_status its__write_comparison_files(const its_result *const *res, const char *const *labels,
                                       const char *const *ids, size_t n, const char *tmp,
                                       char *err)
{
    cmp_files cf;
    its_status st;
    its__c_locale g;
    cf.res = res;
    cf.labels = labels;
    cf.ids = ids;
    cf.n = n;
    its__c_locale_enter(&g);
    st = write_any(tmp, "", "comparison.csv", write_cmp_csv, &cf, NULL, err);
    if (st == ITS_OK)
        st = write_any(tmp, "", "summary.json", write_cmp_json, &cf, NULL, err);
    its__c_locale_leave(&g);
    return st;
}

its_status its_result_write(const its_result *res, const char *dir, its_output_opts *o)
{
    single_ctx ctx;
    its_status st;
    if (!res)
        return ITS_EINVAL;
    if (res->err)
        res->err[0] = '\0';
    ctx.res = res;
    if (its__figs_begin(&ctx.figs, o, 16, res->err) != ITS_OK)
        return ITS_ENOMEM;
    st = its__write_dir_atomic(dir, ctx.figs.opts, fill_single, &ctx, res->err);
    its__figs_end(&ctx.figs);
    return st;
}

its_status its_result_write_dir(const its_result *res, const char *dir,
                                int overwrite)
{
    its_output_opts o;
    its_output_opts_default(&o);
    o.overwrite = overwrite;
    o.render = 0;
    return its_result_write(res, dir, &o);
}
