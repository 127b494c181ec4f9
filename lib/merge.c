/*
 * Merge fields in bodies: {{contact.FIELD}}, {{salesperson.FIELD}}, {{entry.FIELD}} and
 * {{setup.FIELD}}, checked when a body is saved and filled in per entry when it is sent or
 * printed; and the merged bodies kept with entries (table attachment, kind 'merged').
 *
 * A merge field is "{{", optional blanks, a source name, ".", a field name, optional
 * blanks, "}}"; names are letters, digits, "_" and "-". Anything else between braces is
 * plain text, so a body may still show "{{" where it means it. In "{{ {{contact.name}}"
 * the field is the innermost pair.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "relm/deliver.h"

typedef struct buf {
    char *p;
    size_t len, cap;
    int oom;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_add_escaped(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_add(b, "&amp;", 5);
            break;
        case '<':
            buf_add(b, "&lt;", 4);
            break;
        case '>':
            buf_add(b, "&gt;", 4);
            break;
        case '"':
            buf_add(b, "&quot;", 6);
            break;
        case '\'':
            buf_add(b, "&#39;", 5);
            break;
        default:
            buf_add(b, s, 1);
        }
    }
}

enum { SRC_CONTACT, SRC_SALESPERSON, SRC_ENTRY, SRC_SETUP, NSRC };

static const struct {
    const char *name;
    const relm_entity_t *e;
} sources[NSRC] = {
    {"contact", &relm_contact_entity},
    {"salesperson", &relm_salesperson_entity},
    {"entry", &relm_interaction_entity},
    {"setup", &relm_setup_entity},
};

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* A parsed field: source and field text within the body. */
typedef struct field {
    const char *src;
    size_t src_len;
    const char *name;
    size_t name_len;
} field_t;

/* Parse the inside of "{{ ... }}" (from..to) as SOURCE.FIELD; 1 when it has that shape. */
static int parse_field(const char *from, const char *to, field_t *f)
{
    while (from < to && (*from == ' ' || *from == '\t'))
        from++;
    while (to > from && (to[-1] == ' ' || to[-1] == '\t'))
        to--;
    const char *p = from;
    while (p < to && name_char(*p))
        p++;
    if (p == from || p >= to || *p != '.')
        return 0;
    f->src = from;
    f->src_len = (size_t)(p - from);
    f->name = ++p;
    while (p < to && name_char(*p))
        p++;
    if (p != to || p == f->name)
        return 0;
    f->name_len = (size_t)(to - f->name);
    return 1;
}

/* Source index and field index of f, or -1 for either when it is not known. */
static void lookup(const field_t *f, int *src, int *idx)
{
    char name[64];
    *src = -1;
    *idx = -1;
    for (int i = 0; i < NSRC; i++)
        if (strlen(sources[i].name) == f->src_len &&
            strncmp(sources[i].name, f->src, f->src_len) == 0)
            *src = i;
    if (*src < 0 || f->name_len >= sizeof(name))
        return;
    memcpy(name, f->name, f->name_len);
    name[f->name_len] = '\0';
    *idx = relm_field_index(sources[*src].e, name);
}

/*
 * Walk body: text between fields goes to text(), each "{{SOURCE.FIELD}}" to field().
 * field() returns nonzero to stop the walk (its value is returned).
 */
typedef struct walker {
    void (*text)(void *ctx, const char *s, size_t n);
    int (*field)(void *ctx, const field_t *f, const char *raw, size_t raw_len);
    void *ctx;
} walker_t;

static int walk(const char *body, const walker_t *w)
{
    const char *p = body ? body : "";
    while (*p) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            w->text(w->ctx, p, strlen(p));
            return 0;
        }
        for (const char *in; (in = strstr(open + 2, "{{")) && in < close;)
            open = in;
        field_t f;
        w->text(w->ctx, p, (size_t)(open - p));
        if (parse_field(open + 2, close, &f)) {
            int rc = w->field(w->ctx, &f, open, (size_t)(close + 2 - open));
            if (rc)
                return rc;
        } else {
            w->text(w->ctx, open, (size_t)(close + 2 - open));
        }
        p = close + 2;
    }
    return 0;
}

int relm_merge_is_html(const char *body)
{
    if (!body)
        return 0;
    const char *p = body;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p == '<')
        return 1;
    for (; *p; p++)
        if (*p == '<' && strncasecmp(p, "<html", 5) == 0)
            return 1;
    return 0;
}

/* ---- check ---- */

typedef struct check_ctx {
    const char *what;
    relm_error_t *err;
} check_ctx_t;

static void check_text(void *ctx, const char *s, size_t n)
{
    (void)ctx, (void)s, (void)n;
}

static int check_field(void *vctx, const field_t *f, const char *raw, size_t raw_len)
{
    check_ctx_t *c = vctx;
    int src, idx;
    lookup(f, &src, &idx);
    if (src >= 0 && idx >= 0)
        return 0;
    if (src < 0)
        return relm_error_set(c->err, RELM_EVALIDATION,
                              "%s: unknown merge field %.*s (the sources are contact, "
                              "salesperson, entry and setup)",
                              c->what, (int)raw_len, raw);
    return relm_error_set(c->err, RELM_EVALIDATION, "%s: unknown merge field %.*s (%s has no %.*s)",
                          c->what, (int)raw_len, raw, sources[src].name, (int)f->name_len, f->name);
}

int relm_merge_check(const char *body, const char *what, relm_error_t *err)
{
    check_ctx_t c = {what, err};
    walker_t w = {check_text, check_field, &c};
    return walk(body, &w);
}

/* ---- merge ---- */

typedef struct merge_ctx {
    buf_t b;
    const void *rec[NSRC];
    int html;
    int keep_missing; /* leave fields of absent records as written (relm_template_merge_new) */
} merge_ctx_t;

static void merge_text(void *vctx, const char *s, size_t n)
{
    buf_add(&((merge_ctx_t *)vctx)->b, s, n);
}

static int merge_field(void *vctx, const field_t *f, const char *raw, size_t raw_len)
{
    merge_ctx_t *m = vctx;
    int src, idx;
    lookup(f, &src, &idx);
    if (src < 0 || idx < 0 || (m->keep_missing && !m->rec[src])) {
        buf_add(&m->b, raw, raw_len);
        return 0;
    }
    if (!m->rec[src])
        return 0;
    char value[RELM_TEXT250_SZ * 4];
    relm_record_format(sources[src].e, m->rec[src], idx, value, sizeof(value));
    if (m->html)
        buf_add_escaped(&m->b, value);
    else
        buf_add(&m->b, value, strlen(value));
    return 0;
}

static char *merge(const char *body, const void *const rec[NSRC], int html, int keep_missing)
{
    merge_ctx_t m = {{0}, {rec[0], rec[1], rec[2], rec[3]}, html, keep_missing};
    walker_t w = {merge_text, merge_field, &m};
    buf_add(&m.b, "", 0);
    walk(body, &w);
    if (m.b.oom) {
        free(m.b.p);
        return NULL;
    }
    return m.b.p;
}

char *relm_merge_new(const char *body, const relm_merge_src_t *src, int html)
{
    const void *rec[NSRC] = {src ? src->contact : NULL, src ? src->salesperson : NULL,
                             src ? src->entry : NULL, src ? src->setup : NULL};
    return merge(body, rec, html, 0);
}

char *relm_template_merge_new(const char *body, const relm_contact_t *c, const void *salesperson)
{
    const void *rec[NSRC] = {c, salesperson, NULL, NULL};
    return merge(body, rec, 0, 1);
}

/* Plain text of an HTML body: tags dropped, line breaks for <br> and block ends, entities. */
char *relm_html_to_text(const char *html)
{
    size_t n = strlen(html);
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
                {"&quot;", '"'}, {"&#39;", '\''}, {"&nbsp;", ' '}};
    for (const char *p = html; *p;) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            if (!end)
                break;
            if (strncasecmp(p, "<br", 3) == 0 || strncasecmp(p, "</p", 3) == 0 ||
                strncasecmp(p, "</div", 5) == 0 || strncasecmp(p, "</h", 3) == 0 ||
                strncasecmp(p, "</li", 4) == 0)
                *o++ = '\n';
            p = end + 1;
            continue;
        }
        if (*p == '&') {
            size_t i;
            for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
                size_t l = strlen(ents[i].ent);
                if (strncmp(p, ents[i].ent, l) == 0) {
                    *o++ = ents[i].c;
                    p += l;
                    break;
                }
            }
            if (i < sizeof(ents) / sizeof(ents[0]))
                continue;
        }
        *o++ = *p++;
    }
    *o = '\0';
    /* Trim leading blank lines the markup left. */
    char *s = out;
    while (*s == '\n' || *s == ' ' || *s == '\r' || *s == '\t')
        s++;
    memmove(out, s, strlen(s) + 1);
    return out;
}

/* ---- the merged body of an entry ---- */

int relm_entry_template_body(relm_t *r, const relm_interaction_t *e, char **body, relm_error_t *err)
{
    *body = NULL;
    if (!e->interaction_template_code[0])
        return relm_error_set(err, RELM_EMISSINGTPL,
                              "interaction log entry %lld has no interaction template to merge",
                              (long long)e->entry_no);
    int rc = 0;
    if (e->language_code[0]) {
        /* Without a variant for the entry's language the template's own body is used. */
        relm_error_t variant = {0};
        rc = relm_template_attachment_get(r, e->interaction_template_code, e->language_code, body,
                                          &variant);
        if (rc && rc != RELM_ENOTFOUND)
            return relm_error_set(err, rc, "%s", variant.message);
        rc = 0;
    }
    if (!*body)
        rc = relm_template_attachment_get(r, e->interaction_template_code, NULL, body, err);
    return rc;
}

int relm_entry_merge_new(relm_t *r, const relm_interaction_t *e, char **out, int *html,
                         relm_error_t *err)
{
    *out = NULL;
    char *body = NULL;
    int rc = relm_entry_template_body(r, e, &body, err);
    if (rc)
        return rc;

    relm_contact_t *c = calloc(1, sizeof(*c));
    relm_salesperson_t *sp = calloc(1, sizeof(*sp));
    relm_setup_t *st = calloc(1, sizeof(*st));
    if (!c || !sp || !st) {
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory merging interaction log entry %lld",
                            (long long)e->entry_no);
        goto out;
    }
    /* A contact or salesperson deleted since leaves its fields empty. */
    relm_error_t ignore = {0};
    relm_merge_src_t src = {NULL, NULL, e, NULL};
    if (e->contact_no[0] && relm_contact_get(r, e->contact_no, c, &ignore) == 0)
        src.contact = c;
    if (e->salesperson_code[0] && relm_salesperson_get(r, e->salesperson_code, sp, &ignore) == 0)
        src.salesperson = sp;
    if ((rc = relm_setup_get(r, st, err)))
        goto out;
    src.setup = st;
    int h = relm_merge_is_html(body);
    *out = relm_merge_new(body, &src, h);
    if (!*out)
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory merging interaction log entry %lld",
                            (long long)e->entry_no);
    if (html)
        *html = h;
out:
    free(body);
    free(c);
    free(sp);
    free(st);
    return rc;
}

/* ---- preview ---- */

int relm_template_merge_preview(relm_t *r, const char *template_code, const char *language,
                                const char *body, const char *contact_no, char **out, int *html,
                                relm_error_t *err)
{
    *out = NULL;
    if (!contact_no || !contact_no[0])
        return relm_error_set(err, RELM_EVALIDATION,
                              "merge preview of interaction template %s: contact_no is required",
                              template_code ? template_code : "");
    relm_interaction_template_t *t = calloc(1, sizeof(*t));
    relm_contact_t *c = calloc(1, sizeof(*c));
    relm_salesperson_t *sp = calloc(1, sizeof(*sp));
    relm_setup_t *st = calloc(1, sizeof(*st));
    relm_interaction_t *e = calloc(1, sizeof(*e));
    char *saved = NULL;
    int rc = 0;
    if (!t || !c || !sp || !st || !e) {
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory previewing interaction template %s",
                            template_code);
        goto out;
    }
    if ((rc = relm_template_get(r, template_code, t, err)) ||
        (rc = relm_contact_get(r, contact_no, c, err)) || (rc = relm_setup_get(r, st, err)))
        goto out;
    if (body) {
        /* Text being edited: refused as saving it would refuse it. */
        char what[RELM_CODE10_SZ + 32];
        snprintf(what, sizeof(what), "interaction template %s", t->code);
        if (!relm_valid_utf8(body)) {
            rc = relm_error_set(err, RELM_EVALIDATION, "%s: the body is not valid UTF-8", what);
            goto out;
        }
        if ((rc = relm_merge_check(body, what, err)))
            goto out;
    } else {
        rc = relm_template_attachment_get(r, t->code, language && language[0] ? language : NULL,
                                          &saved, err);
        if (rc)
            goto out;
        body = saved;
    }
    /* The entry Create Interaction would make for the contact from the template. */
    relm_record_init(&relm_interaction_entity, e);
    relm_copy(e->interaction_template_code, sizeof(e->interaction_template_code), t->code);
    relm_copy(e->interaction_group_code, sizeof(e->interaction_group_code),
              t->interaction_group_code);
    relm_copy(e->description, sizeof(e->description), t->description);
    relm_copy(e->information_flow, sizeof(e->information_flow), t->information_flow);
    relm_copy(e->initiated_by, sizeof(e->initiated_by), t->initiated_by);
    relm_copy(e->campaign_no, sizeof(e->campaign_no), t->campaign_no);
    relm_copy(e->contact_no, sizeof(e->contact_no), c->no);
    relm_copy(e->contact_company_no, sizeof(e->contact_company_no), c->company_no);
    relm_copy(e->salesperson_code, sizeof(e->salesperson_code), c->salesperson_code);
    relm_copy(e->date, sizeof(e->date), relm_workdate(r));
    relm_copy(e->language_code, sizeof(e->language_code),
              language && language[0] ? language : c->language_code);
    relm_copy(e->correspondence_type, sizeof(e->correspondence_type),
              t->ignore_contact_corresp_type || !c->correspondence_type[0]
                  ? t->correspondence_type
                  : c->correspondence_type);
    if (strcmp(e->correspondence_type, "email") == 0)
        relm_copy(e->contact_via, sizeof(e->contact_via), c->email);
    relm_error_t ignore = {0};
    relm_merge_src_t src = {c, NULL, e, st};
    if (c->salesperson_code[0] && relm_salesperson_get(r, c->salesperson_code, sp, &ignore) == 0)
        src.salesperson = sp;
    int h = relm_merge_is_html(body);
    if (!(*out = relm_merge_new(body, &src, h)))
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory previewing interaction template %s",
                            t->code);
    else if (html)
        *html = h;
out:
    free(saved);
    free(t);
    free(c);
    free(sp);
    free(st);
    free(e);
    return rc;
}

static const char sql_attachment_drop[] =
    "DELETE FROM attachment WHERE entry_no = ? AND kind = 'merged'";
static const char sql_attachment_insert[] =
    "INSERT INTO attachment (attachment_no, entry_no, kind, content_type, file_name, encoding, "
    "body, created_at) VALUES (?, ?, 'merged', ?, '', '', ?, ?)";
static const char sql_entry_attachment[] =
    "UPDATE interaction_log_entry SET attachment_no = ? WHERE entry_no = ?";

int relm_entry_attachment_store(relm_t *r, int64_t entry_no, const char *content_type,
                                const char *body, int64_t *attachment_no, relm_error_t *err)
{
    int64_t no = 0;
    char now[RELM_STAMP_SZ];
    relm_stmt_t *s;
    relm_now_stamp(now);
    int rc = relm_store_begin(r->store, err);
    if (rc)
        return rc;
    if ((rc = relm_stmt_prepare(r->store, sql_attachment_drop, &s, err)) == 0) {
        relm_stmt_bind_int(s, 1, entry_no);
        rc = relm_stmt_run(s, err);
    }
    if (rc == 0)
        rc = relm_counter_take(r, "attachment", 1, &no, err);
    if (rc == 0 && (rc = relm_stmt_prepare(r->store, sql_attachment_insert, &s, err)) == 0) {
        relm_stmt_bind_int(s, 1, no);
        relm_stmt_bind_int(s, 2, entry_no);
        relm_stmt_bind_text(s, 3, content_type);
        relm_stmt_bind_text(s, 4, body);
        relm_stmt_bind_text(s, 5, now);
        rc = relm_stmt_run(s, err);
    }
    if (rc == 0 && (rc = relm_stmt_prepare(r->store, sql_entry_attachment, &s, err)) == 0) {
        relm_stmt_bind_int(s, 1, no);
        relm_stmt_bind_int(s, 2, entry_no);
        rc = relm_stmt_run(s, err);
    }
    if (rc) {
        relm_store_rollback(r->store);
        return rc;
    }
    if ((rc = relm_store_commit(r->store, err)))
        return rc;
    if (attachment_no)
        *attachment_no = no;
    return 0;
}

static const char sql_attachment_body[] =
    "SELECT a.body FROM interaction_log_entry e JOIN attachment a "
    "ON a.attachment_no = e.attachment_no WHERE e.entry_no = ?";

int relm_entry_attachment_get(relm_t *r, int64_t entry_no, char **out, relm_error_t *err)
{
    *out = NULL;
    relm_interaction_t *e = malloc(sizeof(*e));
    if (!e)
        return relm_error_set(err, RELM_ENOMEM, "out of memory reading interaction log entry %lld",
                              (long long)entry_no);
    int rc = relm_interaction_get(r, entry_no, e, err);
    int64_t ano = e->attachment_no;
    free(e);
    if (rc || ano == 0)
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql_attachment_body, &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW && !(*out = strdup(relm_stmt_text(s, 0))))
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory reading interaction log entry %lld",
                            (long long)entry_no);
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}
