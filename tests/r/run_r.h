/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: running R from the comparisons in tests/r (header-only). */
#ifndef ITS_TESTS_RUN_R_H
#define ITS_TESTS_RUN_R_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv (no shell); its exit status, 127 when it cannot be started. */
static int run(char *const argv[])
{
    int st;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* R's value of key (NA and NaN as NaN); 0 when the key is missing. */
static inline int r_value(const char *path, const char *key, double *v)
{
    FILE *fp = fopen(path, "r");
    char k[96], val[64];
    int found = 0;
    if (fp == NULL)
        return 0;
    while (!found && fscanf(fp, "%95s %63s", k, val) == 2)
        if (strcmp(k, key) == 0) {
            *v = strcmp(val, "NA") == 0 ? (double)NAN : strtod(val, NULL);
            found = 1;
        }
    fclose(fp);
    return found;
}

#endif
