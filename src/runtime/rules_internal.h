/* Internals shared by the rules engine's files (rules_load.c, rules_lex.c, rules_parse.c,
 * rules_fields.c, rules_compile.c, rules_eval.c, rules_output.c). */
#ifndef STRATA_RUNTIME_RULES_INTERNAL_H
#define STRATA_RUNTIME_RULES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "runtime/rules.h"

/* ---- fields (rules_fields.c) ---- */

enum rf_type {
    RF_STR = 1,
    RF_UINT,
    RF_INT,
    RF_BOOL,
    RF_IP,      /* address; values may be CIDR networks */
    RF_STRLIST, /* several strings (ancestors' names, capability names) */
    RF_UINTLIST,
};

enum rf_arg {
    RF_ARG_NONE = 0,
    RF_ARG_INDEX, /* optional [N]: proc.aname[2]; without it, every element */
};

struct rf_def {
    const char *name;
    uint8_t type;         /* enum rf_type (without [N] for RF_ARG_INDEX fields) */
    uint8_t indexed_type; /* the type with [N] */
    uint8_t arg;          /* enum rf_arg */
    uint16_t classes;     /* bit c: the field can have a value for class c; 0 = every class */
    uint16_t scratch;     /* bytes of per-context buffer for derived strings */
    uint16_t list_max;    /* elements of a list value */
    const char *desc;
};

/* Field ids, the index in the table. */
enum rf_id {
    RF_EVT_TYPE = 0,
    RF_EVT_DIR,
    RF_EVT_TIME,
    RF_EVT_NUM,
    RF_EVT_RAWRES,
    RF_EVT_RES,
    RF_EVT_FAILED,
    RF_EVT_CATEGORY,
    RF_EVT_IS_OPEN_READ,
    RF_EVT_IS_OPEN_WRITE,
    RF_EVT_ARG_FLAGS,
    RF_EVT_RAWARG_FLAGS,
    RF_EVT_ARG_NAME,
    RF_EVT_ARG_PATH,
    RF_EVT_ARG_OLDPATH,
    RF_EVT_ARG_NEWPATH,
    RF_EVT_ARG_MODE,
    RF_EVT_ARG_REQUEST,
    RF_EVT_ARG_PID,
    RF_EVT_ARG_UID,
    RF_EVT_ARG_EUID,
    RF_EVT_ARG_GID,
    RF_EVT_ARG_EGID,
    RF_EVT_ARG_DIR,
    RF_EVT_ARG_DEV,
    RF_EVT_ARG_TYPE,
    RF_EVT_ARG_CMD,
    RF_EVT_ARG_PROG_TYPE,
    RF_EVT_ARG_FD,
    RF_PROC_PID,
    RF_PROC_VPID,
    RF_PROC_PPID,
    RF_PROC_NAME,
    RF_PROC_EXE,
    RF_PROC_EXEPATH,
    RF_PROC_CMDLINE,
    RF_PROC_ARGS,
    RF_PROC_CWD,
    RF_PROC_TTY,
    RF_PROC_PNAME,
    RF_PROC_ANAME,
    RF_PROC_APID,
    RF_PROC_IS_EXE_UPPER_LAYER,
    RF_PROC_IS_EXE_FROM_MEMFD,
    RF_PROC_IS_EXE_WRITABLE,
    RF_PROC_STDIN_TYPE,
    RF_PROC_STDOUT_TYPE,
    RF_PROC_STDERR_TYPE,
    RF_PROC_EXITCODE,
    RF_THREAD_TID,
    RF_THREAD_CAP_EFFECTIVE,
    RF_THREAD_CAP_PERMITTED,
    RF_THREAD_CAP_INHERITABLE,
    RF_USER_UID,
    RF_USER_RUID,
    RF_USER_NAME,
    RF_USER_LOGINUID,
    RF_GROUP_GID,
    RF_FD_NUM,
    RF_FD_NAME,
    RF_FD_DIRECTORY,
    RF_FD_FILENAME,
    RF_FD_TYPECHAR,
    RF_FD_TYPE,
    RF_FD_SOCKFAMILY,
    RF_FD_L4PROTO,
    RF_FD_SIP,
    RF_FD_CIP,
    RF_FD_LIP,
    RF_FD_RIP,
    RF_FD_DIP,
    RF_FD_SNET,
    RF_FD_CNET,
    RF_FD_LNET,
    RF_FD_RNET,
    RF_FD_SPORT,
    RF_FD_CPORT,
    RF_FD_LPORT,
    RF_FD_RPORT,
    RF_FD_DPORT,
    RF_CONTAINER_ID,
    RF_CONTAINER_FULL_ID,
    RF_CONTAINER_NAME,
    RF_CONTAINER_IMAGE,
    RF_CONTAINER_IMAGE_REPOSITORY,
    RF_CONTAINER_IMAGE_TAG,
    RF_CONTAINER_TYPE,
    RF_CONTAINER_INFO,
    RF_CRED_OLD_UID,
    RF_CRED_NEW_UID,
    RF_CRED_OLD_EUID,
    RF_CRED_NEW_EUID,
    RF_CRED_OLD_EGID,
    RF_CRED_NEW_EGID,
    RF_CRED_OLD_CAPS,
    RF_CRED_NEW_CAPS,
    RF_CRED_GAINED_CAPS,
    RF_ACTION_KIND,
    RF_ACTION_RESULT,
    RF_ACTION_RULE,
    RF_ACTION_DETAIL,
    RF_ACTION_TARGET_PID,
    RF_DROP_LOST,
    RF_DROP_SOURCE,
    RF_COUNT
};

extern const struct rf_def rf_defs[RF_COUNT];

/* Looks a field name up (n bytes, without any [N]); -1 when unknown. */
int rf_lookup(const char *name, size_t n);

struct rf_str {
    const char *s; /* NUL-terminated */
    uint32_t n;
};

/* One extracted value. Strings point into the event or the context's scratch buffers and are
 * NUL-terminated; they live until the next event is evaluated with the context. */
struct rf_val {
    uint8_t type;   /* enum rf_type */
    uint8_t family; /* RF_IP: RT_AF_INET or RT_AF_INET6 */
    uint32_t n;     /* RF_STR length; list: elements */
    const char *s;
    uint64_t u; /* RF_UINT, RF_BOOL */
    int64_t i;  /* RF_INT */
    uint8_t ip[16];
    const struct rf_str *list; /* RF_STRLIST */
    const uint64_t *ulist;     /* RF_UINTLIST */
};

/* ---- evaluation context (rules_eval.c, rules_fields.c) ---- */

struct rf_cache {
    uint64_t stamp;
    int present;
    struct rf_val v;
};

struct rt_eval {
    const struct rt_rules *r;
    uint64_t conditions;
    uint64_t stamp; /* event generation: cache entries of other stamps are stale */
    const struct rt_event *ev;
    struct rf_cache cache[RF_COUNT];
    char *scratch[RF_COUNT];
    struct rf_str *lists[RF_COUNT];
    uint64_t *ulists[RF_COUNT];
};

/* The value of field `field` (arg: [N] index or -1) of the context's current event: 1 with
 * *out, 0 when the event has none. No allocation. */
int rf_extract(struct rt_eval *e, uint16_t field, int32_t arg, struct rf_val *out);

/* ---- source text and positions (rules_load.c) ---- */

struct rs_file {
    char *path;
    char *data; /* the whole file, kept until the ruleset is freed (positions of errors) */
    size_t len;
    uint32_t *line_start; /* offset of each line's first byte */
    size_t nlines;
};

/* One YAML scalar's text as the ruleset keeps it. */
struct rs_text {
    const char *text; /* NUL-terminated copy */
    size_t len;
    const struct rs_file *file;
    uint32_t line, col; /* of the scalar's start */
    int raw;            /* text is exactly the source bytes at src_off (single-line scalar) */
    size_t src_off;
};

/* Text built from parts (a condition and its appends) with a map back to the sources. */
struct rs_joined {
    char *buf;
    size_t len;
    const struct rs_text **parts;
    size_t *part_off; /* offset of each part in buf */
    size_t nparts;
};

/* "FILE:LINE:COL" of byte off (length n) of a joined text into buf[cap]. */
void rs_where(const struct rs_joined *j, size_t off, size_t n, char *buf, size_t cap);
/* "FILE:LINE:COL" of a scalar. */
void rs_text_where(const struct rs_text *t, char *buf, size_t cap);

/* ---- condition syntax (rules_lex.c, rules_parse.c) ---- */

enum rt_op {
    OP_NONE = 0,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_IN,
    OP_INTERSECTS,
    OP_CONTAINS,
    OP_ICONTAINS,
    OP_STARTSWITH,
    OP_ENDSWITH,
    OP_GLOB,
    OP_PMATCH,
    OP_EXISTS,
};
const char *rt_op_name(enum rt_op op);
/* An operator word ("=", "in", …), OP_NONE when it is none. */
enum rt_op rt_op_parse(const char *s, size_t n);
/* "proc.aname[2]": the field id (-1 when unknown) and *arg (2; -1 without [N]); *bad_arg when
 * the [..] is malformed or the field takes none. */
int rt_field_parse(const char *text, size_t len, int32_t *arg, int *bad_arg);

enum tok_kind {
    TK_END = 0,
    TK_LPAREN,
    TK_RPAREN,
    TK_COMMA,
    TK_AND,
    TK_OR,
    TK_NOT,
    TK_OP,    /* a comparison operator (op) */
    TK_WORD,  /* a field, macro name, or a bare value */
    TK_QUOTED /* a quoted value (text unescaped) */
};

struct tok {
    uint8_t kind;
    uint8_t op;
    uint32_t len;     /* of text */
    const char *text; /* NUL-terminated (arena) */
    size_t off, span; /* bytes in the joined source text */
};

/* Splits j into tokens (arena-allocated array, TK_END last). A bare value after a comparison
 * operator or inside `in (…)` runs to the next blank, ',' or ')'. Errors name the position. */
int rt_lex(const struct rs_joined *j, struct arena *a, struct tok **out, size_t *n,
           struct strata_error *err);

enum ast_kind { AST_AND = 1, AST_OR, AST_NOT, AST_CMP, AST_MACRO, AST_TRUE, AST_FALSE };

struct ast_val {
    const char *text; /* NUL-terminated */
    uint32_t len;
    uint8_t quoted; /* a quoted value can never name a list */
    const struct tok *at;
};

struct ast {
    uint8_t kind;
    uint8_t op;       /* AST_CMP: enum rt_op */
    uint16_t field;   /* AST_CMP: enum rf_id */
    int32_t arg;      /* AST_CMP: [N] or -1 */
    uint8_t has_list; /* AST_CMP: the value is a parenthesised list */
    uint32_t nkids;
    struct ast **kids;    /* AND/OR: operands; NOT: one */
    struct ast_val *vals; /* AST_CMP values (list items before list expansion) */
    uint32_t nvals;
    const char *macro;    /* AST_MACRO: the name */
    const struct tok *at; /* the token the node starts at, for messages */
    const struct rs_joined *src;
};

/* Parses tokens into an AST (arena). Fields are looked up (unknown ones are errors unless
 * *unknown_field is not NULL: then it gets the first unknown field's token and 0 is returned
 * with *out NULL). */
int rt_parse(const struct rs_joined *src, const struct tok *toks, size_t ntoks, struct arena *a,
             struct ast **out, const struct tok **unknown_field, struct strata_error *err);

/* ---- compiled form (rules_compile.c, rules_eval.c) ---- */

enum cn_kind { CN_AND = 1, CN_OR, CN_NOT, CN_CMP, CN_TRUE, CN_FALSE };

struct cnode;

/* A precompiled comparison. */
struct cmatch {
    uint16_t field;
    int32_t arg;
    uint8_t op;
    uint8_t ftype; /* the field's type as used (indexed or not) */
    uint32_t nvals;
    struct rf_str *strs; /* string values (icontains: lowercased) */
    uint64_t *nums;      /* RF_UINT/RF_BOOL/RF_UINTLIST values; RF_INT as int64 bits */
    struct ipnet *nets;  /* RF_IP values */
    uint32_t *hash;      /* OP_IN/OP_INTERSECTS on strings with many values: slots */
    uint32_t hash_mask;  /* slots - 1, 0 when no table */
    uint64_t type_mask;  /* is_type: the set of enum rt_event_type that matches */
    uint8_t is_type;     /* evt.type =, !=, in, intersects: a type-set test */
};

struct ipnet {
    uint8_t family;
    uint8_t prefix; /* bits */
    uint8_t addr[16];
};

struct cnode {
    uint8_t kind;
    uint32_t nkids;
    struct cnode **kids;
    struct cmatch *m;
};

int rt_cnode_eval(struct rt_eval *e, const struct cnode *n);

/* Output: literal text and fields. */
struct out_seg {
    const char *lit; /* literal (NULL for a field) */
    uint32_t len;
    uint16_t field;
    int32_t arg;
};

struct rt_rule {
    char *name, *desc, *where;
    enum rt_priority priority;
    enum rt_action_kind action;
    int enabled;
    char **tags;
    size_t ntags;
    struct cnode *cond;
    uint64_t types; /* bit per enum rt_event_type */
    struct out_seg *out;
    size_t nout;
};

#define RT_ALL_TYPES ((((uint64_t)1 << RT_EV_TYPE_COUNT) - 1) & ~(uint64_t)1)

/* ---- the ruleset's definitions (rules_load.c) and compiled state ---- */

struct rs_list_item {
    struct rs_text t; /* the item's text (quotes of a '"…"' item removed) */
    int quoted;
};

struct rs_list {
    char *name;
    struct rs_text at;
    struct rs_list_item *items;
    size_t n, cap;
    int used, expanding;
};

struct rs_macro {
    char *name;
    struct rs_text at;
    const struct rs_text **parts; /* condition and its appends */
    size_t nparts, capparts;
    struct ast *ast;        /* parsed at compile */
    struct cnode *compiled; /* compiled once, shared by every rule using it */
    uint64_t types;
    int state; /* 0 new, 1 compiling, 2 done */
};

struct rs_exc_value {
    const struct rs_text ***items; /* per field: nitems[i] texts */
    size_t *nitems;                /* per field: 1 unless the value is a YAML sequence */
    int *is_seq;
};

struct rs_exception {
    char *name;
    struct rs_text at;
    const struct rs_text *fields[RT_RULES_MAX_EXC_FIELDS];
    const struct rs_text *comps[RT_RULES_MAX_EXC_FIELDS];
    size_t nfields;
    int single; /* fields was a scalar: values are plain values */
    struct rs_exc_value *values;
    size_t nvalues, capvalues;
};

struct rs_rule {
    char *name;
    struct rs_text at;
    const struct rs_text *desc_parts[8];
    size_t ndesc;
    const struct rs_text **cond_parts;
    size_t ncond, capcond;
    const struct rs_text **out_parts;
    size_t nout, capout;
    enum rt_priority priority;
    enum rt_action_kind action;
    int enabled;
    int skipped; /* another source, or skip-if-unknown-filter with an unknown field */
    int skip_if_unknown;
    char **tags;
    size_t ntags, captags;
    struct rs_exception *exc;
    size_t nexc, capexc;
};

struct rt_rules {
    struct arena arena;
    struct rs_file **files;
    size_t nfiles;
    struct strmap list_map, macro_map, rule_map;
    struct rs_list **lists;
    size_t nlists, caplists;
    struct rs_macro **macros;
    size_t nmacros, capmacros;
    struct rs_rule **rules;
    size_t nrules, caprules;
    char **warnings;
    size_t nwarnings, dropped_warnings;
    int compiled;
    /* compiled */
    struct rt_rule *crules;
    size_t ncrules;
    const struct rt_rule **by_type[RT_EV_TYPE_COUNT];
    size_t nby_type[RT_EV_TYPE_COUNT];
    size_t all_types, skipped;
};

/* Adds a warning "WHERE: MESSAGE" (printf-style); 0 or STRATA_ENOMEM. */
int rs_warn(struct rt_rules *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Builds the joined text of parts (separated by one blank) in the arena. */
int rs_join(struct arena *a, const struct rs_text *const *parts, size_t n, struct rs_joined *out);

/* Output templates (rules_output.c): compiles the joined text's %fields. */
int rt_output_compile(struct arena *a, const struct rs_joined *j, struct out_seg **out, size_t *n,
                      struct strata_error *err);

#endif
