/* Workloads for bench/watch.sh (built by it into a temporary directory):
 *   watch_load open-ro N DIR   N read-only open+close of DIR/f (filtered in the kernel)
 *   watch_load open-wr N DIR   N O_WRONLY open+close of DIR/f (reported to userspace)
 *   watch_load open-read N DIR N read-only open + read of 4 KiB + close of DIR/f
 *   watch_load pread N DIR     N pread of 4 KiB from DIR/f opened once (syscalls not watched)
 *   watch_load exec N          N fork + exec of /bin/true
 *   watch_load rate SECS RATE DIR  O_WRONLY opens paced at RATE a second for SECS seconds
 * Prints the elapsed seconds, the CPU seconds (user + system, the kernel's BPF programs run
 * in the workload's context so they count here) and the operations done. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *mode = argv[1];
    char path[4096];
    long n = atol(argv[2]), done = 0;
    double t0 = now();
    if (strcmp(mode, "open-ro") == 0 || strcmp(mode, "open-wr") == 0 ||
        strcmp(mode, "open-read") == 0) {
        int wr = strcmp(mode, "open-wr") == 0, rd = strcmp(mode, "open-read") == 0;
        char buf[4096];
        if (argc < 4)
            return 2;
        snprintf(path, sizeof(path), "%s/f", argv[3]);
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        if (fd < 0)
            return 1;
        memset(buf, 'x', sizeof(buf));
        if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
            return 1;
        close(fd);
        for (long i = 0; i < n; i++) {
            fd = open(path, wr ? O_WRONLY : O_RDONLY);
            if (fd < 0)
                return 1;
            if (rd && read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
                return 1;
            close(fd);
        }
        done = n;
    } else if (strcmp(mode, "pread") == 0) {
        char buf[4096];
        if (argc < 4)
            return 2;
        snprintf(path, sizeof(path), "%s/f", argv[3]);
        int fd = open(path, O_RDWR | O_CREAT, 0644);
        if (fd < 0)
            return 1;
        memset(buf, 'x', sizeof(buf));
        if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
            return 1;
        for (long i = 0; i < n; i++)
            if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
                return 1;
        close(fd);
        done = n;
    } else if (strcmp(mode, "exec") == 0) {
        for (long i = 0; i < n; i++) {
            pid_t p = fork();
            if (p == 0) {
                execl("/bin/true", "true", (char *)NULL);
                _exit(127);
            }
            if (p < 0 || waitpid(p, NULL, 0) != p)
                return 1;
        }
        done = n;
    } else if (strcmp(mode, "rate") == 0) {
        if (argc < 5)
            return 2;
        double secs = atof(argv[2]);
        long rate = atol(argv[3]);
        snprintf(path, sizeof(path), "%s/f", argv[4]);
        close(open(path, O_WRONLY | O_CREAT, 0644));
        /* paced in 1 ms slices */
        while (now() - t0 < secs) {
            long due = (long)((now() - t0) * (double)rate);
            while (done < due) {
                int fd = open(path, O_WRONLY);
                if (fd < 0)
                    return 1;
                close(fd);
                done++;
            }
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
        }
    } else {
        return 2;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    struct rusage rc;
    getrusage(RUSAGE_CHILDREN, &rc);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + rc.ru_utime.tv_sec +
                          rc.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec + rc.ru_utime.tv_usec +
                          rc.ru_stime.tv_usec) /
                     1e6;
    printf("%.6f %.6f %ld\n", now() - t0, cpu, done);
    return 0;
}
