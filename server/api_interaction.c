/*
 * Interactions over HTTP: create, postpone, resume, delete, cancel, evaluate, list.
 */
#include "http.h"

void api_interaction_routes(void) {}
