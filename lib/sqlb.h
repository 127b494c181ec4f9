/*
 * The SQL builder: one statement's text and its parameters, built piece by piece and
 * then prepared, bound and run in one go. Every list and criteria statement in the
 * library is built with it, so filters, LIKE escaping and LIMIT binding exist once.
 *
 * Invariants kept here:
 * - bounded: the text, the parameters and the copied text values have fixed capacities;
 *   anything past them sets `overflow` instead of writing, and sqlb_prepare()/sqlb_run()
 *   then refuse the statement (validation: "the criteria are too long"), so a statement is
 *   never run truncated;
 * - parameterised: values are only ever bound; the text holds field names from field
 *   tables, fixed operators and `?`;
 * - text values are copied into the builder, so the caller's buffers need not outlive it.
 */
#ifndef RELM_SQLB_H
#define RELM_SQLB_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define SQLB_MAX   16384
#define SQLB_BINDS 256
/* Room for the copied text values: 64 LIKE patterns of the longest filter value fit. */
#define SQLB_TEXT (64 * (RELM_TEXT250_SZ * 2 + 3))

typedef struct sqlb {
    char sql[SQLB_MAX];
    size_t len;
    int n; /* parameters bound so far */
    struct {
        int is_int;
        int64_t i;
        size_t t; /* offset of the text in text[] */
    } b[SQLB_BINDS];
    char text[SQLB_TEXT];
    size_t text_len;
    int overflow;
    size_t mark;      /* a position in sql the caller wants to remember */
    const char *fold; /* the store's Unicode case-folding SQL function */
} sqlb_t;

/*
 * A new empty builder (malloc'd; free() it), or NULL when out of memory. fold names the
 * store's case-folding function (relm_store_fold()) that "~" and e-mail equality use;
 * NULL: SQL's lower(), which folds ASCII only.
 */
sqlb_t *sqlb_new(const char *fold);
/* Empty b for another statement (its fold function stays). */
void sqlb_reset(sqlb_t *b);

/* Append SQL text (a fixed fragment, never user text). */
void sqlb_sql(sqlb_t *b, const char *text);
/* Append formatted SQL text: only names from field tables and fixed fragments. */
void sqlb_sqlf(sqlb_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bind the next `?` to a copy of text v (NULL binds SQL NULL), or to integer v. */
void sqlb_text(sqlb_t *b, const char *v);
void sqlb_int(sqlb_t *b, int64_t v);
/* Bind "%v%" with LIKE's wildcards in v escaped (pair with ESCAPE '\'). */
void sqlb_like(sqlb_t *b, const char *v);
/* Append the parameters of src (bound before those of b's own text that follows). */
void sqlb_binds_from(sqlb_t *b, const sqlb_t *src);
/* Append the column list of e (virtual fields skipped). */
void sqlb_columns(sqlb_t *b, const relm_entity_t *e);

/*
 * Append " AND <column> <op> ?" for filter f on entity e and bind its value: "~" is a
 * case-insensitive "contains" (LIKE, escaped), and "=" / "!=" on an e-mail field ignore
 * case, both sides folded with b's fold function for all of Unicode; "!=" is "<>", integer
 * fields bind integers. alias (may be NULL) qualifies the column.
 */
void sqlb_filter(sqlb_t *b, const relm_entity_t *e, const relm_filter_t *f, const char *alias);

/* Append " LIMIT ?" bound to limit when limit > 0 (one statement text for every limit). */
void sqlb_limit(sqlb_t *b, int64_t limit);

/* Bind b's parameters to s (numbered from 1). */
void sqlb_bind(const sqlb_t *b, relm_stmt_t *s);
/* Prepare and bind b; validation when it overflowed. Release *out with relm_stmt_release. */
int sqlb_prepare(relm_t *r, const sqlb_t *b, relm_stmt_t **out, relm_error_t *err);
/* Prepare, bind and run b; *changes (may be NULL) receives the rows changed. */
int sqlb_run(relm_t *r, const sqlb_t *b, int64_t *changes, relm_error_t *err);

#endif
