#include "cli.h"
int cmd_numseries(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("numseries: not built yet");
}
