/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: runs gnuplot on figure scripts (io/io.h). The only code that
 * starts an external program: fork, chdir into the output directory in the
 * child, execvp; no shell is involved, so any directory name is safe. */
#include "io/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the child reports through the close-on-exec pipe when it fails
 * before gnuplot runs. */
enum { STAGE_DEVNULL = 1, STAGE_CHDIR = 2, STAGE_EXEC = 3 };

static void child_fail(int fd, int stage)
{
    int rep[2];
    ssize_t w;
    rep[0] = stage;
    rep[1] = errno;
    w = write(fd, rep, sizeof rep);
    (void)w;
    _exit(127);
}

/* A line of gnuplot's error output: the first `"file" line N: ...` that is
 * not a warning, else the first line mentioning an error, else the last
 * non-empty line. */
static void first_error(const char *text, char *out, size_t n)
{
    const char *p = text, *err_line = NULL, *err_word = NULL, *last = NULL;
    size_t len = 0, err_len = 0, word_len = 0, last_len = 0;
    while (*p) {
        const char *e = strchr(p, '\n');
        const char *ln;
        len = e ? (size_t)(e - p) : strlen(p);
        ln = p;
        if (len > 0) {
            char line[512];
            const size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
            memcpy(line, ln, k);
            line[k] = '\0';
            if (!strstr(line, "warning")) {
                const char *l = strstr(line, " line ");
                if (!err_line && l && strchr(l, ':')) {
                    err_line = ln;
                    err_len = len;
                }
                if (!err_word && (strstr(line, "rror") || strstr(line, "annot") ||
                                  strstr(line, "undefined"))) {
                    err_word = ln;
                    word_len = len;
                }
            }
            if (strspn(line, " \t^") < k) {
                last = ln;
                last_len = len;
            }
        }
        p = e ? e + 1 : p + len;
    }
    if (err_line)
        its__fmt(out, n, "%.*s", (int)err_len, err_line);
    else if (err_word)
        its__fmt(out, n, "%.*s", (int)word_len, err_word);
    else if (last)
        its__fmt(out, n, "%.*s", (int)last_len, last);
    else if (n)
        out[0] = '\0';
}

static int render_one(const char *dir, const char *script, const char *program, char *msg,
                      size_t msglen)
{
    char prog[4096], name[136], eb[128], text[16384], line[512];
    char *argv[3];
    int errp[2], stp[2], rep[2], status = 0;
    size_t used = 0;
    ssize_t got;
    pid_t pid;

    /* "./NAME": gnuplot never takes the script for an option (a name
     * starting with '-') */
    if (snprintf(prog, sizeof prog, "%s", program) >= (int)sizeof prog ||
        snprintf(name, sizeof name, "./%s", script) >= (int)sizeof name) {
        its__fmt(msg, msglen, "%s: name too long", script);
        return 2;
    }
    argv[0] = prog;
    argv[1] = name;
    argv[2] = NULL;
    if (pipe(errp) != 0) {
        its__errno_text(errno, eb, sizeof eb);
        its__fmt(msg, msglen, "%s: cannot create a pipe: %s", script, eb);
        return 2;
    }
    if (pipe(stp) != 0) {
        its__errno_text(errno, eb, sizeof eb);
        close(errp[0]);
        close(errp[1]);
        its__fmt(msg, msglen, "%s: cannot create a pipe: %s", script, eb);
        return 2;
    }
    fcntl(stp[1], F_SETFD, FD_CLOEXEC);
    fcntl(errp[0], F_SETFD, FD_CLOEXEC);
    fcntl(errp[1], F_SETFD, FD_CLOEXEC); /* dup2 onto stderr clears it there */
    fcntl(stp[0], F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid < 0) {
        its__errno_text(errno, eb, sizeof eb);
        close(errp[0]);
        close(errp[1]);
        close(stp[0]);
        close(stp[1]);
        its__fmt(msg, msglen, "%s: cannot start gnuplot: fork failed: %s", script, eb);
        return 2;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd < 0)
            child_fail(stp[1], STAGE_DEVNULL);
        if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(errp[1], 2) < 0)
            child_fail(stp[1], STAGE_DEVNULL);
        if (fd > 2)
            close(fd);
        close(errp[1]);
        if (chdir(dir) != 0)
            child_fail(stp[1], STAGE_CHDIR);
        execvp(prog, argv);
        child_fail(stp[1], STAGE_EXEC);
    }
    close(errp[1]);
    close(stp[1]);
    for (;;) {
        char buf[4096];
        got = read(errp[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (used < sizeof text - 1) {
            size_t k = (size_t)got;
            if (k > sizeof text - 1 - used)
                k = sizeof text - 1 - used;
            memcpy(text + used, buf, k);
            used += k;
        }
    }
    text[used] = '\0';
    close(errp[0]);
    do
        got = read(stp[0], rep, sizeof rep);
    while (got < 0 && errno == EINTR);
    close(stp[0]);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            its__errno_text(errno, eb, sizeof eb);
            its__fmt(msg, msglen, "%s: waitpid failed: %s", script, eb);
            return 2;
        }
    }
    if (got == (ssize_t)sizeof rep) {
        its__errno_text(rep[1], eb, sizeof eb);
        if (rep[0] == STAGE_EXEC) {
            its__fmt(msg, msglen, "gnuplot not found (%s: %s)", program, eb);
            return 1;
        }
        if (rep[0] == STAGE_CHDIR)
            its__fmt(msg, msglen, "%s: cannot enter %s: %s", script, dir, eb);
        else
            its__fmt(msg, msglen, "%s: cannot open /dev/null: %s", script, eb);
        return 2;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    first_error(text, line, sizeof line);
    if (WIFSIGNALED(status))
        its__fmt(msg, msglen, "%s: gnuplot killed by signal %d%s%s", script, WTERMSIG(status),
               *line ? ": " : "", line);
    else
        its__fmt(msg, msglen, "%s: gnuplot failed (exit status %d)%s%s", script,
               WIFEXITED(status) ? WEXITSTATUS(status) : -1, *line ? ": " : "", line);
    return 2;
}

int its__gnuplot_render(const char *dir, char names[][128], size_t n, const char *program,
                        const volatile sig_atomic_t *cancel, char *msg, size_t msglen)
{
    size_t i;
    if (msg && msglen)
        msg[0] = '\0';
    if (!dir || (n && !names)) {
        its__fmt(msg, msglen, "gnuplot: NULL argument");
        return 2;
    }
    char abs_prog[4096];
    if (!program || !*program)
        program = "gnuplot";
    /* the child changes directory: a relative path must not follow it */
    if (strchr(program, '/') && program[0] != '/') {
        char cwd[3000];
        if (!getcwd(cwd, sizeof cwd) ||
            snprintf(abs_prog, sizeof abs_prog, "%s/%s", cwd, program) >= (int)sizeof abs_prog) {
            its__fmt(msg, msglen, "gnuplot: cannot resolve the program path %s", program);
            return 2;
        }
        program = abs_prog;
    }
    /* Scripts are independent: with OpenMP they render side by side, one
     * gnuplot per thread (the child only calls async-signal-safe functions
     * and execvp before gnuplot runs). The first failure in script order is
     * reported. */
    {
        int *rc = its__calloc(n ? n : 1, sizeof *rc);
        char (*m)[512] = its__calloc(n ? n : 1, sizeof *m);
        long k;
        int out = 0;
        if (!rc || !m) {
            its__free(rc);
            its__free(m);
            its__fmt(msg, msglen, "gnuplot: out of memory");
            return 4;
        }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
        for (k = 0; k < (long)n; k++)
            rc[k] = cancel && *cancel ? 3 : render_one(dir, names[k], program, m[k], sizeof m[k]);
        for (i = 0; i < n; i++)
            if (rc[i] != 0) {
                out = rc[i];
                its__fmt(msg, msglen, "%s", rc[i] == 3 ? "cancelled" : m[i]);
                break;
            }
        its__free(rc);
        its__free(m);
        return out;
    }
}
