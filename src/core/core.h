/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the core layer's private header, included by every layer
 * above it. Bounded formatting into caller buffers and the library's
 * allocator (one place where allocations can be made to fail in tests). */
#ifndef ITS_CORE_CORE_H
#define ITS_CORE_CORE_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define ITS__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ITS__PRINTF(f, a)
#endif

/* printf into buf[0..n), always terminated when n > 0; nothing when buf is
 * NULL or n is 0. The one printf-into-buffer of the library: handle error
 * messages, the (msg, msglen) convention of handle-less functions, keys. */
void its__fmt(char *buf, size_t n, const char *fmt, ...) ITS__PRINTF(3, 4);
void its__vfmt(char *buf, size_t n, const char *fmt, va_list ap) ITS__PRINTF(3, 0);

/* strerror_r text of errno value err into buf (thread-safe). */
void its__errno_text(int err, char *buf, size_t n);

/* ---- time comparisons -----------------------------------------------------------
 * The one definition of when two times count as one, in two strengths:
 *
 * its__same_instant: a and b differ only by floating-point round-off
 * (relative 1e-12 of the larger magnitude, at least 1e-12 absolute). The
 * engine merges such switch and output times into one instant: schedules
 * built by repeated addition (0.1 + 0.2 vs 0.3) differ by round-off, CVODE
 * cannot integrate across such a sliver, and a dose is meant to happen at
 * the scheduled instant.
 *
 * its__time_tol(a, b): the slack of inclusive comparisons of times derived
 * from settings (a dose "until" a time, an administration at the horizon, a
 * scan on a schedule, an adverse event lasting "at least" a duration):
 * 1e-9 of the larger magnitude of a and b, at least 1e-9 absolute. Pass
 * b = 0 for one scale.
 *
 * Before issue 10 these slacks were written out where they were used, in
 * slightly different strengths: the scenario's was relative without the
 * absolute floor (so tighter for times below 1), CTCAE's persistence and
 * RECIST's durable-response onset used an absolute 1e-9. The unified forms
 * differ from those only at round-off scale; the default comparison's
 * files were byte-identical before and after. */
#define ITS__INSTANT_RTOL 1e-12
#define ITS__TIME_RTOL 1e-9

static inline int its__same_instant(double a, double b)
{
    return fabs(a - b) <= ITS__INSTANT_RTOL * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static inline double its__time_tol(double a, double b)
{
    return ITS__TIME_RTOL * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* How many whole steps of `step` fit into `span` (both > 0, same unit),
 * counting a last step that falls short by round-off only (a relative
 * ITS__TIME_RTOL of one step) as whole: a grid of 0.1 d over 1 d has 10
 * steps although 1.0 / 0.1 is 9.999999999999998. */
static inline double its__whole_steps(double span, double step)
{
    return floor(span / step + ITS__TIME_RTOL);
}

/* ---- allocation --------------------------------------------------------------
 * Every allocation the library makes itself goes through these (memory that
 * SUNDIALS, KLU, GSL or libyaml allocate internally does not). They behave
 * as the C library's functions, except that a test can make the N-th of them
 * fail (its__alloc_fail_at), following SQLite's fault-injection discipline:
 * every path must then return ITS_ENOMEM cleanly, without a leak. */
void *its__malloc(size_t n);
void *its__calloc(size_t count, size_t size);
void *its__realloc(void *p, size_t n);
char *its__strdup(const char *s);
char *its__strndup(const char *s, size_t n);
void its__free(void *p);

/* Tests only. From now, the n-th allocation through the functions above
 * (counting from 1) and every later one fails (returns NULL) when `sticky`
 * is non-zero, only the n-th when it is 0; n = 0 disarms. Resets the count
 * of its__alloc_count. Thread-safe (atomic counter). */
void its__alloc_fail_at(long n, int sticky);
/* Allocations made since the last its__alloc_fail_at, and how many of them
 * were made to fail. */
long its__alloc_count(void);
long its__alloc_failed(void);

#endif
