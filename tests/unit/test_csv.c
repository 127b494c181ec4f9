/*
 * The streaming CSV reader and writer: RFC 4180 quoting, line ends, physical line
 * numbers, errors, and records that cross the reader's buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "helpers.h"

typedef struct reading {
    FILE *f;
    relm_csv_reader_t *rd;
} reading_t;

static reading_t open_text(const char *text, size_t len)
{
    reading_t x;
    x.f = fmemopen((void *)text, len, "r");
    assert_non_null(x.f);
    x.rd = relm_csv_reader_new(x.f);
    assert_non_null(x.rd);
    return x;
}

static void close_reading(reading_t *x)
{
    relm_csv_reader_free(x->rd);
    fclose(x->f);
}

/* Read one record and compare it with the expected fields (NULL-terminated). */
static void expect_record(reading_t *x, int64_t line, ...)
{
    char **f;
    int n;
    relm_error_t err = {0};
    int rc = relm_csv_read(x->rd, &f, &n, &err);
    if (rc != 1)
        fail_msg("expected a record, got %d (%s)", rc, err.message);
    assert_int_equal(relm_csv_line(x->rd), line);
    va_list ap;
    va_start(ap, line);
    int i = 0;
    for (const char *want; (want = va_arg(ap, const char *)); i++) {
        assert_true(i < n);
        assert_string_equal(f[i], want);
    }
    va_end(ap);
    assert_int_equal(n, i);
}

static void expect_end(reading_t *x)
{
    char **f;
    int n;
    relm_error_t err = {0};
    assert_int_equal(relm_csv_read(x->rd, &f, &n, &err), 0);
}

static void expect_error(reading_t *x, const char *message)
{
    char **f;
    int n;
    relm_error_t err = {0};
    int rc;
    while ((rc = relm_csv_read(x->rd, &f, &n, &err)) == 1)
        ;
    assert_int_equal(rc, RELM_EVALIDATION);
    assert_string_equal(err.message, message);
}

static void plain_and_quoted_fields(void **state)
{
    (void)state;
    const char *t = "a,b,c\n"
                    "\"x, y\",\"say \"\"hi\"\"\",\n"
                    ",,\n"
                    "\"\"\n";
    reading_t x = open_text(t, strlen(t));
    expect_record(&x, 1, "a", "b", "c", NULL);
    expect_record(&x, 2, "x, y", "say \"hi\"", "", NULL);
    expect_record(&x, 3, "", "", "", NULL);
    expect_record(&x, 4, "", NULL);
    expect_end(&x);
    expect_end(&x);
    assert_int_equal(relm_csv_bytes(x.rd), (int64_t)strlen(t));
    close_reading(&x);
}

static void crlf_lf_and_cr_line_ends(void **state)
{
    (void)state;
    const char *t = "a,b\r\nc,d\ne,f\rg,h";
    reading_t x = open_text(t, strlen(t));
    expect_record(&x, 1, "a", "b", NULL);
    expect_record(&x, 2, "c", "d", NULL);
    expect_record(&x, 3, "e", "f", NULL);
    expect_record(&x, 4, "g", "h", NULL);
    expect_end(&x);
    close_reading(&x);
}

static void newlines_inside_quotes_are_kept_and_counted(void **state)
{
    (void)state;
    const char *t = "h1,h2\r\n"
                    "\"two\r\nlines\",x\r\n"
                    "\"three\nlines\nhere\",y\r\n"
                    "last,\"\"\"\"\r\n";
    reading_t x = open_text(t, strlen(t));
    expect_record(&x, 1, "h1", "h2", NULL);
    expect_record(&x, 2, "two\r\nlines", "x", NULL);
    expect_record(&x, 4, "three\nlines\nhere", "y", NULL);
    expect_record(&x, 7, "last", "\"", NULL);
    expect_end(&x);
    close_reading(&x);
}

static void empty_lines_and_a_byte_order_mark_are_skipped(void **state)
{
    (void)state;
    const char *t = "\xef\xbb\xbfno,name\r\n\r\n\nA,B\n\r\n";
    reading_t x = open_text(t, strlen(t));
    expect_record(&x, 1, "no", "name", NULL);
    expect_record(&x, 4, "A", "B", NULL);
    expect_end(&x);
    close_reading(&x);
}

static void malformed_input_names_the_line(void **state)
{
    (void)state;
    const char *t1 = "a\nb\n\"open,\nstill open\n";
    reading_t x = open_text(t1, strlen(t1));
    expect_error(&x, "line 3: a quoted field is not closed");
    close_reading(&x);

    const char *t2 = "a\n\"x\"y,z\n";
    x = open_text(t2, strlen(t2));
    expect_error(&x, "line 2: unexpected text after a closing quote");
    close_reading(&x);

    const char *t3 = "a\n\n\nab\"c\n";
    x = open_text(t3, strlen(t3));
    expect_error(&x, "line 4: a quote inside an unquoted field (quote the whole field and double "
                     "the quote)");
    close_reading(&x);
}

static void a_runaway_record_is_refused(void **state)
{
    (void)state;
    size_t len = RELM_CSV_MAX_RECORD + 100;
    char *t = malloc(len);
    t[0] = '"';
    memset(t + 1, 'x', len - 1);
    reading_t x = open_text(t, len);
    char **f;
    int n;
    relm_error_t err = {0};
    assert_int_equal(relm_csv_read(x.rd, &f, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "line 1: a record is longer than"));
    close_reading(&x);
    free(t);
}

static void records_cross_the_input_buffer(void **state)
{
    (void)state;
    /* A 200 KiB quoted field, then many short records, the CRLFs landing on every offset. */
    size_t big = 200 * 1024, cap = big + 1000000;
    char *t = malloc(cap);
    size_t len = 0;
    t[len++] = '"';
    for (size_t i = 0; i < big; i++)
        t[len++] = (i % 1000 == 999) ? '\n' : 'a';
    len += (size_t)snprintf(t + len, cap - len, "\",end\r\n");
    int rows = 0;
    while (len + 64 < cap) {
        len += (size_t)snprintf(t + len, cap - len, "r%d,\"q\"\"%d\"\r\n", rows, rows);
        rows++;
    }
    reading_t x = open_text(t, len);
    char **f;
    int n;
    relm_error_t err = {0};
    assert_int_equal(relm_csv_read(x.rd, &f, &n, &err), 1);
    assert_int_equal(n, 2);
    assert_int_equal(strlen(f[0]), big);
    assert_string_equal(f[1], "end");
    int64_t line = 1 + (int64_t)(big / 1000) + 1;
    for (int i = 0; i < rows; i++) {
        assert_int_equal(relm_csv_read(x.rd, &f, &n, &err), 1);
        assert_int_equal(relm_csv_line(x.rd), line + i);
        char want[32];
        snprintf(want, sizeof(want), "r%d", i);
        assert_string_equal(f[0], want);
        snprintf(want, sizeof(want), "q\"%d", i);
        assert_string_equal(f[1], want);
    }
    expect_end(&x);
    close_reading(&x);
    free(t);
}

static void many_fields_in_one_record(void **state)
{
    (void)state;
    char t[4000];
    size_t len = 0;
    for (int i = 0; i < 500; i++)
        len += (size_t)snprintf(t + len, sizeof(t) - len, "%s%d", i ? "," : "", i);
    reading_t x = open_text(t, len);
    char **f;
    int n;
    relm_error_t err = {0};
    assert_int_equal(relm_csv_read(x.rd, &f, &n, &err), 1);
    assert_int_equal(n, 500);
    assert_string_equal(f[0], "0");
    assert_string_equal(f[499], "499");
    close_reading(&x);
}

static void writer_quotes_only_what_needs_it(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *const row[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "", " pad", "cr\r", "ü"};
    assert_int_equal(relm_csv_write_record(f, row, 8), 0);
    assert_int_equal(relm_csv_write_field(f, NULL, 1), 0);
    assert_int_equal(relm_csv_end_record(f), 0);
    fclose(f);
    assert_string_equal(buf,
                        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\" pad\",\"cr\r\",ü\r\n"
                        "\r\n");
    free(buf);
}

static void written_values_read_back_unchanged(void **state)
{
    (void)state;
    const char *const values[] = {"",   ",",   "\"",        "\"\"", "a\r\nb",   "\n",
                                  "\r", " x ", "x,\"y\"\n", "ÆØÅ",  "tab\there"};
    int nv = (int)(sizeof(values) / sizeof(values[0]));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(relm_csv_write_record(f, values, nv), 0);
    assert_int_equal(relm_csv_write_record(f, values + 1, nv - 1), 0);
    fclose(f);
    reading_t x = open_text(buf, len);
    char **fields;
    int n;
    relm_error_t err = {0};
    for (int rec = 0; rec < 2; rec++) {
        assert_int_equal(relm_csv_read(x.rd, &fields, &n, &err), 1);
        assert_int_equal(n, nv - rec);
        for (int i = 0; i < n; i++)
            assert_string_equal(fields[i], values[i + rec]);
    }
    expect_end(&x);
    close_reading(&x);
    free(buf);
}

static void a_nul_byte_in_a_field_is_refused_naming_line_and_column(void **state)
{
    (void)state;
    const char t1[] = "a,b\nx,y\0z\n";
    reading_t x = open_text(t1, sizeof(t1) - 1);
    expect_error(&x, "line 2, column 2: a field holds a NUL byte (binary data cannot be "
                     "imported)");
    close_reading(&x);
    const char t2[] = "\"q\0\",b\n";
    x = open_text(t2, sizeof(t2) - 1);
    expect_error(&x, "line 1, column 1: a field holds a NUL byte (binary data cannot be "
                     "imported)");
    close_reading(&x);
}

static void another_delimiter_separates_fields_and_commas_are_text(void **state)
{
    (void)state;
    static const char text[] = "a;\"b;c\";d,e\r\n1;2;3\n";
    reading_t x = open_text(text, strlen(text));
    relm_csv_reader_set_delimiter(x.rd, ';');
    expect_record(&x, 1, "a", "b;c", "d,e", NULL);
    expect_record(&x, 2, "1", "2", "3", NULL);
    expect_end(&x);
    close_reading(&x);
    static const char tabs[] = "a\tb c\t\n";
    x = open_text(tabs, strlen(tabs));
    relm_csv_reader_set_delimiter(x.rd, '\t');
    expect_record(&x, 1, "a", "b c", "", NULL);
    close_reading(&x);
}

static char *slurp(FILE *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    int c;
    while ((c = getc(f)) != EOF)
        putc(c, out);
    fclose(out);
    return buf;
}

static void latin1_and_windows_1252_input_is_recoded_to_utf8(void **state)
{
    (void)state;
    relm_error_t err = {0};
    static const char latin1[] = "name,city\nK\xe5re \xd8stby,Troms\xf8\n";
    FILE *in = fmemopen((void *)latin1, strlen(latin1), "r");
    FILE *u = relm_csv_recode(in, "ISO-8859-1", &err);
    assert_non_null(u);
    char *text = slurp(u);
    assert_string_equal(text, "name,city\nKåre Østby,Tromsø\n");
    free(text);
    fclose(u);
    fclose(in);
    /* 0x80 is the euro sign in windows-1252 and a control character in ISO-8859-1. */
    static const char cp1252[] = "price\n\x80 5\n";
    in = fmemopen((void *)cp1252, strlen(cp1252), "r");
    u = relm_csv_recode(in, "windows-1252", &err);
    assert_non_null(u);
    text = slurp(u);
    assert_string_equal(text, "price\n\xe2\x82\xac 5\n");
    free(text);
    fclose(u);
    fclose(in);
    /* Longer than one read: characters are not split between reads. */
    size_t big = 100000;
    char *many = malloc(big + 1);
    memset(many, '\xe6', big);
    many[big] = '\0';
    in = fmemopen(many, big, "r");
    u = relm_csv_recode(in, "ISO-8859-1", &err);
    assert_non_null(u);
    text = slurp(u);
    assert_int_equal(strlen(text), 2 * big);
    assert_true(relm_valid_utf8(text));
    free(text);
    fclose(u);
    fclose(in);
    free(many);
}

static void bad_input_and_unknown_encodings_are_refused(void **state)
{
    (void)state;
    relm_error_t err = {0};
    static const char text[] = "name\nok\n\xff\xfe";
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    assert_null(relm_csv_recode(in, "UTF-8", &err));
    assert_int_equal(err.code, RELM_EVALIDATION);
    assert_string_equal(err.message, "byte 8: the input is not valid UTF-8");
    fclose(in);
    in = fmemopen((void *)text, strlen(text), "r");
    assert_null(relm_csv_recode(in, "KLINGON-8", &err));
    assert_int_equal(err.code, RELM_EUSAGE);
    assert_non_null(strstr(err.message, "KLINGON-8"));
    fclose(in);
}

static void safe_fields_neutralise_formulas(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    const char *values[] = {"=HYPERLINK(\"x\")", "+47 22", "-1", "@SUM(A1)", "plain", "", "a=b"};
    for (int i = 0; i < 7; i++)
        assert_int_equal(relm_csv_write_safe_field(out, values[i], i == 0), 0);
    relm_csv_end_record(out);
    fclose(out);
    assert_string_equal(buf, "\"'=HYPERLINK(\"\"x\"\")\",'+47 22,'-1,'@SUM(A1),plain,,a=b\r\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_and_quoted_fields),
        cmocka_unit_test(another_delimiter_separates_fields_and_commas_are_text),
        cmocka_unit_test(latin1_and_windows_1252_input_is_recoded_to_utf8),
        cmocka_unit_test(bad_input_and_unknown_encodings_are_refused),
        cmocka_unit_test(safe_fields_neutralise_formulas),
        cmocka_unit_test(crlf_lf_and_cr_line_ends),
        cmocka_unit_test(newlines_inside_quotes_are_kept_and_counted),
        cmocka_unit_test(empty_lines_and_a_byte_order_mark_are_skipped),
        cmocka_unit_test(malformed_input_names_the_line),
        cmocka_unit_test(a_runaway_record_is_refused),
        cmocka_unit_test(records_cross_the_input_buffer),
        cmocka_unit_test(many_fields_in_one_record),
        cmocka_unit_test(writer_quotes_only_what_needs_it),
        cmocka_unit_test(written_values_read_back_unchanged),
        cmocka_unit_test(a_nul_byte_in_a_field_is_refused_naming_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
