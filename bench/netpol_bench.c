/* Benchmark driver for bench/netpol.sh (not part of the library): loads the YAML files given
 * on the command line, builds the engine, walks every pair with np_engine_each and prints the
 * time of each step and the number of allowed pairs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "netpol/np_engine.h"
#include "netpol/np_model.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct tally {
    size_t pairs;
    uint64_t digest; /* order-sensitive digest of every (src, dst, allowance) */
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3u + 0x9e3779b97f4a7c15u;
}

static int count_pair(void *u, size_t s, size_t d, const struct np_allow *a)
{
    struct tally *t = u;
    t->pairs++;
    t->digest = mix(mix(mix(t->digest, s), d), (uint64_t)a->all);
    if (!a->all)
        for (int p = 0; p < NP_NPROTO; p++)
            for (uint32_t i = 0; i < a->p[p].n; i++)
                t->digest =
                    mix(t->digest, (uint64_t)p << 32 | a->p[p].r[i].lo << 16 | a->p[p].r[i].hi);
    return 0;
}

/* The same walk pair by pair with np_engine_pair, to check np_engine_each against. */
static int walk_pairs(struct np_engine *e, struct tally *t)
{
    size_t n = np_engine_entities(e);
    for (size_t s = 0; s < n; s++)
        for (size_t d = 0; d < n; d++) {
            const struct np_allow *a;
            int rc = np_engine_pair(e, s, d, &a);
            if (rc != 0)
                return rc;
            if (!np_allow_empty(a))
                count_pair(t, s, d, a);
        }
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 65536 > cap) {
            char *nb = realloc(buf, cap = (n + 65536) * 2);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    struct strata_error err = {0};
    struct np_cluster *c = np_cluster_new(NULL);
    if (c == NULL)
        return 1;
    double t0 = now();
    for (int i = 1; i < argc; i++) {
        size_t len;
        char *data = slurp(argv[i], &len);
        if (data == NULL || np_cluster_add_yaml(c, argv[i], data, len, &err) != 0) {
            fprintf(stderr, "netpol_bench: %s: %s\n", argv[i], data ? err.msg : "unreadable");
            free(data);
            np_cluster_free(c);
            return 1;
        }
        free(data);
    }
    double t1 = now();
    struct np_engine *e;
    if (np_engine_build(&e, c, &err) != 0) {
        fprintf(stderr, "netpol_bench: %s\n", err.msg);
        np_cluster_free(c);
        return 1;
    }
    double t2 = now();
    struct tally t = {0, 0};
    int rc = np_engine_each(e, count_pair, &t);
    double t3 = now();
    size_t pairs = t.pairs;
    size_t n = np_engine_entities(e);
    printf("namespaces %zu, workloads %zu, policies %zu, entities %zu\n", c->n_ns, c->n_wl, c->n_pol,
           n);
    printf("load %.3f s  build %.3f s  each %.3f s (%zu pairs walked, %zu allowed)%s\n", t1 - t0,
           t2 - t1, t3 - t2, n * n, pairs, rc ? "  FAILED" : "");
    printf("each digest %016llx\n", (unsigned long long)t.digest);
    if (getenv("NETPOL_CHECK") != NULL) {
        struct tally p = {0, 0};
        double t4 = now();
        rc |= walk_pairs(e, &p);
        printf("pair-by-pair %.3f s, digest %016llx: %s\n", now() - t4,
               (unsigned long long)p.digest,
               p.digest == t.digest && p.pairs == t.pairs ? "same" : "DIFFERENT");
        rc |= p.digest != t.digest || p.pairs != t.pairs;
    }
    np_engine_free(e);
    np_cluster_free(c);
    return rc != 0;
}
