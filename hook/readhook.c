/* readhook.c - the "firewall" hook: scans what accepted inet sockets read for
 * keywords (HOOK_KEYWORDS), logs or blocks (HOOK_MODE). Next-symbol pointers are
 * resolved once (constructor, pthread_once fallback); no allocation on the hot path.
 * Wraps read, recv, accept, accept4, close (firewall-wrappers.h). See README.md.
 */
#include "firewall.h"
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:readhook";
const char fw_hook_name[] = "readhook";

__attribute__((constructor)) static void readhook_init(void)
{
    hl_next_init();
    fw_init();
}

#define FW_NEXT(name) NEXT(name)
#include "firewall-wrappers.h"
