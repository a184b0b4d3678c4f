/* Where the members and elements of a JSON text are: jansson keeps no positions, so findings
 * about a parsed document look their key up here. One pass over the text records, for every
 * object member and array element down to a depth, the 1-based line and byte column of the
 * member's key (its opening quote) or of the element's first byte, by path.
 *
 * A path is the member names and element indexes from the top, each followed by
 * JSON_POS_SEP: "0" JSON_POS_SEP "HostConfig" JSON_POS_SEP "Privileged" JSON_POS_SEP. Names
 * holding a backslash escape are not recorded (their raw text is not their name). The text
 * is expected to be valid JSON (parse it with jansson first); anything else stops the pass
 * early without harm. */
#ifndef STRATA_CHECKS_JSON_POS_H
#define STRATA_CHECKS_JSON_POS_H

#include <stddef.h>

#include "core/arena.h"
#include "core/strmap.h"

#define JSON_POS_SEP "\x1f"
#define JSON_POS_MAX_PATH 512 /* bytes of a recorded path; deeper or longer ones are skipped */

struct json_pos {
    struct strmap map; /* path -> struct json_pos_at */
    struct arena arena;
    size_t n;
};

struct json_pos_at {
    int line, col;
};

/* Records positions down to max_depth levels (the top value's members or elements are level
 * 1), at most max_entries of them. Returns 0 or STRATA_ENOMEM. */
int json_pos_build(struct json_pos *p, const char *data, size_t len, int max_depth,
                   size_t max_entries);
void json_pos_free(struct json_pos *p);

/* The position recorded for path, or NULL. */
const struct json_pos_at *json_pos_get(const struct json_pos *p, const char *path);

#endif
