/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the `trial:` section of a trial file (docs/trial.md, "Trial
 * section"): name, seed, patients, horizon, design, ratio, block, strata
 * and arms, read with FILE:LINE:COL: KEY errors as scenario errors are;
 * and stratified permuted-block allocation of patients to arms, a pure
 * function of (seed, stratum, rank within the stratum). */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <stdlib.h>
#include <string.h>

enum { TK_NAME, TK_SEED, TK_PATIENTS, TK_HORIZON, TK_DESIGN, TK_RATIO, TK_BLOCK, TK_STRATA, TK_ARMS,
       TK_N };
static const char *const trial_keys[TK_N] = {"name", "seed", "patients", "horizon", "design",
                                            "ratio", "block", "strata", "arms"};

void its__trial_spec_free(its__trial_spec *spec)
{
    size_t i;
    if (!spec)
        return;
    for (i = 0; spec->arms && i < spec->n_arms; i++) {
        its__free(spec->arms[i].name);
        its__free(spec->arms[i].regimen);
        its__free(spec->arms[i].file);
    }
    for (i = 0; spec->strata && i < spec->n_strata; i++)
        its__free(spec->strata[i]);
    its__free(spec->arms);
    its__free(spec->strata);
    its__free(spec->name);
    its__free(spec);
}

/* The pairs of the mapping at node into at[] (0: absent) by the names in
 * keys; an unknown or duplicate key is an error. */
static its_status read_keys(const its__yctx *c, int node, const char *key,
                            const char *const *keys, int nkeys, int *at)
{
    char sub[300], known[200];
    size_t i, n;
    int k, v, f;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_MAPPING, key)) != ITS_OK)
        return st;
    for (f = 0; f < nkeys; f++)
        at[f] = 0;
    n = its__ynode_size(c->doc, node);
    for (i = 0; i < n; i++) {
        const char *name = its__yc_pair(c, node, i, key, &k, &v, sub, &st);
        if (!name)
            return st;
        f = its__sc_key_index(name, keys, nkeys);
        if (f < 0) {
            its__sc_key_list(known, sizeof known, keys, nkeys);
            return its__yc_fail(c, ITS_EPARSE, k, sub, "unknown key (expected one of: %s)",
                                known);
        }
        if (at[f])
            return its__yc_fail(c, ITS_EPARSE, k, sub, "duplicate key");
        at[f] = v;
    }
    return ITS_OK;
}

/* A whole number in [lo, hi] at node (decimal digits only). */
static its_status whole(const its__yctx *c, int node, const char *key, uint64_t lo,
                        uint64_t hi, uint64_t *out)
{
    its_status st;
    const char *s = its__yc_text(c, node, key, &st);
    uint64_t x = 0;
    size_t i;
    int over = 0;
    if (!s)
        return st;
    for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
        if (x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            over = 1;
        else
            x = x * 10 + (uint64_t)(s[i] - '0');
    }
    if (i == 0 || s[i] != '\0' || over || x < lo || x > hi)
        return its__yc_fail(c, ITS_EPARSE, node, key,
                            "'%s' is not a whole number in [%llu, %llu]", s,
                            (unsigned long long)lo, (unsigned long long)hi);
    *out = x;
    return ITS_OK;
}

/* A one-line text at node, its__strdup'ed into *out. */
static its_status text(const its__yctx *c, int node, const char *key, char **out)
{
    its_status st;
    const char *s = its__yc_text(c, node, key, &st);
    size_t k;
    if (!s)
        return st;
    if (!*s || its__sc_null_text(s))
        return its__yc_fail(c, ITS_EPARSE, node, key, "missing value");
    for (k = 0; s[k]; k++)
        if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
            return its__yc_fail(c, ITS_EPARSE, node, key,
                                "one line of text, without control characters");
    *out = its__strdup(s);
    return *out ? ITS_OK : its__yc_nomem(c);
}

/* Arm i at node into a (its identifier unique among arms 0..i-1). */
static its_status read_arm(const its__yctx *c, int node, its__trial_spec *spec, size_t i)
{
    its__trial_arm *a = &spec->arms[i];
    char key[64], sub[96];
    int at[A_N], f;
    size_t j;
    its_status st;
    its__fmt(key, sizeof key, "trial.arms[%zu]", i + 1);
    its__ynode_pos(c->doc, node, &a->line, &a->col);
    if ((st = read_keys(c, node, key, arm_keys, A_N, at)) != ITS_OK)
        return st;
    if (!at[A_NAME])
        return its__yc_fail(c, ITS_EPARSE, node, key, "missing key 'name' (every arm needs one)");
    if (at[A_REGIMEN] && at[A_FILE])
        return its__yc_fail(c, ITS_EPARSE, at[A_FILE], key, "give regimen or file, not both");
    for (f = 0; f < A_N; f++) {
        char **dst = f == A_NAME ? &a->name : f == A_REGIMEN ? &a->regimen : &a->file;
        if (!at[f] || f == A_ID)
            continue;
        its__fmt(sub, sizeof sub, "%s.%s", key, arm_keys[f]);
        if ((st = text(c, at[f], sub, dst)) != ITS_OK)
            return st;
    }
    if (at[A_REGIMEN] || at[A_FILE])
        its__ynode_pos(c->doc, at[A_REGIMEN] ? at[A_REGIMEN] : at[A_FILE], &a->reg_line,
                       &a->reg_col);
    if (at[A_ID]) {
        char *id = NULL;
        its__fmt(sub, sizeof sub, "%s.id", key);
        if ((st = text(c, at[A_ID], sub, &id)) != ITS_OK)
            return st;
        its__sc_arm_id(id, i, a->id);
        its__free(id);
    } else {
        its__sc_arm_id(a->regimen ? a->regimen : a->name, i, a->id);
    }
    a->ratio = 1;
    for (j = 0; j < i; j++)
        if (strcmp(spec->arms[j].id, a->id) == 0)
            return its__yc_fail(c, ITS_EPARSE, node, key,
                                "two arms with the identifier '%s' (give each an id)", a->id);
    return ITS_OK;
}

static its_status read_arms(const its__yctx *c, int node, its__trial_spec *spec)
{
    size_t i, n;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "trial.arms")) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, node);
    if (n == 0 || n > MAX_ARMS)
        return its__yc_fail(c, ITS_EPARSE, node, "trial.arms", "%zu arms (give 1 to %d)", n,
                            MAX_ARMS);
    spec->arms = its__calloc(n, sizeof *spec->arms);
    if (!spec->arms)
        return its__yc_nomem(c);
    for (i = 0; i < n; i++) {
        spec->n_arms = i + 1; /* so that a failure frees what was read */
        if ((st = read_arm(c, its__ynode_item(c->doc, node, i), spec, i)) != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* ratio: one positive whole number per arm. */
static its_status read_ratio(const its__yctx *c, int node, its__trial_spec *spec)
{
    char sub[64];
    size_t i, n;
    uint64_t x;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "trial.ratio")) != ITS_OK)
        return st;
    n = its__ynode_size(c->doc, node);
    if (n != spec->n_arms)
        return its__yc_fail(c, ITS_EPARSE, node, "trial.ratio",
                            "%zu numbers for %zu arms: give one per arm", n, spec->n_arms);
    spec->ratio_sum = 0;
    for (i = 0; i < n; i++) {
        its__fmt(sub, sizeof sub, "trial.ratio[%zu]", i + 1);
        st = whole(c, its__ynode_item(c->doc, node, i), sub, 1, ITS__TRIAL_MAX_BLOCK, &x);
        if (st != ITS_OK)
            return st;
        spec->arms[i].ratio = (unsigned)x;
        spec->ratio_sum += (unsigned)x;
    }
    if (spec->ratio_sum > ITS__TRIAL_MAX_BLOCK)
        return its__yc_fail(c, ITS_EPARSE, node, "trial.ratio",
                            "the ratios sum to %u: at most %ld", spec->ratio_sum,
                            ITS__TRIAL_MAX_BLOCK);
    return ITS_OK;
}

/* strata: a list of model parameters, each once. */
static its_status read_strata(const its__yctx *c, int node, its__trial_spec *spec)
{
    char sub[64];
    size_t i, j, n;
    its_status st;
    if ((st = its__yc_expect(c, node, ITS__Y_SEQUENCE, "trial.strata")) != ITS_OK)
        return st;
    its__ynode_pos(c->doc, node, &spec->strata_line, &spec->strata_col);
    n = its__ynode_size(c->doc, node);
    spec->strata = its__calloc(n ? n : 1, sizeof *spec->strata);
    if (!spec->strata)
        return its__yc_nomem(c);
    for (i = 0; i < n; i++) {
        int item = its__ynode_item(c->doc, node, i);
        its__fmt(sub, sizeof sub, "trial.strata[%zu]", i + 1);
        spec->n_strata = i + 1;
        if ((st = text(c, item, sub, &spec->strata[i])) != ITS_OK)
            return st;
        if (its_model_param_index(c->m, spec->strata[i]) < 0)
            return its__yc_fail(c, ITS_ENOTFOUND, item, sub,
                                "'%s' is not a parameter of the model %s", spec->strata[i],
                                c->m->name);
        for (j = 0; j < i; j++)
            if (strcmp(spec->strata[j], spec->strata[i]) == 0)
                return its__yc_fail(c, ITS_EPARSE, item, sub, "'%s' is given twice",
                                    spec->strata[i]);
    }
    return ITS_OK;
}

/* design, ratio, block and strata (after the arms). */
static its_status read_design(const its__yctx *c, const int *at, its__trial_spec *spec)
{
    its_status st;
    uint64_t x;
    int k;
    spec->design = ITS__TRIAL_RANDOMISED;
    if (at[TK_DESIGN]) {
        const char *s = its__yc_text(c, at[TK_DESIGN], "trial.design", &st);
        if (!s)
            return st;
        if (strcmp(s, "paired") == 0)
            spec->design = ITS__TRIAL_PAIRED;
        else if (strcmp(s, "randomised") != 0)
            return its__yc_fail(c, ITS_EPARSE, at[TK_DESIGN], "trial.design",
                                "unknown design '%s' (expected one of: randomised, paired)", s);
    }
    if (spec->design == ITS__TRIAL_PAIRED) {
        for (k = TK_RATIO; k <= TK_STRATA; k++)
            if (at[k]) {
                char sub[32];
                its__fmt(sub, sizeof sub, "trial.%s", trial_keys[k]);
                return its__yc_fail(c, ITS_EPARSE, at[k], sub,
                                    "only for a randomised design (a paired design gives "
                                    "every patient every arm)");
            }
        return ITS_OK;
    }
    spec->ratio_sum = (unsigned)spec->n_arms;
    if (at[TK_RATIO] && (st = read_ratio(c, at[TK_RATIO], spec)) != ITS_OK)
        return st;
    spec->block = 2 * spec->ratio_sum <= ITS__TRIAL_MAX_BLOCK ? 2 * spec->ratio_sum
                                                              : spec->ratio_sum;
    if (at[TK_BLOCK]) {
        if ((st = whole(c, at[TK_BLOCK], "trial.block", 1, ITS__TRIAL_MAX_BLOCK, &x)) != ITS_OK)
            return st;
        if (x % spec->ratio_sum != 0)
            return its__yc_fail(c, ITS_EPARSE, at[TK_BLOCK], "trial.block",
                                "%llu is not a multiple of the ratios' sum %u",
                                (unsigned long long)x, spec->ratio_sum);
        spec->block = (unsigned)x;
    }
    if (at[TK_STRATA] && (st = read_strata(c, at[TK_STRATA], spec)) != ITS_OK)
        return st;
    return ITS_OK;
}

static its_status read_section(const its__yctx *c, int node, its__trial_spec *spec)
{
    static const int needed[] = {TK_NAME, TK_SEED, TK_PATIENTS, TK_HORIZON, TK_ARMS};
    int at[TK_N];
    uint64_t x;
    size_t i;
    its_status st;
    if ((st = read_keys(c, node, "trial", trial_keys, TK_N, at)) != ITS_OK)
        return st;
    for (i = 0; i < sizeof needed / sizeof *needed; i++)
        if (!at[needed[i]])
            return its__yc_fail(c, ITS_EPARSE, node, "trial", "missing key '%s'",
                                trial_keys[needed[i]]);
    if ((st = text(c, at[TK_NAME], "trial.name", &spec->name)) != ITS_OK)
        return st;
    if ((st = whole(c, at[TK_SEED], "trial.seed", 0, UINT64_MAX, &spec->seed)) != ITS_OK)
        return st;
    st = whole(c, at[TK_PATIENTS], "trial.patients", 1, ITS__TRIAL_MAX_PATIENTS, &x);
    if (st != ITS_OK)
        return st;
    spec->patients = (long)x;
    st = its__yc_quantity(c, at[TK_HORIZON], "trial.horizon", c->m->time_unit, &spec->horizon);
    if (st != ITS_OK)
        return st;
    if (!(spec->horizon > 0))
        return its__yc_fail(c, ITS_ERANGE, at[TK_HORIZON], "trial.horizon",
                            "the horizon must be > 0");
    if ((st = read_arms(c, at[TK_ARMS], spec)) != ITS_OK)
        return st;
    return read_design(c, at, spec);
}

its_status its__trial_read(const its__ydoc *doc, int node, const its_model_def *m,
                           const char *file, its__trial_spec **out, char *msg, size_t msglen)
{
    its__yctx c;
    its__trial_spec *spec;
    its_status st;
    if (out)
        *out = NULL;
    st = its__yc_begin(&c, doc, m, file, msg, msglen, out != NULL, "its__trial_read");
    if (st != ITS_OK)
        return st;
    spec = its__calloc(1, sizeof *spec);
    if (!spec)
        return its__yc_nomem(&c);
    st = read_section(&c, node, spec);
    if (st != ITS_OK) {
        its__trial_spec_free(spec);
        return st;
    }
    *out = spec;
    return ITS_OK;
}

/* "FILE:LINE:COL: KEY: message" at the strata list. */
static its_status strata_fail(const its__trial_spec *spec, const char *file, its_status st,
                              const char *key, const char *what, char *msg, size_t msglen)
{
    if (msg && msglen)
        its__fmt(msg, msglen, "%s:%d:%d: %s: %s", file ? file : "trial", spec->strata_line,
                 spec->strata_col, key, what);
    return st;
}

its_status its__trial_strata(const its__trial_spec *spec, const its__population *pop,
                             const its_model_def *m, const char *file, size_t *index,
                             char *msg, size_t msglen)
{
    char key[64], what[256];
    size_t k, i, n = its__population_size(pop);
    if (msg && msglen)
        msg[0] = '\0';
    if (!spec || !pop || !m || (spec->n_strata && !index)) {
        if (msg && msglen)
            its__fmt(msg, msglen, "%s", "its__trial_strata: NULL argument");
        return ITS_EINVAL;
    }
    for (k = 0; k < spec->n_strata; k++) {
        const its__dist *d;
        int pi = its_model_param_index(m, spec->strata[k]);
        its__fmt(key, sizeof key, "trial.strata[%zu]", k + 1);
        for (i = 0; i < n && its__population_param(pop, i) != pi; i++)
            ;
        if (pi < 0 || i == n) {
            its__fmt(what, sizeof what, "'%s' is not drawn by the population", spec->strata[k]);
            return strata_fail(spec, file, ITS_ENOTFOUND, key, what, msg, msglen);
        }
        d = its__population_dist(pop, i);
        if (d->kind != ITS__DIST_DISCRETE && d->kind != ITS__DIST_FIXED) {
            its__fmt(what, sizeof what, "'%s' is not drawn from a discrete distribution (a "
                     "continuous value would make a stratum of each patient)", spec->strata[k]);
            return strata_fail(spec, file, ITS_EPARSE, key, what, msg, msglen);
        }
        index[k] = i;
    }
    return ITS_OK;
}

/* ---- allocation ----------------------------------------------------------- */

uint64_t its__trial_stratum_key(const double *values, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    int b;
    for (i = 0; i < n; i++) {
        double v = values[i] == 0.0 ? 0.0 : values[i];
        uint64_t w;
        memcpy(&w, &v, sizeof w);
        for (b = 0; b < 8; b++) {
            h ^= (w >> (8 * b)) & 0xffu;
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}

its_status its__trial_allocate(const its__trial_spec *spec, uint64_t stratum, uint64_t rank,
                               size_t *arm)
{
    uint16_t slot[ITS__TRIAL_MAX_BLOCK];
    its__rng_key key;
    uint64_t blk;
    unsigned n, j, k, per;
    size_t a;
    if (!spec || !arm || spec->design != ITS__TRIAL_RANDOMISED || spec->block == 0 ||
        spec->block > ITS__TRIAL_MAX_BLOCK || spec->ratio_sum == 0 ||
        spec->block % spec->ratio_sum != 0)
        return ITS_EINVAL;
    n = spec->block;
    blk = rank / n;
    if (blk > UINT32_MAX)
        return ITS_EINVAL;
    /* the block in arm order: arm a takes ratio[a] * block / ratio_sum slots */
    per = n / spec->ratio_sum;
    for (a = 0, j = 0; a < spec->n_arms; a++)
        for (k = 0; k < spec->arms[a].ratio * per && j < n; k++)
            slot[j++] = (uint16_t)a;
    /* Fisher-Yates, uniform number i for the swap at position n - 1 - i */
    key.seed = spec->seed;
    key.patient = stratum;
    key.purpose = ITS__RNG_ALLOCATION;
    key.stream = (uint32_t)blk;
    for (j = n - 1; j > 0; j--) {
        unsigned r = (unsigned)(its__rng_u01(&key, n - 1 - j) * (double)(j + 1));
        uint16_t t = slot[j];
        if (r > j)
            r = j;
        slot[j] = slot[r];
        slot[r] = t;
    }
    *arm = slot[rank % n];
    return ITS_OK;
}

typedef struct rank_item {
    uint64_t stratum;
    size_t patient;
} rank_item;

static int by_stratum(const void *pa, const void *pb)
{
    const rank_item *a = pa, *b = pb;
    if (a->stratum != b->stratum)
        return a->stratum < b->stratum ? -1 : 1;
    return a->patient < b->patient ? -1 : a->patient > b->patient;
}

its_status its__trial_allocate_all(const its__trial_spec *spec, size_t n,
                                   const uint64_t *stratum, size_t *arm)
{
    rank_item *it;
    size_t i, rank = 0;
    its_status st = ITS_OK;
    if (!spec || (n && (!stratum || !arm)) || spec->design != ITS__TRIAL_RANDOMISED)
        return ITS_EINVAL;
    if (n == 0)
        return ITS_OK;
    it = its__malloc(n * sizeof *it);
    if (!it)
        return ITS_ENOMEM;
    for (i = 0; i < n; i++) {
        it[i].stratum = stratum[i];
        it[i].patient = i;
    }
    qsort(it, n, sizeof *it, by_stratum);
    for (i = 0; i < n && st == ITS_OK; i++) {
        rank = i > 0 && it[i].stratum == it[i - 1].stratum ? rank + 1 : 0;
        st = its__trial_allocate(spec, it[i].stratum, rank, &arm[it[i].patient]);
    }
    its__free(it);
    return st;
}
