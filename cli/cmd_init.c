#include "cli.h"
int cmd_init(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("init: not built yet");
}
