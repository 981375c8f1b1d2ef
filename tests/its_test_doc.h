/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: parse YAML text into the neutral document tree and find the
 * value of its first top-level key (a trial file's section). */
#ifndef ITS_TEST_DOC_H
#define ITS_TEST_DOC_H

#include <string.h>
#include "io/yaml_adapter.h"
#include "scenario/scenario.h"

/* ITS_OK with *doc (free with its__ydoc_free) and *value the node of the
 * first top-level key's value; else the parser's status and message. */
static inline its_status its_test_section(const char *text, its__ydoc **doc, int *value,
                                          char *msg, size_t msglen)
{
    int line, col, k = 0;
    its_status st = its__ydoc_load(text, strlen(text), doc, msg, msglen, &line, &col);
    *value = 0;
    if (st == ITS_OK)
        its__ynode_pair(*doc, its__ydoc_root(*doc), 0, &k, value);
    return st;
}

#endif
