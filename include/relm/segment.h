/*
 * Segments, criteria steps, logging and logged segments.
 * (API being written; see lib/segment.c, lib/criteria.c, lib/logseg.c.)
 */
#ifndef RELM_SEGMENT_H
#define RELM_SEGMENT_H

#include "relm/record.h"

#endif
