/* purl of a Go module, shared by the Go binary and go.mod analyzers. */
#ifndef STRATA_INVENTORY_GOMOD_PURL_H
#define STRATA_INVENTORY_GOMOD_PURL_H

/* pkg:golang/<namespace>/<name>@<version>: each '/'-separated segment of the module path is
 * percent-encoded on its own (the '/' between them kept, empty segments dropped, case kept);
 * version may be NULL or empty. Returns a malloc'd string or NULL on ENOMEM. */
char *go_module_purl(const char *module, const char *version);

#endif
