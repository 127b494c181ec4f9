/*
 * relm error reporting.
 *
 * Every fallible library call returns 0 or a negative RELM_E* code and fills a
 * caller-owned relm_error_t with the same code and one sentence that names the
 * record and the field ("contact CT0001: email is not a valid e-mail address").
 * The library never prints and never exits. It never clears err either: a caller starts
 * with a zeroed relm_error_t (relm_error_t err = {0}), so warnings from nested calls add up.
 */
#ifndef RELM_ERROR_H
#define RELM_ERROR_H

#include <stddef.h>

enum relm_code {
    RELM_OK = 0,
    RELM_ENOTFOUND = -1,     /* not_found */
    RELM_EVALIDATION = -2,   /* validation */
    RELM_ECONFLICT = -3,     /* conflict: busy, or changed by someone else */
    RELM_ENONUMBERS = -4,    /* no_numbers_left */
    RELM_EMANUALNOS = -5,    /* manual_nos_not_allowed */
    RELM_EPRIVACY = -6,      /* privacy_blocked */
    RELM_EMISSINGEMAIL = -7, /* missing_email */
    RELM_ESEGMENTEMPTY = -8, /* segment_empty */
    RELM_EMISSINGTPL = -9,   /* missing_template */
    RELM_ESETUP = -10,       /* setup_missing */
    RELM_EINUSE = -11,       /* in_use: refused delete */
    RELM_EEXISTS = -12,      /* already_exists */
    RELM_EMISSINGFAX = -13,  /* missing_fax */
    RELM_EDATEORDER = -14,   /* date_order */
    RELM_ESCHEMA = -15,      /* schema: database too new / not initialised */
    RELM_ESTORAGE = -16,     /* storage: the engine failed */
    RELM_ENOMEM = -17,       /* out_of_memory */
    RELM_EIO = -18,          /* io: a file could not be read or written */
    RELM_EMISSINGSP = -19,   /* missing_salesperson */
    RELM_EUSAGE = -20,       /* usage: a caller passed something impossible */
    RELM_EAUTH = -21,        /* unauthenticated: unknown user, wrong password, bad token */
    RELM_EFORBIDDEN = -22,   /* forbidden: the role does not allow the operation */
    RELM_ETHROTTLED = -23,   /* too_many_attempts: wait before the next login */
    RELM_EBUSY = -24,        /* busy: another job holds the database; try again */
};

typedef struct relm_error {
    int code;          /* 0 or a RELM_E* value */
    char message[512]; /* one sentence, no trailing newline */
    char warning[512]; /* set on success when the caller should be told something */
} relm_error_t;

/* Stable snake_case name of a code ("not_found"); "ok" for 0, "unknown" otherwise. */
const char *relm_error_name(int code);

/* Reset err to "no error". err may be NULL. */
void relm_error_clear(relm_error_t *err);

/* Fill err (may be NULL) with code and a printf-style message; returns code. */
int relm_error_set(relm_error_t *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Append a printf-style warning to err->warning (separated by "; "). */
void relm_error_warn(relm_error_t *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
