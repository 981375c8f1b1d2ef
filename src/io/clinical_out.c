/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: clinical read-outs of a run as text: the summary section and the
 * CSV files assessments.csv, adverse_events.csv and clinical.csv
 * (docs/clinical.md describes the columns). */
#include "io/io.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* x with `prec` decimals (a sign when `sign`), or "-" for NaN; into buf. */
static const char *num(char *buf, size_t n, int sign, int prec, double x)
{
    if (isnan(x))
        its__fmt(buf, n, "-");
    else if (sign)
        its__fmt(buf, n, "%+.*f", prec, x);
    else
        its__fmt(buf, n, "%.*f", prec, x);
    return buf;
}

void its__clin_print(const its_result *res, FILE *fp)
{
    its_clinical_summary s;
    const its_recist_endpoints *e = &s.recist;
    const char *tu = res->plan.model->time_unit;
    char b1[32], b2[32], b3[32];
    int k;

    if (its_result_get_clinical(res, &s) != ITS_OK || !s.available)
        return;
    fprintf(fp, "\nclinical read-outs (RECIST 1.1, CTCAE v5.0; docs/clinical.md)\n");
    if (s.recist_available) {
        fprintf(fp, "  lesions        %d target, %d non-target; baseline sum %.1f mm; "
                    "%zu assessments every %g %s\n",
                e->n_targets, e->n_nontargets, e->baseline_mm, s.n_assessments,
                res->plan.clin.assess_every, tu);
        fprintf(fp, "  best response  %s%s; best change in the sum %s %%; nadir %.1f mm\n",
                its_response_name(e->best),
                res->plan.clin.recist.confirm_after > 0.0 && e->responder ? " (confirmed)" : "",
                num(b1, sizeof b1, 1, 1, 100.0 * e->best_change), e->nadir_mm);
        fprintf(fp, "  response       time to response %s %s, duration %s %s%s%s\n",
                num(b1, sizeof b1, 0, 0, e->time_to_response), tu,
                num(b2, sizeof b2, 0, 0, e->response_duration), tu,
                e->response_censored ? " (ongoing)" : "", e->durable ? ", durable" : "");
        fprintf(fp, "  progression    PFS %s %s (%s)\n", num(b3, sizeof b3, 0, 0, e->pfs), tu,
                e->pfs_event == 1 ? "progression" : e->pfs_event == 2 ? "death" : "censored");
    }
    fprintf(fp, "  survival       %s %s (%s)\n", num(b1, sizeof b1, 0, 0, s.os), tu,
            s.death_cause == 1   ? "died of the tumour (lethal burden)"
            : s.death_cause == 2 ? "treatment-related death"
                                 : "alive, censored");
    if (s.death_cause == 2)
        fprintf(fp, "                 grade 5: %s at %.2f %s\n", its_ae_term_name(s.death_term),
                s.death, tu);
    fprintf(fp, "  worst grades  ");
    for (k = 0; k < ITS_AE_NTERMS; k++)
        if (s.worst_grade[k] >= 0)
            fprintf(fp, " %s %d;", its_ae_term_id((its_ae_term)k), s.worst_grade[k]);
    fprintf(fp, "\n  doses          %zu planned, %zu given, %zu reduced, %zu held (%zu after "
                "progression), %zu not reached\n",
            s.doses_planned, s.doses_given, s.doses_reduced, s.doses_held,
            s.doses_after_progression, s.doses_not_reached);
}

void its__write_assessments(const its_result *res, FILE *fp)
{
    const its__clinrun *c = &res->clin;
    const its_recist *r = its_result_recist(res);
    size_t i, j;
    fprintf(fp, "t,assessment");
    for (j = 0; j < c->n_lesions; j++)
        fprintf(fp, ",%s_mm,role_%zu", res->plan.model->observables[c->lesion_obs[j]].name, j + 1);
    fprintf(fp, ",sum_mm,nadir_mm,change_baseline_pct,change_nadir_pct,target,nontarget,"
                "new_lesion,overall\n");
    if (!r)
        return;
    for (i = 0; i < its_recist_count(r); i++) {
        its_recist_assessment a;
        its_recist_get_assessment(r, i, &a);
        fprintf(fp, "%.10g,%s", a.t, i == 0 ? "baseline" : "scheduled");
        for (j = 0; j < c->n_lesions; j++) {
            const int role = its_recist_is_target(r, j);
            /* as measured: below the detection limit a lesion reads 0, as
             * RECIST took it (tools/crosscheck_clinical.py, recist-meas) */
            const double d = c->assess_d[i * c->n_lesions + j];
            fprintf(fp, ",%.6g,%s", d >= res->plan.clin.recist.detect_mm && d > 0.0 ? d : 0.0,
                    role == 1 ? "target" : role == 0 ? "non-target" : "absent");
        }
        fprintf(fp, ",%.6g,%.6g,%.4g,", a.sum_mm, a.nadir_mm, 100.0 * a.change_baseline);
        if (!isnan(a.change_nadir))
            fprintf(fp, "%.4g", 100.0 * a.change_nadir);
        fprintf(fp, ",%s,%s,%d,%s\n", i == 0 ? "baseline" : its_response_name(a.target),
                i == 0 ? "baseline" : its_response_name(a.nontarget), a.new_lesion,
                i == 0 ? "baseline" : its_response_name(a.overall));
    }
}

void its__write_adverse(const its_result *res, FILE *fp)
{
    const its_ctcae *g = its_result_ctcae(res);
    size_t i;
    fprintf(fp, "term,ctcae_term,grade,onset,worst_at,end,ongoing\n");
    if (!g)
        return;
    for (i = 0; i < its_ctcae_episode_count(g); i++) {
        its_ae_episode e;
        its_ctcae_get_episode(g, i, &e);
        fprintf(fp, "%s,\"%s\",%d,%.10g,%.10g,%.10g,%d\n", its_ae_term_id(e.term),
                its_ae_term_name(e.term), e.grade, e.onset, e.worst_at, e.end, e.ongoing);
    }
}

void its__write_monitor(const its_result *res, FILE *fp)
{
    const its__clinrun *c = &res->clin;
    const its_model_def *m = res->plan.model;
    size_t i, j;
    int k;
    fprintf(fp, "t");
    for (j = 0; j < c->n_obs; j++)
        fprintf(fp, ",%s", m->observables[j].name);
    for (k = 0; k < ITS_AE_NTERMS; k++)
        fprintf(fp, ",grade_%s", its_ae_term_id((its_ae_term)k));
    fputc('\n', fp);
    for (i = 0; i < c->n_mon; i++) {
        fprintf(fp, "%.10g", c->mon_t[i]);
        for (j = 0; j < c->n_obs; j++)
            fprintf(fp, ",%.6g", c->mon_obs[i * c->n_obs + j]);
        for (k = 0; k < ITS_AE_NTERMS; k++) {
            const int gr = c->mon_grade[i * ITS_AE_NTERMS + (size_t)k];
            if (gr >= 0)
                fprintf(fp, ",%d", gr);
            else
                fputs(",", fp);
        }
        fputc('\n', fp);
    }
}

void its__write_doses(const its_result *res, FILE *fp)
{
    const its__plan *p = &res->plan;
    const its_model_def *m = p->model;
    size_t i;
    fprintf(fp, "t,input,kind,planned,unit,given,rule\n");
    for (i = 0; i < p->n_doses; i++) {
        const its__dose *d = &p->doses[i];
        const its_input_def *in = &m->inputs[d->input];
        const double g = res->given ? res->given[i] : (double)NAN;
        fprintf(fp, "%.10g,%s,%s,%.10g,", d->t, in->name,
                d->infusion ? "infusion" : d->has_release ? "release" : "bolus",
                d->infusion ? d->rate : d->amount);
        if (d->infusion)
            fprintf(fp, "(%s)/%s", in->unit, m->time_unit);
        else
            fputs(in->unit, fp);
        if (isnan(g))
            fputs(",,", fp);
        else
            fprintf(fp, ",%.6g,", g);
        if (res->rule_of && res->rule_of[i] >= 0)
            fprintf(fp, "\"%s\"", p->rules[res->rule_of[i]].text);
        else if (res->rule_of && res->rule_of[i] == ITS__HELD_PD)
            fputs("progression", fp);
        fputc('\n', fp);
    }
}
