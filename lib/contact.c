/*
 * Contacts: companies and the persons who work for them.
 *
 * Invariants kept here:
 * - a company's company_no is its own no and its company_name its own name;
 * - a person's company_no is blank or names a company, and its company_name is that
 *   company's name (renaming a company renames it on every person);
 * - every contact has a name (a person's is composed from its name parts when not given);
 * - a contact on a segment not yet logged is never deleted; a company with persons only
 *   together with them (with_persons);
 * - a deleted contact's interaction log entries stay: a person's move to its company, a
 *   company's are detached (blank contact_no and contact_company_no), so that the
 *   statistics of salespersons, templates, campaigns and the company stay true.
 *
 * Adding is one transaction (number and insert), so a refused insert gives its number
 * back. CSV import runs every row through the same add path inside one transaction; it
 * reads marketing setup once and remembers the last company and salesperson it looked up,
 * so a row costs a few cached statements.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "csv.h"
#include "internal.h"
#include "sqlb.h"

typedef relm_contact_t ct_t;

static const char *const types[] = {"company", "person", NULL};

/* Field indexes: each entry of the table below is placed at its index. */
enum {
    F_NO,
    F_TYPE,
    F_NAME,
    F_COMPANY_NO,
    F_COMPANY_NAME,
    F_FIRST_NAME,
    F_MIDDLE_NAME,
    F_SURNAME,
    F_JOB_TITLE,
    F_ADDRESS,
    F_ADDRESS_2,
    F_POST_CODE,
    F_CITY,
    F_COUNTY,
    F_COUNTRY_CODE,
    F_PHONE_NO,
    F_MOBILE_PHONE_NO,
    F_EMAIL,
    F_FAX_NO,
    F_SALESPERSON_CODE,
    F_TERRITORY_CODE,
    F_LANGUAGE_CODE,
    F_CORRESPONDENCE_TYPE,
    F_EXCLUDE_FROM_SEGMENT,
    F_PRIVACY_BLOCKED,
    F_CREATED_AT,
    F_MODIFIED_AT,
    NFIELDS
};

static const relm_field_t fields[] = {
    [F_NO] = FIELD(ct_t, no, RELM_FT_CODE, RELM_FF_KEY, 20, NULL, NULL),
    [F_TYPE] = FIELD(ct_t, type, RELM_FT_ENUM, 0, 0, types, "company"),
    [F_NAME] = FIELD(ct_t, name, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [F_COMPANY_NO] = FIELD(ct_t, company_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_COMPANY_NAME] = FIELD(ct_t, company_name, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [F_FIRST_NAME] = FIELD(ct_t, first_name, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_MIDDLE_NAME] = FIELD(ct_t, middle_name, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_SURNAME] = FIELD(ct_t, surname, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_JOB_TITLE] = FIELD(ct_t, job_title, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_ADDRESS] = FIELD(ct_t, address, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [F_ADDRESS_2] = FIELD(ct_t, address_2, RELM_FT_TEXT, 0, 50, NULL, NULL),
    [F_POST_CODE] = FIELD(ct_t, post_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_CITY] = FIELD(ct_t, city, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_COUNTY] = FIELD(ct_t, county, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_COUNTRY_CODE] = FIELD(ct_t, country_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [F_PHONE_NO] = FIELD(ct_t, phone_no, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_MOBILE_PHONE_NO] = FIELD(ct_t, mobile_phone_no, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_EMAIL] = FIELD(ct_t, email, RELM_FT_EMAIL, 0, 80, NULL, NULL),
    [F_FAX_NO] = FIELD(ct_t, fax_no, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [F_SALESPERSON_CODE] = FIELD(ct_t, salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [F_TERRITORY_CODE] = FIELD(ct_t, territory_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [F_LANGUAGE_CODE] = FIELD(ct_t, language_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [F_CORRESPONDENCE_TYPE] =
        FIELD(ct_t, correspondence_type, RELM_FT_ENUM, 0, 0, relm_correspondence_types, NULL),
    [F_EXCLUDE_FROM_SEGMENT] =
        FIELD(ct_t, exclude_from_segment, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [F_PRIVACY_BLOCKED] = FIELD(ct_t, privacy_blocked, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [F_CREATED_AT] = FIELD(ct_t, created_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
    [F_MODIFIED_AT] = FIELD(ct_t, modified_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
};

_Static_assert(sizeof(fields) / sizeof(fields[0]) == NFIELDS, "field indexes match the table");

/*
 * The per-row statements of the add path, spelled out once so that a row costs a cache
 * lookup, not the assembly of SQL text. Columns are in field-table order.
 */
static const char sql_insert[] =
    "INSERT INTO contact (no, type, name, company_no, company_name, first_name, middle_name, "
    "surname, job_title, address, address_2, post_code, city, county, country_code, phone_no, "
    "mobile_phone_no, email, fax_no, salesperson_code, territory_code, language_code, "
    "correspondence_type, exclude_from_segment, privacy_blocked, created_at, modified_at, "
    "search_folded, email_folded) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?)";

/* The address block a person inherits from its company as a whole. */
static const int address_fields[] = {F_ADDRESS, F_ADDRESS_2, F_POST_CODE,
                                     F_CITY,    F_COUNTY,    F_COUNTRY_CODE};
#define NADDRESS ((int)(sizeof(address_fields) / sizeof(address_fields[0])))

static int op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err);

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_contact_get(r, key, out, err);
}

static int op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                     relm_error_t *err)
{
    return relm_contact_update(r, key, changes, given, err);
}

static int op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    return relm_contact_delete(r, key, err);
}

static int op_stats(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_contact_stats(r, key, out, err);
}

const relm_entity_t relm_contact_entity = {
    "contact", "contact", sizeof(ct_t), fields,    NFIELDS,
    op_add,    op_get,    op_update,    op_remove, &relm_contact_stats_entity,
    op_stats,
};

/*
 * Lookups remembered across the rows of one add or import. Nothing here outlives the
 * transaction it was filled in, so it cannot go stale.
 */
typedef struct add_cache {
    char stamp[RELM_STAMP_SZ];        /* created_at for every row (import) */
    int manual_checked;               /* contact_nos allows typed numbers */
    char salesperson[RELM_CODE20_SZ]; /* last salesperson found to exist */
    int have_company;                 /* company holds a row read or inserted */
    relm_contact_t company;           /* the last company seen */
    relm_numseries_block_t *nos;      /* contact numbers taken in blocks, or NULL: one by one */
} add_cache_t;

static int is_person(const relm_contact_t *c)
{
    return strcmp(c->type, "person") == 0;
}

/* "contact CT000001" or "new contact" for messages. */
static const char *label(const relm_contact_t *c, char *buf, size_t n)
{
    if (c->no[0])
        snprintf(buf, n, "contact %s", c->no);
    else
        snprintf(buf, n, "new contact");
    return buf;
}

/* name = first [middle] surname, cut to the field's 100 characters. */
static void compose_name(relm_contact_t *c)
{
    char buf[RELM_TEXT50_SZ * 3 + 3] = "";
    const char *parts[] = {c->first_name, c->middle_name, c->surname};
    size_t len = 0;
    for (int i = 0; i < 3; i++) {
        if (!parts[i][0])
            continue;
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "", parts[i]);
    }
    size_t chars = 0, bytes = 0;
    for (; buf[bytes]; bytes++) {
        if (((unsigned char)buf[bytes] & 0xc0) != 0x80 && ++chars > (size_t)fields[F_NAME].maxlen)
            break;
    }
    buf[bytes] = '\0';
    relm_copy(c->name, sizeof(c->name), buf);
}

static int read_contact(relm_t *r, const char *no, relm_contact_t *out, relm_error_t *err)
{
    relm_record_init(&relm_contact_entity, out);
    relm_copy(out->no, sizeof(out->no), no);
    return relm_table_get(r, &relm_contact_entity, out, out, err);
}

/* The company named by a person's company_no, through the cache. */
static int find_company(relm_t *r, const relm_contact_t *c, add_cache_t *cache, relm_error_t *err)
{
    char who[RELM_CODE20_SZ + 16];
    if (cache->have_company && strcmp(cache->company.no, c->company_no) == 0)
        return 0;
    cache->have_company = 0;
    int rc = read_contact(r, c->company_no, &cache->company, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, RELM_ENOTFOUND, "%s: company_no %s does not exist",
                              label(c, who, sizeof(who)), c->company_no);
    if (rc)
        return rc;
    if (strcmp(cache->company.type, "company") != 0)
        return relm_error_set(err, RELM_EVALIDATION, "%s: company_no %s is a person, not a company",
                              label(c, who, sizeof(who)), c->company_no);
    cache->have_company = 1;
    return 0;
}

static int check_salesperson(relm_t *r, const relm_contact_t *c, add_cache_t *cache,
                             relm_error_t *err)
{
    char who[RELM_CODE20_SZ + 16];
    if (!c->salesperson_code[0] || strcmp(cache->salesperson, c->salesperson_code) == 0)
        return 0;
    int64_t n = 0;
    int rc = relm_count(r, "SELECT count(*) FROM salesperson WHERE code = ?", c->salesperson_code,
                        &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return relm_error_set(err, RELM_ENOTFOUND, "%s: salesperson_code %s does not exist",
                              label(c, who, sizeof(who)), c->salesperson_code);
    relm_copy(cache->salesperson, sizeof(cache->salesperson), c->salesperson_code);
    return 0;
}

static int address_blank(const relm_contact_t *c, relm_mask_t given)
{
    for (int i = 0; i < NADDRESS; i++) {
        int f = address_fields[i];
        if ((given & RELM_BIT(f)) || ((const char *)c + fields[f].offset)[0])
            return 0;
    }
    return 1;
}

/*
 * A person's link to its company: company_name from the company, and (when marketing
 * setup says so) the company's salesperson and address for fields left blank and not
 * given.
 */
static int link_company(relm_t *r, relm_contact_t *c, relm_mask_t given, const relm_setup_t *setup,
                        add_cache_t *cache, relm_error_t *err)
{
    char who[RELM_CODE20_SZ + 16];
    if (!c->company_no[0])
        return 0;
    if (strcmp(c->company_no, c->no) == 0)
        return relm_error_set(err, RELM_EVALIDATION,
                              "%s: a person cannot be its own company (company_no)",
                              label(c, who, sizeof(who)));
    int rc = find_company(r, c, cache, err);
    if (rc)
        return rc;
    const relm_contact_t *co = &cache->company;
    relm_copy(c->company_name, sizeof(c->company_name), co->name);
    if (setup->inherit_salesperson_code && !(given & RELM_BIT(F_SALESPERSON_CODE)) &&
        !c->salesperson_code[0])
        relm_copy(c->salesperson_code, sizeof(c->salesperson_code), co->salesperson_code);
    if (setup->inherit_address_details && address_blank(c, given))
        for (int i = 0; i < NADDRESS; i++) {
            const relm_field_t *f = &fields[address_fields[i]];
            memcpy((char *)c + f->offset, (const char *)co + f->offset, f->size);
        }
    return 0;
}

/* Prefix err's message with `what` and ": ", keeping its code. */
static int prefix(relm_error_t *err, int rc, const char *what)
{
    if (!err)
        return rc;
    char msg[sizeof(err->message)];
    memcpy(msg, err->message, sizeof(msg));
    return relm_error_set(err, rc, "%s: %s", what, msg);
}

/* The rules every add and update share, after the caller has settled type and parts. */
static int check_name(const relm_contact_t *c, relm_error_t *err)
{
    char who[RELM_CODE20_SZ + 16];
    if (c->name[0])
        return 0;
    return relm_error_set(err, RELM_EVALIDATION,
                          "%s: name is required (for a person, give name or first_name, "
                          "middle_name, surname)",
                          label(c, who, sizeof(who)));
}

/*
 * The folded copies of what search and e-mail matching compare (migration 027): *search
 * the folded number, name, e-mail and city separated by U+001F, *email the folded e-mail.
 * Both malloc'd, the caller's. Errors: out_of_memory.
 */
#define SEARCH_SEP "\x1f"

static int folded(const char *no, const char *name, const char *email, const char *city,
                  char **search, char **femail, relm_error_t *err)
{
    const char *parts[] = {no, name, email, city};
    size_t n[4], cap = 0, len = 0, email_at = 0, email_len = 0;
    for (int i = 0; i < 4; i++)
        cap += (n[i] = strlen(parts[i])) + 1;
    /* ASCII parts (nearly all) fold straight into *search; only others take a copy. */
    char *out = malloc(cap);
    int i = 0;
    for (; out && i < 4; i++) {
        if (i)
            out[len++] = SEARCH_SEP[0];
        size_t at = len;
        if (relm_fold_ascii(parts[i], n[i], out + len)) {
            len += n[i];
        } else {
            char *f = relm_fold_new(parts[i]);
            if (!f)
                break;
            size_t fl = strlen(f);
            cap += fl > n[i] ? fl - n[i] : 0;
            char *grown = realloc(out, cap);
            if (grown)
                memcpy(grown + len, f, fl + 1);
            free(f);
            if (!grown)
                break;
            out = grown;
            len += fl;
        }
        if (i == 2) {
            email_at = at;
            email_len = len - at;
        }
    }
    *search = NULL;
    *femail = NULL;
    if (out && i == 4 && (*femail = malloc(email_len + 1))) {
        memcpy(*femail, out + email_at, email_len);
        (*femail)[email_len] = '\0';
        *search = out;
        return 0;
    }
    free(out);
    return relm_error_set(err, RELM_ENOMEM, "out of memory folding contact %s", no);
}

static int insert(relm_t *r, const relm_contact_t *c, relm_error_t *err)
{
    relm_stmt_t *s;
    char *search, *email;
    int rc = folded(c->no, c->name, c->email, c->city, &search, &email, err);
    if (rc)
        return rc;
    /* Every value outlives the statement's run: bound in place, not copied. */
    if ((rc = relm_stmt_prepare(r->store, sql_insert, &s, err)) == 0) {
        for (int i = 0; i < NFIELDS; i++) {
            const relm_field_t *f = &fields[i];
            if (relm_field_is_int(f))
                relm_stmt_bind_int(s, i + 1, relm_record_int(&relm_contact_entity, c, i));
            else
                relm_stmt_bind_text_kept(s, i + 1, (const char *)c + f->offset);
        }
        relm_stmt_bind_text_kept(s, NFIELDS + 1, search);
        relm_stmt_bind_text_kept(s, NFIELDS + 2, email);
        rc = relm_stmt_run(s, err);
    }
    free(search);
    free(email);
    return rc;
}

static const char sql_refold_read[] =
    "SELECT no, name, email, city FROM contact WHERE no > ? ORDER BY no LIMIT 1000";
static const char sql_refold_one[] = "SELECT no, name, email, city FROM contact WHERE no = ?";
static const char sql_refold_write[] =
    "UPDATE contact SET search_folded = ?, email_folded = ? WHERE no = ?";

static int write_folded(relm_t *r, const char *no, const char *name, const char *email,
                        const char *city, relm_error_t *err)
{
    char *search, *femail;
    relm_stmt_t *s;
    int rc = folded(no, name, email, city, &search, &femail, err);
    if (rc)
        return rc;
    if ((rc = relm_stmt_prepare(r->store, sql_refold_write, &s, err)) == 0) {
        relm_stmt_bind_text(s, 1, search);
        relm_stmt_bind_text(s, 2, femail);
        relm_stmt_bind_text(s, 3, no);
        rc = relm_stmt_run(s, err);
    }
    free(search);
    free(femail);
    return rc;
}

/* Rows read before they are written: the statement is done with before the UPDATEs run. */
typedef struct fold_row {
    char no[RELM_CODE20_SZ], name[RELM_TEXT250_SZ], email[RELM_TEXT250_SZ], city[RELM_TEXT250_SZ];
} fold_row_t;

static int refold(relm_t *r, const char *only, relm_error_t *err)
{
    fold_row_t *rows = malloc(1000 * sizeof(*rows));
    if (!rows)
        return relm_error_set(err, RELM_ENOMEM, "out of memory folding contacts");
    char last[RELM_CODE20_SZ] = "";
    int rc = 0, n;
    do {
        relm_stmt_t *s;
        n = 0;
        if ((rc = relm_stmt_prepare(r->store, only ? sql_refold_one : sql_refold_read, &s, err)))
            break;
        relm_stmt_bind_text(s, 1, only ? only : last);
        while (n < 1000 && (rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
            relm_copy(rows[n].no, sizeof(rows[n].no), relm_stmt_text(s, 0));
            relm_copy(rows[n].name, sizeof(rows[n].name), relm_stmt_text(s, 1));
            relm_copy(rows[n].email, sizeof(rows[n].email), relm_stmt_text(s, 2));
            relm_copy(rows[n].city, sizeof(rows[n].city), relm_stmt_text(s, 3));
            n++;
        }
        relm_stmt_release(s);
        if (rc < 0)
            break;
        rc = 0;
        for (int i = 0; rc == 0 && i < n; i++)
            rc = write_folded(r, rows[i].no, rows[i].name, rows[i].email, rows[i].city, err);
        if (n)
            relm_copy(last, sizeof(last), rows[n - 1].no);
    } while (rc == 0 && n == 1000 && !only);
    free(rows);
    return rc;
}

int relm_contact_refold(relm_t *r, const char *no, relm_error_t *err)
{
    return refold(r, no, err);
}

int relm_contact_refold_all(relm_t *r, relm_error_t *err)
{
    return refold(r, NULL, err);
}

/*
 * Add one contact inside the caller's transaction. given: fields the caller set
 * explicitly (a blank field not given takes defaults and inherited values).
 */
static int add_row(relm_t *r, relm_contact_t *c, relm_mask_t given, const relm_setup_t *setup,
                   add_cache_t *cache, relm_error_t *err)
{
    char who[RELM_CODE20_SZ + 16];
    int rc;
    if (is_person(c)) {
        if (!c->name[0])
            compose_name(c);
        if ((rc = link_company(r, c, given, setup, cache, err)))
            return rc;
    }
    if ((rc = check_name(c, err)))
        return rc;
    /* After link_company: a person's company salesperson (inherit on) wins over the
     * setup default, which only fills what is still blank. */
    if (!(given & RELM_BIT(F_SALESPERSON_CODE)) && !c->salesperson_code[0])
        relm_copy(c->salesperson_code, sizeof(c->salesperson_code),
                  setup->default_salesperson_code);
    if ((rc = check_salesperson(r, c, cache, err)))
        return rc;
    if (!(given & RELM_BIT(F_LANGUAGE_CODE)) && !c->language_code[0])
        relm_copy(c->language_code, sizeof(c->language_code), setup->default_language_code);
    if (!(given & RELM_BIT(F_CORRESPONDENCE_TYPE)) && !c->correspondence_type[0])
        relm_copy(c->correspondence_type, sizeof(c->correspondence_type),
                  setup->default_correspondence_type);

    if (!c->no[0]) {
        if (!setup->contact_nos[0])
            return relm_error_set(err, RELM_ESETUP,
                                  "new contact: no is blank and marketing setup contact_nos is "
                                  "not set (give a no or set contact_nos)");
        if ((rc = cache->nos
                      ? relm_numseries_block_next(r, cache->nos, setup->contact_nos, c->no, err)
                      : relm_numseries_next(r, setup->contact_nos, NULL, c->no, err)))
            return rc;
    } else {
        if (setup->contact_nos[0] && !cache->manual_checked) {
            if ((rc = relm_numseries_check_manual(r, setup->contact_nos, err)))
                return prefix(err, rc, label(c, who, sizeof(who)));
            cache->manual_checked = 1;
        }
    }
    if (!is_person(c)) {
        relm_copy(c->company_no, sizeof(c->company_no), c->no);
        relm_copy(c->company_name, sizeof(c->company_name), c->name);
    }
    if (cache->stamp[0])
        memcpy(c->created_at, cache->stamp, sizeof(c->created_at));
    else
        relm_now_stamp(c->created_at);
    memcpy(c->modified_at, c->created_at, sizeof(c->modified_at));
    /* A number in use (typed, or handed out by a series that overlaps typed ones) is
     * refused by the primary key: one statement per row instead of a lookup and an insert. */
    if ((rc = insert(r, c, err)) == RELM_EEXISTS)
        return relm_error_set(err, rc, "contact %s already exists", c->no);
    if (rc)
        return rc;
    if (!is_person(c)) {
        /* Persons of this company often follow it (demo data, imports). */
        cache->company = *c;
        cache->have_company = 1;
    }
    return 0;
}

typedef struct add_run {
    relm_contact_t *c, *orig;
    relm_mask_t given;
    add_cache_t *cache;
} add_run_t;

/* One run of add_row with setup read now; each run starts from the caller's record. */
static int add_run(relm_t *r, void *ctx, relm_error_t *err)
{
    add_run_t *a = ctx;
    relm_setup_t setup;
    memcpy(a->c, a->orig, sizeof(*a->c));
    memset(a->cache, 0, sizeof(*a->cache));
    int rc = relm_setup_get(r, &setup, err);
    return rc ? rc : add_row(r, a->c, a->given, &setup, a->cache, err);
}

/* Run add_row in its own transaction (level), run again when the database aborts it. */
static int add_one(relm_t *r, relm_contact_t *c, relm_mask_t given, relm_error_t *err)
{
    add_run_t a = {c, malloc(sizeof(*c)), given, malloc(sizeof(add_cache_t))};
    int rc =
        a.orig && a.cache ? 0 : relm_error_set(err, RELM_ENOMEM, "out of memory adding a contact");
    if (rc == 0) {
        memcpy(a.orig, c, sizeof(*c));
        rc = relm_transaction(r, add_run, &a, err);
    }
    free(a.orig);
    free(a.cache);
    return rc;
}

static int op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    return add_one(r, rec, given, err);
}

struct relm_contact_batch {
    relm_setup_t setup;
    add_cache_t cache;
    relm_numseries_block_t nos;
};

relm_contact_batch_t *relm_contact_batch_new(relm_t *r, relm_error_t *err)
{
    relm_contact_batch_t *b = calloc(1, sizeof(*b));
    if (!b) {
        relm_error_set(err, RELM_ENOMEM, "out of memory importing contacts");
        return NULL;
    }
    relm_now_stamp(b->cache.stamp);
    if (relm_setup_get(r, &b->setup, err)) {
        free(b);
        return NULL;
    }
    return b;
}

int relm_contact_batch_add(relm_t *r, relm_contact_batch_t *b, relm_contact_t *c, relm_mask_t given,
                           relm_error_t *err)
{
    return add_row(r, c, given, &b->setup, &b->cache, err);
}

void relm_contact_batch_use_blocks(relm_contact_batch_t *b)
{
    b->cache.nos = &b->nos;
}

int relm_contact_batch_release(relm_t *r, relm_contact_batch_t *b, relm_error_t *err)
{
    return relm_numseries_block_release(r, &b->nos, err);
}

void relm_contact_batch_free(relm_contact_batch_t *b)
{
    free(b);
}

int relm_contact_add(relm_t *r, relm_contact_t *c, relm_error_t *err)
{
    return add_one(r, c, 0, err);
}

int relm_contact_get(relm_t *r, const char *no, relm_contact_t *out, relm_error_t *err)
{
    relm_record_init(&relm_contact_entity, out);
    int rc = relm_record_set_index(&relm_contact_entity, out, NULL, F_NO, no, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_contact_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "contact %s does not exist", out->no);
    return rc;
}

static int count_persons(relm_t *r, const char *no, int64_t *n, relm_error_t *err)
{
    return relm_count(r, "SELECT count(*) FROM contact WHERE company_no = ? AND type = 'person'",
                      no, n, err);
}

static int update_in_tx(relm_t *r, const char *no, const relm_contact_t *changes, relm_mask_t given,
                        relm_error_t *err)
{
    relm_contact_t *cur = malloc(sizeof(*cur) * 2);
    if (!cur)
        return relm_error_set(err, RELM_ENOMEM, "out of memory updating contact %s", no);
    relm_contact_t *old = cur + 1;
    add_cache_t cache = {0};
    relm_setup_t setup;
    int rc = relm_contact_get(r, no, old, err);
    if (rc == 0)
        rc = relm_setup_get(r, &setup, err);
    if (rc)
        goto done;
    *cur = *old;
    given &= ~(RELM_BIT(F_NO) | RELM_BIT(F_CREATED_AT) | RELM_BIT(F_MODIFIED_AT));
    relm_record_merge(&relm_contact_entity, cur, changes, given);
    int was_company = !is_person(old);

    if (was_company && is_person(cur)) {
        int64_t n = 0;
        if ((rc = count_persons(r, cur->no, &n, err)))
            goto done;
        if (n > 0) {
            rc = relm_error_set(err, RELM_EINUSE,
                                "contact %s is the company of %lld person%s and cannot become a "
                                "person",
                                cur->no, (long long)n, n == 1 ? "" : "s");
            goto done;
        }
        if (!(given & RELM_BIT(F_COMPANY_NO)))
            cur->company_no[0] = '\0';
        if (!(given & RELM_BIT(F_COMPANY_NAME)))
            cur->company_name[0] = '\0';
    }
    if (is_person(cur)) {
        relm_mask_t parts = RELM_BIT(F_FIRST_NAME) | RELM_BIT(F_MIDDLE_NAME) | RELM_BIT(F_SURNAME);
        if (!cur->name[0] || (!(given & RELM_BIT(F_NAME)) && (given & parts)))
            compose_name(cur);
        if (strcmp(cur->company_no, old->company_no) != 0 || was_company) {
            /* A new company: inherit again for what was not given in this update. */
            if ((rc = link_company(r, cur, given, &setup, &cache, err)))
                goto done;
        } else if (cur->company_no[0]) {
            if ((rc = link_company(r, cur, ~(relm_mask_t)0, &setup, &cache, err)))
                goto done;
        }
    } else {
        relm_copy(cur->company_no, sizeof(cur->company_no), cur->no);
        relm_copy(cur->company_name, sizeof(cur->company_name), cur->name);
    }
    if ((rc = check_name(cur, err)))
        goto done;
    if ((given & RELM_BIT(F_SALESPERSON_CODE)) && (rc = check_salesperson(r, cur, &cache, err)))
        goto done;
    relm_now_stamp(cur->modified_at);
    relm_mask_t cols = ((relm_mask_t)1 << NFIELDS) - 1;
    cols &= ~(RELM_BIT(F_NO) | RELM_BIT(F_CREATED_AT));
    if ((rc = relm_table_update(r, &relm_contact_entity, cur, cols, err)) ||
        (rc = write_folded(r, cur->no, cur->name, cur->email, cur->city, err)))
        goto done;
    if (!is_person(cur) && strcmp(cur->name, old->name) != 0) {
        relm_stmt_t *s;
        static const char sql[] = "UPDATE contact SET company_name = ?, modified_at = ? "
                                  "WHERE company_no = ? AND type = 'person'";
        if ((rc = relm_stmt_prepare(r->store, sql, &s, err)))
            goto done;
        relm_stmt_bind_text(s, 1, cur->name);
        relm_stmt_bind_text(s, 2, cur->modified_at);
        relm_stmt_bind_text(s, 3, cur->no);
        rc = relm_stmt_run(s, err);
    }
done:
    free(cur);
    return rc;
}

typedef struct update_run {
    const char *no;
    const relm_contact_t *changes;
    relm_mask_t given;
} update_run_t;

static int update_run(relm_t *r, void *ctx, relm_error_t *err)
{
    const update_run_t *u = ctx;
    return update_in_tx(r, u->no, u->changes, u->given, err);
}

int relm_contact_update(relm_t *r, const char *no, const relm_contact_t *changes, relm_mask_t given,
                        relm_error_t *err)
{
    update_run_t u = {no, changes, given};
    return relm_transaction(r, update_run, &u, err);
}

/*
 * The first segment not yet logged that holds contact `no` (or one of company `no`'s
 * persons). Logged segments are gone from segment_header, so every line found here is one
 * that a log would still write. CROSS JOIN keeps the order on SQLite (contact by key, each
 * open segment, its line by the (segment_no, contact_no) index) and is standard SQL.
 */
static const char sql_on_segment[] =
    "SELECT h.no, c.no FROM contact c CROSS JOIN segment_header h CROSS JOIN segment_line l "
    "WHERE l.segment_no = h.no AND l.contact_no = c.no AND c.no = ? ORDER BY h.no LIMIT 1";
static const char sql_persons_on_segment[] =
    "SELECT h.no, c.no FROM contact c CROSS JOIN segment_header h CROSS JOIN segment_line l "
    "WHERE l.segment_no = h.no AND l.contact_no = c.no AND c.company_no = ? "
    "AND c.type = 'person' ORDER BY h.no, c.no LIMIT 1";

static int found_on_segment(relm_stmt_t *s, const relm_contact_t *cur, relm_error_t *err)
{
    int rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        const char *seg = relm_stmt_text(s, 0), *who = relm_stmt_text(s, 1);
        if (strcmp(who, cur->no) == 0)
            rc = relm_error_set(err, RELM_EINUSE,
                                "contact %s is on segment %s, which is not logged yet, and cannot "
                                "be deleted (remove it from the segment first)",
                                cur->no, seg);
        else
            rc = relm_error_set(err, RELM_EINUSE,
                                "contact %s cannot be deleted: its person %s is on segment %s, "
                                "which is not logged yet",
                                cur->no, who, seg);
    } else if (rc == RELM_STEP_DONE) {
        rc = 0;
    }
    return rc;
}

static int refuse_on_segment(relm_t *r, const relm_contact_t *cur, int with_persons,
                             relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = 0;
    for (int pass = 0; pass < 1 + with_persons && rc == 0; pass++) {
        if ((rc = relm_stmt_prepare(r->store, pass ? sql_persons_on_segment : sql_on_segment, &s,
                                    err)))
            return rc;
        relm_stmt_bind_text(s, 1, cur->no);
        rc = found_on_segment(s, cur, err);
        relm_stmt_release(s);
    }
    return rc;
}

/* A person's entries go to its company (blank without one); contact_company_no follows. */
static const char sql_move_person_entries[] =
    "UPDATE interaction_log_entry SET contact_no = ?, "
    "contact_company_no = CASE WHEN ? <> '' THEN ? ELSE contact_company_no END "
    "WHERE contact_no = ?";
/* The same for every person of a company, set-wise. */
static const char sql_move_persons_entries[] =
    "UPDATE interaction_log_entry SET contact_no = ?, contact_company_no = ? "
    "WHERE contact_no IN (SELECT no FROM contact WHERE company_no = ? AND type = 'person')";
static const char sql_delete_persons[] =
    "DELETE FROM contact WHERE company_no = ? AND type = 'person'";
/* A company's entries, its persons' included by now, are detached from it. */
static const char sql_detach_contact[] =
    "UPDATE interaction_log_entry SET contact_no = '' WHERE contact_no = ?";
static const char sql_detach_company[] =
    "UPDATE interaction_log_entry SET contact_company_no = '' WHERE contact_company_no = ?";

static int run_texts(relm_t *r, const char *sql, const char *const *v, int n, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        relm_stmt_bind_text(s, i + 1, v[i]);
    return relm_stmt_run(s, err);
}

static int delete_in_tx(relm_t *r, const char *no, unsigned flags, relm_error_t *err)
{
    relm_contact_t *cur = malloc(sizeof(*cur));
    if (!cur)
        return relm_error_set(err, RELM_ENOMEM, "out of memory deleting contact %s", no);
    int with_persons = (flags & RELM_CONTACT_WITH_PERSONS) != 0;
    int64_t n = 0;
    int rc = relm_contact_get(r, no, cur, err);
    if (rc == 0 && !is_person(cur) && (rc = count_persons(r, cur->no, &n, err)) == 0 && n > 0 &&
        !with_persons)
        rc = relm_error_set(err, RELM_EINUSE,
                            "contact %s is the company of %lld person%s and cannot be deleted "
                            "unless its persons are deleted too (with_persons)",
                            cur->no, (long long)n, n == 1 ? "" : "s");
    if (rc == 0)
        rc = refuse_on_segment(r, cur, !is_person(cur) && with_persons, err);
    if (rc == 0 && is_person(cur)) {
        const char *v[] = {cur->company_no, cur->company_no, cur->company_no, cur->no};
        rc = run_texts(r, sql_move_person_entries, v, 4, err);
    } else if (rc == 0) {
        const char *v[] = {cur->no, cur->no, cur->no};
        if (n > 0 && (rc = run_texts(r, sql_move_persons_entries, v, 3, err)) == 0)
            rc = run_texts(r, sql_delete_persons, v, 1, err);
        if (rc == 0 && (rc = run_texts(r, sql_detach_contact, v, 1, err)) == 0)
            rc = run_texts(r, sql_detach_company, v, 1, err);
    }
    if (rc == 0)
        rc = relm_table_delete(r, &relm_contact_entity, cur, err);
    free(cur);
    return rc;
}

typedef struct delete_run {
    const char *no;
    unsigned flags;
} delete_run_t;

static int delete_run(relm_t *r, void *ctx, relm_error_t *err)
{
    const delete_run_t *d = ctx;
    return delete_in_tx(r, d->no, d->flags, err);
}

int relm_contact_delete_with(relm_t *r, const char *no, unsigned flags, relm_error_t *err)
{
    delete_run_t d = {no, flags};
    return relm_transaction(r, delete_run, &d, err);
}

int relm_contact_delete(relm_t *r, const char *no, relm_error_t *err)
{
    return relm_contact_delete_with(r, no, 0, err);
}

int relm_contact_search(relm_t *r, const char *text, const relm_filter_t *filters, int nfilters,
                        long limit, relm_row_fn fn, void *ctx, relm_error_t *err)
{
    static const int any[] = {F_NO, F_NAME, F_EMAIL, F_CITY};
    if (text && !relm_valid_utf8(text))
        return relm_error_set(err, RELM_EVALIDATION, "contact search: the text is not valid UTF-8");
    /* Text holding the separator could match across fields of search_folded. */
    if (!text || !*text || strchr(text, SEARCH_SEP[0]))
        return relm_list_search(r, &relm_contact_entity, filters, nfilters, any,
                                (int)(sizeof(any) / sizeof(any[0])), text, limit, fn, ctx, err);
    /* The fields searched are folded once, when the contact is written (search_folded). */
    char *pattern = relm_fold_new(text);
    sqlb_t *b = pattern ? sqlb_new(relm_store_fold(r->store)) : NULL;
    if (!b) {
        free(pattern);
        return relm_error_set(err, RELM_ENOMEM, "out of memory searching contacts");
    }
    sqlb_sql(b, "SELECT ");
    sqlb_columns(b, &relm_contact_entity);
    sqlb_sql(b, " FROM contact WHERE 1 = 1");
    for (int i = 0; i < nfilters; i++)
        sqlb_filter(b, &relm_contact_entity, &filters[i], NULL);
    sqlb_sql(b, " AND search_folded LIKE ? ESCAPE '\\'");
    sqlb_like(b, pattern);
    free(pattern);
    sqlb_sql(b, " ORDER BY no");
    sqlb_limit(b, limit);
    relm_stmt_t *s;
    int rc = sqlb_prepare(r, b, &s, err);
    free(b);
    if (rc)
        return rc;
    relm_contact_t *rec = malloc(sizeof(*rec));
    if (!rec) {
        relm_stmt_release(s);
        return relm_error_set(err, RELM_ENOMEM, "out of memory searching contacts");
    }
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        relm_record_init(&relm_contact_entity, rec);
        relm_table_read_row(&relm_contact_entity, s, rec);
        if (fn(ctx, rec)) {
            rc = 0;
            break;
        }
    }
    free(rec);
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/* ---- CSV ---- */

/* Country names address books and CRM exports write, with their codes. */
static const struct {
    const char *name, *code;
} countries[] = {
    {"norway", "NO"},
    {"norge", "NO"},
    {"noreg", "NO"},
    {"sweden", "SE"},
    {"sverige", "SE"},
    {"denmark", "DK"},
    {"danmark", "DK"},
    {"finland", "FI"},
    {"suomi", "FI"},
    {"iceland", "IS"},
    {"germany", "DE"},
    {"deutschland", "DE"},
    {"united kingdom", "GB"},
    {"great britain", "GB"},
    {"uk", "GB"},
    {"england", "GB"},
    {"united states", "US"},
    {"united states of america", "US"},
    {"usa", "US"},
    {"france", "FR"},
    {"netherlands", "NL"},
    {"spain", "ES"},
    {"italy", "IT"},
    {"poland", "PL"},
};

const char *relm_country_code(const char *v)
{
    for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
        if (strcasecmp(v, countries[i].name) == 0)
            return countries[i].code;
    return v;
}

#define PROGRESS_STEP 65536

static int at_line(relm_error_t *err, int rc, int64_t line)
{
    char what[32];
    snprintf(what, sizeof(what), "line %lld", (long long)line);
    return prefix(err, rc, what);
}

typedef struct import {
    relm_csv_reader_t *rd;
    int cols[64]; /* field index per column, -1: the column is skipped */
    int ncols;
    relm_mask_t header_mask;
    int infer_type; /* no type column: a row with name parts is a person */
    relm_contact_batch_t *batch;
    const relm_contact_csv_opts_t *o;
    relm_contact_t c;
} import_t;

/* Headers of common CRM and address-book exports (Outlook, Google, HubSpot, Salesforce). */
static const struct {
    const char *header;
    int field;
} known_headers[] = {
    {"first name", F_FIRST_NAME},
    {"given name", F_FIRST_NAME},
    {"middle name", F_MIDDLE_NAME},
    {"additional name", F_MIDDLE_NAME},
    {"last name", F_SURNAME},
    {"family name", F_SURNAME},
    {"full name", F_NAME},
    {"display name", F_NAME},
    {"account name", F_NAME},
    {"e-mail address", F_EMAIL},
    {"e-mail", F_EMAIL},
    {"email address", F_EMAIL},
    {"e-mail 1 - value", F_EMAIL},
    {"company", F_COMPANY_NAME},
    {"company name", F_COMPANY_NAME},
    {"organization", F_COMPANY_NAME},
    {"organization 1 - name", F_COMPANY_NAME},
    {"job title", F_JOB_TITLE},
    {"title", F_JOB_TITLE},
    {"organization 1 - title", F_JOB_TITLE},
    {"business phone", F_PHONE_NO},
    {"work phone", F_PHONE_NO},
    {"phone", F_PHONE_NO},
    {"phone number", F_PHONE_NO},
    {"phone 1 - value", F_PHONE_NO},
    {"mobile phone", F_MOBILE_PHONE_NO},
    {"mobile", F_MOBILE_PHONE_NO},
    {"mobile phone number", F_MOBILE_PHONE_NO},
    {"cell phone", F_MOBILE_PHONE_NO},
    {"business fax", F_FAX_NO},
    {"fax", F_FAX_NO},
    {"business street", F_ADDRESS},
    {"street", F_ADDRESS},
    {"street address", F_ADDRESS},
    {"address 1 - street", F_ADDRESS},
    {"business street 2", F_ADDRESS_2},
    {"street 2", F_ADDRESS_2},
    {"address 2", F_ADDRESS_2},
    {"business city", F_CITY},
    {"address 1 - city", F_CITY},
    {"business state", F_COUNTY},
    {"state", F_COUNTY},
    {"state/province", F_COUNTY},
    {"region", F_COUNTY},
    {"address 1 - region", F_COUNTY},
    {"business postal code", F_POST_CODE},
    {"zip/postal code", F_POST_CODE},
    {"postal code", F_POST_CODE},
    {"zip", F_POST_CODE},
    {"zip code", F_POST_CODE},
    {"postcode", F_POST_CODE},
    {"address 1 - postal code", F_POST_CODE},
    {"business country/region", F_COUNTRY_CODE},
    {"country/region", F_COUNTRY_CODE},
    {"country", F_COUNTRY_CODE},
    {"address 1 - country", F_COUNTRY_CODE},
};

/* The field a header names: --map first, then field names, then known export headers. */
static int column_field(const import_t *im, const char *name, int *skip)
{
    *skip = 0;
    for (int i = 0; i < im->o->nmap; i++) {
        const char *m = im->o->map[i], *eq = strrchr(m, '=');
        if (eq && (size_t)(eq - m) == strlen(name) && strncasecmp(m, name, (size_t)(eq - m)) == 0) {
            if (!eq[1]) {
                *skip = 1;
                return -1;
            }
            return relm_field_index(&relm_contact_entity, eq + 1);
        }
    }
    /* Field names in any case, words apart by blanks too: "Post Code", "CITY". */
    char canon[64];
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < sizeof(canon); p++)
        canon[n++] = *p == ' ' ? '_' : (char)tolower((unsigned char)*p);
    canon[n] = '\0';
    int idx = relm_field_index(&relm_contact_entity, canon);
    if (idx >= 0)
        return idx;
    for (size_t i = 0; i < sizeof(known_headers) / sizeof(known_headers[0]); i++)
        if (strcasecmp(name, known_headers[i].header) == 0)
            return known_headers[i].field;
    return -1;
}

/* Every --map must name a field relm has (a blank field skips the column). */
static int check_map(const relm_contact_csv_opts_t *o, relm_error_t *err)
{
    for (int i = 0; i < o->nmap; i++) {
        const char *eq = strrchr(o->map[i], '=');
        if (!eq || eq == o->map[i])
            return relm_error_set(err, RELM_EUSAGE,
                                  "map \"%s\": write HEADER=FIELD (HEADER= skips the column)",
                                  o->map[i]);
        if (eq[1] && relm_field_index(&relm_contact_entity, eq + 1) < 0)
            return relm_error_set(err, RELM_EUSAGE, "map \"%s\": contact has no field \"%s\"",
                                  o->map[i], eq + 1);
    }
    return 0;
}

static int read_header(import_t *im, relm_error_t *err)
{
    char **f;
    int n;
    int rc = relm_csv_read(im->rd, &f, &n, err);
    if (rc <= 0)
        return rc;
    if (n > (int)(sizeof(im->cols) / sizeof(im->cols[0])))
        return relm_error_set(err, RELM_EVALIDATION, "line %lld: the header has %d columns",
                              (long long)relm_csv_line(im->rd), n);
    for (int i = 0; i < n; i++) {
        char *name = f[i];
        while (*name == ' ')
            name++;
        for (size_t l = strlen(name); l && name[l - 1] == ' ';)
            name[--l] = '\0';
        int skip;
        int idx = column_field(im, name, &skip);
        im->cols[i] = -1;
        if (skip || (idx < 0 && im->o->skip_unknown))
            continue;
        if (idx < 0)
            return relm_error_set(err, RELM_EVALIDATION,
                                  "line %lld: contact has no field \"%s\" (column %d; map it with "
                                  "--map \"%s=FIELD\" or skip it with --map \"%s=\")",
                                  (long long)relm_csv_line(im->rd), name, i + 1, name, name);
        if (fields[idx].flags & RELM_FF_READONLY)
            return relm_error_set(err, RELM_EVALIDATION,
                                  "line %lld: contact %s is set by relm and cannot be imported",
                                  (long long)relm_csv_line(im->rd), fields[idx].name);
        if (im->header_mask & RELM_BIT(idx))
            return relm_error_set(err, RELM_EVALIDATION,
                                  "line %lld: column %s appears twice (column %d: \"%s\")",
                                  (long long)relm_csv_line(im->rd), fields[idx].name, i + 1, name);
        im->header_mask |= RELM_BIT(idx);
        im->cols[i] = idx;
    }
    im->ncols = n;
    im->infer_type = !(im->header_mask & RELM_BIT(F_TYPE));
    return 1;
}

/* One row into im->c and through the add path; a refusal says "line N: ...". */
static int import_row(relm_t *r, import_t *im, char **f, int n, int64_t line, relm_error_t *err)
{
    int rc;
    if (n != im->ncols)
        return relm_error_set(err, RELM_EVALIDATION,
                              "line %lld: the record has %d fields, the header has %d",
                              (long long)line, n, im->ncols);
    relm_record_init(&relm_contact_entity, &im->c);
    relm_mask_t given = 0;
    for (int i = 0; i < n; i++) {
        if (im->cols[i] < 0)
            continue;
        const char *v = im->cols[i] == F_COUNTRY_CODE ? relm_country_code(f[i]) : f[i];
        if ((rc = relm_record_set_index(&relm_contact_entity, &im->c, &given, im->cols[i], v, err)))
            return at_line(err, rc, line);
    }
    relm_mask_t mask = im->header_mask;
    if (im->infer_type && (im->c.first_name[0] || im->c.middle_name[0] || im->c.surname[0])) {
        relm_copy(im->c.type, sizeof(im->c.type), "person");
        mask |= RELM_BIT(F_TYPE);
    }
    /* A CRM export's company row names the company in its Company column. */
    if (!is_person(&im->c) && !im->c.name[0] && im->c.company_name[0]) {
        relm_copy(im->c.name, sizeof(im->c.name), im->c.company_name);
        mask |= RELM_BIT(F_NAME);
    }
    if ((rc = relm_contact_batch_add(r, im->batch, &im->c, mask, err)))
        return at_line(err, rc, line);
    return 0;
}

static int import_rows(relm_t *r, import_t *im, int64_t total, relm_progress_fn progress,
                       void *pctx, int64_t *imported, int64_t *refused, relm_error_t *err)
{
    int64_t last_report = 0;
    char **f;
    int n, rc;
    while ((rc = relm_csv_read(im->rd, &f, &n, err)) == 1) {
        int64_t line = relm_csv_line(im->rd);
        if (!im->o->dry_run) {
            if ((rc = import_row(r, im, f, n, line, err)))
                return rc;
        } else {
            /* A dry run reports every row: each one in a savepoint, so a refused row
             * leaves nothing behind and the rows after it see what the others added. */
            relm_error_t row_err = {0};
            if ((rc = relm_store_begin(r->store, err)))
                return rc;
            int row_rc = import_row(r, im, f, n, line, &row_err);
            if (row_rc) {
                relm_store_rollback(r->store);
                if (row_rc == RELM_ENOMEM || row_rc == RELM_EIO || row_rc == RELM_ESTORAGE) {
                    *err = row_err;
                    return row_rc;
                }
                (*refused)++;
            } else if ((rc = relm_store_commit(r->store, err))) {
                return rc;
            }
            if (im->o->row)
                im->o->row(im->o->ctx, line, &im->c, row_rc ? &row_err : NULL);
            if (row_rc)
                continue;
        }
        (*imported)++;
        int64_t bytes = relm_csv_bytes(im->rd);
        if (progress && bytes - last_report >= PROGRESS_STEP) {
            progress(pctx, bytes, total, NULL);
            last_report = bytes;
        }
    }
    if (rc == 0 && progress)
        progress(pctx, relm_csv_bytes(im->rd), total, NULL);
    return rc;
}

int relm_contact_import_csv_with(relm_t *r, FILE *in, int64_t total_bytes,
                                 relm_progress_fn progress, void *pctx,
                                 const relm_contact_csv_opts_t *opts, int64_t *imported,
                                 int64_t *refused, relm_error_t *err)
{
    static const relm_contact_csv_opts_t defaults = {0};
    const relm_contact_csv_opts_t *o = opts ? opts : &defaults;
    int64_t count = 0, bad = 0;
    if (imported)
        *imported = 0;
    if (refused)
        *refused = 0;
    int rc = check_map(o, err);
    if (rc)
        return rc;
    FILE *recoded = NULL;
    if (o->encoding && o->encoding[0]) {
        if (!(recoded = relm_csv_recode(in, o->encoding, err)))
            return err ? err->code : RELM_EVALIDATION;
        in = recoded;
        struct stat st;
        if (total_bytes >= 0 && fstat(fileno(recoded), &st) == 0)
            total_bytes = (int64_t)st.st_size;
    }
    import_t *im = calloc(1, sizeof(*im));
    if (!im || !(im->rd = relm_csv_reader_new(in))) {
        free(im);
        if (recoded)
            fclose(recoded);
        return relm_error_set(err, RELM_ENOMEM, "out of memory importing contacts");
    }
    im->o = o;
    if (o->delimiter)
        relm_csv_reader_set_delimiter(im->rd, o->delimiter);
    rc = relm_store_begin(r->store, err);
    if (rc == 0) {
        im->batch = relm_contact_batch_new(r, err);
        rc = im->batch ? 0 : err ? err->code : RELM_ENOMEM;
        /* One transaction for the whole file: its numbers are taken in blocks. A dry run
         * rolls each row back on its own, so it takes them one by one. */
        if (im->batch && !o->dry_run)
            im->batch->cache.nos = &im->batch->nos;
        if (rc == 0 && (rc = read_header(im, err)) == 1)
            rc = import_rows(r, im, total_bytes, progress, pctx, &count, &bad, err);
        /* A dry run writes nothing, whatever it found. */
        if (rc == 0 && !o->dry_run &&
            (rc = relm_numseries_block_release(r, &im->batch->nos, err)) == 0)
            rc = relm_store_commit(r->store, err);
        else
            relm_store_rollback(r->store);
        relm_contact_batch_free(im->batch);
    }
    relm_csv_reader_free(im->rd);
    free(im);
    if (recoded)
        fclose(recoded);
    if (rc == 0 && imported)
        *imported = count;
    if (rc == 0 && refused)
        *refused = bad;
    return rc;
}

int relm_contact_import_csv(relm_t *r, FILE *in, int64_t total_bytes, relm_progress_fn progress,
                            void *pctx, int64_t *imported, relm_error_t *err)
{
    return relm_contact_import_csv_with(r, in, total_bytes, progress, pctx, NULL, imported, NULL,
                                        err);
}

typedef struct export
{
    FILE *out;
    int failed;
    int excel;
}
export_t;

static int export_row(void *ctx, const void *rec)
{
    export_t *x = ctx;
    char buf[RELM_TEXT250_SZ * 4];
    int first = 1;
    for (int i = 0; i < NFIELDS; i++) {
        if (fields[i].flags & RELM_FF_READONLY)
            continue;
        relm_record_format(&relm_contact_entity, rec, i, buf, sizeof(buf));
        if ((x->excel ? relm_csv_write_safe_field : relm_csv_write_field)(x->out, buf, first))
            return x->failed = 1;
        first = 0;
    }
    if (relm_csv_end_record(x->out))
        return x->failed = 1;
    return 0;
}

int relm_contact_export_csv(relm_t *r, FILE *out, relm_error_t *err)
{
    return relm_contact_export_csv_with(r, out, 0, err);
}

int relm_contact_export_csv_with(relm_t *r, FILE *out, unsigned flags, relm_error_t *err)
{
    export_t x = {out, 0, (flags & RELM_CSV_EXCEL) != 0};
    /* A byte order mark tells spreadsheet programs the file is UTF-8. */
    if (x.excel && fputs("\xef\xbb\xbf", out) < 0)
        x.failed = 1;
    int first = 1;
    for (int i = 0; i < NFIELDS && !x.failed; i++) {
        if (fields[i].flags & RELM_FF_READONLY)
            continue;
        x.failed = relm_csv_write_field(out, fields[i].name, first) != 0;
        first = 0;
    }
    if (!x.failed)
        x.failed = relm_csv_end_record(out) != 0;
    /* Companies first, so that every person's company exists when the file is imported. */
    static const char *const passes[] = {"company", "person"};
    int rc = 0;
    for (int p = 0; p < 2 && rc == 0 && !x.failed; p++) {
        relm_filter_t filter = {.field = F_TYPE, .op = "="};
        relm_copy(filter.value, sizeof(filter.value), passes[p]);
        rc = relm_list(r, &relm_contact_entity, &filter, 1, 0, export_row, &x, err);
    }
    if (rc)
        return rc;
    if (x.failed || fflush(out) != 0 || ferror(out))
        return relm_error_set(err, RELM_EIO, "contact export: the output cannot be written");
    return 0;
}
