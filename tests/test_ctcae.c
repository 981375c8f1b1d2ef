/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: CTCAE v5.0 grading (docs/clinical.md) on constructed
 * observable series: every threshold of every term at and beside its
 * boundary, persistence rules (fever grade 4, grade-5 deaths), baseline
 * grades, episodes and bad input. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "itsim/clinical.h"
#include "its_test.h"

static its_ctcae *G;

/* Only one observable, graded as term k; all other terms off. */
static void begin_single(its_ae_term k)
{
    int idx[ITS_AE_NTERMS], i;
    for (i = 0; i < ITS_AE_NTERMS; i++)
        idx[i] = -1;
    idx[k] = 0;
    its_test_true(its_ctcae_begin(G, idx, 1) == ITS_OK, "begin %s", its_ae_term_id(k));
}

/* Grades of a value series at times t (one value per time). */
static void grades(its_ae_term k, size_t n, const double *t, const double *v, int *g)
{
    size_t i;
    begin_single(k);
    for (i = 0; i < n; i++) {
        its_ctcae_push(G, t[i], &v[i], NULL);
        g[i] = its_ctcae_grade(G, k);
    }
    its_ctcae_end(G);
}

static void expect(its_ae_term k, size_t n, const double *v, const int *want, const char *what)
{
    double t[32];
    int g[32];
    size_t i;
    int ok = 1;
    for (i = 0; i < n; i++)
        t[i] = (double)i;
    grades(k, n, t, v, g);
    for (i = 0; i < n; i++)
        if (g[i] != want[i]) {
            ok = 0;
            printf("      value %g: grade %d, want %d\n", v[i], g[i], want[i]);
        }
    its_test_true(ok, "%s: %s", its_ae_term_name(k), what);
}

static void test_neutrophils(void)
{
    /* CTCAE v5: G1 < LLN (2.0 here), G2 < 1.5, G3 < 1.0, G4 < 0.5 (1e9/L);
     * each boundary value itself belongs to the milder grade */
    const double v[] = {2.5, 2.0, 1.99, 1.5, 1.49, 1.0, 0.99, 0.5, 0.49, 0.0, 3.0};
    const int w[] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0};
    its_ae_episode e;
    expect(ITS_AE_NEUTROPENIA, 11, v, w, "grades at and beside every boundary");
    its_test_true(its_ctcae_episode_count(G) == 1, "one episode");
    its_ctcae_get_episode(G, 0, &e);
    its_test_true(e.grade == 4 && e.onset == 2.0 && e.worst_at == 8.0 && e.end == 10.0 && !e.ongoing,
                  "episode: onset 2, worst grade 4 at 8, resolved at 10");
    its_test_true(its_ctcae_worst(G, ITS_AE_NEUTROPENIA) == 4, "worst grade 4");
    its_test_true(isnan(its_ctcae_death_time(G)) && its_ctcae_death_term(G) == ITS_AE_NTERMS,
                  "neutropenia has no grade 5");
}

static void test_fever(void)
{
    /* G1 38.0-39.0 (inclusive), G2 > 39.0-40.0, G3 > 40.0 for <= 24 h */
    const double v[] = {37.9, 38.0, 39.0, 39.01, 40.0, 40.01, 37.0};
    const int w[] = {0, 1, 1, 2, 2, 3, 0};
    expect(ITS_AE_FEVER, 7, v, w, "grades at and beside every boundary");
    {
        /* > 40.0 from t = 0 h, hourly: grade 3 until 24 h, grade 4 after */
        double t[30], x[30];
        int g[30], i;
        for (i = 0; i < 30; i++) {
            t[i] = i / 24.0;
            x[i] = 40.5;
        }
        grades(ITS_AE_FEVER, 30, t, x, g);
        its_test_true(g[0] == 3 && g[23] == 3 && g[24] == 4 && g[29] == 4,
                      "fever > 40 C: grade 3 for the first 24 h, grade 4 from 24 h (got %d %d %d)",
                      g[0], g[23], g[24]);
        /* a dip below 40 restarts the clock */
        x[12] = 39.5;
        grades(ITS_AE_FEVER, 30, t, x, g);
        its_test_true(g[12] == 2 && g[29] == 3, "the 24 h clock restarts after a dip (got %d, %d)",
                      g[12], g[29]);
    }
}

static void test_hypotension(void)
{
    /* SBP (assumed mapping): G1 < 100, G2 < 90, G3 < 80, G4 < 70, G5 < 60 for 6 h */
    const double v[] = {120, 100, 99.9, 90, 89.9, 80, 79.9, 70, 69.9, 110};
    const int w[] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 0};
    double t[12], x[12];
    int g[12], i;
    expect(ITS_AE_HYPOTENSION, 10, v, w, "grades at and beside every boundary");
    /* SBP 55 mmHg hourly: grade 4 for 6 h, then death */
    for (i = 0; i < 12; i++) {
        t[i] = i / 24.0;
        x[i] = i == 0 ? 120.0 : 55.0;
    }
    begin_single(ITS_AE_HYPOTENSION);
    for (i = 0; i < 12; i++) {
        int died = 0;
        its_ctcae_push(G, t[i], &x[i], &died);
        g[i] = its_ctcae_grade(G, ITS_AE_HYPOTENSION);
        if (died)
            break;
    }
    its_test_true(i == 7 && g[6] == 4 && g[7] == 5,
                  "SBP < 60 for 6 h: grade 4, then grade 5 at 6 h (stopped at sample %d)", i);
    its_test_abs(its_ctcae_death_time(G), 7.0 / 24.0, 1e-12,
                 "death time: 6 h after the fall at 1 h");
    its_test_true(its_ctcae_death_term(G) == ITS_AE_HYPOTENSION,
                  "death attributed to hypotension");
}

static void test_symptom_scores(void)
{
    const double f[] = {0.0, 0.19, 0.2, 0.5, 0.8, 1.0};
    const int wf[] = {0, 0, 1, 2, 3, 3};
    const double a[] = {0.1, 0.2, 0.4, 0.7, 1.0};
    const int wa[] = {0, 1, 2, 3, 3};
    const double r[] = {0.1, 0.2, 0.4, 0.6, 0.8, 0.94};
    const int wr[] = {0, 1, 2, 3, 4, 4};
    expect(ITS_AE_FLU_LIKE, 6, f, wf, "bands 0.2/0.5/0.8, no grade 4");
    expect(ITS_AE_FATIGUE, 5, a, wa, "bands 0.2/0.4/0.7, no grade 4");
    expect(ITS_AE_IRAE, 6, r, wr, "bands 0.2/0.4/0.6/0.8");
}

static void test_baseline_and_multi(void)
{
    /* two observables: ANC (index 1) and temperature (index 0); the
     * patient starts at grade 1 neutropenia (1.8 < LLN 2.0) */
    int idx[ITS_AE_NTERMS], i;
    const double rows[][2] = {{37.0, 1.8}, {38.5, 1.7}, {37.0, 1.2}, {37.0, 1.9}, {37.0, 2.4}};
    its_ae_episode e;
    for (i = 0; i < ITS_AE_NTERMS; i++)
        idx[i] = -1;
    idx[ITS_AE_FEVER] = 0;
    idx[ITS_AE_NEUTROPENIA] = 1;
    its_ctcae_begin(G, idx, 2);
    for (i = 0; i < 5; i++)
        its_ctcae_push(G, (double)i, rows[i], NULL);
    its_ctcae_end(G);
    its_test_true(its_ctcae_baseline(G, ITS_AE_NEUTROPENIA) == 1, "baseline grade 1 neutropenia");
    its_test_true(its_ctcae_episode_count(G) == 2, "two episodes: fever, and neutropenia worse than baseline");
    its_ctcae_get_episode(G, 0, &e);
    its_test_true(e.term == ITS_AE_FEVER && e.grade == 1 && e.onset == 1.0 && e.end == 2.0,
                  "fever episode 1-2");
    its_ctcae_get_episode(G, 1, &e);
    its_test_true(e.term == ITS_AE_NEUTROPENIA && e.grade == 2 && e.onset == 2.0 && e.end == 3.0,
                  "neutropenia counts only above its baseline grade");
    its_test_true(its_ctcae_grade(G, ITS_AE_FATIGUE) == -1, "a term without an observable is not graded");
    /* ongoing at the end */
    its_ctcae_begin(G, idx, 2);
    its_ctcae_push(G, 0.0, rows[0], NULL);
    its_ctcae_push(G, 1.0, rows[1], NULL);
    its_ctcae_end(G);
    its_ctcae_get_episode(G, 0, &e);
    its_test_true(e.ongoing && e.end == 1.0, "an episode open at the end is ongoing");
}

static void test_bad_input(void)
{
    const double v = 1.0;
    its_ctcae_opts o;
    its_ctcae *g = NULL;
    begin_single(ITS_AE_NEUTROPENIA);
    its_ctcae_push(G, 2.0, &v, NULL);
    its_test_true(its_ctcae_push(G, 1.0, &v, NULL) == ITS_EINVAL && its_ctcae_errmsg(G)[0],
                  "time going backwards rejected, with a message");
    its_test_true(its_ctcae_push(G, NAN, &v, NULL) == ITS_EINVAL, "non-finite time rejected");
    its_ctcae_opts_default(&o, 2.0);
    o.scale[ITS_AE_FEVER].persist[3] = -1.0;
    its_test_true(its_ctcae_create(&o, &g, NULL, 0) == ITS_EINVAL && g == NULL,
                  "negative persistence rejected (msg NULL)");
    {
        char msg[160];
        its_test_true(its_ctcae_create(&o, &g, msg, sizeof msg) == ITS_EINVAL && g == NULL &&
                          strstr(msg, "fever") != NULL && strstr(msg, "persist[3]") != NULL,
                      "the bad option is named: '%s'", msg);
        o.scale[ITS_AE_FEVER].persist[3] = INFINITY;
        its_test_true(its_ctcae_create(&o, &g, msg, sizeof msg) == ITS_EINVAL &&
                          strstr(msg, "persist[3]") != NULL,
                      "infinite persistence rejected: '%s'", msg);
        its_test_true(its_ctcae_create(NULL, &g, msg, sizeof msg) == ITS_OK && !msg[0],
                      "success writes \"\"");
        its_ctcae_free(g);
        g = NULL;
    }
    its_test_true(its_ae_term_name(ITS_AE_NTERMS) == NULL, "term out of range");
    {
        int idx[ITS_AE_NTERMS], i;
        for (i = 0; i < ITS_AE_NTERMS; i++)
            idx[i] = -1;
        idx[ITS_AE_FEVER] = 3;
        its_test_true(its_ctcae_begin(G, idx, 3) == ITS_EINVAL &&
                          strstr(its_ctcae_errmsg(G), "fever") != NULL,
                      "an observable index beyond the vector is rejected, naming the term: '%s'",
                      its_ctcae_errmsg(G));
    }
}

int main(void)
{
    its_test_true(its_ctcae_create(NULL, &G, NULL, 0) == ITS_OK, "create grader");
    test_neutrophils();
    test_fever();
    test_hypotension();
    test_symptom_scores();
    test_baseline_and_multi();
    test_bad_input();
    its_ctcae_free(G);
    return its_test_done();
}
