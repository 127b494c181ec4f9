/*
 * Shared pieces of the relm command-line tool: the session (database, output mode),
 * option parsing driven by the library's field tables, output of records and lists, and
 * the one table that maps library error codes to exit statuses.
 *
 * Exit statuses: 0 success, 1 the operation was refused or failed, 2 usage error.
 */
#ifndef RELM_CLI_H
#define RELM_CLI_H

#include <stdio.h>

#include "relm/json.h"
#include "relm/relm.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef struct cli {
    relm_t *r;      /* opened by cli_open() */
    const char *db; /* database URL */
    int json;       /* --json */
    int tty;        /* stdout is a terminal */
} cli_t;

/* Open c->db (RELM_USER and RELM_TODAY from the environment). Returns an exit status. */
int cli_open(cli_t *c);

/* Print "relm: <message>" for err and return its exit status (1, or 2 for usage). */
int cli_fail(const relm_error_t *err);
/* Print "relm: <formatted>" and return CLI_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print any warning carried by a successful call. */
void cli_warnings(const relm_error_t *err);

/* What an extra flag takes (cli_opt_t.takes_value). */
enum {
    CLI_FLAG = 0,   /* nothing: counted in *flag */
    CLI_TEXT = 1,   /* a value, kept as text in *value */
    CLI_NUMBER = 2, /* a positive whole number, parsed once into *number (relm_parse_positive) */
};

/* An extra flag a command accepts besides the entity's fields. */
typedef struct cli_opt {
    const char *name; /* "--where" */
    int takes_value;  /* CLI_FLAG, CLI_TEXT or CLI_NUMBER */
    /* The last value: a const char ** for CLI_TEXT, an int64_t * for CLI_NUMBER (as in
     * git's parse-options, so that one table holds flags of every kind). */
    void *value;
    int *flag;         /* set to 1 when given (or counts repeats) */
    const char **many; /* repeatable values collected here ... */
    int *nmany;        /* ... and counted here (capacity CLI_MANY) */
} cli_opt_t;

#define CLI_MANY   64
#define CLI_MAXPOS 64

typedef struct cli_args {
    const char *pos[CLI_MAXPOS];
    int npos;
} cli_args_t;

/*
 * Parse argv: `--FIELD VALUE` or `--FIELD=VALUE` for fields of e (kebab- or snake-case; a
 * boolean field may stand alone for true) set on rec and in *given; flags in opts;
 * everything else is positional, and so is every word after "--". A separate VALUE never
 * starts with "--" (such a value must be given with "="). e, rec and given may be NULL.
 * On error prints it and returns CLI_USAGE (or CLI_FAIL for an invalid value).
 */
int cli_parse(int argc, char **argv, const cli_opt_t *opts, const relm_entity_t *e, void *rec,
              relm_mask_t *given, cli_args_t *a);

/* cli_begin()'s nargs for a command that takes one or more arguments (delete NO...). */
#define CLI_ONE_OR_MORE -1

/*
 * The preamble of a command without field flags: parse argv with opts (may be NULL), then
 * require nargs positional arguments (exactly, or CLI_ONE_OR_MORE) and, when they are
 * not there, print "relm: usage: relm " and usage_fmt (printf) as a usage error; then
 * open the database. The arguments are left in *a. Returns an exit status.
 */
int cli_begin(cli_t *c, int argc, char **argv, const cli_opt_t *opts, int nargs, cli_args_t *a,
              const char *usage_fmt, ...) __attribute__((format(printf, 7, 8)));

/* Parse s as a positive whole number named what ("entry no.") into *out: an exit status. */
int cli_parse_no(const char *s, const char *what, int64_t *out);

/* Parse the words of a command that takes no arguments (what names it: "user list"). */
int cli_parse_none(int argc, char **argv, const char *what);

/*
 * Open the database and print the records of e that pass filters (nfilters of them), at
 * most limit (0: all), as a list with the terminal columns cols. Returns an exit status.
 */
int cli_list_records(cli_t *c, const relm_entity_t *e, const char *const *cols,
                     const relm_filter_t *filters, int nfilters, long limit);

/* A list of an entity's records with fields of its own (relm_segment_list), filtered alike. */
typedef int (*cli_lister_fn)(relm_t *r, const relm_filter_t *filters, int nfilters, long limit,
                             relm_row_fn fn, void *ctx, relm_error_t *err);

/*
 * The list verb of noun: `list [--where FIELD=VALUE]... [--limit N]`, filters on the
 * fields of e, rows through list (NULL: relm_list of e) printed as cli_list_records does.
 * Every list of records takes the same options this way. Returns an exit status.
 */
int cli_list_verb(cli_t *c, const char *noun, const relm_entity_t *e, const char *const *cols,
                  cli_lister_fn list, int argc, char **argv);

/*
 * Print j (an object or array, indented) and a newline on stdout, and release it. Every
 * JSON document the CLI prints besides streamed lists goes through here, so text from
 * the user or the database is always escaped. j may be NULL (out of memory): prints null.
 */
void cli_print_json(json_t *j);

/* Show one record (and optional extra record, e.g. statistics) as JSON or "field: value". */
void cli_show(cli_t *c, const relm_entity_t *e, const void *rec, const relm_entity_t *xe,
              const void *xrec);

/*
 * Streaming list output. Rows arrive through cli_list_row (a relm_row_fn). JSON: an
 * array printed element by element; terminal: an aligned table of `cols` (NULL = every
 * field), widths from the first rows; otherwise tab-separated with a header line.
 */
typedef struct cli_list {
    cli_t *c;
    const relm_entity_t *e;
    const char *const *cols;
    long rows;
    /* private */
    int idx[64];
    int ncols;
    int width[64];
    char **buffered;
    long nbuffered;
    int flushed;
} cli_list_t;

void cli_list_begin(cli_list_t *l, cli_t *c, const relm_entity_t *e, const char *const *cols);
int cli_list_row(void *ctx, const void *rec);
void cli_list_end(cli_list_t *l);

/*
 * A one-line progress bar on standard error ("delivering [#####     ]  42% 84/200"), redrawn
 * when the percentage moves (or what names another part of the work); cli_bar_end ends
 * its line. Shown only when standard error is a terminal: the caller decides.
 */
typedef struct cli_bar {
    const char *verb; /* "delivering" */
    int shown;
    int last_pct;
    const char *last_what;
} cli_bar_t;
void cli_bar_show(cli_bar_t *b, int64_t done, int64_t total, const char *what);
void cli_bar_end(cli_bar_t *b);

/* Print the flags of an entity (for --help). */
void cli_help_fields(FILE *out, const relm_entity_t *e);

/*
 * One verb of a noun: fn gets the arguments after the verb; fn_verb (for verbs sharing
 * one body) gets the verb too. Exactly one of them is set.
 */
typedef struct cli_verb {
    const char *name;
    int (*fn)(cli_t *c, int argc, char **argv);
    int (*fn_verb)(cli_t *c, const char *verb, int argc, char **argv);
} cli_verb_t;

/*
 * 1 when argv (a noun's words, argv[0] the verb) asks for the noun's help: no verb, the
 * verb "help" or "--help", or "--help" anywhere after the verb up to "--".
 */
int cli_help_wanted(int argc, char **argv);

/*
 * Run noun's verb argv[0] from verbs[n]. No verb, "help" or "--help" (also anywhere after
 * the verb, up to "--") prints help (exit status usage without a verb, else ok); an unknown
 * verb is a usage error that names noun. For the sub-verbs of a verb ("campaign entry
 * show") help is NULL, since the noun's help covers them: a missing sub-verb is a usage
 * error listing them.
 */
int cli_dispatch(cli_t *c, const char *noun, const cli_verb_t *verbs, size_t n, void (*help)(void),
                 int argc, char **argv);

/*
 * A noun over one entity: the generic verbs add, list, show, update and delete, each a
 * shell over the entity's operation (offered when the entity has it; show adds the
 * entity's statistics, e->stats, when it has any), plus the noun's own verbs, which come
 * first and so may replace a generic one (contact delete --with-persons). Dispatch and
 * help as cli_dispatch. A noun declares only what is special to it.
 */
typedef struct cli_entity_spec {
    const relm_entity_t *e;
    const char *key_name;         /* "CODE" or "NO" in usage texts */
    const char *const *list_cols; /* columns of the terminal table (NULL: every field) */
    const char *help;             /* help lines of the noun's own verbs, or NULL */
    const char *noun;             /* the CLI noun when it differs from the entity name, or NULL */
    const cli_verb_t *verbs;      /* the noun's own verbs (nverbs of them), or NULL */
    size_t nverbs;
} cli_entity_spec_t;

int cli_entity(cli_t *c, const cli_entity_spec_t *spec, int argc, char **argv);

/*
 * Entries keyed by an entry no. that are shown, canceled (or the cancel undone) and
 * deleted alike (campaign entries, logged segments): show|cancel|delete ENTRY prints the
 * entry, or after a delete the library's count, as `counted` in JSON and through
 * deleted_text (a printf format taking the entry no. and the count, as long long).
 */
typedef struct cli_entry_kind {
    const char *noun; /* "campaign entry", in usage texts */
    const relm_entity_t *e;
    int (*get)(relm_t *r, int64_t entry_no, void *out, relm_error_t *err);
    int (*cancel)(relm_t *r, int64_t entry_no, relm_error_t *err);
    int (*remove)(relm_t *r, int64_t entry_no, int64_t *n, relm_error_t *err);
    const char *counted;
    const char *deleted_text;
} cli_entry_kind_t;

int cli_entry_verb(cli_t *c, const cli_entry_kind_t *k, const char *verb, int argc, char **argv);

/* Noun entry points: argv[0] is the verb. */
int cmd_init(cli_t *c, int argc, char **argv);
int cmd_setup(cli_t *c, int argc, char **argv);
int cmd_numseries(cli_t *c, int argc, char **argv);
int cmd_contact(cli_t *c, int argc, char **argv);
int cmd_salesperson(cli_t *c, int argc, char **argv);
int cmd_group(cli_t *c, int argc, char **argv);
int cmd_template(cli_t *c, int argc, char **argv);
int cmd_campaign(cli_t *c, int argc, char **argv);
int cmd_interaction(cli_t *c, int argc, char **argv);
int cmd_segment(cli_t *c, int argc, char **argv);
int cmd_logged_segment(cli_t *c, int argc, char **argv);
int cmd_serve(cli_t *c, int argc, char **argv);
int cmd_deliver(cli_t *c, int argc, char **argv);
int cmd_user(cli_t *c, int argc, char **argv);
int cmd_token(cli_t *c, int argc, char **argv);
int cmd_backup(cli_t *c, int argc, char **argv);
int cmd_mail(cli_t *c, int argc, char **argv);
int cmd_db(cli_t *c, int argc, char **argv);

#endif
