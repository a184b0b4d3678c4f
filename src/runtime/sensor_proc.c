/* Process table (sensor_proc.h): open addressing on the pid, backward-shift deletion. */
#include "runtime/sensor_proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/sensor_util.h"

#define PROC_TABLE_START 1024

void proc_table_init(struct proc_table *t)
{
    memset(t, 0, sizeof(*t));
}

void proc_table_release(struct proc_table *t)
{
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

static size_t slot_of(uint32_t pid, size_t cap)
{
    return (size_t)((pid * 0x9E3779B1u) >> 8) & (cap - 1);
}

struct proc_info *proc_table_get(struct proc_table *t, uint32_t pid)
{
    if (!t->cap || pid == 0)
        return NULL;
    for (size_t i = slot_of(pid, t->cap);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].pid == pid)
            return &t->slots[i];
        if (t->slots[i].pid == 0)
            return NULL;
    }
}

static int grow(struct proc_table *t)
{
    size_t ncap = t->cap ? t->cap * 2 : PROC_TABLE_START;
    struct proc_info *ns = calloc(ncap, sizeof(*ns));
    if (!ns)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].pid)
            continue;
        size_t j = slot_of(t->slots[i].pid, ncap);
        while (ns[j].pid)
            j = (j + 1) & (ncap - 1);
        ns[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    return 0;
}

struct proc_info *proc_table_put(struct proc_table *t, uint32_t pid)
{
    struct proc_info *p = proc_table_get(t, pid);
    if (p || pid == 0)
        return p;
    /* keep the load under 1/2 so probes stay short */
    if ((t->len + 1) * 2 > t->cap) {
        if (t->cap * 2 > PROC_TABLE_MAX * 2 || grow(t) != 0) {
            t->full++;
            return NULL;
        }
    }
    size_t i = slot_of(pid, t->cap);
    while (t->slots[i].pid)
        i = (i + 1) & (t->cap - 1);
    memset(&t->slots[i], 0, sizeof(t->slots[i]));
    t->slots[i].pid = pid;
    t->len++;
    return &t->slots[i];
}

void proc_table_del(struct proc_table *t, uint32_t pid)
{
    if (!t->cap || pid == 0)
        return;
    size_t mask = t->cap - 1;
    size_t i = slot_of(pid, t->cap);
    while (t->slots[i].pid != pid) {
        if (t->slots[i].pid == 0)
            return;
        i = (i + 1) & mask;
    }
    t->slots[i].pid = 0;
    t->len--;
    /* backward shift: move later members of the cluster into the hole when their home slot
     * does not lie cyclically in (hole, j] */
    for (size_t j = (i + 1) & mask; t->slots[j].pid; j = (j + 1) & mask) {
        size_t home = slot_of(t->slots[j].pid, t->cap);
        int between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (between)
            continue;
        t->slots[i] = t->slots[j];
        t->slots[j].pid = 0;
        i = j;
    }
}

uint16_t proc_count_args(const char *args, size_t len)
{
    uint16_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (args[i] == '\0')
            n++;
    return n;
}

static void read_link(uint32_t pid, const char *what, char *out, size_t cap, uint8_t *trunc,
                      uint8_t bit)
{
    char p[64];
    snprintf(p, sizeof(p), "/proc/%u/%s", pid, what);
    ssize_t n = readlink(p, out, cap - 1);
    if (n < 0) {
        out[0] = '\0';
        return;
    }
    if ((size_t)n == cap - 1)
        *trunc |= bit;
    out[n] = '\0';
}

struct proc_info *proc_table_load(struct proc_table *t, uint32_t pid)
{
    char p[64];
    struct strbuf sb = STRBUF_INIT;
    snprintf(p, sizeof(p), "/proc/%u/stat", pid);
    if (sensor_read_file(p, 4096, &sb) != 0 || !sb.buf) {
        strbuf_release(&sb);
        return NULL;
    }
    /* "pid (comm) S ppid pgrp session tty_nr …": comm may hold spaces and parens */
    char *open = strchr(sb.buf, '(');
    char *close = strrchr(sb.buf, ')');
    unsigned ppid = 0;
    int tty = 0;
    if (!open || !close || close < open ||
        sscanf(close + 1, " %*c %u %*d %*d %d", &ppid, &tty) != 2) {
        strbuf_release(&sb);
        return NULL;
    }
    struct proc_info *e = proc_table_put(t, pid);
    if (!e) {
        strbuf_release(&sb);
        return NULL;
    }
    size_t cl = (size_t)(close - open - 1);
    if (cl >= sizeof(e->comm))
        cl = sizeof(e->comm) - 1;
    memcpy(e->comm, open + 1, cl);
    e->comm[cl] = '\0';
    e->ppid = ppid;
    e->tty = (uint32_t)tty;
    read_link(pid, "exe", e->exe, sizeof(e->exe), &e->trunc, RT_TRUNC_EXE);
    read_link(pid, "cwd", e->cwd, sizeof(e->cwd), &e->trunc, RT_TRUNC_CWD);
    snprintf(p, sizeof(p), "/proc/%u/cmdline", pid);
    int r = sensor_read_file(p, sizeof(e->args), &sb);
    if (r == 0 || r == -2) {
        size_t n = sb.len;
        if (r == -2 || (n > 0 && sb.buf[n - 1] != '\0')) {
            e->trunc |= RT_TRUNC_ARGS;
            /* keep whole strings only */
            while (n > 0 && sb.buf[n - 1] != '\0')
                n--;
        }
        if (n)
            memcpy(e->args, sb.buf, n);
        e->args_len = (uint16_t)n;
        e->argc = proc_count_args(e->args, n);
    }
    strbuf_release(&sb);
    return e;
}

void proc_table_scan(struct proc_table *t)
{
    DIR *d = opendir("/proc");
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char *end;
        unsigned long pid = strtoul(de->d_name, &end, 10);
        if (*end || pid == 0 || pid > UINT32_MAX)
            continue;
        proc_table_load(t, (uint32_t)pid);
    }
    closedir(d);
}
