/*
 * JSON text written straight into a buffer: lists of records are the largest replies, and
 * building them as jansson trees only to print them again cost more than the query. The
 * text is byte for byte what json_dumps(relm_record_json(...), JSON_COMPACT |
 * JSON_PRESERVE_ORDER) gives (the same escapes, a field whose text is not valid UTF-8
 * left out as jansson leaves it out), so ETags and clients see no difference
 * (tests/unit/test_jtext.c compares the two).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* The slow path of jt_put (http.h): make room, or fail. */
void jt_grow(jtext_t *t, const char *s, size_t n)
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

/* s as a JSON string when it is valid UTF-8 (0); nothing written and -1 otherwise. */
static int put_string(jtext_t *t, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *run = p;
    size_t start = t->len;
    jt_put(t, "\"", 1);
    for (; *p; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80)
            continue;
        if (c >= 0x80) {
            size_t n = utf8_len(p);
            if (!n) {
                t->len = start;
                if (t->s)
                    t->s[start] = '\0';
                return -1;
            }
            p += n - 1;
            continue;
        }
        jt_put(t, (const char *)run, (size_t)(p - run));
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
    jt_put(t, (const char *)run, (size_t)(p - run));
    jt_put(t, "\"", 1);
    return 0;
}

void jt_string(jtext_t *t, const char *s)
{
    put_string(t, s);
}

/* v in decimal, right-aligned in buf ending at end; the start of the digits. */
static char *digits(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/* An integer as jansson writes it, or hundredths as relm_format_hundredths does ("-0.05"). */
static void put_number(jtext_t *t, int64_t v, int hundredths)
{
    char buf[32], *end = buf + sizeof(buf), *p;
    uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    if (hundredths) {
        *--end = '"';
        *--end = (char)('0' + a % 10);
        *--end = (char)('0' + a / 10 % 10);
        *--end = '.';
        p = digits(a / 100, end);
    } else {
        p = digits(a, end);
    }
    if (v < 0)
        *--p = '-';
    if (hundredths)
        *--p = '"';
    jt_put(t, p, (size_t)(buf + sizeof(buf) - p));
}

void jt_record(jtext_t *t, const relm_entity_t *e, const void *rec)
{
    int first = 1;
    jt_put(t, "{", 1);
    for (int i = 0; i < e->nfields; i++) {
        const relm_field_t *f = &e->fields[i];
        size_t mark = t->len;
        jt_put(t, first ? "\"" : ",\"", first ? 1 : 2);
        jt_puts(t, f->name);
        jt_put(t, "\":", 2);
        if (f->type == RELM_FT_BOOL) {
            jt_puts(t, relm_record_int(e, rec, i) ? "true" : "false");
        } else if (f->type == RELM_FT_INT || f->type == RELM_FT_MONEY ||
                   f->type == RELM_FT_MINUTES) {
            put_number(t, relm_record_int(e, rec, i), f->type != RELM_FT_INT);
        } else if (put_string(t, relm_record_text(e, (void *)rec, i)) != 0) {
            /* Not valid UTF-8: jansson has no string for it and leaves the member out. */
            t->len = mark;
            if (t->s)
                t->s[mark] = '\0';
            continue;
        }
        first = 0;
    }
    jt_put(t, "}", 1);
}
