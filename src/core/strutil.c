/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: bounded formatting into caller buffers (src/core/core.h). */
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
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

static int leap_year(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 0001-01-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define DAYS_TO_1970 719162L

/* Days from 1970-01-01 to year y (>= 1), month m (1-12), day d: the whole
 * years before y (365 each, plus the leap days of years 1 .. y - 1 by the
 * Gregorian rule), the months before m, and the days before d. */
static long civil_to_days(long y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long p = y - 1;
    long days = 365 * p + p / 4 - p / 100 + p / 400;
    days += before[m - 1] + (m > 2 && leap_year(y)) + (d - 1);
    return days - DAYS_TO_1970;
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

int its__civil_date(const char *s, long *day, int *minute)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long y, mo, d, hh = 0, mm = 0;
    if (s == NULL || day == NULL || minute == NULL || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' ||
        !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
        return -1;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap_year(y)))
        return -1;
    if (s[10] != '\0') {
        if ((s[10] != 'T' && s[10] != ' ') || strlen(s) != 16 || !digits(s + 11, 2, &hh) ||
            s[13] != ':' || !digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
            return -1;
    }
    *day = civil_to_days(y, (int)mo, (int)d);
    *minute = (int)(hh * 60 + mm);
    return 0;
}

void its__civil_text(long whole, int minutes, char *buf, size_t n)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long y = 1970 + (long)floor((double)whole / 365.2425), m = 1, rest;
    while (y > 1 && civil_to_days(y, 1, 1) > whole)
        y--;
    while (civil_to_days(y + 1, 1, 1) <= whole)
        y++;
    rest = whole - civil_to_days(y, 1, 1);
    while (m < 12 && rest >= mdays[m - 1] + (m == 2 && leap_year(y))) {
        rest -= mdays[m - 1] + (m == 2 && leap_year(y));
        m++;
    }
    if (minutes == 0)
        its__fmt(buf, n, "%04ld-%02ld-%02ld", y, m, rest + 1);
    else
        its__fmt(buf, n, "%04ld-%02ld-%02ld %02d:%02d", y, m, rest + 1, minutes / 60,
                 minutes % 60);
}
