/* itsim tests: every published-outcome check of `itsim validate` passes
 * within its stated tolerance (the papers, or derived from their equations). */
#include <math.h>

#include "itsim/itsim.h"
#include "its_test.h"

int main(void)
{
    size_t i;
    its_check_result r;
    its_test_true(its_check_count() >= 20, "%zu checks", its_check_count());
    for (i = 0; i < its_check_count(); i++) {
        its_status st = its_check_run(i, &r);
        its_test_true(st == ITS_OK, "%s ran (%s)", r.id, its_strerror(st));
        its_test_rel(r.computed, r.expected, r.rel_tol, "%s %s: %s [%s]", r.id,
                     r.model, r.what, r.tol_reason);
        its_test_true(r.passed, "%s passed flag", r.id);
    }
    its_test_true(its_check_run(its_check_count(), &r) == ITS_EINVAL &&
                      its_check_id(its_check_count()) == NULL,
                  "out-of-range check index");
    return its_test_done();
}
