/*
 * Interaction log entries (domain §5): the Create Interaction rules, postponed entries,
 * cancel / evaluate / delete, comment lines, and the newest-first listing with keyset paging.
 *
 * Invariants: an entry that is neither postponed nor canceled has passed every check of
 * relm_interaction_prepare(); a postponed one has passed all but the delivery checks and
 * holds every default; entry numbers come from the interaction_log_entry counter inside the
 * transaction that writes the entry, so a refused call consumes none; single interactions
 * with a campaign share one campaign entry per campaign (logged_segment_entry_no 0, segment_no
 * blank, described "Interactions"), which canceling an entry never touches and which is
 * deleted only with the last entry that uses it; comment lines go with their entry (ON
 * DELETE CASCADE).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlb.h"

typedef relm_interaction_t ie_t;

const char *const relm_evaluations[] = {"",         "very_positive", "positive", "neutral",
                                        "negative", "very_negative", NULL};
const char *const relm_delivery_statuses[] = {"", "in_progress", "sending", "error", NULL};

#define RO RELM_FF_READONLY

/* Field indexes: each entry of the table below is placed at its index. */
enum {
    F_ENTRY_NO,
    F_CONTACT_NO,
    F_CONTACT_COMPANY_NO,
    F_DATE,
    F_TIME,
    F_DESCRIPTION,
    F_SUBJECT,
    F_INFORMATION_FLOW,
    F_INITIATED_BY,
    F_ATTEMPT_FAILED,
    F_EVALUATION,
    F_INTERACTION_GROUP_CODE,
    F_INTERACTION_TEMPLATE_CODE,
    F_COST,
    F_DURATION,
    F_SALESPERSON_CODE,
    F_USER_ID,
    F_SEGMENT_NO,
    F_LOGGED_SEGMENT_ENTRY_NO,
    F_CAMPAIGN_NO,
    F_CAMPAIGN_ENTRY_NO,
    F_CAMPAIGN_TARGET,
    F_CAMPAIGN_RESPONSE,
    F_CORRESPONDENCE_TYPE,
    F_LANGUAGE_CODE,
    F_CONTACT_VIA,
    F_OPPORTUNITY_NO,
    F_TASK_NO,
    F_ATTACHMENT_NO,
    F_DELIVERY_STATUS,
    F_CANCELED,
    F_POSTPONED,
    F_CREATED_AT,
    F_MESSAGE_ID,
    F_DELIVERED_AT,
    F_DELIVERY_ERROR,
    F_DELIVERY_ATTEMPTS,
    F_COUNT
};

static const relm_field_t fields[] = {
    [F_ENTRY_NO] = FIELD(ie_t, entry_no, RELM_FT_INT, RELM_FF_KEY, 0, NULL, NULL),
    [F_CONTACT_NO] = FIELD(ie_t, contact_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_CONTACT_COMPANY_NO] = FIELD(ie_t, contact_company_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [F_DATE] = FIELD(ie_t, date, RELM_FT_DATE, 0, 0, NULL, NULL),
    [F_TIME] = FIELD(ie_t, time, RELM_FT_TIME, 0, 0, NULL, NULL),
    [F_DESCRIPTION] = FIELD(ie_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [F_SUBJECT] = FIELD(ie_t, subject, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [F_INFORMATION_FLOW] =
        FIELD(ie_t, information_flow, RELM_FT_ENUM, 0, 0, relm_information_flows, NULL),
    [F_INITIATED_BY] = FIELD(ie_t, initiated_by, RELM_FT_ENUM, 0, 0, relm_initiators, NULL),
    [F_ATTEMPT_FAILED] = FIELD(ie_t, attempt_failed, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [F_EVALUATION] = FIELD(ie_t, evaluation, RELM_FT_ENUM, 0, 0, relm_evaluations, NULL),
    [F_INTERACTION_GROUP_CODE] =
        FIELD(ie_t, interaction_group_code, RELM_FT_CODE, RO, 10, NULL, NULL),
    [F_INTERACTION_TEMPLATE_CODE] =
        FIELD(ie_t, interaction_template_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [F_COST] = FIELD(ie_t, cost, RELM_FT_MONEY, 0, 0, NULL, NULL),
    [F_DURATION] = FIELD(ie_t, duration, RELM_FT_MINUTES, 0, 0, NULL, NULL),
    [F_SALESPERSON_CODE] = FIELD(ie_t, salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_USER_ID] = FIELD(ie_t, user_id, RELM_FT_TEXT, RO, 0, NULL, NULL),
    [F_SEGMENT_NO] = FIELD(ie_t, segment_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [F_LOGGED_SEGMENT_ENTRY_NO] =
        FIELD(ie_t, logged_segment_entry_no, RELM_FT_INT, RO, 0, NULL, NULL),
    [F_CAMPAIGN_NO] = FIELD(ie_t, campaign_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_CAMPAIGN_ENTRY_NO] = FIELD(ie_t, campaign_entry_no, RELM_FT_INT, RO, 0, NULL, NULL),
    [F_CAMPAIGN_TARGET] = FIELD(ie_t, campaign_target, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [F_CAMPAIGN_RESPONSE] =
        FIELD(ie_t, campaign_response, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [F_CORRESPONDENCE_TYPE] =
        FIELD(ie_t, correspondence_type, RELM_FT_ENUM, 0, 0, relm_correspondence_types, NULL),
    [F_LANGUAGE_CODE] = FIELD(ie_t, language_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [F_CONTACT_VIA] = FIELD(ie_t, contact_via, RELM_FT_TEXT, RO, 250, NULL, NULL),
    [F_OPPORTUNITY_NO] = FIELD(ie_t, opportunity_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_TASK_NO] = FIELD(ie_t, task_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_ATTACHMENT_NO] = FIELD(ie_t, attachment_no, RELM_FT_INT, RO, 0, NULL, NULL),
    [F_DELIVERY_STATUS] =
        FIELD(ie_t, delivery_status, RELM_FT_ENUM, RO, 0, relm_delivery_statuses, NULL),
    [F_CANCELED] = FIELD(ie_t, canceled, RELM_FT_BOOL, RELM_FF_INT32 | RO, 0, NULL, NULL),
    [F_POSTPONED] = FIELD(ie_t, postponed, RELM_FT_BOOL, RELM_FF_INT32 | RO, 0, NULL, NULL),
    [F_CREATED_AT] = FIELD(ie_t, created_at, RELM_FT_TIMESTAMP, RO, 0, NULL, NULL),
    [F_MESSAGE_ID] = FIELD(ie_t, message_id, RELM_FT_TEXT, RO, 250, NULL, NULL),
    [F_DELIVERED_AT] = FIELD(ie_t, delivered_at, RELM_FT_TIMESTAMP, RO, 0, NULL, NULL),
    [F_DELIVERY_ERROR] = FIELD(ie_t, delivery_error, RELM_FT_TEXT, RO, 250, NULL, NULL),
    [F_DELIVERY_ATTEMPTS] = FIELD(ie_t, delivery_attempts, RELM_FT_INT, RO, 0, NULL, NULL),
};

#define NFIELDS ((int)(sizeof(fields) / sizeof(fields[0])))

_Static_assert(F_COUNT == sizeof(fields) / sizeof(fields[0]), "one entry per field index");

#define G(f) (RELM_BIT(f))

/*
 * What an entry takes from its template for the fields not given (the group always);
 * language, description and correspondence type depend on the contact as well.
 */
static const relm_take_t template_takes[] = {
    {TPL_UNIT_COST, F_COST},
    {TPL_UNIT_DURATION, F_DURATION},
    {TPL_INFORMATION_FLOW, F_INFORMATION_FLOW},
    {TPL_INITIATED_BY, F_INITIATED_BY},
    {TPL_GROUP, F_INTERACTION_GROUP_CODE},
    {TPL_CAMPAIGN, F_CAMPAIGN_NO},
    {TPL_CAMPAIGN_TARGET, F_CAMPAIGN_TARGET},
    {TPL_CAMPAIGN_RESPONSE, F_CAMPAIGN_RESPONSE},
};

static int parse_entry_no(const char *key, int64_t *out, relm_error_t *err)
{
    return relm_parse_positive(key, "interaction log entry no.", out, err);
}

static int op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    return relm_interaction_create(r, rec, given, err);
}

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    int64_t no = 0;
    int rc = parse_entry_no(key, &no, err);
    return rc ? rc : relm_interaction_get(r, no, out, err);
}

static int op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    int64_t no = 0;
    int rc = parse_entry_no(key, &no, err);
    return rc ? rc : relm_interaction_delete(r, no, err);
}

const relm_entity_t relm_interaction_entity = {
    "interaction log entry",
    "interaction_log_entry",
    sizeof(ie_t),
    fields,
    NFIELDS,
    op_add,
    op_get,
    NULL,
    op_remove,
    NULL,
    NULL,
};

static int given_text(const char *v, relm_mask_t given, int f)
{
    return (given & G(f)) != 0 && v[0] != '\0';
}

/* Run a statement with one or two integer parameters. */
static int run_ints(relm_t *r, const char *sql, int64_t a, int64_t b, int nparams,
                    relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, a);
    if (nparams > 1)
        relm_stmt_bind_int(s, 2, b);
    return relm_stmt_run(s, err);
}

/* One integer from a statement with integer parameters (0 when it returns no row). */
static int int_query(relm_t *r, const char *sql, int64_t a, int64_t b, int nparams, int64_t *out,
                     relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, a);
    if (nparams > 1)
        relm_stmt_bind_int(s, 2, b);
    *out = 0;
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW)
        *out = relm_stmt_int(s, 0);
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

int relm_interaction_get(relm_t *r, int64_t entry_no, relm_interaction_t *out, relm_error_t *err)
{
    relm_record_init(&relm_interaction_entity, out);
    out->entry_no = entry_no;
    int rc = relm_table_get(r, &relm_interaction_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "interaction log entry %" PRId64 " does not exist",
                              entry_no);
    return rc;
}

/* The address line recorded as contact_via for hard copies. */
static void postal_address(const relm_contact_t *c, char *buf, size_t n)
{
    const char *parts[4] = {c->address, c->address_2, NULL, c->country_code};
    char town[RELM_TEXT100_SZ];
    snprintf(town, sizeof(town), "%s%s%s", c->post_code, c->post_code[0] && c->city[0] ? " " : "",
             c->city);
    parts[2] = town;
    size_t len = 0;
    char tmp[RELM_TEXT250_SZ * 2] = "";
    for (int i = 0; i < 4; i++)
        if (parts[i][0])
            len += (size_t)snprintf(tmp + len, len < sizeof(tmp) ? sizeof(tmp) - len : 0, "%s%s",
                                    len ? ", " : "", parts[i]);
    relm_copy(buf, n, tmp);
}

/*
 * Salesperson by the §5.1 chain: given, else the signed-in user's (the salesperson linked
 * to the user account; for a user with no account, known only by name as on the command
 * line, the salesperson with that code), else the contact's. Marketing setup's default is no
 * fallback here: it is stamped onto new contacts only.
 */
static int pick_salesperson(relm_t *r, relm_interaction_t *rec, relm_mask_t given,
                            const relm_contact_t *c, relm_error_t *err)
{
    relm_salesperson_t sp;
    char account_sp[RELM_CODE20_SZ]; /* code may point into it */
    relm_error_t scratch = {0};
    const char *code = NULL, *source = NULL;
    if (given_text(rec->salesperson_code, given, F_SALESPERSON_CODE)) {
        code = rec->salesperson_code;
        source = "the given salesperson_code";
    } else {
        const char *user = relm_user(r);
        /* Only the account's salesperson_code is needed: not the whole user row. */
        int known = user[0] && relm_user_salesperson_code(r, user, account_sp, &scratch) == 0;
        if (known && account_sp[0]) {
            code = account_sp;
            source = "the signed-in user's salesperson_code";
        } else if (!known && user[0] &&
                   relm_record_set(&relm_salesperson_entity, &sp, NULL, "code", user, &scratch) ==
                       0 &&
                   relm_table_exists(r, &relm_salesperson_entity, &sp, &scratch) == 1) {
            relm_copy(rec->salesperson_code, sizeof(rec->salesperson_code), sp.code);
            return 0;
        } else if (c->salesperson_code[0]) {
            code = c->salesperson_code;
            source = "the contact's salesperson_code";
        }
    }
    if (!code)
        return relm_error_set(err, RELM_EMISSINGSP,
                              "interaction for contact %s: salesperson_code is required, and "
                              "neither the signed-in user nor the contact has one",
                              c->no);
    /* The code as the field table normalises it, then only whether that salesperson exists. */
    relm_record_init(&relm_salesperson_entity, &sp);
    int rc = relm_record_set(&relm_salesperson_entity, &sp, NULL, "code", code, &scratch);
    if (rc == 0)
        rc = relm_table_exists(r, &relm_salesperson_entity, &sp, &scratch);
    if (rc == 0)
        return relm_error_set(err, RELM_ENOTFOUND,
                              "interaction for contact %s: salesperson %s (%s) does not exist",
                              c->no, code, source);
    if (rc < 0)
        return relm_error_set(err, rc, "%s", scratch.message);
    relm_copy(rec->salesperson_code, sizeof(rec->salesperson_code), sp.code);
    return 0;
}

/*
 * The contact no (normalised as relm_contact_get does) into *c with only the fields an
 * entry takes from it; the others are left as relm_record_init leaves them. Create Interaction runs
 * this on every entry, inside the write transaction, where reading the whole row cost more than the
 * insert's checks.
 */
static int read_contact(relm_t *r, const char *no, relm_contact_t *c, relm_error_t *err)
{
    static const char sql[] =
        "SELECT no, type, company_no, privacy_blocked, language_code, correspondence_type, "
        "salesperson_code, email, fax_no, phone_no, mobile_phone_no, address, address_2, "
        "post_code, city, country_code FROM contact WHERE no = ?";
    relm_record_init(&relm_contact_entity, c);
    int rc = relm_record_set(&relm_contact_entity, c, NULL, "no", no, err);
    if (rc)
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql, &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, c->no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        struct {
            char *dst;
            size_t n;
        } text[] = {
            {c->no, sizeof(c->no)},
            {c->type, sizeof(c->type)},
            {c->company_no, sizeof(c->company_no)},
            {NULL, 0}, /* privacy_blocked */
            {c->language_code, sizeof(c->language_code)},
            {c->correspondence_type, sizeof(c->correspondence_type)},
            {c->salesperson_code, sizeof(c->salesperson_code)},
            {c->email, sizeof(c->email)},
            {c->fax_no, sizeof(c->fax_no)},
            {c->phone_no, sizeof(c->phone_no)},
            {c->mobile_phone_no, sizeof(c->mobile_phone_no)},
            {c->address, sizeof(c->address)},
            {c->address_2, sizeof(c->address_2)},
            {c->post_code, sizeof(c->post_code)},
            {c->city, sizeof(c->city)},
            {c->country_code, sizeof(c->country_code)},
        };
        for (int i = 0; i < (int)(sizeof(text) / sizeof(text[0])); i++)
            if (text[i].dst)
                relm_copy(text[i].dst, text[i].n, relm_stmt_text(s, i));
        c->privacy_blocked = relm_stmt_int(s, 3) != 0;
        rc = 0;
    } else if (rc == RELM_STEP_DONE) {
        rc = relm_error_set(err, RELM_ENOTFOUND, "contact %s does not exist", c->no);
    }
    relm_stmt_release(s);
    return rc;
}

/* The entry's contact: given, existing and not privacy-blocked, into *c. */
static int prepare_contact(relm_t *r, const relm_interaction_t *rec, relm_mask_t given,
                           relm_contact_t *c, relm_error_t *err)
{
    relm_error_t scratch = {0};
    if (!given_text(rec->contact_no, given, F_CONTACT_NO))
        return relm_error_set(err, RELM_EVALIDATION, "interaction: contact_no is required");
    int rc = read_contact(r, rec->contact_no, c, &scratch);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "interaction: contact %s (contact_no) does not exist",
                              rec->contact_no);
    if (rc)
        return relm_error_set(err, rc, "%s", scratch.message);
    if (c->privacy_blocked)
        return relm_error_set(err, RELM_EPRIVACY,
                              "contact %s is privacy_blocked and cannot get new interactions",
                              c->no);
    return 0;
}

/* The entry's interaction template: given and existing, into *t. */
static int prepare_template(relm_t *r, const relm_interaction_t *rec, relm_mask_t given,
                            const relm_contact_t *c, relm_interaction_template_t *t,
                            relm_error_t *err)
{
    relm_error_t scratch = {0};
    if (!given_text(rec->interaction_template_code, given, F_INTERACTION_TEMPLATE_CODE))
        return relm_error_set(err, RELM_EMISSINGTPL,
                              "interaction for contact %s: interaction_template_code is required",
                              c->no);
    int rc = relm_template_get(r, rec->interaction_template_code, t, &scratch);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, RELM_EMISSINGTPL,
                              "interaction for contact %s: interaction_template_code %s does not "
                              "exist",
                              c->no, rec->interaction_template_code);
    if (rc)
        return relm_error_set(err, rc, "%s", scratch.message);
    return 0;
}

/*
 * What the template gives the fields not given: the language variant for the contact's
 * language (or the one given) and its description, the template's defaults
 * (template_takes), and the correspondence type (the contact's, unless the template says
 * to ignore it). A description is required, from the caller or the template.
 */
static int take_template(relm_t *r, relm_interaction_t *rec, relm_mask_t given,
                         const relm_contact_t *c, const relm_interaction_template_t *t,
                         relm_error_t *err)
{
    char lang[RELM_CODE10_SZ], desc[RELM_TEXT100_SZ];
    const char *want = (given & G(F_LANGUAGE_CODE)) ? rec->language_code : c->language_code;
    int rc = relm_template_pick_language(r, t, want, lang, desc, err);
    if (rc)
        return rc;
    if (!(given & G(F_LANGUAGE_CODE)))
        relm_copy(rec->language_code, sizeof(rec->language_code), lang);
    if (!(given & G(F_DESCRIPTION)))
        relm_copy(rec->description, sizeof(rec->description), desc);
    if (!rec->description[0])
        return relm_error_set(err, RELM_EVALIDATION,
                              "interaction for contact %s: description is required (template %s "
                              "has none)",
                              c->no, t->code);
    relm_record_take(&relm_interaction_entity, rec, given & ~G(F_INTERACTION_GROUP_CODE),
                     &relm_template_entity, t, template_takes,
                     (int)(sizeof(template_takes) / sizeof(template_takes[0])));
    if (!(given & G(F_CORRESPONDENCE_TYPE))) {
        const char *ct = t->correspondence_type;
        if (!t->ignore_contact_corresp_type && c->correspondence_type[0])
            ct = c->correspondence_type;
        relm_copy(rec->correspondence_type, sizeof(rec->correspondence_type), ct);
    }
    return 0;
}

/*
 * contact_via: the contact's address for the correspondence type (e-mail, fax no., postal
 * address, else phone). An e-mail or fax entry needs the address, except when postponed.
 */
static int set_contact_via(relm_interaction_t *rec, const relm_contact_t *c, int postpone,
                           relm_error_t *err)
{
    if (strcmp(rec->correspondence_type, "email") == 0) {
        if (!c->email[0] && !postpone)
            return relm_error_set(err, RELM_EMISSINGEMAIL,
                                  "contact %s has no email, which correspondence_type email needs",
                                  c->no);
        relm_copy(rec->contact_via, sizeof(rec->contact_via), c->email);
    } else if (strcmp(rec->correspondence_type, "fax") == 0) {
        if (!c->fax_no[0] && !postpone)
            return relm_error_set(err, RELM_EMISSINGFAX,
                                  "contact %s has no fax_no, which correspondence_type fax needs",
                                  c->no);
        relm_copy(rec->contact_via, sizeof(rec->contact_via), c->fax_no);
    } else if (strcmp(rec->correspondence_type, "hard_copy") == 0) {
        postal_address(c, rec->contact_via, sizeof(rec->contact_via));
    } else {
        relm_copy(rec->contact_via, sizeof(rec->contact_via),
                  c->phone_no[0] ? c->phone_no : c->mobile_phone_no);
    }
    return 0;
}

/* The campaign, when the entry has one, exists. */
static int check_campaign(relm_t *r, const relm_interaction_t *rec, const relm_contact_t *c,
                          relm_error_t *err)
{
    relm_error_t scratch = {0};
    relm_campaign_t cmp;
    if (!rec->campaign_no[0])
        return 0;
    int rc = relm_campaign_get(r, rec->campaign_no, &cmp, &scratch);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc,
                              "interaction for contact %s: campaign %s (campaign_no) does not "
                              "exist",
                              c->no, rec->campaign_no);
    if (rc)
        return relm_error_set(err, rc, "%s", scratch.message);
    return 0;
}

/*
 * What the library alone decides: the contact's canonical no. and company (a company's
 * company_no is its own no.), the user, and no segment, campaign entry, body, delivery or
 * status yet.
 */
static void stamp_entry(relm_t *r, relm_interaction_t *rec, const relm_contact_t *c)
{
    const char *company = c->company_no[0] ? c->company_no : "";
    if (!company[0] && strcmp(c->type, "company") == 0)
        company = c->no;
    relm_copy(rec->contact_no, sizeof(rec->contact_no), c->no);
    relm_copy(rec->contact_company_no, sizeof(rec->contact_company_no), company);
    relm_copy(rec->user_id, sizeof(rec->user_id), relm_user(r));
    rec->segment_no[0] = '\0';
    rec->logged_segment_entry_no = 0;
    rec->campaign_entry_no = 0;
    rec->attachment_no = 0;
    rec->delivery_status[0] = '\0';
    rec->canceled = 0;
    rec->postponed = 0;
}

/*
 * The Create Interaction defaults and checks, step by step. With postpone set, the
 * delivery checks (an e-mail address or fax no. for the correspondence type) are skipped:
 * a postponed entry holds what the dialog holds and is checked in full when it is resumed.
 */
static int prepare_entry(relm_t *r, relm_interaction_t *rec, relm_mask_t given, int postpone,
                         relm_error_t *err)
{
    relm_contact_t c;
    relm_interaction_template_t t;
    int rc;
    if ((rc = prepare_contact(r, rec, given, &c, err)) ||
        (rc = prepare_template(r, rec, given, &c, &t, err)) ||
        (rc = pick_salesperson(r, rec, given, &c, err)))
        return rc;
    if (!given_text(rec->date, given, F_DATE))
        relm_copy(rec->date, sizeof(rec->date), relm_workdate(r));
    if (!given_text(rec->time, given, F_TIME))
        relm_now_time(rec->time);
    if ((rc = take_template(r, rec, given, &c, &t, err)) ||
        (rc = set_contact_via(rec, &c, postpone, err)) || (rc = check_campaign(r, rec, &c, err)))
        return rc;
    stamp_entry(r, rec, &c);
    return 0;
}

int relm_interaction_prepare(relm_t *r, relm_interaction_t *rec, relm_mask_t given,
                             relm_error_t *err)
{
    return prepare_entry(r, rec, given, 0, err);
}

/*
 * The campaign entry single interactions of rec's campaign share (§8): the first one not
 * canceled that belongs to no segment, else a new one described "Interactions", written by
 * this entry. A canceled shared entry is left alone: its interactions were canceled with it.
 */
static int share_campaign_entry(relm_t *r, relm_interaction_t *rec, relm_error_t *err)
{
    static const char find[] = "SELECT min(entry_no) FROM campaign_entry WHERE campaign_no = ? AND "
                               "logged_segment_entry_no = 0 AND segment_no = '' AND canceled = 0";
    static const char sql[] =
        "INSERT INTO campaign_entry (entry_no, campaign_no, description, date, user_id, "
        "segment_no, logged_segment_entry_no, salesperson_code, canceled) "
        "VALUES (?, ?, 'Interactions', ?, ?, '', 0, ?, 0)";
    int64_t no = 0;
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, find, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, rec->campaign_no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW)
        no = relm_stmt_int(s, 0);
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (no > 0) {
        rec->campaign_entry_no = no;
        return 0;
    }
    if ((rc = relm_counter_take(r, "campaign_entry", 1, &no, err)))
        return rc;
    if ((rc = relm_stmt_prepare(r->store, sql, &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, no);
    relm_stmt_bind_text(s, 2, rec->campaign_no);
    relm_stmt_bind_text(s, 3, rec->date);
    relm_stmt_bind_text(s, 4, rec->user_id);
    relm_stmt_bind_text(s, 5, rec->salesperson_code);
    if ((rc = relm_stmt_run(s, err)))
        return rc;
    rec->campaign_entry_no = no;
    return 0;
}

static relm_mask_t all_columns(void)
{
    return (RELM_BIT(NFIELDS) - 1) & ~G(F_ENTRY_NO);
}

/*
 * Prepare rec and write it: a new entry (keep_no 0) or the finished postponed entry
 * keep_no. Runs inside the caller's transaction.
 */
static int write_entry(relm_t *r, relm_interaction_t *rec, relm_mask_t given, int64_t keep_no,
                       relm_error_t *err)
{
    char created[RELM_STAMP_SZ];
    relm_copy(created, sizeof(created), rec->created_at);
    int rc = relm_interaction_prepare(r, rec, given, err);
    if (rc == 0 && rec->campaign_no[0])
        rc = share_campaign_entry(r, rec, err);
    if (rc)
        return rc;
    if (keep_no) {
        rec->entry_no = keep_no;
        relm_copy(rec->created_at, sizeof(rec->created_at), created);
        if (!rec->created_at[0])
            relm_now_stamp(rec->created_at);
        return relm_table_update(r, &relm_interaction_entity, rec, all_columns(), err);
    }
    relm_now_stamp(rec->created_at);
    if ((rc = relm_counter_take(r, "interaction_log_entry", 1, &rec->entry_no, err)))
        return rc;
    return relm_table_insert(r, &relm_interaction_entity, rec, err);
}

int relm_interaction_insert_prepared(relm_t *r, relm_interaction_t *rec, relm_error_t *err)
{
    int rc;
    if (rec->campaign_no[0] && !rec->campaign_entry_no && (rc = share_campaign_entry(r, rec, err)))
        return rc;
    relm_now_stamp(rec->created_at);
    if ((rc = relm_counter_take(r, "interaction_log_entry", 1, &rec->entry_no, err)))
        return rc;
    return relm_table_insert(r, &relm_interaction_entity, rec, err);
}

/* Comment lines ------------------------------------------------------------------- */

typedef relm_interaction_comment_t cm_t;

/* Field indexes of comment_fields[]: each entry below is placed at its index. */
enum { CM_ENTRY_NO, CM_LINE_NO, CM_DATE, CM_COMMENT, CM_COUNT };

static const relm_field_t comment_fields[] = {
    [CM_ENTRY_NO] = FIELD(cm_t, entry_no, RELM_FT_INT, RELM_FF_KEY | RO, 0, NULL, NULL),
    [CM_LINE_NO] = FIELD(cm_t, line_no, RELM_FT_INT, RELM_FF_KEY | RO, 0, NULL, NULL),
    [CM_DATE] = FIELD(cm_t, date, RELM_FT_DATE, 0, 0, NULL, NULL),
    [CM_COMMENT] = FIELD(cm_t, comment, RELM_FT_TEXT, 0, 80, NULL, NULL),
};

_Static_assert(sizeof(comment_fields) / sizeof(comment_fields[0]) == CM_COUNT,
               "one entry per field index");

const relm_entity_t relm_interaction_comment_entity = {
    .name = "interaction comment line",
    .table = "interaction_comment",
    .size = sizeof(cm_t),
    .fields = comment_fields,
    .nfields = (int)(sizeof(comment_fields) / sizeof(comment_fields[0])),
};

/* Add one comment line to an entry known to exist; inside the caller's transaction. */
static int comment_insert(relm_t *r, int64_t entry_no, const char *date, const char *text,
                          cm_t *out, relm_error_t *err)
{
    const relm_entity_t *e = &relm_interaction_comment_entity;
    relm_record_init(e, out);
    out->entry_no = entry_no;
    int rc = relm_record_set(e, out, NULL, "date", date && *date ? date : relm_workdate(r), err);
    if (rc == 0)
        rc = relm_record_set(e, out, NULL, "comment", text ? text : "", err);
    if (rc == 0 && !out->comment[0])
        rc = relm_error_set(err, RELM_EVALIDATION,
                            "interaction log entry %" PRId64 ": a comment line needs a comment",
                            entry_no);
    int64_t last = 0;
    if (rc == 0)
        rc = int_query(r,
                       "SELECT coalesce(max(line_no), 0) FROM interaction_comment WHERE "
                       "entry_no = ?",
                       entry_no, 0, 1, &last, err);
    if (rc == 0) {
        out->line_no = last + 10000;
        rc = relm_table_insert(r, e, out, err);
    }
    return rc;
}

static int comments_insert(relm_t *r, int64_t entry_no, const char *const *comments, int n,
                           relm_error_t *err)
{
    cm_t line;
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = comment_insert(r, entry_no, NULL, comments[i], &line, err);
    return rc;
}

typedef struct comment_run {
    int64_t entry_no;
    const char *date, *comment;
    relm_interaction_t *cur;
    cm_t line;
} comment_run_t;

static int comment_run(relm_t *r, void *ctx, relm_error_t *err)
{
    comment_run_t *c = ctx;
    int rc = relm_interaction_get(r, c->entry_no, c->cur, err);
    return rc ? rc : comment_insert(r, c->entry_no, c->date, c->comment, &c->line, err);
}

int relm_interaction_comment_add(relm_t *r, int64_t entry_no, const char *date, const char *comment,
                                 relm_interaction_comment_t *out, relm_error_t *err)
{
    comment_run_t c = {.entry_no = entry_no, .date = date, .comment = comment};
    if (!(c.cur = malloc(sizeof(*c.cur))))
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = relm_transaction(r, comment_run, &c, err);
    free(c.cur);
    if (rc)
        return rc;
    if (out)
        *out = c.line;
    return 0;
}

int relm_interaction_comment_delete(relm_t *r, int64_t entry_no, int64_t line_no, relm_error_t *err)
{
    cm_t key;
    relm_record_init(&relm_interaction_comment_entity, &key);
    key.entry_no = entry_no;
    key.line_no = line_no;
    int rc = relm_table_delete(r, &relm_interaction_comment_entity, &key, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc,
                              "interaction log entry %" PRId64 " has no comment line %" PRId64,
                              entry_no, line_no);
    return rc;
}

int relm_interaction_comment_list(relm_t *r, int64_t entry_no, relm_row_fn fn, void *ctx,
                                  relm_error_t *err)
{
    const relm_entity_t *e = &relm_interaction_comment_entity;
    int64_t exists = 0;
    int rc = int_query(r, "SELECT count(*) FROM interaction_log_entry WHERE entry_no = ?", entry_no,
                       0, 1, &exists, err);
    if (rc)
        return rc;
    if (!exists)
        return relm_error_set(err, RELM_ENOTFOUND,
                              "interaction log entry %" PRId64 " does not exist", entry_no);
    char cols[256], sql[512];
    relm_table_columns(e, cols, sizeof(cols));
    snprintf(sql, sizeof(sql),
             "SELECT %s FROM interaction_comment WHERE entry_no = ? ORDER BY line_no", cols);
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql, &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    cm_t row;
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        relm_record_init(e, &row);
        relm_table_read_row(e, s, &row);
        if (fn(ctx, &row))
            break;
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/*
 * One run of create, postpone or resume (relm_tx_fn): each run starts from the caller's
 * record as given (orig), since a run fills in defaults and numbers.
 */
typedef struct entry_run {
    int (*write)(relm_t *r, struct entry_run *e, relm_error_t *err);
    relm_interaction_t *rec, *orig;
    relm_mask_t given;
    int64_t entry_no; /* resume: the entry resumed */
    const char *const *comments;
    int n;
} entry_run_t;

static int entry_run(relm_t *r, void *ctx, relm_error_t *err)
{
    entry_run_t *e = ctx;
    memcpy(e->rec, e->orig, sizeof(*e->rec));
    int rc = e->write(r, e, err);
    if (rc == 0)
        rc = comments_insert(r, e->entry_no ? e->entry_no : e->rec->entry_no, e->comments, e->n,
                             err);
    return rc;
}

static int run_entry(relm_t *r, entry_run_t *e, relm_error_t *err)
{
    if (!(e->orig = malloc(sizeof(*e->orig))))
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    memcpy(e->orig, e->rec, sizeof(*e->orig));
    int rc = relm_transaction(r, entry_run, e, err);
    free(e->orig);
    return rc;
}

static int create_write(relm_t *r, entry_run_t *e, relm_error_t *err)
{
    return write_entry(r, e->rec, e->given, 0, err);
}

int relm_interaction_create_commented(relm_t *r, relm_interaction_t *rec, relm_mask_t given,
                                      const char *const *comments, int n, relm_error_t *err)
{
    entry_run_t e = {create_write, rec, NULL, given, 0, comments, n};
    return run_entry(r, &e, err);
}

int relm_interaction_create(relm_t *r, relm_interaction_t *rec, relm_mask_t given,
                            relm_error_t *err)
{
    return relm_interaction_create_commented(r, rec, given, NULL, 0, err);
}

int relm_interaction_init_from_entry(relm_t *r, int64_t from_entry_no, relm_interaction_t *rec,
                                     relm_mask_t *given, relm_error_t *err)
{
    relm_interaction_t *src = malloc(sizeof(*src));
    if (!src)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = relm_interaction_get(r, from_entry_no, src, err);
    if (rc == 0) {
        if (!given_text(rec->contact_no, *given, F_CONTACT_NO)) {
            relm_copy(rec->contact_no, sizeof(rec->contact_no), src->contact_no);
            *given |= G(F_CONTACT_NO);
        }
        if (!given_text(rec->salesperson_code, *given, F_SALESPERSON_CODE) &&
            src->salesperson_code[0]) {
            relm_copy(rec->salesperson_code, sizeof(rec->salesperson_code), src->salesperson_code);
            *given |= G(F_SALESPERSON_CODE);
        }
    }
    free(src);
    return rc;
}

int relm_interaction_create_from_entry(relm_t *r, int64_t from_entry_no, relm_interaction_t *rec,
                                       relm_mask_t given, relm_error_t *err)
{
    int rc = relm_interaction_init_from_entry(r, from_entry_no, rec, &given, err);
    return rc ? rc : relm_interaction_create(r, rec, given, err);
}

/* Fields a user fills in (not set by the library). */
static int user_field(int i)
{
    return i != F_ENTRY_NO && !(fields[i].flags & RELM_FF_READONLY);
}

/* Fields a new template brings its own defaults for (§5.1 "from the template"). */
static relm_mask_t template_fields(void)
{
    return G(F_DESCRIPTION) | G(F_COST) | G(F_DURATION) | G(F_INFORMATION_FLOW) |
           G(F_INITIATED_BY) | G(F_CAMPAIGN_NO) | G(F_CAMPAIGN_TARGET) | G(F_CAMPAIGN_RESPONSE) |
           G(F_LANGUAGE_CODE) | G(F_CORRESPONDENCE_TYPE);
}

/*
 * Reopen the dialog on postponed entry cur with changes over it: the stored values count as
 * given, except the date and time, which start again at today and now (§5.2), and, when
 * changes name another template, the fields that template brings. cur receives the merged
 * values; returns the mask to prepare them with.
 */
static relm_mask_t reopen(relm_interaction_t *cur, const relm_interaction_t *changes,
                          relm_mask_t given)
{
    relm_mask_t stored = relm_interaction_filled(cur) & ~(G(F_DATE) | G(F_TIME));
    if ((given & G(F_INTERACTION_TEMPLATE_CODE)) &&
        strcmp(changes->interaction_template_code, cur->interaction_template_code) != 0)
        stored &= ~template_fields();
    given &= ~G(F_ENTRY_NO);
    relm_record_merge(&relm_interaction_entity, cur, changes, given);
    return stored | given;
}

static int postpone_in_tx(relm_t *r, relm_interaction_t *rec, relm_mask_t given, relm_error_t *err)
{
    relm_interaction_t *cur = malloc(sizeof(*cur));
    if (!cur)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = 0;
    int64_t keep = rec->entry_no;
    if (keep > 0) {
        rc = relm_interaction_get(r, keep, cur, err);
        if (rc == 0 && !cur->postponed)
            rc = relm_error_set(err, RELM_EVALIDATION,
                                "interaction log entry %" PRId64
                                " is not postponed: only a postponed entry can be postponed again",
                                keep);
        if (rc == 0)
            given = reopen(cur, rec, given);
    } else {
        relm_record_init(&relm_interaction_entity, cur);
        given &= ~G(F_ENTRY_NO);
        relm_record_merge(&relm_interaction_entity, cur, rec, given);
    }
    char created[RELM_STAMP_SZ];
    relm_copy(created, sizeof(created), cur->created_at);
    if (rc == 0)
        rc = prepare_entry(r, cur, given, 1, err);
    if (rc == 0) {
        cur->postponed = 1;
        if (keep > 0) {
            cur->entry_no = keep;
            relm_copy(cur->created_at, sizeof(cur->created_at), created);
            rc = relm_table_update(r, &relm_interaction_entity, cur, all_columns(), err);
        } else {
            relm_now_stamp(cur->created_at);
            rc = relm_counter_take(r, "interaction_log_entry", 1, &cur->entry_no, err);
            if (rc == 0)
                rc = relm_table_insert(r, &relm_interaction_entity, cur, err);
        }
    }
    if (rc == 0)
        memcpy(rec, cur, sizeof(*rec));
    free(cur);
    return rc;
}

static int postpone_write(relm_t *r, entry_run_t *e, relm_error_t *err)
{
    return postpone_in_tx(r, e->rec, e->given, err);
}

int relm_interaction_postpone_commented(relm_t *r, relm_interaction_t *rec, relm_mask_t given,
                                        const char *const *comments, int n, relm_error_t *err)
{
    entry_run_t e = {postpone_write, rec, NULL, given, 0, comments, n};
    return run_entry(r, &e, err);
}

int relm_interaction_postpone(relm_t *r, relm_interaction_t *rec, relm_mask_t given,
                              relm_error_t *err)
{
    return relm_interaction_postpone_commented(r, rec, given, NULL, 0, err);
}

relm_mask_t relm_interaction_filled(const relm_interaction_t *rec)
{
    relm_mask_t filled = 0;
    for (int i = 0; i < NFIELDS; i++) {
        if (!user_field(i))
            continue;
        relm_ftype_t t = fields[i].type;
        int num =
            t == RELM_FT_BOOL || t == RELM_FT_INT || t == RELM_FT_MONEY || t == RELM_FT_MINUTES;
        if (num ? relm_record_int(&relm_interaction_entity, rec, i) != 0
                : ((const char *)rec + fields[i].offset)[0] != '\0')
            filled |= G(i);
    }
    return filled;
}

static int resume_in_tx(relm_t *r, int64_t entry_no, relm_interaction_t *changes, relm_mask_t given,
                        relm_error_t *err)
{
    relm_interaction_t *cur = malloc(sizeof(*cur));
    if (!cur)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = relm_interaction_get(r, entry_no, cur, err);
    if (rc == 0 && !cur->postponed)
        rc = relm_error_set(err, RELM_EVALIDATION,
                            "interaction log entry %" PRId64 " is not postponed and cannot be "
                            "resumed",
                            entry_no);
    if (rc == 0)
        rc = write_entry(r, cur, reopen(cur, changes, given), entry_no, err);
    if (rc == 0)
        memcpy(changes, cur, sizeof(*changes));
    free(cur);
    return rc;
}

static int resume_write(relm_t *r, entry_run_t *e, relm_error_t *err)
{
    return resume_in_tx(r, e->entry_no, e->rec, e->given, err);
}

int relm_interaction_resume_commented(relm_t *r, int64_t entry_no, relm_interaction_t *changes,
                                      relm_mask_t given, const char *const *comments, int n,
                                      relm_error_t *err)
{
    entry_run_t e = {resume_write, changes, NULL, given, entry_no, comments, n};
    return run_entry(r, &e, err);
}

int relm_interaction_resume(relm_t *r, int64_t entry_no, relm_interaction_t *changes,
                            relm_mask_t given, relm_error_t *err)
{
    return relm_interaction_resume_commented(r, entry_no, changes, given, NULL, 0, err);
}

/*
 * A campaign entry of single interactions goes when its last interaction has gone; one that
 * other entries still use stays. Campaign entries of logged segments are never touched here.
 */
static const char sql_drop_unused_campaign_entry[] =
    "DELETE FROM campaign_entry WHERE entry_no = ? AND logged_segment_entry_no = 0 AND "
    "segment_no = '' AND NOT EXISTS (SELECT 1 FROM interaction_log_entry e WHERE "
    "e.campaign_no = campaign_entry.campaign_no AND e.campaign_entry_no = campaign_entry.entry_no)";

/* Lock a campaign entry's row (a write that changes nothing; both engines accept it). */
static const char sql_lock_campaign_entry[] =
    "UPDATE campaign_entry SET canceled = canceled WHERE entry_no = ?";

static int delete_in_tx(relm_t *r, int64_t entry_no, relm_error_t *err)
{
    relm_interaction_t *cur = malloc(sizeof(*cur));
    if (!cur)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = relm_interaction_get(r, entry_no, cur, err);
    if (rc == 0 && !cur->postponed && !cur->canceled)
        rc = relm_error_set(err, RELM_EINUSE,
                            "interaction log entry %" PRId64 " is neither postponed nor canceled "
                            "and cannot be deleted (cancel it first)",
                            entry_no);
    /*
     * A campaign entry that may go with it is locked first: a campaign entry cancel or
     * delete locks its row, then its entries, and taking them the other way round here
     * could deadlock with one.
     */
    if (rc == 0 && cur->campaign_entry_no && cur->logged_segment_entry_no == 0)
        rc = run_ints(r, sql_lock_campaign_entry, cur->campaign_entry_no, 0, 1, err);
    /* Its comment lines go with it (ON DELETE CASCADE). */
    if (rc == 0)
        rc = relm_table_delete(r, &relm_interaction_entity, cur, err);
    if (rc == 0 && cur->campaign_entry_no && cur->logged_segment_entry_no == 0)
        rc = run_ints(r, sql_drop_unused_campaign_entry, cur->campaign_entry_no, 0, 1, err);
    free(cur);
    return rc;
}

static int delete_run(relm_t *r, void *ctx, relm_error_t *err)
{
    return delete_in_tx(r, *(const int64_t *)ctx, err);
}

int relm_interaction_delete(relm_t *r, int64_t entry_no, relm_error_t *err)
{
    return relm_transaction(r, delete_run, &entry_no, err);
}

static int cancel_one(relm_t *r, int64_t entry_no, relm_interaction_t *cur, relm_error_t *err)
{
    int rc = relm_interaction_get(r, entry_no, cur, err);
    if (rc)
        return rc;
    if (cur->postponed)
        return relm_error_set(err, RELM_EVALIDATION,
                              "interaction log entry %" PRId64
                              " is postponed: resume or delete it instead of canceling it",
                              entry_no);
    if (cur->canceled) {
        /* Undo-cancel: an entry comes back only with its logged segment and campaign entry. */
        const struct {
            const char *sql, *what;
            int64_t no;
        } parents[] = {
            {"SELECT canceled FROM logged_segment WHERE entry_no = ?", "logged segment",
             cur->logged_segment_entry_no},
            {"SELECT canceled FROM campaign_entry WHERE entry_no = ?", "campaign entry",
             cur->campaign_entry_no},
        };
        for (size_t k = 0; k < sizeof(parents) / sizeof(parents[0]); k++) {
            int64_t off = 0;
            if (parents[k].no &&
                (rc = int_query(r, parents[k].sql, parents[k].no, 0, 1, &off, err)))
                return rc;
            if (off)
                return relm_error_set(err, RELM_EVALIDATION,
                                      "interaction log entry %" PRId64
                                      " cannot be restored while its %s %" PRId64
                                      " is canceled (undo-cancel the %s)",
                                      entry_no, parents[k].what, parents[k].no, parents[k].what);
        }
    }
    /* Only the entry: a campaign entry is shared and is canceled on its own (§8). */
    return run_ints(r, "UPDATE interaction_log_entry SET canceled = ? WHERE entry_no = ?",
                    !cur->canceled, entry_no, 2, err);
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* An entry given twice would be toggled back, leaving a count of toggles that did not
 * happen: refuse the list instead. */
static int check_distinct(const int64_t *nos, int n, relm_error_t *err)
{
    if (n < 2)
        return 0;
    int64_t *sorted = malloc(sizeof(*sorted) * (size_t)n);
    if (!sorted)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    memcpy(sorted, nos, sizeof(*sorted) * (size_t)n);
    qsort(sorted, (size_t)n, sizeof(*sorted), cmp_int64);
    int rc = 0;
    for (int i = 1; i < n && rc == 0; i++)
        if (sorted[i] == sorted[i - 1])
            rc = relm_error_set(err, RELM_EVALIDATION,
                                "interaction log entry %" PRId64
                                " is listed more than once: give each entry once",
                                sorted[i]);
    free(sorted);
    return rc;
}

typedef struct cancel_run {
    const int64_t *entry_nos;
    int n;
    relm_interaction_t *cur;
} cancel_run_t;

static int cancel_run(relm_t *r, void *ctx, relm_error_t *err)
{
    cancel_run_t *c = ctx;
    int rc = 0;
    for (int i = 0; rc == 0 && i < c->n; i++)
        rc = cancel_one(r, c->entry_nos[i], c->cur, err);
    return rc;
}

/*
 * The entries in ascending order: two cancels of overlapping lists then lock their rows in
 * one order and cannot deadlock. NULL when out of memory.
 */
static int64_t *sorted_copy(const int64_t *nos, int n)
{
    int64_t *s = malloc(sizeof(*s) * (size_t)(n > 0 ? n : 1));
    if (s && n > 0) {
        memcpy(s, nos, sizeof(*s) * (size_t)n);
        qsort(s, (size_t)n, sizeof(*s), cmp_int64);
    }
    return s;
}

int relm_interaction_cancel(relm_t *r, const int64_t *entry_nos, int n, relm_error_t *err)
{
    int rc = check_distinct(entry_nos, n, err);
    if (rc)
        return rc;
    int64_t *sorted = sorted_copy(entry_nos, n);
    cancel_run_t c = {sorted, n, malloc(sizeof(relm_interaction_t))};
    rc = sorted && c.cur ? relm_transaction(r, cancel_run, &c, err)
                         : relm_error_set(err, RELM_ENOMEM, "out of memory");
    free(c.cur);
    free(sorted);
    return rc;
}

int relm_interaction_evaluate(relm_t *r, int64_t entry_no, const char *evaluation,
                              int attempt_failed, relm_error_t *err)
{
    relm_interaction_t *cur = malloc(sizeof(*cur));
    if (!cur)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    relm_mask_t cols = G(F_EVALUATION);
    int rc = relm_interaction_get(r, entry_no, cur, err);
    if (rc == 0 && evaluation)
        rc = relm_record_set_index(&relm_interaction_entity, cur, NULL, F_EVALUATION, evaluation,
                                   err);
    if (rc == 0 && attempt_failed >= 0) {
        cur->attempt_failed = attempt_failed ? 1 : 0;
        cols |= G(F_ATTEMPT_FAILED);
    }
    if (rc == 0)
        rc = relm_table_update(r, &relm_interaction_entity, cur, cols, err);
    free(cur);
    return rc;
}

/* Append the condition of a canceled-entry filter over the columns of alias a ("" or "o."). */
static void filter_where(sqlb_t *b, const relm_interaction_t *k, int company, const char *from,
                         const char *to, const relm_interaction_filter_t *f, const char *a)
{
    sqlb_sqlf(b, "%scanceled = 1", a);
    if (f->entry_no_from > 0) {
        sqlb_sqlf(b, " AND %sentry_no >= ?", a);
        sqlb_int(b, f->entry_no_from);
    }
    if (f->entry_no_to > 0) {
        sqlb_sqlf(b, " AND %sentry_no <= ?", a);
        sqlb_int(b, f->entry_no_to);
    }
    const struct {
        const char *col, *val;
    } text_conds[] = {
        {company ? "contact_company_no = ?" : "contact_no = ?", k->contact_no},
        {"date >= ?", from},
        {"date <= ?", to},
        {"campaign_no = ?", k->campaign_no},
        {"interaction_group_code = ?", k->interaction_group_code},
        {"interaction_template_code = ?", k->interaction_template_code},
        {"salesperson_code = ?", k->salesperson_code},
    };
    for (size_t i = 0; i < sizeof(text_conds) / sizeof(text_conds[0]); i++)
        if (text_conds[i].val[0]) {
            sqlb_sqlf(b, " AND %s%s", a, text_conds[i].col);
            sqlb_text(b, text_conds[i].val);
        }
}

int relm_interaction_delete_canceled(relm_t *r, const relm_interaction_filter_t *f, int64_t *count,
                                     relm_error_t *err)
{
    static const relm_interaction_filter_t none = {0};
    if (!f)
        f = &none;
    if (f->entry_no_from < 0 || f->entry_no_to < 0 ||
        (f->entry_no_to > 0 && f->entry_no_from > f->entry_no_to))
        return relm_error_set(err, RELM_EVALIDATION,
                              "delete canceled entries: the entry_no range %" PRId64 "..%" PRId64
                              " is empty or negative",
                              f->entry_no_from, f->entry_no_to);
    relm_interaction_t *k = malloc(sizeof(*k));
    if (!k)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    relm_record_init(&relm_interaction_entity, k);
    char from[RELM_DATE_SZ] = "", to[RELM_DATE_SZ] = "";
    struct {
        const char *v;
        int f;
    } in[] = {{f->contact_no, F_CONTACT_NO},
              {f->campaign_no, F_CAMPAIGN_NO},
              {f->interaction_group_code, F_INTERACTION_GROUP_CODE},
              {f->interaction_template_code, F_INTERACTION_TEMPLATE_CODE},
              {f->salesperson_code, F_SALESPERSON_CODE}};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(in) / sizeof(in[0]); i++)
        if (in[i].v && *in[i].v)
            rc = relm_record_set_index(&relm_interaction_entity, k, NULL, in[i].f, in[i].v, err);
    if (rc == 0 && f->from && *f->from &&
        (rc = relm_record_set_index(&relm_interaction_entity, k, NULL, F_DATE, f->from, err)) == 0)
        relm_copy(from, sizeof(from), k->date);
    if (rc == 0 && f->to && *f->to &&
        (rc = relm_record_set_index(&relm_interaction_entity, k, NULL, F_DATE, f->to, err)) == 0)
        relm_copy(to, sizeof(to), k->date);
    int company = 0;
    if (rc == 0 && k->contact_no[0]) {
        /* A company's entries include its persons', as in the listing. */
        relm_contact_t c;
        relm_error_t scratch = {0};
        company =
            relm_contact_get(r, k->contact_no, &c, &scratch) == 0 && strcmp(c.type, "company") == 0;
    }
    if (rc) {
        free(k);
        return rc;
    }

    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b) {
        free(k);
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    }
    int64_t n = 0;
    relm_stmt_t *s;
    if ((rc = relm_begin(r, err))) {
        free(b);
        free(k);
        return rc;
    }
    sqlb_sql(b, "SELECT count(*) FROM interaction_log_entry WHERE ");
    filter_where(b, k, company, from, to, f, "");
    if ((rc = sqlb_prepare(r, b, &s, err)) == 0) {
        rc = relm_stmt_step(s, err);
        if (rc == RELM_STEP_ROW)
            n = relm_stmt_int(s, 0);
        relm_stmt_release(s);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && !f->dry_run && n > 0) {
        /*
         * First the campaign entries of single interactions that only deleted entries use
         * (a campaign entry other entries share stays), then the entries themselves; their
         * comment lines go with them (ON DELETE CASCADE).
         */
        sqlb_reset(b);
        sqlb_sql(b, "DELETE FROM campaign_entry WHERE logged_segment_entry_no = 0 AND "
                    "segment_no = '' AND entry_no IN (SELECT campaign_entry_no FROM "
                    "interaction_log_entry WHERE ");
        filter_where(b, k, company, from, to, f, "");
        sqlb_sql(b, " AND logged_segment_entry_no = 0 AND campaign_entry_no <> 0) AND NOT EXISTS "
                    "(SELECT 1 FROM interaction_log_entry o WHERE o.campaign_no = "
                    "campaign_entry.campaign_no AND o.campaign_entry_no = campaign_entry.entry_no "
                    "AND NOT (");
        filter_where(b, k, company, from, to, f, "o.");
        sqlb_sql(b, "))");
        rc = sqlb_run(r, b, NULL, err);
        sqlb_reset(b);
        sqlb_sql(b, "DELETE FROM interaction_log_entry WHERE ");
        filter_where(b, k, company, from, to, f, "");
        if (rc == 0)
            rc = sqlb_run(r, b, NULL, err);
    }
    free(b);
    free(k);
    if ((rc = relm_tx_end(r, rc, err)))
        return rc;
    if (count)
        *count = n;
    return 0;
}

void relm_interaction_cursor_format(const relm_interaction_cursor_t *c, char *buf, size_t n)
{
    if (c->entry_no <= 0) {
        relm_copy(buf, n, "");
        return;
    }
    if (!c->sort[0]) {
        snprintf(buf, n, "%s_%s_%" PRId64, c->date, c->time, c->entry_no);
        return;
    }
    /* The key in hex: any text fits between the separators and in a URL as it is. */
    size_t len = (size_t)snprintf(buf, n, "%s~", c->sort);
    for (const unsigned char *k = (const unsigned char *)c->key; *k && len + 3 < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%02x", *k);
    if (len < n)
        snprintf(buf + len, n - len, "~%" PRId64, c->entry_no);
}

static int hex_value(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* "SORT~HEXKEY~ENTRYNO" into out. */
static int sorted_cursor_parse(const char *text, const char *t1, relm_interaction_cursor_t *out,
                               relm_error_t *err)
{
    const char *t2 = strchr(t1 + 1, '~');
    size_t sl = (size_t)(t1 - text), kl = t2 ? (size_t)(t2 - t1 - 1) : 0;
    int64_t no = 0;
    if (!t2 || sl == 0 || sl >= sizeof(out->sort) || kl % 2 || kl / 2 >= sizeof(out->key) ||
        relm_parse_positive(t2 + 1, "cursor", &no, NULL))
        return relm_error_set(err, RELM_EVALIDATION,
                              "cursor \"%.60s\" is not SORT~KEY~ENTRYNO (as printed by a "
                              "previous page)",
                              text);
    memcpy(out->sort, text, sl);
    out->sort[sl] = '\0';
    for (size_t i = 0; i < kl / 2; i++) {
        int hi = hex_value(t1[1 + 2 * i]), lo = hex_value(t1[2 + 2 * i]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return relm_error_set(err, RELM_EVALIDATION, "cursor \"%.60s\" has a bad key", text);
        out->key[i] = (char)(hi * 16 + lo);
    }
    out->key[kl / 2] = '\0';
    out->entry_no = no;
    return 0;
}

int relm_interaction_cursor_parse(const char *text, relm_interaction_cursor_t *out,
                                  relm_error_t *err)
{
    memset(out, 0, sizeof(*out));
    if (!text || !*text)
        return 0;
    const char *t1 = strchr(text, '~');
    if (t1)
        return sorted_cursor_parse(text, t1, out, err);
    const char *u1 = strchr(text, '_');
    const char *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
    char date[RELM_DATE_SZ], tm[RELM_TIME_SZ];
    size_t dl = u1 ? (size_t)(u1 - text) : 0, tl = u2 ? (size_t)(u2 - u1 - 1) : 0;
    int64_t no = 0;
    if (!u2 || dl >= sizeof(date) || tl >= sizeof(tm) ||
        relm_parse_positive(u2 + 1, "cursor", &no, NULL))
        return relm_error_set(err, RELM_EVALIDATION,
                              "cursor \"%.60s\" is not DATE_TIME_ENTRYNO (as printed by a "
                              "previous page)",
                              text);
    memcpy(date, text, dl);
    date[dl] = '\0';
    memcpy(tm, u1 + 1, tl);
    tm[tl] = '\0';
    if ((date[0] && !relm_valid_date(date)) || (tm[0] && !relm_valid_time(tm)))
        return relm_error_set(err, RELM_EVALIDATION, "cursor \"%.60s\" has a bad date or time",
                              text);
    relm_copy(out->date, sizeof(out->date), date);
    relm_copy(out->time, sizeof(out->time), tm);
    out->entry_no = no;
    return 0;
}

/*
 * A listing's sort: the SQL expression of its key (a column name from the field table, or
 * a fixed expression; never text of the caller's), whether the key is a number, and the
 * direction. canon receives the canonical form ("cost:desc") the cursor carries.
 */
typedef struct list_sort {
    char expr[160];
    int is_int;
    int is_date; /* the key is "DATE TIME": ordered by the columns, so that ile_date serves it */
    int desc;
    char canon[48];
} list_sort_t;

static int sort_parse(const char *text, list_sort_t *out, relm_error_t *err)
{
    memset(out, 0, sizeof(*out));
    char name[40]; /* with ":desc" it fits the cursor's sort */
    const char *colon = strchr(text, ':');
    size_t nl = colon ? (size_t)(colon - text) : strlen(text);
    if (nl == 0 || nl >= sizeof(name))
        return relm_error_set(err, RELM_EVALIDATION,
                              "interaction log entry sort \"%.60s\" names no field", text);
    memcpy(name, text, nl);
    name[nl] = '\0';
    if (colon && strcmp(colon + 1, "desc") == 0)
        out->desc = 1;
    else if (colon && strcmp(colon + 1, "asc") != 0)
        return relm_error_set(err, RELM_EVALIDATION,
                              "interaction log entry sort \"%.60s\": the direction must be asc "
                              "or desc",
                              text);
    if (strcmp(name, RELM_INTERACTION_SORT_CONTACT_NAME) == 0) {
        relm_copy(out->expr, sizeof(out->expr),
                  "COALESCE((SELECT c.name FROM contact c WHERE c.no = "
                  "interaction_log_entry.contact_no), '')");
    } else {
        int i = relm_field_index(&relm_interaction_entity, name);
        const relm_field_t *f = i >= 0 ? &relm_interaction_entity.fields[i] : NULL;
        /* Long texts (contact_via, delivery_error, message_id) are no sort keys: a key must
         * fit the cursor. */
        if (!f || (f->flags & RELM_FF_VIRTUAL) ||
            (!relm_field_is_int(f) && f->size > RELM_TEXT100_SZ))
            return relm_error_set(err, RELM_EVALIDATION,
                                  "interaction log entry sort \"%.60s\": %s is no field to sort "
                                  "by",
                                  text, name);
        /* The date sorts with its time, as the default order does. */
        if (i == F_DATE) {
            relm_copy(out->expr, sizeof(out->expr), "date || ' ' || time");
            out->is_date = 1;
        } else
            relm_copy(out->expr, sizeof(out->expr), f->name);
        out->is_int = relm_field_is_int(f);
        relm_copy(name, sizeof(name), f->name); /* kebab-case given: snake_case kept */
    }
    snprintf(out->canon, sizeof(out->canon), "%s:%s", name, out->desc ? "desc" : "asc");
    return 0;
}

int relm_interaction_list(relm_t *r, const relm_interaction_query_t *q, relm_row_fn fn, void *ctx,
                          relm_interaction_cursor_t *next, relm_error_t *err)
{
    /* Normalise and validate the filter values through the field table. */
    relm_interaction_t *k = malloc(2 * sizeof(*k));
    if (!k)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    relm_interaction_t *row = k + 1;
    relm_record_init(&relm_interaction_entity, k);
    char from[RELM_DATE_SZ] = "", to[RELM_DATE_SZ] = "";
    int rc = 0;
    struct {
        const char *v;
        int f;
    } in[] = {{q->contact_no, F_CONTACT_NO},
              {q->salesperson_code, F_SALESPERSON_CODE},
              {q->interaction_template_code, F_INTERACTION_TEMPLATE_CODE},
              {q->segment_no, F_SEGMENT_NO}};
    for (size_t i = 0; rc == 0 && i < sizeof(in) / sizeof(in[0]); i++)
        if (in[i].v && *in[i].v)
            rc = relm_record_set_index(&relm_interaction_entity, k, NULL, in[i].f, in[i].v, err);
    if (rc == 0 && q->from && *q->from &&
        (rc = relm_record_set_index(&relm_interaction_entity, k, NULL, F_DATE, q->from, err)) == 0)
        relm_copy(from, sizeof(from), k->date);
    if (rc == 0 && q->to && *q->to &&
        (rc = relm_record_set_index(&relm_interaction_entity, k, NULL, F_DATE, q->to, err)) == 0)
        relm_copy(to, sizeof(to), k->date);
    if (rc == 0 && (q->flags & RELM_IQ_ACTIVE) && (q->flags & RELM_IQ_CANCELED))
        rc = relm_error_set(err, RELM_EVALIDATION,
                            "interaction log entry list: active and canceled exclude each other");
    list_sort_t sort;
    int sorted = q->sort && *q->sort;
    if (rc == 0 && sorted)
        rc = sort_parse(q->sort, &sort, err);
    if (rc == 0 && q->after.entry_no > 0 && strcmp(q->after.sort, sorted ? sort.canon : "") != 0)
        rc = relm_error_set(err, RELM_EVALIDATION,
                            "the cursor belongs to the sort \"%s\", not \"%s\": start again "
                            "without a cursor",
                            q->after.sort[0] ? q->after.sort : "date:desc",
                            sorted ? sort.canon : "date:desc");
    if (rc) {
        free(k);
        return rc;
    }

    /*
     * A company's entries include its persons'. Only the contact's type is read: this runs
     * before every history page, where reading the whole contact cost as much as the page.
     * Its statement is held (not reset) until the page's has taken its first step: outside a
     * transaction SQLite keeps one read transaction while any statement is pending, so the
     * type and the page come from one snapshot, for the price of one read transaction.
     */
    const char *contact_col = "contact_no";
    relm_stmt_t *held = NULL;
    if (k->contact_no[0]) {
        relm_stmt_t *ts;
        relm_error_t scratch = {0};
        if (relm_stmt_prepare(r->store, "SELECT type FROM contact WHERE no = ?", &ts, &scratch) ==
            0) {
            relm_stmt_bind_text(ts, 1, k->contact_no);
            if (relm_stmt_step(ts, &scratch) == RELM_STEP_ROW) {
                if (strcmp(relm_stmt_text(ts, 0), "company") == 0)
                    contact_col = "contact_company_no";
                held = ts;
            } else {
                relm_stmt_release(ts);
            }
        }
    }

    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b) {
        if (held)
            relm_stmt_release(held);
        free(k);
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    }
    sqlb_sql(b, "SELECT ");
    sqlb_columns(b, &relm_interaction_entity);
    /* The sort key goes last, after the entity's columns, for the cursor. */
    if (sorted)
        sqlb_sqlf(b, ", %s", sort.expr);
    /* A literal, not a parameter: only then can SQLite use the partial index of the
     * postponed entries (migration 029). */
    sqlb_sql(b, (q->flags & RELM_IQ_POSTPONED) ? " FROM interaction_log_entry WHERE postponed = 1"
                                               : " FROM interaction_log_entry WHERE postponed = 0");
    const struct {
        const char *cond, *val;
    } text_conds[] = {
        {strcmp(contact_col, "contact_no") == 0 ? " AND contact_no = ?"
                                                : " AND contact_company_no = ?",
         k->contact_no},
        {" AND salesperson_code = ?", k->salesperson_code},
        {" AND interaction_template_code = ?", k->interaction_template_code},
        {" AND segment_no = ?", k->segment_no},
        {" AND date >= ?", from},
        {" AND date <= ?", to},
    };
    for (size_t i = 0; i < sizeof(text_conds) / sizeof(text_conds[0]); i++)
        if (text_conds[i].val[0]) {
            sqlb_sql(b, text_conds[i].cond);
            sqlb_text(b, text_conds[i].val);
        }
    if (q->logged_segment_entry_no > 0) {
        /* Through ile_logged_segment, whatever the statistics say: most entries of a log are
         * in no logged segment, and SQLite then judges the index poor and walks the whole
         * log in date order instead (minutes at 10,000,000 entries). */
        sqlb_sql(b, " AND entry_no IN (SELECT entry_no FROM interaction_log_entry WHERE "
                    "logged_segment_entry_no = ?)");
        sqlb_int(b, q->logged_segment_entry_no);
    }
    if (q->flags & RELM_IQ_CANCELED)
        sqlb_sql(b, " AND canceled = 1");
    if (q->flags & RELM_IQ_ACTIVE)
        sqlb_sql(b, " AND canceled = 0");
    if (q->flags & RELM_IQ_OUTBOX)
        /* Through the outbox's own (partial) index: otherwise SQLite prefers to walk the
         * whole log in date order (ile_date) looking for the few entries of the outbox. */
        sqlb_sql(b, " AND canceled = 0 AND entry_no IN (SELECT entry_no FROM "
                    "interaction_log_entry WHERE delivery_status <> '')");
    if (q->search && *q->search) {
        /* Every ? is the same "contains" pattern. */
        sqlb_sqlf(b,
                  " AND (%s(description) LIKE %s(?) ESCAPE '\\' OR %s(subject) LIKE %s(?) "
                  "ESCAPE '\\' OR %s(contact_no) LIKE %s(?) ESCAPE '\\' OR %s(contact_via) "
                  "LIKE %s(?) ESCAPE '\\' OR EXISTS (SELECT 1 FROM contact c WHERE c.no = "
                  "interaction_log_entry.contact_no AND %s(c.name) LIKE %s(?) ESCAPE '\\'))",
                  b->fold, b->fold, b->fold, b->fold, b->fold, b->fold, b->fold, b->fold, b->fold,
                  b->fold);
        for (int i = 0; i < 5; i++)
            sqlb_like(b, q->search);
    }
    if (sorted) {
        const char *dir = sort.desc ? "DESC" : "ASC";
        if (sort.is_date) {
            /*
             * The key "DATE TIME" orders as the pair (date, time) does (a date is blank or
             * ten characters and holds no space), and the columns, unlike the joined text,
             * are what the index on (date, time, entry_no) serves: without it a page was a
             * sort of the whole log.
             */
            if (q->after.entry_no > 0) {
                char kd[RELM_TEXT100_SZ];
                relm_copy(kd, sizeof(kd), q->after.key);
                char *sp = strchr(kd, ' ');
                const char *kt = "";
                if (sp) {
                    *sp = '\0';
                    kt = sp + 1;
                }
                sqlb_sqlf(b, " AND (date, time, entry_no) %s (?, ?, ?)", sort.desc ? "<" : ">");
                sqlb_text(b, kd);
                sqlb_text(b, kt);
                sqlb_int(b, q->after.entry_no);
            }
            sqlb_sqlf(b, " ORDER BY date %s, time %s, entry_no %s", dir, dir, dir);
        } else {
            if (q->after.entry_no > 0) {
                /* Keyset: rows strictly after the cursor's (key, entry_no) in the sort's
                 * order. */
                sqlb_sqlf(b, " AND (%s, entry_no) %s (?, ?)", sort.expr, sort.desc ? "<" : ">");
                if (sort.is_int)
                    sqlb_int(b, strtoll(q->after.key, NULL, 10));
                else
                    sqlb_text(b, q->after.key);
                sqlb_int(b, q->after.entry_no);
            }
            sqlb_sqlf(b, " ORDER BY %s %s, entry_no %s", sort.expr, dir, dir);
        }
    } else {
        if (q->after.entry_no > 0) {
            /* Keyset: rows strictly after the cursor in (date, time, entry_no) descending
             * order. */
            sqlb_sql(b, " AND (date, time, entry_no) < (?, ?, ?)");
            sqlb_text(b, q->after.date);
            sqlb_text(b, q->after.time);
            sqlb_int(b, q->after.entry_no);
        }
        sqlb_sql(b, " ORDER BY date DESC, time DESC, entry_no DESC");
    }
    /* One row more than asked tells whether another page follows. */
    if (q->limit > 0)
        sqlb_limit(b, (int64_t)q->limit + 1);

    relm_stmt_t *s;
    rc = sqlb_prepare(r, b, &s, err);
    free(b);
    if (rc) {
        if (held)
            relm_stmt_release(held);
        free(k);
        return rc;
    }
    relm_interaction_cursor_t last;
    memset(&last, 0, sizeof(last));
    long rows = 0;
    int more = 0;
    rc = relm_stmt_step(s, err);
    if (held)
        relm_stmt_release(held); /* the page's statement holds the snapshot now */
    for (; rc == RELM_STEP_ROW; rc = relm_stmt_step(s, err)) {
        if (q->limit > 0 && rows >= q->limit) {
            more = 1;
            break;
        }
        relm_record_init(&relm_interaction_entity, row);
        relm_table_read_row(&relm_interaction_entity, s, row);
        rows++;
        relm_copy(last.date, sizeof(last.date), row->date);
        relm_copy(last.time, sizeof(last.time), row->time);
        last.entry_no = row->entry_no;
        if (sorted) {
            int col = relm_stmt_columns(s) - 1;
            relm_copy(last.sort, sizeof(last.sort), sort.canon);
            if (sort.is_int)
                snprintf(last.key, sizeof(last.key), "%" PRId64, relm_stmt_int(s, col));
            else
                relm_copy(last.key, sizeof(last.key), relm_stmt_text(s, col));
        }
        if (fn(ctx, row)) {
            more = 1;
            break;
        }
    }
    relm_stmt_release(s);
    free(k);
    if (rc < 0)
        return rc;
    if (next) {
        memset(next, 0, sizeof(*next));
        if (more)
            *next = last;
    }
    return 0;
}
