/*
 * fuzz_rrule.c — the RRULE parser and predicates of common/rrule.c (expansion
 * is SQL's). The first line of the input is the rule; a second line, when
 * there is one, is the start ("YYYY-MM-DDTHH:MM"). The rule's canonical form
 * must parse to the same rule again.
 */
#include "fuzz_common.h"
#include "rrule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[160], canon[512];
    char *nl = strchr(text, '\n');
    struct rrule r, again;
    struct rrule_datetime start = { { 2026, 12, 7 }, 10, 0, 0 };
    double t0 = fuzz_cpu_ms();

    if (nl) {
        struct rrule_datetime s;
        *nl = '\0';
        if (rrule_parse_local(nl + 1, strlen(nl + 1), &s) == 0)
            start = s;
    }
    if (rrule_parse(text, strlen(text), &r, err, sizeof(err)) == 0) {
        int len = rrule_format(&r, canon, sizeof(canon));
        if (len < 0 || (size_t)len >= sizeof(canon) || rrule_parse(canon, (size_t)len, &again, err, sizeof(err)) != 0)
            abort(); /* what we write we must read */
        (void)rrule_start_matches(&r, &start);
        (void)rrule_until_before(&r, &start);
    } else if (err[0] == '\0') {
        abort(); /* a refusal names the part */
    }
    free(text);
    fuzz_check_time(t0, "rrule_parse");
    return 0;
}
