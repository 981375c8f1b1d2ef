/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A program outside itsim that uses the installed library
 * (tests/package/install.sh builds it with pkg-config and with
 * find_package(itsim)). It runs the published-outcome check H2a, a real
 * simulation of hahnfeldt1999 (TNP-470 30 mg/kg every other day from
 * V0 = 170 mm3), and compares the set point (V just before a dose) with the
 * "about 12,300 mm3" of Hahnfeldt et al. 1999 (Cancer Res 59:4770) within
 * 1 %, the check's own tolerance (the paper gives 3 significant figures). */
#include <itsim/itsim.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    its_check_result r;
    size_t i, n = its_check_count();
    its_status st;
    char msg[256];

    if (strcmp(its_version(), ITS_VERSION_STRING) != 0 ||
        ITS_VERSION_NUMBER != ITS_VERSION_MAJOR * 10000 + ITS_VERSION_MINOR * 100 + ITS_VERSION_PATCH) {
        fprintf(stderr, "consumer: library %s, headers %s\n", its_version(), ITS_VERSION_STRING);
        return 1;
    }
    for (i = 0; i < n; i++)
        if (strcmp(its_check_id(i), "H2a") == 0)
            break;
    if (i == n) {
        fprintf(stderr, "consumer: no check H2a among %zu\n", n);
        return 1;
    }
    st = its_check_run(i, &r, msg, sizeof msg);
    if (st != ITS_OK) {
        fprintf(stderr, "consumer: H2a: %s\n", msg);
        return 1;
    }
    if (!(fabs(r.computed - 12300.0) <= 0.01 * 12300.0)) {
        fprintf(stderr, "consumer: set point %g mm3, published 12300\n", r.computed);
        return 1;
    }
    printf("itsim %s: %s TNP-470 set point %.1f mm3 (published 12300)\n", its_version(), r.model,
           r.computed);
    return 0;
}
