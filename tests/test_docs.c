/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: docs/models/NAME.md holds, between generated-section markers,
 * exactly the state, input and parameter tables of the code metadata, so
 * the documentation cannot drift from the model. `test_docs --write`
 * regenerates those sections in place. Outside the tables (the prose),
 * every name quoted in backticks must be one the model (or the library)
 * knows, and claims that something is fixed in the code rather than a
 * parameter are refused: issue 10 found the prose calling the Th IFN-gamma
 * share fixed while it is the parameter r_th_ifng. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

#define BEGIN "<!-- BEGIN GENERATED: tables from the code metadata (tests/test_docs.c --write) -->\n"
#define END "<!-- END GENERATED -->\n"

/* Append formatted text to a growing buffer. */
typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    int len;
    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if (b->n + (size_t)len + 1 > b->cap) {
        size_t cap = (b->cap + (size_t)len + 1) * 2;
        char *np = realloc(b->p, cap);
        if (np == NULL)
            return;
        b->p = np;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

static void tables(const its_model_def *m, buf *b)
{
    size_t i, j;
    put(b, "%s", BEGIN);
    put(b, "\nTime unit: `%s`.\n\n### States\n\n| name | unit | default initial | description |\n|---|---|---|---|\n",
        m->time_unit);
    for (i = 0; i < m->n_states; i++)
        put(b, "| `%s` | %s | %.10g | %s |\n", m->states[i].name, m->states[i].unit,
            m->states[i].initial, m->states[i].description);
    if (m->n_inputs > 0) {
        put(b, "\n### Inputs\n\n| name | acts on | unit (bolus; rate is per %s) | description |\n|---|---|---|---|\n",
            m->time_unit);
        for (i = 0; i < m->n_inputs; i++)
            put(b, "| `%s` | `%s` (x %.10g%s%s) | %s | %s |\n", m->inputs[i].name,
                m->inputs[i].state, m->inputs[i].scale,
                m->inputs[i].volume ? " / " : "",
                m->inputs[i].volume ? m->inputs[i].volume : "", m->inputs[i].unit,
                m->inputs[i].description);
    }
    if (m->n_observables > 0) {
        static const char *const roles[] = {"-", "lesion diameter", "tumour burden",
                                            "systolic pressure", "temperature", "ANC",
                                            "flu-like", "fatigue", "irAE"};
        put(b, "\n### Observables (clinical read-outs)\n\n| name | unit | role | definition |\n|---|---|---|---|\n");
        for (i = 0; i < m->n_observables; i++)
            put(b, "| `%s` | %s | %s | %s |\n", m->observables[i].name,
                m->observables[i].unit,
                (size_t)m->observables[i].role < sizeof roles / sizeof roles[0]
                    ? roles[m->observables[i].role] : "?",
                m->observables[i].description);
    }
    put(b, "\n### Parameters\n\n| name | value | unit | domain | description | source |\n|---|---|---|---|---|---|\n");
    for (i = 0; i < m->n_params; i++)
        put(b, "| `%s` | %.10g | %s | %s | %s | %s |\n", m->params[i].name,
            m->params[i].value, m->params[i].unit, its_domain_name(m->params[i].domain),
            m->params[i].description,
            m->params[i].source);
    if (m->n_sets > 0) {
        put(b, "\n### Parameter sets\n\nDefault: `%s`.\n\n| set | values | description | source |\n|---|---|---|---|\n",
            m->default_set ? m->default_set : "(none)");
        for (i = 0; i < m->n_sets; i++) {
            put(b, "| `%s` | ", m->sets[i].name);
            for (j = 0; j < m->sets[i].n_values; j++)
                put(b, "%s%s = %.10g", j ? ", " : "", m->sets[i].values[j].name,
                    m->sets[i].values[j].value);
            put(b, " | %s | %s |\n", m->sets[i].description, m->sets[i].source);
        }
    }
    put(b, "\n%s", END);
}

/* Names the prose may quote besides the model's own names, other models,
 * agents and its_ functions, each with its reason. */
static const char *const prose_symbols[] = {
    /* tme: symbols of the equations, defined in the doc's own text */
    "Cv", "DEB", "Eifn", "IFNa", "h_rec", "n_neo", "room", "vol_L",
    "k_CD8_pro", /* tme: QSP-IO's name for what p_il2_cd8 borrows */
    "au",        /* kirschner1998: itsim's arbitrary concentration unit */
    "iv", "sc", "it", /* tme: therapy routes of the scenario layer */
    "itsim",
};

static int is_ident(const char *p, size_t n)
{
    size_t i;
    if (n == 0 || !isalpha((unsigned char)p[0]))
        return 0;
    for (i = 1; i < n; i++)
        if (!isalnum((unsigned char)p[i]) && p[i] != '_')
            return 0;
    return 1;
}

/* A name the prose of model m's doc may quote. "X_k" stands for the
 * per-lesion names X_1 ... X_8. */
static int known_name(const its_model_def *m, const char *name)
{
    char one[128];
    size_t i, n = strlen(name);
    for (i = 0; i < sizeof prose_symbols / sizeof prose_symbols[0]; i++)
        if (strcmp(name, prose_symbols[i]) == 0)
            return 1;
    if (strncmp(name, "its_", 4) == 0 || its_model_find(name) != NULL ||
        its_agent_find(name) != NULL)
        return 1;
    if (n > 2 && n < sizeof one && strcmp(name + n - 2, "_k") == 0) {
        memcpy(one, name, n - 1);
        one[n - 1] = '1';
        one[n] = '\0';
        name = one;
    }
    return its_model_param_index(m, name) >= 0 || its_model_state_index(m, name) >= 0 ||
           its_model_input_index(m, name) >= 0 || its_model_set_index(m, name) >= 0 ||
           its_model_observable_index(m, name) >= 0;
}

/* Claims that a quantity is a constant of the code instead of a parameter. */
static const char *const stale_claims[] = {"not a parameter", "fixed in the code",
                                           "hard-coded", "hardcoded"};

/* Non-zero when text[0..n) starts with claim, case-insensitive, a space of
 * the claim matching any run of white space (prose wraps lines). */
static int claim_at(const char *text, size_t n, const char *claim)
{
    size_t i = 0;
    for (; *claim != '\0'; claim++) {
        if (*claim == ' ') {
            if (i >= n || !isspace((unsigned char)text[i]))
                return 0;
            while (i < n && isspace((unsigned char)text[i]))
                i++;
        } else if (i >= n || tolower((unsigned char)text[i++]) != *claim) {
            return 0;
        }
    }
    return 1;
}

/* Check the prose text[0..n) of model m's doc: quoted names and claims. */
static void check_prose(const its_model_def *m, const char *path, const char *text, size_t n)
{
    size_t i, j, unknown = 0;
    char lower[256];
    for (i = 0; i < n; i++) {
        const char *end;
        if (text[i] != '`')
            continue;
        end = memchr(text + i + 1, '`', n - i - 1);
        if (end == NULL)
            break;
        if (memchr(text + i + 1, '\n', (size_t)(end - text) - i - 1) == NULL &&
            is_ident(text + i + 1, (size_t)(end - text) - i - 1) &&
            (size_t)(end - text) - i - 1 < sizeof lower) {
            size_t len = (size_t)(end - text) - i - 1;
            memcpy(lower, text + i + 1, len);
            lower[len] = '\0';
            if (!known_name(m, lower)) {
                its_test_true(0, "%s: the prose names `%s`, which model %s does not know",
                              path, lower, m->name);
                unknown++;
            }
        }
        i = (size_t)(end - text);
    }
    its_test_true(unknown == 0, "%s: every name quoted in the prose is known to %s", path,
                  m->name);
    for (j = 0; j < sizeof stale_claims / sizeof stale_claims[0]; j++) {
        size_t hits = 0;
        for (i = 0; i < n; i++)
            hits += claim_at(text + i, n - i, stale_claims[j]);
        its_test_true(hits == 0, "%s: no prose claim \"%s\" (%zu found)", path,
                      stale_claims[j], hits);
    }
}

/* Every parameter has its row with name, value and unit. */
static void check_param_rows(const its_model_def *m, const char *path, const char *doc)
{
    size_t i, missing = 0;
    char row[512];
    for (i = 0; i < m->n_params; i++) {
        snprintf(row, sizeof row, "| `%s` | %.10g | %s |", m->params[i].name,
                 m->params[i].value, m->params[i].unit);
        if (strstr(doc, row) == NULL) {
            its_test_true(0, "%s: no row \"%s\"", path, row);
            missing++;
        }
    }
    its_test_true(missing == 0, "%s: all %zu parameters of %s named with value and unit",
                  path, m->n_params, m->name);
}

int main(int argc, char **argv)
{
    int write = argc > 1 && strcmp(argv[1], "--write") == 0;
    size_t i;

    for (i = 0; i < its_model_count(); i++) {
        const its_model_def *m = its_model_at(i);
        char path[512];
        char *doc, *b0, *e0;
        buf gen = {NULL, 0, 0};

        /* "NAME@V" (a frozen version) is documented in NAME_vV.md */
        snprintf(path, sizeof path, "%s/docs/models/%.*s%s%s.md", ITS_SOURCE_DIR,
                 (int)strcspn(m->name, "@"), m->name, strchr(m->name, '@') ? "_v" : "",
                 strchr(m->name, '@') ? strchr(m->name, '@') + 1 : "");
        tables(m, &gen);
        doc = its_test_slurp(path);
        b0 = doc ? strstr(doc, BEGIN) : NULL;
        e0 = b0 ? strstr(b0, END) : NULL;
        if (write && doc != NULL && b0 != NULL && e0 != NULL) {
            FILE *fp = fopen(path, "wb");
            if (fp != NULL) {
                fwrite(doc, 1, (size_t)(b0 - doc), fp);
                fwrite(gen.p, 1, gen.n, fp);
                fputs(e0 + strlen(END), fp);
                fclose(fp);
            }
            printf("wrote %s\n", path);
        } else {
            int same = b0 != NULL && e0 != NULL &&
                       (size_t)(e0 + strlen(END) - b0) == gen.n &&
                       memcmp(b0, gen.p, gen.n) == 0;
            its_test_true(doc != NULL, "%s exists", path);
            its_test_true(same, "%s: generated tables match the code "
                          "(regenerate with build/tests/test_docs --write)", path);
            if (doc != NULL && b0 != NULL && e0 != NULL) {
                /* The names of every variant: the largest ("tme:8") has them all. */
                char vname[64];
                const its_model_def *all = m;
                if (its_model_variants(m) > 0) {
                    snprintf(vname, sizeof vname, "%s:%zu", m->name, its_model_variants(m));
                    all = its_model_find(vname);
                }
                check_param_rows(m, path, doc);
                check_prose(all, path, doc, (size_t)(b0 - doc));
                check_prose(all, path, e0 + strlen(END), strlen(e0 + strlen(END)));
            }
        }
        free(doc);
        free(gen.p);
    }
    return write ? 0 : its_test_done();
}
