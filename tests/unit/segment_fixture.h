/*
 * Fixture for the segment, criteria and log tests (tests/unit/segment_fixture.c).
 */
#ifndef RELM_SEGMENT_FIXTURE_H
#define RELM_SEGMENT_FIXTURE_H

#include "helpers.h"

/* Run SQL without parameters; fail the test on error. */
void exec_sql(relm_t *r, const char *sql);
/* relm_record_set or fail the test. */
void set_field(const relm_entity_t *e, void *rec, relm_mask_t *given, const char *name,
               const char *value);
void add_template(relm_t *r, const char *code, const char *group, const char *desc,
                  const char *cost, const char *corresp, const char *ignore, const char *campaign);
/*
 * Salespersons JO, AH (setup default JO); groups LETTER, EMAIL; campaign CMP1001;
 * templates LTR, NEWS (variant NOR), CALL; contacts C1, P1, P2, C2, P3, X1 (excluded),
 * B1 (privacy blocked), P4 (fax type, no fax no.). See segment_fixture.c for the details.
 */
relm_t *fixture(void);
/* A new segment with the given description and template (NULL: none); its no. in no. */
void new_segment(relm_t *r, const char *description, const char *tpl, char no[RELM_CODE20_SZ]);
void add_line(relm_t *r, const char *no, const char *contact);
/* One integer / one text value from SQL (the text is valid until the next call). */
int64_t q(relm_t *r, const char *sql);
const char *qs(relm_t *r, const char *sql);
const char *segment_lines_text(relm_t *r, const char *no, const char *expr, const char *order,
                               const char *sep);

#endif
