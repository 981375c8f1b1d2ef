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
