/* itsim: private adapter over libyaml's document API (the only place that
 * includes <yaml.h>): load a document, walk its nodes, translate errors. */
#ifndef ITSIM_IO_YAML_ADAPTER_H
#define ITSIM_IO_YAML_ADAPTER_H

#include <stddef.h>
#include "itsim/status.h"

/* A loaded YAML document. Nodes are named by positive ids; 0 is "no node". */
typedef struct its__ydoc its__ydoc;

typedef enum its__ykind {
    ITS__Y_NONE = 0,
    ITS__Y_SCALAR,
    ITS__Y_SEQUENCE,
    ITS__Y_MAPPING
} its__ykind;

/* Deepest nesting of lists and mappings accepted (the root counts as 1). */
#define ITS__YAML_MAX_DEPTH 64
/* Most nodes (scalars, lists, mappings) in one document. */
#define ITS__YAML_MAX_NODES 4000000

/* Parse the first document of text[0..len), in time linear in len. On
 * error returns ITS_EPARSE (or ITS_ENOMEM, also for more than
 * ITS__YAML_MAX_NODES nodes), sets *out to NULL, writes the problem to msg
 * and its 1-based position to *line / *col (0 when unknown). A second
 * document in the same text, nesting deeper than ITS__YAML_MAX_DEPTH, an
 * undefined alias and an alias inside its own anchor are errors. Aliases
 * share the anchored node. An empty document gives a doc whose root is 0. */
its_status its__ydoc_load(const char *text, size_t len, its__ydoc **out,
                          char *msg, size_t msglen, int *line, int *col);
void its__ydoc_free(its__ydoc *doc);

/* Root node id, or 0 for an empty document. */
int its__ydoc_root(const its__ydoc *doc);

its__ykind its__ynode_kind(const its__ydoc *doc, int node);
/* 1-based line and column where the node starts. */
void its__ynode_pos(const its__ydoc *doc, int node, int *line, int *col);
/* Scalar text (NUL-terminated) and its length in bytes; NULL if not a
 * scalar. The text may contain embedded NUL bytes (*len tells). */
const char *its__ynode_scalar(const its__ydoc *doc, int node, size_t *len);
/* Non-zero when the scalar was written plain (not quoted, not a block). */
int its__ynode_plain(const its__ydoc *doc, int node);
/* Number of items of a sequence / pairs of a mapping (0 otherwise). */
size_t its__ynode_size(const its__ydoc *doc, int node);
/* i-th item of a sequence, or 0. */
int its__ynode_item(const its__ydoc *doc, int node, size_t i);
/* i-th key and value of a mapping (0 and 0 when out of range). */
void its__ynode_pair(const its__ydoc *doc, int node, size_t i, int *key,
                     int *value);

/* Version string of the libyaml library in use. */
const char *its__yaml_version_string(void);

#endif
