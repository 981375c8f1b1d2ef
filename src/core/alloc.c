/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the library's allocator with fault injection for tests
 * (src/core/core.h). One relaxed atomic load per allocation when disarmed. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"

static atomic_long fail_at;     /* 0: disarmed */
static atomic_int fail_sticky;
static atomic_long n_calls;
static atomic_long n_failed;

static int fail_now(void)
{
    long at = atomic_load_explicit(&fail_at, memory_order_relaxed), k;
    if (at <= 0)
        return 0;
    k = atomic_fetch_add(&n_calls, 1) + 1;
    if (k == at || (k > at && atomic_load(&fail_sticky))) {
        atomic_fetch_add(&n_failed, 1);
        return 1;
    }
    return 0;
}

void its__alloc_fail_at(long n, int sticky)
{
    atomic_store(&fail_at, 0);
    atomic_store(&n_calls, 0);
    atomic_store(&n_failed, 0);
    atomic_store(&fail_sticky, sticky != 0);
    atomic_store(&fail_at, n > 0 ? n : 0);
}

long its__alloc_count(void)
{
    return atomic_load(&n_calls);
}

long its__alloc_failed(void)
{
    return atomic_load(&n_failed);
}

void *its__malloc(size_t n)
{
    return fail_now() ? NULL : malloc(n);
}

void *its__calloc(size_t count, size_t size)
{
    return fail_now() ? NULL : calloc(count, size);
}

void *its__realloc(void *p, size_t n)
{
    return fail_now() ? NULL : realloc(p, n);
}

char *its__strndup(const char *s, size_t n)
{
    size_t len;
    char *d;
    if (s == NULL)
        return NULL;
    len = strnlen(s, n);
    d = its__malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *its__strdup(const char *s)
{
    return s == NULL ? NULL : its__strndup(s, strlen(s));
}

void its__free(void *p)
{
    free(p);
}
