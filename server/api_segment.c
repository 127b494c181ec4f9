/*
 * Segments over HTTP: header, lines, criteria steps with undo/redo, log; logged segments.
 */
#include "http.h"

void api_segment_routes(void) {}
