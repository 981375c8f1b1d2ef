/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: every published-outcome check of `itsim validate` passes
 * within its stated tolerance (the papers, or derived from their equations),
 * and a check that cannot run says why through (msg, msglen). */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "itsim/itsim.h"
#include "its_test.h"

/* A failed simulation's message reaches the caller: the N-th allocation of
 * check H2a (a simulation and 200 boluses) fails for every N until the check
 * runs through; each failure must be reported as "check H2a
 * (hahnfeldt1999): REASON", and at least one REASON must be the
 * simulation's own message (not just the status text). */
static void test_failure_messages(void)
{
    size_t i, h2a = 0;
    long n;
    int failures = 0, from_sim = 0, ran = 0;
    char msg[256];
    its_check_result r;
    for (i = 0; i < its_check_count(); i++)
        if (strcmp(its_check_id(i), "H2a") == 0)
            h2a = i;
    for (n = 1; n < 100000 && !ran; n++) {
        its_status st;
        its__alloc_fail_at(n, 0);
        st = its_check_run(h2a, &r, msg, sizeof msg);
        its__alloc_fail_at(0, 0);
        if (st == ITS_OK) {
            ran = 1;
            its_test_true(msg[0] == '\0', "H2a ran at N = %ld: message \"\" ('%s')", n, msg);
            break;
        }
        failures++;
        if (!its_test_true(strncmp(msg, "check H2a (hahnfeldt1999): ", 27) == 0 && msg[27] &&
                               !r.passed && isnan(r.computed),
                           "allocation %ld failed (%s): '%s'", n, its_status_name(st), msg))
            break;
        if (strcmp(msg + 27, its_strerror(st)) != 0)
            from_sim = 1;
    }
    its_test_true(ran && failures > 0, "H2a failed %d times, then ran", failures);
    its_test_true(from_sim, "a failure carried the simulation's own message");
    its_test_true(its_check_run(h2a, &r, NULL, 0) == ITS_OK, "msg NULL accepted");
}

int main(void)
{
    size_t i;
    its_check_result r;
    char msg[256];
    its_test_true(its_check_count() >= 20, "%zu checks", its_check_count());
    for (i = 0; i < its_check_count(); i++) {
        its_status st = its_check_run(i, &r, msg, sizeof msg);
        its_test_true(st == ITS_OK && msg[0] == '\0', "%s ran (%s: '%s')", r.id,
                      its_strerror(st), msg);
        its_test_rel(r.computed, r.expected, r.rel_tol, "%s %s: %s [%s]", r.id,
                     r.model, r.what, r.tol_reason);
        its_test_true(r.passed, "%s passed flag", r.id);
    }
    its_test_true(its_check_run(its_check_count(), &r, msg, sizeof msg) == ITS_EINVAL &&
                      strstr(msg, "no such check") != NULL &&
                      its_check_id(its_check_count()) == NULL,
                  "out-of-range check index: '%s'", msg);
    its_test_true(its_check_run(0, NULL, NULL, 0) == ITS_EINVAL, "NULL result, msg NULL");
    test_failure_messages();
    return its_test_done();
}
