/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the `population:` section of a trial file
 * (src/scenario/population.c, docs/trial.md "Population"): reading it
 * against tme, the draws as a pure function of (seed, patient, attempt),
 * their medians and correlation, unit conversion, each error with its
 * FILE:LINE:COL and key, refused draws and allocation failures. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "its_test.h"
#include "core/core.h"
#include "its_test_doc.h"

#define FILE_NAME "trial.yaml"

static const char example[] =
    "population:\n"
    "  parameters:\n"
    "    tmb:      {dist: lognormal, median: 10, gsd: 2.5}\n"
    "    lambda1:  {dist: lognormal, median: 0.02 1/d, cv: 0.4}\n"
    "    K_pd1:    {dist: truncnormal, mean: 1, sd: 0.3, lower: 0.2, upper: 3}\n"
    "    f_dc0:    {dist: uniform, low: 0.01, high: 0.05}\n"
    "    rho:      {dist: loguniform, low: 1e8 cell/mL, high: 1e9 cell/mL}\n"
    "    pdl1_0:   {dist: discrete, values: [0.5, 1, 2], probs: [0.3, 0.4, 0.3]}\n"
    "    V_blood:  {dist: fixed, value: 5000 mL}\n"
    "  correlations:\n"
    "    names: [tmb, lambda1]\n"
    "    matrix: [[1, -0.3], [-0.3, 1]]\n";

/* The population of YAML text (the value of its top key `population`). */
static its_status load(const char *text, its__population **pop, char *msg, size_t msglen)
{
    its__ydoc *doc = NULL;
    int v;
    its_status st = its_test_section(text, &doc, &v, msg, msglen);
    if (st == ITS_OK)
        st = its__population_read(doc, v, its_model_find("tme"), FILE_NAME, pop, msg, msglen);
    its__ydoc_free(doc);
    return st;
}

static size_t find(const its__population *pop, const char *name)
{
    const its_model_def *m = its_model_find("tme");
    size_t i;
    for (i = 0; i < its__population_size(pop); i++)
        if (strcmp(m->params[its__population_param(pop, i)].name, name) == 0)
            return i;
    return (size_t)-1;
}

static void test_example(void)
{
    const its_model_def *m = its_model_find("tme");
    its__population *pop = NULL;
    char msg[1024];
    double *p = malloc(m->n_params * sizeof *p), *p2 = malloc(m->n_params * sizeof *p2);
    double d7[7], d7b[7], dd[7];
    int same = 1, inside = 1;
    size_t i;
    its_status st = load(example, &pop, msg, sizeof msg);
    its_test_true(st == ITS_OK && pop, "example: read (%s)", msg);
    if (!pop)
        goto out;
    its_test_true(its__population_size(pop) == 7, "example: 7 parameters");
    its_test_true(find(pop, "tmb") == 0 && find(pop, "lambda1") == 1,
                  "example: the correlated parameters come first, in names order");
    /* patient 7 alone, then after drawing patients 0..20 and attempt 1 */
    st = its__population_draw(pop, 42, 7, 0, p, d7, msg, sizeof msg);
    its_test_true(st == ITS_OK, "draw patient 7 (%s)", msg);
    for (i = 0; i < 21; i++)
        its__population_draw(pop, 42, i, i % 3, p2, dd, msg, sizeof msg);
    its__population_draw(pop, 42, 7, 0, p2, d7b, msg, sizeof msg);
    for (i = 0; i < 7; i++)
        same &= memcmp(&d7[i], &d7b[i], sizeof d7[i]) == 0;
    for (i = 0; i < m->n_params; i++)
        same &= memcmp(&p[i], &p2[i], sizeof p[i]) == 0;
    its_test_true(same, "patient 7's draw is bit-identical whatever was drawn before");
    its__population_draw(pop, 42, 7, 1, p2, dd, msg, sizeof msg);
    its_test_true(dd[0] != d7[0] && dd[2] != d7[2], "attempt 1 gives another draw");
    its__population_draw(pop, 43, 7, 0, p2, dd, msg, sizeof msg);
    its_test_true(dd[0] != d7[0] && dd[2] != d7[2], "another seed gives another draw");
    /* each drawn value is where the parameter vector has it; the rest default */
    for (i = 0; i < 7; i++)
        inside &= p[its__population_param(pop, i)] == d7[i];
    its_test_true(inside, "the parameter vector holds the drawn values");
    its_test_true(p[its_model_param_index(m, "d_neu")] == 0.89, "other parameters keep defaults");
    its_test_true(d7[find(pop, "V_blood")] == 5.0, "fixed 5000 mL is 5 L");
    its_test_true(d7[find(pop, "rho")] >= 1e8 && d7[find(pop, "rho")] <= 1e9,
                  "log-uniform rho within [1e8, 1e9] cell/mL");
out:
    its__population_free(pop);
    free(p);
    free(p2);
}

/* 5,000 patients: the medians of tmb and lambda1 (fraction of draws below
 * the median, binomial SE sqrt(0.25/n)), the correlation of their normal
 * scores (SE (1 - rho^2)/sqrt(n)), the discrete frequency of 1 (SE
 * sqrt(0.4*0.6/n)) and the uniform's mean (SE (0.04/sqrt 12)/sqrt n): each
 * within 5 SE, a false alarm about once in 3.5 million. */
static void test_statistics(void)
{
    const its_model_def *m = its_model_find("tme");
    enum { N = 5000 };
    its__population *pop = NULL;
    char msg[1024];
    double *p = malloc(m->n_params * sizeof *p), d[7];
    double s_lt = 0, l_lt = 0, one = 0, mean_f = 0, sz = 0, sl = 0, szz = 0, sll = 0, szl = 0;
    double sig_l = sqrt(log(1.16)), r, se = sqrt(0.25 / N);
    int ok = 1, trunc_in = 1;
    size_t i, it, il, ik, ifd, ip;
    if (load(example, &pop, msg, sizeof msg) != ITS_OK)
        goto out;
    it = find(pop, "tmb"), il = find(pop, "lambda1"), ik = find(pop, "K_pd1");
    ifd = find(pop, "f_dc0"), ip = find(pop, "pdl1_0");
    for (i = 0; i < N; i++) {
        double z, l;
        ok &= its__population_draw(pop, 2026, i, 0, p, d, msg, sizeof msg) == ITS_OK;
        s_lt += d[it] < 10.0;
        l_lt += d[il] < 0.02;
        one += d[ip] == 1.0;
        mean_f += d[ifd] / N;
        trunc_in &= d[ik] >= 0.2 && d[ik] <= 3.0;
        z = log(d[it] / 10.0) / log(2.5);
        l = log(d[il] / 0.02) / sig_l;
        sz += z, sl += l, szz += z * z, sll += l * l, szl += z * l;
    }
    its_test_true(ok, "5000 draws all accepted");
    its_test_abs(s_lt / N, 0.5, 5 * se, "tmb: fraction below the median 10");
    its_test_abs(l_lt / N, 0.5, 5 * se, "lambda1: fraction below the median 0.02 1/d");
    r = (szl / N - sz / N * sl / N) /
        sqrt((szz / N - sz * sz / N / N) * (sll / N - sl * sl / N / N));
    its_test_abs(r, -0.3, 5 * (1 - 0.09) / sqrt(N), "tmb-lambda1 normal-score correlation");
    its_test_abs(one / N, 0.4, 5 * sqrt(0.24 / N), "pdl1_0: frequency of 1");
    its_test_abs(mean_f, 0.03, 5 * 0.04 / sqrt(12.0) / sqrt(N), "f_dc0: uniform mean");
    its_test_true(trunc_in, "K_pd1: every draw in [0.2, 3]");
out:
    its__population_free(pop);
    free(p);
}

/* One lambda1 line, drawn for patient 3: its value. */
static double lambda1_draw(const char *spec)
{
    char text[512], msg[1024];
    double *p = malloc(its_model_find("tme")->n_params * sizeof *p), d[1] = {NAN};
    its__population *pop = NULL;
    snprintf(text, sizeof text, "population:\n  parameters:\n    lambda1: %s\n", spec);
    if (p && load(text, &pop, msg, sizeof msg) == ITS_OK)
        its__population_draw(pop, 9, 3, 0, p, d, msg, sizeof msg);
    its__population_free(pop);
    free(p);
    return d[0];
}

static void test_units(void)
{
    its_test_rel(lambda1_draw("{dist: lognormal, median: 0.14 1/week, cv: 0}"), 0.02, 1e-14,
                 "median 0.14 1/week is 0.02 1/d");
    its_test_rel(lambda1_draw("{dist: lognormal, median: 0.14 1/week, cv: 0.4}"),
                 lambda1_draw("{dist: lognormal, median: 0.02 1/d, cv: 0.4}"), 1e-14,
                 "the same draw with the median in 1/week and in 1/d");
    its_test_rel(lambda1_draw("{dist: uniform, low: 1 1/h, high: 2 1/h}"),
                 lambda1_draw("{dist: uniform, low: 24, high: 48}"), 1e-14,
                 "uniform bounds in 1/h are 24x those in 1/d (bare numbers)");
}

#define HEAD "population:\n  parameters:\n"
#define THREE HEAD "    tmb: {dist: lognormal, median: 10, gsd: 2.5}\n" \
    "    lambda1: {dist: lognormal, median: 0.02, cv: 0.4}\n" \
    "    K_pd1: {dist: normal, mean: 1, sd: 0.1}\n  correlations:\n"

static void test_errors(void)
{
    static const struct {
        const char *text;
        its_status st;
        const char *want;
    } cases[] = {
        {HEAD "    nope: {dist: fixed, value: 1}\n", ITS_ENOTFOUND,
         "trial.yaml:3:5: population.parameters.nope: 'nope' is not a parameter of the model tme"},
        {HEAD "    tmb: {dist: gamma, shape: 2}\n", ITS_EPARSE,
         "trial.yaml:3:17: population.parameters.tmb.dist: unknown distribution 'gamma'"},
        {HEAD "    tmb: {dist: normal, mean: 1}\n", ITS_EPARSE,
         "trial.yaml:3:10: population.parameters.tmb: missing key 'sd'"},
        {HEAD "    tmb: {median: 1}\n", ITS_EPARSE,
         "trial.yaml:3:10: population.parameters.tmb: missing key 'dist'"},
        {HEAD "    tmb: {dist: normal, mean: 1, sd: 1, median: 3}\n", ITS_EPARSE,
         "trial.yaml:3:41: population.parameters.tmb.median: unknown key for a normal"},
        {HEAD "    tmb: {dist: lognormal, median: 3, cv: 1, gsd: 2}\n", ITS_EPARSE,
         "trial.yaml:3:10: population.parameters.tmb: give exactly one of 'cv' and 'gsd'"},
        {HEAD "    tmb: {dist: lognormal, median: 0, cv: 0.3}\n", ITS_ERANGE,
         "trial.yaml:3:10: population.parameters.tmb: lognormal: the median must be finite and > 0"},
        {HEAD "    tmb: {dist: discrete, values: [1, 2], probs: [0.5, 0.4]}\n", ITS_ERANGE,
         "trial.yaml:3:10: population.parameters.tmb: discrete: the probabilities must sum to 1"},
        {HEAD "    tmb: {dist: discrete, values: [1, 2], probs: [1]}\n", ITS_EPARSE,
         "trial.yaml:3:50: population.parameters.tmb.probs: 1 probabilities for 2 values"},
        {HEAD "    lambda1: {dist: lognormal, median: 0.02 mg, cv: 0.4}\n", ITS_EUNIT,
         "trial.yaml:3:40: population.parameters.lambda1.median: "},
        {HEAD "    tmb: {dist: fixed, value: 1}\n    tmb: {dist: fixed, value: 2}\n", ITS_EPARSE,
         "trial.yaml:4:5: population.parameters.tmb: duplicate"},
        {HEAD "    tmb: {dist: fixed, value: 1}\n  shape: 1\n", ITS_EPARSE,
         "trial.yaml:4:3: population.shape: unknown key (expected one of: parameters, correlations, covariates, lesions, sampling, from)"},
        {THREE "    names: [tmb, lambda1, K_pd1]\n"
               "    matrix: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n", ITS_ERANGE,
         "trial.yaml:8:13: population.correlations.matrix: correlation matrix: not positive definite"},
        {THREE "    names: [tmb, lambda1, K_pd1]\n"
               "    matrix: [[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]]\n", ITS_ERANGE,
         "trial.yaml:8:13: population.correlations.matrix: correlation matrix"},
        {THREE "    names: [tmb, lambda1, K_pd1]\n"
               "    matrix: [[1, 0.5], [0.5, 1], [0, 0, 1]]\n", ITS_EPARSE,
         "trial.yaml:8:14: population.correlations.matrix[1]: expected 3 entries (one per name), got 2"},
        {THREE "    names: [tmb, lambda1, K_pd1]\n"
               "    matrix: [[1, 0.5, 0], [0.5, 1, 0]]\n", ITS_EPARSE,
         "trial.yaml:8:13: population.correlations.matrix: expected 3 rows (one per name), got 2"},
        {THREE "    names: [tmb, V_blood]\n    matrix: [[1, 0], [0, 1]]\n", ITS_ENOTFOUND,
         "trial.yaml:7:18: population.correlations.names[2]: 'V_blood' is not among population.parameters"},
        {THREE "    names: [tmb, tmb]\n    matrix: [[1, 0], [0, 1]]\n", ITS_EPARSE,
         "trial.yaml:7:18: population.correlations.names[2]: 'tmb' is named twice"},
        {THREE "    names: [tmb, lambda1]\n", ITS_EPARSE,
         "trial.yaml:7:5: population.correlations: missing key 'matrix'"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[1024] = "";
        its__population *pop = NULL;
        its_status st = load(cases[i].text, &pop, msg, sizeof msg);
        its_test_true(st == cases[i].st && !pop && strncmp(msg, cases[i].want,
                      strlen(cases[i].want)) == 0,
                      "error %zu: status %d (want %d): %s", i, (int)st, (int)cases[i].st, msg);
        its__population_free(pop);
    }
}

/* A draw outside the parameter's domain (f_dc0 is a fraction) is refused,
 * naming the parameter, and the next attempt may be accepted. */
static void test_refused(void)
{
    const its_model_def *m = its_model_find("tme");
    its__population *pop = NULL;
    char msg[1024], first[1024] = "";
    double *p = malloc(m->n_params * sizeof *p), d[1];
    int refused = 0, n = 1000, i;
    its_status st = load(HEAD "    f_dc0: {dist: uniform, low: -0.5, high: 0.5}\n", &pop, msg,
                         sizeof msg);
    its_test_true(st == ITS_OK, "a uniform over [-0.5, 0.5] for a fraction is read (%s)", msg);
    for (i = 0; i < n && pop; i++) {
        st = its__population_draw(pop, 5, (uint64_t)i, 0, p, d, msg, sizeof msg);
        if (st == ITS_ERANGE && !refused++)
            snprintf(first, sizeof first, "%s", msg);
        if (st == ITS_OK && !(d[0] >= 0.0 && d[0] <= 0.5))
            refused = -100000;
    }
    /* half refused: 500 +- 5 SE (SE = sqrt(1000 / 4) = 15.8) */
    its_test_abs(refused, 500, 80, "refused draws out of 1000 (accepted ones within [0, 0.5])");
    its_test_true(strstr(first, "parameter f_dc0") && strstr(first, "refused"),
                  "the refusal names the parameter: %s", first);
    its__population_free(pop);
    free(p);
}

/* Every allocation of reading the example fails in turn: ITS_ENOMEM,
 * nothing returned (LeakSanitizer under make test-asan checks the rest). */
static void test_nomem(void)
{
    long n;
    int ok = 1;
    for (n = 1; n < 10000; n++) {
        char msg[256];
        its__population *pop = NULL;
        its_status st;
        its__alloc_fail_at(n, 0);
        st = load(example, &pop, msg, sizeof msg);
        if (its__alloc_failed() == 0) {
            its__alloc_fail_at(0, 0);
            ok &= st == ITS_OK;
            its__population_free(pop);
            break;
        }
        its__alloc_fail_at(0, 0);
        ok &= st == ITS_ENOMEM && pop == NULL;
        its__population_free(pop);
    }
    its_test_true(ok && n > 1, "each of %ld allocations failing gives ITS_ENOMEM", n - 1);
}

/* its__rng_permute is a bijection of [0, n) for sizes around the powers of
 * 4 its Feistel network works on, different per stream, and the same when
 * asked again. */
static void test_permute(void)
{
    static const uint64_t sizes[] = {1, 2, 3, 4, 5, 7, 16, 17, 64, 65, 1000, 1024, 1025, 4097};
    its__rng_key k = {2026, 0, ITS__RNG_LHS, 0}, k2 = {2026, 0, ITS__RNG_LHS, 1};
    unsigned char seen[4097];
    size_t s, moved = 0, differ = 0;
    int ok = 1;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t n = sizes[s], i;
        memset(seen, 0, sizeof seen);
        for (i = 0; i < n; i++) {
            uint64_t j = its__rng_permute(&k, i, n);
            ok &= j < n && !seen[j] && j == its__rng_permute(&k, i, n);
            if (j < n)
                seen[j] = 1;
            moved += j != i;
            differ += j != its__rng_permute(&k2, i, n);
        }
    }
    its_test_true(ok, "its__rng_permute: a bijection of [0, n) for 14 sizes from 1 to 4097");
    its_test_true(moved > 6000 && differ > 6000,
                  "positions move (%zu of 7416) and depend on the stream (%zu)", moved, differ);
}

/* Latin-hypercube sampling: each of N patients draws every parameter in its
 * own one of N equiprobable strata, so the strata are covered exactly once
 * and the mean of a uniform lies within 0.5/N of its expectation (each
 * stratum contributes a value in [k/N, (k+1)/N)). */
static void test_lhs(void)
{
    static const char text[] =
        "population:\n"
        "  sampling: latin_hypercube\n"
        "  parameters:\n"
        "    f_dc0:    {dist: uniform, low: 0, high: 1}\n"
        "    rho:      {dist: loguniform, low: 1e8 cell/mL, high: 1e10 cell/mL}\n"
        "    tmb:      {dist: lognormal, median: 10, gsd: 2.5}\n";
    const its_model_def *m = its_model_find("tme");
    its__population *pop = NULL;
    char msg[1024];
    enum { N = 500 };
    static unsigned char cov_u[N], cov_r[N];
    double *p = malloc(m->n_params * sizeof *p), d[3], mean = 0.0;
    size_t iu, ir, j;
    int ok = 1, once = 1;
    if (!its_test_true(p != NULL && load(text, &pop, msg, sizeof msg) == ITS_OK,
                       "a latin_hypercube population loads (%s)", msg)) {
        free(p);
        return;
    }
    iu = find(pop, "f_dc0");
    ir = find(pop, "rho");
    its__population_set_patients(pop, N);
    memset(cov_u, 0, sizeof cov_u);
    memset(cov_r, 0, sizeof cov_r);
    for (j = 0; j < N; j++) {
        size_t su, sr;
        ok &= its__population_draw(pop, 77, j, 0, p, d, msg, sizeof msg) == ITS_OK;
        su = (size_t)floor(d[iu] * N);
        /* rho: log-uniform over two decades, stratum of log10(rho/1e8)/2 */
        sr = (size_t)floor(log10(d[ir] / 1e8) / 2.0 * N);
        once &= su < N && sr < N && !cov_u[su] && !cov_r[sr];
        if (su < N)
            cov_u[su] = 1;
        if (sr < N)
            cov_r[sr] = 1;
        mean += d[iu] / N;
    }
    its_test_true(ok && once, "%d patients: every stratum of a uniform and a log-uniform "
                  "parameter drawn exactly once", N);
    its_test_true(fabs(mean - 0.5) <= 0.5 / N, "LHS mean of U(0,1) %.6f within 0.5/N of 0.5",
                  mean);
    its__population_free(pop);
    pop = NULL;
    /* A stratum refused as a whole (f_dc0 is a fraction; half the range is
     * negative): a replacement draw is a plain random one, so every patient
     * is accepted within a few attempts (with the stratum kept, half the
     * patients would be refused at every attempt). */
    if (its_test_true(load("population:\n  sampling: latin_hypercube\n  parameters:\n"
                           "    f_dc0: {dist: uniform, low: -0.5, high: 0.5}\n", &pop, msg,
                           sizeof msg) == ITS_OK, "a half-refused LHS population loads")) {
        size_t refused0 = 0, stuck = 0;
        its__population_set_patients(pop, 200);
        for (j = 0; j < 200; j++) {
            uint32_t a = 0;
            while (a < 60 && its__population_draw(pop, 5, j, a, p, d, msg, sizeof msg) != ITS_OK)
                a++;
            refused0 += a > 0;
            stuck += a == 60;
        }
        its_test_true(refused0 == 100 && stuck == 0,
                      "LHS: the 100 patients of refused strata are accepted on a replacement "
                      "draw (%zu refused first, %zu never accepted)", refused0, stuck);
        its__population_free(pop);
        pop = NULL;
    }
    its_test_true(load("population:\n  sampling: sobol\n  parameters:\n"
                       "    tmb: {dist: uniform, low: 1, high: 2}\n", &pop, msg, sizeof msg) ==
                          ITS_EPARSE && strstr(msg, "trial.yaml:2:13: population.sampling"),
                  "unknown sampling refused (%s)", msg);
    its_test_true(load("population:\n  sampling: latin_hypercube\n  parameters:\n"
                       "    tmb: {dist: uniform, low: 1, high: 2}\n"
                       "    lambda1: {dist: uniform, low: 0.01 1/d, high: 0.02 1/d}\n"
                       "  correlations:\n    names: [tmb, lambda1]\n"
                       "    matrix: [[1, 0.5], [0.5, 1]]\n", &pop, msg, sizeof msg) ==
                          ITS_EPARSE && strstr(msg, "independent"),
                  "latin_hypercube with correlations refused (%s)", msg);
    free(p);
}

int main(void)
{
    test_permute();
    test_lhs();
    test_example();
    test_statistics();
    test_units();
    test_errors();
    test_refused();
    test_nomem();
    return its_test_done();
}
