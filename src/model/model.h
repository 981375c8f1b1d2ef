/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the model layer's private header: the built-in model
 * definitions (one source file each) and helpers for their tables. */
#ifndef ITS_MODEL_MODEL_H
#define ITS_MODEL_MODEL_H

#include "itsim/model.h"

/* Non-zero when m is a definition of the current layout (m->version is
 * ITS_MODEL_VERSION); every function reading a definition's fields checks. */
int its__model_ok(const its_model_def *m);

#define ITS__COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Short names for parameter domains in the definition tables. */
#define D_REAL ITS_DOMAIN_REAL
#define D_NN ITS_DOMAIN_NONNEGATIVE
#define D_POS ITS_DOMAIN_POSITIVE
#define D_FRAC ITS_DOMAIN_FRACTION
#define D_PFRAC ITS_DOMAIN_POS_FRACTION
#define D_GE1 ITS_DOMAIN_AT_LEAST_ONE

extern const its_model_def its__model_kirschner1998;
extern const its_model_def its__model_kuznetsov1994;
extern const its_model_def its__model_hahnfeldt1999;
extern const its_model_def its__model_depillis2005;
extern const its_model_def its__model_depillis2009;
extern const its_model_def its__model_pk2cpt;
/* tme with 1..8 lesions ("tme:1" .. "tme:8"; index 2 is "tme", 3 lesions). */
extern const its_model_def its__model_tme_variants[8];
/* tme version 1, frozen ("tme@1", "tme@1:1" .. "tme@1:8"; src/model/tme_v1.c). */
extern const its_model_def its__model_tme_v1_variants[8];

#endif
