/* itsim tests: every named regimen runs on tme for the default patient, and
 * examples/regimens/NAME.yaml is exactly the regimen's scenario
 * (`test_regimens --write` regenerates the files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

int main(int argc, char **argv)
{
    int write = argc > 1 && strcmp(argv[1], "--write") == 0;
    size_t i;
    its_test_true(its_regimen_count() >= 5 && its_regimen_find("nope") == NULL, "%zu regimens",
                  its_regimen_count());
    for (i = 0; i < its_regimen_count(); i++) {
        const its_regimen *r = its_regimen_at(i);
        char path[512];
        char *text;
        its_scenario *sc = NULL;
        its_result *res = NULL;
        its_status st;

        snprintf(path, sizeof path, "%s/examples/regimens/%s.yaml", ITS_SOURCE_DIR, r->name);
        if (write) {
            FILE *fp = fopen(path, "wb");
            if (fp != NULL) {
                fputs(r->scenario, fp);
                fclose(fp);
            }
            continue;
        }
        text = its_test_slurp(path);
        its_test_true(text != NULL && strcmp(text, r->scenario) == 0,
                      "%s matches the library (regenerate: test_regimens --write)", path);
        free(text);
        its_scenario_create(&sc);
        st = its_scenario_load_string(sc, r->scenario, strlen(r->scenario), r->name);
        if (st == ITS_OK)
            st = its_scenario_run(sc, &res);
        its_test_true(st == ITS_OK, "regimen %s runs on tme for a year: %s", r->name,
                      st == ITS_OK ? "ok" : its_scenario_errmsg(sc));
        its_result_free(res);
        its_scenario_free(sc);
    }
    return write ? 0 : its_test_done();
}
