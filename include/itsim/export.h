/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: symbol visibility of libitsim's public API.
 *
 * The library is compiled with -fvisibility=hidden, so only what a public
 * header declares between ITS_API_BEGIN and ITS_API_END is exported from
 * libitsim.so; internal functions (its__*) and file-local helpers stay
 * hidden. Every public header includes this file (through itsim/status.h)
 * and brackets its declarations, right inside its extern "C" block:
 *
 *     #ifdef __cplusplus
 *     extern "C" {
 *     #endif
 *     ITS_API_BEGIN
 *     ... declarations ...
 *     ITS_API_END
 *     #ifdef __cplusplus
 *     }
 *     #endif
 *
 * For a program that uses the library the brackets change nothing (the
 * declarations keep default visibility). */
#ifndef ITSIM_EXPORT_H
#define ITSIM_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define ITS_API_BEGIN _Pragma("GCC visibility push(default)")
#define ITS_API_END _Pragma("GCC visibility pop")
#else
#define ITS_API_BEGIN
#define ITS_API_END
#endif

#endif
