/*
 * JSON text written straight into a buffer: lists of records are the largest replies, and
 * building them as jansson trees only to print them again cost more than the query. The
 * text is byte for byte what json_dumps(relm_record_json(...), JSON_COMPACT |
 * JSON_PRESERVE_ORDER) gives (the same escapes, a field whose text is not valid UTF-8
 * left out as jansson leaves it out), so ETags and clients see no difference
 * (tests/unit/test_jtext.c compares the two).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

void jt_put(jtext_t *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

void jt_puts(jtext_t *t, const char *s)
{
    jt_put(t, s, strlen(s));
}

/* Length of the UTF-8 sequence at s (1-4) as jansson accepts it, or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned v;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        n = 2, v = c & 0x1F;
    else if (c < 0xF0)
        n = 3, v = c & 0x0F;
    else if (c < 0xF5)
        n = 4, v = c & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return n;
}

int jt_valid_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_len(p);
        if (!n)
            return 0;
        p += n;
    }
    return 1;
}

void jt_string(jtext_t *t, const char *s)
{
    const char *run = s;
    jt_put(t, "\"", 1);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jt_put(t, run, (size_t)(p - run));
        run = p + 1;
        char esc[8];
        switch (c) {
        case '"':
            jt_put(t, "\\\"", 2);
            break;
        case '\\':
            jt_put(t, "\\\\", 2);
            break;
        case '\b':
            jt_put(t, "\\b", 2);
            break;
        case '\f':
            jt_put(t, "\\f", 2);
            break;
        case '\n':
            jt_put(t, "\\n", 2);
            break;
        case '\r':
            jt_put(t, "\\r", 2);
            break;
        case '\t':
            jt_put(t, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof(esc), "\\u%04X", c);
            jt_put(t, esc, 6);
        }
    }
    jt_put(t, run, strlen(run));
    jt_put(t, "\"", 1);
}

void jt_record(jtext_t *t, const relm_entity_t *e, const void *rec)
{
    char buf[RELM_TEXT250_SZ * 4];
    int first = 1;
    jt_put(t, "{", 1);
    for (int i = 0; i < e->nfields; i++) {
        const relm_field_t *f = &e->fields[i];
        const char *text = NULL;
        if (f->type != RELM_FT_BOOL && f->type != RELM_FT_INT) {
            text = relm_record_format(e, rec, i, buf, sizeof(buf));
            if (!jt_valid_utf8(text))
                continue;
        }
        jt_put(t, first ? "\"" : ",\"", first ? 1 : 2);
        first = 0;
        jt_puts(t, f->name);
        jt_put(t, "\":", 2);
        if (text) {
            jt_string(t, text);
        } else if (f->type == RELM_FT_BOOL) {
            jt_puts(t, relm_record_int(e, rec, i) ? "true" : "false");
        } else {
            char num[32];
            int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                             (json_int_t)relm_record_int(e, rec, i));
            jt_put(t, num, (size_t)n);
        }
    }
    jt_put(t, "}", 1);
}
