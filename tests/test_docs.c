/* itsim tests: docs/models/NAME.md holds, between generated-section markers,
 * exactly the state, input and parameter tables of the code metadata, so
 * the documentation cannot drift from the model. `test_docs --write`
 * regenerates those sections in place. */
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

int main(int argc, char **argv)
{
    int write = argc > 1 && strcmp(argv[1], "--write") == 0;
    size_t i;

    for (i = 0; i < its_model_count(); i++) {
        const its_model_def *m = its_model_at(i);
        char path[512];
        char *doc, *b0, *e0;
        buf gen = {NULL, 0, 0};

        snprintf(path, sizeof path, "%s/docs/models/%s.md", ITS_SOURCE_DIR, m->name);
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
        }
        free(doc);
        free(gen.p);
    }
    return write ? 0 : its_test_done();
}
