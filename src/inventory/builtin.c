#include "strata/analyzer.h"

extern const struct strata_analyzer strata_analyzer_os;
extern const struct strata_analyzer strata_analyzer_dpkg;
extern const struct strata_analyzer strata_analyzer_dpkg_copyright;
extern const struct strata_analyzer strata_analyzer_apk;
extern const struct strata_analyzer strata_analyzer_rpm;
extern const struct strata_analyzer strata_analyzer_npm;
extern const struct strata_analyzer strata_analyzer_gobinary;
extern const struct strata_analyzer strata_analyzer_php;
extern const struct strata_analyzer strata_analyzer_dotnet;
extern const struct strata_analyzer strata_analyzer_python;
extern const struct strata_analyzer strata_analyzer_cargo_lock;
extern const struct strata_analyzer strata_analyzer_rust_audit;
extern const struct strata_analyzer strata_analyzer_ruby;
extern const struct strata_analyzer strata_analyzer_gomod;
extern const struct strata_analyzer strata_analyzer_java;

const struct strata_analyzer *const *strata_builtin_analyzers(void)
{
    /* os first: package analyzers read report->os for their purls. */
    static const struct strata_analyzer *const list[] = {
        &strata_analyzer_os,
        &strata_analyzer_dpkg,
        &strata_analyzer_dpkg_copyright, /* after dpkg: it adds licenses to its packages */
        &strata_analyzer_apk,
        &strata_analyzer_rpm,
        &strata_analyzer_npm,
        &strata_analyzer_gobinary,
        &strata_analyzer_php,
        &strata_analyzer_dotnet,
        &strata_analyzer_python,
        &strata_analyzer_cargo_lock,
        &strata_analyzer_rust_audit,
        &strata_analyzer_ruby,
        &strata_analyzer_gomod,
        &strata_analyzer_java,
        NULL,
    };
    return list;
}
