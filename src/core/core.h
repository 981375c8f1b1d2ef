/* itsim internal: the core layer's private header, included by every layer
 * above it. Bounded formatting into caller buffers and the library's
 * allocator (one place where allocations can be made to fail in tests). */
#ifndef ITS_CORE_CORE_H
#define ITS_CORE_CORE_H

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
