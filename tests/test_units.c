/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: units (src/core/units.c). Known conversions with stated
 * tolerances, exactness of factors, and every error path and status. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "its_test.h"
#include "itsim/units.h"
#include "core/core.h"

/* Tolerance for conversions whose exact result is a decimal like 0.17 or
 * 1/3: the code rounds at most 2-3 times, so a few ulp (2.2e-16 each). */
#define ULPS 1e-15

static char msg[256];

/* A quantity parsed into `unit` must succeed and equal `want` within rtol. */
static void check_q(const char *text, const char *unit, double want,
                    double rtol, const char *why)
{
    double v = -999.0;
    its_status st = its_quantity_parse(text, unit, &v, msg, sizeof msg);
    its_test_true(st == ITS_OK && msg[0] == '\0', "'%s' in '%s' parses (%s)",
                  text, unit, st == ITS_OK ? "ok" : msg);
    its_test_rel(v, want, rtol, "'%s' in '%s' = %.17g: %s", text, unit, want, why);
}

static void check_conv(double value, const char *from, const char *to,
                       double want, double rtol, const char *why)
{
    double v = -999.0;
    its_status st = its_unit_convert(value, from, to, &v, msg, sizeof msg);
    its_test_true(st == ITS_OK, "convert %g %s -> %s (%s)", value, from, to,
                  st == ITS_OK ? "ok" : msg);
    its_test_rel(v, want, rtol, "%g %s in %s: %s", value, from, to, why);
}

/* Status must be `want`, the output untouched and msg contain `needle`. */
static void check_status(its_status got, its_status want, double out,
                         const char *needle, const char *what)
{
    its_test_true(got == want && out == 42.0 && strstr(msg, needle) != NULL,
                  "%s -> %s (want %s), msg \"%s\" contains \"%s\"", what,
                  its_status_name(got), its_status_name(want), msg, needle);
}

static void qerr(const char *text, const char *unit, its_status want,
                 const char *needle)
{
    double v = 42.0;
    char what[160];
    its_status st = its_quantity_parse(text, unit, &v, msg, sizeof msg);
    snprintf(what, sizeof what, "quantity '%s' in '%s'", text, unit);
    check_status(st, want, v, needle, what);
}

static void uerr(const char *text, const char *needle)
{
    its_unit u = {42.0, {0}, {0}};
    char what[160];
    its_status st = its_unit_parse(text, &u, msg, sizeof msg);
    snprintf(what, sizeof what, "unit '%s'", text);
    check_status(st, ITS_EUNIT, u.factor, needle, what);
}

/* Parsed factor must be exactly `want` (the double nearest the decimal
 * literal) and the dimension exponents equal `dim`. */
static void check_factor(const char *text, double want, const int *dim)
{
    its_unit u;
    its_status st = its_unit_parse(text, &u, msg, sizeof msg);
    its_test_true(st == ITS_OK && u.factor == want &&
                      memcmp(u.dim, dim, sizeof u.dim) == 0,
                  "unit '%s': factor %.17g exactly %.17g, dims as expected",
                  text, u.factor, want);
}

static void test_factors(void)
{
    static const int none[ITS_UNIT_NDIM] = {0}, t[ITS_UNIT_NDIM] = {1},
                     l3[ITS_UNIT_NDIM] = {0, 3}, m[ITS_UNIT_NDIM] = {0, 0, 1},
                     iu[ITS_UNIT_NDIM] = {0, 0, 0, 0, 1},
                     molar[ITS_UNIT_NDIM] = {0, -3, 0, 0, 0, 1},
                     rate[ITS_UNIT_NDIM] = {-1, -2},
                     cells_l[ITS_UNIT_NDIM] = {0, -3, 0, 1},
                     au[ITS_UNIT_NDIM] = {0, 0, 0, 0, 0, 0, 1};
    /* Exact: decimal prefixes are applied as exact powers of ten. */
    check_factor("mm3", 1e-9, l3);
    check_factor("cm3", 1e-6, l3);
    check_factor("mm^3", 1e-9, l3);
    check_factor("L", 1e-3, l3);
    check_factor("dL", 1e-4, l3);
    check_factor("mL", 1e-6, l3);
    check_factor("\u00B5L", 1e-9, l3);
    check_factor("mg", 1e-6, m);
    check_factor("\u00B5g", 1e-9, m);
    check_factor("mcg", 1e-9, m);
    check_factor("pg", 1e-15, m);
    check_factor("d", 86400.0, t);
    check_factor("days", 86400.0, t);
    check_factor("h", 3600.0, t);
    check_factor("weeks", 604800.0, t);
    check_factor("y", 31557600.0, t); /* 365.25 d */
    check_factor("months", 2629800.0, t); /* 365.25 / 12 d, the read-outs' month */
    check_factor("MIU", 1e6, iu);
    check_factor("M", 1e3, molar);
    check_factor("\u00B5M", 1e-3, molar);
    check_factor("cells/L", 1e3, cells_l);
    check_factor("%", 0.01, none);
    check_factor("1", 1.0, none);
    check_factor("", 1.0, none);
    check_factor("  ", 1.0, none);
    check_factor("au", 1.0, au);
    check_factor("mg/kg", 1e-6, none);
    check_factor("1/d", 1.0 / 86400.0, (const int[ITS_UNIT_NDIM]){-1});
    check_factor("m2", 1.0, (const int[ITS_UNIT_NDIM]){0, 2});
    check_factor("m**2", 1.0, (const int[ITS_UNIT_NDIM]){0, 2});
    check_factor("cm ^ -2", 1e4, (const int[ITS_UNIT_NDIM]){0, -2});
    /* "mg/kg*d" is left-associative: (mg/kg)*d. */
    check_factor("mg/kg*d", 0.0864, t); /* 86400/1e6: nearest double */

    /* Same unit written four ways: identical factor and dimensions. */
    {
        const char *forms[] = {"1/(d*mm2)", "1/d/mm2", "d^-1 . mm**-2",
                               "1 / ( d \u00B7 mm^2 )"};
        its_unit ref, u;
        int i, st = its_unit_parse(forms[0], &ref, msg, sizeof msg);
        its_test_true(st == ITS_OK &&
                          memcmp(ref.dim, rate, sizeof rate) == 0,
                      "'%s' is time^-1*length^-2", forms[0]);
        for (i = 1; i < 4; i++) {
            st = its_unit_parse(forms[i], &u, msg, sizeof msg);
            its_test_true(st == ITS_OK && u.factor == ref.factor &&
                              its_unit_compatible(&u, &ref),
                          "'%s' identical to '%s' (%.17g)", forms[i], forms[0],
                          u.factor);
        }
        its_test_true(!its_unit_compatible(&ref, NULL) &&
                          !its_unit_compatible(NULL, &ref),
                      "its_unit_compatible(NULL) is 0");
    }
}

static void test_conversions(void)
{
    /* Same unit: ratio exactly 1, the value passes through unchanged. */
    check_q("30 mg/kg", "mg/kg", 30.0, 0.0, "same unit, exact");
    check_q("30 mg/kg", "g/kg", 0.03, ULPS, "30/1e3, one rounding");
    check_q("2 d", "h", 48.0, 0.0, "86400/3600 = 24 exactly");
    check_q("8 h", "d", 1.0 / 3.0, ULPS, "1/24 rounded, times 8");
    check_q("170 mm3", "cm3", 0.17, ULPS, "170/1e3, one rounding");
    check_q("170 mm3", "mL", 0.17, ULPS, "mL = cm3");
    check_q("20 mg/kg/d", "mg/kg/h", 20.0 / 24.0, ULPS, "3600/86400, x20");
    check_q("600000 IU/kg", "MIU/kg", 0.6, ULPS, "6e5/1e6");
    check_q("1e6 cells/L", "cells/mL", 1000.0, 0.0, "1e6/1e3 exact");
    check_q("1e6cells", "cells", 1e6, 0.0, "number glued to its unit");
    check_q("30mg", "mg", 30.0, 0.0, "number glued to its unit");
    check_q("-3", "mg", -3.0, 0.0, "bare number is in the target unit");
    check_q("0.5", "d", 0.5, 0.0, "bare number is in the target unit");
    check_q("  +.5e1  ", "", 5.0, 0.0, "exact small integer");
    check_q("5.", "s", 5.0, 0.0, "trailing point as in strtod");
    check_q("0.1 1/d", "1/d", 0.1, 0.0, "same unit, exact");
    check_q("2.4 1/d", "1/h", 0.1, ULPS, "2.4/24, roundings");
    check_q("50 %", "", 0.5, 0.0, "50/1e2 exact");
    check_q("1 y", "d", 365.25, 0.0, "31557600/86400 exact");
    check_q("90 min", "h", 1.5, 0.0, "60/3600 rounded, x90: 1.5 exact");
    check_q("2 wk", "days", 14.0, 0.0, "604800/86400 = 7 exactly");
    check_q("1 \u00B5g/L", "ng/mL", 1.0, 0.0, "same factor 1e-6");
    check_q("1e-300", "", 1e-300, 0.0, "small number kept exactly");
    {
        double v = -1.0;
        its_status st = its_quantity_parse("0.000 mg/kg", "g/kg", &v, msg, sizeof msg);
        /* zero has no relative scale: absolute check, exactly 0 */
        its_test_abs(v, 0.0, 0.0, "'0.000 mg/kg' in g/kg is 0 (status %s)",
                     its_status_name(st));
    }
    check_conv(1.0, "mM", "mol/m3", 1.0, 0.0, "mmol/L = mol/m3 exactly");
    check_conv(1.0, "M", "mM", 1000.0, 0.0, "1e3 exact");
    check_conv(1.0, "kPa", "mmHg", 7.500615758, 1e-9, "1 mmHg = 133.322387415 Pa (conventional millimetre of mercury)");
    check_conv(120.0, "mmHg", "kg/(m*s^2)", 15998.6864898, 1e-10, "mmHg is a pressure: 120 mmHg = 15998.69 Pa");
    check_conv(2.5, "degC", "degC", 2.5, 0.0, "temperature converts only to itself");
    /* enzyme activity: 1 U = 1 umol/min = 1/60 ukat (exactly 16.667 nkat) */
    check_conv(60.0, "U/L", "ukat/L", 1.0, 1e-14, "60 U/L = 1 ukat/L");
    check_conv(40.0, "U/L", "nkat/mL", 40.0 / 60.0, 1e-14, "40 U/L = 0.667 nkat/mL");
    check_conv(1.0, "U", "umol/min", 1.0, 1e-14, "1 U = 1 umol/min");
    check_conv(2000.0, "1/uL", "1e9/L", 2.0, 1e-15, "2000 per microlitre = 2 x 10^9/L (neutrophil counts)");
    check_conv(1.0, "10^9/L", "1e9/L", 1.0, 1e-15, "10^9/L and 1e9/L are the same unit");
    check_conv(1.0, "1e-3", "1", 1e-3, 1e-15, "a bare power of ten is dimensionless");
    check_conv(5.0, "nM", "pM", 5000.0, 0.0, "5*1e3 exact");
    check_conv(2.0, "mL", "L", 0.002, ULPS, "2/1e3, one rounding");
    check_conv(7.0, "au", "au", 7.0, 0.0, "au converts to itself");
}

/* Numbers must equal C-locale strtod exactly, whatever the locale. */
static void test_numbers(void)
{
    static const char *nums[] = {
        "0.1", "3.141592653589793", "-2.5e-3", "1e-300", "4.9e-324",
        "123456789012345678901234567890", "0.000001234", "9007199254740993",
        "1.7976931348623157e308", "2.2250738585072014e-308", "1E+10",
        "0.30000000000000004441"};
    static const char *locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                    "fr_FR.utf8", "ru_RU.UTF-8"};
    size_t i;
    double v;
    for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        double want = strtod(nums[i], NULL);
        its_status st = its_quantity_parse(nums[i], "", &v, msg, sizeof msg);
        its_test_true(st == ITS_OK && v == want,
                      "'%s' equals C-locale strtod bit for bit (%.17g)", nums[i],
                      want);
    }
    for (i = 0; i < sizeof locales / sizeof locales[0]; i++)
        if (setlocale(LC_NUMERIC, locales[i]))
            break;
    if (i < sizeof locales / sizeof locales[0]) {
        its_status st = its_quantity_parse("0.5 d", "h", &v, msg, sizeof msg);
        its_test_true(st == ITS_OK && v == 12.0,
                      "'0.5 d' is 12 h under LC_NUMERIC=%s", locales[i]);
        setlocale(LC_NUMERIC, "C");
    } else {
        printf("note: no comma-decimal locale installed; locale test skipped\n");
    }
}

static void test_errors(void)
{
    its_unit u = {42.0, {0}, {0}};
    double v = 42.0;
    char small[8];
    int i;

    /* ITS_EUNIT: unknown atoms, case sensitivity, mismatches. */
    qerr("3 mg/xyz", "mg/kg", ITS_EUNIT, "unknown unit 'xyz' in 'mg/xyz'");
    qerr("30 mg/kg", "mm3", ITS_EUNIT,
         "cannot convert 'mg/kg' (mass per mass) to 'mm3' (length^3)");
    qerr("30 mg/kg  ", "mg/L", ITS_EUNIT,
         "'mg/kg' (mass per mass) to 'mg/L' (length^-3*mass)");
    qerr("30 mg/kg junk", "mg/kg", ITS_EUNIT, "unexpected 'junk'");
    qerr("2e", "", ITS_EUNIT, "unknown unit 'e'");
    qerr("3 2", "", ITS_EUNIT, "unexpected number '2'");
    qerr("3", "furlong", ITS_EUNIT, "unknown unit 'furlong'");
    qerr("1 au", "", ITS_EUNIT, "(au) to '' (dimensionless)");
    uerr("xyz", "unknown unit 'xyz' in 'xyz'");
    uerr("ML", "unknown unit 'ML'");
    uerr("KG", "unknown unit 'KG'");
    uerr("averyveryverylongunitname", "unknown unit 'averyveryverylong");
    uerr("m\u00B7\u00B5x", "unknown unit '\u00B5x'");
    /* Syntax: parentheses, exponents, operators, numbers in units. */
    uerr("1/(d*mm2", "unbalanced parenthesis");
    uerr("mg)", "unbalanced parenthesis");
    uerr("((mg)", "unbalanced parenthesis");
    uerr("(((((((((((((((((((m)))))))))))))))))))", "nested too deeply");
    uerr("m^", "bad exponent");
    uerr("m^x", "bad exponent");
    uerr("m^1000", "bad exponent");
    uerr("m**", "bad exponent");
    uerr("m999", "bad exponent");
    uerr("y^99", "out of range");
    uerr("m^99*m^99", "out of range");
    uerr("mg/", "missing unit at end of 'mg/'");
    uerr("mg//kg", "unexpected '/kg' in 'mg//kg'");
    uerr("mg kg", "unexpected 'kg'");
    uerr("2 mg", "unexpected number '2'");
    uerr("m$", "unexpected '$' in 'm$'");
    qerr("3", "m^", ITS_EUNIT, "bad exponent"); /* bad target unit */

    /* ITS_EPARSE: empty, non-finite, hex, overflow, trailing garbage. */
    qerr("", "mg", ITS_EPARSE, "empty");
    qerr(" \t ", "mg", ITS_EPARSE, "empty");
    {
        const char *bad[] = {"nan", "NaN", "-nan", "inf", "-Infinity", "INF",
                             "+inf mg"};
        for (i = 0; i < 7; i++)
            qerr(bad[i], "mg", ITS_EPARSE, "not a finite number");
    }
    qerr("0x1p3", "", ITS_EPARSE, "hexadecimal");
    qerr("1e999", "", ITS_EPARSE, "out of range");
    qerr("-1e999 mg", "mg", ITS_EPARSE, "out of range");
    qerr("1e308 kg", "pg", ITS_EPARSE, "out of range"); /* 1e323 */
    qerr("1.2.3", "", ITS_EPARSE, "unexpected '.3'");
    qerr("30 ,", "", ITS_EPARSE, "unexpected ','");
    qerr("abc", "", ITS_EPARSE, "expected a number");
    qerr(".", "", ITS_EPARSE, "expected a number");
    qerr("- 3", "", ITS_EPARSE, "expected a number");

    /* ITS_ERANGE: a finite value that overflows in conversion. */
    v = 42.0;
    i = its_unit_convert(1e302, "y", "s", &v, msg, sizeof msg);
    check_status(i, ITS_ERANGE, v, "out of range", "convert 1e302 y to s");
    i = its_unit_convert(1.0, "mg", "mL", &v, msg, sizeof msg);
    check_status(i, ITS_EUNIT, v, "(mass) to 'mL' (length^3)", "mg to mL");
    i = its_unit_convert(1.0, "mg", "bogus", &v, msg, sizeof msg);
    check_status(i, ITS_EUNIT, v, "unknown unit 'bogus'", "mg to bogus");

    /* ITS_EINVAL: every NULL pointer argument; msg NULL is allowed. */
    i = its_unit_parse(NULL, &u, msg, sizeof msg);
    check_status(i, ITS_EINVAL, u.factor, "NULL", "its_unit_parse(NULL text)");
    i = its_unit_parse("m", NULL, msg, sizeof msg);
    check_status(i, ITS_EINVAL, 42.0, "NULL", "its_unit_parse(NULL out)");
    i = its_unit_convert(1.0, NULL, "m", &v, msg, sizeof msg);
    check_status(i, ITS_EINVAL, v, "NULL", "its_unit_convert(NULL from)");
    i = its_unit_convert(1.0, "m", NULL, &v, msg, sizeof msg);
    check_status(i, ITS_EINVAL, v, "NULL", "its_unit_convert(NULL to)");
    i = its_unit_convert(1.0, "m", "m", NULL, msg, sizeof msg);
    check_status(i, ITS_EINVAL, 42.0, "NULL", "its_unit_convert(NULL out)");
    i = its_quantity_parse(NULL, "m", &v, msg, sizeof msg);
    check_status(i, ITS_EINVAL, v, "NULL", "its_quantity_parse(NULL text)");
    i = its_quantity_parse("1", NULL, &v, msg, sizeof msg);
    check_status(i, ITS_EINVAL, v, "NULL", "its_quantity_parse(NULL unit)");
    i = its_quantity_parse("1", "m", NULL, msg, sizeof msg);
    check_status(i, ITS_EINVAL, 42.0, "NULL", "its_quantity_parse(NULL out)");
    its_test_true(its_quantity_parse("1 xyz", "m", &v, NULL, 0) == ITS_EUNIT &&
                      its_unit_parse(NULL, &u, NULL, 99) == ITS_EINVAL,
                  "errors with msg == NULL");

    /* Messages: truncated and NUL-terminated; msglen 0 writes nothing. */
    memset(small, 'X', sizeof small);
    i = its_unit_parse("xyz", &u, small, sizeof small);
    its_test_true(i == ITS_EUNIT && strlen(small) == sizeof small - 1 &&
                      strncmp(small, "unknown", 7) == 0,
                  "message truncated to 7 chars + NUL: \"%s\"", small);
    memset(small, 'X', sizeof small);
    i = its_unit_parse("xyz", &u, small, 0);
    its_test_true(i == ITS_EUNIT && small[0] == 'X', "msglen 0 writes nothing");
    i = its_unit_parse("m", &u, small, sizeof small);
    its_test_true(i == ITS_OK && small[0] == '\0', "success clears msg");
}

/* Issue 9 item 6: an amount per body mass (mg/kg) is not a plain ratio.
 * "30 %" used to become 300,000 mg/kg, "30 1" 3e7 mg/kg. Ratios of like
 * quantities keep their kind (ratio[]) and convert among themselves. */
static void test_ratios(void)
{
    its_unit u;
    its_test_true(its_unit_parse("mg/kg", &u, msg, sizeof msg) == ITS_OK &&
                  u.dim[ITS_DIM_MASS] == 0 && u.ratio[ITS_DIM_MASS] == 1,
                  "mg/kg: dimension 0, ratio mass per mass");
    its_test_true(its_unit_parse("%", &u, msg, sizeof msg) == ITS_OK &&
                  u.ratio[ITS_DIM_MASS] == 0, "%%: no ratio");
    its_test_true(its_unit_parse("1/(kg/mg)", &u, msg, sizeof msg) == ITS_OK &&
                  u.ratio[ITS_DIM_MASS] == 1 && u.dim[ITS_DIM_MASS] == 0,
                  "1/(kg/mg): mass per mass");
    its_test_true(its_unit_parse("mg/kg/d", &u, msg, sizeof msg) == ITS_OK &&
                  u.ratio[ITS_DIM_MASS] == 1 && u.dim[ITS_DIM_TIME] == -1,
                  "mg/kg/d: time^-1 with mass per mass");
    qerr("30 %", "mg/kg", ITS_EUNIT,
         "cannot convert '%' (dimensionless) to 'mg/kg' (mass per mass): a plain ratio");
    qerr("30 1", "mg/kg", ITS_EUNIT, "'1' (dimensionless) to 'mg/kg' (mass per mass)");
    qerr("0.5 %", "(mg/kg)/d", ITS_EUNIT, "(dimensionless) to '(mg/kg)/d' (time^-1 with mass per mass)");
    qerr("3 mg/kg", "%", ITS_EUNIT, "'mg/kg' (mass per mass) to '%' (dimensionless)");
    qerr("1.3 1/d", "kg/(mg*d)", ITS_EUNIT, "time^-1 with mass per mass");
    check_q("30", "mg/kg", 30.0, 0.0, "a bare number is in the target unit");
    check_q("30 ug/g", "mg/kg", 30.0, ULPS, "ug/g = mg/kg (1e-9/1e-3 vs 1e-6)");
    check_q("30 mg/g", "mg/kg", 30000.0, ULPS, "mg per g of body mass");
    check_q("20 mg/kg/d", "mg/(kg*h)", 20.0 / 24.0, ULPS, "per day to per hour");
    check_q("1.3 kg/(mg*d)", "g/(ug*h)", 1.3 / 24.0, ULPS, "hahnfeldt potency units");
    check_q("5 %", "1", 0.05, ULPS, "a percentage is a plain ratio");
}

/* Calendar dates (its__civil_date): days since 1970-01-01 against values
 * counted independently (POSIX time of midnight UTC / 86400, e.g. `date -u
 * -d 2000-03-01 +%s`), leap years by the Gregorian rule. */
static void test_dates(void)
{
    static const struct {
        const char *s;
        long day;
        int minute;
    } ok[] = {
        {"1970-01-01", 0, 0},       {"1969-12-31", -1, 0},      {"2000-02-29", 11016, 0},
        {"2000-03-01", 11017, 0},   {"2024-02-29", 19782, 0},   {"2025-01-06", 20094, 0},
        {"2025-03-01", 20148, 0},   {"2100-03-01", 47541, 0},   {"1900-03-01", -25508, 0},
        {"2025-04-01T08:00", 20179, 480}, {"2025-04-01 23:59", 20179, 1439},
    };
    static const char *const bad[] = {"2025-02-29", "2100-02-29", "2025-13-01", "2025-00-10",
                                      "2025-04-31", "2025-1-06",  "25-01-06",   "2025-01-06T24:00",
                                      "2025-01-06T08:60", "2025-01-06T8:00", "2025/01/06",
                                      "2025-01-06Z", "", "2025-01-06T08:00:00", "0000-01-01"};
    size_t i;
    long d = -7;
    int m = -7;
    char text[32];
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        its_test_true(its__civil_date(ok[i].s, &d, &m) == 0 && d == ok[i].day && m == ok[i].minute,
                      "date %s = day %ld, minute %d (got %ld, %d)", ok[i].s, ok[i].day,
                      ok[i].minute, d, m);
        its__civil_text(d, m, text, sizeof text);
        its_test_true(strcmp(text, ok[i].s) == 0 || (ok[i].s[10] == 'T' && text[10] == ' ' &&
                                                     strncmp(text, ok[i].s, 10) == 0 &&
                                                     strcmp(text + 11, ok[i].s + 11) == 0),
                      "and back: %s", text);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = -7;
        its_test_true(its__civil_date(bad[i], &d, &m) == -1 && d == -7, "'%s' refused", bad[i]);
    }
    its_test_true(its__civil_date(NULL, &d, &m) == -1, "NULL refused");
    /* every day from 1899 to 2101 goes there and back */
    for (d = -25567; d <= 48212; d++) {
        long d2;
        its__civil_text(d, 0, text, sizeof text);
        if (its__civil_date(text, &d2, &m) != 0 || d2 != d)
            break;
    }
    its_test_true(d == 48213, "days -25567 to 48212 (1900-01-01 to 2101-12-31) round-trip");
}

int main(void)
{
    test_dates();
    test_factors();
    test_ratios();
    test_conversions();
    test_numbers();
    test_errors();
    return its_test_done();
}
