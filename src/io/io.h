/* itsim internal: the io layer's private header (src/io): what the
 * writers share (run files, figure scripts, atomic output directories). */
#ifndef ITS_IO_IO_H
#define ITS_IO_IO_H

#include "run/run.h"
#include "itsim/io.h"

/* clinical_out.c: summary section and CSV writers. */
#include <stdio.h>
void its__clin_print(const its_result *res, FILE *fp);
void its__write_assessments(const its_result *res, FILE *fp);
void its__write_adverse(const its_result *res, FILE *fp);
void its__write_monitor(const its_result *res, FILE *fp);
void its__write_doses(const its_result *res, FILE *fp);

/* output.c: every file of a run into dir with names prefixed; a
 * directory written atomically (temporary sibling, renamed when complete)
 * by a fill callback. Errors go to err (ITS__ERRLEN bytes). */
#include <sys/types.h>
typedef struct its__figs {
    its_output_opts *opts;           /* the caller's, or def */
    its_output_opts def;             /* defaults when the caller gave none */
    char (*names)[128];              /* scripts written */
    size_t n, cap;
} its__figs;
/* Set up figs for one write with room for cap scripts (o NULL: defaults;
 * o->note is cleared); ITS_ENOMEM. its__figs_end frees it. */
its_status its__figs_begin(its__figs *figs, its_output_opts *o, size_t cap);
void its__figs_end(its__figs *figs);
its_status its__write_run_files(const its_result *res, const char *tmp, const char *prefix,
                                mode_t *fmode, its__figs *figs, char *err);
/* Render the scripts in figs (if asked) and fill its options' note. */
void its__render_figs(const char *tmp, its__figs *figs);
/* Non-zero once the options' cancel flag is set (o may be NULL). */
int its__cancelled(const its_output_opts *o);
/* Write dir with fill into a marked temporary sibling and rename it into
 * place (its_output_check first; stale temporaries removed); fill returns
 * ITS_ECANCELLED, or the write stops so, once o's cancel flag is set. */
typedef its_status (*its__fill_fn)(void *ctx, const char *tmp, mode_t *fmode, char *err);
its_status its__write_dir_atomic(const char *dir, const its_output_opts *o, its__fill_fn fill,
                                 void *ctx, char *err);
/* comparison.csv and summary.json of a comparison (arm files are
 * prefixed "ID."); results may be NULL for arms that did not run. */
its_status its__write_comparison_files(const its_result *const *res, const char *const *labels,
                                       const char *const *ids, size_t n, const char *tmp,
                                       char *err);

#endif
