/*
 * Field-table driven parsing, validation and formatting of records.
 *
 * Everything that arrives from a user passes through relm_record_set(): it is the one
 * place where a text value becomes a typed member, so limits and formats are enforced
 * identically for the CLI, CSV import and the HTTP API.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

size_t relm_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

int relm_valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int extra;
        /* Bounds of the first continuation byte: they rule out overlong forms (E0 80..9F,
         * F0 80..8F), UTF-16 surrogates (ED A0..BF) and code points past U+10FFFF (F4 90..). */
        unsigned char lo = 0x80, hi = 0xbf;
        if (*p < 0x80)
            extra = 0;
        else if (*p >= 0xc2 && *p <= 0xdf)
            extra = 1;
        else if ((*p & 0xf0) == 0xe0)
            extra = 2;
        else if (*p >= 0xf0 && *p <= 0xf4)
            extra = 3;
        else
            return 0;
        if (*p == 0xe0)
            lo = 0xa0;
        else if (*p == 0xed)
            hi = 0x9f;
        else if (*p == 0xf0)
            lo = 0x90;
        else if (*p == 0xf4)
            hi = 0x8f;
        p++;
        if (extra && (*p < lo || *p > hi))
            return 0;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xc0) != 0x80)
                return 0;
    }
    return 1;
}

void relm_copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

int relm_field_index(const relm_entity_t *e, const char *name)
{
    for (int i = 0; i < e->nfields; i++) {
        const char *a = e->fields[i].name, *b = name;
        while (*a && (*a == *b || (*a == '_' && *b == '-')))
            a++, b++;
        if (!*a && !*b)
            return i;
    }
    return -1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int relm_valid_date(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

int relm_valid_time(const char *s)
{
    int h, m, sec;
    if (strlen(s) != 8 || s[2] != ':' || s[5] != ':')
        return 0;
    for (int i = 0; i < 8; i++)
        if (i != 2 && i != 5 && !isdigit((unsigned char)s[i]))
            return 0;
    sscanf(s, "%2d:%2d:%2d", &h, &m, &sec);
    return h < 24 && m < 60 && sec < 60;
}

int relm_valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || !dot[1])
        return 0;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p) || *p == ',' || *p == ';' || *p == '<' || *p == '>')
            return 0;
    return 1;
}

int relm_parse_hundredths(const char *s, int64_t *out)
{
    int neg = 0;
    int64_t whole = 0, frac = 0;
    int fdigits = 0, digits = 0;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '-' || *s == '+')
        neg = (*s++ == '-');
    for (; isdigit((unsigned char)*s); s++, digits++) {
        if (whole > (INT64_MAX / 100 - 9) / 10)
            return -1;
        whole = whole * 10 + (*s - '0');
    }
    if (*s == '.') {
        for (s++; isdigit((unsigned char)*s); s++, fdigits++) {
            if (fdigits >= 2)
                return -1;
            frac = frac * 10 + (*s - '0');
        }
        if (fdigits == 1)
            frac *= 10;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s || (digits == 0 && fdigits == 0))
        return -1;
    *out = (whole * 100 + frac) * (neg ? -1 : 1);
    return 0;
}

int relm_parse_positive(const char *s, const char *what, int64_t *out, relm_error_t *err)
{
    int64_t v = 0;
    const char *p = s ? s : "";
    if (!*p)
        return relm_error_set(err, RELM_EUSAGE, "%s is empty; give a positive whole number", what);
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return relm_error_set(err, RELM_EUSAGE, "%s \"%.40s\" is not a positive whole number",
                                  what, s);
        if (v > (INT64_MAX - (*p - '0')) / 10)
            return relm_error_set(err, RELM_EUSAGE, "%s \"%.40s\" is too large", what, s);
        v = v * 10 + (*p - '0');
    }
    if (v == 0)
        return relm_error_set(err, RELM_EUSAGE, "%s \"%.40s\" is not a positive whole number", what,
                              s);
    *out = v;
    return 0;
}

void relm_format_hundredths(int64_t v, char *buf, size_t n)
{
    uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    snprintf(buf, n, "%s%" PRIu64 ".%02u", v < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
}

static int parse_bool(const char *s, int *out)
{
    static const char *yes[] = {"1", "true", "yes", "y", "on", NULL};
    static const char *no[] = {"0", "false", "no", "n", "off", "", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0)
            return *out = 1, 0;
    for (int i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0)
            return *out = 0, 0;
    return -1;
}

char *relm_record_text(const relm_entity_t *e, void *rec, int idx)
{
    return (char *)rec + e->fields[idx].offset;
}

int64_t relm_record_int(const relm_entity_t *e, const void *rec, int idx)
{
    const relm_field_t *f = &e->fields[idx];
    const char *p = (const char *)rec + f->offset;
    if (f->size == sizeof(int)) {
        int v;
        memcpy(&v, p, sizeof(v));
        return v;
    }
    int64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

void relm_record_set_int(const relm_entity_t *e, void *rec, int idx, int64_t v)
{
    const relm_field_t *f = &e->fields[idx];
    char *p = (char *)rec + f->offset;
    if (f->size == sizeof(int)) {
        int i = (int)v;
        memcpy(p, &i, sizeof(i));
    } else {
        memcpy(p, &v, sizeof(v));
    }
}

static int is_text_type(relm_ftype_t t)
{
    return t == RELM_FT_TEXT || t == RELM_FT_CODE || t == RELM_FT_EMAIL || t == RELM_FT_ENUM ||
           t == RELM_FT_DATE || t == RELM_FT_TIME || t == RELM_FT_TIMESTAMP;
}

void relm_record_init(const relm_entity_t *e, void *rec)
{
    memset(rec, 0, e->size);
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].def)
            relm_record_set_index(e, rec, NULL, i, e->fields[i].def, NULL);
}

int relm_record_set_index(const relm_entity_t *e, void *rec, relm_mask_t *given, int idx,
                          const char *value, relm_error_t *err)
{
    const relm_field_t *f = &e->fields[idx];
    char buf[RELM_TEXT250_SZ * 4];
    if (!value)
        value = "";
    if (!relm_valid_utf8(value))
        return relm_error_set(err, RELM_EVALIDATION, "%s %s: the value is not valid UTF-8", e->name,
                              f->name);
    if (is_text_type(f->type)) {
        /* Trim surrounding blanks: users paste them, nobody means them. */
        while (isspace((unsigned char)*value))
            value++;
        size_t len = strlen(value);
        while (len && isspace((unsigned char)value[len - 1]))
            len--;
        if (len >= sizeof(buf))
            len = sizeof(buf) - 1;
        memcpy(buf, value, len);
        buf[len] = '\0';
        if (f->type == RELM_FT_CODE)
            for (char *p = buf; *p; p++)
                *p = (char)toupper((unsigned char)*p);
        if (f->type == RELM_FT_ENUM) {
            for (char *p = buf; *p; p++)
                *p = (*p == '-') ? '_' : (char)tolower((unsigned char)*p);
        }
        size_t chars = relm_utf8_len(buf);
        if ((f->maxlen && chars > (size_t)f->maxlen) || strlen(buf) >= f->size)
            return relm_error_set(
                err, RELM_EVALIDATION, "%s %s: \"%.40s%s\" is longer than %d characters", e->name,
                f->name, buf, chars > 40 ? "..." : "", f->maxlen ? f->maxlen : (int)f->size - 1);
        if (buf[0]) {
            if (f->type == RELM_FT_EMAIL && !relm_valid_email(buf))
                return relm_error_set(err, RELM_EVALIDATION,
                                      "%s %s: \"%s\" is not a valid e-mail address", e->name,
                                      f->name, buf);
            if (f->type == RELM_FT_DATE && !relm_valid_date(buf))
                return relm_error_set(err, RELM_EVALIDATION,
                                      "%s %s: \"%s\" is not a date (YYYY-MM-DD)", e->name, f->name,
                                      buf);
            if (f->type == RELM_FT_TIME && !relm_valid_time(buf))
                return relm_error_set(err, RELM_EVALIDATION,
                                      "%s %s: \"%s\" is not a time (HH:MM:SS)", e->name, f->name,
                                      buf);
        }
        if (f->type == RELM_FT_ENUM) {
            int ok = 0;
            for (int i = 0; f->choices[i] && !ok; i++)
                ok = strcmp(buf, f->choices[i]) == 0;
            if (!ok) {
                /* The list of choices is spelled out only for the message. */
                char list[256] = "";
                for (int i = 0; f->choices[i]; i++) {
                    if (f->choices[i][0]) {
                        size_t l = strlen(list);
                        snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "", f->choices[i]);
                    }
                }
                return relm_error_set(err, RELM_EVALIDATION, "%s %s: \"%s\" is not one of %s",
                                      e->name, f->name, buf, list);
            }
        }
        memcpy((char *)rec + f->offset, buf, strlen(buf) + 1);
    } else {
        int64_t v = 0;
        if (f->type == RELM_FT_BOOL) {
            int b;
            if (parse_bool(value, &b))
                return relm_error_set(err, RELM_EVALIDATION, "%s %s: \"%s\" is not true or false",
                                      e->name, f->name, value);
            v = b;
        } else if (f->type == RELM_FT_INT) {
            char *end;
            errno = 0;
            long long ll = strtoll(value, &end, 10);
            if (!*value || *end)
                return relm_error_set(err, RELM_EVALIDATION, "%s %s: \"%s\" is not a whole number",
                                      e->name, f->name, value);
            /* Out of range is refused, never clamped to the largest value. */
            if (errno == ERANGE || (f->size == sizeof(int) && (ll < INT_MIN || ll > INT_MAX)))
                return relm_error_set(err, RELM_EVALIDATION, "%s %s: \"%.40s\" is out of range",
                                      e->name, f->name, value);
            v = ll;
        } else {
            if (*value == '\0')
                v = 0;
            else if (relm_parse_hundredths(value, &v))
                return relm_error_set(err, RELM_EVALIDATION,
                                      "%s %s: \"%s\" is not a number with at most two decimals",
                                      e->name, f->name, value);
            if (v < 0)
                return relm_error_set(err, RELM_EVALIDATION, "%s %s: \"%s\" must not be negative",
                                      e->name, f->name, value);
            if (v > RELM_HUNDREDTHS_MAX)
                return relm_error_set(err, RELM_EVALIDATION,
                                      "%s %s: \"%s\" is larger than %s (the largest amount)",
                                      e->name, f->name, value, RELM_HUNDREDTHS_MAX_TEXT);
        }
        relm_record_set_int(e, rec, idx, v);
    }
    if (given)
        *given |= RELM_BIT(idx);
    return 0;
}

int relm_record_set(const relm_entity_t *e, void *rec, relm_mask_t *given, const char *name,
                    const char *value, relm_error_t *err)
{
    int idx = relm_field_index(e, name);
    if (idx < 0)
        return relm_error_set(err, RELM_EVALIDATION, "%s has no field \"%s\"", e->name, name);
    if (e->fields[idx].flags & RELM_FF_READONLY)
        return relm_error_set(err, RELM_EVALIDATION, "%s %s is set by relm and cannot be given",
                              e->name, e->fields[idx].name);
    return relm_record_set_index(e, rec, given, idx, value, err);
}

const char *relm_record_format(const relm_entity_t *e, const void *rec, int idx, char *buf,
                               size_t n)
{
    const relm_field_t *f = &e->fields[idx];
    if (is_text_type(f->type)) {
        relm_copy(buf, n, (const char *)rec + f->offset);
        return buf;
    }
    int64_t v = relm_record_int(e, rec, idx);
    if (f->type == RELM_FT_BOOL)
        snprintf(buf, n, "%s", v ? "true" : "false");
    else if (f->type == RELM_FT_INT)
        snprintf(buf, n, "%" PRId64, v);
    else
        relm_format_hundredths(v, buf, n);
    return buf;
}

void relm_record_merge(const relm_entity_t *e, void *dst, const void *src, relm_mask_t given)
{
    for (int i = 0; i < e->nfields; i++)
        if (given & RELM_BIT(i))
            memcpy((char *)dst + e->fields[i].offset, (const char *)src + e->fields[i].offset,
                   e->fields[i].size);
}

void relm_record_take(const relm_entity_t *dst_e, void *dst, relm_mask_t given,
                      const relm_entity_t *src_e, const void *src, const relm_take_t *map, int n)
{
    for (int i = 0; i < n; i++) {
        int to = map[i].to, from = map[i].from;
        if (given & RELM_BIT(to))
            continue;
        if (relm_field_is_int(&dst_e->fields[to]))
            relm_record_set_int(dst_e, dst, to, relm_record_int(src_e, src, from));
        else
            relm_copy((char *)dst + dst_e->fields[to].offset, dst_e->fields[to].size,
                      (const char *)src + src_e->fields[from].offset);
    }
}

int relm_filter_parse(const relm_entity_t *e, const char *text, relm_filter_t *out,
                      relm_error_t *err)
{
    /* Two-character operators first, so "<=" is not read as "<"; "<>" is SQL's "!=". */
    static const char *const ops[] = {"<>", "!=", "<=", ">=", "=", "<", ">", "~"};
    const char *best = NULL;
    size_t bestop = 0;
    if (!relm_valid_utf8(text))
        return relm_error_set(err, RELM_EVALIDATION, "filter: the text is not valid UTF-8");
    while (isspace((unsigned char)*text))
        text++;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        const char *p = strstr(text, ops[i]);
        if (p && (!best || p < best))
            best = p, bestop = i;
    }
    if (!best || best == text)
        return relm_error_set(err, RELM_EVALIDATION,
                              "filter \"%s\" is not FIELD=VALUE (operators: = != <> < <= > >= ~)",
                              text);
    char name[64];
    size_t nl = (size_t)(best - text);
    if (nl >= sizeof(name))
        nl = sizeof(name) - 1;
    memcpy(name, text, nl);
    name[nl] = '\0';
    while (nl && isspace((unsigned char)name[nl - 1]))
        name[--nl] = '\0';
    int idx = relm_field_index(e, name);
    if (idx < 0 || (e->fields[idx].flags & RELM_FF_VIRTUAL))
        return relm_error_set(err, RELM_EVALIDATION, "filter: %s has no field \"%s\"", e->name,
                              name);
    const char *op = ops[bestop];
    /* "city = Oslo" means "Oslo": blanks around the operator are layout, as in SQL. */
    char value[sizeof(out->value)];
    const char *v = best + strlen(op);
    while (isspace((unsigned char)*v))
        v++;
    relm_copy(value, sizeof(value), v);
    for (size_t vl = strlen(value); vl && isspace((unsigned char)value[vl - 1]);)
        value[--vl] = '\0';
    const relm_field_t *f = &e->fields[idx];
    out->field = idx;
    if (strcmp(op, "<>") == 0)
        op = "!=";
    memcpy(out->op, op, strlen(op) + 1);
    if (strcmp(op, "~") == 0 || (is_text_type(f->type) && f->type != RELM_FT_ENUM &&
                                 f->type != RELM_FT_CODE && f->type != RELM_FT_DATE)) {
        relm_copy(out->value, sizeof(out->value), value);
        return 0;
    }
    /* Normalise through the field's own parser so "type=Person" and "code=jo" match. */
    void *tmp = calloc(1, e->size);
    if (!tmp)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = relm_record_set_index(e, tmp, NULL, idx, value, err);
    if (rc == 0) {
        if (is_text_type(f->type))
            relm_copy(out->value, sizeof(out->value), (char *)tmp + f->offset);
        else
            snprintf(out->value, sizeof(out->value), "%" PRId64, relm_record_int(e, tmp, idx));
    }
    free(tmp);
    return rc;
}

/* s without leading and trailing blanks: its start, and its length in *n. */
static const char *trimmed(const char *s, size_t *n)
{
    while (*s == ' ' || *s == '\t')
        s++;
    *n = strlen(s);
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    return s;
}

int relm_record_check_key(const relm_entity_t *e, const void *changes, relm_mask_t given,
                          const char *key, relm_error_t *err)
{
    int idx = -1;
    for (int i = 0; i < e->nfields; i++) {
        if (!(e->fields[i].flags & RELM_FF_KEY))
            continue;
        if (idx >= 0)
            return 0; /* a key of several fields is not named by one path segment */
        idx = i;
    }
    if (idx < 0 || !(given & RELM_BIT(idx)))
        return 0;
    char buf[512];
    size_t na, nb;
    const char *a = trimmed(relm_record_format(e, changes, idx, buf, sizeof(buf)), &na);
    const char *b = trimmed(key ? key : "", &nb);
    if (na == nb && strncasecmp(a, b, na) == 0)
        return 0;
    return relm_error_set(err, RELM_EVALIDATION,
                          "%s %.*s %s: the key cannot be changed (to \"%.*s\")", e->name, (int)nb,
                          b, e->fields[idx].name, (int)na, a);
}
