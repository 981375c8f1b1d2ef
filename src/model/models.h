/* itsim internal: the built-in model definitions, one source file each. */
#ifndef ITS_MODEL_MODELS_H
#define ITS_MODEL_MODELS_H

#include "itsim/model.h"

#define ITS__COUNT(a) (sizeof(a) / sizeof((a)[0]))

extern const its_model_def its__model_kirschner1998;
extern const its_model_def its__model_kuznetsov1994;
extern const its_model_def its__model_hahnfeldt1999;
extern const its_model_def its__model_depillis2005;
extern const its_model_def its__model_depillis2009;
extern const its_model_def its__model_pk2cpt;
/* tme with 1..8 lesions ("tme:1" .. "tme:8"; index 2 is "tme", 3 lesions). */
extern const its_model_def its__model_tme_variants[8];

#endif
