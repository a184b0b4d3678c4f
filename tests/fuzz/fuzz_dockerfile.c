/* libFuzzer target: the Dockerfile parser, the shell tokenizer over every RUN, and the rules.
 * An error must name the file and a line:col; an accepted file must be consistent (positions
 * inside the file, stage indices valid, strings NUL-terminated); the rules must never fail on
 * a file the parser accepted except for memory. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/config.h"
#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_shell.h"
#include "strata/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct df_file *f, int lines)
{
    for (size_t i = 0; i < f->n_ins; i++) {
        const struct df_instruction *in = &f->ins[i];
        if (in->line < 1 || in->line > lines || in->end_line < in->line || in->end_line > lines ||
            in->column < 1 || strlen(in->text) != in->text_len || in->args == NULL ||
            in->stage >= (long)f->n_stages ||
            (in->cmd == DF_FROM) != (in->stage >= 0 && f->stages[in->stage].from == i))
            __builtin_trap();
        for (size_t k = 0; k < in->n_words; k++)
            if (in->words[k].raw == NULL || in->words[k].value == NULL ||
                in->words[k].line < in->line || in->words[k].line > in->end_line)
                __builtin_trap();
        for (size_t k = 0; k < in->n_flags; k++)
            if (in->flags[k].name == NULL || (in->flags[k].value && !in->flags[k].expanded))
                __builtin_trap();
        for (size_t k = 0; k < in->n_pairs; k++)
            if (in->pairs[k].key == NULL || (in->pairs[k].raw && !in->pairs[k].value))
                __builtin_trap();
        for (size_t k = 0; k < in->n_heredocs; k++)
            if (strlen(in->heredocs[k].content) != in->heredocs[k].len ||
                in->heredocs[k].end_line > in->end_line)
                __builtin_trap();
        if (in->cmd == DF_RUN && !in->json) {
            struct df_sh_script sc;
            if (df_sh_parse(in->args, strlen(in->args), &sc) == 0)
                for (size_t c = 0; c < sc.n_cmds; c++)
                    for (size_t w = 0; w < sc.cmds[c].n_words; w++)
                        if (sc.cmds[c].words[w].off + sc.cmds[c].words[w].raw_len >
                            strlen(in->args))
                            __builtin_trap();
            df_sh_free(&sc);
        }
    }
    for (size_t s = 0; s < f->n_stages; s++)
        if (f->stages[s].parent >= (long)s || f->stages[s].end <= f->stages[s].from ||
            f->stages[s].end > f->n_ins || f->stages[s].base == NULL)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';

    struct df_file *f = NULL;
    struct strata_error err = {0};
    int rc = df_parse("Dockerfile", text, size, &f, &err);
    if (rc == 0) {
        walk(f, lines);
        df_free(f);
    } else if (rc != STRATA_ENOMEM && strncmp(err.msg, "Dockerfile:", 11) != 0) {
        __builtin_trap();
    }

    struct strata_report *r = strata_report_new();
    struct config_ctx *c = NULL;
    if (r && config_ctx_new(NULL, r, &c, &err) == 0) {
        struct config_source src = {"Dockerfile", text, size, CONFIG_DOCKERFILE};
        int rc2 = config_check_dockerfile(c, &src, &err);
        if ((rc == 0) != (rc2 == 0) && rc2 != STRATA_ENOMEM && rc != STRATA_ENOMEM)
            __builtin_trap();
        for (size_t i = 0; i < r->n_misconfigurations; i++)
            if (r->misconfigurations[i].line < 1 || r->misconfigurations[i].line > lines)
                __builtin_trap();
        config_ctx_free(c);
    }
    strata_report_free(r);
    free(text);
    return 0;
}
