/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: loading scenarios (itsim/io.h). The io layer supplies the YAML
 * parser (yaml_adapter.c) and the file reader; reading the document,
 * arms and checks are the scenario layer's (src/scenario). */
#include "io/io.h"
#include "io/yaml_adapter.h"
#include "itsim/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES ((size_t)16 << 20)  /* larger files are refused */

/* Only regular files: a FIFO or device would block or never end. The type
 * is checked before opening, and again on what was opened (without
 * blocking) in case the name changed in between. NULL with msg set. */
static FILE *open_regular(const char *path, char *msg, size_t msglen)
{
    char ebuf[128];
    struct stat sb;
    FILE *fp;
    int fd, err;

    errno = 0;
    fd = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)
             ? -2 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        fd = -2;
    }
    if (fd == -2) {
        its__fmt(msg, msglen, "%s: not a regular file (%s); give a scenario file", path,
                 S_ISFIFO(sb.st_mode) ? "a FIFO" : S_ISDIR(sb.st_mode) ? "a directory"
                 : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "a device" : "not a file");
        return NULL;
    }
    fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!fp) {
        err = errno;
        if (fd >= 0)
            close(fd);
        its__errno_text(err, ebuf, sizeof ebuf);
        its__fmt(msg, msglen, "%s: cannot open: %s", path, ebuf);
    }
    return fp;
}

static its_status read_file(const char *path, char **out, size_t *out_len, char *msg,
                            size_t msglen)
{
    char *buf = NULL, ebuf[128];
    size_t len = 0, cap = 0;
    its_status st = ITS_OK;
    int err = 0;
    FILE *fp = open_regular(path, msg, msglen);

    *out = NULL;
    *out_len = 0;
    if (!fp)
        return ITS_EIO;
    while (st == ITS_OK) {
        size_t got;
        if (cap - len < 4096) {
            char *p;
            size_t ncap = cap ? 2 * cap : 8192;
            if (cap > MAX_FILE_BYTES) {
                its__fmt(msg, msglen, "%s: file too large (more than %zu bytes)", path,
                         MAX_FILE_BYTES);
                st = ITS_EIO;
                break;
            }
            p = its__realloc(buf, ncap);
            if (!p) {
                its__fmt(msg, msglen, "%s", "out of memory");
                st = ITS_ENOMEM;
                break;
            }
            buf = p;
            cap = ncap;
        }
        errno = 0;
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp))
                err = errno ? errno : EIO;
            break;
        }
    }
    fclose(fp);
    if (st == ITS_OK && err) {
        its__errno_text(err, ebuf, sizeof ebuf);
        its__fmt(msg, msglen, "%s: cannot read: %s", path, ebuf);
        st = ITS_EIO;
    }
    if (st != ITS_OK) {
        its__free(buf);
        return st;
    }
    *out = buf;
    *out_len = len;
    return ITS_OK;
}

static const its__loader loader = {its__ydoc_load, read_file};

its_status its_scenario_load_string(its_scenario *sc, const char *text, size_t len,
                                    const char *name)
{
    return its__scenario_load_text(sc, text, len, name, &loader);
}

its_status its_scenario_load_file(its_scenario *sc, const char *path)
{
    return its__scenario_load_path(sc, path, &loader);
}

/* The default trial's loader: its population.from path is the embedded
 * calibrated population; any other file is read as usual. */
static its_status read_default(const char *path, char **out, size_t *out_len, char *msg,
                               size_t msglen)
{
    const char *pop = its__default_population_text();
    size_t n = strlen(pop);
    if (strcmp(path, ITS__DEFAULT_POPULATION_PATH) != 0)
        return read_file(path, out, out_len, msg, msglen);
    if (!(*out = its__malloc(n + 1))) {
        its__fmt(msg, msglen, "out of memory");
        return ITS_ENOMEM;
    }
    memcpy(*out, pop, n + 1);
    *out_len = n;
    return ITS_OK;
}

static const its__loader default_loader = {its__ydoc_load, read_default};

its_status its_trial_load_default(its_trial **out, char *msg, size_t msglen)
{
    const char *text = its_trial_default_text();
    return its__trial_load_text(text, strlen(text), "<default trial>", &default_loader, out, msg,
                                msglen);
}

its_status its_trial_load_string(const char *text, size_t len, const char *name,
                                 its_trial **out, char *msg, size_t msglen)
{
    return its__trial_load_text(text, len, name, &loader, out, msg, msglen);
}

/* A whole file for a loader: msg cleared, *out (when not NULL) set to NULL,
 * ITS_EINVAL for a NULL path or out_ok 0, else the file in *buf (caller
 * frees). */
static its_status file_for(const char *path, int out_ok, char **buf, size_t *len, char *msg,
                           size_t msglen)
{
    if (msg && msglen)
        msg[0] = '\0';
    if (!path || !out_ok)
        return ITS_EINVAL;
    return read_file(path, buf, len, msg, msglen);
}

its_status its_trial_load_file(const char *path, its_trial **out, char *msg, size_t msglen)
{
    char *buf = NULL;
    size_t len = 0;
    its_status st;
    if (out)
        *out = NULL;
    if ((st = file_for(path, out != NULL, &buf, &len, msg, msglen)) != ITS_OK)
        return st;
    st = its__trial_load_text(buf, len, path, &loader, out, msg, msglen);
    its__free(buf);
    return st;
}

its_status its__io_read_file(const char *path, char **buf, size_t *len, char *msg, size_t msglen)
{
    return read_file(path, buf, len, msg, msglen);
}

its_status its_record_load_string(const char *text, size_t len, const char *name,
                                  its_record **out, char *msg, size_t msglen)
{
    return its__record_load_text(text, len, name, &loader, out, msg, msglen);
}

its_status its_record_load_file(const char *path, its_record **out, char *msg, size_t msglen)
{
    char *buf = NULL;
    size_t len = 0;
    its_status st;
    if (out)
        *out = NULL;
    if ((st = file_for(path, out != NULL, &buf, &len, msg, msglen)) != ITS_OK)
        return st;
    st = its__record_load_text(buf, len, path, &loader, out, msg, msglen);
    its__free(buf);
    return st;
}
