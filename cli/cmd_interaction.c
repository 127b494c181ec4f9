/*
 * relm interaction: create (from a contact, a salesperson or an entry; interactively on a
 * terminal), list with cursor paging, show, resume, delete, cancel, evaluate, comment lines
 * and delete-canceled. Every rule and default lives in lib/interaction.c; this file only turns
 * flags and answers into fields.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "relm/json.h"

static const relm_entity_t *const E = &relm_interaction_entity;

static const char *const list_cols[] = {"entry_no",
                                        "date",
                                        "time",
                                        "contact_no",
                                        "interaction_template_code",
                                        "description",
                                        "salesperson_code",
                                        "cost",
                                        "duration",
                                        "evaluation",
                                        "canceled",
                                        NULL};

static void help(void)
{
    printf("usage: relm interaction <verb> [options]\n\n"
           "verbs:\n"
           "  create --contact NO [--FIELD VALUE]...       log an interaction with a contact\n"
           "  create --salesperson CODE --contact NO ...   ... started from a salesperson\n"
           "  create --from-entry N [--FIELD VALUE]...     ... with the contact and salesperson "
           "of entry N\n"
           "         --comment TEXT                        a comment line (repeatable)\n"
           "         --postpone                            finish it later: checks the required\n"
           "                                               fields, stores it as postponed\n"
           "         (on a terminal, with only the contact, salesperson or entry given, the\n"
           "          fields are asked for one by one)\n"
           "  list [--contact NO] [--salesperson CODE] [--template CODE] [--segment NO]\n"
           "       [--logged-segment N] [--from DATE] [--to DATE] [--postponed] [--canceled]\n"
           "       [--active]                            entries not canceled\n"
           "       [--outbox]                            delivery waiting (e-mails to send,\n"
           "                                             letters to print), being sent or failed\n"
           "       [--search TEXT] [--sort FIELD[:desc]] [--limit N] [--after CURSOR]\n"
           "                                             newest first, or by FIELD (date, cost,\n"
           "                                             contact_name, ...); when more follow,\n"
           "                                             the next cursor goes to stderr\n"
           "  show N                                       show one entry with its comments\n"
           "                                               and the body kept with it\n"
           "  print N --output PATH                        render its merged letter to a PDF\n"
           "                                               (a hard-copy entry is then delivered)\n"
           "  resume N [--FIELD VALUE]... [--comment TEXT] finish a postponed entry (date and\n"
           "                                               time start again at today and now)\n"
           "  delete N                                     delete a postponed or canceled "
           "entry\n"
           "  cancel N...                                  cancel / undo-cancel entries\n"
           "  evaluate N [--evaluation E] [--attempt-failed [true|false]]\n"
           "  comment add N TEXT [--date DATE]             add a comment line to entry N\n"
           "  comment list N                               list the comment lines of entry N\n"
           "  comment delete N LINE                        delete comment line LINE of entry N\n"
           "  delete-canceled [--entry-no-from N] [--entry-no-to N] [--contact NO]\n"
           "       [--from DATE] [--to DATE] [--campaign NO] [--group CODE] [--template CODE]\n"
           "       [--salesperson CODE] [--dry-run]      delete canceled entries (prints the\n"
           "                                             count; --dry-run only counts)\n\n"
           "Short flags: --contact (contact_no), --template (interaction_template_code),\n"
           "--salesperson (salesperson_code), --campaign (campaign_no), --opportunity\n"
           "(opportunity_no), --language (language_code); the filters of list and\n"
           "delete-canceled take the field names too (--contact-no, --salesperson-code,\n"
           "--interaction-template-code, --campaign-no, --interaction-group-code for --group,\n"
           "--segment-no for --segment, --logged-segment-entry-no for --logged-segment).\n\n");
    cli_help_fields(stdout, E);
}

/* Short flags that name canonical fields. */
typedef struct aliases {
    const char *value[6];
} aliases_t;

static const char *const alias_flag[6] = {"--contact",  "--template",    "--salesperson",
                                          "--campaign", "--opportunity", "--language"};
static const char *const alias_field[6] = {"contact_no",       "interaction_template_code",
                                           "salesperson_code", "campaign_no",
                                           "opportunity_no",   "language_code"};

static int apply_aliases(const aliases_t *al, relm_interaction_t *rec, relm_mask_t *given)
{
    for (int i = 0; i < 6; i++) {
        relm_error_t err = {0};
        if (al->value[i] && relm_record_set(E, rec, given, alias_field[i], al->value[i], &err))
            return cli_fail(&err);
    }
    return 0;
}

/* Fill opts[0..5] with the alias flags; returns the next free slot. */
static int alias_opts(cli_opt_t *opts, aliases_t *al)
{
    for (int i = 0; i < 6; i++)
        opts[i] = (cli_opt_t){alias_flag[i], 1, &al->value[i], NULL, NULL, NULL};
    return 6;
}

static int comment_json(void *ctx, const void *row)
{
    json_array_append_new(ctx, relm_record_json(&relm_interaction_comment_entity, row));
    return 0;
}

static int comment_text(void *ctx, const void *row)
{
    const relm_interaction_comment_t *cm = row;
    (void)ctx;
    printf("%-8" PRId64 "  %s  %s\n", cm->line_no, cm->date, cm->comment);
    return 0;
}

/*
 * The entry, then its comment lines ("comments" in JSON) and the body kept with it (the
 * merged text that went out: "attachment" in JSON, null when there is none).
 */
static int show(cli_t *c, const relm_interaction_t *rec)
{
    relm_error_t err = {0};
    char *body = NULL;
    if (relm_entry_attachment_get(c->r, rec->entry_no, &body, &err))
        return cli_fail(&err);
    if (c->json) {
        json_t *j = relm_record_json(E, rec), *a = json_array();
        int rc = relm_interaction_comment_list(c->r, rec->entry_no, comment_json, a, &err);
        json_object_set_new(j, "comments", a);
        json_object_set_new(j, "attachment", body ? json_string(body) : json_null());
        free(body);
        char *s = rc ? NULL : json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(j);
        return rc ? cli_fail(&err) : CLI_OK;
    }
    cli_show(c, E, rec, NULL, NULL);
    printf("comments\n");
    int rc = relm_interaction_comment_list(c->r, rec->entry_no, comment_text, NULL, &err);
    if (rc == 0 && body)
        printf("attachment\n%s\n", body);
    free(body);
    return rc ? cli_fail(&err) : CLI_OK;
}

/* Interactive dialog --------------------------------------------------------------- */

/* Read one line; returns 0 at end of input. The newline is removed. */
static int ask(const char *prompt, const char *def, char *buf, size_t n)
{
    if (def && def[0])
        printf("%s [%s]: ", prompt, def);
    else
        printf("%s: ", prompt);
    fflush(stdout);
    /* Ctrl-D ends one answer, not the terminal: the next question is read again. */
    clearerr(stdin);
    if (!fgets(buf, (int)n, stdin)) {
        putchar('\n');
        return 0;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return 1;
}

static const char *const dialog_fields[] = {"interaction_template_code",
                                            "salesperson_code",
                                            "date",
                                            "time",
                                            "language_code",
                                            "description",
                                            "subject",
                                            "correspondence_type",
                                            "cost",
                                            "duration",
                                            "information_flow",
                                            "initiated_by",
                                            "evaluation",
                                            "attempt_failed",
                                            NULL};

/* Comment lines given with --comment or typed in the dialog. */
typedef struct notes {
    const char *text[CLI_MANY];
    int n;
    char typed[16][1024];
    int ntyped;
} notes_t;

/*
 * Ask for the fields of rec with the library's defaults shown; answers become given fields.
 * Comment lines typed go to notes. Returns 1 when the user confirms, 0 when the dialog is
 * canceled (an answer other than yes, or the end of input).
 */
static int dialog(cli_t *c, relm_interaction_t *rec, relm_mask_t *given, notes_t *notes)
{
    char line[1024], def[RELM_TEXT250_SZ * 4];
    relm_interaction_t *preview = malloc(sizeof(*preview));
    if (!preview)
        return 0;
    int want = 0;
    if (!rec->contact_no[0]) {
        for (;;) {
            relm_error_t err = {0};
            if (!ask("Contact no.", NULL, line, sizeof(line)))
                goto out;
            if (line[0] && relm_record_set(E, rec, given, "contact_no", line, &err) == 0)
                break;
            if (err.message[0])
                printf("  %s\n", err.message);
        }
    }
    printf("Interaction with contact %s\n", rec->contact_no);
    for (int k = 0; dialog_fields[k]; k++) {
        int idx = relm_field_index(E, dialog_fields[k]);
        for (;;) {
            /* Show what Create Interaction would use now. */
            relm_error_t perr = {0};
            memcpy(preview, rec, sizeof(*preview));
            if (relm_interaction_prepare(c->r, preview, *given, &perr) != 0)
                memcpy(preview, rec, sizeof(*preview));
            relm_record_format(E, preview, idx, def, sizeof(def));
            char prompt[128];
            snprintf(prompt, sizeof(prompt), "%s", dialog_fields[k]);
            for (char *p = prompt; *p; p++)
                if (*p == '_')
                    *p = ' ';
            prompt[0] = (char)(prompt[0] - 'a' + 'A');
            if (!ask(prompt, def, line, sizeof(line)))
                goto out;
            if (!line[0])
                break;
            relm_error_t err = {0};
            if (relm_record_set_index(E, rec, given, idx, line, &err) == 0) {
                if (k > 0)
                    break;
                /* An unknown template is worth asking again at once. */
                memcpy(preview, rec, sizeof(*preview));
                if (relm_interaction_prepare(c->r, preview, *given, &err) != RELM_EMISSINGTPL)
                    break;
            }
            printf("  %s\n", err.message);
        }
    }
    while (notes->ntyped < 16 && notes->n < CLI_MANY) {
        if (!ask("Comment (empty: no more)", NULL, line, sizeof(line)))
            goto out;
        if (!line[0])
            break;
        char *t = notes->typed[notes->ntyped++];
        snprintf(t, sizeof(notes->typed[0]), "%s", line);
        notes->text[notes->n++] = t;
    }
    {
        relm_error_t perr = {0};
        memcpy(preview, rec, sizeof(*preview));
        if (relm_interaction_prepare(c->r, preview, *given, &perr))
            printf("  note: %s\n", perr.message);
    }
    if (!ask("Log it now? [y/N]", NULL, line, sizeof(line)))
        goto out;
    want = (line[0] == 'y' || line[0] == 'Y');
out:
    free(preview);
    return want;
}

static int interactive(const cli_t *c)
{
    return !c->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/*
 * The dialog was canceled (or refused what was typed): ask whether to finish it later.
 * Yes postpones it (resume_no > 0 keeps that entry), after the same required-field checks
 * as create; No discards it. failed is the exit status so far (CLI_OK for a plain cancel).
 */
static int finish_later(cli_t *c, relm_interaction_t *rec, relm_mask_t given, int64_t resume_no,
                        const notes_t *notes, int failed)
{
    char line[64];
    if (!ask("Do you want to finish this interaction later? [y/N]", NULL, line, sizeof(line)) ||
        (line[0] != 'y' && line[0] != 'Y')) {
        printf(resume_no ? "nothing changed\n" : "nothing saved\n");
        return failed;
    }
    relm_error_t err = {0};
    rec->entry_no = resume_no;
    if (relm_interaction_postpone_commented(c->r, rec, given, notes->text, notes->n, &err))
        return cli_fail(&err);
    printf("postponed as interaction log entry %" PRId64 "\n", rec->entry_no);
    return CLI_OK;
}

/* Verbs ------------------------------------------------------------------------------ */

static int do_create(cli_t *c, int argc, char **argv)
{
    relm_interaction_t *rec = malloc(sizeof(*rec));
    notes_t *notes = calloc(1, sizeof(*notes));
    if (!rec || !notes) {
        free(rec);
        free(notes);
        return CLI_FAIL;
    }
    relm_record_init(E, rec);
    relm_mask_t given = 0;
    aliases_t al = {{NULL}};
    const char *from = NULL;
    int postpone = 0;
    cli_opt_t opts[11];
    int no = alias_opts(opts, &al);
    opts[no++] = (cli_opt_t){"--from-entry", 1, &from, NULL, NULL, NULL};
    opts[no++] = (cli_opt_t){"--postpone", 0, NULL, &postpone, NULL, NULL};
    opts[no++] = (cli_opt_t){"--comment", 1, NULL, NULL, notes->text, &notes->n};
    opts[no] = (cli_opt_t){NULL, 0, NULL, NULL, NULL, NULL};
    cli_args_t a;
    int64_t from_no = 0;
    relm_error_t err = {0};
    int rc = cli_parse(argc, argv, opts, E, rec, &given, &a);
    if (rc == 0 && a.npos)
        rc = cli_usage("interaction create: unexpected argument \"%s\"", a.pos[0]);
    if (rc == 0)
        rc = apply_aliases(&al, rec, &given);
    if (rc == 0 && from)
        rc = cli_parse_no(from, "--from-entry", &from_no);
    if (rc == 0 && given & RELM_BIT(relm_field_index(E, "entry_no")))
        rc = cli_usage("interaction create: entry numbers are given by relm (see resume)");
    relm_mask_t starters = RELM_BIT(relm_field_index(E, "contact_no")) |
                           RELM_BIT(relm_field_index(E, "salesperson_code"));
    int ask_fields = !postpone && interactive(c) && (given & ~starters) == 0 && notes->n == 0;
    if (rc == 0 && !from_no && !rec->contact_no[0] && !ask_fields)
        rc = cli_usage("interaction create: give --contact NO, --salesperson CODE --contact NO "
                       "or --from-entry N");
    if (rc == 0)
        rc = cli_open(c);
    if (rc == 0 && from_no && relm_interaction_init_from_entry(c->r, from_no, rec, &given, &err))
        rc = cli_fail(&err);
    if (rc == 0 && ask_fields && !dialog(c, rec, &given, notes)) {
        rc = finish_later(c, rec, given, 0, notes, CLI_OK);
        ask_fields = 0;
        postpone = -1; /* handled */
    }
    if (rc == 0 && postpone >= 0) {
        if (postpone)
            rc = relm_interaction_postpone_commented(c->r, rec, given, notes->text, notes->n, &err);
        else
            rc = relm_interaction_create_commented(c->r, rec, given, notes->text, notes->n, &err);
        if (rc) {
            rc = cli_fail(&err);
            /* What was typed in the dialog may still be finished later. */
            if (ask_fields)
                rc = finish_later(c, rec, given, 0, notes, rc);
        } else {
            cli_warnings(&err);
            rc = show(c, rec);
        }
    }
    free(notes);
    free(rec);
    return rc;
}

static int do_resume(cli_t *c, int argc, char **argv)
{
    relm_interaction_t *rec = malloc(sizeof(*rec));
    notes_t *notes = calloc(1, sizeof(*notes));
    if (!rec || !notes) {
        free(rec);
        free(notes);
        return CLI_FAIL;
    }
    relm_record_init(E, rec);
    relm_mask_t given = 0;
    aliases_t al = {{NULL}};
    cli_opt_t opts[8];
    int no = alias_opts(opts, &al);
    opts[no++] = (cli_opt_t){"--comment", 1, NULL, NULL, notes->text, &notes->n};
    opts[no] = (cli_opt_t){NULL, 0, NULL, NULL, NULL, NULL};
    cli_args_t a;
    int64_t entry_no = 0;
    relm_error_t err = {0};
    int rc = cli_parse(argc, argv, opts, E, rec, &given, &a);
    if (rc == 0)
        rc = apply_aliases(&al, rec, &given);
    if (rc == 0 && a.npos != 1)
        rc = cli_usage("usage: relm interaction resume N [--FIELD VALUE]... [--comment TEXT]");
    if (rc == 0)
        rc = cli_parse_no(a.pos[0], "entry no.", &entry_no);
    if (rc == 0 && given & RELM_BIT(relm_field_index(E, "entry_no")))
        rc = cli_usage("interaction resume: the entry keeps its number");
    if (rc == 0)
        rc = cli_open(c);
    int asked = rc == 0 && !given && notes->n == 0 && interactive(c);
    if (asked) {
        if (relm_interaction_get(c->r, entry_no, rec, &err))
            rc = cli_fail(&err);
        else if (!rec->postponed)
            rc = cli_usage("interaction log entry %" PRId64 " is not postponed", entry_no);
        if (rc == 0) {
            /* The dialog opens on the stored values, dated today and now again. */
            given = relm_interaction_filled(rec) & ~(RELM_BIT(relm_field_index(E, "date")) |
                                                     RELM_BIT(relm_field_index(E, "time")));
            rec->date[0] = rec->time[0] = '\0';
            if (!dialog(c, rec, &given, notes)) {
                rc = finish_later(c, rec, given, entry_no, notes, CLI_OK);
                asked = -1;
            }
        }
    }
    if (rc == 0 && asked >= 0) {
        if (relm_interaction_resume_commented(c->r, entry_no, rec, given, notes->text, notes->n,
                                              &err)) {
            rc = cli_fail(&err);
            if (asked)
                rc = finish_later(c, rec, given, entry_no, notes, rc);
        } else {
            cli_warnings(&err);
            rc = show(c, rec);
        }
    }
    free(notes);
    free(rec);
    return rc;
}

static int do_list(cli_t *c, int argc, char **argv)
{
    const char *contact = NULL, *sp = NULL, *tpl = NULL, *seg = NULL, *logged = NULL, *from = NULL,
               *to = NULL, *after = NULL, *sort = NULL, *search = NULL;
    int64_t limit = 0;
    int postponed = 0, canceled = 0, active = 0, outbox = 0;
    cli_opt_t opts[] = {{"--contact", 1, &contact, NULL, NULL, NULL},
                        {"--contact-no", 1, &contact, NULL, NULL, NULL},
                        {"--salesperson", 1, &sp, NULL, NULL, NULL},
                        {"--salesperson-code", 1, &sp, NULL, NULL, NULL},
                        {"--template", 1, &tpl, NULL, NULL, NULL},
                        {"--interaction-template-code", 1, &tpl, NULL, NULL, NULL},
                        {"--segment", 1, &seg, NULL, NULL, NULL},
                        {"--segment-no", 1, &seg, NULL, NULL, NULL},
                        {"--logged-segment", 1, &logged, NULL, NULL, NULL},
                        {"--logged-segment-entry-no", 1, &logged, NULL, NULL, NULL},
                        {"--from", 1, &from, NULL, NULL, NULL},
                        {"--to", 1, &to, NULL, NULL, NULL},
                        {"--postponed", 0, NULL, &postponed, NULL, NULL},
                        {"--canceled", 0, NULL, &canceled, NULL, NULL},
                        {"--active", 0, NULL, &active, NULL, NULL},
                        {"--outbox", 0, NULL, &outbox, NULL, NULL},
                        {"--limit", CLI_NUMBER, &limit, NULL, NULL, NULL},
                        {"--after", 1, &after, NULL, NULL, NULL},
                        {"--sort", 1, &sort, NULL, NULL, NULL},
                        {"--search", 1, &search, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos)
        return cli_usage("interaction list: unexpected argument \"%s\"", a.pos[0]);
    relm_interaction_query_t q;
    memset(&q, 0, sizeof(q));
    q.contact_no = contact;
    q.salesperson_code = sp;
    q.interaction_template_code = tpl;
    q.segment_no = seg;
    q.from = from;
    q.to = to;
    q.sort = sort;
    q.search = search;
    q.flags = (postponed ? RELM_IQ_POSTPONED : 0) | (canceled ? RELM_IQ_CANCELED : 0) |
              (active ? RELM_IQ_ACTIVE : 0) | (outbox ? RELM_IQ_OUTBOX : 0);
    if (logged && (rc = cli_parse_no(logged, "--logged-segment", &q.logged_segment_entry_no)))
        return rc;
    q.limit = (long)limit;
    relm_error_t err = {0};
    if (after && relm_interaction_cursor_parse(after, &q.after, &err)) {
        err.code = RELM_EUSAGE;
        return cli_fail(&err);
    }
    if ((rc = cli_open(c)))
        return rc;
    relm_interaction_cursor_t next;
    cli_list_t l;
    cli_list_begin(&l, c, E, list_cols);
    rc = relm_interaction_list(c->r, &q, cli_list_row, &l, &next, &err);
    cli_list_end(&l);
    /* The rows are a plain list like every other; where the next page starts goes aside. */
    char cursor[RELM_INTERACTION_CURSOR_SZ];
    relm_interaction_cursor_format(&next, cursor, sizeof(cursor));
    if (rc == 0 && cursor[0])
        fprintf(stderr, "next cursor: %s\n", cursor);
    return rc ? cli_fail(&err) : CLI_OK;
}

/* Verbs taking entry numbers only. */
static int entry_args(int argc, char **argv, const cli_opt_t *opts, int64_t *nos, int *n, int min,
                      int max, const char *usage)
{
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos < min || a.npos > max)
        return cli_usage("usage: relm interaction %s", usage);
    for (int i = 0; i < a.npos; i++)
        if ((rc = cli_parse_no(a.pos[i], "entry no.", &nos[i])))
            return rc;
    *n = a.npos;
    return 0;
}

static int do_show(cli_t *c, int argc, char **argv)
{
    int64_t no;
    int n, rc = entry_args(argc, argv, NULL, &no, &n, 1, 1, "show N");
    if (rc || (rc = cli_open(c)))
        return rc;
    relm_interaction_t *rec = malloc(sizeof(*rec));
    relm_error_t err = {0};
    if (!rec)
        return CLI_FAIL;
    if (relm_interaction_get(c->r, no, rec, &err))
        rc = cli_fail(&err);
    else
        rc = show(c, rec);
    free(rec);
    return rc;
}

/* print N --output PATH: the entry's merged letter as a PDF (lib/letter.c). */
static int do_print(cli_t *c, int argc, char **argv)
{
    const char *output = NULL;
    cli_opt_t opts[] = {{"--output", CLI_TEXT, &output, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    int64_t no;
    int n, rc = entry_args(argc, argv, opts, &no, &n, 1, 1, "print N --output PATH");
    if (rc)
        return rc;
    if (!output)
        return cli_usage("usage: relm interaction print N --output PATH");
    if ((rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    if (relm_letters_print_entry(c->r, no, output, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:I, s:s}", "entry_no", (json_int_t)no, "output", output));
    else
        printf("printed entry %lld to %s\n", (long long)no, output);
    return CLI_OK;
}

static int do_delete(cli_t *c, int argc, char **argv)
{
    int64_t no;
    int n, rc = entry_args(argc, argv, NULL, &no, &n, 1, 1, "delete N");
    if (rc || (rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    if (relm_interaction_delete(c->r, no, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:I}", "deleted", (json_int_t)no));
    else
        printf("deleted interaction log entry %" PRId64 "\n", no);
    return CLI_OK;
}

static int do_cancel(cli_t *c, int argc, char **argv)
{
    int64_t nos[CLI_MAXPOS];
    int n, rc = entry_args(argc, argv, NULL, nos, &n, 1, CLI_MAXPOS, "cancel N...");
    if (rc || (rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    if (relm_interaction_cancel(c->r, nos, n, &err))
        return cli_fail(&err);
    relm_interaction_t *rec = malloc(sizeof(*rec));
    if (!rec)
        return CLI_FAIL;
    json_t *out = c->json ? json_array() : NULL;
    for (int i = 0; i < n && rc == 0; i++) {
        if (relm_interaction_get(c->r, nos[i], rec, &err)) {
            rc = cli_fail(&err);
            break;
        }
        if (c->json)
            json_array_append_new(out, json_pack("{s:I, s:b}", "entry_no", (json_int_t)nos[i],
                                                 "canceled", rec->canceled));
        else
            printf("interaction log entry %" PRId64 " %s\n", nos[i],
                   rec->canceled ? "canceled" : "restored");
    }
    if (c->json && rc == 0)
        cli_print_json(out);
    else
        json_decref(out);
    free(rec);
    return rc;
}

static int do_evaluate(cli_t *c, int argc, char **argv)
{
    relm_interaction_t *rec = malloc(sizeof(*rec));
    if (!rec)
        return CLI_FAIL;
    relm_record_init(E, rec);
    relm_mask_t given = 0;
    cli_args_t a;
    int64_t no = 0;
    int ev = relm_field_index(E, "evaluation"), af = relm_field_index(E, "attempt_failed");
    int rc = cli_parse(argc, argv, NULL, E, rec, &given, &a);
    if (rc == 0 && (a.npos != 1 || (given & ~(RELM_BIT(ev) | RELM_BIT(af))) || !given))
        rc = cli_usage("usage: relm interaction evaluate N [--evaluation E] "
                       "[--attempt-failed [true|false]]");
    if (rc == 0)
        rc = cli_parse_no(a.pos[0], "entry no.", &no);
    if (rc == 0)
        rc = cli_open(c);
    relm_error_t err = {0};
    if (rc == 0 &&
        (relm_interaction_evaluate(c->r, no, (given & RELM_BIT(ev)) ? rec->evaluation : NULL,
                                   (given & RELM_BIT(af)) ? rec->attempt_failed : -1, &err) ||
         relm_interaction_get(c->r, no, rec, &err)))
        rc = cli_fail(&err);
    else if (rc == 0)
        rc = show(c, rec);
    free(rec);
    return rc;
}

static int do_delete_canceled(cli_t *c, int argc, char **argv)
{
    int dry = 0;
    relm_interaction_filter_t f;
    memset(&f, 0, sizeof(f));
    cli_opt_t opts[] = {
        {"--entry-no-from", CLI_NUMBER, &f.entry_no_from, NULL, NULL, NULL},
        {"--entry-no-to", CLI_NUMBER, &f.entry_no_to, NULL, NULL, NULL},
        {"--contact", 1, &f.contact_no, NULL, NULL, NULL},
        {"--contact-no", 1, &f.contact_no, NULL, NULL, NULL},
        {"--from", 1, &f.from, NULL, NULL, NULL},
        {"--to", 1, &f.to, NULL, NULL, NULL},
        {"--campaign", 1, &f.campaign_no, NULL, NULL, NULL},
        {"--campaign-no", 1, &f.campaign_no, NULL, NULL, NULL},
        {"--group", 1, &f.interaction_group_code, NULL, NULL, NULL},
        {"--interaction-group-code", 1, &f.interaction_group_code, NULL, NULL, NULL},
        {"--template", 1, &f.interaction_template_code, NULL, NULL, NULL},
        {"--interaction-template-code", 1, &f.interaction_template_code, NULL, NULL, NULL},
        {"--salesperson", 1, &f.salesperson_code, NULL, NULL, NULL},
        {"--salesperson-code", 1, &f.salesperson_code, NULL, NULL, NULL},
        {"--dry-run", 0, NULL, &dry, NULL, NULL},
        {NULL, 0, NULL, NULL, NULL, NULL}};
    int64_t unused;
    int n, rc = entry_args(argc, argv, opts, &unused, &n, 0, 0,
                           "delete-canceled [--entry-no-from N] [--entry-no-to N] [--contact NO] "
                           "[--from DATE] [--to DATE] [--campaign NO] [--group CODE] "
                           "[--template CODE] [--salesperson CODE] [--dry-run]");
    if (rc || (rc = cli_open(c)))
        return rc;
    f.dry_run = dry;
    relm_error_t err = {0};
    int64_t count = 0;
    if (relm_interaction_delete_canceled(c->r, &f, &count, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:I}", dry ? "would_delete" : "deleted", (json_int_t)count));
    else
        printf("%" PRId64 "\n", count);
    return CLI_OK;
}

/* relm interaction comment add|list|delete */
static int do_comment(cli_t *c, int argc, char **argv)
{
    const char *date = NULL;
    cli_opt_t opts[] = {{"--date", 1, &date, NULL, NULL, NULL}, {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    const char *verb = a.npos ? a.pos[0] : "";
    int64_t no = 0, line = 0;
    int add = strcmp(verb, "add") == 0, list = strcmp(verb, "list") == 0,
        del = strcmp(verb, "delete") == 0;
    if ((add && a.npos != 3) || (list && a.npos != 2) || (del && a.npos != 3) ||
        (!add && !list && !del) || (date && !add))
        return cli_usage("usage: relm interaction comment add N TEXT [--date DATE] | list N | "
                         "delete N LINE");
    if ((rc = cli_parse_no(a.pos[1], "entry no.", &no)) ||
        (del && (rc = cli_parse_no(a.pos[2], "line no.", &line))) || (rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    if (add) {
        relm_interaction_comment_t cm;
        if (relm_interaction_comment_add(c->r, no, date, a.pos[2], &cm, &err))
            return cli_fail(&err);
        cli_show(c, &relm_interaction_comment_entity, &cm, NULL, NULL);
        return CLI_OK;
    }
    if (del) {
        if (relm_interaction_comment_delete(c->r, no, line, &err))
            return cli_fail(&err);
        if (c->json)
            cli_print_json(json_pack("{s:I}", "deleted", (json_int_t)line));
        else
            printf("deleted comment line %" PRId64 " of interaction log entry %" PRId64 "\n", line,
                   no);
        return CLI_OK;
    }
    cli_list_t l;
    cli_list_begin(&l, c, &relm_interaction_comment_entity, NULL);
    rc = relm_interaction_comment_list(c->r, no, cli_list_row, &l, &err);
    cli_list_end(&l);
    return rc ? cli_fail(&err) : CLI_OK;
}

int cmd_interaction(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"create", do_create, NULL},
        {"list", do_list, NULL},
        {"show", do_show, NULL},
        {"resume", do_resume, NULL},
        {"print", do_print, NULL},
        {"delete", do_delete, NULL},
        {"cancel", do_cancel, NULL},
        {"evaluate", do_evaluate, NULL},
        {"delete-canceled", do_delete_canceled, NULL},
        {"comment", do_comment, NULL},
    };
    return cli_dispatch(c, "interaction", verbs, sizeof(verbs) / sizeof(verbs[0]), help, argc,
                        argv);
}
