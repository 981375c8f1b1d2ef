/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: helpers shared by the writers in src/io (io/io.h). */
#include "io/io.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void its__c_locale_enter(its__c_locale *g)
{
    g->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    g->old = g->c != (locale_t)0 ? uselocale(g->c) : (locale_t)0;
}

void its__c_locale_leave(its__c_locale *g)
{
    if (g->c != (locale_t)0) {
        uselocale(g->old);
        freelocale(g->c);
    }
}

its_status its__tmpdir_move_all(const char *tmp, const char *dir, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *e;
    its_status s = ITS_OK;
    if ((d = opendir(tmp)) == NULL) {
        its__fmt(err, errlen, "%s: %s", tmp, strerror(errno));
        return ITS_EIO;
    }
    while (s == ITS_OK && (e = readdir(d)) != NULL) {
        char from[4400], to[4400];
        if (e->d_name[0] == '.')
            continue;
        its__fmt(from, sizeof from, "%s/%s", tmp, e->d_name);
        its__fmt(to, sizeof to, "%s/%s", dir, e->d_name);
        if (rename(from, to) != 0) {
            its__fmt(err, errlen, "%s: cannot rename into place: %s", to, strerror(errno));
            s = ITS_EIO;
        }
    }
    closedir(d);
    return s;
}

void its__tmpdir_remove(const char *tmp)
{
    DIR *d = opendir(tmp);
    struct dirent *e;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[4400];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        its__fmt(path, sizeof path, "%s/%s", tmp, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(tmp);
}
