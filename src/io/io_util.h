/* itsim: small helpers shared by the writers in src/io: the C locale
 * while numbers are written, errno text, and bounded error messages. */
#ifndef ITSIM_IO_UTIL_H
#define ITSIM_IO_UTIL_H

#include <locale.h>
#include <stddef.h>
#include "core/core.h"

/* Numbers are always written with a '.' decimal point: switch this thread
 * to the C locale while writing (thread-local, nothing global). */
typedef struct its__c_locale {
    locale_t c, old;
} its__c_locale;

void its__c_locale_enter(its__c_locale *g);
void its__c_locale_leave(its__c_locale *g);

/* printf into err[0..n) (nothing when err is NULL or n is 0). */
void its__set_msg(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
