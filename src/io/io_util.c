/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: helpers shared by the writers in src/io (io/io.h). */
#include "io/io.h"

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
