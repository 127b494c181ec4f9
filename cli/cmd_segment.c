#include "cli.h"
int cmd_segment(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("segment: not built yet");
}
int cmd_logged_segment(cli_t *c, int argc, char **argv)
{
    (void)c, (void)argc, (void)argv;
    return cli_usage("logged-segment: not built yet");
}
