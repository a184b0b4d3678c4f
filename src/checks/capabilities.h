/* Linux capabilities as container configurations name them (upper case, no CAP_ prefix):
 * which Docker grants by default and how much adding one gives away. One table for the
 * compose and docker inspect checks. */
#ifndef STRATA_CHECKS_CAPABILITIES_H
#define STRATA_CHECKS_CAPABILITIES_H

/* 1 when Docker's default set holds c: adding it changes nothing. */
int checks_cap_is_default(const char *c);

/* "CRITICAL" (ALL, SYS_ADMIN, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH: a way out of the
 * container), "HIGH" (tracing, networking, clocks, MAC, BPF, …) or "MEDIUM". */
const char *checks_cap_severity(const char *c);

#endif
