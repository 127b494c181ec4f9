/*
 * relm numseries: series (add, list, show, update, delete), their lines, and taking the
 * next number.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const cols[] = {"code",       "description", "default_nos",
                                   "manual_nos", "date_order",  NULL};

static const char extra_help[] =
    "  line add CODE [--FIELD VALUE]...  add a line (fields below the series' own)\n"
    "  line list CODE                    list the lines of a series\n"
    "  line update CODE LINE --FIELD VALUE...\n"
    "  line delete CODE LINE\n"
    "  next CODE [--date YYYY-MM-DD]     take the next number (prints it)\n"
    "\nLine fields: --starting-date --starting-no --ending-no --warning-no --increment-by\n"
    "             --last-no-used --last-date-used --open\n";

/* line add|list|update|delete CODE ... */
static int line_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    const relm_entity_t *e = &relm_no_series_line_entity;
    relm_no_series_line_t l;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    cli_args_t a;
    int rc;
    relm_record_init(e, &l);
    if ((rc = cli_parse(argc, argv, NULL, e, &l, &given, &a)))
        return rc;
    if (a.npos < 1)
        return cli_usage("numseries line %s: which series?", verb);
    if (strcmp(verb, "add") == 0) {
        if (a.npos != 1)
            return cli_usage("usage: relm numseries line add CODE [--FIELD VALUE]...");
        if ((rc = cli_open(c)))
            return rc;
        if (relm_record_set(e, &l, NULL, "series_code", a.pos[0], &err) ||
            relm_numseries_line_add(c->r, &l, &err))
            return cli_fail(&err);
        cli_show(c, e, &l, NULL, NULL);
        return CLI_OK;
    }
    if (strcmp(verb, "list") == 0) {
        if ((rc = cli_open(c)))
            return rc;
        cli_list_t out;
        cli_list_begin(&out, c, e, NULL);
        rc = relm_numseries_lines(c->r, a.pos[0], cli_list_row, &out, &err);
        cli_list_end(&out);
        return rc ? cli_fail(&err) : CLI_OK;
    }
    int64_t line_no = 0;
    if (a.npos != 2)
        return cli_usage("usage: relm numseries line %s CODE LINE", verb);
    if ((rc = cli_parse_no(a.pos[1], "line no.", &line_no)))
        return rc;
    if ((rc = cli_open(c)))
        return rc;
    if (strcmp(verb, "update") == 0) {
        if (!given)
            return cli_usage("numseries line update: give at least one --FIELD VALUE");
        if (relm_numseries_line_update(c->r, a.pos[0], line_no, &l, given, &err))
            return cli_fail(&err);
        if (c->json)
            cli_print_json(json_pack("{s:i}", "updated", 1));
        else
            printf("updated number series %s line %lld\n", a.pos[0], (long long)line_no);
        return CLI_OK;
    }
    if (relm_numseries_line_delete(c->r, a.pos[0], line_no, &err))
        return cli_fail(&err);
    if (c->json)
        cli_print_json(json_pack("{s:i}", "deleted", 1));
    else
        printf("deleted number series %s line %lld\n", a.pos[0], (long long)line_no);
    return CLI_OK;
}

static int cmd_line(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"add", NULL, line_verb},
                                       {"list", NULL, line_verb},
                                       {"update", NULL, line_verb},
                                       {"delete", NULL, line_verb}};
    return cli_dispatch(c, "numseries line", verbs, sizeof(verbs) / sizeof(verbs[0]), NULL, argc,
                        argv);
}

static int cmd_next(cli_t *c, int argc, char **argv)
{
    const char *date = NULL;
    cli_opt_t opts[] = {{"--date", 1, &date, NULL, NULL, NULL}, {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm numseries next CODE [--date YYYY-MM-DD]");
    if ((rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    if (relm_numseries_next(c->r, a.pos[0], date, no, &err))
        return cli_fail(&err);
    cli_warnings(&err);
    if (c->json)
        cli_print_json(
            json_pack("{s:s, s:s?}", "no", no, "warning", err.warning[0] ? err.warning : NULL));
    else
        printf("%s\n", no);
    return CLI_OK;
}

int cmd_numseries(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"line", cmd_line, NULL}, {"next", cmd_next, NULL}};
    static const cli_entity_spec_t spec = {
        &relm_no_series_entity,          "CODE", cols, extra_help, "numseries", verbs,
        sizeof(verbs) / sizeof(verbs[0])};
    return cli_entity(c, &spec, argc, argv);
}
