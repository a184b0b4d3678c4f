/* Reading a recording (JSON lines, docs/runtime-events.md) one event at a time, for
 * `strata watch --replay` and tests. Lines are bounded (RT_JSON_LINE_MAX); blank lines are
 * skipped; any other line that is not an event is an error naming FILE:LINE. */
#ifndef STRATA_RUNTIME_REPLAY_H
#define STRATA_RUNTIME_REPLAY_H

#include <stddef.h>
#include <stdio.h>

#include "runtime/event.h"
#include "strata/error.h"

struct rt_replay;

/* path "-" reads stdin. STRATA_EIO when it cannot be opened, STRATA_ENOMEM. */
int rt_replay_open(struct rt_replay **out, const char *path, struct strata_error *err);
/* 1 and the next event in *ev, 0 at the end, or a negative STRATA_E* (FILE:LINE[:COL]: …). */
int rt_replay_next(struct rt_replay *r, struct rt_event *ev, struct strata_error *err);
size_t rt_replay_line(const struct rt_replay *r); /* line of the last event read */
void rt_replay_close(struct rt_replay *r);

#endif
