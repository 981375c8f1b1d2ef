/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the registry of built-in models and name lookups on model
 * definitions. The table is constant: there is no global mutable state. */
#include "itsim/model.h"

#include <math.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"

static const its_model_def *const registry[] = {
    &its__model_tme_variants[2], &its__model_tme_v1_variants[2],
    &its__model_kirschner1998, &its__model_kuznetsov1994,
    &its__model_hahnfeldt1999, &its__model_depillis2005,
    &its__model_depillis2009, &its__model_pk2cpt,
};

size_t its_model_count(void)
{
    return sizeof registry / sizeof registry[0];
}

const its_model_def *its_model_at(size_t i)
{
    return i < its_model_count() ? registry[i] : NULL;
}

/* The models with lesion variants: "NAME:N" is NAME with N lesions. */
static const struct {
    const its_model_def *variants;
    size_t n;    /* lesion counts 1..n */
    size_t base; /* the registered definition (3 lesions) */
} families[] = {
    {its__model_tme_variants, ITS__COUNT(its__model_tme_variants), 2},
    {its__model_tme_v1_variants, ITS__COUNT(its__model_tme_v1_variants), 2},
};

/* The family of m (its variants in `families`), or -1. */
static int family_of(const its_model_def *m)
{
    size_t i;
    for (i = 0; i < ITS__COUNT(families); i++)
        if (m >= families[i].variants && m < families[i].variants + families[i].n)
            return (int)i;
    return -1;
}

const its_model_def *its_model_find(const char *name)
{
    size_t i;
    if (name == NULL)
        return NULL;
    for (i = 0; i < its_model_count(); i++) {
        const its_model_def *m = registry[i];
        size_t len = strlen(m->name);
        int fam = family_of(m);
        if (strcmp(m->name, name) == 0)
            return m;
        /* "NAME:N": the variant with N lesions (1 to n) */
        if (fam >= 0 && strncmp(name, m->name, len) == 0 && name[len] == ':' &&
            name[len + 1] >= '1' && name[len + 1] < '1' + (int)families[fam].n &&
            name[len + 2] == '\0')
            return &families[fam].variants[name[len + 1] - '1'];
    }
    return NULL;
}

size_t its_model_variants(const its_model_def *m)
{
    int fam = m != NULL ? family_of(m) : -1;
    /* the family's base (the registered definition) lists the variants */
    return fam >= 0 && m == &families[fam].variants[families[fam].base] ? families[fam].n : 0;
}

void its_model_names(char *buf, size_t n)
{
    size_t i, used;
    if (buf == NULL || n == 0)
        return;
    buf[0] = '\0';
    for (i = 0; i < its_model_count() && (used = strlen(buf)) + 1 < n; i++) {
        const its_model_def *m = registry[i];
        if (its_model_variants(m))
            its__fmt(buf + used, n - used, "%s%s, %s:1 to %s:%zu", i ? ", " : "", m->name,
                     m->name, m->name, its_model_variants(m));
        else
            its__fmt(buf + used, n - used, "%s%s", i ? ", " : "", m->name);
    }
}

/* Linear searches: models have tens of names and lookups happen while a
 * simulation is being set up, never inside a right-hand side. */
#define ITS__FIND(array, count)                                              \
    do {                                                                     \
        size_t i_;                                                           \
        if (!its__model_ok(m) || name == NULL)                               \
            return -1;                                                       \
        for (i_ = 0; i_ < m->count; i_++)                                    \
            if (strcmp(m->array[i_].name, name) == 0)                        \
                return (int)i_;                                              \
        return -1;                                                           \
    } while (0)

int its_model_state_index(const its_model_def *m, const char *name)
{
    ITS__FIND(states, n_states);
}

int its_model_param_index(const its_model_def *m, const char *name)
{
    ITS__FIND(params, n_params);
}

int its_model_input_index(const its_model_def *m, const char *name)
{
    ITS__FIND(inputs, n_inputs);
}

int its_model_set_index(const its_model_def *m, const char *name)
{
    ITS__FIND(sets, n_sets);
}

int its_model_observable_index(const its_model_def *m, const char *name)
{
    ITS__FIND(observables, n_observables);
}

int its_model_observable_index_by_role(const its_model_def *m, its_obs_role role)
{
    size_t i;
    if (!its__model_ok(m))
        return -1;
    for (i = 0; i < m->n_observables; i++)
        if (m->observables[i].role == role)
            return (int)i;
    return -1;
}

const char *its_domain_name(its_domain d)
{
    switch (d) {
    case ITS_DOMAIN_REAL:
        return "any real number";
    case ITS_DOMAIN_NONNEGATIVE:
        return "non-negative (>= 0)";
    case ITS_DOMAIN_POSITIVE:
        return "positive (> 0)";
    case ITS_DOMAIN_FRACTION:
        return "a fraction in [0, 1]";
    case ITS_DOMAIN_POS_FRACTION:
        return "a fraction in (0, 1]";
    case ITS_DOMAIN_AT_LEAST_ONE:
        return "at least 1 (>= 1)";
    case ITS_DOMAIN_UNDECLARED:
        break;
    }
    return "undeclared";
}

int its_domain_contains(its_domain d, double x)
{
    if (!isfinite(x))
        return 0;
    switch (d) {
    case ITS_DOMAIN_NONNEGATIVE:
        return x >= 0.0;
    case ITS_DOMAIN_POSITIVE:
        return x > 0.0;
    case ITS_DOMAIN_FRACTION:
        return x >= 0.0 && x <= 1.0;
    case ITS_DOMAIN_POS_FRACTION:
        return x > 0.0 && x <= 1.0;
    case ITS_DOMAIN_AT_LEAST_ONE:
        return x >= 1.0;
    case ITS_DOMAIN_REAL:
    case ITS_DOMAIN_UNDECLARED:
        break;
    }
    return 1;
}

/* One character of a site name as it is compared: lower case, and ' ',
 * '_' and '-' all as ' '. */
static int site_char(char c)
{
    if (c == '_' || c == '-')
        return ' ';
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

/* Non-zero when the first len characters of a name equal organ. */
static int site_name_is(const char *name, size_t len, const char *organ)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (organ[i] == '\0' || site_char(name[i]) != site_char(organ[i]))
            return 0;
    return organ[len] == '\0';
}

int its_model_site_index(const its_model_def *m, const char *organ)
{
    size_t i;
    if (!its__model_ok(m) || organ == NULL || m->sites == NULL)
        return -1;
    for (i = 0; i < m->n_sites; i++) {
        const char *a = m->sites[i].aliases;
        if (m->sites[i].name == NULL) /* a malformed user definition: never matched */
            continue;
        if (site_name_is(m->sites[i].name, strlen(m->sites[i].name), organ))
            return (int)i;
        while (a != NULL && *a) {
            size_t len;
            while (*a == ' ' || *a == ',')
                a++;
            len = strcspn(a, ",");
            while (len > 0 && a[len - 1] == ' ')
                len--;
            if (len > 0 && site_name_is(a, len, organ))
                return (int)i;
            a += strcspn(a, ",");
        }
    }
    return -1;
}

void its_model_site_names(const its_model_def *m, char *buf, size_t n)
{
    size_t i, used;
    if (buf == NULL || n == 0)
        return;
    buf[0] = '\0';
    for (i = 0; its__model_ok(m) && m->sites != NULL && i < m->n_sites &&
                (used = strlen(buf)) + 1 < n; i++)
        its__fmt(buf + used, n - used, "%s%s%s%s%s", i ? ", " : "",
                 m->sites[i].name ? m->sites[i].name : "(unnamed)",
                 m->sites[i].aliases ? " (" : "", m->sites[i].aliases ? m->sites[i].aliases : "",
                 m->sites[i].aliases ? ")" : "");
}
