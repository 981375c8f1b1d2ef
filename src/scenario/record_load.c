/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: loading a patient record (the sections in dependency order, the
 * prior population), its accessors and its timeline (itsim/record.h). */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { R_PATIENT, R_LESIONS, R_ASSESS, R_LABS, R_LIMITS, R_BIOMARKERS, R_TREATMENTS,
       R_DECISION, R_ERROR, R_FIT, R_NSEC };
static const char *const sections[R_NSEC] = {
    "patient", "lesions", "assessments", "labs", "reference_limits", "biomarkers",
    "treatments", "decision", "error", "fit"};

void its_record_free(its_record *r)
{
    if (!r)
        return;
    its_trial_free(r->prior);
    its_scenario_free(r->window);
    its__free(r->obs);
    its__free(r->labs);
    its__free(r->scan_t);
    its__free(r->item_of);
    its__free(r->prior_path);
    its__free(r->name);
    its__free(r);
}

/* The record and its prior on one parameter set (the plausibility runs on
 * the prior's scenario, the likelihood on the record's): a record without
 * one takes the prior's. */
static its_status same_set(const its__yctx *c, its_record *r, int node)
{
    const char *def = r->prior->model->default_set ? r->prior->model->default_set : "";
    const char *ps = r->prior->sc->set.text ? r->prior->sc->set.text : def;
    if (!r->set[0]) {
        its__fmt(r->set, sizeof r->set, "%s", ps);
        return ITS_OK;
    }
    if (strcmp(r->set, ps) != 0)
        return its__yc_fail(c, ITS_EINVAL, node, "patient.prior",
                            "the prior population is for parameter set '%s', the record for "
                            "'%s' (patient.parameter_set): use a prior of the record's set",
                            ps[0] ? ps : "(the model's defaults)", r->set);
    return ITS_OK;
}

/* patient.prior: a trial file whose population is the prior (relative to
 * the record's folder), read with the loader. */
static its_status load_prior(const its__yctx *c, its_record *r, int node, const its__loader *ld)
{
    const char *rel;
    char path[4096], why[ITS__ERRLEN], *buf = NULL;
    size_t len = 0;
    its_status st = ITS_OK;
    if (!(rel = its__yc_text(c, node, "patient.prior", &st)))
        return st;
    its__sc_relative_path(r->name, rel, path, sizeof path);
    if (!(r->prior_path = its__strdup(path)))
        return its__yc_nomem(c);
    if ((st = ld->read_file(path, &buf, &len, why, sizeof why)) != ITS_OK)
        return its__yc_fail(c, st, node, "patient.prior", "%s", why);
    st = its__trial_load_text(buf, len, path, ld, &r->prior, why, sizeof why);
    its__free(buf);
    if (st != ITS_OK)
        return its__yc_fail(c, st, node, "patient.prior", "%s", why);
    if (r->prior->pop == NULL || strcmp(r->prior->model->name, "tme") != 0)
        return its__yc_fail(c, ITS_EPARSE, node, "patient.prior",
                            "%s: a trial file on tme with a population: section (the prior)",
                            path);
    return same_set(c, r, node);
}

/* The root mapping's sections (unknown keys refused); patient, lesions and
 * assessments are required. */
static its_status find_sections(const its__yctx *c, int root, int *sec)
{
    its_status st;
    if (!root)
        return its__yc_fail(c, ITS_EPARSE, 0, "record", "the file is empty");
    if ((st = its__yc_keys(c, root, "record", sections, R_NSEC, sec)) != ITS_OK)
        return st;
    if (!sec[R_PATIENT] || !sec[R_LESIONS] || !sec[R_ASSESS])
        return its__yc_fail(c, ITS_EPARSE, root, !sec[R_PATIENT] ? "patient" :
                                                 !sec[R_LESIONS] ? "lesions" : "assessments",
                            "missing section (a record needs patient, lesions and assessments)");
    return ITS_OK;
}

static its_status read_sections(its_record *r, const its__ydoc *doc, const its__loader *ld,
                                char *msg, size_t msglen)
{
    its__yctx c;
    int sec[R_NSEC], prior = 0;
    its_status st;
    if ((st = its__yc_begin(&c, doc, its_model_find("tme"), r->name, msg, msglen, 1,
                            "record")) != ITS_OK ||
        (st = find_sections(&c, its__ydoc_root(doc), sec)) != ITS_OK ||
        (st = its__rec_patient(&c, sec[R_PATIENT], r, &prior)) != ITS_OK ||
        (st = its__rec_lesions(&c, sec[R_LESIONS], r)) != ITS_OK ||
        (st = its__rec_assessments(&c, sec[R_ASSESS], r)) != ITS_OK ||
        (st = its__rec_decision(&c, sec[R_DECISION], r)) != ITS_OK ||
        (st = its__rec_labs(&c, sec[R_LABS], sec[R_LIMITS], r)) != ITS_OK ||
        (sec[R_BIOMARKERS] && (st = its__rec_biomarkers(&c, sec[R_BIOMARKERS], r)) != ITS_OK) ||
        (st = its__rec_read_error(&c, sec[R_ERROR], r)) != ITS_OK ||
        (st = its__rec_read_fit(&c, sec[R_FIT], r)) != ITS_OK)
        return st;
    if (prior && (st = load_prior(&c, r, prior, ld)) != ITS_OK)
        return st;
    if (its_scenario_create(&r->window, NULL, 0) != ITS_OK)
        return its__yc_nomem(&c);
    if ((st = its__rec_treatments(&c, sec[R_TREATMENTS], r)) != ITS_OK ||
        (st = its__rec_window(&c, r, sec[R_PATIENT], sec[R_DECISION])) != ITS_OK)
        return st;
    return ITS_OK;
}

static int by_time_lab(const void *a, const void *b)
{
    const its__rec_lab *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : (int)x->kind - (int)y->kind;
}

its_status its__record_load_text(const char *text, size_t len, const char *name,
                                 const its__loader *ld, its_record **out, char *msg,
                                 size_t msglen)
{
    its__ydoc *doc = NULL;
    its_record *r;
    int line = 0, col = 0;
    char why[512];
    its_status st;
    its__fmt(msg, msglen, "%s", "");
    if (out)
        *out = NULL;
    if (!text || !ld || !out) {
        its__fmt(msg, msglen, "%s", "its_record_load: NULL argument");
        return ITS_EINVAL;
    }
    if (!(r = its__calloc(1, sizeof *r)) || !(r->name = its__strdup(name ? name : "record"))) {
        its_record_free(r);
        its__fmt(msg, msglen, "%s", "out of memory");
        return ITS_ENOMEM;
    }
    r->age = (double)NAN;
    its__rec_error_defaults(&r->err_model);
    r->ld = ld;
    r->fit = (its__rec_fit){.chains = 4, .iterations = 12000, .warmup = 3000, .draws = 200,
                            .seed = 1};
    why[0] = '\0';
    st = ld->parse(text, len, &doc, why, sizeof why, &line, &col);
    if (st != ITS_OK)
        its__fmt(msg, msglen, "%s:%d:%d: record: %s", r->name, line, col, why);
    else
        st = read_sections(r, doc, ld, msg, msglen);
    its__ydoc_free(doc);
    if (st == ITS_ENOMEM)
        its__fmt(msg, msglen, "%s", "out of memory");
    if (st != ITS_OK) {
        its_record_free(r);
        return st;
    }
    if (r->n_labs > 1)
        qsort(r->labs, r->n_labs, sizeof *r->labs, by_time_lab);
    *out = r;
    return ITS_OK;
}

const char *its_record_id(const its_record *r)
{
    return r ? r->id : "";
}

size_t its_record_lesion_count(const its_record *r)
{
    return r ? r->n_lesions : 0;
}

const char *its_record_lesion_id(const its_record *r, size_t k)
{
    return r && k < r->n_lesions ? r->lesions[k].id : NULL;
}

const char *its_record_lesion_site(const its_record *r, size_t k)
{
    return r && k < r->n_lesions ? r->lesions[k].site : NULL;
}

double its_record_decision_day(const its_record *r)
{
    return r ? r->t_dec : (double)NAN;
}

const char *its_record_notes(const its_record *r)
{
    return r ? r->notes : "";
}


/* One line of the timeline: what happens at day t. */
typedef struct event {
    double t;
    int kind;   /* 0 scan, 1 lab day, 2 administration, 3 decision */
    size_t i;   /* scan index, first lab of the day, dose index */
} event;

static int by_time_event(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->kind != y->kind ? x->kind - y->kind : (x->i < y->i ? -1 : x->i > y->i);
}

static void print_event(const its_record *r, const its__plan *plan, const event *e, FILE *fp)
{
    static const char *const lab_unit[ITS__LAB_N] = {"1e9/L", "1e9/L", "1e9/L", "x ULN",
                                                     "x ULN", "x ULN", "x ULN"};
    char date[32];
    size_t k;
    {
        long m = lround(e->t * 1440.0) + r->t0_min;
        long d = m >= 0 ? m / 1440 : -((-m + 1439) / 1440);
        its__civil_text(r->t0_day + d, (int)(m - d * 1440), date, sizeof date);
    }
    fprintf(fp, "day %8.2f  %-16s  ", e->t, date);
    if (e->kind == 0) {
        fprintf(fp, "scan %zu:", e->i + 1);
        for (k = 0; k < r->n_obs; k++)
            if (r->obs[k].t == r->scan_t[e->i])
                fprintf(fp, " %s %s%g mm", r->lesions[r->obs[k].lesion].id,
                        r->obs[k].censored ? "< " : "", r->obs[k].mm);
    } else if (e->kind == 1) {
        fprintf(fp, "labs:");
        for (k = e->i; k < r->n_labs && r->labs[k].t == e->t; k++)
            fprintf(fp, " %s %.4g %s", its__lab_names[r->labs[k].kind], r->labs[k].value,
                    lab_unit[r->labs[k].kind]);
    } else if (e->kind == 2) {
        const its__dose *d = &plan->doses[e->i];
        const sitem *it = &r->window->therapy[d->item];
        fprintf(fp, "%s %s %s%s%s (treatments[%zu]; %g %s into %s)",
                it->f[T_AGENT].text, it->f[T_DOSE].text ? it->f[T_DOSE].text : "",
                it->f[T_ROUTE].text ? it->f[T_ROUTE].text : "iv",
                it->f[T_CARRIER].text ? " in " : "",
                it->f[T_CARRIER].text ? it->f[T_CARRIER].text : "", r->item_of[d->item],
                d->infusion ? d->rate * (isfinite(d->duration) ? d->duration : 0.0) : d->amount,
                plan->model->inputs[d->input].unit, plan->model->inputs[d->input].name);
    } else {
        fprintf(fp, "decision: %s over %g d, P(grade >= 3) at most %g %%",
                r->objective ? "progression-free survival" : "objective response", r->horizon,
                100.0 * r->max_grade3);
    }
    fputc('\n', fp);
}

its_status its_record_print_timeline(const its_record *r, FILE *fp)
{
    its__plan plan;
    event *ev;
    size_t n = 0, k, cap;
    its_status st;
    char date[32];
    if (!r || !fp)
        return ITS_EINVAL;
    if ((st = its__sc_resolve(r->window, 1, &plan)) != ITS_OK)
        return st;
    cap = r->n_scans + r->n_labs + plan.n_doses + 1;
    if (!(ev = its__calloc(cap, sizeof *ev))) {
        its__plan_clear(&plan);
        return ITS_ENOMEM;
    }
    for (k = 0; k < r->n_scans; k++)
        ev[n++] = (event){r->scan_t[k], 0, k};
    for (k = 0; k < r->n_labs; k++)
        if (k == 0 || r->labs[k].t != r->labs[k - 1].t)
            ev[n++] = (event){r->labs[k].t, 1, k};
    for (k = 0; k < plan.n_doses; k++)
        if (plan.doses[k].t <= r->t_dec)
            ev[n++] = (event){plan.doses[k].t, 2, k};
    ev[n++] = (event){r->t_dec, 3, 0};
    qsort(ev, n, sizeof *ev, by_time_event);
    its__civil_text(r->t0_day, r->t0_min, date, sizeof date);
    fprintf(fp, "patient %s: %zu lesions, t0 = %s (the baseline scan); days after t0\n",
            r->id[0] ? r->id : "(no id)", r->n_lesions, date);
    for (k = 0; k < r->n_lesions; k++)
        fprintf(fp, "  lesion %zu: %s, %s%s\n", k + 1, r->lesions[k].id, r->lesions[k].site,
                r->lesions[k].target ? " (target)" : "");
    for (k = 0; k < n; k++)
        print_event(r, &plan, &ev[k], fp);
    if (r->notes[0])
        fprintf(fp, "notes:\n%s", r->notes);
    its__free(ev);
    its__plan_clear(&plan);
    return ferror(fp) ? ITS_EIO : ITS_OK;
}
