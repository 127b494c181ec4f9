/*
 * Contacts as vCards (RFC 2426 for 3.0, RFC 6350 for 4.0).
 *
 * Export writes one card per contact, companies first (so that a person's company exists
 * when the file is read back). Properties: FN (name), N (surname; first; middle), ORG (a
 * company's name; a person's company_name), TITLE (job_title), ADR;TYPE=work (extended
 * address = address_2, street = address, locality = city, region = county, postal code =
 * post_code, country = country_code), TEL;TYPE=work,voice (phone_no), TEL;TYPE=cell
 * (mobile_phone_no), TEL;TYPE=work,fax (fax_no), EMAIL (email), KIND (4.0: org or
 * individual), LANG (4.0: language_code), and X-RELM-NO, X-RELM-TYPE, X-RELM-COMPANY-NO,
 * X-RELM-SALESPERSON-CODE, X-RELM-TERRITORY-CODE, X-RELM-LANGUAGE-CODE,
 * X-RELM-CORRESPONDENCE-TYPE, X-RELM-EXCLUDE-FROM-SEGMENT, X-RELM-PRIVACY-BLOCKED for what
 * vCard has no property for. Text is escaped (\\ \; \, \n) and lines are folded at 75
 * octets without splitting a UTF-8 character; lines end in CRLF.
 *
 * Import reads 3.0 and 4.0 cards as address books write them (Apple, Google, relm):
 * folded lines, groups (item1.TEL), TYPE parameters in either version's form, unknown
 * properties ignored. A card with X-RELM-NO was written by relm: every field counts as
 * given, so the round trip is exact. Other cards give only what they hold (blank fields
 * take marketing setup's defaults, as a new contact does); a card is a company with KIND
 * org, X-RELM-TYPE company or X-ABShowAs COMPANY, or when it has an ORG but no name parts
 * in N; otherwise a person. Of several TEL, EMAIL or ADR of one kind the preferred (pref)
 * or else the first is taken.
 */
#ifndef RELM_VCARD_H
#define RELM_VCARD_H

#include <stdint.h>
#include <stdio.h>

#include "relm/record.h"

struct relm;

/*
 * Write every contact as a vCard of version 3 or 4 to out. Errors: usage (another
 * version), io when out cannot be written.
 */
int relm_contact_export_vcard(struct relm *r, FILE *out, int version, relm_error_t *err);

/*
 * Add a contact for every card in `in` in one transaction: a bad card refuses the whole
 * import with "card N: PROPERTY: ..." and nothing is added. *imported (may be NULL)
 * receives the count.
 */
int relm_contact_import_vcard(struct relm *r, FILE *in, int64_t *imported, relm_error_t *err);

#endif
