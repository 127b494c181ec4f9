/*
 * A person's data: export everything relm holds about one contact, and erase it.
 *
 * Export gathers, for contact NO: its record, the interaction log entries whose contact is
 * NO with their comment lines and kept bodies (sent messages, captured mail), the segment
 * lines (and lines removed by criteria steps, kept for undo) naming NO, the campaign entries
 * and logged segments those entries belong to. The document is described in docs/privacy.md.
 *
 * Erase anonymises in one transaction: the contact's personal fields are blanked, its name
 * becomes "Erased contact" and privacy_blocked is set; the bodies kept with its entries and
 * their comment lines are deleted; its entries keep every value statistics read (date,
 * template, group, salesperson, campaign, cost, duration, flags) and lose their personal
 * text (description, subject, contact_via, message_id, delivery_error); its segment lines
 * lose description, subject and contact_via. A privacy_erasure row records who (the
 * handle's user), whom (the contact no.) and when. The store zeroes deleted content
 * (secure_delete), so the erased text does not remain in the database file once the log of
 * recent writes has been checkpointed into it.
 */
#ifndef RELM_PRIVACY_H
#define RELM_PRIVACY_H

#include <jansson.h>

#include "relm/record.h"

struct relm;

/* The name an erased contact carries. */
#define RELM_ERASED_NAME "Erased contact"

/* What relm_contact_erase() did. */
typedef struct relm_erasure {
    int64_t erasure_no;
    char contact_no[RELM_CODE20_SZ];
    char contact_type[16];
    char erased_by[RELM_CODE20_SZ * 2];
    char erased_at[RELM_STAMP_SZ];
    int64_t entries_anonymised;
    int64_t attachments_deleted;
    int64_t comments_deleted;
    int64_t segment_lines_anonymised;
} relm_erasure_t;

/* Field table of privacy_erasure (every field is set by relm). */
extern const relm_entity_t relm_erasure_entity;

/*
 * Everything relm holds about contact no, as a new JSON object owned by the caller
 * (*out; json_decref). Errors: not_found naming the contact, nomem.
 */
int relm_contact_export_data(struct relm *r, const char *no, json_t **out, relm_error_t *err);

/*
 * Erase contact no's personal data as described above, in one transaction. out (may be NULL)
 * receives the audit record. A company's persons keep their link; their copy of the company
 * name becomes RELM_ERASED_NAME too. Erasing an erased contact again is allowed (it finds
 * nothing more to remove, and is recorded again). Errors: not_found naming the contact.
 */
int relm_contact_erase(struct relm *r, const char *no, relm_erasure_t *out, relm_error_t *err);

/* Stream the erasures of contact no (NULL or "": all) in erasure order to fn. */
int relm_erasure_list(struct relm *r, const char *no, relm_row_fn fn, void *ctx, relm_error_t *err);

#endif
