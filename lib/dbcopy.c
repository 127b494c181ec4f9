/*
 * relm db copy: a whole database from one store into another, through the storage
 * interface only, so that any pair of engines works the same way.
 *
 * Rows stream from one statement over each source table into multi-row INSERTs on the
 * target (a batch of rows is all that is held in memory), one target transaction per
 * table, tables in an order in which every reference finds its row. Values travel as
 * text, except those that are an integer written the canonical way, which are bound as
 * integers: each engine then stores them by its column's type, so a copy back gives
 * SQLite the same storage classes it had.
 *
 * The check afterwards reads each target table back and compares its count and checksum
 * with the source's. The checksum is a sum (four 64-bit lanes) of one BLAKE2b-256 hash per
 * row, so it does not depend on row order: engines order text by different collations,
 * and the copy keeps the source's storage order rather than sorting.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "relm/dbcopy.h"

/*
 * Every table of the schema, in an order in which references (FOREIGN KEY) are satisfied:
 * a table comes after the tables it refers to. seeded: the migrations write rows into it,
 * so a freshly initialised target has rows here that the copy replaces.
 */
static const struct table_def {
    const char *name;
    int seeded;
} tables[] = {
    {"relm_meta", 1},
    {"relm_counter", 1},
    {"no_series", 0},
    {"no_series_line", 0},
    {"marketing_setup", 1},
    {"salesperson", 0},
    {"contact", 0},
    {"interaction_group", 0},
    {"campaign", 0},
    {"interaction_template", 0},
    {"interaction_template_language", 0},
    {"interaction_log_entry", 0},
    {"interaction_comment", 0},
    {"attachment", 0},
    {"segment_header", 0},
    {"segment_line", 0},
    {"segment_criteria_step", 0},
    {"segment_removed_line", 0},
    {"saved_criteria", 0},
    {"saved_criteria_step", 0},
    {"logged_segment", 0},
    {"campaign_entry", 0},
    {"app_user", 0},
    {"user_session", 0},
    {"api_token", 0},
    {"login_throttle", 0},
    {"mail_fetch_position", 0},
    {"privacy_erasure", 0},
};
#define NTABLES ((int)(sizeof(tables) / sizeof(tables[0])))

_Static_assert(NTABLES <= RELM_DBCOPY_MAX_TABLES, "RELM_DBCOPY_MAX_TABLES is too small");

/* A batch: at most BATCH_ROWS rows, BATCH_PARAMS parameters or BATCH_BYTES of text. */
#define BATCH_ROWS    100
#define BATCH_PARAMS  4000
#define BATCH_BYTES   (4 << 20)
#define PROGRESS_ROWS 2000

enum { V_NULL, V_INT, V_TEXT };

typedef struct batch {
    int ncols, max_rows, nrows;
    char cols[4096]; /* "a, b, c" */
    signed char *kind;
    int64_t *ival;
    size_t *off; /* text values: offset into buf */
    char *buf;
    size_t len, cap;
    char *sql;     /* INSERT for max_rows rows */
    char *sql_end; /* INSERT for the last, shorter batch */
} batch_t;

typedef struct sum {
    uint64_t lane[4];
    int64_t rows;
} sum_t;

/* The table list, for the tests that keep it in step with the schema. */
int relm_dbcopy_table_count(void);
const char *relm_dbcopy_table_name(int i);

int relm_dbcopy_table_count(void)
{
    return NTABLES;
}

const char *relm_dbcopy_table_name(int i)
{
    return i >= 0 && i < NTABLES ? tables[i].name : NULL;
}

/* The row's values, each as NULL or its text with its length, hashed and added in. */
static void sum_row(sum_t *s, relm_stmt_t *st, int ncols)
{
    crypto_generichash_state h;
    unsigned char out[32];
    crypto_generichash_init(&h, NULL, 0, sizeof(out));
    for (int i = 0; i < ncols; i++) {
        if (relm_stmt_is_null(st, i)) {
            crypto_generichash_update(&h, (const unsigned char *)"N", 1);
            continue;
        }
        const char *t = relm_stmt_text(st, i);
        uint64_t n = strlen(t);
        unsigned char len[9] = {'T'};
        for (int b = 0; b < 8; b++)
            len[1 + b] = (unsigned char)(n >> (8 * b));
        crypto_generichash_update(&h, len, sizeof(len));
        crypto_generichash_update(&h, (const unsigned char *)t, n);
    }
    crypto_generichash_final(&h, out, sizeof(out));
    for (int l = 0; l < 4; l++) {
        uint64_t v = 0;
        for (int b = 0; b < 8; b++)
            v |= (uint64_t)out[l * 8 + b] << (8 * b);
        s->lane[l] += v;
    }
    s->rows++;
}

static void sum_hex(const sum_t *s, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int l = 0; l < 4; l++)
        for (int b = 0; b < 8; b++) {
            unsigned v = (unsigned)(s->lane[l] >> (8 * b)) & 0xff;
            out[(l * 8 + b) * 2] = hex[v >> 4];
            out[(l * 8 + b) * 2 + 1] = hex[v & 15];
        }
    out[64] = '\0';
}

/* Whether t is an integer as an engine prints one ("-12", "0"; not "012", "+1", "1.0"). */
static int canonical_int(const char *t, int64_t *v)
{
    const char *p = t;
    if (*p == '-')
        p++;
    if (!*p || (*p == '0' && (p[1] || p != t)) || strlen(p) > 19)
        return 0;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    char back[24];
    long long n = strtoll(t, NULL, 10);
    snprintf(back, sizeof(back), "%lld", n);
    if (strcmp(back, t) != 0) /* out of range: strtoll clamped it */
        return 0;
    *v = n;
    return 1;
}

static int valid_name(const char *n)
{
    if (!*n)
        return 0;
    for (; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '_'))
            return 0;
    return 1;
}

static char *insert_sql(const char *table, const char *cols, int ncols, int rows)
{
    size_t n = strlen(table) + strlen(cols) + 32 + (size_t)rows * ((size_t)ncols * 3 + 4);
    char *sql = malloc(n);
    if (!sql)
        return NULL;
    size_t len = (size_t)snprintf(sql, n, "INSERT INTO %s (%s) VALUES ", table, cols);
    for (int r = 0; r < rows; r++) {
        sql[len++] = r ? ',' : ' ';
        sql[len++] = '(';
        for (int c = 0; c < ncols; c++) {
            if (c)
                sql[len++] = ',';
            sql[len++] = '?';
        }
        sql[len++] = ')';
    }
    sql[len] = '\0';
    return sql;
}

static void batch_free(batch_t *b)
{
    free(b->kind);
    free(b->ival);
    free(b->off);
    free(b->buf);
    free(b->sql);
    free(b->sql_end);
    memset(b, 0, sizeof(*b));
}

/* Take the column names of the source statement; the batch is then ready for rows. */
static int batch_init(batch_t *b, const char *table, relm_stmt_t *s, relm_error_t *err)
{
    memset(b, 0, sizeof(*b));
    b->ncols = relm_stmt_columns(s);
    if (b->ncols <= 0)
        return relm_error_set(err, RELM_ESCHEMA, "table %s has no columns", table);
    size_t len = 0;
    for (int i = 0; i < b->ncols; i++) {
        const char *n = relm_stmt_column_name(s, i);
        if (!n || !valid_name(n))
            return relm_error_set(err, RELM_ESCHEMA, "table %s has a column named \"%s\"", table,
                                  n ? n : "");
        int w = snprintf(b->cols + len, sizeof(b->cols) - len, "%s%s", i ? ", " : "", n);
        if (w < 0 || (size_t)w >= sizeof(b->cols) - len)
            return relm_error_set(err, RELM_ESCHEMA, "table %s has too many columns", table);
        len += (size_t)w;
    }
    b->max_rows = BATCH_PARAMS / b->ncols;
    if (b->max_rows > BATCH_ROWS)
        b->max_rows = BATCH_ROWS;
    if (b->max_rows < 1)
        b->max_rows = 1;
    size_t nv = (size_t)b->max_rows * (size_t)b->ncols;
    b->kind = calloc(nv, 1);
    b->ival = calloc(nv, sizeof(*b->ival));
    b->off = calloc(nv, sizeof(*b->off));
    b->cap = 1 << 16;
    b->buf = malloc(b->cap);
    b->sql = insert_sql(table, b->cols, b->ncols, b->max_rows);
    if (!b->kind || !b->ival || !b->off || !b->buf || !b->sql) {
        batch_free(b);
        return relm_error_set(err, RELM_ENOMEM, "out of memory copying table %s", table);
    }
    return 0;
}

static int batch_add(batch_t *b, relm_stmt_t *s, const char *table, relm_error_t *err)
{
    size_t base = (size_t)b->nrows * (size_t)b->ncols;
    for (int i = 0; i < b->ncols; i++) {
        size_t k = base + (size_t)i;
        if (relm_stmt_is_null(s, i)) {
            b->kind[k] = V_NULL;
            continue;
        }
        const char *t = relm_stmt_text(s, i);
        if (canonical_int(t, &b->ival[k])) {
            b->kind[k] = V_INT;
            continue;
        }
        size_t n = strlen(t) + 1;
        if (b->len + n > b->cap) {
            size_t cap = b->cap;
            while (b->len + n > cap)
                cap *= 2;
            char *nb = realloc(b->buf, cap);
            if (!nb)
                return relm_error_set(err, RELM_ENOMEM, "out of memory copying table %s", table);
            b->buf = nb;
            b->cap = cap;
        }
        memcpy(b->buf + b->len, t, n);
        b->kind[k] = V_TEXT;
        b->off[k] = b->len;
        b->len += n;
    }
    b->nrows++;
    return 0;
}

static int batch_flush(batch_t *b, relm_store_t *dst, const char *table, relm_error_t *err)
{
    if (b->nrows == 0)
        return 0;
    const char *sql = b->sql;
    if (b->nrows < b->max_rows) {
        /* Only the last batch of a table is short: one statement text for it. */
        free(b->sql_end);
        b->sql_end = insert_sql(table, b->cols, b->ncols, b->nrows);
        if (!b->sql_end)
            return relm_error_set(err, RELM_ENOMEM, "out of memory copying table %s", table);
        sql = b->sql_end;
    }
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(dst, sql, &s, err);
    if (rc)
        return rc;
    size_t nv = (size_t)b->nrows * (size_t)b->ncols;
    for (size_t k = 0; k < nv; k++) {
        int p = (int)k + 1;
        if (b->kind[k] == V_NULL)
            relm_stmt_bind_null(s, p);
        else if (b->kind[k] == V_INT)
            relm_stmt_bind_int(s, p, b->ival[k]);
        else
            relm_stmt_bind_text(s, p, b->buf + b->off[k]);
    }
    rc = relm_stmt_run(s, err);
    b->nrows = 0;
    b->len = 0;
    return rc;
}

static int has_rows(relm_store_t *st, const char *sql, int *yes, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    rc = relm_stmt_step(s, err);
    *yes = rc == RELM_STEP_ROW;
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

static int count_rows(relm_store_t *st, const char *table, int64_t *n, relm_error_t *err)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    rc = relm_stmt_step(s, err);
    *n = rc == RELM_STEP_ROW ? relm_stmt_int(s, 0) : 0;
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/* url for a message: a password in it ("postgresql://user:secret@host") is left out. */
static const char *shown(const char *url, char *buf, size_t n)
{
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (!at || !colon || colon > at)
        return url;
    snprintf(buf, n, "%.*s%s", (int)(colon - url), url, at);
    return buf;
}

/* A target that holds records (or whose counters moved) is not overwritten. */
static int check_target_empty(relm_store_t *dst, const char *target, relm_error_t *err)
{
    char buf[1024];
    const char *url = shown(target, buf, sizeof(buf));
    char sql[128];
    int yes = 0, rc;
    for (int i = 0; i < NTABLES; i++) {
        if (tables[i].seeded)
            continue;
        snprintf(sql, sizeof(sql), "SELECT 1 FROM %s LIMIT 1", tables[i].name);
        if ((rc = has_rows(dst, sql, &yes, err)))
            return rc;
        if (yes)
            return relm_error_set(err, RELM_EEXISTS,
                                  "target database %s already holds data (table %s has rows): "
                                  "copy only into an empty or freshly initialised database",
                                  url, tables[i].name);
    }
    if ((rc = has_rows(dst, "SELECT 1 FROM relm_counter WHERE value <> 0", &yes, err)))
        return rc;
    if (yes)
        return relm_error_set(err, RELM_EEXISTS,
                              "target database %s already holds data (its entry counters have "
                              "moved): copy only into an empty or freshly initialised database",
                              url);
    return 0;
}

/* Strip "sqlite:" / "sqlite://" so that two spellings of one file compare equal. */
static const char *plain_target(const char *url)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        url += 7;
        if (strncmp(url, "//", 2) == 0)
            url += 2;
    }
    return url;
}

static int same_database(const char *a, const char *b)
{
    const char *pa = plain_target(a), *pb = plain_target(b);
    if (strcmp(pa, pb) == 0)
        return 1;
    struct stat sa, sb;
    return stat(pa, &sa) == 0 && stat(pb, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/*
 * A statement over a whole table, streamed. SQLite hands rows over one at a time; a
 * PostgreSQL statement hands over its whole result at once (store/postgres.c), so there
 * the rows come through a cursor, FETCH_ROWS at a time, inside the caller's transaction.
 */
#define FETCH_ROWS 500

typedef struct reader {
    relm_store_t *st;
    int cursor;
    int in_batch; /* rows the last FETCH gave so far */
    relm_stmt_t *s;
} reader_t;

static int reads_whole_results(relm_store_t *st)
{
    return strcmp(relm_store_engine(st), "sqlite") != 0;
}

static int reader_open(reader_t *rd, relm_store_t *st, const char *select, relm_error_t *err)
{
    memset(rd, 0, sizeof(*rd));
    rd->st = st;
    rd->cursor = reads_whole_results(st);
    if (!rd->cursor)
        return relm_stmt_prepare(st, select, &rd->s, err);
    size_t n = strlen(select) + 64;
    char *sql = malloc(n);
    if (!sql)
        return relm_error_set(err, RELM_ENOMEM, "out of memory reading a table");
    snprintf(sql, n, "DECLARE relm_copy NO SCROLL CURSOR FOR %s", select);
    int rc = relm_store_exec(st, sql, err);
    free(sql);
    return rc;
}

static const char fetch_sql[] = "FETCH FORWARD 500 FROM relm_copy";
_Static_assert(FETCH_ROWS == 500, "fetch_sql fetches FETCH_ROWS rows");

/* RELM_STEP_ROW with the row in rd->s, RELM_STEP_DONE, or a negative code. */
static int reader_step(reader_t *rd, relm_error_t *err)
{
    if (!rd->cursor)
        return relm_stmt_step(rd->s, err);
    for (;;) {
        if (!rd->s) {
            int rc = relm_stmt_prepare(rd->st, fetch_sql, &rd->s, err);
            if (rc)
                return rc;
            rd->in_batch = 0;
        }
        int rc = relm_stmt_step(rd->s, err);
        if (rc != RELM_STEP_DONE) {
            rd->in_batch += rc == RELM_STEP_ROW;
            return rc;
        }
        relm_stmt_release(rd->s);
        rd->s = NULL;
        if (rd->in_batch < FETCH_ROWS)
            return RELM_STEP_DONE;
    }
}

static void reader_close(reader_t *rd)
{
    relm_stmt_release(rd->s);
    rd->s = NULL;
    if (rd->cursor)
        relm_store_exec(rd->st, "CLOSE relm_copy", NULL);
}

typedef struct copy_ctx {
    relm_store_t *src, *dst;
    relm_dbcopy_progress_fn progress;
    void *pctx;
    int64_t done, total;
} copy_ctx_t;

/* Copy one table in one target transaction; sums the source's rows into *sum. */
static int copy_table(copy_ctx_t *c, const struct table_def *t, batch_t *b, sum_t *sum,
                      relm_error_t *err)
{
    char sql[160];
    int rc = relm_store_begin(c->dst, err);
    if (rc)
        return rc;
    if (t->seeded) {
        snprintf(sql, sizeof(sql), "DELETE FROM %s", t->name);
        rc = relm_store_exec(c->dst, sql, err);
    }
    reader_t rd = {0};
    int opened = 0;
    if (rc == 0) {
        snprintf(sql, sizeof(sql), "SELECT * FROM %s", t->name);
        rc = reader_open(&rd, c->src, sql, err);
        opened = rc == 0;
    }
    int64_t last = c->done;
    while (rc == 0 && (rc = reader_step(&rd, err)) == RELM_STEP_ROW) {
        relm_stmt_t *s = rd.s;
        rc = 0;
        if (!b->sql && (rc = batch_init(b, t->name, s, err)))
            break;
        sum_row(sum, s, b->ncols);
        if ((rc = batch_add(b, s, t->name, err)))
            break;
        if ((b->nrows == b->max_rows || b->len >= BATCH_BYTES) &&
            (rc = batch_flush(b, c->dst, t->name, err)))
            break;
        c->done++;
        if (c->progress && c->done - last >= PROGRESS_ROWS) {
            c->progress(c->pctx, t->name, c->done, c->total);
            last = c->done;
        }
    }
    if (opened)
        reader_close(&rd);
    if (rc == RELM_STEP_DONE)
        rc = batch_flush(b, c->dst, t->name, err);
    if (rc == 0 && c->progress)
        c->progress(c->pctx, t->name, c->done, c->total);
    if (rc) {
        relm_store_rollback(c->dst);
        char msg[sizeof(err->message)];
        snprintf(msg, sizeof(msg), "%s", err ? err->message : "");
        return relm_error_set(err, rc, "copying table %s: %s", t->name, msg);
    }
    return relm_store_commit(c->dst, err);
}

/* Read a table back (columns as the source gave them) and sum its rows. */
static int sum_table(relm_store_t *st, const char *table, const char *cols, sum_t *sum,
                     relm_error_t *err)
{
    size_t n = strlen(table) + strlen(cols) + 32;
    char *sql = malloc(n);
    if (!sql)
        return relm_error_set(err, RELM_ENOMEM, "out of memory checking table %s", table);
    snprintf(sql, n, "SELECT %s FROM %s", cols, table);
    reader_t rd;
    /* A cursor lives in a transaction. */
    int rc = reads_whole_results(st) ? relm_store_begin(st, err) : 0;
    int tx = rc == 0 && reads_whole_results(st);
    if (rc == 0)
        rc = reader_open(&rd, st, sql, err);
    free(sql);
    if (rc == 0) {
        int ncols = 0;
        while ((rc = reader_step(&rd, err)) == RELM_STEP_ROW) {
            if (ncols <= 0)
                ncols = relm_stmt_columns(rd.s);
            sum_row(sum, rd.s, ncols);
        }
        reader_close(&rd);
    }
    if (tx)
        relm_store_rollback(st);
    return rc < 0 ? rc : 0;
}

/*
 * Open one side of the copy at this relm's schema version. The target may be created
 * (an empty database is initialised); an older schema is refused on either side.
 */
static int open_side(const char *url, const char *role, int create, relm_t **out, relm_error_t *err)
{
    relm_error_t e = {0};
    int rc = relm_open(url, RELM_OPEN_NO_MIGRATE | (create ? RELM_OPEN_CREATE : 0), out, &e);
    if (rc)
        return relm_error_set(err, rc, "%s: %s", role, e.message);
    return 0;
}

int relm_db_copy(const char *from_url, const char *to_url, relm_dbcopy_progress_fn progress,
                 void *pctx, relm_dbcopy_result_t *res, relm_error_t *err)
{
    relm_dbcopy_result_t local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof(*res));
    if (!from_url || !*from_url || !to_url || !*to_url)
        return relm_error_set(err, RELM_EUSAGE, "copy needs a source and a target database");
    char shown_buf[1024];
    if (same_database(from_url, to_url))
        return relm_error_set(err, RELM_EUSAGE, "source and target are the same database (%s)",
                              shown(to_url, shown_buf, sizeof(shown_buf)));
    if (sodium_init() < 0)
        return relm_error_set(err, RELM_ESTORAGE, "the checksum library cannot be started");
    relm_t *from = NULL, *to = NULL;
    int rc = open_side(from_url, "source", 0, &from, err);
    if (rc == 0)
        rc = open_side(to_url, "target", 1, &to, err);
    if (rc == 0)
        rc = check_target_empty(to->store, to_url, err);
    /*
     * The source is read inside one transaction, so every table comes from the same state
     * of it (SQLite: one read snapshot; PostgreSQL: repeatable read).
     */
    int reading = 0;
    if (rc == 0 && (rc = relm_store_exec(from->store, "BEGIN", err)) == 0) {
        reading = 1;
        if (strcmp(relm_store_engine(from->store), "sqlite") != 0)
            rc = relm_store_exec(from->store, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                                 err);
    }
    copy_ctx_t c = {from ? from->store : NULL, to ? to->store : NULL, progress, pctx, 0, 0};
    for (int i = 0; rc == 0 && i < NTABLES; i++) {
        int64_t n = 0;
        rc = count_rows(c.src, tables[i].name, &n, err);
        c.total += n;
    }
    for (int i = 0; rc == 0 && i < NTABLES; i++) {
        relm_dbcopy_table_t *rt = &res->tables[res->ntables++];
        rt->name = tables[i].name;
        batch_t b = {0};
        sum_t src = {0}, dst = {0};
        rc = copy_table(&c, &tables[i], &b, &src, err);
        if (rc == 0)
            rc = sum_table(c.dst, tables[i].name, b.sql ? b.cols : "*", &dst, err);
        batch_free(&b);
        if (rc)
            break;
        rt->rows = src.rows;
        rt->target_rows = dst.rows;
        sum_hex(&src, rt->checksum);
        sum_hex(&dst, rt->target_checksum);
        rt->match = src.rows == dst.rows && strcmp(rt->checksum, rt->target_checksum) == 0;
        res->rows += src.rows;
        /* Every table is checked; the first that differs is named below. */
        res->mismatches += !rt->match;
    }
    if (reading)
        relm_store_exec(from->store, rc ? "ROLLBACK" : "COMMIT", NULL);
    if (rc == 0 && res->mismatches) {
        for (int i = 0; i < res->ntables; i++)
            if (!res->tables[i].match) {
                rc = relm_error_set(err, RELM_ESTORAGE,
                                    "the copy differs from the source in %d table%s, first %s "
                                    "(%lld rows in the source, %lld in the target)",
                                    res->mismatches, res->mismatches == 1 ? "" : "s",
                                    res->tables[i].name, (long long)res->tables[i].rows,
                                    (long long)res->tables[i].target_rows);
                break;
            }
    }
    relm_close(to);
    relm_close(from);
    return rc;
}
