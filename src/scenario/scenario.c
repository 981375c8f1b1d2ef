/* itsim: scenario files. Loads YAML through io/yaml_adapter, checks every
 * name and unit against the model, applies overrides and runs the plan. */
#include "scenario/scenario_impl.h"
#include "itsim/agents.h"
#include "io/yaml_adapter.h"
#include "itsim/itsim.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES ((size_t)16 << 20)  /* larger files are refused */
#define MAX_DOSES 100000L                   /* administrations per scenario */
#define MAX_GRID 5000000.0                  /* output grid rows */
#define MAX_ARMS 1000                       /* arms of a comparison (each holds a
                                               scenario and, run, a result) */
#define TIME_RTOL 1e-9                      /* "inclusive" time comparisons */

/* A raw value from the file or the command line, kept as text so that it
 * can be converted again when the model changes (--model). */
typedef struct sval {
    char *text;          /* NULL when absent */
    int line, col;       /* 1-based position in the file, 0 otherwise */
    const char *origin;  /* "--set", "--model" for command-line values */
    const char *file;    /* the file it comes from when not the scenario's
                            own (arms taking therapy from another file) */
} sval;

/* NAME: VALUE from parameters, initial, or a --set override. */
typedef struct sentry {
    sval key;
    sval val;
} sentry;

enum { T_INPUT, T_DOSE, T_RATE, T_START, T_EVERY, T_UNTIL, T_COUNT,
       T_DURATION, T_AGENT, T_ROUTE, T_LESION, T_RELEASE, T_RELEASE_TIME,
       T_RELEASE_SHAPE, T_BURST, T_DAYS, T_WEEKS, T_CYCLE, T_CYCLES, T_CARRIER,
       T_TUMOUR_FRACTION, T_CIRCULATION_TIME, T_N };
static const char *const therapy_keys[T_N] = {
    "input", "dose", "rate", "start", "every", "until", "count", "duration",
    "agent", "route", "lesion", "release", "release_time", "release_shape",
    "burst", "days", "weeks", "cycle", "cycles", "carrier", "tumour_fraction",
    "circulation_time"};

/* Release laws by name (itsim/sim.h its_release_law). */
static const char *const release_names[] = {"zero_order", "first_order", "higuchi",
                                            "peppas", "weibull"};

/* patient: {weight: 70 kg, height: 175 cm, age: 60 y, bsa: mosteller} */
enum { PT_WEIGHT, PT_HEIGHT, PT_BSA, PT_AGE, PT_N };
static const char *const patient_keys[PT_N] = {"weight", "height", "bsa", "age"};

/* Plausible human ranges of the patient block, checked whether or not a
 * dose uses them. All assumed, set just beyond the widely reported human
 * records (heaviest about 635 kg, tallest 272 cm, oldest 122 years), with
 * room below for children; they catch sign, unit and typing errors
 * ("-70 kg", "70 g", "1750 cm"), not unusual patients. */
static const struct {
    const char *unit;
    double lo, hi;
} patient_range[PT_N] = {
    [PT_WEIGHT] = {"kg", 1.0, 650.0},
    [PT_HEIGHT] = {"cm", 30.0, 275.0},
    [PT_AGE] = {"y", 0.0, 125.0},
};

enum { S_START, S_UNTIL, S_OUTPUT_EVERY, S_RTOL, S_ATOL, S_METHOD,
       S_MAX_STEPS, S_N };
static const char *const simulate_keys[S_N] = {
    "start", "until", "output_every", "rtol", "atol", "method", "max_steps"};

/* clinical: {assess_every: 8 weeks, confirm_after: 28 d, ...} (docs/clinical.md) */
enum { C_ASSESS_EVERY, C_FIRST, C_CONFIRM, C_SD_MIN, C_MONITOR, C_ANC_LLN,
       C_LETHAL, C_ORGANS, C_MEASURABLE, C_DETECT, C_STOP_PD, C_N };
static const char *const clinical_keys[C_N] = {
    "assess_every", "first_assessment", "confirm_after", "sd_min", "monitor_every",
    "anc_lln", "lethal_burden", "organs", "measurable", "detection_limit",
    "stop_at_progression"};

/* arms: - {name: "HD IL-2", regimen: hd_il2} | {name: ..., file: other.yaml} */
enum { A_NAME, A_ID, A_REGIMEN, A_FILE, A_N };
static const char *const arm_keys[A_N] = {"name", "id", "regimen", "file"};

enum { K_MODEL, K_SET, K_DESCRIPTION, K_PARAMETERS, K_INITIAL, K_THERAPY,
       K_SIMULATE, K_PROVENANCE, K_PATIENT, K_RULES, K_CLINICAL, K_ARMS, K_N };
static const char *const top_keys[K_N] = {
    "model", "parameter_set", "description", "parameters", "initial",
    "therapy", "simulate", "provenance", "patient", "rules", "clinical", "arms"};

/* rules: - {hold_if: "perm > 1.5", applies_to: il2}, {reduce_if: ..., factor: 0.5},
 * {stop_if: ...} */
enum { R_HOLD, R_REDUCE, R_STOP, R_FACTOR, R_APPLIES, R_N };
static const char *const rule_keys[R_N] = {"hold_if", "reduce_if", "stop_if", "factor",
                                           "applies_to"};

typedef struct sitem {
    sval at;             /* position of the item (text unused) */
    sval f[T_N];
} sitem;

struct its_scenario {
    char *name;          /* file name or the name given to load_string */
    sval model, set, description;
    sentry *params;
    size_t n_params;
    sentry *initial;
    size_t n_initial;
    sitem *therapy;
    size_t n_therapy;
    sval sim[S_N];
    sval patient[PT_N];
    sval clin[C_N];
    sitem *rules;        /* f[] indexed by R_* */
    size_t n_rules;
    sitem *arms;         /* f[] indexed by A_* */
    size_t n_arms;
    its_scenario **arm_sc; /* per arm: the regimen or file it takes therapy from */
    char (*arm_id)[48];  /* per arm: identifier for file names */
    sentry *ovr;         /* --set NAME=VALUE, in order */
    size_t n_ovr;
    int nested;          /* loaded as an arm: may not have arms (kept by clear) */
    int from_file;       /* name is the file it was read from (its_scenario_file) */
    int has_until_value; /* its_scenario_set_until */
    double until_value;
    char err[ITS__ERRLEN];
    char warn[4 * ITS__ERRLEN]; /* warnings of the last check, one per line */
};

/* ---- small helpers -------------------------------------------------------- */

static void fmt_into(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fmt_into(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

static char *dup_mem(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static char *dup_str(const char *s)
{
    return dup_mem(s, strlen(s));
}

static void sval_clear(sval *v)
{
    free(v->text);
    memset(v, 0, sizeof *v);
}

static void entries_free(sentry *e, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        sval_clear(&e[i].key);
        sval_clear(&e[i].val);
    }
    free(e);
}

/* Drop everything loaded (name, file contents, overrides). */
static void scenario_clear(its_scenario *sc)
{
    size_t i, k;
    free(sc->name);
    sc->name = NULL;
    sval_clear(&sc->model);
    sval_clear(&sc->set);
    sval_clear(&sc->description);
    entries_free(sc->params, sc->n_params);
    sc->params = NULL;
    sc->n_params = 0;
    entries_free(sc->initial, sc->n_initial);
    sc->initial = NULL;
    sc->n_initial = 0;
    for (i = 0; i < sc->n_therapy; i++)
        for (k = 0; k < T_N; k++)
            sval_clear(&sc->therapy[i].f[k]);
    free(sc->therapy);
    sc->therapy = NULL;
    sc->n_therapy = 0;
    for (k = 0; k < S_N; k++)
        sval_clear(&sc->sim[k]);
    for (k = 0; k < PT_N; k++)
        sval_clear(&sc->patient[k]);
    for (k = 0; k < C_N; k++)
        sval_clear(&sc->clin[k]);
    for (i = 0; i < sc->n_rules; i++)
        for (k = 0; k < R_N; k++)
            sval_clear(&sc->rules[i].f[k]);
    free(sc->rules);
    sc->rules = NULL;
    sc->n_rules = 0;
    for (i = 0; i < sc->n_arms; i++) {
        for (k = 0; k < A_N; k++)
            sval_clear(&sc->arms[i].f[k]);
        if (sc->arm_sc)
            its_scenario_free(sc->arm_sc[i]);
    }
    free(sc->arms);
    free(sc->arm_sc);
    free(sc->arm_id);
    sc->arms = NULL;
    sc->arm_sc = NULL;
    sc->arm_id = NULL;
    sc->n_arms = 0;
    entries_free(sc->ovr, sc->n_ovr);
    sc->ovr = NULL;
    sc->n_ovr = 0;
    sc->has_until_value = 0;
    sc->until_value = 0.0;
}

/* Record an error "FILE:LINE:COL: KEY: message" (or "ORIGIN: KEY: message"
 * for command-line values, "FILE: KEY: message" without a position). */
static its_status fail(its_scenario *sc, its_status st, const sval *at,
                       const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static its_status fail(its_scenario *sc, its_status st, const sval *at,
                       const char *key, const char *fmt, ...)
{
    char msg[ITS__ERRLEN];
    const char *src = sc->name ? sc->name : "scenario";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at && at->file)
        src = at->file;
    if (at && at->origin)
        fmt_into(sc->err, sizeof sc->err, "%s: %s: %s", at->origin, key, msg);
    else if (at && at->line > 0)
        fmt_into(sc->err, sizeof sc->err, "%s:%d:%d: %s: %s", src, at->line,
                 at->col, key, msg);
    else
        fmt_into(sc->err, sizeof sc->err, "%s: %s: %s", src, key, msg);
    return st;
}

static its_status fail_nomem(its_scenario *sc)
{
    fmt_into(sc->err, sizeof sc->err, "%s", "out of memory");
    return ITS_ENOMEM;
}

/* A check on a value derived from several settings (a horizon divided by
 * an interval, a dose time against the horizon) names one of them, and
 * only one that the user wrote: a command-line value first (it is what
 * turned a file that was valid as written into a failing one), else the
 * first of cand[] that the file sets. Returns its index, or n when every
 * candidate is a default (then the caller names the block). */
static size_t blame(const sval *const *cand, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (cand[i] && cand[i]->origin)
            return i;
    for (i = 0; i < n; i++)
        if (cand[i] && (cand[i]->text || cand[i]->line > 0))
            return i;
    return n;
}

/* Where the horizon comes from: simulate.until in the file or from --set
 * (--until in the CLI), or its_scenario_set_until (*cli, "--until"). */
static const sval *horizon_sval(const its_scenario *sc, sval *cli)
{
    memset(cli, 0, sizeof *cli);
    cli->origin = "--until";
    cli->text = NULL;
    return sc->has_until_value ? cli : &sc->sim[S_UNTIL];
}

/* A YAML null: an empty plain scalar, "~" or "null". */
static int is_null_text(const char *s)
{
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int is_null_node(const its__ydoc *doc, int node)
{
    const char *s = its__ynode_scalar(doc, node, NULL);
    return s && its__ynode_plain(doc, node) && is_null_text(s);
}

static const char *kind_name(its__ykind k)
{
    switch (k) {
    case ITS__Y_SCALAR: return "a single value";
    case ITS__Y_SEQUENCE: return "a list";
    case ITS__Y_MAPPING: return "a mapping";
    case ITS__Y_NONE: break;
    }
    return "nothing";
}

static void node_sval(const its__ydoc *doc, int node, sval *v)
{
    its__ynode_pos(doc, node, &v->line, &v->col);
    v->origin = NULL;
}

/* Copy the scalar at node into *out (with its position). */
static its_status take_scalar(its_scenario *sc, const its__ydoc *doc, int node,
                              const char *key, sval *out)
{
    size_t len;
    const char *s = its__ynode_scalar(doc, node, &len);
    sval at;
    memset(&at, 0, sizeof at);
    node_sval(doc, node, &at);
    if (!s)
        return fail(sc, ITS_EPARSE, &at, key, "expected a single value, got %s",
                    kind_name(its__ynode_kind(doc, node)));
    if (strlen(s) != len)
        return fail(sc, ITS_EPARSE, &at, key, "value contains a NUL character");
    sval_clear(out);
    out->text = dup_mem(s, len);
    if (!out->text)
        return fail_nomem(sc);
    out->line = at.line;
    out->col = at.col;
    return ITS_OK;
}

/* Key of a mapping pair as a string, checked to be a non-empty scalar. */
static its_status take_key(its_scenario *sc, const its__ydoc *doc, int knode,
                           const char *section, const char **name, sval *at)
{
    size_t len;
    const char *s = its__ynode_scalar(doc, knode, &len);
    memset(at, 0, sizeof *at);
    node_sval(doc, knode, at);
    if (!s || len == 0 || strlen(s) != len)
        return fail(sc, ITS_EPARSE, at, section,
                    "expected a name as key, got %s",
                    s ? "an empty or invalid name" :
                        kind_name(its__ynode_kind(doc, knode)));
    *name = s;
    return ITS_OK;
}

static int key_index(const char *name, const char *const *keys, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(name, keys[i]) == 0)
            return i;
    return -1;
}

static void key_list(char *buf, size_t n, const char *const *keys, int nkeys)
{
    size_t used = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < nkeys && used < n; i++) {
        fmt_into(buf + used, n - used, "%s%s", i ? ", " : "", keys[i]);
        used += strlen(buf + used);
    }
}

/* ---- reading the YAML document into raw values ----------------------------- */

typedef struct keyref {
    const char *name;
    size_t i;
} keyref;

static int keyref_cmp(const void *a, const void *b)
{
    const keyref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The earliest pair of mapping node whose key repeats an earlier key (and
 * in *first that earlier one), or n when none does; ITS_ENOMEM aside, in
 * O(n log n) so that long mappings are read in about linear time. */
static size_t first_duplicate(const its__ydoc *doc, int node, size_t n, size_t *first,
                              int *nomem)
{
    keyref *r;
    size_t i, m = 0, dup = n;
    *nomem = 0;
    if (n < 2)
        return n;
    r = malloc(n * sizeof *r);
    if (!r) {
        *nomem = 1;
        return n;
    }
    for (i = 0; i < n; i++) {
        int k, v;
        its__ynode_pair(doc, node, i, &k, &v);
        r[m].name = its__ynode_scalar(doc, k, NULL);
        r[m].i = i;
        m += r[m].name != NULL;
    }
    qsort(r, m, sizeof *r, keyref_cmp);
    for (i = 1; i < m; i++) {
        size_t j = i - 1;
        if (strcmp(r[i].name, r[j].name) != 0 || r[i].i >= dup)
            continue;
        while (j > 0 && strcmp(r[j - 1].name, r[i].name) == 0)
            j--;
        dup = r[i].i;
        *first = r[j].i;
    }
    free(r);
    return dup;
}

static its_status read_entries(its_scenario *sc, const its__ydoc *doc,
                               int node, const char *section, sentry **out,
                               size_t *n_out)
{
    size_t i, n, dup, first = 0;
    sentry *e;
    char key[256];
    sval at;
    its_status st;
    int nomem;

    if (is_null_node(doc, node))
        return ITS_OK;
    if (its__ynode_kind(doc, node) != ITS__Y_MAPPING) {
        memset(&at, 0, sizeof at);
        node_sval(doc, node, &at);
        return fail(sc, ITS_EPARSE, &at, section,
                    "expected a mapping of NAME: VALUE, got %s",
                    kind_name(its__ynode_kind(doc, node)));
    }
    n = its__ynode_size(doc, node);
    if (n == 0)
        return ITS_OK;
    dup = first_duplicate(doc, node, n, &first, &nomem);
    e = nomem ? NULL : calloc(n, sizeof *e);
    if (!e)
        return fail_nomem(sc);
    *out = e;
    for (i = 0; i < n; i++) {
        int k, v;
        const char *name;
        its__ynode_pair(doc, node, i, &k, &v);
        st = take_key(sc, doc, k, section, &name, &at);
        if (st != ITS_OK)
            return st;
        fmt_into(key, sizeof key, "%s.%s", section, name);
        if (i == dup)
            return fail(sc, ITS_EPARSE, &at, key,
                        "duplicate key (first given at line %d)",
                        e[first].key.line);
        e[i].key = at;
        e[i].key.text = dup_str(name);
        *n_out = i + 1;
        if (!e[i].key.text)
            return fail_nomem(sc);
        st = take_scalar(sc, doc, v, key, &e[i].val);
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* A mapping with a fixed key set (therapy items, simulate). */
static its_status read_fixed_map(its_scenario *sc, const its__ydoc *doc,
                                 int node, const char *section,
                                 const char *const *keys, int nkeys,
                                 sval *fields)
{
    size_t i, n = its__ynode_size(doc, node);
    char key[256], known[256];
    sval at;
    its_status st;

    for (i = 0; i < n; i++) {
        int k, v, idx;
        const char *name;
        its__ynode_pair(doc, node, i, &k, &v);
        st = take_key(sc, doc, k, section, &name, &at);
        if (st != ITS_OK)
            return st;
        fmt_into(key, sizeof key, "%s.%s", section, name);
        idx = key_index(name, keys, nkeys);
        if (idx < 0) {
            key_list(known, sizeof known, keys, nkeys);
            return fail(sc, ITS_EPARSE, &at, key,
                        "unknown key (expected one of: %s)", known);
        }
        if (fields[idx].text)
            return fail(sc, ITS_EPARSE, &at, key,
                        "duplicate key (first given at line %d)",
                        fields[idx].line);
        st = take_scalar(sc, doc, v, key, &fields[idx]);
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* A list of fixed-key mappings (therapy items, rules) into *out. `what` is
 * the top-level key, `example` shows the expected shape in messages. */
static its_status read_items(its_scenario *sc, const its__ydoc *doc, int node,
                             const char *what, const char *example,
                             const char *const *keys, int nkeys, sitem **out, size_t *n_out)
{
    size_t i, n;
    sval at;
    char key[64];
    its_status st;

    if (is_null_node(doc, node))
        return ITS_OK;
    memset(&at, 0, sizeof at);
    node_sval(doc, node, &at);
    if (its__ynode_kind(doc, node) != ITS__Y_SEQUENCE)
        return fail(sc, ITS_EPARSE, &at, what, "expected a list such as '- %s', got %s",
                    example, kind_name(its__ynode_kind(doc, node)));
    n = its__ynode_size(doc, node);
    if (n == 0)
        return ITS_OK;
    *out = calloc(n, sizeof **out);
    if (!*out)
        return fail_nomem(sc);
    *n_out = n;
    for (i = 0; i < n; i++) {
        int item = its__ynode_item(doc, node, i);
        fmt_into(key, sizeof key, "%s[%zu]", what, i);
        node_sval(doc, item, &(*out)[i].at);
        if (its__ynode_kind(doc, item) != ITS__Y_MAPPING)
            return fail(sc, ITS_EPARSE, &(*out)[i].at, key,
                        "expected a mapping such as %s, got %s", example,
                        kind_name(its__ynode_kind(doc, item)));
        st = read_fixed_map(sc, doc, item, key, keys, nkeys, (*out)[i].f);
        if (st != ITS_OK)
            return st;
    }
    return ITS_OK;
}

/* A top-level mapping with fixed keys (simulate, patient); null is empty. */
static its_status read_block(its_scenario *sc, const its__ydoc *doc, int node,
                             const char *name, const char *example,
                             const char *const *keys, int nkeys, sval *fields)
{
    sval at;
    if (is_null_node(doc, node))
        return ITS_OK;
    if (its__ynode_kind(doc, node) != ITS__Y_MAPPING) {
        memset(&at, 0, sizeof at);
        node_sval(doc, node, &at);
        return fail(sc, ITS_EPARSE, &at, name, "expected a mapping such as %s, got %s",
                    example, kind_name(its__ynode_kind(doc, node)));
    }
    return read_fixed_map(sc, doc, node, name, keys, nkeys, fields);
}

static its_status read_document(its_scenario *sc, const its__ydoc *doc)
{
    int root = its__ydoc_root(doc);
    size_t i, n;
    int seen[K_N];
    sval at;
    char known[256];
    its_status st = ITS_OK;

    memset(&at, 0, sizeof at);
    if (!root) {
        at.line = 1;
        at.col = 1;
        return fail(sc, ITS_EPARSE, &at, "scenario",
                    "the scenario is empty (expected at least "
                    "'model: NAME' and 'simulate: {until: TIME}')");
    }
    node_sval(doc, root, &at);
    if (its__ynode_kind(doc, root) != ITS__Y_MAPPING)
        return fail(sc, ITS_EPARSE, &at, "scenario",
                    "expected a mapping of keys (model, parameters, initial, "
                    "therapy, simulate), got %s",
                    kind_name(its__ynode_kind(doc, root)));
    memset(seen, 0, sizeof seen);
    n = its__ynode_size(doc, root);
    for (i = 0; i < n && st == ITS_OK; i++) {
        int k, v, idx;
        const char *name;
        its__ynode_pair(doc, root, i, &k, &v);
        st = take_key(sc, doc, k, "scenario", &name, &at);
        if (st != ITS_OK)
            return st;
        idx = key_index(name, top_keys, K_N);
        if (idx < 0) {
            key_list(known, sizeof known, top_keys, K_N);
            return fail(sc, ITS_EPARSE, &at, name,
                        "unknown key (expected one of: %s)", known);
        }
        if (seen[idx])
            return fail(sc, ITS_EPARSE, &at, name,
                        "duplicate key (first given at line %d)", seen[idx]);
        seen[idx] = at.line > 0 ? at.line : 1;
        switch (idx) {
        case K_MODEL: st = take_scalar(sc, doc, v, name, &sc->model); break;
        case K_SET: st = take_scalar(sc, doc, v, name, &sc->set); break;
        case K_DESCRIPTION:
            st = take_scalar(sc, doc, v, name, &sc->description);
            break;
        case K_PARAMETERS:
            st = read_entries(sc, doc, v, name, &sc->params, &sc->n_params);
            break;
        case K_INITIAL:
            st = read_entries(sc, doc, v, name, &sc->initial, &sc->n_initial);
            break;
        case K_THERAPY:
            st = read_items(sc, doc, v, "therapy", "{input: NAME, dose: AMOUNT, start: TIME}",
                            therapy_keys, T_N, &sc->therapy, &sc->n_therapy);
            break;
        case K_SIMULATE:
            st = read_block(sc, doc, v, name, "{until: 60 d, output_every: 1 d}",
                            simulate_keys, S_N, sc->sim);
            break;
        case K_RULES:
            st = read_items(sc, doc, v, "rules", "{hold_if: perm > 1.5, applies_to: il2}",
                            rule_keys, R_N, &sc->rules, &sc->n_rules);
            break;
        case K_PATIENT:
            st = read_block(sc, doc, v, name, "{weight: 70 kg, height: 175 cm, bsa: mosteller}",
                            patient_keys, PT_N, sc->patient);
            break;
        case K_CLINICAL:
            st = read_block(sc, doc, v, name, "{assess_every: 8 weeks, confirm_after: 28 d}",
                            clinical_keys, C_N, sc->clin);
            break;
        case K_ARMS:
            if (sc->nested)
                return fail(sc, ITS_EPARSE, &at, name,
                            "the scenario of an arm cannot have arms itself");
            if (its__ynode_kind(doc, v) == ITS__Y_SEQUENCE &&
                its__ynode_size(doc, v) > MAX_ARMS) {
                node_sval(doc, v, &at);
                return fail(sc, ITS_ERANGE, &at, name, "%zu arms, more than %d",
                            its__ynode_size(doc, v), MAX_ARMS);
            }
            st = read_items(sc, doc, v, "arms", "{name: \"HD IL-2\", regimen: hd_il2}",
                            arm_keys, A_N, &sc->arms, &sc->n_arms);
            if (st == ITS_OK && sc->n_arms == 0) { /* [] or nothing: not one untreated run */
                node_sval(doc, v, &at);
                return fail(sc, ITS_EPARSE, &at, name,
                            "no arms given: list at least one (e.g. '- {name: untreated}') "
                            "or remove the key");
            }
            break;
        case K_PROVENANCE:
            /* Free-form metadata written by itsim: only its shape is checked. */
            if (!is_null_node(doc, v) &&
                its__ynode_kind(doc, v) != ITS__Y_MAPPING) {
                node_sval(doc, v, &at);
                return fail(sc, ITS_EPARSE, &at, name,
                            "expected a mapping, got %s",
                            kind_name(its__ynode_kind(doc, v)));
            }
            break;
        default: break;
        }
    }
    return st;
}

/* ---- resolving raw values against the model -------------------------------- */

void its__plan_clear(its__plan *plan)
{
    free(plan->rules);
    free(plan->source);
    free(plan->description);
    free(plan->params);
    free(plan->initial);
    free(plan->therapy);
    free(plan->doses);
    free(plan->grid);
    memset(plan, 0, sizeof *plan);
}

static its_status quantity(its_scenario *sc, const sval *v, const char *key,
                           const char *unit, double *out)
{
    char msg[512];
    its_status st;
    if (is_null_text(v->text))
        return fail(sc, ITS_EPARSE, v, key, "missing value");
    msg[0] = '\0';
    st = its_quantity_parse(v->text, unit, out, msg, sizeof msg);
    if (st != ITS_OK)
        return fail(sc, st, v, key, "%s", msg[0] ? msg : its_strerror(st));
    if (!isfinite(*out))
        return fail(sc, ITS_ERANGE, v, key, "'%s' is not a finite number",
                    v->text);
    return ITS_OK;
}

/* A whole number >= 1 written in decimal digits. */
static its_status whole_number(its_scenario *sc, const sval *v,
                               const char *key, long max, long *out)
{
    const char *s = v->text;
    long n = 0;
    if (is_null_text(s))
        return fail(sc, ITS_EPARSE, v, key, "missing value");
    if (*s == '+')
        s++;
    if (*s < '0' || *s > '9')
        return fail(sc, ITS_EPARSE, v, key,
                    "expected a whole number >= 1, got '%s'", v->text);
    for (; *s >= '0' && *s <= '9'; s++) {
        if (n > (max - (*s - '0')) / 10)
            return fail(sc, ITS_ERANGE, v, key, "'%s' is too large (at most %ld)",
                        v->text, max);
        n = n * 10 + (*s - '0');
    }
    if (*s != '\0')
        return fail(sc, ITS_EPARSE, v, key,
                    "expected a whole number >= 1, got '%s'", v->text);
    if (n < 1)
        return fail(sc, ITS_ERANGE, v, key, "must be at least 1, got '%s'",
                    v->text);
    *out = n;
    return ITS_OK;
}

/* Names of the model's states/params/inputs/sets for messages. */
static void name_list(char *buf, size_t n, const its_model_def *m, int what)
{
    size_t i, used = 0, count = what == 0 ? m->n_params :
                                what == 1 ? m->n_states :
                                what == 2 ? m->n_inputs : m->n_sets;
    buf[0] = '\0';
    for (i = 0; i < count && used + 1 < n; i++) {
        const char *nm = what == 0 ? m->params[i].name :
                         what == 1 ? m->states[i].name :
                         what == 2 ? m->inputs[i].name : m->sets[i].name;
        fmt_into(buf + used, n - used, "%s%s", i ? ", " : "", nm);
        used += strlen(buf + used);
    }
    if (count == 0)
        fmt_into(buf, n, "%s", "none");
}

static void model_list(char *buf, size_t n)
{
    its_model_names(buf, n); /* variants as ranges: "tme, tme:1 to tme:8, ..." */
}

static its_status set_param(its_scenario *sc, its_sim *sim,
                            const its_model_def *m, int idx, const sval *v,
                            const char *key)
{
    double x;
    its_status st = quantity(sc, v, key, m->params[idx].unit, &x);
    if (st != ITS_OK)
        return st;
    st = its_sim_set_param(sim, m->params[idx].name, x);
    if (st != ITS_OK)
        return fail(sc, st, v, key, "%s", its_sim_errmsg(sim));
    return ITS_OK;
}

static its_status set_initial(its_scenario *sc, its_sim *sim,
                              const its_model_def *m, int idx, const sval *v,
                              const char *key)
{
    double x;
    its_status st = quantity(sc, v, key, m->states[idx].unit, &x);
    if (st != ITS_OK)
        return st;
    if (x < 0.0)
        return fail(sc, ITS_ERANGE, v, key,
                    "an initial value cannot be negative, got '%s'", v->text);
    st = its_sim_set_initial(sim, m->states[idx].name, x);
    if (st != ITS_OK)
        return fail(sc, st, v, key, "%s", its_sim_errmsg(sim));
    return ITS_OK;
}

/* Time tolerance for inclusive comparisons on [t0, t1]. */
static double time_tol(double a, double b)
{
    double s = fmax(fabs(a), fabs(b));
    return TIME_RTOL * (s > 0.0 ? s : 1.0);
}

/* Check one therapy item and convert it to model units. */
/* patient.KEY in patient_range[k].unit, checked against its range. */
static its_status patient_value(its_scenario *sc, int k, double *out)
{
    char key[32];
    its_status st;
    if (!sc->patient[k].text)
        return ITS_OK;
    fmt_into(key, sizeof key, "patient.%s", patient_keys[k]);
    st = quantity(sc, &sc->patient[k], key, patient_range[k].unit, out);
    if (st != ITS_OK)
        return st;
    if (!(*out >= patient_range[k].lo && *out <= patient_range[k].hi))
        return fail(sc, ITS_ERANGE, &sc->patient[k], key,
                    "'%s' is outside the plausible human range %g to %g %s",
                    sc->patient[k].text, patient_range[k].lo, patient_range[k].hi,
                    patient_range[k].unit);
    return ITS_OK;
}

/* The patient of the scenario (defaults: 70 kg, 175 cm, Mosteller); weight,
 * height and age are checked whether or not a dose uses them. */
static its_status resolve_patient(its_scenario *sc, its_patient *pt)
{
    its_status st;
    double age = 0.0;
    pt->weight_kg = 70.0;
    pt->height_cm = 175.0;
    pt->bsa = ITS_BSA_MOSTELLER;
    if ((st = patient_value(sc, PT_WEIGHT, &pt->weight_kg)) != ITS_OK ||
        (st = patient_value(sc, PT_HEIGHT, &pt->height_cm)) != ITS_OK ||
        (st = patient_value(sc, PT_AGE, &age)) != ITS_OK)
        return st;
    if (sc->patient[PT_BSA].text) {
        if (strcmp(sc->patient[PT_BSA].text, "mosteller") == 0)
            pt->bsa = ITS_BSA_MOSTELLER;
        else if (strcmp(sc->patient[PT_BSA].text, "dubois") == 0)
            pt->bsa = ITS_BSA_DUBOIS;
        else
            return fail(sc, ITS_EPARSE, &sc->patient[PT_BSA], "patient.bsa",
                        "unknown body-surface-area formula '%s' (mosteller, dubois)",
                        sc->patient[PT_BSA].text);
    }
    return ITS_OK;
}

/* A dose far above the agent's label is a warning, not an error: append
 * "FILE:LINE:COL: KEY: warning: ..." to sc->warn once. */
static void warn_label_dose(its_scenario *sc, const its_agent *a, const sval *v,
                            const char *key, const its_patient *pt)
{
    char msg[512], line[ITS__ERRLEN], saved[ITS__ERRLEN];
    double ratio;
    size_t used = strlen(sc->warn);
    if (its_dose_label_check(a, v->text, pt, &ratio, msg, sizeof msg) != ITS_OK || !msg[0])
        return;
    memcpy(saved, sc->err, sizeof saved); /* fail() formats the position */
    (void)fail(sc, ITS_OK, v, key, "warning: %s", msg);
    fmt_into(line, sizeof line, "%s\n", sc->err);
    memcpy(sc->err, saved, sizeof saved);
    if (!strstr(sc->warn, line))
        fmt_into(sc->warn + used, sizeof sc->warn - used, "%s", line);
}

/* An item naming an agent: pick the model input of its route and convert
 * the clinical dose ("600000 IU/kg", "20 MIU/m2", "200 mg") to that input's
 * unit. A dose with a duration becomes an infusion of dose/duration. */
static its_status resolve_agent(its_scenario *sc, const its_model_def *m, size_t i,
                                its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    const its_agent *a;
    const char *route = it->f[T_ROUTE].text ? it->f[T_ROUTE].text : "iv";
    char key[96], input[96], msg[256];
    its_patient pt;
    its_status st;
    int idx;

    fmt_into(key, sizeof key, "therapy[%zu].agent", i);
    a = its_agent_find(it->f[T_AGENT].text);
    if (a == NULL)
        return fail(sc, ITS_ENOTFOUND, &it->f[T_AGENT], key,
                    "unknown agent '%s' (see `itsim agents`)", it->f[T_AGENT].text);
    if (it->f[T_INPUT].text) {
        fmt_into(key, sizeof key, "therapy[%zu].input", i);
        return fail(sc, ITS_EPARSE, &it->f[T_INPUT], key,
                    "give either 'agent' (with 'route') or 'input', not both");
    }
    if (strcmp(route, "iv") != 0 && strcmp(route, "sc") != 0 && strcmp(route, "it") != 0) {
        fmt_into(key, sizeof key, "therapy[%zu].route", i);
        return fail(sc, ITS_EPARSE, &it->f[T_ROUTE], key,
                    "unknown route '%s' (iv, sc, it)", route);
    }
    if (strcmp(route, "it") == 0) {
        /* intratumoral: into the injection site of the named lesion */
        if (!it->f[T_LESION].text) {
            fmt_into(key, sizeof key, "therapy[%zu].route", i);
            return fail(sc, ITS_EPARSE, &it->f[T_ROUTE], key,
                        "an intratumoral dose needs 'lesion: N'");
        }
        fmt_into(input, sizeof input, "%s_it_%s", a->tme_input ? a->tme_input : "",
                 it->f[T_LESION].text);
    } else {
        fmt_into(input, sizeof input, "%s%s", a->tme_input ? a->tme_input : "",
                 strcmp(route, "sc") == 0 ? "_sc" : "");
    }
    idx = a->tme_input ? its_model_input_index(m, input) : -1;
    if (idx < 0)
        return fail(sc, ITS_ENOTFOUND, it->f[T_ROUTE].text ? &it->f[T_ROUTE] : &it->f[T_AGENT],
                    key, "model %s has no input for %s by route %s%s%s", m->name, a->name,
                    route, it->f[T_LESION].text ? " into lesion " : "",
                    it->f[T_LESION].text ? it->f[T_LESION].text : "");
    th->input = idx;
    if (!it->f[T_DOSE].text) {
        fmt_into(key, sizeof key, "therapy[%zu]", i);
        return fail(sc, ITS_EPARSE, &it->at, key,
                    "an agent needs 'dose' in clinical units (e.g. 600000 IU/kg)");
    }
    st = resolve_patient(sc, &pt);
    if (st != ITS_OK)
        return st;
    fmt_into(key, sizeof key, "therapy[%zu].dose", i);
    st = its_dose_amount(a, it->f[T_DOSE].text, &pt, m->inputs[idx].unit, &th->dose,
                         msg, sizeof msg);
    if (st != ITS_OK)
        return fail(sc, st, &it->f[T_DOSE], key, "%s", msg);
    th->has_dose = 1;
    warn_label_dose(sc, a, &it->f[T_DOSE], key, &pt);
    return ITS_OK;
}

/* days: "Mon,Wed,Fri" (or "1,3,5"; week 1 starts at `start`, a Monday),
 * weeks: N; cycle: TIME, cycles: N (the whole schedule repeats). */
static its_status resolve_calendar(its_scenario *sc, const its_model_def *m, size_t i,
                                   its__therapy *th)
{
    static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const sitem *it = &sc->therapy[i];
    char key[96];
    its_status st;

    st = its_unit_convert(1.0, "d", m->time_unit, &th->day, NULL, 0);
    if (st != ITS_OK)
        th->day = 0.0;
    if (it->f[T_DAYS].text) {
        const char *c = it->f[T_DAYS].text;
        fmt_into(key, sizeof key, "therapy[%zu].days", i);
        if (th->day <= 0.0)
            return fail(sc, ITS_EUNIT, &it->f[T_DAYS], key,
                        "weekday schedules need a model time unit convertible to days");
        if (it->f[T_EVERY].text)
            return fail(sc, ITS_EPARSE, &it->f[T_DAYS], key, "give either 'days' or 'every'");
        while (*c != '\0') {
            int d = -1, j;
            while (*c == ' ' || *c == ',')
                c++;
            if (*c == '\0')
                break;
            if (*c >= '1' && *c <= '7' && (c[1] == ',' || c[1] == ' ' || c[1] == '\0')) {
                d = *c - '1';
                c++;
            } else {
                for (j = 0; j < 7 && d < 0; j++)
                    if (strncasecmp(c, names[j], 3) == 0)
                        d = j;
                while (*c != '\0' && *c != ',' && *c != ' ')
                    c++;
            }
            if (d < 0 || th->n_days >= 7 || (th->n_days > 0 && d <= th->days[th->n_days - 1]))
                return fail(sc, ITS_EPARSE, &it->f[T_DAYS], key,
                            "expected increasing weekdays such as 'Mon,Wed,Fri' or '1,3,5', got '%s'",
                            it->f[T_DAYS].text);
            th->days[th->n_days++] = d;
        }
        if (th->n_days == 0)
            return fail(sc, ITS_EPARSE, &it->f[T_DAYS], key, "no weekday given");
        if (it->f[T_WEEKS].text) {
            fmt_into(key, sizeof key, "therapy[%zu].weeks", i);
            st = whole_number(sc, &it->f[T_WEEKS], key, MAX_DOSES, &th->weeks);
            if (st != ITS_OK)
                return st;
        }
    } else if (it->f[T_WEEKS].text) {
        fmt_into(key, sizeof key, "therapy[%zu].weeks", i);
        return fail(sc, ITS_EPARSE, &it->f[T_WEEKS], key, "'weeks' needs 'days'");
    }
    if (it->f[T_CYCLE].text || it->f[T_CYCLES].text) {
        fmt_into(key, sizeof key, "therapy[%zu].cycle", i);
        if (!it->f[T_CYCLE].text || !it->f[T_CYCLES].text)
            return fail(sc, ITS_EPARSE, it->f[T_CYCLE].text ? &it->f[T_CYCLE] : &it->f[T_CYCLES],
                        key, "a repeated cycle needs both 'cycle' (its length) and 'cycles' (how many)");
        st = quantity(sc, &it->f[T_CYCLE], key, m->time_unit, &th->cycle);
        if (st != ITS_OK)
            return st;
        if (!(th->cycle > 0.0))
            return fail(sc, ITS_ERANGE, &it->f[T_CYCLE], key, "the cycle length must be positive");
        fmt_into(key, sizeof key, "therapy[%zu].cycles", i);
        st = whole_number(sc, &it->f[T_CYCLES], key, MAX_DOSES, &th->cycles);
        if (st != ITS_OK)
            return st;
        th->has_cycle = 1;
    }
    return ITS_OK;
}

/* carrier: nanoparticle. A share `tumour_fraction` of each dose (default
 * 0.007: median 0.7 %ID, Wilhelm 2016) reaches the lesions (split by their
 * initial sizes, into INPUT_it_k, released by the item's release law); the
 * rest is released into blood with time scale `circulation_time`. */
static its_status resolve_carrier(its_scenario *sc, const its_model_def *m, size_t i,
                                  its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    char key[96], name[96];
    its_status st;
    int k;

    if (!it->f[T_CARRIER].text) {
        if (it->f[T_TUMOUR_FRACTION].text || it->f[T_CIRCULATION_TIME].text) {
            fmt_into(key, sizeof key, "therapy[%zu].carrier", i);
            return fail(sc, ITS_EPARSE, &it->at, key,
                        "tumour_fraction and circulation_time need 'carrier: nanoparticle'");
        }
        return ITS_OK;
    }
    fmt_into(key, sizeof key, "therapy[%zu].carrier", i);
    if (strcmp(it->f[T_CARRIER].text, "nanoparticle") != 0)
        return fail(sc, ITS_EPARSE, &it->f[T_CARRIER], key,
                    "unknown carrier '%s' (nanoparticle)", it->f[T_CARRIER].text);
    if (!th->has_dose)
        return fail(sc, ITS_EPARSE, &it->f[T_CARRIER], key, "a carrier takes a 'dose'");
    for (k = 1; k <= 8; k++) {
        int idx;
        fmt_into(name, sizeof name, "%s_it_%d", m->inputs[th->input].name, k);
        idx = its_model_input_index(m, name);
        if (idx < 0)
            break;
        th->it_input[th->n_it++] = idx;
    }
    if (th->n_it == 0)
        return fail(sc, ITS_ENOTFOUND, &it->f[T_CARRIER], key,
                    "model %s has no intratumoral inputs for %s", m->name,
                    m->inputs[th->input].name);
    th->tumour_fraction = 0.007;
    if (it->f[T_TUMOUR_FRACTION].text) {
        fmt_into(key, sizeof key, "therapy[%zu].tumour_fraction", i);
        st = quantity(sc, &it->f[T_TUMOUR_FRACTION], key, "1", &th->tumour_fraction);
        if (st != ITS_OK)
            return st;
        if (!(th->tumour_fraction >= 0.0 && th->tumour_fraction <= 1.0))
            return fail(sc, ITS_ERANGE, &it->f[T_TUMOUR_FRACTION], key, "a fraction from 0 to 1");
    }
    if (it->f[T_CIRCULATION_TIME].text) {
        fmt_into(key, sizeof key, "therapy[%zu].circulation_time", i);
        st = quantity(sc, &it->f[T_CIRCULATION_TIME], key, m->time_unit, &th->circulation_time);
        if (st != ITS_OK)
            return st;
        if (!(th->circulation_time > 0.0))
            return fail(sc, ITS_ERANGE, &it->f[T_CIRCULATION_TIME], key, "must be positive");
    }
    th->has_carrier = 1;
    return ITS_OK;
}

/* release: LAW, release_time: TIME, release_shape: N, burst: FRACTION. */
static its_status resolve_release(its_scenario *sc, const its_model_def *m, size_t i,
                                  its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    char key[96];
    size_t k;
    its_status st;

    fmt_into(key, sizeof key, "therapy[%zu].release", i);
    if (!th->has_dose)
        return fail(sc, ITS_EPARSE, &it->f[T_RELEASE], key,
                    "a delivery system releases a 'dose' (not an infusion)");
    for (k = 0; k < sizeof release_names / sizeof release_names[0]; k++)
        if (strcmp(it->f[T_RELEASE].text, release_names[k]) == 0)
            break;
    if (k == sizeof release_names / sizeof release_names[0])
        return fail(sc, ITS_EPARSE, &it->f[T_RELEASE], key,
                    "unknown release law '%s' (zero_order, first_order, higuchi, "
                    "peppas, weibull)", it->f[T_RELEASE].text);
    th->release.law = (its_release_law)k;
    th->release.shape = 1.0;
    if (!it->f[T_RELEASE_TIME].text)
        return fail(sc, ITS_EPARSE, &it->f[T_RELEASE], key,
                    "a release law needs 'release_time' (duration, 1/k or Td)");
    fmt_into(key, sizeof key, "therapy[%zu].release_time", i);
    st = quantity(sc, &it->f[T_RELEASE_TIME], key, m->time_unit, &th->release.tau);
    if (st != ITS_OK)
        return st;
    if (it->f[T_RELEASE_SHAPE].text) {
        fmt_into(key, sizeof key, "therapy[%zu].release_shape", i);
        st = quantity(sc, &it->f[T_RELEASE_SHAPE], key, "1", &th->release.shape);
        if (st != ITS_OK)
            return st;
    }
    if (it->f[T_BURST].text) {
        fmt_into(key, sizeof key, "therapy[%zu].burst", i);
        st = quantity(sc, &it->f[T_BURST], key, "1", &th->release.burst);
        if (st != ITS_OK)
            return st;
    }
    if (isnan(its_release_fraction(&th->release, 0.0))) {
        fmt_into(key, sizeof key, "therapy[%zu].release", i);
        return fail(sc, ITS_ERANGE, &it->f[T_RELEASE], key,
                    "invalid release: burst in [0, 1], release_time > 0, release_shape > 0");
    }
    th->has_release = 1;
    return ITS_OK;
}

static its_status resolve_item(its_scenario *sc, const its_model_def *m,
                               size_t i, double t0, its__therapy *th)
{
    const sitem *it = &sc->therapy[i];
    char key[64], k2[96], runit[256];
    const its_input_def *in;
    its_status st;
    int idx;

    memset(th, 0, sizeof *th);
    fmt_into(key, sizeof key, "therapy[%zu]", i);
    if (it->f[T_AGENT].text) {
        st = resolve_agent(sc, m, i, th);
        if (st != ITS_OK)
            return st;
        idx = th->input;
        in = &m->inputs[idx];
        goto schedule;
    }
    if (it->f[T_ROUTE].text) {
        fmt_into(k2, sizeof k2, "%s.route", key);
        return fail(sc, ITS_EPARSE, &it->f[T_ROUTE], k2, "'route' needs 'agent'");
    }
    if (!it->f[T_INPUT].text)
        return fail(sc, ITS_EPARSE, &it->at, key,
                    "missing key 'input' (the drug or cell product given) or 'agent'");
    fmt_into(k2, sizeof k2, "%s.input", key);
    idx = its_model_input_index(m, it->f[T_INPUT].text);
    if (idx < 0) {
        name_list(runit, sizeof runit, m, 2);
        return fail(sc, ITS_ENOTFOUND, &it->f[T_INPUT], k2,
                    "unknown input '%s' of model %s (inputs: %s)",
                    it->f[T_INPUT].text, m->name, runit);
    }
    th->input = idx;
    in = &m->inputs[idx];

    if (!it->f[T_DOSE].text && !it->f[T_RATE].text)
        return fail(sc, ITS_EPARSE, &it->at, key,
                    "needs either 'dose' (a bolus amount in %s) or 'rate' "
                    "(an infusion rate in (%s)/%s)", in->unit, in->unit,
                    m->time_unit);
    if (it->f[T_DOSE].text && it->f[T_RATE].text) {
        fmt_into(k2, sizeof k2, "%s.rate", key);
        return fail(sc, ITS_EPARSE, &it->f[T_RATE], k2,
                    "give either 'dose' or 'rate', not both");
    }
    if (it->f[T_DOSE].text) {
        th->has_dose = 1;
        fmt_into(k2, sizeof k2, "%s.dose", key);
        st = quantity(sc, &it->f[T_DOSE], k2, in->unit, &th->dose);
        if (st != ITS_OK)
            return st;
        if (th->dose < 0.0)
            return fail(sc, ITS_ERANGE, &it->f[T_DOSE], k2,
                        "a dose cannot be negative, got '%s'",
                        it->f[T_DOSE].text);
    } else {
        fmt_into(runit, sizeof runit, "(%s)/%s", in->unit, m->time_unit);
        fmt_into(k2, sizeof k2, "%s.rate", key);
        st = quantity(sc, &it->f[T_RATE], k2, runit, &th->rate);
        if (st != ITS_OK)
            return st;
        if (th->rate < 0.0)
            return fail(sc, ITS_ERANGE, &it->f[T_RATE], k2,
                        "an infusion rate cannot be negative, got '%s'",
                        it->f[T_RATE].text);
    }

schedule:
    th->start = t0;
    if (it->f[T_START].text) {
        fmt_into(k2, sizeof k2, "%s.start", key);
        st = quantity(sc, &it->f[T_START], k2, m->time_unit, &th->start);
        if (st != ITS_OK)
            return st;
    }
    if (it->f[T_EVERY].text) {
        th->has_every = 1;
        fmt_into(k2, sizeof k2, "%s.every", key);
        st = quantity(sc, &it->f[T_EVERY], k2, m->time_unit, &th->every);
        if (st != ITS_OK)
            return st;
        if (!(th->every > 0.0))
            return fail(sc, ITS_ERANGE, &it->f[T_EVERY], k2,
                        "the interval must be positive, got '%s'",
                        it->f[T_EVERY].text);
        if (!it->f[T_UNTIL].text && !it->f[T_COUNT].text && !it->f[T_CYCLE].text)
            return fail(sc, ITS_EPARSE, &it->f[T_EVERY], k2,
                        "a repeated dose needs 'until' (time of the last "
                        "administration) or 'count'");
    }
    if (it->f[T_UNTIL].text) {
        th->has_until = 1;
        fmt_into(k2, sizeof k2, "%s.until", key);
        st = quantity(sc, &it->f[T_UNTIL], k2, m->time_unit, &th->until);
        if (st != ITS_OK)
            return st;
        if (!th->has_every && (th->has_dose || it->f[T_DURATION].text))
            return fail(sc, ITS_EPARSE, &it->f[T_UNTIL], k2,
                        "'until' needs 'every' (or a constant 'rate' "
                        "without 'duration')");
        if (th->until < th->start - time_tol(th->until, th->start) ||
            (!th->has_every && !(th->until > th->start)))
            return fail(sc, ITS_ERANGE, &it->f[T_UNTIL], k2,
                        "'%s' is not after the start of the dosing",
                        it->f[T_UNTIL].text);
    }
    if (it->f[T_COUNT].text) {
        th->has_count = 1;
        fmt_into(k2, sizeof k2, "%s.count", key);
        st = whole_number(sc, &it->f[T_COUNT], k2, MAX_DOSES, &th->count);
        if (st != ITS_OK)
            return st;
        if (!th->has_every)
            return fail(sc, ITS_EPARSE, &it->f[T_COUNT], k2,
                        "'count' needs 'every' (the interval)");
    }
    if (it->f[T_DURATION].text) {
        th->has_duration = 1;
        fmt_into(k2, sizeof k2, "%s.duration", key);
        if (th->has_dose && !it->f[T_AGENT].text)
            return fail(sc, ITS_EPARSE, &it->f[T_DURATION], k2,
                        "'duration' is only valid with 'rate' (an infusion) "
                        "or with an agent's dose");
        st = quantity(sc, &it->f[T_DURATION], k2, m->time_unit, &th->duration);
        if (st != ITS_OK)
            return st;
        if (!(th->duration > 0.0))
            return fail(sc, ITS_ERANGE, &it->f[T_DURATION], k2,
                        "the duration must be positive, got '%s'",
                        it->f[T_DURATION].text);
        if (th->has_dose) { /* an agent's dose infused over the duration */
            th->has_dose = 0;
            th->rate = th->dose / th->duration;
            th->dose = 0.0;
        }
    }
    st = resolve_calendar(sc, m, i, th);
    if (st != ITS_OK)
        return st;
    st = resolve_carrier(sc, m, i, th);
    if (st != ITS_OK)
        return st;
    if (it->f[T_RELEASE].text) {
        st = resolve_release(sc, m, i, th);
        if (st != ITS_OK)
            return st;
    } else if (it->f[T_RELEASE_TIME].text || it->f[T_RELEASE_SHAPE].text ||
               it->f[T_BURST].text) {
        fmt_into(k2, sizeof k2, "%s.release", key);
        return fail(sc, ITS_EPARSE, &it->at, k2,
                    "release_time, release_shape and burst need 'release' (a law)");
    }
    if (!th->has_dose && th->has_every && !th->has_duration) {
        fmt_into(k2, sizeof k2, "%s.rate", key);
        return fail(sc, ITS_EPARSE, &it->f[T_RATE], k2,
                    "a repeated infusion needs a 'duration'");
    }
    return ITS_OK;
}

static its_status add_dose(its_scenario *sc, its__plan *plan, size_t *cap,
                           const its__dose *d)
{
    if (plan->n_doses == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        its__dose *p = realloc(plan->doses, ncap * sizeof *p);
        if (!p)
            return fail_nomem(sc);
        plan->doses = p;
        *cap = ncap;
    }
    plan->doses[plan->n_doses++] = *d;
    return ITS_OK;
}

/* Expand item i into administrations inside [t0, t1]. A first
 * administration outside the horizon is an error; later ones of a series
 * that fall after the end are dropped (so --until can shorten a run). */
static its_status expand_item(its_scenario *sc, its__plan *plan, size_t i,
                              size_t *cap, const double *y0)
{
    const its__therapy *th = &plan->therapy[i];
    const sitem *it = &sc->therapy[i];
    const its_model_def *m = plan->model;
    const sval *at = it->f[T_START].text ? &it->f[T_START] : &it->at;
    double tol = time_tol(plan->t0, plan->t1);
    char key[64];
    its__dose d;
    long k, c;
    double share[8], wsum = 0.0;
    its_status st;

    fmt_into(key, sizeof key, it->f[T_START].text ? "therapy[%zu].start" :
                                                    "therapy[%zu]", i);
    if (th->start < plan->t0 - tol || th->start > plan->t1 + tol) {
        /* the item, unless a command-line start or end moved the horizon */
        const int before = th->start < plan->t0 - tol;
        sval cli;
        const sval *cand[2];
        const char *keys[2];
        size_t b;
        cand[0] = at;
        cand[1] = before ? &sc->sim[S_START] : horizon_sval(sc, &cli);
        keys[0] = key;
        keys[1] = before ? "simulate.start" : "simulate.until";
        b = blame(cand, 2) == 1 ? 1 : 0;
        return fail(sc, ITS_ERANGE, cand[b], keys[b],
                    "administration at %g %s%s%s is %s the %s of the simulation (%g %s)",
                    th->start, m->time_unit, b ? " by " : "", b ? key : "",
                    before ? "before" : "after", before ? "start" : "end",
                    before ? plan->t0 : plan->t1, m->time_unit);
    }
    memset(&d, 0, sizeof d);
    d.input = th->input;
    d.infusion = !th->has_dose;
    d.amount = th->dose;
    d.rate = th->rate;
    d.has_release = th->has_release;
    d.release = th->release;
    if (!th->has_dose) {
        if (th->has_duration)
            d.duration = th->duration;
        else if (th->has_until)
            d.duration = th->until - th->start;
        else
            d.duration = INFINITY;
    }
    if (th->has_carrier) {
        /* lesion shares of a nanoparticle dose: by initial lesion size */
        int j;
        for (j = 0; j < th->n_it; j++) {
            char cn[16];
            int ci;
            fmt_into(cn, sizeof cn, "C_%d", j + 1);
            ci = its_model_state_index(m, cn);
            share[j] = ci >= 0 && y0 != NULL ? fmax(y0[ci], 0.0) : 1.0;
            wsum += share[j];
        }
    }
    for (c = 0; c < (th->has_cycle ? th->cycles : 1); c++) {
        const double offset = th->has_cycle ? (double)c * th->cycle : 0.0;
        for (k = 0;; k++) {
            double t;
            if (th->n_days > 0) { /* weekday schedule */
                long w = k / th->n_days;
                if (th->weeks > 0 && w >= th->weeks)
                    break;
                t = th->start + ((double)(7 * w) + th->days[k % th->n_days]) * th->day;
            } else {
                t = th->start + (double)k * (th->has_every ? th->every : 0.0);
                if (k > 0 && !th->has_every)
                    break;
            }
            if (th->has_count && k >= th->count)
                break;
            if (th->has_until &&
                t > th->until + time_tol(th->until, th->has_every ? th->every : th->day))
                break;
            /* A cycle holds the administrations that fall inside it. */
            if (th->has_cycle && t - th->start >= th->cycle - time_tol(th->cycle, th->cycle))
                break;
            t += offset;
            if (t > plan->t1 + tol)
                break;
            if (plan->n_doses >= (size_t)MAX_DOSES)
                return fail(sc, ITS_ERANGE, &it->at, key,
                            "more than %ld administrations", MAX_DOSES);
            /* within the tolerance of the horizon: exactly on it */
            d.t = fmin(fmax(t, plan->t0), plan->t1);
            if (th->has_carrier) {
                /* the systemic share, released from circulating particles */
                its__dose sys = d, les = d;
                int j;
                sys.amount = th->dose * (1.0 - th->tumour_fraction);
                sys.has_release = th->circulation_time > 0.0;
                sys.release.law = ITS_RELEASE_FIRST_ORDER;
                sys.release.burst = 0.0;
                sys.release.tau = th->circulation_time;
                sys.release.shape = 1.0;
                st = add_dose(sc, plan, cap, &sys);
                if (st != ITS_OK)
                    return st;
                for (j = 0; j < th->n_it; j++) {
                    les.input = th->it_input[j];
                    les.amount = wsum > 0.0 ? th->dose * th->tumour_fraction * share[j] / wsum : 0.0;
                    st = add_dose(sc, plan, cap, &les);
                    if (st != ITS_OK)
                        return st;
                }
                continue;
            }
            st = add_dose(sc, plan, cap, &d);
            if (st != ITS_OK)
                return st;
        }
    }
    return ITS_OK;
}

static its_status resolve_simulate(its_scenario *sc, int final, its__plan *plan,
                                   its_sim *sim, int *have_t1)
{
    const its_model_def *m = plan->model;
    its_status st;
    const sval *s = sc->sim;
    double tol, n;
    size_t i;

    plan->t0 = 0.0;
    if (s[S_START].text) {
        st = quantity(sc, &s[S_START], "simulate.start", m->time_unit, &plan->t0);
        if (st != ITS_OK)
            return st;
    }
    *have_t1 = 1;
    if (sc->has_until_value) {
        plan->t1 = sc->until_value;
    } else if (s[S_UNTIL].text) {
        st = quantity(sc, &s[S_UNTIL], "simulate.until", m->time_unit, &plan->t1);
        if (st != ITS_OK)
            return st;
    } else {
        *have_t1 = 0;
        if (final)
            return fail(sc, ITS_EPARSE, NULL, "simulate.until",
                        "missing: the end time of the simulation is required "
                        "(e.g. 'simulate: {until: 60 d}' or --until)");
    }
    if (s[S_RTOL].text) {
        plan->has_rtol = 1;
        st = quantity(sc, &s[S_RTOL], "simulate.rtol", "", &plan->rtol);
        if (st != ITS_OK)
            return st;
        if (!(plan->rtol > 0.0 && plan->rtol < 1.0))
            return fail(sc, ITS_ERANGE, &s[S_RTOL], "simulate.rtol",
                        "must be between 0 and 1 (exclusive), got '%s'",
                        s[S_RTOL].text);
    }
    if (s[S_ATOL].text) {
        plan->has_atol = 1;
        st = quantity(sc, &s[S_ATOL], "simulate.atol", "", &plan->atol);
        if (st != ITS_OK)
            return st;
        if (!(plan->atol > 0.0))
            return fail(sc, ITS_ERANGE, &s[S_ATOL], "simulate.atol",
                        "must be positive, got '%s'", s[S_ATOL].text);
    }
    plan->method = ITS_METHOD_BDF;
    if (s[S_METHOD].text) {
        if (strcmp(s[S_METHOD].text, "bdf") == 0)
            plan->method = ITS_METHOD_BDF;
        else if (strcmp(s[S_METHOD].text, "adams") == 0)
            plan->method = ITS_METHOD_ADAMS;
        else
            return fail(sc, ITS_EPARSE, &s[S_METHOD], "simulate.method",
                        "unknown method '%s' (expected bdf or adams)",
                        s[S_METHOD].text);
    }
    if (s[S_MAX_STEPS].text) {
        plan->has_max_steps = 1;
        st = whole_number(sc, &s[S_MAX_STEPS], "simulate.max_steps",
                          2000000000L, &plan->max_steps);
        if (st != ITS_OK)
            return st;
    }
    if (s[S_OUTPUT_EVERY].text) {
        st = quantity(sc, &s[S_OUTPUT_EVERY], "simulate.output_every",
                      m->time_unit, &plan->dt);
        if (st != ITS_OK)
            return st;
        if (!(plan->dt > 0.0))
            return fail(sc, ITS_ERANGE, &s[S_OUTPUT_EVERY],
                        "simulate.output_every",
                        "the output interval must be positive, got '%s'",
                        s[S_OUTPUT_EVERY].text);
    }
    if (!final || !*have_t1)
        return ITS_OK;

    /* Cross-checks that depend on the (overridable) horizon. */
    if (!(plan->t1 > plan->t0)) {
        sval cli;
        const sval *cand[2];
        static const char *const keys[2] = {"simulate.until", "simulate.start"};
        size_t k;
        cand[0] = horizon_sval(sc, &cli);
        cand[1] = &s[S_START];
        k = blame(cand, 2);
        return fail(sc, ITS_ERANGE, k < 2 ? cand[k] : NULL, k < 2 ? keys[k] : "simulate",
                    "the end time %g %s is not after the start time %g %s",
                    plan->t1, m->time_unit, plan->t0, m->time_unit);
    }
    if (!s[S_OUTPUT_EVERY].text)
        plan->dt = (plan->t1 - plan->t0) / 100.0;
    tol = time_tol(plan->t0, plan->t1);
    n = floor((plan->t1 - plan->t0) / plan->dt + 1e-9);
    if (!(n + 2.0 <= MAX_GRID)) {
        /* only a written output_every can be too small for the horizon */
        sval cli;
        const sval *cand[2];
        static const char *const keys[2] = {"simulate.output_every", "simulate.until"};
        size_t k;
        cand[0] = &s[S_OUTPUT_EVERY];
        cand[1] = horizon_sval(sc, &cli);
        k = blame(cand, 2);
        return fail(sc, ITS_ERANGE, k < 2 ? cand[k] : NULL, k < 2 ? keys[k] : "simulate",
                    "an output every %g %s from %g to %g %s would be more than %.0f rows "
                    "(lengthen output_every or shorten the horizon)",
                    plan->dt, m->time_unit, plan->t0, plan->t1, m->time_unit, MAX_GRID);
    }
    plan->n_grid = (size_t)n + 1;
    if (plan->t0 + n * plan->dt < plan->t1 - tol)
        plan->n_grid++;
    plan->grid = malloc(plan->n_grid * sizeof *plan->grid);
    if (!plan->grid)
        return fail_nomem(sc);
    for (i = 0; i < plan->n_grid; i++)
        plan->grid[i] = fmin(plan->t0 + (double)i * plan->dt, plan->t1);
    plan->grid[plan->n_grid - 1] = plan->t1;

    /* rtol and atol are independent: each replaces only its own default */
    if (plan->has_rtol && (st = its_sim_set_rtol(sim, plan->rtol)) != ITS_OK)
        return fail(sc, st, &s[S_RTOL], "simulate.rtol", "%s", its_sim_errmsg(sim));
    if (plan->has_atol && (st = its_sim_set_atol(sim, plan->atol)) != ITS_OK)
        return fail(sc, st, &s[S_ATOL], "simulate.atol", "%s", its_sim_errmsg(sim));
    st = its_sim_set_method(sim, plan->method);
    if (st != ITS_OK)
        return fail(sc, st, &s[S_METHOD], "simulate.method", "%s",
                    its_sim_errmsg(sim));
    if (plan->has_max_steps) {
        st = its_sim_set_max_steps(sim, plan->max_steps);
        if (st != ITS_OK)
            return fail(sc, st, &s[S_MAX_STEPS], "simulate.max_steps", "%s",
                        its_sim_errmsg(sim));
    }
    return ITS_OK;
}

/* Apply a --set override: NAME may be "parameters.X", "initial.X" or a bare
 * parameter or state name (parameters first). */
static its_status apply_override(its_scenario *sc, its_sim *sim,
                                 const its_model_def *m, const sentry *o)
{
    const char *name = o->key.text;
    const char *key = o->key.text;
    int p = -1, s = -1;
    char names[512];

    if (strncmp(name, "parameters.", 11) == 0)
        p = its_model_param_index(m, name + 11);
    else if (strncmp(name, "initial.", 8) == 0)
        s = its_model_state_index(m, name + 8);
    else {
        p = its_model_param_index(m, name);
        if (p < 0)
            s = its_model_state_index(m, name);
    }
    if (p >= 0)
        return set_param(sc, sim, m, p, &o->val, key);
    if (s >= 0)
        return set_initial(sc, sim, m, s, &o->val, key);
    name_list(names, sizeof names, m, 0);
    return fail(sc, ITS_ENOTFOUND, &o->key, key,
                "not a parameter or state of model %s (parameters: %s)",
                m->name, names);
}

/* Check the raw scenario against its model and fill plan; with final, also
 * the horizon-dependent checks, the output grid and the dose list, and
 * *sim_out receives the configured simulation. Without a model and not
 * final, nothing can be checked and ITS_OK is returned. */
/* Compile the rules: "STATE > VALUE" or "STATE < VALUE" (VALUE in the
 * state's unit, or with a unit), an action and an optional input. */
static its_status resolve_rules(its_scenario *sc, const its_model_def *m, its__plan *plan)
{
    size_t i;
    if (sc->n_rules == 0)
        return ITS_OK;
    plan->rules = calloc(sc->n_rules, sizeof *plan->rules);
    if (!plan->rules)
        return fail_nomem(sc);
    plan->n_rules = sc->n_rules;
    for (i = 0; i < sc->n_rules; i++) {
        const sitem *r = &sc->rules[i];
        its__rule *c = &plan->rules[i];
        const sval *cond = NULL;
        char key[64], name[64], msg[256];
        const char *t, *op;
        size_t len;
        int a, n_actions = 0;
        its_status st;

        for (a = R_HOLD; a <= R_STOP; a++)
            if (r->f[a].text) {
                cond = &r->f[a];
                c->action = a == R_HOLD ? 0 : a == R_REDUCE ? 1 : 2;
                fmt_into(key, sizeof key, "rules[%zu].%s", i, rule_keys[a]);
                n_actions++;
            }
        if (n_actions != 1) {
            fmt_into(key, sizeof key, "rules[%zu]", i);
            return fail(sc, ITS_EPARSE, &r->at, key,
                        "give exactly one of hold_if, reduce_if, stop_if");
        }
        t = cond->text;
        op = strpbrk(t, "<>");
        if (!op)
            return fail(sc, ITS_EPARSE, cond, key,
                        "expected 'NAME > VALUE' or 'NAME < VALUE' (NAME a state, an "
                        "observable or grade.TERM), got '%s'", t);
        len = (size_t)(op - t);
        while (len > 0 && t[len - 1] == ' ')
            len--;
        while (len > 0 && *t == ' ') {
            t++;
            len--;
        }
        if (len == 0 || len >= sizeof name)
            return fail(sc, ITS_EPARSE, cond, key, "no state before '%c'", *op);
        memcpy(name, t, len);
        name[len] = '\0';
        c->op = *op == '>' ? 1 : -1;
        c->or_equal = op[1] == '=';
        c->grade = -1;
        c->obs = -1;
        c->state = -1;
        if (strncmp(name, "grade.", 6) == 0) {
            /* grade.TERM: the current CTCAE grade of a term (docs/clinical.md) */
            int kt;
            for (kt = 0; kt < ITS_AE_NTERMS; kt++)
                if (strcmp(name + 6, its_ae_term_id((its_ae_term)kt)) == 0)
                    c->grade = kt;
            if (c->grade < 0)
                return fail(sc, ITS_ENOTFOUND, cond, key,
                            "unknown CTCAE term '%s' (hypotension, fever, flu_like, fatigue, "
                            "neutropenia, irae)", name + 6);
            if (its_model_observable_role(m, its_ae_term_role((its_ae_term)c->grade)) < 0)
                return fail(sc, ITS_ENOTFOUND, cond, key,
                            "model %s has no observable to grade %s", m->name, name + 6);
            st = its_quantity_parse(op + 1 + c->or_equal, "1", &c->value, msg, sizeof msg);
        } else {
            c->state = its_model_state_index(m, name);
            c->obs = c->state < 0 ? its_model_observable_index(m, name) : -1;
            if (c->state < 0 && c->obs < 0)
                return fail(sc, ITS_ENOTFOUND, cond, key,
                            "unknown state or observable '%s' of model %s", name, m->name);
            st = its_quantity_parse(op + 1 + c->or_equal,
                                    c->state >= 0 ? m->states[c->state].unit
                                                  : m->observables[c->obs].unit,
                                    &c->value, msg, sizeof msg);
        }
        if (st != ITS_OK)
            return fail(sc, st, cond, key, "%s", msg);
        fmt_into(c->text, sizeof c->text, "%s", cond->text);
        c->factor = c->action == 1 ? 0.5 : 0.0;
        if (r->f[R_FACTOR].text) {
            fmt_into(key, sizeof key, "rules[%zu].factor", i);
            if (c->action != 1)
                return fail(sc, ITS_EPARSE, &r->f[R_FACTOR], key, "'factor' goes with reduce_if");
            st = quantity(sc, &r->f[R_FACTOR], key, "1", &c->factor);
            if (st != ITS_OK)
                return st;
            if (!(c->factor >= 0.0 && c->factor <= 1.0))
                return fail(sc, ITS_ERANGE, &r->f[R_FACTOR], key, "a factor between 0 and 1");
        }
        c->input = -1;
        if (r->f[R_APPLIES].text) {
            fmt_into(key, sizeof key, "rules[%zu].applies_to", i);
            c->input = its_model_input_index(m, r->f[R_APPLIES].text);
            if (c->input < 0)
                return fail(sc, ITS_ENOTFOUND, &r->f[R_APPLIES], key,
                            "unknown input '%s' of model %s", r->f[R_APPLIES].text, m->name);
        }
    }
    return ITS_OK;
}

/* A clinical setting: a time (converted to model units) that must be
 * positive, or >= 0 when zero_ok. */
static its_status clin_time(its_scenario *sc, const its_model_def *m, int k, int zero_ok,
                            double *out)
{
    char key[64];
    its_status st;
    if (!sc->clin[k].text)
        return ITS_OK;
    fmt_into(key, sizeof key, "clinical.%s", clinical_keys[k]);
    st = quantity(sc, &sc->clin[k], key, m->time_unit, out);
    if (st != ITS_OK)
        return st;
    if (!(zero_ok ? *out >= 0.0 : *out > 0.0))
        return fail(sc, ITS_ERANGE, &sc->clin[k], key, "must be %s, got '%s'",
                    zero_ok ? "zero or positive" : "positive", sc->clin[k].text);
    return ITS_OK;
}

/* A value in days, in model time units (for defaults). */
static double days_in(const its_model_def *m, double days)
{
    double v = days;
    if (its_unit_convert(days, "d", m->time_unit, &v, NULL, 0) != ITS_OK)
        return days;
    return v;
}

static its_status resolve_clinical(its_scenario *sc, const its_model_def *m, its__clinical *c)
{
    const sval *v = sc->clin;
    its_status st = ITS_OK;
    int k;

    memset(c, 0, sizeof *c);
    c->on = m->n_observables > 0 && m->observe != NULL;
    for (k = 0; k < C_N && !c->on; k++)
        if (v[k].text)
            return fail(sc, ITS_EINVAL, &v[k], "clinical",
                        "model %s has no observables for clinical read-outs", m->name);
    if (!c->on)
        return ITS_OK;
    its_recist_opts_default(&c->recist);
    c->recist.confirm_after = days_in(m, 28.0);
    c->recist.sd_min = days_in(m, 42.0);
    c->recist.drr_onset = days_in(m, 365.25);
    c->recist.drr_duration = days_in(m, 182.625);
    c->assess_every = days_in(m, 56.0);
    c->monitor_every = days_in(m, 1.0 / 24.0);
    c->anc_lln = 2.0;
    c->lethal_burden = 1e12;
    if ((st = clin_time(sc, m, C_ASSESS_EVERY, 0, &c->assess_every)) != ITS_OK ||
        (st = clin_time(sc, m, C_CONFIRM, 1, &c->recist.confirm_after)) != ITS_OK ||
        (st = clin_time(sc, m, C_SD_MIN, 1, &c->recist.sd_min)) != ITS_OK ||
        (st = clin_time(sc, m, C_MONITOR, 0, &c->monitor_every)) != ITS_OK)
        return st;
    c->first_assess = c->assess_every;
    if ((st = clin_time(sc, m, C_FIRST, 0, &c->first_assess)) != ITS_OK)
        return st;
    if (v[C_ANC_LLN].text) {
        st = quantity(sc, &v[C_ANC_LLN], "clinical.anc_lln", "1e9/L", &c->anc_lln);
        if (st != ITS_OK)
            return st;
        if (!(c->anc_lln > 0.0))
            return fail(sc, ITS_ERANGE, &v[C_ANC_LLN], "clinical.anc_lln", "must be positive");
    }
    if (v[C_LETHAL].text) {
        st = quantity(sc, &v[C_LETHAL], "clinical.lethal_burden", "cell", &c->lethal_burden);
        if (st != ITS_OK)
            return st;
        if (!(c->lethal_burden >= 0.0))
            return fail(sc, ITS_ERANGE, &v[C_LETHAL], "clinical.lethal_burden",
                        "must be zero (no disease death) or positive");
    }
    if (v[C_MEASURABLE].text) {
        st = quantity(sc, &v[C_MEASURABLE], "clinical.measurable", "mm", &c->recist.measurable_mm);
        if (st != ITS_OK)
            return st;
    }
    if (v[C_DETECT].text) {
        st = quantity(sc, &v[C_DETECT], "clinical.detection_limit", "mm", &c->recist.detect_mm);
        if (st != ITS_OK)
            return st;
    }
    if (!(c->recist.measurable_mm > 0.0 && c->recist.detect_mm >= 0.0 &&
          c->recist.detect_mm <= c->recist.measurable_mm))
        return fail(sc, ITS_ERANGE, v[C_DETECT].text ? &v[C_DETECT] : &v[C_MEASURABLE],
                    "clinical", "need 0 <= detection_limit <= measurable (mm)");
    c->recist.new_lesion_mm = c->recist.measurable_mm;
    if (v[C_STOP_PD].text) {
        if (strcmp(v[C_STOP_PD].text, "true") == 0 || strcmp(v[C_STOP_PD].text, "yes") == 0)
            c->stop_at_pd = 1;
        else if (strcmp(v[C_STOP_PD].text, "false") != 0 && strcmp(v[C_STOP_PD].text, "no") != 0)
            return fail(sc, ITS_EPARSE, &v[C_STOP_PD], "clinical.stop_at_progression",
                        "expected true or false, got '%s'", v[C_STOP_PD].text);
    }
    if (v[C_ORGANS].text) {
        /* "lung, liver, lung": one organ per lesion */
        const char *p = v[C_ORGANS].text;
        size_t n_les = 0, i;
        for (i = 0; i < m->n_observables; i++)
            n_les += m->observables[i].role == ITS_OBS_LESION_DIAMETER;
        while (*p) {
            size_t len;
            while (*p == ' ' || *p == ',')
                p++;
            if (!*p)
                break;
            len = strcspn(p, ",");
            while (len > 0 && p[len - 1] == ' ')
                len--;
            if (c->n_organs >= ITS__MAX_LESIONS || len == 0 || len >= sizeof c->organs[0])
                return fail(sc, ITS_ERANGE, &v[C_ORGANS], "clinical.organs",
                            "expected up to %d organ names of under 32 characters, "
                            "one per lesion", ITS__MAX_LESIONS);
            memcpy(c->organs[c->n_organs], p, len);
            c->organs[c->n_organs][len] = '\0';
            c->n_organs++;
            p += len;
            while (*p == ' ')
                p++;
        }
        if (c->n_organs != n_les)
            return fail(sc, ITS_ERANGE, &v[C_ORGANS], "clinical.organs",
                        "%zu organ names for %zu lesions of model %s", c->n_organs, n_les,
                        m->name);
    }
    return ITS_OK;
}

/* The dose gate of a scenario run: the first matching rule decides, and
 * the dose remembers which (rule_of, indexed like the plan's doses). */
typedef struct rule_gate {
    const its__plan *plan;
    int *stopped;          /* per rule: stop_if has fired */
    int *rule_of;          /* per dose: deciding rule or -1 */
    double *obs;           /* observables at the dose (rules on observables) */
    int obs_ok;
    const int *progressed; /* clinical: PD seen (stop_at_progression), or NULL */
    const its_ctcae *grades; /* clinical: current CTCAE grades, or NULL */
} rule_gate;

static double scenario_gate(double t, const double *y, size_t n, size_t dose,
                            const char *input, double planned, void *user)
{
    rule_gate *g = user;
    const its__plan *p = g->plan;
    int k = its_model_input_index(p->model, input), hit = -1;
    double give = 1.0;
    size_t i;
    (void)n;
    (void)planned;
    g->obs_ok = 0;
    if (g->progressed && *g->progressed) {
        g->rule_of[dose] = ITS__HELD_PD;
        return 0.0;
    }
    for (i = 0; i < p->n_rules && hit < 0; i++) {
        const its__rule *r = &p->rules[i];
        double x;
        if (r->input >= 0 && r->input != k)
            continue;
        if (g->stopped[i]) {
            hit = (int)i;
            give = 0.0;
            break;
        }
        if (r->grade >= 0) {
            x = g->grades ? (double)its_ctcae_grade(g->grades, (its_ae_term)r->grade) : -1.0;
        } else if (r->state >= 0) {
            x = y[r->state];
        } else {
            if (!g->obs_ok)
                g->obs_ok = p->model->observe(t, y, p->params, g->obs, p->model->data) == 0;
            x = g->obs_ok ? g->obs[r->obs] : (double)NAN;
        }
        if (!(r->op > 0 ? (x > r->value || (r->or_equal && x == r->value))
                        : (x < r->value || (r->or_equal && x == r->value))))
            continue;
        hit = (int)i;
        if (r->action == 2)
            g->stopped[i] = 1;
        give = r->action == 1 ? r->factor : 0.0;
    }
    g->rule_of[dose] = hit;
    return give;
}

static its_status resolve(its_scenario *sc, int final, its__plan *plan,
                          its_sim **sim_out)
{
    const its_model_def *m;
    its_sim *sim = NULL;
    its_status st = ITS_OK;
    char names[512];
    size_t i, cap = 0;
    int have_t1 = 0;

    memset(plan, 0, sizeof *plan);
    *sim_out = NULL;
    {
        its_patient pt; /* always checked, used by doses per kg or m2 */
        if ((st = resolve_patient(sc, &pt)) != ITS_OK)
            return st;
    }
    if (!sc->model.text) {
        if (!final)
            return ITS_OK;
        return fail(sc, ITS_EPARSE, NULL, "model",
                    "missing: name the model with 'model: NAME' or --model");
    }
    m = its_model_find(sc->model.text);
    if (!m) {
        model_list(names, sizeof names);
        return fail(sc, ITS_ENOTFOUND, &sc->model, "model",
                    "unknown model '%s' (models: %s)", sc->model.text, names);
    }
    plan->model = m;
    plan->set_name = m->default_set;
    plan->source = dup_str(sc->name ? sc->name : "scenario");
    if (!plan->source)
        return fail_nomem(sc);
    if (sc->description.text) {
        plan->description = dup_str(sc->description.text);
        if (!plan->description) {
            st = fail_nomem(sc);
            goto out;
        }
    }
    st = its_sim_create(m, &sim, NULL, 0);
    if (st != ITS_OK) {
        st = fail(sc, st, &sc->model, "model", "cannot set up the simulation: %s",
                  its_strerror(st));
        goto out;
    }
    if (sc->set.text) {
        int k = its_model_set_index(m, sc->set.text);
        if (k < 0) {
            name_list(names, sizeof names, m, 3);
            st = fail(sc, ITS_ENOTFOUND, &sc->set, "parameter_set",
                      "unknown parameter set '%s' of model %s (sets: %s)",
                      sc->set.text, m->name, names);
            goto out;
        }
        st = its_sim_apply_set(sim, sc->set.text);
        if (st != ITS_OK) {
            st = fail(sc, st, &sc->set, "parameter_set", "%s",
                      its_sim_errmsg(sim));
            goto out;
        }
        plan->set_name = m->sets[k].name;
    }
    /* Agents that bring their own PK values for this model (nivolumab's
     * anti-PD-1 PK); explicit parameters below still win. */
    for (i = 0; i < sc->n_therapy; i++) {
        const its_agent *ag = its_agent_find(sc->therapy[i].f[T_AGENT].text);
        size_t j;
        for (j = 0; ag != NULL && j < ag->n_tme_params; j++)
            if (its_model_param_index(m, ag->tme_params[j].name) >= 0)
                (void)its_sim_set_param(sim, ag->tme_params[j].name, ag->tme_params[j].value);
    }
    for (i = 0; i < sc->n_params; i++) {
        const sentry *e = &sc->params[i];
        char key[256];
        int k = its_model_param_index(m, e->key.text);
        fmt_into(key, sizeof key, "parameters.%s", e->key.text);
        if (k < 0) {
            name_list(names, sizeof names, m, 0);
            st = fail(sc, ITS_ENOTFOUND, &e->key, key,
                      "unknown parameter '%s' of model %s (parameters: %s)",
                      e->key.text, m->name, names);
            goto out;
        }
        st = set_param(sc, sim, m, k, &e->val, key);
        if (st != ITS_OK)
            goto out;
    }
    for (i = 0; i < sc->n_initial; i++) {
        const sentry *e = &sc->initial[i];
        char key[256];
        int k = its_model_state_index(m, e->key.text);
        fmt_into(key, sizeof key, "initial.%s", e->key.text);
        if (k < 0) {
            name_list(names, sizeof names, m, 1);
            st = fail(sc, ITS_ENOTFOUND, &e->key, key,
                      "unknown state '%s' of model %s (states: %s)",
                      e->key.text, m->name, names);
            goto out;
        }
        st = set_initial(sc, sim, m, k, &e->val, key);
        if (st != ITS_OK)
            goto out;
    }
    for (i = 0; i < sc->n_ovr; i++) {
        st = apply_override(sc, sim, m, &sc->ovr[i]);
        if (st != ITS_OK)
            goto out;
    }
    st = resolve_simulate(sc, final, plan, sim, &have_t1);
    if (st != ITS_OK)
        goto out;
    if (sc->n_therapy) {
        plan->therapy = calloc(sc->n_therapy, sizeof *plan->therapy);
        if (!plan->therapy) {
            st = fail_nomem(sc);
            goto out;
        }
        plan->n_therapy = sc->n_therapy;
    }
    for (i = 0; i < sc->n_therapy; i++) {
        st = resolve_item(sc, m, i, plan->t0, &plan->therapy[i]);
        if (st != ITS_OK)
            goto out;
    }
    st = resolve_rules(sc, m, plan);
    if (st != ITS_OK)
        goto out;
    st = resolve_clinical(sc, m, &plan->clin);
    if (st != ITS_OK)
        goto out;
    if (final && have_t1 && plan->clin.on &&
        !((plan->t1 - plan->t0) / plan->clin.monitor_every <= MAX_GRID &&
          (plan->t1 - plan->t0) / plan->clin.assess_every <= MAX_GRID)) {
        /* the interval if the user wrote it, else the horizon */
        const int mon = !((plan->t1 - plan->t0) / plan->clin.monitor_every <= MAX_GRID);
        const int ck = mon ? C_MONITOR : C_ASSESS_EVERY;
        char ikey[64];
        const char *keys[2];
        const sval *cand[2];
        sval cli;
        size_t k;
        fmt_into(ikey, sizeof ikey, "clinical.%s", clinical_keys[ck]);
        keys[0] = ikey;
        keys[1] = "simulate.until";
        cand[0] = &sc->clin[ck];
        cand[1] = horizon_sval(sc, &cli);
        k = blame(cand, 2);
        st = fail(sc, ITS_ERANGE, k < 2 ? cand[k] : NULL, k < 2 ? keys[k] : "clinical",
                  "more than %.0f %s from %g to %g %s at %s = %g %s%s (lengthen the interval "
                  "or shorten the horizon)", MAX_GRID, mon ? "monitoring times" : "assessments",
                  plan->t0, plan->t1, m->time_unit, ikey,
                  mon ? plan->clin.monitor_every : plan->clin.assess_every, m->time_unit,
                  sc->clin[ck].text ? "" : ", the default");
        goto out;
    }
    if (final && have_t1) {
        size_t *first = calloc(sc->n_therapy + 1, sizeof *first);
        if (!first) {
            st = fail_nomem(sc);
            goto out;
        }
        for (i = 0; i < sc->n_therapy && st == ITS_OK; i++) {
            first[i] = plan->n_doses;
            st = expand_item(sc, plan, i, &cap, its_sim_initial(sim));
        }
        first[sc->n_therapy] = plan->n_doses;
        /* Times that differ only by round-off (0.1 + 0.2 vs 0.3) are
         * merged into one instant by the engine itself (sim.c same_time). */
        if (st != ITS_OK) {
            free(first);
            goto out;
        }
        for (i = 0; i < sc->n_therapy; i++) {
            size_t k;
            char key[64];
            fmt_into(key, sizeof key, "therapy[%zu]", i);
            for (k = first[i]; k < first[i + 1]; k++) {
                const its__dose *d = &plan->doses[k];
                const char *in = m->inputs[d->input].name;
                st = d->infusion ?
                    its_sim_add_infusion(sim, in, d->t, d->duration, d->rate) :
                    d->has_release ?
                    its_sim_add_release(sim, in, d->t, d->amount, &d->release) :
                    its_sim_add_bolus(sim, in, d->t, d->amount);
                if (st != ITS_OK) {
                    st = fail(sc, st, &sc->therapy[i].at, key, "%s",
                              its_sim_errmsg(sim));
                    free(first);
                    goto out;
                }
            }
        }
        free(first);
    }
    plan->params = malloc((m->n_params ? m->n_params : 1) * sizeof(double));
    plan->initial = malloc((m->n_states ? m->n_states : 1) * sizeof(double));
    if (!plan->params || !plan->initial) {
        st = fail_nomem(sc);
        goto out;
    }
    if (m->n_params)
        memcpy(plan->params, its_sim_params(sim), m->n_params * sizeof(double));
    if (m->n_states)
        memcpy(plan->initial, its_sim_initial(sim), m->n_states * sizeof(double));
out:
    if (st != ITS_OK) {
        its_sim_free(sim);
        its__plan_clear(plan);
        return st;
    }
    if (final)
        *sim_out = sim;
    else
        its_sim_free(sim);
    return ITS_OK;
}

/* Check what can be checked now (names, units, single values). */
static its_status check_now(its_scenario *sc)
{
    its__plan plan;
    its_sim *sim;
    its_status st;
    size_t i, used;
    sc->warn[0] = '\0';
    for (i = 0; sc->arm_sc && i < sc->n_arms; i++) { /* the arms' own warnings */
        if (!sc->arm_sc[i])
            continue; /* an arm that failed to load */
        used = strlen(sc->warn);
        fmt_into(sc->warn + used, sizeof sc->warn - used, "%s", sc->arm_sc[i]->warn);
    }
    st = resolve(sc, 0, &plan, &sim);
    if (st == ITS_OK)
        its__plan_clear(&plan);
    return st;
}

/* Everything a run checks before it starts (horizon, grid, dose list),
 * without running: the fuzz target of the scenario reader uses it. */
its_status its__scenario_resolve(its_scenario *sc)
{
    its__plan plan;
    its_sim *sim;
    its_status st;
    if (!sc)
        return ITS_EINVAL;
    st = resolve(sc, 1, &plan, &sim);
    if (st == ITS_OK) {
        its_sim_free(sim);
        its__plan_clear(&plan);
    }
    return st;
}

/* ---- public API ---------------------------------------------------------- */

its_status its_scenario_create(its_scenario **out)
{
    if (!out)
        return ITS_EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? ITS_OK : ITS_ENOMEM;
}

void its_scenario_free(its_scenario *sc)
{
    if (!sc)
        return;
    scenario_clear(sc);
    free(sc);
}

const char *its_scenario_warnings(const its_scenario *sc)
{
    return sc != NULL ? sc->warn : "";
}

const char *its_scenario_errmsg(const its_scenario *sc)
{
    return sc ? sc->err : "no scenario";
}

/* Each arm takes its therapy and rules from a named regimen or from a
 * scenario file (relative to the directory of this scenario's file). */
static its_status load_arms(its_scenario *sc)
{
    size_t i, j;
    if (sc->n_arms == 0)
        return ITS_OK;
    sc->arm_sc = calloc(sc->n_arms, sizeof *sc->arm_sc);
    sc->arm_id = calloc(sc->n_arms, sizeof *sc->arm_id);
    if (!sc->arm_sc || !sc->arm_id)
        return fail_nomem(sc);
    for (i = 0; i < sc->n_arms; i++) {
        const sitem *a = &sc->arms[i];
        char key[64], path[4096];
        const char *id;
        its_status st;
        size_t k, n;

        fmt_into(key, sizeof key, "arms[%zu]", i);
        if (!a->f[A_NAME].text || !*a->f[A_NAME].text)
            return fail(sc, ITS_EPARSE, &a->at, key, "every arm needs a name");
        /* a name is one line: it labels table rows, CSV rows and figures */
        for (k = 0; a->f[A_NAME].text[k]; k++)
            if ((unsigned char)a->f[A_NAME].text[k] < 0x20 || a->f[A_NAME].text[k] == 0x7f) {
                fmt_into(key, sizeof key, "arms[%zu].name", i);
                return fail(sc, ITS_EPARSE, &a->f[A_NAME], key,
                            "one line of text, without control characters (newline, tab, ...)");
            }
        if (a->f[A_REGIMEN].text && a->f[A_FILE].text)
            return fail(sc, ITS_EPARSE, &a->f[A_FILE], key, "give regimen or file, not both");
        if (its_scenario_create(&sc->arm_sc[i]) != ITS_OK)
            return fail_nomem(sc);
        sc->arm_sc[i]->nested = 1;
        if (a->f[A_REGIMEN].text) {
            const its_regimen *r = its_regimen_find(a->f[A_REGIMEN].text);
            fmt_into(key, sizeof key, "arms[%zu].regimen", i);
            if (!r)
                return fail(sc, ITS_ENOTFOUND, &a->f[A_REGIMEN], key,
                            "unknown regimen '%s' (see `itsim regimens`)", a->f[A_REGIMEN].text);
            st = its_scenario_load_string(sc->arm_sc[i], r->scenario, strlen(r->scenario), r->name);
        } else if (a->f[A_FILE].text) {
            const char *slash = strrchr(sc->name, '/');
            fmt_into(key, sizeof key, "arms[%zu].file", i);
            if (a->f[A_FILE].text[0] != '/' && slash)
                fmt_into(path, sizeof path, "%.*s/%s", (int)(slash - sc->name), sc->name,
                         a->f[A_FILE].text);
            else
                fmt_into(path, sizeof path, "%s", a->f[A_FILE].text);
            st = its_scenario_load_file(sc->arm_sc[i], path);
        } else {
            st = ITS_OK; /* no therapy of its own: the shared therapy only */
        }
        if (st != ITS_OK)
            return fail(sc, st, a->f[A_FILE].text ? &a->f[A_FILE] : &a->f[A_REGIMEN], key,
                        "%s", its_scenario_errmsg(sc->arm_sc[i]));
        {
            /* an arm brings therapy and rules; the comparison sets the rest */
            const its_scenario *as = sc->arm_sc[i];
            const sval *where = a->f[A_FILE].text ? &a->f[A_FILE] : &a->f[A_REGIMEN];
            size_t m, f;
            if (as->n_params || as->n_initial || as->set.text)
                return fail(sc, ITS_EPARSE, where, key,
                            "the scenario of an arm may only bring therapy and rules; its "
                            "parameters, initial values or parameter set would be ignored "
                            "(put them in the comparison, or run the file on its own)");
            for (f = 0; f < C_N; f++)
                if (as->clin[f].text)
                    return fail(sc, ITS_EPARSE, where, key,
                                "the scenario of an arm may only bring therapy and rules; "
                                "clinical settings belong to the comparison");
            /* the same model family: "tme" regimens run on "tme:4" too */
            if (as->model.text && sc->model.text &&
                (strcspn(as->model.text, ":") != strcspn(sc->model.text, ":") ||
                 strncmp(as->model.text, sc->model.text, strcspn(as->model.text, ":")) != 0))
                return fail(sc, ITS_EPARSE, where, key,
                            "the arm's scenario is for model %s, the comparison for %s",
                            as->model.text, sc->model.text);
            /* errors in the arm's items name its file */
            for (m = 0; m < as->n_therapy; m++)
                for (f = 0; f < T_N; f++)
                    as->therapy[m].f[f].file = as->name;
            for (m = 0; m < as->n_rules; m++)
                for (f = 0; f < R_N; f++)
                    as->rules[m].f[f].file = as->name;
        }
        /* identifier for file names: id, else the regimen, else the name */
        id = a->f[A_ID].text ? a->f[A_ID].text
             : a->f[A_REGIMEN].text ? a->f[A_REGIMEN].text : a->f[A_NAME].text;
        for (k = 0, n = 0; id[k] && n + 1 < sizeof sc->arm_id[i]; k++) {
            const char c = id[k];
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                sc->arm_id[i][n++] = c;
            else if (c >= 'A' && c <= 'Z')
                sc->arm_id[i][n++] = (char)(c - 'A' + 'a');
            else if (n > 0 && sc->arm_id[i][n - 1] != '_')
                sc->arm_id[i][n++] = '_';
        }
        while (n > 0 && sc->arm_id[i][n - 1] == '_')
            n--;
        sc->arm_id[i][n] = '\0';
        if (n == 0)
            fmt_into(sc->arm_id[i], sizeof sc->arm_id[i], "arm%zu", i + 1);
        for (j = 0; j < i; j++)
            if (strcmp(sc->arm_id[j], sc->arm_id[i]) == 0)
                return fail(sc, ITS_EPARSE, &a->at, key,
                            "two arms with the identifier '%s' (give each an id)", sc->arm_id[i]);
    }
    return ITS_OK;
}

its_status its_scenario_load_string(its_scenario *sc, const char *text,
                                    size_t len, const char *name)
{
    its__ydoc *doc = NULL;
    char msg[512];
    int line, col;
    its_status st;
    sval at;

    if (!sc)
        return ITS_EINVAL;
    scenario_clear(sc);
    sc->err[0] = '\0';
    sc->from_file = 0;
    sc->name = dup_str(name ? name : "scenario");
    if (!sc->name)
        return fail_nomem(sc);
    if (!text)
        return fail(sc, ITS_EINVAL, NULL, "scenario", "no text given");
    st = its__ydoc_load(text, len, &doc, msg, sizeof msg, &line, &col);
    if (st != ITS_OK) {
        memset(&at, 0, sizeof at);
        at.line = line;
        at.col = col;
        return fail(sc, st, &at, "scenario", "%s", msg);
    }
    st = read_document(sc, doc);
    its__ydoc_free(doc);
    if (st == ITS_OK)
        st = load_arms(sc);
    if (st == ITS_OK)
        st = check_now(sc);
    return st;
}

its_status its_scenario_load_file(its_scenario *sc, const char *path)
{
    FILE *fp;
    char *buf = NULL, ebuf[128];
    size_t len = 0, cap = 0;
    its_status st;
    int err = 0, fd;
    struct stat sb;

    if (!sc || !path)
        return ITS_EINVAL;
    scenario_clear(sc);
    sc->err[0] = '\0';
    errno = 0;
    /* Only regular files: a FIFO or device would block or never end. The
     * type is checked before opening, and again on what was opened (without
     * blocking) in case the name changed in between. */
    fd = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)
             ? -2 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        fd = -2;
    }
    if (fd == -2) {
        fmt_into(sc->err, sizeof sc->err, "%s: not a regular file (%s); give a scenario file",
                 path, S_ISFIFO(sb.st_mode) ? "a FIFO" : S_ISDIR(sb.st_mode) ? "a directory"
                       : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "a device" : "not a file");
        return ITS_EIO;
    }
    fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!fp) {
        err = errno;
        if (fd >= 0)
            close(fd);
        if (strerror_r(err, ebuf, sizeof ebuf) != 0)
            fmt_into(ebuf, sizeof ebuf, "error %d", err);
        fmt_into(sc->err, sizeof sc->err, "%s: cannot open: %s", path, ebuf);
        return ITS_EIO;
    }
    for (;;) {
        size_t got;
        if (cap - len < 4096) {
            char *p;
            size_t ncap = cap ? 2 * cap : 8192;
            if (cap > MAX_FILE_BYTES) {
                fclose(fp);
                free(buf);
                fmt_into(sc->err, sizeof sc->err,
                         "%s: file too large (more than %zu bytes)", path,
                         MAX_FILE_BYTES);
                return ITS_EIO;
            }
            p = realloc(buf, ncap);
            if (!p) {
                fclose(fp);
                free(buf);
                return fail_nomem(sc);
            }
            buf = p;
            cap = ncap;
        }
        errno = 0;
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp))
                err = errno ? errno : EIO;
            break;
        }
    }
    fclose(fp);
    if (err) {
        free(buf);
        if (strerror_r(err, ebuf, sizeof ebuf) != 0)
            fmt_into(ebuf, sizeof ebuf, "error %d", err);
        fmt_into(sc->err, sizeof sc->err, "%s: cannot read: %s", path, ebuf);
        return ITS_EIO;
    }
    st = its_scenario_load_string(sc, buf, len, path);
    free(buf);
    sc->from_file = 1;
    return st;
}

const char *its_scenario_file(const its_scenario *sc, size_t i)
{
    size_t k;
    if (!sc)
        return NULL;
    if (sc->from_file && sc->name && i-- == 0)
        return sc->name;
    for (k = 0; sc->arm_sc && k < sc->n_arms; k++)
        if (sc->arm_sc[k] && sc->arm_sc[k]->from_file && sc->arm_sc[k]->name && i-- == 0)
            return sc->arm_sc[k]->name;
    return NULL;
}

its_status its_scenario_set_model(its_scenario *sc, const char *model)
{
    char names[512];
    char *copy;
    sval prev;
    its_status st;
    if (!sc || !model)
        return ITS_EINVAL;
    sc->err[0] = '\0';
    if (!its_model_find(model)) {
        model_list(names, sizeof names);
        fmt_into(sc->err, sizeof sc->err,
                 "--model: unknown model '%s' (models: %s)", model, names);
        return ITS_ENOTFOUND;
    }
    copy = dup_str(model);
    if (!copy)
        return fail_nomem(sc);
    prev = sc->model;
    sc->model.text = copy;
    sc->model.line = sc->model.col = 0;
    sc->model.origin = "--model";
    st = check_now(sc);
    if (st != ITS_OK) { /* keep the scenario as it was */
        free(sc->model.text);
        sc->model = prev;
    } else {
        free(prev.text);
    }
    return st;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.';
}

its_status its_scenario_override(its_scenario *sc, const char *assignment)
{
    const char *eq, *b, *e, *v;
    size_t nlen, vlen;
    sentry *o, *p;
    its_status st;
    int k;

    if (!sc || !assignment)
        return ITS_EINVAL;
    sc->err[0] = '\0';
    eq = strchr(assignment, '=');
    b = assignment;
    while (*b == ' ' || *b == '\t')
        b++;
    e = eq ? eq : b;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    v = eq ? eq + 1 : "";
    while (*v == ' ' || *v == '\t')
        v++;
    vlen = strlen(v);
    while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
    nlen = (size_t)(e - b);
    if (!eq || nlen == 0 || vlen == 0) {
        fmt_into(sc->err, sizeof sc->err,
                 "--set: expected NAME=VALUE (e.g. lambda1=0.2 or "
                 "V=200 mm3), got '%s'", assignment);
        return ITS_EPARSE;
    }
    for (k = 0; k < (int)nlen; k++)
        if (!is_name_char(b[k])) {
            fmt_into(sc->err, sizeof sc->err,
                     "--set: '%.*s' is not a valid name (letters, digits, "
                     "'_' and '.')", (int)nlen, b);
            return ITS_EPARSE;
        }
    {
        /* simulate.KEY, clinical.KEY, patient.KEY: a setting of that block */
        static const struct {
            const char *block;
            size_t len;
            int nkeys;
        } blocks[] = {{"simulate.", 9, S_N}, {"clinical.", 9, C_N}, {"patient.", 8, PT_N}};
        size_t bi;
        for (bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
            const char *const *keys = bi == 0 ? simulate_keys : bi == 1 ? clinical_keys : patient_keys;
            sval *fields = bi == 0 ? sc->sim : bi == 1 ? sc->clin : sc->patient;
            char key[64], known[256];
            char *text;
            sval prev;
            int had_until = sc->has_until_value;
            if (!(nlen > blocks[bi].len && strncmp(b, blocks[bi].block, blocks[bi].len) == 0))
                continue;
            fmt_into(key, sizeof key, "%.*s", (int)(nlen - blocks[bi].len), b + blocks[bi].len);
            k = key_index(key, keys, blocks[bi].nkeys);
            if (k < 0 || strlen(key) != nlen - blocks[bi].len) {
                key_list(known, sizeof known, keys, blocks[bi].nkeys);
                fmt_into(sc->err, sizeof sc->err,
                         "--set: %.*s: unknown %.*s setting (expected one of: %s)", (int)nlen, b,
                         (int)blocks[bi].len - 1, blocks[bi].block, known);
                return ITS_ENOTFOUND;
            }
            text = dup_mem(v, vlen);
            if (!text)
                return fail_nomem(sc);
            prev = fields[k];
            memset(&fields[k], 0, sizeof fields[k]);
            fields[k].text = text;
            fields[k].origin = "--set";
            if (bi == 0 && k == S_UNTIL)
                sc->has_until_value = 0;
            st = check_now(sc);
            if (st != ITS_OK) { /* keep the scenario as it was */
                free(fields[k].text);
                fields[k] = prev;
                sc->has_until_value = had_until;
            } else {
                free(prev.text);
            }
            return st;
        }
    }
    p = realloc(sc->ovr, (sc->n_ovr + 1) * sizeof *p);
    if (!p)
        return fail_nomem(sc);
    sc->ovr = p;
    o = &sc->ovr[sc->n_ovr];
    memset(o, 0, sizeof *o);
    o->key.text = dup_mem(b, nlen);
    o->val.text = dup_mem(v, vlen);
    o->key.origin = "--set";
    o->val.origin = "--set";
    sc->n_ovr++;
    st = (!o->key.text || !o->val.text) ? fail_nomem(sc) : check_now(sc);
    if (st != ITS_OK) { /* keep the scenario as it was */
        sc->n_ovr--;
        sval_clear(&o->key);
        sval_clear(&o->val);
    }
    return st;
}

its_status its_scenario_set_until(its_scenario *sc, double t_end)
{
    if (!sc)
        return ITS_EINVAL;
    sc->err[0] = '\0';
    if (!isfinite(t_end)) {
        fmt_into(sc->err, sizeof sc->err, "--until: the end time must be finite");
        return ITS_ERANGE;
    }
    sc->has_until_value = 1;
    sc->until_value = t_end;
    return ITS_OK;
}

static const char default_text[] =
    "# Default itsim comparison: the default melanoma patient of the tme model\n"
    "# (70 kg, 175 cm; three lesions of about 2.0, 1.4 and 1.0 cm), untreated\n"
    "# and under the standard regimens of `itsim regimens`, followed for two\n"
    "# years with RECIST 1.1 scans every 8 weeks and CTCAE v5.0 grading.\n"
    "model: tme\n"
    "description: default melanoma patient\n"
    "patient: {weight: 70 kg, height: 175 cm, bsa: mosteller}\n"
    "clinical: {assess_every: 8 weeks, confirm_after: 28 d, monitor_every: 1 h,\n"
    "           stop_at_progression: true}\n"
    "simulate: {until: 730 d, output_every: 1 d}\n"
    "arms:\n"
    "  - {name: untreated}\n"
    "  - {name: HD IL-2, regimen: hd_il2}\n"
    "  - {name: HD IFN-alpha, regimen: hd_ifn}\n"
    "  - {name: GM-CSF, regimen: gmcsf}\n"
    "  - {name: anti-PD-1, regimen: pembrolizumab}\n"
    "  - {name: dacarbazine, regimen: dacarbazine}\n";

const char *its_scenario_default_text(void)
{
    return default_text;
}

/* ---- running ------------------------------------------------------------- */

typedef struct run_ctx {
    its_result *res;
    size_t n_states;
    int nomem;
    const unsigned char *flags; /* per run-grid time: ITS__ROW_* */
    size_t n_grid, cursor;
    int died;
} run_ctx;

static int grow_rows(its_result *res, size_t n_states, size_t want)
{
    double *t, *y;
    unsigned char *kind;
    if (want <= res->cap_rows)
        return 0;
    if (want > ((size_t)-1 / sizeof(double)) / (n_states ? n_states : 1))
        return -1;
    t = realloc(res->t, want * sizeof *t);
    if (!t)
        return -1;
    res->t = t;
    kind = realloc(res->kind, want);
    if (!kind)
        return -1;
    res->kind = kind;
    y = realloc(res->y, want * (n_states ? n_states : 1) * sizeof *y);
    if (!y)
        return -1;
    res->y = y;
    res->cap_rows = want;
    return 0;
}

/* Observer: stores every row (outside the right-hand side, so growing the
 * buffer here is fine). */
static int store_row(double t, const double *y, size_t n_states,
                     its_row_kind kind, void *user)
{
    run_ctx *ctx = user;
    its_result *res = ctx->res;
    unsigned flags = ITS__ROW_OUTPUT;
    int died = 0;
    if (n_states != ctx->n_states)
        return 1;
    if (kind == ITS_ROW_GRID && ctx->flags) {
        flags = ctx->cursor < ctx->n_grid ? ctx->flags[ctx->cursor] : ITS__ROW_OUTPUT;
        ctx->cursor++;
    }
    if (res->plan.clin.on) {
        died = its__clin_row(res, t, y, kind, flags);
        if (died < 0) {
            ctx->nomem = 1;
            return 1;
        }
        if (died) {
            ctx->died = 1;
            flags |= ITS__ROW_OUTPUT; /* the last row: the time of death */
        }
    }
    if (!(flags & ITS__ROW_OUTPUT))
        return 0;
    if (res->n_rows == res->cap_rows &&
        grow_rows(res, n_states, res->cap_rows + res->cap_rows / 2 + 16) != 0) {
        ctx->nomem = 1;
        return 1;
    }
    res->t[res->n_rows] = t;
    res->kind[res->n_rows] = (unsigned char)kind;
    if (n_states)
        memcpy(res->y + res->n_rows * n_states, y, n_states * sizeof *y);
    res->n_rows++;
    return died;
}

void its_result_free(its_result *res)
{
    if (!res)
        return;
    its__plan_clear(&res->plan);
    free(res->t);
    free(res->kind);
    free(res->y);
    free(res->final_state);
    free(res->given);
    free(res->rule_of);
    its__clin_free(&res->clin);
    free(res->err);
    free(res);
}

static its_status run_scenario(its_scenario *sc, its_result **out);

its_status its_scenario_run(its_scenario *sc, its_result **out)
{
    if (out)
        *out = NULL;
    if (sc && sc->n_arms > 0) {
        fmt_into(sc->err, sizeof sc->err,
                 "%s: the scenario has %zu arms: run them with its_scenario_run_arm "
                 "(itsim run does)", sc->name ? sc->name : "scenario", sc->n_arms);
        return ITS_EINVAL;
    }
    return run_scenario(sc, out);
}

size_t its_scenario_arm_count(const its_scenario *sc)
{
    return sc ? sc->n_arms : 0;
}

const char *its_scenario_arm_name(const its_scenario *sc, size_t i)
{
    return sc && i < sc->n_arms ? sc->arms[i].f[A_NAME].text : NULL;
}

const char *its_scenario_arm_id(const its_scenario *sc, size_t i)
{
    return sc && i < sc->n_arms ? sc->arm_id[i] : NULL;
}

/* An arm: the shared therapy and rules, then the arm's own, run on a
 * shallow copy of the scenario with the item arrays joined, so that the
 * scenario itself is only read and arms can run in parallel. Errors go to
 * err (ITS__ERRLEN bytes). */
/* The scenario arm i runs: a shallow copy of sc whose therapy and rules are
 * the shared ones followed by the arm's own. NULL when out of memory;
 * arm_local_free frees it (not what it shares with sc). */
static its_scenario *arm_local(const its_scenario *sc, size_t i)
{
    its_scenario *local;
    sitem *th, *ru;
    const its_scenario *a = sc->arm_sc[i];

    local = malloc(sizeof *local);
    th = calloc(sc->n_therapy + a->n_therapy + 1, sizeof *th);
    ru = calloc(sc->n_rules + a->n_rules + 1, sizeof *ru);
    if (!local || !th || !ru) {
        free(local);
        free(th);
        free(ru);
        return NULL;
    }
    if (sc->n_therapy)
        memcpy(th, sc->therapy, sc->n_therapy * sizeof *th);
    if (a->n_therapy)
        memcpy(th + sc->n_therapy, a->therapy, a->n_therapy * sizeof *th);
    if (sc->n_rules)
        memcpy(ru, sc->rules, sc->n_rules * sizeof *ru);
    if (a->n_rules)
        memcpy(ru + sc->n_rules, a->rules, a->n_rules * sizeof *ru);
    *local = *sc;
    local->therapy = th;
    local->n_therapy = sc->n_therapy + a->n_therapy;
    local->rules = ru;
    local->n_rules = sc->n_rules + a->n_rules;
    local->err[0] = '\0';
    return local;
}

static void arm_local_free(its_scenario *local)
{
    free(local->therapy);
    free(local->rules);
    free(local); /* shallow: everything else belongs to sc */
}

its_status its__scenario_resolve_arm(const its_scenario *sc, size_t i, char *err)
{
    its_scenario *local;
    its__plan plan;
    its_sim *sim;
    its_status st;

    if (!sc || i >= sc->n_arms || !sc->arm_sc)
        return ITS_EINVAL;
    local = arm_local(sc, i);
    if (!local) {
        fmt_into(err, ITS__ERRLEN, "%s", its_strerror(ITS_ENOMEM));
        return ITS_ENOMEM;
    }
    st = resolve(local, 1, &plan, &sim);
    if (st == ITS_OK) {
        its_sim_free(sim);
        its__plan_clear(&plan);
    } else {
        fmt_into(err, ITS__ERRLEN, "arm '%s': %s", sc->arms[i].f[A_NAME].text, local->err);
    }
    arm_local_free(local);
    return st;
}

its_status its__scenario_run_arm(const its_scenario *sc, size_t i, its_result **out, char *err)
{
    its_scenario *local;
    its_status st;

    if (out)
        *out = NULL;
    if (!sc || !out || i >= sc->n_arms)
        return ITS_EINVAL;
    local = arm_local(sc, i);
    if (!local) {
        fmt_into(err, ITS__ERRLEN, "%s", its_strerror(ITS_ENOMEM));
        return ITS_ENOMEM;
    }
    st = run_scenario(local, out);
    if (st != ITS_OK)
        fmt_into(err, ITS__ERRLEN, "arm '%s': %s", sc->arms[i].f[A_NAME].text, local->err);
    arm_local_free(local);
    if (*out) {
        /* the arm's description names it */
        its__plan *p = &(*out)->plan;
        char *d = malloc(strlen(sc->arms[i].f[A_NAME].text) +
                         (p->description ? strlen(p->description) : 0) + 8);
        if (d) {
            sprintf(d, "%s%s%s", sc->arms[i].f[A_NAME].text, p->description ? ": " : "",
                    p->description ? p->description : "");
            free(p->description);
            p->description = d;
        }
    }
    return st;
}

its_status its_scenario_run_arm(its_scenario *sc, size_t i, its_result **out)
{
    if (sc)
        sc->err[0] = '\0';
    return its__scenario_run_arm(sc, i, out, sc ? sc->err : NULL);
}

static its_status run_scenario(its_scenario *sc, its_result **out)
{
    its_result *res;
    its_sim *sim = NULL;
    run_ctx ctx;
    rule_gate gate;
    its_status st;
    size_t ns, want, i, n_run;
    double *run_grid;
    unsigned char *run_flags = NULL;

    if (!out)
        return ITS_EINVAL;
    *out = NULL;
    if (!sc)
        return ITS_EINVAL;
    sc->err[0] = '\0';
    res = calloc(1, sizeof *res);
    if (!res)
        return fail_nomem(sc);
    res->err = calloc(1, ITS__ERRLEN);
    if (!res->err) {
        free(res);
        return fail_nomem(sc);
    }
    st = resolve(sc, 1, &res->plan, &sim);
    if (st != ITS_OK) {
        its_result_free(res);
        return st;
    }
    ns = res->plan.model->n_states;
    res->final_state = calloc(ns ? ns : 1, sizeof(double));
    /* expected rows: the grid plus a pre/post pair per switch */
    want = res->plan.n_grid + 4 * res->plan.n_doses + 16;
    if (!res->final_state || grow_rows(res, ns, want) != 0) {
        its_sim_free(sim);
        its_result_free(res);
        return fail_nomem(sc);
    }
    memset(&ctx, 0, sizeof ctx);
    ctx.res = res;
    ctx.n_states = ns;
    run_grid = res->plan.grid;
    n_run = res->plan.n_grid;
    if (res->plan.clin.on) {
        st = its__clin_prepare(res, &run_grid, &run_flags, &n_run);
        if (st != ITS_OK) {
            if (run_grid != res->plan.grid)
                free(run_grid);
            free(run_flags);
            its_sim_free(sim);
            its_result_free(res);
            if (st == ITS_ENOMEM)
                return fail_nomem(sc);
            return fail(sc, st, NULL, "clinical", "settings out of range for the read-outs");
        }
        ctx.flags = run_flags;
        ctx.n_grid = n_run;
    }
    memset(&gate, 0, sizeof gate);
    gate.plan = &res->plan;
    res->given = calloc(res->plan.n_doses + 1, sizeof *res->given);
    res->rule_of = calloc(res->plan.n_doses + 1, sizeof *res->rule_of);
    gate.rule_of = res->rule_of;
    gate.stopped = calloc(res->plan.n_rules + 1, sizeof *gate.stopped);
    gate.obs = calloc(res->plan.model->n_observables + 1, sizeof *gate.obs);
    if (!res->given || !res->rule_of || !gate.stopped || !gate.obs) {
        free(gate.stopped);
        free(gate.obs);
        if (run_grid != res->plan.grid)
            free(run_grid);
        free(run_flags);
        its_sim_free(sim);
        its_result_free(res);
        return fail_nomem(sc);
    }
    for (i = 0; i < res->plan.n_doses; i++)
        res->rule_of[i] = -1;
    if (res->plan.clin.on && res->plan.clin.stop_at_pd)
        gate.progressed = &res->clin.progressed;
    if (res->plan.clin.on)
        gate.grades = res->clin.ctcae;
    if (res->plan.n_rules > 0 || gate.progressed)
        its_sim_set_dose_gate(sim, scenario_gate, &gate);
    st = its_sim_run(sim, res->plan.t0, res->plan.t1, run_grid, n_run, store_row, &ctx);
    if (st == ITS_ECALLBACK && ctx.died && !ctx.nomem)
        st = ITS_OK; /* the patient died: the course ends there */
    for (i = 0; i < res->plan.n_doses; i++) {
        its_dose_record rec;
        res->given[i] = its_sim_get_dose_record(sim, i, &rec) == ITS_OK ? rec.given : (double)NAN;
    }
    free(gate.stopped);
    free(gate.obs);
    if (run_grid != res->plan.grid)
        free(run_grid);
    free(run_flags);
    if (ctx.nomem) {
        its_sim_free(sim);
        its_result_free(res);
        return fail_nomem(sc);
    }
    if (its_sim_get_stats(sim, &res->stats) != ITS_OK)
        memset(&res->stats, 0, sizeof res->stats);
    if (res->plan.clin.on && its__clin_finish(res) == ITS_ENOMEM) {
        its_sim_free(sim);
        its_result_free(res);
        return fail_nomem(sc);
    }
    res->status = st;
    if (st == ITS_OK && ctx.died) {
        fmt_into(res->message, sizeof res->message, "the patient died at t = %.10g %s (%s)",
                 res->clin.death, res->plan.model->time_unit,
                 res->clin.death_cause == 1 ? "lethal tumour burden" : "treatment-related, grade 5");
    } else if (st == ITS_OK) {
        if (its_sim_get_final_state(sim, res->final_state) == ITS_OK)
            res->has_final = 1;
    } else {
        fmt_into(res->message, sizeof res->message, "%s", its_sim_errmsg(sim));
        fmt_into(sc->err, sizeof sc->err, "%s: run failed: %s",
                 res->plan.source, res->message);
    }
    if (!res->has_final && res->n_rows > 0 && ns) {
        memcpy(res->final_state, res->y + (res->n_rows - 1) * ns,
               ns * sizeof(double));
        res->has_final = 1;
    }
    its_sim_free(sim);
    *out = res;
    return st;
}
