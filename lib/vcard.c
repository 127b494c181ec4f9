/*
 * Contacts as vCards 3.0 and 4.0 (see include/relm/vcard.h for the mapping).
 *
 * The reader streams: it holds one logical (unfolded) line and the card being built, never
 * the file. Every card goes through the same add path as any new contact
 * (relm_contact_batch_add), inside one transaction for the whole file.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "relm/vcard.h"

#define LINE_MAX_OCTETS 75
#define VALUE_MAX       8192

/* ---- writing ---- */

typedef struct writer {
    FILE *out;
    int version;
    int failed;
} writer_t;

/* Append value to buf (at *len, capacity n) with vCard text escaping. */
static void escape_into(char *buf, size_t n, size_t *len, const char *value)
{
    for (const char *p = value; *p && *len + 3 < n; p++) {
        switch (*p) {
        case '\\':
        case ';':
        case ',':
            buf[(*len)++] = '\\';
            buf[(*len)++] = *p;
            break;
        case '\r':
            break;
        case '\n':
            buf[(*len)++] = '\\';
            buf[(*len)++] = 'n';
            break;
        default:
            buf[(*len)++] = *p;
        }
    }
    buf[*len] = '\0';
}

/* Write one content line folded at 75 octets, never inside a UTF-8 character. */
static void put_line(writer_t *w, const char *line)
{
    size_t len = strlen(line), at = 0;
    int first = 1;
    while (at < len && !w->failed) {
        size_t room = first ? LINE_MAX_OCTETS : LINE_MAX_OCTETS - 1;
        size_t take = len - at < room ? len - at : room;
        /* Back off to the start of a character: continuation bytes are 10xxxxxx. */
        while (take > 0 && at + take < len && ((unsigned char)line[at + take] & 0xc0) == 0x80)
            take--;
        if (fprintf(w->out, "%s%.*s\r\n", first ? "" : " ", (int)take, line + at) < 0)
            w->failed = 1;
        at += take;
        first = 0;
    }
}

/* NAME[;PARAMS]:value, the value escaped; nothing when value is blank. */
static void put_text(writer_t *w, const char *name, const char *value)
{
    if (!value[0])
        return;
    char line[VALUE_MAX];
    size_t len = (size_t)snprintf(line, sizeof(line), "%s:", name);
    escape_into(line, sizeof(line), &len, value);
    put_line(w, line);
}

/* NAME:c1;c2;... with each component escaped (structured values: N, ADR, ORG). */
static void put_structured(writer_t *w, const char *name, const char *const *parts, int n)
{
    char line[VALUE_MAX];
    size_t len = (size_t)snprintf(line, sizeof(line), "%s:", name);
    for (int i = 0; i < n; i++) {
        if (i && len + 2 < sizeof(line)) {
            line[len++] = ';';
            line[len] = '\0';
        }
        escape_into(line, sizeof(line), &len, parts[i]);
    }
    put_line(w, line);
}

static int write_card(void *ctx, const void *rec)
{
    writer_t *w = ctx;
    const relm_contact_t *c = rec;
    int v4 = w->version == 4, company = strcmp(c->type, "company") == 0;
    put_line(w, "BEGIN:VCARD");
    put_line(w, v4 ? "VERSION:4.0" : "VERSION:3.0");
    if (v4)
        put_line(w, company ? "KIND:org" : "KIND:individual");
    put_text(w, "FN", c->name);
    const char *n[] = {c->surname, c->first_name, c->middle_name, "", ""};
    put_structured(w, "N", n, 5);
    const char *org = company ? c->name : c->company_name;
    if (org[0])
        put_structured(w, "ORG", &org, 1);
    put_text(w, "TITLE", c->job_title);
    if (c->address[0] || c->address_2[0] || c->city[0] || c->county[0] || c->post_code[0] ||
        c->country_code[0]) {
        const char *adr[] = {"",        c->address_2, c->address,     c->city,
                             c->county, c->post_code, c->country_code};
        put_structured(w, v4 ? "ADR;TYPE=work" : "ADR;TYPE=WORK", adr, 7);
    }
    put_text(w, v4 ? "TEL;TYPE=\"work,voice\"" : "TEL;TYPE=WORK,VOICE", c->phone_no);
    put_text(w, v4 ? "TEL;TYPE=cell" : "TEL;TYPE=CELL", c->mobile_phone_no);
    put_text(w, v4 ? "TEL;TYPE=\"work,fax\"" : "TEL;TYPE=WORK,FAX", c->fax_no);
    put_text(w, v4 ? "EMAIL;TYPE=work" : "EMAIL;TYPE=INTERNET,WORK", c->email);
    if (v4)
        put_text(w, "LANG", c->language_code);
    put_text(w, "X-RELM-NO", c->no);
    put_text(w, "X-RELM-TYPE", c->type);
    if (!company)
        put_text(w, "X-RELM-COMPANY-NO", c->company_no);
    put_text(w, "X-RELM-SALESPERSON-CODE", c->salesperson_code);
    put_text(w, "X-RELM-TERRITORY-CODE", c->territory_code);
    if (!v4)
        put_text(w, "X-RELM-LANGUAGE-CODE", c->language_code);
    put_text(w, "X-RELM-CORRESPONDENCE-TYPE", c->correspondence_type);
    if (c->exclude_from_segment)
        put_line(w, "X-RELM-EXCLUDE-FROM-SEGMENT:true");
    if (c->privacy_blocked)
        put_line(w, "X-RELM-PRIVACY-BLOCKED:true");
    put_line(w, "END:VCARD");
    return w->failed;
}

int relm_contact_export_vcard(relm_t *r, FILE *out, int version, relm_error_t *err)
{
    if (version != 3 && version != 4)
        return relm_error_set(err, RELM_EUSAGE, "vCard version %d: use 3 (3.0) or 4 (4.0)",
                              version);
    writer_t w = {out, version, 0};
    int type = relm_field_index(&relm_contact_entity, "type");
    static const char *const passes[] = {"company", "person"};
    int rc = 0;
    for (int p = 0; p < 2 && rc == 0 && !w.failed; p++) {
        relm_filter_t f = {.field = type, .op = "="};
        relm_copy(f.value, sizeof(f.value), passes[p]);
        rc = relm_list(r, &relm_contact_entity, &f, 1, 0, write_card, &w, err);
    }
    if (rc)
        return rc;
    if (w.failed || fflush(out) != 0 || ferror(out))
        return relm_error_set(err, RELM_EIO, "vCard export: the output cannot be written");
    return 0;
}

/* ---- reading ---- */

typedef struct reader {
    FILE *in;
    char *line; /* the logical line being returned */
    size_t cap;
    char *next; /* the physical line read ahead */
    size_t next_cap, next_len;
    int has_next, at_start;
    int64_t lineno, next_lineno;
} reader_t;

static int read_physical(reader_t *rd)
{
    ssize_t n = getline(&rd->next, &rd->next_cap, rd->in);
    if (n < 0) {
        rd->has_next = 0;
        return 0;
    }
    rd->next_lineno++;
    while (n > 0 && (rd->next[n - 1] == '\n' || rd->next[n - 1] == '\r'))
        rd->next[--n] = '\0';
    if (rd->at_start && (unsigned char)rd->next[0] == 0xef && (unsigned char)rd->next[1] == 0xbb &&
        (unsigned char)rd->next[2] == 0xbf)
        memmove(rd->next, rd->next + 3, (size_t)n - 2);
    /* Up to a NUL byte, should the line hold one: what the parser sees. */
    rd->next_len = strlen(rd->next);
    rd->at_start = 0;
    rd->has_next = 1;
    return 1;
}

/* The next logical line (continuation lines, starting with a blank or tab, unfolded). */
static int read_logical(reader_t *rd, relm_error_t *err)
{
    for (;;) {
        if (!rd->has_next && !read_physical(rd))
            return ferror(rd->in) ? relm_error_set(err, RELM_EIO, "vCard: the input cannot be read")
                                  : 0;
        if (rd->next[0])
            break;
        rd->has_next = 0; /* blank lines between cards */
    }
    /* The line read ahead becomes the logical line: the buffers change places. */
    char *line = rd->line;
    size_t cap = rd->cap, len = rd->next_len;
    rd->line = rd->next;
    rd->cap = rd->next_cap;
    rd->next = line;
    rd->next_cap = cap;
    rd->has_next = 0;
    rd->lineno = rd->next_lineno;
    while (read_physical(rd) && (rd->next[0] == ' ' || rd->next[0] == '\t')) {
        size_t more = rd->next_len - 1;
        if (len + more > VALUE_MAX * 4)
            return relm_error_set(err, RELM_EVALIDATION, "line %lld: the line is too long",
                                  (long long)rd->lineno);
        if (len + more + 1 > rd->cap) {
            char *p = realloc(rd->line, (len + more + 1) * 2);
            if (!p)
                return relm_error_set(err, RELM_ENOMEM, "out of memory reading vCards");
            rd->line = p;
            rd->cap = (len + more + 1) * 2;
        }
        memcpy(rd->line + len, rd->next + 1, more + 1);
        len += more;
        rd->has_next = 0;
    }
    return 1;
}

/* A content line split into its parts (pointers into the line, which is modified). */
typedef struct prop {
    char name[64];   /* upper-case, group removed */
    char types[256]; /* TYPE values, lower-case, comma-separated */
    int pref;
    int encoded; /* an ENCODING parameter other than 8bit: not text relm reads */
    char *value;
} prop_t;

static void add_type(prop_t *p, const char *v, size_t n)
{
    size_t len = strlen(p->types);
    for (size_t i = 0; i < n && len + 2 < sizeof(p->types); i++) {
        char ch = (char)tolower((unsigned char)v[i]);
        if (ch == '"')
            continue;
        p->types[len++] = ch;
    }
    if (len + 1 < sizeof(p->types))
        p->types[len++] = ',';
    p->types[len] = '\0';
}

static int parse_prop(char *line, prop_t *p)
{
    p->types[0] = '\0';
    p->pref = p->encoded = 0;
    p->value = NULL;
    char *s = line;
    size_t n = strcspn(s, ";:");
    if (!s[n])
        return -1;
    char *dot = memchr(s, '.', n); /* item1.TEL: the group is not needed */
    char *name = dot ? dot + 1 : s;
    size_t nl = (size_t)(s + n - name);
    if (nl == 0 || nl >= sizeof(p->name))
        return -1;
    for (size_t i = 0; i < nl; i++)
        p->name[i] = (char)toupper((unsigned char)name[i]);
    p->name[nl] = '\0';
    s += n;
    while (*s == ';') {
        s++;
        /* One parameter: up to an unquoted ';' or ':'. */
        char *start = s;
        int quoted = 0;
        while (*s && (quoted || (*s != ';' && *s != ':'))) {
            if (*s == '"')
                quoted = !quoted;
            s++;
        }
        size_t plen = (size_t)(s - start);
        char *eq = memchr(start, '=', plen);
        if (!eq) { /* 2.1-style bare type: "WORK" */
            add_type(p, start, plen);
            continue;
        }
        size_t kl = (size_t)(eq - start), vl = plen - kl - 1;
        if (kl == 4 && strncasecmp(start, "TYPE", 4) == 0)
            add_type(p, eq + 1, vl);
        else if (kl == 4 && strncasecmp(start, "PREF", 4) == 0)
            p->pref = 1;
        else if (kl == 8 && strncasecmp(start, "ENCODING", 8) == 0)
            p->encoded = !(vl == 4 && strncasecmp(eq + 1, "8BIT", 4) == 0);
    }
    if (*s != ':')
        return -1;
    p->value = s + 1;
    if (strstr(p->types, "pref,"))
        p->pref = 1;
    return 0;
}

/* Whether t is one of p's types (each ends in ','). */
static int has_type(const prop_t *p, const char *t)
{
    size_t wl = strlen(t);
    for (const char *s = p->types; *s;) {
        const char *c = strchr(s, ',');
        if (!c)
            break;
        if ((size_t)(c - s) == wl && memcmp(s, t, wl) == 0)
            return 1;
        s = c + 1;
    }
    return 0;
}

/*
 * Unescape a text value in place, stopping at an unescaped ';' when split is set (the
 * rest is returned through *rest, or NULL at the end).
 */
static char *unescape(char *v, int split, char **rest)
{
    char *out = v, *p = v;
    if (rest)
        *rest = NULL;
    for (; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *out++ = (*p == 'n' || *p == 'N') ? '\n' : *p;
        } else if (split && *p == ';') {
            if (rest)
                *rest = p + 1;
            break;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return v;
}

/* The fields the reader sets: their indexes are looked up once per import. */
enum {
    V_NAME,
    V_TYPE,
    V_COMPANY_NAME,
    V_FIRST_NAME,
    V_MIDDLE_NAME,
    V_SURNAME,
    V_JOB_TITLE,
    V_ADDRESS,
    V_ADDRESS_2,
    V_POST_CODE,
    V_CITY,
    V_COUNTY,
    V_COUNTRY_CODE,
    V_PHONE_NO,
    V_MOBILE_PHONE_NO,
    V_FAX_NO,
    V_EMAIL,
    V_LANGUAGE_CODE,
    NV
};

static const char *const vfield_names[NV] = {
    [V_NAME] = "name",
    [V_TYPE] = "type",
    [V_COMPANY_NAME] = "company_name",
    [V_FIRST_NAME] = "first_name",
    [V_MIDDLE_NAME] = "middle_name",
    [V_SURNAME] = "surname",
    [V_JOB_TITLE] = "job_title",
    [V_ADDRESS] = "address",
    [V_ADDRESS_2] = "address_2",
    [V_POST_CODE] = "post_code",
    [V_CITY] = "city",
    [V_COUNTY] = "county",
    [V_COUNTRY_CODE] = "country_code",
    [V_PHONE_NO] = "phone_no",
    [V_MOBILE_PHONE_NO] = "mobile_phone_no",
    [V_FAX_NO] = "fax_no",
    [V_EMAIL] = "email",
    [V_LANGUAGE_CODE] = "language_code",
};

/*
 * The card being read: its values by field, and which were set by whom. Everything but
 * fx is set again for each card by card_reset.
 */
typedef struct card {
    int64_t no; /* card number in the file, from 1 */
    char version[8];
    relm_contact_t c;
    relm_mask_t given;
    int from_relm;   /* X-RELM-NO: every field given */
    int type_known;  /* KIND, X-RELM-TYPE or X-ABShowAs settled the type */
    int has_n_parts; /* N had a name part */
    char org[RELM_TEXT100_SZ * 2];
    char street[RELM_TEXT250_SZ], ext[RELM_TEXT250_SZ];
    int have_street;
    int have_tel[3], have_email, have_adr; /* 2: a preferred one was taken */
    int fx[NV];                            /* contact field index of each V_ field */
} card_t;

/* Start the next card (numbered from 1): every value as a new card has it. */
static void card_reset(card_t *k)
{
    k->no++;
    k->version[0] = '\0';
    relm_record_init(&relm_contact_entity, &k->c);
    k->given = 0;
    k->from_relm = k->type_known = k->has_n_parts = 0;
    k->org[0] = k->street[0] = k->ext[0] = '\0';
    k->have_street = 0;
    k->have_tel[0] = k->have_tel[1] = k->have_tel[2] = 0;
    k->have_email = k->have_adr = 0;
}

static int card_error(relm_error_t *err, int rc, const card_t *k, const char *prop)
{
    char msg[sizeof(err->message)];
    memcpy(msg, err->message, sizeof(msg));
    if (prop)
        return relm_error_set(err, rc, "card %lld: %s: %s", (long long)k->no, prop, msg);
    return relm_error_set(err, rc, "card %lld: %s", (long long)k->no, msg);
}

/* Set contact field idx (not a read-only one); a refusal names the card and prop. */
static int set_index(card_t *k, int idx, const char *value, const char *prop, relm_error_t *err)
{
    int rc = relm_record_set_index(&relm_contact_entity, &k->c, &k->given, idx, value, err);
    return rc ? card_error(err, rc, k, prop) : 0;
}

static int set(card_t *k, int field, const char *value, const char *prop, relm_error_t *err)
{
    return set_index(k, k->fx[field], value, prop, err);
}

/* Take a value of a kind there may be several of: the preferred one, else the first. */
static int take(int *have, const prop_t *p)
{
    if (*have == 2 || (*have == 1 && !p->pref))
        return 0;
    *have = p->pref ? 2 : 1;
    return 1;
}

static int read_adr(card_t *k, char *v, relm_error_t *err)
{
    char *part[7] = {0};
    char *rest = v;
    for (int i = 0; i < 7 && rest; i++)
        part[i] = unescape(rest, 1, &rest);
    for (int i = 0; i < 7; i++)
        if (!part[i])
            part[i] = "";
    /* Street and extended address are settled with the whole card (finish_card). */
    relm_copy(k->street, sizeof(k->street), part[2]);
    relm_copy(k->ext, sizeof(k->ext), part[1]);
    k->have_street = 1;
    int rc;
    if ((rc = set(k, V_CITY, part[3], "ADR", err)) ||
        (rc = set(k, V_COUNTY, part[4], "ADR", err)) ||
        (rc = set(k, V_POST_CODE, part[5], "ADR", err)) ||
        (rc = set(k, V_COUNTRY_CODE, relm_country_code(part[6]), "ADR", err)))
        return rc;
    return 0;
}

/*
 * The street of the address: relm writes address_2 as the extended address; Apple writes
 * a second line into the street after a line break, which is address_2 unless the card
 * is relm's own (its address may hold a line break).
 */
static int settle_street(card_t *k, relm_error_t *err)
{
    if (!k->have_street)
        return 0;
    char *street = k->street, *ext = k->ext;
    char *nl = strchr(street, '\n');
    if (nl && !ext[0] && !k->from_relm) {
        *nl = '\0';
        ext = nl + 1;
    }
    int rc = set(k, V_ADDRESS, street, "ADR", err);
    return rc ? rc : set(k, V_ADDRESS_2, ext, "ADR", err);
}

static int read_n(card_t *k, char *v, relm_error_t *err)
{
    char *rest = v;
    char *surname = unescape(rest, 1, &rest);
    char *first = rest ? unescape(rest, 1, &rest) : "";
    char *middle = rest ? unescape(rest, 1, &rest) : "";
    k->has_n_parts = surname[0] || first[0] || middle[0];
    int rc;
    if ((rc = set(k, V_SURNAME, surname, "N", err)) ||
        (rc = set(k, V_FIRST_NAME, first, "N", err)) ||
        (rc = set(k, V_MIDDLE_NAME, middle, "N", err)))
        return rc;
    return 0;
}

/* X-RELM-FIELD-NAME: the field field_name. */
static int read_x_relm(card_t *k, prop_t *p, relm_error_t *err)
{
    char field[64];
    size_t i = 0;
    for (const char *s = p->name + 7; *s && i + 1 < sizeof(field); s++)
        field[i++] = *s == '-' ? '_' : (char)tolower((unsigned char)*s);
    field[i] = '\0';
    int idx = relm_field_index(&relm_contact_entity, field);
    if (idx < 0 || (relm_contact_entity.fields[idx].flags & RELM_FF_READONLY))
        return 0; /* a newer relm's field: not ours to read */
    if (strcmp(field, "no") == 0)
        k->from_relm = 1;
    if (strcmp(field, "type") == 0)
        k->type_known = 1;
    return set_index(k, idx, unescape(p->value, 0, NULL), p->name, err);
}

static int read_prop(card_t *k, prop_t *p, relm_error_t *err)
{
    const char *n = p->name;
    if (strcmp(n, "VERSION") == 0) {
        relm_copy(k->version, sizeof(k->version), p->value);
        if (strcmp(p->value, "3.0") != 0 && strcmp(p->value, "4.0") != 0)
            return relm_error_set(err, RELM_EVALIDATION,
                                  "card %lld: VERSION: %.20s is not supported (3.0 or 4.0)",
                                  (long long)k->no, p->value);
        return 0;
    }
    if (p->encoded)
        return 0; /* PHOTO;ENCODING=b and the like */
    if (strncmp(n, "X-RELM-", 7) == 0)
        return read_x_relm(k, p, err);
    if (strcmp(n, "FN") == 0)
        return set(k, V_NAME, unescape(p->value, 0, NULL), n, err);
    if (strcmp(n, "N") == 0)
        return read_n(k, p->value, err);
    if (strcmp(n, "ORG") == 0) {
        /* ORG:Company;Department: the organisation is the first component. */
        relm_copy(k->org, sizeof(k->org), unescape(p->value, 1, NULL));
        return 0;
    }
    if (strcmp(n, "TITLE") == 0)
        return set(k, V_JOB_TITLE, unescape(p->value, 0, NULL), n, err);
    if (strcmp(n, "KIND") == 0 && !k->type_known) {
        k->type_known = 1;
        return set(k, V_TYPE, strcasecmp(p->value, "org") == 0 ? "company" : "person", n, err);
    }
    if (strcmp(n, "X-ABSHOWAS") == 0 && strcasecmp(p->value, "COMPANY") == 0 && !k->type_known) {
        k->type_known = 1;
        return set(k, V_TYPE, "company", n, err);
    }
    if (strcmp(n, "LANG") == 0)
        return set(k, V_LANGUAGE_CODE, unescape(p->value, 0, NULL), n, err);
    if (strcmp(n, "EMAIL") == 0)
        return take(&k->have_email, p) ? set(k, V_EMAIL, unescape(p->value, 0, NULL), n, err) : 0;
    if (strcmp(n, "ADR") == 0)
        return take(&k->have_adr, p) ? read_adr(k, p->value, err) : 0;
    if (strcmp(n, "TEL") == 0) {
        int kind = has_type(p, "fax") ? 2 : (has_type(p, "cell") || has_type(p, "mobile")) ? 1 : 0;
        static const int tel_fields[] = {V_PHONE_NO, V_MOBILE_PHONE_NO, V_FAX_NO};
        char *v = unescape(p->value, 0, NULL);
        if (strncasecmp(v, "tel:", 4) == 0) /* 4.0 URI form */
            v += 4;
        return take(&k->have_tel[kind], p) ? set(k, tel_fields[kind], v, n, err) : 0;
    }
    return 0;
}

/* The card is complete: settle type and names, then add it. */
static int finish_card(relm_t *r, relm_contact_batch_t *b, card_t *k, relm_error_t *err)
{
    if (!k->version[0])
        return relm_error_set(err, RELM_EVALIDATION, "card %lld: VERSION is missing",
                              (long long)k->no);
    int rc;
    if (!k->type_known &&
        (rc = set(k, V_TYPE, k->org[0] && !k->has_n_parts ? "company" : "person", "N", err)))
        return rc;
    if ((rc = settle_street(k, err)))
        return rc;
    int company = strcmp(k->c.type, "company") == 0;
    if (k->org[0]) {
        if (company && !k->c.name[0])
            rc = set(k, V_NAME, k->org, "ORG", err);
        else if (!company)
            rc = set(k, V_COMPANY_NAME, k->org, "ORG", err);
        if (rc)
            return rc;
    }
    relm_mask_t given = k->given;
    if (k->from_relm)
        for (int i = 0; i < relm_contact_entity.nfields; i++)
            if (!(relm_contact_entity.fields[i].flags & RELM_FF_READONLY))
                given |= RELM_BIT(i);
    rc = relm_contact_batch_add(r, b, &k->c, given, err);
    return rc ? card_error(err, rc, k, NULL) : 0;
}

static int import_cards(relm_t *r, reader_t *rd, relm_contact_batch_t *b, card_t *k, int64_t *count,
                        relm_error_t *err)
{
    int in_card = 0, rc;
    prop_t p;
    while ((rc = read_logical(rd, err)) == 1) {
        if (parse_prop(rd->line, &p))
            return relm_error_set(err, RELM_EVALIDATION,
                                  "line %lld: \"%.40s\" is not a vCard property line",
                                  (long long)rd->lineno, rd->line);
        if (strcmp(p.name, "BEGIN") == 0 && strcasecmp(p.value, "VCARD") == 0) {
            if (in_card)
                return relm_error_set(err, RELM_EVALIDATION,
                                      "card %lld: END:VCARD is missing before line %lld",
                                      (long long)k->no, (long long)rd->lineno);
            card_reset(k);
            in_card = 1;
            continue;
        }
        if (!in_card)
            return relm_error_set(err, RELM_EVALIDATION, "line %lld: %s outside BEGIN:VCARD",
                                  (long long)rd->lineno, p.name);
        if (strcmp(p.name, "END") == 0 && strcasecmp(p.value, "VCARD") == 0) {
            if ((rc = finish_card(r, b, k, err)))
                return rc;
            (*count)++;
            in_card = 0;
            continue;
        }
        if ((rc = read_prop(k, &p, err)))
            return rc;
    }
    if (rc == 0 && in_card)
        return relm_error_set(err, RELM_EVALIDATION, "card %lld: END:VCARD is missing",
                              (long long)k->no);
    return rc;
}

int relm_contact_import_vcard(relm_t *r, FILE *in, int64_t *imported, relm_error_t *err)
{
    int64_t count = 0;
    if (imported)
        *imported = 0;
    reader_t rd = {in, NULL, 0, NULL, 0, 0, 0, 1, 0, 0};
    card_t *k = calloc(1, sizeof(*k));
    if (!k)
        return relm_error_set(err, RELM_ENOMEM, "out of memory importing vCards");
    for (int i = 0; i < NV; i++)
        k->fx[i] = relm_field_index(&relm_contact_entity, vfield_names[i]);
    int rc = relm_store_begin(r->store, err);
    if (rc == 0) {
        relm_contact_batch_t *b = relm_contact_batch_new(r, err);
        /* One transaction for the whole file: numbers from the series are taken in blocks. */
        if (b)
            relm_contact_batch_use_blocks(b);
        rc = b ? import_cards(r, &rd, b, k, &count, err) : err ? err->code : RELM_ENOMEM;
        if (rc == 0)
            rc = relm_contact_batch_release(r, b, err);
        relm_contact_batch_free(b);
        if (rc == 0)
            rc = relm_store_commit(r->store, err);
        else
            relm_store_rollback(r->store);
    }
    free(rd.line);
    free(rd.next);
    free(k);
    if (rc == 0 && imported)
        *imported = count;
    return rc;
}
