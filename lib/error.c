/*
 * Error codes and messages: the one table that names every code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "relm/error.h"

static const struct {
    int code;
    const char *name;
} names[] = {
    {RELM_OK, "ok"},
    {RELM_ENOTFOUND, "not_found"},
    {RELM_EVALIDATION, "validation"},
    {RELM_ECONFLICT, "conflict"},
    {RELM_ENONUMBERS, "no_numbers_left"},
    {RELM_EMANUALNOS, "manual_nos_not_allowed"},
    {RELM_EPRIVACY, "privacy_blocked"},
    {RELM_EMISSINGEMAIL, "missing_email"},
    {RELM_ESEGMENTEMPTY, "segment_empty"},
    {RELM_EMISSINGTPL, "missing_template"},
    {RELM_ESETUP, "setup_missing"},
    {RELM_EINUSE, "in_use"},
    {RELM_EEXISTS, "already_exists"},
    {RELM_EMISSINGFAX, "missing_fax"},
    {RELM_EDATEORDER, "date_order"},
    {RELM_ESCHEMA, "schema"},
    {RELM_ESTORAGE, "storage"},
    {RELM_ENOMEM, "out_of_memory"},
    {RELM_EIO, "io"},
    {RELM_EMISSINGSP, "missing_salesperson"},
    {RELM_EUSAGE, "usage"},
    {RELM_EAUTH, "unauthenticated"},
    {RELM_EFORBIDDEN, "forbidden"},
    {RELM_ETHROTTLED, "too_many_attempts"},
    {RELM_EBUSY, "busy"},
};

const char *relm_error_name(int code)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == code)
            return names[i].name;
    return "unknown";
}

void relm_error_clear(relm_error_t *err)
{
    if (!err)
        return;
    err->code = 0;
    err->message[0] = '\0';
    err->warning[0] = '\0';
}

int relm_error_set(relm_error_t *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

void relm_error_warn(relm_error_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    size_t len = strlen(err->warning);
    if (len && len + 2 < sizeof(err->warning)) {
        memcpy(err->warning + len, "; ", 3);
        len += 2;
    }
    if (len >= sizeof(err->warning) - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->warning + len, sizeof(err->warning) - len, fmt, ap);
    va_end(ap);
}
