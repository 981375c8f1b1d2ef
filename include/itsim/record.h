/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: a patient record for personalised treatment (docs/personalise.md):
 * covariates, lesions with their sites, RECIST-style measurements at dates,
 * blood counts and laboratory values, biomarkers, the treatments given,
 * and the decision to be made. Reading a record checks it against the
 * model (tme with one lesion per recorded lesion): every error names file,
 * line, column and key. Dates become days from the baseline scan (t0). */
#ifndef ITSIM_RECORD_H
#define ITSIM_RECORD_H

#include <stddef.h>
#include <stdio.h>
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

typedef struct its_record its_record;

/* Read a patient record file (or text; name labels messages and resolves
 * the prior file relative to it). *out receives a handle owned by the
 * caller (its_record_free), NULL on failure. ITS_OK; ITS_EPARSE,
 * ITS_ENOTFOUND, ITS_EUNIT, ITS_ERANGE (msg: "FILE:LINE:COL: KEY:
 * message"), ITS_EIO (a file cannot be read), ITS_ENOMEM, ITS_EINVAL
 * (NULL arguments). msg: at most msglen bytes, always terminated, "" on
 * success; may be NULL. Implemented by the io layer (the YAML reader). */
its_status its_record_load_file(const char *path, its_record **out, char *msg, size_t msglen);
its_status its_record_load_string(const char *text, size_t len, const char *name,
                                  its_record **out, char *msg, size_t msglen);
/* Free a record. Accepts NULL. */
void its_record_free(its_record *r);

/* The patient's identifier (patient.id; "" when none); borrowed. */
const char *its_record_id(const its_record *r);
/* Number of lesions (1 to 8); 0 for NULL. */
size_t its_record_lesion_count(const its_record *r);
/* Lesion k's identifier and site as written; NULL out of range. */
const char *its_record_lesion_id(const its_record *r, size_t k);
const char *its_record_lesion_site(const its_record *r, size_t k);
/* The decision time in days after t0 (decision.date; the last assessment
 * when not given); NaN for NULL. */
double its_record_decision_day(const its_record *r);
/* Notes made while reading (labs moved to t0 or left out), one per line;
 * "" when none; borrowed. */
const char *its_record_notes(const its_record *r);

/* Print the record's timeline to fp: t0's date, then every assessment,
 * laboratory value and administration in time order, as days after t0
 * with the values in the model's units, then the decision. ITS_EIO when
 * writing fails, ITS_EINVAL for NULL arguments. */
its_status its_record_print_timeline(const its_record *r, FILE *fp);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
