/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: a tiny assertion layer. Each check prints one PASS/FAIL line;
 * its_test_done() prints "N passed, N failed" and returns the exit status. */
#ifndef ITS_TEST_H
#define ITS_TEST_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int its_test_npass, its_test_nfail;

static inline void its_test_report(int ok, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static inline void its_test_report(int ok, const char *fmt, va_list ap)
{
    printf("%s: ", ok ? "PASS" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    if (ok)
        its_test_npass++;
    else
        its_test_nfail++;
}

/* A boolean condition. */
static inline int its_test_true(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int its_test_true(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    its_test_report(cond != 0, fmt, ap);
    va_end(ap);
    return cond != 0;
}

/* |got - want| <= rtol*|want|, with the numbers in the message. */
static inline int its_test_rel(double got, double want, double rtol, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int its_test_rel(double got, double want, double rtol, const char *fmt, ...)
{
    double err = fabs(got - want);
    int ok = isfinite(got) && err <= rtol * fabs(want);
    va_list ap;
    printf("      got %.10g, want %.10g, rel err %.3g, rtol %.3g\n", got, want,
           want != 0.0 ? err / fabs(want) : err, rtol);
    va_start(ap, fmt);
    its_test_report(ok, fmt, ap);
    va_end(ap);
    return ok;
}

/* |got - want| <= atol. */
static inline int its_test_abs(double got, double want, double atol, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int its_test_abs(double got, double want, double atol, const char *fmt, ...)
{
    double err = fabs(got - want);
    int ok = isfinite(got) && err <= atol;
    va_list ap;
    printf("      got %.10g, want %.10g, abs err %.3g, atol %.3g\n", got, want,
           err, atol);
    va_start(ap, fmt);
    its_test_report(ok, fmt, ap);
    va_end(ap);
    return ok;
}

/* Whole file as a NUL-terminated string (caller frees), or NULL. */
static inline char *its_test_slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *text = NULL;
    long n;
    if (fp == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        text = malloc((size_t)n + 1);
        if (text != NULL && fread(text, 1, (size_t)n, fp) == (size_t)n) {
            text[n] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    fclose(fp);
    return text;
}

static inline int its_test_done(void)
{
    printf("%d passed, %d failed\n", its_test_npass, its_test_nfail);
    return its_test_nfail == 0 && its_test_npass > 0 ? 0 : 1;
}

#endif
