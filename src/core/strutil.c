/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: bounded formatting into caller buffers (src/core/core.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/core.h"

void its__vfmt(char *buf, size_t n, const char *fmt, va_list ap)
{
    if (buf == NULL || n == 0)
        return;
    if (vsnprintf(buf, n, fmt, ap) < 0)
        buf[0] = '\0';
}

void its__fmt(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(buf, n, fmt, ap);
    va_end(ap);
}

void its__errno_text(int err, char *buf, size_t n)
{
    if (buf == NULL || n == 0)
        return;
    if (strerror_r(err, buf, n) != 0)
        its__fmt(buf, n, "error %d", err);
}

/* Days from 1970-01-01 to year y, month m (1-12), day d of the proleptic
 * Gregorian calendar: count whole 400-year eras of 146097 days from
 * 0000-03-01 (a year taken to start in March puts the leap day last), then
 * the year, and the day within it, of the era. */
static long civil_to_days(long y, int m, int d)
{
    long era, yoe, doy, doe;
    if (m <= 2)
        y -= 1;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;                                     /* 0..399 */
    doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  /* 0..365, from March 1 */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             /* 0..146096 */
    return era * 146097 + doe - 719468;                      /* 719468: 0000-03-01 to 1970-01-01 */
}

static int leap_year(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* n digits at s into *v; 0 when any is not a digit. */
static int digits(const char *s, int n, long *v)
{
    int i;
    *v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

int its__civil_date(const char *s, double *days)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long y, mo, d, hh = 0, mm = 0;
    if (s == NULL || days == NULL || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' ||
        !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap_year(y)))
        return -1;
    if (s[10] != '\0') {
        if ((s[10] != 'T' && s[10] != ' ') || strlen(s) != 16 || !digits(s + 11, 2, &hh) ||
            s[13] != ':' || !digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
            return -1;
    }
    *days = (double)civil_to_days(y, (int)mo, (int)d) + (double)(hh * 60 + mm) / 1440.0;
    return 0;
}
