/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim io: physical units. Parses unit expressions ("mg/kg/d", "mm3",
 * "1/(d*mm2)") and quantities ("30 mg/kg"), checks dimensions, converts. */
#include "itsim/units.h"
#include "core/core.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXP 99       /* largest |power| written, and |dimension exponent| */
#define MAX_P10 600      /* largest |decimal exponent| of a unit factor */
#define MAX_DEPTH 16     /* parenthesis nesting */
#define MAX_ATOM 16      /* bytes in an atom name (after µ -> u) */
#define MAX_DIGITS 512   /* significant digits accepted in a number */
#define MAX_E10 1000000L /* saturation of decimal exponents while reading */

/* A unit while parsing: factor = num / den * 10^p10. num and den are
 * integer-valued (60, 86400, ...), so decimal prefixes and powers stay
 * exact: "mm3" is exactly the double nearest 1e-9. The exponents are kept
 * as numerator (up) and denominator (down) parts, dim = up - down, so that
 * "mg/kg" (mass per mass) stays distinct from "%" or "1" (its_unit.ratio). */
typedef struct {
    double num, den;
    int p10;
    int dim[ITS_UNIT_NDIM];
    int up[ITS_UNIT_NDIM], down[ITS_UNIT_NDIM];
} uval;

typedef struct {
    const char *name; /* micro prefix spelled 'u'; µ is mapped to it */
    double num;
    int p10;
    int dim[ITS_UNIT_NDIM];
} atom_def;

#define D_T {[ITS_DIM_TIME] = 1}
#define D_L {[ITS_DIM_LENGTH] = 1}
#define D_V {[ITS_DIM_LENGTH] = 3}
#define D_M {[ITS_DIM_MASS] = 1}
#define D_C {[ITS_DIM_CELL] = 1}
#define D_I {[ITS_DIM_IU] = 1}
#define D_N {[ITS_DIM_MOL] = 1}
#define D_MOLAR {[ITS_DIM_MOL] = 1, [ITS_DIM_LENGTH] = -3}
#define D_A {[ITS_DIM_AU] = 1}
#define D_1 {[ITS_DIM_TIME] = 0}
#define D_P {[ITS_DIM_MASS] = 1, [ITS_DIM_LENGTH] = -1, [ITS_DIM_TIME] = -2}
#define D_K {[ITS_DIM_TEMP] = 1}
#define D_ENZ {[ITS_DIM_MOL] = 1, [ITS_DIM_TIME] = -1} /* catalytic activity */

static const atom_def atoms[] = {
    {"s", 1, 0, D_T}, {"min", 60, 0, D_T}, {"h", 3600, 0, D_T},
    {"d", 86400, 0, D_T}, {"day", 86400, 0, D_T}, {"days", 86400, 0, D_T},
    {"wk", 604800, 0, D_T}, {"week", 604800, 0, D_T},
    {"weeks", 604800, 0, D_T}, {"y", 31557600, 0, D_T}, /* 365.25 d */
    {"month", 2629800, 0, D_T}, {"months", 2629800, 0, D_T}, /* 365.25 / 12 d, as the read-outs */
    {"m", 1, 0, D_L}, {"cm", 1, -2, D_L}, {"mm", 1, -3, D_L}, {"um", 1, -6, D_L},
    {"L", 1, -3, D_V}, {"l", 1, -3, D_V}, {"dL", 1, -4, D_V}, {"mL", 1, -6, D_V},
    {"ml", 1, -6, D_V}, {"uL", 1, -9, D_V}, {"kg", 1, 0, D_M}, {"g", 1, -3, D_M},
    {"mg", 1, -6, D_M}, {"ug", 1, -9, D_M}, {"mcg", 1, -9, D_M},
    {"ng", 1, -12, D_M}, {"pg", 1, -15, D_M}, {"cell", 1, 0, D_C},
    {"cells", 1, 0, D_C}, {"IU", 1, 0, D_I}, {"kIU", 1, 3, D_I},
    {"MIU", 1, 6, D_I}, {"mol", 1, 0, D_N}, {"mmol", 1, -3, D_N},
    {"umol", 1, -6, D_N}, {"nmol", 1, -9, D_N}, {"pmol", 1, -12, D_N},
    {"M", 1, 3, D_MOLAR}, {"mM", 1, 0, D_MOLAR}, {"uM", 1, -3, D_MOLAR},
    {"nM", 1, -6, D_MOLAR}, {"pM", 1, -9, D_MOLAR}, {"au", 1, 0, D_A},
    {"%", 1, -2, D_1}, {"Pa", 1, 0, D_P}, {"kPa", 1, 3, D_P},
    {"mmHg", 1.33322387415, 2, D_P}, {"degC", 1, 0, D_K},
    /* enzyme activity (ALT, AST): U = 1 umol of substrate per minute
     * (IUPAC/IUB 1961), kat = 1 mol/s (SI) */
    {"U", 1.0 / 60.0, -6, D_ENZ}, {"kat", 1, 0, D_ENZ}, {"ukat", 1, -6, D_ENZ},
    {"nkat", 1, -9, D_ENZ},
};

#define NATOMS (sizeof atoms / sizeof atoms[0])

static const char *const dim_names[ITS_UNIT_NDIM] = {
    "time", "length", "mass", "cell", "IU", "amount", "au", "temperature"};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static const char *skip_ws(const char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

/* Bytes of one atom character at p (ASCII letter, '%', µ as U+00B5 or
 * U+03BC in UTF-8), 0 when p does not start one. */
static int atom_char_len(const char *p)
{
    unsigned char c = (unsigned char)p[0];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '%')
        return 1;
    if ((c == 0xC2 && (unsigned char)p[1] == 0xB5) ||
        (c == 0xCE && (unsigned char)p[1] == 0xBC))
        return 2;
    return 0;
}

/* x * 10^p with exact powers of ten (1e0..1e22 are exact doubles). */
static double scale10(double x, int p)
{
    static const double pw[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                  1e18, 1e19, 1e20, 1e21, 1e22};
    for (; p > 22; p -= 22)
        x *= 1e22;
    for (; p < -22; p += 22)
        x /= 1e22;
    return p >= 0 ? x * pw[p] : x / pw[-p];
}

static double uval_factor(const uval *u)
{
    return scale10(u->num / u->den, u->p10);
}

/* Non-zero while u is representable: finite parts, bounded exponents. */
static int uval_ok(const uval *u)
{
    int i;
    if (!isfinite(u->num) || !isfinite(u->den) || abs(u->p10) > MAX_P10)
        return 0;
    for (i = 0; i < ITS_UNIT_NDIM; i++)
        if (u->up[i] > MAX_EXP || u->down[i] > MAX_EXP)
            return 0;
    return 1;
}

/* a = a * b (sign > 0) or a / b (sign < 0). */
static int uval_mul(uval *a, const uval *b, int sign)
{
    int i;
    a->num *= sign > 0 ? b->num : b->den;
    a->den *= sign > 0 ? b->den : b->num;
    a->p10 += sign * b->p10;
    for (i = 0; i < ITS_UNIT_NDIM; i++) {
        a->up[i] += sign > 0 ? b->up[i] : b->down[i];
        a->down[i] += sign > 0 ? b->down[i] : b->up[i];
        a->dim[i] = a->up[i] - a->down[i];
    }
    return uval_ok(a);
}

/* a = a^n, |n| <= MAX_EXP. */
static int uval_pow(uval *a, int n)
{
    double num = 1.0, den = 1.0;
    int i;
    for (i = 0; i < abs(n); i++) {
        num *= a->num;
        den *= a->den;
    }
    a->num = n >= 0 ? num : den;
    a->den = n >= 0 ? den : num;
    a->p10 *= n;
    for (i = 0; i < ITS_UNIT_NDIM; i++) {
        const int up = a->up[i] * abs(n), down = a->down[i] * abs(n);
        a->up[i] = n >= 0 ? up : down;
        a->down[i] = n >= 0 ? down : up;
        a->dim[i] = a->up[i] - a->down[i];
    }
    return uval_ok(a);
}

static const uval uval_one = {1.0, 1.0, 0, {0}, {0}, {0}};

/* Exponents that cancel between numerator and denominator: mass 1 for
 * "mg/kg", none for "%". */
static void uval_ratio(const uval *u, int *ratio)
{
    int i;
    for (i = 0; i < ITS_UNIT_NDIM; i++)
        ratio[i] = u->up[i] < u->down[i] ? u->up[i] : u->down[i];
}

/* "length^3", "length^-3*mass" (in enum order), or "" for none. */
static size_t dims_str(const int *dim, char *buf, size_t len)
{
    size_t n = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < ITS_UNIT_NDIM && n < len; i++) {
        if (dim[i] == 0)
            continue;
        n += (size_t)snprintf(buf + n, len - n, dim[i] == 1 ? "%s%s" : "%s%s^%d",
                              n ? "*" : "", dim_names[i], dim[i]);
    }
    return n;
}

/* The dimension of u for messages: "dimensionless", "time^-1", "mass per
 * mass" (a ratio of like quantities), "time^-1 with mass per mass". */
static void dim_str(const uval *u, char *buf, size_t len)
{
    char net[96], per[96];
    int ratio[ITS_UNIT_NDIM];
    uval_ratio(u, ratio);
    if (!dims_str(u->dim, net, sizeof net))
        snprintf(net, sizeof net, "dimensionless");
    if (!dims_str(ratio, per, sizeof per))
        snprintf(buf, len, "%s", net);
    else if (strcmp(net, "dimensionless") == 0)
        snprintf(buf, len, "%s per %s", per, per);
    else
        snprintf(buf, len, "%s with %s per %s", net, per, per);
}

/* ---- unit expression parser (recursive descent) ----------------------- */

typedef struct {
    const char *text, *p;
    char *msg;
    size_t msglen;
    int depth;
} parser;

static its_status perr(parser *ps, const char *fmt, ...) ITS__PRINTF(2, 3);
static its_status perr(parser *ps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    its__vfmt(ps->msg, ps->msglen, fmt, ap);
    va_end(ap);
    return ITS_EUNIT;
}

static its_status parse_expr(parser *ps, uval *u);

/* Integer exponent at *pp: [sign] digits with |value| <= MAX_EXP. */
static int read_exp(const char **pp, int allow_sign, int *out)
{
    const char *p = *pp;
    int neg = 0, v = 0;
    if (allow_sign && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    if (!is_digit(*p))
        return 0;
    for (; is_digit(*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > MAX_EXP)
            return 0;
    }
    *out = neg ? -v : v;
    *pp = p;
    return 1;
}

/* The atom spelled by the run [s, e), or NULL. µ (2 bytes) maps to 'u'. */
static const atom_def *find_atom(const char *s, const char *e)
{
    char name[MAX_ATOM];
    size_t i, n = 0;
    int k;
    for (; s < e && n < sizeof name - 1; s += k)
        name[n++] = (k = atom_char_len(s)) == 2 ? 'u' : *s;
    if (s < e)
        return NULL; /* longer than any atom */
    name[n] = '\0';
    for (i = 0; i < NATOMS; i++)
        if (strcmp(name, atoms[i].name) == 0)
            return &atoms[i];
    return NULL;
}

/* primary := atom [digits] | "1" | "10" | "1e" [sign] digits | "(" expr ")" */
static its_status parse_primary(parser *ps, uval *u)
{
    const char *s = ps->p = skip_ws(ps->p);
    const atom_def *a;
    int k, e;
    if (*s == '(') {
        its_status st;
        if (++ps->depth > MAX_DEPTH)
            return perr(ps, "parentheses nested too deeply in '%s'", ps->text);
        ps->p++;
        if ((st = parse_expr(ps, u)) != ITS_OK)
            return st;
        ps->p = skip_ws(ps->p);
        if (*ps->p != ')')
            return perr(ps, "unbalanced parenthesis in '%s'", ps->text);
        ps->p++;
        ps->depth--;
        return ITS_OK;
    }
    if (is_digit(*s)) {
        /* numbers: 1, 10 (for 10^N) and 1eN, as in "1e9/L" */
        while (is_digit(*ps->p))
            ps->p++;
        if (ps->p - s == 1 && *s == '1' && *ps->p == 'e' &&
            (is_digit(ps->p[1]) || ((ps->p[1] == '-' || ps->p[1] == '+') && is_digit(ps->p[2])))) {
            ps->p++;
            if (!read_exp(&ps->p, 1, &e))
                return perr(ps, "bad power of ten in '%s'", ps->text);
            *u = uval_one;
            u->p10 = e;
            return ITS_OK;
        }
        if (ps->p - s == 1 && *s == '1') {
            *u = uval_one;
            return ITS_OK;
        }
        if (ps->p - s == 2 && s[0] == '1' && s[1] == '0') {
            *u = uval_one;
            u->p10 = 1;
            return ITS_OK;
        }
        return perr(ps, "unexpected number '%.*s' in '%s' (only 1, 10^N and 1eN are allowed)",
                    (int)(ps->p - s), s, ps->text);
    }
    while ((k = atom_char_len(ps->p)) > 0)
        ps->p += k;
    if (ps->p == s) {
        if (*s == '\0')
            return perr(ps, "missing unit at end of '%s'", ps->text);
        return perr(ps, "unexpected '%s' in '%s'", s, ps->text);
    }
    if (!(a = find_atom(s, ps->p)))
        return perr(ps, "unknown unit '%.*s' in '%s'", (int)(ps->p - s), s,
                    ps->text);
    u->num = a->num;
    u->den = 1.0;
    u->p10 = a->p10;
    memcpy(u->dim, a->dim, sizeof u->dim);
    for (k = 0; k < ITS_UNIT_NDIM; k++) {
        u->up[k] = a->dim[k] > 0 ? a->dim[k] : 0;
        u->down[k] = a->dim[k] < 0 ? -a->dim[k] : 0;
    }
    if (is_digit(*ps->p)) { /* "mm3": trailing power of the whole atom */
        if (!read_exp(&ps->p, 0, &e))
            return perr(ps, "bad exponent in '%s'", ps->text);
        if (!uval_pow(u, e))
            return perr(ps, "unit '%s' is out of range", ps->text);
    }
    return ITS_OK;
}

/* term := primary [ ("^" | "**") [sign] digits ] */
static its_status parse_term(parser *ps, uval *u)
{
    its_status st = parse_primary(ps, u);
    const char *q;
    int e;
    if (st != ITS_OK)
        return st;
    q = skip_ws(ps->p);
    if (*q == '^' || (q[0] == '*' && q[1] == '*')) {
        q = skip_ws(q + (*q == '^' ? 1 : 2));
        if (!read_exp(&q, 1, &e))
            return perr(ps, "bad exponent in '%s'", ps->text);
        if (!uval_pow(u, e))
            return perr(ps, "unit '%s' is out of range", ps->text);
        ps->p = q;
    }
    return ITS_OK;
}

/* expr := term { ("*" | "·" | "." | "/") term }, left-associative. */
static its_status parse_expr(parser *ps, uval *u)
{
    its_status st = parse_term(ps, u);
    while (st == ITS_OK) {
        const char *q = skip_ws(ps->p);
        uval rhs;
        int sign = 1;
        if (*q == '*' || *q == '.')
            q++;
        else if (*q == '/') {
            q++;
            sign = -1;
        }
        else if ((unsigned char)q[0] == 0xC2 && (unsigned char)q[1] == 0xB7)
            q += 2; /* U+00B7 middle dot */
        else
            break;
        ps->p = q;
        if ((st = parse_term(ps, &rhs)) == ITS_OK && !uval_mul(u, &rhs, sign))
            return perr(ps, "unit '%s' is out of range", ps->text);
    }
    return st;
}

/* Parse a whole unit expression; "" and all-whitespace are dimensionless. */
static its_status parse_unit(const char *text, uval *u, char *msg,
                             size_t msglen)
{
    parser ps = {text, text, msg, msglen, 0};
    double f;
    its_status st;
    *u = uval_one;
    if (*skip_ws(text) == '\0')
        return ITS_OK;
    if ((st = parse_expr(&ps, u)) != ITS_OK)
        return st;
    ps.p = skip_ws(ps.p);
    if (*ps.p == ')')
        return perr(&ps, "unbalanced parenthesis in '%s'", text);
    if (*ps.p != '\0')
        return perr(&ps, "unexpected '%s' in '%s'", ps.p, text);
    f = uval_factor(u);
    if (!isfinite(f) || f <= 0.0)
        return perr(&ps, "unit '%s' is out of range", text);
    return ITS_OK;
}

/* Same dimension, and the same ratio of like quantities: "ug/g" converts
 * to "mg/kg", "%" does not (a plain ratio is not an amount per mass). */
static int same_dim(const uval *a, const uval *b)
{
    int ra[ITS_UNIT_NDIM], rb[ITS_UNIT_NDIM];
    uval_ratio(a, ra);
    uval_ratio(b, rb);
    return memcmp(a->dim, b->dim, sizeof a->dim) == 0 && memcmp(ra, rb, sizeof ra) == 0;
}

static its_status mismatch(const uval *a, int alen, const char *atext,
                           const uval *b, const char *btext, char *msg,
                           size_t msglen)
{
    char da[200], db[200];
    int ra[ITS_UNIT_NDIM], rb[ITS_UNIT_NDIM];
    dim_str(a, da, sizeof da);
    dim_str(b, db, sizeof db);
    uval_ratio(a, ra);
    uval_ratio(b, rb);
    if (memcmp(a->dim, b->dim, sizeof a->dim) == 0 && memcmp(ra, rb, sizeof ra) != 0)
        its__fmt(msg, msglen, "cannot convert '%.*s' (%s) to '%s' (%s): a plain ratio "
                "or percentage is not an amount per amount; write both units, e.g. '%s'",
                alen, atext, da, btext, db, btext);
    else
        its__fmt(msg, msglen, "cannot convert '%.*s' (%s) to '%s' (%s)", alen,
                atext, da, btext, db);
    return ITS_EUNIT;
}

/* value in unit a, expressed in unit b (same dimensions). */
static double apply(double v, const uval *a, const uval *b)
{
    double q = (a->num / b->num) * (b->den / a->den);
    return scale10(v * q, a->p10 - b->p10);
}

/* ---- public API ----------------------------------------------------- */

its_status its_unit_parse(const char *text, its_unit *out, char *msg,
                          size_t msglen)
{
    uval u;
    its_status st;
    if (!text || !out) {
        its__fmt(msg, msglen, "its_unit_parse: NULL argument");
        return ITS_EINVAL;
    }
    if ((st = parse_unit(text, &u, msg, msglen)) != ITS_OK)
        return st;
    out->factor = uval_factor(&u);
    memcpy(out->dim, u.dim, sizeof out->dim);
    uval_ratio(&u, out->ratio);
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

int its_unit_compatible(const its_unit *a, const its_unit *b)
{
    return a && b && memcmp(a->dim, b->dim, sizeof a->dim) == 0 &&
           memcmp(a->ratio, b->ratio, sizeof a->ratio) == 0;
}

its_status its_unit_convert(double value, const char *from, const char *to,
                            double *out, char *msg, size_t msglen)
{
    uval a, b;
    its_status st;
    double r;
    if (!from || !to || !out) {
        its__fmt(msg, msglen, "its_unit_convert: NULL argument");
        return ITS_EINVAL;
    }
    if ((st = parse_unit(from, &a, msg, msglen)) != ITS_OK ||
        (st = parse_unit(to, &b, msg, msglen)) != ITS_OK)
        return st;
    if (!same_dim(&a, &b))
        return mismatch(&a, (int)strlen(from), from, &b, to, msg, msglen);
    r = apply(value, &a, &b);
    if (isfinite(value) && !isfinite(r)) {
        its__fmt(msg, msglen, "%g %s is out of range in '%s'", value, from, to);
        return ITS_ERANGE;
    }
    *out = r;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}

/* Read a decimal number [sign] (digits [. digits] | . digits) [e [sign]
 * digits] at p, locale-independently: the digits are rewritten as an
 * integer mantissa with an adjusted exponent ("-1.5e3" -> "-15e2"), which
 * has no decimal point, and only then handed to strtod. */
static its_status parse_number(const char *text, const char *p, double *v,
                               const char **end, char *msg, size_t msglen)
{
    char buf[MAX_DIGITS + 32];
    size_t n = 1;
    long e10 = 0, ex = 0;
    int dot = 0, any = 0, eneg = 0;
    buf[0] = *p == '-' ? '-' : '+';
    if (*p == '-' || *p == '+')
        p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        its__fmt(msg, msglen, "hexadecimal numbers are not accepted: '%s'", text);
        return ITS_EPARSE;
    }
    for (; is_digit(*p) || (*p == '.' && !dot); p++) {
        if (*p == '.') {
            dot = 1;
            continue;
        }
        any = 1;
        if (dot && e10 > -MAX_E10)
            e10--;
        if (*p == '0' && n == 1)
            continue; /* leading zero */
        if (n > MAX_DIGITS) {
            its__fmt(msg, msglen, "too many digits in '%s'", text);
            return ITS_EPARSE;
        }
        buf[n++] = *p;
    }
    if (!any) {
        static const char *const bad[] = {"nan", "inf"};
        size_t i, j;
        for (i = 0; i < 2; i++) {
            for (j = 0; j < 3 && (p[j] | 0x20) == bad[i][j]; j++)
                ;
            if (j == 3) {
                its__fmt(msg, msglen, "'%s' is not a finite number", text);
                return ITS_EPARSE;
            }
        }
        its__fmt(msg, msglen, "expected a number in '%s'", text);
        return ITS_EPARSE;
    }
    if ((*p == 'e' || *p == 'E') &&
        (is_digit(p[1]) || ((p[1] == '-' || p[1] == '+') && is_digit(p[2])))) {
        p++;
        if (*p == '-' || *p == '+')
            eneg = *p++ == '-';
        for (; is_digit(*p); p++)
            if (ex < MAX_E10)
                ex = ex * 10 + (*p - '0');
    }
    if (n == 1)
        buf[n++] = '0';
    snprintf(buf + n, sizeof buf - n, "e%ld", e10 + (eneg ? -ex : ex));
    *v = strtod(buf, NULL);
    if (isinf(*v)) {
        its__fmt(msg, msglen, "number out of range in '%s'", text);
        return ITS_EPARSE;
    }
    *end = p;
    return ITS_OK;
}

its_status its_quantity_parse(const char *text, const char *unit, double *out,
                              char *msg, size_t msglen)
{
    uval target, given;
    const char *p, *rest;
    double v, r;
    int ulen;
    its_status st;
    if (!text || !unit || !out) {
        its__fmt(msg, msglen, "its_quantity_parse: NULL argument");
        return ITS_EINVAL;
    }
    if ((st = parse_unit(unit, &target, msg, msglen)) != ITS_OK)
        return st;
    p = skip_ws(text);
    if (*p == '\0') {
        its__fmt(msg, msglen, "empty quantity");
        return ITS_EPARSE;
    }
    if ((st = parse_number(text, p, &v, &rest, msg, msglen)) != ITS_OK)
        return st;
    p = skip_ws(rest);
    given = target;
    if (*p != '\0') { /* a unit starts with an atom, '(' or " 1" ("0.1 1/d") */
        if (!atom_char_len(p) && *p != '(' && !(p > rest && is_digit(*p))) {
            its__fmt(msg, msglen, "unexpected '%s' after the number in '%s'", p,
                    text);
            return ITS_EPARSE;
        }
        if ((st = parse_unit(p, &given, msg, msglen)) != ITS_OK)
            return st;
    }
    if (!same_dim(&given, &target)) {
        for (ulen = (int)strlen(p); ulen > 0 && is_space(p[ulen - 1]); ulen--)
            ;
        return mismatch(&given, ulen, p, &target, unit, msg, msglen);
    }
    r = apply(v, &given, &target);
    if (!isfinite(r)) {
        its__fmt(msg, msglen, "'%s' is out of range in '%s'", text, unit);
        return ITS_EPARSE;
    }
    *out = r;
    its__fmt(msg, msglen, "%s", "");
    return ITS_OK;
}
