#include "checks/capabilities.h"

#include <string.h>

static int listed(const char *c, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c, list[i]) == 0)
            return 1;
    return 0;
}

int checks_cap_is_default(const char *c)
{
    static const char *const caps[] = {
        "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER", "FSETID",  "KILL",   "MKNOD",
        "NET_BIND_SERVICE", "NET_RAW", "SETFCAP",      "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};
    return listed(c, caps, sizeof caps / sizeof *caps);
}

const char *checks_cap_severity(const char *c)
{
    static const char *const critical[] = {"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO",
                                           "DAC_READ_SEARCH"};
    static const char *const high[] = {"SYS_PTRACE",      "NET_ADMIN",    "BPF",
                                       "PERFMON",         "SYS_BOOT",     "MAC_ADMIN",
                                       "MAC_OVERRIDE",    "SYS_TIME",     "SYSLOG",
                                       "LINUX_IMMUTABLE", "SYS_RESOURCE", "CHECKPOINT_RESTORE"};
    if (listed(c, critical, sizeof critical / sizeof *critical))
        return "CRITICAL";
    if (listed(c, high, sizeof high / sizeof *high))
        return "HIGH";
    return "MEDIUM";
}
