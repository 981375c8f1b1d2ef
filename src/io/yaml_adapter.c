/* itsim: the single libyaml adapter. Builds a YAML document from libyaml's
 * parser events (not yaml_parser_load), exposes node walking by id and
 * translates errors.
 *
 * Why events: libyaml's scanner checks every open flow level for stale
 * simple keys on each token, so its cost grows with the square of the
 * nesting depth (100,000 levels of '[' took 23 s through yaml_parser_load).
 * Reading events lets the builder stop at ITS__YAML_MAX_DEPTH, before the
 * scanner ever holds more than a bounded number of levels, so a file is
 * read in time linear in its size. The anchors of yaml_parser_load are
 * also looked up by a linear scan; here they live in a hash table. */
#include "io/yaml_adapter.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* A node: a scalar's text is text[a .. a+b), a collection's children are
 * kids[a .. a+b) (sequence items, or key, value, key, value, ...). */
typedef struct ynode {
    unsigned char kind;   /* its__ykind */
    unsigned char plain;  /* scalar written plain */
    unsigned char done;   /* collection closed (aliases may refer to it) */
    int line, col;        /* 1-based start */
    size_t a, b;
} ynode;

typedef struct anchor {
    size_t name;          /* offset of the NUL-terminated name in text */
    int node;             /* 0: empty slot */
} anchor;

struct its__ydoc {
    ynode *nodes;         /* node id k is nodes[k - 1] */
    size_t n_nodes, cap_nodes;
    int *kids;
    size_t n_kids, cap_kids;
    char *text;           /* scalar texts and anchor names, NUL-terminated */
    size_t n_text, cap_text;
};

/* Work space of one load: open collections, children waiting for their
 * collection to close, anchors. */
typedef struct builder {
    its__ydoc *d;
    int open[ITS__YAML_MAX_DEPTH];   /* node ids of the open collections */
    size_t first[ITS__YAML_MAX_DEPTH]; /* their first child in pending */
    int depth;
    int *pending;
    size_t n_pending, cap_pending;
    anchor *anchors;                 /* open addressing, power-of-two size */
    size_t n_anchors, cap_anchors;
} builder;

/* p grown (element size sz) to hold want elements: p itself when it
 * already does, NULL (p untouched) when out of memory. */
static void *grow(void *p, size_t *cap, size_t want, size_t sz)
{
    size_t n = *cap ? *cap : 64;
    void *q;
    while (n < want) {
        if (n > SIZE_MAX / 2 / sz)
            return NULL;
        n *= 2;
    }
    q = realloc(p, n * sz);
    if (q)
        *cap = n;
    return q;
}

/* GROW(ptr, cap, want): 0 on success, -1 out of memory. */
#define GROW(ptr, cap, want)                                                   \
    ((want) <= (cap) ? 0                                                       \
     : ((tmp_ = grow((ptr), &(cap), (want), sizeof *(ptr))) != NULL) ? ((ptr) = tmp_, 0) \
                                                                    : -1)

static int to_int(size_t v)
{
    return v >= (size_t)INT_MAX ? INT_MAX : (int)v;
}

/* Copy s[0..len) and a NUL into the text store; its offset in *off. */
static int store_text(its__ydoc *d, const unsigned char *s, size_t len, size_t *off)
{
    void *tmp_;
    if (len > SIZE_MAX - d->n_text - 1 || GROW(d->text, d->cap_text, d->n_text + len + 1) != 0)
        return -1;
    if (len)
        memcpy(d->text + d->n_text, s, len);
    d->text[d->n_text + len] = '\0';
    *off = d->n_text;
    d->n_text += len + 1;
    return 0;
}

static size_t hash_name(const char *s)
{
    size_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of name: where it is, or the empty slot where it belongs. */
static anchor *anchor_slot(const builder *b, const char *name)
{
    size_t mask = b->cap_anchors - 1, i = hash_name(name) & mask;
    while (b->anchors[i].node != 0 && strcmp(b->d->text + b->anchors[i].name, name) != 0)
        i = (i + 1) & mask;
    return &b->anchors[i];
}

/* Define (or redefine: an alias refers to the latest) anchor name. */
static int anchor_define(builder *b, const unsigned char *name, int node)
{
    anchor *slot;
    size_t off;
    if (2 * (b->n_anchors + 1) > b->cap_anchors) {
        anchor *old = b->anchors;
        size_t i, n = b->cap_anchors;
        size_t ncap = n ? 2 * n : 16;
        b->anchors = calloc(ncap, sizeof *b->anchors);
        if (!b->anchors) {
            b->anchors = old;
            return -1;
        }
        b->cap_anchors = ncap;
        for (i = 0; i < n; i++)
            if (old[i].node != 0)
                *anchor_slot(b, b->d->text + old[i].name) = old[i];
        free(old);
    }
    if (store_text(b->d, name, strlen((const char *)name), &off) != 0)
        return -1;
    slot = anchor_slot(b, b->d->text + off);
    if (slot->node == 0)
        b->n_anchors++;
    slot->name = off;
    slot->node = node;
    return 0;
}

/* A new node at mark, attached to the open collection; its id or -1. */
static int add_node(builder *b, its__ykind kind, yaml_mark_t mark)
{
    its__ydoc *d = b->d;
    ynode *n;
    void *tmp_;
    if (d->n_nodes >= ITS__YAML_MAX_NODES || GROW(d->nodes, d->cap_nodes, d->n_nodes + 1) != 0)
        return -1;
    n = &d->nodes[d->n_nodes++];
    memset(n, 0, sizeof *n);
    n->kind = (unsigned char)kind;
    n->line = to_int(mark.line) + (mark.line < (size_t)INT_MAX);
    n->col = to_int(mark.column) + (mark.column < (size_t)INT_MAX);
    return (int)d->n_nodes;
}

/* Node id as the next child of the open collection (if any). */
static int attach(builder *b, int id)
{
    void *tmp_;
    if (b->depth == 0)
        return 0;
    if (GROW(b->pending, b->cap_pending, b->n_pending + 1) != 0)
        return -1;
    b->pending[b->n_pending++] = id;
    return 0;
}

typedef enum { B_OK, B_NOMEM, B_ERROR } bstat;

/* Apply one event. On B_ERROR msg holds the problem. */
static bstat build_event(builder *b, const yaml_event_t *ev, char *msg, size_t msglen)
{
    its__ydoc *d = b->d;
    const unsigned char *anchor_name = NULL;
    int id;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if ((id = add_node(b, ITS__Y_SCALAR, ev->start_mark)) < 0)
            return B_NOMEM;
        d->nodes[id - 1].plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
                                 ev->data.scalar.style == YAML_ANY_SCALAR_STYLE;
        d->nodes[id - 1].done = 1;
        d->nodes[id - 1].b = ev->data.scalar.length;
        if (store_text(d, ev->data.scalar.value, ev->data.scalar.length,
                       &d->nodes[id - 1].a) != 0)
            return B_NOMEM;
        anchor_name = ev->data.scalar.anchor;
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (b->depth >= ITS__YAML_MAX_DEPTH) {
            snprintf(msg, msglen, "nesting deeper than %d levels of lists and mappings",
                     ITS__YAML_MAX_DEPTH);
            return B_ERROR;
        }
        id = add_node(b, ev->type == YAML_SEQUENCE_START_EVENT ? ITS__Y_SEQUENCE
                                                             : ITS__Y_MAPPING,
                      ev->start_mark);
        if (id < 0 || attach(b, id) != 0)
            return B_NOMEM;
        b->open[b->depth] = id;
        b->first[b->depth] = b->n_pending;
        b->depth++;
        anchor_name = ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
                                                            : ev->data.mapping_start.anchor;
        if (anchor_name && anchor_define(b, anchor_name, id) != 0)
            return B_NOMEM;
        return B_OK;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        size_t first, count;
        ynode *n;
        void *tmp_;
        if (b->depth == 0)
            return B_OK; /* not produced by libyaml */
        b->depth--;
        first = b->first[b->depth];
        count = b->n_pending - first;
        n = &d->nodes[b->open[b->depth] - 1];
        if (GROW(d->kids, d->cap_kids, d->n_kids + count) != 0)
            return B_NOMEM;
        if (count)
            memcpy(d->kids + d->n_kids, b->pending + first, count * sizeof *d->kids);
        n->a = d->n_kids;
        n->b = n->kind == ITS__Y_MAPPING ? count / 2 : count;
        n->done = 1;
        d->n_kids += count;
        b->n_pending = first;
        return B_OK;
    }
    case YAML_ALIAS_EVENT: {
        const anchor *slot = b->cap_anchors
            ? anchor_slot(b, (const char *)ev->data.alias.anchor) : NULL;
        if (!slot || slot->node == 0) {
            snprintf(msg, msglen, "undefined alias '*%.64s'",
                     (const char *)ev->data.alias.anchor);
            return B_ERROR;
        }
        if (!d->nodes[slot->node - 1].done) {
            snprintf(msg, msglen, "alias '*%.64s' refers to a node that contains it",
                     (const char *)ev->data.alias.anchor);
            return B_ERROR;
        }
        if (b->depth == 0) /* the whole document is an alias: impossible */
            return B_OK;
        return attach(b, slot->node) == 0 ? B_OK : B_NOMEM;
    }
    default:
        return B_OK;
    }
    /* a scalar */
    if (attach(b, id) != 0 || (anchor_name && anchor_define(b, anchor_name, id) != 0))
        return B_NOMEM;
    return B_OK;
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
        snprintf(msg, msglen, "out of memory while reading YAML");
        *line = 0;
        *col = 0;
        return ITS_ENOMEM;
    }
    if (p->error == YAML_READER_ERROR) {
        offset_position(text, len, p->problem_offset, line, col);
        if (p->problem_value >= 0)
            snprintf(msg, msglen, "not a valid UTF-8 text file: %s (byte 0x%02x at offset %zu)",
                     problem, (unsigned)p->problem_value & 0xffu,
                     p->problem_offset);
        else
            snprintf(msg, msglen, "not a valid UTF-8 text file: %s (at offset %zu)",
                     problem, p->problem_offset);
        return ITS_EPARSE;
    }
    *line = (int)p->problem_mark.line + 1;
    *col = (int)p->problem_mark.column + 1;
    if (p->context)
        snprintf(msg, msglen, "YAML syntax error: %s (%s at line %d, column %d)",
                 problem, p->context, (int)p->context_mark.line + 1,
                 (int)p->context_mark.column + 1);
    else
        snprintf(msg, msglen, "YAML syntax error: %s", problem);
    return ITS_EPARSE;
}

static its_status nomem(char *msg, size_t msglen, int *line, int *col)
{
    snprintf(msg, msglen, "out of memory (or more than %d values) while reading YAML",
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
    builder b;
    its__ydoc *d;
    its_status st = ITS_OK;
    int docs = 0, done = 0;

    *out = NULL;
    *line = 0;
    *col = 0;
    if (msglen)
        msg[0] = '\0';
    d = calloc(1, sizeof *d);
    if (!d)
        return nomem(msg, msglen, line, col);
    memset(&b, 0, sizeof b);
    b.d = d;
    if (!yaml_parser_initialize(&parser)) {
        free(d);
        return nomem(msg, msglen, line, col);
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done && st == ITS_OK) {
        bstat bs = B_OK;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = parser_error(&parser, text, len, msg, msglen, line, col);
            break;
        }
        if (ev.type == YAML_STREAM_END_EVENT) {
            done = 1;
        } else if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            /* Only one document per file. */
            snprintf(msg, msglen, "more than one YAML document in the file");
            bs = B_ERROR;
        } else {
            bs = build_event(&b, &ev, msg, msglen);
        }
        if (bs == B_NOMEM) {
            st = nomem(msg, msglen, line, col);
        } else if (bs == B_ERROR) {
            *line = to_int(ev.start_mark.line) + (ev.start_mark.line < (size_t)INT_MAX);
            *col = to_int(ev.start_mark.column) + (ev.start_mark.column < (size_t)INT_MAX);
            st = ITS_EPARSE;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    free(b.pending);
    free(b.anchors);
    if (st != ITS_OK) {
        its__ydoc_free(d);
        return st;
    }
    *out = d;
    return ITS_OK;
}

void its__ydoc_free(its__ydoc *doc)
{
    if (!doc)
        return;
    free(doc->nodes);
    free(doc->kids);
    free(doc->text);
    free(doc);
}

/* The node with this id, or NULL. */
static const ynode *node_at(const its__ydoc *doc, int node)
{
    if (!doc || node <= 0 || (size_t)node > doc->n_nodes)
        return NULL;
    return &doc->nodes[node - 1];
}

int its__ydoc_root(const its__ydoc *doc)
{
    return doc && doc->n_nodes > 0 ? 1 : 0; /* the first node is the root */
}

its__ykind its__ynode_kind(const its__ydoc *doc, int node)
{
    const ynode *n = node_at(doc, node);
    return n ? (its__ykind)n->kind : ITS__Y_NONE;
}

void its__ynode_pos(const its__ydoc *doc, int node, int *line, int *col)
{
    const ynode *n = node_at(doc, node);
    *line = n ? n->line : 0;
    *col = n ? n->col : 0;
}

const char *its__ynode_scalar(const its__ydoc *doc, int node, size_t *len)
{
    const ynode *n = node_at(doc, node);
    if (!n || n->kind != ITS__Y_SCALAR) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = n->b;
    return doc->text + n->a;
}

int its__ynode_plain(const its__ydoc *doc, int node)
{
    const ynode *n = node_at(doc, node);
    return n && n->kind == ITS__Y_SCALAR && n->plain;
}

size_t its__ynode_size(const its__ydoc *doc, int node)
{
    const ynode *n = node_at(doc, node);
    return n && n->kind != ITS__Y_SCALAR ? n->b : 0;
}

int its__ynode_item(const its__ydoc *doc, int node, size_t i)
{
    const ynode *n = node_at(doc, node);
    if (!n || n->kind != ITS__Y_SEQUENCE || i >= n->b)
        return 0;
    return doc->kids[n->a + i];
}

void its__ynode_pair(const its__ydoc *doc, int node, size_t i, int *key,
                     int *value)
{
    const ynode *n = node_at(doc, node);
    *key = 0;
    *value = 0;
    if (!n || n->kind != ITS__Y_MAPPING || i >= n->b)
        return;
    *key = doc->kids[n->a + 2 * i];
    *value = doc->kids[n->a + 2 * i + 1];
}

const char *its__yaml_version_string(void)
{
    return yaml_get_version_string();
}

/* its_yaml_version (itsim/io.h): the libyaml in use, at run time. */
#include "itsim/io.h"

const char *its_yaml_version(void)
{
    return its__yaml_version_string();
}
