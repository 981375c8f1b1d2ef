/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: running the patients of a virtual trial (docs/trial.md,
 * "Running a trial"). A worker (one per thread) owns everything a patient
 * needs: the draw workspace, private copies of the untreated scenario and
 * of each arm, and room for a batch of finished patients. A patient is
 * drawn until a draw passes the domains and the plausibility constraints
 * (a refused draw is replaced by the next attempt, deterministically), then
 * run on its arms; each run gives one outcome row. Finished patients go to
 * the caller's sink in batches, one thread at a time. Nothing here depends
 * on the thread that runs a patient or on the order of patients. */
#include "run/run.h"
#include "itsim/units.h"

#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Room for one finished patient. */
typedef struct slot {
    its__draw_value *values; /* n_values (names borrowed from the trial) */
    its__outcome *out;       /* n_arms */
    char *msg;               /* n_arms * ITS__ERRLEN */
    double **assess;         /* per arm: cap[k] days, then cap[k] sums */
    size_t *cap;             /* per arm: assessments it has room for */
    its__store_series *series; /* per arm (time series asked for) */
    double **ser;            /* per arm: scap[k] times, then scap[k] per observable */
    size_t *scap;            /* per arm: values it has room for */
    const char ***sname;     /* per arm: the observables' names */
    size_t *sncap;           /* per arm: names it has room for */
} slot;

struct its__trial_worker {
    const its_trial *t;
    its__patient_draw *d;
    its_scenario *untreated;  /* for the plausibility checks */
    its_scenario **arm;       /* n_arms private arm copies */
    size_t n_arms;
    double day;               /* days per model time unit */
    double *obs;              /* observables workspace */
    size_t cap_obs;
    slot *slots;
    its__trial_patient *recs; /* n_slots records pointing into slots */
    size_t n_slots, used;
    int series;               /* keep the output rows: per-patient time series */
    long drawn_patient;       /* what d holds: patient (-1: nothing) and attempt */
    uint32_t drawn_attempt;
    its__hist_cache *hist;    /* the current patient's grown baseline, shared by
                                 the plausibility run and the arms */
    its__plaus_ws pws;        /* the plausibility checks' workspace */
};

static void slot_free(slot *s, size_t n_arms)
{
    size_t k;
    for (k = 0; s->assess && k < n_arms; k++)
        its__free(s->assess[k]);
    for (k = 0; s->ser && k < n_arms; k++)
        its__free(s->ser[k]);
    for (k = 0; s->sname && k < n_arms; k++)
        its__free((void *)s->sname[k]);
    its__free((void *)s->sname);
    its__free(s->sncap);
    its__free(s->ser);
    its__free(s->scap);
    its__free(s->series);
    its__free(s->cap);
    its__free(s->values);
    its__free(s->out);
    its__free(s->msg);
    its__free(s->assess);
}

void its__trial_worker_free(its__trial_worker *w)
{
    size_t i;
    if (!w)
        return;
    its__patient_draw_free(w->d);
    if (w->untreated)
        its__scenario_arm_free(w->untreated);
    for (i = 0; w->arm && i < w->n_arms; i++)
        if (w->arm[i])
            its__scenario_arm_free(w->arm[i]);
    its__free(w->arm);
    for (i = 0; w->slots && i < w->n_slots; i++)
        slot_free(&w->slots[i], w->n_arms);
    its__free(w->slots);
    its__free(w->recs);
    its__free(w->obs);
    its__hist_cache_free(w->hist);
    its__plaus_ws_clear(&w->pws);
    its__free(w);
}

static int slot_init(slot *s, size_t n_values, size_t n_arms)
{
    s->values = its__calloc(n_values + 1, sizeof *s->values);
    s->out = its__calloc(n_arms + 1, sizeof *s->out);
    s->msg = its__calloc(n_arms + 1, ITS__ERRLEN);
    s->assess = its__calloc(n_arms + 1, sizeof *s->assess);
    s->cap = its__calloc(n_arms + 1, sizeof *s->cap);
    s->series = its__calloc(n_arms + 1, sizeof *s->series);
    s->ser = its__calloc(n_arms + 1, sizeof *s->ser);
    s->scap = its__calloc(n_arms + 1, sizeof *s->scap);
    s->sname = its__calloc(n_arms + 1, sizeof *s->sname);
    s->sncap = its__calloc(n_arms + 1, sizeof *s->sncap);
    return s->values && s->out && s->msg && s->assess && s->cap && s->series && s->ser &&
                   s->scap && s->sname && s->sncap
               ? 0
               : -1;
}

its_status its__trial_worker_create(const its_trial *t, size_t batch, its__trial_worker **out)
{
    its__trial_worker *w;
    size_t i;
    double day = NAN;
    if (!out)
        return ITS_EINVAL;
    *out = NULL;
    if (!t || !t->sc || batch == 0)
        return ITS_EINVAL;
    if (its_unit_convert(1.0, t->model->time_unit, "d", &day, NULL, 0) != ITS_OK ||
        !(day > 0.0))
        return ITS_EINVAL; /* the trial reader refuses such a model */
    w = its__calloc(1, sizeof *w);
    if (!w)
        return ITS_ENOMEM;
    w->t = t;
    w->day = day;
    w->drawn_patient = -1;
    w->n_arms = t->spec->n_arms;
    w->n_slots = batch;
    w->arm = its__calloc(w->n_arms + 1, sizeof *w->arm);
    w->slots = its__calloc(batch, sizeof *w->slots);
    w->recs = its__calloc(batch, sizeof *w->recs);
    w->hist = its__hist_cache_create();
    if (!w->arm || !w->slots || !w->recs || !w->hist ||
        its__patient_draw_create(t, &w->d) != ITS_OK ||
        !(w->untreated = its__scenario_untreated(t->sc)))
        goto nomem;
    if (t->plaus.window > 0.0 && its_scenario_set_until(w->untreated, t->plaus.window) != ITS_OK)
        goto nomem;
    for (i = 0; i < w->n_arms; i++)
        if (!(w->arm[i] = its__scenario_arm(t->sc, i)))
            goto nomem;
    for (i = 0; i < batch; i++)
        if (slot_init(&w->slots[i], w->d->n_values, w->n_arms) != 0)
            goto nomem;
    *out = w;
    return ITS_OK;
nomem:
    its__trial_worker_free(w);
    return ITS_ENOMEM;
}

/* ---- plausibility --------------------------------------------------------- */

static its_status obs_room(its__trial_worker *w, size_t n)
{
    return its__room_doubles(&w->obs, &w->cap_obs, n);
}

/* Whether the current draw of w passes the plausibility constraints
 * (run/plausible.c). */
static its_status plausible(its__trial_worker *w, int *ok, char *why, size_t whylen)
{
    return its__plausible(&w->t->plaus, w->t->model, w->untreated, &w->d->ovr, w->hist,
                          &w->pws, NULL, 0, ok, why, whylen);
}

its_status its__trial_accept(its__trial_worker *w, long patient, uint32_t *attempt,
                             uint64_t *stratum, char *msg, size_t msglen)
{
    const its_trial *t = w->t;
    const uint32_t max = t->plaus.max_draws > 0 ? t->plaus.max_draws : 1000; /* the default of plausibility.max_draws */
    char why[ITS__ERRLEN];
    uint32_t a;
    why[0] = '\0';
    for (a = 0; a < max; a++) {
        int ok = 0;
        its_status st = its__trial_draw(t, (uint64_t)patient, a, w->d, why,
                                        sizeof why);
        w->drawn_patient = st == ITS_OK ? patient : -1;
        w->drawn_attempt = a;
        if (st == ITS_ENOMEM)
            return st;
        if (st == ITS_OK && (st = plausible(w, &ok, why, sizeof why)) != ITS_OK)
            return st;
        if (ok) {
            *attempt = a;
            *stratum = w->d->stratum;
            return ITS_OK;
        }
    }
    its__fmt(msg, msglen,
             "patient %ld: every one of %u draws was refused (acceptance 0; the last: %s): "
             "widen the population or the plausibility constraints",
             patient, (unsigned)max, why[0] ? why : "no reason");
    return ITS_ERANGE;
}

/* ---- one patient's arms ---------------------------------------------------- */

static its_status assess_room(slot *s, size_t k, size_t want)
{
    double *p;
    size_t cap;
    if (want <= s->cap[k])
        return ITS_OK;
    cap = want + 8;
    p = its__realloc(s->assess[k], 2 * cap * sizeof *p);
    if (!p)
        return ITS_ENOMEM;
    s->assess[k] = p;
    s->cap[k] = cap;
    return ITS_OK;
}

void its__trial_worker_series(its__trial_worker *w, int on)
{
    if (w)
        w->series = on != 0;
}

/* The time series of a run (rows kept): every observable of the model at
 * the rows of the output grid, times in days from the start; series j at
 * time i is values[j * n_times + i]. */
static its_status make_series(its__trial_worker *w, slot *s, size_t k, const its_result *res)
{
    const its_model_def *m = res->plan.model;
    const size_t no = m->n_observables;
    size_t i, j, nt = 0, r, want;
    double *buf;
    const char **names;
    for (r = 0; r < res->n_rows; r++)
        nt += res->kind[r] == ITS_ROW_GRID;
    if (nt == 0 || no == 0)
        return ITS_OK;
    want = nt * (no + 1); /* times, then the values */
    if (want > s->scap[k]) {
        buf = its__realloc(s->ser[k], want * sizeof *buf);
        if (!buf)
            return ITS_ENOMEM;
        s->ser[k] = buf;
        s->scap[k] = want;
    }
    buf = s->ser[k];
    if (obs_room(w, no) != ITS_OK)
        return ITS_ENOMEM;
    if (no > s->sncap[k]) {
        names = its__realloc((void *)s->sname[k], no * sizeof *names);
        if (!names)
            return ITS_ENOMEM;
        s->sname[k] = names;
        s->sncap[k] = no;
    }
    names = s->sname[k];
    for (j = 0; j < no; j++)
        names[j] = m->observables[j].name;
    for (r = 0, i = 0; r < res->n_rows; r++) {
        if (res->kind[r] != ITS_ROW_GRID)
            continue;
        if (m->observe(res->t[r], res->y + r * m->n_states, res->plan.params, w->obs,
                       m->data) != 0)
            for (j = 0; j < no; j++)
                w->obs[j] = NAN;
        buf[i] = (res->t[r] - res->plan.t0) * w->day;
        for (j = 0; j < no; j++)
            buf[nt + j * nt + i] = w->obs[j];
        i++;
    }
    s->series[k].n_times = nt;
    s->series[k].n_names = no;
    s->series[k].times = buf;
    s->series[k].names = names;
    s->series[k].values = buf + nt;
    s->out[k].series = &s->series[k];
    return ITS_OK;
}

/* The outcome row of a finished run (res may be NULL when the run could
 * not start; st its status). Times in days from the start of treatment. */
static its_status extract(its__trial_worker *w, slot *s, size_t k, const its_result *res,
                          its_status st, const char *errmsg)
{
    its__outcome *o = &s->out[k];
    char *msg = s->msg + k * ITS__ERRLEN;
    const double day = w->day;
    its_clinical_summary cs;
    const its_recist *r;
    size_t i, n;

    o->status = st;
    its__fmt(msg, ITS__ERRLEN, "%s", st == ITS_OK ? "" : errmsg);
    o->message = msg;
    o->best = ITS_RESP_NE;
    o->best_change = o->ttr_days = o->dor_days = o->pfs_days = o->os_days = NAN;
    for (i = 0; i < ITS_AE_NTERMS; i++)
        o->worst_grade[i] = -1;
    if (res)
        (void)its_result_get_stats(res, &o->stats);
    if (st != ITS_OK || !res || its_result_get_clinical(res, &cs) != ITS_OK || !cs.available) {
        if (st == ITS_OK) {
            o->status = ITS_EINVAL;
            its__fmt(msg, ITS__ERRLEN, "%s", "the run has no clinical read-outs");
        }
        return ITS_OK;
    }
    o->os_days = cs.os * day;
    o->os_event = cs.os_event != 0;
    o->pfs_days = o->os_days;
    o->pfs_event = o->os_event;
    if (cs.recist_available) {
        const its_recist_endpoints *e = &cs.recist;
        o->best = e->best;
        o->best_change = 100.0 * e->best_change;
        o->ttr_days = e->time_to_response * day;
        o->dor_days = e->response_duration * day;
        o->dor_event = e->responder && !e->response_censored;
        o->pfs_days = e->pfs * day;
        o->pfs_event = e->pfs_event != 0; /* progression or death */
    }
    /* planned while alive and followed: doses after death or the horizon
     * are not counted against the dose intensity */
    o->doses_planned = (long)(cs.doses_planned - cs.doses_not_reached);
    o->doses_given = (long)cs.doses_given;
    o->doses_reduced = (long)cs.doses_reduced;
    o->doses_held = (long)cs.doses_held;
    o->doses_planned_c1 = (long)cs.doses_planned_c1;
    o->doses_given_c1 = (long)cs.doses_given_c1;
    for (i = 0; i < ITS_AE_NTERMS; i++)
        o->worst_grade[i] = cs.worst_grade[i];
    r = its_result_recist(res);
    n = r ? its_recist_count(r) : 0;
    if (n > 0) {
        its_recist_assessment a0, a;
        double *days, *sums;
        if (assess_room(s, k, n) != ITS_OK)
            return ITS_ENOMEM;
        days = s->assess[k];
        sums = days + s->cap[k];
        (void)its_recist_get_assessment(r, 0, &a0);
        for (i = 0; i < n && its_recist_get_assessment(r, i, &a) == ITS_OK; i++) {
            days[i] = (a.t - a0.t) * day;
            sums[i] = a.sum_mm;
        }
        o->n_assess = i;
        o->assess_day = days;
        o->assess_sum_mm = sums;
    }
    return w->series ? make_series(w, s, k, res) : ITS_OK;
}

/* Run patient `patient`, draw `attempt` (accepted), on arm `only` (a
 * randomised allocation) or, with only == SIZE_MAX, on every arm, into
 * the next free slot. ITS_ENOMEM ends the trial; a failed run is an
 * outcome row. */
static its_status run_patient(its__trial_worker *w, long patient, uint32_t attempt,
                              size_t only, char *msg, size_t msglen)
{
    slot *s = &w->slots[w->used];
    its__trial_patient *rec = &w->recs[w->used];
    its_status st;
    size_t k, n = 0;

    /* a paired patient was just drawn and accepted by this worker: d holds
     * it already; otherwise (randomised: accepted in phase 1, perhaps by
     * another worker) draw it again, a pure function of (patient, attempt) */
    if (w->drawn_patient != patient || w->drawn_attempt != attempt) {
        st = its__trial_draw(w->t, (uint64_t)patient, attempt, w->d, msg, msglen);
        w->drawn_patient = st == ITS_OK ? patient : -1;
        w->drawn_attempt = attempt;
        if (st != ITS_OK) /* the draw was accepted before: only memory can fail */
            return st == ITS_ERANGE ? ITS_EINVAL : st;
    }
    memcpy(s->values, w->d->values, w->d->n_values * sizeof *s->values);
    for (k = 0; k < w->n_arms; k++) {
        its_result *res = NULL;
        its_status rs;
        if (only != (size_t)-1 && k != only)
            continue;
        memset(&s->out[n], 0, sizeof s->out[n]);
        s->out[n].patient = patient;
        s->out[n].arm = k;
        rs = its__run_patient(w->arm[k], &w->d->ovr, w->series, w->hist, &res);
        if (rs == ITS_ENOMEM) {
            its_result_free(res);
            return rs;
        }
        st = extract(w, s, n, res, rs, its_scenario_errmsg(w->arm[k]));
        its_result_free(res);
        if (st != ITS_OK)
            return st;
        n++;
    }
    rec->patient = patient;
    rec->attempt = attempt;
    rec->n_values = w->d->n_values;
    rec->values = s->values;
    rec->n_outcomes = n;
    rec->outcomes = s->out;
    w->used++;
    return ITS_OK;
}

/* For other drivers (trial_mpi.c): run_patient into w's next free slot,
 * the finished patients in w's slots, and emptying them. */
its_status its__trial_run_one(its__trial_worker *w, long patient, uint32_t attempt, size_t only,
                              char *msg, size_t msglen)
{
    if (w->used >= w->n_slots)
        return ITS_EINVAL;
    return run_patient(w, patient, attempt, only, msg, msglen);
}

size_t its__trial_worker_batch(const its__trial_worker *w, const its__trial_patient **recs,
                               size_t *room)
{
    *recs = w->recs;
    *room = w->n_slots - w->used;
    return w->used;
}

void its__trial_worker_clear(its__trial_worker *w)
{
    w->used = 0;
}

/* ---- the trial ----------------------------------------------------------------- */

/* Hand the worker's finished patients to the sink (one thread at a time). */
static its_status flush(its__trial_worker *w, const its__trial_exec *x, char *msg,
                        size_t msglen)
{
    its_status st = ITS_OK;
    if (w->used == 0)
        return ITS_OK;
#ifdef _OPENMP
#pragma omp critical
#endif
    st = x->sink(x->user, w->recs, w->used, msg, msglen);
    w->used = 0;
    return st;
}

typedef struct exec_state {
    const its_trial *t;
    const its__trial_exec *x;
    uint32_t *attempt;   /* per patient: the accepted draw */
    size_t *arm;         /* randomised: per patient its arm */
    int failed;          /* a thread failed: the others stop taking patients */
    its_status st;
    char msg[ITS__ERRLEN];
    long rejected, failures, run;
} exec_state;

static void fail(exec_state *e, its_status st, const char *msg)
{
#ifdef _OPENMP
#pragma omp critical
#endif
    {
        if (!e->failed) {
            e->st = st;
            its__fmt(e->msg, sizeof e->msg, "%s", msg[0] ? msg : its_strerror(st));
#ifdef _OPENMP
#pragma omp atomic write
#endif
            e->failed = 1;
        }
    }
}

/* Whether a thread failed (read while others may write it). */
static int failed(exec_state *e)
{
    int f;
#ifdef _OPENMP
#pragma omp atomic read
#endif
    f = e->failed;
    return f;
}

static int skipped(const exec_state *e, long i)
{
    return e->x->done && e->x->done[i];
}

static int cancelled(const exec_state *e)
{
    return e->x->cancel && *e->x->cancel;
}

/* Phase 1 of a randomised trial: every patient's accepted draw and
 * stratum (the allocation ranks patients within strata). */
static void accept_all(exec_state *e, uint64_t *stratum, long n)
{
    its__trial_worker *w = NULL;
    char msg[ITS__ERRLEN];
    long i;
    /* every thread must reach the work-sharing loop (its barrier): a thread
     * without a worker marks the failure and takes no patient */
    its_status st = its__trial_worker_create(e->t, 1, &w);
    if (st != ITS_OK)
        fail(e, st, "");
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (i = 0; i < n; i++) {
        msg[0] = '\0';
        if (!w || failed(e))
            continue;
        if (cancelled(e)) {
            fail(e, ITS_ECANCELLED, "cancelled");
            continue;
        }
        st = its__trial_accept(w, i, &e->attempt[i], &stratum[i], msg, sizeof msg);
        if (st != ITS_OK)
            fail(e, st, msg);
    }
    its__trial_worker_free(w);
}

/* Phase 2: run every patient not stored yet. */
static void run_all(exec_state *e, long n, int paired)
{
    its__trial_worker *w = NULL;
    char msg[ITS__ERRLEN];
    long i, rejected = 0, failures = 0, run = 0;
    /* as in accept_all: no return before the work-sharing loop */
    its_status st = its__trial_worker_create(e->t, e->x->batch, &w);
    if (st != ITS_OK)
        fail(e, st, "");
    its__trial_worker_series(w, e->x->series);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (i = 0; i < n; i++) {
        uint32_t a = 0;
        uint64_t stratum;
        size_t k;
        msg[0] = '\0';
        if (!w || failed(e) || skipped(e, i))
            continue;
        if (cancelled(e)) {
            fail(e, ITS_ECANCELLED, "cancelled");
            continue;
        }
        st = paired ? its__trial_accept(w, i, &a, &stratum, msg, sizeof msg) : ITS_OK;
        if (!paired)
            a = e->attempt[i];
        if (st == ITS_OK)
            st = run_patient(w, i, a, paired ? (size_t)-1 : e->arm[i], msg, sizeof msg);
        if (st == ITS_OK) {
            const its__trial_patient *r = &w->recs[w->used - 1];
            rejected += a;
            run++;
            for (k = 0; k < r->n_outcomes; k++)
                failures += r->outcomes[k].status != ITS_OK;
            if (w->used == w->n_slots)
                st = flush(w, e->x, msg, sizeof msg);
        }
        if (st != ITS_OK)
            fail(e, st, msg);
    }
    /* what is finished is kept, also when another thread failed or the run
     * was cancelled (a resume then skips it) */
    if (w && (st = flush(w, e->x, msg, sizeof msg)) != ITS_OK)
        fail(e, st, msg);
#ifdef _OPENMP
#pragma omp atomic
#endif
    e->rejected += rejected;
#ifdef _OPENMP
#pragma omp atomic
#endif
    e->failures += failures;
#ifdef _OPENMP
#pragma omp atomic
#endif
    e->run += run;
    its__trial_worker_free(w);
}

its_status its__trial_execute(const its_trial *t, const its__trial_exec *x,
                              its__trial_counts *counts, char *msg, size_t msglen)
{
    exec_state e;
    uint64_t *stratum = NULL;
    long n;
    int paired, nt = 1;

    if (msg && msglen)
        msg[0] = '\0';
    if (!t || !x || !x->sink || x->batch == 0 || !counts)
        return ITS_EINVAL;
    memset(counts, 0, sizeof *counts);
    memset(&e, 0, sizeof e);
    e.t = t;
    e.x = x;
    n = t->spec->patients;
    paired = t->spec->design == ITS__TRIAL_PAIRED;
    if (!paired) {
        e.attempt = its__calloc((size_t)n, sizeof *e.attempt);
        e.arm = its__calloc((size_t)n, sizeof *e.arm);
        stratum = its__calloc((size_t)n, sizeof *stratum);
        if (!e.attempt || !e.arm || !stratum) {
            its__free(e.attempt);
            its__free(e.arm);
            its__free(stratum);
            return ITS_ENOMEM;
        }
    }
#ifdef _OPENMP
    nt = x->threads > 0 ? x->threads : omp_get_max_threads();
#endif
    (void)nt;
    if (!paired) {
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
#endif
        accept_all(&e, stratum, n);
        if (!e.failed) {
            its_status st = its__trial_allocate_all(t->spec, (size_t)n, stratum, e.arm);
            if (st != ITS_OK)
                fail(&e, st, "");
        }
    }
    if (!e.failed) {
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
#endif
        run_all(&e, n, paired);
    }
    counts->run = e.run;
    counts->rejected = e.rejected;
    counts->failures = e.failures;
    its__free(e.attempt);
    its__free(e.arm);
    its__free(stratum);
    if (e.failed && msg && msglen)
        its__fmt(msg, msglen, "%s", e.msg);
    return e.failed ? e.st : ITS_OK;
}
