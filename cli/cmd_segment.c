/*
 * relm segment and relm logged-segment: thin shells over lib/segment.c, lib/criteria.c and
 * lib/logseg.c. Options become the library's request structs; every rule lives there.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "relm/json.h"

static const char *const list_cols[] = {"no",
                                        "description",
                                        "date",
                                        "salesperson_code",
                                        "interaction_template_code",
                                        "no_of_lines",
                                        "no_of_criteria_actions",
                                        NULL};
static const char *const line_cols[] = {"line_no",          "contact_no",
                                        "salesperson_code", "interaction_template_code",
                                        "subject",          "correspondence_type",
                                        "language_code",    "cost",
                                        "personalised",     NULL};
static const char *const step_cols[] = {"step_no", "action", "filters", "options", "undone", NULL};
static const char *const logged_cols[] = {"entry_no",
                                          "segment_no",
                                          "description",
                                          "created_at",
                                          "user_id",
                                          "no_of_interactions",
                                          "no_of_campaign_entries",
                                          "canceled",
                                          NULL};

static void help(void)
{
    printf("usage: relm segment <verb> [options]\n\n"
           "verbs:\n"
           "  create [--no N] [--FIELD VALUE]...  create a segment (prints it)\n"
           "  list [--where FIELD=VALUE]... [--limit N]\n"
           "                                      list segments (operators = != < <= > >= ~;\n"
           "                                      fields as below)\n"
           "  show NO                             show a segment with its counts\n"
           "  set NO [--FIELD VALUE]... [--apply-to-all-lines]\n"
           "                                      change the header; lines that are not\n"
           "                                      personalised follow (all with the flag)\n"
           "  delete NO                           delete a segment with its lines\n"
           "  add NO [--contact NO]... [criteria] add contacts by hand or by criteria\n"
           "  reduce NO [criteria]                remove the lines whose contacts match\n"
           "  refine NO [criteria]                keep only the lines whose contacts match\n"
           "  undo NO | redo NO                   revert / re-apply the last criteria step\n"
           "  steps NO                            list the criteria steps\n"
           "  lines NO                            list the lines\n"
           "  line set NO LINE [--FIELD VALUE]... personalise a line\n"
           "  line remove NO LINE                 remove a line\n"
           "  criteria save NO CODE [--description D]\n"
           "  criteria reuse CODE NO              replay saved criteria on a segment\n"
           "  log NO [--follow-up] [--deliver]    log the segment as interactions; --deliver\n"
           "                                      puts e-mail and hard-copy lines in the\n"
           "                                      outbox (their template needs an attachment):\n"
           "                                      relm deliver sends the e-mails, the letters\n"
           "                                      wait for logged-segment print; fax lines\n"
           "                                      are logged as failed (relm sends no faxes)\n"
           "\ncriteria: --where FIELD=VALUE (contact fields; operators = != < <= > >= ~)\n"
           "  has an interaction log entry with: --interaction-template-code CODE\n"
           "  (or --has-interaction CODE) --from DATE --to DATE --campaign-no NO\n"
           "  (or --campaign NO) --segment-no NO --evaluation E --salesperson-code CODE\n"
           "  --canceled true|false --postponed true|false (default: every entry counts)\n"
           "  add only: --allow-existing --expand-company (every contact sharing a matched\n"
           "  contact's company no.) --allow-related-companies (the company of every matched\n"
           "  person) --ignore-exclusion\n"
           "  reduce, refine only: --entire-companies (every line whose contact shares a\n"
           "  company no. with a matched contact)\n"
           "adding (--contact) or removing (line remove) a line by hand is a criteria step too:\n"
           "undo reverts it\n\n");
    cli_help_fields(stdout, &relm_segment_entity);
}

static int need_no(const cli_args_t *a, int n, const char *usage)
{
    return a->npos == n ? CLI_OK : cli_usage("usage: relm segment %s", usage);
}

static int show_segment(cli_t *c, const char *no)
{
    relm_error_t err = {0};
    relm_segment_t s;
    if (relm_segment_get(c->r, no, &s, &err))
        return cli_fail(&err);
    cli_show(c, &relm_segment_entity, &s, NULL, NULL);
    return CLI_OK;
}

static int do_create(cli_t *c, int argc, char **argv)
{
    relm_segment_t s;
    relm_mask_t given = 0;
    cli_args_t a;
    relm_error_t err = {0};
    relm_record_init(&relm_segment_entity, &s);
    int rc = cli_parse(argc, argv, NULL, &relm_segment_entity, &s, &given, &a);
    if (rc || (rc = need_no(&a, 0, "create [--no N] [--FIELD VALUE]...")) || (rc = cli_open(c)))
        return rc;
    if (relm_segment_add(c->r, &s, given, &err))
        return cli_fail(&err);
    cli_warnings(&err);
    cli_show(c, &relm_segment_entity, &s, NULL, NULL);
    return CLI_OK;
}

static int do_set(cli_t *c, int argc, char **argv)
{
    relm_segment_t s;
    relm_mask_t given = 0;
    cli_args_t a;
    int all = 0;
    relm_error_t err = {0};
    cli_opt_t opts[] = {{"--apply-to-all-lines", 0, NULL, &all, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    relm_record_init(&relm_segment_entity, &s);
    int rc = cli_parse(argc, argv, opts, &relm_segment_entity, &s, &given, &a);
    if (rc || (rc = need_no(&a, 1, "set NO [--FIELD VALUE]... [--apply-to-all-lines]")))
        return rc;
    if (!given && !all)
        return cli_usage("segment set: give at least one --FIELD VALUE or --apply-to-all-lines");
    if ((rc = cli_open(c)))
        return rc;
    if (relm_segment_update(c->r, a.pos[0], &s, given, all, &err))
        return cli_fail(&err);
    return show_segment(c, a.pos[0]);
}

static int do_list(cli_t *c, int argc, char **argv)
{
    return cli_list_verb(c, "segment", &relm_segment_entity, list_cols, relm_segment_list, argc,
                         argv);
}

static int do_simple(cli_t *c, const char *verb, int argc, char **argv)
{
    cli_args_t a;
    relm_error_t err = {0};
    int rc = cli_begin(c, argc, argv, NULL, 1, &a, "segment %s NO", verb);
    if (rc)
        return rc;
    const char *no = a.pos[0];
    if (strcmp(verb, "show") == 0)
        return show_segment(c, no);
    if (strcmp(verb, "lines") == 0 || strcmp(verb, "steps") == 0) {
        int lines = strcmp(verb, "lines") == 0;
        cli_list_t l;
        cli_list_begin(&l, c, lines ? &relm_segment_line_entity : &relm_criteria_step_entity,
                       lines ? line_cols : step_cols);
        rc = lines ? relm_segment_lines(c->r, no, 0, 0, cli_list_row, &l, &err)
                   : relm_segment_steps(c->r, no, cli_list_row, &l, &err);
        cli_list_end(&l);
        return rc ? cli_fail(&err) : CLI_OK;
    }
    if (strcmp(verb, "delete") == 0)
        rc = relm_segment_delete(c->r, no, &err);
    else if (strcmp(verb, "undo") == 0)
        rc = relm_segment_undo(c->r, no, &err);
    else
        rc = relm_segment_redo(c->r, no, &err);
    if (rc)
        return cli_fail(&err);
    if (strcmp(verb, "delete") == 0) {
        if (c->json)
            cli_print_json(json_pack("{s:i}", "deleted", 1));
        else
            printf("deleted segment %s\n", no);
        return CLI_OK;
    }
    return show_segment(c, no);
}

/* Bits of relm_criteria_entity's text members (filters on interaction history). */
static relm_mask_t history_bits(void)
{
    relm_mask_t m = 0;
    for (int i = 0; i < relm_criteria_entity.nfields; i++)
        if (relm_criteria_entity.fields[i].type != RELM_FT_BOOL)
            m |= RELM_BIT(i);
    return m;
}

/* add / reduce / refine: --FIELD VALUE of relm_criteria_entity, through the library. */
static int do_criteria_step(cli_t *c, const char *verb, int argc, char **argv)
{
    const char *where[CLI_MANY], *contacts[CLI_MANY];
    int nwhere = 0, ncontacts = 0;
    const char *tpl = NULL, *campaign = NULL;
    cli_opt_t opts[] = {
        {"--where", 1, NULL, NULL, where, &nwhere},
        {"--contact", 1, NULL, NULL, contacts, &ncontacts},
        {"--has-interaction", 1, &tpl, NULL, NULL, NULL},
        {"--campaign", 1, &campaign, NULL, NULL, NULL},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    cli_args_t a;
    relm_error_t err = {0};
    relm_mask_t given = 0;
    int add = strcmp(verb, "add") == 0;
    relm_criteria_t *crit = malloc(sizeof(*crit));
    if (!crit)
        return CLI_FAIL;
    relm_criteria_init(crit);
    int rc = cli_parse(argc, argv, opts, &relm_criteria_entity, crit, &given, &a);
    /* --has-interaction and --campaign are the older spellings of two criteria fields. */
    if (rc == 0 && tpl &&
        relm_record_set(&relm_criteria_entity, crit, &given, "interaction_template_code", tpl,
                        &err))
        rc = cli_fail(&err);
    if (rc == 0 && campaign &&
        relm_record_set(&relm_criteria_entity, crit, &given, "campaign_no", campaign, &err))
        rc = cli_fail(&err);
    for (int i = 0; i < nwhere && rc == 0; i++)
        if (relm_criteria_where(crit, where[i], &err))
            rc = cli_fail(&err);
    int any_criteria = nwhere || (given & history_bits());
    if (rc == 0 && a.npos != 1)
        rc = cli_usage("usage: relm segment %s NO [criteria] (see relm segment --help)", verb);
    if (rc == 0 && !add && ncontacts)
        rc = cli_usage("segment %s takes criteria, not --contact", verb);
    if (rc == 0 && ncontacts && !any_criteria && given)
        rc = cli_usage("segment add: options go with criteria, not with --contact alone");
    if (rc == 0)
        rc = cli_open(c);
    int64_t n = 0, total = 0;
    for (int i = 0; rc == 0 && i < ncontacts; i++) {
        relm_segment_t before;
        if (relm_segment_get(c->r, a.pos[0], &before, &err) ||
            relm_segment_line_add(c->r, a.pos[0], contacts[i], NULL, &err)) {
            rc = cli_fail(&err);
            break;
        }
        relm_segment_t after;
        if (relm_segment_get(c->r, a.pos[0], &after, &err) == 0)
            total += after.no_of_lines - before.no_of_lines;
    }
    if (rc == 0 && (any_criteria || ncontacts == 0)) {
        if (add)
            rc = relm_segment_add_contacts(c->r, a.pos[0], crit, &n, &err);
        else if (strcmp(verb, "reduce") == 0)
            rc = relm_segment_reduce(c->r, a.pos[0], crit, &n, &err);
        else
            rc = relm_segment_refine(c->r, a.pos[0], crit, &n, &err);
        rc = rc ? cli_fail(&err) : CLI_OK;
        total += n;
    }
    free(crit);
    if (rc)
        return rc;
    const char *what = add ? "added" : "removed";
    /* Echo the segment number as relm spells it, not as it was typed. */
    relm_segment_t seg;
    if (relm_segment_get(c->r, a.pos[0], &seg, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:s, s:I}", "segment_no", seg.no, what, (json_int_t)total));
    else
        printf("%s %lld lines\n", what, (long long)total);
    return CLI_OK;
}

/* line set|remove NO LINE [--FIELD VALUE]... */
static int line_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    relm_segment_line_t l;
    relm_mask_t given = 0;
    cli_args_t a;
    relm_error_t err = {0};
    relm_record_init(&relm_segment_line_entity, &l);
    int rc = cli_parse(argc, argv, NULL, &relm_segment_line_entity, &l, &given, &a);
    if (rc)
        return rc;
    int64_t line_no = 0;
    if (a.npos != 2)
        return cli_usage("usage: relm segment line %s NO LINE", verb);
    if ((rc = cli_parse_no(a.pos[1], "line no.", &line_no)) || (rc = cli_open(c)))
        return rc;
    if (strcmp(verb, "set") == 0) {
        if (!given)
            return cli_usage("segment line set: give at least one --FIELD VALUE");
        if (relm_segment_line_update(c->r, a.pos[0], line_no, &l, given, &err) ||
            relm_segment_line_get(c->r, a.pos[0], line_no, &l, &err))
            return cli_fail(&err);
        cli_show(c, &relm_segment_line_entity, &l, NULL, NULL);
        return CLI_OK;
    }
    if (given)
        return cli_usage("segment line remove takes no --FIELD options");
    if (relm_segment_line_delete(c->r, a.pos[0], line_no, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:i}", "removed", 1));
    else
        printf("removed line %lld of segment %s\n", (long long)line_no, a.pos[0]);
    return CLI_OK;
}

static int do_line(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"set", NULL, line_verb}, {"remove", NULL, line_verb}};
    return cli_dispatch(c, "segment line", verbs, sizeof(verbs) / sizeof(verbs[0]), NULL, argc,
                        argv);
}

/* criteria save NO CODE [--description D] | reuse CODE NO */
static int criteria_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    const char *description = NULL;
    cli_opt_t opts[] = {{"--description", 1, &description, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    relm_error_t err = {0};
    int rc = cli_begin(c, argc, argv, opts, 2, &a, "segment criteria save NO CODE | reuse CODE NO");
    if (rc)
        return rc;
    if (strcmp(verb, "save") == 0) {
        if (relm_criteria_save(c->r, a.pos[0], a.pos[1], description, &err))
            return cli_fail(&err);
        if (c->json)
            cli_print_json(json_pack("{s:s}", "saved", a.pos[1]));
        else
            printf("saved the criteria of segment %s as %s\n", a.pos[0], a.pos[1]);
        return CLI_OK;
    }
    if (relm_criteria_reuse(c->r, a.pos[0], a.pos[1], &err))
        return cli_fail(&err);
    return show_segment(c, a.pos[1]);
}

static int do_criteria(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"save", NULL, criteria_verb},
                                       {"reuse", NULL, criteria_verb}};
    return cli_dispatch(c, "segment criteria", verbs, sizeof(verbs) / sizeof(verbs[0]), NULL, argc,
                        argv);
}

static void log_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
    (void)ctx;
    fprintf(stderr, "\rlogging: %lld/%lld %-30s", (long long)done, (long long)total,
            phase ? phase : "");
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

static int do_log(cli_t *c, int argc, char **argv)
{
    int follow_up = 0, deliver = 0;
    cli_opt_t opts[] = {{"--follow-up", 0, NULL, &follow_up, NULL, NULL},
                        {"--deliver", 0, NULL, &deliver, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    relm_error_t err = {0};
    int rc = cli_begin(c, argc, argv, opts, 1, &a, "segment log NO [--follow-up] [--deliver]");
    if (rc)
        return rc;
    relm_log_result_t res;
    unsigned flags = (follow_up ? RELM_LOG_FOLLOW_UP : 0) | (deliver ? RELM_LOG_DELIVER : 0);
    int tty = isatty(STDERR_FILENO);
    if (relm_segment_log(c->r, a.pos[0], flags, &res, tty ? log_progress : NULL, NULL, &err)) {
        if (tty)
            fputc('\n', stderr);
        return cli_fail(&err);
    }
    cli_warnings(&err);
    if (c->json) {
        cli_print_json(json_pack(
            "{s:I, s:I, s:I, s:I, s:I, s:s?}", "logged_segment_entry_no",
            (json_int_t)res.logged_segment_entry_no, "entries", (json_int_t)res.entries,
            "campaign_entries", (json_int_t)res.campaign_entries, "blank_correspondence",
            (json_int_t)res.blank_correspondence, "faxes_not_sent", (json_int_t)res.faxes_not_sent,
            "follow_up_no", res.follow_up_no[0] ? res.follow_up_no : NULL));
    } else {
        printf("logged segment %lld: %lld entries", (long long)res.logged_segment_entry_no,
               (long long)res.entries);
        if (res.follow_up_no[0])
            printf(", follow-up segment %s", res.follow_up_no);
        putchar('\n');
    }
    return CLI_OK;
}

int cmd_segment(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"create", do_create, NULL},
        {"set", do_set, NULL},
        {"add", NULL, do_criteria_step},
        {"reduce", NULL, do_criteria_step},
        {"refine", NULL, do_criteria_step},
        {"line", do_line, NULL},
        {"criteria", do_criteria, NULL},
        {"log", do_log, NULL},
        {"list", do_list, NULL},
        {"show", NULL, do_simple},
        {"delete", NULL, do_simple},
        {"undo", NULL, do_simple},
        {"redo", NULL, do_simple},
        {"lines", NULL, do_simple},
        {"steps", NULL, do_simple},
    };
    return cli_dispatch(c, "segment", verbs, sizeof(verbs) / sizeof(verbs[0]), help, argc, argv);
}

/* ---- relm logged-segment ---- */

static void logged_help(void)
{
    printf("usage: relm logged-segment <verb> [options]\n\n"
           "verbs:\n"
           "  list                     list logged segments, newest first\n"
           "  show ENTRY               show one\n"
           "  cancel ENTRY             cancel (or undo the cancel of) the logged segment, its\n"
           "                           interaction log entries and campaign entries\n"
           "  delete ENTRY             delete a canceled logged segment; its entries stay,\n"
           "                           detached from it (prints how many)\n"
           "  reuse ENTRY [--evaluation E] [--attempt-failed true|false] [--campaign-response]\n"
           "                           new segment from its contacts (prints its no.)\n"
           "  print ENTRY --output PATH\n"
           "                           render the merged letters of its hard-copy entries to a\n"
           "                           PDF (one per page) and mark them delivered\n"
           "  delivery ENTRY           sent / waiting / failed counts of its entries, and why\n"
           "                           each failed one failed; how many of the waiting are\n"
           "                           letters to print\n"
           "  retry-errors ENTRY       put its failed e-mail entries back into the outbox\n");
}

static int failed_row(void *ctx, const void *row)
{
    const relm_interaction_t *e = row;
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:I}", "entry_no",
                                         (json_int_t)e->entry_no, "contact_via", e->contact_via,
                                         "delivery_error", e->delivery_error, "delivery_attempts",
                                         (json_int_t)e->delivery_attempts));
    return 0;
}

/* print, delivery and retry-errors: thin shells over lib/letter.c and lib/deliver.c. */
static int logged_delivery(cli_t *c, const char *verb, int argc, char **argv)
{
    const char *output = NULL;
    cli_opt_t opts[] = {{"--output", CLI_TEXT, &output, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    relm_error_t err = {0};
    int print = strcmp(verb, "print") == 0;
    int rc = cli_parse(argc, argv, print ? opts : NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    int64_t entry = 0;
    if (a.npos != 1 || (print && !output))
        return cli_usage("usage: relm logged-segment %s ENTRY%s", verb,
                         print ? " --output PATH" : "");
    if ((rc = cli_parse_no(a.pos[0], "entry no.", &entry)) || (rc = cli_open(c)))
        return rc;
    if (print) {
        int64_t n = 0;
        if (relm_letters_print_segment(c->r, entry, output, &n, &err))
            return cli_fail(&err);
        if (c->json)
            cli_print_json(json_pack("{s:I, s:s}", "letters", (json_int_t)n, "output", output));
        else
            printf("printed %lld letters to %s\n", (long long)n, output);
        return CLI_OK;
    }
    if (strcmp(verb, "retry-errors") == 0) {
        int64_t n = 0;
        if (relm_delivery_retry_errors(c->r, entry, &n, &err))
            return cli_fail(&err);
        if (c->json)
            cli_print_json(json_pack("{s:I}", "requeued", (json_int_t)n));
        else
            printf("%lld entries back in the outbox\n", (long long)n);
        return CLI_OK;
    }
    relm_delivery_counts_t n;
    json_t *failed = json_array();
    if (relm_delivery_counts(c->r, entry, &n, failed_row, failed, &err)) {
        json_decref(failed);
        return cli_fail(&err);
    }
    if (c->json) {
        cli_print_json(json_pack("{s:I, s:I, s:I, s:I, s:o}", "sent", (json_int_t)n.sent, "waiting",
                                 (json_int_t)n.waiting, "failed", (json_int_t)n.failed, "letters",
                                 (json_int_t)n.letters, "failures", failed));
        return CLI_OK;
    }
    printf("sent %lld, waiting %lld, failed %lld\n", (long long)n.sent, (long long)n.waiting,
           (long long)n.failed);
    /* Letters leave only when printed: say how, or they would seem to wait for delivery. */
    if (n.letters)
        printf("%lld letters wait to be printed: relm logged-segment print %lld --output FILE\n",
               (long long)n.letters, (long long)entry);
    size_t i;
    json_t *v;
    json_array_foreach(failed, i, v)
    {
        printf("  %lld  %s  %s\n", (long long)json_integer_value(json_object_get(v, "entry_no")),
               json_string_value(json_object_get(v, "contact_via")),
               json_string_value(json_object_get(v, "delivery_error")));
    }
    json_decref(failed);
    return CLI_OK;
}

static int logged_list(cli_t *c, int argc, char **argv)
{
    relm_error_t err = {0};
    int rc = cli_parse_none(argc, argv, "logged-segment list");
    if (rc || (rc = cli_open(c)))
        return rc;
    cli_list_t l;
    cli_list_begin(&l, c, &relm_logged_segment_entity, logged_cols);
    rc = relm_logged_segment_list(c->r, 0, 0, cli_list_row, &l, &err);
    cli_list_end(&l);
    return rc ? cli_fail(&err) : CLI_OK;
}

/* The one ENTRY argument of a logged-segment verb. */
static int one_entry(const cli_args_t *a, const char *verb, int64_t *entry)
{
    if (a->npos != 1)
        return cli_usage("usage: relm logged-segment %s ENTRY", verb);
    return cli_parse_no(a->pos[0], "entry no.", entry);
}

/* reuse ENTRY [--evaluation E] [--attempt-failed true|false] [--campaign-response] */
static int logged_reuse(cli_t *c, int argc, char **argv)
{
    cli_args_t a;
    relm_error_t err = {0};
    relm_reuse_filter_t f;
    relm_reuse_filter_init(&f);
    int response = 0;
    int64_t entry = 0;
    cli_opt_t opts[] = {{"--campaign-response", 0, NULL, &response, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    /* --evaluation and --attempt-failed are fields of relm_reuse_filter_entity. */
    int rc = cli_parse(argc, argv, opts, &relm_reuse_filter_entity, &f, NULL, &a);
    if (rc == 0 && response &&
        relm_record_set(&relm_reuse_filter_entity, &f, NULL, "campaign_response", "true", &err))
        rc = cli_fail(&err);
    if (rc || (rc = one_entry(&a, "reuse", &entry)) || (rc = cli_open(c)))
        return rc;
    char no[RELM_CODE20_SZ];
    int64_t n = 0;
    if (relm_logged_segment_reuse(c->r, entry, &f, no, &n, &err))
        return cli_fail(&err);
    cli_warnings(&err);
    if (c->json)
        cli_print_json(json_pack("{s:s, s:I}", "segment_no", no, "lines", (json_int_t)n));
    else
        printf("%s\n", no);
    return CLI_OK;
}

static int logged_get(relm_t *r, int64_t entry_no, void *out, relm_error_t *err)
{
    return relm_logged_segment_get(r, entry_no, out, err);
}

/* show|cancel|delete ENTRY: a delete keeps the entries, detached (prints how many). */
static int logged_entry(cli_t *c, const char *verb, int argc, char **argv)
{
    static const cli_entry_kind_t kind = {
        "logged-segment",
        &relm_logged_segment_entity,
        logged_get,
        relm_logged_segment_cancel,
        relm_logged_segment_delete,
        "entries_kept",
        "deleted logged segment %lld: %lld interaction log entries kept\n"};
    return cli_entry_verb(c, &kind, verb, argc, argv);
}

int cmd_logged_segment(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"list", logged_list, NULL},         {"show", NULL, logged_entry},
        {"cancel", NULL, logged_entry},      {"delete", NULL, logged_entry},
        {"reuse", logged_reuse, NULL},       {"print", NULL, logged_delivery},
        {"delivery", NULL, logged_delivery}, {"retry-errors", NULL, logged_delivery},
    };
    return cli_dispatch(c, "logged-segment", verbs, sizeof(verbs) / sizeof(verbs[0]), logged_help,
                        argc, argv);
}
