/*
 * Records described by field tables.
 *
 * Each domain entity is a plain struct whose members carry the canonical field names of
 * the specification, plus a relm_entity_t that describes every member: its name, type,
 * length limit and allowed values. One description drives parsing (CLI flags, CSV
 * columns, JSON strings all arrive as text), formatting, SQL columns and filters, so a
 * field is spelled the same in the struct, the database, JSON and on the command line.
 *
 * Text members are fixed arrays inside the struct (sized for the limit in UTF-8), so a
 * record owns all its text and is freed with the struct that holds it.
 */
#ifndef RELM_RECORD_H
#define RELM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "relm/error.h"

/* Buffer sizes for text limits counted in characters (4 bytes per UTF-8 character). */
#define RELM_CODE10_SZ  41
#define RELM_CODE20_SZ  81
#define RELM_TEXT50_SZ  201
#define RELM_TEXT80_SZ  321
#define RELM_TEXT100_SZ 401
#define RELM_TEXT250_SZ 1001
#define RELM_DATE_SZ    11
#define RELM_TIME_SZ    9
#define RELM_STAMP_SZ   21

typedef enum relm_ftype {
    RELM_FT_TEXT,      /* free text, up to maxlen characters */
    RELM_FT_CODE,      /* trimmed, upper-cased, up to maxlen characters */
    RELM_FT_EMAIL,     /* text that must look like an e-mail address (or be blank) */
    RELM_FT_ENUM,      /* one of choices (a "" choice allows blank) */
    RELM_FT_BOOL,      /* int, 0 or 1 */
    RELM_FT_INT,       /* int64_t */
    RELM_FT_MONEY,     /* int64_t hundredths, shown "12.50" */
    RELM_FT_MINUTES,   /* int64_t hundredths of a minute, shown "7.50" */
    RELM_FT_DATE,      /* YYYY-MM-DD or blank */
    RELM_FT_TIME,      /* HH:MM:SS or blank */
    RELM_FT_TIMESTAMP, /* UTC, RFC 3339: YYYY-MM-DDTHH:MM:SSZ, set by the library */
} relm_ftype_t;

enum {
    RELM_FF_KEY = 1,      /* part of the primary key */
    RELM_FF_READONLY = 2, /* set by the library, never by a user */
    RELM_FF_VIRTUAL = 4,  /* not a column of the entity's table (computed) */
    RELM_FF_INT32 = 8,    /* RELM_FT_INT/BOOL member is an int, not an int64_t */
};

typedef struct relm_field {
    const char *name; /* canonical snake_case name */
    relm_ftype_t type;
    unsigned flags;
    size_t offset;              /* offsetof() the member */
    size_t size;                /* sizeof() the member */
    int maxlen;                 /* characters, for text types; 0 = limited only by size */
    const char *const *choices; /* RELM_FT_ENUM: NULL-terminated list */
    const char *def;            /* default in text form, or NULL */
} relm_field_t;

typedef uint64_t relm_mask_t; /* bit i set = field i was given */
#define RELM_BIT(i) ((relm_mask_t)1 << (i))

struct relm;

typedef struct relm_entity {
    const char *name;  /* "contact": used in messages and as the CLI noun */
    const char *table; /* SQL table */
    size_t size;       /* sizeof the record struct */
    const relm_field_t *fields;
    int nfields;
    /* Operations for generic shells; any may be NULL when the entity has no such verb. */
    int (*add)(struct relm *r, void *rec, relm_mask_t given, relm_error_t *err);
    int (*get)(struct relm *r, const char *key, void *out, relm_error_t *err);
    int (*update)(struct relm *r, const char *key, const void *changes, relm_mask_t given,
                  relm_error_t *err);
    int (*remove)(struct relm *r, const char *key, relm_error_t *err);
    /* The record's statistics (a stats_entity record into out), or both NULL: none. */
    const struct relm_entity *stats_entity;
    int (*stats)(struct relm *r, const char *key, void *out, relm_error_t *err);
} relm_entity_t;

/* Index of the field called name (snake_case or kebab-case), or -1. */
int relm_field_index(const relm_entity_t *e, const char *name);

/* Zero rec and apply every field's default. */
void relm_record_init(const relm_entity_t *e, void *rec);

/*
 * Parse value (text form) into field `name` of rec, validating type and length, and set
 * its bit in *given (given may be NULL). Errors name the entity and the field.
 */
int relm_record_set(const relm_entity_t *e, void *rec, relm_mask_t *given, const char *name,
                    const char *value, relm_error_t *err);

/* Same, by field index. */
int relm_record_set_index(const relm_entity_t *e, void *rec, relm_mask_t *given, int idx,
                          const char *value, relm_error_t *err);

/* Text form of field idx into buf (always NUL-terminated); returns buf. */
const char *relm_record_format(const relm_entity_t *e, const void *rec, int idx, char *buf,
                               size_t n);

/*
 * A change request (the fields of changes set in given) for the record whose key is key:
 * 0 when it leaves the key as it is (a key field given with the same value, compared
 * without regard to case or blanks, is fine), else RELM_EVALIDATION naming the record and
 * field, since an update never renames a record and must not silently ignore a new key.
 */
int relm_record_check_key(const relm_entity_t *e, const void *changes, relm_mask_t given,
                          const char *key, relm_error_t *err);

/* Copy the fields set in `given` from src to dst. */
void relm_record_merge(const relm_entity_t *e, void *dst, const void *src, relm_mask_t given);

/* Pointer to a text member / integer value of field idx. */
char *relm_record_text(const relm_entity_t *e, void *rec, int idx);
int64_t relm_record_int(const relm_entity_t *e, const void *rec, int idx);
void relm_record_set_int(const relm_entity_t *e, void *rec, int idx, int64_t v);

/*
 * Money and durations are whole hundredths from 0 to RELM_HUNDREDTHS_MAX (9,999,999.99)
 * when they are given; negative values are refused. The bound keeps every sum safe: even
 * 10^9 entries at the largest amount total less than 10^18, inside an int64_t.
 */
#define RELM_HUNDREDTHS_MAX      INT64_C(999999999)
#define RELM_HUNDREDTHS_MAX_TEXT "9999999.99"

/* Money and minutes: parse "12.5" into 1250, format 1250 as "12.50". */
int relm_parse_hundredths(const char *s, int64_t *out);
void relm_format_hundredths(int64_t v, char *buf, size_t n);

/*
 * Parse s as a positive whole number (an entry, line or token number, a list limit) into
 * *out. Only the digits 0-9 are accepted: no sign, blanks or fraction, and nothing above
 * INT64_MAX (refused, never clamped). On failure returns RELM_EUSAGE with a message that
 * names what ("entry no.", "--limit") and quotes s; *out is left alone. s may be NULL
 * (treated as "").
 */
int relm_parse_positive(const char *s, const char *what, int64_t *out, relm_error_t *err);

/* Validation helpers shared by the domain files. */
int relm_valid_date(const char *s);
int relm_valid_time(const char *s);
int relm_valid_email(const char *s);
size_t relm_utf8_len(const char *s);
/* 1 when s is well-formed UTF-8: no overlong forms, no UTF-16 surrogates (U+D800..DFFF),
 * nothing past U+10FFFF. */
int relm_valid_utf8(const char *s);

/*
 * A list filter: FIELD OP VALUE, where OP is one of = != < <= > >= and ~ (contains); <> is
 * read as !=, and blanks around the operator and at the ends of the value are dropped.
 * Built from text by relm_filter_parse(); the value is normalised like the field.
 */
typedef struct relm_filter {
    int field; /* index into the entity's fields */
    char op[3];
    char value[RELM_TEXT250_SZ];
} relm_filter_t;

int relm_filter_parse(const relm_entity_t *e, const char *text, relm_filter_t *out,
                      relm_error_t *err);

/* Row callback for list operations: return non-zero to stop early. */
typedef int (*relm_row_fn)(void *ctx, const void *rec);

/*
 * Progress of a long operation (an import, a segment log, a delivery run): done units of
 * total so far (total -1 when unknown), and the step it is in (phase: a short text, or
 * NULL for an operation that has no steps). Called on the caller's thread; it must not
 * call back into the same relm_t.
 */
typedef void (*relm_progress_fn)(void *ctx, int64_t done, int64_t total, const char *phase);

#endif
