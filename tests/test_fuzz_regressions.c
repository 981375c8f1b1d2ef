/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: replay of the fuzzers' findings and seeds (docs/fuzzing.md).
 *
 * Every file under tests/fuzz-regressions/scenario/ is a scenario that once
 * crashed or misbehaved in fuzz/fuzz_scenario.c, every file under
 * tests/fuzz-regressions/units/ an input of fuzz/fuzz_units.c ("TEXT" or
 * "TEXT\nUNIT"). Each goes through the fuzz target itself (compiled here
 * without libFuzzer: a broken contract aborts this test, and the ASan build
 * of `make test-asan` adds the sanitizers), and each scenario also through
 * the normal file reader, which must fail with a message naming the file
 * (and, when the file's first line is "# expect: ITS_...", that status).
 * The seed corpus (fuzz/seeds/, examples/) is replayed too, so the targets
 * stay buildable and clean without clang. */
#include "its_test.h"
#include "run/run.h"
#include "itsim/itsim.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The two fuzz targets, under their own names. */
#define LLVMFuzzerTestOneInput fuzz_units_one
#include "../fuzz/fuzz_units.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_scenario_one
#include "../fuzz/fuzz_scenario.c"
#undef LLVMFuzzerTestOneInput

typedef int (*target_fn)(const uint8_t *data, size_t size);

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Whole file (may hold NUL bytes): caller frees; *len its size. */
static char *slurp_bytes(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    if (!fp)
        return NULL;
    do {
        if (n == cap) {
            char *nb = realloc(buf, cap = cap * 2 + 4096);
            if (!nb) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
    } while (got > 0);
    fclose(fp);
    *len = n;
    return buf;
}

/* The normal reader on a regression scenario: a clean error naming it. */
static void check_scenario_file(const char *path, const char *text, size_t len)
{
    its_scenario *sc = NULL;
    its_status st;
    const char *msg;
    char want[64] = "";

    if (len > 10 && strncmp(text, "# expect: ", 10) == 0)
        sscanf(text + 10, "%63[A-Z_]", want);
    its_scenario_create(&sc, NULL, 0);
    st = its_scenario_load_file(sc, path);
    if (st == ITS_OK)
        st = its__scenario_resolve(sc);
    msg = its_scenario_errmsg(sc);
    its_test_true(st != ITS_OK && strncmp(msg, path, strlen(path)) == 0 &&
                  msg[strlen(path)] == ':',
                  "%s: clean error naming the file (%s: %s)", path, its_status_name(st), msg);
    if (want[0])
        its_test_true(strcmp(its_status_name(st), want) == 0, "%s: status %s (want %s)",
                      path, its_status_name(st), want);
    its_scenario_free(sc);
}

/* Every regular file of dir through target; scenarios also through the
 * reader. Returns the number of files. */
static size_t replay(const char *dir, target_fn target, int is_regression_scenario)
{
    struct dirent **names = NULL;
    int i, n = scandir(dir, &names, NULL, by_name);
    size_t count = 0;
    for (i = 0; i < n; i++) {
        char path[4096];
        char *data;
        size_t len = 0;
        struct stat stb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (names[i]->d_name[0] == '.' || strcmp(names[i]->d_name, "README.md") == 0 ||
            stat(path, &stb) != 0 || !S_ISREG(stb.st_mode)) {
            free(names[i]);
            continue;
        }
        free(names[i]);
        data = slurp_bytes(path, &len);
        if (!its_test_true(data != NULL, "%s: readable", path))
            continue;
        target((const uint8_t *)data, len); /* aborts on a broken contract */
        if (is_regression_scenario)
            check_scenario_file(path, data, len);
        free(data);
        count++;
    }
    free(names);
    return count;
}

int main(void)
{
    const char *src = ITS_SOURCE_DIR;
    char dir[4096];
    size_t n;

    snprintf(dir, sizeof dir, "%s/tests/fuzz-regressions/scenario", src);
    n = replay(dir, fuzz_scenario_one, 1);
    printf("%zu scenario regressions replayed\n", n);
    snprintf(dir, sizeof dir, "%s/tests/fuzz-regressions/units", src);
    n = replay(dir, fuzz_units_one, 0);
    printf("%zu unit regressions replayed\n", n);

    snprintf(dir, sizeof dir, "%s/fuzz/seeds/scenario", src);
    n = replay(dir, fuzz_scenario_one, 0);
    its_test_true(n > 50, "%zu scenario seeds replayed through fuzz_scenario", n);
    snprintf(dir, sizeof dir, "%s/examples", src);
    n = replay(dir, fuzz_scenario_one, 0);
    snprintf(dir, sizeof dir, "%s/examples/regimens", src);
    n += replay(dir, fuzz_scenario_one, 0);
    its_test_true(n >= 10, "%zu examples replayed through fuzz_scenario", n);
    snprintf(dir, sizeof dir, "%s/fuzz/seeds/units", src);
    n = replay(dir, fuzz_units_one, 0);
    its_test_true(n > 50, "%zu unit seeds replayed through fuzz_units", n);
    return its_test_done();
}
