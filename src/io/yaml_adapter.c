/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the single libyaml adapter. Builds the scenario layer's document
 * tree (src/scenario/doc.c) from libyaml's parser events (not
 * yaml_parser_load) and translates errors.
 *
 * Why events: libyaml's scanner checks every open flow level for stale
 * simple keys on each token, so its cost grows with the square of the
 * nesting depth (100,000 levels of '[' took 23 s through yaml_parser_load).
 * Reading events lets the builder stop at ITS__YAML_MAX_DEPTH, before the
 * scanner ever holds more than a bounded number of levels, so a file is
 * read in time linear in its size. The anchors of yaml_parser_load are
 * also looked up by a linear scan; the tree keeps them in a hash table. */
#include "io/yaml_adapter.h"
#include "itsim/io.h"

#include <limits.h>
#include <yaml.h>

static int to_int(size_t v)
{
    return v >= (size_t)INT_MAX ? INT_MAX : (int)v;
}

/* 1-based line and column of a libyaml mark (saturated). */
static int mark_line(yaml_mark_t m)
{
    return to_int(m.line) + (m.line < (size_t)INT_MAX);
}

static int mark_col(yaml_mark_t m)
{
    return to_int(m.column) + (m.column < (size_t)INT_MAX);
}

/* Apply one event to the document being built. */
static its__ybstat build_event(its__ybuild *b, const yaml_event_t *ev, char *msg, size_t msglen)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return its__ybuild_scalar(b, (const char *)ev->data.scalar.value, ev->data.scalar.length,
                                  ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
                                      ev->data.scalar.style == YAML_ANY_SCALAR_STYLE,
                                  mark_line(ev->start_mark), mark_col(ev->start_mark),
                                  (const char *)ev->data.scalar.anchor);
    case YAML_SEQUENCE_START_EVENT:
        return its__ybuild_open(b, ITS__Y_SEQUENCE, mark_line(ev->start_mark),
                                mark_col(ev->start_mark),
                                (const char *)ev->data.sequence_start.anchor, msg, msglen);
    case YAML_MAPPING_START_EVENT:
        return its__ybuild_open(b, ITS__Y_MAPPING, mark_line(ev->start_mark),
                                mark_col(ev->start_mark),
                                (const char *)ev->data.mapping_start.anchor, msg, msglen);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return its__ybuild_close(b);
    case YAML_ALIAS_EVENT:
        return its__ybuild_alias(b, (const char *)ev->data.alias.anchor, msg, msglen);
    default:
        return ITS__YB_OK;
    }
}

/* Line/column (1-based) of a byte offset in text: used for reader errors,
 * which only carry an offset. */
static void offset_position(const char *text, size_t len, size_t offset,
                            int *line, int *col)
{
    size_t i;
    int l = 1, c = 1;
    if (offset > len)
        offset = len;
    for (i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static its_status parser_error(const yaml_parser_t *p, const char *text,
                               size_t len, char *msg, size_t msglen,
                               int *line, int *col)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_MEMORY_ERROR) {
        its__fmt(msg, msglen, "out of memory while reading YAML");
        *line = 0;
        *col = 0;
        return ITS_ENOMEM;
    }
    if (p->error == YAML_READER_ERROR) {
        offset_position(text, len, p->problem_offset, line, col);
        if (p->problem_value >= 0)
            its__fmt(msg, msglen, "not a valid UTF-8 text file: %s (byte 0x%02x at offset %zu)",
                     problem, (unsigned)p->problem_value & 0xffu,
                     p->problem_offset);
        else
            its__fmt(msg, msglen, "not a valid UTF-8 text file: %s (at offset %zu)",
                     problem, p->problem_offset);
        return ITS_EPARSE;
    }
    *line = (int)p->problem_mark.line + 1;
    *col = (int)p->problem_mark.column + 1;
    if (p->context)
        its__fmt(msg, msglen, "YAML syntax error: %s (%s at line %d, column %d)",
                 problem, p->context, (int)p->context_mark.line + 1,
                 (int)p->context_mark.column + 1);
    else
        its__fmt(msg, msglen, "YAML syntax error: %s", problem);
    return ITS_EPARSE;
}

static its_status nomem(char *msg, size_t msglen, int *line, int *col)
{
    its__fmt(msg, msglen, "out of memory (or more than %d values) while reading YAML",
             ITS__YAML_MAX_NODES);
    *line = 0;
    *col = 0;
    return ITS_ENOMEM;
}

its_status its__ydoc_load(const char *text, size_t len, its__ydoc **out,
                          char *msg, size_t msglen, int *line, int *col)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    its__ybuild *b;
    its_status st = ITS_OK;
    int docs = 0, done = 0;

    *out = NULL;
    *line = 0;
    *col = 0;
    its__fmt(msg, msglen, "%s", "");
    b = its__ybuild_create();
    if (!b)
        return nomem(msg, msglen, line, col);
    if (!yaml_parser_initialize(&parser)) {
        its__ybuild_free(b);
        return nomem(msg, msglen, line, col);
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done && st == ITS_OK) {
        its__ybstat bs = ITS__YB_OK;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = parser_error(&parser, text, len, msg, msglen, line, col);
            break;
        }
        if (ev.type == YAML_STREAM_END_EVENT) {
            done = 1;
        } else if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            /* Only one document per file. */
            its__fmt(msg, msglen, "more than one YAML document in the file");
            bs = ITS__YB_ERROR;
        } else {
            bs = build_event(b, &ev, msg, msglen);
        }
        if (bs == ITS__YB_NOMEM) {
            st = nomem(msg, msglen, line, col);
        } else if (bs == ITS__YB_ERROR) {
            *line = mark_line(ev.start_mark);
            *col = mark_col(ev.start_mark);
            st = ITS_EPARSE;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (st != ITS_OK) {
        its__ybuild_free(b);
        return st;
    }
    *out = its__ybuild_finish(b);
    return ITS_OK;
}

/* its_yaml_version (itsim/io.h): the libyaml in use, at run time. */
const char *its_yaml_version(void)
{
    return yaml_get_version_string();
}
