/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the public scenario API (itsim/scenario.h): creating, loading
 * through a loader the io layer supplies (its_scenario_load_file and
 * _load_string live in src/io/load.c), arms, --model, --set and --until,
 * and the checks every change makes at once (check_now). */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <math.h>
#include <string.h>

/* Check what can be checked now (names, units, single values). */
static its_status check_now(its_scenario *sc)
{
    its__plan plan;
    its_status st;
    size_t i, used;
    sc->warn[0] = '\0';
    for (i = 0; sc->arm_sc && i < sc->n_arms; i++) { /* the arms' own warnings */
        if (!sc->arm_sc[i])
            continue; /* an arm that failed to load */
        used = strlen(sc->warn);
        its__fmt(sc->warn + used, sizeof sc->warn - used, "%s", sc->arm_sc[i]->warn);
    }
    st = its__sc_resolve(sc, 0, &plan);
    its__plan_clear(&plan);
    return st;
}

/* Everything a run checks before it starts (horizon, grid, dose list),
 * without running: for the fuzz target of the scenario reader only. */
its_status its__scenario_resolve(its_scenario *sc)
{
    its__plan plan;
    its_status st;
    if (!sc)
        return ITS_EINVAL;
    st = its__sc_resolve(sc, 1, &plan);
    its__plan_clear(&plan);
    return st;
}

its_status its__scenario_plan(its_scenario *sc, its__plan *plan)
{
    return its__sc_resolve(sc, 1, plan);
}

char *its__scenario_errbuf(its_scenario *sc)
{
    return sc->err;
}

const char *its__scenario_name(const its_scenario *sc)
{
    return sc->name ? sc->name : "scenario";
}

its_status its__scenario_fail_at(its_scenario *sc, its_status st, its__setting what,
                                 size_t item, const char *msg)
{
    static const int sim_key[] = {[ITS__AT_RTOL] = S_RTOL, [ITS__AT_ATOL] = S_ATOL,
                                  [ITS__AT_METHOD] = S_METHOD,
                                  [ITS__AT_MAX_STEPS] = S_MAX_STEPS};
    char key[64];
    if (what == ITS__AT_MODEL)
        return its__sc_fail(sc, st, &sc->model, "model", "%s", msg);
    if (what == ITS__AT_THERAPY) {
        its__fmt(key, sizeof key, "therapy[%zu]", item);
        return its__sc_fail(sc, st, item < sc->n_therapy ? &sc->therapy[item].at : NULL, key,
                            "%s", msg);
    }
    its__fmt(key, sizeof key, "simulate.%s", simulate_keys[sim_key[what]]);
    return its__sc_fail(sc, st, &sc->sim[sim_key[what]], key, "%s", msg);
}

/* ---- public API ---------------------------------------------------------- */

its_status its_scenario_create(its_scenario **out, char *msg, size_t msglen)
{
    its__fmt(msg, msglen, "%s", out ? "" : "its_scenario_create: NULL out");
    if (!out)
        return ITS_EINVAL;
    *out = its__calloc(1, sizeof **out);
    if (!*out)
        its__fmt(msg, msglen, "out of memory for a scenario");
    return *out ? ITS_OK : ITS_ENOMEM;
}

void its_scenario_free(its_scenario *sc)
{
    if (!sc)
        return;
    its__scenario_clear(sc);
    its__free(sc);
}

const char *its_scenario_warnings(const its_scenario *sc)
{
    return sc != NULL ? sc->warn : "";
}

const char *its_scenario_errmsg(const its_scenario *sc)
{
    return sc ? sc->err : "no scenario";
}

void its__sc_arm_id(const char *src, size_t i, char out[48])
{
    size_t k, n;
    for (k = 0, n = 0; src[k] && n + 1 < 48; k++) {
        const char c = src[k];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            out[n++] = c;
        else if (c >= 'A' && c <= 'Z')
            out[n++] = (char)(c - 'A' + 'a');
        else if (n > 0 && out[n - 1] != '_')
            out[n++] = '_';
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
    if (n == 0)
        its__fmt(out, 48, "arm%zu", i + 1);
}

/* Each arm takes its therapy and rules from a named regimen or from a
 * scenario file (relative to the directory of this scenario's file). */
static its_status load_arms(its_scenario *sc, const its__loader *ld)
{
    size_t i, j;
    if (sc->n_arms == 0)
        return ITS_OK;
    sc->arm_sc = its__calloc(sc->n_arms, sizeof *sc->arm_sc);
    sc->arm_id = its__calloc(sc->n_arms, sizeof *sc->arm_id);
    if (!sc->arm_sc || !sc->arm_id)
        return its__sc_nomem(sc);
    for (i = 0; i < sc->n_arms; i++) {
        const sitem *a = &sc->arms[i];
        char key[64], path[4096];
        const char *id;
        its_status st;
        size_t k;

        its__fmt(key, sizeof key, "%sarms[%zu]", sc->trial_file ? "trial." : "", i);
        if (!a->f[A_NAME].text || !*a->f[A_NAME].text)
            return its__sc_fail(sc, ITS_EPARSE, &a->at, key, "every arm needs a name");
        /* a name is one line: it labels table rows, CSV rows and figures */
        for (k = 0; a->f[A_NAME].text[k]; k++)
            if ((unsigned char)a->f[A_NAME].text[k] < 0x20 || a->f[A_NAME].text[k] == 0x7f) {
                its__fmt(key, sizeof key, "%sarms[%zu].name", sc->trial_file ? "trial." : "", i);
                return its__sc_fail(sc, ITS_EPARSE, &a->f[A_NAME], key,
                            "one line of text, without control characters (newline, tab, ...)");
            }
        if (a->f[A_REGIMEN].text && a->f[A_FILE].text)
            return its__sc_fail(sc, ITS_EPARSE, &a->f[A_FILE], key, "give regimen or file, not both");
        if (its_scenario_create(&sc->arm_sc[i], NULL, 0) != ITS_OK)
            return its__sc_nomem(sc);
        sc->arm_sc[i]->nested = 1;
        if (a->f[A_REGIMEN].text) {
            const its_regimen *r = its_regimen_find(a->f[A_REGIMEN].text);
            its__fmt(key, sizeof key, "%sarms[%zu].regimen", sc->trial_file ? "trial." : "", i);
            if (!r)
                return its__sc_fail(sc, ITS_ENOTFOUND, &a->f[A_REGIMEN], key,
                            "unknown regimen '%s' (see `itsim regimens`)", a->f[A_REGIMEN].text);
            st = its__scenario_load_text(sc->arm_sc[i], r->scenario, strlen(r->scenario), r->name,
                                         ld);
        } else if (a->f[A_FILE].text) {
            const char *slash = strrchr(sc->name, '/');
            its__fmt(key, sizeof key, "%sarms[%zu].file", sc->trial_file ? "trial." : "", i);
            if (a->f[A_FILE].text[0] != '/' && slash)
                its__fmt(path, sizeof path, "%.*s/%s", (int)(slash - sc->name), sc->name,
                         a->f[A_FILE].text);
            else
                its__fmt(path, sizeof path, "%s", a->f[A_FILE].text);
            st = its__scenario_load_path(sc->arm_sc[i], path, ld);
        } else {
            st = ITS_OK; /* no therapy of its own: the shared therapy only */
        }
        if (st != ITS_OK)
            return its__sc_fail(sc, st, a->f[A_FILE].text ? &a->f[A_FILE] : &a->f[A_REGIMEN], key,
                        "%s", its_scenario_errmsg(sc->arm_sc[i]));
        {
            /* an arm brings therapy and rules; the comparison sets the rest */
            const its_scenario *as = sc->arm_sc[i];
            const sval *where = a->f[A_FILE].text ? &a->f[A_FILE] : &a->f[A_REGIMEN];
            size_t m, f;
            if (as->n_params || as->n_initial || as->set.text)
                return its__sc_fail(sc, ITS_EPARSE, where, key,
                            "the scenario of an arm may only bring therapy and rules; its "
                            "parameters, initial values or parameter set would be ignored "
                            "(put them in the comparison, or run the file on its own)");
            for (f = 0; f < C_N; f++)
                if (as->clin[f].text)
                    return its__sc_fail(sc, ITS_EPARSE, where, key,
                                "the scenario of an arm may only bring therapy and rules; "
                                "clinical settings belong to the comparison");
            /* the same model family: "tme" regimens run on "tme:4" and on
             * its versions ("tme@1") too */
            if (as->model.text && sc->model.text &&
                (strcspn(as->model.text, ":@") != strcspn(sc->model.text, ":@") ||
                 strncmp(as->model.text, sc->model.text, strcspn(as->model.text, ":@")) != 0))
                return its__sc_fail(sc, ITS_EPARSE, where, key,
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
        its__sc_arm_id(id, i, sc->arm_id[i]);
        for (j = 0; j < i; j++)
            if (strcmp(sc->arm_id[j], sc->arm_id[i]) == 0)
                return its__sc_fail(sc, ITS_EPARSE, &a->at, key,
                            "two arms with the identifier '%s' (give each an id)", sc->arm_id[i]);
    }
    return ITS_OK;
}
its_status its__scenario_load_text(its_scenario *sc, const char *text, size_t len,
                                   const char *name, const its__loader *ld)
{
    its__ydoc *doc = NULL;
    char msg[512];
    int line, col;
    its_status st;
    sval at;

    if (!sc)
        return ITS_EINVAL;
    its__scenario_clear(sc);
    sc->err[0] = '\0';
    sc->from_file = 0;
    sc->name = its__strdup(name ? name : "scenario");
    if (!sc->name)
        return its__sc_nomem(sc);
    if (!text)
        return its__sc_fail(sc, ITS_EINVAL, NULL, "scenario", "no text given");
    st = ld->parse(text, len, &doc, msg, sizeof msg, &line, &col);
    if (st != ITS_OK) {
        memset(&at, 0, sizeof at);
        at.line = line;
        at.col = col;
        return its__sc_fail(sc, st, &at, "scenario", "%s", msg);
    }
    st = its__scenario_load_doc(sc, doc, ld);
    its__ydoc_free(doc);
    return st;
}

its_status its__scenario_load_doc(its_scenario *sc, const its__ydoc *doc, const its__loader *ld)
{
    its_status st = its__sc_read_document(sc, doc);
    if (st == ITS_OK)
        st = load_arms(sc, ld);
    if (st == ITS_OK)
        st = check_now(sc);
    return st;
}

its_status its__scenario_load_path(its_scenario *sc, const char *path, const its__loader *ld)
{
    char *buf = NULL;
    size_t len = 0;
    its_status st;

    if (!sc || !path)
        return ITS_EINVAL;
    its__scenario_clear(sc);
    sc->err[0] = '\0';
    st = ld->read_file(path, &buf, &len, sc->err, sizeof sc->err);
    if (st != ITS_OK)
        return st;
    st = its__scenario_load_text(sc, buf, len, path, ld);
    its__free(buf);
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
        its_model_names(names, sizeof names);
        its__fmt(sc->err, sizeof sc->err,
                 "--model: unknown model '%s' (models: %s)", model, names);
        return ITS_ENOTFOUND;
    }
    copy = its__strdup(model);
    if (!copy)
        return its__sc_nomem(sc);
    prev = sc->model;
    sc->model.text = copy;
    sc->model.line = sc->model.col = 0;
    sc->model.origin = "--model";
    st = check_now(sc);
    if (st != ITS_OK) { /* keep the scenario as it was */
        its__free(sc->model.text);
        sc->model = prev;
    } else {
        its__free(prev.text);
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
        its__fmt(sc->err, sizeof sc->err,
                 "--set: expected NAME=VALUE (e.g. lambda1=0.2 or "
                 "V=200 mm3), got '%s'", assignment);
        return ITS_EPARSE;
    }
    for (k = 0; k < (int)nlen; k++)
        if (!is_name_char(b[k])) {
            its__fmt(sc->err, sizeof sc->err,
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
            its__fmt(key, sizeof key, "%.*s", (int)(nlen - blocks[bi].len), b + blocks[bi].len);
            k = its__sc_key_index(key, keys, blocks[bi].nkeys);
            if (k < 0 || strlen(key) != nlen - blocks[bi].len) {
                its__sc_key_list(known, sizeof known, keys, blocks[bi].nkeys);
                its__fmt(sc->err, sizeof sc->err,
                         "--set: %.*s: unknown %.*s setting (expected one of: %s)", (int)nlen, b,
                         (int)blocks[bi].len - 1, blocks[bi].block, known);
                return ITS_ENOTFOUND;
            }
            text = its__sc_dup(v, vlen);
            if (!text)
                return its__sc_nomem(sc);
            prev = fields[k];
            memset(&fields[k], 0, sizeof fields[k]);
            fields[k].text = text;
            fields[k].origin = "--set";
            if (bi == 0 && k == S_UNTIL)
                sc->has_until_value = 0;
            st = check_now(sc);
            if (st != ITS_OK) { /* keep the scenario as it was */
                its__free(fields[k].text);
                fields[k] = prev;
                sc->has_until_value = had_until;
            } else {
                its__free(prev.text);
            }
            return st;
        }
    }
    p = its__realloc(sc->ovr, (sc->n_ovr + 1) * sizeof *p);
    if (!p)
        return its__sc_nomem(sc);
    sc->ovr = p;
    o = &sc->ovr[sc->n_ovr];
    memset(o, 0, sizeof *o);
    o->key.text = its__sc_dup(b, nlen);
    o->val.text = its__sc_dup(v, vlen);
    o->key.origin = "--set";
    o->val.origin = "--set";
    sc->n_ovr++;
    st = (!o->key.text || !o->val.text) ? its__sc_nomem(sc) : check_now(sc);
    if (st != ITS_OK) { /* keep the scenario as it was */
        sc->n_ovr--;
        its__sval_clear(&o->key);
        its__sval_clear(&o->val);
    }
    return st;
}

its_status its_scenario_set_until(its_scenario *sc, double t_end)
{
    if (!sc)
        return ITS_EINVAL;
    sc->err[0] = '\0';
    if (!isfinite(t_end)) {
        its__fmt(sc->err, sizeof sc->err, "--until: the end time must be finite");
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
/* An arm: the shared therapy and rules, then the arm's own, on a shallow
 * copy of the scenario with the item arrays joined, so that the scenario
 * itself is only read and arms can run in parallel. */
/* A shallow copy of sc whose therapy and rules are sc's followed by th2
 * and ru2 (n_th2, n_ru2 items); NULL when out of memory. */
static its_scenario *copy_with(const its_scenario *sc, const sitem *th2, size_t n_th2,
                               const sitem *ru2, size_t n_ru2)
{
    its_scenario *local = its__malloc(sizeof *local);
    sitem *th = its__calloc(sc->n_therapy + n_th2 + 1, sizeof *th);
    sitem *ru = its__calloc(sc->n_rules + n_ru2 + 1, sizeof *ru);
    if (!local || !th || !ru) {
        its__free(local);
        its__free(th);
        its__free(ru);
        return NULL;
    }
    if (sc->n_therapy)
        memcpy(th, sc->therapy, sc->n_therapy * sizeof *th);
    if (n_th2)
        memcpy(th + sc->n_therapy, th2, n_th2 * sizeof *th);
    if (sc->n_rules)
        memcpy(ru, sc->rules, sc->n_rules * sizeof *ru);
    if (n_ru2)
        memcpy(ru + sc->n_rules, ru2, n_ru2 * sizeof *ru);
    *local = *sc;
    local->therapy = th;
    local->n_therapy = sc->n_therapy + n_th2;
    local->rules = ru;
    local->n_rules = sc->n_rules + n_ru2;
    local->err[0] = '\0';
    return local;
}

its_scenario *its__scenario_arm(const its_scenario *sc, size_t i)
{
    const its_scenario *a;
    if (!sc || i >= sc->n_arms || !sc->arm_sc)
        return NULL;
    a = sc->arm_sc[i];
    return copy_with(sc, a->therapy, a->n_therapy, a->rules, a->n_rules);
}

its_scenario *its__scenario_private(const its_scenario *sc)
{
    if (!sc || sc->n_arms > 0)
        return NULL;
    return copy_with(sc, NULL, 0, NULL, 0);
}

void its__scenario_arm_free(its_scenario *local)
{
    if (!local)
        return;
    its__free(local->therapy);
    its__free(local->rules);
    its__free(local); /* shallow: everything else belongs to sc */
}

/* The checks of a run of arm i without the run: for the fuzz target only. */
its_status its__scenario_resolve_arm(const its_scenario *sc, size_t i, char *err)
{
    its_scenario *local;
    its__plan plan;
    its_status st;

    if (!sc || i >= sc->n_arms || !sc->arm_sc)
        return ITS_EINVAL;
    local = its__scenario_arm(sc, i);
    if (!local) {
        its__fmt(err, ITS__ERRLEN, "%s", its_strerror(ITS_ENOMEM));
        return ITS_ENOMEM;
    }
    st = its__sc_resolve(local, 1, &plan);
    its__plan_clear(&plan);
    if (st != ITS_OK)
        its__fmt(err, ITS__ERRLEN, "arm '%s': %s", sc->arms[i].f[A_NAME].text, local->err);
    its__scenario_arm_free(local);
    return st;
}

void its__scenario_set_patient(its_scenario *sc, const its__patient_ovr *ov)
{
    if (sc)
        sc->pov = ov;
}

/* The untreated course: a shallow copy without therapy, rules or arms. */
its_scenario *its__scenario_untreated(const its_scenario *sc)
{
    its_scenario *local;
    if (!sc)
        return NULL;
    local = its__malloc(sizeof *local);
    if (!local)
        return NULL;
    *local = *sc;
    local->therapy = NULL; /* its__scenario_arm_free frees these two */
    local->n_therapy = 0;
    local->rules = NULL;
    local->n_rules = 0;
    local->arms = NULL;
    local->arm_sc = NULL;
    local->arm_id = NULL;
    local->n_arms = 0;
    local->err[0] = '\0';
    return local;
}
