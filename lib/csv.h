/*
 * A small streaming CSV reader and writer (RFC 4180): fields separated by commas, records
 * by CRLF or LF (a lone CR counts as a line end too), fields optionally in double quotes,
 * a quote inside a quoted field doubled, line ends inside quoted fields kept.
 *
 * The reader holds one buffer of input and one record at a time, never the whole file.
 * Empty lines are skipped, and a UTF-8 byte order mark at the start is ignored. A record
 * longer than RELM_CSV_MAX_RECORD bytes is an error (most often an unclosed quote).
 */
#ifndef RELM_CSV_H
#define RELM_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "relm/error.h"

#define RELM_CSV_MAX_RECORD (1 << 20)

typedef struct relm_csv_reader relm_csv_reader_t;

/* A reader over in (borrowed: the caller closes it). NULL when out of memory. */
relm_csv_reader_t *relm_csv_reader_new(FILE *in);
void relm_csv_reader_free(relm_csv_reader_t *rd);

/*
 * Read the next record. Returns 1 with *fields (n of them, NUL-terminated, owned by the
 * reader and valid until the next call), 0 at the end of input, or a negative code with
 * err saying "line N: ..." (validation for malformed input, io for a read error).
 */
int relm_csv_read(relm_csv_reader_t *rd, char ***fields, int *n, relm_error_t *err);

/* Read fields separated by delimiter instead of a comma (';' or '\t', say). */
void relm_csv_reader_set_delimiter(relm_csv_reader_t *rd, char delimiter);

/*
 * The input in as UTF-8: a new temporary file (the caller closes it), read from the start,
 * holding in converted from encoding (an iconv name: ISO-8859-1, WINDOWS-1252, UTF-16, ...).
 * NULL with err filled: usage for an unknown encoding, validation naming the byte offset
 * of input that is not valid in that encoding, io.
 */
FILE *relm_csv_recode(FILE *in, const char *encoding, relm_error_t *err);

/* Physical line (from 1) on which the last record returned started. */
int64_t relm_csv_line(const relm_csv_reader_t *rd);
/* Bytes of input consumed so far. */
int64_t relm_csv_bytes(const relm_csv_reader_t *rd);

/*
 * Write one field, quoted when it holds a comma, quote, CR, LF or surrounding blanks
 * (first: no separator before it); relm_csv_end_record writes CRLF. Both return 0, or -1
 * when out reports an error.
 */
int relm_csv_write_field(FILE *out, const char *value, int first);
int relm_csv_end_record(FILE *out);
/*
 * relm_csv_write_field for spreadsheets: a value starting with =, +, -, @, a tab or a CR
 * gets a leading apostrophe, so that a spreadsheet shows it as text instead of running it
 * as a formula.
 */
int relm_csv_write_safe_field(FILE *out, const char *value, int first);
/* Write n fields as one record (a record of one empty field as "", not an empty line). */
int relm_csv_write_record(FILE *out, const char *const *values, int n);

#endif
