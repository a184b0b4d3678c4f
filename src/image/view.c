#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/path.h"
#include "core/strmap.h"
#include "image/view_build.h"

#define VIEW_MAX_SYMLINK_HOPS 40
#define NO_NODE UINT32_MAX

struct vnode {
    const char *path;
    const char *link;
    uint64_t size;
    uint32_t mode, uid, gid;
    uint32_t parent, first_child, next_sibling;
    int32_t layer, deleted_by;
    uint8_t type;
};

struct strata_view {
    struct vnode *nodes;
    size_t n, cap;
    struct strmap by_path; /* path -> node index + 1 */
    struct arena arena;
    uint32_t *stack; /* scratch for subtree walks */
    size_t stack_cap;
};

struct strata_view *view_new(void)
{
    struct strata_view *v = calloc(1, sizeof *v);
    if (v == NULL)
        return NULL;
    v->cap = 1024;
    v->nodes = malloc(v->cap * sizeof *v->nodes);
    if (v->nodes == NULL) {
        free(v);
        return NULL;
    }
    struct vnode *root = &v->nodes[0];
    memset(root, 0, sizeof *root);
    root->path = "";
    root->type = STRATA_FT_DIR;
    root->mode = 0755;
    root->parent = root->first_child = root->next_sibling = NO_NODE;
    root->layer = -1;
    root->deleted_by = -1;
    v->n = 1;
    if (strmap_put(&v->by_path, root->path, (void *)(uintptr_t)1) != 0) {
        view_free(v);
        return NULL;
    }
    return v;
}

void view_free(struct strata_view *v)
{
    if (v == NULL)
        return;
    free(v->nodes);
    free(v->stack);
    strmap_release(&v->by_path);
    arena_release(&v->arena);
    free(v);
}

static uint32_t find(const struct strata_view *v, const char *path, size_t n)
{
    uintptr_t i = (uintptr_t)strmap_getn(&v->by_path, path, n);
    return i ? (uint32_t)(i - 1) : NO_NODE;
}

static int push(struct strata_view *v, size_t *top, uint32_t idx)
{
    if (*top == v->stack_cap) {
        size_t cap = v->stack_cap ? v->stack_cap * 2 : 256;
        uint32_t *s = realloc(v->stack, cap * sizeof *s);
        if (s == NULL)
            return STRATA_ENOMEM;
        v->stack = s;
        v->stack_cap = cap;
    }
    v->stack[(*top)++] = idx;
    return 0;
}

/* Marks every present node below idx (and idx itself when include_self) deleted by layer. */
static int delete_subtree(struct strata_view *v, uint32_t idx, int include_self, int layer)
{
    size_t top = 0;
    if (include_self && v->nodes[idx].deleted_by < 0)
        v->nodes[idx].deleted_by = layer;
    for (uint32_t c = v->nodes[idx].first_child; c != NO_NODE; c = v->nodes[c].next_sibling)
        if (push(v, &top, c) != 0)
            return STRATA_ENOMEM;
    while (top > 0) {
        uint32_t n = v->stack[--top];
        if (v->nodes[n].deleted_by < 0)
            v->nodes[n].deleted_by = layer;
        for (uint32_t c = v->nodes[n].first_child; c != NO_NODE; c = v->nodes[c].next_sibling)
            if (push(v, &top, c) != 0)
                return STRATA_ENOMEM;
    }
    return 0;
}

/* Returns the node for path, creating it (and implicit parent directories) if needed. */
static uint32_t get_or_create(struct strata_view *v, const char *path, size_t n, int layer,
                              int *oom)
{
    uint32_t idx = find(v, path, n);
    if (idx != NO_NODE)
        return idx;
    const char *slash = NULL;
    for (size_t i = n; i > 0; i--)
        if (path[i - 1] == '/') {
            slash = path + i - 1;
            break;
        }
    uint32_t parent = slash ? get_or_create(v, path, (size_t)(slash - path), layer, oom) : 0;
    if (parent == NO_NODE)
        return NO_NODE;
    struct vnode *p = &v->nodes[parent];
    if (p->deleted_by >= 0 || p->type != STRATA_FT_DIR) {
        /* Writing below a deleted or replaced directory re-creates it implicitly. */
        p->deleted_by = -1;
        p->type = STRATA_FT_DIR;
    }
    if (v->n == v->cap) {
        size_t cap = v->cap * 2;
        struct vnode *nodes = realloc(v->nodes, cap * sizeof *nodes);
        if (nodes == NULL) {
            *oom = 1;
            return NO_NODE;
        }
        v->nodes = nodes;
        v->cap = cap;
    }
    char *copy = arena_strndup(&v->arena, path, n);
    if (copy == NULL) {
        *oom = 1;
        return NO_NODE;
    }
    idx = (uint32_t)v->n++;
    struct vnode *node = &v->nodes[idx];
    memset(node, 0, sizeof *node);
    node->path = copy;
    node->type = STRATA_FT_DIR; /* implicit until written */
    node->mode = 0755;
    node->layer = -1;
    node->deleted_by = -1;
    node->first_child = NO_NODE;
    node->parent = parent;
    node->next_sibling = v->nodes[parent].first_child;
    v->nodes[parent].first_child = idx;
    if (strmap_put(&v->by_path, copy, (void *)(uintptr_t)(idx + 1)) != 0) {
        *oom = 1;
        return NO_NODE;
    }
    return idx;
}

int view_apply_layer(struct strata_view *v, int layer, const struct layer_entry *entries, size_t n,
                     struct strata_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct layer_entry *e = &entries[i];
        if (e->whiteout == WHITEOUT_NONE)
            continue;
        uint32_t idx = find(v, e->path, strlen(e->path));
        if (idx == NO_NODE)
            continue; /* whiting out what no lower layer has is allowed and a no-op */
        int rc = delete_subtree(v, idx, e->whiteout == WHITEOUT_FILE, layer);
        if (rc != 0)
            return strata_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        const struct layer_entry *e = &entries[i];
        if (e->whiteout != WHITEOUT_NONE)
            continue;
        int oom = 0;
        uint32_t idx = get_or_create(v, e->path, strlen(e->path), layer, &oom);
        if (idx == NO_NODE)
            return strata_error_nomem(err);
        struct vnode *node = &v->nodes[idx];
        uint8_t type = e->type;
        const char *link = NULL;
        if (type == STRATA_FT_HARDLINK) {
            uint32_t t = find(v, e->link, strlen(e->link));
            type = t != NO_NODE ? v->nodes[t].type : STRATA_FT_REG;
            link = e->link;
        } else if (type == STRATA_FT_SYMLINK) {
            link = e->link;
        }
        if (node->type == STRATA_FT_DIR && type != STRATA_FT_DIR && node->first_child != NO_NODE)
            if (delete_subtree(v, idx, 0, layer) != 0)
                return strata_error_nomem(err);
        if (link && (link = arena_strdup(&v->arena, link)) == NULL)
            return strata_error_nomem(err);
        node = &v->nodes[idx];
        node->type = type;
        node->link = link;
        node->size = e->size;
        node->mode = e->mode;
        node->uid = e->uid;
        node->gid = e->gid;
        node->layer = layer;
        node->deleted_by = -1;
    }
    return 0;
}

static void fill_info(const struct vnode *n, struct strata_node_info *out)
{
    out->path = n->path;
    out->type = (enum strata_ftype)n->type;
    out->mode = n->mode;
    out->uid = n->uid;
    out->gid = n->gid;
    out->size = n->size;
    out->link_target = n->link;
    out->layer = n->layer;
    out->deleted_by = n->deleted_by;
}

int strata_view_lookup(const struct strata_view *v, const char *path, struct strata_node_info *out)
{
    uint32_t idx = find(v, path, strlen(path));
    if (idx == NO_NODE)
        return STRATA_ENOTFOUND;
    fill_info(&v->nodes[idx], out);
    return 0;
}

int strata_view_resolve(const struct strata_view *v, const char *path, char *out, size_t cap,
                        struct strata_error *err)
{
    char cur[STRATA_PATH_MAX], next[STRATA_PATH_MAX];
    if (path_normalize(path, strlen(path), cur, sizeof cur) < 0)
        return strata_error_set(err, STRATA_EFORMAT, "%s: invalid path", path);
    int hops = 0;
restart:
    for (size_t i = 0;;) {
        /* cur[0..i) is resolved; look at the next component. */
        size_t j = i;
        while (cur[j] && cur[j] != '/')
            j++;
        if (j == i)
            break;
        uint32_t idx = find(v, cur, j);
        if (idx == NO_NODE || v->nodes[idx].deleted_by >= 0)
            return strata_error_set(err, STRATA_ENOTFOUND, "%s: '%.*s' does not exist", path,
                                    (int)j, cur);
        const struct vnode *n = &v->nodes[idx];
        if (n->type == STRATA_FT_SYMLINK && n->link) {
            if (++hops > VIEW_MAX_SYMLINK_HOPS)
                return strata_error_set(err, STRATA_EFORMAT,
                                        "%s: too many levels of symbolic links (loop at '%s')",
                                        path, n->path);
            char target[STRATA_PATH_MAX];
            if (path_resolve_link(n->path, n->link, target, sizeof target) != 0 ||
                strlen(target) + strlen(cur + j) + 1 > sizeof next)
                return strata_error_set(err, STRATA_ELIMIT, "%s: resolved path too long", path);
            size_t tl = strlen(target), rl = strlen(cur + j);
            memcpy(next, target, tl);
            memcpy(next + tl, cur + j, rl + 1);
            if (path_normalize(next, strlen(next), cur, sizeof cur) < 0)
                return strata_error_set(err, STRATA_EFORMAT, "%s: invalid link target", path);
            goto restart;
        }
        if (cur[j] == '\0')
            break;
        if (n->type != STRATA_FT_DIR)
            return strata_error_set(err, STRATA_ENOTFOUND, "%s: '%.*s' is not a directory", path,
                                    (int)j, cur);
        i = j + 1;
    }
    if (strlen(cur) + 1 > cap)
        return strata_error_set(err, STRATA_ELIMIT, "%s: resolved path too long", path);
    memcpy(out, cur, strlen(cur) + 1);
    return 0;
}

int strata_view_foreach(const struct strata_view *v,
                        int (*fn)(const struct strata_node_info *n, void *arg), void *arg)
{
    for (size_t i = 1; i < v->n; i++) {
        struct strata_node_info info;
        fill_info(&v->nodes[i], &info);
        int rc = fn(&info, arg);
        if (rc != 0)
            return rc;
    }
    return 0;
}

size_t view_count_present(const struct strata_view *v)
{
    size_t c = 0;
    for (size_t i = 1; i < v->n; i++)
        c += v->nodes[i].deleted_by < 0;
    return c;
}
