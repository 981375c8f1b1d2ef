/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: therapeutic agents (cytokines, checkpoint antibodies, cytotoxic
 * chemotherapy) with their identity, pharmacokinetic parameters and sources,
 * and dose conversion from clinical units through body weight and
 * body-surface area. */
#ifndef ITSIM_AGENTS_H
#define ITSIM_AGENTS_H

#include <stddef.h>
#include "itsim/status.h"
#include "itsim/model.h"
#include "itsim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* Body-surface-area formulas. */
typedef enum its_bsa_formula {
    ITS_BSA_MOSTELLER = 0, /* sqrt(height_cm * weight_kg / 3600), NEJM 1987 */
    ITS_BSA_DUBOIS = 1     /* 0.007184 weight_kg^0.425 height_cm^0.725 (1916) */
} its_bsa_formula;

/* Body-surface area in m2; NaN for non-positive or non-finite inputs or an
 * unknown formula. */
double its_bsa(its_bsa_formula formula, double height_cm, double weight_kg);

/* What a dose conversion needs to know about the patient. */
typedef struct its_patient {
    double weight_kg;      /* > 0 */
    double height_cm;      /* > 0 */
    its_bsa_formula bsa;   /* formula for per-m2 doses */
} its_patient;

/* One agent: what it is and how it is dosed, independent of any model.
 * Built-in agents are static and immutable.
 *
 * An agent carries no model knowledge. A model that can take agents
 * declares, in its definition, how it interprets them
 * (its_model_def.agents, itsim/model.h): for an agent's name or its
 * `substance`, the model input of each route and the parameter values the
 * agent gives the model. A scenario item `agent: NAME` looks that binding up
 * with its_model_agent_binding(m, a->name, a->substance); a model without a
 * binding for the agent refuses it (no input for the route). */
typedef struct its_agent {
    const char *name;        /* "aldesleukin" */
    const char *title;       /* "aldesleukin (Proleukin, recombinant IL-2)" */
    const char *kind;        /* "cytokine", "anti-PD-1 antibody", "cytotoxic" */
    const char *substance;   /* what models bind: "IL-2", "IFN-alpha",
                                "anti-PD-1", ... (several agents may share
                                one, e.g. pembrolizumab and nivolumab) */
    const char *pk_model;    /* short description of the PK structure */
    double mw;               /* molecular weight, g/mol */
    double iu_per_mg;        /* international units per mg, 0 if not dosed in IU */
    const char *identity_source;
    size_t n_params;
    const its_param_def *params; /* PK parameters, units and sources */
    const char *label_dose;  /* largest single dose in the label, in clinical
                                units ("600000 IU/kg", "400 mg"), or NULL */
    const char *label_source; /* the label and indication it comes from */
} its_agent;

/* Number of built-in agents (static). */
size_t its_agent_count(void);
/* The i-th agent (0 <= i < its_agent_count()) or NULL; static, not to be
 * freed. */
const its_agent *its_agent_at(size_t i);
/* The agent called name, or NULL (also for a NULL name). */
const its_agent *its_agent_find(const char *name);
/* A PK parameter of an agent by name, or NULL (also for NULL arguments);
 * borrowed from the static agent table, not to be freed. */
const its_param_def *its_agent_param(const its_agent *a, const char *name);

/* Convert a clinical dose ("600000 IU/kg", "20 MIU/m2", "250 ug/m2",
 * "200 mg", "3 MIU", "1.5 umol") of agent a for patient p into `unit`
 * (an amount: "IU", "MIU", "mg", "ug", "nmol", "pmol", ...). A trailing
 * "/kg" multiplies by body weight, "/m2" by body-surface area (p's
 * formula). IU and mass convert through the agent's IU per mg, mass and
 * moles through its molecular weight. ITS_EUNIT for an unknown unit or a
 * conversion the agent does not support (IU for an antibody), ITS_EPARSE
 * for a malformed number, ITS_ERANGE for a negative dose or a missing
 * patient covariate, ITS_EINVAL for NULL arguments. Messages follow the
 * convention of functions without a handle: at most msglen bytes into msg,
 * always terminated, "" on success; msg may be NULL. */
its_status its_dose_amount(const its_agent *a, const char *dose,
                           const its_patient *p, const char *unit,
                           double *out, char *msg, size_t msglen);

/* A dose above this multiple of the agent's largest labelled dose is
 * suspicious (a unit slip, a per-kg dose written as a total) but not
 * impossible in research use: callers warn, they do not refuse. */
#define ITS_DOSE_LABEL_FACTOR 10.0

/* Compare the clinical dose `dose` (as for its_dose_amount) of agent a for
 * patient p with the agent's largest labelled single dose (label_dose,
 * converted for the same patient). *ratio receives dose / labelled dose.
 * When the ratio exceeds ITS_DOSE_LABEL_FACTOR, msg receives a warning that
 * names the dose, the factor and the label; otherwise msg is "". Returns
 * ITS_OK in both cases (a warning is not an error), ITS_ENOTFOUND if the
 * agent has no labelled dose, ITS_EINVAL for NULL arguments, or the status
 * of its_dose_amount for a dose that cannot be converted. */
its_status its_dose_label_check(const its_agent *a, const char *dose,
                                const its_patient *p, double *ratio,
                                char *msg, size_t msglen);

/* A named clinical regimen: a complete tme scenario (YAML text) for the
 * default patient. */
typedef struct its_regimen {
    const char *name;      /* "hd_il2" */
    const char *title;     /* one line */
    const char *source;    /* label or trial */
    const char *scenario;  /* YAML text for its_scenario_load_string */
} its_regimen;

/* Number of named regimens (static). */
size_t its_regimen_count(void);
/* The i-th regimen (0 <= i < its_regimen_count()) or NULL; static, not to
 * be freed. */
const its_regimen *its_regimen_at(size_t i);
/* The regimen called name, or NULL (also for a NULL name). */
const its_regimen *its_regimen_find(const char *name);

/* Delivery systems (carriers). A scenario item `carrier: NAME` takes a
 * carrier's release law and values as its defaults (docs/scenario.md,
 * "Delivery systems"); the item's own release keys win. Where the carrier
 * goes depends on the item's route:
 *
 * - it (at a lesion) or sc: a depot. The loaded dose times the carrier's
 *   yield for the agent's substance is released at the site by the law
 *   (route it: into the lesion's injection site; sc: into the SC depot).
 * - iv: circulating particles. tumour_fraction of the dose reaches the
 *   lesions (split by their initial sizes) and is released there by the
 *   law; the rest is released into blood, first order, over
 *   circulation_time.
 *
 * Built-in carriers are static and immutable. */

/* The share of a loaded dose that a carrier releases in active form, for
 * one substance (encapsulation losses, incomplete release). */
typedef struct its_carrier_yield {
    const char *substance;   /* as its_agent.substance: "IL-2", "GM-CSF" */
    double fraction;         /* in (0, 1] */
    const char *source;      /* citation, or "assumed: <reason>" */
} its_carrier_yield;

typedef struct its_carrier {
    const char *name;        /* "hydrogel": the value of the scenario key */
    const char *title;       /* one line: material and what was measured */
    const char *routes;      /* routes it may be given by, comma-separated:
                                "it,sc", "iv", "iv,it,sc" */
    const char *measured_with; /* substances its release was measured with
                                  ("IL-2"), or NULL when none */
    int has_law;             /* 0: no law of its own (the item's, or at once) */
    its_release_law law;     /* itsim/sim.h; valid when has_law */
    size_t n_params;
    const its_param_def *params; /* "release_time" (h or d), "release_shape",
                                    "burst" (fraction), and for carriers
                                    given IV "tumour_fraction" (fraction) and
                                    "circulation_time" (h); each with unit,
                                    domain and source */
    size_t n_yields;
    const its_carrier_yield *yields; /* substances released below 100 %;
                                        every other substance: 1 */
    const char *action;      /* what it does in tme beyond release, or NULL */
    const char *notes;       /* evidence and what is not verified */
} its_carrier;

/* Number of built-in carriers (static). */
size_t its_carrier_count(void);
/* The i-th carrier (0 <= i < its_carrier_count()) or NULL; static, not to
 * be freed. */
const its_carrier *its_carrier_at(size_t i);
/* The carrier called name, or NULL (also for a NULL name). */
const its_carrier *its_carrier_find(const char *name);
/* A value of a carrier by name ("release_time", "burst", ...), or NULL when
 * the carrier has none (also for NULL arguments); borrowed from the static
 * table, not to be freed. */
const its_param_def *its_carrier_param(const its_carrier *c, const char *name);
/* Non-zero when route ("iv", "sc", "it") is one of c's routes; 0 for NULL
 * arguments. */
int its_carrier_allows(const its_carrier *c, const char *route);
/* The fraction of a loaded dose of `substance` that c releases in active
 * form: its yield for that substance, else 1. NaN for a NULL carrier; 1
 * for a NULL substance. */
double its_carrier_yield_of(const its_carrier *c, const char *substance);
/* c's release law with its time scale in `time_unit` (a time unit, e.g.
 * "d" or "h") into *r. ITS_ENOTFOUND when c has no law of its own,
 * ITS_EUNIT for a time_unit that is not a time, ITS_EINVAL for NULL
 * arguments. */
its_status its_carrier_release(const its_carrier *c, const char *time_unit, its_release *r);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
