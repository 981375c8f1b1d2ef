/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: helpers shared by the writers in src/io (io/io.h). */
#include "io/io.h"

#include <dirent.h>
#include <stdlib.h>
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

its_status its__figure_write(const char *dir, const char *stem, its__fig_fill dat,
                             its__fig_fill gp, const void *ctx, int render, char *note,
                             size_t notelen, char *err, size_t errlen)
{
    char tmp[4200], path[4400], names[1][128], msg[1024] = "";
    its_status st = ITS_OK;
    its__c_locale g;
    int rc;
    its__fmt(names[0], sizeof names[0], "%s.gp", stem);
    its__fmt(tmp, sizeof tmp, "%s/.%s.tmp.XXXXXX", dir, stem);
    if (mkdtemp(tmp) == NULL) {
        its__fmt(err, errlen, "%s: cannot create a temporary directory: %s", dir,
                 strerror(errno));
        return ITS_EIO;
    }
    its__c_locale_enter(&g);
    for (int f = 0; f < 2 && st == ITS_OK; f++) {
        FILE *fp;
        its__fmt(path, sizeof path, "%s/%s.%s", tmp, stem, f ? "gp" : "dat");
        if ((fp = fopen(path, "w")) == NULL) {
            its__fmt(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            st = ITS_EIO;
            break;
        }
        (f ? gp : dat)(ctx, fp);
        if ((ferror(fp) | fclose(fp)) != 0) {
            its__fmt(err, errlen, "%s: write failed", path);
            st = ITS_EIO;
        }
    }
    its__c_locale_leave(&g);
    rc = st == ITS_OK && render ? its__gnuplot_render(tmp, names, 1, NULL, NULL, msg, sizeof msg)
                                : 0;
    if (rc == 4)
        st = ITS_ENOMEM;
    else if (rc == 1)
        its__fmt(note, notelen, "gnuplot not found: %s written; install gnuplot-nox and run "
                 "`gnuplot %s` in %s", names[0], names[0], dir);
    else if (rc != 0)
        its__fmt(note, notelen, "%s not rendered: %s", names[0], msg);
    if (st == ITS_OK)
        st = its__tmpdir_move_all(tmp, dir, err, errlen);
    its__tmpdir_remove(tmp);
    return st;
}
