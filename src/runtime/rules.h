/* The runtime rules engine (docs/runtime-rules.md): Falco's rule file format (rules, macros,
 * lists, append/override, exceptions) and condition language, compiled once and evaluated per
 * event without allocating, indexed by event type.
 *
 * Use: rt_rules_new, rt_rules_add_file (or _add_yaml) for each rule file in order,
 * rt_rules_compile once, then rt_eval_new per evaluating thread and rt_eval_event per event.
 * A compiled ruleset is read-only: several rt_eval contexts may share it across threads. */
#ifndef STRATA_RUNTIME_RULES_H
#define STRATA_RUNTIME_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "runtime/event.h"
#include "strata/error.h"

/* Bounds (STRATA_ELIMIT beyond them, naming the file and position). */
#define RT_RULES_MAX_FILE (16u << 20)   /* bytes of one rule file */
#define RT_RULES_MAX_ITEMS 100000u      /* rules + macros + lists of a ruleset */
#define RT_RULES_MAX_COND (1u << 20)    /* bytes of one condition, appends included */
#define RT_RULES_MAX_DEPTH 100          /* nesting of parentheses and `not` in one condition */
#define RT_RULES_MAX_MACRO_DEPTH 64     /* macros expanded inside macros */
#define RT_RULES_MAX_LIST_ITEMS 100000u /* items of one list or one `in (...)`, lists expanded */
#define RT_RULES_MAX_LIST_DEPTH 16      /* lists named inside lists */
#define RT_RULES_MAX_EXC_FIELDS 16      /* fields of one exception */
#define RT_RULES_MAX_WARNINGS 1000      /* warnings kept (more are counted) */

/* Falco's priorities, most severe first. */
enum rt_priority {
    RT_PRIO_EMERGENCY = 0,
    RT_PRIO_ALERT,
    RT_PRIO_CRITICAL,
    RT_PRIO_ERROR,
    RT_PRIO_WARNING,
    RT_PRIO_NOTICE,
    RT_PRIO_INFORMATIONAL,
    RT_PRIO_DEBUG,
};
/* "Emergency", …, "Informational", "Debug" (Falco's spelling). */
const char *rt_priority_name(enum rt_priority p);
/* Case-insensitive; "info" is Informational. 0 and *out, or -1. */
int rt_priority_parse(const char *s, size_t n, enum rt_priority *out);

struct rt_rules;
struct rt_rule;
struct rt_eval;

struct rt_rules *rt_rules_new(void); /* NULL on ENOMEM */
void rt_rules_free(struct rt_rules *r);

/* Reads a rule file (at most RT_RULES_MAX_FILE bytes) and adds its lists, macros and rules;
 * later files append to or override earlier ones. Errors name PATH:LINE:COL and the token:
 * STRATA_EIO, STRATA_EFORMAT, STRATA_ELIMIT, STRATA_ENOMEM. */
int rt_rules_add_file(struct rt_rules *r, const char *path, struct strata_error *err);
/* The same for bytes in memory (copied; path only names them in messages). */
int rt_rules_add_yaml(struct rt_rules *r, const char *path, const char *data, size_t len,
                      struct strata_error *err);
/* Resolves macros and lists, checks every field, operator and value, builds the matchers and
 * the event-type index. Call once, after the last add. Errors as above. */
int rt_rules_compile(struct rt_rules *r, struct strata_error *err);

struct rt_rules_counts {
    size_t rules;         /* rules defined (each name once) */
    size_t rules_enabled; /* of which enabled */
    size_t rules_skipped; /* rules for another `source:` (not syscall), or skip-if-unknown-filter */
    size_t macros, lists;
    size_t all_types; /* enabled rules whose condition does not constrain evt.type */
};
void rt_rules_counts(const struct rt_rules *r, struct rt_rules_counts *out);
/* Warnings of add/compile ("FILE:LINE:COL: …"): i-th, NULL past the end. */
const char *rt_rules_warning(const struct rt_rules *r, size_t i);

/* ---- compiled rules ---- */
size_t rt_rules_count(const struct rt_rules *r); /* compiled rules, in load order */
const struct rt_rule *rt_rules_get(const struct rt_rules *r, size_t i);
const struct rt_rule *rt_rules_find(const struct rt_rules *r, const char *name);
const char *rt_rule_name(const struct rt_rule *rule);
const char *rt_rule_desc(const struct rt_rule *rule);
enum rt_priority rt_rule_priority(const struct rt_rule *rule);
size_t rt_rule_tag_count(const struct rt_rule *rule);
const char *rt_rule_tag(const struct rt_rule *rule, size_t i);
enum rt_action_kind rt_rule_action(const struct rt_rule *rule); /* RT_ACT_NONE, KILL, … */
int rt_rule_enabled(const struct rt_rule *rule);
/* Where the rule was (last) defined: "FILE:LINE". */
const char *rt_rule_where(const struct rt_rule *rule);
/* The event types the rule is evaluated for: bit t set for enum rt_event_type t. */
uint64_t rt_rule_types(const struct rt_rule *rule);

/* ---- evaluation ---- */
struct rt_eval *rt_eval_new(const struct rt_rules *r); /* NULL on ENOMEM */
void rt_eval_free(struct rt_eval *e);

/* Called for each rule that matches, in load order; return nonzero to stop evaluating this
 * event's remaining rules. */
typedef int (*rt_match_fn)(const struct rt_rule *rule, const struct rt_event *ev, struct rt_eval *e,
                           void *ctx);
/* Evaluates the enabled rules indexed for ev's type (and priority at least as severe as
 * min_priority) and calls fn for each match. Returns the number of matches. Allocates
 * nothing. */
size_t rt_eval_event(struct rt_eval *e, const struct rt_event *ev, enum rt_priority min_priority,
                     rt_match_fn fn, void *ctx);
/* Conditions evaluated since rt_eval_new (the type index shows here). */
uint64_t rt_eval_conditions(const struct rt_eval *e);

/* Appends the rule's output with every %field replaced by its value in ev ("<NA>" when the
 * event has none, as Falco prints it). e is the context that matched ev (its cached field
 * values are reused). 0 or STRATA_ENOMEM. */
int rt_rule_format_output(const struct rt_rule *rule, struct rt_eval *e, const struct rt_event *ev,
                          struct strbuf *out);

/* ---- alerts (rules_alert.c) ---- */
/* One alert as a JSON object, no newline:
 *   {"time":"2024-05-01T10:00:00.123456789Z","time_ns":…,"rule":…,"priority":"Warning",
 *    "output":…,"tags":[…],"source":"syscall","action":"kill" (only when the rule has one),
 *    "container":{"id","full_id","name","image"},"output_fields":{"proc.name":"bash",…},
 *    "event":{the event as rt_event_to_json writes it} (when with_event)}
 * 0 or STRATA_ENOMEM. */
int rt_alert_to_json(const struct rt_rule *rule, struct rt_eval *e, const struct rt_event *ev,
                     int with_event, struct strbuf *out);
/* "2024-05-01T10:00:00.123456789Z Warning OUTPUT (rule=NAME container=ID)", no newline. */
int rt_alert_to_text(const struct rt_rule *rule, struct rt_eval *e, const struct rt_event *ev,
                     struct strbuf *out);
/* The event time as RFC 3339 UTC with nanoseconds into buf (at least 32 bytes). */
void rt_time_str(uint64_t ns, char *buf, size_t cap);

/* ---- fields, for docs and tools ---- */
size_t rt_field_count(void);
/* The i-th field's name ("proc.name", "proc.aname[N]" style for indexed ones) and a short
 * description; NULL past the end. */
const char *rt_field_name(size_t i);
const char *rt_field_desc(size_t i);

#endif
