/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: status codes shared by every public function.
 * One X-macro list generates the enum, its names and its messages. */
#ifndef ITSIM_STATUS_H
#define ITSIM_STATUS_H

#include "itsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* X(symbol, value, message). ITS_OK is zero and every error is negative. */
#define ITS_STATUS_LIST(X)                                                     \
    X(ITS_OK, 0, "success")                                                    \
    X(ITS_ENOMEM, -1, "out of memory")                                         \
    X(ITS_EINVAL, -2, "invalid argument")                                      \
    X(ITS_ENOTFOUND, -3, "unknown name")                                       \
    X(ITS_EUNIT, -4, "unit error")                                             \
    X(ITS_EPARSE, -5, "parse error")                                           \
    X(ITS_EIO, -6, "input/output error")                                       \
    X(ITS_ESOLVER, -7, "ODE solver failure")                                   \
    X(ITS_ERANGE, -8, "value out of range")                                    \
    X(ITS_ECHECK, -9, "validation check failed")                               \
    X(ITS_ECALLBACK, -10, "user callback stopped the run")                     \
    X(ITS_ECANCELLED, -11, "cancelled")

typedef enum its_status {
#define ITS__STATUS_ENUM(sym, val, msg) sym = val,
    ITS_STATUS_LIST(ITS__STATUS_ENUM)
#undef ITS__STATUS_ENUM
} its_status;

/* Human-readable message for a status. Returns a static string, never NULL
 * ("unknown status" for a value outside the list). Never allocates. */
const char *its_strerror(its_status status);

/* Symbolic name of a status ("ITS_EUNIT"). Static string, never NULL. */
const char *its_status_name(its_status status);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
