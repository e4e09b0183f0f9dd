/* fuzz_client.c — X-Forwarded-For and proxy lists (common/client.c). */
#include "client.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[128], out[CLIENT_TEXT_MAX];
    struct client_nets nets;
    struct client_addr peer, got, unit;
    double t0 = fuzz_cpu_ms();

    client_addr_parse("127.0.0.1", 9, &peer);
    client_nets_parse("127.0.0.1,10.0.0.0/8,::1,fd00::/8", &nets, err, sizeof(err));
    client_resolve(&peer, text, &nets, &got);
    client_unit(&got, &unit);
    client_text(&unit, true, out);
    if (got.family != 4 && got.family != 6)
        abort();
    (void)client_nets_parse(text, &nets, err, sizeof(err));
    free(text);
    fuzz_check_time(t0, "client_resolve");
    return 0;
}
