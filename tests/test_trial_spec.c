/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the `trial:` section of a trial file (src/scenario/trial.c,
 * docs/trial.md "Trial section"): reading the example against tme, each
 * error with its FILE:LINE:COL and key, and stratified permuted-block
 * allocation (exact ratios within blocks, 2:1 over 1,000 patients, the same
 * arms whatever the order of computation, another seed another sequence,
 * uniform permutations, allocation failures). */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "its_test.h"
#include "core/core.h"
#include "its_test_doc.h"

#define FILE_NAME "trial.yaml"

static const char example[] =
    "trial:\n"
    "  name: \"HD IL-2 vs anti-PD-1 in metastatic melanoma\"\n"
    "  seed: 20261206           # unsigned 64-bit\n"
    "  patients: 1000\n"
    "  horizon: 730 d\n"
    "  design: randomised\n"
    "  ratio: [1, 1, 1]\n"
    "  block: 6\n"
    "  strata: [pdl1_0]\n"
    "  arms:\n"
    "    - {name: untreated}\n"
    "    - {name: HD IL-2, regimen: hd_il2}\n"
    "    - {name: anti-PD-1, id: apd1, file: pembrolizumab.yaml}\n";

/* The trial spec of YAML text (the value of its top key `trial`). */
static its_status load(const char *text, its__trial_spec **spec, char *msg, size_t msglen)
{
    its__ydoc *doc = NULL;
    int v;
    its_status st = its_test_section(text, &doc, &v, msg, msglen);
    if (st == ITS_OK)
        st = its__trial_read(doc, v, its_model_find("tme"), FILE_NAME, spec, msg, msglen);
    its__ydoc_free(doc);
    return st;
}

static void test_example(void)
{
    its__trial_spec *s = NULL;
    char msg[1024];
    its_status st = load(example, &s, msg, sizeof msg);
    its_test_true(st == ITS_OK && s, "example: read (%s)", msg);
    if (!s)
        return;
    its_test_true(strcmp(s->name, "HD IL-2 vs anti-PD-1 in metastatic melanoma") == 0,
                  "name: %s", s->name);
    its_test_true(s->seed == 20261206u && s->patients == 1000, "seed and patients");
    its_test_true(s->horizon == 730.0, "horizon 730 d in tme's unit (d): %g", s->horizon);
    its_test_true(s->design == ITS__TRIAL_RANDOMISED && s->n_arms == 3, "randomised, 3 arms");
    its_test_true(strcmp(s->arms[0].id, "untreated") == 0 && !s->arms[0].regimen &&
                  !s->arms[0].file, "arm 1: untreated, no therapy");
    its_test_true(strcmp(s->arms[1].id, "hd_il2") == 0 && strcmp(s->arms[1].regimen, "hd_il2")
                  == 0 && s->arms[1].reg_line == 12 && s->arms[1].reg_col == 32,
                  "arm 2: id from the regimen, regimen at 12:32 (%d:%d)", s->arms[1].reg_line,
                  s->arms[1].reg_col);
    its_test_true(strcmp(s->arms[2].id, "apd1") == 0 &&
                  strcmp(s->arms[2].file, "pembrolizumab.yaml") == 0 &&
                  strcmp(s->arms[2].name, "anti-PD-1") == 0 && s->arms[2].line == 13 &&
                  s->arms[2].col == 7, "arm 3: id, file, name, at 13:7");
    its_test_true(s->ratio_sum == 3 && s->block == 6 && s->n_strata == 1 &&
                  strcmp(s->strata[0], "pdl1_0") == 0 && s->strata_line == 9,
                  "ratio sum 3, block 6, strata [pdl1_0] at line 9");
    its__trial_spec_free(s);
    /* defaults; the largest seed; a horizon in weeks; a paired design */
    st = load("trial:\n  name: t\n  seed: 18446744073709551615\n  patients: 10000000\n"
              "  horizon: 2 week\n  arms: [{name: A b}, {name: x, id: 'Y.z'}]\n", &s, msg,
              sizeof msg);
    its_test_true(st == ITS_OK && s && s->seed == UINT64_MAX && s->patients == 10000000L &&
                  s->horizon == 14.0 && s->design == ITS__TRIAL_RANDOMISED &&
                  s->ratio_sum == 2 && s->block == 4 && s->n_strata == 0 &&
                  strcmp(s->arms[0].id, "a_b") == 0 && strcmp(s->arms[1].id, "y_z") == 0,
                  "defaults: ratio 1:1, block 4, seed 2^64-1, 2 week = 14 d, ids a_b, y_z (%s)",
                  msg);
    its__trial_spec_free(s);
    s = NULL;
    st = load("trial:\n  name: t\n  seed: 0\n  patients: 1\n  horizon: 1 d\n  design: paired\n"
              "  arms: [{name: a}, {name: b}]\n", &s, msg, sizeof msg);
    its_test_true(st == ITS_OK && s && s->design == ITS__TRIAL_PAIRED, "paired read (%s)", msg);
    if (s) {
        size_t arm = 99;
        its_test_true(its__trial_allocate(s, 0, 0, &arm) == ITS_EINVAL && arm == 99,
                      "a paired design allocates nothing (every patient gets every arm)");
    }
    its__trial_spec_free(s);
}

#define BASE "trial:\n  name: t\n  seed: 1\n  patients: 10\n  horizon: 730 d\n"
#define ARMS2 "  arms: [{name: a}, {name: b}]\n"

/* Case i: text is refused with status want and a message starting with
 * prefix, nothing returned. */
static void expect_error(size_t i, const char *text, its_status want, const char *prefix)
{
    char msg[1024] = "";
    its__trial_spec *s = NULL;
    its_status st = load(text, &s, msg, sizeof msg);
    int ok = st == want && s == NULL && strncmp(msg, prefix, strlen(prefix)) == 0;
    its_test_true(ok, "error %zu: status %d (want %d): %s", i, (int)st, (int)want, msg);
    its__trial_spec_free(s);
}

static void test_errors(void)
{
    static const struct {
        const char *text;
        its_status st;
        const char *want;
    } cases[] = {
        {"trial: 3\n", ITS_EPARSE, "trial.yaml:1:8: trial: expected a mapping, got a single"},
        {"trial:\n  name: t\n  patients: 10\n  horizon: 1 d\n  arms: [{name: a}]\n", ITS_EPARSE,
         "trial.yaml:2:3: trial: missing key 'seed'"},
        {BASE ARMS2 "  colour: red\n", ITS_EPARSE,
         "trial.yaml:7:3: trial.colour: unknown key (expected one of: name, seed, patients, "
         "horizon, design, ratio, block, strata, arms)"},
        {BASE ARMS2 "  seed: 2\n", ITS_EPARSE, "trial.yaml:7:3: trial.seed: duplicate key"},
        {"trial:\n  name: t\n  seed: -1\n  patients: 10\n  horizon: 1 d\n  arms: [{name: a}]\n", ITS_EPARSE,
         "trial.yaml:3:9: trial.seed: '-1' is not a whole number in [0, 18446744073709551615]"},
        {"trial:\n  name: t\n  seed: 18446744073709551616\n  patients: 10\n  horizon: 1 d\n  arms: [{name: a}]\n", ITS_EPARSE,
         "trial.yaml:3:9: trial.seed: '18446744073709551616' is not a whole number in [0, "},
        {"trial:\n  name: t\n  seed: 1.5\n  patients: 10\n  horizon: 1 d\n  arms: [{name: a}]\n", ITS_EPARSE,
         "trial.yaml:3:9: trial.seed: '1.5' is not a whole number"},
        {"trial:\n  name: t\n  seed: [1]\n  patients: 10\n  horizon: 1 d\n  arms: [{name: a}]\n", ITS_EPARSE,
         "trial.yaml:3:9: trial.seed: expected a single value, got a list"},
        {"trial:\n  name: t\n  seed: 1\n  patients: 0\n  horizon: 1 d\n  arms: [{name: a}]\n", ITS_EPARSE,
         "trial.yaml:4:13: trial.patients: '0' is not a whole number in [1, 10000000]"},
        {"trial:\n  name: t\n  seed: 1\n  patients: 10000001\n  horizon: 1 d\n  arms: [{name: a}]\n", ITS_EPARSE,
         "trial.yaml:4:13: trial.patients: '10000001' is not a whole number in [1, 10000000]"},
        {"trial:\n  name: t\n  seed: 1\n  patients: 10\n  horizon: 730 mg\n  arms: [{name: a}]\n", ITS_EUNIT,
         "trial.yaml:5:12: trial.horizon: "},
        {"trial:\n  name: t\n  seed: 1\n  patients: 10\n  horizon: 0 d\n  arms: [{name: a}]\n", ITS_ERANGE,
         "trial.yaml:5:12: trial.horizon: the horizon must be > 0"},
        {"trial:\n  name: t\n  seed: 1\n  patients: 10\n  horizon: -2 week\n  arms: [{name: a}]\n", ITS_ERANGE,
         "trial.yaml:5:12: trial.horizon: the horizon must be > 0"},
        {BASE ARMS2 "  design: crossover\n", ITS_EPARSE,
         "trial.yaml:7:11: trial.design: unknown design 'crossover' (expected one of: "
         "randomised, paired)"},
        {BASE ARMS2 "  ratio: [1]\n", ITS_EPARSE,
         "trial.yaml:7:10: trial.ratio: 1 numbers for 2 arms: give one per arm"},
        {BASE ARMS2 "  ratio: [1, 0]\n", ITS_EPARSE,
         "trial.yaml:7:14: trial.ratio[2]: '0' is not a whole number in [1, 1000]"},
        {BASE ARMS2 "  ratio: [1, 1.5]\n", ITS_EPARSE,
         "trial.yaml:7:14: trial.ratio[2]: '1.5' is not a whole number in [1, 1000]"},
        {BASE ARMS2 "  ratio: 2\n", ITS_EPARSE,
         "trial.yaml:7:10: trial.ratio: expected a list, got a single value"},
        {BASE ARMS2 "  block: 3\n", ITS_EPARSE,
         "trial.yaml:7:10: trial.block: 3 is not a multiple of the ratios' sum 2"},
        {BASE ARMS2 "  ratio: [2, 1]\n  block: 4\n", ITS_EPARSE,
         "trial.yaml:8:10: trial.block: 4 is not a multiple of the ratios' sum 3"},
        {BASE ARMS2 "  block: 0\n", ITS_EPARSE,
         "trial.yaml:7:10: trial.block: '0' is not a whole number in [1, 1000]"},
        {BASE ARMS2 "  design: paired\n  block: 4\n", ITS_EPARSE,
         "trial.yaml:8:10: trial.block: only for a randomised design"},
        {BASE ARMS2 "  design: paired\n  ratio: [1, 1]\n", ITS_EPARSE,
         "trial.yaml:8:10: trial.ratio: only for a randomised design"},
        {BASE ARMS2 "  design: paired\n  strata: [pdl1_0]\n", ITS_EPARSE,
         "trial.yaml:8:11: trial.strata: only for a randomised design"},
        {BASE ARMS2 "  strata: [nope]\n", ITS_ENOTFOUND,
         "trial.yaml:7:12: trial.strata[1]: 'nope' is not a parameter of the model tme"},
        {BASE ARMS2 "  strata: [pdl1_0, pdl1_0]\n", ITS_EPARSE,
         "trial.yaml:7:20: trial.strata[2]: 'pdl1_0' is given twice"},
        {BASE "  arms: []\n", ITS_EPARSE, "trial.yaml:6:9: trial.arms: 0 arms (give 1 to 1000)"},
        {BASE "  arms: {name: a}\n", ITS_EPARSE,
         "trial.yaml:6:9: trial.arms: expected a list, got a mapping"},
        {BASE "  arms: [{id: x}]\n", ITS_EPARSE,
         "trial.yaml:6:10: trial.arms[1]: missing key 'name' (every arm needs one)"},
        {BASE "  arms: [{name: a, dose: 3}]\n", ITS_EPARSE,
         "trial.yaml:6:20: trial.arms[1].dose: unknown key (expected one of: name, id, "
         "regimen, file)"},
        {BASE "  arms: [{name: a, regimen: hd_il2, file: x.yaml}]\n", ITS_EPARSE,
         "trial.yaml:6:43: trial.arms[1]: give regimen or file, not both"},
        {BASE "  arms: [{name: a}, {name: \"b\\tc\"}]\n", ITS_EPARSE,
         "trial.yaml:6:28: trial.arms[2].name: one line of text, without control characters"},
        {BASE "  arms: [{name: HD IL-2}, {name: hd il-2}]\n", ITS_EPARSE,
         "trial.yaml:6:27: trial.arms[2]: two arms with the identifier 'hd_il-2' (give each "
         "an id)"},
        {BASE "  arms: [{name: a, id: x}, {name: b, id: X}]\n", ITS_EPARSE,
         "trial.yaml:6:28: trial.arms[2]: two arms with the identifier 'x'"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(i, cases[i].text, cases[i].st, cases[i].want);
}

/* Strata against the population: a discrete parameter gives its draw
 * index, a continuous one or one not drawn is refused at the strata list. */
static void test_strata(void)
{
    static const char pop_text[] =
        "population:\n  parameters:\n    tmb: {dist: lognormal, median: 10, gsd: 2.5}\n"
        "    pdl1_0: {dist: discrete, values: [0.5, 1, 2], probs: [0.3, 0.4, 0.3]}\n";
    static const struct {
        const char *strata;
        its_status st;
        const char *want;
    } cases[] = {
        {"[pdl1_0]", ITS_OK, ""},
        {"[pdl1_0, tmb]", ITS_EPARSE, "trial.yaml:7:11: trial.strata[2]: 'tmb' is not drawn "
         "from a discrete distribution"},
        {"[lambda1]", ITS_ENOTFOUND, "trial.yaml:7:11: trial.strata[1]: 'lambda1' is not drawn "
         "by the population"},
    };
    const its_model_def *m = its_model_find("tme");
    its__population *pop = NULL;
    its__ydoc *doc = NULL;
    char msg[1024], text[512];
    size_t i, index[2] = {9, 9};
    int v;
    if (its_test_section(pop_text, &doc, &v, msg, sizeof msg) == ITS_OK)
        its__population_read(doc, v, m, FILE_NAME, &pop, msg, sizeof msg);
    its__ydoc_free(doc);
    its_test_true(pop != NULL, "population for the strata read (%s)", msg);
    for (i = 0; i < 3 && pop; i++) {
        its__trial_spec *s = NULL;
        its_status st;
        snprintf(text, sizeof text, BASE ARMS2 "  strata: %s\n", cases[i].strata);
        if (load(text, &s, msg, sizeof msg) != ITS_OK)
            printf("      %s\n", msg);
        st = s ? its__trial_strata(s, pop, m, FILE_NAME, index, msg, sizeof msg) : ITS_EINVAL;
        its_test_true(st == cases[i].st && strncmp(msg, cases[i].want, strlen(cases[i].want))
                      == 0 && (st != ITS_OK || index[0] == 1),
                      "strata %s: status %d (want %d) %s", cases[i].strata, (int)st,
                      (int)cases[i].st, msg);
        its__trial_spec_free(s);
    }
    its__population_free(pop);
}

/* A randomised spec with these ratios and block (arms a0, a1, ...). */
static its__trial_spec *spec_of(const char *ratio, unsigned block, uint64_t seed)
{
    char text[512], msg[512];
    its__trial_spec *s = NULL;
    snprintf(text, sizeof text, "trial:\n  name: t\n  seed: %llu\n  patients: 1000\n"
             "  horizon: 1 d\n  ratio: %s\n  block: %u\n  arms: [{name: a0}, {name: a1}%s]\n",
             (unsigned long long)seed, ratio, block, strchr(ratio, ',') != strrchr(ratio, ',')
             ? ", {name: a2}" : "");
    if (load(text, &s, msg, sizeof msg) != ITS_OK)
        printf("      spec_of: %s\n", msg);
    return s;
}

/* Within every complete block of a stratum the arm counts are exactly the
 * ratio times block / ratio sum. */
static void test_blocks(void)
{
    its__trial_spec *s = spec_of("[2, 1, 3]", 12, 77);
    uint64_t strata[3];
    double v[2] = {0.5, 1.0};
    int exact = 1, ok = 1;
    size_t k, b, r;
    strata[0] = its__trial_stratum_key(NULL, 0);
    strata[1] = its__trial_stratum_key(v, 1);
    strata[2] = its__trial_stratum_key(v, 2);
    its_test_true(strata[0] != strata[1] && strata[1] != strata[2] &&
                  strata[0] == 0xcbf29ce484222325ULL,
                  "stratum keys differ; no strata is the FNV-1a offset basis");
    v[0] = -0.0;
    its_test_true(its__trial_stratum_key(v, 1) == its__trial_stratum_key((double[]){0.0}, 1),
                  "-0 and 0 are the same stratum");
    for (k = 0; k < 3 && s; k++)
        for (b = 0; b < 200; b++) {
            size_t count[3] = {0, 0, 0}, arm;
            for (r = 0; r < 12; r++) {
                ok &= its__trial_allocate(s, strata[k], b * 12 + r, &arm) == ITS_OK;
                count[arm < 3 ? arm : 0]++;
            }
            exact &= count[0] == 4 && count[1] == 2 && count[2] == 6;
        }
    its_test_true(s && ok && exact, "600 blocks of 12 with ratio 2:1:3: each exactly 4, 2, 6");
    its__trial_spec_free(s);
}

/* 1,000 patients in three strata (ratio 2:1, block 6): per stratum the
 * complete blocks are exactly 2:1, so arm 0 differs from 2/3 of the
 * stratum by less than one block; the ranks' arms do not depend on the
 * order in which they are computed; another seed gives another sequence. */
static void test_thousand(void)
{
    enum { N = 1000 };
    its__trial_spec *s = spec_of("[2, 1]", 6, 20261206), *s2 = spec_of("[2, 1]", 6, 20261207);
    static uint64_t key[N];
    static size_t arm[N], again[N];
    size_t n_s[3] = {0, 0, 0}, c0[3] = {0, 0, 0}, i, k, total0 = 0, differ = 0;
    int within = 1, same = 1;
    its__rng_key rk = {99, 0, ITS__RNG_ALLOCATION, 7};
    if (!s || !s2)
        goto out;
    for (i = 0; i < N; i++) {
        double v = (double)(unsigned)(its__rng_u01(&rk, i) * 3.0); /* stratum 0, 1 or 2 */
        key[i] = its__trial_stratum_key(&v, 1);
    }
    its_test_true(its__trial_allocate_all(s, N, key, arm) == ITS_OK, "1000 patients allocated");
    for (i = 0; i < N; i++) {
        double v = (double)(unsigned)(its__rng_u01(&rk, i) * 3.0);
        k = (size_t)v;
        n_s[k]++;
        c0[k] += arm[i] == 0;
        total0 += arm[i] == 0;
    }
    for (k = 0; k < 3; k++) {
        double dev = (double)c0[k] - 2.0 * (double)n_s[k] / 3.0;
        printf("      stratum %zu: %zu patients, %zu in arm 0 (2/3: %.1f)\n", k, n_s[k], c0[k],
               2.0 * (double)n_s[k] / 3.0);
        within &= fabs(dev) < 6.0;
    }
    its_test_true(within, "per stratum arm 0 is 2/3 of the patients within one block of 6");
    its_test_abs((double)total0, 2000.0 / 3.0, 3 * 6, "arm 0 of 1000 patients (2:1)");
    /* the same ranks computed backwards, one by one, stratum by stratum */
    for (i = N; i-- > 0;) {
        size_t rank = 0, j;
        for (j = 0; j < i; j++)
            rank += key[j] == key[i];
        same &= its__trial_allocate(s, key[i], rank, &again[i]) == ITS_OK && again[i] == arm[i];
    }
    its_test_true(same, "each patient's arm is the same computed alone, in reverse order");
    its_test_true(its__trial_allocate_all(s2, N, key, again) == ITS_OK, "seed + 1 allocated");
    for (i = 0; i < N; i++)
        differ += again[i] != arm[i];
    /* two independent 2:1 sequences differ in 4/9 of places: ~444 of 1000 */
    its_test_true(differ > 300, "another seed gives another sequence: %zu of 1000 differ",
                  differ);
out:
    its__trial_spec_free(s);
    its__trial_spec_free(s2);
}

/* Ratio 1:1 in blocks of 4: the 6 orders of a block are equally likely
 * (20,000 blocks; each frequency within 5 SE of 1/6, SE sqrt(5/36/n)). */
static void test_uniform(void)
{
    enum { NB = 20000 };
    its__trial_spec *s = spec_of("[1, 1]", 4, 3);
    size_t freq[16] = {0}, b, r, arm;
    int k, ok = 1;
    for (b = 0; b < NB && s; b++) {
        unsigned code = 0;
        for (r = 0; r < 4; r++) {
            ok &= its__trial_allocate(s, 12345, b * 4 + r, &arm) == ITS_OK;
            code = code * 2 + (unsigned)arm;
        }
        freq[code & 15]++;
    }
    for (k = 0; k < 16; k++) {
        int two = __builtin_popcount((unsigned)k) == 2;
        if (two)
            its_test_abs((double)freq[k] / NB, 1.0 / 6.0, 5 * sqrt(5.0 / 36.0 / NB),
                         "order %d%d%d%d of a block of 4", k >> 3 & 1, k >> 2 & 1, k >> 1 & 1,
                         k & 1);
        else
            ok &= freq[k] == 0;
    }
    its_test_true(s && ok, "every block holds two of each arm");
    its__trial_spec_free(s);
}

/* Every allocation of reading the example fails in turn, then that of
 * allocating all patients: ITS_ENOMEM, nothing returned or written. */
static void test_nomem(void)
{
    its__trial_spec *s = NULL;
    uint64_t key[3] = {1, 2, 1};
    size_t arm[3] = {7, 7, 7};
    long n;
    int ok = 1;
    char msg[256];
    for (n = 1; n < 10000; n++) {
        its_status st;
        s = NULL;
        its__alloc_fail_at(n, 0);
        st = load(example, &s, msg, sizeof msg);
        if (its__alloc_failed() == 0) {
            its__alloc_fail_at(0, 0);
            ok &= st == ITS_OK;
            break;
        }
        its__alloc_fail_at(0, 0);
        ok &= st == ITS_ENOMEM && s == NULL;
        its__trial_spec_free(s);
    }
    its_test_true(ok && n > 1, "each of %ld allocations of reading failing gives ITS_ENOMEM",
                  n - 1);
    if (s) {
        its_status st;
        its__alloc_fail_at(1, 0);
        st = its__trial_allocate_all(s, 3, key, arm);
        its__alloc_fail_at(0, 0);
        its_test_true(st == ITS_ENOMEM && arm[0] == 7 && arm[1] == 7 && arm[2] == 7,
                      "allocate_all: ITS_ENOMEM, arms untouched");
        its_test_true(its__trial_allocate_all(s, 3, key, arm) == ITS_OK && arm[0] < 3,
                      "then it succeeds");
    }
    its__trial_spec_free(s);
}

int main(void)
{
    test_example();
    test_errors();
    test_strata();
    test_blocks();
    test_thousand();
    test_uniform();
    test_nomem();
    return its_test_done();
}
