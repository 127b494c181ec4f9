/*
 * Hard copy: merged letters rendered to PDF with cairo and pango, one letter per page (a
 * letter longer than a page runs on to the next), each with the contact's postal address
 * block, the date, the subject and the merged body. Printing a logged segment's letters
 * keeps each merged body with its entry and marks the entries delivered, in one
 * transaction after the PDF is written, so a failed render marks nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "internal.h"
#include "relm/deliver.h"

/* A4 in points, margins of 20 mm. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 56.7

static const char sql_segment_entries[] =
    "SELECT entry_no FROM interaction_log_entry WHERE logged_segment_entry_no = ? "
    "AND canceled = 0 AND correspondence_type = 'hard_copy' ORDER BY entry_no";
static const char sql_printed[] =
    "UPDATE interaction_log_entry SET delivery_status = '', delivered_at = ?, "
    "delivery_error = '' WHERE entry_no = ? AND correspondence_type = 'hard_copy' "
    "AND delivery_status <> ''";

typedef struct pen {
    cairo_surface_t *surface;
    cairo_t *cr;
    double y;
} pen_t;

static PangoLayout *layout_new(cairo_t *cr, const char *font)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
    /* Words longer than a line (addresses, links) break inside the word. */
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    return l;
}

/* Draw text line by line from pen->y, starting a new page when the page is full. */
static void draw_text(pen_t *p, const char *font, const char *text, int align_right)
{
    PangoLayout *l = layout_new(p->cr, font);
    if (align_right)
        pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
    pango_layout_set_text(l, text, -1);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = (double)logical.height / PANGO_SCALE;
        if (p->y + h > PAGE_H - MARGIN) {
            cairo_show_page(p->cr);
            p->y = MARGIN;
        }
        int baseline = pango_layout_iter_get_baseline(it);
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        cairo_move_to(p->cr, MARGIN + (double)logical.x / PANGO_SCALE,
                      p->y + (double)(baseline - logical.y) / PANGO_SCALE);
        pango_cairo_show_layout_line(p->cr, line);
        p->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
}

/* The postal address block of contact c, one line each. */
static void address_block(const relm_contact_t *c, char *out, size_t n)
{
    const char *lines[7];
    char city[RELM_CODE20_SZ + RELM_TEXT50_SZ + 2];
    int k = 0;
    lines[k++] = c->name;
    if (strcmp(c->type, "person") == 0 && c->company_name[0])
        lines[k++] = c->company_name;
    lines[k++] = c->address;
    lines[k++] = c->address_2;
    snprintf(city, sizeof(city), "%s%s%s", c->post_code, c->post_code[0] && c->city[0] ? " " : "",
             c->city);
    lines[k++] = city;
    lines[k++] = c->county;
    lines[k++] = c->country_code;
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        if (!lines[i][0])
            continue;
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", l ? "\n" : "", lines[i]);
    }
}

/* Render one letter on a new page; the merged body is kept with the entry. */
static int draw_letter(relm_t *r, pen_t *p, int64_t entry_no, relm_error_t *err)
{
    relm_interaction_t *e = malloc(sizeof(*e));
    relm_contact_t *c = calloc(1, sizeof(*c));
    char *body = NULL, *text = NULL, addr[1024] = "";
    int html = 0;
    int rc = !e || !c ? relm_error_set(err, RELM_ENOMEM, "out of memory printing letters") : 0;
    if (rc == 0)
        rc = relm_interaction_get(r, entry_no, e, err);
    if (rc == 0)
        rc = relm_entry_merge_new(r, e, &body, &html, err);
    if (rc == 0)
        rc = relm_entry_attachment_store(
            r, entry_no, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8", body,
            NULL, err);
    if (rc == 0 && html && !(text = relm_html_to_text(body)))
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory printing letters");
    if (rc == 0) {
        relm_error_t ignore = {0};
        if (e->contact_no[0] && relm_contact_get(r, e->contact_no, c, &ignore) == 0)
            address_block(c, addr, sizeof(addr));
        p->y = MARGIN + 90; /* where a window envelope shows the address */
        draw_text(p, "Sans 11", addr[0] ? addr : " ", 0);
        p->y = MARGIN + 220;
        draw_text(p, "Sans 10", e->date, 1);
        p->y += 18;
        draw_text(p, "Sans Bold 12", e->subject[0] ? e->subject : e->description, 0);
        p->y += 12;
        draw_text(p, "Sans 11", text ? text : body, 0);
        cairo_show_page(p->cr);
    }
    free(e);
    free(c);
    free(body);
    free(text);
    return rc;
}

/* Where a PDF goes: a file (path) or memory (buf). */
typedef struct sink {
    const char *path;
    char *buf;
    size_t len, cap;
    int oom;
} sink_t;

static cairo_status_t sink_write(void *ctx, const unsigned char *data, unsigned int n)
{
    sink_t *k = ctx;
    if (k->len + n > k->cap) {
        size_t cap = k->cap ? k->cap : 65536;
        while (cap < k->len + n)
            cap *= 2;
        char *p = realloc(k->buf, cap);
        if (!p) {
            k->oom = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        k->buf = p;
        k->cap = cap;
    }
    memcpy(k->buf + k->len, data, n);
    k->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/*
 * Render entries nos[0..n) to the sink, then (with mark) mark them printed; one
 * transaction, so a failed render keeps nothing.
 */
static int print_entries(relm_t *r, const int64_t *nos, int64_t n, sink_t *k, int mark,
                         relm_error_t *err)
{
    pen_t p = {0};
    const char *path = k->path ? k->path : "the PDF";
    p.surface = k->path ? cairo_pdf_surface_create(k->path, PAGE_W, PAGE_H)
                        : cairo_pdf_surface_create_for_stream(sink_write, k, PAGE_W, PAGE_H);
    if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p.surface);
        return relm_error_set(err, RELM_EIO, "cannot write %s", path);
    }
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "relm");
    p.cr = cairo_create(p.surface);
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    int rc = relm_store_begin(r->store, err);
    for (int64_t i = 0; rc == 0 && i < n; i++)
        rc = draw_letter(r, &p, nos[i], err);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    if (rc == 0 && cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS)
        rc = relm_error_set(err, RELM_EIO, "cannot write %s", path);
    cairo_surface_destroy(p.surface);
    char now[RELM_STAMP_SZ];
    relm_now_stamp(now);
    for (int64_t i = 0; rc == 0 && mark && i < n; i++) {
        relm_stmt_t *s;
        if ((rc = relm_stmt_prepare(r->store, sql_printed, &s, err)))
            break;
        relm_stmt_bind_text(s, 1, now);
        relm_stmt_bind_int(s, 2, nos[i]);
        rc = relm_stmt_run(s, err);
    }
    if (rc) {
        relm_store_rollback(r->store);
        return rc;
    }
    return relm_store_commit(r->store, err);
}

static int render_segment(relm_t *r, int64_t entry_no, sink_t *k, int mark, int64_t *letters,
                          relm_error_t *err)
{
    relm_logged_segment_t ls;
    int rc = relm_logged_segment_get(r, entry_no, &ls, err);
    if (rc)
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql_segment_entries, &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    int64_t *nos = NULL, n = 0, cap = 0;
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        if (n == cap) {
            int64_t *p = realloc(nos, sizeof(*nos) * (size_t)(cap = cap ? cap * 2 : 64));
            if (!p) {
                rc = relm_error_set(err, RELM_ENOMEM, "out of memory printing letters");
                break;
            }
            nos = p;
        }
        nos[n++] = relm_stmt_int(s, 0);
    }
    relm_stmt_release(s);
    if (rc == 0 && n == 0)
        rc = relm_error_set(err, RELM_ESEGMENTEMPTY,
                            "logged segment %lld has no hard-copy entries to print",
                            (long long)entry_no);
    if (rc == 0)
        rc = print_entries(r, nos, n, k, mark, err);
    free(nos);
    if (rc == 0 && letters)
        *letters = n;
    return rc;
}

int relm_letters_print_segment(relm_t *r, int64_t entry_no, const char *path, int64_t *letters,
                               relm_error_t *err)
{
    sink_t k = {path, NULL, 0, 0, 0};
    return render_segment(r, entry_no, &k, 1, letters, err);
}

int relm_letters_render_segment(relm_t *r, int64_t entry_no, int mark, char **out, size_t *len,
                                int64_t *letters, relm_error_t *err)
{
    sink_t k = {NULL, NULL, 0, 0, 0};
    *out = NULL;
    *len = 0;
    int rc = render_segment(r, entry_no, &k, mark, letters, err);
    if (rc == 0 && k.oom)
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory rendering letters");
    if (rc) {
        free(k.buf);
        return rc;
    }
    *out = k.buf;
    *len = k.len;
    return 0;
}

int relm_letters_print_entry(relm_t *r, int64_t entry_no, const char *path, relm_error_t *err)
{
    relm_interaction_t *e = malloc(sizeof(*e));
    if (!e)
        return relm_error_set(err, RELM_ENOMEM, "out of memory printing letters");
    int rc = relm_interaction_get(r, entry_no, e, err);
    free(e);
    sink_t k = {path, NULL, 0, 0, 0};
    return rc ? rc : print_entries(r, &entry_no, 1, &k, 1, err);
}
