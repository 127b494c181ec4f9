#include "cli.h"
int cmd_group(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("group: not built yet");
}
int cmd_template(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("template: not built yet");
}
