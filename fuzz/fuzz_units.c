/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim fuzz target: the unit and quantity parsers (include/itsim/units.h;
 * docs/fuzzing.md).
 *
 * Input: TEXT, optionally followed by a newline and a target UNIT. TEXT is
 * parsed as a unit expression; with a UNIT, TEXT is also parsed as a
 * quantity in UNIT and converted from unit TEXT to UNIT. Besides the
 * sanitizers, the documented contract is checked: a successful result is
 * finite (unit factors also positive), the outputs are untouched on failure,
 * and messages are NUL-terminated within their buffer even when tiny. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsim/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENTINEL 42.0

static void check(int ok, const char *what, const char *text, const char *unit)
{
    if (!ok) {
        fprintf(stderr, "fuzz_units: %s (text '%s', unit '%s')\n", what, text,
                unit ? unit : "(none)");
        abort();
    }
}

/* msg must be a NUL-terminated string within its msglen bytes. */
static void check_msg(const char *msg, size_t msglen, const char *text, const char *unit)
{
    check(memchr(msg, '\0', msglen) != NULL, "message not terminated", text, unit);
}

/* A quantity or conversion result: finite on success; on failure *out
 * untouched (still SENTINEL) and a message. */
static void check_value(its_status st, double v, const char *msg, size_t msglen,
                        const char *text, const char *unit)
{
    check_msg(msg, msglen, text, unit);
    if (st == ITS_OK)
        check(isfinite(v), "result not finite", text, unit);
    else
        check(v == SENTINEL && msg[0] != '\0', "error changed *out or has no message", text,
              unit);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf, *unit;
    char msg[128], tiny[2];
    its_unit u;
    its_status st;
    double v;
    const char *nl;

    buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    nl = memchr(buf, '\n', size);
    unit = NULL;
    if (nl) {
        unit = buf + (nl - buf) + 1;
        buf[nl - buf] = '\0';
    }

    memset(msg, 'x', sizeof msg);
    u.factor = SENTINEL;
    st = its_unit_parse(buf, &u, msg, sizeof msg);
    check_msg(msg, sizeof msg, buf, unit);
    if (st == ITS_OK)
        check(isfinite(u.factor) && u.factor > 0.0, "unit factor not finite and positive",
              buf, unit);
    else
        check(st == ITS_EUNIT && msg[0] != '\0', "unit error without ITS_EUNIT and message",
              buf, unit);
    memset(tiny, 'x', sizeof tiny);
    (void)its_unit_parse(buf, &u, tiny, sizeof tiny);
    check_msg(tiny, sizeof tiny, buf, unit);
    (void)its_unit_parse(buf, &u, NULL, 0);

    if (unit) {
        memset(msg, 'x', sizeof msg);
        v = SENTINEL;
        st = its_quantity_parse(buf, unit, &v, msg, sizeof msg);
        check_value(st, v, msg, sizeof msg, buf, unit);
        (void)its_quantity_parse(buf, unit, &v, tiny, sizeof tiny);
        check_msg(tiny, sizeof tiny, buf, unit);

        memset(msg, 'x', sizeof msg);
        v = SENTINEL;
        st = its_unit_convert(1.5, buf, unit, &v, msg, sizeof msg);
        check_value(st, v, msg, sizeof msg, buf, unit);
    }
    free(buf);
    return 0;
}
