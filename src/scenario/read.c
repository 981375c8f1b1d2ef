/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: reading a scenario. The parsed document (doc.c) becomes the raw
 * scenario: every value kept as text with its position, so that it can be
 * converted again when the model changes (--model), and errors name
 * FILE:LINE:COL and the key. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers -------------------------------------------------------- */

char *its__sc_dup(const char *s, size_t len)
{
    char *p = its__malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

void its__sval_clear(sval *v)
{
    its__free(v->text);
    memset(v, 0, sizeof *v);
}

static void entries_free(sentry *e, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        its__sval_clear(&e[i].key);
        its__sval_clear(&e[i].val);
    }
    its__free(e);
}

/* Drop everything loaded (name, file contents, overrides). */
void its__scenario_clear(its_scenario *sc)
{
    size_t i, k;
    its__free(sc->name);
    sc->name = NULL;
    its__sval_clear(&sc->model);
    its__sval_clear(&sc->set);
    its__sval_clear(&sc->description);
    entries_free(sc->params, sc->n_params);
    sc->params = NULL;
    sc->n_params = 0;
    entries_free(sc->initial, sc->n_initial);
    sc->initial = NULL;
    sc->n_initial = 0;
    for (i = 0; i < sc->n_therapy; i++)
        for (k = 0; k < T_N; k++)
            its__sval_clear(&sc->therapy[i].f[k]);
    its__free(sc->therapy);
    sc->therapy = NULL;
    sc->n_therapy = 0;
    for (k = 0; k < S_N; k++)
        its__sval_clear(&sc->sim[k]);
    for (k = 0; k < PT_N; k++)
        its__sval_clear(&sc->patient[k]);
    for (k = 0; k < C_N; k++)
        its__sval_clear(&sc->clin[k]);
    for (i = 0; i < sc->n_rules; i++)
        for (k = 0; k < R_N; k++)
            its__sval_clear(&sc->rules[i].f[k]);
    its__free(sc->rules);
    sc->rules = NULL;
    sc->n_rules = 0;
    for (i = 0; i < sc->n_arms; i++) {
        for (k = 0; k < A_N; k++)
            its__sval_clear(&sc->arms[i].f[k]);
        if (sc->arm_sc)
            its_scenario_free(sc->arm_sc[i]);
    }
    its__free(sc->arms);
    its__free(sc->arm_sc);
    its__free(sc->arm_id);
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
its_status its__sc_fail(its_scenario *sc, its_status st, const sval *at,
                       const char *key, const char *fmt, ...)
{
    char msg[ITS__ERRLEN];
    const char *src = sc->name ? sc->name : "scenario";
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at && at->file)
        src = at->file;
    if (at && at->origin)
        its__fmt(sc->err, sizeof sc->err, "%s: %s: %s", at->origin, key, msg);
    else if (at && at->line > 0)
        its__fmt(sc->err, sizeof sc->err, "%s:%d:%d: %s: %s", src, at->line,
                 at->col, key, msg);
    else
        its__fmt(sc->err, sizeof sc->err, "%s: %s: %s", src, key, msg);
    return st;
}

void its__sc_relative_path(const char *base, const char *rel, char *out, size_t n)
{
    const char *slash = base ? strrchr(base, '/') : NULL;
    if (rel[0] != '/' && slash)
        its__fmt(out, n, "%.*s/%s", (int)(slash - base), base, rel);
    else
        its__fmt(out, n, "%s", rel);
}

its_status its__sc_nomem(its_scenario *sc)
{
    its__fmt(sc->err, sizeof sc->err, "%s", "out of memory");
    return ITS_ENOMEM;
}

/* A check on a value derived from several settings (a horizon divided by
 * an interval, a dose time against the horizon) names one of them, and
 * only one that the user wrote: a command-line value first (it is what
 * turned a file that was valid as written into a failing one), else the
 * first of cand[] that the file sets. Returns its index, or n when every
 * candidate is a default (then the caller names the block). */
size_t its__sc_blame(const sval *const *cand, size_t n)
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
const sval *its__sc_horizon(const its_scenario *sc, sval *cli)
{
    memset(cli, 0, sizeof *cli);
    cli->origin = "--until";
    cli->text = NULL;
    return sc->has_until_value ? cli : &sc->sim[S_UNTIL];
}

/* A YAML null: an empty plain scalar, "~" or "null". */
int its__sc_null_text(const char *s)
{
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int is_null_node(const its__ydoc *doc, int node)
{
    const char *s = its__ynode_scalar(doc, node, NULL);
    return s && its__ynode_plain(doc, node) && its__sc_null_text(s);
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
        return its__sc_fail(sc, ITS_EPARSE, &at, key, "expected a single value, got %s",
                    kind_name(its__ynode_kind(doc, node)));
    if (strlen(s) != len)
        return its__sc_fail(sc, ITS_EPARSE, &at, key, "value contains a NUL character");
    its__sval_clear(out);
    out->text = its__sc_dup(s, len);
    if (!out->text)
        return its__sc_nomem(sc);
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
        return its__sc_fail(sc, ITS_EPARSE, at, section,
                    "expected a name as key, got %s",
                    s ? "an empty or invalid name" :
                        kind_name(its__ynode_kind(doc, knode)));
    *name = s;
    return ITS_OK;
}

int its__sc_key_index(const char *name, const char *const *keys, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(name, keys[i]) == 0)
            return i;
    return -1;
}

void its__sc_key_list(char *buf, size_t n, const char *const *keys, int nkeys)
{
    size_t used = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < nkeys && used < n; i++) {
        its__fmt(buf + used, n - used, "%s%s", i ? ", " : "", keys[i]);
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
    r = its__malloc(n * sizeof *r);
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
    its__free(r);
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
        return its__sc_fail(sc, ITS_EPARSE, &at, section,
                    "expected a mapping of NAME: VALUE, got %s",
                    kind_name(its__ynode_kind(doc, node)));
    }
    n = its__ynode_size(doc, node);
    if (n == 0)
        return ITS_OK;
    dup = first_duplicate(doc, node, n, &first, &nomem);
    e = nomem ? NULL : its__calloc(n, sizeof *e);
    if (!e)
        return its__sc_nomem(sc);
    *out = e;
    for (i = 0; i < n; i++) {
        int k, v;
        const char *name;
        its__ynode_pair(doc, node, i, &k, &v);
        st = take_key(sc, doc, k, section, &name, &at);
        if (st != ITS_OK)
            return st;
        its__fmt(key, sizeof key, "%s.%s", section, name);
        if (i == dup)
            return its__sc_fail(sc, ITS_EPARSE, &at, key,
                        "duplicate key (first given at line %d)",
                        e[first].key.line);
        e[i].key = at;
        e[i].key.text = its__strdup(name);
        *n_out = i + 1;
        if (!e[i].key.text)
            return its__sc_nomem(sc);
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
        its__fmt(key, sizeof key, "%s.%s", section, name);
        idx = its__sc_key_index(name, keys, nkeys);
        if (idx < 0) {
            its__sc_key_list(known, sizeof known, keys, nkeys);
            return its__sc_fail(sc, ITS_EPARSE, &at, key,
                        "unknown key (expected one of: %s)", known);
        }
        if (fields[idx].text)
            return its__sc_fail(sc, ITS_EPARSE, &at, key,
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
        return its__sc_fail(sc, ITS_EPARSE, &at, what, "expected a list such as '- %s', got %s",
                    example, kind_name(its__ynode_kind(doc, node)));
    n = its__ynode_size(doc, node);
    if (n == 0)
        return ITS_OK;
    *out = its__calloc(n, sizeof **out);
    if (!*out)
        return its__sc_nomem(sc);
    *n_out = n;
    for (i = 0; i < n; i++) {
        int item = its__ynode_item(doc, node, i);
        its__fmt(key, sizeof key, "%s[%zu]", what, i);
        node_sval(doc, item, &(*out)[i].at);
        if (its__ynode_kind(doc, item) != ITS__Y_MAPPING)
            return its__sc_fail(sc, ITS_EPARSE, &(*out)[i].at, key,
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
        return its__sc_fail(sc, ITS_EPARSE, &at, name, "expected a mapping such as %s, got %s",
                    example, kind_name(its__ynode_kind(doc, node)));
    }
    return read_fixed_map(sc, doc, node, name, keys, nkeys, fields);
}

/* The part of a trial file's `trial:` section that the scenario takes:
 * arms (as a comparison's, key "trial.arms") and the horizon (into
 * *horizon; trial.c checks the rest of the section). A section that is not
 * a mapping is left to trial.c to refuse. */
static its_status read_trial_part(its_scenario *sc, const its__ydoc *doc, int node,
                                  sval *horizon)
{
    size_t i, n;
    its_status st = ITS_OK;
    if (its__ynode_kind(doc, node) != ITS__Y_MAPPING)
        return ITS_OK;
    n = its__ynode_size(doc, node);
    for (i = 0; i < n && st == ITS_OK; i++) {
        int k, v;
        const char *name = its__ynode_scalar(doc, (its__ynode_pair(doc, node, i, &k, &v), k), NULL);
        if (!name)
            continue;
        if (strcmp(name, "arms") == 0 && !sc->arms && its__ynode_kind(doc, v) == ITS__Y_SEQUENCE &&
            its__ynode_size(doc, v) <= MAX_ARMS)
            st = read_items(sc, doc, v, "trial.arms", "{name: \"HD IL-2\", regimen: hd_il2}",
                            arm_keys, A_N, &sc->arms, &sc->n_arms);
        else if (strcmp(name, "horizon") == 0 && !horizon->text &&
                 its__ynode_kind(doc, v) == ITS__Y_SCALAR)
            st = take_scalar(sc, doc, v, "trial.horizon", horizon);
    }
    return st;
}

static int is_trial_key(const char *name)
{
    return strcmp(name, "trial") == 0 || strcmp(name, "population") == 0 ||
           strcmp(name, "plausibility") == 0 || strcmp(name, "calibration") == 0;
}

/* trial.horizon is the scenario's simulate.until; both given: refused
 * (one horizon, written once). */
static its_status take_horizon(its_scenario *sc, sval *horizon)
{
    if (sc->sim[S_UNTIL].text)
        return its__sc_fail(sc, ITS_EPARSE, &sc->sim[S_UNTIL], "simulate.until",
                    "a trial file gives its horizon once, as trial.horizon (line %d)",
                    horizon->line);
    sc->sim[S_UNTIL] = *horizon;
    memset(horizon, 0, sizeof *horizon);
    return ITS_OK;
}

/* The document's keys into sc; a trial file's trial.horizon into *horizon
 * (the caller clears it, also on error). */
static its_status read_document(its_scenario *sc, const its__ydoc *doc, sval *horizon)
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
        return its__sc_fail(sc, ITS_EPARSE, &at, "scenario",
                    "the scenario is empty (expected at least "
                    "'model: NAME' and 'simulate: {until: TIME}')");
    }
    node_sval(doc, root, &at);
    if (its__ynode_kind(doc, root) != ITS__Y_MAPPING)
        return its__sc_fail(sc, ITS_EPARSE, &at, "scenario",
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
        if (sc->trial_file && is_trial_key(name)) { /* read by trial_file.c */
            st = strcmp(name, "trial") == 0 ? read_trial_part(sc, doc, v, horizon) : ITS_OK;
            continue;
        }
        idx = its__sc_key_index(name, top_keys, K_N);
        if (idx < 0) {
            its__sc_key_list(known, sizeof known, top_keys, K_N);
            return its__sc_fail(sc, ITS_EPARSE, &at, name,
                        "unknown key (expected one of: %s)", known);
        }
        if (seen[idx])
            return its__sc_fail(sc, ITS_EPARSE, &at, name,
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
            if (sc->trial_file)
                return its__sc_fail(sc, ITS_EPARSE, &at, name,
                            "a trial file lists its arms under trial.arms (a top-level "
                            "'arms:' would be a comparison's)");
            if (sc->nested)
                return its__sc_fail(sc, ITS_EPARSE, &at, name,
                            "the scenario of an arm cannot have arms itself");
            if (its__ynode_kind(doc, v) == ITS__Y_SEQUENCE &&
                its__ynode_size(doc, v) > MAX_ARMS) {
                node_sval(doc, v, &at);
                return its__sc_fail(sc, ITS_ERANGE, &at, name, "%zu arms, more than %d",
                            its__ynode_size(doc, v), MAX_ARMS);
            }
            st = read_items(sc, doc, v, "arms", "{name: \"HD IL-2\", regimen: hd_il2}",
                            arm_keys, A_N, &sc->arms, &sc->n_arms);
            if (st == ITS_OK && sc->n_arms == 0) { /* [] or nothing: not one untreated run */
                node_sval(doc, v, &at);
                return its__sc_fail(sc, ITS_EPARSE, &at, name,
                            "no arms given: list at least one (e.g. '- {name: untreated}') "
                            "or remove the key");
            }
            break;
        case K_PROVENANCE:
            /* Free-form metadata written by itsim: only its shape is checked. */
            if (!is_null_node(doc, v) &&
                its__ynode_kind(doc, v) != ITS__Y_MAPPING) {
                node_sval(doc, v, &at);
                return its__sc_fail(sc, ITS_EPARSE, &at, name,
                            "expected a mapping, got %s",
                            kind_name(its__ynode_kind(doc, v)));
            }
            break;
        default: break;
        }
    }
    return st;
}

its_status its__sc_read_document(its_scenario *sc, const its__ydoc *doc)
{
    sval horizon; /* trial.horizon of a trial file */
    its_status st;
    memset(&horizon, 0, sizeof horizon);
    st = read_document(sc, doc, &horizon);
    if (st == ITS_OK && horizon.text)
        st = take_horizon(sc, &horizon); /* takes it, or leaves it to be cleared */
    its__sval_clear(&horizon);
    return st;
}

/* ---- resolving raw values against the model -------------------------------- */
