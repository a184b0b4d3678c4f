/* The image checks' entry point: runs every check of docs/checks-image.md over what a scan
 * gathered (config, squashed view, the account files' per-layer states) and sorts them. */
#include "checks/checks.h"

#include "inventory/attribution.h"

/* The visible copy of each account file: the state of the layer that wrote it holds it. */
static void account_files(const struct checks_input *in, const struct strata_report *r,
                          struct checks_account_text files[CHECKS_ACCOUNT_FILES])
{
    for (int f = 0; f < CHECKS_ACCOUNT_FILES; f++) {
        const char *path = checks_account_path((enum checks_account_file)f);
        files[f] = (struct checks_account_text){NULL, 0, -1};
        long si = inventory_visible_file(in->view, path, in->n_layers, r);
        struct strata_node_info ni;
        if (si < 0 || in->account_states == NULL || strata_view_lookup(in->view, path, &ni) != 0)
            continue;
        files[f].data =
            checks_account_data(in->account_states[si], (enum checks_account_file)f, &files[f].len);
        files[f].layer = ni.layer;
    }
}

int checks_run_image(const struct checks_input *in, struct strata_report *r,
                     struct strata_error *err)
{
    struct checks_account_text files[CHECKS_ACCOUNT_FILES];
    account_files(in, r, files);
    int rc = checks_image_files(in->view, in->setuid_allow, r, err);
    if (rc == 0)
        rc = checks_accounts(files, r, err);
    /* image only: a project directory scanned with `strata fs` has its .git and caches */
    if (rc == 0 && in->config != NULL)
        rc = checks_leftovers(in->view, r, err);
    if (rc == 0 && in->config != NULL)
        rc = checks_image_config(in->config, in->image_name, files[CHECKS_PASSWD].data,
                                 files[CHECKS_PASSWD].len, in->n_layers, r, err);
    if (rc != 0)
        strata_error_prefix(err, "image checks: ");
    strata_report_sort_misconfigurations(r);
    return rc;
}
