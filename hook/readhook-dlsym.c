/* readhook-dlsym.c - the same firewall as readhook.c, written the naive way:
 * dlsym(RTLD_NEXT, ...) on EVERY call. Exists to show (and measure) what that
 * costs. Everything else is shared with readhook.c (firewall.c, firewall-wrappers.h).
 */
#include "firewall.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:readhook-dlsym";
const char fw_hook_name[] = "readhook-dlsym";

__attribute__((constructor)) static void readhook_dlsym_init(void) { fw_init(); }

#define FW_NEXT(name) HL_DLSYM_NEXT(hl_##name##_fn, #name, hl_sys_##name)
#include "firewall-wrappers.h"
