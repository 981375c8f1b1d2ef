/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: a virtual trial into its directory (docs/trial.md, "Running a
 * trial"). The patients go into the store DIR/trial.sqlite in batches
 * (committed all or nothing, so a run killed at any moment resumes where
 * its last batch ended); the read-outs are computed from the store, not
 * from memory, so a resumed trial and an uninterrupted one give the same
 * files. Each output file is written to a temporary name in DIR and
 * renamed when complete. */
#include "io/io.h"
#include "io/sqlite_adapter.h"
#include "itsim/units.h"
#include "itsim/version.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void its_trial_opts_default(its_trial_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->threads = 1;
    o->figures = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What the sink needs: the store, room to convert a batch, progress. */
typedef struct sink_ctx {
    its__store *store;
    its__store_patient *pat;   /* batch room */
    its__store_value *val;     /* batch * (n_values + 1) */
    size_t cap, n_values;
    const its_trial_opts *o;
    its_trial_progress prog;
    double t_start;
} sink_ctx;

static its_status store_sink(void *user, const its__trial_patient *p, size_t n, char *msg,
                             size_t msglen)
{
    sink_ctx *c = user;
    size_t i, j, k;
    its_status st;
    if (n > c->cap)
        return ITS_EINVAL;
    for (i = 0; i < n; i++) {
        its__store_value *v = c->val + i * (c->n_values + 1);
        for (j = 0; j < p[i].n_values && j < c->n_values; j++) {
            v[j].name = p[i].values[j].name;
            v[j].unit = p[i].values[j].unit;
            v[j].kind = p[i].values[j].covariate ? ITS__VALUE_COVARIATE : ITS__VALUE_PARAMETER;
            v[j].value = p[i].values[j].value;
        }
        v[j].name = "draw_attempt"; /* the accepted draw: the acceptance rate */
        v[j].unit = "";
        v[j].kind = ITS__VALUE_COVARIATE;
        v[j].value = (double)p[i].attempt;
        c->pat[i].patient = p[i].patient;
        c->pat[i].accepted = 1;
        c->pat[i].n_values = j + 1;
        c->pat[i].values = v;
        c->pat[i].n_outcomes = p[i].n_outcomes;
        c->pat[i].outcomes = p[i].outcomes;
        c->prog.rejected += (long)p[i].attempt;
        for (k = 0; k < p[i].n_outcomes; k++)
            c->prog.failures += p[i].outcomes[k].status != ITS_OK;
    }
    st = its__store_write(c->store, c->pat, n);
    if (st != ITS_OK) {
        its__fmt(msg, msglen, "%s", its__store_errmsg(c->store));
        return st;
    }
    c->prog.done += (long)n;
    c->prog.elapsed_s = now_s() - c->t_start;
    if (c->o->progress)
        c->o->progress(&c->prog, c->o->user);
    return ITS_OK;
}

/* The text that identifies the trial in its store: the file as read, the
 * overrides that change it (--patients; the seed is stored apart), the
 * itsim version (the same file may give other outcomes with another
 * build) and the FNV-1a hash of every arm file as it is now (editing an
 * arm's scenario makes another trial). NULL when out of memory; a file
 * that cannot be read now is named with "unreadable". */
static char *identity_text(const its_trial *t)
{
    size_t n = t->len + 256, len, k;
    const char *path;
    char *s = its__malloc(n), *grown;
    if (!s)
        return NULL;
    memcpy(s, t->text, t->len);
    its__fmt(s + t->len, n - t->len, "\n# itsim trial: patients %ld, itsim %s\n",
             t->spec->patients, ITS_VERSION_STRING);
    for (k = 0; (path = its_scenario_file(t->sc, k)) != NULL; k++) {
        char hash[17], msg[64], *buf = NULL;
        size_t blen = 0;
        its_status st = its__io_read_file(path, &buf, &blen, msg, sizeof msg);
        if (st == ITS_ENOMEM) {
            its__free(s);
            return NULL;
        }
        if (path == t->name || strcmp(path, t->name) == 0) {
            its__free(buf);
            continue; /* the trial file itself: its text is above */
        }
        if (st == ITS_OK)
            its__store_hash_bytes(buf, blen, hash);
        its__free(buf);
        len = strlen(s);
        if (!(grown = its__realloc(s, len + strlen(path) + 64))) {
            its__free(s);
            return NULL;
        }
        s = grown;
        its__fmt(s + len, strlen(path) + 64, "# arm file %s: %s\n", path,
                 st == ITS_OK ? hash : "unreadable");
    }
    if (s && t->identity_extra) { /* a calibration round's population, an included population */
        len = strlen(s);
        if (!(grown = its__realloc(s, len + strlen(t->identity_extra) + 1))) {
            its__free(s);
            return NULL;
        }
        s = grown;
        memcpy(s + len, t->identity_extra, strlen(t->identity_extra) + 1);
    }
    return s;
}

int its__has_store(const char *dir)
{
    char path[4200];
    struct stat sb;
    its__fmt(path, sizeof path, "%s/trial.sqlite", dir);
    return stat(path, &sb) == 0;
}

/* Create dir when missing (one level, mode 0777 & umask). */
its_status its__make_dir(const char *dir, char *msg, size_t msglen)
{
    char eb[128];
    struct stat sb;
    if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return ITS_OK;
    its__errno_text(errno == EEXIST ? ENOTDIR : errno, eb, sizeof eb);
    its__fmt(msg, msglen, "%s: cannot create the directory: %s", dir, eb);
    return ITS_EIO;
}

/* The patients already stored (resume): done[patient] = 1. */
static its_status stored_mask(its__store *st, unsigned char *done, long n, long *count,
                              char *msg, size_t msglen)
{
    long *ids = NULL;
    size_t k, m = 0;
    its_status s = its__store_complete(st, &ids, &m);
    *count = 0;
    if (s != ITS_OK) {
        its__fmt(msg, msglen, "%s", its__store_errmsg(st));
        return s;
    }
    for (k = 0; k < m; k++)
        if (ids[k] >= 0 && ids[k] < n) {
            done[ids[k]] = 1;
            (*count)++;
        }
    its__free(ids);
    return ITS_OK;
}

static its_status run_into_store(its_trial *t, its__store *store, const its_trial_opts *o,
                                 long *rejected)
{
    const long n = t->spec->patients;
    const size_t batch = o->batch > 0 ? (size_t)o->batch : 16;
    its__trial_exec x;
    its__trial_counts counts;
    unsigned char *done = its__calloc((size_t)n, 1);
    sink_ctx c;
    long resumed = 0;
    its_status st;

    memset(&c, 0, sizeof c);
    c.cap = batch;
    c.n_values = 0;
    c.o = o;
    c.store = store;
    c.t_start = now_s();
    c.prog.total = n;
    /* values per patient: the same for every patient (its__patient_draw) */
    {
        its__patient_draw *d = NULL;
        if (its__patient_draw_create(t, &d) == ITS_OK) {
            c.n_values = d->n_values;
            its__patient_draw_free(d);
        } else {
            its__free(done);
            return ITS_ENOMEM;
        }
    }
    c.pat = its__calloc(batch, sizeof *c.pat);
    c.val = its__calloc(batch * (c.n_values + 1), sizeof *c.val);
    st = done && c.pat && c.val ? ITS_OK : ITS_ENOMEM;
    if (st == ITS_OK)
        st = stored_mask(store, done, n, &resumed, t->err, sizeof t->err);
    c.prog.done = c.prog.resumed = resumed;
    if (st == ITS_OK) {
        memset(&x, 0, sizeof x);
        x.threads = o->threads;
        x.batch = batch;
        x.done = done;
        x.sink = store_sink;
        x.user = &c;
        x.cancel = o->cancel;
        x.series = o->timeseries;
        /* under MPI over every rank; otherwise its__trial_execute */
        st = its__trial_execute_mpi(t, &x, &counts, t->err, sizeof t->err);
    }
    *rejected = c.prog.rejected;
    c.prog.elapsed_s = now_s() - c.t_start;
    if (st == ITS_OK && o->progress && c.prog.done == c.prog.resumed)
        o->progress(&c.prog, o->user); /* nothing to run: report the end once */
    its__free(done);
    its__free(c.pat);
    its__free(c.val);
    return st;
}

/* ---- read-outs -------------------------------------------------------------- */

/* What the read-outs are made of: the stored rows and their summary. */
typedef struct readouts {
    const its_trial *t;
    its__store_rows rows;
    its__trial_summary sum;
    const char **ids;
    long patients, accepted, failures, draws;
    double horizon_days;
} readouts;

static void put_summary(const void *ctx, FILE *fp)
{
    const readouts *r = ctx;
    char msg[256];
    (void)its__trial_write_summary_json(fp, its_trial_name(r->t), (size_t)r->patients,
                                        (size_t)r->accepted, (size_t)r->draws,
                                        (size_t)r->failures,
                                        r->horizon_days, r->ids, &r->sum, msg, sizeof msg);
}

static void put_arms(const void *ctx, FILE *fp)
{
    const readouts *r = ctx;
    char msg[256];
    (void)its__trial_write_arms_csv(fp, r->ids, &r->sum, msg, sizeof msg);
}

static void put_comparisons(const void *ctx, FILE *fp)
{
    const readouts *r = ctx;
    char msg[256];
    (void)its__trial_write_comparisons_csv(fp, r->ids, &r->sum, msg, sizeof msg);
}

static void readouts_free(readouts *r)
{
    its__store_rows_free(&r->rows);
    its__trial_summary_free(&r->sum);
    its__free(r->ids);
}

/* Read the stored trial and summarise it. */
static its_status readouts_make(its_trial *t, its__store *store, readouts *r)
{
    double *v = NULL, day = 1.0;
    long *ids = NULL;
    size_t i, n = 0;
    its_status st;

    memset(r, 0, sizeof *r);
    r->t = t;
    r->ids = its__calloc(t->spec->n_arms + 1, sizeof *r->ids);
    if (!r->ids)
        return ITS_ENOMEM;
    for (i = 0; i < t->spec->n_arms; i++)
        r->ids[i] = its_trial_arm_id(t, i);
    st = its__store_read(store, &r->rows);
    if (st == ITS_OK)
        st = its__store_counts(store, &r->patients, &r->accepted, &r->failures);
    if (st == ITS_OK)
        st = its__store_values(store, "draw_attempt", &ids, &v, &n);
    if (st != ITS_OK) {
        its__fmt(t->err, sizeof t->err, "%s", its__store_errmsg(store));
        return st;
    }
    r->draws = 0;
    for (i = 0; i < n; i++)
        r->draws += 1 + (isfinite(v[i]) ? (long)v[i] : 0);
    its__free(ids);
    its__free(v);
    (void)its_unit_convert(1.0, t->model->time_unit, "d", &day, NULL, 0);
    r->horizon_days = t->spec->horizon * day;
    return its__trial_summarise(r->rows.rows, r->rows.n, t->spec->n_arms, t->spec->design,
                                &r->sum, t->err, sizeof t->err);
}

/* Whether a drawn value gets a histogram: the population's parameters,
 * the covariates and the numbers of lesions and their burden; not the
 * per-lesion values (NaN for absent lesions), categories (sex, sites) or
 * the draw number. */
int its__trial_value_scalar(const char *name)
{
    return strcmp(name, "sex") != 0 && strcmp(name, "draw_attempt") != 0 &&
           (strncmp(name, "lesion_", 7) != 0 || strcmp(name, "lesion_burden_mm") == 0);
}

/* The figures: Kaplan-Meier, waterfall, swimmer, spider and the drawn
 * values. */
static its_status write_figures(its_trial *t, its__store *store, const char *dir,
                                const readouts *r)
{
    its__plot_trial_in in;
    its__plot_param *par = NULL;
    its__patient_draw *d = NULL;
    double **vals = NULL;
    const char **names = its__calloc(t->spec->n_arms + 1, sizeof *names);
    size_t i, np = 0;
    char note[512];
    its_status st = names ? its__patient_draw_create(t, &d) : ITS_ENOMEM;

    if (st == ITS_OK && (!(par = its__calloc(d->n_values + 1, sizeof *par)) ||
                         !(vals = its__calloc(d->n_values + 1, sizeof *vals))))
        st = ITS_ENOMEM;
    for (i = 0; st == ITS_OK && i < d->n_values && np < ITS__PLOT_TRIAL_MAX_PARAMS; i++) {
        long *ids = NULL;
        if (!its__trial_value_scalar(d->values[i].name))
            continue;
        par[np].name = d->values[i].name;
        par[np].unit = d->values[i].unit;
        st = its__store_values(store, par[np].name, &ids, &vals[np], &par[np].n);
        par[np].values = vals[np];
        its__free(ids);
        if (st != ITS_OK)
            its__fmt(t->err, sizeof t->err, "%s", its__store_errmsg(store));
        np++;
    }
    for (i = 0; st == ITS_OK && i < t->spec->n_arms; i++)
        names[i] = its_trial_arm_name(t, i);
    if (st == ITS_OK) {
        memset(&in, 0, sizeof in);
        in.n_arms = t->spec->n_arms;
        in.arm_names = names;
        in.rows = r->rows.rows;
        in.n_rows = r->rows.n;
        in.summary = &r->sum;
        in.horizon_days = r->horizon_days;
        in.params = par;
        in.n_params = np;
        in.render = 1;
        note[0] = '\0';
        st = its__plot_trial(dir, &in, note, sizeof note, t->err, sizeof t->err);
        if (st == ITS_OK && note[0])
            its__fmt(t->note, sizeof t->note, "%s", note);
    }
    for (i = 0; vals && i < np; i++)
        its__free(vals[i]);
    its__free(vals);
    its__free(par);
    its__free(names);
    its__patient_draw_free(d);
    return st;
}

static its_status write_readouts(its_trial *t, its__store *store, const char *dir,
                                 const its_trial_opts *o)
{
    readouts r;
    its_status st = readouts_make(t, store, &r);
    if (st == ITS_OK)
        st = its__write_file_atomic(dir, "summary.json", put_summary, &r, t->err,
                                    sizeof t->err);
    if (st == ITS_OK)
        st = its__write_file_atomic(dir, "arms.csv", put_arms, &r, t->err, sizeof t->err);
    if (st == ITS_OK)
        st = its__write_file_atomic(dir, "comparisons.csv", put_comparisons, &r, t->err,
                                    sizeof t->err);
    if (st == ITS_OK)
        st = its__trial_write_outcomes_csv(dir, r.ids, t->spec->n_arms, r.rows.rows, r.rows.n,
                                           t->err, sizeof t->err);
    if (st == ITS_OK && o->figures && !(o->cancel && *o->cancel))
        st = write_figures(t, store, dir, &r);
    if (st == ITS_OK && o->cancel && *o->cancel)
        st = ITS_ECANCELLED;
    readouts_free(&r);
    return st;
}

/* Open the store of trial t in dir (resume: it must hold t; timeseries:
 * create the table). ITS_OK with *out, or the store's status with the
 * message on t. */
its_status its__trial_open_store(its_trial *t, const char *dir, int resume, int timeseries,
                                 its__store **out)
{
    its__store_meta meta;
    const char **ids = its__calloc(t->spec->n_arms + 1, sizeof *ids);
    char *text = identity_text(t);
    its_status st = text && ids ? ITS_OK : ITS_ENOMEM;
    size_t i;
    *out = NULL;
    for (i = 0; st == ITS_OK && i < t->spec->n_arms; i++)
        ids[i] = its_trial_arm_id(t, i);
    memset(&meta, 0, sizeof meta);
    meta.trial_text = text;
    meta.seed = t->spec->seed;
    meta.patients = t->spec->patients;
    meta.n_arms = t->spec->n_arms;
    meta.arm_ids = ids;
    meta.timeseries = timeseries;
    if (st == ITS_OK)
        st = its__store_open(dir, &meta, resume, out, t->err, sizeof t->err);
    its__free(text);
    its__free(ids);
    return st;
}

const char *its_trial_note(const its_trial *t)
{
    return t ? t->note : "";
}

/* MPI, a rank other than 0: its share of the patients (rank 0 stores
 * them and writes every file). */
static its_status mpi_share(its_trial *t, const its_trial_opts *o)
{
    its__trial_exec x;
    its__trial_counts counts;
    its_status st = its__trial_mpi_agree(t, ITS_OK, t->err, sizeof t->err);
    if (st != ITS_OK)
        return st;
    memset(&x, 0, sizeof x);
    x.threads = o->threads;
    x.batch = o->batch > 0 ? (size_t)o->batch : 16;
    x.cancel = o->cancel;
    return its__trial_execute_mpi(t, &x, &counts, t->err, sizeof t->err);
}

its_status its_trial_run(its_trial *t, const char *dir, const its_trial_opts *o)
{
    its_trial_opts def;
    its__store *store = NULL;
    long rejected = 0;
    its_status st;

    if (!t)
        return ITS_EINVAL;
    t->err[0] = '\0';
    t->note[0] = '\0';
    if (!dir)
        return ITS_EINVAL;
    if (!o) {
        its_trial_opts_default(&def);
        o = &def;
    }
    if (o->threads < 0 || o->batch < 0) {
        its__fmt(t->err, sizeof t->err, "threads (%d) and batch (%d) must be >= 0", o->threads,
                 o->batch);
        return ITS_EINVAL;
    }
    if (o->timeseries && its__trial_mpi_size() > 1) {
        /* every rank refuses alike: nothing is started */
        its__fmt(t->err, sizeof t->err, "%s",
                 "per-patient time series are not sent between MPI ranks: run a trial with "
                 "time series on one process (threads)");
        return ITS_EINVAL;
    }
    if (its__trial_mpi_size() > 1 && its__trial_mpi_rank() > 0)
        return mpi_share(t, o);
    st = its__make_dir(dir, t->err, sizeof t->err);
    if (st == ITS_OK)
        st = its__trial_open_store(t, dir, o->resume, o->timeseries, &store);
    if (st == ITS_OK && (its__store_has_timeseries(store) != 0) != (o->timeseries != 0)) {
        /* one trial, one choice: a mixed store would hold series for some
         * patients only */
        its__fmt(t->err, sizeof t->err,
                 "%s %s per-patient time series: resume it %s --timeseries", dir,
                 o->timeseries ? "holds a trial without" : "holds a trial with",
                 o->timeseries ? "without" : "with");
        st = ITS_EINVAL;
    }
    st = its__trial_mpi_agree(t, st, t->err, sizeof t->err); /* MPI: every rank learns it */
    if (st == ITS_OK)
        st = run_into_store(t, store, o, &rejected);
    if (st == ITS_OK)
        st = write_readouts(t, store, dir, o);
    its__store_close(store);
    return st;
}

/* ---- the printed table --------------------------------------------------------- */

static void pct(FILE *fp, its_estimate e)
{
    if (isfinite(e.value))
        fprintf(fp, " %5.1f (%4.1f-%5.1f)", 100.0 * e.value, 100.0 * e.ci_low,
                100.0 * e.ci_high);
    else
        fprintf(fp, " %18s", "-");
}

static void months(FILE *fp, its_estimate e)
{
    char lo[16], hi[16];
    if (!isfinite(e.value)) {
        fprintf(fp, " %18s", "NR");
        return;
    }
    its__fmt(lo, sizeof lo, isfinite(e.ci_low) ? "%.1f" : "NR", e.ci_low / ITS__MONTH_DAYS);
    its__fmt(hi, sizeof hi, isfinite(e.ci_high) ? "%.1f" : "NR", e.ci_high / ITS__MONTH_DAYS);
    fprintf(fp, " %5.1f (%4s-%5s)", e.value / ITS__MONTH_DAYS, lo, hi);
}

/* A hazard ratio with its interval and a p-value; "-" when not defined
 * (no event, or a monotone likelihood). */
static void hr(FILE *fp, its_estimate e, double p)
{
    if (isfinite(e.value) && isfinite(e.ci_low) && isfinite(e.ci_high))
        fprintf(fp, " %8.2f (%5.2f-%5.2f)", e.value, e.ci_low, e.ci_high);
    else
        fprintf(fp, " %22s", "-");
    if (isfinite(p))
        fprintf(fp, " %10.3g", p);
    else
        fprintf(fp, " %10s", "-");
}

static void print_table(const readouts *r, FILE *fp)
{
    const its__trial_summary *s = &r->sum;
    const int paired = s->design == ITS__TRIAL_PAIRED;
    size_t i;
    its__c_locale g;
    its__c_locale_enter(&g);
    fprintf(fp, "trial: %s\n", its_trial_name(r->t));
    fprintf(fp, "design: %s, patients: %ld, draws: %ld (acceptance %.1f %%), failed runs: %ld, "
                "horizon: %.0f d\n",
            s->design == ITS__TRIAL_PAIRED ? "paired" : "randomised", r->patients, r->draws,
            r->draws > 0 ? 100.0 * (double)r->patients / (double)r->draws : 0.0, r->failures,
            r->horizon_days);
    fprintf(fp, "\n%-16s %5s %18s %18s %18s %18s %18s %18s\n", "arm", "N", "ORR % (95% CI)",
            "CR %", "DCR %", "PFS mo (95% CI)", "OS mo (95% CI)", "grade>=3 %");
    for (i = 0; i < s->n_arms; i++) {
        const its__arm_summary *a = &s->arms[i];
        fprintf(fp, "%-16.16s %5ld", r->ids[i], a->n);
        pct(fp, a->orr);
        pct(fp, a->cr);
        pct(fp, a->dcr);
        months(fp, a->pfs_median);
        months(fp, a->os_median);
        pct(fp, a->grade3);
        fputc('\n', fp);
    }
    if (s->n_comparisons)
        fprintf(fp, "\n%-34s %22s %10s %22s %10s\n", "comparison (b vs a)", "HR OS (95% CI)",
                "p OS", "HR PFS (95% CI)", "p PFS");
    if (s->n_comparisons)
        fprintf(fp, "%s\n", paired ? "(paired design: marginal Cox HR with a patient-clustered "
                                      "robust CI and robust score p; stratified log-rank in "
                                      "summary.json)"
                                    : "(log-rank p; Cox HR with Efron ties, Wald CI)");
    for (i = 0; i < s->n_comparisons; i++) {
        const its__arm_comparison *c = &s->comparisons[i];
        char name[64];
        its__fmt(name, sizeof name, "%.16s vs %.16s", r->ids[c->b], r->ids[c->a]);
        fprintf(fp, "%-34s", name);
        hr(fp, c->hr_os, paired ? c->robust_score_p_os : c->logrank_p_os);
        hr(fp, c->hr_pfs, paired ? c->robust_score_p_pfs : c->logrank_p_pfs);
        fputc('\n', fp);
    }
    its__c_locale_leave(&g);
}

its_status its_trial_print_summary(its_trial *t, const char *dir, FILE *fp)
{
    its__store *store = NULL;
    readouts r;
    its_status st;

    if (!t)
        return ITS_EINVAL;
    t->err[0] = '\0';
    if (!dir || !fp)
        return ITS_EINVAL;
    st = its__trial_open_store(t, dir, 1, 0, &store);
    memset(&r, 0, sizeof r);
    if (st == ITS_OK && (st = readouts_make(t, store, &r)) == ITS_OK) {
        print_table(&r, fp);
        if (ferror(fp))
            st = ITS_EIO;
    }
    readouts_free(&r);
    its__store_close(store);
    return st;
}
