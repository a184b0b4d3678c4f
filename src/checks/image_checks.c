/* The image checks' entry point: runs every check of docs/checks-image.md over what a scan
 * gathered (config, squashed view, the account files' per-layer states) and sorts them. */
#include "checks/checks.h"

#include "inventory/attribution.h"

int checks_run_image(const struct checks_input *in, struct strata_report *r,
                     struct strata_error *err)
{
    int rc = checks_image_files(in->view, in->setuid_allow, r, err);
    if (rc == 0 && in->config != NULL) {
        const char *passwd = NULL;
        size_t passwd_len = 0;
        long si = inventory_visible_file(in->view, "etc/passwd", in->n_layers, r);
        if (si >= 0 && in->account_states != NULL)
            passwd = checks_passwd_data(in->account_states[si], &passwd_len);
        rc = checks_image_config(in->config, in->image_name, passwd, passwd_len, in->n_layers, r,
                                 err);
    }
    if (rc != 0)
        strata_error_prefix(err, "image checks: ");
    strata_report_sort_misconfigurations(r);
    return rc;
}
