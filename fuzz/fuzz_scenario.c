/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim fuzz target: the scenario reader (docs/fuzzing.md).
 *
 * The input is a scenario file. It goes through the path of `itsim run`
 * up to, not including, the simulation: libyaml and the adapter
 * (io/yaml_adapter.c), the reader and the checks of its_scenario_load_string
 * (units, names, arms, regimens), then the checks a run makes before it
 * starts (horizon, output grid, dose expansion, protocol rules, clinical
 * settings: its__scenario_resolve), and the same checks for every arm (the
 * shared therapy and rules with the arm's: its__scenario_resolve_arm).
 * Besides the sanitizers, it checks that every failure leaves a message.
 *
 * Arms with `file:` are read relative to the working directory;
 * scripts/fuzz.sh runs the target in a directory holding copies of
 * examples/regimens/ and nothing else. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "itsim/itsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failure without a message is a bug: report it as a crash. */
static void need_message(const its_scenario *sc, its_status st, const char *step)
{
    const char *m = its_scenario_errmsg(sc);
    if (st != ITS_OK && (m == NULL || m[0] == '\0')) {
        fprintf(stderr, "fuzz_scenario: %s failed with %s and no message\n",
                step, its_status_name(st));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    its_scenario *sc = NULL;
    its_status st;
    size_t i;

    if (its_scenario_create(&sc, NULL, 0) != ITS_OK)
        return 0;
    st = its_scenario_load_string(sc, (const char *)data, size, "fuzz.yaml");
    need_message(sc, st, "load");
    if (st == ITS_OK) {
        for (i = 0; i < its_scenario_arm_count(sc); i++) {
            if (!its_scenario_arm_name(sc, i) || !its_scenario_arm_id(sc, i))
                abort();
        }
        st = its__scenario_resolve(sc);
        need_message(sc, st, "resolve");
        for (i = 0; st == ITS_OK && i < its_scenario_arm_count(sc); i++) {
            static char err[ITS__ERRLEN];
            err[0] = '\0';
            st = its__scenario_resolve_arm(sc, i, err);
            if (st != ITS_OK && err[0] == '\0') {
                fprintf(stderr, "fuzz_scenario: arm %zu failed with %s and no message\n", i,
                        its_status_name(st));
                abort();
            }
        }
    }
    its_scenario_free(sc);
    return 0;
}
