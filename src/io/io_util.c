/* itsim: helpers shared by the writers in src/io (io/io_util.h). */
#include "io/io_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void its__c_locale_enter(its__c_locale *g)
{
    g->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    g->old = g->c != (locale_t)0 ? uselocale(g->c) : (locale_t)0;
}

void its__c_locale_leave(its__c_locale *g)
{
    if (g->c != (locale_t)0) {
        uselocale(g->old);
        freelocale(g->c);
    }
}

void its__set_msg(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (!err || n == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}
