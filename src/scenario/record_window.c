/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: a patient record's treatments, decision, error models and fit
 * settings, the scenario of the observed window (tme:N from the baseline
 * scan t0 to the decision, with the treatments given), the prior, and the
 * record's loading, timeline and accessors (docs/personalise.md). */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A scenario value: text with the position of node in the record (the
 * record's file names it in messages). */
static its_status put(const its__yctx *c, const its_record *r, sval *v, int node,
                      const char *text)
{
    its__sval_clear(v);
    if (!(v->text = its__strdup(text)))
        return its__yc_nomem(c);
    if (node)
        its__ynode_pos(c->doc, node, &v->line, &v->col);
    v->file = r->name;
    return ITS_OK;
}

/* The scalar at node copied into v. */
static its_status put_node(const its__yctx *c, const its_record *r, sval *v, int node,
                           const char *key)
{
    its_status st = ITS_OK;
    const char *s = its__yc_text(c, node, key, &st);
    return s ? put(c, r, v, node, s) : st;
}

/* treatments[i] keys: the therapy keys of docs/scenario.md that the
 * window passes on, and the dates. */
enum { TR_AGENT, TR_ROUTE, TR_LESION, TR_DOSE, TR_DURATION, TR_CARRIER, TR_RELEASE,
       TR_RELEASE_TIME, TR_RELEASE_SHAPE, TR_BURST, TR_EVERY, TR_COUNT, TR_DATE, TR_DATES,
       TR_START, TR_UNTIL, TR_N };
static const char *const tr_keys[TR_N] = {
    "agent", "route", "lesion", "dose", "duration", "carrier", "release", "release_time",
    "release_shape", "burst", "every", "count", "date", "dates", "start", "until"};
static const int tr_field[TR_EVERY + 2] = {T_AGENT, T_ROUTE, T_LESION, T_DOSE, T_DURATION,
                                          T_CARRIER, T_RELEASE, T_RELEASE_TIME,
                                          T_RELEASE_SHAPE, T_BURST, T_EVERY, T_COUNT};

/* A treatment date's day after t0 (into text "D d"), inside [0, t_dec]. */
static its_status dose_day(const its__yctx *c, its_record *r, int node, const char *key,
                           double *t, char *text, size_t len)
{
    its_status st = its__rec_date(c, r, node, key, t);
    if (st != ITS_OK)
        return st;
    if (*t < 0.0)
        return its__yc_fail(c, ITS_ERANGE, node, key,
                            "before the baseline scan (t0): a record starts with a scan before "
                            "its first treatment");
    if (*t > r->t_dec + 1e-9)
        return its__yc_fail(c, ITS_ERANGE, node, key,
                            "after the decision (day %g); the decision chooses what comes next",
                            r->t_dec);
    its__fmt(text, len, "%.17g d", *t);
    return ITS_OK;
}

/* One therapy item of the window from treatments[i] at[] with its start
 * (a date node) into sc->therapy[n]. */
static its_status add_item(const its__yctx *c, its_record *r, const int *at, size_t i,
                           int date, size_t n)
{
    its_scenario *sc = r->window;
    sitem *it = &sc->therapy[n];
    char key[96], text[64];
    double t;
    int k;
    its_status st;
    its__ynode_pos(c->doc, date, &it->at.line, &it->at.col);
    it->at.file = r->name;
    r->item_of[n] = i;
    for (k = 0; k <= TR_COUNT; k++) {
        if (!at[k] || k == TR_LESION)
            continue;
        its__fmt(key, sizeof key, "treatments[%zu].%s", i, tr_keys[k]);
        if ((st = put_node(c, r, &it->f[tr_field[k]], at[k], key)) != ITS_OK)
            return st;
    }
    if (at[TR_LESION]) {
        const char *s;
        size_t les;
        its__fmt(key, sizeof key, "treatments[%zu].lesion", i);
        if (!(s = its__yc_text(c, at[TR_LESION], key, &st)))
            return st;
        for (les = 0; les < r->n_lesions && strcmp(r->lesions[les].id, s) != 0; les++)
            ;
        if (les == r->n_lesions)
            return its__yc_fail(c, ITS_ENOTFOUND, at[TR_LESION], key, "no lesion '%s' in lesions:", s);
        its__fmt(text, sizeof text, "%zu", les + 1);
        if ((st = put(c, r, &it->f[T_LESION], at[TR_LESION], text)) != ITS_OK)
            return st;
    }
    its__fmt(key, sizeof key, "treatments[%zu].%s", i, at[TR_START] == date ? "start" : "date");
    if ((st = dose_day(c, r, date, key, &t, text, sizeof text)) != ITS_OK ||
        (st = put(c, r, &it->f[T_START], date, text)) != ITS_OK)
        return st;
    if (at[TR_UNTIL]) {
        its__fmt(key, sizeof key, "treatments[%zu].until", i);
        if ((st = dose_day(c, r, at[TR_UNTIL], key, &t, text, sizeof text)) != ITS_OK ||
            (st = put(c, r, &it->f[T_UNTIL], at[TR_UNTIL], text)) != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* The last administration of a start/every/count series must not pass the
 * decision (a recorded dose after it would be in the future). */
static its_status series_end(const its__yctx *c, its_record *r, const int *at, size_t i)
{
    its_status st = ITS_OK;
    const char *ev, *cn;
    char key[96];
    double start, every;
    long count;
    if (!at[TR_COUNT] || !at[TR_EVERY])
        return ITS_OK;
    its__fmt(key, sizeof key, "treatments[%zu].count", i);
    if (!(ev = its__yc_text(c, at[TR_EVERY], key, &st)) ||
        !(cn = its__yc_text(c, at[TR_COUNT], key, &st)))
        return st;
    if (its__rec_date(c, r, at[TR_START], key, &start) != ITS_OK ||
        its_quantity_parse(ev, "d", &every, NULL, 0) != ITS_OK)
        return ITS_OK; /* the window's resolution reports it */
    count = strtol(cn, NULL, 10);
    if (count > 0 && start + (double)(count - 1) * every > r->t_dec + 1e-9)
        return its__yc_fail(c, ITS_ERANGE, at[TR_COUNT], key,
                            "the last of %ld administrations (day %g) is after the decision "
                            "(day %g): record the doses given", count,
                            start + (double)(count - 1) * every, r->t_dec);
    return ITS_OK;
}

/* The items of treatments[i]: one per date of `dates`, else one for
 * `date` or for the series from `start`. */
static its_status read_treatment(const its__yctx *c, its_record *r, int item, size_t i,
                                 size_t *n)
{
    char key[96];
    int at[TR_N], when;
    size_t j;
    its_status st;
    its__fmt(key, sizeof key, "treatments[%zu]", i);
    if ((st = its__yc_keys(c, item, key, tr_keys, TR_N, at)) != ITS_OK)
        return st;
    if (!at[TR_AGENT])
        return its__yc_fail(c, ITS_EPARSE, item, key, "a treatment needs 'agent' (itsim agents)");
    when = !!at[TR_DATE] + !!at[TR_DATES] + !!at[TR_START];
    if (when != 1)
        return its__yc_fail(c, ITS_EPARSE, item, key,
                            "give one of 'date', 'dates' (a list) or 'start' (with every and "
                            "count or until)");
    if ((at[TR_EVERY] || at[TR_COUNT] || at[TR_UNTIL]) && !at[TR_START])
        return its__yc_fail(c, ITS_EPARSE, at[TR_EVERY] ? at[TR_EVERY] : at[TR_COUNT] ? at[TR_COUNT] : at[TR_UNTIL],
                            key, "every, count and until go with 'start'");
    if (!at[TR_DATES])
        return (st = series_end(c, r, at, i)) != ITS_OK
                   ? st
                   : add_item(c, r, at, i, at[TR_DATE] ? at[TR_DATE] : at[TR_START], (*n)++);
    its__fmt(key, sizeof key, "treatments[%zu].dates", i);
    if ((st = its__yc_expect(c, at[TR_DATES], ITS__Y_SEQUENCE, key)) != ITS_OK)
        return st;
    if (its__ynode_size(c->doc, at[TR_DATES]) == 0)
        return its__yc_fail(c, ITS_EPARSE, at[TR_DATES], key, "an empty list of dates");
    for (j = 0; j < its__ynode_size(c->doc, at[TR_DATES]); j++)
        if ((st = add_item(c, r, at, i, its__ynode_item(c->doc, at[TR_DATES], j), (*n)++)) != ITS_OK)
            return st;
    return ITS_OK;
}

/* Number of window items treatments: makes (one per date of a list). */
static size_t item_count(const its__yctx *c, int node)
{
    size_t i, n = 0;
    for (i = 0; i < its__ynode_size(c->doc, node); i++) {
        int item = its__ynode_item(c->doc, node, i);
        int dates = its__ynode_get(c->doc, item, "dates");
        size_t k = dates ? its__ynode_size(c->doc, dates) : 0;
        n += k > 0 ? k : 1;
    }
    return n;
}

its_status its__rec_treatments(const its__yctx *c, int node, its_record *r)
{
    size_t i, n = 0, cap;
    its_status st;
    if (!node)
        return ITS_OK;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "treatments")) != ITS_OK)
        return st;
    cap = item_count(c, node);
    if (cap == 0)
        return ITS_OK;
    if (cap > 100000)
        return its__yc_fail(c, ITS_ERANGE, node, "treatments", "more than 100000 administrations");
    if (!(r->window->therapy = its__calloc(cap, sizeof *r->window->therapy)) ||
        !(r->item_of = its__calloc(cap, sizeof *r->item_of)))
        return its__yc_nomem(c);
    r->window->n_therapy = cap;
    for (i = 0; i < its__ynode_size(c->doc, node); i++)
        if ((st = read_treatment(c, r, its__ynode_item(c->doc, node, i), i, &n)) != ITS_OK)
            return st;
    return ITS_OK;
}

/* decision: {date, horizon, objective, max_grade3}: the date defaults to
 * the last assessment. */
its_status its__rec_decision(const its__yctx *c, int node, its_record *r)
{
    static const char *const keys[] = {"date", "horizon", "objective", "max_grade3"};
    int at[4];
    const char *s;
    its_status st = ITS_OK;
    r->t_dec = r->scan_t[r->n_scans - 1];
    r->horizon = 365.0;
    r->objective = 0;
    r->max_grade3 = 0.3;
    if (!node)
        return ITS_OK;
    if ((st = its__yc_keys(c, node, "decision", keys, 4, at)) != ITS_OK)
        return st;
    if (at[0]) {
        if ((st = its__rec_date(c, r, at[0], "decision.date", &r->t_dec)) != ITS_OK)
            return st;
        if (r->t_dec < r->scan_t[r->n_scans - 1])
            return its__yc_fail(c, ITS_ERANGE, at[0], "decision.date",
                                "before the last assessment (day %g)", r->scan_t[r->n_scans - 1]);
    }
    if (at[1]) {
        if ((st = its__yc_quantity(c, at[1], "decision.horizon", "d", &r->horizon)) != ITS_OK)
            return st;
        if (!(r->horizon >= 28.0 && r->horizon <= 3650.0))
            return its__yc_fail(c, ITS_ERANGE, at[1], "decision.horizon", "28 days to 10 years");
    }
    if (at[2]) {
        if (!(s = its__yc_text(c, at[2], "decision.objective", &st)))
            return st;
        if (strcmp(s, "response") != 0 && strcmp(s, "pfs") != 0)
            return its__yc_fail(c, ITS_EPARSE, at[2], "decision.objective",
                                "expected response (objective response) or pfs "
                                "(progression-free survival), got '%s'", s);
        r->objective = strcmp(s, "pfs") == 0;
    }
    if (at[3]) {
        if ((st = its__yc_quantity(c, at[3], "decision.max_grade3", "1", &r->max_grade3)) != ITS_OK)
            return st;
        if (!(r->max_grade3 > 0.0 && r->max_grade3 <= 1.0))
            return its__yc_fail(c, ITS_ERANGE, at[3], "decision.max_grade3",
                                "a probability above 0 and at most 100 %%");
    }
    return ITS_OK;
}

/* The window scenario's model, parameter set, patient, sites and horizon. */
static its_status window_settings(const its__yctx *c, its_record *r, int patient, int decision)
{
    its_scenario *sc = r->window;
    char text[1024];
    size_t k, used = 0;
    int node;
    its_status st;
    static const struct {
        const char *key;
        int field;
    } pk[] = {{"weight", PT_WEIGHT}, {"height", PT_HEIGHT}, {"age", PT_AGE}};
    if (!(sc->name = its__strdup(r->name)))
        return its__yc_nomem(c);
    its__fmt(text, sizeof text, "tme:%zu", r->n_lesions);
    if ((st = put(c, r, &sc->model, 0, text)) != ITS_OK)
        return st;
    node = its__ynode_get(c->doc, patient, "parameter_set");
    if (node && (st = put_node(c, r, &sc->set, node, "patient.parameter_set")) != ITS_OK)
        return st;
    if (!node && r->set[0] && (st = put(c, r, &sc->set, 0, r->set)) != ITS_OK)
        return st; /* the prior's */
    for (k = 0; k < sizeof pk / sizeof pk[0]; k++)
        if ((node = its__ynode_get(c->doc, patient, pk[k].key)) &&
            (st = put_node(c, r, &sc->patient[pk[k].field], node, "patient")) != ITS_OK)
            return st;
    text[0] = '\0';
    for (k = 0; k < r->n_lesions; k++) {
        its__fmt(text + used, sizeof text - used, "%s%s", k ? ", " : "", r->lesions[k].site);
        used = strlen(text);
    }
    if ((st = put(c, r, &sc->clin[C_ORGANS], 0, text)) != ITS_OK)
        return st;
    /* the window integrates at the prior's tolerances (a trial's: rtol 1e-6
     * unless its file says otherwise), those of the plausibility check's
     * untreated runs: both then grow the same tumour history, which the
     * fit's history cache computes once per evaluation (a window at the
     * scenario default 1e-8 would grow it again: twice the cost) */
    for (k = (size_t)S_RTOL; r->prior && k <= (size_t)S_ATOL; k++)
        if (r->prior->sc->sim[k].text &&
            (st = put(c, r, &sc->sim[k], 0, r->prior->sc->sim[k].text)) != ITS_OK)
            return st;
    /* the window runs at least a day: with the decision at t0 only its
     * start is used */
    its__fmt(text, sizeof text, "%.17g d", r->t_dec > 0.0 ? r->t_dec : 1.0);
    node = decision ? its__ynode_get(c->doc, decision, "date") : 0;
    return put(c, r, &sc->sim[S_UNTIL], node, text);
}

/* Resolve the window: the treatments against the model (routes, doses,
 * carriers), messages naming treatments[i] instead of the window's
 * therapy[n]. */
static its_status window_check(const its__yctx *c, its_record *r)
{
    its__plan plan;
    its_status st = its__sc_resolve(r->window, 1, &plan);
    char *p;
    if (st == ITS_OK) {
        its__plan_clear(&plan);
        return ITS_OK;
    }
    p = strstr(r->window->err, "therapy[");
    if (p && r->item_of) {
        char *end;
        size_t n = strtoul(p + 8, &end, 10);
        if (*end == ']' && n < r->window->n_therapy) {
            char out[ITS__ERRLEN];
            its__fmt(out, sizeof out, "%.*streatments[%zu]%s", (int)(p - r->window->err),
                     r->window->err, r->item_of[n], end + 1);
            its__fmt(r->window->err, sizeof r->window->err, "%s", out);
        }
    }
    if (c->msg && c->msglen)
        its__fmt(c->msg, c->msglen, "%s", r->window->err);
    return st;
}

its_status its__rec_window(const its__yctx *c, its_record *r, int patient, int decision)
{
    its_status st = window_settings(c, r, patient, decision);
    return st == ITS_OK ? window_check(c, r) : st;
}
