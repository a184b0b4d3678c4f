#include "strata/analyzer.h"

extern const struct strata_analyzer strata_analyzer_os;
extern const struct strata_analyzer strata_analyzer_dpkg;
extern const struct strata_analyzer strata_analyzer_apk;
extern const struct strata_analyzer strata_analyzer_rpm;
extern const struct strata_analyzer strata_analyzer_npm;
extern const struct strata_analyzer strata_analyzer_gobinary;

const struct strata_analyzer *const *strata_builtin_analyzers(void)
{
    /* os first: package analyzers read report->os for their purls. */
    static const struct strata_analyzer *const list[] = {
        &strata_analyzer_os,
        &strata_analyzer_dpkg,
        &strata_analyzer_apk,
        &strata_analyzer_rpm,
        &strata_analyzer_npm,
        &strata_analyzer_gobinary,
        NULL,
    };
    return list;
}
