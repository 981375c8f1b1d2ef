/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the parsed document of a scenario, a tree of scalars, sequences
 * and mappings with their positions (src/scenario/scenario.h). The YAML
 * adapter (src/io/yaml_adapter.c) builds it from libyaml's parser events;
 * the reader (read.c) walks it by node id.
 *
 * Building is linear in the number of events: children wait in one pending
 * stack until their collection closes, and anchors live in a hash table. */
#define ITS__SCENARIO_LAYER
#include "scenario/scenario.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

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

/* Work space of one build: open collections, children waiting for their
 * collection to close, anchors. */
struct its__ybuild {
    its__ydoc *d;
    int open[ITS__YAML_MAX_DEPTH];   /* node ids of the open collections */
    size_t first[ITS__YAML_MAX_DEPTH]; /* their first child in pending */
    int depth;
    int *pending;
    size_t n_pending, cap_pending;
    anchor *anchors;                 /* open addressing, power-of-two size */
    size_t n_anchors, cap_anchors;
};

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
    q = its__realloc(p, n * sz);
    if (q)
        *cap = n;
    return q;
}

/* GROW(ptr, cap, want): 0 on success, -1 out of memory. */
#define GROW(ptr, cap, want)                                                   \
    ((want) <= (cap) ? 0                                                       \
     : ((tmp_ = grow((ptr), &(cap), (want), sizeof *(ptr))) != NULL) ? ((ptr) = tmp_, 0) \
                                                                    : -1)

/* Copy s[0..len) and a NUL into the text store; its offset in *off. */
static int store_text(its__ydoc *d, const char *s, size_t len, size_t *off)
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
static anchor *anchor_slot(const its__ybuild *b, const char *name)
{
    size_t mask = b->cap_anchors - 1, i = hash_name(name) & mask;
    while (b->anchors[i].node != 0 && strcmp(b->d->text + b->anchors[i].name, name) != 0)
        i = (i + 1) & mask;
    return &b->anchors[i];
}

/* Define (or redefine: an alias refers to the latest) anchor name. */
static int anchor_define(its__ybuild *b, const char *name, int node)
{
    anchor *slot;
    size_t off;
    if (2 * (b->n_anchors + 1) > b->cap_anchors) {
        anchor *old = b->anchors;
        size_t i, n = b->cap_anchors;
        size_t ncap = n ? 2 * n : 16;
        b->anchors = its__calloc(ncap, sizeof *b->anchors);
        if (!b->anchors) {
            b->anchors = old;
            return -1;
        }
        b->cap_anchors = ncap;
        for (i = 0; i < n; i++)
            if (old[i].node != 0)
                *anchor_slot(b, b->d->text + old[i].name) = old[i];
        its__free(old);
    }
    if (store_text(b->d, name, strlen(name), &off) != 0)
        return -1;
    slot = anchor_slot(b, b->d->text + off);
    if (slot->node == 0)
        b->n_anchors++;
    slot->name = off;
    slot->node = node;
    return 0;
}

/* A new node at line:col; its id or -1. */
static int add_node(its__ybuild *b, its__ykind kind, int line, int col)
{
    its__ydoc *d = b->d;
    ynode *n;
    void *tmp_;
    if (d->n_nodes >= ITS__YAML_MAX_NODES || GROW(d->nodes, d->cap_nodes, d->n_nodes + 1) != 0)
        return -1;
    n = &d->nodes[d->n_nodes++];
    memset(n, 0, sizeof *n);
    n->kind = (unsigned char)kind;
    n->line = line;
    n->col = col;
    return (int)d->n_nodes;
}

/* Node id as the next child of the open collection (if any). */
static int attach(its__ybuild *b, int id)
{
    void *tmp_;
    if (b->depth == 0)
        return 0;
    if (GROW(b->pending, b->cap_pending, b->n_pending + 1) != 0)
        return -1;
    b->pending[b->n_pending++] = id;
    return 0;
}

its__ybuild *its__ybuild_create(void)
{
    its__ybuild *b = its__calloc(1, sizeof *b);
    if (b && !(b->d = its__calloc(1, sizeof *b->d))) {
        its__free(b);
        b = NULL;
    }
    return b;
}

its__ybstat its__ybuild_scalar(its__ybuild *b, const char *s, size_t len, int plain,
                               int line, int col, const char *anchor_name)
{
    its__ydoc *d = b->d;
    int id = add_node(b, ITS__Y_SCALAR, line, col);
    if (id < 0)
        return ITS__YB_NOMEM;
    d->nodes[id - 1].plain = plain != 0;
    d->nodes[id - 1].done = 1;
    d->nodes[id - 1].b = len;
    if (store_text(d, s, len, &d->nodes[id - 1].a) != 0)
        return ITS__YB_NOMEM;
    if (attach(b, id) != 0 || (anchor_name && anchor_define(b, anchor_name, id) != 0))
        return ITS__YB_NOMEM;
    return ITS__YB_OK;
}

its__ybstat its__ybuild_open(its__ybuild *b, its__ykind kind, int line, int col,
                             const char *anchor_name, char *msg, size_t msglen)
{
    int id;
    if (b->depth >= ITS__YAML_MAX_DEPTH) {
        its__fmt(msg, msglen, "nesting deeper than %d levels of lists and mappings",
                 ITS__YAML_MAX_DEPTH);
        return ITS__YB_ERROR;
    }
    id = add_node(b, kind, line, col);
    if (id < 0 || attach(b, id) != 0)
        return ITS__YB_NOMEM;
    b->open[b->depth] = id;
    b->first[b->depth] = b->n_pending;
    b->depth++;
    if (anchor_name && anchor_define(b, anchor_name, id) != 0)
        return ITS__YB_NOMEM;
    return ITS__YB_OK;
}

its__ybstat its__ybuild_close(its__ybuild *b)
{
    its__ydoc *d = b->d;
    size_t first, count;
    ynode *n;
    void *tmp_;
    if (b->depth == 0)
        return ITS__YB_OK; /* not produced by a parser */
    b->depth--;
    first = b->first[b->depth];
    count = b->n_pending - first;
    n = &d->nodes[b->open[b->depth] - 1];
    if (GROW(d->kids, d->cap_kids, d->n_kids + count) != 0)
        return ITS__YB_NOMEM;
    if (count)
        memcpy(d->kids + d->n_kids, b->pending + first, count * sizeof *d->kids);
    n->a = d->n_kids;
    n->b = n->kind == ITS__Y_MAPPING ? count / 2 : count;
    n->done = 1;
    d->n_kids += count;
    b->n_pending = first;
    return ITS__YB_OK;
}

its__ybstat its__ybuild_alias(its__ybuild *b, const char *anchor_name, char *msg,
                              size_t msglen)
{
    const anchor *slot = b->cap_anchors ? anchor_slot(b, anchor_name) : NULL;
    if (!slot || slot->node == 0) {
        its__fmt(msg, msglen, "undefined alias '*%.64s'", anchor_name);
        return ITS__YB_ERROR;
    }
    if (!b->d->nodes[slot->node - 1].done) {
        its__fmt(msg, msglen, "alias '*%.64s' refers to a node that contains it", anchor_name);
        return ITS__YB_ERROR;
    }
    if (b->depth == 0) /* the whole document is an alias: impossible */
        return ITS__YB_OK;
    return attach(b, slot->node) == 0 ? ITS__YB_OK : ITS__YB_NOMEM;
}

void its__ybuild_free(its__ybuild *b)
{
    if (!b)
        return;
    its__ydoc_free(b->d);
    its__free(b->pending);
    its__free(b->anchors);
    its__free(b);
}

its__ydoc *its__ybuild_finish(its__ybuild *b)
{
    its__ydoc *d = b->d;
    b->d = NULL;
    its__ybuild_free(b);
    return d;
}

void its__ydoc_free(its__ydoc *doc)
{
    if (!doc)
        return;
    its__free(doc->nodes);
    its__free(doc->kids);
    its__free(doc->text);
    its__free(doc);
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

int its__ynode_get(const its__ydoc *doc, int node, const char *name)
{
    size_t i;
    int k, v;
    if (!node || its__ynode_kind(doc, node) != ITS__Y_MAPPING)
        return 0;
    for (i = 0; i < its__ynode_size(doc, node); i++) {
        const char *s;
        its__ynode_pair(doc, node, i, &k, &v);
        if ((s = its__ynode_scalar(doc, k, NULL)) != NULL && strcmp(s, name) == 0)
            return v;
    }
    return 0;
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
