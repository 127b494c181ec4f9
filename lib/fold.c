/*
 * The case fold relm compares text with (domain §12): utf8proc's full Unicode case folding
 * with canonical composition, so "Ø" and "ø", "ß" and "ss", "Å" written as A + ring and
 * "å" fold alike. It is the fold of the store's SQL function relm_fold(), done in C so
 * that the library can keep folded copies of what is searched and matched (contact
 * search_folded and email_folded, migration 027) and fold e-mail addresses it compares.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"

int relm_fold_ascii(const char *s, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    return 1;
}

char *relm_fold_new(const char *s)
{
    size_t n = strlen(s);
    int ascii = 1;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (!ascii) {
        utf8proc_uint8_t *folded = NULL;
        utf8proc_ssize_t len =
            utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
                         UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (len >= 0)
            return (char *)folded;
        if (len == UTF8PROC_ERROR_NOMEM)
            return NULL;
        /* Not valid UTF-8: kept as it is, so it can only equal itself. */
        return strdup(s);
    }
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    return out;
}

int relm_fold_equal(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    char *fa = relm_fold_new(a), *fb = relm_fold_new(b);
    int eq = fa && fb && strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return eq;
}
