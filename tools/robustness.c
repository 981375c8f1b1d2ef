/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim robustness sweep (issue 9): Latin-hypercube virtual patients of the
 * tme model, each run through every arm of the default comparison with the
 * public API only, counting solver failures (deaths and eradications are
 * outcomes, not failures). Ranges and sources: docs/robustness.md.
 *
 *   itsim_robustness [-n PATIENTS] [-s SEED] [-t THREADS] [-o FILE.csv]
 *                    [--check-threads]
 *
 * Patients run in parallel (OpenMP); each has its own scenario and solver,
 * and its parameters come from the design (Random123, tools/lhs.h), so the
 * results do not depend on the number of threads. --check-threads runs the
 * sweep with one thread and with two and compares every record.
 * Exit status: 0 without solver failures, 1 with, 2 for bad usage or
 * errors other than solver failures. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "itsim/itsim.h"
#include "lhs.h"

/* One dimension of the design: a parameter (or the size of a lesion, with
 * its vascular capacity K = 2C as in the default patient), sampled
 * uniformly or log-uniformly between lo and hi. Sources: docs/robustness.md. */
typedef struct dim {
    const char *name;
    double lo, hi;
    int log;
} dim;

static const dim dims[] = {
    {"tmb", 3.0, 100.0, 1},
    {"f_precursor", 2.5e-7, 4e-6, 1},
    {"q_T", 0.0209, 0.334, 1},
    {"k_cd8_kill", 0.3, 2.7, 1},
    {"K_dc_LN", 2.5e5, 4e6, 1},
    {"pdl1_0", 0.25, 4.0, 1},
    {"pdl1_ifng_max", 2.0, 12.0, 1},
    {"lambda1", 0.006, 0.054, 1},
    {"EC50_perm", 300.0, 3000.0, 1},
    {"C_1", 5e8, 1e10, 1},
    {"C_2", 5e8, 1e10, 1},
    {"C_3", 5e8, 1e10, 1},
};
#define NDIM (sizeof dims / sizeof dims[0])

/* What one arm of one patient gave. */
typedef struct record {
    int status;           /* its_status of the run */
    int best;             /* RECIST best overall response */
    int death_cause;      /* 0 alive, 1 disease, 2 treatment */
    double os;            /* survival or follow-up (d) */
    double t_reached;     /* where the run ended (d) */
    long steps;
    long extinctions;     /* lesions eradicated */
    size_t doses_given, doses_held;
    char message[240];    /* the failure, if any */
} record;

typedef struct sweep {
    size_t n, n_arms;
    uint64_t seed;
    double widen;         /* range factor (--widen); 1: the documented ranges */
    double *x;            /* n x NDIM parameter values */
    record *rec;          /* n x n_arms */
    int setup_error;
} sweep;

/* The value at u in [0, 1) of dimension d, whose range is widened by the
 * factor w >= 1 each way around its (geometric) centre: w = 1 is the
 * documented range; w > 1 a stress design beyond it (--widen). */
static double value_of(const dim *d, double u, double w)
{
    if (d->log) {
        const double a = log(d->lo) - log(w), b = log(d->hi) + log(w);
        return exp(a + u * (b - a));
    } else {
        const double c = 0.5 * (d->lo + d->hi), h = 0.5 * w * (d->hi - d->lo);
        const double lo = c - h > 0.0 ? c - h : 0.0;
        return lo + u * (c + h - lo);
    }
}

/* The scenario of patient k: the default comparison with the patient's
 * parameters and lesion sizes. */
static its_status patient_scenario(const sweep *sw, size_t k, its_scenario **out, char *err,
                                   size_t errlen)
{
    const char *text = its_scenario_default_text();
    its_scenario *sc = NULL;
    its_status st = its_scenario_create(&sc, NULL, 0);
    size_t d;
    *out = NULL;
    if (st != ITS_OK)
        return st;
    st = its_scenario_load_string(sc, text, strlen(text), "default comparison");
    for (d = 0; st == ITS_OK && d < NDIM; d++) {
        char a[96];
        const double v = sw->x[k * NDIM + d];
        snprintf(a, sizeof a, "%s=%.17g", dims[d].name, v);
        st = its_scenario_override(sc, a);
        /* the vascular capacity K = 2C of the default patient; tme grows it
         * (and every other lesion state) in its pre-treatment history */
        if (st == ITS_OK && strncmp(dims[d].name, "C_", 2) == 0 &&
            its_model_find("tme")->history == NULL) {
            snprintf(a, sizeof a, "K_%s=%.17g", dims[d].name + 2, 2.0 * v);
            st = its_scenario_override(sc, a);
        }
    }
    if (st != ITS_OK) {
        snprintf(err, errlen, "%s", its_scenario_errmsg(sc));
        its_scenario_free(sc);
        return st;
    }
    *out = sc;
    return ITS_OK;
}

static void run_patient(sweep *sw, size_t k)
{
    its_scenario *sc = NULL;
    char err[240] = "";
    size_t a;
    if (patient_scenario(sw, k, &sc, err, sizeof err) != ITS_OK) {
        fprintf(stderr, "itsim_robustness: patient %zu: %s\n", k, err);
#ifdef _OPENMP
#pragma omp atomic write
#endif
        sw->setup_error = 1;
        return;
    }
    for (a = 0; a < sw->n_arms; a++) {
        record *r = &sw->rec[k * sw->n_arms + a];
        its_result *res = NULL;
        its_status st = its_scenario_run_arm(sc, a, &res);
        its_clinical_summary cs;
        its_stats stats;
        memset(r, 0, sizeof *r);
        r->status = (int)st;
        r->os = r->t_reached = (double)NAN;
        if (st != ITS_OK)
            snprintf(r->message, sizeof r->message, "%s", its_scenario_errmsg(sc));
        if (res != NULL && its_result_get_clinical(res, &cs) == ITS_OK) {
            r->best = (int)cs.recist.best;
            r->death_cause = cs.death_cause;
            r->os = cs.os;
            r->doses_given = cs.doses_given;
            r->doses_held = cs.doses_held;
        }
        if (res != NULL && its_result_get_stats(res, &stats) == ITS_OK) {
            r->steps = stats.steps;
            r->extinctions = stats.extinctions;
            r->t_reached = stats.t_reached;
        }
        its_result_free(res);
    }
    its_scenario_free(sc);
}

static void run_sweep(sweep *sw, int threads)
{
    long k;
#ifdef _OPENMP
    if (threads > 0)
        omp_set_num_threads(threads);
#else
    (void)threads;
#endif
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
    for (k = 0; k < (long)sw->n; k++)
        run_patient(sw, (size_t)k);
}

/* Records equal field by field (NaN equals NaN: both runs gave none). */
static int same_record(const record *a, const record *b)
{
#define SAME_D(x, y) ((x) == (y) || (isnan(x) && isnan(y)))
    return a->status == b->status && a->best == b->best && a->death_cause == b->death_cause &&
           SAME_D(a->os, b->os) && SAME_D(a->t_reached, b->t_reached) && a->steps == b->steps &&
           a->extinctions == b->extinctions && a->doses_given == b->doses_given &&
           a->doses_held == b->doses_held && strcmp(a->message, b->message) == 0;
#undef SAME_D
}

/* CSV of every run, written to a temporary file renamed when complete. */
static int write_csv(const sweep *sw, its_scenario *names, const char *path)
{
    char tmp[4096];
    FILE *fp;
    size_t k, a, d;
    int bad;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -1;
    fp = fopen(tmp, "w");
    if (fp == NULL)
        return -1;
    fprintf(fp, "patient,arm,status,best_response,death_cause,survival_d,t_reached_d,steps,"
                "extinctions,doses_given,doses_held");
    for (d = 0; d < NDIM; d++)
        fprintf(fp, ",%s", dims[d].name);
    fprintf(fp, "\n");
    for (k = 0; k < sw->n; k++)
        for (a = 0; a < sw->n_arms; a++) {
            const record *r = &sw->rec[k * sw->n_arms + a];
            fprintf(fp, "%zu,%s,%s,%s,%d,%.10g,%.10g,%ld,%ld,%zu,%zu", k,
                    its_scenario_arm_id(names, a), its_status_name((its_status)r->status),
                    its_response_name((its_response)r->best), r->death_cause, r->os,
                    r->t_reached, r->steps, r->extinctions, r->doses_given, r->doses_held);
            for (d = 0; d < NDIM; d++)
                fprintf(fp, ",%.10g", sw->x[k * NDIM + d]);
            fprintf(fp, "\n");
        }
    bad = ferror(fp);
    bad |= fclose(fp) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

static void summary(const sweep *sw, its_scenario *names, double wall, int threads)
{
    size_t a, k, fails = 0;
    long steps = 0, max_steps = 0;
    printf("robustness sweep: %zu patients x %zu arms = %zu runs, seed %llu, %d thread%s, "
           "%.1f s wall\n",
           sw->n, sw->n_arms, sw->n * sw->n_arms, (unsigned long long)sw->seed, threads,
           threads == 1 ? "" : "s", wall);
    if (sw->widen != 1.0)
        printf("stress design: every range widened %g-fold each way\n", sw->widen);
    printf("%-14s %6s %5s %5s %5s %5s %5s %7s %7s %7s %10s\n", "arm", "failed", "CR", "PR",
           "SD", "PD", "NE", "died:PD", "died:AE", "eradic.", "max steps");
    for (a = 0; a < sw->n_arms; a++) {
        size_t f = 0, cnt[6] = {0}, d1 = 0, d2 = 0, er = 0;
        long ms = 0;
        for (k = 0; k < sw->n; k++) {
            const record *r = &sw->rec[k * sw->n_arms + a];
            if (r->status != ITS_OK)
                f++;
            if (r->best >= 0 && r->best < 6)
                cnt[r->best]++;
            d1 += r->death_cause == 1;
            d2 += r->death_cause == 2;
            er += r->extinctions > 0;
            ms = r->steps > ms ? r->steps : ms;
            steps += r->steps;
        }
        fails += f;
        max_steps = ms > max_steps ? ms : max_steps;
        printf("%-14s %6zu %5zu %5zu %5zu %5zu %5zu %7zu %7zu %7zu %10ld\n",
               its_scenario_arm_id(names, a), f, cnt[ITS_RESP_CR], cnt[ITS_RESP_PR],
               cnt[ITS_RESP_SD], cnt[ITS_RESP_PD] + cnt[ITS_RESP_NONCR_NONPD], cnt[ITS_RESP_NE],
               d1, d2, er, ms);
    }
    printf("solver failures: %zu of %zu runs; %ld steps in all, at most %ld in one run\n", fails,
           sw->n * sw->n_arms, steps, max_steps);
    for (k = 0; k < sw->n * sw->n_arms; k++)
        if (sw->rec[k].status != ITS_OK)
            printf("  failed: patient %zu, arm %s: %s\n", k / sw->n_arms,
                   its_scenario_arm_id(names, k % sw->n_arms), sw->rec[k].message);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int usage(void)
{
    fprintf(stderr, "usage: itsim_robustness [-n PATIENTS] [-s SEED] [-t THREADS] "
                    "[-o FILE.csv] [--check-threads] [--widen F]\n"
                    "  --widen F  widen every range F-fold each way (F >= 1; a stress design)\n");
    return 2;
}

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long n = 500, seed = 20240901, threads = 0;
    double widen = 1.0;
    const char *csv = NULL;
    int check_threads = 0, i, used_threads = 1, rc;
    its_scenario *names = NULL;
    const char *text = its_scenario_default_text();
    sweep sw;
    size_t k, d;
    double t0;
    double *u;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-n") == 0 && i + 1 < argc) {
            if (parse_count(argv[++i], 1000000, &n) != 0 || n == 0)
                return usage();
        } else if (strcmp(a, "-s") == 0 && i + 1 < argc) {
            if (parse_count(argv[++i], ~0ULL, &seed) != 0)
                return usage();
        } else if (strcmp(a, "-t") == 0 && i + 1 < argc) {
            if (parse_count(argv[++i], 1024, &threads) != 0)
                return usage();
        } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
            csv = argv[++i];
        } else if (strcmp(a, "--widen") == 0 && i + 1 < argc) {
            char *end;
            widen = strtod(argv[++i], &end);
            if (*end != '\0' || !(widen >= 1.0 && widen <= 1e3))
                return usage();
        } else if (strcmp(a, "--check-threads") == 0) {
            check_threads = 1;
        } else {
            return usage();
        }
    }
    if (its_scenario_create(&names, NULL, 0) != ITS_OK ||
        its_scenario_load_string(names, text, strlen(text), "default comparison") != ITS_OK) {
        fprintf(stderr, "itsim_robustness: default comparison: %s\n", its_scenario_errmsg(names));
        its_scenario_free(names);
        return 2;
    }
    memset(&sw, 0, sizeof sw);
    sw.n = (size_t)n;
    sw.seed = seed;
    sw.widen = widen;
    sw.n_arms = its_scenario_arm_count(names);
    sw.x = malloc(sw.n * NDIM * sizeof *sw.x);
    sw.rec = calloc(sw.n * sw.n_arms, sizeof *sw.rec);
    u = malloc(sw.n * NDIM * sizeof *u);
    if (!sw.x || !sw.rec || !u || lhs_design(seed, sw.n, NDIM, u) != 0) {
        fprintf(stderr, "itsim_robustness: out of memory\n");
        return 2;
    }
    for (k = 0; k < sw.n; k++)
        for (d = 0; d < NDIM; d++)
            sw.x[k * NDIM + d] = value_of(&dims[d], u[k * NDIM + d], widen);
    free(u);

#ifdef _OPENMP
    used_threads = threads > 0 ? (int)threads : omp_get_max_threads();
#endif
    t0 = now();
    if (check_threads) {
        record *one = malloc(sw.n * sw.n_arms * sizeof *one);
        size_t j, differ = 0;
        if (one == NULL)
            return 2;
        run_sweep(&sw, 1);
        memcpy(one, sw.rec, sw.n * sw.n_arms * sizeof *one);
        run_sweep(&sw, 2);
        for (j = 0; j < sw.n * sw.n_arms; j++)
            differ += !same_record(&one[j], &sw.rec[j]);
        printf("thread check: %zu of %zu runs differ between 1 and 2 threads\n", differ,
               sw.n * sw.n_arms);
        free(one);
        used_threads = 2;
        if (differ != 0)
            sw.setup_error = 1;
    } else {
        run_sweep(&sw, (int)threads);
    }
    summary(&sw, names, now() - t0, used_threads);
    if (csv != NULL && write_csv(&sw, names, csv) != 0) {
        fprintf(stderr, "itsim_robustness: %s: cannot write: %s\n", csv, strerror(errno));
        sw.setup_error = 1;
    }
    rc = sw.setup_error ? 2 : 0;
    for (k = 0; rc == 0 && k < sw.n * sw.n_arms; k++)
        if (sw.rec[k].status != ITS_OK)
            rc = 1;
    free(sw.x);
    free(sw.rec);
    its_scenario_free(names);
    return rc;
}
