/* itsim: the single libyaml adapter. Loads a YAML document with
 * yaml_parser_load, exposes node walking by id, translates errors. */
#include "io/yaml_adapter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct its__ydoc {
    yaml_document_t doc;
};

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

its_status its__ydoc_load(const char *text, size_t len, its__ydoc **out,
                          char *msg, size_t msglen, int *line, int *col)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    its__ydoc *d;
    its_status st = ITS_OK;

    *out = NULL;
    *line = 0;
    *col = 0;
    if (msglen)
        msg[0] = '\0';
    d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(msg, msglen, "out of memory");
        return ITS_ENOMEM;
    }
    if (!yaml_parser_initialize(&parser)) {
        free(d);
        snprintf(msg, msglen, "out of memory");
        return ITS_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &d->doc)) {
        st = parser_error(&parser, text, len, msg, msglen, line, col);
        yaml_parser_delete(&parser);
        free(d);
        return st;
    }
    /* Only one document per file. */
    if (yaml_document_get_root_node(&d->doc)) {
        if (!yaml_parser_load(&parser, &extra)) {
            st = parser_error(&parser, text, len, msg, msglen, line, col);
        } else {
            yaml_node_t *root = yaml_document_get_root_node(&extra);
            if (root) {
                *line = (int)root->start_mark.line + 1;
                *col = (int)root->start_mark.column + 1;
                snprintf(msg, msglen, "more than one YAML document in the file");
                st = ITS_EPARSE;
            }
            yaml_document_delete(&extra);
        }
    }
    yaml_parser_delete(&parser);
    if (st != ITS_OK) {
        yaml_document_delete(&d->doc);
        free(d);
        return st;
    }
    *out = d;
    return ITS_OK;
}

void its__ydoc_free(its__ydoc *doc)
{
    if (!doc)
        return;
    yaml_document_delete(&doc->doc);
    free(doc);
}

/* The node with this id, or NULL. yaml_document_get_node takes a non-const
 * document; the bounds check is done here so no cast is needed. */
static const yaml_node_t *node_at(const its__ydoc *doc, int node)
{
    const yaml_node_t *start, *top;
    if (!doc || node <= 0)
        return NULL;
    start = doc->doc.nodes.start;
    top = doc->doc.nodes.top;
    if (!start || (ptrdiff_t)node > top - start)
        return NULL;
    return start + (node - 1);
}

int its__ydoc_root(const its__ydoc *doc)
{
    if (!doc || !doc->doc.nodes.start || doc->doc.nodes.top == doc->doc.nodes.start)
        return 0;
    return 1; /* libyaml: the root is the first node */
}

its__ykind its__ynode_kind(const its__ydoc *doc, int node)
{
    const yaml_node_t *n = node_at(doc, node);
    if (!n)
        return ITS__Y_NONE;
    switch (n->type) {
    case YAML_SCALAR_NODE: return ITS__Y_SCALAR;
    case YAML_SEQUENCE_NODE: return ITS__Y_SEQUENCE;
    case YAML_MAPPING_NODE: return ITS__Y_MAPPING;
    case YAML_NO_NODE: break;
    }
    return ITS__Y_NONE;
}

void its__ynode_pos(const its__ydoc *doc, int node, int *line, int *col)
{
    const yaml_node_t *n = node_at(doc, node);
    *line = n ? (int)n->start_mark.line + 1 : 0;
    *col = n ? (int)n->start_mark.column + 1 : 0;
}

const char *its__ynode_scalar(const its__ydoc *doc, int node, size_t *len)
{
    const yaml_node_t *n = node_at(doc, node);
    if (!n || n->type != YAML_SCALAR_NODE) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = n->data.scalar.length;
    return (const char *)n->data.scalar.value;
}

int its__ynode_plain(const its__ydoc *doc, int node)
{
    const yaml_node_t *n = node_at(doc, node);
    return n && n->type == YAML_SCALAR_NODE &&
           (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
            n->data.scalar.style == YAML_ANY_SCALAR_STYLE);
}

size_t its__ynode_size(const its__ydoc *doc, int node)
{
    const yaml_node_t *n = node_at(doc, node);
    if (!n)
        return 0;
    if (n->type == YAML_SEQUENCE_NODE)
        return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (n->type == YAML_MAPPING_NODE)
        return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    return 0;
}

int its__ynode_item(const its__ydoc *doc, int node, size_t i)
{
    const yaml_node_t *n = node_at(doc, node);
    if (!n || n->type != YAML_SEQUENCE_NODE || i >= its__ynode_size(doc, node))
        return 0;
    return n->data.sequence.items.start[i];
}

void its__ynode_pair(const its__ydoc *doc, int node, size_t i, int *key,
                     int *value)
{
    const yaml_node_t *n = node_at(doc, node);
    *key = 0;
    *value = 0;
    if (!n || n->type != YAML_MAPPING_NODE || i >= its__ynode_size(doc, node))
        return;
    *key = n->data.mapping.pairs.start[i].key;
    *value = n->data.mapping.pairs.start[i].value;
}

const char *its__yaml_version_string(void)
{
    return yaml_get_version_string();
}
