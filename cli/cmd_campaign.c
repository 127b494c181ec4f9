#include "cli.h"
int cmd_campaign(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("campaign: not built yet");
}
