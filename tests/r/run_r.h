/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: running R from the comparisons in tests/r (header-only). */
#ifndef ITS_TESTS_RUN_R_H
#define ITS_TESTS_RUN_R_H

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

#endif
