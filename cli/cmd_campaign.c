/*
 * relm campaign: add, list, show (with statistics), update, delete, and the campaign's
 * entries (list, show, cancel, delete).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const cols[] = {
    "no",        "description", "starting_date", "ending_date", "salesperson_code", "status_code",
    "activated", NULL};

static const char extra_help[] =
    "  entries NO [--limit N]            list the campaign's entries\n"
    "  entry show ENTRY                  show one campaign entry\n"
    "  entry cancel ENTRY                cancel (or undo the cancel of) a campaign entry and\n"
    "                                    its interaction log entries\n"
    "  entry delete ENTRY                delete a canceled campaign entry together with its\n"
    "                                    interaction log entries (prints how many)\n"
    "deleting a campaign deletes its campaign entries; its interaction log entries stay,\n"
    "keeping campaign_no\n";

static int cmd_entries(cli_t *c, int argc, char **argv)
{
    const relm_entity_t *e = &relm_campaign_entry_entity;
    int64_t lim = 0;
    cli_opt_t opts[] = {{"--limit", CLI_NUMBER, &lim, NULL, NULL, NULL},
                        {NULL, 0, NULL, NULL, NULL, NULL}};
    cli_args_t a;
    int rc = cli_parse(argc, argv, opts, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm campaign entries NO [--limit N]");
    if ((rc = cli_open(c)))
        return rc;
    relm_error_t err = {0};
    relm_campaign_t cmp;
    if (relm_campaign_get(c->r, a.pos[0], &cmp, &err))
        return cli_fail(&err);
    relm_filter_t f;
    memset(&f, 0, sizeof(f));
    f.field = relm_field_index(e, "campaign_no");
    strcpy(f.op, "=");
    snprintf(f.value, sizeof(f.value), "%s", cmp.no);
    return cli_list_records(c, e, NULL, &f, 1, (long)lim);
}

/* entry show|cancel|delete ENTRY */
static int entry_verb(cli_t *c, const char *verb, int argc, char **argv)
{
    cli_args_t a;
    int64_t no = 0;
    relm_error_t err = {0};
    int rc = cli_parse(argc, argv, NULL, NULL, NULL, NULL, &a);
    if (rc)
        return rc;
    if (a.npos != 1)
        return cli_usage("usage: relm campaign entry %s ENTRY", verb);
    if ((rc = cli_parse_no(a.pos[0], "entry no.", &no)) || (rc = cli_open(c)))
        return rc;
    if (strcmp(verb, "delete") == 0) {
        int64_t n = 0;
        if (relm_campaign_entry_delete(c->r, no, &n, &err))
            return cli_fail(&err);
        if (c->json)
            cli_print_json(json_pack("{s:I, s:I}", "deleted", (json_int_t)no,
                                     "interactions_deleted", (json_int_t)n));
        else
            printf("deleted campaign entry %lld and %lld interaction log entries\n", (long long)no,
                   (long long)n);
        return CLI_OK;
    }
    if (strcmp(verb, "cancel") == 0 && relm_campaign_entry_cancel(c->r, no, &err))
        return cli_fail(&err);
    relm_campaign_entry_t ce;
    if (relm_campaign_entry_get(c->r, no, &ce, &err))
        return cli_fail(&err);
    cli_show(c, &relm_campaign_entry_entity, &ce, NULL, NULL);
    return CLI_OK;
}

static int cmd_entry(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {
        {"show", NULL, entry_verb}, {"cancel", NULL, entry_verb}, {"delete", NULL, entry_verb}};
    return cli_dispatch(c, "campaign entry", verbs, sizeof(verbs) / sizeof(verbs[0]), NULL, argc,
                        argv);
}

int cmd_campaign(cli_t *c, int argc, char **argv)
{
    static const cli_verb_t verbs[] = {{"entries", cmd_entries, NULL}, {"entry", cmd_entry, NULL}};
    static const cli_entity_spec_t spec = {
        &relm_campaign_entity,           "NO", cols, extra_help, NULL, verbs,
        sizeof(verbs) / sizeof(verbs[0])};
    return cli_entity(c, &spec, argc, argv);
}
