/*
 * Streaming CSV (RFC 4180). The reader is a four-state machine over a fixed input buffer;
 * the current record's fields are kept back to back (each NUL-terminated) in one growing
 * buffer, so a record costs no allocation once the buffers have grown to fit.
 *
 * Physical lines are counted as the bytes go by (CRLF, LF and a lone CR each end one
 * line, inside quotes too), so an error can name the line a user sees in an editor.
 * A NUL byte is refused: fields are NUL-terminated, so it would silently cut the value.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define INBUF 65536

enum { ST_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_SEEN };

struct relm_csv_reader {
    FILE *in;
    unsigned char buf[INBUF];
    size_t len, pos;
    int eof;
    int bom_checked;
    int prev_cr; /* the last byte was CR (a following LF ends the same line) */
    int skip_lf; /* a record ended at CR: a following LF belongs to it */
    int64_t line;
    int64_t rec_line;
    int64_t bytes;
    char *rec;
    size_t rlen, rcap;
    size_t *offs;
    char **ptrs;
    int nf, fcap;
    int delim;
};

relm_csv_reader_t *relm_csv_reader_new(FILE *in)
{
    relm_csv_reader_t *rd = calloc(1, sizeof(*rd));
    if (!rd)
        return NULL;
    rd->in = in;
    rd->delim = ',';
    rd->line = 1;
    rd->rcap = 4096;
    rd->fcap = 32;
    rd->rec = malloc(rd->rcap);
    rd->offs = malloc(sizeof(size_t) * (size_t)rd->fcap);
    rd->ptrs = malloc(sizeof(char *) * (size_t)rd->fcap);
    if (!rd->rec || !rd->offs || !rd->ptrs) {
        relm_csv_reader_free(rd);
        return NULL;
    }
    return rd;
}

void relm_csv_reader_free(relm_csv_reader_t *rd)
{
    if (!rd)
        return;
    free(rd->rec);
    free(rd->offs);
    free(rd->ptrs);
    free(rd);
}

int64_t relm_csv_line(const relm_csv_reader_t *rd)
{
    return rd->rec_line;
}

int64_t relm_csv_bytes(const relm_csv_reader_t *rd)
{
    return rd->bytes;
}

/* Next byte, EOF at the end, or -2 on a read error. */
static inline int next_byte(relm_csv_reader_t *rd)
{
    if (rd->pos == rd->len) {
        if (rd->eof)
            return EOF;
        rd->len = fread(rd->buf, 1, sizeof(rd->buf), rd->in);
        rd->pos = 0;
        if (!rd->bom_checked) {
            rd->bom_checked = 1;
            if (rd->len >= 3 && memcmp(rd->buf, "\xef\xbb\xbf", 3) == 0) {
                rd->pos = 3;
                rd->bytes = 3;
            }
        }
        if (rd->pos == rd->len) {
            if (ferror(rd->in))
                return -2;
            rd->eof = 1;
            return EOF;
        }
    }
    int c = rd->buf[rd->pos++];
    rd->bytes++;
    if (c == '\r' || (c == '\n' && !rd->prev_cr))
        rd->line++;
    rd->prev_cr = (c == '\r');
    return c;
}

static int grow_record(relm_csv_reader_t *rd, relm_error_t *err)
{
    if (rd->rcap >= RELM_CSV_MAX_RECORD)
        return relm_error_set(err, RELM_EVALIDATION,
                              "line %lld: a record is longer than %d bytes (is a quote not "
                              "closed?)",
                              (long long)rd->rec_line, RELM_CSV_MAX_RECORD);
    size_t cap = rd->rcap * 2;
    char *p = realloc(rd->rec, cap);
    if (!p)
        return relm_error_set(err, RELM_ENOMEM, "out of memory reading CSV");
    rd->rec = p;
    rd->rcap = cap;
    return 0;
}

static inline int append(relm_csv_reader_t *rd, int c, relm_error_t *err)
{
    if (rd->rlen + 1 >= rd->rcap) {
        int rc = grow_record(rd, err);
        if (rc)
            return rc;
    }
    rd->rec[rd->rlen++] = (char)c;
    return 0;
}

static int end_field(relm_csv_reader_t *rd, size_t *start, relm_error_t *err)
{
    int rc = append(rd, '\0', err);
    if (rc)
        return rc;
    if (rd->nf == rd->fcap) {
        int cap = rd->fcap * 2;
        size_t *o = realloc(rd->offs, sizeof(size_t) * (size_t)cap);
        if (o)
            rd->offs = o;
        char **p = o ? realloc(rd->ptrs, sizeof(char *) * (size_t)cap) : NULL;
        if (!p)
            return relm_error_set(err, RELM_ENOMEM, "out of memory reading CSV");
        rd->ptrs = p;
        rd->fcap = cap;
    }
    rd->offs[rd->nf++] = *start;
    *start = rd->rlen;
    return 0;
}

static int finish_record(relm_csv_reader_t *rd, char ***fields, int *n)
{
    for (int i = 0; i < rd->nf; i++)
        rd->ptrs[i] = rd->rec + rd->offs[i];
    *fields = rd->ptrs;
    *n = rd->nf;
    return 1;
}

int relm_csv_read(relm_csv_reader_t *rd, char ***fields, int *n, relm_error_t *err)
{
    int state = ST_START, any = 0, rc;
    size_t start = 0;
    rd->nf = 0;
    rd->rlen = 0;
    for (;;) {
        int64_t line = rd->line;
        int c = next_byte(rd);
        if (c == -2)
            return relm_error_set(err, RELM_EIO, "line %lld: the input cannot be read",
                                  (long long)line);
        if (rd->skip_lf) {
            rd->skip_lf = 0;
            if (c == '\n')
                continue;
        }
        if (c == EOF) {
            if (state == ST_QUOTED)
                return relm_error_set(err, RELM_EVALIDATION,
                                      "line %lld: a quoted field is not closed",
                                      (long long)rd->rec_line);
            if (!any)
                return 0;
            if ((rc = end_field(rd, &start, err)))
                return rc;
            return finish_record(rd, fields, n);
        }
        if (!any) {
            if (c == '\n' || c == '\r') {
                rd->skip_lf = (c == '\r');
                continue; /* an empty line */
            }
            any = 1;
            rd->rec_line = line;
        }
        if (c == '\0')
            return relm_error_set(err, RELM_EVALIDATION,
                                  "line %lld, column %d: a field holds a NUL byte (binary data "
                                  "cannot be imported)",
                                  (long long)line, rd->nf + 1);
        switch (state) {
        case ST_START:
        case ST_UNQUOTED:
            if (c == rd->delim) {
                if ((rc = end_field(rd, &start, err)))
                    return rc;
                state = ST_START;
            } else if (c == '\n' || c == '\r') {
                rd->skip_lf = (c == '\r');
                if ((rc = end_field(rd, &start, err)))
                    return rc;
                return finish_record(rd, fields, n);
            } else if (c == '"') {
                if (state == ST_UNQUOTED)
                    return relm_error_set(err, RELM_EVALIDATION,
                                          "line %lld: a quote inside an unquoted field (quote "
                                          "the whole field and double the quote)",
                                          (long long)line);
                state = ST_QUOTED;
            } else {
                if ((rc = append(rd, c, err)))
                    return rc;
                state = ST_UNQUOTED;
            }
            break;
        case ST_QUOTED:
            if (c == '"') {
                state = ST_QUOTE_SEEN;
            } else if ((rc = append(rd, c, err))) {
                return rc;
            }
            break;
        default: /* ST_QUOTE_SEEN */
            if (c == '"') {
                if ((rc = append(rd, c, err)))
                    return rc;
                state = ST_QUOTED;
            } else if (c == rd->delim) {
                if ((rc = end_field(rd, &start, err)))
                    return rc;
                state = ST_START;
            } else if (c == '\n' || c == '\r') {
                rd->skip_lf = (c == '\r');
                if ((rc = end_field(rd, &start, err)))
                    return rc;
                return finish_record(rd, fields, n);
            } else {
                return relm_error_set(err, RELM_EVALIDATION,
                                      "line %lld: unexpected text after a closing quote",
                                      (long long)line);
            }
            break;
        }
    }
}

static int needs_quotes(const char *s)
{
    if (!*s)
        return 0;
    if (*s == ' ' || *s == '\t')
        return 1;
    size_t n = strlen(s);
    if (s[n - 1] == ' ' || s[n - 1] == '\t')
        return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

void relm_csv_reader_set_delimiter(relm_csv_reader_t *rd, char delimiter)
{
    rd->delim = (unsigned char)delimiter;
}

int relm_csv_write_safe_field(FILE *out, const char *value, int first)
{
    if (!value || !strchr("=+-@\t\r", value[0]) || !value[0])
        return relm_csv_write_field(out, value, first);
    /* A leading apostrophe: the spreadsheet shows the text instead of running a formula. */
    size_t n = strlen(value);
    char *safe = malloc(n + 2);
    if (!safe)
        return -1;
    safe[0] = '\'';
    memcpy(safe + 1, value, n + 1);
    int rc = relm_csv_write_field(out, safe, first);
    free(safe);
    return rc;
}

FILE *relm_csv_recode(FILE *in, const char *encoding, relm_error_t *err)
{
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1) {
        relm_error_set(err, RELM_EUSAGE,
                       "encoding %s is not known (try ISO-8859-1, "
                       "WINDOWS-1252 or UTF-16)",
                       encoding);
        return NULL;
    }
    FILE *out = tmpfile();
    if (!out) {
        iconv_close(cd);
        relm_error_set(err, RELM_EIO, "no temporary file for the recoded input");
        return NULL;
    }
    char inbuf[16384], outbuf[65536];
    size_t have = 0;
    int64_t offset = 0;
    int failed = 0;
    while (!failed) {
        size_t got = fread(inbuf + have, 1, sizeof(inbuf) - have, in);
        int last = got == 0;
        have += got;
        char *ip = inbuf;
        size_t il = have;
        while (!failed) {
            char *op = outbuf;
            size_t ol = sizeof(outbuf);
            /* At the end, a NULL input flushes the converter's shift state. */
            size_t rc =
                last && il == 0 ? iconv(cd, NULL, NULL, &op, &ol) : iconv(cd, &ip, &il, &op, &ol);
            int saved = errno;
            size_t n = (size_t)(op - outbuf);
            if (fwrite(outbuf, 1, n, out) != n)
                failed = relm_error_set(err, RELM_EIO, "the recoded input cannot be written");
            if (rc != (size_t)-1)
                break;
            if (saved == E2BIG)
                continue;
            if (saved == EINVAL && !last)
                break; /* a character split across reads: read on */
            relm_error_set(err, RELM_EVALIDATION,
                           saved == EINVAL ? "byte %lld: the input ends inside a %s character"
                                           : "byte %lld: the input is not valid %s",
                           (long long)(offset + (ip - inbuf)), encoding);
            failed = 1;
        }
        offset += ip - inbuf;
        memmove(inbuf, ip, il);
        have = il;
        if (last)
            break;
    }
    if (!failed && ferror(in)) {
        relm_error_set(err, RELM_EIO, "the input cannot be read");
        failed = 1;
    }
    iconv_close(cd);
    if (failed) {
        fclose(out);
        return NULL;
    }
    rewind(out);
    return out;
}

int relm_csv_write_field(FILE *out, const char *value, int first)
{
    if (!value)
        value = "";
    if (!first)
        putc(',', out);
    if (!needs_quotes(value)) {
        fputs(value, out);
    } else {
        putc('"', out);
        for (const char *p = value; *p; p++) {
            if (*p == '"')
                putc('"', out);
            putc(*p, out);
        }
        putc('"', out);
    }
    return ferror(out) ? -1 : 0;
}

int relm_csv_end_record(FILE *out)
{
    fputs("\r\n", out);
    return ferror(out) ? -1 : 0;
}

int relm_csv_write_record(FILE *out, const char *const *values, int n)
{
    if (n == 1 && (!values[0] || !values[0][0])) {
        /* A lone empty field is written "" so that it is not an empty line (skipped). */
        fputs("\"\"", out);
        return relm_csv_end_record(out);
    }
    for (int i = 0; i < n; i++)
        if (relm_csv_write_field(out, values[i], i == 0))
            return -1;
    return relm_csv_end_record(out);
}
