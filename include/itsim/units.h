/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: physical units. Parses unit expressions ("mg/kg/d", "mm3",
 * "cells/(d*L)"), checks dimensions and converts quantities. */
#ifndef ITSIM_UNITS_H
#define ITSIM_UNITS_H

#include <stddef.h>
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* Base dimensions: time, length, mass, cells, international units (IU),
 * amount of substance (mol), an arbitrary model unit ("au") that only
 * converts to itself, and temperature (degC). Pressure is derived:
 * mmHg, Pa, kPa. */
enum {
    ITS_DIM_TIME = 0,
    ITS_DIM_LENGTH,
    ITS_DIM_MASS,
    ITS_DIM_CELL,
    ITS_DIM_IU,
    ITS_DIM_MOL,
    ITS_DIM_AU,
    ITS_DIM_TEMP,  /* degC only: no kelvin or Fahrenheit, whose conversions
                      are affine, not scalings */
    ITS_UNIT_NDIM
};

/* A parsed unit: value_in_SI = value * factor, with integer exponents of the
 * base dimensions (SI bases: s, m, kg, cell, IU, mol, au, degC).
 * ratio[] holds the exponents that cancel between the numerator and the
 * denominator as written: mass 1 for "mg/kg" or "ug/g", nothing for "%",
 * "1" or "mm2". Two units convert only when both dim[] and ratio[] agree,
 * so an amount per body mass (mg/kg) cannot be given as a plain ratio or
 * percentage, while "ug/g" still converts to "mg/kg". */
typedef struct its_unit {
    double factor;
    int dim[ITS_UNIT_NDIM];
    int ratio[ITS_UNIT_NDIM];
} its_unit;

/* Parse a unit expression into *out.
 * Grammar: products and quotients of atoms, left-associative ("mg/kg/d" is
 * mg*kg^-1*d^-1), parentheses, integer powers written "^2", "^-1" or as a
 * trailing digit ("mm3", "m2"), and "1" for dimensionless. "" is
 * dimensionless. Known atoms include s, min, h, d, day(s), wk, week(s), y;
 * m, cm, mm, um, L, l, mL, ml, uL, dL; g, kg, mg, ug, µg, ng, pg;
 * cell, cells; IU, kIU, MIU; mol, mmol, umol, nmol, pmol, M, mM, uM, nM, pM;
 * au; "%" (0.01). Returns ITS_OK, ITS_EINVAL (NULL argument) or ITS_EUNIT.
 * Like every function without a handle, it writes its message into msg: at
 * most msglen bytes, always terminated, "" on success, a message naming the
 * offending part on error; msg may be NULL. The same holds for
 * its_unit_convert and its_quantity_parse. */
its_status its_unit_parse(const char *text, its_unit *out, char *msg,
                          size_t msglen);

/* Non-zero when a and b have the same dimension and ratio exponents; 0 when
 * either is NULL. */
int its_unit_compatible(const its_unit *a, const its_unit *b);

/* Convert value from unit `from` to unit `to`. ITS_EUNIT when either unit is
 * unknown or the two are dimensionally incompatible, ratio[] included (the
 * message names both dimensions, e.g. "dimensionless" and "mass per
 * mass"), ITS_ERANGE when a finite value overflows in the conversion,
 * ITS_EINVAL for a NULL argument. *out is written only on success. Message
 * in msg (msglen bytes, "" on success; may be NULL). */
its_status its_unit_convert(double value, const char *from, const char *to,
                            double *out, char *msg, size_t msglen);

/* Parse a quantity "30 mg/kg", "2 d", "1e6 cells", "30mg", "-3", "0.5" and
 * express it in `unit`. A bare number is taken as already being in `unit`.
 * ITS_EPARSE: an empty string, NaN, infinities, overflow, or junk directly
 * after the number ("1.2.3"); ITS_EUNIT: an unknown, malformed or
 * mismatched unit ("30 mg/kg junk", "2 d" where a dose belongs); ITS_EINVAL:
 * a NULL argument. *out is written only on success. Numbers are read in the
 * C locale convention (a '.' decimal point) whatever the process locale;
 * underflow gives 0. Also accepted: mcg, micro written u, U+00B5 or U+03BC,
 * and powers written "**n". Message in msg (msglen bytes, "" on success;
 * may be NULL). */
its_status its_quantity_parse(const char *text, const char *unit, double *out,
                              char *msg, size_t msglen);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
